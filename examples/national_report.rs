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

use fundtrack::bulk::{Aggregator, BulkOptions, Overspending, SpendingCheck};
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::report::{Execution, Grouping, Progress};
use fundtrack::{NoRatio, Rounding};

#[path = "kit/args.rs"]
mod kit_args;

use kit_args::{KitArgs, pick};

struct Args {
    kit: KitArgs,
    check: SpendingCheck,
    overspending: Overspending,
}

fn args() -> Result<Args, String> {
    let (mut check, mut overspending) = (SpendingCheck::Totals, Overspending::Error);
    let kit = kit_args::parse(&["csv", "text"], |flag, value| {
        match flag {
            "--spending-check" => {
                let choices = [
                    ("totals", SpendingCheck::Totals),
                    ("every-date", SpendingCheck::EveryDate),
                ];
                check = pick(flag, &value()?, &choices)?;
            }
            "--overspending" => {
                let choices = [("error", Overspending::Error), ("warn", Overspending::Warn)];
                overspending = pick(flag, &value()?, &choices)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(Args {
        kit,
        check,
        overspending,
    })
}

fn run() -> Result<(), String> {
    let args = args()?;
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let options = BulkOptions::new(args.kit.as_of)
        .threads(threads)
        .spending_check(args.check)
        .overspending(args.overspending);
    let mut agg = Aggregator::new(options);
    let open = |path: &str| File::open(path).map_err(|e| format!("{path}: {e}"));
    agg.read_allocations(&args.kit.allocations, open(&args.kit.allocations)?)
        .map_err(|e| e.to_string())?;
    agg.read_projects(&args.kit.projects, open(&args.kit.projects)?)
        .map_err(|e| e.to_string())?;
    agg.read_expenditures(&args.kit.expenditures, open(&args.kit.expenditures)?)
        .map_err(|e| e.to_string())?;
    for w in agg.warnings() {
        eprintln!("national_report: warning: {w}");
    }
    let report = agg
        .into_partials()
        .execution(national_csv_options(args.kit.as_of))
        .map_err(|e| e.to_string())?;
    // The whole report first, so that an error leaves no partial output.
    let mut buf = Vec::new();
    let rendered = if args.kit.format == "text" {
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
