//! Project-pool coverage (项目库覆盖, "项目等资金").

use chrono::NaiveDate;

use super::{Average, ExecutionOptions};
use crate::dim::{RegionCode, SourceMix};
use crate::ledger::{Ledger, ledger_money};
use crate::money::{Money, NoRatio, Ratio};

/// What a pool-coverage report counts: as-of date, region (all by default) and the levels
/// whose money is available (all by default).
///
/// ```
/// use fundtrack::SourceMix;
/// use fundtrack::report::PoolCoverageOptions;
/// use chrono::NaiveDate;
/// let o = PoolCoverageOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap())
///     .within("450500".parse()?)
///     .sources(SourceMix::CentralAndProvincial);
/// assert_eq!(o.source_mix(), SourceMix::CentralAndProvincial);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PoolCoverageOptions {
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    as_of: NaiveDate,
    within: Option<RegionCode>,
    sources: SourceMix,
}

impl PoolCoverageOptions {
    /// Every pooled project against all money in place as of `as_of`.
    pub fn new(as_of: NaiveDate) -> PoolCoverageOptions {
        PoolCoverageOptions {
            as_of,
            within: None,
            sources: SourceMix::AllLevels,
        }
    }

    /// Only projects and money in `region` and the regions within it.
    #[must_use]
    pub fn within(mut self, region: RegionCode) -> PoolCoverageOptions {
        self.within = Some(region);
        self
    }

    /// Only money from these levels counts as available.
    #[must_use]
    pub fn sources(mut self, sources: SourceMix) -> PoolCoverageOptions {
        self.sources = sources;
        self
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The region filter.
    pub fn region_filter(&self) -> Option<RegionCode> {
        self.within
    }

    /// The source mix.
    pub fn source_mix(&self) -> SourceMix {
        self.sources
    }
}

impl From<NaiveDate> for PoolCoverageOptions {
    fn from(as_of: NaiveDate) -> PoolCoverageOptions {
        PoolCoverageOptions::new(as_of)
    }
}

/// How large the project pool is against the money available (项目库覆盖).
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::money::Unit;
/// use fundtrack::report::PoolCoverage;
///
/// // Beihai 2021: 391 projects, 4.49亿元 planned, 39757.09万元 in place.
/// let pool = PoolCoverage::from_totals("4.49亿元".parse()?, 391, "39757.09万元".parse()?);
/// assert_eq!(pool.coverage().unwrap().to_percent(Rounding::default()).to_string(), "112.94");
/// assert_eq!(pool.average().unwrap().money_in(Unit::Wan, Rounding::default()).to_string(), "114.83");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PoolCoverage {
    planned: Money,
    projects: u64,
    available: Money,
    spent_pooled: Option<Money>,
    spent: Option<Money>,
}

impl PoolCoverage {
    /// Coverage from totals: planned investment of pooled projects, their number, and the
    /// funds available.
    pub fn from_totals(planned: Money, projects: u64, available: Money) -> PoolCoverage {
        PoolCoverage {
            planned,
            projects,
            available,
            spent_pooled: None,
            spent: None,
        }
    }

    /// Adds spending on pooled projects and all spending, for [`PoolCoverage::pooled_spending_share`].
    #[must_use]
    pub fn with_spending(mut self, on_pooled: Money, total: Money) -> PoolCoverage {
        self.spent_pooled = Some(on_pooled);
        self.spent = Some(total);
        self
    }

    /// Planned investment of the pooled projects (计划总投资).
    pub fn planned(&self) -> Money {
        self.planned
    }

    /// Number of pooled projects.
    pub fn projects(&self) -> u64 {
        self.projects
    }

    /// Funds available.
    pub fn available(&self) -> Money {
        self.available
    }

    /// Planned ÷ available: above 100% means more projects than money ("项目等资金").
    pub fn coverage(&self) -> Result<Ratio, NoRatio> {
        Ratio::of(self.planned, self.available)
    }

    /// Average planned investment per project.
    pub fn average(&self) -> Result<Average, NoRatio> {
        let projects =
            crate::money::Count::from_tally(self.projects, crate::money::CountUnit::Project)
                .ok_or(NoRatio::OutOfRange)?;
        Average::new(self.planned, projects)
    }

    /// Share of spending that went to pooled projects; `None` without spending figures.
    ///
    /// From a ledger this is 100% unless money was spent on projects outside the pool:
    /// the ledger refuses such spending, so the figure matters for totals from elsewhere.
    pub fn pooled_spending_share(&self) -> Option<Result<Ratio, NoRatio>> {
        Some(Ratio::of(self.spent_pooled?, self.spent?))
    }
}

impl Ledger {
    /// Pool coverage as of a date: pooled projects in `within` (all when `None`) against the
    /// money in place from `sources`.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, ProjectStage, Rounding, SourceMix};
    /// use fundtrack::record::{Allocation, Project, Region};
    /// use fundtrack::report::PoolCoverageOptions;
    /// use chrono::NaiveDate;
    ///
    /// let county = "450521".parse()?;
    /// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    /// ledger.insert([Region::new(county, "合浦县")])?;
    /// ledger.insert([
    ///     Project::new("P-1".parse()?, county, Category::Industry, "300万元".parse()?, ProjectStage::InPool, 2021),
    ///     Project::new("P-2".parse()?, county, Category::Industry, "900万元".parse()?, ProjectStage::Proposed, 2021),
    /// ])?;
    /// ledger.insert([Allocation::new("A-1".parse()?, NaiveDate::from_ymd_opt(2021, 2, 1).unwrap(),
    ///     county, FundLevel::Central, "200万元".parse()?)])?;
    /// let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    /// let pool = ledger.pool_coverage(PoolCoverageOptions::new(as_of).sources(SourceMix::AllLevels));
    /// assert_eq!(pool.projects(), 1);
    /// assert_eq!(pool.coverage().unwrap().to_percent(Rounding::default()).to_string(), "150.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pool_coverage(&self, options: impl Into<PoolCoverageOptions>) -> PoolCoverage {
        let PoolCoverageOptions {
            as_of,
            within,
            sources,
        } = options.into();
        let inside = |r: RegionCode| within.is_none_or(|w| w.contains(r));
        let (mut planned, mut count) = (0i128, 0u64);
        for (region, fen, pooled) in self.planned() {
            if pooled && inside(region) {
                // Cannot overflow: the ledger keeps its gross amount (planned investment
                // included) within Money's range.
                planned += fen;
                count += 1;
            }
        }
        let mut opts = ExecutionOptions::new(as_of).sources(sources);
        if let Some(w) = within {
            opts = opts.within(w);
        }
        let exec = self.execution(opts);
        // Sums of expenditures: within the ledger's gross too (see `ledger_money`).
        let (mut on_pooled, mut all) = (0i128, 0i128);
        for (date, region, level, fen, pooled) in self.spending() {
            if date <= as_of && inside(region) && sources.includes(level) {
                all += fen;
                if pooled {
                    on_pooled += fen;
                }
            }
        }
        PoolCoverage::from_totals(ledger_money(planned), count, exec.total().allocated())
            .with_spending(ledger_money(on_pooled), ledger_money(all))
    }
}
