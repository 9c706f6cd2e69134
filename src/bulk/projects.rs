//! The project table: what an expenditure must match (county, category, in the pool), by
//! project id. Ids that [`plain_number`] reads and that are below [`DENSE_IDS`] index a
//! dense table; other numeric ids are keys of a hash map of numbers, every other id of a
//! hash map of its bytes.

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
    /// Entries of numeric ids from [`DENSE_IDS`] on (8 bytes each and the map's own).
    sparse: HashMap<u32, ProjectEntry>,
    /// Entries of every other id, by its bytes.
    other: HashMap<Box<[u8]>, ProjectEntry>,
    len: usize,
}

impl ProjectTable {
    /// Whether the numeric id `n` ([`plain_number`]) has a dense index (itself).
    #[inline]
    pub(crate) fn is_dense(n: u32) -> bool {
        n < DENSE_IDS
    }

    /// The entry of a project id.
    #[inline]
    pub(crate) fn get(&self, id: &[u8]) -> Option<ProjectEntry> {
        match plain_number(id) {
            Some(n) if ProjectTable::is_dense(n) => self.dense_entry(n),
            Some(n) => self.sparse.get(&n).copied(),
            None => self.other.get(id).copied(),
        }
    }

    /// The entry of a numeric id below [`DENSE_IDS`] ([`ProjectTable::is_dense`]).
    #[inline]
    pub(crate) fn dense_entry(&self, n: u32) -> Option<ProjectEntry> {
        debug_assert!(n < DENSE_IDS);
        match self.dense.get(n as usize) {
            Some(&e) if e != 0 => Some(ProjectEntry(e)),
            _ => None,
        }
    }

    /// Adds projects (key, entry, position); on a repeated id returns its index in `items`
    /// and the id, and leaves the table as it was (the projects added before the repeat are
    /// taken out again: no copy of the table is made).
    pub(crate) fn extend<'a, I>(&mut self, items: I) -> Result<(), (usize, String)>
    where
        I: IntoIterator<Item = &'a ProjectItem>,
        I::IntoIter: Clone,
    {
        let items = items.into_iter();
        for (i, (key, entry, _, _)) in items.clone().enumerate() {
            if !self.insert(key, *entry) {
                for (done, _, _, _) in items.take(i) {
                    self.remove(done);
                }
                return Err((
                    i,
                    match key {
                        ProjectKey::Number(n) => n.to_string(),
                        ProjectKey::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Adds one project unless its id is in the table (then `false`, and nothing changes).
    fn insert(&mut self, key: &ProjectKey, entry: ProjectEntry) -> bool {
        use std::collections::hash_map::Entry;
        let fresh = match key {
            ProjectKey::Number(n) if ProjectTable::is_dense(*n) => {
                let at = *n as usize;
                if self.dense.len() <= at {
                    self.dense.resize(at + 1, 0);
                }
                match self.dense.get_mut(at) {
                    Some(slot) if *slot == 0 => {
                        *slot = entry.0;
                        true
                    }
                    _ => false,
                }
            }
            ProjectKey::Number(n) => match self.sparse.entry(*n) {
                Entry::Vacant(v) => {
                    v.insert(entry);
                    true
                }
                Entry::Occupied(_) => false,
            },
            ProjectKey::Text(t) => match self.other.entry(t.clone()) {
                Entry::Vacant(v) => {
                    v.insert(entry);
                    true
                }
                Entry::Occupied(_) => false,
            },
        };
        self.len += usize::from(fresh);
        fresh
    }

    /// Takes out a project [`ProjectTable::insert`] added.
    fn remove(&mut self, key: &ProjectKey) {
        let removed = match key {
            ProjectKey::Number(n) if ProjectTable::is_dense(*n) => self
                .dense
                .get_mut(*n as usize)
                .is_some_and(|slot| std::mem::take(slot) != 0),
            ProjectKey::Number(n) => self.sparse.remove(n).is_some(),
            ProjectKey::Text(t) => self.other.remove(t).is_some(),
        };
        debug_assert!(removed, "only projects just inserted are taken out");
        self.len -= usize::from(removed);
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

    /// A failed `extend` leaves the table as it was: the projects before the repeat are
    /// taken out, and the entry of the id repeated is not overwritten.
    #[test]
    fn a_repeat_leaves_the_table_as_it_was() {
        let (e, other) = (
            ProjectEntry::new(450_521, 3, true),
            ProjectEntry::new(450_522, 1, false),
        );
        let mut t = ProjectTable::default();
        let item = |id: &[u8], entry| (ProjectKey::of(id), entry, 0, 1);
        t.extend(&[item(b"7", e), item(b"4194305", e), item(b"P-1", e)])
            .unwrap();
        // The dense table may keep room it grew into (zeros: no project).
        let held = |t: &ProjectTable| {
            let end = t.dense.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
            (
                t.len,
                t.dense[..end].to_vec(),
                t.sparse.clone(),
                t.other.clone(),
            )
        };
        let before = held(&t);
        for (batch, at) in [
            (
                vec![
                    item(b"P-2", other),
                    item(b"4194306", other),
                    item(b"8", other),
                    item(b"7", other),
                ],
                3,
            ),
            (vec![item(b"9", other), item(b"9", other)], 1),
            (vec![item(b"4194305", other)], 0),
            (vec![item(b"P-3", other), item(b"P-1", other)], 1),
        ] {
            assert_eq!(t.extend(&batch).map_err(|(i, _)| i), Err(at));
            assert_eq!(held(&t), before);
        }
        assert_eq!(t.get(b"7"), Some(e));
        assert_eq!(t.get(b"8"), None);
    }
}
