//! Policy calculations (政策测算) whose parameters the caller supplies.
//!
//! Finance and rural-revitalisation offices check the same rules every month. Each
//! calculation here documents the rule it implements and takes every policy value — income
//! lines, 低保 standards, milestones, 雨露计划 rates, 小额信贷 limits and LPRs, subsidy
//! shares and caps, carry-over deadlines, industry-share thresholds, budget items — as data
//! (SPEC §7). Nothing in this module is a hard-coded policy value; every number in an
//! example names its source or says it is an illustration.
//!
//! | submodule | calculation | published rule it implements |
//! |---|---|---|
//! | [`monitoring`] | 防返贫监测: households and persons by group, income against the line, risk eliminated | monitoring lines per year and province |
//! | [`loans`] | 小额信贷: rule checks, new lending, balances, stock coverage, 贴息 | ≤ 5万元, ≤ 3 years, rate ≤ 1-/5-year LPR, subsidy on the capped principal by date and loan vintage |
//! | [`yulu`] | 雨露计划: entitlements per student and semester, totals by region | rates per caller-defined school type, dated by semester |
//! | [`standard`] | 低保 and other standards pro-rated by month or by day | yearly or monthly standards with effective dates |
//! | [`milestone`] | 达到要求: disbursement rate against the requirement, shortfall | milestones / 序时进度 set by the level above |
//! | [`industry`] | 产业占比: industry share against minimum, last year and aim | industry-share thresholds |
//! | [`carryover`] | 结转/结余/质保金 and recovery of money unspent past a deadline | deadline in budget years, reading chosen by the caller |
//! | [`classification`] | 21305 budget items: categories to function codes, totals | the year's 功能分类科目 |
//!
//! # Rules and their sources
//!
//! Where a rule or default comes from. "Convention" means no published rule fixes it: the
//! library offers it as a named choice, and the caller decides.
//!
//! | rule or default | where in the library | source |
//! |---|---|---|
//! | loan at most 5万元, at most 3 years | [`loans::LoanRules`] (caller's values) | 银保监发〔2021〕6号; restated "贷款金额:原则上5万元(含)以下。贷款期限:3年期(含)以内" — 青阳县农业农村局《脱贫人口小额信贷政策宣传》, 2024-07-10 |
//! | rate ≤ 1-year LPR up to 1 year, ≤ 5-year LPR for 1–3 years | [`loans::LoanRules::rate_cap`] (1-year tier 12 months unless set) | same notice: "1年期(含)以下贷款利率不超过1年期贷款市场报价利率,1年期至3年期(含)贷款利率不超过5年期以上贷款市场报价利率" |
//! | LPR values | [`loans::LprTable`] (caller's values) | 全国银行间同业拆借中心, monthly publications (e.g. 2023-06-20: 3.55% / 4.20%) |
//! | subsidy only on "5万元(含)以内部分" | [`loans::SubsidyOptions::principal_cap`] | 青阳县农业农村局, 2024-07-10 |
//! | new loans: full subsidy on interest to 2023-12-31, 70% for 2024–2025 | [`loans::SubsidyShares`] (caller's table) | same notice |
//! | old 原扶贫小额信贷 keep full subsidy | [`loans::SubsidyShares::vintage`] (the vintage date is the caller's) | same notice: "对已发放且未到期的原扶贫小额信贷按原政策执行(即全额贴息)" |
//! | 日利率 = 年利率 ÷ 360 (default day count) | [`loans::DayCount::Actual360`] | 中国人民银行《人民币利率管理规定》(银发〔1999〕77号) |
//! | interest counts the start day, not the maturity day (算头不算尾) | [`loans::LoanBook::interest_subsidy`] | banks' convention for interest days |
//! | amounts rounded once to the 分, half-up (default) | [`loans::SubsidyOptions::rounding`] | convention (四舍五入, DESIGN.md) |
//! | 结转 unspent for two budget years becomes 结余 | [`carryover::Deadline::YearEnd`] (1 or 2: the reading is the caller's) | "预算下达后连续两年未用完的结转资金按结余资金管理", as quoted in issue 15; cf. 国务院《关于深化预算管理制度改革的决定》(国发〔2014〕45号) |
//! | 结转/结余 from the project stage | [`carryover::UnspentKind::of`] | convention (completed, accepted, withdrawn → 结余); overridden by [`carryover::CarryOverAllocation::with_kind`] |
//! | 质保金 not flagged unless a deadline is set | [`carryover::CarryOverOptions::retention`] | convention (retention money is owed to the contractor) |
//! | 雨露计划 3000元 a school year, 1500 a semester | [`yulu::YuluRate::per_year`] (caller's values) | 重庆市, as published by 重庆本地宝 2022-03-10: "每生每学年3000元(分秋季、春季两学期发放,每学期1500元)" |
//! | rates by school type (高职 5000, 中职 4000, 职业高中 3000) | [`yulu::YuluRates`] (caller's table) | 景东县, as summarised by 句子无忧吧网 (secondary source) |
//! | common school types 中专, 职业高中, 技工学校, 高职, 技师学院, 职业本科 | [`yulu::SchoolType::COMMON`] | the school types named by those notices ("中等职业教育(含普通中专、职业高中、技工院校)或高等职业教育(含大专、高职院校、技师学院)") and issue 15 |
//! | 低保 year figure by month, standard on the 1st (or last day) of each month | [`standard::ProRating::MonthFirstDay`], [`standard::ProRating::MonthLastDay`] | convention (local practice; Beihai's 2021 report prints 6600 for 6000 → 6800 from 1 April, which both give) |
//! | 低保 year figure by day | [`standard::ProRating::Daily`] | convention |
//! | industry share ≥ 55% (2022), 60% (2023) | [`industry::IndustryShareRule`] (caller's values) | 中发〔2022〕1号, 中发〔2023〕1号 |
//! | 21305 item names per year | [`classification::BudgetClassification`] (caller's table) | 财政部, 政府收支分类科目 of each year |
//!
//! Two building blocks are shared by every submodule: [`PolicyError`], the one error type
//! of policy calculations, and [`Dated`](crate::dim::Dated), the crate's one table of values
//! with effective dates (低保 standards, LPRs and subsidy shares are built on it, as are the
//! report's milestone tables).
//!
//! Checks never read a [`Ledger`](crate::Ledger): they take report values — an
//! [`ExecutionRow`](crate::report::ExecutionRow) from `ledger.execution(…)`, or totals from
//! elsewhere — so a figure is summed in one place.
//!
//! Money results are [`Money`] rounded once to the 分 where a payable amount
//! is produced (the rounding is stated on each item); rates are unrounded
//! [`Ratio`](crate::Ratio)s and gaps [`PercentagePoints`](crate::PercentagePoints).
//!
//! # Example
//!
//! ```
//! use fundtrack::Ratio;
//! use fundtrack::policy::loans::{LprTable, SubsidyShares};
//! use fundtrack::policy::standard::StandardSchedule;
//! use chrono::NaiveDate;
//! use rust_decimal_macros::dec;
//!
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! // Three dated tables, one shape: values from their effective dates.
//! // Beihai's rural 低保 standard (its 2021 report); the LPRs of 2023-06-20
//! // (全国银行间同业拆借中心); the 2024 subsidy shares (青阳县农业农村局, 2024-07-10).
//! let dibao = StandardSchedule::annual([(d(2020, 1, 1), "6000元".parse()?), (d(2021, 4, 1), "6800元".parse()?)])?;
//! let lpr = LprTable::new([(d(2023, 6, 20), Ratio::from_percent(dec!(3.55))?, Ratio::from_percent(dec!(4.20))?)])?;
//! let shares = SubsidyShares::new([(d(2021, 1, 1), Ratio::from_percent(dec!(100))?), (d(2024, 1, 1), Ratio::from_percent(dec!(70))?)])?;
//! assert_eq!(dibao.at(d(2021, 3, 31)).unwrap().to_string(), "6000.00元");
//! assert!(lpr.at(d(2023, 6, 19)).is_none());
//! assert_eq!(shares.table().entries().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod carryover;
pub mod classification;
pub mod industry;
pub mod loans;
pub mod milestone;
pub mod monitoring;
pub mod standard;
pub mod yulu;

use num_bigint::{BigInt, Sign};

use crate::dim::DatedError;
use crate::error::ParseError;
use crate::money::{Money, RoundMode, Rounding};

/// A policy calculation could not be carried out on its inputs (政策测算错误).
///
/// Every message names the input (loan id, student id, date, region …) and the rule it
/// broke:
///
/// ```
/// use fundtrack::policy::PolicyError;
///
/// let e = PolicyError::Duplicate { what: "loan id", id: "L-001".into() };
/// assert_eq!(e.to_string(), "duplicate loan id L-001");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// An input breaks a rule of its own (a zero term, a negative amount, …).
    #[error("{input}: {rule}")]
    Invalid {
        /// The input, named: `loan L-001`, `student S-9`, `repayment R-3`.
        input: String,
        /// The rule broken.
        rule: String,
    },
    /// The same id or key appears twice.
    #[error("duplicate {what} {id}")]
    Duplicate {
        /// What kind of id: `loan id`, `student id`, `effective date` ….
        what: &'static str,
        /// The id as given.
        id: String,
    },
    /// A parameter the calculation needs was not supplied.
    #[error("no {what} for {key}")]
    Missing {
        /// The parameter: `monitoring line`, `standard in force`, `subsidy share` ….
        what: &'static str,
        /// What it was needed for: a date, a (year, province), a loan.
        key: String,
    },
    /// A sum or product is too large to hold exactly.
    #[error("{input}: amount too large (overflow)")]
    Overflow {
        /// The figure being computed.
        input: String,
    },
    /// A value could not be read or built (an id, a code, an amount).
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl From<DatedError> for PolicyError {
    fn from(e: DatedError) -> PolicyError {
        PolicyError::Duplicate {
            what: e.what(),
            id: e.date().to_string(),
        }
    }
}

impl PolicyError {
    pub(crate) fn invalid(input: impl Into<String>, rule: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            input: input.into(),
            rule: rule.into(),
        }
    }

    pub(crate) fn overflow(input: impl Into<String>) -> PolicyError {
        PolicyError::Overflow {
            input: input.into(),
        }
    }
}

/// Serde helpers for the policy inputs.
///
/// Every input type with a validating constructor deserializes through a private wire
/// struct and `TryFrom`, so JSON cannot build a value the constructor would reject.
#[cfg(feature = "serde")]
pub(crate) mod wire {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    /// Reads a map as its entries in the order given, **keeping** repeated keys, so the
    /// constructor sees (and rejects) a duplicate instead of the last value silently
    /// winning.
    pub(crate) fn map_entries<'de, D, K, V>(d: D) -> Result<Vec<(K, V)>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de>,
        V: Deserialize<'de>,
    {
        struct Entries<K, V>(PhantomData<(K, V)>);

        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = Vec<(K, V)>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<(K, V)>, A::Error> {
                // The hint only sizes the first allocation; without one the vector grows.
                let mut out = Vec::new();
                if let Some(hint) = map.size_hint() {
                    out.reserve(hint.min(1024));
                }
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(out)
            }
        }

        d.deserialize_map(Entries(PhantomData))
    }
}

/// `num / den` 元 (with `den > 0`) rounded to the 分 with `mode`, or `None` beyond what
/// [`Money`] holds.
///
/// A stand-in for a `Money` constructor from an exact quotient, which `crate::money` does
/// not offer; policy sums exact interest in big integers and rounds once, here.
pub(crate) fn yuan_from_quotient(num: &BigInt, den: &BigInt, mode: RoundMode) -> Option<Money> {
    debug_assert!(
        den.sign() == Sign::Plus,
        "denominator {den} must be positive"
    );
    let d = Rounding::HALF_UP_2
        .with_mode(mode)
        .apply_quotient(num, den)?;
    Money::yuan(d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_to_the_fen() {
        // 100.01 / 3 = 33.3366… → 33.34; exact values stay.
        assert_eq!(
            yuan_from_quotient(&BigInt::from(10001), &BigInt::from(300), RoundMode::Ceil),
            Some(Money::from_fen(3334))
        );
        assert_eq!(
            yuan_from_quotient(&BigInt::from(3), &BigInt::from(1), RoundMode::Ceil),
            Some(Money::from_fen(300))
        );
        assert_eq!(
            yuan_from_quotient(&BigInt::from(0), &BigInt::from(3), RoundMode::Ceil),
            Some(Money::ZERO)
        );
    }

    #[test]
    fn beihai_2021_completion_figures() {
        use crate::report::completion;
        use rust_decimal_macros::dec;
        let pct = |a: i64, t: i64| {
            completion(
                crate::money::Count::households(a),
                crate::money::Count::households(t),
            )
            .unwrap()
            .to_percent(Rounding::default())
        };
        // Housing (危房改造): target 412, started 412, completed 386.
        assert_eq!(pct(412, 412), dec!(100.00));
        assert_eq!(pct(386, 412), dec!(93.69));
        // Employment: 20955 migrant workers against 20815 last year.
        assert_eq!(pct(20955, 20815), dec!(100.67));
        // Medical reimbursement (91.65%, 82.69%) is *reported*: the costs are not printed,
        // so there is nothing to compute it from.
    }

    #[test]
    fn quotients_round_once_with_the_mode() {
        // 0.005 元: half-up gives 1 分, half-even 0.
        let (one, two_hundred) = (BigInt::from(1), BigInt::from(200));
        assert_eq!(
            yuan_from_quotient(&one, &two_hundred, RoundMode::HalfUp),
            Some(Money::from_fen(1))
        );
        assert_eq!(
            yuan_from_quotient(&one, &two_hundred, RoundMode::HalfEven),
            Some(Money::ZERO)
        );
    }
}
