//! Reports (报表): figures computed from the ledger or from totals, exact and unrounded.
//!
//! Every report returns data: exact amounts, [`Ratio`]s and what was asked
//! (as-of date, grouping, schedule, source mix). Rendering lives in [`crate::format`].

mod average;
mod coverage;
mod execution;
mod growth;
mod industry;
mod ranking;
mod schedule;
mod share;

pub use average::Average;
pub use coverage::{PoolCoverage, PoolCoverageOptions};
pub use execution::{
    Basis, CategoryKey, Execution, ExecutionOptions, ExecutionRow, GroupKey, Grouping, Progress,
};
pub(crate) use execution::{BucketFen, PlannedFen};
pub use growth::{Base, CompoundGrowth, Contribution, Growth, MAX_PERIODS, RateGap};
pub use industry::{IndustryShare, IndustryShareOptions};
pub use ranking::{Ranked, Ranking};
pub use schedule::{MilestoneError, Milestones, PerMonthRate, Schedule, ScheduleGap};
pub use share::Shares;

use crate::money::{NoRatio, Quantity, Ratio};

/// Completion rate (完成率): `achieved ÷ target` for money or counts (loans, housing starts,
/// jobs); achieved first, then target, of one type, counts of one unit.
///
/// # Errors
///
/// [`NoRatio::ZeroBase`] for a zero target, [`NoRatio::NegativeBase`] for a negative one,
/// [`NoRatio::UnitMismatch`] for counts of different units.
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::money::Count;
/// use fundtrack::report::completion;
///
/// // Beihai 2021: 20955 migrant workers against 20815 last year.
/// let r = completion(Count::persons(20_955), Count::persons(20_815))?;
/// assert_eq!(r.to_percent(Rounding::default()).to_string(), "100.67");
/// # Ok::<(), fundtrack::NoRatio>(())
/// ```
pub fn completion<Q: Quantity>(achieved: Q, target: Q) -> Result<Ratio, NoRatio> {
    Ratio::of(achieved, target)
}
