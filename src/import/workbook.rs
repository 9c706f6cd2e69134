//! The county workbook (资金台账, `.xlsx`) → one all-or-nothing batch (SPEC §10).
//!
//! `calamine` reads the file format; this module decides what the cells mean: which
//! sheet is which, where the header is, what a title, blank or total row is, and how a
//! double becomes an exact amount.

use std::borrow::Cow;
use std::io::{Read, Seek};
use std::sync::Arc;

use calamine::{Data, Dimensions, Range, Reader, SheetVisible, Xlsx};
use chrono::NaiveDate;

use super::batch::Batch;
use super::columns::{CsvKind, normalize};
use super::error::{InputError, InputErrorKind, Location};
use super::receipt::{ImportNote, ImportReceipt, NoteKind};
use super::table::{Columns, Place, cell_ref, read_rows};
use super::value::{self, Value};

/// The sheet names of the vocabulary sheet (资金类别表): one column of category labels.
const VOCABULARY_SHEETS: &[&str] = &["资金类别", "类别", "资金类别表"];
/// The header of the vocabulary sheet's column.
const VOCABULARY_HEADERS: &[&str] = &["资金类别", "类别名称", "类别"];

/// What a sheet of the workbook holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SheetRole {
    Records(CsvKind),
    Vocabulary,
}

impl SheetRole {
    fn of(name: &str) -> Option<SheetRole> {
        if let Some(k) = CsvKind::by_sheet(name) {
            return Some(SheetRole::Records(k));
        }
        let n = normalize(name);
        VOCABULARY_SHEETS
            .contains(&n.as_ref())
            .then_some(SheetRole::Vocabulary)
    }

    fn what(self) -> &'static str {
        match self {
            SheetRole::Records(CsvKind::Regions) => "regions",
            SheetRole::Records(CsvKind::Allocations) => "allocations",
            SheetRole::Records(CsvKind::Projects) => "projects",
            SheetRole::Records(CsvKind::Expenditures) => "expenditures",
            SheetRole::Records(CsvKind::Adjustments) => "adjustments",
            SheetRole::Vocabulary => "categories",
        }
    }
}

impl Batch {
    /// Reads a county workbook (`.xlsx`) into the batch, whole or not at all: sheets by the
    /// Chinese names of SPEC §10 (地区, 资金下达, 项目库, 资金支出, 资金调整, and 资金类别 for a
    /// locality's own categories), columns by their Chinese headers in any order, units
    /// from the headers. Returns the number of records read.
    ///
    /// - A title line above the header (one cell, often merged) is skipped and noted;
    ///   merged cells inside the header row are an error.
    /// - Numeric cells are read as Excel shows them (the double rounded to 15 significant
    ///   digits) and then checked against the column's unit; a formula counts by its
    ///   cached value; error values (`#REF!`) and formulas without a cached value are
    ///   errors.
    /// - Dates: date cells, or text `2021-09-30`, `2021/9/30`, `2021.9.30`, `2021年9月30日`.
    /// - Blank rows are skipped; a total row (合计) at the end is not counted, and its
    ///   amount must equal the sum of the rows above it.
    /// - A hidden sheet with a known name is an error (its rows would count unseen);
    ///   sheets with other names are listed in the receipt.
    ///
    /// # Errors
    ///
    /// An [`InputError`] naming the sheet and cell (`资金支出!G17`), the value and the
    /// rule; [`InputError::zh`] says it in Chinese. The batch is then unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::Batch;
    /// use fundtrack::format::county_workbook;
    /// use fundtrack::{FiscalYear, Ledger};
    ///
    /// // A blank county workbook (the template), read back: no records, four sheets.
    /// let bytes = county_workbook(&Ledger::new(FiscalYear::new(2025)?))?;
    /// let mut batch = Batch::for_year(FiscalYear::new(2025)?);
    /// assert_eq!(batch.read_workbook("县台账.xlsx", std::io::Cursor::new(bytes))?, 0);
    /// assert_eq!(batch.receipt().tables().len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_workbook(
        &mut self,
        input: &str,
        reader: impl Read + Seek,
    ) -> Result<usize, InputError> {
        let input: Arc<str> = Arc::from(input);
        let at = || Location::new(Arc::clone(&input));
        let mut book: Xlsx<_> = Xlsx::new(reader)
            .map_err(|e| InputError::new(at(), InputErrorKind::NotAWorkbook(e.to_string())))?;
        let mut receipt = ImportReceipt::default();
        let mut roles: Vec<(SheetRole, String)> = Vec::new();
        for sheet in book.sheets_metadata().to_vec() {
            let Some(role) = SheetRole::of(&sheet.name) else {
                receipt.extend_notes([ImportNote::new(
                    at().sheet(sheet.name.as_str()),
                    NoteKind::UnknownSheet(sheet.name.clone()),
                )]);
                continue;
            };
            if sheet.visible != SheetVisible::Visible {
                return Err(InputError::new(
                    at().sheet(sheet.name.as_str()),
                    InputErrorKind::HiddenSheet(sheet.name),
                ));
            }
            if let Some((_, earlier)) = roles.iter().find(|(r, _)| *r == role) {
                return Err(InputError::new(
                    at().sheet(sheet.name.as_str()),
                    InputErrorKind::SheetTwice {
                        sheet: sheet.name.clone(),
                        earlier: earlier.clone(),
                        what: role.what(),
                    },
                ));
            }
            roles.push((role, sheet.name));
        }
        if roles.is_empty() {
            let found: Vec<String> = book.sheet_names();
            return Err(InputError::new(
                at(),
                InputErrorKind::NoKnownSheet(found.join(", ")),
            ));
        }
        // Work on a copy, so that the batch is unchanged on error.
        let mut work = Batch::like(self);
        if let Some((_, name)) = roles.iter().find(|(r, _)| *r == SheetRole::Vocabulary) {
            let notes = read_vocabulary(&mut book, &input, name, &mut work)?;
            receipt.extend_notes(notes);
        }
        let mut n = 0;
        for kind in CsvKind::ALL {
            let Some((_, name)) = roles.iter().find(|(r, _)| *r == SheetRole::Records(kind)) else {
                continue;
            };
            n += read_sheet(&mut book, &input, name, kind, &mut work, &mut receipt)?;
        }
        self.absorb(work, receipt);
        Ok(n)
    }
}

/// The cells of a sheet and the merged ranges, with absolute positions.
struct Sheet {
    place: Place,
    range: Range<Data>,
    merged: Vec<Dimensions>,
}

impl Sheet {
    fn load<RS: Read + Seek>(
        book: &mut Xlsx<RS>,
        input: &Arc<str>,
        name: &str,
    ) -> Result<Sheet, InputError> {
        let place = Place {
            input: Arc::clone(input),
            sheet: Some(Arc::from(name)),
        };
        let broken = |e: calamine::XlsxError| {
            InputError::new(
                place.at_table(),
                InputErrorKind::NotAWorkbook(e.to_string()),
            )
        };
        let range = book.worksheet_range(name).map_err(broken)?;
        let merged = match book.worksheet_merge_cells(name) {
            Some(m) => m.map_err(broken)?,
            None => Vec::new(),
        };
        Ok(Sheet {
            place,
            range,
            merged,
        })
    }

    /// The absolute rows of the used range (0-based), and its first and last column.
    fn bounds(&self) -> Option<((u32, u32), (u32, u32))> {
        Some((self.range.start()?, self.range.end()?))
    }

    fn value(&self, row: u32, col: u32) -> Value<'_> {
        match self.range.get_value((row, col)) {
            None | Some(Data::Empty) => Value::Empty,
            Some(Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s)) => Value::Text(s),
            Some(Data::Float(f)) => Value::Number(*f),
            #[expect(
                clippy::cast_precision_loss,
                reason = "a cell's integer as Excel holds it, a double"
            )]
            Some(Data::Int(i)) => Value::Number(*i as f64),
            Some(Data::Bool(b)) => Value::Bool(*b),
            Some(Data::Error(e)) => Value::Error(error_text(e)),
            Some(Data::DateTime(dt)) => {
                let (y, m, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
                match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                    Some(date) if (h, mi, s, ms) == (0, 0, 0, 0) => Value::Date(date),
                    Some(date) => Value::DateTime(date),
                    None => Value::Error("#DATE!"),
                }
            }
        }
    }

    /// The cells of one row from `first` to `last` column.
    fn row(&self, row: u32, first: u32, last: u32) -> Vec<Value<'_>> {
        (first..=last).map(|c| self.value(row, c)).collect()
    }

    /// The merged range that covers more than one cell of `row`, if any.
    fn merged_in_row(&self, row: u32) -> Option<&Dimensions> {
        self.merged
            .iter()
            .find(|d| d.start.0 <= row && row <= d.end.0 && d.start != d.end)
    }
}

fn error_text(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType as E;
    match e {
        E::Div0 => "#DIV/0!",
        E::NA => "#N/A",
        E::Name => "#NAME?",
        E::Null => "#NULL!",
        E::Num => "#NUM!",
        E::Ref => "#REF!",
        E::Value => "#VALUE!",
        E::GettingData => "#GETTING_DATA",
    }
}

fn range_ref(d: &Dimensions) -> String {
    format!(
        "{}:{}",
        cell_ref(u64::from(d.start.0) + 1, d.start.1 as usize),
        cell_ref(u64::from(d.end.0) + 1, d.end.1 as usize)
    )
}

/// Finds the header row: rows with at most one filled cell above it are titles (noted);
/// merged cells inside it are an error. Returns the header's absolute row.
fn header_row(sheet: &Sheet, notes: &mut Vec<ImportNote>) -> Result<Option<u32>, InputError> {
    let Some(((r0, c0), (r1, c1))) = sheet.bounds() else {
        return Ok(None);
    };
    for r in r0..=r1 {
        let cells = sheet.row(r, c0, c1);
        let filled: Vec<&Value<'_>> = cells.iter().filter(|v| !v.is_blank()).collect();
        match filled.as_slice() {
            [] => {}
            [title] => notes.push(ImportNote::new(
                sheet.place.at(u64::from(r) + 1, None, None),
                NoteKind::TitleRow(title.shown().into_owned()),
            )),
            _ => {
                if let Some(m) = sheet.merged_in_row(r) {
                    return Err(InputError::new(
                        sheet
                            .place
                            .at(u64::from(m.start.0) + 1, Some(m.start.1 as usize), None),
                        InputErrorKind::MergedHeader(range_ref(m)),
                    ));
                }
                return Ok(Some(r));
            }
        }
    }
    Ok(None)
}

/// Reads one sheet of records into `work`.
fn read_sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    input: &Arc<str>,
    name: &str,
    kind: CsvKind,
    work: &mut Batch,
    receipt: &mut ImportReceipt,
) -> Result<usize, InputError> {
    let sheet = Sheet::load(book, input, name)?;
    let mut notes = Vec::new();
    let Some(((_, c0), (r1, c1))) = sheet.bounds() else {
        receipt.extend_notes(notes);
        return Ok(work.add_empty_table(&sheet.place, kind));
    };
    let Some(h) = header_row(&sheet, &mut notes)? else {
        return Err(InputError::new(
            sheet.place.at_table(),
            InputErrorKind::EmptySheet,
        ));
    };
    // Columns are counted from A, so that a cell's letter is its own.
    let header: Vec<Cow<'_, str>> = (0..=c1)
        .map(|c| {
            if c < c0 {
                Cow::Borrowed("")
            } else {
                Cow::Owned(sheet.value(h, c).shown().into_owned())
            }
        })
        .collect();
    let cols = Columns::new(
        kind,
        &header,
        &sheet.place,
        u64::from(h) + 1,
        work.options(),
        &mut notes,
    )?;
    // A formula without a cached value reads as an empty cell; look for formulas only when
    // an empty cell could be one.
    let formulas = if has_empty_cells(&sheet, h + 1, r1, c0, c1) {
        book.worksheet_formula(name).ok()
    } else {
        None
    };
    let place = sheet.place.clone();
    let sheet = &sheet;
    let formulas = formulas.as_ref();
    let rows = (h + 1..=r1).map(|r| {
        let cells = (0..=c1)
            .map(|c| match sheet.value(r, c) {
                Value::Empty if is_formula(formulas, r, c) => Value::Uncached,
                v => v,
            })
            .collect();
        Ok((u64::from(r) + 1, cells))
    });
    let read = read_rows(&cols, &place, work.vocabulary(), rows)?;
    receipt.extend_notes(notes);
    Ok(work.add_table(place, &cols, kind, read, None))
}

fn has_empty_cells(sheet: &Sheet, r0: u32, r1: u32, c0: u32, c1: u32) -> bool {
    (r0..=r1).any(|r| (c0..=c1).any(|c| matches!(sheet.value(r, c), Value::Empty)))
}

fn is_formula(formulas: Option<&Range<String>>, row: u32, col: u32) -> bool {
    formulas
        .and_then(|f| f.get_value((row, col)))
        .is_some_and(|f| !f.is_empty())
}

/// Reads the vocabulary sheet: one column of category labels under a header 资金类别; the
/// labels that are not built in are declared.
fn read_vocabulary<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    input: &Arc<str>,
    name: &str,
    work: &mut Batch,
) -> Result<Vec<ImportNote>, InputError> {
    let sheet = Sheet::load(book, input, name)?;
    let mut notes = Vec::new();
    let Some(((r0, c0), (r1, c1))) = sheet.bounds() else {
        return Ok(notes);
    };
    // The header is the first cell that names the column; one column needs no title logic.
    let header = (r0..=r1).find_map(|r| {
        (c0..=c1)
            .find(|&c| {
                let t = sheet.value(r, c).shown().into_owned();
                VOCABULARY_HEADERS.contains(&normalize(&t).as_ref())
            })
            .map(|c| (r, c))
    });
    let Some((h, col)) = header else {
        return Err(InputError::new(
            sheet.place.at_table(),
            InputErrorKind::MissingColumn {
                column: Cow::Borrowed("资金类别"),
                expected: Cow::Borrowed("资金类别 (one label per row)"),
            },
        ));
    };
    for r in h + 1..=r1 {
        let v = sheet.value(r, col);
        if v.is_blank() {
            continue;
        }
        let at = sheet
            .place
            .at(u64::from(r) + 1, Some(col as usize), Some("资金类别"));
        let label = value::text("category", &v)
            .map_err(|e| InputError::new(at.clone(), InputErrorKind::Value(e)))?;
        if work.vocabulary().parse(&label).is_ok() {
            continue;
        }
        work.vocabulary_mut()
            .declare(&label)
            .map_err(|e| InputError::new(at.clone(), InputErrorKind::Value(e)))?;
        notes.push(ImportNote::new(at, NoteKind::Declared(label.into_owned())));
    }
    Ok(notes)
}
