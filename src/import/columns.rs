//! The one table of column names per kind of record, for CSV files and workbook sheets
//! alike, and the mapping of one header row onto it.
//!
//! A header matches after [`normalize`]: surrounding and inner spaces dropped, full-width
//! parentheses and letters made half-width, ASCII lowercased. So `金额（万元）`,
//! `金额(万元)` and ` 金额 ( 万元 ) ` are one name. The amount column carries its unit in
//! its name (`amount_wan`, `金额（万元）`).

use std::borrow::Cow;

use crate::money::Unit;

/// Which records a table holds (a CSV file or a workbook sheet), and so which columns it
/// has.
///
/// Each kind has one table of columns, shared by CSV files and workbook sheets: the
/// machine name that [`records_csv`](crate::format::records_csv) writes, then the other
/// names accepted (the benchmark kit's, and the Chinese headers of SPEC §10). `?` marks an
/// optional column.
///
/// | kind | columns |
/// |---|---|
/// | regions (地区) | `code\|地区代码\|行政区划代码, name?\|地区名称, level?, parent_code?\|上级代码` |
/// | allocations (资金下达) | `id\|编号\|指标文号, date\|下达日期, region\|county_code\|地区代码, level\|source\|资金级次\|资金来源, category?\|资金类别, doc_no?\|文号, batch?\|批次`, amount |
/// | projects (项目库) | `id\|project_id\|项目编号, name?\|项目名称, region\|county_code\|地区代码, category\|资金类别, stage\|status\|项目状态, year?\|年度`, planned investment |
/// | expenditures (资金支出) | `id\|支付凭证号\|凭证号, date\|支付日期, project\|project_id\|项目编号, region\|county_code\|地区代码, level\|source\|资金级次\|资金来源, category\|资金类别`, amount |
/// | adjustments (资金调整) | `id\|调整编号, date\|调整日期, kind\|调整类型, from_region\|调出地区代码, from_level\|调出资金级次, from_category?\|调出资金类别, to_region?\|调入地区代码, to_level?\|调入资金级次, to_category?\|调入资金类别, from_year?\|结转年度`, amount |
///
/// - **Amounts**: `amount_yuan`, `amount_wan`, `amount_yi`, or `金额（元）`, `金额（万元）`,
///   `金额（亿元）` (projects: `planned_investment_…`, `计划投资（…）`, `计划总投资（…）`); the
///   header names the unit. A value is a number in that unit (`30700.48` under
///   `金额（万元）`), with at most 2 decimals of 元; a value may repeat the column's unit
///   (`30700.48万元`) but not name another (`12万` under `amount_yuan` is an error).
/// - **Allocation ids**: `编号` when the sheet has it; otherwise `指标文号` is the id (and
///   the document number).
/// - **Read but not stored**: `备注`, `摘要`, `实施单位`, `序号`, `note` — listed in the
///   import receipt as not used.
/// - Columns may come in any order. A column not in the table is listed in the receipt
///   ([`Batch::strict`](super::Batch::strict) makes it an error); two columns for one
///   field (`region` and `county_code`) are an error.
///
/// # Example
///
/// ```
/// use fundtrack::import::CsvKind;
/// assert_eq!(CsvKind::Allocations.columns()[0], "id");
/// assert_eq!(CsvKind::Projects.chinese_columns()[1], "项目名称");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CsvKind {
    /// Regions (地区, 行政区划).
    Regions,
    /// Allocations (资金下达, 指标下达).
    Allocations,
    /// Projects (项目库).
    Projects,
    /// Expenditures (资金支出, 支付明细).
    Expenditures,
    /// Adjustments (资金调整): 收回, 调整, 结转.
    Adjustments,
}

/// Whether a table of a kind must have a column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Need {
    Required,
    Optional,
    /// Read, and listed in the receipt as not used: the record has no field for it.
    Unused,
}

/// One field of a record kind: the machine name, the Chinese header written by the
/// template, the other names accepted, and whether it is required.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) chinese: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) need: Need,
}

const fn req(name: &'static str, chinese: &'static str, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        chinese,
        aliases,
        need: Need::Required,
    }
}

const fn opt(name: &'static str, chinese: &'static str, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        chinese,
        aliases,
        need: Need::Optional,
    }
}

const fn unused(name: &'static str, chinese: &'static str) -> Field {
    Field {
        name,
        chinese,
        aliases: &[],
        need: Need::Unused,
    }
}

// The one alias table: every column name each kind accepts, CSV and workbook alike. The
// amount column is apart because its name carries the unit.
const REGION_FIELDS: &[Field] = &[
    req("code", "地区代码", &["行政区划代码", "区划代码"]),
    opt("name", "地区名称", &["名称"]),
    opt("level", "地区级别", &[]),
    opt("parent_code", "上级代码", &["上级地区代码"]),
    unused("note", "备注"),
];
const ALLOCATION_FIELDS: &[Field] = &[
    req("id", "编号", &["指标编号"]),
    req("date", "下达日期", &["日期"]),
    req("region", "地区代码", &["county_code", "行政区划代码"]),
    req("level", "资金级次", &["source", "资金来源", "级次"]),
    opt("category", "资金类别", &["类别"]),
    opt("doc_no", "指标文号", &["文号"]),
    opt("batch", "批次", &[]),
    unused("note", "备注"),
    unused("seq", "序号"),
];
const PROJECT_FIELDS: &[Field] = &[
    req("id", "项目编号", &["project_id"]),
    opt("name", "项目名称", &[]),
    req("region", "地区代码", &["county_code", "行政区划代码"]),
    req("category", "资金类别", &["类别"]),
    req("stage", "项目状态", &["status", "状态"]),
    opt("year", "年度", &["项目年度"]),
    unused("implementer", "实施单位"),
    unused("note", "备注"),
    unused("seq", "序号"),
];
const EXPENDITURE_FIELDS: &[Field] = &[
    req("id", "支付凭证号", &["凭证号", "凭证编号"]),
    req("date", "支付日期", &["日期"]),
    req("project", "项目编号", &["project_id"]),
    req("region", "地区代码", &["county_code", "行政区划代码"]),
    req("level", "资金级次", &["source", "资金来源", "级次"]),
    req("category", "资金类别", &["类别"]),
    unused("summary", "摘要"),
    unused("note", "备注"),
    unused("seq", "序号"),
];
const ADJUSTMENT_FIELDS: &[Field] = &[
    req("id", "调整编号", &[]),
    req("date", "调整日期", &[]),
    req("kind", "调整类型", &[]),
    req("from_region", "调出地区代码", &[]),
    req("from_level", "调出资金级次", &[]),
    opt("from_category", "调出资金类别", &[]),
    opt("to_region", "调入地区代码", &[]),
    opt("to_level", "调入资金级次", &[]),
    opt("to_category", "调入资金类别", &[]),
    opt("from_year", "结转年度", &[]),
    unused("note", "备注"),
];

impl CsvKind {
    /// Every kind, in the order a batch is best read (regions before what refers to them).
    pub const ALL: [CsvKind; 5] = [
        CsvKind::Regions,
        CsvKind::Projects,
        CsvKind::Allocations,
        CsvKind::Expenditures,
        CsvKind::Adjustments,
    ];

    /// The column names written by [`records_csv`](crate::format::records_csv) (amounts in
    /// 元).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvKind;
    /// assert_eq!(CsvKind::Regions.columns(), ["code", "name"]);
    /// ```
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            CsvKind::Regions => &["code", "name"],
            CsvKind::Allocations => &[
                "id",
                "date",
                "region",
                "level",
                "category",
                "amount_yuan",
                "doc_no",
                "batch",
            ],
            CsvKind::Projects => &[
                "id",
                "region",
                "category",
                "planned_investment_yuan",
                "stage",
                "year",
                "name",
            ],
            CsvKind::Expenditures => &[
                "id",
                "date",
                "project",
                "region",
                "level",
                "category",
                "amount_yuan",
            ],
            CsvKind::Adjustments => &[
                "id",
                "date",
                "kind",
                "from_region",
                "from_level",
                "from_category",
                "to_region",
                "to_level",
                "to_category",
                "from_year",
                "amount_yuan",
            ],
        }
    }

    /// The Chinese headers of a workbook sheet of this kind (SPEC §10), as the template
    /// writes them: every field the record keeps, then the amount in 元.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvKind;
    /// assert_eq!(
    ///     CsvKind::Expenditures.chinese_columns(),
    ///     ["支付凭证号", "支付日期", "项目编号", "地区代码", "资金级次", "资金类别", "金额（元）", "摘要"],
    /// );
    /// ```
    pub fn chinese_columns(self) -> Vec<&'static str> {
        let fields = self.fields();
        let kept = fields.iter().filter(|f| f.need != Need::Unused);
        let note = fields
            .iter()
            .filter(|f| f.need == Need::Unused && f.name != "seq")
            .take(1);
        let mut cols: Vec<&'static str> = kept.map(|f| f.chinese).collect();
        if let Some(amount) = self.amount_stem() {
            cols.push(amount.yuan_header);
        }
        cols.extend(note.map(|f| f.chinese));
        cols
    }

    /// The sheet name of this kind in a workbook (SPEC §10).
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvKind;
    /// assert_eq!(CsvKind::Allocations.sheet_name(), "资金下达");
    /// ```
    pub fn sheet_name(self) -> &'static str {
        match self {
            CsvKind::Regions => "地区",
            CsvKind::Allocations => "资金下达",
            CsvKind::Projects => "项目库",
            CsvKind::Expenditures => "资金支出",
            CsvKind::Adjustments => "资金调整",
        }
    }

    /// Other sheet names accepted for this kind.
    #[cfg(feature = "xlsx")]
    pub(crate) fn sheet_names(self) -> &'static [&'static str] {
        match self {
            CsvKind::Regions => &["行政区划"],
            CsvKind::Allocations => &["指标下达"],
            CsvKind::Expenditures => &["支付明细"],
            CsvKind::Projects | CsvKind::Adjustments => &[],
        }
    }

    /// Every column this kind accepts, as error messages list them: alternatives joined by
    /// `|`, optional columns marked `?`, the amount column last with its units.
    ///
    /// # Example
    ///
    /// ```
    /// use fundtrack::import::CsvKind;
    /// assert_eq!(CsvKind::Regions.expected(), "code|地区代码|行政区划代码|区划代码,name|地区名称|名称?,level|地区级别?,parent_code|上级代码|上级地区代码?");
    /// ```
    pub fn expected(self) -> String {
        let mut cols: Vec<String> = self
            .fields()
            .iter()
            .filter(|f| f.need != Need::Unused)
            .map(|f| {
                let mut s = [f.name, f.chinese]
                    .into_iter()
                    .chain(f.aliases.iter().copied())
                    .collect::<Vec<_>>()
                    .join("|");
                if f.need == Need::Optional {
                    s.push('?');
                }
                s
            })
            .collect();
        if let Some(a) = self.amount_stem() {
            cols.push(format!(
                "{0}_yuan|{0}_wan|{0}_yi|{1}（元）|{1}（万元）|{1}（亿元）",
                a.machine, a.chinese
            ));
        }
        cols.join(",")
    }

    pub(crate) fn fields(self) -> &'static [Field] {
        match self {
            CsvKind::Regions => REGION_FIELDS,
            CsvKind::Allocations => ALLOCATION_FIELDS,
            CsvKind::Projects => PROJECT_FIELDS,
            CsvKind::Expenditures => EXPENDITURE_FIELDS,
            CsvKind::Adjustments => ADJUSTMENT_FIELDS,
        }
    }

    pub(crate) fn amount_stem(self) -> Option<AmountColumn> {
        match self {
            CsvKind::Regions => None,
            CsvKind::Allocations | CsvKind::Expenditures | CsvKind::Adjustments => {
                Some(AmountColumn {
                    machine: "amount",
                    chinese: "金额",
                    other: &[],
                    yuan_header: "金额（元）",
                })
            }
            CsvKind::Projects => Some(AmountColumn {
                machine: "planned_investment",
                chinese: "计划投资",
                other: &["计划总投资"],
                yuan_header: "计划投资（元）",
            }),
        }
    }

    #[cfg(feature = "xlsx")]
    /// The kind whose sheet is called `name` (after [`normalize`]), if any.
    pub(crate) fn by_sheet(name: &str) -> Option<CsvKind> {
        let name = normalize(name);
        CsvKind::ALL
            .into_iter()
            .find(|k| k.sheet_name() == name || k.sheet_names().iter().any(|s| *s == name))
    }
}

/// The names of an amount column: a machine stem (`amount` → `amount_wan`) and Chinese
/// stems (`金额` → `金额(万元)`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AmountColumn {
    pub(crate) machine: &'static str,
    pub(crate) chinese: &'static str,
    /// Other Chinese stems (计划总投资).
    pub(crate) other: &'static [&'static str],
    pub(crate) yuan_header: &'static str,
}

impl AmountColumn {
    /// The unit a (normalized) header names, `Ok(None)` when the header is not this
    /// column, `Err(())` when it is this column without a unit (`金额`).
    fn unit(self, name: &str) -> Result<Option<Unit>, ()> {
        if let Some(suffix) = name
            .strip_prefix(self.machine)
            .and_then(|r| r.strip_prefix('_'))
        {
            return Ok(match suffix {
                "yuan" => Some(Unit::Yuan),
                "wan" => Some(Unit::Wan),
                "yi" => Some(Unit::Yi),
                _ => None,
            });
        }
        for stem in std::iter::once(&self.chinese).chain(self.other) {
            let Some(rest) = name.strip_prefix(stem) else {
                continue;
            };
            return match rest {
                "" => Err(()),
                "(元)" => Ok(Some(Unit::Yuan)),
                "(万元)" => Ok(Some(Unit::Wan)),
                "(亿元)" => Ok(Some(Unit::Yi)),
                _ => Ok(None),
            };
        }
        Ok(None)
    }
}

/// A header as it is compared: no spaces (ASCII, full-width or other), full-width ASCII
/// forms (`（`, `Ａ`) made half-width, ASCII lowercased.
pub(crate) fn normalize(name: &str) -> Cow<'_, str> {
    let plain = name.chars().all(|c| {
        c.is_ascii_graphic() && !c.is_ascii_uppercase()
            || (!c.is_ascii() && !is_wide_ascii(c) && !c.is_whitespace())
    });
    if plain {
        return Cow::Borrowed(name);
    }
    Cow::Owned(
        name.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| {
                let c = if is_wide_ascii(c) {
                    char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
                } else {
                    c
                };
                c.to_ascii_lowercase()
            })
            .collect(),
    )
}

/// A full-width form of a printable ASCII character (U+FF01–U+FF5E).
fn is_wide_ascii(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c)
}

/// What a header cell is, once matched against a kind's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Header {
    /// A field of the kind: its index in `kind.fields()`.
    Field(usize),
    /// The amount column, in a unit.
    Amount(Unit),
    /// The amount column without a unit in its name.
    AmountWithoutUnit,
    /// Not a column of this kind.
    Unknown,
}

/// Whether `cell`, the id cell of a data row of `kind`, names a column of `kind`: the
/// header again (files joined), with or without a byte-order mark before it. Ids are mostly
/// codes, so only text that could be a header name is normalized: the name `id`, names
/// with `_`, and text beyond ASCII. The one test of every reader of rows.
pub(crate) fn is_header_name(kind: CsvKind, cell: &str) -> bool {
    let t = cell.strip_prefix('\u{feff}').unwrap_or(cell);
    could_be_header_name(t.as_bytes()) && classify(kind, t) != Header::Unknown
}

/// Whether an id cell is text that [`is_header_name`] normalizes (a byte-order mark is
/// beyond ASCII). No column name has a digit, and most ids have one, so those are not.
pub(crate) fn could_be_header_name(cell: &[u8]) -> bool {
    (cell.trim_ascii() == b"id" || !cell.is_ascii() || cell.contains(&b'_'))
        && !cell.iter().any(u8::is_ascii_digit)
}

/// Matches one header name against the table of `kind`.
pub(crate) fn classify(kind: CsvKind, raw: &str) -> Header {
    let name = normalize(raw);
    let name = name.as_ref();
    let field = kind.fields().iter().position(|f| {
        f.name == name
            || normalize(f.chinese) == name
            || f.aliases.iter().any(|a| normalize(a) == name)
    });
    if let Some(f) = field {
        return Header::Field(f);
    }
    match kind.amount_stem().map(|a| a.unit(name)) {
        Some(Ok(Some(u))) => Header::Amount(u),
        Some(Err(())) => Header::AmountWithoutUnit,
        Some(Ok(None)) | None => Header::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`could_be_header_name`] passes over ids with a digit: no column name has one.
    #[test]
    fn no_column_name_has_a_digit() {
        for kind in CsvKind::ALL {
            for f in kind.fields() {
                for name in [f.name, f.chinese].iter().chain(f.aliases) {
                    assert!(!name.chars().any(|c| c.is_ascii_digit()), "{name}");
                }
            }
        }
        assert!(!could_be_header_name(b"XM_2025_001"));
        assert!(!could_be_header_name("支出0001".as_bytes()));
        assert!(could_be_header_name(b"id"));
        assert!(could_be_header_name(b"county_code"));
        assert!(could_be_header_name("编号".as_bytes()));
    }

    #[test]
    fn every_name_in_the_alias_table_is_unique_per_kind() {
        for kind in CsvKind::ALL {
            let mut names: Vec<String> = kind
                .fields()
                .iter()
                .flat_map(|f| {
                    [f.name, f.chinese]
                        .into_iter()
                        .chain(f.aliases.iter().copied())
                })
                .map(|n| normalize(n).into_owned())
                .collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{kind:?}");
            for col in kind.columns() {
                assert_ne!(classify(kind, col), Header::Unknown, "{kind:?} {col}");
            }
            for col in kind.chinese_columns() {
                assert_ne!(classify(kind, col), Header::Unknown, "{kind:?} {col}");
            }
        }
    }

    #[test]
    fn headers_match_in_any_width_and_spacing() {
        let k = CsvKind::Expenditures;
        for h in [
            "金额（万元）",
            "金额(万元)",
            " 金额 ( 万元 ) ",
            "AMOUNT_WAN",
        ] {
            assert_eq!(classify(k, h), Header::Amount(Unit::Wan), "{h}");
        }
        assert_eq!(classify(k, "金额"), Header::AmountWithoutUnit);
        assert_eq!(classify(k, "金额（美元）"), Header::Unknown);
        assert_eq!(classify(k, "支付凭证号"), Header::Field(0));
        assert_eq!(
            classify(CsvKind::Projects, "计划总投资（万元）"),
            Header::Amount(Unit::Wan)
        );
    }
}
