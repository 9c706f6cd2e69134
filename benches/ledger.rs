//! The in-memory `Ledger` at national scale, each case checked against totals computed while
//! generating: importing expenditures from CSV, inserting them, appending month after
//! month to one ledger (the cost must follow the month, not the ledger's size), and the
//! execution report over 1M expenditures (target: ≤ 20 ns per expenditure).
//!
//! `cargo bench --bench ledger`; `cargo test --benches` runs a small version once as a
//! check.

// A bench program: generated data, small integers, and a failed check should abort.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use fundtrack::dim::RegionLevel;
use fundtrack::import::{CsvKind, import_csv};
use fundtrack::record::{Allocation, Expenditure, Project, Record, Region};
use fundtrack::report::ExecutionOptions;
use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Money, ProjectStage, RegionCode};

const COUNTIES: u64 = 2_800;

#[path = "../tests/support/synth.rs"]
mod synth;
use synth::{Rng, day};

fn code(i: u64) -> RegionCode {
    RegionCode::new(synth::county_code(i)).unwrap()
}

struct Setup {
    ledger: Ledger,
    expenditures: Vec<Expenditure>,
    /// Allocated and spent 分 as of mid-year and year end.
    mid_year: (i128, i128),
    year_end: (i128, i128),
}

/// Regions, one project per (county, category), 20 allocations per county on 1 January
/// (one per bucket, 1,000,000.00 元 each), and `n` expenditures of 1.00–1,000.00 元 on random
/// buckets and days, not yet inserted.
fn setup(n: usize) -> Setup {
    setup_days(n, "E", 0, 365)
}

/// As [`setup`], with expenditures numbered `{prefix}-{j}` on days `from..to` of 2025.
fn setup_days(n: usize, prefix: &str, from: u64, to: u64) -> Setup {
    let mut rng = Rng(20_250_630);
    let mut ledger = Ledger::new(FiscalYear::new(2025).unwrap());
    ledger
        .insert((0..COUNTIES).map(|i| Region::new(code(i), format!("county {i}"))))
        .unwrap();
    let mut records: Vec<Record> = Vec::new();
    let mut allocs: Vec<Record> = Vec::new();
    for i in 0..COUNTIES {
        for (k, cat) in Category::BUILT_IN.iter().enumerate() {
            let id = format!("P-{i}-{k}").parse().unwrap();
            records.push(
                Project::new(
                    id,
                    code(i),
                    cat.clone(),
                    Money::from_fen(500_000_000),
                    ProjectStage::Implementing,
                    2025,
                )
                .into(),
            );
            for (s, level) in FundLevel::ALL.iter().enumerate() {
                let id = format!("A-{i}-{s}-{k}").parse().unwrap();
                let a = Allocation::new(id, day(0), code(i), *level, Money::from_fen(100_000_000))
                    .with_category(cat.clone());
                allocs.push(a.into());
            }
        }
    }
    ledger.insert(records).unwrap();
    let allocated = allocs.len() as i128 * 100_000_000;
    ledger.insert(allocs).unwrap();
    let (mut mid, mut end) = (0i128, 0i128);
    let expenditures = (0..n)
        .map(|j| {
            let (e, d, fen) = random_expenditure(&mut rng, &format!("{prefix}-{j}"), from, to);
            end += fen;
            if d <= 180 {
                mid += fen;
            }
            e
        })
        .collect();
    Setup {
        ledger,
        expenditures,
        mid_year: (allocated, mid),
        year_end: (allocated, end),
    }
}

fn bench(c: &mut Criterion) {
    // `cargo bench` passes `--bench`; under `cargo test --benches` a small set checks the
    // code paths quickly.
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 1_000_000 } else { 20_000 };
    let Setup {
        mut ledger,
        expenditures,
        mid_year,
        year_end,
    } = setup(n);
    let batch: Vec<Expenditure> = expenditures.iter().take(n / 10).cloned().collect();
    ledger.insert(expenditures).unwrap();
    assert_eq!(ledger.expenditures().len(), n);

    let mid = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let national = |as_of| {
        ExecutionOptions::new(as_of)
            .by_region(RegionLevel::County)
            .by_level()
            .by_category()
    };
    for (as_of, expected) in [(mid, mid_year), (end, year_end)] {
        let report = ledger.execution(national(as_of));
        let total = report.total();
        assert_eq!(
            (total.allocated().to_fen(), total.spent().to_fen()),
            expected
        );
        assert_eq!(report.rows().len(), 56_000);
    }

    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("execution_by_county_level_category_mid_year", |b| {
        b.iter(|| {
            let report = ledger.execution(national(mid));
            assert_eq!(report.total().spent().to_fen(), mid_year.1);
            black_box(report)
        });
    });
    // The monthly report's shape: five subtotal groupings and 本月 (two more sums a bucket).
    let monthly = ExecutionOptions::monthly(mid, RegionLevel::County);
    g.bench_function("execution_monthly_mid_year", |b| {
        b.iter(|| {
            let report = ledger.execution(monthly.clone());
            assert_eq!(report.total().spent().to_fen(), mid_year.1);
            assert!(report.total().period_spent().is_some());
            black_box(report)
        });
    });
    g.bench_function("execution_total_year_end", |b| {
        b.iter(|| {
            let report = ledger.execution(end);
            assert_eq!(report.total().spent().to_fen(), year_end.1);
            black_box(report)
        });
    });
    // Inserting a batch of n / 10 expenditures into a ledger that holds the allocations.
    let Setup { ledger: empty, .. } = setup(0);
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function("insert_expenditures", |b| {
        b.iter_batched(
            || (empty.clone(), batch.clone()),
            |(mut l, batch)| {
                let receipt = l.insert(batch).unwrap();
                assert!(receipt.warnings.is_empty());
                black_box(l)
            },
            BatchSize::LargeInput,
        );
    });

    // Importing the same batch from CSV text: reading, parsing and inserting with every
    // check.
    let csv = expenditures_csv(&batch);
    let spent: i128 = batch.iter().map(|e| e.amount().to_fen()).sum();
    g.bench_function("import_expenditures_csv", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut l| {
                let receipt =
                    import_csv(&mut l, CsvKind::Expenditures, "e.csv", csv.as_bytes()).unwrap();
                assert_eq!(receipt.inserted, batch.len());
                assert_eq!(l.execution(end).total().spent().to_fen(), spent);
                black_box(l)
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
    month_after_month(c, full);
}

/// The expenditures as the benchmark kit's CSV.
fn expenditures_csv(batch: &[Expenditure]) -> String {
    let mut csv = String::from("id,date,project_id,county_code,source,category,amount_yuan\n");
    for e in batch {
        let fen = u64::try_from(e.amount().to_fen()).unwrap();
        writeln!(
            csv,
            "{},{},{},{},{},{},{}",
            e.id(),
            e.date(),
            e.project(),
            e.region(),
            e.level().machine_name(),
            e.category().machine_name(),
            synth::yuan(fen)
        )
        .unwrap();
    }
    csv
}

/// The first day (0 = 1 January) of month `m` (0–11) of 2025, and of the month after it.
fn month_days(m: u32) -> (u64, u64) {
    let first =
        |m: u32| NaiveDate::from_ymd_opt(2025, m + 1, 1).map_or(365, |d| u64::from(d.ordinal0()));
    (first(m), first(m + 1))
}

/// `n` expenditures of 1.00–1,000.00 元 on random buckets (of `setup`'s ledger) and days
/// of month `m`, numbered `m·n + j + 1` (vouchers numbered through the year, as the kit's
/// are), and their total in 分.
fn month_batch(rng: &mut Rng, m: u32, n: usize) -> (Vec<Expenditure>, i128) {
    let (from, to) = month_days(m);
    let mut total = 0i128;
    let batch = (0..n)
        .map(|j| {
            let id = (m as usize * n + j + 1).to_string();
            let (e, _, fen) = random_expenditure(rng, &id, from, to);
            total += fen;
            e
        })
        .collect();
    (batch, total)
}

/// One expenditure numbered `id`, of 1.00–1,000.00 元 on a random bucket of `setup`'s
/// ledger and a random day in `from..to`: the expenditure, its day and its 分.
fn random_expenditure(rng: &mut Rng, id: &str, from: u64, to: u64) -> (Expenditure, u64, i128) {
    let (i, s, k, d) = (
        rng.below(COUNTIES),
        rng.below(4) as usize,
        rng.below(5) as usize,
        from + rng.below(to - from),
    );
    let fen = 100 + rng.below(99_901);
    let e = Expenditure::new(
        id.parse().unwrap(),
        day(d),
        format!("P-{i}-{k}").parse().unwrap(),
        code(i),
        FundLevel::ALL[s],
        Category::BUILT_IN[k].clone(),
        Money::from_fen(i64::try_from(fen).unwrap()),
    );
    (e, d, i128::from(fen))
}

/// Appending month after month (100,000 expenditures each; 2,000 under `cargo test`) to
/// ONE ledger, which holds the year's regions, projects and allocations and grows by a
/// month each time: January, February, …, December (1.2M expenditures), then it starts
/// over from the allocations (not timed). Nothing is cloned: each timed call is one
/// `insert` of the next month into the ledger as the months before left it. Each month's
/// batch is made, and the ledger's totals checked against the batches' sums, outside the
/// timer. Criterion reports the mean over months; the time of each month is printed
/// too, so the 1st and the 12th can be compared: a batch's checks and merges touch its
/// own rows and the buckets they fall in, so they cost the same.
fn month_after_month(c: &mut Criterion, full: bool) {
    let per_month = if full { 100_000 } else { 2_000 };
    let Setup {
        ledger: base,
        year_end: (allocated, _),
        ..
    } = setup(0);
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let mut ledger = base.clone();
    let (mut month, mut spent) = (0u32, 0i128);
    let mut rng = Rng(20_251_231);
    let mut by_month: Vec<Vec<Duration>> = vec![Vec::new(); 12];
    let mut g = c.benchmark_group("ledger_month_after_month");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(per_month as u64));
    g.bench_function("append_month_to_the_same_ledger", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                if month == 12 {
                    (ledger, month, spent) = (base.clone(), 0, 0);
                }
                let (batch, fen) = month_batch(&mut rng, month, per_month);
                let start = Instant::now();
                let receipt = ledger.insert(batch).unwrap();
                let took = start.elapsed();
                assert_eq!((receipt.inserted, receipt.warnings.len()), (per_month, 0));
                spent += fen;
                let total = ledger.execution(end);
                assert_eq!(
                    (
                        total.total().allocated().to_fen(),
                        total.total().spent().to_fen()
                    ),
                    (allocated, spent)
                );
                assert_eq!(
                    ledger.expenditures().len(),
                    per_month * (month as usize + 1)
                );
                by_month[month as usize].push(took);
                month += 1;
                timed += took;
            }
            timed
        });
    });
    g.finish();
    println!("ledger_month_after_month, median per month ({per_month} expenditures each):");
    for (m, times) in by_month.iter_mut().enumerate() {
        times.sort_unstable();
        if let Some(median) = times.get(times.len() / 2) {
            println!(
                "  month {:>2}: {:>8.2?} (ledger held {} expenditures before; {} runs)",
                m + 1,
                median,
                per_month * m,
                times.len()
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
