//! The general row parsers: one line of each input, every spelling the ledger accepts, the
//! error naming the column. The fast path ([`super::fast`]) falls back to these.

use super::ctx::Ctx;
use super::dates::Day;
use super::fields::{
    Fields, RowError, amount, at, category, code, date, id, level, lossy, planned, status,
};
use super::projects::{ProjectEntry, ProjectKey, ProjectTable};
use super::sums::{Acc, BUCKETS, CATEGORIES, Row, bucket, category_name};
use crate::RegionCode;
use crate::error::ParseError;
use crate::import::InputErrorKind as Kind;

/// A county code of a row that is not counted: checked as a region code, without giving
/// the county a place in the sums (a county with no counted row has no report row): then
/// `usize::MAX`.
fn county_index(acc: &mut Acc, c: u32, field: &[u8], counted: bool) -> Result<usize, Kind> {
    if counted {
        return acc.county(c, field);
    }
    if let Some(idx) = acc.known(c) {
        return Ok(idx);
    }
    RegionCode::new(c).map_err(|e| {
        Kind::Value(ParseError::new(
            "region code",
            lossy(field),
            e.kind().clone(),
        ))
    })?;
    Ok(usize::MAX)
}

/// The flat index of bucket `b` of county `idx` (`usize::MAX`: none).
fn flat(idx: usize, b: usize) -> usize {
    if idx == usize::MAX {
        usize::MAX
    } else {
        idx * BUCKETS + b
    }
}

/// `id,date,county_code,source,category,amount_yuan`; a row dated after the as-of date is
/// read and checked in full and not counted.
#[inline]
pub(crate) fn allocation(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<Row, RowError> {
    let mut f = Fields::new(line, 6);
    at(0, id(f.next()?, false))?;
    let d = at(1, date(f.next()?, ctx.window))?;
    let code_field = f.next()?;
    let c = at(2, code(code_field))?;
    let lv = at(3, level(f.next()?))?;
    let cat = at(4, category(f.next()?))?;
    let fen = at(5, amount(f.last()?))?;
    let day = Day::of(d, ctx.as_of);
    let idx = at(2, county_index(acc, c, code_field, day.counted))?;
    let b = bucket(lv, cat);
    Ok(Row::dated(flat(idx, b), fen, day, c, b))
}

/// `id,county_code,category,planned_investment_yuan,status`
#[inline]
pub(crate) fn project(line: &[u8], acc: &mut Acc, _ctx: &Ctx) -> Result<Row, RowError> {
    let mut f = Fields::new(line, 5);
    let pid = f.next()?;
    at(0, id(pid, true))?;
    let code_field = f.next()?;
    let c = at(1, code(code_field))?;
    let cat = at(2, category(f.next()?))?;
    let fen = at(3, planned(f.next()?))?;
    let pooled = at(4, status(f.last()?))?;
    let idx = at(1, acc.county(c, code_field))?;
    acc.projects.push((
        ProjectKey::of(pid),
        ProjectEntry::new(c, cat, pooled),
        0,
        fen,
    ));
    // Planned investment counts the project pool only, per category (as the ledger does).
    let mut row = Row::planned(idx * CATEGORIES + cat, fen);
    row.counted = pooled;
    Ok(row)
}

/// `id,date,project_id,county_code,source,category,amount_yuan`; a row dated after the
/// as-of date is read and checked in full (its project too) and not counted.
#[inline]
pub(crate) fn expenditure(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<Row, RowError> {
    let mut f = Fields::new(line, 7);
    at(0, id(f.next()?, false))?;
    let d = at(1, date(f.next()?, ctx.window))?;
    let pid = f.next()?;
    at(2, id(pid, true))?;
    let code_field = f.next()?;
    let c = at(3, code(code_field))?;
    let lv = at(4, level(f.next()?))?;
    let cat = at(5, category(f.next()?))?;
    let fen = at(6, amount(f.last()?))?;
    let day = Day::of(d, ctx.as_of);
    let idx = at(3, county_index(acc, c, code_field, day.counted))?;
    if let Some(projects) = ctx.projects {
        at(2, check_project(projects, pid, c, cat))?;
    }
    let b = bucket(lv, cat);
    Ok(Row::dated(flat(idx, b), fen, day, c, b))
}

/// An expenditure must name a known, pooled project of its own county and category.
fn check_project(
    projects: &ProjectTable,
    pid: &[u8],
    code: u32,
    category: usize,
) -> Result<(), Kind> {
    let expected = ProjectEntry::new(code, category, true);
    match projects.get(pid) {
        Some(found) if found == expected => Ok(()),
        found => Err(project_mismatch(lossy(pid), found, expected)),
    }
}

/// Why project entry `found` (`None`: unknown project) is not the `expected` one.
pub(crate) fn project_mismatch(
    id: String,
    found: Option<ProjectEntry>,
    expected: ProjectEntry,
) -> Kind {
    let place = |e: ProjectEntry| format!("{:06} {}", e.code(), category_name(e.category()));
    match found {
        None => Kind::UnknownProject { id },
        Some(f) if (f.code(), f.category()) != (expected.code(), expected.category()) => {
            Kind::ProjectElsewhere {
                id,
                project: place(f),
                row: place(expected),
            }
        }
        Some(f) => {
            debug_assert!(!f.pooled() && f != expected);
            Kind::ProjectNotPooled { id }
        }
    }
}
