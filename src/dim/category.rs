//! Spending categories (支出类别).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{ParseError, ParseErrorKind};

/// What money is for (支出类别): four built-in categories, `other`, and names a locality
/// chooses itself (以工代赈, 就业帮扶, …).
///
/// The vocabulary is closed (SPEC §2). Parsing accepts the machine names and Chinese labels
/// of the built-ins and nothing else: "产业扶贫" is a typo of 产业发展, not a new category,
/// and the error says so. A locality's own categories are declared once, with
/// [`Category::custom`] or on a [`Vocabulary`] (the ledger keeps one), and readers parse
/// labels against that vocabulary.
///
/// # Example
///
/// ```
/// use fundtrack::Category;
///
/// assert_eq!("产业发展".parse::<Category>()?, Category::Industry);
/// assert_eq!("yulu_plan".parse::<Category>()?.as_str(), "雨露计划");
/// let err = "产业扶贫".parse::<Category>().unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid category "产业扶贫": unknown; did you mean 产业发展?"#);
/// assert!("industy".parse::<Category>().is_err());
/// let own = Category::custom("以工代赈")?;
/// assert_eq!(own.as_str(), "以工代赈");
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
        Category::BUILT_IN
            .into_iter()
            .find(|c| c.machine_name() == s || c.as_str() == s || Category::aliases(c).contains(&s))
    }

    /// Other Chinese labels a built-in is known by.
    fn aliases(&self) -> &'static [&'static str] {
        match self {
            Category::Industry => &["产业", "产业类"],
            Category::Infrastructure => &["基础设施类"],
            Category::LoanInterest => &["贷款贴息"],
            Category::YuluPlan | Category::Other | Category::Custom(_) => &[],
        }
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

    /// A built-in category by machine name or Chinese label; anything else is an error
    /// naming the nearest built-in label.
    fn from_str(s: &str) -> Result<Category, ParseError> {
        Vocabulary::new().parse(s)
    }
}

/// The categories a ledger or a workbook knows (资金类别表): the built-ins and the labels a
/// locality declared. Every reader parses category labels against one, so a typo is an
/// error with the nearest known label, never a new category that splits the money.
///
/// # Example
///
/// ```
/// use fundtrack::dim::Vocabulary;
/// use fundtrack::Category;
///
/// let mut v = Vocabulary::new();
/// let own = v.declare("以工代赈")?;
/// assert_eq!(v.parse("以工代赈")?, own);
/// assert_eq!(v.parse("产业")?, Category::Industry);
/// let err = v.parse("以工带赈").unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid category "以工带赈": unknown; did you mean 以工代赈?"#);
/// assert!(v.contains(&own) && v.contains(&Category::Other));
/// # Ok::<(), fundtrack::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    declared: Vec<Category>,
}

impl Vocabulary {
    /// The built-in categories only.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::dim::Vocabulary;
    /// assert_eq!(Vocabulary::new().declared().len(), 0);
    /// ```
    pub fn new() -> Vocabulary {
        Vocabulary::default()
    }

    /// Declares a locality's own category (a second declaration of the same label is the
    /// same category) and returns it.
    ///
    /// # Errors
    ///
    /// What [`Category::custom`] refuses: an empty label, a built-in's label, the label of
    /// unassigned money, a label over 64 bytes or with control characters or commas.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::dim::Vocabulary;
    /// let mut v = Vocabulary::new();
    /// v.declare("就业帮扶")?;
    /// v.declare("就业帮扶")?;
    /// assert_eq!(v.declared().len(), 1);
    /// assert!(v.declare("产业发展").is_err());
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn declare(&mut self, label: &str) -> Result<Category, ParseError> {
        let c = Category::custom(label)?;
        if !self.declared.contains(&c) {
            self.declared.push(c.clone());
        }
        Ok(c)
    }

    /// The declared (non-built-in) categories, in declaration order.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::dim::Vocabulary;
    /// let mut v = Vocabulary::new();
    /// v.declare("以工代赈")?;
    /// assert_eq!(v.declared()[0].as_str(), "以工代赈");
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn declared(&self) -> &[Category] {
        &self.declared
    }

    /// Whether `category` is built in or declared here.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::dim::Vocabulary;
    /// use fundtrack::Category;
    /// assert!(!Vocabulary::new().contains(&Category::custom("以工代赈")?));
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn contains(&self, category: &Category) -> bool {
        !matches!(category, Category::Custom(_)) || self.declared.contains(category)
    }

    /// Every label a reader accepts for a category, Chinese labels first: the labels to
    /// offer in a drop-down list.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::dim::Vocabulary;
    /// let mut v = Vocabulary::new();
    /// v.declare("以工代赈")?;
    /// assert_eq!(v.labels(), ["产业发展", "基础设施", "小额信贷贴息", "雨露计划", "其他", "以工代赈"]);
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn labels(&self) -> Vec<&str> {
        Category::BUILT_IN
            .iter()
            .map(Category::as_str)
            .chain(self.declared.iter().map(Category::as_str))
            .collect()
    }

    /// The category a label names: a built-in by machine name or Chinese label, or a
    /// declared one.
    ///
    /// # Errors
    ///
    /// An unknown label, naming the nearest known label when one is close (by edit
    /// distance in characters), else listing the known labels.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::dim::Vocabulary;
    /// let err = Vocabulary::new().parse("雨露计划补助").unwrap_err();
    /// assert_eq!(err.to_string(), r#"invalid category "雨露计划补助": unknown; did you mean 雨露计划?"#);
    /// # Ok::<(), fundtrack::ParseError>(())
    /// ```
    pub fn parse(&self, label: &str) -> Result<Category, ParseError> {
        let t = label.trim();
        if let Some(c) = Category::built_in(t) {
            return Ok(c);
        }
        if t.is_empty() {
            return Err(ParseError::new("category", label, ParseErrorKind::Empty));
        }
        if let Some(c) = self.declared.iter().find(|c| c.as_str() == t) {
            return Ok(c.clone());
        }
        let known = || {
            Category::BUILT_IN
                .iter()
                .flat_map(|c| {
                    let names = [
                        (c.machine_name(), c.machine_name()),
                        (c.as_str(), c.as_str()),
                    ];
                    names
                        .into_iter()
                        .chain(Category::aliases(c).iter().map(move |a| (*a, c.as_str())))
                })
                .chain(self.declared.iter().map(|c| (c.as_str(), c.as_str())))
        };
        let suggestion = nearest(t, known());
        Err(ParseError::new(
            "category",
            label,
            ParseErrorKind::NotInVocabulary {
                suggestion: suggestion.map(str::to_owned),
                known: self.labels().join(", "),
            },
        ))
    }
}

/// The label to suggest for `input`: the known label at the least edit distance (in
/// characters), if that distance is at most half the input's length (and at least 1
/// allowed); ties go to the earlier label.
pub(crate) fn nearest<'a>(
    input: &str,
    known: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    let chars: Vec<char> = input.chars().collect();
    let limit = (chars.len() / 2).max(1);
    let mut best: Option<(usize, &str)> = None;
    for (label, shown) in known {
        let d = edit_distance(&chars, label);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, shown));
        }
    }
    best.map(|(_, shown)| shown)
}

/// Levenshtein distance between `a` and `b`, counted in characters.
fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let mut row = cur.iter_mut();
        let mut left = i + 1;
        if let Some(first) = row.next() {
            *first = left;
        }
        for ((cb, slot), (diag, up)) in b.iter().zip(row).zip(prev.iter().zip(prev.iter().skip(1)))
        {
            let sub = diag + usize::from(ca != cb);
            left = sub.min(up + 1).min(left + 1);
            *slot = left;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(a.len())
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
        // A built-in by name or label; any other valid label is a locality's own category,
        // which the ledger accepts only once it is declared (`Ledger::declare_category`).
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Category::built_in(s.trim())
            .map_or_else(|| Category::custom(&s), Ok)
            .map_err(serde::de::Error::custom)
    }
}
