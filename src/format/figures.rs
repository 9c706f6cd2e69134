//! Every figure of a report as JSON-ready decimal strings (数据接口), with the rounding of
//! each stated.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::monthly::{ordered_rows, subtotal_of};
use super::names::{RegionNames, region_name};
use crate::money::Rounding;
use crate::report::{Execution, GroupKey, Grouping, Progress, Schedule};

/// Every figure of an execution report as decimal strings, for a web front end or another
/// system: amounts in 元 (exact, to the 分), rates in %, gaps in 百分点, each rounded once
/// with the rounding stated in [`FigureRounding`]; so nobody downstream recomputes a rate
/// in floats. Serialise with [`to_json`](crate::format::to_json); it reads back equal with
/// [`from_json`](crate::format::from_json).
///
/// Rows come in reading order (each region's rows, then its 小计 rows, then subtotals
/// across regions); `region`, `level` and `category` are `null` where a row is not split
/// by that dimension, and `subtotal` names the kind of a 小计 row (`region_level`,
/// `region_category`, `region`, `level`, `category`, …) or is `null` on a detail row.
/// `total` is the 合计 (its `subtotal` is `total`).
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger, Rounding};
/// use fundtrack::format::{Figures, from_json, to_json};
/// use fundtrack::record::{Allocation, Region};
/// use fundtrack::report::ExecutionOptions;
/// use fundtrack::dim::RegionLevel;
/// use chrono::NaiveDate;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
/// let county = "450521".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(county, "合浦县")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d(9, 3), county, FundLevel::Central, "3976万元".parse()?)])?;
/// let report = ledger.execution(ExecutionOptions::monthly(d(9, 30), RegionLevel::County));
/// let figures = Figures::new(&report, Some(&ledger), Rounding::default());
/// let json = to_json(&figures)?;
/// assert!(json.contains(r#""kind": "months""#) && json.contains(r#""percent": "75.00""#));
/// assert!(json.contains(r#""allocated": "39760000.00""#));
/// assert_eq!(figures.total.month_allocated.as_deref(), Some("39760000.00"));
/// assert_eq!(from_json::<Figures>(&json)?, figures);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// The as-of date (inclusive).
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    pub as_of: NaiveDate,
    /// The period of `month_spent` (`from` exclusive, `to` inclusive), or `null`.
    pub period: Option<FigurePeriod>,
    /// The schedule the gaps are taken against, and its expected rate in %.
    pub schedule: FigureSchedule,
    /// How each kind of figure was rounded.
    pub rounding: FigureRounding,
    /// The 合计.
    pub total: FigureRow,
    /// The rows, 小计 rows included.
    pub rows: Vec<FigureRow>,
}

/// The period of a report, (`from`, `to`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigurePeriod {
    /// The day before the period (exclusive).
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    pub from: NaiveDate,
    /// The last day of the period (inclusive): the as-of date.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    pub to: NaiveDate,
}

/// The schedule of a report: its machine name (`months`, `days`, `per_month`, `fixed`,
/// `milestones`) and its expected rate at the as-of date in %.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureSchedule {
    /// The machine name of the schedule.
    pub kind: String,
    /// The expected rate (序时进度) in %, rounded as `rounding.rates` says.
    pub percent: String,
}

/// The rounding of each kind of figure, stated in words a program can check:
/// `exact` for amounts, `half_up 2` (mode, decimal places) for rates and gaps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureRounding {
    /// Amounts, in 元: `exact` (every 分).
    pub amounts: String,
    /// Rates and the schedule, in %.
    pub rates: String,
    /// Gaps to the schedule, in 百分点.
    pub gaps: String,
}

/// One row's figures: amounts in 元, `rate` in %, `gap` in 百分点 (`null` when there is no
/// rate), `month_spent` and `month_allocated` within the period (`null` without one),
/// `planned` and `coverage` of the project pool where known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureRow {
    /// The region code, or `null`.
    pub region: Option<String>,
    /// The region's name, or `null`.
    pub region_name: Option<String>,
    /// The fund level's machine name, or `null`.
    pub level: Option<String>,
    /// The category's machine name, or `null`.
    pub category: Option<String>,
    /// The kind of 小计 (`region_level`, …; `total` on the 合计), or `null` on a detail row.
    pub subtotal: Option<String>,
    /// Money in place up to the as-of date, 元.
    pub allocated: String,
    /// Money spent up to the as-of date, 元.
    pub spent: String,
    /// Money put in place within the period, 元.
    pub month_allocated: Option<String>,
    /// Money spent within the period, 元.
    pub month_spent: Option<String>,
    /// 支出进度, %.
    pub rate: Option<String>,
    /// Rate − schedule, 百分点 (from the unrounded values).
    pub gap: Option<String>,
    /// Planned investment of the pooled projects, 元.
    pub planned: Option<String>,
    /// Planned ÷ allocated (项目库覆盖), %.
    pub coverage: Option<String>,
}

/// The machine name of a subtotal grouping: its dimensions joined by `_`.
fn grouping_name(g: Grouping) -> String {
    let mut parts = Vec::new();
    if g.region() {
        parts.push("region");
    }
    if g.level() {
        parts.push("level");
    }
    if g.category() {
        parts.push("category");
    }
    if parts.is_empty() {
        "total".to_owned()
    } else {
        parts.join("_")
    }
}

fn schedule_name(s: &Schedule) -> &'static str {
    match s {
        Schedule::Months => "months",
        Schedule::Days => "days",
        Schedule::PerMonth(_) => "per_month",
        Schedule::Fixed(_) => "fixed",
        Schedule::Milestones(_) => "milestones",
    }
}

impl Figures {
    /// Every figure of `report`, rates and gaps rounded with `rounding`; region names from
    /// `names` where given.
    pub fn new(report: &Execution, names: Option<&dyn RegionNames>, rounding: Rounding) -> Figures {
        let row = |key: Option<&GroupKey>, p: &Progress| {
            let yuan = |m: crate::money::Money| m.as_decimal().to_string();
            FigureRow {
                region: key.and_then(GroupKey::region).map(|c| c.to_string()),
                region_name: key
                    .and_then(GroupKey::region)
                    .map(|c| region_name(c, names)),
                level: key
                    .and_then(GroupKey::level)
                    .map(|l| l.machine_name().to_owned()),
                category: key
                    .and_then(GroupKey::category)
                    .map(|c| c.machine_name().to_owned()),
                subtotal: match key {
                    None => Some(grouping_name(Grouping::NONE)),
                    Some(k) => subtotal_of(report, k).map(grouping_name),
                },
                allocated: yuan(p.allocated()),
                spent: yuan(p.spent()),
                month_allocated: p.period_allocated().map(yuan),
                month_spent: p.period_spent().map(yuan),
                rate: p.rate().ok().map(|r| r.to_percent(rounding).to_string()),
                gap: report
                    .gap(p)
                    .ok()
                    .map(|g| g.gap().round(rounding).to_string()),
                planned: p.planned().map(yuan),
                coverage: p
                    .coverage()
                    .and_then(Result::ok)
                    .map(|r| r.to_percent(rounding).to_string()),
            }
        };
        let how = format!("{} {}", rounding.mode().machine_name(), rounding.dp());
        Figures {
            as_of: report.as_of(),
            period: report
                .options()
                .period()
                .map(|(from, to)| FigurePeriod { from, to }),
            schedule: FigureSchedule {
                kind: schedule_name(report.options().schedule_kind()).to_owned(),
                percent: report.expected().to_percent(rounding).to_string(),
            },
            rounding: FigureRounding {
                amounts: "exact".to_owned(),
                rates: how.clone(),
                gaps: how,
            },
            total: row(None, report.total()),
            rows: ordered_rows(report)
                .into_iter()
                .map(|r| row(Some(r.key()), r.progress()))
                .collect(),
        }
    }
}
