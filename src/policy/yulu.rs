//! 雨露计划 (Yulu plan): vocational-education subsidies per student from a caller-supplied
//! rate table, totals by region, and students outside the programme flagged.
//!
//! Published rule: students of poverty-exited and monitored households at vocational
//! schools receive a fixed amount a year (e.g. 3000 元, paid as 2 × 1500 per semester; some
//! provinces pay 4000–5000 by school type) for the grades covered. The rates are a
//! [`YuluRates`] table the caller supplies; [`YuluEntitlements::compute`] gives each
//! student's amount or the reason they are outside the programme ([`Eligibility`]).

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;

use super::PolicyError;
use crate::dim::{RecordId, RegionCode, RegionLevel};
use crate::error::{ParseError, ParseErrorKind};
use crate::money::Money;

/// The kind of school a student attends (学校类型).
///
/// Which types the programme covers is decided by the caller's [`YuluRates`], not here.
/// Parsing accepts the Chinese labels, common aliases (中专, 职高, 专科, …) and the machine
/// names.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::SchoolType;
///
/// assert_eq!("中专".parse::<SchoolType>()?, SchoolType::SecondaryVocational);
/// assert_eq!("higher_vocational".parse::<SchoolType>()?.as_str(), "高职");
/// assert_eq!(SchoolType::TechnicalSchool.machine_name(), "technical_school");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SchoolType {
    /// 中职: secondary vocational school (中等职业学校, 中专, 职高).
    SecondaryVocational,
    /// 技工院校: technical school (技工学校, 技师学院).
    TechnicalSchool,
    /// 高职: higher vocational college (高等职业学校, 专科).
    HigherVocational,
    /// 本科: undergraduate.
    Undergraduate,
    /// 普通高中: general upper-secondary school.
    GeneralHighSchool,
}

impl SchoolType {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolType::SecondaryVocational => "中职",
            SchoolType::TechnicalSchool => "技工院校",
            SchoolType::HigherVocational => "高职",
            SchoolType::Undergraduate => "本科",
            SchoolType::GeneralHighSchool => "普通高中",
        }
    }

    /// The machine name.
    pub fn machine_name(self) -> &'static str {
        match self {
            SchoolType::SecondaryVocational => "secondary_vocational",
            SchoolType::TechnicalSchool => "technical_school",
            SchoolType::HigherVocational => "higher_vocational",
            SchoolType::Undergraduate => "undergraduate",
            SchoolType::GeneralHighSchool => "general_high_school",
        }
    }
}

impl fmt::Display for SchoolType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchoolType {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<SchoolType, ParseError> {
        Ok(match s.trim() {
            "secondary_vocational" | "中职" | "中等职业学校" | "中等职业教育" | "中专" | "职高" => {
                SchoolType::SecondaryVocational
            }
            "technical_school" | "技工院校" | "技工学校" | "技师学院" => {
                SchoolType::TechnicalSchool
            }
            "higher_vocational" | "高职" | "高等职业学校" | "高等职业教育" | "专科"
            | "高职专科" => SchoolType::HigherVocational,
            "undergraduate" | "本科" => SchoolType::Undergraduate,
            "general_high_school" | "普通高中" | "高中" => SchoolType::GeneralHighSchool,
            _ => {
                return Err(ParseError::new(
                    "school type",
                    s,
                    ParseErrorKind::Unknown(
                        "secondary_vocational, technical_school, higher_vocational, undergraduate, general_high_school (中职, 技工院校, 高职, 本科, 普通高中)",
                    ),
                ));
            }
        })
    }
}

/// The subsidy for one school type (补助标准): an amount per semester, the semesters paid
/// a year, and the grades covered.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::YuluRate;
///
/// // A documented rate: 3000 元 a year paid as 2 × 1500, grades 1–3.
/// let r = YuluRate::per_year("3000元".parse()?, 2)?.with_grades(1, 3);
/// assert_eq!(r.per_semester().to_string(), "1500.00元");
/// assert_eq!(r.annual()?.to_string(), "3000.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct YuluRate {
    per_semester: Money,
    semesters_per_year: u32,
    first_grade: u8,
    last_grade: u8,
}

impl YuluRate {
    /// `per_semester` paid `semesters_per_year` times a year, any grade.
    pub fn new(per_semester: Money, semesters_per_year: u32) -> YuluRate {
        YuluRate {
            per_semester,
            semesters_per_year,
            first_grade: 1,
            last_grade: u8::MAX,
        }
    }

    /// An annual amount paid in `semesters` equal parts.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] for 0 semesters or an amount that does not split into
    /// whole 分.
    pub fn per_year(annual: Money, semesters: u32) -> Result<YuluRate, PolicyError> {
        let name = || format!("雨露计划 rate {annual} a year");
        if semesters == 0 {
            return Err(PolicyError::invalid(name(), "paid in 0 semesters"));
        }
        let fen = annual.to_fen();
        let n = i128::from(semesters);
        if fen % n != 0 {
            return Err(PolicyError::invalid(
                name(),
                format!("does not split into {semesters} whole-分 payments"),
            ));
        }
        let part = Money::checked_from_fen(fen / n).ok_or_else(|| PolicyError::overflow(name()))?;
        Ok(YuluRate::new(part, semesters))
    }

    /// Restricts the rate to grades `first..=last` (年级).
    #[must_use]
    pub fn with_grades(mut self, first: u8, last: u8) -> YuluRate {
        self.first_grade = first;
        self.last_grade = last;
        self
    }

    /// The payment per semester.
    pub fn per_semester(&self) -> Money {
        self.per_semester
    }

    /// Semesters paid a year.
    pub fn semesters_per_year(&self) -> u32 {
        self.semesters_per_year
    }

    /// The grades covered, `(first, last)`.
    pub fn grades(&self) -> (u8, u8) {
        (self.first_grade, self.last_grade)
    }

    /// The annual amount.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when it overflows.
    pub fn annual(&self) -> Result<Money, PolicyError> {
        self.per_semester
            .checked_mul_count(u64::from(self.semesters_per_year))
            .ok_or_else(|| PolicyError::overflow("雨露计划 annual rate"))
    }
}

/// The rate table (补助标准表) by school type, supplied by the caller; types not in it are
/// outside the programme.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::{SchoolType, YuluRate, YuluRates};
///
/// // Documented values of one province: 4000 a year for 中职, 5000 for 高职.
/// let rates = YuluRates::new([
///     (SchoolType::SecondaryVocational, YuluRate::per_year("4000元".parse()?, 2)?.with_grades(1, 3)),
///     (SchoolType::HigherVocational, YuluRate::per_year("5000元".parse()?, 2)?.with_grades(1, 3)),
/// ])?;
/// assert!(rates.rate(SchoolType::Undergraduate).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "YuluRatesParts"))]
pub struct YuluRates {
    rates: IndexMap<SchoolType, YuluRate>,
}

/// The wire form of [`YuluRates`]: `{"rates": {"secondary_vocational": {…}, …}}`, read as
/// entries (a repeated school type is kept, to be rejected) and checked by
/// [`YuluRates::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct YuluRatesParts {
    #[serde(deserialize_with = "super::wire::map_entries")]
    rates: Vec<(SchoolType, YuluRate)>,
}

#[cfg(feature = "serde")]
impl TryFrom<YuluRatesParts> for YuluRates {
    type Error = PolicyError;

    fn try_from(parts: YuluRatesParts) -> Result<YuluRates, PolicyError> {
        YuluRates::new(parts.rates)
    }
}

impl YuluRates {
    /// A table from `(school type, rate)`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a type given twice; [`PolicyError::Invalid`] for a
    /// payment ≤ 0, 0 semesters or a grade range that is empty.
    pub fn new(
        rates: impl IntoIterator<Item = (SchoolType, YuluRate)>,
    ) -> Result<YuluRates, PolicyError> {
        let mut map = IndexMap::new();
        for (t, r) in rates {
            let name = || format!("雨露计划 rate for {t}");
            if !r.per_semester.is_positive() {
                return Err(PolicyError::invalid(
                    name(),
                    format!("{} a semester (must be above zero)", r.per_semester),
                ));
            }
            if r.semesters_per_year == 0 {
                return Err(PolicyError::invalid(name(), "paid in 0 semesters"));
            }
            if r.first_grade > r.last_grade {
                return Err(PolicyError::invalid(
                    name(),
                    format!("grades {}–{} are empty", r.first_grade, r.last_grade),
                ));
            }
            if map.insert(t, r).is_some() {
                return Err(PolicyError::Duplicate {
                    what: "雨露计划 school type",
                    id: t.to_string(),
                });
            }
        }
        Ok(YuluRates { rates: map })
    }

    /// The rate for a school type, if the programme covers it.
    pub fn rate(&self, school: SchoolType) -> Option<&YuluRate> {
        self.rates.get(&school)
    }
}

/// A student from a poverty-exited or monitored household (雨露计划学生).
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::{SchoolType, YuluStudent};
///
/// let s = YuluStudent::new("S-1".parse()?, "450521".parse()?, SchoolType::SecondaryVocational, 2);
/// assert_eq!(s.grade(), 2);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct YuluStudent {
    id: RecordId,
    region: RegionCode,
    school: SchoolType,
    grade: u8,
}

impl YuluStudent {
    /// Student `id` from `region` at a `school` of a type, in `grade`.
    pub fn new(id: RecordId, region: RegionCode, school: SchoolType, grade: u8) -> YuluStudent {
        YuluStudent {
            id,
            region,
            school,
            grade,
        }
    }

    /// The student id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }

    /// The household's region.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// The school type.
    pub fn school(&self) -> SchoolType {
        self.school
    }

    /// The grade (年级).
    pub fn grade(&self) -> u8 {
        self.grade
    }
}

/// What to pay for (发放期): a whole school year or one semester of it.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::YuluPeriod;
/// assert_eq!(YuluPeriod::Semester(1).to_string(), "第1学期");
/// assert_eq!(YuluPeriod::SchoolYear.to_string(), "全学年");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum YuluPeriod {
    /// 全学年: every semester of the year.
    SchoolYear,
    /// 第 n 学期 (from 1): one payment, or none when the type pays fewer semesters.
    Semester(u8),
}

impl fmt::Display for YuluPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            YuluPeriod::SchoolYear => f.write_str("全学年"),
            YuluPeriod::Semester(n) => write!(f, "第{n}学期"),
        }
    }
}

/// Whether a student is in the programme (资格).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Eligibility {
    /// 符合条件.
    Eligible,
    /// 学校类型不在补助范围: the rate table has no rate for the school type.
    SchoolTypeNotCovered,
    /// 年级不在补助范围: the grade is outside the rate's grades.
    GradeOutside {
        /// The grades covered, first.
        first: u8,
        /// The grades covered, last.
        last: u8,
    },
}

impl Eligibility {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            Eligibility::Eligible => "符合条件",
            Eligibility::SchoolTypeNotCovered => "学校类型不在补助范围",
            Eligibility::GradeOutside { .. } => "年级不在补助范围",
        }
    }

    /// `true` for [`Eligibility::Eligible`].
    pub fn is_eligible(self) -> bool {
        self == Eligibility::Eligible
    }
}

/// One student's entitlement (补助金额) with its eligibility.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct YuluEntitlement {
    student: RecordId,
    region: RegionCode,
    school: SchoolType,
    grade: u8,
    eligibility: Eligibility,
    amount: Money,
}

impl YuluEntitlement {
    /// The student.
    pub fn student(&self) -> &RecordId {
        &self.student
    }

    /// The student's region.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// The school type.
    pub fn school(&self) -> SchoolType {
        self.school
    }

    /// The grade.
    pub fn grade(&self) -> u8 {
        self.grade
    }

    /// Eligibility.
    pub fn eligibility(&self) -> Eligibility {
        self.eligibility
    }

    /// The amount due for the period (0 when not eligible).
    pub fn amount(&self) -> Money {
        self.amount
    }
}

/// Students and amounts for a region (地区汇总).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct YuluRegionTotal {
    eligible: u64,
    flagged: u64,
    amount: Money,
}

impl YuluRegionTotal {
    /// Eligible students.
    pub fn eligible(&self) -> u64 {
        self.eligible
    }

    /// Students outside the programme.
    pub fn flagged(&self) -> u64 {
        self.flagged
    }

    /// The amount due.
    pub fn amount(&self) -> Money {
        self.amount
    }
}

/// 雨露计划 entitlements for a period (补助测算), student by student.
///
/// Rules implemented:
/// - a student is eligible when the rate table has a rate for the school type and the
///   grade is within the rate's grades; anyone else is **kept** in the result with the
///   reason ([`Eligibility`]) and an amount of 0;
/// - for [`YuluPeriod::SchoolYear`] an eligible student gets per-semester × semesters a
///   year; for [`YuluPeriod::Semester`]`(n)` one payment when `n` ≤ the semesters the type
///   pays, else 0.
///
/// # Example
///
/// ```
/// use fundtrack::dim::RegionLevel;
/// use fundtrack::policy::yulu::{Eligibility, SchoolType, YuluEntitlements, YuluPeriod, YuluRate, YuluRates, YuluStudent};
///
/// let rates = YuluRates::new([(SchoolType::SecondaryVocational, YuluRate::per_year("3000元".parse()?, 2)?.with_grades(1, 3))])?;
/// let r = "450521".parse()?;
/// let students = [
///     YuluStudent::new("S-1".parse()?, r, SchoolType::SecondaryVocational, 1),
///     YuluStudent::new("S-2".parse()?, r, SchoolType::SecondaryVocational, 4),
///     YuluStudent::new("S-3".parse()?, r, SchoolType::GeneralHighSchool, 1),
/// ];
/// let e = YuluEntitlements::compute(&students, &rates, YuluPeriod::Semester(1))?;
/// assert_eq!(e.total()?.to_string(), "1500.00元");
/// assert_eq!(e.rows()[1].eligibility(), Eligibility::GradeOutside { first: 1, last: 3 });
/// assert_eq!(e.flagged().count(), 2);
/// let by_city = e.by_region(RegionLevel::City)?;
/// assert_eq!(by_city[&"450500".parse::<fundtrack::RegionCode>()?].eligible(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct YuluEntitlements {
    period: YuluPeriod,
    rows: Vec<YuluEntitlement>,
}

impl YuluEntitlements {
    /// Entitlements of `students` under `rates` for `period`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a student id given twice, [`PolicyError::Invalid`]
    /// for semester 0, [`PolicyError::Overflow`] for amounts too large.
    pub fn compute(
        students: &[YuluStudent],
        rates: &YuluRates,
        period: YuluPeriod,
    ) -> Result<YuluEntitlements, PolicyError> {
        if period == YuluPeriod::Semester(0) {
            return Err(PolicyError::invalid(
                "雨露计划 period",
                "semester 0 (semesters count from 1)",
            ));
        }
        let mut seen = HashSet::new();
        let mut rows = Vec::with_capacity(students.len());
        for s in students {
            if !seen.insert(&s.id) {
                return Err(PolicyError::Duplicate {
                    what: "student id",
                    id: s.id.to_string(),
                });
            }
            let (eligibility, amount) = match rates.rate(s.school) {
                None => (Eligibility::SchoolTypeNotCovered, Money::ZERO),
                Some(r) if !(r.first_grade..=r.last_grade).contains(&s.grade) => (
                    Eligibility::GradeOutside {
                        first: r.first_grade,
                        last: r.last_grade,
                    },
                    Money::ZERO,
                ),
                Some(r) => {
                    let amount = match period {
                        YuluPeriod::Semester(n) if u32::from(n) <= r.semesters_per_year => {
                            r.per_semester
                        }
                        YuluPeriod::Semester(_) => Money::ZERO,
                        YuluPeriod::SchoolYear => r
                            .annual()
                            .map_err(|_| PolicyError::overflow(format!("student {}", s.id)))?,
                    };
                    (Eligibility::Eligible, amount)
                }
            };
            rows.push(YuluEntitlement {
                student: s.id.clone(),
                region: s.region,
                school: s.school,
                grade: s.grade,
                eligibility,
                amount,
            });
        }
        Ok(YuluEntitlements { period, rows })
    }

    /// The period computed.
    pub fn period(&self) -> YuluPeriod {
        self.period
    }

    /// Every student, in input order.
    pub fn rows(&self) -> &[YuluEntitlement] {
        &self.rows
    }

    /// Students outside the programme, with the reason.
    pub fn flagged(&self) -> impl Iterator<Item = &YuluEntitlement> + '_ {
        self.rows.iter().filter(|r| !r.eligibility.is_eligible())
    }

    /// The total due.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when the sum overflows.
    pub fn total(&self) -> Result<Money, PolicyError> {
        Money::checked_sum(self.rows.iter().map(|r| r.amount))
            .ok_or_else(|| PolicyError::overflow("雨露计划 total"))
    }

    /// Totals rolled up to regions at `level` (a county's students count in its city and
    /// province), in order of first appearance.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when a sum overflows.
    pub fn by_region(
        &self,
        level: RegionLevel,
    ) -> Result<IndexMap<RegionCode, YuluRegionTotal>, PolicyError> {
        let mut out: IndexMap<RegionCode, YuluRegionTotal> = IndexMap::new();
        for r in &self.rows {
            let key = r.region.rolled_up_to(level);
            let t = out.entry(key).or_default();
            if r.eligibility.is_eligible() {
                t.eligible += 1;
            } else {
                t.flagged += 1;
            }
            t.amount = t
                .amount
                .checked_add(r.amount)
                .ok_or_else(|| PolicyError::overflow(format!("雨露计划 total for {key}")))?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: &str, region: &str, school: SchoolType, grade: u8) -> YuluStudent {
        YuluStudent::new(id.parse().unwrap(), region.parse().unwrap(), school, grade)
    }

    fn yuan(n: i64) -> Money {
        Money::from_fen(n * 100)
    }

    fn rates() -> YuluRates {
        YuluRates::new([
            (
                SchoolType::SecondaryVocational,
                YuluRate::per_year(yuan(3000), 2).unwrap().with_grades(1, 3),
            ),
            (
                SchoolType::HigherVocational,
                YuluRate::per_year(yuan(5000), 2).unwrap().with_grades(1, 3),
            ),
            // A type paid once a year.
            (
                SchoolType::TechnicalSchool,
                YuluRate::new(yuan(4000), 1).with_grades(1, 4),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn entitlements_by_type_and_semester_with_flags() {
        let students = [
            s("S-1", "450521", SchoolType::SecondaryVocational, 1),
            s("S-2", "450502", SchoolType::HigherVocational, 3),
            s("S-3", "450521", SchoolType::TechnicalSchool, 4),
            s("S-4", "450702", SchoolType::Undergraduate, 1),
            s("S-5", "450702", SchoolType::SecondaryVocational, 4),
        ];
        let year = YuluEntitlements::compute(&students, &rates(), YuluPeriod::SchoolYear).unwrap();
        let amounts: Vec<Money> = year.rows().iter().map(YuluEntitlement::amount).collect();
        assert_eq!(
            amounts,
            [yuan(3000), yuan(5000), yuan(4000), Money::ZERO, Money::ZERO]
        );
        assert_eq!(year.total().unwrap(), yuan(12_000));
        let flagged: Vec<(&str, &str)> = year
            .flagged()
            .map(|r| (r.student().as_str(), r.eligibility().as_str()))
            .collect();
        assert_eq!(
            flagged,
            [("S-4", "学校类型不在补助范围"), ("S-5", "年级不在补助范围")]
        );

        let spring =
            YuluEntitlements::compute(&students, &rates(), YuluPeriod::Semester(1)).unwrap();
        assert_eq!(spring.total().unwrap(), yuan(1500 + 2500 + 4000));
        let autumn =
            YuluEntitlements::compute(&students, &rates(), YuluPeriod::Semester(2)).unwrap();
        // The technical school pays once a year: nothing in the second semester.
        assert_eq!(autumn.total().unwrap(), yuan(1500 + 2500));
        assert_eq!(autumn.rows()[2].eligibility(), Eligibility::Eligible);
    }

    #[test]
    fn totals_roll_up_by_region() {
        let students = [
            s("S-1", "450521", SchoolType::SecondaryVocational, 1),
            s("S-2", "450502", SchoolType::HigherVocational, 3),
            s("S-4", "450702", SchoolType::Undergraduate, 1),
        ];
        let year = YuluEntitlements::compute(&students, &rates(), YuluPeriod::SchoolYear).unwrap();
        let cities = year.by_region(RegionLevel::City).unwrap();
        let beihai = cities[&"450500".parse::<RegionCode>().unwrap()];
        assert_eq!(
            (beihai.eligible(), beihai.flagged(), beihai.amount()),
            (2, 0, yuan(8000))
        );
        let qinzhou = cities[&"450700".parse::<RegionCode>().unwrap()];
        assert_eq!(
            (qinzhou.eligible(), qinzhou.flagged(), qinzhou.amount()),
            (0, 1, Money::ZERO)
        );
        let gx = year.by_region(RegionLevel::Province).unwrap();
        assert_eq!(gx.len(), 1);
        assert_eq!(gx[0].amount(), yuan(8000));
        let counties = year.by_region(RegionLevel::County).unwrap();
        assert_eq!(counties.len(), 3);
    }

    #[test]
    fn bad_inputs_are_named() {
        assert_eq!(
            YuluRate::per_year(Money::from_fen(100_001), 2)
                .unwrap_err()
                .to_string(),
            "雨露计划 rate 1000.01元 a year: does not split into 2 whole-分 payments"
        );
        let dup = YuluRates::new([
            (SchoolType::HigherVocational, YuluRate::new(yuan(1), 1)),
            (SchoolType::HigherVocational, YuluRate::new(yuan(2), 1)),
        ]);
        assert_eq!(
            dup.unwrap_err().to_string(),
            "duplicate 雨露计划 school type 高职"
        );
        let students = [
            s("S-1", "450521", SchoolType::SecondaryVocational, 1),
            s("S-1", "450521", SchoolType::SecondaryVocational, 2),
        ];
        let e = YuluEntitlements::compute(&students, &rates(), YuluPeriod::SchoolYear).unwrap_err();
        assert_eq!(e.to_string(), "duplicate student id S-1");
        assert!(YuluEntitlements::compute(&[], &rates(), YuluPeriod::Semester(0)).is_err());
        assert!(
            YuluRates::new([(
                SchoolType::HigherVocational,
                YuluRate::new(yuan(1), 1).with_grades(3, 1)
            )])
            .is_err()
        );
    }

    #[test]
    fn school_types_parse() {
        for t in [
            SchoolType::SecondaryVocational,
            SchoolType::TechnicalSchool,
            SchoolType::HigherVocational,
            SchoolType::Undergraduate,
            SchoolType::GeneralHighSchool,
        ] {
            assert_eq!(t.as_str().parse::<SchoolType>().unwrap(), t);
            assert_eq!(t.machine_name().parse::<SchoolType>().unwrap(), t);
        }
        assert!("college".parse::<SchoolType>().is_err());
    }
}

// Two attributes rather than `cfg(all(test, feature = "serde"))`: clippy only treats a plain
// `cfg(test)` module as test code (allow-unwrap-in-tests).
#[cfg(test)]
#[cfg(feature = "serde")]
mod serde_tests {
    use super::*;

    fn rates() -> YuluRates {
        YuluRates::new([
            (
                SchoolType::SecondaryVocational,
                YuluRate::per_year(Money::from_fen(400_000), 2)
                    .unwrap()
                    .with_grades(1, 3),
            ),
            (
                SchoolType::HigherVocational,
                YuluRate::new(Money::from_fen(250_000), 2),
            ),
        ])
        .unwrap()
    }

    fn rejected(json: &str) -> String {
        serde_json::from_str::<YuluRates>(json)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn rates_round_trip_through_json() {
        let r = rates();
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.starts_with(r#"{"rates":{"secondary_vocational":{"per_semester":"2000.00","#),
            "{json}"
        );
        let back: YuluRates = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert_eq!(
            back.rate(SchoolType::SecondaryVocational).unwrap().grades(),
            (1, 3)
        );
    }

    #[test]
    fn rates_json_is_checked_by_the_constructor() {
        let rate = |per: &str, semesters: u32, first: u8, last: u8| {
            format!(
                r#"{{"per_semester":"{per}","semesters_per_year":{semesters},"first_grade":{first},"last_grade":{last}}}"#
            )
        };
        let one = |r: String| format!(r#"{{"rates":{{"secondary_vocational":{r}}}}}"#);
        let cases = [
            (
                one(rate("0", 2, 1, 3)),
                YuluRate::new(Money::ZERO, 2).with_grades(1, 3),
            ),
            (
                one(rate("1500", 0, 1, 3)),
                YuluRate::new(Money::from_fen(150_000), 0).with_grades(1, 3),
            ),
            (
                one(rate("1500", 2, 3, 1)),
                YuluRate::new(Money::from_fen(150_000), 2).with_grades(3, 1),
            ),
        ];
        for (json, bad) in cases {
            let expected = YuluRates::new([(SchoolType::SecondaryVocational, bad)])
                .unwrap_err()
                .to_string();
            assert!(expected.starts_with("雨露计划 rate for "), "{expected}");
            let e = rejected(&json);
            assert!(e.starts_with(&expected), "{e} / {expected}");
        }
        // A school type given twice is a duplicate, not "the last one wins".
        let ok = rate("1500", 2, 1, 3);
        let e = rejected(&format!(
            r#"{{"rates":{{"secondary_vocational":{ok},"secondary_vocational":{ok}}}}}"#
        ));
        let expected = YuluRates::new([
            (
                SchoolType::SecondaryVocational,
                YuluRate::new(Money::from_fen(150_000), 2),
            ),
            (
                SchoolType::SecondaryVocational,
                YuluRate::new(Money::from_fen(150_000), 2),
            ),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.starts_with(&expected), "{e} / {expected}");
    }
}
