//! The project table: what an expenditure must match (county, category, in the pool), by
//! project id. Ids that [`plain_number`] reads and that are below [`DENSE_IDS`] index a
//! dense table; every other id a hash map of its bytes.

use std::collections::HashMap;

use super::ids::plain_number;

/// Numeric ids below this go in the dense table (4 bytes each, 16 MiB at most).
const DENSE_IDS: u32 = 1 << 22;

/// A project id as a key: a plain decimal number ([`plain_number`]), or its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ProjectKey {
    Number(u32),
    Text(Box<[u8]>),
}

impl ProjectKey {
    #[inline]
    pub(crate) fn of(id: &[u8]) -> ProjectKey {
        plain_number(id).map_or_else(|| ProjectKey::Text(id.into()), ProjectKey::Number)
    }
}

/// A project as a read logs it: id, what expenditures must match, position in the input
/// (chunk number << 32 | line in the chunk) and planned 分.
pub(crate) type ProjectItem = (ProjectKey, ProjectEntry, u64, i64);

/// What an expenditure must match: county code, built-in category index and whether the
/// project is in the pool, packed as `code << 4 | category << 1 | pooled` (never 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ProjectEntry(u32);

impl ProjectEntry {
    /// The entry of a project of county `code` (below 1,000,000) and built-in category
    /// index `category` (below 8).
    #[inline]
    pub(crate) fn new(code: u32, category: usize, pooled: bool) -> ProjectEntry {
        debug_assert!(code < 1_000_000 && code > 0 && category < 8);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a built-in category index, below 8"
        )]
        let category = (category & 7) as u32;
        ProjectEntry((code << 4) | (category << 1) | u32::from(pooled))
    }

    /// The county code.
    pub(crate) fn code(self) -> u32 {
        self.0 >> 4
    }

    /// The built-in category index.
    pub(crate) fn category(self) -> usize {
        ((self.0 >> 1) & 7) as usize
    }

    /// Whether the project is in the pool.
    pub(crate) fn pooled(self) -> bool {
        self.0 & 1 == 1
    }
}

/// The projects read so far: id → [`ProjectEntry`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ProjectTable {
    /// Entries of numeric ids below [`DENSE_IDS`]; 0: no project.
    dense: Vec<u32>,
    other: HashMap<Box<[u8]>, ProjectEntry>,
    len: usize,
}

impl ProjectTable {
    /// The dense index of an id, when it has one: [`ProjectTable::dense_entry`] then answers
    /// for it.
    #[inline]
    pub(crate) fn dense_id(id: &[u8]) -> Option<u32> {
        plain_number(id).filter(|&n| ProjectTable::is_dense(n))
    }

    /// Whether the numeric id `n` ([`plain_number`]) has a dense index (itself).
    #[inline]
    pub(crate) fn is_dense(n: u32) -> bool {
        n < DENSE_IDS
    }

    /// The entry of a project id.
    #[inline]
    pub(crate) fn get(&self, id: &[u8]) -> Option<ProjectEntry> {
        match ProjectTable::dense_id(id) {
            Some(n) => self.dense_entry(n),
            // Numeric ids past the dense table are kept as their bytes, which are the
            // number's canonical spelling (`plain_number` takes no leading zero).
            None => self.other.get(id).copied(),
        }
    }

    /// The entry of a dense id ([`ProjectTable::dense_id`]).
    #[inline]
    pub(crate) fn dense_entry(&self, n: u32) -> Option<ProjectEntry> {
        debug_assert!(n < DENSE_IDS);
        match self.dense.get(n as usize) {
            Some(&e) if e != 0 => Some(ProjectEntry(e)),
            _ => None,
        }
    }

    /// Adds projects (key, entry, position); on a repeated id returns its index in `items`
    /// and the id, and leaves the table unchanged.
    pub(crate) fn extend<'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a ProjectItem>,
    ) -> Result<(), (usize, String)> {
        let mut next = self.clone();
        for (i, (key, entry, _, _)) in items.into_iter().enumerate() {
            let fresh = match key {
                ProjectKey::Number(n) if *n < DENSE_IDS => {
                    let at = *n as usize;
                    if next.dense.len() <= at {
                        next.dense.resize(at + 1, 0);
                    }
                    #[expect(clippy::expect_used, reason = "resized to hold `at` just above")]
                    let slot = next.dense.get_mut(at).expect("dense slot");
                    let fresh = *slot == 0;
                    *slot = entry.0;
                    fresh
                }
                ProjectKey::Number(n) => next
                    .other
                    .insert(n.to_string().into_bytes().into(), *entry)
                    .is_none(),
                ProjectKey::Text(t) => next.other.insert(t.clone(), *entry).is_none(),
            };
            if !fresh {
                return Err((
                    i,
                    match key {
                        ProjectKey::Number(n) => n.to_string(),
                        ProjectKey::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    },
                ));
            }
            next.len += 1;
        }
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_spelling_finds_its_project() {
        let e = ProjectEntry::new(450_521, 3, true);
        assert_eq!((e.code(), e.category(), e.pooled()), (450_521, 3, true));
        let mut t = ProjectTable::default();
        let ids: [&[u8]; 5] = [b"0", b"7", b"4194304", b"4294967295", b"P-7"];
        let items: Vec<_> = ids.iter().map(|id| (ProjectKey::of(id), e, 0, 1)).collect();
        t.extend(&items).unwrap();
        for id in ids {
            assert_eq!(t.get(id), Some(e), "{}", String::from_utf8_lossy(id));
        }
        for id in [&b"007"[..], b"8", b"4294967296", b""] {
            assert_eq!(t.get(id), None);
        }
        assert_eq!(t.extend(&items[1..2]), Err((0, "7".to_owned())));
        assert_eq!(t.get(b"7"), Some(e));
    }
}
