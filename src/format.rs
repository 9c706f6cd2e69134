//! Rendering (呈现): report values as Chinese text, aligned tables, 人民币大写, CSV, JSON and
//! an SVG chart. Reading CSV is [`crate::import`].
//!
//! Everything here renders; nothing computes (STYLE §8), and nothing needs the ledger: region
//! names come through the small [`RegionNames`] lookup. Renderers take the exact values of
//! [`crate::report`] and round each printed figure once, with a [`Rounding`](crate::Rounding)
//! the caller passes or the default stated here once: **half-up (四舍五入) to 2 decimal
//! places**, for amounts in 万元, percentages and 百分点 alike. [`TextStyle::rounding_note`]
//! states the rounding in Chinese for the foot of a bulletin.
//!
//! | need | entry point |
//! |---|---|
//! | an amount in 元/万元/亿元 | [`MoneyFormat`] |
//! | 人民币大写 | [`rmb_upper`], [`rmb_upper_with`] |
//! | report sentences (支出进度, 序时进度, 同比, 达到要求) | [`TextStyle`] |
//! | aligned tables, ranking | [`execution_table`], [`ranking_table`] (of a [`Ranking`](crate::report::Ranking)), [`TextTable`] |
//! | SVG bar chart with the 序时进度 line | [`RateChart`] |
//! | region names for rows (the ledger, a map, or none) | [`RegionNames`] |
//! | CSV out | [`execution_csv`], [`records_csv`] (read back by [`import_csv`](crate::import::import_csv)) |
//! | JSON (feature `serde`) | `to_json`, `from_json`; every figure of a report as decimal strings: `Figures` |
//! | the monthly report package (月报) | [`monthly_text`], [`monthly_csv`] (CSV for Excel), [`monthly_html`] (printable page), [`monthly_chart`], `monthly_xlsx` (feature `xlsx`), [`Bulletin`] (paragraphs) |
//!
//! Machine formats (CSV, JSON) never carry thousands separators or currency signs, and use
//! the machine names of levels and categories; text uses the Chinese labels.
//!
//! # Example
//!
//! ```
//! use fundtrack::{FiscalYear, Money};
//! use fundtrack::format::{TextStyle, rmb_upper};
//! use fundtrack::report::{Progress, Schedule};
//! use chrono::NaiveDate;
//!
//! let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
//! let row = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
//! let gap = Schedule::Months.compare(&row.rate().unwrap(), FiscalYear::new(2021)?, as_of);
//! let style = TextStyle::default();
//! assert_eq!(
//!     style.progress(as_of, "全市", &row, Some(&gap)),
//!     "截至9月30日，全市支出衔接资金30700.48万元，支出进度77.22%，超序时进度2.22个百分点",
//! );
//! assert_eq!(rmb_upper("16409.02元".parse()?), "人民币壹万陆仟肆佰零玖元零贰分");
//! # Ok::<(), fundtrack::ParseError>(())
//! ```

mod amount;
mod bulletin;
mod contract;
mod csv;
#[cfg(feature = "serde")]
mod figures;
#[cfg(feature = "serde")]
mod json;
mod monthly;
mod names;
mod rmb;
mod svg;
mod table;
mod text;
#[cfg(feature = "xlsx")]
mod workbook;
#[cfg(feature = "xlsx")]
mod xlsx;

pub use amount::MoneyFormat;
pub use bulletin::{Bulletin, Clause, Paragraph};
pub use contract::{NATIONAL_CSV_HEADER, national_csv, national_csv_options};
pub use csv::{execution_csv, records_csv};
#[cfg(feature = "serde")]
pub use figures::{FigurePeriod, FigureRounding, FigureRow, FigureSchedule, Figures};
#[cfg(feature = "serde")]
pub use json::{JsonError, from_json, to_json};
pub use monthly::{monthly_chart, monthly_csv, monthly_html, monthly_text};
pub use names::RegionNames;
pub use rmb::{RmbUpper, rmb_upper, rmb_upper_with};
pub use svg::RateChart;
pub use table::{Align, TextTable, display_width, execution_table, ranking_table};
pub use text::{TextStyle, month_day};
#[cfg(feature = "xlsx")]
pub use workbook::county_workbook;
#[cfg(feature = "xlsx")]
pub use xlsx::{WorkbookError, monthly_xlsx};
