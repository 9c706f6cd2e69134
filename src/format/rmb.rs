//! 人民币大写: amounts in capital Chinese numerals, by the PBOC rules (《支付结算办法》
//! 附件《正确填写票据和结算凭证的基本规定》).

use crate::money::Money;

/// Options for [`rmb_upper_with`]: the `人民币` prefix and `整` after 角.
///
/// # Example
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::format::{RmbUpper, rmb_upper_with};
///
/// let m: Money = "0.50元".parse()?;
/// assert_eq!(rmb_upper_with(m, RmbUpper::new()), "人民币伍角");
/// assert_eq!(rmb_upper_with(m, RmbUpper::new().zheng_after_jiao().without_prefix()), "伍角整");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RmbUpper {
    prefix: bool,
    zheng_after_jiao: bool,
}

impl Default for RmbUpper {
    fn default() -> RmbUpper {
        RmbUpper::new()
    }
}

impl RmbUpper {
    /// With the `人民币` prefix and no `整` after 角 (both as [`rmb_upper`] prints).
    pub const fn new() -> RmbUpper {
        RmbUpper {
            prefix: true,
            zheng_after_jiao: false,
        }
    }

    /// Leaves out the `人民币` prefix (for a form that prints it already).
    #[must_use]
    pub const fn without_prefix(mut self) -> RmbUpper {
        self.prefix = false;
        self
    }

    /// Writes `整` after 角 when there are no 分 (`伍角整`); the rules allow either.
    #[must_use]
    pub const fn zheng_after_jiao(mut self) -> RmbUpper {
        self.zheng_after_jiao = true;
        self
    }
}

/// An amount in 人民币大写 (capital numerals), by the PBOC rules.
///
/// - `整` after 元 when there are no 角 or 分; none after 分; not after 角 (see
///   [`RmbUpper::zheng_after_jiao`]).
/// - A run of zeros inside the number is one `零`, also across 万 and 亿 groups
///   (100010000 → 壹亿零壹万元整, 12000012412421 → 壹拾贰万亿零壹仟…); an all-zero group
///   drops its unit. Zeros at the end of a group before a group whose 仟 digit is not zero
///   are not written (107000.53 → 壹拾万柒仟元伍角叁分, the rules' example; they allow
///   either form).
/// - `零` after 元 when 角 is 0 and 分 is not (16409.02 → …元零贰分); when only the 元 digit
///   is 0 and 角 is not, no `零` is written (1680.32 → 壹仟陆佰捌拾元叁角贰分), one of the
///   two forms the rules allow.
/// - 10–19 are written `壹拾…` (the rules require the 壹); amounts under one 元 start with
///   角 or 分 (0.05 → 人民币伍分); zero is `人民币零元整`.
/// - Units above 亿 nest: 10¹² is 壹万亿, 10¹⁶ 壹亿亿, 10¹⁶ + 10⁸ 壹亿亿零壹亿; 10001 × 10⁸
///   is 壹万零壹亿.
/// - A negative amount is written with `负` after the prefix: `人民币负壹佰元整`.
///
/// [`Money`] is always whole 分, so there is nothing to round. To write a decimal with more
/// places, round it first and say so: `Money::yuan(Rounding::default().apply(d))`;
/// `Money::yuan(d)` alone rejects a third decimal place.
///
/// # Example
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::format::rmb_upper;
///
/// assert_eq!(rmb_upper("16409.02元".parse()?), "人民币壹万陆仟肆佰零玖元零贰分");
/// assert_eq!(rmb_upper("1.0001亿元".parse()?), "人民币壹亿零壹万元整");
/// assert_eq!(rmb_upper(Money::ZERO), "人民币零元整");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn rmb_upper(m: Money) -> String {
    rmb_upper_with(m, RmbUpper::new())
}

/// An amount in 人民币大写 with options; see [`rmb_upper`] for the rules.
///
/// # Example
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::format::{RmbUpper, rmb_upper_with};
///
/// let m: Money = "-100.3元".parse()?;
/// assert_eq!(rmb_upper_with(m, RmbUpper::new().without_prefix()), "负壹佰元叁角");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub fn rmb_upper_with(m: Money, options: RmbUpper) -> String {
    let fen = m.to_fen().unsigned_abs();
    let yuan = fen / 100;
    let jiao = fen / 10 % 10;
    let fen_digit = fen % 10;
    let mut out = String::new();
    if options.prefix {
        out.push_str("人民币");
    }
    if m.is_negative() {
        out.push('负');
    }
    if fen == 0 {
        out.push_str("零元整");
        return out;
    }
    if yuan > 0 {
        integer(yuan, &mut out);
        out.push('元');
    }
    match (jiao, fen_digit) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push_str(digit(j));
            out.push('角');
            if options.zheng_after_jiao {
                out.push('整');
            }
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push_str(digit(f));
            out.push('分');
        }
        (j, f) => {
            out.push_str(digit(j));
            out.push('角');
            out.push_str(digit(f));
            out.push('分');
        }
    }
    out
}

/// The capital numeral of the last decimal digit of `n` (callers pass a digit 0–9).
fn digit(n: u128) -> &'static str {
    match n % 10 {
        0 => "零",
        1 => "壹",
        2 => "贰",
        3 => "叁",
        4 => "肆",
        5 => "伍",
        6 => "陆",
        7 => "柒",
        8 => "捌",
        _ => "玖",
    }
}

/// Writes a positive integer in capital numerals (no 元).
///
/// Digits are read in sections of four from the right, with units 万, 亿, 万亿, 亿亿, …
/// (a section above 亿 whose next section down is not zero leaves its 亿 to that
/// section: 10001 × 10⁸ is 壹万零壹亿, not 壹万亿零壹亿). A run of zeros between two
/// digits is one `零`, across sections too; an all-zero section writes no unit. The one
/// run left unwritten is the one the rules leave to the writer: zeros at the end of a
/// section, within it, before a section whose 仟 digit is not zero (107000 →
/// 壹拾万柒仟, the rules' own example).
fn integer(n: u128, out: &mut String) {
    // Decimal digits, least significant first.
    let mut digits = Vec::with_capacity(40);
    let mut rest = n;
    while rest > 0 {
        digits.push(rest % 10);
        rest /= 10;
    }
    let section = |k: usize| -> u128 {
        digits
            .iter()
            .skip(4 * k)
            .take(4)
            .rev()
            .fold(0, |acc, &d| acc * 10 + d)
    };
    // The highest zero of the current run, when one is open after a digit.
    let mut zeros: Option<usize> = None;
    for (p, &d) in digits.iter().enumerate().rev() {
        if d == 0 {
            if zeros.is_none() {
                zeros = Some(p);
            }
        } else {
            if let Some(top) = zeros.take() {
                // The run is positions p + 1 ..= top.
                let end = p + 1;
                let within_one_section = end % 4 == 0 && top - end < 3;
                if !within_one_section {
                    out.push('零');
                }
            }
            out.push_str(digit(d));
            out.push_str(["", "拾", "佰", "仟"].get(p % 4).copied().unwrap_or(""));
        }
        if p % 4 == 0 {
            let k = p / 4;
            if section(k) != 0 {
                if k % 2 == 1 {
                    out.push('万');
                }
                if k % 2 == 0 || section(k - 1) == 0 {
                    for _ in 0..k / 2 {
                        out.push('亿');
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(s: &str) -> String {
        rmb_upper(s.parse().unwrap())
    }

    #[test]
    fn pboc_examples() {
        assert_eq!(up("16409.02"), "人民币壹万陆仟肆佰零玖元零贰分");
        assert_eq!(up("1680.32"), "人民币壹仟陆佰捌拾元叁角贰分");
        assert_eq!(up("107000.53"), "人民币壹拾万柒仟元伍角叁分");
        assert_eq!(up("325.04"), "人民币叁佰贰拾伍元零肆分");
        assert_eq!(up("10"), "人民币壹拾元整");
        assert_eq!(up("0.05"), "人民币伍分");
        assert_eq!(up("0.5"), "人民币伍角");
        assert_eq!(up("1000000000000"), "人民币壹万亿元整");
        assert_eq!(up("10000000000000000"), "人民币壹亿亿元整");
        assert_eq!(up("100000001"), "人民币壹亿零壹元整");
        assert_eq!(up("-0.01"), "人民币负壹分");
    }

    #[test]
    fn every_digit_has_its_numeral() {
        let all: String = (0..10u128).map(digit).collect();
        assert_eq!(all, "零壹贰叁肆伍陆柒捌玖");
        assert_eq!(
            up("9876543210.98元"),
            "人民币玖拾捌亿柒仟陆佰伍拾肆万叁仟贰佰壹拾元玖角捌分"
        );
    }

    /// Many amounts against their 大写, written out by hand by the rules (the PBOC
    /// examples, and the usual test suites' cases).
    #[test]
    fn many_amounts() {
        for (n, want) in [
            ("0", "人民币零元整"),
            ("0.01", "人民币壹分"),
            ("0.1", "人民币壹角"),
            ("0.11", "人民币壹角壹分"),
            ("1", "人民币壹元整"),
            ("1.01", "人民币壹元零壹分"),
            ("1.1", "人民币壹元壹角"),
            ("10.5", "人民币壹拾元伍角"),
            ("11", "人民币壹拾壹元整"),
            ("100", "人民币壹佰元整"),
            ("101", "人民币壹佰零壹元整"),
            ("110", "人民币壹佰壹拾元整"),
            ("1001", "人民币壹仟零壹元整"),
            ("1010", "人民币壹仟零壹拾元整"),
            ("1100", "人民币壹仟壹佰元整"),
            ("1409.50", "人民币壹仟肆佰零玖元伍角"),
            ("6007.14", "人民币陆仟零柒元壹角肆分"),
            ("10000", "人民币壹万元整"),
            ("10001", "人民币壹万零壹元整"),
            ("10010", "人民币壹万零壹拾元整"),
            ("10100", "人民币壹万零壹佰元整"),
            ("11000", "人民币壹万壹仟元整"),
            ("100000", "人民币壹拾万元整"),
            ("100100", "人民币壹拾万零壹佰元整"),
            ("101000", "人民币壹拾万壹仟元整"),
            ("1000000", "人民币壹佰万元整"),
            ("10000000", "人民币壹仟万元整"),
            ("100000000", "人民币壹亿元整"),
            ("100000001", "人民币壹亿零壹元整"),
            ("100001000", "人民币壹亿零壹仟元整"),
            ("100010000", "人民币壹亿零壹万元整"),
            ("101000000", "人民币壹亿零壹佰万元整"),
            ("110000000", "人民币壹亿壹仟万元整"),
            ("1200000000", "人民币壹拾贰亿元整"),
            ("1200001241", "人民币壹拾贰亿零壹仟贰佰肆拾壹元整"),
            ("10000001000", "人民币壹佰亿零壹仟元整"),
            ("1000000000000", "人民币壹万亿元整"),
            (
                "1200012412421",
                "人民币壹万贰仟亿壹仟贰佰肆拾壹万贰仟肆佰贰拾壹元整",
            ),
            (
                "12000012412421",
                "人民币壹拾贰万亿零壹仟贰佰肆拾壹万贰仟肆佰贰拾壹元整",
            ),
            ("1000100000000", "人民币壹万零壹亿元整"),
            ("2000000000003", "人民币贰万亿零叁元整"),
            ("10000000000000000", "人民币壹亿亿元整"),
            ("10000000100000000", "人民币壹亿亿零壹亿元整"),
            ("10001000000000000", "人民币壹亿亿零壹万亿元整"),
            ("10000000000000001.5", "人民币壹亿亿零壹元伍角"),
            ("-1", "人民币负壹元整"),
        ] {
            assert_eq!(up(n), want, "{n}");
        }
    }
}
