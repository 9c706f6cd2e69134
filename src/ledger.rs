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

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use indexmap::IndexMap;

use crate::dim::{Category, FiscalYear, ProjectId, RecordId, RegionCode, Vocabulary};
use crate::error::{ParseError, ParseErrorKind};
use crate::money::Money;
use crate::record::{Adjustment, Allocation, Bucket, Expenditure, Project, Record, Region};

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
/// Two arrays, not one of pairs: a report binary-searches the dates of every bucket, and
/// 4-byte dates keep that search in few cache lines (the pairs were 12–20% slower on the
/// ledger bench). Invariant, held by [`Series::merged`], the only builder: one running
/// total per entry (`dates` and `running` have one element per entry; dates may repeat).
#[derive(Clone, Debug, Default)]
struct Series {
    dates: Vec<NaiveDate>,
    running: Vec<i128>,
}

impl Series {
    /// The running total on `as_of`: that of the last entry on or before it, or 0 when the
    /// bucket had no entry yet (nothing in or out is a total of 0, not a missing one).
    #[expect(
        clippy::expect_used,
        reason = "one running total per entry (see Series)"
    )]
    fn at(&self, as_of: NaiveDate) -> i128 {
        match self.dates.partition_point(|d| *d <= as_of) {
            0 => 0,
            n => *self
                .running
                .get(n - 1)
                .expect("a running total for every entry"),
        }
    }

    fn first_date(&self) -> Option<NaiveDate> {
        self.dates.first().copied()
    }

    fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.dates.iter().copied()
    }

    /// A new series with `more` merged in; `None` on overflow.
    fn merged(&self, more: &[(NaiveDate, i128)]) -> Option<Series> {
        debug_assert_eq!(self.dates.len(), self.running.len());
        let mut items: Vec<(NaiveDate, i128)> = Vec::with_capacity(self.dates.len() + more.len());
        let mut prev = 0i128;
        for (d, r) in self.dates.iter().zip(&self.running) {
            items.push((*d, r - prev));
            prev = *r;
        }
        items.extend_from_slice(more);
        items.sort_by_key(|e| e.0);
        let mut out = Series {
            dates: Vec::with_capacity(items.len()),
            running: Vec::with_capacity(items.len()),
        };
        let mut total = 0i128;
        for (d, v) in items {
            total = total.checked_add(v)?;
            out.dates.push(d);
            out.running.push(total);
        }
        Some(out)
    }
}

/// The money in place and spent in one bucket.
#[derive(Clone, Debug, Default)]
struct Flows {
    funds: Series,
    spent: Series,
}

impl Flows {
    /// The first date at which spending exceeds money in place by more than it did in
    /// `before` (the bucket before this batch), with both totals. With an empty `before`,
    /// the first overdraft of all. A batch is to blame only for the overdraft it causes or
    /// deepens; one accepted earlier with a warning is not blamed on later records.
    fn first_new_overdraft(&self, before: &Flows) -> Option<(NaiveDate, i128, i128)> {
        let mut dates: Vec<NaiveDate> = self.funds.dates().chain(self.spent.dates()).collect();
        dates.sort_unstable();
        dates.dedup();
        dates.into_iter().find_map(|d| {
            let (f, s) = (self.funds.at(d), self.spent.at(d));
            let old_deficit = (before.spent.at(d) - before.funds.at(d)).max(0);
            (s - f > old_deficit).then_some((d, f, s))
        })
    }
}

/// A read-only view of one bucket (资金账户).
#[derive(Clone, Copy, Debug)]
pub struct BucketView<'a> {
    bucket: &'a Bucket,
    flows: &'a Flows,
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
        self.flows.funds.at(as_of)
    }

    /// [`BucketView::spent`] in 分.
    pub(crate) fn spent_fen(&self, as_of: NaiveDate) -> i128 {
        self.flows.spent.at(as_of)
    }

    /// Whether anything happened in the bucket on or before `as_of`.
    pub fn active(&self, as_of: NaiveDate) -> bool {
        let first = [self.flows.funds.first_date(), self.flows.spent.first_date()]
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
/// The books a record id is unique in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum IdKind {
    Allocation,
    Expenditure,
    Adjustment,
}

/// Checks (SPEC §6): unknown region or project, duplicate id, date outside the year,
/// non-positive amount, spending on a project outside the pool or in another region or
/// category, and money out of a (region, level, category) bucket beyond what it held up to
/// each date. Amounts are whole 分 by construction of [`Money`].
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
    regions: IndexMap<RegionCode, Region>,
    projects: IndexMap<ProjectId, Project>,
    /// Record ids by kind: allocations (指标文号), expenditures (凭证号) and adjustments
    /// are numbered separately, as the books that issue them are.
    ids: HashSet<(IdKind, RecordId)>,
    allocations: Vec<Allocation>,
    expenditures: Vec<Expenditure>,
    adjustments: Vec<Adjustment>,
    buckets: IndexMap<Bucket, Flows>,
    /// Planned investment of the pooled projects per (region, category), in 分: what a
    /// report's pool figures add up, kept as projects come in (a project never changes).
    pooled: IndexMap<(RegionCode, Category), i128>,
    gross: i128,
    /// The categories records may use.
    vocabulary: Vocabulary,
}

/// Amounts one batch adds to one bucket: (date, 分, position in batch).
#[derive(Default)]
struct Staged {
    funds: Vec<(NaiveDate, i128, usize)>,
    spent: Vec<(NaiveDate, i128, usize)>,
}

impl Staged {
    /// The position of the first record of the batch that touches this bucket.
    #[expect(
        clippy::expect_used,
        reason = "a bucket is staged only by pushing an amount into it, so it holds at least one"
    )]
    fn first_position(&self) -> usize {
        self.funds
            .iter()
            .chain(&self.spent)
            .map(|e| e.2)
            .min()
            .expect("a staged bucket holds at least one amount: staging it pushed one")
    }
}

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
            regions: IndexMap::new(),
            projects: IndexMap::new(),
            ids: HashSet::new(),
            allocations: Vec::new(),
            expenditures: Vec::new(),
            adjustments: Vec::new(),
            buckets: IndexMap::new(),
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
    pub fn projects(&self) -> impl Iterator<Item = &Project> {
        self.projects.values()
    }

    /// A project by id.
    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.get(id)
    }

    /// The allocations, in insertion order.
    pub fn allocations(&self) -> &[Allocation] {
        &self.allocations
    }

    /// The expenditures, in insertion order.
    pub fn expenditures(&self) -> &[Expenditure] {
        &self.expenditures
    }

    /// The adjustments, in insertion order.
    pub fn adjustments(&self) -> &[Adjustment] {
        &self.adjustments
    }

    /// Planned investment of the pooled projects, in 分, per region and category.
    pub(crate) fn pooled_planned(&self) -> impl Iterator<Item = (RegionCode, &Category, i128)> {
        self.pooled.iter().map(|((r, c), fen)| (*r, c, *fen))
    }

    /// Every bucket that has had money in or out, in first-use order.
    pub fn buckets(&self) -> impl Iterator<Item = BucketView<'_>> {
        self.buckets
            .iter()
            .map(|(bucket, flows)| BucketView { bucket, flows })
    }

    /// Inserts a batch of records, whole or not at all.
    ///
    /// Records may refer to regions and projects earlier in the same batch.
    ///
    /// # Errors
    ///
    /// The first record that breaks a rule, by position (1-based) and id; the ledger is
    /// then unchanged.
    pub fn insert<R: Into<Record>>(
        &mut self,
        batch: impl IntoIterator<Item = R>,
    ) -> Result<Receipt, LedgerError> {
        let batch: Vec<Record> = batch.into_iter().map(Into::into).collect();
        let (staged, gross) = self.check(&batch)?;
        let mut merged: Vec<(Bucket, Flows)> = Vec::with_capacity(staged.len());
        let mut warnings = Vec::new();
        for (bucket, st) in staged {
            // A bucket this batch opens starts empty (no money in or out), not with a guess.
            let old = self.buckets.get(&bucket).cloned().unwrap_or_default();
            let strip =
                |v: &[(NaiveDate, i128, usize)]| v.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>();
            let overflow = |pos: usize| batch_error(&batch, pos, LedgerErrorKind::Overflow);
            let first = st.first_position();
            let flows = Flows {
                funds: old
                    .funds
                    .merged(&strip(&st.funds))
                    .ok_or_else(|| overflow(first))?,
                spent: old
                    .spent
                    .merged(&strip(&st.spent))
                    .ok_or_else(|| overflow(first))?,
            };
            if let Some((date, f, s)) = flows.first_new_overdraft(&old) {
                let pos = culprit(&st, date).unwrap_or(first);
                // `first` only when no outflow of this batch precedes the date: then an inflow
                // was moved later or reduced, and the first record of the batch is named.
                let kind = LedgerErrorKind::Overdrawn {
                    bucket: bucket.clone(),
                    date,
                    funds: ledger_money(f),
                    spent: ledger_money(s),
                };
                match self.options.overspend {
                    Overspend::Error => return Err(batch_error(&batch, pos, kind)),
                    Overspend::Warn => warnings.push(Warning {
                        record: describe(&batch, pos),
                        kind,
                    }),
                }
            }
            merged.push((bucket, flows));
        }
        // Everything checked: commit.
        self.gross = gross;
        for (bucket, flows) in merged {
            self.buckets.insert(bucket, flows);
        }
        let inserted = batch.len();
        for r in batch {
            match r {
                Record::Region(r) => {
                    self.regions.insert(r.code(), r);
                }
                Record::Project(p) => {
                    if p.stage().is_pooled() {
                        let key = (p.region(), p.category().clone());
                        // Within the ledger's gross amount, which is checked to fit Money.
                        *self.pooled.entry(key).or_insert(0) += p.planned().to_fen();
                    }
                    self.projects.insert(p.id().clone(), p);
                }
                Record::Allocation(a) => {
                    self.ids.insert((IdKind::Allocation, a.id().clone()));
                    self.allocations.push(a);
                }
                Record::Expenditure(e) => {
                    self.ids.insert((IdKind::Expenditure, e.id().clone()));
                    self.expenditures.push(e);
                }
                Record::Adjustment(a) => {
                    self.ids.insert((IdKind::Adjustment, a.id().clone()));
                    self.adjustments.push(a);
                }
            }
        }
        Ok(Receipt { inserted, warnings })
    }

    fn fresh_id<'b>(
        &self,
        seen: &mut HashSet<(IdKind, &'b RecordId)>,
        kind: IdKind,
        id: &'b RecordId,
    ) -> Result<(), LedgerErrorKind> {
        if self.ids.contains(&(kind, id.clone())) || !seen.insert((kind, id)) {
            return Err(LedgerErrorKind::DuplicateId(id.to_string()));
        }
        Ok(())
    }

    /// Checks every record against the ledger and the batch so far; stages bucket amounts.
    #[allow(clippy::too_many_lines)] // one arm per record kind, each a short list of rules
    fn check(&self, batch: &[Record]) -> Result<(IndexMap<Bucket, Staged>, i128), LedgerError> {
        let mut regions: HashSet<RegionCode> = HashSet::new();
        let mut projects: HashMap<&ProjectId, &Project> = HashMap::new();
        let mut ids: HashSet<(IdKind, &RecordId)> = HashSet::new();
        let mut staged: IndexMap<Bucket, Staged> = IndexMap::new();
        let mut gross = self.gross;
        for (pos, record) in batch.iter().enumerate() {
            let fail = |kind| batch_error(batch, pos, kind);
            let known =
                |code: RegionCode| self.regions.contains_key(&code) || regions.contains(&code);
            let region_ok = |code: RegionCode| {
                if known(code) {
                    Ok(())
                } else {
                    Err(fail(LedgerErrorKind::UnknownRegion(code)))
                }
            };
            let date_ok = |date: NaiveDate| {
                if self.year.contains(date) {
                    Ok(())
                } else {
                    Err(fail(LedgerErrorKind::OutsideYear {
                        date,
                        year: self.year.year(),
                    }))
                }
            };
            let amount_ok = |m: Money| {
                if m.is_positive() {
                    Ok(())
                } else {
                    Err(fail(LedgerErrorKind::NotPositive(m)))
                }
            };
            let category_ok = |c: Option<&Category>| match c {
                Some(c) if !self.vocabulary.contains(c) => {
                    let err = self.vocabulary.parse(c.as_str()).err();
                    let suggestion = err.and_then(|e| match e.kind() {
                        ParseErrorKind::NotInVocabulary { suggestion, .. } => suggestion.clone(),
                        _ => None,
                    });
                    Err(fail(LedgerErrorKind::UndeclaredCategory {
                        category: c.clone(),
                        suggestion,
                    }))
                }
                _ => Ok(()),
            };
            for b in record_categories(record) {
                category_ok(b)?;
            }
            let amount_fen = match record {
                Record::Region(r) => {
                    if known(r.code()) {
                        return Err(fail(LedgerErrorKind::DuplicateRegion(r.code())));
                    }
                    regions.insert(r.code());
                    0
                }
                Record::Project(p) => {
                    region_ok(p.region())?;
                    if p.planned().is_negative() {
                        return Err(fail(LedgerErrorKind::NegativePlanned(p.planned())));
                    }
                    if self.projects.contains_key(p.id()) || projects.insert(p.id(), p).is_some() {
                        return Err(fail(LedgerErrorKind::DuplicateId(p.id().to_string())));
                    }
                    p.planned().to_fen()
                }
                Record::Allocation(a) => {
                    self.fresh_id(&mut ids, IdKind::Allocation, a.id())
                        .map_err(fail)?;
                    region_ok(a.region())?;
                    date_ok(a.date())?;
                    amount_ok(a.amount())?;
                    let f = a.amount().to_fen();
                    staged
                        .entry(a.bucket())
                        .or_default()
                        .funds
                        .push((a.date(), f, pos));
                    f
                }
                Record::Expenditure(e) => {
                    self.fresh_id(&mut ids, IdKind::Expenditure, e.id())
                        .map_err(fail)?;
                    region_ok(e.region())?;
                    date_ok(e.date())?;
                    amount_ok(e.amount())?;
                    let p = projects
                        .get(e.project())
                        .copied()
                        .or_else(|| self.projects.get(e.project()))
                        .ok_or_else(|| {
                            fail(LedgerErrorKind::UnknownProject(e.project().clone()))
                        })?;
                    pool_rules(p, e).map_err(fail)?;
                    let f = e.amount().to_fen();
                    staged
                        .entry(e.bucket())
                        .or_default()
                        .spent
                        .push((e.date(), f, pos));
                    f
                }
                Record::Adjustment(a) => {
                    self.fresh_id(&mut ids, IdKind::Adjustment, a.id())
                        .map_err(fail)?;
                    date_ok(a.date())?;
                    amount_ok(a.amount())?;
                    for b in a.source().into_iter().chain(a.target()) {
                        region_ok(b.region())?;
                    }
                    if let (Some(from), Some(to)) = (a.source(), a.target()) {
                        if from == to {
                            return Err(fail(LedgerErrorKind::SameBucket(from.clone())));
                        }
                    }
                    let f = a.amount().to_fen();
                    if let Some(from) = a.source() {
                        staged
                            .entry(from.clone())
                            .or_default()
                            .funds
                            .push((a.date(), -f, pos));
                    }
                    if let Some(to) = a.target() {
                        staged
                            .entry(to.clone())
                            .or_default()
                            .funds
                            .push((a.date(), f, pos));
                    }
                    f
                }
            };
            gross = gross
                .checked_add(amount_fen)
                .filter(|g| *g <= MAX_GROSS_FEN)
                .ok_or_else(|| fail(LedgerErrorKind::Overflow))?;
        }
        Ok((staged, gross))
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

/// An expenditure may go only to a pooled project of its own region and category.
fn pool_rules(p: &Project, e: &Expenditure) -> Result<(), LedgerErrorKind> {
    if !p.stage().is_pooled() {
        return Err(LedgerErrorKind::NotPooled {
            project: p.id().clone(),
            stage: p.stage(),
        });
    }
    if p.region() != e.region() {
        return Err(LedgerErrorKind::RegionMismatch {
            project: p.id().clone(),
            expected: p.region(),
            found: e.region(),
        });
    }
    if p.category() != e.category() {
        return Err(LedgerErrorKind::CategoryMismatch {
            project: p.id().clone(),
            expected: p.category().clone(),
            found: e.category().clone(),
        });
    }
    Ok(())
}

/// The batch record most likely to blame for an overdraft on `date`: the latest outflow on
/// or before it.
fn culprit(st: &Staged, date: NaiveDate) -> Option<usize> {
    let outflows = st.spent.iter().chain(st.funds.iter().filter(|e| e.1 < 0));
    outflows
        .filter(|e| e.0 <= date)
        .max_by_key(|e| (e.0, e.2))
        .map(|e| e.2)
}

fn batch_error(batch: &[Record], pos: usize, kind: LedgerErrorKind) -> LedgerError {
    LedgerError {
        position: pos + 1,
        record: describe(batch, pos),
        kind,
    }
}

fn describe(batch: &[Record], pos: usize) -> String {
    // `pos` always indexes the batch; the fallback is a label, never a figure.
    batch
        .get(pos)
        .map_or_else(|| format!("record {}", pos + 1), Record::describe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dim::{Category, FundLevel, ProjectStage};

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
