//! Growth (同比增长) against a prior period or a comparable base, contribution (贡献率) and
//! pull (拉动), and compound annual growth (年均增长).

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};
use rust_decimal::Decimal;

use crate::money::{Exact, Money, NoRatio, PercentagePoints, Quantity, Ratio, Rounding, big_parts};

/// What the current quantity is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Base<Q = Money> {
    /// Last year's quantity, as recorded.
    Prior(Q),
    /// A comparable base (同口径) supplied by the user, e.g. last year restated for this
    /// year's scope.
    Comparable(Q),
    /// Only the increase is known (negative for a decrease): prior = current − increase.
    Increase(Q),
}

/// Growth of an amount or a count over a base (同比增长): `(current − prior) ÷ prior`.
///
/// Current first, then what it is compared with; both of one type `Q` ([`Money`] or
/// [`Count`](crate::money::Count)), and counts of one unit.
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Rounding};
/// use fundtrack::money::Count;
/// use fundtrack::report::{Base, Growth};
///
/// let g = Growth::new("15302万元".parse::<Money>()?, Base::Prior("13233.59万元".parse()?));
/// assert_eq!(g.rate()?.to_percent(Rounding::default()).to_string(), "15.63");
/// // 30.25万人 employed, 8.23万人 more than on 6 March: +37.38%.
/// let jobs = Growth::new("30.25万人".parse::<Count>()?, Base::Increase("8.23万人".parse()?));
/// assert_eq!(jobs.rate()?.to_percent(Rounding::default()).to_string(), "37.38");
/// let none = Growth::new("1万元".parse::<Money>()?, Base::Prior(Money::ZERO));
/// assert!(none.rate().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        from = "GrowthParts<Q>",
        bound(
            serialize = "Q: serde::Serialize",
            deserialize = "Q: Quantity + serde::Deserialize<'de>"
        )
    )
)]
pub struct Growth<Q = Money> {
    current: Q,
    base: Base<Q>,
    prior: Option<Q>,
    rate: Result<Ratio, NoRatio>,
}

/// The inputs of a [`Growth`]; prior and rate are derived from them when read back.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GrowthParts<Q> {
    current: Q,
    base: Base<Q>,
    /// Written, and derived again on reading: known keys, not read.
    #[serde(default, rename = "prior")]
    _prior: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "rate")]
    _rate: Option<serde::de::IgnoredAny>,
}

#[cfg(feature = "serde")]
impl<Q: Quantity> From<GrowthParts<Q>> for Growth<Q> {
    fn from(p: GrowthParts<Q>) -> Growth<Q> {
        Growth::new(p.current, p.base)
    }
}

impl<Q: Quantity> Growth<Q> {
    /// Growth of `current` over `base`; a prior ≤ 0 gives no rate, with the reason.
    pub fn new(current: Q, base: Base<Q>) -> Growth<Q> {
        let prior = match base {
            Base::Prior(p) | Base::Comparable(p) => Ok(p),
            Base::Increase(inc) => current.try_minus(inc),
        };
        let rate = prior.and_then(|p| Ratio::of(current.try_minus(p)?, p));
        Growth {
            current,
            base,
            prior: prior.ok(),
            rate,
        }
    }

    /// The current quantity.
    pub fn current(&self) -> Q {
        self.current
    }

    /// The base as given.
    pub fn base(&self) -> Base<Q> {
        self.base
    }

    /// The prior quantity the rate divides by (`None` when it overflowed or the units differ).
    pub fn prior(&self) -> Option<Q> {
        self.prior
    }

    /// The growth rate, unrounded; negative for a fall.
    pub fn rate(&self) -> Result<Ratio, NoRatio> {
        self.rate
    }

    /// The increase current − prior (增量), negative for a fall.
    ///
    /// # Errors
    ///
    /// As [`Growth::rate`] when there is no prior.
    pub fn increase(&self) -> Result<Q, NoRatio> {
        match (self.prior, self.rate) {
            (Some(prior), _) => self.current.try_minus(prior),
            (None, Err(why)) => Err(why),
            // `new` gives a rate only over a prior.
            (None, Ok(_)) => {
                debug_assert!(false, "a growth rate without a prior");
                Err(NoRatio::OutOfRange)
            }
        }
    }

    /// Last year's quantity rebuilt from this year's and a printed growth rate (上年基数):
    /// `current ÷ (1 + rate)`, exact (round it once, to print it).
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for a rate of −100% (nothing to rebuild from),
    /// [`NoRatio::NegativeBase`] below −100%.
    ///
    /// ```
    /// use fundtrack::{Money, Ratio, Rounding};
    /// use fundtrack::money::Unit;
    /// use fundtrack::report::Growth;
    /// use fundtrack::Decimal;
    ///
    /// // 1144.4亿元, up 6.3%: last year about 1076.6亿元.
    /// let current: Money = "1144.4亿元".parse()?;
    /// let prior = Growth::prior_from(current, &Ratio::from_percent(Decimal::new(63, 1))?)?;
    /// assert_eq!(prior.round_in(Unit::Yi, Rounding::half_up(1)?)?.to_string(), "1076.6");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prior_from(current: Q, rate: &Ratio) -> Result<Exact, NoRatio> {
        let (rn, rd) = rate.big();
        // 1 + rate = (rd + rn) / rd.
        let factor = &rd + rn;
        match factor.sign() {
            Sign::NoSign => return Err(NoRatio::ZeroBase),
            Sign::Minus => return Err(NoRatio::NegativeBase),
            Sign::Plus => {}
        }
        let (cm, cs) = big_parts(current.value());
        Ok(Exact::of_parts(cm * rd, cs * factor, current.dimension()))
    }
}

/// A component's contribution to the growth of a whole (贡献率) and its pull on it (拉动).
///
/// 贡献率 = the component's increase ÷ the whole's increase; 拉动 = the component's increase
/// ÷ the whole's prior, in percentage points (the whole's growth rate × 贡献率). Part first,
/// then whole.
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Rounding};
/// use fundtrack::report::{Base, Contribution, Growth};
///
/// // 1-7月: 市本级 541,412万元 (+72,266), all 1,392,476万元 (+249,885).
/// let city = Growth::new("541412万元".parse::<Money>()?, Base::Increase("72266万元".parse()?));
/// let all = Growth::new("1392476万元".parse::<Money>()?, Base::Increase("249885万元".parse()?));
/// let c = Contribution::new(&city, &all)?;
/// assert_eq!(c.share().to_percent(Rounding::default()).to_string(), "28.92");
/// assert_eq!(c.pull().round(Rounding::default()).to_string(), "6.32");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    share: Ratio,
    pull: PercentagePoints,
}

impl Contribution {
    /// The contribution of `part` to the growth of `whole`.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] when the whole did not change (no growth to contribute to) or
    /// its prior is zero, [`NoRatio::NegativeBase`] for a negative prior,
    /// [`NoRatio::UnitMismatch`] for counts of different units, and any reason either
    /// growth has no rate.
    pub fn new<Q: Quantity>(part: &Growth<Q>, whole: &Growth<Q>) -> Result<Contribution, NoRatio> {
        let (dp, dw) = (part.increase()?, whole.increase()?);
        let prior = whole.prior.ok_or(NoRatio::OutOfRange)?;
        let pull = Ratio::of(dp, prior)?;
        crate::money::Quantity::try_plus(dp, dw)?; // same dimension
        let (pm, ps) = big_parts(dp.value());
        let (wm, ws) = big_parts(dw.value());
        let share = Ratio::from_big(&(pm * ws), &(wm * ps))?;
        Ok(Contribution {
            share,
            pull: pull.to_points(),
        })
    }

    /// 贡献率: the part's increase ÷ the whole's increase.
    pub fn share(&self) -> Ratio {
        self.share
    }

    /// 拉动: the part's increase ÷ the whole's prior, in percentage points.
    pub fn pull(&self) -> &PercentagePoints {
        &self.pull
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
/// use fundtrack::{Money, Rounding};
/// use fundtrack::money::Count;
/// use fundtrack::report::CompoundGrowth;
///
/// // 100 → 121 over two years is exactly 10% a year.
/// let m = |s: &str| s.parse::<Money>();
/// let g = CompoundGrowth::of(m("121万元")?, m("100万元")?, 2)?;
/// assert_eq!(g.to_percent(Rounding::default()).to_string(), "10.00");
/// // Counts too: 12588 → 17522 persons over 4 years, 8.62% a year.
/// let g = CompoundGrowth::of(Count::persons(17_522), Count::persons(12_588), 4)?;
/// assert_eq!(g.to_percent(Rounding::default()).to_string(), "8.62");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "Parts", into = "Parts"))]
pub struct CompoundGrowth {
    start: Decimal,
    end: Decimal,
    periods: u32,
}

/// The wire form of a [`CompoundGrowth`], checked again on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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
        CompoundGrowth::from_values(p.start, p.end, p.periods)
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
    /// Growth to `end` from `start` over `periods` years, of money or of counts: the value
    /// reached first, then its base (part before whole, as [`Ratio::of`] and [`Growth::new`]).
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`]/[`NoRatio::NegativeBase`] for a start ≤ 0,
    /// [`NoRatio::NoPeriod`] for zero periods or a negative end,
    /// [`NoRatio::UnitMismatch`] for counts of different units, and
    /// [`NoRatio::OutOfRange`] beyond [`MAX_PERIODS`] periods or for end ÷ start beyond 10¹⁵.
    pub fn of<Q: Quantity>(end: Q, start: Q, periods: u32) -> Result<CompoundGrowth, NoRatio> {
        crate::money::Quantity::try_minus(end, start)?;
        CompoundGrowth::from_values(start.value(), end.value(), periods)
    }

    fn from_values(start: Decimal, end: Decimal, periods: u32) -> Result<CompoundGrowth, NoRatio> {
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

    /// end ÷ start as big integers `(a, b)`.
    fn growth_factor(&self) -> (BigInt, BigInt) {
        let (em, es) = big_parts(self.end);
        let (sm, ss) = big_parts(self.start);
        (em * ss, sm * es)
    }

    /// The largest `k` with `(1 + k/t)^n ≤ end/start`, and whether it is equal: the rate
    /// lies in `[k/t, (k + 1)/t)`.
    fn bracket(&self, t: &BigInt) -> (BigInt, bool) {
        let n = self.periods;
        let (a, b) = self.growth_factor();
        let rhs = &a * t.pow(n);
        // Is (1 + k/t)^n ≤ end/start, i.e. (t + k)^n × b ≤ a × t^n?
        let cmp_at = |k: &BigInt| -> Ordering { ((t + k).pow(n) * &b).cmp(&rhs) };
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
        (lo, exact)
    }

    /// The yearly rate as a percentage, rounded exactly.
    pub fn to_percent(&self, rounding: Rounding) -> Decimal {
        let n = self.periods;
        let (a, b) = self.growth_factor();
        let t: BigInt = BigInt::from(10u8).pow(rounding.dp() + 2);
        let (lo, exact) = self.bracket(&t);
        // Compare the root with lo + ½: (2t + 2lo + 1)^n × b against a × (2t)^n.
        let two_t: BigInt = &t * 2;
        let mid_base: BigInt = &two_t + &lo * 2 + 1;
        let mid_pow = mid_base.pow(n) * &b;
        let vs_half = (&a * two_t.pow(n)).cmp(&mid_pow);
        rate_to_decimal(&rounding.mode().pick(lo, exact, vs_half), rounding.dp())
    }

    /// This rate minus another compound rate, in percentage points ("年均增速提高 x 个百分点").
    ///
    /// ```
    /// use fundtrack::{Money, Ratio, Rounding};
    /// use fundtrack::report::CompoundGrowth;
    ///
    /// let m = |s: &str| s.parse::<Money>();
    /// let fast = CompoundGrowth::of(m("200万元")?, m("100万元")?, 3)?; // 25.99%
    /// let slow = CompoundGrowth::of(m("121万元")?, m("100万元")?, 2)?; // 10% exactly
    /// assert_eq!(fast.minus(&slow).round(Rounding::default())?.to_string(), "15.99");
    /// let target = Ratio::from_counts(1, 4)?;
    /// assert_eq!(fast.minus_ratio(&target).round(Rounding::default())?.to_string(), "0.99");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn minus(&self, other: &CompoundGrowth) -> RateGap {
        RateGap {
            left: Term::Compound(*self),
            right: Term::Compound(*other),
        }
    }

    /// This rate minus an exact rate, in percentage points.
    pub fn minus_ratio(&self, other: &Ratio) -> RateGap {
        RateGap {
            left: Term::Compound(*self),
            right: Term::Exact(*other),
        }
    }
}

/// One side of a [`RateGap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Term {
    Exact(Ratio),
    Compound(CompoundGrowth),
}

impl Term {
    /// The rate × `t` enclosed: `(lo, hi)` with the rate in `[lo, hi]` / t, `lo == hi` when exact.
    fn enclose(&self, t: &BigInt) -> (BigInt, BigInt) {
        match self {
            Term::Exact(r) => {
                let (n, d) = r.big();
                // Exact as a fraction over t·d: keep it exact by scaling the caller's t.
                let scaled = n * t;
                let floor = crate::money::div_round(&scaled, &d, crate::money::RoundMode::Floor);
                if &floor * &d == scaled {
                    (floor.clone(), floor)
                } else {
                    let up = &floor + 1;
                    (floor, up)
                }
            }
            Term::Compound(g) => {
                let (lo, exact) = g.bracket(t);
                let hi = if exact { lo.clone() } else { &lo + 1 };
                (lo, hi)
            }
        }
    }
}

/// A difference of two rates of which one or both are compound (irrational in general), in
/// percentage points; rounded exactly by narrowing both until the printed digits are sure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateGap {
    left: Term,
    right: Term,
}

impl RateGap {
    /// The gap in points, rounded exactly.
    ///
    /// # Errors
    ///
    /// [`NoRatio::OutOfRange`] if 40 digits beyond the printed ones cannot decide the last
    /// printed digit (only a gap lying exactly on a rounding tie between two irrational
    /// rates could; none is known).
    pub fn round(&self, rounding: Rounding) -> Result<Decimal, NoRatio> {
        for extra in (4..=40).step_by(4) {
            let t = BigInt::from(10u8).pow(rounding.dp() + 2 + extra);
            let (l_lo, l_hi) = self.left.enclose(&t);
            let (r_lo, r_hi) = self.right.enclose(&t);
            // points = 100 × (left − right); the gap lies in [l_lo − r_hi, l_hi − r_lo] / t.
            let low = (&l_lo - &r_hi) * 100;
            let high = (&l_hi - &r_lo) * 100;
            let a = rounding.apply_quotient(&low, &t);
            let b = rounding.apply_quotient(&high, &t);
            if a.is_some() && a == b {
                return a.ok_or(NoRatio::OutOfRange);
            }
        }
        Err(NoRatio::OutOfRange)
    }
}

/// A rounded compound rate in units of the last of `dp` places, as a `Decimal`.
///
/// [`CompoundGrowth::of`] keeps end ÷ start within 10¹⁵, so the rate lies in
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
        let fall = CompoundGrowth::from_values(dec!(100), dec!(81), 2).unwrap();
        assert_eq!(fall.to_percent(Rounding::default()), dec!(-10.00));
        let zero = CompoundGrowth::from_values(dec!(100), dec!(0), 5).unwrap();
        assert_eq!(zero.to_percent(Rounding::default()), dec!(-100.00));
        // 1 → 1.00125 in one period is a tie at two places of a percent (0.125%).
        let tie = CompoundGrowth::from_values(dec!(1), dec!(1.00125), 1).unwrap();
        assert_eq!(tie.to_percent(Rounding::half_up(2).unwrap()), dec!(0.13));
        assert_eq!(
            tie.to_percent(Rounding::new(RoundMode::HalfEven, 2).unwrap()),
            dec!(0.12)
        );
        // The widest rate `new` accepts prints exactly: 10¹⁵ − 1 = 99999999999999900%.
        let widest = CompoundGrowth::from_values(dec!(1), dec!(1e15), 1).unwrap();
        assert_eq!(
            widest.to_percent(Rounding::half_up(crate::money::MAX_DP).unwrap()),
            dec!(99999999999999900)
        );
        assert_eq!(
            CompoundGrowth::from_values(dec!(1), dec!(1.000000000000001e15), 1),
            Err(NoRatio::OutOfRange)
        );
        let flat = CompoundGrowth::from_values(dec!(5), dec!(5), 4).unwrap();
        assert_eq!(flat.to_percent(Rounding::default()), dec!(0.00));
        assert_eq!(
            CompoundGrowth::from_values(dec!(0), dec!(5), 4),
            Err(NoRatio::ZeroBase)
        );
    }
}
