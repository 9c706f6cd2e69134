//! Budget classification (政府收支分类): categories mapped to 21305xx items per year, with
//! item names per year, and amounts summed by item.
//!
//! Published rule: the year's 政府收支分类科目 book spending of transition funds under
//! 21305 (巩固脱贫攻坚成果衔接乡村振兴) items. Which category goes to which item, and the
//! item names, change by year and are a [`BudgetClassification`] the caller supplies;
//! [`BudgetClassification::summarize`] sums amounts by item and reports unmapped
//! categories rather than dropping them.

use indexmap::IndexMap;

use super::PolicyError;
use crate::dim::{Category, FiscalYear, FunctionCode};
use crate::money::Money;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct YearTable {
    codes: IndexMap<Category, FunctionCode>,
    names: IndexMap<FunctionCode, String>,
}

/// The caller's mapping of categories to budget items (功能分类科目) and the items' names,
/// per year — names changed between years (2130599 was 其他扶贫支出 until 2020), and
/// 雨露计划 goes to 2130506 in some places and 2130599 in others, so all of it is data.
/// The item names in the examples are those of 财政部's 2021 政府收支分类科目; the
/// category-to-item mappings are illustrations.
///
/// # Example
///
/// ```
/// use fundtrack::{Category, FiscalYear};
/// use fundtrack::policy::classification::BudgetClassification;
///
/// let y = FiscalYear::new(2021)?;
/// let table = BudgetClassification::new(
///     [
///         (y, Category::Infrastructure, "2130504".parse()?),
///         (y, Category::Industry, "2130505".parse()?),
///     ],
///     [
///         (y, "2130504".parse()?, "农村基础设施建设".to_string()),
///         (y, "2130505".parse()?, "生产发展".to_string()),
///     ],
/// )?;
/// assert_eq!(table.code(y, &Category::Industry).unwrap().to_string(), "2130505");
/// assert_eq!(table.name(y, "2130504".parse()?), Some("农村基础设施建设"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(
    feature = "serde",
    serde(
        into = "BudgetClassificationParts",
        try_from = "BudgetClassificationParts"
    )
)]
pub struct BudgetClassification {
    years: IndexMap<FiscalYear, YearTable>,
}

/// The wire form of a [`BudgetClassification`]: the constructor's two lists,
/// `{"mappings": [[2021, "industry", "2130505"], …], "names": [[2021, "2130505", "生产发展"], …]}`,
/// checked by [`BudgetClassification::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetClassificationParts {
    mappings: Vec<(FiscalYear, Category, FunctionCode)>,
    names: Vec<(FiscalYear, FunctionCode, String)>,
}

#[cfg(feature = "serde")]
impl From<BudgetClassification> for BudgetClassificationParts {
    fn from(t: BudgetClassification) -> BudgetClassificationParts {
        let mut parts = BudgetClassificationParts {
            mappings: Vec::new(),
            names: Vec::new(),
        };
        for (year, table) in t.years {
            parts
                .mappings
                .extend(table.codes.into_iter().map(|(c, code)| (year, c, code)));
            parts
                .names
                .extend(table.names.into_iter().map(|(code, n)| (year, code, n)));
        }
        parts
    }
}

#[cfg(feature = "serde")]
impl TryFrom<BudgetClassificationParts> for BudgetClassification {
    type Error = PolicyError;

    fn try_from(parts: BudgetClassificationParts) -> Result<BudgetClassification, PolicyError> {
        BudgetClassification::new(parts.mappings, parts.names)
    }
}

impl BudgetClassification {
    /// A table from `(year, category, code)` mappings and `(year, code, name)` names.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Duplicate`] when a category is mapped twice or an item named twice in
    /// one year; [`PolicyError::Invalid`] for an empty name.
    pub fn new(
        mappings: impl IntoIterator<Item = (FiscalYear, Category, FunctionCode)>,
        names: impl IntoIterator<Item = (FiscalYear, FunctionCode, String)>,
    ) -> Result<BudgetClassification, PolicyError> {
        let mut years: IndexMap<FiscalYear, YearTable> = IndexMap::new();
        for (year, category, code) in mappings {
            let t = years.entry(year).or_default();
            if t.codes.contains_key(&category) {
                return Err(PolicyError::Duplicate {
                    what: "budget mapping",
                    id: format!("{} {}", year.year(), category.machine_name()),
                });
            }
            t.codes.insert(category, code);
        }
        for (year, code, name) in names {
            if name.trim().is_empty() {
                return Err(PolicyError::invalid(
                    format!("item name {} {code}", year.year()),
                    "empty",
                ));
            }
            let t = years.entry(year).or_default();
            if t.names.insert(code, name).is_some() {
                return Err(PolicyError::Duplicate {
                    what: "item name",
                    id: format!("{} {code}", year.year()),
                });
            }
        }
        Ok(BudgetClassification { years })
    }

    /// The item a category maps to in `year`.
    pub fn code(&self, year: FiscalYear, category: &Category) -> Option<FunctionCode> {
        self.years.get(&year)?.codes.get(category).copied()
    }

    /// The name of an item in `year`.
    pub fn name(&self, year: FiscalYear, code: FunctionCode) -> Option<&str> {
        self.years.get(&year)?.names.get(&code).map(String::as_str)
    }

    /// Sums amounts by budget item for `year` (按科目汇总).
    ///
    /// Rule: each amount goes to the item its category maps to in `year`; items are listed
    /// in code order with the year's name (or none, reported as missing); amounts whose
    /// category has no mapping that year are **reported** under
    /// [`ItemSummary::unmapped`], not dropped.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when a sum overflows.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::{Category, FiscalYear};
    /// use fundtrack::policy::classification::BudgetClassification;
    ///
    /// let y = FiscalYear::new(2021)?;
    /// let table = BudgetClassification::new(
    ///     [(y, Category::Industry, "2130505".parse()?), (y, Category::LoanInterest, "2130507".parse()?)],
    ///     [(y, "2130505".parse()?, "生产发展".to_string())],
    /// )?;
    /// let s = table.summarize(y, [
    ///     (Category::Industry, "300万元".parse()?),
    ///     (Category::LoanInterest, "20万元".parse()?),
    ///     (Category::Industry, "100万元".parse()?),
    ///     (Category::YuluPlan, "15万元".parse()?),
    /// ])?;
    /// assert_eq!(s.items()[0].amount().to_string(), "4000000.00元");
    /// assert_eq!(s.items()[1].name(), None);
    /// assert_eq!(s.unmapped()[&Category::YuluPlan].to_string(), "150000.00元");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summarize(
        &self,
        year: FiscalYear,
        amounts: impl IntoIterator<Item = (Category, Money)>,
    ) -> Result<ItemSummary, PolicyError> {
        let mut items: IndexMap<FunctionCode, ItemRow> = IndexMap::new();
        let mut unmapped: IndexMap<Category, Money> = IndexMap::new();
        for (category, amount) in amounts {
            let overflow = || {
                PolicyError::overflow(format!(
                    "{} total for {}",
                    year.year(),
                    category.machine_name()
                ))
            };
            if let Some(code) = self.code(year, &category) {
                let row = items.entry(code).or_insert_with(|| ItemRow {
                    code,
                    name: self.name(year, code).map(str::to_owned),
                    amount: Money::ZERO,
                    categories: Vec::new(),
                });
                row.amount = row.amount.checked_add(amount).ok_or_else(overflow)?;
                if !row.categories.contains(&category) {
                    row.categories.push(category);
                }
            } else {
                let slot = unmapped.entry(category.clone()).or_insert(Money::ZERO);
                *slot = slot.checked_add(amount).ok_or_else(overflow)?;
            }
        }
        items.sort_keys();
        Ok(ItemSummary {
            year,
            items: items.into_values().collect(),
            unmapped,
        })
    }
}

/// One budget item's total (科目合计).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ItemRow {
    code: FunctionCode,
    name: Option<String>,
    amount: Money,
    categories: Vec<Category>,
}

impl ItemRow {
    /// The item code.
    pub fn code(&self) -> FunctionCode {
        self.code
    }

    /// The item's name that year, or `None` when the caller supplied none.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The total.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The categories summed into it, in order of first appearance.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }
}

/// Amounts summed by budget item for a year (按科目汇总表).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ItemSummary {
    year: FiscalYear,
    items: Vec<ItemRow>,
    unmapped: IndexMap<Category, Money>,
}

impl ItemSummary {
    /// The year.
    pub fn year(&self) -> FiscalYear {
        self.year
    }

    /// Items in code order.
    pub fn items(&self) -> &[ItemRow] {
        &self.items
    }

    /// Amounts of categories with no item that year, in order of first appearance.
    pub fn unmapped(&self) -> &IndexMap<Category, Money> {
        &self.unmapped
    }

    /// The total of all amounts, mapped or not.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Overflow`] when the sum overflows.
    pub fn total(&self) -> Result<Money, PolicyError> {
        Money::checked_sum(
            self.items
                .iter()
                .map(ItemRow::amount)
                .chain(self.unmapped.values().copied()),
        )
        .ok_or_else(|| PolicyError::overflow(format!("{} total", self.year.year())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(n: i64) -> Money {
        Money::from_fen(n * 1_000_000)
    }

    fn code(s: &str) -> FunctionCode {
        s.parse().unwrap()
    }

    fn table() -> (FiscalYear, FiscalYear, BudgetClassification) {
        // 2020: 21305 was 扶贫 and 2130599 "其他扶贫支出"; from 2021 the items were renamed
        // for 巩固脱贫攻坚成果衔接乡村振兴 (财政部, 政府收支分类科目 of each year). The
        // mappings are illustrations; names are per year because they changed.
        let (y20, y22) = (
            FiscalYear::new(2020).unwrap(),
            FiscalYear::new(2022).unwrap(),
        );
        let yigong = Category::custom("以工代赈").unwrap();
        let t = BudgetClassification::new(
            [
                (y20, Category::Infrastructure, code("2130504")),
                (y20, Category::Industry, code("2130505")),
                (y20, Category::LoanInterest, code("2130507")),
                (y20, Category::YuluPlan, code("2130599")),
                (y22, Category::Infrastructure, code("2130504")),
                (y22, Category::Industry, code("2130505")),
                (y22, Category::YuluPlan, code("2130506")),
                (y22, yigong, code("2130599")),
            ],
            [
                (y20, code("2130504"), "农村基础设施建设".to_string()),
                (y20, code("2130505"), "生产发展".to_string()),
                (y20, code("2130507"), "贷款奖补和贴息".to_string()),
                (y20, code("2130599"), "其他扶贫支出".to_string()),
                (
                    y22,
                    code("2130599"),
                    "其他巩固脱贫攻坚成果衔接乡村振兴支出".to_string(),
                ),
            ],
        )
        .unwrap();
        (y20, y22, t)
    }

    #[test]
    fn summaries_by_item_with_names_per_year() {
        let (y20, y22, t) = table();
        let yigong = Category::custom("以工代赈").unwrap();
        let amounts = [
            (Category::YuluPlan, wan(15)),
            (Category::Industry, wan(300)),
            (Category::Infrastructure, wan(200)),
            (Category::LoanInterest, wan(20)),
            (yigong.clone(), wan(7)),
            (Category::Industry, wan(100)),
        ];
        let s20 = t.summarize(y20, amounts.clone()).unwrap();
        let rows: Vec<(String, Option<&str>, Money)> = s20
            .items()
            .iter()
            .map(|r| (r.code().to_string(), r.name(), r.amount()))
            .collect();
        assert_eq!(
            rows,
            [
                ("2130504".to_string(), Some("农村基础设施建设"), wan(200)),
                ("2130505".to_string(), Some("生产发展"), wan(400)),
                ("2130507".to_string(), Some("贷款奖补和贴息"), wan(20)),
                ("2130599".to_string(), Some("其他扶贫支出"), wan(15)),
            ]
        );
        assert_eq!(s20.unmapped().len(), 1);
        assert_eq!(s20.unmapped()[&yigong], wan(7));
        assert_eq!(s20.total().unwrap(), wan(642));

        let s22 = t.summarize(y22, amounts).unwrap();
        let codes: Vec<String> = s22.items().iter().map(|r| r.code().to_string()).collect();
        assert_eq!(codes, ["2130504", "2130505", "2130506", "2130599"]);
        assert_eq!(
            s22.items()[3].name(),
            Some("其他巩固脱贫攻坚成果衔接乡村振兴支出")
        );
        assert_eq!(s22.items()[3].categories(), [yigong]);
        assert_eq!(s22.items()[2].name(), None);
        assert_eq!(
            s22.unmapped().keys().collect::<Vec<_>>(),
            [&Category::LoanInterest]
        );
        assert_eq!(s22.total().unwrap(), wan(642));
    }

    #[test]
    fn conflicting_tables_are_rejected() {
        let y = FiscalYear::new(2021).unwrap();
        let e = BudgetClassification::new(
            [
                (y, Category::Industry, code("2130505")),
                (y, Category::Industry, code("2130599")),
            ],
            [],
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "duplicate budget mapping 2021 industry");
        let e = BudgetClassification::new(
            [],
            [
                (y, code("2130505"), "a".into()),
                (y, code("2130505"), "b".into()),
            ],
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "duplicate item name 2021 2130505");
        assert!(BudgetClassification::new([], [(y, code("2130505"), " ".into())]).is_err());
    }
}

// Two attributes rather than `cfg(all(test, feature = "serde"))`: clippy only treats a plain
// `cfg(test)` module as test code (allow-unwrap-in-tests).
#[cfg(test)]
#[cfg(feature = "serde")]
mod serde_tests {
    use super::*;

    fn rejected(json: &str) -> String {
        serde_json::from_str::<BudgetClassification>(json)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn classification_round_trips_through_json() {
        let (y21, y22) = (
            FiscalYear::new(2021).unwrap(),
            FiscalYear::new(2022).unwrap(),
        );
        let code = |s: &str| s.parse::<FunctionCode>().unwrap();
        let t = BudgetClassification::new(
            [
                (y21, Category::Industry, code("2130505")),
                (y22, Category::YuluPlan, code("2130599")),
                (y21, Category::custom("以工代赈").unwrap(), code("2130504")),
            ],
            [
                (y21, code("2130505"), "生产发展".to_string()),
                (
                    y22,
                    code("2130599"),
                    "其他巩固脱贫攻坚成果衔接乡村振兴支出".to_string(),
                ),
            ],
        )
        .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert!(
            json.starts_with(r#"{"mappings":[[2021,"industry","2130505"],"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<BudgetClassification>(&json).unwrap(),
            t
        );
        let empty = serde_json::to_string(&BudgetClassification::default()).unwrap();
        assert_eq!(empty, r#"{"mappings":[],"names":[]}"#);
        assert_eq!(
            serde_json::from_str::<BudgetClassification>(&empty).unwrap(),
            BudgetClassification::default()
        );
    }

    #[test]
    fn classification_json_is_checked_by_the_constructor() {
        let y = FiscalYear::new(2021).unwrap();
        let code: FunctionCode = "2130505".parse().unwrap();
        let twice = BudgetClassification::new(
            [(y, Category::Industry, code), (y, Category::Industry, code)],
            [],
        )
        .unwrap_err()
        .to_string();
        let e = rejected(
            r#"{"mappings":[[2021,"industry","2130505"],[2021,"industry","2130506"]],"names":[]}"#,
        );
        assert!(e.starts_with(&twice), "{e} / {twice}");
        let empty = BudgetClassification::new([], [(y, code, " ".to_string())])
            .unwrap_err()
            .to_string();
        let e = rejected(r#"{"mappings":[],"names":[[2021,"2130505"," "]]}"#);
        assert!(e.starts_with(&empty), "{e} / {empty}");
        let e = rejected(r#"{"mappings":[],"names":[[2021,"2130505","a"],[2021,"2130505","b"]]}"#);
        assert!(e.starts_with("duplicate item name 2021 2130505"), "{e}");
    }
}
