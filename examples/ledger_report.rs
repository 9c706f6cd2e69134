//! The national budget-execution report through the embedded [`Ledger`]: the benchmark
//! contract (`bench/README.md`) with every check of the ledger (SPEC §6), overspending per
//! bucket at every date included.
//!
//! ```text
//! ledger_report --allocations A --projects P --expenditures E --as-of YYYY-MM-DD [--format csv] [--regions R]
//! ```
//!
//! The kit's command line does not name its regions file: it is `regions.csv` beside the
//! allocations unless `--regions` says otherwise. The fiscal year is the as-of date's.
//! The example opens the files; the library reads, checks, sums, rounds and writes the CSV
//! (`format::national_csv`, the same writer as `national_report`).

use std::fs::File;
use std::io;
use std::path::Path;
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate};
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::import::{CsvKind, import_csv};
use fundtrack::{FiscalYear, Ledger};

struct Args {
    regions: String,
    allocations: String,
    projects: String,
    expenditures: String,
    as_of: NaiveDate,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut regions, mut allocations, mut projects, mut expenditures, mut as_of) =
        (None, None, None, None, None);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--regions" => regions = Some(value()?),
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
                "csv" => {}
                other => return Err(format!("--format {other}: expected csv")),
            },
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let need = |v: Option<String>, f: &str| v.ok_or_else(|| format!("{f} is required"));
    let allocations = need(allocations, "--allocations")?;
    let regions = regions.unwrap_or_else(|| {
        let dir = Path::new(&allocations).parent().unwrap_or(Path::new(""));
        dir.join("regions.csv").to_string_lossy().into_owned()
    });
    Ok(Args {
        regions,
        allocations,
        projects: need(projects, "--projects")?,
        expenditures: need(expenditures, "--expenditures")?,
        as_of: as_of.ok_or("--as-of is required")?,
    })
}

fn run() -> Result<(), String> {
    let args = args()?;
    let year = FiscalYear::new(args.as_of.year()).map_err(|e| e.to_string())?;
    let mut ledger = Ledger::new(year);
    for (kind, path) in [
        (CsvKind::Regions, &args.regions),
        (CsvKind::Projects, &args.projects),
        (CsvKind::Allocations, &args.allocations),
        (CsvKind::Expenditures, &args.expenditures),
    ] {
        // One batch per file, each whole or not at all, streamed into the ledger; later
        // files refer to earlier ones.
        let file = File::open(path).map_err(|e| format!("{path}: {e}"))?;
        import_csv(&mut ledger, kind, path, file).map_err(|e| e.to_string())?;
    }
    let report = ledger.execution(national_csv_options(args.as_of));
    national_csv(&report, io::stdout().lock()).map_err(|e| format!("writing the report: {e}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ledger_report: {e}");
            ExitCode::FAILURE
        }
    }
}
