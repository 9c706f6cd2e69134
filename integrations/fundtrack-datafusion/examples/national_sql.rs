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
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack_datafusion::national::{Kit, Sum};

#[path = "../../../examples/kit/args.rs"]
mod kit_args;

use kit_args::{KitArgs, pick};

struct Args {
    kit: KitArgs,
    partitions: usize,
    write_parquet: Option<String>,
    sum: Sum,
}

fn args() -> Result<Args, String> {
    let (mut partitions, mut write_parquet, mut sum) = (4, None, Sum::Exact);
    let kit = kit_args::parse(&["csv"], |flag, value| {
        match flag {
            "--partitions" => {
                let v = value()?;
                partitions = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--partitions {v}: expected a positive number"))?;
            }
            "--write-parquet" => write_parquet = Some(value()?),
            "--sum" => {
                let choices = [("exact", Sum::Exact), ("builtin", Sum::Builtin)];
                sum = pick(flag, &value()?, &choices)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(Args {
        kit,
        partitions,
        write_parquet,
        sum,
    })
}

async fn run() -> Result<(), String> {
    let args = args()?;
    let config = SessionConfig::new().with_target_partitions(args.partitions);
    let ctx = SessionContext::new_with_config(config);
    fundtrack_datafusion::register(&ctx);
    let fail = |e: DataFusionError| e.to_string();
    let kit = Kit::register(
        &ctx,
        &args.kit.allocations,
        &args.kit.projects,
        &args.kit.expenditures,
    )
    .await
    .map_err(fail)?;
    if let Some(dir) = &args.write_parquet {
        kit.write_parquet(&ctx, dir).await.map_err(fail)?;
    }
    let partials = kit
        .partials(&ctx, args.kit.as_of, args.sum)
        .await
        .map_err(fail)?;
    let report = partials
        .execution(national_csv_options(args.kit.as_of))
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
