//! Chinese report sentences (报告文字) from report values.

use chrono::{Datelike, NaiveDate};

use super::MoneyFormat;
use crate::money::{Money, NoRatio, Ratio, Rounding};
use crate::policy::milestone::MilestoneCheck;
use crate::report::{Execution, Growth, Progress, ScheduleGap};

/// How figures are written in report text (文字口径): one money format and one rounding for
/// percentages and 百分点, stated once with [`TextStyle::rounding_note`].
///
/// The default is amounts in 万元 and percentages and 百分点 half-up (四舍五入) to 2 places,
/// what Chinese finance bulletins print. Every rate and gap is rounded once, here, from the
/// report's unrounded value.
///
/// # Example
///
/// ```
/// use fundtrack::{Money, Ratio, Rounding};
/// use fundtrack::format::TextStyle;
///
/// let style = TextStyle::default();
/// let rate = Ratio::of("30700.48万元".parse::<Money>()?, "39757.09万元".parse()?).unwrap();
/// assert_eq!(style.percent(&rate), "77.22%");
/// assert_eq!(style.percents(Rounding::half_up(1)?).percent(&rate), "77.2%");
/// assert_eq!(style.rounding_note(), "金额单位为万元，金额、百分比和百分点均四舍五入保留2位小数");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TextStyle {
    money: MoneyFormat,
    percent: Rounding,
}

impl TextStyle {
    /// Prints amounts with `money` instead of 万元 to 2 places.
    #[must_use]
    pub const fn money(mut self, money: MoneyFormat) -> TextStyle {
        self.money = money;
        self
    }

    /// Rounds percentages and 百分点 with `rounding` instead of half-up to 2 places.
    #[must_use]
    pub const fn percents(mut self, rounding: Rounding) -> TextStyle {
        self.percent = rounding;
        self
    }

    /// The money format.
    pub const fn money_format(&self) -> MoneyFormat {
        self.money
    }

    /// The rounding of percentages and 百分点.
    pub const fn percent_rounding(&self) -> Rounding {
        self.percent
    }

    /// The sentence that states the rounding once, for the foot of a bulletin:
    /// `金额单位为万元，金额、百分比和百分点均四舍五入保留2位小数`.
    pub fn rounding_note(&self) -> String {
        let unit = self.money.unit().suffix();
        let m = self.money.rounding_used();
        let p = self.percent;
        let how = |r: Rounding| format!("{}保留{}位小数", r.mode().as_str(), r.dp());
        if m == p {
            format!("金额单位为{unit}，金额、百分比和百分点均{}", how(p))
        } else {
            format!("金额单位为{unit}，金额{}，百分比和百分点{}", how(m), how(p))
        }
    }

    /// An amount: `30700.48万元`.
    pub fn amount(&self, m: Money) -> String {
        self.money.render(m)
    }

    /// A ratio as a percentage: `77.22%`.
    pub fn percent(&self, r: &Ratio) -> String {
        format!("{}%", r.to_percent(self.percent))
    }

    /// A ratio that may have no value: `77.22%`, or why there is none (`无法计算（基数为零）`).
    pub fn rate(&self, r: Result<Ratio, NoRatio>) -> String {
        match r {
            Ok(r) => self.percent(&r),
            Err(why) => format!("无法计算（{}）", no_ratio_label(why)),
        }
    }

    /// A rate against the schedule (序时进度): `超序时进度2.22个百分点`,
    /// `低于序时进度3.10个百分点` (the positive gap), or `与序时进度持平` when the gap rounds
    /// to zero.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ratio};
    /// use fundtrack::format::TextStyle;
    /// use fundtrack::report::Schedule;
    /// use chrono::NaiveDate;
    /// use rust_decimal_macros::dec;
    ///
    /// let y = FiscalYear::new(2021)?;
    /// let d = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
    /// let gap = Schedule::Months.compare(&Ratio::from_percent(dec!(46.9))?, y, d);
    /// assert_eq!(TextStyle::default().schedule_gap(&gap), "低于序时进度3.10个百分点");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn schedule_gap(&self, gap: &ScheduleGap) -> String {
        let points = gap.gap().abs().round(self.percent);
        if points.is_zero() {
            "与序时进度持平".to_owned()
        } else if gap.is_ahead() {
            format!("超序时进度{points}个百分点")
        } else {
            format!("低于序时进度{points}个百分点")
        }
    }

    /// Whether a milestone set by `authority` was met (达到/未达到…要求), from a gap
    /// against [`Schedule::Milestones`](crate::report::Schedule::Milestones) or
    /// [`Schedule::Fixed`](crate::report::Schedule::Fixed): `达到自治区要求`, or
    /// `未达到自治区要求（低于要求1.50个百分点）`.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ratio};
    /// use fundtrack::format::TextStyle;
    /// use fundtrack::report::Schedule;
    /// use chrono::NaiveDate;
    /// use rust_decimal_macros::dec;
    ///
    /// let y = FiscalYear::new(2021)?;
    /// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    /// let rule = Schedule::Fixed(Ratio::from_percent(dec!(75))?);
    /// let s = TextStyle::default();
    /// assert_eq!(s.milestone(&rule.compare(&Ratio::from_percent(dec!(77.22))?, y, d), "自治区"), "达到自治区要求");
    /// assert_eq!(
    ///     s.milestone(&rule.compare(&Ratio::from_percent(dec!(73.5))?, y, d), "自治区"),
    ///     "未达到自治区要求（低于要求1.50个百分点）",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn milestone(&self, gap: &ScheduleGap, authority: &str) -> String {
        if gap.is_ahead() {
            format!("达到{authority}要求")
        } else {
            format!(
                "未达到{authority}要求（低于要求{}个百分点）",
                gap.gap().abs().round(self.percent)
            )
        }
    }

    /// A policy milestone check (是否达到要求) as text: `达到自治区要求`, or
    /// `未达到自治区要求（低于要求1.50个百分点，还需支出59.64万元）`, or why it cannot be
    /// judged (nothing allocated).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::Ratio;
    /// use fundtrack::format::TextStyle;
    /// use fundtrack::policy::milestone::{MilestoneOptions, check_milestones};
    /// use fundtrack::report::{Progress, Schedule};
    /// use chrono::NaiveDate;
    /// use rust_decimal_macros::dec;
    ///
    /// let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    /// let opts = MilestoneOptions::new(d, Schedule::Fixed(Ratio::from_percent(dec!(75))?))?;
    /// let county = Progress::of("2922.36万元".parse()?, "3976万元".parse()?);
    /// let report = check_milestones([("450521".parse()?, county)], &opts)?;
    /// assert_eq!(
    ///     TextStyle::default().milestone_check(&report.checks()[0], "自治区"),
    ///     "未达到自治区要求（低于要求1.50个百分点，还需支出59.64万元）",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn milestone_check(&self, check: &MilestoneCheck, authority: &str) -> String {
        match (check.met(), check.gap()) {
            (Some(true), _) => format!("达到{authority}要求"),
            (Some(false), Some(gap)) => format!(
                "未达到{authority}要求（低于要求{}个百分点，还需支出{}）",
                gap.abs().round(self.percent),
                self.amount(check.shortfall())
            ),
            _ => format!(
                "无法判断是否达到{authority}要求（支出进度{}）",
                self.rate(check.rate())
            ),
        }
    }

    /// Growth against last year (同比): `同比增长15.63%`, `同比下降4.20%` (the size of the
    /// fall), `与上年持平` when it rounds to zero, or why there is no rate.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::Money;
    /// use fundtrack::format::TextStyle;
    /// use fundtrack::report::{Base, Growth};
    ///
    /// let s = TextStyle::default();
    /// let up = Growth::new("15302万元".parse()?, Base::Comparable("13233.59万元".parse()?));
    /// assert_eq!(s.growth(&up), "同比增长15.63%");
    /// let down = Growth::new("95.8万元".parse()?, Base::Prior("100万元".parse()?));
    /// assert_eq!(s.growth(&down), "同比下降4.20%");
    /// let none = Growth::new("5万元".parse()?, Base::Prior(Money::ZERO));
    /// assert_eq!(s.growth(&none), "同比无法计算（上年基数为零）");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn growth(&self, growth: &Growth) -> String {
        match growth.rate() {
            Err(why) => {
                let why = match why {
                    NoRatio::ZeroBase => "上年基数为零",
                    NoRatio::NegativeBase => "上年基数为负",
                    other => no_ratio_label(other),
                };
                format!("同比无法计算（{why}）")
            }
            Ok(r) => {
                let p = r.to_percent(self.percent);
                if p.is_zero() {
                    "与上年持平".to_owned()
                } else if r.is_negative() {
                    format!("同比下降{}%", p.abs())
                } else {
                    format!("同比增长{p}%")
                }
            }
        }
    }

    /// The progress sentence of a bulletin, from totals and their gap against the schedule:
    /// `截至9月30日，全市支出衔接资金30700.48万元，支出进度77.22%，超序时进度2.22个百分点`.
    ///
    /// `scope` names who spent (`全市`, `合浦县`). Without a gap the schedule clause is left
    /// out; without money in place the rate says why it has no value.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::FiscalYear;
    /// use fundtrack::format::TextStyle;
    /// use fundtrack::report::{Progress, Schedule};
    /// use chrono::NaiveDate;
    ///
    /// let as_of = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
    /// let row = Progress::of("30700.48万元".parse()?, "39757.09万元".parse()?);
    /// let gap = Schedule::Months.compare(&row.rate().unwrap(), FiscalYear::new(2021)?, as_of);
    /// assert_eq!(
    ///     TextStyle::default().progress(as_of, "全市", &row, Some(&gap)),
    ///     "截至9月30日，全市支出衔接资金30700.48万元，支出进度77.22%，超序时进度2.22个百分点",
    /// );
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn progress(
        &self,
        as_of: NaiveDate,
        scope: &str,
        row: &Progress,
        gap: Option<&ScheduleGap>,
    ) -> String {
        let mut s = format!(
            "截至{}，{scope}支出衔接资金{}，支出进度{}",
            month_day(as_of),
            self.amount(row.spent()),
            self.rate(row.rate())
        );
        if let Some(gap) = gap {
            s.push('，');
            s.push_str(&self.schedule_gap(gap));
        }
        s
    }

    /// The progress sentence for an execution report's totals, against its own schedule;
    /// see [`TextStyle::progress`].
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{FiscalYear, Ledger};
    /// use fundtrack::format::TextStyle;
    /// use chrono::NaiveDate;
    ///
    /// let ledger = Ledger::new(FiscalYear::new(2021)?);
    /// let report = ledger.execution(NaiveDate::from_ymd_opt(2021, 3, 31).unwrap());
    /// assert_eq!(
    ///     TextStyle::default().execution(&report, "全县"),
    ///     "截至3月31日，全县支出衔接资金0.00万元，支出进度无法计算（基数为零）",
    /// );
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn execution(&self, report: &Execution, scope: &str) -> String {
        // No gap only when the total has no rate; `progress` then prints the rate's reason.
        let gap = report.gap(report.total()).ok();
        self.progress(report.as_of(), scope, report.total(), gap.as_ref())
    }

    /// The allocation sentence: `截至9月30日，全市落实衔接资金39757.09万元`.
    pub fn allocated(&self, as_of: NaiveDate, scope: &str, allocated: Money) -> String {
        format!(
            "截至{}，{scope}落实衔接资金{}",
            month_day(as_of),
            self.amount(allocated)
        )
    }
}

/// `9月30日` for a date (the year is in the bulletin's title).
///
/// # Example
///
/// ```
/// use fundtrack::format::month_day;
/// assert_eq!(month_day(chrono::NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()), "9月30日");
/// ```
pub fn month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// Why a ratio has no value, in Chinese.
pub(crate) fn no_ratio_label(why: NoRatio) -> &'static str {
    match why {
        NoRatio::ZeroBase => "基数为零",
        NoRatio::NegativeBase => "基数为负",
        NoRatio::MixedSigns => "各部分正负不一",
        NoRatio::NoPeriod => "没有可计算的期数",
        _ => "超出范围",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dim::FiscalYear;
    use crate::money::Unit;
    use crate::report::{Base, Schedule};
    use rust_decimal_macros::dec;

    #[test]
    fn gaps_round_once_and_say_which_way() {
        let y = FiscalYear::new(2021).unwrap();
        let d = NaiveDate::from_ymd_opt(2021, 9, 30).unwrap();
        let s = TextStyle::default();
        let at = |p| Schedule::Months.compare(&Ratio::from_percent(p).unwrap(), y, d);
        assert_eq!(s.schedule_gap(&at(dec!(75.004))), "与序时进度持平");
        assert_eq!(
            s.schedule_gap(&at(dec!(74.995))),
            "低于序时进度0.01个百分点"
        );
        assert_eq!(s.schedule_gap(&at(dec!(75.005))), "超序时进度0.01个百分点");
    }

    #[test]
    fn growth_flat_and_notes() {
        let s = TextStyle::default();
        let m = |x: &str| x.parse::<Money>().unwrap();
        assert_eq!(
            s.growth(&Growth::new(m("100"), Base::Prior(m("100")))),
            "与上年持平"
        );
        assert_eq!(
            s.growth(&Growth::new(m("100"), Base::Prior(m("-5")))),
            "同比无法计算（上年基数为负）"
        );
        let other = TextStyle::default()
            .money(MoneyFormat::new(Unit::Yi))
            .percents(Rounding::half_up(1).unwrap());
        assert_eq!(
            other.rounding_note(),
            "金额单位为亿元，金额四舍五入保留2位小数，百分比和百分点四舍五入保留1位小数"
        );
        let same = TextStyle::default().money(MoneyFormat::new(Unit::Yuan));
        assert_eq!(
            same.rounding_note(),
            "金额单位为元，金额、百分比和百分点均四舍五入保留2位小数"
        );
    }
}
