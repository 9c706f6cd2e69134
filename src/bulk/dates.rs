//! The one calendar of the bulk path: `YYYY-MM-DD` bytes → [`NaiveDate`] (chrono decides
//! what a calendar date is), the year window rows must fall in ([`FiscalYear`]), and the
//! fast path's cache of the last date seen.
//!
//! [`read`] is the only place the bulk path turns date bytes into a date (it is the
//! library's one strict reading, [`crate::dim::date::read`]); the general row parser and the
//! fast path's [`DateCache`] both call it.

use chrono::{Datelike, NaiveDate};

use crate::FiscalYear;

/// `YYYY-MM-DD` → the date, or `None`: the one strict reading of a machine-written date
/// ([`crate::dim::date::read`]), which JSON uses too.
#[inline]
pub(crate) fn read(text: &[u8]) -> Option<NaiveDate> {
    crate::dim::date::read(text)
}

/// The dates rows must fall in: a [`FiscalYear`], or the calendar year of an as-of date
/// whose year is no `FiscalYear` (outside 1900–9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Window {
    /// A fiscal year.
    Fiscal(FiscalYear),
    /// A calendar year `FiscalYear` does not take.
    Calendar(i32),
}

impl Window {
    /// The year of an as-of date: its fiscal year, or its calendar year all the same.
    pub(crate) fn of(as_of: NaiveDate) -> Window {
        FiscalYear::of(as_of).map_or(Window::Calendar(as_of.year()), Window::Fiscal)
    }

    /// The year's number, for an error.
    pub(crate) fn year(self) -> i32 {
        match self {
            Window::Fiscal(y) => y.year(),
            Window::Calendar(y) => y,
        }
    }

    /// Whether `date` falls in the window.
    #[inline]
    pub(crate) fn contains(self, date: NaiveDate) -> bool {
        match self {
            Window::Fiscal(y) => y.contains(date),
            Window::Calendar(y) => date.year() == y,
        }
    }
}

/// A row's date as the sums need it: its day number (days from CE) and whether the row is
/// counted (dated on or before the as-of date).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Day {
    pub(crate) num: i32,
    pub(crate) counted: bool,
}

impl Day {
    /// The day of `date` for a read as of `as_of`.
    #[inline]
    pub(crate) fn of(date: NaiveDate, as_of: NaiveDate) -> Day {
        Day {
            num: date.num_days_from_ce(),
            counted: date <= as_of,
        }
    }
}

/// The last date the fast path read and accepted, so that a run of rows on one day is read
/// once.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DateCache {
    last: Option<([u8; 10], Day)>,
}

impl DateCache {
    /// The day of `bytes` (for a read as of `as_of`) when it is a calendar date inside
    /// `window` (when given); `None` otherwise (the general path then reads it and names
    /// the error). A cache lives for one read: one `as_of`.
    #[inline(always)]
    #[allow(clippy::inline_always)] // once per row of every input, as the rest of `fast`
    pub(crate) fn get(
        &mut self,
        bytes: [u8; 10],
        window: Option<Window>,
        as_of: NaiveDate,
    ) -> Option<Day> {
        if let Some((b, d)) = self.last {
            if b == bytes {
                return Some(d);
            }
        }
        let date = read(&bytes)?;
        if window.is_some_and(|w| !w.contains(date)) {
            return None;
        }
        let day = Day::of(date, as_of);
        self.last = Some((bytes, day));
        Some(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(read(b"2025-06-30"), d(2025, 6, 30));
        assert_eq!(read(b"2024-02-29"), d(2024, 2, 29));
        assert_eq!(read(b"0001-01-01"), d(1, 1, 1));
        for bad in [
            &b"2025-02-29"[..],
            b"2025-13-01",
            b"2025-00-10",
            b"2025-04-31",
            b"2025-1-01",
            b"2025/01/01",
            b"0000-01-01",
            b"2025-06-30 ",
            b"\0\0\0\0\0\0\0\0\0\0",
        ] {
            assert_eq!(read(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn the_cache_never_answers_for_bytes_it_has_not_read() {
        let mut cache = DateCache::default();
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let day = |y, m, d| Some(Day::of(NaiveDate::from_ymd_opt(y, m, d).unwrap(), as_of));
        // Before the first date: NUL bytes are no date (they once matched an empty cache).
        assert_eq!(cache.get([0; 10], None, as_of), None);
        let w = Window::of(as_of);
        assert_eq!(w.year(), 2025);
        assert_eq!(cache.get(*b"2024-12-31", Some(w), as_of), None);
        assert_eq!(cache.get(*b"2025-01-02", Some(w), as_of), day(2025, 1, 2));
        assert_eq!(cache.get(*b"2024-12-31", Some(w), as_of), None);
        assert_eq!(cache.get(*b"2024-12-31", None, as_of), day(2024, 12, 31));
        let later = cache.get(*b"2025-07-01", Some(w), as_of);
        assert_eq!(later.map(|d| d.counted), Some(false));
        assert_eq!(
            cache.get(*b"2025-06-30", Some(w), as_of).map(|d| d.counted),
            Some(true)
        );
    }

    #[test]
    fn years_fiscal_year_does_not_take_are_calendar_years() {
        let w = Window::of(NaiveDate::from_ymd_opt(1850, 3, 1).unwrap());
        assert_eq!(w, Window::Calendar(1850));
        assert!(w.contains(NaiveDate::from_ymd_opt(1850, 12, 31).unwrap()));
        assert!(!w.contains(NaiveDate::from_ymd_opt(1851, 1, 1).unwrap()));
    }
}
