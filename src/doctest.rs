//! Fixtures of the crate's own documentation examples: the small national sample that the
//! bulk examples read, so that each example shows only what it is about. Hidden: not part
//! of the API, and free to change.

use chrono::NaiveDate;

use crate::bulk::{Aggregator, BulkOptions};
use crate::import::InputError;

/// The sample's allocations: 300.00 元 of central money for industry in county 450521.
pub const ALLOCATIONS: &str = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";

/// The sample's project pool: project 7, 450.00 元 planned, in progress.
pub const PROJECTS: &str = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";

/// The sample's expenditures: 100.00 元 on project 7.
pub const EXPENDITURES: &str = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";

/// The sample's as-of date, 2025-06-30.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default() // a valid date
}

/// An [`Aggregator`] as of [`as_of`] that has read the three sample inputs.
///
/// # Errors
///
/// None in practice: the sample is valid.
pub fn bulk_sample() -> Result<Aggregator, InputError> {
    let mut agg = Aggregator::new(BulkOptions::new(as_of()));
    agg.read_allocations("allocations.csv", ALLOCATIONS.as_bytes())?;
    agg.read_projects("projects.csv", PROJECTS.as_bytes())?;
    agg.read_expenditures("expenditures.csv", EXPENDITURES.as_bytes())?;
    Ok(agg)
}
