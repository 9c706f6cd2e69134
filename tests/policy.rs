//! Policy calculations against published rules (issue 15).
//!
//! Each test quotes the source of its inputs. Inputs come from the source; the expected
//! amounts are worked by hand from the rule (the arithmetic is in the comment) and the
//! library computes them — nothing here is fitted to a figure. Where an input is not in a
//! source (a vintage date, a grade range, a date of change) the test says it is an
//! illustration.
//!
//! Sources:
//! - [QY] 青阳县农业农村局《脱贫人口小额信贷政策宣传》, 2024-07-10: "贷款金额:原则上5万元
//!   (含)以下。贷款期限:3年期(含)以内。" "1年期(含)以下贷款利率不超过1年期贷款市场报价利率,
//!   1年期至3年期(含)贷款利率不超过5年期以上贷款市场报价利率。" "对已发放且未到期的原扶贫小额
//!   信贷按原政策执行(即全额贴息);新发放的脱贫人口小额信贷财政资金对5万元(含)以内部分在2023年
//!   年底前产生的利息给予全额贴息,2024年、2025年产生的利息给予70%贴息。" (restating
//!   银保监发〔2021〕6号).
//! - [LPR] 全国银行间同业拆借中心, LPR publications: 2020-04-20 3.85%/4.65%, 2022-08-22
//!   3.65%/4.30%, 2023-06-20 3.55%/4.20%, 2023-08-21 3.45%/4.20%, 2024-02-20 3.45%/3.95%,
//!   2024-07-22 3.35%/3.85%, 2024-10-21 3.10%/3.60% (1-year / 5-year and above).
//! - [PBOC] 中国人民银行《人民币利率管理规定》(银发〔1999〕77号): 日利率 = 年利率 ÷ 360.
//! - [CQ] 重庆本地宝, 2022-03-10, 重庆雨露计划补助标准: "每生每学年3000元(分秋季、春季两
//!   学期发放,每学期1500元)".
//! - [JD] 句子无忧吧网, 雨露计划补助对象和标准 (a secondary summary): "部分县(如景东县)对高等
//!   职业教育补助标准为5000元/年,中等职业教育为4000元/年,职业高中为3000元/年".
//! - [GD] 问答导航 (a secondary answer quoting a provincial rule): "每生每年扶贫助学补助3000元。
//!   中职教育连续补助二年,高职教育连续补助三年".
//! - [I15] issue 15, which quotes "预算下达后连续两年未用完的结转资金按结余资金管理" and
//!   describes a province paying 中专/技工 4000 but 职业高中 3000, 技师 and 职业本科 5000, with
//!   a change from the autumn semester of 2022.
//! - [BH] 北海市 2021 report (`tests/scenarios/beihai_2021.rs`): rural 低保 standard from 6000
//!   to 6800 元/年/人 from 2021-04-01, 6600 for the year.

use chrono::NaiveDate;
use fundtrack::policy::carryover::{
    CarryOverAllocation, CarryOverOptions, CarryOverSpending, Deadline, UnspentKind, carry_over,
};
use fundtrack::policy::loans::{
    Loan, LoanBook, LoanRules, LoanTerms, LoanViolation, LprTable, Repayment, SubsidyOptions,
    SubsidyShares,
};
use fundtrack::policy::standard::{ProRating, StandardSchedule};
use fundtrack::policy::yulu::{
    Eligibility, SchoolType, Semester, YuluEntitlement, YuluEntitlements, YuluPeriod, YuluRate,
    YuluRates, YuluStudent,
};
use fundtrack::record::Bucket;
use fundtrack::{Category, FiscalYear, FundLevel, Money, ProjectStage, Ratio, Rounding};
use rust_decimal_macros::dec;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn yuan(s: &str) -> Money {
    format!("{s}元").parse().unwrap()
}

fn pct(p: rust_decimal::Decimal) -> Ratio {
    Ratio::from_percent(p).unwrap()
}

// ---------------------------------------------------------------------------------------
// 小额信贷: limits and rate caps ([QY], [LPR])
// ---------------------------------------------------------------------------------------

/// The LPR publications of [LPR].
fn lpr() -> LprTable {
    LprTable::new([
        (d(2020, 4, 20), pct(dec!(3.85)), pct(dec!(4.65))),
        (d(2022, 8, 22), pct(dec!(3.65)), pct(dec!(4.30))),
        (d(2023, 6, 20), pct(dec!(3.55)), pct(dec!(4.20))),
        (d(2023, 8, 21), pct(dec!(3.45)), pct(dec!(4.20))),
        (d(2024, 2, 20), pct(dec!(3.45)), pct(dec!(3.95))),
        (d(2024, 7, 22), pct(dec!(3.35)), pct(dec!(3.85))),
        (d(2024, 10, 21), pct(dec!(3.10)), pct(dec!(3.60))),
    ])
    .unwrap()
}

/// [QY]: 5万元, 36 months, the 1-year LPR up to 12 months.
fn rules() -> LoanRules {
    LoanRules::new(yuan("50000"), 36, lpr())
}

fn loan(
    id: &str,
    amount: &str,
    start: NaiveDate,
    months: u32,
    rate: rust_decimal::Decimal,
) -> Loan {
    Loan::new(
        id.parse().unwrap(),
        format!("H-{id}").parse().unwrap(),
        yuan(amount),
        LoanTerms::new(start, months, pct(rate)),
    )
}

#[test]
fn rate_caps_follow_the_lpr_in_force_on_the_start_date() {
    // (loan, start, months, rate, the cap [QY] gives from [LPR], passes?)
    let cases = [
        // 2023-07-01, 3 years: 5-year LPR of 2023-06-20 = 4.20%.
        ("C1", d(2023, 7, 1), 36, dec!(4.20), dec!(4.20), true),
        // 2023-07-01, 1 year: 1-year LPR of 2023-06-20 = 3.55%.
        ("C2", d(2023, 7, 1), 12, dec!(3.60), dec!(3.55), false),
        // 2023-09-01, 1 year: 1-year LPR of 2023-08-21 = 3.45%.
        ("C3", d(2023, 9, 1), 12, dec!(3.45), dec!(3.45), true),
        // 2024-03-01, 3 years: 5-year LPR of 2024-02-20 = 3.95%.
        ("C4", d(2024, 3, 1), 36, dec!(4.20), dec!(3.95), false),
        // 2024-08-01, 3 years: 5-year LPR of 2024-07-22 = 3.85%.
        ("C5", d(2024, 8, 1), 36, dec!(3.85), dec!(3.85), true),
        // 2024-11-01, 3 years: 5-year LPR of 2024-10-21 = 3.60%.
        ("C6", d(2024, 11, 1), 36, dec!(3.85), dec!(3.60), false),
        // 2022-12-20, 3 years: 5-year LPR of 2022-08-22 = 4.30%.
        ("C7", d(2022, 12, 20), 36, dec!(4.20), dec!(4.30), true),
        // 2021-02-01, 3 years: 5-year LPR of 2020-04-20 = 4.65%.
        ("C8", d(2021, 2, 1), 36, dec!(4.65), dec!(4.65), true),
        // "1年期(含)以下": 12 months on 2024-08-01 is capped by the 1-year LPR (3.35%) …
        ("C9", d(2024, 8, 1), 12, dec!(3.85), dec!(3.35), false),
        // … 13 months by the 5-year LPR (3.85%).
        ("C10", d(2024, 8, 1), 13, dec!(3.85), dec!(3.85), true),
    ];
    let r = rules();
    for (id, start, months, rate, cap, passes) in cases {
        let l = loan(id, "50000", start, months, rate);
        assert_eq!(r.rate_cap(l.terms()), Some(pct(cap)), "{id}");
        let found = LoanBook::new([l], []).unwrap().check(&r);
        assert_eq!(found.is_empty(), passes, "{id}: {found:?}");
        if !passes {
            assert_eq!(
                found[0].violations(),
                [LoanViolation::RateAbove {
                    rate: pct(rate),
                    cap: pct(cap)
                }],
                "{id}"
            );
        }
    }
}

#[test]
fn amount_and_term_limits() {
    // [QY]: "原则上5万元(含)以下", "3年期(含)以内": 5万 for 36 months passes, 6万 for 48
    // months breaks both.
    let book = LoanBook::new(
        [
            loan("A1", "50000", d(2024, 8, 1), 36, dec!(3.85)),
            loan("A2", "60000", d(2024, 8, 1), 48, dec!(3.85)),
        ],
        [],
    )
    .unwrap();
    let found = book.check(&rules());
    assert_eq!(found.len(), 1);
    let kinds: Vec<&str> = found[0]
        .violations()
        .iter()
        .map(LoanViolation::as_str)
        .collect();
    assert_eq!(kinds, ["超过额度上限", "超过期限上限"]);
}

// ---------------------------------------------------------------------------------------
// 小额信贷: 贴息 ([QY], [PBOC])
// ---------------------------------------------------------------------------------------

/// [QY]: full subsidy to 2023-12-31, 70% from 2024-01-01, for loans of every start date.
fn shares_2024() -> SubsidyShares {
    SubsidyShares::new([
        (d(2021, 1, 1), pct(dec!(100))),
        (d(2024, 1, 1), pct(dec!(70))),
    ])
    .unwrap()
}

/// [QY] with vintages: 原扶贫小额信贷 keep full subsidy; new loans as [`shares_2024`]. The
/// vintage date 2021-04-01 is an illustration (the notice gives none).
fn shares_by_vintage() -> SubsidyShares {
    SubsidyShares::new([(d(2016, 1, 1), pct(dec!(100)))])
        .unwrap()
        .vintage(
            d(2021, 4, 1),
            [
                (d(2021, 1, 1), pct(dec!(100))),
                (d(2024, 1, 1), pct(dec!(70))),
            ],
        )
        .unwrap()
}

fn cap() -> Money {
    yuan("50000")
}

#[test]
fn issue_15_case_1_subsidy_is_capped_at_five_wan() {
    // [QY] "对5万元(含)以内部分". 6万 lent 2022-12-20 for 36 months at 4.20% (≤ the 4.30%
    // cap of 2022-08-22), all of 2023 (365 days), actual/360 [PBOC]:
    //   interest = 60000 × 4.20% × 365/360 = 2555.00 (what the library paid before)
    //   subsidy  = 50000 × 4.20% × 365/360 = 2129.1666… → 2129.17
    let book = LoanBook::new([loan("L1", "60000", d(2022, 12, 20), 36, dec!(4.20))], []).unwrap();
    let opts =
        SubsidyOptions::new(d(2023, 1, 1), d(2023, 12, 31), shares_2024()).principal_cap(cap());
    let due = book.interest_subsidy(&opts).unwrap();
    let row = &due.rows()[0];
    assert_eq!(row.days(), 365);
    assert_eq!(row.interest(), yuan("2555.00"));
    assert_eq!(row.uncapped_subsidy(), yuan("2555.00"));
    assert_eq!(row.subsidy(), yuan("2129.17"));
    assert!(row.is_capped());
    assert_eq!(row.capped_days(), 365);
    assert_eq!(due.total_uncapped_subsidy(), yuan("2555.00"));
    assert_eq!(due.total_subsidy(), yuan("2129.17"));
    assert_eq!(due.principal_cap(), Some(cap()));
}

#[test]
fn issue_15_case_2_old_loans_keep_full_subsidy_in_one_calculation() {
    // [QY] "对已发放且未到期的原扶贫小额信贷按原政策执行(即全额贴息)". Two 5万 loans at 4.65%
    // (the 5-year LPR of 2020-04-20) for 36 months, one lent before the (illustrative)
    // vintage date 2021-04-01 and one after; January 2024, 31 days:
    //   interest = 50000 × 4.65% × 31/360 = 200.2083… → 200.21
    //   old loan: 100% → 200.21; new loan: 70% → 140.1458… → 140.15
    let book = LoanBook::new(
        [
            loan("OLD", "50000", d(2021, 2, 1), 36, dec!(4.65)),
            loan("NEW", "50000", d(2021, 5, 1), 36, dec!(4.65)),
        ],
        [],
    )
    .unwrap();
    let opts = SubsidyOptions::new(d(2024, 1, 1), d(2024, 1, 31), shares_by_vintage())
        .principal_cap(cap());
    let due = book.interest_subsidy(&opts).unwrap();
    let (old, new) = (&due.rows()[0], &due.rows()[1]);
    assert_eq!(
        (old.days(), old.interest(), old.subsidy()),
        (31, yuan("200.21"), yuan("200.21"))
    );
    assert_eq!(
        (new.days(), new.interest(), new.subsidy()),
        (31, yuan("200.21"), yuan("140.15"))
    );
    assert_eq!(due.total_subsidy(), yuan("340.36"));
    // Without vintages (the old behaviour) both loans get 70%.
    let flat = SubsidyOptions::new(d(2024, 1, 1), d(2024, 1, 31), shares_2024());
    assert_eq!(
        book.interest_subsidy(&flat).unwrap().rows()[0].subsidy(),
        yuan("140.15")
    );
}

#[test]
fn a_repayment_below_the_cap_ends_the_capping() {
    // [QY] cap; 6万 at 4.20% lent 2022-12-20, 2万 repaid 2023-07-01 (illustrative):
    //   interest = (60000 × 181 + 40000 × 184) × 4.20%/360 = 2125.666… → 2125.67
    //   subsidy  = (50000 × 181 + 40000 × 184) × 4.20%/360 = 1914.50
    let book = LoanBook::new(
        [loan("L1", "60000", d(2022, 12, 20), 36, dec!(4.20))],
        [Repayment::new(
            "R1".parse().unwrap(),
            "L1".parse().unwrap(),
            d(2023, 7, 1),
            yuan("20000"),
        )],
    )
    .unwrap();
    let opts =
        SubsidyOptions::new(d(2023, 1, 1), d(2023, 12, 31), shares_2024()).principal_cap(cap());
    let row = book.interest_subsidy(&opts).unwrap().rows()[0].clone();
    assert_eq!(row.interest(), yuan("2125.67"));
    assert_eq!(row.uncapped_subsidy(), yuan("2125.67"));
    assert_eq!(row.subsidy(), yuan("1914.50"));
    assert_eq!(row.capped_days(), 181);
}

#[test]
fn a_loan_across_the_2024_change_is_split_on_1_january() {
    // [QY] 100% to 2023-12-31, 70% in 2024; 3万 lent 2023-09-01 for 12 months at 3.45%
    // (1-year LPR of 2023-08-21); 2023-09-01..2024-08-31 = 122 + 244 days:
    //   interest = 30000 × 3.45% × 366/360 = 1052.25
    //   subsidy  = 30000 × 3.45% × (122 + 0.7 × 244)/360 = 841.80
    let book = LoanBook::new([loan("L1", "30000", d(2023, 9, 1), 12, dec!(3.45))], []).unwrap();
    let opts =
        SubsidyOptions::new(d(2023, 1, 1), d(2024, 12, 31), shares_2024()).principal_cap(cap());
    let row = book.interest_subsidy(&opts).unwrap().rows()[0].clone();
    assert_eq!(
        (row.days(), row.interest(), row.subsidy()),
        (366, yuan("1052.25"), yuan("841.80"))
    );
    assert!(!row.is_capped());
}

#[test]
fn interest_stops_the_day_before_maturity() {
    // [QY] 70% in 2024; 5万 at 4.65% lent 2021-06-15 for 36 months (new vintage), matures
    // 2024-06-15: 2024-01-01..2024-06-14 = 166 days (算头不算尾):
    //   interest = 50000 × 4.65% × 166/360 = 1072.0833… → 1072.08
    //   subsidy  = × 70% = 750.4583… → 750.46
    let book = LoanBook::new([loan("L1", "50000", d(2021, 6, 15), 36, dec!(4.65))], []).unwrap();
    let opts = SubsidyOptions::new(d(2024, 1, 1), d(2024, 12, 31), shares_by_vintage())
        .principal_cap(cap());
    let row = book.interest_subsidy(&opts).unwrap().rows()[0].clone();
    assert_eq!(
        (row.days(), row.interest(), row.subsidy()),
        (166, yuan("1072.08"), yuan("750.46"))
    );
}

#[test]
fn a_half_fen_subsidy_rounds_half_up() {
    // [QY] 70% in 2024; 5万 at 3.95% (5-year LPR of 2024-02-20) lent 2024-03-01 for 36
    // months; 2024-03-01..2024-12-31 = 306 days:
    //   interest = 50000 × 3.95% × 306/360 = 1678.75
    //   subsidy  = × 70% = 1175.125 → 1175.13 (四舍五入)
    let book = LoanBook::new([loan("L1", "50000", d(2024, 3, 1), 36, dec!(3.95))], []).unwrap();
    let opts =
        SubsidyOptions::new(d(2024, 1, 1), d(2024, 12, 31), shares_2024()).principal_cap(cap());
    let row = book.interest_subsidy(&opts).unwrap().rows()[0].clone();
    assert_eq!(
        (row.days(), row.interest(), row.subsidy()),
        (306, yuan("1678.75"), yuan("1175.13"))
    );
}

#[test]
fn interest_in_2024_and_2025_is_subsidised_at_70_percent() {
    // [QY] "2024年、2025年产生的利息给予70%贴息"; 5万 at 3.60% (5-year LPR of 2024-10-21)
    // lent 2024-11-01 for 36 months; 2024-11-01..2025-12-31 = 61 + 365 = 426 days:
    //   interest = 50000 × 3.60% × 426/360 = 2130.00; subsidy = × 70% = 1491.00
    let book = LoanBook::new([loan("L1", "50000", d(2024, 11, 1), 36, dec!(3.60))], []).unwrap();
    let opts =
        SubsidyOptions::new(d(2024, 1, 1), d(2025, 12, 31), shares_2024()).principal_cap(cap());
    let row = book.interest_subsidy(&opts).unwrap().rows()[0].clone();
    assert_eq!(
        (row.days(), row.interest(), row.subsidy()),
        (426, yuan("2130.00"), yuan("1491.00"))
    );
}

#[test]
fn a_loan_above_the_limit_is_flagged_and_subsidised_on_five_wan() {
    // [QY] "原则上5万元(含)以下" (so a larger loan is flagged, not refused) and the cap;
    // 8万 at 3.85% (5-year LPR of 2024-07-22) lent 2024-08-01; 2024-08-01..12-31 = 153 days:
    //   interest = 80000 × 3.85% × 153/360 = 1309.00
    //   uncapped = × 70% = 916.30; subsidy = 50000 × 3.85% × 153/360 × 70% = 572.6875 → 572.69
    let book = LoanBook::new([loan("L1", "80000", d(2024, 8, 1), 36, dec!(3.85))], []).unwrap();
    assert_eq!(
        book.check(&rules())[0].violations()[0].as_str(),
        "超过额度上限"
    );
    let opts =
        SubsidyOptions::new(d(2024, 1, 1), d(2024, 12, 31), shares_2024()).principal_cap(cap());
    let row = book.interest_subsidy(&opts).unwrap().rows()[0].clone();
    assert_eq!(
        (row.interest(), row.uncapped_subsidy(), row.subsidy()),
        (yuan("1309.00"), yuan("916.30"), yuan("572.69"))
    );
}

// ---------------------------------------------------------------------------------------
// 结转结余 ([I15])
// ---------------------------------------------------------------------------------------

fn bucket() -> Bucket {
    Bucket::new(
        "450521".parse().unwrap(),
        FundLevel::Central,
        Some(Category::Infrastructure),
    )
}

fn allocation(id: &str, date: NaiveDate, amount: &str, stage: ProjectStage) -> CarryOverAllocation {
    CarryOverAllocation::new(id.parse().unwrap(), bucket(), date, yuan(amount), stage)
}

#[test]
fn issue_15_case_3_carry_over_age_in_budget_years_under_both_readings() {
    // [I15] "预算下达后连续两年未用完的结转资金按结余资金管理"; 100万 allocated 2019-09-30 to a
    // project still being implemented, nothing spent.
    let a = [allocation(
        "A1",
        d(2019, 9, 30),
        "1000000",
        ProjectStage::Implementing,
    )];
    let due = |as_of, reading| {
        let opts = CarryOverOptions::new(as_of, reading, Deadline::Immediately);
        carry_over(&a, &[], &opts).unwrap().rows()[0].to_recover()
    };
    // Reading 1: the two years are 2019 and 2020 → due after 2020-12-31. The month count
    // (24 months → 2021-10-01) missed it on 2021-06-30.
    assert!(!due(d(2020, 12, 31), Deadline::YearEnd(1)));
    assert!(due(d(2021, 1, 1), Deadline::YearEnd(1)));
    assert!(due(d(2021, 6, 30), Deadline::YearEnd(1)));
    // Reading 2: two whole years after 2019 → due after 2021-12-31. The month count flagged
    // it on 2021-10-01 too early.
    assert!(!due(d(2021, 10, 1), Deadline::YearEnd(2)));
    assert!(!due(d(2021, 12, 31), Deadline::YearEnd(2)));
    assert!(due(d(2022, 1, 1), Deadline::YearEnd(2)));
    let opts = CarryOverOptions::new(d(2021, 6, 30), Deadline::YearEnd(2), Deadline::Immediately);
    let row = carry_over(&a, &[], &opts).unwrap().rows()[0].clone();
    assert_eq!(
        (row.closed_years(), row.deadline()),
        (2, Some(d(2021, 12, 31)))
    );
}

#[test]
fn issue_15_case_4_retention_money_marked_on_a_completed_project() {
    // [I15] 质保金 on a completed project is still owed. 100万 allocated 2022-03-01, 95万
    // paid 2022-11-30; the 5万 left is 结余 by the stage (recovered at once under the
    // caller's Immediately), or 质保金 when marked (not flagged by default).
    let spent = [CarryOverSpending::new(
        "E1".parse().unwrap(),
        bucket(),
        d(2022, 11, 30),
        yuan("950000"),
    )];
    let opts = CarryOverOptions::new(d(2023, 3, 31), Deadline::YearEnd(1), Deadline::Immediately);
    let by_stage = [allocation(
        "A1",
        d(2022, 3, 1),
        "1000000",
        ProjectStage::Completed,
    )];
    let r = carry_over(&by_stage, &spent, &opts).unwrap();
    assert_eq!(
        (r.rows()[0].kind(), r.rows()[0].is_marked()),
        (UnspentKind::Surplus, false)
    );
    assert_eq!(r.recoverable(UnspentKind::Surplus).unwrap(), yuan("50000"));
    let marked = [by_stage[0].clone().with_kind(UnspentKind::Retention)];
    let r = carry_over(&marked, &spent, &opts).unwrap();
    assert_eq!(
        (r.rows()[0].kind(), r.rows()[0].is_marked()),
        (UnspentKind::Retention, true)
    );
    assert_eq!(r.unspent(UnspentKind::Retention).unwrap(), yuan("50000"));
    assert_eq!(r.unspent(UnspentKind::Surplus).unwrap(), Money::ZERO);
    assert_eq!(r.to_recover().count(), 0);
    // With a deadline for 质保金 (e.g. a two-year warranty ending with 2024) it is flagged
    // from 2025.
    let late = CarryOverOptions::new(d(2025, 1, 1), Deadline::YearEnd(1), Deadline::Immediately)
        .retention(Deadline::YearEnd(2));
    assert_eq!(
        carry_over(&marked, &spent, &late)
            .unwrap()
            .recoverable(UnspentKind::Retention)
            .unwrap(),
        yuan("50000")
    );
    // A mark can also keep an implementing project's money 结转 explicitly or turn it to 结余.
    let stopped = [
        allocation("A2", d(2022, 3, 1), "100000", ProjectStage::Implementing)
            .with_kind(UnspentKind::Surplus),
    ];
    assert_eq!(
        carry_over(&stopped, &[], &opts)
            .unwrap()
            .recoverable(UnspentKind::Surplus)
            .unwrap(),
        yuan("100000")
    );
}

#[test]
fn fifo_across_budget_years() {
    // [I15] reading 1. 2021 and 2022 allocations, spending in 2022 uses 2021 money first;
    // on 2023-06-30 the rest of the 2021 money (20万) is past 2022-12-31, the 2022 money is not.
    let a = [
        allocation("A21", d(2021, 5, 1), "500000", ProjectStage::Implementing),
        allocation("A22", d(2022, 5, 1), "500000", ProjectStage::Implementing),
    ];
    let s = [CarryOverSpending::new(
        "E1".parse().unwrap(),
        bucket(),
        d(2022, 8, 1),
        yuan("300000"),
    )];
    let opts = CarryOverOptions::new(d(2023, 6, 30), Deadline::YearEnd(1), Deadline::Immediately);
    let r = carry_over(&a, &s, &opts).unwrap();
    assert_eq!(
        r.recoverable(UnspentKind::CarryOver).unwrap(),
        yuan("200000")
    );
    assert_eq!(r.unspent(UnspentKind::CarryOver).unwrap(), yuan("700000"));
    assert_eq!(r.rows()[1].closed_years(), 1);
}

// ---------------------------------------------------------------------------------------
// 雨露计划 ([CQ], [JD], [GD], [I15])
// ---------------------------------------------------------------------------------------

fn student(id: &str, school: &SchoolType, entry: i32) -> YuluStudent {
    YuluStudent::new(
        id.parse().unwrap(),
        "500115".parse().unwrap(),
        school.clone(),
        entry,
    )
}

#[test]
fn chongqing_3000_a_school_year_in_two_semesters() {
    // [CQ] 3000 a school year, 1500 each in autumn and spring, 中职 and 高职 (the rate start
    // and grade ranges are illustrations).
    let rate = YuluRate::per_year(yuan("3000")).unwrap();
    let rates = YuluRates::new([
        (
            Semester::autumn(2021),
            SchoolType::SECONDARY_SPECIALISED,
            rate,
        ),
        (Semester::autumn(2021), SchoolType::HIGHER_VOCATIONAL, rate),
    ])
    .unwrap();
    let students = [
        student("S1", &SchoolType::SECONDARY_SPECIALISED, 2021),
        student("S2", &SchoolType::HIGHER_VOCATIONAL, 2020),
    ];
    let year = YuluEntitlements::compute(&students, &rates, YuluPeriod::SchoolYear(2021)).unwrap();
    assert_eq!(year.total().unwrap(), yuan("6000"));
    let autumn = YuluEntitlements::compute(
        &students,
        &rates,
        YuluPeriod::Semester(Semester::autumn(2021)),
    )
    .unwrap();
    assert_eq!(autumn.rows()[0].amount(), yuan("1500"));
    assert_eq!(autumn.total().unwrap(), yuan("3000"));
}

#[test]
fn jingdong_rates_by_school_type() {
    // [JD] 高职 5000, 中职 4000, 职业高中 3000 a year (read here as 中专 and 技工学校 for
    // 中职; the starting semester is an illustration).
    let from = Semester::autumn(2023);
    let y = |a: &str| YuluRate::per_year(yuan(a)).unwrap();
    let rates = YuluRates::new([
        (from, SchoolType::HIGHER_VOCATIONAL, y("5000")),
        (from, SchoolType::SECONDARY_SPECIALISED, y("4000")),
        (from, SchoolType::TECHNICAL_SCHOOL, y("4000")),
        (from, SchoolType::VOCATIONAL_HIGH_SCHOOL, y("3000")),
    ])
    .unwrap();
    let students = [
        student("S1", &"大专".parse().unwrap(), 2023),
        student("S2", &"中专".parse().unwrap(), 2023),
        student("S3", &"职高".parse().unwrap(), 2023),
        student("S4", &"技校".parse().unwrap(), 2023),
    ];
    let e = YuluEntitlements::compute(&students, &rates, YuluPeriod::SchoolYear(2023)).unwrap();
    let per: Vec<Money> = e.rows().iter().map(YuluEntitlement::amount).collect();
    assert_eq!(
        per,
        [
            yuan("2500"),
            yuan("2500"),
            yuan("2000"),
            yuan("2000"),
            yuan("1500"),
            yuan("1500"),
            yuan("2000"),
            yuan("2000")
        ]
    );
    assert_eq!(e.total().unwrap(), yuan("16000"));
}

#[test]
fn issue_15_case_5_types_and_a_change_from_autumn_2022() {
    // [I15] from autumn 2022: 中专 and 技工学校 4000, 职业高中 3000, 技师学院 and 职业本科
    // 5000. Before it, 3000 for 中专, 技工学校 and 职业高中 (an illustration).
    let y = |a: &str| YuluRate::per_year(yuan(a)).unwrap();
    let (old, new) = (Semester::autumn(2021), Semester::autumn(2022));
    let rates = YuluRates::new([
        (old, SchoolType::SECONDARY_SPECIALISED, y("3000")),
        (old, SchoolType::TECHNICAL_SCHOOL, y("3000")),
        (old, SchoolType::VOCATIONAL_HIGH_SCHOOL, y("3000")),
        (new, SchoolType::SECONDARY_SPECIALISED, y("4000")),
        (new, SchoolType::TECHNICAL_SCHOOL, y("4000")),
        (new, SchoolType::VOCATIONAL_HIGH_SCHOOL, y("3000")),
        (new, SchoolType::TECHNICIAN_COLLEGE, y("5000")),
        (new, SchoolType::VOCATIONAL_UNDERGRADUATE, y("5000")),
    ])
    .unwrap();
    let students = [
        student("S1", &SchoolType::SECONDARY_SPECIALISED, 2021),
        student("S2", &SchoolType::VOCATIONAL_HIGH_SCHOOL, 2021),
        student("S3", &SchoolType::TECHNICIAN_COLLEGE, 2021),
        student("S4", &SchoolType::VOCATIONAL_UNDERGRADUATE, 2022),
    ];
    // Calendar 2022: spring 2022 at the old rates, autumn 2022 at the new ones.
    let e = YuluEntitlements::compute(&students, &rates, YuluPeriod::CalendarYear(2022)).unwrap();
    let per: Vec<(Money, Eligibility)> = e
        .rows()
        .iter()
        .map(|r| (r.amount(), r.eligibility()))
        .collect();
    assert_eq!(
        per,
        [
            (yuan("1500"), Eligibility::Eligible),            // 中专 spring
            (yuan("2000"), Eligibility::Eligible),            // 中专 autumn
            (yuan("1500"), Eligibility::Eligible),            // 职业高中 spring
            (yuan("1500"), Eligibility::Eligible),            // 职业高中 autumn
            (Money::ZERO, Eligibility::SchoolTypeNotCovered), // 技师学院 before autumn 2022
            (yuan("2500"), Eligibility::Eligible),            // 技师学院 autumn
            (Money::ZERO, Eligibility::SchoolTypeNotCovered), // 职业本科 spring
            (yuan("2500"), Eligibility::Eligible),            // 职业本科 autumn
        ]
    );
    assert_eq!(e.total().unwrap(), yuan("11500"));
}

#[test]
fn grade_limits_two_years_for_zhongzhi_three_for_gaozhi() {
    // [GD] 3000 a year; "中职教育连续补助二年,高职教育连续补助三年".
    let from = Semester::autumn(2020);
    let rate = YuluRate::per_year(yuan("3000")).unwrap();
    let rates = YuluRates::new([
        (
            from,
            SchoolType::SECONDARY_SPECIALISED,
            rate.with_grades(1, 2),
        ),
        (from, SchoolType::HIGHER_VOCATIONAL, rate.with_grades(1, 3)),
    ])
    .unwrap();
    let students = [
        student("S1", &SchoolType::SECONDARY_SPECIALISED, 2020), // grade 3 in 2022–23
        student("S2", &SchoolType::HIGHER_VOCATIONAL, 2020),     // grade 3 in 2022–23
        student("S3", &SchoolType::SECONDARY_SPECIALISED, 2021), // grade 2
    ];
    let e = YuluEntitlements::compute(&students, &rates, YuluPeriod::SchoolYear(2022)).unwrap();
    assert_eq!(
        e.rows()[0].eligibility(),
        Eligibility::GradeOutside { first: 1, last: 2 }
    );
    assert_eq!(e.total().unwrap(), yuan("6000"));
    assert_eq!(e.flagged().count(), 2);
}

// ---------------------------------------------------------------------------------------
// 低保 ([BH])
// ---------------------------------------------------------------------------------------

#[test]
fn issue_15_case_6_dibao_by_month_or_by_day() {
    // [BH] 6000 → 6800 元/人·年 from 2021-04-01.
    let s =
        StandardSchedule::annual([(d(2020, 1, 1), yuan("6000")), (d(2021, 4, 1), yuan("6800"))])
            .unwrap();
    let y = FiscalYear::new(2021).unwrap();
    let at = |rule| {
        s.pro_rated(y, rule)
            .unwrap()
            .annual_in_yuan(Rounding::default())
    };
    // By month (either convention, the change is on the 1st): (6000×3 + 6800×9)/12 = 6600.00,
    // the report's figure.
    assert_eq!(at(ProRating::MonthFirstDay), dec!(6600.00));
    assert_eq!(at(ProRating::MonthLastDay), dec!(6600.00));
    // By day: (6000×90 + 6800×275)/365 = 6602.739… → 6602.74.
    assert_eq!(at(ProRating::Daily), dec!(6602.74));
    // A mid-month change (15 April: an illustration) is where the rules differ:
    // first-day (6000×4 + 6800×8)/12 = 6533.33; last-day 6600.00;
    // by day (6000×104 + 6800×261)/365 = 6572.05.
    let mid = StandardSchedule::annual([
        (d(2020, 1, 1), yuan("6000")),
        (d(2021, 4, 15), yuan("6800")),
    ])
    .unwrap();
    let at = |rule| {
        mid.pro_rated(y, rule)
            .unwrap()
            .annual_in_yuan(Rounding::default())
    };
    assert_eq!(at(ProRating::MonthFirstDay), dec!(6533.33));
    assert_eq!(at(ProRating::MonthLastDay), dec!(6600.00));
    assert_eq!(at(ProRating::Daily), dec!(6572.05));
}

#[test]
fn monthly_standards_as_input() {
    // Monthly standards (元/人·月), as many notices publish them; 500 → 560 from 2021-04-01
    // is an illustration:
    //   by month: 500×3 + 560×9 = 6540.00 a year, 545.00 a month;
    //   by day: (500×12×90 + 560×12×275)/365 = 2388000/365 = 6542.465… → 6542.47.
    let s = StandardSchedule::monthly([(d(2020, 1, 1), yuan("500")), (d(2021, 4, 1), yuan("560"))])
        .unwrap();
    let y = FiscalYear::new(2021).unwrap();
    let m = s.pro_rated(y, ProRating::MonthFirstDay).unwrap();
    assert_eq!(m.annual_in_yuan(Rounding::default()), dec!(6540.00));
    assert_eq!(m.monthly_in_yuan(Rounding::default()), dec!(545.00));
    let by_day = s.pro_rated(y, ProRating::Daily).unwrap();
    assert_eq!(by_day.annual_in_yuan(Rounding::default()), dec!(6542.47));
}
