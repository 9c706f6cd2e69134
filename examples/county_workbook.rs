//! The county workbook (资金台账): write the blank template, or check a filled one.
//!
//! ```text
//! county_workbook template OUT.xlsx [--year 2021]
//! county_workbook check IN.xlsx [--as-of 2021-09-30]
//! ```
//!
//! `check` reads the workbook into a ledger, all or nothing, prints the import receipt in
//! Chinese, the records as machine CSV and the totals as of the date (the fiscal year is
//! the as-of date's). A bad workbook prints the error in Chinese (and English) on stderr,
//! naming the sheet and cell, and exits with status 1.

use std::fs;
use std::io::Cursor;
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate};
use fundtrack::format::{county_workbook, records_csv};
use fundtrack::import::{Batch, CsvKind};
use fundtrack::money::Unit;
use fundtrack::{FiscalYear, Ledger, Rounding};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match args.first().map(String::as_str) {
        Some("template") => {
            let out = args.get(1).ok_or("template needs an output file")?;
            let year: i32 = flag("--year")
                .unwrap_or_else(|| "2021".to_owned())
                .parse()
                .map_err(|e| format!("--year: {e}"))?;
            let year = FiscalYear::new(year).map_err(|e| e.to_string())?;
            let bytes = county_workbook(&Ledger::new(year)).map_err(|e| e.to_string())?;
            fs::write(out, bytes).map_err(|e| format!("{out}: {e}"))?;
            Ok(())
        }
        Some("check") => {
            let input = args.get(1).ok_or("check needs an input file")?;
            let as_of = flag("--as-of").unwrap_or_else(|| "2021-12-31".to_owned());
            let as_of = NaiveDate::parse_from_str(&as_of, "%Y-%m-%d")
                .map_err(|e| format!("--as-of {as_of}: {e}"))?;
            check(input, as_of)
        }
        _ => Err(
            "usage: county_workbook template OUT.xlsx [--year Y] | check IN.xlsx [--as-of D]"
                .to_owned(),
        ),
    }
}

fn check(input: &str, as_of: NaiveDate) -> Result<(), String> {
    let bytes = fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let year = FiscalYear::new(as_of.year()).map_err(|e| e.to_string())?;
    let mut ledger = Ledger::new(year);
    let mut batch = Batch::for_ledger(&ledger);
    let name = input.rsplit('/').next().unwrap_or(input);
    let fail = |e: fundtrack::import::InputError| format!("{}\n({e})", e.zh());
    batch
        .read_workbook(name, Cursor::new(bytes))
        .map_err(fail)?;
    let receipt = batch.receipt().clone();
    batch.insert_into(&mut ledger).map_err(fail)?;
    println!("# 导入回执");
    for t in receipt.tables() {
        println!("{}：{} 行", t.location(), t.rows());
    }
    for n in receipt.notes() {
        println!("{}", n.zh());
    }
    for kind in [
        CsvKind::Regions,
        CsvKind::Projects,
        CsvKind::Allocations,
        CsvKind::Expenditures,
        CsvKind::Adjustments,
    ] {
        println!("# {}", kind.sheet_name());
        print!("{}", records_csv(&ledger, kind, Unit::Yuan));
    }
    let execution = ledger.execution(as_of);
    let total = execution.total();
    let rate = total.rate().map_or_else(
        |why| format!("— ({why})"),
        |r| format!("{}%", r.to_percent(Rounding::HALF_UP_2)),
    );
    println!("# 截至{as_of}");
    println!("allocated {}", total.allocated());
    println!("spent {}", total.spent());
    println!("rate {rate}");
    Ok(())
}
