//! CSV files → records → one all-or-nothing ledger batch: the kinds of file, the one table of
//! column names each kind accepts, and the mapping of a line to a record.

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;

use super::csv::CsvRecords;
use super::error::{InputError, InputErrorKind, Location};
use crate::dim::{
    Category, DocNo, FiscalYear, FundLevel, ProjectId, ProjectStage, RecordId, RegionCode,
};
use crate::error::{ParseError, ParseErrorKind};
use crate::ledger::{InsertError, Ledger, LedgerError, Receipt};
use crate::money::{Money, Unit};
use crate::record::{Allocation, Expenditure, Project, Record, Region};

/// Which records a CSV file holds, and so which columns it has (CSV 文件类型).
///
/// Each kind has one table of columns; a column may go by its own name or by an accepted
/// alternative (the benchmark kit's names, shown after `|`). `?` marks an optional column.
///
/// | kind | columns |
/// |---|---|
/// | regions | `code,name?,level?,parent_code?` |
/// | allocations | `id,date,region\|county_code,level\|source,category?,doc_no?,batch?,amount_yuan\|amount_wan\|amount_yi` |
/// | projects | `id,region\|county_code,category,stage\|status,year?,planned_investment_yuan\|_wan\|_yi` |
/// | expenditures | `id,date,project\|project_id,region\|county_code,level\|source,category,amount_yuan\|amount_wan\|amount_yi` |
///
/// - The amount column names its unit; its values are plain numbers (`30700.48` under
///   `amount_wan`), at most 2 decimals of 元.
/// - Levels, categories and stages take the machine names or the Chinese labels (and the
///   kit's statuses `planned`, `approved`, `in_progress`, `completed`); dates are
///   `YYYY-MM-DD`; an empty optional field is absent (an empty or `unassigned` category is
///   money not yet assigned).
/// - A region without a `name` (the kit's `regions.csv` has none) is named by its code.
///   A region's `level` (`province`, `city`, `county`) and `parent_code` are not stored —
///   the code's digits `PPCCDD` fix both — but checked: a row whose level or parent
///   disagrees with its code is an error.
/// - A project without a `year` takes the plan year of a batch made with
///   [`CsvBatch::for_year`] ([`import_csv`] uses the ledger's year); without one it is an
///   error.
///
/// Columns may come in any order. An unknown column is an error (a typo must not drop
/// data), and so are two columns for one field (`region` and `county_code`).
///
/// # Example
///
/// ```
/// use fundtrack::import::CsvKind;
/// assert_eq!(CsvKind::Allocations.columns()[0], "id");
/// assert_eq!(
///     CsvKind::Expenditures.expected(),
///     "id,date,project|project_id,region|county_code,level|source,category,amount_yuan|amount_wan|amount_yi",
/// );
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

/// Whether a file of a kind must have a column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// One field of a record kind: the column name `records_csv` writes, the other names it is
/// accepted under, and whether it is required.
struct Field {
    name: &'static str,
    aliases: &'static [&'static str],
    need: Need,
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        aliases,
        need: Need::Required,
    }
}

const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        aliases,
        need: Need::Optional,
    }
}

// The one alias table: every column name each kind of file accepts. The amount column is
// apart because its name carries the unit (`amount_yuan`, `amount_wan`, `amount_yi`).
const REGION_FIELDS: &[Field] = &[
    req("code", &[]),
    opt("name", &[]),
    opt("level", &[]),
    opt("parent_code", &[]),
];
const ALLOCATION_FIELDS: &[Field] = &[
    req("id", &[]),
    req("date", &[]),
    req("region", &["county_code"]),
    req("level", &["source"]),
    opt("category", &[]),
    opt("doc_no", &[]),
    opt("batch", &[]),
];
const PROJECT_FIELDS: &[Field] = &[
    req("id", &[]),
    req("region", &["county_code"]),
    req("category", &[]),
    req("stage", &["status"]),
    opt("year", &[]),
];
const EXPENDITURE_FIELDS: &[Field] = &[
    req("id", &[]),
    req("date", &[]),
    req("project", &["project_id"]),
    req("region", &["county_code"]),
    req("level", &["source"]),
    req("category", &[]),
];

impl CsvKind {
    /// The column names written by [`records_csv`](crate::format::records_csv) (amounts in
    /// 元).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvKind;
    /// assert_eq!(CsvKind::Regions.columns(), ["code", "name"]);
    /// ```
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

    /// Every column this kind accepts, as error messages list them: alternatives joined by
    /// `|`, optional columns marked `?`, the amount column last with its three units.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvKind;
    /// assert_eq!(CsvKind::Regions.expected(), "code,name?,level?,parent_code?");
    /// ```
    pub fn expected(self) -> String {
        let mut cols: Vec<String> = self
            .fields()
            .iter()
            .map(|f| {
                let mut s = std::iter::once(f.name)
                    .chain(f.aliases.iter().copied())
                    .collect::<Vec<_>>()
                    .join("|");
                if f.need == Need::Optional {
                    s.push('?');
                }
                s
            })
            .collect();
        if let Some(stem) = self.amount_stem() {
            cols.push(format!("{stem}_yuan|{stem}_wan|{stem}_yi"));
        }
        cols.join(",")
    }

    fn fields(self) -> &'static [Field] {
        match self {
            CsvKind::Regions => REGION_FIELDS,
            CsvKind::Allocations => ALLOCATION_FIELDS,
            CsvKind::Projects => PROJECT_FIELDS,
            CsvKind::Expenditures => EXPENDITURE_FIELDS,
        }
    }

    fn amount_stem(self) -> Option<&'static str> {
        match self {
            CsvKind::Regions => None,
            CsvKind::Allocations | CsvKind::Expenditures => Some("amount"),
            CsvKind::Projects => Some("planned_investment"),
        }
    }
}

/// Records read from CSV files, each remembering its input and line, to go into a
/// [`Ledger`] as one all-or-nothing batch (导入批次).
///
/// Read regions, projects, allocations and expenditures from several files into one batch;
/// a [`LedgerError`](crate::LedgerError) is mapped back to the input and line of the
/// record. The library opens no files: pass any [`Read`] and a name for messages. The
/// columns each kind accepts are listed under [`CsvKind`].
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::import::{CsvBatch, CsvKind};
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
    origins: Vec<(Arc<str>, u64)>,
    year: Option<FiscalYear>,
}

impl CsvBatch {
    /// An empty batch; project files must have a `year` column.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvBatch;
    /// assert!(CsvBatch::new().is_empty());
    /// ```
    pub fn new() -> CsvBatch {
        CsvBatch::default()
    }

    /// An empty batch whose projects without a `year` (no column, or an empty field) are
    /// planned in `year`, as in the benchmark kit's `projects.csv`.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::FiscalYear;
    /// use fundtrack::import::{CsvBatch, CsvKind};
    ///
    /// let csv = "id,county_code,category,planned_investment_yuan,status\n1,110101,industry,262066.62,in_progress\n";
    /// let mut batch = CsvBatch::for_year(FiscalYear::new(2025)?);
    /// batch.read(CsvKind::Projects, "projects.csv", csv.as_bytes())?;
    /// let fundtrack::record::Record::Project(p) = &batch.records()[0] else { unreachable!() };
    /// assert_eq!((p.year(), p.stage().machine_name()), (2025, "implementing"));
    /// assert!(CsvBatch::new().read(CsvKind::Projects, "projects.csv", csv.as_bytes()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_year(year: FiscalYear) -> CsvBatch {
        CsvBatch {
            year: Some(year),
            ..CsvBatch::default()
        }
    }

    /// Reads every record of one input of `kind` into the batch; returns how many.
    ///
    /// # Errors
    ///
    /// An [`InputError`] naming `input`, the line and the column; the batch is then
    /// unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{CsvBatch, CsvKind};
    ///
    /// let mut batch = CsvBatch::new();
    /// assert_eq!(batch.read(CsvKind::Regions, "regions.csv", "code,level,parent_code\n450500,city,450000\n".as_bytes())?, 1);
    /// let err = batch.read(CsvKind::Regions, "more.csv", "code,level\n450521,city\n".as_bytes()).unwrap_err();
    /// assert_eq!(err.to_string(), r#"more.csv line 2 column level: region 450521: its code says level county, not "city""#);
    /// assert_eq!(batch.len(), 1);
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn read(
        &mut self,
        kind: CsvKind,
        input: &str,
        reader: impl Read,
    ) -> Result<usize, InputError> {
        let input: Arc<str> = Arc::from(input);
        let mut records = Vec::new();
        let mut origins = Vec::new();
        for row in Rows::new(kind, &input, reader, self.year)? {
            let (line, record) = row?;
            records.push(record);
            origins.push((Arc::clone(&input), line));
        }
        let n = records.len();
        self.records.extend(records);
        self.origins.extend(origins);
        Ok(n)
    }

    /// The records read so far, in input and line order.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{CsvBatch, CsvKind};
    /// let mut batch = CsvBatch::new();
    /// batch.read(CsvKind::Regions, "regions.csv", "code\n110101\n".as_bytes())?;
    /// assert_eq!(batch.records()[0].describe(), "region 110101");
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The number of records.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvBatch;
    /// assert_eq!(CsvBatch::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// `true` with no records.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvBatch;
    /// assert!(CsvBatch::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Inserts every record into `ledger` as one batch, whole or not at all.
    ///
    /// # Errors
    ///
    /// The ledger's error ([`InputErrorKind::Ledger`]), named by the input and line of the
    /// record that broke the rule; the ledger is then unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ledger};
    /// use fundtrack::import::{CsvBatch, CsvKind};
    ///
    /// let mut batch = CsvBatch::new();
    /// batch.read(CsvKind::Regions, "regions.csv", "code,name\n450500,北海市\n".as_bytes())?;
    /// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    /// assert_eq!(batch.insert_into(&mut ledger)?.inserted, 1);
    /// assert_eq!(ledger.region("450500".parse()?).unwrap().name(), "北海市");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_into(self, ledger: &mut Ledger) -> Result<Receipt, InputError> {
        let CsvBatch {
            records, origins, ..
        } = self;
        ledger.insert(records).map_err(|e| {
            let origin = e.position().checked_sub(1).and_then(|i| origins.get(i));
            ledger_error(&e, origin.map(|(input, line)| (input, *line)))
        })
    }
}

/// A ledger error named by the input and line of the record that broke the rule.
fn ledger_error(e: &LedgerError, origin: Option<(&Arc<str>, u64)>) -> InputError {
    let kind = InputErrorKind::Ledger {
        record: e.record().to_owned(),
        kind: e.kind().clone(),
    };
    debug_assert!(origin.is_some(), "every record of a batch has an origin");
    let at = match origin {
        Some((input, line)) => Location::new(Arc::clone(input)).line(line),
        None => Location::new("csv batch"),
    };
    InputError::new(at, kind)
}

/// The records of one CSV input of a kind, read and parsed one at a time after its header.
///
/// Errors come in the order of reading the whole input first (see [`CsvRecords`]): a
/// header or row error is outranked by a read, encoding or CSV-structure error anywhere in
/// the input.
struct Rows<R> {
    kind: CsvKind,
    input: Arc<str>,
    lines: CsvRecords<R>,
    cols: Columns,
    width: usize,
    done: bool,
}

impl<R: Read> Rows<R> {
    fn new(
        kind: CsvKind,
        input: &Arc<str>,
        reader: R,
        year: Option<FiscalYear>,
    ) -> Result<Rows<R>, InputError> {
        let mut lines = CsvRecords::new(input, reader);
        let header = match lines.next() {
            Some(Ok((_, header))) => header,
            Some(Err(e)) => return Err(e),
            None => {
                return Err(InputError::new(
                    Location::new(Arc::clone(input)),
                    InputErrorKind::NoHeader(Cow::Owned(kind.expected())),
                ));
            }
        };
        let cols = match Columns::new(kind, input, &header, year) {
            Ok(cols) => cols,
            Err(e) => return Err(lines.finish().unwrap_or(e)),
        };
        Ok(Rows {
            kind,
            input: Arc::clone(input),
            lines,
            cols,
            width: header.len(),
            done: false,
        })
    }

    /// The first error in the rows not read yet, if any (after a record was refused).
    fn rest_error(&mut self) -> Option<InputError> {
        self.find_map(Result::err)
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<(u64, Record), InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (line, fields) = match self.lines.next()? {
            Ok(l) => l,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let record = if fields.len() == self.width {
            let row = Row {
                cols: &self.cols,
                fields: &fields,
                input: &self.input,
                line,
            };
            row.record(self.kind)
        } else {
            let found = InputErrorKind::FieldCount {
                expected: self.width,
                found: fields.len(),
            };
            Err(InputError::new(
                Location::new(Arc::clone(&self.input)).line(line),
                found,
            ))
        };
        Some(match record {
            Ok(r) => Ok((line, r)),
            Err(e) => {
                self.done = true;
                Err(self.lines.finish().unwrap_or(e))
            }
        })
    }
}

/// Reads one CSV input of `kind` and inserts its records into `ledger` as one batch;
/// projects without a `year` are planned in the ledger's year.
///
/// # Errors
///
/// As [`CsvBatch::read`] and [`CsvBatch::insert_into`]; nothing is inserted on error.
///
/// # Panics
///
/// Never on any input. Rows are parsed on the calling thread and inserted on a second
/// one; a panic there (a bug) is passed on.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::import::{CsvKind, import_csv};
///
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// let receipt = import_csv(&mut ledger, CsvKind::Regions, "regions.csv", "code,name\n450500,\"北海市\"".as_bytes())?;
/// assert_eq!(receipt.inserted, 1);
/// let csv = "id,date,region,level,amount_wan\nA-1,2021-03-01,450500,city,12.3456789\n";
/// let err = import_csv(&mut ledger, CsvKind::Allocations, "allocations.csv", csv.as_bytes()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"allocations.csv line 2 column amount_wan: invalid amount "12.3456789": 3 decimal places of 元 (at most 2: amounts are whole 分)"#,
/// );
/// assert_eq!((err.line(), err.column()), (Some(2), Some("amount_wan")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_csv(
    ledger: &mut Ledger,
    kind: CsvKind,
    input: &str,
    reader: impl Read,
) -> Result<Receipt, InputError> {
    // Streamed: each record goes into the ledger's columns as it is read, so the input is
    // never held whole; the batch is still all or nothing. Two threads: this one reads and
    // parses rows, a second inserts them, chunks of rows passing between them.
    let input: Arc<str> = Arc::from(input);
    let mut rows = Rows::new(kind, &input, reader, Some(ledger.year()))?;
    // The line of each record, as runs of consecutive lines: (first record, its line).
    let mut lines: Vec<(usize, u64)> = Vec::new();
    // The first row that could not be read; the inserting thread is told only that there
    // was one, and takes the batch back out.
    let mut bad_row: Option<InputError> = None;
    let inserted = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<Record, ()>>>(4);
        let inserter = scope.spawn(move || ledger.try_insert(rx.into_iter().flatten()));
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut n = 0usize;
        for row in rows.by_ref() {
            match row {
                Ok((line, record)) => {
                    let follows = lines
                        .last()
                        .is_some_and(|&(i, l)| l.checked_add((n - i) as u64) == Some(line));
                    if !follows {
                        lines.push((n, line));
                    }
                    n += 1;
                    chunk.push(Ok(record));
                }
                Err(e) => {
                    bad_row = Some(e);
                    chunk.push(Err(()));
                }
            }
            if chunk.len() == CHUNK || bad_row.is_some() {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                // A closed channel: the inserter stopped at a record it refused.
                if tx.send(full).is_err() || bad_row.is_some() {
                    break;
                }
            }
        }
        if !chunk.is_empty() {
            // Fails only when the inserter stopped already; it then has its answer.
            tx.send(chunk).ok();
        }
        drop(tx);
        inserter
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    match inserted {
        Ok(receipt) => Ok(receipt),
        Err(InsertError::Row(())) => {
            #[expect(
                clippy::expect_used,
                reason = "the reading thread sends a failed row only after keeping its error"
            )]
            let e = bad_row.expect("a failed row's error is kept before the row is sent");
            Err(e)
        }
        // A bad row further on outranks a refused record, as when every row was read first.
        Err(InsertError::Ledger(e)) => {
            Err(bad_row.or_else(|| rows.rest_error()).unwrap_or_else(|| {
                let line = e.position().checked_sub(1).and_then(|i| {
                    let run = lines.partition_point(|r| r.0 <= i).checked_sub(1)?;
                    let &(first, line) = lines.get(run)?;
                    line.checked_add((i - first) as u64)
                });
                ledger_error(&e, line.map(|l| (&input, l)))
            }))
        }
    }
}

/// Rows passed at a time from the reading thread of [`import_csv`] to the inserting one.
const CHUNK: usize = 4096;

/// Where each field of a kind is in one input's header, under the name it was written as,
/// and the unit of its amount column.
struct Columns {
    kind: CsvKind,
    /// Per field of `kind.fields()`, its index and the header name as written.
    found: Vec<Option<(usize, String)>>,
    amount: Option<(usize, Unit, String)>,
    year: Option<FiscalYear>,
}

impl Columns {
    fn new(
        kind: CsvKind,
        input: &Arc<str>,
        header: &[String],
        year: Option<FiscalYear>,
    ) -> Result<Columns, InputError> {
        let fields = kind.fields();
        let mut found: Vec<Option<(usize, String)>> = fields.iter().map(|_| None).collect();
        let mut amount: Option<(usize, Unit, String)> = None;
        let at_header = || Location::new(Arc::clone(input)).line(1);
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim();
            let field = fields
                .iter()
                .position(|f| f.name == name || f.aliases.contains(&name));
            let slot = match field {
                Some(f) => found.get_mut(f),
                None => None,
            };
            if let Some(slot) = slot {
                if let Some((_, earlier)) = slot {
                    return Err(InputError::new(at_header(), same_field(name, earlier)));
                }
                *slot = Some((i, name.to_owned()));
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
            match (unit, &amount) {
                (Some(_), Some((_, _, earlier))) => {
                    return Err(InputError::new(at_header(), same_field(name, earlier)));
                }
                (Some(u), None) => amount = Some((i, u, name.to_owned())),
                (None, _) => {
                    let unknown = InputErrorKind::UnknownColumn {
                        column: name.to_owned(),
                        expected: Cow::Owned(kind.expected()),
                    };
                    return Err(InputError::new(at_header(), unknown));
                }
            }
        }
        let missing = |column: String| {
            InputError::new(
                at_header(),
                InputErrorKind::MissingColumn {
                    column: Cow::Owned(column),
                    expected: Cow::Owned(kind.expected()),
                },
            )
        };
        for (f, slot) in fields.iter().zip(&found) {
            if f.need == Need::Required && slot.is_none() {
                let names: Vec<&str> = std::iter::once(f.name)
                    .chain(f.aliases.iter().copied())
                    .collect();
                return Err(missing(names.join(" or ")));
            }
        }
        if let Some(stem) = kind.amount_stem() {
            if amount.is_none() {
                return Err(missing(format!("{stem}_yuan, {stem}_wan or {stem}_yi")));
            }
        }
        let cols = Columns {
            kind,
            found,
            amount,
            year,
        };
        if kind == CsvKind::Projects && year.is_none() && cols.index("year").is_none() {
            return Err(missing(
                "year (or read into a batch made with CsvBatch::for_year)".to_owned(),
            ));
        }
        Ok(cols)
    }

    /// The index of a field's column and the name it was written as.
    fn index(&self, field: &str) -> Option<(usize, &str)> {
        let f = self.kind.fields().iter().position(|f| f.name == field)?;
        let (i, name) = self.found.get(f)?.as_ref()?;
        Some((*i, name))
    }
}

fn same_field(column: &str, earlier: &str) -> InputErrorKind {
    if column == earlier {
        InputErrorKind::DuplicateColumn(column.to_owned())
    } else {
        InputErrorKind::SameField {
            column: column.to_owned(),
            earlier: earlier.to_owned(),
        }
    }
}

/// One data line being turned into a record.
struct Row<'a> {
    cols: &'a Columns,
    fields: &'a [String],
    input: &'a Arc<str>,
    line: u64,
}

impl Row<'_> {
    /// An error in the column of `field` (named as written in the header).
    fn err(&self, field: &str, kind: InputErrorKind) -> InputError {
        let at = Location::new(Arc::clone(self.input)).line(self.line);
        let at = match self.cols.index(field) {
            Some((_, name)) => at.column(name.to_owned()),
            None => at.column(field.to_owned()),
        };
        InputError::new(at, kind)
    }

    fn value_err(&self, field: &str, e: ParseError) -> InputError {
        self.err(field, InputErrorKind::Value(e))
    }

    /// The trimmed field, or `None` when the column is absent or the field empty.
    fn get(&self, field: &str) -> Option<&str> {
        let (i, _) = self.cols.index(field)?;
        let f = self.fields.get(i)?.trim();
        (!f.is_empty()).then_some(f)
    }

    fn parse<T: std::str::FromStr<Err = ParseError>>(&self, field: &str) -> Result<T, InputError> {
        self.get(field)
            .unwrap_or("")
            .parse()
            .map_err(|e| self.value_err(field, e))
    }

    fn opt<T: std::str::FromStr<Err = ParseError>>(
        &self,
        field: &str,
    ) -> Result<Option<T>, InputError> {
        self.get(field)
            .map(|f| f.parse().map_err(|e| self.value_err(field, e)))
            .transpose()
    }

    fn date(&self, field: &str) -> Result<NaiveDate, InputError> {
        let raw = self.get(field).unwrap_or("");
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
            self.value_err(
                field,
                ParseError::new("date", raw, ParseErrorKind::Format("a date YYYY-MM-DD")),
            )
        })
    }

    fn number<T: std::str::FromStr>(
        &self,
        field: &'static str,
        raw: &str,
        expected: &'static str,
    ) -> Result<T, InputError> {
        raw.parse().map_err(|_| {
            self.value_err(
                field,
                ParseError::new(field, raw, ParseErrorKind::Format(expected)),
            )
        })
    }

    fn amount(&self) -> Result<Money, InputError> {
        let Some((i, unit, name)) = &self.cols.amount else {
            debug_assert!(false, "Columns::new requires the amount column");
            return Err(self.value_err(
                "amount",
                ParseError::new("amount", "", ParseErrorKind::Empty),
            ));
        };
        let at = Location::new(Arc::clone(self.input))
            .line(self.line)
            .column(name.clone());
        let raw = self.fields.get(*i).map_or("", |f| f.trim());
        let invalid = |kind| {
            InputError::new(
                at.clone(),
                InputErrorKind::Value(ParseError::new("amount", raw, kind)),
            )
        };
        if raw.is_empty() {
            return Err(invalid(ParseErrorKind::Empty));
        }
        format!("{raw}{}", unit.suffix())
            .parse::<Money>()
            .map_err(|e| invalid(e.kind().clone()))
    }

    fn category(&self) -> Result<Option<Category>, InputError> {
        match self.get("category") {
            None | Some("unassigned" | "未分配") => Ok(None),
            Some(c) => c
                .parse()
                .map(Some)
                .map_err(|e| self.value_err("category", e)),
        }
    }

    /// A region: the name defaults to the code; `level` and `parent_code`, when given,
    /// must be what the code says.
    fn region(&self) -> Result<Region, InputError> {
        let code: RegionCode = self.parse("code")?;
        if let Some(level) = self.get("level") {
            let by_code = code.level().as_str();
            if level != by_code {
                let expected = format!("level {by_code}");
                return Err(self.err("level", region_tree(code, &expected, level)));
            }
        }
        // An empty parent_code is right for a province and wrong for anything else.
        let parent = self
            .cols
            .index("parent_code")
            .map(|_| self.get("parent_code").unwrap_or(""));
        if let Some(parent) = parent {
            let by_code = code.parent();
            let ok = match by_code {
                None => parent.is_empty(),
                Some(p) => parent.parse::<RegionCode>().is_ok_and(|q| q == p),
            };
            if !ok {
                let expected = by_code.map_or_else(
                    || "no parent_code (a province)".to_owned(),
                    |p| format!("parent_code {p}"),
                );
                return Err(self.err("parent_code", region_tree(code, &expected, parent)));
            }
        }
        let name = self
            .get("name")
            .map_or_else(|| code.to_string(), str::to_owned);
        Ok(Region::new(code, name))
    }

    fn record(&self, kind: CsvKind) -> Result<Record, InputError> {
        Ok(match kind {
            CsvKind::Regions => self.region()?.into(),
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
                    Some(raw) => {
                        Some(self.number("batch", raw, "a whole batch number such as 2")?)
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
                let year: i32 = match (self.get("year"), self.cols.year) {
                    (Some(raw), _) => self.number("year", raw, "a year such as 2021")?,
                    (None, Some(fy)) => fy.year(),
                    (None, None) => self.number("year", "", "a year such as 2021")?,
                };
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

fn region_tree(code: RegionCode, expected: &str, found: &str) -> InputErrorKind {
    InputErrorKind::RegionTree {
        code,
        expected: expected.to_owned(),
        found: found.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_in_the_alias_table_is_unique_per_kind() {
        for kind in [
            CsvKind::Regions,
            CsvKind::Allocations,
            CsvKind::Projects,
            CsvKind::Expenditures,
        ] {
            let mut names: Vec<&str> = kind
                .fields()
                .iter()
                .flat_map(|f| std::iter::once(f.name).chain(f.aliases.iter().copied()))
                .collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{kind:?}");
            // What records_csv writes is read back under the same names.
            for col in kind.columns() {
                let known = names.contains(col)
                    || kind
                        .amount_stem()
                        .is_some_and(|s| col.strip_prefix(s).is_some());
                assert!(known, "{kind:?} {col}");
            }
        }
    }

    #[test]
    fn a_region_row_is_checked_against_its_code() {
        let read = |text: &str| {
            let mut batch = CsvBatch::new();
            batch
                .read(CsvKind::Regions, "regions.csv", text.as_bytes())
                .map(|_| batch)
        };
        let ok = read(
            "code,level,parent_code\n110000,province,\n110100,city,110000\n110101,county,110100\n",
        )
        .unwrap();
        let names: Vec<String> = ok
            .records()
            .iter()
            .map(|r| match r {
                Record::Region(r) => r.name().to_owned(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(names, ["110000", "110100", "110101"]);
        let msg = |text: &str| read(text).unwrap_err().to_string();
        assert_eq!(
            msg("code,level,parent_code\n110101,county,110000\n"),
            r#"regions.csv line 2 column parent_code: region 110101: its code says parent_code 110100, not "110000""#
        );
        assert_eq!(
            msg("code,parent_code\n110000,110000\n"),
            r#"regions.csv line 2 column parent_code: region 110000: its code says no parent_code (a province), not "110000""#
        );
        assert_eq!(
            msg("code,parent_code\n110100,\n"),
            r#"regions.csv line 2 column parent_code: region 110100: its code says parent_code 110000, not """#
        );
        assert_eq!(
            msg("code,level\n110000,省级\n"),
            r#"regions.csv line 2 column level: region 110000: its code says level province, not "省级""#
        );
    }
}
