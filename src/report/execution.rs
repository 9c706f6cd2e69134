//! Budget execution (预算执行/支出进度): allocated, spent and the disbursement rate, grouped
//! by any combination of region, fund level and category.

use chrono::NaiveDate;

use super::{Schedule, ScheduleGap, Shares};
use crate::dim::{Category, FundLevel, RegionCode, RegionLevel, SourceMix};
use crate::ledger::Ledger;
use crate::money::{Money, NoRatio, Ratio};

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
pub struct ExecutionOptions {
    as_of: NaiveDate,
    by_region: Option<RegionLevel>,
    by_level: bool,
    by_category: bool,
    within: Option<RegionCode>,
    sources: SourceMix,
    schedule: Schedule,
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
        }
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

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
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
}

/// Allocated and spent money for one group, with its disbursement rate (支出进度).
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Rounding};
/// use fundtrack::report::ExecutionRow;
///
/// // Beihai 2021: the city-wide spending total is printed, not its records.
/// let row = ExecutionRow::from_totals("39757.09万元".parse()?, "30700.48万元".parse()?);
/// assert_eq!(row.rate().unwrap().to_percent(Rounding::default()).to_string(), "77.22");
/// assert!(ExecutionRow::from_totals(Money::ZERO, Money::ZERO).rate().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExecutionRow {
    key: GroupKey,
    allocated: Money,
    spent: Money,
}

impl ExecutionRow {
    /// A row of totals that come from elsewhere (a printed report, a partial result).
    pub fn from_totals(allocated: Money, spent: Money) -> ExecutionRow {
        ExecutionRow {
            key: GroupKey::default(),
            allocated,
            spent,
        }
    }

    /// What the row is for.
    pub fn key(&self) -> &GroupKey {
        &self.key
    }

    /// Money in place up to the as-of date.
    pub fn allocated(&self) -> Money {
        self.allocated
    }

    /// Money spent up to the as-of date.
    pub fn spent(&self) -> Money {
        self.spent
    }

    /// Money not yet spent (allocated − spent), or `None` if it overflows (only possible for
    /// totals given with [`ExecutionRow::from_totals`]).
    pub fn checked_unspent(&self) -> Option<Money> {
        self.allocated.checked_sub(self.spent)
    }

    /// Spent ÷ allocated, unrounded; no rate when nothing is allocated.
    pub fn rate(&self) -> Result<Ratio, NoRatio> {
        Ratio::of(self.spent, self.allocated)
    }
}

/// A budget-execution report as of a date (预算执行情况).
///
/// Built by [`Ledger::execution`]. Rows are sums over buckets; the total is Σ spent ÷
/// Σ allocated, never a mean of row rates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Execution {
    options: ExecutionOptions,
    year: crate::dim::FiscalYear,
    rows: Vec<ExecutionRow>,
    total: ExecutionRow,
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

    /// The rows, in key order (empty when no grouping was asked for).
    pub fn rows(&self) -> &[ExecutionRow] {
        &self.rows
    }

    /// The totals over everything the options cover.
    pub fn total(&self) -> &ExecutionRow {
        &self.total
    }

    /// A row's rate against the report's schedule, or why the row has no rate.
    ///
    /// ```
    /// # use fundtrack::{FiscalYear, Ledger, Rounding};
    /// # use chrono::NaiveDate;
    /// # let ledger = Ledger::new(FiscalYear::new(2021)?);
    /// let report = ledger.execution(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap());
    /// assert!(report.gap(report.total()).is_err()); // nothing allocated in an empty ledger
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn gap(&self, row: &ExecutionRow) -> Result<ScheduleGap, NoRatio> {
        let rate = row.rate()?;
        Ok(self
            .options
            .schedule
            .compare(&rate, self.year, self.options.as_of))
    }

    /// The expected rate at the as-of date under the report's schedule.
    pub fn expected(&self) -> Ratio {
        self.options
            .schedule
            .expected(self.year, self.options.as_of)
    }

    /// Each row's share of the total on `basis`.
    ///
    /// # Errors
    ///
    /// When the total is zero (or the parts have mixed signs).
    pub fn shares(&self, basis: Basis) -> Result<Shares<GroupKey>, NoRatio> {
        Shares::of_money(self.rows.iter().map(|r| {
            let amount = match basis {
                Basis::Allocated => r.allocated,
                Basis::Spent => r.spent,
            };
            (r.key.clone(), amount)
        }))
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
        let grouped = options.by_region.is_some() || options.by_level || options.by_category;
        // One entry per bucket, sorted by key and summed by runs: cheaper than hashing keys.
        let mut parts: Vec<(GroupKey, i128, i128)> = Vec::new();
        let (mut total_a, mut total_s) = (0i128, 0i128);
        for view in self.buckets() {
            let b = view.bucket();
            if !options.sources.includes(b.level())
                || !options.within.is_none_or(|w| w.contains(b.region()))
                || !view.active(as_of)
            {
                continue;
            }
            let (a, s) = (view.allocated_fen(as_of), view.spent_fen(as_of));
            // The ledger keeps its gross amount within Money's range, so these sums cannot overflow.
            total_a += a;
            total_s += s;
            if grouped {
                let key = GroupKey {
                    region: options.by_region.map(|l| b.region().rolled_up_to(l)),
                    level: options.by_level.then_some(b.level()),
                    category: options.by_category.then(|| {
                        b.category()
                            .cloned()
                            .map_or(CategoryKey::Unassigned, CategoryKey::Assigned)
                    }),
                };
                parts.push((key, a, s));
            }
        }
        parts.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        let mut sums: Vec<(GroupKey, i128, i128)> = Vec::with_capacity(parts.len());
        for (key, a, s) in parts {
            match sums.last_mut() {
                Some(last) if last.0 == key => {
                    last.1 += a;
                    last.2 += s;
                }
                _ => sums.push((key, a, s)),
            }
        }
        let money = |f: i128| Money::checked_from_fen(f).unwrap_or(Money::ZERO);
        let rows: Vec<ExecutionRow> = sums
            .into_iter()
            .map(|(key, a, s)| ExecutionRow {
                key,
                allocated: money(a),
                spent: money(s),
            })
            .collect();
        let total = ExecutionRow::from_totals(money(total_a), money(total_s));
        Execution {
            options,
            year: self.year(),
            rows,
            total,
        }
    }
}
