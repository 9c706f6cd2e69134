//! CSV rows on arbitrary bytes through the library's readers: no panics, all or nothing.
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::csv_rows(data));
