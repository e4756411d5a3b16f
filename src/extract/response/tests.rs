use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::extract::Role;

const EMAIL: &str = "alice.smith@example.com";

fn limits() -> ExtractLimits {
    ExtractLimits::default()
}

/// Redacts every occurrence of `needle` in every segment as `EMAIL`.
fn redact_all(x: &ResponseExtraction, needle: &str) -> Redacted {
    let mut redactions = Vec::new();
    for (segment, seg) in x.segments().iter().enumerate() {
        for (start, m) in seg.text.match_indices(needle) {
            redactions.push(Redaction {
                segment,
                span: start..start + m.len(),
                kind: Arc::from("EMAIL"),
            });
        }
    }
    x.redact(&redactions).expect("redaction fits")
}

/// The data of every event of an SSE body, each parsed as JSON (except `[DONE]`).
fn sse_json(body: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(body).expect("utf-8");
    let mut out = Vec::new();
    for event in text.replace("\r\n", "\n").split("\n\n") {
        let data: Vec<&str> = event
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(|v| v.strip_prefix(' ').unwrap_or(v))
            .collect();
        if data.is_empty() || data == ["[DONE]"] {
            continue;
        }
        out.push(serde_json::from_str(&data.join("\n")).expect("every event's data is JSON"));
    }
    out
}

fn texts(x: &ResponseExtraction) -> Vec<(Role, &str)> {
    x.segments()
        .iter()
        .map(|s| (s.role, s.text.as_str()))
        .collect()
}

#[test]
fn framing_follows_the_content_type_and_sniffs_without_one() {
    use ResponseFraming::*;
    assert_eq!(
        ResponseFraming::of(Some("text/event-stream; charset=utf-8"), b"{}"),
        EventStream
    );
    assert_eq!(
        ResponseFraming::of(Some("Application/JSON"), b"data: x"),
        Json
    );
    assert_eq!(
        ResponseFraming::of(Some("application/vnd.api+json"), b""),
        Json
    );
    assert_eq!(ResponseFraming::of(Some("text/plain"), b"{}"), Text);
    assert_eq!(ResponseFraming::of(None, b"  {\"a\":1}"), Json);
    assert_eq!(ResponseFraming::of(None, b"data: {}\n\n"), EventStream);
    assert_eq!(ResponseFraming::of(None, b"event: ping\n"), EventStream);
    assert_eq!(ResponseFraming::of(None, b"hello"), Text);
}

#[test]
fn openai_chat_completion_gives_content_refusal_and_tool_arguments() {
    let body = json!({
        "id": "chatcmpl-1", "object": "chat.completion",
        "choices": [{"index": 0, "message": {
            "role": "assistant", "content": format!("Write to {EMAIL}."), "refusal": null,
            "tool_calls": [{"id": "c1", "type": "function",
                "function": {"name": "send", "arguments": format!("{{\"to\":\"{EMAIL}\"}}")}}]
        }, "finish_reason": "stop"}],
        "usage": {"total_tokens": 9}
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    let x = extract_response(&bytes, Some("application/json"), &limits()).unwrap();
    assert_eq!(x.shape(), ResponseShape::OpenAiChat);
    assert!(!x.is_stream());
    assert_eq!(
        texts(&x),
        vec![
            (Role::Assistant, "Write to alice.smith@example.com."),
            (Role::Tool, "{\"to\":\"alice.smith@example.com\"}"),
        ]
    );
    let out = redact_all(&x, EMAIL);
    let doc: Value = serde_json::from_slice(&out.body).unwrap();
    assert_eq!(
        doc["choices"][0]["message"]["content"],
        "Write to [EMAIL_1]."
    );
    assert_eq!(
        doc["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"],
        "{\"to\":\"[EMAIL_1]\"}"
    );
    assert_eq!(doc["usage"], body["usage"]);
    assert_eq!(out.counts, vec![(Arc::from("EMAIL"), 2)]);
}

#[test]
fn anthropic_gemini_and_responses_answers_give_their_texts() {
    let anthropic = json!({"type": "message", "role": "assistant", "content": [
        {"type": "thinking", "thinking": "plan"},
        {"type": "text", "text": "Hi"},
        {"type": "tool_use", "id": "t", "name": "mail", "input": {"to": EMAIL, "n": 2, "cc": ["b"]}}
    ]});
    let gemini = json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [
        {"text": "One"}, {"functionCall": {"name": "f", "args": {"q": "two"}}}
    ]}}]});
    let responses = json!({"object": "response", "output": [
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "why"}]},
        {"type": "message", "content": [{"type": "output_text", "text": "Answer"}]},
        {"type": "function_call", "name": "f", "arguments": "{\"a\":1}"}
    ]});
    let other = json!({"result": {"answer": "plain", "score": 1}});
    let cases = [
        (
            anthropic,
            ResponseShape::AnthropicMessages,
            vec![
                (Role::Assistant, "plan"),
                (Role::Assistant, "Hi"),
                (Role::Tool, EMAIL),
                (Role::Tool, "b"),
            ],
        ),
        (
            gemini,
            ResponseShape::Gemini,
            vec![(Role::Assistant, "One"), (Role::Tool, "two")],
        ),
        (
            responses,
            ResponseShape::OpenAiResponses,
            vec![
                (Role::Assistant, "why"),
                (Role::Assistant, "Answer"),
                (Role::Tool, "{\"a\":1}"),
            ],
        ),
        (
            other,
            ResponseShape::OtherJson,
            vec![(Role::Unknown, "plain")],
        ),
    ];
    for (doc, shape, want) in cases {
        let bytes = serde_json::to_vec(&doc).unwrap();
        let x = extract_response(&bytes, None, &limits()).unwrap();
        assert_eq!(x.shape(), shape, "{doc}");
        assert_eq!(texts(&x), want, "{doc}");
    }
}

/// An OpenAI chat stream whose e-mail address is split over three events.
fn openai_stream() -> String {
    let chunk = |delta: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]})
        )
    };
    let mut s = String::new();
    s.push_str(&chunk(json!({"role": "assistant", "content": ""})));
    s.push_str(&chunk(json!({"content": "Mail alice."})));
    s.push_str(&chunk(json!({"content": "smith@exam"})));
    s.push_str(&chunk(json!({"content": "ple.com today"})));
    s.push_str(": keep-alive comment\n\n");
    s.push_str(&chunk(
        json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"q\":"}}]}),
    ));
    s.push_str(&chunk(
        json!({"tool_calls": [{"index": 0, "function": {"arguments": "1}"}}]}),
    ));
    s.push_str("data: [DONE]\n\n");
    s
}

#[test]
fn a_stream_joins_deltas_per_choice_and_tool_call() {
    let body = openai_stream();
    let x = extract_response(body.as_bytes(), Some("text/event-stream"), &limits()).unwrap();
    assert!(x.is_stream());
    assert_eq!(x.shape(), ResponseShape::OpenAiChat);
    assert_eq!(
        texts(&x),
        vec![
            (Role::Assistant, "Mail alice.smith@example.com today"),
            (Role::Tool, "{\"q\":1}"),
        ]
    );
}

#[test]
fn redaction_rewrites_a_split_value_in_place_and_keeps_every_other_byte() {
    let body = openai_stream();
    let x = extract_response(body.as_bytes(), Some("text/event-stream"), &limits()).unwrap();
    let out = redact_all(&x, EMAIL);
    let text = String::from_utf8(out.body.clone()).unwrap();
    assert!(!text.contains("alice"), "{text}");
    assert!(!text.contains("smith@"), "{text}");
    // Still a stream of valid JSON events that reads as the redacted answer.
    let again = extract_response(&out.body, Some("text/event-stream"), &limits()).unwrap();
    assert_eq!(texts(&again)[0], (Role::Assistant, "Mail [EMAIL_1] today"));
    assert_eq!(sse_json(&out.body).len(), 6);
    // Untouched events, the comment and [DONE] are byte-identical.
    let before: Vec<&str> = body.split("\n\n").collect();
    let after: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(before.len(), after.len());
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if (1..=3).contains(&i) {
            assert_ne!(b, a, "event {i} holds part of the value");
        } else {
            assert_eq!(b, a, "event {i} is untouched");
        }
    }
}

#[test]
fn replace_restores_a_placeholder_the_model_split_over_events() {
    let mut body = String::new();
    for piece in ["Dear [PER", "SON_1], your ", "mail is [EMAIL_1]."] {
        body.push_str(&format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": {"content": piece}}]})
        ));
    }
    let x = extract_response(body.as_bytes(), None, &limits()).unwrap();
    let text = &x.segments()[0].text;
    let mut edits = Vec::new();
    for (placeholder, original) in [("[PERSON_1]", "Anna Nowak"), ("[EMAIL_1]", EMAIL)] {
        let start = text.find(placeholder).unwrap();
        edits.push(Edit {
            segment: 0,
            span: start..start + placeholder.len(),
            text: original.to_owned(),
        });
    }
    let out = x.replace(&edits).unwrap();
    let again = extract_response(&out, None, &limits()).unwrap();
    assert_eq!(
        again.segments()[0].text,
        format!("Dear Anna Nowak, your mail is {EMAIL}.")
    );
    // Overlapping edits are refused, not guessed at.
    let overlapping = [
        edits[0].clone(),
        Edit {
            span: 2..8,
            ..edits[0].clone()
        },
    ];
    assert!(matches!(
        x.replace(&overlapping),
        Err(RedactError::Overlap { .. })
    ));
}

#[test]
fn anthropic_stream_with_crlf_and_event_lines_keeps_its_framing() {
    let events = [
        (
            "message_start",
            json!({"type": "message_start", "message": {"type": "message", "content": []}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "to alice.smith@"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "example.com!"}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "input": {}}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"to\": \"alice.smith@example.com\"}"}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    let mut body = String::new();
    for (name, data) in &events {
        body.push_str(&format!("event: {name}\r\ndata: {data}\r\n\r\n"));
    }
    let x = extract_response(body.as_bytes(), Some("text/event-stream"), &limits()).unwrap();
    assert_eq!(x.shape(), ResponseShape::AnthropicMessages);
    assert_eq!(
        texts(&x),
        vec![
            (Role::Assistant, "to alice.smith@example.com!"),
            (Role::Tool, "{\"to\": \"alice.smith@example.com\"}"),
        ]
    );
    let out = redact_all(&x, EMAIL);
    let text = String::from_utf8(out.body.clone()).unwrap();
    assert!(!text.contains("alice"));
    assert_eq!(text.matches("\r\n\r\n").count(), events.len());
    assert_eq!(
        text.matches("event: content_block_delta\r\ndata: ").count(),
        3
    );
    assert_eq!(sse_json(&out.body).len(), events.len());
}

#[test]
fn responses_stream_redacts_deltas_and_the_done_events_that_repeat_them() {
    let events = [
        json!({"type": "response.created", "response": {"object": "response", "output": []}}),
        json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "at alice.smith"}),
        json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "@example.com"}),
        json!({"type": "response.output_text.done", "output_index": 0, "content_index": 0, "text": format!("at {EMAIL}")}),
        json!({"type": "response.completed", "response": {"object": "response", "output": [
            {"type": "message", "content": [{"type": "output_text", "text": format!("at {EMAIL}")}]}]}}),
    ];
    let body: String = events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect();
    let x = extract_response(body.as_bytes(), None, &limits()).unwrap();
    assert_eq!(x.shape(), ResponseShape::OpenAiResponses);
    assert_eq!(x.segments().len(), 3);
    let out = redact_all(&x, EMAIL);
    let text = String::from_utf8(out.body.clone()).unwrap();
    assert!(!text.contains("alice"), "{text}");
    assert_eq!(text.matches("[EMAIL_1]").count(), 3);
    assert_eq!(sse_json(&out.body).len(), events.len());
}

#[test]
fn gemini_stream_joins_candidate_parts_across_chunks() {
    let body: String = ["Call +48 ", "601 234 567"]
        .iter()
        .map(|t| {
            format!(
                "data: {}\r\n\r\n",
                json!({"candidates": [{"content": {"parts": [{"text": t}]}, "index": 0}]})
            )
        })
        .collect();
    let x = extract_response(body.as_bytes(), Some("text/event-stream"), &limits()).unwrap();
    assert_eq!(x.shape(), ResponseShape::Gemini);
    assert_eq!(texts(&x), vec![(Role::Assistant, "Call +48 601 234 567")]);
}

#[test]
fn events_that_are_not_json_are_scanned_as_text_and_rewritten_as_text() {
    let body = "data: hello alice.smith@\n\ndata: example.com\ndata: second line\n\n";
    let x = extract_response(body.as_bytes(), Some("text/event-stream"), &limits()).unwrap();
    assert_eq!(x.shape(), ResponseShape::PlainText);
    assert_eq!(
        texts(&x),
        vec![(Role::Unknown, "hello alice.smith@example.com\nsecond line")]
    );
    let out = redact_all(&x, EMAIL);
    assert_eq!(
        String::from_utf8(out.body).unwrap(),
        "data: hello [EMAIL_1]\n\ndata: \ndata: second line\n\n"
    );
}

#[test]
fn a_json_event_split_over_data_lines_is_read_and_rewritten_as_one_line() {
    let body = "data: {\"choices\":[{\"index\":0,\n\
                data: \"delta\":{\"content\":\"alice.smith@example.com\"}}]}\n\n";
    let x = extract_response(body.as_bytes(), None, &limits()).unwrap();
    assert_eq!(texts(&x), vec![(Role::Assistant, EMAIL)]);
    let out = redact_all(&x, EMAIL);
    let text = String::from_utf8(out.body.clone()).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("data:")).count(), 1);
    assert_eq!(
        sse_json(&out.body)[0]["choices"][0]["delta"]["content"],
        "[EMAIL_1]"
    );
}

#[test]
fn plain_text_and_broken_json_answers_are_one_text() {
    for (body, ct) in [
        (
            &b"Your mail: alice.smith@example.com"[..],
            Some("text/plain"),
        ),
        (
            &b"{\"choices\": [ broken alice.smith@example.com"[..],
            Some("application/json"),
        ),
    ] {
        let x = extract_response(body, ct, &limits()).unwrap();
        assert_eq!(x.shape(), ResponseShape::PlainText);
        let out = redact_all(&x, EMAIL);
        assert!(String::from_utf8(out.body).unwrap().contains("[EMAIL_1]"));
    }
    // Invalid UTF-8 around the value survives the rewrite.
    let body = b"\xff\xfe mail alice.smith@example.com \xc0";
    let x = extract_response(body, Some("text/plain"), &limits()).unwrap();
    let out = redact_all(&x, EMAIL);
    assert_eq!(out.body, b"\xff\xfe mail [EMAIL_1] \xc0");
}

#[test]
fn limits_are_errors_not_crashes() {
    let small = ExtractLimits {
        max_text_bytes: 10,
        ..ExtractLimits::default()
    };
    let body = openai_stream();
    assert!(matches!(
        extract_response(body.as_bytes(), None, &small),
        Err(ExtractError::TooMuchText { .. })
    ));
    let few = ExtractLimits {
        max_elements: 3,
        ..ExtractLimits::default()
    };
    assert!(matches!(
        extract_response(body.as_bytes(), None, &few),
        Err(ExtractError::TooManyElements { .. })
    ));
    let deep = format!("data: {}{}\n\n", "[".repeat(500), "]".repeat(500));
    assert!(matches!(
        extract_response(deep.as_bytes(), None, &limits()),
        Err(ExtractError::TooDeep { .. })
    ));
    let deep_json = "[".repeat(500) + &"]".repeat(500);
    assert!(matches!(
        extract_response(deep_json.as_bytes(), Some("application/json"), &limits()),
        Err(ExtractError::TooDeep { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes, in any framing: an extraction or a clear error, and a
    /// redaction of every segment's first character that fits.
    #[test]
    fn arbitrary_bodies_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..400),
        ct in prop::sample::select(vec![None, Some("text/event-stream"), Some("application/json"), Some("text/plain")]),
    ) {
        if let Ok(x) = extract_response(&body, ct, &limits()) {
            let redactions: Vec<Redaction> = x.segments().iter().enumerate()
                .filter_map(|(segment, s)| s.text.chars().next().map(|c| Redaction {
                    segment, span: 0..c.len_utf8(), kind: Arc::from("X") }))
                .collect();
            prop_assert!(x.redact(&redactions).is_ok());
        }
    }

    /// A stream cut into arbitrary deltas reads as the whole text, and
    /// redacting any span leaves every event valid JSON that reads as the
    /// redacted text.
    #[test]
    fn any_split_of_a_text_joins_and_redacts_back(
        text in "[a-z @.\u{e9}\u{4e2d}]{1,60}",
        cuts in prop::collection::vec(0usize..60, 0..8),
        span in (0usize..60, 0usize..60),
    ) {
        let chars: Vec<char> = text.chars().collect();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (chars.len() + 1)).collect();
        cuts.push(0);
        cuts.push(chars.len());
        cuts.sort_unstable();
        cuts.dedup();
        let mut body = String::new();
        for w in cuts.windows(2) {
            let piece: String = chars[w[0]..w[1]].iter().collect();
            body.push_str(&format!("data: {}\n\n", json!({"choices": [{"index": 0, "delta": {"content": piece}}]})));
        }
        let x = extract_response(body.as_bytes(), None, &limits()).unwrap();
        prop_assert_eq!(&x.segments()[0].text, &text);
        let (a, b) = (span.0 % (chars.len() + 1), span.1 % (chars.len() + 1));
        let (a, b) = (a.min(b), a.max(b));
        let byte = |i: usize| chars[..i].iter().map(|c| c.len_utf8()).sum::<usize>();
        let out = x.redact(&[Redaction { segment: 0, span: byte(a)..byte(b), kind: Arc::from("X") }]).unwrap();
        sse_json(&out.body);
        let again = extract_response(&out.body, None, &limits()).unwrap();
        let want: String = if a == b {
            text.clone()
        } else {
            chars[..a].iter().collect::<String>() + "[X_1]" + &chars[b..].iter().collect::<String>()
        };
        let got = again.segments().first().map(|s| s.text.clone()).unwrap_or_default();
        prop_assert_eq!(got, want);
    }
}
