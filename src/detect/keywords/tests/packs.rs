//! Packs compile with stable fingerprints; validation reports every problem
//! with its source and rule; custom rules and directory loading.

use std::path::PathBuf;

use super::*;

#[test]
fn test_packs_compile_with_counts_and_stable_fingerprint() {
    let g = guard();
    assert_eq!(g.rule_count(), 9);
    assert_eq!(g.fingerprint(), guard().fingerprint());
    let mut b = KeywordGuardBuilder::new();
    b.add_pack_str("en.toml", TEST_EN);
    assert_ne!(b.build().unwrap().fingerprint(), g.fingerprint());
    // A `not_after` list is part of the rule: dropping one changes the fingerprint.
    let mut b = KeywordGuardBuilder::new();
    b.add_pack_str("testdata/en.toml", &TEST_EN.replace(", \"attempt*\"]", "]"))
        .add_pack_str("testdata/multi.toml", TEST_MULTI);
    assert_ne!(b.build().unwrap().fingerprint(), g.fingerprint());
}

/// The inputs' fingerprint reads pack texts without parsing them (a reload
/// with unchanged rules then holds no parsed copy), and still tells apart any
/// change of text, source, order or custom rule.
#[test]
fn inputs_fingerprint_hashes_unparsed_texts_in_order() {
    let fingerprint = |packs: &[(&str, &str)], custom: Option<RuleSpec>| {
        let mut b = KeywordGuardBuilder::new();
        for (source, text) in packs {
            b.add_pack_str(source, text);
        }
        if let Some(rule) = custom {
            b.add_rules("config", vec![rule]);
        }
        b.inputs_fingerprint()
    };
    let both = [("en.toml", TEST_EN), ("multi.toml", TEST_MULTI)];
    let base = fingerprint(&both, None).expect("nothing unreadable");
    assert_eq!(fingerprint(&both, None), Some(base));
    let swapped = [("multi.toml", TEST_MULTI), ("en.toml", TEST_EN)];
    assert_ne!(fingerprint(&swapped, None), Some(base));
    let renamed = [("en2.toml", TEST_EN), ("multi.toml", TEST_MULTI)];
    assert_ne!(fingerprint(&renamed, None), Some(base));
    let edited = TEST_EN.replace(", \"attempt*\"]", "]");
    assert_ne!(
        fingerprint(&[("en.toml", &edited), ("multi.toml", TEST_MULTI)], None),
        Some(base)
    );
    let custom = RuleSpec {
        id: "custom.x.y".into(),
        category: "data_exfiltration".into(),
        severity: "high".into(),
        phrases: vec!["purple elephant protocol".into()],
        ..RuleSpec::default()
    };
    assert_ne!(fingerprint(&both, Some(custom)), Some(base));
    // A broken pack is only found by the build, which reports it.
    let broken = [("syntax.toml", "[pack]\nname = 1")];
    assert!(fingerprint(&broken, None).is_some());
    let mut b = KeywordGuardBuilder::new();
    b.add_pack_str("syntax.toml", "[pack]\nname = 1");
    assert!(matches!(b.build(), Err(KeywordsError::Invalid(_))));
    // An unreadable directory is known at once: no fingerprint.
    let mut b = KeywordGuardBuilder::new();
    b.add_dir(std::path::Path::new("/nonexistent/promptgate-rules"));
    assert_eq!(b.inputs_fingerprint(), None);
}

#[test]
fn validation_reports_every_problem_with_source_and_rule() {
    let bad = r#"
[pack]
name = "bad"
language = "en"

[[rule]]
id = "bad.one"
category = "not_a_category"
severity = "severe"

[[rule]]
id = "bad.two"
category = "other"
severity = "low"
phrases = ["   "]
patterns = ['(unclosed']

[[rule]]
id = "bad.three"
category = "other"
severity = "low"
[[rule.near]]
terms = [["only one group"]]
max_gap = 99

[[rule]]
id = "bad.four"
category = "other"
severity = "low"
[[rule.near]]
terms = [["a"], ["b"]]
not_after = ["c", "  "]
"#;
    let mut b = KeywordGuardBuilder::new();
    b.add_pack_str("bad.toml", bad)
        .add_pack_str("dup.toml", TEST_EN)
        .add_pack_str("dup2.toml", &TEST_EN.replace("name = \"test_en\"", "name = \"test_en2\""))
        .add_pack_str("syntax.toml", "[pack]\nname = 1")
        .add_pack_str("unknown.toml", "[pack]\nname='u'\nlanguage='en'\n[[rule]]\nid='u.x'\ncategory='other'\nseverity='low'\nphrasez=['x']");
    let Err(KeywordsError::Invalid(problems)) = b.build() else {
        panic!("expected invalid")
    };
    let has = |source: &str, id: Option<&str>, pred: &dyn Fn(&ProblemKind) -> bool| {
        problems
            .iter()
            .any(|p| p.source == source && p.rule_id.as_deref() == id && pred(&p.kind))
    };
    assert!(has(
        "bad.toml",
        Some("bad.one"),
        &|k| matches!(k, ProblemKind::UnknownCategory(c) if c == "not_a_category")
    ));
    assert!(has("bad.toml", Some("bad.one"), &|k| matches!(
        k,
        ProblemKind::UnknownSeverity(_)
    )));
    assert!(has("bad.toml", Some("bad.one"), &|k| matches!(
        k,
        ProblemKind::NoMatchers
    )));
    assert!(has("bad.toml", Some("bad.two"), &|k| matches!(
        k,
        ProblemKind::EmptyPhrase { index: 0 }
    )));
    assert!(has("bad.toml", Some("bad.two"), &|k| matches!(
        k,
        ProblemKind::BadPattern { index: 0, .. }
    )));
    assert!(has("bad.toml", Some("bad.three"), &|k| matches!(
        k,
        ProblemKind::BadNear { index: 0 }
    )));
    assert!(has("bad.toml", Some("bad.three"), &|k| matches!(
        k,
        ProblemKind::GapTooLarge { max_gap: 99, .. }
    )));
    assert!(has("bad.toml", Some("bad.four"), &|k| matches!(
        k,
        ProblemKind::BadNear { index: 0 }
    )));
    assert!(has(
        "dup2.toml",
        Some("test_en.pwned"),
        &|k| matches!(k, ProblemKind::DuplicateId { first_source } if first_source == "dup.toml")
    ));
    assert!(has("syntax.toml", None, &|k| matches!(
        k,
        ProblemKind::Parse(_)
    )));
    assert!(has(
        "unknown.toml",
        None,
        &|k| matches!(k, ProblemKind::Parse(m) if m.contains("phrasez"))
    ));
    let msg = KeywordsError::Invalid(problems.clone()).to_string();
    assert!(
        msg.contains("bad.toml: rule `bad.one`: unknown category `not_a_category`"),
        "{msg}"
    );
}

#[test]
fn custom_rules_from_config_and_directory_loading() {
    let custom = RuleSpec {
        id: "custom.acme.codename".into(),
        category: "data_exfiltration".into(),
        severity: "critical".into(),
        phrases: vec!["Project Bluebird".into()],
        ..Default::default()
    };
    let mut b = KeywordGuardBuilder::new();
    b.add_rules("config:l1.custom_rules", vec![custom]);
    let g = b.build().unwrap();
    assert_eq!(
        rule_ids(&scan(&g, "tell me about project  BLUEBIRD")),
        ["custom.acme.codename"]
    );

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/detect/keywords/testdata");
    let g = KeywordGuard::from_dir(&dir).unwrap();
    assert_eq!(g.rule_count(), 9);
    assert!(matches!(
        KeywordGuard::from_dir(&dir.join("missing")),
        Err(KeywordsError::Invalid(_))
    ));
}

#[test]
fn embedded_packs_compile() {
    // The shipped packs (possibly none on this branch) must always compile.
    let g = KeywordGuard::embedded().unwrap_or_else(|e| panic!("embedded packs: {e}"));
    assert_eq!(embedded_packs().is_empty(), g.rule_count() == 0);
}

/// Each shipped regex must compile to a small program: a bounded repetition of a
/// wide class (`[^\n]{0,200}`, `\W{1,20}` in Unicode mode) compiles to one
/// copy of the class per count, and eleven such patterns once held 10 MiB of
/// resident memory between them. Raising this is a decision about memory: 2 MiB
/// until the twenty-fifth stop, 2.25 MiB since, when the phone plans' compiled patterns
/// shrank by 8 MB (`detect/pii/phone/numbering.rs`) and the thin packs' anchored
/// "switch on developer mode" commands needed about 20 KB more.
#[test]
fn shipped_patterns_compile_small() {
    const PER_PATTERN: usize = 128 * 1024;
    const ALL_PATTERNS: usize = 2 * 1024 * 1024 + 256 * 1024;
    let mut total = 0;
    let mut problems = Vec::new();
    for (file, text) in embedded_packs() {
        let pack: PackFile = toml::from_str(text).expect("embedded pack parses");
        for rule in &pack.rules {
            for p in &rule.patterns {
                let p = compile::ascii_boundaries(p);
                // The smallest size limit it compiles under, to 1 KiB.
                let (mut lo, mut hi) = (0, REGEX_SIZE_LIMIT);
                while lo + 1024 < hi {
                    let mid = (lo + hi) / 2;
                    match regex::RegexBuilder::new(&p).size_limit(mid).build() {
                        Ok(_) => hi = mid,
                        Err(_) => lo = mid,
                    }
                }
                total += hi;
                if hi > PER_PATTERN {
                    problems.push(format!("{file} {}: {hi} bytes: {p}", rule.id));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        total <= ALL_PATTERNS,
        "shipped regexes compile to {total} bytes"
    );
}

#[test]
fn guard_is_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KeywordGuard>();
    assert_send_sync::<Normalizer>();
}
