//! A county ranking by disbursement rate (支出进度排名) for a generated province of about
//! 100 counties, with an SVG bar chart and the 序时进度 line.
//!
//! ```text
//! cargo run --example county_ranking [-- --top N] [--svg PATH|-]
//! ```
//!
//! The province is made up (deterministic, from a `SplitMix64` generator; names are invented),
//! so the figures are illustrations, not data. The chart goes to `PATH`, to stdout with `-`,
//! or by default to `county_ranking.svg` in the system temporary directory.

use std::error::Error;
use std::path::PathBuf;

use chrono::NaiveDate;
use fundtrack::dim::RegionLevel;
use fundtrack::format::{RateChart, TextStyle, ranking_table};
use fundtrack::record::{Allocation, Expenditure, Project, Record, Region};
use fundtrack::report::ExecutionOptions;
use fundtrack::report::Ranking;
use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Money, ProjectStage, RegionCode};

/// `SplitMix64`: a tiny deterministic generator, enough for made-up data.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

const SYLLABLES: [&str; 10] = ["安", "平", "宁", "福", "清", "泰", "和", "兴", "永", "昌"];

fn date(m: u32, d: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(2021, m, d).ok_or_else(|| format!("no date 2021-{m}-{d}"))
}

fn fen(n: u64) -> Money {
    Money::from_fen(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A made-up province (450000) of 14 cities and 98 counties: money from the centre for
/// industry and from the province for infrastructure, one pooled project per category,
/// and spending of 15–100% of each allocation.
fn province() -> Result<Ledger, Box<dyn Error>> {
    let mut rng = SplitMix(2021);
    let mut ledger = Ledger::new(FiscalYear::new(2021)?);
    let mut batch: Vec<Record> = Vec::new();
    let mut n = 0usize;
    for city in 1..=14u32 {
        for county in 21..=27u32 {
            let code = RegionCode::new(450_000 + city * 100 + county)?;
            let syllable = |i: usize| SYLLABLES.get(i % SYLLABLES.len()).copied().unwrap_or("新");
            let name = format!("{}{}县", syllable(n), syllable(n / 10 + n));
            batch.push(Region::new(code, name).into());
            for (k, (level, category)) in [
                (FundLevel::Central, Category::Industry),
                (FundLevel::Provincial, Category::Infrastructure),
            ]
            .into_iter()
            .enumerate()
            {
                let allocated = rng.between(1_000_000, 30_000_000) * 100; // 100万–3000万元 in 分
                // Every 17th county spends exactly 60%, so some rates tie.
                let percent = if n % 17 == 0 {
                    60
                } else {
                    rng.between(15, 100)
                };
                let spent = allocated * percent / 100;
                let project = format!("P-{code}-{k}");
                batch.push(
                    Allocation::new(
                        format!("A-{code}-{k}").parse()?,
                        date(2, 1)?,
                        code,
                        level,
                        fen(allocated),
                    )
                    .with_category(category.clone())
                    .into(),
                );
                batch.push(
                    Project::new(
                        project.parse()?,
                        code,
                        category.clone(),
                        fen(allocated / 10 * 12),
                        ProjectStage::Implementing,
                        2021,
                    )
                    .into(),
                );
                if spent > 0 {
                    let month = u32::try_from(rng.between(3, 9))?;
                    batch.push(
                        Expenditure::new(
                            format!("E-{code}-{k}").parse()?,
                            date(month, 1)?,
                            project.parse()?,
                            code,
                            level,
                            category,
                            fen(spent),
                        )
                        .into(),
                    );
                }
            }
            n += 1;
        }
    }
    ledger.insert(batch)?;
    Ok(ledger)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut top = 10usize;
    let mut svg_to: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--top" => top = args.next().ok_or("--top needs a number")?.parse()?,
            "--svg" => svg_to = Some(args.next().ok_or("--svg needs a path or -")?),
            other => {
                return Err(format!("unknown argument {other}; use --top N, --svg PATH|-").into());
            }
        }
    }
    let ledger = province()?;
    let as_of = date(9, 30)?;
    let report = ledger.execution(ExecutionOptions::new(as_of).by_region(RegionLevel::County));
    let ranking = Ranking::new(&report);
    let style = TextStyle::default();
    let chart = RateChart::from_ranking(
        "示例省各县衔接资金支出进度（截至2021年9月30日）",
        &ranking,
        Some(&ledger),
    );
    let svg = chart.render();
    if svg_to.as_deref() == Some("-") {
        print!("{svg}");
        return Ok(());
    }

    println!("示例省（生成数据）各县衔接资金支出进度排名，截至2021年9月30日");
    println!("{}。", style.execution(&report, "全省"));
    println!();
    println!("前{top}名与后{top}名（并列者按区划代码排列）：");
    print!("{}", ranking_table(&ranking, top, Some(&ledger), &style));
    println!();
    println!("注：{}；排名按未经舍入的支出进度。", style.rounding_note());

    let path = svg_to.map_or_else(
        || std::env::temp_dir().join("county_ranking.svg"),
        PathBuf::from,
    );
    std::fs::write(&path, svg)?;
    println!("支出进度图（SVG）已写入 {}", path.display());
    Ok(())
}
