//! Splitting a line into fields, and the general field parsers: every spelling the ledger
//! accepts, and the error naming what is wrong. The fast path ([`super::fast`]) takes the
//! plain spellings only and falls back to these.

use std::borrow::Cow;

use chrono::NaiveDate;
use memchr::memchr;

use super::dates::{self, Window};
use super::sums::{CATEGORIES, category_name, level_name};
use crate::dim::{ProjectId, RecordId};
use crate::error::{ParseError, ParseErrorKind};
use crate::import::{InputErrorKind as Kind, text_amount};
use crate::money::Unit;
use crate::{Category, FundLevel, Money, ProjectStage, RegionCode};

/// A row error: column index and what is wrong (the line is added by the caller).
pub(crate) type RowError = (Option<usize>, Kind);

/// `s` around the byte at `i`, one that `memchr` found in it: the bytes before and after.
#[inline(always)]
#[allow(clippy::inline_always)] // on every field and line end of the fast path
pub(crate) fn around(s: &[u8], i: usize) -> (&[u8], &[u8]) {
    debug_assert!(i < s.len());
    // `split_at` cannot panic: i < s.len().
    let (head, tail) = s.split_at(i.min(s.len()));
    match tail {
        [_, rest @ ..] => (head, rest),
        [] => (head, tail),
    }
}

/// The line at the start of `s` (without `\n`) and the rest after its line end.
#[inline]
pub(crate) fn split_line(s: &[u8]) -> (&[u8], &[u8]) {
    match memchr(b'\n', s) {
        Some(i) => around(s, i),
        None => (s, &[]),
    }
}

/// The longest field a row may have: ids take 64 bytes, every other field far less.
pub(crate) const MAX_FIELD: usize = 256;

/// The start of a bad value for an error, as every reader quotes it.
pub(crate) use crate::error::start_of;

/// A field as quoted in an error ([`start_of`]).
pub(crate) fn lossy(b: &[u8]) -> String {
    start_of(b)
}

/// A field as text; bytes that are not UTF-8 are an error naming GBK when they look like
/// it (the general parsers run on a field only when the fast path did not take it).
fn text(b: &[u8]) -> Result<Cow<'_, str>, Kind> {
    match std::str::from_utf8(b) {
        Ok(t) => Ok(Cow::Borrowed(t)),
        Err(_) => Err(not_utf8(b)),
    }
}

/// Splits a line into fields.
pub(crate) struct Fields<'a> {
    line: &'a [u8],
    rest: &'a [u8],
    expected: usize,
    /// Fields taken so far.
    index: usize,
}

impl<'a> Fields<'a> {
    /// The fields of `line`, which must have `expected` of them.
    #[inline]
    pub(crate) fn new(line: &'a [u8], expected: usize) -> Self {
        Fields {
            line,
            rest: line,
            expected,
            index: 0,
        }
    }

    fn count_error(&self) -> RowError {
        // A quoted field with a comma inside (`"1,234.56"`) is named as quoted, not as a
        // count of fields the writer did not mean.
        if let Some(q) = memchr(b'"', self.line) {
            let column = memchr::memchr_iter(b',', self.line.split_at(q).0).count();
            return (Some(column), Kind::Quoted);
        }
        let found = memchr::memchr_iter(b',', self.line).count() + 1;
        (
            None,
            Kind::FieldCount {
                expected: self.expected,
                found,
            },
        )
    }

    /// The next field (one followed by a comma).
    #[inline]
    pub(crate) fn next(&mut self) -> Result<&'a [u8], RowError> {
        match memchr(b',', self.rest) {
            Some(i) => {
                let (f, r) = around(self.rest, i);
                self.rest = r;
                self.field(f)
            }
            None => Err(self.count_error()),
        }
    }

    /// The last field: the rest of the line, which must hold no comma.
    #[inline]
    pub(crate) fn last(&mut self) -> Result<&'a [u8], RowError> {
        if memchr(b',', self.rest).is_some() {
            return Err(self.count_error());
        }
        self.field(self.rest)
    }

    /// A field no longer than [`MAX_FIELD`] and without a quote (for every field parser;
    /// a quote inside an id such as `5"97` is refused as CSV import refuses it); counts it.
    #[inline]
    fn field(&mut self, f: &'a [u8]) -> Result<&'a [u8], RowError> {
        let column = self.index;
        self.index += 1;
        if memchr(b'"', f).is_some() {
            return Err((Some(column), Kind::Quoted));
        }
        if f.len() > MAX_FIELD {
            return Err((
                Some(column),
                Kind::FieldTooLong {
                    limit: MAX_FIELD,
                    start: start_of(f),
                },
            ));
        }
        Ok(f)
    }
}

/// Eight digit values (0–9, the first in the lowest byte) → their number, by three
/// multiplies instead of a chain of eight.
#[inline(always)]
#[allow(clippy::inline_always)] // once per amount and id of the fast path
pub(crate) fn eight_digits(v: u64) -> u64 {
    let v = (v.wrapping_mul(10).wrapping_add(v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100).wrapping_add(v >> 16)) & 0x0000_FFFF_0000_FFFF;
    (v.wrapping_mul(10_000).wrapping_add(v >> 32)) & 0xFFFF_FFFF
}

/// Six ASCII digits → their number (below 1,000,000), by independent products rather than
/// a chain of multiply-adds.
#[inline(always)]
#[allow(clippy::inline_always)] // once per row of the fast path
pub(crate) fn six_digits(d: [u8; 6]) -> Option<u32> {
    let v = d.map(|c| u32::from(c.wrapping_sub(b'0')));
    if v.iter().any(|&x| x > 9) {
        return None;
    }
    let [d0, d1, d2, d3, d4, d5] = v;
    Some(d0 * 100_000 + d1 * 10_000 + d2 * 1_000 + d3 * 100 + d4 * 10 + d5)
}

/// A date field, checked against the year window.
#[inline]
pub(crate) fn date(s: &[u8], window: Option<Window>) -> Result<NaiveDate, Kind> {
    let t = text(s)?;
    let date = dates::read(s)
        .or_else(|| dates::read(t.trim().as_bytes()))
        .ok_or_else(|| {
            Kind::Value(ParseError::new(
                "date",
                lossy(s),
                ParseErrorKind::Format("a calendar date YYYY-MM-DD"),
            ))
        })?;
    match window {
        Some(w) if !w.contains(date) => Err(Kind::OutsideYear {
            date,
            year: w.year(),
        }),
        _ => Ok(date),
    }
}

/// A region code field as a number below 1,000,000 (checked fully on first sight).
#[inline]
pub(crate) fn code(s: &[u8]) -> Result<u32, Kind> {
    if let Some(n) = <[u8; 6]>::try_from(s).ok().and_then(six_digits) {
        return Ok(n);
    }
    text(s)?
        .parse::<RegionCode>()
        .map(RegionCode::get)
        .map_err(|e| Kind::Value(ParseError::new("region code", lossy(s), e.kind().clone())))
}

/// A fund level field → index 0–3.
#[inline]
pub(crate) fn level(s: &[u8]) -> Result<usize, Kind> {
    if let Some(i) = (0..FundLevel::ALL.len()).find(|&i| level_name(i).as_bytes() == s) {
        return Ok(i);
    }
    Ok(text(s)?.parse::<FundLevel>().map_err(Kind::Value)?.index())
}

/// A category field → built-in index 0–4.
#[inline]
pub(crate) fn category(s: &[u8]) -> Result<usize, Kind> {
    if let Some(i) = (0..CATEGORIES).find(|&i| category_name(i).as_bytes() == s) {
        return Ok(i);
    }
    // The bulk path counts the built-ins only: a near miss is a typo (named with the
    // label it is nearest), any other label a locality's own category.
    match text(s)?.parse::<Category>() {
        Ok(c) => c
            .built_in_index()
            .ok_or_else(|| Kind::CustomCategory(lossy(s))),
        Err(e)
            if matches!(
                e.kind(),
                crate::error::ParseErrorKind::NotInVocabulary {
                    suggestion: None,
                    ..
                }
            ) && !s.is_ascii() =>
        {
            Err(Kind::CustomCategory(lossy(s)))
        }
        Err(e) => Err(Kind::Value(e)),
    }
}

/// A project status field → whether the project is in the pool.
#[inline]
pub(crate) fn status(s: &[u8]) -> Result<bool, Kind> {
    match s {
        b"planned" | b"approved" | b"in_progress" | b"completed" => Ok(true),
        _ => text(s)?
            .parse::<ProjectStage>()
            .map(ProjectStage::is_pooled)
            .map_err(Kind::Value),
    }
}

/// An id field: 1–64 bytes, no control characters, no spaces at the ends.
#[inline]
pub(crate) fn id(s: &[u8], project: bool) -> Result<(), Kind> {
    // Printable ASCII is the commonest id; other text goes through the ids' own check.
    let plain = !s.is_empty()
        && s.len() <= 64
        && s.first() != Some(&b' ')
        && s.last() != Some(&b' ')
        && s.iter().all(|&b| (0x20..0x7f).contains(&b) && b != b'"');
    if plain {
        return Ok(());
    }
    let t = text(s)?;
    let checked = if project {
        t.parse::<ProjectId>().map(|_| ())
    } else {
        t.parse::<RecordId>().map(|_| ())
    };
    checked.map_err(Kind::Value)
}

/// Bytes that are not UTF-8: GBK named as such (an Excel/WPS export), others by the first
/// bad byte.
fn not_utf8(s: &[u8]) -> Kind {
    if crate::import::looks_gbk(s) {
        return Kind::Gbk;
    }
    let bad = std::str::from_utf8(s)
        .err()
        .and_then(|e| s.get(e.valid_up_to()).copied());
    debug_assert!(bad.is_some(), "called on bytes that are not UTF-8");
    Kind::NotUtf8(bad.unwrap_or(0))
}

/// Plain `digits[.d[d]]` → 分, or `None` for anything else.
#[inline]
fn fast_fen(s: &[u8]) -> Option<i64> {
    let mut v: i64 = 0;
    let mut int_digits = 0u32;
    let mut frac: Option<u32> = None;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            v = v * 10 + i64::from(d);
            match &mut frac {
                Some(f) => *f += 1,
                None => int_digits += 1,
            }
            if int_digits > 15 || frac.is_some_and(|f| f > 2) {
                return None;
            }
        } else if b == b'.' && frac.is_none() {
            frac = Some(0);
        } else {
            return None;
        }
    }
    if int_digits == 0 {
        return None;
    }
    match frac {
        None => Some(v * 100),
        Some(1) => Some(v * 10),
        Some(2) => Some(v),
        Some(_) => None,
    }
}

/// A planned investment of 元 → 分: zero or more (a project with nothing planned yet is in
/// the ledger too).
#[inline]
pub(crate) fn planned(s: &[u8]) -> Result<i64, Kind> {
    match amount(s) {
        Err(Kind::NotPositive { .. })
            if text_amount(&text(s)?, Unit::Yuan).is_ok_and(Money::is_zero) =>
        {
            Ok(0)
        }
        r => r,
    }
}

/// A positive amount of 元 → 分.
#[inline]
pub(crate) fn amount(s: &[u8]) -> Result<i64, Kind> {
    let fen = if let Some(f) = fast_fen(s) {
        f
    } else {
        // The CSV importer's rule for a column of 元: `12万` is no amount of 元.
        let m = text_amount(&text(s)?, Unit::Yuan).map_err(Kind::Value)?;
        i64::try_from(m.to_fen())
            .ok()
            .filter(|&f| f < i64::MAX)
            .ok_or_else(|| Kind::AmountTooLarge { text: lossy(s) })?
    };
    if fen <= 0 {
        return Err(Kind::NotPositive { text: lossy(s) });
    }
    Ok(fen)
}

/// Wraps a field result with its column index.
#[inline]
pub(crate) fn at<T>(col: usize, r: Result<T, Kind>) -> Result<T, RowError> {
    r.map_err(|k| (Some(col), k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_whole_fen() {
        assert_eq!(fast_fen(b"12.3"), Some(1230));
        assert_eq!(fast_fen(b"12.34"), Some(1234));
        assert_eq!(fast_fen(b"12"), Some(1200));
        assert_eq!(fast_fen(b"12.345"), None);
        assert_eq!(fast_fen(b".5"), None);
        assert_eq!(fast_fen(b"1234567890123456"), None);
        assert_eq!(
            amount(b"999999999999999.99").ok(),
            Some(99_999_999_999_999_999)
        );
        assert!(matches!(amount(b"0.00"), Err(Kind::NotPositive { .. })));
        assert!(matches!(amount(b"-5.00"), Err(Kind::NotPositive { .. })));
        assert!(matches!(
            amount(b"99999999999999999999"),
            Err(Kind::AmountTooLarge { .. })
        ));
        assert!(matches!(amount(b"12.345"), Err(Kind::Value(_))));
        // The importer's rule for a column of 元: its own unit may be repeated, no other
        // unit named.
        assert_eq!(amount("30700.48元".as_bytes()).ok(), Some(3_070_048));
        assert_eq!(amount("1,234.56".as_bytes()).ok(), Some(123_456));
        for other in ["12万", "1亿", "1000万元", "0.5亿元"] {
            assert!(
                matches!(amount(other.as_bytes()), Err(Kind::Value(_))),
                "{other}"
            );
        }
        assert_eq!(planned("0元".as_bytes()).ok(), Some(0));
        assert!(planned("0万".as_bytes()).is_err());
        assert_eq!(fast_fen(b"1.000000000000000000000001"), None);
        assert!(matches!(
            amount(b"1.000000000000000000000001"),
            Err(Kind::Value(_))
        ));
    }

    #[test]
    fn vocabularies_accept_chinese_labels() {
        assert_eq!(level("中央".as_bytes()).ok(), Some(0));
        assert_eq!(category("产业发展".as_bytes()).ok(), Some(0));
        assert!(matches!(
            category("以工代赈".as_bytes()),
            Err(Kind::CustomCategory(_))
        ));
        assert!(matches!(category(b"industy"), Err(Kind::Value(_))));
    }

    #[test]
    fn dates_are_read_once_and_checked_against_the_year() {
        let w = Window::of(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert_eq!(
            date(b" 2025-01-05 ", Some(w)).ok(),
            NaiveDate::from_ymd_opt(2025, 1, 5)
        );
        assert!(matches!(
            date(b"2024-12-31", Some(w)),
            Err(Kind::OutsideYear { year: 2025, .. })
        ));
        assert!(date(b"2024-12-31", None).is_ok());
        assert!(matches!(date(b"2025-02-29", None), Err(Kind::Value(_))));
    }

    #[test]
    fn lines_and_fields_split_at_their_bytes() {
        assert_eq!(split_line(b"ab\ncd"), (&b"ab"[..], &b"cd"[..]));
        assert_eq!(split_line(b"ab\n"), (&b"ab"[..], &b""[..]));
        assert_eq!(split_line(b"ab"), (&b"ab"[..], &b""[..]));
        assert_eq!(six_digits(*b"450521"), Some(450_521));
        assert_eq!(six_digits(*b"45052a"), None);
        assert_eq!(code(b"450521").ok(), Some(450_521));
        let mut f = Fields::new(b"a,b,c", 3);
        assert_eq!(f.next().ok(), Some(&b"a"[..]));
        assert_eq!(f.next().ok(), Some(&b"b"[..]));
        assert_eq!(f.last().ok(), Some(&b"c"[..]));
    }
}
