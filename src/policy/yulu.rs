//! 雨露计划 (Yulu plan): vocational-education subsidies per student and semester from a
//! caller-supplied rate table dated by semester, totals by region, and students outside the
//! programme flagged.
//!
//! Published rule: students of poverty-exited and monitored households at vocational
//! schools receive a fixed amount a school year, paid by semester ("每生每学年3000元(分秋季、
//! 春季两学期发放,每学期1500元)" — 重庆市, as published by 重庆本地宝 2022-03-10); some
//! places pay by school type ("高等职业教育补助标准为5000元/年,中等职业教育为4000元/年,职业高中
//! 为3000元/年" — 景东县, as summarised by 句子无忧吧网, a secondary source), and rates change
//! from a semester. So the school types are the caller's ([`SchoolType`], with the common
//! ones provided), the rates are a [`YuluRates`] table by type and starting semester, and
//! [`YuluEntitlements::compute`] gives each student's amount per semester or the reason
//! they are outside the programme ([`Eligibility`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;

use super::PolicyError;
use crate::dim::{RecordId, RegionCode, RegionLevel};
use crate::error::{ParseError, ParseErrorKind};
use crate::money::Money;

/// The kind of school a student attends (学校类型), defined by the caller.
///
/// A school type is its label. The common ones are provided — 中职 split into
/// [`SECONDARY_SPECIALISED`](SchoolType::SECONDARY_SPECIALISED) (中专),
/// [`VOCATIONAL_HIGH_SCHOOL`](SchoolType::VOCATIONAL_HIGH_SCHOOL) (职业高中) and
/// [`TECHNICAL_SCHOOL`](SchoolType::TECHNICAL_SCHOOL) (技工学校);
/// [`HIGHER_VOCATIONAL`](SchoolType::HIGHER_VOCATIONAL) (高职);
/// [`TECHNICIAN_COLLEGE`](SchoolType::TECHNICIAN_COLLEGE) (技师学院);
/// [`VOCATIONAL_UNDERGRADUATE`](SchoolType::VOCATIONAL_UNDERGRADUATE) (职业本科) — and any
/// other label is a type of the caller's ([`SchoolType::new`]). Which types the programme
/// covers, and at what rate, is decided by the caller's [`YuluRates`].
///
/// Parsing maps the common aliases of the provided types to them (职高 → 职业高中, 技校 →
/// 技工学校, 大专 → 高职, 技师 → 技师学院, …) and keeps any other label as given: a label no
/// rate covers is flagged ([`Eligibility::SchoolTypeNotCovered`]), never dropped. Group
/// names such as 中职 or 技工院校 are *not* aliases, since they span types that may be paid
/// differently.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::SchoolType;
///
/// assert_eq!("职高".parse::<SchoolType>()?, SchoolType::VOCATIONAL_HIGH_SCHOOL);
/// assert_ne!("中专".parse::<SchoolType>()?, SchoolType::VOCATIONAL_HIGH_SCHOOL);
/// let own = SchoolType::new("五年制高职前三年")?;
/// assert_eq!(own.as_str(), "五年制高职前三年");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolType(Cow<'static, str>);

impl SchoolType {
    /// 中专 (中等专业学校).
    pub const SECONDARY_SPECIALISED: SchoolType = SchoolType(Cow::Borrowed("中专"));
    /// 职业高中 (职高).
    pub const VOCATIONAL_HIGH_SCHOOL: SchoolType = SchoolType(Cow::Borrowed("职业高中"));
    /// 技工学校 (技校).
    pub const TECHNICAL_SCHOOL: SchoolType = SchoolType(Cow::Borrowed("技工学校"));
    /// 高职 (高等职业学校, 专科).
    pub const HIGHER_VOCATIONAL: SchoolType = SchoolType(Cow::Borrowed("高职"));
    /// 技师学院.
    pub const TECHNICIAN_COLLEGE: SchoolType = SchoolType(Cow::Borrowed("技师学院"));
    /// 职业本科 (本科层次职业教育).
    pub const VOCATIONAL_UNDERGRADUATE: SchoolType = SchoolType(Cow::Borrowed("职业本科"));

    /// The provided types, in the order above.
    pub const COMMON: [SchoolType; 6] = [
        SchoolType::SECONDARY_SPECIALISED,
        SchoolType::VOCATIONAL_HIGH_SCHOOL,
        SchoolType::TECHNICAL_SCHOOL,
        SchoolType::HIGHER_VOCATIONAL,
        SchoolType::TECHNICIAN_COLLEGE,
        SchoolType::VOCATIONAL_UNDERGRADUATE,
    ];

    /// Aliases of the provided types, label first.
    const ALIASES: [(&'static str, &'static [&'static str]); 6] = [
        ("中专", &["中等专业学校", "普通中专"]),
        ("职业高中", &["职高"]),
        ("技工学校", &["技工", "技校"]),
        (
            "高职",
            &["高等职业学校", "高等职业教育", "高职专科", "专科", "大专"],
        ),
        ("技师学院", &["技师"]),
        ("职业本科", &["本科层次职业教育", "职业本科学校"]),
    ];

    /// A type of the caller's, named `label` (trimmed), taken as given: no alias is
    /// applied (use [`str::parse`] for that).
    ///
    /// # Errors
    ///
    /// [`ParseError`] for an empty label.
    pub fn new(label: &str) -> Result<SchoolType, ParseError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(ParseError::new("school type", label, ParseErrorKind::Empty));
        }
        Ok(
            match SchoolType::COMMON.iter().find(|t| t.as_str() == label) {
                Some(t) => t.clone(),
                None => SchoolType(Cow::Owned(label.to_owned())),
            },
        )
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchoolType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchoolType {
    type Err = ParseError;

    /// The provided type a label or alias names, else a type of the caller's.
    fn from_str(s: &str) -> Result<SchoolType, ParseError> {
        let label = s.trim();
        for (name, aliases) in SchoolType::ALIASES {
            if aliases.contains(&label) {
                return SchoolType::new(name);
            }
        }
        SchoolType::new(label)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SchoolType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SchoolType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SchoolType, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        SchoolType::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A term of the school year (学期): 春季学期 (spring, in the second half of a school year)
/// or 秋季学期 (autumn, the first half).
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::Term;
/// assert_eq!(Term::Autumn.as_str(), "秋季学期");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Term {
    /// 春季学期.
    Spring,
    /// 秋季学期.
    Autumn,
}

impl Term {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            Term::Spring => "春季学期",
            Term::Autumn => "秋季学期",
        }
    }
}

/// A semester (学期): a calendar year and a term, ordered in time (spring 2022 < autumn
/// 2022 < spring 2023).
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::Semester;
///
/// let s = Semester::autumn(2022);
/// assert_eq!(s.to_string(), "2022年秋季学期");
/// assert_eq!(s.school_year(), 2022);
/// assert_eq!(Semester::spring(2023).school_year(), 2022);
/// assert!(Semester::spring(2022) < s && s < Semester::spring(2023));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Semester {
    year: i32,
    term: Term,
}

impl Semester {
    /// 春季学期 of `year`.
    pub fn spring(year: i32) -> Semester {
        Semester {
            year,
            term: Term::Spring,
        }
    }

    /// 秋季学期 of `year`.
    pub fn autumn(year: i32) -> Semester {
        Semester {
            year,
            term: Term::Autumn,
        }
    }

    /// The calendar year the semester starts in.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The term.
    pub fn term(self) -> Term {
        self.term
    }

    /// The school year (学年) it belongs to, named by the year it starts in: autumn `Y`
    /// and spring `Y + 1` are school year `Y`.
    pub fn school_year(self) -> i32 {
        match self.term {
            Term::Autumn => self.year,
            Term::Spring => self.year - 1,
        }
    }
}

impl fmt::Display for Semester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年{}", self.year, self.term.as_str())
    }
}

/// Which semesters a rate pays in (发放学期).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PaidIn {
    /// Every semester.
    EachSemester,
    /// Once a school year, in this term.
    Once(Term),
}

/// The subsidy for one school type (补助标准): an amount per payment, the semesters it is
/// paid in, and the grades covered.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::YuluRate;
///
/// // 3000 元 a school year paid as 2 × 1500 (重庆市, 重庆本地宝 2022-03-10), grades 1–3
/// // (an illustration).
/// let r = YuluRate::per_year("3000元".parse()?)?.with_grades(1, 3);
/// assert_eq!(r.per_payment().to_string(), "1500.00元");
/// assert_eq!(r.annual()?.to_string(), "3000.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct YuluRate {
    per_payment: Money,
    paid_in: PaidIn,
    first_grade: u8,
    last_grade: u8,
}

impl YuluRate {
    /// `amount` paid every semester, any grade.
    pub fn per_semester(amount: Money) -> YuluRate {
        YuluRate {
            per_payment: amount,
            paid_in: PaidIn::EachSemester,
            first_grade: 1,
            last_grade: u8::MAX,
        }
    }

    /// An amount a school year paid in two equal semester payments.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] for an amount that does not split into whole 分.
    pub fn per_year(annual: Money) -> Result<YuluRate, PolicyError> {
        let fen = annual.to_fen();
        if fen % 2 != 0 {
            return Err(PolicyError::invalid(
                format!("雨露计划 rate {annual} a year"),
                "does not split into 2 whole-分 payments",
            ));
        }
        let part = Money::checked_from_fen(fen / 2)
            .ok_or_else(|| PolicyError::overflow(format!("雨露计划 rate {annual} a year")))?;
        Ok(YuluRate::per_semester(part))
    }

    /// An amount a school year paid once, in `term`.
    pub fn once_a_year(annual: Money, term: Term) -> YuluRate {
        YuluRate {
            paid_in: PaidIn::Once(term),
            ..YuluRate::per_semester(annual)
        }
    }

    /// Restricts the rate to grades `first..=last` (年级).
    #[must_use]
    pub fn with_grades(mut self, first: u8, last: u8) -> YuluRate {
        self.first_grade = first;
        self.last_grade = last;
        self
    }

    /// The amount of one payment.
    pub fn per_payment(&self) -> Money {
        self.per_payment
    }

    /// The semesters it pays in.
    pub fn paid_in(&self) -> PaidIn {
        self.paid_in
    }

    /// The grades covered, `(first, last)`.
    pub fn grades(&self) -> (u8, u8) {
        (self.first_grade, self.last_grade)
    }

    /// The amount paid in `term` (zero for a term the rate does not pay in).
    pub fn in_term(&self, term: Term) -> Money {
        match self.paid_in {
            PaidIn::Once(t) if t != term => Money::ZERO,
            _ => self.per_payment,
        }
    }

    /// The amount a school year.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when it overflows.
    pub fn annual(&self) -> Result<Money, PolicyError> {
        self.in_term(Term::Autumn)
            .checked_add(self.in_term(Term::Spring))
            .ok_or_else(|| PolicyError::overflow("雨露计划 annual rate"))
    }
}

/// The rate table (补助标准表) by school type and the semester each rate applies from,
/// supplied by the caller; a type without a rate in force is outside the programme.
///
/// # Example
///
/// The shape of the province in issue 15 (its figures, the province is not named there):
/// 中专 and 技工学校 4000 a year but 职业高中 3000, 技师学院 and 职业本科 5000, with a change
/// from the autumn semester of 2022 (the earlier 3000 for every type is an illustration).
///
/// ```
/// use fundtrack::policy::yulu::{SchoolType, Semester, YuluRate, YuluRates};
///
/// let y = |a: &str| YuluRate::per_year(a.parse().unwrap());
/// let before = Semester::autumn(2021);
/// let from = Semester::autumn(2022);
/// let rates = YuluRates::new([
///     (before, SchoolType::SECONDARY_SPECIALISED, y("3000元")?),
///     (from, SchoolType::SECONDARY_SPECIALISED, y("4000元")?),
///     (from, SchoolType::TECHNICAL_SCHOOL, y("4000元")?),
///     (from, SchoolType::VOCATIONAL_HIGH_SCHOOL, y("3000元")?),
///     (from, SchoolType::TECHNICIAN_COLLEGE, y("5000元")?),
///     (from, SchoolType::VOCATIONAL_UNDERGRADUATE, y("5000元")?),
/// ])?;
/// let zz = SchoolType::SECONDARY_SPECIALISED;
/// assert_eq!(rates.rate(&zz, Semester::spring(2022)).unwrap().per_payment().to_string(), "1500.00元");
/// assert_eq!(rates.rate(&zz, Semester::autumn(2022)).unwrap().per_payment().to_string(), "2000.00元");
/// assert!(rates.rate(&SchoolType::TECHNICAL_SCHOOL, Semester::spring(2022)).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "YuluRatesParts", into = "YuluRatesParts")
)]
pub struct YuluRates {
    /// Per type, `(from semester, rate)` sorted by semester.
    rates: IndexMap<SchoolType, Vec<(Semester, YuluRate)>>,
}

/// The wire form of [`YuluRates`]: `{"rates": [[semester, school type, rate], …]}`, checked
/// by [`YuluRates::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct YuluRatesParts {
    rates: Vec<(Semester, SchoolType, YuluRate)>,
}

#[cfg(feature = "serde")]
impl TryFrom<YuluRatesParts> for YuluRates {
    type Error = PolicyError;

    fn try_from(parts: YuluRatesParts) -> Result<YuluRates, PolicyError> {
        YuluRates::new(parts.rates)
    }
}

#[cfg(feature = "serde")]
impl From<YuluRates> for YuluRatesParts {
    fn from(r: YuluRates) -> YuluRatesParts {
        YuluRatesParts {
            rates: r.entries().map(|(s, t, r)| (s, t.clone(), *r)).collect(),
        }
    }
}

impl YuluRates {
    /// A table from `(applies from semester, school type, rate)`; each rate holds for its
    /// type until that type's next entry.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a type given twice from one semester;
    /// [`PolicyError::Invalid`] for a payment ≤ 0 or a grade range that is empty.
    pub fn new(
        rates: impl IntoIterator<Item = (Semester, SchoolType, YuluRate)>,
    ) -> Result<YuluRates, PolicyError> {
        let mut map: IndexMap<SchoolType, Vec<(Semester, YuluRate)>> = IndexMap::new();
        for (from, t, r) in rates {
            let name = || format!("雨露计划 rate for {t} from {from}");
            if !r.per_payment.is_positive() {
                return Err(PolicyError::invalid(
                    name(),
                    format!("{} a payment (must be above zero)", r.per_payment),
                ));
            }
            if r.first_grade > r.last_grade {
                return Err(PolicyError::invalid(
                    name(),
                    format!("grades {}–{} are empty", r.first_grade, r.last_grade),
                ));
            }
            let list = map.entry(t.clone()).or_default();
            match list.binary_search_by_key(&from, |(s, _)| *s) {
                Ok(_) => {
                    return Err(PolicyError::Duplicate {
                        what: "雨露计划 rate",
                        id: format!("{t} from {from}"),
                    });
                }
                Err(i) => list.insert(i, (from, r)),
            }
        }
        Ok(YuluRates { rates: map })
    }

    /// The rate for a school type in force in `semester`, if the programme covers it.
    pub fn rate(&self, school: &SchoolType, semester: Semester) -> Option<&YuluRate> {
        let list = self.rates.get(school)?;
        let n = list.partition_point(|(s, _)| *s <= semester);
        list.get(n.checked_sub(1)?).map(|(_, r)| r)
    }

    /// Every entry: `(from semester, school type, rate)`, types in first-given order,
    /// semesters in order.
    pub fn entries(&self) -> impl Iterator<Item = (Semester, &SchoolType, &YuluRate)> + '_ {
        self.rates
            .iter()
            .flat_map(|(t, list)| list.iter().map(move |(s, r)| (*s, t, r)))
    }
}

/// A student from a poverty-exited or monitored household (雨露计划学生), with the school
/// year of entry (入学年份: autumn intake of that year), so the grade in any semester follows.
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::{SchoolType, Semester, YuluStudent};
///
/// let s = YuluStudent::new("S-1".parse()?, "450521".parse()?, SchoolType::HIGHER_VOCATIONAL, 2022);
/// assert_eq!(s.grade_in(Semester::autumn(2022)), 1);
/// assert_eq!(s.grade_in(Semester::spring(2024)), 2);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct YuluStudent {
    id: RecordId,
    region: RegionCode,
    school: SchoolType,
    entry_year: i32,
}

impl YuluStudent {
    /// Student `id` from `region` at a `school` of a type, who entered in the autumn of
    /// `entry_year`.
    pub fn new(
        id: RecordId,
        region: RegionCode,
        school: SchoolType,
        entry_year: i32,
    ) -> YuluStudent {
        YuluStudent {
            id,
            region,
            school,
            entry_year,
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
    pub fn school(&self) -> &SchoolType {
        &self.school
    }

    /// The school year of entry.
    pub fn entry_year(&self) -> i32 {
        self.entry_year
    }

    /// The grade (年级) in `semester`: 1 in the school year of entry; 0 or less before it.
    pub fn grade_in(&self, semester: Semester) -> i64 {
        i64::from(semester.school_year()) - i64::from(self.entry_year) + 1
    }
}

/// What to pay for (发放期): one semester, a school year (autumn `Y` + spring `Y + 1`) or a
/// calendar year (spring `Y` + autumn `Y`).
///
/// # Example
///
/// ```
/// use fundtrack::policy::yulu::{Semester, YuluPeriod};
/// assert_eq!(YuluPeriod::SchoolYear(2022).to_string(), "2022—2023学年");
/// assert_eq!(YuluPeriod::CalendarYear(2023).semesters(), [Semester::spring(2023), Semester::autumn(2023)]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum YuluPeriod {
    /// One semester.
    Semester(Semester),
    /// 学年: autumn `Y` and spring `Y + 1`.
    SchoolYear(i32),
    /// 年度: spring `Y` and autumn `Y`.
    CalendarYear(i32),
}

impl YuluPeriod {
    /// The semesters of the period, in order.
    pub fn semesters(self) -> Vec<Semester> {
        match self {
            YuluPeriod::Semester(s) => vec![s],
            YuluPeriod::SchoolYear(y) => vec![Semester::autumn(y), Semester::spring(y + 1)],
            YuluPeriod::CalendarYear(y) => vec![Semester::spring(y), Semester::autumn(y)],
        }
    }
}

impl fmt::Display for YuluPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            YuluPeriod::Semester(s) => write!(f, "{s}"),
            YuluPeriod::SchoolYear(y) => write!(f, "{y}—{}学年", y + 1),
            YuluPeriod::CalendarYear(y) => write!(f, "{y}年度"),
        }
    }
}

/// Whether a student is in the programme in a semester (资格).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Eligibility {
    /// 符合条件.
    Eligible,
    /// 学校类型不在补助范围: no rate in force for the school type that semester.
    SchoolTypeNotCovered,
    /// 年级不在补助范围: the grade is outside the rate's grades (or before entry).
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

/// One student's entitlement for one semester (补助金额) with its eligibility.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct YuluEntitlement {
    student: RecordId,
    region: RegionCode,
    school: SchoolType,
    semester: Semester,
    grade: i64,
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
    pub fn school(&self) -> &SchoolType {
        &self.school
    }

    /// The semester.
    pub fn semester(&self) -> Semester {
        self.semester
    }

    /// The grade that semester.
    pub fn grade(&self) -> i64 {
        self.grade
    }

    /// Eligibility.
    pub fn eligibility(&self) -> Eligibility {
        self.eligibility
    }

    /// The amount due for the semester (0 when not eligible, or when the rate pays in
    /// another term).
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
    /// Students eligible in at least one semester of the period.
    pub fn eligible(&self) -> u64 {
        self.eligible
    }

    /// Students eligible in no semester of the period.
    pub fn flagged(&self) -> u64 {
        self.flagged
    }

    /// The amount due.
    pub fn amount(&self) -> Money {
        self.amount
    }
}

/// 雨露计划 entitlements for a period (补助测算), student by student and semester by
/// semester.
///
/// Rules implemented:
/// - in each semester of the period, a student is eligible when the rate table has a rate
///   in force for the school type that semester and the student's grade then is within the
///   rate's grades; otherwise the row is **kept** with the reason ([`Eligibility`]) and an
///   amount of 0;
/// - an eligible student gets the rate's payment for that semester's term
///   ([`YuluRate::in_term`]).
///
/// # Example
///
/// ```
/// use fundtrack::dim::RegionLevel;
/// use fundtrack::policy::yulu::{Eligibility, SchoolType, Semester, YuluEntitlements, YuluPeriod, YuluRate, YuluRates, YuluStudent};
///
/// // 3000 a school year as 2 × 1500 (重庆市, 重庆本地宝 2022-03-10); grades 1–3 and the
/// // covered type are illustrations.
/// let rates = YuluRates::new([(Semester::autumn(2021), SchoolType::SECONDARY_SPECIALISED, YuluRate::per_year("3000元".parse()?)?.with_grades(1, 3))])?;
/// let r = "450521".parse()?;
/// let students = [
///     YuluStudent::new("S-1".parse()?, r, SchoolType::SECONDARY_SPECIALISED, 2022),
///     YuluStudent::new("S-2".parse()?, r, SchoolType::SECONDARY_SPECIALISED, 2019),
///     YuluStudent::new("S-3".parse()?, r, "普通高中".parse()?, 2022),
/// ];
/// let e = YuluEntitlements::compute(&students, &rates, YuluPeriod::Semester(Semester::autumn(2022)))?;
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
    /// [`PolicyError::Duplicate`] for a student id given twice.
    pub fn compute(
        students: &[YuluStudent],
        rates: &YuluRates,
        period: YuluPeriod,
    ) -> Result<YuluEntitlements, PolicyError> {
        let semesters = period.semesters();
        let mut seen = HashSet::new();
        let mut rows = Vec::with_capacity(students.len() * semesters.len());
        for s in students {
            if !seen.insert(&s.id) {
                return Err(PolicyError::Duplicate {
                    what: "student id",
                    id: s.id.to_string(),
                });
            }
            for &semester in &semesters {
                let grade = s.grade_in(semester);
                let (eligibility, amount) = match rates.rate(&s.school, semester) {
                    None => (Eligibility::SchoolTypeNotCovered, Money::ZERO),
                    Some(r)
                        if !(i64::from(r.first_grade)..=i64::from(r.last_grade))
                            .contains(&grade) =>
                    {
                        (
                            Eligibility::GradeOutside {
                                first: r.first_grade,
                                last: r.last_grade,
                            },
                            Money::ZERO,
                        )
                    }
                    Some(r) => (Eligibility::Eligible, r.in_term(semester.term())),
                };
                rows.push(YuluEntitlement {
                    student: s.id.clone(),
                    region: s.region,
                    school: s.school.clone(),
                    semester,
                    grade,
                    eligibility,
                    amount,
                });
            }
        }
        Ok(YuluEntitlements { period, rows })
    }

    /// The period computed.
    pub fn period(&self) -> YuluPeriod {
        self.period
    }

    /// Every student and semester, students in input order.
    pub fn rows(&self) -> &[YuluEntitlement] {
        &self.rows
    }

    /// Rows of a student outside the programme that semester, with the reason.
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
    /// province), in order of first appearance. A student counts as eligible when eligible
    /// in at least one semester of the period, else as flagged.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when a sum overflows.
    pub fn by_region(
        &self,
        level: RegionLevel,
    ) -> Result<IndexMap<RegionCode, YuluRegionTotal>, PolicyError> {
        let mut out: IndexMap<RegionCode, YuluRegionTotal> = IndexMap::new();
        // Per student: (region key, eligible in some semester), in first-seen order.
        let mut students: IndexMap<&RecordId, (RegionCode, bool)> = IndexMap::new();
        for r in &self.rows {
            let key = r.region.rolled_up_to(level);
            let t = out.entry(key).or_default();
            t.amount = t
                .amount
                .checked_add(r.amount)
                .ok_or_else(|| PolicyError::overflow(format!("雨露计划 total for {key}")))?;
            let e = students.entry(&r.student).or_insert((key, false));
            e.1 |= r.eligibility.is_eligible();
        }
        // Every student's region already has its row in `out` (same keys, same loop).
        for (key, eligible) in students.into_values() {
            let t = out.entry(key).or_default();
            if eligible {
                t.eligible += 1;
            } else {
                t.flagged += 1;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: &str, region: &str, school: &SchoolType, entry: i32) -> YuluStudent {
        YuluStudent::new(
            id.parse().unwrap(),
            region.parse().unwrap(),
            school.clone(),
            entry,
        )
    }

    fn yuan(n: i64) -> Money {
        Money::from_fen(n * 100)
    }

    /// Illustrative rates (the published ones are tested in tests/policy.rs).
    fn rates() -> YuluRates {
        let from = Semester::autumn(2021);
        YuluRates::new([
            (
                from,
                SchoolType::SECONDARY_SPECIALISED,
                YuluRate::per_year(yuan(3000)).unwrap().with_grades(1, 3),
            ),
            (
                from,
                SchoolType::HIGHER_VOCATIONAL,
                YuluRate::per_year(yuan(5000)).unwrap().with_grades(1, 3),
            ),
            // A type paid once a year, in autumn.
            (
                from,
                SchoolType::TECHNICAL_SCHOOL,
                YuluRate::once_a_year(yuan(4000), Term::Autumn).with_grades(1, 4),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn entitlements_by_type_and_semester_with_flags() {
        let students = [
            s("S-1", "450521", &SchoolType::SECONDARY_SPECIALISED, 2022),
            s("S-2", "450502", &SchoolType::HIGHER_VOCATIONAL, 2020),
            s("S-3", "450521", &SchoolType::TECHNICAL_SCHOOL, 2019),
            s("S-4", "450702", &SchoolType::new("本科").unwrap(), 2022),
            s("S-5", "450702", &SchoolType::SECONDARY_SPECIALISED, 2019),
        ];
        let year =
            YuluEntitlements::compute(&students, &rates(), YuluPeriod::SchoolYear(2022)).unwrap();
        assert_eq!(year.rows().len(), 10);
        let per_student: Vec<Money> = year
            .rows()
            .chunks(2)
            .map(|c| c[0].amount().checked_add(c[1].amount()).unwrap())
            .collect();
        assert_eq!(
            per_student,
            [yuan(3000), yuan(5000), yuan(4000), Money::ZERO, Money::ZERO]
        );
        assert_eq!(year.total().unwrap(), yuan(12_000));
        let flagged: Vec<(&str, &str)> = year
            .flagged()
            .map(|r| (r.student().as_str(), r.eligibility().as_str()))
            .collect();
        assert_eq!(
            flagged,
            [
                ("S-4", "学校类型不在补助范围"),
                ("S-4", "学校类型不在补助范围"),
                ("S-5", "年级不在补助范围"),
                ("S-5", "年级不在补助范围"),
            ]
        );
        let autumn = YuluEntitlements::compute(
            &students,
            &rates(),
            YuluPeriod::Semester(Semester::autumn(2022)),
        )
        .unwrap();
        assert_eq!(autumn.total().unwrap(), yuan(1500 + 2500 + 4000));
        let spring = YuluEntitlements::compute(
            &students,
            &rates(),
            YuluPeriod::Semester(Semester::spring(2023)),
        )
        .unwrap();
        // The technical school pays in autumn only: nothing in spring, still eligible.
        assert_eq!(spring.total().unwrap(), yuan(1500 + 2500));
        assert_eq!(spring.rows()[2].eligibility(), Eligibility::Eligible);
        // Before any rate is in force: not covered.
        let early = YuluEntitlements::compute(
            &students,
            &rates(),
            YuluPeriod::Semester(Semester::spring(2021)),
        )
        .unwrap();
        assert!(early.rows().iter().all(|r| !r.eligibility().is_eligible()));
    }

    #[test]
    fn grades_follow_the_entry_year_across_a_calendar_year() {
        // Entered autumn 2020, grades 1–3 covered: spring 2023 is grade 3, autumn 2023
        // grade 4.
        let students = [s("S-1", "450521", &SchoolType::SECONDARY_SPECIALISED, 2020)];
        let y =
            YuluEntitlements::compute(&students, &rates(), YuluPeriod::CalendarYear(2023)).unwrap();
        let grades: Vec<i64> = y.rows().iter().map(YuluEntitlement::grade).collect();
        assert_eq!(grades, [3, 4]);
        assert_eq!(y.total().unwrap(), yuan(1500));
        let before = YuluEntitlements::compute(
            &students,
            &rates(),
            YuluPeriod::Semester(Semester::spring(2020)),
        )
        .unwrap();
        assert_eq!(before.rows()[0].grade(), 0);
        assert!(!before.rows()[0].eligibility().is_eligible());
    }

    #[test]
    fn totals_roll_up_by_region_counting_students_once() {
        let students = [
            s("S-1", "450521", &SchoolType::SECONDARY_SPECIALISED, 2022),
            s("S-2", "450502", &SchoolType::HIGHER_VOCATIONAL, 2020),
            s("S-4", "450702", &SchoolType::new("本科").unwrap(), 2022),
        ];
        let year =
            YuluEntitlements::compute(&students, &rates(), YuluPeriod::SchoolYear(2022)).unwrap();
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
        assert_eq!((gx[0].eligible(), gx[0].flagged()), (2, 1));
    }

    #[test]
    fn bad_inputs_are_named() {
        assert_eq!(
            YuluRate::per_year(Money::from_fen(100_001))
                .unwrap_err()
                .to_string(),
            "雨露计划 rate 1000.01元 a year: does not split into 2 whole-分 payments"
        );
        let from = Semester::autumn(2022);
        let dup = YuluRates::new([
            (
                from,
                SchoolType::HIGHER_VOCATIONAL,
                YuluRate::per_semester(yuan(1)),
            ),
            (
                from,
                SchoolType::HIGHER_VOCATIONAL,
                YuluRate::per_semester(yuan(2)),
            ),
        ]);
        assert_eq!(
            dup.unwrap_err().to_string(),
            "duplicate 雨露计划 rate 高职 from 2022年秋季学期"
        );
        let students = [
            s("S-1", "450521", &SchoolType::SECONDARY_SPECIALISED, 2022),
            s("S-1", "450521", &SchoolType::SECONDARY_SPECIALISED, 2021),
        ];
        let e = YuluEntitlements::compute(&students, &rates(), YuluPeriod::SchoolYear(2022))
            .unwrap_err();
        assert_eq!(e.to_string(), "duplicate student id S-1");
        assert_eq!(
            YuluRates::new([(
                from,
                SchoolType::HIGHER_VOCATIONAL,
                YuluRate::per_semester(yuan(1)).with_grades(3, 1)
            )])
            .unwrap_err()
            .to_string(),
            "雨露计划 rate for 高职 from 2022年秋季学期: grades 3–1 are empty"
        );
        assert!(SchoolType::new("  ").is_err());
    }

    #[test]
    fn school_types_parse_with_aliases_and_keep_other_labels() {
        for t in SchoolType::COMMON {
            assert_eq!(t.as_str().parse::<SchoolType>().unwrap(), t);
        }
        for (alias, t) in [
            ("职高", SchoolType::VOCATIONAL_HIGH_SCHOOL),
            ("中等专业学校", SchoolType::SECONDARY_SPECIALISED),
            ("技校", SchoolType::TECHNICAL_SCHOOL),
            ("大专", SchoolType::HIGHER_VOCATIONAL),
            ("技师", SchoolType::TECHNICIAN_COLLEGE),
            ("本科层次职业教育", SchoolType::VOCATIONAL_UNDERGRADUATE),
        ] {
            assert_eq!(alias.parse::<SchoolType>().unwrap(), t, "{alias}");
        }
        // Group names stay the caller's own types.
        assert_eq!("中职".parse::<SchoolType>().unwrap().as_str(), "中职");
        assert_eq!(
            SchoolType::new("中专").unwrap(),
            SchoolType::SECONDARY_SPECIALISED
        );
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
                Semester::autumn(2021),
                SchoolType::SECONDARY_SPECIALISED,
                YuluRate::per_year(Money::from_fen(300_000))
                    .unwrap()
                    .with_grades(1, 3),
            ),
            (
                Semester::autumn(2022),
                SchoolType::SECONDARY_SPECIALISED,
                YuluRate::per_year(Money::from_fen(400_000))
                    .unwrap()
                    .with_grades(1, 3),
            ),
            (
                Semester::autumn(2022),
                SchoolType::new("五年制高职").unwrap(),
                YuluRate::once_a_year(Money::from_fen(250_000), Term::Autumn),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn rates_round_trip_through_json() {
        let r = rates();
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.starts_with(
                r#"{"rates":[[{"year":2021,"term":"autumn"},"中专",{"per_payment":"1500.00","#
            ),
            "{json}"
        );
        let back: YuluRates = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn rates_json_is_checked_by_the_constructor() {
        let r = rates();
        let json = serde_json::to_string(&r).unwrap();
        // The same type from the same semester twice: a duplicate, not "the last one wins".
        let twice = json.replace(r#""rates":["#, r#""rates":[[{"year":2021,"term":"autumn"},"中专",{"per_payment":"1","paid_in":"each_semester","first_grade":1,"last_grade":3}],"#);
        let e = serde_json::from_str::<YuluRates>(&twice)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("duplicate 雨露计划 rate 中专 from 2021年秋季学期"),
            "{e}"
        );
        let zero = json.replacen(r#""per_payment":"1500.00""#, r#""per_payment":"0""#, 1);
        let e = serde_json::from_str::<YuluRates>(&zero)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("雨露计划 rate for 中专 from 2021年秋季学期: 0.00元 a payment"),
            "{e}"
        );
        let empty = json.replacen(r#""中专""#, r#""""#, 1);
        assert!(serde_json::from_str::<YuluRates>(&empty).is_err());
    }
}
