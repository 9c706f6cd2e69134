//! Fund levels (资金层级), source mixes (资金口径) and project stages (项目阶段).

use std::fmt;
use std::str::FromStr;

use crate::error::{ParseError, ParseErrorKind};

/// The level of government a fund comes from (资金层级).
///
/// Reports often merge central and provincial money as 上级资金; that merge is a view,
/// [`SourceMix::CentralAndProvincial`], not a fifth level.
///
/// # Example
///
/// ```
/// use fundtrack::FundLevel;
///
/// assert_eq!("自治区".parse::<FundLevel>()?, FundLevel::Provincial);
/// assert_eq!("central".parse::<FundLevel>()?.as_str(), "中央");
/// assert_eq!(FundLevel::City.machine_name(), "city");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FundLevel {
    /// 中央.
    Central,
    /// 省级 (an autonomous region such as Guangxi, 自治区, is a provincial level).
    Provincial,
    /// 市级.
    City,
    /// 县级 (县区本级).
    County,
}

impl FundLevel {
    /// Every level, from the top down.
    pub const ALL: [FundLevel; 4] = [
        FundLevel::Central,
        FundLevel::Provincial,
        FundLevel::City,
        FundLevel::County,
    ];

    /// The Chinese label: 中央, 省级, 市级, 县级.
    pub fn as_str(self) -> &'static str {
        match self {
            FundLevel::Central => "中央",
            FundLevel::Provincial => "省级",
            FundLevel::City => "市级",
            FundLevel::County => "县级",
        }
    }

    /// The machine name used in CSV and JSON: `central`, `provincial`, `city`, `county`.
    pub fn machine_name(self) -> &'static str {
        match self {
            FundLevel::Central => "central",
            FundLevel::Provincial => "provincial",
            FundLevel::City => "city",
            FundLevel::County => "county",
        }
    }

    /// Position in [`FundLevel::ALL`] (0–3), for dense tables.
    pub fn index(self) -> usize {
        match self {
            FundLevel::Central => 0,
            FundLevel::Provincial => 1,
            FundLevel::City => 2,
            FundLevel::County => 3,
        }
    }
}

impl fmt::Display for FundLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FundLevel {
    type Err = ParseError;

    /// Accepts the machine names and the Chinese labels (中央, 省级/省/自治区, 市级/市本级,
    /// 县级/县区本级).
    fn from_str(s: &str) -> Result<FundLevel, ParseError> {
        Ok(match s.trim() {
            "central" | "中央" | "中央级" => FundLevel::Central,
            "provincial" | "省级" | "省" | "自治区" | "区级" | "省本级" => {
                FundLevel::Provincial
            }
            "city" | "市级" | "市" | "市本级" => FundLevel::City,
            "county" | "县级" | "县" | "县区" | "县本级" | "县区本级" => {
                FundLevel::County
            }
            _ => {
                const LABELS: [&str; 14] = [
                    "central",
                    "中央",
                    "provincial",
                    "省级",
                    "自治区",
                    "省本级",
                    "city",
                    "市级",
                    "市本级",
                    "county",
                    "县级",
                    "县区",
                    "县本级",
                    "县区本级",
                ];
                return Err(unknown(
                    "fund level",
                    s,
                    &LABELS,
                    "central, provincial, city, county (中央, 省级, 市级, 县级)",
                ));
            }
        })
    }
}

/// Which fund levels a figure counts (资金口径), chosen by the caller.
///
/// Industry-share evaluations count central + provincial money; a county report counts all.
///
/// # Example
///
/// ```
/// use fundtrack::{FundLevel, SourceMix};
///
/// let upper = SourceMix::CentralAndProvincial;
/// assert!(upper.includes(FundLevel::Provincial));
/// assert!(!upper.includes(FundLevel::City));
/// assert_eq!(upper.as_str(), "中央和省级");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SourceMix {
    /// Central money only.
    CentralOnly,
    /// 上级资金: central and provincial money.
    CentralAndProvincial,
    /// Every level.
    #[default]
    AllLevels,
}

impl SourceMix {
    /// Whether money of `level` counts.
    pub fn includes(self, level: FundLevel) -> bool {
        match self {
            SourceMix::CentralOnly => level == FundLevel::Central,
            SourceMix::CentralAndProvincial => {
                matches!(level, FundLevel::Central | FundLevel::Provincial)
            }
            SourceMix::AllLevels => true,
        }
    }

    /// The Chinese label: 中央, 中央和省级, 各级.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceMix::CentralOnly => "中央",
            SourceMix::CentralAndProvincial => "中央和省级",
            SourceMix::AllLevels => "各级",
        }
    }
}

/// Where a project stands in the project pool (项目库) life cycle.
///
/// 衔接资金 may be spent only on projects in the pool: [`ProjectStage::is_pooled`].
///
/// # Example
///
/// ```
/// use fundtrack::ProjectStage;
///
/// let s: ProjectStage = "实施".parse()?;
/// assert_eq!(s, ProjectStage::Implementing);
/// assert!(s.is_pooled());
/// assert!(!"申报".parse::<ProjectStage>()?.is_pooled());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ProjectStage {
    /// 申报: proposed.
    Proposed,
    /// 审核: reviewed.
    Reviewed,
    /// 论证: appraised.
    Appraised,
    /// 审定入库: in the pool.
    InPool,
    /// 纳入年度计划: in the annual plan.
    InAnnualPlan,
    /// 实施: being implemented.
    Implementing,
    /// 竣工: completed.
    Completed,
    /// 验收: accepted.
    Accepted,
    /// 调整/出库: withdrawn from the pool.
    Withdrawn,
    /// 滚动: rolled to next year's pool.
    Rolled,
}

impl ProjectStage {
    /// Every stage, in the order a project moves through them.
    pub const ALL: [ProjectStage; 10] = [
        ProjectStage::Proposed,
        ProjectStage::Reviewed,
        ProjectStage::Appraised,
        ProjectStage::InPool,
        ProjectStage::InAnnualPlan,
        ProjectStage::Implementing,
        ProjectStage::Completed,
        ProjectStage::Accepted,
        ProjectStage::Withdrawn,
        ProjectStage::Rolled,
    ];

    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStage::Proposed => "申报",
            ProjectStage::Reviewed => "审核",
            ProjectStage::Appraised => "论证",
            ProjectStage::InPool => "审定入库",
            ProjectStage::InAnnualPlan => "纳入年度计划",
            ProjectStage::Implementing => "实施",
            ProjectStage::Completed => "竣工",
            ProjectStage::Accepted => "验收",
            ProjectStage::Withdrawn => "出库",
            ProjectStage::Rolled => "滚动",
        }
    }

    /// The machine name (`proposed`, `in_pool`, …).
    pub fn machine_name(self) -> &'static str {
        match self {
            ProjectStage::Proposed => "proposed",
            ProjectStage::Reviewed => "reviewed",
            ProjectStage::Appraised => "appraised",
            ProjectStage::InPool => "in_pool",
            ProjectStage::InAnnualPlan => "in_annual_plan",
            ProjectStage::Implementing => "implementing",
            ProjectStage::Completed => "completed",
            ProjectStage::Accepted => "accepted",
            ProjectStage::Withdrawn => "withdrawn",
            ProjectStage::Rolled => "rolled",
        }
    }

    /// Whether the project is in the pool, so that 衔接资金 may be spent on it: from 审定入库
    /// through 验收. Proposed, reviewed, appraised, withdrawn and rolled projects are not.
    pub fn is_pooled(self) -> bool {
        matches!(
            self,
            ProjectStage::InPool
                | ProjectStage::InAnnualPlan
                | ProjectStage::Implementing
                | ProjectStage::Completed
                | ProjectStage::Accepted
        )
    }
}

impl fmt::Display for ProjectStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProjectStage {
    type Err = ParseError;

    /// Accepts the machine names, the Chinese labels, and the statuses of the national data
    /// set (`planned` → in pool, `approved` → in annual plan, `in_progress` → implementing).
    fn from_str(s: &str) -> Result<ProjectStage, ParseError> {
        Ok(match s.trim() {
            "proposed" | "申报" => ProjectStage::Proposed,
            "reviewed" | "审核" => ProjectStage::Reviewed,
            "appraised" | "论证" => ProjectStage::Appraised,
            "in_pool" | "planned" | "审定入库" | "入库" => ProjectStage::InPool,
            "in_annual_plan" | "approved" | "纳入年度计划" => ProjectStage::InAnnualPlan,
            "implementing" | "in_progress" | "实施" => ProjectStage::Implementing,
            "completed" | "竣工" => ProjectStage::Completed,
            "accepted" | "验收" => ProjectStage::Accepted,
            "withdrawn" | "调整" | "出库" | "调整/出库" => ProjectStage::Withdrawn,
            "rolled" | "滚动" => ProjectStage::Rolled,
            _ => {
                const LABELS: [&str; 20] = [
                    "proposed",
                    "申报",
                    "reviewed",
                    "审核",
                    "appraised",
                    "论证",
                    "in_pool",
                    "审定入库",
                    "in_annual_plan",
                    "纳入年度计划",
                    "implementing",
                    "实施",
                    "completed",
                    "竣工",
                    "accepted",
                    "验收",
                    "withdrawn",
                    "调整/出库",
                    "rolled",
                    "滚动",
                ];
                return Err(unknown(
                    "project stage",
                    s,
                    &LABELS,
                    "proposed, reviewed, appraised, in_pool, in_annual_plan, implementing, completed, accepted, withdrawn, rolled (申报, 审核, 论证, 审定入库, 纳入年度计划, 实施, 竣工, 验收, 调整/出库, 滚动)",
                ));
            }
        })
    }
}

/// An unknown label of a closed vocabulary: the nearest known label when one is close (a
/// typo), else the list of labels.
fn unknown(
    what: &'static str,
    input: &str,
    labels: &[&'static str],
    list: &'static str,
) -> ParseError {
    let near = super::category::nearest(input.trim(), labels.iter().map(|l| (*l, *l)));
    let kind = match near {
        Some(s) => ParseErrorKind::NotInVocabulary {
            suggestion: Some(s.to_owned()),
            known: list.to_owned(),
        },
        None => ParseErrorKind::Unknown(list),
    };
    ParseError::new(what, input, kind)
}
