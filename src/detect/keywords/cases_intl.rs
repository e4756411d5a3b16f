//! Tests for the rule families of issue 15 item 4 (non-English packs, data
//! extraction from the context, tense-shifted requests) and for how rule
//! strings must spell elided words.
//!
//! The cases live in `testdata/cases/intl.toml` (same format as
//! `testdata/cases/shipped.toml`); with `PROMPTGATE_RULES_DIR` set, the packs of
//! that folder are checked instead of the embedded ones, so a rule can be tried
//! without rebuilding.

use super::{KeywordGuard, PackFile};
use crate::detect::Finding;
use crate::normalize::Normalizer;

/// The default policy's `l1.min_severity` (medium).
const BLOCKING: f32 = 0.5;

#[derive(serde::Deserialize)]
struct Cases {
    fires: Vec<Fires>,
    quiet: Vec<Quiet>,
}

#[derive(serde::Deserialize)]
struct Fires {
    rule: String,
    text: String,
}

#[derive(serde::Deserialize)]
struct Quiet {
    text: String,
}

fn guard() -> KeywordGuard {
    match std::env::var("PROMPTGATE_RULES_DIR") {
        Ok(d) => KeywordGuard::from_dir(std::path::Path::new(&d)).expect("rules dir"),
        Err(_) => KeywordGuard::embedded().expect("embedded packs compile"),
    }
}

fn scan(g: &KeywordGuard, text: &str) -> Vec<Finding> {
    let views = Normalizer::new().views(text);
    let mut out = Vec::new();
    g.scan(&views, 0, &mut out);
    out
}

/// Every attack row fires its rule at a blocking severity; every look-alike
/// row (the same words used harmlessly, in the same language) gives no
/// blocking finding.
#[test]
fn intl_cases_fire_and_stay_quiet() {
    let cases: Cases =
        toml::from_str(include_str!("testdata/cases/intl.toml")).expect("cases/intl.toml parses");
    let g = guard();
    let mut problems = Vec::new();
    for case in &cases.fires {
        let found = scan(&g, &case.text);
        if !found
            .iter()
            .any(|f| *f.rule_id == *case.rule && f.score >= BLOCKING)
        {
            let ids: Vec<&str> = found.iter().map(|f| &*f.rule_id).collect();
            problems.push(format!(
                "{:?} should fire {} (found {ids:?})",
                case.text, case.rule
            ));
        }
    }
    for case in &cases.quiet {
        let blocking: Vec<String> = scan(&g, &case.text)
            .iter()
            .filter(|f| f.score >= BLOCKING)
            .map(|f| f.rule_id.to_string())
            .collect();
        if !blocking.is_empty() {
            problems.push(format!("{:?} flagged by {blocking:?}", case.text));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Phrases and near terms are literals over the folded text, which keeps
/// apostrophes: a rule string that spells an elision with a space
/// (`qu on t a dit`, `don t`, `user s`) can never match `qu'on t'a dit`.
/// Every such word of the shipped packs must be written with its apostrophe.
#[test]
fn shipped_rule_strings_spell_elisions_with_apostrophes() {
    /// Words that stand before an apostrophe in French, Italian and English.
    const BEFORE: &[&str] = &[
        "qu", "l", "d", "j", "n", "s", "t", "m", "c", "all", "dell", "nell", "sull", "dall", "don",
        "doesn", "didn", "isn", "aren", "weren", "wasn", "won", "let",
    ];
    /// English contractions after an apostrophe.
    const AFTER: &[&str] = &["t", "s", "re", "ll", "ve"];
    let mut problems = Vec::new();
    for (file, text) in super::embedded_packs() {
        let pack: PackFile = toml::from_str(text).expect("embedded pack parses");
        for rule in &pack.rules {
            let strings = rule
                .phrases
                .iter()
                .chain(rule.near.iter().flat_map(|n| n.terms.iter().flatten()));
            for s in strings {
                let words: Vec<&str> = s.split(' ').collect();
                let spaced_elision = words.windows(2).any(|w| {
                    let (a, b) = (w[0].to_lowercase(), w[1].to_lowercase());
                    let french = BEFORE.contains(&a.as_str())
                        && a.chars().count() <= 4
                        && b.chars()
                            .next()
                            .is_some_and(|c| "aeiouhéèêàâîôûœ".contains(c))
                        && ["fr", "it"].contains(&pack.pack.language.as_str());
                    let english = AFTER.contains(&b.as_str())
                        && a.len() > 1
                        && ["en", "any"].contains(&pack.pack.language.as_str());
                    french || english
                });
                if spaced_elision {
                    problems.push(format!("{file} {}: {s:?}", rule.id));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
