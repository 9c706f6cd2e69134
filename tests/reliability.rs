//! Issue 14: validity never depends on the report date, no hangs on hostile sizes,
//! overspending caught at national scale, deterministic first errors.

use std::fmt::Write as _;
use std::io::Read;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use fundtrack::bulk::{Aggregator, BulkOptions, Overspending, SpendingCheck};
use fundtrack::import::InputError;
use proptest::prelude::*;

const A: &str = "id,date,county_code,source,category,amount_yuan\n";
const P: &str = "id,county_code,category,planned_investment_yuan,status\n";
const E: &str = "id,date,project_id,county_code,source,category,amount_yuan\n";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn snap(name: &str, rows: &[String]) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, rows.join("\n")));
}

/// Reads allocations, projects and expenditures (each optional) as of `as_of`.
fn read_all(
    options: BulkOptions,
    a: Option<&str>,
    p: Option<&str>,
    e: Option<&str>,
) -> Result<Aggregator, InputError> {
    let mut agg = Aggregator::new(options);
    if let Some(a) = a {
        agg.read_allocations("allocations.csv", a.as_bytes())?;
    }
    if let Some(p) = p {
        agg.read_projects("projects.csv", p.as_bytes())?;
    }
    if let Some(e) = e {
        agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    }
    Ok(agg)
}

/// Finding 1: a file's verdict is the same at every as-of date of its year.
#[test]
fn validity_does_not_depend_on_the_report_date() {
    let alloc = format!("{A}1,2025-01-05,450521,central,industry,1000.00\n");
    let projects = format!("{P}7,450521,industry,10.00,planned\n");
    let bad_rows = [
        ("a", "2,2025-09-05,999999,central,industry,1.00\n"),
        ("a", "2,2025-09-05,450521,nonsense,industry,1.00\n"),
        ("a", "2,2025-09-05,450521,central,industry,abc\n"),
        ("a", "2,2025-09-05,450521\n"),
        ("a", "2,2025-09-05,450521,central,industry,1.00,8,9,10\n"),
        ("e", "1,2025-09-05,7,999999,central,industry,1.00\n"),
        ("e", "1,2025-09-05,8,450521,central,industry,1.00\n"),
        ("e", "1,2025-09-05,7,450521,central,other,1.00\n"),
        ("e", "1,2025-09-05,7,450521,central,industry,-1.00\n"),
        ("e", "1,2025-09-05,7,450521,central\n"),
        ("e", "1,2025-09-05,7,450521,central,industry,2000.00\n"),
    ];
    let mut rows = Vec::new();
    for (t, row) in bad_rows {
        let verdicts: Vec<String> = ["2025-06-30", "2025-09-04", "2025-12-31"]
            .iter()
            .map(|d| {
                let options = BulkOptions::new(day(d));
                let (a, e) = match t {
                    "a" => (format!("{alloc}{row}"), None),
                    _ => (alloc.clone(), Some(format!("{E}{row}"))),
                };
                match read_all(options, Some(&a), Some(&projects), e.as_deref()) {
                    Ok(_) => "accepted".to_owned(),
                    Err(e) => e.to_string(),
                }
            })
            .collect();
        assert!(
            verdicts.iter().all(|v| *v == verdicts[0]),
            "{row}: {verdicts:?}"
        );
        assert_ne!(verdicts[0], "accepted", "{row}");
        rows.push(format!("{} → {}", row.trim_end(), verdicts[0]));
    }
    snap("reliability_after_as_of", &rows);
}

/// Finding 2: a projects input with a header and no rows still switches project checks on.
#[test]
fn a_header_only_projects_file_keeps_project_checks() {
    let e = format!("{E}1,2025-03-05,7,450521,central,industry,1.00\n");
    let err = read_all(BulkOptions::new(day("2025-06-30")), None, Some(P), Some(&e))
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "expenditures.csv line 2 column project_id: unknown project \"7\""
    );
    // No projects input at all: a worker summing a shard, references not checked.
    read_all(BulkOptions::new(day("2025-06-30")), None, None, Some(&e)).unwrap();
}

/// Finding 3: spending beyond the money in place per (county, level, category), at every
/// date, as the ledger checks it.
#[test]
#[allow(clippy::too_many_lines)] // one table of cases, then the cases across inputs
fn overspending_is_an_error_by_default_and_a_warning_on_request() {
    let a = format!(
        "{A}1,2025-01-05,450521,central,industry,1000.00\n2,2025-03-01,450521,central,industry,500.00\n3,2025-01-05,450522,city,other,10.00\n"
    );
    let p = format!(
        "{P}7,450521,industry,10.00,planned\n8,450522,other,1.00,planned\n9,450523,industry,1.00,planned\n"
    );
    let cases: Vec<(&str, String)> = vec![
        (
            "within the money in place",
            "1,2025-02-01,7,450521,central,industry,1000.00\n2,2025-03-01,7,450521,central,industry,500.00\n"
                .to_owned(),
        ),
        (
            "5,000.00 against 1,000.00",
            "1,2025-02-01,7,450521,central,industry,5000.00\n".to_owned(),
        ),
        (
            "over between allocations, within by year end",
            "1,2025-02-01,7,450521,central,industry,1200.00\n".to_owned(),
        ),
        (
            "before the first allocation",
            "1,2025-01-04,7,450521,central,industry,0.01\n".to_owned(),
        ),
        (
            "a bucket with no allocation",
            "1,2025-02-01,7,450521,city,industry,0.01\n".to_owned(),
        ),
        (
            "a county with no allocation",
            "1,2025-02-01,9,450523,central,industry,0.01\n".to_owned(),
        ),
        (
            "over after the as-of date only",
            "1,2025-08-01,7,450521,central,industry,1500.01\n".to_owned(),
        ),
        (
            "two buckets: the earlier date first",
            "1,2025-06-01,7,450521,central,industry,1500.01\n2,2025-02-01,8,450522,city,other,10.01\n"
                .to_owned(),
        ),
    ];
    let mut rows = Vec::new();
    for check in [SpendingCheck::Totals, SpendingCheck::EveryDate] {
        rows.push(format!("{check:?}:"));
        for (label, e) in &cases {
            let e = format!("{E}{e}");
            let mut verdicts = Vec::new();
            for as_of in ["2025-06-30", "2025-12-31"] {
                let options = BulkOptions::new(day(as_of)).spending_check(check);
                let strict = read_all(options, Some(&a), Some(&p), Some(&e));
                let lenient = read_all(
                    options.overspending(Overspending::Warn),
                    Some(&a),
                    Some(&p),
                    Some(&e),
                )
                .unwrap();
                match strict {
                    Ok(_) => {
                        assert!(lenient.warnings().is_empty(), "{label}");
                        verdicts.push("accepted".to_owned());
                    }
                    Err(err) => {
                        assert_eq!(
                            lenient.warnings().first().unwrap().to_string(),
                            err.to_string()
                        );
                        verdicts.push(err.to_string());
                    }
                }
            }
            // The report date never changes the verdict.
            assert_eq!(verdicts[0], verdicts[1], "{label}");
            rows.push(format!("  {label} → {}", verdicts[0]));
        }
    }
    snap("reliability_overspending", &rows);
    // Across inputs: the second file overspends with the first's spending.
    let every_date = BulkOptions::new(day("2025-12-31")).spending_check(SpendingCheck::EveryDate);
    let mut agg = read_all(every_date, Some(&a), Some(&p), None).unwrap();
    agg.read_expenditures(
        "e1.csv",
        format!("{E}1,2025-02-01,7,450521,central,industry,900.00\n").as_bytes(),
    )
    .unwrap();
    let err = agg
        .read_expenditures(
            "e2.csv",
            format!("{E}2,2025-02-02,7,450521,central,industry,100.01\n").as_bytes(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "e2.csv line 2 column amount_yuan: spending in 450521 central industry reaches 1000.01元 by 2025-02-02, beyond the 1000.00元 allocated by then"
    );
    // A failed read adds nothing: the same spending, corrected, reads.
    agg.read_expenditures(
        "e2.csv",
        format!("{E}2,2025-02-02,7,450521,central,industry,100.00\n").as_bytes(),
    )
    .unwrap();
    // By totals too: the year's spending over every input read.
    let mut by_totals = read_all(
        BulkOptions::new(day("2025-06-30")),
        Some(&a),
        Some(&p),
        None,
    )
    .unwrap();
    by_totals
        .read_expenditures(
            "e1.csv",
            format!("{E}1,2025-02-01,7,450521,central,industry,1000.00\n").as_bytes(),
        )
        .unwrap();
    let err = by_totals
        .read_expenditures(
            "e2.csv",
            format!("{E}2,2025-09-01,7,450521,central,industry,500.01\n").as_bytes(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "e2.csv: spending in 450521 central industry totals 1500.01元, beyond the 1500.00元 allocated in all (read with SpendingCheck::EveryDate for the date and line)"
    );
    // Spending where nothing is allocated, let pass as a warning, counts over inputs as well.
    let warn = BulkOptions::new(day("2025-06-30")).overspending(Overspending::Warn);
    let mut warned = read_all(warn, Some(&a), Some(&p), None).unwrap();
    for (name, row) in [
        ("e1.csv", "1,2025-02-01,9,450523,central,industry,1.00"),
        ("e2.csv", "2,2025-02-02,9,450523,central,industry,2.00"),
        ("e3.csv", "3,2025-02-03,7,450521,central,industry,1500.01"),
    ] {
        warned
            .read_expenditures(name, format!("{E}{row}\n").as_bytes())
            .unwrap();
    }
    let seen: Vec<String> = warned.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        seen,
        [
            "e1.csv line 2 column county_code: expenditure in 450523 central industry dated 2025-02-01, but nothing is allocated to that bucket",
            "e3.csv: spending in 450521 central industry totals 1500.01元, beyond the 1500.00元 allocated in all (read with SpendingCheck::EveryDate for the date and line)",
        ]
    );
    // Allocations come first.
    let err = agg
        .read_allocations(
            "late.csv",
            format!("{A}9,2025-01-05,450521,central,industry,1.00\n").as_bytes(),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("late.csv: allocations read after expenditures"),
        "{err}"
    );
}

/// A reader that never ends.
struct Endless(u8);

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(self.0);
        Ok(buf.len())
    }
}

/// `head` then a reader that never ends.
fn endless(head: &str, fill: u8) -> impl Read + Send {
    std::io::Cursor::new(head.as_bytes().to_vec()).chain(Endless(fill))
}

/// A reader that repeats `text` for ever.
struct Cycle(&'static [u8], usize);

impl Read for Cycle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        for b in buf.iter_mut() {
            *b = self.0.get(self.1).copied().unwrap_or(b'\n');
            self.1 = (self.1 + 1) % self.0.len();
        }
        Ok(buf.len())
    }
}

/// Finding 4: bounded work on hostile sizes.
#[test]
fn endless_streams_and_huge_headers_end_in_seconds() {
    let start = Instant::now();
    let options = BulkOptions::new(day("2025-06-30"));
    let mut rows = Vec::new();
    for (label, fill, head) in [
        ("/dev/zero as allocations", 0u8, ""),
        ("an endless header", b'x', ""),
        ("an endless row", b'7', A),
        ("an endless run of commas", b',', A),
    ] {
        let err = Aggregator::new(options)
            .read_allocations("input.csv", endless(head, fill))
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.len() < 200, "{msg}");
        rows.push(format!("{label} → {msg}"));
    }
    // Blank lines for ever, in each input (projects have no id check: the blank lines are
    // counted all the same).
    for (label, head, text) in [
        ("endless blank lines as allocations", A, &b"\n"[..]),
        ("endless CRLF blank lines as projects", P, b"\r\n"),
        ("endless blank lines as expenditures", E, b"\n"),
    ] {
        let input = std::io::Cursor::new(head.as_bytes().to_vec()).chain(Cycle(text, 0));
        let mut agg = Aggregator::new(options);
        let err = match head {
            x if x == A => agg.read_allocations("input.csv", input),
            x if x == P => agg.read_projects("input.csv", input),
            _ => agg.read_expenditures("input.csv", input),
        }
        .unwrap_err();
        rows.push(format!("{label} → {err}"));
    }
    // A 100 MB header.
    let mut header = "id,".repeat(100 << 20 >> 2).into_bytes();
    header.extend_from_slice(b"\n1,2025-01-05,450521,central,industry,1.00\n");
    let err = Aggregator::new(options)
        .read_allocations("input.csv", header.as_slice())
        .unwrap_err();
    rows.push(format!("a 100 MB header → {err}"));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    snap("reliability_hostile_sizes", &rows);
}

/// The line that passes the blank-line limit is the same on any thread count and buffer
/// size, and a blank line is counted wherever it is (between rows, at the end).
#[test]
fn the_blank_line_too_many_is_named_whatever_the_chunks() {
    let row = "1,2025-01-05,450521,central,industry,1.00\n";
    // 40,000 blank lines, a row, then 40,000 more: the 65,537th blank line is line
    // 1 + 40,000 + 1 + 25,537.
    let text = format!("{A}{}{row}{}", "\n".repeat(40_000), "\r\n".repeat(40_000));
    for threads in [1, 2] {
        for buffer in [4 << 10, 10_007, 1 << 20] {
            let options = BulkOptions::new(day("2025-06-30"))
                .threads(threads)
                .buffer_size(buffer);
            let err = Aggregator::new(options)
                .read_allocations("input.csv", text.as_bytes())
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "input.csv line 65539: more than 65536 blank lines",
                "{threads} threads, {buffer} bytes"
            );
        }
    }
    // At the limit, the input reads.
    let text = format!("{A}{}{row}", "\n".repeat(65_536));
    Aggregator::new(BulkOptions::new(day("2025-06-30")))
        .read_allocations("input.csv", text.as_bytes())
        .unwrap();
}

/// The synthetic input of the determinism property: `n` good rows, then the faults at the
/// given rows.
fn faulty(n: usize, faults: &[(usize, u8)]) -> (String, String, String) {
    let a = format!(
        "{A}1,2025-01-01,450521,central,industry,90000000000000000.00\n2,2025-01-01,450522,central,industry,90000000000000000.00\n"
    );
    let mut p = String::from(P);
    let mut e = String::from(E);
    for i in 0..n {
        let fault = faults.iter().find(|(at, _)| *at == i).map(|f| f.1);
        let pid = if fault == Some(0) { 1 } else { i };
        writeln!(p, "P{pid},450521,industry,1.00,planned").unwrap();
        let row = match fault {
            Some(1) => format!("{i},2025-02-01,P{i},450521,central,industry,1.001\n"),
            Some(2) => format!("{},2025-02-01,P{i},450521,central,industry,1.00\n", i / 2),
            Some(3) => {
                format!("{i},2025-02-01,P{i},450521,central,industry,90000000000000000.00\n")
            }
            _ => format!("{i},2025-02-01,P{i},450521,central,industry,1.00\n"),
        };
        e.push_str(&row);
    }
    (a, p, e)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Finding 7: the same input gives the same first error, with its line, whatever the
    /// threads and the buffer size.
    #[test]
    fn the_first_error_does_not_depend_on_threads_or_buffers(
        faults in proptest::collection::vec((2usize..3_000, 0u8..4), 1..4),
        threads in 1usize..5,
        buffer in 4096usize..20_000,
    ) {
        let (a, p, e) = faulty(3_000, &faults);
        let reference = |t: &str| {
            let mut agg = Aggregator::new(BulkOptions::new(day("2025-06-30")).spending_check(SpendingCheck::EveryDate).threads(1).buffer_size(1 << 20));
            agg.read_allocations("a.csv", a.as_bytes()).unwrap();
            match t {
                "p" => agg.read_projects("p.csv", p.as_bytes()),
                _ => agg.read_expenditures("e.csv", e.as_bytes()),
            }
            .map_err(|e| e.to_string())
        };
        for t in ["p", "e"] {
            let mut agg = Aggregator::new(BulkOptions::new(day("2025-06-30")).spending_check(SpendingCheck::EveryDate).threads(threads).buffer_size(buffer));
            agg.read_allocations("a.csv", a.as_bytes()).unwrap();
            let got = match t {
                "p" => agg.read_projects("p.csv", p.as_bytes()),
                _ => agg.read_expenditures("e.csv", e.as_bytes()),
            }
            .map_err(|e| e.to_string());
            let want = reference(t);
            prop_assert_eq!(&got, &want);
            if let Err(msg) = got {
                prop_assert!(msg.contains(" line "), "{}", msg);
            }
        }
    }
}

/// Finding 7: a repeated project id names its first repeat in file order, with its line.
#[test]
fn a_duplicate_project_names_the_first_repeat() {
    // The same first error on 1–3 threads and 4 KiB – 1 MiB buffers.
    let first_error_everywhere = |p: &str, expected: &str| {
        for threads in [1, 2, 3] {
            for buffer in [4096, 65_536, 1 << 20] {
                let err = Aggregator::new(
                    BulkOptions::new(day("2025-06-30"))
                        .threads(threads)
                        .buffer_size(buffer),
                )
                .read_projects("p.csv", p.as_bytes())
                .unwrap_err();
                assert_eq!(err.to_string(), expected, "{threads} {buffer}");
            }
        }
    };
    let mut p = String::from(P);
    for i in 0..20_000 {
        writeln!(p, "P{i},450521,industry,1.00,planned").unwrap();
    }
    p.push_str("P15000,450521,industry,1.00,planned\nP10,450521,industry,1.00,planned\n");
    first_error_everywhere(
        &p,
        "p.csv line 20002 column id: duplicate project id \"P15000\"",
    );
    // A repeat comes before a malformed row further on, as every other error does (before,
    // repeats were found after the read, and the later row was named); numeric ids too.
    let mut p = String::from(P);
    for i in 1..=20_000 {
        writeln!(p, "{i},450521,industry,1.00,planned").unwrap();
    }
    p.push_str("7,450521,industry,1.00,planned\n");
    for i in 0..20_000 {
        writeln!(p, "{},450521,industry,1.00,planned", 30_000 + i).unwrap();
    }
    p.push_str("99999999,450521,industry,abc,planned\n");
    first_error_everywhere(&p, "p.csv line 20002 column id: duplicate project id \"7\"");
    // A repeat of an earlier read's project, before a malformed row of this read (before,
    // found after the read: the malformed row was named).
    let mut agg = Aggregator::new(BulkOptions::new(day("2025-06-30")));
    agg.read_projects(
        "p1.csv",
        format!("{P}5,450521,industry,1.00,planned\n").as_bytes(),
    )
    .unwrap();
    let second = format!(
        "{P}6,450521,industry,1.00,planned\n5,450521,industry,1.00,planned\n8,450521,industry,abc,planned\n"
    );
    let err = agg.read_projects("p2.csv", second.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p2.csv line 3 column id: duplicate project id \"5\""
    );
}

/// Finding 7, within a batch: the first bad line in file order is named, whichever check
/// it fails (spending before the first allocation on one line, an unknown project on a
/// later one), however the rows fall into chunks and batches.
#[test]
fn the_first_bad_line_is_named_whatever_check_it_fails() {
    let a = format!("{A}1,2025-03-01,450521,central,industry,1000.00\n");
    let p = format!("{P}7,450521,industry,10.00,planned\n9,450523,industry,1.00,planned\n");
    let mut e = String::from(E);
    for i in 1..=10 {
        writeln!(e, "{i},2025-03-02,7,450521,central,industry,1.00").unwrap();
    }
    e.push_str("11,2025-02-01,7,450521,central,industry,1.00\n");
    e.push_str("12,2025-03-02,8,450521,central,industry,1.00\n");
    // At every date, spending in a county with nothing allocated is met on its line too.
    let nothing = e.replace("11,2025-02-01,7,450521,", "11,2025-02-01,9,450523,");
    let cases = [
        (
            SpendingCheck::Totals,
            &e,
            "expenditures.csv line 12 column county_code: expenditure in 450521 central industry dated 2025-02-01, before the bucket's first allocation (2025-03-01)",
        ),
        (
            SpendingCheck::EveryDate,
            &nothing,
            "expenditures.csv line 12 column county_code: expenditure in 450523 central industry dated 2025-02-01, but nothing is allocated to that bucket",
        ),
    ];
    for (check, e, want) in cases {
        for threads in [1, 2] {
            for buffer in [4096, 1 << 20] {
                let options = BulkOptions::new(day("2025-12-31"))
                    .spending_check(check)
                    .threads(threads)
                    .buffer_size(buffer);
                let Err(err) = read_all(options, Some(&a), Some(&p), Some(e)) else {
                    panic!("read without error");
                };
                assert_eq!(
                    err.to_string(),
                    want,
                    "{check:?}, {threads} threads, {buffer}-byte buffers"
                );
            }
        }
    }
}

/// Spending past the largest sum the bulk path keeps is an error, even when the money
/// allocated is as large and every row is dated after the as-of date (rows no other
/// overflow check sees): saturated sums cannot be compared.
#[test]
fn spending_past_the_largest_sum_is_an_error_not_a_pass() {
    let big = "50000000000000000.00";
    let a = format!(
        "{A}1,2025-09-01,450521,central,industry,{big}\n2,2025-09-01,450521,central,industry,{big}\n"
    );
    let p = format!("{P}7,450521,industry,1.00,planned\n");
    let e = format!(
        "{E}1,2025-09-02,7,450521,central,industry,{big}\n2,2025-09-02,7,450521,central,industry,{big}\n"
    );
    let Err(err) = read_all(
        BulkOptions::new(day("2025-06-30")),
        Some(&a),
        Some(&p),
        Some(&e),
    ) else {
        panic!("read without error");
    };
    assert_eq!(
        err.to_string(),
        "expenditures.csv column amount_yuan: the spent sum of 450521 central industry reaches the largest sum the bulk path keeps (92233720368547758.07元)"
    );
}

/// Must have 3: checking at every date names the first date and line where spending passes
/// the money in place (rows taken by date, then line), as the ledger names them, whatever
/// the order of the rows in the file, the threads and the buffer size.
#[test]
fn every_date_names_the_first_date_and_line() {
    let a = format!("{A}1,2025-01-05,450521,central,industry,1000.00\n");
    let read = |e: &str, threads: usize, buffer: usize| {
        let mut agg = Aggregator::new(
            BulkOptions::new(day("2025-06-30"))
                .spending_check(SpendingCheck::EveryDate)
                .threads(threads)
                .buffer_size(buffer),
        );
        agg.read_allocations("a.csv", a.as_bytes()).unwrap();
        agg.read_expenditures("e.csv", e.as_bytes())
            .unwrap_err()
            .to_string()
    };
    // The audit's two files: the 5,000.00 row of 02-05 is the one, on either line.
    let cases = [
        (
            format!(
                "{E}2,2025-02-05,7,450521,central,industry,5000.00\n3,2025-09-05,7,450521,central,industry,1.00\n"
            ),
            "e.csv line 2 column amount_yuan: spending in 450521 central industry reaches 5000.00元 by 2025-02-05, beyond the 1000.00元 allocated by then",
        ),
        (
            format!(
                "{E}2,2025-03-05,7,450521,central,industry,10.00\n3,2025-02-05,7,450521,central,industry,5000.00\n"
            ),
            "e.csv line 3 column amount_yuan: spending in 450521 central industry reaches 5000.00元 by 2025-02-05, beyond the 1000.00元 allocated by then",
        ),
    ];
    for (e, want) in &cases {
        assert_eq!(&read(e, 1, 1 << 20), want);
    }
    // Two rows on the day it passes: the day's last row is named, as the ledger names it.
    assert_eq!(
        read(
            &format!(
                "{E}2,2025-02-01,7,450521,central,industry,1001.00\n3,2025-02-01,7,450521,central,industry,1.00\n"
            ),
            1,
            1 << 20
        ),
        "e.csv line 3 column amount_yuan: spending in 450521 central industry reaches 1002.00元 by 2025-02-01, beyond the 1000.00元 allocated by then"
    );
    // Two expenditures inputs: the first date counts the earlier input's rows by their
    // dates, and the row named is the later input's last row by then (the ledger blames
    // the batch it inserts).
    for (first, second, want) in [
        (
            "1,2025-03-01,7,450521,central,industry,900.00\n",
            "2,2025-02-01,7,450521,central,industry,200.00\n",
            "e1.csv line 2 column amount_yuan: spending in 450521 central industry reaches 1100.00元 by 2025-03-01, beyond the 1000.00元 allocated by then",
        ),
        (
            "1,2025-03-01,7,450521,central,industry,1000.00\n",
            "2,2025-03-02,7,450521,central,industry,0.01\n",
            "e1.csv line 2 column amount_yuan: spending in 450521 central industry reaches 1000.01元 by 2025-03-02, beyond the 1000.00元 allocated by then",
        ),
    ] {
        let mut agg = Aggregator::new(
            BulkOptions::new(day("2025-06-30")).spending_check(SpendingCheck::EveryDate),
        );
        agg.read_allocations("a.csv", a.as_bytes()).unwrap();
        agg.read_expenditures("e0.csv", format!("{E}{first}").as_bytes())
            .unwrap();
        let err = agg
            .read_expenditures("e1.csv", format!("{E}{second}").as_bytes())
            .unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    // Many rows in many chunks: 1.00 a row on 2025-02-01 (lines 2..=1001, 1,000.00 in all,
    // exactly the money in place), then rows of later dates, and one more 1.00 on
    // 2025-02-01 far down the file: that row (line 100002) is where spending passes, on
    // 2025-02-01, though most of the period's rows come after it in date order.
    let mut e = String::from(E);
    let mut id = 0;
    let mut row = |e: &mut String, date: &str| {
        id += 1;
        writeln!(e, "{id},{date},7,450521,central,industry,1.00").unwrap();
    };
    for _ in 0..1000 {
        row(&mut e, "2025-02-01");
    }
    for _ in 0..99_000 {
        row(&mut e, "2025-05-01");
    }
    row(&mut e, "2025-02-01");
    for _ in 0..1000 {
        row(&mut e, "2025-03-01");
    }
    for threads in [1, 2] {
        for buffer in [4 << 10, 1 << 20] {
            assert_eq!(
                read(&e, threads, buffer),
                "e.csv line 100002 column amount_yuan: spending in 450521 central industry reaches 1001.00元 by 2025-02-01, beyond the 1000.00元 allocated by then",
                "{threads} threads, {buffer} bytes"
            );
        }
    }
}

/// A reader that returns at most `step` bytes a call, then fails when `fail` (a disk gone
/// under the reader), else ends.
struct Dribble {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
    fail: bool,
}

impl Read for Dribble {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.at..];
        if rest.is_empty() {
            return if self.fail {
                Err(std::io::Error::other("disk gone"))
            } else {
                Ok(0)
            };
        }
        let n = rest.len().min(self.step).min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

/// What an input is, when it is not CSV text, is judged on the same first bytes by every
/// CSV reader, whatever sizes the reader returns, and before a read error further on: the
/// bulk path (1-byte, 100-byte and whole reads), `import_csv` (streamed) and `Batch::read`
/// (whole) give the same first error. Before, a 66,000-byte header of CR line ends was a
/// header too long or CR line ends depending on the read sizes, and a zip archive followed
/// by a failing read was a read error for `Batch::read` only.
#[test]
fn what_a_file_is_does_not_depend_on_read_sizes() {
    use fundtrack::import::{Batch, CsvKind, import_csv};
    let a = "id,date,county_code,source,category,amount_yuan";
    let row = "1,2025-01-05,450521,central,industry,1.00";
    // A header of 66,000 bytes whose first CR is past the bytes every reader judges.
    let mut late_cr = format!("{a},{}", "x".repeat(66_000)).into_bytes();
    late_cr.extend_from_slice(b"\rz\n");
    // UTF-16 without a mark whose first NUL is past those bytes.
    let mut late_utf16 = vec![b'x'; 70_000];
    late_utf16.extend(format!("{a}\n").encode_utf16().flat_map(u16::to_le_bytes));
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        (
            "CR line ends",
            format!("{a}\r{row}\r").repeat(2000).into_bytes(),
            false,
        ),
        ("a late CR in a long header", late_cr, false),
        ("late UTF-16", late_utf16, false),
        (
            "a zip archive, then a failing read",
            b"PK\x03\x04\x14\x00\n\x00\x01".to_vec(),
            true,
        ),
        (
            "UTF-16 without a mark, then a failing read",
            format!("{a}\n")
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
            true,
        ),
        (
            "two byte-order marks, then a failing read",
            format!("\u{feff}\u{feff}{a}\n{row}\n").into_bytes(),
            true,
        ),
    ];
    for (what, bytes, fail) in cases {
        let dribble = |step| Dribble {
            bytes: bytes.clone(),
            at: 0,
            step,
            fail,
        };
        let mut errors = Vec::new();
        for step in [1, 100, usize::MAX] {
            let agg = Aggregator::new(BulkOptions::new(day("2025-06-30")).threads(1));
            let e = { agg }
                .read_allocations("a.csv", dribble(step))
                .unwrap_err();
            errors.push((format!("bulk, {step}-byte reads"), e.to_string()));
        }
        let mut ledger = fundtrack::Ledger::new(fundtrack::FiscalYear::new(2025).unwrap());
        let e = import_csv(&mut ledger, CsvKind::Allocations, "a.csv", dribble(100)).unwrap_err();
        errors.push(("import_csv".to_owned(), e.to_string()));
        let mut batch = Batch::for_year(fundtrack::FiscalYear::new(2025).unwrap());
        let e = batch
            .read(CsvKind::Allocations, "a.csv", dribble(100))
            .unwrap_err();
        errors.push(("Batch::read".to_owned(), e.to_string()));
        let first = &errors[0].1;
        assert!(first.starts_with("a.csv line 1: "), "{what}: {first}");
        for (reader, e) in &errors {
            assert_eq!(e, first, "{what}: {reader}");
        }
    }
}
