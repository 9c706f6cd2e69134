//! Growth (同比增长) against a prior period or a comparable base, and compound annual growth.

use std::cmp::Ordering;

use num_bigint::BigInt;
use rust_decimal::Decimal;

use crate::money::{Money, NoRatio, Ratio, Rounding, big_parts};

/// What the current amount is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Base {
    /// Last year's amount, as recorded.
    Prior(Money),
    /// A comparable base (同口径) supplied by the user, e.g. last year restated for this
    /// year's scope.
    Comparable(Money),
    /// Only the increase is known: prior = current − increase.
    Increase(Money),
}

/// Growth of an amount over a base (同比增长): `(current − prior) ÷ prior`.
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Rounding};
/// use fundtrack::report::{Base, Growth};
///
/// let g = Growth::new("15302万元".parse()?, Base::Prior("13233.59万元".parse()?));
/// assert_eq!(g.rate().unwrap().to_percent(Rounding::default()).to_string(), "15.63");
/// let none = Growth::new("1万元".parse()?, Base::Prior(Money::ZERO));
/// assert!(none.rate().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "GrowthParts"))]
pub struct Growth {
    current: Money,
    base: Base,
    prior: Option<Money>,
    rate: Result<Ratio, NoRatio>,
}

/// The inputs of a [`Growth`]; prior and rate are derived from them when read back.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct GrowthParts {
    current: Money,
    base: Base,
}

#[cfg(feature = "serde")]
impl From<GrowthParts> for Growth {
    fn from(p: GrowthParts) -> Growth {
        Growth::new(p.current, p.base)
    }
}

impl Growth {
    /// Growth of `current` over `base`; a prior ≤ 0 gives no rate, with the reason.
    pub fn new(current: Money, base: Base) -> Growth {
        let prior = match base {
            Base::Prior(p) | Base::Comparable(p) => Some(p),
            Base::Increase(inc) => current.checked_sub(inc),
        };
        let rate = match prior {
            None => Err(NoRatio::OutOfRange),
            Some(p) => current
                .checked_sub(p)
                .ok_or(NoRatio::OutOfRange)
                .and_then(|diff| Ratio::of(diff, p)),
        };
        Growth {
            current,
            base,
            prior,
            rate,
        }
    }

    /// The current amount.
    pub fn current(&self) -> Money {
        self.current
    }

    /// The base as given.
    pub fn base(&self) -> Base {
        self.base
    }

    /// The prior amount the rate divides by (`None` when it overflowed).
    pub fn prior(&self) -> Option<Money> {
        self.prior
    }

    /// The growth rate, unrounded; negative for a fall.
    pub fn rate(&self) -> Result<Ratio, NoRatio> {
        self.rate
    }
}

/// The most periods [`CompoundGrowth`] compounds over.
pub const MAX_PERIODS: u32 = 100;

/// Compound annual growth (年均增长): the rate `g` with `start × (1 + g)^n = end`.
///
/// The n-th root is not a decimal in general; [`CompoundGrowth::to_percent`] finds the
/// printed digits exactly (it decides each rounding against the exact powers), so the
/// printed figure is right to the last place.
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::report::CompoundGrowth;
/// use rust_decimal_macros::dec;
///
/// // 100 → 121 over two years is exactly 10% a year.
/// let g = CompoundGrowth::new(dec!(100), dec!(121), 2)?;
/// assert_eq!(g.to_percent(Rounding::default()).to_string(), "10.00");
/// // 100 → 200 over 3 years: 25.992104…%.
/// let g = CompoundGrowth::new(dec!(100), dec!(200), 3)?;
/// assert_eq!(g.to_percent(Rounding::half_up(4)?).to_string(), "25.9921");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Parts", into = "Parts"))]
pub struct CompoundGrowth {
    start: Decimal,
    end: Decimal,
    periods: u32,
}

/// The wire form of a [`CompoundGrowth`], checked again on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct Parts {
    #[serde(with = "rust_decimal::serde::str")]
    start: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    end: Decimal,
    periods: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<Parts> for CompoundGrowth {
    type Error = NoRatio;
    fn try_from(p: Parts) -> Result<CompoundGrowth, NoRatio> {
        CompoundGrowth::new(p.start, p.end, p.periods)
    }
}

#[cfg(feature = "serde")]
impl From<CompoundGrowth> for Parts {
    fn from(g: CompoundGrowth) -> Parts {
        Parts {
            start: g.start,
            end: g.end,
            periods: g.periods,
        }
    }
}

impl CompoundGrowth {
    /// Growth from `start` to `end` over `periods` years.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`]/[`NoRatio::NegativeBase`] for a start ≤ 0,
    /// [`NoRatio::NoPeriod`] for zero periods or a negative end, and
    /// [`NoRatio::OutOfRange`] beyond [`MAX_PERIODS`] periods or for end ÷ start beyond 10¹⁵.
    pub fn new(start: Decimal, end: Decimal, periods: u32) -> Result<CompoundGrowth, NoRatio> {
        if start.is_zero() {
            return Err(NoRatio::ZeroBase);
        }
        if start.is_sign_negative() {
            return Err(NoRatio::NegativeBase);
        }
        if periods == 0 || (end.is_sign_negative() && !end.is_zero()) {
            return Err(NoRatio::NoPeriod);
        }
        // Beyond these the printed digits take too long to find exactly, and no report needs them.
        if periods > MAX_PERIODS {
            return Err(NoRatio::OutOfRange);
        }
        Ratio::new(end, start)?;
        Ok(CompoundGrowth {
            start,
            end,
            periods,
        })
    }

    /// The yearly rate as a percentage, rounded exactly.
    pub fn to_percent(&self, rounding: Rounding) -> Decimal {
        let n = self.periods;
        let (em, es) = big_parts(self.end);
        let (sm, ss) = big_parts(self.start);
        // end/start = a/b.
        let a = em * ss;
        let b = sm * es;
        let t: BigInt = BigInt::from(10u8).pow(rounding.dp() + 2);
        let rhs = &a * t.pow(n);
        // Is (1 + k/t)^n ≤ end/start, i.e. (t + k)^n × b ≤ a × t^n?
        let cmp_at = |k: &BigInt| -> Ordering { ((&t + k).pow(n) * &b).cmp(&rhs) };
        let mut lo: BigInt = -t.clone(); // (1 − 1)^n = 0 ≤ any end/start ≥ 0
        let mut step = t.clone();
        let mut hi = t.clone();
        while cmp_at(&hi) != Ordering::Greater {
            lo.clone_from(&hi);
            step *= 2;
            hi = &hi + &step;
        }
        // Invariant: cmp_at(lo) ≤ 0 < cmp_at(hi).
        while &hi - &lo > BigInt::from(1u8) {
            let mid: BigInt = (&lo + &hi) >> 1usize;
            if cmp_at(&mid) == Ordering::Greater {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let exact = cmp_at(&lo) == Ordering::Equal;
        // Compare the root with lo + ½: (2t + 2lo + 1)^n × b against a × (2t)^n.
        let two_t: BigInt = &t * 2;
        let mid_base: BigInt = &two_t + &lo * 2 + 1;
        let mid_pow = mid_base.pow(n) * &b;
        let vs_half = (&a * two_t.pow(n)).cmp(&mid_pow);
        rate_to_decimal(&rounding.mode().pick(lo, exact, vs_half), rounding.dp())
    }
}

/// A rounded compound rate in units of the last of `dp` places, as a `Decimal`.
///
/// [`CompoundGrowth::new`] keeps end ÷ start within 10¹⁵, so the rate lies in
/// −100%..10¹⁷%: at most 10²⁷ units at `MAX_DP` places, which a `Decimal` (up to 7.9×10²⁸)
/// holds.
#[expect(
    clippy::expect_used,
    reason = "new bounds end ÷ start by 10¹⁵, so the rate is within −100%..10¹⁷% and fits"
)]
fn rate_to_decimal(units: &BigInt, dp: u32) -> Decimal {
    i128::try_from(units)
        .ok()
        .and_then(|q| Decimal::try_from_i128_with_scale(q, dp).ok())
        .expect("a compound growth rate within −100%..10¹⁷% fits in a Decimal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::RoundMode;
    use rust_decimal_macros::dec;

    #[test]
    fn growth_from_an_increase() {
        let cur = Money::wan(dec!(15302)).unwrap();
        let g = Growth::new(cur, Base::Increase(Money::wan(dec!(2068.41)).unwrap()));
        assert_eq!(g.prior(), Some(Money::wan(dec!(13233.59)).unwrap()));
        assert_eq!(
            g.rate().unwrap().to_percent(Rounding::default()),
            dec!(15.63)
        );
    }

    #[test]
    fn compound_growth_handles_falls_and_ties() {
        let fall = CompoundGrowth::new(dec!(100), dec!(81), 2).unwrap();
        assert_eq!(fall.to_percent(Rounding::default()), dec!(-10.00));
        let zero = CompoundGrowth::new(dec!(100), dec!(0), 5).unwrap();
        assert_eq!(zero.to_percent(Rounding::default()), dec!(-100.00));
        // 1 → 1.00125 in one period is a tie at two places of a percent (0.125%).
        let tie = CompoundGrowth::new(dec!(1), dec!(1.00125), 1).unwrap();
        assert_eq!(tie.to_percent(Rounding::half_up(2).unwrap()), dec!(0.13));
        assert_eq!(
            tie.to_percent(Rounding::new(RoundMode::HalfEven, 2).unwrap()),
            dec!(0.12)
        );
        // The widest rate `new` accepts prints exactly: 10¹⁵ − 1 = 99999999999999900%.
        let widest = CompoundGrowth::new(dec!(1), dec!(1e15), 1).unwrap();
        assert_eq!(
            widest.to_percent(Rounding::half_up(crate::money::MAX_DP).unwrap()),
            dec!(99999999999999900)
        );
        assert_eq!(
            CompoundGrowth::new(dec!(1), dec!(1.000000000000001e15), 1),
            Err(NoRatio::OutOfRange)
        );
        let flat = CompoundGrowth::new(dec!(5), dec!(5), 4).unwrap();
        assert_eq!(flat.to_percent(Rounding::default()), dec!(0.00));
        assert_eq!(
            CompoundGrowth::new(dec!(0), dec!(5), 4),
            Err(NoRatio::ZeroBase)
        );
    }
}
