//! Parse + aggregate throughput of the streaming national path on generated in-memory CSV,
//! each run checked against totals computed while generating.
//!
//! `cargo bench --bench bulk`; `cargo test --benches` runs each case once as a check.

// A bench program: generated data, small integers, and a failed check should abort.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::many_single_char_names,
    clippy::redundant_closure_for_method_calls
)]

use std::fmt::Write as _;
use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fundtrack::bulk::{Aggregator, BulkOptions, Partials};
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::report::Grouping;

const EXPENDITURES: usize = 1_000_000;
const COUNTIES: u64 = 2_800;

struct Data {
    allocations: Vec<u8>,
    projects: Vec<u8>,
    expenditures: Vec<u8>,
    /// Expected totals in 分 at mid-year and at year end: (allocated, spent).
    mid_year: (i128, i128),
    year_end: (i128, i128),
    planned: i128,
}

#[path = "../tests/support/synth.rs"]
mod synth;
use synth::{CATEGORIES, Rng, SOURCES, date};

fn code(i: u64) -> u64 {
    u64::from(synth::county_code(i))
}

/// 2,800 counties, 100 allocations and 100 projects each, `EXPENDITURES` expenditures sorted
/// by date (buckets hit in random order), like the benchmark kit's data.
fn data() -> Data {
    let mut rng = Rng(20_250_630);
    let mid = 180; // 2025-06-30 is day 180 of 2025 (0-based)
    let dates: Vec<String> = (0..365).map(date).collect();
    let (mut a, mut p, mut e) = (String::new(), String::new(), String::new());
    a.push_str("id,date,county_code,source,category,amount_yuan\n");
    p.push_str("id,county_code,category,planned_investment_yuan,status\n");
    e.push_str("id,date,project_id,county_code,source,category,amount_yuan\n");
    let (mut mid_year, mut year_end, mut planned) = ((0, 0), (0, 0), 0);
    let mut allocs = Vec::new();
    for i in 0..COUNTIES * 100 {
        let c = code(i % COUNTIES);
        let (day, s, k, fen) = (
            rng.below(200),
            rng.below(4),
            rng.below(5),
            1_000_000 + rng.below(400_000_000),
        );
        allocs.push((day, i, c, s, k, fen));
        year_end.0 += i128::from(fen);
        if day <= mid {
            mid_year.0 += i128::from(fen);
        }
        let pf = 5_000_000 + rng.below(295_000_000);
        planned += i128::from(pf);
        writeln!(
            p,
            "{},{c},{},{}.{:02},in_progress",
            i + 1,
            // Project i + 1 is in county i % COUNTIES, category (i / COUNTIES) % 5.
            CATEGORIES[((i / COUNTIES) % 5) as usize],
            pf / 100,
            pf % 100
        )
        .unwrap();
    }
    allocs.sort_unstable();
    for (day, i, c, s, k, fen) in &allocs {
        let (s, k) = (*s as usize, *k as usize);
        writeln!(
            a,
            "{},{},{c},{},{},{}.{:02}",
            i + 1,
            dates[*day as usize],
            SOURCES[s],
            CATEGORIES[k],
            fen / 100,
            fen % 100
        )
        .unwrap();
    }
    let mut exps: Vec<(u64, u64, u64, u64, u64, u64, u64)> = (0..EXPENDITURES as u64)
        .map(|i| {
            let (aday, ai, c, s, k, afen) = allocs[rng.below(allocs.len() as u64) as usize];
            (
                aday + rng.below(365 - aday),
                i,
                c,
                s,
                k,
                5_040 + rng.below(afen / 200),
                ai % COUNTIES,
            )
        })
        .collect();
    exps.sort_unstable();
    for (day, i, c, s, k, fen, county) in &exps {
        year_end.1 += i128::from(*fen);
        if *day <= mid {
            mid_year.1 += i128::from(*fen);
        }
        let (s, k) = (*s as usize, *k as usize);
        writeln!(
            e,
            "{},{},{},{c},{},{},{}.{:02}",
            i + 1,
            dates[*day as usize],
            // A project of the expenditure's own county and category (see above).
            county + COUNTIES * k as u64 + 1,
            SOURCES[s],
            CATEGORIES[k],
            fen / 100,
            fen % 100
        )
        .unwrap();
    }
    Data {
        allocations: a.into_bytes(),
        projects: p.into_bytes(),
        expenditures: e.into_bytes(),
        mid_year,
        year_end,
        planned,
    }
}

fn run(d: &Data, as_of: NaiveDate, threads: usize) -> Partials {
    let mut agg = Aggregator::new(BulkOptions::new(as_of).threads(threads));
    agg.read_allocations("allocations.csv", &d.allocations[..])
        .unwrap();
    agg.read_projects("projects.csv", &d.projects[..]).unwrap();
    agg.read_expenditures("expenditures.csv", &d.expenditures[..])
        .unwrap();
    agg.into_partials()
}

fn check(p: &Partials, expected: (i128, i128), planned: i128) {
    let report = p.execution(national_csv_options(p.as_of())).unwrap();
    let overall = report.total();
    assert_eq!(
        (overall.allocated().to_fen(), overall.spent().to_fen()),
        expected
    );
    let county_planned: i128 = report
        .rows_of(Grouping::REGION)
        .filter_map(|r| r.progress().planned())
        .map(|m| m.to_fen())
        .sum();
    assert_eq!(county_planned, planned);
}

fn bench(c: &mut Criterion) {
    let d = data();
    let mid = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    for threads in [1, 2] {
        check(&run(&d, mid, threads), d.mid_year, d.planned);
        check(&run(&d, end, threads), d.year_end, d.planned);
    }

    let rows = (EXPENDITURES as u64) + 2 * COUNTIES * 100;
    let mut g = c.benchmark_group("bulk");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    for threads in [1, 2] {
        g.bench_function(format!("parse_aggregate_year_end_{threads}t"), |b| {
            b.iter(|| {
                let p = run(&d, end, threads);
                assert_eq!(p.rows().expenditures(), EXPENDITURES as u64);
                black_box(p)
            });
        });
        g.bench_function(format!("parse_aggregate_mid_year_{threads}t"), |b| {
            b.iter(|| black_box(run(&d, mid, threads)));
        });
    }
    let p = run(&d, end, 2);
    let options = national_csv_options(end);
    let rows = p.execution(options.clone()).unwrap().rows().len();
    g.throughput(Throughput::Elements(rows as u64));
    g.bench_function("report_and_csv", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(4 << 20);
            national_csv(&p.execution(options.clone()).unwrap(), &mut out).unwrap();
            assert!(out.ends_with(b"\n"));
            black_box(out)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
