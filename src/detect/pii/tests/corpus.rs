//! L1.5 over the test corpus: recall and exact spans per type, no finding
//! on hard negatives, and quiet rates on benign prompts and attacks.

use std::collections::BTreeMap;

use super::*;
use crate::detect::pii::person::tests::{Labelled, parse_jsonl};

/// A corpus file's records (the shared reader of the PII test sets).
fn load(name: &str) -> Vec<Labelled> {
    let dir = crate::corpus::corpus_dir().expect(
        "tests/corpus not found: run from the repository root or set PROMPTGATE_CORPUS_DIR",
    );
    let data = std::fs::read_to_string(dir.join(name)).expect("corpus file is readable");
    parse_jsonl(&data)
}

#[derive(Default, Debug)]
struct Tally {
    gold: usize,
    hit: usize,
    exact: usize,
    fp: usize,
}

#[test]
fn corpus_pii_recall_precision_and_hard_negatives() {
    let shield = shield();
    let records = load("pii.jsonl");
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut hard_negative_findings = Vec::new();
    let mut misses = Vec::new();
    for r in &records {
        let mut out = Vec::new();
        shield.scan(&r.text, 0, &mut out);
        if r.category == "pii_hard_negative" {
            for f in &out {
                hard_negative_findings.push(format!(
                    "{} {:?} in {:?}",
                    f.category,
                    &r.text[f.span.clone()],
                    r.text
                ));
            }
            continue;
        }
        for (ty, span) in &r.spans {
            if ty == "PERSON" {
                continue;
            }
            let t = tally.entry(ty.clone()).or_default();
            t.gold += 1;
            let overlapping = out
                .iter()
                .find(|f| &*f.category == ty && f.span.start < span.end && span.start < f.span.end);
            match overlapping {
                Some(f) => {
                    t.hit += 1;
                    if f.span == *span {
                        t.exact += 1;
                    } else {
                        misses.push(format!(
                            "inexact {ty}: got {:?} want {:?}",
                            &r.text[f.span.clone()],
                            &r.text[span.clone()]
                        ));
                    }
                }
                None => misses.push(format!(
                    "missed {ty} {:?} in {:?}",
                    &r.text[span.clone()],
                    r.text
                )),
            }
        }
        for f in &out {
            let matched = r
                .spans
                .iter()
                .any(|(ty, s)| ty == &*f.category && f.span.start < s.end && s.start < f.span.end);
            if !matched {
                tally.entry(f.category.to_string()).or_default().fp += 1;
                misses.push(format!(
                    "false positive {} {:?} in {:?}",
                    f.category,
                    &r.text[f.span.clone()],
                    r.text
                ));
            }
        }
    }
    println!(
        "{:<12} {:>5} {:>5} {:>6} {:>4} {:>8} {:>9}",
        "type", "gold", "hit", "exact", "fp", "recall", "precision"
    );
    for (ty, t) in &tally {
        let recall = if t.gold == 0 {
            1.0
        } else {
            t.hit as f64 / t.gold as f64
        };
        let precision = if t.hit + t.fp == 0 {
            1.0
        } else {
            t.hit as f64 / (t.hit + t.fp) as f64
        };
        println!(
            "{ty:<12} {:>5} {:>5} {:>6} {:>4} {:>7.1}% {:>8.1}%",
            t.gold,
            t.hit,
            t.exact,
            t.fp,
            recall * 100.0,
            precision * 100.0
        );
    }
    for m in &misses {
        println!("  {m}");
    }
    assert!(
        hard_negative_findings.is_empty(),
        "findings on pii_hard_negative records: {hard_negative_findings:#?}"
    );
    for ty in [
        "CREDIT_CARD",
        "IBAN",
        "US_SSN",
        "PL_PESEL",
        "PL_NIP",
        "EMAIL",
        "IP_ADDRESS",
    ] {
        let t = &tally[ty];
        assert!(
            t.hit * 100 >= t.gold * 99,
            "{ty} recall {}/{} below 99%",
            t.hit,
            t.gold
        );
        assert_eq!(t.exact, t.hit, "{ty}: every detected span is exact");
        assert_eq!(t.fp, 0, "{ty}: no false positives in pii.jsonl");
    }
    // Phone: numbers with `+`/`00`, NANP or trunk-0 grouping, a phone keyword before
    // them, or (bare NANP / trunk-0 digits) an e-mail beside them in a contact block.
    let phone = &tally["PHONE"];
    assert!(
        phone.hit * 100 >= phone.gold * PHONE_RECALL_FLOOR,
        "PHONE recall {}/{}",
        phone.hit,
        phone.gold
    );
    assert!(phone.fp <= 1, "PHONE false positives: {}", phone.fp);
}

/// The phone recall this layer reaches on the test corpus (percent; 139/139 today),
/// asserted.
const PHONE_RECALL_FLOOR: usize = 99;

#[test]
fn corpus_benign_and_attacks_rarely_fire() {
    let shield = shield();
    for (file, max_rate_permille) in [("benign.jsonl", 10), ("attacks.jsonl", 20)] {
        assert_rarely_fires(&shield, file, max_rate_permille);
    }
}

/// The training pool is not in the repository (training data only): run this with
/// `PROMPTGATE_CORPUS_DIR` at the development corpus and `-- --ignored`.
#[test]
#[ignore = "needs train_pool.jsonl of the development corpus in PROMPTGATE_CORPUS_DIR"]
fn corpus_train_pool_rarely_fires() {
    // The training pool has no PII annotations; it is a wide sample of prompts on which
    // L1.5 should stay quiet apart from real contact details.
    assert_rarely_fires(&shield(), "train_pool.jsonl", 10);
}

/// Scans every record of the corpus file `file`, prints each finding with a
/// little context, and asserts that at most `max_rate_permille` per thousand
/// records fire. PERSON is left out: names in these prompts are names
/// (characters of maths problems, public figures, e-mail salutations), and
/// PERSON is measured on its own sets.
fn assert_rarely_fires(shield: &PiiShield, file: &str, max_rate_permille: usize) {
    let records = load(file);
    let mut fired = 0;
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        let mut out = Vec::new();
        shield.scan(&r.text, 0, &mut out);
        out.retain(|f| &*f.category != "PERSON");
        fired += usize::from(!out.is_empty());
        for f in &out {
            *by_type.entry(f.category.to_string()).or_default() += 1;
            let s = f.span.start.saturating_sub(30);
            let e = (f.span.end + 30).min(r.text.len());
            let ctx = r.text.get(s..e).unwrap_or("<non-boundary>");
            println!(
                "{file}: {} {:?} (…{ctx:?}…)",
                f.category,
                &r.text[f.span.clone()]
            );
        }
    }
    println!(
        "{file}: {fired}/{} records with PII findings, by type {by_type:?}",
        records.len()
    );
    assert!(
        fired * 1000 <= records.len() * max_rate_permille,
        "{file}: {fired} records fire"
    );
}
