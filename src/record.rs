//! Records (记录): regions, allocations, projects, expenditures and adjustments, as
//! immutable values.
//!
//! Constructors take the required fields, `with_*` adds optional ones, getters read them.
//! Rules that involve more than one record (unknown references, duplicates, overspending)
//! live in the [`Ledger`](crate::Ledger).

use chrono::NaiveDate;

use crate::dim::{Category, DocNo, FundLevel, ProjectId, ProjectStage, RecordId, RegionCode};
use crate::money::Money;

/// Where money is held and spent: a (region, fund level, category) bucket (资金账户).
///
/// `category` is `None` for money not yet assigned to a category (分配方案 not yet set);
/// it is assigned by a [`Adjustment::reallocation`] into a categorised bucket.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Bucket {
    region: RegionCode,
    level: FundLevel,
    category: Option<Category>,
}

impl Bucket {
    /// A bucket.
    ///
    /// ```
    /// use fundtrack::{Category, FundLevel, RegionCode};
    /// use fundtrack::record::Bucket;
    /// let b = Bucket::new("450521".parse()?, FundLevel::Central, Some(Category::Industry));
    /// assert_eq!(b.to_string(), "450521/中央/产业发展");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn new(region: RegionCode, level: FundLevel, category: Option<Category>) -> Bucket {
        Bucket {
            region,
            level,
            category,
        }
    }

    /// The region holding the money.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// The fund level the money came from.
    pub fn level(&self) -> FundLevel {
        self.level
    }

    /// The category, or `None` while unassigned.
    pub fn category(&self) -> Option<&Category> {
        self.category.as_ref()
    }
}

impl std::fmt::Display for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A label for a bucket with no category yet, not a figure.
        let cat = self.category.as_ref().map_or("未分配", Category::as_str);
        write!(f, "{}/{}/{}", self.region, self.level, cat)
    }
}

/// A region the ledger knows, with its name (行政区划).
///
/// # Example
///
/// ```
/// use fundtrack::record::Region;
/// let r = Region::new("450500".parse()?, "北海市");
/// assert_eq!(r.name(), "北海市");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Region {
    code: RegionCode,
    name: String,
}

impl Region {
    /// A region with a display name.
    pub fn new(code: RegionCode, name: impl Into<String>) -> Region {
        Region {
            code,
            name: name.into(),
        }
    }

    /// The code.
    pub fn code(&self) -> RegionCode {
        self.code
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Money put in place for a region (资金下达/落实): who gave it, when, how much.
///
/// Recorded where the money is finally held; see the ledger docs on double counting.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel, Money};
/// use fundtrack::record::Allocation;
/// use chrono::NaiveDate;
///
/// let a = Allocation::new(
///     "A-1".parse()?,
///     NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
///     "450500".parse()?,
///     FundLevel::City,
///     "14753万元".parse()?,
/// )
/// .with_category(Category::Industry)
/// .with_batch(1);
/// assert_eq!(a.amount().to_fen(), 14_753_000_000);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Allocation {
    id: RecordId,
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    date: NaiveDate,
    region: RegionCode,
    level: FundLevel,
    category: Option<Category>,
    amount: Money,
    doc_no: Option<DocNo>,
    batch: Option<u32>,
}

impl Allocation {
    /// An allocation not yet assigned to a category.
    pub fn new(
        id: RecordId,
        date: NaiveDate,
        region: RegionCode,
        level: FundLevel,
        amount: Money,
    ) -> Allocation {
        Allocation {
            id,
            date,
            region,
            level,
            category: None,
            amount,
            doc_no: None,
            batch: None,
        }
    }

    /// Assigns the category.
    #[must_use]
    pub fn with_category(mut self, category: Category) -> Allocation {
        self.category = Some(category);
        self
    }

    /// Adds the document number (文号).
    #[must_use]
    pub fn with_doc_no(mut self, doc_no: DocNo) -> Allocation {
        self.doc_no = Some(doc_no);
        self
    }

    /// Adds the batch number (批次).
    #[must_use]
    pub fn with_batch(mut self, batch: u32) -> Allocation {
        self.batch = Some(batch);
        self
    }

    /// The id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }
    /// The date it was put in place.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// The receiving region.
    pub fn region(&self) -> RegionCode {
        self.region
    }
    /// The fund level it came from.
    pub fn level(&self) -> FundLevel {
        self.level
    }
    /// The category, if assigned.
    pub fn category(&self) -> Option<&Category> {
        self.category.as_ref()
    }
    /// The amount.
    pub fn amount(&self) -> Money {
        self.amount
    }
    /// The document number.
    pub fn doc_no(&self) -> Option<&DocNo> {
        self.doc_no.as_ref()
    }
    /// The batch.
    pub fn batch(&self) -> Option<u32> {
        self.batch
    }
    /// The bucket it fills.
    pub fn bucket(&self) -> Bucket {
        Bucket::new(self.region, self.level, self.category.clone())
    }
}

/// A project in the project pool (项目库).
///
/// # Example
///
/// ```
/// use fundtrack::{Category, ProjectStage};
/// use fundtrack::record::Project;
///
/// let p = Project::new("P-1".parse()?, "450521".parse()?, Category::Infrastructure,
///     "120万元".parse()?, ProjectStage::Implementing, 2021);
/// assert!(p.stage().is_pooled());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Project {
    id: ProjectId,
    region: RegionCode,
    category: Category,
    planned: Money,
    stage: ProjectStage,
    year: i32,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    name: Option<String>,
}

impl Project {
    /// A project with its planned investment (计划总投资), stage and plan year.
    pub fn new(
        id: ProjectId,
        region: RegionCode,
        category: Category,
        planned: Money,
        stage: ProjectStage,
        year: i32,
    ) -> Project {
        Project {
            id,
            region,
            category,
            planned,
            stage,
            year,
            name: None,
        }
    }

    /// The project with its name (项目名称).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, ProjectStage};
    /// use fundtrack::record::Project;
    /// let p = Project::new("P-1".parse()?, "450521".parse()?, Category::Industry,
    ///     "80万元".parse()?, ProjectStage::InPool, 2021).with_name("百香果种植基地");
    /// assert_eq!(p.name(), Some("百香果种植基地"));
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn with_name(mut self, name: impl Into<String>) -> Project {
        self.name = Some(name.into());
        self
    }

    /// The name (项目名称), when one was given.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The id.
    pub fn id(&self) -> &ProjectId {
        &self.id
    }
    /// The region.
    pub fn region(&self) -> RegionCode {
        self.region
    }
    /// The category.
    pub fn category(&self) -> &Category {
        &self.category
    }
    /// Planned total investment (计划总投资).
    pub fn planned(&self) -> Money {
        self.planned
    }
    /// The stage.
    pub fn stage(&self) -> ProjectStage {
        self.stage
    }
    /// The plan year.
    pub fn year(&self) -> i32 {
        self.year
    }
}

/// Money spent on a pooled project (支出).
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel};
/// use fundtrack::record::Expenditure;
/// use chrono::NaiveDate;
///
/// let e = Expenditure::new("E-1".parse()?, NaiveDate::from_ymd_opt(2021, 5, 8).unwrap(),
///     "P-1".parse()?, "450521".parse()?, FundLevel::Central, Category::Industry, "35.5万元".parse()?);
/// assert_eq!(e.amount().to_string(), "355000.00元");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Expenditure {
    id: RecordId,
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    date: NaiveDate,
    project: ProjectId,
    region: RegionCode,
    level: FundLevel,
    category: Category,
    amount: Money,
}

impl Expenditure {
    /// An expenditure of `amount` from the (region, level, category) bucket on `project`.
    pub fn new(
        id: RecordId,
        date: NaiveDate,
        project: ProjectId,
        region: RegionCode,
        level: FundLevel,
        category: Category,
        amount: Money,
    ) -> Expenditure {
        Expenditure {
            id,
            date,
            project,
            region,
            level,
            category,
            amount,
        }
    }

    /// The id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }
    /// The date paid.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// The project paid for.
    pub fn project(&self) -> &ProjectId {
        &self.project
    }
    /// The region spending.
    pub fn region(&self) -> RegionCode {
        self.region
    }
    /// The fund level the money came from.
    pub fn level(&self) -> FundLevel {
        self.level
    }
    /// The category.
    pub fn category(&self) -> &Category {
        &self.category
    }
    /// The amount.
    pub fn amount(&self) -> Money {
        self.amount
    }
    /// The bucket it draws on.
    pub fn bucket(&self) -> Bucket {
        Bucket::new(self.region, self.level, Some(self.category.clone()))
    }
}

/// What an adjustment does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AdjustmentKind {
    /// 收回: money taken back from a bucket (e.g. the two-year rule).
    Recovery {
        /// The bucket it leaves.
        from: Bucket,
    },
    /// 调整: money moved between buckets (another region, category or from unassigned).
    Reallocation {
        /// The bucket it leaves.
        from: Bucket,
        /// The bucket it enters.
        to: Bucket,
    },
    /// 结转: unspent money of an earlier year brought into this year.
    CarryIn {
        /// The bucket it enters.
        to: Bucket,
        /// The year it was first allocated.
        from_year: i32,
    },
}

/// An explicit correction to allocated money (调整): a recovery, a reallocation or a
/// carry-over, never a silent negative amount.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel};
/// use fundtrack::record::{Adjustment, Bucket};
/// use chrono::NaiveDate;
///
/// let region = "450521".parse()?;
/// // The 分配方案 assigns unassigned central money to industry.
/// let plan = Adjustment::reallocation(
///     "ADJ-1".parse()?,
///     NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
///     Bucket::new(region, FundLevel::Central, None),
///     Bucket::new(region, FundLevel::Central, Some(Category::Industry)),
///     "500万元".parse()?,
/// );
/// assert_eq!(plan.amount().to_fen(), 500_000_000);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Adjustment {
    id: RecordId,
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    date: NaiveDate,
    kind: AdjustmentKind,
    amount: Money,
}

impl Adjustment {
    /// Money recovered (收回) from a bucket.
    pub fn recovery(id: RecordId, date: NaiveDate, from: Bucket, amount: Money) -> Adjustment {
        Adjustment {
            id,
            date,
            kind: AdjustmentKind::Recovery { from },
            amount,
        }
    }

    /// Money moved (调整) from one bucket to another.
    pub fn reallocation(
        id: RecordId,
        date: NaiveDate,
        from: Bucket,
        to: Bucket,
        amount: Money,
    ) -> Adjustment {
        Adjustment {
            id,
            date,
            kind: AdjustmentKind::Reallocation { from, to },
            amount,
        }
    }

    /// Unspent money of `from_year` carried into this year (结转).
    pub fn carry_in(
        id: RecordId,
        date: NaiveDate,
        to: Bucket,
        from_year: i32,
        amount: Money,
    ) -> Adjustment {
        Adjustment {
            id,
            date,
            kind: AdjustmentKind::CarryIn { to, from_year },
            amount,
        }
    }

    /// The id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }
    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// What it does.
    pub fn kind(&self) -> &AdjustmentKind {
        &self.kind
    }
    /// The amount moved (positive).
    pub fn amount(&self) -> Money {
        self.amount
    }
    /// The bucket money leaves, if any.
    pub fn source(&self) -> Option<&Bucket> {
        match &self.kind {
            AdjustmentKind::Recovery { from } | AdjustmentKind::Reallocation { from, .. } => {
                Some(from)
            }
            AdjustmentKind::CarryIn { .. } => None,
        }
    }
    /// The bucket money enters, if any.
    pub fn target(&self) -> Option<&Bucket> {
        match &self.kind {
            AdjustmentKind::Reallocation { to, .. } | AdjustmentKind::CarryIn { to, .. } => {
                Some(to)
            }
            AdjustmentKind::Recovery { .. } => None,
        }
    }
}

/// Any record the ledger takes, for mixed batches.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "record", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Record {
    /// A region.
    Region(Region),
    /// An allocation.
    Allocation(Allocation),
    /// A project.
    Project(Project),
    /// An expenditure.
    Expenditure(Expenditure),
    /// An adjustment.
    Adjustment(Adjustment),
}

impl Record {
    /// A short description naming the record: `expenditure E-0192`.
    pub fn describe(&self) -> String {
        match self {
            Record::Region(r) => format!("region {}", r.code()),
            Record::Allocation(a) => format!("allocation {}", a.id()),
            Record::Project(p) => format!("project {}", p.id()),
            Record::Expenditure(e) => format!("expenditure {}", e.id()),
            Record::Adjustment(a) => format!("adjustment {}", a.id()),
        }
    }
}

macro_rules! into_record {
    ($($t:ident),*) => {$(
        impl From<$t> for Record {
            fn from(r: $t) -> Record {
                Record::$t(r)
            }
        }
    )*};
}
into_record!(Region, Allocation, Project, Expenditure, Adjustment);
