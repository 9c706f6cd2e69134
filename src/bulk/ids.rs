//! Duplicate ids of every input (allocations, projects, expenditures).
//!
//! Ids that are plain decimal numbers (no sign, no leading zero) below 2³² go in pages of
//! 2¹⁶ ids, made on first use: up to 2,048 ids a page as sorted 2-byte offsets, more as a
//! bitmap of 8 KiB. So 10 million ids numbered from 1 take 1.25 MiB, and ids spread one to
//! a page (4,194,304 + 65,000 × i) tens of bytes each, not 8 KiB. Every other id goes in a
//! set of its bytes ([`TextSet`]).
//!
//! Workers log the ids of each chunk ([`IdLog`]); the logs are checked in chunk order
//! ([`IdSet::first_repeat`]), so the error names the first line, in file order, whose id
//! was seen before, however the chunks were spread over threads.
//!
//! Ids usually count up by one a line (`1, 2, 3, …`). A log keeps such a stretch of
//! consecutive numeric ids on consecutive lines as one [`Run`], and a run is checked and
//! added a 64-bit word of the bitmap at a time, not a bit at a time. An id that breaks the
//! run starts a new one (of length 1 when ids come in any order), so nothing is weakened:
//! every id still goes in the bitmap, and the first repeat is still found in line order.
//! A numeric id of up to 8 digits is read from the field's first 9 bytes at once
//! ([`number_before_comma`]), not digit by digit, and only once: the fast path logs the
//! number it read ([`IdLog::push_number`]).

// The per-id steps are a few instructions each, run 10 million times a read: inlined into
// the parse loop, as in `fast`.
#![allow(clippy::inline_always)]

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use super::fields::eight_digits;

/// `u64` words of a page's bitmap (2¹⁶ ids).
const PAGE_WORDS: usize = (1 << 16) / 64;

/// A plain decimal id below 2³² as a number: `0`, or a digit 1–9 then at most 9 digits.
#[inline]
pub(crate) fn plain_number(id: &[u8]) -> Option<u32> {
    match id {
        [b'0'] => Some(0),
        [b'1'..=b'9', rest @ ..] if rest.len() < 10 => {
            let mut n: u64 = 0;
            for &b in id {
                let d = b.wrapping_sub(b'0');
                if d > 9 {
                    return None;
                }
                // At most 10 digits: below 10¹⁰, far inside u64.
                n = n.wrapping_mul(10).wrapping_add(u64::from(d));
            }
            u32::try_from(n).ok()
        }
        _ => None,
    }
}

/// Numeric ids `start..start + len` on lines `line..line + len` of a chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    line: u64,
    start: u32,
    len: u32,
}

impl Run {
    /// One past the last id (at most 2³²).
    #[inline]
    fn end(self) -> u64 {
        u64::from(self.start) + u64::from(self.len)
    }
}

/// A plain decimal id of 1–8 digits and the comma after it at the start of `text`, read
/// from the first 9 bytes at once: the number and its length in bytes. `None` otherwise
/// (then the field is found byte by byte and [`plain_number`] decides). Agrees with
/// [`plain_number`] wherever it answers.
#[inline(always)]
pub(crate) fn number_before_comma(text: &[u8]) -> Option<(u32, usize)> {
    let bytes: [u8; 8] = *text.first_chunk()?;
    // Digits become their values 0–9.
    let x = u64::from_le_bytes(bytes) ^ 0x3030_3030_3030_3030;
    // The high bit of each byte that is not a digit; the lowest one is exact (a carry
    // only reaches bytes after it).
    let other = (x.wrapping_add(0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080;
    let len = if other == 0 {
        8
    } else {
        (other.trailing_zeros() / 8) as usize
    };
    if text.get(len) != Some(&b',') {
        return None;
    }
    // No digit is no number; a leading zero makes text ("007"), except "0" itself.
    if len == 0 || (x.trailing_zeros() >= 8 && len > 1) {
        return None;
    }
    // The `len` digits right-aligned (the bytes after them shifted out), then added up.
    let n = eight_digits(x << (64 - 8 * len));
    // At most 8 digits: below 10⁸.
    Some((u32::try_from(n).ok()?, len))
}

/// The ids of one chunk, in line order.
#[derive(Debug, Default)]
pub(crate) struct IdLog {
    /// Plain numeric ids, as runs in line order.
    runs: Vec<Run>,
    /// Every other id: its line and its place in `text_bytes` (start, length).
    texts: Vec<(u64, u32, u32)>,
    /// The bytes of the text ids, one after another.
    text_bytes: Vec<u8>,
}

impl IdLog {
    /// The text ids with their lines.
    fn text_ids(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.texts.iter().map(|&(line, start, len)| {
            let (start, len) = (start as usize, len as usize);
            (line, self.text_bytes.get(start..start + len).unwrap_or(&[]))
        })
    }
}

impl IdLog {
    /// Logs the id of line `line` (1-based within the chunk; lines come in increasing
    /// order).
    #[inline]
    pub(crate) fn push(&mut self, id: &[u8], line: u64) {
        if let Some(n) = plain_number(id) {
            self.push_number(n, line);
        } else {
            // A chunk is at most 1 GiB (`BulkOptions::buffer_size`) plus a line, and ids
            // are at most 64 bytes: offsets fit in u32.
            let start = u32::try_from(self.text_bytes.len()).unwrap_or(u32::MAX);
            let len = u32::try_from(id.len()).unwrap_or(u32::MAX);
            self.text_bytes.extend_from_slice(id);
            self.texts.push((line, start, len));
        }
    }

    /// Logs numeric id `n` of line `line` (an id [`plain_number`] reads as `n`): extends
    /// the last run when both follow on.
    #[inline(always)]
    pub(crate) fn push_number(&mut self, n: u32, line: u64) {
        if let Some(run) = self.runs.last_mut() {
            if run.end() == u64::from(n) && run.line.wrapping_add(u64::from(run.len)) == line {
                // `n` is below 2³², so `len` stays below it too.
                run.len = run.len.wrapping_add(1);
                return;
            }
        }
        self.runs.push(Run {
            line,
            start: n,
            len: 1,
        });
    }
}

/// A set of ids: pages of 2¹⁶ plain numbers, a [`TextSet`] for the rest.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdSet {
    pages: Vec<Option<Page>>,
    texts: TextSet,
}

/// The ids of one page (2¹⁶ numbers): a few as their sorted offsets, 2 bytes each, or a
/// bitmap of 8 KiB once there are more than [`FEW`]. Ids spread one to a page cost tens of
/// bytes each, not a page.
#[derive(Clone, Debug)]
enum Page {
    Few(Vec<u16>),
    Bits(Box<[u64]>),
}

/// Most ids a page keeps as offsets (4 KiB of them; a bitmap is 8 KiB).
const FEW: usize = 2048;

impl Page {
    /// Whether offset `off` is in the page.
    #[inline]
    fn has(&self, off: u16) -> bool {
        match self {
            Page::Few(v) => v.binary_search(&off).is_ok(),
            Page::Bits(b) => b
                .get(usize::from(off / 64))
                .is_some_and(|w| w & (1 << (off % 64)) != 0),
        }
    }

    /// The bitmap of the page, made from its offsets if need be.
    fn bits(&mut self) -> &mut [u64] {
        if let Page::Few(v) = self {
            let mut b = vec![0u64; PAGE_WORDS].into_boxed_slice();
            for &off in v.iter() {
                if let Some(w) = b.get_mut(usize::from(off / 64)) {
                    *w |= 1 << (off % 64);
                }
            }
            *self = Page::Bits(b);
        }
        match self {
            Page::Bits(b) => b,
            Page::Few(_) => &mut [],
        }
    }

    /// Adds offset `off`; `false` when it was in the page already.
    #[inline]
    fn add(&mut self, off: u16) -> bool {
        if let Page::Few(v) = self {
            return match v.binary_search(&off) {
                Ok(_) => false,
                Err(at) if v.len() < FEW => {
                    v.insert(at, off);
                    true
                }
                Err(_) => {
                    self.add_range(off, off);
                    true
                }
            };
        }
        let w = self.bits().get_mut(usize::from(off / 64));
        w.is_some_and(|w| {
            let fresh = *w & (1 << (off % 64)) == 0;
            *w |= 1 << (off % 64);
            fresh
        })
    }

    /// The smallest offset of the page in `lo..=hi`.
    fn first_in(&self, lo: u16, hi: u16) -> Option<u16> {
        match self {
            Page::Few(v) => {
                let at = v.partition_point(|&x| x < lo);
                v.get(at).copied().filter(|&x| x <= hi)
            }
            Page::Bits(b) => words(lo, hi).find_map(|(word, mask)| {
                let hit = b.get(word).map_or(0, |w| w & mask);
                (hit != 0).then(|| word_offset(word, hit))
            }),
        }
    }

    /// Adds offsets `lo..=hi`.
    fn add_range(&mut self, lo: u16, hi: u16) {
        let count = usize::from(hi - lo) + 1;
        if let Page::Few(v) = self {
            if v.len() + count <= FEW {
                let at = v.partition_point(|&x| x < lo);
                let end = v.partition_point(|&x| x <= hi);
                v.splice(at..end, lo..=hi);
                return;
            }
        }
        let b = self.bits();
        for (word, mask) in words(lo, hi) {
            if let Some(w) = b.get_mut(word) {
                *w |= mask;
            }
        }
    }

    /// Adds every offset of `other`.
    fn merge(&mut self, other: Page) {
        match other {
            Page::Few(theirs) => {
                for off in theirs {
                    self.add(off);
                }
            }
            Page::Bits(theirs) => {
                for (a, b) in self.bits().iter_mut().zip(theirs.iter()) {
                    *a |= b;
                }
            }
        }
    }
}

/// The words of a page that offsets `lo..=hi` touch: each word's index and the mask of
/// the offsets in it.
fn words(lo: u16, hi: u16) -> impl Iterator<Item = (usize, u64)> {
    (lo / 64..=hi / 64).map(move |w| {
        let from = if w == lo / 64 { lo % 64 } else { 0 };
        let to = if w == hi / 64 { hi % 64 } else { 63 };
        (usize::from(w), (u64::MAX >> (63 - to)) & (u64::MAX << from))
    })
}

/// The offset of the lowest set bit of `hit`, word `word` of a page.
fn word_offset(word: usize, hit: u64) -> u16 {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a word index is below PAGE_WORDS = 1024 and a bit below 64: below 2^16"
    )]
    let off = (word * 64) as u16 + hit.trailing_zeros() as u16;
    off
}

/// A set of byte strings of at most 255 bytes (ids take at most 64) held in arena blocks of
/// 1 MiB: each string as a length byte and its bytes, found through an open-addressing
/// table of `u32` arena offsets (linear probing, 1/4 to 1/2 full). A distinct id of `n`
/// bytes costs `n + 1` bytes of arena and 2 to 4 slots of 4 bytes: 24–32 bytes for
/// `ZC2025-00000001`, against about 90 for a boxed slice in a `HashSet`. Exact: strings are
/// compared byte for byte, the hash only picks the slot. Keys are hashed with the standard
/// library's randomly seeded `SipHash`, so crafted ids cannot make probing quadratic. Past
/// 4 GiB of arena, strings go to a plain `HashSet`.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextSet {
    blocks: Vec<Vec<u8>>,
    /// 0: empty; otherwise arena offset (block × [`BLOCK`] + position) + 1.
    slots: Vec<u32>,
    len: usize,
    hasher: RandomState,
    beyond: HashSet<Box<[u8]>>,
}

/// Bytes of an arena block.
const BLOCK: usize = 1 << 20;

impl TextSet {
    /// The string at arena offset `at`.
    fn at(&self, at: usize) -> &[u8] {
        let Some(block) = self.blocks.get(at / BLOCK) else {
            return &[];
        };
        let at = at % BLOCK;
        let len = block.get(at).map_or(0, |&l| usize::from(l));
        block.get(at + 1..at + 1 + len).unwrap_or(&[])
    }

    /// The slot holding `s`, or the empty slot where it would go.
    fn find(&self, s: &[u8]) -> (usize, bool) {
        let mask = self.slots.len().wrapping_sub(1);
        // Truncation keeps the low bits, which the mask takes.
        #[expect(clippy::cast_possible_truncation, reason = "low bits of the hash")]
        let mut i = self.hasher.hash_one(s) as usize & mask;
        loop {
            match self.slots.get(i) {
                Some(&0) | None => return (i, false),
                Some(&o) if self.at(o as usize - 1) == s => return (i, true),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// Whether `s` is in the set.
    pub(crate) fn contains(&self, s: &[u8]) -> bool {
        if !self.slots.is_empty() && self.find(s).1 {
            return true;
        }
        !self.beyond.is_empty() && self.beyond.contains(s)
    }

    /// Adds `s`; `false` when it was in the set already. One hash and one probe: the slot
    /// the search ends on is where a new string goes.
    pub(crate) fn insert(&mut self, s: &[u8]) -> bool {
        if !self.beyond.is_empty() && self.beyond.contains(s) {
            return false;
        }
        let Ok(len) = u8::try_from(s.len()) else {
            return self.beyond.insert(s.into());
        };
        // At most half full: a new string's search (most are new) then probes 1.5–2.5
        // slots on average, each a string compare in the arena.
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let (i, found) = self.find(s);
        if found {
            return false;
        }
        let need = s.len() + 1;
        if self.blocks.last().is_none_or(|b| b.len() + need > BLOCK) {
            self.blocks.push(Vec::with_capacity(BLOCK));
        }
        let base = (self.blocks.len() - 1) * BLOCK;
        let Some(block) = self.blocks.last_mut() else {
            return self.beyond.insert(s.into());
        };
        let Ok(offset) = u32::try_from(base + block.len() + 1) else {
            return self.beyond.insert(s.into());
        };
        block.push(len);
        block.extend_from_slice(s);
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = offset;
        }
        self.len += 1;
        true
    }

    /// Doubles the table (16 slots at first) and places every string again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        for o in old.into_iter().filter(|&o| o != 0) {
            let (i, _) = self.find(self.at(o as usize - 1));
            if let Some(slot) = self.slots.get_mut(i) {
                *slot = o;
            }
        }
    }

    /// Every string in the set.
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.slots
            .iter()
            .filter(|&&o| o != 0)
            .map(|&o| self.at(o as usize - 1))
            .chain(self.beyond.iter().map(|b| &b[..]))
    }

    /// Bytes held (arena and table, not counting the rare `HashSet` beyond 4 GiB).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.blocks.iter().map(Vec::capacity).sum::<usize>() + self.slots.capacity() * 4
    }
}

/// The page of a numeric id and its offset in the page.
#[inline]
fn place(n: u32) -> (usize, u16) {
    #[expect(clippy::cast_possible_truncation, reason = "the low 16 bits")]
    let off = n as u16;
    ((n >> 16) as usize, off)
}

/// The pages that ids `start..end` touch (`start < end <= 2³²`): each page and the
/// offsets in it, first and last.
fn spans(start: u32, end: u64) -> impl Iterator<Item = (usize, u16, u16)> {
    let last = end.saturating_sub(1);
    let (first_page, last_page) = (u64::from(start) >> 16, last >> 16);
    (first_page..=last_page).map(move |p| {
        let lo = if p == first_page { start & 0xFFFF } else { 0 };
        let hi = if p == last_page {
            last & 0xFFFF
        } else {
            0xFFFF
        };
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a page below 2^16; offsets below 2^16"
        )]
        let span = (p as usize, lo as u16, hi as u16);
        span
    })
}

impl IdSet {
    /// Whether numeric id `n` is in the set.
    #[inline]
    fn has_number(&self, n: u32) -> bool {
        let (page, off) = place(n);
        self.pages
            .get(page)
            .and_then(Option::as_ref)
            .is_some_and(|p| p.has(off))
    }

    /// Adds numeric id `n`; `false` when it was in the set already.
    #[inline]
    fn add_number(&mut self, n: u32) -> bool {
        let (page, off) = place(n);
        self.page_mut(page).add(off)
    }

    /// Page `page`, made (empty) on first use.
    #[expect(clippy::expect_used, reason = "resized to hold `page` just above")]
    fn page_mut(&mut self, page: usize) -> &mut Page {
        if self.pages.len() <= page {
            self.pages.resize_with(page + 1, || None);
        }
        self.pages
            .get_mut(page)
            .expect("page slot")
            .get_or_insert_with(|| Page::Few(Vec::new()))
    }

    /// The smallest id of the run in the set.
    fn first_of_run(&self, run: Run) -> Option<u32> {
        if run.len == 1 {
            return self.has_number(run.start).then_some(run.start);
        }
        for (page, lo, hi) in spans(run.start, run.end()) {
            // Pages past the end hold nothing, and later pages are further on.
            let p = self.pages.get(page)?;
            if let Some(off) = p.as_ref().and_then(|p| p.first_in(lo, hi)) {
                return u32::try_from((page << 16) | usize::from(off)).ok();
            }
        }
        None
    }

    /// Adds the ids of a run none of which is in the set.
    fn add_run(&mut self, run: Run) {
        if run.len == 1 {
            self.add_number(run.start);
            return;
        }
        for (page, lo, hi) in spans(run.start, run.end()) {
            self.page_mut(page).add_range(lo, hi);
        }
    }

    /// Adds the ids of `log` unless `prior` or this set holds one already or `log` repeats
    /// one; returns the first such line within the chunk and the id. After a repeat the
    /// set holds some of the log's ids: the read fails as a whole.
    pub(crate) fn first_repeat(&mut self, prior: &IdSet, log: &IdLog) -> Option<(u64, String)> {
        let mut first: Option<(u64, String)> = None;
        for &run in &log.runs {
            // Ids rise with lines in a run: the smallest id seen before is the first line.
            let seen = match (prior.first_of_run(run), self.first_of_run(run)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(n) = seen {
                let line = run.line + u64::from(n.saturating_sub(run.start));
                first = Some((line, n.to_string()));
                break;
            }
            self.add_run(run);
        }
        for (line, id) in log.text_ids() {
            if first.as_ref().is_some_and(|(l, _)| *l < line) {
                break;
            }
            if prior.texts.contains(id) || !self.texts.insert(id) {
                first = Some((line, String::from_utf8_lossy(id).into_owned()));
                break;
            }
        }
        first
    }

    /// Adds every id of `other`.
    pub(crate) fn absorb(&mut self, other: IdSet) {
        if self.pages.len() < other.pages.len() {
            self.pages.resize_with(other.pages.len(), || None);
        }
        for (mine, theirs) in self.pages.iter_mut().zip(other.pages) {
            let Some(theirs) = theirs else { continue };
            match mine {
                Some(m) => m.merge(theirs),
                None => *mine = Some(theirs),
            }
        }
        if self.texts.len == 0 && self.texts.beyond.is_empty() {
            self.texts = other.texts;
        } else {
            for id in other.texts.iter() {
                self.texts.insert(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages agree with a plain set of numbers: ids one at a time and as runs, spread
    /// and dense (past `FEW` a page becomes a bitmap), found and merged.
    #[test]
    fn pages_agree_with_a_plain_set() {
        use proptest::prelude::*;
        use std::collections::BTreeSet;
        let op = prop_oneof![
            // One id near one of a few bases: pages fill past FEW, or stay sparse.
            (0u32..4, 0u32..6000).prop_map(|(b, k)| (b * 65_536 + k * 7, 1u32)),
            // A run.
            (0u32..300_000, 1u32..5000),
            // Spread over many pages.
            (any::<u32>(), 1u32..3),
        ];
        let config = ProptestConfig::with_cases(24);
        proptest!(config, |(ops in proptest::collection::vec((op, any::<bool>()), 1..400))| {
            let (mut a, mut b) = (IdSet::default(), IdSet::default());
            let mut model = BTreeSet::new();
            for ((start, len), into_b) in ops {
                let len = len.min(u32::MAX - start).max(1);
                let run = Run { line: 0, start, len };
                let first = (start..start + len).find(|n| model.contains(n));
                // Checked against the union: `a` and `b` are disjoint.
                let seen = [a.first_of_run(run), b.first_of_run(run)].into_iter().flatten().min();
                prop_assert_eq!(seen, first);
                if first.is_none() {
                    let set = if into_b { &mut b } else { &mut a };
                    set.add_run(run);
                    model.extend(start..start + len);
                }
            }
            a.absorb(b);
            for &n in model.iter().take(2000) {
                prop_assert!(a.has_number(n));
                prop_assert!(!a.add_number(n));
            }
            let mut probe = 12_345u32;
            for _ in 0..2000 {
                probe = probe.wrapping_mul(2_654_435_761).wrapping_add(1);
                prop_assert_eq!(a.has_number(probe), model.contains(&probe));
            }
        });
    }

    /// Ids spread one to a page cost tens of bytes each, not a page of 8 KiB.
    #[test]
    fn spread_ids_do_not_cost_a_page_each() {
        let mut set = IdSet::default();
        for i in 0..65_000u32 {
            assert!(set.add_number(4_194_304 + 65_000 * i));
        }
        let bytes: usize = set
            .pages
            .iter()
            .flatten()
            .map(|p| match p {
                Page::Few(v) => 24 + v.capacity() * 2,
                Page::Bits(b) => b.len() * 8,
            })
            .sum::<usize>()
            + set.pages.capacity() * std::mem::size_of::<Option<Page>>();
        assert!(bytes < 65_000 * 64, "{bytes} bytes");
        assert!(set.has_number(4_194_304 + 65_000 * 777));
        assert!(!set.has_number(4_194_305));
    }

    #[test]
    fn plain_numbers_and_text() {
        assert_eq!(plain_number(b"0"), Some(0));
        assert_eq!(plain_number(b"4294967295"), Some(u32::MAX));
        assert_eq!(plain_number(b"4294967296"), None);
        assert_eq!(plain_number(b"99999999999"), None);
        for text in [&b"007"[..], b"00", b"", b"-1", b"+1", b"1a", b"P-1"] {
            assert_eq!(plain_number(text), None);
        }
    }

    #[test]
    fn repeats_are_found_in_line_order_across_logs_and_kinds() {
        let mut log = IdLog::default();
        for (line, id) in [
            (1, &b"7"[..]),
            (2, b"A-1"),
            (3, b"007"),
            (4, b"4000000000"),
            (5, b"A-1"),
            (6, b"7"),
        ] {
            log.push(id, line);
        }
        let mut set = IdSet::default();
        let prior = IdSet::default();
        assert_eq!(set.first_repeat(&prior, &log), Some((5, "A-1".into())));

        let mut first = IdLog::default();
        first.push(b"12", 1);
        first.push(b"x", 2);
        let mut seen = IdSet::default();
        assert_eq!(seen.first_repeat(&prior, &first), None);
        let mut again = IdLog::default();
        again.push(b"13", 1);
        again.push(b"x", 2);
        again.push(b"12", 3);
        let mut read = IdSet::default();
        assert_eq!(read.first_repeat(&seen, &again), Some((2, "x".into())));
        let mut read = IdSet::default();
        let mut numbers_only = IdLog::default();
        numbers_only.push(b"4294967295", 9);
        numbers_only.push(b"12", 10);
        assert_eq!(
            read.first_repeat(&seen, &numbers_only),
            Some((10, "12".into()))
        );
        seen.absorb(read);
        assert!(seen.has_number(u32::MAX) && seen.has_number(12));
        assert!(!seen.has_number(13));
    }

    #[test]
    fn eight_bytes_at_once_agree_with_plain_numbers() {
        let mut ids: Vec<Vec<u8>> = Vec::new();
        for n in [
            0u64, 1, 9, 10, 99, 100, 12_345, 9_999_999, 10_000_000, 99_999_999,
        ] {
            ids.push(n.to_string().into_bytes());
        }
        for text in [
            &b"007"[..],
            b"00",
            b"0x",
            b"1a",
            b"a1",
            b"1/",
            b"1:",
            b"-1",
            b"+1",
        ] {
            ids.push(text.to_vec());
        }
        // Every byte value in every position of a short id.
        for len in 1..=8 {
            for pos in 0..len {
                for b in 0..=255u8 {
                    let mut id = b"12345678".get(..len).unwrap().to_vec();
                    id[pos] = b;
                    ids.push(id);
                }
            }
        }
        for id in &ids {
            for tail in [&b",2025-01-01"[..], b"9999999999", b"\n", b""] {
                let text = [id.as_slice(), tail].concat();
                // Read with the comma after it: the number when it is a plain one.
                let got = number_before_comma(&text);
                if tail.first() == Some(&b',') && !id.contains(&b',') && id.len() <= 8 {
                    assert_eq!(got, plain_number(id).map(|n| (n, id.len())), "{id:?}");
                } else if !id.contains(&b',') {
                    assert_eq!(got, None, "{id:?} {tail:?}");
                }
            }
        }
        assert_eq!(number_before_comma(b"12345678,"), Some((12_345_678, 8)));
        assert_eq!(number_before_comma(b"123456789,"), None);
        assert_eq!(number_before_comma(b"12345678"), None);
        assert_eq!(number_before_comma(b"0,2025-01"), Some((0, 1)));
        assert_eq!(number_before_comma(b"07,2025-01"), None);
        assert_eq!(number_before_comma(b",12345678"), None);
    }

    fn log_of(ids: &[&[u8]]) -> IdLog {
        let mut log = IdLog::default();
        for (line, id) in (1..).zip(ids) {
            log.push(id, line);
        }
        log
    }

    #[test]
    fn consecutive_ids_on_consecutive_lines_make_runs() {
        let log = log_of(&[b"5", b"6", b"7", b"9", b"10", b"x", b"11", b"3", b"3"]);
        assert_eq!(
            log.runs,
            vec![
                Run {
                    line: 1,
                    start: 5,
                    len: 3
                },
                Run {
                    line: 4,
                    start: 9,
                    len: 2
                },
                // The text id on line 6 breaks the run of lines.
                Run {
                    line: 7,
                    start: 11,
                    len: 1
                },
                Run {
                    line: 8,
                    start: 3,
                    len: 1
                },
                Run {
                    line: 9,
                    start: 3,
                    len: 1
                },
            ]
        );
        // A run reaching 2³² − 1.
        let log = log_of(&[b"4294967294", b"4294967295", b"0"]);
        assert_eq!(
            log.runs,
            vec![
                Run {
                    line: 1,
                    start: u32::MAX - 1,
                    len: 2
                },
                Run {
                    line: 3,
                    start: 0,
                    len: 1
                }
            ]
        );
    }

    #[test]
    fn runs_find_the_first_repeat_in_line_order() {
        let prior = IdSet::default();
        // A run broken by a smaller id: the repeat is on line 5 (id 2).
        let mut set = IdSet::default();
        let log = log_of(&[b"1", b"2", b"3", b"4", b"2", b"5"]);
        assert_eq!(set.first_repeat(&prior, &log), Some((5, "2".into())));
        // A later run overlapping an earlier one: its first id inside the earlier one.
        let mut set = IdSet::default();
        let log = log_of(&[
            b"100", b"101", b"102", b"103", b"50", b"98", b"99", b"100", b"101",
        ]);
        assert_eq!(set.first_repeat(&prior, &log), Some((8, "100".into())));
        // A text repeat before a numeric one wins, and after one loses.
        let mut set = IdSet::default();
        let log = log_of(&[b"1", b"2", b"a", b"3", b"a", b"2"]);
        assert_eq!(set.first_repeat(&prior, &log), Some((5, "a".into())));
        let mut set = IdSet::default();
        let log = log_of(&[b"1", b"2", b"a", b"1", b"a"]);
        assert_eq!(set.first_repeat(&prior, &log), Some((4, "1".into())));

        // Across chunks and reads, over word and page edges: the smallest id seen before is
        // on the first line of the run that holds it.
        for (seen, start, len, want) in [
            (vec![64u32], 0u32, 200u32, Some(64u32)),
            (vec![63, 64], 0, 64, Some(63)),
            (vec![63], 64, 1000, None),
            (vec![200], 0, 200, None),
            (vec![65_536 + 5, 65_535], 65_000, 1_000, Some(65_535)),
            (vec![70_000], 65_000, 1_000, None),
            (vec![5], 65_000, 2_000, None),
            (vec![3 * 65_536], 0, 3 * 65_536, None),
            (
                vec![3 * 65_536 - 1, 7],
                2 * 65_536,
                65_536,
                Some(3 * 65_536 - 1),
            ),
            (vec![u32::MAX], u32::MAX - 130, 131, Some(u32::MAX)),
        ] {
            for in_prior in [false, true] {
                let mut first = IdSet::default();
                let mut earlier = IdLog::default();
                for (line, &n) in (1..).zip(&seen) {
                    earlier.push_number(n, line * 2);
                }
                assert_eq!(first.first_repeat(&prior, &earlier), None);
                let mut log = IdLog::default();
                for k in 0..len {
                    log.push_number(start + k, 10 + u64::from(k));
                }
                assert_eq!(log.runs.len(), 1);
                let got = if in_prior {
                    IdSet::default().first_repeat(&first, &log)
                } else {
                    first.first_repeat(&prior, &log)
                };
                let want = want.map(|n| (10 + u64::from(n - start), n.to_string()));
                assert_eq!(got, want, "{seen:?} {start} {len} {in_prior}");
            }
        }

        // Seen in an earlier read and earlier in this one: the smaller id comes first.
        let mut earlier = IdSet::default();
        assert_eq!(earlier.first_repeat(&prior, &log_of(&[b"50"])), None);
        for (mine, want) in [(20u32, 20u32), (70, 50)] {
            let mut set = IdSet::default();
            let mut log = IdLog::default();
            log.push_number(mine, 1);
            assert_eq!(set.first_repeat(&earlier, &log), None);
            let mut log = IdLog::default();
            for k in 0..100 {
                log.push_number(k, 2 + u64::from(k));
            }
            let got = set.first_repeat(&earlier, &log);
            assert_eq!(got, Some((2 + u64::from(want), want.to_string())));
        }

        // A run added is every one of its ids, and no other.
        let mut set = IdSet::default();
        let log = log_of(&[
            b"65530", b"65531", b"65532", b"65533", b"65534", b"65535", b"65536", b"65537",
        ]);
        assert_eq!(set.first_repeat(&prior, &log), None);
        for n in 65_520..65_550 {
            assert_eq!(set.has_number(n), (65_530..65_538).contains(&n), "{n}");
        }
    }

    #[test]
    fn text_sets_are_exact_and_small() {
        let mut set = TextSet::default();
        let n = 200_000u32;
        for i in 0..n {
            assert!(set.insert(format!("ZC2025-{i:08}").as_bytes()));
        }
        for i in 0..n {
            assert!(!set.insert(format!("ZC2025-{i:08}").as_bytes()));
            assert!(set.contains(format!("ZC2025-{i:08}").as_bytes()));
            assert!(!set.contains(format!("ZC2025-{i:09}").as_bytes()));
        }
        assert!(set.insert(b""));
        assert!(!set.insert(b""));
        assert!(set.insert(&[b'x'; 255]));
        assert!(set.insert(&[b'x'; 300]));
        assert!(!set.insert(&[b'x'; 300]));
        assert_eq!(set.iter().count(), n as usize + 3);
        // At most 32 bytes a 15-byte id (and the last arena block, part used).
        assert!(
            set.bytes() <= 32 * (n as usize + 3) + BLOCK,
            "{}",
            set.bytes()
        );
    }
}
