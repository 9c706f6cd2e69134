//! Made-up national data for tests and benches: a deterministic generator (`SplitMix64`, as
//! the benchmark kit's generator uses), county codes and CSV field text.
//!
//! Included by path from `tests/bulk.rs`, `benches/bulk.rs` and `benches/ledger.rs`.

#![allow(dead_code)]

use chrono::NaiveDate;

/// The fund levels' machine names, as the national CSVs spell them.
pub(crate) const SOURCES: [&str; 4] = ["central", "provincial", "city", "county"];

/// The built-in categories' machine names, as the national CSVs spell them.
pub(crate) const CATEGORIES: [&str; 5] = [
    "industry",
    "infrastructure",
    "loan_interest",
    "yulu_plan",
    "other",
];

/// `SplitMix64`.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The code of made-up county `i` (0–2799 give distinct codes in ten provinces).
pub(crate) fn county_code(i: u64) -> u32 {
    let province: u64 =
        [11, 13, 32, 37, 41, 45, 51, 52, 53, 65][usize::try_from(i % 10).unwrap_or(0)];
    u32::try_from(province * 10_000 + (1 + (i / 10) % 28) * 100 + 1 + (i / 280) % 10).unwrap_or(0)
}

/// Day `day` of 2025 (0 = 1 January).
pub(crate) fn day(day: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default() + chrono::Days::new(day)
}

/// Day `day` of 2025 as `YYYY-MM-DD`.
pub(crate) fn date(day_of_year: u64) -> String {
    day(day_of_year).format("%Y-%m-%d").to_string()
}

/// Whole 分 as 元 text with two decimals.
pub(crate) fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}
