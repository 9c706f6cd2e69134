//! The benchmark kit's command line (`bench/README.md`), shared by the examples that print
//! its national report: `national_report` (bulk path), `ledger_report` (the ledger) and
//! `fundtrack-datafusion`'s `national_sql` (SQL). Each includes this file as a module
//! (`#[path = …] mod kit_args;`) and parses its own flags through `more`.
//!
//! ```text
//! --allocations A --projects P --expenditures E --as-of YYYY-MM-DD [--format F] [own flags]
//! ```

use fundtrack::NaiveDate;

/// The flags every report of the kit takes.
pub(crate) struct KitArgs {
    pub(crate) allocations: String,
    pub(crate) projects: String,
    pub(crate) expenditures: String,
    pub(crate) as_of: NaiveDate,
    /// The `--format` given, one of the formats the example offers (the first by default).
    #[allow(
        dead_code,
        reason = "read only by examples that offer more than one format"
    )]
    pub(crate) format: &'static str,
}

/// Parses the process's arguments. `formats` are the `--format` values the example offers,
/// the first being the default. Any other flag goes to `more(flag, value)`, which answers
/// `Ok(true)` when it took the flag (calling `value` for its value) and `Ok(false)` when it
/// does not know it.
pub(crate) fn parse(
    formats: &[&'static str],
    mut more: impl FnMut(&str, &mut dyn FnMut() -> Result<String, String>) -> Result<bool, String>,
) -> Result<KitArgs, String> {
    let mut it = std::env::args().skip(1);
    let (mut allocations, mut projects, mut expenditures, mut as_of) = (None, None, None, None);
    let mut format = formats.first().copied().ok_or("no --format offered")?;
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--allocations" => allocations = Some(value()?),
            "--projects" => projects = Some(value()?),
            "--expenditures" => expenditures = Some(value()?),
            "--as-of" => {
                let v = value()?;
                as_of = Some(
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|err| format!("--as-of {v}: {err}"))?,
                );
            }
            "--format" => {
                let v = value()?;
                let choices: Vec<_> = formats.iter().map(|&f| (f, f)).collect();
                format = pick("--format", &v, &choices)?;
            }
            other => {
                if !more(other, &mut value)? {
                    return Err(format!("unknown argument {other}"));
                }
            }
        }
    }
    let need = |v: Option<String>, f: &str| v.ok_or_else(|| format!("{f} is required"));
    Ok(KitArgs {
        allocations: need(allocations, "--allocations")?,
        projects: need(projects, "--projects")?,
        expenditures: need(expenditures, "--expenditures")?,
        as_of: as_of.ok_or("--as-of is required")?,
        format,
    })
}

/// The value of `choices` that `value` names, or an error listing them
/// (`--flag x: expected a or b`).
pub(crate) fn pick<T: Copy>(flag: &str, value: &str, choices: &[(&str, T)]) -> Result<T, String> {
    choices
        .iter()
        .find(|(name, _)| *name == value)
        .map(|&(_, v)| v)
        .ok_or_else(|| {
            let names: Vec<_> = choices.iter().map(|(name, _)| *name).collect();
            format!("{flag} {value}: expected {}", names.join(" or "))
        })
}
