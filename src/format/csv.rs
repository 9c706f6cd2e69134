//! CSV import of records and CSV export of records and execution reports.
//!
//! A small RFC 4180 reader of our own: quoted fields with commas, doubled quotes and line
//! breaks; LF or CRLF; a UTF-8 byte-order mark; a last line without a line break; blank
//! lines skipped. It reports physical line numbers (a record that spans lines is named by
//! its first line), and says plainly when a file is GBK or UTF-16 rather than UTF-8.

use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;

use super::table::region_name;
use crate::dim::{Category, DocNo, FundLevel, ProjectId, ProjectStage, RecordId, RegionCode};
use crate::error::{ParseError, ParseErrorKind};
use crate::ledger::{Ledger, LedgerErrorKind, Receipt};
use crate::money::{Money, Rounding, Unit};
use crate::record::{Allocation, Expenditure, Project, Record, Region};
use crate::report::{Execution, Progress};

/// Which records a CSV file holds, and so which columns it has (CSV 文件类型).
///
/// | kind | columns (`?` = optional) |
/// |---|---|
/// | regions | `code,name` |
/// | allocations | `id,date,region,level,category?,amount_yuan\|amount_wan\|amount_yi,doc_no?,batch?` |
/// | projects | `id,region,category,planned_investment_yuan\|_wan\|_yi,stage,year` |
/// | expenditures | `id,date,project,region,level,category,amount_yuan\|amount_wan\|amount_yi` |
///
/// The amount column names its unit; its values are plain numbers (`30700.48` under
/// `amount_wan`), at most 2 decimals of 元. Levels, categories and stages take the machine
/// names or the Chinese labels; dates are `YYYY-MM-DD`; an empty optional field is absent
/// (an empty or `unassigned` category is money not yet assigned). Columns may come in any
/// order; an unknown column is an error (a typo must not drop data).
///
/// # Example
///
/// ```
/// use fundtrack::format::CsvKind;
/// assert_eq!(CsvKind::Allocations.columns()[0], "id");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CsvKind {
    /// Regions (行政区划).
    Regions,
    /// Allocations (资金下达).
    Allocations,
    /// Projects (项目库).
    Projects,
    /// Expenditures (支出).
    Expenditures,
}

impl CsvKind {
    /// The column names written by [`records_csv`] (amounts in 元).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            CsvKind::Regions => &["code", "name"],
            CsvKind::Allocations => &[
                "id",
                "date",
                "region",
                "level",
                "category",
                "amount_yuan",
                "doc_no",
                "batch",
            ],
            CsvKind::Projects => &[
                "id",
                "region",
                "category",
                "planned_investment_yuan",
                "stage",
                "year",
            ],
            CsvKind::Expenditures => &[
                "id",
                "date",
                "project",
                "region",
                "level",
                "category",
                "amount_yuan",
            ],
        }
    }

    /// The required columns, with the amount column by its stem (`amount`, `planned_investment`).
    fn required(self) -> &'static [&'static str] {
        match self {
            CsvKind::Regions => &["code", "name"],
            CsvKind::Allocations => &["id", "date", "region", "level"],
            CsvKind::Projects => &["id", "region", "category", "stage", "year"],
            CsvKind::Expenditures => &["id", "date", "project", "region", "level", "category"],
        }
    }

    fn optional(self) -> &'static [&'static str] {
        match self {
            CsvKind::Allocations => &["category", "doc_no", "batch"],
            _ => &[],
        }
    }

    fn amount_stem(self) -> Option<&'static str> {
        match self {
            CsvKind::Regions => None,
            CsvKind::Allocations | CsvKind::Expenditures => Some("amount"),
            CsvKind::Projects => Some("planned_investment"),
        }
    }

    fn expected(self) -> String {
        let mut cols: Vec<String> = self.required().iter().map(|c| (*c).to_owned()).collect();
        cols.extend(
            self.optional()
                .iter()
                .filter(|c| !self.required().contains(c))
                .map(|c| format!("{c}?")),
        );
        if let Some(stem) = self.amount_stem() {
            cols.push(format!("{stem}_yuan|{stem}_wan|{stem}_yi"));
        }
        cols.join(",")
    }
}

/// A CSV file could not be read into records, or its records could not go into the
/// ledger (CSV 导入错误). Nothing was inserted.
///
/// The message names the file, the line and the column where there is one:
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{CsvKind, import_csv};
///
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// let csv = "id,date,region,level,amount_wan\nA-1,2021-03-01,450500,city,12.3456789\n";
/// let err = import_csv(&mut ledger, CsvKind::Allocations, "allocations.csv", csv.as_bytes()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"allocations.csv line 2 column amount_wan: invalid amount "12.3456789": 3 decimal places of 元 (at most 2: amounts are whole 分)"#,
/// );
/// assert_eq!((err.line(), err.column()), (Some(2), Some("amount_wan")));
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvError {
    file: Arc<str>,
    line: Option<usize>,
    column: Option<String>,
    kind: Box<CsvErrorKind>,
}

impl std::fmt::Display for CsvErrorPlace<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.file)?;
        if let Some(line) = self.0.line {
            write!(f, " line {line}")?;
        }
        if let Some(col) = &self.0.column {
            write!(f, " column {col}")?;
        }
        Ok(())
    }
}

struct CsvErrorPlace<'a>(&'a CsvError);

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", CsvErrorPlace(self), self.kind)
    }
}

impl std::error::Error for CsvError {}

impl CsvError {
    fn new(
        source: &Arc<str>,
        line: Option<usize>,
        column: Option<&str>,
        kind: CsvErrorKind,
    ) -> CsvError {
        CsvError {
            file: Arc::clone(source),
            line,
            column: column.map(str::to_owned),
            kind: Box::new(kind),
        }
    }

    /// The source name the caller gave (`allocations.csv`).
    pub fn source_name(&self) -> &str {
        &self.file
    }

    /// The 1-based physical line, when the error is on one.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The column name, when the error is in one field.
    pub fn column(&self) -> Option<&str> {
        self.column.as_deref()
    }

    /// What is wrong.
    pub fn kind(&self) -> &CsvErrorKind {
        &self.kind
    }
}

/// What is wrong with a CSV file; part of a [`CsvError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvErrorKind {
    /// The reader failed.
    #[error("cannot read: {0}")]
    Io(String),
    /// The bytes are GBK (GB 2312/GB 18030), as older Excel and WPS exports write them.
    #[error(
        "not UTF-8: the bytes look GBK-encoded (an Excel/WPS export); save the file as \"CSV UTF-8\" and import it again"
    )]
    Gbk,
    /// The file starts with a UTF-16 byte-order mark.
    #[error("not UTF-8: the file is UTF-16; save it as \"CSV UTF-8\" and import it again")]
    Utf16,
    /// Bytes that are neither UTF-8 nor recognisably GBK.
    #[error("not UTF-8: invalid byte 0x{0:02X}")]
    NotUtf8(u8),
    /// No header line.
    #[error("empty file: expected a header line {0}")]
    Empty(String),
    /// A quoted field still open at the end of the file.
    #[error("quoted field is not closed before the end of the file")]
    UnclosedQuote,
    /// A quote inside an unquoted field, or text after a closing quote.
    #[error("stray quote: quote the whole field and double the quotes inside it")]
    StrayQuote,
    /// A header column this kind of file does not have.
    #[error("unknown column; expected {0}")]
    UnknownColumn(String),
    /// A header column given twice (or two amount columns).
    #[error("column given twice")]
    DuplicateColumn,
    /// A required column is absent from the header.
    #[error("missing column {0}")]
    MissingColumn(String),
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
    /// A record the ledger rejected; the whole batch stays out.
    #[error("{record}: {kind}")]
    Ledger {
        /// The record, as `allocation A-7`.
        record: String,
        /// The rule it broke.
        kind: LedgerErrorKind,
    },
}

/// Records read from CSV files, each remembering its file and line, to go into a
/// [`Ledger`] as one all-or-nothing batch (导入批次).
///
/// Read regions, projects, allocations and expenditures from several files into one batch;
/// a [`LedgerError`](crate::LedgerError) is mapped back to the file and line of the record.
/// The library opens no files: pass any [`Read`] and a name for messages.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{CsvBatch, CsvKind};
///
/// let regions = "code,name\n450500,北海市\n";
/// let allocations = "\u{feff}id,date,region,level,category,amount_wan\r\n\
///                    A-1,2021-03-01,450500,市级,产业发展,14753\r\n\
///                    A-2,2021-03-01,450599,county,,9702.09\r\n";
/// let mut batch = CsvBatch::new();
/// batch.read(CsvKind::Regions, "regions.csv", regions.as_bytes())?;
/// batch.read(CsvKind::Allocations, "allocations.csv", allocations.as_bytes())?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// let err = batch.insert_into(&mut ledger).unwrap_err();
/// assert_eq!(err.to_string(), "allocations.csv line 3: allocation A-2: unknown region 450599");
/// assert_eq!(ledger.allocations().len(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvBatch {
    records: Vec<Record>,
    origins: Vec<(Arc<str>, usize)>,
}

impl CsvBatch {
    /// An empty batch.
    pub fn new() -> CsvBatch {
        CsvBatch::default()
    }

    /// Reads every record of one file of `kind` into the batch; returns how many.
    ///
    /// # Errors
    ///
    /// A [`CsvError`] naming `source`, the line and the column; the batch is then unchanged.
    pub fn read(
        &mut self,
        kind: CsvKind,
        source: &str,
        mut input: impl Read,
    ) -> Result<usize, CsvError> {
        let source: Arc<str> = Arc::from(source);
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| CsvError::new(&source, None, None, CsvErrorKind::Io(e.to_string())))?;
        let text = decode(&source, &bytes)?;
        let lines = split_records(&source, text)?;
        let mut it = lines.into_iter();
        let Some((_, header)) = it.next() else {
            return Err(CsvError::new(
                &source,
                None,
                None,
                CsvErrorKind::Empty(format!("({})", kind.expected())),
            ));
        };
        let cols = Columns::new(kind, &source, &header)?;
        let mut records = Vec::new();
        let mut origins = Vec::new();
        for (line, fields) in it {
            if fields.len() != header.len() {
                let kind = CsvErrorKind::FieldCount {
                    expected: header.len(),
                    found: fields.len(),
                };
                return Err(CsvError::new(&source, Some(line), None, kind));
            }
            let row = Row {
                cols: &cols,
                fields: &fields,
                source: &source,
                line,
            };
            records.push(row.record(kind)?);
            origins.push((Arc::clone(&source), line));
        }
        let n = records.len();
        self.records.extend(records);
        self.origins.extend(origins);
        Ok(n)
    }

    /// The records read so far, in file and line order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// `true` with no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Inserts every record into `ledger` as one batch, whole or not at all.
    ///
    /// # Errors
    ///
    /// The ledger's error, named by the file and line of the record that broke the rule;
    /// the ledger is then unchanged.
    pub fn insert_into(self, ledger: &mut Ledger) -> Result<Receipt, CsvError> {
        let CsvBatch { records, origins } = self;
        ledger.insert(records).map_err(|e| {
            let origin = e.position().checked_sub(1).and_then(|i| origins.get(i));
            let kind = CsvErrorKind::Ledger {
                record: e.record().to_owned(),
                kind: e.kind().clone(),
            };
            match origin {
                Some((source, line)) => CsvError::new(source, Some(*line), None, kind),
                None => CsvError::new(&Arc::from("csv batch"), None, None, kind),
            }
        })
    }
}

/// Reads one CSV file of `kind` and inserts its records into `ledger` as one batch.
///
/// # Errors
///
/// As [`CsvBatch::read`] and [`CsvBatch::insert_into`]; nothing is inserted on error.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{CsvKind, import_csv};
///
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// let receipt = import_csv(&mut ledger, CsvKind::Regions, "regions.csv", "code,name\n450500,\"北海市\"".as_bytes())?;
/// assert_eq!(receipt.inserted, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_csv(
    ledger: &mut Ledger,
    kind: CsvKind,
    source: &str,
    input: impl Read,
) -> Result<Receipt, CsvError> {
    let mut batch = CsvBatch::new();
    batch.read(kind, source, input)?;
    batch.insert_into(ledger)
}

/// UTF-8 text without its byte-order mark, or an error that names the encoding.
fn decode<'b>(source: &Arc<str>, bytes: &'b [u8]) -> Result<&'b str, CsvError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(CsvError::new(source, Some(1), None, CsvErrorKind::Utf16));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes
            .get(..at)
            .map_or(0, |b| memchr::memchr_iter(b'\n', b).count())
            + 1;
        let kind = if looks_gbk(bytes) {
            CsvErrorKind::Gbk
        } else {
            CsvErrorKind::NotUtf8(bytes.get(at).copied().unwrap_or(0))
        };
        CsvError::new(source, Some(line), None, kind)
    })
}

/// Whether every non-ASCII byte pairs into a GBK double-byte character (lead 0x81–0xFE,
/// trail 0x40–0xFE except 0x7F) and there is at least one.
fn looks_gbk(bytes: &[u8]) -> bool {
    let mut pairs = 0usize;
    let mut it = bytes.iter();
    while let Some(&b) = it.next() {
        if b < 0x80 {
            continue;
        }
        if !(0x81..=0xFE).contains(&b) {
            return false;
        }
        match it.next() {
            Some(&t) if (0x40..=0xFE).contains(&t) && t != 0x7F => pairs += 1,
            _ => return false,
        }
    }
    pairs > 0
}

/// Splits text into records of fields, each with the physical line it starts on; blank
/// lines are skipped.
fn split_records(source: &Arc<str>, text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut out = Vec::new();
    let mut line = 1usize;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut quoted = false; // the current field began with a quote
        let mut in_quotes = false;
        let mut after_quote = false; // a quoted field has closed
        let mut ended = false;
        while let Some(c) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => {
                        in_quotes = false;
                        after_quote = true;
                    }
                    '\n' => {
                        line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    (quoted, after_quote) = (false, false);
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    ended = true;
                    break;
                }
                '"' if field.is_empty() && !quoted => {
                    quoted = true;
                    in_quotes = true;
                }
                _ if after_quote || c == '"' => {
                    return Err(CsvError::new(
                        source,
                        Some(line),
                        None,
                        CsvErrorKind::StrayQuote,
                    ));
                }
                _ => field.push(c),
            }
        }
        if in_quotes {
            return Err(CsvError::new(
                source,
                Some(start),
                None,
                CsvErrorKind::UnclosedQuote,
            ));
        }
        let _ = ended;
        fields.push(field);
        let blank =
            fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty()) && !quoted;
        if !blank {
            out.push((start, fields));
        }
    }
    Ok(out)
}

/// Where each column of a file is, and the unit of its amount column.
struct Columns {
    index: Vec<(&'static str, usize)>,
    amount: Option<(usize, Unit, String)>,
}

impl Columns {
    fn new(kind: CsvKind, source: &Arc<str>, header: &[String]) -> Result<Columns, CsvError> {
        let mut index: Vec<(&'static str, usize)> = Vec::new();
        let mut amount: Option<(usize, Unit, String)> = None;
        let err = |col: &str, k| CsvError::new(source, Some(1), Some(col), k);
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim();
            let known = kind
                .required()
                .iter()
                .chain(kind.optional())
                .find(|c| **c == name);
            if let Some(c) = known {
                if index.iter().any(|(n, _)| n == c) {
                    return Err(err(name, CsvErrorKind::DuplicateColumn));
                }
                index.push((c, i));
                continue;
            }
            let unit = kind.amount_stem().and_then(|stem| {
                let suffix = name.strip_prefix(stem)?.strip_prefix('_')?;
                match suffix {
                    "yuan" => Some(Unit::Yuan),
                    "wan" => Some(Unit::Wan),
                    "yi" => Some(Unit::Yi),
                    _ => None,
                }
            });
            match unit {
                Some(_) if amount.is_some() => {
                    return Err(err(name, CsvErrorKind::DuplicateColumn));
                }
                Some(u) => amount = Some((i, u, name.to_owned())),
                None => return Err(err(name, CsvErrorKind::UnknownColumn(kind.expected()))),
            }
        }
        for req in kind.required() {
            if !kind.optional().contains(req) && !index.iter().any(|(n, _)| n == req) {
                return Err(CsvError::new(
                    source,
                    Some(1),
                    None,
                    CsvErrorKind::MissingColumn((*req).to_owned()),
                ));
            }
        }
        if let Some(stem) = kind.amount_stem() {
            if amount.is_none() {
                let names = format!("{stem}_yuan or {stem}_wan");
                return Err(CsvError::new(
                    source,
                    Some(1),
                    None,
                    CsvErrorKind::MissingColumn(names),
                ));
            }
        }
        Ok(Columns { index, amount })
    }
}

/// One data line being turned into a record.
struct Row<'a> {
    cols: &'a Columns,
    fields: &'a [String],
    source: &'a Arc<str>,
    line: usize,
}

impl Row<'_> {
    fn err(&self, col: &str, e: ParseError) -> CsvError {
        CsvError::new(
            self.source,
            Some(self.line),
            Some(col),
            CsvErrorKind::Value(e),
        )
    }

    /// The trimmed field of a column, or `None` when the column is absent or the field empty.
    fn get(&self, col: &str) -> Option<&str> {
        let i = self.cols.index.iter().find(|(n, _)| *n == col)?.1;
        let f = self.fields.get(i)?.trim();
        (!f.is_empty()).then_some(f)
    }

    fn parse<T: std::str::FromStr<Err = ParseError>>(&self, col: &str) -> Result<T, CsvError> {
        self.get(col)
            .unwrap_or("")
            .parse()
            .map_err(|e| self.err(col, e))
    }

    fn opt<T: std::str::FromStr<Err = ParseError>>(
        &self,
        col: &str,
    ) -> Result<Option<T>, CsvError> {
        self.get(col)
            .map(|f| f.parse().map_err(|e| self.err(col, e)))
            .transpose()
    }

    fn date(&self, col: &str) -> Result<NaiveDate, CsvError> {
        let raw = self.get(col).unwrap_or("");
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
            self.err(
                col,
                ParseError::new("date", raw, ParseErrorKind::Format("a date YYYY-MM-DD")),
            )
        })
    }

    fn number<T: std::str::FromStr>(
        &self,
        col: &str,
        what: &'static str,
        expected: &'static str,
    ) -> Result<T, CsvError> {
        let raw = self.get(col).unwrap_or("");
        raw.parse().map_err(|_| {
            self.err(
                col,
                ParseError::new(what, raw, ParseErrorKind::Format(expected)),
            )
        })
    }

    fn amount(&self) -> Result<Money, CsvError> {
        let Some((i, unit, name)) = &self.cols.amount else {
            return Err(self.err(
                "amount",
                ParseError::new("amount", "", ParseErrorKind::Empty),
            ));
        };
        let raw = self.fields.get(*i).map_or("", |f| f.trim());
        if raw.is_empty() {
            return Err(self.err(name, ParseError::new("amount", raw, ParseErrorKind::Empty)));
        }
        format!("{raw}{}", unit.suffix())
            .parse::<Money>()
            .map_err(|e| self.err(name, ParseError::new("amount", raw, e.kind().clone())))
    }

    fn category(&self) -> Result<Option<Category>, CsvError> {
        match self.get("category") {
            None | Some("unassigned" | "未分配") => Ok(None),
            Some(c) => c.parse().map(Some).map_err(|e| self.err("category", e)),
        }
    }

    fn record(&self, kind: CsvKind) -> Result<Record, CsvError> {
        Ok(match kind {
            CsvKind::Regions => {
                let code: RegionCode = self.parse("code")?;
                let name = self.get("name").unwrap_or("");
                if name.is_empty() {
                    return Err(self.err(
                        "name",
                        ParseError::new("region name", name, ParseErrorKind::Empty),
                    ));
                }
                Region::new(code, name).into()
            }
            CsvKind::Allocations => {
                let id: RecordId = self.parse("id")?;
                let date = self.date("date")?;
                let region: RegionCode = self.parse("region")?;
                let level: FundLevel = self.parse("level")?;
                let category = self.category()?;
                let amount = self.amount()?;
                let doc_no: Option<DocNo> = self.opt("doc_no")?;
                let batch: Option<u32> = match self.get("batch") {
                    None => None,
                    Some(_) => {
                        Some(self.number("batch", "batch", "a whole batch number such as 2")?)
                    }
                };
                let mut a = Allocation::new(id, date, region, level, amount);
                if let Some(c) = category {
                    a = a.with_category(c);
                }
                if let Some(d) = doc_no {
                    a = a.with_doc_no(d);
                }
                if let Some(b) = batch {
                    a = a.with_batch(b);
                }
                a.into()
            }
            CsvKind::Projects => {
                let id: ProjectId = self.parse("id")?;
                let region: RegionCode = self.parse("region")?;
                let category: Category = self.parse("category")?;
                let planned = self.amount()?;
                let stage: ProjectStage = self.parse("stage")?;
                let year: i32 = self.number("year", "year", "a year such as 2021")?;
                Project::new(id, region, category, planned, stage, year).into()
            }
            CsvKind::Expenditures => {
                let id: RecordId = self.parse("id")?;
                let date = self.date("date")?;
                let project: ProjectId = self.parse("project")?;
                let region: RegionCode = self.parse("region")?;
                let level: FundLevel = self.parse("level")?;
                let category: Category = self.parse("category")?;
                let amount = self.amount()?;
                Expenditure::new(id, date, project, region, level, category, amount).into()
            }
        })
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break or has spaces at an end.
fn field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.trim() != s;
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn push_line(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
}

/// The ledger's records of `kind` as CSV (LF line ends, machine names, no separators or
/// currency signs), amounts in `unit` with every 分 (`amount_wan` → 6 decimals), so that
/// [`import_csv`] reads back the same records.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger};
/// use fundtrack::format::{CsvKind, records_csv};
/// use fundtrack::money::Unit;
/// use fundtrack::record::{Allocation, Region};
/// use chrono::NaiveDate;
///
/// let city = "450500".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(city, "北海市")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(), city,
///     FundLevel::City, "14753万元".parse()?)])?;
/// assert_eq!(
///     records_csv(&ledger, CsvKind::Allocations, Unit::Wan),
///     "id,date,region,level,category,amount_wan,doc_no,batch\nA-1,2021-03-01,450500,city,,14753.000000,,\n",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn records_csv(ledger: &Ledger, kind: CsvKind, unit: Unit) -> String {
    let amount = |m: Money| {
        m.round_in(unit, Rounding::half_up(unit.exponent() + 2))
            .to_string()
    };
    let suffix = match unit {
        Unit::Wan => "wan",
        Unit::Yi => "yi",
        _ => "yuan",
    };
    let header: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| c.replace("yuan", suffix))
        .collect();
    let mut out = String::new();
    push_line(&mut out, &header);
    match kind {
        CsvKind::Regions => {
            for r in ledger.regions() {
                push_line(&mut out, &[r.code().to_string(), r.name().to_owned()]);
            }
        }
        CsvKind::Allocations => {
            for a in ledger.allocations() {
                push_line(
                    &mut out,
                    &[
                        a.id().to_string(),
                        a.date().to_string(),
                        a.region().to_string(),
                        a.level().machine_name().to_owned(),
                        a.category()
                            .map_or_else(String::new, |c| c.machine_name().to_owned()),
                        amount(a.amount()),
                        a.doc_no().map_or_else(String::new, ToString::to_string),
                        a.batch().map_or_else(String::new, |b| b.to_string()),
                    ],
                );
            }
        }
        CsvKind::Projects => {
            for p in ledger.projects() {
                push_line(
                    &mut out,
                    &[
                        p.id().to_string(),
                        p.region().to_string(),
                        p.category().machine_name().to_owned(),
                        amount(p.planned()),
                        p.stage().machine_name().to_owned(),
                        p.year().to_string(),
                    ],
                );
            }
        }
        CsvKind::Expenditures => {
            for e in ledger.expenditures() {
                push_line(
                    &mut out,
                    &[
                        e.id().to_string(),
                        e.date().to_string(),
                        e.project().to_string(),
                        e.region().to_string(),
                        e.level().machine_name().to_owned(),
                        e.category().machine_name().to_owned(),
                        amount(e.amount()),
                    ],
                );
            }
        }
    }
    out
}

/// An execution report as CSV (LF line ends, no separators or currency signs): a `row`
/// column (`group` or `total`), the grouping columns (`region,region_name`, `level`,
/// `category` in machine names), `allocated_yuan,spent_yuan` (exact, 2 decimals) and
/// `rate_percent,gap_points` rounded with `rounding` (empty where there is no rate).
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger, Rounding};
/// use fundtrack::format::execution_csv;
/// use fundtrack::record::{Allocation, Region};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let city = "450500".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(city, "北海市")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d, city, FundLevel::City, "1,234.5元".parse()?)])?;
/// let csv = execution_csv(&ledger.execution(ExecutionOptions::new(d).by_level()), Some(&ledger), Rounding::default());
/// assert_eq!(
///     csv,
///     "row,level,allocated_yuan,spent_yuan,rate_percent,gap_points\n\
///      group,city,1234.50,0.00,0.00,-75.00\n\
///      total,,1234.50,0.00,0.00,-75.00\n",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn execution_csv(report: &Execution, names: Option<&Ledger>, rounding: Rounding) -> String {
    let grouping = report.options().grouping();
    let (by_region, by_level, by_category) =
        (grouping.region(), grouping.level(), grouping.category());
    let mut header = vec!["row".to_owned()];
    if by_region {
        header.extend(["region".to_owned(), "region_name".to_owned()]);
    }
    if by_level {
        header.push("level".to_owned());
    }
    if by_category {
        header.push("category".to_owned());
    }
    header
        .extend(["allocated_yuan", "spent_yuan", "rate_percent", "gap_points"].map(str::to_owned));
    let mut out = String::new();
    push_line(&mut out, &header);
    let figures = |row: &Progress| {
        let rate = row
            .rate()
            .map_or_else(|_| String::new(), |r| r.to_percent(rounding).to_string());
        let gap = report
            .gap(row)
            .map_or_else(|_| String::new(), |g| g.gap().round(rounding).to_string());
        [
            row.allocated().as_decimal().to_string(),
            row.spent().as_decimal().to_string(),
            rate,
            gap,
        ]
    };
    for row in report.rows() {
        let k = row.key();
        let kind = if row.key().grouping() == grouping {
            "group"
        } else {
            "subtotal"
        };
        let mut cells = vec![kind.to_owned()];
        if by_region {
            let code = k.region();
            cells.push(code.map_or_else(String::new, |c| c.to_string()));
            cells.push(code.map_or_else(String::new, |c| region_name(c, names)));
        }
        if by_level {
            cells.push(k.level().map_or("", |l| l.machine_name()).to_owned());
        }
        if by_category {
            cells.push(k.category().map_or("", |c| c.machine_name()).to_owned());
        }
        cells.extend(figures(row.progress()));
        push_line(&mut out, &cells);
    }
    let lead = usize::from(by_region) * 2 + usize::from(by_level) + usize::from(by_category);
    let mut cells = vec!["total".to_owned()];
    cells.extend(std::iter::repeat_n(String::new(), lead));
    cells.extend(figures(report.total()));
    push_line(&mut out, &cells);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
        split_records(&Arc::from("t.csv"), text)
    }

    #[test]
    fn quoted_fields_crlf_and_truncated_last_line() {
        let r = split("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\n\n3,4").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[1],
            (2, vec!["x, \"y\"".to_owned(), "two\nlines".to_owned()])
        );
        assert_eq!(r[2], (5, vec!["3".to_owned(), "4".to_owned()]));
        assert_eq!(
            split("a,\"b\n").unwrap_err().to_string(),
            "t.csv line 1: quoted field is not closed before the end of the file"
        );
        assert_eq!(
            split("a,b\"c\n").unwrap_err().kind(),
            &CsvErrorKind::StrayQuote
        );
        assert_eq!(
            split("a,\"b\"c\n").unwrap_err().kind(),
            &CsvErrorKind::StrayQuote
        );
        assert_eq!(
            split("a,\"\"\n").unwrap(),
            vec![(1, vec!["a".to_owned(), String::new()])]
        );
    }

    #[test]
    fn encodings_are_named() {
        // "北海" in GBK.
        let gbk = [b'a', b',', 0xB1, 0xB1, 0xBA, 0xA3, b'\n'];
        assert_eq!(
            decode(&Arc::from("g.csv"), &gbk).unwrap_err().kind(),
            &CsvErrorKind::Gbk
        );
        assert_eq!(
            decode(&Arc::from("u.csv"), &[0xFF, 0xFE, b'a', 0])
                .unwrap_err()
                .kind(),
            &CsvErrorKind::Utf16
        );
        assert_eq!(
            decode(&Arc::from("x.csv"), &[b'a', b'\n', 0xFF])
                .unwrap_err()
                .to_string(),
            "x.csv line 2: not UTF-8: invalid byte 0xFF"
        );
        assert_eq!(
            decode(&Arc::from("b.csv"), "\u{feff}a".as_bytes()).unwrap(),
            "a"
        );
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("北海市"), "北海市");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field(" x"), "\" x\"");
    }
}
