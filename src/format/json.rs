//! JSON export and import of records and reports (feature `serde`).
//!
//! Amounts are strings of exact 元 (`"30700.48"`) and ratios are unrounded
//! `{"numerator": "…", "denominator": "…"}` pairs of strings, whatever features of
//! `rust_decimal` a program turns on (its `serde-float` cannot change our JSON).

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A value could not be written as JSON, or JSON text could not be read as a value (JSON 错误).
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::format::from_json;
///
/// let err = from_json::<Money>("\n  30700.48").unwrap_err();
/// assert!(err.to_string().starts_with("JSON line 2 column"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("JSON line {line} column {column}: {message}")]
pub struct JsonError {
    line: usize,
    column: usize,
    message: String,
}

impl JsonError {
    fn from_serde(e: &serde_json::Error) -> JsonError {
        // serde_json's message ends with " at line L column C"; we say where first.
        let text = e.to_string();
        let message = text
            .rfind(" at line ")
            .and_then(|i| text.get(..i))
            .unwrap_or(&text)
            .to_owned();
        JsonError {
            line: e.line(),
            column: e.column(),
            message,
        }
    }

    /// The 1-based line of the problem (0 when writing).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the problem (0 when writing).
    pub fn column(&self) -> usize {
        self.column
    }
}

/// Any record or report as pretty-printed JSON (2-space indent, keys in declaration order).
///
/// # Errors
///
/// Only when a value cannot be represented in JSON (a map with non-string keys).
///
/// # Example
///
/// ```
/// use fundtrack::format::to_json;
/// use fundtrack::report::Progress;
///
/// let row = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
/// let json = to_json(&row)?;
/// assert!(json.contains(r#""allocated": "397570900.00""#), "{json}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    serde_json::to_string_pretty(value).map_err(|e| JsonError::from_serde(&e))
}

/// A record or report read back from JSON written by [`to_json`].
///
/// # Errors
///
/// When the text is not JSON or not the shape of `T`, with the line and column.
///
/// # Example
///
/// ```
/// use fundtrack::format::{from_json, to_json};
/// use fundtrack::report::Progress;
///
/// let row = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
/// assert_eq!(from_json::<Progress>(&to_json(&row)?)?, row);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    serde_json::from_str(text).map_err(|e| {
        let mut err = JsonError::from_serde(&e);
        if err.line == 0 {
            // A value that parsed but broke a rule of its type at the top level (a report
            // whose rows do not add up): serde_json has no position for it. The value is
            // the whole text: name where it ends.
            let end = text.trim_end();
            err.line = end.matches('\n').count() + 1;
            err.column = end.rsplit('\n').next().map_or(0, |l| l.chars().count());
        }
        err
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Money, Ratio};

    #[test]
    fn money_and_ratio_are_strings() {
        let m: Money = "1234.5元".parse().unwrap();
        assert_eq!(to_json(&m).unwrap(), "\"1234.50\"");
        let r = Ratio::of(m, Money::from_fen(300)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&to_json(&r).unwrap()).unwrap();
        assert!(
            v["numerator"].is_string() && v["denominator"].is_string(),
            "{v}"
        );
        assert_eq!(from_json::<Ratio>(&to_json(&r).unwrap()).unwrap(), r);
    }

    #[test]
    fn duplicated_keys_and_rule_errors_say_where() {
        let e = from_json::<Ratio>(r#"{"numerator":"1","denominator":"2","numerator":"5"}"#)
            .unwrap_err();
        assert!(e.to_string().contains("duplicate field `numerator`"), "{e}");
        assert_eq!(e.line(), 1);
        let e = from_json::<Ratio>("{\n \"numerator\": \"1\",\n \"denominator\": \"0\"\n}\n")
            .unwrap_err();
        assert_ne!((e.line(), e.column()), (0, 0), "{e}");
    }
}
