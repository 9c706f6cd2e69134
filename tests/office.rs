//! Office data in (SPEC §10): the county workbook, Chinese headers, the encodings and
//! dates people's tools write, and errors that name the sheet and cell — in Chinese too.

use std::io::Cursor;

use chrono::NaiveDate;
use fundtrack::format::county_workbook;
use fundtrack::import::{Batch, CsvKind, InputError, NoteKind};
use fundtrack::record::Record;
use fundtrack::{FiscalYear, Ledger, Money};
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use crate::format::snapshot;

/// A cell of a test workbook.
#[derive(Clone, Debug)]
pub(crate) enum C {
    /// Text.
    S(String),
    /// A number cell.
    N(f64),
    /// A date cell.
    D(u16, u8, u8),
    /// A date-time cell with a time of day.
    T(u16, u8, u8, u16),
    /// A formula and its cached result, as the file stores it.
    F(&'static str, String),
    /// A boolean.
    B(bool),
    /// Nothing.
    E,
}

fn s(t: &str) -> C {
    C::S(t.to_owned())
}

type Rows = Vec<Vec<C>>;

/// A sheet of a test workbook: name, rows, hidden, merged ranges (r0, c0, r1, c1).
#[derive(Clone)]
pub(crate) struct SheetSpec {
    name: String,
    rows: Rows,
    hidden: bool,
    merged: Vec<(u32, u16, u32, u16)>,
}

fn sheet(name: &str, rows: Rows) -> SheetSpec {
    SheetSpec {
        name: name.to_owned(),
        rows,
        hidden: false,
        merged: Vec::new(),
    }
}

/// The bytes of a workbook written by `rust_xlsxwriter`.
pub(crate) fn book(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for spec in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&spec.name).unwrap();
        for (r, row) in (0u32..).zip(&spec.rows) {
            for (c, cell) in (0u16..).zip(row) {
                match cell {
                    C::S(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    C::N(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    C::D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    C::T(y, m, d, h) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d)
                            .unwrap()
                            .and_hms(*h, 0, 0)
                            .unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &datetime).unwrap();
                    }
                    C::F(f, result) => {
                        ws.write_formula(r, c, Formula::new(*f).set_result(result))
                            .unwrap();
                    }
                    C::B(b) => {
                        ws.write_boolean(r, c, *b).unwrap();
                    }
                    C::E => {}
                }
            }
        }
        for (r0, c0, r1, c1) in &spec.merged {
            ws.merge_range(*r0, *c0, *r1, *c1, "", &Format::new())
                .unwrap();
        }
        if spec.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The good county workbook every bad case starts from.
#[allow(clippy::too_many_lines)]
pub(crate) fn county() -> Vec<SheetSpec> {
    vec![
        sheet(
            "地区",
            vec![
                vec![s("地区代码"), s("地区名称")],
                vec![s("450521"), s("合浦县")],
            ],
        ),
        sheet(
            "资金类别",
            vec![
                vec![s("资金类别")],
                vec![s("产业发展")],
                vec![s("以工代赈")],
            ],
        ),
        sheet(
            "资金下达",
            vec![
                vec![s("2021年合浦县衔接资金下达台账")],
                vec![
                    s("编号"),
                    s("下达日期"),
                    s("地区代码"),
                    s("资金级次"),
                    s("资金类别"),
                    s("金额（万元）"),
                    s("指标文号"),
                    s("备注"),
                ],
                vec![
                    s("XD-1"),
                    C::D(2021, 3, 1),
                    s("450521"),
                    s("中央"),
                    s("产业发展"),
                    C::N(1200.0),
                    s("桂财农〔2021〕1号"),
                    s("第一批"),
                ],
                vec![
                    s("XD-2"),
                    s("2021/4/1"),
                    C::N(450_521.0),
                    s("自治区"),
                    s("以工代赈"),
                    C::N(300.5),
                    s("桂财农〔2021〕9号"),
                    C::E,
                ],
            ],
        ),
        sheet(
            "项目库",
            vec![
                vec![
                    s("项目编号"),
                    s("项目名称"),
                    s("地区代码"),
                    s("资金类别"),
                    s("计划投资（万元）"),
                    s("项目状态"),
                    s("年度"),
                    s("实施单位"),
                ],
                vec![
                    s("P1"),
                    s("百香果种植基地"),
                    s("450521"),
                    s("产业发展"),
                    C::N(800.0),
                    s("实施"),
                    C::N(2021.0),
                    s("合浦县农业农村局"),
                ],
                vec![
                    s("P2"),
                    s("村道硬化"),
                    s("450521"),
                    s("以工代赈"),
                    C::N(350.0),
                    s("实施"),
                    s("2021"),
                    C::E,
                ],
            ],
        ),
        sheet(
            "资金支出",
            vec![
                vec![
                    s("支付凭证号"),
                    s("支付日期"),
                    s("项目编号"),
                    s("地区代码"),
                    s("资金级次"),
                    s("资金类别"),
                    s("金额（元）"),
                    s("摘要"),
                ],
                vec![
                    s("ZF-1"),
                    C::D(2021, 5, 8),
                    s("P1"),
                    s("450521"),
                    s("中央"),
                    s("产业发展"),
                    C::F("=800+64.15", "864.1499999999999".to_owned()),
                    s("苗木款"),
                ],
                vec![C::E; 8],
                vec![
                    s("ZF-2"),
                    s("2021年9月30日"),
                    s("P2"),
                    s("450521"),
                    s("自治区"),
                    s("以工代赈"),
                    C::N(123_456.78),
                    C::E,
                ],
                vec![
                    s("合计"),
                    C::E,
                    C::E,
                    C::E,
                    C::E,
                    C::E,
                    C::F("=SUM(G2:G4)", "124320.93".to_owned()),
                    C::E,
                ],
            ],
        ),
    ]
}

fn read(sheets: &[SheetSpec]) -> Result<Batch, InputError> {
    read_bytes(&book(sheets))
}

fn read_bytes(bytes: &[u8]) -> Result<Batch, InputError> {
    let mut batch = Batch::for_year(FiscalYear::new(2021).unwrap());
    batch.read_workbook("合浦县台账.xlsx", Cursor::new(bytes))?;
    Ok(batch)
}

#[test]
fn the_county_workbook_reads_exactly_into_one_batch() {
    let batch = read(&county()).unwrap();
    let mut ledger = Ledger::new(FiscalYear::new(2021).unwrap());
    let receipt = batch.receipt().clone();
    let rows: Vec<(String, usize)> = receipt
        .tables()
        .iter()
        .map(|t| (t.location().to_string(), t.rows()))
        .collect();
    assert_eq!(
        rows,
        [
            ("合浦县台账.xlsx sheet 地区".to_owned(), 1),
            ("合浦县台账.xlsx sheet 项目库".to_owned(), 2),
            ("合浦县台账.xlsx sheet 资金下达".to_owned(), 2),
            ("合浦县台账.xlsx sheet 资金支出".to_owned(), 2),
        ]
    );
    let notes: Vec<String> = receipt.notes().iter().map(|n| n.zh().to_string()).collect();
    snapshot("office_receipt", &notes.join("\n"));
    assert!(receipt.notes().iter().any(|n| matches!(
        n.kind(),
        NoteKind::TotalRow { checked: Some(m), .. } if *m == "124320.93".parse::<Money>().unwrap()
    )));
    batch.insert_into(&mut ledger).unwrap();
    let amounts: Vec<String> = ledger
        .expenditures()
        .iter()
        .map(|e| e.amount().to_string())
        .collect();
    assert_eq!(amounts, ["864.15元", "123456.78元"]);
    assert_eq!(ledger.project("P1").unwrap().name(), Some("百香果种植基地"));
    let a = &ledger.allocations().get(1).unwrap();
    assert_eq!(
        (
            a.date(),
            a.amount().to_string(),
            a.category().unwrap().as_str()
        ),
        (
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
            "3005000.00元".to_owned(),
            "以工代赈"
        )
    );
    let total = *ledger
        .execution(NaiveDate::from_ymd_opt(2021, 9, 30).unwrap())
        .total();
    assert_eq!(total.spent().to_string(), "124320.93元");
    assert_eq!(total.allocated().to_string(), "15005000.00元");
}

#[test]
fn the_template_filled_with_a_ledger_reads_back_the_same_records() {
    let mut first = Ledger::new(FiscalYear::new(2021).unwrap());
    read(&county()).unwrap().insert_into(&mut first).unwrap();
    let bytes = county_workbook(&first).unwrap();
    let mut second = Ledger::new(FiscalYear::new(2021).unwrap());
    read_bytes(&bytes)
        .unwrap()
        .insert_into(&mut second)
        .unwrap();
    let recs = |l: &Ledger| {
        let mut v: Vec<Record> = l.regions().cloned().map(Record::from).collect();
        v.extend(l.projects().map(Record::from));
        v.extend(l.allocations().iter().map(Record::from));
        v.extend(l.expenditures().iter().map(Record::from));
        v
    };
    assert_eq!(recs(&first), recs(&second));
    assert_eq!(first.vocabulary(), second.vocabulary());
}

/// Replaces one cell of one sheet of the good workbook.
fn with(sheet_name: &str, row: usize, col: usize, cell: C) -> Vec<SheetSpec> {
    let mut sheets = county();
    let sh = sheets.iter_mut().find(|s| s.name == sheet_name).unwrap();
    sh.rows[row][col] = cell;
    sheets
}

fn edit(f: impl FnOnce(&mut Vec<SheetSpec>)) -> Vec<SheetSpec> {
    let mut sheets = county();
    f(&mut sheets);
    sheets
}

fn named<'a>(sheets: &'a mut [SheetSpec], name: &str) -> &'a mut SheetSpec {
    sheets.iter_mut().find(|s| s.name == name).unwrap()
}

/// The error of reading and inserting `sheets`, in English then Chinese.
fn failure(sheets: &[SheetSpec]) -> String {
    failure_bytes(&book(sheets))
}

fn failure_bytes(bytes: &[u8]) -> String {
    let mut ledger = Ledger::new(FiscalYear::new(2021).unwrap());
    let err = read_bytes(bytes)
        .and_then(|b| b.insert_into(&mut ledger).map(|_| ()))
        .unwrap_err();
    assert_eq!(ledger.expenditures().len(), 0, "nothing went in");
    format!("{err}\n    {}", err.zh())
}

#[test]
#[allow(clippy::too_many_lines)]
fn bad_workbooks_are_named_by_sheet_and_cell() {
    let cases: Vec<(&str, String)> = vec![
        (
            "no sheet with a known name",
            failure(&[sheet("Sheet1", vec![vec![s("a"), s("b")]])]),
        ),
        (
            "a missing column",
            failure(&edit(|b| {
                for row in &mut named(b, "资金支出").rows {
                    row.remove(4);
                }
            })),
        ),
        (
            "merged header cells",
            failure(&edit(|b| named(b, "资金支出").merged.push((0, 5, 0, 6)))),
        ),
        (
            "a total row that does not add up",
            failure(&with(
                "资金支出",
                4,
                6,
                C::F("=SUM(G2:G4)", "124320.94".to_owned()),
            )),
        ),
        (
            "data after the total row",
            failure(&edit(|b| {
                let rows = &mut named(b, "资金支出").rows;
                let extra = rows[1].clone();
                rows.push(extra);
            })),
        ),
        (
            "text in an amount cell",
            failure(&with("资金支出", 3, 6, s("十二万元"))),
        ),
        (
            "#REF! in an amount cell",
            failure(&with("资金支出", 3, 6, C::F("=#REF!", "#REF!".to_owned()))),
        ),
        (
            "#DIV/0! in a date cell",
            failure(&with("资金支出", 3, 1, C::F("=1/0", "#DIV/0!".to_owned()))),
        ),
        (
            "a date as text in an unknown form",
            failure(&with("资金支出", 3, 1, s("2021年9月"))),
        ),
        (
            "a date typed as a number",
            failure(&with("资金支出", 3, 1, C::N(44_469.0))),
        ),
        (
            "a date with a time of day",
            failure(&with("资金支出", 3, 1, C::T(2021, 9, 30, 14))),
        ),
        (
            "a level label typo",
            failure(&with("资金支出", 3, 4, s("自治县"))),
        ),
        (
            "a category typo",
            failure(&with("资金支出", 3, 5, s("产业扶贫"))),
        ),
        (
            "an undeclared category",
            failure(&with("项目库", 2, 3, s("就业帮扶"))),
        ),
        (
            "a project stage typo",
            failure(&with("项目库", 2, 5, s("实施中"))),
        ),
        (
            "a duplicate id",
            failure(&with("资金支出", 3, 0, s("ZF-1"))),
        ),
        (
            "duplicate sheets for one kind",
            failure(&edit(|b| {
                let mut copy = named(b, "资金支出").clone();
                copy.name = "支付明细".to_owned();
                b.push(copy);
            })),
        ),
        (
            "a hidden sheet",
            failure(&edit(|b| named(b, "资金支出").hidden = true)),
        ),
        (
            "a second header row",
            failure(&edit(|b| {
                let rows = &mut named(b, "资金支出").rows;
                let header = rows[0].clone();
                rows.insert(1, header);
            })),
        ),
        (
            "three decimals of 元",
            failure(&with("资金支出", 3, 6, C::N(12.345))),
        ),
        (
            "another unit in an amount cell",
            failure(&with("资金支出", 3, 6, s("12万"))),
        ),
        (
            "an amount header without a unit",
            failure(&with("资金支出", 0, 6, s("金额"))),
        ),
        (
            "an unknown project",
            failure(&with("资金支出", 3, 2, s("P9"))),
        ),
        (
            "spending beyond the allocation",
            failure(&edit(|b| {
                let rows = &mut named(b, "资金支出").rows;
                rows.pop();
                rows[3][6] = C::N(3_005_000.01);
            })),
        ),
        (
            "a bad region code",
            failure(&with("资金下达", 3, 2, s("45052"))),
        ),
        (
            "a date outside the fiscal year",
            failure(&with("资金下达", 3, 1, C::D(2022, 1, 1))),
        ),
        ("a zero amount", failure(&with("资金下达", 3, 5, C::N(0.0)))),
        (
            "a boolean in an amount cell",
            failure(&with("资金下达", 3, 5, C::B(true))),
        ),
        (
            "a negative planned investment",
            failure(&with("项目库", 2, 4, C::N(-1.0))),
        ),
        (
            "a region not in the 地区 sheet",
            failure(&with("项目库", 2, 2, s("450522"))),
        ),
        (
            "an empty required cell",
            failure(&with("资金下达", 2, 3, C::E)),
        ),
        (
            "a project year as text",
            failure(&with("项目库", 1, 6, s("二〇二一年"))),
        ),
        (
            "an unknown adjustment kind",
            failure(&edit(|b| {
                b.push(sheet(
                    "资金调整",
                    vec![
                        vec![
                            s("调整编号"),
                            s("调整日期"),
                            s("调整类型"),
                            s("调出地区代码"),
                            s("调出资金级次"),
                            s("调出资金类别"),
                            s("金额（元）"),
                        ],
                        vec![
                            s("TZ-1"),
                            C::D(2021, 6, 1),
                            s("划转"),
                            s("450521"),
                            s("中央"),
                            s("产业发展"),
                            C::N(100.0),
                        ],
                    ],
                ));
            })),
        ),
        (
            "a reallocation without its target",
            failure(&edit(|b| {
                b.push(sheet(
                    "资金调整",
                    vec![
                        vec![
                            s("调整编号"),
                            s("调整日期"),
                            s("调整类型"),
                            s("调出地区代码"),
                            s("调出资金级次"),
                            s("调出资金类别"),
                            s("调入地区代码"),
                            s("金额（元）"),
                        ],
                        vec![
                            s("TZ-1"),
                            C::D(2021, 6, 1),
                            s("调整"),
                            s("450521"),
                            s("中央"),
                            s("产业发展"),
                            C::E,
                            C::N(100.0),
                        ],
                    ],
                ));
            })),
        ),
        ("not a workbook", failure_bytes(b"id,date\n1,2021-01-01\n")),
    ];
    let text: Vec<String> = cases
        .iter()
        .map(|(what, msg)| format!("{what} → {msg}"))
        .collect();
    snapshot("office_workbook_errors", &text.join("\n"));
}

#[test]
fn unknown_columns_and_sheets_are_reported_and_strict_mode_refuses_them() {
    let sheets = edit(|b| {
        named(b, "地区").rows[0].push(s("负责人"));
        b.push(sheet("说明", vec![vec![s("本表由县财政局填报")]]));
    });
    let batch = read(&sheets).unwrap();
    let notes: Vec<String> = batch
        .receipt()
        .notes()
        .iter()
        .filter(|n| {
            matches!(
                n.kind(),
                NoteKind::UnknownColumn(_) | NoteKind::UnknownSheet(_)
            )
        })
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        notes,
        [
            r#"合浦县台账.xlsx sheet 说明: sheet "说明" is not one the reader knows; not read"#,
            r#"合浦县台账.xlsx 地区!C1 column 负责人: unknown column "负责人", not read"#,
        ]
    );
    let mut strict = Batch::for_year(FiscalYear::new(2021).unwrap()).strict();
    let err = strict
        .read_workbook("合浦县台账.xlsx", Cursor::new(book(&sheets)))
        .unwrap_err();
    assert_eq!(
        err.zh().to_string().split('；').next().unwrap(),
        "合浦县台账.xlsx 地区!C1（负责人）：无法识别的列“负责人”"
    );
    assert!(strict.is_empty());
}

/// A CSV read into a batch for a ledger with one county and one pooled project.
fn csv_failure(kind: CsvKind, file: &str, bytes: &[u8]) -> String {
    let mut batch = Batch::for_year(FiscalYear::new(2021).unwrap());
    let err = batch.read(kind, file, bytes).unwrap_err();
    assert!(batch.is_empty());
    format!("{err}\n    {}", err.zh())
}

#[test]
fn bad_office_csv_files_are_named_by_line_and_column() {
    let exp = "支付凭证号,支付日期,项目编号,地区代码,资金级次,资金类别,金额（元）\n";
    let row =
        |date: &str, amount: &str| format!("{exp}ZF-1,{date},P1,450521,中央,产业发展,{amount}\n");
    let alloc_yi = "编号,下达日期,地区代码,资金级次,金额（亿元）\n";
    let cases: Vec<(&str, String)> = vec![
        ("tab-separated", csv_failure(CsvKind::Expenditures, "支出.csv", exp.replace(',', "\t").as_bytes())),
        ("semicolon-separated", csv_failure(CsvKind::Expenditures, "支出.csv", exp.replace(',', ";").as_bytes())),
        ("12万 under 金额（元）", csv_failure(CsvKind::Expenditures, "支出.csv", row("2021-05-08", "12万").as_bytes())),
        ("a signed date", csv_failure(CsvKind::Expenditures, "支出.csv", row("+2021-05-08", "12").as_bytes())),
        ("a two-digit year", csv_failure(CsvKind::Expenditures, "支出.csv", row("21/5/8", "12").as_bytes())),
        ("a negative project year", csv_failure(CsvKind::Projects, "项目库.csv", "项目编号,地区代码,资金类别,计划投资（万元）,项目状态,年度\nP1,450521,产业发展,10,实施,-5\n".as_bytes())),
        ("an 亿元 amount finer than the 分", csv_failure(CsvKind::Allocations, "下达.csv", format!("{alloc_yi}XD-1,2021-03-01,450521,中央,0.00000000001\n").as_bytes())),
        ("a category typo", csv_failure(CsvKind::Expenditures, "支出.csv", row("2021-05-08", "12").replace("产业发展", "雨露计划补助").as_bytes())),
        ("an invalid GBK byte", csv_failure(CsvKind::Regions, "地区.csv", &[b'c', b'o', b'd', b'e', b'\n', 0xB1, 0x0A])),
        ("a duplicated column", csv_failure(CsvKind::Regions, "地区.csv", "地区代码,地区代码\n450521,450521\n".as_bytes())),
    ];
    let text: Vec<String> = cases
        .iter()
        .map(|(what, msg)| format!("{what} → {msg}"))
        .collect();
    snapshot("office_csv_errors", &text.join("\n"));
}

#[test]
fn gbk_and_utf16_files_with_chinese_headers_are_decoded() {
    let text = "地区代码,地区名称\r\n450521,合浦县\r\n";
    let gbk = encoding_gbk(text);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for (bytes, encoding) in [(gbk, "GBK"), (utf16, "UTF-16LE")] {
        let mut batch = Batch::new();
        batch
            .read(CsvKind::Regions, "地区.csv", bytes.as_slice())
            .unwrap();
        assert_eq!(batch.receipt().tables()[0].encoding(), Some(encoding));
        let Record::Region(r) = &batch.records()[0] else {
            panic!("a region")
        };
        assert_eq!(r.name(), "合浦县");
    }
}

/// `text` in GBK, by a table of the few characters the test uses.
fn encoding_gbk(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in text.chars() {
        let bytes: &[u8] = match c {
            '地' => &[0xB5, 0xD8],
            '区' => &[0xC7, 0xF8],
            '代' => &[0xB4, 0xFA],
            '码' => &[0xC2, 0xEB],
            '名' => &[0xC3, 0xFB],
            '称' => &[0xB3, 0xC6],
            '合' => &[0xBA, 0xCF],
            '浦' => &[0xC6, 0xD6],
            '县' => &[0xCF, 0xD8],
            _ => {
                out.push(u8::try_from(c).unwrap());
                continue;
            }
        };
        out.extend_from_slice(bytes);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any amount with at most 2 decimals of 元 and at most 15 significant digits, written as
    /// a number cell, or as a formula whose cached result is the double one unit in the
    /// last place either side, reads back exactly.
    #[test]
    fn amounts_in_number_cells_read_back_exactly(
        fen in proptest::collection::vec(1i64..=999_999_999_999_999, 1..12),
        nudge in proptest::collection::vec(-1i64..=1, 12),
    ) {
        let header = vec![
            s("支付凭证号"), s("支付日期"), s("项目编号"), s("地区代码"),
            s("资金级次"), s("资金类别"), s("金额（元）"),
        ];
        let mut rows = vec![header];
        for (i, f) in fen.iter().enumerate() {
            let text = Money::from_fen(*f).as_decimal().to_string();
            let double: f64 = text.parse().unwrap();
            let bits = double.to_bits();
            let moved = match nudge.get(i).copied().unwrap_or(0) {
                1 => f64::from_bits(bits + 1),
                -1 => f64::from_bits(bits - 1),
                _ => double,
            };
            let cell = if i % 2 == 0 {
                C::N(double)
            } else {
                C::F("=1", format!("{moved:?}"))
            };
            rows.push(vec![
                s(&format!("ZF-{i}")), C::D(2021, 5, 8), s("P1"), s("450521"),
                s("中央"), s("产业发展"), cell,
            ]);
        }
        let bytes = book(&[sheet("资金支出", rows)]);
        let mut batch = Batch::for_year(FiscalYear::new(2021).unwrap());
        batch.read_workbook("p.xlsx", Cursor::new(bytes)).unwrap();
        let read: Vec<i128> = batch
            .records()
            .iter()
            .map(|r| match r {
                Record::Expenditure(e) => e.amount().to_fen(),
                _ => -1,
            })
            .collect();
        let want: Vec<i128> = fen.iter().map(|f| i128::from(*f)).collect();
        prop_assert_eq!(read, want);
    }
}
