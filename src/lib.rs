//! fundtrack (crate docs to come).
pub mod error;
pub mod money;
pub mod dim;
pub mod record;
pub mod ledger;
pub mod bulk;
pub mod report;
pub mod policy;
pub mod format;

pub use dim::{Category, FiscalYear, FundLevel, ProjectStage, RegionCode, SourceMix};
pub use ledger::{Ledger, LedgerError};
pub use error::{ParseError, ParseErrorKind};
pub use money::{Money, NoRatio, PercentagePoints, Ratio, RoundMode, Rounding};
