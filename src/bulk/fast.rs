//! The fast path of the scanner: one pass over a line with no allocation and no error
//! values. It accepts only the plain shape of each field (`2025-06-30`, `450521`,
//! `central`, `1234.56`, a known county); anything else, valid or not, falls back to the
//! general row parsers of [`super::scan`], which accept every spelling the ledger accepts
//! and build the error message. Both paths add the same amounts, so the fall-back changes
//! speed, never results.

use memchr::memchr;

use super::scan::{Acc, BUCKETS, CATEGORIES, Ctx};

/// The last date seen, so that a run of rows on the same day is checked once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DateCache {
    bytes: [u8; 10],
    key: u32,
}

impl DateCache {
    pub(crate) fn new() -> Self {
        DateCache {
            bytes: [0; 10],
            key: 0,
        }
    }
}

/// An id followed by a comma: 1–64 bytes of printable text without quotes, no spaces at the
/// ends.
#[inline]
fn id(rest: &mut &[u8]) -> Option<()> {
    let s = *rest;
    let mut i = 0;
    loop {
        let b = *s.get(i)?;
        if b == b',' {
            break;
        }
        if b < 0x20 || b == b'"' || b == 0x7f {
            return None;
        }
        i += 1;
    }
    if i == 0 || i > 64 || s.first() == Some(&b' ') || s.get(i - 1) == Some(&b' ') {
        return None;
    }
    *rest = s.get(i + 1..)?;
    Some(())
}

/// `YYYY-MM-DD,` → `yyyymmdd`, checked against the fiscal year.
#[inline]
fn date(rest: &mut &[u8], cache: &mut DateCache, ctx: &Ctx) -> Option<u32> {
    let d: &[u8; 11] = rest.get(..11)?.try_into().ok()?;
    let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, comma] = *d;
    if comma != b',' {
        return None;
    }
    let bytes = [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9];
    let key = if bytes == cache.bytes {
        cache.key
    } else {
        let key = super::scan::fast_date(&bytes)?;
        if let Some((_, start, end)) = ctx.year {
            if key < start || key > end {
                return None;
            }
        }
        *cache = DateCache { bytes, key };
        key
    };
    *rest = rest.get(11..)?;
    Some(key)
}

/// Six digits and a comma → the code as a number.
#[inline]
fn code(rest: &mut &[u8]) -> Option<u32> {
    let d: &[u8; 7] = rest.get(..7)?.try_into().ok()?;
    let [c0, c1, c2, c3, c4, c5, comma] = *d;
    if comma != b',' {
        return None;
    }
    let mut n = 0u32;
    for c in [c0, c1, c2, c3, c4, c5] {
        let v = c.wrapping_sub(b'0');
        if v > 9 {
            return None;
        }
        n = n * 10 + u32::from(v);
    }
    *rest = rest.get(7..)?;
    Some(n)
}

/// Tries each `(name + ",", value)` in turn.
#[inline]
fn word(rest: &mut &[u8], words: &[(&[u8], usize)]) -> Option<usize> {
    for &(w, v) in words {
        if let Some(r) = rest.strip_prefix(w) {
            *rest = r;
            return Some(v);
        }
    }
    None
}

const LEVELS: [(&[u8], usize); 4] = [
    (b"central,", 0),
    (b"provincial,", 1),
    (b"county,", 3),
    (b"city,", 2),
];
const CATEGORY_WORDS: [(&[u8], usize); 5] = [
    (b"industry,", 0),
    (b"infrastructure,", 1),
    (b"other,", 4),
    (b"loan_interest,", 2),
    (b"yulu_plan,", 3),
];
const STATUSES: [(&[u8], usize); 4] = [
    (b"in_progress", 0),
    (b"planned", 0),
    (b"approved", 0),
    (b"completed", 0),
];

/// A digit's value.
#[inline]
fn digit(b: Option<&u8>) -> Option<i64> {
    let d = b?.wrapping_sub(b'0');
    if d < 10 { Some(i64::from(d)) } else { None }
}

/// Plain positive `digits[.d[d]]` up to `terminator` (or `\r\n`, or the end of the chunk)
/// → 分.
#[inline]
fn amount(rest: &mut &[u8], terminator: u8) -> Option<i64> {
    let s = *rest;
    let mut v: i64 = 0;
    let mut i = 0;
    while let Some(d) = digit(s.get(i)) {
        v = v * 10 + d;
        i += 1;
    }
    if i == 0 || i > 15 {
        return None;
    }
    let mut scale = 100;
    if s.get(i) == Some(&b'.') {
        v = v * 10 + digit(s.get(i + 1))?;
        i += 2;
        scale = 10;
        if let Some(d) = digit(s.get(i)) {
            v = v * 10 + d;
            i += 1;
            scale = 1;
        }
    }
    let fen = v * scale;
    if fen <= 0 {
        return None;
    }
    match s.get(i) {
        None => *rest = &[],
        Some(&b) if b == terminator => *rest = s.get(i + 1..)?,
        Some(b'\r') if terminator == b'\n' && s.get(i + 1) == Some(&b'\n') => {
            *rest = s.get(i + 2..)?;
        }
        Some(_) => return None,
    }
    Some(fen)
}

/// The rest of the chunk after the current line.
#[inline]
fn skip_line(rest: &[u8]) -> &[u8] {
    match memchr(b'\n', rest) {
        Some(i) => rest.get(i + 1..).unwrap_or_default(),
        None => &[],
    }
}

/// One allocation row; returns the rest of the chunk, or `None` to fall back.
#[inline]
pub(crate) fn allocation<'a>(
    line: &'a [u8],
    acc: &mut Acc,
    ctx: &Ctx,
    cache: &mut DateCache,
) -> Option<(&'a [u8], usize, i64)> {
    let mut r = line;
    id(&mut r)?;
    if date(&mut r, cache, ctx)? > ctx.as_of {
        acc.counts.skipped += 1;
        return Some((skip_line(r), 0, 0));
    }
    let c = code(&mut r)?;
    let lv = word(&mut r, &LEVELS)?;
    let cat = word(&mut r, &CATEGORY_WORDS)?;
    let fen = amount(&mut r, b'\n')?;
    let idx = acc.known(c)?;
    acc.counts.allocations += 1;
    Some((r, idx * BUCKETS + lv * CATEGORIES + cat, fen))
}

/// One project row.
#[inline]
pub(crate) fn project<'a>(
    line: &'a [u8],
    acc: &mut Acc,
    _ctx: &Ctx,
    _cache: &mut DateCache,
) -> Option<(&'a [u8], usize, i64)> {
    let mut r = line;
    id(&mut r)?;
    let c = code(&mut r)?;
    word(&mut r, &CATEGORY_WORDS)?;
    let fen = amount(&mut r, b',')?;
    word(&mut r, &STATUSES)?;
    let rest = match r {
        [] => r,
        [b'\n', tail @ ..] | [b'\r', b'\n', tail @ ..] => tail,
        _ => return None,
    };
    let idx = acc.known(c)?;
    acc.counts.projects += 1;
    Some((rest, idx, fen))
}

/// One expenditure row.
#[inline]
pub(crate) fn expenditure<'a>(
    line: &'a [u8],
    acc: &mut Acc,
    ctx: &Ctx,
    cache: &mut DateCache,
) -> Option<(&'a [u8], usize, i64)> {
    let mut r = line;
    id(&mut r)?;
    if date(&mut r, cache, ctx)? > ctx.as_of {
        acc.counts.skipped += 1;
        return Some((skip_line(r), 0, 0));
    }
    id(&mut r)?;
    let c = code(&mut r)?;
    let lv = word(&mut r, &LEVELS)?;
    let cat = word(&mut r, &CATEGORY_WORDS)?;
    let fen = amount(&mut r, b'\n')?;
    let idx = acc.known(c)?;
    acc.counts.expenditures += 1;
    Some((r, idx * BUCKETS + lv * CATEGORIES + cat, fen))
}
