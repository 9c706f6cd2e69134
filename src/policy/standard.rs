//! 低保 and other standards with effective dates (保障标准): an annual figure pro-rated by
//! month across changes during the year.
//!
//! Published rule: a standard (e.g. the rural 低保 standard in 元/年/人) is raised from an
//! effective date; a year's figure counts each month at the standard in force on its first
//! day. The standards are a [`StandardSchedule`] (a [`Dated`] table) the caller supplies;
//! [`StandardSchedule::pro_rated`] gives the exact year figure ([`ProRated`]).

use chrono::NaiveDate;

use super::PolicyError;
use crate::dim::Dated;
use crate::dim::FiscalYear;
use crate::money::{Money, Rounding, Unit};
use crate::report::Average;

/// An annual standard per person that changes on effective dates (标准及生效日期), such as
/// the rural 低保 standard in 元/年/人, supplied by the caller.
///
/// # Example
///
/// Beihai raised its rural 低保 standard from 6000 to 6800 元/年/人 from 2021-04-01
/// (documented values, supplied here by the caller):
///
/// ```
/// use fundtrack::{FiscalYear, Rounding};
/// use fundtrack::policy::standard::StandardSchedule;
/// use chrono::NaiveDate;
///
/// let dibao = StandardSchedule::new([
///     (NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(), "6000元".parse()?),
///     (NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(), "6800元".parse()?),
/// ])?;
/// let y = dibao.pro_rated(FiscalYear::new(2021)?)?;
/// assert_eq!(y.annual_in_yuan(Rounding::default()).to_string(), "6600.00");
/// assert_eq!(y.segments().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StandardScheduleParts"))]
pub struct StandardSchedule {
    entries: Dated<Money>,
}

/// The wire form of a [`StandardSchedule`]: `{"entries": [["2021-04-01", "6800.00"], …]}`,
/// checked by [`StandardSchedule::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StandardScheduleParts {
    entries: Vec<(NaiveDate, Money)>,
}

#[cfg(feature = "serde")]
impl TryFrom<StandardScheduleParts> for StandardSchedule {
    type Error = PolicyError;

    fn try_from(parts: StandardScheduleParts) -> Result<StandardSchedule, PolicyError> {
        StandardSchedule::new(parts.entries)
    }
}

impl StandardSchedule {
    /// A schedule from `(effective from, annual amount)` pairs in any order; each holds
    /// until the next one's date.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for two entries on one date, [`PolicyError::Invalid`] for
    /// a negative amount.
    pub fn new(
        entries: impl IntoIterator<Item = (NaiveDate, Money)>,
    ) -> Result<StandardSchedule, PolicyError> {
        let entries = Dated::new(entries)?;
        if let Some((date, amount)) = entries.entries().iter().find(|(_, m)| m.is_negative()) {
            return Err(PolicyError::invalid(
                format!("standard effective {date}"),
                format!("{amount} is negative"),
            ));
        }
        Ok(StandardSchedule { entries })
    }

    /// The table itself: `(effective from, annual amount)` in date order.
    ///
    /// ```
    /// # use fundtrack::policy::standard::StandardSchedule;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let s = StandardSchedule::new([(d(4), "6800元".parse()?), (d(1), "6000元".parse()?)])?;
    /// assert_eq!(s.table().entries()[0].0, d(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table(&self) -> &Dated<Money> {
        &self.entries
    }

    /// The annual amount in force on `date`, if any.
    ///
    /// ```
    /// # use fundtrack::policy::standard::StandardSchedule;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let s = StandardSchedule::new([(d(4), "6800元".parse()?)])?;
    /// assert!(s.at(d(3)).is_none());
    /// assert_eq!(s.at(d(5)).unwrap().to_string(), "6800.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at(&self, date: NaiveDate) -> Option<Money> {
        self.entries.at(date).copied()
    }

    /// The effective annual figure for `year`, pro-rated by month (全年折算标准).
    ///
    /// Rule: each calendar month counts with the standard in force on its **first day**
    /// (a change on 15 April applies from May); the year's figure is
    /// Σ (annual standard × months at it) ÷ 12, kept exact (it need not be whole 分) and
    /// rounded only when printed.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Missing`] when some month of the year has no standard in force,
    /// [`PolicyError::Overflow`] for amounts too large to sum.
    pub fn pro_rated(&self, year: FiscalYear) -> Result<ProRated, PolicyError> {
        let mut segments: Vec<StandardSegment> = Vec::new();
        for month in 1..=12u32 {
            let first = NaiveDate::from_ymd_opt(year.year(), month, 1).ok_or_else(|| {
                PolicyError::invalid(format!("year {}", year.year()), "no such month")
            })?;
            let last = year.month_end(month).ok_or_else(|| {
                PolicyError::invalid(
                    format!("year {}", year.year()),
                    format!("no last day of month {month}"),
                )
            })?;
            let annual = self.at(first).ok_or_else(|| PolicyError::Missing {
                what: "standard in force",
                key: format!("{}-{month:02}", year.year()),
            })?;
            match segments.last_mut() {
                Some(seg) if seg.annual == annual => {
                    seg.to = last;
                    seg.months += 1;
                }
                _ => segments.push(StandardSegment {
                    from: first,
                    to: last,
                    months: 1,
                    annual,
                }),
            }
        }
        let overflow = || PolicyError::overflow(format!("standard for {}", year.year()));
        let mut total = Money::ZERO;
        for seg in &segments {
            let part = seg
                .annual
                .checked_mul_count(u64::from(seg.months))
                .ok_or_else(overflow)?;
            total = total.checked_add(part).ok_or_else(overflow)?;
        }
        let annual = Average::new(total, crate::money::Count::items(12)).map_err(|_| overflow())?;
        Ok(ProRated {
            year,
            segments,
            annual,
        })
    }
}

/// Months of a year at one standard (标准适用区间).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StandardSegment {
    from: NaiveDate,
    to: NaiveDate,
    months: u32,
    annual: Money,
}

impl StandardSegment {
    /// First day of the first month.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day of the last month.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whole months at this standard.
    pub fn months(&self) -> u32 {
        self.months
    }

    /// The annual standard in force.
    pub fn annual(&self) -> Money {
        self.annual
    }
}

/// A year's standard pro-rated by month (全年折算标准), exact.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProRated {
    year: FiscalYear,
    segments: Vec<StandardSegment>,
    annual: Average,
}

impl ProRated {
    /// The year.
    pub fn year(&self) -> FiscalYear {
        self.year
    }

    /// The months at each standard, in date order.
    pub fn segments(&self) -> &[StandardSegment] {
        &self.segments
    }

    /// The exact effective figure: Σ (standard × months) ÷ 12.
    pub fn annual(&self) -> &Average {
        &self.annual
    }

    /// The effective figure in 元, rounded once.
    pub fn annual_in_yuan(&self, rounding: Rounding) -> rust_decimal::Decimal {
        self.annual.money_in(Unit::Yuan, rounding)
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
        let s = StandardSchedule::new([
            (d(2020, 1, 1), Money::from_fen(600_000)),
            (d(2021, 4, 1), Money::from_fen(680_000)),
        ])
        .unwrap();
        let y = s.pro_rated(FiscalYear::new(2021).unwrap()).unwrap();
        // 6000 × 3/12 + 6800 × 9/12 = 1500 + 5100 = 6600.
        assert_eq!(y.annual().total(), Money::from_fen(7_920_000));
        assert_eq!(y.annual_in_yuan(Rounding::default()), dec!(6600.00));
        let segs = y.segments();
        assert_eq!((segs[0].months(), segs[0].to()), (3, d(2021, 3, 31)));
        assert_eq!(
            (segs[1].months(), segs[1].from(), segs[1].annual()),
            (9, d(2021, 4, 1), Money::from_fen(680_000))
        );
        // 2022 is all at 6800.
        let y22 = s.pro_rated(FiscalYear::new(2022).unwrap()).unwrap();
        assert_eq!(y22.annual_in_yuan(Rounding::default()), dec!(6800.00));
    }

    #[test]
    fn mid_month_changes_apply_from_the_next_month_and_results_stay_exact() {
        // 5000 for Jan–May (15 May change applies from June), 5001 for Jun–Dec:
        // (5000×5 + 5001×7)/12 = 60007/12 = 5000.58333…
        let s = StandardSchedule::new([
            (d(2021, 1, 1), Money::from_fen(500_000)),
            (d(2021, 5, 15), Money::from_fen(500_100)),
        ])
        .unwrap();
        let y = s.pro_rated(FiscalYear::new(2021).unwrap()).unwrap();
        assert_eq!(y.segments()[0].months(), 5);
        assert_eq!(
            y.annual_in_yuan(Rounding::half_up(4).unwrap()),
            dec!(5000.5833)
        );
        assert_eq!(y.annual_in_yuan(Rounding::trunc(2).unwrap()), dec!(5000.58));
    }

    #[test]
    fn a_month_without_a_standard_is_named() {
        let s = StandardSchedule::new([(d(2021, 4, 1), Money::from_fen(680_000))]).unwrap();
        let e = s.pro_rated(FiscalYear::new(2021).unwrap()).unwrap_err();
        assert_eq!(e.to_string(), "no standard in force for 2021-01");
        assert!(StandardSchedule::new([(d(2021, 4, 1), Money::from_fen(-1))]).is_err());
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
        let s = StandardSchedule::new([
            (d(2021, 4, 1), Money::from_fen(680_000)),
            (d(2020, 1, 1), Money::from_fen(600_000)),
        ])
        .unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"entries":[["2020-01-01","6000.00"],["2021-04-01","6800.00"]]}"#
        );
        assert_eq!(serde_json::from_str::<StandardSchedule>(&json).unwrap(), s);
    }

    #[test]
    fn schedule_json_is_checked_by_the_constructor() {
        let negative = StandardSchedule::new([(d(2021, 4, 1), Money::from_fen(-1))])
            .unwrap_err()
            .to_string();
        let e = serde_json::from_str::<StandardSchedule>(r#"{"entries":[["2021-04-01","-0.01"]]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&negative), "{e}");
        assert!(e.starts_with("standard effective 2021-04-01: "), "{e}");
        let twice = r#"{"entries":[["2021-04-01","1"],["2021-04-01","2"]]}"#;
        let e = serde_json::from_str::<StandardSchedule>(twice)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("duplicate effective date 2021-04-01"), "{e}");
    }
}
