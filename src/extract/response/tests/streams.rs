//! Streamed answers (`text/event-stream`): deltas joined into one segment
//! per text, and redaction or restoration that rewrites only the events it
//! must, each still one valid event, in every API's framing.

use super::*;

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
