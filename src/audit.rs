//! Audit of printed figures (审核): can a printed result follow from its printed inputs?
//!
//! A published report prints rounded inputs and a rounded result. Each printed number stands
//! for the interval of exact values that print as it ([`Printed`]); the audit computes, in
//! exact rational interval arithmetic (no floats), every value the result could take for
//! some exact inputs in their intervals, and says whether the printed result is among them
//! ([`Outcome::Consistent`]) or not ([`Outcome::Inconsistent`]). When it is not, the audit
//! tries the common slips and names the one that reproduces the printed figure ([`Slip`]):
//! truncation instead of rounding, the rounded rate used for a gap, days instead of months
//! (or months instead of days), growth divided by the current value, a household count used
//! for a person share, a part left out of a total.
//!
//! # Example
//!
//! ```
//! use fundtrack::audit::{self, Basis, Elapsed, Figure, Outcome, Printed, Slip};
//!
//! let p = |s: &str| s.parse::<Printed>();
//! let report = [
//!     // 大姚县 2024-04: 24627万元 of a budget of 60999万元 is 40.4%.
//!     ("收入完成率", Figure::Rate { part: p("24627万元")?, whole: p("60999万元")?, result: p("40.4%")?, households: None }),
//!     // 1-4月 spending at 36.7%, 快于序时进度3.4个百分点 (4 months of 12).
//!     ("序时进度", Figure::Gap {
//!         rate: p("36.7%")?, inputs: None,
//!         schedule: Elapsed::months(4)?, basis: Basis::Months, result: p("3.4个百分点")?,
//!     }),
//!     // Printed as 60.8% although 45.76 ÷ 75.20 can only print as 60.84…60.87%: truncated? No —
//!     // 60.8 is inside the interval once the inputs' rounding is allowed for.
//!     ("支付率", Figure::Rate { part: p("45.76亿元")?, whole: p("75.20亿元")?, result: p("60.8%")?, households: None }),
//!     // A total that cannot be the sum of its printed parts.
//!     ("合计", Figure::Sum { parts: vec![p("61.02亿元")?, p("13.78亿元")?], total: p("75.20亿元")? }),
//! ];
//! let verdicts = audit::check(report);
//! assert!(verdicts[0].outcome().is_consistent());
//! assert!(verdicts[1].outcome().is_consistent());
//! assert!(verdicts[2].outcome().is_consistent());
//! assert!(matches!(verdicts[3].outcome(), Outcome::Inconsistent { slip: None, .. }));
//! assert_eq!(verdicts[3].to_string(), "合计: 不符 (74.7900–74.8100)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod exact;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use num_bigint::BigInt;
use rust_decimal::Decimal;

use crate::dim::FiscalYear;
use crate::error::{ParseError, ParseErrorKind};
use crate::money::{CountUnit, MAX_DP, NoRatio, RoundMode, Rounding};

use exact::{Dir, End, Interval, Q, image};

/// What a printed number measures, as its suffix says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrintedUnit {
    /// Money (元, 万元, 亿元): held in 元.
    Money,
    /// A count (人, 户, 个, 项, 人次, also in 万): held in single units.
    Count(CountUnit),
    /// A percentage (`%`).
    Percent,
    /// Percentage points (`个百分点`).
    Points,
    /// A bare number.
    Plain,
}

/// A number as a report prints it (印刷数): its value, the size of its last printed digit,
/// its unit and the rounding it was printed with (四舍五入 unless said otherwise).
///
/// It stands for every exact value that prints as it: `40.4%` is any rate in
/// [40.35%, 40.45%); `24627万元` any amount in [24626.5万元, 24627.5万元). Money to the 分
/// and counts of single units are exact (a count of persons is a whole number).
///
/// ```
/// use fundtrack::audit::{Printed, PrintedUnit};
/// use fundtrack::money::CountUnit;
///
/// let p: Printed = "28.54万人".parse()?;
/// assert_eq!(p.value().to_string(), "285400");
/// assert_eq!(p.step().to_string(), "100");
/// assert_eq!(p.unit(), PrintedUnit::Count(CountUnit::Person));
/// assert!(!p.is_exact());
/// assert!("1114人".parse::<Printed>()?.is_exact());
/// assert_eq!("-4.2%".parse::<Printed>()?.unit(), PrintedUnit::Percent);
/// assert_eq!("75.20亿元".parse::<Printed>()?.to_string(), "75.20亿元");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Printed {
    value: Decimal,
    step: Decimal,
    unit: PrintedUnit,
    mode: RoundMode,
    /// The power of ten of the printed unit (4 for 万元, 8 for 亿元).
    shift: u32,
}

impl Printed {
    /// `value` printed to `dp` places of `unit` (in 元 or single units for money and counts).
    ///
    /// # Errors
    ///
    /// [`ParseErrorKind::TooManyPlaces`] beyond [`MAX_DP`] places.
    pub fn new(value: Decimal, dp: u32, unit: PrintedUnit) -> Result<Printed, ParseError> {
        Rounding::half_up(dp)?;
        Ok(Printed {
            value,
            step: Decimal::new(1, dp),
            unit,
            mode: RoundMode::HalfUp,
            shift: 0,
        })
    }

    /// The same number, printed with another rounding mode (a report that truncates).
    #[must_use]
    pub fn rounded_with(mut self, mode: RoundMode) -> Printed {
        self.mode = mode;
        self
    }

    /// The printed value, in 元 or single units for money and counts.
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The size of one unit of the last printed digit, in the same unit as the value.
    pub fn step(&self) -> Decimal {
        self.step
    }

    /// What the number measures.
    pub fn unit(&self) -> PrintedUnit {
        self.unit
    }

    /// Decimal places of the printed value in its printed unit (`40.4%` has 1, `75.20亿元` 2).
    pub fn dp(&self) -> u32 {
        (self.step / Decimal::from(10i64.pow(self.shift)))
            .normalize()
            .scale()
    }

    /// The power of ten of the printed unit: 0, or 4 for 万, 8 for 亿.
    pub fn shift(&self) -> u32 {
        self.shift
    }

    /// Whether the number is exact: money to the 分 or a count of single units.
    pub fn is_exact(&self) -> bool {
        match self.unit {
            PrintedUnit::Money => self.step <= Decimal::new(1, 2),
            PrintedUnit::Count(_) => self.step <= Decimal::ONE,
            _ => false,
        }
    }

    /// The exact values that print as this with `mode`.
    fn interval_with(&self, mode: RoundMode) -> Interval {
        let v = Q::dec(self.value);
        if self.is_exact() {
            return Interval::point(v);
        }
        let s = Q::dec(self.step);
        let h = s.half();
        let end = |at: Q, open: bool| End { at, open };
        let negative = self.value.is_sign_negative() && !self.value.is_zero();
        let zero = self.value.is_zero();
        match mode {
            RoundMode::HalfUp if zero => Interval {
                lo: end(Q::int(0).sub(&h), true),
                hi: end(h, true),
            },
            RoundMode::HalfUp if negative => Interval {
                lo: end(v.sub(&h), true),
                hi: end(v.add(&h), false),
            },
            RoundMode::Trunc if zero => Interval {
                lo: end(Q::int(0).sub(&s), true),
                hi: end(s, true),
            },
            RoundMode::Trunc if negative => Interval {
                lo: end(v.sub(&s), true),
                hi: end(v, false),
            },
            RoundMode::Trunc | RoundMode::Floor => Interval {
                lo: end(v.clone(), false),
                hi: end(v.add(&s), true),
            },
            RoundMode::Ceil => Interval {
                lo: end(v.sub(&s), true),
                hi: end(v, false),
            },
            // Half-up of a positive value, and half-even, whose ties this keeps closed.
            _ => Interval {
                lo: end(v.sub(&h), false),
                hi: end(v.add(&h), !matches!(mode, RoundMode::HalfEven)),
            },
        }
    }

    /// The exact values that print as this, as printed. Amounts and counts printed without
    /// a sign are never negative (`0万元` is 0 to 0.5万元), which keeps every audited figure
    /// monotone in its inputs.
    fn interval(&self) -> Interval {
        let mut iv = self.interval_with(self.mode);
        let quantity = matches!(self.unit, PrintedUnit::Money | PrintedUnit::Count(_));
        if quantity && !self.value.is_sign_negative() && iv.lo.at.sign() == num_bigint::Sign::Minus
        {
            iv.lo = End {
                at: Q::int(0),
                open: false,
            };
        }
        iv
    }
}

impl fmt::Display for Printed {
    /// As printed: `75.20亿元`, `40.4%`, `28.54万人`, `8.68个百分点`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = match self.unit {
            PrintedUnit::Money => "元",
            PrintedUnit::Count(u) => u.as_str(),
            PrintedUnit::Percent => "%",
            PrintedUnit::Points => "个百分点",
            PrintedUnit::Plain => "",
        };
        let prefix = match self.shift {
            4 => "万",
            8 => "亿",
            _ => "",
        };
        let mut v = self.value / Decimal::from(10i64.pow(self.shift));
        v.rescale(self.dp());
        write!(f, "{v}{prefix}{suffix}")
    }
}

impl FromStr for Printed {
    type Err = ParseError;

    /// Parses `24627万元`, `4.49亿元`, `1,392,476万元`, `40.4%`, `-4.2%`, `8.68个百分点`,
    /// `28.54万人`, `1114人`, `295户`, `61.02`: the places printed are the precision.
    fn from_str(input: &str) -> Result<Printed, ParseError> {
        let err = |kind| ParseError::new("printed figure", input, kind);
        let mut body = input.trim();
        let mut unit = PrintedUnit::Plain;
        for (suffix, u) in [
            ("个百分点", PrintedUnit::Points),
            ("百分点", PrintedUnit::Points),
            ("%", PrintedUnit::Percent),
            ("％", PrintedUnit::Percent),
            ("元", PrintedUnit::Money),
            ("人次", PrintedUnit::Count(CountUnit::PersonTime)),
            ("人", PrintedUnit::Count(CountUnit::Person)),
            ("户", PrintedUnit::Count(CountUnit::Household)),
            ("个", PrintedUnit::Count(CountUnit::Item)),
            ("项", PrintedUnit::Count(CountUnit::Project)),
        ] {
            if let Some(rest) = body.strip_suffix(suffix) {
                body = rest.trim_end();
                unit = u;
                break;
            }
        }
        let mut shift = 0u32;
        if let Some(rest) = body.strip_suffix('万') {
            body = rest;
            shift = 4;
        } else if let Some(rest) = body.strip_suffix('亿') {
            body = rest;
            shift = 8;
        }
        let body = body.trim();
        if body.is_empty() {
            return Err(err(ParseErrorKind::NoDigits));
        }
        if let Some((at, ch)) = body
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
        {
            return Err(err(ParseErrorKind::UnexpectedChar { ch, at }));
        }
        let plain: String = body.chars().filter(|c| *c != ',').collect();
        let value = Decimal::from_str_exact(&plain).map_err(|_| err(ParseErrorKind::Overflow))?;
        let dp = value.scale();
        if dp > MAX_DP {
            return Err(err(ParseErrorKind::TooManyPlaces {
                places: dp,
                max: MAX_DP,
            }));
        }
        let factor = Decimal::from(10i64.pow(shift));
        let overflow = || err(ParseErrorKind::Overflow);
        Ok(Printed {
            value: value.checked_mul(factor).ok_or_else(overflow)?.normalize(),
            step: Decimal::new(1, dp)
                .checked_mul(factor)
                .ok_or_else(overflow)?
                .normalize(),
            unit,
            mode: RoundMode::HalfUp,
            shift,
        })
    }
}

/// Which schedule a gap is reported against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Basis {
    /// Months elapsed ÷ 12 (按月).
    Months,
    /// Days elapsed ÷ days in the year (按日).
    Days,
}

/// How far through the year a report is: months elapsed, and day of the year when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed {
    months: u32,
    days: Option<(u32, u32)>,
}

impl Elapsed {
    /// `months` whole months elapsed ("1-4月"), with no day known.
    ///
    /// # Errors
    ///
    /// [`NoRatio::OutOfRange`] beyond 12 months.
    pub fn months(months: u32) -> Result<Elapsed, NoRatio> {
        if months > 12 {
            return Err(NoRatio::OutOfRange);
        }
        Ok(Elapsed { months, days: None })
    }

    /// Months and day of the year at a date ("截至4月底" is 30 April).
    ///
    /// # Errors
    ///
    /// When the date is outside the years the crate handles.
    pub fn at(date: NaiveDate) -> Result<Elapsed, ParseError> {
        let y = FiscalYear::of(date)?;
        Ok(Elapsed {
            months: y.months_elapsed(date),
            days: Some((y.days_elapsed(date), y.days_in_year())),
        })
    }

    /// Whole months elapsed.
    pub fn month_count(&self) -> u32 {
        self.months
    }

    /// Day of the year and days in the year, when known.
    pub fn day_of_year(&self) -> Option<(u32, u32)> {
        self.days
    }

    fn schedule(&self, basis: Basis) -> Option<Q> {
        match basis {
            Basis::Months => Q::of(BigInt::from(self.months), BigInt::from(12u8)),
            Basis::Days => {
                let (d, of) = self.days?;
                Q::of(BigInt::from(d), BigInt::from(of))
            }
        }
    }
}

/// How a growth rate's base is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// Last year's value ("上年同期 …").
    Prior(Printed),
    /// The increase ("增收 …", "增加 …").
    Increase(Printed),
    /// The decrease, printed without its sign ("减收 …", "减少 …").
    Decrease(Printed),
}

/// One printed figure and the printed inputs it is computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Figure {
    /// A rate or share in % (支出进度, 完成率, 占比): part ÷ whole × 100. For a share of
    /// persons, `households` are the matching household counts (part, whole), to test
    /// whether the printed share was computed on households.
    Rate {
        /// The part (spent, eliminated, …).
        part: Printed,
        /// The whole (allocated, budget, all persons).
        whole: Printed,
        /// The printed rate, in %.
        result: Printed,
        /// Household counts matching a person share, when printed.
        households: Option<(Printed, Printed)>,
    },
    /// Parts against a printed total (合计).
    Sum {
        /// The printed parts.
        parts: Vec<Printed>,
        /// The printed total.
        total: Printed,
    },
    /// Growth in % (同比增长, negative for 下降) over a base printed as a prior, an increase
    /// or a decrease.
    Growth {
        /// This period's value.
        current: Printed,
        /// What it is compared with.
        change: Change,
        /// The printed growth rate, in %, signed.
        result: Printed,
    },
    /// A gap in percentage points between a rate and a schedule (超/低于序时进度), signed.
    Gap {
        /// The printed rate, in %.
        rate: Printed,
        /// The part and whole of the rate, when printed: the gap then comes from them.
        inputs: Option<(Printed, Printed)>,
        /// How far through the year.
        schedule: Elapsed,
        /// The schedule the report says it used.
        basis: Basis,
        /// The printed gap, in points, signed (negative for 低于).
        result: Printed,
    },
    /// An average: total ÷ count (平均每个…, 户均…).
    Average {
        /// The total.
        total: Printed,
        /// The count divided by.
        count: Printed,
        /// The printed average.
        result: Printed,
    },
}

/// A common slip that reproduces a printed figure its inputs cannot give (常见差错).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Slip {
    /// The result was truncated, not rounded.
    Truncation,
    /// The gap was taken from the rounded rate (and rounded schedule), not the exact ones.
    RoundedRateForGap,
    /// Days elapsed were used where the report says months.
    DaysInsteadOfMonths,
    /// Months elapsed were used where the report says days.
    MonthsInsteadOfDays,
    /// The increase was divided by the current value, not the prior.
    GrowthOverCurrent,
    /// Household counts were used for a share of persons.
    HouseholdsForPersons,
    /// The total leaves out the part at this position.
    PartLeftOut(usize),
}

impl Slip {
    /// The Chinese description of the slip.
    pub fn as_str(&self) -> &'static str {
        match self {
            Slip::Truncation => "截尾而非四舍五入",
            Slip::RoundedRateForGap => "用舍入后的进度计算百分点差",
            Slip::DaysInsteadOfMonths => "按日而非按月计算序时进度",
            Slip::MonthsInsteadOfDays => "按月而非按日计算序时进度",
            Slip::GrowthOverCurrent => "增幅以本期数而非上年数为分母",
            Slip::HouseholdsForPersons => "以户数计算人口占比",
            Slip::PartLeftOut(_) => "合计漏计一项",
        }
    }
}

/// What the audit found for one figure.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Some exact inputs that print as the printed inputs give the printed result.
    /// `range` is every value the result can take, in the result's printed unit (亿元 for
    /// `75.20亿元`), rounded outward two places finer than printed.
    Consistent {
        /// Lowest and highest possible values.
        range: (Decimal, Decimal),
    },
    /// No exact inputs give the printed result; `slip` names a common slip that does.
    Inconsistent {
        /// Lowest and highest possible values.
        range: (Decimal, Decimal),
        /// The slip that reproduces the printed figure, if one does.
        slip: Option<Slip>,
    },
    /// The figure cannot be checked: units that do not go together, a zero or negative
    /// base, a schedule without the days it needs.
    Unchecked(NoRatio),
}

impl Outcome {
    /// Whether the figure is consistent with its inputs.
    pub fn is_consistent(&self) -> bool {
        matches!(self, Outcome::Consistent { .. })
    }

    /// The slip found, if the figure is inconsistent and one reproduces it.
    pub fn slip(&self) -> Option<Slip> {
        match self {
            Outcome::Inconsistent { slip, .. } => *slip,
            _ => None,
        }
    }
}

/// One figure's verdict: its label as given and the [`Outcome`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict<L> {
    label: L,
    outcome: Outcome,
}

impl<L> Verdict<L> {
    /// The label the caller gave the figure.
    pub fn label(&self) -> &L {
        &self.label
    }

    /// What the audit found.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }
}

impl<L: fmt::Display> fmt::Display for Verdict<L> {
    /// `收入完成率: 相符 (40.37–40.38)`, `合计: 不符 (74.79–74.81; 截尾而非四舍五入)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Consistent { range } => {
                write!(f, "{}: 相符 ({}–{})", self.label, range.0, range.1)
            }
            Outcome::Inconsistent { range, slip } => {
                write!(f, "{}: 不符 ({}–{}", self.label, range.0, range.1)?;
                if let Some(s) = slip {
                    write!(f, "; {}", s.as_str())?;
                }
                f.write_str(")")
            }
            Outcome::Unchecked(why) => write!(f, "{}: 无法核对 ({why})", self.label),
        }
    }
}

/// Checks a report's printed figures, each with its label: one verdict per figure, in order.
///
/// See the [module documentation](self) for an example.
pub fn check<L>(figures: impl IntoIterator<Item = (L, Figure)>) -> Vec<Verdict<L>> {
    figures
        .into_iter()
        .map(|(label, figure)| Verdict {
            label,
            outcome: figure.check(),
        })
        .collect()
}

/// Whether two printed inputs may be combined: same kind of quantity (money with money,
/// persons with persons); a bare number goes with anything.
fn compatible(a: &Printed, b: &Printed) -> Result<(), NoRatio> {
    match (a.unit, b.unit) {
        (PrintedUnit::Plain, _) | (_, PrintedUnit::Plain) => Ok(()),
        (x, y) if x == y => Ok(()),
        _ => Err(NoRatio::UnitMismatch),
    }
}

fn positive(iv: &Interval) -> Result<(), NoRatio> {
    if iv.is_positive() {
        Ok(())
    } else {
        Err(NoRatio::ZeroBase)
    }
}

fn hundred() -> Q {
    Q::int(100)
}

/// 100 × part ÷ whole over the boxes, for positive wholes.
fn rate_image(part: &Interval, whole: &Interval) -> Result<Interval, NoRatio> {
    positive(whole)?;
    image(&[(part, Dir::Up), (whole, Dir::Down)], |x| {
        x.first()?.mul(&hundred()).div(x.get(1)?)
    })
    .ok_or(NoRatio::ZeroBase)
}

impl Figure {
    /// Checks this figure against its printed inputs.
    pub fn check(&self) -> Outcome {
        match self.check_inner() {
            Ok(o) => o,
            Err(why) => Outcome::Unchecked(why),
        }
    }

    fn result(&self) -> &Printed {
        match self {
            Figure::Rate { result, .. }
            | Figure::Growth { result, .. }
            | Figure::Gap { result, .. }
            | Figure::Average { result, .. } => result,
            Figure::Sum { total, .. } => total,
        }
    }

    /// Every value the result can take, exactly, in the result's base unit.
    fn possible(&self) -> Result<Interval, NoRatio> {
        match self {
            Figure::Rate { part, whole, .. } => {
                compatible(part, whole)?;
                rate_image(&part.interval(), &whole.interval())
            }
            Figure::Sum { parts, total } => {
                let ivs: Vec<Interval> = parts
                    .iter()
                    .map(|p| compatible(p, total).map(|()| p.interval()))
                    .collect::<Result<_, _>>()?;
                let args: Vec<(&Interval, Dir)> = ivs.iter().map(|i| (i, Dir::Up)).collect();
                image(&args, |x| {
                    Some(x.iter().fold(Q::int(0), |acc, q| acc.add(q)))
                })
                .ok_or(NoRatio::ZeroBase)
            }
            Figure::Growth {
                current, change, ..
            } => growth_image(current, change, false),
            Figure::Gap {
                rate,
                inputs,
                schedule,
                basis,
                ..
            } => gap_image(rate, inputs.as_ref(), schedule, *basis),
            Figure::Average { total, count, .. } => {
                let c = count.interval();
                positive(&c)?;
                image(&[(&total.interval(), Dir::Up), (&c, Dir::Down)], |x| {
                    x.first()?.div(x.get(1)?)
                })
                .ok_or(NoRatio::ZeroBase)
            }
        }
    }

    fn check_inner(&self) -> Result<Outcome, NoRatio> {
        let possible = self.possible()?;
        let result = self.result();
        let range = possible
            .outward(result.dp().saturating_add(2).min(MAX_DP), result.shift)
            .ok_or(NoRatio::OutOfRange)?;
        if possible.meets(&result.interval()) {
            return Ok(Outcome::Consistent { range });
        }
        Ok(Outcome::Inconsistent {
            range,
            slip: self.slip(&possible),
        })
    }

    /// The first common slip that reproduces the printed result.
    fn slip(&self, possible: &Interval) -> Option<Slip> {
        let result = self.result();
        let printed =
            |iv: Result<Interval, NoRatio>| iv.is_ok_and(|iv| iv.meets(&result.interval()));
        let specific = match self {
            Figure::Rate {
                part,
                whole,
                households: Some((hp, hw)),
                ..
            } => {
                let persons = PrintedUnit::Count(CountUnit::Person);
                let share_of_persons = part.unit == persons || whole.unit == persons;
                (share_of_persons && printed(rate_image(&hp.interval(), &hw.interval())))
                    .then_some(Slip::HouseholdsForPersons)
            }
            Figure::Growth {
                current, change, ..
            } => printed(growth_image(current, change, true)).then_some(Slip::GrowthOverCurrent),
            Figure::Gap {
                rate,
                inputs,
                schedule,
                basis,
                ..
            } => {
                let (other, slip) = match basis {
                    Basis::Months => (Basis::Days, Slip::DaysInsteadOfMonths),
                    Basis::Days => (Basis::Months, Slip::MonthsInsteadOfDays),
                };
                if printed(gap_image(rate, inputs.as_ref(), schedule, other)) {
                    Some(slip)
                } else {
                    rounded_rate_gap(rate, schedule, *basis, result)
                        .then_some(Slip::RoundedRateForGap)
                }
            }
            Figure::Sum { parts, total } => (0..parts.len()).find_map(|skip| {
                let rest = parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, p)| *p)
                    .collect();
                let fig = Figure::Sum {
                    parts: rest,
                    total: *total,
                };
                printed(fig.possible()).then_some(Slip::PartLeftOut(skip))
            }),
            _ => None,
        };
        // Otherwise truncated rather than rounded: the same values, printed by cutting.
        specific.or_else(|| {
            possible
                .meets(&result.interval_with(RoundMode::Trunc))
                .then_some(Slip::Truncation)
        })
    }
}

/// Growth in % over a prior, an increase or a decrease; `over_current` divides by the current
/// value instead of the prior (the slip).
fn growth_image(
    current: &Printed,
    change: &Change,
    over_current: bool,
) -> Result<Interval, NoRatio> {
    let cur = current.interval();
    positive(&cur)?;
    match change {
        Change::Prior(prior) => {
            compatible(current, prior)?;
            let p = prior.interval();
            positive(&p)?;
            if over_current {
                // (current − prior) ÷ current: up with current, down with prior.
                return image(&[(&cur, Dir::Up), (&p, Dir::Down)], |x| {
                    x.first()?.sub(x.get(1)?).mul(&hundred()).div(x.first()?)
                })
                .ok_or(NoRatio::ZeroBase);
            }
            image(&[(&cur, Dir::Up), (&p, Dir::Down)], |x| {
                x.first()?.sub(x.get(1)?).mul(&hundred()).div(x.get(1)?)
            })
            .ok_or(NoRatio::ZeroBase)
        }
        Change::Increase(inc) | Change::Decrease(inc) => {
            compatible(current, inc)?;
            let c = inc.interval();
            let up = matches!(change, Change::Increase(_));
            // Prior = current ∓ change must stay positive over the whole box.
            let prior = image(
                &[(&cur, Dir::Up), (&c, if up { Dir::Down } else { Dir::Up })],
                |x| {
                    let (a, b) = (x.first()?, x.get(1)?);
                    Some(if up { a.sub(b) } else { a.add(b) })
                },
            )
            .ok_or(NoRatio::ZeroBase)?;
            positive(&prior)?;
            let sign = if up { Q::int(100) } else { Q::int(-100) };
            // Increase: 100c/(cur − c), up with c, down with cur. Decrease: −100c/(cur + c),
            // down with c, up with cur. Over current: ±100c/cur, the same directions.
            let dirs = if up {
                [Dir::Down, Dir::Up]
            } else {
                [Dir::Up, Dir::Down]
            };
            image(&[(&cur, dirs[0]), (&c, dirs[1])], |x| {
                let (a, b) = (x.first()?, x.get(1)?);
                let base = if over_current {
                    a.clone()
                } else if up {
                    a.sub(b)
                } else {
                    a.add(b)
                };
                b.mul(&sign).div(&base)
            })
            .ok_or(NoRatio::ZeroBase)
        }
    }
}

/// The gap in points over the boxes of a rate (from its inputs, or as printed).
fn gap_image(
    rate: &Printed,
    inputs: Option<&(Printed, Printed)>,
    schedule: &Elapsed,
    basis: Basis,
) -> Result<Interval, NoRatio> {
    let s = schedule
        .schedule(basis)
        .ok_or(NoRatio::NoPeriod)?
        .mul(&hundred());
    let r = match inputs {
        Some((part, whole)) => {
            compatible(part, whole)?;
            rate_image(&part.interval(), &whole.interval())?
        }
        None => rate.interval(),
    };
    image(&[(&r, Dir::Up)], |x| Some(x.first()?.sub(&s))).ok_or(NoRatio::ZeroBase)
}

/// Whether the printed gap is the printed rate minus the schedule rounded as the rate is
/// printed (33.33 for 4 months), or minus the exact schedule, then rounded as the gap is.
fn rounded_rate_gap(rate: &Printed, schedule: &Elapsed, basis: Basis, result: &Printed) -> bool {
    let Some(s) = schedule.schedule(basis) else {
        return false;
    };
    let s = s.mul(&hundred());
    let gap_rounding = Rounding::known(RoundMode::HalfUp, result.dp());
    let r = Q::dec(rate.value);
    let rounded_s = s
        .round(Rounding::known(RoundMode::HalfUp, rate.dp()))
        .map(Q::dec);
    [rounded_s.map(|rs| r.sub(&rs)), Some(r.sub(&s))]
        .into_iter()
        .flatten()
        .any(|g| g.round(gap_rounding) == Some(result.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Printed {
        s.parse().unwrap()
    }

    #[test]
    fn printed_intervals_follow_the_rounding() {
        let r = p("40.4%").interval();
        assert_eq!(r.lo.at, Q::dec(Decimal::new(4035, 2)));
        assert!(!r.lo.open && r.hi.open);
        let n = p("-4.2%").interval();
        assert!(n.lo.open && !n.hi.open);
        assert!(p("1114人").is_exact());
        assert!(!p("1114万人").is_exact());
        assert!(p("12.34元").is_exact());
    }

    #[test]
    fn a_rate_on_the_boundary_is_decided_by_the_open_end() {
        // 1 ÷ 8 = 12.5% exactly: prints as 13% half-up, never as 12%.
        let fig = |r: &str| Figure::Rate {
            part: p("1.00元"),
            whole: p("8.00元"),
            result: p(r),
            households: None,
        };
        assert!(fig("13%").check().is_consistent());
        assert!(!fig("12%").check().is_consistent());
        assert_eq!(fig("12%").check().slip(), Some(Slip::Truncation));
    }

    #[test]
    fn each_slip_is_named_when_it_reproduces_the_figure() {
        let growth = Figure::Growth {
            current: p("120.00元"),
            change: Change::Increase(p("20.00元")),
            result: p("16.67%"),
        };
        assert_eq!(growth.check().slip(), Some(Slip::GrowthOverCurrent));
        let share = Figure::Rate {
            part: p("27256人"),
            whole: p("54851人"),
            result: p("44.49%"),
            households: Some((p("7282户"), p("16369户"))),
        };
        assert_eq!(share.check().slip(), Some(Slip::HouseholdsForPersons));
        let apr30 = Elapsed::at(NaiveDate::from_ymd_opt(2023, 4, 30).unwrap()).unwrap();
        let days = Figure::Gap {
            rate: p("42.02%"),
            inputs: None,
            schedule: apr30,
            basis: Basis::Months,
            result: p("9.14个百分点"),
        };
        assert_eq!(days.check().slip(), Some(Slip::DaysInsteadOfMonths));
        let months = Figure::Gap {
            rate: p("42.02%"),
            inputs: None,
            schedule: apr30,
            basis: Basis::Days,
            result: p("8.69个百分点"),
        };
        assert_eq!(months.check().slip(), Some(Slip::MonthsInsteadOfDays));
        // Exact 42.016% is 8.68 points ahead of 4/12; 42.02 − 33.33 prints 8.69.
        let rounded = Figure::Gap {
            rate: p("42.02%"),
            inputs: Some((p("4201.60元"), p("10000.00元"))),
            schedule: Elapsed::months(4).unwrap(),
            basis: Basis::Months,
            result: p("8.69个百分点"),
        };
        assert_eq!(rounded.check().slip(), Some(Slip::RoundedRateForGap));
        let left_out = Figure::Sum {
            parts: vec![p("1.00元"), p("2.00元"), p("3.00元")],
            total: p("5.00元"),
        };
        assert_eq!(left_out.check().slip(), Some(Slip::PartLeftOut(0)));
        let unexplained = Figure::Sum {
            parts: vec![p("1.00元"), p("2.00元")],
            total: p("5.00元"),
        };
        assert_eq!(
            unexplained.check(),
            Outcome::Inconsistent {
                range: (Decimal::new(30_000, 4), Decimal::new(30_000, 4)),
                slip: None
            }
        );
    }

    #[test]
    fn averages_are_checked_per_unit() {
        let avg = |r: &str| Figure::Average {
            total: p("4.49亿元"),
            count: p("391项"),
            result: p(r),
        };
        assert!(avg("114.83万元").check().is_consistent());
        assert!(!avg("115.83万元").check().is_consistent());
        // 4.49亿元 is 4.485–4.495亿元: 114.7–114.96万元 per project.
        assert!(avg("114.9万元").check().is_consistent());
    }

    #[test]
    fn printed_zeros_are_not_negative_amounts() {
        let zero_part = Figure::Rate {
            part: p("0万元"),
            whole: p("100万元"),
            result: p("0.3%"),
            households: None,
        };
        // 0万元 is 0 to 0.5万元 of 99.5 to 100.5万元: 0% to 0.503%.
        assert!(zero_part.check().is_consistent());
        let zero_whole = Figure::Rate {
            part: p("1万元"),
            whole: p("0万元"),
            result: p("1%"),
            households: None,
        };
        assert_eq!(zero_whole.check(), Outcome::Unchecked(NoRatio::ZeroBase));
    }

    #[test]
    fn mixed_units_are_not_checked() {
        let fig = Figure::Rate {
            part: p("7282户"),
            whole: p("54851人"),
            result: p("13.28%"),
            households: None,
        };
        assert_eq!(fig.check(), Outcome::Unchecked(NoRatio::UnitMismatch));
    }

    #[test]
    fn printed_figures_refuse_what_is_not_a_number() {
        assert!("12a%".parse::<Printed>().is_err());
        assert!("%".parse::<Printed>().is_err());
        assert!("1.00000000001%".parse::<Printed>().is_err());
    }

    /// Soundness: a figure computed exactly from exact inputs, then printed with the inputs
    /// rounded, is never flagged.
    fn printed_wan(fen: i64, dp: u32) -> Printed {
        let wan = Decimal::new(fen, 6);
        let shown = Rounding::known(RoundMode::HalfUp, dp).apply(wan);
        p(&format!("{shown}万元"))
    }

    fn printed_pct(r: &crate::Ratio, dp: u32) -> Printed {
        p(&format!(
            "{}%",
            r.to_percent(Rounding::known(RoundMode::HalfUp, dp))
        ))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn exact_figures_printed_from_rounded_inputs_are_never_flagged(
            part in 0i64..2_000_000_000,
            extra in 1i64..2_000_000_000,
            inc in 1i64..1_000_000_000,
            dp_in in 0u32..3,
            dp_out in 0u32..3,
            smaller in 0u32..4,
        ) {
            // Small amounts too, where inputs print as 0万元.
            let div = 10i64.pow(2 * smaller);
            let (part, extra, inc) = (part / div, extra / div + 1, inc / div + 1);
            let whole = part + extra;
            let (pm, wm) = (crate::Money::from_fen(part), crate::Money::from_fen(whole));
            let rate = crate::Ratio::of(pm, wm).unwrap();
            let printed_whole = printed_wan(whole, dp_in);
            let fig = Figure::Rate {
                part: printed_wan(part, dp_in),
                whole: printed_whole,
                result: printed_pct(&rate, dp_out),
                households: None,
            };
            // A whole that prints as 0 has no rate to check; anything else must be consistent.
            let expected = if printed_whole.value().is_zero() {
                Outcome::Unchecked(NoRatio::ZeroBase)
            } else {
                fig.check()
            };
            proptest::prop_assert!(fig.check() == expected && (printed_whole.value().is_zero() || expected.is_consistent()), "{fig:?}");
            let sum = Figure::Sum {
                parts: vec![printed_wan(part, dp_in), printed_wan(extra, dp_in)],
                total: printed_wan(whole, dp_in),
            };
            proptest::prop_assert!(sum.check().is_consistent(), "{sum:?}");
            let current = whole + inc;
            let g = crate::Ratio::of(crate::Money::from_fen(inc), wm).unwrap();
            let growth = Figure::Growth {
                current: printed_wan(current, dp_in),
                change: Change::Increase(printed_wan(inc, dp_in)),
                result: printed_pct(&g, dp_out),
            };
            let outcome = growth.check();
            // A printed increase that rounds to 0 has no ratio to check.
            proptest::prop_assert!(
                outcome.is_consistent() || matches!(outcome, Outcome::Unchecked(_)),
                "{growth:?}: {outcome:?}"
            );
        }
    }
}
