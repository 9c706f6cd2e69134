//! Averages per unit (平均): money per project, persons per household.

use rust_decimal::Decimal;

use crate::money::{Money, NoRatio, Ratio, Rounding, Unit};

/// An exact average: a total divided by a non-zero count (均值), rounded only when printed.
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::money::Unit;
/// use fundtrack::report::Average;
///
/// // Beihai 2021 pool: 4.49亿元 over 391 projects.
/// let avg = Average::of_money("4.49亿元".parse()?, 391).unwrap();
/// assert_eq!(avg.money_in(Unit::Wan, Rounding::default()).to_string(), "114.83");
/// // 1114 persons in 295 households.
/// let per = Average::of_counts(1114, 295).unwrap();
/// assert_eq!(per.to_decimal(Rounding::default()).to_string(), "3.78");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "Parts", into = "Parts"))]
pub struct Average {
    total: Decimal,
    count: u64,
    ratio: Ratio,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Parts {
    total: String,
    count: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<Parts> for Average {
    type Error = String;
    fn try_from(p: Parts) -> Result<Average, String> {
        let total = Decimal::from_str_exact(&p.total)
            .map_err(|e| format!("invalid total {:?}: {e}", p.total))?;
        Average::new(total, p.count).map_err(|e| format!("invalid average: {e}"))
    }
}

#[cfg(feature = "serde")]
impl From<Average> for Parts {
    fn from(a: Average) -> Parts {
        Parts {
            total: a.total.to_string(),
            count: a.count,
        }
    }
}

impl Average {
    fn new(total: Decimal, count: u64) -> Result<Average, NoRatio> {
        let ratio = Ratio::new(total, Decimal::from(count))?;
        Ok(Average {
            total,
            count,
            ratio,
        })
    }

    /// An amount of money per unit (per project, per job, per trainee).
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for a count of zero.
    pub fn of_money(total: Money, count: u64) -> Result<Average, NoRatio> {
        Average::new(total.as_decimal(), count)
    }

    /// A count per unit (persons per household).
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for a count of zero.
    pub fn of_counts(total: u64, count: u64) -> Result<Average, NoRatio> {
        Average::new(Decimal::from(total), count)
    }

    /// The total divided.
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// The count divided by.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The average, rounded.
    pub fn to_decimal(&self, rounding: Rounding) -> Decimal {
        self.ratio.to_decimal(rounding)
    }

    /// A money average in `unit` (the total is in 元), rounded.
    pub fn money_in(&self, unit: Unit, rounding: Rounding) -> Decimal {
        let (n, d) = self.ratio.big();
        let d = d * num_bigint::BigInt::from(10u8).pow(unit.exponent());
        // Smaller in size than the ratio itself: within its range.
        crate::money::round_in_range(&n, &d, rounding)
    }
}
