//! Validated codes and ids: region codes (行政区划代码), project ids, record ids, budget
//! function codes (功能分类科目) and document numbers (文号).

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{ParseError, ParseErrorKind};

/// Provincial-level prefixes of the national region codes (GB/T 2260).
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The tier a region code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RegionLevel {
    /// 省级 (`PP0000`).
    Province,
    /// 市级 (`PPCC00`).
    City,
    /// 县级 (`PPCCDD`).
    County,
}

impl RegionLevel {
    /// The machine name: `province`, `city`, `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::County => "county",
        }
    }
}

/// A six-digit region code `PPCCDD` (行政区划代码): province `PP0000`, city `PPCC00`,
/// county `PPCCDD`.
///
/// The parent chain comes from the digits: a county's parent is its city, a city's its
/// province.
///
/// # Example
///
/// ```
/// use fundtrack::RegionCode;
/// use fundtrack::dim::RegionLevel;
///
/// let hepu: RegionCode = "450521".parse()?;
/// assert_eq!(hepu.level(), RegionLevel::County);
/// assert_eq!(hepu.parent().unwrap().to_string(), "450500");
/// assert_eq!(hepu.province().to_string(), "450000");
/// assert!("450500".parse::<RegionCode>()?.contains(hepu));
/// assert!("991234".parse::<RegionCode>().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(u32);

impl RegionCode {
    /// The code from its number (`450521`).
    ///
    /// # Errors
    ///
    /// When the number is not a valid six-digit code with a known province prefix.
    pub fn new(code: u32) -> Result<RegionCode, ParseError> {
        let err = |kind| ParseError::new("region code", format!("{code:06}"), kind);
        if code >= 1_000_000 || !PROVINCES.contains(&(code / 10_000)) {
            return Err(err(ParseErrorKind::Format(
                "six digits PPCCDD with a provincial prefix PP of GB/T 2260 (11–82)",
            )));
        }
        if (code / 100) % 100 == 0 && code % 100 != 0 {
            return Err(err(ParseErrorKind::Format(
                "a county code under a city (PPCCDD with CC ≠ 00)",
            )));
        }
        Ok(RegionCode(code))
    }

    /// The code as a number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// Province, city or county.
    pub fn level(self) -> RegionLevel {
        if self.0 % 10_000 == 0 {
            RegionLevel::Province
        } else if self.0 % 100 == 0 {
            RegionLevel::City
        } else {
            RegionLevel::County
        }
    }

    /// The region one tier up, or `None` for a province.
    pub fn parent(self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Province => None,
            RegionLevel::City => Some(self.province()),
            RegionLevel::County => Some(RegionCode(self.0 / 100 * 100)),
        }
    }

    /// The province (`PP0000`) this region is in (itself for a province).
    pub fn province(self) -> RegionCode {
        RegionCode(self.0 / 10_000 * 10_000)
    }

    /// The region at `level` that contains this one, or this region itself when it is
    /// already at or above `level`.
    ///
    /// ```
    /// use fundtrack::RegionCode;
    /// use fundtrack::dim::RegionLevel;
    /// let c: RegionCode = "450521".parse()?;
    /// assert_eq!(c.rolled_up_to(RegionLevel::City).to_string(), "450500");
    /// let city: RegionCode = "450500".parse()?;
    /// assert_eq!(city.rolled_up_to(RegionLevel::County), city);
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn rolled_up_to(self, level: RegionLevel) -> RegionCode {
        match level {
            RegionLevel::Province => self.province(),
            RegionLevel::City if self.level() == RegionLevel::County => {
                RegionCode(self.0 / 100 * 100)
            }
            RegionLevel::City | RegionLevel::County => self,
        }
    }

    /// Whether `other` is this region or lies within it.
    pub fn contains(self, other: RegionCode) -> bool {
        match self.level() {
            RegionLevel::Province => self.0 == other.province().0,
            RegionLevel::City => self.0 == other.rolled_up_to(RegionLevel::City).0,
            RegionLevel::County => self == other,
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl FromStr for RegionCode {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<RegionCode, ParseError> {
        let t = s.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new(
                "region code",
                s,
                ParseErrorKind::Format("six ASCII digits PPCCDD"),
            ));
        }
        let n = t.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        RegionCode::new(n).map_err(|e| ParseError::new("region code", s, e.kind().clone()))
    }
}

/// Checks the text of an id (see [`id_problem`]).
fn check_id(what: &'static str, s: &str) -> Result<Arc<str>, ParseError> {
    match id_problem(s) {
        Some(kind) => Err(ParseError::new(what, s, kind)),
        None => Ok(Arc::from(s)),
    }
}

/// What is wrong with the text of an id, if anything: it must be 1–64 bytes, without
/// control characters, without white space at the ends, and without invisible characters
/// (a byte-order mark, zero-width and soft-hyphen characters, direction controls), which
/// would make two different ids look alike (`597` and `597` with a zero-width space). No
/// allocation: the bulk path asks it of every id that is not printable ASCII.
pub(crate) fn id_problem(s: &str) -> Option<ParseErrorKind> {
    if s.is_empty() {
        return Some(ParseErrorKind::Empty);
    }
    // Visible ASCII throughout (most ids) has nothing more to look for.
    let visible = s.bytes().all(|b| b.is_ascii_graphic());
    if s.len() > 64 || (!visible && (s.trim() != s || s.chars().any(char::is_control))) {
        return Some(ParseErrorKind::Format(
            "1–64 bytes without control characters or surrounding spaces",
        ));
    }
    if !visible && s.chars().any(invisible) {
        return Some(ParseErrorKind::Format(
            "no invisible characters in an id (byte-order mark U+FEFF, zero-width or direction marks; were files joined?)",
        ));
    }
    None
}

/// Characters that print as nothing (Unicode format characters): a soft hyphen, zero-width
/// spaces and joiners, direction marks and overrides, word joiners, a byte-order mark.
pub(crate) fn invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}')
}

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $example:literal) => {
        $(#[$doc])*
        ///
        /// Validated: 1–64 bytes, no control or invisible characters (a byte-order mark,
        /// zero-width or direction marks), no white space at either end.
        ///
        /// # Example
        ///
        /// ```
        #[doc = concat!("use fundtrack::dim::", stringify!($name), ";")]
        #[doc = concat!("let id: ", stringify!($name), " = \"", $example, "\".parse()?;")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(\" x\".parse::<", stringify!($name), ">().is_err());")]
        /// # Ok::<(), fundtrack::ParseError>(())
        /// ```
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<$name, ParseError> {
                check_id($what, s).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

text_id!(
    /// A project's id in the project pool (项目编号).
    ProjectId,
    "project id",
    "BH-2021-017"
);
text_id!(
    /// The id of an allocation, expenditure or adjustment record (记录编号).
    RecordId,
    "record id",
    "A-0001"
);
text_id!(
    /// A document number (文号), such as `桂财农〔2021〕1号`.
    DocNo,
    "document number",
    "桂财农〔2021〕1号"
);

/// A budget function code under 21305 (功能分类科目, 巩固脱贫攻坚成果衔接乡村振兴):
/// seven digits `21305xx`.
///
/// Item names change between years, so names are data the caller supplies per year.
///
/// # Example
///
/// ```
/// use fundtrack::dim::FunctionCode;
///
/// let c: FunctionCode = "2130505".parse()?;
/// assert_eq!(c.item(), 5);
/// assert!("2130600".parse::<FunctionCode>().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionCode(u32);

impl FunctionCode {
    /// The code for item `xx` of 21305 (1–99).
    ///
    /// # Errors
    ///
    /// When `item` is 0 or above 99.
    pub fn new(item: u32) -> Result<FunctionCode, ParseError> {
        if (1..=99).contains(&item) {
            Ok(FunctionCode(2_130_500 + item))
        } else {
            Err(ParseError::new(
                "function code",
                format!("21305{item:02}"),
                ParseErrorKind::Format("2130501–2130599"),
            ))
        }
    }

    /// The item number `xx`.
    pub fn item(self) -> u32 {
        self.0 % 100
    }
}

impl fmt::Display for FunctionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for FunctionCode {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<FunctionCode, ParseError> {
        let err = || {
            ParseError::new(
                "function code",
                s,
                ParseErrorKind::Format("seven digits 2130501–2130599"),
            )
        };
        let t = s.trim();
        let item = t
            .strip_prefix("21305")
            .filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(err)?;
        let n = item.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        FunctionCode::new(n).map_err(|_| err())
    }
}

#[cfg(feature = "serde")]
mod wire {
    use super::{FunctionCode, RegionCode};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::borrow::Cow;

    impl Serialize for RegionCode {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }
    impl<'de> Deserialize<'de> for RegionCode {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RegionCode, D::Error> {
            Cow::<'de, str>::deserialize(d)?
                .parse()
                .map_err(serde::de::Error::custom)
        }
    }
    impl Serialize for FunctionCode {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }
    impl<'de> Deserialize<'de> for FunctionCode {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FunctionCode, D::Error> {
            Cow::<'de, str>::deserialize(d)?
                .parse()
                .map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_tiers_and_parents() {
        let p: RegionCode = "450000".parse().unwrap();
        let c: RegionCode = "450500".parse().unwrap();
        let k: RegionCode = "450502".parse().unwrap();
        assert_eq!(
            (p.level(), c.level(), k.level()),
            (
                RegionLevel::Province,
                RegionLevel::City,
                RegionLevel::County
            )
        );
        assert_eq!(k.parent(), Some(c));
        assert_eq!(c.parent(), Some(p));
        assert_eq!(p.parent(), None);
        assert!(p.contains(k) && c.contains(k) && k.contains(k) && !k.contains(c));
        assert!(!"460000".parse::<RegionCode>().unwrap().contains(k));
        for bad in ["45050", "4505021", "45a502", "100000", "450002", " "] {
            assert!(bad.parse::<RegionCode>().is_err(), "{bad}");
        }
    }
}
