//! Exact money (金额) in 元, its units, ratios and rounding.
//!
//! [`Money`] holds whole 分 as an exact decimal number of 元; [`Ratio`] is an unrounded
//! quotient; [`PercentagePoints`] is the difference of two ratios (百分点); [`Rounding`]
//! is the one place where anything is rounded.

mod count;
mod parse;
mod quantity;
mod ratio;
mod round;
#[cfg(feature = "serde")]
mod wire;

use std::fmt;

use rust_decimal::Decimal;

use crate::error::{ParseError, ParseErrorKind};

pub use count::{Count, CountUnit};
pub use quantity::{Dimension, Exact, Quantity, sum};
pub use ratio::{NoRatio, PercentagePoints, Ratio};
pub use round::{MAX_DP, RoundMode, Rounding};

pub(crate) use ratio::round_in_range;
pub(crate) use round::{big_parts, div_round};

/// The unit an amount is written in (金额单位): 元, 万元 or 亿元.
///
/// 1 万元 = 10 000 元; 1 亿元 = 10 000 万元.
///
/// # Example
///
/// ```
/// use fundtrack::money::Unit;
///
/// assert_eq!(Unit::Wan.suffix(), "万元");
/// assert_eq!(Unit::Yi.yuan_factor().to_string(), "100000000");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Unit {
    /// 元.
    #[default]
    Yuan,
    /// 万元 (10⁴ 元).
    Wan,
    /// 亿元 (10⁸ 元).
    Yi,
}

impl Unit {
    /// How many 元 one of this unit is.
    pub fn yuan_factor(self) -> Decimal {
        Decimal::from(10i64.pow(self.exponent()))
    }

    /// The power of ten of one unit in 元 (0, 4 or 8).
    pub fn exponent(self) -> u32 {
        match self {
            Unit::Yuan => 0,
            Unit::Wan => 4,
            Unit::Yi => 8,
        }
    }

    /// The suffix printed after an amount: `元`, `万元`, `亿元`.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
        }
    }
}

/// An exact amount of money in 元, to the 分 (金额).
///
/// Always a whole number of 分: constructors reject a third decimal place of 元 rather than
/// round it away. Arithmetic is checked (`checked_*` returns `None` on overflow); there is
/// no `Money * Money`. Parsing accepts the forms finance documents use.
///
/// # Example
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::money::Unit;
///
/// let central: Money = "15302万元".parse()?;
/// let city: Money = "14753万元".parse()?;
/// let county: Money = "9702.09万元".parse()?;
/// let total = Money::checked_sum([central, city, county]).unwrap();
/// assert_eq!(total.to_string(), "397570900.00元");
/// assert_eq!(total.to_unit(Unit::Wan).to_string(), "39757.09");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero 元.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// An amount in whole 分 (`123456` → 1234.56元).
    ///
    /// ```
    /// # use fundtrack::Money;
    /// assert_eq!(Money::from_fen(123_456).to_string(), "1234.56元");
    /// ```
    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, 2))
    }

    /// An amount in whole 分 held as `i128`; `None` beyond what a `Decimal` holds (~7.9×10²⁶ 元).
    ///
    /// ```
    /// # use fundtrack::Money;
    /// assert_eq!(Money::checked_from_fen(5).unwrap().to_string(), "0.05元");
    /// assert!(Money::checked_from_fen(i128::MAX).is_none());
    /// ```
    pub fn checked_from_fen(fen: i128) -> Option<Money> {
        Decimal::try_from_i128_with_scale(fen, 2).ok().map(Money)
    }

    /// An amount in 元.
    ///
    /// # Errors
    ///
    /// When the amount has more than 2 decimal places (after trailing zeros are dropped).
    ///
    /// ```
    /// # use fundtrack::Money;
    /// use rust_decimal_macros::dec;
    /// assert_eq!(Money::yuan(dec!(16409.020))?.to_string(), "16409.02元");
    /// assert!(Money::yuan(dec!(12.345)).is_err());
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn yuan(amount: Decimal) -> Result<Money, ParseError> {
        Money::in_unit(amount, Unit::Yuan)
    }

    /// An amount in 万元.
    ///
    /// # Errors
    ///
    /// When the amount is not a whole number of 分 or is too large.
    ///
    /// ```
    /// # use fundtrack::Money;
    /// use rust_decimal_macros::dec;
    /// assert_eq!(Money::wan(dec!(30700.48))?.to_string(), "307004800.00元");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn wan(amount: Decimal) -> Result<Money, ParseError> {
        Money::in_unit(amount, Unit::Wan)
    }

    /// An amount in 亿元.
    ///
    /// # Errors
    ///
    /// When the amount is not a whole number of 分 or is too large.
    ///
    /// ```
    /// # use fundtrack::Money;
    /// use rust_decimal_macros::dec;
    /// assert_eq!(Money::yi(dec!(4.49))?.to_string(), "449000000.00元");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn yi(amount: Decimal) -> Result<Money, ParseError> {
        Money::in_unit(amount, Unit::Yi)
    }

    /// An amount written in `unit`.
    ///
    /// # Errors
    ///
    /// When the amount is not a whole number of 分 or is too large.
    ///
    /// ```
    /// # use fundtrack::Money;
    /// use fundtrack::money::Unit;
    /// use rust_decimal_macros::dec;
    /// assert_eq!(Money::in_unit(dec!(0.0001), Unit::Wan)?.to_string(), "1.00元");
    /// assert!(Money::in_unit(dec!(0.000001), Unit::Wan).is_ok());
    /// assert!(Money::in_unit(dec!(0.0000001), Unit::Wan).is_err());
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn in_unit(amount: Decimal, unit: Unit) -> Result<Money, ParseError> {
        let err = |kind| ParseError::new("amount", format!("{amount}{}", unit.suffix()), kind);
        let normal = amount.normalize();
        let shift = unit.exponent();
        // Decimal places of 元: a scale within the unit's shift (`1.5万元`) is none, not negative.
        let decimals = normal.scale().saturating_sub(shift);
        if decimals > 2 {
            return Err(err(ParseErrorKind::TooManyDecimals { decimals }));
        }
        // mantissa × 10^(shift + 2 − scale) is the amount in 分.
        let mut fen = normal.mantissa();
        let up = shift + 2 - normal.scale().min(shift + 2);
        for _ in 0..up {
            fen = fen
                .checked_mul(10)
                .ok_or_else(|| err(ParseErrorKind::Overflow))?;
        }
        Money::checked_from_fen(fen).ok_or_else(|| err(ParseErrorKind::Overflow))
    }

    /// The amount in 元 as a decimal with exactly 2 places.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The amount in whole 分.
    ///
    /// ```
    /// # use fundtrack::Money;
    /// assert_eq!("1,234.56元".parse::<Money>()?.to_fen(), 123_456);
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn to_fen(self) -> i128 {
        self.0.mantissa()
    }

    /// The exact amount in `unit` (`307004800.00元` → `30700.48` 万元), unrounded.
    pub fn to_unit(self, unit: Unit) -> Decimal {
        Decimal::from_i128_with_scale(self.to_fen(), 2 + unit.exponent()).normalize()
    }

    /// The amount in `unit`, rounded (for printing).
    ///
    /// ```
    /// # use fundtrack::{Money, Rounding};
    /// use fundtrack::money::Unit;
    /// let m: Money = "449000000元".parse()?;
    /// assert_eq!(m.round_in(Unit::Yi, Rounding::half_up(2)?).to_string(), "4.49");
    /// assert_eq!(m.round_in(Unit::Wan, Rounding::half_up(2)?).to_string(), "44900.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn round_in(self, unit: Unit, rounding: Rounding) -> Decimal {
        rounding.apply(self.to_unit(unit))
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        Money::checked_from_fen(self.to_fen().checked_add(other.to_fen())?)
    }

    /// `self − other`, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        Money::checked_from_fen(self.to_fen().checked_sub(other.to_fen())?)
    }

    /// `self × n` for a count, or `None` on overflow.
    ///
    /// ```
    /// # use fundtrack::Money;
    /// assert_eq!(Money::from_fen(150_000).checked_mul_count(2), Some(Money::from_fen(300_000)));
    /// ```
    pub fn checked_mul_count(self, n: u64) -> Option<Money> {
        Money::checked_from_fen(self.to_fen().checked_mul(i128::from(n))?)
    }

    /// `self × ratio`, rounded to `rounding.dp()` places of 元 (at most 2; 0 is whole 元):
    /// a 1% 项目管理费, a subsidy share, "spent = amount × rate".
    ///
    /// # Errors
    ///
    /// [`NoRatio::FinerThanFen`] for more than 2 places, [`NoRatio::OutOfRange`] when the
    /// product is beyond [`Money`]'s range.
    ///
    /// ```
    /// use fundtrack::{Money, Ratio, Rounding};
    /// use fundtrack::Decimal;
    ///
    /// let fee = "5509万元".parse::<Money>()?.times(&Ratio::from_percent(Decimal::ONE)?, Rounding::default())?;
    /// assert_eq!(fee.to_string(), "550900.00元");
    /// let third = Money::from_fen(100).times(&Ratio::from_counts(1, 3)?, Rounding::default())?;
    /// assert_eq!(third.to_string(), "0.33元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn times(self, ratio: &Ratio, rounding: Rounding) -> Result<Money, NoRatio> {
        self.times_exact(ratio).to_money_at(rounding)
    }

    /// `self × ratio`, exact: round it later, once, for printing or into [`Money`].
    pub fn times_exact(self, ratio: &Ratio) -> Exact {
        ratio.of_quantity(self)
    }

    /// The sum of amounts, or `None` on overflow.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, Money::checked_add)
    }

    /// The absolute amount.
    #[must_use]
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// `true` for exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `true` above zero.
    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// `true` below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl std::ops::Neg for Money {
    type Output = Money;

    /// The negated amount (never overflows: the range is symmetric).
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl fmt::Display for Money {
    /// Exact 元 with 2 decimals and the 元 suffix: `1234.56元`. Parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}元", self.0)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Money {
    type Err = ParseError;

    /// Parses `30700.48万元`, `4.49 亿元`, `1,234.56元`, `￥1,234.56`, full-width digits and
    /// `，`; a sign before or after the currency sign (`-¥5`, `¥-5`); see [`Money`].
    fn from_str(s: &str) -> Result<Money, ParseError> {
        parse::parse_money(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn units_convert_exactly() {
        let m = Money::wan(dec!(30700.48)).unwrap();
        assert_eq!(m.to_fen(), 30_700_480_000);
        assert_eq!(m.to_unit(Unit::Wan), dec!(30700.48));
        assert_eq!(m.to_unit(Unit::Yi), dec!(3.070048));
        assert_eq!(Money::yi(dec!(0.0000000001)).unwrap(), Money::from_fen(1));
        assert!(Money::yi(dec!(0.00000000001)).is_err());
    }

    #[test]
    fn arithmetic_is_checked() {
        let big = Money::checked_from_fen(i128::from(i64::MAX) * 1_000_000_000).unwrap();
        assert!(big.checked_mul_count(u64::MAX).is_none());
        let near_max = Money::checked_from_fen((1i128 << 96) - 1).unwrap();
        assert!(Money::checked_from_fen(1i128 << 96).is_none());
        assert!(near_max.checked_add(Money::from_fen(1)).is_none());
        assert!((-near_max).checked_sub(Money::from_fen(1)).is_none());
        assert_eq!(
            Money::from_fen(5).checked_sub(Money::from_fen(7)),
            Some(Money::from_fen(-2))
        );
    }

    #[test]
    fn display_keeps_two_places_and_sign() {
        assert_eq!(Money::ZERO.to_string(), "0.00元");
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05元");
        assert_eq!(Money::yuan(dec!(3)).unwrap().to_string(), "3.00元");
    }
}
