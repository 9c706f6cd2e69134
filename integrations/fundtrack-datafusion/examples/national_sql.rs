//! The benchmark kit's national report as SQL in Apache DataFusion, with the exact
//! functions of `fundtrack-datafusion`.
//!
//! ```text
//! national_sql --allocations A --projects P --expenditures E --as-of YYYY-MM-DD [--format csv]
//!              [--partitions N] [--write-parquet DIR] [--sum exact|builtin]
//! ```
//!
//! `--sum builtin` sums with DataFusion's own `SUM(CAST(amount AS DECIMAL(18,2)))` instead
//! of `fundtrack_sum(fundtrack_yuan(amount))`, to time the exact functions against it; the
//! cast rounds an amount of more than 2 places silently, so it is not for reports.
//!
//! Inputs ending in `.parquet` are read as Parquet (amounts as `DECIMAL(18,2)`), others as
//! the kit's CSV. `--write-parquet DIR` writes the three inputs to `DIR` as Parquet
//! (`allocations.parquet`, …) before the report. DataFusion sums per (county, source,
//! category) with `fundtrack_sum` over `--partitions` partitions (default 4); the library
//! builds the report from those exact sums and renders the contract CSV ([`national_csv`]).
//! The steps, and the checks made on the way, are `fundtrack_datafusion::national`'s.

use std::io::{self, Write};
use std::process::ExitCode;

use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};
use fundtrack::NaiveDate;
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack_datafusion::national::{Kit, Sum};

struct Args {
    allocations: String,
    projects: String,
    expenditures: String,
    as_of: NaiveDate,
    partitions: usize,
    write_parquet: Option<String>,
    builtin_sum: bool,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut allocations, mut projects, mut expenditures, mut as_of) = (None, None, None, None);
    let (mut partitions, mut write_parquet, mut builtin_sum) = (4, None, false);
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
                "csv" => {}
                other => return Err(format!("--format {other}: expected csv")),
            },
            "--partitions" => {
                let v = value()?;
                partitions = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--partitions {v}: expected a positive number"))?;
            }
            "--write-parquet" => write_parquet = Some(value()?),
            "--sum" => match value()?.as_str() {
                "exact" => builtin_sum = false,
                "builtin" => builtin_sum = true,
                other => return Err(format!("--sum {other}: expected exact or builtin")),
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
        partitions,
        write_parquet,
        builtin_sum,
    })
}

async fn run() -> Result<(), String> {
    let args = args()?;
    let config = SessionConfig::new().with_target_partitions(args.partitions);
    let ctx = SessionContext::new_with_config(config);
    fundtrack_datafusion::register(&ctx);
    let fail = |e: DataFusionError| e.to_string();
    let kit = Kit::register(&ctx, &args.allocations, &args.projects, &args.expenditures)
        .await
        .map_err(fail)?;
    if let Some(dir) = &args.write_parquet {
        kit.write_parquet(&ctx, dir).await.map_err(fail)?;
    }
    let sum = if args.builtin_sum {
        Sum::Builtin
    } else {
        Sum::Exact
    };
    let partials = kit.partials(&ctx, args.as_of, sum).await.map_err(fail)?;
    let report = partials
        .execution(national_csv_options(args.as_of))
        .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    national_csv(&report, &mut buf).map_err(|e| format!("rendering the report: {e}"))?;
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&buf)
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("writing the report: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("national_sql: {e}");
            ExitCode::FAILURE
        }
    }
}
