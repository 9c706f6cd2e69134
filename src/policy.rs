//! Policy calculations with caller-supplied parameters (to come).
