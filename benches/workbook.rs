//! Reading a county workbook: 100,000 expenditures in one sheet, read by `calamine` alone
//! (`worksheet_range_ref`, its fastest whole-sheet read: unzip, XML, shared strings →
//! cells) and by `Batch::read_workbook`
//! (the same, plus headers, dates, exact amounts, labels and records). The goal is the
//! reader within 1.5 × calamine's own time. `tests/openpyxl/read_speed.py` times
//! `pandas.read_excel` on the same file (written to `target/workbook-100k.xlsx`).
//!
//! `cargo bench --bench workbook`; `cargo test --benches` reads a small workbook once and
//! checks its total.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::io::Cursor;

use calamine::{Reader, ReaderRef, Xlsx};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fundtrack::import::Batch;
use fundtrack::record::Record;
use fundtrack::{FiscalYear, Money};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A workbook of `n` expenditures (dates as date cells, amounts as numbers of 元) and the
/// sum of its amounts in 分.
fn workbook(n: u32) -> (Vec<u8>, i128) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("资金支出").unwrap();
    let headers = [
        "支付凭证号",
        "支付日期",
        "项目编号",
        "地区代码",
        "资金级次",
        "资金类别",
        "金额（元）",
        "摘要",
    ];
    for (c, h) in (0u16..).zip(headers) {
        ws.write_string(0, c, h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let levels = ["中央", "自治区", "市级", "县级"];
    let categories = ["产业发展", "基础设施", "小额信贷贴息", "雨露计划"];
    let mut total = 0i128;
    let mut x: u64 = 20_211_231;
    for i in 0..n {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let r = i + 1;
        let fen = i64::try_from(x >> 40).unwrap() % 10_000_000 + 1;
        total += i128::from(fen);
        let day = u8::try_from(x % 28).unwrap() + 1;
        let month = u8::try_from((x >> 8) % 12).unwrap() + 1;
        ws.write_string(r, 0, format!("ZF{i:08}")).unwrap();
        let dt = ExcelDateTime::from_ymd(2021, month, day).unwrap();
        ws.write_datetime_with_format(r, 1, &dt, &date).unwrap();
        ws.write_string(r, 2, format!("P{}", x % 5_000)).unwrap();
        ws.write_string(r, 3, "450521").unwrap();
        ws.write_string(r, 4, levels[usize::try_from(x % 4).unwrap()])
            .unwrap();
        ws.write_string(r, 5, categories[usize::try_from((x >> 4) % 4).unwrap()])
            .unwrap();
        let yuan: f64 = Money::from_fen(fen)
            .as_decimal()
            .to_string()
            .parse()
            .unwrap();
        ws.write_number(r, 6, yuan).unwrap();
    }
    (wb.save_to_buffer().unwrap(), total)
}

fn read(bytes: &[u8]) -> Batch {
    let mut batch = Batch::for_year(FiscalYear::new(2021).unwrap());
    batch
        .read_workbook("bench.xlsx", Cursor::new(bytes))
        .unwrap();
    batch
}

fn sum(batch: &Batch) -> i128 {
    batch
        .records()
        .iter()
        .map(|r| match r {
            Record::Expenditure(e) => e.amount().to_fen(),
            _ => 0,
        })
        .sum()
}

fn benches(c: &mut Criterion) {
    // `cargo bench` passes `--bench`; under `cargo test --benches` a small workbook is read
    // once and checked.
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 100_000 } else { 2_000 };
    let (bytes, total) = workbook(n);
    assert_eq!(sum(&read(&bytes)), total, "the reader's total");
    if full {
        std::fs::write("target/workbook-100k.xlsx", &bytes).unwrap();
    }
    let mut g = c.benchmark_group("workbook");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(n)));
    g.bench_function("calamine worksheet_range_ref", |b| {
        b.iter(|| {
            let mut book: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
            black_box(book.worksheet_range_ref("资金支出").unwrap().get_size())
        });
    });
    g.bench_function("Batch::read_workbook", |b| {
        b.iter(|| black_box(read(&bytes)));
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
