//! Texts from the test corpus for the engine's properties, and the
//! measurements of the real packs over it (ignored: they print reports).

use super::*;

/// `fixed` texts, then every `step`-th text of the attack and benign corpus
/// files (at most `take` lines of each), when the corpus is there.
pub(super) fn with_corpus_texts(fixed: &[&str], step: usize, take: usize) -> Vec<String> {
    let mut texts: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    if let Some(dir) = crate::corpus::corpus_dir() {
        for file in ["attacks.jsonl", "benign.jsonl"] {
            let raw = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
            for line in raw.lines().step_by(step).take(take) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                    && let Some(t) = v["text"].as_str()
                {
                    texts.push(t.to_owned());
                }
            }
        }
    }
    texts
}

/// Recall / false-positive report of a rule set over the corpus, per category.
fn corpus_report(g: &KeywordGuard, min_score: f32) -> (f64, f64, String) {
    use std::collections::BTreeMap;
    let dir = crate::corpus::corpus_dir().expect("corpus folder (set PROMPTGATE_CORPUS_DIR)");
    let n = Normalizer::new();
    let mut report = String::new();
    let mut rates = [0f64; 2];
    for (k, file) in ["attacks.jsonl", "benign.jsonl"].iter().enumerate() {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let t = v["text"].as_str().unwrap_or_default();
            let cat = v["category"].as_str().unwrap_or("?").to_owned();
            let mut out = Vec::new();
            g.scan(&n.views(t), 0, &mut out);
            let hit = out.iter().any(|f| f.score >= min_score);
            let e = per.entry(cat.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(hit);
            if hit && k == 1 {
                report.push_str(&format!(
                    "  FP {}: {:?}\n",
                    out[0].rule_id,
                    v["id"].as_str()
                ));
            }
        }
        let (total, hits) = per.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        rates[k] = hits as f64 / total.max(1) as f64;
        report.push_str(&format!(
            "{file}: {hits}/{total} flagged ({:.1}%)\n",
            100.0 * rates[k]
        ));
        for (c, (t, h)) in per {
            report.push_str(&format!(
                "  {c:32} {h:4}/{t:4} {:5.1}%\n",
                100.0 * h as f64 / t as f64
            ));
        }
    }
    (rates[0], rates[1], report)
}

/// Measures the real packs over the test corpus. Run with
/// `PROMPTGATE_RULES_DIR=/path/to/rules cargo test --lib keywords::tests::corpus -- --ignored --nocapture`.
#[test]
#[ignore = "measurement over the test corpus with the real packs; prints a report"]
fn corpus_recall_and_false_positives_with_real_packs() {
    let g = match std::env::var("PROMPTGATE_RULES_DIR") {
        Ok(d) => KeywordGuard::from_dir(std::path::Path::new(&d)).unwrap_or_else(|e| panic!("{e}")),
        Err(_) => KeywordGuard::embedded().unwrap(),
    };
    let (recall, fp, report) = corpus_report(&g, 0.5);
    println!(
        "rules: {}\nmin severity medium: recall {:.1}% fp {:.2}%\n{report}",
        g.rule_count(),
        recall * 100.0,
        fp * 100.0
    );
}

/// Prints the views of obfuscated corpus attacks the real packs miss, to tell
/// normalizer gaps from rule gaps. `PROMPTGATE_RULES_DIR=... cargo test --lib
/// keywords::tests::corpus::views_of_missed -- --ignored --nocapture`.
#[test]
#[ignore = "diagnostic output over the test corpus"]
fn views_of_missed_obfuscated_attacks() {
    let dir = std::env::var("PROMPTGATE_RULES_DIR").expect("PROMPTGATE_RULES_DIR");
    let g = KeywordGuard::from_dir(std::path::Path::new(&dir)).unwrap();
    let n = Normalizer::new();
    let text = std::fs::read_to_string(crate::corpus::corpus_dir().unwrap().join("attacks.jsonl"))
        .unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let cat = v["category"].as_str().unwrap_or_default();
        if !cat.starts_with("obfuscated_") {
            continue;
        }
        let t = v["text"].as_str().unwrap_or_default();
        let views = n.views(t);
        let mut out = Vec::new();
        g.scan(&views, 0, &mut out);
        if out.is_empty() {
            println!("== {cat}");
            for view in &views {
                println!(
                    "  {:10} {:?}",
                    view.kind.as_str(),
                    view.text.chars().take(160).collect::<String>()
                );
            }
        }
    }
}
