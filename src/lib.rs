//! # fundtrack
//!
//! Exact budget-execution figures for China's transition funds (衔接推进乡村振兴补助资金,
//! "衔接资金"): money by fund level and category, a validated ledger of allocations,
//! projects and expenditures, and the figures of a monthly report — disbursement rate
//! (支出进度), the gap to the time schedule (序时进度, in 百分点), growth (同比), shares,
//! project-pool coverage and completion rates — computed with exact decimals and rounded
//! once, at output, half-up by default.
//!
//! The library is pure: it reads no clock, no files and no environment. Dates are
//! arguments; input arrives as values or through [`std::io::Read`].
//!
//! ## Example
//!
//! ```
//! use fundtrack::{FiscalYear, FundLevel, Ledger, Money, Rounding};
//! use fundtrack::record::{Allocation, Region};
//! use fundtrack::report::{Progress, Schedule};
//! use chrono::NaiveDate;
//!
//! let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
//! let beihai = "450500".parse()?;
//! let mut ledger = Ledger::new(FiscalYear::new(2021)?);
//! ledger.insert([Region::new(beihai, "北海市")])?;
//! ledger.insert([
//!     Allocation::new("A-1".parse()?, as_of, beihai, FundLevel::Provincial, "15302万元".parse()?),
//!     Allocation::new("A-2".parse()?, as_of, beihai, FundLevel::City, "14753万元".parse()?),
//!     Allocation::new("A-3".parse()?, as_of, beihai, FundLevel::County, "9702.09万元".parse()?),
//! ])?;
//! let funds = ledger.execution(as_of).total().allocated();
//! let row = Progress::new(funds, "30700.48万元".parse()?);
//! let rate = row.rate()?;
//! let gap = Schedule::Months.compare(&rate, ledger.year(), as_of);
//! assert_eq!(rate.to_percent(Rounding::default()).to_string(), "77.22");
//! assert_eq!(gap.gap().round(Rounding::default()).to_string(), "2.22"); // 超序时进度2.22个百分点
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The main types
//!
//! - [`Money`]: exact 元 to the 分; parses `30700.48万元`, `4.49亿元`, `1,234.56元`.
//! - [`Ratio`]: an unrounded quotient; [`PercentagePoints`] is `Ratio − Ratio`;
//!   [`NoRatio`] says why a quotient has no value (a zero base is not 0%).
//! - [`Rounding`] and [`RoundMode`]: the one way anything is rounded.
//! - [`FundLevel`], [`SourceMix`], [`Category`], [`RegionCode`], [`FiscalYear`],
//!   [`ProjectStage`], [`Dated`](dim::Dated): the dimensions ([`dim`]).
//! - [`record`]: allocations, projects, expenditures, adjustments, regions.
//! - [`Ledger`]: validates batches whole or not at all ([`LedgerError`]) and answers
//!   reports: [`Ledger::execution`], [`Ledger::pool_coverage`], [`Ledger::industry_share`].
//! - [`report`]: [`Execution`](report::Execution), the one report of allocated and spent
//!   money (rows by region, level and category, subtotals, total), whose figures are each a
//!   [`Progress`](report::Progress) (rate, gap, shortfall); schedules and milestones,
//!   growth, shares, averages, coverage, county rankings.
//! - [`policy`]: monitoring, small loans, 雨露计划, standards with effective dates, milestone
//!   checks, carry-over, budget classification — with parameters the caller supplies.
//! - [`import`]: CSV files into the ledger as one all-or-nothing batch (our column names
//!   or the benchmark kit's), and [`InputError`](import::InputError), the one error of
//!   every tabular reader, naming the input, line and column.
//! - [`bulk`]: the streaming national path over millions of CSV rows, giving the same
//!   [`Execution`](report::Execution) the ledger gives
//!   ([`Partials::execution`](bulk::Partials::execution)).
//! - [`format`](mod@format): Chinese text, tables, 人民币大写, CSV and JSON; renders only,
//!   with region names from any [`RegionNames`](format::RegionNames) lookup.
//!
//! ## Cookbook
//!
//! **Parse amounts in 万元 and print them in 亿元:**
//!
//! ```
//! use fundtrack::{Money, Rounding};
//! use fundtrack::money::Unit;
//! let m: Money = "44900万元".parse()?;
//! assert_eq!(m.round_in(Unit::Yi, Rounding::half_up(2)).to_string(), "4.49");
//! # Ok::<(), fundtrack::ParseError>(())
//! ```
//!
//! **County progress at month end, by county, against days elapsed:**
//!
//! ```
//! use fundtrack::{FiscalYear, Ledger};
//! use fundtrack::dim::RegionLevel;
//! use fundtrack::report::{ExecutionOptions, Schedule};
//! use chrono::NaiveDate;
//! let ledger = Ledger::new(FiscalYear::new(2025)?);
//! let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
//! let report = ledger.execution(ExecutionOptions::new(as_of).by_region(RegionLevel::County).schedule(Schedule::Days));
//! for row in report.rows() {
//!     let _gap = report.gap(row); // Err(NoRatio::ZeroBase) where nothing is allocated
//! }
//! # Ok::<(), fundtrack::ParseError>(())
//! ```
//!
//! **Read the benchmark kit's CSV files into a ledger:**
//!
//! ```
//! use fundtrack::{FiscalYear, Ledger};
//! use fundtrack::import::{Batch, CsvKind};
//! let year = FiscalYear::new(2025)?;
//! let mut batch = Batch::for_year(year); // projects.csv has no year column
//! batch.read(CsvKind::Regions, "regions.csv", "code,level,parent_code\n110101,county,110100\n".as_bytes())?;
//! batch.read(CsvKind::Allocations, "allocations.csv",
//!     "id,date,county_code,source,category,amount_yuan\n1,2025-01-05,110101,central,industry,300.00\n".as_bytes())?;
//! let mut ledger = Ledger::new(year);
//! batch.insert_into(&mut ledger)?; // whole or not at all; errors name file, line, column
//! assert_eq!(ledger.allocations().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Shares that print to exactly 100.00:** see [`report::Shares::percents_summing_to_100`].
//!
//! ## Glossary
//!
//! | term | meaning |
//! |---|---|
//! | 衔接资金 | transition funds for consolidating poverty-alleviation gains and rural revitalisation |
//! | 下达/落实 | allocated, put in place |
//! | 支出进度 | disbursement rate: spent to date ÷ allocated to date |
//! | 序时进度 | time schedule: share of the year elapsed (months ÷ 12 by default) |
//! | 百分点 | percentage points: the unit of a difference of two rates |
//! | 同比增长 | growth over the same period last year |
//! | 同口径 | comparable base: last year restated to this year's scope |
//! | 上级资金 | money from the levels above: central + provincial |
//! | 项目库 | project pool; money may go only to pooled projects |
//! | 结转/结余 | carry-over of unfinished work / leftover of finished work |
//!
//! ## Features
//!
//! - `serde` (default): `Serialize`/`Deserialize` for records and reports, with amounts and
//!   ratios as decimal strings whatever `rust_decimal`'s own serde features say.
//! - `xlsx` (default): the monthly report as an Excel workbook
//!   ([`format::monthly_xlsx`], with `rust_xlsxwriter`).

pub mod bulk;
pub mod dim;
#[doc(hidden)]
pub mod doctest;
pub mod error;
pub mod format;
pub mod import;
pub mod ledger;
pub mod money;
pub mod policy;
pub mod record;
pub mod report;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

pub use dim::{Category, FiscalYear, FundLevel, ProjectStage, RegionCode, SourceMix};
pub use error::{ParseError, ParseErrorKind};
pub use ledger::{Ledger, LedgerError};
pub use money::{Money, NoRatio, PercentagePoints, Ratio, RoundMode, Rounding};
