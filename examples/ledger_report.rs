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

use chrono::Datelike;
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::import::{CsvKind, import_csv};
use fundtrack::{FiscalYear, Ledger};

#[path = "kit/args.rs"]
mod kit_args;

use kit_args::KitArgs;

struct Args {
    kit: KitArgs,
    regions: String,
}

fn args() -> Result<Args, String> {
    let mut regions = None;
    let kit = kit_args::parse(&["csv"], |flag, value| {
        if flag != "--regions" {
            return Ok(false);
        }
        regions = Some(value()?);
        Ok(true)
    })?;
    let regions = regions.unwrap_or_else(|| {
        let dir = Path::new(&kit.allocations)
            .parent()
            .unwrap_or(Path::new(""));
        dir.join("regions.csv").to_string_lossy().into_owned()
    });
    Ok(Args { kit, regions })
}

fn run() -> Result<(), String> {
    let args = args()?;
    let year = FiscalYear::new(args.kit.as_of.year()).map_err(|e| e.to_string())?;
    let mut ledger = Ledger::new(year);
    for (kind, path) in [
        (CsvKind::Regions, &args.regions),
        (CsvKind::Projects, &args.kit.projects),
        (CsvKind::Allocations, &args.kit.allocations),
        (CsvKind::Expenditures, &args.kit.expenditures),
    ] {
        // One batch per file, each whole or not at all, streamed into the ledger; later
        // files refer to earlier ones.
        let file = File::open(path).map_err(|e| format!("{path}: {e}"))?;
        import_csv(&mut ledger, kind, path, file).map_err(|e| e.to_string())?;
    }
    let report = ledger.execution(national_csv_options(args.kit.as_of));
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
