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
//! let row = Progress::of("30700.48万元".parse()?, funds);
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
//!   [`money::Count`] is its counterpart for persons, households, items, projects and
//!   person-times (`28.54万人`); both are a [`money::Quantity`].
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
//! - [`audit`]: printed figures checked against their printed inputs in exact interval
//!   arithmetic, with the common slip that reproduces an inconsistent one.
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
//! assert_eq!(m.round_in(Unit::Yi, Rounding::half_up(2)?).to_string(), "4.49");
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
//! **Counts beside money** ([`money::Count`]): persons, households, items, projects and
//! person-times parse as reports print them, and rates, growth, shares, averages,
//! completion and sums take them as they take [`Money`] — never a mix:
//!
//! ```
//! use fundtrack::{NoRatio, Ratio, Rounding};
//! use fundtrack::money::{Count, sum};
//! use fundtrack::report::{Average, Base, Growth};
//!
//! let jobs = Growth::new("30.25万人".parse::<Count>()?, Base::Increase("8.23万人".parse()?));
//! assert_eq!(jobs.rate()?.to_percent(Rounding::default()).to_string(), "37.38");
//! let persons = sum([Count::persons(18_684), Count::persons(17_551), Count::persons(18_616)])?;
//! assert_eq!(persons, "54851人".parse()?);
//! let per = Average::new(persons, Count::households(16_369))?;
//! assert_eq!(per.to_decimal(Rounding::default()).to_string(), "3.35");
//! // A share of persons over households is refused, not computed.
//! assert_eq!(Ratio::of(Count::households(7282), persons), Err(NoRatio::UnitMismatch));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Money × a rate** (1% 项目管理费, a subsidy share), rounded as you say, or exact:
//!
//! ```
//! use fundtrack::{Decimal, Money, Ratio, RoundMode, Rounding};
//! use fundtrack::money::Unit;
//!
//! let one_percent = Ratio::from_percent(Decimal::ONE)?;
//! let fee = "5509万元".parse::<Money>()?.times(&one_percent, Rounding::default())?;
//! assert_eq!(fee.round_in(Unit::Wan, Rounding::default()).to_string(), "55.09");
//! let third = Money::from_fen(100).times_exact(&Ratio::from_counts(1, 3)?);
//! assert_eq!(third.to_money(RoundMode::Trunc)?.to_string(), "0.33元");
//! assert_eq!(third.round(Rounding::half_up(4)?)?.to_string(), "0.3333");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **An aggregate rate from sub-rates and their bases** (amount-weighted mean):
//!
//! ```
//! use fundtrack::{Decimal, Money, Ratio, Rounding};
//! // 福州 1-4月: 市本级 33.87亿元 allocated at 95.39%, 县区 28.46亿元 at 99.80%.
//! let pct = |s: &str| Ratio::from_percent(Decimal::from_str_exact(s)?).map_err(Box::<dyn std::error::Error>::from);
//! let all = Ratio::weighted_mean([
//!     (pct("95.39")?, "33.87亿元".parse::<Money>()?),
//!     (pct("99.80")?, "28.46亿元".parse()?),
//! ])?;
//! assert_eq!(all.to_percent(Rounding::default()).to_string(), "97.40");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Last year's base from this year and a printed growth rate:**
//!
//! ```
//! use fundtrack::{Decimal, Money, Ratio, Rounding};
//! use fundtrack::money::Unit;
//! use fundtrack::report::Growth;
//! let prior = Growth::prior_from("1144.4亿元".parse::<Money>()?, &Ratio::from_percent(Decimal::new(63, 1))?)?;
//! assert_eq!(prior.round_in(Unit::Yi, Rounding::half_up(1)?)?.to_string(), "1076.6");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Contribution to growth (贡献率) and pull (拉动):**
//!
//! ```
//! use fundtrack::{Money, Rounding};
//! use fundtrack::report::{Base, Contribution, Growth};
//! let m = |s: &str| s.parse::<Money>();
//! let city = Growth::new(m("541412万元")?, Base::Increase(m("72266万元")?));
//! let all = Growth::new(m("1392476万元")?, Base::Increase(m("249885万元")?));
//! let c = Contribution::new(&city, &all)?;
//! assert_eq!(c.share().to_percent(Rounding::default()).to_string(), "28.92"); // 贡献率
//! assert_eq!(c.pull().round(Rounding::default()).to_string(), "6.32"); // 拉动 6.32 个百分点
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **A schedule without a date:** "1-4月" is [`report::Schedule::months_elapsed`], "day 120
//! of 365" is [`report::Schedule::day_of`], a fixed target is any [`Ratio`]; the date-based
//! [`report::Schedule`] forms stay.
//!
//! ```
//! use fundtrack::{Decimal, Ratio, Rounding};
//! use fundtrack::report::{Schedule, ScheduleGap};
//! let rate = Ratio::from_percent(Decimal::new(367, 1))?;
//! let by_months = ScheduleGap::new(rate, Schedule::months_elapsed(4)?);
//! let by_days = ScheduleGap::new(rate, Schedule::day_of(120, 365)?);
//! let fixed = ScheduleGap::new(rate, Ratio::from_percent(Decimal::new(30, 0))?);
//! let r = Rounding::half_up(1)?;
//! assert_eq!(by_months.gap().round(r).to_string(), "3.4");
//! assert_eq!(by_days.gap().round(r).to_string(), "3.8");
//! assert_eq!(fixed.gap().round(r).to_string(), "6.7");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Compound growth against another rate** ("年均增速提高 x 个百分点"):
//!
//! ```
//! use fundtrack::{Money, Rounding};
//! use fundtrack::report::CompoundGrowth;
//! let m = |s: &str| s.parse::<Money>();
//! let now = CompoundGrowth::of(m("17522元")?, m("12588元")?, 4)?;
//! let before = CompoundGrowth::of(m("121元")?, m("100元")?, 2)?;
//! assert_eq!(now.to_percent(Rounding::default()).to_string(), "8.62");
//! assert_eq!(now.minus(&before).round(Rounding::default())?.to_string(), "-1.38");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Audit a report's printed figures** ([`audit`]): each printed number is the interval of
//! values that print as it; the audit says whether the printed result can follow from the
//! printed inputs, and when it cannot, which common slip reproduces it.
//!
//! ```
//! use fundtrack::audit::{self, Change, Figure, Printed};
//! let p = |s: &str| s.parse::<Printed>();
//! let verdicts = audit::check([
//!     ("增幅", Figure::Growth { current: p("26.68亿元")?, change: Change::Increase(p("6.18亿元")?), result: p("30.09%")? }),
//!     ("完成率", Figure::Rate { part: p("24627万元")?, whole: p("60999万元")?, result: p("40.4%")?, households: None }),
//! ]);
//! assert_eq!(verdicts[0].to_string(), "增幅: 不符 (30.1072–30.1855)");
//! assert_eq!(verdicts[1].to_string(), "完成率: 相符 (40.371–40.374)");
//! # Ok::<(), fundtrack::ParseError>(())
//! ```
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
//! | 贡献率 | contribution: a component's increase ÷ the whole's increase |
//! | 拉动 | pull: a component's increase ÷ the whole's prior, in 百分点 |
//! | 人/户/个/项/人次 | the units of a [`money::Count`] |
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

pub mod audit;
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

/// The exact decimal number of the API (`rust_decimal`), re-exported so that an embedder
/// needs no second dependency: [`Decimal::from_str_exact`] reads `"30700.48"` exactly.
pub use rust_decimal::Decimal;

/// The calendar date of the API (`chrono`): as-of dates, effective dates, milestones.
pub use chrono::NaiveDate;
