//! The three input schemas of the bulk path (allocations, projects, expenditures) and the
//! check of a header line against them.

use std::borrow::Cow;

use crate::import::{CsvKind, InputErrorKind as Kind};

/// The kind of table a CSV input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    Allocations,
    Projects,
    Expenditures,
}

impl Table {
    /// The columns, in their order.
    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Allocations => &[
                "id",
                "date",
                "county_code",
                "source",
                "category",
                "amount_yuan",
            ],
            Table::Projects => &[
                "id",
                "county_code",
                "category",
                "planned_investment_yuan",
                "status",
            ],
            Table::Expenditures => &[
                "id",
                "date",
                "project_id",
                "county_code",
                "source",
                "category",
                "amount_yuan",
            ],
        }
    }

    /// The header line, for messages.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Table::Allocations => "id,date,county_code,source,category,amount_yuan",
            Table::Projects => "id,county_code,category,planned_investment_yuan,status",
            Table::Expenditures => "id,date,project_id,county_code,source,category,amount_yuan",
        }
    }

    /// The CSV importer's kind of input with these columns.
    pub(crate) fn csv_kind(self) -> CsvKind {
        match self {
            Table::Allocations => CsvKind::Allocations,
            Table::Projects => CsvKind::Projects,
            Table::Expenditures => CsvKind::Expenditures,
        }
    }

    /// Whether a data line (without its line end) repeats the header, as when files are
    /// joined: its id names a column ([`crate::import::is_header_name`], the CSV importer's
    /// test).
    pub(crate) fn is_header_again(self, line: &[u8]) -> bool {
        let id = memchr::memchr(b',', line).map_or(line, |i| line.split_at(i).0);
        std::str::from_utf8(id).is_ok_and(|t| crate::import::is_header_name(self.csv_kind(), t))
    }

    /// The name of column `i`, for an error.
    pub(crate) fn column(self, i: usize) -> Option<&'static str> {
        self.columns().get(i).copied()
    }

    /// An empty input: no header line.
    pub(crate) fn no_header(self) -> Kind {
        Kind::NoHeader(Cow::Borrowed(self.header()))
    }

    /// Checks a header line (without its `\n`) against the columns.
    pub(crate) fn check_header(self, line: &[u8]) -> Result<(), Kind> {
        if let Some(kind) = crate::import::sniff(line) {
            return Err(kind);
        }
        if crate::import::utf16_mark(line).is_some() {
            return Err(Kind::Utf16);
        }
        let header = header_text(line);
        let found: Vec<&str> = header.split(',').map(str::trim).collect();
        let expected = self.columns();
        if found == expected {
            return Ok(());
        }
        // The CSV importer's words for a file saved with another separator, or quoted.
        if let Some(sep) = crate::import::other_separator(&found) {
            return Err(Kind::NotCommaSeparated(sep));
        }
        if found.iter().any(|f| f.starts_with('"')) {
            return Err(Kind::Quoted);
        }
        let expected_text = || Cow::Borrowed(self.header());
        if let Some(missing) = expected.iter().find(|c| !found.contains(c)) {
            return Err(Kind::MissingColumn {
                column: Cow::Borrowed(missing),
                expected: expected_text(),
            });
        }
        if let Some(extra) = found.iter().find(|c| !expected.contains(c)) {
            return Err(Kind::UnknownColumn {
                column: (*extra).to_owned(),
                expected: expected_text(),
            });
        }
        // The same names: a repeat, or another order.
        if let Some(twice) = expected
            .iter()
            .find(|c| found.iter().filter(|f| f == c).count() > 1)
        {
            return Err(Kind::DuplicateColumn((*twice).to_owned()));
        }
        let column = expected
            .iter()
            .zip(&found)
            .find(|(e, f)| e != f)
            .map(|(e, _)| *e);
        debug_assert!(column.is_some(), "same columns, same count, not equal");
        Err(Kind::ColumnOrder {
            column: Cow::Borrowed(column.unwrap_or("id")),
            expected: expected_text(),
        })
    }
}

/// A header line as text: without a `\r` at its end or a UTF-8 byte-order mark at its start.
fn header_text(line: &[u8]) -> Cow<'_, str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix(crate::import::BOM).unwrap_or(line);
    String::from_utf8_lossy(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_the_column() {
        let t = Table::Projects;
        let check = |h: &[u8]| t.check_header(h).map_err(|e| e.to_string());
        assert!(check(b"id,county_code,category,planned_investment_yuan,status\r").is_ok());
        assert!(
            check("\u{feff}id,county_code,category,planned_investment_yuan,status".as_bytes())
                .is_ok()
        );
        let e = check(b"id,county_code,category,status").unwrap_err();
        assert!(e.contains("missing column planned_investment_yuan"), "{e}");
        let e = check(b"id,county_code,category,planned_investment_yuan,status,x").unwrap_err();
        assert!(e.contains("unknown column \"x\""), "{e}");
        let e = check(b"id,category,county_code,planned_investment_yuan,status").unwrap_err();
        assert!(e.contains("column county_code out of order"), "{e}");
        let e = check(b"id,id,county_code,category,planned_investment_yuan,status").unwrap_err();
        assert!(e.contains("column \"id\" given twice"), "{e}");
        let e = check(&[0xff, 0xfe, b'i', 0]).unwrap_err();
        assert!(e.contains("UTF-16"), "{e}");
        let e = check(b"id\tcounty_code\tcategory\tplanned_investment_yuan\tstatus").unwrap_err();
        assert!(e.contains("separated by tabs"), "{e}");
        let e = check(b"id;county_code;category;planned_investment_yuan;status").unwrap_err();
        assert!(e.contains("separated by semicolons"), "{e}");
        let e =
            check(b"\"id\",\"county_code\",\"category\",\"planned_investment_yuan\",\"status\"")
                .unwrap_err();
        assert!(e.contains("quoted field"), "{e}");
    }
}
