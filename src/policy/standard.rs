//! 低保 and other standards with effective dates (保障标准): a year's figure pro-rated across
//! changes during the year, by month or by day as the caller chooses.
//!
//! A standard (the rural 低保 standard, published in 元/人·年 or 元/人·月) is raised from
//! an effective date. No published rule says how a year's figure counts a change within a
//! month, so the rule is the caller's [`ProRating`]: by month with the standard in force on
//! the month's first day (a local convention: a change on 15 May applies from June), by
//! month with the standard in force on its last day (a local convention: the month of the
//! change counts at the new standard), or by day. The standards are a
//! [`StandardSchedule`] (a [`Dated`] table, yearly or monthly amounts);
//! [`StandardSchedule::pro_rated`] gives the exact year figure ([`ProRated`]).

use chrono::NaiveDate;

use super::PolicyError;
use crate::dim::Dated;
use crate::dim::FiscalYear;
use crate::money::{Money, Rounding, Unit};
use crate::report::Average;

/// What period a standard's amount is for (标准口径): 元/人·年 or 元/人·月.
///
/// # Example
///
/// ```
/// use fundtrack::policy::standard::StandardBasis;
/// assert_eq!(StandardBasis::PerMonth.as_str(), "元/人·月");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum StandardBasis {
    /// 元/人·年: an annual amount per person.
    PerYear,
    /// 元/人·月: a monthly amount per person.
    PerMonth,
}

impl StandardBasis {
    /// The Chinese unit.
    pub fn as_str(self) -> &'static str {
        match self {
            StandardBasis::PerYear => "元/人·年",
            StandardBasis::PerMonth => "元/人·月",
        }
    }

    /// Periods of this basis in a year (1 or 12).
    fn per_year(self) -> u64 {
        match self {
            StandardBasis::PerYear => 1,
            StandardBasis::PerMonth => 12,
        }
    }
}

/// How a year's figure counts a standard that changes during the year (折算口径), chosen
/// by the caller: no published rule fixes it.
///
/// # Example
///
/// ```
/// use fundtrack::policy::standard::ProRating;
/// assert_eq!(ProRating::Daily.as_str(), "按日折算");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ProRating {
    /// 按月(月初标准), a local convention: each month counts with the standard in force on
    /// its first day, so a change on 15 May applies from June.
    MonthFirstDay,
    /// 按月(月末标准), a local convention: each month counts with the standard in force on
    /// its last day, so a change on 15 May applies to all of May.
    MonthLastDay,
    /// 按日折算: each day counts with the standard in force that day; a day weighs 1/365
    /// (1/366 in a leap year) of the annual figure, a monthly standard counting 12 times.
    Daily,
}

impl ProRating {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            ProRating::MonthFirstDay => "按月折算(月初标准)",
            ProRating::MonthLastDay => "按月折算(月末标准)",
            ProRating::Daily => "按日折算",
        }
    }
}

/// A standard per person that changes on effective dates (标准及生效日期), such as the
/// rural 低保 standard, in 元/人·年 or 元/人·月, supplied by the caller.
///
/// # Example
///
/// Beihai's rural 低保 standard rose from 6000 to 6800 元/人·年 from 2021-04-01, which its
/// 2021 report sums up as 6600 for the year (the month-first-day convention reproduces it):
///
/// ```
/// use fundtrack::{FiscalYear, Rounding};
/// use fundtrack::policy::standard::{ProRating, StandardSchedule};
/// use chrono::NaiveDate;
///
/// let dibao = StandardSchedule::annual([
///     (NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(), "6000元".parse()?),
///     (NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(), "6800元".parse()?),
/// ])?;
/// let y = dibao.pro_rated(FiscalYear::new(2021)?, ProRating::MonthFirstDay)?;
/// assert_eq!(y.annual_in_yuan(Rounding::default()).to_string(), "6600.00");
/// assert_eq!(y.segments().len(), 2);
/// // By day: (6000 × 90 + 6800 × 275) / 365 = 6602.739…
/// let by_day = dibao.pro_rated(FiscalYear::new(2021)?, ProRating::Daily)?;
/// assert_eq!(by_day.annual_in_yuan(Rounding::default()).to_string(), "6602.74");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "StandardScheduleParts"))]
pub struct StandardSchedule {
    basis: StandardBasis,
    entries: Dated<Money>,
}

/// The wire form of a [`StandardSchedule`]:
/// `{"basis": "per_year", "entries": [["2021-04-01", "6800.00"], …]}`, checked by the
/// constructors on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardScheduleParts {
    basis: StandardBasis,
    entries: Vec<(crate::dim::date::wire::Day, Money)>,
}

#[cfg(feature = "serde")]
impl TryFrom<StandardScheduleParts> for StandardSchedule {
    type Error = PolicyError;

    fn try_from(parts: StandardScheduleParts) -> Result<StandardSchedule, PolicyError> {
        StandardSchedule::new(
            parts.basis,
            parts.entries.into_iter().map(|(d, m)| (d.0, m)),
        )
    }
}

impl StandardSchedule {
    /// A schedule of annual standards (元/人·年) from `(effective from, amount)` pairs in
    /// any order; each holds until the next one's date.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for two entries on one date, [`PolicyError::Invalid`] for
    /// a negative amount.
    pub fn annual(
        entries: impl IntoIterator<Item = (NaiveDate, Money)>,
    ) -> Result<StandardSchedule, PolicyError> {
        StandardSchedule::new(StandardBasis::PerYear, entries)
    }

    /// A schedule of monthly standards (元/人·月), as [`StandardSchedule::annual`].
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Rounding};
    /// use fundtrack::policy::standard::{ProRating, StandardSchedule};
    /// use chrono::NaiveDate;
    ///
    /// // Illustrative: 500 元/人·月, 540 from 2023-07-01.
    /// let d = |m| NaiveDate::from_ymd_opt(2023, m, 1).unwrap();
    /// let s = StandardSchedule::monthly([(d(1), "500元".parse()?), (d(7), "540元".parse()?)])?;
    /// let y = s.pro_rated(FiscalYear::new(2023)?, ProRating::MonthFirstDay)?;
    /// assert_eq!(y.annual_in_yuan(Rounding::default()).to_string(), "6240.00");
    /// assert_eq!(y.monthly_in_yuan(Rounding::default()).to_string(), "520.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`StandardSchedule::annual`].
    pub fn monthly(
        entries: impl IntoIterator<Item = (NaiveDate, Money)>,
    ) -> Result<StandardSchedule, PolicyError> {
        StandardSchedule::new(StandardBasis::PerMonth, entries)
    }

    fn new(
        basis: StandardBasis,
        entries: impl IntoIterator<Item = (NaiveDate, Money)>,
    ) -> Result<StandardSchedule, PolicyError> {
        let entries = Dated::new(entries)?;
        if let Some((date, amount)) = entries.entries().iter().find(|(_, m)| m.is_negative()) {
            return Err(PolicyError::invalid(
                format!("standard effective {date}"),
                format!("{amount} is negative"),
            ));
        }
        Ok(StandardSchedule { basis, entries })
    }

    /// Whether the amounts are 元/人·年 or 元/人·月.
    pub fn basis(&self) -> StandardBasis {
        self.basis
    }

    /// The table itself: `(effective from, amount)` in date order.
    ///
    /// ```
    /// # use fundtrack::policy::standard::StandardSchedule;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let s = StandardSchedule::annual([(d(4), "6800元".parse()?), (d(1), "6000元".parse()?)])?;
    /// assert_eq!(s.table().entries()[0].0, d(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table(&self) -> &Dated<Money> {
        &self.entries
    }

    /// The amount in force on `date` (in the schedule's basis), if any.
    ///
    /// ```
    /// # use fundtrack::policy::standard::StandardSchedule;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let s = StandardSchedule::annual([(d(4), "6800元".parse()?)])?;
    /// assert!(s.at(d(3)).is_none());
    /// assert_eq!(s.at(d(5)).unwrap().to_string(), "6800.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at(&self, date: NaiveDate) -> Option<Money> {
        self.entries.at(date).copied()
    }

    fn in_force(&self, date: NaiveDate) -> Result<Money, PolicyError> {
        self.at(date).ok_or_else(|| PolicyError::Missing {
            what: "standard in force",
            key: date.to_string(),
        })
    }

    /// The effective figure for `year` under `rule` (全年折算标准).
    ///
    /// By month: each calendar month counts with the standard in force on its first
    /// ([`ProRating::MonthFirstDay`]) or last ([`ProRating::MonthLastDay`]) day, and the
    /// annual figure is Σ (annual standard × months) ÷ 12. By day ([`ProRating::Daily`]):
    /// Σ (annual standard × days) ÷ days in the year. A monthly standard counts as 12 ×
    /// its amount a year. The figure is kept exact (it need not be whole 分) and rounded
    /// only when printed.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Missing`] naming the first day (or month) of the year without a
    /// standard in force, [`PolicyError::Overflow`] for amounts too large to sum.
    pub fn pro_rated(&self, year: FiscalYear, rule: ProRating) -> Result<ProRated, PolicyError> {
        let y = year.year();
        let bad = |what: String| PolicyError::invalid(format!("year {y}"), what);
        let mut segments: Vec<StandardSegment> = Vec::new();
        let overflow = || PolicyError::overflow(format!("standard for {y}"));
        match rule {
            ProRating::MonthFirstDay | ProRating::MonthLastDay => {
                for month in 1..=12u32 {
                    let first = NaiveDate::from_ymd_opt(y, month, 1)
                        .ok_or_else(|| bad(format!("no month {month}")))?;
                    let last = year
                        .month_end(month)
                        .ok_or_else(|| bad(format!("no last day of month {month}")))?;
                    let on = if rule == ProRating::MonthFirstDay {
                        first
                    } else {
                        last
                    };
                    let standard = self.at(on).ok_or_else(|| PolicyError::Missing {
                        what: "standard in force",
                        key: format!("{y}-{month:02} (on {on})"),
                    })?;
                    let days = days_in(first, last);
                    match segments.last_mut() {
                        Some(seg) if seg.standard == standard => {
                            seg.to = last;
                            seg.days += days;
                            seg.months = seg.months.map(|m| m + 1);
                        }
                        _ => segments.push(StandardSegment {
                            from: first,
                            to: last,
                            days,
                            months: Some(1),
                            standard,
                        }),
                    }
                }
            }
            ProRating::Daily => {
                let first =
                    NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| bad("no 1 January".into()))?;
                let last = year
                    .month_end(12)
                    .ok_or_else(|| bad("no 31 December".into()))?;
                let mut cuts: Vec<NaiveDate> = vec![first];
                cuts.extend(self.entries.changes_in(first, last));
                for (i, from) in cuts.iter().enumerate() {
                    let to = match cuts.get(i + 1).and_then(NaiveDate::pred_opt) {
                        Some(to) => to,
                        None => last,
                    };
                    segments.push(StandardSegment {
                        from: *from,
                        to,
                        days: days_in(*from, to),
                        months: None,
                        standard: self.in_force(*from)?,
                    });
                }
            }
        }
        // Σ standard × units; the annual figure is that ÷ `den`.
        let mut total = Money::ZERO;
        for seg in &segments {
            let units = match (rule, seg.months) {
                (ProRating::Daily, _) | (_, None) => u64::from(seg.days),
                (_, Some(m)) => u64::from(m),
            };
            let part = seg
                .standard
                .checked_mul_count(units * self.basis.per_year())
                .ok_or_else(overflow)?;
            total = total.checked_add(part).ok_or_else(overflow)?;
        }
        let den = match rule {
            ProRating::Daily => u64::from(year.days_in_year()),
            _ => 12,
        };
        // The divisor is a number of periods (months or days), counted as items.
        let periods = |n: u64| {
            crate::money::Count::from_tally(n, crate::money::CountUnit::Item).ok_or_else(overflow)
        };
        let annual = Average::new(total, periods(den)?).map_err(|_| overflow())?;
        let monthly = Average::new(total, periods(den * 12)?).map_err(|_| overflow())?;
        Ok(ProRated {
            year,
            basis: self.basis,
            rule,
            segments,
            annual,
            monthly,
        })
    }
}

/// Days from `from` to `to`, both included (`from <= to` within one year).
#[expect(
    clippy::expect_used,
    reason = "from <= to within one year: 1..=366 days fits u32"
)]
fn days_in(from: NaiveDate, to: NaiveDate) -> u32 {
    debug_assert!(from <= to, "{from} after {to}");
    u32::try_from((to - from).num_days() + 1).expect("a span within a year fits u32")
}

/// A stretch of the year at one standard (标准适用区间).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StandardSegment {
    from: NaiveDate,
    to: NaiveDate,
    days: u32,
    months: Option<u32>,
    standard: Money,
}

impl StandardSegment {
    /// First day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Calendar days from `from` to `to`, both included.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// Whole months at this standard when pro-rated by month; `None` by day.
    pub fn months(&self) -> Option<u32> {
        self.months
    }

    /// The standard counted, in the schedule's basis.
    pub fn standard(&self) -> Money {
        self.standard
    }
}

/// A year's standard pro-rated (全年折算标准), exact.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProRated {
    year: FiscalYear,
    basis: StandardBasis,
    rule: ProRating,
    segments: Vec<StandardSegment>,
    annual: Average,
    monthly: Average,
}

impl ProRated {
    /// The year.
    pub fn year(&self) -> FiscalYear {
        self.year
    }

    /// The basis of the schedule's amounts.
    pub fn basis(&self) -> StandardBasis {
        self.basis
    }

    /// The pro-rating rule used.
    pub fn rule(&self) -> ProRating {
        self.rule
    }

    /// The stretches at each standard, in date order.
    pub fn segments(&self) -> &[StandardSegment] {
        &self.segments
    }

    /// The exact effective annual figure (元/人·年).
    pub fn annual(&self) -> &Average {
        &self.annual
    }

    /// The exact effective monthly figure (元/人·月): the annual figure ÷ 12.
    pub fn monthly(&self) -> &Average {
        &self.monthly
    }

    /// The effective annual figure in 元, rounded once.
    pub fn annual_in_yuan(&self, rounding: Rounding) -> rust_decimal::Decimal {
        self.annual.money_in(Unit::Yuan, rounding)
    }

    /// The effective monthly figure in 元, rounded once.
    pub fn monthly_in_yuan(&self, rounding: Rounding) -> rust_decimal::Decimal {
        self.monthly.money_in(Unit::Yuan, rounding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn beihai_2021_dibao_6000_to_6800_gives_6600() {
        let s = StandardSchedule::annual([
            (d(2020, 1, 1), Money::from_fen(600_000)),
            (d(2021, 4, 1), Money::from_fen(680_000)),
        ])
        .unwrap();
        let y = s
            .pro_rated(FiscalYear::new(2021).unwrap(), ProRating::MonthFirstDay)
            .unwrap();
        // 6000 × 3/12 + 6800 × 9/12 = 1500 + 5100 = 6600.
        assert_eq!(y.annual().total(), Money::from_fen(7_920_000));
        assert_eq!(y.annual_in_yuan(Rounding::default()), dec!(6600.00));
        let segs = y.segments();
        assert_eq!((segs[0].months(), segs[0].to()), (Some(3), d(2021, 3, 31)));
        assert_eq!(
            (segs[1].months(), segs[1].from(), segs[1].standard()),
            (Some(9), d(2021, 4, 1), Money::from_fen(680_000))
        );
        // 2022 is all at 6800.
        let y22 = s
            .pro_rated(FiscalYear::new(2022).unwrap(), ProRating::MonthFirstDay)
            .unwrap();
        assert_eq!(y22.annual_in_yuan(Rounding::default()), dec!(6800.00));
    }

    #[test]
    fn mid_month_changes_under_each_rule_and_results_stay_exact() {
        // Month-first-day convention: 5000 for Jan–May (15 May change applies from June),
        // 5001 for Jun–Dec:
        // (5000×5 + 5001×7)/12 = 60007/12 = 5000.58333…
        let s = StandardSchedule::annual([
            (d(2021, 1, 1), Money::from_fen(500_000)),
            (d(2021, 5, 15), Money::from_fen(500_100)),
        ])
        .unwrap();
        let y = s
            .pro_rated(FiscalYear::new(2021).unwrap(), ProRating::MonthFirstDay)
            .unwrap();
        assert_eq!(y.segments()[0].months(), Some(5));
        assert_eq!(
            y.annual_in_yuan(Rounding::half_up(4).unwrap()),
            dec!(5000.5833)
        );
        assert_eq!(y.annual_in_yuan(Rounding::trunc(2).unwrap()), dec!(5000.58));
        // Month-last-day convention: May counts at 5001: (5000×4 + 5001×8)/12 = 5000.666…
        let last = s
            .pro_rated(FiscalYear::new(2021).unwrap(), ProRating::MonthLastDay)
            .unwrap();
        assert_eq!(last.segments()[0].months(), Some(4));
        assert_eq!(
            last.annual_in_yuan(Rounding::half_up(4).unwrap()),
            dec!(5000.6667)
        );
        // By day: 134 days (1 Jan – 14 May) at 5000, 231 at 5001: 5000 + 231/365.
        let day = s
            .pro_rated(FiscalYear::new(2021).unwrap(), ProRating::Daily)
            .unwrap();
        let days: Vec<u32> = day.segments().iter().map(StandardSegment::days).collect();
        assert_eq!(days, [134, 231]);
        assert_eq!(day.segments()[0].months(), None);
        assert_eq!(
            day.annual_in_yuan(Rounding::half_up(4).unwrap()),
            dec!(5000.6329)
        );
    }

    #[test]
    fn a_month_without_a_standard_is_named() {
        let s = StandardSchedule::annual([(d(2021, 4, 1), Money::from_fen(680_000))]).unwrap();
        let e = s
            .pro_rated(FiscalYear::new(2021).unwrap(), ProRating::MonthFirstDay)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "no standard in force for 2021-01 (on 2021-01-01)"
        );
        let e = s
            .pro_rated(FiscalYear::new(2021).unwrap(), ProRating::Daily)
            .unwrap_err();
        assert_eq!(e.to_string(), "no standard in force for 2021-01-01");
        assert!(StandardSchedule::annual([(d(2021, 4, 1), Money::from_fen(-1))]).is_err());
    }
}

// Two attributes rather than `cfg(all(test, feature = "serde"))`: clippy only treats a plain
// `cfg(test)` module as test code (allow-unwrap-in-tests).
#[cfg(test)]
#[cfg(feature = "serde")]
mod serde_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn schedule_round_trips_through_json() {
        let s = StandardSchedule::annual([
            (d(2021, 4, 1), Money::from_fen(680_000)),
            (d(2020, 1, 1), Money::from_fen(600_000)),
        ])
        .unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"basis":"per_year","entries":[["2020-01-01","6000.00"],["2021-04-01","6800.00"]]}"#
        );
        assert_eq!(serde_json::from_str::<StandardSchedule>(&json).unwrap(), s);
    }

    #[test]
    fn schedule_json_is_checked_by_the_constructor() {
        let negative = StandardSchedule::annual([(d(2021, 4, 1), Money::from_fen(-1))])
            .unwrap_err()
            .to_string();
        let e = serde_json::from_str::<StandardSchedule>(
            r#"{"basis":"per_year","entries":[["2021-04-01","-0.01"]]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with(&negative), "{e}");
        assert!(e.starts_with("standard effective 2021-04-01: "), "{e}");
        let twice = r#"{"basis":"per_month","entries":[["2021-04-01","1"],["2021-04-01","2"]]}"#;
        let e = serde_json::from_str::<StandardSchedule>(twice)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("duplicate effective date 2021-04-01"), "{e}");
    }
}
