//! CSV export of records and execution reports (reading CSV is [`crate::import`]).

use super::names::{RegionNames, region_name};
use crate::import::CsvKind;
use crate::ledger::Ledger;
use crate::money::{Money, Rounding, Unit};
use crate::record::AdjustmentKind;
use crate::report::{Execution, Progress};

/// A CSV field, quoted when it holds a comma, quote or line break or has spaces at an end.
pub(crate) fn field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.trim() != s;
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn push_line(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
}

/// The ledger's records of `kind` as CSV (LF line ends, machine names, no separators or
/// currency signs), amounts in `unit` with every 分 (`amount_wan` → 6 decimals), so that
/// [`import_csv`](crate::import::import_csv) reads back the same records.
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger};
/// use fundtrack::format::records_csv;
/// use fundtrack::import::CsvKind;
/// use fundtrack::money::Unit;
/// use fundtrack::record::{Allocation, Region};
/// use chrono::NaiveDate;
///
/// let city = "450500".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(city, "北海市")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(), city,
///     FundLevel::City, "14753万元".parse()?)])?;
/// assert_eq!(
///     records_csv(&ledger, CsvKind::Allocations, Unit::Wan),
///     "id,date,region,level,category,amount_wan,doc_no,batch\nA-1,2021-03-01,450500,city,,14753.000000,,\n",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[expect(
    clippy::too_many_lines,
    reason = "one arm per record kind, each a list of cells"
)]
pub fn records_csv(ledger: &Ledger, kind: CsvKind, unit: Unit) -> String {
    let amount = |m: Money| {
        m.round_in(
            unit,
            Rounding::known(crate::RoundMode::HalfUp, unit.exponent() + 2),
        )
        .to_string()
    };
    let suffix = match unit {
        Unit::Wan => "wan",
        Unit::Yi => "yi",
        _ => "yuan",
    };
    let header: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| c.replace("yuan", suffix))
        .collect();
    let mut out = String::new();
    push_line(&mut out, &header);
    match kind {
        CsvKind::Regions => {
            for r in ledger.regions() {
                push_line(&mut out, &[r.code().to_string(), r.name().to_owned()]);
            }
        }
        CsvKind::Allocations => {
            for a in ledger.allocations() {
                push_line(
                    &mut out,
                    &[
                        a.id().to_string(),
                        a.date().to_string(),
                        a.region().to_string(),
                        a.level().machine_name().to_owned(),
                        a.category()
                            .map_or_else(String::new, |c| c.machine_name().to_owned()),
                        amount(a.amount()),
                        a.doc_no().map_or_else(String::new, ToString::to_string),
                        a.batch().map_or_else(String::new, |b| b.to_string()),
                    ],
                );
            }
        }
        CsvKind::Projects => {
            for p in ledger.projects() {
                push_line(
                    &mut out,
                    &[
                        p.id().to_string(),
                        p.region().to_string(),
                        p.category().machine_name().to_owned(),
                        amount(p.planned()),
                        p.stage().machine_name().to_owned(),
                        p.year().to_string(),
                        p.name().unwrap_or_default().to_owned(),
                    ],
                );
            }
        }
        CsvKind::Expenditures => {
            for e in ledger.expenditures() {
                push_line(
                    &mut out,
                    &[
                        e.id().to_string(),
                        e.date().to_string(),
                        e.project().to_string(),
                        e.region().to_string(),
                        e.level().machine_name().to_owned(),
                        e.category().machine_name().to_owned(),
                        amount(e.amount()),
                    ],
                );
            }
        }
        CsvKind::Adjustments => {
            let bucket = |b: Option<&crate::record::Bucket>| match b {
                Some(b) => [
                    b.region().to_string(),
                    b.level().machine_name().to_owned(),
                    b.category()
                        .map_or_else(|| "unassigned".to_owned(), |c| c.machine_name().to_owned()),
                ],
                None => [String::new(), String::new(), String::new()],
            };
            for a in ledger.adjustments() {
                let (kind, from, to, year) = match a.kind() {
                    AdjustmentKind::Recovery { from } => ("recovery", Some(from), None, None),
                    AdjustmentKind::Reallocation { from, to } => {
                        ("reallocation", Some(from), Some(to), None)
                    }
                    AdjustmentKind::CarryIn { to, from_year } => {
                        ("carry_in", Some(to), Some(to), Some(*from_year))
                    }
                };
                let mut cells = vec![a.id().to_string(), a.date().to_string(), kind.to_owned()];
                cells.extend(bucket(from));
                cells.extend(bucket(to));
                cells.push(year.map_or_else(String::new, |y| y.to_string()));
                cells.push(amount(a.amount()));
                push_line(&mut out, &cells);
            }
        }
    }
    out
}

/// An execution report as CSV (LF line ends, no separators or currency signs): a `row`
/// column (`group` or `total`), the grouping columns (`region,region_name`, `level`,
/// `category` in machine names), `allocated_yuan,spent_yuan` (exact, 2 decimals) and
/// `rate_percent,gap_points` rounded with `rounding` (empty where there is no rate).
///
/// # Example
///
/// ```
/// use fundtrack::{FiscalYear, FundLevel, Ledger, Rounding};
/// use fundtrack::format::execution_csv;
/// use fundtrack::record::{Allocation, Region};
/// use fundtrack::report::ExecutionOptions;
/// use chrono::NaiveDate;
///
/// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
/// let city = "450500".parse()?;
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new(city, "北海市")])?;
/// ledger.insert([Allocation::new("A-1".parse()?, d, city, FundLevel::City, "1,234.5元".parse()?)])?;
/// let csv = execution_csv(&ledger.execution(ExecutionOptions::new(d).by_level()), Some(&ledger), Rounding::default());
/// assert_eq!(
///     csv,
///     "row,level,allocated_yuan,spent_yuan,rate_percent,gap_points\n\
///      group,city,1234.50,0.00,0.00,-75.00\n\
///      total,,1234.50,0.00,0.00,-75.00\n",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn execution_csv(
    report: &Execution,
    names: Option<&dyn RegionNames>,
    rounding: Rounding,
) -> String {
    let grouping = report.options().grouping();
    let (by_region, by_level, by_category) =
        (grouping.region(), grouping.level(), grouping.category());
    let mut header = vec!["row".to_owned()];
    if by_region {
        header.extend(["region".to_owned(), "region_name".to_owned()]);
    }
    if by_level {
        header.push("level".to_owned());
    }
    if by_category {
        header.push("category".to_owned());
    }
    header
        .extend(["allocated_yuan", "spent_yuan", "rate_percent", "gap_points"].map(str::to_owned));
    let mut out = String::new();
    push_line(&mut out, &header);
    let figures = |row: &Progress| {
        let rate = row
            .rate()
            .map_or_else(|_| String::new(), |r| r.to_percent(rounding).to_string());
        let gap = report
            .gap(row)
            .map_or_else(|_| String::new(), |g| g.gap().round(rounding).to_string());
        [
            row.allocated().as_decimal().to_string(),
            row.spent().as_decimal().to_string(),
            rate,
            gap,
        ]
    };
    for row in report.rows() {
        let k = row.key();
        let kind = if row.key().grouping() == grouping {
            "group"
        } else {
            "subtotal"
        };
        let mut cells = vec![kind.to_owned()];
        if by_region {
            let code = k.region();
            cells.push(code.map_or_else(String::new, |c| c.to_string()));
            cells.push(code.map_or_else(String::new, |c| region_name(c, names)));
        }
        if by_level {
            cells.push(k.level().map_or("", |l| l.machine_name()).to_owned());
        }
        if by_category {
            cells.push(k.category().map_or("", |c| c.machine_name()).to_owned());
        }
        cells.extend(figures(row.progress()));
        push_line(&mut out, &cells);
    }
    let lead = usize::from(by_region) * 2 + usize::from(by_level) + usize::from(by_category);
    let mut cells = vec!["total".to_owned()];
    cells.extend(std::iter::repeat_n(String::new(), lead));
    cells.extend(figures(report.total()));
    push_line(&mut out, &cells);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("北海市"), "北海市");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field(" x"), "\" x\"");
    }
}
