//! Exact quotients (比率) and their differences in percentage points (百分点).

use std::cmp::Ordering;
use std::fmt;

use num_bigint::{BigInt, Sign};
use rust_decimal::Decimal;

use super::quantity::{Exact, Quantity, same_dimension};
use super::round::{Rounding, big_parts, div_round_i128};

/// Why a quotient has no value (无法计算): a rate over nothing is not 0%.
///
/// ```
/// use fundtrack::{Money, NoRatio, Ratio};
///
/// let r = Ratio::of(Money::from_fen(100), Money::ZERO);
/// assert_eq!(r.unwrap_err(), NoRatio::ZeroBase);
/// assert_eq!(NoRatio::ZeroBase.to_string(), "the base is zero");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum NoRatio {
    /// The base (denominator) is zero: e.g. nothing allocated yet.
    ZeroBase,
    /// The base is negative: a growth rate over a negative prior has no meaning.
    NegativeBase,
    /// The parts of a set of shares have mixed signs.
    MixedSigns,
    /// The quotient is beyond ±10¹⁵ (a data error rather than a rate).
    OutOfRange,
    /// A compound rate over zero periods, or of a negative end value.
    NoPeriod,
    /// Two quantities that do not go together: persons over households, a sum of both.
    UnitMismatch,
    /// Money asked for at more places than the 分.
    FinerThanFen,
}

impl fmt::Display for NoRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoRatio::ZeroBase => "the base is zero",
            NoRatio::NegativeBase => "the base is negative",
            NoRatio::MixedSigns => "the parts have mixed signs",
            NoRatio::OutOfRange => "the quotient is out of range",
            NoRatio::NoPeriod => "no period to compound over",
            NoRatio::UnitMismatch => "the quantities are of different units",
            NoRatio::FinerThanFen => "money has no places beyond the 分",
        })
    }
}

impl std::error::Error for NoRatio {}

/// The largest quotient a [`Ratio`] holds, in size (10¹⁵); every constructor checks it.
const MAX_QUOTIENT: i64 = 1_000_000_000_000_000;

/// Rounds `n / d` (`d > 0`) of a [`Ratio`] or [`PercentagePoints`], possibly × 100 or ÷ a unit.
///
/// Every `Ratio` is within ±10¹⁵ (every constructor checks it, [`Ratio::from_percent`] and
/// serde included) and a difference of two within ±2×10¹⁵, so `n / d` here is within
/// ±2×10¹⁷; at [`MAX_DP`](super::MAX_DP) places that is under 2×10²⁷ units, which a
/// `Decimal` (up to 7.9×10²⁸) holds. There is no saturated or sentinel value.
#[expect(
    clippy::expect_used,
    reason = "every Ratio is within ±10¹⁵ and every Rounding within MAX_DP places, so the rounded value fits"
)]
pub(crate) fn round_in_range(n: &BigInt, d: &BigInt, rounding: Rounding) -> Decimal {
    let out = rounding.apply_quotient(n, d);
    debug_assert!(out.is_some(), "{n} / {d} at {} places", rounding.dp());
    out.expect("a ratio within ±10¹⁵ or a gap within ±2×10¹⁵ fits in a Decimal at MAX_DP places")
}

/// An exact, unrounded quotient `numerator / denominator` (比率), with a positive denominator.
///
/// Disbursement rates, shares, coverage and growth are all `Ratio`s. Nothing is rounded
/// until you ask for a printed value with [`Ratio::to_percent`]; subtracting two ratios gives
/// [`PercentagePoints`] computed from the unrounded values.
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Ratio, Rounding};
///
/// let spent: Money = "30700.48万元".parse()?;
/// let allocated: Money = "39757.09万元".parse()?;
/// let rate = Ratio::of(spent, allocated).unwrap();
/// assert_eq!(rate.to_percent(Rounding::half_up(2)?).to_string(), "77.22");
/// assert_eq!(rate.to_percent(Rounding::half_up(6)?).to_string(), "77.220139");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Ratio {
    numerator: Decimal,
    denominator: Decimal,
}

impl Ratio {
    /// 0 (0%).
    pub const ZERO: Ratio = Ratio {
        numerator: Decimal::ZERO,
        denominator: Decimal::ONE,
    };

    /// 1 (100%).
    pub const ONE: Ratio = Ratio {
        numerator: Decimal::ONE,
        denominator: Decimal::ONE,
    };

    /// `numerator / denominator`.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] or [`NoRatio::NegativeBase`] for a denominator ≤ 0, and
    /// [`NoRatio::OutOfRange`] for a quotient beyond ±10¹⁵.
    ///
    /// ```
    /// use fundtrack::{Ratio, Rounding};
    /// use rust_decimal_macros::dec;
    /// let r = Ratio::new(dec!(1), dec!(3)).unwrap();
    /// assert_eq!(r.to_decimal(Rounding::half_up(4)?).to_string(), "0.3333");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(numerator: Decimal, denominator: Decimal) -> Result<Ratio, NoRatio> {
        if denominator.is_zero() {
            return Err(NoRatio::ZeroBase);
        }
        if denominator.is_sign_negative() {
            return Err(NoRatio::NegativeBase);
        }
        let limit = Decimal::from(MAX_QUOTIENT);
        // When `denominator × 10¹⁵` overflows, it is beyond any `Decimal` numerator: in range.
        if let Some(bound) = denominator.checked_mul(limit) {
            if numerator.abs() > bound {
                return Err(NoRatio::OutOfRange);
            }
        }
        Ok(Ratio {
            numerator,
            denominator,
        })
    }

    /// `part / whole` (比率) of two amounts of money or two counts: part first, then whole.
    ///
    /// # Errors
    ///
    /// As [`Ratio::new`]: a zero or negative `whole` has no ratio;
    /// [`NoRatio::UnitMismatch`] for counts of different units (persons over households).
    ///
    /// ```
    /// use fundtrack::{Money, Ratio, Rounding};
    /// use fundtrack::money::Count;
    /// let r = Ratio::of("24627万元".parse::<Money>()?, "60999万元".parse()?)?;
    /// assert_eq!(r.to_percent(Rounding::half_up(1)?).to_string(), "40.4");
    /// let c = Ratio::of(Count::items(26_236), Count::items(28_447))?;
    /// assert_eq!(c.to_percent(Rounding::default()).to_string(), "92.23");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of<Q: Quantity>(part: Q, whole: Q) -> Result<Ratio, NoRatio> {
        same_dimension(&part, &whole)?;
        // The checks of `Ratio::new`, on integers of the smallest unit (分 or one unit, of
        // one dimension so of one scale): reports take millions of rates.
        let (p, w) = (part.scaled().0, whole.scaled().0);
        if w == 0 {
            return Err(NoRatio::ZeroBase);
        }
        if w < 0 {
            return Err(NoRatio::NegativeBase);
        }
        // |part| beyond 10¹⁵ × whole; an overflowing bound is beyond any quantity.
        if w.checked_mul(i128::from(MAX_QUOTIENT))
            .is_some_and(|bound| p.abs() > bound)
        {
            return Err(NoRatio::OutOfRange);
        }
        Ok(Ratio {
            numerator: part.value(),
            denominator: whole.value(),
        })
    }

    /// An exact quotient `n / d` of big integers, reduced; `d` may be negative.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for `d = 0`, [`NoRatio::OutOfRange`] beyond ±10¹⁵ or when the
    /// reduced terms do not fit in a `Decimal`.
    pub(crate) fn from_big(n: &BigInt, d: &BigInt) -> Result<Ratio, NoRatio> {
        if d.sign() == Sign::NoSign {
            return Err(NoRatio::ZeroBase);
        }
        let g = gcd(n, d);
        let (mut n, mut d) = (n / &g, d / &g);
        if d.sign() == Sign::Minus {
            n = -n;
            d = -d;
        }
        let fit = |x: &BigInt| {
            i128::try_from(x)
                .ok()
                .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
                .ok_or(NoRatio::OutOfRange)
        };
        Ratio::new(fit(&n)?, fit(&d)?)
    }

    /// The amount-weighted mean of rates (加权平均): Σ rateᵢ × weightᵢ ÷ Σ weightᵢ, exact;
    /// an aggregate rate from sub-rates and their bases. Rate first, then its weight.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] when the weights sum to zero (or there are none),
    /// [`NoRatio::NegativeBase`] for a negative weight, [`NoRatio::UnitMismatch`] for
    /// weights of different units, [`NoRatio::OutOfRange`] when the exact mean does not fit.
    ///
    /// ```
    /// use fundtrack::{Money, Ratio, Rounding};
    /// // Two counties: 50% of 100万元 and 80% of 300万元 spent → 72.5% overall.
    /// let a = Ratio::from_counts(1, 2)?;
    /// let b = Ratio::from_counts(4, 5)?;
    /// let m = Ratio::weighted_mean([(a, "100万元".parse::<Money>()?), (b, "300万元".parse()?)])?;
    /// assert_eq!(m.to_percent(Rounding::default()).to_string(), "72.50");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn weighted_mean<Q: Quantity>(
        items: impl IntoIterator<Item = (Ratio, Q)>,
    ) -> Result<Ratio, NoRatio> {
        let (mut num, mut den) = (BigInt::from(0u8), BigInt::from(1u8));
        let mut total = BigInt::from(0u8);
        let mut first: Option<Q> = None;
        for (rate, weight) in items {
            if let Some(f) = &first {
                same_dimension(f, &weight)?;
            } else {
                first = Some(weight);
            }
            let w = BigInt::from(weight.scaled().0);
            if w.sign() == Sign::Minus {
                return Err(NoRatio::NegativeBase);
            }
            // num/den + rate × w, with rate = rn/rd.
            let (rn, rd) = rate.big();
            num = num * &rd + rn * &w * &den;
            den *= rd;
            let g = gcd(&num, &den);
            num /= &g;
            den /= g;
            total += w;
        }
        if total.sign() == Sign::NoSign {
            return Err(NoRatio::ZeroBase);
        }
        Ratio::from_big(&num, &(den * total))
    }

    /// `quantity × self`, exact.
    pub(crate) fn of_quantity<Q: Quantity>(&self, quantity: Q) -> Exact {
        let (qm, qs) = big_parts(quantity.value());
        let (n, d) = self.big();
        // A ratio's denominator is positive, and so is 10^scale: never zero.
        Exact::of_parts(qm * n, qs * d, quantity.dimension())
    }

    /// The ratio as a gap in percentage points from zero (拉动 is a ratio read in points).
    pub fn to_points(&self) -> PercentagePoints {
        self.minus(&Ratio::ZERO)
    }

    /// `part / whole` for counts (households, persons, projects).
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] when `whole` is 0.
    ///
    /// ```
    /// use fundtrack::{Ratio, Rounding};
    /// let r = Ratio::from_counts(386, 412).unwrap();
    /// assert_eq!(r.to_percent(Rounding::default()).to_string(), "93.69");
    /// ```
    pub fn from_counts(part: u64, whole: u64) -> Result<Ratio, NoRatio> {
        Ratio::new(Decimal::from(part), Decimal::from(whole))
    }

    /// A ratio given as a percentage (`30` → 30% = 0.3), as milestone tables print it.
    ///
    /// # Errors
    ///
    /// [`NoRatio::OutOfRange`] for a percentage beyond ±10¹⁷ (a quotient beyond ±10¹⁵, as
    /// [`Ratio::new`]): no figure is printed saturated.
    ///
    /// ```
    /// use fundtrack::{NoRatio, Ratio, Rounding};
    /// use fundtrack::Decimal;
    /// let r = Ratio::from_percent(Decimal::new(385, 2))?;
    /// assert_eq!(r.to_percent(Rounding::default()).to_string(), "3.85");
    /// assert_eq!(r.to_decimal(Rounding::half_up(4)?).to_string(), "0.0385");
    /// assert_eq!(Ratio::from_percent(Decimal::new(1, 0) * Decimal::from(10i64.pow(18))), Err(NoRatio::OutOfRange));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_percent(percent: Decimal) -> Result<Ratio, NoRatio> {
        Ratio::new(percent, Decimal::ONE_HUNDRED)
    }

    /// The numerator as given.
    pub fn numerator(&self) -> Decimal {
        self.numerator
    }

    /// The denominator as given (always positive).
    pub fn denominator(&self) -> Decimal {
        self.denominator
    }

    /// The exact value as big integers `(n, d)`, `d > 0`.
    pub(crate) fn big(&self) -> (BigInt, BigInt) {
        let (nm, ns) = big_parts(self.numerator);
        let (dm, ds) = big_parts(self.denominator);
        (nm * ds, dm * ns)
    }

    /// The quotient as a percentage (× 100), rounded: `77.22`.
    pub fn to_percent(&self, rounding: Rounding) -> Decimal {
        if let Some(fast) = self.small_rounded(2, rounding) {
            return fast;
        }
        let (n, d) = self.big();
        round_in_range(&(n * 100), &d, rounding)
    }

    /// The quotient itself, rounded: `0.7722`.
    pub fn to_decimal(&self, rounding: Rounding) -> Decimal {
        if let Some(fast) = self.small_rounded(0, rounding) {
            return fast;
        }
        let (n, d) = self.big();
        round_in_range(&n, &d, rounding)
    }

    /// The quotient × 10^`shift`, rounded, computed in `i128` when it fits (a report's rates
    /// over sums in 分 always do); `None` sends the caller to the big-integer path, which
    /// gives the same digits.
    fn small_rounded(&self, shift: u32, rounding: Rounding) -> Option<Decimal> {
        let (nm, ns) = (self.numerator.mantissa(), self.numerator.scale());
        let (dm, ds) = (self.denominator.mantissa(), self.denominator.scale());
        // n / d = nm·10^ds / (dm·10^ns), scaled by 10^(shift + dp).
        let num = nm.checked_mul(10i128.checked_pow(ds + shift + rounding.dp())?)?;
        let den = dm.checked_mul(10i128.checked_pow(ns)?)?;
        let q = div_round_i128(num, den, rounding.mode());
        Decimal::try_from_i128_with_scale(q, rounding.dp()).ok()
    }

    /// `true` when the quotient is below zero.
    pub fn is_negative(&self) -> bool {
        self.numerator.is_sign_negative() && !self.numerator.is_zero()
    }

    /// The difference `self − other` in percentage points, exact.
    ///
    /// ```
    /// use fundtrack::{Ratio, Rounding};
    /// use rust_decimal_macros::dec;
    /// let rate = Ratio::new(dec!(30700.48), dec!(39757.09)).unwrap();
    /// let gap = rate.minus(&Ratio::from_counts(9, 12).unwrap());
    /// assert_eq!(gap.round(Rounding::default()).to_string(), "2.22");
    /// ```
    pub fn minus(&self, other: &Ratio) -> PercentagePoints {
        let (a, b) = self.big();
        let (c, d) = other.big();
        PercentagePoints {
            numerator: a * &d - c * &b,
            denominator: b * d,
        }
    }
}

impl PartialEq for Ratio {
    /// Equal by value: `1/2 == 2/4`, consistent with [`Ord`].
    fn eq(&self, other: &Ratio) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ratio {}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    /// Orders by exact value.
    fn cmp(&self, other: &Ratio) -> Ordering {
        let (a, b) = self.big();
        let (c, d) = other.big();
        (a * d).cmp(&(c * b))
    }
}

impl fmt::Debug for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ratio({} / {})", self.numerator, self.denominator)
    }
}

/// A difference of two ratios in percentage points (百分点), exact until rounded.
///
/// "超序时进度 2.22 个百分点" is the disbursement rate minus the schedule, both unrounded,
/// then rounded once.
///
/// # Example
///
/// ```
/// use fundtrack::{Ratio, Rounding};
///
/// let behind = Ratio::from_counts(1, 2).unwrap().minus(&Ratio::from_counts(3, 4).unwrap());
/// assert!(behind.is_negative());
/// assert_eq!(behind.round(Rounding::default()).to_string(), "-25.00");
/// assert_eq!(behind.abs().round(Rounding::default()).to_string(), "25.00");
/// ```
#[derive(Clone)]
pub struct PercentagePoints {
    numerator: BigInt,
    denominator: BigInt,
}

impl PercentagePoints {
    #[cfg(feature = "serde")]
    pub(crate) fn parts(&self) -> (&BigInt, &BigInt) {
        (&self.numerator, &self.denominator)
    }

    /// A gap read back from its parts: `None` unless the denominator is positive and the
    /// gap is one two ratios can have (within ±2×10¹⁵, i.e. ±2×10¹⁷ points).
    #[cfg(feature = "serde")]
    pub(crate) fn from_parts(numerator: BigInt, denominator: BigInt) -> Option<PercentagePoints> {
        let in_range =
            numerator.magnitude() <= &(denominator.magnitude() * (2 * MAX_QUOTIENT).unsigned_abs());
        (denominator.sign() == Sign::Plus && in_range).then_some(PercentagePoints {
            numerator,
            denominator,
        })
    }

    /// The gap in points (× 100 of the ratio difference), rounded.
    pub fn round(&self, rounding: Rounding) -> Decimal {
        round_in_range(&(&self.numerator * 100), &self.denominator, rounding)
    }

    /// `true` when the first ratio was below the second.
    pub fn is_negative(&self) -> bool {
        self.numerator.sign() == Sign::Minus
    }

    /// `true` when the two ratios were equal.
    pub fn is_zero(&self) -> bool {
        self.numerator.sign() == Sign::NoSign
    }

    /// The size of the gap without its sign ("低于 N 个百分点" prints the positive gap).
    #[must_use]
    pub fn abs(&self) -> PercentagePoints {
        PercentagePoints {
            numerator: self.numerator.magnitude().clone().into(),
            denominator: self.denominator.clone(),
        }
    }
}

impl PartialEq for PercentagePoints {
    /// Equal by value, consistent with [`Ord`].
    fn eq(&self, other: &PercentagePoints) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PercentagePoints {}

impl PartialOrd for PercentagePoints {
    fn partial_cmp(&self, other: &PercentagePoints) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PercentagePoints {
    fn cmp(&self, other: &PercentagePoints) -> Ordering {
        (&self.numerator * &other.denominator).cmp(&(&other.numerator * &self.denominator))
    }
}

impl fmt::Debug for PercentagePoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PercentagePoints({})", self.round(Rounding::HALF_UP_6))
    }
}

/// The greatest common divisor of `a` and `b` (positive; 1 when both are zero).
pub(crate) fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (mut a, mut b) = (a.magnitude().clone(), b.magnitude().clone());
    while b != num_bigint::BigUint::from(0u8) {
        let r = &a % &b;
        a = b;
        b = r;
    }
    if a == num_bigint::BigUint::from(0u8) {
        BigInt::from(1u8)
    } else {
        BigInt::from(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::RoundMode;
    use rust_decimal_macros::dec;

    #[test]
    fn beihai_rate_and_gaps_come_from_unrounded_values() {
        let rate = Ratio::new(dec!(30700.48), dec!(39757.09)).unwrap();
        assert_eq!(
            rate.to_percent(Rounding::half_up(4).unwrap()),
            dec!(77.2201)
        );
        let months = Ratio::from_counts(9, 12).unwrap();
        let days = Ratio::from_counts(273, 365).unwrap();
        assert_eq!(rate.minus(&months).round(Rounding::default()), dec!(2.22));
        assert_eq!(rate.minus(&days).round(Rounding::default()), dec!(2.43));
    }

    #[test]
    fn exact_ties_at_the_second_place() {
        // 1/800 = 0.125% exactly.
        let r = Ratio::from_counts(1, 800).unwrap();
        assert_eq!(r.to_percent(Rounding::half_up(2).unwrap()), dec!(0.13));
        assert_eq!(r.to_percent(Rounding::half_even(2).unwrap()), dec!(0.12));
        assert_eq!(
            r.to_percent(Rounding::new(RoundMode::Trunc, 2).unwrap()),
            dec!(0.12)
        );
    }

    #[test]
    fn zero_and_negative_bases_have_reasons() {
        assert_eq!(Ratio::new(dec!(1), dec!(0)), Err(NoRatio::ZeroBase));
        assert_eq!(Ratio::new(dec!(1), dec!(-1)), Err(NoRatio::NegativeBase));
        assert_eq!(Ratio::new(dec!(1e20), dec!(0.01)), Err(NoRatio::OutOfRange));
    }

    #[test]
    fn percentages_beyond_the_range_are_refused() {
        assert_eq!(
            Ratio::from_percent(dec!(1e17)).unwrap(),
            Ratio::new(dec!(1e15), dec!(1)).unwrap()
        );
        assert_eq!(Ratio::from_percent(dec!(-1e18)), Err(NoRatio::OutOfRange));
        // Was printed as +79228162514264337593543950335 (Decimal::MAX), sign and all wrong.
        assert_eq!(Ratio::from_percent(-Decimal::MAX), Err(NoRatio::OutOfRange));
    }

    #[test]
    fn the_widest_ratios_print_exactly() {
        let top = Ratio::new(dec!(1e15), dec!(1)).unwrap();
        let bottom = Ratio::new(dec!(-1e15), dec!(1)).unwrap();
        let r = Rounding::half_up(crate::money::MAX_DP).unwrap();
        assert_eq!(top.to_percent(r).normalize(), dec!(1e17));
        assert_eq!(top.to_percent(r).scale(), 10);
        assert_eq!(top.minus(&bottom).round(r).normalize(), dec!(2e17));
        assert_eq!(bottom.minus(&top).round(r).normalize(), dec!(-2e17));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn gaps_beyond_the_range_are_refused_on_the_way_in() {
        let ok = PercentagePoints::from_parts(
            BigInt::from(2) * BigInt::from(MAX_QUOTIENT),
            BigInt::from(1),
        );
        assert!(ok.is_some());
        let wide = PercentagePoints::from_parts(BigInt::from(10).pow(40), BigInt::from(1));
        assert!(wide.is_none());
        assert!(PercentagePoints::from_parts(BigInt::from(1), BigInt::from(0)).is_none());
    }

    #[test]
    fn order_is_by_value() {
        let a = Ratio::new(dec!(1), dec!(2)).unwrap();
        let b = Ratio::new(dec!(2), dec!(4)).unwrap();
        assert_eq!(a.cmp(&b), Ordering::Equal);
        assert_eq!(a, b);
        assert!(Ratio::from_counts(2, 3).unwrap() > a);
    }

    /// The i128 fast path and the big-integer path give the same digits in every mode.
    fn both_paths_agree(n: i64, ns: u32, d: i64, ds: u32, shift: u32, dp: u32) {
        let (Ok(num), Ok(den)) = (Decimal::try_new(n, ns), Decimal::try_new(d, ds)) else {
            return;
        };
        let Ok(r) = Ratio::new(num, den) else {
            return;
        };
        for mode in [
            crate::RoundMode::HalfUp,
            crate::RoundMode::HalfEven,
            crate::RoundMode::Trunc,
            crate::RoundMode::Ceil,
            crate::RoundMode::Floor,
        ] {
            let rounding = Rounding::new(mode, dp).unwrap();
            let (bn, bd) = r.big();
            let big = rounding.apply_quotient(&(bn * BigInt::from(10u8).pow(shift)), &bd);
            let fast = r.small_rounded(shift, rounding);
            if let Some(fast) = fast {
                assert_eq!(
                    Some(fast),
                    big,
                    "{num} / {den}, shift {shift}, {mode:?} {dp}"
                );
            }
        }
    }

    #[test]
    fn ties_and_signs_agree_on_both_paths() {
        for (n, d) in [
            (1, 2000),
            (1, 20_000),
            (-1, 20_000),
            (5, 10),
            (-5, 10),
            (15, 10),
            (25, 10),
            (1, 3),
            (-2, 3),
        ] {
            for dp in 0..4 {
                both_paths_agree(n, 2, d, 2, 2, dp);
                both_paths_agree(n, 0, d, 2, 0, dp);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_is_the_big_path(
            n in proptest::num::i64::ANY,
            d in 1..=i64::MAX,
            ns in 0u32..4,
            ds in 0u32..4,
            shift in 0u32..3,
            dp in 0u32..6,
        ) {
            both_paths_agree(n, ns, d, ds, shift, dp);
            both_paths_agree(n % 100_000, ns, d % 100_000 + 1, ds, shift, dp);
        }
    }
}
