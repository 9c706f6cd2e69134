//! The time schedule (序时进度) and milestones set by the level above.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::dim::{Dated, FiscalYear};
use crate::money::{NoRatio, PercentagePoints, Ratio};

/// How far through the year spending is expected to be at a date (序时进度).
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ratio, Rounding};
/// use fundtrack::report::Schedule;
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let y = FiscalYear::new(2021)?;
/// let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let p = |s: &Schedule| s.expected(y, as_of).to_percent(Rounding::default()).to_string();
/// assert_eq!(p(&Schedule::Months), "75.00");
/// assert_eq!(p(&Schedule::Days), "74.79");
/// let ten = fundtrack::report::PerMonthRate::new(Ratio::from_percent(dec!(10))?)?;
/// assert_eq!(p(&Schedule::PerMonth(ten)), "90.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Schedule {
    /// Whole months elapsed ÷ 12 (the default: 30 September → 75%).
    #[default]
    Months,
    /// Days elapsed ÷ days in the year (365 or 366).
    Days,
    /// A rate per elapsed month set by the level above (e.g. 10% a month), capped at 100%.
    PerMonth(PerMonthRate),
    /// A fixed target for the date.
    Fixed(Ratio),
    /// The latest milestone on or before the date (0 before the first).
    Milestones(Milestones),
}

impl Schedule {
    /// The expected share of the year's money spent by `as_of`, exact.
    ///
    /// A per-month rate times the months elapsed is capped at 100%.
    pub fn expected(&self, year: FiscalYear, as_of: NaiveDate) -> Ratio {
        match self {
            Schedule::Months => elapsed(year.months_elapsed(as_of), 12),
            Schedule::Days => elapsed(year.days_elapsed(as_of), year.days_in_year()),
            Schedule::PerMonth(rate) => rate.after(year.months_elapsed(as_of)),
            Schedule::Fixed(rate) => *rate,
            Schedule::Milestones(m) => m.minimum_at(as_of),
        }
    }

    /// The schedule after `months` whole months elapsed (按月序时进度): months ÷ 12, with no
    /// date to invent ("1-4月" is 4 months).
    ///
    /// # Errors
    ///
    /// [`NoRatio::OutOfRange`] for more than 12 months.
    ///
    /// ```
    /// use fundtrack::Rounding;
    /// use fundtrack::report::Schedule;
    /// assert_eq!(Schedule::months_elapsed(4)?.to_percent(Rounding::default()).to_string(), "33.33");
    /// assert!(Schedule::months_elapsed(13).is_err());
    /// # Ok::<(), fundtrack::NoRatio>(())
    /// ```
    pub fn months_elapsed(months: u32) -> Result<Ratio, NoRatio> {
        if months > 12 {
            return Err(NoRatio::OutOfRange);
        }
        Ratio::from_counts(u64::from(months), 12)
    }

    /// The schedule on day `day` of a year of `days_in_year` days (按日序时进度): day ÷ days.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for a year of no days, [`NoRatio::OutOfRange`] for a day
    /// beyond the year.
    ///
    /// ```
    /// use fundtrack::Rounding;
    /// use fundtrack::report::Schedule;
    /// // 30 April 2023: day 120 of 365.
    /// assert_eq!(Schedule::day_of(120, 365)?.to_percent(Rounding::default()).to_string(), "32.88");
    /// # Ok::<(), fundtrack::NoRatio>(())
    /// ```
    pub fn day_of(day: u32, days_in_year: u32) -> Result<Ratio, NoRatio> {
        if day > days_in_year {
            return Err(NoRatio::OutOfRange);
        }
        Ratio::from_counts(u64::from(day), u64::from(days_in_year))
    }

    /// The Chinese label of the method.
    pub fn as_str(&self) -> &'static str {
        match self {
            Schedule::Months => "按月序时进度",
            Schedule::Days => "按日序时进度",
            Schedule::PerMonth(_) => "按月目标进度",
            Schedule::Fixed(_) => "目标进度",
            Schedule::Milestones(_) => "节点目标",
        }
    }

    /// The rate against this schedule at `as_of`: expected value and gap in 百分点.
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Money, Ratio, Rounding};
    /// use fundtrack::report::Schedule;
    /// use chrono::NaiveDate;
    ///
    /// let rate = Ratio::of("30700.48万元".parse::<Money>()?, "39757.09万元".parse()?).unwrap();
    /// let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    /// let gap = Schedule::Months.compare(&rate, FiscalYear::new(2021)?, as_of);
    /// assert!(gap.is_ahead());
    /// assert_eq!(gap.gap().round(Rounding::default()).to_string(), "2.22");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn compare(&self, rate: &Ratio, year: FiscalYear, as_of: NaiveDate) -> ScheduleGap {
        let expected = self.expected(year, as_of);
        ScheduleGap {
            rate: *rate,
            gap: rate.minus(&expected),
            expected,
        }
    }
}

/// A target rate per elapsed month (每月进度目标), between 0 (exclusive) and 100%.
///
/// Checked when built, so the target after any number of months is a rate between 0 and
/// 100% (capped) and never a value no ratio holds.
///
/// ```
/// use fundtrack::{FiscalYear, Ratio, Rounding};
/// use fundtrack::report::{PerMonthRate, Schedule};
/// use fundtrack::Decimal;
///
/// let ten = PerMonthRate::new(Ratio::from_percent(Decimal::TEN)?)?;
/// assert_eq!(ten.after(4).to_percent(Rounding::default()).to_string(), "40.00");
/// assert_eq!(ten.after(12).to_percent(Rounding::default()).to_string(), "100.00");
/// assert!(PerMonthRate::new(Ratio::from_percent(-Decimal::ONE)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Ratio", into = "Ratio"))]
pub struct PerMonthRate(Ratio);

impl PerMonthRate {
    /// A per-month target rate.
    ///
    /// # Errors
    ///
    /// [`NoRatio::OutOfRange`] for a rate ≤ 0 or above 100%.
    pub fn new(rate: Ratio) -> Result<PerMonthRate, NoRatio> {
        if rate <= zero() || rate > full() {
            return Err(NoRatio::OutOfRange);
        }
        Ok(PerMonthRate(rate))
    }

    /// The rate per month.
    pub fn rate(&self) -> Ratio {
        self.0
    }

    /// The target after `months` elapsed months: rate × months, capped at 100%.
    pub fn after(&self, months: u32) -> Ratio {
        let target = self
            .0
            .numerator()
            .checked_mul(Decimal::from(months))
            .map(|n| Ratio::new(n, self.0.denominator()));
        match target {
            Some(Ok(t)) if t < full() => t,
            // At most 100% × 12 months within a year; a product beyond a Ratio is beyond 100%.
            _ => full(),
        }
    }
}

impl TryFrom<Ratio> for PerMonthRate {
    type Error = NoRatio;
    fn try_from(rate: Ratio) -> Result<PerMonthRate, NoRatio> {
        PerMonthRate::new(rate)
    }
}

impl From<PerMonthRate> for Ratio {
    fn from(r: PerMonthRate) -> Ratio {
        r.0
    }
}

/// 0 as a ratio.
fn zero() -> Ratio {
    Ratio::ZERO
}

/// 100% as a ratio.
fn full() -> Ratio {
    Ratio::ONE
}

/// `part / whole` of a year for a schedule: `whole` is 12 months or the 365 or 366 days of a
/// year, never zero, and `part` never exceeds it.
#[expect(
    clippy::expect_used,
    reason = "a schedule divides by 12 months or the days of a year, never by zero"
)]
fn elapsed(part: u32, whole: u32) -> Ratio {
    debug_assert!(
        whole > 0 && part <= whole,
        "{part} of {whole} is not a part of a year"
    );
    Ratio::from_counts(u64::from(part), u64::from(whole))
        .expect("a schedule divides by 12 months or the days of a year, never by zero")
}

/// A rate set against a schedule: "超/低于序时进度 N 个百分点".
///
/// On the wire it carries the rate, the expected rate and the gap; reading it back
/// recomputes the gap from the two rates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(from = "GapParts"))]
pub struct ScheduleGap {
    rate: Ratio,
    expected: Ratio,
    gap: PercentagePoints,
}

/// The inputs of a [`ScheduleGap`]; the gap is derived from them.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GapParts {
    rate: Ratio,
    expected: Ratio,
    /// Written, and recomputed on reading: a known key, not read.
    #[serde(default, rename = "gap")]
    _gap: Option<serde::de::IgnoredAny>,
}

#[cfg(feature = "serde")]
impl From<GapParts> for ScheduleGap {
    fn from(p: GapParts) -> ScheduleGap {
        ScheduleGap {
            rate: p.rate,
            gap: p.rate.minus(&p.expected),
            expected: p.expected,
        }
    }
}

impl ScheduleGap {
    /// A rate against an expected rate given directly: from [`Schedule::months_elapsed`],
    /// [`Schedule::day_of`] or a fixed target. Rate first, then the schedule.
    ///
    /// ```
    /// use fundtrack::{Ratio, Rounding};
    /// use fundtrack::report::{Schedule, ScheduleGap};
    /// use fundtrack::Decimal;
    ///
    /// // 1-4月 spending at 36.7% of the budget, 4 months elapsed: ahead by 3.37 points.
    /// let gap = ScheduleGap::new(Ratio::from_percent(Decimal::new(367, 1))?, Schedule::months_elapsed(4)?);
    /// assert_eq!(gap.gap().round(Rounding::half_up(1)?).to_string(), "3.4");
    /// // Against a fixed target of 40%.
    /// let fixed = ScheduleGap::new(Ratio::from_percent(Decimal::new(367, 1))?, Ratio::from_percent(Decimal::new(40, 0))?);
    /// assert!(!fixed.is_ahead());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(rate: Ratio, expected: Ratio) -> ScheduleGap {
        ScheduleGap {
            rate,
            gap: rate.minus(&expected),
            expected,
        }
    }

    /// The actual rate, unrounded.
    pub fn rate(&self) -> Ratio {
        self.rate
    }

    /// The schedule's expected rate, exact.
    pub fn expected(&self) -> Ratio {
        self.expected
    }

    /// Rate − schedule in 百分点, from unrounded values.
    pub fn gap(&self) -> &PercentagePoints {
        &self.gap
    }

    /// Whether the rate is at or above the schedule ("超序时进度" or on it).
    pub fn is_ahead(&self) -> bool {
        !self.gap.is_negative()
    }
}

/// Milestones `(date, minimum rate)` set by the level above (节点目标), e.g. ≥ 30% by the
/// end of the first quarter.
///
/// # Example
///
/// ```
/// use fundtrack::{Ratio, Rounding};
/// use fundtrack::report::Milestones;
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
/// let m = Milestones::new([
///     (d(3, 31), Ratio::from_percent(dec!(30))?),
///     (d(6, 30), Ratio::from_percent(dec!(50))?),
/// ])?;
/// assert_eq!(m.minimum_at(d(9, 30)).to_percent(Rounding::default()).to_string(), "50.00");
/// assert_eq!(m.minimum_at(d(1, 31)).to_percent(Rounding::default()).to_string(), "0.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "MilestonesParts", into = "Vec<(NaiveDate, Ratio)>")
)]
pub struct Milestones {
    entries: Dated<Ratio>,
}

/// A [`Milestones`] table as JSON holds it: `[[date, rate], …]`, dates read by
/// `dim::date`.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct MilestonesParts(Vec<(crate::dim::date::wire::Day, Ratio)>);

#[cfg(feature = "serde")]
impl TryFrom<MilestonesParts> for Milestones {
    type Error = MilestoneError;
    fn try_from(parts: MilestonesParts) -> Result<Milestones, MilestoneError> {
        Milestones::new(parts.0.into_iter().map(|(d, r)| (d.0, r)))
    }
}

/// A milestone table that contradicts itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MilestoneError {
    /// Two milestones on one date.
    #[error("milestone date {0} appears twice")]
    DuplicateDate(NaiveDate),
    /// A later milestone asks for less than an earlier one.
    #[error("milestone on {0} asks for less than the one before it")]
    Decreasing(NaiveDate),
}

impl TryFrom<Vec<(NaiveDate, Ratio)>> for Milestones {
    type Error = MilestoneError;
    fn try_from(entries: Vec<(NaiveDate, Ratio)>) -> Result<Milestones, MilestoneError> {
        Milestones::new(entries)
    }
}

impl From<Milestones> for Vec<(NaiveDate, Ratio)> {
    fn from(m: Milestones) -> Vec<(NaiveDate, Ratio)> {
        m.entries.entries().to_vec()
    }
}

impl Milestones {
    /// A table from `(date, minimum rate)` pairs in any order.
    ///
    /// # Errors
    ///
    /// When two milestones share a date or a later one asks for less than an earlier one.
    pub fn new(
        entries: impl IntoIterator<Item = (NaiveDate, Ratio)>,
    ) -> Result<Milestones, MilestoneError> {
        let entries = Dated::labelled("milestone date", entries)
            .map_err(|e| MilestoneError::DuplicateDate(e.date()))?;
        for pair in entries.entries().windows(2) {
            if let [(_, r0), (d1, r1)] = pair {
                if r1 < r0 {
                    return Err(MilestoneError::Decreasing(*d1));
                }
            }
        }
        Ok(Milestones { entries })
    }

    /// The minimum rate required at `as_of`: that of the latest milestone on or before it.
    pub fn minimum_at(&self, as_of: NaiveDate) -> Ratio {
        self.entries
            .at(as_of)
            .copied()
            // Before the first milestone nothing is required yet: 0% is the rule, not a guess.
            .unwrap_or_else(zero)
    }

    /// The milestones in date order.
    pub fn entries(&self) -> &[(NaiveDate, Ratio)] {
        self.entries.entries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use rust_decimal_macros::dec;

    #[test]
    fn per_month_target_is_capped_and_checked() {
        let y = FiscalYear::new(2021).unwrap();
        let s =
            Schedule::PerMonth(PerMonthRate::new(Ratio::from_percent(dec!(10)).unwrap()).unwrap());
        let dec31 = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
        assert_eq!(
            s.expected(y, dec31).to_percent(Rounding::default()),
            dec!(100.00)
        );
        // A negative or zero rate used to give a negative or saturated target.
        for p in [dec!(-1), dec!(0), dec!(100.01), Decimal::MAX / dec!(1e13)] {
            assert!(
                Ratio::from_percent(p).map_or(true, |r| PerMonthRate::new(r).is_err()),
                "{p}"
            );
        }
        let whole = PerMonthRate::new(Ratio::from_percent(dec!(100)).unwrap()).unwrap();
        assert_eq!(whole.after(u32::MAX), full());
    }

    #[test]
    fn behind_schedule_is_a_negative_gap() {
        let y = FiscalYear::new(2021).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
        let g = Schedule::Months.compare(&Ratio::from_percent(dec!(40)).unwrap(), y, as_of);
        assert!(!g.is_ahead());
        assert_eq!(g.gap().abs().round(Rounding::default()), dec!(10.00));
    }

    #[test]
    fn milestones_reject_contradictions() {
        let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
        let r = |p| Ratio::from_percent(p).unwrap();
        assert_eq!(
            Milestones::new([(d(3), r(dec!(30))), (d(3), r(dec!(40)))]),
            Err(MilestoneError::DuplicateDate(d(3)))
        );
        assert_eq!(
            Milestones::new([(d(6), r(dec!(20))), (d(3), r(dec!(30)))]),
            Err(MilestoneError::Decreasing(d(6)))
        );
    }
}
