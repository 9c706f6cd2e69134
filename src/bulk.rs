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
//! as-of date is checked in full (its verdict never depends on the as-of date) and not counted.
//!
//! As in the ledger, allocation ids and expenditure ids must not repeat (within one
//! [`Aggregator`]: a file read twice is an error, not doubled figures), an expenditure must
//! name a project read before it, of its own county and category and in the project pool,
//! project ids must not repeat (see [`Aggregator`]), and spending must stay within the
//! money allocated ([`SpendingCheck`]: by default no expenditure before its bucket's first
//! allocation and year totals within allocations; at every date on request). Lines are at
//! most 1 MiB, headers 64 KiB, fields 256 bytes.
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
//! dates      the one calendar: YYYY-MM-DD → NaiveDate, Day, window    (none)
//! limits     the spending check: periods, cells, totals               (none)
//! schema     the three input schemas, the header check               (none)
//! projects   the project table: ProjectKey, ProjectEntry             ids
//! sums       buckets, CountySums, Counts, the accumulator Acc        dates, limits, projects
//! ctx        what a read checks rows against                         dates, limits, projects
//! fields     line splitting, the general field parsers               dates, sums
//! rows       the general row parsers                                 ctx, fields, projects, sums
//! fast       the fast path of each row                               ctx, dates, fields, ids, projects,
//!                                                                    sums
//! chunk      the row loop of one chunk                               ctx, dates, fast, fields, ids,
//!                                                                    limits, rows, sums
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
mod limits;
mod partials;
mod projects;
mod rows;
mod schema;
mod stream;
mod sums;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;

pub use partials::{Partials, RowCounts};

use crate::FiscalYear;
use crate::import::{InputError, InputErrorKind, Location};
use ctx::Ctx;
use dates::Window;
use ids::IdSet;
use limits::{Grant, Limits, Mark, Spend, Spent};
use projects::{ProjectItem, ProjectTable};
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
    overspending: Overspending,
    spending_check: SpendingCheck,
}

/// How finely spending is checked against the money allocated (超支检查的粒度), per
/// (county, fund level, category) bucket, counting every row whatever the as-of date.
///
/// The ledger checks that money spent by each date is within money allocated by that
/// date. [`SpendingCheck::EveryDate`] is that check; it keeps one sum per period between
/// allocation dates (about 24 bytes × (allocations + 20 × counties) per worker), one more
/// random memory access per expenditure and 24 bytes per expenditure row read (to name
/// where spending first passes the money in place), so it is not the default. The default,
/// [`SpendingCheck::Totals`], is the exact weaker rule: no expenditure is dated before its
/// bucket's first allocation, and a bucket's spending over all dates is within its
/// allocations over all dates. A file that passes `EveryDate` passes `Totals`; one that
/// overspends between two allocation dates and not in total passes `Totals` only.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions, SpendingCheck};
///
/// let a = "id,date,county_code,source,category,amount_yuan\n\
///          1,2025-01-05,450521,central,industry,1000.00\n\
///          2,2025-05-05,450521,central,industry,1000.00\n";
/// // 1,500.00 spent in March against 1,000.00 in place then; 2,000.00 by the year end.
/// let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-03-01,7,450521,central,industry,1500.00\n";
/// let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
/// let read = |check| {
///     let mut agg = Aggregator::new(BulkOptions::new(d).spending_check(check));
///     agg.read_allocations("allocations.csv", a.as_bytes())?;
///     agg.read_expenditures("expenditures.csv", e.as_bytes())
/// };
/// assert!(read(SpendingCheck::Totals).is_ok());
/// assert_eq!(read(SpendingCheck::EveryDate).unwrap_err().to_string(), "expenditures.csv line 2 column amount_yuan: spending in 450521 central industry reaches 1500.00元 by 2025-03-01, beyond the 1000.00元 allocated by then");
/// # Ok::<(), fundtrack::import::InputError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpendingCheck {
    /// No expenditure before its bucket's first allocation; spending over all dates within
    /// allocations over all dates (the default).
    #[default]
    Totals,
    /// Spent ≤ allocated at every date, as the ledger checks.
    EveryDate,
}

/// What spending beyond the money in place is (超支): an error (the default, as in the
/// ledger) or a warning ([`Aggregator::warnings`]).
///
/// Spending is checked per (county, fund level, category) bucket, counting every row
/// whatever the as-of date, as finely as [`SpendingCheck`] says, once an allocations input
/// was read (a worker that reads none, summing a shard, does not check). The error names
/// the bucket; with [`SpendingCheck::EveryDate`] also the first date on which it is
/// overspent (rows taken by date then line) and the line of the read's last row on or
/// before it, as the ledger names them (see [`InputErrorKind::Overspent`]).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions, Overspending};
///
/// let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,1000.00\n";
/// let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-03-01,7,450521,central,industry,5000.00\n";
/// let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
/// let mut agg = Aggregator::new(BulkOptions::new(d));
/// agg.read_allocations("allocations.csv", a.as_bytes())?;
/// let err = agg.read_expenditures("expenditures.csv", e.as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "expenditures.csv: spending in 450521 central industry totals 5000.00元, beyond the 1000.00元 allocated in all (read with SpendingCheck::EveryDate for the date and line)");
///
/// let mut agg = Aggregator::new(BulkOptions::new(d).overspending(Overspending::Warn));
/// agg.read_allocations("allocations.csv", a.as_bytes())?;
/// agg.read_expenditures("expenditures.csv", e.as_bytes())?;
/// assert_eq!(agg.warnings().len(), 1);
/// # Ok::<(), fundtrack::import::InputError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overspending {
    /// The read fails (the default).
    #[default]
    Error,
    /// The read succeeds and [`Aggregator::warnings`] lists each overspent bucket once.
    Warn,
}

impl BulkOptions {
    /// Counts rows dated on or before `as_of`; rows must fall in the fiscal year of `as_of`
    /// ([`FiscalYear::of`]); 2 worker threads, 1 MiB buffers.
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
            buffer_size: 1 << 20,
            overspending: Overspending::Error,
            spending_check: SpendingCheck::Totals,
        }
    }

    /// How finely spending is checked ([`SpendingCheck`]; by default
    /// [`SpendingCheck::Totals`]).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::bulk::{BulkOptions, SpendingCheck};
    /// # let d = fundtrack::doctest::as_of();
    /// let options = BulkOptions::new(d).spending_check(SpendingCheck::EveryDate);
    /// assert_eq!(options.spending_check_used(), SpendingCheck::EveryDate);
    /// ```
    #[must_use]
    pub fn spending_check(mut self, check: SpendingCheck) -> Self {
        self.spending_check = check;
        self
    }

    /// How finely spending is checked.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::bulk::{BulkOptions, SpendingCheck};
    /// # let d = fundtrack::doctest::as_of();
    /// assert_eq!(BulkOptions::new(d).spending_check_used(), SpendingCheck::Totals);
    /// ```
    pub fn spending_check_used(&self) -> SpendingCheck {
        self.spending_check
    }

    /// Whether spending beyond the money in place fails a read ([`Overspending::Error`],
    /// the default) or is a warning.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// use fundtrack::bulk::{BulkOptions, Overspending};
    /// # let d = fundtrack::doctest::as_of();
    /// let options = BulkOptions::new(d).overspending(Overspending::Warn);
    /// assert_eq!(options.overspending_rule(), Overspending::Warn);
    /// ```
    #[must_use]
    pub fn overspending(mut self, rule: Overspending) -> Self {
        self.overspending = rule;
        self
    }

    /// What spending beyond the money in place is.
    ///
    /// # Example
    ///
    /// ```
    /// # use fundtrack::bulk::{BulkOptions, Overspending};
    /// # let d = fundtrack::doctest::as_of();
    /// assert_eq!(BulkOptions::new(d).overspending_rule(), Overspending::Error);
    /// ```
    pub fn overspending_rule(&self) -> Overspending {
        self.overspending
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

    /// The size of each worker's read buffer in bytes (4 KiB to 1 GiB; a line longer than
    /// the buffer grows it, up to the longest line read, 1 MiB).
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
        self.buffer_size = bytes.clamp(4096, 1 << 30);
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

    fn ctx<'p>(&self, projects: Option<&'p ProjectTable>, limits: Option<&'p Limits>) -> Ctx<'p> {
        let window = match self.year {
            YearRule::Any => None,
            YearRule::Fixed(y) => Some(Window::Fiscal(y)),
            YearRule::OfAsOf => Some(Window::of(self.as_of)),
        };
        Ctx {
            as_of: self.as_of,
            window,
            projects,
            limits,
            overspending_is_error: self.overspending == Overspending::Error,
            every_date: self.spending_check == SpendingCheck::EveryDate,
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
/// below 2³² cost a bit each; other ids are kept as text. Read projects and allocations first;
/// an aggregator that has read no projects input (a worker summing a shard of expenditures,
/// say) does not check references, and one that has read no allocations input does not
/// check spending. Rows dated after the as-of date are checked in full and not counted.
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
    /// Whether a projects input was read (even one with no rows): references are checked.
    projects_read: bool,
    /// Allocation ids read so far.
    allocation_ids: IdSet,
    /// Expenditure ids read so far.
    expenditure_ids: IdSet,
    /// Project ids read so far (the table holds them too; this set lets a read find a
    /// repeat of an earlier read's id in file order with its row errors).
    project_ids: IdSet,
    /// Allocations read, one list per worker and read (`Some` once an allocations input was
    /// read, even an empty one), until the first expenditures input turns them into
    /// `limits` (then `None` again).
    grants: Option<Vec<Vec<Grant>>>,
    /// The money in place per bucket and date, once expenditures are checked against it.
    limits: Option<Limits>,
    /// Spending per period so far ([`SpendingCheck::EveryDate`]); marks hold
    /// `read << 40 | line`.
    spend: Spend,
    /// Spending per bucket so far, all dates ([`SpendingCheck::Totals`]).
    spent_all: Spent,
    /// The name of each expenditures input read, by read number.
    inputs: Vec<Arc<str>>,
    /// Overspent buckets warned about.
    warned: HashSet<(u32, usize)>,
    warnings: Vec<InputError>,
    /// The reads' workers (their buffers kept from one read to the next).
    crew: stream::Crew,
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
            projects_read: false,
            allocation_ids: IdSet::default(),
            expenditure_ids: IdSet::default(),
            project_ids: IdSet::default(),
            grants: None,
            limits: None,
            spend: Spend::default(),
            spent_all: Spent::default(),
            inputs: Vec::new(),
            warned: HashSet::new(),
            warnings: Vec::new(),
            crew: stream::Crew {
                threads: options.threads,
                cap: options.buffer_size,
                buffers: Vec::new(),
                slots: Vec::new(),
            },
        }
    }

    /// What reads met and let pass as warnings: overspent buckets under
    /// [`Overspending::Warn`], each once, in the order met.
    ///
    /// # Example
    ///
    /// ```
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// assert!(agg.warnings().is_empty());
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn warnings(&self) -> &[InputError] {
        &self.warnings
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
        let at = || Location::new(name);
        if table == Table::Expenditures && self.limits.is_none() {
            self.set_limits();
        }
        let o = self.options;
        let ctx = o.ctx(
            self.projects_read.then_some(&self.projects),
            self.limits.as_ref(),
        );
        let prior = match table {
            Table::Allocations => &self.allocation_ids,
            Table::Expenditures => &self.expenditure_ids,
            Table::Projects => &self.project_ids,
        };
        let (accs, ids, lines) = stream::run(input, name, table, &ctx, prior, &mut self.crew)?;
        // Merge the workers into one, then check before touching the totals.
        let totals = self
            .limits
            .as_ref()
            .filter(|_| table == Table::Expenditures && o.spending_check == SpendingCheck::Totals);
        let Merged {
            acc: mut merged,
            projects,
            mut grants,
            spend,
            orphans,
            this_read,
        } = Merged::of(
            accs,
            self.inputs.len() as u64,
            &lines,
            totals,
            &mut self.crew.slots,
        )
        .map_err(|k| InputError::new(at(), k))?;
        let mut overflow = merged.overflow();
        if overflow.is_none() && add_sums {
            overflow = self.acc.check_absorb(&merged).err();
        }
        if let Some(kind) = overflow.take_if(|_| table != Table::Expenditures) {
            return Err(self.located_overflow(table, name, kind, &grants, &projects, &lines));
        }
        if table == Table::Allocations && self.limits.is_some() {
            // Spending was checked against the allocations before; these come too late.
            return Err(InputError::new(
                at(),
                InputErrorKind::AllocationsAfterExpenditures,
            ));
        }
        if table == Table::Projects {
            self.add_projects(name, &projects, &lines)?;
        }
        let mut warnings = Vec::new();
        let mut spent_all = None;
        let mut spend_total = None;
        if table == Table::Expenditures {
            if let Some(limits) = &self.limits {
                (warnings, spent_all, spend_total) =
                    self.spending(limits, name, &orphans, spend, &this_read)?;
            }
            self.inputs.push(name.into());
        }
        if let Some(kind) = overflow {
            // Spending within the money in place cannot pass the limit: only reached when
            // spending is not checked (no allocations read) or only warned about.
            return Err(InputError::new(at().column("amount_yuan"), kind));
        }
        // Nothing fails from here on.
        self.crew.slots.push(merged.release_slot());
        if add_sums {
            self.acc
                .absorb(merged)
                .map_err(|k| InputError::new(at(), k))?;
        }
        match table {
            Table::Allocations => {
                self.allocation_ids.absorb(ids);
                self.grants.get_or_insert_default().append(&mut grants);
            }
            Table::Expenditures => self.expenditure_ids.absorb(ids),
            Table::Projects => self.project_ids.absorb(ids),
        }
        if let Some(all) = spent_all {
            self.spent_all = all;
        }
        if let Some(mut total) = spend_total {
            // The sums of every read so far, and the rows of each, kept in their blocks.
            self.spend.cells = total.cells;
            self.spend.rows.append(&mut total.rows);
        }
        for (key, w) in warnings {
            self.warned.insert(key);
            self.warnings.push(w);
        }
        Ok(())
    }

    /// Fixes the money in place from the allocations read, before the first expenditure.
    fn set_limits(&mut self) {
        if let Some(grants) = self.grants.take() {
            self.limits = Some(match self.options.spending_check {
                SpendingCheck::EveryDate => Limits::new(grants.concat()),
                SpendingCheck::Totals => Limits::totals(
                    grants.iter().flatten(),
                    self.crew.slots.pop().unwrap_or_default(),
                ),
            });
        }
    }

    /// Puts the projects of a read in the table. The read's id log has found every repeat
    /// already (within the read and against earlier reads, in file order), so the table
    /// meets none; if it did (the id set and the table disagreeing on an id), that is still
    /// an error naming the repeat, and the table is left as it was.
    fn add_projects(
        &mut self,
        name: &str,
        projects: &[Vec<ProjectItem>],
        lines: &stream::Lines,
    ) -> Result<(), InputError> {
        let added = self.projects.extend(projects.iter().flatten());
        debug_assert!(added.is_ok(), "the id log finds every repeated project id");
        added.map_err(|(i, id)| {
            let mut at = Location::new(name).column("id");
            if let Some(p) = projects.iter().flatten().nth(i) {
                at = at.line(lines.line(p.2));
            }
            InputError::new(at, InputErrorKind::DuplicateProject { id })
        })?;
        self.projects_read = true;
        Ok(())
    }

    /// An overflow of allocations or planned investment, at the first row in file order
    /// whose bucket's sum passes the limit.
    fn located_overflow(
        &self,
        table: Table,
        name: &str,
        kind: InputErrorKind,
        grants: &[Vec<Grant>],
        projects: &[Vec<ProjectItem>],
        lines: &stream::Lines,
    ) -> InputError {
        let pos = match table {
            Table::Allocations => first_past(
                grants
                    .iter()
                    .flatten()
                    .filter(|g| g.counted())
                    .map(|g| (g.pos, g.code(), g.bucket(), g.fen)),
                |c, b| self.acc.sum_of(c, b, false),
            ),
            _ => first_past(
                projects
                    .iter()
                    .flatten()
                    .filter(|p| p.1.pooled())
                    .map(|p| (p.2, p.1.code(), p.1.category(), p.3)),
                |c, b| self.acc.sum_of(c, b, true),
            ),
        };
        let column = table.column(if table == Table::Allocations { 5 } else { 3 });
        let mut at = Location::new(name).column(column.unwrap_or("amount_yuan"));
        if let Some(pos) = pos {
            at = at.line(lines.line(pos));
        }
        InputError::new(at, kind)
    }

    /// The spending check after a read of expenditures: what the read breaks (an error, or
    /// warnings with their buckets) and the new per-bucket totals or period sums to keep
    /// when the read succeeds.
    #[allow(clippy::type_complexity)] // three results of one check, named at the call
    fn spending(
        &self,
        limits: &Limits,
        name: &str,
        orphans: &HashMap<(u32, u8), Mark>,
        spend: Spend,
        this_read: &Spent,
    ) -> Result<
        (
            Vec<((u32, usize), InputError)>,
            Option<Spent>,
            Option<Spend>,
        ),
        InputError,
    > {
        let o = self.options;
        let at = || Location::new(name);
        let mut warnings = Vec::new();
        let mut spent_all = None;
        let mut spend_total = None;
        let names = |pos: u64| -> (Arc<str>, u64) {
            let read = usize::try_from(pos >> 40).unwrap_or(usize::MAX);
            let input = self
                .inputs
                .get(read)
                .cloned()
                .unwrap_or_else(|| name.into());
            (input, pos & ((1 << 40) - 1))
        };
        // (mark, bucket, what): marked ones first by date and position, then the
        // rest by bucket.
        let mut found: Vec<(Option<Mark>, (u32, usize), InputErrorKind)> = Vec::new();
        for ((code, b), m) in orphans {
            let bucket = usize::from(*b);
            let first = limits.first_day(*code, bucket);
            let (name, date) = (chunk::bucket_name(*code, bucket), chunk::day_date(m.day));
            let kind = if first == i32::MAX {
                InputErrorKind::NothingAllocated { bucket: name, date }
            } else {
                InputErrorKind::SpentBeforeAllocation {
                    bucket: name,
                    date,
                    first: chunk::day_date(first),
                }
            };
            found.push((Some(*m), (*code, bucket), kind));
        }
        if o.spending_check == SpendingCheck::EveryDate {
            // Earlier reads' sums and this read's; the rows stay where they are.
            let mut total = Spend {
                cells: self.spend.cells.clone(),
                rows: Vec::new(),
            };
            total.absorb(spend, |p| p);
            let rows = self.spend.rows.iter().chain(&total.rows).flatten();
            let read = self.inputs.len() as u64;
            found.extend(first_overspending(limits, &total, rows, read));
            spend_total = Some(total);
        } else {
            let mut all = self.spent_all.clone();
            all.absorb(this_read);
            // The buckets this read spent in (`found` is sorted below).
            for (code, bucket, _) in this_read.buckets(limits) {
                let spent = all.get(limits, code, bucket);
                let allocated = limits.total(code, bucket);
                if spent == i64::MAX {
                    // Sums stop there: spending this large cannot be checked exactly, so it
                    // is an error however much is allocated (rows after the as-of date are
                    // in this sum and in no other overflow check).
                    return Err(InputError::new(
                        at().column("amount_yuan"),
                        InputErrorKind::SumOverflow {
                            what: "spent sum",
                            bucket: chunk::bucket_name(code, bucket),
                        },
                    ));
                }
                if spent > allocated {
                    let kind = InputErrorKind::OverspentTotal {
                        bucket: chunk::bucket_name(code, bucket),
                        spent: crate::Money::from_fen(spent),
                        allocated: crate::Money::from_fen(allocated),
                    };
                    found.push((None, (code, bucket), kind));
                }
            }
            spent_all = Some(all);
        }
        found.sort_by_key(|(m, k, _)| (m.is_none(), m.map(|m| (m.day, m.pos)), *k));
        let mut this_read_warned = HashSet::new();
        for (m, key, kind) in found {
            // Each bucket once: the first of its findings (by date and line), in this read
            // or an earlier one.
            if self.warned.contains(&key) || !this_read_warned.insert(key) {
                continue;
            }
            let at = match m {
                Some(m) => {
                    let (input, line) = names(m.pos);
                    let column = match kind {
                        InputErrorKind::Overspent { .. } => "amount_yuan",
                        _ => "county_code",
                    };
                    Location::new(input).line(line).column(column)
                }
                None => at(),
            };
            let err = InputError::new(at, kind);
            if o.overspending == Overspending::Error {
                return Err(err);
            }
            warnings.push((key, err));
        }
        Ok((warnings, spent_all, spend_total))
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

/// The workers of one read merged: sums, projects and grants with their positions, spending
/// per period and orphan rows with positions in the aggregator's form (`read << 40 | line`),
/// and (checking totals) spending per bucket.
struct Merged {
    acc: Acc,
    /// One list per worker.
    projects: Vec<Vec<ProjectItem>>,
    /// One list per worker.
    grants: Vec<Vec<Grant>>,
    spend: Spend,
    orphans: HashMap<(u32, u8), Mark>,
    this_read: Spent,
}

impl Merged {
    /// Merges the workers' accumulators; their code tables go to `slots`, and the merged
    /// accumulator takes one from there.
    fn of(
        accs: Vec<Acc>,
        read_no: u64,
        lines: &stream::Lines,
        totals: Option<&Limits>,
        slots: &mut Vec<Vec<u32>>,
    ) -> Result<Merged, InputErrorKind> {
        let global = |pos: u64| (read_no << 40) | lines.line(pos);
        let mut m = Merged {
            acc: Acc::with_slot(slots.pop().unwrap_or_default()),
            projects: Vec::new(),
            grants: Vec::new(),
            spend: Spend::default(),
            orphans: HashMap::new(),
            this_read: Spent::default(),
        };
        for mut a in accs {
            if let Some(limits) = totals {
                for (code, b, fen) in a.spending() {
                    m.this_read.add(limits, code, usize::from(b), fen);
                }
            }
            // Each worker's list as it is: no copy into one.
            m.projects.push(std::mem::take(&mut a.projects));
            m.grants.push(std::mem::take(&mut a.grants));
            m.spend.absorb(std::mem::take(&mut a.spend), global);
            for (k, o) in a.orphans.drain() {
                let o = Mark {
                    day: o.day,
                    pos: global(o.pos),
                };
                let e = m.orphans.entry(k).or_insert(o);
                if (o.day, o.pos) < (e.day, e.pos) {
                    *e = o;
                }
            }
            slots.push(a.release_slot());
            m.acc.absorb(a)?;
        }
        Ok(m)
    }
}

/// The overspent buckets of read `read` checked at every date (`total`: the spending of
/// every read so far by period; `rows`: the rows of every read so far): each with its first
/// date past the money in place, the spending by then and the row to blame
/// ([`limits::Overspent::first_row_past`]).
fn first_overspending<'a>(
    limits: &Limits,
    total: &Spend,
    rows: impl Iterator<Item = &'a limits::SpendRow>,
    read: u64,
) -> Vec<(Option<Mark>, (u32, usize), InputErrorKind)> {
    let over = limits::overspent(limits, total);
    if over.is_empty() {
        return Vec::new();
    }
    // The rows of each overspent bucket's first overspent period.
    let at: HashMap<usize, usize> = over
        .iter()
        .enumerate()
        .map(|(i, v)| (v.period, i))
        .collect();
    let mut in_period: Vec<Vec<limits::SpendRow>> = vec![Vec::new(); over.len()];
    for r in rows {
        if let Some(list) = at
            .get(&(r.period as usize))
            .and_then(|&i| in_period.get_mut(i))
        {
            list.push(*r);
        }
    }
    over.into_iter()
        .zip(in_period)
        .map(|(v, mut list)| {
            // A bucket that earlier reads alone overspent was reported by them (as an
            // error, so no later read, or as a warning, given once): its latest row stands.
            let (mark, spent) = v
                .first_row_past(read, &mut list)
                .unwrap_or((v.mark, v.spent));
            let kind = InputErrorKind::Overspent {
                bucket: chunk::bucket_name(v.code, v.bucket),
                date: chunk::day_date(mark.day),
                spent: crate::Money::from_fen(spent),
                allocated: crate::Money::from_fen(v.allocated),
            };
            (Some(mark), (v.code, v.bucket), kind)
        })
        .collect()
}

/// The position of the first row (rows as (position, code, bucket, 分), any order) whose
/// bucket's running sum, from `prior(code, bucket)`, reaches `i64::MAX`.
fn first_past(
    rows: impl Iterator<Item = (u64, u32, usize, i64)>,
    prior: impl Fn(u32, usize) -> i64,
) -> Option<u64> {
    let mut rows: Vec<_> = rows.collect();
    rows.sort_unstable_by_key(|r| r.0);
    let mut sums: HashMap<(u32, usize), i64> = HashMap::new();
    for (pos, code, b, fen) in rows {
        let s = sums.entry((code, b)).or_insert_with(|| prior(code, b));
        *s = s.saturating_add(fen);
        if *s == i64::MAX {
            return Some(pos);
        }
    }
    None
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
    fn buffers_kept_from_a_failed_read_change_nothing() {
        let text = exp_rows(3_000);
        let fresh = read(&text, 2, 4096).unwrap();
        let mut agg = Aggregator::new(BulkOptions::new(as_of()).threads(2).buffer_size(4096));
        // One line of 10 KB grows a worker's buffer past 4 KiB; the read fails.
        let long = format!(
            "{EXP}1,2025-01-01,1,110101,central,industry,{}\n",
            "9".repeat(10_000)
        );
        assert!(agg.read_expenditures("long.csv", long.as_bytes()).is_err());
        agg.read_expenditures("expenditures.csv", text.as_bytes())
            .unwrap();
        assert_eq!(agg.into_partials(), fresh);
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
