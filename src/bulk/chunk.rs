//! The chunk loop: the rows of one chunk through the fast path, falling back to the general
//! row parsers, their adds batched, their ids logged. One [`RowKind`] per input.

use memchr::memchr;

use super::ctx::Ctx;
use super::dates::DateCache;
use super::fast::{self, Step};
use super::fields::{RowError, split_line};
use super::ids::IdLog;
use super::projects::ProjectEntry;
use super::rows::{self, project_mismatch};
use super::sums::Acc;
use crate::import::InputErrorKind as Kind;

/// A row error located in a chunk: 1-based line within the chunk.
pub(crate) struct LocalError {
    pub(crate) line: u64,
    pub(crate) column: Option<usize>,
    pub(crate) kind: Kind,
}

/// One kind of input row: its fast path, its general path and the sums it adds to.
pub(crate) trait RowKind {
    /// Column index of the amount, for an overflow error.
    const AMOUNT: usize;
    /// Whether ids must not repeat (checked through an [`IdLog`]; projects have their own
    /// table).
    const IDS: bool;
    /// The fast path: what it read from the row, or `None` to fall back.
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>>;
    /// The general path over one line without its line end.
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError>;
    /// The sums the fast path's flat index points into.
    fn target(acc: &mut Acc) -> &mut [i64];
}

/// Allocation rows.
pub(crate) struct AllocationRow;
/// Project rows.
pub(crate) struct ProjectRow;
/// Expenditure rows.
pub(crate) struct ExpenditureRow;

impl RowKind for AllocationRow {
    const AMOUNT: usize = 5;
    const IDS: bool = true;
    #[inline]
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>> {
        fast::allocation(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
        rows::allocation(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.allocated
    }
}

impl RowKind for ProjectRow {
    const AMOUNT: usize = 3;
    const IDS: bool = false;
    #[inline]
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>> {
        fast::project(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
        rows::project(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.planned
    }
}

impl RowKind for ExpenditureRow {
    const AMOUNT: usize = 6;
    const IDS: bool = true;
    #[inline]
    fn fast<'a>(
        rest: &'a [u8],
        acc: &mut Acc,
        ctx: &Ctx,
        cache: &mut DateCache,
    ) -> Option<Step<'a>> {
        fast::expenditure(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
        rows::expenditure(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.spent
    }
}

/// A row waiting in a batch.
struct Pending {
    index: usize,
    fen: i64,
    line: u64,
    project: Option<(u32, ProjectEntry)>,
}

/// Rows parsed before their amounts are added: the adds of a batch are independent loads,
/// so the cache misses of scattered buckets overlap instead of stalling one by one.
const BATCH: usize = 32;

/// Adds a batch; a project reference that does not match, or an overflow, names its line.
/// The project lookups of a batch are independent loads too.
#[inline]
fn flush<K: RowKind>(acc: &mut Acc, ctx: &Ctx, batch: &mut Vec<Pending>) -> Result<(), LocalError> {
    if let Some(projects) = ctx.projects {
        for p in batch.iter() {
            let Some((id, expected)) = p.project else {
                continue;
            };
            let found = projects.dense_entry(id);
            if found != Some(expected) {
                return Err(LocalError {
                    line: p.line,
                    // Only expenditures refer to projects: column project_id.
                    column: Some(2),
                    kind: project_mismatch(id.to_string(), found, expected),
                });
            }
        }
    }
    let target = K::target(acc);
    for p in batch.iter() {
        let err = || LocalError {
            line: p.line,
            column: Some(K::AMOUNT),
            kind: Kind::Overflow,
        };
        debug_assert!(
            p.index < target.len(),
            "a bucket of a county the fast path knew"
        );
        let slot = target.get_mut(p.index).ok_or_else(err)?;
        *slot = slot.checked_add(p.fen).ok_or_else(err)?;
    }
    batch.clear();
    Ok(())
}

/// Runs the rows of `chunk` through the fast path, falling back to the general path for a
/// line the fast path does not take; returns the number of lines. Blank lines hold no row
/// and are passed over (they still count as lines). The id of every row read without
/// error (counted or not) goes to `ids` when `K::IDS`.
#[inline]
pub(crate) fn lines<K: RowKind>(
    chunk: &[u8],
    acc: &mut Acc,
    ctx: &Ctx,
    ids: &mut IdLog,
) -> Result<u64, LocalError> {
    let mut n = 0u64;
    let mut rest = chunk;
    let mut cache = DateCache::default();
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    while !rest.is_empty() {
        n += 1;
        if let Some(step) = K::fast(rest, acc, ctx, &mut cache) {
            if K::IDS {
                // The id is the start of the line.
                ids.push_prefix(rest, step.id, n);
            }
            if step.fen != 0 {
                batch.push(Pending {
                    index: step.index,
                    fen: step.fen,
                    line: n,
                    project: step.project,
                });
                if batch.len() == BATCH {
                    flush::<K>(acc, ctx, &mut batch)?;
                }
            }
            rest = step.rest;
            continue;
        }
        // The general path adds at once: keep the order of adds and checks, so an error
        // is met on the line where a sequential read would meet it.
        flush::<K>(acc, ctx, &mut batch)?;
        let (line, next) = split_line(rest);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            K::general(line, acc, ctx).map_err(|(column, kind)| LocalError {
                line: n,
                column,
                kind,
            })?;
            if K::IDS {
                // The row parsed, so it has a first field: its id, as written.
                let id = match memchr(b',', line) {
                    Some(i) => line.split_at(i).0,
                    None => line,
                };
                ids.push(id, n);
            }
        }
        rest = next;
    }
    flush::<K>(acc, ctx, &mut batch)?;
    Ok(n)
}
