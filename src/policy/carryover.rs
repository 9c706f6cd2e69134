//! Carry-over and recovery (结转结余与收回): the age of unspent allocations in budget years,
//! with money unspent past a caller-set deadline flagged for recovery, and 结转, 结余 and
//! 质保金 kept apart.
//!
//! Published rule: "预算下达后连续两年未用完的结转资金按结余资金管理" (the wording quoted in
//! issue 15; the same rule for budget money generally is in 国务院《关于深化预算管理制度改革
//! 的决定》, 国发〔2014〕45号). Budget years end on 31 December, so the age is counted in
//! budget years from the year of allocation, not in months; the text admits two readings
//! (due after the close of the year after allocation, or of the year after that), and the
//! reading is the caller's [`Deadline`]. Spending draws on a bucket's allocations oldest
//! first (FIFO); an allocation is 结转 or 结余 by its project's stage unless the caller marks
//! it (结转, 结余 or 质保金, [`CarryOverAllocation::with_kind`]); [`carry_over`] gives each
//! allocation's unspent money, its age and whether it is due for recovery.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use indexmap::IndexMap;

use super::PolicyError;
use crate::dim::{ProjectStage, RecordId};
use crate::money::Money;
use crate::record::Bucket;

/// Whether unspent money is 结转, 结余 or 质保金.
///
/// # Example
///
/// ```
/// use fundtrack::ProjectStage;
/// use fundtrack::policy::carryover::UnspentKind;
///
/// assert_eq!(UnspentKind::of(ProjectStage::Implementing), UnspentKind::CarryOver);
/// assert_eq!(UnspentKind::of(ProjectStage::Accepted), UnspentKind::Surplus);
/// assert_eq!(UnspentKind::Surplus.as_str(), "结余");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UnspentKind {
    /// 结转: money of a project not yet finished, still to be spent on it.
    CarryOver,
    /// 结余: money left over by a project that is finished (竣工, 验收) or stopped (出库).
    Surplus,
    /// 质保金: retention money of a finished project, still owed to the contractor until
    /// the warranty ends. Never derived from a stage: the caller marks it
    /// ([`CarryOverAllocation::with_kind`]).
    Retention,
}

impl UnspentKind {
    /// The default kind for a project at `stage` (a library convention, overridden by a
    /// mark): completed, accepted and withdrawn projects leave 结余; every other stage
    /// (including 滚动 to next year) carries money over as 结转.
    pub fn of(stage: ProjectStage) -> UnspentKind {
        match stage {
            ProjectStage::Completed | ProjectStage::Accepted | ProjectStage::Withdrawn => {
                UnspentKind::Surplus
            }
            _ => UnspentKind::CarryOver,
        }
    }

    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            UnspentKind::CarryOver => "结转",
            UnspentKind::Surplus => "结余",
            UnspentKind::Retention => "质保金",
        }
    }
}

/// An allocation (资金下达) into a [`Bucket`] with the stage of the project it is for, as
/// of the check.
///
/// The bucket may be unassigned (category `None`, 分配方案 not yet set): such money is
/// aged and flagged like any other, and is drawn on only by spending from the same
/// unassigned bucket.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel, ProjectStage};
/// use fundtrack::policy::carryover::CarryOverAllocation;
/// use fundtrack::record::Bucket;
/// use chrono::NaiveDate;
///
/// let b = Bucket::new("450521".parse()?, FundLevel::Central, Some(Category::Industry));
/// let a = CarryOverAllocation::new("A-1".parse()?, b, NaiveDate::from_ymd_opt(2019, 3, 1).unwrap(), "100万元".parse()?, ProjectStage::Implementing);
/// assert_eq!(a.amount().to_string(), "1000000.00元");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CarryOverAllocation {
    id: RecordId,
    bucket: Bucket,
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    date: NaiveDate,
    amount: Money,
    stage: ProjectStage,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    kind: Option<UnspentKind>,
}

impl CarryOverAllocation {
    /// Allocation `id` of `amount` into `bucket` on `date`, for a project now at `stage`.
    pub fn new(
        id: RecordId,
        bucket: Bucket,
        date: NaiveDate,
        amount: Money,
        stage: ProjectStage,
    ) -> CarryOverAllocation {
        CarryOverAllocation {
            id,
            bucket,
            date,
            amount,
            stage,
            kind: None,
        }
    }

    /// Marks the allocation's unspent money explicitly as 结转, 结余 or 质保金, overriding
    /// the default from its project's stage ([`UnspentKind::of`]): e.g. unpaid retention
    /// money on a completed project is 质保金, still owed, not 结余.
    ///
    /// ```
    /// use fundtrack::{Category, FundLevel, ProjectStage};
    /// use fundtrack::policy::carryover::{CarryOverAllocation, UnspentKind};
    /// use fundtrack::record::Bucket;
    /// use chrono::NaiveDate;
    ///
    /// let b = Bucket::new("450521".parse()?, FundLevel::Central, Some(Category::Infrastructure));
    /// let a = CarryOverAllocation::new("A-9".parse()?, b, NaiveDate::from_ymd_opt(2022, 3, 1).unwrap(), "5万元".parse()?, ProjectStage::Completed)
    ///     .with_kind(UnspentKind::Retention);
    /// assert_eq!(a.kind(), UnspentKind::Retention);
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    #[must_use]
    pub fn with_kind(mut self, kind: UnspentKind) -> CarryOverAllocation {
        self.kind = Some(kind);
        self
    }

    /// The kind of its unspent money: the mark if any, else from the stage.
    pub fn kind(&self) -> UnspentKind {
        self.kind.unwrap_or_else(|| UnspentKind::of(self.stage))
    }

    /// Whether the kind was marked by the caller (not derived from the stage).
    pub fn is_marked(&self) -> bool {
        self.kind.is_some()
    }

    /// The allocation id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }

    /// The amount allocated.
    pub fn amount(&self) -> Money {
        self.amount
    }
}

/// Spending (支出) out of a [`Bucket`]; it uses up allocations into the same bucket only.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel};
/// use fundtrack::policy::carryover::CarryOverSpending;
/// use fundtrack::record::Bucket;
/// use chrono::NaiveDate;
///
/// let b = Bucket::new("450521".parse()?, FundLevel::Central, Some(Category::Industry));
/// let s = CarryOverSpending::new("E-1".parse()?, b, NaiveDate::from_ymd_opt(2019, 6, 1).unwrap(), "30万元".parse()?);
/// assert_eq!(s.amount().to_string(), "300000.00元");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CarryOverSpending {
    id: RecordId,
    bucket: Bucket,
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    date: NaiveDate,
    amount: Money,
}

impl CarryOverSpending {
    /// Spending `id` of `amount` from `bucket` on `date`.
    pub fn new(id: RecordId, bucket: Bucket, date: NaiveDate, amount: Money) -> CarryOverSpending {
        CarryOverSpending {
            id,
            bucket,
            date,
            amount,
        }
    }

    /// The amount spent.
    pub fn amount(&self) -> Money {
        self.amount
    }
}

/// When unspent money of a kind is due for recovery (收回期限), counted in budget years
/// (which end on 31 December) from the year of allocation.
///
/// The rule "预算下达后连续两年未用完的结转资金按结余资金管理" (quoted in issue 15; cf.
/// 国发〔2014〕45号) admits two readings, both expressible: `YearEnd(1)` — the two years are
/// the year of allocation and the next, so 2019 money is due after 2020-12-31; `YearEnd(2)`
/// — two whole years after the year of allocation, so 2019 money is due after 2021-12-31.
///
/// # Example
///
/// ```
/// use fundtrack::policy::carryover::Deadline;
/// use chrono::NaiveDate;
///
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(Deadline::YearEnd(1).last_day(d(2019, 9, 30)), Some(d(2020, 12, 31)));
/// assert_eq!(Deadline::YearEnd(2).last_day(d(2019, 9, 30)), Some(d(2021, 12, 31)));
/// assert_eq!(Deadline::Immediately.last_day(d(2019, 9, 30)), Some(d(2019, 9, 30)));
/// assert_eq!(Deadline::Never.last_day(d(2019, 9, 30)), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Deadline {
    /// Due from the day after allocation (money that should not stay at all).
    Immediately,
    /// Due after 31 December of the allocation's year + n (`YearEnd(0)`: after the close
    /// of the year of allocation).
    YearEnd(u32),
    /// Never flagged by age.
    Never,
}

impl Deadline {
    /// The last day money allocated on `allocated` may stay unspent; `None` for
    /// [`Deadline::Never`] or beyond the calendar.
    pub fn last_day(self, allocated: NaiveDate) -> Option<NaiveDate> {
        match self {
            Deadline::Immediately => Some(allocated),
            Deadline::YearEnd(n) => {
                let year = allocated.year().checked_add(i32::try_from(n).ok()?)?;
                NaiveDate::from_ymd_opt(year, 12, 31)
            }
            Deadline::Never => None,
        }
    }
}

/// The as-of date and the recovery deadlines (收回期限) by kind, supplied by the caller:
/// money unspent after its deadline is flagged for recovery.
///
/// # Example
///
/// ```
/// use fundtrack::policy::carryover::{CarryOverOptions, Deadline};
/// use chrono::NaiveDate;
///
/// // 结转 under the first reading of the two-year rule; 结余 recovered at once and 质保金
/// // never flagged (both illustrations, the caller's choice).
/// let opts = CarryOverOptions::new(NaiveDate::from_ymd_opt(2021, 6, 30).unwrap(), Deadline::YearEnd(1), Deadline::Immediately)
///     .retention(Deadline::Never);
/// # let _ = opts;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CarryOverOptions {
    as_of: NaiveDate,
    carry_over: Deadline,
    surplus: Deadline,
    retention: Deadline,
}

impl CarryOverOptions {
    /// Check at the end of `as_of`, 结转 due by `carry_over`, 结余 by `surplus`; 质保金 is
    /// never flagged unless [`retention`](CarryOverOptions::retention) is set (a library
    /// default: retention money is owed to the contractor, not idle).
    pub fn new(as_of: NaiveDate, carry_over: Deadline, surplus: Deadline) -> CarryOverOptions {
        CarryOverOptions {
            as_of,
            carry_over,
            surplus,
            retention: Deadline::Never,
        }
    }

    /// Sets when 质保金 is due.
    #[must_use]
    pub fn retention(mut self, deadline: Deadline) -> CarryOverOptions {
        self.retention = deadline;
        self
    }

    /// The deadline for a kind.
    pub fn deadline(&self, kind: UnspentKind) -> Deadline {
        match kind {
            UnspentKind::CarryOver => self.carry_over,
            UnspentKind::Surplus => self.surplus,
            UnspentKind::Retention => self.retention,
        }
    }
}

/// One allocation's unspent money, its age and whether it is due for recovery.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CarryOverRow {
    allocation: RecordId,
    bucket: Bucket,
    date: NaiveDate,
    amount: Money,
    spent: Money,
    #[cfg_attr(feature = "serde", serde(skip))]
    unspent: Money,
    kind: UnspentKind,
    marked: bool,
    closed_years: u32,
    deadline: Option<NaiveDate>,
    overdue: bool,
}

impl CarryOverRow {
    /// The allocation.
    pub fn allocation(&self) -> &RecordId {
        &self.allocation
    }

    /// Its bucket.
    pub fn bucket(&self) -> &Bucket {
        &self.bucket
    }

    /// The date allocated.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The amount allocated.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// Spending attributed to it (FIFO).
    pub fn spent(&self) -> Money {
        self.spent
    }

    /// What is left unspent.
    pub fn unspent(&self) -> Money {
        self.unspent
    }

    /// 结转, 结余 or 质保金.
    pub fn kind(&self) -> UnspentKind {
        self.kind
    }

    /// Whether the kind was marked by the caller rather than derived from the stage.
    pub fn is_marked(&self) -> bool {
        self.marked
    }

    /// Budget years closed since allocation (年度): 0 in the year of allocation, 1 in the
    /// next, … (the as-of year − the allocation year).
    pub fn closed_years(&self) -> u32 {
        self.closed_years
    }

    /// The last day the money may stay unspent ([`Deadline::last_day`]); `None` when
    /// never due.
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.deadline
    }

    /// Whether unspent money is past its deadline and to be recovered (应收回).
    pub fn to_recover(&self) -> bool {
        self.unspent().is_positive() && self.overdue
    }
}

/// Unspent allocations at a date (结转结余情况), with what is to be recovered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CarryOverReport {
    as_of: NaiveDate,
    rows: Vec<CarryOverRow>,
}

impl CarryOverReport {
    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Every allocation up to the date, in input order.
    pub fn rows(&self) -> &[CarryOverRow] {
        &self.rows
    }

    /// Allocations to be recovered.
    pub fn to_recover(&self) -> impl Iterator<Item = &CarryOverRow> + '_ {
        self.rows.iter().filter(|r| r.to_recover())
    }

    /// Total unspent of one kind.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when the sum overflows.
    pub fn unspent(&self, kind: UnspentKind) -> Result<Money, PolicyError> {
        Money::checked_sum(
            self.rows
                .iter()
                .filter(|r| r.kind == kind)
                .map(CarryOverRow::unspent),
        )
        .ok_or_else(|| PolicyError::overflow(format!("{} total", kind.as_str())))
    }

    /// Total to be recovered, of one kind.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when the sum overflows.
    pub fn recoverable(&self, kind: UnspentKind) -> Result<Money, PolicyError> {
        Money::checked_sum(
            self.to_recover()
                .filter(|r| r.kind == kind)
                .map(CarryOverRow::unspent),
        )
        .ok_or_else(|| PolicyError::overflow(format!("{} to recover", kind.as_str())))
    }
}

/// Ids are unique and amounts above zero.
fn validate(
    allocations: &[CarryOverAllocation],
    spending: &[CarryOverSpending],
) -> Result<(), PolicyError> {
    let mut ids = HashSet::new();
    for a in allocations {
        if !ids.insert(&a.id) {
            return Err(PolicyError::Duplicate {
                what: "allocation id",
                id: a.id.to_string(),
            });
        }
        if !a.amount.is_positive() {
            return Err(PolicyError::invalid(
                format!("allocation {}", a.id),
                format!("amount {} (must be above zero)", a.amount),
            ));
        }
    }
    let mut ids = HashSet::new();
    for s in spending {
        if !ids.insert(&s.id) {
            return Err(PolicyError::Duplicate {
                what: "spending id",
                id: s.id.to_string(),
            });
        }
        if !s.amount.is_positive() {
            return Err(PolicyError::invalid(
                format!("spending {}", s.id),
                format!("amount {} (must be above zero)", s.amount),
            ));
        }
    }
    Ok(())
}

/// Ages unspent allocations and flags money for recovery (结转结余资金清理).
///
/// Rules implemented:
/// - only records dated on or before `as_of` count;
/// - **FIFO** within a [`Bucket`] (region, fund level and category, unassigned money
///   being a bucket of its own): each spending, in date order (then input order), uses up
///   the oldest allocations first (by date, then input order), among those dated on or
///   before the spending;
/// - unspent money is 结转, 结余 or 质保金 as the caller marked it, else by the stage of
///   the allocation's project ([`UnspentKind::of`]);
/// - money is to be recovered when it is still unspent **after** the last day its kind's
///   [`Deadline`] allows, counted in budget years (allocated 2019-09-30, 结转 under
///   `YearEnd(1)` is due from 2021-01-01, under `YearEnd(2)` from 2022-01-01).
///
/// # Errors
///
/// [`PolicyError::Duplicate`] for an id given twice; [`PolicyError::Invalid`] for an
/// amount ≤ 0 or spending beyond what the bucket had been allocated by its date;
/// [`PolicyError::Overflow`], naming the spending or allocation, when a figure does not
/// fit in [`Money`] (no figure is ever replaced by zero).
///
/// # Panics
///
/// Never: the only `expect`s state invariants of the computation (queue indices stay within
/// the allocations in force; their ages are 0 or more years).
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FundLevel, ProjectStage};
/// use fundtrack::policy::carryover::{CarryOverAllocation, CarryOverOptions, CarryOverSpending, Deadline, UnspentKind, carry_over};
/// use fundtrack::record::Bucket;
/// use chrono::NaiveDate;
///
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let b = Bucket::new("450521".parse()?, FundLevel::Central, Some(Category::Industry));
/// let allocations = [
///     CarryOverAllocation::new("A-1".parse()?, b.clone(), d(2019, 3, 1), "100万元".parse()?, ProjectStage::Implementing),
///     CarryOverAllocation::new("A-2".parse()?, b.clone(), d(2020, 3, 1), "50万元".parse()?, ProjectStage::Implementing),
/// ];
/// let spending = [CarryOverSpending::new("E-1".parse()?, b, d(2020, 6, 1), "120万元".parse()?)];
/// let opts = CarryOverOptions::new(d(2021, 9, 30), Deadline::YearEnd(2), Deadline::Immediately);
/// let r = carry_over(&allocations, &spending, &opts)?;
/// // FIFO: A-1 is spent in full, A-2 keeps 30万元 (2020 money: due after 2022-12-31).
/// assert!(r.rows()[0].unspent().is_zero());
/// assert_eq!(r.rows()[1].unspent().to_string(), "300000.00元");
/// assert_eq!(r.to_recover().count(), 0);
/// assert_eq!(r.unspent(UnspentKind::CarryOver)?.to_string(), "300000.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn carry_over(
    allocations: &[CarryOverAllocation],
    spending: &[CarryOverSpending],
    opts: &CarryOverOptions,
) -> Result<CarryOverReport, PolicyError> {
    validate(allocations, spending)?;
    // Allocations in force, indices per bucket in FIFO order.
    let live: Vec<&CarryOverAllocation> = allocations
        .iter()
        .filter(|a| a.date <= opts.as_of)
        .collect();
    let mut spent: Vec<Money> = vec![Money::ZERO; live.len()];
    // Per bucket: (date, index into `live` and `spent`), oldest first.
    let mut queues: IndexMap<&Bucket, Vec<(NaiveDate, usize)>> = IndexMap::new();
    for (i, a) in live.iter().enumerate() {
        queues.entry(&a.bucket).or_default().push((a.date, i));
    }
    for q in queues.values_mut() {
        q.sort_unstable();
    }
    let mut outgoing: Vec<&CarryOverSpending> =
        spending.iter().filter(|s| s.date <= opts.as_of).collect();
    outgoing.sort_by_key(|s| s.date);
    for s in outgoing {
        let mut left = s.amount;
        let overflow = || PolicyError::overflow(format!("spending {}", s.id));
        if let Some(queue) = queues.get(&s.bucket) {
            for &(date, i) in queue {
                if !left.is_positive() || date > s.date {
                    break;
                }
                #[expect(
                    clippy::expect_used,
                    reason = "queue indices come from enumerating `live`, and `spent` has its length"
                )]
                let (a, used) = (
                    live.get(i).expect("queue index within live"),
                    spent.get_mut(i).expect("queue index within spent"),
                );
                let room = a.amount.checked_sub(*used).ok_or_else(overflow)?;
                let take = room.min(left);
                *used = used.checked_add(take).ok_or_else(overflow)?;
                left = left.checked_sub(take).ok_or_else(overflow)?;
            }
        }
        if left.is_positive() {
            return Err(PolicyError::invalid(
                format!("spending {}", s.id),
                format!(
                    "{left} more than was allocated to {} by {}",
                    s.bucket, s.date
                ),
            ));
        }
    }
    let rows = live
        .iter()
        .zip(spent)
        .map(|(a, spent)| {
            let unspent = a
                .amount
                .checked_sub(spent)
                .ok_or_else(|| PolicyError::overflow(format!("allocation {} unspent", a.id)))?;
            let kind = a.kind();
            let deadline = opts.deadline(kind).last_day(a.date);
            // `live` holds allocations dated on or before `as_of`.
            #[expect(
                clippy::expect_used,
                reason = "a.date <= as_of, so the year difference is 0 or more"
            )]
            let closed_years = u32::try_from(opts.as_of.year() - a.date.year())
                .expect("a live allocation is not after the as-of date");
            Ok(CarryOverRow {
                allocation: a.id.clone(),
                bucket: a.bucket.clone(),
                date: a.date,
                amount: a.amount,
                spent,
                unspent,
                kind,
                marked: a.is_marked(),
                closed_years,
                deadline,
                overdue: deadline.is_some_and(|l| opts.as_of > l),
            })
        })
        .collect::<Result<Vec<_>, PolicyError>>()?;
    Ok(CarryOverReport {
        as_of: opts.as_of,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dim::{Category, FundLevel};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn wan(n: i64) -> Money {
        Money::from_fen(n * 1_000_000)
    }

    fn bucket(cat: Category) -> Bucket {
        Bucket::new("450521".parse().unwrap(), FundLevel::Central, Some(cat))
    }

    fn alloc(
        id: &str,
        cat: Category,
        date: NaiveDate,
        amount: Money,
        stage: ProjectStage,
    ) -> CarryOverAllocation {
        CarryOverAllocation::new(id.parse().unwrap(), bucket(cat), date, amount, stage)
    }

    fn spend(id: &str, cat: Category, date: NaiveDate, amount: Money) -> CarryOverSpending {
        CarryOverSpending::new(id.parse().unwrap(), bucket(cat), date, amount)
    }

    #[test]
    fn fifo_ages_and_the_two_year_rule() {
        let allocations = [
            alloc(
                "A-2",
                Category::Industry,
                d(2020, 3, 1),
                wan(50),
                ProjectStage::Implementing,
            ),
            alloc(
                "A-1",
                Category::Industry,
                d(2019, 9, 30),
                wan(100),
                ProjectStage::Implementing,
            ),
            alloc(
                "A-3",
                Category::Infrastructure,
                d(2019, 5, 1),
                wan(80),
                ProjectStage::Accepted,
            ),
            alloc(
                "A-4",
                Category::Industry,
                d(2021, 12, 1),
                wan(10),
                ProjectStage::InPool,
            ), // after as-of
        ];
        let spending = [
            // Before A-2 existed: only A-1 can take it.
            spend("E-1", Category::Industry, d(2019, 12, 1), wan(40)),
            // 60 left on A-1, then 10 from A-2.
            spend("E-2", Category::Industry, d(2020, 6, 1), wan(70)),
            spend("E-3", Category::Infrastructure, d(2020, 1, 1), wan(75)),
        ];
        let on = |as_of| {
            carry_over(
                &allocations,
                &spending,
                &CarryOverOptions::new(as_of, Deadline::YearEnd(2), Deadline::Immediately),
            )
            .unwrap()
        };
        let r = on(d(2021, 9, 30));
        let ids: Vec<&str> = r.rows().iter().map(|x| x.allocation().as_str()).collect();
        assert_eq!(ids, ["A-2", "A-1", "A-3"]);
        let (a2, a1, a3) = (&r.rows()[0], &r.rows()[1], &r.rows()[2]);
        assert_eq!((a1.spent(), a1.unspent()), (wan(100), Money::ZERO));
        assert_eq!(
            (a2.spent(), a2.unspent(), a2.kind()),
            (wan(10), wan(40), UnspentKind::CarryOver)
        );
        // A-3's project is accepted: 5万 of 结余, recovered at once.
        assert_eq!((a3.unspent(), a3.kind()), (wan(5), UnspentKind::Surplus));
        assert!(a3.to_recover() && !a3.is_marked());
        assert_eq!(a2.closed_years(), 1);
        assert_eq!(a2.deadline(), Some(d(2022, 12, 31)));
        assert!(!a2.to_recover());
        assert_eq!(r.unspent(UnspentKind::CarryOver).unwrap(), wan(40));
        assert_eq!(r.recoverable(UnspentKind::Surplus).unwrap(), wan(5));
        assert_eq!(r.recoverable(UnspentKind::CarryOver).unwrap(), Money::ZERO);
        // 2020 money under YearEnd(2): not yet due on 2022-12-31, due the next day.
        assert!(!on(d(2022, 12, 31)).rows()[0].to_recover());
        let later = on(d(2023, 1, 1));
        assert!(later.rows()[0].to_recover());
        assert_eq!(later.recoverable(UnspentKind::CarryOver).unwrap(), wan(40));
    }

    #[test]
    fn spending_beyond_allocations_is_an_error_naming_it() {
        let allocations = [alloc(
            "A-1",
            Category::Industry,
            d(2021, 3, 1),
            wan(10),
            ProjectStage::Implementing,
        )];
        let early = [spend("E-1", Category::Industry, d(2021, 2, 1), wan(1))];
        let e = carry_over(
            &allocations,
            &early,
            &CarryOverOptions::new(d(2021, 9, 30), Deadline::YearEnd(1), Deadline::Immediately),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "spending E-1: 10000.00元 more than was allocated to 450521/中央/产业发展 by 2021-02-01"
        );
        let other = [spend("E-2", Category::Other, d(2021, 4, 1), wan(1))];
        assert!(
            carry_over(
                &allocations,
                &other,
                &CarryOverOptions::new(d(2021, 9, 30), Deadline::YearEnd(1), Deadline::Immediately)
            )
            .is_err()
        );
        let dup = [allocations[0].clone(), allocations[0].clone()];
        assert_eq!(
            carry_over(
                &dup,
                &[],
                &CarryOverOptions::new(d(2021, 9, 30), Deadline::YearEnd(1), Deadline::Immediately)
            )
            .unwrap_err()
            .to_string(),
            "duplicate allocation id A-1"
        );
    }

    #[test]
    fn unassigned_money_is_a_bucket_of_its_own() {
        let unassigned = Bucket::new("450521".parse().unwrap(), FundLevel::Central, None);
        let allocations = [
            CarryOverAllocation::new(
                "A-1".parse().unwrap(),
                unassigned.clone(),
                d(2019, 3, 1),
                wan(100),
                ProjectStage::Implementing,
            ),
            alloc(
                "A-2",
                Category::Industry,
                d(2019, 3, 1),
                wan(50),
                ProjectStage::Implementing,
            ),
        ];
        let spending = [CarryOverSpending::new(
            "E-1".parse().unwrap(),
            unassigned.clone(),
            d(2019, 6, 1),
            wan(30),
        )];
        let opts =
            CarryOverOptions::new(d(2021, 9, 30), Deadline::YearEnd(1), Deadline::Immediately);
        let r = carry_over(&allocations, &spending, &opts).unwrap();
        let (a1, a2) = (&r.rows()[0], &r.rows()[1]);
        assert_eq!(a1.bucket(), &unassigned);
        assert_eq!((a1.spent(), a1.unspent()), (wan(30), wan(70)));
        assert!(a1.to_recover());
        // Spending from the unassigned bucket does not touch categorised money.
        assert_eq!((a2.spent(), a2.unspent()), (Money::ZERO, wan(50)));
        assert_eq!(r.recoverable(UnspentKind::CarryOver).unwrap(), wan(120));
        // Nor the other way round: unassigned money does not cover categorised spending.
        let too_much = [spend("E-2", Category::Industry, d(2019, 6, 1), wan(60))];
        assert_eq!(
            carry_over(&allocations, &too_much, &opts)
                .unwrap_err()
                .to_string(),
            "spending E-2: 100000.00元 more than was allocated to 450521/中央/产业发展 by 2019-06-01"
        );
        let early = [CarryOverSpending::new(
            "E-3".parse().unwrap(),
            unassigned,
            d(2019, 1, 1),
            wan(1),
        )];
        assert_eq!(
            carry_over(&allocations, &early, &opts)
                .unwrap_err()
                .to_string(),
            "spending E-3: 10000.00元 more than was allocated to 450521/中央/未分配 by 2019-01-01"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn inputs_round_trip_through_json_with_and_without_a_category() {
        let unassigned = Bucket::new("450521".parse().unwrap(), FundLevel::Central, None);
        let a = alloc(
            "A-1",
            Category::Industry,
            d(2019, 3, 1),
            wan(100),
            ProjectStage::Implementing,
        );
        let json = serde_json::to_value(&a).unwrap();
        // A categorised bucket keeps the shape it had as `FundBucket`.
        let mut keys: Vec<&str> = json["bucket"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["category", "level", "region"]);
        assert!(json["bucket"]["category"].is_string());
        assert_eq!(
            serde_json::from_value::<CarryOverAllocation>(json).unwrap(),
            a
        );
        let s = CarryOverSpending::new("E-1".parse().unwrap(), unassigned, d(2019, 6, 1), wan(1));
        let json = serde_json::to_value(&s).unwrap();
        assert!(json["bucket"]["category"].is_null());
        assert_eq!(
            serde_json::from_value::<CarryOverSpending>(json).unwrap(),
            s
        );
    }
}
