//! The county workbook (资金台账, `.xlsx`) → one all-or-nothing batch (SPEC §10).
//!
//! `calamine` reads the file format; this module decides what the cells mean: which
//! sheet is which, where the header is, what a title, blank or total row is, and how a
//! double becomes an exact amount.

use std::borrow::Cow;
use std::io::{Read, Seek};
use std::sync::Arc;

use calamine::{DataRef, Range, Reader, ReaderRef, SheetVisible, Xlsx};
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

/// The cells of a sheet and the merged ranges, with absolute positions. Shared strings
/// are borrowed from the workbook, not copied per cell.
///
/// Merged ranges are not read: finding them takes a pass over the whole sheet's XML.
/// A merged header shows as a column with data but no header, which is refused.
struct Sheet<'a> {
    place: Place,
    range: Range<DataRef<'a>>,
}

fn place_of(input: &Arc<str>, name: &str) -> Place {
    Place {
        input: Arc::clone(input),
        sheet: Some(Arc::from(name)),
    }
}

fn broken(place: &Place, e: &calamine::XlsxError) -> InputError {
    InputError::new(
        place.at_table(),
        InputErrorKind::NotAWorkbook(e.to_string()),
    )
}

impl<'a> Sheet<'a> {
    /// The cells of sheet `name`, shared strings borrowed from `book`.
    fn load<RS: Read + Seek>(
        book: &'a mut Xlsx<RS>,
        name: &str,
        place: &Place,
    ) -> Result<Sheet<'a>, InputError> {
        let range = book
            .worksheet_range_ref(name)
            .map_err(|e| broken(place, &e))?;
        Ok(Sheet {
            place: place.clone(),
            range,
        })
    }

    /// The absolute rows of the used range (0-based), and its first and last column.
    fn bounds(&self) -> Option<((u32, u32), (u32, u32))> {
        Some((self.range.start()?, self.range.end()?))
    }

    fn value(&self, row: u32, col: u32) -> Value<'_> {
        match self.range.get_value((row, col)) {
            None | Some(DataRef::Empty) => Value::Empty,
            Some(DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s)) => {
                Value::Text(s)
            }
            Some(DataRef::SharedString(s)) => Value::Text(s),
            Some(DataRef::Float(f)) => Value::Number(*f),
            #[expect(
                clippy::cast_precision_loss,
                reason = "a cell's integer as Excel holds it, a double"
            )]
            Some(DataRef::Int(i)) => Value::Number(*i as f64),
            Some(DataRef::Bool(b)) => Value::Bool(*b),
            Some(DataRef::Error(e)) => Value::Error(error_text(e)),
            Some(DataRef::DateTime(dt)) => {
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

/// Finds the header row: rows with at most one filled cell above it are titles (noted).
/// Returns the header's absolute row.
fn header_row(sheet: &Sheet<'_>, notes: &mut Vec<ImportNote>) -> Option<u32> {
    let ((r0, c0), (r1, c1)) = sheet.bounds()?;
    for r in r0..=r1 {
        let cells = sheet.row(r, c0, c1);
        let filled: Vec<&Value<'_>> = cells.iter().filter(|v| !v.is_blank()).collect();
        match filled.as_slice() {
            [] => {}
            [title] => notes.push(ImportNote::new(
                sheet.place.at(u64::from(r) + 1, None, None),
                NoteKind::TitleRow(title.shown().into_owned()),
            )),
            _ => return Some(r),
        }
    }
    None
}

/// Reads one sheet of records into `work`.
///
/// A formula without a cached value reads as an empty cell, and only a second pass over
/// the sheet's XML tells formulas apart; that pass is made only when a column the records
/// use has an empty cell.
fn read_sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    input: &Arc<str>,
    name: &str,
    kind: CsvKind,
    work: &mut Batch,
    receipt: &mut ImportReceipt,
) -> Result<usize, InputError> {
    let place = place_of(input, name);
    let sheet = Sheet::load(book, name, &place)?;
    let Some(parsed) = parse_sheet(&sheet, kind, work, None)? else {
        receipt.extend_notes(header_notes(&sheet));
        return Ok(work.add_empty_table(&place, kind));
    };
    let (cols, read, notes) = match parsed {
        Parsed::Done(cols, read, notes) => (cols, read, notes),
        Parsed::NeedsFormulas => {
            drop(sheet);
            let formulas = book
                .worksheet_formula(name)
                .map_err(|e| broken(&place, &e))?;
            let sheet = Sheet::load(book, name, &place)?;
            match parse_sheet(&sheet, kind, work, Some(&formulas))? {
                Some(Parsed::Done(cols, read, notes)) => (cols, read, notes),
                Some(Parsed::NeedsFormulas) | None => {
                    return Err(InputError::new(
                        place.at_table(),
                        InputErrorKind::NotAWorkbook(
                            "the sheet changed between two reads".to_owned(),
                        ),
                    ));
                }
            }
        }
    };
    receipt.extend_notes(notes);
    Ok(work.add_table(place, &cols, kind, read, None))
}

/// The notes about a sheet without rows (titles only).
fn header_notes(sheet: &Sheet<'_>) -> Vec<ImportNote> {
    let mut notes = Vec::new();
    header_row(sheet, &mut notes);
    notes
}

/// What reading a sheet's rows gave.
enum Parsed {
    Done(Columns, super::table::TableRead, Vec<ImportNote>),
    /// A used column has an empty cell, which may be a formula without a cached value.
    NeedsFormulas,
}

/// The header and rows of a sheet; `None` for a sheet without cells.
fn parse_sheet(
    sheet: &Sheet<'_>,
    kind: CsvKind,
    work: &Batch,
    formulas: Option<&Range<String>>,
) -> Result<Option<Parsed>, InputError> {
    let mut notes = Vec::new();
    let Some(((_, c0), (r1, c1))) = sheet.bounds() else {
        return Ok(None);
    };
    let Some(h) = header_row(sheet, &mut notes) else {
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
    // A column with data but no header (a merged header cell spans it) would be dropped.
    for c in c0..=c1 {
        if !header.get(c as usize).is_some_and(|h| h.trim().is_empty()) {
            continue;
        }
        if let Some(r) = (h + 1..=r1).find(|&r| !sheet.value(r, c).is_blank()) {
            let letters = cell_ref(1, c as usize).trim_end_matches('1').to_owned();
            return Err(InputError::new(
                sheet.place.at(u64::from(r) + 1, Some(c as usize), None),
                InputErrorKind::HeaderlessColumn(letters),
            ));
        }
    }
    let cols = Columns::new(
        kind,
        &header,
        &sheet.place,
        u64::from(h) + 1,
        work.options(),
        &mut notes,
    )?;
    if formulas.is_none() {
        let used: Vec<u32> = (0..=c1).filter(|&c| cols.is_used(c as usize)).collect();
        let empty = (h + 1..=r1).any(|r| {
            let row: Vec<Value<'_>> = used.iter().map(|&c| sheet.value(r, c)).collect();
            // A blank row is skipped, not read: only a gap in a row with data matters.
            !row.iter().all(Value::is_blank) && row.iter().any(|v| matches!(v, Value::Empty))
        });
        if empty {
            return Ok(Some(Parsed::NeedsFormulas));
        }
    }
    let rows = (h + 1..=r1).map(|r| {
        let cells = (0..=c1)
            .map(|c| match sheet.value(r, c) {
                Value::Empty if is_formula(formulas, r, c) => Value::Uncached,
                v => v,
            })
            .collect();
        Ok((u64::from(r) + 1, cells))
    });
    let read = read_rows(&cols, &sheet.place, work.vocabulary(), rows)?;
    Ok(Some(Parsed::Done(cols, read, notes)))
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
    let sheet = Sheet::load(book, name, &place_of(input, name))?;
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
