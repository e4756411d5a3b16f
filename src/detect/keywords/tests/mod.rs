//! Tests for L1 beyond its cases. The rule cases themselves are data
//! (`testdata/cases/*.toml`), run under every view, API shape and cache tier
//! by the case harness (`src/pipeline/cases/`); here are the engine's own
//! properties, one concept per file:
//!
//! * `packs` — packs compile, validation reports every problem, custom rules,
//!   directory loading;
//! * `joined` — an attack split across segments;
//! * `incremental` — the incremental scan equals scanning every view whole;
//! * `index` — the word index finds what the plain automaton finds;
//! * `gate` — the regex gate gives every regex's first match;
//! * `patterns` — rule regexes read the views that undo an evasion;
//! * `corpus` — texts from the test corpus, and the measurements over it;
//! * `suffix` — the adversarial-suffix detector and its benign look-alikes.

mod corpus;
mod gate;
mod incremental;
mod index;
mod joined;
mod packs;
mod patterns;
mod stacked;
mod suffix;

use super::*;
use crate::normalize::Normalizer;

const TEST_EN: &str = include_str!("../testdata/en.toml");
const TEST_MULTI: &str = include_str!("../testdata/multi.toml");

/// The engine's own test packs.
fn guard() -> KeywordGuard {
    let mut b = KeywordGuardBuilder::new();
    b.add_pack_str("testdata/en.toml", TEST_EN)
        .add_pack_str("testdata/multi.toml", TEST_MULTI);
    b.build().expect("test packs compile")
}

/// The shipped packs, compiled once for the test binary.
fn embedded_guard() -> &'static KeywordGuard {
    static GUARD: std::sync::OnceLock<KeywordGuard> = std::sync::OnceLock::new();
    GUARD.get_or_init(|| KeywordGuard::embedded().expect("embedded packs compile"))
}

fn scan(g: &KeywordGuard, text: &str) -> Vec<Finding> {
    let views = Normalizer::new().views(text);
    let mut out = Vec::new();
    g.scan(&views, 0, &mut out);
    out
}

fn rule_ids(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| &*f.rule_id).collect()
}
