//! Integration tests: scenarios named after the reports they reproduce, golden vectors,
//! model-based properties, rendering snapshots and the error catalogue.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod scenarios {
    mod beihai_2021;
    mod published_figures;
}

mod bulk;
mod support {
    pub(crate) mod synth;
}
mod errors;
mod format;
mod golden;
mod import;
mod json_input;
mod model;
mod monthly;
#[cfg(feature = "xlsx")]
mod office;
mod policy;
mod reliability;
mod robust;
mod rules;
mod wire;
