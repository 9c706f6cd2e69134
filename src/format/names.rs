//! Where renderers find region names: any lookup from code to name, not the ledger itself.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use indexmap::IndexMap;

use crate::dim::RegionCode;
use crate::ledger::Ledger;

/// A lookup of region names by code (地区名称), all a renderer needs to label rows.
///
/// Renderers ([`execution_csv`](super::execution_csv), [`execution_table`](super::execution_table),
/// [`ranking_table`](super::ranking_table), [`RateChart::from_ranking`](super::RateChart::from_ranking))
/// take `Option<&dyn RegionNames>`: the [`Ledger`] (its declared regions), a
/// `HashMap`/`IndexMap`/`BTreeMap` from [`RegionCode`] to `String`, or `None` for codes
/// only. A region the lookup does not name is shown by its code.
///
/// # Example
///
/// ```
/// use std::collections::HashMap;
/// use fundtrack::RegionCode;
/// use fundtrack::format::RegionNames;
///
/// let hepu: RegionCode = "450521".parse()?;
/// let names = HashMap::from([(hepu, "合浦县".to_owned())]);
/// assert_eq!(names.region_name(hepu), Some("合浦县"));
/// assert_eq!(names.region_name("450500".parse()?), None);
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
pub trait RegionNames {
    /// The display name of the region `code`, if this lookup has one.
    fn region_name(&self, code: RegionCode) -> Option<&str>;
}

/// The ledger's declared regions.
///
/// ```
/// use fundtrack::{FiscalYear, Ledger};
/// use fundtrack::format::RegionNames;
/// use fundtrack::record::Region;
///
/// let mut ledger = Ledger::new(FiscalYear::new(2021)?);
/// ledger.insert([Region::new("450500".parse()?, "北海市")])?;
/// assert_eq!(ledger.region_name("450500".parse()?), Some("北海市"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl RegionNames for Ledger {
    fn region_name(&self, code: RegionCode) -> Option<&str> {
        self.region(code).map(crate::record::Region::name)
    }
}

impl<S: BuildHasher> RegionNames for HashMap<RegionCode, String, S> {
    fn region_name(&self, code: RegionCode) -> Option<&str> {
        self.get(&code).map(String::as_str)
    }
}

impl<S: BuildHasher> RegionNames for IndexMap<RegionCode, String, S> {
    fn region_name(&self, code: RegionCode) -> Option<&str> {
        self.get(&code).map(String::as_str)
    }
}

impl RegionNames for BTreeMap<RegionCode, String> {
    fn region_name(&self, code: RegionCode) -> Option<&str> {
        self.get(&code).map(String::as_str)
    }
}

/// A region's display name: its name in `names`, else its code.
pub(crate) fn region_name(code: RegionCode, names: Option<&dyn RegionNames>) -> String {
    names
        .and_then(|n| n.region_name(code))
        .map_or_else(|| code.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_without_a_name_shows_the_code() {
        let c: RegionCode = "450521".parse().unwrap();
        let names: IndexMap<RegionCode, String> = IndexMap::from([(c, "合浦县".to_owned())]);
        assert_eq!(region_name(c, Some(&names)), "合浦县");
        assert_eq!(region_name(c, None), "450521");
        let other: RegionCode = "450500".parse().unwrap();
        let tree: BTreeMap<RegionCode, String> = BTreeMap::new();
        assert_eq!(region_name(other, Some(&tree)), "450500");
    }
}
