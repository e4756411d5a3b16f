use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::extract::{ApiFormat, ExtractLimits, extract, extract_response};

const EMAIL: &str = "jan.kowalski@example.pl";
const NAME: &str = "Jan Kowalski";

/// Redactions of every occurrence of each (needle, kind) in every segment.
fn redactions(segments: &[crate::extract::Segment], needles: &[(&str, &str)]) -> Vec<Redaction> {
    let mut out = Vec::new();
    for (segment, seg) in segments.iter().enumerate() {
        for (needle, kind) in needles {
            for (start, m) in seg.text.match_indices(needle) {
                out.push(Redaction {
                    segment,
                    span: start..start + m.len(),
                    kind: Arc::from(*kind),
                });
            }
        }
    }
    out
}

fn pseudonymized_request() -> (Vec<u8>, Pseudonyms) {
    let body = json!({"model": "m", "messages": [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": format!("I am {NAME}, mail me at {EMAIL}. Again: {EMAIL}")}
    ]});
    let bytes = serde_json::to_vec(&body).unwrap();
    let x = extract(&bytes, ApiFormat::Auto, &ExtractLimits::default()).unwrap();
    let r = redactions(x.segments(), &[(EMAIL, "EMAIL"), (NAME, "PERSON")]);
    let (redacted, pseudonyms) = x.pseudonymize(&r).unwrap();
    (redacted.body, pseudonyms)
}

#[test]
fn the_request_carries_placeholders_and_the_mapping_undoes_them() {
    let (body, pseudonyms) = pseudonymized_request();
    let text = String::from_utf8(body).unwrap();
    assert!(!text.contains(EMAIL) && !text.contains(NAME), "{text}");
    assert!(text.contains("I am [PERSON_1], mail me at [EMAIL_1]. Again: [EMAIL_1]"));
    assert_eq!(
        pseudonyms.pairs(),
        &[
            ("[PERSON_1]".to_owned(), NAME.to_owned()),
            ("[EMAIL_1]".to_owned(), EMAIL.to_owned())
        ]
    );
    // Debug never shows a value.
    let debug = format!("{pseudonyms:?}");
    assert!(
        !debug.contains("Jan") && !debug.contains("EMAIL"),
        "{debug}"
    );
}

#[test]
fn a_streamed_answer_gets_the_originals_back_and_leaves_unknown_placeholders() {
    let (_, pseudonyms) = pseudonymized_request();
    let mut body = String::new();
    for piece in [
        "Hello [PERS",
        "ON_1]! I wrote to [EMA",
        "IL_1]",
        " and [EMAIL_9], [EMAIL 1].",
    ] {
        body.push_str(&format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": {"content": piece}}]})
        ));
    }
    body.push_str("data: [DONE]\n\n");
    let answer = extract_response(
        body.as_bytes(),
        Some("text/event-stream"),
        &ExtractLimits::default(),
    )
    .unwrap();
    let restored = answer
        .restore(&pseudonyms)
        .unwrap()
        .expect("placeholders found");
    let again = extract_response(&restored, None, &ExtractLimits::default()).unwrap();
    assert_eq!(
        again.segments()[0].text,
        format!("Hello {NAME}! I wrote to {EMAIL} and [EMAIL_9], [EMAIL 1].")
    );
    assert!(
        String::from_utf8(restored)
            .unwrap()
            .ends_with("data: [DONE]\n\n")
    );
}

#[test]
fn an_answer_without_placeholders_is_left_alone() {
    let (_, pseudonyms) = pseudonymized_request();
    let body =
        serde_json::to_vec(&json!({"choices": [{"message": {"content": "No names here."}}]}))
            .unwrap();
    let answer =
        extract_response(&body, Some("application/json"), &ExtractLimits::default()).unwrap();
    assert_eq!(answer.restore(&pseudonyms).unwrap(), None);
    assert_eq!(answer.restore(&Pseudonyms::default()).unwrap(), None);
    let whole =
        serde_json::to_vec(&json!({"choices": [{"message": {"content": "Dear [PERSON_1]"}}]}))
            .unwrap();
    let answer = extract_response(&whole, None, &ExtractLimits::default()).unwrap();
    let restored: serde_json::Value =
        serde_json::from_slice(&answer.restore(&pseudonyms).unwrap().unwrap()).unwrap();
    assert_eq!(
        restored["choices"][0]["message"]["content"],
        format!("Dear {NAME}")
    );
}

#[test]
fn the_vault_hands_a_mapping_out_once_and_forgets_it_after_its_ttl() {
    let (_, pseudonyms) = pseudonymized_request();
    let vault = PseudonymVault::new(100, 1 << 20, Duration::from_secs(60));
    vault.put("req-1", pseudonyms.clone());
    vault.put("req-empty", Pseudonyms::default());
    assert_eq!(vault.len(), 1);
    assert_eq!(vault.take("req-1").as_deref(), Some(&pseudonyms));
    assert!(vault.take("req-1").is_none(), "one answer per request");
    let expired = PseudonymVault::new(100, 1 << 20, Duration::ZERO);
    expired.put("req-2", pseudonyms.clone());
    assert!(expired.take("req-2").is_none());
}

#[test]
fn the_vault_stays_within_its_bounds() {
    let (_, pseudonyms) = pseudonymized_request();
    let vault = PseudonymVault::new(8, 1 << 20, Duration::from_secs(60));
    for i in 0..1000 {
        vault.put(&format!("req-{i}"), pseudonyms.clone());
    }
    assert!(vault.len() <= 8, "{} entries", vault.len());
    let small = PseudonymVault::new(1000, 2048, Duration::from_secs(60));
    for i in 0..1000 {
        small.put(&format!("req-{i}"), pseudonyms.clone());
    }
    assert!(small.len() * pseudonyms.approx_bytes() <= 2048 + pseudonyms.approx_bytes());
}
