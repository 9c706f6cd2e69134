//! The national budget-execution report over CSV files (the benchmark contract in
//! `bench/README.md`).
//!
//! ```text
//! national_report --allocations A --projects P --expenditures E --as-of YYYY-MM-DD [--format csv|text]
//! ```
//!
//! The example opens the files and hands them to [`fundtrack::bulk`]; the library does the
//! reading, summing, rounding and the CSV.

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;

use chrono::NaiveDate;
use fundtrack::Rounding;
use fundtrack::bulk::{Aggregator, BulkOptions};
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::report::{Execution, Grouping, Progress};

struct Args {
    allocations: String,
    projects: String,
    expenditures: String,
    as_of: NaiveDate,
    text: bool,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut allocations, mut projects, mut expenditures, mut as_of, mut text) =
        (None, None, None, None, false);
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
    })
}

fn run() -> Result<(), String> {
    let args = args()?;
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let mut agg = Aggregator::new(BulkOptions::new(args.as_of).threads(threads));
    let open = |path: &str| File::open(path).map_err(|e| format!("{path}: {e}"));
    agg.read_allocations(&args.allocations, open(&args.allocations)?)
        .map_err(|e| e.to_string())?;
    agg.read_projects(&args.projects, open(&args.projects)?)
        .map_err(|e| e.to_string())?;
    agg.read_expenditures(&args.expenditures, open(&args.expenditures)?)
        .map_err(|e| e.to_string())?;
    let report = agg
        .into_partials()
        .execution(national_csv_options(args.as_of))
        .map_err(|e| e.to_string())?;
    let stdout = io::stdout().lock();
    let written = if args.text {
        summary(&report, stdout)
    } else {
        national_csv(&report, stdout)
    };
    written.map_err(|e| format!("writing the report: {e}"))
}

/// A readable summary: the overall figures, each source and category, and the counties
/// furthest behind.
fn summary(report: &Execution, mut out: impl Write) -> io::Result<()> {
    let rate = |p: &Progress| {
        p.rate().map_or("—".to_owned(), |r| {
            format!("{}%", r.to_percent(Rounding::HALF_UP_2))
        })
    };
    let line = |out: &mut dyn Write, name: &str, p: &Progress| {
        writeln!(
            out,
            "  {name:<26} allocated {:>20}  spent {:>20}  disbursed {:>8}",
            p.allocated().to_string(),
            p.spent().to_string(),
            rate(p)
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
