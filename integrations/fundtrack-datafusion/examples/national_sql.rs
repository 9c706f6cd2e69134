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
//! builds the report from those exact sums ([`Partials::add_bucket`]) and renders the
//! contract CSV ([`national_csv`]).
//!
//! Checks made in SQL: amounts are whole 分, statuses are known, every expenditure is on a
//! pooled project of its county and category, and no bucket spends more than it was
//! allocated by the as-of date. The per-row checks the library's readers make beyond these
//! (duplicate ids, dates outside the year, spending before allocation at each date) are
//! not repeated here.

use std::io::{self, Write};
use std::process::ExitCode;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Schema};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};
use fundtrack::bulk::Partials;
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack::{Category, FundLevel, Money, NaiveDate, RegionCode};

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

/// A table of the kit: its name, CSV columns and their types (amounts read as text and
/// parsed exactly by `fundtrack_yuan`).
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, DataType)],
}

const DATED: [(&str, DataType); 6] = [
    ("id", DataType::Utf8),
    ("date", DataType::Date32),
    ("county_code", DataType::Utf8),
    ("source", DataType::Utf8),
    ("category", DataType::Utf8),
    ("amount_yuan", DataType::Utf8),
];
const EXPENDITURES: [(&str, DataType); 7] = [
    ("id", DataType::Utf8),
    ("date", DataType::Date32),
    ("project_id", DataType::Utf8),
    ("county_code", DataType::Utf8),
    ("source", DataType::Utf8),
    ("category", DataType::Utf8),
    ("amount_yuan", DataType::Utf8),
];
const PROJECTS: [(&str, DataType); 5] = [
    ("id", DataType::Utf8),
    ("county_code", DataType::Utf8),
    ("category", DataType::Utf8),
    ("planned_investment_yuan", DataType::Utf8),
    ("status", DataType::Utf8),
];

async fn register(ctx: &SessionContext, table: &Table, path: &str) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{path}: {e}");
    if path.ends_with(".parquet") {
        return ctx
            .register_parquet(table.name, path, ParquetReadOptions::default())
            .await
            .map_err(|e| fail(&e));
    }
    // The header must be the kit's, column for column: a schema given to the CSV reader
    // would otherwise rename whatever is there.
    let text = std::fs::read(path).map_err(|e| fail(&e))?;
    let header = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(header);
    let expected: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
    if header.trim_end_matches('\r') != expected.join(",") {
        return Err(format!(
            "{path}:1: header {:?}, expected {:?} (表头与约定不符)",
            header.trim_end(),
            expected.join(",")
        ));
    }
    let schema = Schema::new(
        table
            .columns
            .iter()
            .map(|(n, t)| Field::new(*n, t.clone(), false))
            .collect::<Vec<_>>(),
    );
    let options = CsvReadOptions::new().has_header(true).schema(&schema);
    ctx.register_csv(table.name, path, options)
        .await
        .map_err(|e| fail(&e))
}

async fn sql(ctx: &SessionContext, query: &str) -> Result<Vec<RecordBatch>, String> {
    let df = ctx.sql(query).await.map_err(|e| e.to_string())?;
    df.collect().await.map_err(|e| e.to_string())
}

/// Column `i` of `batch` as text, row `r`.
fn text(batch: &RecordBatch, i: usize, r: usize) -> Result<String, String> {
    let c = batch.column(i);
    if c.is_null(r) {
        return Err(format!("row {r}: column {i} is NULL"));
    }
    match c.data_type() {
        DataType::Utf8 => Ok(c.as_string::<i32>().value(r).to_owned()),
        DataType::Utf8View => Ok(c.as_string_view().value(r).to_owned()),
        DataType::LargeUtf8 => Ok(c.as_string::<i64>().value(r).to_owned()),
        other => Err(format!("column {i}: {other}, expected text")),
    }
}

/// Column `i` of `batch`, an exact sum in 元 (`DECIMAL(38,2)`), row `r`.
fn money(batch: &RecordBatch, i: usize, r: usize) -> Result<Money, String> {
    let c = batch.column(i);
    let fen = c.as_primitive::<Decimal128Type>().value(r);
    Money::checked_from_fen(fen).ok_or_else(|| format!("a sum of {fen} 分 is too large"))
}

/// Writes each input table to `dir` as Parquet, amounts as `DECIMAL(18,2)`.
async fn write_parquet(
    ctx: &SessionContext,
    tables: &[(Table, &String)],
    dir: &str,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    for (table, _) in tables {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|(n, _)| {
                if n.ends_with("_yuan") {
                    format!("fundtrack_yuan({n}) AS {n}")
                } else {
                    (*n).to_owned()
                }
            })
            .collect();
        let query = format!("SELECT {} FROM {}", columns.join(", "), table.name);
        let out = format!("{dir}/{}.parquet", table.name);
        // The output is replaced, as a writer's output is.
        match std::fs::remove_file(&out) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(format!("{out}: {e}"));
            }
            _ => {}
        }
        ctx.sql(&query)
            .await
            .map_err(|e| e.to_string())?
            .write_parquet(
                &out,
                DataFrameWriteOptions::new().with_single_file_output(true),
                None,
            )
            .await
            .map_err(|e| format!("{out}: {e}"))?;
    }
    Ok(())
}

/// Every expenditure is on a pooled project of its county and category.
async fn check_projects(ctx: &SessionContext, expenditures: &str) -> Result<(), String> {
    let orphans = sql(
        ctx,
        "SELECT e.id, e.project_id FROM expenditures e LEFT JOIN \
           (SELECT id, county_code, category FROM projects WHERE fundtrack_pooled(status)) p \
           ON e.project_id = p.id AND e.county_code = p.county_code AND e.category = p.category \
         WHERE p.id IS NULL ORDER BY e.id LIMIT 5",
    )
    .await?;
    if let Some(b) = orphans.iter().find(|b| b.num_rows() > 0) {
        return Err(format!(
            "{}: expenditure {} is on project {}, which is not a pooled project of its county and category (项目未入库或不符)",
            expenditures,
            text(b, 0, 0)?,
            text(b, 1, 0)?
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_lines)] // the report's steps in order
async fn run() -> Result<(), String> {
    let args = args()?;
    let config = SessionConfig::new().with_target_partitions(args.partitions);
    let ctx = SessionContext::new_with_config(config);
    fundtrack_datafusion::register(&ctx);
    let tables = [
        (
            Table {
                name: "allocations",
                columns: &DATED,
            },
            &args.allocations,
        ),
        (
            Table {
                name: "projects",
                columns: &PROJECTS,
            },
            &args.projects,
        ),
        (
            Table {
                name: "expenditures",
                columns: &EXPENDITURES,
            },
            &args.expenditures,
        ),
    ];
    for (table, path) in &tables {
        register(&ctx, table, path).await?;
    }
    if let Some(dir) = &args.write_parquet {
        write_parquet(&ctx, &tables, dir).await?;
    }

    let as_of = args.as_of;
    check_projects(&ctx, &args.expenditures).await?;

    let mut partials = Partials::new(as_of);
    let sum = |column: &str| {
        if args.builtin_sum {
            format!("SUM(CAST({column} AS DECIMAL(18,2)))")
        } else {
            format!("fundtrack_sum(fundtrack_yuan({column}))")
        }
    };
    let amount = sum("amount_yuan");
    let sums = format!(
        "WITH a AS (SELECT county_code, source, category, {amount} AS s \
                    FROM allocations WHERE date <= DATE '{as_of}' GROUP BY county_code, source, category), \
              e AS (SELECT county_code, source, category, {amount} AS s \
                    FROM expenditures WHERE date <= DATE '{as_of}' GROUP BY county_code, source, category) \
         SELECT coalesce(a.county_code, e.county_code), coalesce(a.source, e.source), \
                coalesce(a.category, e.category), \
                coalesce(a.s, fundtrack_yuan('0.00')), coalesce(e.s, fundtrack_yuan('0.00')) \
         FROM a FULL OUTER JOIN e ON a.county_code = e.county_code AND a.source = e.source \
              AND a.category = e.category"
    );
    for b in sql(&ctx, &sums).await? {
        for r in 0..b.num_rows() {
            let (code, source, category) = (text(&b, 0, r)?, text(&b, 1, r)?, text(&b, 2, r)?);
            let (allocated, spent) = (money(&b, 3, r)?, money(&b, 4, r)?);
            let bucket = format!("county {code}, source {source}, category {category}");
            if spent.checked_sub(allocated).is_some_and(Money::is_positive) {
                return Err(format!(
                    "{bucket}: spent {spent} beyond the {allocated} allocated by {as_of} (支出超过下达资金)"
                ));
            }
            let region: RegionCode = code.parse().map_err(|e| format!("{bucket}: {e}"))?;
            let level: FundLevel = source.parse().map_err(|e| format!("{bucket}: {e}"))?;
            let category: Category = category.parse().map_err(|e| format!("{bucket}: {e}"))?;
            partials
                .add_bucket(region, level, &category, allocated, spent)
                .map_err(|e| format!("{bucket}: {e}"))?;
        }
    }
    let planned = format!(
        "SELECT county_code, category, {} FROM projects WHERE fundtrack_pooled(status) \
         GROUP BY county_code, category",
        sum("planned_investment_yuan")
    );
    for b in sql(&ctx, &planned).await? {
        for r in 0..b.num_rows() {
            let (code, category) = (text(&b, 0, r)?, text(&b, 1, r)?);
            let where_ = format!("projects of county {code}, category {category}");
            let region: RegionCode = code.parse().map_err(|e| format!("{where_}: {e}"))?;
            let category: Category = category.parse().map_err(|e| format!("{where_}: {e}"))?;
            partials
                .add_planned(region, &category, money(&b, 2, r)?)
                .map_err(|e| format!("{where_}: {e}"))?;
        }
    }

    let report = partials
        .execution(national_csv_options(as_of))
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
