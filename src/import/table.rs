//! One table (a CSV input or a workbook sheet) → records: the header mapped onto a kind's
//! columns, then each row read through [`Row`], blank, title and total rows handled the
//! same way whichever reader found them.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;

use super::columns::{CsvKind, Header, Need, classify, is_header_name, normalize};
use super::error::{InputError, InputErrorKind, Location};
use super::receipt::{ImportNote, NoteKind};
use super::value::{self, Value};
use crate::dim::{
    Category, DocNo, FiscalYear, FundLevel, ProjectId, ProjectStage, RecordId, RegionCode,
    Vocabulary,
};
use crate::error::{ParseError, ParseErrorKind};
use crate::ledger::{NewAllocation, NewExpenditure, NewProject, Packed, plain_id};
use crate::money::{Money, Unit};
use crate::record::{Adjustment, Allocation, Bucket, Expenditure, Project, Record, Region};

/// Where a cell of a table is, for messages: CSV inputs by line and column name, sheets by
/// cell.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub(crate) input: Arc<str>,
    pub(crate) sheet: Option<Arc<str>>,
}

impl Place {
    /// The location of a cell: `row` is the line (CSV) or the 1-based row (sheet), `col`
    /// the 0-based column, `name` the column's header as written.
    pub(crate) fn at(&self, row: u64, col: Option<usize>, name: Option<&str>) -> Location {
        let at = Location::new(Arc::clone(&self.input));
        let at = match (&self.sheet, col) {
            (Some(sheet), Some(c)) => at.sheet(Arc::clone(sheet)).cell(cell_ref(row, c)),
            (Some(sheet), None) => at.sheet(Arc::clone(sheet)).line(row),
            (None, _) => at.line(row),
        };
        match name {
            Some(n) => at.column(n.to_owned()),
            None => at,
        }
    }

    /// The location of the whole table.
    pub(crate) fn at_table(&self) -> Location {
        let at = Location::new(Arc::clone(&self.input));
        match &self.sheet {
            Some(sheet) => at.sheet(Arc::clone(sheet)),
            None => at,
        }
    }
}

/// A1 notation: column letters then the 1-based row.
pub(crate) fn cell_ref(row: u64, col: usize) -> String {
    const LETTERS: &[u8; 26] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.extend(LETTERS.get(rem).map(|b| char::from(*b)));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut s: String = letters.into_iter().collect();
    s.push_str(&row.to_string());
    s
}

/// Options that hold for every table of a batch.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableOptions {
    pub(crate) year: Option<FiscalYear>,
    pub(crate) strict: bool,
}

/// One table's header mapped onto a kind's fields.
pub(crate) struct Columns {
    kind: CsvKind,
    /// Per field of `kind.fields()`: its column index and the header as written.
    found: Vec<Option<(usize, String)>>,
    amount: Option<(usize, Unit, String)>,
    year: Option<FiscalYear>,
    /// The allocation id is the 指标文号 column (no 编号 column).
    id_is_doc_no: bool,
    width: usize,
    /// The positions in `kind.fields()` of the fields every row reads ([`HOT`]), looked
    /// up once: [`Columns::index`] is asked for them for every cell of every row.
    /// `None` also when the position does not fit a byte (then it is searched for).
    hot: [Option<u8>; HOT.len()],
    /// Columns with an empty header (a trailing comma), which rows must leave blank: data
    /// there is an error, not dropped.
    unnamed: Vec<usize>,
}

/// The fields read from every row of the kinds a ledger mostly holds.
const HOT: [&str; 6] = ["id", "date", "project", "region", "level", "category"];

/// The place of `field` in [`HOT`]: a match on constants, no string search.
fn hot(field: &str) -> Option<usize> {
    match field {
        "id" => Some(0),
        "date" => Some(1),
        "project" => Some(2),
        "region" => Some(3),
        "level" => Some(4),
        "category" => Some(5),
        _ => None,
    }
}

impl Columns {
    /// Maps a header; `at(col)` locates a header cell. Unknown and unused columns become
    /// notes (unknown ones are errors when `strict`).
    pub(crate) fn new(
        kind: CsvKind,
        header: &[Cow<'_, str>],
        place: &Place,
        header_row: u64,
        options: &TableOptions,
        notes: &mut Vec<ImportNote>,
    ) -> Result<Columns, InputError> {
        let fields = kind.fields();
        let at = |i: usize, name: &str| place.at(header_row, Some(i), Some(name));
        let mut found: Vec<Option<(usize, String)>> = fields.iter().map(|_| None).collect();
        let mut amount: Option<(usize, Unit, String)> = None;
        let mut unnamed = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim();
            if name.is_empty() {
                unnamed.push(i);
                continue;
            }
            let err = |kind| InputError::new(at(i, name), kind);
            match classify(kind, name) {
                Header::Field(f) => {
                    let Some(slot) = found.get_mut(f) else {
                        continue;
                    };
                    if let Some((_, earlier)) = slot {
                        return Err(err(same_field(name, earlier)));
                    }
                    *slot = Some((i, name.to_owned()));
                    if fields.get(f).is_some_and(|f| f.need == Need::Unused) {
                        notes.push(ImportNote::new(
                            at(i, name),
                            NoteKind::UnusedColumn(name.to_owned()),
                        ));
                    }
                }
                Header::Amount(u) => {
                    if let Some((_, _, earlier)) = &amount {
                        return Err(err(same_field(name, earlier)));
                    }
                    amount = Some((i, u, name.to_owned()));
                }
                Header::AmountWithoutUnit => {
                    return Err(err(InputErrorKind::AmountWithoutUnit(name.to_owned())));
                }
                Header::Unknown if options.strict => {
                    return Err(err(InputErrorKind::UnknownColumn {
                        column: name.to_owned(),
                        expected: Cow::Owned(kind.expected()),
                    }));
                }
                Header::Unknown => {
                    notes.push(ImportNote::new(
                        at(i, name),
                        NoteKind::UnknownColumn(name.to_owned()),
                    ));
                }
            }
        }
        let missing = |column: String| {
            InputError::new(
                place.at(header_row, None, None),
                InputErrorKind::MissingColumn {
                    column: Cow::Owned(column),
                    expected: Cow::Owned(kind.expected()),
                },
            )
        };
        let has = |name: &str| {
            let f = fields.iter().position(|f| f.name == name);
            f.and_then(|f| found.get(f)).is_some_and(Option::is_some)
        };
        let id_is_doc_no = kind == CsvKind::Allocations && !has("id") && has("doc_no");
        for (f, slot) in fields.iter().zip(&found) {
            if f.need == Need::Required && slot.is_none() && !(id_is_doc_no && f.name == "id") {
                let names: Vec<&str> = [f.name, f.chinese]
                    .into_iter()
                    .chain(f.aliases.iter().copied())
                    .collect();
                return Err(missing(names.join(" or ")));
            }
        }
        if let Some(a) = kind.amount_stem() {
            if amount.is_none() {
                return Err(missing(format!(
                    "{0}_yuan, {0}_wan, {0}_yi or {1}（元）/（万元）/（亿元）",
                    a.machine, a.chinese
                )));
            }
        }
        let mut cols = Columns {
            kind,
            found,
            amount,
            year: options.year,
            id_is_doc_no,
            width: header.len(),
            hot: [None; HOT.len()],
            unnamed,
        };
        cols.hot = HOT.map(|field| cols.position(field).and_then(|p| u8::try_from(p).ok()));
        if kind == CsvKind::Projects && cols.year.is_none() && cols.index("year").is_none() {
            return Err(missing(
                "year or 年度 (or read into a batch made with Batch::for_year)".to_owned(),
            ));
        }
        Ok(cols)
    }

    /// The index of a field's column and the name it was written as.
    pub(crate) fn index(&self, field: &str) -> Option<(usize, &str)> {
        let f = match hot(field).and_then(|h| self.hot.get(h).copied().flatten()) {
            Some(p) => usize::from(p),
            None => self.position(field)?,
        };
        let (i, name) = self.found.get(f)?.as_ref()?;
        Some((*i, name))
    }

    /// The position of `field` in `kind.fields()` (the id is the 指标文号 when the
    /// allocations have no 编号 column).
    fn position(&self, field: &str) -> Option<usize> {
        let field = if self.id_is_doc_no && field == "id" {
            "doc_no"
        } else {
            field
        };
        self.kind.fields().iter().position(|f| f.name == field)
    }

    /// The amount column.
    pub(crate) fn amount(&self) -> Option<(usize, Unit, &str)> {
        self.amount.as_ref().map(|(i, u, n)| (*i, *u, n.as_str()))
    }

    /// Whether column `col` feeds a record (a stored field or the amount).
    #[cfg(feature = "xlsx")]
    pub(crate) fn is_used(&self, col: usize) -> bool {
        self.amount.as_ref().is_some_and(|(i, _, _)| *i == col)
            || self.kind.fields().iter().zip(&self.found).any(|(f, slot)| {
                f.need != Need::Unused && slot.as_ref().is_some_and(|(i, _)| *i == col)
            })
    }

    /// How many columns the header has.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    pub(crate) fn kind(&self) -> CsvKind {
        self.kind
    }

    /// The first column without a header (a trailing comma) where a row has data.
    pub(crate) fn data_without_header(&self, cells: &[Value<'_>]) -> Option<usize> {
        self.unnamed
            .iter()
            .copied()
            .find(|&i| cells.get(i).is_some_and(|v| !v.is_blank()))
    }

    /// Whether a data row repeats the header (a second header row): its id cell is a name
    /// of the id column.
    pub(crate) fn is_header_again(&self, cells: &[Value<'_>]) -> bool {
        let Some((i, _)) = self.index("id") else {
            return false;
        };
        match cells.get(i) {
            Some(Value::Text(t)) => is_header_name(self.kind, t),
            _ => false,
        }
    }
}

fn same_field(column: &str, earlier: &str) -> InputErrorKind {
    if normalize(column) == normalize(earlier) {
        InputErrorKind::DuplicateColumn(column.to_owned())
    } else {
        InputErrorKind::SameField {
            column: column.to_owned(),
            earlier: earlier.to_owned(),
        }
    }
}

/// The label of a total row (合计, 总计, 小计), if `cells` is one: a cell that says so, and
/// no id other than that label.
pub(crate) fn total_label(cols: &Columns, cells: &[Value<'_>]) -> Option<String> {
    let label = cells.iter().find(|v| is_total(v))?;
    let id_ok = cols
        .index("id")
        .is_none_or(|(i, _)| cells.get(i).is_none_or(|v| v.is_blank() || is_total(v)));
    id_ok.then(|| label.shown().trim().to_owned())
}

/// Whether a cell names a total row (合计, 总计, 小计, total, 本页合计).
fn is_total(v: &Value<'_>) -> bool {
    match v {
        // A cheap look first: most cells are short ASCII codes and numbers.
        Value::Text(t)
            if (!t.is_ascii() && t.contains('计'))
                || (t.len() >= 5 && t.trim().eq_ignore_ascii_case("total")) =>
        {
            matches!(
                normalize(t).as_ref(),
                "合计" | "总计" | "小计" | "total" | "本页合计"
            )
        }
        _ => false,
    }
}

/// One data row being turned into a record.
pub(crate) struct Row<'r, 'v> {
    pub(crate) cols: &'r Columns,
    pub(crate) cells: &'r [Value<'v>],
    pub(crate) place: &'r Place,
    pub(crate) line: u64,
    pub(crate) vocabulary: &'r Vocabulary,
}

impl Row<'_, '_> {
    /// The location of `field`'s cell.
    fn at(&self, field: &str) -> Location {
        match self.cols.index(field) {
            Some((i, name)) => self.place.at(self.line, Some(i), Some(name)),
            None => self.place.at(self.line, None, Some(field)),
        }
    }

    fn err(&self, field: &str, e: ParseError) -> InputError {
        InputError::new(self.at(field), InputErrorKind::Value(e))
    }

    /// The cell of `field`, or `Empty` when the column is absent.
    fn cell(&self, field: &str) -> Value<'_> {
        self.cols
            .index(field)
            .and_then(|(i, _)| self.cells.get(i).copied())
            .unwrap_or(Value::Empty)
    }

    /// The text of `field`, or `None` when the column is absent or the cell blank.
    fn get(&self, field: &str) -> Result<Option<Cow<'_, str>>, InputError> {
        let v = self.cell(field);
        if v.is_blank() {
            return Ok(None);
        }
        value::text(field_what(field), &v)
            .map(Some)
            .map_err(|e| self.err(field, e))
    }

    /// A free-text field (a name) exactly as written, spaces and all (a quoted field's
    /// spaces are data, and RFC 4180 keeps an unquoted field's too); an empty cell is empty
    /// text. `None` when the table has no such column.
    fn verbatim(&self, field: &str) -> Result<Option<Cow<'_, str>>, InputError> {
        if self.cols.index(field).is_none() {
            return Ok(None);
        }
        match self.cell(field) {
            Value::Text(t) => Ok(Some(Cow::Borrowed(t))),
            Value::Empty => Ok(Some(Cow::Borrowed(""))),
            v => value::text(field_what(field), &v)
                .map(Some)
                .map_err(|e| self.err(field, e)),
        }
    }

    /// A required value parsed from text.
    fn parse<T: std::str::FromStr<Err = ParseError>>(&self, field: &str) -> Result<T, InputError> {
        match self.get(field)? {
            Some(text) => text.parse().map_err(|e| self.err(field, e)),
            None => Err(self.err(
                field,
                ParseError::new(field_what(field), "", ParseErrorKind::Empty),
            )),
        }
    }

    fn opt<T: std::str::FromStr<Err = ParseError>>(
        &self,
        field: &str,
    ) -> Result<Option<T>, InputError> {
        self.get(field)?
            .map(|t| t.parse().map_err(|e| self.err(field, e)))
            .transpose()
    }

    fn date(&self, field: &str) -> Result<NaiveDate, InputError> {
        value::date(&self.cell(field)).map_err(|e| self.err(field, e))
    }

    fn whole<T: TryFrom<i64>>(
        &self,
        field: &str,
        expected: &'static str,
    ) -> Result<Option<T>, InputError> {
        let v = self.cell(field);
        if v.is_blank() {
            return Ok(None);
        }
        value::whole(field_what(field), &v, expected)
            .map(Some)
            .map_err(|e| self.err(field, e))
    }

    pub(crate) fn amount(&self) -> Result<Money, InputError> {
        let Some((i, unit, name)) = self.cols.amount() else {
            return Err(self.err(
                "amount",
                ParseError::new("amount", "", ParseErrorKind::Empty),
            ));
        };
        let v = self.cells.get(i).copied().unwrap_or(Value::Empty);
        value::amount(&v, unit).map_err(|e| {
            InputError::new(
                self.place.at(self.line, Some(i), Some(name)),
                InputErrorKind::Value(e),
            )
        })
    }

    /// A category, `None` for money not yet assigned (an empty cell, `unassigned`, 未分配).
    fn category(&self, field: &str) -> Result<Option<Category>, InputError> {
        match self.get(field)?.as_deref() {
            None | Some("unassigned" | "未分配") => Ok(None),
            Some(c) => self
                .vocabulary
                .parse(c)
                .map(Some)
                .map_err(|e| self.err(field, e)),
        }
    }

    fn required_category(&self, field: &str) -> Result<Category, InputError> {
        let v = self.get(field)?;
        self.vocabulary
            .parse(v.as_deref().unwrap_or(""))
            .map_err(|e| self.err(field, e))
    }

    /// A region: the name as written (an empty cell is an empty name, as the ledger and
    /// JSON take it), the code when the table has no name column; `level` and
    /// `parent_code`, when given, must be what the code says.
    fn region(&self) -> Result<Region, InputError> {
        let code: RegionCode = self.parse("code")?;
        if let Some(level) = self.get("level")? {
            let by_code = code.level().as_str();
            if level != by_code {
                let expected = format!("level {by_code}");
                return Err(InputError::new(
                    self.at("level"),
                    region_tree(code, &expected, &level),
                ));
            }
        }
        // A blank cell gives no parent; a given one must be the code's.
        if let Some(parent) = self.get("parent_code")? {
            let by_code = code.parent();
            let ok = match by_code {
                None => false,
                Some(p) => parent.parse::<RegionCode>().is_ok_and(|q| q == p),
            };
            if !ok {
                let expected = by_code.map_or_else(
                    || "no parent_code (a province)".to_owned(),
                    |p| format!("parent_code {p}"),
                );
                return Err(InputError::new(
                    self.at("parent_code"),
                    region_tree(code, &expected, &parent),
                ));
            }
        }
        let name = self
            .verbatim("name")?
            .map_or_else(|| code.to_string(), Cow::into_owned);
        Ok(Region::new(code, name))
    }

    fn bucket(&self, side: &str) -> Result<Bucket, InputError> {
        let region: RegionCode = self.parse(&format!("{side}_region"))?;
        let level: FundLevel = self.parse(&format!("{side}_level"))?;
        let category = self.category(&format!("{side}_category"))?;
        Ok(Bucket::new(region, level, category))
    }

    fn adjustment(&self) -> Result<Adjustment, InputError> {
        let id: RecordId = self.parse("id")?;
        let date = self.date("date")?;
        let kind = self.get("kind")?;
        let from = self.bucket("from")?;
        let amount = self.amount()?;
        let has_target = self.get("to_region")?.is_some();
        match kind.as_deref() {
            Some("收回" | "recovery") => {
                if has_target {
                    return Err(self.err(
                        "to_region",
                        ParseError::new(
                            "region",
                            self.get("to_region")?.unwrap_or_default(),
                            ParseErrorKind::Format(
                                "no 调入 region on a 收回 row (money leaves the ledger)",
                            ),
                        ),
                    ));
                }
                Ok(Adjustment::recovery(id, date, from, amount))
            }
            Some("调整" | "reallocation") => {
                let to = self.bucket("to")?;
                Ok(Adjustment::reallocation(id, date, from, to, amount))
            }
            Some("结转" | "carry_in") => {
                let to = self.bucket("to")?;
                if to != from {
                    return Err(self.err(
                        "to_region",
                        ParseError::new(
                            "bucket",
                            to.to_string(),
                            ParseErrorKind::Format(
                                "the 调出 bucket of the earlier year (a 结转 brings a bucket's own money forward; a move between buckets is a 调整 row)",
                            ),
                        ),
                    ));
                }
                let year = match (
                    self.whole::<i32>("from_year", "a year such as 2020")?,
                    self.cols.year,
                ) {
                    (Some(y), _) => y,
                    (None, Some(fy)) => fy.year() - 1,
                    (None, None) => {
                        return Err(self.err(
                            "from_year",
                            ParseError::new("year", "", ParseErrorKind::Empty),
                        ));
                    }
                };
                Ok(Adjustment::carry_in(id, date, to, year, amount))
            }
            _ => Err(self.err(
                "kind",
                ParseError::new(
                    "adjustment kind",
                    kind.as_deref().unwrap_or(""),
                    ParseErrorKind::Unknown("收回, 调整, 结转 (recovery, reallocation, carry_in)"),
                ),
            )),
        }
    }

    /// The row's record.
    pub(crate) fn record(&self) -> Result<Record, InputError> {
        Ok(match self.cols.kind() {
            CsvKind::Regions => self.region()?.into(),
            CsvKind::Allocations => {
                let id: RecordId = self.parse("id")?;
                let date = self.date("date")?;
                let region: RegionCode = self.parse("region")?;
                let level: FundLevel = self.parse("level")?;
                let category = self.category("category")?;
                let amount = self.amount()?;
                let doc_no: Option<DocNo> = self.opt("doc_no")?;
                let batch: Option<u32> = self.whole("batch", "a whole batch number such as 2")?;
                let mut a = Allocation::new(id, date, region, level, amount);
                if let Some(c) = category {
                    a = a.with_category(c);
                }
                if let Some(d) = doc_no {
                    a = a.with_doc_no(d);
                }
                if let Some(b) = batch {
                    a = a.with_batch(b);
                }
                a.into()
            }
            CsvKind::Projects => {
                let id: ProjectId = self.parse("id")?;
                let region: RegionCode = self.parse("region")?;
                let category = self.required_category("category")?;
                let planned = self.amount()?;
                let stage: ProjectStage = self.parse("stage")?;
                let year: i32 = match (self.whole("year", "a year such as 2021")?, self.cols.year) {
                    (Some(y), _) => y,
                    (None, Some(fy)) => fy.year(),
                    (None, None) => {
                        return Err(
                            self.err("year", ParseError::new("year", "", ParseErrorKind::Empty))
                        );
                    }
                };
                let p = Project::new(id, region, category, planned, stage, year);
                // An empty name is no name (`records_csv` writes no name so).
                match self.verbatim("name")? {
                    Some(n) if !n.is_empty() => p.with_name(n),
                    _ => p,
                }
                .into()
            }
            CsvKind::Expenditures => {
                let id: RecordId = self.parse("id")?;
                let date = self.date("date")?;
                let project: ProjectId = self.parse("project")?;
                let region: RegionCode = self.parse("region")?;
                let level: FundLevel = self.parse("level")?;
                let category = self.required_category("category")?;
                let amount = self.amount()?;
                Expenditure::new(id, date, project, region, level, category, amount).into()
            }
            CsvKind::Adjustments => self.adjustment()?.into(),
        })
    }
}

/// What a field holds, for parse errors of cells that are not text.
fn field_what(field: &str) -> &'static str {
    match field {
        "id" => "id",
        "name" => "name",
        "region" | "code" | "from_region" | "to_region" | "parent_code" => "region code",
        "project" => "project id",
        "doc_no" => "document number",
        "year" | "from_year" => "year",
        "batch" => "batch",
        "level" | "from_level" | "to_level" => "fund level",
        "stage" => "project stage",
        "kind" => "adjustment kind",
        "date" => "date",
        _ => "value",
    }
}

fn region_tree(code: RegionCode, expected: &str, found: &str) -> InputErrorKind {
    InputErrorKind::RegionTree {
        code,
        expected: expected.to_owned(),
        found: found.to_owned(),
    }
}

/// The rows of one table after its header, as the reader yields them: the row number (CSV
/// line or sheet row) and its cells.
pub(crate) struct TableRead {
    pub(crate) records: Vec<(u64, Record)>,
    pub(crate) notes: Vec<ImportNote>,
}

/// Reads the data rows of one table. Blank rows are skipped (and counted in a note); a
/// total row (合计) ends the table, is not counted, and its amount must equal the sum of
/// the rows; anything after it is an error; a row that repeats the header is an error.
pub(crate) fn read_rows<'v>(
    cols: &Columns,
    place: &Place,
    vocabulary: &Vocabulary,
    rows: impl Iterator<Item = Result<(u64, Vec<Value<'v>>), InputError>>,
) -> Result<TableRead, InputError> {
    let mut records = Vec::new();
    let mut reader = RowReader::new(cols, place, vocabulary);
    for item in rows {
        let (row, cells) = item?;
        if let Some(record) = reader.push(row, &cells)? {
            records.push((row, record));
        }
    }
    Ok(TableRead {
        records,
        notes: reader.finish(),
    })
}

/// [`read_rows`] one row at a time, for a reader that passes each record on as it is read
/// (`import_csv`).
pub(crate) struct RowReader<'r> {
    cols: &'r Columns,
    place: &'r Place,
    vocabulary: &'r Vocabulary,
    notes: Vec<ImportNote>,
    blank: usize,
    first_blank: Option<u64>,
    total: Option<(u64, String)>,
    sum: i128,
    /// Where [`RowReader::push_packed`] finds the fields of its direct reading.
    layout: Option<Layout>,
}

impl<'r> RowReader<'r> {
    pub(crate) fn new(cols: &'r Columns, place: &'r Place, vocabulary: &'r Vocabulary) -> Self {
        RowReader {
            cols,
            place,
            vocabulary,
            notes: Vec::new(),
            blank: 0,
            first_blank: None,
            total: None,
            sum: 0,
            layout: None,
        }
    }

    /// The reader for [`RowReader::push_packed`]: the table's columns looked up once.
    pub(crate) fn packed(mut self) -> Self {
        self.layout = Layout::of(self.cols);
        self
    }

    /// [`RowReader::push`], giving the commonest rows in the ledger's packed form (see
    /// [`Packed`]): a row whose every field read is in its plainest spelling — an id of
    /// digits, `2021-09-30`, a region code, a level and a built-in category by their
    /// machine names, `123.45` — is read straight from its text, to the values `push`
    /// reads; any other row (blank, total, repeated header, other spellings, errors) goes
    /// through `push`, so every rule and message is the same.
    pub(crate) fn push_packed(
        &mut self,
        row: u64,
        cells: &[Value<'_>],
    ) -> Result<Option<Packed>, InputError> {
        // A row with data under no header goes to `push`, which names it.
        if self.total.is_none() && self.cols.data_without_header(cells).is_none() {
            if let Some(layout) = &mut self.layout {
                if let Some((item, fen)) = layout.read(cells) {
                    self.sum = self.sum.saturating_add(fen);
                    return Ok(Some(item));
                }
            }
        }
        Ok(self.push(row, cells)?.map(|r| Packed::Record(Box::new(r))))
    }

    /// The record of one data row, or `None` for a blank or total row.
    pub(crate) fn push(
        &mut self,
        row: u64,
        cells: &[Value<'_>],
    ) -> Result<Option<Record>, InputError> {
        let (cols, place, vocabulary) = (self.cols, self.place, self.vocabulary);
        if cells.iter().all(Value::is_blank) {
            self.blank += 1;
            self.first_blank.get_or_insert(row);
            return Ok(None);
        }
        if let Some((at_row, label)) = &self.total {
            return Err(InputError::new(
                place.at(row, None, None),
                InputErrorKind::AfterTotal {
                    label: label.clone(),
                    row: *at_row,
                },
            ));
        }
        if let Some(i) = cols.data_without_header(cells) {
            return Err(InputError::new(
                place.at(row, None, None),
                InputErrorKind::HeaderlessColumn((i + 1).to_string()),
            ));
        }
        if cols.is_header_again(cells) {
            return Err(InputError::new(
                place.at(row, None, None),
                InputErrorKind::SecondHeader,
            ));
        }
        let r = Row {
            cols,
            cells,
            place,
            line: row,
            vocabulary,
        };
        if let Some(label) = total_label(cols, cells) {
            let printed = match cols.amount() {
                Some((i, _, name)) if !cells.get(i).is_none_or(Value::is_blank) => {
                    Some((r.amount()?, i, name))
                }
                _ => None,
            };
            if let Some((p, i, name)) = printed {
                let rows_sum = i64::try_from(self.sum).map(Money::from_fen).map_err(|_| {
                    InputError::new(place.at(row, None, None), InputErrorKind::Overflow)
                })?;
                if p != rows_sum {
                    return Err(InputError::new(
                        place.at(row, Some(i), Some(name)),
                        InputErrorKind::TotalMismatch {
                            label,
                            printed: p,
                            sum: rows_sum,
                        },
                    ));
                }
            }
            self.notes.push(ImportNote::new(
                place.at(row, None, None),
                NoteKind::TotalRow {
                    label: label.clone(),
                    checked: printed.map(|(p, _, _)| p),
                },
            ));
            self.total = Some((row, label));
            return Ok(None);
        }
        let record = r.record()?;
        if cols.amount().is_some() {
            self.sum = self.sum.saturating_add(record_amount(&record));
        }
        Ok(Some(record))
    }

    /// The notes on the table, once every row was pushed.
    pub(crate) fn finish(mut self) -> Vec<ImportNote> {
        if let Some(first) = self.first_blank {
            self.notes.push(ImportNote::new(
                self.place.at(first, None, None),
                NoteKind::BlankRows(self.blank),
            ));
        }
        self.notes
    }
}

/// The columns of a table of projects, allocations or expenditures that
/// [`RowReader::push_packed`] reads directly, when the table has no column whose value
/// the packed form does not hold (a year column, document or batch numbers).
struct Layout {
    kind: CsvKind,
    id: usize,
    date: usize,
    project: usize,
    region: usize,
    level: usize,
    /// Required for projects and expenditures, optional for allocations.
    category: Option<usize>,
    stage: usize,
    /// A project's name: read directly only when blank.
    name: Option<usize>,
    amount: (usize, Unit),
    year: i32,
    /// The columns not read here, which a total row's label may be in.
    others: Vec<usize>,
    /// The last date read and its text: files list many rows a day.
    last_date: Option<(String, NaiveDate)>,
}

impl Layout {
    fn of(cols: &Columns) -> Option<Layout> {
        let at = |field: &str| cols.index(field).map(|(i, _)| i);
        let kind = cols.kind();
        let (amount, unit, _) = cols.amount()?;
        // Unused fields take any position; `read` does not look at them.
        let unused = usize::MAX;
        let mut layout = Layout {
            kind,
            id: at("id")?,
            date: unused,
            project: unused,
            region: at("region")?,
            level: unused,
            category: at("category"),
            stage: unused,
            name: None,
            amount: (amount, unit),
            year: 0,
            others: Vec::new(),
            last_date: None,
        };
        match kind {
            CsvKind::Expenditures => {
                layout.date = at("date")?;
                layout.project = at("project")?;
                layout.level = at("level")?;
                layout.category?;
            }
            CsvKind::Allocations => {
                if at("doc_no").is_some() || at("batch").is_some() {
                    return None;
                }
                layout.date = at("date")?;
                layout.level = at("level")?;
            }
            CsvKind::Projects => {
                if at("year").is_some() {
                    return None;
                }
                layout.year = cols.year?.year();
                layout.stage = at("stage")?;
                layout.name = at("name");
                layout.category?;
            }
            CsvKind::Regions | CsvKind::Adjustments => return None,
        }
        // A cell read here in its plainest spelling is never a total label (digits, a
        // date, a code, a level, category or stage by its name; a name only when blank).
        let read = [
            Some(layout.id),
            Some(layout.date),
            Some(layout.project),
            Some(layout.region),
            Some(layout.level),
            layout.category,
            Some(layout.stage),
            layout.name,
            Some(amount),
        ];
        layout.others = (0..cols.width())
            .filter(|i| !read.contains(&Some(*i)))
            .collect();
        Some(layout)
    }

    /// The row in packed form and its amount in 分, or `None` when a field is not in its
    /// plainest spelling (or the row is a total row).
    fn read(&mut self, cells: &[Value<'_>]) -> Option<(Packed, i128)> {
        let text = |i: usize| match cells.get(i) {
            Some(Value::Text(t)) => Some(*t),
            _ => None,
        };
        let id = plain_id(text(self.id)?)?;
        let region = plain_region(text(self.region)?)?;
        let built_in = |t: &str| {
            Category::BUILT_IN
                .into_iter()
                .find(|c| c.machine_name() == t)
        };
        let (i, unit) = self.amount;
        let fen = i64::try_from(value::plain_fen(text(i)?, unit)?).ok()?;
        // A total row is read by `push`.
        if self
            .others
            .iter()
            .any(|i| cells.get(*i).is_some_and(is_total))
        {
            return None;
        }
        let level = |i: usize| {
            let t = text(i)?;
            FundLevel::ALL
                .into_iter()
                .find(|l| l.machine_name() == t)
                .or_else(|| t.parse().ok())
        };
        let mut date = |i: usize| {
            let t = text(i)?;
            match &mut self.last_date {
                Some((last, d)) if last == t => Some(*d),
                last => {
                    let d = value::text_date(t)?;
                    *last = Some((t.to_owned(), d));
                    Some(d)
                }
            }
        };
        let item = match self.kind {
            CsvKind::Expenditures => Packed::Expenditure(NewExpenditure {
                id,
                date: date(self.date)?,
                project: plain_id(text(self.project)?)?,
                region,
                level: level(self.level)?,
                category: built_in(text(self.category?)?)?,
                fen,
            }),
            CsvKind::Allocations => Packed::Allocation(NewAllocation {
                id,
                date: date(self.date)?,
                region,
                level: level(self.level)?,
                category: match self.category.map(text) {
                    None | Some(Some("" | "unassigned")) => None,
                    Some(t) => Some(built_in(t?)?),
                },
                fen,
            }),
            CsvKind::Projects => {
                if self.name.is_some_and(|i| text(i) != Some("")) {
                    return None;
                }
                Packed::Project(NewProject {
                    id,
                    region,
                    category: built_in(text(self.category?)?)?,
                    planned: fen,
                    stage: text(self.stage)?.parse().ok()?,
                    year: self.year,
                })
            }
            CsvKind::Regions | CsvKind::Adjustments => return None,
        };
        Some((item, i128::from(fen)))
    }
}

/// A region code of six digits, as `RegionCode::from_str` reads it (without its trim).
fn plain_region(t: &str) -> Option<RegionCode> {
    let b = t.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    RegionCode::new(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))).ok()
}

/// The amount a record carries, in 分 (planned investment for a project).
fn record_amount(r: &Record) -> i128 {
    match r {
        Record::Region(_) => 0,
        Record::Project(p) => p.planned().to_fen(),
        Record::Allocation(a) => a.amount().to_fen(),
        Record::Expenditure(e) => e.amount().to_fen(),
        Record::Adjustment(a) => a.amount().to_fen(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_in_a1_notation() {
        assert_eq!(cell_ref(1, 0), "A1");
        assert_eq!(cell_ref(17, 6), "G17");
        assert_eq!(cell_ref(2, 25), "Z2");
        assert_eq!(cell_ref(2, 26), "AA2");
        assert_eq!(cell_ref(9, 701), "ZZ9");
        assert_eq!(cell_ref(9, 702), "AAA9");
    }
}
