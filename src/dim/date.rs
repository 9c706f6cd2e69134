//! `YYYY-MM-DD`: the one strict reading of a date written by a machine (JSON, the kit's CSV
//! files) — exactly ten ASCII bytes, a year from 0001 to 9999, a real calendar date. chrono
//! decides what a calendar date is; a sign (`+2025-03-01`), a short field (`2025-3-1`), a
//! time of day or white space is not a date here.
//!
//! The CSV importer and the workbook reader also take the forms people type (`2021/9/30`,
//! `2021年9月30日`: SPEC §10); machine inputs take this one form only.
#![cfg_attr(
    not(feature = "serde"),
    allow(dead_code, reason = "`parse` and `EXPECTED` are for the JSON reader")
)]

use chrono::NaiveDate;

use crate::error::{ParseError, ParseErrorKind};

/// What a date must look like, for error messages.
pub(crate) const EXPECTED: &str =
    "a date YYYY-MM-DD such as 2025-03-01 (ten characters, year 0001-9999, a calendar date)";

/// `YYYY-MM-DD` → the date, or `None` when the text is not exactly that shape (ten ASCII
/// bytes, year 0001–9999) or names no calendar date (`2025-02-29`).
#[inline]
pub(crate) fn read(text: &[u8]) -> Option<NaiveDate> {
    let bytes: &[u8; 10] = text.try_into().ok()?;
    let [y0, y1, y2, y3, h1, m0, m1, h2, d0, d1] = *bytes;
    if h1 != b'-' || h2 != b'-' {
        return None;
    }
    let dig = |c: u8| {
        let d = c.wrapping_sub(b'0');
        (d < 10).then_some(d)
    };
    let year = i32::from(dig(y0)?) * 1000
        + i32::from(dig(y1)?) * 100
        + i32::from(dig(y2)?) * 10
        + i32::from(dig(y3)?);
    let month = u32::from(dig(m0)?) * 10 + u32::from(dig(m1)?);
    let day = u32::from(dig(d0)?) * 10 + u32::from(dig(d1)?);
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// [`read`] with an error that quotes the text and says what was expected.
pub(crate) fn parse(text: &str) -> Result<NaiveDate, ParseError> {
    read(text.as_bytes())
        .ok_or_else(|| ParseError::new("date", text, ParseErrorKind::Format(EXPECTED)))
}

/// The serde side: every date a user gives through JSON is read by [`parse`]. Fields use
/// `#[serde(deserialize_with = "crate::dim::date::wire::date")]` (or `option`); lists of
/// dated entries deserialize [`Day`]s. Dates are written as chrono writes them
/// (`2025-03-01`), which [`parse`] reads back.
#[cfg(feature = "serde")]
pub(crate) mod wire {
    use std::fmt;

    use chrono::NaiveDate;
    use serde::de::{self, Deserialize, Deserializer, Visitor};

    /// A date read from JSON by [`super::parse`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) struct Day(pub(crate) NaiveDate);

    impl<'de> Deserialize<'de> for Day {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Day;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(super::EXPECTED)
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Day, E> {
                    super::parse(v).map(Day).map_err(E::custom)
                }
            }
            d.deserialize_str(V)
        }
    }

    /// A `NaiveDate` field.
    pub(crate) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        Day::deserialize(d).map(|Day(date)| date)
    }

    /// An `Option<NaiveDate>` field (`null` or a date).
    pub(crate) fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Day>::deserialize(d).map(|o| o.map(|Day(date)| date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_ten_byte_form_of_a_calendar_date() {
        let d = |s: &str| read(s.as_bytes());
        assert_eq!(d("2025-03-01"), NaiveDate::from_ymd_opt(2025, 3, 1));
        assert_eq!(d("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        assert_eq!(d("9999-12-31"), NaiveDate::from_ymd_opt(9999, 12, 31));
        for bad in [
            "+2025-03-01",
            "2025-3-1",
            "2025-03-1",
            "0000-01-01",
            "2025-02-29",
            "2025-13-01",
            " 2025-03-01",
            "2025/03/01",
            "２０２５-03-01",
            "2025-03-01T00:00:00",
            "",
        ] {
            assert_eq!(d(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse("2025-3-1").unwrap_err().to_string(),
            format!("invalid date \"2025-3-1\": expected {EXPECTED}")
        );
    }
}
