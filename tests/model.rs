//! The ledger against a naive model: random allocations, expenditures and adjustments go
//! into a `Ledger` and into a plain `Vec`; acceptance, totals, rates and grouped rows must
//! match exactly.

use chrono::NaiveDate;
use fundtrack::dim::RegionLevel;
use fundtrack::record::{Adjustment, Allocation, Bucket, Expenditure, Project, Region};
use fundtrack::report::{ExecutionOptions, Grouping as G, Shares};
use fundtrack::{
    Category, FiscalYear, FundLevel, Ledger, Money, ProjectStage, RegionCode, Rounding,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const COUNTIES: [&str; 3] = ["450502", "450503", "450521"];
const LEVELS: [FundLevel; 2] = [FundLevel::Central, FundLevel::County];
const CATS: [Category; 2] = [Category::Industry, Category::Infrastructure];

#[derive(Clone, Debug)]
enum Op {
    Allocate {
        county: usize,
        level: usize,
        cat: usize,
        day: u32,
        fen: i64,
    },
    Spend {
        county: usize,
        level: usize,
        cat: usize,
        day: u32,
        fen: i64,
    },
    Recover {
        county: usize,
        level: usize,
        cat: usize,
        day: u32,
        fen: i64,
    },
    Move {
        county: usize,
        level: usize,
        from: usize,
        to_county: usize,
        day: u32,
        fen: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let key = (0..3usize, 0..2usize, 0..2usize, 0..365u32, 1..5_000_000i64);
    prop_oneof![
        3 => key.clone().prop_map(|(county, level, cat, day, fen)| Op::Allocate { county, level, cat, day, fen }),
        4 => key.clone().prop_map(|(county, level, cat, day, fen)| Op::Spend { county, level, cat, day, fen }),
        1 => key.clone().prop_map(|(county, level, cat, day, fen)| Op::Recover { county, level, cat, day, fen }),
        1 => (key, 0..3usize).prop_map(|((county, level, from, day, fen), to_county)| Op::Move { county, level, from, to_county, day, fen }),
    ]
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(2021, day + 1).unwrap()
}

fn code(i: usize) -> RegionCode {
    COUNTIES[i].parse().unwrap()
}

/// One signed movement of money in a (county, level, category) bucket.
#[derive(Clone, Copy, Debug)]
struct Event {
    key: (usize, usize, usize),
    day: u32,
    funds: i64,
    spent: i64,
}

/// The model's acceptance rule: in every bucket, at every date, spending never exceeds
/// money in place.
fn consistent(events: &[Event]) -> bool {
    for e in events {
        for probe in events.iter().filter(|p| p.key == e.key) {
            let upto = |f: fn(&Event) -> i64| -> i64 {
                events
                    .iter()
                    .filter(|x| x.key == e.key && x.day <= probe.day)
                    .map(f)
                    .sum()
            };
            if upto(|x| x.spent) > upto(|x| x.funds) {
                return false;
            }
        }
    }
    true
}

fn setup() -> Ledger {
    let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
    let mut recs: Vec<fundtrack::record::Record> =
        vec![Region::new("450500".parse().unwrap(), "北海市").into()];
    for (i, c) in COUNTIES.iter().enumerate() {
        recs.push(Region::new(c.parse().unwrap(), format!("县{i}")).into());
        for (j, cat) in CATS.iter().enumerate() {
            let id = format!("P-{i}-{j}").parse().unwrap();
            recs.push(
                Project::new(
                    id,
                    code(i),
                    cat.clone(),
                    Money::from_fen(1),
                    ProjectStage::Implementing,
                    2021,
                )
                .into(),
            );
        }
    }
    l.insert(recs).unwrap();
    l
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn ledger_matches_a_naive_fold(ops in proptest::collection::vec(op(), 1..40)) {
        let mut ledger = setup();
        let mut model: Vec<Event> = Vec::new();
        for (n, op) in ops.iter().enumerate() {
            let id = format!("R{n}").parse().unwrap();
            let bucket = |c: usize, l: usize, k: usize| Bucket::new(code(c), LEVELS[l], Some(CATS[k].clone()));
            let (record, events): (fundtrack::record::Record, Vec<Event>) = match *op {
                Op::Allocate { county, level, cat, day, fen } => (
                    Allocation::new(id, date(day), code(county), LEVELS[level], Money::from_fen(fen)).with_category(CATS[cat].clone()).into(),
                    vec![Event { key: (county, level, cat), day, funds: fen, spent: 0 }],
                ),
                Op::Spend { county, level, cat, day, fen } => (
                    Expenditure::new(id, date(day), format!("P-{county}-{cat}").parse().unwrap(), code(county), LEVELS[level], CATS[cat].clone(), Money::from_fen(fen)).into(),
                    vec![Event { key: (county, level, cat), day, funds: 0, spent: fen }],
                ),
                Op::Recover { county, level, cat, day, fen } => (
                    Adjustment::recovery(id, date(day), bucket(county, level, cat), Money::from_fen(fen)).into(),
                    vec![Event { key: (county, level, cat), day, funds: -fen, spent: 0 }],
                ),
                Op::Move { county, level, from, to_county, day, fen } => {
                    let to = 1 - from;
                    (
                        Adjustment::reallocation(id, date(day), bucket(county, level, from), bucket(to_county, level, to), Money::from_fen(fen)).into(),
                        vec![
                            Event { key: (county, level, from), day, funds: -fen, spent: 0 },
                            Event { key: (to_county, level, to), day, funds: fen, spent: 0 },
                        ],
                    )
                }
            };
            let mut candidate = model.clone();
            candidate.extend(events);
            let model_accepts = consistent(&candidate);
            let ledger_accepts = ledger.insert([record]).is_ok();
            prop_assert_eq!(ledger_accepts, model_accepts, "op {} {:?}", n, op);
            if model_accepts {
                model = candidate;
            }
        }
        for day in [0u32, 90, 180, 272, 364] {
            let as_of = date(day);
            let upto: Vec<&Event> = model.iter().filter(|e| e.day <= day).collect();
            let funds: i64 = upto.iter().map(|e| e.funds).sum();
            let spent: i64 = upto.iter().map(|e| e.spent).sum();
            let report = ledger.execution(as_of);
            prop_assert_eq!(report.total().allocated(), Money::from_fen(funds));
            prop_assert_eq!(report.total().spent(), Money::from_fen(spent));
            if funds > 0 {
                let rate = report.total().rate().unwrap();
                // Half-up at 6 places of a percent, in integers: q = ⌊(2·spent·10⁸ + funds) / (2·funds)⌋
                // for spent ≥ 0 (spending never goes below zero in the model).
                let (s, f) = (i128::from(spent), i128::from(funds));
                let q = (2 * s * 100_000_000 + f).div_euclid(2 * f);
                let naive = Decimal::from_i128_with_scale(q, 6);
                prop_assert_eq!(rate.to_percent(Rounding::half_up(6).unwrap()), naive);
            } else {
                prop_assert!(report.total().rate().is_err());
            }
            // Grouped by county and level: each row is the fold over its events.
            let grouped = ledger.execution(ExecutionOptions::new(as_of).by_region(RegionLevel::County).by_level());
            let mut sum_rows = 0i128;
            for row in grouped.rows() {
                let c = COUNTIES.iter().position(|c| Some(c.parse::<RegionCode>().unwrap()) == row.key().region()).unwrap();
                let l = LEVELS.iter().position(|l| Some(*l) == row.key().level()).unwrap();
                let want: i64 = upto.iter().filter(|e| e.key.0 == c && e.key.1 == l).map(|e| e.funds).sum();
                prop_assert_eq!(row.allocated(), Money::from_fen(want));
                sum_rows += row.allocated().to_fen();
            }
            prop_assert_eq!(sum_rows, i128::from(funds));
            // The monthly report: 本月 is the fold over the month; every grouping's rows (detail,
            // each 小计) add up to the 合计 to the 分, and a region's 小计 rows to its row.
            let monthly = ledger.execution(ExecutionOptions::monthly(as_of, RegionLevel::County));
            let (from, to) = monthly.options().period().unwrap();
            let month: Vec<&Event> = model.iter().filter(|e| date(e.day) > from && date(e.day) <= to).collect();
            let fold = |es: &[&Event], f: fn(&Event) -> i64| Money::from_fen(es.iter().map(|e| f(e)).sum());
            let total = monthly.total();
            prop_assert_eq!(total.period_allocated(), Some(fold(&month, |e| e.funds)));
            prop_assert_eq!(total.period_spent(), Some(fold(&month, |e| e.spent)));
            let figures = |p: &fundtrack::report::Progress| [p.allocated().to_fen(), p.spent().to_fen(), p.period_allocated().unwrap().to_fen(), p.period_spent().unwrap().to_fen()];
            let add = |rows: Vec<[i128; 4]>| rows.into_iter().fold([0i128; 4], |mut acc, r| { for (a, x) in acc.iter_mut().zip(r) { *a += x; } acc });
            let mut groupings = vec![monthly.options().grouping()];
            groupings.extend_from_slice(monthly.options().subtotals());
            for g in groupings {
                let rows: Vec<_> = monthly.rows_of(g).map(|r| figures(r.progress())).collect();
                if !rows.is_empty() {
                    prop_assert_eq!(add(rows), figures(total), "grouping {:?}", g);
                }
            }
            for region_row in monthly.rows_of(G::REGION) {
                let within = |g| add(monthly.rows_of(g).filter(|r| r.key().region() == region_row.key().region()).map(|r| figures(r.progress())).collect());
                prop_assert_eq!(within(G::REGION | G::LEVEL), figures(region_row.progress()));
                prop_assert_eq!(within(G::REGION | G::CATEGORY), figures(region_row.progress()));
                prop_assert_eq!(within(G::REGION | G::LEVEL | G::CATEGORY), figures(region_row.progress()));
            }
            // Rolled up to the city, the money moved between counties is counted once.
            let city = ledger.execution(ExecutionOptions::new(as_of).by_region(RegionLevel::City));
            prop_assert!(city.rows().len() <= 1);
            if let Some(row) = city.rows().first() {
                prop_assert_eq!(row.allocated(), Money::from_fen(funds));
            }
            // Category shares of positive allocations print to exactly 100.00.
            let by_cat = ledger.execution(ExecutionOptions::new(as_of).by_category());
            if by_cat.rows().iter().all(|r| r.allocated().is_positive()) && !by_cat.rows().is_empty() {
                let shares: Shares<_> = by_cat.shares(fundtrack::report::Basis::Allocated).unwrap();
                let total: Decimal = shares.percents_summing_to_100(2).values().copied().sum();
                prop_assert_eq!(total, Decimal::ONE_HUNDRED);
            }
        }
    }

    #[test]
    fn money_prints_and_parses_back(fen in any::<i64>()) {
        let m = Money::from_fen(fen);
        prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        let wan = format!("{}万元", m.to_unit(fundtrack::money::Unit::Wan));
        prop_assert_eq!(wan.parse::<Money>().unwrap(), m);
    }
}
