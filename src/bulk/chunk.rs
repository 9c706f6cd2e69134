//! The chunk loop: the rows of one chunk through the fast path, falling back to the general
//! row parsers, their adds batched, their ids logged. One [`RowKind`] per input.

use chrono::NaiveDate;
use memchr::memchr;

use super::ctx::Ctx;
use super::dates::DateCache;
use super::fast::{self, Step};
use super::fields::{RowError, split_line};
use super::ids::IdLog;
use super::limits::{Limits, Mark};
use super::rows::{self, project_mismatch};
use super::schema::Table;
use super::sums::{Acc, BUCKETS, CATEGORIES, Counts, Row, category_name, level_name};
use crate::import::InputErrorKind as Kind;

/// A row error located in a chunk: 1-based line within the chunk.
pub(crate) struct LocalError {
    pub(crate) line: u64,
    pub(crate) column: Option<usize>,
    pub(crate) kind: Kind,
}

/// One kind of input row: its fast path, its general path and the sums it adds to.
pub(crate) trait RowKind {
    /// Column index of the county code, for a spending error.
    const CODE: usize;
    /// The input's schema.
    const TABLE: Table;
    /// Allocations: rows are logged for the spending check.
    const GRANTS: bool;
    /// Expenditures: rows are checked against the money in place.
    const SPEND: bool;
    /// Projects: rows are logged in the project table.
    const PROJECTS: bool;
    /// The fast path: what it read from the row, or `None` to fall back.
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>>;
    /// The general path over one line without its line end.
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<Row, RowError>;
    /// The sums a row's flat index points into.
    fn target(acc: &mut Acc) -> &mut [i64];
    /// The count of rows of this kind.
    fn count(counts: &mut Counts) -> &mut u64;
}

/// Allocation rows.
pub(crate) struct AllocationRow;
/// Project rows.
pub(crate) struct ProjectRow;
/// Expenditure rows.
pub(crate) struct ExpenditureRow;

impl RowKind for AllocationRow {
    const TABLE: Table = Table::Allocations;
    const CODE: usize = 2;
    const GRANTS: bool = true;
    const SPEND: bool = false;
    const PROJECTS: bool = false;
    #[inline]
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>> {
        fast::allocation(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<Row, RowError> {
        rows::allocation(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.allocated
    }
    fn count(counts: &mut Counts) -> &mut u64 {
        &mut counts.allocations
    }
}

impl RowKind for ProjectRow {
    const TABLE: Table = Table::Projects;
    const CODE: usize = 1;
    const GRANTS: bool = false;
    const SPEND: bool = false;
    const PROJECTS: bool = true;
    #[inline]
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>> {
        fast::project(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<Row, RowError> {
        rows::project(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.planned
    }
    fn count(counts: &mut Counts) -> &mut u64 {
        &mut counts.projects
    }
}

impl RowKind for ExpenditureRow {
    const TABLE: Table = Table::Expenditures;
    const CODE: usize = 3;
    const GRANTS: bool = false;
    const SPEND: bool = true;
    const PROJECTS: bool = false;
    #[inline]
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>> {
        fast::expenditure(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<Row, RowError> {
        rows::expenditure(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.spent
    }
    fn count(counts: &mut Counts) -> &mut u64 {
        &mut counts.expenditures
    }
}

/// A row waiting in a batch.
struct Pending {
    row: Row,
    line: u64,
}

/// Rows parsed before their amounts are added: the adds of a batch are independent loads,
/// so the cache misses of scattered buckets overlap instead of stalling one by one.
const BATCH: usize = 32;

/// Adds a batch; a project reference that does not match, or spending in a county with no
/// allocation (when that is an error), names its line: the first such line of the batch,
/// whichever check it fails. The project lookups of a batch are independent loads, and so
/// are the adds. Sums stop at `i64::MAX` (an overflow, found after the read whatever the
/// order of the adds).
#[inline]
fn flush<K: RowKind>(
    acc: &mut Acc,
    ctx: &Ctx,
    seq: u64,
    batch: &mut Vec<Pending>,
) -> Result<(), LocalError> {
    // The first row whose project does not match: the rows before it are checked for
    // spending first, so that an error there (an earlier line) is the one named.
    let mut bad = None;
    if let Some(projects) = ctx.projects {
        for (i, p) in batch.iter().enumerate() {
            let Some((id, expected)) = p.row.project else {
                continue;
            };
            let found = projects.dense_entry(id);
            if found != Some(expected) {
                let error = LocalError {
                    line: p.line,
                    // Only expenditures refer to projects: column project_id.
                    column: Some(2),
                    kind: project_mismatch(id.to_string(), found, expected),
                };
                bad = Some((i, error));
                break;
            }
        }
    }
    let checked = batch
        .get(..bad.as_ref().map_or(batch.len(), |(i, _)| *i))
        .unwrap_or_default();
    if K::SPEND {
        if let Some(limits) = ctx.limits.filter(|_| !ctx.every_date) {
            totals::<K>(acc, ctx, limits, seq, checked)?;
        }
        if let Some(limits) = ctx.limits.filter(|_| ctx.every_date) {
            every_date::<K>(acc, ctx, limits, seq, checked)?;
        }
    }
    if let Some((_, error)) = bad {
        return Err(error);
    }
    if K::GRANTS {
        acc.grants
            .extend(batch.iter().map(|p| p.row.grant((seq << 32) | p.line)));
    }
    let target = K::target(acc);
    let mut counted = 0u64;
    for p in batch.iter() {
        if !p.row.counted {
            continue;
        }
        debug_assert!(
            p.row.index < target.len(),
            "a bucket of a county the fast path knew"
        );
        if let Some(slot) = target.get_mut(p.row.index) {
            *slot = slot.saturating_add(p.row.fen);
        }
        counted += 1;
    }
    let n = batch.len() as u64;
    if K::PROJECTS {
        acc.counts.projects += n;
    } else {
        *K::count(&mut acc.counts) += counted;
        acc.counts.skipped += n - counted;
    }
    batch.clear();
    Ok(())
}

/// The spending check at every date: each row's spending goes to the period of its date
/// (periods first, then the adds: the adds' loads are independent, so their cache misses
/// overlap).
#[inline]
fn every_date<K: RowKind>(
    acc: &mut Acc,
    ctx: &Ctx,
    limits: &Limits,
    seq: u64,
    batch: &[Pending],
) -> Result<(), LocalError> {
    let mut periods = [0usize; BATCH];
    for (slot, p) in periods.iter_mut().zip(batch.iter()) {
        let r = &p.row;
        *slot = match limits.period(r.code, usize::from(r.bucket), r.day) {
            Some(period) => period,
            None if ctx.overspending_is_error => {
                return Err(LocalError {
                    line: p.line,
                    column: Some(K::CODE),
                    kind: Kind::NothingAllocated {
                        bucket: bucket_name(r.code, usize::from(r.bucket)),
                        date: day_date(r.day),
                    },
                });
            }
            None => {
                note_orphan(acc, r, (seq << 32) | p.line);
                usize::MAX
            }
        };
    }
    acc.spend.reserve(limits.periods());
    for (&period, p) in periods.iter().zip(batch.iter()) {
        if period != usize::MAX {
            let mark = Mark {
                day: p.row.day,
                pos: (seq << 32) | p.line,
            };
            acc.spend.add(period, p.row.fen, mark);
        }
    }
    Ok(())
}

/// The spending check by totals: no row before its bucket's first allocation (an error
/// naming the line, or the first such row of each bucket kept for a warning); rows dated
/// after the as-of date summed apart for the year's total.
#[inline]
fn totals<K: RowKind>(
    acc: &mut Acc,
    ctx: &Ctx,
    limits: &Limits,
    seq: u64,
    batch: &[Pending],
) -> Result<(), LocalError> {
    // First allocation days of counties new to this accumulator.
    while acc.first_day.len() < acc.spent.len() {
        let code = acc.code_at(acc.first_day.len() / BUCKETS);
        for b in 0..BUCKETS {
            acc.first_day.push(limits.first_day(code, b));
        }
    }
    if acc.later.len() < acc.spent.len() {
        acc.later.resize(acc.spent.len(), 0);
    }
    for p in batch {
        let r = &p.row;
        let b = usize::from(r.bucket);
        let first = match acc.first_day.get(r.index) {
            Some(&d) => d,
            None => limits.first_day(r.code, b),
        };
        if r.day < first {
            if ctx.overspending_is_error {
                let bucket = bucket_name(r.code, b);
                let date = day_date(r.day);
                return Err(LocalError {
                    line: p.line,
                    column: Some(K::CODE),
                    kind: if first == i32::MAX {
                        Kind::NothingAllocated { bucket, date }
                    } else {
                        Kind::SpentBeforeAllocation {
                            bucket,
                            date,
                            first: day_date(first),
                        }
                    },
                });
            }
            note_orphan(acc, r, (seq << 32) | p.line);
        }
        if !r.counted {
            if let Some(f) = acc.later.get_mut(r.index) {
                *f = f.saturating_add(r.fen);
            } else {
                let f = acc.later_elsewhere.entry((r.code, r.bucket)).or_insert(0);
                *f = f.saturating_add(r.fen);
            }
        }
    }
    Ok(())
}

/// Keeps expenditure `r` at position `pos` as its bucket's first row spent with no money
/// in place (for a warning), unless an earlier one (by date, then position) is kept.
fn note_orphan(acc: &mut Acc, r: &Row, pos: u64) {
    let mark = Mark { day: r.day, pos };
    acc.orphans
        .entry((r.code, r.bucket))
        .and_modify(|m| {
            if (mark.day, mark.pos) < (m.day, m.pos) {
                *m = mark;
            }
        })
        .or_insert(mark);
}

/// `450521 central industry`: a bucket for a message.
pub(crate) fn bucket_name(code: u32, bucket: usize) -> String {
    format!(
        "{code:06} {} {}",
        level_name(bucket / CATEGORIES),
        category_name(bucket % CATEGORIES)
    )
}

/// The date of a day number (days from CE) a row was read with.
pub(crate) fn day_date(day: i32) -> NaiveDate {
    let d = NaiveDate::from_num_days_from_ce_opt(day);
    debug_assert!(d.is_some(), "a day number of a date read");
    d.unwrap_or(NaiveDate::MIN)
}

/// The most blank lines an input may have, as in the CSV importer: they hold no row and
/// are passed over, but an input of nothing else (`yes ''`) would be read for ever.
pub(crate) use crate::import::MAX_BLANK_LINES;

/// The blank lines of one chunk, as runs (first line, count) in line order.
#[derive(Debug, Default)]
pub(crate) struct Blanks {
    runs: Vec<(u64, u64)>,
}

impl Blanks {
    /// Logs blank line `line` (lines come in increasing order).
    fn push(&mut self, line: u64) {
        if let Some((start, n)) = self.runs.last_mut() {
            if *start + *n == line {
                *n += 1;
                return;
            }
        }
        self.runs.push((line, 1));
    }

    /// How many blank lines the chunk has.
    pub(crate) fn count(&self) -> u64 {
        self.runs.iter().map(|&(_, n)| n).sum()
    }

    /// The line of the chunk's `k`-th blank line (1-based).
    pub(crate) fn nth(&self, k: u64) -> Option<u64> {
        let mut before = 0;
        for &(start, n) in &self.runs {
            if k <= before + n {
                return Some(start + (k - before - 1));
            }
            before += n;
        }
        None
    }
}

/// Runs the rows of chunk number `seq` through the fast path, falling back to the general
/// path for a line the fast path does not take; returns the number of lines. Blank lines
/// hold no row and are passed over (they still count as lines, and go to `blanks`). The id
/// of every row read without error (counted or not) goes to `ids`.
#[inline]
pub(crate) fn lines<K: RowKind>(
    chunk: &[u8],
    seq: u64,
    acc: &mut Acc,
    ctx: &Ctx,
    ids: &mut IdLog,
    blanks: &mut Blanks,
) -> Result<u64, LocalError> {
    let mut n = 0u64;
    let mut rest = chunk;
    let mut cache = DateCache::default();
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    while !rest.is_empty() {
        n += 1;
        // The row, its id as written and the id's number when the fast path read one.
        let (row, id, number) = if let Some(step) = K::fast(rest, acc, ctx, &mut cache) {
            rest = step.rest;
            (step.row, step.id, step.number)
        } else {
            // Rows before this one are checked first, so an error is met on the line where
            // a sequential read would meet it.
            flush::<K>(acc, ctx, seq, &mut batch)?;
            let (line, next) = split_line(rest);
            rest = next;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                blanks.push(n);
                continue;
            }
            // The header again (files joined), as the CSV importer names it.
            if K::TABLE.is_header_again(line) {
                return Err(LocalError {
                    line: n,
                    column: None,
                    kind: Kind::SecondHeader,
                });
            }
            let row = K::general(line, acc, ctx).map_err(|(column, kind)| LocalError {
                line: n,
                column,
                kind,
            })?;
            // The row parsed, so it has a first field: its id, as written.
            let id = match memchr(b',', line) {
                Some(i) => line.split_at(i).0,
                None => line,
            };
            (row, id, None)
        };
        // Repeated ids (within the read or of an earlier read) are found in file order,
        // with the row errors.
        match number {
            Some(number) => ids.push_number(number, n),
            None => ids.push(id, n),
        }
        if K::PROJECTS {
            mark_project(acc, seq, n);
        }
        batch.push(Pending { row, line: n });
        if batch.len() == BATCH {
            flush::<K>(acc, ctx, seq, &mut batch)?;
        }
    }
    flush::<K>(acc, ctx, seq, &mut batch)?;
    Ok(n)
}

/// Gives the project row just read its position: chunk `seq`, line `n`.
#[inline]
fn mark_project(acc: &mut Acc, seq: u64, n: u64) {
    if let Some(p) = acc.projects.last_mut() {
        p.2 = (seq << 32) | n;
    }
}
