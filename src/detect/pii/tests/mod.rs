//! Tests for L1.5 beyond its cases. The scan cases (exact values, obfuscated
//! digits, look-alikes) are data in `testdata/cases/*.toml`, run at the
//! shield and through every API shape and cache tier by the case harness
//! (`src/pipeline/cases/`); the validator tables are data in
//! `testdata/checks.toml`. Here, one concept per file:
//!
//! * `checks` — the validator tables, and values generated from their formulas;
//! * `shield` — the shape of a finding, configuration, hostile input;
//! * `properties` — generated texts, cards, IBANs, PESELs and NIPs;
//! * `corpus` — recall, precision and quiet rates over the test corpus.

mod checks;
mod corpus;
mod properties;
mod shield;

use super::{PiiConfig, PiiShield};
use crate::detect::Finding;

fn shield() -> PiiShield {
    PiiShield::new(&PiiConfig::default()).expect("the built-in anchor table compiles")
}

fn scan(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    shield().scan(text, 0, &mut out);
    out
}

/// (category, matched text) pairs, for readable assertions.
fn found(text: &str) -> Vec<(String, String)> {
    scan(text)
        .into_iter()
        .map(|f| (f.category.to_string(), text[f.span].to_string()))
        .collect()
}
