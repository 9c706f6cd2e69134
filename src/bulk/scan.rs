//! The byte-level row scanner: fields are slices of the input, never `String`s; counties get
//! dense indices through a 1,000,000-entry table; amounts are summed as `i64` 分.

use std::borrow::Cow;

use memchr::memchr;

use super::error::BulkErrorKind as Kind;
use super::fast::DateCache;
use super::ids::IdLog;
use crate::dim::{ProjectId, RecordId};
use crate::error::{ParseError, ParseErrorKind};
use crate::{Category, FundLevel, Money, ProjectStage, RegionCode};

/// Levels × built-in categories: the buckets of one county.
pub(crate) const BUCKETS: usize = FundLevel::ALL.len() * CATEGORIES;
/// Built-in categories.
pub(crate) const CATEGORIES: usize = Category::BUILT_IN.len();
/// Six-digit region codes.
const CODE_SPACE: usize = 1_000_000;

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

/// The kind of table a CSV input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    Allocations,
    Projects,
    Expenditures,
}

impl Table {
    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Allocations => &[
                "id",
                "date",
                "county_code",
                "source",
                "category",
                "amount_yuan",
            ],
            Table::Projects => &[
                "id",
                "county_code",
                "category",
                "planned_investment_yuan",
                "status",
            ],
            Table::Expenditures => &[
                "id",
                "date",
                "project_id",
                "county_code",
                "source",
                "category",
                "amount_yuan",
            ],
        }
    }

    pub(crate) fn header(self) -> &'static str {
        match self {
            Table::Allocations => "id,date,county_code,source,category,amount_yuan",
            Table::Projects => "id,county_code,category,planned_investment_yuan,status",
            Table::Expenditures => "id,date,project_id,county_code,source,category,amount_yuan",
        }
    }
}

/// One county's sums in 分: 4 levels × 5 categories (index `level * 5 + category`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CountySums {
    pub(crate) code: RegionCode,
    pub(crate) allocated: [i64; BUCKETS],
    pub(crate) spent: [i64; BUCKETS],
    /// Planned investment of pooled projects per category.
    pub(crate) planned: [i64; CATEGORIES],
}

impl CountySums {
    /// Adds `other` (same code) into `self`; `None` on overflow, leaving `self` unchanged.
    pub(crate) fn checked_added(&self, other: &CountySums) -> Option<CountySums> {
        let mut out = self.clone();
        for (a, b) in out.allocated.iter_mut().zip(other.allocated) {
            *a = a.checked_add(b)?;
        }
        for (a, b) in out.spent.iter_mut().zip(other.spent) {
            *a = a.checked_add(b)?;
        }
        for (a, b) in out.planned.iter_mut().zip(other.planned) {
            *a = a.checked_add(b)?;
        }
        Some(out)
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
pub(crate) struct Acc {
    /// Region code → index + 1 into `codes` (0: not seen); allocated on first use.
    slot: Vec<u32>,
    codes: Vec<RegionCode>,
    /// `BUCKETS` allocated sums per county, index `county * BUCKETS + level * 5 + category`.
    pub(crate) allocated: Vec<i64>,
    /// `BUCKETS` spent sums per county.
    pub(crate) spent: Vec<i64>,
    /// Planned investment of pooled projects, `CATEGORIES` per county.
    pub(crate) planned: Vec<i64>,
    /// Projects read, with what expenditures must match.
    pub(crate) projects: Vec<(ProjectKey, u32)>,
    pub(crate) counts: Counts,
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
        }
    }

    /// The index of county `code` (a number below 1,000,000), added on first sight after
    /// checking the code. `field` is the text as written, for the error.
    pub(crate) fn county(&mut self, code: u32, field: &[u8]) -> Result<usize, Kind> {
        if let Some(idx) = self.known(code) {
            return Ok(idx);
        }
        let region = RegionCode::new(code).map_err(|e| {
            Kind::Parse(ParseError::new(
                "region code",
                lossy(field),
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

    /// Adds a new county; returns its index.
    fn push(&mut self, region: RegionCode) -> Result<usize, Kind> {
        if self.slot.is_empty() {
            self.slot = vec![0; CODE_SPACE];
        }
        let idx = self.codes.len();
        let tag = u32::try_from(idx + 1).map_err(|_| Kind::Overflow)?;
        if let Some(s) = self.slot.get_mut(region.get() as usize) {
            *s = tag;
        }
        self.codes.push(region);
        self.allocated.resize(self.allocated.len() + BUCKETS, 0);
        self.spent.resize(self.spent.len() + BUCKETS, 0);
        self.planned.resize(self.planned.len() + CATEGORIES, 0);
        Ok(idx)
    }

    fn sums(&self, idx: usize) -> Option<CountySums> {
        let range = idx * BUCKETS..(idx + 1) * BUCKETS;
        Some(CountySums {
            code: *self.codes.get(idx)?,
            allocated: self.allocated.get(range.clone())?.try_into().ok()?,
            spent: self.spent.get(range)?.try_into().ok()?,
            planned: self
                .planned
                .get(idx * CATEGORIES..(idx + 1) * CATEGORIES)?
                .try_into()
                .ok()?,
        })
    }

    /// Every county's sums, in order of first sight.
    pub(crate) fn into_sums(self) -> Vec<CountySums> {
        (0..self.codes.len()).filter_map(|i| self.sums(i)).collect()
    }

    /// Adds a whole county's sums; `None` on overflow, leaving `self` unchanged.
    fn add_county(&mut self, c: &CountySums) -> Option<()> {
        let idx = match self.known(c.code.get()) {
            Some(i) => i,
            None => self.push(c.code).ok()?,
        };
        let sum = self.sums(idx)?.checked_added(c)?;
        let range = idx * BUCKETS..(idx + 1) * BUCKETS;
        self.allocated
            .get_mut(range.clone())?
            .copy_from_slice(&sum.allocated);
        self.spent.get_mut(range)?.copy_from_slice(&sum.spent);
        self.planned
            .get_mut(idx * CATEGORIES..(idx + 1) * CATEGORIES)?
            .copy_from_slice(&sum.planned);
        Some(())
    }

    /// Adds `other` (merging a worker into the aggregate).
    pub(crate) fn absorb(&mut self, mut other: Acc) -> Result<(), Kind> {
        self.counts = self
            .counts
            .checked_add(other.counts)
            .ok_or(Kind::Overflow)?;
        self.projects.append(&mut other.projects);
        for c in other.into_sums() {
            self.add_county(&c).ok_or(Kind::Overflow)?;
        }
        Ok(())
    }

    /// Whether [`Acc::absorb`] of `other` would succeed.
    pub(crate) fn can_absorb(&self, other: &Acc) -> bool {
        if self.counts.checked_add(other.counts).is_none() {
            return false;
        }
        (0..other.codes.len()).all(|i| {
            let Some(c) = other.sums(i) else { return false };
            match self.known(c.code.get()) {
                None => true,
                Some(idx) => self
                    .sums(idx)
                    .is_some_and(|d| d.checked_added(&c).is_some()),
            }
        })
    }
}

/// What every row parser needs to know: the as-of date and the fiscal year as `yyyymmdd`,
/// and the projects expenditures must refer to (when any have been read).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx<'p> {
    pub(crate) as_of: u32,
    pub(crate) year: Option<(i32, u32, u32)>,
    pub(crate) projects: Option<&'p ProjectTable>,
}

/// A project id as a key: small decimal numbers (no leading zero) index a dense table,
/// anything else a hash map.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ProjectKey {
    Number(u32),
    Text(Box<[u8]>),
}

/// Ids below this go in the dense table (4 bytes each).
const DENSE_IDS: u32 = 1 << 22;

/// A decimal id without a leading zero below [`DENSE_IDS`].
#[inline]
pub(crate) fn small_number(id: &[u8]) -> Option<u32> {
    match id {
        [b'1'..=b'9', rest @ ..] if rest.len() < 7 && rest.iter().all(u8::is_ascii_digit) => {
            let n = id.iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
            (n < DENSE_IDS).then_some(n)
        }
        _ => None,
    }
}

impl ProjectKey {
    #[inline]
    pub(crate) fn of(id: &[u8]) -> ProjectKey {
        small_number(id).map_or_else(|| ProjectKey::Text(id.into()), ProjectKey::Number)
    }
}

/// What an expenditure must match: `code << 4 | category << 1 | pooled`; never 0.
pub(crate) fn project_entry(code: u32, category: usize, pooled: bool) -> u32 {
    (code << 4) | (u32::try_from(category).unwrap_or(7) << 1) | u32::from(pooled)
}

/// The projects read so far: id → [`project_entry`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ProjectTable {
    dense: Vec<u32>,
    other: std::collections::HashMap<Box<[u8]>, u32>,
    len: usize,
}

impl ProjectTable {
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry of a project id.
    #[inline]
    pub(crate) fn get(&self, id: &[u8]) -> Option<u32> {
        match small_number(id) {
            Some(n) => Some(self.dense_entry(n)).filter(|&e| e != 0),
            None => self.other.get(id).copied(),
        }
    }

    /// The entry of a small numeric id, 0 when unknown.
    #[inline]
    pub(crate) fn dense_entry(&self, n: u32) -> u32 {
        self.dense.get(n as usize).copied().unwrap_or(0)
    }

    /// Adds projects; on a repeated id returns it and leaves the table unchanged.
    pub(crate) fn extend(&mut self, items: &[(ProjectKey, u32)]) -> Result<(), String> {
        let mut next = self.clone();
        for (key, entry) in items {
            let fresh = match key {
                ProjectKey::Number(n) if *n < DENSE_IDS => {
                    let at = *n as usize;
                    if next.dense.len() <= at {
                        next.dense.resize(at + 1, 0);
                    }
                    next.dense.get_mut(at).is_some_and(|slot| {
                        let fresh = *slot == 0;
                        *slot = *entry;
                        fresh
                    })
                }
                ProjectKey::Number(n) => next
                    .other
                    .insert(n.to_string().into_bytes().into(), *entry)
                    .is_none(),
                ProjectKey::Text(t) => next.other.insert(t.clone(), *entry).is_none(),
            };
            if !fresh {
                return Err(match key {
                    ProjectKey::Number(n) => n.to_string(),
                    ProjectKey::Text(t) => lossy(t),
                });
            }
            next.len += 1;
        }
        *self = next;
        Ok(())
    }
}

/// A row error: column index and what is wrong (the line is added by the caller).
pub(crate) type RowError = (Option<usize>, Kind);

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn text(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Splits a line into fields.
struct Fields<'a> {
    line: &'a [u8],
    rest: &'a [u8],
    expected: usize,
}

impl<'a> Fields<'a> {
    #[inline]
    fn new(line: &'a [u8], expected: usize) -> Self {
        Fields {
            line,
            rest: line,
            expected,
        }
    }

    fn count_error(&self) -> RowError {
        let found = memchr::memchr_iter(b',', self.line).count() + 1;
        (
            None,
            Kind::FieldCount {
                expected: self.expected,
                found,
            },
        )
    }

    /// The next field (one followed by a comma).
    #[inline]
    fn next(&mut self) -> Result<&'a [u8], RowError> {
        match memchr(b',', self.rest) {
            Some(i) => {
                let (f, r) = self.rest.split_at(i);
                self.rest = r.get(1..).unwrap_or_default();
                Ok(f)
            }
            None => Err(self.count_error()),
        }
    }

    /// The last field: the rest of the line, which must hold no comma.
    #[inline]
    fn last(&mut self) -> Result<&'a [u8], RowError> {
        if memchr(b',', self.rest).is_some() {
            return Err(self.count_error());
        }
        Ok(self.rest)
    }
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD` → `yyyymmdd`, or `None` when it is not exactly that shape and a real date.
#[inline]
pub(crate) fn fast_date(text: &[u8]) -> Option<u32> {
    let bytes: &[u8; 10] = text.try_into().ok()?;
    let [y0, y1, y2, y3, h1, m0, m1, h2, d0, d1] = *bytes;
    if h1 != b'-' || h2 != b'-' {
        return None;
    }
    let dig = |c: u8| {
        let d = c.wrapping_sub(b'0');
        if d < 10 { Some(u32::from(d)) } else { None }
    };
    let year = dig(y0)? * 1000 + dig(y1)? * 100 + dig(y2)? * 10 + dig(y3)?;
    let month = dig(m0)? * 10 + dig(m1)?;
    let day = dig(d0)? * 10 + dig(d1)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || year == 0 {
        return None;
    }
    Some(year * 10_000 + month * 100 + day)
}

/// A date field as `yyyymmdd`, checked against the fiscal year.
#[inline]
fn date(s: &[u8], ctx: &Ctx) -> Result<u32, Kind> {
    let key = match fast_date(s) {
        Some(k) => k,
        None => fast_date(text(s).trim().as_bytes()).ok_or_else(|| {
            Kind::Parse(ParseError::new(
                "date",
                lossy(s),
                ParseErrorKind::Format("a calendar date YYYY-MM-DD"),
            ))
        })?,
    };
    if let Some((year, start, end)) = ctx.year {
        if key < start || key > end {
            return Err(Kind::OutsideYear {
                date: lossy(s),
                year,
            });
        }
    }
    Ok(key)
}

/// A region code field as a number below 1,000,000 (checked fully on first sight).
#[inline]
fn code(s: &[u8]) -> Result<u32, Kind> {
    if s.len() == 6 && s.iter().all(u8::is_ascii_digit) {
        return Ok(s.iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0')));
    }
    text(s)
        .parse::<RegionCode>()
        .map(RegionCode::get)
        .map_err(|e| Kind::Parse(ParseError::new("region code", lossy(s), e.kind().clone())))
}

/// A fund level field → index 0–3.
#[inline]
fn level(s: &[u8]) -> Result<usize, Kind> {
    if let Some(i) = (0..FundLevel::ALL.len()).find(|&i| level_name(i).as_bytes() == s) {
        return Ok(i);
    }
    Ok(text(s).parse::<FundLevel>().map_err(Kind::Parse)?.index())
}

/// A category field → built-in index 0–4.
#[inline]
fn category(s: &[u8]) -> Result<usize, Kind> {
    if let Some(i) = (0..CATEGORIES).find(|&i| category_name(i).as_bytes() == s) {
        return Ok(i);
    }
    if s.first() == Some(&b'"') {
        return Err(Kind::Quoted);
    }
    let c = text(s).parse::<Category>().map_err(Kind::Parse)?;
    c.built_in_index()
        .ok_or_else(|| Kind::CustomCategory(lossy(s)))
}

/// A project status field.
#[inline]
fn status(s: &[u8]) -> Result<bool, Kind> {
    match s {
        b"planned" | b"approved" | b"in_progress" | b"completed" => Ok(true),
        _ => text(s)
            .parse::<ProjectStage>()
            .map(ProjectStage::is_pooled)
            .map_err(Kind::Parse),
    }
}

/// An id field: 1–64 bytes, no control characters, no spaces at the ends.
#[inline]
fn id(s: &[u8], project: bool) -> Result<(), Kind> {
    let plain = !s.is_empty()
        && s.len() <= 64
        && s.first() != Some(&b' ')
        && s.last() != Some(&b' ')
        && s.iter().all(|&b| b >= 0x20 && b != 0x7f && b != b'"');
    if plain {
        return Ok(());
    }
    if s.first() == Some(&b'"') {
        return Err(Kind::Quoted);
    }
    let t = text(s);
    let checked = if project {
        t.parse::<ProjectId>().map(|_| ())
    } else {
        t.parse::<RecordId>().map(|_| ())
    };
    checked.map_err(Kind::Parse)
}

/// Plain `digits[.d[d]]` → 分, or `None` for anything else.
#[inline]
fn fast_fen(s: &[u8]) -> Option<i64> {
    let mut v: i64 = 0;
    let mut int_digits = 0u32;
    let mut frac: Option<u32> = None;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            v = v * 10 + i64::from(d);
            match &mut frac {
                Some(f) => *f += 1,
                None => int_digits += 1,
            }
            if int_digits > 15 || frac.is_some_and(|f| f > 2) {
                return None;
            }
        } else if b == b'.' && frac.is_none() {
            frac = Some(0);
        } else {
            return None;
        }
    }
    if int_digits == 0 {
        return None;
    }
    match frac {
        None => Some(v * 100),
        Some(1) => Some(v * 10),
        Some(2) => Some(v),
        Some(_) => None,
    }
}

/// A positive amount of 元 → 分.
#[inline]
fn amount(s: &[u8]) -> Result<i64, Kind> {
    let fen = if let Some(f) = fast_fen(s) {
        f
    } else {
        if s.first() == Some(&b'"') {
            return Err(Kind::Quoted);
        }
        let m: Money = text(s).parse().map_err(Kind::Parse)?;
        i64::try_from(m.to_fen()).map_err(|_| Kind::Overflow)?
    };
    if fen <= 0 {
        return Err(Kind::NotPositive { text: lossy(s) });
    }
    Ok(fen)
}

/// Wraps a field result with its column index.
#[inline]
fn at<T>(col: usize, r: Result<T, Kind>) -> Result<T, RowError> {
    r.map_err(|k| (Some(col), k))
}

/// `id,date,county_code,source,category,amount_yuan`
#[inline]
pub(crate) fn allocation(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
    let mut f = Fields::new(line, 6);
    at(0, id(f.next()?, false))?;
    let d = at(1, date(f.next()?, ctx))?;
    if d > ctx.as_of {
        acc.counts.skipped += 1;
        return Ok(());
    }
    let code_field = f.next()?;
    let c = at(2, code(code_field))?;
    let lv = at(3, level(f.next()?))?;
    let cat = at(4, category(f.next()?))?;
    let fen = at(5, amount(f.last()?))?;
    let idx = at(2, acc.county(c, code_field))?;
    let slot = acc
        .allocated
        .get_mut(idx * BUCKETS + lv * CATEGORIES + cat)
        .ok_or((None, Kind::Overflow))?;
    *slot = slot.checked_add(fen).ok_or((Some(5), Kind::Overflow))?;
    acc.counts.allocations += 1;
    Ok(())
}

/// `id,county_code,category,planned_investment_yuan,status`
#[inline]
pub(crate) fn project(line: &[u8], acc: &mut Acc, _ctx: &Ctx) -> Result<(), RowError> {
    let mut f = Fields::new(line, 5);
    let pid = f.next()?;
    at(0, id(pid, true))?;
    let code_field = f.next()?;
    let c = at(1, code(code_field))?;
    let cat = at(2, category(f.next()?))?;
    let fen = at(3, amount(f.next()?))?;
    let pooled = at(4, status(f.last()?))?;
    let idx = at(1, acc.county(c, code_field))?;
    acc.projects
        .push((ProjectKey::of(pid), project_entry(c, cat, pooled)));
    if pooled {
        let slot = acc
            .planned
            .get_mut(idx * CATEGORIES + cat)
            .ok_or((None, Kind::Overflow))?;
        *slot = slot.checked_add(fen).ok_or((Some(3), Kind::Overflow))?;
    }
    acc.counts.projects += 1;
    Ok(())
}

/// `id,date,project_id,county_code,source,category,amount_yuan`
#[inline]
pub(crate) fn expenditure(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
    let mut f = Fields::new(line, 7);
    at(0, id(f.next()?, false))?;
    let d = at(1, date(f.next()?, ctx))?;
    if d > ctx.as_of {
        acc.counts.skipped += 1;
        return Ok(());
    }
    let pid = f.next()?;
    at(2, id(pid, true))?;
    let code_field = f.next()?;
    let c = at(3, code(code_field))?;
    let lv = at(4, level(f.next()?))?;
    let cat = at(5, category(f.next()?))?;
    let fen = at(6, amount(f.last()?))?;
    let idx = at(3, acc.county(c, code_field))?;
    if let Some(projects) = ctx.projects {
        at(2, check_project(projects, pid, c, cat))?;
    }
    let slot = acc
        .spent
        .get_mut(idx * BUCKETS + lv * CATEGORIES + cat)
        .ok_or((None, Kind::Overflow))?;
    *slot = slot.checked_add(fen).ok_or((Some(6), Kind::Overflow))?;
    acc.counts.expenditures += 1;
    Ok(())
}

/// An expenditure must name a known, pooled project of its own county and category.
fn check_project(
    projects: &ProjectTable,
    pid: &[u8],
    code: u32,
    category: usize,
) -> Result<(), Kind> {
    let found = projects.get(pid).unwrap_or(0);
    let expected = project_entry(code, category, true);
    if found == expected {
        return Ok(());
    }
    Err(project_mismatch(lossy(pid), found, expected))
}

/// Why project entry `found` (0: unknown) is not the `expected` one.
pub(crate) fn project_mismatch(id: String, found: u32, expected: u32) -> Kind {
    let place = |e: u32| format!("{:06} {}", e >> 4, category_name(((e >> 1) & 7) as usize));
    if found == 0 {
        Kind::UnknownProject { id }
    } else if found >> 1 != expected >> 1 {
        Kind::ProjectElsewhere {
            id,
            project: place(found),
            row: place(expected),
        }
    } else {
        Kind::ProjectNotPooled { id }
    }
}

/// What the fast path read from one row: its id, the rest of the chunk, the flat index and
/// 分 to add (0 分: nothing), and a project reference to check when the batch is added
/// (`(small numeric id, expected entry)`; id 0: none).
pub(crate) struct Step<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) rest: &'a [u8],
    pub(crate) index: usize,
    pub(crate) fen: i64,
    pub(crate) project: (u32, u32),
}

impl<'a> Step<'a> {
    /// A row read and not counted.
    #[inline]
    pub(crate) fn skip(id: &'a [u8], rest: &'a [u8]) -> Self {
        Step {
            id,
            rest,
            index: 0,
            fen: 0,
            project: (0, 0),
        }
    }
}

/// A row waiting in a batch.
struct Pending {
    index: usize,
    fen: i64,
    line: u64,
    project: (u32, u32),
}

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
        super::fast::allocation(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
        allocation(line, acc, ctx)
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
        super::fast::project(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
        project(line, acc, ctx)
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
        super::fast::expenditure(rest, acc, ctx, cache)
    }
    fn general(line: &[u8], acc: &mut Acc, ctx: &Ctx) -> Result<(), RowError> {
        expenditure(line, acc, ctx)
    }
    fn target(acc: &mut Acc) -> &mut [i64] {
        &mut acc.spent
    }
}

/// Rows parsed before their amounts are added: the adds of a batch are independent loads,
/// so the cache misses of scattered buckets overlap instead of stalling one by one.
const BATCH: usize = 32;

/// Adds a batch; a project reference that does not match, or an overflow, names its line.
/// The project lookups of a batch are independent loads too.
#[inline]
fn flush<K: RowKind>(acc: &mut Acc, ctx: &Ctx, batch: &mut Vec<Pending>) -> Result<(), LocalError> {
    if let Some(projects) = ctx.projects {
        for p in batch.iter().filter(|p| p.project.0 != 0) {
            let (id, expected) = p.project;
            let found = projects.dense_entry(id);
            if found != expected {
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
    let mut cache = DateCache::new();
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
        let (line, next) = match memchr(b'\n', rest) {
            Some(i) => {
                let (l, r) = rest.split_at(i);
                (l, r.get(1..).unwrap_or_default())
            }
            None => (rest, &[][..]),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            K::general(line, acc, ctx).map_err(|(column, kind)| LocalError {
                line: n,
                column,
                kind,
            })?;
            if K::IDS {
                // The row parsed, so it has a first field: its id, as written.
                let id = memchr(b',', line)
                    .and_then(|i| line.get(..i))
                    .unwrap_or(line);
                ids.push(id, n);
            }
        }
        rest = next;
    }
    flush::<K>(acc, ctx, &mut batch)?;
    Ok(n)
}

/// Checks a header line against the columns of `table`.
pub(crate) fn check_header(line: &[u8], table: Table) -> Result<(), Kind> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    let header = lossy(line);
    let found: Vec<&str> = header.split(',').map(str::trim).collect();
    let expected = table.columns();
    if found == expected {
        return Ok(());
    }
    if let Some(missing) = expected.iter().find(|c| !found.contains(c)) {
        return Err(Kind::MissingColumn {
            header: header.clone(),
            column: missing,
            expected: table.header(),
        });
    }
    if let Some(extra) = found.iter().find(|c| !expected.contains(c)) {
        return Err(Kind::ExtraColumn {
            header: header.clone(),
            column: (*extra).to_owned(),
            expected: table.header(),
        });
    }
    // Same names: a repeat or another order.
    let column = expected
        .iter()
        .zip(found.iter())
        .find(|(e, f)| e != f)
        .map_or_else(|| expected.last().copied().unwrap_or_default(), |(e, _)| *e);
    Err(Kind::ColumnOrder {
        header,
        column,
        expected: table.header(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(fast_date(b"2025-06-30"), Some(20_250_630));
        assert_eq!(fast_date(b"2024-02-29"), Some(20_240_229));
        for bad in [
            &b"2025-02-29"[..],
            b"2025-13-01",
            b"2025-00-10",
            b"2025-1-01",
            b"2025/01/01",
            b"0000-01-01",
        ] {
            assert_eq!(fast_date(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn amounts_are_whole_fen() {
        assert_eq!(fast_fen(b"12.3"), Some(1230));
        assert_eq!(fast_fen(b"12.34"), Some(1234));
        assert_eq!(fast_fen(b"12"), Some(1200));
        assert_eq!(fast_fen(b"12.345"), None);
        assert_eq!(fast_fen(b".5"), None);
        assert_eq!(fast_fen(b"1234567890123456"), None);
        assert_eq!(
            amount(b"999999999999999.99").ok(),
            Some(99_999_999_999_999_999)
        );
        assert!(matches!(amount(b"0.00"), Err(Kind::NotPositive { .. })));
        assert!(matches!(amount(b"-5.00"), Err(Kind::NotPositive { .. })));
        assert!(matches!(
            amount(b"99999999999999999999"),
            Err(Kind::Overflow)
        ));
        assert!(matches!(amount(b"12.345"), Err(Kind::Parse(_))));
        assert_eq!(fast_fen(b"1.000000000000000000000001"), None);
        assert!(matches!(
            amount(b"1.000000000000000000000001"),
            Err(Kind::Parse(_))
        ));
    }

    #[test]
    fn vocabularies_accept_chinese_labels() {
        assert_eq!(level("中央".as_bytes()).ok(), Some(0));
        assert_eq!(category("产业发展".as_bytes()).ok(), Some(0));
        assert!(matches!(
            category("以工代赈".as_bytes()),
            Err(Kind::CustomCategory(_))
        ));
        assert!(matches!(category(b"industy"), Err(Kind::Parse(_))));
    }

    #[test]
    fn headers_name_the_column() {
        let t = Table::Projects;
        assert!(
            check_header(
                b"id,county_code,category,planned_investment_yuan,status\r",
                t
            )
            .is_ok()
        );
        let e = check_header(b"id,county_code,category,status", t).unwrap_err();
        assert!(
            e.to_string()
                .contains("lacks column planned_investment_yuan"),
            "{e}"
        );
        let e = check_header(
            b"id,county_code,category,planned_investment_yuan,status,x",
            t,
        )
        .unwrap_err();
        assert!(e.to_string().contains("unexpected column \"x\""), "{e}");
        let e =
            check_header(b"id,category,county_code,planned_investment_yuan,status", t).unwrap_err();
        assert!(
            e.to_string().contains("column county_code out of order"),
            "{e}"
        );
    }
}
