//! Mergeable partial totals: what a shard of the input adds up to, before any rounding.

use chrono::NaiveDate;

use super::report::NationalReport;
use super::sums::{BUCKETS, CATEGORIES, Counts, CountySums};
use crate::import::{InputError as BulkError, InputErrorKind as Kind, Location};
use crate::{Category, FundLevel, Money, RegionCode};

/// One county's exact sums in 分 (县级分项合计): allocated and spent per (fund level,
/// category) bucket, and planned investment.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::{Category, FundLevel, Money};
/// use fundtrack::bulk::{Aggregator, BulkOptions};
///
/// let csv = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,city,other,10.00\n";
/// let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
/// agg.read_allocations("allocations.csv", csv.as_bytes())?;
/// let partials = agg.into_partials();
/// let county = &partials.counties()[0];
/// assert_eq!(county.code().to_string(), "450521");
/// assert_eq!(county.allocated(FundLevel::City, &Category::Other), Some(Money::from_fen(1000)));
/// assert_eq!(county.spent(FundLevel::City, &Category::Other), Some(Money::ZERO));
/// # Ok::<(), fundtrack::bulk::BulkError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CountyTotals {
    code: RegionCode,
    /// Allocated 分 per bucket, index `level * 5 + category`.
    allocated_fen: [i64; BUCKETS],
    /// Spent 分 per bucket.
    spent_fen: [i64; BUCKETS],
    /// Planned investment 分 of all the county's projects.
    planned_fen: i64,
}

fn bucket(level: FundLevel, category: &Category) -> Option<usize> {
    Some(level.index() * CATEGORIES + category.built_in_index()?)
}

impl CountyTotals {
    #[allow(clippy::needless_pass_by_value)] // built from sums that are used up
    fn from_sums(s: CountySums) -> Self {
        CountyTotals {
            code: s.code,
            allocated_fen: s.allocated,
            spent_fen: s.spent,
            planned_fen: s.planned,
        }
    }

    fn to_sums(&self) -> CountySums {
        CountySums {
            code: self.code,
            allocated: self.allocated_fen,
            spent: self.spent_fen,
            planned: self.planned_fen,
        }
    }

    /// The county's region code.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.counties()[0].code().to_string(), "450521");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn code(&self) -> RegionCode {
        self.code
    }

    /// Allocated money of one bucket, or `None` for a custom category (the bulk path counts
    /// the 5 built-in categories).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// use fundtrack::{Category, FundLevel};
    /// let c = &partials.counties()[0];
    /// assert_eq!(c.allocated(FundLevel::Central, &Category::Industry).unwrap().to_string(), "300.00元");
    /// assert!(c.allocated(FundLevel::Central, &Category::custom("以工代赈").unwrap()).is_none());
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn allocated(&self, level: FundLevel, category: &Category) -> Option<Money> {
        self.allocated_fen
            .get(bucket(level, category)?)
            .copied()
            .map(Money::from_fen)
    }

    /// Spent money of one bucket, or `None` for a custom category.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// use fundtrack::{Category, FundLevel};
    /// let c = &partials.counties()[0];
    /// assert_eq!(c.spent(FundLevel::Central, &Category::Industry).unwrap().to_string(), "100.00元");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn spent(&self, level: FundLevel, category: &Category) -> Option<Money> {
        self.spent_fen
            .get(bucket(level, category)?)
            .copied()
            .map(Money::from_fen)
    }

    /// Planned investment of all the county's projects (any status, no date filter).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.counties()[0].planned_investment().to_string(), "450.00元");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn planned_investment(&self) -> Money {
        Money::from_fen(self.planned_fen)
    }

    pub(crate) fn allocated_fen(&self) -> &[i64; BUCKETS] {
        &self.allocated_fen
    }

    pub(crate) fn spent_fen(&self) -> &[i64; BUCKETS] {
        &self.spent_fen
    }

    pub(crate) fn planned_fen(&self) -> i64 {
        self.planned_fen
    }
}

/// Rows a bulk read counted (读取行数).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions};
///
/// let csv = "id,date,project_id,county_code,source,category,amount_yuan\n\
///            1,2025-01-05,7,450521,city,other,10.00\n\
///            2,2025-08-05,7,450521,city,other,10.00\n";
/// let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
/// agg.read_expenditures("expenditures.csv", csv.as_bytes())?;
/// let rows = agg.into_partials().rows();
/// assert_eq!((rows.expenditures(), rows.after_as_of()), (1, 1));
/// # Ok::<(), fundtrack::bulk::BulkError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RowCounts {
    allocations: u64,
    projects: u64,
    expenditures: u64,
    after_as_of: u64,
}

impl RowCounts {
    fn from_counts(c: Counts) -> Self {
        RowCounts {
            allocations: c.allocations,
            projects: c.projects,
            expenditures: c.expenditures,
            after_as_of: c.skipped,
        }
    }

    fn to_counts(self) -> Counts {
        Counts {
            allocations: self.allocations,
            projects: self.projects,
            expenditures: self.expenditures,
            skipped: self.after_as_of,
        }
    }

    /// Allocation rows dated on or before the as-of date.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().allocations(), 1);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn allocations(self) -> u64 {
        self.allocations
    }

    /// Project rows (all of them: projects have no date).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().projects(), 1);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn projects(self) -> u64 {
        self.projects
    }

    /// Expenditure rows dated on or before the as-of date.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().expenditures(), 1);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn expenditures(self) -> u64 {
        self.expenditures
    }

    /// Allocation and expenditure rows dated after the as-of date (read, not counted).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().after_as_of(), 0);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn after_as_of(self) -> u64 {
        self.after_as_of
    }
}

/// Exact, mergeable partial totals as of a date (部分合计): per county, per (fund level,
/// category) bucket, allocated and spent 分, plus planned investment.
///
/// Merging adds integers, so it is associative and commutative: shards of the input may be
/// read anywhere (threads, processes, the workers of another engine), serialised, and merged
/// in any grouping and order into the same totals. Rounding happens once, in
/// [`Partials::report`]. Counties are kept sorted by code, so equal totals are equal values
/// and serialise to the same bytes.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions};
///
/// let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
/// let head = "id,date,project_id,county_code,source,category,amount_yuan\n";
/// let mut a = Aggregator::new(BulkOptions::new(as_of));
/// a.read_expenditures("part-0.csv", format!("{head}1,2025-01-05,7,450521,city,other,10.00\n").as_bytes())?;
/// let mut b = Aggregator::new(BulkOptions::new(as_of));
/// b.read_expenditures("part-1.csv", format!("{head}2,2025-02-05,7,450521,city,other,0.05\n").as_bytes())?;
///
/// let mut total = a.into_partials();
/// total.merge(&b.into_partials())?;
/// let report = total.report();
/// assert_eq!(report.overall().map(|r| r.spent().to_string()), Some("10.05元".to_owned()));
/// # Ok::<(), fundtrack::bulk::BulkError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "wire::PartialsWire"))]
pub struct Partials {
    as_of: NaiveDate,
    counties: Vec<CountyTotals>,
    rows: RowCounts,
}

impl Partials {
    /// Empty totals as of `as_of` (inclusive).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use fundtrack::bulk::Partials;
    ///
    /// let p = Partials::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
    /// assert!(p.counties().is_empty());
    /// assert!(p.report().rows().is_empty());
    /// ```
    pub fn new(as_of: NaiveDate) -> Self {
        Partials {
            as_of,
            counties: Vec::new(),
            rows: RowCounts::default(),
        }
    }

    pub(crate) fn from_sums(as_of: NaiveDate, mut sums: Vec<CountySums>, counts: Counts) -> Self {
        sums.sort_unstable_by_key(|c| c.code);
        Partials {
            as_of,
            counties: sums.into_iter().map(CountyTotals::from_sums).collect(),
            rows: RowCounts::from_counts(counts),
        }
    }

    /// The as-of date the rows were filtered by.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::Partials;
    /// let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// assert_eq!(Partials::new(d).as_of(), d);
    /// ```
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The counties seen, in code order.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.counties().len(), 1);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn counties(&self) -> &[CountyTotals] {
        &self.counties
    }

    /// The rows counted.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// let rows = partials.rows();
    /// assert_eq!((rows.allocations(), rows.projects(), rows.expenditures()), (1, 1, 1));
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn rows(&self) -> RowCounts {
        self.rows
    }

    /// Adds `other` into `self` (合并). All or nothing: on error `self` is unchanged.
    ///
    /// # Errors
    ///
    /// [`BulkErrorKind::AsOfMismatch`](super::BulkErrorKind::AsOfMismatch) when the two
    /// were filtered by different dates; [`BulkErrorKind::Overflow`](super::BulkErrorKind::Overflow)
    /// when a sum leaves `i64` 分.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// let mut twice = partials.clone();
    /// twice.merge(&partials)?;
    /// assert_eq!(twice.counties()[0].planned_investment().to_string(), "900.00元");
    /// assert!(twice.merge(&fundtrack::bulk::Partials::new(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())).is_err());
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn merge(&mut self, other: &Partials) -> Result<(), BulkError> {
        let err = |kind| BulkError::new(Location::new("partials"), kind);
        if self.as_of != other.as_of {
            return Err(err(Kind::AsOfMismatch {
                left: self.as_of,
                right: other.as_of,
            }));
        }
        let rows = self
            .rows
            .to_counts()
            .checked_add(other.rows.to_counts())
            .ok_or_else(|| err(Kind::Overflow))?;
        let mut out = Vec::with_capacity(self.counties.len().max(other.counties.len()));
        let mut left = self.counties.iter().peekable();
        let mut right = other.counties.iter().peekable();
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some(l), Some(r)) if l.code == r.code => {
                    let sum = l
                        .to_sums()
                        .checked_added(&r.to_sums())
                        .ok_or_else(|| err(Kind::Overflow))?;
                    left.next();
                    right.next();
                    Some(CountyTotals::from_sums(sum))
                }
                (Some(l), Some(r)) if l.code < r.code => left.next().cloned(),
                (Some(_) | None, Some(_)) => right.next().cloned(),
                (Some(_), None) => left.next().cloned(),
                (None, None) => break,
            }
            .ok_or_else(|| err(Kind::Overflow))?;
            out.push(next);
        }
        self.counties = out;
        self.rows = RowCounts::from_counts(rows);
        Ok(())
    }

    /// The national budget-execution report (全国预算执行报表) of these totals: bucket,
    /// county, source, category and overall rows with exact half-up rates.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let partials = agg.into_partials();
    /// let report = partials.report();
    /// assert_eq!(report.rows().len(), 5);
    /// assert_eq!(report.overall().unwrap().disbursement_rate().unwrap().to_string(), "33.33");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn report(&self) -> NationalReport {
        NationalReport::from_partials(self)
    }
}

#[cfg(feature = "serde")]
mod wire {
    use super::{CountyTotals, NaiveDate, Partials, RowCounts};

    /// The serialised shape, checked on the way in.
    #[derive(serde::Deserialize)]
    pub(super) struct PartialsWire {
        as_of: NaiveDate,
        counties: Vec<CountyTotals>,
        rows: RowCounts,
    }

    impl TryFrom<PartialsWire> for Partials {
        type Error = String;

        fn try_from(w: PartialsWire) -> Result<Partials, String> {
            if !w
                .counties
                .windows(2)
                .all(|p| matches!(p, [a, b] if a.code < b.code))
            {
                return Err("counties must be sorted by code without repeats".to_owned());
            }
            let negative = w.counties.iter().any(|c| {
                c.planned_fen < 0
                    || c.allocated_fen
                        .iter()
                        .chain(c.spent_fen.iter())
                        .any(|&v| v < 0)
            });
            if negative {
                return Err("sums must not be negative".to_owned());
            }
            Ok(Partials {
                as_of: w.as_of,
                counties: w.counties,
                rows: w.rows,
            })
        }
    }
}
