//! Reading tabular input (导入): the one error type that names where in an input a problem
//! is, shared by every reader of rows — the CSV import into the [`Ledger`](crate::Ledger),
//! the streaming [`bulk`](crate::bulk) path, and the spreadsheet reader.
//!
//! An [`InputError`] carries a [`Location`] (the input's name as the caller gave it, and
//! where known the sheet, cell, line and column) and an [`InputErrorKind`] saying what is
//! wrong.

mod error;

pub use error::{InputError, InputErrorKind, Location};
