//! The checks behind the fuzz targets, shared with the stable-Rust smoke run in
//! `tests/robust.rs` (which includes this file with `#[path]`).
//!
//! Every parser gets the input; none may panic; whatever is accepted must print and parse
//! back to the same value.

use std::str::FromStr;

use chrono::NaiveDate;
use fundtrack::bulk::{Aggregator, BulkOptions};

use fundtrack::dim::{DocNo, FunctionCode, ProjectId, RecordId};
use fundtrack::{Category, FundLevel, Money, ProjectStage, RegionCode};

/// Parses `s` as `T`; when accepted, printing with `print` and parsing again gives it back.
fn round_trip<T, E>(s: &str, print: impl Fn(&T) -> String)
where
    T: FromStr<Err = E> + PartialEq + std::fmt::Debug,
    E: std::fmt::Display,
{
    match s.parse::<T>() {
        Ok(v) => {
            let printed = print(&v);
            match printed.parse::<T>() {
                Ok(again) => assert_eq!(again, v, "{s:?} printed as {printed:?}"),
                Err(e) => {
                    panic!("{s:?} accepted as {v:?}, printed as {printed:?}, which fails: {e}")
                }
            }
        }
        Err(e) => {
            // Every message quotes the input, or its start when long (Category quotes it
            // trimmed: a finding of issue 7, harmless).
            let msg = e.to_string();
            let quoted = msg.contains(&quoted(s)) || msg.contains(&quoted(s.trim()));
            assert!(quoted, "{msg} does not quote {s:?}");
        }
    }
}

/// How an error quotes `s`: whole, or its first 40 bytes (a character cut there dropped)
/// and `…` when longer.
fn quoted(s: &str) -> String {
    if s.len() <= 40 {
        return format!("{s:?}");
    }
    let mut end = 40;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}", format!("{}…", s.get(..end).unwrap_or_default()))
}

/// Every value parser of the library on one string.
pub(crate) fn every_parser(s: &str) {
    round_trip::<Money, _>(s, ToString::to_string);
    round_trip::<Money, _>(s, |m| {
        format!("{}万元", m.to_unit(fundtrack::money::Unit::Wan))
    });
    round_trip::<RegionCode, _>(s, ToString::to_string);
    round_trip::<FunctionCode, _>(s, ToString::to_string);
    round_trip::<RecordId, _>(s, ToString::to_string);
    round_trip::<ProjectId, _>(s, ToString::to_string);
    round_trip::<DocNo, _>(s, ToString::to_string);
    round_trip::<FundLevel, _>(s, |c| c.as_str().to_owned());
    round_trip::<FundLevel, _>(s, |c| c.machine_name().to_owned());
    round_trip::<Category, _>(s, |c| c.as_str().to_owned());
    round_trip::<Category, _>(s, |c| c.machine_name().to_owned());
    round_trip::<ProjectStage, _>(s, |c| c.as_str().to_owned());
    round_trip::<ProjectStage, _>(s, |c| c.machine_name().to_owned());
    let _ = Category::custom(s);
}

/// The money-parse target: the bytes as text (lossily) through every parser.
pub(crate) fn money_parse(data: &[u8]) {
    every_parser(&String::from_utf8_lossy(data));
}

const HEADERS: [&str; 3] = [
    "id,date,county_code,source,category,amount_yuan\n",
    "id,county_code,category,planned_investment_yuan,status\n",
    "id,date,project_id,county_code,source,category,amount_yuan\n",
];

/// The CSV-rows target: every field of every line through every parser; the bytes as a whole input, and as rows under each valid header,
/// through the bulk readers with one and with two threads and a tiny buffer. Errors are
/// fine; panics are not; a failed read adds nothing.
pub(crate) fn csv_rows(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        for field in line.split(',') {
            every_parser(field);
        }
    }
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default();
    let first = data.first().copied().unwrap_or(0);
    let options = BulkOptions::new(as_of)
        .threads(1 + usize::from(first & 1))
        .buffer_size(64 + usize::from(first));
    for (i, header) in HEADERS.iter().enumerate() {
        for input in [data.to_vec(), [header.as_bytes(), data].concat()] {
            let mut agg = Aggregator::new(options);
            let before = Aggregator::new(options).into_partials();
            let result = match i {
                0 => agg.read_allocations("fuzz.csv", input.as_slice()),
                1 => agg.read_projects("fuzz.csv", input.as_slice()),
                _ => agg.read_expenditures("fuzz.csv", input.as_slice()),
            };
            let partials = agg.into_partials();
            match result {
                Ok(()) => {
                    #[expect(
                        clippy::expect_used,
                        reason = "a failure here is what the fuzzer looks for"
                    )]
                    let report = partials
                        .execution(fundtrack::format::national_csv_options(as_of))
                        .expect("partials report as of their own date");
                    let mut out = Vec::new();
                    #[expect(
                        clippy::expect_used,
                        reason = "a failure here is what the fuzzer looks for"
                    )]
                    fundtrack::format::national_csv(&report, &mut out)
                        .expect("a bulk report has the contract's rows");
                }
                Err(e) => {
                    assert_eq!(partials, before, "a failed read added to the totals: {e}");
                    assert!(e.to_string().starts_with("fuzz.csv"), "{e}");
                }
            }
        }
    }
}
