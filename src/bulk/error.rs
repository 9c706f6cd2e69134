//! The one error type of the bulk boundary.

use std::fmt;
use std::io;

use crate::error::ParseError;

/// A bulk read or merge failed (批量读取错误); the message names the input, the line and the
/// column.
///
/// The bulk path is all-or-nothing: a call that returns this error adds nothing to its
/// [`Aggregator`](super::Aggregator).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions};
///
/// let csv = "id,date,project_id,county_code,source,category,amount_yuan\n\
///            1,2025-03-01,7,450521,central,industry,12.345\n";
/// let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
/// let mut agg = Aggregator::new(BulkOptions::new(as_of));
/// let err = agg.read_expenditures("expenditures.csv", csv.as_bytes()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "expenditures.csv line 2 column amount_yuan: invalid amount \"12.345\": \
///      3 decimal places of 元 (at most 2: amounts are whole 分)",
/// );
/// assert_eq!(err.line(), Some(2));
/// # Ok::<(), fundtrack::bulk::BulkError>(())
/// ```
#[derive(Debug)]
pub struct BulkError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    input: String,
    line: Option<u64>,
    column: Option<&'static str>,
    kind: BulkErrorKind,
}

impl BulkError {
    pub(crate) fn new(
        input: &str,
        line: Option<u64>,
        column: Option<&'static str>,
        kind: BulkErrorKind,
    ) -> Self {
        BulkError(Box::new(Inner {
            input: input.to_owned(),
            line,
            column,
            kind,
        }))
    }

    /// The caller's label of the input (`"expenditures.csv"`), or `"partials"` for a merge.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// let mut agg = Aggregator::new(BulkOptions::new(as_of));
    /// let err = agg.read_projects("p.csv", &b""[..]).unwrap_err();
    /// assert_eq!(err.input(), "p.csv");
    /// ```
    pub fn input(&self) -> &str {
        &self.0.input
    }

    /// The 1-based line number (the header is line 1), when the error belongs to a line.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// let mut agg = Aggregator::new(BulkOptions::new(as_of));
    /// let err = agg.read_projects("p.csv", &b"id,county\n"[..]).unwrap_err();
    /// assert_eq!(err.line(), Some(1));
    /// ```
    pub fn line(&self) -> Option<u64> {
        self.0.line
    }

    /// The column name, when the error belongs to one field.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// let csv = "id,county_code,category,planned_investment_yuan,status\n1,991234,industry,5.00,planned\n";
    /// let mut agg = Aggregator::new(BulkOptions::new(as_of));
    /// let err = agg.read_projects("p.csv", csv.as_bytes()).unwrap_err();
    /// assert_eq!(err.column(), Some("county_code"));
    /// ```
    pub fn column(&self) -> Option<&'static str> {
        self.0.column
    }

    /// What went wrong.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkErrorKind, BulkOptions};
    /// # let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// let mut agg = Aggregator::new(BulkOptions::new(as_of));
    /// let err = agg.read_projects("p.csv", &b""[..]).unwrap_err();
    /// assert!(matches!(err.kind(), BulkErrorKind::NoHeader));
    /// ```
    pub fn kind(&self) -> &BulkErrorKind {
        &self.0.kind
    }
}

impl fmt::Display for BulkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.input)?;
        if let Some(line) = self.0.line {
            write!(f, " line {line}")?;
        }
        if let Some(column) = self.0.column {
            write!(f, " column {column}")?;
        }
        write!(f, ": {}", self.0.kind)
    }
}

impl std::error::Error for BulkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            BulkErrorKind::Parse(e) => Some(e),
            BulkErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// The rule a bulk input broke; part of a [`BulkError`].
///
/// # Example
///
/// ```
/// use fundtrack::bulk::BulkErrorKind;
///
/// let kind = BulkErrorKind::NotPositive { text: "0.00".into() };
/// assert_eq!(kind.to_string(), "amount \"0.00\" is not positive");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BulkErrorKind {
    /// A field that does not parse (amount, region code, fund level, category, date, …).
    #[error("{0}")]
    Parse(ParseError),
    /// An amount of zero or below: every allocation, expenditure and planned investment
    /// moves money.
    #[error("amount {text:?} is not positive")]
    NotPositive {
        /// The field as written.
        text: String,
    },
    /// A date outside the configured fiscal year.
    #[error("date {date} is outside fiscal year {year}")]
    OutsideYear {
        /// The date as written.
        date: String,
        /// The configured fiscal year.
        year: i32,
    },
    /// A row with too few or too many fields.
    #[error("{found} fields, expected {expected}")]
    FieldCount {
        /// The number of columns of the header.
        expected: usize,
        /// The fields the row has (counted up to one past `expected`).
        found: usize,
    },
    /// A field in double quotes: the bulk scanner reads unquoted CSV.
    #[error("quoted field (the bulk path reads unquoted CSV)")]
    Quoted,
    /// A custom category: the bulk path counts the 5 built-in categories.
    #[error("custom category {0:?} (the bulk path counts the built-in categories only)")]
    CustomCategory(String),
    /// The input is empty: not even a header line.
    #[error("no header line")]
    NoHeader,
    /// The header lacks an expected column.
    #[error("header {header:?} lacks column {column} (expected {expected})")]
    MissingColumn {
        /// The header as written.
        header: String,
        /// The first missing column.
        column: &'static str,
        /// The expected header.
        expected: &'static str,
    },
    /// The header has a column the input kind does not have.
    #[error("header {header:?} has unexpected column {column:?} (expected {expected})")]
    ExtraColumn {
        /// The header as written.
        header: String,
        /// The first unexpected column.
        column: String,
        /// The expected header.
        expected: &'static str,
    },
    /// The header has the right columns in another order.
    #[error("header {header:?} has column {column} out of order (expected {expected})")]
    ColumnOrder {
        /// The header as written.
        header: String,
        /// The first column out of place.
        column: &'static str,
        /// The expected header.
        expected: &'static str,
    },
    /// An expenditure names a project that was not read.
    #[error("unknown project {id:?}")]
    UnknownProject {
        /// The project id as written.
        id: String,
    },
    /// An expenditure names a project of another county or category.
    #[error("project {id:?} is in {project}, the expenditure in {row}")]
    ProjectElsewhere {
        /// The project id as written.
        id: String,
        /// The project's county code and category.
        project: String,
        /// The expenditure's county code and category.
        row: String,
    },
    /// An expenditure names a project that is not in the project pool (项目库).
    #[error("project {id:?} is not in the project pool")]
    ProjectNotPooled {
        /// The project id as written.
        id: String,
    },
    /// Two allocations, or two expenditures, with the same id: within one input, or in
    /// two inputs read by the same [`Aggregator`](super::Aggregator) (a file read twice,
    /// say). Uniqueness is per aggregator: shards read by separate aggregators are not
    /// checked against each other.
    #[error("duplicate id {id:?}")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// Two projects with the same id.
    #[error("duplicate project id {id:?}")]
    DuplicateProject {
        /// The repeated id.
        id: String,
    },
    /// A sum left the range of `i64` 分 (about 9.2 × 10¹⁶ 元).
    #[error("sum overflows i64 分")]
    Overflow,
    /// Partials computed for different as-of dates cannot be merged.
    #[error("partials as of {left} and as of {right} cannot be merged")]
    AsOfMismatch {
        /// The as-of date of the receiving partials.
        left: chrono::NaiveDate,
        /// The as-of date of the other partials.
        right: chrono::NaiveDate,
    },
    /// Reading failed.
    #[error("read failed: {0}")]
    Io(std::io::Error),
}

impl From<io::Error> for BulkErrorKind {
    fn from(e: io::Error) -> Self {
        BulkErrorKind::Io(e)
    }
}
