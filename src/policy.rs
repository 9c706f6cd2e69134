//! Policy calculations (政策测算) whose parameters the caller supplies.
//!
//! Finance and rural-revitalisation offices check the same rules every month. Each
//! calculation here documents the rule it implements and takes every policy value — income
//! lines, 低保 standards, milestones, 雨露计划 rates, 小额信贷 limits and LPRs, subsidy
//! shares, industry-share thresholds, budget items — as data (SPEC §7). Nothing in this
//! module is a hard-coded policy value; the numbers in the examples are the documented
//! values a caller might pass.
//!
//! | calculation | entry point |
//! |---|---|
//! | 防返贫监测 monitoring | [`MonitoringSummary`], [`MonitoringLines`], [`check_incomes`] |
//! | 小额信贷 small loans | [`LoanBook`], [`LoanRules`], [`LprTable`], [`SubsidyShares`] |
//! | 雨露计划 Yulu plan | [`YuluRates`], [`YuluEntitlements`] |
//! | 低保 and other dated standards | [`StandardSchedule`] |
//! | 达到要求 milestone checks | [`check_milestones`] |
//! | 产业占比 industry-share rules | [`IndustryShareRule`], [`check_industry_shares`] |
//! | 结转/结余 carry-over and recovery | [`carry_over`] |
//! | 21305 budget classification | [`BudgetClassification`] |
//!
//! Money results are [`Money`] rounded once to the 分 where a payable amount
//! is produced (the rounding is stated on each item); rates are unrounded
//! [`Ratio`](crate::Ratio)s and gaps [`PercentagePoints`](crate::PercentagePoints).

mod carryover;
mod classification;
mod loans;
mod monitoring;
mod standard;
mod threshold;
mod yulu;

pub use carryover::{
    CarryOverAllocation, CarryOverOptions, CarryOverReport, CarryOverRow, CarryOverSpending,
    UnspentKind, carry_over,
};
pub use classification::{BudgetClassification, ItemRow, ItemSummary};
pub use loans::{
    DayCount, InterestSubsidy, Loan, LoanBook, LoanFinding, LoanRules, LoanStock, LoanTerms,
    LoanViolation, LprTable, Repayment, RepaymentModel, SubsidyOptions, SubsidyRow, SubsidyShares,
    lending_completion,
};
pub use monitoring::{
    GroupCount, IncomeFinding, MonitoredHousehold, MonitoringGroup, MonitoringLines,
    MonitoringSummary, check_incomes,
};
pub use standard::{ProRated, StandardSchedule, StandardSegment};
pub use threshold::{
    IndustryShareCheckOptions, IndustryShareInput, IndustryShareReport, IndustryShareResult,
    IndustryShareRule, MilestoneCheck, MilestoneOptions, MilestoneReport, RegionProgress,
    ShareFinding, check_industry_shares, check_milestones,
};
pub use yulu::{
    Eligibility, SchoolType, YuluEntitlement, YuluEntitlements, YuluPeriod, YuluRate, YuluRates,
    YuluRegionTotal, YuluStudent,
};

use chrono::NaiveDate;
use num_bigint::BigInt;

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

/// Values that change on effective dates (生效日期): each entry holds from its date until
/// the next entry's date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dated<T> {
    entries: Vec<(NaiveDate, T)>,
}

impl<T> Dated<T> {
    /// Sorts the entries by date; two entries on one date are an error naming `what`.
    pub(crate) fn new(
        what: &'static str,
        entries: impl IntoIterator<Item = (NaiveDate, T)>,
    ) -> Result<Dated<T>, PolicyError> {
        let mut entries: Vec<(NaiveDate, T)> = entries.into_iter().collect();
        entries.sort_by_key(|e| e.0);
        for pair in entries.windows(2) {
            if let [(d0, _), (d1, _)] = pair {
                if d0 == d1 {
                    return Err(PolicyError::Duplicate {
                        what,
                        id: d1.to_string(),
                    });
                }
            }
        }
        Ok(Dated { entries })
    }

    /// The value in force on `date`: the latest entry on or before it.
    pub(crate) fn at(&self, date: NaiveDate) -> Option<&T> {
        self.entries
            .iter()
            .take_while(|(d, _)| *d <= date)
            .last()
            .map(|(_, v)| v)
    }

    /// The entries in date order.
    pub(crate) fn entries(&self) -> &[(NaiveDate, T)] {
        &self.entries
    }

    /// Effective dates strictly after `from` and on or before `to`.
    pub(crate) fn changes_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        self.entries
            .iter()
            .map(|(d, _)| *d)
            .filter(move |d| *d > from && *d <= to)
    }
}

/// Serde helpers for the policy inputs.
///
/// Every input type with a validating constructor deserializes through a private wire
/// struct and `TryFrom`, so JSON cannot build a value the constructor would reject. The
/// dated tables therefore only *serialize* their [`Dated`] entries here; reading them back
/// is the owning type's constructor's job (with its own error messages).
#[cfg(feature = "serde")]
pub(crate) mod wire {
    use super::Dated;
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde::{Serialize, Serializer};
    use std::fmt;
    use std::marker::PhantomData;

    impl<T: Serialize> Serialize for Dated<T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.entries.serialize(s)
        }
    }

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
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(out)
            }
        }

        d.deserialize_map(Entries(PhantomData))
    }
}

/// An exact non-negative-denominator fraction of 元, summed without rounding.
#[derive(Clone, Debug)]
pub(crate) struct Fraction {
    num: BigInt,
    den: BigInt,
}

impl Fraction {
    pub(crate) fn zero() -> Fraction {
        Fraction {
            num: BigInt::from(0u8),
            den: BigInt::from(1u8),
        }
    }

    /// Adds `num / den` (with `den > 0`); equal denominators are added without growth.
    pub(crate) fn add(&mut self, num: &BigInt, den: &BigInt) {
        if *den == self.den {
            self.num += num;
        } else {
            self.num = &self.num * den + num * &self.den;
            self.den = &self.den * den;
        }
    }

    /// The value in 元 rounded to the 分 with `mode`, or `None` beyond what `Money` holds.
    pub(crate) fn to_money(&self, mode: RoundMode) -> Option<Money> {
        let d = Rounding::new(mode, 2).apply_quotient(&self.num, &self.den)?;
        Money::yuan(d).ok()
    }
}

/// `num / den` 元 (with `den > 0`) rounded *up* to the next whole 分, for a shortfall that
/// less money would not cover. `None` when the result does not fit.
pub(crate) fn ceil_to_fen(num: &BigInt, den: &BigInt) -> Option<Money> {
    Fraction {
        num: num.clone(),
        den: den.clone(),
    }
    .to_money(RoundMode::Ceil)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dated_values_take_the_latest_on_or_before() {
        let t = Dated::new("effective date", [(d(2021, 4, 1), 2), (d(2021, 1, 1), 1)]).unwrap();
        assert_eq!(t.at(d(2020, 12, 31)), None);
        assert_eq!(t.at(d(2021, 3, 31)), Some(&1));
        assert_eq!(t.at(d(2021, 4, 1)), Some(&2));
        assert_eq!(
            t.changes_in(d(2021, 1, 1), d(2021, 12, 31))
                .collect::<Vec<_>>(),
            [d(2021, 4, 1)]
        );
        let dup = Dated::new("effective date", [(d(2021, 1, 1), 1), (d(2021, 1, 1), 2)]);
        assert_eq!(
            dup.unwrap_err().to_string(),
            "duplicate effective date 2021-01-01"
        );
    }

    #[test]
    fn ceiling_to_the_fen() {
        // 100.01 / 3 = 33.3366… → 33.34; exact values stay.
        assert_eq!(
            ceil_to_fen(&BigInt::from(10001), &BigInt::from(300)),
            Some(Money::from_fen(3334))
        );
        assert_eq!(
            ceil_to_fen(&BigInt::from(3), &BigInt::from(1)),
            Some(Money::from_fen(300))
        );
        assert_eq!(
            ceil_to_fen(&BigInt::from(0), &BigInt::from(7)),
            Some(Money::ZERO)
        );
    }

    #[test]
    fn beihai_2021_completion_figures() {
        use crate::report::completion;
        use rust_decimal::Decimal;
        use rust_decimal_macros::dec;
        let pct = |a: u64, t: u64| {
            completion(Decimal::from(a), Decimal::from(t))
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
    fn fractions_sum_exactly() {
        let mut f = Fraction::zero();
        f.add(&BigInt::from(1), &BigInt::from(3));
        f.add(&BigInt::from(1), &BigInt::from(3));
        f.add(&BigInt::from(1), &BigInt::from(3));
        assert_eq!(f.to_money(RoundMode::HalfUp), Some(Money::from_fen(100)));
        let mut g = Fraction::zero();
        g.add(&BigInt::from(1), &BigInt::from(200)); // 0.005 元
        assert_eq!(g.to_money(RoundMode::HalfUp), Some(Money::from_fen(1)));
        assert_eq!(g.to_money(RoundMode::HalfEven), Some(Money::ZERO));
    }
}
