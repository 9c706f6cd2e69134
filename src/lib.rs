//! fundtrack (placeholder crate docs; rewritten below).
pub mod error;
pub mod money;

pub use error::{ParseError, ParseErrorKind};
pub use money::{Money, NoRatio, PercentagePoints, Ratio, RoundMode, Rounding};
