//! Milestone checks (达到要求): each region's disbursement rate against the requirement
//! at the as-of date, with the gap in 百分点 and the money still to spend in 元.
//!
//! Published rule: the level above (e.g. 自治区) sets a minimum disbursement rate by a date
//! (序时进度, or a milestone table of the level above's choosing — the 30% by 31 March and
//! 75% by 30 September in examples are illustrations); a region
//! "达到要求" when spent ÷ allocated is at least that rate. The requirement is any
//! [`Schedule`]; the amounts are report values — a
//! [`RegionCode`] with the [`Progress`] of `ledger.execution(…)` for it (a row or a total).

use std::collections::HashSet;

use chrono::NaiveDate;

use super::PolicyError;
use crate::dim::{FiscalYear, RegionCode};
use crate::money::{Money, NoRatio, PercentagePoints, Ratio};
use crate::report::{Progress, Schedule};

/// The as-of date and the requirement (考核要求) a milestone check uses: any
/// [`Schedule`], usually [`Schedule::Milestones`] set by the level above.
///
/// # Example
///
/// ```
/// use fundtrack::report::Schedule;
/// use fundtrack::policy::milestone::MilestoneOptions;
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
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::milestone::{MilestoneOptions, check_milestones};
/// use fundtrack::report::{Progress, Schedule};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let opts = MilestoneOptions::new(d, Schedule::Fixed(Ratio::from_percent(dec!(75))?))?;
/// let county = Progress::of("2922.36万元".parse()?, "3976万元".parse()?);
/// let report = check_milestones([("450521".parse()?, &county)], &opts)?;
/// let c = &report.checks()[0];
/// assert_eq!(c.met(), Some(false));
/// assert_eq!(c.shortfall().to_string(), "596400.00元");
/// assert_eq!(c.progress().spent().to_string(), "29223600.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneCheck {
    region: RegionCode,
    progress: Progress,
    required: Ratio,
    rate: Result<Ratio, NoRatio>,
    gap: Option<PercentagePoints>,
    shortfall: Money,
}

impl MilestoneCheck {
    /// The region.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// The amounts checked: allocated and spent to the as-of date, as given.
    pub fn progress(&self) -> &Progress {
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
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Ratio};
/// use fundtrack::policy::milestone::{MilestoneOptions, check_milestones};
/// use fundtrack::report::{Progress, Schedule};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let opts = MilestoneOptions::new(d, Schedule::Fixed(Ratio::from_percent(dec!(75))?))?;
/// let ahead = Progress::of("80万元".parse()?, "100万元".parse()?);
/// let behind = Progress::of("70万元".parse()?, "100万元".parse()?);
/// let empty = Progress::of(Money::ZERO, Money::ZERO);
/// let (a, b, c) = ("450521".parse()?, "450502".parse()?, "450503".parse()?);
/// let report = check_milestones([(a, &ahead), (b, &behind), (c, &empty)], &opts)?;
/// assert_eq!(report.failing(), [b]);
/// assert_eq!(report.without_rate(), [c]);
/// assert_eq!(report.as_of(), d);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
/// The amounts are report values: for a county, the total of
/// `ledger.execution(ExecutionOptions::new(as_of).within(county))`; for every county at
/// once, the rows of an execution grouped `by_region(RegionLevel::County)` with the region
/// from each row's key.
///
/// # Example
///
/// Beihai to 2021-09-30 spent 30700.48 of 39757.09万元 (77.22%). The region's milestone is
/// not printed in the report; here it is a caller-supplied parameter of 75% by 30 September:
///
/// ```
/// use fundtrack::{Ratio, Rounding};
/// use fundtrack::report::{Milestones, Progress, Schedule};
/// use fundtrack::policy::milestone::{MilestoneOptions, check_milestones};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let sep30 = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let m = Milestones::new([(sep30, Ratio::from_percent(dec!(75))?)])?;
/// let opts = MilestoneOptions::new(sep30, Schedule::Milestones(m))?;
/// let beihai = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
/// let report = check_milestones([("450500".parse()?, &beihai)], &opts)?;
/// let c = &report.checks()[0];
/// assert_eq!(c.met(), Some(true));
/// assert_eq!(c.gap().unwrap().round(Rounding::default()).to_string(), "2.22");
/// assert!(c.shortfall().is_zero());
/// assert!(report.failing().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_milestones<P: AsRef<Progress>>(
    regions: impl IntoIterator<Item = (RegionCode, P)>,
    opts: &MilestoneOptions,
) -> Result<MilestoneReport, PolicyError> {
    let required = opts.schedule.expected(opts.year, opts.as_of);
    let mut seen = HashSet::new();
    let mut checks = Vec::new();
    for (region, row) in regions {
        let row = *row.as_ref();
        if !seen.insert(region) {
            return Err(PolicyError::Duplicate {
                what: "region",
                id: region.to_string(),
            });
        }
        let rate = row.rate();
        let gap = rate.ok().map(|r| r.minus(&required));
        // Without a rate there is nothing to fall short of; with one, the report's
        // shortfall (required × allocated − spent, rounded up to the 分).
        let shortfall = if rate.is_err() {
            Money::ZERO
        } else {
            row.shortfall(&required)
                .map_err(|_| PolicyError::overflow(format!("shortfall of region {region}")))?
        };
        checks.push(MilestoneCheck {
            region,
            progress: row,
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

    fn beihai() -> (RegionCode, Progress) {
        (
            region("450500"),
            Progress::of(wan("30700.48"), wan("39757.09")),
        )
    }

    /// The borrowed form `check_milestones` takes.
    fn refs(rows: &[(RegionCode, Progress)]) -> impl Iterator<Item = (RegionCode, &Progress)> {
        rows.iter().map(|(r, row)| (*r, row))
    }

    #[test]
    fn beihai_2021_meets_the_region_requirement() {
        // "达到自治区要求": the threshold is not printed; months schedule (75%) and a
        // caller-supplied milestone of 75% are both met, by 2.22 百分点.
        let by_months = check_milestones(
            refs(&[beihai()]),
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
            refs(&[beihai()]),
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
            (d(3, 31), Ratio::from_percent(dec!(30)).unwrap()),
            (d(9, 30), Ratio::from_percent(dec!(80)).unwrap()),
        ])
        .unwrap();
        let opts = MilestoneOptions::new(d(9, 30), Schedule::Milestones(m)).unwrap();
        let other = (region("450700"), Progress::of(wan("85"), wan("100")));
        let empty = (region("450800"), Progress::of(Money::ZERO, Money::ZERO));
        let r = check_milestones(refs(&[beihai(), other, empty]), &opts).unwrap();
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
        let p = Progress::of(Money::ZERO, Money::from_fen(10_001));
        let c = &check_milestones([(region("450521"), &p)], &opts)
            .unwrap()
            .checks()[0]
            .clone();
        assert_eq!(c.shortfall(), Money::from_fen(3_334));
        let after = Progress::of(Money::from_fen(3_334), Money::from_fen(10_001));
        assert_eq!(
            check_milestones([(region("450521"), &after)], &opts)
                .unwrap()
                .checks()[0]
                .met(),
            Some(true)
        );
        let dup =
            check_milestones([(region("450521"), &p), (region("450521"), &p)], &opts).unwrap_err();
        assert_eq!(dup.to_string(), "duplicate region 450521");
    }
}
