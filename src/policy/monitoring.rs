//! 防返贫监测 (monitoring for a return to poverty): households and persons by group,
//! person shares, income against a caller-supplied monitoring line, and the
//! risk-eliminated rate (消除风险).
//!
//! Published rule (防止返贫动态监测和帮扶机制): households are monitored in three groups
//! (脱贫不稳定户, 边缘易致贫户, 突发严重困难户, [`MonitoringGroup`]); a household whose
//! income per person is below the province's monitoring line for the year is flagged. The
//! lines are a [`MonitoringLines`] table the caller supplies; [`MonitoringSummary`] counts
//! households and persons, [`check_incomes`] sets incomes against the lines.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;

use super::PolicyError;
use crate::dim::{FiscalYear, RecordId, RegionCode};
use crate::error::{ParseError, ParseErrorKind};
use crate::money::{Count, CountUnit};
use crate::money::{Money, NoRatio, Ratio};
use crate::report::{Average, Shares};

/// A group of monitored households (监测对象类别).
///
/// Parsing accepts the Chinese labels and the machine names `unstable`, `marginal`,
/// `sudden_hardship`.
///
/// # Example
///
/// ```
/// use fundtrack::policy::monitoring::MonitoringGroup;
///
/// let g: MonitoringGroup = "边缘易致贫户".parse()?;
/// assert_eq!(g, MonitoringGroup::Marginal);
/// assert_eq!("sudden_hardship".parse::<MonitoringGroup>()?.as_str(), "突发严重困难户");
/// assert!("edge".parse::<MonitoringGroup>().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MonitoringGroup {
    /// 脱贫不稳定户: households that left poverty but are not yet stable.
    Unstable,
    /// 边缘易致贫户: households at the margin, easily falling into poverty.
    Marginal,
    /// 突发严重困难户: households hit by a sudden severe hardship.
    SuddenHardship,
}

impl MonitoringGroup {
    /// The three groups, in the order of the national monitoring policy.
    pub const ALL: [MonitoringGroup; 3] = [
        MonitoringGroup::Unstable,
        MonitoringGroup::Marginal,
        MonitoringGroup::SuddenHardship,
    ];

    /// The Chinese label: 脱贫不稳定户, 边缘易致贫户, 突发严重困难户.
    pub fn as_str(self) -> &'static str {
        match self {
            MonitoringGroup::Unstable => "脱贫不稳定户",
            MonitoringGroup::Marginal => "边缘易致贫户",
            MonitoringGroup::SuddenHardship => "突发严重困难户",
        }
    }

    /// The machine name: `unstable`, `marginal`, `sudden_hardship`.
    pub fn machine_name(self) -> &'static str {
        match self {
            MonitoringGroup::Unstable => "unstable",
            MonitoringGroup::Marginal => "marginal",
            MonitoringGroup::SuddenHardship => "sudden_hardship",
        }
    }
}

impl fmt::Display for MonitoringGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MonitoringGroup {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<MonitoringGroup, ParseError> {
        Ok(match s.trim() {
            "unstable" | "脱贫不稳定户" => MonitoringGroup::Unstable,
            "marginal" | "边缘易致贫户" => MonitoringGroup::Marginal,
            "sudden_hardship" | "突发严重困难户" => MonitoringGroup::SuddenHardship,
            _ => {
                return Err(ParseError::new(
                    "monitoring group",
                    s,
                    ParseErrorKind::Unknown(
                        "unstable, marginal, sudden_hardship (脱贫不稳定户, 边缘易致贫户, 突发严重困难户)",
                    ),
                ));
            }
        })
    }
}

/// Households and persons counted together (户数和人数).
///
/// # Example
///
/// ```
/// use fundtrack::policy::monitoring::GroupCount;
///
/// let c = GroupCount::new(56, 215);
/// assert_eq!((c.households(), c.persons()), (56, 215));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct GroupCount {
    households: u64,
    persons: u64,
}

impl GroupCount {
    /// `households` households with `persons` persons in all.
    pub fn new(households: u64, persons: u64) -> GroupCount {
        GroupCount {
            households,
            persons,
        }
    }

    /// 户数.
    pub fn households(self) -> u64 {
        self.households
    }

    /// 人数.
    pub fn persons(self) -> u64 {
        self.persons
    }

    fn checked_add(self, other: GroupCount) -> Option<GroupCount> {
        Some(GroupCount {
            households: self.households.checked_add(other.households)?,
            persons: self.persons.checked_add(other.persons)?,
        })
    }

    fn fits_in(self, other: GroupCount) -> bool {
        self.households <= other.households && self.persons <= other.persons
    }
}

/// One monitored household (监测户) as the caller records it.
///
/// Income is the household's annual net income per person (人均纯收入) for the year
/// checked; risk elimination (风险消除) is a flag the caller sets once the household's risk
/// has been assessed as eliminated.
///
/// # Example
///
/// ```
/// use fundtrack::policy::monitoring::{MonitoredHousehold, MonitoringGroup};
///
/// let h = MonitoredHousehold::new("H-1".parse()?, "450521".parse()?, MonitoringGroup::Marginal, 4)
///     .with_income_per_person("5800元".parse()?)
///     .with_risk_eliminated();
/// assert_eq!(h.persons(), 4);
/// assert!(h.risk_eliminated());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MonitoredHousehold {
    id: RecordId,
    region: RegionCode,
    group: MonitoringGroup,
    persons: u32,
    income_per_person: Option<Money>,
    risk_eliminated: bool,
}

impl MonitoredHousehold {
    /// A household of `persons` persons in `group`, living in `region`.
    pub fn new(
        id: RecordId,
        region: RegionCode,
        group: MonitoringGroup,
        persons: u32,
    ) -> MonitoredHousehold {
        MonitoredHousehold {
            id,
            region,
            group,
            persons,
            income_per_person: None,
            risk_eliminated: false,
        }
    }

    /// Adds the annual net income per person (人均纯收入).
    #[must_use]
    pub fn with_income_per_person(mut self, income: Money) -> MonitoredHousehold {
        self.income_per_person = Some(income);
        self
    }

    /// Marks the household's risk as eliminated (已消除风险).
    #[must_use]
    pub fn with_risk_eliminated(mut self) -> MonitoredHousehold {
        self.risk_eliminated = true;
        self
    }

    /// The household id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }

    /// Where the household lives.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// Its monitoring group.
    pub fn group(&self) -> MonitoringGroup {
        self.group
    }

    /// Persons in the household.
    pub fn persons(&self) -> u32 {
        self.persons
    }

    /// Annual net income per person, when recorded.
    pub fn income_per_person(&self) -> Option<Money> {
        self.income_per_person
    }

    /// Whether the household's risk has been eliminated.
    pub fn risk_eliminated(&self) -> bool {
        self.risk_eliminated
    }
}

/// Households and persons per monitoring group (监测对象统计), with person shares, persons
/// per household and the risk-eliminated rate.
///
/// Rules implemented:
/// - shares are **by persons**, not households (SPEC §4), and can be printed to sum to
///   exactly 100.00 with [`Shares::percents_summing_to_100`];
/// - persons per household = all persons ÷ all households, exact until printed;
/// - the risk-eliminated rate (风险消除率) = persons in households whose risk is eliminated
///   ÷ all monitored persons; the household counts are there for a rate by households.
///
/// # Example
///
/// Beihai 2021, new monitored households (computed from the printed counts):
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::policy::monitoring::{GroupCount, MonitoringGroup, MonitoringSummary};
///
/// let s = MonitoringSummary::from_counts([
///     (MonitoringGroup::Marginal, GroupCount::new(56, 215)),
///     (MonitoringGroup::Unstable, GroupCount::new(136, 508)),
///     (MonitoringGroup::SuddenHardship, GroupCount::new(103, 391)),
/// ])?;
/// assert_eq!(s.total(), GroupCount::new(295, 1114));
/// let p = s.person_shares()?.percents_summing_to_100(2);
/// assert_eq!(p[&MonitoringGroup::Marginal].to_string(), "19.30");
/// assert_eq!(p[&MonitoringGroup::Unstable].to_string(), "45.60");
/// assert_eq!(p[&MonitoringGroup::SuddenHardship].to_string(), "35.10");
/// assert_eq!(s.persons_per_household()?.to_decimal(Rounding::default()).to_string(), "3.78");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "MonitoringSummaryParts"))]
pub struct MonitoringSummary {
    groups: IndexMap<MonitoringGroup, GroupCount>,
    total: GroupCount,
    risk_eliminated: GroupCount,
}

/// The wire form of a [`MonitoringSummary`], as it serializes: counts per group, the
/// total and the risk-eliminated count. Read back through
/// [`MonitoringSummary::from_counts`] and [`MonitoringSummary::with_risk_eliminated`]; the
/// total must be the groups' sum.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MonitoringSummaryParts {
    #[serde(deserialize_with = "super::wire::map_entries")]
    groups: Vec<(MonitoringGroup, GroupCount)>,
    total: GroupCount,
    risk_eliminated: GroupCount,
}

#[cfg(feature = "serde")]
impl TryFrom<MonitoringSummaryParts> for MonitoringSummary {
    type Error = PolicyError;

    fn try_from(parts: MonitoringSummaryParts) -> Result<MonitoringSummary, PolicyError> {
        let s = MonitoringSummary::from_counts(parts.groups)?;
        if s.total != parts.total {
            return Err(PolicyError::invalid(
                "monitoring total",
                format!(
                    "{} households / {} persons, but the groups add up to {} / {}",
                    parts.total.households,
                    parts.total.persons,
                    s.total.households,
                    s.total.persons
                ),
            ));
        }
        s.with_risk_eliminated(parts.risk_eliminated)
    }
}

impl MonitoringSummary {
    /// A summary from counts per group (as reports print them); a group given twice is
    /// added up. Groups keep the order first given.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when a group has fewer persons than households (every
    /// household has at least one person), [`PolicyError::Overflow`] when counts overflow.
    pub fn from_counts(
        counts: impl IntoIterator<Item = (MonitoringGroup, GroupCount)>,
    ) -> Result<MonitoringSummary, PolicyError> {
        let mut groups: IndexMap<MonitoringGroup, GroupCount> = IndexMap::new();
        let mut total = GroupCount::default();
        for (group, count) in counts {
            if count.persons < count.households {
                return Err(PolicyError::invalid(
                    format!("monitoring group {group}"),
                    format!(
                        "{} persons in {} households (at least one person a household)",
                        count.persons, count.households
                    ),
                ));
            }
            let slot = groups.entry(group).or_default();
            let overflow = || PolicyError::overflow(format!("monitoring group {group}"));
            *slot = slot.checked_add(count).ok_or_else(overflow)?;
            total = total.checked_add(count).ok_or_else(overflow)?;
        }
        Ok(MonitoringSummary {
            groups,
            total,
            risk_eliminated: GroupCount::default(),
        })
    }

    /// A summary of household records, groups in the order of [`MonitoringGroup::ALL`];
    /// the risk-eliminated count comes from the records' flags.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a household id given twice, [`PolicyError::Invalid`]
    /// for a household of 0 persons.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::Rounding;
    /// use fundtrack::policy::monitoring::{MonitoredHousehold, MonitoringGroup, MonitoringSummary};
    ///
    /// let r = "450521".parse()?;
    /// let s = MonitoringSummary::from_households(&[
    ///     MonitoredHousehold::new("H-1".parse()?, r, MonitoringGroup::Marginal, 3).with_risk_eliminated(),
    ///     MonitoredHousehold::new("H-2".parse()?, r, MonitoringGroup::Unstable, 5),
    /// ])?;
    /// assert_eq!(s.risk_eliminated().persons(), 3);
    /// assert_eq!(s.risk_eliminated_rate()?.to_percent(Rounding::default()).to_string(), "37.50");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_households(
        households: &[MonitoredHousehold],
    ) -> Result<MonitoringSummary, PolicyError> {
        let mut seen = HashSet::new();
        let mut counts: IndexMap<MonitoringGroup, GroupCount> = MonitoringGroup::ALL
            .iter()
            .map(|g| (*g, GroupCount::default()))
            .collect();
        let mut eliminated = GroupCount::default();
        for h in households {
            if !seen.insert(h.id.as_str()) {
                return Err(PolicyError::Duplicate {
                    what: "household id",
                    id: h.id.to_string(),
                });
            }
            if h.persons == 0 {
                return Err(PolicyError::invalid(
                    format!("household {}", h.id),
                    "0 persons (at least one)",
                ));
            }
            let one = GroupCount::new(1, u64::from(h.persons));
            let overflow = || PolicyError::overflow(format!("household {}", h.id));
            let slot = counts.entry(h.group).or_default();
            *slot = slot.checked_add(one).ok_or_else(overflow)?;
            if h.risk_eliminated {
                eliminated = eliminated.checked_add(one).ok_or_else(overflow)?;
            }
        }
        MonitoringSummary::from_counts(counts)?.with_risk_eliminated(eliminated)
    }

    /// Sets how many of the households and persons have had their risk eliminated
    /// (已消除风险), for a summary built from printed counts.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when the count exceeds the monitored total.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::Rounding;
    /// use fundtrack::policy::monitoring::{GroupCount, MonitoringGroup, MonitoringSummary};
    ///
    /// let s = MonitoringSummary::from_counts([(MonitoringGroup::Unstable, GroupCount::new(10, 40))])?
    ///     .with_risk_eliminated(GroupCount::new(4, 13))?;
    /// assert_eq!(s.risk_eliminated_rate()?.to_percent(Rounding::default()).to_string(), "32.50");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_risk_eliminated(
        mut self,
        eliminated: GroupCount,
    ) -> Result<MonitoringSummary, PolicyError> {
        if !eliminated.fits_in(self.total) {
            return Err(PolicyError::invalid(
                "risk-eliminated count",
                format!(
                    "{} households / {} persons exceed the {} / {} monitored",
                    eliminated.households,
                    eliminated.persons,
                    self.total.households,
                    self.total.persons
                ),
            ));
        }
        self.risk_eliminated = eliminated;
        Ok(self)
    }

    /// Counts per group, in order.
    pub fn groups(&self) -> &IndexMap<MonitoringGroup, GroupCount> {
        &self.groups
    }

    /// All monitored households and persons.
    pub fn total(&self) -> GroupCount {
        self.total
    }

    /// Households and persons whose risk is eliminated.
    pub fn risk_eliminated(&self) -> GroupCount {
        self.risk_eliminated
    }

    /// Each group's share of all monitored **persons**, exact.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] when nobody is monitored.
    pub fn person_shares(&self) -> Result<Shares<MonitoringGroup>, NoRatio> {
        let persons = |n| Count::from_tally(n, CountUnit::Person).ok_or(NoRatio::OutOfRange);
        let parts = self
            .groups
            .iter()
            .map(|(g, c)| Ok((*g, persons(c.persons)?)))
            .collect::<Result<Vec<_>, NoRatio>>()?;
        Shares::of(parts)
    }

    /// Persons per household (户均人口), exact.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] when there are no households.
    pub fn persons_per_household(&self) -> Result<Average<Count>, NoRatio> {
        let count = |n, unit| Count::from_tally(n, unit).ok_or(NoRatio::OutOfRange);
        Average::new(
            count(self.total.persons, CountUnit::Person)?,
            count(self.total.households, CountUnit::Household)?,
        )
    }

    /// The risk-eliminated rate by persons (风险消除率): eliminated persons ÷ all persons.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] when nobody is monitored.
    pub fn risk_eliminated_rate(&self) -> Result<Ratio, NoRatio> {
        Ratio::from_counts(self.risk_eliminated.persons, self.total.persons)
    }
}

/// Monitoring lines (监测范围/防止返贫监测标准) per year and province, supplied by the
/// caller: the annual net income per person below which a household is monitored.
///
/// # Example
///
/// ```
/// use fundtrack::FiscalYear;
/// use fundtrack::policy::monitoring::MonitoringLines;
///
/// // A caller-supplied line: 6000 元 for 2021 is an illustration (each province publishes
/// // its own line each year).
/// let lines = MonitoringLines::new([(FiscalYear::new(2021)?, "450000".parse()?, "6000元".parse()?)])?;
/// assert_eq!(lines.line(FiscalYear::new(2021)?, "450521".parse()?).unwrap().to_string(), "6000.00元");
/// assert!(lines.line(FiscalYear::new(2022)?, "450521".parse()?).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(
    feature = "serde",
    serde(into = "MonitoringLinesParts", try_from = "MonitoringLinesParts")
)]
pub struct MonitoringLines {
    lines: IndexMap<(FiscalYear, RegionCode), Money>,
}

/// The wire form of [`MonitoringLines`]: `{"lines": [[2021, "450000", "6000.00"], …]}`
/// (a list, as JSON map keys cannot be pairs), checked by [`MonitoringLines::new`] on the
/// way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MonitoringLinesParts {
    lines: Vec<(FiscalYear, RegionCode, Money)>,
}

#[cfg(feature = "serde")]
impl From<MonitoringLines> for MonitoringLinesParts {
    fn from(l: MonitoringLines) -> MonitoringLinesParts {
        MonitoringLinesParts {
            lines: l.lines.into_iter().map(|((y, r), m)| (y, r, m)).collect(),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<MonitoringLinesParts> for MonitoringLines {
    type Error = PolicyError;

    fn try_from(parts: MonitoringLinesParts) -> Result<MonitoringLines, PolicyError> {
        MonitoringLines::new(parts.lines)
    }
}

impl MonitoringLines {
    /// Lines from `(year, province, line)`; a non-provincial code is taken to its province.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a (year, province) given twice,
    /// [`PolicyError::Invalid`] for a line ≤ 0.
    pub fn new(
        lines: impl IntoIterator<Item = (FiscalYear, RegionCode, Money)>,
    ) -> Result<MonitoringLines, PolicyError> {
        let mut map = IndexMap::new();
        for (year, region, line) in lines {
            let key = (year, region.province());
            if !line.is_positive() {
                return Err(PolicyError::invalid(
                    format!("monitoring line {} {}", year.year(), key.1),
                    format!("{line} (must be above zero)"),
                ));
            }
            if map.insert(key, line).is_some() {
                return Err(PolicyError::Duplicate {
                    what: "monitoring line",
                    id: format!("{} {}", year.year(), key.1),
                });
            }
        }
        Ok(MonitoringLines { lines: map })
    }

    /// The line for `year` in the province containing `region`.
    pub fn line(&self, year: FiscalYear, region: RegionCode) -> Option<Money> {
        self.lines.get(&(year, region.province())).copied()
    }
}

/// A household's income set against its monitoring line (收入监测结果).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IncomeFinding {
    household: RecordId,
    line: Money,
    income: Option<Money>,
    /// line − income when the income is below the line, computed (and checked) once; not
    /// written out, as it follows from the two fields above.
    #[cfg_attr(feature = "serde", serde(skip))]
    shortfall: Option<Money>,
}

impl IncomeFinding {
    /// The household.
    pub fn household(&self) -> &RecordId {
        &self.household
    }

    /// The line that applies to it.
    pub fn line(&self) -> Money {
        self.line
    }

    /// Its income per person, if recorded (a household without one is reported, not
    /// dropped).
    pub fn income(&self) -> Option<Money> {
        self.income
    }

    /// Whether the income is below the line; `None` when no income is recorded.
    pub fn is_below(&self) -> Option<bool> {
        self.income.map(|i| i < self.line)
    }

    /// How far below the line the income is (line − income), or `None` when it is not
    /// below or not recorded.
    pub fn shortfall(&self) -> Option<Money> {
        self.shortfall
    }
}

/// Sets each household's income per person against the monitoring line for `year` in its
/// province (收入与监测标准比对).
///
/// Rule: a household is below the line when its annual net income per person is strictly
/// less than the line for (year, its province). Every household is in the result, in input
/// order; one without a recorded income has [`IncomeFinding::is_below`] `None`.
///
/// # Errors
///
/// [`PolicyError::Missing`] when no line is supplied for a household's (year, province);
/// [`PolicyError::Overflow`] when line − income does not fit in [`Money`].
///
/// # Example
///
/// ```
/// use fundtrack::FiscalYear;
/// use fundtrack::policy::monitoring::{MonitoredHousehold, MonitoringGroup, MonitoringLines, check_incomes};
///
/// let y = FiscalYear::new(2021)?;
/// let lines = MonitoringLines::new([(y, "450000".parse()?, "6000元".parse()?)])?;
/// let h = MonitoredHousehold::new("H-1".parse()?, "450521".parse()?, MonitoringGroup::Marginal, 4)
///     .with_income_per_person("5800元".parse()?);
/// let found = check_incomes(&[h], &lines, y)?;
/// assert_eq!(found[0].is_below(), Some(true));
/// assert_eq!(found[0].shortfall().unwrap().to_string(), "200.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_incomes(
    households: &[MonitoredHousehold],
    lines: &MonitoringLines,
    year: FiscalYear,
) -> Result<Vec<IncomeFinding>, PolicyError> {
    households
        .iter()
        .map(|h| {
            let line = lines
                .line(year, h.region)
                .ok_or_else(|| PolicyError::Missing {
                    what: "monitoring line",
                    key: format!(
                        "{} in {} (household {})",
                        year.year(),
                        h.region.province(),
                        h.id
                    ),
                })?;
            let shortfall = match h.income_per_person {
                Some(income) if income < line => {
                    Some(line.checked_sub(income).ok_or_else(|| {
                        PolicyError::overflow(format!("shortfall of household {}", h.id))
                    })?)
                }
                _ => None,
            };
            Ok(IncomeFinding {
                household: h.id.clone(),
                line,
                income: h.income_per_person,
                shortfall,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn beihai() -> MonitoringSummary {
        MonitoringSummary::from_counts([
            (MonitoringGroup::Marginal, GroupCount::new(56, 215)),
            (MonitoringGroup::Unstable, GroupCount::new(136, 508)),
            (MonitoringGroup::SuddenHardship, GroupCount::new(103, 391)),
        ])
        .unwrap()
    }

    #[test]
    fn beihai_2021_monitoring_shares_by_persons() {
        let s = beihai();
        assert_eq!(s.total(), GroupCount::new(295, 1114));
        let shares = s.person_shares().unwrap();
        // 215/1114 = 19.2998…%, 508/1114 = 45.6014…%, 391/1114 = 35.0987…%.
        let plain = shares.percents(Rounding::default());
        assert_eq!(
            plain.values().copied().collect::<Vec<_>>(),
            [dec!(19.30), dec!(45.60), dec!(35.10)]
        );
        let exact = shares.percents_summing_to_100(2);
        assert_eq!(exact.values().copied().sum::<Decimal>(), dec!(100.00));
        assert_eq!(exact[&MonitoringGroup::Marginal], dec!(19.30));
        // 1114 / 295 = 3.7762… persons per household.
        assert_eq!(
            s.persons_per_household()
                .unwrap()
                .to_decimal(Rounding::default()),
            dec!(3.78)
        );
    }

    #[test]
    fn counts_must_be_consistent() {
        let bad =
            MonitoringSummary::from_counts([(MonitoringGroup::Marginal, GroupCount::new(5, 4))]);
        assert_eq!(
            bad.unwrap_err().to_string(),
            "monitoring group 边缘易致贫户: 4 persons in 5 households (at least one person a household)"
        );
        let over = beihai().with_risk_eliminated(GroupCount::new(296, 10));
        assert!(over.is_err());
        let empty = MonitoringSummary::from_counts([]).unwrap();
        assert_eq!(empty.risk_eliminated_rate(), Err(NoRatio::ZeroBase));
    }

    #[test]
    fn households_roll_up_and_duplicates_are_rejected() {
        let r: RegionCode = "450521".parse().unwrap();
        let h = |id: &str, g, n| MonitoredHousehold::new(id.parse().unwrap(), r, g, n);
        let s = MonitoringSummary::from_households(&[
            h("H-1", MonitoringGroup::Unstable, 4).with_risk_eliminated(),
            h("H-2", MonitoringGroup::Unstable, 2),
            h("H-3", MonitoringGroup::SuddenHardship, 3).with_risk_eliminated(),
        ])
        .unwrap();
        assert_eq!(
            s.groups()[&MonitoringGroup::Unstable],
            GroupCount::new(2, 6)
        );
        assert_eq!(
            s.groups()[&MonitoringGroup::Marginal],
            GroupCount::new(0, 0)
        );
        assert_eq!(s.risk_eliminated(), GroupCount::new(2, 7));
        // 7 of 9 persons = 77.78%.
        assert_eq!(
            s.risk_eliminated_rate()
                .unwrap()
                .to_percent(Rounding::default()),
            dec!(77.78)
        );
        let dup = MonitoringSummary::from_households(&[
            h("H-1", MonitoringGroup::Unstable, 4),
            h("H-1", MonitoringGroup::Marginal, 1),
        ]);
        assert_eq!(dup.unwrap_err().to_string(), "duplicate household id H-1");
    }

    #[test]
    fn income_against_lines_per_year_and_province() {
        let y21 = FiscalYear::new(2021).unwrap();
        let y22 = FiscalYear::new(2022).unwrap();
        let gx: RegionCode = "450000".parse().unwrap();
        let lines = MonitoringLines::new([
            (y21, gx, Money::from_fen(600_000)),
            (y22, gx, Money::from_fen(650_000)),
        ])
        .unwrap();
        let r: RegionCode = "450502".parse().unwrap();
        let hs = [
            MonitoredHousehold::new("H-1".parse().unwrap(), r, MonitoringGroup::Marginal, 3)
                .with_income_per_person(Money::from_fen(620_000)),
            MonitoredHousehold::new("H-2".parse().unwrap(), r, MonitoringGroup::Marginal, 3),
        ];
        let f21 = check_incomes(&hs, &lines, y21).unwrap();
        assert_eq!(f21[0].is_below(), Some(false));
        assert_eq!(f21[0].shortfall(), None);
        assert_eq!(f21[1].is_below(), None);
        let f22 = check_incomes(&hs, &lines, y22).unwrap();
        assert_eq!(f22[0].shortfall(), Some(Money::from_fen(30_000)));
        let y23 = FiscalYear::new(2023).unwrap();
        assert_eq!(
            check_incomes(&hs, &lines, y23).unwrap_err().to_string(),
            "no monitoring line for 2023 in 450000 (household H-1)"
        );
        assert!(MonitoringLines::new([(y21, gx, Money::ZERO)]).is_err());
        assert!(
            MonitoringLines::new([(y21, gx, Money::from_fen(1)), (y21, r, Money::from_fen(2))])
                .is_err()
        );
    }

    #[test]
    fn group_names_round_trip() {
        for g in MonitoringGroup::ALL {
            assert_eq!(g.as_str().parse::<MonitoringGroup>().unwrap(), g);
            assert_eq!(g.machine_name().parse::<MonitoringGroup>().unwrap(), g);
        }
    }
}

// Two attributes rather than `cfg(all(test, feature = "serde"))`: clippy only treats a plain
// `cfg(test)` module as test code (allow-unwrap-in-tests).
#[cfg(test)]
#[cfg(feature = "serde")]
mod serde_tests {
    use super::*;

    fn y(n: i32) -> FiscalYear {
        FiscalYear::new(n).unwrap()
    }

    fn rejected<T: serde::de::DeserializeOwned + fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn monitoring_lines_round_trip_as_a_list() {
        let lines = MonitoringLines::new([
            (y(2021), "450521".parse().unwrap(), Money::from_fen(600_000)),
            (y(2022), "450000".parse().unwrap(), Money::from_fen(650_000)),
        ])
        .unwrap();
        let json = serde_json::to_string(&lines).unwrap();
        assert_eq!(
            json,
            r#"{"lines":[[2021,"450000","6000.00"],[2022,"450000","6500.00"]]}"#
        );
        assert_eq!(
            serde_json::from_str::<MonitoringLines>(&json).unwrap(),
            lines
        );
    }

    #[test]
    fn monitoring_lines_json_is_checked_by_the_constructor() {
        let zero = MonitoringLines::new([(y(2021), "450000".parse().unwrap(), Money::ZERO)])
            .unwrap_err()
            .to_string();
        let e = rejected::<MonitoringLines>(r#"{"lines":[[2021,"450000","0"]]}"#);
        assert!(e.starts_with(&zero), "{e} / {zero}");
        // Two counties of one province are one (year, province) line, given twice.
        let e = rejected::<MonitoringLines>(
            r#"{"lines":[[2021,"450521","6000"],[2021,"450502","6100"]]}"#,
        );
        assert!(
            e.starts_with("duplicate monitoring line 2021 450000"),
            "{e}"
        );
    }

    #[test]
    fn monitoring_summary_round_trips_through_json() {
        let s = MonitoringSummary::from_counts([
            (MonitoringGroup::Marginal, GroupCount::new(56, 215)),
            (MonitoringGroup::Unstable, GroupCount::new(136, 508)),
        ])
        .unwrap()
        .with_risk_eliminated(GroupCount::new(40, 150))
        .unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"groups":{"marginal":{"households":56,"persons":215},"#,
                r#""unstable":{"households":136,"persons":508}},"#,
                r#""total":{"households":192,"persons":723},"#,
                r#""risk_eliminated":{"households":40,"persons":150}}"#
            )
        );
        assert_eq!(serde_json::from_str::<MonitoringSummary>(&json).unwrap(), s);
    }

    #[test]
    fn monitoring_summary_json_is_checked_by_the_constructors() {
        let count = |h: u64, p: u64| format!(r#"{{"households":{h},"persons":{p}}}"#);
        let summary = |groups: &str, total: String, eliminated: String| {
            format!(r#"{{"groups":{{{groups}}},"total":{total},"risk_eliminated":{eliminated}}}"#)
        };
        // Fewer persons than households.
        let expected =
            MonitoringSummary::from_counts([(MonitoringGroup::Marginal, GroupCount::new(5, 4))])
                .unwrap_err()
                .to_string();
        let e = rejected::<MonitoringSummary>(&summary(
            &format!(r#""marginal":{}"#, count(5, 4)),
            count(5, 4),
            count(0, 0),
        ));
        assert!(e.starts_with(&expected), "{e} / {expected}");
        // More risk eliminated than monitored.
        let expected =
            MonitoringSummary::from_counts([(MonitoringGroup::Marginal, GroupCount::new(5, 20))])
                .unwrap()
                .with_risk_eliminated(GroupCount::new(6, 20))
                .unwrap_err()
                .to_string();
        let e = rejected::<MonitoringSummary>(&summary(
            &format!(r#""marginal":{}"#, count(5, 20)),
            count(5, 20),
            count(6, 20),
        ));
        assert!(e.starts_with(&expected), "{e} / {expected}");
        // A total that is not the groups' sum.
        let e = rejected::<MonitoringSummary>(&summary(
            &format!(r#""marginal":{}"#, count(5, 20)),
            count(9, 99),
            count(0, 0),
        ));
        assert!(
            e.starts_with(
                "monitoring total: 9 households / 99 persons, but the groups add up to 5 / 20"
            ),
            "{e}"
        );
        // An unknown group is a parse error, not a silent skip.
        assert!(
            rejected::<MonitoringSummary>(&summary(
                &format!(r#""edge":{}"#, count(1, 1)),
                count(1, 1),
                count(0, 0),
            ))
            .contains("unknown variant")
        );
    }
}
