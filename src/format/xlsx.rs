//! The monthly report as an Excel workbook (`.xlsx`), feature `xlsx`.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::monthly::{Cell, RowKind, heading, sheets};
use super::names::RegionNames;
use super::table::display_width;
use super::text::TextStyle;
use crate::report::Execution;

/// The workbook could not be written (写出工作簿失败); the message says why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("写出工作簿失败（could not write the workbook）：{message}")]
#[non_exhaustive]
pub struct WorkbookError {
    message: String,
}

impl From<rust_xlsxwriter::XlsxError> for WorkbookError {
    fn from(e: rust_xlsxwriter::XlsxError) -> WorkbookError {
        WorkbookError::new(e)
    }
}

impl WorkbookError {
    fn new(e: impl std::fmt::Display) -> WorkbookError {
        WorkbookError {
            message: e.to_string(),
        }
    }

    /// What went wrong, as the writer said it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The monthly report as an Excel workbook (月报工作簿), as bytes: the sheets of
/// [`monthly_text`](crate::format::monthly_text) (总览, 分级次, 分类别, 分地区, 明细 with its
/// 小计 rows, 项目库覆盖), each with a merged title and the period, a frozen header, column
/// widths that count CJK characters double, amounts with `#,##0.00` and rates as
/// percentages, A4 print settings.
///
/// Each numeric cell holds the figure as printed — rounded once by the library, then
/// written as the number those digits name (a rate of 77.22% is the cell value 0.7722) —
/// so what Excel shows, sums and copies is what the text report says. A rate or gap with no
/// value is the text `—`.
///
/// # Errors
///
/// [`WorkbookError`] when the writer fails (it does not for any report; the error is the
/// writer's own, passed on).
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{TextStyle, monthly_xlsx};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let ledger = Ledger::new(FiscalYear::new(2021)?);
/// let report = ledger.execution(ExecutionOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()).by_level());
/// let bytes = monthly_xlsx(&report, Some(&ledger), &TextStyle::default(), "全县")?;
/// assert_eq!(&bytes[..2], b"PK"); // a zip file, as every .xlsx
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monthly_xlsx(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
    scope: &str,
) -> Result<Vec<u8>, WorkbookError> {
    let h = heading(report, scope);
    let amount_dp = style.money_format().rounding_used().dp();
    let percent_dp = style.percent_rounding().dp();
    let places = |dp: u32| {
        if dp == 0 {
            String::new()
        } else {
            let zeros: String = (0..dp).map(|_| '0').collect();
            format!(".{zeros}")
        }
    };
    let font = "等线";
    let base = Format::new()
        .set_font_name(font)
        .set_border(FormatBorder::Thin);
    let fmt = Formats {
        title: Format::new()
            .set_font_name(font)
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center),
        note: Format::new()
            .set_font_name(font)
            .set_align(FormatAlign::Center),
        header: base
            .clone()
            .set_bold()
            .set_background_color(0x00E8_E8E8)
            .set_align(FormatAlign::Center)
            .set_text_wrap(),
        text: base.clone(),
        dash: base.clone().set_align(FormatAlign::Right),
        amount: base
            .clone()
            .set_num_format(format!("#,##0{}", places(amount_dp))),
        percent: base
            .clone()
            .set_num_format(format!("0{}%", places(percent_dp))),
        points: base
            .clone()
            .set_num_format(format!("+0{p};-0{p};0{p}", p = places(percent_dp))),
    };
    let unit = style.money_format().unit().suffix();
    let mut wb = Workbook::new();
    for sheet in sheets(report, names, style) {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name).map_err(WorkbookError::new)?;
        ws.set_paper_size(9); // A4
        if sheet.columns.len() > 5 {
            ws.set_landscape();
        }
        let last_col = col(sheet.columns.len().saturating_sub(1))?;
        ws.merge_range(0, 0, 0, last_col, &h.title, &fmt.title)
            .map_err(WorkbookError::new)?;
        ws.merge_range(
            1,
            0,
            1,
            last_col,
            &format!("{}　金额单位：{unit}", h.period),
            &fmt.note,
        )
        .map_err(WorkbookError::new)?;
        let header_row = 2;
        let mut widths: Vec<usize> = sheet.columns.iter().map(|c| display_width(c)).collect();
        for (c, name) in sheet.columns.iter().enumerate() {
            ws.write_string_with_format(header_row, col(c)?, name, &fmt.header)
                .map_err(WorkbookError::new)?;
        }
        for (r, (kind, cells)) in sheet.rows.iter().enumerate() {
            let row = header_row + 1 + u32::try_from(r).map_err(WorkbookError::new)?;
            for (c, cell) in cells.iter().enumerate() {
                let shown = cell_width(cell);
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(shown);
                }
                write_cell(ws, row, col(c)?, cell, *kind, &fmt)?;
            }
        }
        ws.set_freeze_panes(header_row + 1, 0)
            .map_err(WorkbookError::new)?;
        ws.set_repeat_rows(header_row, header_row)
            .map_err(WorkbookError::new)?;
        for (c, w) in widths.iter().enumerate() {
            // Excel counts a column's width in characters of its default font; a CJK
            // character is about two. Two more for padding, at most 60.
            let w = u16::try_from((*w + 2).min(60)).map_err(WorkbookError::new)?;
            ws.set_column_width(col(c)?, f64::from(w))
                .map_err(WorkbookError::new)?;
        }
    }
    wb.save_to_buffer().map_err(WorkbookError::new)
}

struct Formats {
    title: Format,
    note: Format,
    header: Format,
    text: Format,
    dash: Format,
    amount: Format,
    percent: Format,
    points: Format,
}

fn col(c: usize) -> Result<u16, WorkbookError> {
    u16::try_from(c).map_err(WorkbookError::new)
}

/// How wide a cell shows: its text, with the thousands separators `#,##0` adds.
fn cell_width(cell: &Cell) -> usize {
    let text = cell.text();
    let w = display_width(&text);
    match cell {
        Cell::Amount(_) => w + w / 3,
        _ => w,
    }
}

/// The double nearest a decimal of at most 15 significant digits — which Excel shows, and
/// the reader reads, as the same decimal (DESIGN.md, "Office data") — or `None` for a
/// longer one, which a double cannot hold. The one place a figure becomes a double: a
/// numeric cell can hold nothing else.
pub(super) fn cell_double(d: Decimal) -> Option<f64> {
    let text = d.normalize().to_string();
    let significant = text
        .trim_start_matches('-')
        .replace('.', "")
        .trim_start_matches('0')
        .len();
    (significant <= 15).then(|| text.parse().ok()).flatten()
}

/// The number a printed decimal names, for a numeric cell.
fn number(d: Decimal) -> Result<f64, WorkbookError> {
    cell_double(d).ok_or_else(|| {
        WorkbookError::new(format!(
            "{d} has more than 15 significant digits, more than a numeric cell holds"
        ))
    })
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    kind: RowKind,
    fmt: &Formats,
) -> Result<(), WorkbookError> {
    let emphasise = |f: &Format| match kind {
        RowKind::Detail => f.clone(),
        RowKind::Subtotal => f.clone().set_background_color(0x00F4_F4F4),
        RowKind::Total => f.clone().set_bold().set_background_color(0x00E8_E8E8),
    };
    let done = match cell {
        Cell::Text(s) => ws.write_string_with_format(row, col, s, &emphasise(&fmt.text)),
        Cell::Amount(d) => {
            ws.write_number_with_format(row, col, number(*d)?, &emphasise(&fmt.amount))
        }
        Cell::Percent(Some(p)) => {
            // 77.22 (%) is the cell value 0.7722: the printed digits, the point moved.
            let fraction = p.checked_div(Decimal::ONE_HUNDRED).ok_or_else(|| {
                WorkbookError::new(format!("百分比超出范围（percentage out of range）：{p}"))
            })?;
            ws.write_number_with_format(row, col, number(fraction)?, &emphasise(&fmt.percent))
        }
        Cell::Points(Some(p)) => {
            ws.write_number_with_format(row, col, number(*p)?, &emphasise(&fmt.points))
        }
        Cell::Percent(None) | Cell::Points(None) => {
            ws.write_string_with_format(row, col, "—", &emphasise(&fmt.dash))
        }
    };
    done.map(|_| ()).map_err(WorkbookError::new)
}
