//! Averages per unit (平均): money per project, persons per household.

use rust_decimal::Decimal;

use crate::money::{Count, Money, NoRatio, Quantity, Ratio, Rounding, Unit};

/// An exact average (均值): a total of money or of a count divided by a non-zero count,
/// rounded only when printed. Total first, then what it is per.
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Rounding};
/// use fundtrack::money::{Count, Unit};
/// use fundtrack::report::Average;
///
/// // Beihai 2021 pool: 4.49亿元 over 391 projects.
/// let avg = Average::new("4.49亿元".parse::<Money>()?, Count::projects(391))?;
/// assert_eq!(avg.money_in(Unit::Wan, Rounding::default()).to_string(), "114.83");
/// // 1114 persons in 295 households.
/// let per = Average::new(Count::persons(1114), Count::households(295))?;
/// assert_eq!(per.to_decimal(Rounding::default()).to_string(), "3.78");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        try_from = "Parts<Q>",
        into = "Parts<Q>",
        bound(
            serialize = "Q: Quantity + serde::Serialize",
            deserialize = "Q: Quantity + serde::Deserialize<'de>"
        )
    )
)]
pub struct Average<Q = Money> {
    total: Q,
    per: Count,
    ratio: Ratio,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Parts<Q> {
    total: Q,
    per: Count,
}

#[cfg(feature = "serde")]
impl<Q: Quantity> TryFrom<Parts<Q>> for Average<Q> {
    type Error = NoRatio;
    fn try_from(p: Parts<Q>) -> Result<Average<Q>, NoRatio> {
        Average::new(p.total, p.per)
    }
}

#[cfg(feature = "serde")]
impl<Q: Quantity> From<Average<Q>> for Parts<Q> {
    fn from(a: Average<Q>) -> Parts<Q> {
        Parts {
            total: a.total,
            per: a.per,
        }
    }
}

impl<Q: Quantity> Average<Q> {
    /// `total` per one of `per` (per project, per job, per trainee, per household).
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for a count of zero, [`NoRatio::NegativeBase`] for a negative one.
    pub fn new(total: Q, per: Count) -> Result<Average<Q>, NoRatio> {
        let ratio = Ratio::new(total.value(), Decimal::from(per.get()))?;
        Ok(Average { total, per, ratio })
    }

    /// The total divided.
    pub fn total(&self) -> Q {
        self.total
    }

    /// The count divided by.
    pub fn per(&self) -> Count {
        self.per
    }

    /// The average, rounded (in 元 or units per one).
    pub fn to_decimal(&self, rounding: Rounding) -> Decimal {
        self.ratio.to_decimal(rounding)
    }
}

impl Average<Money> {
    /// The money average in `unit` (万元 per project), rounded.
    pub fn money_in(&self, unit: Unit, rounding: Rounding) -> Decimal {
        let (n, d) = self.ratio.big();
        let d = d * num_bigint::BigInt::from(10u8).pow(unit.exponent());
        // Smaller in size than the ratio itself: within its range.
        crate::money::round_in_range(&n, &d, rounding)
    }
}
