//! The one location-carrying error for tabular input.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::dim::RegionCode;
use crate::error::{ParseError, QUOTED, shorten};
use crate::ledger::LedgerErrorKind;
use crate::money::Money;

/// Where in an input something is (位置): the input's name as the caller gave it
/// (`"allocations.csv"`), and where known the sheet, the cell, the 1-based line and the
/// column name.
///
/// # Example
///
/// ```
/// use fundtrack::import::Location;
///
/// let at = Location::new("allocations.csv").line(3).column("amount_yuan");
/// assert_eq!(at.to_string(), "allocations.csv line 3 column amount_yuan");
/// assert_eq!((at.input(), at.line_number(), at.column_name()), ("allocations.csv", Some(3), Some("amount_yuan")));
/// let cell = Location::new("县级台账.xlsx").sheet("资金下达").cell("E7");
/// assert_eq!(cell.to_string(), "县级台账.xlsx 资金下达!E7");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    input: Arc<str>,
    sheet: Option<Arc<str>>,
    cell: Option<Box<str>>,
    line: Option<u64>,
    column: Option<Cow<'static, str>>,
}

impl Location {
    /// The whole input, no position inside it.
    pub fn new(input: impl Into<Arc<str>>) -> Location {
        Location {
            input: input.into(),
            sheet: None,
            cell: None,
            line: None,
            column: None,
        }
    }

    /// The same place, on a sheet of a workbook.
    #[must_use]
    pub fn sheet(mut self, sheet: impl Into<Arc<str>>) -> Location {
        self.sheet = Some(sheet.into());
        self
    }

    /// The same place, at a cell (`"E7"`).
    #[must_use]
    pub fn cell(mut self, cell: impl Into<Box<str>>) -> Location {
        self.cell = Some(cell.into());
        self
    }

    /// The same place, on a 1-based line (the header is line 1).
    #[must_use]
    pub fn line(mut self, line: u64) -> Location {
        self.line = Some(line);
        self
    }

    /// The same place, in a named column.
    #[must_use]
    pub fn column(mut self, column: impl Into<Cow<'static, str>>) -> Location {
        self.column = Some(column.into());
        self
    }

    /// The input's name as the caller gave it.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The sheet, for a workbook.
    pub fn sheet_name(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// The cell (`"E7"`), for a workbook.
    pub fn cell_ref(&self) -> Option<&str> {
        self.cell.as_deref()
    }

    /// The 1-based line, when the place is on one.
    pub fn line_number(&self) -> Option<u64> {
        self.line
    }

    /// The column name, when the place is in one field.
    pub fn column_name(&self) -> Option<&str> {
        self.column.as_deref()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.input)?;
        match (&self.sheet, &self.cell) {
            (Some(sheet), Some(cell)) => write!(f, " {sheet}!{cell}")?,
            (Some(sheet), None) => write!(f, " sheet {sheet}")?,
            (None, Some(cell)) => write!(f, " cell {cell}")?,
            (None, None) => {}
        }
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, " column {}", Visible(column))?;
        }
        Ok(())
    }
}

/// Text as a person can read it back: control and invisible format characters (a
/// byte-order mark, zero-width spaces) written as `\u{…}` escapes, as the English messages
/// (Rust's `{:?}`) write them.
pub(crate) struct Visible<'a>(pub(crate) &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() || crate::dim::invisible(c) {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Tabular input that cannot be read (输入错误): where ([`Location`]) and what
/// ([`InputErrorKind`]).
///
/// Every reader is all-or-nothing: a call that returns this error has added nothing.
///
/// # Example
///
/// ```
/// use fundtrack::import::{InputError, InputErrorKind, Location};
///
/// let err = InputError::new(Location::new("projects.csv").line(9), InputErrorKind::DuplicateId { id: "P-7".into() });
/// assert_eq!(err.to_string(), "projects.csv line 9: duplicate id \"P-7\"");
/// assert_eq!(err.location().line_number(), Some(9));
/// ```
#[derive(Clone, Debug)]
pub struct InputError(Box<(Location, InputErrorKind)>);

impl InputError {
    /// An error at a place. Text from the input that the error quotes (a column name, a
    /// value, a label) is cut to its first 40 bytes and `…` when longer: an error never
    /// holds a whole long field or header.
    ///
    /// ```
    /// use fundtrack::import::{InputError, InputErrorKind, Location};
    ///
    /// let long = "x".repeat(1 << 20);
    /// let err = InputError::new(Location::new("a.csv").line(1).column(long.clone()), InputErrorKind::DuplicateColumn(long));
    /// assert!(err.to_string().len() < 150, "{err}");
    /// ```
    pub fn new(mut at: Location, mut kind: InputErrorKind) -> InputError {
        if let Some(c) = at.column.as_mut().filter(|c| c.len() > QUOTED) {
            shorten(c.to_mut());
        }
        kind.shorten();
        InputError(Box::new((at, kind)))
    }

    /// Where it is.
    pub fn location(&self) -> &Location {
        &self.0.0
    }

    /// The input's name (shorthand for `location().input()`).
    pub fn input(&self) -> &str {
        self.0.0.input()
    }

    /// The 1-based line, when the error belongs to one.
    pub fn line(&self) -> Option<u64> {
        self.0.0.line
    }

    /// The column name, when the error is in one field.
    pub fn column(&self) -> Option<&str> {
        self.0.0.column_name()
    }

    /// What is wrong.
    pub fn kind(&self) -> &InputErrorKind {
        &self.0.1
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.0, self.0.1)
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.1 {
            InputErrorKind::Value(e) => Some(e),
            InputErrorKind::Io(e) => Some(&**e),
            _ => None,
        }
    }
}

/// What is wrong with a piece of tabular input; part of an [`InputError`].
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputErrorKind {
    /// The reader failed.
    #[error("cannot read: {0}")]
    Io(Arc<io::Error>),
    /// The bytes are GBK (GB 2312/GB 18030), as older Excel and WPS exports write them.
    #[error(
        "not UTF-8: the bytes look GBK-encoded (an Excel/WPS export); save the file as \"CSV UTF-8\" and import it again"
    )]
    Gbk,
    /// The file is UTF-16: with a byte-order mark where the reader does not decode UTF-16
    /// (the bulk path) or its text is not valid UTF-16; or without one (a header of ASCII
    /// letters each followed or preceded by a NUL byte).
    #[error("not UTF-8: the file is UTF-16; save it as \"CSV UTF-8\" and import it again")]
    Utf16,
    /// The file is UTF-32 (its byte-order mark, or a header of ASCII letters each with three
    /// NUL bytes).
    #[error("not UTF-8: the file is UTF-32; save it as \"CSV UTF-8\" and import it again")]
    Utf32,
    /// The file is a zip archive, as an `.xlsx` workbook is, not CSV text.
    #[error(
        "not CSV text: the file is a zip archive, as an .xlsx workbook is; save the sheet as \"CSV UTF-8\", or read the workbook with the workbook reader"
    )]
    ZipArchive,
    /// The file is an Excel 97–2003 workbook (`.xls`), not CSV text.
    #[error(
        "not CSV text: the file is an Excel 97-2003 workbook (.xls); save the sheet as \"CSV UTF-8\" or the workbook as .xlsx"
    )]
    XlsWorkbook,
    /// The file starts with two UTF-8 byte-order marks (U+FEFF).
    #[error(
        "the file starts with two byte-order marks (U+FEFF): remove one (was it saved twice with a mark, or joined to another file?)"
    )]
    TwoByteOrderMarks,
    /// Lines that end in a carriage return alone (classic Mac OS), so the whole file reads as
    /// one line.
    #[error(
        "lines end in a carriage return alone (classic Mac OS): save the file with Windows (CRLF) or Unix (LF) line ends"
    )]
    CarriageReturns,
    /// Bytes that are neither UTF-8 nor recognisably GBK.
    #[error("not UTF-8: invalid byte 0x{0:02X}")]
    NotUtf8(u8),
    /// No header line; the text lists the columns expected.
    #[error("no header line; expected {0}")]
    NoHeader(Cow<'static, str>),
    /// A quoted field still open at the end of the input.
    #[error("quoted field is not closed before the end of the file")]
    UnclosedQuote,
    /// A quote inside an unquoted field, or text after a closing quote.
    #[error("stray quote: quote the whole field and double the quotes inside it")]
    StrayQuote,
    /// A quoted field where the reader takes unquoted fields only (the bulk path).
    #[error("quoted field (the bulk path reads unquoted CSV)")]
    Quoted,
    /// A header column this kind of input does not have.
    #[error("unknown column {column:?}; expected {expected}")]
    UnknownColumn {
        /// The column as written.
        column: String,
        /// The columns this input has.
        expected: Cow<'static, str>,
    },
    /// A header column given twice (or two columns for one field).
    #[error("column {0:?} given twice")]
    DuplicateColumn(String),
    /// Two header columns for one field: an accepted alternative name beside the field's
    /// own (`county_code` and `region`), or two units of the amount (`amount_yuan` and
    /// `amount_wan`).
    #[error("column {column:?} gives the same field as column {earlier:?}")]
    SameField {
        /// The later column, as written.
        column: String,
        /// The earlier column for the same field, as written.
        earlier: String,
    },
    /// A required column is absent from the header.
    #[error("missing column {column}; expected {expected}")]
    MissingColumn {
        /// The column missing.
        column: Cow<'static, str>,
        /// The columns this input has.
        expected: Cow<'static, str>,
    },
    /// A column out of the order a fixed-order reader requires (the bulk path).
    #[error("column {column} out of order; expected {expected}")]
    ColumnOrder {
        /// The column out of place.
        column: Cow<'static, str>,
        /// The columns in their order.
        expected: Cow<'static, str>,
    },
    /// A line with more or fewer fields than the header.
    #[error("{found} fields, but the header has {expected}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields on the line.
        found: usize,
    },
    /// A field that does not parse.
    #[error("{0}")]
    Value(ParseError),
    /// An amount that must be positive is zero or negative.
    #[error("amount {text:?} is not positive")]
    NotPositive {
        /// The field as written.
        text: String,
    },
    /// A date outside the fiscal year being read.
    #[error("date {date} is outside fiscal year {year}")]
    OutsideYear {
        /// The date.
        date: NaiveDate,
        /// The fiscal year.
        year: i32,
    },
    /// A category the reader does not count (the bulk path counts the built-in ones).
    #[error("custom category {0:?} (the bulk path counts the built-in categories only)")]
    CustomCategory(String),
    /// An expenditure naming a project not read before it.
    #[error("unknown project {id:?}")]
    UnknownProject {
        /// The project id as written.
        id: String,
    },
    /// An expenditure whose project is in another county or category.
    #[error("project {id:?} is in {project}, the expenditure in {row}")]
    ProjectElsewhere {
        /// The project id.
        id: String,
        /// The project's county and category.
        project: String,
        /// The expenditure's county and category.
        row: String,
    },
    /// An expenditure on a project that is not in the project pool.
    #[error("project {id:?} is not in the project pool")]
    ProjectNotPooled {
        /// The project id.
        id: String,
    },
    /// A record id seen before in the same input (or an earlier one of the same reader).
    #[error("duplicate id {id:?}")]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// A project id seen before.
    #[error("duplicate project id {id:?}")]
    DuplicateProject {
        /// The id.
        id: String,
    },
    /// A sum that does not fit the reader's exact integer 分.
    #[error("sum overflows i64 分")]
    Overflow,
    /// Partial results of different as-of dates.
    #[error("partials as of {left} and as of {right} cannot be merged")]
    AsOfMismatch {
        /// One side's as-of date.
        left: NaiveDate,
        /// The other's.
        right: NaiveDate,
    },
    /// A region row whose `level` or `parent_code` disagrees with its code: the digits
    /// `PPCCDD` fix both, so the region record does not store them, and a row that says
    /// otherwise is wrong.
    #[error("region {code}: its code says {expected}, not {found:?}")]
    RegionTree {
        /// The region code.
        code: RegionCode,
        /// What the code says (`level county`, `parent_code 450500`).
        expected: String,
        /// The field as written.
        found: String,
    },
    /// Spending in a bucket beyond the money allocated to it by a date (the ledger's
    /// check, on the bulk path per (county, fund level, category) at every date).
    #[error(
        "spending in {bucket} reaches {spent} by {date}, beyond the {allocated} allocated by then"
    )]
    Overspent {
        /// County, fund level and category, as `450521 central industry`.
        bucket: String,
        /// The first date on which spending is beyond the money in place (rows taken by
        /// date then line); the line named is the read's last row on or before it.
        date: NaiveDate,
        /// Spent by the end of that date.
        spent: Money,
        /// Allocated by that date.
        allocated: Money,
    },
    /// An expenditure dated before the first allocation of its bucket.
    #[error("expenditure in {bucket} dated {date}, before the bucket's first allocation ({first})")]
    SpentBeforeAllocation {
        /// County, fund level and category.
        bucket: String,
        /// The expenditure's date.
        date: NaiveDate,
        /// The date of the bucket's first allocation.
        first: NaiveDate,
    },
    /// A bucket's spending over all dates beyond its allocations over all dates (the bulk
    /// path's default check by totals).
    #[error(
        "spending in {bucket} totals {spent}, beyond the {allocated} allocated in all (read with SpendingCheck::EveryDate for the date and line)"
    )]
    OverspentTotal {
        /// County, fund level and category.
        bucket: String,
        /// Spent, all dates.
        spent: Money,
        /// Allocated, all dates.
        allocated: Money,
    },
    /// An expenditure in a bucket that has no allocation at all.
    #[error("expenditure in {bucket} dated {date}, but nothing is allocated to that bucket")]
    NothingAllocated {
        /// County, fund level and category.
        bucket: String,
        /// The expenditure's date.
        date: NaiveDate,
    },
    /// Allocations read after expenditures were checked against the allocations before
    /// them.
    #[error(
        "allocations read after expenditures: read every allocation input first (spending is checked against them)"
    )]
    AllocationsAfterExpenditures,
    /// A bucket's sum beyond what the reader's integer 分 hold.
    #[error(
        "the {what} of {bucket} reaches the largest sum the bulk path keeps (92233720368547758.07元)"
    )]
    SumOverflow {
        /// `allocated`, `spent` or `planned investment`.
        what: &'static str,
        /// County, and fund level and category where they apply.
        bucket: String,
    },
    /// One amount beyond what the reader adds.
    #[error("amount {text:?} is beyond the largest the bulk path adds (92233720368547758.06元)")]
    AmountTooLarge {
        /// The start of the field as written.
        text: String,
    },
    /// A line longer than the reader takes.
    #[error("line longer than {limit} bytes; starts {start:?}")]
    LineTooLong {
        /// The limit in bytes.
        limit: usize,
        /// The first bytes of the line.
        start: String,
    },
    /// A header line longer than the reader takes.
    #[error("header line longer than {limit} bytes; starts {start:?}")]
    HeaderTooLong {
        /// The limit in bytes.
        limit: usize,
        /// The first bytes of the header.
        start: String,
    },
    /// A field longer than the reader takes.
    #[error("field longer than {limit} bytes; starts {start:?}")]
    FieldTooLong {
        /// The limit in bytes.
        limit: usize,
        /// The first bytes of the field.
        start: String,
    },
    /// A header with more columns than the reader takes.
    #[error("the header has {found} columns, more than the {limit} the reader takes")]
    TooManyColumns {
        /// The most columns.
        limit: usize,
        /// Columns in the header.
        found: usize,
    },
    /// More blank lines than the reader passes over (an input of nothing but line ends
    /// would otherwise be read for ever).
    #[error("more than {limit} blank lines")]
    TooManyBlankLines {
        /// The most blank lines an input may have.
        limit: u64,
    },
    /// An amount column whose header does not say its unit (`金额`).
    #[error(
        "column {0:?} does not say its unit: write 金额（元） or 金额（万元） (amount_yuan, amount_wan)"
    )]
    AmountWithoutUnit(String),
    /// A file separated by tabs or semicolons, not commas.
    #[error("the header is separated by {}, not commas: save the file as CSV (comma-separated)", if *.0 == '\t' { "tabs" } else { "semicolons" })]
    NotCommaSeparated(char),
    /// A second header row under the header.
    #[error("a second header row: one header row per table, the data right under it")]
    SecondHeader,
    /// A row after a total row.
    #[error("data after the {label:?} row {row}: a total row must be the last row")]
    AfterTotal {
        /// The total row's label (合计).
        label: String,
        /// Its row.
        row: u64,
    },
    /// A total row whose amount is not the sum of the rows above it.
    #[error("the {label:?} row says {printed}, but the rows above add up to {sum}")]
    TotalMismatch {
        /// The label (合计).
        label: String,
        /// What the total row says.
        printed: crate::money::Money,
        /// The sum of the rows read.
        sum: crate::money::Money,
    },
    /// Bytes that are not an `.xlsx` workbook.
    #[error("not an .xlsx workbook: {0}")]
    NotAWorkbook(String),
    /// A hidden sheet with a name the reader knows.
    #[error("sheet {0:?} is hidden: unhide it (its rows would be counted) or delete it")]
    HiddenSheet(String),
    /// Two sheets for one kind of record.
    #[error("sheets {earlier:?} and {sheet:?} both hold {what}; keep one")]
    SheetTwice {
        /// The later sheet.
        sheet: String,
        /// The earlier sheet.
        earlier: String,
        /// What they hold.
        what: &'static str,
    },
    /// A workbook without any sheet the reader knows.
    #[error(
        "no sheet the reader knows (地区, 资金下达, 项目库, 资金支出, 资金调整, 资金类别); found {0}"
    )]
    NoKnownSheet(String),
    /// A column with data but no header (often a merged header cell spanning it).
    #[error(
        "column {0} has data but no header (merged header cells? give each column its own header cell)"
    )]
    HeaderlessColumn(String),
    /// A sheet without a header row.
    #[error("no header row")]
    EmptySheet,
    /// A rule of the ledger, broken by a record read from the input.
    #[error("{record}: {kind}")]
    Ledger {
        /// The record, as `allocation A-7`.
        record: String,
        /// The rule it broke.
        kind: LedgerErrorKind,
    },
}

impl InputErrorKind {
    /// Cuts the text from the input that the error quotes ([`start_of`]). Ids (parsed and
    /// bounded already), records and built names are kept.
    fn shorten(&mut self) {
        use InputErrorKind as K;
        match self {
            K::UnknownColumn { column: s, .. }
            | K::DuplicateColumn(s)
            | K::NotPositive { text: s }
            | K::CustomCategory(s)
            | K::RegionTree { found: s, .. }
            | K::AmountTooLarge { text: s }
            | K::LineTooLong { start: s, .. }
            | K::HeaderTooLong { start: s, .. }
            | K::FieldTooLong { start: s, .. }
            | K::AmountWithoutUnit(s)
            | K::AfterTotal { label: s, .. }
            | K::TotalMismatch { label: s, .. }
            | K::HiddenSheet(s) => shorten(s),
            K::SameField { column, earlier } => {
                shorten(column);
                shorten(earlier);
            }
            K::SheetTwice { sheet, earlier, .. } => {
                shorten(sheet);
                shorten(earlier);
            }
            _ => {}
        }
    }
}

impl From<io::Error> for InputErrorKind {
    fn from(e: io::Error) -> Self {
        InputErrorKind::Io(Arc::new(e))
    }
}

impl From<ParseError> for InputErrorKind {
    fn from(e: ParseError) -> Self {
        InputErrorKind::Value(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_send_sync_and_static() {
        fn check<T: Send + Sync + 'static + std::error::Error>() {}
        check::<InputError>();
    }

    #[test]
    fn a_location_prints_every_part_it_has() {
        let at = Location::new("a.xlsx")
            .sheet("项目库")
            .cell("B2")
            .column("金额（万元）");
        assert_eq!(at.to_string(), "a.xlsx 项目库!B2 column 金额（万元）");
        assert_eq!(Location::new("x").to_string(), "x");
    }
}
