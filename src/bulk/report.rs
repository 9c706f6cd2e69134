//! The national budget-execution report: rows rolled up from partial totals, exact half-up
//! rates, and its machine format (the contract CSV).

use std::fmt;
use std::io::{self, Write};

use chrono::NaiveDate;

use super::partials::Partials;
use rust_decimal::Decimal;

use super::sums::{CATEGORIES, category_name, level_name};
use crate::{Category, FundLevel, Money, NoRatio, Ratio, RegionCode, Rounding};

/// The header line of the contract CSV (without the line end).
pub const CSV_HEADER: &str = "level,county_code,source,category,allocated_yuan,spent_yuan,disbursement_rate_pct,planned_investment_yuan,pool_coverage_pct";

/// The level of a report row (汇总层级), in report order.
///
/// # Example
///
/// ```
/// use fundtrack::bulk::RowLevel;
///
/// assert_eq!(RowLevel::County.as_str(), "county");
/// assert!(RowLevel::Bucket < RowLevel::Overall);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RowLevel {
    /// One (county, fund level, category) bucket.
    Bucket,
    /// One county, all its buckets.
    County,
    /// One fund level (资金来源), all counties.
    Source,
    /// One category, all counties.
    Category,
    /// Everything.
    Overall,
}

impl RowLevel {
    /// The machine name written in the `level` column.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::bulk::RowLevel;
    /// assert_eq!(RowLevel::Overall.as_str(), "overall");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            RowLevel::Bucket => "bucket",
            RowLevel::County => "county",
            RowLevel::Source => "source",
            RowLevel::Category => "category",
            RowLevel::Overall => "overall",
        }
    }
}

/// A percentage rounded half up to 2 decimals, held exactly as whole hundredths of a
/// percent: the CSV writer's integer formula, `q = floor((n * 20000 + d) / (2 * d))`.
///
/// Crate-private: rates are public as [`Ratio`] ([`ReportRow::disbursement_ratio`]) and
/// as `Ratio::to_percent(Rounding::half_up(2))` ([`ReportRow::disbursement_rate`]); a
/// test checks this formula against that one on golden vectors and random amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Percent2(i128);

impl Percent2 {
    /// `100 * part / whole`, rounded half away from zero to 2 decimals; `None` when `whole`
    /// is 0 or negative (no rate, never 0%), or the product overflows.
    pub(crate) fn of_fen(part: i128, whole: i128) -> Option<Percent2> {
        if whole <= 0 {
            return None;
        }
        let n = part
            .unsigned_abs()
            .checked_mul(20_000)?
            .checked_add(whole.unsigned_abs())?;
        let q = i128::try_from(n / whole.unsigned_abs().checked_mul(2)?).ok()?;
        Some(Percent2(if part < 0 { -q } else { q }))
    }

    /// The value in hundredths of a percent (`35.76%` → `3576`).
    #[cfg(test)]
    pub(crate) fn hundredths(self) -> i128 {
        self.0
    }
}

impl fmt::Display for Percent2 {
    /// `35.76`: the percentage with exactly 2 decimals, no `%` sign.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", v / 100, v % 100)
    }
}

/// One row of the national report (报表行).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions, RowLevel};
///
/// let allocations = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
/// let expenditures = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
/// let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
/// agg.read_allocations("allocations.csv", allocations.as_bytes())?;
/// agg.read_expenditures("expenditures.csv", expenditures.as_bytes())?;
/// let report = agg.into_partials().report();
/// let row = &report.rows()[0];
/// assert_eq!(row.level(), RowLevel::Bucket);
/// assert_eq!(row.county().map(|c| c.to_string()), Some("450521".to_owned()));
/// assert_eq!(row.spent().to_string(), "100.00元");
/// assert_eq!(row.disbursement_rate().map(|p| p.to_string()), Some("33.33".to_owned()));
/// assert_eq!(row.planned_investment(), None);
/// # Ok::<(), fundtrack::bulk::BulkError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRow {
    level: RowLevel,
    county: Option<RegionCode>,
    source: Option<FundLevel>,
    category: Option<u8>,
    allocated: i128,
    spent: i128,
    planned: Option<i128>,
}

fn money(fen: i128) -> Money {
    // Sums of at most 1,000,000 counties × 20 buckets of i64 分 stay far below the 2⁹⁶ 分
    // a `Money` holds, so the fallback is never taken.
    Money::checked_from_fen(fen).unwrap_or(Money::ZERO)
}

impl ReportRow {
    /// The row's level.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// use fundtrack::bulk::RowLevel;
    /// assert_eq!((bucket.level(), county.level(), overall.level()), (RowLevel::Bucket, RowLevel::County, RowLevel::Overall));
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn level(&self) -> RowLevel {
        self.level
    }

    /// The county of bucket and county rows.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(county.county().unwrap().to_string(), "450521");
    /// assert_eq!(overall.county(), None);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn county(&self) -> Option<RegionCode> {
        self.county
    }

    /// The fund level (资金来源) of bucket and source rows.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(bucket.source(), Some(fundtrack::FundLevel::Central));
    /// assert_eq!(county.source(), None);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn source(&self) -> Option<FundLevel> {
        self.source
    }

    /// The category of bucket and category rows.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(bucket.category(), Some(fundtrack::Category::Industry));
    /// assert_eq!(county.category(), None);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn category(&self) -> Option<Category> {
        Category::BUILT_IN.get(usize::from(self.category?)).cloned()
    }

    /// Allocated money dated on or before the as-of date (下达资金).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(overall.allocated().to_string(), "300.00元");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn allocated(&self) -> Money {
        money(self.allocated)
    }

    /// Spent money dated on or before the as-of date (已支出).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(overall.spent().to_string(), "100.00元");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn spent(&self) -> Money {
        money(self.spent)
    }

    /// Planned investment of the county's projects; county rows only.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(county.planned_investment().unwrap().to_string(), "450.00元");
    /// assert_eq!(bucket.planned_investment(), None);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn planned_investment(&self) -> Option<Money> {
        self.planned.map(money)
    }

    /// The exact disbursement ratio spent / allocated (支出进度), unrounded.
    ///
    /// # Errors
    ///
    /// [`NoRatio`] when nothing is allocated.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// use fundtrack::Rounding;
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,3.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,1.00\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
    /// # agg.read_allocations("a", a.as_bytes())?;
    /// # agg.read_expenditures("e", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let ratio = report.rows()[0].disbursement_ratio().unwrap();
    /// assert_eq!(ratio.to_percent(Rounding::half_up(4)).to_string(), "33.3333");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn disbursement_ratio(&self) -> Result<Ratio, NoRatio> {
        Ratio::of(self.spent(), self.allocated())
    }

    /// The disbursement rate in percent rounded half up to 2 decimals (支出进度):
    /// [`ReportRow::disbursement_ratio`] through `Ratio::to_percent(Rounding::half_up(2))`;
    /// `None` when nothing is allocated (or, as for every [`Ratio`], when spent is more than
    /// 10¹⁵ times allocated).
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(bucket.disbursement_rate().unwrap().to_string(), "33.33");
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn disbursement_rate(&self) -> Option<Decimal> {
        let ratio = self.disbursement_ratio().ok()?;
        Some(ratio.to_percent(Rounding::half_up(2)))
    }

    /// Pool coverage planned / allocated in percent rounded half up to 2 decimals
    /// (项目库覆盖率), as [`Ratio`] rounds it; county rows with money allocated only.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions, RowLevel};
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,3.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n1,450521,industry,4.00,planned\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
    /// # agg.read_allocations("a", a.as_bytes())?;
    /// # agg.read_projects("p", p.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let county = report.rows().iter().find(|r| r.level() == RowLevel::County).unwrap();
    /// assert_eq!(county.pool_coverage().map(|p| p.to_string()), Some("133.33".to_owned()));
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn pool_coverage(&self) -> Option<Decimal> {
        let ratio = Ratio::of(money(self.planned?), self.allocated()).ok()?;
        Some(ratio.to_percent(Rounding::half_up(2)))
    }
}

/// The national budget-execution report (全国预算执行报表) computed from [`Partials`].
///
/// Rows come in the contract's order: bucket rows, county rows, source rows, category rows,
/// the overall row; within a level by county code, source and category compared as strings.
/// A bucket appears when it has an allocation or an expenditure dated on or before the
/// as-of date; a county when it has a bucket; sources and categories when they have one.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions};
///
/// let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
/// let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
/// let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
/// let mut agg = Aggregator::new(BulkOptions::new(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
/// agg.read_allocations("allocations.csv", a.as_bytes())?;
/// agg.read_projects("projects.csv", p.as_bytes())?;
/// agg.read_expenditures("expenditures.csv", e.as_bytes())?;
/// let report = agg.into_partials().report();
///
/// let mut csv = Vec::new();
/// report.write_csv(&mut csv).unwrap();
/// assert_eq!(String::from_utf8(csv).unwrap(), "\
/// level,county_code,source,category,allocated_yuan,spent_yuan,disbursement_rate_pct,planned_investment_yuan,pool_coverage_pct
/// bucket,450521,central,industry,300.00,100.00,33.33,,
/// county,450521,,,300.00,100.00,33.33,450.00,150.00
/// source,,central,,300.00,100.00,33.33,,
/// category,,,industry,300.00,100.00,33.33,,
/// overall,,,,300.00,100.00,33.33,,
/// ");
/// # Ok::<(), fundtrack::bulk::BulkError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NationalReport {
    as_of: NaiveDate,
    rows: Vec<ReportRow>,
}

/// Positions sorted by a name: the contract orders sources and categories as strings.
fn order_by_name<const N: usize>(name: impl Fn(usize) -> &'static str) -> [usize; N] {
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    order.sort_by_key(|&i| name(i));
    order
}

impl NationalReport {
    pub(crate) fn from_partials(p: &Partials) -> Self {
        let sources: [usize; 4] = order_by_name(level_name);
        let categories: [usize; CATEGORIES] = order_by_name(category_name);
        let mut rows = Vec::new();
        let mut county_rows = Vec::new();
        let mut by_source = [(0i128, 0i128, false); 4];
        let mut by_category = [(0i128, 0i128, false); CATEGORIES];
        let mut overall = (0i128, 0i128, false);
        for c in p.counties() {
            let mut county = (0i128, 0i128, false);
            for &s in &sources {
                for &k in &categories {
                    let b = s * CATEGORIES + k;
                    let a = i128::from(c.allocated_fen().get(b).copied().unwrap_or(0));
                    let x = i128::from(c.spent_fen().get(b).copied().unwrap_or(0));
                    if a == 0 && x == 0 {
                        continue;
                    }
                    rows.push(ReportRow {
                        level: RowLevel::Bucket,
                        county: Some(c.code()),
                        source: FundLevel::ALL.get(s).copied(),
                        category: u8::try_from(k).ok(),
                        allocated: a,
                        spent: x,
                        planned: None,
                    });
                    for acc in [
                        &mut county,
                        &mut overall,
                        by_source.get_mut(s).unwrap_or(&mut (0, 0, false)),
                        by_category.get_mut(k).unwrap_or(&mut (0, 0, false)),
                    ] {
                        acc.0 += a;
                        acc.1 += x;
                        acc.2 = true;
                    }
                }
            }
            if county.2 {
                county_rows.push(ReportRow {
                    level: RowLevel::County,
                    county: Some(c.code()),
                    source: None,
                    category: None,
                    allocated: county.0,
                    spent: county.1,
                    planned: Some(i128::from(c.planned_fen())),
                });
            }
        }
        rows.append(&mut county_rows);
        let blank = |level| ReportRow {
            level,
            county: None,
            source: None,
            category: None,
            allocated: 0,
            spent: 0,
            planned: None,
        };
        for &s in &sources {
            if let Some(&(a, x, true)) = by_source.get(s) {
                rows.push(ReportRow {
                    source: FundLevel::ALL.get(s).copied(),
                    allocated: a,
                    spent: x,
                    ..blank(RowLevel::Source)
                });
            }
        }
        for &k in &categories {
            if let Some(&(a, x, true)) = by_category.get(k) {
                rows.push(ReportRow {
                    category: u8::try_from(k).ok(),
                    allocated: a,
                    spent: x,
                    ..blank(RowLevel::Category)
                });
            }
        }
        if overall.2 {
            rows.push(ReportRow {
                allocated: overall.0,
                spent: overall.1,
                ..blank(RowLevel::Overall)
            });
        }
        NationalReport {
            as_of: p.as_of(),
            rows,
        }
    }

    /// The as-of date of the figures.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::Partials;
    /// let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// assert_eq!(Partials::new(d).report().as_of(), d);
    /// ```
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Every row, in contract order.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// let levels: Vec<&str> = report.rows().iter().map(|r| r.level().as_str()).collect();
    /// assert_eq!(levels, ["bucket", "county", "source", "category", "overall"]);
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn rows(&self) -> &[ReportRow] {
        &self.rows
    }

    /// The overall row, when anything was counted.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// assert_eq!(report.overall(), Some(overall));
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn overall(&self) -> Option<&ReportRow> {
        self.rows.last().filter(|r| r.level == RowLevel::Overall)
    }

    /// Writes the report as the contract CSV (报表机读格式), byte for byte: the header, then
    /// one line per row, LF line ends, amounts with 2 decimals, rates half up to 2
    /// decimals, empty fields where a level has no value.
    ///
    /// # Errors
    ///
    /// Whatever `out` returns.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use fundtrack::bulk::{Aggregator, BulkOptions};
    /// # let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    /// # let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
    /// # let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
    /// # let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
    /// # let mut agg = Aggregator::new(BulkOptions::new(d));
    /// # agg.read_allocations("allocations.csv", a.as_bytes())?;
    /// # agg.read_projects("projects.csv", p.as_bytes())?;
    /// # agg.read_expenditures("expenditures.csv", e.as_bytes())?;
    /// let report = agg.into_partials().report();
    /// let (bucket, county, overall) = (&report.rows()[0], &report.rows()[1], &report.rows()[4]);
    /// let mut out = Vec::new();
    /// report.write_csv(&mut out).unwrap();
    /// assert!(out.ends_with(b"overall,,,,300.00,100.00,33.33,,\n"));
    /// # Ok::<(), fundtrack::bulk::BulkError>(())
    /// ```
    pub fn write_csv<W: Write>(&self, mut out: W) -> io::Result<()> {
        let mut buf = Vec::with_capacity(1 << 16);
        buf.extend_from_slice(CSV_HEADER.as_bytes());
        buf.push(b'\n');
        for r in &self.rows {
            buf.extend_from_slice(r.level.as_str().as_bytes());
            buf.push(b',');
            if let Some(c) = r.county {
                push_digits(&mut buf, u128::from(c.get()), 6);
            }
            buf.push(b',');
            if let Some(s) = r.source {
                buf.extend_from_slice(s.machine_name().as_bytes());
            }
            buf.push(b',');
            if let Some(k) = r.category {
                buf.extend_from_slice(category_name(usize::from(k)).as_bytes());
            }
            buf.push(b',');
            push_hundredths(&mut buf, r.allocated);
            buf.push(b',');
            push_hundredths(&mut buf, r.spent);
            buf.push(b',');
            if let Some(p) = Percent2::of_fen(r.spent, r.allocated) {
                push_hundredths(&mut buf, p.0);
            }
            buf.push(b',');
            if let Some(pl) = r.planned {
                push_hundredths(&mut buf, pl);
            }
            buf.push(b',');
            if let Some(p) = r.planned.and_then(|pl| Percent2::of_fen(pl, r.allocated)) {
                push_hundredths(&mut buf, p.0);
            }
            buf.push(b'\n');
            if buf.len() > (1 << 16) - 256 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)?;
        out.flush()
    }
}

/// Appends `v` in decimal, zero-padded to `width` digits.
fn push_digits(buf: &mut Vec<u8>, v: u128, width: usize) {
    // u128 division is a library call; most values fit in u64.
    if let Ok(small) = u64::try_from(v) {
        push_digits_u64(buf, small, width);
    } else {
        let (high, low) = (
            v / 10_000_000_000_000_000_000,
            v % 10_000_000_000_000_000_000,
        );
        push_digits(buf, high, width.saturating_sub(19));
        push_digits_u64(buf, u64::try_from(low).unwrap_or(0), 19);
    }
}

fn push_digits_u64(buf: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut n = 0;
    while v > 0 || n < width.max(1) {
        if let Some(slot) = tmp.get_mut(n) {
            *slot = b'0' + u8::try_from(v % 10).unwrap_or(0);
        }
        v /= 10;
        n += 1;
    }
    buf.extend(tmp.iter().take(n).rev());
}

/// Appends a count of hundredths as `units.hh` (`123456` → `1234.56`, `-5` → `-0.05`).
fn push_hundredths(buf: &mut Vec<u8>, v: i128) {
    if v < 0 {
        buf.push(b'-');
    }
    let u = v.unsigned_abs();
    push_digits(buf, u / 100, 1);
    buf.push(b'.');
    push_digits(buf, u % 100, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_print_with_two_places() {
        let mut b = Vec::new();
        for v in [0, 5, 100, 123_456, -5, 10_000_000_000_000_000_000] {
            push_hundredths(&mut b, v);
            b.push(b' ');
        }
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "0.00 0.05 1.00 1234.56 -0.05 100000000000000000.00 "
        );
    }

    #[test]
    fn rates_round_half_up_on_the_exact_quotient() {
        // 1/2000 = 0.05% exactly; 1/200000 = 0.0005% → 0.00; 1/40000 = 0.0025% → 0.00 (half of a hundredth is 0.005)
        assert_eq!(Percent2::of_fen(1, 2000).map(Percent2::hundredths), Some(5));
        assert_eq!(
            Percent2::of_fen(1, 20_000).map(Percent2::hundredths),
            Some(1)
        ); // 0.005% → 0.01
        assert_eq!(
            Percent2::of_fen(1, 20_001).map(Percent2::hundredths),
            Some(0)
        );
        assert_eq!(
            Percent2::of_fen(-1, 20_000).map(Percent2::hundredths),
            Some(-1)
        );
        assert_eq!(Percent2::of_fen(5, 0), None);
    }

    /// The CSV writer's integer formula against the crate's one rounding path, on the
    /// domain of [`Ratio`] (quotients up to 10¹⁵).
    fn agrees_with_ratio(n: i128, d: i128) {
        if n > d.saturating_mul(1_000_000_000_000_000) {
            return;
        }
        let fast = Percent2::of_fen(n, d).map(|p| p.to_string());
        let whole = Money::checked_from_fen(d).unwrap();
        let ratio = Ratio::of(Money::checked_from_fen(n).unwrap(), whole).ok();
        let exact = ratio.map(|r| r.to_percent(Rounding::half_up(2)).to_string());
        assert_eq!(fast, exact, "{n} / {d} 分");
    }

    #[test]
    fn the_fast_rate_is_ratio_half_up_on_every_golden_vector() {
        let golden = include_str!("../../tests/data/rates.csv");
        let fen = |t: &str| {
            let d: Decimal = t.parse().unwrap();
            (d.scale() <= 2 && d > Decimal::ZERO).then(|| {
                let mut f = d * Decimal::ONE_HUNDRED;
                f.rescale(0);
                f.mantissa()
            })
        };
        let mut checked = 0;
        for line in golden.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (Some(n), Some(d)) = (fen(f[0]), fen(f[1])) else {
                continue;
            };
            agrees_with_ratio(n, d);
            if f[2] == "2" {
                let fast = Percent2::of_fen(n, d).unwrap().to_string();
                assert_eq!(fast, f[3], "{line}");
            }
            checked += 1;
        }
        assert!(
            checked >= 10,
            "{checked} golden vectors with whole-分 parts"
        );
    }

    proptest::proptest! {
        #[test]
        fn the_fast_rate_is_ratio_half_up_on_random_fen(
            n in 1..=i128::from(i64::MAX),
            d in 1..=i128::from(i64::MAX),
            small in 1i128..100_000,
        ) {
            agrees_with_ratio(n, d);
            agrees_with_ratio(small, d);
            agrees_with_ratio(n, small);
            agrees_with_ratio(small, small + 1);
            // Report sums are i128: 20,000,000 buckets of i64 分 at most.
            agrees_with_ratio(n * 20_000_000, d);
        }
    }

    #[test]
    fn sources_and_categories_sort_as_strings() {
        let s: [usize; 4] = order_by_name(level_name);
        assert_eq!(s, [0, 2, 3, 1]);
        let c: [usize; 5] = order_by_name(category_name);
        assert_eq!(c, [0, 1, 2, 4, 3]);
    }
}
