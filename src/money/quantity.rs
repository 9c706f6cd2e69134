//! What rates, growth, shares, averages, completion and sums are taken of: [`Money`] or a
//! [`Count`], never a mix; and [`Exact`], an exact quantity that is not a whole 分 or unit.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::{BigInt, Sign};
use rust_decimal::Decimal;

use super::count::{Count, CountUnit};
use super::ratio::NoRatio;
use super::round::{RoundMode, Rounding, big_parts, div_round};
use super::{Money, Unit};

/// What a quantity measures (量纲): money in 元, or a count in one [`CountUnit`].
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::money::{Count, Dimension, Quantity};
/// assert_eq!(Money::ZERO.dimension(), Dimension::Money);
/// assert_eq!(Count::persons(3).dimension().to_string(), "人");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Dimension {
    /// Money, in 元.
    Money,
    /// A count of one unit.
    Count(CountUnit),
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Money => f.write_str("元"),
            Dimension::Count(u) => f.write_str(u.as_str()),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Money {}
    impl Sealed for super::Count {}
}

/// A quantity a report divides, adds or compares (数量): [`Money`] or [`Count`].
///
/// Every operation of the crate that takes two quantities takes one type `Q` for both, so
/// money over persons does not compile; two counts in different units (persons over
/// households) give [`NoRatio::UnitMismatch`]. The trait is sealed.
///
/// ```
/// use fundtrack::{Money, NoRatio, Ratio, Rounding};
/// use fundtrack::money::{Count, Quantity};
///
/// let r = Ratio::of(Count::persons(27_256), Count::persons(54_851))?;
/// assert_eq!(r.to_percent(Rounding::default()).to_string(), "49.69");
/// assert_eq!(Ratio::of(Count::households(7282), Count::persons(54_851)), Err(NoRatio::UnitMismatch));
/// // Ratio::of(Money::ZERO, Count::persons(1)) does not compile.
/// let total = fundtrack::money::sum([Count::persons(2), Count::persons(3)])?;
/// assert_eq!(total, Count::persons(5));
/// # Ok::<(), NoRatio>(())
/// ```
pub trait Quantity: Copy + fmt::Debug + sealed::Sealed {
    /// What the quantity measures.
    fn dimension(&self) -> Dimension;

    /// The exact value in 元 or in single units.
    fn value(&self) -> Decimal;

    /// The value as an integer of its smallest unit (分 or one unit) and the decimal places
    /// of that unit (2 for 分, 0 for a count).
    #[doc(hidden)]
    fn scaled(&self) -> (i128, u32);

    /// The quantity of this dimension with `scaled` smallest units, or `None` beyond its range.
    #[doc(hidden)]
    fn with_scaled(&self, scaled: i128) -> Option<Self>;

    /// `self + other`.
    ///
    /// # Errors
    ///
    /// [`NoRatio::UnitMismatch`] for counts of different units, [`NoRatio::OutOfRange`] on
    /// overflow.
    fn try_plus(self, other: Self) -> Result<Self, NoRatio> {
        same_dimension(&self, &other)?;
        self.scaled()
            .0
            .checked_add(other.scaled().0)
            .and_then(|s| self.with_scaled(s))
            .ok_or(NoRatio::OutOfRange)
    }

    /// `self − other`.
    ///
    /// # Errors
    ///
    /// As [`Quantity::try_plus`].
    fn try_minus(self, other: Self) -> Result<Self, NoRatio> {
        same_dimension(&self, &other)?;
        self.scaled()
            .0
            .checked_sub(other.scaled().0)
            .and_then(|s| self.with_scaled(s))
            .ok_or(NoRatio::OutOfRange)
    }
}

/// [`NoRatio::UnitMismatch`] unless `a` and `b` measure the same thing.
pub(crate) fn same_dimension<Q: Quantity>(a: &Q, b: &Q) -> Result<(), NoRatio> {
    if a.dimension() == b.dimension() {
        Ok(())
    } else {
        Err(NoRatio::UnitMismatch)
    }
}

impl Quantity for Money {
    fn dimension(&self) -> Dimension {
        Dimension::Money
    }
    fn value(&self) -> Decimal {
        self.as_decimal()
    }
    fn scaled(&self) -> (i128, u32) {
        (self.to_fen(), 2)
    }
    fn with_scaled(&self, scaled: i128) -> Option<Money> {
        Money::checked_from_fen(scaled)
    }
}

impl Quantity for Count {
    fn dimension(&self) -> Dimension {
        Dimension::Count(self.unit())
    }
    fn value(&self) -> Decimal {
        Decimal::from(self.get())
    }
    fn scaled(&self) -> (i128, u32) {
        (i128::from(self.get()), 0)
    }
    fn with_scaled(&self, scaled: i128) -> Option<Count> {
        i64::try_from(scaled)
            .ok()
            .map(|n| Count::new(n, self.unit()))
    }
}

/// The sum of quantities of one dimension (合计).
///
/// # Errors
///
/// [`NoRatio::ZeroBase`] for no quantities at all (no dimension to sum in),
/// [`NoRatio::UnitMismatch`] for counts of different units, [`NoRatio::OutOfRange`] on
/// overflow.
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::money::sum;
/// let total = sum(["8103万元".parse::<Money>()?, "16524万元".parse()?]).unwrap();
/// assert_eq!(total, "24627万元".parse()?);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn sum<Q: Quantity>(items: impl IntoIterator<Item = Q>) -> Result<Q, NoRatio> {
    let mut items = items.into_iter();
    let first = items.next().ok_or(NoRatio::ZeroBase)?;
    items.try_fold(first, Quantity::try_plus)
}

/// An exact quantity that need not be a whole 分 or unit (精确值): a money × ratio product, a
/// prior rebuilt from a growth rate. Rounded only when printed or made into [`Money`].
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Ratio, Rounding, RoundMode};
/// use fundtrack::money::Unit;
///
/// // 1% 项目管理费 of 5509万元.
/// let fee = "5509万元".parse::<Money>()?.times_exact(&Ratio::from_percent(1.into())?);
/// assert_eq!(fee.round_in(Unit::Wan, Rounding::default())?.to_string(), "55.09");
/// assert_eq!(fee.to_money(RoundMode::HalfUp)?.to_string(), "550900.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Exact {
    numerator: BigInt,
    denominator: BigInt,
    dimension: Dimension,
}

impl Exact {
    /// `n / d` with `d > 0` (the caller's invariant), of `dimension`.
    pub(crate) fn of_parts(numerator: BigInt, denominator: BigInt, dimension: Dimension) -> Exact {
        debug_assert!(
            denominator.sign() == Sign::Plus,
            "an exact quantity's denominator is positive"
        );
        Exact {
            numerator,
            denominator,
            dimension,
        }
    }

    /// A quantity, exactly.
    pub fn of<Q: Quantity>(q: Q) -> Exact {
        let (m, s) = big_parts(q.value());
        Exact {
            numerator: m,
            denominator: s,
            dimension: q.dimension(),
        }
    }

    /// What the quantity measures.
    pub fn dimension(&self) -> Dimension {
        self.dimension
    }

    /// The value in 元 or units, rounded.
    ///
    /// # Errors
    ///
    /// [`NoRatio::OutOfRange`] when the rounded value does not fit in a `Decimal`.
    pub fn round(&self, rounding: Rounding) -> Result<Decimal, NoRatio> {
        rounding
            .apply_quotient(&self.numerator, &self.denominator)
            .ok_or(NoRatio::OutOfRange)
    }

    /// The value in 万 or 亿 of its unit (`unit` gives the power of ten), rounded.
    ///
    /// # Errors
    ///
    /// As [`Exact::round`].
    pub fn round_in(&self, unit: Unit, rounding: Rounding) -> Result<Decimal, NoRatio> {
        let d = &self.denominator * BigInt::from(10u8).pow(unit.exponent());
        rounding
            .apply_quotient(&self.numerator, &d)
            .ok_or(NoRatio::OutOfRange)
    }

    /// The amount rounded to the 分 with `mode`.
    ///
    /// # Errors
    ///
    /// [`NoRatio::UnitMismatch`] when this is a count, [`NoRatio::OutOfRange`] beyond
    /// [`Money`]'s range.
    pub fn to_money(&self, mode: RoundMode) -> Result<Money, NoRatio> {
        self.to_money_at(Rounding::HALF_UP_2.with_mode(mode))
    }

    /// The amount rounded to `rounding.dp()` places of 元 (at most 2: 0 is whole 元).
    ///
    /// # Errors
    ///
    /// [`NoRatio::FinerThanFen`] for more than 2 places, otherwise as [`Exact::to_money`].
    pub fn to_money_at(&self, rounding: Rounding) -> Result<Money, NoRatio> {
        if self.dimension != Dimension::Money {
            return Err(NoRatio::UnitMismatch);
        }
        if rounding.dp() > 2 {
            return Err(NoRatio::FinerThanFen);
        }
        let shift = BigInt::from(10u8).pow(2 - rounding.dp());
        let units = div_round(
            &(&self.numerator * BigInt::from(10u8).pow(rounding.dp())),
            &self.denominator,
            rounding.mode(),
        );
        i128::try_from(units * shift)
            .ok()
            .and_then(Money::checked_from_fen)
            .ok_or(NoRatio::OutOfRange)
    }
}

impl PartialEq for Exact {
    /// Equal by value and dimension: 1/2 元 == 2/4 元, consistent with [`PartialOrd`].
    fn eq(&self, other: &Exact) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    /// Ordered by value within one dimension; `None` across dimensions.
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        (self.dimension == other.dimension).then(|| {
            (&self.numerator * &other.denominator).cmp(&(&other.numerator * &self.denominator))
        })
    }
}

impl fmt::Debug for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Exact({} / {} {})",
            self.numerator, self.denominator, self.dimension
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_refuse_mixed_units_and_empty_input() {
        assert_eq!(
            sum([Count::persons(1), Count::households(1)]),
            Err(NoRatio::UnitMismatch)
        );
        assert_eq!(sum(Vec::<Count>::new()), Err(NoRatio::ZeroBase));
        assert_eq!(
            sum([Count::persons(i64::MAX), Count::persons(1)]),
            Err(NoRatio::OutOfRange)
        );
    }

    #[test]
    fn exact_quantities_are_equal_by_value() {
        let half = Exact::of_parts(BigInt::from(1), BigInt::from(2), Dimension::Money);
        let two_quarters = Exact::of_parts(BigInt::from(2), BigInt::from(4), Dimension::Money);
        assert_eq!(half, two_quarters);
        let persons = Exact::of_parts(
            BigInt::from(1),
            BigInt::from(2),
            Dimension::Count(CountUnit::Person),
        );
        assert_ne!(half, persons);
        assert_eq!(half.partial_cmp(&persons), None);
    }

    #[test]
    fn exact_money_rounds_at_the_places_asked() {
        let e = Exact::of_parts(BigInt::from(12_345), BigInt::from(1000), Dimension::Money);
        assert_eq!(
            e.to_money(RoundMode::HalfUp).unwrap(),
            Money::from_fen(1235)
        );
        assert_eq!(e.to_money(RoundMode::Trunc).unwrap(), Money::from_fen(1234));
        let whole = Rounding::new(RoundMode::HalfUp, 0).unwrap();
        assert_eq!(e.to_money_at(whole).unwrap(), Money::from_fen(1200));
        let fine = Rounding::new(RoundMode::HalfUp, 3).unwrap();
        assert_eq!(e.to_money_at(fine), Err(NoRatio::FinerThanFen));
        let c = Exact::of(Count::persons(3));
        assert_eq!(c.to_money(RoundMode::HalfUp), Err(NoRatio::UnitMismatch));
    }
}
