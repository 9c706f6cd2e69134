//! The fast path of the scanner: one pass over a line with no allocation and no error
//! values. It accepts only the plain shape of each field (`2025-06-30`, `450521`,
//! `central`, `1234.56`, a known county); anything else, valid or not, falls back to the
//! general row parsers of [`super::rows`], which accept every spelling the ledger accepts
//! and build the error message. Both paths add the same amounts, so the fall-back changes
//! speed, never results.

// Each helper runs once per field of every row; as plain `#[inline]` functions the
// compiler kept `amount`, `word` and `date` out of line, which cost about a third of the
// per-row time in a profile of the 10M-row file.
#![allow(clippy::inline_always)]

use super::ctx::Ctx;
use super::dates::{DateCache, Day};
use super::fields::{eight_digits, six_digits};
use super::ids::number_before_comma;
use super::projects::{ProjectEntry, ProjectKey, ProjectTable};
use super::sums::{Acc, BUCKETS, CATEGORIES, Row, bucket};

/// What the fast path read from one row: its id (and the id's number when it is a plain
/// one of up to 8 digits), the rest of the chunk, and the row.
pub(crate) struct Step<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) number: Option<u32>,
    pub(crate) rest: &'a [u8],
    pub(crate) row: Row,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is below `n` (`n` ≤ 128). Bits above the lowest
/// set one may be false positives; the lowest is exact.
#[inline(always)]
fn bytes_below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH
}

/// The high bit of each byte of `x` equal to `b` (lowest set bit exact).
#[inline(always)]
fn bytes_equal(x: u64, b: u8) -> u64 {
    bytes_below(x ^ (ONES * u64::from(b)), 1)
}

/// Eight bytes from `at`, little-endian.
#[inline(always)]
fn word_at(s: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(s.get(at..at + 8)?.try_into().ok()?))
}

/// The position of the first comma in `s`, eight bytes at a time; `None` when a control
/// character or a double quote comes first.
#[inline(always)]
fn comma(s: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(w) = word_at(s, at) {
        let commas = bytes_equal(w, b',');
        let bad = bytes_below(w, 0x20) | bytes_equal(w, b'"') | bytes_equal(w, 0x7f);
        if commas != 0 {
            let pos = commas.trailing_zeros() / 8;
            let before = (1u64 << (pos * 8)) - 1;
            if bad & before != 0 {
                return None;
            }
            return Some(at + pos as usize);
        }
        if bad != 0 {
            return None;
        }
        at += 8;
    }
    // The last few bytes of the chunk.
    for (i, &b) in s.get(at..)?.iter().enumerate() {
        if b == b',' {
            return Some(at + i);
        }
        if b < 0x20 || b == b'"' || b == 0x7f {
            return None;
        }
    }
    None
}

/// An id followed by a comma: 1–64 bytes of printable UTF-8 text without quotes, no spaces
/// at the ends; with its number when it is a plain number of up to 8 digits (read at once).
#[inline(always)]
fn id<'a>(rest: &mut &'a [u8]) -> Option<(&'a [u8], Option<u32>)> {
    let s = *rest;
    if let Some((n, len)) = number_before_comma(s) {
        *rest = s.get(len + 1..)?;
        return Some((s.get(..len)?, Some(n)));
    }
    let i = comma(s)?;
    if i == 0 || i > 64 || s.first() == Some(&b' ') || s.get(i - 1) == Some(&b' ') {
        return None;
    }
    // Text that could name a column (the header again) goes to the general path, which
    // asks; text beyond ASCII is checked as every reader checks an id (UTF-8, nothing
    // invisible), and anything else falls back too (the general path names GBK).
    let field = s.get(..i)?;
    if crate::import::could_be_header_name(field) {
        return None;
    }
    if !field.is_ascii() {
        let text = std::str::from_utf8(field).ok()?;
        if crate::dim::id_problem(text).is_some() {
            return None;
        }
    }
    *rest = s.get(i + 1..)?;
    Some((s.get(..i)?, None))
}

/// `YYYY-MM-DD,` → the day, when it falls in the year window.
#[inline(always)]
fn date(rest: &mut &[u8], cache: &mut DateCache, ctx: &Ctx) -> Option<Day> {
    let d: &[u8; 11] = rest.get(..11)?.try_into().ok()?;
    let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, comma] = *d;
    if comma != b',' {
        return None;
    }
    let day = cache.get(
        [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9],
        ctx.window,
        ctx.as_of,
    )?;
    *rest = rest.get(11..)?;
    Some(day)
}

/// Six digits and a comma → the code as a number.
#[inline(always)]
fn code(rest: &mut &[u8]) -> Option<u32> {
    let d: &[u8; 7] = rest.get(..7)?.try_into().ok()?;
    let [c0, c1, c2, c3, c4, c5, comma] = *d;
    if comma != b',' {
        return None;
    }
    let n = six_digits([c0, c1, c2, c3, c4, c5])?;
    *rest = rest.get(7..)?;
    Some(n)
}

/// A machine name with its comma, as the fast path compares it: its first eight bytes as
/// a little-endian word (zero past its end) with the mask of those bytes, and its last
/// eight bytes (for a name of at most eight bytes, the first word again) with where they
/// start.
#[derive(Clone, Copy)]
struct Name {
    key: u64,
    mask: u64,
    tail: u64,
    tail_mask: u64,
    tail_at: usize,
    len: usize,
}

/// Up to eight bytes of `name` from `at`, as a little-endian word, and the mask of them.
const fn word_of(name: &[u8], at: usize) -> (u64, u64) {
    let (mut word, mut mask, mut i) = (0u64, 0u64, 0);
    let mut rest = name.split_at(at).1;
    while let Some((&b, tail)) = rest.split_first() {
        if i == 8 {
            break;
        }
        word |= (b as u64) << (8 * i);
        mask |= 0xFF << (8 * i);
        i += 1;
        rest = tail;
    }
    (word, mask)
}

impl Name {
    const fn of(name: &'static [u8]) -> Name {
        let len = name.len();
        let (key, mask) = word_of(name, 0);
        let tail_at = len.saturating_sub(8);
        let (tail, tail_mask) = word_of(name, tail_at);
        Name {
            key,
            mask,
            tail,
            tail_mask,
            tail_at,
            len,
        }
    }
}

/// A closed set of names told apart by the byte at `at` (distinct in every name, so a
/// row's name is found by one table read, not a chain of compares that a random mix of
/// names mispredicts), then confirmed by two masked word compares.
struct Names<const N: usize> {
    list: [Name; N],
    at: usize,
    /// Byte at `at` → index into `list`; `N` for no name.
    pick: [u8; 256],
}

impl<const N: usize> Names<N> {
    /// The set of `names`, told apart by their byte at `at`. Fails to compile (a panic in
    /// a constant) when two names share that byte or one is too short.
    #[expect(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        reason = "evaluated at compile time, for the statics below (a bad set fails the build); N is at most 5"
    )]
    const fn of(names: [&'static [u8]; N], at: usize) -> Names<N> {
        let mut pick = [N as u8; 256];
        let mut out = [Name::of(b","); N];
        let mut i = 0;
        while i < N {
            assert!(
                at < names[i].len() && at < 8,
                "the telling byte is in the first word"
            );
            assert!(names[i].len() <= 16, "two words cover the name");
            let b = names[i][at] as usize;
            assert!(pick[b] as usize == N, "two names share the telling byte");
            pick[b] = i as u8;
            out[i] = Name::of(names[i]);
            i += 1;
        }
        Names {
            list: out,
            at,
            pick,
        }
    }
}

/// The fund levels' machine names with their commas, in index order, told apart by their
/// second byte (`e`, `r`, `i` and `o` of central, provincial, city and county).
static LEVELS: Names<4> = Names::of([b"central,", b"provincial,", b"city,", b"county,"], 1);

/// The built-in categories' machine names with their commas, in index order, told apart
/// by their third byte (`d`, `f`, `a`, `l` and `h` of industry, infrastructure,
/// `loan_interest`, `yulu_plan` and other).
static CATEGORY_NAMES: Names<CATEGORIES> = Names::of(
    [
        b"industry,",
        b"infrastructure,",
        b"loan_interest,",
        b"yulu_plan,",
        b"other,",
    ],
    2,
);

/// The first eight bytes of `s` as a little-endian word, zero past its end.
#[inline(always)]
fn head(s: &[u8]) -> u64 {
    word_at(s, 0).unwrap_or_else(|| {
        let mut b = [0u8; 8];
        for (d, x) in b.iter_mut().zip(s) {
            *d = *x;
        }
        u64::from_le_bytes(b)
    })
}

/// Which of `names` starts `rest` (comma included): its index; `rest` moves past the comma.
/// The telling byte picks the one candidate; its first and last eight bytes confirm it.
#[inline(always)]
fn one_of<const N: usize>(rest: &mut &[u8], names: &Names<N>) -> Option<usize> {
    let s = *rest;
    let h = head(s);
    let i = usize::from(*names.pick.get(((h >> (8 * names.at)) & 0xFF) as usize)?);
    let n = names.list.get(i)?;
    let t = word_at(s, n.tail_at).unwrap_or_else(|| head(s.get(n.tail_at..).unwrap_or(&[])));
    // Both words at once: one branch.
    if ((h & n.mask) ^ n.key) | ((t & n.tail_mask) ^ n.tail) != 0 {
        return None;
    }
    *rest = s.get(n.len..)?;
    Some(i)
}

/// A fund level and its comma → index 0–3.
#[inline(always)]
fn level(rest: &mut &[u8]) -> Option<usize> {
    one_of(rest, &LEVELS)
}

/// A built-in category and its comma → index 0–4.
#[inline(always)]
fn category(rest: &mut &[u8]) -> Option<usize> {
    one_of(rest, &CATEGORY_NAMES)
}

/// A project status at the end of the line.
#[inline(always)]
fn status(rest: &mut &[u8]) -> Option<()> {
    for w in [&b"in_progress"[..], b"planned", b"approved", b"completed"] {
        if let Some(r) = rest.strip_prefix(w) {
            *rest = r;
            return Some(());
        }
    }
    None
}

/// A digit's value.
#[inline(always)]
fn digit(b: Option<&u8>) -> Option<i64> {
    let d = b?.wrapping_sub(b'0');
    if d < 10 { Some(i64::from(d)) } else { None }
}

/// Plain positive `digits[.d[d]]` up to `terminator` (or `\r\n`, or the end of the chunk)
/// → 分. Up to 8 integer digits are read eight bytes at a time.
#[inline(always)]
fn amount(rest: &mut &[u8], terminator: u8) -> Option<i64> {
    let s = *rest;
    let Some(w) = word_at(s, 0) else {
        return amount_bytewise(rest, terminator);
    };
    let x = w ^ (ONES * u64::from(b'0'));
    // The high bit of each byte that is not a digit (lowest set bit exact).
    let other = (x.wrapping_add(ONES * 0x76) | x) & HIGH;
    if other == 0 {
        return amount_bytewise(rest, terminator);
    }
    let k = (other.trailing_zeros() / 8) as usize;
    if k == 0 {
        return None;
    }
    let int = i64::try_from(eight_digits(x << (8 * (8 - k)))).ok()?;
    let (fen, i) = if s.get(k) == Some(&b'.') {
        let d1 = digit(s.get(k + 1))?;
        match digit(s.get(k + 2)) {
            Some(d2) => (int * 100 + d1 * 10 + d2, k + 3),
            None => (int * 100 + d1 * 10, k + 2),
        }
    } else {
        (int * 100, k)
    };
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

/// [`amount`] a byte at a time: long integer parts and the end of a chunk.
#[inline(never)]
fn amount_bytewise(rest: &mut &[u8], terminator: u8) -> Option<i64> {
    let s = *rest;
    let mut v: i64 = 0;
    let mut i = 0;
    while let Some(d) = digit(s.get(i)) {
        if i == 15 {
            // Too long for the fast path (and for i64 分 soon after).
            return None;
        }
        v = v * 10 + d;
        i += 1;
    }
    if i == 0 {
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

/// One allocation row; returns the rest of the chunk, or `None` to fall back. A row dated
/// after the as-of date is read and checked in full, and not counted.
#[inline(always)]
pub(crate) fn allocation<'a>(
    line: &'a [u8],
    acc: &mut Acc,
    ctx: &Ctx,
    cache: &mut DateCache,
) -> Option<Step<'a>> {
    let mut r = line;
    let (row_id, number) = id(&mut r)?;
    let d = date(&mut r, cache, ctx)?;
    let c = code(&mut r)?;
    let lv = level(&mut r)?;
    let cat = category(&mut r)?;
    let fen = amount(&mut r, b'\n')?;
    let idx = acc.known(c)?;
    let b = bucket(lv, cat);
    Some(Step {
        id: row_id,
        number,
        rest: r,
        row: Row::dated(idx * BUCKETS + b, fen, d, c, b),
    })
}

/// One project row.
#[inline(always)]
pub(crate) fn project<'a>(
    line: &'a [u8],
    acc: &mut Acc,
    _ctx: &Ctx,
    _cache: &mut DateCache,
) -> Option<Step<'a>> {
    let mut r = line;
    let (pid, number) = id(&mut r)?;
    let c = code(&mut r)?;
    let cat = category(&mut r)?;
    let fen = amount(&mut r, b',')?;
    status(&mut r)?;
    let rest = match r {
        [] => r,
        [b'\n', tail @ ..] | [b'\r', b'\n', tail @ ..] => tail,
        _ => return None,
    };
    let idx = acc.known(c)?;
    acc.projects.push((
        number.map_or_else(|| ProjectKey::of(pid), ProjectKey::Number),
        ProjectEntry::new(c, cat, true),
        0,
        fen,
    ));
    // The fast path takes the four pooled statuses only; planned sums are per category.
    Some(Step {
        id: pid,
        number,
        rest,
        row: Row::planned(idx * CATEGORIES + cat, fen),
    })
}

/// One expenditure row; a row dated after the as-of date is read and checked in full
/// (its project too), and not counted.
#[inline(always)]
pub(crate) fn expenditure<'a>(
    line: &'a [u8],
    acc: &mut Acc,
    ctx: &Ctx,
    cache: &mut DateCache,
) -> Option<Step<'a>> {
    let mut r = line;
    let (row_id, number) = id(&mut r)?;
    let d = date(&mut r, cache, ctx)?;
    let (pid, pid_number) = id(&mut r)?;
    let c = code(&mut r)?;
    let lv = level(&mut r)?;
    let cat = category(&mut r)?;
    let fen = amount(&mut r, b'\n')?;
    let idx = acc.known(c)?;
    let b = bucket(lv, cat);
    let mut row = Row::dated(idx * BUCKETS + b, fen, d, c, b);
    if let Some(projects) = ctx.projects {
        let expected = ProjectEntry::new(c, cat, true);
        match pid_number.filter(|&n| ProjectTable::is_dense(n)) {
            // Checked when the batch is added, so that the lookups overlap.
            Some(n) => row.project = Some((n, expected)),
            None if projects.get(pid)? == expected => {}
            None => return None,
        }
    }
    Some(Step {
        id: row_id,
        number,
        rest: r,
        row,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amt(s: &[u8]) -> Option<(i64, usize)> {
        let mut r = s;
        let fen = amount(&mut r, b'\n')?;
        Some((fen, r.len()))
    }

    #[test]
    fn eight_digits_at_a_time() {
        let x = u64::from_le_bytes(*b"12345678") ^ (ONES * u64::from(b'0'));
        assert_eq!(eight_digits(x), 12_345_678);
    }

    #[test]
    fn amounts_word_and_bytewise_agree() {
        assert_eq!(amt(b"7.5\nxx"), Some((750, 2)));
        assert_eq!(amt(b"12345678.90\n"), Some((1_234_567_890, 0)));
        assert_eq!(amt(b"123456789.01\n"), Some((12_345_678_901, 0)));
        assert_eq!(amt(b"5\r\n"), Some((500, 0)));
        assert_eq!(amt(b"5"), Some((500, 0)));
        assert_eq!(amt(b"77733.73"), Some((7_773_373, 0)));
        for bad in [
            &b"0.00\n"[..],
            b"1.234\n",
            b".5\n",
            b"1e5\n",
            b"-1.00\n",
            b"12.\n",
            b"1,5\n",
        ] {
            assert_eq!(amt(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        // Long digit runs fall back rather than overflow.
        assert_eq!(amt(b"99999999999999999999999999.00\n"), None);
        assert_eq!(amt(b"1.000000000000000000000001\n"), None);
        // Every length of integer part, through both readers.
        for digits in 1..=15u32 {
            let int = 10i64.pow(digits - 1) + 7;
            let text = format!("{int}.05\n");
            assert_eq!(amt(text.as_bytes()), Some((int * 100 + 5, 0)), "{text}");
        }
    }

    #[test]
    fn commas_and_bad_bytes() {
        assert_eq!(comma(b"abc,def"), Some(3));
        assert_eq!(comma(b"1234567890123,x"), Some(13));
        assert_eq!(comma(b"ab"), None);
        assert_eq!(comma(b"a\"b,cdefghij"), None);
        assert_eq!(comma(b"abcdefghi\x01,"), None);
        assert_eq!(comma(b"a\x01b,"), None);
        assert_eq!(comma("中央,".as_bytes()), Some(6));
    }

    /// The byte matchers above are the dim vocabulary: every machine name maps to its index
    /// in `FundLevel::ALL` / `Category::BUILT_IN`, and every other spelling falls back.
    #[test]
    fn fast_matchers_are_the_dim_vocabulary() {
        use crate::{Category, FundLevel};
        for (i, l) in FundLevel::ALL.iter().enumerate() {
            let t = format!("{},x", l.machine_name());
            let mut r = t.as_bytes();
            assert_eq!(level(&mut r), Some(i), "{t}");
            assert_eq!(r, b"x");
            assert_eq!(super::super::sums::level_name(i), l.machine_name());
            let t = format!("{},x", l.as_str());
            assert_eq!(level(&mut t.as_bytes()), None, "{t}");
        }
        for (i, c) in Category::BUILT_IN.iter().enumerate() {
            let t = format!("{},x", c.machine_name());
            let mut r = t.as_bytes();
            assert_eq!(category(&mut r), Some(i), "{t}");
            assert_eq!(r, b"x");
            assert_eq!(super::super::sums::category_name(i), c.machine_name());
            let t = format!("{},x", c.as_str());
            assert_eq!(category(&mut t.as_bytes()), None, "{t}");
        }
        assert_eq!(super::super::sums::BUCKETS, 20);
        for other in [
            "centra,",
            "industryx,",
            "Other,",
            ",",
            "county",
            "provincial",
            "provinciaL,",
            "infrastructur,",
            "yulu_plan",
            "city\0",
            "",
        ] {
            assert_eq!(level(&mut other.as_bytes()), None, "{other}");
            assert_eq!(category(&mut other.as_bytes()), None, "{other}");
        }
    }

    /// A name is picked by one byte and confirmed by its first and last words: a change of
    /// any one byte, anywhere in the name or its comma, or a cut, is no match; the name
    /// alone at the end of a chunk (fewer than eight bytes left) still matches.
    #[test]
    fn one_byte_off_is_no_name() {
        let all = [
            (0, &b"central,"[..]),
            (0, b"provincial,"),
            (0, b"city,"),
            (0, b"county,"),
            (1, b"industry,"),
            (1, b"infrastructure,"),
            (1, b"loan_interest,"),
            (1, b"yulu_plan,"),
            (1, b"other,"),
        ];
        let pick = |set: usize, s: &[u8]| {
            let mut r = s;
            if set == 0 {
                level(&mut r)
            } else {
                category(&mut r)
            }
        };
        for (set, name) in all {
            let mut padded = name.to_vec();
            padded.extend_from_slice(b"12345678.90\n");
            assert!(
                pick(set, name).is_some(),
                "{}",
                String::from_utf8_lossy(name)
            );
            assert!(pick(set, &padded).is_some());
            for at in 0..name.len() {
                for b in [0u8, b'a', b'Z', b',', b'_', 0xFF] {
                    let mut changed = padded.clone();
                    if changed[at] == b {
                        continue;
                    }
                    changed[at] = b;
                    assert_eq!(
                        pick(set, &changed),
                        None,
                        "{}",
                        String::from_utf8_lossy(&changed)
                    );
                }
            }
            // Cut before its last letter: the comma comes early.
            for at in 0..name.len() - 1 {
                let mut cut = name[..at].to_vec();
                cut.extend_from_slice(b",1.00\n");
                assert_eq!(pick(set, &cut), None, "{}", String::from_utf8_lossy(&cut));
            }
        }
    }
}
