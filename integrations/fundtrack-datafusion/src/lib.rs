//! Exact `fundtrack` figures inside Apache DataFusion: scalar functions and an aggregate on
//! `Decimal128` amounts (never `Float64`) that call the library, so a SQL report prints the
//! same digits as the library does.
//!
//! [`register`] adds them all to a [`SessionContext`]:
//!
//! | function | result |
//! |---|---|
//! | `fundtrack_yuan(text_or_decimal)` | the amount in 元 as `DECIMAL(18,2)`; an error for anything but whole 分 |
//! | `fundtrack_sum(amount)` | exact sum as `DECIMAL(38,2)`; state is `i128` 分 (`DECIMAL(38,0)`), so partial → final aggregation merges exactly |
//! | `fundtrack_rate(spent, allocated)` | disbursement rate in percent, half-up at 2 places; NULL for a zero base |
//! | `fundtrack_percent(part, whole, dp)` | any ratio in percent, half-up at `dp` (a literal 0–10) places; NULL for a zero base |
//! | `fundtrack_no_rate(part, whole)` | why there is no rate (e.g. a zero base), NULL when there is one |
//! | `fundtrack_schedule(as_of, kind)` | 序时进度 in percent at 2 places; `kind` is `'months'` or `'days'` |
//! | `fundtrack_schedule_gap(spent, allocated, as_of, kind)` | rate minus schedule in 百分点 at 2 places, from unrounded values |
//! | `fundtrack_wan(amount, dp)`, `fundtrack_yi(amount, dp)` | the amount in 万元 / 亿元, half-up at `dp` places |
//! | `fundtrack_rmb_upper(amount)` | 人民币大写 |
//! | `fundtrack_pooled(status)` | whether a project status is in the project pool (入库) |
//!
//! Scalar functions give NULL for a NULL argument; `fundtrack_sum` refuses a NULL amount
//! (nothing is dropped silently).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> datafusion::error::Result<()> {
//! use datafusion::prelude::SessionContext;
//!
//! let ctx = SessionContext::new();
//! fundtrack_datafusion::register(&ctx);
//! let df = ctx
//!     .sql("SELECT fundtrack_rate(fundtrack_yuan('10.05'), fundtrack_yuan('1000.00')) AS r")
//!     .await?;
//! let text = datafusion::arrow::util::pretty::pretty_format_batches(&df.collect().await?)?;
//! assert!(text.to_string().contains("1.01"));
//! # Ok(())
//! # }
//! ```

pub mod national;

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, BooleanBuilder, Decimal128Array, Decimal128Builder,
    StringBuilder,
};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Field, FieldRef, Int32Type, Int64Type,
};
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::execution::SessionState;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, EmitTo, GroupsAccumulator,
    ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;
use fundtrack::format::rmb_upper;
use fundtrack::money::Unit;
use fundtrack::report::Schedule;
use fundtrack::{Decimal, FiscalYear, Money, NaiveDate, NoRatio, ProjectStage, Ratio, Rounding};

/// Widest decimal precision Arrow's `Decimal128` holds.
const PRECISION: u8 = 38;

/// Registers every function of this crate with `ctx` (see the crate docs for the list).
pub fn register(ctx: &SessionContext) {
    for f in scalar_functions() {
        ctx.register_udf(f);
    }
    ctx.register_udaf(exact_sum());
}

/// `state` with every function of this crate registered: the state to give a distributed
/// runner, whose executors deserialize plans by function name (Ballista:
/// `SessionContext::standalone_with_state(state)`, or
/// `BallistaFunctionRegistry::from(&state)` for an executor process).
///
/// # Example
///
/// ```
/// use datafusion::execution::SessionStateBuilder;
///
/// let state = fundtrack_datafusion::with_functions(SessionStateBuilder::new().with_default_features().build());
/// assert!(state.aggregate_functions().contains_key("fundtrack_sum"));
/// assert!(state.scalar_functions().contains_key("fundtrack_rate"));
/// ```
pub fn with_functions(state: SessionState) -> SessionState {
    let ctx = SessionContext::new_with_state(state);
    register(&ctx);
    ctx.state()
}

/// The scalar functions, to register on any function registry (e.g. a distributed
/// executor's).
pub fn scalar_functions() -> Vec<ScalarUDF> {
    [
        Fun::Yuan,
        Fun::Rate,
        Fun::Percent,
        Fun::NoRate,
        Fun::Schedule,
        Fun::ScheduleGap,
        Fun::Wan,
        Fun::Yi,
        Fun::RmbUpper,
        Fun::Pooled,
    ]
    .into_iter()
    .map(|f| ScalarUDF::new_from_impl(Scalar::new(f)))
    .collect()
}

/// The exact-sum aggregate `fundtrack_sum`.
pub fn exact_sum() -> AggregateUDF {
    AggregateUDF::new_from_impl(ExactSum {
        signature: Signature::any(1, Volatility::Immutable),
    })
}

fn err(msg: String) -> DataFusionError {
    DataFusionError::Execution(msg)
}

/// One of the scalar functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Fun {
    Yuan,
    Rate,
    Percent,
    NoRate,
    Schedule,
    ScheduleGap,
    Wan,
    Yi,
    RmbUpper,
    Pooled,
}

impl Fun {
    fn name(self) -> &'static str {
        match self {
            Fun::Yuan => "fundtrack_yuan",
            Fun::Rate => "fundtrack_rate",
            Fun::Percent => "fundtrack_percent",
            Fun::NoRate => "fundtrack_no_rate",
            Fun::Schedule => "fundtrack_schedule",
            Fun::ScheduleGap => "fundtrack_schedule_gap",
            Fun::Wan => "fundtrack_wan",
            Fun::Yi => "fundtrack_yi",
            Fun::RmbUpper => "fundtrack_rmb_upper",
            Fun::Pooled => "fundtrack_pooled",
        }
    }

    fn arity(self) -> usize {
        match self {
            Fun::Yuan | Fun::RmbUpper | Fun::Pooled => 1,
            Fun::Rate | Fun::NoRate | Fun::Schedule | Fun::Wan | Fun::Yi => 2,
            Fun::Percent => 3,
            Fun::ScheduleGap => 4,
        }
    }

    /// The argument that is a literal number of decimal places, if any.
    fn dp_argument(self) -> Option<usize> {
        match self {
            Fun::Percent => Some(2),
            Fun::Wan | Fun::Yi => Some(1),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Scalar {
    fun: Fun,
    signature: Signature,
}

impl Scalar {
    fn new(fun: Fun) -> Self {
        Scalar {
            fun,
            signature: Signature::any(fun.arity(), Volatility::Immutable),
        }
    }
}

fn decimal_type(dp: u32) -> Result<DataType> {
    let scale = i8::try_from(dp).map_err(|_| err(format!("{dp} decimal places")))?;
    Ok(DataType::Decimal128(PRECISION, scale))
}

impl ScalarUDFImpl for Scalar {
    fn name(&self) -> &str {
        self.fun.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Err(DataFusionError::Internal(format!(
            "{}: return_field_from_args is used",
            self.fun.name()
        )))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let name = self.fun.name();
        let data_type = match self.fun {
            Fun::Yuan => DataType::Decimal128(18, 2),
            Fun::Rate | Fun::Schedule | Fun::ScheduleGap => decimal_type(2)?,
            Fun::Percent | Fun::Wan | Fun::Yi => {
                let i = self.fun.dp_argument().unwrap_or(0);
                let dp = args
                    .scalar_arguments
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|v| match v {
                        ScalarValue::Int64(Some(n)) => u32::try_from(*n).ok(),
                        ScalarValue::Int32(Some(n)) => u32::try_from(*n).ok(),
                        _ => None,
                    })
                    .ok_or_else(|| {
                        DataFusionError::Plan(format!(
                            "{name}: argument {} must be a literal number of decimal places (小数位数须为常数)",
                            i + 1
                        ))
                    })?;
                // Checked here, so that a bad dp is a planning error.
                Rounding::half_up(dp).map_err(|e| DataFusionError::Plan(format!("{name}: {e}")))?;
                decimal_type(dp)?
            }
            Fun::NoRate | Fun::RmbUpper => DataType::Utf8,
            Fun::Pooled => DataType::Boolean,
        };
        Ok(Arc::new(Field::new(name, data_type, true)))
    }

    #[allow(clippy::too_many_lines)] // one arm per function
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let name = self.fun.name();
        let arg = |i: usize| {
            arrays
                .get(i)
                .ok_or_else(|| err(format!("{name}: argument {} missing", i + 1)))
        };
        let out: ArrayRef = match self.fun {
            Fun::Yuan => {
                let a = arg(0)?;
                decimals(
                    n,
                    18,
                    2,
                    |i| Ok(yuan_at(name, a, i)?.map(Money::as_decimal)),
                )?
            }
            Fun::Rate | Fun::Percent => {
                let (p, w) = (arg(0)?, arg(1)?);
                let dp = match args.return_type() {
                    DataType::Decimal128(_, s) => u32::try_from(*s).unwrap_or(0),
                    _ => 2,
                };
                let rounding = Rounding::half_up(dp).map_err(|e| err(format!("{name}: {e}")))?;
                decimals(n, PRECISION, dp, |i| {
                    Ok(ratio_at(name, p, w, i)?
                        .and_then(Result::ok)
                        .map(|r| r.to_percent(rounding)))
                })?
            }
            Fun::NoRate => {
                let (p, w) = (arg(0)?, arg(1)?);
                let mut b = StringBuilder::with_capacity(n, 0);
                for i in 0..n {
                    match ratio_at(name, p, w, i)? {
                        Some(Err(reason)) => b.append_value(reason.to_string()),
                        _ => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
            Fun::Schedule => {
                let (d, k) = (arg(0)?, arg(1)?);
                decimals(n, PRECISION, 2, |i| {
                    Ok(match (date_at(name, d, i)?, text_at(k, i)) {
                        (Some(as_of), Some(kind)) => {
                            let year = fiscal_year(name, as_of)?;
                            Some(
                                schedule(name, kind)?
                                    .expected(year, as_of)
                                    .to_percent(Rounding::HALF_UP_2),
                            )
                        }
                        _ => None,
                    })
                })?
            }
            Fun::ScheduleGap => {
                let (p, w, d, k) = (arg(0)?, arg(1)?, arg(2)?, arg(3)?);
                decimals(n, PRECISION, 2, |i| {
                    let rate = ratio_at(name, p, w, i)?.and_then(Result::ok);
                    Ok(match (rate, date_at(name, d, i)?, text_at(k, i)) {
                        (Some(rate), Some(as_of), Some(kind)) => {
                            let year = fiscal_year(name, as_of)?;
                            let gap = schedule(name, kind)?.compare(&rate, year, as_of);
                            Some(gap.gap().round(Rounding::HALF_UP_2))
                        }
                        _ => None,
                    })
                })?
            }
            Fun::Wan | Fun::Yi => {
                let a = arg(0)?;
                let unit = if self.fun == Fun::Wan {
                    Unit::Wan
                } else {
                    Unit::Yi
                };
                let dp = match args.return_type() {
                    DataType::Decimal128(_, s) => u32::try_from(*s).unwrap_or(0),
                    _ => 2,
                };
                let rounding = Rounding::half_up(dp).map_err(|e| err(format!("{name}: {e}")))?;
                decimals(n, PRECISION, dp, |i| {
                    Ok(yuan_at(name, a, i)?.map(|m| m.round_in(unit, rounding)))
                })?
            }
            Fun::RmbUpper => {
                let a = arg(0)?;
                let mut b = StringBuilder::with_capacity(n, n * 16);
                for i in 0..n {
                    match yuan_at(name, a, i)? {
                        Some(m) => b.append_value(rmb_upper(m)),
                        None => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
            Fun::Pooled => {
                let s = arg(0)?;
                let mut b = BooleanBuilder::with_capacity(n);
                for i in 0..n {
                    match text_at(s, i) {
                        Some(t) => {
                            let stage: ProjectStage = t
                                .parse()
                                .map_err(|e| err(format!("{name}: project status {t:?}: {e}")))?;
                            b.append_value(stage.is_pooled());
                        }
                        None => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// A `Decimal128(precision, dp)` array of `n` values from `value(i)`; a value is rescaled to
/// `dp` places exactly (the library has rounded it already).
fn decimals(
    n: usize,
    precision: u8,
    dp: u32,
    mut value: impl FnMut(usize) -> Result<Option<Decimal>>,
) -> Result<ArrayRef> {
    let scale = i8::try_from(dp).map_err(|_| err(format!("{dp} decimal places")))?;
    let mut b = Decimal128Builder::with_capacity(n).with_precision_and_scale(precision, scale)?;
    for i in 0..n {
        match value(i)? {
            Some(mut d) => {
                if d.scale() > dp {
                    return Err(err(format!("{d} has more than {dp} decimal places")));
                }
                d.rescale(dp);
                b.append_value(d.mantissa());
            }
            None => b.append_null(),
        }
    }
    Ok(Arc::new(b.finish()))
}

/// Value `i` of a decimal or integer column as an exact decimal; `None` for NULL.
fn decimal_at(name: &str, a: &ArrayRef, i: usize) -> Result<Option<Decimal>> {
    if a.is_null(i) {
        return Ok(None);
    }
    let d = match a.data_type() {
        DataType::Decimal128(_, s) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            let scale =
                u32::try_from(*s).map_err(|_| err(format!("{name}: negative scale {s}")))?;
            Decimal::try_from_i128_with_scale(v, scale)
                .map_err(|e| err(format!("{name}: {v}e-{scale}: {e} (超出精确范围)")))?
        }
        DataType::Int64 => Decimal::from(a.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => Decimal::from(a.as_primitive::<Int32Type>().value(i)),
        other => {
            return Err(err(format!(
                "{name}: takes DECIMAL or integer amounts, not {other} (金额须为定点小数, 不用浮点数)"
            )));
        }
    };
    Ok(Some(d))
}

/// Value `i` of a text column; `None` for NULL.
fn text_at(a: &ArrayRef, i: usize) -> Option<&str> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Utf8 => Some(a.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Some(a.as_string::<i64>().value(i)),
        DataType::Utf8View => Some(a.as_string_view().value(i)),
        _ => None,
    }
}

/// Value `i` as an amount in 元: a decimal of at most 2 places, or text such as `1234.50`.
fn yuan_at(name: &str, a: &ArrayRef, i: usize) -> Result<Option<Money>> {
    if a.is_null(i) {
        return Ok(None);
    }
    let d = match text_at(a, i) {
        Some(t) => parse_yuan(name, t)?,
        None => match decimal_at(name, a, i)? {
            Some(d) => d,
            None => return Ok(None),
        },
    };
    Money::yuan(d)
        .map(Some)
        .map_err(|e| err(format!("{name}: amount {d}: {e}")))
}

/// A plain decimal in 元 (`-`, digits, one `.`), as the kit's CSV writes amounts.
fn parse_yuan(name: &str, t: &str) -> Result<Decimal> {
    let body = t.strip_prefix('-').unwrap_or(t);
    let plain = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|&b| b == b'.').count() <= 1;
    if !plain {
        return Err(err(format!(
            "{name}: amount {t:?} is not a plain number of 元 (金额格式错误)"
        )));
    }
    t.parse::<Decimal>()
        .map_err(|e| err(format!("{name}: amount {t:?}: {e} (金额无法解析)")))
}

/// The ratio of values `i` of `p` over `w`: `None` when either is NULL, the reason when
/// there is no ratio.
fn ratio_at(
    name: &str,
    p: &ArrayRef,
    w: &ArrayRef,
    i: usize,
) -> Result<Option<Result<Ratio, NoRatio>>> {
    match (decimal_at(name, p, i)?, decimal_at(name, w, i)?) {
        (Some(part), Some(whole)) => match Ratio::new(part, whole) {
            Ok(r) => Ok(Some(Ok(r))),
            Err(NoRatio::ZeroBase) => Ok(Some(Err(NoRatio::ZeroBase))),
            Err(e) => Err(err(format!("{name}: {part} / {whole}: {e}"))),
        },
        _ => Ok(None),
    }
}

/// Value `i` of a DATE (or `YYYY-MM-DD` text) column.
fn date_at(name: &str, a: &ArrayRef, i: usize) -> Result<Option<NaiveDate>> {
    if a.is_null(i) {
        return Ok(None);
    }
    if let Some(t) = text_at(a, i) {
        return NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|e| err(format!("{name}: date {t:?}: {e} (日期格式错误)")));
    }
    match a.data_type() {
        DataType::Date32 => {
            let days = a.as_primitive::<Date32Type>().value(i);
            // Days since 1970-01-01; 719,163 days from 0001-01-01 (CE) to then.
            days.checked_add(719_163)
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .map(Some)
                .ok_or_else(|| err(format!("{name}: date {days} days after 1970 out of range")))
        }
        other => Err(err(format!("{name}: takes a DATE, not {other}"))),
    }
}

fn fiscal_year(name: &str, as_of: NaiveDate) -> Result<FiscalYear> {
    FiscalYear::of(as_of).map_err(|e| err(format!("{name}: {as_of}: {e}")))
}

fn schedule(name: &str, kind: &str) -> Result<Schedule> {
    match kind {
        "months" | "按月" => Ok(Schedule::Months),
        "days" | "按日" => Ok(Schedule::Days),
        other => Err(err(format!(
            "{name}: schedule kind {other:?}: expected months or days (按月/按日)"
        ))),
    }
}

/// `fundtrack_sum`: an exact sum whose partial state is whole 分 as `DECIMAL(38,0)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ExactSum {
    signature: Signature,
}

/// The state field and the result type.
const SUM_TYPE: DataType = DataType::Decimal128(PRECISION, 2);
const STATE_TYPE: DataType = DataType::Decimal128(PRECISION, 0);

impl AggregateUDFImpl for ExactSum {
    #[allow(clippy::unnecessary_literal_bound)] // the trait's signature
    fn name(&self) -> &str {
        "fundtrack_sum"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [DataType::Decimal128(_, s)] if (0..=2).contains(s) => Ok(SUM_TYPE),
            [DataType::Int64 | DataType::Int32] => Ok(SUM_TYPE),
            other => Err(DataFusionError::Plan(format!(
                "fundtrack_sum: takes one DECIMAL amount of at most 2 places (元), not {other:?} (金额须为定点小数)"
            ))),
        }
    }

    fn accumulator(&self, acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(FenSum {
            fen: 0,
            factor: input_factor(&acc_args),
        }))
    }

    fn groups_accumulator_supported(&self, _args: AccumulatorArgs) -> bool {
        true
    }

    fn create_groups_accumulator(
        &self,
        acc_args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(FenGroups {
            sums: Vec::new(),
            factor: input_factor(&acc_args),
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[fen]", args.name),
            STATE_TYPE,
            true,
        ))])
    }
}

/// What turns an input value into 分: 100 for 元 as integers, 10^(2 − scale) for decimals.
fn input_factor(acc_args: &AccumulatorArgs) -> i128 {
    match acc_args.expr_fields.first().map(|f| f.data_type()) {
        Some(DataType::Decimal128(_, s)) => 10_i128.pow(u32::try_from(2 - s).unwrap_or(0)),
        _ => 100,
    }
}

/// The running sum in 分; `factor` turns an input value into 分.
#[derive(Debug)]
struct FenSum {
    fen: i128,
    factor: i128,
}

fn null_amount() -> DataFusionError {
    err("fundtrack_sum: a NULL amount (金额缺失); filter it out explicitly".into())
}

/// Calls `f` with each row of the amount column `a` in 分 (`None` for NULL); `factor` turns
/// a decimal value into 分.
fn for_each_fen(
    a: &ArrayRef,
    factor: i128,
    mut f: impl FnMut(usize, Option<i128>) -> Result<()>,
) -> Result<()> {
    let overflow = || err("fundtrack_sum: an amount overflows (金额溢出)".into());
    let nulls = a.null_count() > 0;
    let fen = |v: i128, i: usize| if nulls && a.is_null(i) { None } else { Some(v) };
    match a.data_type() {
        DataType::Decimal128(..) => {
            for (i, &v) in a
                .as_primitive::<Decimal128Type>()
                .values()
                .iter()
                .enumerate()
            {
                let v = match fen(v, i) {
                    Some(v) => Some(v.checked_mul(factor).ok_or_else(overflow)?),
                    None => None,
                };
                f(i, v)?;
            }
        }
        DataType::Int64 => {
            for (i, &v) in a.as_primitive::<Int64Type>().values().iter().enumerate() {
                f(i, fen(i128::from(v) * 100, i))?;
            }
        }
        DataType::Int32 => {
            for (i, &v) in a.as_primitive::<Int32Type>().values().iter().enumerate() {
                f(i, fen(i128::from(v) * 100, i))?;
            }
        }
        other => return Err(err(format!("fundtrack_sum: not an amount: {other}"))),
    }
    Ok(())
}

/// Adds `fen` to `sum` within `DECIMAL(38,2)`.
fn add_fen(sum: &mut i128, fen: i128) -> Result<()> {
    *sum = sum
        .checked_add(fen)
        .filter(|s| s.abs() <= LIMIT)
        .ok_or_else(|| err("fundtrack_sum: the sum overflows DECIMAL(38,2) (合计溢出)".into()))?;
    Ok(())
}

/// The sums of many groups at once (DataFusion's fast path for `GROUP BY`), in 分.
#[derive(Debug)]
struct FenGroups {
    sums: Vec<i128>,
    factor: i128,
}

impl FenGroups {
    /// Adds the rows of `a` (times `factor`, in 分) to their groups.
    fn add_rows(
        &mut self,
        a: &ArrayRef,
        factor: i128,
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.sums.resize(total_num_groups, 0);
        let sums = &mut self.sums;
        for_each_fen(a, factor, |i, fen| {
            if !passes(opt_filter, i) {
                return Ok(());
            }
            let sum = group_indices
                .get(i)
                .and_then(|&g| sums.get_mut(g))
                .ok_or_else(|| err("fundtrack_sum: a group index out of range".into()))?;
            add_fen(sum, fen.ok_or_else(null_amount)?)
        })
    }

    fn emit(&mut self, emit_to: EmitTo, scale: i8) -> Result<ArrayRef> {
        let sums = emit_to.take_needed(&mut self.sums);
        Ok(Arc::new(
            Decimal128Array::from(sums).with_precision_and_scale(PRECISION, scale)?,
        ))
    }
}

/// Whether row `i` passes the aggregate's FILTER, if any.
fn passes(filter: Option<&BooleanArray>, i: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(i) && f.value(i))
}

impl GroupsAccumulator for FenGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        let a = values
            .first()
            .ok_or_else(|| err("fundtrack_sum: no argument".into()))?;
        self.add_rows(a, self.factor, group_indices, opt_filter, total_num_groups)
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        self.emit(emit_to, 2)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.emit(emit_to, 0)?])
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        let a = values
            .first()
            .ok_or_else(|| err("fundtrack_sum: no state".into()))?;
        if a.null_count() > 0 || a.data_type() != &STATE_TYPE {
            return Err(err(format!(
                "fundtrack_sum: a partial state is not whole 分 ({})",
                a.data_type()
            )));
        }
        // State is already 分: factor 1.
        self.add_rows(a, 1, group_indices, opt_filter, total_num_groups)
    }

    fn size(&self) -> usize {
        self.sums.capacity() * std::mem::size_of::<i128>()
    }
}

/// The largest magnitude a `DECIMAL(38, _)` holds.
const LIMIT: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

impl FenSum {
    fn add(&mut self, fen: i128) -> Result<()> {
        self.fen = self
            .fen
            .checked_add(fen)
            .filter(|s| s.abs() <= LIMIT)
            .ok_or_else(|| {
                err("fundtrack_sum: the sum overflows DECIMAL(38,2) (合计溢出)".into())
            })?;
        Ok(())
    }
}

impl Accumulator for FenSum {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let a = values
            .first()
            .ok_or_else(|| err("fundtrack_sum: no argument".into()))?;
        for_each_fen(a, self.factor, |_, fen| {
            self.add(fen.ok_or_else(null_amount)?)
        })
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Decimal128(Some(self.fen), PRECISION, 2))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Decimal128(Some(self.fen), PRECISION, 0)])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let a = states
            .first()
            .ok_or_else(|| err("fundtrack_sum: no state".into()))?;
        if a.null_count() > 0 || a.data_type() != &STATE_TYPE {
            return Err(err(format!(
                "fundtrack_sum: a partial state is not whole 分 ({})",
                a.data_type()
            )));
        }
        for &v in a.as_primitive::<Decimal128Type>().values() {
            self.add(v)?;
        }
        Ok(())
    }
}
