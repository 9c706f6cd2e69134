//! Milestones and thresholds (达到要求): disbursement milestones per region with the
//! shortfall in 元 and in 百分点, and industry-share rules (产业占比) with the failing
//! regions.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{PolicyError, mul_ratio};
use crate::dim::{Category, FiscalYear, FundLevel, RegionCode, SourceMix};
use crate::ledger::Ledger;
use crate::money::{Money, NoRatio, PercentagePoints, Ratio, RoundMode};
use crate::report::{Basis, IndustryShare, Schedule};

/// Allocated and spent money of one region at the as-of date (地区执行情况).
///
/// # Example
///
/// ```
/// use fundtrack::policy::RegionProgress;
///
/// let p = RegionProgress::new("450500".parse()?, "39757.09万元".parse()?, "30700.48万元".parse()?);
/// assert_eq!(p.spent().to_string(), "307004800.00元");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RegionProgress {
    region: RegionCode,
    allocated: Money,
    spent: Money,
}

impl RegionProgress {
    /// `region` has had `allocated` and spent `spent`.
    pub fn new(region: RegionCode, allocated: Money, spent: Money) -> RegionProgress {
        RegionProgress {
            region,
            allocated,
            spent,
        }
    }

    /// A region's progress read from a [`Ledger`]: money in place and spent up to and
    /// including `as_of` in the buckets held in `region` or within it (each 元 counted once,
    /// where it is held), of the fund levels in `mix`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when a sum overflows.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, SourceMix};
    /// use fundtrack::record::{Allocation, Region};
    /// use fundtrack::policy::RegionProgress;
    /// use chrono::NaiveDate;
    ///
    /// let d = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    /// let (city, county) = ("450500".parse()?, "450521".parse()?);
    /// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    /// ledger.insert([Region::new(city, "北海市"), Region::new(county, "合浦县")])?;
    /// ledger.insert([
    ///     Allocation::new("A-1".parse()?, d, county, FundLevel::Central, "600万元".parse()?).with_category(Category::Industry),
    ///     Allocation::new("A-2".parse()?, d, city, FundLevel::City, "400万元".parse()?).with_category(Category::Infrastructure),
    /// ])?;
    /// let p = RegionProgress::from_ledger(&ledger, city, d, SourceMix::AllLevels)?;
    /// assert_eq!(p.allocated().to_string(), "10000000.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_ledger(
        ledger: &Ledger,
        region: RegionCode,
        as_of: NaiveDate,
        mix: SourceMix,
    ) -> Result<RegionProgress, PolicyError> {
        let overflow = || PolicyError::overflow(format!("progress of region {region}"));
        let (mut allocated, mut spent) = (Money::ZERO, Money::ZERO);
        for view in ledger.buckets() {
            let b = view.bucket();
            if !region.contains(b.region()) || !mix.includes(b.level()) {
                continue;
            }
            allocated = allocated
                .checked_add(view.allocated(as_of))
                .ok_or_else(overflow)?;
            spent = spent.checked_add(view.spent(as_of)).ok_or_else(overflow)?;
        }
        Ok(RegionProgress {
            region,
            allocated,
            spent,
        })
    }

    /// The region.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// Money allocated to date.
    pub fn allocated(&self) -> Money {
        self.allocated
    }

    /// Money spent to date.
    pub fn spent(&self) -> Money {
        self.spent
    }
}

/// The as-of date and the requirement (考核要求) a milestone check uses: any
/// [`Schedule`], usually [`Schedule::Milestones`] set by the level above.
///
/// # Example
///
/// ```
/// use fundtrack::report::Schedule;
/// use fundtrack::policy::MilestoneOptions;
/// use chrono::NaiveDate;
///
/// let opts = MilestoneOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap(), Schedule::Months)?;
/// assert_eq!(opts.as_of(), NaiveDate::from_ymd_opt(2021, 9, 30).unwrap());
/// # Ok::<(), fundtrack::policy::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneOptions {
    as_of: NaiveDate,
    year: FiscalYear,
    schedule: Schedule,
}

impl MilestoneOptions {
    /// Check at the end of `as_of` against `schedule`, in the fiscal year of `as_of`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Parse`] for a date outside the years a [`FiscalYear`] holds.
    pub fn new(as_of: NaiveDate, schedule: Schedule) -> Result<MilestoneOptions, PolicyError> {
        Ok(MilestoneOptions {
            as_of,
            year: FiscalYear::of(as_of)?,
            schedule,
        })
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }
}

/// One region against its requirement (是否达到要求).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneCheck {
    progress: RegionProgress,
    required: Ratio,
    rate: Result<Ratio, NoRatio>,
    gap: Option<PercentagePoints>,
    shortfall: Money,
}

impl MilestoneCheck {
    /// The region.
    pub fn region(&self) -> RegionCode {
        self.progress.region
    }

    /// The inputs.
    pub fn progress(&self) -> &RegionProgress {
        &self.progress
    }

    /// The minimum rate required at the date, exact.
    pub fn required(&self) -> Ratio {
        self.required
    }

    /// The disbursement rate, unrounded, or why there is none (nothing allocated).
    pub fn rate(&self) -> Result<Ratio, NoRatio> {
        self.rate
    }

    /// Whether the requirement is met (达到要求); `None` when there is no rate.
    pub fn met(&self) -> Option<bool> {
        self.gap.as_ref().map(|g| !g.is_negative())
    }

    /// Rate − requirement in 百分点, from unrounded values (negative when behind).
    pub fn gap(&self) -> Option<&PercentagePoints> {
        self.gap.as_ref()
    }

    /// The money still to spend to reach the requirement (还需支出), 0 when met:
    /// required × allocated − spent, rounded **up** to the 分 — one 分 less would leave
    /// the rate below the requirement.
    pub fn shortfall(&self) -> Money {
        self.shortfall
    }
}

/// Milestone checks for a set of regions, with the failing ones (未达到要求的地区).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneReport {
    as_of: NaiveDate,
    checks: Vec<MilestoneCheck>,
}

impl MilestoneReport {
    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Every region, in input order.
    pub fn checks(&self) -> &[MilestoneCheck] {
        &self.checks
    }

    /// Regions below their requirement, in input order.
    pub fn failing(&self) -> Vec<RegionCode> {
        self.checks
            .iter()
            .filter(|c| c.met() == Some(false))
            .map(MilestoneCheck::region)
            .collect()
    }

    /// Regions without a rate (nothing allocated), reported rather than passed or failed.
    pub fn without_rate(&self) -> Vec<RegionCode> {
        self.checks
            .iter()
            .filter(|c| c.met().is_none())
            .map(MilestoneCheck::region)
            .collect()
    }
}

/// Checks each region's disbursement rate against the requirement at the as-of date
/// ("达到自治区要求").
///
/// Rule: rate = spent ÷ allocated (unrounded); the requirement is the schedule's expected
/// rate at `as_of` (for [`Schedule::Milestones`] the latest milestone on or before it); the
/// region meets it when rate ≥ requirement. The gap in 百分点 is computed from the
/// unrounded values; the shortfall in 元 is rounded up to the 分.
///
/// # Errors
///
/// [`PolicyError::Duplicate`] for a region given twice; [`PolicyError::Overflow`] when the
/// shortfall does not fit.
///
/// # Example
///
/// Beihai to 2021-09-30 spent 30700.48 of 39757.09万元 (77.22%). The region's milestone is
/// not printed in the report; here it is a caller-supplied parameter of 75% by 30 September:
///
/// ```
/// use fundtrack::{Ratio, Rounding};
/// use fundtrack::report::{Milestones, Schedule};
/// use fundtrack::policy::{MilestoneOptions, RegionProgress, check_milestones};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let sep30 = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let m = Milestones::new([(sep30, Ratio::from_percent(dec!(75)))])?;
/// let opts = MilestoneOptions::new(sep30, Schedule::Milestones(m))?;
/// let beihai = RegionProgress::new("450500".parse()?, "39757.09万元".parse()?, "30700.48万元".parse()?);
/// let report = check_milestones([beihai], &opts)?;
/// let c = &report.checks()[0];
/// assert_eq!(c.met(), Some(true));
/// assert_eq!(c.gap().unwrap().round(Rounding::default()).to_string(), "2.22");
/// assert!(c.shortfall().is_zero());
/// assert!(report.failing().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_milestones(
    regions: impl IntoIterator<Item = RegionProgress>,
    opts: &MilestoneOptions,
) -> Result<MilestoneReport, PolicyError> {
    let required = opts.schedule.expected(opts.year, opts.as_of);
    let mut seen = HashSet::new();
    let mut checks = Vec::new();
    for p in regions {
        if !seen.insert(p.region) {
            return Err(PolicyError::Duplicate {
                what: "region",
                id: p.region.to_string(),
            });
        }
        let rate = Ratio::of(p.spent, p.allocated);
        let gap = rate.ok().map(|r| r.minus(&required));
        // required × allocated rounded up to the 分, less what is spent (whole 分): the
        // same as rounding required × allocated − spent up.
        let shortfall = if rate.is_err() {
            Money::ZERO
        } else {
            let overflow = || PolicyError::overflow(format!("shortfall of region {}", p.region));
            let needed = mul_ratio(p.allocated, &required, RoundMode::Ceil).ok_or_else(overflow)?;
            let short = needed.checked_sub(p.spent).ok_or_else(overflow)?;
            if short.is_positive() {
                short
            } else {
                Money::ZERO
            }
        };
        checks.push(MilestoneCheck {
            progress: p,
            required,
            rate,
            gap,
            shortfall,
        });
    }
    Ok(MilestoneReport {
        as_of: opts.as_of,
        checks,
    })
}

/// An industry-share rule (产业占比要求) with caller-supplied thresholds: a minimum share,
/// optionally not below last year's share, and optionally an aim (力争) that is reported
/// but does not fail a region.
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::IndustryShareRule;
/// use rust_decimal_macros::dec;
///
/// // The documented 2022 rule and 2023 aim, supplied as data.
/// let rule = IndustryShareRule::new(Ratio::from_percent(dec!(55)))
///     .not_below_prior()
///     .with_aim(Ratio::from_percent(dec!(60)));
/// assert_eq!(rule.minimum(), Ratio::from_percent(dec!(55)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IndustryShareRule {
    minimum: Ratio,
    not_below_prior: bool,
    aim: Option<Ratio>,
}

impl IndustryShareRule {
    /// At least `minimum`.
    pub fn new(minimum: Ratio) -> IndustryShareRule {
        IndustryShareRule {
            minimum,
            not_below_prior: false,
            aim: None,
        }
    }

    /// Also not below the region's share last year (不低于上年).
    #[must_use]
    pub fn not_below_prior(mut self) -> IndustryShareRule {
        self.not_below_prior = true;
        self
    }

    /// An aim (力争达到), reported separately.
    #[must_use]
    pub fn with_aim(mut self, aim: Ratio) -> IndustryShareRule {
        self.aim = Some(aim);
        self
    }

    /// The minimum share.
    pub fn minimum(&self) -> Ratio {
        self.minimum
    }
}

/// How an industry share is evaluated (测算口径): the rule, the source mix (which fund
/// levels count), the basis, and which categories count as industry.
///
/// # Example
///
/// ```
/// use fundtrack::{Ratio, SourceMix};
/// use fundtrack::report::Basis;
/// use fundtrack::policy::{IndustryShareCheckOptions, IndustryShareRule};
/// use rust_decimal_macros::dec;
///
/// let opts = IndustryShareCheckOptions::new(IndustryShareRule::new(Ratio::from_percent(dec!(55))), SourceMix::CentralAndProvincial)
///     .basis(Basis::Spent);
/// # let _ = opts;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndustryShareCheckOptions {
    rule: IndustryShareRule,
    mix: SourceMix,
    basis: Basis,
    industry: Vec<Category>,
}

impl IndustryShareCheckOptions {
    /// `rule` on money of the levels in `mix`, on allocated amounts, counting
    /// [`Category::Industry`] as industry unless set.
    pub fn new(rule: IndustryShareRule, mix: SourceMix) -> IndustryShareCheckOptions {
        IndustryShareCheckOptions {
            rule,
            mix,
            basis: Basis::Allocated,
            industry: vec![Category::Industry],
        }
    }

    /// Sets the basis (allocated or spent).
    #[must_use]
    pub fn basis(mut self, basis: Basis) -> IndustryShareCheckOptions {
        self.basis = basis;
        self
    }

    /// Sets which categories count as industry (e.g. also a locality's own 产业 label).
    #[must_use]
    pub fn industry_categories(
        mut self,
        categories: impl IntoIterator<Item = Category>,
    ) -> IndustryShareCheckOptions {
        self.industry = categories.into_iter().collect();
        self
    }
}

/// One region's amounts by (fund level, category) and last year's share (产业占比输入).
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel, Ratio};
/// use fundtrack::report::Basis;
/// use fundtrack::policy::IndustryShareInput;
/// use rust_decimal_macros::dec;
///
/// let input = IndustryShareInput::new("450521".parse()?)
///     .with_amounts(Basis::Allocated, [
///         (FundLevel::Central, Category::Industry, "600万元".parse()?),
///         (FundLevel::Central, Category::Infrastructure, "400万元".parse()?),
///     ])
///     .with_prior_share(Ratio::from_percent(dec!(58)));
/// # let _ = input;
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IndustryShareInput {
    region: RegionCode,
    rows: Vec<(Basis, FundLevel, Option<Category>, Money)>,
    prior_share: Option<Ratio>,
}

impl IndustryShareInput {
    /// No amounts yet for `region`.
    pub fn new(region: RegionCode) -> IndustryShareInput {
        IndustryShareInput {
            region,
            rows: Vec::new(),
            prior_share: None,
        }
    }

    /// A region's amounts read from a [`Ledger`]: allocated and spent up to and including
    /// `as_of`, by (level, category), of the buckets held in `region` or within it. Money
    /// not yet assigned a category counts in the total, never as industry. The prior share
    /// is still the caller's to set.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Ratio, Rounding, SourceMix};
    /// use fundtrack::record::{Allocation, Region};
    /// use fundtrack::policy::{IndustryShareInput, IndustryShareCheckOptions, IndustryShareRule, check_industry_shares};
    /// use chrono::NaiveDate;
    /// use rust_decimal_macros::dec;
    ///
    /// let d = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
    /// let county = "450521".parse()?;
    /// let mut ledger = Ledger::new(FiscalYear::new(2022)?);
    /// ledger.insert([Region::new(county, "合浦县")])?;
    /// ledger.insert([
    ///     Allocation::new("A-1".parse()?, d, county, FundLevel::Central, "600万元".parse()?).with_category(Category::Industry),
    ///     Allocation::new("A-2".parse()?, d, county, FundLevel::Provincial, "400万元".parse()?).with_category(Category::Infrastructure),
    /// ])?;
    /// let input = IndustryShareInput::from_ledger(&ledger, county, d);
    /// let opts = IndustryShareCheckOptions::new(IndustryShareRule::new(Ratio::from_percent(dec!(55))), SourceMix::CentralAndProvincial);
    /// let r = check_industry_shares([input], &opts)?;
    /// assert_eq!(r.rows()[0].share()?.to_percent(Rounding::default()).to_string(), "60.00");
    /// assert!(r.failing().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_ledger(
        ledger: &Ledger,
        region: RegionCode,
        as_of: NaiveDate,
    ) -> IndustryShareInput {
        let mut rows = Vec::new();
        for view in ledger.buckets() {
            let b = view.bucket();
            if !region.contains(b.region()) {
                continue;
            }
            let category = b.category().cloned();
            rows.push((
                Basis::Allocated,
                b.level(),
                category.clone(),
                view.allocated(as_of),
            ));
            rows.push((Basis::Spent, b.level(), category, view.spent(as_of)));
        }
        IndustryShareInput {
            region,
            rows,
            prior_share: None,
        }
    }

    /// Adds amounts on `basis` by (level, category); repeated buckets add up.
    #[must_use]
    pub fn with_amounts(
        mut self,
        basis: Basis,
        amounts: impl IntoIterator<Item = (FundLevel, Category, Money)>,
    ) -> IndustryShareInput {
        self.rows
            .extend(amounts.into_iter().map(|(l, c, m)| (basis, l, Some(c), m)));
        self
    }

    /// Sets last year's industry share, on the same basis and mix.
    #[must_use]
    pub fn with_prior_share(mut self, share: Ratio) -> IndustryShareInput {
        self.prior_share = Some(share);
        self
    }
}

/// A reason a region fails an industry-share rule (未达标情形).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShareFinding {
    /// 无法计算: no share (no money of the mix and basis).
    NoShare(NoRatio),
    /// 低于下限: below the minimum by the gap (positive 百分点).
    BelowMinimum(PercentagePoints),
    /// 低于上年: below last year's share by the gap (positive 百分点).
    BelowPrior(PercentagePoints),
    /// 缺少上年占比: the rule compares with last year, but no prior share was given.
    PriorMissing,
}

impl ShareFinding {
    /// The Chinese label.
    pub fn as_str(&self) -> &'static str {
        match self {
            ShareFinding::NoShare(_) => "无法计算",
            ShareFinding::BelowMinimum(_) => "低于下限",
            ShareFinding::BelowPrior(_) => "低于上年",
            ShareFinding::PriorMissing => "缺少上年占比",
        }
    }
}

/// One region's industry share against the rule (产业占比测算结果).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndustryShareResult {
    region: RegionCode,
    industry: Money,
    total: Money,
    share: Result<Ratio, NoRatio>,
    findings: Vec<ShareFinding>,
    aim_gap: Option<PercentagePoints>,
}

impl IndustryShareResult {
    /// The region.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// Industry money of the mix and basis.
    pub fn industry(&self) -> Money {
        self.industry
    }

    /// All money of the mix and basis.
    pub fn total(&self) -> Money {
        self.total
    }

    /// industry ÷ total, unrounded.
    pub fn share(&self) -> Result<Ratio, NoRatio> {
        self.share
    }

    /// Every rule the region fails; empty when it passes.
    pub fn findings(&self) -> &[ShareFinding] {
        &self.findings
    }

    /// `true` when no rule fails.
    pub fn passes(&self) -> bool {
        self.findings.is_empty()
    }

    /// share − aim in 百分点, when an aim is set and there is a share.
    pub fn aim_gap(&self) -> Option<&PercentagePoints> {
        self.aim_gap.as_ref()
    }
}

/// Industry shares for a set of regions, with the failing ones (产业占比未达标地区).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndustryShareReport {
    mix: SourceMix,
    basis: Basis,
    rows: Vec<IndustryShareResult>,
}

impl IndustryShareReport {
    /// The source mix used.
    pub fn mix(&self) -> SourceMix {
        self.mix
    }

    /// The basis used.
    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// Every region, in input order.
    pub fn rows(&self) -> &[IndustryShareResult] {
        &self.rows
    }

    /// Regions failing the rule, in input order.
    pub fn failing(&self) -> Vec<RegionCode> {
        self.rows
            .iter()
            .filter(|r| !r.passes())
            .map(IndustryShareResult::region)
            .collect()
    }
}

/// Evaluates industry-share rules per region (产业占比考核).
///
/// Rule: share = Σ amounts of the industry categories ÷ Σ all amounts, both over the fund
/// levels in the source mix and on the chosen basis; a region fails when the share is
/// below the minimum, or (when the rule says so) below last year's share, or when it has
/// no share or no prior share to compare with. Gaps are in 百分点 from unrounded values.
///
/// # Errors
///
/// [`PolicyError::Duplicate`] for a region given twice; [`PolicyError::Overflow`] when a
/// sum overflows.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel, Ratio, Rounding, SourceMix};
/// use fundtrack::report::Basis;
/// use fundtrack::policy::{IndustryShareInput, IndustryShareCheckOptions, IndustryShareRule, check_industry_shares};
/// use rust_decimal_macros::dec;
///
/// let rule = IndustryShareRule::new(Ratio::from_percent(dec!(55))).not_below_prior();
/// let opts = IndustryShareCheckOptions::new(rule, SourceMix::CentralAndProvincial);
/// let a = IndustryShareInput::new("450521".parse()?)
///     .with_amounts(Basis::Allocated, [
///         (FundLevel::Central, Category::Industry, "540万元".parse()?),
///         (FundLevel::Provincial, Category::Infrastructure, "460万元".parse()?),
///         (FundLevel::County, Category::Industry, "500万元".parse()?), // not in the mix
///     ])
///     .with_prior_share(Ratio::from_percent(dec!(50)));
/// let report = check_industry_shares([a], &opts)?;
/// let row = &report.rows()[0];
/// assert_eq!(row.share()?.to_percent(Rounding::default()).to_string(), "54.00");
/// assert_eq!(row.findings()[0].as_str(), "低于下限");
/// assert_eq!(report.failing(), ["450521".parse()?]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_industry_shares(
    inputs: impl IntoIterator<Item = IndustryShareInput>,
    opts: &IndustryShareCheckOptions,
) -> Result<IndustryShareReport, PolicyError> {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for input in inputs {
        if !seen.insert(input.region) {
            return Err(PolicyError::Duplicate {
                what: "region",
                id: input.region.to_string(),
            });
        }
        let overflow =
            || PolicyError::overflow(format!("industry share of region {}", input.region));
        let mut industry = Money::ZERO;
        let mut total = Money::ZERO;
        for (basis, level, category, amount) in &input.rows {
            if *basis != opts.basis || !opts.mix.includes(*level) {
                continue;
            }
            total = total.checked_add(*amount).ok_or_else(overflow)?;
            if category.as_ref().is_some_and(|c| opts.industry.contains(c)) {
                industry = industry.checked_add(*amount).ok_or_else(overflow)?;
            }
        }
        let share = IndustryShare::from_totals(industry, total).share();
        let mut findings = Vec::new();
        let mut aim_gap = None;
        match share {
            Err(why) => findings.push(ShareFinding::NoShare(why)),
            Ok(s) => {
                let gap = s.minus(&opts.rule.minimum);
                if gap.is_negative() {
                    findings.push(ShareFinding::BelowMinimum(gap.abs()));
                }
                if opts.rule.not_below_prior {
                    match input.prior_share {
                        None => findings.push(ShareFinding::PriorMissing),
                        Some(prior) => {
                            let gap = s.minus(&prior);
                            if gap.is_negative() {
                                findings.push(ShareFinding::BelowPrior(gap.abs()));
                            }
                        }
                    }
                }
                aim_gap = opts.rule.aim.map(|aim| s.minus(&aim));
            }
        }
        rows.push(IndustryShareResult {
            region: input.region,
            industry,
            total,
            share,
            findings,
            aim_gap,
        });
    }
    Ok(IndustryShareReport {
        mix: opts.mix,
        basis: opts.basis,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use crate::report::Milestones;
    use rust_decimal_macros::dec;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    fn region(s: &str) -> RegionCode {
        s.parse().unwrap()
    }

    fn wan(s: &str) -> Money {
        Money::wan(s.parse().unwrap()).unwrap()
    }

    fn beihai() -> RegionProgress {
        RegionProgress::new(region("450500"), wan("39757.09"), wan("30700.48"))
    }

    #[test]
    fn beihai_2021_meets_the_region_requirement() {
        // "达到自治区要求": the threshold is not printed; months schedule (75%) and a
        // caller-supplied milestone of 75% are both met, by 2.22 百分点.
        let by_months = check_milestones(
            [beihai()],
            &MilestoneOptions::new(d(9, 30), Schedule::Months).unwrap(),
        )
        .unwrap();
        let c = &by_months.checks()[0];
        assert_eq!(
            c.rate().unwrap().to_percent(Rounding::default()),
            dec!(77.22)
        );
        assert_eq!(c.met(), Some(true));
        assert_eq!(c.gap().unwrap().round(Rounding::default()), dec!(2.22));
        assert_eq!(c.shortfall(), Money::ZERO);
        // Against days (273/365 = 74.79%): 2.43 百分点 ahead.
        let by_days = check_milestones(
            [beihai()],
            &MilestoneOptions::new(d(9, 30), Schedule::Days).unwrap(),
        )
        .unwrap();
        assert_eq!(
            by_days.checks()[0]
                .gap()
                .unwrap()
                .round(Rounding::default()),
            dec!(2.43)
        );
    }

    #[test]
    fn shortfall_in_yuan_and_points_against_a_higher_milestone() {
        // A hypothetical 80% milestone by 30 September: 0.8 × 397570900 = 318056720;
        // 318056720 − 307004800 = 11051920.00元 short; 77.2201 − 80 = −2.78 百分点.
        let m = Milestones::new([
            (d(3, 31), Ratio::from_percent(dec!(30))),
            (d(9, 30), Ratio::from_percent(dec!(80))),
        ])
        .unwrap();
        let opts = MilestoneOptions::new(d(9, 30), Schedule::Milestones(m)).unwrap();
        let other = RegionProgress::new(region("450700"), wan("100"), wan("85"));
        let empty = RegionProgress::new(region("450800"), Money::ZERO, Money::ZERO);
        let r = check_milestones([beihai(), other, empty], &opts).unwrap();
        let c = &r.checks()[0];
        assert_eq!(c.met(), Some(false));
        assert_eq!(c.shortfall(), Money::from_fen(1_105_192_000));
        assert_eq!(c.gap().unwrap().round(Rounding::default()), dec!(-2.78));
        assert_eq!(r.failing(), [region("450500")]);
        assert_eq!(r.without_rate(), [region("450800")]);
        assert_eq!(r.checks()[2].rate(), Err(NoRatio::ZeroBase));
    }

    #[test]
    fn shortfall_is_rounded_up_to_the_fen() {
        // 1/3 of 100.01元 = 33.3366…元: 33.33 would leave the rate below a third.
        let opts =
            MilestoneOptions::new(d(6, 30), Schedule::Fixed(Ratio::from_counts(1, 3).unwrap()))
                .unwrap();
        let p = RegionProgress::new(region("450521"), Money::from_fen(10_001), Money::ZERO);
        let c = &check_milestones([p], &opts).unwrap().checks()[0].clone();
        assert_eq!(c.shortfall(), Money::from_fen(3_334));
        let after = RegionProgress::new(
            region("450521"),
            Money::from_fen(10_001),
            Money::from_fen(3_334),
        );
        assert_eq!(
            check_milestones([after], &opts).unwrap().checks()[0].met(),
            Some(true)
        );
        let dup = check_milestones([p, p], &opts).unwrap_err();
        assert_eq!(dup.to_string(), "duplicate region 450521");
    }

    #[test]
    fn industry_share_rules_on_mix_and_basis() {
        let rule = IndustryShareRule::new(Ratio::from_percent(dec!(55)))
            .not_below_prior()
            .with_aim(Ratio::from_percent(dec!(60)));
        let c = |l, cat, m: &str| (l, cat, wan(m));
        // A: central+provincial allocated 580 industry of 1000 → 58%; prior 60% → below prior by 2.
        let a = IndustryShareInput::new(region("450521"))
            .with_amounts(
                Basis::Allocated,
                [
                    c(FundLevel::Central, Category::Industry, "500"),
                    c(FundLevel::Provincial, Category::Industry, "80"),
                    c(FundLevel::Central, Category::Infrastructure, "420"),
                    c(FundLevel::City, Category::Infrastructure, "1000"),
                ],
            )
            .with_amounts(
                Basis::Spent,
                [
                    c(FundLevel::Central, Category::Industry, "100"),
                    c(FundLevel::Central, Category::Other, "300"),
                ],
            )
            .with_prior_share(Ratio::from_percent(dec!(60)));
        // B: 620 of 1000 → 62%, prior 55% → passes, above the aim.
        let b = IndustryShareInput::new(region("450502"))
            .with_amounts(
                Basis::Allocated,
                [
                    c(FundLevel::Central, Category::Industry, "620"),
                    c(FundLevel::Provincial, Category::YuluPlan, "380"),
                ],
            )
            .with_prior_share(Ratio::from_percent(dec!(55)));
        // C: no prior share given.
        let cc = IndustryShareInput::new(region("450503")).with_amounts(
            Basis::Allocated,
            [c(FundLevel::Central, Category::Industry, "1")],
        );
        // D: nothing in the mix.
        let dd = IndustryShareInput::new(region("450504")).with_amounts(
            Basis::Allocated,
            [c(FundLevel::County, Category::Industry, "1")],
        );
        let opts = IndustryShareCheckOptions::new(rule, SourceMix::CentralAndProvincial);
        let r = check_industry_shares([a.clone(), b, cc, dd], &opts).unwrap();
        let ra = &r.rows()[0];
        assert_eq!((ra.industry(), ra.total()), (wan("580"), wan("1000")));
        assert_eq!(ra.findings().len(), 1);
        match &ra.findings()[0] {
            ShareFinding::BelowPrior(gap) => assert_eq!(gap.round(Rounding::default()), dec!(2.00)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            ra.aim_gap().unwrap().round(Rounding::default()),
            dec!(-2.00)
        );
        assert!(r.rows()[1].passes());
        assert_eq!(
            r.rows()[1].aim_gap().unwrap().round(Rounding::default()),
            dec!(2.00)
        );
        assert_eq!(r.rows()[2].findings(), [ShareFinding::PriorMissing]);
        assert_eq!(
            r.rows()[3].findings(),
            [ShareFinding::NoShare(NoRatio::ZeroBase)]
        );
        assert_eq!(
            r.failing(),
            [region("450521"), region("450503"), region("450504")]
        );

        // Spent basis, all levels: A has 100 of 400 → 25%: below 55 by 30 and below prior.
        let spent = IndustryShareCheckOptions::new(
            IndustryShareRule::new(Ratio::from_percent(dec!(55))).not_below_prior(),
            SourceMix::AllLevels,
        )
        .basis(Basis::Spent);
        let r = check_industry_shares([a.clone()], &spent).unwrap();
        let kinds: Vec<&str> = r.rows()[0]
            .findings()
            .iter()
            .map(ShareFinding::as_str)
            .collect();
        assert_eq!(kinds, ["低于下限", "低于上年"]);
        // Counting 其他 as industry too: 400 of 400.
        let wide = spent.industry_categories([Category::Industry, Category::Other]);
        assert!(check_industry_shares([a], &wide).unwrap().rows()[0].passes());
    }
}
