//! What JSON input takes (DESIGN.md, "One rule set", the JSON column): dates only as
//! `YYYY-MM-DD`, amounts only as plain decimal strings of 元, and reports whose rows are all
//! there. Each bad input is pinned with its message in `tests/snapshots/json_input.snap`.

#![cfg(feature = "serde")]

use std::fmt::Debug;

use chrono::NaiveDate;
use fundtrack::dim::{Dated, RegionLevel};
use fundtrack::format::{from_json, to_json};
use fundtrack::policy::carryover::CarryOverSpending;
use fundtrack::policy::loans::{LoanTerms, LprTable, Repayment, SubsidyShares};
use fundtrack::policy::standard::StandardSchedule;
use fundtrack::record::{Adjustment, Allocation, Bucket, Expenditure, Region};
use fundtrack::report::{
    Execution, ExecutionOptions, Grouping, IndustryShareOptions, Milestones, PoolCoverageOptions,
};
use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Money, Ratio, RegionCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn snap(name: &str, rows: &[String]) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, rows.join("\n")));
}

/// The date every value below carries.
const DAY: &str = "2025-03-01";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
}

fn county() -> RegionCode {
    "450521".parse().unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

/// Date spellings chrono's own serde takes and JSON must not, and other non-dates.
const BAD_DATES: [&str; 8] = [
    "+2025-03-01",
    "2025-3-1",
    "2025-03-1",
    "0000-03-01",
    "2025/03/01",
    "2025-03-01T00:00:00",
    " 2025-03-01",
    "2025-02-29",
];

/// `value` written as JSON, then each of `BAD_DATES` put in place of its dates: the good
/// text reads back, every bad one is refused saying what a date must look like. Returns
/// the messages, `label: input → message`.
fn dates_of<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    label: &str,
    value: &T,
) -> Vec<String> {
    let json = to_json(value).unwrap();
    assert!(json.contains(DAY), "{label}: {json}");
    assert_eq!(&from_json::<T>(&json).unwrap(), value, "{label}");
    BAD_DATES
        .iter()
        .map(|bad| {
            let text = json.replace(&format!("\"{DAY}\""), &format!("\"{bad}\""));
            match from_json::<T>(&text) {
                Ok(v) => panic!("{label}: {bad:?} was accepted as {v:?}"),
                Err(e) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains("expected a date YYYY-MM-DD"),
                        "{label}: {bad:?}: {msg}"
                    );
                    format!("{label}: {bad:?} → {msg}")
                }
            }
        })
        .collect()
}

#[test]
fn dates_are_read_only_as_yyyy_mm_dd() {
    let bucket = Bucket::new(county(), FundLevel::Central, Some(Category::Industry));
    let full = Ratio::ONE;
    let mut rows = dates_of(
        "allocation",
        &Allocation::new(
            "A-1".parse().unwrap(),
            day(),
            county(),
            FundLevel::Central,
            m("1000"),
        ),
    );
    // The other types: one line each (the first bad date), all checked.
    let mut first = |r: Vec<String>| rows.push(r.into_iter().nth(1).unwrap());
    first(dates_of(
        "expenditure",
        &Expenditure::new(
            "E-1".parse().unwrap(),
            day(),
            "P-7".parse().unwrap(),
            county(),
            FundLevel::Central,
            Category::Industry,
            m("100"),
        ),
    ));
    first(dates_of(
        "adjustment",
        &Adjustment::recovery("R-1".parse().unwrap(), day(), bucket.clone(), m("5")),
    ));
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    first(dates_of(
        "execution options (since)",
        &ExecutionOptions::new(as_of).since(day()).unwrap(),
    ));
    first(dates_of(
        "execution options (as of)",
        &ExecutionOptions::new(day()),
    ));
    first(dates_of(
        "pool coverage options",
        &PoolCoverageOptions::new(day()),
    ));
    first(dates_of(
        "industry share options",
        &IndustryShareOptions::new(day()),
    ));
    first(dates_of(
        "dated values",
        &Dated::new([(day(), m("6800"))]).unwrap(),
    ));
    first(dates_of(
        "standard schedule",
        &StandardSchedule::annual([(day(), m("6800"))]).unwrap(),
    ));
    first(dates_of(
        "LPR table",
        &LprTable::new([(day(), full, full)]).unwrap(),
    ));
    first(dates_of(
        "subsidy shares (vintage)",
        &SubsidyShares::new([(NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(), full)])
            .unwrap()
            .vintage(day(), [(day(), full)])
            .unwrap(),
    ));
    first(dates_of(
        "milestones",
        &Milestones::new([(day(), full)]).unwrap(),
    ));
    first(dates_of("loan terms", &LoanTerms::new(day(), 36, full)));
    first(dates_of(
        "repayment",
        &Repayment::new(
            "R-1".parse().unwrap(),
            "L-1".parse().unwrap(),
            day(),
            m("100"),
        ),
    ));
    first(dates_of(
        "carry-over spending",
        &CarryOverSpending::new("S-1".parse().unwrap(), bucket, day(), m("100")),
    ));
    snap("json_input_dates", &rows);
}

#[test]
fn amounts_are_plain_decimal_strings_of_yuan() {
    // What `to_json` writes, and the plain forms a program writes, read back.
    for (text, fen) in [
        ("1234.56", 123_456),
        ("5", 500),
        ("0.1", 10),
        ("-5.00", -500),
        ("007", 700),
    ] {
        assert_eq!(
            from_json::<Money>(&format!("\"{text}\"")).unwrap(),
            Money::from_fen(fen),
            "{text}"
        );
    }
    let mut rows = Vec::new();
    for bad in [
        "12万",
        "30700.48万元",
        "12元",
        "1,000.00",
        "1，000.00",
        "５",
        "¥5",
        "+5",
        " 5",
        "5 ",
        "1e2",
        ".5",
        "5.",
        "-",
        "",
        "1.234",
        "-0",
    ] {
        let err = from_json::<Money>(&format!("\"{bad}\"")).unwrap_err();
        rows.push(format!("{bad:?} → {err}"));
    }
    // In a record: the same rule.
    let json = to_json(&Allocation::new(
        "A-1".parse().unwrap(),
        day(),
        county(),
        FundLevel::Central,
        m("1000"),
    ))
    .unwrap();
    for bad in ["12万", "1,000.00", "５"] {
        let text = json.replace("\"1000.00\"", &format!("\"{bad}\""));
        let err = from_json::<Allocation>(&text).unwrap_err();
        rows.push(format!("allocation {bad:?} → {err}"));
    }
    snap("json_input_amounts", &rows);
}

/// A report by county and fund level with a 小计 per county, from a ledger of two
/// counties' allocations.
fn report() -> Execution {
    let a = |c: u32| RegionCode::new(c).unwrap();
    let mut l = Ledger::new(FiscalYear::new(2025).unwrap());
    l.insert([
        Region::new(a(450_500), "北海市"),
        Region::new(a(450_521), "合浦县"),
        Region::new(a(450_522), "另一县"),
    ])
    .unwrap();
    let alloc = |id: &str, c: u32, level, amount: &str| {
        Allocation::new(id.parse().unwrap(), day(), a(c), level, m(amount))
    };
    l.insert([
        alloc("A-1", 450_521, FundLevel::Central, "1000.00"),
        alloc("A-2", 450_521, FundLevel::City, "300.00"),
        alloc("A-3", 450_522, FundLevel::Central, "500.00"),
    ])
    .unwrap();
    l.execution(
        ExecutionOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
            .by_region(RegionLevel::County)
            .by_level()
            .subtotal(Grouping::REGION),
    )
}

/// Whether a JSON row is a detail row (grouped by level too) rather than a 小计.
fn is_detail(row: &Value) -> bool {
    !row["key"]["level"].is_null()
}

#[test]
fn reports_must_hold_the_rows_their_groupings_ask_for() {
    let report = report();
    let json: Value = serde_json::from_str(&to_json(&report).unwrap()).unwrap();
    assert_eq!(from_json::<Execution>(&json.to_string()).unwrap(), report);
    let rows = json["rows"].as_array().unwrap().clone();
    assert_eq!(rows.iter().filter(|r| is_detail(r)).count(), 3);
    assert_eq!(rows.len(), 5);

    let with_rows = |rows: Vec<Value>| {
        let mut j = json.clone();
        j["rows"] = Value::Array(rows);
        j
    };
    let mut cases: Vec<(&str, Value)> = vec![
        ("no rows at all", with_rows(Vec::new())),
        (
            "the detail rows removed",
            with_rows(rows.iter().filter(|r| !is_detail(r)).cloned().collect()),
        ),
        (
            "the 小计 rows removed",
            with_rows(rows.iter().filter(|r| is_detail(r)).cloned().collect()),
        ),
    ];
    // A detail row split in two under one key: the sums still agree.
    let mut split = rows.clone();
    let mut zero = split[0].clone();
    zero["progress"]["allocated"] = Value::from("0.00");
    zero["progress"]["spent"] = Value::from("0.00");
    split.insert(1, zero);
    cases.push(("a row twice", with_rows(split)));
    // Rows of a grouping the options do not ask for: the 小计 dropped from the options.
    let mut unasked = json.clone();
    unasked["options"]["subtotals"] = Value::Array(Vec::new());
    cases.push(("a 小计 the options do not ask for", unasked));

    let mut out = Vec::new();
    for (label, j) in cases {
        match from_json::<Execution>(&j.to_string()) {
            Ok(_) => panic!("{label}: accepted"),
            Err(e) => out.push(format!("{label} → {e}")),
        }
    }
    snap("json_input_execution", &out);

    // A report with nothing allocated and nothing spent has no rows, and reads back so.
    let empty = Ledger::new(FiscalYear::new(2025).unwrap()).execution(
        ExecutionOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
            .by_region(RegionLevel::County)
            .subtotal(Grouping::REGION),
    );
    assert!(empty.rows().is_empty());
    assert_eq!(
        from_json::<Execution>(&to_json(&empty).unwrap()).unwrap(),
        empty
    );
}
