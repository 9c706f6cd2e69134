//! The streaming national path (`fundtrack::bulk`): the contract report against a naive
//! model, k-shard merges, serde round trips, and the error catalogue of bad rows.

// Generators and the naive model: small integers, plain loops.
#![allow(
    clippy::cast_possible_truncation,
    clippy::many_single_char_names,
    clippy::stable_sort_primitive,
    clippy::redundant_closure_for_method_calls
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use fundtrack::bulk::{Aggregator, BulkOptions, Overspending, Partials};
use fundtrack::format::{NATIONAL_CSV_HEADER, national_csv, national_csv_options};
use fundtrack::import::{InputError, InputErrorKind};
use fundtrack::report::{Execution, ExecutionOptions, Grouping};
use fundtrack::{FiscalYear, Money};

const ALLOC_HEAD: &str = "id,date,county_code,source,category,amount_yuan\n";
const PROJ_HEAD: &str = "id,county_code,category,planned_investment_yuan,status\n";
const EXP_HEAD: &str = "id,date,project_id,county_code,source,category,amount_yuan\n";
const STATUSES: [&str; 4] = ["planned", "approved", "in_progress", "completed"];

use crate::support::synth::{CATEGORIES, Rng, SOURCES, date, yuan};

/// A small national data set: the three CSV texts, by construction valid.
pub(crate) struct DataSet {
    pub(crate) allocations: String,
    pub(crate) projects: String,
    pub(crate) expenditures: String,
}

pub(crate) fn data_set(
    seed: u64,
    counties: usize,
    allocations: usize,
    expenditures: usize,
) -> DataSet {
    let mut rng = Rng(seed);
    let codes: Vec<u32> = (0..counties)
        .map(|i| {
            let province = [11, 45, 52, 65][i % 4];
            province * 10_000 + (1 + (i / 4) as u32 % 20) * 100 + 1 + (i / 80) as u32 % 90
        })
        .collect::<std::collections::BTreeSet<u32>>()
        .into_iter()
        .collect();
    let mut alloc_rows = Vec::new();
    for i in 0..allocations {
        let code = codes[rng.below(codes.len() as u64) as usize];
        let day = rng.below(365);
        let fen = 1_000_000 + rng.below(500_000_000);
        let (s, c) = (rng.below(4) as usize, rng.below(5) as usize);
        alloc_rows.push((day, i, code, s, c, fen));
    }
    alloc_rows.sort();
    let mut a = String::from(ALLOC_HEAD);
    for (day, i, code, s, c, fen) in &alloc_rows {
        writeln!(
            a,
            "{},{},{code},{},{},{}",
            i + 1,
            date(*day),
            SOURCES[*s],
            CATEGORIES[*c],
            yuan(*fen)
        )
        .unwrap();
    }
    let mut p = String::from(PROJ_HEAD);
    let mut project_of: BTreeMap<(u32, usize), usize> = BTreeMap::new();
    let mut id = 0;
    for &code in &codes {
        for (c, cat) in CATEGORIES.iter().enumerate() {
            id += 1;
            project_of.insert((code, c), id);
            let fen = 5_000_000 + rng.below(300_000_000);
            writeln!(
                p,
                "{id},{code},{cat},{},{}",
                yuan(fen),
                STATUSES[rng.below(4) as usize]
            )
            .unwrap();
        }
    }
    let mut exp_rows = Vec::new();
    for i in 0..expenditures {
        let (aday, _, code, s, c, afen) = alloc_rows[rng.below(alloc_rows.len() as u64) as usize];
        let day = aday + rng.below(365 - aday);
        let fen = 1 + rng.below(afen / 50);
        exp_rows.push((day, i, code, s, c, fen));
    }
    exp_rows.sort();
    let mut e = String::from(EXP_HEAD);
    for (day, i, code, s, c, fen) in &exp_rows {
        let pid = project_of[&(*code, *c)];
        writeln!(
            e,
            "{},{},{pid},{code},{},{},{}",
            i + 1,
            date(*day),
            SOURCES[*s],
            CATEGORIES[*c],
            yuan(*fen)
        )
        .unwrap();
    }
    DataSet {
        allocations: a,
        projects: p,
        expenditures: e,
    }
}

/// The contract report computed the plain way: string keys, `BTreeMap`s, i128 分.
pub(crate) fn naive_report(d: &DataSet, as_of: &str) -> String {
    type Key = (String, String, String);
    let fen = |s: &str| -> i128 {
        let (i, f) = s.split_once('.').unwrap();
        i.parse::<i128>().unwrap() * 100 + f.parse::<i128>().unwrap()
    };
    let mut a: BTreeMap<Key, (i128, i128)> = BTreeMap::new();
    for (text, spent) in [(&d.allocations, false), (&d.expenditures, true)] {
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (dt, code, src, cat, amt) = if spent {
                (f[1], f[3], f[4], f[5], f[6])
            } else {
                (f[1], f[2], f[3], f[4], f[5])
            };
            if dt <= as_of {
                let e = a.entry((code.into(), src.into(), cat.into())).or_default();
                if spent {
                    e.1 += fen(amt);
                } else {
                    e.0 += fen(amt);
                }
            }
        }
    }
    let mut planned: BTreeMap<String, i128> = BTreeMap::new();
    for line in d.projects.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        *planned.entry(f[1].into()).or_default() += fen(f[3]);
    }
    let money = |v: i128| format!("{}.{:02}", v / 100, v % 100);
    let rate = |n: i128, d: i128| {
        if d == 0 {
            String::new()
        } else {
            let q = (n * 20000 + d) / (2 * d);
            format!("{}.{:02}", q / 100, q % 100)
        }
    };
    let mut levels: Vec<BTreeMap<Key, (i128, i128)>> = vec![BTreeMap::new(); 5];
    for ((c, s, k), v) in &a {
        for (lvl, key) in [
            (0, (c.clone(), s.clone(), k.clone())),
            (1, (c.clone(), String::new(), String::new())),
            (2, (String::new(), s.clone(), String::new())),
            (3, (String::new(), String::new(), k.clone())),
            (4, (String::new(), String::new(), String::new())),
        ] {
            let e = levels[lvl].entry(key).or_default();
            e.0 += v.0;
            e.1 += v.1;
        }
    }
    let mut out = String::from(NATIONAL_CSV_HEADER);
    out.push('\n');
    for (lvl, name) in ["bucket", "county", "source", "category", "overall"]
        .iter()
        .enumerate()
    {
        for ((c, s, k), (al, sp)) in &levels[lvl] {
            let (pl, pc) = if lvl == 1 {
                let p = planned.get(c).copied().unwrap_or(0);
                (money(p), rate(p, *al))
            } else {
                (String::new(), String::new())
            };
            writeln!(
                out,
                "{name},{c},{s},{k},{},{},{},{pl},{pc}",
                money(*al),
                money(*sp),
                rate(*sp, *al)
            )
            .unwrap();
        }
    }
    out
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Options for the synthetic data sets, which spend beyond the money in place now and then
/// (the ledger reads them with `Overspend::Warn` too).
fn lenient(as_of: NaiveDate) -> BulkOptions {
    BulkOptions::new(as_of).overspending(Overspending::Warn)
}

fn partials(d: &DataSet, options: BulkOptions) -> Result<Partials, InputError> {
    let mut agg = Aggregator::new(options);
    agg.read_allocations("allocations.csv", d.allocations.as_bytes())?;
    agg.read_projects("projects.csv", d.projects.as_bytes())?;
    agg.read_expenditures("expenditures.csv", d.expenditures.as_bytes())?;
    Ok(agg.into_partials())
}

/// The national report of a bulk read.
fn report(p: &Partials) -> Execution {
    p.execution(national_csv_options(p.as_of())).unwrap()
}

fn csv(p: &Partials) -> String {
    let mut out = Vec::new();
    national_csv(&report(p), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// One (level, category) bucket's allocated and spent 分 over all counties, and the planned
/// investment.
fn bucket_fen(
    p: &Partials,
    level: fundtrack::FundLevel,
    category: &fundtrack::Category,
) -> (i128, i128) {
    let e = p
        .execution(ExecutionOptions::new(p.as_of()).by_level().by_category())
        .unwrap();
    e.rows()
        .iter()
        .find(|r| {
            r.key().level() == Some(level)
                && r.key().category()
                    == Some(&fundtrack::report::CategoryKey::Assigned(category.clone()))
        })
        .map_or((0, 0), |r| (r.allocated().to_fen(), r.spent().to_fen()))
}

fn planned_fen(p: &Partials) -> i128 {
    report(p).total().planned().unwrap().to_fen()
}

/// Splits a CSV text into `k` shards of whole lines, each with the header.
fn shards(text: &str, k: usize) -> Vec<String> {
    let (head, body) = text.split_once('\n').unwrap();
    let lines: Vec<&str> = body.lines().collect();
    let per = lines.len().div_ceil(k).max(1);
    let mut out: Vec<String> = lines
        .chunks(per)
        .map(|c| format!("{head}\n{}\n", c.join("\n")))
        .collect();
    out.resize(k, format!("{head}\n"));
    out
}

#[test]
fn report_equals_the_naive_model_at_mid_year_and_year_end() {
    let d = data_set(7, 60, 1_500, 20_000);
    for as_of in ["2025-06-30", "2025-12-31", "2025-01-01"] {
        for threads in [1, 2, 3] {
            let options = lenient(day(as_of)).threads(threads).buffer_size(8192);
            let p = partials(&d, options).unwrap();
            assert_eq!(
                csv(&p),
                naive_report(&d, as_of),
                "as of {as_of}, {threads} threads"
            );
        }
    }
}

#[test]
fn contract_sample_shape_and_row_order() {
    let d = data_set(11, 12, 300, 3_000);
    let p = partials(&d, lenient(day("2025-12-31"))).unwrap();
    let text = csv(&p);
    let kinds: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let order = ["bucket", "county", "source", "category", "overall"];
    let rank = |k: &str| order.iter().position(|o| *o == k).unwrap();
    assert!(
        kinds.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "rows grouped by level"
    );
    let sources: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("source,"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(sources, ["central", "city", "county", "provincial"]);
    let report = report(&p);
    let spent: i128 = report
        .rows_of(Grouping::REGION | Grouping::LEVEL | Grouping::CATEGORY)
        .map(|r| r.spent().to_fen())
        .sum();
    assert_eq!(report.total().spent().to_fen(), spent);
    assert_eq!(p.rows().expenditures(), 3_000);
    assert_eq!(p.rows().after_as_of(), 0);
}

#[test]
fn k_shards_merged_in_any_order_give_the_identical_report() {
    let d = data_set(23, 40, 1_000, 12_000);
    let as_of = day("2025-06-30");
    let whole = partials(&d, lenient(as_of)).unwrap();
    let expected = csv(&whole);
    for k in [2, 3, 7] {
        let a = shards(&d.allocations, k);
        let e = shards(&d.expenditures, k);
        let parts: Vec<Partials> = (0..k)
            .map(|i| {
                // Every worker checks its expenditures against all the projects; the first
                // one counts planned investment.
                let mut agg = Aggregator::new(lenient(as_of).threads(1));
                if i == 0 {
                    agg.read_projects("projects.csv", d.projects.as_bytes())
                        .unwrap();
                } else {
                    agg.read_project_references("projects.csv", d.projects.as_bytes())
                        .unwrap();
                }
                agg.read_allocations("allocations.csv", a[i].as_bytes())
                    .unwrap();
                agg.read_expenditures("expenditures.csv", e[i].as_bytes())
                    .unwrap();
                agg.into_partials()
            })
            .collect();
        // Left to right.
        let mut left = Partials::new(as_of);
        for part in &parts {
            left.merge(part).unwrap();
        }
        // Right to left, as a tree of pairs.
        let mut tree: Vec<Partials> = parts.iter().rev().cloned().collect();
        while tree.len() > 1 {
            tree = tree
                .chunks(2)
                .map(|pair| {
                    let mut m = pair[0].clone();
                    if let Some(b) = pair.get(1) {
                        m.merge(b).unwrap();
                    }
                    m
                })
                .collect();
        }
        assert_eq!(left, whole, "k = {k}");
        assert_eq!(tree[0], whole, "k = {k}, tree");
        assert_eq!(csv(&left), expected);
    }
}

#[cfg(feature = "serde")]
#[cfg(feature = "serde")]
#[test]
fn partials_round_trip_through_json_and_merge() {
    let d = data_set(5, 10, 200, 2_000);
    let as_of = day("2025-09-30");
    let e = shards(&d.expenditures, 2);
    let mut agg = Aggregator::new(lenient(as_of));
    agg.read_allocations("allocations.csv", d.allocations.as_bytes())
        .unwrap();
    agg.read_projects("projects.csv", d.projects.as_bytes())
        .unwrap();
    agg.read_expenditures("part-0.csv", e[0].as_bytes())
        .unwrap();
    let first = agg.into_partials();
    let mut agg = Aggregator::new(lenient(as_of));
    agg.read_expenditures("part-1.csv", e[1].as_bytes())
        .unwrap();
    let second = agg.into_partials();

    let json = serde_json::to_string(&first).unwrap();
    let mut back: Partials = serde_json::from_str(&json).unwrap();
    assert_eq!(back, first);
    back.merge(&serde_json::from_str(&serde_json::to_string(&second).unwrap()).unwrap())
        .unwrap();
    assert_eq!(csv(&back), naive_report(&d, "2025-09-30"));

    // Unsorted or negative partials are refused on the way in.
    let unsorted = json.replacen("\"counties\":[", "\"counties\":[{\"code\":\"650101\",\"allocated_fen\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],\"spent_fen\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],\"planned_fen\":0},", 1);
    assert!(serde_json::from_str::<Partials>(&unsorted).is_err());
}

#[test]
fn merging_different_as_of_dates_is_an_error() {
    let mut a = Partials::new(day("2025-06-30"));
    let b = Partials::new(day("2025-12-31"));
    let err = a.merge(&b).unwrap_err();
    assert_eq!(
        err.to_string(),
        "partials: partials as of 2025-06-30 and as of 2025-12-31 cannot be merged"
    );
}

fn exp_error(rows: &str, options: BulkOptions) -> InputError {
    let text = format!("{EXP_HEAD}1,2025-01-02,9,450521,central,industry,1.00\n{rows}");
    let mut agg = Aggregator::new(options);
    agg.read_expenditures("expenditures.csv", text.as_bytes())
        .unwrap_err()
}

#[test]
fn bad_rows_name_input_line_and_column() {
    let o = lenient(day("2025-06-30"));
    let cases = [
        (
            "2,2025-01-02,9,450521,central,industry,12.345\n",
            "expenditures.csv line 3 column amount_yuan: invalid amount \"12.345\": 3 decimal places of 元 (at most 2: amounts are whole 分)",
        ),
        (
            "2,2025-01-02,9,991234,central,industry,1.00\n",
            "expenditures.csv line 3 column county_code: invalid region code \"991234\": expected six digits PPCCDD with a provincial prefix PP of GB/T 2260 (11–82)",
        ),
        (
            "2,2025-01-02,9,45052,central,industry,1.00\n",
            "expenditures.csv line 3 column county_code: invalid region code \"45052\": expected six ASCII digits PPCCDD",
        ),
        (
            "2,2025-01-02,9,450521,centre,industry,1.00\n",
            "expenditures.csv line 3 column source: invalid fund level \"centre\": unknown; did you mean central?",
        ),
        (
            "2,2025-01-02,9,450521,central,industy,1.00\n",
            "expenditures.csv line 3 column category: invalid category \"industy\": unknown; did you mean industry?",
        ),
        (
            "2,2025-02-30,9,450521,central,industry,1.00\n",
            "expenditures.csv line 3 column date: invalid date \"2025-02-30\": expected a calendar date YYYY-MM-DD",
        ),
        (
            "2,2025-01-02,9,450521,central,industry,0.00\n",
            "expenditures.csv line 3 column amount_yuan: amount \"0.00\" is not positive",
        ),
        (
            "2,2025-01-02,9,450521,central,industry,-3.00\n",
            "expenditures.csv line 3 column amount_yuan: amount \"-3.00\" is not positive",
        ),
        (
            "2,2025-01-02,9,450521,central,industry\n",
            "expenditures.csv line 3: 6 fields, but the header has 7",
        ),
        (
            "2,2025-01-02,,450521,central,industry,1.00\n",
            "expenditures.csv line 3 column project_id: invalid project id \"\": empty",
        ),
        (
            "\"2\",2025-01-02,9,450521,central,industry,1.00\n",
            "expenditures.csv line 3 column id: quoted field (the bulk path reads unquoted CSV)",
        ),
        (
            "2,2025-01-02,9,450521,central,以工代赈,1.00\n",
            "expenditures.csv line 3 column category: custom category \"以工代赈\" (the bulk path counts the built-in categories only)",
        ),
    ];
    for (row, message) in cases {
        assert_eq!(exp_error(row, o).to_string(), message, "{row}");
    }
    // A date outside the fiscal year, even after the as-of date.
    let fy = o.fiscal_year(FiscalYear::new(2025).unwrap());
    let err = exp_error("\n\n2,2026-01-02,9,450521,central,industry,1.00\n", fy);
    assert_eq!(
        err.to_string(),
        "expenditures.csv line 5 column date: date 2026-01-02 is outside fiscal year 2025"
    );
    assert!(matches!(
        err.kind(),
        InputErrorKind::OutsideYear { year: 2025, .. }
    ));
}

#[test]
fn other_spellings_are_read_like_the_ledger_reads_them() {
    let text = format!(
        "{EXP_HEAD}1,2025-01-02,9,450521,中央,产业发展,1.5\r\n2,2025-01-03,9, 450521 ,central,industry,1,234.56\n"
    );
    // `1,234.56` has a comma: a field too many.
    let mut agg = Aggregator::new(lenient(day("2025-06-30")));
    let err = agg.read_expenditures("e.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "e.csv line 3: 8 fields, but the header has 7"
    );
    let text = format!(
        "{EXP_HEAD}1,2025-01-02,9,450521,中央,产业发展,1.5\r\n2,2025-01-03,9, 450521 ,central,industry,2.50元\n"
    );
    let mut agg = Aggregator::new(lenient(day("2025-06-30")));
    agg.read_expenditures("e.csv", text.as_bytes()).unwrap();
    let p = agg.into_partials();
    assert_eq!(report(&p).total().spent().to_fen(), 400);
}

#[test]
fn headers_must_match() {
    let mut agg = Aggregator::new(lenient(day("2025-06-30")));
    let err = agg
        .read_allocations(
            "allocations.csv",
            &b"id,date,county_code,source,amount_yuan\n"[..],
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "allocations.csv line 1: missing column category; expected id,date,county_code,source,category,amount_yuan"
    );
    let err = agg
        .read_projects(
            "projects.csv",
            &b"id,county_code,category,planned_investment_yuan,status,note\n"[..],
        )
        .unwrap_err();
    assert_eq!(err.column(), None);
    assert!(err.to_string().contains("unknown column \"note\""), "{err}");
    let err = agg
        .read_expenditures("expenditures.csv", &b""[..])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "expenditures.csv: no header line; expected id,date,project_id,county_code,source,category,amount_yuan"
    );
}

#[test]
fn a_failed_read_adds_nothing() {
    let d = data_set(3, 8, 100, 1_000);
    let as_of = day("2025-12-31");
    let mut agg = Aggregator::new(lenient(as_of).buffer_size(4096));
    agg.read_allocations("allocations.csv", d.allocations.as_bytes())
        .unwrap();
    agg.read_projects("projects.csv", d.projects.as_bytes())
        .unwrap();
    let mut bad = d.expenditures.clone();
    bad.push_str("x,2025-12-31,1,110101,central,industry,1.001\n");
    let err = agg
        .read_expenditures("expenditures.csv", bad.as_bytes())
        .unwrap_err();
    assert_eq!(err.line(), Some(1_002));
    agg.read_expenditures("expenditures.csv", d.expenditures.as_bytes())
        .unwrap();
    assert_eq!(csv(&agg.into_partials()), naive_report(&d, "2025-12-31"));
}

#[test]
fn sums_overflowing_i64_fen_are_errors() {
    let big = "90000000000000000.00"; // 9×10¹⁸ 分: fits in i64 once, not twice
    let text = format!(
        "{ALLOC_HEAD}1,2025-01-02,450521,central,industry,{big}\n2,2025-01-02,450521,central,industry,{big}\n"
    );
    let mut agg = Aggregator::new(lenient(day("2025-06-30")));
    let err = agg
        .read_allocations("allocations.csv", text.as_bytes())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "allocations.csv line 3 column amount_yuan: the allocated sum of 450521 central industry reaches the largest sum the bulk path keeps (92233720368547758.07元)"
    );
}

/// The same CSV texts, read record by record into a [`fundtrack::Ledger`].
pub(crate) fn ledger_of(d: &DataSet) -> fundtrack::Ledger {
    use fundtrack::ledger::{LedgerOptions, Overspend};
    use fundtrack::record::{Allocation, Expenditure, Project, Region};
    use fundtrack::{Category, FundLevel, Money, ProjectStage, RegionCode};

    let options = LedgerOptions::new().overspend(Overspend::Warn);
    let mut ledger = fundtrack::Ledger::with_options(FiscalYear::new(2025).unwrap(), options);
    let fields = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    };
    let (allocations, projects, expenditures) = (
        fields(&d.allocations),
        fields(&d.projects),
        fields(&d.expenditures),
    );
    let mut codes: Vec<RegionCode> = projects.iter().map(|p| p[1].parse().unwrap()).collect();
    codes.sort_unstable();
    codes.dedup();
    ledger
        .insert(codes.iter().map(|c| Region::new(*c, c.to_string())))
        .unwrap();
    let money = |s: &str| -> Money { s.parse().unwrap() };
    ledger
        .insert(projects.iter().map(|p| {
            let stage: ProjectStage = p[4].parse().unwrap();
            Project::new(
                p[0].parse().unwrap(),
                p[1].parse().unwrap(),
                p[2].parse::<Category>().unwrap(),
                money(&p[3]),
                stage,
                2025,
            )
        }))
        .unwrap();
    ledger
        .insert(allocations.iter().map(|a| {
            Allocation::new(
                format!("A-{}", a[0]).parse().unwrap(),
                day(&a[1]),
                a[2].parse().unwrap(),
                a[3].parse::<FundLevel>().unwrap(),
                money(&a[5]),
            )
            .with_category(a[4].parse().unwrap())
        }))
        .unwrap();
    ledger
        .insert(expenditures.iter().map(|e| {
            Expenditure::new(
                format!("E-{}", e[0]).parse().unwrap(),
                day(&e[1]),
                e[2].parse().unwrap(),
                e[3].parse().unwrap(),
                e[4].parse().unwrap(),
                e[5].parse().unwrap(),
                money(&e[6]),
            )
        }))
        .unwrap();
    ledger
}

#[test]
fn the_ledger_path_gives_the_same_report() {
    use fundtrack::dim::RegionLevel;

    let d = data_set(31, 30, 900, 9_000);
    let ledger = ledger_of(&d);
    for as_of in ["2025-03-31", "2025-06-30", "2025-12-31"] {
        let as_of = day(as_of);
        let p = partials(&d, lenient(as_of)).unwrap();
        // One report model: the same options give the same Execution from either producer,
        // row by row, planned investment included.
        let mut compared = 0;
        for options in [
            national_csv_options(as_of),
            ExecutionOptions::new(as_of)
                .by_region(RegionLevel::Province)
                .by_category(),
            ExecutionOptions::new(as_of)
                .by_region(RegionLevel::City)
                .by_level()
                .subtotal(Grouping::REGION),
            ExecutionOptions::new(as_of)
                .sources(fundtrack::SourceMix::CentralAndProvincial)
                .by_level(),
            ExecutionOptions::new(as_of)
                .within("450500".parse().unwrap())
                .by_category(),
        ] {
            let bulk = p.execution(options.clone()).unwrap();
            let exec = ledger.execution(options);
            assert_eq!(bulk, exec, "as of {as_of}");
            compared += exec.rows().len();
        }
        // And the same contract CSV.
        let mut from_ledger = Vec::new();
        national_csv(
            &ledger.execution(national_csv_options(as_of)),
            &mut from_ledger,
        )
        .unwrap();
        assert_eq!(String::from_utf8(from_ledger).unwrap(), csv(&p));
        assert!(compared > 100, "{compared} rows compared");
    }
}

#[test]
fn expenditures_must_name_a_pooled_project_of_their_bucket() {
    let projects = format!(
        "{PROJ_HEAD}7,450521,industry,5.00,in_progress\n8,450521,other,5.00,proposed\nP-9,450522,industry,5.00,planned\n"
    );
    let read = |rows: &str| {
        let mut agg = Aggregator::new(lenient(day("2025-06-30")));
        agg.read_projects("projects.csv", projects.as_bytes())
            .unwrap();
        agg.read_expenditures("expenditures.csv", format!("{EXP_HEAD}{rows}").as_bytes())
            .map(|()| agg.into_partials())
    };
    let ok = read(
        "1,2025-01-02,7,450521,central,industry,1.00\n2,2025-01-02,P-9,450522,city,industry,1.00\n",
    )
    .unwrap();
    assert_eq!(ok.rows().expenditures(), 2);
    let cases = [
        (
            "1,2025-01-02,77,450521,central,industry,1.00\n",
            "expenditures.csv line 2 column project_id: unknown project \"77\"",
        ),
        (
            "1,2025-01-02,7,450521,central,other,1.00\n",
            "expenditures.csv line 2 column project_id: project \"7\" is in 450521 industry, the expenditure in 450521 other",
        ),
        (
            "1,2025-01-02,P-9,450521,central,industry,1.00\n",
            "expenditures.csv line 2 column project_id: project \"P-9\" is in 450522 industry, the expenditure in 450521 industry",
        ),
        (
            "1,2025-01-02,8,450521,central,other,1.00\n",
            "expenditures.csv line 2 column project_id: project \"8\" is not in the project pool",
        ),
    ];
    for (row, message) in cases {
        assert_eq!(read(row).unwrap_err().to_string(), message);
    }
    // Rows after the as-of date are not counted, and checked all the same: a file's
    // validity does not depend on the report date.
    assert_eq!(
        read("1,2025-08-02,77,450521,central,industry,1.00\n")
            .unwrap_err()
            .to_string(),
        "expenditures.csv line 2 column project_id: unknown project \"77\""
    );
    // A repeated project id, within a file or across files.
    let mut agg = Aggregator::new(lenient(day("2025-06-30")));
    agg.read_projects("projects.csv", projects.as_bytes())
        .unwrap();
    let err = agg
        .read_projects(
            "more.csv",
            format!("{PROJ_HEAD}P-9,450522,industry,5.00,planned\n").as_bytes(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "more.csv line 2 column id: duplicate project id \"P-9\""
    );
    assert_eq!(agg.into_partials().rows().projects(), 3);
}

mod spellings {
    use super::{Aggregator, EXP_HEAD, day, lenient};
    use proptest::prelude::*;
    use std::fmt::Write as _;

    const LEVELS: [(&str, &str); 4] = [
        ("central", "中央"),
        ("provincial", "省级"),
        ("city", "市级"),
        ("county", "县级"),
    ];
    const CATS: [(&str, &str); 5] = [
        ("industry", "产业发展"),
        ("infrastructure", "基础设施"),
        ("loan_interest", "小额信贷贴息"),
        ("yulu_plan", "雨露计划"),
        ("other", "其他"),
    ];

    /// An amount in 分 and a way of writing it in 元: 0, 1 or 2 decimals where exact.
    fn written(fen: i64, style: u8) -> String {
        match style % 3 {
            0 if fen % 100 == 0 => format!("{}", fen / 100),
            1 if fen % 10 == 0 => format!("{}.{}", fen / 100, (fen % 100) / 10),
            _ => format!("{}.{:02}", fen / 100, fen % 100),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Rows in every spelling the bulk path takes (fast or general path, any amount
        /// length, LF or CRLF) sum to the plain total of their 分.
        #[test]
        fn every_spelling_sums_exactly(
            rows in proptest::collection::vec((1i64..=9_999_999_999_999_999, 0u8..6, 0usize..4, 0usize..5, any::<bool>(), 0u32..28), 1..60),
            threads in 1usize..4,
        ) {
            let mut text = String::from(EXP_HEAD);
            let mut expected = [0i128; 20];
            for (i, (fen, style, lv, cat, crlf, d)) in rows.iter().enumerate() {
                let level = if style % 2 == 0 { LEVELS[*lv].0 } else { LEVELS[*lv].1 };
                let category = if style / 2 == 1 { CATS[*cat].1 } else { CATS[*cat].0 };
                let end = if *crlf { "\r\n" } else { "\n" };
                let amount = written(*fen, *style);
                write!(text, "{i},2025-02-{:02},P{i},450521,{level},{category},{amount}{end}", d + 1).unwrap();
                expected[lv * 5 + cat] += i128::from(*fen);
            }
            let mut agg = Aggregator::new(lenient(day("2025-06-30")).threads(threads).buffer_size(4096));
            agg.read_expenditures("e.csv", text.as_bytes()).unwrap();
            let p = agg.into_partials();
            for (lv, level) in fundtrack::FundLevel::ALL.iter().enumerate() {
                for (k, cat) in fundtrack::Category::BUILT_IN.iter().enumerate() {
                    prop_assert_eq!(super::bucket_fen(&p, *level, cat).1, expected[lv * 5 + k]);
                }
            }
        }
    }
}

/// Long digit runs through every reader: never a panic (debug builds check arithmetic
/// overflow), and the verdict of the general `Money` parser.
mod long_amounts {
    use super::*;
    use proptest::prelude::*;

    /// What the bulk path must make of an amount field: its 分, or an error.
    fn verdict(text: &str) -> Option<i64> {
        let m: Money = text.parse().ok()?;
        i64::try_from(m.to_fen())
            .ok()
            .filter(|&f| f > 0 && f < i64::MAX)
    }

    /// Reads one row with `amount` through the allocation, project and expenditure readers,
    /// at the end of the input, before another row and (projects) mid-line; returns the 分
    /// read for the row or the error's column.
    fn through_every_reader(amount: &str, threads: usize) -> Vec<Result<i128, Option<String>>> {
        let mut out = Vec::new();
        for tail in ["", "\n", "\n9,2025-01-02,450521,city,other,1.00\n"] {
            let text = format!("{ALLOC_HEAD}1,2025-01-02,450521,central,industry,{amount}{tail}");
            let mut agg = Aggregator::new(
                lenient(day("2025-06-30"))
                    .threads(threads)
                    .buffer_size(4096),
            );
            out.push(match agg.read_allocations("a.csv", text.as_bytes()) {
                Ok(()) => {
                    let p = agg.into_partials();
                    Ok(bucket_fen(
                        &p,
                        fundtrack::FundLevel::Central,
                        &fundtrack::Category::Industry,
                    )
                    .0)
                }
                Err(e) => Err(e.column().map(str::to_owned)),
            });
            let text = format!("{EXP_HEAD}1,2025-01-02,P-1,450521,central,industry,{amount}{tail}")
                .replace("450521,city,other", "P-1,450521,city,other");
            let mut agg = Aggregator::new(
                lenient(day("2025-06-30"))
                    .threads(threads)
                    .buffer_size(4096),
            );
            out.push(match agg.read_expenditures("e.csv", text.as_bytes()) {
                Ok(()) => {
                    let p = agg.into_partials();
                    Ok(bucket_fen(
                        &p,
                        fundtrack::FundLevel::Central,
                        &fundtrack::Category::Industry,
                    )
                    .1)
                }
                Err(e) => Err(e.column().map(str::to_owned)),
            });
            let text = format!("{PROJ_HEAD}1,450521,industry,{amount},planned{tail}").replace(
                "2025-01-02,450521,city,other,1.00",
                "450521,other,1.00,approved",
            );
            let mut agg = Aggregator::new(
                lenient(day("2025-06-30"))
                    .threads(threads)
                    .buffer_size(4096),
            );
            out.push(match agg.read_projects("p.csv", text.as_bytes()) {
                Ok(()) => {
                    let p = agg.into_partials();
                    let other = if tail.len() > 1 { 100 } else { 0 };
                    Ok(planned_fen(&p) - other)
                }
                Err(e) => Err(e.column().map(str::to_owned)),
            });
        }
        out
    }

    fn check(amount: &str, threads: &[usize]) {
        let want = verdict(amount);
        for &threads in threads {
            for (i, got) in through_every_reader(amount, threads)
                .into_iter()
                .enumerate()
            {
                let column = if i % 3 == 2 {
                    "planned_investment_yuan"
                } else {
                    "amount_yuan"
                };
                // The last project reader adds a second project of 1.00 to the county, in
                // another category: planned sums are per category, so the two never add up
                // in one i64.
                // Planned investment may be zero (as in the ledger); other amounts not.
                let want = if i % 3 == 2 && amount.parse::<Money>().is_ok_and(Money::is_zero) {
                    Some(0)
                } else {
                    want
                };
                match want {
                    Some(fen) => assert_eq!(got, Ok(i128::from(fen)), "{amount:?} reader {i}"),
                    None => assert_eq!(got, Err(Some(column.to_owned())), "{amount:?} reader {i}"),
                }
            }
        }
    }

    #[test]
    fn the_review_cases() {
        for amount in [
            "1.00000000000000000000000000",
            "99999999999999999999999",
            "99999999999999999999999.99",
            "00000000000000000000001.50",
            "999999999999999.99",
            "9999999999999999.99",
            "92233720368547758.07",
            "92233720368547758.08",
            "0",
            "1.",
            ".5",
            ".",
        ] {
            check(amount, &[1, 2]);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Amounts of 0–40 digits, with and without a point.
        #[test]
        fn long_digit_runs_get_the_money_parsers_verdict(
            int in "[0-9]{0,40}",
            frac in proptest::option::of("[0-9]{0,40}"),
        ) {
            let amount = match frac {
                Some(f) => format!("{int}.{f}"),
                None => int,
            };
            check(&amount, &[1]);
        }
    }
}

/// Rows outside the fiscal year of the as-of date are errors unless the caller opts out.
#[test]
fn the_fiscal_year_defaults_to_the_year_of_the_as_of_date() {
    let text = format!(
        "{ALLOC_HEAD}1,2025-01-02,450521,central,industry,5.00\n2,2024-12-31,450521,central,industry,7.00\n"
    );
    let options = lenient(day("2025-12-31"));
    assert_eq!(options.year(), Some(FiscalYear::new(2025).unwrap()));
    let err = Aggregator::new(options)
        .read_allocations("allocations.csv", text.as_bytes())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "allocations.csv line 3 column date: date 2024-12-31 is outside fiscal year 2025"
    );
    // After the as-of date, too: a 2026 expenditure in a 2025 report is a mistake.
    let late = format!("{EXP_HEAD}1,2026-01-02,9,450521,central,industry,1.00\n");
    let err = Aggregator::new(lenient(day("2025-06-30")))
        .read_expenditures("e.csv", late.as_bytes())
        .unwrap_err();
    assert!(
        matches!(err.kind(), InputErrorKind::OutsideYear { year: 2025, .. }),
        "{err}"
    );
    assert_eq!((err.line(), err.column()), (Some(2), Some("date")));
    // The opt-out sums every year up to the as-of date.
    let mut agg = Aggregator::new(lenient(day("2025-12-31")).any_year());
    agg.read_allocations("allocations.csv", text.as_bytes())
        .unwrap();
    agg.read_expenditures("e.csv", late.as_bytes()).unwrap();
    let p = agg.into_partials();
    assert_eq!(p.rows().allocations(), 2);
    assert_eq!(p.rows().after_as_of(), 1);
    // An explicit year wins over the as-of date's.
    let options = lenient(day("2025-06-30"))
        .any_year()
        .fiscal_year(FiscalYear::new(2024).unwrap());
    let err = Aggregator::new(options)
        .read_allocations("allocations.csv", text.as_bytes())
        .unwrap_err();
    assert_eq!(err.line(), Some(2));
}

/// Allocation and expenditure ids must not repeat within one aggregator: reading a file
/// twice is an error naming the line, not doubled figures.
#[test]
fn duplicate_ids_are_errors_naming_the_line() {
    let d = data_set(11, 12, 300, 3_000);
    let as_of = day("2025-12-31");
    for threads in [1, 2, 3] {
        let options = lenient(as_of).threads(threads).buffer_size(4096);
        let mut agg = Aggregator::new(options);
        agg.read_allocations("allocations.csv", d.allocations.as_bytes())
            .unwrap();
        agg.read_projects("projects.csv", d.projects.as_bytes())
            .unwrap();
        agg.read_expenditures("expenditures.csv", d.expenditures.as_bytes())
            .unwrap();
        // The same files again: the first row repeats.
        let err = agg
            .read_expenditures("again.csv", d.expenditures.as_bytes())
            .unwrap_err();
        let first_id = d
            .expenditures
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        assert_eq!(
            err.to_string(),
            format!("again.csv line 2 column id: duplicate id \"{first_id}\"")
        );
        assert!(matches!(err.kind(), InputErrorKind::DuplicateId { id } if id == first_id));
        let err = agg
            .read_allocations("allocations.csv", d.allocations.as_bytes())
            .unwrap_err();
        assert_eq!((err.line(), err.column()), (Some(2), Some("id")));
        // Nothing was added: the totals are those of one read.
        assert_eq!(csv(&agg.into_partials()), naive_report(&d, "2025-12-31"));

        // Within one input, across chunks and threads: the first repeat in file order.
        let mut text = d.expenditures.clone();
        let rows: Vec<&str> = d.expenditures.lines().skip(1).collect();
        // Row 2,500 again at the end, then row 10 (counted earlier in the file, so its repeat
        // comes second) — the first error is the repeat of row 2,500.
        writeln!(text, "{}", rows[2_499]).unwrap();
        writeln!(text, "{}", rows[9]).unwrap();
        let mut agg = Aggregator::new(options);
        agg.read_projects("projects.csv", d.projects.as_bytes())
            .unwrap();
        let err = agg.read_expenditures("e.csv", text.as_bytes()).unwrap_err();
        let id = rows[2_499].split(',').next().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "e.csv line {} column id: duplicate id \"{id}\"",
                rows.len() + 2
            ),
            "{threads} threads"
        );
    }
}

#[test]
fn duplicate_ids_of_every_shape_and_date() {
    let read = |rows: &str| {
        let text = format!("{ALLOC_HEAD}{rows}");
        let mut agg = Aggregator::new(lenient(day("2025-06-30")));
        agg.read_allocations("a.csv", text.as_bytes())
    };
    let ok = "7,2025-01-02,450521,central,industry,1.00\n";
    for (rows, line, id) in [
        // Text ids, through the fast and the general path.
        (
            "A-1,2025-01-02,450521,central,industry,1.00\nA-1,2025-01-03,450521,中央,industry,1.00\n",
            3,
            "A-1",
        ),
        // Ids beyond 2³², and 2³² − 1.
        (
            "99999999999,2025-01-02,450521,city,other,1\n99999999999,2025-01-02,450521,city,other,1\n",
            3,
            "99999999999",
        ),
        (
            "4294967295,2025-01-02,450521,city,other,1\n4294967295,2025-01-02,450521,city,other,1\n",
            3,
            "4294967295",
        ),
        // Rows after the as-of date have ids too.
        (
            &format!("{ok}7,2025-09-01,450521,central,industry,1.00\n"),
            3,
            "7",
        ),
        (&format!("{ok}{ok}"), 3, "7"),
    ] {
        let err = read(rows).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("a.csv line {line} column id: duplicate id \"{id}\""),
            "{rows}"
        );
    }
    // "7" and "007" are different ids, as in the ledger; allocation and expenditure ids are
    // separate tables.
    read(&format!("{ok}007,2025-01-02,450521,central,industry,1.00\n0,2025-01-02,450521,central,industry,1.00\n")).unwrap();
    let mut agg = Aggregator::new(lenient(day("2025-06-30")));
    agg.read_allocations("a.csv", format!("{ALLOC_HEAD}{ok}").as_bytes())
        .unwrap();
    // A failed read adds no ids: the corrected file reads afterwards.
    let bad = format!(
        "{ALLOC_HEAD}8,2025-01-02,450521,central,industry,1.00\n9,2025-01-02,450521,central,industry,1.001\n"
    );
    assert!(agg.read_allocations("b.csv", bad.as_bytes()).is_err());
    agg.read_allocations("b.csv", bad.replace("1.001", "1.01").as_bytes())
        .unwrap();
    agg.read_expenditures(
        "e.csv",
        format!("{EXP_HEAD}7,2025-01-02,9,450521,central,industry,1.00\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(agg.into_partials().rows().allocations(), 3);
}

/// The first line whose id was seen before (on an earlier line or in `before`), as a
/// sequential read meets it; `None` for a blank line's "id".
fn naive_first_repeat(before: &[String], ids: &[String]) -> Option<(u64, String)> {
    let mut seen: std::collections::HashSet<&str> = before.iter().map(String::as_str).collect();
    for (line, id) in (2..).zip(ids) {
        if !id.is_empty() && !seen.insert(id) {
            return Some((line, id.clone()));
        }
    }
    None
}

/// Allocation rows with these ids (an empty id makes a blank line), dated before and after
/// the as-of date, some through the general path (a Chinese source label).
fn rows_with_ids(ids: &[String]) -> String {
    let mut text = String::from(ALLOC_HEAD);
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            text.push('\n');
            continue;
        }
        let date = if i % 5 == 4 {
            "2025-09-01"
        } else {
            "2025-01-02"
        };
        let source = if i % 11 == 7 { "中央" } else { "central" };
        writeln!(text, "{id},{date},450521,{source},industry,1.00").unwrap();
    }
    text
}

/// The ids `r`, as text.
fn counting(r: std::ops::RangeInclusive<u64>) -> Vec<String> {
    r.map(|i| i.to_string()).collect()
}

/// One id sequence after another.
fn cat(parts: &[Vec<String>]) -> Vec<String> {
    parts.concat()
}

/// Options for the id tests: a given number of threads and buffer size.
fn id_options(threads: usize, buffer: usize) -> BulkOptions {
    lenient(day("2025-06-30"))
        .threads(threads)
        .buffer_size(buffer)
}

/// Id sequences that count up by one a line, or nearly: a repeat within an increasing
/// stretch that spans chunks, a stretch broken by a smaller id, text ids and blank lines
/// mixed in, ids near 2³², shuffled ids.
// A table of cases: long, not complex.
#[allow(clippy::too_many_lines)]
fn counting_id_cases() -> Vec<(&'static str, Vec<String>)> {
    let mut rng = Rng(20_250_630);
    let mut shuffled = counting(1..=2_000);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut shuffled_repeat = shuffled.clone();
    shuffled_repeat.insert(1_500, shuffled[700].clone());
    let mixed: Vec<String> = (1..=3_000u64)
        .map(|i| match i % 7 {
            3 => format!("A-{i}"),
            5 => String::new(),
            _ => i.to_string(),
        })
        .collect();
    vec![
        ("no repeat", counting(1..=3_000)),
        (
            "a stretch again, spanning chunks",
            cat(&[counting(1..=3_000), counting(1_500..=1_600)]),
        ),
        (
            "the whole file again",
            cat(&[counting(1..=1_000), counting(1..=1_000)]),
        ),
        (
            "broken by a smaller id",
            cat(&[
                counting(1..=2_000),
                counting(10..=10),
                counting(2_001..=2_500),
            ]),
        ),
        (
            "a smaller id that is new",
            cat(&[
                counting(5..=2_000),
                counting(1..=4),
                counting(2_001..=2_500),
            ]),
        ),
        (
            "overlapping from below",
            cat(&[counting(1_000..=2_000), counting(900..=1_000)]),
        ),
        (
            "a gap then its fill",
            cat(&[
                counting(1..=1_000),
                counting(1_101..=2_000),
                counting(1_001..=1_100),
                counting(1_100..=1_100),
            ]),
        ),
        (
            "every other id, then the rest",
            cat(&[
                (1..=1_500).map(|i| (2 * i).to_string()).collect(),
                (1..=1_500).map(|i| (2 * i - 1).to_string()).collect(),
                counting(3_000..=3_000),
            ]),
        ),
        (
            "blank lines inside a stretch",
            cat(&[
                counting(150..=150),
                counting(1..=100),
                vec![String::new(), String::new()],
                counting(101..=200),
            ]),
        ),
        ("text ids and blank lines", mixed.clone()),
        (
            "text ids and blank lines, a text repeat",
            cat(&[mixed.clone(), vec!["A-1003".into()], counting(1..=1)]),
        ),
        (
            "text ids and blank lines, a number repeat",
            cat(&[
                mixed.clone(),
                counting(2_999..=2_999),
                vec!["A-1003".into()],
            ]),
        ),
        (
            "leading zeros are text",
            cat(&[
                counting(1..=100),
                vec!["007".into(), "0".into(), "00".into(), "0".into()],
            ]),
        ),
        (
            "near 2³²",
            cat(&[
                counting(4_294_967_000..=4_294_967_300),
                counting(4_294_967_295..=4_294_967_296),
            ]),
        ),
        (
            "near 2³², beyond it",
            cat(&[
                counting(4_294_967_290..=4_294_967_300),
                counting(4_294_967_297..=4_294_967_297),
            ]),
        ),
        ("shuffled", shuffled),
        ("shuffled, one repeat", shuffled_repeat),
    ]
}

/// Ids mostly count up by one a line, so the bulk path logs them as runs; every repeat is
/// still the first one in file order, whatever the threads and buffer size: a repeat
/// within an increasing stretch that spans chunks, a stretch broken by a smaller id, text
/// ids and blank lines mixed in, ids near 2³², and ids of earlier reads.
#[test]
fn duplicate_ids_in_counting_runs_are_found_in_file_order() {
    let cases = counting_id_cases();
    for (name, ids) in &cases {
        let want = naive_first_repeat(&[], ids);
        let text = rows_with_ids(ids);
        for (threads, buffer) in [(1, 1 << 20), (1, 300), (2, 4096), (3, 333), (2, 64)] {
            let got = Aggregator::new(id_options(threads, buffer))
                .read_allocations("a.csv", text.as_bytes());
            match &want {
                None => assert!(got.is_ok(), "{name}: {got:?}"),
                Some((line, id)) => {
                    let err = got.expect_err(name);
                    assert_eq!(err.line(), Some(*line), "{name}, {threads} {buffer}");
                    assert!(
                        matches!(err.kind(), InputErrorKind::DuplicateId { id: got } if got == id),
                        "{name}: {err}"
                    );
                }
            }
        }
    }
}

/// Counting ids across reads of one aggregator.
#[test]
fn duplicate_ids_in_counting_runs_across_reads() {
    // Across reads: a second file counting on from the first reads; a third one that runs
    // into the first one's ids fails on its first such line.
    for (threads, buffer) in [(1, 1 << 20), (2, 4096), (3, 333)] {
        let mut agg = Aggregator::new(id_options(threads, buffer));
        let first = counting(1..=2_000);
        agg.read_allocations("a.csv", rows_with_ids(&first).as_bytes())
            .unwrap();
        let second = counting(2_001..=4_000);
        agg.read_allocations("b.csv", rows_with_ids(&second).as_bytes())
            .unwrap();
        let third = cat(&[counting(5_000..=6_000), counting(3_990..=4_100)]);
        let err = agg
            .read_allocations("c.csv", rows_with_ids(&third).as_bytes())
            .unwrap_err();
        let want = naive_first_repeat(&cat(&[first, second]), &third).unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "c.csv line {} column id: duplicate id \"{}\"",
                want.0, want.1
            )
        );
        assert_eq!(want.0, 1_001 + 2);

        // Ids seen in an earlier read and earlier in this one: the smaller comes first.
        let mut agg = Aggregator::new(id_options(threads, buffer));
        let first = counting(1_050..=1_050);
        agg.read_allocations("a.csv", rows_with_ids(&first).as_bytes())
            .unwrap();
        let second = cat(&[
            counting(1_010..=1_010),
            counting(5_000..=6_000),
            counting(1_000..=1_100),
        ]);
        let err = agg
            .read_allocations("b.csv", rows_with_ids(&second).as_bytes())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.csv line 1014 column id: duplicate id \"1010\"",
        );
        assert_eq!(
            naive_first_repeat(&first, &second),
            Some((1_014, "1010".into()))
        );
    }
}

#[test]
fn the_synthetic_vocabulary_is_the_crates() {
    let levels: Vec<&str> = fundtrack::FundLevel::ALL
        .iter()
        .map(|l| l.machine_name())
        .collect();
    assert_eq!(levels, SOURCES);
    let cats: Vec<&str> = fundtrack::Category::BUILT_IN
        .iter()
        .map(|c| c.machine_name())
        .collect();
    assert_eq!(cats, CATEGORIES);
}

#[test]
fn planned_investment_counts_the_pool_only_per_category() {
    use fundtrack::dim::RegionLevel;

    let as_of = day("2025-06-30");
    let mut agg = Aggregator::new(lenient(as_of));
    let allocations = format!(
        "{ALLOC_HEAD}1,2025-01-02,450521,central,industry,10.00\n2,2025-01-02,450521,city,other,10.00\n"
    );
    let projects = format!(
        "{PROJ_HEAD}7,450521,industry,5.00,in_progress\n8,450521,other,7.00,proposed\n9,450521,other,3.00,approved\n"
    );
    agg.read_allocations("a.csv", allocations.as_bytes())
        .unwrap();
    agg.read_projects("p.csv", projects.as_bytes()).unwrap();
    let p = agg.into_partials();
    let e = p
        .execution(
            ExecutionOptions::new(as_of)
                .by_region(RegionLevel::County)
                .by_category(),
        )
        .unwrap();
    let planned: Vec<String> = e
        .rows()
        .iter()
        .map(|r| r.progress().planned().unwrap().to_string())
        .collect();
    // 申报 (proposed) is not in the pool: its 7.00 counts nowhere.
    assert_eq!(planned, ["5.00元", "3.00元"]);
    assert_eq!(e.total().planned().unwrap().to_string(), "8.00元");
    // A split by fund level has no planned investment: a project has no level.
    let by_level = p
        .execution(ExecutionOptions::new(as_of).by_level())
        .unwrap();
    assert!(
        by_level
            .rows()
            .iter()
            .all(|r| r.progress().planned().is_none())
    );
}
