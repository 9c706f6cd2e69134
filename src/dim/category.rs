//! Spending categories (支出类别).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{ParseError, ParseErrorKind};

/// What money is for (支出类别): four built-in categories, `other`, and names a locality
/// chooses itself (以工代赈, 就业帮扶, …).
///
/// Parsing accepts the machine names and Chinese labels of the built-ins. Any other label
/// with a non-ASCII character is taken as a user-named category; an unknown *ASCII* word is
/// rejected, because `industy` is a typo, not a category. [`Category::custom`] names one
/// explicitly.
///
/// # Example
///
/// ```
/// use fundtrack::Category;
///
/// assert_eq!("产业发展".parse::<Category>()?, Category::Industry);
/// assert_eq!("yulu_plan".parse::<Category>()?.as_str(), "雨露计划");
/// let own: Category = "以工代赈".parse()?;
/// assert_eq!(own, Category::custom("以工代赈")?);
/// assert!("industy".parse::<Category>().is_err());
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// 产业发展: industry development.
    Industry,
    /// 基础设施: infrastructure.
    Infrastructure,
    /// 小额信贷贴息: interest subsidies on small loans.
    LoanInterest,
    /// 雨露计划: vocational-education subsidy.
    YuluPlan,
    /// 其他: other uses, not named further.
    Other,
    /// A category named by the locality.
    Custom(Arc<str>),
}

impl Category {
    /// The four named built-ins and `other`, in report order.
    pub const BUILT_IN: [Category; 5] = [
        Category::Industry,
        Category::Infrastructure,
        Category::LoanInterest,
        Category::YuluPlan,
        Category::Other,
    ];

    /// A user-named category.
    ///
    /// # Errors
    ///
    /// When the label is empty, longer than 64 bytes, has control characters or commas, is
    /// the name of a built-in (use the built-in), or names unassigned money (`unassigned`,
    /// `未分配`: a report's rows for money not yet given a category).
    pub fn custom(label: &str) -> Result<Category, ParseError> {
        let err = |kind| ParseError::new("category", label, kind);
        let trimmed = label.trim();
        if trimmed.is_empty() {
            return Err(err(ParseErrorKind::Empty));
        }
        if trimmed.len() > 64 || trimmed.chars().any(|c| c.is_control() || c == ',') {
            return Err(err(ParseErrorKind::Format(
                "a label of at most 64 bytes without control characters or commas",
            )));
        }
        if Category::built_in(trimmed).is_some() {
            return Err(err(ParseErrorKind::Format(
                "a name that is not a built-in category",
            )));
        }
        if matches!(trimmed, "unassigned" | "未分配") {
            return Err(err(ParseErrorKind::Format(
                "a name other than that of unassigned money (unassigned, 未分配)",
            )));
        }
        Ok(Category::Custom(Arc::from(trimmed)))
    }

    fn built_in(s: &str) -> Option<Category> {
        Some(match s {
            "industry" | "产业发展" | "产业" | "产业类" => Category::Industry,
            "infrastructure" | "基础设施" | "基础设施类" => Category::Infrastructure,
            "loan_interest" | "小额信贷贴息" | "贷款贴息" => Category::LoanInterest,
            "yulu_plan" | "雨露计划" => Category::YuluPlan,
            "other" | "其他" => Category::Other,
            _ => return None,
        })
    }

    /// The Chinese label (or the user's label).
    pub fn as_str(&self) -> &str {
        match self {
            Category::Industry => "产业发展",
            Category::Infrastructure => "基础设施",
            Category::LoanInterest => "小额信贷贴息",
            Category::YuluPlan => "雨露计划",
            Category::Other => "其他",
            Category::Custom(label) => label,
        }
    }

    /// The machine name (`industry`, …; the user's label for a custom category).
    pub fn machine_name(&self) -> &str {
        match self {
            Category::Industry => "industry",
            Category::Infrastructure => "infrastructure",
            Category::LoanInterest => "loan_interest",
            Category::YuluPlan => "yulu_plan",
            Category::Other => "other",
            Category::Custom(label) => label,
        }
    }

    /// Position among [`Category::BUILT_IN`], or `None` for a custom category.
    pub fn built_in_index(&self) -> Option<usize> {
        Category::BUILT_IN.iter().position(|c| c == self)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.machine_name())
    }
}

impl FromStr for Category {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Category, ParseError> {
        let t = s.trim();
        if let Some(c) = Category::built_in(t) {
            return Ok(c);
        }
        if t.is_ascii() {
            return Err(ParseError::new(
                "category",
                s,
                ParseErrorKind::Unknown(
                    "industry, infrastructure, loan_interest, yulu_plan, other, or a Chinese label",
                ),
            ));
        }
        Category::custom(t)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.machine_name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Category, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
