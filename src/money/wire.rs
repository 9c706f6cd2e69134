//! The serde wire format of money and ratios: decimal strings, whatever `rust_decimal`'s own
//! serde features say, so a downstream `serde-float` cannot change our JSON.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use num_bigint::BigInt;

use super::{Money, PercentagePoints, Ratio};
use crate::error::{ParseError, ParseErrorKind};

impl Serialize for Money {
    /// `"30700.48"`: exact 元 with 2 decimals, as a string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.as_decimal())
    }
}

/// What an amount on the wire must look like, for error messages.
const PLAIN_YUAN: &str = "元 as a plain decimal string such as \"1234.56\" \
     (JSON takes no unit, thousands separator or full-width digit)";

impl<'de> Deserialize<'de> for Money {
    /// 元 as a plain decimal string, as [`Serialize`] writes it: `"30700.48"`, `"-5"`,
    /// `"0.1"` — an optional `-`, ASCII digits, optionally a point and digits. The spellings
    /// people type (`"30700.48万元"`, `"1,000.00"`, full-width digits) are for the
    /// tabular readers; JSON is written by programs, and a unit or separator there is a
    /// sign of a wrong field (DESIGN.md, "One rule set"). The digits are read by
    /// [`Money`]'s `FromStr`, so the other rules (at most 2 decimals, no `-0`, range) are
    /// its own.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(PLAIN_YUAN)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                if !plain_decimal(v) {
                    return Err(E::custom(ParseError::new(
                        "amount",
                        v,
                        ParseErrorKind::Format(PLAIN_YUAN),
                    )));
                }
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// `-?[0-9]+(\.[0-9]+)?`: the shape of an amount on the wire.
fn plain_decimal(v: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = v.strip_prefix('-').unwrap_or(v);
    match unsigned.split_once('.') {
        Some((whole, frac)) => digits(whole) && digits(frac),
        None => digits(unsigned),
    }
}

fn decimal_from<E: de::Error>(v: &str) -> Result<Decimal, E> {
    Decimal::from_str_exact(v).map_err(|e| E::custom(format!("invalid decimal {v:?}: {e}")))
}

impl Serialize for Ratio {
    /// `{"numerator":"30700.48","denominator":"39757.09"}`: the exact quotient, unrounded.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Ratio", 2)?;
        st.serialize_field("numerator", &self.numerator().to_string())?;
        st.serialize_field("denominator", &self.denominator().to_string())?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ratio, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ratio;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ratio {\"numerator\": \"…\", \"denominator\": \"…\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ratio, A::Error> {
                let (mut n, mut d) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let v: String = map.next_value()?;
                    match key.as_str() {
                        "numerator" if n.is_some() => {
                            return Err(de::Error::duplicate_field("numerator"));
                        }
                        "denominator" if d.is_some() => {
                            return Err(de::Error::duplicate_field("denominator"));
                        }
                        "numerator" => n = Some(decimal_from(&v)?),
                        "denominator" => d = Some(decimal_from(&v)?),
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["numerator", "denominator"],
                            ));
                        }
                    }
                }
                let n = n.ok_or_else(|| de::Error::missing_field("numerator"))?;
                let d = d.ok_or_else(|| de::Error::missing_field("denominator"))?;
                Ratio::new(n, d).map_err(de::Error::custom)
            }
        }
        d.deserialize_struct("Ratio", &["numerator", "denominator"], V)
    }
}

impl Serialize for PercentagePoints {
    /// `{"numerator":"…","denominator":"…"}`: the exact difference of two ratios as big
    /// integers (the gap in points is 100 × numerator ÷ denominator).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (n, d) = self.parts();
        let mut st = s.serialize_struct("PercentagePoints", 2)?;
        st.serialize_field("numerator", &n.to_string())?;
        st.serialize_field("denominator", &d.to_string())?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for PercentagePoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PercentagePoints, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Parts {
            numerator: String,
            denominator: String,
        }
        let p = Parts::deserialize(d)?;
        let big = |v: &str| {
            v.parse::<BigInt>()
                .map_err(|e| de::Error::custom(format!("invalid integer {v:?}: {e}")))
        };
        PercentagePoints::from_parts(big(&p.numerator)?, big(&p.denominator)?).ok_or_else(|| {
            de::Error::custom(
                "a percentage-point gap needs a positive denominator and a size within ±2×10¹⁷ points",
            )
        })
    }
}
