//! Tables → records → one all-or-nothing ledger batch.

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

use super::columns::CsvKind;
use super::csv::read_lines;
use super::error::{InputError, InputErrorKind, Location};
use super::receipt::{ImportReceipt, TableReceipt};
use super::table::{Columns, Place, TableOptions, TableRead, read_rows};
use super::value::Value;
use crate::dim::{Category, FiscalYear, Vocabulary};
use crate::error::ParseError;
use crate::ledger::{Ledger, Receipt};
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
        if let [only] = header.as_slice() {
            if let Some(sep) = ['\t', ';'].into_iter().find(|c| only.contains(*c)) {
                return Err(InputError::new(
                    Location::new(input).line(*header_line),
                    InputErrorKind::NotCommaSeparated(sep),
                ));
            }
        }
        let place = Place {
            input: Arc::clone(&input),
            sheet: None,
        };
        let mut notes = Vec::new();
        let header: Vec<Cow<'_, str>> = header.iter().map(|h| Cow::Borrowed(h.as_str())).collect();
        let cols = Columns::new(
            kind,
            &header,
            &place,
            *header_line,
            &self.options,
            &mut notes,
        )?;
        let width = cols.width();
        let rows = it.map(|(line, fields)| {
            if fields.len() == width {
                Ok((
                    *line,
                    fields.iter().map(|f| Value::Text(f.as_str())).collect(),
                ))
            } else {
                Err(InputError::new(
                    Location::new(Arc::clone(&input)).line(*line),
                    InputErrorKind::FieldCount {
                        expected: width,
                        found: fields.len(),
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
/// # Errors
///
/// As [`Batch::read`] and [`Batch::insert_into`]; nothing is inserted on error.
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
    let mut batch = Batch::for_ledger(ledger);
    batch.read(kind, input, reader)?;
    batch.insert_into(ledger)
}
