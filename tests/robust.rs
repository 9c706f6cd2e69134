//! Robustness: nothing panics on any input, accepted input round-trips, overflow is an
//! error, the ledger agrees with a naive model on random operation sequences, rates round
//! exactly at the edges, and the fuzz seeds run on stable Rust.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use fundtrack::dim::{DocNo, FunctionCode, ProjectId, RecordId, RegionLevel};
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::ledger::{LedgerErrorKind, LedgerOptions, Overspend};
use fundtrack::money::Unit;
use fundtrack::record::{Adjustment, Allocation, Bucket, Expenditure, Project, Record, Region};
use fundtrack::report::{
    Basis, CategoryKey, ExecutionOptions, ExecutionRow, IndustryShareOptions, Shares,
};
use fundtrack::{
    Category, FiscalYear, FundLevel, Ledger, Money, ProjectStage, Ratio, RegionCode, RoundMode,
    Rounding, SourceMix,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// The checks the fuzz targets run, shared with the stable smoke run below.
#[path = "../fuzz/common/checks.rs"]
mod checks;

const MAX_FEN: i128 = (1i128 << 96) - 1;

fn cheap() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- parsers: no panics, and accepted input round-trips ------------------------------------

fn money_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "(人民币|￥|¥)? ?[-+－＋]?[0-9０-９,，.．eE ]{0,24}(元|万元|亿元|万|亿| 亿元)?",
    )
    .unwrap()
}

fn code_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[0-9０-９a -]{0,9}").unwrap()
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

proptest! {
    #![proptest_config(cheap())]

    #[test]
    fn robust_every_parser_takes_arbitrary_strings(s in any::<String>()) {
        checks::every_parser(&s);
    }

    #[test]
    fn robust_every_parser_takes_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..48)) {
        checks::every_parser(&lossy(&b));
    }

    #[test]
    fn robust_money_like_text_parses_or_errs_and_round_trips(s in money_like()) {
        checks::every_parser(&s);
    }

    #[test]
    fn robust_code_like_text(s in code_like()) {
        checks::every_parser(&s);
    }

    #[test]
    fn robust_money_round_trips_in_every_unit(fen in prop_oneof![
        any::<i64>().prop_map(i128::from),
        -MAX_FEN..=MAX_FEN,
        (MAX_FEN - 1000)..=MAX_FEN,
        -10_000i128..10_000,
    ]) {
        let m = Money::checked_from_fen(fen).unwrap();
        prop_assert_eq!(m.to_fen(), fen);
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
        for unit in [Unit::Yuan, Unit::Wan, Unit::Yi] {
            let text = format!("{}{}", m.to_unit(unit), unit.suffix());
            prop_assert_eq!(text.parse::<Money>(), Ok(m), "{}", text);
        }
        let grouped = grouped(m);
        prop_assert_eq!(grouped.parse::<Money>(), Ok(m), "{}", grouped);
        let wide = full_width(&grouped);
        prop_assert_eq!(wide.parse::<Money>(), Ok(m), "{}", wide);
        prop_assert_eq!(Money::yuan(m.as_decimal()), Ok(m));
    }

    #[test]
    fn robust_region_codes_from_any_number(n in prop_oneof![any::<u32>(), 0u32..1_000_000]) {
        if let Ok(c) = RegionCode::new(n) {
            prop_assert_eq!(c.get(), n);
            prop_assert_eq!(c.to_string().parse::<RegionCode>(), Ok(c));
            prop_assert!(c.contains(c));
            if let Some(p) = c.parent() {
                prop_assert!(p.contains(c) && !c.contains(p));
            }
            for level in [RegionLevel::Province, RegionLevel::City, RegionLevel::County] {
                prop_assert!(c.rolled_up_to(level).contains(c));
            }
        }
        if let Ok(f) = FunctionCode::new(n) {
            prop_assert_eq!(f.to_string().parse::<FunctionCode>(), Ok(f));
        }
    }

    #[test]
    fn robust_fiscal_years_from_any_number(y in any::<i32>(), day in 0u32..400) {
        if let Ok(fy) = FiscalYear::new(y) {
            prop_assert!(fy.days_in_year() == 365 || fy.days_in_year() == 366);
            let as_of = fy.start().checked_add_days(chrono::Days::new(u64::from(day))).unwrap_or(fy.end());
            prop_assert!(fy.months_elapsed(as_of) <= 12);
            prop_assert!(fy.days_elapsed(as_of) <= fy.days_in_year());
            let _ = fy.month_end(day % 14);
        }
    }

    #[test]
    fn robust_ratios_and_rounding_never_panic(
        n in any::<i128>(), ns in 0u32..=28,
        d in any::<i128>(), ds in 0u32..=28,
        dp in 0u32..40,
    ) {
        let n = Decimal::try_from_i128_with_scale(n >> 32, ns).unwrap();
        let d = Decimal::try_from_i128_with_scale(d >> 32, ds).unwrap();
        for mode in [RoundMode::HalfUp, RoundMode::HalfEven, RoundMode::Trunc] {
            // More places than MAX_DP is an error, never a clamp.
            let Ok(r) = Rounding::new(mode, dp) else {
                prop_assert!(dp > fundtrack::money::MAX_DP);
                continue;
            };
            let _ = r.apply(n);
            if let Ok(q) = Ratio::new(n, d) {
                let _ = q.to_percent(r);
                let _ = q.to_decimal(r);
                if let Ok(p) = Ratio::from_percent(n) {
                    let _ = q.minus(&p).round(r);
                }
            }
        }
    }

    #[test]
    fn robust_shares_sum_to_one_hundred(parts in proptest::collection::vec(0i64..=i64::MAX, 1..12), dp in 0u32..6) {
        let shares = Shares::of(parts.iter().enumerate().map(|(i, &f)| (i, Money::from_fen(f)))).ok();
        if let Some(s) = shares {
            let hundred = Decimal::ONE_HUNDRED;
            let p = s.percents_summing_to_100(dp);
            prop_assert_eq!(p.values().copied().sum::<Decimal>(), hundred);
            // Each printed share is its exact value cut to `dp` places, or one unit more.
            let unit = Decimal::new(1, dp);
            for (k, v) in &p {
                let exact = s.get(k).unwrap().to_percent(Rounding::trunc(dp).unwrap());
                prop_assert!(*v == exact || *v == exact + unit, "{} vs {}", v, exact);
            }
        }
    }
}

/// `m` in 元 with thousands separators: `-1,234,567.89元`.
fn grouped(m: Money) -> String {
    let text = m.as_decimal().abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let sign = if m.is_negative() { "-" } else { "" };
    format!("{sign}{out}.{frac}元")
}

/// Digits, point, comma and minus in their full-width forms.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap(),
            '.' => '．',
            ',' => '，',
            '-' => '－',
            other => other,
        })
        .collect()
}

// ---- overflow is an error ----------------------------------------------------------------------

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, day).unwrap()
}
fn rid(s: &str) -> RecordId {
    s.parse().unwrap()
}
fn pid(s: &str) -> ProjectId {
    s.parse().unwrap()
}
fn code(s: &str) -> RegionCode {
    s.parse().unwrap()
}

#[test]
fn robust_ledger_gross_amount_past_the_maximum_is_an_error() {
    let county = code("450521");
    let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
    l.insert([Region::new(county, "合浦县")]).unwrap();
    let near_max = Money::checked_from_fen(MAX_FEN - 1).unwrap();
    let a = |id: &str, m: Money| Allocation::new(rid(id), d(3, 1), county, FundLevel::Central, m);
    l.insert([a("A-1", near_max)]).unwrap();
    let err = l.insert([a("A-2", Money::from_fen(2))]).unwrap_err();
    assert!(matches!(err.kind(), LedgerErrorKind::Overflow), "{err}");
    assert_eq!(err.position(), 1);
    l.insert([a("A-3", Money::from_fen(1))]).unwrap();
    // Reports at the maximum: exact, no panic.
    let e = l.execution(d(12, 31));
    assert_eq!(e.total().allocated().to_fen(), MAX_FEN);
    assert_eq!(
        e.total().rate().unwrap().to_percent(Rounding::default()),
        Decimal::ZERO
    );
    let share =
        l.industry_share(IndustryShareOptions::new(d(12, 31)).sources(SourceMix::AllLevels));
    assert_eq!(share.total().to_fen(), MAX_FEN);
    // A batch whose sum, not any one record, passes the maximum.
    let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
    let half = Money::checked_from_fen(MAX_FEN / 2 + 1).unwrap();
    let batch: Vec<Record> = vec![
        Region::new(county, "合浦县").into(),
        a("A-1", half).into(),
        a("A-2", half).into(),
    ];
    let err = l.insert(batch).unwrap_err();
    assert!(matches!(err.kind(), LedgerErrorKind::Overflow), "{err}");
    assert_eq!(err.position(), 3);
    assert_eq!(
        l.regions().count(),
        0,
        "the batch went in whole or not at all"
    );
}

#[test]
fn robust_money_sums_near_the_maximum() {
    let max = Money::checked_from_fen(MAX_FEN).unwrap();
    assert!(Money::checked_sum([max, Money::from_fen(1)]).is_none());
    assert!(Money::checked_sum([max, -max, max]).is_some());
    assert!(Money::checked_sum(std::iter::repeat_n(Money::from_fen(i64::MAX), 1 << 20)).is_some());
    let ten_to_12_yi: Money = "1000000000000亿元".parse().unwrap();
    assert_eq!(ten_to_12_yi.to_fen(), 10i128.pow(22));
    let r = Ratio::of(max, Money::from_fen(1)).unwrap_err();
    assert_eq!(r, fundtrack::NoRatio::OutOfRange);
    let r = Ratio::of(Money::from_fen(1), max).unwrap();
    assert_eq!(r.to_percent(Rounding::half_up(10).unwrap()), Decimal::ZERO);
}

// ---- the ledger against a naive model ----------------------------------------------------------

/// Regions the model knows; 450503 is never registered.
const REGIONS: [&str; 6] = ["450000", "450500", "450502", "450521", "460000", "460105"];
const UNKNOWN_REGION: &str = "450503";
/// Regions that hold money.
const HOLDERS: [&str; 4] = ["450500", "450502", "450521", "460105"];

fn categories() -> [Category; 4] {
    [
        Category::Industry,
        Category::Infrastructure,
        Category::YuluPlan,
        Category::custom("以工代赈").unwrap(),
    ]
}

#[derive(Clone, Debug)]
struct BucketIx {
    holder: usize,
    level: usize,
    /// 0 unassigned, 1..=4 a category.
    category: usize,
}

impl BucketIx {
    fn bucket(&self, unknown_region: bool) -> Bucket {
        let region = if unknown_region {
            code(UNKNOWN_REGION)
        } else {
            code(HOLDERS[self.holder])
        };
        let category = self
            .category
            .checked_sub(1)
            .map(|i| categories()[i].clone());
        Bucket::new(region, FundLevel::ALL[self.level], category)
    }
}

/// A bucket; mostly one of 8 "hot" ones (2 holders × 2 levels × 2 categories) so that
/// spending often finds money, sometimes any of the 80.
fn bucket_ix(assigned: bool) -> impl Strategy<Value = BucketIx> {
    let first = usize::from(assigned);
    let any = (0..HOLDERS.len(), 0..4usize, first..5usize);
    let hot = (2..4usize, 0..2usize, 1..3usize);
    prop_oneof![3 => hot, 1 => any].prop_map(|(holder, level, category)| BucketIx {
        holder,
        level,
        category,
    })
}

#[derive(Clone, Copy, Debug)]
enum Which {
    /// The pooled project of the region and category.
    Pooled,
    /// A proposed (not pooled) project of the region.
    NotPooled,
    /// A pooled project of another region.
    OtherRegion,
    /// A pooled project of another category.
    OtherCategory,
    /// A project that does not exist.
    Unknown,
}

#[derive(Clone, Debug)]
enum OpKind {
    Allocate(BucketIx),
    Spend(BucketIx, Which),
    Reallocate(BucketIx, BucketIx),
    Recover(BucketIx),
    CarryIn(BucketIx),
}

/// One record to try; `flaw` breaks one rule on purpose now and then.
#[derive(Clone, Debug)]
struct Op {
    kind: OpKind,
    day: u32,
    fen: i64,
    flaw: Flaw,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flaw {
    None,
    DateOutsideYear,
    ZeroAmount,
    DuplicateId,
    UnknownRegion,
}

fn op() -> impl Strategy<Value = Op> {
    let which = prop_oneof![
        12 => Just(Which::Pooled),
        1 => Just(Which::NotPooled),
        1 => Just(Which::OtherRegion),
        1 => Just(Which::OtherCategory),
        1 => Just(Which::Unknown),
    ];
    let kind = prop_oneof![
        4 => bucket_ix(false).prop_map(OpKind::Allocate),
        5 => (bucket_ix(true), which).prop_map(|(b, w)| OpKind::Spend(b, w)),
        2 => (bucket_ix(false), bucket_ix(false)).prop_map(|(a, b)| OpKind::Reallocate(a, b)),
        1 => bucket_ix(false).prop_map(OpKind::Recover),
        1 => bucket_ix(false).prop_map(OpKind::CarryIn),
    ];
    let flaw = prop_oneof![
        40 => Just(Flaw::None),
        1 => Just(Flaw::DateOutsideYear),
        1 => Just(Flaw::ZeroAmount),
        1 => Just(Flaw::DuplicateId),
        1 => Just(Flaw::UnknownRegion),
    ];
    (
        kind,
        0u32..365,
        prop_oneof![1i64..1_000, 1i64..100_000_000, 1i64..10_000_000_000],
        flaw,
    )
        .prop_map(|(kind, day, fen, flaw)| {
            // Money comes in large and goes out in smaller amounts, so most spending is covered.
            let fen = match kind {
                OpKind::Allocate(_) | OpKind::CarryIn(_) => fen.saturating_mul(20),
                _ => fen,
            };
            Op {
                kind,
                day,
                fen,
                flaw,
            }
        })
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(2021, n + 1).unwrap()
}

fn project_id(holder: usize, category: usize, pooled: bool) -> ProjectId {
    pid(&format!(
        "P-{holder}-{category}-{}",
        if pooled { "in" } else { "out" }
    ))
}

/// Regions and projects: for every holder and category a pooled project and a proposed one.
fn setup() -> Vec<Record> {
    let mut out: Vec<Record> = REGIONS
        .iter()
        .map(|c| Region::new(code(c), format!("地区{c}")).into())
        .collect();
    for (h, holder) in HOLDERS.iter().enumerate() {
        for (c, cat) in categories().into_iter().enumerate() {
            let planned = Money::from_fen(i64::try_from((h + 1) * 1_000_000 + c * 10_007).unwrap());
            for (pooled, stage) in [
                (true, ProjectStage::Implementing),
                (false, ProjectStage::Proposed),
            ] {
                let p = Project::new(
                    project_id(h, c + 1, pooled),
                    code(holder),
                    cat.clone(),
                    planned,
                    stage,
                    2021,
                );
                out.push(p.into());
            }
        }
    }
    out
}

/// One movement in a bucket, as the model keeps it.
#[derive(Clone, Debug)]
struct Entry {
    bucket: Bucket,
    date: NaiveDate,
    funds: i128,
    spent: i128,
}

/// What the model expects of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict {
    Accept { warnings: usize },
    Invalid { position: usize, rule: &'static str },
    Overdrawn,
}

fn rule_of(kind: &LedgerErrorKind) -> &'static str {
    match kind {
        LedgerErrorKind::UnknownRegion(_) => "unknown region",
        LedgerErrorKind::UnknownProject(_) => "unknown project",
        LedgerErrorKind::DuplicateId(_) => "duplicate id",
        LedgerErrorKind::OutsideYear { .. } => "outside year",
        LedgerErrorKind::NotPositive(_) => "not positive",
        LedgerErrorKind::NotPooled { .. } => "not pooled",
        LedgerErrorKind::RegionMismatch { .. } => "region mismatch",
        LedgerErrorKind::CategoryMismatch { .. } => "category mismatch",
        LedgerErrorKind::SameBucket(_) => "same bucket",
        LedgerErrorKind::Overdrawn { .. } => "overdrawn",
        LedgerErrorKind::Overflow => "overflow",
        _ => "other",
    }
}

/// The naive model: accepted ids and a flat list of movements.
#[derive(Default)]
struct Model {
    ids: HashSet<String>,
    entries: Vec<Entry>,
}

impl Model {
    /// The record for `op` (numbered `n` in the whole run) and its movements, or the rule it
    /// breaks, checked in the order the ledger documents: id, region, date, amount, project.
    #[allow(clippy::too_many_lines)]
    fn record(
        &self,
        op: &Op,
        n: usize,
        batch_ids: &HashSet<String>,
    ) -> (Record, Result<Vec<Entry>, &'static str>) {
        let id = if op.flaw == Flaw::DuplicateId && n > 0 {
            format!("R-{}", n - 1)
        } else {
            format!("R-{n}")
        };
        // Allocations, expenditures and adjustments are numbered apart (one book each).
        let book = match op.kind {
            OpKind::Allocate(_) => "allocation",
            OpKind::Spend(..) => "expenditure",
            _ => "adjustment",
        };
        let booked = format!("{book}:{id}");
        let dup = self.ids.contains(&booked) || batch_ids.contains(&booked);
        let date = if op.flaw == Flaw::DateOutsideYear {
            NaiveDate::from_ymd_opt(
                if op.day % 2 == 0 { 2020 } else { 2022 },
                1 + op.day % 12,
                1,
            )
            .unwrap()
        } else {
            day(op.day)
        };
        let bad_date = op.flaw == Flaw::DateOutsideYear;
        let amount = if op.flaw == Flaw::ZeroAmount {
            Money::ZERO
        } else {
            Money::from_fen(op.fen)
        };
        let fen = amount.to_fen();
        let unknown = op.flaw == Flaw::UnknownRegion;
        let rid = rid(&id);
        let check = |rules: &[(bool, &'static str)]| rules.iter().find(|r| r.0).map(|r| r.1);
        match &op.kind {
            OpKind::Allocate(b) => {
                let bucket = b.bucket(unknown);
                let a = Allocation::new(rid, date, bucket.region(), bucket.level(), amount);
                let a = match bucket.category() {
                    Some(c) => a.with_category(c.clone()),
                    None => a,
                };
                let broken = check(&[
                    (dup, "duplicate id"),
                    (unknown, "unknown region"),
                    (bad_date, "outside year"),
                    (fen == 0, "not positive"),
                ]);
                let entries = vec![Entry {
                    bucket,
                    date,
                    funds: fen,
                    spent: 0,
                }];
                (a.into(), broken.map_or(Ok(entries), Err))
            }
            OpKind::Spend(b, which) => {
                let bucket = b.bucket(unknown);
                let (holder, cat) = (b.holder, b.category);
                let project = match which {
                    Which::Pooled => project_id(holder, cat, true),
                    Which::NotPooled => project_id(holder, cat, false),
                    Which::OtherRegion => project_id((holder + 1) % HOLDERS.len(), cat, true),
                    Which::OtherCategory => project_id(holder, cat % 4 + 1, true),
                    Which::Unknown => pid("P-none"),
                };
                let category = bucket.category().cloned().unwrap();
                let e = Expenditure::new(
                    rid,
                    date,
                    project,
                    bucket.region(),
                    bucket.level(),
                    category,
                    amount,
                );
                // A project of "another region" checked against an unknown region is still a mismatch.
                let broken = check(&[
                    (dup, "duplicate id"),
                    (unknown, "unknown region"),
                    (bad_date, "outside year"),
                    (fen == 0, "not positive"),
                    (matches!(which, Which::Unknown), "unknown project"),
                    (matches!(which, Which::NotPooled), "not pooled"),
                    (matches!(which, Which::OtherRegion), "region mismatch"),
                    (matches!(which, Which::OtherCategory), "category mismatch"),
                ]);
                let entries = vec![Entry {
                    bucket,
                    date,
                    funds: 0,
                    spent: fen,
                }];
                (e.into(), broken.map_or(Ok(entries), Err))
            }
            OpKind::Reallocate(from, to) => {
                let (from, to) = (from.bucket(false), to.bucket(unknown));
                let a = Adjustment::reallocation(rid, date, from.clone(), to.clone(), amount);
                let broken = check(&[
                    (dup, "duplicate id"),
                    (bad_date, "outside year"),
                    (fen == 0, "not positive"),
                    (unknown, "unknown region"),
                    (from == to, "same bucket"),
                ]);
                let entries = vec![
                    Entry {
                        bucket: from,
                        date,
                        funds: -fen,
                        spent: 0,
                    },
                    Entry {
                        bucket: to,
                        date,
                        funds: fen,
                        spent: 0,
                    },
                ];
                (a.into(), broken.map_or(Ok(entries), Err))
            }
            OpKind::Recover(b) => {
                let bucket = b.bucket(unknown);
                let a = Adjustment::recovery(rid, date, bucket.clone(), amount);
                let broken = check(&[
                    (dup, "duplicate id"),
                    (bad_date, "outside year"),
                    (fen == 0, "not positive"),
                    (unknown, "unknown region"),
                ]);
                let entries = vec![Entry {
                    bucket,
                    date,
                    funds: -fen,
                    spent: 0,
                }];
                (a.into(), broken.map_or(Ok(entries), Err))
            }
            OpKind::CarryIn(b) => {
                let bucket = b.bucket(unknown);
                let a = Adjustment::carry_in(rid, date, bucket.clone(), 2020, amount);
                let broken = check(&[
                    (dup, "duplicate id"),
                    (bad_date, "outside year"),
                    (fen == 0, "not positive"),
                    (unknown, "unknown region"),
                ]);
                let entries = vec![Entry {
                    bucket,
                    date,
                    funds: fen,
                    spent: 0,
                }];
                (a.into(), broken.map_or(Ok(entries), Err))
            }
        }
    }

    /// Applies a batch (ops numbered from `first`): the records for the ledger and what the
    /// model expects of them.
    fn apply(&mut self, ops: &[Op], first: usize, overspend: Overspend) -> (Vec<Record>, Verdict) {
        let mut records = Vec::new();
        let mut staged: Vec<Entry> = Vec::new();
        let mut batch_ids = HashSet::new();
        let mut verdict = None;
        for (i, op) in ops.iter().enumerate() {
            let (record, result) = self.record(op, first + i, &batch_ids);
            match result {
                Ok(entries) if verdict.is_none() => staged.extend(entries),
                Err(rule) if verdict.is_none() => {
                    verdict = Some(Verdict::Invalid {
                        position: i + 1,
                        rule,
                    });
                }
                _ => {}
            }
            if let Some(id) = record_id(&record) {
                batch_ids.insert(id);
            }
            records.push(record);
        }
        if let Some(v) = verdict {
            return (records, v);
        }
        // Overdrafts: every bucket the batch touches, at every date it has a movement. A batch
        // is to blame where spending exceeds money in place by more than it did before it
        // (an overdraft accepted earlier with a warning is not blamed on it again).
        let touched: Vec<&Bucket> = dedup(staged.iter().map(|e| &e.bucket));
        let deficit = |entries: &[&Entry], date: NaiveDate| {
            let upto = entries.iter().filter(|e| e.date <= date);
            let (f, s) = upto.fold((0i128, 0i128), |(f, s), e| (f + e.funds, s + e.spent));
            s - f
        };
        let overdrawn = touched
            .iter()
            .filter(|b| {
                let before: Vec<&Entry> =
                    self.entries.iter().filter(|e| e.bucket == ***b).collect();
                let after: Vec<&Entry> = self
                    .entries
                    .iter()
                    .chain(&staged)
                    .filter(|e| e.bucket == ***b)
                    .collect();
                after
                    .iter()
                    .any(|at| deficit(&after, at.date) > deficit(&before, at.date).max(0))
            })
            .count();
        if overdrawn > 0 && overspend == Overspend::Error {
            return (records, Verdict::Overdrawn);
        }
        self.ids.extend(batch_ids);
        self.entries.extend(staged);
        (
            records,
            Verdict::Accept {
                warnings: overdrawn,
            },
        )
    }
}

fn record_id(r: &Record) -> Option<String> {
    match r {
        Record::Allocation(a) => Some(format!("allocation:{}", a.id())),
        Record::Expenditure(e) => Some(format!("expenditure:{}", e.id())),
        Record::Adjustment(a) => Some(format!("adjustment:{}", a.id())),
        _ => None,
    }
}

fn dedup<'a>(items: impl Iterator<Item = &'a Bucket>) -> Vec<&'a Bucket> {
    let mut out: Vec<&Bucket> = Vec::new();
    for b in items {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

type Key = (Option<RegionCode>, Option<FundLevel>, Option<CategoryKey>);
type Row = (
    Option<RegionCode>,
    Option<FundLevel>,
    Option<CategoryKey>,
    Money,
    Money,
);

struct Grouping {
    region: Option<RegionLevel>,
    level: bool,
    category: bool,
}

fn groupings() -> Vec<Grouping> {
    let g = |region, level, category| Grouping {
        region,
        level,
        category,
    };
    vec![
        g(None, false, false),
        g(Some(RegionLevel::County), false, false),
        g(Some(RegionLevel::City), true, false),
        g(Some(RegionLevel::Province), true, true),
        g(None, false, true),
        g(None, true, false),
        g(Some(RegionLevel::County), true, true),
    ]
}

impl Model {
    fn inside(b: &Bucket, sources: SourceMix, within: Option<RegionCode>) -> bool {
        sources.includes(b.level()) && within.is_none_or(|w| w.contains(b.region()))
    }

    /// Execution rows and total by a fold over the movements.
    fn execution(
        &self,
        as_of: NaiveDate,
        g: &Grouping,
        sources: SourceMix,
        within: Option<RegionCode>,
    ) -> (Vec<Row>, (Money, Money)) {
        let mut groups: BTreeMap<Key, (i128, i128)> = BTreeMap::new();
        let mut total = (0i128, 0i128);
        let active: Vec<&Bucket> = dedup(
            self.entries
                .iter()
                .filter(|e| e.date <= as_of)
                .map(|e| &e.bucket),
        );
        for e in self
            .entries
            .iter()
            .filter(|e| e.date <= as_of && Model::inside(&e.bucket, sources, within))
        {
            total = (total.0 + e.funds, total.1 + e.spent);
            if g.region.is_some() || g.level || g.category {
                let b = &e.bucket;
                let key = (
                    g.region.map(|l| b.region().rolled_up_to(l)),
                    g.level.then_some(b.level()),
                    g.category.then(|| {
                        b.category()
                            .cloned()
                            .map_or(CategoryKey::Unassigned, CategoryKey::Assigned)
                    }),
                );
                let slot = groups.entry(key).or_default();
                *slot = (slot.0 + e.funds, slot.1 + e.spent);
            }
        }
        assert!(
            active
                .iter()
                .all(|b| self.entries.iter().any(|e| e.bucket == **b))
        );
        let money = |f: i128| Money::checked_from_fen(f).unwrap();
        let rows = groups
            .into_iter()
            .map(|((r, l, c), (a, s))| (r, l, c, money(a), money(s)))
            .collect();
        (rows, (money(total.0), money(total.1)))
    }

    fn industry(
        &self,
        as_of: NaiveDate,
        basis: Basis,
        sources: SourceMix,
        within: Option<RegionCode>,
    ) -> (Money, Money) {
        let (mut industry, mut total) = (0i128, 0i128);
        for e in self
            .entries
            .iter()
            .filter(|e| e.date <= as_of && Model::inside(&e.bucket, sources, within))
        {
            let v = if basis == Basis::Allocated {
                e.funds
            } else {
                e.spent
            };
            total += v;
            if e.bucket.category() == Some(&Category::Industry) {
                industry += v;
            }
        }
        (
            Money::checked_from_fen(industry).unwrap(),
            Money::checked_from_fen(total).unwrap(),
        )
    }
}

fn as_of_dates(extra: u32) -> [NaiveDate; 6] {
    [d(1, 1), d(3, 31), d(6, 30), d(9, 30), d(12, 31), day(extra)]
}

/// Every report of `l` equals the model's fold, exactly.
fn compare_reports(l: &Ledger, model: &Model, extra: u32) -> Result<(), TestCaseError> {
    let withins = [
        None,
        Some(code("450000")),
        Some(code("450500")),
        Some(code("450521")),
    ];
    let mixes = [
        SourceMix::AllLevels,
        SourceMix::CentralAndProvincial,
        SourceMix::CentralOnly,
    ];
    for as_of in as_of_dates(extra) {
        for g in &groupings() {
            for sources in mixes {
                for within in withins {
                    let mut o = ExecutionOptions::new(as_of).sources(sources);
                    if let Some(level) = g.region {
                        o = o.by_region(level);
                    }
                    if g.level {
                        o = o.by_level();
                    }
                    if g.category {
                        o = o.by_category();
                    }
                    if let Some(w) = within {
                        o = o.within(w);
                    }
                    let e = l.execution(o);
                    let rows: Vec<Row> = e
                        .rows()
                        .iter()
                        .map(|r| {
                            (
                                r.key().region(),
                                r.key().level(),
                                r.key().category().cloned(),
                                r.allocated(),
                                r.spent(),
                            )
                        })
                        .collect();
                    let (want_rows, want_total) = model.execution(as_of, g, sources, within);
                    prop_assert_eq!(&rows, &want_rows, "{} {:?} {:?}", as_of, sources, within);
                    prop_assert_eq!((e.total().allocated(), e.total().spent()), want_total);
                    check_rates_and_shares(&e)?;
                }
            }
        }
        for basis in [Basis::Allocated, Basis::Spent] {
            for sources in mixes {
                for within in withins {
                    let mut o = IndustryShareOptions::new(as_of)
                        .basis(basis)
                        .sources(sources);
                    if let Some(w) = within {
                        o = o.within(w);
                    }
                    let s = l.industry_share(o);
                    prop_assert_eq!(
                        (s.industry(), s.total()),
                        model.industry(as_of, basis, sources, within)
                    );
                }
            }
        }
        for within in withins {
            let mut opts = fundtrack::report::PoolCoverageOptions::new(as_of);
            if let Some(w) = within {
                opts = opts.within(w);
            }
            let pool = l.pool_coverage(opts);
            let (_, (allocated, spent)) =
                model.execution(as_of, &groupings()[0], SourceMix::AllLevels, within);
            prop_assert_eq!(pool.available(), allocated);
            // The ledger only lets money go to pooled projects.
            prop_assert_eq!(
                pool.pooled_spending_share().map(Result::ok),
                Some(Ratio::of(spent, spent).ok())
            );
        }
    }
    Ok(())
}

/// Rates times allocated give back spent within the rounding; shares sum to 100.
fn check_rates_and_shares(e: &fundtrack::report::Execution) -> Result<(), TestCaseError> {
    for row in e
        .rows()
        .iter()
        .map(ExecutionRow::progress)
        .chain([e.total()])
    {
        let (a, s) = (row.allocated().as_decimal(), row.spent().as_decimal());
        let Ok(rate) = row.rate() else {
            prop_assert!(!row.allocated().is_positive());
            continue;
        };
        for (r, slack) in [
            (Rounding::half_up(2).unwrap(), Decimal::new(5, 3)),
            (Rounding::half_even(2).unwrap(), Decimal::new(5, 3)),
            (Rounding::trunc(2).unwrap(), Decimal::new(1, 2)),
            (Rounding::half_up(4).unwrap(), Decimal::new(5, 5)),
        ] {
            let p = rate.to_percent(r);
            let off = (p * a - s * Decimal::ONE_HUNDRED).abs();
            prop_assert!(off <= slack * a, "{} of {}: {} off by {}", s, a, p, off);
        }
    }
    for basis in [Basis::Allocated, Basis::Spent] {
        if let Ok(shares) = e.shares(basis) {
            for r in [
                Rounding::half_up(2).unwrap(),
                Rounding::half_up(1).unwrap(),
                Rounding::trunc(0).unwrap(),
            ] {
                let p = shares.percents_summing_to_100(r.dp());
                prop_assert_eq!(p.values().copied().sum::<Decimal>(), Decimal::ONE_HUNDRED);
            }
        }
    }
    Ok(())
}

fn run_model(batches: &[Vec<Op>], overspend: Overspend, extra: u32) -> Result<(), TestCaseError> {
    let mut l = Ledger::with_options(
        FiscalYear::new(2021).unwrap(),
        LedgerOptions::new().overspend(overspend),
    );
    l.declare_category("以工代赈").unwrap();
    l.insert(setup()).unwrap();
    let mut model = Model::default();
    let mut n = 0;
    for ops in batches {
        let (records, verdict) = model.apply(ops, n, overspend);
        n += ops.len();
        let got = match l.insert(records) {
            Ok(receipt) => Verdict::Accept {
                warnings: receipt.warnings.len(),
            },
            Err(e) if matches!(e.kind(), LedgerErrorKind::Overdrawn { .. }) => Verdict::Overdrawn,
            Err(e) => Verdict::Invalid {
                position: e.position(),
                rule: rule_of(e.kind()),
            },
        };
        prop_assert_eq!(&got, &verdict, "batch {:?}", ops);
    }
    compare_reports(&l, &model, extra)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn robust_ledger_matches_a_naive_model(
        batches in proptest::collection::vec(proptest::collection::vec(op(), 1..4), 1..14),
        extra in 0u32..365,
    ) {
        run_model(&batches, Overspend::Error, extra)?;
    }

    #[test]
    fn robust_ledger_in_warn_mode_matches_a_naive_model(
        batches in proptest::collection::vec(proptest::collection::vec(op(), 1..4), 1..10),
        extra in 0u32..365,
    ) {
        run_model(&batches, Overspend::Warn, extra)?;
    }
}

// ---- exact rounding at the edges ----------------------------------------------------------------

struct Edge {
    numerator: i128,
    denominator: i128,
    half_up: Decimal,
    half_even: Decimal,
    trunc: Decimal,
    line: usize,
}

fn rate_edges() -> Vec<Edge> {
    let text = include_str!("data/rate_edges.csv");
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().unwrap();
    assert_eq!(
        header,
        "numerator_fen,denominator_fen,exact_percent,half_up,half_even,trunc,note"
    );
    lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 7, "line {}: {l}", i + 1);
            let dec = |s: &str| {
                Decimal::from_str_exact(s).unwrap_or_else(|e| panic!("line {}: {s}: {e}", i + 1))
            };
            Edge {
                numerator: f[0].parse().unwrap(),
                denominator: f[1].parse().unwrap(),
                half_up: dec(f[3]),
                half_even: dec(f[4]),
                trunc: dec(f[5]),
                line: i + 1,
            }
        })
        .collect()
}

fn modes(e: &Edge) -> [(RoundMode, Decimal); 3] {
    [
        (RoundMode::HalfUp, e.half_up),
        (RoundMode::HalfEven, e.half_even),
        (RoundMode::Trunc, e.trunc),
    ]
}

#[test]
fn robust_rate_edges_through_ratio() {
    let edges = rate_edges();
    assert!(edges.len() >= 20);
    for e in &edges {
        let r = Ratio::new(
            Decimal::from_i128_with_scale(e.numerator, 2),
            Decimal::from_i128_with_scale(e.denominator, 2),
        )
        .unwrap();
        for (mode, want) in modes(e) {
            let got = r.to_percent(Rounding::new(mode, 2).unwrap());
            assert_eq!(got, want, "line {} {mode:?}", e.line);
            assert_eq!(
                got.to_string(),
                want.to_string(),
                "line {}: printed with 2 places",
                e.line
            );
        }
        // The default is half up.
        assert_eq!(
            r.to_percent(Rounding::default()),
            e.half_up,
            "line {}",
            e.line
        );
    }
}

#[test]
fn robust_rate_edges_through_the_ledger() {
    let county = code("450521");
    for e in rate_edges().iter().filter(|e| e.numerator > 0) {
        let mut l = Ledger::with_options(
            FiscalYear::new(2021).unwrap(),
            LedgerOptions::new().overspend(Overspend::Warn),
        );
        let alloc = Money::checked_from_fen(e.denominator).unwrap();
        let spent = Money::checked_from_fen(e.numerator).unwrap();
        let batch: Vec<Record> = vec![
            Region::new(county, "合浦县").into(),
            Project::new(
                pid("P-1"),
                county,
                Category::Industry,
                alloc,
                ProjectStage::InPool,
                2021,
            )
            .into(),
            Allocation::new(rid("A-1"), d(3, 1), county, FundLevel::Central, alloc)
                .with_category(Category::Industry)
                .into(),
            Expenditure::new(
                rid("E-1"),
                d(4, 1),
                pid("P-1"),
                county,
                FundLevel::Central,
                Category::Industry,
                spent,
            )
            .into(),
        ];
        l.insert(batch).unwrap();
        let ex = l.execution(
            ExecutionOptions::new(d(12, 31))
                .by_region(RegionLevel::County)
                .by_level()
                .by_category(),
        );
        for row in ex
            .rows()
            .iter()
            .map(ExecutionRow::progress)
            .chain([ex.total()])
        {
            let rate = row.rate().unwrap();
            for (mode, want) in modes(e) {
                assert_eq!(
                    rate.to_percent(Rounding::new(mode, 2).unwrap()),
                    want,
                    "line {} {mode:?}",
                    e.line
                );
            }
        }
    }
}

#[test]
fn robust_fuzz_seeds_run_on_stable() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_seeds");
    let mut n = 0;
    for target in ["money_parse", "csv_rows"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir.join(target))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let data = std::fs::read(&p).unwrap();
            match target {
                "money_parse" => checks::money_parse(&data),
                _ => checks::csv_rows(&data),
            }
            n += 1;
        }
    }
    assert!(n >= 40, "{n} seeds");
}

#[test]
fn robust_doc_numbers_round_trip() {
    for s in ["桂财农〔2021〕1号", "北财农〔2021〕12号", "x"] {
        let doc: DocNo = s.parse().unwrap();
        assert_eq!(doc.to_string(), s);
    }
}

// ---- the bulk path ------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn robust_bulk_readers_take_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..160)) {
        checks::csv_rows(&b);
    }

    #[test]
    fn robust_bulk_readers_take_csv_like_rows(rows in proptest::collection::vec(
        proptest::string::string_regex("[0-9a-z\\-,.\"\r 中央产业]{0,40}").unwrap(), 0..8)
    ) {
        checks::csv_rows(rows.join("\n").as_bytes());
    }
}

#[test]
fn robust_rate_edges_through_the_bulk_report() {
    use fundtrack::bulk::{Aggregator, BulkOptions};
    let as_of = d(12, 31);
    let yuan = |fen: i128| {
        Money::checked_from_fen(fen)
            .unwrap()
            .as_decimal()
            .to_string()
    };
    for e in rate_edges().iter().filter(|e| e.numerator > 0) {
        let a = format!(
            "id,date,county_code,source,category,amount_yuan\n1,2021-03-01,450521,central,industry,{}\n",
            yuan(e.denominator)
        );
        let x = format!(
            "id,date,project_id,county_code,source,category,amount_yuan\n1,2021-04-01,P-1,450521,central,industry,{}\n",
            yuan(e.numerator)
        );
        // Rates above 100% spend beyond the money in place: a warning here.
        let mut agg = Aggregator::new(
            BulkOptions::new(as_of).overspending(fundtrack::bulk::Overspending::Warn),
        );
        agg.read_allocations("a.csv", a.as_bytes()).unwrap();
        agg.read_expenditures("e.csv", x.as_bytes()).unwrap();
        let report = agg
            .into_partials()
            .execution(national_csv_options(as_of))
            .unwrap();
        // The bulk path's exact ratio rounds in every mode.
        for row in report.rows() {
            let ratio = row.rate().unwrap();
            assert_eq!(
                ratio.to_percent(Rounding::half_up(2).unwrap()).to_string(),
                e.half_up.to_string(),
                "line {}",
                e.line
            );
            for (mode, want) in modes(e) {
                assert_eq!(
                    ratio.to_percent(Rounding::new(mode, 2).unwrap()),
                    want,
                    "line {} {mode:?}",
                    e.line
                );
            }
        }
        let mut csv = Vec::new();
        national_csv(&report, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let overall = csv.lines().find(|l| l.starts_with("overall,")).unwrap();
        assert_eq!(
            overall.split(',').nth(6),
            Some(e.half_up.to_string().as_str()),
            "line {}: {overall}",
            e.line
        );
    }
}
