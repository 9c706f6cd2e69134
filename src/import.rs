//! Reading tabular input (导入): CSV files into one all-or-nothing [`Ledger`] batch, and the
//! one error type that names where in an input a problem is, shared by every reader of
//! rows — the CSV import here, the streaming [`bulk`](crate::bulk) path, and the spreadsheet
//! reader.
//!
//! | need | entry point |
//! |---|---|
//! | one CSV file into a ledger | [`import_csv`] |
//! | several files, one batch, whole or not at all | [`Batch`] |
//! | the columns each kind of file accepts | [`CsvKind`] |
//! | what went wrong, and where | [`InputError`], [`InputErrorKind`], [`Location`] |
//!
//! An [`InputError`] carries a [`Location`] (the input's name as the caller gave it, and
//! where known the sheet, cell, line and column) and an [`InputErrorKind`] saying what is
//! wrong. The CSV reader is a small RFC 4180 reader of our own (quoted fields with commas,
//! doubled quotes and line breaks; LF or CRLF; a UTF-8 byte-order mark; blank lines
//! skipped) that reports physical line numbers and says plainly when a file is GBK,
//! UTF-16 or UTF-32, a zip archive (an `.xlsx` workbook), or has lines ending in a carriage
//! return alone. A header is at most 64 KiB and 1024 columns, a record 1 MiB, a field 64 KiB;
//! errors quote at most the first 40 bytes of a bad value. Each kind of file has one table of accepted column names, which includes the
//! benchmark kit's (`county_code`, `source`, `project_id`, `status`); see [`CsvKind`].
//! Writing CSV is [`format`](crate::format)'s job ([`records_csv`](crate::format::records_csv)).
//!
//! # Example
//!
//! ```
//! use fundtrack::{FiscalYear, Ledger};
//! use fundtrack::import::{Batch, CsvKind};
//! use fundtrack::report::ExecutionOptions;
//! use chrono::NaiveDate;
//!
//! let mut batch = Batch::for_year(FiscalYear::new(2025)?);
//! batch.read(CsvKind::Regions, "regions.csv", "code,level,parent_code\n110101,county,110100\n".as_bytes())?;
//! batch.read(CsvKind::Projects, "projects.csv",
//!     "id,county_code,category,planned_investment_yuan,status\n7,110101,industry,450.00,in_progress\n".as_bytes())?;
//! batch.read(CsvKind::Allocations, "allocations.csv",
//!     "id,date,county_code,source,category,amount_yuan\nA1,2025-01-05,110101,central,industry,300.00\n".as_bytes())?;
//! batch.read(CsvKind::Expenditures, "expenditures.csv",
//!     "id,date,project_id,county_code,source,category,amount_yuan\nE1,2025-02-05,7,110101,central,industry,100.00\n".as_bytes())?;
//! let mut ledger = Ledger::new(FiscalYear::new(2025)?);
//! batch.insert_into(&mut ledger)?;
//! let total = ledger.execution(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()).total().clone();
//! assert_eq!((total.allocated().to_string(), total.spent().to_string()), ("300.00元".into(), "100.00元".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Ledger`]: crate::Ledger

mod batch;
mod columns;
mod csv;
mod error;
mod receipt;
mod table;
mod value;
#[cfg(feature = "xlsx")]
mod workbook;
mod zh;

pub(crate) use batch::other_separator;
pub use batch::{Batch, import_csv};
pub use columns::CsvKind;
pub(crate) use columns::{could_be_header_name, is_header_name};
pub(crate) use csv::{
    BOM, MAX_BLANK_LINES, MAX_HEADER, MAX_LINE, SNIFF_WINDOW, looks_gbk, sniff, utf16_mark,
};
pub use error::{InputError, InputErrorKind, Location};
pub use receipt::{ImportNote, ImportReceipt, NoteKind, TableReceipt};
pub(crate) use value::text_amount;
