//! The monthly report package (月报) of a county or city, from its ledger files.
//!
//! ```text
//! monthly_report --input FILE.xlsx|DIR --as-of YYYY-MM-DD --out DIR
//! monthly_report --template FILE.xlsx --as-of YYYY-MM-DD [--input FILE.xlsx|DIR]
//! ```
//!
//! `--input` is the county workbook (资金台账, `.xlsx`, SPEC §10: sheets 地区, 资金下达, 项目库,
//! 资金支出, …; errors name the sheet and cell) or a folder of CSV files: `regions.csv` (地区.csv), `allocations.csv`
//! (资金下达.csv), `projects.csv` (项目库.csv) and `expenditures.csv` (资金支出.csv); any
//! other file in it is an error, so nothing given is left out. `--out` receives
//! `report.xlsx`, `report.csv` (for Excel), `report.json`, `report.html` (to print),
//! `report.txt` and `chart.svg`, all or none: they are written to a new folder beside
//! `--out` and renamed into place at the end. Errors are in Chinese on stderr, naming the
//! file and line; the exit status is then 1. Inputs over 100,000 rows get a progress line
//! on stderr.
//!
//! `--template FILE.xlsx` writes the county workbook instead: blank (with drop-down lists for
//! 资金级次, 资金类别 and 项目状态), or holding the records of `--input`.
//!
//! Try it on the made-up city, 示例市 (the same records as a workbook and as CSV files):
//!
//! ```text
//! cargo run --release --example monthly_report -- --input examples/data/示例市台账.xlsx --as-of 2025-09-30 --out /tmp/monthly
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use fundtrack::dim::RegionLevel;
use fundtrack::format::{
    Bulletin, Figures, TextStyle, county_workbook, monthly_chart, monthly_csv, monthly_html,
    monthly_text, monthly_xlsx, to_json,
};
use fundtrack::import::{Batch, CsvKind, InputError};
use fundtrack::report::ExecutionOptions;
use fundtrack::{FiscalYear, Ledger};

/// Inputs above this many rows get a progress line on stderr.
const PROGRESS_ROWS: usize = 100_000;

struct Args {
    input: Option<PathBuf>,
    as_of: NaiveDate,
    out: Option<PathBuf>,
    template: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut input, mut as_of, mut out, mut template) = (None, None, None, None);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("参数 {flag} 缺少取值"));
        match flag.as_str() {
            "--input" => input = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--template" => template = Some(PathBuf::from(value()?)),
            "--as-of" => {
                let v = value()?;
                as_of = Some(NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
                    format!("参数 --as-of 的日期“{v}”无效，应为 YYYY-MM-DD，如 2025-09-30")
                })?);
            }
            other => {
                return Err(format!(
                    "未知参数 {other}；用法：monthly_report --input 台账.xlsx|目录 --as-of YYYY-MM-DD --out 目录，或 monthly_report --template 模板.xlsx --as-of YYYY-MM-DD"
                ));
            }
        }
    }
    if template.is_none() {
        input
            .as_ref()
            .ok_or("缺少参数 --input（台账工作簿 .xlsx 或 CSV 文件所在目录）")?;
        out.as_ref().ok_or("缺少参数 --out（输出目录）")?;
    }
    Ok(Args {
        input,
        as_of: as_of.ok_or("缺少参数 --as-of（报表日期，YYYY-MM-DD）")?,
        out,
        template,
    })
}

/// The kind of a CSV file by its name (machine or Chinese).
fn kind_of(name: &str) -> Option<CsvKind> {
    match name {
        "regions.csv" | "地区.csv" => Some(CsvKind::Regions),
        "allocations.csv" | "资金下达.csv" => Some(CsvKind::Allocations),
        "projects.csv" | "项目库.csv" => Some(CsvKind::Projects),
        "expenditures.csv" | "资金支出.csv" => Some(CsvKind::Expenditures),
        _ => None,
    }
}

/// An input error in Chinese for people (`资金支出!G17（金额（元））：…`, or
/// `expenditures.csv 第17行 “amount_yuan”列：…`), then the English for logs.
fn input_error(e: &InputError) -> String {
    format!("{}\n（{e}）", e.zh())
}

/// Reads the input, a workbook or a folder of CSV files, into one ledger.
fn read_input(input: &Path, year: FiscalYear) -> Result<Ledger, String> {
    let is_workbook = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_workbook {
        return read_ledger(input, year);
    }
    let name = input.file_name().map_or_else(
        || input.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = fs::read(input).map_err(|e| format!("无法读取工作簿 {}：{e}", input.display()))?;
    if bytes.len() > 8 << 20 {
        eprintln!(
            "monthly_report: 正在读取 {name}（{} MB）……",
            bytes.len() >> 20
        );
    }
    let mut batch = Batch::for_year(year);
    let rows = batch
        .read_workbook(&name, std::io::Cursor::new(bytes))
        .map_err(|e| input_error(&e))?;
    insert(batch, rows, year)
}

/// Inserts a batch of `rows` records into a new ledger, whole or not at all.
fn insert(batch: Batch, rows: usize, year: FiscalYear) -> Result<Ledger, String> {
    if rows > PROGRESS_ROWS {
        eprintln!("monthly_report: 已读取 {rows} 条记录，正在校验入账……");
    }
    let mut ledger = Ledger::new(year);
    batch
        .insert_into(&mut ledger)
        .map_err(|e| input_error(&e))?;
    Ok(ledger)
}

/// Reads the folder into one ledger, all or nothing.
fn read_ledger(dir: &Path, year: FiscalYear) -> Result<Ledger, String> {
    let mut files: Vec<(CsvKind, PathBuf, String)> = Vec::new();
    let entries =
        fs::read_dir(dir).map_err(|e| format!("无法读取输入目录 {}：{e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("无法读取输入目录 {}：{e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = kind_of(&name).ok_or_else(|| {
            format!(
                "输入目录 {} 中有无法识别的文件 {name}：应为 regions.csv、allocations.csv、projects.csv、expenditures.csv（或 地区.csv、资金下达.csv、项目库.csv、资金支出.csv）",
                dir.display()
            )
        })?;
        files.push((kind, entry.path(), name));
    }
    // Regions first, then allocations and projects, then expenditures (they refer back).
    let order = |k: CsvKind| match k {
        CsvKind::Regions => 0,
        CsvKind::Allocations => 1,
        CsvKind::Projects => 2,
        _ => 3,
    };
    files.sort_by_key(|(k, _, name)| (order(*k), name.clone()));
    if !files.iter().any(|(k, _, _)| *k == CsvKind::Allocations) {
        return Err(format!(
            "输入目录 {} 中没有资金下达文件 allocations.csv",
            dir.display()
        ));
    }
    let mut batch = Batch::for_year(year);
    let mut rows = 0usize;
    for (kind, path, name) in &files {
        let bytes = fs::read(path).map_err(|e| format!("无法读取文件 {name}：{e}"))?;
        let lines = memchr_count(&bytes);
        if lines > PROGRESS_ROWS {
            eprintln!("monthly_report: 正在读取 {name}（{lines} 行）……");
        }
        rows += batch
            .read(*kind, name, bytes.as_slice())
            .map_err(|e| input_error(&e))?;
    }
    insert(batch, rows, year)
}

fn memchr_count(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Who reports: the top region of the ledger (`示例市`, scope `全市`).
fn scope(ledger: &Ledger) -> (String, String, RegionLevel) {
    let top = ledger
        .regions()
        .find(|r| r.code().parent().is_none_or(|p| ledger.region(p).is_none()));
    match top {
        Some(r) => {
            let level = r.code().level();
            let word = match level {
                RegionLevel::Province => "全省",
                RegionLevel::City => "全市",
                _ => "全县",
            };
            (r.name().to_owned(), word.to_owned(), level)
        }
        None => ("本级".to_owned(), "全县".to_owned(), RegionLevel::County),
    }
}

/// Writes every file into a new folder beside `out`, then renames it into place.
fn write_all(out: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), String> {
    if out.exists() {
        let empty = fs::read_dir(out)
            .map_err(|e| format!("无法检查输出目录 {}：{e}", out.display()))?
            .next()
            .is_none();
        if !empty {
            return Err(format!(
                "输出目录 {} 已存在且不为空；为免覆盖已有文件，请指定新的目录或先将其移走",
                out.display()
            ));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .ok_or_else(|| format!("输出目录 {} 不是有效的目录名", out.display()))?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        fs::create_dir_all(&tmp).map_err(|e| format!("无法创建临时目录 {}：{e}", tmp.display()))?;
        for (file, bytes) in files {
            fs::write(tmp.join(file), bytes).map_err(|e| format!("无法写出 {file}：{e}"))?;
        }
        if out.exists() {
            fs::remove_dir(out).map_err(|e| format!("无法替换输出目录 {}：{e}", out.display()))?;
        }
        fs::rename(&tmp, out).map_err(|e| format!("无法将结果移入 {}：{e}", out.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

fn run() -> Result<(), String> {
    let args = args()?;
    let started = Instant::now();
    let year = FiscalYear::new(chrono::Datelike::year(&args.as_of))
        .map_err(|e| format!("报表日期 {} 无效：{e}", args.as_of))?;
    if let Some(template) = &args.template {
        let ledger = match &args.input {
            Some(input) => read_input(input, year)?,
            None => Ledger::new(year),
        };
        let bytes = county_workbook(&ledger).map_err(|e| e.to_string())?;
        return fs::write(template, bytes)
            .map_err(|e| format!("无法写出 {}：{e}", template.display()));
    }
    let (Some(input), Some(out)) = (&args.input, &args.out) else {
        return Err("缺少参数 --input 或 --out".to_owned());
    };
    let ledger = read_input(input, year)?;
    let (name, word, level) = scope(&ledger);
    // Rows by county (a city's own money is the city's row); 小计 inside each region.
    let row_level = match level {
        RegionLevel::Province => RegionLevel::City,
        _ => RegionLevel::County,
    };
    let report = ledger.execution(ExecutionOptions::monthly(args.as_of, row_level));
    let style = TextStyle::default();
    let bulletin = Bulletin::new(word.clone()).style(style);
    let paragraphs = bulletin.paragraphs(&report, Some(&ledger));
    let text = monthly_text(&report, Some(&ledger), &style, &name, &paragraphs);
    let figures = Figures::new(&report, Some(&ledger), style.percent_rounding());
    let json = to_json(&figures).map_err(|e| format!("无法生成 JSON：{e}"))?;
    let xlsx = monthly_xlsx(&report, Some(&ledger), &style, &name).map_err(|e| e.to_string())?;
    let files = [
        ("report.xlsx", xlsx),
        (
            "report.csv",
            monthly_csv(&report, Some(&ledger), &style).into_bytes(),
        ),
        ("report.json", json.into_bytes()),
        (
            "report.html",
            monthly_html(&report, Some(&ledger), &style, &name, &paragraphs).into_bytes(),
        ),
        ("report.txt", text.into_bytes()),
        (
            "chart.svg",
            monthly_chart(&report, Some(&ledger)).into_bytes(),
        ),
    ];
    write_all(out, &files)?;
    let rows = ledger.expenditures().len() + ledger.allocations().len();
    if rows > PROGRESS_ROWS {
        eprintln!(
            "monthly_report: 完成，用时 {:.1} 秒",
            started.elapsed().as_secs_f32()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("monthly_report: 错误：{e}");
            ExitCode::FAILURE
        }
    }
}
