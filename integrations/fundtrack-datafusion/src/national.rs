//! The benchmark kit's national report as SQL: the kit's three tables registered with a
//! [`SessionContext`] (a local one, or a distributed one such as Ballista's), the sums per
//! (county, source, category) done by the engine with `fundtrack_sum`, and the report built
//! by the library from those exact sums ([`Partials::add_bucket`]).
//!
//! Checks made here: each CSV header is the kit's, column for column; amounts are whole 分
//! (`fundtrack_yuan`); statuses are known (`fundtrack_pooled`); every expenditure is on a
//! pooled project of its county and category; no bucket spends more than it was allocated
//! by the as-of date; codes, sources and categories parse. Left to the library's readers
//! (`fundtrack::bulk`, the `Ledger`): duplicate ids, dates outside the fiscal year and
//! spending before allocation at every date.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use datafusion::prelude::SessionContext;
//! use fundtrack::format::{national_csv, national_csv_options};
//! use fundtrack_datafusion::national::{Kit, Sum};
//!
//! let ctx = SessionContext::new();
//! fundtrack_datafusion::register(&ctx);
//! let data = "../../tests/data/national";
//! let kit = Kit::register(
//!     &ctx,
//!     &format!("{data}/allocations.csv"),
//!     &format!("{data}/projects.csv"),
//!     &format!("{data}/expenditures.csv"),
//! )
//! .await?;
//! let as_of = "2025-06-30".parse()?;
//! let partials = kit.partials(&ctx, as_of, Sum::Exact).await?;
//! let report = partials.execution(national_csv_options(as_of))?;
//! let mut csv = Vec::new();
//! national_csv(&report, &mut csv)?;
//! assert_eq!(csv, std::fs::read(format!("{data}/expected_2025-06-30.csv"))?);
//! # Ok(())
//! # }
//! ```

use std::io;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Schema};
use datafusion::common::{DataFusionError, Result};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionContext};
use fundtrack::bulk::Partials;
use fundtrack::{Category, FundLevel, Money, NaiveDate, RegionCode};

use crate::err;

/// How the report's sums are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sum {
    /// `fundtrack_sum(fundtrack_yuan(amount))`: exact, and an amount that is not whole 分
    /// is an error.
    Exact,
    /// DataFusion's own `SUM(CAST(amount AS DECIMAL(18,2)))`, only to time the exact
    /// functions against: the cast rounds an amount of more than 2 places silently.
    Builtin,
}

/// A table of the kit: its name, CSV columns and their types (amounts read as text and
/// parsed exactly by `fundtrack_yuan`).
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, DataType)],
}

const TABLES: [Table; 3] = [
    Table {
        name: "allocations",
        columns: &[
            ("id", DataType::Utf8),
            ("date", DataType::Date32),
            ("county_code", DataType::Utf8),
            ("source", DataType::Utf8),
            ("category", DataType::Utf8),
            ("amount_yuan", DataType::Utf8),
        ],
    },
    Table {
        name: "projects",
        columns: &[
            ("id", DataType::Utf8),
            ("county_code", DataType::Utf8),
            ("category", DataType::Utf8),
            ("planned_investment_yuan", DataType::Utf8),
            ("status", DataType::Utf8),
        ],
    },
    Table {
        name: "expenditures",
        columns: &[
            ("id", DataType::Utf8),
            ("date", DataType::Date32),
            ("project_id", DataType::Utf8),
            ("county_code", DataType::Utf8),
            ("source", DataType::Utf8),
            ("category", DataType::Utf8),
            ("amount_yuan", DataType::Utf8),
        ],
    },
];

/// The kit's three inputs, registered as the tables `allocations`, `projects` and
/// `expenditures` of a context.
#[derive(Clone, Debug)]
pub struct Kit {
    /// The paths, in the order of [`TABLES`].
    paths: [String; 3],
}

impl Kit {
    /// Registers the three files with `ctx`: Parquet when a name ends in `.parquet`
    /// (amounts as `DECIMAL(18,2)`), else the kit's CSV, whose header must be the kit's.
    ///
    /// # Errors
    ///
    /// A file that cannot be read, or a CSV header that is not the kit's (naming the file).
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    pub async fn register(
        ctx: &SessionContext,
        allocations: &str,
        projects: &str,
        expenditures: &str,
    ) -> Result<Kit> {
        let kit = Kit {
            paths: [allocations, projects, expenditures].map(str::to_owned),
        };
        for (table, path) in TABLES.iter().zip(&kit.paths) {
            register_table(ctx, table, path).await?;
        }
        Ok(kit)
    }

    /// Writes the three tables to `dir` as `allocations.parquet`, `projects.parquet` and
    /// `expenditures.parquet`, amounts as `DECIMAL(18,2)` (replacing files of those names).
    ///
    /// # Errors
    ///
    /// An amount that is not whole 分, or a file that cannot be written.
    pub async fn write_parquet(&self, ctx: &SessionContext, dir: &str) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| err(format!("{dir}: {e}")))?;
        for table in &TABLES {
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
            match std::fs::remove_file(&out) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(err(format!("{out}: {e}")));
                }
                _ => {}
            }
            ctx.sql(&query)
                .await?
                .write_parquet(
                    &out,
                    DataFrameWriteOptions::new().with_single_file_output(true),
                    None,
                )
                .await
                .map_err(|e| err(format!("{out}: {e}")))?;
        }
        Ok(())
    }

    /// The exact sums the national report needs at `as_of`, taken by the engine: allocated
    /// and spent per (county, source, category) up to `as_of`, planned investment of pooled
    /// projects per (county, category). `ctx` must have this crate's functions registered
    /// (on every executor too, when it is distributed).
    ///
    /// # Errors
    ///
    /// An amount that is not whole 分, an unknown status, source, category or code, an
    /// expenditure off the project pool, or a bucket spending beyond its allocations by
    /// `as_of`; each names the file or the bucket.
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    pub async fn partials(
        &self,
        ctx: &SessionContext,
        as_of: NaiveDate,
        sum: Sum,
    ) -> Result<Partials> {
        self.check_projects(ctx).await?;
        let sum = |column: &str| match sum {
            Sum::Exact => format!("fundtrack_sum(fundtrack_yuan({column}))"),
            Sum::Builtin => format!("SUM(CAST({column} AS DECIMAL(18,2)))"),
        };
        let mut partials = Partials::new(as_of);
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
        for b in ctx.sql(&sums).await?.collect().await? {
            for r in 0..b.num_rows() {
                let (code, source, category) = (text(&b, 0, r)?, text(&b, 1, r)?, text(&b, 2, r)?);
                let (allocated, spent) = (money(&b, 3, r)?, money(&b, 4, r)?);
                let bucket = format!("county {code}, source {source}, category {category}");
                if spent.checked_sub(allocated).is_some_and(Money::is_positive) {
                    return Err(err(format!(
                        "{bucket}: spent {spent} beyond the {allocated} allocated by {as_of} (支出超过下达资金)"
                    )));
                }
                let region: RegionCode = code.parse().map_err(|e| err(format!("{bucket}: {e}")))?;
                let level: FundLevel = source.parse().map_err(|e| err(format!("{bucket}: {e}")))?;
                let category: Category = category
                    .parse()
                    .map_err(|e| err(format!("{bucket}: {e}")))?;
                partials
                    .add_bucket(region, level, &category, allocated, spent)
                    .map_err(|e| err(format!("{bucket}: {e}")))?;
            }
        }
        let planned = format!(
            "SELECT county_code, category, {} FROM projects WHERE fundtrack_pooled(status) \
             GROUP BY county_code, category",
            sum("planned_investment_yuan")
        );
        for b in ctx.sql(&planned).await?.collect().await? {
            for r in 0..b.num_rows() {
                let (code, category) = (text(&b, 0, r)?, text(&b, 1, r)?);
                let place = format!("projects of county {code}, category {category}");
                let region: RegionCode = code.parse().map_err(|e| err(format!("{place}: {e}")))?;
                let category: Category =
                    category.parse().map_err(|e| err(format!("{place}: {e}")))?;
                partials
                    .add_planned(region, &category, money(&b, 2, r)?)
                    .map_err(|e| err(format!("{place}: {e}")))?;
            }
        }
        Ok(partials)
    }

    /// Every expenditure is on a pooled project of its county and category.
    async fn check_projects(&self, ctx: &SessionContext) -> Result<()> {
        let orphans = ctx
            .sql(
                "SELECT e.id, e.project_id FROM expenditures e LEFT JOIN \
                   (SELECT id, county_code, category FROM projects WHERE fundtrack_pooled(status)) p \
                   ON e.project_id = p.id AND e.county_code = p.county_code AND e.category = p.category \
                 WHERE p.id IS NULL ORDER BY e.id LIMIT 5",
            )
            .await?
            .collect()
            .await?;
        if let Some(b) = orphans.iter().find(|b| b.num_rows() > 0) {
            let [_, _, expenditures] = &self.paths;
            return Err(err(format!(
                "{expenditures}: expenditure {} is on project {}, which is not a pooled project of its county and category (项目未入库或不符)",
                text(b, 0, 0)?,
                text(b, 1, 0)?
            )));
        }
        Ok(())
    }
}

async fn register_table(ctx: &SessionContext, table: &Table, path: &str) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| err(format!("{path}: {e}"));
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
        return Err(err(format!(
            "{path}:1: header {:?}, expected {:?} (表头与约定不符)",
            header.trim_end(),
            expected.join(",")
        )));
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

/// Column `i` of `batch` as text, row `r`.
fn text(batch: &RecordBatch, i: usize, r: usize) -> Result<String> {
    let c = batch.column(i);
    if c.is_null(r) {
        return Err(err(format!("row {r}: column {i} is NULL")));
    }
    match c.data_type() {
        DataType::Utf8 => Ok(c.as_string::<i32>().value(r).to_owned()),
        DataType::Utf8View => Ok(c.as_string_view().value(r).to_owned()),
        DataType::LargeUtf8 => Ok(c.as_string::<i64>().value(r).to_owned()),
        other => Err(err(format!("column {i}: {other}, expected text"))),
    }
}

/// Column `i` of `batch`, an exact sum in 元 (`DECIMAL(_,2)`), row `r`.
fn money(batch: &RecordBatch, i: usize, r: usize) -> Result<Money> {
    let c = batch.column(i);
    match c.data_type() {
        DataType::Decimal128(_, 2) if !c.is_null(r) => {
            let fen = c.as_primitive::<Decimal128Type>().value(r);
            Money::checked_from_fen(fen)
                .ok_or_else(|| err(format!("a sum of {fen} 分 is too large")))
        }
        other => Err(DataFusionError::Internal(format!(
            "row {r}: column {i} is {other} (or NULL), expected a sum in 元"
        ))),
    }
}
