//! The monthly report package (月报, SPEC §11) as printed tables: one set of sheets (总览,
//! 分级次, 分类别, 分地区, 项目库覆盖) built once from an [`Execution`], which the text,
//! CSV-for-Excel, HTML and workbook renderers all print, so every output shows the same
//! figures, each rounded once.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::names::{RegionNames, region_name};
use super::svg::RateChart;
use super::table::{Align, TextTable};
use super::text::TextStyle;
use crate::money::Money;
use crate::report::{Execution, ExecutionRow, GroupKey, Grouping, Progress};

/// One printed cell: a label, or a figure rounded once (amounts in the style's unit,
/// percentages, 百分点); `None` for a rate or gap that has no value (printed `—`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Text(String),
    Amount(Decimal),
    Percent(Option<Decimal>),
    Points(Option<Decimal>),
}

impl Cell {
    /// The cell as text shows it.
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Amount(d) => d.to_string(),
            Cell::Percent(Some(p)) => format!("{p}%"),
            Cell::Points(Some(p)) if p.is_sign_negative() && !p.is_zero() => p.to_string(),
            Cell::Points(Some(p)) => format!("+{}", p.abs()),
            Cell::Percent(None) | Cell::Points(None) => "—".to_owned(),
        }
    }

    fn align(&self) -> Align {
        match self {
            Cell::Text(_) => Align::Left,
            _ => Align::Right,
        }
    }
}

/// The name of the sheet of every row (detail and 小计) when the detail rows are split by
/// more than one dimension.
const MAIN: &str = "明细";

/// How a row of a sheet is set: a detail row, a 小计 or the 合计.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowKind {
    Detail,
    Subtotal,
    Total,
}

/// One table of the package.
#[derive(Clone, Debug)]
pub(crate) struct Sheet {
    pub(crate) name: &'static str,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<(RowKind, Vec<Cell>)>,
}

/// What the package prints above its tables: title and period.
pub(crate) struct Heading {
    pub(crate) title: String,
    pub(crate) period: String,
}

/// A report's rows in reading order: each region's rows and then its 小计 rows, then the
/// subtotals across regions; the caller adds the 合计.
pub(crate) fn ordered_rows(report: &Execution) -> Vec<&ExecutionRow> {
    let mut rows: Vec<&ExecutionRow> = report.rows().iter().collect();
    if report.options().grouping().region() {
        // Stable: within a region, the detail rows stay before the 小计 rows, in the
        // order the report gives them.
        rows.sort_by_key(|r| (r.key().region().is_none(), r.key().region()));
    }
    rows
}

/// The kind of subtotal a row is, or `None` for a detail row.
pub(crate) fn subtotal_of(report: &Execution, key: &GroupKey) -> Option<Grouping> {
    let g = key.grouping();
    (g != report.options().grouping()).then_some(g)
}

/// `本月` when the report's period is the month to date, `本期` otherwise.
pub(crate) fn period_word(report: &Execution) -> &'static str {
    let monthly = report.options().period().is_some_and(|(from, to)| {
        report.options().clone().month_to_date().period() == Some((from, to))
    });
    if monthly { "本月" } else { "本期" }
}

/// The heading of the package: `合浦县衔接资金支出进度月报`, `2021年9月1日至9月30日（累计自2021年1月1日）`.
pub(crate) fn heading(report: &Execution, scope: &str) -> Heading {
    let to = report.as_of();
    let period = match report.options().period() {
        Some((from, to)) => {
            #[expect(clippy::expect_used, reason = "a period starts before its as-of date")]
            let start = from.succ_opt().expect("a day after the period's start");
            format!(
                "{}至{}（累计自{}）",
                long_date(start),
                long_date(to),
                long_date(report.year().start())
            )
        }
        None => format!("截至{}", long_date(to)),
    };
    Heading {
        title: format!(
            "{scope}衔接资金支出进度{}",
            if report.options().period().is_some() {
                "月报"
            } else {
                "情况"
            }
        ),
        period,
    }
}

/// `2021年9月30日`.
pub(crate) fn long_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

struct Printer<'a> {
    report: &'a Execution,
    style: &'a TextStyle,
    names: Option<&'a dyn RegionNames>,
    with_period: bool,
}

impl Printer<'_> {
    fn amount(&self, m: Money) -> Cell {
        let f = self.style.money_format();
        Cell::Amount(m.round_in(f.unit(), f.rounding_used()))
    }

    fn rate(&self, p: &Progress) -> Cell {
        Cell::Percent(
            p.rate()
                .ok()
                .map(|r| r.to_percent(self.style.percent_rounding())),
        )
    }

    fn gap(&self, p: &Progress) -> Cell {
        Cell::Points(
            self.report
                .gap(p)
                .ok()
                .map(|g| g.gap().round(self.style.percent_rounding())),
        )
    }

    fn figures(&self, p: &Progress) -> Vec<Cell> {
        let mut cells = vec![self.amount(p.allocated()), self.amount(p.spent())];
        if self.with_period {
            cells.push(match p.period_spent() {
                Some(m) => self.amount(m),
                None => Cell::Text("—".to_owned()),
            });
        }
        cells.push(self.rate(p));
        cells.push(self.gap(p));
        cells
    }

    fn figure_columns(&self) -> Vec<String> {
        let unit = self.style.money_format().unit().suffix();
        let mut cols = vec![format!("累计落实（{unit}）"), format!("累计支出（{unit}）")];
        if self.with_period {
            cols.push(format!("{}支出（{unit}）", period_word(self.report)));
        }
        cols.push("支出进度".to_owned());
        cols.push("较序时进度（百分点）".to_owned());
        cols
    }

    /// The label cells of a row, for the dimensions `shown`: 地区代码 and 地区, 资金级次,
    /// 资金类别; a dimension the row is not split by reads 全部 (region) or 小计.
    fn labels(&self, key: Option<&GroupKey>, shown: Grouping) -> Vec<Cell> {
        let mut cells = Vec::new();
        let Some(key) = key else {
            let n = usize::from(shown.region()) * 2
                + usize::from(shown.level())
                + usize::from(shown.category());
            cells.push(Cell::Text("合计".to_owned()));
            cells.extend(std::iter::repeat_n(
                Cell::Text(String::new()),
                n.saturating_sub(1),
            ));
            return cells;
        };
        if shown.region() {
            if let Some(code) = key.region() {
                cells.push(Cell::Text(code.to_string()));
                cells.push(Cell::Text(region_name(code, self.names)));
            } else {
                cells.push(Cell::Text(String::new()));
                cells.push(Cell::Text("全部".to_owned()));
            }
        }
        if shown.level() {
            let l = key.level().map_or("小计", |l| l.as_str());
            cells.push(Cell::Text(l.to_owned()));
        }
        if shown.category() {
            let c = key.category().map_or("小计", |c| c.as_str());
            cells.push(Cell::Text(c.to_owned()));
        }
        cells
    }

    fn label_columns(shown: Grouping) -> Vec<String> {
        let mut cols = Vec::new();
        if shown.region() {
            cols.extend(["地区代码".to_owned(), "地区".to_owned()]);
        }
        if shown.level() {
            cols.push("资金级次".to_owned());
        }
        if shown.category() {
            cols.push("资金类别".to_owned());
        }
        cols
    }

    /// A table of the rows of one grouping (and the 合计), or of every row in reading order.
    fn table<'r>(
        &self,
        name: &'static str,
        shown: Grouping,
        rows: impl IntoIterator<Item = &'r ExecutionRow>,
    ) -> Sheet {
        let mut columns = Printer::label_columns(shown);
        columns.extend(self.figure_columns());
        let mut out = Vec::new();
        for row in rows {
            let kind = if subtotal_of(self.report, row.key()).is_some()
                && shown == self.report.options().grouping()
            {
                RowKind::Subtotal
            } else {
                RowKind::Detail
            };
            let mut cells = self.labels(Some(row.key()), shown);
            cells.extend(self.figures(row.progress()));
            out.push((kind, cells));
        }
        let mut total = self.labels(None, shown);
        total.extend(self.figures(self.report.total()));
        out.push((RowKind::Total, total));
        Sheet {
            name,
            columns,
            rows: out,
        }
    }

    fn overview(&self) -> Sheet {
        let t = self.report.total();
        let unit = self.style.money_format().unit().suffix();
        let mut rows = vec![
            (format!("累计落实（{unit}）"), self.amount(t.allocated())),
            (format!("累计支出（{unit}）"), self.amount(t.spent())),
        ];
        if self.with_period {
            let word = period_word(self.report);
            if let Some(m) = t.period_allocated() {
                rows.push((format!("{word}落实（{unit}）"), self.amount(m)));
            }
            if let Some(m) = t.period_spent() {
                rows.push((format!("{word}支出（{unit}）"), self.amount(m)));
            }
        }
        rows.push(("支出进度".to_owned(), self.rate(t)));
        rows.push((
            self.report.options().schedule_kind().as_str().to_owned(),
            Cell::Percent(Some(
                self.report
                    .expected()
                    .to_percent(self.style.percent_rounding()),
            )),
        ));
        rows.push(("较序时进度（百分点）".to_owned(), self.gap(t)));
        if let Some(planned) = t.planned() {
            rows.push((format!("项目库计划投资（{unit}）"), self.amount(planned)));
            rows.push((
                "项目库覆盖率".to_owned(),
                Cell::Percent(
                    t.coverage()
                        .and_then(Result::ok)
                        .map(|r| r.to_percent(self.style.percent_rounding())),
                ),
            ));
        }
        Sheet {
            name: "总览",
            columns: vec!["指标".to_owned(), "数值".to_owned()],
            rows: rows
                .into_iter()
                .map(|(label, cell)| (RowKind::Detail, vec![Cell::Text(label), cell]))
                .collect(),
        }
    }

    fn coverage(&self, shown: Grouping, rows: &[&ExecutionRow]) -> Sheet {
        let unit = self.style.money_format().unit().suffix();
        let mut columns = Printer::label_columns(shown);
        columns.extend([
            format!("累计落实（{unit}）"),
            format!("项目库计划投资（{unit}）"),
            "项目库覆盖率".to_owned(),
        ]);
        let figures = |p: &Progress| {
            vec![
                self.amount(p.allocated()),
                p.planned()
                    .map_or_else(|| Cell::Text("—".to_owned()), |m| self.amount(m)),
                Cell::Percent(
                    p.coverage()
                        .and_then(Result::ok)
                        .map(|r| r.to_percent(self.style.percent_rounding())),
                ),
            ]
        };
        let mut out = Vec::new();
        for row in rows {
            let mut cells = self.labels(Some(row.key()), shown);
            cells.extend(figures(row.progress()));
            out.push((RowKind::Detail, cells));
        }
        let mut total = self.labels(None, shown);
        total.extend(figures(self.report.total()));
        out.push((RowKind::Total, total));
        Sheet {
            name: "项目库覆盖",
            columns,
            rows: out,
        }
    }
}

/// The sheets of the package: 总览; 分级次, 分类别 and 分地区 where the report has those
/// rows (a grouping or a 小计 by level, by category, by region); 明细 (every row in
/// reading order, with the 小计 rows) when the detail rows are split more finely; and
/// 项目库覆盖 by region (or in total).
pub(crate) fn sheets(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
) -> Vec<Sheet> {
    let p = Printer {
        report,
        style,
        names,
        with_period: report.total().period_spent().is_some(),
    };
    let detail = report.options().grouping();
    let asked = |g: Grouping| g == detail || report.options().subtotals().contains(&g);
    let mut sheets = vec![p.overview()];
    for (g, name) in [
        (Grouping::LEVEL, "分级次"),
        (Grouping::CATEGORY, "分类别"),
        (Grouping::REGION, "分地区"),
    ] {
        if asked(g) {
            sheets.push(p.table(name, g, report.rows_of(g)));
        }
    }
    let single = [Grouping::LEVEL, Grouping::CATEGORY, Grouping::REGION].contains(&detail);
    if detail != Grouping::NONE && !single {
        sheets.push(p.table(MAIN, detail, ordered_rows(report)));
    }
    let regions: Vec<&ExecutionRow> = report.rows_of(Grouping::REGION).collect();
    let shown = if regions.is_empty() {
        Grouping::NONE
    } else {
        Grouping::REGION
    };
    sheets.push(p.coverage(shown, &regions));
    sheets
}

/// The monthly report as text (月报): title, period, the `bulletin` paragraphs (see
/// [`Bulletin`](crate::format::Bulletin); none is fine), the tables of the package (总览,
/// 分级次, 分类别, 分地区, 明细 with its 小计 rows, 项目库覆盖) and the rounding note.
///
/// `scope` names who reports (`全县`, `合浦县`). Each figure is rounded once as `style`
/// says; the workbook ([`monthly_xlsx`](crate::format::monthly_xlsx)), the CSV for Excel
/// ([`monthly_csv`]) and the page ([`monthly_html`]) print the same figures.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger};
/// use fundtrack::format::{TextStyle, monthly_text};
/// use fundtrack::record::{Allocation, Region};
/// use fundtrack::report::ExecutionOptions;
/// use fundtrack::dim::RegionLevel;
/// use chrono::NaiveDate;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
/// let county = "450521".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(county, "合浦县")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d(3, 1), county, FundLevel::Central, "3976万元".parse()?)])?;
/// let report = ledger.execution(ExecutionOptions::monthly(d(9, 30), RegionLevel::County));
/// let text = monthly_text(&report, Some(&ledger), &TextStyle::default(), "合浦县", &[]);
/// assert!(text.starts_with("合浦县衔接资金支出进度月报\n2021年9月1日至2021年9月30日"));
/// assert!(text.contains("本月支出（万元）") && text.contains("小计") && text.contains("合计"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monthly_text(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
    scope: &str,
    bulletin: &[String],
) -> String {
    let h = heading(report, scope);
    let mut out = format!("{}\n{}\n", h.title, h.period);
    if !bulletin.is_empty() {
        out.push('\n');
    }
    for p in bulletin {
        out.push_str(p);
        out.push('\n');
    }
    for sheet in sheets(report, names, style) {
        let _ = write!(out, "\n{}\n", sheet.name);
        let aligns = sheet
            .rows
            .first()
            .map(|(_, cells)| cells.iter().map(Cell::align).collect::<Vec<_>>())
            .unwrap_or_default();
        let mut t = TextTable::new(
            sheet
                .columns
                .iter()
                .zip(aligns.into_iter().chain(std::iter::repeat(Align::Right)))
                .map(|(c, a)| (c.clone(), a)),
        );
        for (kind, cells) in &sheet.rows {
            let cells = cells.iter().map(Cell::text);
            if *kind == RowKind::Total {
                t.total(cells);
            } else {
                t.row(cells);
            }
        }
        out.push_str(&t.render());
    }
    let _ = writeln!(out, "\n注：{}。", style.rounding_note());
    out
}

/// The monthly report's main table as CSV for Excel (给Excel的CSV): UTF-8 with a byte-order
/// mark, Chinese headers, CRLF line ends, the figures as the text prints them (amounts
/// without thousands separators). The machine CSV is [`execution_csv`](crate::format::execution_csv).
///
/// The table is 明细 (every row, with the 小计 rows, in reading order) or, for a report
/// grouped by one dimension, that grouping's table; the last row is the 合计.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{TextStyle, monthly_csv};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let ledger = Ledger::new(FiscalYear::new(2021)?);
/// let report = ledger.execution(ExecutionOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()).by_level());
/// let csv = monthly_csv(&report, Some(&ledger), &TextStyle::default());
/// assert_eq!(csv, "\u{feff}资金级次,累计落实（万元）,累计支出（万元）,支出进度,较序时进度（百分点）\r\n合计,0.00,0.00,—,—\r\n");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn monthly_csv(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
) -> String {
    let all = sheets(report, names, style);
    // 明细, or the one grouping's table, or (a totals-only report) 总览.
    let main = all
        .iter()
        .find(|s| s.name == MAIN)
        .or_else(|| {
            all.get(1)
                .filter(|_| report.options().grouping() != Grouping::NONE)
        })
        .or_else(|| all.first());
    let mut out = String::from('\u{feff}');
    if let Some(sheet) = main {
        push_crlf(&mut out, sheet.columns.iter().cloned());
        for (_, cells) in &sheet.rows {
            push_crlf(&mut out, cells.iter().map(Cell::text));
        }
    }
    out
}

fn push_crlf(out: &mut String, cells: impl IntoIterator<Item = String>) {
    let line: Vec<String> = cells.into_iter().map(|c| super::csv::field(&c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// `&`, `<`, `>`, `"` escaped for HTML text and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

const PAGE_CSS: &str = "\
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: \"Noto Sans CJK SC\", \"Noto Serif CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", \"SimSun\", sans-serif; color: #111; margin: 0 auto; max-width: 182mm; font-size: 10.5pt; line-height: 1.6; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 2mm; }
p.period { text-align: center; margin: 0 0 5mm; color: #333; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm; border-left: 3pt solid #b22222; padding-left: 2mm; }
p.bulletin { text-indent: 2em; margin: 0 0 2mm; text-align: justify; }
figure { margin: 3mm 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0 0 3mm; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 0.6pt solid #555; padding: 0.8mm 1.2mm; }
td { white-space: nowrap; }
th { background: #eee; font-weight: bold; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.sub td { background: #f6f6f6; }
tr.total td { font-weight: bold; background: #e8e8e8; }
section.tables { break-before: page; }
p.note { font-size: 9pt; color: #333; }
@media screen { body { padding: 10mm; } }
";

/// The monthly report as one printable page (打印页): a self-contained HTML file with
/// inline CSS (A4 print styles) and an inline SVG chart of the rates by region (or by
/// level) against the schedule; no scripts, no links, nothing fetched. The first page holds
/// the title, the `bulletin` paragraphs, the chart and 总览; the tables follow from the
/// second page on.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{TextStyle, monthly_html};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let ledger = Ledger::new(FiscalYear::new(2021)?);
/// let report = ledger.execution(ExecutionOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()).by_level());
/// let html = monthly_html(&report, Some(&ledger), &TextStyle::default(), "全县", &["截至2021年9月30日，全县……".to_owned()]);
/// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg") && !html.contains("<script"));
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn monthly_html(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
    scope: &str,
    bulletin: &[String],
) -> String {
    let h = heading(report, scope);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} {}</title>\n<style>\n{PAGE_CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"period\">{}</p>\n",
        esc(&h.title),
        esc(&h.period),
        esc(&h.title),
        esc(&h.period)
    );
    for p in bulletin {
        let _ = writeln!(out, "<p class=\"bulletin\">{}</p>", esc(p));
    }
    let _ = writeln!(out, "<figure>\n{}</figure>", chart(report, names).render());
    let all = sheets(report, names, style);
    let mut first = true;
    for sheet in &all {
        if !first && sheet.name == all.get(1).map_or("", |s| s.name) {
            out.push_str("<section class=\"tables\">\n");
        }
        let _ = writeln!(out, "<h2>{}</h2>\n<table>\n<thead><tr>", esc(sheet.name));
        for c in &sheet.columns {
            let _ = write!(out, "<th>{}</th>", esc(c));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (kind, cells) in &sheet.rows {
            let class = match kind {
                RowKind::Detail => "",
                RowKind::Subtotal => " class=\"sub\"",
                RowKind::Total => " class=\"total\"",
            };
            let _ = write!(out, "<tr{class}>");
            for c in cells {
                let n = if matches!(c, Cell::Text(_)) {
                    ""
                } else {
                    " class=\"n\""
                };
                let _ = write!(out, "<td{n}>{}</td>", esc(&c.text()));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        first = false;
    }
    if all.len() > 1 {
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">注：{}。</p>\n</body>\n</html>",
        esc(&style.rounding_note())
    );
    out
}

/// The chart of the package: 支出进度 by region (or by level when the report has no region
/// rows) against the report's schedule.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::monthly_chart;
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let ledger = Ledger::new(FiscalYear::new(2021)?);
/// let report = ledger.execution(ExecutionOptions::new(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()));
/// assert!(monthly_chart(&report, Some(&ledger)).starts_with("<svg"));
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn monthly_chart(report: &Execution, names: Option<&dyn RegionNames>) -> String {
    chart(report, names).render()
}

fn chart(report: &Execution, names: Option<&dyn RegionNames>) -> RateChart {
    let mut c = RateChart::new("支出进度");
    let by_region = report.rows_of(Grouping::REGION).next().is_some();
    let g = if by_region {
        Grouping::REGION
    } else {
        Grouping::LEVEL
    };
    for row in report.rows_of(g) {
        let label = match (row.key().region(), row.key().level()) {
            (Some(code), _) => region_name(code, names),
            (None, Some(l)) => l.as_str().to_owned(),
            (None, None) => String::new(),
        };
        c = c.bar(label, row.rate().ok());
    }
    c = c.bar("合计", report.total().rate().ok());
    c.reference(report.options().schedule_kind().as_str(), report.expected())
}
