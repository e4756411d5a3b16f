//! The case harness: L1 and L1.5 cases are data, TOML rows in named
//! collections (`src/detect/keywords/testdata/cases/*.toml`,
//! `src/detect/pii/testdata/cases/*.toml`; the format is in the README beside
//! the first), and this one harness runs every row under every configuration
//! that should agree, as rust-lang/regex runs `testdata/*.toml` and
//! aho-corasick runs its named collections under every builder setting:
//!
//! * at the layer, on the pipeline's own detectors: the text as written and
//!   each derived variant its row asks for (`variants.rs`), over every view
//!   the normalizer builds, scanned incrementally and whole (which must agree);
//! * through the waterfall, the text wrapped in every API shape that can carry
//!   its role (`tiers.rs`), with no cache, a cold in-process L0, the same L0
//!   warm (a hit with the same verdict), and a real Redis read back by a
//!   second cache with nothing in process.
//!
//! A failure names the collection, the row and the configuration. A new case
//! is a row in a file; a new collection is a new file in one of the folders.
//! The harness lives here, above `detect`, because the tiers are the
//! pipeline's; it needs `redis-server` (CI installs it) and fails without it.

mod load;
mod pii;
#[allow(dead_code)]
#[path = "../../../tests/support/redis.rs"]
mod redis;
mod rules;
mod tiers;
mod variants;

use load::{Packs, PiiCollection, RuleCollection};
use tiers::Tiers;

use super::testing::default_policy;

/// L2 off (these are the deterministic layers' cases), and budgets no busy
/// test machine reaches: a slow scan must not turn into a fail-closed block.
const BASE: &str =
    "[policy.l2]\nenabled = false\n[policy.budgets]\nl1_ms = 600000\npii_ms = 600000\n";

/// The configuration for a collection's packs.
fn config(packs: Packs) -> String {
    let dir = |d: &str| format!("{BASE}[rules]\nembedded = false\ndir = {d:?}\n");
    match packs {
        Packs::Test => dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/detect/keywords/testdata"
        )),
        // Trying rules without rebuilding: the packs of that folder instead.
        Packs::Shipped => match std::env::var("PROMPTGATE_RULES_DIR") {
            Ok(d) if !d.is_empty() => dir(&d),
            _ => BASE.to_owned(),
        },
    }
}

fn report(what: &str, texts: usize, failures: &[String]) {
    assert!(texts > 0, "no {what} ran");
    println!("{texts} {what}, each at the layer and in every shape and tier");
    assert!(
        failures.is_empty(),
        "{} failures over the {texts} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rule_cases_hold_in_every_view_shape_and_cache_tier() {
    let mut tiers = Tiers::start();
    let mut failures = Vec::new();
    let mut texts = 0;
    for (name, collection) in load::collections::<RuleCollection>(load::RULE_CASES) {
        for &packs in &collection.packs {
            let (pipeline, route) = default_policy(&config(packs));
            let setup = rules::Setup {
                collection: &name,
                packs,
                pipeline: &pipeline,
                route: &route,
            };
            texts += rules::run(&setup, &collection, &mut tiers, &mut failures);
            tiers.check_redis(&pipeline, &route, &mut failures);
        }
    }
    report("L1 case texts", texts, &failures);
}

#[test]
fn pii_cases_hold_in_every_shape_and_cache_tier() {
    let mut tiers = Tiers::start();
    let mut failures = Vec::new();
    let mut texts = 0;
    // Under the test packs: the shipped rules would block some of these texts
    // before L1.5 reads them.
    let (pipeline, route) = default_policy(&config(Packs::Test));
    for (name, collection) in load::collections::<PiiCollection>(load::PII_CASES) {
        texts += pii::run(
            &name,
            &collection,
            &pipeline,
            &route,
            &mut tiers,
            &mut failures,
        );
    }
    tiers.check_redis(&pipeline, &route, &mut failures);
    report("L1.5 case texts", texts, &failures);
}
