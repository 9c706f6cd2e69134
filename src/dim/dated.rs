//! Values with effective dates (生效日期表).

use chrono::NaiveDate;

/// A table of values with effective dates (生效日期表): each entry holds from its date
/// until the next entry's date.
///
/// The crate's one dated table: 低保 standards
/// ([`StandardSchedule`](crate::policy::standard::StandardSchedule)), LPRs
/// ([`LprTable`](crate::policy::loans::LprTable)), interest-subsidy shares
/// ([`SubsidyShares`](crate::policy::loans::SubsidyShares)) and disbursement milestones
/// ([`Milestones`](crate::report::Milestones)) are built on it. Entries are kept sorted by
/// date, two entries on one date are rejected, and [`Dated::at`] finds the entry in force by
/// binary search. With the `serde` feature a table is written as its `[date, value]` pairs
/// and read back through [`Dated::new`], so JSON cannot build a table the constructor would
/// reject.
///
/// # Example
///
/// ```
/// use fundtrack::dim::Dated;
/// use chrono::NaiveDate;
///
/// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
/// let t = Dated::new([(d(4), "6800元"), (d(1), "6000元")])?;
/// assert_eq!(t.at(d(3)), Some(&"6000元"));
/// assert_eq!(t.at(d(4)), Some(&"6800元"));
/// assert_eq!(t.entries()[0].0, d(1)); // sorted by date
/// let e = Dated::new([(d(1), 1), (d(1), 2)]).unwrap_err();
/// assert_eq!(e.to_string(), "duplicate effective date 2021-01-01");
/// # Ok::<(), fundtrack::dim::DatedError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dated<T> {
    /// Sorted by date, no date twice.
    entries: Vec<(NaiveDate, T)>,
}

/// Two entries of a [`Dated`] table on one date.
///
/// # Example
///
/// ```
/// use fundtrack::dim::Dated;
/// use chrono::NaiveDate;
///
/// let d = NaiveDate::from_ymd_opt(2021, 4, 1).unwrap();
/// let e = Dated::new([(d, 6000), (d, 6800)]).unwrap_err();
/// assert_eq!((e.what(), e.date()), ("effective date", d));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("duplicate {what} {date}")]
pub struct DatedError {
    what: &'static str,
    date: NaiveDate,
}

impl DatedError {
    /// What the dates are (`effective date`, `LPR date`, `milestone date`).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The date given twice.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
}

impl<T> Dated<T> {
    /// A table from `(effective from, value)` pairs in any order.
    ///
    /// # Errors
    ///
    /// [`DatedError`] (`duplicate effective date 2021-04-01`) for two entries on one date.
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, T)>) -> Result<Dated<T>, DatedError> {
        Dated::labelled("effective date", entries)
    }

    /// As [`Dated::new`], naming the dates `what` in the error (`LPR date`).
    pub(crate) fn labelled(
        what: &'static str,
        entries: impl IntoIterator<Item = (NaiveDate, T)>,
    ) -> Result<Dated<T>, DatedError> {
        let mut entries: Vec<(NaiveDate, T)> = entries.into_iter().collect();
        entries.sort_by_key(|e| e.0);
        for pair in entries.windows(2) {
            if let [(d0, _), (d1, _)] = pair {
                if d0 == d1 {
                    return Err(DatedError { what, date: *d1 });
                }
            }
        }
        Ok(Dated { entries })
    }

    /// The value in force on `date`: the latest entry on or before it, or `None` before the
    /// first entry.
    ///
    /// ```
    /// # use fundtrack::dim::Dated;
    /// # use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let t = Dated::new([(d(1, 1), 100), (d(7, 1), 70)])?;
    /// assert_eq!(t.at(d(6, 30)), Some(&100));
    /// assert_eq!(t.at(d(7, 1)), Some(&70));
    /// assert_eq!(t.at(NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()), None);
    /// # Ok::<(), fundtrack::dim::DatedError>(())
    /// ```
    pub fn at(&self, date: NaiveDate) -> Option<&T> {
        let after = self.entries.partition_point(|(d, _)| *d <= date);
        let i = after.checked_sub(1)?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The entries in date order.
    ///
    /// ```
    /// # use fundtrack::dim::Dated;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let t = Dated::new([(d(7), 'b'), (d(1), 'a')])?;
    /// assert_eq!(t.entries(), [(d(1), 'a'), (d(7), 'b')]);
    /// # Ok::<(), fundtrack::dim::DatedError>(())
    /// ```
    pub fn entries(&self) -> &[(NaiveDate, T)] {
        &self.entries
    }

    /// The effective dates strictly after `from` and on or before `to`: the days within
    /// `from..=to` on which the value changes.
    ///
    /// ```
    /// # use fundtrack::dim::Dated;
    /// # use chrono::NaiveDate;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let t = Dated::new([(d(1), 100), (d(7), 70)])?;
    /// assert_eq!(t.changes_in(d(1), d(12)).collect::<Vec<_>>(), [d(7)]);
    /// assert_eq!(t.changes_in(d(7), d(12)).count(), 0);
    /// # Ok::<(), fundtrack::dim::DatedError>(())
    /// ```
    pub fn changes_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = self.entries.partition_point(|(d, _)| *d <= from);
        self.entries
            .iter()
            .skip(first)
            .map(|(d, _)| *d)
            .take_while(move |d| *d <= to)
    }
}

#[cfg(feature = "serde")]
mod wire {
    use super::Dated;
    use crate::dim::date::wire::Day;
    use serde::de::{Deserialize, Deserializer, Error as _};
    use serde::{Serialize, Serializer};

    impl<T: Serialize> Serialize for Dated<T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.entries.serialize(s)
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Dated<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dated<T>, D::Error> {
            let entries = Vec::<(Day, T)>::deserialize(d)?;
            Dated::new(entries.into_iter().map(|(Day(date), v)| (date, v)))
                .map_err(D::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dated_values_take_the_latest_on_or_before() {
        let t = Dated::new([(d(2021, 4, 1), 2), (d(2021, 1, 1), 1)]).unwrap();
        assert_eq!(t.at(d(2020, 12, 31)), None);
        assert_eq!(t.at(d(2021, 3, 31)), Some(&1));
        assert_eq!(t.at(d(2021, 4, 1)), Some(&2));
        assert_eq!(
            t.changes_in(d(2021, 1, 1), d(2021, 12, 31))
                .collect::<Vec<_>>(),
            [d(2021, 4, 1)]
        );
        assert_eq!(t.changes_in(d(2021, 1, 1), d(2021, 3, 31)).count(), 0);
        assert_eq!(
            t.changes_in(d(2020, 1, 1), d(2021, 4, 1))
                .collect::<Vec<_>>(),
            [d(2021, 1, 1), d(2021, 4, 1)]
        );
        let empty: Dated<u8> = Dated::new([]).unwrap();
        assert_eq!(empty.at(d(2021, 1, 1)), None);
        let dup = Dated::new([(d(2021, 1, 1), 1), (d(2021, 1, 1), 2)]);
        assert_eq!(
            dup.unwrap_err().to_string(),
            "duplicate effective date 2021-01-01"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn dated_tables_are_read_through_their_constructor() {
        let t = Dated::new([(d(2021, 7, 1), 70u8), (d(2021, 1, 1), 100)]).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"[["2021-01-01",100],["2021-07-01",70]]"#);
        assert_eq!(serde_json::from_str::<Dated<u8>>(&json).unwrap(), t);
        let unsorted: Dated<u8> =
            serde_json::from_str(r#"[["2021-07-01",70],["2021-01-01",100]]"#).unwrap();
        assert_eq!(unsorted, t);
        let e = serde_json::from_str::<Dated<u8>>(r#"[["2021-01-01",1],["2021-01-01",2]]"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("duplicate effective date 2021-01-01"), "{e}");
    }
}
