//! Compact record storage: one column per field, ids packed into eight bytes, amounts as
//! integer 分, references as row numbers.
//!
//! A record is rebuilt as its public type ([`Allocation`](crate::record::Allocation), …)
//! only when it is read; the ledger itself keeps about 30–40 bytes a record here (see
//! DESIGN.md, "The ledger's memory").

use std::hash::{BuildHasher, RandomState};

use chrono::NaiveDate;
use hashbrown::HashTable;

use crate::dim::{DocNo, FundLevel, ProjectStage, RegionCode};

/// The top bit of a packed id: set for an id kept as text, clear for a plain number.
const TEXT: u64 = 1 << 63;

/// An id as the column compares it: a plain decimal number (digits, no leading zero, at
/// most 18 of them), or any other text. Every text has exactly one form, so two ids are
/// equal exactly when their forms are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum IdRef<'a> {
    Number(u64),
    Text(&'a [u8]),
}

impl<'a> IdRef<'a> {
    pub(super) fn of(s: &'a str) -> IdRef<'a> {
        let b = s.as_bytes();
        let plain = !b.is_empty()
            && b.len() <= 18
            && b.iter().all(u8::is_ascii_digit)
            && (b.len() == 1 || b.first() != Some(&b'0'));
        if plain {
            IdRef::Number(b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
        } else {
            IdRef::Text(b)
        }
    }
}

impl IdRef<'_> {
    /// The id as it was written (a plain number has one spelling).
    pub(super) fn to_text(self) -> String {
        match self {
            IdRef::Number(n) => n.to_string(),
            IdRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        }
    }
}

/// The ids of one kind of record, in row order, with an index for lookups and the
/// uniqueness check: 8 bytes a row (plus the text of ids that are not plain numbers) and
/// at most 8 bytes of index.
///
/// Plain-number ids below twice the row count (or 2¹⁶) are indexed in a dense array by
/// value, one cache line per lookup, as files number their rows; other ids in a hash
/// table of row numbers (about 5–9 bytes a row; a lookup reads its control bytes, the row
/// number and the id).
#[derive(Clone, Debug, Default)]
pub(super) struct IdColumn {
    /// A number, or `TEXT | offset` of a length byte and the text in `text`.
    packed: Vec<u64>,
    text: Vec<u8>,
    /// Row + 1 by the value of a plain-number id; 0 for none.
    dense: Vec<u32>,
    /// Row numbers of the other ids, hashed by their id.
    index: HashTable<u32>,
    hasher: IdHasher,
}

/// Hashes ids: a plain number by a seeded multiply-xorshift mix (the ids of a large file
/// are mostly numbers, and `SipHash` cost a tenth of an insert), other text by `SipHash`. The
/// seed is random per column, as `RandomState`'s keys are.
#[derive(Clone, Debug)]
struct IdHasher {
    text: RandomState,
    seed: u64,
}

impl Default for IdHasher {
    fn default() -> IdHasher {
        let text = RandomState::new();
        let seed = text.hash_one(0x5eed_u64);
        IdHasher { text, seed }
    }
}

/// splitmix64's finaliser: a cheap hash of a number with every bit mixed.
fn mix(n: u64) -> u64 {
    let mut z = n;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A seeded hash for the ledger's small maps keyed by numbers (regions): a multiply-mix
/// per number instead of `SipHash` rounds; the seed is random per map.
#[derive(Clone, Debug)]
pub(super) struct FastState(u64);

impl Default for FastState {
    fn default() -> FastState {
        FastState(RandomState::new().hash_one(0xfa57_u64))
    }
}

impl BuildHasher for FastState {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(self.0)
    }
}

/// The hasher of [`FastState`].
pub(super) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = mix(self.0 ^ u64::from(*b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = mix(self.0 ^ u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = mix(self.0 ^ n);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The ledger's buckets by a packed key (region code, level, category: see
/// `Ledger::bucket_key`) to their row: 16 bytes an entry, compared in the table itself, so a
/// lookup is one or two cache lines where a map of `Bucket`s to flows read several.
#[derive(Clone, Debug)]
pub(super) struct BucketKeys {
    table: HashTable<(u64, u32)>,
    seed: u64,
}

impl Default for BucketKeys {
    fn default() -> BucketKeys {
        BucketKeys {
            table: HashTable::new(),
            seed: RandomState::new().hash_one(0xb0c4_u64),
        }
    }
}

impl BucketKeys {
    pub(super) fn get(&self, key: u64) -> Option<u32> {
        let hash = mix(key ^ self.seed);
        self.table.find(hash, |e| e.0 == key).map(|e| e.1)
    }

    /// Adds a key that is not in the table.
    pub(super) fn insert(&mut self, key: u64, row: u32) {
        let seed = self.seed;
        self.table
            .insert_unique(mix(key ^ seed), (key, row), |e| mix(e.0 ^ seed));
    }

    pub(super) fn remove(&mut self, key: u64) {
        if let Ok(entry) = self.table.find_entry(mix(key ^ self.seed), |e| e.0 == key) {
            entry.remove();
        }
    }
}

impl IdHasher {
    fn hash_one(&self, id: IdRef<'_>) -> u64 {
        match id {
            IdRef::Number(n) => mix(n ^ self.seed),
            IdRef::Text(t) => self.text.hash_one(t),
        }
    }
}

/// The id of a packed row, read from the column's text.
fn unpack(text: &[u8], packed: u64) -> Option<IdRef<'_>> {
    if packed & TEXT == 0 {
        return Some(IdRef::Number(packed));
    }
    let at = usize::try_from(packed & !TEXT).ok()?;
    let len = usize::from(*text.get(at)?);
    text.get(at + 1..at + 1 + len).map(IdRef::Text)
}

impl IdColumn {
    pub(super) fn len(&self) -> usize {
        self.packed.len()
    }

    fn id(&self, row: usize) -> Option<IdRef<'_>> {
        unpack(&self.text, *self.packed.get(row)?)
    }

    /// The id of `row` as text.
    pub(super) fn text(&self, row: usize) -> Option<String> {
        Some(match self.id(row)? {
            IdRef::Number(n) => n.to_string(),
            IdRef::Text(t) => String::from_utf8(t.to_vec()).ok()?,
        })
    }

    /// Makes room for `more` rows.
    pub(super) fn reserve(&mut self, more: usize) {
        self.packed.reserve(more);
    }

    /// The dense slot of a plain-number id, if it has one.
    fn slot(&self, key: IdRef<'_>) -> Option<u32> {
        let IdRef::Number(n) = key else { return None };
        let row = *self.dense.get(usize::try_from(n).ok()?)?;
        row.checked_sub(1)
    }

    /// The row holding `id`.
    pub(super) fn find(&self, id: &str) -> Option<u32> {
        self.find_key(IdRef::of(id))
    }

    /// The row holding the id `key`.
    pub(super) fn find_key(&self, key: IdRef<'_>) -> Option<u32> {
        if let Some(row) = self.slot(key) {
            return Some(row);
        }
        if self.index.is_empty() {
            return None;
        }
        let hash = self.hasher.hash_one(key);
        self.index
            .find(hash, |&row| {
                usize::try_from(row)
                    .ok()
                    .and_then(|r| self.id(r))
                    .is_some_and(|k| k == key)
            })
            .copied()
    }

    /// Appends `id` as a new row, or returns `false` (and appends nothing) when a row holds
    /// it already. Ids are 1–64 bytes ([`RecordId`](crate::dim::RecordId),
    /// [`ProjectId`](crate::dim::ProjectId)), so a length byte holds every length; the
    /// caller keeps rows below `u32::MAX`.
    pub(super) fn push_unique(&mut self, id: &str) -> bool {
        self.push_unique_key(IdRef::of(id))
    }

    /// [`IdColumn::push_unique`] for an id in its compared form.
    pub(super) fn push_unique_key(&mut self, key: IdRef<'_>) -> bool {
        debug_assert!(
            !matches!(key, IdRef::Text(t) if t.len() > 64),
            "ids are validated to at most 64 bytes"
        );
        if self.slot(key).is_some() {
            return false;
        }
        let row = u32::try_from(self.packed.len()).unwrap_or(u32::MAX);
        if let IdRef::Number(n) = key {
            let limit = (2 * self.packed.len()).max(1 << 16);
            if let Some(n) = usize::try_from(n).ok().filter(|n| *n < limit) {
                // Not in the dense array; it may be in the hash table from when the array
                // was shorter.
                if !self.index.is_empty() && self.find_key(key).is_some() {
                    return false;
                }
                if self.dense.len() <= n {
                    self.dense.resize(n + 1, 0);
                }
                if let Some(slot) = self.dense.get_mut(n) {
                    *slot = row + 1;
                }
                self.packed.push(n as u64);
                return true;
            }
        }
        let hash = self.hasher.hash_one(key);
        let (packed, text, hasher) = (&self.packed, &self.text, &self.hasher);
        let same = |row: &u32| {
            usize::try_from(*row)
                .ok()
                .and_then(|r| packed.get(r))
                .and_then(|p| unpack(text, *p))
                .is_some_and(|k| k == key)
        };
        if self.index.find(hash, same).is_some() {
            return false;
        }
        let rehash = |row: &u32| {
            let id = usize::try_from(*row)
                .ok()
                .and_then(|r| packed.get(r))
                .and_then(|p| unpack(text, *p));
            hasher.hash_one(id.unwrap_or(IdRef::Text(&[])))
        };
        // Appended before the text, so `rehash` (borrowing the old text) finds every row
        // already in the index.
        self.index.insert_unique(hash, row, rehash);
        let packed = match key {
            IdRef::Number(n) => n,
            IdRef::Text(t) => {
                let at = self.text.len() as u64 | TEXT;
                // At most 64 bytes: the length fits a byte.
                self.text.push(u8::try_from(t.len()).unwrap_or(u8::MAX));
                self.text.extend_from_slice(t);
                at
            }
        };
        self.packed.push(packed);
        true
    }

    /// Drops the rows from `len` on, and their index entries.
    pub(super) fn truncate(&mut self, len: usize) {
        let (packed, text, hasher) = (&self.packed, &self.text, &self.hasher);
        let mut text_len = None;
        for (row, p) in packed.iter().enumerate().skip(len) {
            let r = u32::try_from(row).unwrap_or(u32::MAX);
            let dense = usize::try_from(*p)
                .ok()
                .filter(|_| p & TEXT == 0)
                .and_then(|n| self.dense.get_mut(n))
                .filter(|slot| **slot == r + 1);
            if let Some(slot) = dense {
                *slot = 0;
            } else if let Some(key) = unpack(text, *p) {
                let hash = hasher.hash_one(key);
                if let Ok(entry) = self.index.find_entry(hash, |x| *x == r) {
                    entry.remove();
                }
            }
            if p & TEXT != 0 && text_len.is_none() {
                text_len = usize::try_from(p & !TEXT).ok();
            }
        }
        self.packed.truncate(len);
        if let Some(t) = text_len {
            self.text.truncate(t);
        }
    }
}

/// The projects: id, region, category (an index into the ledger's categories), planned
/// investment in 分, stage and year.
#[derive(Clone, Debug, Default)]
pub(super) struct Projects {
    pub(super) ids: IdColumn,
    /// What an expenditure's checks read, together: one cache line per project.
    pub(super) rows: Vec<ProjectRow>,
    pub(super) planned: Vec<i128>,
    pub(super) year: Vec<i32>,
    /// Names (项目名称) of the projects that have one, by row.
    pub(super) name: Vec<(u32, Box<str>)>,
}

/// The fields of a project an expenditure is checked against.
#[derive(Clone, Copy, Debug)]
pub(super) struct ProjectRow {
    pub(super) region: RegionCode,
    /// The region's row among the ledger's regions.
    pub(super) region_row: u32,
    pub(super) category: u32,
    pub(super) stage: ProjectStage,
}

impl Projects {
    pub(super) fn reserve(&mut self, more: usize) {
        self.ids.reserve(more);
        self.rows.reserve(more);
        self.planned.reserve(more);
        self.year.reserve(more);
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.ids.truncate(len);
        self.rows.truncate(len);
        self.planned.truncate(len);
        while self
            .name
            .last()
            .is_some_and(|e| usize::try_from(e.0).is_ok_and(|r| r >= len))
        {
            self.name.pop();
        }
        self.year.truncate(len);
    }
}

/// The allocations: id, date, bucket (an index into the ledger's buckets, which give
/// region, level and category) and amount in 分; the rare document numbers and batch
/// numbers beside them, by row.
#[derive(Clone, Debug, Default)]
pub(super) struct Allocations {
    pub(super) ids: IdColumn,
    pub(super) date: Vec<NaiveDate>,
    pub(super) bucket: Vec<u32>,
    pub(super) fen: Vec<i128>,
    pub(super) doc_no: Vec<(u32, DocNo)>,
    pub(super) batch: Vec<(u32, u32)>,
}

impl Allocations {
    pub(super) fn reserve(&mut self, more: usize) {
        self.ids.reserve(more);
        self.date.reserve(more);
        self.bucket.reserve(more);
        self.fen.reserve(more);
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.ids.truncate(len);
        self.date.truncate(len);
        self.bucket.truncate(len);
        self.fen.truncate(len);
        let kept = |row: u32| usize::try_from(row).is_ok_and(|r| r < len);
        while self.doc_no.last().is_some_and(|e| !kept(e.0)) {
            self.doc_no.pop();
        }
        while self.batch.last().is_some_and(|e| !kept(e.0)) {
            self.batch.pop();
        }
    }

    /// The value kept beside `row` in a side column (rows ascending).
    pub(super) fn side<T>(column: &[(u32, T)], row: u32) -> Option<&T> {
        column
            .binary_search_by_key(&row, |e| e.0)
            .ok()
            .and_then(|i| column.get(i))
            .map(|e| &e.1)
    }
}

/// The expenditures: id, date, project (a row of the projects, which gives region and
/// category: the ledger checked they agree), level and amount in 分.
#[derive(Clone, Debug, Default)]
pub(super) struct Expenditures {
    pub(super) ids: IdColumn,
    pub(super) date: Vec<NaiveDate>,
    pub(super) project: Vec<u32>,
    pub(super) level: Vec<FundLevel>,
    pub(super) fen: Vec<i128>,
}

impl Expenditures {
    pub(super) fn reserve(&mut self, more: usize) {
        self.ids.reserve(more);
        self.date.reserve(more);
        self.project.reserve(more);
        self.level.reserve(more);
        self.fen.reserve(more);
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.ids.truncate(len);
        self.date.truncate(len);
        self.project.truncate(len);
        self.level.truncate(len);
        self.fen.truncate(len);
    }
}

impl IdRef<'_> {
    #[cfg(test)]
    fn is_number(self) -> bool {
        matches!(self, IdRef::Number(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_pack_and_text_round_trips() {
        assert!(IdRef::of("0").is_number());
        assert!(IdRef::of("244786").is_number());
        assert!(!IdRef::of("0244786").is_number());
        assert!(!IdRef::of("1234567890123456789").is_number());
        let mut c = IdColumn::default();
        for id in ["1", "01", "E-1", "244786", "凭证-7"] {
            assert!(c.push_unique(id));
        }
        assert!(!c.push_unique("01"));
        // Beyond the dense array's reach, then within it once there are more rows.
        assert!(c.push_unique("900000"));
        assert!(!c.push_unique("900000"));
        assert_eq!(c.find("900000"), Some(5));
        c.truncate(5);
        assert_eq!(c.find("900000"), None);
        assert!(!c.push_unique("244786"));
        assert_eq!(c.find("E-1"), Some(2));
        assert_eq!(c.text(4).as_deref(), Some("凭证-7"));
        assert_eq!(c.text(1).as_deref(), Some("01"));
        c.truncate(2);
        assert_eq!((c.len(), c.find("E-1"), c.find("01")), (2, None, Some(1)));
        assert!(c.push_unique("E-1"));
        assert_eq!(c.text(2).as_deref(), Some("E-1"));
    }
}
