//! Rendering and exchange formats (`fundtrack::format`): 人民币大写 vectors, money
//! round-trips, pinned report text and tables, CSV export and JSON round-trips. Reading CSV
//! is tested in `import.rs`.

use std::collections::HashMap;

use chrono::NaiveDate;
use fundtrack::dim::RegionLevel;
use fundtrack::format::{
    MoneyFormat, RateChart, RegionNames, RmbUpper, TextStyle, display_width, execution_csv,
    execution_table, ranking_table, rmb_upper, rmb_upper_with,
};
use fundtrack::money::Unit;
use fundtrack::record::{Allocation, Expenditure, Project, Region};
use fundtrack::report::{
    Base, ExecutionOptions, ExecutionRow, Growth, Milestones, Progress, Ranking, Schedule,
};
use fundtrack::{
    Category, FiscalYear, FundLevel, Ledger, Money, ProjectStage, Ratio, RegionCode, RoundMode,
    Rounding,
};
use indexmap::IndexMap;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// Pins `text` as `tests/snapshots/<name>.snap`.
pub(crate) fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

pub(crate) fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, day).unwrap()
}

pub(crate) fn m(s: &str) -> Money {
    s.parse().unwrap()
}

// ---------------------------------------------------------------- 人民币大写

#[test]
fn rmb_upper_vectors() {
    let table = include_str!("data/rmb_vectors.csv");
    let mut n = 0;
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(4, ',').collect();
        let (amount, rounding, expected) = (cols[0], cols[1], cols[2]);
        let value = Decimal::from_str_exact(amount).unwrap();
        let money = match rounding {
            "" => Money::yuan(value),
            mode => {
                let mode = match mode {
                    "half_up" => RoundMode::HalfUp,
                    "half_even" => RoundMode::HalfEven,
                    "trunc" => RoundMode::Trunc,
                    other => panic!("unknown rounding {other}"),
                };
                Money::yuan(Rounding::new(mode, 2).unwrap().apply(value))
            }
        };
        match money {
            Ok(money) => assert_eq!(rmb_upper(money), expected, "{line}"),
            Err(e) => {
                assert_eq!(expected, "error", "{line}: {e}");
                assert!(e.to_string().contains("3 decimal places of 元"), "{e}");
            }
        }
        n += 1;
    }
    assert!(n >= 50, "{n} vectors");
}

#[test]
fn rmb_upper_options() {
    let opts = RmbUpper::new().zheng_after_jiao();
    assert_eq!(rmb_upper_with(m("0.5"), opts), "人民币伍角整");
    assert_eq!(rmb_upper_with(m("3.20"), opts), "人民币叁元贰角整");
    assert_eq!(rmb_upper_with(m("3.21"), opts), "人民币叁元贰角壹分");
    assert_eq!(
        rmb_upper_with(m("3"), RmbUpper::new().without_prefix()),
        "叁元整"
    );
}

// ---------------------------------------------------------------- money printing

proptest! {
    #[test]
    fn printed_money_parses_back(fen in -10_000_000_000_000i64..10_000_000_000_000i64) {
        let money = Money::from_fen(fen);
        for unit in [Unit::Yuan, Unit::Wan, Unit::Yi] {
            for fmt in [MoneyFormat::new(unit).exact(), MoneyFormat::new(unit).exact().thousands()] {
                prop_assert_eq!(fmt.render(money).parse::<Money>().unwrap(), money);
            }
        }
        // 2 places of 元 keep every 分 too.
        prop_assert_eq!(MoneyFormat::new(Unit::Yuan).render(money).parse::<Money>().unwrap(), money);
    }
}

#[test]
fn money_in_units_precisions_and_modes() {
    let x = m("30700.485万元");
    let rows = [
        ("default", MoneyFormat::default()),
        ("yuan", MoneyFormat::new(Unit::Yuan)),
        ("yuan thousands", MoneyFormat::new(Unit::Yuan).thousands()),
        ("yi", MoneyFormat::new(Unit::Yi)),
        ("yi exact", MoneyFormat::new(Unit::Yi).exact()),
        (
            "wan half-even",
            MoneyFormat::default().rounding(Rounding::half_even(2).unwrap()),
        ),
        (
            "wan trunc 0",
            MoneyFormat::default().rounding(Rounding::trunc(0).unwrap()),
        ),
        (
            "wan 1 no unit",
            MoneyFormat::default()
                .rounding(Rounding::half_up(1).unwrap())
                .without_unit(),
        ),
    ];
    let out: Vec<String> = rows
        .iter()
        .map(|(n, f)| format!("{n}: {}", f.render(x)))
        .collect();
    assert_eq!(
        out,
        [
            "default: 30700.49万元",
            "yuan: 307004850.00元",
            "yuan thousands: 307,004,850.00元",
            "yi: 3.07亿元",
            "yi exact: 3.0700485000亿元",
            "wan half-even: 30700.48万元",
            "wan trunc 0: 30700万元",
            "wan 1 no unit: 30700.5",
        ]
    );
}

// ---------------------------------------------------------------- report text

#[test]
fn beihai_sentences_snapshot() {
    let as_of = d(9, 30);
    let year = FiscalYear::new(2021).unwrap();
    let style = TextStyle::default();
    let row = Progress::of(m("30700.48万元"), m("39757.09万元"));
    let rate = row.rate().unwrap();
    let months = Schedule::Months.compare(&rate, year, as_of);
    let days = Schedule::Days.compare(&rate, year, as_of);
    // PARAMETER: the region's milestone is not printed; 75% by 30 September is assumed.
    let rule = Milestones::new([(as_of, Ratio::from_percent(dec!(75)).unwrap())]).unwrap();
    let met = Schedule::Milestones(rule.clone()).compare(&rate, year, as_of);
    let slow = Progress::of(m("27000万元"), m("39757.09万元"));
    let slow_months = Schedule::Months.compare(&slow.rate().unwrap(), year, as_of);
    let missed = Schedule::Milestones(rule).compare(&slow.rate().unwrap(), year, as_of);
    let growth = Growth::new(m("15302万元"), Base::Comparable(m("13233.59万元")));
    let fall = Growth::new(m("12000万元"), Base::Prior(m("13233.59万元")));
    let text = [
        style.allocated(as_of, "全市", row.allocated()),
        style.progress(as_of, "全市", &row, Some(&months)),
        style.progress(as_of, "全市", &row, Some(&days)),
        style.progress(as_of, "全市", &slow, Some(&slow_months)),
        style.progress(as_of, "全市", &Progress::of(Money::ZERO, Money::ZERO), None),
        style.milestone(&met, "自治区"),
        style.milestone(&missed, "自治区"),
        style.growth(&growth),
        style.growth(&fall),
        style
            .percents(Rounding::half_up(1).unwrap())
            .growth(&growth),
        style.rounding_note(),
    ];
    snapshot("format_beihai_sentences", &text.join("\n"));
}

/// The Beihai example, compiled in here so its full output is pinned.
#[allow(dead_code, reason = "the example's main is not called here")]
#[path = "../examples/beihai_2021.rs"]
mod beihai_example;

/// Beihai 2021 (SPEC §8): the bulletin `cargo run --example beihai_2021` prints.
#[test]
fn beihai_2021_bulletin_snapshot() {
    let b = beihai_example::Beihai::compute().unwrap();
    let text = beihai_example::bulletin(&b).unwrap();
    for printed in [
        "39757.09万元",
        "77.22%",
        "超序时进度2.22个百分点",
        "同比增长15.63%",
        "达到自治区要求",
        "112.94%",
        "114.83万元",
        "19.30%",
        "45.60%",
        "35.10%",
        "110.18%",
        "25.62%",
        "6600.00元",
        "93.69%",
        "100.67%",
        "3.64万元",
        "0.65万元",
        "0.83万元",
        "40.27%",
        "3.78人",
    ] {
        assert!(text.contains(printed), "{printed} missing");
    }
    snapshot("format_beihai_2021_bulletin", &text);
    #[cfg(feature = "serde")]
    {
        let json: serde_json::Value =
            serde_json::from_str(&beihai_example::json(&b).unwrap()).unwrap();
        assert_eq!(json["funds"]["allocated"], "397570900.00");
        assert_eq!(json["small_loans"]["task_kind"], "inferred_input");
        assert_eq!(json["schedule_months"]["gap_points_rounded"], "2.22");
    }
}

// ---------------------------------------------------------------- tables

/// A small city: 北海市 (450500) with three districts and 合浦县; money at every level, two
/// categories, spending by pooled projects, 铁山港区 with nothing allocated yet.
#[allow(clippy::too_many_lines, reason = "a fixture: one line per record")]
pub(crate) fn city() -> Ledger {
    let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
    let regions = [
        ("450500", "北海市"),
        ("450502", "海城区"),
        ("450503", "银海区"),
        ("450512", "铁山港区"),
        ("450521", "合浦县"),
    ];
    l.insert(regions.map(|(c, n)| Region::new(c.parse().unwrap(), n)))
        .unwrap();
    let mut batch: Vec<fundtrack::record::Record> = Vec::new();
    let alloc = [
        (
            "A-01",
            "450500",
            FundLevel::City,
            Category::Industry,
            "1200",
        ),
        (
            "A-02",
            "450502",
            FundLevel::Central,
            Category::Industry,
            "800",
        ),
        (
            "A-03",
            "450502",
            FundLevel::County,
            Category::Infrastructure,
            "350.5",
        ),
        (
            "A-04",
            "450503",
            FundLevel::Provincial,
            Category::Industry,
            "600",
        ),
        (
            "A-05",
            "450521",
            FundLevel::Central,
            Category::Industry,
            "2100.25",
        ),
        (
            "A-06",
            "450521",
            FundLevel::Provincial,
            Category::Infrastructure,
            "900",
        ),
    ];
    for (id, r, level, cat, wan) in alloc {
        let a = Allocation::new(
            id.parse().unwrap(),
            d(2, 1),
            r.parse().unwrap(),
            level,
            m(&format!("{wan}万元")),
        )
        .with_category(cat);
        batch.push(a.into());
    }
    // An allocation not yet assigned to a category.
    batch.push(
        Allocation::new(
            "A-07".parse().unwrap(),
            d(2, 1),
            "450521".parse().unwrap(),
            FundLevel::County,
            m("100万元"),
        )
        .into(),
    );
    let projects = [
        ("P-01", "450500", Category::Industry),
        ("P-02", "450502", Category::Industry),
        ("P-03", "450502", Category::Infrastructure),
        ("P-04", "450503", Category::Industry),
        ("P-05", "450521", Category::Industry),
        ("P-06", "450521", Category::Infrastructure),
    ];
    for (id, r, cat) in projects {
        batch.push(
            Project::new(
                id.parse().unwrap(),
                r.parse().unwrap(),
                cat,
                m("5000万元"),
                ProjectStage::Implementing,
                2021,
            )
            .into(),
        );
    }
    let spend = [
        (
            "E-01",
            "P-01",
            "450500",
            FundLevel::City,
            Category::Industry,
            "900",
        ),
        (
            "E-02",
            "P-02",
            "450502",
            FundLevel::Central,
            Category::Industry,
            "600",
        ),
        (
            "E-03",
            "P-03",
            "450502",
            FundLevel::County,
            Category::Infrastructure,
            "100.25",
        ),
        (
            "E-04",
            "P-04",
            "450503",
            FundLevel::Provincial,
            Category::Industry,
            "450",
        ),
        (
            "E-05",
            "P-05",
            "450521",
            FundLevel::Central,
            Category::Industry,
            "1300.13",
        ),
        (
            "E-06",
            "P-06",
            "450521",
            FundLevel::Provincial,
            Category::Infrastructure,
            "675",
        ),
    ];
    for (id, p, r, level, cat, wan) in spend {
        let e = Expenditure::new(
            id.parse().unwrap(),
            d(6, 15),
            p.parse().unwrap(),
            r.parse().unwrap(),
            level,
            cat,
            m(&format!("{wan}万元")),
        );
        batch.push(e.into());
    }
    l.insert(batch).unwrap();
    l.insert([Region::new("450599".parse().unwrap(), "无资金县")])
        .unwrap();
    l
}

#[test]
fn execution_tables_snapshot() {
    let l = city();
    let style = TextStyle::default();
    let by_county = l.execution(ExecutionOptions::new(d(6, 30)).by_region(RegionLevel::County));
    let by_level = l.execution(ExecutionOptions::new(d(6, 30)).by_level());
    let by_cat = l.execution(
        ExecutionOptions::new(d(6, 30))
            .by_region(RegionLevel::County)
            .by_category(),
    );
    let by_days = l.execution(
        ExecutionOptions::new(d(6, 30))
            .by_category()
            .schedule(Schedule::Days),
    );
    let text = [
        execution_table(&by_county, Some(&l), &style),
        execution_table(&by_level, Some(&l), &style),
        execution_table(&by_cat, None, &style),
        execution_table(
            &by_days,
            Some(&l),
            &style.money(MoneyFormat::new(Unit::Yuan).thousands()),
        ),
        style.rounding_note(),
    ];
    let joined = text.join("\n");
    snapshot("format_execution_tables", &joined);
    // Every line of a table has its columns at the same display positions: the rule line
    // is as wide as the widest line.
    for table in &text[..4] {
        let widths: Vec<usize> = table.lines().map(display_width).collect();
        assert_eq!(widths[1], *widths.iter().max().unwrap(), "{table}");
    }
}

#[test]
fn ranking_snapshot_and_chart() {
    let l = city();
    let report = l.execution(ExecutionOptions::new(d(6, 30)).by_region(RegionLevel::County));
    let ranking = Ranking::new(&report);
    let order: Vec<String> = ranking
        .entries()
        .iter()
        .map(|e| format!("{} {}", e.rank(), e.region()))
        .collect();
    // The city's own money stays with the city row; it ranks like any region.
    assert_eq!(order, ["1 450500", "1 450503", "3 450521", "4 450502"]);
    assert_eq!(
        ranking.unranked().len(),
        0,
        "铁山港区 has no bucket, so no row"
    );
    let style = TextStyle::default();
    let text = [
        ranking_table(&ranking, 10, Some(&l), &style),
        ranking_table(&ranking, 1, Some(&l), &style),
    ];
    snapshot("format_ranking", &text.join("\n"));
    let svg = RateChart::from_ranking("北海市各县区衔接资金支出进度", &ranking, Some(&l)).render();
    assert!(svg.contains("银海区") && svg.contains("序时进度 50.00%") && svg.contains("75.00%"));
    snapshot("format_chart_svg", &svg);
}

#[test]
fn renderers_take_names_from_any_lookup_not_only_the_ledger() {
    let l = city();
    let report = l.execution(ExecutionOptions::new(d(6, 30)).by_region(RegionLevel::County));
    let ranking = Ranking::new(&report);
    let style = TextStyle::default();
    let map: HashMap<RegionCode, String> = l
        .regions()
        .map(|r| (r.code(), r.name().to_owned()))
        .collect();
    let ordered: IndexMap<RegionCode, String> = map.clone().into_iter().collect();
    for names in [&map as &dyn RegionNames, &ordered] {
        assert_eq!(
            execution_table(&report, Some(names), &style),
            execution_table(&report, Some(&l), &style)
        );
        assert_eq!(
            ranking_table(&ranking, 10, Some(names), &style),
            ranking_table(&ranking, 10, Some(&l), &style)
        );
        assert_eq!(
            execution_csv(&report, Some(names), Rounding::default()),
            execution_csv(&report, Some(&l), Rounding::default())
        );
        assert_eq!(
            RateChart::from_ranking("t", &ranking, Some(names)).render(),
            RateChart::from_ranking("t", &ranking, Some(&l)).render()
        );
    }
    // Without names, codes.
    let codes_only = ranking_table(&ranking, 10, None, &style);
    assert!(codes_only.contains("450521") && !codes_only.contains("合浦县"));
}

#[test]
fn ranking_ties_share_a_rank_and_are_ordered_by_code() {
    let mut l = Ledger::new(FiscalYear::new(2021).unwrap());
    let codes = ["450521", "450502", "450503"];
    for (i, c) in codes.iter().enumerate() {
        let code = c.parse().unwrap();
        l.insert([Region::new(code, format!("县{i}"))]).unwrap();
        l.insert([Allocation::new(
            format!("A-{i}").parse().unwrap(),
            d(1, 5),
            code,
            FundLevel::Central,
            m("100万元"),
        )
        .with_category(Category::Industry)])
            .unwrap();
        l.insert([Project::new(
            format!("P-{i}").parse().unwrap(),
            code,
            Category::Industry,
            m("100万元"),
            ProjectStage::Implementing,
            2021,
        )])
        .unwrap();
        let amount = if i == 2 { "10万元" } else { "50万元" };
        l.insert([Expenditure::new(
            format!("E-{i}").parse().unwrap(),
            d(3, 1),
            format!("P-{i}").parse().unwrap(),
            code,
            FundLevel::Central,
            Category::Industry,
            m(amount),
        )])
        .unwrap();
    }
    let ranking =
        Ranking::new(&l.execution(ExecutionOptions::new(d(3, 31)).by_region(RegionLevel::County)));
    let got: Vec<(usize, String)> = ranking
        .entries()
        .iter()
        .map(|e| (e.rank(), e.region().to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "450502".into()),
            (1, "450521".into()),
            (3, "450503".into())
        ]
    );
    assert_eq!(ranking.top(1).len(), 1);
    assert_eq!(ranking.bottom(5).len(), 3);
}

// ---------------------------------------------------------------- CSV

#[test]
fn execution_csv_round_trips_to_the_report_values() {
    let l = city();
    let report = l.execution(
        ExecutionOptions::new(d(6, 30))
            .by_region(RegionLevel::County)
            .by_category(),
    );
    let csv = execution_csv(&report, Some(&l), Rounding::default());
    snapshot("format_execution_csv", &csv);
    assert!(!csv.contains('\r') && !csv.contains('元') && !csv.contains('%'));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), report.rows().len() + 1);
    for (row, fields) in report
        .rows()
        .iter()
        .map(ExecutionRow::progress)
        .chain([report.total()])
        .zip(&rows)
    {
        assert_eq!(
            fields[col("allocated_yuan")].parse::<Money>().unwrap(),
            row.allocated()
        );
        assert_eq!(
            fields[col("spent_yuan")].parse::<Money>().unwrap(),
            row.spent()
        );
        let rate = row.rate().unwrap().to_percent(Rounding::default());
        assert_eq!(
            Decimal::from_str_exact(fields[col("rate_percent")]).unwrap(),
            rate
        );
        assert_eq!(
            fields[col("rate_percent")].split('.').nth(1).map(str::len),
            Some(2)
        );
    }
}

// ---------------------------------------------------------------- JSON

#[cfg(feature = "serde")]
mod json {
    use super::*;
    use fundtrack::format::{from_json, to_json};
    use fundtrack::report::{Execution, PoolCoverage};

    #[test]
    fn money_and_ratio_json_are_strings() {
        // Whatever rust_decimal's serde features say (serde-float would write numbers).
        let row = Progress::of(m("30700.48万元"), m("39757.09万元"));
        let v: serde_json::Value = serde_json::from_str(&to_json(&row).unwrap()).unwrap();
        assert_eq!(v["allocated"], serde_json::json!("397570900.00"));
        assert_eq!(v["spent"], serde_json::json!("307004800.00"));
        let r: serde_json::Value =
            serde_json::from_str(&to_json(&row.rate().unwrap()).unwrap()).unwrap();
        assert_eq!(
            r,
            serde_json::json!({"numerator": "307004800.00", "denominator": "397570900.00"})
        );
    }

    #[test]
    fn reports_round_trip_through_json() {
        let l = city();
        let opts = ExecutionOptions::new(d(6, 30))
            .by_region(RegionLevel::County)
            .by_level()
            .by_category()
            .schedule(Schedule::Days);
        let report = l.execution(opts);
        let back: Execution = from_json(&to_json(&report).unwrap()).unwrap();
        assert_eq!(back, report);
        let ranking = Ranking::new(
            &l.execution(ExecutionOptions::new(d(6, 30)).by_region(RegionLevel::County)),
        );
        assert_eq!(
            from_json::<Ranking>(&to_json(&ranking).unwrap()).unwrap(),
            ranking
        );
        let pool = l.pool_coverage(d(6, 30));
        assert_eq!(
            from_json::<PoolCoverage>(&to_json(&pool).unwrap()).unwrap(),
            pool
        );
        let growth = Growth::new(m("15302万元"), Base::Comparable(m("13233.59万元")));
        assert_eq!(
            from_json::<Growth>(&to_json(&growth).unwrap()).unwrap(),
            growth
        );
        for a in l.allocations() {
            assert_eq!(&from_json::<Allocation>(&to_json(&a).unwrap()).unwrap(), &a);
        }
    }

    #[test]
    fn json_errors_say_where() {
        let err = from_json::<Execution>("{\n  \"options\": 5\n}").unwrap_err();
        assert_eq!((err.line(), err.column() > 0), (2, true));
        assert!(err.to_string().starts_with("JSON line 2 column"), "{err}");
    }
}
