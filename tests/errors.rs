//! The error catalogue (错误目录): every kind of bad input the library meets, each pinned
//! with its message, and the all-or-nothing rule for batches.
//!
//! Each snapshot is a table with one line per bad input, `input → message`, so every message
//! is pinned and reviewed. Every message must name the input (quoted) and where it is: a
//! byte offset for a value, a record position and id for a ledger batch, a file, line and
//! column for a CSV input.

use std::fmt::{Debug, Display};

use chrono::NaiveDate;
use fundtrack::dim::{DocNo, FunctionCode, ProjectId, RecordId, RegionLevel};
use fundtrack::ledger::{LedgerOptions, Overspend};
use fundtrack::record::{Adjustment, Allocation, Bucket, Expenditure, Project, Record, Region};
use fundtrack::report::{Basis, ExecutionOptions, IndustryShareOptions};
use fundtrack::{
    Category, FiscalYear, FundLevel, Ledger, LedgerError, Money, ProjectStage, RegionCode,
    SourceMix,
};
use rust_decimal_macros::dec;

/// Pins `rows` (one line per bad input) as `tests/snapshots/<name>.snap`.
fn snap(name: &str, rows: &[String]) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, rows.join("\n")));
}

/// How an error quotes `input`: whole, or its first 40 bytes (a character cut there
/// dropped) and `…` when longer.
pub(crate) fn quoted(input: &str) -> String {
    if input.len() <= 40 {
        return format!("{input:?}");
    }
    let mut end = 40;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}", format!("{}…", &input[..end]))
}

/// `input → message` for a value that must not parse; the message must quote the input
/// (its start, when long).
fn bad<T: Debug, E: Display>(input: &str, result: Result<T, E>) -> String {
    match result {
        Ok(v) => panic!("{input:?} was accepted as {v:?}"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains(&quoted(input)),
                "message does not quote {input:?}: {msg}"
            );
            format!("{input:?} → {msg}")
        }
    }
}

/// `label → message` for a value built from parts; the message must contain `quoted`.
fn bad_parts<T: Debug, E: Display>(label: &str, quoted: &str, result: Result<T, E>) -> String {
    match result {
        Ok(v) => panic!("{label} was accepted as {v:?}"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains(quoted),
                "message of {label} does not name {quoted:?}: {msg}"
            );
            format!("{label} → {msg}")
        }
    }
}

fn money_rows() -> Vec<String> {
    let inputs = [
        "1e5",
        "1E5",
        "1.2e-3",
        "１２３ｅ５",
        "12.345元",
        "12,345.678元",
        "0.0000001万元",
        "0.00000000001亿元",
        "30,700.4.8万元",
        "12.34.56",
        "",
        "   ",
        "\u{3000}",
        "-0",
        "-0.00万元",
        "－０．００",
        "99999999999999999999999999999999",
        "79228162514264337593543950335",
        "792281625142643375935439503.36",
        "9999999999999999999999亿元",
        "１２a",
        "１２３４ｂ５６元",
        "12.",
        ".5",
        "元",
        "万元",
        "-",
        "1,23",
        "1234,567",
        "1,234,56",
        "1,234.5,6",
        ",123",
        "--1",
        "+-1",
        "1-",
        "12 34",
        "1 000",
        "1_000",
        "0x10",
        "NaN",
        "inf",
        "12.3元元",
        "$100",
        "100 USD",
        "1/2",
        "(100.00)",
        "12元5角",
        "十万元",
        "٣٤",
        "1\u{0}",
        "1.5\t2",
    ];
    inputs.iter().map(|s| bad(s, s.parse::<Money>())).collect()
}

#[test]
fn money_catalogue() {
    snap("errors_money", &money_rows());
}

#[test]
fn money_overflow_boundaries() {
    // The largest amount: (2^96 − 1) 分. One 分 more is an error, in text and in arithmetic.
    let max = Money::checked_from_fen((1i128 << 96) - 1).unwrap();
    assert_eq!(max.to_string(), "792281625142643375935439503.35元");
    assert_eq!(max.to_string().parse::<Money>(), Ok(max));
    assert!(Money::checked_from_fen(1i128 << 96).is_none());
    assert!(max.checked_add(Money::from_fen(1)).is_none());
    assert!((-max).checked_sub(Money::from_fen(1)).is_none());
    assert!(Money::checked_sum([max, Money::from_fen(1)]).is_none());
    assert!(max.checked_mul_count(2).is_none());
    // 10^12 亿元 is 10^20 元: it fits (exactly), and 10^20 亿元 does not.
    let big: Money = "1000000000000亿元".parse().unwrap();
    assert_eq!(big.to_fen(), 10i128.pow(22));
    assert!("100000000000000000000亿元".parse::<Money>().is_err());
}

fn value_from_parts_rows() -> Vec<String> {
    vec![
        bad_parts(
            "Money::yuan(12.345)",
            "\"12.345元\"",
            Money::yuan(dec!(12.345)),
        ),
        bad_parts(
            "Money::wan(0.0000001)",
            "\"0.0000001万元\"",
            Money::wan(dec!(0.0000001)),
        ),
        bad_parts(
            "Money::yi(79228162514264337593543950335)",
            "\"79228162514264337593543950335亿元\"",
            Money::yi(rust_decimal::Decimal::MAX),
        ),
        bad_parts(
            "RegionCode::new(1000000)",
            "\"1000000\"",
            RegionCode::new(1_000_000),
        ),
        bad_parts(
            "RegionCode::new(450002)",
            "\"450002\"",
            RegionCode::new(450_002),
        ),
        bad_parts("RegionCode::new(0)", "\"000000\"", RegionCode::new(0)),
        bad_parts("FunctionCode::new(0)", "\"2130500\"", FunctionCode::new(0)),
        bad_parts(
            "FunctionCode::new(100)",
            "\"21305100\"",
            FunctionCode::new(100),
        ),
        bad_parts("FiscalYear::new(1899)", "\"1899\"", FiscalYear::new(1899)),
        bad_parts(
            "FiscalYear::new(10000)",
            "\"10000\"",
            FiscalYear::new(10_000),
        ),
        bad_parts(
            "Category::custom(\"industry\")",
            "\"industry\"",
            Category::custom("industry"),
        ),
        bad_parts("Category::custom(\"\")", "\"\"", Category::custom("")),
        bad_parts(
            "Category::custom(\"未分配\")",
            "\"未分配\"",
            Category::custom("未分配"),
        ),
    ]
}

#[test]
fn values_from_parts_catalogue() {
    snap("errors_values_from_parts", &value_from_parts_rows());
}

fn code_rows() -> Vec<String> {
    let mut rows = Vec::new();
    for s in [
        "45050",
        "4505021",
        "45a502",
        "100000",
        "990000",
        "000000",
        "450002",
        "-45052",
        "４５０５２１",
        "450 521",
        "",
        " ",
    ] {
        rows.push(bad(s, s.parse::<RegionCode>()));
    }
    for s in [
        "2130500",
        "2130600",
        "21305",
        "213050a",
        "21305011",
        "２１３０５０１",
        "",
    ] {
        rows.push(bad(s, s.parse::<FunctionCode>()));
    }
    let long = "P".repeat(65);
    for s in [
        "",
        " A-1",
        "A-1 ",
        "A\n1",
        "A\t1",
        "\u{feff}A-1",
        "A-1\u{200b}",
        "A-\u{202e}1",
        "A\u{ad}-1",
        long.as_str(),
    ] {
        rows.push(bad(s, s.parse::<RecordId>()));
        rows.push(bad(s, s.parse::<ProjectId>()));
    }
    rows.push(bad("桂财农\u{7}1号", "桂财农\u{7}1号".parse::<DocNo>()));
    rows
}

#[test]
fn codes_and_ids_catalogue() {
    snap("errors_codes_and_ids", &code_rows());
}

fn vocabulary_rows() -> Vec<String> {
    let mut rows = Vec::new();
    for s in ["centre", "Central", "", "中 央", "国家级", "4"] {
        rows.push(bad(s, s.parse::<FundLevel>()));
    }
    let long = "类".repeat(22);
    for s in [
        "industy",
        "Industry",
        "",
        "产业发展,基础设施",
        "以工\u{7}代赈",
        long.as_str(),
    ] {
        rows.push(bad(s, s.parse::<Category>()));
    }
    for s in ["done", "", "in pool", "入 库"] {
        rows.push(bad(s, s.parse::<ProjectStage>()));
    }
    rows
}

#[test]
fn vocabularies_catalogue() {
    snap("errors_vocabularies", &vocabulary_rows());
}

// ---- the ledger ----------------------------------------------------------------------------

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, day).unwrap()
}
fn code(s: &str) -> RegionCode {
    s.parse().unwrap()
}
fn m(s: &str) -> Money {
    s.parse().unwrap()
}
fn rid(s: &str) -> RecordId {
    s.parse().unwrap()
}
fn pid(s: &str) -> ProjectId {
    s.parse().unwrap()
}
fn county() -> RegionCode {
    code("450521")
}
fn industry() -> Bucket {
    Bucket::new(county(), FundLevel::Central, Some(Category::Industry))
}
fn alloc(id: &str, date: NaiveDate, amount: &str) -> Allocation {
    Allocation::new(rid(id), date, county(), FundLevel::Central, m(amount))
        .with_category(Category::Industry)
}
fn spend(id: &str, date: NaiveDate, project: &str, amount: &str) -> Expenditure {
    Expenditure::new(
        rid(id),
        date,
        pid(project),
        county(),
        FundLevel::Central,
        Category::Industry,
        m(amount),
    )
}

/// A small Beihai ledger: a province, a city, two counties, four projects, three
/// allocations, one expenditure and one reallocation.
fn base() -> Ledger {
    base_with(LedgerOptions::new())
}

fn base_with(options: LedgerOptions) -> Ledger {
    let mut l = Ledger::with_options(FiscalYear::new(2021).unwrap(), options);
    let records: Vec<Record> = vec![
        Region::new(code("450000"), "广西壮族自治区").into(),
        Region::new(code("450500"), "北海市").into(),
        Region::new(county(), "合浦县").into(),
        Region::new(code("450502"), "海城区").into(),
        Project::new(
            pid("P-1"),
            county(),
            Category::Industry,
            m("100万元"),
            ProjectStage::Implementing,
            2021,
        )
        .into(),
        Project::new(
            pid("P-2"),
            county(),
            Category::Industry,
            m("100万元"),
            ProjectStage::Proposed,
            2021,
        )
        .into(),
        Project::new(
            pid("P-3"),
            code("450502"),
            Category::Infrastructure,
            m("30万元"),
            ProjectStage::InPool,
            2021,
        )
        .into(),
        Project::new(
            pid("P-W"),
            county(),
            Category::Industry,
            m("5万元"),
            ProjectStage::Withdrawn,
            2021,
        )
        .into(),
        alloc("A-1", d(3, 1), "50万元").into(),
        Allocation::new(
            rid("A-2"),
            d(3, 1),
            code("450502"),
            FundLevel::Provincial,
            m("40万元"),
        )
        .with_category(Category::Infrastructure)
        .into(),
        Allocation::new(
            rid("A-3"),
            d(4, 1),
            county(),
            FundLevel::County,
            m("12.5万元"),
        )
        .into(),
        spend("E-1", d(5, 1), "P-1", "20万元").into(),
        Adjustment::reallocation(
            rid("R-1"),
            d(6, 1),
            industry(),
            Bucket::new(county(), FundLevel::Central, Some(Category::YuluPlan)),
            m("5万元"),
        )
        .into(),
    ];
    l.insert(records).unwrap();
    l
}

/// A bad record and the rule it breaks; each goes into the middle of a batch of good ones.
#[allow(clippy::too_many_lines)] // one entry per rule, a table
fn bad_records() -> Vec<(&'static str, Record)> {
    let y2022 = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    let y2020 = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
    let other = Bucket::new(county(), FundLevel::Central, Some(Category::Infrastructure));
    let unknown = Bucket::new(code("450503"), FundLevel::Central, Some(Category::Industry));
    vec![
        (
            "allocation to an unknown region 450503",
            Allocation::new(
                rid("A-9"),
                d(7, 1),
                code("450503"),
                FundLevel::Central,
                m("1元"),
            )
            .into(),
        ),
        (
            "allocation dated 2022-01-01 in fiscal year 2021",
            alloc("A-9", y2022, "1元").into(),
        ),
        (
            "allocation dated 2020-12-31 in fiscal year 2021",
            alloc("A-9", y2020, "1元").into(),
        ),
        ("allocation of zero", alloc("A-9", d(7, 1), "0元").into()),
        ("allocation of -1元", alloc("A-9", d(7, 1), "-1元").into()),
        (
            "allocation reusing the id A-1",
            alloc("A-1", d(7, 1), "1元").into(),
        ),
        (
            "allocation reusing the allocation id A-3",
            alloc("A-3", d(7, 1), "1元").into(),
        ),
        (
            "expenditure on unknown project P-9",
            spend("E-9", d(7, 1), "P-9", "1元").into(),
        ),
        (
            "expenditure on proposed project P-2",
            spend("E-9", d(7, 1), "P-2", "1元").into(),
        ),
        (
            "expenditure on withdrawn project P-W",
            spend("E-9", d(7, 1), "P-W", "1元").into(),
        ),
        (
            "expenditure in 450521 on project P-3 of 450502",
            Expenditure::new(
                rid("E-9"),
                d(7, 1),
                pid("P-3"),
                county(),
                FundLevel::Central,
                Category::Infrastructure,
                m("1元"),
            )
            .into(),
        ),
        (
            "expenditure as 雨露计划 on industry project P-1",
            Expenditure::new(
                rid("E-9"),
                d(7, 1),
                pid("P-1"),
                county(),
                FundLevel::Central,
                Category::YuluPlan,
                m("1元"),
            )
            .into(),
        ),
        (
            "expenditure from a region not in the ledger",
            Expenditure::new(
                rid("E-9"),
                d(7, 1),
                pid("P-1"),
                code("450503"),
                FundLevel::Central,
                Category::Industry,
                m("1元"),
            )
            .into(),
        ),
        (
            "expenditure beyond the allocation (25万 left, 25.01万 spent)",
            spend("E-9", d(7, 1), "P-1", "25.01万元").into(),
        ),
        (
            "expenditure dated before any allocation",
            spend("E-9", d(2, 1), "P-1", "1元").into(),
        ),
        (
            "expenditure dated 2022-01-01",
            spend("E-9", y2022, "P-1", "1元").into(),
        ),
        (
            "expenditure of zero",
            spend("E-9", d(7, 1), "P-1", "0元").into(),
        ),
        (
            "expenditure reusing the expenditure id E-1",
            spend("E-1", d(7, 1), "P-1", "1元").into(),
        ),
        (
            "expenditure at county level where only central money is in place",
            Expenditure::new(
                rid("E-9"),
                d(7, 1),
                pid("P-1"),
                county(),
                FundLevel::County,
                Category::Industry,
                m("1元"),
            )
            .into(),
        ),
        (
            "recovery of more than is left",
            Adjustment::recovery(rid("R-9"), d(7, 1), industry(), m("25.01万元")).into(),
        ),
        (
            "recovery dated before the expenditure that it leaves uncovered",
            Adjustment::recovery(rid("R-9"), d(4, 1), industry(), m("40万元")).into(),
        ),
        (
            "recovery of zero",
            Adjustment::recovery(rid("R-9"), d(7, 1), industry(), Money::ZERO).into(),
        ),
        (
            "recovery from an unknown region",
            Adjustment::recovery(rid("R-9"), d(7, 1), unknown.clone(), m("1元")).into(),
        ),
        (
            "reallocation to the same bucket",
            Adjustment::reallocation(rid("R-9"), d(7, 1), industry(), industry(), m("1元")).into(),
        ),
        (
            "reallocation from an empty bucket",
            Adjustment::reallocation(rid("R-9"), d(7, 1), other.clone(), industry(), m("1元"))
                .into(),
        ),
        (
            "reallocation to an unknown region",
            Adjustment::reallocation(rid("R-9"), d(7, 1), industry(), unknown.clone(), m("1元"))
                .into(),
        ),
        (
            "carry-in dated 2022-01-01",
            Adjustment::carry_in(rid("R-9"), y2022, other.clone(), 2020, m("1元")).into(),
        ),
        (
            "carry-in to an unknown region",
            Adjustment::carry_in(rid("R-9"), d(7, 1), unknown, 2020, m("1元")).into(),
        ),
        (
            "carry-in of -1元",
            Adjustment::carry_in(rid("R-9"), d(7, 1), other, 2020, m("-1元")).into(),
        ),
        (
            "region 450521 added twice",
            Region::new(county(), "合浦县").into(),
        ),
        (
            "project P-1 added twice",
            Project::new(
                pid("P-1"),
                county(),
                Category::Industry,
                m("1元"),
                ProjectStage::InPool,
                2021,
            )
            .into(),
        ),
        (
            "project in an unknown region",
            Project::new(
                pid("P-9"),
                code("450503"),
                Category::Industry,
                m("1元"),
                ProjectStage::InPool,
                2021,
            )
            .into(),
        ),
        (
            "project with negative planned investment",
            Project::new(
                pid("P-9"),
                county(),
                Category::Industry,
                m("-1元"),
                ProjectStage::InPool,
                2021,
            )
            .into(),
        ),
        (
            "allocation that takes the ledger's gross amount past 2^96 分",
            alloc("A-9", d(7, 1), "792281625142643375935439503.35元").into(),
        ),
    ]
}

/// Good records around the bad one: they must not go in either. They touch their own
/// bucket (central 雨露计划 of the county), so the bad record stays the one to blame.
fn good_before() -> Vec<Record> {
    let yulu = Category::YuluPlan;
    vec![
        Region::new(code("450512"), "铁山港区").into(),
        Project::new(
            pid("P-7"),
            county(),
            yulu.clone(),
            m("8万元"),
            ProjectStage::InPool,
            2021,
        )
        .into(),
        Allocation::new(
            rid("A-7"),
            d(7, 1),
            county(),
            FundLevel::Central,
            m("30万元"),
        )
        .with_category(yulu)
        .into(),
    ]
}
fn good_after() -> Vec<Record> {
    vec![
        Expenditure::new(
            rid("E-7"),
            d(7, 2),
            pid("P-7"),
            county(),
            FundLevel::Central,
            Category::YuluPlan,
            m("3万元"),
        )
        .into(),
        Project::new(
            pid("P-8"),
            code("450512"),
            Category::Other,
            m("1万元"),
            ProjectStage::Proposed,
            2021,
        )
        .into(),
    ]
}

fn ledger_rows() -> Vec<String> {
    let mut rows = Vec::new();
    for (label, record) in bad_records() {
        let describe = record.describe();
        let mut l = base();
        let err: LedgerError = l.insert([record]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("record 1 ({describe}): ")),
            "{label}: {msg}"
        );
        rows.push(format!("{label} → {msg}"));
    }
    rows
}

#[test]
fn ledger_catalogue() {
    snap("errors_ledger", &ledger_rows());
}

#[test]
fn ledger_errors_name_the_position_in_the_batch() {
    let mut rows = Vec::new();
    for (label, record) in bad_records() {
        let describe = record.describe();
        let mut l = base();
        let mut batch = good_before();
        batch.push(record);
        batch.extend(good_after());
        let err = l.insert(batch).unwrap_err();
        // Overdrafts are found after the whole batch is read; they name the record that
        // made the bucket go below zero, which may be a good record placed later.
        assert_eq!(err.position(), 4, "{label}: {err}");
        assert_eq!(err.record(), describe, "{label}");
        rows.push(format!("{label} → {err}"));
    }
    snap("errors_ledger_in_batch", &rows);
}

#[test]
fn warn_mode_warnings_name_the_record() {
    let mut l = base_with(LedgerOptions::new().overspend(Overspend::Warn));
    let receipt = l
        .insert([spend("E-9", d(7, 1), "P-1", "25.01万元")])
        .unwrap();
    let rows: Vec<String> = receipt.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(rows.len(), 1);
    snap("errors_ledger_warnings", &rows);
}

// ---- all or nothing --------------------------------------------------------------------------

/// Every view and report of a ledger, printed: records, buckets, execution grouped every
/// way at several dates, industry share and pool coverage.
pub(crate) fn fingerprint(l: &Ledger) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "regions {:?}", l.regions().collect::<Vec<_>>());
    let _ = writeln!(out, "projects {:?}", l.projects().collect::<Vec<_>>());
    let _ = writeln!(out, "allocations {:?}", l.allocations());
    let _ = writeln!(out, "expenditures {:?}", l.expenditures());
    let _ = writeln!(out, "adjustments {:?}", l.adjustments());
    let dates = [
        d(1, 1),
        d(3, 1),
        d(5, 1),
        d(6, 30),
        d(7, 1),
        d(7, 2),
        d(8, 1),
        d(12, 31),
    ];
    for as_of in dates {
        for b in l.buckets() {
            let _ = writeln!(
                out,
                "{as_of} {} {} {} {}",
                b.bucket(),
                b.allocated(as_of),
                b.spent(as_of),
                b.active(as_of)
            );
        }
        let base = ExecutionOptions::new(as_of);
        let options = [
            base.clone(),
            base.clone().by_region(RegionLevel::County),
            base.clone().by_region(RegionLevel::City),
            base.clone()
                .by_region(RegionLevel::Province)
                .by_level()
                .by_category(),
            base.clone().by_level(),
            base.clone().by_category(),
            base.clone()
                .sources(SourceMix::CentralAndProvincial)
                .by_category(),
            base.clone().within(county()).by_level(),
        ];
        for o in options {
            let e = l.execution(o);
            let _ = writeln!(out, "{as_of} {:?} {:?}", e.rows(), e.total());
            let _ = writeln!(out, "{as_of} shares {:?}", e.shares(Basis::Allocated));
        }
        for basis in [Basis::Allocated, Basis::Spent] {
            for mix in [
                SourceMix::CentralOnly,
                SourceMix::CentralAndProvincial,
                SourceMix::AllLevels,
            ] {
                let s =
                    l.industry_share(IndustryShareOptions::new(as_of).basis(basis).sources(mix));
                let _ = writeln!(out, "{as_of} industry {s:?}");
            }
        }
        let _ = writeln!(out, "{as_of} pool {:?}", l.pool_coverage(as_of));
    }
    out
}

#[test]
fn a_bad_record_in_the_middle_leaves_the_ledger_unchanged() {
    for (label, record) in bad_records() {
        let mut l = base();
        let before = fingerprint(&l);
        let mut batch = good_before();
        batch.push(record);
        batch.extend(good_after());
        assert!(l.insert(batch).is_err(), "{label}");
        assert_eq!(fingerprint(&l), before, "{label}: the ledger changed");
        // Nothing of the failed batch was reserved: its good records go in afterwards.
        let mut good = good_before();
        good.extend(good_after());
        l.insert(good)
            .unwrap_or_else(|e| panic!("{label}: good records refused after a failed batch: {e}"));
        assert_ne!(fingerprint(&l), before);
    }
}

#[test]
fn a_failed_batch_in_warn_mode_leaves_the_ledger_unchanged() {
    // Overdrafts only warn, but the other rules still reject the whole batch.
    for (label, record) in bad_records() {
        let mut l = base_with(LedgerOptions::new().overspend(Overspend::Warn));
        let before = fingerprint(&l);
        let mut batch = good_before();
        batch.push(record);
        batch.extend(good_after());
        match l.insert(batch) {
            Ok(receipt) => assert!(
                !receipt.warnings.is_empty(),
                "{label}: accepted without a warning"
            ),
            Err(_) => assert_eq!(fingerprint(&l), before, "{label}: the ledger changed"),
        }
    }
}

fn quantity_rows() -> Vec<String> {
    use fundtrack::audit::Printed;
    use fundtrack::money::Count;
    let mut rows: Vec<String> = [
        "1.23456万人",
        "1114",
        "万人",
        "12a人",
        "1e3人",
        "99999999999999999999人",
    ]
    .into_iter()
    .map(|s| bad(s, s.parse::<Count>()))
    .collect();
    rows.extend(
        ["12a%", "%", "1.00000000001%", "万元", "９９%"]
            .into_iter()
            .map(|s| bad(s, s.parse::<Printed>())),
    );
    rows.push(bad_parts(
        "Rounding::half_up(11)",
        "\"half_up to 11 places\"",
        fundtrack::Rounding::half_up(11),
    ));
    rows.push(bad_parts(
        "Rounding::trunc(4294967295)",
        "\"trunc to 4294967295 places\"",
        fundtrack::Rounding::trunc(u32::MAX),
    ));
    rows
}

#[test]
fn quantity_catalogue() {
    snap("errors_quantities", &quantity_rows());
}

#[test]
fn catalogue_counts_distinct_bad_inputs() {
    let mut all: Vec<String> = Vec::new();
    all.extend(money_rows());
    all.extend(value_from_parts_rows());
    all.extend(code_rows());
    all.extend(vocabulary_rows());
    all.extend(ledger_rows());
    all.extend(quantity_rows());
    let mut inputs: Vec<&str> = all.iter().filter_map(|r| r.split(" → ").next()).collect();
    let n = inputs.len();
    inputs.sort_unstable();
    inputs.dedup();
    // RecordId and ProjectId share their bad inputs: the same text, two parsers.
    assert!(
        inputs.len() >= 60,
        "{} distinct bad inputs of {n}",
        inputs.len()
    );
}

// ---- CSV inputs of the bulk path -----------------------------------------------------------

mod bulk_csv {
    use super::snap;
    use chrono::NaiveDate;
    use fundtrack::FiscalYear;
    use fundtrack::bulk::{Aggregator, BulkOptions, Partials};

    const A: &str = "id,date,county_code,source,category,amount_yuan\n";
    const E: &str = "id,date,project_id,county_code,source,category,amount_yuan\n";
    const P: &str = "id,county_code,category,planned_investment_yuan,status\n";

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
    }

    fn options() -> BulkOptions {
        BulkOptions::new(as_of()).fiscal_year(FiscalYear::new(2025).unwrap())
    }

    /// Reads `input` as table `t` ("a", "p" or "e") named `name`.
    fn read(
        agg: &mut Aggregator,
        t: &str,
        name: &str,
        input: &[u8],
    ) -> Result<(), fundtrack::import::InputError> {
        match t {
            "a" => agg.read_allocations(name, input),
            "p" => agg.read_projects(name, input),
            _ => agg.read_expenditures(name, input),
        }
    }

    #[allow(clippy::too_many_lines)] // one entry per bad input, a table
    fn cases() -> Vec<(&'static str, &'static str, Vec<u8>)> {
        let a = |rows: &str| format!("{A}{rows}").into_bytes();
        let e = |rows: &str| format!("{E}{rows}").into_bytes();
        let ok = "1,2025-01-05,450521,central,industry,1.00\n";
        vec![
            ("empty file", "a", Vec::new()),
            ("only blank lines", "a", b"\n\r\n  \n".to_vec()),
            (
                "missing column",
                "a",
                b"id,date,county_code,source,amount_yuan\n1,2025-01-05,450521,central,1.00\n"
                    .to_vec(),
            ),
            (
                "extra column",
                "a",
                format!(
                    "{}note\n1,2025-01-05,450521,central,industry,1.00,x\n",
                    A.replace('\n', ",")
                )
                .into_bytes(),
            ),
            (
                "columns in another order",
                "p",
                b"id,category,county_code,planned_investment_yuan,status\n".to_vec(),
            ),
            ("header of the wrong table", "e", A.as_bytes().to_vec()),
            (
                "header in Chinese",
                "a",
                "编号,日期,区划代码,资金来源,类别,金额\n"
                    .as_bytes()
                    .to_vec(),
            ),
            (
                "a row with an extra field",
                "a",
                a(&format!(
                    "{ok}2,2025-01-05,450521,central,industry,1.00,9\n"
                )),
            ),
            (
                "a row with a missing field",
                "a",
                a(&format!("{ok}2,2025-01-05,450521,central,1.00\n")),
            ),
            (
                "quoted amount with a comma",
                "a",
                a("1,2025-01-05,450521,central,industry,\"1,234.56\"\n"),
            ),
            (
                "quoted id",
                "e",
                e("\"E-1\",2025-01-05,P-1,450521,central,industry,1.00\n"),
            ),
            ("truncated last line", "a", a(&format!("{ok}2,2025-01-0"))),
            (
                "truncated last line in the amount",
                "a",
                a(&format!("{ok}2,2025-01-05,450521,central,industry,1.")),
            ),
            (
                "amount with 3 decimals",
                "e",
                e("1,2025-03-01,7,450521,central,industry,12.345\n"),
            ),
            (
                "amount with an exponent",
                "a",
                a("1,2025-01-05,450521,central,industry,1e5\n"),
            ),
            (
                "zero amount",
                "a",
                a("1,2025-01-05,450521,central,industry,0.00\n"),
            ),
            (
                "negative amount",
                "a",
                a("1,2025-01-05,450521,central,industry,-5.00\n"),
            ),
            (
                "empty amount",
                "a",
                a("1,2025-01-05,450521,central,industry,\n"),
            ),
            (
                "10^17 元 (beyond i64 分)",
                "a",
                a("1,2025-01-05,450521,central,industry,100000000000000000\n"),
            ),
            (
                "12万 under amount_yuan (another unit than the column's)",
                "a",
                a("1,2025-01-05,450521,central,industry,12万\n"),
            ),
            (
                "1000万元 under amount_yuan",
                "e",
                e("1,2025-03-01,7,450521,central,industry,1000万元\n"),
            ),
            (
                "sum beyond i64 分",
                "a",
                a(
                    "1,2025-01-05,450521,central,industry,92233720368547758.06\n2,2025-01-05,450521,central,industry,0.01\n",
                ),
            ),
            (
                "29 February 2025",
                "a",
                a("1,2025-02-29,450521,central,industry,1.00\n"),
            ),
            (
                "date with slashes",
                "a",
                a("1,2025/01/05,450521,central,industry,1.00\n"),
            ),
            (
                "date outside the fiscal year",
                "a",
                a("1,2024-12-31,450521,central,industry,1.00\n"),
            ),
            ("empty date", "a", a("1,,450521,central,industry,1.00\n")),
            (
                "unknown province 99",
                "a",
                a("1,2025-01-05,990521,central,industry,1.00\n"),
            ),
            (
                "five-digit region code",
                "a",
                a("1,2025-01-05,45052,central,industry,1.00\n"),
            ),
            (
                "unknown fund level",
                "a",
                a("1,2025-01-05,450521,centre,industry,1.00\n"),
            ),
            (
                "misspelt category",
                "a",
                a("1,2025-01-05,450521,central,industy,1.00\n"),
            ),
            (
                "custom category",
                "a",
                a("1,2025-01-05,450521,central,以工代赈,1.00\n"),
            ),
            (
                "unknown project status",
                "p",
                format!("{P}1,450521,industry,5.00,done\n").into_bytes(),
            ),
            (
                "empty id",
                "a",
                a(",2025-01-05,450521,central,industry,1.00\n"),
            ),
            (
                "a quote inside an id",
                "a",
                a("5\"97,2025-01-05,450521,central,industry,1.00\n"),
            ),
            (
                "quoted date",
                "a",
                a("1,\"2025-01-05\",450521,central,industry,1.00\n"),
            ),
            ("tab-separated file", "a", A.replace(',', "\t").into_bytes()),
            (
                "semicolon-separated file",
                "a",
                format!(
                    "{}1;2025-01-05;450521;central;industry;1.00\n",
                    A.replace(',', ";")
                )
                .into_bytes(),
            ),
            (
                "every header name quoted",
                "a",
                format!(
                    "\"id\",\"date\",\"county_code\",\"source\",\"category\",\"amount_yuan\"\n{ok}"
                )
                .into_bytes(),
            ),
            (
                "empty project id",
                "e",
                e("1,2025-01-05,,450521,central,industry,1.00\n"),
            ),
            ("GBK-encoded export", "a", {
                // 中央 and 产业发展 in GBK: an export from a Chinese-locale spreadsheet.
                let mut v = A.as_bytes().to_vec();
                v.extend_from_slice(
                    b"1,2025-01-05,450521,\xd6\xd0\xd1\xeb,\xb2\xfa\xd2\xb5\xb7\xa2\xd5\xb9,1.00\n",
                );
                v
            }),
            ("UTF-16 export", "a", {
                let mut v = vec![0xff, 0xfe];
                for u in format!("{A}{ok}").encode_utf16() {
                    v.extend_from_slice(&u.to_le_bytes());
                }
                v
            }),
            ("UTF-32 export", "a", {
                let mut v = vec![0xff, 0xfe, 0, 0];
                for c in format!("{A}{ok}").chars() {
                    v.extend_from_slice(&u32::from(c).to_le_bytes());
                }
                v
            }),
            ("UTF-16 export without a byte-order mark", "a", {
                format!("{A}{ok}")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect()
            }),
            (
                "an .xlsx workbook",
                "a",
                b"PK\x03\x04\x14\x00\x06\x00".to_vec(),
            ),
            (
                "two byte-order marks",
                "a",
                format!("\u{feff}\u{feff}{A}{ok}").into_bytes(),
            ),
            (
                "carriage returns alone",
                "a",
                format!("{A}{ok}").replace('\n', "\r").into_bytes(),
            ),
            (
                "joined files: a byte-order mark before a row",
                "a",
                a(&format!("\u{feff}{ok}")),
            ),
            (
                "joined files: the header again",
                "a",
                a(&format!("{ok}\u{feff}{A}{}", ok.replacen('1', "2", 1))),
            ),
            (
                "NUL in a field",
                "a",
                a("1,2025-01-05,450521,cen\0tral,industry,1.00\n"),
            ),
            // Rows dated after the as-of date are checked in full (issue 14, finding 1).
            (
                "after the as-of date: county 999999",
                "a",
                a("1,2025-09-05,999999,central,industry,1.00\n"),
            ),
            (
                "after the as-of date: source nonsense",
                "a",
                a("1,2025-09-05,450521,nonsense,industry,1.00\n"),
            ),
            (
                "after the as-of date: amount abc",
                "e",
                e("1,2025-09-05,7,450521,central,industry,abc\n"),
            ),
            (
                "after the as-of date: 3 fields",
                "a",
                a("1,2025-09-05,450521\n"),
            ),
            (
                "after the as-of date: 9 fields",
                "e",
                e("1,2025-09-05,7,450521,central,industry,1.00,8,9\n"),
            ),
            // Hostile sizes (finding 4): a short prefix is quoted.
            ("header of 100 KiB", "a", {
                let mut v = "id,".repeat(100 << 10 >> 2).into_bytes();
                v.push(b'\n');
                v
            }),
            ("line of 2 MiB", "a", {
                let mut v = A.as_bytes().to_vec();
                v.extend_from_slice("1,".repeat(1 << 20).as_bytes());
                v
            }),
            (
                "field of 300 bytes",
                "a",
                a(&format!(
                    "1,2025-01-05,450521,central,industry,{}\n",
                    "9".repeat(300)
                )),
            ),
            ("GBK id", "a", {
                let mut v = A.as_bytes().to_vec();
                v.extend_from_slice(b"\xd6\xd0-1,2025-01-05,450521,central,industry,1.00\n");
                v
            }),
            ("id with a byte that is not UTF-8", "a", {
                let mut v = A.as_bytes().to_vec();
                v.extend_from_slice(b"A\xff,2025-01-05,450521,central,industry,1.00\n");
                v
            }),
        ]
    }

    #[test]
    fn bulk_csv_catalogue() {
        let mut rows = Vec::new();
        for (label, t, input) in cases() {
            let mut agg = Aggregator::new(options().threads(1));
            let err = read(&mut agg, t, "input.csv", &input)
                .map(|()| "accepted")
                .unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with("input.csv"), "{label}: {msg}");
            rows.push(format!("{label} → {msg}"));
        }
        snap("errors_bulk_csv", &rows);
    }

    /// Accepted forms: CRLF, a UTF-8 BOM, blank lines, a last line without a line end, header only.
    #[test]
    fn bulk_csv_accepted_forms() {
        let ok = "1,2025-01-05,450521,central,industry,1.00\n2,2025-01-06,450521,central,industry,2.50\n";
        let plain = format!("{A}{ok}");
        let forms = [
            plain.replace('\n', "\r\n"),
            format!("\u{feff}{plain}"),
            format!("{A}\n{}\n\n", ok.replace('\n', "\n\n")),
            plain.trim_end().to_owned(),
        ];
        let totals = |text: &str| {
            let mut agg = Aggregator::new(options().threads(2).buffer_size(64));
            agg.read_allocations("a.csv", text.as_bytes()).unwrap();
            agg.into_partials()
        };
        let want = totals(&plain);
        assert_eq!(want.rows().allocations(), 2);
        for f in forms {
            assert_eq!(totals(&f), want, "{f:?}");
        }
        assert_eq!(totals(A).rows().allocations(), 0);
    }

    fn partials_after(inputs: &[(&str, Vec<u8>)], threads: usize) -> (Partials, Vec<String>) {
        let mut agg = Aggregator::new(options().threads(threads).buffer_size(256));
        let mut errors = Vec::new();
        for (t, input) in inputs {
            if let Err(e) = read(&mut agg, t, "input.csv", input) {
                errors.push(e.to_string());
            }
        }
        (agg.into_partials(), errors)
    }

    /// A bad row in the middle of a large input fails the whole read, and adds nothing.
    #[test]
    fn bulk_a_bad_row_in_the_middle_adds_nothing() {
        // Ids `start..start + n`: allocation ids must not repeat within one aggregator.
        let good_rows = |start: usize, n: usize| -> String {
            use std::fmt::Write;
            let mut out = String::new();
            for i in start..start + n {
                let (m, day, y, f) = (1 + i % 6, i % 10, i % 1000 + 1, i % 100);
                let _ = writeln!(
                    out,
                    "{i},2025-0{m}-1{day},450521,central,industry,{y}.{f:02}"
                );
            }
            out
        };
        let good = format!("{A}{}", good_rows(0, 400)).into_bytes();
        let (want, errors) = partials_after(&[("a", good.clone())], 2);
        assert!(errors.is_empty(), "{errors:?}");
        for bad_row in [
            "x,2025-01-05,450521,central,industry,12.345\n",
            "x,2025-01-05,450521,central,industy,1.00\n",
            "x,2025-01-05,450521,central,industry,\"1,234.56\"\n",
            "x,2025-01-05,450521,central,industry,92233720368547758.07\n",
        ] {
            for threads in [1, 2, 3] {
                let bad = format!(
                    "{A}{}{bad_row}{}",
                    good_rows(1000, 300),
                    good_rows(2000, 300)
                )
                .into_bytes();
                let (got, errors) = partials_after(&[("a", good.clone()), ("a", bad)], threads);
                assert_eq!(errors.len(), 1, "{bad_row}");
                assert!(errors[0].starts_with("input.csv line 302"), "{}", errors[0]);
                assert_eq!(
                    got, want,
                    "{bad_row} with {threads} threads: the failed read added to the totals"
                );
            }
        }
    }
}
