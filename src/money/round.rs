//! Rounding (舍入): one named policy, applied once, at output.

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{ParseError, ParseErrorKind};

/// How to round a value to a number of decimal places (舍入方式).
///
/// [`RoundMode::HalfUp`] (四舍五入, ties away from zero) is the default and what Chinese
/// finance reports use. `rust_decimal`'s own `round`/`round_dp` round ties to even and are
/// banned in this crate.
///
/// # Example
///
/// ```
/// use fundtrack::{RoundMode, Rounding};
/// use rust_decimal_macros::dec;
///
/// assert_eq!(Rounding::new(RoundMode::HalfUp, 2)?.apply(dec!(0.125)), dec!(0.13));
/// assert_eq!(Rounding::new(RoundMode::HalfEven, 2)?.apply(dec!(0.125)), dec!(0.12));
/// assert_eq!(Rounding::new(RoundMode::Trunc, 2)?.apply(dec!(0.129)), dec!(0.12));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RoundMode {
    /// 四舍五入: ties go away from zero (1.005 → 1.01, −0.125 → −0.13).
    #[default]
    HalfUp,
    /// Banker's rounding: ties go to the even neighbour (0.125 → 0.12).
    HalfEven,
    /// Truncation toward zero (0.129 → 0.12, −0.129 → −0.12).
    Trunc,
    /// Toward +∞ (0.121 → 0.13): a shortfall that one 分 less would not cover.
    Ceil,
    /// Toward −∞ (0.129 → 0.12, −0.121 → −0.13).
    Floor,
}

impl RoundMode {
    /// The machine name: `half_up`, `half_even`, `trunc`, `ceil` or `floor`.
    pub fn machine_name(self) -> &'static str {
        match self {
            RoundMode::HalfUp => "half_up",
            RoundMode::HalfEven => "half_even",
            RoundMode::Trunc => "trunc",
            RoundMode::Ceil => "ceil",
            RoundMode::Floor => "floor",
        }
    }

    /// The Chinese name: 四舍五入, 四舍六入五成双, 截尾, 向上舍入, 向下舍入.
    ///
    /// ```
    /// use fundtrack::RoundMode;
    /// assert_eq!(RoundMode::default().as_str(), "四舍五入");
    /// assert_eq!(RoundMode::HalfEven.machine_name(), "half_even");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            RoundMode::HalfUp => "四舍五入",
            RoundMode::HalfEven => "四舍六入五成双",
            RoundMode::Trunc => "截尾",
            RoundMode::Ceil => "向上舍入",
            RoundMode::Floor => "向下舍入",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundMode::Trunc => RoundingStrategy::ToZero,
            RoundMode::Ceil => RoundingStrategy::ToPositiveInfinity,
            RoundMode::Floor => RoundingStrategy::ToNegativeInfinity,
        }
    }

    /// Picks the integer a value rounds to, given `floor` (the largest integer ≤ the value),
    /// whether the value *is* `floor`, and how the value compares with `floor + ½`.
    pub(crate) fn pick(self, floor: BigInt, exact: bool, vs_half: Ordering) -> BigInt {
        if !exact && self.up(floor.sign() == Sign::Minus, floor.bit(0), vs_half) {
            floor + 1
        } else {
            floor
        }
    }

    /// Whether an inexact value between `floor` and `floor + 1` rounds to `floor + 1`, given
    /// the sign and parity of `floor` and how the value compares with `floor + ½`. The one
    /// rounding rule: [`RoundMode::pick`] and the integer fast path both ask it.
    fn up(self, negative: bool, odd: bool, vs_half: Ordering) -> bool {
        match (self, vs_half) {
            (RoundMode::Trunc, _) => negative,
            (RoundMode::Ceil, _) => true,
            (RoundMode::Floor, _) | (_, Ordering::Less) => false,
            (_, Ordering::Greater) => true,
            (RoundMode::HalfUp, Ordering::Equal) => !negative,
            (RoundMode::HalfEven, Ordering::Equal) => odd,
        }
    }
}

/// Maximum decimal places a [`Rounding`] keeps (enough for 分 in 亿元).
pub const MAX_DP: u32 = 10;

/// A rounding mode and a number of decimal places: how one printed figure is rounded.
///
/// The default is half-up to 2 places. Precision is per figure: press growth figures often
/// use 1 place, amounts in 万元 2 places.
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use rust_decimal_macros::dec;
///
/// let r = Rounding::default();
/// assert_eq!(r.apply(dec!(77.22013)).to_string(), "77.22");
/// assert_eq!(Rounding::half_up(1)?.apply(dec!(15.634)).to_string(), "15.6");
/// assert_eq!(r.apply(dec!(75)).to_string(), "75.00");
/// assert!(Rounding::half_up(4_294_967_295).is_err()); // never clamped, never a hang
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RoundingParts"))]
pub struct Rounding {
    mode: RoundMode,
    dp: u32,
}

/// The wire form of a [`Rounding`], checked on the way in like every constructor.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundingParts {
    mode: RoundMode,
    dp: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<RoundingParts> for Rounding {
    type Error = ParseError;
    fn try_from(p: RoundingParts) -> Result<Rounding, ParseError> {
        Rounding::new(p.mode, p.dp)
    }
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding::HALF_UP_2
    }
}

impl Rounding {
    /// 四舍五入 to 2 places: the default, and what 支出进度 and 百分点 gaps print.
    pub const HALF_UP_2: Rounding = Rounding {
        mode: RoundMode::HalfUp,
        dp: 2,
    };

    /// 四舍五入 to 1 place: what press growth rates print.
    pub const HALF_UP_1: Rounding = Rounding {
        mode: RoundMode::HalfUp,
        dp: 1,
    };

    /// 四舍五入 to 6 places, for `Debug` output.
    pub(crate) const HALF_UP_6: Rounding = Rounding {
        mode: RoundMode::HalfUp,
        dp: 6,
    };

    /// A mode and a number of decimal places.
    ///
    /// # Errors
    ///
    /// [`ParseErrorKind::TooManyPlaces`] for more than [`MAX_DP`] places: never clamped.
    ///
    /// ```
    /// use fundtrack::{RoundMode, Rounding};
    /// assert_eq!(Rounding::new(RoundMode::Trunc, 3)?.dp(), 3);
    /// assert!(Rounding::new(RoundMode::HalfUp, 11).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(mode: RoundMode, dp: u32) -> Result<Rounding, ParseError> {
        if dp > MAX_DP {
            return Err(ParseError::new(
                "rounding",
                format!("{} to {dp} places", mode.machine_name()),
                ParseErrorKind::TooManyPlaces {
                    places: dp,
                    max: MAX_DP,
                },
            ));
        }
        Ok(Rounding { mode, dp })
    }

    /// 四舍五入 to `dp` places.
    ///
    /// # Errors
    ///
    /// As [`Rounding::new`].
    pub fn half_up(dp: u32) -> Result<Rounding, ParseError> {
        Rounding::new(RoundMode::HalfUp, dp)
    }

    /// Ties to even, to `dp` places.
    ///
    /// # Errors
    ///
    /// As [`Rounding::new`].
    pub fn half_even(dp: u32) -> Result<Rounding, ParseError> {
        Rounding::new(RoundMode::HalfEven, dp)
    }

    /// Truncation toward zero, to `dp` places.
    ///
    /// # Errors
    ///
    /// As [`Rounding::new`].
    pub fn trunc(dp: u32) -> Result<Rounding, ParseError> {
        Rounding::new(RoundMode::Trunc, dp)
    }

    /// The same mode at another precision.
    ///
    /// # Errors
    ///
    /// As [`Rounding::new`].
    pub fn with_dp(self, dp: u32) -> Result<Rounding, ParseError> {
        Rounding::new(self.mode, dp)
    }

    /// The same precision in another mode (never fails: the places were checked).
    #[must_use]
    pub const fn with_mode(self, mode: RoundMode) -> Rounding {
        Rounding { mode, dp: self.dp }
    }

    /// A rounding the crate itself asks for, at places it knows are within [`MAX_DP`]
    /// (constants, or a unit's exponent + 2 ≤ 10).
    pub(crate) const fn known(mode: RoundMode, dp: u32) -> Rounding {
        debug_assert!(dp <= MAX_DP, "the crate asks for at most MAX_DP places");
        Rounding {
            mode,
            dp: if dp > MAX_DP { MAX_DP } else { dp },
        }
    }

    /// The mode.
    pub const fn mode(self) -> RoundMode {
        self.mode
    }

    /// The number of decimal places.
    pub const fn dp(self) -> u32 {
        self.dp
    }

    /// Rounds an exact decimal, always showing `dp` places (`75` → `75.00`).
    pub fn apply(self, value: Decimal) -> Decimal {
        let mut out = value.round_dp_with_strategy(self.dp, self.mode.strategy());
        out.rescale(self.dp);
        out
    }

    /// Rounds the exact quotient `num / den` (with `den > 0`) to `dp` places.
    ///
    /// Returns `None` only when the rounded value does not fit in a `Decimal`.
    pub(crate) fn apply_quotient(self, num: &BigInt, den: &BigInt) -> Option<Decimal> {
        let scaled = num * BigInt::from(10u8).pow(self.dp);
        let q = div_round(&scaled, den, self.mode);
        let q = i128::try_from(&q).ok()?;
        Decimal::try_from_i128_with_scale(q, self.dp).ok()
    }
}

/// Rounds `num / den` (with `den > 0`) to an integer.
pub(crate) fn div_round(num: &BigInt, den: &BigInt, mode: RoundMode) -> BigInt {
    let mut q = num / den;
    let mut r = num - &q * den;
    if r.sign() == Sign::Minus {
        q -= 1;
        r += den;
    }
    let exact = r.sign() == Sign::NoSign;
    let twice: BigInt = r * 2;
    mode.pick(q, exact, twice.cmp(den))
}

/// Rounds `num / den` (with `den > 0`) to an integer in `i128`: the fast path of
/// [`div_round`] for quotients of amounts in 分, with the same rule.
pub(crate) fn div_round_i128(num: i128, den: i128, mode: RoundMode) -> i128 {
    debug_assert!(den > 0, "a ratio's denominator is positive");
    // 128-bit division is a library call; a report's quotients of sums in 分 fit in 64 bits.
    let (mut q, mut r) = match (u64::try_from(num), u64::try_from(den)) {
        (Ok(n), Ok(d)) => (i128::from(n / d), i128::from(n % d)),
        _ => (num / den, num % den),
    };
    if r < 0 {
        q -= 1;
        r += den;
    }
    // 2r against den without overflow: r against den − r.
    if r != 0 && mode.up(q < 0, q & 1 == 1, r.cmp(&(den - r))) {
        q + 1
    } else {
        q
    }
}

/// The exact value of a decimal as `mantissa / 10^scale` in big integers.
pub(crate) fn big_parts(d: Decimal) -> (BigInt, BigInt) {
    (
        BigInt::from(d.mantissa()),
        BigInt::from(10u8).pow(d.scale()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ties_follow_the_mode() {
        let cases = [
            (dec!(1.005), RoundMode::HalfUp, dec!(1.01)),
            (dec!(1.005), RoundMode::HalfEven, dec!(1.00)),
            (dec!(-1.005), RoundMode::HalfUp, dec!(-1.01)),
            (dec!(-1.005), RoundMode::HalfEven, dec!(-1.00)),
            (dec!(-1.009), RoundMode::Trunc, dec!(-1.00)),
            (dec!(1.001), RoundMode::Ceil, dec!(1.01)),
            (dec!(-1.009), RoundMode::Ceil, dec!(-1.00)),
            (dec!(-1.001), RoundMode::Floor, dec!(-1.01)),
            (dec!(1.009), RoundMode::Floor, dec!(1.00)),
            (dec!(2.675), RoundMode::HalfUp, dec!(2.68)),
        ];
        for (v, mode, want) in cases {
            assert_eq!(
                Rounding::new(mode, 2).unwrap().apply(v),
                want,
                "{v} {mode:?}"
            );
        }
    }

    #[test]
    fn quotient_rounding_agrees_with_decimal_rounding() {
        for n in -2000i64..2000 {
            for d in [1i64, 3, 7, 8, 40, 400] {
                for mode in [
                    RoundMode::HalfUp,
                    RoundMode::HalfEven,
                    RoundMode::Trunc,
                    RoundMode::Ceil,
                    RoundMode::Floor,
                ] {
                    let r = Rounding::new(mode, 1).unwrap();
                    let exact = Decimal::from(n) / Decimal::from(d);
                    let got = r.apply_quotient(&BigInt::from(n), &BigInt::from(d));
                    // Divisions by 3 and 7 are not exact in Decimal, but never land on a tie.
                    assert_eq!(got, Some(r.apply(exact)), "{n}/{d} {mode:?}");
                }
            }
        }
    }

    #[test]
    fn too_many_places_is_an_error_not_a_clamp() {
        let err = Rounding::half_up(40).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid rounding "half_up to 40 places": 40 decimal places (at most 10)"#
        );
        assert!(Rounding::half_up(u32::MAX).is_err());
        assert_eq!(Rounding::half_up(MAX_DP).unwrap().dp(), MAX_DP);
    }
}
