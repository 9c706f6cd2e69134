//! Policy calculations (政策测算) whose parameters the caller supplies.
//!
//! Finance and rural-revitalisation offices check the same rules every month. Each
//! calculation here documents the rule it implements and takes every policy value — income
//! lines, 低保 standards, milestones, 雨露计划 rates, 小额信贷 limits and LPRs, subsidy
//! shares, industry-share thresholds, budget items — as data (SPEC §7). Nothing in this
//! module is a hard-coded policy value; the numbers in the examples are the documented
//! values a caller might pass.
//!
//! | submodule | calculation | published rule it implements |
//! |---|---|---|
//! | [`monitoring`] | 防返贫监测: households and persons by group, income against the line, risk eliminated | monitoring lines per year and province |
//! | [`loans`] | 小额信贷: rule checks, new lending, balances, stock coverage, 贴息 | ≤ 5万元, ≤ 3 years, rate ≤ 1-/5-year LPR, subsidy shares by period |
//! | [`yulu`] | 雨露计划: entitlements per student, totals by region | rates per school type, paid per semester |
//! | [`standard`] | 低保 and other standards pro-rated by month | annual standards with effective dates |
//! | [`milestone`] | 达到要求: disbursement rate against the requirement, shortfall | milestones / 序时进度 set by the level above |
//! | [`industry`] | 产业占比: industry share against minimum, last year and aim | industry-share thresholds |
//! | [`carryover`] | 结转/结余 and recovery of money unspent past an age | recovery after a set number of months |
//! | [`classification`] | 21305 budget items: categories to function codes, totals | the year's 功能分类科目 |
//!
//! Two building blocks are shared by every submodule: [`PolicyError`], the one error type
//! of policy calculations, and [`Dated`], the one table of values with effective dates (低保
//! standards, LPRs and subsidy shares are built on it).
//!
//! Checks never read a [`Ledger`](crate::Ledger): they take report values — an
//! [`ExecutionRow`](crate::report::ExecutionRow) from `ledger.execution(…)`, or totals from
//! elsewhere — so a figure is summed in one place.
//!
//! Money results are [`Money`] rounded once to the 分 where a payable amount
//! is produced (the rounding is stated on each item); rates are unrounded
//! [`Ratio`]s and gaps [`PercentagePoints`](crate::PercentagePoints).
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
//! let dibao = StandardSchedule::new([(d(2020, 1, 1), "6000元".parse()?), (d(2021, 4, 1), "6800元".parse()?)])?;
//! let lpr = LprTable::new([(d(2021, 1, 20), Ratio::from_percent(dec!(3.85)), Ratio::from_percent(dec!(4.65)))])?;
//! let shares = SubsidyShares::new([(d(2021, 1, 1), Ratio::from_percent(dec!(100)))])?;
//! assert_eq!(dibao.at(d(2021, 3, 31)).unwrap().to_string(), "6000.00元");
//! assert!(lpr.at(d(2021, 1, 19)).is_none());
//! assert_eq!(shares.table().entries().len(), 1);
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

use chrono::NaiveDate;
use num_bigint::{BigInt, Sign};

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

/// A table of values with effective dates (生效日期表): each entry holds from its date
/// until the next entry's date.
///
/// The one dated table of the policy module: 低保 standards
/// ([`standard::StandardSchedule`]), LPRs ([`loans::LprTable`]) and interest-subsidy shares
/// ([`loans::SubsidyShares`]) are built on it. Entries are kept sorted by date, two entries
/// on one date are rejected, and [`Dated::at`] finds the entry in force by binary search.
/// With the `serde` feature a table is read through [`Dated::new`], so JSON cannot build a
/// table the constructor would reject.
///
/// # Example
///
/// ```
/// use fundtrack::policy::Dated;
/// use chrono::NaiveDate;
///
/// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
/// let t = Dated::new([(d(4), "6800元"), (d(1), "6000元")])?;
/// assert_eq!(t.at(d(3)), Some(&"6000元"));
/// assert_eq!(t.at(d(4)), Some(&"6800元"));
/// assert_eq!(t.entries()[0].0, d(1)); // sorted by date
/// assert!(Dated::new([(d(1), 1), (d(1), 2)]).is_err());
/// # Ok::<(), fundtrack::policy::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dated<T> {
    /// Sorted by date, no date twice.
    entries: Vec<(NaiveDate, T)>,
}

impl<T> Dated<T> {
    /// A table from `(effective from, value)` pairs in any order.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] (`duplicate effective date 2021-04-01`) for two entries on
    /// one date.
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, T)>) -> Result<Dated<T>, PolicyError> {
        Dated::labelled("effective date", entries)
    }

    /// As [`Dated::new`], naming the dates `what` in the duplicate error (`LPR date`).
    pub(crate) fn labelled(
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

    /// The value in force on `date`: the latest entry on or before it, or `None` before the
    /// first entry.
    ///
    /// ```
    /// # use fundtrack::policy::Dated;
    /// # use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let t = Dated::new([(d(1, 1), 100), (d(7, 1), 70)])?;
    /// assert_eq!(t.at(d(6, 30)), Some(&100));
    /// assert_eq!(t.at(d(7, 1)), Some(&70));
    /// assert_eq!(t.at(NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()), None);
    /// # Ok::<(), fundtrack::policy::PolicyError>(())
    /// ```
    pub fn at(&self, date: NaiveDate) -> Option<&T> {
        let after = self.entries.partition_point(|(d, _)| *d <= date);
        let i = after.checked_sub(1)?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The entries in date order.
    ///
    /// ```
    /// # use fundtrack::policy::Dated;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let t = Dated::new([(d(7), 'b'), (d(1), 'a')])?;
    /// assert_eq!(t.entries(), [(d(1), 'a'), (d(7), 'b')]);
    /// # Ok::<(), fundtrack::policy::PolicyError>(())
    /// ```
    pub fn entries(&self) -> &[(NaiveDate, T)] {
        &self.entries
    }

    /// The effective dates strictly after `from` and on or before `to`: the days within
    /// `from..=to` on which the value changes.
    ///
    /// ```
    /// # use fundtrack::policy::Dated;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let t = Dated::new([(d(1), 100), (d(7), 70)])?;
    /// assert_eq!(t.changes_in(d(1), d(12)).collect::<Vec<_>>(), [d(7)]);
    /// assert_eq!(t.changes_in(d(7), d(12)).count(), 0);
    /// # Ok::<(), fundtrack::policy::PolicyError>(())
    /// ```
    pub fn changes_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = self.entries.partition_point(|(d, _)| *d <= from);
        self.entries
            .iter()
            .skip(first)
            .map(|(d, _)| *d)
            .take_while(move |d| *d <= to)
    }
}

/// Serde helpers for the policy inputs.
///
/// Every input type with a validating constructor deserializes through a private wire
/// struct and `TryFrom`, so JSON cannot build a value the constructor would reject. A
/// [`Dated`] table is written as its `[date, value]` pairs and read back through
/// [`Dated::new`].
#[cfg(feature = "serde")]
pub(crate) mod wire {
    use super::Dated;
    use chrono::NaiveDate;
    use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
    use serde::{Serialize, Serializer};
    use std::fmt;
    use std::marker::PhantomData;

    impl<T: Serialize> Serialize for Dated<T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.entries.serialize(s)
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Dated<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dated<T>, D::Error> {
            let entries = Vec::<(NaiveDate, T)>::deserialize(d)?;
            Dated::new(entries).map_err(D::Error::custom)
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
                // The hint only sizes the first allocation; no hint starts empty.
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
    let d = Rounding::new(mode, 2).apply_quotient(num, den)?;
    Money::yuan(d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dated_values_take_the_latest_on_or_before() {
        let t = Dated::new([(d(2021, 4, 1), 2), (d(2021, 1, 1), 1)]).unwrap();
        assert_eq!(t.at(d(2020, 12, 31)), None);
        assert_eq!(t.at(d(2021, 3, 31)), Some(&1));
        assert_eq!(t.at(d(2021, 4, 1)), Some(&2));
        assert_eq!(
            t.changes_in(d(2021, 1, 1), d(2021, 12, 31))
                .collect::<Vec<_>>(),
            [d(2021, 4, 1)]
        );
        assert_eq!(t.changes_in(d(2021, 1, 1), d(2021, 3, 31)).count(), 0);
        assert_eq!(
            t.changes_in(d(2020, 1, 1), d(2021, 4, 1))
                .collect::<Vec<_>>(),
            [d(2021, 1, 1), d(2021, 4, 1)]
        );
        let empty: Dated<u8> = Dated::new([]).unwrap();
        assert_eq!(empty.at(d(2021, 1, 1)), None);
        let dup = Dated::new([(d(2021, 1, 1), 1), (d(2021, 1, 1), 2)]);
        assert_eq!(
            dup.unwrap_err().to_string(),
            "duplicate effective date 2021-01-01"
        );
    }

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

// Two attributes rather than `cfg(all(test, feature = "serde"))`: clippy only treats a plain
// `cfg(test)` module as test code (allow-unwrap-in-tests).
#[cfg(test)]
#[cfg(feature = "serde")]
mod serde_tests {
    use super::*;

    #[test]
    fn dated_tables_are_read_through_their_constructor() {
        let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
        let t = Dated::new([(d(7), 70u8), (d(1), 100)]).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"[["2021-01-01",100],["2021-07-01",70]]"#);
        assert_eq!(serde_json::from_str::<Dated<u8>>(&json).unwrap(), t);
        let unsorted: Dated<u8> =
            serde_json::from_str(r#"[["2021-07-01",70],["2021-01-01",100]]"#).unwrap();
        assert_eq!(unsorted, t);
        let e = serde_json::from_str::<Dated<u8>>(r#"[["2021-01-01",1],["2021-01-01",2]]"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("duplicate effective date 2021-01-01"), "{e}");
    }
}
