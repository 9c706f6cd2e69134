//! What every row of one read is checked against: the as-of date, the year window and the
//! projects expenditures must refer to.

use chrono::NaiveDate;

use super::dates::Window;
use super::limits::Limits;
use super::projects::ProjectTable;

/// The rules of one read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx<'p> {
    /// Rows dated after this are read and not counted.
    pub(crate) as_of: NaiveDate,
    /// The dates rows must fall in; `None`: any date.
    pub(crate) window: Option<Window>,
    /// The projects read so far, when there are any (otherwise references are not checked).
    pub(crate) projects: Option<&'p ProjectTable>,
    /// The money in place per bucket and date, when allocations were read (otherwise
    /// spending is not checked).
    pub(crate) limits: Option<&'p Limits>,
    /// Spending beyond the money in place is an error (otherwise a warning).
    pub(crate) overspending_is_error: bool,
    /// Spending is checked at every date (otherwise: not before a bucket's first
    /// allocation, and within its allocations over the year).
    pub(crate) every_date: bool,
}
