//! What an import read, and what it did not use (导入回执).

use std::fmt;

use super::columns::CsvKind;
use super::error::Location;
use crate::money::Money;

/// What a [`Batch`](super::Batch) read: rows per table, the encoding of each text input,
/// and every note about what was not used — so nothing a user gave disappears unseen.
///
/// # Example
///
/// ```
/// use fundtrack::import::{Batch, CsvKind};
///
/// let mut batch = Batch::new();
/// batch.read(CsvKind::Regions, "地区.csv", "地区代码,地区名称,负责人\n450521,合浦县,张三\n".as_bytes())?;
/// let receipt = batch.receipt();
/// assert_eq!(receipt.tables()[0].rows(), 1);
/// assert_eq!(receipt.tables()[0].encoding(), Some("UTF-8"));
/// assert_eq!(receipt.notes()[0].to_string(), r#"地区.csv line 1 column 负责人: unknown column "负责人", not read"#);
/// # Ok::<(), fundtrack::import::InputError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReceipt {
    tables: Vec<TableReceipt>,
    notes: Vec<ImportNote>,
}

impl ImportReceipt {
    /// One entry per table read (a CSV input or a workbook sheet), in reading order.
    pub fn tables(&self) -> &[TableReceipt] {
        &self.tables
    }

    /// What was read but not used, and what was skipped, in reading order.
    pub fn notes(&self) -> &[ImportNote] {
        &self.notes
    }

    /// The rows read into records, over all tables.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::Batch;
    /// assert_eq!(Batch::new().receipt().rows(), 0);
    /// ```
    pub fn rows(&self) -> usize {
        self.tables.iter().map(TableReceipt::rows).sum()
    }

    pub(crate) fn push_table(&mut self, table: TableReceipt) {
        self.tables.push(table);
    }

    pub(crate) fn extend_notes(&mut self, notes: impl IntoIterator<Item = ImportNote>) {
        self.notes.extend(notes);
    }

    #[cfg(feature = "xlsx")]
    pub(crate) fn append(&mut self, other: ImportReceipt) {
        self.tables.extend(other.tables);
        self.notes.extend(other.notes);
    }
}

/// One table read: where it was, which kind, how many rows became records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableReceipt {
    pub(crate) at: Location,
    pub(crate) kind: CsvKind,
    pub(crate) rows: usize,
    pub(crate) encoding: Option<&'static str>,
}

impl TableReceipt {
    /// The input (and sheet) read.
    pub fn location(&self) -> &Location {
        &self.at
    }

    /// The kind of records it held.
    pub fn kind(&self) -> CsvKind {
        self.kind
    }

    /// Rows read into records (blank, title and total rows not counted).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The text encoding of a CSV input (`UTF-8`, `UTF-8 with BOM`, `GBK`, `UTF-16LE`,
    /// `UTF-16BE`); `None` for a workbook sheet.
    pub fn encoding(&self) -> Option<&'static str> {
        self.encoding
    }
}

/// A note in an [`ImportReceipt`]: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportNote {
    at: Location,
    kind: NoteKind,
}

impl ImportNote {
    pub(crate) fn new(at: Location, kind: NoteKind) -> ImportNote {
        ImportNote { at, kind }
    }

    /// Where.
    pub fn location(&self) -> &Location {
        &self.at
    }

    /// What.
    pub fn kind(&self) -> &NoteKind {
        &self.kind
    }

    /// The note in Chinese, for people.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::{Batch, CsvKind};
    /// let mut batch = Batch::new();
    /// batch.read(CsvKind::Regions, "地区.csv", "地区代码,备注\n450521,\n".as_bytes())?;
    /// assert_eq!(batch.receipt().notes()[0].zh().to_string(), "地区.csv 第1行 “备注”列：已读取，但记录中没有对应字段，未使用");
    /// # Ok::<(), fundtrack::import::InputError>(())
    /// ```
    pub fn zh(&self) -> impl fmt::Display + '_ {
        super::zh::NoteZh(self)
    }
}

impl fmt::Display for ImportNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.kind)
    }
}

/// What an [`ImportNote`] says.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoteKind {
    /// A column the reader does not know, not read (an error in strict mode).
    UnknownColumn(String),
    /// A column the reader knows but the record has no field for (备注, 摘要, 实施单位).
    UnusedColumn(String),
    /// A sheet whose name is not one the reader knows, not read.
    UnknownSheet(String),
    /// Blank rows, skipped.
    BlankRows(usize),
    /// A title line above the header, skipped.
    TitleRow(String),
    /// A total row (合计, 总计, 小计) at the end of a table, not counted; its amount, when it
    /// had one, equals the sum of the rows above.
    TotalRow {
        /// The label (合计).
        label: String,
        /// The total it printed, checked.
        checked: Option<Money>,
    },
    /// A locality's own category, declared by the workbook's 资金类别 sheet.
    Declared(String),
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteKind::UnknownColumn(c) => write!(f, "unknown column {c:?}, not read"),
            NoteKind::UnusedColumn(c) => {
                write!(
                    f,
                    "column {c:?} read, but records have no field for it; not used"
                )
            }
            NoteKind::UnknownSheet(s) => {
                write!(f, "sheet {s:?} is not one the reader knows; not read")
            }
            NoteKind::BlankRows(n) => write!(f, "{n} blank row(s) skipped"),
            NoteKind::TitleRow(t) => write!(f, "title {t:?} above the header skipped"),
            NoteKind::TotalRow {
                label,
                checked: Some(m),
            } => write!(
                f,
                "total row {label:?} not counted; its amount {m} equals the sum of the rows"
            ),
            NoteKind::TotalRow {
                label,
                checked: None,
            } => write!(f, "total row {label:?} not counted"),
            NoteKind::Declared(c) => write!(f, "category {c:?} declared"),
        }
    }
}
