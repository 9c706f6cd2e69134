//! The monthly report package (SPEC §11) on the made-up city of `examples/data/monthly_csv`:
//! 本月 figures against two year-to-date reports, the text pinned, CSV for Excel, the JSON
//! round trip, the bulletin, and the bulk path's report without period figures.

use std::path::Path;

use chrono::NaiveDate;
use fundtrack::dim::RegionLevel;
use fundtrack::format::{Bulletin, Clause, Paragraph, TextStyle, monthly_csv, monthly_text};
use fundtrack::import::{Batch, CsvKind};
use fundtrack::report::{ExecutionOptions, Grouping};
use fundtrack::{FiscalYear, Ledger, Money};

use crate::format::snapshot;

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

/// The example city's ledger, read as `monthly_report` reads it.
fn city() -> Ledger {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/monthly_csv");
    let mut batch = Batch::for_year(FiscalYear::new(2025).unwrap());
    for (kind, file) in [
        (CsvKind::Regions, "regions.csv"),
        (CsvKind::Allocations, "allocations.csv"),
        (CsvKind::Projects, "projects.csv"),
        (CsvKind::Expenditures, "expenditures.csv"),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        batch.read(kind, file, bytes.as_slice()).unwrap();
    }
    let mut ledger = Ledger::new(FiscalYear::new(2025).unwrap());
    batch.insert_into(&mut ledger).unwrap();
    ledger
}

#[test]
fn month_figures_are_the_difference_of_two_year_to_date_reports() {
    let ledger = city();
    let opts = |d| {
        ExecutionOptions::new(d)
            .by_region(RegionLevel::County)
            .by_level()
            .by_category()
    };
    let month = ledger.execution(opts(date(9, 30)).month_to_date());
    let (end, start) = (
        ledger.execution(opts(date(9, 30))),
        ledger.execution(opts(date(8, 31))),
    );
    let at = |r: &fundtrack::report::Execution, key| {
        r.rows()
            .iter()
            .find(|x| x.key() == key)
            .map_or((Money::ZERO, Money::ZERO), |x| (x.allocated(), x.spent()))
    };
    assert!(month.rows().len() > 50);
    for row in month.rows() {
        let (a1, s1) = at(&end, row.key());
        let (a0, s0) = at(&start, row.key());
        assert_eq!(
            row.progress().period_spent(),
            s1.checked_sub(s0),
            "{:?}",
            row.key()
        );
        assert_eq!(
            row.progress().period_allocated(),
            a1.checked_sub(a0),
            "{:?}",
            row.key()
        );
        // 累计 is the year to date, as without a period.
        assert_eq!((row.allocated(), row.spent()), (a1, s1));
    }
    let spent_in_september = ledger
        .expenditures()
        .iter()
        .filter(|e| e.date() > date(8, 31) && e.date() <= date(9, 30))
        .map(|e| e.amount());
    assert_eq!(
        month.total().period_spent(),
        Money::checked_sum(spent_in_september)
    );
    // A quarter: (6-30, 9-30].
    let quarter = ledger.execution(
        ExecutionOptions::new(date(9, 30))
            .since(date(6, 30))
            .unwrap(),
    );
    let q = ledger
        .expenditures()
        .iter()
        .filter(|e| e.date() > date(6, 30) && e.date() <= date(9, 30))
        .map(|e| e.amount());
    assert_eq!(quarter.total().period_spent(), Money::checked_sum(q));
    assert!(
        ExecutionOptions::new(date(9, 30))
            .since(date(10, 1))
            .is_err()
    );
}

#[test]
fn subtotals_inside_each_region_add_up_to_the_region_and_the_total() {
    let ledger = city();
    let report = ledger.execution(ExecutionOptions::monthly(date(9, 30), RegionLevel::County));
    let sum = |g: Grouping| {
        let rows = report
            .rows_of(g)
            .map(fundtrack::report::ExecutionRow::spent);
        Money::checked_sum(rows).unwrap()
    };
    for g in [
        Grouping::REGION | Grouping::LEVEL | Grouping::CATEGORY,
        Grouping::REGION | Grouping::LEVEL,
        Grouping::REGION | Grouping::CATEGORY,
        Grouping::REGION,
        Grouping::LEVEL,
        Grouping::CATEGORY,
    ] {
        assert_eq!(sum(g), report.total().spent(), "{g:?}");
    }
    assert_eq!(report.rows_of(Grouping::REGION).count(), 3);
}

#[test]
fn monthly_text_snapshot() {
    let ledger = city();
    let report = ledger.execution(ExecutionOptions::monthly(date(9, 30), RegionLevel::County));
    let style = TextStyle::default();
    let paragraphs = Bulletin::new("全市").paragraphs(&report, Some(&ledger));
    snapshot(
        "monthly_report_text",
        &monthly_text(&report, Some(&ledger), &style, "示例市", &paragraphs),
    );
}

#[test]
fn csv_for_excel_has_a_bom_crlf_and_chinese_headers() {
    let ledger = city();
    let report = ledger.execution(ExecutionOptions::monthly(date(9, 30), RegionLevel::County));
    let csv = monthly_csv(&report, Some(&ledger), &TextStyle::default());
    assert!(csv.starts_with("\u{feff}地区代码,地区,资金级次,资金类别,累计落实（万元）,累计支出（万元）,本月支出（万元）,支出进度,较序时进度（百分点）\r\n"));
    assert!(!csv.replace("\r\n", "").contains('\n'));
    let last = csv.trim_end().lines().last().unwrap();
    assert!(last.starts_with("合计,,,,78191.94,"), "{last}");
    // 3 regions × (20 detail + 4 + 5 + 1 小计) + 4 + 5 subtotals across regions + header + 合计.
    assert_eq!(csv.lines().count(), 3 * 30 + 9 + 2);
}

#[test]
fn bulletin_paragraphs_are_complete_and_adjustable() {
    let ledger = city();
    let report = ledger.execution(ExecutionOptions::monthly(date(9, 30), RegionLevel::County));
    let text = Bulletin::new("全市")
        .after(Clause::Gap, "，需加快支出进度")
        .omit(Paragraph::Regions)
        .render(&report, Some(&ledger));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines.iter().all(|l| l.starts_with("截至2025年9月30日")
        || l.starts_with("分类别看")
        || l.starts_with("项目库")));
    assert!(lines.iter().all(|l| l.ends_with('。')));
    assert!(
        lines[1].contains("其中本月支出") && lines[1].ends_with("个百分点，需加快支出进度。"),
        "{}",
        lines[1]
    );
    // From an empty ledger: still sentences, and a rate that says why it has none.
    let empty = Ledger::new(FiscalYear::new(2025).unwrap());
    let text = Bulletin::new("全县").render(
        &empty.execution(ExecutionOptions::monthly(date(9, 30), RegionLevel::County)),
        None,
    );
    assert_eq!(
        text,
        "截至2025年9月30日，全县落实衔接资金0.00万元。\n截至2025年9月30日，全县支出衔接资金0.00万元，其中本月支出0.00万元，支出进度无法计算（基数为零）。\n"
    );
}

#[cfg(feature = "serde")]
#[test]
fn figures_json_round_trips_and_states_each_rounding() {
    use fundtrack::Rounding;
    use fundtrack::format::{Figures, from_json, to_json};
    let ledger = city();
    let report = ledger.execution(ExecutionOptions::monthly(date(9, 30), RegionLevel::County));
    let figures = Figures::new(&report, Some(&ledger), Rounding::default());
    let json = to_json(&figures).unwrap();
    assert_eq!(from_json::<Figures>(&json).unwrap(), figures);
    assert_eq!(
        figures.period.map(|p| (p.from, p.to)),
        Some((date(8, 31), date(9, 30)))
    );
    assert_eq!(
        (
            figures.schedule.kind.as_str(),
            figures.schedule.percent.as_str()
        ),
        ("months", "75.00")
    );
    assert_eq!(
        (
            figures.rounding.amounts.as_str(),
            figures.rounding.rates.as_str()
        ),
        ("exact", "half_up 2")
    );
    assert_eq!(figures.total.subtotal.as_deref(), Some("total"));
    assert_eq!(
        figures.total.spent,
        report.total().spent().as_decimal().to_string()
    );
    let kinds: std::collections::BTreeSet<_> =
        figures.rows.iter().map(|r| r.subtotal.clone()).collect();
    let names: Vec<Option<&str>> = kinds.iter().map(Option::as_deref).collect();
    assert_eq!(
        names,
        [
            None,
            Some("category"),
            Some("level"),
            Some("region"),
            Some("region_category"),
            Some("region_level")
        ]
    );
    // Category is null on 小计 rows not split by category.
    assert!(
        figures
            .rows
            .iter()
            .filter(|r| r.subtotal.as_deref() == Some("region_level"))
            .all(|r| r.category.is_none() && r.level.is_some())
    );
    // An unknown field is an error, not dropped.
    let extra = json.replacen("\"as_of\"", "\"note\": \"x\",\n  \"as_of\"", 1);
    assert!(from_json::<Figures>(&extra).is_err());
}

#[cfg(feature = "serde")]
#[test]
fn the_bulk_path_has_no_period_figures() {
    use fundtrack::bulk::Partials;
    let report = Partials::new(date(9, 30))
        .execution(ExecutionOptions::new(date(9, 30)).month_to_date())
        .unwrap();
    assert_eq!(report.total().period_spent(), None);
}
