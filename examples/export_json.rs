//! Embedding use: build a ledger, serialise its reports to JSON, read them back and check
//! they are equal (feature `serde`, on by default).
//!
//! ```text
//! cargo run --example export_json
//! ```
//!
//! Amounts travel as strings of exact 元 and rates as unrounded numerator/denominator
//! pairs, so nothing is lost or rounded on the way.

#[cfg(feature = "serde")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use chrono::NaiveDate;
    use fundtrack::dim::RegionLevel;
    use fundtrack::format::{from_json, to_json};
    use fundtrack::record::{Allocation, Expenditure, Project, Region};
    use fundtrack::report::Ranking;
    use fundtrack::report::{
        Execution, ExecutionOptions, IndustryShare, IndustryShareOptions, PoolCoverage,
    };
    use fundtrack::{Category, FiscalYear, FundLevel, Ledger, ProjectStage};

    let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).ok_or("bad date");
    let (hepu, yinhai) = ("450521".parse()?, "450503".parse()?);
    let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    ledger.insert([Region::new(hepu, "合浦县"), Region::new(yinhai, "银海区")])?;
    ledger.insert([
        Project::new(
            "P-1".parse()?,
            hepu,
            Category::Industry,
            "600万元".parse()?,
            ProjectStage::Implementing,
            2021,
        ),
        Project::new(
            "P-2".parse()?,
            yinhai,
            Category::Infrastructure,
            "250万元".parse()?,
            ProjectStage::InPool,
            2021,
        ),
    ])?;
    ledger.insert([
        Allocation::new(
            "A-1".parse()?,
            d(2, 1)?,
            hepu,
            FundLevel::Central,
            "500万元".parse()?,
        )
        .with_category(Category::Industry),
        Allocation::new(
            "A-2".parse()?,
            d(3, 1)?,
            yinhai,
            FundLevel::Provincial,
            "200万元".parse()?,
        )
        .with_category(Category::Infrastructure),
    ])?;
    ledger.insert([
        Expenditure::new(
            "E-1".parse()?,
            d(5, 20)?,
            "P-1".parse()?,
            hepu,
            FundLevel::Central,
            Category::Industry,
            "321.45万元".parse()?,
        ),
        Expenditure::new(
            "E-2".parse()?,
            d(8, 8)?,
            "P-2".parse()?,
            yinhai,
            FundLevel::Provincial,
            Category::Infrastructure,
            "88.8万元".parse()?,
        ),
    ])?;

    let as_of = d(9, 30)?;
    let execution = ledger.execution(
        ExecutionOptions::new(as_of)
            .by_region(RegionLevel::County)
            .by_category(),
    );
    let ranking = Ranking::new(&execution);
    let pool = ledger.pool_coverage(as_of);
    let industry = ledger.industry_share(IndustryShareOptions::new(as_of));

    // Out and back in; every report compares equal to the one that was written.
    let json = to_json(&execution)?;
    assert_eq!(from_json::<Execution>(&json)?, execution);
    assert_eq!(from_json::<Ranking>(&to_json(&ranking)?)?, ranking);
    assert_eq!(from_json::<PoolCoverage>(&to_json(&pool)?)?, pool);
    assert_eq!(from_json::<IndustryShare>(&to_json(&industry)?)?, industry);
    for a in ledger.allocations() {
        assert_eq!(&from_json::<Allocation>(&to_json(&a)?)?, &a);
    }
    println!("{json}");
    eprintln!(
        "export_json: execution, ranking, pool coverage, industry share and records read back equal"
    );
    Ok(())
}

#[cfg(not(feature = "serde"))]
fn main() {
    eprintln!("export_json needs the `serde` feature (on by default)");
}
