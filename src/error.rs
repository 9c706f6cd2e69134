//! Errors for text that does not parse into a value (解析错误).
//!
//! Cross-record errors live beside the ledger ([`crate::ledger::LedgerError`]); this module
//! holds the one error type for a single value read from text or built from parts: amounts,
//! codes, vocabularies and dates.

use std::fmt;

/// A value could not be read from its text or built from its parts (输入值无效).
///
/// The message quotes the input and says what is wrong and where:
///
/// ```
/// use fundtrack::Money;
///
/// let err = "30,700.4.8万元".parse::<Money>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid amount "30,700.4.8万元": second decimal point at byte 8"#,
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {input:?}: {kind}")]
pub struct ParseError {
    what: &'static str,
    input: String,
    kind: ParseErrorKind,
}

impl ParseError {
    /// An error quoting the start of `input` ([`start_of`]): a long bad value is not copied
    /// whole into its error.
    pub(crate) fn new(what: &'static str, input: impl Into<String>, kind: ParseErrorKind) -> Self {
        let mut input = input.into();
        shorten(&mut input);
        ParseError { what, input, kind }
    }

    /// What was being read: `"amount"`, `"region code"`, `"fund level"`, ….
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The text as it was given, or its first 40 bytes and `…` when it is longer (an error
    /// quotes a short prefix of a bad value, never a whole long field).
    ///
    /// ```
    /// use fundtrack::Money;
    ///
    /// let err = "9".repeat(1 << 20).parse::<Money>().unwrap_err();
    /// assert_eq!(err.input(), format!("{}…", "9".repeat(40)));
    /// ```
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The rule the input broke.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

/// The most bytes of a bad value an error quotes.
pub(crate) const QUOTED: usize = 40;

/// How a bad value is quoted in an error, by every reader: whole when it is at most
/// [`QUOTED`] bytes, else its first [`QUOTED`] bytes (a character cut there dropped) and
/// `…`. Bytes that are not UTF-8 show as U+FFFD.
pub(crate) fn start_of(b: &[u8]) -> String {
    if b.len() <= QUOTED {
        return String::from_utf8_lossy(b).into_owned();
    }
    // Back to the start of the character cut (UTF-8 continuation bytes are 10xxxxxx).
    let mut end = QUOTED;
    while end > QUOTED - 3 && b.get(end).is_some_and(|c| c & 0xC0 == 0x80) {
        end -= 1;
    }
    let mut text = String::from_utf8_lossy(b.split_at(end).0).into_owned();
    text.push('…');
    text
}

/// [`start_of`] in place, for text that may be cut already (then it is kept).
pub(crate) fn shorten(text: &mut String) {
    let cut = text.len() <= QUOTED + '…'.len_utf8() && text.ends_with('…');
    if text.len() > QUOTED && !cut {
        *text = start_of(text.as_bytes());
    }
}

/// The rule an input broke; part of a [`ParseError`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Nothing but white space.
    Empty,
    /// A character that has no place there; `at` is a byte offset into the input.
    UnexpectedChar {
        /// The character.
        ch: char,
        /// Its byte offset.
        at: usize,
    },
    /// An exponent such as `1e5`: amounts are written out in full.
    Exponent {
        /// Byte offset of the `e`.
        at: usize,
    },
    /// A second decimal point.
    SecondPoint {
        /// Byte offset of the second point.
        at: usize,
    },
    /// A thousands separator in the wrong place (groups of three digits, integer part only);
    /// `at` is the separator whose group is wrong.
    BadGrouping {
        /// Byte offset of the separator.
        at: usize,
    },
    /// No digits where digits were expected.
    NoDigits,
    /// A decimal point without digits on one side (`12.`, `.5`).
    BarePoint {
        /// Byte offset of the point.
        at: usize,
    },
    /// More decimals of 元 than the 2 a 分 allows.
    TooManyDecimals {
        /// Decimal places of 元 the input has.
        decimals: u32,
    },
    /// A negative zero such as `-0`: a sign on zero hides a typing error.
    NegativeZero,
    /// A rounding to more decimal places than a printed figure can have.
    TooManyPlaces {
        /// The places asked for.
        places: u32,
        /// The most allowed ([`crate::money::MAX_DP`]).
        max: u32,
    },

    /// Too large to hold.
    Overflow,
    /// The wrong length or shape for a code; the text says what was expected.
    Format(&'static str),
    /// Not one of the names this vocabulary knows; the text lists them.
    Unknown(&'static str),
    /// A label outside a closed vocabulary (categories: SPEC §2), with the nearest known
    /// label when one is close.
    NotInVocabulary {
        /// The nearest known label.
        suggestion: Option<String>,
        /// Every known label, comma-separated.
        known: String,
    },
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::Empty => f.write_str("empty"),
            ParseErrorKind::UnexpectedChar { ch, at } => {
                write!(f, "unexpected character {ch:?} at byte {at}")
            }
            ParseErrorKind::Exponent { at } => {
                write!(f, "exponent at byte {at} (write the amount out in full)")
            }
            ParseErrorKind::SecondPoint { at } => write!(f, "second decimal point at byte {at}"),
            ParseErrorKind::BadGrouping { at } => {
                write!(f, "thousands separator out of place at byte {at}")
            }
            ParseErrorKind::NoDigits => f.write_str("no digits"),
            ParseErrorKind::BarePoint { at } => {
                write!(f, "decimal point at byte {at} needs digits on both sides")
            }
            ParseErrorKind::TooManyDecimals { decimals } => {
                write!(
                    f,
                    "{decimals} decimal places of 元 (at most 2: amounts are whole 分)"
                )
            }
            ParseErrorKind::NegativeZero => f.write_str("negative zero"),
            ParseErrorKind::TooManyPlaces { places, max } => {
                write!(f, "{places} decimal places (at most {max})")
            }

            ParseErrorKind::Overflow => {
                f.write_str("too large (at most 792281625142643375935439503.35元)")
            }
            ParseErrorKind::Format(expected) => write!(f, "expected {expected}"),
            ParseErrorKind::Unknown(known) => write!(f, "unknown; expected one of {known}"),
            ParseErrorKind::NotInVocabulary {
                suggestion: Some(s),
                ..
            } => write!(f, "unknown; did you mean {s}?"),
            ParseErrorKind::NotInVocabulary {
                suggestion: None,
                known,
            } => write!(
                f,
                "unknown; expected one of {known} (declare a locality's own category first)"
            ),
        }
    }
}
