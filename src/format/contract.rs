//! The national report's machine format (the benchmark contract CSV).

use std::io::{self, Write};

use chrono::NaiveDate;

use crate::dim::{FundLevel, RegionLevel};
use crate::money::{NoRatio, Ratio, Rounding};
use crate::report::{CategoryKey, Execution, ExecutionOptions, ExecutionRow, Grouping, Progress};

/// The header line of the national contract CSV (without the line end).
pub const NATIONAL_CSV_HEADER: &str = "level,county_code,source,category,allocated_yuan,spent_yuan,disbursement_rate_pct,planned_investment_yuan,pool_coverage_pct";

/// What the national contract CSV is a rendering of: by county, fund level and category,
/// with a subtotal per county, per level and per category.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::format::national_csv_options;
/// use fundtrack::report::Grouping;
///
/// let opts = national_csv_options(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
/// assert_eq!(opts.subtotals(), [Grouping::REGION, Grouping::LEVEL, Grouping::CATEGORY]);
/// ```
pub fn national_csv_options(as_of: NaiveDate) -> ExecutionOptions {
    ExecutionOptions::new(as_of)
        .by_region(RegionLevel::County)
        .by_level()
        .by_category()
        .subtotal(Grouping::REGION)
        .subtotal(Grouping::LEVEL)
        .subtotal(Grouping::CATEGORY)
}

/// The national report as the contract CSV (全国报表 CSV): a [`NATIONAL_CSV_HEADER`] line,
/// then `bucket` rows (county × level × category), `county` rows (with the planned
/// investment of the county's pooled projects and the pool coverage), `source` rows (per fund
/// level), `category` rows and one `overall` row; LF line ends.
///
/// Within each kind, rows are ordered by county code, then level and category compared as
/// their machine names (`central < city < county < provincial`). Amounts are exact 元 with 2
/// decimals; rates are percentages rounded half-up to 2 decimals, empty where nothing is
/// allocated. The report must be grouped as [`national_csv_options`] says (other subtotals
/// are refused); the `overall` row is written when there is any bucket row.
///
/// # Errors
///
/// The writer's error, or [`io::ErrorKind::InvalidInput`] for rows of another grouping.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use fundtrack::bulk::{Aggregator, BulkOptions};
/// use fundtrack::format::{national_csv, national_csv_options};
///
/// let a = "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,450521,central,industry,300.00\n";
/// let e = "id,date,project_id,county_code,source,category,amount_yuan\n1,2025-02-05,7,450521,central,industry,100.00\n";
/// let p = "id,county_code,category,planned_investment_yuan,status\n7,450521,industry,450.00,in_progress\n";
/// let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
/// let mut agg = Aggregator::new(BulkOptions::new(as_of));
/// agg.read_allocations("allocations.csv", a.as_bytes())?;
/// agg.read_projects("projects.csv", p.as_bytes())?;
/// agg.read_expenditures("expenditures.csv", e.as_bytes())?;
/// let report = agg.into_partials().execution(national_csv_options(as_of))?;
///
/// let mut csv = Vec::new();
/// national_csv(&report, &mut csv)?;
/// assert_eq!(String::from_utf8(csv)?, "\
/// level,county_code,source,category,allocated_yuan,spent_yuan,disbursement_rate_pct,planned_investment_yuan,pool_coverage_pct
/// bucket,450521,central,industry,300.00,100.00,33.33,,
/// county,450521,,,300.00,100.00,33.33,450.00,150.00
/// source,,central,,300.00,100.00,33.33,,
/// category,,,industry,300.00,100.00,33.33,,
/// overall,,,,300.00,100.00,33.33,,
/// ");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn national_csv<W: Write>(report: &Execution, mut out: W) -> io::Result<()> {
    let ranks = Ranks::of(report);
    let mut rows: Vec<(RowKey, &ExecutionRow)> = Vec::with_capacity(report.rows().len());
    for row in report.rows() {
        rows.push((RowKey::of(row, &ranks)?, row));
    }
    // A report's rows come sorted by kind and county already; only the few rows of one
    // county (levels and categories by machine name) need sorting. Any other order gets a
    // full sort.
    for run in rows.chunk_by_mut(|a, b| a.0.0 >> 64 == b.0.0 >> 64) {
        run.sort_unstable_by_key(|r| r.0);
    }
    if !rows.is_sorted_by_key(|r| r.0) {
        rows.sort_unstable_by_key(|r| r.0);
    }
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(NATIONAL_CSV_HEADER.as_bytes());
    buf.push(b'\n');
    let mut any_bucket = false;
    for (key, row) in &rows {
        any_bucket |= key.kind() == Kind::Bucket;
        let k = row.key();
        buf.extend_from_slice(key.kind().as_str().as_bytes());
        buf.push(b',');
        if let Some(region) = k.region() {
            push_digits(&mut buf, u128::from(region.get()), 6);
        }
        buf.push(b',');
        buf.extend_from_slice(k.level().map_or("", FundLevel::machine_name).as_bytes());
        buf.push(b',');
        buf.extend_from_slice(
            k.category()
                .map_or("", CategoryKey::machine_name)
                .as_bytes(),
        );
        buf.push(b',');
        figures(&mut buf, row.progress(), key.kind() == Kind::County)?;
        if buf.len() > (1 << 16) - 512 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    if any_bucket {
        buf.extend_from_slice(b"overall,,,,");
        figures(&mut buf, report.total(), false)?;
    }
    out.write_all(&buf)?;
    out.flush()
}

/// The figures of one row: amounts, rate and, on county rows, planned investment and coverage.
fn figures(buf: &mut Vec<u8>, p: &Progress, with_planned: bool) -> io::Result<()> {
    // Empty where nothing is allocated; any other missing ratio (a quotient beyond ±10¹⁵,
    // a data error) is an error, never an empty field or a sentinel.
    let percent = |r: Result<Ratio, NoRatio>| match r {
        Ok(r) => Ok(Some(r.to_percent(Rounding::HALF_UP_2))),
        Err(NoRatio::ZeroBase) => Ok(None),
        Err(e) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a rate of spent {} over allocated {}: {e}",
                p.spent(),
                p.allocated()
            ),
        )),
    };
    push_hundredths(buf, p.allocated().to_fen());
    buf.push(b',');
    push_hundredths(buf, p.spent().to_fen());
    buf.push(b',');
    if let Some(rate) = percent(p.rate())? {
        push_decimal(buf, rate);
    }
    buf.push(b',');
    if with_planned {
        let planned = p.planned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a county row without planned investment (report over a source mix?)",
            )
        })?;
        push_hundredths(buf, planned.to_fen());
        buf.push(b',');
        if let Some(cov) = p.coverage().map(percent).transpose()?.flatten() {
            push_decimal(buf, cov);
        }
    } else {
        buf.push(b',');
    }
    buf.push(b'\n');
    Ok(())
}

/// Appends a value rounded to 2 places (a percentage from [`Ratio::to_percent`]).
fn push_decimal(buf: &mut Vec<u8>, d: rust_decimal::Decimal) {
    debug_assert_eq!(d.scale(), 2, "rounded to 2 places");
    push_hundredths(buf, d.mantissa());
}

/// Appends a count of hundredths as `units.hh` (`123456` → `1234.56`, `-5` → `-0.05`): an
/// amount in 分 as 元, or a percentage rounded to 2 places.
fn push_hundredths(buf: &mut Vec<u8>, v: i128) {
    if v < 0 {
        buf.push(b'-');
    }
    let u = v.unsigned_abs();
    let Ok(small) = u64::try_from(u) else {
        push_digits(buf, u / 100, 1);
        buf.push(b'.');
        push_digits(buf, u % 100, 2);
        return;
    };
    // Every figure of a report this century: 64-bit arithmetic, the digits written
    // backwards into a small array, then appended at once.
    // Hundredths, the point, then at least one digit of units: at most 21 bytes.
    let mut text = [0u8; 24];
    let mut len = 0;
    let mut rest = small;
    for (i, slot) in text.iter_mut().rev().enumerate() {
        *slot = if i == 2 {
            b'.'
        } else {
            // `rest % 10` is a digit.
            let digit = (rest % 10) as u8;
            rest /= 10;
            b'0' + digit
        };
        len = i + 1;
        if i >= 3 && rest == 0 {
            break;
        }
    }
    debug_assert!(len <= text.len(), "a u64 has at most 20 digits");
    buf.extend_from_slice(text.get(text.len() - len..).unwrap_or_default());
}

/// Appends `v` in decimal, zero-padded to `width` digits.
fn push_digits(buf: &mut Vec<u8>, v: u128, width: usize) {
    let start = buf.len();
    // 128-bit division is a library call: the digits beyond 64 bits (never for sums of
    // Money in 分 this century) come first, the rest in 64 bits.
    let mut v = v;
    let mut low = loop {
        if let Ok(small) = u64::try_from(v) {
            break small;
        }
        // `v % 10` is a digit: the cast keeps it whole.
        buf.push(b'0' + (v % 10) as u8);
        v /= 10;
    };
    while low > 0 || buf.len() - start < width.max(1) {
        buf.push(b'0' + (low % 10) as u8);
        low /= 10;
    }
    if let Some(digits) = buf.get_mut(start..) {
        digits.reverse();
    }
}

/// The kind of a contract row, in output order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Bucket,
    County,
    Source,
    Category,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Bucket => "bucket",
            Kind::County => "county",
            Kind::Source => "source",
            Kind::Category => "category",
        }
    }
}

/// Ranks of levels and categories by machine name, for one report.
struct Ranks<'a> {
    levels: [usize; 4],
    categories: Vec<&'a CategoryKey>,
}

impl<'a> Ranks<'a> {
    fn of(report: &'a Execution) -> Ranks<'a> {
        let mut levels = [0usize; 4];
        for (l, rank) in FundLevel::ALL.iter().zip(&mut levels) {
            *rank = FundLevel::ALL
                .iter()
                .filter(|o| o.machine_name() < l.machine_name())
                .count();
        }
        let mut categories: Vec<&CategoryKey> = Vec::new();
        for row in report.rows() {
            if let Some(c) = row.key().category() {
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
        }
        categories.sort_by_key(|c| c.machine_name());
        Ranks { levels, categories }
    }

    #[expect(clippy::expect_used, reason = "one rank per level of FundLevel::ALL")]
    fn level(&self, level: FundLevel) -> usize {
        *self
            .levels
            .get(level.index())
            .expect("a rank for every level")
    }

    #[expect(
        clippy::expect_used,
        reason = "the ranks list every category of the report"
    )]
    fn category(&self, category: &CategoryKey) -> usize {
        self.categories
            .iter()
            .position(|c| *c == category)
            .expect("a category of the report's rows")
    }
}

/// A row's place in the contract, packed to sort as one integer: kind (bits 96–127), county
/// (64–95), then level (56–63) and category (0–55) by machine name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct RowKey(u128);

impl RowKey {
    fn kind(self) -> Kind {
        match self.0 >> 96 {
            0 => Kind::Bucket,
            1 => Kind::County,
            2 => Kind::Source,
            _ => Kind::Category,
        }
    }

    fn of(row: &ExecutionRow, ranks: &Ranks<'_>) -> io::Result<RowKey> {
        let k = row.key();
        let g = k.grouping();
        let kind = if g == Grouping::REGION | Grouping::LEVEL | Grouping::CATEGORY {
            Kind::Bucket
        } else if g == Grouping::REGION {
            Kind::County
        } else if g == Grouping::LEVEL {
            Kind::Source
        } else if g == Grouping::CATEGORY {
            Kind::Category
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the national CSV has bucket, county, source and category rows only (see national_csv_options)",
            ));
        };
        // Rows without a dimension sort before the others of their kind; each kind has one.
        let region = k.region().map_or(0, crate::RegionCode::get);
        // Levels rank below 4; categories of one report far below 2⁵⁶.
        let level = k.level().map_or(0, |l| ranks.level(l)) as u128;
        let category = k.category().map_or(0, |c| ranks.category(c)) as u128;
        debug_assert!(level < 4 && category < 1 << 56);
        Ok(RowKey(
            (kind as u128) << 96 | u128::from(region) << 64 | level << 56 | category,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hundredths through the 64-bit path and the 128-bit one agree with plain formatting.
    #[test]
    fn hundredths_as_text() {
        let text = |v: i128| {
            let mut buf = Vec::new();
            push_hundredths(&mut buf, v);
            String::from_utf8(buf).unwrap()
        };
        let plain = |v: i128| {
            let sign = if v < 0 { "-" } else { "" };
            let u = v.unsigned_abs();
            format!("{sign}{}.{:02}", u / 100, u % 100)
        };
        let big = i128::from(u64::MAX);
        for v in [
            0,
            5,
            -5,
            10,
            99,
            100,
            123_456,
            -123_456,
            10_000_000_000,
            big - 1,
            big,
            big + 1,
            -big - 1,
            i128::MAX,
            i128::MIN,
        ] {
            assert_eq!(text(v), plain(v), "{v}");
        }
        assert_eq!(text(5), "0.05");
        assert_eq!(text(123_456), "1234.56");
    }
}
