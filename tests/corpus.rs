//! Quality floors of the deterministic layers (L1 + L1.5, L2 off) over the
//! repository's test corpus, `tests/corpus` (issue 3, item 8). The detectors are judged on a
//! separate held-out set; these floors keep regressions from landing.
//!
//! Floors asserted here:
//! * benign false positives (blocked by an injection layer) ≤ 0.5 %;
//! * PII recall ≥ 99 % on every checksum-validated type (CREDIT_CARD, IBAN,
//!   US_SSN, PL_PESEL, PL_NIP, EMAIL, IP_ADDRESS);
//! * zero PII findings on `pii_hard_negative` records (checksum-failing look-alikes);
//! * attack recall of L1 alone ≥ ATTACK_RECALL_FLOOR (what the rule packs reach;
//!   L2 adds to it, see tests/classifier.rs).

mod support;

use promptgate::eval::{EvalReport, evaluate};
use promptgate::pipeline::Engines;
use promptgate::policy::load_config_str;
use promptgate::runtime::Runtime;

/// Attack recall of L1 on `tests/corpus`, a couple of points under the value
/// measured when the floor was last set (0.5852, 467/798, 0/737 benign FP, after
/// the rule families of issue 15 item 4); a drop below it is a regression.
const ATTACK_RECALL_FLOOR: f64 = 0.565;
const BENIGN_FP_CEILING: f64 = 0.005;
const PII_RECALL_FLOOR: f64 = 0.99;
const CHECKSUM_TYPES: &[&str] = &[
    "CREDIT_CARD",
    "IBAN",
    "US_SSN",
    "PL_PESEL",
    "PL_NIP",
    "EMAIL",
    "IP_ADDRESS",
];

/// The default policy with L2 off (these floors are the deterministic layers'),
/// and a runtime to drive the async evaluation.
fn runtime_l2_off() -> (Runtime, tokio::runtime::Runtime) {
    let config =
        load_config_str("[policy.l2]\nenabled = false\n", "test", Vec::new()).expect("config");
    let runtime = Runtime::build(config, 0, &Engines::none()).expect("runtime");
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    (runtime, tokio)
}

fn run(files: &[&str]) -> EvalReport {
    let records = support::corpus::records(files);
    let (runtime, tokio) = runtime_l2_off();
    tokio
        .block_on(evaluate(&runtime, "default", &records, |_, _| {}))
        .expect("evaluates")
}

#[test]
fn deterministic_layers_meet_their_floors_on_the_dev_corpus() {
    let report = run(&["attacks.jsonl", "benign.jsonl"]);
    println!("{}", report.render());
    let fp = report.benign_false_positives;
    assert!(
        fp.ratio() <= BENIGN_FP_CEILING,
        "benign false positives {}/{} over {BENIGN_FP_CEILING}: {:?}",
        fp.hits,
        fp.total,
        report.false_positive_ids
    );
    assert!(
        report.attack_recall.ratio() >= ATTACK_RECALL_FLOOR,
        "attack recall {:.3} under the floor {ATTACK_RECALL_FLOOR}",
        report.attack_recall.ratio()
    );
}

#[test]
fn pii_recall_and_no_findings_on_look_alikes() {
    let report = run(&["pii.jsonl"]);
    println!("{}", report.render());
    for kind in CHECKSUM_TYPES {
        let counts = report.pii.get(*kind).copied().unwrap_or_default();
        assert!(
            counts.expected > 0,
            "{kind}: no annotated values in the corpus"
        );
        let recall = counts.recalled as f64 / counts.expected as f64;
        assert!(
            recall >= PII_RECALL_FLOOR,
            "{kind}: recall {recall:.3} ({counts:?})"
        );
    }
    assert!(
        report.pii_hard_negative_findings.is_empty(),
        "findings on checksum-failing look-alikes: {:?}",
        report.pii_hard_negative_findings
    );
}

/// `eval --json --part …` lists the ids of the records it measured, so the
/// training script can calibrate on the calibration part and report the
/// holdout part: the two lists split the corpus, in order, with no overlap.
#[test]
fn part_record_ids_split_the_corpus() {
    use promptgate::eval::{EvalOptions, Part, evaluate_with};

    let records = support::corpus::records(&["attacks.jsonl", "benign.jsonl"]);
    let (runtime, tokio) = runtime_l2_off();
    let ids = |part: Part| {
        let options = EvalOptions {
            part: Some(part),
            ..EvalOptions::default()
        };
        let report = tokio
            .block_on(evaluate_with(
                &runtime,
                "default",
                &records,
                &options,
                |_, _| {},
            ))
            .expect("evaluates");
        assert_eq!(report.record_ids.len(), report.records);
        assert_eq!(report.l2_model, None, "the policy turns L2 off");
        report.record_ids
    };
    let calibration = ids(Part::Calibration);
    let holdout = ids(Part::Holdout);
    assert!(!calibration.is_empty() && !holdout.is_empty());
    let mut both: Vec<&String> = calibration.iter().chain(&holdout).collect();
    both.sort();
    both.dedup();
    assert_eq!(
        both.len(),
        records.len(),
        "the parts overlap or miss records"
    );
}

/// The answer path finds the same PII in answers as the request path does in
/// prompts, and streaming (values cut over SSE events of 7 characters) loses
/// none of it: per type, the same values found, whole or streamed.
#[test]
fn answers_whole_and_streamed_find_the_pii_that_requests_do() {
    use promptgate::eval::{EvalOptions, Wrap, evaluate_with};

    let records = support::corpus::records(&["pii.jsonl", "benign.jsonl"]);
    let (runtime, tokio) = runtime_l2_off();
    let report = |wrap: Wrap| {
        let options = EvalOptions {
            wrap,
            ..EvalOptions::default()
        };
        tokio
            .block_on(evaluate_with(
                &runtime,
                "default",
                &records,
                &options,
                |_, _| {},
            ))
            .expect("evaluates")
    };
    let request = report(Wrap::Serving);
    for wrap in [Wrap::Answer, Wrap::AnswerStream] {
        let answer = report(wrap);
        println!("{}", answer.render());
        assert_eq!(
            answer.pii, request.pii,
            "{wrap:?}: PII per type differs from requests"
        );
        assert!(answer.pii_hard_negative_findings.is_empty(), "{wrap:?}");
        assert_eq!(
            answer.benign_false_positives.hits, 0,
            "{wrap:?}: benign answers withheld: {:?}",
            answer.false_positive_ids
        );
    }
}
