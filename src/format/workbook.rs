//! The county workbook (资金台账) written out: the template a county fills in, with
//! drop-down lists so that typos are stopped where they are typed, and the ledger's
//! records in it when there are any. [`Batch::read_workbook`](crate::import::Batch::read_workbook)
//! reads it back.

use rust_xlsxwriter::{
    DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};

use super::table::display_width;
use super::xlsx::{WorkbookError, cell_double};
use crate::dim::{FundLevel, ProjectStage};
use crate::import::CsvKind;
use crate::ledger::Ledger;
use crate::money::Money;
use crate::record::{AdjustmentKind, Bucket};

/// Rows of a sheet that get drop-down lists (the header, then this many rows, or as many
/// as there are records and 1,000 more).
const LIST_ROWS: u32 = 5_000;

/// The sheet that lists the categories (资金类别表).
const VOCABULARY_SHEET: &str = "资金类别";

/// The county workbook of SPEC §10 as `.xlsx` bytes: sheets 地区, 资金下达, 项目库, 资金支出,
/// 资金调整 with their Chinese headers, and 资金类别 listing the categories (the built-ins and
/// those declared on the ledger; a county adds its own there). Each sheet holds the
/// ledger's records — none for a new ledger, which makes the blank template.
///
/// 资金级次, 资金类别, 项目状态 and 调整类型 cells have drop-down lists (data validation that
/// refuses other text); the header is frozen; dates are date cells; amounts are numbers
/// in 元. An amount with more than 15 significant digits (10 万亿元 and up) is written as
/// text, because a double cannot hold it to the 分.
///
/// # Errors
///
/// [`WorkbookError`] when the writer refuses a value (a sheet over Excel's size limits).
///
/// # Example
///
/// ```
/// use fundtrack::format::county_workbook;
/// use fundtrack::{FiscalYear, Ledger};
///
/// let bytes = county_workbook(&Ledger::new(FiscalYear::new(2025)?))?;
/// assert_eq!(&bytes[..2], b"PK"); // a zip archive, as every .xlsx is
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn county_workbook(ledger: &Ledger) -> Result<Vec<u8>, WorkbookError> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    for kind in [
        CsvKind::Regions,
        CsvKind::Allocations,
        CsvKind::Projects,
        CsvKind::Expenditures,
        CsvKind::Adjustments,
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(kind.sheet_name())?;
        let rows = write_records(sheet, ledger, kind, &styles)?;
        let headers = kind.chinese_columns();
        write_header(sheet, &headers, &styles)?;
        add_lists(sheet, &headers, rows.max(LIST_ROWS))?;
    }
    let vocabulary = book.add_worksheet();
    vocabulary.set_name(VOCABULARY_SHEET)?;
    write_header(vocabulary, &["资金类别"], &styles)?;
    for (row, label) in (1u32..).zip(ledger.vocabulary().labels()) {
        vocabulary.write_string(row, 0, label)?;
    }
    vocabulary.set_column_width(0, 24)?;
    Ok(book.save_to_buffer()?)
}

struct Styles {
    header: Format,
    date: Format,
    amount: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_border(FormatBorder::Thin)
                .set_background_color(0x00DD_EBF7),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            amount: Format::new().set_num_format("#,##0.00"),
        }
    }
}

/// The header row, frozen, with columns as wide as their headers (CJK counted double).
fn write_header(sheet: &mut Worksheet, headers: &[&str], styles: &Styles) -> Result<(), XlsxError> {
    for (col, h) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, *h, &styles.header)?;
        let width = u32::try_from(display_width(h)).unwrap_or(40).clamp(10, 40) + 2;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Drop-down lists on the columns that take a closed vocabulary.
fn add_lists(sheet: &mut Worksheet, headers: &[&str], rows: u32) -> Result<(), XlsxError> {
    let levels: Vec<&str> = [
        FundLevel::Central,
        FundLevel::Provincial,
        FundLevel::City,
        FundLevel::County,
    ]
    .iter()
    .map(|l| l.as_str())
    .collect();
    let stages: Vec<&str> = ProjectStage::ALL.iter().map(|s| s.as_str()).collect();
    for (col, h) in (0u16..).zip(headers) {
        let list = if h.ends_with("资金级次") {
            DataValidation::new().allow_list_strings(&levels)?
        } else if h.ends_with("资金类别") {
            DataValidation::new()
                .allow_list_formula(Formula::new(format!("={VOCABULARY_SHEET}!$A$2:$A$200")))
        } else if *h == "项目状态" {
            DataValidation::new().allow_list_strings(&stages)?
        } else if *h == "调整类型" {
            DataValidation::new().allow_list_strings(&["收回", "调整", "结转"])?
        } else {
            continue;
        };
        let list = list
            .set_error_title("不在可选范围内")?
            .set_error_message(format!("请从下拉列表中选择{h}。"))?;
        sheet.add_data_validation(1, col, rows, col, &list)?;
    }
    Ok(())
}

/// One row's cells, in the order of `kind.chinese_columns()`.
enum Cell {
    Text(String),
    Date(chrono::NaiveDate),
    Amount(Money),
    Whole(i64),
    Blank,
}

fn text<T: ToString + ?Sized>(s: &T) -> Cell {
    Cell::Text(s.to_string())
}

fn bucket_cells(b: Option<&Bucket>) -> [Cell; 3] {
    match b {
        Some(b) => [
            text(&b.region()),
            text(b.level().as_str()),
            b.category()
                .map_or(Cell::Text("未分配".to_owned()), |c| text(c.as_str())),
        ],
        None => [Cell::Blank, Cell::Blank, Cell::Blank],
    }
}

/// Writes the ledger's records of `kind` under the header; returns the rows written.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per record kind, each a list of cells"
)]
fn write_records(
    sheet: &mut Worksheet,
    ledger: &Ledger,
    kind: CsvKind,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let rows: Vec<Vec<Cell>> = match kind {
        CsvKind::Regions => ledger
            .regions()
            .map(|r| {
                let level = r.code().level().as_str();
                let parent = r.code().parent().map_or(Cell::Blank, |p| text(&p));
                vec![
                    text(&r.code()),
                    text(r.name()),
                    text(level),
                    parent,
                    Cell::Blank,
                ]
            })
            .collect(),
        CsvKind::Allocations => ledger
            .allocations()
            .iter()
            .map(|a| {
                vec![
                    text(a.id()),
                    Cell::Date(a.date()),
                    text(&a.region()),
                    text(a.level().as_str()),
                    a.category().map_or(Cell::Blank, |c| text(c.as_str())),
                    a.doc_no().map_or(Cell::Blank, text),
                    a.batch().map_or(Cell::Blank, |b| Cell::Whole(i64::from(b))),
                    Cell::Amount(a.amount()),
                    Cell::Blank,
                ]
            })
            .collect(),
        CsvKind::Projects => ledger
            .projects()
            .map(|p| {
                vec![
                    text(p.id()),
                    p.name().map_or(Cell::Blank, text),
                    text(&p.region()),
                    text(p.category().as_str()),
                    text(p.stage().as_str()),
                    Cell::Whole(i64::from(p.year())),
                    Cell::Amount(p.planned()),
                    Cell::Blank,
                ]
            })
            .collect(),
        CsvKind::Expenditures => ledger
            .expenditures()
            .iter()
            .map(|e| {
                vec![
                    text(e.id()),
                    Cell::Date(e.date()),
                    text(e.project()),
                    text(&e.region()),
                    text(e.level().as_str()),
                    text(e.category().as_str()),
                    Cell::Amount(e.amount()),
                    Cell::Blank,
                ]
            })
            .collect(),
        CsvKind::Adjustments => ledger
            .adjustments()
            .iter()
            .map(|a| {
                let (label, from, to, year) = match a.kind() {
                    AdjustmentKind::Recovery { from } => ("收回", Some(from), None, None),
                    AdjustmentKind::Reallocation { from, to } => {
                        ("调整", Some(from), Some(to), None)
                    }
                    AdjustmentKind::CarryIn { to, from_year } => {
                        ("结转", Some(to), Some(to), Some(*from_year))
                    }
                };
                let mut cells = vec![text(a.id()), Cell::Date(a.date()), text(label)];
                cells.extend(bucket_cells(from));
                cells.extend(bucket_cells(to));
                cells.push(year.map_or(Cell::Blank, |y| Cell::Whole(i64::from(y))));
                cells.push(Cell::Amount(a.amount()));
                cells.push(Cell::Blank);
                cells
            })
            .collect(),
    };
    let mut n = 0u32;
    for (row, cells) in (1u32..).zip(&rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(row, col, s)?;
                }
                Cell::Date(d) => {
                    let dt = ExcelDateTime::from_ymd(
                        u16::try_from(chrono::Datelike::year(d)).unwrap_or(1900),
                        u8::try_from(chrono::Datelike::month(d)).unwrap_or(1),
                        u8::try_from(chrono::Datelike::day(d)).unwrap_or(1),
                    )?;
                    sheet.write_datetime_with_format(row, col, &dt, &styles.date)?;
                }
                Cell::Amount(m) => match cell_double(m.as_decimal()) {
                    Some(f) => {
                        sheet.write_number_with_format(row, col, f, &styles.amount)?;
                    }
                    None => {
                        sheet.write_string(row, col, m.as_decimal().to_string())?;
                    }
                },
                Cell::Whole(i) => {
                    sheet.write_string(row, col, i.to_string())?;
                }
                Cell::Blank => {}
            }
        }
        n = row;
    }
    Ok(n)
}
