//! The national report through Ballista in standalone mode: a scheduler and an executor
//! started in this process on localhost, talking gRPC and Arrow Flight. The scheduler
//! decodes the client's plan and the executor its stages, which name `fundtrack_sum` and
//! the scalar functions, so both are built from a state with our functions
//! (`with_functions`); partial sums cross the shuffle as `DECIMAL(38,0)` 分. Run with
//! `cargo test -p fundtrack-datafusion --features ballista`.

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use fundtrack::NaiveDate;
use fundtrack::format::{national_csv, national_csv_options};
use fundtrack_datafusion::national::{Kit, Sum};

const DATA: &str = "../../tests/data/national";

fn external(e: impl std::error::Error + Send + Sync + 'static) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A Ballista client on a new standalone cluster (scheduler and executor), with our
/// functions on the executor side when `on_executor`.
async fn ballista(partitions: usize, on_executor: bool) -> Result<SessionContext> {
    let config = SessionConfig::new_with_ballista()
        .with_target_partitions(partitions)
        .with_ballista_standalone_parallelism(2);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    // The state the scheduler and the executor are built from.
    let state = if on_executor {
        fundtrack_datafusion::with_functions(state)
    } else {
        state
    };
    let ctx = SessionContext::standalone_with_state(state).await?;
    // Ballista resets the client state's functions to its own list: register ours again
    // for the client's SQL planner.
    fundtrack_datafusion::register(&ctx);
    Ok(ctx)
}

fn kit_files() -> [String; 3] {
    ["allocations", "projects", "expenditures"].map(|t| format!("{DATA}/{t}.csv"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn national_report_through_ballista_equals_the_contract() -> Result<()> {
    let ctx = ballista(4, true).await?;
    let [a, p, e] = kit_files();
    let kit = Kit::register(&ctx, &a, &p, &e).await?;
    // The sums run as distributed stages: a partial aggregate, a shuffle, a final one.
    let plan = ctx
        .sql(
            "EXPLAIN SELECT county_code, fundtrack_sum(fundtrack_yuan(amount_yuan)) \
             FROM expenditures GROUP BY county_code",
        )
        .await?
        .collect()
        .await?;
    let plan = pretty_format_batches(&plan)?.to_string();
    assert!(plan.contains("mode=Partial"), "{plan}");
    for as_of in ["2025-06-30", "2025-12-31"] {
        let date: NaiveDate = as_of.parse().map_err(external)?;
        let partials = kit.partials(&ctx, date, Sum::Exact).await?;
        let report = partials
            .execution(national_csv_options(date))
            .map_err(external)?;
        let mut csv = Vec::new();
        national_csv(&report, &mut csv)?;
        let expected = std::fs::read(format!("{DATA}/expected_{as_of}.csv"))?;
        assert!(
            csv == expected,
            "as of {as_of}:\n{}",
            String::from_utf8_lossy(&csv)
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_without_the_functions_cannot_run_the_report() -> Result<()> {
    // The scheduler decodes the client's plan by function name and refuses it ("…not
    // provided for scalar function fundtrack_pooled"); an executor does the same with its
    // stages. Nothing is computed by a stand-in.
    let ctx = ballista(4, false).await?;
    let [a, p, e] = kit_files();
    let kit = Kit::register(&ctx, &a, &p, &e).await?;
    let as_of: NaiveDate = "2025-06-30".parse().map_err(external)?;
    let err = kit
        .partials(&ctx, as_of, Sum::Exact)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("fundtrack_")),
        "{err:?}"
    );
    Ok(())
}
