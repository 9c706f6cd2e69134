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
pub use growth::{Base, CompoundGrowth, Growth, MAX_PERIODS};
pub use industry::{IndustryShare, IndustryShareOptions};
pub use ranking::{Ranked, Ranking};
pub use schedule::{MilestoneError, Milestones, PerMonthRate, Schedule, ScheduleGap};
pub use share::Shares;

use crate::money::{NoRatio, Ratio};

/// Completion rate (完成率): `achieved ÷ target` for any counted quantity (loans, housing
/// starts, jobs).
///
/// # Errors
///
/// [`NoRatio::ZeroBase`] for a zero target, [`NoRatio::NegativeBase`] for a negative one.
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::report::completion;
/// use rust_decimal_macros::dec;
///
/// // Beihai 2021: 20955 migrant workers against 20815 last year.
/// let r = completion(dec!(20955), dec!(20815)).unwrap();
/// assert_eq!(r.to_percent(Rounding::default()).to_string(), "100.67");
/// ```
pub fn completion(
    achieved: rust_decimal::Decimal,
    target: rust_decimal::Decimal,
) -> Result<Ratio, NoRatio> {
    Ratio::new(achieved, target)
}
