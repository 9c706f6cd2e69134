//! Printing amounts in 元, 万元 or 亿元 at a chosen precision.

use rust_decimal::Decimal;

use crate::money::{Money, Rounding, Unit};
use crate::report::Average;

/// How an amount is printed (金额格式): unit, rounding, thousands separators, suffix.
///
/// The default is 万元, half-up to 2 places, no separators, with the unit suffix:
/// `30700.48万元`. Thousands separators are for text only; machine formats
/// ([`execution_csv`](super::execution_csv), JSON) never use them.
///
/// What a format prints parses back to the same [`Money`] whenever its precision keeps every
/// 分 (2 places in 元, 6 in 万元, 10 in 亿元; see [`MoneyFormat::is_exact`]).
///
/// # Example
///
/// ```
/// use fundtrack::Money;
/// use fundtrack::format::MoneyFormat;
/// use fundtrack::money::Unit;
///
/// let m: Money = "1234567.89元".parse()?;
/// assert_eq!(MoneyFormat::default().render(m), "123.46万元");
/// assert_eq!(MoneyFormat::new(Unit::Yuan).thousands().render(m), "1,234,567.89元");
/// let exact = MoneyFormat::new(Unit::Wan).exact();
/// assert_eq!(exact.render(m), "123.456789万元");
/// assert_eq!(exact.render(m).parse::<Money>()?, m);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoneyFormat {
    unit: Unit,
    rounding: Rounding,
    thousands: bool,
    suffix: bool,
}

impl Default for MoneyFormat {
    fn default() -> MoneyFormat {
        MoneyFormat::new(Unit::Wan)
    }
}

impl MoneyFormat {
    /// Amounts in `unit`, half-up to 2 places, with the unit suffix and no separators.
    pub const fn new(unit: Unit) -> MoneyFormat {
        MoneyFormat {
            unit,
            rounding: Rounding::HALF_UP_2,
            thousands: false,
            suffix: true,
        }
    }

    /// Rounds with `rounding` (mode and places) instead of half-up to 2 places.
    #[must_use]
    pub const fn rounding(mut self, rounding: Rounding) -> MoneyFormat {
        self.rounding = rounding;
        self
    }

    /// Shows every 分 in this unit (2 places in 元, 6 in 万元, 10 in 亿元): nothing is rounded.
    #[must_use]
    pub const fn exact(mut self) -> MoneyFormat {
        self.rounding = Rounding::known(self.rounding.mode(), self.unit_exponent() + 2);
        self
    }

    /// Groups the integer digits by three with `,` (text only).
    #[must_use]
    pub const fn thousands(mut self) -> MoneyFormat {
        self.thousands = true;
        self
    }

    /// Leaves out the unit suffix (for table cells whose header names the unit).
    #[must_use]
    pub const fn without_unit(mut self) -> MoneyFormat {
        self.suffix = false;
        self
    }

    /// The unit.
    pub const fn unit(&self) -> Unit {
        self.unit
    }

    /// The rounding.
    pub const fn rounding_used(&self) -> Rounding {
        self.rounding
    }

    /// `true` when the precision keeps every 分, so the printed text parses back exactly.
    pub const fn is_exact(&self) -> bool {
        self.rounding.dp() >= self.unit_exponent() + 2
    }

    const fn unit_exponent(&self) -> u32 {
        match self.unit {
            Unit::Wan => 4,
            Unit::Yi => 8,
            _ => 0,
        }
    }

    /// A rounded value with this format's separators and unit suffix.
    fn decorate(&self, value: Decimal) -> String {
        let mut out = if self.thousands {
            group_thousands(value)
        } else {
            value.to_string()
        };
        if self.suffix {
            out.push_str(self.unit.suffix());
        }
        out
    }

    /// Prints an amount: `30700.48万元`.
    pub fn render(&self, m: Money) -> String {
        self.decorate(m.round_in(self.unit, self.rounding))
    }

    /// Prints an average amount (平均每个项目…) in this format's unit, rounded once from the
    /// exact quotient: `114.83万元`.
    ///
    /// ```
    /// use fundtrack::format::MoneyFormat;
    /// use fundtrack::report::Average;
    ///
    /// let per_project = Average::new("4.49亿元".parse::<fundtrack::Money>()?, fundtrack::money::Count::projects(391))?;
    /// assert_eq!(MoneyFormat::default().render_average(&per_project), "114.83万元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render_average(&self, average: &Average) -> String {
        self.decorate(average.money_in(self.unit, self.rounding))
    }
}

/// `1234567.89` → `1,234,567.89` (the sign stays in front).
fn group_thousands(value: Decimal) -> String {
    let text = value.to_string();
    let (sign, body) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::RoundMode;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn units_precision_and_modes() {
        let x = m("30700.485万元");
        assert_eq!(MoneyFormat::default().render(x), "30700.49万元");
        assert_eq!(
            MoneyFormat::default()
                .rounding(Rounding::half_even(2).unwrap())
                .render(x),
            "30700.48万元"
        );
        assert_eq!(
            MoneyFormat::default()
                .rounding(Rounding::new(RoundMode::Trunc, 1).unwrap())
                .render(x),
            "30700.4万元"
        );
        assert_eq!(MoneyFormat::new(Unit::Yi).render(x), "3.07亿元");
        assert_eq!(
            MoneyFormat::new(Unit::Yuan).thousands().render(x),
            "307,004,850.00元"
        );
        assert_eq!(
            MoneyFormat::new(Unit::Yuan)
                .without_unit()
                .render(-m("1234.5")),
            "-1234.50"
        );
        assert_eq!(
            MoneyFormat::new(Unit::Yuan)
                .thousands()
                .render(-m("1234.5")),
            "-1,234.50元"
        );
        assert_eq!(
            MoneyFormat::new(Unit::Yuan).thousands().render(m("999")),
            "999.00元"
        );
    }

    #[test]
    fn exact_formats_parse_back() {
        for fen in [0i64, 1, -1, 99, 100_000, 123_456_789_012, -987_654_321] {
            let x = Money::from_fen(fen);
            for unit in [Unit::Yuan, Unit::Wan, Unit::Yi] {
                for fmt in [
                    MoneyFormat::new(unit).exact(),
                    MoneyFormat::new(unit).exact().thousands(),
                ] {
                    assert!(fmt.is_exact());
                    assert_eq!(
                        fmt.render(x).parse::<Money>().unwrap(),
                        x,
                        "{}",
                        fmt.render(x)
                    );
                }
            }
        }
        assert!(!MoneyFormat::default().is_exact());
    }
}
