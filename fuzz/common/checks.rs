//! The checks behind the fuzz targets, shared with the stable-Rust smoke run in
//! `tests/robust.rs` (which includes this file with `#[path]`).
//!
//! Every parser gets the input; none may panic; whatever is accepted must print and parse
//! back to the same value.

use std::str::FromStr;

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
            // Every message quotes the input (Category quotes it trimmed: a finding of
            // issue 7, harmless).
            let msg = e.to_string();
            let quoted =
                msg.contains(&format!("{s:?}")) || msg.contains(&format!("{:?}", s.trim()));
            assert!(quoted, "{msg} does not quote {s:?}");
        }
    }
}

/// Every value parser of the library on one string.
pub fn every_parser(s: &str) {
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
pub fn money_parse(data: &[u8]) {
    every_parser(&String::from_utf8_lossy(data));
}

/// The CSV-rows target: the bytes as CSV, every field of every line through every parser.
/// (The bulk readers join in once `fundtrack::bulk` lands.)
pub fn csv_rows(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        for field in line.split(',') {
            every_parser(field);
        }
    }
}
