//! Spending against the money in place (超支检查): per (county, fund level, category) bucket,
//! money spent by each date must not exceed money allocated by that date, as the ledger
//! checks it.
//!
//! The allocations of a bucket fix a step function: nothing before its first allocation
//! date, then the cumulative sum from each allocation date on. Between two allocation dates
//! the money in place is constant and spending only grows, so "spent ≤ allocated at every
//! date" holds exactly when, for every period between allocation dates (and the period
//! before the first), the spending dated up to the period's end is at most the money in
//! place at its start. So the check needs one sum per period, not one per day: every
//! expenditure (counted or dated after the as-of date) adds its 分 to the period its date
//! falls in, and after a read the periods of each bucket are summed in order.
//!
//! Each period also keeps its latest expenditure date and the last row (in file order)
//! dated then, so an overspent period is reported as "spending reaches X by D" at line L:
//! X is spent by D, more than the money in place at D, and L is the last row of the
//! period's latest date. D is a date by which the bucket is overspent; it may have been
//! from an earlier day of the same period (finding that day would need a sum per day).

use std::collections::HashMap;

use crate::{Category, FundLevel};

/// Levels × built-in categories: the buckets of one county (as `sums::BUCKETS`, which
/// stands on this module).
const BUCKETS: usize = FundLevel::ALL.len() * Category::BUILT_IN.len();

/// Six-digit region codes.
const CODE_SPACE: usize = 1_000_000;

/// An allocation as the check needs it (24 bytes): county code, bucket and whether it is
/// counted packed in one word, its day (days from CE), 分, and for an overflow's line its
/// position (chunk << 32 | line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    /// `code << 6 | bucket << 1 | counted` (code below 2²⁰, bucket below 32).
    key: u32,
    pub(crate) day: i32,
    pub(crate) fen: i64,
    pub(crate) pos: u64,
}

impl Grant {
    pub(crate) fn new(code: u32, bucket: u8, day: i32, fen: i64, counted: bool, pos: u64) -> Grant {
        debug_assert!(code < 1 << 20 && bucket < 32);
        Grant {
            key: (code << 6) | (u32::from(bucket & 31) << 1) | u32::from(counted),
            day,
            fen,
            pos,
        }
    }

    pub(crate) fn code(self) -> u32 {
        self.key >> 6
    }

    pub(crate) fn bucket(self) -> usize {
        ((self.key >> 1) & 31) as usize
    }

    pub(crate) fn counted(self) -> bool {
        self.key & 1 == 1
    }

    /// The order [`Limits::new`] needs, as one number: by county code and bucket, then day.
    #[inline]
    pub(crate) fn order(self) -> i64 {
        // `key >> 1` is below 2²⁵: shifted by 32 it stays far inside i64, and a day number
        // (any i32) added to it cannot reach the next key.
        (i64::from(self.key >> 1) << 32) + i64::from(self.day)
    }
}

/// The periods of every bucket: allocation dates and the money in place from each.
///
/// Invariant: `start` holds `BUCKETS * counties + 1` non-decreasing offsets into `days`
/// and `allowed`; bucket `g` (county index × `BUCKETS` + bucket) has allocation days
/// `days[start[g]..start[g + 1]]`, strictly increasing, and its periods are numbered
/// `start[g] + g ..= start[g + 1] + g` (one more period than dates: the one before the
/// first date).
#[derive(Debug, Default)]
pub(crate) struct Limits {
    /// Region code → county index + 1 (0: no allocation in that county).
    slot: Vec<u32>,
    codes: Vec<u32>,
    start: Vec<u32>,
    days: Vec<i32>,
    /// Allocated 分 up to and including `days[i]` in its bucket (saturating).
    allowed: Vec<i64>,
    /// Built by [`Limits::totals`]: one period per bucket holding the year's money, so only
    /// [`Limits::first_day`] and [`Limits::total`] mean anything.
    totals_only: bool,
}

impl Limits {
    /// The periods of `grants` (any order; each worker hands its grants in sorted by
    /// [`Grant::order`], and the stable sort merges such runs in linear time).
    pub(crate) fn new(mut grants: Vec<Grant>) -> Limits {
        grants.sort_by_key(|g| g.order());
        let mut l = Limits {
            slot: vec![0; CODE_SPACE],
            ..Limits::default()
        };
        let mut it = grants.into_iter().peekable();
        l.start.push(0);
        while let Some(first) = it.peek().copied() {
            let county = l.codes.len();
            l.codes.push(first.code());
            if let Some(s) = l.slot.get_mut(first.code() as usize) {
                // `county` < 2³² (one per distinct code below 10⁶).
                *s = u32::try_from(county + 1).unwrap_or(u32::MAX);
            }
            for b in 0..BUCKETS {
                let mut total: i64 = 0;
                while let Some(g) = it.next_if(|g| g.code() == first.code() && g.bucket() == b) {
                    total = total.saturating_add(g.fen);
                    if l.days.last() == Some(&g.day) && l.days.len() > offset(&l.start) {
                        if let Some(a) = l.allowed.last_mut() {
                            *a = total;
                        }
                    } else {
                        l.days.push(g.day);
                        l.allowed.push(total);
                    }
                }
                l.start
                    .push(u32::try_from(l.days.len()).unwrap_or(u32::MAX));
            }
        }
        l
    }

    /// The periods of the check by totals: one allocation date per bucket, its first, with
    /// all the bucket's money from it on. Spending before that date is spending with no
    /// money in place, and spending over the year is within the year's allocations exactly
    /// when the bucket's last period holds; so [`Limits::first_day`] and [`Limits::total`]
    /// answer as for [`Limits::new`]. One pass over `grants`, in any order: no sort.
    /// `slot` is a cleared code table to use (or an empty one).
    pub(crate) fn totals<'a>(
        grants: impl IntoIterator<Item = &'a Grant>,
        mut slot: Vec<u32>,
    ) -> Limits {
        debug_assert!(slot.iter().all(|&s| s == 0), "a cleared code table");
        if slot.len() != CODE_SPACE {
            slot = vec![0u32; CODE_SPACE];
        }
        let mut codes = Vec::new();
        // Per bucket (county index × BUCKETS + bucket): first day (`i32::MAX`: none), total.
        let mut firsts: Vec<(i32, i64)> = Vec::new();
        for g in grants {
            debug_assert!((g.code() as usize) < CODE_SPACE, "a six-digit code");
            let Some(s) = slot.get_mut(g.code() as usize) else {
                continue;
            };
            if *s == 0 {
                codes.push(g.code());
                firsts.resize(codes.len() * BUCKETS, (i32::MAX, 0));
                // `codes.len()` < 2³²: one per distinct code below 10⁶.
                *s = u32::try_from(codes.len()).unwrap_or(u32::MAX);
            }
            let at = (*s as usize - 1) * BUCKETS + g.bucket();
            if let Some((first, total)) = firsts.get_mut(at) {
                *first = (*first).min(g.day);
                *total = total.saturating_add(g.fen);
            }
        }
        let mut l = Limits {
            slot,
            codes,
            start: Vec::with_capacity(firsts.len() + 1),
            totals_only: true,
            ..Limits::default()
        };
        l.start.push(0);
        for (first, total) in firsts {
            if first != i32::MAX {
                l.days.push(first);
                l.allowed.push(total);
            }
            l.start
                .push(u32::try_from(l.days.len()).unwrap_or(u32::MAX));
        }
        l
    }

    /// The number of periods (the length of a worker's [`Spend`] arrays).
    pub(crate) fn periods(&self) -> usize {
        self.days.len() + self.codes.len() * BUCKETS
    }

    /// The period of an expenditure of county `code`, bucket `bucket`, on `day`; `None` when
    /// the county has no allocation at all.
    #[inline]
    pub(crate) fn period(&self, code: u32, bucket: usize, day: i32) -> Option<usize> {
        debug_assert!(!self.totals_only, "the periods of the check at every date");
        let county = (*self.slot.get(code as usize)? as usize).checked_sub(1)?;
        let g = county * BUCKETS + bucket;
        let s = *self.start.get(g)? as usize;
        let e = *self.start.get(g + 1)? as usize;
        let days = self.days.get(s..e)?;
        // Without a branch per date: the count of allocation dates on or before `day`
        // (they are sorted), which a mispredicted early exit made slow.
        let n: usize = days.iter().map(|&d| usize::from(d <= day)).sum();
        Some(s + g + n)
    }

    /// The index of a bucket of a county with allocations: county index × `BUCKETS` +
    /// bucket.
    fn index(&self, code: u32, bucket: usize) -> Option<usize> {
        let county = (*self.slot.get(code as usize)? as usize).checked_sub(1)?;
        (bucket < BUCKETS).then_some(county * BUCKETS + bucket)
    }

    /// The first allocation day of a bucket; `i32::MAX` when it has none.
    pub(crate) fn first_day(&self, code: u32, bucket: usize) -> i32 {
        self.range(code, bucket)
            .and_then(|(s, _)| self.days.get(s).copied())
            .unwrap_or(i32::MAX)
    }

    /// All the money allocated to a bucket (0 when none).
    pub(crate) fn total(&self, code: u32, bucket: usize) -> i64 {
        let Some((_, e)) = self.range(code, bucket) else {
            return 0;
        };
        // `range` gives a non-empty range inside `allowed`.
        debug_assert!(
            e >= 1 && e <= self.allowed.len(),
            "a bucket's dates in `days`"
        );
        self.allowed.get(e.wrapping_sub(1)).copied().unwrap_or(0)
    }

    /// The range of a bucket's dates in `days` (empty: none), when its county has any.
    fn range(&self, code: u32, bucket: usize) -> Option<(usize, usize)> {
        let county = (*self.slot.get(code as usize)? as usize).checked_sub(1)?;
        let g = county * BUCKETS + bucket;
        let s = *self.start.get(g)? as usize;
        let e = *self.start.get(g + 1)? as usize;
        (s < e).then_some((s, e))
    }

    /// Every bucket: (county code, bucket, its periods with the money in place in each).
    pub(crate) fn buckets(&self) -> impl Iterator<Item = (u32, usize, Vec<(usize, i64)>)> + '_ {
        debug_assert!(!self.totals_only, "the periods of the check at every date");
        self.codes
            .iter()
            .enumerate()
            .flat_map(move |(county, &code)| {
                (0..BUCKETS).map(move |b| {
                    let g = county * BUCKETS + b;
                    let s = self.start.get(g).map_or(0, |&x| x as usize);
                    let e = self.start.get(g + 1).map_or(s, |&x| x as usize);
                    let mut periods = vec![(s + g, 0)];
                    for i in s..e {
                        periods.push((i + 1 + g, self.allowed.get(i).copied().unwrap_or(i64::MAX)));
                    }
                    (code, b, periods)
                })
            })
    }
}

/// Spending per bucket for the check by totals (saturating sums of 分): one sum per bucket
/// of the counties a [`Limits`] knows, at its index (county index × `BUCKETS` + bucket),
/// and a map for buckets of other counties (spending where nothing is allocated).
#[derive(Clone, Debug, Default)]
pub(crate) struct Spent {
    dense: Vec<i64>,
    other: HashMap<(u32, u8), i64>,
}

impl Spent {
    /// Adds `fen` to the bucket (`code`, `bucket`).
    pub(crate) fn add(&mut self, limits: &Limits, code: u32, bucket: usize, fen: i64) {
        if fen == 0 {
            return;
        }
        if let Some(g) = limits.index(code, bucket) {
            if self.dense.len() <= g {
                self.dense.resize(limits.codes.len() * BUCKETS, 0);
            }
            if let Some(s) = self.dense.get_mut(g) {
                *s = s.saturating_add(fen);
            }
        } else {
            // A bucket index, below BUCKETS (20).
            let b = u8::try_from(bucket).unwrap_or(u8::MAX);
            let s = self.other.entry((code, b)).or_insert(0);
            *s = s.saturating_add(fen);
        }
    }

    /// Adds every sum of `other` (kept against the same `Limits`).
    pub(crate) fn absorb(&mut self, other: &Spent) {
        if self.dense.len() < other.dense.len() {
            self.dense.resize(other.dense.len(), 0);
        }
        for (s, &f) in self.dense.iter_mut().zip(&other.dense) {
            *s = s.saturating_add(f);
        }
        for (&k, &f) in &other.other {
            let s = self.other.entry(k).or_insert(0);
            *s = s.saturating_add(f);
        }
    }

    /// The buckets with spending: (county code, bucket, 分), those `limits` knows first.
    pub(crate) fn buckets<'a>(
        &'a self,
        limits: &'a Limits,
    ) -> impl Iterator<Item = (u32, usize, i64)> + 'a {
        let dense = self.dense.iter().enumerate().filter(|(_, f)| **f != 0);
        dense
            .map(|(g, &f)| {
                debug_assert!(
                    g / BUCKETS < limits.codes.len(),
                    "a sum per bucket of `limits`"
                );
                let code = limits.codes.get(g / BUCKETS).copied().unwrap_or(0);
                (code, g % BUCKETS, f)
            })
            .chain(
                self.other
                    .iter()
                    .map(|(&(c, b), &f)| (c, usize::from(b), f)),
            )
    }

    /// The sum of a bucket (0 when none).
    pub(crate) fn get(&self, limits: &Limits, code: u32, bucket: usize) -> i64 {
        match limits.index(code, bucket) {
            Some(g) => self.dense.get(g).copied().unwrap_or(0),
            None => u8::try_from(bucket)
                .ok()
                .and_then(|b| self.other.get(&(code, b)).copied())
                .unwrap_or(0),
        }
    }
}

/// The start offset of the bucket being built (the last entry of `start`).
fn offset(start: &[u32]) -> usize {
    start.last().map_or(0, |&s| s as usize)
}

/// Where a period's latest expenditure is: its day and its position (read and line, or
/// chunk and line), the last in file order among rows of that day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Mark {
    pub(crate) day: i32,
    /// Position in file order.
    pub(crate) pos: u64,
}

/// One period's spending: 分 (saturating) and the mark of its latest row, side by side so
/// that a row touches one place. `day == i32::MIN`: no row yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) fen: i64,
    pub(crate) pos: u64,
    pub(crate) day: i32,
}

impl Cell {
    const EMPTY: Cell = Cell {
        fen: 0,
        pos: 0,
        day: i32::MIN,
    };

    /// The mark, when a row was added.
    pub(crate) fn mark(&self) -> Option<Mark> {
        (self.day != i32::MIN).then_some(Mark {
            day: self.day,
            pos: self.pos,
        })
    }

    /// Adds a row's 分 and mark.
    #[inline]
    fn add(&mut self, fen: i64, mark: Mark) {
        self.fen = self.fen.saturating_add(fen);
        if (mark.day, mark.pos) > (self.day, self.pos) {
            self.day = mark.day;
            self.pos = mark.pos;
        }
    }
}

/// An expenditure as the check at every date logs it: its period, day, position and 分.
/// The rows of a bucket's first overspent period, taken by date then position, name the
/// first row past the money in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SpendRow {
    pub(crate) period: u32,
    pub(crate) day: i32,
    pub(crate) pos: u64,
    pub(crate) fen: i64,
}

/// Rows a block of [`Spend::rows`] holds (1.5 MiB): blocks are filled, never grown, so
/// the log takes 24 bytes a row and no more than a block unused per worker.
const ROWS_A_BLOCK: usize = 1 << 16;

/// Spending per period, and the rows added; made on first use.
#[derive(Clone, Debug, Default)]
pub(crate) struct Spend {
    pub(crate) cells: Vec<Cell>,
    /// The rows added, in blocks: a worker's or a read's, or, in the totals kept between
    /// reads, every read's.
    pub(crate) rows: Vec<Vec<SpendRow>>,
}

impl Spend {
    /// Makes room for `periods` periods.
    #[inline]
    pub(crate) fn reserve(&mut self, periods: usize) {
        if self.cells.len() < periods {
            self.cells.resize(periods, Cell::EMPTY);
        }
    }

    /// Adds 分 to `period` (below the `periods` reserved), with the row's mark.
    #[inline]
    pub(crate) fn add(&mut self, period: usize, fen: i64, mark: Mark) {
        debug_assert!(period < self.cells.len(), "a period of the limits reserved");
        if let Some(c) = self.cells.get_mut(period) {
            c.add(fen, mark);
            // A period index is below the limits' periods: allocations + 20 × counties,
            // far below 2³² (`Limits` keeps its offsets in `u32`).
            let row = SpendRow {
                period: u32::try_from(period).unwrap_or(u32::MAX),
                day: mark.day,
                pos: mark.pos,
                fen,
            };
            match self.rows.last_mut() {
                Some(block) if block.len() < ROWS_A_BLOCK => block.push(row),
                _ => {
                    let mut block = Vec::with_capacity(ROWS_A_BLOCK);
                    block.push(row);
                    self.rows.push(block);
                }
            }
        }
    }

    /// Adds `other` into `self` (marks and rows' positions through `map`).
    pub(crate) fn absorb(&mut self, mut other: Spend, map: impl Fn(u64) -> u64) {
        for r in other.rows.iter_mut().flatten() {
            r.pos = map(r.pos);
        }
        self.rows.append(&mut other.rows);
        self.reserve(other.cells.len());
        for (a, b) in self.cells.iter_mut().zip(other.cells) {
            if let Some(m) = b.mark() {
                a.add(
                    b.fen,
                    Mark {
                        day: m.day,
                        pos: map(m.pos),
                    },
                );
            }
        }
    }
}

/// An overspent bucket: county code, bucket, the first overspent period, spending in the
/// periods before it, the mark of the period's latest row, spending by then and the money
/// in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Overspent {
    pub(crate) code: u32,
    pub(crate) bucket: usize,
    pub(crate) period: usize,
    pub(crate) before: i64,
    pub(crate) mark: Mark,
    pub(crate) spent: i64,
    pub(crate) allocated: i64,
}

impl Overspent {
    /// Where spending first passes the money in place, as the ledger names it: `rows` are
    /// the bucket's first overspent period's rows of every read so far (any order; sorted
    /// here), taken by date then position after the spending of the periods before. The
    /// first day on which they pass the money in place, the spending by its end, and the
    /// row to blame: read `read`'s last row on or before that day (the ledger blames the
    /// batch it inserts), as a mark of that day and that row's position. `None` when read
    /// `read` has no row by then (earlier reads alone passed it, and were reported).
    pub(crate) fn first_row_past(&self, read: u64, rows: &mut [SpendRow]) -> Option<(Mark, i64)> {
        rows.sort_unstable_by_key(|r| (r.day, r.pos));
        let mut spent = self.before;
        let mut day = None;
        let mut blame = None;
        for r in rows.iter() {
            if day.is_some_and(|d| d != r.day) {
                break;
            }
            spent = spent.saturating_add(r.fen);
            if day.is_none() && spent > self.allocated {
                day = Some(r.day);
            }
            if r.pos >> 40 == read {
                blame = Some(r.pos);
            }
        }
        // The mark: the day it passes, and the row to blame.
        let (day, pos) = (day?, blame?);
        Some((Mark { day, pos }, spent))
    }
}

/// Every overspent bucket, first by date then position then bucket.
pub(crate) fn overspent(limits: &Limits, spend: &Spend) -> Vec<Overspent> {
    let mut out = Vec::new();
    for (code, bucket, periods) in limits.buckets() {
        let mut spent: i64 = 0;
        for (p, allowed) in periods {
            let cell = spend.cells.get(p).copied().unwrap_or(Cell::EMPTY);
            let before = spent;
            spent = spent.saturating_add(cell.fen);
            if spent > allowed {
                if let Some(mark) = cell.mark() {
                    out.push(Overspent {
                        code,
                        bucket,
                        period: p,
                        before,
                        mark,
                        spent,
                        allocated: allowed,
                    });
                }
                break;
            }
        }
    }
    out.sort_by_key(|o| (o.mark.day, o.mark.pos, o.code, o.bucket));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_split_at_allocation_dates() {
        let g = |day, fen| Grant::new(450_521, 3, day, fen, true, 0);
        let l = Limits::new(vec![g(10, 100), g(20, 50), g(10, 1)]);
        assert_eq!(l.periods(), 2 + BUCKETS);
        let p = |d| l.period(450_521, 3, d).unwrap();
        assert_eq!((p(9), p(10), p(19), p(20), p(400)), (3, 4, 4, 5, 5));
        assert_eq!(l.period(450_522, 3, 10), None);
        let mut s = Spend::default();
        s.reserve(l.periods());
        s.add(p(12), 101, Mark { day: 12, pos: 7 });
        assert!(overspent(&l, &s).is_empty());
        s.add(p(15), 1, Mark { day: 15, pos: 9 });
        let o = overspent(&l, &s);
        assert_eq!(o.len(), 1);
        assert_eq!((o[0].mark.day, o[0].spent, o[0].allocated), (15, 102, 101));
        s.add(p(21), 48, Mark { day: 21, pos: 1 });
        assert_eq!(overspent(&l, &s)[0].mark.day, 15);
    }

    /// Spending per bucket: buckets of counties with allocations in the dense sums, others
    /// in the map; sums saturate and merge.
    #[test]
    fn spent_per_bucket_dense_and_elsewhere() {
        let l = Limits::totals(
            &[
                Grant::new(450_521, 3, 10, 100, true, 0),
                Grant::new(450_522, 0, 10, 100, true, 0),
            ],
            Vec::new(),
        );
        let mut a = Spent::default();
        a.add(&l, 450_522, 0, 5);
        a.add(&l, 450_521, 19, 7);
        a.add(&l, 450_523, 2, 11);
        a.add(&l, 450_521, 3, 0);
        let mut b = Spent::default();
        b.add(&l, 450_523, 2, i64::MAX);
        b.add(&l, 450_522, 0, 1);
        a.absorb(&b);
        assert_eq!(a.get(&l, 450_522, 0), 6);
        assert_eq!(a.get(&l, 450_521, 19), 7);
        assert_eq!(a.get(&l, 450_523, 2), i64::MAX);
        assert_eq!(a.get(&l, 450_521, 3), 0);
        let mut all: Vec<_> = a.buckets(&l).collect();
        all.sort_unstable();
        assert_eq!(
            all,
            [(450_521, 19, 7), (450_522, 0, 6), (450_523, 2, i64::MAX)]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The periods of the check by totals answer the first day and the total of every
        /// bucket as the full periods do, for grants in any order, sums past `i64::MAX`
        /// included.
        #[test]
        fn totals_answer_as_the_full_periods(
            grants in proptest::collection::vec(
                (0u32..4, 0u8..20, 0i32..40, 1i64..=i64::MAX / 2), 0..60,
            ),
        ) {
            let grants: Vec<Grant> = grants
                .into_iter()
                .map(|(c, b, day, fen)| Grant::new(110_101 + c, b, day, fen, day < 20, 0))
                .collect();
            let full = Limits::new(grants.clone());
            let totals = Limits::totals(&grants, Vec::new());
            for code in 110_100..110_106 {
                for b in 0..BUCKETS {
                    proptest::prop_assert_eq!(totals.first_day(code, b), full.first_day(code, b));
                    proptest::prop_assert_eq!(totals.total(code, b), full.total(code, b));
                }
            }
        }
    }
}
