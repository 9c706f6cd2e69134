//! The ledger (台账): validates records on insert, batch by batch, and answers what was
//! allocated and spent in each bucket up to any date.
//!
//! # Double counting
//!
//! Money is counted **where it is finally held**: an allocation is recorded once, at the
//! region that holds it, with the level it came from (central money passed down through a
//! province to a county is one allocation at the county, level central). A transfer of
//! money already recorded — from a city to one of its counties, or between categories — is
//! an [`Adjustment::reallocation`](crate::record::Adjustment::reallocation): it leaves one
//! bucket and enters another, so every roll-up that contains both sides nets it to zero and
//! a region's total is its own buckets plus its descendants', each 元 counted once. There
//! is no record that could add the same 元 twice.

mod store;

use chrono::NaiveDate;
use indexmap::{IndexMap, IndexSet};

use crate::dim::{
    Category, DocNo, FiscalYear, FundLevel, ProjectId, ProjectStage, RegionCode, Vocabulary,
};
use crate::error::{ParseError, ParseErrorKind};
use crate::money::Money;
use crate::record::{Adjustment, Allocation, Bucket, Expenditure, Project, Record, Region};
use store::{
    Allocations, BucketKeys, Expenditures, FastState, IdColumn, IdRef, ProjectRow, Projects,
};

/// What to do when spending goes beyond the money in place (超支).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overspend {
    /// Reject the batch (the default).
    #[default]
    Error,
    /// Accept the batch and report a [`Warning`].
    Warn,
}

/// How strict the ledger is.
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::ledger::{LedgerOptions, Overspend};
/// let ledger = Ledger::with_options(FiscalYear::new(2021)?, LedgerOptions::new().overspend(Overspend::Warn));
/// assert_eq!(ledger.year().year(), 2021);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LedgerOptions {
    overspend: Overspend,
}

impl LedgerOptions {
    /// The defaults: overspending is an error.
    pub fn new() -> LedgerOptions {
        LedgerOptions::default()
    }

    /// Sets what overspending does.
    #[must_use]
    pub fn overspend(mut self, overspend: Overspend) -> LedgerOptions {
        self.overspend = overspend;
        self
    }
}

/// A batch could not go in; the ledger is unchanged (数据校验错误).
///
/// Names the record by its position in the batch and its id, and the rule it broke:
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::record::{Allocation, Region};
/// use chrono::NaiveDate;
///
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// let a = Allocation::new("A-1".parse()?, NaiveDate::from_ymd_opt(2021, 2, 1).unwrap(),
///     "450521".parse()?, fundtrack::FundLevel::County, "10万元".parse()?);
/// let err = ledger.insert([a]).unwrap_err();
/// assert_eq!(err.to_string(), "record 1 (allocation A-1): unknown region 450521");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("record {position} ({record}): {kind}")]
pub struct LedgerError {
    position: usize,
    record: String,
    kind: LedgerErrorKind,
}

impl LedgerError {
    /// The 1-based position of the offending record in its batch.
    pub fn position(&self) -> usize {
        self.position
    }
    /// The record, as `expenditure E-0192`.
    pub fn record(&self) -> &str {
        &self.record
    }
    /// The rule broken.
    pub fn kind(&self) -> &LedgerErrorKind {
        &self.kind
    }
}

/// The rule a record broke; part of a [`LedgerError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerErrorKind {
    /// A region that was never declared.
    #[error("unknown region {0}")]
    UnknownRegion(RegionCode),
    /// A project that is not in the ledger.
    #[error("refers to unknown project {0}")]
    UnknownProject(ProjectId),
    /// An id used before.
    #[error("duplicate id {0}")]
    DuplicateId(String),
    /// A region declared twice.
    #[error("region {0} is already declared")]
    DuplicateRegion(RegionCode),
    /// A project with a negative planned investment.
    #[error("planned investment {0} must not be negative")]
    NegativePlanned(Money),
    /// A date outside the ledger's fiscal year.
    #[error("date {date} is outside fiscal year {year}")]
    OutsideYear {
        /// The date.
        date: NaiveDate,
        /// The year.
        year: i32,
    },
    /// Zero or negative amount outside an adjustment's direction.
    #[error("amount {0} must be positive")]
    NotPositive(Money),
    /// Spending on a project that is not in the pool.
    #[error("project {project} is not in the pool (stage {stage})")]
    NotPooled {
        /// The project.
        project: ProjectId,
        /// Its stage.
        stage: crate::dim::ProjectStage,
    },
    /// Spending recorded in another region than the project's.
    #[error("project {project} belongs to region {expected}, not {found}")]
    RegionMismatch {
        /// The project.
        project: ProjectId,
        /// The project's region.
        expected: RegionCode,
        /// The expenditure's region.
        found: RegionCode,
    },
    /// Spending recorded in another category than the project's.
    #[error("project {project} is in category {expected}, not {found}")]
    CategoryMismatch {
        /// The project.
        project: ProjectId,
        /// The project's category.
        expected: crate::dim::Category,
        /// The expenditure's category.
        found: crate::dim::Category,
    },
    /// A category that is neither built in nor declared on the ledger.
    #[error("category {category} is not declared{}", suggestion.as_ref().map_or_else(String::new, |s| format!("; did you mean {s}?")))]
    UndeclaredCategory {
        /// The category.
        category: Category,
        /// The nearest known label.
        suggestion: Option<String>,
    },
    /// A reallocation into the bucket it leaves.
    #[error("reallocation from {0} to itself")]
    SameBucket(Bucket),
    /// Money out of a bucket beyond what it held at that date.
    #[error("bucket {bucket} would be overdrawn on {date}: {funds} in place, {spent} spent")]
    Overdrawn {
        /// The bucket.
        bucket: Bucket,
        /// The first date it is overdrawn.
        date: NaiveDate,
        /// Money in place up to that date.
        funds: Money,
        /// Money spent up to that date.
        spent: Money,
    },
    /// More records of one kind, or in one batch, than the ledger numbers (`u32` rows).
    #[error("too many records for the ledger (at most 4294967293 of a kind, and in a batch)")]
    TooManyRecords,
    /// The ledger's gross amounts would exceed what [`Money`] holds.
    #[error(
        "amounts too large for the ledger (gross total beyond 792281625142643375935439503.35元)"
    )]
    Overflow,
}

/// A warning about an accepted batch (with [`Overspend::Warn`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// The record the warning is about.
    pub record: String,
    /// What is wrong (an [`LedgerErrorKind::Overdrawn`]).
    pub kind: LedgerErrorKind,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.record, self.kind)
    }
}

/// What an accepted batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Receipt {
    /// Records inserted.
    pub inserted: usize,
    /// Warnings (only with [`Overspend::Warn`]).
    pub warnings: Vec<Warning>,
}

/// Amounts in and out of a bucket over time, sorted by date, as running totals in 分.
///
/// The entries lie in blocks of the ledger's [`Entries`], dates apart from totals in each
/// block: a report binary-searches the dates of every bucket, and 4-byte dates keep that
/// search in few cache lines (pairs were 12–20% slower on the ledger bench). The last
/// entry is kept beside the block list (`last`), in the bucket's row: a batch that follows
/// the ledger's dates is checked, and a report as of a date on or after the last entry
/// answered, without reading the blocks. Invariant, held by [`Series::push`] and
/// [`Series::truncate`], the only writers: `blocks` holds `len` entries
/// (`len.div_ceil(SERIES_BLOCK)` blocks, no series sharing one), dated in order (dates may
/// repeat), and `last` is the last entry (`None` when there is none).
#[derive(Clone, Debug, Default)]
struct Series {
    /// The blocks holding the entries, in order: entry `i` is at place
    /// `i % SERIES_BLOCK` of block `blocks[i / SERIES_BLOCK]`.
    blocks: Vec<u32>,
    len: usize,
    last: Option<(NaiveDate, i128)>,
}

/// Entries a block holds: half a cache line of dates.
const SERIES_BLOCK: usize = 8;

/// Blocks a segment of [`Entries`] holds (160 KiB).
const SEGMENT: usize = 1024;

/// A block of one series' entries: dates and running totals.
#[derive(Clone, Debug)]
struct Block {
    dates: [NaiveDate; SERIES_BLOCK],
    running: [i128; SERIES_BLOCK],
}

/// The entries of every bucket's series, in blocks, the blocks in segments of
/// [`SEGMENT`] that never move: a series that grows takes a block (a freed one first), so
/// appending a month allocates nothing per bucket, the heap does not fragment as the
/// ledger grows, and no array is copied to grow (per-series arrays made December's month
/// cost 1.6× January's on the ledger bench, and one pair of arrays for all doubled the
/// peak memory when it grew). Invariant: every segment but the last is full; `free` lists
/// blocks no series holds.
#[derive(Clone, Debug, Default)]
struct Entries {
    segments: Vec<Vec<Block>>,
    free: Vec<u32>,
}

impl Entries {
    fn block(&self, b: u32) -> Option<&Block> {
        let b = b as usize;
        self.segments.get(b / SEGMENT)?.get(b % SEGMENT)
    }

    fn block_mut(&mut self, b: u32) -> Option<&mut Block> {
        let b = b as usize;
        self.segments.get_mut(b / SEGMENT)?.get_mut(b % SEGMENT)
    }

    /// A block for a series to fill (its entries are written before they are read).
    #[expect(
        clippy::expect_used,
        reason = "blocks are fewer than the ledger's records and series, below 2³²"
    )]
    fn take(&mut self) -> u32 {
        if let Some(b) = self.free.pop() {
            return b;
        }
        let blank = Block {
            dates: [NaiveDate::MIN; SERIES_BLOCK],
            running: [0; SERIES_BLOCK],
        };
        let full = self.segments.last().is_none_or(|s| s.len() == SEGMENT);
        if full {
            self.segments.push(Vec::with_capacity(SEGMENT));
        }
        let before = (self.segments.len() - 1) * SEGMENT;
        let segment = self.segments.last_mut().expect("a segment with room");
        let b = before + segment.len();
        segment.push(blank);
        u32::try_from(b).expect("fewer than 2³² blocks")
    }
}

impl Series {
    /// The block holding entry `i`, and the entry's place in it.
    fn place<'a>(&self, entries: &'a Entries, i: usize) -> Option<(&'a Block, usize)> {
        let b = *self.blocks.get(i / SERIES_BLOCK)?;
        Some((entries.block(b)?, i % SERIES_BLOCK))
    }

    /// The date and running total of entry `i`.
    #[expect(
        clippy::expect_used,
        reason = "blocks hold the series' entries (see Series)"
    )]
    fn entry(&self, entries: &Entries, i: usize) -> (NaiveDate, i128) {
        self.place(entries, i)
            .and_then(|(block, k)| Some((*block.dates.get(k)?, *block.running.get(k)?)))
            .expect("an entry below len")
    }

    /// The dates of entries `from..` (in order).
    fn dates_from<'a>(
        &'a self,
        entries: &'a Entries,
        from: usize,
    ) -> impl Iterator<Item = NaiveDate> + 'a {
        (from..self.len).map(|i| self.entry(entries, i).0)
    }

    /// The running total on `as_of`: that of the last entry on or before it, or 0 when the
    /// bucket had no entry yet (nothing in or out is a total of 0, not a missing one).
    fn at(&self, entries: &Entries, as_of: NaiveDate) -> i128 {
        match self.last {
            None => 0,
            Some((date, total)) if date <= as_of => total,
            Some(_) => match self.entries_to(entries, as_of) {
                0 => 0,
                n => self.entry(entries, n - 1).1,
            },
        }
    }

    fn first_date(&self, entries: &Entries) -> Option<NaiveDate> {
        self.dates_from(entries, 0).next()
    }

    /// The number of entries dated on or before `date`: all of them when the last is (the
    /// commonest case when a batch follows the ledger's dates, answered from `last`
    /// alone), else a binary search over the blocks' first dates and then in one block.
    fn entries_to(&self, entries: &Entries, date: NaiveDate) -> usize {
        match self.last {
            None => 0,
            Some((last, _)) if last <= date => self.len,
            Some(_) => {
                let first_on_or_before = |b: &u32| {
                    entries
                        .block(*b)
                        .is_some_and(|block| block.dates.first().is_some_and(|d| *d <= date))
                };
                match self.blocks.partition_point(first_on_or_before) {
                    0 => 0,
                    j => {
                        let start = (j - 1) * SERIES_BLOCK;
                        let held = (self.len - start).min(SERIES_BLOCK);
                        let dates = self
                            .place(entries, start)
                            .and_then(|(block, _)| block.dates.get(..held))
                            .unwrap_or_default();
                        start + dates.partition_point(|d| *d <= date)
                    }
                }
            }
        }
    }

    /// The dates of the entries after `date`.
    fn dates_after<'a>(
        &'a self,
        entries: &'a Entries,
        date: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + 'a {
        let k = match self.last {
            Some((last, _)) if last > date => self.entries_to(entries, date),
            _ => self.len,
        };
        self.dates_from(entries, k)
    }

    /// Appends an entry, taking a block when the last one is full.
    #[expect(
        clippy::expect_used,
        reason = "the series' last block has room (see Series)"
    )]
    fn push(&mut self, entries: &mut Entries, date: NaiveDate, total: i128) {
        if self.len % SERIES_BLOCK == 0 {
            self.blocks.push(entries.take());
        }
        let k = self.len % SERIES_BLOCK;
        let (d, r) = self
            .blocks
            .last()
            .and_then(|b| entries.block_mut(*b))
            .and_then(|block| block.dates.get_mut(k).zip(block.running.get_mut(k)))
            .expect("room in the last block");
        (*d, *r) = (date, total);
        self.len += 1;
        self.last = Some((date, total));
    }

    /// Keeps the first `k` entries, giving back the blocks the rest held.
    fn truncate(&mut self, entries: &mut Entries, k: usize) {
        if k >= self.len {
            return;
        }
        let keep = k.div_ceil(SERIES_BLOCK);
        entries.free.extend(self.blocks.drain(keep..));
        self.len = k;
        self.last = k.checked_sub(1).map(|i| self.entry(entries, i));
    }

    /// Adds date-sorted amounts. Entries dated on or before the first new amount stay as
    /// they are, so appending a later month costs the new amounts only; entries after it
    /// are merged (earlier entries first on equal dates). Running totals are sums of the
    /// ledger's amounts, at most its gross (below 2⁹⁶) in size: they cannot overflow.
    fn add(&mut self, entries: &mut Entries, more: &[(NaiveDate, i128)]) {
        let Some(&(first, _)) = more.first() else {
            return;
        };
        let k = self.entries_to(entries, first);
        let base = match (k, self.last) {
            (0, _) => 0,
            (n, Some((_, total))) if n == self.len => total,
            (n, _) => self.entry(entries, n - 1).1,
        };
        let mut old = Vec::with_capacity(self.len - k);
        let mut prev = base;
        for i in k..self.len {
            let (d, r) = self.entry(entries, i);
            old.push((d, r - prev));
            prev = r;
        }
        self.truncate(entries, k);
        let (mut old, mut new) = (old.into_iter().peekable(), more.iter().copied().peekable());
        let mut total = base;
        loop {
            let take_old = match (old.peek(), new.peek()) {
                (Some(o), Some(n)) => o.0 <= n.0,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_old { old.next() } else { new.next() };
            if let Some((d, v)) = next {
                total += v;
                self.push(entries, d, total);
            }
        }
    }
}

/// The money in place and spent in one bucket.
#[derive(Clone, Debug, Default)]
struct Flows {
    funds: Series,
    spent: Series,
}

impl Flows {
    /// The first date at which spending would exceed money in place by more than it does
    /// now, were the batch's amounts for this bucket (`new`, sorted by date) added; with
    /// both totals. A batch is to blame only for the overdraft it causes or deepens; one
    /// accepted earlier with a warning is not blamed on later records. Dates before the
    /// first new amount do not change, so only the dates from it on are checked: the cost
    /// is the new amounts and the entries after them, not the bucket's history.
    fn first_new_overdraft(
        &self,
        entries: &Entries,
        new: &[Staged],
        dates: &mut Vec<NaiveDate>,
    ) -> Option<(NaiveDate, i128, i128)> {
        let first = new.first()?.date;
        let before = first.pred_opt().unwrap_or(first);
        dates.clear();
        dates.extend(new.iter().map(|s| s.date));
        dates.extend(self.funds.dates_after(entries, before));
        dates.extend(self.spent.dates_after(entries, before));
        dates.sort_unstable();
        dates.dedup();
        let (mut df, mut ds) = (0i128, 0i128);
        let mut pending = new.iter().peekable();
        dates.iter().copied().find_map(|d| {
            while let Some(s) = pending.next_if(|s| s.date <= d) {
                if s.spent {
                    ds += s.fen;
                } else {
                    df += s.fen;
                }
            }
            let (of, os) = (self.funds.at(entries, d), self.spent.at(entries, d));
            let (f, s) = (of + df, os + ds);
            let old_deficit = (os - of).max(0);
            (s - f > old_deficit).then_some((d, f, s))
        })
    }
}

/// A read-only view of one bucket (资金账户).
#[derive(Clone, Copy, Debug)]
pub struct BucketView<'a> {
    bucket: &'a Bucket,
    flows: &'a Flows,
    entries: &'a Entries,
}

impl<'a> BucketView<'a> {
    /// The bucket.
    pub fn bucket(&self) -> &'a Bucket {
        self.bucket
    }

    /// Money in place up to and including `as_of`: allocations and money carried or moved
    /// in, less money recovered or moved out.
    pub fn allocated(&self, as_of: NaiveDate) -> Money {
        ledger_money(self.allocated_fen(as_of))
    }

    /// Money spent up to and including `as_of`.
    pub fn spent(&self, as_of: NaiveDate) -> Money {
        ledger_money(self.spent_fen(as_of))
    }

    /// [`BucketView::allocated`] in 分, for sums that convert once at the end.
    pub(crate) fn allocated_fen(&self, as_of: NaiveDate) -> i128 {
        self.flows.funds.at(self.entries, as_of)
    }

    /// [`BucketView::spent`] in 分.
    pub(crate) fn spent_fen(&self, as_of: NaiveDate) -> i128 {
        self.flows.spent.at(self.entries, as_of)
    }

    /// Whether anything happened in the bucket on or before `as_of`.
    pub fn active(&self, as_of: NaiveDate) -> bool {
        let first = [
            self.flows.funds.first_date(self.entries),
            self.flows.spent.first_date(self.entries),
        ]
        .into_iter()
        .flatten()
        .min();
        first.is_some_and(|d| d <= as_of)
    }
}

/// Converts a sum in 分 of the ledger's amounts into [`Money`].
///
/// For any sum the ledger or a report over it forms: one bucket's running total, a total
/// over any set of buckets (both sides of a reallocation, or one), of expenditures or of
/// planned investments. Each such sum is at most the ledger's gross amount (every amount
/// counted once, by size) in size, and [`Ledger::insert`] refuses a batch that would take
/// the gross beyond [`MAX_GROSS_FEN`], the largest amount a `Money` holds. So the
/// conversion cannot fail; if it did, a report would otherwise print a wrong total.
#[expect(
    clippy::expect_used,
    reason = "a sum of ledger amounts is at most the ledger's gross, which insert keeps within Money's range"
)]
pub(crate) fn ledger_money(fen: i128) -> Money {
    debug_assert!(
        fen.unsigned_abs() <= MAX_GROSS_FEN.unsigned_abs(),
        "a sum of ledger amounts ({fen} 分) exceeds the ledger's gross limit"
    );
    Money::checked_from_fen(fen)
        .expect("a sum of ledger amounts is at most the ledger's gross, which fits in Money")
}

/// The largest gross amount the ledger holds, so that every subtotal fits in a [`Money`].
const MAX_GROSS_FEN: i128 = (1i128 << 96) - 1;

/// The validated records of one fiscal year (台账).
///
/// Records go in by batch with [`Ledger::insert`]: the whole batch is checked first and
/// goes in whole, or not at all with a [`LedgerError`] naming the record and the rule.
/// Checks (SPEC §6): unknown region or project, duplicate id, date outside the year,
/// non-positive amount, spending on a project outside the pool or in another region or
/// category, and money out of a (region, level, category) bucket beyond what it held up to
/// each date. Amounts are whole 分 by construction of [`Money`].
///
/// Records are kept compactly (ids packed, amounts in 分, references as row numbers) and
/// read back as their public types ([`Ledger::allocations`], …).
///
/// Reports are methods too: [`Ledger::execution`], [`Ledger::pool_coverage`],
/// [`Ledger::industry_share`].
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, ProjectStage, Rounding};
/// use fundtrack::record::{Allocation, Expenditure, Project, Region};
/// use chrono::NaiveDate;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
/// let county = "450521".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(county, "合浦县")])?;
/// ledger.insert([Project::new("P-1".parse()?, county, Category::Industry, "300万元".parse()?,
///     ProjectStage::Implementing, 2021)])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d(1, 15), county, FundLevel::Central,
///     "200万元".parse()?).with_category(Category::Industry)])?;
/// ledger.insert([Expenditure::new("E-1".parse()?, d(6, 30), "P-1".parse()?, county,
///     FundLevel::Central, Category::Industry, "150万元".parse()?)])?;
///
/// let report = ledger.execution(d(9, 30));
/// assert_eq!(report.total().rate().unwrap().to_percent(Rounding::default()).to_string(), "75.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Ledger {
    year: FiscalYear,
    options: LedgerOptions,
    regions: IndexMap<RegionCode, Region, FastState>,
    /// Record ids are unique per book: allocations (指标文号), expenditures (凭证号) and
    /// adjustments are numbered separately, as the books that issue them are.
    projects: Projects,
    allocations: Allocations,
    expenditures: Expenditures,
    adjustment_ids: IdColumn,
    adjustments: Vec<Adjustment>,
    /// The categories of projects, by the index a project row holds.
    categories: IndexSet<Category>,
    /// The buckets in first-use order, with their packed keys (`Ledger::bucket_key`).
    buckets: Vec<(Bucket, u64, Flows)>,
    /// The entries of the buckets' series.
    entries: Entries,
    /// Bucket row + 1 (0: none) of the buckets of a built-in category or none, by
    /// (region row, level, category row or 5 for none): a small dense table, one read a
    /// lookup. Buckets of a custom category are in `bucket_keys`.
    dense_buckets: Vec<u32>,
    bucket_keys: BucketKeys,
    /// Planned investment of the pooled projects per (region, category), in 分: what a
    /// report's pool figures add up, kept as projects come in (a project never changes).
    pooled: IndexMap<(RegionCode, Category), i128>,
    gross: i128,
    /// The categories records may use.
    vocabulary: Vocabulary,
}

/// One amount a batch adds to a bucket: money in place (`spent` false; negative when it
/// leaves) or spent, with the record's position in the batch.
#[derive(Clone, Copy, Debug)]
struct Staged {
    bucket: u32,
    spent: bool,
    date: NaiveDate,
    pos: u32,
    fen: i128,
}

/// One record of a batch as [`Ledger::try_insert`] takes it: a [`Record`], or one of the
/// commonest CSV rows read straight into the ledger's form (an id that is a plain number,
/// a built-in category, the amount in 分), so that no `Record` (two ids on the heap) is
/// built per row. Each is checked, and named in messages, as the record it stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Incoming<'a> {
    Record(&'a Record),
    Project(&'a NewProject),
    Allocation(&'a NewAllocation),
    Expenditure(&'a NewExpenditure),
}

/// What a batch is made of: records, or rows read in packed form ([`Packed`]).
pub(crate) trait BatchItem {
    fn incoming(&self) -> Incoming<'_>;
}

impl BatchItem for Record {
    fn incoming(&self) -> Incoming<'_> {
        Incoming::Record(self)
    }
}

/// A row as the CSV import hands it to the ledger: packed, or (rarely) a boxed record,
/// so that an item is as small as a packed row on its way between threads.
#[derive(Clone, Debug)]
pub(crate) enum Packed {
    Record(Box<Record>),
    Project(NewProject),
    Allocation(NewAllocation),
    Expenditure(NewExpenditure),
}

impl BatchItem for Packed {
    fn incoming(&self) -> Incoming<'_> {
        match self {
            Packed::Record(r) => Incoming::Record(r),
            Packed::Project(p) => Incoming::Project(p),
            Packed::Allocation(a) => Incoming::Allocation(a),
            Packed::Expenditure(e) => Incoming::Expenditure(e),
        }
    }
}

/// A project read as a plain-number id (see [`plain_id`]), a built-in category and the
/// planned investment in 分; no name.
#[derive(Clone, Debug)]
pub(crate) struct NewProject {
    pub(crate) id: u64,
    pub(crate) region: RegionCode,
    pub(crate) category: Category,
    pub(crate) planned: i64,
    pub(crate) stage: ProjectStage,
    pub(crate) year: i32,
}

/// An allocation read as a plain-number id, an optional built-in category and the amount
/// in 分; no document or batch number.
#[derive(Clone, Debug)]
pub(crate) struct NewAllocation {
    pub(crate) id: u64,
    pub(crate) date: NaiveDate,
    pub(crate) region: RegionCode,
    pub(crate) level: FundLevel,
    pub(crate) category: Option<Category>,
    pub(crate) fen: i64,
}

/// An expenditure read as plain-number ids (its own and its project's), a built-in
/// category and the amount in 分.
#[derive(Clone, Debug)]
pub(crate) struct NewExpenditure {
    pub(crate) id: u64,
    pub(crate) date: NaiveDate,
    pub(crate) project: u64,
    pub(crate) region: RegionCode,
    pub(crate) level: FundLevel,
    pub(crate) category: Category,
    pub(crate) fen: i64,
}

/// The value of an id that the ledger keeps as a number (digits without a leading zero,
/// at most 18); `None` for any other id, which a [`Record`] carries.
pub(crate) fn plain_id(id: &str) -> Option<u64> {
    match IdRef::of(id) {
        IdRef::Number(n) => Some(n),
        IdRef::Text(_) => None,
    }
}

impl Incoming<'_> {
    /// The record as [`Record::describe`] names it.
    fn describe(self) -> String {
        match self {
            Incoming::Record(r) => r.describe(),
            Incoming::Project(p) => format!("project {}", p.id),
            Incoming::Allocation(a) => format!("allocation {}", a.id),
            Incoming::Expenditure(e) => format!("expenditure {}", e.id),
        }
    }

    /// The record's kind: 0 region, 1 project, 2 allocation, 3 expenditure, 4 adjustment.
    fn kind(self) -> usize {
        match self {
            Incoming::Record(Record::Region(_)) => 0,
            Incoming::Record(Record::Project(_)) | Incoming::Project(_) => 1,
            Incoming::Record(Record::Allocation(_)) | Incoming::Allocation(_) => 2,
            Incoming::Record(Record::Expenditure(_)) | Incoming::Expenditure(_) => 3,
            Incoming::Record(Record::Adjustment(_)) => 4,
        }
    }
}

/// A project as the ledger checks it, from a [`Record`] or a [`NewProject`].
struct ProjectIn<'a> {
    id: IdRef<'a>,
    region: RegionCode,
    category: &'a Category,
    planned: i128,
    /// The amount as the record holds it, for messages (else shown from `planned`).
    shown: Option<Money>,
    stage: ProjectStage,
    year: i32,
    name: Option<&'a str>,
}

/// An allocation as the ledger checks it.
struct AllocationIn<'a> {
    id: IdRef<'a>,
    date: NaiveDate,
    region: RegionCode,
    level: FundLevel,
    category: Option<&'a Category>,
    fen: i128,
    shown: Option<Money>,
    doc_no: Option<&'a DocNo>,
    batch: Option<u32>,
}

/// An expenditure as the ledger checks it.
struct ExpenditureIn<'a> {
    id: IdRef<'a>,
    date: NaiveDate,
    project: IdRef<'a>,
    region: RegionCode,
    level: FundLevel,
    category: &'a Category,
    fen: i128,
    shown: Option<Money>,
}

/// An amount must be positive; the message shows it as the record holds it.
fn positive(fen: i128, shown: Option<Money>) -> Result<(), LedgerErrorKind> {
    if fen > 0 {
        Ok(())
    } else {
        Err(LedgerErrorKind::NotPositive(
            shown.unwrap_or_else(|| ledger_money(fen)),
        ))
    }
}

/// A project id the ledger holds or was given, for a message.
#[expect(
    clippy::expect_used,
    reason = "the id came from a ProjectId, or is a plain number, which is one"
)]
fn project_id(id: IdRef<'_>) -> ProjectId {
    id.to_text()
        .parse()
        .expect("a project id's text parses back to it")
}

/// A record of a batch by kind and row, for naming it after it went into the columns.
#[derive(Clone, Copy, Debug)]
enum Pos {
    Region(u32),
    Project(u32),
    Allocation(u32),
    Expenditure(u32),
    Adjustment(u32),
}

/// Where each record of a batch went, as runs of consecutive rows of one kind (a file is
/// one run), so a batch of a million records costs a few entries here, not a million.
#[derive(Default)]
struct Positions {
    /// (first position, where it went) per run.
    runs: Vec<(u32, Pos)>,
    len: usize,
}

impl Pos {
    fn split(self) -> (u8, u32) {
        match self {
            Pos::Region(r) => (0, r),
            Pos::Project(r) => (1, r),
            Pos::Allocation(r) => (2, r),
            Pos::Expenditure(r) => (3, r),
            Pos::Adjustment(r) => (4, r),
        }
    }

    fn with_row(self, row: u32) -> Pos {
        match self {
            Pos::Region(_) => Pos::Region(row),
            Pos::Project(_) => Pos::Project(row),
            Pos::Allocation(_) => Pos::Allocation(row),
            Pos::Expenditure(_) => Pos::Expenditure(row),
            Pos::Adjustment(_) => Pos::Adjustment(row),
        }
    }
}

impl Positions {
    fn push(&mut self, pos: u32, at: Pos) {
        self.len += 1;
        if let Some(&(p0, at0)) = self.runs.last() {
            let ((k0, r0), (k, r)) = (at0.split(), at.split());
            if k0 == k && r0.checked_add(pos - p0) == Some(r) {
                return;
            }
        }
        self.runs.push((pos, at));
    }

    fn get(&self, pos: usize) -> Option<Pos> {
        let pos = u32::try_from(pos).ok()?;
        let run = self.runs.partition_point(|r| r.0 <= pos).checked_sub(1)?;
        let &(p0, at0) = self.runs.get(run)?;
        Some(at0.with_row(at0.split().1.checked_add(pos - p0)?))
    }
}

/// The sizes of everything a batch appends to, so a failed batch is taken back out.
struct Mark {
    regions: usize,
    projects: usize,
    allocations: usize,
    expenditures: usize,
    adjustments: usize,
    categories: usize,
    buckets: usize,
}

/// Why [`Ledger::try_insert`] stopped: a row could not be read, or the ledger refused the
/// batch.
#[derive(Debug)]
pub(crate) enum InsertError<E> {
    Row(E),
    Ledger(LedgerError),
}

/// Records taken from a batch at a time, for [`Ledger::look_ahead`].
const BLOCK: usize = 64;

/// The most records of one kind (and in one batch) the ledger holds: rows are `u32`.
const MAX_ROWS: usize = u32::MAX as usize - 1;

/// A read-only list of one kind of record, in insertion order (from
/// [`Ledger::allocations`], [`Ledger::expenditures`], [`Ledger::projects`]).
///
/// The ledger keeps records in compact columns; each is rebuilt as its public type when
/// it is read, so items are values, not references.
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::record::Region;
///
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new("450521".parse()?, "合浦县")])?;
/// assert!(ledger.allocations().is_empty());
/// assert_eq!(ledger.allocations().iter().count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Records<'a, T> {
    ledger: &'a Ledger,
    len: usize,
    kind: std::marker::PhantomData<fn() -> T>,
}

impl<T> Clone for Records<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Records<'_, T> {}

impl<T> Records<'_, T> {
    /// The number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` with no records.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// An iterator over [`Records`].
pub struct RecordsIter<'a, T> {
    records: Records<'a, T>,
    next: usize,
}

macro_rules! records_of {
    ($t:ty, $at:ident) => {
        impl<'a> Records<'a, $t> {
            /// The record at `index` (0-based, insertion order).
            pub fn get(&self, index: usize) -> Option<$t> {
                if index < self.len {
                    self.ledger.$at(index)
                } else {
                    None
                }
            }

            /// The records in insertion order.
            pub fn iter(&self) -> RecordsIter<'a, $t> {
                RecordsIter {
                    records: *self,
                    next: 0,
                }
            }
        }

        impl Iterator for RecordsIter<'_, $t> {
            type Item = $t;
            fn next(&mut self) -> Option<$t> {
                let item = self.records.get(self.next)?;
                self.next += 1;
                Some(item)
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                let left = self.records.len.saturating_sub(self.next);
                (left, Some(left))
            }
        }

        impl ExactSizeIterator for RecordsIter<'_, $t> {}

        impl<'a> IntoIterator for Records<'a, $t> {
            type Item = $t;
            type IntoIter = RecordsIter<'a, $t>;
            fn into_iter(self) -> RecordsIter<'a, $t> {
                self.iter()
            }
        }

        impl<'a> IntoIterator for &Records<'a, $t> {
            type Item = $t;
            type IntoIter = RecordsIter<'a, $t>;
            fn into_iter(self) -> RecordsIter<'a, $t> {
                self.iter()
            }
        }

        impl PartialEq for Records<'_, $t> {
            fn eq(&self, other: &Self) -> bool {
                self.len == other.len && self.iter().eq(other.iter())
            }
        }

        impl std::fmt::Debug for Records<'_, $t> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(self.iter()).finish()
            }
        }
    };
}

records_of!(Allocation, allocation_at);
records_of!(Expenditure, expenditure_at);
records_of!(Project, project_at);

impl Ledger {
    /// An empty ledger for `year` with default options.
    pub fn new(year: FiscalYear) -> Ledger {
        Ledger::with_options(year, LedgerOptions::default())
    }

    /// An empty ledger with options.
    pub fn with_options(year: FiscalYear, options: LedgerOptions) -> Ledger {
        Ledger {
            year,
            options,
            regions: IndexMap::with_hasher(FastState::default()),
            projects: Projects::default(),
            allocations: Allocations::default(),
            expenditures: Expenditures::default(),
            adjustment_ids: IdColumn::default(),
            adjustments: Vec::new(),
            categories: Category::BUILT_IN.into_iter().collect(),
            buckets: Vec::new(),
            entries: Entries::default(),
            dense_buckets: Vec::new(),
            bucket_keys: BucketKeys::default(),
            pooled: IndexMap::new(),
            gross: 0,
            vocabulary: Vocabulary::new(),
        }
    }

    /// Declares a locality's own category (以工代赈, 就业帮扶, …) so that records may use it;
    /// the built-in categories need no declaration. A record whose category was not
    /// declared is refused, so a typo cannot split a category's money in two.
    ///
    /// # Errors
    ///
    /// What [`Vocabulary::declare`] refuses (a built-in's label, an empty label, …).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, Ledger};
    /// let mut ledger = Ledger::new(FiscalYear::new(2025)?);
    /// let own = ledger.declare_category("以工代赈")?;
    /// assert!(ledger.vocabulary().contains(&own));
    /// assert!(!ledger.vocabulary().contains(&Category::custom("以工带赈")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn declare_category(&mut self, label: &str) -> Result<Category, ParseError> {
        self.vocabulary.declare(label)
    }

    /// Puts back a vocabulary (an import that declared categories and then failed).
    pub(crate) fn set_vocabulary(&mut self, vocabulary: Vocabulary) {
        self.vocabulary = vocabulary;
    }

    /// The categories records may use: the built-ins and those declared.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ledger};
    /// let ledger = Ledger::new(FiscalYear::new(2025)?);
    /// assert_eq!(ledger.vocabulary().labels().len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The fiscal year.
    pub fn year(&self) -> FiscalYear {
        self.year
    }

    /// The declared regions, in insertion order.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }

    /// A region by code.
    pub fn region(&self, code: RegionCode) -> Option<&Region> {
        self.regions.get(&code)
    }

    /// The projects, in insertion order.
    pub fn projects(&self) -> RecordsIter<'_, Project> {
        RecordsIter {
            records: self.records(self.projects.ids.len()),
            next: 0,
        }
    }

    /// Every project as (region, planned 分, whether it is pooled), for reports that add
    /// planned investment without rebuilding records.
    pub(crate) fn planned(&self) -> impl Iterator<Item = (RegionCode, i128, bool)> + '_ {
        let p = &self.projects;
        p.rows
            .iter()
            .zip(&p.planned)
            .map(|(r, fen)| (r.region, *fen, r.stage.is_pooled()))
    }

    /// A project by id.
    pub fn project(&self, id: &str) -> Option<Project> {
        let row = self.projects.ids.find(id)?;
        self.project_at(usize::try_from(row).ok()?)
    }

    /// The allocations, in insertion order.
    pub fn allocations(&self) -> Records<'_, Allocation> {
        self.records(self.allocations.ids.len())
    }

    /// The expenditures, in insertion order.
    pub fn expenditures(&self) -> Records<'_, Expenditure> {
        self.records(self.expenditures.ids.len())
    }

    /// The adjustments, in insertion order.
    pub fn adjustments(&self) -> &[Adjustment] {
        &self.adjustments
    }

    fn records<T>(&self, len: usize) -> Records<'_, T> {
        Records {
            ledger: self,
            len,
            kind: std::marker::PhantomData,
        }
    }

    fn category(&self, index: u32) -> Option<&Category> {
        self.categories.get_index(usize::try_from(index).ok()?)
    }

    fn project_at(&self, row: usize) -> Option<Project> {
        let p = &self.projects;
        let name = u32::try_from(row)
            .ok()
            .and_then(|r| Allocations::side(&p.name, r));
        let project = Project::new(
            p.ids.text(row)?.parse().ok()?,
            p.rows.get(row)?.region,
            self.category(p.rows.get(row)?.category)?.clone(),
            ledger_money(*p.planned.get(row)?),
            p.rows.get(row)?.stage,
            *p.year.get(row)?,
        );
        Some(match name {
            Some(n) => project.with_name(n.as_ref()),
            None => project,
        })
    }

    fn allocation_at(&self, row: usize) -> Option<Allocation> {
        let a = &self.allocations;
        let (bucket, _, _) = self
            .buckets
            .get(usize::try_from(*a.bucket.get(row)?).ok()?)?;
        let mut out = Allocation::new(
            a.ids.text(row)?.parse().ok()?,
            *a.date.get(row)?,
            bucket.region(),
            bucket.level(),
            ledger_money(*a.fen.get(row)?),
        );
        if let Some(c) = bucket.category() {
            out = out.with_category(c.clone());
        }
        let r = u32::try_from(row).ok()?;
        if let Some(doc) = Allocations::side(&a.doc_no, r) {
            out = out.with_doc_no(doc.clone());
        }
        if let Some(batch) = Allocations::side(&a.batch, r) {
            out = out.with_batch(*batch);
        }
        Some(out)
    }

    fn expenditure_at(&self, row: usize) -> Option<Expenditure> {
        let e = &self.expenditures;
        let project = usize::try_from(*e.project.get(row)?).ok()?;
        let p = &self.projects;
        Some(Expenditure::new(
            e.ids.text(row)?.parse().ok()?,
            *e.date.get(row)?,
            p.ids.text(project)?.parse().ok()?,
            p.rows.get(project)?.region,
            *e.level.get(row)?,
            self.category(p.rows.get(project)?.category)?.clone(),
            ledger_money(*e.fen.get(row)?),
        ))
    }

    /// Every expenditure as (date, region, level, 分, whether its project is pooled), for
    /// reports that add spending without rebuilding records.
    pub(crate) fn spending(
        &self,
    ) -> impl Iterator<Item = (NaiveDate, RegionCode, FundLevel, i128, bool)> + '_ {
        let e = &self.expenditures;
        let p = &self.projects;
        e.date
            .iter()
            .zip(&e.project)
            .zip(e.level.iter().zip(&e.fen))
            .filter_map(move |((date, project), (level, fen))| {
                let row = usize::try_from(*project).ok()?;
                let r = p.rows.get(row)?;
                Some((*date, r.region, *level, *fen, r.stage.is_pooled()))
            })
    }

    /// Planned investment of the pooled projects, in 分, per region and category.
    pub(crate) fn pooled_planned(&self) -> impl Iterator<Item = (RegionCode, &Category, i128)> {
        self.pooled.iter().map(|((r, c), fen)| (*r, c, *fen))
    }

    /// Every bucket that has had money in or out, in first-use order.
    pub fn buckets(&self) -> impl Iterator<Item = BucketView<'_>> {
        self.buckets.iter().map(|(bucket, _, flows)| BucketView {
            bucket,
            flows,
            entries: &self.entries,
        })
    }

    /// Inserts a batch of records, whole or not at all.
    ///
    /// Records may refer to regions and projects earlier in the same batch. The checks
    /// cost O(n log n) for a batch of n records (a hash lookup per record, one sort of the
    /// batch's amounts by bucket and date), and a bucket's history is revisited only after
    /// the batch's first date in it: appending a month to a year costs the month.
    ///
    /// # Errors
    ///
    /// The first record that breaks a rule, by position (1-based) and id; the ledger is
    /// then unchanged.
    pub fn insert<R: Into<Record>>(
        &mut self,
        batch: impl IntoIterator<Item = R>,
    ) -> Result<Receipt, LedgerError> {
        let rows = batch
            .into_iter()
            .map(|r| Ok::<Record, std::convert::Infallible>(r.into()));
        self.try_insert(rows).map_err(|e| match e {
            InsertError::Ledger(e) => e,
            InsertError::Row(never) => match never {},
        })
    }

    /// [`Ledger::insert`] for records read one at a time: a row that cannot be read stops
    /// the batch, which then leaves the ledger unchanged, as a refused one does.
    pub(crate) fn try_insert<T: BatchItem, E>(
        &mut self,
        rows: impl Iterator<Item = Result<T, E>>,
    ) -> Result<Receipt, InsertError<E>> {
        let mark = Mark {
            regions: self.regions.len(),
            projects: self.projects.ids.len(),
            allocations: self.allocations.ids.len(),
            expenditures: self.expenditures.ids.len(),
            adjustments: self.adjustments.len(),
            categories: self.categories.len(),
            buckets: self.buckets.len(),
        };
        let out = self.append(rows, &mark);
        if out.is_err() {
            self.regions.truncate(mark.regions);
            self.projects.truncate(mark.projects);
            self.allocations.truncate(mark.allocations);
            self.expenditures.truncate(mark.expenditures);
            self.adjustment_ids.truncate(mark.adjustments);
            self.adjustments.truncate(mark.adjustments);
            self.categories.truncate(mark.categories);
            if self.buckets.len() > mark.buckets {
                for (_, key, _) in self.buckets.drain(mark.buckets..) {
                    self.bucket_keys.remove(key);
                }
                for row in &mut self.dense_buckets {
                    if *row as usize > mark.buckets {
                        *row = 0;
                    }
                }
            }
        }
        out
    }

    /// Appends every row to the columns, checking each; then checks the buckets the batch
    /// touches and, if all is well, adds its amounts to them. On error the caller takes
    /// the rows back out (`mark`); the buckets' flows change only when nothing failed.
    fn append<T: BatchItem, E>(
        &mut self,
        rows: impl Iterator<Item = Result<T, E>>,
        mark: &Mark,
    ) -> Result<Receipt, InsertError<E>> {
        let mut staged: Vec<Staged> = Vec::new();
        let mut positions = Positions::default();
        let mut gross = self.gross;
        let mut rows = rows.enumerate();
        // Room for the rest of the batch in the columns of the first record of each kind
        // (a file is one kind): no rehashing of the id index on the way.
        let mut reserved = [false; 5];
        // Records are taken a block at a time, and the block's projects looked up before
        // its records are checked one by one (see `look_ahead`).
        let mut block = Vec::with_capacity(BLOCK);
        let mut found = Vec::with_capacity(BLOCK);
        loop {
            block.extend(rows.by_ref().take(BLOCK));
            if block.is_empty() {
                break;
            }
            self.look_ahead(&block, &mut found);
            let left = rows.size_hint().0 + block.len();
            for ((i, row), project) in block.drain(..).zip(found.drain(..)) {
                let row = row.map_err(InsertError::Row)?;
                let record = row.incoming();
                self.reserve(record, left, &mut reserved, &mut staged);
                let fail = |kind| {
                    InsertError::Ledger(LedgerError {
                        position: i + 1,
                        record: record.describe(),
                        kind,
                    })
                };
                let pos = u32::try_from(i)
                    .ok()
                    .filter(|p| (*p as usize) < MAX_ROWS)
                    .ok_or_else(|| fail(LedgerErrorKind::TooManyRecords))?;
                let (at, fen) = self
                    .append_one(record, pos, project, &mut staged)
                    .map_err(fail)?;
                positions.push(pos, at);
                gross = gross
                    .checked_add(fen)
                    .filter(|g| *g <= MAX_GROSS_FEN)
                    .ok_or_else(|| fail(LedgerErrorKind::Overflow))?;
            }
        }
        let error = |pos: u32, kind| {
            let position = pos as usize;
            InsertError::Ledger(LedgerError {
                position: position + 1,
                record: self.describe(positions.get(position), position),
                kind,
            })
        };
        // Group the batch's amounts by bucket, each group by date (then batch order).
        staged.sort_unstable_by_key(|s| (s.bucket, s.date, s.pos));
        let mut problems = Vec::new();
        // One list of dates for every bucket's check, not one allocated per bucket.
        let mut dates = Vec::new();
        for group in staged.chunk_by(|a, b| a.bucket == b.bucket) {
            let Some((bucket, _, flows)) = group
                .first()
                .and_then(|s| self.buckets.get(s.bucket as usize))
            else {
                continue;
            };
            let Some((date, f, s)) = flows.first_new_overdraft(&self.entries, group, &mut dates)
            else {
                continue;
            };
            let Some(first) = group.iter().map(|s| s.pos).min() else {
                debug_assert!(
                    false,
                    "chunk_by yields non-empty groups (its first was read above)"
                );
                continue;
            };
            // `first` only when no outflow of this batch precedes the date: then an inflow
            // was moved later or reduced, and the first record of the batch is named.
            let pos = culprit(group, date).unwrap_or(first);
            let kind = LedgerErrorKind::Overdrawn {
                bucket: bucket.clone(),
                date,
                funds: ledger_money(f),
                spent: ledger_money(s),
            };
            problems.push((first, pos, kind));
        }
        // Named in the order the batch first touches the buckets.
        problems.sort_by_key(|p| p.0);
        let mut warnings = Vec::new();
        for (_, pos, kind) in problems {
            match self.options.overspend {
                Overspend::Error => return Err(error(pos, kind)),
                Overspend::Warn => warnings.push(Warning {
                    record: self.describe(positions.get(pos as usize), pos as usize),
                    kind,
                }),
            }
        }
        self.commit(&staged, mark);
        self.gross = gross;
        Ok(Receipt {
            inserted: positions.len,
            warnings,
        })
    }

    /// The project row of each packed expenditure of `block` (in `found`, `None` for the
    /// rest), with its project's row and bucket slot read once: a tight loop whose reads
    /// do not depend on each other, so the processor overlaps their cache misses, which
    /// the checks one record at a time would wait for one after the other. Rows never
    /// move during a batch, so a project found stays right; one not found yet (a project
    /// earlier in the block) is looked up again when its expenditure is checked.
    fn look_ahead<T: BatchItem, E>(
        &self,
        block: &[(usize, Result<T, E>)],
        found: &mut Vec<Option<u32>>,
    ) {
        let packed = |r: &Result<T, E>| match r.as_ref().map(BatchItem::incoming) {
            Ok(Incoming::Expenditure(e)) => Some(e.project),
            _ => None,
        };
        found.clear();
        found.extend(
            block
                .iter()
                .map(|(_, r)| packed(r).and_then(|p| self.projects.ids.find_key(IdRef::Number(p)))),
        );
        let mut touched = 0u32;
        for ((_, r), p) in block.iter().zip(found.iter()) {
            if let (Ok(Incoming::Expenditure(e)), Some(p)) =
                (r.as_ref().map(BatchItem::incoming), p)
            {
                if let Some(row) = self.projects.rows.get(*p as usize) {
                    let slot = Ledger::dense_slot(row.region_row, e.level, Some(row.category));
                    touched ^= slot
                        .and_then(|i| self.dense_buckets.get(i))
                        .copied()
                        .unwrap_or_default();
                }
            }
        }
        std::hint::black_box(touched);
    }

    /// Adds a checked batch's amounts to its buckets, and its pooled projects' planned
    /// investment to the pool sums.
    fn commit(&mut self, staged: &[Staged], mark: &Mark) {
        let mut funds = Vec::new();
        let mut spent = Vec::new();
        for group in staged.chunk_by(|a, b| a.bucket == b.bucket) {
            let Some((_, _, flows)) = group
                .first()
                .and_then(|s| self.buckets.get_mut(s.bucket as usize))
            else {
                continue;
            };
            funds.clear();
            spent.clear();
            for s in group {
                if s.spent { &mut spent } else { &mut funds }.push((s.date, s.fen));
            }
            flows.funds.add(&mut self.entries, &funds);
            flows.spent.add(&mut self.entries, &spent);
        }
        for row in mark.projects..self.projects.ids.len() {
            let p = &self.projects;
            let (Some(r), Some(fen)) = (p.rows.get(row), p.planned.get(row)) else {
                continue;
            };
            if r.stage.is_pooled() {
                if let Some(c) = self.category(r.category) {
                    // Within the ledger's gross amount, which is checked to fit Money.
                    *self.pooled.entry((r.region, c.clone())).or_insert(0) += fen;
                }
            }
        }
    }

    /// Reserves `more` rows for the kind of `record`, once per kind in a batch, and room
    /// for their amounts in `staged`: a list doubling as it grows frees its old buffer each
    /// time, and glibc's `free` of a large block first consolidates every small block freed
    /// before (the records of the batch, the buckets' grown series), a cost that grew with
    /// the ledger's heap.
    fn reserve(
        &mut self,
        record: Incoming<'_>,
        more: usize,
        reserved: &mut [bool; 5],
        staged: &mut Vec<Staged>,
    ) {
        let kind = record.kind();
        if let Some(done @ false) = reserved.get_mut(kind) {
            *done = true;
            match kind {
                1 => self.projects.reserve(more),
                2 => self.allocations.reserve(more),
                3 => self.expenditures.reserve(more),
                _ => {}
            }
            if kind >= 2 {
                staged.reserve(more);
            }
        }
    }

    /// Names a record of the batch as [`Record::describe`] does.
    fn describe(&self, at: Option<Pos>, position: usize) -> String {
        let row = |r: u32| r as usize;
        let named = match at {
            Some(Pos::Region(r)) => self
                .regions
                .get_index(row(r))
                .map(|(code, _)| format!("region {code}")),
            Some(Pos::Project(r)) => self
                .projects
                .ids
                .text(row(r))
                .map(|id| format!("project {id}")),
            Some(Pos::Allocation(r)) => self
                .allocations
                .ids
                .text(row(r))
                .map(|id| format!("allocation {id}")),
            Some(Pos::Expenditure(r)) => self
                .expenditures
                .ids
                .text(row(r))
                .map(|id| format!("expenditure {id}")),
            Some(Pos::Adjustment(r)) => self
                .adjustment_ids
                .text(row(r))
                .map(|id| format!("adjustment {id}")),
            None => None,
        };
        // Every position of a batch names a stored row; the fallback is a label, never a
        // figure.
        named.unwrap_or_else(|| format!("record {}", position + 1))
    }

    /// A category records may use: built in or declared.
    fn category_ok(&self, c: &Category) -> Result<(), LedgerErrorKind> {
        if self.vocabulary.contains(c) {
            return Ok(());
        }
        let err = self.vocabulary.parse(c.as_str()).err();
        let suggestion = err.and_then(|e| match e.kind() {
            ParseErrorKind::NotInVocabulary { suggestion, .. } => suggestion.clone(),
            _ => None,
        });
        Err(LedgerErrorKind::UndeclaredCategory {
            category: c.clone(),
            suggestion,
        })
    }

    /// The region's row, if it is declared.
    fn region_ok(&self, code: RegionCode) -> Result<u32, LedgerErrorKind> {
        match self.regions.get_index_of(&code) {
            Some(row) => Ledger::new_row(row),
            None => Err(LedgerErrorKind::UnknownRegion(code)),
        }
    }

    fn date_ok(&self, date: NaiveDate) -> Result<(), LedgerErrorKind> {
        if self.year.contains(date) {
            Ok(())
        } else {
            Err(LedgerErrorKind::OutsideYear {
                date,
                year: self.year.year(),
            })
        }
    }

    /// The row of a category among the ledger's categories, adding it if new.
    fn category_row(&mut self, category: &Category) -> Result<u32, LedgerErrorKind> {
        let row = match category.built_in_index() {
            // The built-ins take the first rows (see `with_options`).
            Some(i) => i,
            None => match self.categories.get_index_of(category) {
                Some(i) => i,
                None => self.categories.insert_full(category.clone()).0,
            },
        };
        Ledger::new_row(row)
    }

    /// A bucket packed into 64 bits: region code (32 bits), level (2), and category row
    /// plus one, 0 for none (30; `new_row` keeps rows below 2³⁰ here).
    fn bucket_key(region: RegionCode, level: FundLevel, category: Option<u32>) -> Option<u64> {
        let cat = match category {
            None => 0,
            Some(c) => u64::from(c) + 1,
        };
        (cat < 1 << 30)
            .then(|| (u64::from(region.get()) << 32) | ((level.index() as u64) << 30) | cat)
    }

    /// The place in `dense_buckets` of a bucket of a built-in category or none.
    fn dense_slot(region_row: u32, level: FundLevel, category: Option<u32>) -> Option<usize> {
        let slot = match category {
            None => Some(5),
            Some(c) => usize::try_from(c).ok().filter(|c| *c < 5),
        };
        slot.map(|slot| (region_row as usize * 4 + level.index()) * 6 + slot)
    }

    /// The bucket's row, opening it (empty) if the ledger has not seen it.
    fn bucket_row(
        &mut self,
        (region, region_row): (RegionCode, u32),
        level: FundLevel,
        category: Option<u32>,
    ) -> Result<u32, LedgerErrorKind> {
        let key =
            Ledger::bucket_key(region, level, category).ok_or(LedgerErrorKind::TooManyRecords)?;
        let dense = Ledger::dense_slot(region_row, level, category);
        let known = match dense {
            Some(i) => self.dense_buckets.get(i).and_then(|r| r.checked_sub(1)),
            None => self.bucket_keys.get(key),
        };
        if let Some(row) = known {
            return Ok(row);
        }
        let row = Ledger::new_row(self.buckets.len())?;
        let cat = match category {
            Some(c) => Some(
                self.category(c)
                    .ok_or(LedgerErrorKind::TooManyRecords)?
                    .clone(),
            ),
            None => None,
        };
        self.buckets
            .push((Bucket::new(region, level, cat), key, Flows::default()));
        match dense {
            Some(i) => {
                if self.dense_buckets.len() <= i {
                    self.dense_buckets.resize(i + 1, 0);
                }
                if let Some(slot) = self.dense_buckets.get_mut(i) {
                    *slot = row + 1;
                }
            }
            None => self.bucket_keys.insert(key, row),
        }
        Ok(row)
    }

    /// The row of `bucket`, opening it if new.
    fn bucket_row_of(&mut self, bucket: &Bucket) -> Result<u32, LedgerErrorKind> {
        let cat = match bucket.category() {
            Some(c) => Some(self.category_row(c)?),
            None => None,
        };
        let region = self.region_ok(bucket.region())?;
        self.bucket_row((bucket.region(), region), bucket.level(), cat)
    }

    /// A new row number in a column of `len` rows.
    fn new_row(len: usize) -> Result<u32, LedgerErrorKind> {
        u32::try_from(len)
            .ok()
            .filter(|r| (*r as usize) < MAX_ROWS)
            .ok_or(LedgerErrorKind::TooManyRecords)
    }

    /// Checks one record against the ledger and the batch so far (already appended), and
    /// appends it; stages its bucket amounts. Returns where it went and its gross amount.
    fn append_one(
        &mut self,
        record: Incoming<'_>,
        pos: u32,
        project: Option<u32>,
        staged: &mut Vec<Staged>,
    ) -> Result<(Pos, i128), LedgerErrorKind> {
        // A read row's category is a built-in, always known.
        match record {
            Incoming::Record(r) => self.append_record(r, pos, staged),
            Incoming::Project(p) => self.append_project(&ProjectIn {
                id: IdRef::Number(p.id),
                region: p.region,
                category: &p.category,
                planned: i128::from(p.planned),
                shown: None,
                stage: p.stage,
                year: p.year,
                name: None,
            }),
            Incoming::Allocation(a) => self.append_allocation(
                &AllocationIn {
                    id: IdRef::Number(a.id),
                    date: a.date,
                    region: a.region,
                    level: a.level,
                    category: a.category.as_ref(),
                    fen: i128::from(a.fen),
                    shown: None,
                    doc_no: None,
                    batch: None,
                },
                pos,
                staged,
            ),
            Incoming::Expenditure(e) => self.append_expenditure(
                &ExpenditureIn {
                    id: IdRef::Number(e.id),
                    date: e.date,
                    project: IdRef::Number(e.project),
                    region: e.region,
                    level: e.level,
                    category: &e.category,
                    fen: i128::from(e.fen),
                    shown: None,
                },
                pos,
                project,
                staged,
            ),
        }
    }

    /// [`Ledger::append_one`] for a [`Record`].
    fn append_record(
        &mut self,
        record: &Record,
        pos: u32,
        staged: &mut Vec<Staged>,
    ) -> Result<(Pos, i128), LedgerErrorKind> {
        let amount_ok = |m: Money| {
            if m.is_positive() {
                Ok(())
            } else {
                Err(LedgerErrorKind::NotPositive(m))
            }
        };
        let duplicate = |id: &dyn std::fmt::Display| LedgerErrorKind::DuplicateId(id.to_string());
        for c in record_categories(record).flatten() {
            self.category_ok(c)?;
        }
        match record {
            Record::Region(r) => {
                if self.regions.contains_key(&r.code()) {
                    return Err(LedgerErrorKind::DuplicateRegion(r.code()));
                }
                let row = Ledger::new_row(self.regions.len())?;
                self.regions.insert(r.code(), r.clone());
                Ok((Pos::Region(row), 0))
            }
            Record::Project(p) => self.append_project(&ProjectIn {
                id: IdRef::of(p.id().as_str()),
                region: p.region(),
                category: p.category(),
                planned: p.planned().to_fen(),
                shown: Some(p.planned()),
                stage: p.stage(),
                year: p.year(),
                name: p.name(),
            }),
            Record::Allocation(a) => self.append_allocation(
                &AllocationIn {
                    id: IdRef::of(a.id().as_str()),
                    date: a.date(),
                    region: a.region(),
                    level: a.level(),
                    category: a.category(),
                    fen: a.amount().to_fen(),
                    shown: Some(a.amount()),
                    doc_no: a.doc_no(),
                    batch: a.batch(),
                },
                pos,
                staged,
            ),
            Record::Expenditure(e) => self.append_expenditure(
                &ExpenditureIn {
                    id: IdRef::of(e.id().as_str()),
                    date: e.date(),
                    project: IdRef::of(e.project().as_str()),
                    region: e.region(),
                    level: e.level(),
                    category: e.category(),
                    fen: e.amount().to_fen(),
                    shown: Some(e.amount()),
                },
                pos,
                None,
                staged,
            ),
            Record::Adjustment(a) => {
                let row = Ledger::new_row(self.adjustments.len())?;
                if !self.adjustment_ids.push_unique(a.id().as_str()) {
                    return Err(duplicate(a.id()));
                }
                self.date_ok(a.date())?;
                amount_ok(a.amount())?;
                for b in a.source().into_iter().chain(a.target()) {
                    self.region_ok(b.region())?;
                }
                if let (Some(from), Some(to)) = (a.source(), a.target()) {
                    if from == to {
                        return Err(LedgerErrorKind::SameBucket(from.clone()));
                    }
                }
                let fen = a.amount().to_fen();
                if let Some(from) = a.source() {
                    let bucket = self.bucket_row_of(from)?;
                    staged.push(Staged {
                        bucket,
                        spent: false,
                        date: a.date(),
                        pos,
                        fen: -fen,
                    });
                }
                if let Some(to) = a.target() {
                    let bucket = self.bucket_row_of(to)?;
                    staged.push(Staged {
                        bucket,
                        spent: false,
                        date: a.date(),
                        pos,
                        fen,
                    });
                }
                self.adjustments.push(a.clone());
                Ok((Pos::Adjustment(row), fen))
            }
        }
    }

    /// Checks a project (as `append_one`) and appends it.
    fn append_project(&mut self, p: &ProjectIn<'_>) -> Result<(Pos, i128), LedgerErrorKind> {
        let region_row = self.region_ok(p.region)?;
        if p.planned < 0 {
            return Err(LedgerErrorKind::NegativePlanned(
                p.shown.unwrap_or_else(|| ledger_money(p.planned)),
            ));
        }
        let row = Ledger::new_row(self.projects.ids.len())?;
        if !self.projects.ids.push_unique_key(p.id) {
            return Err(LedgerErrorKind::DuplicateId(p.id.to_text()));
        }
        let cat = self.category_row(p.category)?;
        let t = &mut self.projects;
        t.rows.push(ProjectRow {
            region: p.region,
            region_row,
            category: cat,
            stage: p.stage,
        });
        t.planned.push(p.planned);
        t.year.push(p.year);
        if let Some(name) = p.name {
            t.name.push((row, name.into()));
        }
        Ok((Pos::Project(row), p.planned))
    }

    /// Checks an allocation (as `append_one`), appends it and stages its amount.
    fn append_allocation(
        &mut self,
        a: &AllocationIn<'_>,
        pos: u32,
        staged: &mut Vec<Staged>,
    ) -> Result<(Pos, i128), LedgerErrorKind> {
        let row = Ledger::new_row(self.allocations.ids.len())?;
        if !self.allocations.ids.push_unique_key(a.id) {
            return Err(LedgerErrorKind::DuplicateId(a.id.to_text()));
        }
        let region_row = self.region_ok(a.region)?;
        self.date_ok(a.date)?;
        positive(a.fen, a.shown)?;
        let cat = match a.category {
            Some(c) => Some(self.category_row(c)?),
            None => None,
        };
        let bucket = self.bucket_row((a.region, region_row), a.level, cat)?;
        let t = &mut self.allocations;
        t.date.push(a.date);
        t.bucket.push(bucket);
        t.fen.push(a.fen);
        if let Some(doc) = a.doc_no {
            t.doc_no.push((row, doc.clone()));
        }
        if let Some(batch) = a.batch {
            t.batch.push((row, batch));
        }
        staged.push(Staged {
            bucket,
            spent: false,
            date: a.date,
            pos,
            fen: a.fen,
        });
        Ok((Pos::Allocation(row), a.fen))
    }

    /// Checks an expenditure (as `append_one`), appends it and stages its amount.
    fn append_expenditure(
        &mut self,
        e: &ExpenditureIn<'_>,
        pos: u32,
        found: Option<u32>,
        staged: &mut Vec<Staged>,
    ) -> Result<(Pos, i128), LedgerErrorKind> {
        let row = Ledger::new_row(self.expenditures.ids.len())?;
        if !self.expenditures.ids.push_unique_key(e.id) {
            return Err(LedgerErrorKind::DuplicateId(e.id.to_text()));
        }
        // The project is looked up first (no error yet): a project's region is declared,
        // so when it is the expenditure's, the region needs no lookup of its own. The
        // rules are still applied, and named, in their order.
        let project = found.or_else(|| self.projects.ids.find_key(e.project));
        let known = project
            .and_then(|p| self.projects.rows.get(p as usize))
            .is_some_and(|p| p.region == e.region);
        if !known {
            self.region_ok(e.region)?;
        }
        self.date_ok(e.date)?;
        positive(e.fen, e.shown)?;
        let project =
            project.ok_or_else(|| LedgerErrorKind::UnknownProject(project_id(e.project)))?;
        let p = self.pool_rules(project, e)?;
        let bucket = self.bucket_row((p.region, p.region_row), e.level, Some(p.category))?;
        let t = &mut self.expenditures;
        t.date.push(e.date);
        t.project.push(project);
        t.level.push(e.level);
        t.fen.push(e.fen);
        staged.push(Staged {
            bucket,
            spent: true,
            date: e.date,
            pos,
            fen: e.fen,
        });
        Ok((Pos::Expenditure(row), e.fen))
    }

    /// An expenditure may go only to a pooled project of its own region and category.
    /// Returns the project's row.
    fn pool_rules(
        &self,
        project: u32,
        e: &ExpenditureIn<'_>,
    ) -> Result<ProjectRow, LedgerErrorKind> {
        let row = self.projects.rows.get(project as usize).copied();
        let Some((p, category)) = row.and_then(|p| Some((p, self.category(p.category)?))) else {
            return Err(LedgerErrorKind::UnknownProject(project_id(e.project)));
        };
        let (stage, region) = (p.stage, p.region);
        if !stage.is_pooled() {
            return Err(LedgerErrorKind::NotPooled {
                project: project_id(e.project),
                stage,
            });
        }
        if region != e.region {
            return Err(LedgerErrorKind::RegionMismatch {
                project: project_id(e.project),
                expected: region,
                found: e.region,
            });
        }
        if category != e.category {
            return Err(LedgerErrorKind::CategoryMismatch {
                project: project_id(e.project),
                expected: category.clone(),
                found: e.category.clone(),
            });
        }
        Ok(p)
    }
}

/// The categories a record names (an adjustment names two).
fn record_categories(record: &Record) -> impl Iterator<Item = Option<&Category>> {
    let (a, b) = match record {
        Record::Region(_) => (None, None),
        Record::Project(p) => (Some(Some(p.category())), None),
        Record::Allocation(a) => (Some(a.category()), None),
        Record::Expenditure(e) => (Some(Some(e.category())), None),
        Record::Adjustment(a) => (
            a.source().map(Bucket::category),
            a.target().map(Bucket::category),
        ),
    };
    a.into_iter().chain(b)
}

/// The batch record most likely to blame for an overdraft on `date`: the latest outflow on
/// or before it (`group` is sorted by date, then position).
fn culprit(group: &[Staged], date: NaiveDate) -> Option<u32> {
    group
        .iter()
        .filter(|s| s.date <= date && (s.spent || s.fen < 0))
        .max_by_key(|s| (s.date, s.pos))
        .map(|s| s.pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dim::{Category, FundLevel, ProjectStage};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Series sharing one `Entries` (blocks taken, given back and taken again) answer
        /// as a plain list of (date, amount) per series does, batches in any date order.
        #[test]
        fn series_in_blocks_answer_as_a_list(
            batches in proptest::collection::vec(
                (0usize..3, proptest::collection::vec((0u32..60, -50i128..100), 1..40)),
                1..12,
            ),
        ) {
            let day = |n: u32| d(1, 1) + chrono::Days::new(u64::from(n));
            let mut entries = Entries::default();
            let mut series = [Series::default(), Series::default(), Series::default()];
            let mut model: [Vec<(NaiveDate, i128)>; 3] = Default::default();
            for (which, mut batch) in batches {
                batch.sort_by_key(|(n, _)| *n);
                let batch: Vec<_> = batch.into_iter().map(|(n, v)| (day(n), v)).collect();
                series[which].add(&mut entries, &batch);
                model[which].extend(batch);
                model[which].sort_by_key(|(date, _)| *date);
            }
            for (s, m) in series.iter().zip(&model) {
                proptest::prop_assert_eq!(s.first_date(&entries), m.first().map(|e| e.0));
                for n in 0..62 {
                    let on = day(n);
                    let total: i128 = m.iter().filter(|e| e.0 <= on).map(|e| e.1).sum();
                    proptest::prop_assert_eq!(s.at(&entries, on), total);
                    let after: Vec<_> = m.iter().map(|e| e.0).filter(|&x| x > on).collect();
                    let got: Vec<_> = s.dates_after(&entries, on).collect();
                    proptest::prop_assert_eq!(got, after);
                }
            }
        }
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }
    fn county() -> RegionCode {
        "450521".parse().unwrap()
    }
    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }
    fn base() -> Ledger {
        let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
        let recs: Vec<Record> = vec![
            Region::new(county(), "合浦县").into(),
            Project::new(
                "P-1".parse().unwrap(),
                county(),
                Category::Industry,
                m("100万元"),
                ProjectStage::Implementing,
                2021,
            )
            .into(),
            Project::new(
                "P-2".parse().unwrap(),
                county(),
                Category::Industry,
                m("100万元"),
                ProjectStage::Proposed,
                2021,
            )
            .into(),
            Allocation::new(
                "A-1".parse().unwrap(),
                d(3, 1),
                county(),
                FundLevel::Central,
                m("50万元"),
            )
            .with_category(Category::Industry)
            .into(),
        ];
        l.insert(recs).unwrap();
        l
    }
    fn spend(id: &str, date: NaiveDate, project: &str, amount: &str) -> Expenditure {
        Expenditure::new(
            id.parse().unwrap(),
            date,
            project.parse().unwrap(),
            county(),
            FundLevel::Central,
            Category::Industry,
            m(amount),
        )
    }

    #[test]
    fn overspending_is_checked_at_every_date() {
        let mut l = base();
        // 60万 spent before the 50万 allocation arrives → overdrawn on 2 Feb.
        let err = l
            .insert([spend("E-1", d(2, 2), "P-1", "10万元")])
            .unwrap_err();
        assert!(
            err.to_string().contains("would be overdrawn on 2021-02-02"),
            "{err}"
        );
        let err = l
            .insert([
                spend("E-1", d(4, 1), "P-1", "30万元"),
                spend("E-2", d(5, 1), "P-1", "30万元"),
            ])
            .unwrap_err();
        assert_eq!(err.position(), 2);
        assert_eq!(
            l.expenditures().len(),
            0,
            "the batch went in whole or not at all"
        );
        l.insert([spend("E-1", d(4, 1), "P-1", "50万元")]).unwrap();
    }

    #[test]
    fn warn_mode_accepts_and_warns() {
        let mut l = base();
        l.options = LedgerOptions::new().overspend(Overspend::Warn);
        let r = l.insert([spend("E-1", d(4, 1), "P-1", "60万元")]).unwrap();
        assert_eq!(r.warnings.len(), 1);
        assert!(
            r.warnings[0]
                .to_string()
                .starts_with("expenditure E-1: bucket 450521/中央/产业发展 would be overdrawn")
        );
    }

    #[test]
    fn an_old_overdraft_is_not_blamed_on_later_records() {
        let mut l = base();
        l.options = LedgerOptions::new().overspend(Overspend::Warn);
        let r = l.insert([spend("E-1", d(4, 1), "P-1", "60万元")]).unwrap();
        assert_eq!(r.warnings.len(), 1);
        // More money arrives: the overdraft shrinks, nobody is warned.
        let more = Allocation::new(
            "A-2".parse().unwrap(),
            d(5, 1),
            county(),
            FundLevel::Central,
            m("5万元"),
        )
        .with_category(Category::Industry);
        assert!(l.insert([more]).unwrap().warnings.is_empty());
        // More spending deepens it: that record is named.
        let r = l.insert([spend("E-2", d(6, 1), "P-1", "1万元")]).unwrap();
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].record.ends_with("E-2"), "{}", r.warnings[0]);
    }

    #[test]
    fn references_and_pool_are_checked() {
        let mut l = base();
        let e = l.insert([spend("E-1", d(4, 1), "P-9", "1元")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "record 1 (expenditure E-1): refers to unknown project P-9"
        );
        let e = l.insert([spend("E-1", d(4, 1), "P-2", "1元")]).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("project P-2 is not in the pool (stage 申报)")
        );
        // Expenditures are numbered apart from allocations: A-1 is free as a voucher number,
        // but not twice.
        let e = l
            .insert([
                spend("A-1", d(4, 1), "P-1", "1元"),
                spend("A-1", d(4, 2), "P-1", "1元"),
            ])
            .unwrap_err();
        assert_eq!(e.position(), 2); // 1-based
        assert!(e.to_string().ends_with("duplicate id A-1"));
        let e = l
            .insert([spend(
                "E-1",
                NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
                "P-1",
                "1元",
            )])
            .unwrap_err();
        assert!(
            e.to_string()
                .ends_with("date 2022-01-01 is outside fiscal year 2021")
        );
        let wrong_cat = Expenditure::new(
            "E-1".parse().unwrap(),
            d(4, 1),
            "P-1".parse().unwrap(),
            county(),
            FundLevel::Central,
            Category::YuluPlan,
            m("1元"),
        );
        let e = l.insert([wrong_cat]).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("project P-1 is in category 产业发展, not 雨露计划")
        );
    }

    #[test]
    fn reallocation_moves_money_without_creating_it() {
        let mut l = base();
        let from = Bucket::new(county(), FundLevel::Central, Some(Category::Industry));
        let to = Bucket::new(county(), FundLevel::Central, Some(Category::Infrastructure));
        let adj = Adjustment::reallocation(
            "R-1".parse().unwrap(),
            d(6, 1),
            from.clone(),
            to,
            m("20万元"),
        );
        l.insert([adj]).unwrap();
        let total: i128 = l.buckets().map(|b| b.allocated(d(12, 31)).to_fen()).sum();
        assert_eq!(total, m("50万元").to_fen());
        let too_much = Adjustment::recovery("R-2".parse().unwrap(), d(6, 2), from, m("31万元"));
        assert!(l.insert([too_much]).is_err());
    }

    #[test]
    fn totals_at_the_gross_limit_are_exact_and_beyond_it_refused() {
        let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
        l.insert([Region::new(county(), "合浦县")]).unwrap();
        let max = Money::checked_from_fen(MAX_GROSS_FEN).unwrap();
        let alloc = |id: &str, amount| {
            Allocation::new(
                id.parse().unwrap(),
                d(3, 1),
                county(),
                FundLevel::Central,
                amount,
            )
        };
        l.insert([alloc("A-1", max)]).unwrap();
        // The largest total the ledger holds comes out exactly, not as a fallback.
        let total: Vec<Money> = l.buckets().map(|b| b.allocated(d(12, 31))).collect();
        assert_eq!(total, [max]);
        let e = l.insert([alloc("A-2", Money::from_fen(1))]).unwrap_err();
        assert_eq!(e.kind(), &LedgerErrorKind::Overflow);
    }
}
