//! Counts (计数): persons, households, items, projects and person-times, exact and whole.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{ParseError, ParseErrorKind};

/// What a [`Count`] counts (计数单位): 人, 户, 个, 项 or 人次.
///
/// Persons and households are different quantities: a share of persons over households
/// has no meaning, and every operation that takes two counts refuses that mix.
///
/// ```
/// use fundtrack::money::CountUnit;
/// assert_eq!("户".parse::<CountUnit>()?, CountUnit::Household);
/// assert_eq!(CountUnit::PersonTime.as_str(), "人次");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CountUnit {
    /// 人: persons.
    Person,
    /// 户: households.
    Household,
    /// 个: items (jobs, posts, workshops, villages).
    Item,
    /// 项: projects or measures.
    Project,
    /// 人次: person-times (a person trained twice counts twice).
    PersonTime,
}

impl CountUnit {
    /// The Chinese unit printed after a count: `人`, `户`, `个`, `项`, `人次`.
    pub fn as_str(self) -> &'static str {
        match self {
            CountUnit::Person => "人",
            CountUnit::Household => "户",
            CountUnit::Item => "个",
            CountUnit::Project => "项",
            CountUnit::PersonTime => "人次",
        }
    }

    /// Every unit, longest suffix first (人次 before 人).
    const ALL: [CountUnit; 5] = [
        CountUnit::PersonTime,
        CountUnit::Person,
        CountUnit::Household,
        CountUnit::Item,
        CountUnit::Project,
    ];
}

impl fmt::Display for CountUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CountUnit {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<CountUnit, ParseError> {
        CountUnit::ALL
            .into_iter()
            .find(|u| u.as_str() == s.trim())
            .ok_or_else(|| {
                ParseError::new(
                    "count unit",
                    s,
                    ParseErrorKind::Unknown("人, 户, 个, 项, 人次"),
                )
            })
    }
}

/// An exact whole count of persons, households, items, projects or person-times (数量).
///
/// The counterpart of [`Money`](super::Money) for the figures a report counts: rates,
/// growth, shares, averages, completion and sums take either (see
/// [`Quantity`](super::Quantity)), and refuse a mix of money and counts at compile time and
/// a mix of count units (persons and households) with [`NoRatio::UnitMismatch`](super::NoRatio::UnitMismatch).
///
/// Parsing reads what reports print: `1114人`, `28.54万人`, `1,234户`, `3.2万个`, `56项`,
/// `5000人次`; the value must come to a whole number of units.
///
/// # Example
///
/// ```
/// use fundtrack::money::{Count, CountUnit};
///
/// let migrants: Count = "28.54万人".parse()?;
/// assert_eq!(migrants.get(), 285_400);
/// assert_eq!(migrants.unit(), CountUnit::Person);
/// assert_eq!(migrants.to_string(), "285400人");
/// assert!("1.23456万人".parse::<Count>().is_err()); // 12345.6 persons
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Count {
    n: i64,
    unit: CountUnit,
}

impl Count {
    /// `n` of `unit` (negative for a decrease: "减少 30 人").
    pub const fn new(n: i64, unit: CountUnit) -> Count {
        Count { n, unit }
    }

    /// `n` of `unit` from an unsigned tally, or `None` beyond `i64::MAX`.
    pub fn from_tally(n: u64, unit: CountUnit) -> Option<Count> {
        i64::try_from(n).ok().map(|n| Count::new(n, unit))
    }

    /// `n` persons (人).
    pub const fn persons(n: i64) -> Count {
        Count::new(n, CountUnit::Person)
    }

    /// `n` households (户).
    pub const fn households(n: i64) -> Count {
        Count::new(n, CountUnit::Household)
    }

    /// `n` items (个).
    pub const fn items(n: i64) -> Count {
        Count::new(n, CountUnit::Item)
    }

    /// `n` projects (项).
    pub const fn projects(n: i64) -> Count {
        Count::new(n, CountUnit::Project)
    }

    /// The number of units.
    pub const fn get(self) -> i64 {
        self.n
    }

    /// What is counted.
    pub const fn unit(self) -> CountUnit {
        self.unit
    }
}

impl fmt::Display for Count {
    /// `1114人`: the whole count and its unit; parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.n, self.unit.as_str())
    }
}

impl fmt::Debug for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Count {
    type Err = ParseError;

    /// Parses `1114人`, `28.54万人`, `1,234 户`, `0.5亿人次`; see [`Count`].
    fn from_str(input: &str) -> Result<Count, ParseError> {
        let err = |kind| ParseError::new("count", input, kind);
        let body = input.trim();
        let (body, unit) = CountUnit::ALL
            .into_iter()
            .find_map(|u| body.strip_suffix(u.as_str()).map(|rest| (rest, u)))
            .ok_or_else(|| {
                err(ParseErrorKind::Format(
                    "a count with its unit: 人, 户, 个, 项 or 人次",
                ))
            })?;
        let body = body.trim_end();
        let (digits, shift) = if let Some(rest) = body.strip_suffix('万') {
            (rest, 4)
        } else if let Some(rest) = body.strip_suffix('亿') {
            (rest, 8)
        } else {
            (body, 0)
        };
        let digits = digits.trim();
        if digits.is_empty() {
            return Err(err(ParseErrorKind::NoDigits));
        }
        if let Some((at, ch)) = digits
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-')))
        {
            return Err(err(ParseErrorKind::UnexpectedChar { ch, at }));
        }
        let plain: String = digits.chars().filter(|c| *c != ',').collect();
        let too_large = || {
            err(ParseErrorKind::Format(
                "a count of at most 9223372036854775807",
            ))
        };
        let value = Decimal::from_str_exact(&plain).map_err(|_| too_large())?;
        let scaled = value
            .checked_mul(Decimal::from(10i64.pow(shift)))
            .ok_or_else(too_large)?
            .normalize();
        if scaled.scale() > 0 {
            return Err(err(ParseErrorKind::Format("a whole number of units")));
        }
        let n = i64::try_from(scaled.mantissa()).map_err(|_| too_large())?;
        Ok(Count::new(n, unit))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Count {
    /// `"1114人"`: the count and its unit, as a string.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Count {
    /// Any text [`Count`]'s `FromStr` accepts (`"1114人"`, `"28.54万人"`).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_reports_print() {
        let c = |s: &str| s.parse::<Count>().unwrap();
        assert_eq!(c("1114人"), Count::persons(1114));
        assert_eq!(c("28.54万人"), Count::persons(285_400));
        assert_eq!(c("1,234 户"), Count::households(1234));
        assert_eq!(c("3.2万个"), Count::items(32_000));
        assert_eq!(c("56项"), Count::projects(56));
        assert_eq!(c("5000人次"), Count::new(5000, CountUnit::PersonTime));
        assert_eq!(c("0.5亿人次").get(), 50_000_000);
        assert_eq!(
            c("1114人").to_string().parse::<Count>().unwrap(),
            c("1114人")
        );
    }

    #[test]
    fn refuses_what_is_not_a_count() {
        let e = |s: &str| s.parse::<Count>().unwrap_err().to_string();
        assert_eq!(
            e("1.23456万人"),
            r#"invalid count "1.23456万人": expected a whole number of units"#
        );
        assert!(e("1114").contains("with its unit"));
        assert!(e("万人").contains("no digits"));
        assert!(e("12a人").contains("unexpected character 'a'"));
        assert!(e("1e3人").contains("unexpected character 'e'"));
        assert!(e("99999999999999999999人").contains("at most 9223372036854775807"));
    }
}
