//! The functions against the library: rates on rounding ties, schedules, units, 大写, and the
//! exact sum merged across partitions.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::error::Result;
use datafusion::prelude::{SessionConfig, SessionContext};
use fundtrack::format::{national_csv, national_csv_options, rmb_upper};
use fundtrack::money::Unit;
use fundtrack::report::Schedule;
use fundtrack::{Decimal, FiscalYear, Money, NaiveDate, Ratio, Rounding};
use fundtrack_datafusion::national::{Kit, Sum};

fn context(partitions: usize) -> SessionContext {
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    fundtrack_datafusion::register(&ctx);
    ctx
}

/// The rows of `tests/data/rate_edges.csv`: numerator and denominator in 分.
fn rate_edges() -> Vec<(i64, i64)> {
    let text = include_str!("../../../tests/data/rate_edges.csv");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split(',');
            Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
        })
        .collect()
}

/// A table `t(part, whole)` of amounts in 元 (`DECIMAL(18,2)`) split over `partitions`.
fn amounts(ctx: &SessionContext, rows: &[(i64, i64)], partitions: usize) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Utf8, false),
        Field::new("part", DataType::Decimal128(18, 2), false),
        Field::new("whole", DataType::Decimal128(18, 2), false),
    ]));
    let chunk = rows.len().div_ceil(partitions).max(1);
    let mut parts = Vec::new();
    for (c, piece) in rows.chunks(chunk).enumerate() {
        let dec = |v: Vec<i128>| -> Result<ArrayRef> {
            Ok(Arc::new(
                Decimal128Array::from(v).with_precision_and_scale(18, 2)?,
            ))
        };
        let keys: Vec<String> = (0..piece.len())
            .map(|i| format!("g{}", (c * chunk + i) % 3))
            .collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(keys)),
                dec(piece.iter().map(|r| i128::from(r.0)).collect())?,
                dec(piece.iter().map(|r| i128::from(r.1)).collect())?,
            ],
        )?;
        parts.push(vec![batch]);
    }
    ctx.register_table("t", Arc::new(MemTable::try_new(schema, parts)?))?;
    Ok(())
}

/// Column 0 of a one-column result as text, row by row.
async fn column(ctx: &SessionContext, query: &str) -> Result<Vec<Option<String>>> {
    let batches = ctx.sql(query).await?.collect().await?;
    let mut out = Vec::new();
    for b in &batches {
        let c = b.column(0);
        for r in 0..b.num_rows() {
            out.push(if c.is_null(r) {
                None
            } else {
                Some(match c.data_type() {
                    DataType::Decimal128(_, _) => {
                        c.as_primitive::<Decimal128Type>().value_as_string(r)
                    }
                    DataType::Utf8 => c.as_string::<i32>().value(r).to_owned(),
                    DataType::Float64 => c
                        .as_primitive::<datafusion::arrow::datatypes::Float64Type>()
                        .value(r)
                        .to_string(),
                    other => format!("{other}"),
                })
            });
        }
    }
    Ok(out)
}

fn money(fen: i64) -> Money {
    Money::from_fen(fen)
}

#[tokio::test]
async fn rates_on_ties_equal_the_library_and_plain_round_does_not() -> Result<()> {
    let rows = rate_edges();
    assert!(rows.len() > 10);
    let ctx = context(4);
    amounts(&ctx, &rows, 1)?;
    // Row order is the table's (one partition).
    let exact = column(&ctx, "SELECT fundtrack_rate(part, whole) FROM t").await?;
    let plain = column(
        &ctx,
        "SELECT ROUND(100.0 * CAST(part AS DOUBLE) / CAST(whole AS DOUBLE), 2) FROM t",
    )
    .await?;
    let mut plain_wrong = 0;
    for ((&(p, w), e), f) in rows.iter().zip(&exact).zip(&plain) {
        let lib = Ratio::of(money(p), money(w))
            .ok()
            .map(|r| r.to_percent(Rounding::HALF_UP_2).to_string());
        assert_eq!(e, &lib, "{p}/{w} 分");
        let as_float = f.as_ref().and_then(|f| f.parse::<Decimal>().ok());
        let lib_dec = lib.as_ref().and_then(|l| l.parse::<Decimal>().ok());
        if as_float != lib_dec {
            plain_wrong += 1;
        }
    }
    assert!(
        plain_wrong > 0,
        "plain ROUND over doubles got every tie right"
    );
    // Any precision.
    let one = column(&ctx, "SELECT fundtrack_percent(part, whole, 1) FROM t").await?;
    for (&(p, w), e) in rows.iter().zip(&one) {
        let lib = Ratio::of(money(p), money(w)).ok().map(|r| {
            r.to_percent(Rounding::half_up(1).unwrap_or(Rounding::HALF_UP_1))
                .to_string()
        });
        assert_eq!(e, &lib);
    }
    Ok(())
}

#[tokio::test]
async fn zero_base_is_null_with_a_reason() -> Result<()> {
    let ctx = context(1);
    let q = "SELECT fundtrack_rate(fundtrack_yuan('1.00'), fundtrack_yuan('0.00'))";
    assert_eq!(column(&ctx, q).await?, vec![None]);
    let q = "SELECT fundtrack_no_rate(fundtrack_yuan('1.00'), fundtrack_yuan('0.00'))";
    let reason = Ratio::of(money(100), Money::ZERO)
        .err()
        .map(|e| e.to_string());
    assert_eq!(column(&ctx, q).await?, vec![reason]);
    let q = "SELECT fundtrack_no_rate(fundtrack_yuan('1.00'), fundtrack_yuan('3.00'))";
    assert_eq!(column(&ctx, q).await?, vec![None]);
    Ok(())
}

#[tokio::test]
async fn schedule_units_and_upper_case_are_the_library_s() -> Result<()> {
    let ctx = context(1);
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 30)
        .ok_or_else(|| datafusion::error::DataFusionError::Internal("date".into()))?;
    let year = FiscalYear::of(as_of)
        .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
    for kind in [("months", Schedule::Months), ("days", Schedule::Days)] {
        let q = format!("SELECT fundtrack_schedule(DATE '2025-06-30', '{}')", kind.0);
        let lib = kind
            .1
            .expected(year, as_of)
            .to_percent(Rounding::HALF_UP_2)
            .to_string();
        assert_eq!(column(&ctx, &q).await?, vec![Some(lib)]);
        let q = format!(
            "SELECT fundtrack_schedule_gap(fundtrack_yuan('1005.00'), fundtrack_yuan('2000.00'), DATE '2025-06-30', '{}')",
            kind.0
        );
        let rate = Ratio::of(money(100_500), money(200_000))
            .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
        let gap = kind
            .1
            .compare(&rate, year, as_of)
            .gap()
            .round(Rounding::HALF_UP_2)
            .to_string();
        assert_eq!(column(&ctx, &q).await?, vec![Some(gap)]);
    }
    let m = money(1_640_902);
    let q = "SELECT fundtrack_wan(fundtrack_yuan('16409.02'), 2)";
    assert_eq!(
        column(&ctx, q).await?,
        vec![Some(m.round_in(Unit::Wan, Rounding::HALF_UP_2).to_string())]
    );
    let q = "SELECT fundtrack_yi(fundtrack_yuan('16409.02'), 6)";
    let six = Rounding::half_up(6)
        .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
    assert_eq!(
        column(&ctx, q).await?,
        vec![Some(m.round_in(Unit::Yi, six).to_string())]
    );
    let q = "SELECT fundtrack_rmb_upper(fundtrack_yuan('16409.02'))";
    assert_eq!(column(&ctx, q).await?, vec![Some(rmb_upper(m))]);
    Ok(())
}

#[tokio::test]
async fn bad_input_is_an_error_not_a_guess() -> Result<()> {
    let ctx = context(1);
    let nulls = "SELECT k, fundtrack_sum(CAST(NULL AS DECIMAL(18,2))) FROM (VALUES ('a'), ('b')) v(k) GROUP BY k";
    assert!(
        ctx.sql(nulls).await?.collect().await.is_err(),
        "a NULL amount was summed"
    );
    for q in [
        "SELECT fundtrack_yuan('12.345')",
        "SELECT fundtrack_yuan('1e5')",
        "SELECT fundtrack_rate(1.5e0, 2.0e0)",
        "SELECT fundtrack_pooled('nonsense')",
        "SELECT fundtrack_schedule(DATE '2025-06-30', 'weeks')",
    ] {
        let r = match ctx.sql(q).await {
            Ok(df) => df.collect().await.map(|_| ()),
            Err(e) => Err(e),
        };
        assert!(r.is_err(), "{q} gave a value");
    }
    Ok(())
}

#[tokio::test]
async fn exact_sum_merges_across_partitions() -> Result<()> {
    // Amounts whose double sums drift: many 0.10s and large values.
    let rows: Vec<(i64, i64)> = (0..5_000_i64)
        .map(|i| (10 + (i % 7) * 1_000_000_000_001, 1 + i % 3))
        .collect();
    let query = "SELECT k, fundtrack_sum(part) AS s FROM t GROUP BY k ORDER BY k";
    let mut results = Vec::new();
    for partitions in [1, 4, 7] {
        let ctx = context(partitions);
        amounts(&ctx, &rows, partitions)?;
        let plan = ctx
            .sql(&format!("EXPLAIN {query}"))
            .await?
            .collect()
            .await?;
        let plan = datafusion::arrow::util::pretty::pretty_format_batches(&plan)?.to_string();
        if partitions > 1 {
            assert!(plan.contains("mode=Partial"), "{plan}");
            assert!(
                plan.contains("mode=FinalPartitioned") || plan.contains("mode=Final"),
                "{plan}"
            );
        }
        let batches = ctx.sql(query).await?.collect().await?;
        let mut sums = Vec::new();
        for b in &batches {
            for r in 0..b.num_rows() {
                sums.push((
                    b.column(0).as_string::<i32>().value(r).to_owned(),
                    b.column(1).as_primitive::<Decimal128Type>().value(r),
                ));
            }
        }
        // Without GROUP BY DataFusion uses the plain accumulator, partial → final too.
        let total = column(&ctx, "SELECT fundtrack_sum(part) FROM t").await?;
        sums.push((
            "all".to_owned(),
            total[0]
                .as_deref()
                .unwrap_or("")
                .replace('.', "")
                .parse()
                .unwrap_or(-1),
        ));
        // A FILTER clause counts only the rows it keeps.
        let filtered = column(
            &ctx,
            "SELECT fundtrack_sum(part) FILTER (WHERE whole > 0.01) FROM t GROUP BY k ORDER BY k",
        )
        .await?;
        sums.extend(filtered.into_iter().map(|v| {
            (
                "filtered".to_owned(),
                v.unwrap_or_default().replace('.', "").parse().unwrap_or(-1),
            )
        }));
        results.push(sums);
    }
    // Every partitioning gives the same sums, and they are the library's.
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    let total: i128 = results[0]
        .iter()
        .filter(|(k, _)| k.starts_with('g'))
        .map(|(_, s)| s)
        .sum();
    assert!(results[0].contains(&("all".to_owned(), total)));
    let kept: i128 = rows
        .iter()
        .filter(|r| r.1 > 1)
        .map(|r| i128::from(r.0))
        .sum();
    let filtered: i128 = results[0]
        .iter()
        .filter(|(k, _)| k == "filtered")
        .map(|(_, s)| s)
        .sum();
    assert!(kept > 0);
    assert_eq!(filtered, kept);
    let lib = Money::checked_sum(rows.iter().map(|r| money(r.0)));
    assert_eq!(lib.map(Money::to_fen), Some(total));
    Ok(())
}

#[tokio::test]
async fn national_report_equals_the_contract_on_any_partitioning() -> Result<()> {
    let data = "../../tests/data/national";
    for partitions in [1, 4, 7] {
        let ctx = context(partitions);
        let kit = Kit::register(
            &ctx,
            &format!("{data}/allocations.csv"),
            &format!("{data}/projects.csv"),
            &format!("{data}/expenditures.csv"),
        )
        .await?;
        for as_of in ["2025-06-30", "2025-12-31"] {
            let date: NaiveDate = as_of
                .parse()
                .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
            let partials = kit.partials(&ctx, date, Sum::Exact).await?;
            let report = partials
                .execution(national_csv_options(date))
                .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
            let mut csv = Vec::new();
            national_csv(&report, &mut csv)?;
            let expected = std::fs::read(format!("{data}/expected_{as_of}.csv"))?;
            assert!(
                csv == expected,
                "{partitions} partitions, as of {as_of}:\n{}",
                String::from_utf8_lossy(&csv)
            );
        }
    }
    Ok(())
}
