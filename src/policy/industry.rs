//! Industry-share rules (产业占比): each region's share of money for industry development
//! against a caller-supplied minimum, last year's share and an aim, with the failing
//! regions.
//!
//! Published rule: the share of transition funds (central + provincial, on allocated money
//! unless stated) used for industry development must reach a minimum — "中央财政衔接推进乡
//! 村振兴补助资金用于产业发展的比重力争提高到55%以上" (2022年中央一号文件, 中发〔2022〕1号),
//! raised to 60% in 2023 (中发〔2023〕1号); "not below the year before" is a local rule some
//! provinces add. Every threshold is a value the caller passes
//! ([`IndustryShareRule`]); the amounts are report values — the rows of
//! `ledger.execution(…)` grouped by level and category ([`IndustryShareInput::with_rows`]),
//! or amounts from elsewhere ([`IndustryShareInput::with_amounts`]).

use std::collections::HashSet;

use super::PolicyError;
use crate::dim::{Category, FundLevel, RegionCode, SourceMix};
use crate::money::{Money, NoRatio, PercentagePoints, Ratio};
use crate::report::{Basis, CategoryKey, ExecutionRow, IndustryShare};

/// An industry-share rule (产业占比要求) with caller-supplied thresholds: a minimum share,
/// optionally not below last year's share, and optionally an aim (力争) that is reported
/// but does not fail a region.
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::industry::IndustryShareRule;
/// use rust_decimal_macros::dec;
///
/// // 55% (中发〔2022〕1号), not below last year (a local rule) and the 60% aim of
/// // 中发〔2023〕1号, supplied as data.
/// let rule = IndustryShareRule::new(Ratio::from_percent(dec!(55))?)
///     .not_below_prior()
///     .with_aim(Ratio::from_percent(dec!(60))?);
/// assert_eq!(rule.minimum(), Ratio::from_percent(dec!(55))?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
/// use fundtrack::policy::industry::{IndustryShareCheckOptions, IndustryShareRule};
/// use rust_decimal_macros::dec;
///
/// let opts = IndustryShareCheckOptions::new(IndustryShareRule::new(Ratio::from_percent(dec!(55))?), SourceMix::CentralAndProvincial)
///     .basis(Basis::Spent);
/// # let _ = opts;
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
/// use fundtrack::policy::industry::IndustryShareInput;
/// use rust_decimal_macros::dec;
///
/// let input = IndustryShareInput::new("450521".parse()?)
///     .with_amounts(Basis::Allocated, [
///         (FundLevel::Central, Category::Industry, "600万元".parse()?),
///         (FundLevel::Central, Category::Infrastructure, "400万元".parse()?),
///     ])
///     .with_prior_share(Ratio::from_percent(dec!(58))?);
/// # let _ = input;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

    /// Adds the amounts of execution rows (预算执行情况), allocated and spent, by the fund
    /// level and category in each row's key. Rows are report values: ask
    /// `ledger.execution(ExecutionOptions::new(as_of).within(region).by_level().by_category())`.
    /// Money not yet assigned a category ([`CategoryKey::Unassigned`]) counts in the total,
    /// never as industry. The prior share is still the caller's to set.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] for a row whose key has no fund level or no category (the
    /// execution was not grouped by both).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Ratio, Rounding, SourceMix};
    /// use fundtrack::record::{Allocation, Region};
    /// use fundtrack::report::ExecutionOptions;
    /// use fundtrack::policy::industry::{IndustryShareInput, IndustryShareCheckOptions, IndustryShareRule, check_industry_shares};
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
    /// let by_bucket = ledger.execution(ExecutionOptions::new(d).within(county).by_level().by_category());
    /// let input = IndustryShareInput::new(county).with_rows(by_bucket.rows())?;
    /// let opts = IndustryShareCheckOptions::new(IndustryShareRule::new(Ratio::from_percent(dec!(55))?), SourceMix::CentralAndProvincial);
    /// let r = check_industry_shares([input], &opts)?;
    /// assert_eq!(r.rows()[0].share()?.to_percent(Rounding::default()).to_string(), "60.00");
    /// assert!(r.failing().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_rows<'a>(
        mut self,
        rows: impl IntoIterator<Item = &'a ExecutionRow>,
    ) -> Result<IndustryShareInput, PolicyError> {
        for row in rows {
            let key = row.key();
            let ungrouped = || {
                PolicyError::invalid(
                    format!("execution row for region {}", self.region),
                    "no fund level or category in its key (group the execution by level and category)",
                )
            };
            let level = key.level().ok_or_else(ungrouped)?;
            let category = match key.category().ok_or_else(ungrouped)? {
                CategoryKey::Assigned(c) => Some(c.clone()),
                CategoryKey::Unassigned => None,
            };
            self.rows
                .push((Basis::Allocated, level, category.clone(), row.allocated()));
            self.rows.push((Basis::Spent, level, category, row.spent()));
        }
        Ok(self)
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
/// use fundtrack::policy::industry::{IndustryShareInput, IndustryShareCheckOptions, IndustryShareRule, check_industry_shares};
/// use rust_decimal_macros::dec;
///
/// let rule = IndustryShareRule::new(Ratio::from_percent(dec!(55))?).not_below_prior();
/// let opts = IndustryShareCheckOptions::new(rule, SourceMix::CentralAndProvincial);
/// let a = IndustryShareInput::new("450521".parse()?)
///     .with_amounts(Basis::Allocated, [
///         (FundLevel::Central, Category::Industry, "540万元".parse()?),
///         (FundLevel::Provincial, Category::Infrastructure, "460万元".parse()?),
///         (FundLevel::County, Category::Industry, "500万元".parse()?), // not in the mix
///     ])
///     .with_prior_share(Ratio::from_percent(dec!(50))?);
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
    use rust_decimal_macros::dec;

    fn region(s: &str) -> RegionCode {
        s.parse().unwrap()
    }

    fn wan(s: &str) -> Money {
        Money::wan(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn industry_share_rules_on_mix_and_basis() {
        let rule = IndustryShareRule::new(Ratio::from_percent(dec!(55)).unwrap())
            .not_below_prior()
            .with_aim(Ratio::from_percent(dec!(60)).unwrap());
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
            .with_prior_share(Ratio::from_percent(dec!(60)).unwrap());
        // B: 620 of 1000 → 62%, prior 55% → passes, above the aim.
        let b = IndustryShareInput::new(region("450502"))
            .with_amounts(
                Basis::Allocated,
                [
                    c(FundLevel::Central, Category::Industry, "620"),
                    c(FundLevel::Provincial, Category::YuluPlan, "380"),
                ],
            )
            .with_prior_share(Ratio::from_percent(dec!(55)).unwrap());
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
            IndustryShareRule::new(Ratio::from_percent(dec!(55)).unwrap()).not_below_prior(),
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

    #[test]
    fn execution_rows_must_be_grouped_by_level_and_category() {
        use crate::dim::FiscalYear;
        use crate::ledger::Ledger;
        use crate::record::{Allocation, Region};
        use crate::report::ExecutionOptions;
        use chrono::NaiveDate;

        // Unassigned money counts in the total, never as industry.
        let d = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
        let county = region("450521");
        let mut ledger = Ledger::new(FiscalYear::new(2022).unwrap());
        ledger.insert([Region::new(county, "合浦县")]).unwrap();
        ledger
            .insert([
                Allocation::new(
                    "A-1".parse().unwrap(),
                    d,
                    county,
                    FundLevel::Central,
                    wan("600"),
                )
                .with_category(Category::Industry),
                Allocation::new(
                    "A-2".parse().unwrap(),
                    d,
                    county,
                    FundLevel::Central,
                    wan("400"),
                ),
            ])
            .unwrap();
        let rows = ledger.execution(
            ExecutionOptions::new(d)
                .within(county)
                .by_level()
                .by_category(),
        );
        let by_region =
            ledger.execution(ExecutionOptions::new(d).by_region(crate::dim::RegionLevel::County));
        let e = IndustryShareInput::new(county)
            .with_rows(by_region.rows())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "execution row for region 450521: no fund level or category in its key (group the execution by level and category)"
        );
        let input = IndustryShareInput::new(county)
            .with_rows(rows.rows())
            .unwrap();
        let opts = IndustryShareCheckOptions::new(
            IndustryShareRule::new(Ratio::from_percent(dec!(55)).unwrap()),
            SourceMix::AllLevels,
        );
        let r = check_industry_shares([input], &opts).unwrap();
        assert_eq!(
            (r.rows()[0].industry(), r.rows()[0].total()),
            (wan("600"), wan("1000"))
        );
    }
}
