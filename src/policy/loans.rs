//! 小额信贷 (small loans to poverty-exited and monitored households): rule checks, new
//! lending against the annual task, balances, stock coverage and the interest subsidy
//! (贴息).
//!
//! Published rule (脱贫人口小额信贷, 银保监发〔2021〕6号, as restated by 青阳县农业农村局
//! 《脱贫人口小额信贷政策宣传》, 2024-07-10): "贷款金额:原则上5万元(含)以下。贷款期限:3年期
//! (含)以内", "1年期(含)以下贷款利率不超过1年期贷款市场报价利率,1年期至3年期(含)贷款利率不超
//! 过5年期以上贷款市场报价利率", and the budget pays a share of the interest on "5万元(含)以
//! 内部分" that depends on when the interest arises and on whether the loan is an old
//! 原扶贫小额信贷 ("按原政策执行(即全额贴息)"). Every one of these values is the caller's:
//! [`LoanRules`] (limits), [`LprTable`] and [`SubsidyShares`] (dated tables, the shares by
//! loan vintage too) and [`SubsidyOptions::principal_cap`]. [`LoanBook`] checks loans and
//! repayments once, then answers [`LoanBook::check`], [`LoanBook::new_lending`],
//! [`LoanBook::stock`] and [`LoanBook::interest_subsidy`]; [`lending_completion`] sets new
//! lending against the annual task.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use chrono::{Months, NaiveDate};
use indexmap::IndexMap;
use num_bigint::BigInt;

use super::{PolicyError, yuan_from_quotient};
use crate::dim::Dated;
use crate::dim::RecordId;
use crate::money::{Money, NoRatio, Ratio, RoundMode};
use crate::report::completion;

/// The repayment terms of a loan (贷款期限与利率): start date, term in months and annual
/// interest rate.
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::loans::LoanTerms;
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let t = LoanTerms::new(NaiveDate::from_ymd_opt(2021, 3, 15).unwrap(), 36, Ratio::from_percent(dec!(3.85))?);
/// assert_eq!(t.maturity(), NaiveDate::from_ymd_opt(2024, 3, 15));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LoanTerms {
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    start: NaiveDate,
    term_months: u32,
    annual_rate: Ratio,
}

impl LoanTerms {
    /// A loan drawn on `start` for `term_months` months at `annual_rate` a year.
    pub fn new(start: NaiveDate, term_months: u32, annual_rate: Ratio) -> LoanTerms {
        LoanTerms {
            start,
            term_months,
            annual_rate,
        }
    }

    /// The date the money was lent (放款日).
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The term in months.
    pub fn term_months(&self) -> u32 {
        self.term_months
    }

    /// The annual interest rate.
    pub fn annual_rate(&self) -> Ratio {
        self.annual_rate
    }

    /// The maturity date (到期日): `start` plus the term in calendar months (a month end
    /// that does not exist is clamped: 31 January + 1 month = 28/29 February). `None` when
    /// beyond the calendar.
    pub fn maturity(&self) -> Option<NaiveDate> {
        self.start.checked_add_months(Months::new(self.term_months))
    }
}

/// A small loan (小额信贷) to a household.
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::loans::{Loan, LoanTerms};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let terms = LoanTerms::new(NaiveDate::from_ymd_opt(2021, 3, 15).unwrap(), 36, Ratio::from_percent(dec!(3.85))?);
/// let loan = Loan::new("L-001".parse()?, "H-17".parse()?, "5万元".parse()?, terms);
/// assert_eq!(loan.amount().to_string(), "50000.00元");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Loan {
    id: RecordId,
    household: RecordId,
    amount: Money,
    terms: LoanTerms,
}

impl Loan {
    /// Loan `id` of `amount` to `household` on `terms`. Checked when put in a [`LoanBook`].
    pub fn new(id: RecordId, household: RecordId, amount: Money, terms: LoanTerms) -> Loan {
        Loan {
            id,
            household,
            amount,
            terms,
        }
    }

    /// The loan id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }

    /// The borrowing household.
    pub fn household(&self) -> &RecordId {
        &self.household
    }

    /// The principal lent.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The terms.
    pub fn terms(&self) -> &LoanTerms {
        &self.terms
    }
}

/// A repayment of principal (还款记录) on a loan.
///
/// # Example
///
/// ```
/// use fundtrack::policy::loans::Repayment;
/// use chrono::NaiveDate;
///
/// let r = Repayment::new("R-1".parse()?, "L-001".parse()?, NaiveDate::from_ymd_opt(2022, 3, 15).unwrap(), "2万元".parse()?);
/// assert_eq!(r.principal().to_string(), "20000.00元");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Repayment {
    id: RecordId,
    loan: RecordId,
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    date: NaiveDate,
    principal: Money,
}

impl Repayment {
    /// Repayment `id` of `principal` on `loan`, on `date`.
    pub fn new(id: RecordId, loan: RecordId, date: NaiveDate, principal: Money) -> Repayment {
        Repayment {
            id,
            loan,
            date,
            principal,
        }
    }

    /// The repayment id.
    pub fn id(&self) -> &RecordId {
        &self.id
    }

    /// The loan repaid.
    pub fn loan(&self) -> &RecordId {
        &self.loan
    }

    /// The date (the principal no longer counts from this day).
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Principal repaid.
    pub fn principal(&self) -> Money {
        self.principal
    }
}

/// How a balance is worked out beyond the recorded repayments (还款方式假设).
///
/// # Example
///
/// ```
/// use fundtrack::policy::loans::RepaymentModel;
/// assert_eq!(RepaymentModel::default(), RepaymentModel::BulletAtMaturity);
/// assert_eq!(RepaymentModel::RecordedOnly.as_str(), "仅按还款记录");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RepaymentModel {
    /// 到期一次还本: recorded repayments reduce the balance, and whatever remains is taken
    /// as repaid on the maturity date.
    #[default]
    BulletAtMaturity,
    /// 仅按还款记录: only recorded repayments reduce the balance; an unpaid loan stays
    /// outstanding after maturity (逾期), as a bank's books show it.
    RecordedOnly,
}

impl RepaymentModel {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            RepaymentModel::BulletAtMaturity => "到期一次还本",
            RepaymentModel::RecordedOnly => "仅按还款记录",
        }
    }
}

/// 1-year and 5-year loan prime rates (贷款市场报价利率 LPR) by effective date, supplied by
/// the caller.
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::loans::LprTable;
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// // The LPRs published 2021-01-20 by 全国银行间同业拆借中心 (supplied by the caller).
/// let lpr = LprTable::new([(NaiveDate::from_ymd_opt(2021, 1, 20).unwrap(), Ratio::from_percent(dec!(3.85))?, Ratio::from_percent(dec!(4.65))?)])?;
/// assert!(lpr.at(NaiveDate::from_ymd_opt(2021, 1, 19).unwrap()).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "LprTableParts"))]
pub struct LprTable {
    entries: Dated<(Ratio, Ratio)>,
}

/// The wire form of an [`LprTable`]: `{"entries": [["2021-01-20", [1-year, 5-year]], …]}`,
/// checked by [`LprTable::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LprTableParts {
    entries: Vec<(crate::dim::date::wire::Day, (Ratio, Ratio))>,
}

#[cfg(feature = "serde")]
impl TryFrom<LprTableParts> for LprTable {
    type Error = PolicyError;

    fn try_from(parts: LprTableParts) -> Result<LprTable, PolicyError> {
        LprTable::new(parts.entries.into_iter().map(|(d, (a, b))| (d.0, a, b)))
    }
}

impl LprTable {
    /// A table from `(effective from, 1-year LPR, 5-year LPR)`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for two entries on one date.
    pub fn new(
        entries: impl IntoIterator<Item = (NaiveDate, Ratio, Ratio)>,
    ) -> Result<LprTable, PolicyError> {
        Ok(LprTable {
            entries: Dated::labelled("LPR date", entries.into_iter().map(|(d, a, b)| (d, (a, b))))?,
        })
    }

    /// The table itself: `(effective from, (1-year, 5-year))` in date order.
    ///
    /// ```
    /// # use fundtrack::Ratio;
    /// # use fundtrack::policy::loans::LprTable;
    /// # use chrono::NaiveDate;
    /// # use rust_decimal_macros::dec;
    /// let d = NaiveDate::from_ymd_opt(2021, 1, 20).unwrap();
    /// let lpr = LprTable::new([(d, Ratio::from_percent(dec!(3.85))?, Ratio::from_percent(dec!(4.65))?)])?;
    /// assert_eq!(lpr.table().entries()[0].0, d);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table(&self) -> &Dated<(Ratio, Ratio)> {
        &self.entries
    }

    /// `(1-year, 5-year)` LPR in force on `date`.
    pub fn at(&self, date: NaiveDate) -> Option<(Ratio, Ratio)> {
        self.entries.at(date).copied()
    }
}

/// Rules a small loan must meet (小额信贷政策), all supplied by the caller: a maximum
/// amount, a maximum term, and a rate cap — the 1-year LPR in force on the start date for
/// terms up to the 1-year tier, the 5-year LPR for longer terms.
///
/// The 1-year tier is 12 months unless set: "1年期(含)以下…不超过1年期贷款市场报价利率"
/// (银保监发〔2021〕6号, restated by 青阳县农业农村局, 2024-07-10).
///
/// # Example
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::loans::{LoanRules, LprTable};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let lpr = LprTable::new([(NaiveDate::from_ymd_opt(2021, 1, 20).unwrap(), Ratio::from_percent(dec!(3.85))?, Ratio::from_percent(dec!(4.65))?)])?;
/// // 5万元 and 36 months: 银保监发〔2021〕6号 ("原则上5万元(含)以下", "3年期(含)以内").
/// let rules = LoanRules::new("5万元".parse()?, 36, lpr);
/// assert_eq!(rules.max_term_months(), 36);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LoanRules {
    max_amount: Money,
    max_term_months: u32,
    one_year_tier_months: u32,
    lpr: LprTable,
}

impl LoanRules {
    /// At most `max_amount` and `max_term_months`, rates capped by `lpr`.
    pub fn new(max_amount: Money, max_term_months: u32, lpr: LprTable) -> LoanRules {
        LoanRules {
            max_amount,
            max_term_months,
            one_year_tier_months: 12,
            lpr,
        }
    }

    /// Sets the longest term capped by the 1-year LPR (12 months unless set).
    #[must_use]
    pub fn with_one_year_tier_months(mut self, months: u32) -> LoanRules {
        self.one_year_tier_months = months;
        self
    }

    /// The maximum amount.
    pub fn max_amount(&self) -> Money {
        self.max_amount
    }

    /// The maximum term in months.
    pub fn max_term_months(&self) -> u32 {
        self.max_term_months
    }

    /// The rate cap for a loan on `terms`, or `None` before the first LPR entry.
    pub fn rate_cap(&self, terms: &LoanTerms) -> Option<Ratio> {
        let (one, five) = self.lpr.at(terms.start)?;
        Some(if terms.term_months <= self.one_year_tier_months {
            one
        } else {
            five
        })
    }
}

/// One rule a loan breaks (违规情形).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LoanViolation {
    /// 超过额度上限: the amount is above the maximum.
    AmountAbove {
        /// The loan's amount.
        amount: Money,
        /// The maximum.
        max: Money,
    },
    /// 超过期限上限: the term is longer than the maximum.
    TermAbove {
        /// The loan's term in months.
        months: u32,
        /// The maximum.
        max: u32,
    },
    /// 利率超过上限: the rate is above the LPR cap for its term.
    RateAbove {
        /// The loan's annual rate.
        rate: Ratio,
        /// The cap.
        cap: Ratio,
    },
    /// 无适用利率上限: no LPR is supplied for the start date.
    NoRateCap {
        /// The start date.
        start: NaiveDate,
    },
}

impl LoanViolation {
    /// The Chinese label of the rule.
    pub fn as_str(&self) -> &'static str {
        match self {
            LoanViolation::AmountAbove { .. } => "超过额度上限",
            LoanViolation::TermAbove { .. } => "超过期限上限",
            LoanViolation::RateAbove { .. } => "利率超过上限",
            LoanViolation::NoRateCap { .. } => "无适用利率上限",
        }
    }
}

impl fmt::Display for LoanViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |r: &Ratio| {
            r.to_percent(crate::money::Rounding::known(crate::RoundMode::HalfUp, 4))
                .normalize()
        };
        match self {
            LoanViolation::AmountAbove { amount, max } => {
                write!(f, "{}: {amount} > {max}", self.as_str())
            }
            LoanViolation::TermAbove { months, max } => {
                write!(f, "{}: {months} months > {max} months", self.as_str())
            }
            LoanViolation::RateAbove { rate, cap } => {
                write!(f, "{}: {}% > {}%", self.as_str(), pct(rate), pct(cap))
            }
            LoanViolation::NoRateCap { start } => {
                write!(f, "{}: no LPR in force on {start}", self.as_str())
            }
        }
    }
}

/// Every rule one loan breaks (贷款合规检查结果).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LoanFinding {
    loan: RecordId,
    violations: Vec<LoanViolation>,
}

impl LoanFinding {
    /// The loan.
    pub fn loan(&self) -> &RecordId {
        &self.loan
    }

    /// All the rules it breaks, in the order amount, term, rate.
    pub fn violations(&self) -> &[LoanViolation] {
        &self.violations
    }
}

/// The balance outstanding at a date (贷款余额) and stock coverage (存量贷款覆盖率).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LoanStock {
    as_of: NaiveDate,
    model: RepaymentModel,
    balance: Money,
    loans_outstanding: u64,
    households_with_balance: u64,
    eligible_households: u64,
}

impl LoanStock {
    /// The as-of date (end of day).
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The repayment model used.
    pub fn model(&self) -> RepaymentModel {
        self.model
    }

    /// The total balance outstanding.
    pub fn balance(&self) -> Money {
        self.balance
    }

    /// Loans with a balance.
    pub fn loans_outstanding(&self) -> u64 {
        self.loans_outstanding
    }

    /// Distinct households with a balance.
    pub fn households_with_balance(&self) -> u64 {
        self.households_with_balance
    }

    /// Eligible households, as supplied.
    pub fn eligible_households(&self) -> u64 {
        self.eligible_households
    }

    /// Stock coverage: households with a balance ÷ eligible households.
    ///
    /// # Errors
    ///
    /// [`NoRatio::ZeroBase`] for zero eligible households.
    pub fn coverage(&self) -> Result<Ratio, NoRatio> {
        Ratio::from_counts(self.households_with_balance, self.eligible_households)
    }
}

/// Shares of interest the budget pays (贴息比例), by the date interest arises and, where
/// the rule says so, by the loan's start date (vintage, 发放批次), supplied by the caller.
///
/// [`SubsidyShares::new`] gives one table for loans of every start date;
/// [`SubsidyShares::vintage`] adds a table for loans started on or after a date, so loans
/// under an old and a new policy go through one calculation. Source of the shape: "对已发放
/// 且未到期的原扶贫小额信贷按原政策执行(即全额贴息);新发放的脱贫人口小额信贷财政资金对5万元
/// (含)以内部分在2023年年底前产生的利息给予全额贴息,2024年、2025年产生的利息给予70%贴息"
/// (青阳县农业农村局《脱贫人口小额信贷政策宣传》, 2024-07-10). The date that separates
/// 原扶贫小额信贷 from new loans is not in that notice: it is the caller's.
///
/// # Example
///
/// The 2024 rule above; the vintage date 2021-04-01 is an illustration.
///
/// ```
/// use fundtrack::Ratio;
/// use fundtrack::policy::loans::SubsidyShares;
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let full = Ratio::from_percent(dec!(100))?;
/// let shares = SubsidyShares::new([(d(2016, 1, 1), full)])?        // 原扶贫小额信贷: full
///     .vintage(d(2021, 4, 1), [(d(2021, 4, 1), full), (d(2024, 1, 1), Ratio::from_percent(dec!(70))?)])?;
/// assert_eq!(shares.at(d(2021, 3, 1), d(2024, 8, 1)), Some(full));
/// assert_eq!(shares.at(d(2022, 5, 1), d(2024, 8, 1)), Some(Ratio::from_percent(dec!(70))?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(try_from = "SubsidySharesParts"))]
pub struct SubsidyShares {
    /// For loans started before the first vintage (or all loans, without vintages).
    entries: Dated<Ratio>,
    /// `(loans started from, shares by date)`, sorted, no date twice.
    vintages: Vec<(NaiveDate, Dated<Ratio>)>,
}

/// The wire form of [`SubsidyShares`]:
/// `{"entries": [["2021-07-01", share], …], "vintages": [["2021-04-01", [[date, share], …]], …]}`
/// (`vintages` may be left out), checked by the constructors on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SubsidySharesParts {
    entries: Vec<(crate::dim::date::wire::Day, Ratio)>,
    #[serde(default)]
    vintages: Vec<(
        crate::dim::date::wire::Day,
        Vec<(crate::dim::date::wire::Day, Ratio)>,
    )>,
}

#[cfg(feature = "serde")]
impl TryFrom<SubsidySharesParts> for SubsidyShares {
    type Error = PolicyError;

    fn try_from(parts: SubsidySharesParts) -> Result<SubsidyShares, PolicyError> {
        parts
            .vintages
            .into_iter()
            .try_fold(SubsidyShares::new(days(parts.entries))?, |s, (from, e)| {
                s.vintage(from.0, days(e))
            })
    }
}

/// Dated entries read from JSON, as dates.
#[cfg(feature = "serde")]
fn days<T>(entries: Vec<(crate::dim::date::wire::Day, T)>) -> impl Iterator<Item = (NaiveDate, T)> {
    entries.into_iter().map(|(d, v)| (d.0, v))
}

/// A table of shares, each within 0–100%.
fn share_table(
    entries: impl IntoIterator<Item = (NaiveDate, Ratio)>,
) -> Result<Dated<Ratio>, PolicyError> {
    let entries = Dated::labelled("subsidy share date", entries)?;
    let full = Ratio::ONE;
    if let Some((d, r)) = entries
        .entries()
        .iter()
        .find(|(_, r)| r.is_negative() || *r > full)
    {
        return Err(PolicyError::invalid(
            format!("subsidy share from {d}"),
            format!("{r:?} is outside 0–100%"),
        ));
    }
    Ok(entries)
}

impl SubsidyShares {
    /// Shares from `(interest arising from, share)`, for loans of every start date (until
    /// a [`vintage`](SubsidyShares::vintage) says otherwise).
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for two entries on one date, [`PolicyError::Invalid`] for
    /// a share below 0 or above 100%.
    pub fn new(
        entries: impl IntoIterator<Item = (NaiveDate, Ratio)>,
    ) -> Result<SubsidyShares, PolicyError> {
        Ok(SubsidyShares {
            entries: share_table(entries)?,
            vintages: Vec::new(),
        })
    }

    /// Adds the shares for loans started on or after `loans_from` (until a later vintage):
    /// `(interest arising from, share)` as in [`SubsidyShares::new`]. Loans started before
    /// the first vintage keep the table given to `new`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a vintage date given twice or two entries on one
    /// date, [`PolicyError::Invalid`] for a share outside 0–100%.
    pub fn vintage(
        mut self,
        loans_from: NaiveDate,
        entries: impl IntoIterator<Item = (NaiveDate, Ratio)>,
    ) -> Result<SubsidyShares, PolicyError> {
        let table = share_table(entries)?;
        match self.vintages.binary_search_by_key(&loans_from, |(d, _)| *d) {
            Ok(_) => Err(PolicyError::Duplicate {
                what: "subsidy vintage date",
                id: loans_from.to_string(),
            }),
            Err(i) => {
                self.vintages.insert(i, (loans_from, table));
                Ok(self)
            }
        }
    }

    /// The table for loans of every start date before the first vintage:
    /// `(interest arising from, share)` in date order.
    ///
    /// ```
    /// # use fundtrack::Ratio;
    /// # use fundtrack::policy::loans::SubsidyShares;
    /// # use chrono::NaiveDate;
    /// # use rust_decimal_macros::dec;
    /// let d = |m| NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
    /// let s = SubsidyShares::new([(d(7), Ratio::from_percent(dec!(70))?), (d(1), Ratio::from_percent(dec!(100))?)])?;
    /// assert_eq!(s.table().changes_in(d(1), d(12)).collect::<Vec<_>>(), [d(7)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table(&self) -> &Dated<Ratio> {
        &self.entries
    }

    /// The vintages: `(loans started from, shares by date)` in date order.
    pub fn vintages(&self) -> &[(NaiveDate, Dated<Ratio>)] {
        &self.vintages
    }

    /// The table that applies to a loan started on `loan_start`.
    pub fn table_for(&self, loan_start: NaiveDate) -> &Dated<Ratio> {
        let n = self.vintages.partition_point(|(d, _)| *d <= loan_start);
        match n.checked_sub(1).and_then(|i| self.vintages.get(i)) {
            Some((_, t)) => t,
            None => &self.entries,
        }
    }

    /// The share of interest arising on `date` for a loan started on `loan_start`.
    pub fn at(&self, loan_start: NaiveDate, date: NaiveDate) -> Option<Ratio> {
        self.table_for(loan_start).at(date).copied()
    }

    /// Every share in every table (for a common denominator).
    fn all_shares(&self) -> impl Iterator<Item = &Ratio> + '_ {
        self.entries
            .entries()
            .iter()
            .chain(self.vintages.iter().flat_map(|(_, t)| t.entries()))
            .map(|(_, r)| r)
    }
}

/// Day-count basis for daily interest (计息基准): daily interest = balance × annual rate ÷
/// the basis, for each actual day.
///
/// # Example
///
/// ```
/// use fundtrack::policy::loans::DayCount;
/// assert_eq!(DayCount::Actual360.days_per_year(), 360);
/// assert_eq!(DayCount::Actual365.as_str(), "实际天数/365");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DayCount {
    /// Actual days ÷ 360 (日利率 = 年利率 ÷ 360: 中国人民银行《人民币利率管理规定》,
    /// 银发〔1999〕77号, the convention of Chinese banks). The default.
    #[default]
    Actual360,
    /// Actual days ÷ 365 (also in leap years).
    Actual365,
}

impl DayCount {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            DayCount::Actual360 => "实际天数/360",
            DayCount::Actual365 => "实际天数/365",
        }
    }

    /// 360 or 365.
    pub fn days_per_year(self) -> u32 {
        match self {
            DayCount::Actual360 => 360,
            DayCount::Actual365 => 365,
        }
    }
}

/// What to compute an interest subsidy for (贴息测算参数): a period (both days included),
/// the shares, an optional cap on the subsidised principal, the day count and how the
/// payable amounts are rounded.
///
/// # Example
///
/// ```
/// use fundtrack::{Ratio, RoundMode};
/// use fundtrack::policy::loans::{DayCount, SubsidyOptions, SubsidyShares};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).unwrap();
/// let shares = SubsidyShares::new([(d(1, 1), Ratio::from_percent(dec!(100))?)])?;
/// // "5万元(含)以内部分" is subsidised (青阳县农业农村局, 2024-07-10).
/// let opts = SubsidyOptions::new(d(1, 1), d(12, 31), shares)
///     .principal_cap("5万元".parse()?)
///     .day_count(DayCount::Actual360)
///     .rounding(RoundMode::HalfUp);
/// # let _ = opts;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubsidyOptions {
    from: NaiveDate,
    to: NaiveDate,
    shares: SubsidyShares,
    principal_cap: Option<Money>,
    day_count: DayCount,
    rounding: RoundMode,
}

impl SubsidyOptions {
    /// The period `from..=to` with `shares`; no principal cap, actual/360 and half-up
    /// unless set.
    pub fn new(from: NaiveDate, to: NaiveDate, shares: SubsidyShares) -> SubsidyOptions {
        SubsidyOptions {
            from,
            to,
            shares,
            principal_cap: None,
            day_count: DayCount::default(),
            rounding: RoundMode::HalfUp,
        }
    }

    /// Subsidises interest on at most `cap` of each loan's balance (贴息本金上限, e.g.
    /// "对5万元(含)以内部分" — 青阳县农业农村局, 2024-07-10); interest on the rest is the
    /// borrower's. Applied per loan and per day: a loan repaid below the cap is subsidised
    /// in full from the repayment date.
    #[must_use]
    pub fn principal_cap(mut self, cap: Money) -> SubsidyOptions {
        self.principal_cap = Some(cap);
        self
    }

    /// Sets the day-count basis.
    #[must_use]
    pub fn day_count(mut self, day_count: DayCount) -> SubsidyOptions {
        self.day_count = day_count;
        self
    }

    /// Sets how each loan's amounts are rounded to the 分.
    #[must_use]
    pub fn rounding(mut self, mode: RoundMode) -> SubsidyOptions {
        self.rounding = mode;
        self
    }
}

/// One loan's interest and subsidy for the period (单笔贴息): the subsidy due under the
/// principal cap and, beside it, what the whole balance would have drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SubsidyRow {
    loan: RecordId,
    household: RecordId,
    days: u32,
    interest: Money,
    capped_days: u32,
    uncapped_subsidy: Money,
    subsidy: Money,
}

impl SubsidyRow {
    /// The loan.
    pub fn loan(&self) -> &RecordId {
        &self.loan
    }

    /// The household.
    pub fn household(&self) -> &RecordId {
        &self.household
    }

    /// Days of interest in the period.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// Interest on the whole balance at the loan's rate, rounded once to the 分.
    pub fn interest(&self) -> Money {
        self.interest
    }

    /// Days on which the balance was above the principal cap (0 without a cap).
    pub fn capped_days(&self) -> u32 {
        self.capped_days
    }

    /// Whether the cap reduced the subsidy.
    pub fn is_capped(&self) -> bool {
        self.capped_days > 0
    }

    /// The subsidy the whole balance would draw (no principal cap), rounded once to the
    /// 分; equal to [`subsidy`](SubsidyRow::subsidy) when the cap does not bite.
    pub fn uncapped_subsidy(&self) -> Money {
        self.uncapped_subsidy
    }

    /// The subsidy due: on the balance up to the cap, at the shares in force, rounded once
    /// to the 分.
    pub fn subsidy(&self) -> Money {
        self.subsidy
    }
}

/// The interest subsidy due for a period (贴息), loan by loan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InterestSubsidy {
    from: NaiveDate,
    to: NaiveDate,
    day_count: DayCount,
    principal_cap: Option<Money>,
    rows: Vec<SubsidyRow>,
    total_interest: Money,
    total_uncapped_subsidy: Money,
    total_subsidy: Money,
}

impl InterestSubsidy {
    /// The loans with interest days in the period, in book order.
    pub fn rows(&self) -> &[SubsidyRow] {
        &self.rows
    }

    /// Σ of the rows' rounded interest.
    pub fn total_interest(&self) -> Money {
        self.total_interest
    }

    /// Σ of the rows' rounded subsidies without the principal cap.
    pub fn total_uncapped_subsidy(&self) -> Money {
        self.total_uncapped_subsidy
    }

    /// Σ of the rows' rounded subsidies (what is paid, so the table adds up).
    pub fn total_subsidy(&self) -> Money {
        self.total_subsidy
    }

    /// The principal cap applied, if any.
    pub fn principal_cap(&self) -> Option<Money> {
        self.principal_cap
    }

    /// The period and the day count used.
    pub fn period(&self) -> (NaiveDate, NaiveDate, DayCount) {
        (self.from, self.to, self.day_count)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    loan: Loan,
    maturity: NaiveDate,
    /// Repayments in date order.
    repayments: Vec<(NaiveDate, Money)>,
}

impl Entry {
    /// Principal repaid up to and including `date`.
    #[expect(
        clippy::expect_used,
        reason = "LoanBook::new rejects repayments whose sum overflows or exceeds the amount"
    )]
    fn repaid_by(&self, date: NaiveDate) -> Money {
        let repaid = Money::checked_sum(
            self.repayments
                .iter()
                .take_while(|(d, _)| *d <= date)
                .map(|(_, m)| *m),
        )
        .expect("repayments checked to sum within the amount lent");
        debug_assert!(
            repaid <= self.loan.amount,
            "loan {} over-repaid",
            self.loan.id
        );
        repaid
    }

    /// The balance at the end of `as_of`.
    fn balance(&self, as_of: NaiveDate, model: RepaymentModel) -> Money {
        if as_of < self.loan.terms.start {
            return Money::ZERO;
        }
        if model == RepaymentModel::BulletAtMaturity && as_of >= self.maturity {
            return Money::ZERO;
        }
        #[expect(
            clippy::expect_used,
            reason = "0 <= repaid <= amount (LoanBook::new), so the difference fits"
        )]
        self.loan
            .amount
            .checked_sub(self.repaid_by(as_of))
            .expect("amount − repaid is within 0..=amount")
    }

    /// The loan's interest and subsidy for `opts` (see [`LoanBook::interest_subsidy`]), or
    /// `None` when it has no interest day in the period.
    fn subsidy_row(
        &self,
        opts: &SubsidyOptions,
        basis: &BigInt,
        share_den: &BigInt,
    ) -> Result<Option<SubsidyRow>, PolicyError> {
        let loan = &self.loan;
        let lo = opts.from.max(loan.terms.start);
        // Maturity is at least a month after the start (terms of ≥ 1 month), so it
        // has a day before it.
        #[expect(clippy::expect_used, reason = "maturity > start (LoanBook::new)")]
        let last_day = self
            .maturity
            .pred_opt()
            .expect("maturity is after the start date");
        let hi = opts.to.min(last_day);
        if lo > hi {
            return Ok(None);
        }
        let table = opts.shares.table_for(loan.terms.start);
        let mut cuts: BTreeSet<NaiveDate> = BTreeSet::new();
        cuts.insert(lo);
        cuts.extend(
            self.repayments
                .iter()
                .map(|(d, _)| *d)
                .filter(|d| *d > lo && *d <= hi),
        );
        cuts.extend(table.changes_in(lo, hi));
        let cuts: Vec<NaiveDate> = cuts.into_iter().collect();
        // Σ balance (分) × days, and Σ balance (分) × days × share × share_den, for the
        // whole balance and the capped one: exact integers, divided once below.
        let mut fen_days = BigInt::from(0u8);
        let mut shared = BigInt::from(0u8);
        let mut shared_capped = BigInt::from(0u8);
        let days_total = days_in(lo, hi);
        let mut days_seen = 0u64;
        let mut capped_days = 0u32;
        for (i, start) in cuts.iter().enumerate() {
            // Cuts are distinct and sorted, so a next cut is after `start` and has a day
            // before it.
            #[expect(clippy::expect_used, reason = "cuts are a sorted set: next > start")]
            let end = match cuts.get(i + 1) {
                Some(next) => next.pred_opt().expect("a later cut has a day before it"),
                None => hi,
            };
            let days = days_in(*start, end);
            days_seen += u64::from(days);
            let balance = self.balance(*start, RepaymentModel::RecordedOnly);
            let capped = match opts.principal_cap {
                Some(cap) if balance > cap => {
                    capped_days += days;
                    cap
                }
                _ => balance,
            };
            let share = table.at(*start).ok_or_else(|| PolicyError::Missing {
                what: "interest subsidy share",
                key: format!("{start} (loan {})", loan.id),
            })?;
            let (sn, sd) = share.big();
            let weight = sn * (share_den / sd);
            let fd = BigInt::from(balance.to_fen()) * days;
            shared += &fd * &weight;
            shared_capped += BigInt::from(capped.to_fen()) * days * &weight;
            fen_days += fd;
        }
        debug_assert_eq!(days_seen, u64::from(days_total), "cuts cover lo..=hi");
        // interest = fen_days × rate ÷ (100 × basis) 元; subsidy likewise × share.
        let (rn, rd) = loan.terms.annual_rate.big();
        let den = BigInt::from(100u8) * rd * basis;
        let shared_den = &den * share_den;
        let overflow = || PolicyError::overflow(format!("interest on loan {}", loan.id));
        let interest =
            yuan_from_quotient(&(fen_days * &rn), &den, opts.rounding).ok_or_else(overflow)?;
        let uncapped_subsidy =
            yuan_from_quotient(&(shared * &rn), &shared_den, opts.rounding).ok_or_else(overflow)?;
        let subsidy = yuan_from_quotient(&(shared_capped * &rn), &shared_den, opts.rounding)
            .ok_or_else(overflow)?;
        Ok(Some(SubsidyRow {
            loan: loan.id.clone(),
            household: loan.household.clone(),
            days: days_total,
            interest,
            capped_days,
            uncapped_subsidy,
            subsidy,
        }))
    }
}

/// A set of loans and their repayments (贷款台账), checked on construction.
///
/// Balances: a loan counts from its start date; each repayment reduces the balance from
/// its date; under [`RepaymentModel::BulletAtMaturity`] what remains is repaid on the
/// maturity date.
///
/// # Example
///
/// ```
/// use fundtrack::{Ratio, Rounding};
/// use fundtrack::policy::loans::{Loan, LoanBook, LoanTerms, Repayment, RepaymentModel};
/// use chrono::NaiveDate;
/// use rust_decimal_macros::dec;
///
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let terms = LoanTerms::new(d(2021, 3, 1), 36, Ratio::from_percent(dec!(4.65))?);
/// let book = LoanBook::new(
///     [Loan::new("L-1".parse()?, "H-1".parse()?, "5万元".parse()?, terms)],
///     [Repayment::new("R-1".parse()?, "L-1".parse()?, d(2022, 3, 1), "1万元".parse()?)],
/// )?;
/// let stock = book.stock(d(2022, 9, 30), RepaymentModel::BulletAtMaturity, 4)?;
/// assert_eq!(stock.balance().to_string(), "40000.00元");
/// assert_eq!(stock.coverage()?.to_percent(Rounding::default()).to_string(), "25.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanBook {
    entries: IndexMap<RecordId, Entry>,
}

impl LoanBook {
    /// A book of `loans` and `repayments`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] for a loan or repayment id given twice;
    /// [`PolicyError::Invalid`] for an amount ≤ 0, a term of 0 months, a negative rate, a
    /// maturity beyond the calendar, a repayment ≤ 0, on an unknown loan, before the loan
    /// started, or repaying more than was lent.
    pub fn new(
        loans: impl IntoIterator<Item = Loan>,
        repayments: impl IntoIterator<Item = Repayment>,
    ) -> Result<LoanBook, PolicyError> {
        let mut entries: IndexMap<RecordId, Entry> = IndexMap::new();
        for loan in loans {
            let name = || format!("loan {}", loan.id);
            if !loan.amount.is_positive() {
                return Err(PolicyError::invalid(
                    name(),
                    format!("amount {} (must be above zero)", loan.amount),
                ));
            }
            if loan.terms.term_months == 0 {
                return Err(PolicyError::invalid(
                    name(),
                    "term of 0 months (at least 1)",
                ));
            }
            if loan.terms.annual_rate.is_negative() {
                return Err(PolicyError::invalid(name(), "negative interest rate"));
            }
            let maturity = loan
                .terms
                .maturity()
                .ok_or_else(|| PolicyError::invalid(name(), "maturity beyond the calendar"))?;
            if entries.contains_key(&loan.id) {
                return Err(PolicyError::Duplicate {
                    what: "loan id",
                    id: loan.id.to_string(),
                });
            }
            entries.insert(
                loan.id.clone(),
                Entry {
                    loan,
                    maturity,
                    repayments: Vec::new(),
                },
            );
        }
        let mut seen = HashSet::new();
        for r in repayments {
            let name = || format!("repayment {} on loan {}", r.id, r.loan);
            if !seen.insert(r.id.clone()) {
                return Err(PolicyError::Duplicate {
                    what: "repayment id",
                    id: r.id.to_string(),
                });
            }
            let entry = entries
                .get_mut(&r.loan)
                .ok_or_else(|| PolicyError::invalid(name(), "unknown loan"))?;
            if !r.principal.is_positive() {
                return Err(PolicyError::invalid(
                    name(),
                    format!("principal {} (must be above zero)", r.principal),
                ));
            }
            if r.date < entry.loan.terms.start {
                return Err(PolicyError::invalid(
                    name(),
                    format!(
                        "dated {} before the loan started on {}",
                        r.date, entry.loan.terms.start
                    ),
                ));
            }
            entry.repayments.push((r.date, r.principal));
        }
        for entry in entries.values_mut() {
            entry.repayments.sort_by_key(|(d, _)| *d);
            let repaid = Money::checked_sum(entry.repayments.iter().map(|(_, m)| *m));
            if repaid.is_none_or(|m| m > entry.loan.amount) {
                return Err(PolicyError::invalid(
                    format!("loan {}", entry.loan.id),
                    format!("repayments exceed the {} lent", entry.loan.amount),
                ));
            }
        }
        Ok(LoanBook { entries })
    }

    /// The loans, in the order given.
    pub fn loans(&self) -> impl Iterator<Item = &Loan> + '_ {
        self.entries.values().map(|e| &e.loan)
    }

    /// Checks every loan against `rules` (合规检查) and reports **every** rule each loan
    /// breaks; loans that break none are left out. The rate cap is the LPR in force on the
    /// loan's start date for its term (see [`LoanRules`]); a rate equal to the cap passes.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::Ratio;
    /// use fundtrack::policy::loans::{Loan, LoanBook, LoanRules, LoanTerms, LprTable};
    /// use chrono::NaiveDate;
    /// use rust_decimal_macros::dec;
    ///
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let lpr = LprTable::new([(d(2021, 1, 20), Ratio::from_percent(dec!(3.85))?, Ratio::from_percent(dec!(4.65))?)])?;
    /// let rules = LoanRules::new("5万元".parse()?, 36, lpr);
    /// let bad = LoanTerms::new(d(2021, 3, 1), 48, Ratio::from_percent(dec!(5))?);
    /// let book = LoanBook::new([Loan::new("L-9".parse()?, "H-1".parse()?, "6万元".parse()?, bad)], [])?;
    /// let found = book.check(&rules);
    /// assert_eq!(found[0].violations().len(), 3);
    /// assert_eq!(found[0].violations()[2].to_string(), "利率超过上限: 5% > 4.65%");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, rules: &LoanRules) -> Vec<LoanFinding> {
        self.entries
            .values()
            .filter_map(|e| {
                let loan = &e.loan;
                let mut violations = Vec::new();
                if loan.amount > rules.max_amount {
                    violations.push(LoanViolation::AmountAbove {
                        amount: loan.amount,
                        max: rules.max_amount,
                    });
                }
                if loan.terms.term_months > rules.max_term_months {
                    violations.push(LoanViolation::TermAbove {
                        months: loan.terms.term_months,
                        max: rules.max_term_months,
                    });
                }
                match rules.rate_cap(&loan.terms) {
                    Some(cap) if loan.terms.annual_rate > cap => {
                        violations.push(LoanViolation::RateAbove {
                            rate: loan.terms.annual_rate,
                            cap,
                        });
                    }
                    Some(_) => {}
                    None => violations.push(LoanViolation::NoRateCap {
                        start: loan.terms.start,
                    }),
                }
                (!violations.is_empty()).then(|| LoanFinding {
                    loan: loan.id.clone(),
                    violations,
                })
            })
            .collect()
    }

    /// New lending (新增贷款): the amounts of loans started from `from` to `to`, both
    /// included.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when the sum overflows.
    pub fn new_lending(&self, from: NaiveDate, to: NaiveDate) -> Result<Money, PolicyError> {
        Money::checked_sum(
            self.loans()
                .filter(|l| (from..=to).contains(&l.terms.start))
                .map(|l| l.amount),
        )
        .ok_or_else(|| PolicyError::overflow(format!("new lending {from}–{to}")))
    }

    /// The balance and stock coverage at the end of `as_of` (贷款余额, 存量贷款覆盖率),
    /// against `eligible_households` supplied by the caller (e.g. poverty-exited and
    /// monitored households with the capacity to borrow).
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when the total balance overflows.
    pub fn stock(
        &self,
        as_of: NaiveDate,
        model: RepaymentModel,
        eligible_households: u64,
    ) -> Result<LoanStock, PolicyError> {
        let mut balance = Money::ZERO;
        let mut loans_outstanding = 0usize;
        let mut households = HashSet::new();
        for e in self.entries.values() {
            let b = e.balance(as_of, model);
            if b.is_positive() {
                balance = balance
                    .checked_add(b)
                    .ok_or_else(|| PolicyError::overflow(format!("loan balance at {as_of}")))?;
                loans_outstanding += 1;
                households.insert(&e.loan.household);
            }
        }
        Ok(LoanStock {
            as_of,
            model,
            balance,
            loans_outstanding: count(loans_outstanding),
            households_with_balance: count(households.len()),
            eligible_households,
        })
    }

    /// The interest and the interest subsidy due for a period (贴息测算).
    ///
    /// Rules implemented (sources in the [module table](crate::policy)):
    /// - interest accrues for each day from the start date up to the day before maturity
    ///   (算头不算尾; overdue days are not subsidised), within `from..=to`, on the balance
    ///   at the end of that day before maturity (a repayment stops interest on its
    ///   principal from its date);
    /// - daily interest = balance × annual rate ÷ 360 or 365 ([`DayCount`]);
    /// - the subsidised balance is the balance up to the principal cap, if one is set
    ///   ([`SubsidyOptions::principal_cap`]);
    /// - each day's subsidy = the subsidised balance's interest that day × the share in
    ///   force for the loan's vintage on that day ([`SubsidyShares`]), so a share change
    ///   mid-period splits the period;
    /// - each loan's interest and subsidies are summed exactly and rounded **once**, to
    ///   the 分, with the options' mode (half-up unless set); the totals are sums of the
    ///   rounded per-loan amounts, which are what is paid.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] when `from` is after `to` or the cap is not above zero;
    /// [`PolicyError::Missing`] when a day of interest has no subsidy share in force;
    /// [`PolicyError::Overflow`] for amounts too large.
    ///
    /// # Panics
    ///
    /// Never: the only `expect`s state invariants the book holds on construction (a
    /// maturity after the start date, repayments summing within the amount lent).
    ///
    /// # Example
    ///
    /// 5万元 lent 2023-07-01 for 24 months at 4.20% (the 5-year LPR published 2023-06-20
    /// by 全国银行间同业拆借中心); interest arising to 2023-12-31 subsidised in full, from
    /// 2024-01-01 at 70% (青阳县农业农村局, 2024-07-10); actual/360 (a caller's choice).
    /// From 2023-07-01 to 2024-06-30: interest = 50000 × 4.20% × 366/360 = 2135.00;
    /// subsidy = 50000 × 4.20% × (184 + 0.7 × 182)/360 = 1816.50.
    ///
    /// ```
    /// use fundtrack::Ratio;
    /// use fundtrack::policy::loans::{Loan, LoanBook, LoanTerms, SubsidyOptions, SubsidyShares};
    /// use chrono::NaiveDate;
    /// use rust_decimal_macros::dec;
    ///
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let terms = LoanTerms::new(d(2023, 7, 1), 24, Ratio::from_percent(dec!(4.20))?);
    /// let book = LoanBook::new([Loan::new("L-1".parse()?, "H-1".parse()?, "5万元".parse()?, terms)], [])?;
    /// let shares = SubsidyShares::new([
    ///     (d(2021, 1, 1), Ratio::from_percent(dec!(100))?),
    ///     (d(2024, 1, 1), Ratio::from_percent(dec!(70))?),
    /// ])?;
    /// let opts = SubsidyOptions::new(d(2023, 7, 1), d(2024, 6, 30), shares).principal_cap("5万元".parse()?);
    /// let due = book.interest_subsidy(&opts)?;
    /// assert_eq!(due.rows()[0].days(), 366);
    /// assert_eq!(due.total_interest().to_string(), "2135.00元");
    /// assert_eq!(due.total_subsidy().to_string(), "1816.50元");
    /// assert!(!due.rows()[0].is_capped());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn interest_subsidy(&self, opts: &SubsidyOptions) -> Result<InterestSubsidy, PolicyError> {
        if opts.from > opts.to {
            return Err(PolicyError::invalid(
                format!("subsidy period {}–{}", opts.from, opts.to),
                "starts after it ends",
            ));
        }
        if let Some(cap) = opts.principal_cap.filter(|c| !c.is_positive()) {
            return Err(PolicyError::invalid(
                format!("subsidy principal cap {cap}"),
                "must be above zero",
            ));
        }
        let basis = BigInt::from(opts.day_count.days_per_year());
        // Every share over one common denominator (the product of the distinct ones), so a
        // loan's subsidy is one integer sum and one division.
        let share_den = opts
            .shares
            .all_shares()
            .map(|r| r.big().1)
            .collect::<BTreeSet<BigInt>>()
            .into_iter()
            .fold(BigInt::from(1u8), |acc, d| acc * d);
        let mut rows = Vec::new();
        let mut total_interest = Money::ZERO;
        let mut total_uncapped = Money::ZERO;
        let mut total_subsidy = Money::ZERO;
        for e in self.entries.values() {
            let Some(row) = e.subsidy_row(opts, &basis, &share_den)? else {
                continue;
            };
            let overflow = || PolicyError::overflow(format!("subsidy total at loan {}", row.loan));
            total_interest = total_interest
                .checked_add(row.interest)
                .ok_or_else(overflow)?;
            total_uncapped = total_uncapped
                .checked_add(row.uncapped_subsidy)
                .ok_or_else(overflow)?;
            total_subsidy = total_subsidy
                .checked_add(row.subsidy)
                .ok_or_else(overflow)?;
            rows.push(row);
        }
        Ok(InterestSubsidy {
            from: opts.from,
            to: opts.to,
            day_count: opts.day_count,
            principal_cap: opts.principal_cap,
            rows,
            total_interest,
            total_uncapped_subsidy: total_uncapped,
            total_subsidy,
        })
    }
}

/// A count of loans or households as `u64`: a `usize` always fits.
#[expect(
    clippy::expect_used,
    reason = "usize is at most 64 bits on every target"
)]
fn count(n: usize) -> u64 {
    u64::try_from(n).expect("usize fits u64")
}

/// Days from `from` to `to`, both included (`from <= to`).
#[expect(
    clippy::expect_used,
    reason = "from <= to, and any span of NaiveDates (under 2²⁸ days) fits u32"
)]
fn days_in(from: NaiveDate, to: NaiveDate) -> u32 {
    debug_assert!(from <= to, "{from} after {to}");
    u32::try_from((to - from).num_days() + 1).expect("a day span fits u32")
}

/// Completion of the annual lending task (贷款任务完成率): new lending ÷ task.
///
/// # Errors
///
/// [`NoRatio::ZeroBase`]/[`NoRatio::NegativeBase`] for a task ≤ 0.
///
/// # Example
///
/// Beihai to 2021-09-30: new loans 2646.50万元; the annual task 2402万元 is not printed in
/// the report — it is an *inferred input* reconstructed from the printed 110.18%.
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::policy::loans::lending_completion;
///
/// let inferred_task = "2402万元".parse()?;
/// let r = lending_completion("2646.50万元".parse()?, inferred_task)?;
/// assert_eq!(r.to_percent(Rounding::default()).to_string(), "110.18");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lending_completion(new_lending: Money, task: Money) -> Result<Ratio, NoRatio> {
    completion(new_lending, task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn id(s: &str) -> RecordId {
        s.parse().unwrap()
    }

    fn wan(n: i64) -> Money {
        Money::from_fen(n * 1_000_000)
    }

    fn pct(p: rust_decimal::Decimal) -> Ratio {
        Ratio::from_percent(p).unwrap()
    }

    fn loan(i: &str, h: &str, amount: Money, start: NaiveDate, months: u32, rate: Ratio) -> Loan {
        Loan::new(id(i), id(h), amount, LoanTerms::new(start, months, rate))
    }

    #[test]
    fn beihai_2021_new_lending_completion() {
        // Computed: new lending 2646.50万元 (printed). Inferred input: the annual task
        // 2402万元 is not printed; it is reconstructed from the printed 110.18%.
        let new = Money::wan(dec!(2646.50)).unwrap();
        let inferred_task = Money::wan(dec!(2402)).unwrap();
        let r = lending_completion(new, inferred_task).unwrap();
        // 2646.50 / 2402 = 1.1017901…
        assert_eq!(r.to_percent(Rounding::default()), dec!(110.18));
        assert_eq!(r.to_percent(Rounding::half_up(5).unwrap()), dec!(110.17902));
        assert_eq!(lending_completion(new, Money::ZERO), Err(NoRatio::ZeroBase));
    }

    #[test]
    fn every_violation_is_reported() {
        let lpr = LprTable::new([(d(2021, 1, 20), pct(dec!(3.85)), pct(dec!(4.65)))]).unwrap();
        let rules = LoanRules::new(wan(5), 36, lpr);
        let book = LoanBook::new(
            [
                loan("L-1", "H-1", wan(5), d(2021, 3, 1), 36, pct(dec!(4.65))), // at every limit: passes
                loan("L-2", "H-2", wan(3), d(2021, 3, 1), 12, pct(dec!(3.90))), // 1-year tier: 3.85 cap
                loan("L-3", "H-3", wan(6), d(2021, 3, 1), 48, pct(dec!(4.70))), // all three
                loan("L-4", "H-4", wan(1), d(2021, 1, 1), 24, pct(dec!(4.00))), // before any LPR
            ],
            [],
        )
        .unwrap();
        let found = book.check(&rules);
        let ids: Vec<&str> = found.iter().map(|f| f.loan().as_str()).collect();
        assert_eq!(ids, ["L-2", "L-3", "L-4"]);
        assert_eq!(
            found[0].violations(),
            [LoanViolation::RateAbove {
                rate: pct(dec!(3.90)),
                cap: pct(dec!(3.85))
            }]
        );
        let kinds: Vec<&str> = found[1]
            .violations()
            .iter()
            .map(LoanViolation::as_str)
            .collect();
        assert_eq!(kinds, ["超过额度上限", "超过期限上限", "利率超过上限"]);
        assert_eq!(
            found[1].violations()[0].to_string(),
            "超过额度上限: 60000.00元 > 50000.00元"
        );
        assert_eq!(
            found[2].violations(),
            [LoanViolation::NoRateCap {
                start: d(2021, 1, 1)
            }]
        );
        // A wider 1-year tier moves L-2 under the 5-year cap.
        let lpr = LprTable::new([(d(2021, 1, 20), pct(dec!(3.85)), pct(dec!(4.65)))]).unwrap();
        let wide = LoanRules::new(wan(5), 36, lpr).with_one_year_tier_months(11);
        assert!(book.check(&wide).iter().all(|f| f.loan().as_str() != "L-2"));
    }

    #[test]
    fn balances_under_both_models_and_stock_coverage() {
        let book = LoanBook::new(
            [
                loan("L-1", "H-1", wan(5), d(2019, 10, 1), 24, pct(dec!(4.35))), // matures 2021-10-01
                loan("L-2", "H-2", wan(3), d(2021, 2, 1), 36, pct(dec!(4.65))),
                loan("L-3", "H-2", wan(2), d(2021, 5, 1), 12, pct(dec!(3.85))),
                loan("L-4", "H-3", wan(1), d(2021, 10, 8), 12, pct(dec!(3.85))), // after the date
            ],
            [
                Repayment::new(id("R-1"), id("L-1"), d(2020, 10, 1), wan(1)),
                Repayment::new(
                    id("R-2"),
                    id("L-2"),
                    d(2021, 9, 30),
                    Money::from_fen(500_000),
                ),
            ],
        )
        .unwrap();
        let as_of = d(2021, 9, 30);
        let s = book
            .stock(as_of, RepaymentModel::BulletAtMaturity, 10)
            .unwrap();
        // 4万 + (3万 − 0.5万) + 2万 = 8.5万; households H-1, H-2.
        assert_eq!(s.balance(), Money::from_fen(8_500_000));
        assert_eq!((s.loans_outstanding(), s.households_with_balance()), (3, 2));
        assert_eq!(
            s.coverage().unwrap().to_percent(Rounding::default()),
            dec!(20.00)
        );
        // On L-1's maturity date the bullet model has it repaid; the recorded-only model
        // still shows the 4万 as outstanding (overdue).
        let at_maturity = d(2021, 10, 1);
        assert_eq!(
            book.stock(at_maturity, RepaymentModel::BulletAtMaturity, 10)
                .unwrap()
                .balance(),
            Money::from_fen(4_500_000)
        );
        assert_eq!(
            book.stock(at_maturity, RepaymentModel::RecordedOnly, 10)
                .unwrap()
                .balance(),
            Money::from_fen(8_500_000)
        );
        assert_eq!(book.new_lending(d(2021, 1, 1), as_of).unwrap(), wan(5));
        assert_eq!(s.coverage().unwrap(), Ratio::from_counts(2, 10).unwrap());
        assert_eq!(
            book.stock(as_of, RepaymentModel::default(), 0)
                .unwrap()
                .coverage(),
            Err(NoRatio::ZeroBase)
        );
    }

    #[test]
    fn bad_books_are_rejected_with_the_record_named() {
        let ok = || loan("L-1", "H-1", wan(5), d(2021, 3, 1), 36, pct(dec!(4)));
        let err = |loans: Vec<Loan>, reps: Vec<Repayment>| {
            LoanBook::new(loans, reps).unwrap_err().to_string()
        };
        assert_eq!(err(vec![ok(), ok()], vec![]), "duplicate loan id L-1");
        assert_eq!(
            err(
                vec![loan("L-2", "H", wan(1), d(2021, 3, 1), 0, pct(dec!(4)))],
                vec![]
            ),
            "loan L-2: term of 0 months (at least 1)"
        );
        assert_eq!(
            err(
                vec![loan(
                    "L-3",
                    "H",
                    Money::ZERO,
                    d(2021, 3, 1),
                    6,
                    pct(dec!(4))
                )],
                vec![]
            ),
            "loan L-3: amount 0.00元 (must be above zero)"
        );
        assert_eq!(
            err(
                vec![ok()],
                vec![Repayment::new(id("R-1"), id("L-9"), d(2021, 4, 1), wan(1))]
            ),
            "repayment R-1 on loan L-9: unknown loan"
        );
        assert_eq!(
            err(
                vec![ok()],
                vec![Repayment::new(id("R-1"), id("L-1"), d(2021, 2, 1), wan(1))]
            ),
            "repayment R-1 on loan L-1: dated 2021-02-01 before the loan started on 2021-03-01"
        );
        assert_eq!(
            err(
                vec![ok()],
                vec![
                    Repayment::new(id("R-1"), id("L-1"), d(2021, 4, 1), wan(3)),
                    Repayment::new(id("R-2"), id("L-1"), d(2021, 5, 1), wan(3)),
                ]
            ),
            "loan L-1: repayments exceed the 50000.00元 lent"
        );
    }

    #[test]
    fn subsidy_share_changes_and_repayments_split_the_period() {
        let book = LoanBook::new(
            [
                loan("L-1", "H-1", wan(5), d(2021, 1, 1), 36, pct(dec!(3.85))),
                // Starts 2021-11-01, 12 months: 61 days in 2021 (Nov 30 + Dec 31).
                loan("L-2", "H-2", wan(2), d(2021, 11, 1), 12, pct(dec!(3.65))),
                // Matured before the period: no row.
                loan("L-3", "H-3", wan(2), d(2019, 1, 1), 24, pct(dec!(4.35))),
            ],
            [Repayment::new(id("R-1"), id("L-1"), d(2021, 10, 1), wan(2))],
        )
        .unwrap();
        // Illustrative shares (a mid-year switch exercises the split; the published switch
        // is 2024-01-01, tested in tests/policy.rs).
        let shares = SubsidyShares::new([
            (d(2020, 1, 1), pct(dec!(100))),
            (d(2021, 7, 1), pct(dec!(70))),
        ])
        .unwrap();
        let due = book
            .interest_subsidy(&SubsidyOptions::new(
                d(2021, 1, 1),
                d(2021, 12, 31),
                shares.clone(),
            ))
            .unwrap();
        assert_eq!(due.rows().len(), 2);
        // L-1: 50000 for Jan–Sep (273 days: 181 at 100%, 92 at 70%), 30000 for Oct–Dec
        // (92 days at 70%). interest = (50000×273 + 30000×92) × 0.0385 / 360
        //   = 16410000 × 0.0385 / 360 = 1754.9583… → 1754.96
        // subsidy = (50000×181 + 0.7×(50000×92 + 30000×92)) × 0.0385 / 360
        //   = 14202000 × 0.0385 / 360 = 1518.825 exactly: a tie, half-up → 1518.83.
        let r1 = &due.rows()[0];
        assert_eq!(
            (r1.days(), r1.interest(), r1.subsidy()),
            (365, Money::from_fen(175_496), Money::from_fen(151_883))
        );
        // L-2: 20000 × 0.0365 × 61 / 360 = 123.6944… → 123.69; × 0.7 = 86.5861… → 86.59.
        let r2 = &due.rows()[1];
        assert_eq!(
            (r2.days(), r2.interest(), r2.subsidy()),
            (61, Money::from_fen(12_369), Money::from_fen(8_659))
        );
        assert_eq!(due.total_subsidy(), Money::from_fen(151_883 + 8_659));
        let even = SubsidyOptions::new(d(2021, 1, 1), d(2021, 12, 31), shares.clone())
            .rounding(RoundMode::HalfEven);
        assert_eq!(
            book.interest_subsidy(&even).unwrap().rows()[0].subsidy(),
            Money::from_fen(151_882)
        );
        assert_eq!(due.total_interest(), Money::from_fen(175_496 + 12_369));
        // Actual/365: L-2 = 20000 × 0.0365 × 61 / 365 = 122.00 exactly; subsidy 85.40.
        let d365 = SubsidyOptions::new(d(2021, 1, 1), d(2021, 12, 31), shares.clone())
            .day_count(DayCount::Actual365);
        let due365 = book.interest_subsidy(&d365).unwrap();
        let r2 = &due365.rows()[1];
        assert_eq!(
            (r2.interest(), r2.subsidy()),
            (Money::from_fen(12_200), Money::from_fen(8_540))
        );
    }

    #[test]
    fn subsidy_needs_shares_for_every_day_and_a_proper_period() {
        let book = LoanBook::new(
            [loan(
                "L-1",
                "H-1",
                wan(5),
                d(2021, 1, 1),
                36,
                pct(dec!(3.85)),
            )],
            [],
        )
        .unwrap();
        let late = SubsidyShares::new([(d(2021, 3, 1), pct(dec!(100)))]).unwrap();
        let e = book
            .interest_subsidy(&SubsidyOptions::new(
                d(2021, 1, 1),
                d(2021, 12, 31),
                late.clone(),
            ))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "no interest subsidy share for 2021-01-01 (loan L-1)"
        );
        let e = book
            .interest_subsidy(&SubsidyOptions::new(d(2021, 2, 1), d(2021, 1, 1), late))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "subsidy period 2021-02-01–2021-01-01: starts after it ends"
        );
        assert!(SubsidyShares::new([(d(2021, 1, 1), pct(dec!(101)))]).is_err());
    }
}

// Two attributes rather than `cfg(all(test, feature = "serde"))`: clippy only treats a plain
// `cfg(test)` module as test code (allow-unwrap-in-tests).
#[cfg(test)]
#[cfg(feature = "serde")]
mod serde_tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn pct(p: rust_decimal::Decimal) -> Ratio {
        Ratio::from_percent(p).unwrap()
    }

    /// `serde_json`'s message for a rejected value: the constructor's, then the position.
    fn rejected<T: serde::de::DeserializeOwned + fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    fn lpr() -> LprTable {
        LprTable::new([
            (d(2021, 1, 20), pct(dec!(3.85)), pct(dec!(4.65))),
            (d(2019, 8, 20), pct(dec!(4.25)), pct(dec!(4.85))),
        ])
        .unwrap()
    }

    #[test]
    fn lpr_table_round_trips_and_is_checked_by_the_constructor() {
        let t = lpr();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<LprTable>(&json).unwrap(), t);
        let r = r#"{"numerator":"3.85","denominator":"100"}"#;
        let twice = format!(r#"{{"entries":[["2021-01-20",[{r},{r}]],["2021-01-20",[{r},{r}]]]}}"#);
        let expected = LprTable::new([
            (d(2021, 1, 20), pct(dec!(3.85)), pct(dec!(3.85))),
            (d(2021, 1, 20), pct(dec!(3.85)), pct(dec!(3.85))),
        ])
        .unwrap_err()
        .to_string();
        assert_eq!(expected, "duplicate LPR date 2021-01-20");
        let e = rejected::<LprTable>(&twice);
        assert!(e.starts_with(&expected), "{e}");
    }

    #[test]
    fn loan_rules_read_their_lpr_table_through_its_constructor() {
        let rules =
            LoanRules::new(Money::from_fen(5_000_000), 36, lpr()).with_one_year_tier_months(11);
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<LoanRules>(&json).unwrap(), rules);
        let r = r#"{"numerator":"3.85","denominator":"100"}"#;
        let twice = format!(
            r#"{{"max_amount":"50000","max_term_months":36,"one_year_tier_months":12,"lpr":{{"entries":[["2021-01-20",[{r},{r}]],["2021-01-20",[{r},{r}]]]}}}}"#
        );
        let e = rejected::<LoanRules>(&twice);
        assert!(e.starts_with("duplicate LPR date 2021-01-20"), "{e}");
    }

    #[test]
    fn subsidy_shares_round_trip_and_are_checked_by_the_constructor() {
        let s = SubsidyShares::new([
            (d(2021, 7, 1), pct(dec!(70))),
            (d(2021, 1, 1), pct(dec!(100))),
        ])
        .unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<SubsidyShares>(&json).unwrap(), s);
        let v = s
            .clone()
            .vintage(d(2021, 4, 1), [(d(2024, 1, 1), pct(dec!(70)))])
            .unwrap();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<SubsidyShares>(&json).unwrap(), v);
        let e = rejected::<SubsidyShares>(
            &json.replace(r#""vintages":["#, r#""vintages":[["2021-04-01",[]],"#),
        );
        assert!(
            e.starts_with("duplicate subsidy vintage date 2021-04-01"),
            "{e}"
        );

        // 101% is outside 0–100%: the constructor's message, not a silent success.
        let over = SubsidyShares::new([(d(2021, 1, 1), pct(dec!(101)))])
            .unwrap_err()
            .to_string();
        assert!(
            over.starts_with("subsidy share from 2021-01-01: "),
            "{over}"
        );
        let e = rejected::<SubsidyShares>(
            r#"{"entries":[["2021-01-01",{"numerator":"101","denominator":"100"}]]}"#,
        );
        assert!(e.starts_with(&over), "{e}");
        let e = rejected::<SubsidyShares>(
            r#"{"entries":[["2021-01-01",{"numerator":"-1","denominator":"100"}]]}"#,
        );
        assert!(e.contains("is outside 0–100%"), "{e}");

        let one = r#"{"numerator":"1","denominator":"2"}"#;
        let e = rejected::<SubsidyShares>(&format!(
            r#"{{"entries":[["2021-01-01",{one}],["2021-01-01",{one}]]}}"#
        ));
        assert!(
            e.starts_with("duplicate subsidy share date 2021-01-01"),
            "{e}"
        );
    }
}
