//! Bench (to come).
fn main() {}
