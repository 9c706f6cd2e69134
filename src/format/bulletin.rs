//! The bulletin (情况通报): complete paragraphs from an execution report.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::monthly::{long_date, period_word};
use super::names::{RegionNames, region_name};
use super::rmb::rmb_upper;
use super::text::{TextStyle, month_day};
use crate::dim::FundLevel;
use crate::report::{Execution, Grouping, Progress};

/// A paragraph of the [`Bulletin`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Paragraph {
    /// 资金落实: the money in place, and its parts by fund level where the report has them.
    Funds,
    /// 资金支出: spending, 本月 where known, the rate and the gap to the schedule.
    Spending,
    /// 分类别: each category's money, spending and rate.
    Categories,
    /// 分地区: each region's rate and gap.
    Regions,
    /// 项目库: the pool's planned investment and its coverage of the money in place.
    Pool,
}

/// A place in the bulletin where the caller's words go (after the figure it names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Clause {
    /// After the amount in place (and its 大写).
    Allocated,
    /// After the part of one fund level in the funds paragraph.
    Level(FundLevel),
    /// After the gap to the schedule (or the rate, when there is no gap).
    Gap,
    /// At the end of a paragraph, before its full stop.
    End(Paragraph),
}

/// The bulletin (情况通报) of an execution report: complete paragraphs in the style of a
/// county's monthly report, each figure rounded once as the [`TextStyle`] says, with the
/// wording adjustable: who reports (`scope`), the date with or without the year, the name of
/// each fund level's part, words after any clause, paragraphs left out.
///
/// Paragraphs come only from what the report holds: the funds paragraph lists fund levels
/// when the report has rows by level (detail or 小计), the categories and regions paragraphs
/// need rows by category and by region, the pool paragraph needs planned investment.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FiscalYear, FundLevel, Ledger};
/// use fundtrack::format::{Bulletin, Clause};
/// use fundtrack::record::{Allocation, Expenditure, Project, Region};
/// use fundtrack::report::ExecutionOptions;
/// use fundtrack::dim::RegionLevel;
/// use fundtrack::ProjectStage;
/// use chrono::NaiveDate;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
/// let county = "450521".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(county, "合浦县")])?;
/// ledger.insert([Project::new("P-1".parse()?, county, Category::Industry, "5000万元".parse()?, ProjectStage::Implementing, 2021)])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d(3, 1), county, FundLevel::Central, "3976万元".parse()?)
///     .with_category(Category::Industry)])?;
/// ledger.insert([Expenditure::new("E-1".parse()?, d(9, 10), "P-1".parse()?, county, FundLevel::Central,
///     Category::Industry, "3100万元".parse()?)])?;
/// let report = ledger.execution(ExecutionOptions::monthly(d(9, 30), RegionLevel::County));
/// let text = Bulletin::new("全县")
///     .after(Clause::Gap, "，达到自治区要求")
///     .render(&report, Some(&ledger));
/// assert!(text.starts_with("截至2021年9月30日，全县落实衔接资金3976.00万元，其中中央资金3976.00万元。\n"));
/// assert!(text.contains("截至2021年9月30日，全县支出衔接资金3100.00万元，其中本月支出3100.00万元，支出进度77.97%，超序时进度2.97个百分点，达到自治区要求。"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bulletin {
    scope: String,
    style: TextStyle,
    with_year: bool,
    capital: bool,
    labels: Vec<(FundLevel, String)>,
    after: Vec<(Clause, String)>,
    omitted: Vec<Paragraph>,
    totals: Option<Progress>,
}

impl Bulletin {
    /// A bulletin for `scope` (`全县`, `全市`, `合浦县`): dates with the year, no 大写, every
    /// paragraph the report can fill, default style (万元, 2 places, half-up).
    pub fn new(scope: impl Into<String>) -> Bulletin {
        Bulletin {
            scope: scope.into(),
            style: TextStyle::default(),
            with_year: true,
            capital: false,
            labels: Vec::new(),
            after: Vec::new(),
            omitted: Vec::new(),
            totals: None,
        }
    }

    /// Takes the totals of the funds, spending and pool paragraphs from `totals` instead
    /// of the report's: for a total that is printed (a news report's 支出 figure) rather
    /// than kept as records. The gap is still against the report's schedule.
    #[must_use]
    pub fn totals(mut self, totals: Progress) -> Bulletin {
        self.totals = Some(totals);
        self
    }

    /// Prints figures with `style`.
    #[must_use]
    pub fn style(mut self, style: TextStyle) -> Bulletin {
        self.style = style;
        self
    }

    /// Dates as `9月30日` (the year in the title) instead of `2021年9月30日`.
    #[must_use]
    pub fn without_year(mut self) -> Bulletin {
        self.with_year = false;
        self
    }

    /// Adds the amount in place in 人民币大写 after it: `（大写：人民币…）`.
    #[must_use]
    pub fn with_capital(mut self) -> Bulletin {
        self.capital = true;
        self
    }

    /// Names `level`'s part of the funds paragraph (default `中央资金`, `省级资金`, …), e.g.
    /// `市本级资金` or `向上级争取中央、自治区衔接资金2批次共`; the amount follows.
    #[must_use]
    pub fn level_label(mut self, level: FundLevel, label: impl Into<String>) -> Bulletin {
        self.labels.retain(|(l, _)| *l != level);
        self.labels.push((level, label.into()));
        self
    }

    /// Puts `text` after `clause` (after words given before for the same clause).
    #[must_use]
    pub fn after(mut self, clause: Clause, text: impl Into<String>) -> Bulletin {
        self.after.push((clause, text.into()));
        self
    }

    /// Leaves `paragraph` out.
    #[must_use]
    pub fn omit(mut self, paragraph: Paragraph) -> Bulletin {
        self.omitted.push(paragraph);
        self
    }

    fn words(&self, clause: Clause) -> String {
        self.after
            .iter()
            .filter(|(c, _)| *c == clause)
            .map(|(_, t)| t.as_str())
            .collect()
    }

    fn date(&self, d: NaiveDate) -> String {
        if self.with_year {
            long_date(d)
        } else {
            month_day(d)
        }
    }

    /// The paragraphs, in order: funds, spending, categories, regions, pool (those the
    /// report can fill and the caller did not leave out).
    #[allow(clippy::too_many_lines, reason = "the paragraphs, in reading order")]
    pub fn paragraphs(&self, report: &Execution, names: Option<&dyn RegionNames>) -> Vec<String> {
        let s = &self.style;
        let total = match &self.totals {
            Some(given) => given,
            None => report.total(),
        };
        let date = self.date(report.as_of());
        let scope = &self.scope;
        let mut out = Vec::new();
        let wanted = |p: Paragraph| !self.omitted.contains(&p);
        if wanted(Paragraph::Funds) {
            let mut p = format!(
                "截至{date}，{scope}落实衔接资金{}",
                s.amount(total.allocated())
            );
            if self.capital {
                let _ = write!(p, "（大写：{}）", rmb_upper(total.allocated()));
            }
            p.push_str(&self.words(Clause::Allocated));
            let levels: Vec<_> = report.rows_of(Grouping::LEVEL).collect();
            for (i, row) in levels.iter().enumerate() {
                let Some(level) = row.key().level() else {
                    continue;
                };
                let label = self
                    .labels
                    .iter()
                    .find(|(l, _)| *l == level)
                    .map_or_else(|| format!("{}资金", level.as_str()), |(_, t)| t.clone());
                p.push_str(if i == 0 { "，其中" } else { "，" });
                p.push_str(&label);
                p.push_str(&s.amount(row.allocated()));
                p.push_str(&self.words(Clause::Level(level)));
            }
            p.push_str(&self.words(Clause::End(Paragraph::Funds)));
            p.push('。');
            out.push(p);
        }
        if wanted(Paragraph::Spending) {
            let mut p = format!("截至{date}，{scope}支出衔接资金{}", s.amount(total.spent()));
            if let Some(month) = total.period_spent() {
                let _ = write!(p, "，其中{}支出{}", period_word(report), s.amount(month));
            }
            let _ = write!(p, "，支出进度{}", s.rate(total.rate()));
            if let Ok(gap) = report.gap(total) {
                p.push('，');
                p.push_str(&s.schedule_gap(&gap));
            }
            p.push_str(&self.words(Clause::Gap));
            p.push_str(&self.words(Clause::End(Paragraph::Spending)));
            p.push('。');
            out.push(p);
        }
        let categories: Vec<_> = report.rows_of(Grouping::CATEGORY).collect();
        if wanted(Paragraph::Categories) && !categories.is_empty() {
            let parts: Vec<String> = categories
                .iter()
                .filter_map(|row| {
                    let c = row.key().category()?;
                    Some(format!(
                        "{}落实{}、支出{}，支出进度{}",
                        c.as_str(),
                        s.amount(row.allocated()),
                        s.amount(row.spent()),
                        s.rate(row.rate())
                    ))
                })
                .collect();
            out.push(format!(
                "分类别看，{}{}。",
                parts.join("；"),
                self.words(Clause::End(Paragraph::Categories))
            ));
        }
        let regions: Vec<_> = report.rows_of(Grouping::REGION).collect();
        if wanted(Paragraph::Regions) && regions.len() > 1 {
            let parts: Vec<String> = regions
                .iter()
                .filter_map(|row| {
                    let code = row.key().region()?;
                    let mut t = format!(
                        "{}支出{}，支出进度{}",
                        region_name(code, names),
                        s.amount(row.spent()),
                        s.rate(row.rate())
                    );
                    if let Ok(gap) = report.gap(row) {
                        t.push('，');
                        t.push_str(&s.schedule_gap(&gap));
                    }
                    Some(t)
                })
                .collect();
            out.push(format!(
                "分地区看，{}{}。",
                parts.join("；"),
                self.words(Clause::End(Paragraph::Regions))
            ));
        }
        if let (true, Some(planned), Some(Ok(coverage))) =
            (wanted(Paragraph::Pool), total.planned(), total.coverage())
        {
            if planned.is_positive() {
                out.push(format!(
                    "项目库入库项目计划总投资{}，为落实资金的{}{}。",
                    s.amount(planned),
                    s.percent(&coverage),
                    self.words(Clause::End(Paragraph::Pool))
                ));
            }
        }
        out
    }

    /// The paragraphs, one a line.
    pub fn render(&self, report: &Execution, names: Option<&dyn RegionNames>) -> String {
        let mut out = String::new();
        for p in self.paragraphs(report, names) {
            out.push_str(&p);
            out.push('\n');
        }
        out
    }
}
