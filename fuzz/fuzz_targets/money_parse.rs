//! Money and every value parser on arbitrary bytes: no panics, accepted input round-trips.
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::money_parse(data));
