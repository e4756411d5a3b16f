use std::sync::Arc;

use super::*;
use crate::pipeline::testing::default_policy;

const EMAIL: &str = "maria.lopez@example.org";
const CANARY: &str = "PG-CANARY-5d2e9a71";

fn stream(extra: &str) -> AnswerStream {
    let (pipeline, policy) = default_policy(&format!(
        "[policy]\n{extra}\n[policy.l2]\nenabled = false\n[policy.response]\nenabled = true\n\
         canaries = [\"{CANARY}\"]\nstream_holdback_chars = 64\n"
    ));
    AnswerStream::new(Arc::new(pipeline), policy, None)
}

fn openai(deltas: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for d in deltas {
        let event = serde_json::json!({"choices":[{"index":0,"delta":{"content":d}}]});
        out.extend_from_slice(format!("data: {event}\n\n").as_bytes());
    }
    out.extend_from_slice(b"data: [DONE]\n\n");
    out
}

/// Feeds `body` in pieces of `size` bytes; returns the releases joined and
/// the last outcome.
fn feed(mut s: AnswerStream, body: &[u8], size: usize) -> (Vec<u8>, StreamOutcome) {
    let mut out = Vec::new();
    let pieces: Vec<&[u8]> = body.chunks(size.max(1)).collect();
    let mut outcome = StreamOutcome::Continue;
    for (i, piece) in pieces.iter().enumerate() {
        let step = s.push(piece, i + 1 == pieces.len());
        out.extend_from_slice(&step.release);
        outcome = step.outcome;
        if outcome != StreamOutcome::Continue {
            break;
        }
    }
    (out, outcome)
}

/// The text a client reads from an OpenAI stream.
fn text_of(released: &[u8]) -> String {
    let mut text = String::new();
    for line in String::from_utf8_lossy(released).lines() {
        let Some(data) = line.strip_prefix("data: ") else {
            continue;
        };
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(data)
            && let Some(t) = doc["choices"][0]["delta"]["content"].as_str()
        {
            text.push_str(t);
        }
    }
    text
}

#[test]
fn pii_split_over_events_and_chunks_is_redacted_the_same_for_every_cutting() {
    let body = openai(&[
        "Hello, write to ma",
        "ria.lopez@exa",
        "mple.org today. ",
        "Bye.",
    ]);
    let (whole, outcome) = feed(stream(""), &body, body.len());
    assert_eq!(outcome, StreamOutcome::Continue);
    assert_eq!(text_of(&whole), "Hello, write to [EMAIL_1] today. Bye.");
    for size in [1, 2, 3, 7, 64] {
        assert_eq!(feed(stream(""), &body, size).0, whole, "pieces of {size}");
    }
}

#[test]
fn text_is_held_back_only_by_the_holdback() {
    let long = "a".repeat(200);
    let body = openai(&[&long, " and more"]);
    let mut s = stream("");
    let first = body
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| i + 2)
        .unwrap_or(0);
    let step = s.push(&body[..first], false);
    // The first event's text ends within the holdback of the end: held.
    assert!(step.release.is_empty());
    assert_eq!(step.held, first);
    let rest = s.push(&body[first..], true);
    assert_eq!(text_of(&rest.release), format!("{long} and more"));
    assert_eq!(rest.held, 0);
}

#[test]
fn a_canary_stops_the_stream_with_an_openai_error_event() {
    let filler = "x ".repeat(60);
    let body = openai(&[&filler, "leak: PG-CAN", "ARY-5d2e9a71 done", &filler]);
    let (released, outcome) = feed(stream(""), &body, 5);
    assert_eq!(outcome, StreamOutcome::Stop);
    let text = String::from_utf8_lossy(&released);
    assert!(!text.contains("PG-CAN"), "{text}");
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    assert!(text.contains("\"code\":\"canary_leak\""), "{text}");
}

#[test]
fn an_anthropic_stream_is_cut_with_its_own_error_event() {
    let mut body = Vec::new();
    for d in ["The secret is PG-CANARY-", "5d2e9a71."] {
        let event = serde_json::json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":d}});
        body.extend_from_slice(format!("event: content_block_delta\ndata: {event}\n\n").as_bytes());
    }
    let (released, outcome) = feed(stream(""), &body, 3);
    assert_eq!(outcome, StreamOutcome::Stop);
    let text = String::from_utf8_lossy(&released);
    assert!(text.starts_with("event: error\ndata: {"), "{text}");
    assert!(!text.contains("5d2e9a71"));
}

#[test]
fn shadow_mode_releases_every_chunk_as_it_came() {
    let mut s = stream("mode = \"shadow\"");
    let body = openai(&["leak PG-CANARY-5d2e9a71", " and ", EMAIL]);
    let mut out = Vec::new();
    let pieces: Vec<&[u8]> = body.chunks(10).collect();
    for (i, piece) in pieces.iter().enumerate() {
        let step = s.push(piece, i + 1 == pieces.len());
        assert_eq!(&step.release, piece);
        assert_eq!(step.outcome, StreamOutcome::Continue);
        out.extend(step.release);
    }
    assert_eq!(out, body);
    assert!(matches!(
        s.decision().verdict,
        Verdict::Shadow(crate::types::ShadowOutcome::WouldBlock(_))
    ));
}

#[test]
fn not_sse_and_broken_json_pass_without_a_crash() {
    let body = b"data: {not json at all\n\ndata: plain words\n\n";
    let (released, outcome) = feed(stream(""), body, 4);
    assert_eq!(outcome, StreamOutcome::Continue);
    assert_eq!(released, body);
    let (released, _) = feed(stream(""), b"\xff\xfe\x00 binary\r", 2);
    assert_eq!(released, b"\xff\xfe\x00 binary\r");
}

#[test]
fn an_event_over_the_bound_follows_the_fail_mode() {
    let big = format!("data: {}\n\n", "y".repeat(MAX_STREAM_EVENT_BYTES));
    let (released, outcome) = feed(stream("fail_open = true"), big.as_bytes(), 4096);
    assert_eq!(outcome, StreamOutcome::Pass);
    // The bytes up to the failure pass; the plugin passes the rest itself.
    assert!(big.as_bytes().starts_with(&released));
    let (released, outcome) = feed(stream(""), big.as_bytes(), 4096);
    assert_eq!(outcome, StreamOutcome::Stop);
    assert!(String::from_utf8_lossy(&released).contains("response_unreadable"));
}

#[test]
fn fail_open_passes_every_byte_in_order_after_an_unreadable_event() {
    let deep = format!("data: {}1{}\n\n", "[".repeat(200), "]".repeat(200));
    let mut body = openai(&["first words "]);
    body.truncate(body.len() - b"data: [DONE]\n\n".len());
    body.extend_from_slice(deep.as_bytes());
    body.extend_from_slice(&openai(&["after"]));
    for size in [body.len(), 7, 1] {
        // As the plugin does: after PASS, later chunks go out unchanged.
        let mut s = stream("fail_open = true");
        let mut out = Vec::new();
        let mut passing = false;
        let pieces: Vec<&[u8]> = body.chunks(size).collect();
        for (i, piece) in pieces.iter().enumerate() {
            if passing {
                out.extend_from_slice(piece);
                continue;
            }
            let step = s.push(piece, i + 1 == pieces.len());
            out.extend_from_slice(&step.release);
            passing = step.outcome == StreamOutcome::Pass;
        }
        assert!(passing, "pieces of {size}");
        assert_eq!(out, body, "pieces of {size}");
    }
    let (released, outcome) = feed(stream(""), &body, 7);
    assert_eq!(outcome, StreamOutcome::Stop);
    assert!(String::from_utf8_lossy(&released).contains("response_unreadable"));
}

#[test]
fn the_decision_names_who_wrote_the_texts_its_findings_came_from() {
    // An e-mail address in the answer's text: the assistant's.
    let mut s = stream("");
    let body = openai(&["Write to ", EMAIL, "."]);
    s.push(&body, true);
    let roles = s.decision().roles;
    assert!(roles.contains(Role::Assistant), "{roles}");
    assert!(!roles.contains(Role::Tool), "{roles}");

    // The same address in a streamed tool call's arguments: the tool's.
    let mut body = Vec::new();
    for args in ["{\"to\":\"", EMAIL, "\"}"] {
        let event = serde_json::json!({"choices":[{"index":0,"delta":{"tool_calls":[
            {"index":0,"function":{"arguments":args}}]}}]});
        body.extend_from_slice(format!("data: {event}\n\n").as_bytes());
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    let mut s = stream("");
    s.push(&body, true);
    let roles = s.decision().roles;
    assert!(roles.contains(Role::Tool), "{roles}");
    assert!(!roles.contains(Role::Assistant), "{roles}");

    // Nothing found, no role named.
    let mut s = stream("");
    s.push(&openai(&["Nothing to see."]), true);
    assert!(s.decision().roles.is_empty());
}
