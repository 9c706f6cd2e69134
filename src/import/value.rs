//! One cell's value, from a CSV field or a workbook cell, and the one reading of each kind
//! of value: text, dates, amounts, whole numbers.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{ParseError, ParseErrorKind};
use crate::money::{Money, Unit};

/// A cell as a reader found it. CSV fields are always text; a workbook cell may be a
/// number (a binary double), a date or an error value.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(
    not(feature = "xlsx"),
    expect(
        dead_code,
        reason = "only the workbook reader finds cells that are not text"
    )
)]
pub(crate) enum Value<'a> {
    Empty,
    Text(&'a str),
    /// A numeric cell: the double the file stores.
    Number(f64),
    /// A date cell, already a calendar date.
    Date(NaiveDate),
    /// A date-time cell with a time of day, as written (`2021-09-30 14:00`).
    DateTime(NaiveDate),
    Bool(bool),
    /// An error value (`#REF!`, `#DIV/0!`).
    Error(&'a str),
    /// A formula cell without a cached value.
    Uncached,
}

impl Value<'_> {
    /// Whether the cell holds nothing (an empty cell or text of spaces only).
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => trim(t).is_empty(),
            _ => false,
        }
    }

    /// The cell as a person sees it, for error messages.
    pub(crate) fn shown(&self) -> Cow<'_, str> {
        match self {
            Value::Empty => Cow::Borrowed(""),
            Value::Text(t) => Cow::Borrowed(t),
            Value::Number(f) => {
                Cow::Owned(excel_decimal(*f).map_or_else(|| format!("{f}"), |d| d.to_string()))
            }
            Value::Date(d) | Value::DateTime(d) => Cow::Owned(d.to_string()),
            Value::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Value::Error(e) => Cow::Borrowed(e),
            Value::Uncached => Cow::Borrowed("(formula without a cached value)"),
        }
    }
}

/// Why a cell could not be read as what its column holds (the parse error's kind, or one
/// of the cell-type errors below).
pub(crate) fn cell_error(what: &'static str, v: &Value<'_>, expected: &'static str) -> ParseError {
    let kind = match v {
        Value::Empty => ParseErrorKind::Empty,
        Value::Error(_) => ParseErrorKind::Format("a value, not an error value (fix the formula)"),
        Value::Uncached => ParseErrorKind::Format(
            "a formula with a cached value (open and save the file in Excel or WPS)",
        ),
        _ => ParseErrorKind::Format(expected),
    };
    ParseError::new(what, v.shown(), kind)
}

/// The double as Excel shows it: rounded to 15 significant digits, trailing zeros dropped
/// (864.1499999999999 → 864.15). `None` for infinities and NaN.
///
/// Formatting with 14 digits after the point in scientific notation rounds the double's
/// exact binary value once, correctly; the digits and the exponent are then read as an
/// exact decimal, so no arithmetic is done on the double.
pub(crate) fn excel_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    let sci = format!("{f:.14e}");
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let n: i128 = digits.parse().ok()?;
    // mantissa d.dddddddddddddd × 10^exp = n × 10^(exp − 14)
    let shift = exp.checked_sub(14)?;
    let value = if shift >= 0 {
        let scale = 10i128.checked_pow(u32::try_from(shift).ok()?)?;
        Decimal::try_from_i128_with_scale(n.checked_mul(scale)?, 0).ok()?
    } else {
        let scale = u32::try_from(-shift).ok()?;
        if scale > 28 {
            // Below 10^-14: smaller than any amount a ledger holds; keep the digits
            // that fit (the value is rejected as too many decimals anyway).
            Decimal::try_from_i128_with_scale(n, 28).ok()?
        } else {
            Decimal::try_from_i128_with_scale(n, scale).ok()?
        }
    };
    let value = if negative { -value } else { value };
    Some(value.normalize())
}

/// An amount in the column's `unit`: a numeric cell read as Excel shows it, or text in the
/// money formats of SPEC §5, which may repeat the column's unit but not name another.
pub(crate) fn amount(v: &Value<'_>, unit: Unit) -> Result<Money, ParseError> {
    match v {
        Value::Number(f) => {
            let d = excel_decimal(*f).ok_or_else(|| {
                ParseError::new(
                    "amount",
                    v.shown(),
                    ParseErrorKind::Format("a finite number"),
                )
            })?;
            Money::in_unit(d, unit)
                .map_err(|e| ParseError::new("amount", v.shown(), e.kind().clone()))
        }
        Value::Text(t) => text_amount(t, unit),
        _ => Err(cell_error("amount", v, "an amount")),
    }
}

/// A text amount in a column of `unit`: the money formats of SPEC §5, which may repeat the
/// column's unit but not name another (`12万` under `amount_yuan` is an error). The one rule
/// for a text amount under a unit column, the bulk path's too.
pub(crate) fn text_amount(text: &str, unit: Unit) -> Result<Money, ParseError> {
    if let Some(m) = plain_amount(text, unit) {
        return Ok(m);
    }
    let t = text.trim();
    if t.is_empty() {
        return Err(ParseError::new("amount", text, ParseErrorKind::Empty));
    }
    let written = [
        ("万元", Unit::Wan),
        ("亿元", Unit::Yi),
        ("元", Unit::Yuan),
        ("万", Unit::Wan),
        ("亿", Unit::Yi),
    ]
    .into_iter()
    .find_map(|(suffix, u)| t.strip_suffix(suffix).map(|rest| (rest, u)));
    let body = match written {
        Some((rest, u)) if u == unit => rest,
        Some(_) => {
            return Err(ParseError::new(
                "amount",
                text,
                ParseErrorKind::Format(match unit {
                    Unit::Yuan => "a number of 元, as the column header says (no other unit)",
                    Unit::Wan => "a number of 万元, as the column header says (no other unit)",
                    Unit::Yi => "a number of 亿元, as the column header says (no other unit)",
                }),
            ));
        }
        None => t,
    };
    format!("{body}{}", unit.suffix())
        .parse::<Money>()
        .map_err(|e| ParseError::new("amount", text, e.kind().clone()))
}

/// `text.trim()`, without its work for text that begins and ends with a visible ASCII
/// character (most cells).
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// The commonest amount text, `123` or `123.4` or `123.45` (digits, at most 15 before the
/// point, 1 or 2 after it), read straight into 分: what [`text_amount`] reads it as,
/// without its general parse. `None` for anything else (signs, spaces, separators, units,
/// more decimals), which takes the general parse.
fn plain_amount(text: &str, unit: Unit) -> Option<Money> {
    Money::checked_from_fen(plain_fen(text, unit)?)
}

/// [`plain_amount`] in 分: the commonest amount text read straight into 分, within what a
/// [`Money`] holds (at most 15 digits before the point and 8 places of unit: below 10²⁵).
pub(crate) fn plain_fen(text: &str, unit: Unit) -> Option<i128> {
    let (whole, frac) = match text.bytes().position(|b| b == b'.') {
        Some(p) => (text.get(..p)?, Some(text.get(p + 1..)?)),
        None => (text, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || !digits(whole) {
        return None;
    }
    let mut fen: i128 = 0;
    for b in whole.bytes() {
        fen = fen * 10 + i128::from(b - b'0');
    }
    let mut places = 0;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 2 || !digits(f) {
            return None;
        }
        for b in f.bytes() {
            fen = fen * 10 + i128::from(b - b'0');
            places += 1;
        }
    }
    for _ in places..2 + unit.exponent() {
        fen *= 10;
    }
    Some(fen)
}

/// A calendar date: a date cell, or text `2021-09-30`, `2021/9/30`, `2021.9.30` or
/// `2021年9月30日`.
pub(crate) fn date(v: &Value<'_>) -> Result<NaiveDate, ParseError> {
    const FORMS: &str = "a date such as 2021-09-30, 2021/9/30, 2021.9.30 or 2021年9月30日";
    match v {
        Value::Date(d) => Ok(*d),
        Value::DateTime(_) => Err(ParseError::new(
            "date",
            v.shown(),
            ParseErrorKind::Format("a date without a time of day"),
        )),
        Value::Text(t) => {
            text_date(t).ok_or_else(|| ParseError::new("date", *t, ParseErrorKind::Format(FORMS)))
        }
        Value::Number(_) => Err(ParseError::new(
            "date",
            v.shown(),
            ParseErrorKind::Format("a date, not a number (format the cell as a date)"),
        )),
        _ => Err(cell_error("date", v, FORMS)),
    }
}

/// A date in one of the text forms; `None` for anything else (a sign, a two-digit year,
/// the year 0000, a month 13).
pub(crate) fn text_date(text: &str) -> Option<NaiveDate> {
    // The commonest form, `2021-09-30`: the machine reading (`dim::date`), which the rest
    // agrees with on that form.
    if let Some(d) = crate::dim::date::read(text.as_bytes()) {
        return Some(d);
    }
    let t = text.trim();
    let (y, rest, sep) = if let Some((y, rest)) = t.split_once('年') {
        (y, rest.strip_suffix('日')?, '月')
    } else {
        let sep = t.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        let (y, rest) = t.split_once(sep)?;
        (y, rest, sep)
    };
    let (m, d) = rest.split_once(sep)?;
    let num = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if y.len() != 4 {
        return None;
    }
    // Years 0001–9999, as the machine reading takes them.
    let year = i32::try_from(num(y, 4)?).ok().filter(|&y| y > 0)?;
    NaiveDate::from_ymd_opt(year, num(m, 2)?, num(d, 2)?)
}

/// Text, or a whole number written as a number (an id or code typed into a numeric cell:
/// `1001`, not `1001.5`).
pub(crate) fn text<'a>(what: &'static str, v: &Value<'a>) -> Result<Cow<'a, str>, ParseError> {
    match v {
        Value::Text(t) => Ok(Cow::Borrowed(trim(t))),
        Value::Number(f) => match excel_decimal(*f) {
            Some(d) if d.fract().is_zero() => Ok(Cow::Owned(d.trunc().to_string())),
            _ => Err(ParseError::new(
                what,
                v.shown(),
                ParseErrorKind::Format("text or a whole number"),
            )),
        },
        _ => Err(cell_error(what, v, "text")),
    }
}

/// A whole number (a batch, a year) from text or a numeric cell.
pub(crate) fn whole<T: TryFrom<i64>>(
    what: &'static str,
    v: &Value<'_>,
    expected: &'static str,
) -> Result<T, ParseError> {
    let bad = || ParseError::new(what, v.shown(), ParseErrorKind::Format(expected));
    let t = text(what, v).map_err(|_| bad())?;
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = t.parse().map_err(|_| bad())?;
    T::try_from(n).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_amounts_read_as_the_general_parse_reads_them() {
        for text in [
            "0",
            "00",
            "7",
            "007.5",
            "1746287.52",
            "179.37",
            "12.3",
            "999999999999999.99",
            "12.",
            ".5",
            "1.234",
            "-1",
            "1,234",
            " 12",
            "12元",
            "1e5",
            "",
        ] {
            for unit in [Unit::Yuan, Unit::Wan, Unit::Yi] {
                let general = format!("{text}{}", unit.suffix()).parse::<Money>().ok();
                if let Some(fast) = plain_amount(text, unit) {
                    assert_eq!(Some(fast), general, "{text} in {unit:?}");
                }
            }
        }
        assert_eq!(plain_amount("12.", Unit::Yuan), None);
        assert_eq!(plain_amount("1.234", Unit::Wan), None);
        assert_eq!(
            plain_amount("1.5", Unit::Wan).map(Money::to_fen),
            Some(1_500_000)
        );
    }

    #[test]
    fn doubles_read_as_excel_shows_them() {
        let d = |f: f64| excel_decimal(f).map(|d| d.to_string());
        assert_eq!(d(864.149_999_999_999_9).as_deref(), Some("864.15"));
        assert_eq!(d(0.300_000_000_000_000_04).as_deref(), Some("0.3"));
        assert_eq!(d(1e15).as_deref(), Some("1000000000000000"));
        assert_eq!(d(-2.5).as_deref(), Some("-2.5"));
        assert_eq!(d(0.0).as_deref(), Some("0"));
        assert_eq!(d(f64::NAN), None);
    }

    #[test]
    fn text_dates_in_the_forms_people_type() {
        let ok = NaiveDate::from_ymd_opt(2021, 9, 30);
        for t in [
            "2021-09-30",
            "2021/9/30",
            "2021.9.30",
            "2021年9月30日",
            " 2021-9-30 ",
        ] {
            assert_eq!(text_date(t), ok, "{t}");
        }
        for t in [
            "+2021-09-30",
            "21/9/30",
            "2021-13-01",
            "2021-09",
            "2021/09-30",
            "2021年9月30",
            "２０２１-9-30",
            "0000-01-05",
            "0000/1/5",
            "0000年1月5日",
        ] {
            assert_eq!(text_date(t), None, "{t}");
        }
    }

    #[test]
    fn a_text_amount_may_repeat_its_column_unit_only() {
        let m = |t: &str, u| text_amount(t, u).map(Money::to_fen);
        assert_eq!(m("12万", Unit::Wan), Ok(12_000_000));
        assert_eq!(m("30700.48万元", Unit::Wan), Ok(30_700_480_000));
        assert_eq!(m("1亿", Unit::Yi), Ok(10_000_000_000));
        assert_eq!(m("1,234.56", Unit::Yuan), Ok(123_456));
        assert!(m("12万", Unit::Yuan).is_err());
        assert!(m("1.234", Unit::Yuan).is_err());
        assert_eq!(m("0.000001", Unit::Wan), Ok(1));
    }
}
