//! The fiscal year (预算年度) and elapsed time within it.

use chrono::{Datelike, NaiveDate};

use crate::error::{ParseError, ParseErrorKind};

/// A fiscal year, 1 January to 31 December (预算年度).
///
/// # Example
///
/// ```
/// use fundtrack::FiscalYear;
/// use chrono::NaiveDate;
///
/// let y = FiscalYear::new(2021)?;
/// let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// assert_eq!(y.months_elapsed(as_of), 9);
/// assert_eq!(y.days_elapsed(as_of), 273);
/// assert_eq!(y.days_in_year(), 365);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "i32", into = "i32"))]
pub struct FiscalYear {
    year: i32,
    start: NaiveDate,
    end: NaiveDate,
}

impl FiscalYear {
    /// The fiscal year `year` (1900–9999).
    ///
    /// # Errors
    ///
    /// For a year outside 1900–9999.
    pub fn new(year: i32) -> Result<FiscalYear, ParseError> {
        let dates = (1900..=9999)
            .contains(&year)
            .then(|| {
                Some((
                    NaiveDate::from_ymd_opt(year, 1, 1)?,
                    NaiveDate::from_ymd_opt(year, 12, 31)?,
                ))
            })
            .flatten();
        match dates {
            Some((start, end)) => Ok(FiscalYear { year, start, end }),
            None => Err(ParseError::new(
                "fiscal year",
                year.to_string(),
                ParseErrorKind::Format("a year from 1900 to 9999"),
            )),
        }
    }

    /// The fiscal year a date falls in.
    ///
    /// # Errors
    ///
    /// For a date outside 1900–9999.
    pub fn of(date: NaiveDate) -> Result<FiscalYear, ParseError> {
        FiscalYear::new(date.year())
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 January.
    pub fn start(self) -> NaiveDate {
        self.start
    }

    /// 31 December.
    pub fn end(self) -> NaiveDate {
        self.end
    }

    /// Whether `date` falls in this year.
    pub fn contains(self, date: NaiveDate) -> bool {
        (self.start..=self.end).contains(&date)
    }

    /// 365 or 366.
    pub fn days_in_year(self) -> u32 {
        self.end.ordinal()
    }

    /// Days from 1 January to `as_of`, both included (0 before the year, all after it).
    pub fn days_elapsed(self, as_of: NaiveDate) -> u32 {
        if as_of < self.start {
            0
        } else if as_of > self.end {
            self.days_in_year()
        } else {
            as_of.ordinal()
        }
    }

    /// Whole months completed by the end of `as_of` (0–12): 30 September counts 9 months,
    /// 15 September counts 8.
    pub fn months_elapsed(self, as_of: NaiveDate) -> u32 {
        if as_of < self.start {
            return 0;
        }
        if as_of >= self.end {
            return 12;
        }
        let month_ends = as_of
            .succ_opt()
            .is_some_and(|next| next.month() != as_of.month());
        as_of.month0() + u32::from(month_ends)
    }

    /// The last day of `month` (1–12) of this year, or `None` for another month number.
    pub fn month_end(self, month: u32) -> Option<NaiveDate> {
        match month {
            12 => Some(self.end),
            // Month 0 would otherwise come out as 31 December of the year before.
            1..=11 => NaiveDate::from_ymd_opt(self.year, month + 1, 1)?.pred_opt(),
            _ => None,
        }
    }
}

impl TryFrom<i32> for FiscalYear {
    type Error = ParseError;
    fn try_from(year: i32) -> Result<FiscalYear, ParseError> {
        FiscalYear::new(year)
    }
}

impl From<FiscalYear> for i32 {
    fn from(y: FiscalYear) -> i32 {
        y.year
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_and_days() {
        let y = FiscalYear::new(2024).unwrap();
        assert_eq!(y.days_in_year(), 366);
        assert_eq!(y.months_elapsed(d(2024, 2, 29)), 2);
        assert_eq!(y.months_elapsed(d(2024, 2, 28)), 1);
        assert_eq!(y.months_elapsed(d(2023, 12, 31)), 0);
        assert_eq!(y.months_elapsed(d(2025, 1, 1)), 12);
        assert_eq!(y.days_elapsed(d(2024, 12, 31)), 366);
        assert_eq!(y.month_end(2), Some(d(2024, 2, 29)));
        assert_eq!(y.month_end(13), None);
        assert_eq!(y.month_end(0), None);
        assert!(FiscalYear::new(10_000).is_err());
    }
}
