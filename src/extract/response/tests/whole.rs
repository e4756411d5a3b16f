//! Whole (not streamed) answers: framing by content type, each API's texts,
//! plain text and broken JSON read as one text.

use super::*;

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
