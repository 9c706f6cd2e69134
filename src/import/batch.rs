//! Tables → records → one all-or-nothing ledger batch.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use super::columns::CsvKind;
use super::csv::{CsvStream, Fields, MAX_COLUMNS, MAX_FIELD, Start, read_lines};
use super::error::{InputError, InputErrorKind, Location};
use super::receipt::{ImportNote, ImportReceipt, TableReceipt};
use super::table::{Columns, Place, RowReader, TableOptions, TableRead, read_rows};
use super::value::Value;
use crate::dim::{Category, FiscalYear, Vocabulary};
use crate::error::{ParseError, start_of};
use crate::ledger::{InsertError, Ledger, Packed, Receipt};
use crate::record::Record;

/// Records read from CSV files and workbooks, each remembering its input and line (or
/// sheet and cell), to go into a [`Ledger`] as one all-or-nothing batch (导入批次).
///
/// Read regions, projects, allocations, expenditures and adjustments from several files
/// into one batch; a [`LedgerError`](crate::LedgerError) is mapped back to the input and
/// line (or sheet and cell) of the record. The library opens no files: pass any [`Read`]
/// and a name for messages. The columns each kind accepts, in English and Chinese, are
/// listed under [`CsvKind`]; what was read and not used is in the [`receipt`](Batch::receipt).
///
/// Category labels are parsed against the batch's [`Vocabulary`]: the built-ins, the
/// categories declared on the ledger the batch was made for ([`Batch::for_ledger`]), and
/// those declared on the batch (or by a workbook's 资金类别 sheet). An undeclared label is an
/// error naming the nearest known one.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::import::{Batch, CsvKind};
///
/// let regions = "code,name\n450500,北海市\n";
/// let allocations = "\u{feff}id,date,region,level,category,amount_wan\r\n\
///                    A-1,2021-03-01,450500,市级,产业发展,14753\r\n\
///                    A-2,2021-03-01,450599,county,,9702.09\r\n";
/// let mut batch = Batch::new();
/// batch.read(CsvKind::Regions, "regions.csv", regions.as_bytes())?;
/// batch.read(CsvKind::Allocations, "allocations.csv", allocations.as_bytes())?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// let err = batch.insert_into(&mut ledger).unwrap_err();
/// assert_eq!(err.to_string(), "allocations.csv line 3: allocation A-2: unknown region 450599");
/// assert_eq!(ledger.allocations().len(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Batch {
    records: Vec<Record>,
    /// Per record: its table (an index into `tables`) and its row.
    origins: Vec<(u32, u64)>,
    /// Per table read: where it is, and the id column (for a ledger error's cell).
    tables: Vec<(Place, Option<(usize, String)>)>,
    options: TableOptions,
    vocabulary: Vocabulary,
    receipt: ImportReceipt,
}

impl Batch {
    /// An empty batch; project files must have a `year` column.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::Batch;
    /// assert!(Batch::new().is_empty());
    /// ```
    pub fn new() -> Batch {
        Batch::default()
    }

    /// An empty batch whose projects without a `year` (no column, or an empty field) are
    /// planned in `year`, as in the benchmark kit's `projects.csv`.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::FiscalYear;
    /// use fundtrack::import::{Batch, CsvKind};
    ///
    /// let csv = "id,county_code,category,planned_investment_yuan,status\n1,110101,industry,262066.62,in_progress\n";
    /// let mut batch = Batch::for_year(FiscalYear::new(2025)?);
    /// batch.read(CsvKind::Projects, "projects.csv", csv.as_bytes())?;
    /// let fundtrack::record::Record::Project(p) = &batch.records()[0] else { unreachable!() };
    /// assert_eq!((p.year(), p.stage().machine_name()), (2025, "implementing"));
    /// assert!(Batch::new().read(CsvKind::Projects, "projects.csv", csv.as_bytes()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_year(year: FiscalYear) -> Batch {
        let mut batch = Batch::default();
        batch.options.year = Some(year);
        batch
    }

    /// An empty batch for `ledger`: projects without a year are planned in the ledger's
    /// year, and the categories declared on the ledger are known.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ledger};
    /// use fundtrack::import::{Batch, CsvKind};
    ///
    /// let mut ledger = Ledger::new(FiscalYear::new(2025)?);
    /// ledger.declare_category("以工代赈")?;
    /// let csv = "项目编号,项目名称,地区代码,资金类别,计划投资（万元）,项目状态\nP1,村道硬化,450521,以工代赈,80,实施\n";
    /// let mut batch = Batch::for_ledger(&ledger);
    /// batch.read(CsvKind::Projects, "项目库.csv", csv.as_bytes())?;
    /// let typo = csv.replace("以工代赈", "以工带赈");
    /// let err = Batch::for_ledger(&ledger).read(CsvKind::Projects, "项目库.csv", typo.as_bytes()).unwrap_err();
    /// assert_eq!(err.to_string(), r#"项目库.csv line 2 column 资金类别: invalid category "以工带赈": unknown; did you mean 以工代赈?"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_ledger(ledger: &Ledger) -> Batch {
        let mut batch = Batch::for_year(ledger.year());
        batch.vocabulary = ledger.vocabulary().clone();
        batch
    }

    /// The batch in strict mode: a column the reader does not know is an error instead of a
    /// note in the receipt.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{Batch, CsvKind};
    /// let csv = "code,负责人\n450521,张三\n";
    /// assert!(Batch::new().read(CsvKind::Regions, "r.csv", csv.as_bytes()).is_ok());
    /// let err = Batch::new().strict().read(CsvKind::Regions, "r.csv", csv.as_bytes()).unwrap_err();
    /// assert!(err.to_string().starts_with(r#"r.csv line 1 column 负责人: unknown column "负责人""#));
    /// ```
    pub fn strict(mut self) -> Batch {
        self.options.strict = true;
        self
    }

    /// Declares a locality's own category for the labels this batch reads; it is declared
    /// on the ledger too when the batch goes in.
    ///
    /// # Errors
    ///
    /// As [`Vocabulary::declare`].
    pub fn declare_category(&mut self, label: &str) -> Result<Category, ParseError> {
        self.vocabulary.declare(label)
    }

    /// The categories this batch knows.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    #[cfg(feature = "xlsx")]
    pub(crate) fn vocabulary_mut(&mut self) -> &mut Vocabulary {
        &mut self.vocabulary
    }

    #[cfg(feature = "xlsx")]
    pub(crate) fn options(&self) -> &TableOptions {
        &self.options
    }

    /// What was read so far: rows per table, encodings, and every column, row or sheet
    /// that was not used.
    pub fn receipt(&self) -> &ImportReceipt {
        &self.receipt
    }

    #[cfg(feature = "xlsx")]
    /// An empty batch with this batch's options and vocabulary.
    pub(crate) fn like(other: &Batch) -> Batch {
        Batch {
            options: other.options.clone(),
            vocabulary: other.vocabulary.clone(),
            ..Batch::default()
        }
    }

    #[cfg(feature = "xlsx")]
    /// Takes in a batch made with [`Batch::like`], and notes read around it.
    pub(crate) fn absorb(&mut self, other: Batch, notes: ImportReceipt) {
        let offset = u32::try_from(self.tables.len()).unwrap_or(u32::MAX);
        self.records.extend(other.records);
        self.origins.extend(
            other
                .origins
                .into_iter()
                .map(|(t, row)| (t.saturating_add(offset), row)),
        );
        self.tables.extend(other.tables);
        self.vocabulary = other.vocabulary;
        self.receipt.append(notes);
        self.receipt.append(other.receipt);
    }

    /// Adds the records of one table read whole.
    pub(crate) fn add_table(
        &mut self,
        place: Place,
        cols: &Columns,
        kind: CsvKind,
        read: TableRead,
        encoding: Option<&'static str>,
    ) -> usize {
        let n = read.records.len();
        let index = u32::try_from(self.tables.len()).unwrap_or(u32::MAX);
        let id = cols.index("id").map(|(i, name)| (i, name.to_owned()));
        let at = place.at_table();
        self.tables.push((place, id));
        for (row, record) in read.records {
            self.records.push(record);
            self.origins.push((index, row));
        }
        self.receipt.extend_notes(read.notes);
        self.receipt.push_table(TableReceipt {
            at,
            kind,
            rows: n,
            encoding,
        });
        n
    }

    #[cfg(feature = "xlsx")]
    /// Notes a table without rows (an empty sheet).
    pub(crate) fn add_empty_table(&mut self, place: &Place, kind: CsvKind) -> usize {
        self.receipt.push_table(TableReceipt {
            at: place.at_table(),
            kind,
            rows: 0,
            encoding: None,
        });
        0
    }

    /// Reads every record of one CSV input of `kind` into the batch; returns how many.
    ///
    /// The input may be UTF-8 (with or without a byte-order mark), UTF-16 with a
    /// byte-order mark, or GBK (what Excel and WPS save on Chinese Windows); the receipt
    /// names the encoding found.
    ///
    /// # Errors
    ///
    /// An [`InputError`] naming `input`, the line and the column; the batch is then
    /// unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{Batch, CsvKind};
    ///
    /// let mut batch = Batch::new();
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
        let (lines, encoding) = read_lines(&input, reader)?;
        let mut it = lines.iter();
        let Some((header_line, header)) = it.next() else {
            return Err(InputError::new(
                Location::new(input),
                InputErrorKind::NoHeader(Cow::Owned(kind.expected())),
            ));
        };
        let place = Place {
            input: Arc::clone(&input),
            sheet: None,
        };
        let (cols, notes) = header_columns(kind, &place, *header_line, header, &self.options)?;
        let width = cols.width();
        let rows = it.map(|(line, fields)| {
            let cells: Vec<Value<'_>> = fields.iter().map(|f| Value::Text(f.as_str())).collect();
            if let Some(e) = long_field(&place, *line, header, &cells) {
                Err(e)
            } else if cells.len() == width {
                Ok((*line, cells))
            } else {
                Err(InputError::new(
                    Location::new(Arc::clone(&input)).line(*line),
                    InputErrorKind::FieldCount {
                        expected: width,
                        found: cells.len(),
                    },
                ))
            }
        });
        let read = read_rows(&cols, &place, &self.vocabulary, rows)?;
        self.receipt.extend_notes(notes);
        Ok(self.add_table(place, &cols, kind, read, Some(encoding)))
    }

    /// The records read so far, in input and line order.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{Batch, CsvKind};
    /// let mut batch = Batch::new();
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
    /// use fundtrack::import::Batch;
    /// assert_eq!(Batch::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// `true` with no records.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::Batch;
    /// assert!(Batch::new().is_empty());
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
    /// use fundtrack::import::{Batch, CsvKind};
    ///
    /// let mut batch = Batch::new();
    /// batch.read(CsvKind::Regions, "regions.csv", "code,name\n450500,北海市\n".as_bytes())?;
    /// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    /// assert_eq!(batch.insert_into(&mut ledger)?.inserted, 1);
    /// assert_eq!(ledger.region("450500".parse()?).unwrap().name(), "北海市");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_into(self, ledger: &mut Ledger) -> Result<Receipt, InputError> {
        let Batch {
            records,
            origins,
            tables,
            vocabulary,
            ..
        } = self;
        let before = ledger.vocabulary().clone();
        for c in vocabulary.declared() {
            if let Err(e) = ledger.declare_category(c.as_str()) {
                ledger.set_vocabulary(before);
                return Err(InputError::new(
                    Location::new("batch"),
                    InputErrorKind::Value(e),
                ));
            }
        }
        ledger.insert(records).map_err(|e| {
            ledger.set_vocabulary(before);
            let origin = e.position().checked_sub(1).and_then(|i| origins.get(i));
            let kind = InputErrorKind::Ledger {
                record: e.record().to_owned(),
                kind: e.kind().clone(),
            };
            debug_assert!(origin.is_some(), "every record of a batch has an origin");
            let at = origin
                .and_then(|(t, row)| {
                    let (place, id) = tables.get(usize::try_from(*t).ok()?)?;
                    Some(match id {
                        Some((i, name)) if place.sheet.is_some() => {
                            place.at(*row, Some(*i), Some(name))
                        }
                        _ => place.at(*row, None, None),
                    })
                })
                .unwrap_or_else(|| Location::new("batch"));
            InputError::new(at, kind)
        })
    }
}
/// Reads one CSV input of `kind` and inserts its records into `ledger` as one batch;
/// projects without a `year` are planned in the ledger's year.
///
/// It reads as a [`strict`](Batch::strict) [`Batch`] reads: a column the reader does not
/// know (a misspelt `categroy`) is an error naming the input, line 1 and the column, since
/// there is no receipt to report it in.
///
/// # Errors
///
/// As [`Batch::read`] (strict) and [`Batch::insert_into`]; nothing is inserted on error.
///
/// # Panics
///
/// Never on any input. Rows are read and parsed on the calling thread and inserted on a
/// second one (the input is not held whole); a panic there (a bug) is passed on.
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
/// let typo = "id,date,region,level,categroy,amount_wan\nA-1,2021-03-01,450500,city,industry,1\n";
/// let err = import_csv(&mut ledger, CsvKind::Allocations, "allocations.csv", typo.as_bytes()).unwrap_err();
/// assert!(err.to_string().starts_with(r#"allocations.csv line 1 column categroy: unknown column "categroy""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_csv(
    ledger: &mut Ledger,
    kind: CsvKind,
    input: &str,
    reader: impl Read,
) -> Result<Receipt, InputError> {
    // Streamed: each record goes into the ledger's columns as it is read, so the input is
    // not held whole (see `CsvStream`); the batch is still all or nothing. Two threads:
    // this one reads and parses rows, a second inserts them, in chunks.
    // Strict: there is no receipt to report an unknown column in, so it is an error.
    let batch = Batch::for_ledger(ledger).strict();
    let name: Arc<str> = Arc::from(input);
    let mut lines = match CsvStream::open(&name, reader)? {
        Start::Stream(lines) => lines,
        Start::Whole(reader) => {
            let mut batch = batch;
            batch.read(kind, input, reader)?;
            return batch.insert_into(ledger);
        }
    };
    let (header_line, header) = match lines.next() {
        Some(first) => first?,
        None => {
            return Err(InputError::new(
                Location::new(name),
                InputErrorKind::NoHeader(Cow::Owned(kind.expected())),
            ));
        }
    };
    let place = Place {
        input: Arc::clone(&name),
        sheet: None,
    };
    // What notes remain name columns the kind knows and keeps no field for (备注, 序号).
    let (cols, _unused) = header_columns(kind, &place, header_line, &header, &batch.options)
        .map_err(|e| lines.finish().unwrap_or(e))?;
    let width = cols.width();
    let mut rows = RowReader::new(&cols, &place, batch.vocabulary()).packed();
    // The next record of the input, or the first error in it (outranked as reading whole).
    let mut next_record = |lines: &mut CsvStream<_>| -> Option<Result<(u64, Packed), InputError>> {
        loop {
            // The fields are lent by the reader (no `String` per field on a line without
            // quotes) and read into a record before the next line is read.
            let read = lines.next_with(|line, fields| {
                let mut stack = [Value::Empty; 16];
                let mut owned = Vec::new();
                let cells = row_cells(fields, &mut stack, &mut owned);
                let record = if let Some(e) = long_field(&place, line, &header, cells) {
                    Err(e)
                } else if cells.len() == width {
                    rows.push_packed(line, cells)
                } else {
                    Err(InputError::new(
                        place.at(line, None, None),
                        InputErrorKind::FieldCount {
                            expected: width,
                            found: cells.len(),
                        },
                    ))
                };
                (line, record)
            });
            let (line, record) = match read? {
                Ok(l) => l,
                Err(e) => return Some(Err(e)),
            };
            match record {
                Ok(Some(r)) => return Some(Ok((line, r))),
                Ok(None) => {}
                Err(e) => return Some(Err(lines.finish().unwrap_or(e))),
            }
        }
    };
    let (inserted, runs, bad_row) = insert_streamed(ledger, || next_record(&mut lines));
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
        // A bad row further on outranks a refused record, as when every row is read first.
        Err(InsertError::Ledger(e)) => {
            let later = bad_row
                .or_else(|| std::iter::from_fn(|| next_record(&mut lines)).find_map(Result::err));
            Err(later.unwrap_or_else(|| {
                let line = e.position().checked_sub(1).and_then(|i| {
                    let run = runs.partition_point(|r| r.0 <= i).checked_sub(1)?;
                    let &(first, line) = runs.get(run)?;
                    line.checked_add((i - first) as u64)
                });
                let at = line.map_or_else(|| place.at_table(), |l| place.at(l, None, None));
                InputError::new(
                    at,
                    InputErrorKind::Ledger {
                        record: e.record().to_owned(),
                        kind: e.kind().clone(),
                    },
                )
            }))
        }
    }
}

/// A row's fields as cells: on the stack when they fit (most tables), else in `owned`.
fn row_cells<'a>(
    fields: Fields<'a>,
    stack: &'a mut [Value<'a>; 16],
    owned: &'a mut Vec<Value<'a>>,
) -> &'a [Value<'a>] {
    match fields {
        Fields::Plain(body) => {
            let mut slots = stack.iter_mut();
            let mut n = 0;
            for f in plain_fields(body) {
                n += 1;
                if let Some(slot) = slots.next() {
                    *slot = Value::Text(f);
                }
            }
            if n <= 16 {
                stack.get(..n).unwrap_or_default()
            } else {
                owned.extend(plain_fields(body).map(Value::Text));
                owned
            }
        }
        Fields::Split(fields) => {
            owned.extend(fields.iter().map(|f| Value::Text(f.as_str())));
            owned
        }
    }
}

/// The fields of a line without quotes: what lies between the commas (`str::split`).
fn plain_fields(body: &str) -> impl Iterator<Item = &str> {
    // A byte loop: the fields are short, shorter than `memchr`'s set-up pays for.
    let mut rest = Some(body);
    std::iter::from_fn(move || {
        let r = rest?;
        // A comma is one byte, so both ends are character boundaries.
        if let Some(i) = r.bytes().position(|b| b == b',') {
            rest = r.get(i + 1..);
            r.get(..i)
        } else {
            rest = None;
            Some(r)
        }
    })
}

/// The first field of a row longer than [`MAX_FIELD`], as an error naming its line and
/// column.
fn long_field(
    place: &Place,
    line: u64,
    header: &[String],
    cells: &[Value<'_>],
) -> Option<InputError> {
    let (i, text) = cells.iter().enumerate().find_map(|(i, c)| match c {
        Value::Text(t) if t.len() > MAX_FIELD => Some((i, *t)),
        _ => None,
    })?;
    Some(InputError::new(
        place.at(line, Some(i), header.get(i).map(String::as_str)),
        InputErrorKind::FieldTooLong {
            limit: MAX_FIELD,
            start: start_of(text.as_bytes()),
        },
    ))
}

/// The separator a CSV header was saved with instead of commas: a tab or a semicolon in a
/// header read as one field. The one test of both CSV readers.
pub(crate) fn other_separator<S: AsRef<str>>(header: &[S]) -> Option<char> {
    match header {
        [only] => ['\t', ';'].into_iter().find(|c| only.as_ref().contains(*c)),
        _ => None,
    }
}

/// The columns of a CSV header (and notes on it); a header that is one field holding a tab
/// or semicolon names the separator; a header of more than [`MAX_COLUMNS`] columns is an
/// error.
fn header_columns(
    kind: CsvKind,
    place: &Place,
    header_line: u64,
    header: &[String],
    options: &TableOptions,
) -> Result<(Columns, Vec<ImportNote>), InputError> {
    if let Some(sep) = other_separator(header) {
        return Err(InputError::new(
            Location::new(Arc::clone(&place.input)).line(header_line),
            InputErrorKind::NotCommaSeparated(sep),
        ));
    }
    if header.len() > MAX_COLUMNS {
        return Err(InputError::new(
            Location::new(Arc::clone(&place.input)).line(header_line),
            InputErrorKind::TooManyColumns {
                limit: MAX_COLUMNS,
                found: header.len(),
            },
        ));
    }
    let mut notes = Vec::new();
    let header: Vec<Cow<'_, str>> = header.iter().map(|h| Cow::Borrowed(h.as_str())).collect();
    let cols = Columns::new(kind, &header, place, header_line, options, &mut notes)?;
    Ok((cols, notes))
}

/// What [`insert_streamed`] did: the ledger's answer, the lines of the records as runs
/// (first record, its line) and the first row that could not be read.
type Streamed = (
    Result<Receipt, InsertError<()>>,
    Vec<(usize, u64)>,
    Option<InputError>,
);

/// Inserts the records `next` gives into `ledger` on a second thread, in chunks; returns
/// the ledger's answer, the lines of the records as runs (first record, its line) and the
/// first row that could not be read (the inserter, told only that there was one, took
/// the batch back out).
fn insert_streamed(
    ledger: &mut Ledger,
    mut next: impl FnMut() -> Option<Result<(u64, Packed), InputError>>,
) -> Streamed {
    let mut runs: Vec<(usize, u64)> = Vec::new();
    let mut bad_row: Option<InputError> = None;
    let inserted = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<Packed, ()>>>(4);
        // Chunks come back empty, to be filled again: their memory is reused, not
        // allocated (and first touched) per chunk.
        let (back, empty) = std::sync::mpsc::sync_channel(8);
        let inserter = scope.spawn(move || {
            ledger.try_insert(Chunks {
                rx,
                back,
                chunk: VecDeque::new(),
            })
        });
        let fresh = || {
            empty
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(CHUNK))
        };
        let mut chunk = fresh();
        let mut n = 0usize;
        while let Some(row) = next() {
            match row {
                Ok((line, record)) => {
                    let follows = runs
                        .last()
                        .is_some_and(|&(i, l)| l.checked_add((n - i) as u64) == Some(line));
                    if !follows {
                        runs.push((n, line));
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
                let full = std::mem::replace(&mut chunk, fresh());
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
    (inserted, runs, bad_row)
}

/// Rows passed at a time from the reading thread of [`import_csv`] to the inserting one.
const CHUNK: usize = 4096;

/// The rows of the chunks received, each chunk sent back empty once taken.
struct Chunks<T> {
    rx: Receiver<Vec<T>>,
    back: SyncSender<Vec<T>>,
    chunk: VecDeque<T>,
}

impl<T> Iterator for Chunks<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(row) = self.chunk.pop_front() {
                return Some(row);
            }
            if self.chunk.capacity() > 0 {
                // Full or closed: the reader has chunks enough, or stopped.
                self.back
                    .try_send(Vec::from(std::mem::take(&mut self.chunk)))
                    .ok();
            }
            self.chunk = VecDeque::from(self.rx.recv().ok()?);
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.chunk.len(), None)
    }
}
