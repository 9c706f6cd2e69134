//! Exact sums in 分: the buckets of a county (fund level × built-in category), one county's
//! sums ([`CountySums`]), rows counted ([`Counts`]) and a worker's accumulator ([`Acc`]),
//! which gives every county a dense index through a 1,000,000-entry table.

use std::collections::HashMap;

use super::dates::Day;
use super::limits::{Grant, Mark, Spend};
use super::projects::{ProjectEntry, ProjectItem};
use crate::error::ParseError;
use crate::import::InputErrorKind as Kind;
use crate::{Category, FundLevel, RegionCode};

/// Built-in categories.
pub(crate) const CATEGORIES: usize = Category::BUILT_IN.len();
/// Levels × built-in categories: the buckets of one county.
pub(crate) const BUCKETS: usize = FundLevel::ALL.len() * CATEGORIES;
/// Six-digit region codes.
const CODE_SPACE: usize = 1_000_000;
/// Counties an accumulator makes room for at once: a few more than the country's ~2,800.
const COUNTIES: usize = 3_000;

/// The built-in categories in index order: [`Category::BUILT_IN`] as a static, so that
/// their names borrow for `'static`. Index `i` of every bulk table is this entry.
static BUILT_IN: [Category; CATEGORIES] = Category::BUILT_IN;

/// The machine name of built-in category `i` ([`Category::machine_name`]); `""` beyond.
pub(crate) fn category_name(i: usize) -> &'static str {
    BUILT_IN.get(i).map_or("", Category::machine_name)
}

/// The machine name of fund level `i` ([`FundLevel::machine_name`]); `""` beyond.
pub(crate) fn level_name(i: usize) -> &'static str {
    FundLevel::ALL.get(i).map_or("", |l| l.machine_name())
}

/// The flat index of a bucket in a county's sums.
#[inline]
pub(crate) fn bucket(level: usize, category: usize) -> usize {
    debug_assert!(level < FundLevel::ALL.len() && category < CATEGORIES);
    level * CATEGORIES + category
}

/// One row as the fast and the general path read it, before it is added.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    /// Flat index of the sum it adds to (when `counted`).
    pub(crate) index: usize,
    pub(crate) fen: i64,
    /// Dated on or before the as-of date (projects: always).
    pub(crate) counted: bool,
    /// County code, bucket and day (days from CE) of an allocation or an expenditure.
    pub(crate) code: u32,
    pub(crate) bucket: u8,
    pub(crate) day: i32,
    /// A project reference to check when the batch is added (dense id, entry it must have).
    pub(crate) project: Option<(u32, ProjectEntry)>,
}

impl Row {
    /// An allocation or expenditure row of county `code` on `day`.
    #[inline]
    pub(crate) fn dated(index: usize, fen: i64, day: Day, code: u32, bucket: usize) -> Row {
        Row {
            index,
            fen,
            counted: day.counted,
            code,
            // A bucket index, below BUCKETS (20).
            bucket: u8::try_from(bucket).unwrap_or(u8::MAX),
            day: day.num,
            project: None,
        }
    }

    /// A project's planned investment.
    #[inline]
    pub(crate) fn planned(index: usize, fen: i64) -> Row {
        Row {
            index,
            fen,
            counted: true,
            code: 0,
            bucket: 0,
            day: 0,
            project: None,
        }
    }

    /// The row as an allocation the spending check counts, at position `pos`.
    #[inline]
    pub(crate) fn grant(&self, pos: u64) -> Grant {
        Grant::new(
            self.code,
            self.bucket,
            self.day,
            self.fen,
            self.counted,
            pos,
        )
    }
}

/// One county's sums in 分: 4 levels × 5 categories (index [`bucket`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CountySums {
    pub(crate) code: RegionCode,
    pub(crate) allocated: [i64; BUCKETS],
    pub(crate) spent: [i64; BUCKETS],
    /// Planned investment of pooled projects per category.
    pub(crate) planned: [i64; CATEGORIES],
}

impl CountySums {
    /// Adds `other` (same code) into `self`, each sum stopping at `i64::MAX` (a sum there
    /// is an overflow: see [`CountySums::overflow`]).
    pub(crate) fn saturating_added(&self, other: &CountySums) -> CountySums {
        let mut out = self.clone();
        for (a, b) in out.allocated.iter_mut().zip(other.allocated) {
            *a = a.saturating_add(b);
        }
        for (a, b) in out.spent.iter_mut().zip(other.spent) {
            *a = a.saturating_add(b);
        }
        for (a, b) in out.planned.iter_mut().zip(other.planned) {
            *a = a.saturating_add(b);
        }
        out
    }

    /// The first sum that reached `i64::MAX` 分: sums of positive amounts stop there, so
    /// whatever the order of the adds (threads, chunks, shards) a sum there is an overflow.
    pub(crate) fn overflow(&self) -> Option<Kind> {
        let name = |b: usize| {
            format!(
                "{} {} {}",
                self.code,
                level_name(b / CATEGORIES),
                category_name(b % CATEGORIES)
            )
        };
        if let Some(b) = self.allocated.iter().position(|&x| x == i64::MAX) {
            return Some(Kind::SumOverflow {
                what: "allocated sum",
                bucket: name(b),
            });
        }
        if let Some(b) = self.spent.iter().position(|&x| x == i64::MAX) {
            return Some(Kind::SumOverflow {
                what: "spent sum",
                bucket: name(b),
            });
        }
        let c = self.planned.iter().position(|&x| x == i64::MAX)?;
        Some(Kind::SumOverflow {
            what: "planned investment",
            bucket: format!("{} {}", self.code, category_name(c)),
        })
    }
}

/// Rows read, by table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) allocations: u64,
    pub(crate) projects: u64,
    pub(crate) expenditures: u64,
    pub(crate) skipped: u64,
}

impl Counts {
    pub(crate) fn checked_add(self, o: Counts) -> Option<Counts> {
        Some(Counts {
            allocations: self.allocations.checked_add(o.allocations)?,
            projects: self.projects.checked_add(o.projects)?,
            expenditures: self.expenditures.checked_add(o.expenditures)?,
            skipped: self.skipped.checked_add(o.skipped)?,
        })
    }
}

/// A worker's totals: counties in order of first sight, with a dense index per code. The
/// sums are kept in three flat arrays (not one struct per county) so that a pass over
/// expenditures touches only the spent sums: 2,800 counties × 20 buckets × 8 bytes stay in
/// a core's L2 cache.
///
/// Invariant: `allocated` and `spent` hold `BUCKETS` entries per county of `codes`,
/// `planned` `CATEGORIES`, and `slot` (when allocated) maps each code of `codes` to its index + 1.
pub(crate) struct Acc {
    /// Region code → index + 1 into `codes` (0: not seen); allocated on first use.
    slot: Vec<u32>,
    codes: Vec<RegionCode>,
    /// `BUCKETS` allocated sums per county, index `county * BUCKETS + bucket`.
    pub(crate) allocated: Vec<i64>,
    /// `BUCKETS` spent sums per county.
    pub(crate) spent: Vec<i64>,
    /// Planned investment of pooled projects, `CATEGORIES` per county, index
    /// `county * CATEGORIES + category`.
    pub(crate) planned: Vec<i64>,
    /// Projects read, with what expenditures must match, their position in the input
    /// (chunk number << 32 | line in the chunk) and planned 分.
    pub(crate) projects: Vec<ProjectItem>,
    pub(crate) counts: Counts,
    /// Allocations read (counted or not), for the spending check.
    pub(crate) grants: Vec<Grant>,
    /// Spending per period of the spending check.
    pub(crate) spend: Spend,
    /// Expenditures in counties with no allocation (or, checking totals, before their
    /// bucket's first allocation): the first row of each (code, bucket).
    pub(crate) orphans: HashMap<(u32, u8), Mark>,
    /// Checking totals: spent 分 of rows dated after the as-of date, per bucket (as
    /// `spent`), and of such rows in counties with no counted row.
    pub(crate) later: Vec<i64>,
    pub(crate) later_elsewhere: HashMap<(u32, u8), i64>,
    /// Checking totals: the first allocation day of each bucket (as `spent`; `i32::MAX`:
    /// none), filled as counties come.
    pub(crate) first_day: Vec<i32>,
}

impl Acc {
    pub(crate) fn new() -> Self {
        Acc {
            slot: Vec::new(),
            codes: Vec::new(),
            allocated: Vec::new(),
            spent: Vec::new(),
            planned: Vec::new(),
            projects: Vec::new(),
            counts: Counts::default(),
            grants: Vec::new(),
            spend: Spend::default(),
            orphans: HashMap::new(),
            later: Vec::new(),
            later_elsewhere: HashMap::new(),
            first_day: Vec::new(),
        }
    }

    /// An accumulator whose code table is `slot` (empty, or all zero: one handed back by
    /// [`Acc::release_slot`]).
    pub(crate) fn with_slot(slot: Vec<u32>) -> Self {
        debug_assert!(slot.iter().all(|&s| s == 0), "a cleared code table");
        // Room for the country's ~2,800 counties from the start: the sums grow without
        // being copied (and their pages touched twice) on the way. Untouched room costs
        // address space, not memory.
        Acc {
            slot,
            allocated: Vec::with_capacity(COUNTIES * BUCKETS),
            spent: Vec::with_capacity(COUNTIES * BUCKETS),
            planned: Vec::with_capacity(COUNTIES * CATEGORIES),
            ..Acc::new()
        }
    }

    /// Hands back the code table, cleared where this accumulator wrote it, for another
    /// accumulator ([`Acc::with_slot`]); this one no longer knows any county. A fresh
    /// table of 4 MiB costs 1,024 page faults and, when the allocator reuses memory, a
    /// clear of all of it; a kept one costs the clear of the entries used (a few thousand).
    pub(crate) fn release_slot(&mut self) -> Vec<u32> {
        let mut slot = std::mem::take(&mut self.slot);
        for c in &self.codes {
            if let Some(s) = slot.get_mut(c.get() as usize) {
                *s = 0;
            }
        }
        slot
    }

    /// Sorts the logged grants by [`Grant::order`], the order the check at every date builds
    /// its periods in: each worker sorts its own, so the merge after a read is linear.
    pub(crate) fn sort_grants(&mut self) {
        self.grants.sort_unstable_by_key(|g| g.order());
    }

    /// The index of county `code` (a number below 1,000,000), added on first sight after
    /// checking the code. `field` is the text as written, for the error.
    pub(crate) fn county(&mut self, code: u32, field: &[u8]) -> Result<usize, Kind> {
        if let Some(idx) = self.known(code) {
            return Ok(idx);
        }
        let region = RegionCode::new(code).map_err(|e| {
            Kind::Value(ParseError::new(
                "region code",
                String::from_utf8_lossy(field).into_owned(),
                e.kind().clone(),
            ))
        })?;
        self.push(region)
    }

    /// The index of a county already seen.
    #[inline]
    pub(crate) fn known(&self, code: u32) -> Option<usize> {
        let s = *self.slot.get(code as usize)?;
        (s as usize).checked_sub(1)
    }

    /// Adds a new county; returns its index. An error only past 2³² − 1 counties.
    fn push(&mut self, region: RegionCode) -> Result<usize, Kind> {
        debug_assert!(
            !self.slot.is_empty() || self.codes.is_empty(),
            "no county added after the code table was handed back"
        );
        if self.slot.is_empty() {
            self.slot = vec![0; CODE_SPACE];
        }
        let idx = self.codes.len();
        let tag = u32::try_from(idx + 1).map_err(|_| Kind::Overflow)?;
        #[expect(
            clippy::expect_used,
            reason = "a RegionCode is six digits, below CODE_SPACE, the length of slot"
        )]
        let slot = self
            .slot
            .get_mut(region.get() as usize)
            .expect("region code inside the slot table");
        *slot = tag;
        self.codes.push(region);
        self.allocated.resize(self.allocated.len() + BUCKETS, 0);
        self.spent.resize(self.spent.len() + BUCKETS, 0);
        self.planned.resize(self.planned.len() + CATEGORIES, 0);
        Ok(idx)
    }

    /// The code of county `idx`.
    pub(crate) fn code_at(&self, idx: usize) -> u32 {
        self.codes.get(idx).map_or(0, |c| c.get())
    }

    /// Spending per bucket, counted or not (checking totals): (code, bucket, 分).
    pub(crate) fn spending(&self) -> impl Iterator<Item = (u32, u8, i64)> + '_ {
        self.codes
            .iter()
            .enumerate()
            .flat_map(move |(i, c)| {
                (0..BUCKETS).map(move |b| {
                    let at = i * BUCKETS + b;
                    debug_assert!(
                        at < self.spent.len() && self.later.len() <= self.spent.len(),
                        "BUCKETS sums per county; `later` never outgrows `spent`"
                    );
                    // `later` is filled only up to the counties a spending check saw: 0 beyond.
                    let fen = self
                        .spent
                        .get(at)
                        .copied()
                        .unwrap_or(0)
                        .saturating_add(self.later.get(at).copied().unwrap_or(0));
                    // A bucket index, below BUCKETS (20).
                    (c.get(), u8::try_from(b).unwrap_or(u8::MAX), fen)
                })
            })
            .filter(|t| t.2 != 0)
            .chain(self.later_elsewhere.iter().map(|(&(c, b), &f)| (c, b, f)))
    }

    /// The sums of county `idx` (an index this accumulator gave out).
    #[expect(
        clippy::expect_used,
        reason = "idx < codes.len(), and the arrays hold BUCKETS (or CATEGORIES) entries per code"
    )]
    fn sums(&self, idx: usize) -> CountySums {
        let range = idx * BUCKETS..(idx + 1) * BUCKETS;
        let bucket_sums = |v: &[i64]| -> [i64; BUCKETS] {
            v.get(range.clone())
                .and_then(|s| s.try_into().ok())
                .expect("BUCKETS sums per county")
        };
        CountySums {
            code: *self.codes.get(idx).expect("a county index given out"),
            allocated: bucket_sums(&self.allocated),
            spent: bucket_sums(&self.spent),
            planned: self
                .planned
                .get(idx * CATEGORIES..(idx + 1) * CATEGORIES)
                .and_then(|s| s.try_into().ok())
                .expect("CATEGORIES planned sums per county"),
        }
    }

    /// Every county's sums, in order of first sight.
    pub(crate) fn into_sums(self) -> Vec<CountySums> {
        (0..self.codes.len()).map(|i| self.sums(i)).collect()
    }

    /// Adds a whole county's sums (saturating).
    fn add_county(&mut self, c: &CountySums) -> Result<(), Kind> {
        let idx = match self.known(c.code.get()) {
            Some(i) => i,
            None => self.push(c.code)?,
        };
        let sum = self.sums(idx).saturating_added(c);
        let range = idx * BUCKETS..(idx + 1) * BUCKETS;
        let (allocated, spent, planned) = (
            self.allocated.get_mut(range.clone()),
            self.spent.get_mut(range),
            self.planned
                .get_mut(idx * CATEGORIES..(idx + 1) * CATEGORIES),
        );
        debug_assert!(allocated.is_some() && spent.is_some() && planned.is_some());
        let (Some(allocated), Some(spent), Some(planned)) = (allocated, spent, planned) else {
            // Not reached: `sums(idx)` above read the same ranges.
            return Err(Kind::Overflow);
        };
        allocated.copy_from_slice(&sum.allocated);
        spent.copy_from_slice(&sum.spent);
        planned.copy_from_slice(&sum.planned);
        Ok(())
    }

    /// Adds the sums and counts of `other` (merging a worker into the aggregate), each sum
    /// stopping at `i64::MAX`; check [`Acc::overflow`] after. Projects, grants and spending
    /// are merged by the caller, which knows their positions.
    pub(crate) fn absorb(&mut self, other: Acc) -> Result<(), Kind> {
        self.counts = self
            .counts
            .checked_add(other.counts)
            .ok_or(Kind::Overflow)?;
        for c in other.into_sums() {
            self.add_county(&c)?;
        }
        Ok(())
    }

    /// The allocated (`planned`: planned) sum of county `code`, flat bucket `b`; 0 when
    /// the county has none.
    pub(crate) fn sum_of(&self, code: u32, b: usize, planned: bool) -> i64 {
        let Some(idx) = self.known(code) else {
            return 0;
        };
        let (v, n) = if planned {
            (&self.planned, CATEGORIES)
        } else {
            (&self.allocated, BUCKETS)
        };
        debug_assert!(idx * n + b < v.len(), "n sums per known county");
        v.get(idx * n + b).copied().unwrap_or(0)
    }

    /// The first sum that overflowed ([`CountySums::overflow`]).
    pub(crate) fn overflow(&self) -> Option<Kind> {
        (0..self.codes.len()).find_map(|i| self.sums(i).overflow())
    }

    /// Whether `self` plus `other` would overflow: the error naming the first sum.
    pub(crate) fn check_absorb(&self, other: &Acc) -> Result<(), Kind> {
        if self.counts.checked_add(other.counts).is_none() {
            return Err(Kind::Overflow);
        }
        if let Some(k) = other.overflow() {
            return Err(k);
        }
        for i in 0..other.codes.len() {
            let c = other.sums(i);
            if let Some(idx) = self.known(c.code.get()) {
                if let Some(k) = self.sums(idx).saturating_added(&c).overflow() {
                    return Err(k);
                }
            }
        }
        Ok(())
    }
}
