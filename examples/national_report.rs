//! The national budget-execution report over CSV files (the benchmark contract in
//! `bench/README.md`).
//!
//! ```text
//! national_report --allocations A --projects P --expenditures E --as-of YYYY-MM-DD [--format csv|text]
//!                 [--spending-check totals|every-date] [--overspending error|warn]
//! ```
//!
//! Spending beyond the money allocated is an error by default; `--overspending warn` prints
//! each overspent bucket to stderr and goes on. `--spending-check every-date` checks it at
//! every date, as the ledger does (see `fundtrack::bulk::SpendingCheck`).
//!
//! The example opens the files and hands them to [`fundtrack::bulk`]; the library does the
//! reading, summing, rounding and the CSV.

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;

use chrono::NaiveDate;
use fundtrack::bulk::{Aggregator, BulkOptions, Overspending, SpendingCheck};
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::report::{Execution, Grouping, Progress};
use fundtrack::{NoRatio, Rounding};

struct Args {
    allocations: String,
    projects: String,
    expenditures: String,
    as_of: NaiveDate,
    text: bool,
    check: SpendingCheck,
    overspending: Overspending,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut allocations, mut projects, mut expenditures, mut as_of, mut text) =
        (None, None, None, None, false);
    let (mut check, mut overspending) = (SpendingCheck::Totals, Overspending::Error);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--allocations" => allocations = Some(value()?),
            "--projects" => projects = Some(value()?),
            "--expenditures" => expenditures = Some(value()?),
            "--as-of" => {
                let v = value()?;
                as_of = Some(
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|err| format!("--as-of {v}: {err}"))?,
                );
            }
            "--format" => match value()?.as_str() {
                "csv" => text = false,
                "text" => text = true,
                other => return Err(format!("--format {other}: expected csv or text")),
            },
            "--spending-check" => match value()?.as_str() {
                "totals" => check = SpendingCheck::Totals,
                "every-date" => check = SpendingCheck::EveryDate,
                other => {
                    return Err(format!(
                        "--spending-check {other}: expected totals or every-date"
                    ));
                }
            },
            "--overspending" => match value()?.as_str() {
                "error" => overspending = Overspending::Error,
                "warn" => overspending = Overspending::Warn,
                other => return Err(format!("--overspending {other}: expected error or warn")),
            },
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let need = |v: Option<String>, f: &str| v.ok_or_else(|| format!("{f} is required"));
    Ok(Args {
        allocations: need(allocations, "--allocations")?,
        projects: need(projects, "--projects")?,
        expenditures: need(expenditures, "--expenditures")?,
        as_of: as_of.ok_or("--as-of is required")?,
        text,
        check,
        overspending,
    })
}

fn run() -> Result<(), String> {
    let args = args()?;
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let options = BulkOptions::new(args.as_of)
        .threads(threads)
        .spending_check(args.check)
        .overspending(args.overspending);
    let mut agg = Aggregator::new(options);
    let open = |path: &str| File::open(path).map_err(|e| format!("{path}: {e}"));
    agg.read_allocations(&args.allocations, open(&args.allocations)?)
        .map_err(|e| e.to_string())?;
    agg.read_projects(&args.projects, open(&args.projects)?)
        .map_err(|e| e.to_string())?;
    agg.read_expenditures(&args.expenditures, open(&args.expenditures)?)
        .map_err(|e| e.to_string())?;
    for w in agg.warnings() {
        eprintln!("national_report: warning: {w}");
    }
    let report = agg
        .into_partials()
        .execution(national_csv_options(args.as_of))
        .map_err(|e| e.to_string())?;
    // The whole report first, so that an error leaves no partial output.
    let mut buf = Vec::new();
    let rendered = if args.text {
        summary(&report, &mut buf)
    } else {
        national_csv(&report, &mut buf)
    };
    rendered.map_err(|e| format!("rendering the report: {e}"))?;
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&buf)
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("writing the report: {e}"))
}

/// A readable summary: the overall figures, each source and category, and the counties
/// furthest behind.
fn summary(report: &Execution, mut out: impl Write) -> io::Result<()> {
    // "—" where nothing is allocated, as the CSV leaves the field empty; a rate beyond
    // ±10¹⁵ % is an error in both.
    let rate = |p: &Progress| match p.rate() {
        Ok(r) => Ok(format!("{}%", r.to_percent(Rounding::HALF_UP_2))),
        Err(NoRatio::ZeroBase) => Ok("—".to_owned()),
        Err(e) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a rate of spent {} over allocated {}: {e}",
                p.spent(),
                p.allocated()
            ),
        )),
    };
    let line = |out: &mut dyn Write, name: &str, p: &Progress| {
        writeln!(
            out,
            "  {name:<26} allocated {:>20}  spent {:>20}  disbursed {:>8}",
            p.allocated().to_string(),
            p.spent().to_string(),
            rate(p)?
        )
    };
    writeln!(out, "National budget execution as of {}", report.as_of())?;
    for r in report.rows_of(Grouping::LEVEL) {
        let name = r.key().level().map_or("", |l| l.machine_name());
        line(&mut out, &format!("source {name}"), r.progress())?;
    }
    for r in report.rows_of(Grouping::CATEGORY) {
        let name = r.key().category().map_or("", |c| c.machine_name());
        line(&mut out, &format!("category {name}"), r.progress())?;
    }
    line(&mut out, "overall", report.total())?;
    let mut counties: Vec<_> = report.rows_of(Grouping::REGION).collect();
    writeln!(out, "{} counties; the 10 furthest behind:", counties.len())?;
    counties.sort_by_key(|r| (r.rate().ok(), r.key().region()));
    for r in counties.iter().take(10) {
        let code = r.key().region().map(|c| c.to_string()).unwrap_or_default();
        line(&mut out, &code, r.progress())?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("national_report: {e}");
            ExitCode::FAILURE
        }
    }
}
