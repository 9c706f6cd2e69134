//! Budget execution (预算执行/支出进度): allocated, spent and the disbursement rate, grouped
//! by any combination of region, fund level and category.

use chrono::{Datelike, NaiveDate};

use num_bigint::BigInt;

use super::{Schedule, ScheduleGap, Shares};
use crate::dim::{Category, FiscalYear, FundLevel, RegionCode, RegionLevel, SourceMix};
use crate::error::{ParseError, ParseErrorKind};
use crate::ledger::Ledger;
use crate::money::{Money, NoRatio, Ratio, RoundMode, div_round};

/// Which amount a share or rate is taken on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Basis {
    /// Money in place (下达/落实), the default.
    #[default]
    Allocated,
    /// Money spent (支出).
    Spent,
}

/// What an execution report covers and how it is grouped.
///
/// `ledger.execution(as_of)` gives the totals; the builder asks for more:
///
/// ```
/// use fundtrack::report::{ExecutionOptions, Schedule};
/// use fundtrack::dim::RegionLevel;
/// use fundtrack::SourceMix;
/// use chrono::NaiveDate;
///
/// let opts = ExecutionOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap())
///     .by_region(RegionLevel::County)
///     .by_category()
///     .sources(SourceMix::CentralAndProvincial)
///     .schedule(Schedule::Days);
/// assert_eq!(opts.as_of().to_string(), "2021-09-30");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExecutionOptions {
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    as_of: NaiveDate,
    by_region: Option<RegionLevel>,
    by_level: bool,
    by_category: bool,
    within: Option<RegionCode>,
    sources: SourceMix,
    schedule: Schedule,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    subtotals: Vec<Grouping>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::option")
    )]
    since: Option<NaiveDate>,
}

impl ExecutionOptions {
    /// Totals as of `as_of` (inclusive), all levels, schedule by months.
    pub fn new(as_of: NaiveDate) -> ExecutionOptions {
        ExecutionOptions {
            as_of,
            by_region: None,
            by_level: false,
            by_category: false,
            within: None,
            sources: SourceMix::AllLevels,
            schedule: Schedule::Months,
            subtotals: Vec::new(),
            since: None,
        }
    }

    /// The shape of the monthly report (月报, SPEC §11): rows by region at `level`, fund level
    /// and category; 小计 per level and per category inside each region, per region, per
    /// level and per category; 本月 beside 累计 ([`ExecutionOptions::month_to_date`]).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::report::{ExecutionOptions, Grouping};
    /// use fundtrack::dim::RegionLevel;
    /// use chrono::NaiveDate;
    ///
    /// let opts = ExecutionOptions::monthly(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap(), RegionLevel::County);
    /// assert_eq!(opts.grouping(), Grouping::REGION | Grouping::LEVEL | Grouping::CATEGORY);
    /// assert_eq!(opts.subtotals().len(), 5);
    /// assert_eq!(opts.period().map(|p| p.0.to_string()), Some("2021-08-31".into()));
    /// ```
    pub fn monthly(as_of: NaiveDate, level: RegionLevel) -> ExecutionOptions {
        ExecutionOptions::new(as_of)
            .by_region(level)
            .by_level()
            .by_category()
            .subtotal(Grouping::REGION | Grouping::LEVEL)
            .subtotal(Grouping::REGION | Grouping::CATEGORY)
            .subtotal(Grouping::REGION)
            .subtotal(Grouping::LEVEL)
            .subtotal(Grouping::CATEGORY)
            .month_to_date()
    }

    /// Adds the figures of a period (本期) beside the year-to-date ones (累计): money put in
    /// place and spent after `from` up to and including the as-of date, (`from`, as-of].
    /// Rates and gaps stay on the year to date.
    ///
    /// # Errors
    ///
    /// When `from` is not before the as-of date (the period would be empty or reversed).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::report::ExecutionOptions;
    /// use chrono::NaiveDate;
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let opts = ExecutionOptions::new(d(9, 30)).since(d(6, 30))?; // the third quarter
    /// assert_eq!(opts.period(), Some((d(6, 30), d(9, 30))));
    /// assert!(ExecutionOptions::new(d(9, 30)).since(d(9, 30)).is_err());
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn since(mut self, from: NaiveDate) -> Result<ExecutionOptions, ParseError> {
        if from >= self.as_of {
            return Err(ParseError::new(
                "period start",
                from.to_string(),
                ParseErrorKind::Format("a date before the as-of date"),
            ));
        }
        self.since = Some(from);
        Ok(self)
    }

    /// The month to date (本月) beside the year to date: the period from the end of the
    /// previous month (for a January date, the end of the previous year) to the as-of date.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::report::ExecutionOptions;
    /// use chrono::NaiveDate;
    ///
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let opts = ExecutionOptions::new(d(2021, 9, 30)).month_to_date();
    /// assert_eq!(opts.period(), Some((d(2021, 8, 31), d(2021, 9, 30))));
    /// let jan = ExecutionOptions::new(d(2021, 1, 1)).month_to_date();
    /// assert_eq!(jan.period(), Some((d(2020, 12, 31), d(2021, 1, 1))));
    /// ```
    ///
    /// # Panics
    ///
    /// Only for an as-of date in the first month `chrono` can represent (year −262143).
    #[must_use]
    #[expect(
        clippy::expect_used,
        reason = "every month has a 1st, and a fiscal year's dates have a day before it"
    )]
    pub fn month_to_date(mut self) -> ExecutionOptions {
        // The day before the 1st of the as-of month: always before the as-of date.
        let first = self.as_of.with_day(1).expect("a month has a 1st");
        self.since = Some(
            first
                .pred_opt()
                .expect("a date after the first representable"),
        );
        self
    }

    /// The period of the 本期 figures, (`from`, `to`], when one was asked for.
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.since.map(|from| (from, self.as_of))
    }

    /// One row per region at `level`; money held above that level stays with its holder
    /// (a city's own funds are the city's row in a county table).
    #[must_use]
    pub fn by_region(mut self, level: RegionLevel) -> ExecutionOptions {
        self.by_region = Some(level);
        self
    }

    /// One row per fund level.
    #[must_use]
    pub fn by_level(mut self) -> ExecutionOptions {
        self.by_level = true;
        self
    }

    /// One row per category (unassigned money is its own row).
    #[must_use]
    pub fn by_category(mut self) -> ExecutionOptions {
        self.by_category = true;
        self
    }

    /// Only money held in `region` and the regions within it.
    #[must_use]
    pub fn within(mut self, region: RegionCode) -> ExecutionOptions {
        self.within = Some(region);
        self
    }

    /// Only money from these levels (e.g. 上级资金).
    #[must_use]
    pub fn sources(mut self, sources: SourceMix) -> ExecutionOptions {
        self.sources = sources;
        self
    }

    /// The schedule the rates are compared with.
    #[must_use]
    pub fn schedule(mut self, schedule: Schedule) -> ExecutionOptions {
        self.schedule = schedule;
        self
    }

    /// Adds subtotal rows (小计) grouped by `grouping`, after the detail rows (and after
    /// subtotals asked for before). Only dimensions the detail rows are grouped by count;
    /// a subtotal equal to the detail grouping, one asked twice and [`Grouping::NONE`] (the
    /// total, always there) add nothing.
    ///
    /// ```
    /// use fundtrack::report::{ExecutionOptions, Grouping};
    /// use fundtrack::dim::RegionLevel;
    /// use chrono::NaiveDate;
    ///
    /// // A county's money by level and category, with a 小计 per county and per level.
    /// let opts = ExecutionOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap())
    ///     .by_region(RegionLevel::County)
    ///     .by_level()
    ///     .by_category()
    ///     .subtotal(Grouping::REGION)
    ///     .subtotal(Grouping::LEVEL);
    /// assert_eq!(opts.subtotals(), [Grouping::REGION, Grouping::LEVEL]);
    /// assert_eq!(opts.grouping(), Grouping::REGION | Grouping::LEVEL | Grouping::CATEGORY);
    /// ```
    #[must_use]
    pub fn subtotal(mut self, grouping: Grouping) -> ExecutionOptions {
        self.subtotals.push(grouping);
        self
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The dimensions the detail rows are grouped by.
    pub fn grouping(&self) -> Grouping {
        Grouping {
            region: self.by_region.is_some(),
            level: self.by_level,
            category: self.by_category,
        }
    }

    /// The subtotal groupings asked for, in order.
    pub fn subtotals(&self) -> &[Grouping] {
        &self.subtotals
    }

    /// The region level rows are grouped by, if any.
    pub fn region_level(&self) -> Option<RegionLevel> {
        self.by_region
    }

    /// Whether rows are grouped by fund level.
    pub fn groups_by_level(&self) -> bool {
        self.by_level
    }

    /// Whether rows are grouped by category.
    pub fn groups_by_category(&self) -> bool {
        self.by_category
    }

    /// The source mix.
    pub fn source_mix(&self) -> SourceMix {
        self.sources
    }

    /// The region filter.
    pub fn region_filter(&self) -> Option<RegionCode> {
        self.within
    }

    /// The schedule.
    pub fn schedule_kind(&self) -> &Schedule {
        &self.schedule
    }
}

impl From<NaiveDate> for ExecutionOptions {
    fn from(as_of: NaiveDate) -> ExecutionOptions {
        ExecutionOptions::new(as_of)
    }
}

/// The category part of a row key: money assigned to a category, or not yet assigned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CategoryKey {
    /// Not yet assigned (分配方案 not set): 未分配.
    Unassigned,
    /// A category.
    Assigned(Category),
}

impl CategoryKey {
    /// The Chinese label (未分配 for unassigned money).
    pub fn as_str(&self) -> &str {
        match self {
            CategoryKey::Unassigned => "未分配",
            CategoryKey::Assigned(c) => c.as_str(),
        }
    }

    /// The machine name (`unassigned` for unassigned money).
    pub fn machine_name(&self) -> &str {
        match self {
            CategoryKey::Unassigned => "unassigned",
            CategoryKey::Assigned(c) => c.machine_name(),
        }
    }
}

/// The key of a row: the dimensions asked for, `None` where not grouped.
///
/// Rows sort by region code, then level (central first), then category (built-ins in
/// their order, unassigned before them, custom ones by name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct GroupKey {
    region: Option<RegionCode>,
    level: Option<FundLevel>,
    category: Option<CategoryKey>,
}

impl GroupKey {
    /// The region, when grouped by region.
    pub fn region(&self) -> Option<RegionCode> {
        self.region
    }

    /// The level, when grouped by level.
    pub fn level(&self) -> Option<FundLevel> {
        self.level
    }

    /// The category, when grouped by category.
    pub fn category(&self) -> Option<&CategoryKey> {
        self.category.as_ref()
    }

    /// The dimensions this key has.
    pub fn grouping(&self) -> Grouping {
        Grouping {
            region: self.region.is_some(),
            level: self.level.is_some(),
            category: self.category.is_some(),
        }
    }
}

/// A set of dimensions rows are grouped by (分组): any of region, fund level and category.
///
/// The detail rows of an [`Execution`] are grouped by the dimensions the options ask for
/// ([`ExecutionOptions::by_region`], [`by_level`](ExecutionOptions::by_level),
/// [`by_category`](ExecutionOptions::by_category)); [`ExecutionOptions::subtotal`] adds
/// rows grouped by fewer of them (小计). Combine with `|`.
///
/// # Example
///
/// ```
/// use fundtrack::report::Grouping;
///
/// let g = Grouping::REGION | Grouping::CATEGORY;
/// assert!(g.region() && g.category() && !g.level());
/// assert_eq!(Grouping::NONE, Grouping::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Grouping {
    region: bool,
    level: bool,
    category: bool,
}

impl Grouping {
    /// No dimension: the total.
    pub const NONE: Grouping = Grouping {
        region: false,
        level: false,
        category: false,
    };
    /// By region.
    pub const REGION: Grouping = Grouping {
        region: true,
        ..Grouping::NONE
    };
    /// By fund level.
    pub const LEVEL: Grouping = Grouping {
        level: true,
        ..Grouping::NONE
    };
    /// By category.
    pub const CATEGORY: Grouping = Grouping {
        category: true,
        ..Grouping::NONE
    };

    /// Whether rows are grouped by region.
    pub const fn region(self) -> bool {
        self.region
    }

    /// Whether rows are grouped by fund level.
    pub const fn level(self) -> bool {
        self.level
    }

    /// Whether rows are grouped by category.
    pub const fn category(self) -> bool {
        self.category
    }

    /// The dimensions in both.
    const fn and(self, other: Grouping) -> Grouping {
        Grouping {
            region: self.region && other.region,
            level: self.level && other.level,
            category: self.category && other.category,
        }
    }
}

impl std::ops::BitOr for Grouping {
    type Output = Grouping;

    fn bitor(self, other: Grouping) -> Grouping {
        Grouping {
            region: self.region || other.region,
            level: self.level || other.level,
            category: self.category || other.category,
        }
    }
}

/// Progress of one body of money (执行进度): allocated, spent, and the planned investment of
/// the project pool where it is known; with its disbursement rate (支出进度), its gap to a
/// schedule and the shortfall to a required rate.
///
/// The one shape of "allocated and spent" in the crate: a report row holds one, the total
/// of a report is one, and policy checks take one.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Money, Ratio, Rounding};
/// use fundtrack::report::{Progress, Schedule};
/// use chrono::NaiveDate;
///
/// // Beihai 2021: the city-wide totals are printed, not their records.
/// let p = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
/// assert_eq!(p.rate().unwrap().to_percent(Rounding::default()).to_string(), "77.22");
/// let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let gap = p.gap(&Schedule::Months, FiscalYear::new(2021)?, as_of).unwrap();
/// assert_eq!(gap.gap().round(Rounding::default()).to_string(), "2.22");
/// let required = Ratio::from_counts(80, 100).unwrap();
/// assert_eq!(p.shortfall(&required).unwrap().to_string(), "11051920.00元"); // 80% of 39757.09万元 − 30700.48万元
/// assert!(Progress::of(Money::ZERO, Money::ZERO).rate().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Progress {
    allocated: Money,
    spent: Money,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    planned: Option<Money>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    period_allocated: Option<Money>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    period_spent: Option<Money>,
}

impl Progress {
    /// `spent` of `allocated` (part before whole, as [`Ratio::of`]); planned investment
    /// unknown.
    ///
    /// ```
    /// use fundtrack::{Money, Rounding};
    /// use fundtrack::report::Progress;
    /// let p = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
    /// assert_eq!(p.spent().to_string(), "307004800.00元");
    /// assert_eq!(p.rate()?.to_percent(Rounding::default()).to_string(), "77.22");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(spent: Money, allocated: Money) -> Progress {
        Progress {
            allocated,
            spent,
            planned: None,
            period_allocated: None,
            period_spent: None,
        }
    }

    /// The same, with the figures of a period (本期, e.g. 本月): money spent within it, of
    /// money put in place within it — given as a `Progress`, so that the order is the one
    /// of [`Progress::of`] (its own period figures are not used).
    ///
    /// ```
    /// use fundtrack::report::Progress;
    ///
    /// let month = Progress::of("12.5万元".parse()?, "0万元".parse()?);
    /// let p = Progress::of("60万元".parse()?, "100万元".parse()?).with_period(month);
    /// assert_eq!(p.period_spent().map(|m| m.to_string()), Some("125000.00元".into()));
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    #[must_use]
    pub fn with_period(mut self, period: Progress) -> Progress {
        self.period_allocated = Some(period.allocated);
        self.period_spent = Some(period.spent);
        self
    }

    /// Money put in place within the report's period (本期下达, net of recoveries and moves),
    /// where a period was asked for and its producer knows it (the ledger does; the bulk
    /// path keeps totals as of one date only).
    pub fn period_allocated(&self) -> Option<Money> {
        self.period_allocated
    }

    /// Money spent within the report's period (本期支出, 本月支出 for a month), where known;
    /// see [`Progress::period_allocated`].
    pub fn period_spent(&self) -> Option<Money> {
        self.period_spent
    }

    /// The same, with the planned investment of the project pool (项目库计划投资).
    #[must_use]
    pub fn with_planned(mut self, planned: Money) -> Progress {
        self.planned = Some(planned);
        self
    }

    /// Money in place up to the as-of date.
    pub fn allocated(&self) -> Money {
        self.allocated
    }

    /// Money spent up to the as-of date.
    pub fn spent(&self) -> Money {
        self.spent
    }

    /// Planned investment of the pooled projects, where known (rows not split by fund level,
    /// over all levels: a project has no fund level).
    ///
    /// Rows come from money in place or spent; the pool of a region or category without
    /// either is in the total's planned investment but on no row, so rows' planned can add
    /// up to less than the total's.
    pub fn planned(&self) -> Option<Money> {
        self.planned
    }

    /// Money not yet spent (allocated − spent), or `None` if it overflows (only possible for
    /// totals given with [`Progress::of`]).
    pub fn checked_unspent(&self) -> Option<Money> {
        self.allocated.checked_sub(self.spent)
    }

    /// Spent ÷ allocated, unrounded; no rate when nothing is allocated.
    pub fn rate(&self) -> Result<Ratio, NoRatio> {
        Ratio::of(self.spent, self.allocated)
    }

    /// Planned investment ÷ allocated (项目库覆盖), unrounded; `None` when the planned
    /// investment is not known.
    pub fn coverage(&self) -> Option<Result<Ratio, NoRatio>> {
        Some(Ratio::of(self.planned?, self.allocated))
    }

    /// The rate against a schedule as of a date, or why there is no rate.
    pub fn gap(
        &self,
        schedule: &Schedule,
        year: FiscalYear,
        as_of: NaiveDate,
    ) -> Result<ScheduleGap, NoRatio> {
        Ok(schedule.compare(&self.rate()?, year, as_of))
    }

    /// Money still to spend to reach `required` (required × allocated − spent), rounded up to
    /// the 分 (one 分 less would not reach it); zero when the rate is already there.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] (or another [`NoRatio`]) when nothing is allocated: a required
    /// rate of nothing has no shortfall; [`NoRatio::OutOfRange`] when the amount does not fit
    /// in [`Money`].
    pub fn shortfall(&self, required: &Ratio) -> Result<Money, NoRatio> {
        self.rate()?;
        let (qn, qd) = required.big();
        // required × allocated − spent = (qn × allocated − qd × spent) / qd, in 分.
        let num =
            &qn * BigInt::from(self.allocated.to_fen()) - &qd * BigInt::from(self.spent.to_fen());
        if num.sign() != num_bigint::Sign::Plus {
            return Ok(Money::ZERO);
        }
        let fen = div_round(&num, &qd, RoundMode::Ceil);
        i128::try_from(&fen)
            .ok()
            .and_then(Money::checked_from_fen)
            .ok_or(NoRatio::OutOfRange)
    }
}

/// One row of an [`Execution`]: what it is for ([`GroupKey`]) and its [`Progress`].
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger, Rounding};
/// use fundtrack::record::{Allocation, Region};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let d = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
/// let city = "450500".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(city, "北海市")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d, city, FundLevel::City, "14753万元".parse()?)])?;
/// let report = ledger.execution(ExecutionOptions::new(d).by_level());
/// let row = &report.rows()[0];
/// assert_eq!(row.key().level(), Some(FundLevel::City));
/// assert_eq!(row.allocated().to_string(), "147530000.00元");
/// assert_eq!(row.rate()?.to_percent(fundtrack::Rounding::default()).to_string(), "0.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExecutionRow {
    key: GroupKey,
    progress: Progress,
}

impl ExecutionRow {
    /// What the row is for.
    pub fn key(&self) -> &GroupKey {
        &self.key
    }

    /// The row's figures.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Money in place up to the as-of date (the progress's).
    pub fn allocated(&self) -> Money {
        self.progress.allocated
    }

    /// Money spent up to the as-of date (the progress's).
    pub fn spent(&self) -> Money {
        self.progress.spent
    }

    /// Spent ÷ allocated, unrounded (the progress's).
    pub fn rate(&self) -> Result<Ratio, NoRatio> {
        self.progress.rate()
    }
}

impl AsRef<Progress> for Progress {
    fn as_ref(&self) -> &Progress {
        self
    }
}

impl AsRef<Progress> for ExecutionRow {
    fn as_ref(&self) -> &Progress {
        &self.progress
    }
}

/// A budget-execution report as of a date (预算执行情况).
///
/// Built by [`Ledger::execution`] or, on the national bulk path, by
/// [`Partials::execution`](crate::bulk::Partials::execution): the same options give the same
/// report from either. Rows are sums over buckets — the detail rows first, in key order, then
/// each subtotal grouping in the order asked, in key order; the total is Σ spent ÷
/// Σ allocated, never a mean of row rates.
///
/// Read from JSON, a report is checked as the engine builds it: no negative amount, rows only
/// of the groupings the options ask for (the detail grouping and each subtotal), each key
/// once, and the rows of each of those groupings add up to the total (allocated and spent)
/// — so a grouping whose rows were removed is an error unless the total is zero.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use fundtrack::format::{from_json, to_json};
/// use fundtrack::report::Execution;
/// # let d = fundtrack::doctest::as_of();
/// # let report = fundtrack::doctest::bulk_sample().unwrap().into_partials()
/// #     .execution(fundtrack::format::national_csv_options(d)).unwrap();
/// let json = to_json(&report).unwrap();
/// assert_eq!(from_json::<Execution>(&json).unwrap(), report);
/// let tampered = json.replacen("\"spent\": \"", "\"spent\": \"1", 1);
/// assert!(from_json::<Execution>(&tampered).unwrap_err().to_string().contains("add up"));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ExecutionParts"))]
pub struct Execution {
    options: ExecutionOptions,
    year: FiscalYear,
    rows: Vec<ExecutionRow>,
    total: Progress,
}

/// An [`Execution`] as JSON holds it, before its rules are checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecutionParts {
    options: ExecutionOptions,
    year: FiscalYear,
    rows: Vec<ExecutionRow>,
    total: Progress,
}

#[cfg(feature = "serde")]
impl TryFrom<ExecutionParts> for Execution {
    type Error = String;

    fn try_from(p: ExecutionParts) -> Result<Execution, String> {
        let negative = |what: &str, m: Money, at: &str| -> Result<(), String> {
            if m.is_negative() {
                return Err(format!("{what} {m} of {at} is negative"));
            }
            Ok(())
        };
        let check = |pr: &Progress, at: &str| -> Result<(), String> {
            negative("allocated", pr.allocated, at)?;
            negative("spent", pr.spent, at)?;
            pr.planned.map_or(Ok(()), |m| negative("planned", m, at))
        };
        check(&p.total, "the total")?;
        // Every grouping the options ask for has rows that add up to the total (a grouping
        // with no rows adds up to zero); a row of any other grouping was not asked for.
        let mut sums: Vec<(Grouping, i128, i128)> = row_groupings(&p.options)
            .into_iter()
            .map(|g| (g, 0, 0))
            .collect();
        let mut keys: Vec<&GroupKey> = Vec::with_capacity(p.rows.len());
        for r in &p.rows {
            check(&r.progress, &format!("row {:?}", r.key))?;
            let g = r.key.grouping();
            let (a, s) = (r.progress.allocated.to_fen(), r.progress.spent.to_fen());
            let Some((_, sa, ss)) = sums.iter_mut().find(|(k, _, _)| *k == g) else {
                let asked: Vec<String> = row_groupings(&p.options)
                    .into_iter()
                    .map(grouping_name)
                    .collect();
                return Err(format!(
                    "row {:?} is grouped {}, which the options do not ask for (they ask for {})",
                    r.key,
                    grouping_name(g),
                    if asked.is_empty() {
                        "the total only, no rows".to_owned()
                    } else {
                        format!("rows grouped {}", asked.join("; "))
                    }
                ));
            };
            *sa = sa.saturating_add(a);
            *ss = ss.saturating_add(s);
            keys.push(&r.key);
        }
        keys.sort_unstable();
        if let Some(twice) = keys.windows(2).find_map(|w| match w {
            [x, y] if x == y => Some(x),
            _ => None,
        }) {
            return Err(format!("row {twice:?} appears twice"));
        }
        let (ta, ts) = (p.total.allocated.to_fen(), p.total.spent.to_fen());
        let fen = |f: i128| {
            Money::checked_from_fen(f).map_or_else(|| format!("{f}分"), |m| m.to_string())
        };
        for (g, a, s) in sums {
            if (a, s) != (ta, ts) {
                return Err(format!(
                    "the rows grouped {} do not add up to the total: allocated {} and spent {} against {} and {}",
                    grouping_name(g),
                    fen(a),
                    fen(s),
                    p.total.allocated,
                    p.total.spent
                ));
            }
        }
        Ok(Execution {
            options: p.options,
            year: p.year,
            rows: p.rows,
            total: p.total,
        })
    }
}

/// A grouping in words, for errors: `by region and fund level`.
#[cfg(feature = "serde")]
fn grouping_name(g: Grouping) -> String {
    let dims: Vec<&str> = [
        (g.region, "region"),
        (g.level, "fund level"),
        (g.category, "category"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    match dims.as_slice() {
        [] => "as the total".to_owned(),
        [one] => format!("by {one}"),
        [init @ .., last] => format!("by {} and {last}", init.join(", ")),
    }
}

impl Execution {
    /// What was asked.
    pub fn options(&self) -> &ExecutionOptions {
        &self.options
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.options.as_of
    }

    /// The fiscal year the schedule counts in.
    pub fn year(&self) -> FiscalYear {
        self.year
    }

    /// The rows: detail rows, then subtotal rows (empty when no grouping was asked for).
    pub fn rows(&self) -> &[ExecutionRow] {
        &self.rows
    }

    /// The rows of one grouping (the detail rows, or one subtotal's).
    ///
    /// ```
    /// # use fundtrack::{FiscalYear, Ledger};
    /// # use fundtrack::report::{ExecutionOptions, Grouping};
    /// # use chrono::NaiveDate;
    /// # let ledger = Ledger::new(FiscalYear::new(2021)?);
    /// let opts = ExecutionOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()).by_level().by_category().subtotal(Grouping::LEVEL);
    /// let report = ledger.execution(opts);
    /// assert_eq!(report.rows_of(Grouping::LEVEL).count(), 0); // an empty ledger has no rows
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn rows_of(&self, grouping: Grouping) -> impl Iterator<Item = &ExecutionRow> {
        self.rows
            .iter()
            .filter(move |r| r.key.grouping() == grouping)
    }

    /// The totals over everything the options cover.
    pub fn total(&self) -> &Progress {
        &self.total
    }

    /// A row's (or the total's) rate against the report's schedule, or why it has no rate.
    ///
    /// ```
    /// # use fundtrack::{FiscalYear, Ledger, Rounding};
    /// # use chrono::NaiveDate;
    /// # let ledger = Ledger::new(FiscalYear::new(2021)?);
    /// let report = ledger.execution(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap());
    /// assert!(report.gap(report.total()).is_err()); // nothing allocated in an empty ledger
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn gap(&self, progress: impl AsRef<Progress>) -> Result<ScheduleGap, NoRatio> {
        progress
            .as_ref()
            .gap(&self.options.schedule, self.year, self.options.as_of)
    }

    /// The expected rate at the as-of date under the report's schedule.
    pub fn expected(&self) -> Ratio {
        self.options
            .schedule
            .expected(self.year, self.options.as_of)
    }

    /// Each detail row's share of the total on `basis`.
    ///
    /// # Errors
    ///
    /// When the total is zero (or the parts have mixed signs).
    pub fn shares(&self, basis: Basis) -> Result<Shares<GroupKey>, NoRatio> {
        let detail = self.options.grouping();
        Shares::of(self.rows_of(detail).map(|r| {
            let amount = match basis {
                Basis::Allocated => r.progress.allocated,
                Basis::Spent => r.progress.spent,
            };
            (r.key.clone(), amount)
        }))
    }
}

/// One bucket's totals in 分 as a producer (the ledger, the bulk path) hands them to the
/// report: money held in `region`, from `level`, for `category` (`None`: unassigned).
pub(crate) struct BucketFen<'a> {
    pub(crate) region: RegionCode,
    pub(crate) level: FundLevel,
    pub(crate) category: Option<&'a Category>,
    pub(crate) allocated: i128,
    pub(crate) spent: i128,
    /// Put in place and spent within the options' period (zeros from a producer that
    /// keeps no period figures: see `Execution::build`'s `knows_period`).
    pub(crate) period: [i128; 2],
}

/// Planned investment in 分 of the pooled projects of one region and category.
pub(crate) struct PlannedFen<'a> {
    pub(crate) region: RegionCode,
    pub(crate) category: &'a Category,
    pub(crate) planned: i128,
}

/// A sum in 分 as [`Money`]. Producers keep their sums within `Money`'s range (the ledger
/// its gross amount, the bulk path at most 20,000,000 buckets of `i64` 分, far below 2⁹⁶).
fn money(fen: i128) -> Money {
    #[expect(
        clippy::expect_used,
        reason = "producers keep every sum within Money's 96-bit range (see the callers)"
    )]
    Money::checked_from_fen(fen).expect("a report sum within Money's range")
}

/// A row key packed into a `u64` that sorts as [`GroupKey`] does: region code + 1 in bits
/// 40–60, fund level index + 1 in bits 32–35, category rank + 1 in bits 0–32; 0 where a
/// dimension is not grouped. Sorting and projecting integers keeps the one engine as fast as
/// the bulk path needs (50,000 rows and three subtotals in a few milliseconds).
type Packed = u64;

const REGION_BITS: Packed = 0x1F_FFFF << 40;
const LEVEL_BITS: Packed = 0x7 << 32;
const CATEGORY_BITS: Packed = 0xFFFF_FFFF;

/// The bits of a packed key that `g` keeps.
fn mask(g: Grouping) -> Packed {
    let pick = |on: bool, bits: Packed| if on { bits } else { 0 };
    pick(g.region, REGION_BITS) | pick(g.level, LEVEL_BITS) | pick(g.category, CATEGORY_BITS)
}

/// The categories (and unassigned money, `None`) a report meets, numbered in order of
/// first sight, then ranked in [`CategoryKey`] order.
#[derive(Default)]
struct Categories<'a> {
    seen: Vec<Option<&'a Category>>,
}

impl<'a> Categories<'a> {
    /// The number of `category` in order of first sight.
    fn id(&mut self, category: Option<&'a Category>) -> Packed {
        if let Some(at) = self.seen.iter().position(|c| *c == category) {
            return small(at);
        }
        self.seen.push(category);
        small(self.seen.len() - 1)
    }

    /// Sorts the categories; returns, per first-sight number, its rank + 1, and the
    /// categories in rank order.
    fn rank(self) -> (Vec<Packed>, Vec<CategoryKey>) {
        let mut order: Vec<usize> = (0..self.seen.len()).collect();
        let key = |i: usize| self.seen.get(i).copied().flatten();
        // `None` (unassigned) first, as `CategoryKey::Unassigned` sorts.
        order.sort_by(|&x, &y| key(x).cmp(&key(y)));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(i) {
                *slot = small(r + 1);
            }
        }
        let keys = order
            .into_iter()
            .map(|i| {
                key(i)
                    .cloned()
                    .map_or(CategoryKey::Unassigned, CategoryKey::Assigned)
            })
            .collect();
        (rank, keys)
    }
}

/// A count or index as a packed-key field. Fields hold fund levels (4), categories (each
/// seen on a line of input: far fewer than 2³²) and region codes (below 10⁶).
#[expect(
    clippy::expect_used,
    reason = "levels, category numbers and region codes fit their packed fields"
)]
fn small(n: usize) -> Packed {
    let v = Packed::try_from(n).expect("an index fits in 64 bits");
    debug_assert!(v < CATEGORY_BITS, "a packed-key field overflowed: {v}");
    v
}

/// Sums per packed key.
type Sums<const N: usize> = Vec<(Packed, [i128; N])>;

/// Sorts `(key, values)` entries and adds up runs of equal keys: cheaper than hashing.
fn sum_runs<const N: usize>(mut parts: Sums<N>) -> Sums<N> {
    sum_runs_in_place(&mut parts);
    parts
}

/// [`sum_runs`] within `parts` itself: no second buffer (a report's detail sums are tens
/// of thousands of entries, and fresh memory costs a page fault every 4 KiB).
fn sum_runs_in_place<const N: usize>(parts: &mut Sums<N>) {
    parts.sort_unstable_by_key(|p| p.0);
    // `dedup_by` hands the entry after the last one kept, then the last one kept.
    parts.dedup_by(|next, kept| {
        if next.0 != kept.0 {
            return false;
        }
        for (acc, x) in kept.1.iter_mut().zip(next.1) {
            *acc += x;
        }
        true
    });
}

impl Execution {
    /// The one report engine: filters the producers' buckets by the options, groups and sums
    /// them, adds subtotals and the total, and attaches planned investment where it is known.
    /// `knows_period`: whether the producer gives each bucket's figures within the options'
    /// period (the ledger does; the bulk path keeps totals as of one date, so its rows carry
    /// no period figures).
    pub(crate) fn build<'a>(
        options: ExecutionOptions,
        year: FiscalYear,
        knows_period: bool,
        buckets: impl IntoIterator<Item = BucketFen<'a>>,
        planned: impl IntoIterator<Item = PlannedFen<'a>>,
    ) -> Execution {
        let detail = options.grouping();
        let mut categories = Categories::default();
        // The packed key of the detail grouping; the level part only for buckets.
        let mut key_of = |region: RegionCode, level: Option<FundLevel>, category| {
            let region = match options.by_region {
                Some(l) => (Packed::from(region.rolled_up_to(l).get()) + 1) << 40,
                None => 0,
            };
            let level = level.map_or(0, |l| (small(l.index()) + 1) << 32);
            let category = if detail.category {
                categories.id(category) + 1
            } else {
                0
            };
            (region | level | category) & mask(detail)
        };
        let mut parts: Vec<(Packed, [i128; 4])> = Vec::new();
        let mut total = [0i128; 4];
        // Period figures only when asked for and every bucket's producer knows them.
        let period_known = options.since.is_some() && knows_period;
        for b in buckets {
            if !options.sources.includes(b.level)
                || !options.within.is_none_or(|w| w.contains(b.region))
            {
                continue;
            }
            let [pa, ps] = b.period;
            let v = [b.allocated, b.spent, pa, ps];
            for (acc, x) in total.iter_mut().zip(v) {
                *acc += x;
            }
            if detail != Grouping::NONE {
                let key = key_of(b.region, Some(b.level), b.category);
                parts.push((key, v));
            }
        }
        // Planned investment has no fund level: known on rows not split by level, over all levels.
        let planned_known = options.sources == SourceMix::AllLevels;
        let groupings = row_groupings(&options);
        let plan_rows = groupings.iter().any(|g| !g.level);
        let mut planned_parts: Vec<(Packed, [i128; 1])> = Vec::new();
        let mut planned_total = 0i128;
        if planned_known {
            for p in planned {
                if !options.within.is_none_or(|w| w.contains(p.region)) {
                    continue;
                }
                planned_total += p.planned;
                // Rows split by level carry no planned investment; the total always does.
                if plan_rows {
                    planned_parts.push((key_of(p.region, None, Some(p.category)), [p.planned]));
                }
            }
        }
        // Category numbers of first sight become ranks, so that keys sort as GroupKeys do.
        let (rank, category_keys) = categories.rank();
        #[expect(
            clippy::expect_used,
            reason = "every category number was given out by `categories`"
        )]
        let rerank = |key: &mut Packed| {
            let id = *key & CATEGORY_BITS;
            if id != 0 {
                let r = usize::try_from(id - 1).ok().and_then(|i| rank.get(i));
                *key = (*key & !CATEGORY_BITS) | r.copied().expect("a category number given out");
            }
        };
        for p in &mut parts {
            rerank(&mut p.0);
        }
        for p in &mut planned_parts {
            rerank(&mut p.0);
        }
        let plans = planned_known.then_some(planned_parts.as_slice());
        let rows = grouped_rows(
            &groupings,
            sum_runs(parts),
            plans,
            period_known,
            &category_keys,
        );
        let mut total = progress(total, period_known);
        if planned_known {
            total = total.with_planned(money(planned_total));
        }
        Execution {
            options,
            year,
            rows,
            total,
        }
    }
}

/// The rows of every grouping: the detail sums as they are, then each subtotal grouping
/// summed from them, with planned investment (`plans`, when known) on rows not split by
/// level.
fn grouped_rows(
    groupings: &[Grouping],
    detail_sums: Sums<4>,
    plans: Option<&[(Packed, [i128; 1])]>,
    period_known: bool,
    categories: &[CategoryKey],
) -> Vec<ExecutionRow> {
    let Some((&detail, subtotals)) = groupings.split_first() else {
        return Vec::new();
    };
    // Subtotals from the detail sums first, each summed in one scratch buffer (the few
    // subtotal rows then copied out); then the detail sums are used up.
    let mut scratch: Sums<4> = Vec::with_capacity(detail_sums.len());
    let mut sums_of: Vec<(Grouping, Sums<4>)> = subtotals
        .iter()
        .map(|&g| {
            scratch.clear();
            scratch.extend(detail_sums.iter().map(|&(k, v)| (k & mask(g), v)));
            sum_runs_in_place(&mut scratch);
            (g, scratch.clone())
        })
        .collect();
    drop(scratch);
    sums_of.insert(0, (detail, detail_sums));
    let mut rows = Vec::with_capacity(sums_of.iter().map(|(_, s)| s.len()).sum());
    for (g, sums) in sums_of {
        let plans = plans.filter(|_| !g.level).map(|p| {
            let projected = p.iter().map(|&(k, v)| (k & mask(g), v));
            sum_runs(projected.collect())
        });
        let with_planned = plans.is_some();
        let mut plans = plans.unwrap_or_default().into_iter().peekable();
        for (key, sums) in sums {
            let mut progress = progress(sums, period_known);
            if with_planned {
                while plans.next_if(|(k, _)| *k < key).is_some() {}
                // A row whose groups have no pooled project has planned investment 0.
                let fen = plans.next_if(|(k, _)| *k == key).map_or(0, |(_, [p])| p);
                progress = progress.with_planned(money(fen));
            }
            rows.push(ExecutionRow {
                key: unpack(key, categories),
                progress,
            });
        }
    }
    rows
}

/// The [`Progress`] of sums in 分 (allocated, spent, and within the period), with the period
/// figures when they are known.
fn progress([a, s, pa, ps]: [i128; 4], period_known: bool) -> Progress {
    let p = Progress::of(money(s), money(a));
    if period_known {
        p.with_period(Progress::of(money(ps), money(pa)))
    } else {
        p
    }
}

/// The groupings of a report's rows: the detail grouping, then each subtotal grouping asked
/// for (only dimensions of the detail rows count; none twice); empty for a totals-only
/// report.
fn row_groupings(options: &ExecutionOptions) -> Vec<Grouping> {
    let detail = options.grouping();
    if detail == Grouping::NONE {
        return Vec::new();
    }
    let mut groupings = vec![detail];
    for &g in &options.subtotals {
        let g = g.and(detail);
        if g != Grouping::NONE && !groupings.contains(&g) {
            groupings.push(g);
        }
    }
    groupings
}

/// The [`GroupKey`] of a packed key.
#[expect(
    clippy::expect_used,
    reason = "packed keys are built from a RegionCode, a FundLevel index and a category rank"
)]
fn unpack(key: Packed, categories: &[CategoryKey]) -> GroupKey {
    let field = |bits: Packed, shift: u32| usize::try_from((key & bits) >> shift).ok();
    let region = field(REGION_BITS, 40)
        .and_then(|r| r.checked_sub(1))
        .map(|r| {
            let code = u32::try_from(r).expect("a region code below 2²¹");
            RegionCode::new(code).expect("a region code packed from a RegionCode")
        });
    let level = field(LEVEL_BITS, 32)
        .and_then(|l| l.checked_sub(1))
        .map(|l| *FundLevel::ALL.get(l).expect("a fund level index"));
    let category = field(CATEGORY_BITS, 0)
        .and_then(|c| c.checked_sub(1))
        .map(|c| categories.get(c).cloned().expect("a category rank"));
    GroupKey {
        region,
        level,
        category,
    }
}

impl Ledger {
    /// The execution report (预算执行情况) as of a date: allocated, spent and rates, grouped
    /// as the options say.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Rounding};
    /// use fundtrack::record::{Allocation, Region};
    /// use fundtrack::report::ExecutionOptions;
    /// use chrono::NaiveDate;
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let city = "450500".parse()?;
    /// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    /// ledger.insert([Region::new(city, "北海市")])?;
    /// ledger.insert([
    ///     Allocation::new("A-1".parse()?, d(3, 1), city, FundLevel::Provincial, "15302万元".parse()?),
    ///     Allocation::new("A-2".parse()?, d(3, 1), city, FundLevel::City, "14753万元".parse()?),
    /// ])?;
    /// let report = ledger.execution(ExecutionOptions::new(d(9, 30)).by_level());
    /// assert_eq!(report.rows().len(), 2);
    /// assert_eq!(report.total().allocated().to_string(), "300550000.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execution(&self, options: impl Into<ExecutionOptions>) -> Execution {
        let options = options.into();
        let as_of = options.as_of;
        let since = options.since;
        let buckets = self.buckets().filter(|v| v.active(as_of)).map(|view| {
            let b = view.bucket();
            let allocated = view.allocated_fen(as_of);
            let spent = view.spent_fen(as_of);
            // (since, as_of]: the running totals at the end less those at the start.
            let period = since.map_or([0, 0], |from| {
                [
                    allocated - view.allocated_fen(from),
                    spent - view.spent_fen(from),
                ]
            });
            BucketFen {
                region: b.region(),
                level: b.level(),
                category: b.category(),
                allocated,
                spent,
                period,
            }
        });
        let planned = self
            .pooled_planned()
            .map(|(region, category, planned)| PlannedFen {
                region,
                category,
                planned,
            });
        // The ledger keeps its gross amount (planned investment included) within Money's
        // range, so the report's sums fit.
        Execution::build(options, self.year(), true, buckets, planned)
    }
}
