//! Shares of a whole (占比), with printed shares that can be made to sum to exactly 100.

use std::hash::Hash;

use indexmap::IndexMap;
use num_bigint::BigInt;
use rust_decimal::Decimal;

use crate::money::{NoRatio, Quantity, Ratio, RoundMode, Rounding, big_parts};

/// A set of parts and their shares of the whole (占比), in the order given.
///
/// Each share is an exact [`Ratio`]. Printed independently, rounded shares need not add up
/// to 100; [`Shares::percents_summing_to_100`] distributes the last units by the largest
/// remainder so that they do. Parts must not have mixed signs.
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::report::Shares;
///
/// // Beihai 2021 monitoring: persons by group.
/// use fundtrack::money::Count;
/// let p = Count::persons;
/// let s = Shares::of([("边缘易致贫户", p(215)), ("脱贫不稳定户", p(508)), ("突发严重困难户", p(391))])?;
/// let p = s.percents_summing_to_100(2);
/// assert_eq!(p["边缘易致贫户"].to_string(), "19.30");
/// assert_eq!(p["脱贫不稳定户"].to_string(), "45.60");
/// assert_eq!(p["突发严重困难户"].to_string(), "35.10");
/// # Ok::<(), fundtrack::NoRatio>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shares<K: Hash + Eq> {
    parts: IndexMap<K, Decimal>,
    total: Decimal,
}

impl<K: Hash + Eq + Clone> Shares<K> {
    /// Shares of decimal quantities; parts with the same key are added together.
    ///
    /// # Errors
    ///
    /// [`NoRatio::MixedSigns`] when some parts are positive and others negative,
    /// [`NoRatio::ZeroBase`] when the whole is zero, [`NoRatio::OutOfRange`] when the sum
    /// overflows.
    pub fn new(parts: impl IntoIterator<Item = (K, Decimal)>) -> Result<Shares<K>, NoRatio> {
        let mut map: IndexMap<K, Decimal> = IndexMap::new();
        let (mut pos, mut neg) = (false, false);
        let mut total = Decimal::ZERO;
        for (k, v) in parts {
            pos |= v.is_sign_positive() && !v.is_zero();
            neg |= v.is_sign_negative() && !v.is_zero();
            total = exact_add(total, v)?;
            let slot = map.entry(k).or_insert(Decimal::ZERO);
            *slot = exact_add(*slot, v)?;
        }
        if pos && neg {
            return Err(NoRatio::MixedSigns);
        }
        if total.is_zero() {
            return Err(NoRatio::ZeroBase);
        }
        Ok(Shares { parts: map, total })
    }

    /// Shares of amounts of money or of counts (one type, counts of one unit).
    ///
    /// # Errors
    ///
    /// As [`Shares::new`], and [`NoRatio::UnitMismatch`] for counts of different units
    /// (persons beside households).
    pub fn of<Q: Quantity>(parts: impl IntoIterator<Item = (K, Q)>) -> Result<Shares<K>, NoRatio> {
        let mut first: Option<Q> = None;
        let mut values = Vec::new();
        for (k, q) in parts {
            if let Some(f) = &first {
                crate::money::Quantity::try_minus(*f, q)?;
            } else {
                first = Some(q);
            }
            values.push((k, q.value()));
        }
        Shares::new(values)
    }

    /// The whole: the sum of the parts.
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// The number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there are no parts (never true for a built set).
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// One part's share of the whole.
    pub fn get(&self, key: &K) -> Option<Ratio> {
        self.parts.get(key).map(|v| self.share(*v))
    }

    /// A part's share: all parts share the whole's sign, so the quotient is taken on
    /// magnitudes, and it lies in 0..=1 over a whole that `new` checked is not zero.
    #[expect(
        clippy::expect_used,
        reason = "new refuses a zero whole and mixed signs, so every part's share is in 0..=1"
    )]
    fn share(&self, part: Decimal) -> Ratio {
        debug_assert!(!self.total.is_zero() && part.abs() <= self.total.abs());
        Ratio::new(part.abs(), self.total.abs())
            .expect("a part's share of a non-zero whole of one sign is in 0..=1")
    }

    /// Each part with its exact share, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, Decimal, Ratio)> + '_ {
        self.parts.iter().map(|(k, v)| (k, *v, self.share(*v)))
    }

    /// Each share as a percentage rounded on its own (the printed sum may be 99.99 or 100.01).
    pub fn percents(&self, rounding: Rounding) -> IndexMap<K, Decimal> {
        self.iter()
            .map(|(k, _, r)| (k.clone(), r.to_percent(rounding)))
            .collect()
    }

    /// Percentages at `dp` places that sum to exactly 100 (largest-remainder method): every
    /// share is first truncated, then the missing last-place units go to the largest
    /// remainders, earlier parts first on equal remainders. The method decides each last
    /// digit, so no rounding mode is involved.
    ///
    /// ```
    /// use fundtrack::Rounding;
    /// use fundtrack::report::Shares;
    /// use fundtrack::money::Count;
    /// let s = Shares::of([("a", Count::items(1)), ("b", Count::items(1)), ("c", Count::items(1))])?;
    /// let p = s.percents_summing_to_100(1);
    /// assert_eq!(p.values().map(|d| d.to_string()).collect::<Vec<_>>(), ["33.4", "33.3", "33.3"]);
    /// # Ok::<(), fundtrack::NoRatio>(())
    /// ```
    pub fn percents_summing_to_100(&self, dp: u32) -> IndexMap<K, Decimal> {
        let dp = dp.min(crate::money::MAX_DP);
        let unit = BigInt::from(10u8).pow(dp);
        let (tm, ts) = big_parts(self.total.abs());
        // share_i × 100 × 10^dp = part_i × ts × 100 × 10^dp / tm ... in units of the last place.
        let target: BigInt = &unit * 100;
        // Per part: (position, units so far, remainder, denominator of the remainder).
        let mut rows: Vec<(usize, BigInt, BigInt, BigInt)> = Vec::with_capacity(self.parts.len());
        let mut given = BigInt::from(0u8);
        for (i, v) in self.parts.values().enumerate() {
            let (pm, ps) = big_parts(v.abs());
            let num = pm * &ts * &target;
            let den = &tm * ps;
            let floor = crate::money::div_round(&num, &den, RoundMode::Trunc);
            let rem = num - &floor * &den;
            given += &floor;
            rows.push((i, floor, rem, den));
        }
        // Largest remainder first (compared as fractions rem/den), earlier parts first on ties.
        rows.sort_by(|x, y| (&y.2 * &x.3).cmp(&(&x.2 * &y.3)).then(x.0.cmp(&y.0)));
        // Each truncation loses less than one unit, so fewer units are missing than there
        // are parts: one pass hands them all out.
        let mut missing = target - given;
        for row in &mut rows {
            if missing <= BigInt::from(0u8) {
                break;
            }
            row.1 += 1;
            missing -= 1;
        }
        debug_assert!(
            missing == BigInt::from(0u8),
            "the printed shares must sum to 100"
        );
        rows.sort_by_key(|row| row.0);
        self.parts
            .keys()
            .zip(rows)
            .map(|(k, (_, units, _, _))| (k.clone(), units_to_decimal(&units, dp)))
            .collect()
    }
}

/// A printed share of at most 100 (plus one last-place unit) at `dp` ≤ `MAX_DP` places:
/// at most about 10¹² units, far within a `Decimal`.
#[expect(
    clippy::expect_used,
    reason = "a share is at most 100 at MAX_DP places, far within a Decimal"
)]
fn units_to_decimal(units: &BigInt, dp: u32) -> Decimal {
    i128::try_from(units)
        .ok()
        .and_then(|u| Decimal::try_from_i128_with_scale(u, dp).ok())
        .expect("a share of at most 100 at MAX_DP places fits in a Decimal")
}

/// `a + b` when the sum is exact: `Decimal` keeps the larger scale of the two unless the
/// sum needs more than 28 digits, in which case it rounds; that is refused.
fn exact_add(a: Decimal, b: Decimal) -> Result<Decimal, NoRatio> {
    let sum = a.checked_add(b).ok_or(NoRatio::OutOfRange)?;
    if sum.scale() < a.scale().max(b.scale()) {
        return Err(NoRatio::OutOfRange);
    }
    Ok(sum)
}

#[cfg(feature = "serde")]
mod wire {
    use std::hash::Hash;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Shares;

    /// One part on the wire: its key and its amount as a decimal string.
    #[derive(Serialize, Deserialize)]
    struct Part<K> {
        key: K,
        #[serde(with = "rust_decimal::serde::str")]
        part: Decimal,
    }

    impl<K: Serialize + Hash + Eq + Clone> Serialize for Shares<K> {
        /// `[{"key": …, "part": "215"}, …]`: the parts in order; shares follow from them.
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.parts.iter().map(|(key, part)| Part {
                key: key.clone(),
                part: *part,
            }))
        }
    }

    impl<'de, K: Deserialize<'de> + Hash + Eq + Clone> Deserialize<'de> for Shares<K> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Shares<K>, D::Error> {
            let parts = Vec::<Part<K>>::deserialize(d)?;
            Shares::new(parts.into_iter().map(|p| (p.key, p.part)))
                .map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Count;
    use rust_decimal_macros::dec;

    #[test]
    fn sums_to_exactly_one_hundred() {
        let s = Shares::of([
            (1, Count::persons(1)),
            (2, Count::persons(1)),
            (3, Count::persons(1)),
            (4, Count::persons(1)),
            (5, Count::persons(1)),
            (6, Count::persons(1)),
        ])
        .unwrap();
        let p = s.percents_summing_to_100(2);
        assert_eq!(p.values().copied().sum::<Decimal>(), dec!(100.00));
        let plain = s.percents(Rounding::default());
        assert_eq!(plain.values().copied().sum::<Decimal>(), dec!(100.02));
    }

    #[test]
    fn rejects_mixed_signs_and_zero_wholes() {
        assert_eq!(
            Shares::new([("a", dec!(1)), ("b", dec!(-1))]),
            Err(NoRatio::MixedSigns)
        );
        assert_eq!(Shares::new([("a", dec!(0))]), Err(NoRatio::ZeroBase));
        let neg = Shares::new([("a", dec!(-1)), ("b", dec!(-3))]).unwrap();
        assert_eq!(
            neg.get(&"b").unwrap().to_percent(Rounding::default()),
            dec!(75.00)
        );
    }

    #[test]
    fn the_missing_units_go_to_the_largest_remainders() {
        // 1/7, 2/7, 4/7 = 14.2857…, 28.5714…, 57.1428…: truncated 14.28 + 28.57 + 57.14 = 99.99,
        // and the one missing unit goes to the largest remainder (0.57 of a unit, the first).
        let s = Shares::of([
            ("a", Count::persons(1)),
            ("b", Count::persons(2)),
            ("c", Count::persons(4)),
        ])
        .unwrap();
        let p = s.percents_summing_to_100(2);
        assert_eq!(
            p.values().copied().collect::<Vec<_>>(),
            [dec!(14.29), dec!(28.57), dec!(57.14)]
        );
        // Each printed share is its truncated value or one unit more.
        for ((_, _, r), printed) in s.iter().zip(p.values()) {
            let floor = r.to_percent(Rounding::trunc(2).unwrap());
            assert!(*printed == floor || *printed == floor + dec!(0.01));
        }
    }

    #[test]
    fn sums_that_would_round_are_refused() {
        let s = Shares::new([("a", Decimal::MAX - Decimal::ONE), ("b", dec!(0.4))]);
        assert_eq!(s, Err(NoRatio::OutOfRange));
    }

    #[test]
    fn keys_repeat_into_one_part() {
        let s = Shares::new([("a", dec!(1)), ("b", dec!(2)), ("a", dec!(1))]).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s.get(&"a").unwrap().to_percent(Rounding::default()),
            dec!(50.00)
        );
    }
}
