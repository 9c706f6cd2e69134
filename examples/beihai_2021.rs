//! The 2021 Beihai (北海市) budget-execution figures, computed from the report's inputs.
//!
//! Run with `cargo run --example beihai_2021`.

use chrono::NaiveDate;
use fundtrack::money::Unit;
use fundtrack::record::{Allocation, Region};
use fundtrack::report::{ExecutionOptions, ExecutionRow, PoolCoverage, Schedule};
use fundtrack::{FiscalYear, FundLevel, Ledger, Money, Rounding, SourceMix};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).ok_or("bad date")?;
    let city = "450500".parse()?;
    let r = Rounding::default();
    let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    ledger.insert([Region::new(city, "北海市")])?;
    ledger.insert([
        Allocation::new(
            "BH-2021-upper".parse()?,
            as_of,
            city,
            FundLevel::Provincial,
            "15302万元".parse()?,
        ),
        Allocation::new(
            "BH-2021-city".parse()?,
            as_of,
            city,
            FundLevel::City,
            "14753万元".parse()?,
        ),
        Allocation::new(
            "BH-2021-county".parse()?,
            as_of,
            city,
            FundLevel::County,
            "9702.09万元".parse()?,
        ),
    ])?;
    let spent: Money = "30700.48万元".parse()?;

    let by_level = ledger.execution(ExecutionOptions::new(as_of).by_level());
    println!("北海市衔接资金执行情况（截至2021年9月30日，金额单位：万元，四舍五入保留2位小数）");
    for row in by_level.rows() {
        let level = row.key().level().map_or("合计", FundLevel::as_str);
        println!("  {level}资金  {}", row.allocated().round_in(Unit::Wan, r));
    }
    let total = ExecutionRow::from_totals(by_level.total().allocated(), spent);
    println!(
        "  落实资金合计  {}",
        total.allocated().round_in(Unit::Wan, r)
    );
    println!("  支出  {}", total.spent().round_in(Unit::Wan, r));
    let rate = total.rate()?;
    println!("  支出进度  {}%", rate.to_percent(r));
    for schedule in [Schedule::Months, Schedule::Days] {
        let gap = schedule.compare(&rate, ledger.year(), as_of);
        let word = if gap.is_ahead() { "超" } else { "低于" };
        println!(
            "  {}{}%，{word}序时进度{}个百分点",
            schedule.as_str(),
            gap.expected().to_percent(r),
            gap.gap().abs().round(r)
        );
    }
    let upper =
        ledger.execution(ExecutionOptions::new(as_of).sources(SourceMix::CentralAndProvincial));
    println!(
        "  中央和自治区资金  {}",
        upper.total().allocated().round_in(Unit::Wan, r)
    );
    let pool = PoolCoverage::from_totals("4.49亿元".parse()?, 391, total.allocated());
    println!(
        "  项目库：{}个项目，计划总投资{}亿元，覆盖{}%，平均每个项目{}万元",
        pool.projects(),
        pool.planned().round_in(Unit::Yi, r),
        pool.coverage()?.to_percent(r),
        pool.average()?.money_in(Unit::Wan, r)
    );
    Ok(())
}
