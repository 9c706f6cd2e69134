//! Text tables that line up Chinese text (表格), execution tables and county rankings.

use super::names::{RegionNames, region_name};
use super::{MoneyFormat, TextStyle};
use crate::money::Ratio;
use crate::report::{Execution, Progress, Ranked, Ranking};

/// How a column is aligned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Align {
    /// Text: flush left (the default).
    #[default]
    Left,
    /// Numbers: flush right.
    Right,
}

/// The columns a character takes in a terminal or a monospaced document (显示宽度): 2 for
/// East Asian wide and full-width characters (汉字, full-width punctuation and forms, kana,
/// Hangul), 0 for combining marks and zero-width characters, 1 otherwise.
///
/// A small table of Unicode East Asian Width ranges rather than a dependency: report text
/// is Chinese, ASCII and a little full-width punctuation.
///
/// # Example
///
/// ```
/// use fundtrack::format::display_width;
/// assert_eq!(display_width("北海市"), 6);
/// assert_eq!(display_width("450500"), 6);
/// assert_eq!(display_width("合计（万元）"), 12);
/// ```
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = u32::from(c);
    let zero =
        matches!(u, 0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F | 0xFEFF) || c.is_control();
    if zero {
        return 0;
    }
    let wide = matches!(u,
        0x1100..=0x115F          // Hangul Jamo
        | 0x2E80..=0x303E        // CJK radicals, punctuation (、。「」【】)
        | 0x3041..=0x33FF        // kana, CJK symbols
        | 0x3400..=0x4DBF        // CJK Extension A
        | 0x4E00..=0x9FFF        // CJK Unified Ideographs
        | 0xA000..=0xA4CF        // Yi
        | 0xAC00..=0xD7A3        // Hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0xFE30..=0xFE4F        // CJK compatibility forms
        | 0xFF00..=0xFF60        // full-width forms (，：（）％)
        | 0xFFE0..=0xFFE6        // full-width signs (￥)
        | 0x1F300..=0x1F64F      // emoji
        | 0x20000..=0x3FFFD      // CJK Extensions B–G
    );
    if wide { 2 } else { 1 }
}

/// A plain-text table whose columns line up with Chinese text (文本表格), with an optional
/// totals row under a rule.
///
/// # Example
///
/// ```
/// use fundtrack::format::{Align, TextTable};
///
/// let mut t = TextTable::new([("地区", Align::Left), ("支出进度", Align::Right)]);
/// t.row(["合浦县", "80.12%"]);
/// t.row(["海城区", "9.50%"]);
/// t.total(["合计", "77.22%"]);
/// assert_eq!(
///     t.render(),
///     "地区    支出进度\n\
///      ------  --------\n\
///      合浦县    80.12%\n\
///      海城区     9.50%\n\
///      ------  --------\n\
///      合计      77.22%\n",
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextTable {
    header: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
    total: Option<Vec<String>>,
}

impl TextTable {
    /// A table with these column headings and alignments.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> TextTable {
        TextTable {
            header: columns.into_iter().map(|(h, a)| (h.into(), a)).collect(),
            rows: Vec::new(),
            total: None,
        }
    }

    /// Adds a row (missing cells print empty, extra cells are dropped).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut TextTable {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the totals row, printed under a rule.
    pub fn total<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut TextTable {
        self.total = Some(cells.into_iter().map(Into::into).collect());
        self
    }

    /// The number of body rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// `true` with no body rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines ending in `\n`, columns two spaces apart, no trailing spaces.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|(h, _)| display_width(h)).collect();
        for row in self.rows.iter().chain(&self.total) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(display_width(cell));
            }
        }
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let mut out = String::new();
        let header: Vec<String> = self.header.iter().map(|(h, _)| h.clone()).collect();
        self.line(&mut out, &header, &widths, true);
        self.line(&mut out, &rule, &widths, true);
        for row in &self.rows {
            self.line(&mut out, row, &widths, false);
        }
        if let Some(total) = &self.total {
            self.line(&mut out, &rule, &widths, true);
            self.line(&mut out, total, &widths, false);
        }
        out
    }

    fn line(&self, out: &mut String, cells: &[String], widths: &[usize], heading: bool) {
        let mut line = String::new();
        for (i, ((_, align), width)) in self.header.iter().zip(widths).enumerate() {
            let cell = cells.get(i).map_or("", String::as_str);
            let pad = width.saturating_sub(display_width(cell));
            if i > 0 {
                line.push_str("  ");
            }
            // Headings and rules are flush left above text, flush right above numbers.
            let right = *align == Align::Right && !(heading && cell.starts_with('-'));
            if right {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// A gap in 百分点 with its sign (`+2.22`, `-3.10`), or `—` with no rate.
fn signed_gap(report: &Execution, row: &Progress, style: &TextStyle) -> String {
    match report.gap(row) {
        Err(_) => "—".to_owned(),
        Ok(g) => {
            let p = g.gap().round(style.percent_rounding());
            if p.is_sign_positive() || p.is_zero() {
                format!("+{}", p.abs())
            } else {
                p.to_string()
            }
        }
    }
}

fn rate_cell(row: &Progress, style: &TextStyle) -> String {
    row.rate()
        .map_or_else(|_| "—".to_owned(), |r| style.percent(&r))
}

fn money_heading(what: &str, fmt: MoneyFormat) -> String {
    format!("{what}（{}）", fmt.unit().suffix())
}

/// An execution report as a text table (预算执行情况表): one row per group with the columns
/// the report was grouped by (代码 and, with `names`, 地区; 资金层级; 支出类别), 到位资金, 已支出, 支出进度 and
/// the gap to the report's schedule in 百分点, then a 合计 row (Σ spent ÷ Σ allocated).
///
/// Region names come from `names` ([`RegionNames`]: the ledger, a map from code to name)
/// where given; a region it does not name shows its code. Amounts and percentages follow `style`; state its
/// [`rounding_note`](TextStyle::rounding_note) once under the table.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger};
/// use fundtrack::format::{TextStyle, execution_table};
/// use fundtrack::record::{Allocation, Region};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let city = "450500".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(city, "北海市")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d, city, FundLevel::City, "14753万元".parse()?)])?;
/// let report = ledger.execution(ExecutionOptions::new(d).by_region(fundtrack::dim::RegionLevel::City));
/// let table = execution_table(&report, Some(&ledger), &TextStyle::default());
/// assert!(table.contains("北海市"));
/// assert!(table.lines().last().unwrap().starts_with("合计"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn execution_table(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
) -> String {
    let grouping = report.options().grouping();
    let (by_region, by_level, by_category) =
        (grouping.region(), grouping.level(), grouping.category());
    let fmt = style.money_format().without_unit();
    let mut columns: Vec<(String, Align)> = Vec::new();
    let with_names = by_region && names.is_some();
    if by_region {
        columns.push(("代码".into(), Align::Left));
    }
    if with_names {
        columns.push(("地区".into(), Align::Left));
    }
    if by_level {
        columns.push(("资金层级".into(), Align::Left));
    }
    if by_category {
        columns.push(("支出类别".into(), Align::Left));
    }
    columns.push((money_heading("到位资金", fmt), Align::Right));
    columns.push((money_heading("已支出", fmt), Align::Right));
    columns.push(("支出进度".into(), Align::Right));
    columns.push((
        format!("较{}（百分点）", report.options().schedule_kind().as_str()),
        Align::Right,
    ));
    let mut t = TextTable::new(columns);
    let figures = |row: &Progress| {
        [
            fmt.render(row.allocated()),
            fmt.render(row.spent()),
            rate_cell(row, style),
            signed_gap(report, row, style),
        ]
    };
    for row in report.rows() {
        let k = row.key();
        let mut cells: Vec<String> = Vec::new();
        if by_region {
            let code = k.region();
            cells.push(code.map_or_else(String::new, |c| c.to_string()));
            if with_names {
                cells.push(code.map_or_else(String::new, |c| region_name(c, names)));
            }
        }
        if by_level {
            cells.push(k.level().map_or("", |l| l.as_str()).to_owned());
        }
        if by_category {
            cells.push(k.category().map_or("", |c| c.as_str()).to_owned());
        }
        cells.extend(figures(row.progress()));
        t.row(cells);
    }
    let lead = usize::from(by_region)
        + usize::from(with_names)
        + usize::from(by_level)
        + usize::from(by_category);
    let mut total = vec!["合计".to_owned()];
    total.extend(std::iter::repeat_n(String::new(), lead.saturating_sub(1)));
    total.extend(figures(report.total()));
    t.total(total);
    t.render()
}

/// A ranking as a text table (支出进度排名表): the top `n` and the bottom `n` (all regions
/// when there are at most `2n`), with rank, code, name, amounts, rate and gap to the
/// schedule; a `…` row marks the regions left out, and regions without a rate are listed
/// last.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::{TextStyle, ranking_table};
/// use fundtrack::report::Ranking;
/// use fundtrack::report::ExecutionOptions;
/// use fundtrack::dim::RegionLevel;
/// use chrono::NaiveDate;
///
/// let ledger = Ledger::new(FiscalYear::new(2021)?);
/// let d = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
/// let ranking = Ranking::new(&ledger.execution(ExecutionOptions::new(d).by_region(RegionLevel::County)));
/// assert!(ranking_table(&ranking, 10, Some(&ledger), &TextStyle::default()).starts_with("排名"));
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn ranking_table(
    ranking: &Ranking,
    n: usize,
    names: Option<&dyn RegionNames>,
    style: &TextStyle,
) -> String {
    let fmt = style.money_format().without_unit();
    let mut t = TextTable::new([
        ("排名".to_owned(), Align::Right),
        ("代码".to_owned(), Align::Left),
        ("地区".to_owned(), Align::Left),
        (money_heading("到位资金", fmt), Align::Right),
        (money_heading("已支出", fmt), Align::Right),
        ("支出进度".to_owned(), Align::Right),
        ("较序时进度（百分点）".to_owned(), Align::Right),
    ]);
    let gap_of = |rate: &Ratio| {
        let p = rate
            .minus(&ranking.expected())
            .round(style.percent_rounding());
        if p.is_sign_positive() || p.is_zero() {
            format!("+{}", p.abs())
        } else {
            p.to_string()
        }
    };
    let add = |t: &mut TextTable, e: &Ranked| {
        t.row([
            e.rank().to_string(),
            e.region().to_string(),
            region_name(e.region(), names),
            fmt.render(e.row().allocated()),
            fmt.render(e.row().spent()),
            style.percent(&e.rate()),
            gap_of(&e.rate()),
        ]);
    };
    let all = ranking.entries();
    if all.len() <= n.saturating_mul(2) {
        for e in all {
            add(&mut t, e);
        }
    } else {
        for e in ranking.top(n) {
            add(&mut t, e);
        }
        t.row(["…"]);
        for e in ranking.bottom(n) {
            add(&mut t, e);
        }
    }
    for row in ranking.unranked() {
        let code = row.key().region();
        t.row([
            "—".to_owned(),
            code.map_or_else(String::new, |c| c.to_string()),
            code.map_or_else(String::new, |c| region_name(c, names)),
            fmt.render(row.allocated()),
            fmt.render(row.spent()),
            "—".to_owned(),
            "—".to_owned(),
        ]);
    }
    t.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_of_mixed_text() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("北海 市"), 7);
        assert_eq!(display_width("（％）"), 6);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("𠀀"), 2);
    }

    #[test]
    fn columns_line_up_by_display_width() {
        let mut t = TextTable::new([("名称", Align::Left), ("n", Align::Right)]);
        t.row(["a", "1"]).row(["北海市", "22"]);
        let out = t.render();
        let widths: Vec<usize> = out.lines().map(display_width).collect();
        assert_eq!(widths, [10, 10, 10, 10]);
    }
}
