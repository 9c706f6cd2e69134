//! A small SVG bar chart of disbursement rates with the 序时进度 line (支出进度图).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::names::{RegionNames, region_name};
use crate::money::{Ratio, Rounding};
use crate::report::Ranking;

const WIDTH: i64 = 760;
const LEFT: i64 = 150;
const PLOT: i64 = 520;
const ROW: i64 = 20;
const TOP: i64 = 50;

/// A horizontal bar chart of rates (支出进度柱状图) with a reference line, as SVG text.
///
/// One bar per county (or category) with its rate printed at the end, and a dashed line at
/// the schedule (序时进度). Rates print rounded half-up to 2 places; bar lengths are the
/// same rates at 2 places, scaled to the axis (0 to 100%, or to the next 10% above the
/// largest rate). Returns a `String`; writing the file is the caller's business.
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::format::RateChart;
/// use rust_decimal_macros::dec;
///
/// let svg = RateChart::new("支出进度")
///     .bar("合浦县", Some(Ratio::from_percent(dec!(80.12))?))
///     .bar("海城区", None)
///     .reference("序时进度", Ratio::from_percent(dec!(75))?)
///     .render();
/// assert!(svg.starts_with("<svg") && svg.contains("80.12%") && svg.contains("无法计算"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateChart {
    title: String,
    bars: Vec<(String, Option<Ratio>)>,
    reference: Option<(String, Ratio)>,
}

impl RateChart {
    /// An empty chart with a title.
    pub fn new(title: impl Into<String>) -> RateChart {
        RateChart {
            title: title.into(),
            bars: Vec::new(),
            reference: None,
        }
    }

    /// Adds a bar; `None` for a group with no rate (nothing allocated).
    #[must_use]
    pub fn bar(mut self, label: impl Into<String>, rate: Option<Ratio>) -> RateChart {
        self.bars.push((label.into(), rate));
        self
    }

    /// Sets the reference line (序时进度 or a milestone).
    #[must_use]
    pub fn reference(mut self, label: impl Into<String>, rate: Ratio) -> RateChart {
        self.reference = Some((label.into(), rate));
        self
    }

    /// A chart of a ranking, fastest first, unranked regions last, with the schedule line;
    /// region names from `names` ([`RegionNames`]) where it has them, else codes.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ledger};
    /// use fundtrack::format::RateChart;
    /// use fundtrack::report::Ranking;
    /// use fundtrack::report::ExecutionOptions;
    /// use fundtrack::dim::RegionLevel;
    /// use chrono::NaiveDate;
    ///
    /// let ledger = Ledger::new(FiscalYear::new(2021)?);
    /// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    /// let ranking = Ranking::new(&ledger.execution(ExecutionOptions::new(d).by_region(RegionLevel::County)));
    /// assert!(RateChart::from_ranking("各县支出进度", &ranking, None).render().contains("序时进度 75.00%"));
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn from_ranking(
        title: impl Into<String>,
        ranking: &Ranking,
        names: Option<&dyn RegionNames>,
    ) -> RateChart {
        let mut chart = RateChart::new(title);
        for e in ranking.entries() {
            chart = chart.bar(region_name(e.region(), names), Some(e.rate()));
        }
        for row in ranking.unranked() {
            if let Some(code) = row.key().region() {
                chart = chart.bar(region_name(code, names), None);
            }
        }
        let expected = ranking.expected();
        let label = format!("序时进度 {}%", expected.to_percent(Rounding::default()));
        chart.reference(label, expected)
    }

    /// The end of the axis in percent: 100, or the next multiple of 10 above the largest rate.
    fn axis(&self) -> Decimal {
        let mut top = Decimal::ONE_HUNDRED;
        for r in self
            .bars
            .iter()
            .filter_map(|b| b.1.as_ref())
            .chain(self.reference.as_ref().map(|r| &r.1))
        {
            top = top.max(pct(r));
        }
        let tens = Rounding::known(crate::RoundMode::Trunc, 0).apply(top / Decimal::TEN);
        if tens * Decimal::TEN < top {
            (tens + Decimal::ONE) * Decimal::TEN
        } else {
            tens * Decimal::TEN
        }
    }

    /// The chart as a standalone SVG document.
    pub fn render(&self) -> String {
        let axis = self.axis();
        let x = |p: Decimal| {
            let px = Decimal::from(LEFT) + p * Decimal::from(PLOT) / axis;
            Rounding::HALF_UP_1.apply(px)
        };
        // One row of ROW pixels per bar below the top margin.
        let plot_bottom = self.bars.iter().fold(TOP, |y, _| y + ROW);
        let height = plot_bottom + 40;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            s,
            r#"<rect width="{WIDTH}" height="{height}" fill="white"/>"#
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="24" font-size="16" text-anchor="middle">{}</text>"#,
            WIDTH / 2,
            escape(&self.title)
        );
        // Axis ticks every 20%.
        let mut tick = Decimal::ZERO;
        while tick <= axis {
            let tx = x(tick);
            let _ = writeln!(
                s,
                r##"<line x1="{tx}" y1="{TOP}" x2="{tx}" y2="{plot_bottom}" stroke="#ddd"/>"##
            );
            let _ = writeln!(
                s,
                r#"<text x="{tx}" y="{}" text-anchor="middle">{tick}%</text>"#,
                plot_bottom + 16
            );
            tick += Decimal::from(20);
        }
        // Each bar's row starts ROW pixels below the one before.
        let tops = std::iter::successors(Some(TOP), |y| Some(y + ROW));
        for (y, (label, rate)) in tops.zip(&self.bars) {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LEFT - 6,
                y + 14,
                escape(label)
            );
            match rate {
                Some(r) => {
                    let p = pct(r);
                    let end = x(p);
                    let w = end - Decimal::from(LEFT);
                    let _ = writeln!(
                        s,
                        r##"<rect x="{LEFT}" y="{}" width="{w}" height="14" fill="#4e79a7"/>"##,
                        y + 3
                    );
                    let _ = writeln!(
                        s,
                        r#"<text x="{}" y="{}">{}%</text>"#,
                        end + Decimal::from(4),
                        y + 14,
                        r.to_percent(Rounding::default())
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        r##"<text x="{}" y="{}" fill="#999">无法计算</text>"##,
                        LEFT + 4,
                        y + 14
                    );
                }
            }
        }
        if let Some((label, r)) = &self.reference {
            let rx = x(pct(r));
            let _ = writeln!(
                s,
                r##"<line x1="{rx}" y1="{}" x2="{rx}" y2="{plot_bottom}" stroke="#e15759" stroke-width="2" stroke-dasharray="6 4"/>"##,
                TOP - 8
            );
            let _ = writeln!(
                s,
                r##"<text x="{rx}" y="{}" fill="#e15759" text-anchor="middle">{}</text>"##,
                TOP - 12,
                escape(label)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

/// A rate in percent at 2 places, for drawing (negative rates draw as 0).
fn pct(r: &Ratio) -> Decimal {
    r.to_percent(Rounding::default()).max(Decimal::ZERO)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn axis_grows_past_100_and_text_is_escaped() {
        let svg = RateChart::new("a<b")
            .bar("x&y", Some(Ratio::from_percent(dec!(112.94)).unwrap()))
            .render();
        assert!(svg.contains("a&lt;b") && svg.contains("x&amp;y"));
        assert!(svg.contains(">120%<"), "{svg}");
        // 112.94 of 120 → 489.4px of 520.
        assert!(svg.contains(r#"width="489.4""#), "{svg}");
    }
}
