//! One rule set (DESIGN.md, "One rule set"): every validation rule against every reader —
//! the ledger (typed records inserted), CSV import (`import_csv`), the bulk path and JSON
//! (`from_json`, then the ledger) — one cell each. A rule added to one reader and missing
//! from another fails here.
//!
//! Each rule is one small data set in the kit's CSV form (the bulk columns, which CSV import
//! accepts too); the ledger and JSON readers get the same rows as typed records, so a value
//! their types cannot hold is rejected where it is parsed.

use fundtrack::bulk::{Aggregator, BulkOptions, SpendingCheck};
use fundtrack::import::{CsvKind, import_csv};
use fundtrack::record::{Allocation, Expenditure, Project, Region};
use fundtrack::{FiscalYear, Ledger, Money, RegionCode};

const A: &str = "id,date,county_code,source,category,amount_yuan\n";
const P: &str = "id,county_code,category,planned_investment_yuan,status\n";
const E: &str = "id,date,project_id,county_code,source,category,amount_yuan\n";

const GOOD_A: &str = "A-1,2025-01-05,450521,central,industry,1000.00\n";
const GOOD_P: &str = "P-7,450521,industry,10.00,planned\n";
const GOOD_E: &str = "E-1,2025-02-01,P-7,450521,central,industry,100.00\n";

/// A data set: the three CSV texts (with their headers).
struct Set {
    a: String,
    p: String,
    e: String,
}

fn set(a: &str, p: &str, e: &str) -> Set {
    Set {
        a: format!("{A}{a}"),
        p: format!("{P}{p}"),
        e: format!("{E}{e}"),
    }
}

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

fn bulk(s: &Set) -> Result<(), String> {
    let mut agg = Aggregator::new(BulkOptions::new(as_of()));
    agg.read_allocations("a.csv", s.a.as_bytes())
        .and_then(|()| agg.read_projects("p.csv", s.p.as_bytes()))
        .and_then(|()| agg.read_expenditures("e.csv", s.e.as_bytes()))
        .map_err(|e| e.to_string())
}

fn ledger_with_regions() -> Ledger {
    let mut l = Ledger::new(FiscalYear::new(2025).unwrap());
    l.insert(
        [450_521, 450_522]
            .into_iter()
            .map(|c| Region::new(RegionCode::new(c).unwrap(), c.to_string())),
    )
    .unwrap();
    l
}

fn csv_import(s: &Set) -> Result<(), String> {
    let mut l = ledger_with_regions();
    import_csv(&mut l, CsvKind::Projects, "p.csv", s.p.as_bytes())
        .and_then(|_| import_csv(&mut l, CsvKind::Allocations, "a.csv", s.a.as_bytes()))
        .and_then(|_| import_csv(&mut l, CsvKind::Expenditures, "e.csv", s.e.as_bytes()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The rows of a CSV text (header dropped), split at commas.
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn parsed<T: std::str::FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| e.to_string())
}

/// The set as typed records; a field its type cannot hold is an error here.
/// Typed records of a set.
type Records = (Vec<Project>, Vec<Allocation>, Vec<Expenditure>);

fn records(s: &Set) -> Result<Records, String> {
    let field_count = |r: &Vec<String>, n: usize| {
        if r.len() == n {
            Ok(())
        } else {
            Err(format!("{} fields", r.len()))
        }
    };
    let mut projects = Vec::new();
    for r in rows(&s.p) {
        field_count(&r, 5)?;
        projects.push(Project::new(
            parsed(&r[0])?,
            parsed(&r[1])?,
            parsed(&r[2])?,
            parsed(&r[3])?,
            parsed(&r[4])?,
            2025,
        ));
    }
    let mut allocations = Vec::new();
    for r in rows(&s.a) {
        field_count(&r, 6)?;
        allocations.push(
            Allocation::new(
                parsed(&r[0])?,
                parsed(&r[1])?,
                parsed(&r[2])?,
                parsed(&r[3])?,
                parsed(&r[5])?,
            )
            .with_category(parsed(&r[4])?),
        );
    }
    let mut expenditures = Vec::new();
    for r in rows(&s.e) {
        field_count(&r, 7)?;
        expenditures.push(Expenditure::new(
            parsed(&r[0])?,
            parsed(&r[1])?,
            parsed(&r[2])?,
            parsed(&r[3])?,
            parsed(&r[4])?,
            parsed(&r[5])?,
            parsed::<Money>(&r[6])?,
        ));
    }
    Ok((projects, allocations, expenditures))
}

fn insert_all(p: Vec<Project>, a: Vec<Allocation>, e: Vec<Expenditure>) -> Result<(), String> {
    let mut l = ledger_with_regions();
    l.insert(p)
        .and_then(|_| l.insert(a))
        .and_then(|_| l.insert(e))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn ledger(s: &Set) -> Result<(), String> {
    let (p, a, e) = records(s)?;
    insert_all(p, a, e)
}

/// The county workbook: the set's rows (the kit's machine headers, which the workbook reader
/// accepts beside the Chinese ones) as text cells in sheets 资金下达, 项目库 and 资金支出, read
/// into a batch for a ledger that knows the regions, then inserted.
#[cfg(feature = "xlsx")]
fn xlsx(s: &Set) -> Result<(), String> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, text) in [("资金下达", &s.a), ("项目库", &s.p), ("资金支出", &s.e)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, line) in (0u32..).zip(text.lines()) {
            for (c, cell) in (0u16..).zip(line.split(',')) {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let mut l = ledger_with_regions();
    let mut batch = fundtrack::import::Batch::for_ledger(&l);
    batch
        .read_workbook("rules.xlsx", std::io::Cursor::new(bytes))
        .and_then(|_| batch.insert_into(&mut l))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// JSON: the set's records written with `to_json`, the bad value put in the text, read back
/// with `from_json`, then inserted. `tamper` rewrites the JSON of the good set.
#[cfg(feature = "serde")]
fn json(s: &Set, tamper: &dyn Fn(String) -> String) -> Result<(), String> {
    use fundtrack::format::{from_json, to_json};
    let (p, a, e) = records(&set(GOOD_A, GOOD_P, GOOD_E)).unwrap();
    let text = tamper(to_json(&(p, a, e)).unwrap());
    let (p, a, e): Records = from_json(&text).map_err(|e| e.to_string())?;
    // Rules between records: the set's own rows (as records) go to the ledger.
    let _ = s;
    insert_all(p, a, e)
}

/// A rule's verdict for each reader: `true` rejected, `false` accepted; `None` where the
/// rule has no meaning for that reader (the DESIGN table's "—").
struct Cells {
    ledger: Option<bool>,
    csv: Option<bool>,
    bulk: Option<bool>,
    json: Option<bool>,
    xlsx: Option<bool>,
}

fn verdicts(s: &Set, tamper: Option<&dyn Fn(String) -> String>) -> Cells {
    let _ = &tamper;
    Cells {
        ledger: Some(ledger(s).is_err()),
        csv: Some(csv_import(s).is_err()),
        bulk: Some(bulk(s).is_err()),
        #[cfg(feature = "serde")]
        json: tamper.map(|t| json(s, t).is_err()),
        #[cfg(not(feature = "serde"))]
        json: None,
        #[cfg(feature = "xlsx")]
        xlsx: Some(xlsx(s).is_err()),
        #[cfg(not(feature = "xlsx"))]
        xlsx: None,
    }
}

/// Asserts every reader that the rule applies to rejects the set.
fn all_reject(rule: &str, s: &Set, tamper: Option<&dyn Fn(String) -> String>) {
    let c = verdicts(s, tamper);
    for (reader, v) in [
        ("ledger", c.ledger),
        ("csv import", c.csv),
        ("bulk", c.bulk),
        ("json", c.json),
        ("xlsx", c.xlsx),
    ] {
        if let Some(rejected) = v {
            assert!(rejected, "rule {rule:?}: the {reader} reader accepts it");
        }
    }
}

#[test]
fn the_good_set_reads_everywhere() {
    let s = set(GOOD_A, GOOD_P, GOOD_E);
    ledger(&s).unwrap();
    csv_import(&s).unwrap();
    bulk(&s).unwrap();
    #[cfg(feature = "serde")]
    json(&s, &|t| t).unwrap();
    #[cfg(feature = "xlsx")]
    xlsx(&s).unwrap();
}

#[test]
fn unknown_field_or_column() {
    // CSV and bulk: an extra column; JSON: an extra key. The ledger takes typed records.
    let s = Set {
        a: format!(
            "{}x\n{}",
            A.replace('\n', ","),
            GOOD_A.replace('\n', ",1\n")
        ),
        p: format!("{P}{GOOD_P}"),
        e: format!("{E}{GOOD_E}"),
    };
    // `import_csv` has no receipt to report in: an unknown column is an error.
    let err = csv_import(&s).unwrap_err();
    assert!(
        err.starts_with(r#"a.csv line 1 column x: unknown column "x""#),
        "{err}"
    );
    // A batch reads the columns it knows and reports the others (an `ImportNote`).
    let l = ledger_with_regions();
    let mut batch = fundtrack::import::Batch::for_ledger(&l);
    batch
        .read(CsvKind::Allocations, "a.csv", s.a.as_bytes())
        .unwrap();
    assert!(
        batch
            .receipt()
            .notes()
            .iter()
            .any(|n| n.to_string().contains("unknown column \"x\"")),
        "the unknown column is reported"
    );
    assert!(bulk(&s).is_err());
    // The workbook reader shares CSV import's table layer: an unknown column is a note.
    #[cfg(feature = "xlsx")]
    xlsx(&s).unwrap();
    #[cfg(feature = "serde")]
    assert!(
        json(&s, &|t: String| t.replacen(
            "\"category\"",
            "\"categroy\"",
            1
        ))
        .is_err(),
        "a misspelt key"
    );
}

#[test]
fn region_code() {
    let s = set(&GOOD_A.replace("450521", "999999"), GOOD_P, GOOD_E);
    all_reject(
        "region code",
        &s,
        Some(&|t: String| t.replacen("450521", "999999", 1)),
    );
}

#[test]
fn fund_level() {
    let s = set(&GOOD_A.replace("central", "nonsense"), GOOD_P, GOOD_E);
    all_reject(
        "fund level",
        &s,
        Some(&|t: String| t.replacen("\"central\"", "\"nonsense\"", 1)),
    );
}

#[test]
fn category() {
    let s = set(GOOD_A, GOOD_P, &GOOD_E.replace("industry", "nonsense"));
    all_reject(
        "category",
        &s,
        Some(&|t: String| t.replacen("\"industry\"", "\"nonsense\"", 1)),
    );
}

#[test]
fn calendar_date() {
    let s = set(&GOOD_A.replace("2025-01-05", "2025-02-29"), GOOD_P, GOOD_E);
    all_reject(
        "calendar date",
        &s,
        Some(&|t: String| t.replacen("2025-01-05", "2025-02-29", 1)),
    );
}

#[test]
fn date_in_the_fiscal_year() {
    let s = set(&GOOD_A.replace("2025-01-05", "2024-12-31"), GOOD_P, GOOD_E);
    all_reject(
        "fiscal year",
        &s,
        Some(&|t: String| t.replacen("2025-01-05", "2024-12-31", 1)),
    );
}

#[test]
fn whole_fen() {
    let s = set(&GOOD_A.replace("1000.00", "1000.001"), GOOD_P, GOOD_E);
    all_reject(
        "whole 分",
        &s,
        Some(&|t: String| t.replacen("\"1000.00\"", "\"1000.001\"", 1)),
    );
}

#[test]
fn positive_amounts() {
    let s = set(&GOOD_A.replace("1000.00", "-5.00"), GOOD_P, GOOD_E);
    all_reject(
        "positive amount",
        &s,
        Some(&|t: String| t.replacen("\"1000.00\"", "\"-5.00\"", 1)),
    );
}

#[test]
fn planned_investment_may_be_zero() {
    // The ledger takes a project with nothing planned yet; so does every reader.
    let s = set(GOOD_A, &GOOD_P.replace("10.00", "0.00"), GOOD_E);
    ledger(&s).unwrap();
    csv_import(&s).unwrap();
    bulk(&s).unwrap();
    #[cfg(feature = "serde")]
    json(&s, &|t: String| t.replacen("\"10.00\"", "\"0.00\"", 1)).unwrap();
    #[cfg(feature = "xlsx")]
    xlsx(&s).unwrap();
}

#[test]
fn unique_ids() {
    let twice = format!("{GOOD_A}{}", GOOD_A.replace("1000.00", "5.00"));
    let s = set(&twice, GOOD_P, GOOD_E);
    all_reject(
        "unique ids",
        &s,
        Some(&|t: String| {
            // The allocation twice in its list.
            let start = t.find("\"A-1\"").unwrap();
            let open = t[..start].rfind('{').unwrap();
            let close = open + t[open..].find('}').unwrap() + 1;
            let obj = t[open..close].to_owned();
            format!("{}{obj}, {obj}{}", &t[..open], &t[close..])
        }),
    );
}

#[test]
fn known_project() {
    let s = set(GOOD_A, GOOD_P, &GOOD_E.replace("P-7", "P-8"));
    all_reject(
        "known project",
        &s,
        Some(&|t: String| {
            // The expenditure's project (the second "P-7"; the first is the project's id).
            let first = t.find("\"P-7\"").unwrap() + 1;
            let second = first + t[first..].find("\"P-7\"").unwrap();
            format!("{}\"P-8\"{}", &t[..second], &t[second + 5..])
        }),
    );
}

#[test]
fn project_of_the_same_county() {
    let s = set(
        &format!("{GOOD_A}A-2,2025-01-05,450522,central,industry,1000.00\n"),
        GOOD_P,
        &GOOD_E.replace("450521", "450522"),
    );
    all_reject("project of the same county", &s, None);
}

#[test]
fn spending_within_allocations() {
    let s = set(GOOD_A, GOOD_P, &GOOD_E.replace("100.00", "5000.00"));
    all_reject(
        "spending within allocations",
        &s,
        Some(&|t: String| t.replacen("\"100.00\"", "\"5000.00\"", 1)),
    );
    // Where: the ledger (through CSV import) and the bulk path checking at every date name
    // the same line and the same first date, whatever the order of the rows.
    let every_date = |s: &Set| {
        let options = BulkOptions::new(as_of()).spending_check(SpendingCheck::EveryDate);
        let mut agg = Aggregator::new(options);
        agg.read_allocations("a.csv", s.a.as_bytes())
            .and_then(|()| agg.read_projects("p.csv", s.p.as_bytes()))
            .and_then(|()| agg.read_expenditures("e.csv", s.e.as_bytes()))
            .unwrap_err()
    };
    for (e, line, date) in [
        (
            "E-1,2025-02-05,P-7,450521,central,industry,5000.00\nE-2,2025-09-05,P-7,450521,central,industry,1.00\n",
            2,
            "2025-02-05",
        ),
        (
            "E-1,2025-03-05,P-7,450521,central,industry,10.00\nE-2,2025-02-05,P-7,450521,central,industry,5000.00\n",
            3,
            "2025-02-05",
        ),
    ] {
        let s = set(GOOD_A, GOOD_P, e);
        let ledger = csv_import(&s).unwrap_err();
        assert!(
            ledger.starts_with(&format!("e.csv line {line}:")) && ledger.contains(date),
            "{ledger}"
        );
        let bulk = every_date(&s);
        assert_eq!(bulk.location().line_number(), Some(line), "{bulk}");
        assert!(bulk.to_string().contains(&format!("by {date}")), "{bulk}");
    }
}

#[test]
fn field_count() {
    // Typed records have their fields by construction (JSON: a missing key).
    let s = set(GOOD_A, GOOD_P, "E-1,2025-02-01,P-7,450521,central\n");
    all_reject(
        "field count",
        &s,
        Some(&|t: String| {
            // The expenditure's last key, with the comma before it.
            let at = t.find("\"amount\": \"100.00\"").unwrap();
            let comma = t[..at].rfind(',').unwrap();
            format!(
                "{}{}",
                &t[..comma],
                &t[at + "\"amount\": \"100.00\"".len()..]
            )
        }),
    );
}

#[test]
fn text_encoding() {
    // GBK bytes in a field: CSV import decodes a GBK file (中央 is read as 中央); the bulk
    // path, which reads bytes in place, names GBK and asks for UTF-8. Typed records and
    // JSON text are UTF-8 by construction (a Rust `str`).
    let mut a = A.as_bytes().to_vec();
    a.extend_from_slice(b"A-1,2025-01-05,450521,\xd6\xd0\xd1\xeb,industry,1000.00\n");
    let mut l = ledger_with_regions();
    import_csv(&mut l, CsvKind::Allocations, "a.csv", a.as_slice()).unwrap();
    let err = Aggregator::new(BulkOptions::new(as_of()))
        .read_allocations("a.csv", a.as_slice())
        .unwrap_err();
    assert!(err.to_string().contains("GBK"), "{err}");
}

#[test]
fn date_spelling() {
    // A sign or a year not of four digits: no reader takes it (the ledger takes typed dates).
    let signed = set(&GOOD_A.replace("2025-01-05", "+2025-01-05"), GOOD_P, GOOD_E);
    assert!(csv_import(&signed).is_err());
    assert!(bulk(&signed).is_err());
    #[cfg(feature = "xlsx")]
    assert!(xlsx(&signed).is_err());
    // The forms people type (SPEC §10) are for the tabular readers; the machine inputs (the
    // kit's CSV on the bulk path, JSON) take `YYYY-MM-DD` only (`dim::date`).
    for typed in ["2025-1-5", "2025/1/5", "2025年1月5日"] {
        let s = set(&GOOD_A.replace("2025-01-05", typed), GOOD_P, GOOD_E);
        csv_import(&s).unwrap();
        #[cfg(feature = "xlsx")]
        xlsx(&s).unwrap();
        assert!(bulk(&s).is_err(), "{typed}");
    }
    #[cfg(feature = "serde")]
    for bad in ["+2025-01-05", "2025-1-5", "2025/1/5", "2025年1月5日"] {
        let s = set(GOOD_A, GOOD_P, GOOD_E);
        let err = json(&s, &|t: String| t.replacen("2025-01-05", bad, 1)).unwrap_err();
        assert!(err.contains("expected a date YYYY-MM-DD"), "{bad}: {err}");
    }
}

#[test]
fn amount_spelling() {
    // An exponent: no reader takes it.
    let exp = set(&GOOD_A.replace("1000.00", "1e3"), GOOD_P, GOOD_E);
    all_reject(
        "amount exponent",
        &exp,
        Some(&|t: String| t.replacen("\"1000.00\"", "\"1e3\"", 1)),
    );
    // A unit other than the field's: the tabular readers check it against the column.
    let wan = set(&GOOD_A.replace("1000.00", "12万"), GOOD_P, GOOD_E);
    assert!(csv_import(&wan).is_err());
    assert!(bulk(&wan).is_err());
    #[cfg(feature = "xlsx")]
    assert!(xlsx(&wan).is_err());
    // The spellings of SPEC §5 (full-width digits, the unit of the column) in the tabular
    // readers; JSON is written by programs and takes plain decimal strings of 元 only.
    for typed in ["１０００", "1000元"] {
        let s = set(&GOOD_A.replace("1000.00", typed), GOOD_P, GOOD_E);
        csv_import(&s).unwrap();
        bulk(&s).unwrap();
        #[cfg(feature = "xlsx")]
        xlsx(&s).unwrap();
    }
    #[cfg(feature = "serde")]
    for bad in ["12万", "1000元", "1,000.00", "１０００", "1e3"] {
        let s = set(GOOD_A, GOOD_P, GOOD_E);
        let err = json(&s, &|t: String| {
            t.replacen("\"1000.00\"", &format!("\"{bad}\""), 1)
        })
        .unwrap_err();
        assert!(err.contains("invalid amount"), "{bad}: {err}");
    }
}

#[test]
fn field_separator() {
    // A file saved with tabs or semicolons: both CSV readers name the separator on line 1
    // (the same `InputErrorKind::NotCommaSeparated`); typed records, JSON and sheets have no
    // separator.
    for sep in ['\t', ';'] {
        let s = Set {
            a: format!("{A}{GOOD_A}").replace(',', &sep.to_string()),
            p: format!("{P}{GOOD_P}"),
            e: format!("{E}{GOOD_E}"),
        };
        let word = if sep == '\t' { "tabs" } else { "semicolons" };
        for (reader, err) in [("CSV import", csv_import(&s)), ("bulk", bulk(&s))] {
            let err = err.unwrap_err();
            assert!(
                err.contains("line 1") && err.contains(&format!("separated by {word}")),
                "{reader}: {err}"
            );
        }
    }
}

#[test]
fn invisible_characters_in_an_id() {
    // A byte-order mark (U+FEFF) at the start of a row, as joined files leave it, and other
    // characters that print as nothing (a zero-width space, a direction override, a soft
    // hyphen): every reader refuses the id they are in, since "A-1" with one and "A-1"
    // without look like one id twice.
    for mark in ['\u{feff}', '\u{200b}', '\u{202e}', '\u{ad}'] {
        let s = set(&format!("{mark}{GOOD_A}"), GOOD_P, GOOD_E);
        all_reject(
            "invisible characters in an id",
            &s,
            Some(&|t: String| t.replacen("\"A-1\"", &format!("\"{mark}A-1\""), 1)),
        );
        for (reader, err) in [("CSV import", csv_import(&s)), ("bulk", bulk(&s))] {
            let err = err.unwrap_err();
            assert!(
                err.contains("line 2") && err.contains("invisible"),
                "{reader} {mark:?}: {err}"
            );
        }
    }
}

#[test]
fn second_header() {
    // Two files joined: the header again under the data (with a byte-order mark or
    // without) is named as a second header on its line by both CSV readers and the
    // workbook reader; typed records and JSON have no header rows.
    for mark in ["", "\u{feff}"] {
        let again = format!("{GOOD_A}{mark}{A}{}", GOOD_A.replace("A-1", "A-2"));
        let s = set(&again, GOOD_P, GOOD_E);
        #[cfg(feature = "xlsx")]
        let workbook = Some(("xlsx", xlsx(&s)));
        #[cfg(not(feature = "xlsx"))]
        let workbook = None;
        let readers = [("CSV import", csv_import(&s)), ("bulk", bulk(&s))];
        for (reader, err) in readers.into_iter().chain(workbook) {
            let err = err.unwrap_err();
            assert!(
                err.contains("second header row"),
                "{reader} ({mark:?}): {err}"
            );
            if reader != "xlsx" {
                assert!(err.contains("line 3"), "{reader}: {err}");
            }
        }
    }
}

#[test]
fn what_the_file_is() {
    // Files that are not UTF-8 CSV text are named on line 1 by both CSV readers, with the
    // same words (one function, `import::sniff`): UTF-32, UTF-16 without a byte-order mark,
    // a zip archive (an .xlsx workbook), a second byte-order mark, carriage-return line
    // ends. Typed records, JSON and sheets have no bytes to sniff.
    let good = format!("{A}{GOOD_A}");
    let utf = |units: Vec<u8>, mark: &[u8]| [mark, &units].concat();
    let le16: Vec<u8> = good.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be16: Vec<u8> = good.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let le32: Vec<u8> = good
        .chars()
        .flat_map(|c| u32::from(c).to_le_bytes())
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "UTF-32 with a mark",
            utf(le32.clone(), &[0xFF, 0xFE, 0, 0]),
            "UTF-32",
        ),
        ("UTF-32 without a mark", le32, "UTF-32"),
        ("UTF-16LE without a mark", le16, "UTF-16"),
        ("UTF-16BE without a mark", be16, "UTF-16"),
        ("an .xlsx workbook", xlsx_bytes(), "zip archive"),
        (
            "two byte-order marks",
            format!("\u{feff}\u{feff}{good}").into_bytes(),
            "byte-order mark",
        ),
        (
            "carriage returns alone",
            good.replace('\n', "\r").into_bytes(),
            "carriage return alone",
        ),
    ];
    for (what, bytes, words) in cases {
        let mut l = ledger_with_regions();
        let csv = import_csv(&mut l, CsvKind::Allocations, "a.csv", bytes.as_slice())
            .map(|_| ())
            .map_err(|e| e.to_string());
        let bulk = Aggregator::new(BulkOptions::new(as_of()))
            .read_allocations("a.csv", bytes.as_slice())
            .map_err(|e| e.to_string());
        for (reader, err) in [("CSV import", csv), ("bulk", bulk)] {
            let err = err.unwrap_err();
            assert!(
                err.starts_with("a.csv line 1: ") && err.contains(words),
                "{what}, {reader}: {err}"
            );
        }
    }
}

/// The bytes of a small workbook (any .xlsx is a zip archive).
fn xlsx_bytes() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "id").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn surrounding_spaces_and_blank_looking_lines() {
    // Where the readers differ on purpose (DESIGN, "One rule set"): CSV import and the
    // workbook reader take cells as people type them, spaces around a value trimmed and a
    // row of only spaces or commas skipped as blank; the bulk path reads the machine format
    // and refuses both; typed records and JSON have no cells (an id with spaces is refused
    // by its type).
    let spaced = set(&GOOD_A.replace("A-1", " A-1 "), GOOD_P, GOOD_E);
    let c = verdicts(
        &spaced,
        Some(&|t: String| t.replacen("\"A-1\"", "\" A-1 \"", 1)),
    );
    assert_eq!(
        (c.ledger, c.csv, c.bulk),
        (Some(true), Some(false), Some(true)),
        "an id with spaces around it"
    );
    #[cfg(feature = "serde")]
    assert_eq!(c.json, Some(true), "an id with spaces around it");
    #[cfg(feature = "xlsx")]
    assert_eq!(c.xlsx, Some(false), "an id with spaces around it");
    for blank in ["   ", ",,,,,", "\t"] {
        let s = set(&format!("{GOOD_A}{blank}\n"), GOOD_P, GOOD_E);
        assert!(csv_import(&s).is_ok(), "{blank:?}");
        let err = bulk(&s).unwrap_err();
        assert!(err.contains("line 3"), "{blank:?}: {err}");
    }
}
