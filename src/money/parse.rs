//! Reading amounts as finance documents write them.

use rust_decimal::Decimal;

use super::{Money, Unit};
use crate::error::{ParseError, ParseErrorKind};

/// Maps full-width forms to ASCII: digits, `．`, `，`, `－`, `＋`.
fn ascii_form(c: char) -> char {
    match c {
        '０' => '0',
        '１' => '1',
        '２' => '2',
        '３' => '3',
        '４' => '4',
        '５' => '5',
        '６' => '6',
        '７' => '7',
        '８' => '8',
        '９' => '9',
        '．' => '.',
        '，' => ',',
        '－' => '-',
        '＋' => '+',
        _ => c,
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Parses an amount with an optional unit suffix (元, 万元, 亿元, 万, 亿) and an optional
/// currency prefix (￥, ¥, 人民币), with a sign before or after it (`-¥5` and `¥-5` alike,
/// one sign only). Thousands separators must group the integer part by
/// three. The digits are read exactly; the amount must come to whole 分.
pub(crate) fn parse_money(input: &str) -> Result<Money, ParseError> {
    const PREFIXES: [&str; 3] = ["人民币", "￥", "¥"];
    let err = |kind| ParseError::new("amount", input, kind);
    let body = input.trim_matches(is_space);
    if body.is_empty() {
        return Err(err(ParseErrorKind::Empty));
    }
    // Byte offset of `body` inside `input`, so positions point into what the user wrote.
    let base = input.len() - input.trim_start_matches(is_space).len();

    let (body, unit) = split_unit(body);
    let body = body.trim_end_matches(is_space);

    let mut digits = String::with_capacity(body.len());
    let mut negative = false;
    let mut seen_sign = false;
    let mut seen_digit = false;
    let mut point: Option<usize> = None;
    // Digits since the last separator, and whether a separator has been seen.
    let mut group_len = 0usize;
    let mut grouped = false;
    let mut last_sep = 0usize;
    let mut rest = body;
    // A sign may stand before the currency sign (`-¥5`) as well as after it (`¥-5`); one
    // sign only.
    if let Some(c) = rest.chars().next() {
        let sign = ascii_form(c);
        let after = rest.get(c.len_utf8()..).unwrap_or("");
        let after = after.trim_start_matches(is_space);
        if (sign == '-' || sign == '+') && PREFIXES.iter().any(|p| after.starts_with(p)) {
            seen_sign = true;
            negative = sign == '-';
            rest = after;
        }
    }
    for prefix in PREFIXES {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start_matches(is_space);
            break;
        }
    }
    let skipped = body.len() - rest.len();

    for (i, raw) in rest.char_indices() {
        let at = base + skipped + i;
        match ascii_form(raw) {
            d @ '0'..='9' => {
                digits.push(d);
                seen_digit = true;
                group_len += 1;
            }
            '-' | '+' if !seen_sign && !seen_digit && point.is_none() => {
                seen_sign = true;
                negative = ascii_form(raw) == '-';
            }
            '.' => {
                if point.is_some() {
                    return Err(err(ParseErrorKind::SecondPoint { at }));
                }
                if grouped && group_len != 3 {
                    return Err(err(ParseErrorKind::BadGrouping { at: last_sep }));
                }
                point = Some(at);
                digits.push('.');
                group_len = 0;
            }
            ',' => {
                let first_ok = !grouped && (1..=3).contains(&group_len);
                let next_ok = grouped && group_len == 3;
                if point.is_some() || !(first_ok || next_ok) {
                    let at = if grouped && point.is_none() {
                        last_sep
                    } else {
                        at
                    };
                    return Err(err(ParseErrorKind::BadGrouping { at }));
                }
                grouped = true;
                last_sep = at;
                group_len = 0;
            }
            'e' | 'E' if seen_digit => return Err(err(ParseErrorKind::Exponent { at })),
            ch => return Err(err(ParseErrorKind::UnexpectedChar { ch, at })),
        }
    }
    if grouped && point.is_none() && group_len != 3 {
        return Err(err(ParseErrorKind::BadGrouping { at: last_sep }));
    }
    if !seen_digit {
        return Err(err(ParseErrorKind::NoDigits));
    }
    // `12.` and `.5` are typing slips in a finance table, not amounts.
    if let Some(at) = point.filter(|_| digits.starts_with('.') || digits.ends_with('.')) {
        return Err(err(ParseErrorKind::BarePoint { at }));
    }
    let value = Decimal::from_str_exact(&digits).map_err(|_| err(ParseErrorKind::Overflow))?;
    if value.is_zero() && negative {
        return Err(err(ParseErrorKind::NegativeZero));
    }
    let value = if negative { -value } else { value };
    Money::in_unit(value, unit).map_err(|e| err(e.kind().clone()))
}

fn split_unit(body: &str) -> (&str, Unit) {
    for (suffix, unit) in [
        ("万元", Unit::Wan),
        ("亿元", Unit::Yi),
        ("元", Unit::Yuan),
        ("万", Unit::Wan),
        ("亿", Unit::Yi),
    ] {
        if let Some(rest) = body.strip_suffix(suffix) {
            return (rest, unit);
        }
    }
    (body, Unit::Yuan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> i128 {
        s.parse::<Money>()
            .map_or_else(|e| panic!("{e}"), Money::to_fen)
    }

    fn fails(s: &str) -> String {
        s.parse::<Money>()
            .map(|m| m.to_string())
            .expect_err(s)
            .to_string()
    }

    #[test]
    fn accepts_document_forms() {
        assert_eq!(fen("30700.48万元"), 30_700_480_000);
        assert_eq!(fen("4.49亿元"), 44_900_000_000);
        assert_eq!(fen("4.49 亿元"), 44_900_000_000);
        assert_eq!(fen("1,234.56元"), 123_456);
        assert_eq!(fen("１，２３４．５６元"), 123_456);
        assert_eq!(fen("￥1,234,567"), 123_456_700);
        // A sign before or after the currency sign, one rule for both.
        assert_eq!(fen("¥-5"), -500);
        assert_eq!(fen("-¥5"), -500);
        assert_eq!(fen("－￥5"), -500);
        assert_eq!(fen("- ¥ 5"), -500);
        assert_eq!(fen("+¥5"), 500);
        assert_eq!(fen("-人民币5元"), -500);
        assert_eq!(fen("人民币 12元"), 1200);
        assert_eq!(fen("-0.01"), -1);
        assert_eq!(fen("  0  "), 0);
        assert_eq!(fen("0.000001万元"), 1);
    }

    #[test]
    fn rejects_with_position() {
        assert_eq!(
            fails("1e5"),
            r#"invalid amount "1e5": exponent at byte 1 (write the amount out in full)"#
        );
        assert!(fails("12.345元").contains("3 decimal places of 元"));
        assert!(
            fails("-¥-5").contains("unexpected character '-'"),
            "{}",
            fails("-¥-5")
        );
        assert!(fails("-5¥").contains("unexpected character"));
        assert!(fails("30,700.4.8万元").contains("second decimal point at byte 8"));
        assert!(fails("").contains("empty"));
        assert!(fails("-0").contains("negative zero"));
        assert!(fails("1,23").contains("thousands separator"));
        assert!(fails("1234,567").contains("thousands separator"));
        assert!(fails("１２a").contains("unexpected character 'a' at byte 6"));
        assert!(fails("99999999999999999999999999999999").contains("too large"));
        assert!(fails("9999999999999999999999亿元").contains("too large"));
        assert!(fails("12.").contains("decimal point at byte 2 needs digits on both sides"));
        assert!(fails("1,23").contains("thousands separator out of place at byte 1"));
        assert!(fails("元").contains("no digits"));
        assert!(fails("--1").contains("unexpected character '-'"));
    }

    #[test]
    fn display_parses_back() {
        for f in [0i64, 1, -1, 99, 100, 123_456_789, -987_654_321_012] {
            let m = Money::from_fen(f);
            assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        }
    }
}
