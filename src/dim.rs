//! Dimensions (维度): fund levels, categories, codes and the fiscal calendar.
//!
//! Closed vocabularies are enums ([`FundLevel`], [`ProjectStage`]); codes and ids are
//! validated newtypes ([`RegionCode`], [`ProjectId`], [`RecordId`], [`FunctionCode`],
//! [`DocNo`]); [`FiscalYear`] answers calendar questions about an as-of date; [`Dated`] holds
//! values with effective dates.

mod category;
mod code;
pub(crate) mod date;
mod dated;
mod level;
mod period;

pub use category::{Category, Vocabulary};
pub use code::{DocNo, FunctionCode, ProjectId, RecordId, RegionCode, RegionLevel};
pub(crate) use code::{id_problem, invisible};
pub use dated::{Dated, DatedError};
pub use level::{FundLevel, ProjectStage, SourceMix};
pub use period::FiscalYear;
