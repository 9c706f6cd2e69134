//! The serde wire format of money and ratios: decimal strings, whatever `rust_decimal`'s own
//! serde features say, so a downstream `serde-float` cannot change our JSON.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::{Money, Ratio};

impl Serialize for Money {
    /// `"30700.48"`: exact 元 with 2 decimals, as a string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.as_decimal())
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Any text [`Money`]'s `FromStr` accepts (`"30700.48"`, `"30700.48万元"`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of 元 as a string, such as \"1234.56\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
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
