//! The streaming national path (全国批量汇总): allocation, project and expenditure CSV bytes
//! in, exact per-(county, fund level, category) totals as of a date out.
//!
//! A national data set holds ~2,800 counties, ~300k allocations, ~300k projects and
//! 1–10 million expenditures a year. This path reads them without building records:
//!
//! - a byte-level scanner: fields are slices of the input, never `String`s;
//! - dense bucket indices: a 1,000,000-entry table maps a region code to a county slot of
//!   4 fund levels × 5 built-in categories;
//! - integer 分 sums in `i64`, overflow checked (an error, never a wrap);
//! - rows dated after the as-of date are passed over before their amount is read;
//! - every core: the input is streamed in fixed-size buffers cut at line ends and parsed by
//!   worker threads, so memory stays small however large the input;
//! - all or nothing: a bad row fails the whole read with an [`InputError`] that names
//!   the input, the line and the column. Nothing is dropped silently.
//!
//! The totals are [`Partials`]: exact integers that merge associatively and commutatively,
//! serialise with serde, and become the crate's one report,
//! [`Execution`](crate::report::Execution), in [`Partials::execution`] — the same value the
//! [`Ledger`](crate::Ledger) gives for the same records. Shards read on other threads,
//! processes or machines merge into the same report; rounding happens once, when a figure
//! is printed.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use fundtrack::bulk::{Aggregator, BulkOptions};
//!
//! let allocations = "id,date,county_code,source,category,amount_yuan\n\
//!                    1,2025-01-05,450521,central,industry,8703680.27\n";
//! let projects = "id,county_code,category,planned_investment_yuan,status\n\
//!                 1,450521,industry,9000000.00,in_progress\n";
//! let expenditures = "id,date,project_id,county_code,source,category,amount_yuan\n\
//!                     1,2025-03-01,1,450521,central,industry,3112783.42\n\
//!                     2,2025-09-01,1,450521,central,industry,1000.00\n";
//!
//! let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
//! let mut agg = Aggregator::new(BulkOptions::new(as_of));
//! agg.read_allocations("allocations.csv", allocations.as_bytes())?;
//! agg.read_projects("projects.csv", projects.as_bytes())?;
//! agg.read_expenditures("expenditures.csv", expenditures.as_bytes())?;
//! let report = agg.into_partials().execution(as_of)?;
//!
//! let overall = report.total();
//! assert_eq!(overall.spent().to_string(), "3112783.42元");
//! assert_eq!(overall.rate()?.to_percent(fundtrack::Rounding::half_up(2)?).to_string(), "35.76");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Input
//!
//! Unquoted CSV with a header line naming exactly these columns, in this order:
//!
//! | input | columns |
//! |---|---|
//! | allocations | `id,date,county_code,source,category,amount_yuan` |
//! | projects | `id,county_code,category,planned_investment_yuan,status` |
//! | expenditures | `id,date,project_id,county_code,source,category,amount_yuan` |
//!
//! Dates are `YYYY-MM-DD`; region codes six digits ([`RegionCode`](crate::RegionCode));
//! sources are fund levels ([`FundLevel`](crate::FundLevel), machine names or Chinese
//! labels); categories the 5 built-ins ([`Category`](crate::Category)); statuses project
//! stages ([`ProjectStage`](crate::ProjectStage)); amounts positive 元 with at most 2
//! decimals. LF or CRLF line ends; blank lines hold no row. Dates must fall in the fiscal
//! year of the as-of date unless [`BulkOptions`] says otherwise. A row dated after the
//! as-of date has its id and date checked and is not counted.
//!
//! As in the ledger, allocation ids and expenditure ids must not repeat (within one
//! [`Aggregator`]: a file read twice is an error, not doubled figures), an expenditure must
//! name a project read before it, of its own county and category and in the project pool,
//! and project ids must not repeat (see [`Aggregator`]). What the bulk path does not check,
//! the ledger does: spending beyond the money in place at each date.
//!
//! # Beyond one machine
//!
//! [`Partials`] are what a worker of another engine (Spark, `DataFusion`, a database) hands
//! back: per county and bucket, exact integer sums. They serialise with serde, merge in any
//! order and grouping, and become a report in [`Partials::execution`]. To check project references
//! every worker reads all the projects, one with [`Aggregator::read_projects`] (it counts
//! planned investment), the others with [`Aggregator::read_project_references`].
//!
//! Ids are checked for repeats per [`Aggregator`], that is per shard: [`Partials::merge`]
//! cannot see ids. A caller that shards one table over several aggregators must make ids
//! unique across shards itself, by partitioning the rows by id (each id in one shard) or by
//! checking the ids across shards.
//!
//! # Inside
//!
//! The modules of this path import one way: each line names a module and the modules it
//! imports, and every one of those stands on an earlier line.
//!
//! ```text
//! ids        the one decimal-id parser; duplicate-id logs and sets   (none)
//! dates      the one calendar: YYYY-MM-DD → NaiveDate, year window   (none)
//! schema     the three input schemas, the header check               (none)
//! projects   the project table: ProjectKey, ProjectEntry             ids
//! sums       buckets, CountySums, Counts, the accumulator Acc        projects
//! ctx        what a read checks rows against                         dates, projects
//! fields     line splitting, the general field parsers               dates, sums
//! rows       the general row parsers                                 ctx, fields, projects, sums
//! fast       the fast path of each row                               ctx, dates, fields, projects, sums
//! chunk      the row loop of one chunk                               ctx, dates, fast, fields, ids,
//!                                                                    projects, rows, sums
//! stream     threads, chunks, header, first error in file order      chunk, ctx, fields, ids, schema, sums
//! bulk.rs    Aggregator, BulkOptions                                 stream and the rest
//! ```
//!
//! `partials` (`Partials`) and `report` use `sums` and, for now, each other.
//!
//! Errors are the crate's one error for tabular input, [`InputError`] with an
//! [`InputErrorKind`].

mod chunk;
mod ctx;
mod dates;
mod fast;
mod fields;
mod ids;
mod partials;
mod projects;
mod rows;
mod schema;
mod stream;
mod sums;

use std::io::Read;

use chrono::NaiveDate;

pub use partials::{Partials, RowCounts};

use crate::FiscalYear;
use crate::import::{InputError, InputErrorKind, Location};
use ctx::Ctx;
use dates::Window;
use ids::IdSet;
use projects::ProjectTable;
use schema::Table;
use sums::Acc;

/// Options of a bulk read (批量读取选项): the as-of date, the fiscal year rows must fall in
/// (by default the year of the as-of date), the number of worker threads and the buffer
/// size.
///
/// As in the ledger, a row dated outside the fiscal year is an error naming its line and
/// column (`date 2024-12-31 is outside fiscal year 2025`), whether or not it is after the
/// as-of date: a report as of 2025-06-30 never counts a 2024 allocation silently. To sum
/// rows of any year up to the as-of date, opt out with [`BulkOptions::any_year`].
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::FiscalYear;
/// use fundtrack::bulk::BulkOptions;
///
/// let options = BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
///     .fiscal_year(FiscalYear::new(2025)?)
///     .threads(2)
///     .buffer_size(4 << 20);
/// assert_eq!(options.threads_used(), 2);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkOptions {
    as_of: NaiveDate,
    year: YearRule,
    threads: usize,
    buffer_size: usize,
}

impl BulkOptions {
    /// Counts rows dated on or before `as_of`; rows must fall in the fiscal year of `as_of`
    /// ([`FiscalYear::of`]); 2 worker threads, 4 MiB buffers.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// let options = BulkOptions::new(d);
    /// assert_eq!((options.as_of(), options.threads_used()), (d, 2));
    /// let earlier = "id,date,county_code,source,category,amount_yuan\n1,2024-12-31,450521,city,other,1.00\n";
    /// let err = Aggregator::new(options).read_allocations("allocations.csv", earlier.as_bytes()).unwrap_err();
    /// assert_eq!(err.to_string(), "allocations.csv line 2 column date: date 2024-12-31 is outside fiscal year 2025");
    /// ```
    pub fn new(as_of: NaiveDate) -> Self {
        BulkOptions {
            as_of,
            year: YearRule::OfAsOf,
            threads: 2,
            buffer_size: 4 << 20,
        }
    }

    /// Rejects rows dated outside `year` (including rows after the as-of date).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use fundtrack::FiscalYear;
    /// use fundtrack::bulk::{Aggregator, BulkOptions};
    ///
    /// let options = BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
    ///     .fiscal_year(FiscalYear::new(2025)?);
    /// let csv = "id,date,county_code,source,category,amount_yuan\n1,2024-12-31,450521,city,other,1.00\n";
    /// let err = Aggregator::new(options).read_allocations("allocations.csv", csv.as_bytes()).unwrap_err();
    /// assert_eq!(err.to_string(), "allocations.csv line 2 column date: date 2024-12-31 is outside fiscal year 2025");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    #[must_use]
    pub fn fiscal_year(mut self, year: FiscalYear) -> Self {
        self.year = YearRule::Fixed(year);
        self
    }

    /// Counts rows of any year dated on or before the as-of date: the opt-out of the
    /// fiscal-year check, for multi-year sums. Undone by [`BulkOptions::fiscal_year`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use fundtrack::bulk::{Aggregator, BulkOptions};
    ///
    /// let options = BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()).any_year();
    /// assert_eq!(options.year(), None);
    /// let csv = "id,date,county_code,source,category,amount_yuan\n1,2024-12-31,450521,city,other,1.00\n";
    /// let mut agg = Aggregator::new(options);
    /// agg.read_allocations("allocations.csv", csv.as_bytes())?;
    /// assert_eq!(agg.into_partials().rows().allocations(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    #[must_use]
    pub fn any_year(mut self) -> Self {
        self.year = YearRule::Any;
        self
    }

    /// The fiscal year rows must fall in: the one set with [`BulkOptions::fiscal_year`], by
    /// default the year of the as-of date, `None` after [`BulkOptions::any_year`] (or for an
    /// as-of date whose year is no [`FiscalYear`]; rows are then checked against its
    /// calendar year all the same).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use fundtrack::FiscalYear;
    /// use fundtrack::bulk::BulkOptions;
    ///
    /// let options = BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
    /// assert_eq!(options.year(), Some(FiscalYear::new(2025)?));
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn year(&self) -> Option<FiscalYear> {
        match self.year {
            YearRule::OfAsOf => FiscalYear::of(self.as_of).ok(),
            YearRule::Fixed(y) => Some(y),
            YearRule::Any => None,
        }
    }

    /// Worker threads (at least 1). The library reads no system settings: pass
    /// `std::thread::available_parallelism()` to use every core.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// assert_eq!(BulkOptions::new(d).threads(0).threads_used(), 1);
    /// ```
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// The size of each worker's read buffer in bytes (at least 4 KiB; a line longer than
    /// the buffer grows it).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// let mut agg = Aggregator::new(BulkOptions::new(d).buffer_size(1 << 20));
    /// agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    #[must_use]
    pub fn buffer_size(mut self, bytes: usize) -> Self {
        self.buffer_size = bytes.max(4096);
        self
    }

    /// The number of worker threads a read uses.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// assert_eq!(BulkOptions::new(d).threads(4).threads_used(), 4);
    /// ```
    pub fn threads_used(&self) -> usize {
        self.threads
    }

    /// The as-of date.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::BulkOptions;
    /// let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// assert_eq!(BulkOptions::new(d).as_of(), d);
    /// ```
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    fn ctx<'p>(&self, projects: &'p ProjectTable) -> Ctx<'p> {
        let window = match self.year {
            YearRule::Any => None,
            YearRule::Fixed(y) => Some(Window::Fiscal(y)),
            YearRule::OfAsOf => Some(Window::of(self.as_of)),
        };
        Ctx {
            as_of: self.as_of,
            window,
            projects: (!projects.is_empty()).then_some(projects),
        }
    }
}

/// Which rows' dates are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YearRule {
    /// The fiscal year of the as-of date (the default).
    OfAsOf,
    /// A given fiscal year.
    Fixed(FiscalYear),
    /// Any date.
    Any,
}

/// Streams CSV inputs into exact totals (批量汇总器).
///
/// Each `read_*` call reads one whole input with [`BulkOptions::threads_used`] workers and
/// adds it to the totals, or fails and adds nothing. Inputs may come in any order and any
/// number (several expenditure files, say).
///
/// Expenditures are checked against the projects read before them, as the ledger checks
/// them: each must name a known project of its own county and category that is in the
/// project pool, and project ids must not repeat. Allocation ids and expenditure ids must
/// not repeat either, across every input the aggregator reads (each table on its own; ids
/// of rows after the as-of date included): reading a file twice is a
/// [`InputErrorKind::DuplicateId`] error naming the line, not doubled totals. Numeric ids
/// below 2³² cost a bit each; other ids are kept as text. Read projects first; an aggregator that
/// has read no projects (a worker summing a shard of expenditures, say) does not check
/// references. Rows dated after the as-of date are not counted and not checked.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions};
///
/// let csv = "id,date,county_code,source,category,amount_yuan\n\
///            1,2025-01-05,450521,central,industry,100.00\n\
///            2,2025-01-06,450521,central,industry,0.01\n";
/// let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
/// agg.read_allocations("allocations.csv", csv.as_bytes())?;
/// let bad = "id,date,county_code,source,category,amount_yuan\n3,2025-01-07,450521,centre,industry,5.00\n";
/// assert!(agg.read_allocations("more.csv", bad.as_bytes()).is_err());
/// let partials = agg.into_partials();
/// assert_eq!(partials.rows().allocations(), 2);
/// # Ok::<(), fundtrack::import::InputError>(())
/// ```
pub struct Aggregator {
    options: BulkOptions,
    acc: Acc,
    projects: ProjectTable,
    /// Allocation ids read so far.
    allocation_ids: IdSet,
    /// Expenditure ids read so far.
    expenditure_ids: IdSet,
}

impl Aggregator {
    /// An empty aggregator.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// let agg = Aggregator::new(BulkOptions::new(d));
    /// assert!(agg.into_partials().execution(d).unwrap().total().allocated().is_zero());
    /// ```
    pub fn new(options: BulkOptions) -> Self {
        Aggregator {
            options,
            acc: Acc::new(),
            projects: ProjectTable::default(),
            allocation_ids: IdSet::default(),
            expenditure_ids: IdSet::default(),
        }
    }

    /// Reads an allocations CSV (`id,date,county_code,source,category,amount_yuan`);
    /// `name` labels it in errors.
    ///
    /// # Errors
    ///
    /// An [`InputError`] naming the input, the line and the column of the first bad row, a bad header, a
    /// read failure or an overflow; the totals are then unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// let mut agg = Aggregator::new(BulkOptions::new(d));
    /// agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// assert_eq!(agg.into_partials().rows().allocations(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn read_allocations<R: Read + Send>(
        &mut self,
        name: &str,
        input: R,
    ) -> Result<(), InputError> {
        self.read(Table::Allocations, name, input, true)
    }

    /// Reads a projects CSV (`id,county_code,category,planned_investment_yuan,status`).
    ///
    /// # Errors
    ///
    /// As [`Aggregator::read_allocations`].
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// let mut agg = Aggregator::new(BulkOptions::new(d));
    /// agg.read_projects("projects.csv", p.as_bytes())?;
    /// assert_eq!(agg.into_partials().rows().projects(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn read_projects<R: Read + Send>(
        &mut self,
        name: &str,
        input: R,
    ) -> Result<(), InputError> {
        self.read(Table::Projects, name, input, true)
    }

    /// Reads a projects CSV only as the projects expenditures may refer to, adding nothing
    /// to the totals: for the workers of a sharded run, which all check references while one
    /// of them ([`Aggregator::read_projects`]) counts planned investment.
    ///
    /// # Errors
    ///
    /// As [`Aggregator::read_projects`].
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// let mut worker = Aggregator::new(BulkOptions::new(d));
    /// worker.read_project_references("projects.csv", p.as_bytes())?;
    /// worker.read_expenditures("expenditures-part-7.csv", e.as_bytes())?;
    /// let partials = worker.into_partials();
    /// assert_eq!(partials.rows().projects(), 0);
    /// assert!(partials.execution(d).unwrap().total().planned().unwrap().is_zero());
    /// let bad = "id,date,project_id,county_code,source,category,amount_yuan\n2,2025-02-05,8,450521,central,industry,1.00\n";
    /// let mut worker = Aggregator::new(BulkOptions::new(d));
    /// worker.read_project_references("projects.csv", p.as_bytes())?;
    /// assert!(worker.read_expenditures("expenditures-part-8.csv", bad.as_bytes()).is_err());
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn read_project_references<R: Read + Send>(
        &mut self,
        name: &str,
        input: R,
    ) -> Result<(), InputError> {
        self.read(Table::Projects, name, input, false)
    }

    /// Reads an expenditures CSV
    /// (`id,date,project_id,county_code,source,category,amount_yuan`).
    ///
    /// # Errors
    ///
    /// As [`Aggregator::read_allocations`].
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = fundtrack::doctest::as_of();
    /// # use fundtrack::doctest::{ALLOCATIONS as a, EXPENDITURES as e, PROJECTS as p};
    /// let mut agg = Aggregator::new(BulkOptions::new(d));
    /// agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// assert_eq!(agg.into_partials().rows().expenditures(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn read_expenditures<R: Read + Send>(
        &mut self,
        name: &str,
        input: R,
    ) -> Result<(), InputError> {
        self.read(Table::Expenditures, name, input, true)
    }

    fn read<R: Read + Send>(
        &mut self,
        table: Table,
        name: &str,
        input: R,
        add_sums: bool,
    ) -> Result<(), InputError> {
        let o = &self.options;
        let ctx = o.ctx(&self.projects);
        let no_ids = IdSet::default();
        let prior = match table {
            Table::Allocations => &self.allocation_ids,
            Table::Expenditures => &self.expenditure_ids,
            Table::Projects => &no_ids,
        };
        let (accs, ids) = stream::run(input, name, table, &ctx, prior, o.threads, o.buffer_size)?;
        let at = || Location::new(name);
        let overflow = || InputError::new(at(), InputErrorKind::Overflow);
        // Merge the workers into one, then check before touching the totals.
        let mut accs = accs.into_iter();
        // No worker: nothing read.
        let mut merged = accs.next().unwrap_or_else(Acc::new);
        for a in accs {
            if !merged.can_absorb(&a) {
                return Err(overflow());
            }
            merged.absorb(a).map_err(|k| InputError::new(at(), k))?;
        }
        if !self.acc.can_absorb(&merged) {
            return Err(overflow());
        }
        if merged.projects.is_empty() {
            self.acc
                .absorb(merged)
                .map_err(|k| InputError::new(at(), k))?;
            match table {
                Table::Allocations => self.allocation_ids.absorb(ids),
                Table::Expenditures => self.expenditure_ids.absorb(ids),
                Table::Projects => {}
            }
            return Ok(());
        }
        let mut projects = self.projects.clone();
        projects
            .extend(&std::mem::take(&mut merged.projects))
            .map_err(|id| {
                InputError::new(at().column("id"), InputErrorKind::DuplicateProject { id })
            })?;
        if add_sums {
            self.acc
                .absorb(merged)
                .map_err(|k| InputError::new(at(), k))?;
        }
        self.projects = projects;
        Ok(())
    }

    /// The totals read so far.
    ///
    /// # Example
    ///
    /// ```
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().allocations(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn into_partials(self) -> Partials {
        let counts = self.acc.counts;
        Partials::from_sums(self.options.as_of, self.acc.into_sums(), counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
    }

    const EXP: &str = "id,date,project_id,county_code,source,category,amount_yuan\n";

    fn exp_rows(n: usize) -> String {
        let mut s = String::from(EXP);
        for i in 0..n {
            let county = 110_101 + i % 7;
            let source = ["central", "provincial", "city", "county"][i % 4];
            let cat = ["industry", "other", "yulu_plan"][i % 3];
            let (month, day, units, cents) = (1 + i % 9, i % 10, i % 1000 + 1, i % 100);
            writeln!(
                s,
                "{i},2025-0{month}-1{day},{i},{county},{source},{cat},{units}.{cents:02}"
            )
            .unwrap();
        }
        s
    }

    fn read(text: &str, threads: usize, buffer: usize) -> Result<Partials, InputError> {
        let mut agg = Aggregator::new(
            BulkOptions::new(as_of())
                .threads(threads)
                .buffer_size(buffer),
        );
        agg.read_expenditures("expenditures.csv", text.as_bytes())?;
        Ok(agg.into_partials())
    }

    #[test]
    fn threads_and_buffer_sizes_do_not_change_totals() {
        let text = exp_rows(5_000);
        let one = read(&text, 1, 1 << 20).unwrap();
        for (threads, buffer) in [(2, 4096), (3, 5000), (4, 1 << 16)] {
            assert_eq!(read(&text, threads, buffer).unwrap(), one);
        }
        assert_eq!(one.rows().expenditures() + one.rows().after_as_of(), 5_000);
    }

    #[test]
    fn the_first_bad_line_is_reported_whatever_the_chunking() {
        let mut text = exp_rows(3_000);
        text.push_str("x,2025-01-01,1,110101,central,industry,1.234\n");
        text.push_str(&exp_rows(3_000)[EXP.len()..]);
        text.push_str("y,2025-01-01,1,110101,central,industy,1.23\n");
        for (threads, buffer) in [(1, 1 << 20), (2, 4096), (3, 4096)] {
            let err = read(&text, threads, buffer).unwrap_err();
            assert_eq!(err.line(), Some(3_002), "{threads} {buffer}");
            assert_eq!(err.column(), Some("amount_yuan"));
        }
    }

    #[test]
    fn last_line_without_line_end_and_crlf() {
        let text = format!(
            "{}1,2025-01-01,1,110101,central,industry,1.50\r\n2,2025-01-02,1,110101,central,industry,2",
            EXP.replace('\n', "\r\n")
        );
        let p = read(&text, 2, 4096).unwrap();
        let report = p.execution(p.as_of()).unwrap();
        assert_eq!(report.total().spent(), crate::Money::from_fen(350));
    }

    #[test]
    fn field_count_is_checked() {
        let text = format!("{EXP}1,2025-01-01,1,110101,central,industry,1.50,9\n");
        let err = read(&text, 1, 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expenditures.csv line 2: 8 fields, but the header has 7"
        );
        let text = format!("{EXP}1,2025-01-01,1,110101\n");
        let err = read(&text, 1, 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expenditures.csv line 2: 4 fields, but the header has 7"
        );
    }
}
