//! Golden rate vectors (`tests/data/rates.csv`): exact ties at the printed place and values
//! a double cannot hold, under every rounding mode, through `Ratio` and through a ledger.

use chrono::NaiveDate;
use fundtrack::record::{Allocation, Expenditure, Project, Region};
use fundtrack::{
    Category, FiscalYear, FundLevel, Ledger, Money, ProjectStage, Ratio, RoundMode, Rounding,
};
use rust_decimal::Decimal;

struct Vector {
    numerator: Decimal,
    denominator: Decimal,
    dp: u32,
    expected: [(RoundMode, Decimal); 3],
    note: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/rates.csv");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.splitn(7, ',').collect();
            let d =
                |i: usize| Decimal::from_str_exact(f[i]).unwrap_or_else(|e| panic!("{line}: {e}"));
            Vector {
                numerator: d(0),
                denominator: d(1),
                dp: f[2].parse().unwrap(),
                expected: [
                    (RoundMode::HalfUp, d(3)),
                    (RoundMode::HalfEven, d(4)),
                    (RoundMode::Trunc, d(5)),
                ],
                note: f[6].to_string(),
            }
        })
        .collect()
}

#[test]
fn ratios_round_to_the_golden_values() {
    let all = vectors();
    assert!(all.len() >= 20);
    for v in all {
        let r = Ratio::new(v.numerator, v.denominator).unwrap();
        for (mode, want) in v.expected {
            let got = r.to_percent(Rounding::new(mode, v.dp).unwrap());
            assert_eq!(
                got.to_string(),
                want.to_string(),
                "{} / {} {mode:?} ({})",
                v.numerator,
                v.denominator,
                v.note
            );
        }
    }
}

#[test]
fn ledger_rates_round_to_the_golden_values() {
    // Vectors whose parts are positive whole 分 go through a ledger: allocate the
    // denominator, spend the numerator, read the rate back.
    let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let county = "110101".parse().unwrap();
    let mut checked = 0;
    for (i, v) in vectors().into_iter().enumerate() {
        let (Ok(spent), Ok(alloc)) = (Money::yuan(v.numerator), Money::yuan(v.denominator)) else {
            continue;
        };
        if !spent.is_positive() || spent > alloc {
            continue;
        }
        let mut l = Ledger::new(FiscalYear::new(2025).unwrap());
        l.insert([Region::new(county, "东城区")]).unwrap();
        l.insert([Project::new(
            "P".parse().unwrap(),
            county,
            Category::Industry,
            alloc,
            ProjectStage::Implementing,
            2025,
        )])
        .unwrap();
        l.insert([Allocation::new(
            format!("A{i}").parse().unwrap(),
            d,
            county,
            FundLevel::Central,
            alloc,
        )
        .with_category(Category::Industry)])
            .unwrap();
        l.insert([Expenditure::new(
            format!("E{i}").parse().unwrap(),
            d,
            "P".parse().unwrap(),
            county,
            FundLevel::Central,
            Category::Industry,
            spent,
        )])
        .unwrap();
        let rate = l.execution(d).total().rate().unwrap();
        for (mode, want) in v.expected {
            assert_eq!(
                rate.to_percent(Rounding::new(mode, v.dp).unwrap()),
                want,
                "{} ({mode:?})",
                v.note
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} vectors went through the ledger"
    );
}
