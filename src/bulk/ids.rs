//! Duplicate allocation and expenditure ids.
//!
//! Ids that are plain decimal numbers (no sign, no leading zero) below 2³² go in a paged
//! bitmap: 2¹⁶ ids a page of 8 KiB, pages made on first use, so 10 million ids numbered
//! from 1 take 1.25 MiB and a lone id of 4,000,000,000 one page. Every other id goes in a
//! hash set of its bytes.
//!
//! Workers log the ids of each chunk ([`IdLog`]); the logs are checked in chunk order
//! ([`IdSet::first_repeat`]), so the error names the first line, in file order, whose id
//! was seen before, however the chunks were spread over threads.

use std::collections::HashSet;

/// Ids a page of the bitmap.
const PAGE_BITS: u32 = 1 << 16;
/// `u64` words a page.
const PAGE_WORDS: usize = (PAGE_BITS / 64) as usize;

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

/// The ids of one chunk, in line order.
#[derive(Debug, Default)]
pub(crate) struct IdLog {
    /// `line << 32 | id` for plain numeric ids.
    numbers: Vec<u64>,
    /// Every other id, with its line.
    texts: Vec<(u64, Box<[u8]>)>,
}

impl IdLog {
    /// Logs the id of line `line` (1-based within the chunk).
    #[inline]
    pub(crate) fn push(&mut self, id: &[u8], line: u64) {
        match plain_number(id) {
            Some(n) => self
                .numbers
                .push((line.min(u64::from(u32::MAX)) << 32) | u64::from(n)),
            None => self.texts.push((line, id.into())),
        }
    }
}

/// A set of ids: a paged bitmap for plain numbers, a hash set for the rest.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdSet {
    pages: Vec<Option<Box<[u64]>>>,
    texts: HashSet<Box<[u8]>>,
}

/// Page and word index and bit mask of a numeric id.
#[inline]
fn place(n: u32) -> (usize, usize, u64) {
    let page = (n / PAGE_BITS) as usize;
    let bit = n % PAGE_BITS;
    (page, (bit / 64) as usize, 1u64 << (bit % 64))
}

impl IdSet {
    /// Whether numeric id `n` is in the set.
    #[inline]
    fn has_number(&self, n: u32) -> bool {
        let (page, word, mask) = place(n);
        self.pages
            .get(page)
            .and_then(Option::as_ref)
            .and_then(|p| p.get(word))
            .is_some_and(|w| w & mask != 0)
    }

    /// Adds numeric id `n`; `false` when it was in the set already.
    #[inline]
    fn add_number(&mut self, n: u32) -> bool {
        let (page, word, mask) = place(n);
        if self.pages.len() <= page {
            self.pages.resize_with(page.saturating_add(1), || None);
        }
        let Some(slot) = self.pages.get_mut(page) else {
            return false;
        };
        let p = slot.get_or_insert_with(|| vec![0; PAGE_WORDS].into_boxed_slice());
        p.get_mut(word).is_some_and(|w| {
            let fresh = *w & mask == 0;
            *w |= mask;
            fresh
        })
    }

    /// Adds the ids of `log` unless `prior` or this set holds one already or `log` repeats
    /// one; returns the first such line within the chunk and the id. After a repeat the
    /// set holds some of the log's ids: the read fails as a whole.
    pub(crate) fn first_repeat(&mut self, prior: &IdSet, log: &IdLog) -> Option<(u64, String)> {
        let mut first: Option<(u64, String)> = None;
        for &packed in &log.numbers {
            let n = u32::try_from(packed & u64::from(u32::MAX)).unwrap_or(u32::MAX);
            if prior.has_number(n) || !self.add_number(n) {
                first = Some((packed >> 32, n.to_string()));
                break;
            }
        }
        for (line, id) in &log.texts {
            if first.as_ref().is_some_and(|(l, _)| l < line) {
                break;
            }
            if prior.texts.contains(id) || !self.texts.insert(id.clone()) {
                first = Some((*line, String::from_utf8_lossy(id).into_owned()));
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
                Some(m) => {
                    for (a, b) in m.iter_mut().zip(theirs.iter()) {
                        *a |= b;
                    }
                }
                None => *mine = Some(theirs),
            }
        }
        if self.texts.is_empty() {
            self.texts = other.texts;
        } else {
            self.texts.extend(other.texts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
