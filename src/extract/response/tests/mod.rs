//! Tests of the answer side: whole answers of each API (`whole.rs`),
//! streamed answers read and rewritten in place (`streams.rs`), and limits
//! and arbitrary input (`hostile.rs`). This file holds what they share: a
//! redaction helper, an SSE reader and the OpenAI stream several use.

mod hostile;
mod streams;
mod whole;

use std::sync::Arc;

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
