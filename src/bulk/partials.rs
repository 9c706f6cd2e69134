//! Mergeable partial totals: what a shard of the input adds up to, before any rounding.

use chrono::NaiveDate;

use super::sums::{BUCKETS, CATEGORIES, Counts, CountySums, bucket};
use crate::import::{InputError, InputErrorKind, Location};
use crate::report::{BucketFen, Execution, ExecutionOptions, PlannedFen};
use crate::{Category, FiscalYear, FundLevel, Money, RegionCode};

/// One county's exact sums in 分: allocated and spent per (fund level, category) bucket,
/// and the planned investment of its pooled projects per category. The state a shard hands
/// on; figures come out of [`Partials::execution`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub(crate) struct CountyTotals {
    code: RegionCode,
    /// Allocated 分 per bucket, index `level * 5 + category`.
    allocated_fen: [i64; BUCKETS],
    /// Spent 分 per bucket.
    spent_fen: [i64; BUCKETS],
    /// Planned investment 分 of the county's pooled projects, per category.
    planned_fen: [i64; CATEGORIES],
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

    /// The county's buckets that have money or spending, as the report engine takes them.
    fn buckets(&self) -> impl Iterator<Item = BucketFen<'static>> + '_ {
        let levels = FundLevel::ALL
            .iter()
            .flat_map(|&l| Category::BUILT_IN.iter().map(move |c| (l, c)));
        levels
            .zip(self.allocated_fen.iter().zip(&self.spent_fen))
            .filter(|(_, (a, s))| **a != 0 || **s != 0)
            .map(|((level, category), (&a, &s))| BucketFen {
                region: self.code,
                level,
                category: Some(category),
                allocated: i128::from(a),
                spent: i128::from(s),
                // Partials are totals as of one date: no period figures (`build` is told).
                period: [0, 0],
            })
    }

    /// The county's planned investment per category.
    fn planned(&self) -> impl Iterator<Item = PlannedFen<'static>> + '_ {
        Category::BUILT_IN
            .iter()
            .zip(&self.planned_fen)
            .filter(|(_, p)| **p != 0)
            .map(|(category, &p)| PlannedFen {
                region: self.code,
                category,
                planned: i128::from(p),
            })
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
/// # Ok::<(), fundtrack::import::InputError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().allocations(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn allocations(self) -> u64 {
        self.allocations
    }

    /// Project rows (all of them: projects have no date).
    ///
    /// # Example
    ///
    /// ```
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().projects(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn projects(self) -> u64 {
        self.projects
    }

    /// Expenditure rows dated on or before the as-of date.
    ///
    /// # Example
    ///
    /// ```
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().expenditures(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn expenditures(self) -> u64 {
        self.expenditures
    }

    /// Allocation and expenditure rows dated after the as-of date (read, not counted).
    ///
    /// # Example
    ///
    /// ```
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// assert_eq!(partials.rows().after_as_of(), 0);
    /// # Ok::<(), fundtrack::import::InputError>(())
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
/// in any grouping and order into the same totals, reported by [`Partials::execution`].
/// Counties are kept sorted by code, so equal totals are equal values
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
/// let report = total.execution(as_of)?;
/// assert_eq!(report.total().spent().to_string(), "10.05元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
    /// assert!(p.execution(p.as_of()).unwrap().total().allocated().is_zero());
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

    /// The rows counted.
    ///
    /// # Example
    ///
    /// ```
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// let rows = partials.rows();
    /// assert_eq!((rows.allocations(), rows.projects(), rows.expenditures()), (1, 1, 1));
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn rows(&self) -> RowCounts {
        self.rows
    }

    /// Adds one bucket's sums: `allocated` and `spent` of `region` at fund `level` in a
    /// built-in `category`, as an engine that summed the rows itself hands them on (e.g. a
    /// SQL `GROUP BY county_code, source, category` with exact sums). Adding to a bucket
    /// already present adds the amounts. The row counts stay as they are.
    ///
    /// The sums are taken as given: the checks the readers make on each row (projects in
    /// the pool, dates in the year, spending within the money allocated) are the caller's.
    ///
    /// # Errors
    ///
    /// [`InputErrorKind::CustomCategory`] for a category other than the built-in ones,
    /// [`InputErrorKind::NotPositive`] for a negative sum, [`InputErrorKind::Overflow`]
    /// when a sum leaves `i64` 分. On error `self` is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::bulk::Partials;
    /// use fundtrack::{Category, FundLevel, Money, NaiveDate, RegionCode};
    ///
    /// let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// let mut p = Partials::new(as_of);
    /// let county: RegionCode = "450521".parse()?;
    /// p.add_bucket(county, FundLevel::Central, &Category::Industry, "300.00元".parse()?, Money::ZERO)?;
    /// p.add_bucket(county, FundLevel::Central, &Category::Industry, Money::ZERO, "100.00元".parse()?)?;
    /// p.add_planned(county, &Category::Industry, "450.00元".parse()?)?;
    /// let report = p.execution(as_of)?;
    /// assert_eq!(report.total().spent().to_string(), "100.00元");
    /// assert_eq!(report.total().planned().unwrap().to_string(), "450.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_bucket(
        &mut self,
        region: RegionCode,
        level: FundLevel,
        category: &Category,
        allocated: Money,
        spent: Money,
    ) -> Result<(), InputError> {
        let c = built_in(category)?;
        let index = FundLevel::ALL
            .iter()
            .position(|&x| x == level)
            .map(|l| bucket(l, c))
            .ok_or_else(|| partials_error(InputErrorKind::Overflow))?;
        let (a, s) = (fen(allocated)?, fen(spent)?);
        self.add_to(region, |c| {
            let a = c.allocated_fen.get(index)?.checked_add(a)?;
            let s = c.spent_fen.get(index)?.checked_add(s)?;
            *c.allocated_fen.get_mut(index)? = a;
            *c.spent_fen.get_mut(index)? = s;
            Some(())
        })
    }

    /// Adds planned investment of pooled projects of `region` in a built-in `category`
    /// (see [`Partials::add_bucket`], whose example uses it).
    ///
    /// # Errors
    ///
    /// As [`Partials::add_bucket`].
    pub fn add_planned(
        &mut self,
        region: RegionCode,
        category: &Category,
        planned: Money,
    ) -> Result<(), InputError> {
        let index = built_in(category)?;
        let p = fen(planned)?;
        self.add_to(region, |c| {
            let sum = c.planned_fen.get(index)?.checked_add(p)?;
            *c.planned_fen.get_mut(index)? = sum;
            Some(())
        })
    }

    /// Applies `add` to `region`'s totals (new ones if absent, kept sorted by code); `None`
    /// from `add` is an overflow and leaves `self` unchanged.
    fn add_to(
        &mut self,
        region: RegionCode,
        add: impl FnOnce(&mut CountyTotals) -> Option<()>,
    ) -> Result<(), InputError> {
        let at = self.counties.binary_search_by_key(&region, |c| c.code);
        let mut totals = match at {
            Ok(i) => self.counties.get(i).cloned(),
            Err(_) => Some(CountyTotals {
                code: region,
                allocated_fen: [0; BUCKETS],
                spent_fen: [0; BUCKETS],
                planned_fen: [0; CATEGORIES],
            }),
        }
        .ok_or_else(|| partials_error(InputErrorKind::Overflow))?;
        add(&mut totals).ok_or_else(|| partials_error(InputErrorKind::Overflow))?;
        match at {
            Ok(i) => {
                if let Some(slot) = self.counties.get_mut(i) {
                    *slot = totals;
                }
            }
            Err(i) => self.counties.insert(i, totals),
        }
        Ok(())
    }

    /// Adds `other` into `self` (合并). All or nothing: on error `self` is unchanged.
    ///
    /// # Errors
    ///
    /// [`InputErrorKind::AsOfMismatch`] when the two
    /// were filtered by different dates; [`InputErrorKind::Overflow`]
    /// when a sum leaves `i64` 分.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # let (d, agg) = (fundtrack::doctest::as_of(), fundtrack::doctest::bulk_sample()?);
    /// let partials = agg.into_partials();
    /// let mut twice = partials.clone();
    /// twice.merge(&partials)?;
    /// assert_eq!(twice.execution(d).unwrap().total().planned().unwrap().to_string(), "900.00元");
    /// assert!(twice.merge(&fundtrack::bulk::Partials::new(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())).is_err());
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn merge(&mut self, other: &Partials) -> Result<(), InputError> {
        let err = |kind| InputError::new(Location::new("partials"), kind);
        if self.as_of != other.as_of {
            return Err(err(InputErrorKind::AsOfMismatch {
                left: self.as_of,
                right: other.as_of,
            }));
        }
        let rows = self
            .rows
            .to_counts()
            .checked_add(other.rows.to_counts())
            .ok_or_else(|| err(InputErrorKind::Overflow))?;
        let mut out = Vec::with_capacity(self.counties.len().max(other.counties.len()));
        let mut left = self.counties.iter().peekable();
        let mut right = other.counties.iter().peekable();
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some(l), Some(r)) if l.code == r.code => {
                    let sum = l.to_sums().saturating_added(&r.to_sums());
                    if let Some(k) = sum.overflow() {
                        return Err(err(k));
                    }
                    left.next();
                    right.next();
                    Some(CountyTotals::from_sums(sum))
                }
                (Some(l), Some(r)) if l.code < r.code => left.next().cloned(),
                (Some(_) | None, Some(_)) => right.next().cloned(),
                (Some(_), None) => left.next().cloned(),
                (None, None) => break,
            }
            .ok_or_else(|| err(InputErrorKind::Overflow))?;
            out.push(next);
        }
        self.counties = out;
        self.rows = RowCounts::from_counts(rows);
        Ok(())
    }

    /// The execution report (预算执行情况) these totals give: the same
    /// [`Execution`](crate::report::Execution) the [`Ledger`](crate::Ledger) gives for the
    /// same records and options, rounded nowhere (rates are exact [`Ratio`](crate::Ratio)s).
    /// Planned investment is that of the pooled projects; the schedule counts in the fiscal
    /// year of the as-of date.
    ///
    /// # Errors
    ///
    /// [`InputErrorKind::AsOfMismatch`](crate::import::InputErrorKind::AsOfMismatch) when
    /// the options ask for another as-of date than the one the rows were read for.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use fundtrack::Rounding;
    /// use fundtrack::bulk::{Aggregator, BulkOptions};
    /// use fundtrack::dim::RegionLevel;
    /// use fundtrack::report::{ExecutionOptions, Grouping};
    ///
    /// let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// let mut agg = Aggregator::new(BulkOptions::new(as_of));
    /// agg.read_allocations("a.csv", &b"id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n"[..])?;
    /// agg.read_projects("p.csv", &b"id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n"[..])?;
    /// agg.read_expenditures("e.csv", &b"id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n"[..])?;
    /// let partials = agg.into_partials();
    /// let report = partials.execution(ExecutionOptions::new(as_of).by_region(RegionLevel::County))?;
    /// let county = &report.rows()[0];
    /// assert_eq!(county.key().region().unwrap().to_string(), "450521");
    /// assert_eq!(county.rate()?.to_percent(Rounding::half_up(2)?).to_string(), "33.33");
    /// assert_eq!(county.progress().planned().unwrap().to_string(), "450.00元");
    /// assert_eq!(report.total().spent().to_string(), "100.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execution(&self, options: impl Into<ExecutionOptions>) -> Result<Execution, InputError> {
        let options = options.into();
        if options.as_of() != self.as_of {
            return Err(InputError::new(
                Location::new("partials"),
                InputErrorKind::AsOfMismatch {
                    left: self.as_of,
                    right: options.as_of(),
                },
            ));
        }
        let year = FiscalYear::of(self.as_of)
            .map_err(|e| InputError::new(Location::new("partials"), InputErrorKind::Value(e)))?;
        let buckets = self.counties.iter().flat_map(CountyTotals::buckets);
        let planned = self.counties.iter().flat_map(CountyTotals::planned);
        // At most 1,000,000 counties × 20 buckets of i64 分: far inside Money's 2⁹⁶ 分.
        Ok(Execution::build(options, year, false, buckets, planned))
    }
}

/// An error about merged or added partials.
fn partials_error(kind: InputErrorKind) -> InputError {
    InputError::new(Location::new("partials"), kind)
}

/// The index of a built-in category in the bulk tables.
fn built_in(category: &Category) -> Result<usize, InputError> {
    Category::BUILT_IN
        .iter()
        .position(|c| c == category)
        .ok_or_else(|| partials_error(InputErrorKind::CustomCategory(category.to_string())))
}

/// A non-negative sum as `i64` 分.
fn fen(m: Money) -> Result<i64, InputError> {
    if m.is_negative() {
        return Err(partials_error(InputErrorKind::NotPositive {
            text: m.to_string(),
        }));
    }
    i64::try_from(m.to_fen()).map_err(|_| partials_error(InputErrorKind::Overflow))
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
                c.allocated_fen
                    .iter()
                    .chain(&c.spent_fen)
                    .chain(&c.planned_fen)
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
