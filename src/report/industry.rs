//! Industry share (产业占比): the share of money that goes to industry development.

use chrono::NaiveDate;

use super::Basis;
use crate::dim::{Category, RegionCode, SourceMix};
use crate::ledger::{Ledger, ledger_money};
use crate::money::{Money, NoRatio, Ratio};

/// What an industry share counts: basis (allocated by default), source mix (central +
/// provincial by default, as evaluations use) and region.
///
/// ```
/// use fundtrack::SourceMix;
/// use fundtrack::report::{Basis, IndustryShareOptions};
/// use chrono::NaiveDate;
/// let o = IndustryShareOptions::new(NaiveDate::from_ymd_opt(2022, 12, 31).unwrap())
///     .basis(Basis::Spent)
///     .sources(SourceMix::AllLevels);
/// assert_eq!(o.source_mix(), SourceMix::AllLevels);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct IndustryShareOptions {
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::dim::date::wire::date")
    )]
    as_of: NaiveDate,
    basis: Basis,
    sources: SourceMix,
    within: Option<RegionCode>,
}

impl IndustryShareOptions {
    /// Industry share on allocated central + provincial money as of `as_of`.
    pub fn new(as_of: NaiveDate) -> IndustryShareOptions {
        IndustryShareOptions {
            as_of,
            basis: Basis::Allocated,
            sources: SourceMix::CentralAndProvincial,
            within: None,
        }
    }

    /// Allocated or spent amounts.
    #[must_use]
    pub fn basis(mut self, basis: Basis) -> IndustryShareOptions {
        self.basis = basis;
        self
    }

    /// Which levels count.
    #[must_use]
    pub fn sources(mut self, sources: SourceMix) -> IndustryShareOptions {
        self.sources = sources;
        self
    }

    /// Only money held in `region` and within it.
    #[must_use]
    pub fn within(mut self, region: RegionCode) -> IndustryShareOptions {
        self.within = Some(region);
        self
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The basis.
    pub fn basis_kind(&self) -> Basis {
        self.basis
    }

    /// The source mix.
    pub fn source_mix(&self) -> SourceMix {
        self.sources
    }
}

/// Industry money against all money on the chosen basis and source mix (产业占比).
///
/// # Example
///
/// ```
/// use fundtrack::Rounding;
/// use fundtrack::report::IndustryShare;
/// let s = IndustryShare::from_totals("5600万元".parse()?, "10000万元".parse()?);
/// assert_eq!(s.share().unwrap().to_percent(Rounding::default()).to_string(), "56.00");
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct IndustryShare {
    industry: Money,
    total: Money,
}

impl IndustryShare {
    /// From totals computed elsewhere.
    pub fn from_totals(industry: Money, total: Money) -> IndustryShare {
        IndustryShare { industry, total }
    }

    /// Money for industry development.
    pub fn industry(&self) -> Money {
        self.industry
    }

    /// All money counted (unassigned money included: it is not yet industry money).
    pub fn total(&self) -> Money {
        self.total
    }

    /// Industry ÷ total, unrounded.
    pub fn share(&self) -> Result<Ratio, NoRatio> {
        Ratio::of(self.industry, self.total)
    }
}

impl Ledger {
    /// The industry share (产业占比) as the options say.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear, FundLevel, Ledger, Rounding};
    /// use fundtrack::record::{Allocation, Region};
    /// use fundtrack::report::IndustryShareOptions;
    /// use chrono::NaiveDate;
    ///
    /// let d = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
    /// let county = "450521".parse()?;
    /// let mut ledger = Ledger::new(FiscalYear::new(2022)?);
    /// ledger.insert([Region::new(county, "合浦县")])?;
    /// ledger.insert([
    ///     Allocation::new("A-1".parse()?, d, county, FundLevel::Central, "600万元".parse()?).with_category(Category::Industry),
    ///     Allocation::new("A-2".parse()?, d, county, FundLevel::Provincial, "400万元".parse()?).with_category(Category::Infrastructure),
    ///     Allocation::new("A-3".parse()?, d, county, FundLevel::County, "500万元".parse()?).with_category(Category::Industry),
    /// ])?;
    /// let s = ledger.industry_share(IndustryShareOptions::new(d));
    /// assert_eq!(s.share().unwrap().to_percent(Rounding::default()).to_string(), "60.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn industry_share(&self, options: IndustryShareOptions) -> IndustryShare {
        // Sums over a set of buckets: at most the ledger's gross in size (see `ledger_money`).
        let (mut industry, mut total) = (0i128, 0i128);
        for view in self.buckets() {
            let b = view.bucket();
            if !options.sources.includes(b.level())
                || !options.within.is_none_or(|w| w.contains(b.region()))
            {
                continue;
            }
            let amount = match options.basis {
                Basis::Allocated => view.allocated(options.as_of),
                Basis::Spent => view.spent(options.as_of),
            }
            .to_fen();
            total += amount;
            if b.category() == Some(&Category::Industry) {
                industry += amount;
            }
        }
        IndustryShare::from_totals(ledger_money(industry), ledger_money(total))
    }
}
