//! County rankings by disbursement rate (支出进度排名), of the kind provinces use to decide
//! later batches.

use chrono::NaiveDate;

use super::{Execution, ExecutionRow};
use crate::dim::RegionCode;
use crate::money::Ratio;

/// One region's place in a [`Ranking`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Ranked {
    rank: usize,
    region: RegionCode,
    rate: Ratio,
    row: ExecutionRow,
}

impl Ranked {
    /// The rank (1 = fastest); regions with exactly equal rates share a rank (1, 2, 2, 4).
    pub fn rank(&self) -> usize {
        self.rank
    }
    /// The region.
    pub fn region(&self) -> RegionCode {
        self.region
    }
    /// Its disbursement rate, unrounded.
    pub fn rate(&self) -> Ratio {
        self.rate
    }
    /// Its execution row.
    pub fn row(&self) -> &ExecutionRow {
        &self.row
    }
}

/// Regions ordered by disbursement rate (支出进度排名), the list a province uses to withhold
/// later batches from the slowest counties.
///
/// Built from an execution report grouped by region: fastest first by the exact (unrounded)
/// rate, equal rates ordered by region code and sharing a rank. Regions with nothing
/// allocated have no rate and are listed apart ([`Ranking::unranked`]), not ranked last at
/// 0%. Ordering is presentation: no figure is changed.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, ProjectStage};
/// use fundtrack::dim::RegionLevel;
/// use fundtrack::report::Ranking;
/// use fundtrack::record::{Allocation, Expenditure, Project, Region};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let d = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// for (i, (code, name)) in [("450502", "海城区"), ("450512", "铁山港区")].into_iter().enumerate() {
///     let code = code.parse()?;
///     ledger.insert([Region::new(code, name)])?;
///     ledger.insert([Allocation::new(format!("A-{i}").parse()?, d, code, FundLevel::Central,
///         "100万元".parse()?).with_category(Category::Industry)])?;
/// }
/// ledger.insert([Project::new("P-1".parse()?, "450512".parse()?, Category::Industry, "100万元".parse()?,
///     ProjectStage::Implementing, 2021)])?;
/// ledger.insert([Expenditure::new("E-1".parse()?, d, "P-1".parse()?, "450512".parse()?,
///     FundLevel::Central, Category::Industry, "40万元".parse()?)])?;
/// let report = ledger.execution(ExecutionOptions::new(d).by_region(RegionLevel::County));
/// let ranking = Ranking::new(&report);
/// let order: Vec<String> = ranking.entries().iter().map(|r| r.region().to_string()).collect();
/// assert_eq!(order, ["450512", "450502"]);
/// assert_eq!(ranking.bottom(1)[0].rank(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Ranking {
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    as_of: NaiveDate,
    expected: Ratio,
    entries: Vec<Ranked>,
    unranked: Vec<ExecutionRow>,
}

impl Ranking {
    /// The ranking of the report's region rows (rows without a region are ignored).
    pub fn new(report: &Execution) -> Ranking {
        let mut rated: Vec<(RegionCode, Ratio, ExecutionRow)> = Vec::new();
        let mut unranked = Vec::new();
        for row in report.rows() {
            let Some(code) = row.key().region() else {
                continue;
            };
            match row.rate() {
                Ok(rate) => rated.push((code, rate, row.clone())),
                Err(_) => unranked.push(row.clone()),
            }
        }
        rated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut entries: Vec<Ranked> = Vec::with_capacity(rated.len());
        for (i, (region, rate, row)) in rated.into_iter().enumerate() {
            let rank = match entries.last() {
                Some(prev) if prev.rate.cmp(&rate).is_eq() => prev.rank,
                _ => i + 1,
            };
            entries.push(Ranked {
                rank,
                region,
                rate,
                row,
            });
        }
        Ranking {
            as_of: report.as_of(),
            expected: report.expected(),
            entries,
            unranked,
        }
    }

    /// The as-of date of the report.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The schedule's expected rate at that date (序时进度).
    pub fn expected(&self) -> Ratio {
        self.expected
    }

    /// Every ranked region, fastest first.
    pub fn entries(&self) -> &[Ranked] {
        &self.entries
    }

    /// The `n` fastest.
    pub fn top(&self, n: usize) -> &[Ranked] {
        // `n.min(len)` is a valid split point.
        self.entries.split_at(n.min(self.entries.len())).0
    }

    /// The `n` slowest, in ranking order (the slowest last).
    pub fn bottom(&self, n: usize) -> &[Ranked] {
        // A count, not money: asking for more than there are gives them all.
        let start = self.entries.len().saturating_sub(n);
        self.entries.split_at(start).1
    }

    /// Regions with nothing allocated, hence no rate, in code order.
    pub fn unranked(&self) -> &[ExecutionRow] {
        &self.unranked
    }
}
