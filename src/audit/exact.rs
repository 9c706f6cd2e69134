//! Exact rationals and intervals with open or closed ends: the arithmetic of the audit.

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};
use rust_decimal::Decimal;

use crate::money::{RoundMode, Rounding, big_parts};

/// An exact rational `n / d` with `d > 0`.
#[derive(Clone, Debug)]
pub(crate) struct Q {
    n: BigInt,
    d: BigInt,
}

impl Q {
    pub(crate) fn of(n: BigInt, d: BigInt) -> Option<Q> {
        match d.sign() {
            Sign::NoSign => None,
            Sign::Minus => Some(Q { n: -n, d: -d }),
            Sign::Plus => Some(Q { n, d }),
        }
    }

    pub(crate) fn int(v: i64) -> Q {
        Q {
            n: BigInt::from(v),
            d: BigInt::from(1u8),
        }
    }

    pub(crate) fn dec(v: Decimal) -> Q {
        let (n, d) = big_parts(v);
        Q { n, d }
    }

    pub(crate) fn add(&self, o: &Q) -> Q {
        Q {
            n: &self.n * &o.d + &o.n * &self.d,
            d: &self.d * &o.d,
        }
    }

    pub(crate) fn sub(&self, o: &Q) -> Q {
        Q {
            n: &self.n * &o.d - &o.n * &self.d,
            d: &self.d * &o.d,
        }
    }

    pub(crate) fn mul(&self, o: &Q) -> Q {
        Q {
            n: &self.n * &o.n,
            d: &self.d * &o.d,
        }
    }

    pub(crate) fn div(&self, o: &Q) -> Option<Q> {
        Q::of(&self.n * &o.d, &self.d * &o.n)
    }

    pub(crate) fn half(&self) -> Q {
        Q {
            n: self.n.clone(),
            d: &self.d * 2,
        }
    }

    pub(crate) fn sign(&self) -> Sign {
        self.n.sign()
    }

    /// Rounded with `rounding`, or `None` beyond a `Decimal`.
    pub(crate) fn round(&self, rounding: Rounding) -> Option<Decimal> {
        rounding.apply_quotient(&self.n, &self.d)
    }
}

impl PartialEq for Q {
    fn eq(&self, o: &Q) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Q {}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> Ordering {
        (&self.n * &o.d).cmp(&(&o.n * &self.d))
    }
}

/// One end of an interval: a value, and whether the value itself is excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct End {
    pub(crate) at: Q,
    pub(crate) open: bool,
}

/// The set of exact values between two ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interval {
    pub(crate) lo: End,
    pub(crate) hi: End,
}

impl Interval {
    pub(crate) fn point(q: Q) -> Interval {
        Interval {
            lo: End {
                at: q.clone(),
                open: false,
            },
            hi: End { at: q, open: false },
        }
    }

    /// Whether some value lies in both.
    pub(crate) fn meets(&self, o: &Interval) -> bool {
        let lo = match self.lo.at.cmp(&o.lo.at) {
            Ordering::Greater => &self.lo,
            Ordering::Less => &o.lo,
            Ordering::Equal => {
                if self.lo.open {
                    &self.lo
                } else {
                    &o.lo
                }
            }
        };
        let hi = match self.hi.at.cmp(&o.hi.at) {
            Ordering::Less => &self.hi,
            Ordering::Greater => &o.hi,
            Ordering::Equal => {
                if self.hi.open {
                    &self.hi
                } else {
                    &o.hi
                }
            }
        };
        match lo.at.cmp(&hi.at) {
            Ordering::Less => true,
            Ordering::Equal => !lo.open && !hi.open,
            Ordering::Greater => false,
        }
    }

    /// Whether every value is above zero.
    pub(crate) fn is_positive(&self) -> bool {
        match self.lo.at.sign() {
            Sign::Plus => true,
            Sign::NoSign => self.lo.open,
            Sign::Minus => false,
        }
    }

    /// The ends in units of 10^`shift`, rounded outward to `dp` places, for printing the
    /// range of possible values.
    pub(crate) fn outward(&self, dp: u32, shift: u32) -> Option<(Decimal, Decimal)> {
        let unit = Q::of(BigInt::from(10u8).pow(shift), BigInt::from(1u8))?;
        Some((
            self.lo
                .at
                .div(&unit)?
                .round(Rounding::known(RoundMode::Floor, dp))?,
            self.hi
                .at
                .div(&unit)?
                .round(Rounding::known(RoundMode::Ceil, dp))?,
        ))
    }
}

/// How a computed figure moves with one of its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    /// Up with the input.
    Up,
    /// Down as the input goes up.
    Down,
}

/// The values `f` takes over a box of intervals, for `f` strictly monotone in each input in
/// the direction given (on the box): the ends come from the corners, and an end is open when
/// any input end it was computed from is open. `None` where `f` has no value at a corner.
pub(crate) fn image(
    inputs: &[(&Interval, Dir)],
    f: impl Fn(&[Q]) -> Option<Q>,
) -> Option<Interval> {
    let corner = |low: bool| -> Option<End> {
        let mut open = false;
        let mut args = Vec::with_capacity(inputs.len());
        for (iv, dir) in inputs {
            let end = if low == (*dir == Dir::Up) {
                &iv.lo
            } else {
                &iv.hi
            };
            open |= end.open;
            args.push(end.at.clone());
        }
        Some(End {
            at: f(&args)?,
            open,
        })
    };
    Some(Interval {
        lo: corner(true)?,
        hi: corner(false)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: i64, lo_open: bool, hi: i64, hi_open: bool) -> Interval {
        Interval {
            lo: End {
                at: Q::int(lo),
                open: lo_open,
            },
            hi: End {
                at: Q::int(hi),
                open: hi_open,
            },
        }
    }

    #[test]
    fn touching_ends_meet_only_when_both_are_closed() {
        assert!(iv(0, false, 1, false).meets(&iv(1, false, 2, false)));
        assert!(!iv(0, false, 1, true).meets(&iv(1, false, 2, false)));
        assert!(!iv(0, false, 1, false).meets(&iv(1, true, 2, false)));
        assert!(iv(0, false, 3, true).meets(&iv(1, true, 2, true)));
        assert!(!iv(0, false, 1, false).meets(&iv(2, false, 3, false)));
    }

    #[test]
    fn images_take_ends_from_corners() {
        let a = iv(1, false, 2, true);
        let b = iv(4, true, 5, false);
        let q = image(&[(&a, Dir::Up), (&b, Dir::Down)], |x| x[0].div(&x[1])).unwrap();
        assert_eq!(q.lo.at, Q::of(BigInt::from(1), BigInt::from(5)).unwrap());
        assert!(!q.lo.open);
        assert_eq!(q.hi.at, Q::of(BigInt::from(2), BigInt::from(4)).unwrap());
        assert!(q.hi.open);
    }
}
