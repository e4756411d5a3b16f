//! PII redacted in whole and streamed answers of every API shape, and reversible
//! redaction putting values back.

use super::*;

#[test]
fn pii_in_a_whole_answer_is_redacted_and_the_upstream_headers_are_echoed() {
    let runner = Runner::start(&config(""));
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let body = completion(&format!("Sure, write to {EMAIL}."));
    let headers = json_headers(body.len());
    let (reply, asked) = apisix.resp_call(token, 200, &entries(&headers), Some(&body));
    assert_eq!(asked, vec![InfoReq::RespBody]);
    let resp = answer_of(reply);
    assert_eq!(resp.status, 0, "the upstream status is kept");
    let doc: Value = serde_json::from_slice(&resp.body).expect("the new body is JSON");
    assert_eq!(
        doc["choices"][0]["message"]["content"],
        "Sure, write to [EMAIL_1]."
    );
    assert_eq!(doc["usage"]["total_tokens"], 12);
    // APISIX sets exactly these headers: the upstream ones are echoed, less
    // those describing the old body.
    assert_eq!(
        header(&resp, "content-type"),
        Some(&b"application/json"[..])
    );
    assert_eq!(header(&resp, "x-upstream-trace"), Some(&b"abc"[..]));
    assert_eq!(
        resp.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(b"set-cookie"))
            .count(),
        2
    );
    assert_eq!(header(&resp, "content-length"), None);
    assert_eq!(
        header(&resp, "x-promptgate-redacted"),
        Some(&b"EMAIL=1"[..])
    );
}

#[test]
fn a_streamed_answer_is_rewritten_in_place_and_stays_valid_sse() {
    let runner = Runner::start(&config(""));
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let mut body = String::new();
    for piece in ["Mail maria.lo", "pez@example", ".org now"] {
        body.push_str(&format!(
            "data: {}\n\n",
            json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": piece}}]})
        ));
    }
    body.push_str("data: [DONE]\n\n");
    let headers: Headers = vec![(b"content-type".to_vec(), b"text/event-stream".to_vec())];
    let (reply, _) = apisix.resp_call(token, 200, &entries(&headers), Some(body.as_bytes()));
    let resp = answer_of(reply);
    let text = String::from_utf8(resp.body.clone()).expect("UTF-8");
    assert!(!text.contains("maria") && !text.contains("lopez"), "{text}");
    let mut joined = String::new();
    for event in text.split("\n\n").filter(|e| !e.is_empty()) {
        let data = event
            .strip_prefix("data: ")
            .expect("one data line per event");
        if data == "[DONE]" {
            continue;
        }
        let doc: Value = serde_json::from_str(data).expect("each event is JSON");
        joined.push_str(
            doc["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap_or_default(),
        );
    }
    assert_eq!(joined, "Mail [EMAIL_1] now");
    assert!(text.ends_with("data: [DONE]\n\n"));
    assert_eq!(
        header(&resp, "content-type"),
        Some(&b"text/event-stream"[..])
    );
}

#[test]
fn reversible_redaction_puts_the_values_back_into_the_answer() {
    use crate::support::chat_body;
    use promptgate::protocol::peer::Action;
    let runner = Runner::start("[policy.pii]\nreversible = true\n");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");

    // The request: the e-mail address leaves as a placeholder.
    let body = chat_body(&format!("Draft a reply to {EMAIL}, please."));
    let (reply, asked) =
        apisix.post_with_vars(token, &body, &[], &[("request_id", "9f1c0de4a7b2")]);
    assert!(asked.contains(&InfoReq::Var(b"request_id".to_vec())));
    let Reply::ReqCall(resp) = reply else {
        panic!("expected a call reply, got {reply:?}");
    };
    let Action::Rewrite {
        body: Some(upstream),
        ..
    } = &resp.action
    else {
        panic!("expected a rewrite, got {:?}", resp.action);
    };
    let upstream = String::from_utf8_lossy(upstream);
    assert!(
        upstream.contains("[EMAIL_1]") && !upstream.contains(EMAIL),
        "{upstream}"
    );

    // The answer, streamed, uses the placeholder (split over events) and an
    // invented one: the first gets the value back, the second stays.
    let mut answer = String::new();
    for piece in ["Dear [EMA", "IL_1], see [EMAIL_2]."] {
        answer.push_str(&format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": {"content": piece}}]})
        ));
    }
    let sse: Headers = vec![(b"content-type".to_vec(), b"text/event-stream".to_vec())];
    let vars = [("request_id", "9f1c0de4a7b2")];
    let (reply, asked) = apisix.resp_call_with(
        token,
        200,
        &entries(&sse),
        Some(answer.as_bytes()),
        &vars,
        None,
    );
    assert_eq!(
        asked,
        vec![InfoReq::Var(b"request_id".to_vec()), InfoReq::RespBody]
    );
    let text = String::from_utf8(answer_of(reply).body).expect("UTF-8");
    let joined: String = text
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .map(|d| {
            let doc: Value = serde_json::from_str(d).expect("JSON event");
            doc["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(joined, format!("Dear {EMAIL}, see [EMAIL_2]."));

    // The mapping is handed out once: a second answer keeps the placeholder.
    let (reply, _) = apisix.resp_call_with(
        token,
        200,
        &entries(&sse),
        Some(answer.as_bytes()),
        &vars,
        None,
    );
    assert!(answer_of(reply).body.is_empty());
}

#[test]
fn every_api_shape_whole_and_streamed_is_redacted_through_the_socket() {
    let runner = Runner::start(&config(""));
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let sse = |events: &[Value], named: bool| -> String {
        events
            .iter()
            .map(|e| match (named, e["type"].as_str()) {
                (true, Some(t)) => format!("event: {t}\r\ndata: {e}\r\n\r\n"),
                _ => format!("data: {e}\n\n"),
            })
            .collect()
    };
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "anthropic whole",
            "application/json",
            serde_json::to_vec(&json!({"type": "message", "role": "assistant", "content": [
                {"type": "text", "text": format!("Write to {EMAIL}")},
                {"type": "tool_use", "id": "t", "name": "mail", "input": {"to": EMAIL}}]}))
            .expect("json"),
        ),
        (
            "anthropic stream",
            "text/event-stream",
            sse(&[
                json!({"type": "message_start", "message": {"type": "message", "content": []}}),
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "to maria.lo"}}),
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "pez@example.org"}}),
                json!({"type": "message_stop"}),
            ], true)
            .into_bytes(),
        ),
        (
            "responses whole",
            "application/json",
            serde_json::to_vec(&json!({"object": "response", "output": [
                {"type": "message", "content": [{"type": "output_text", "text": format!("at {EMAIL}")}]},
                {"type": "function_call", "name": "send", "arguments": format!("{{\"to\":\"{EMAIL}\"}}")}]}))
            .expect("json"),
        ),
        (
            "responses stream",
            "text/event-stream",
            sse(&[
                json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "at maria."}),
                json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "lopez@example.org"}),
                json!({"type": "response.output_text.done", "output_index": 0, "content_index": 0, "text": format!("at {EMAIL}")}),
            ], true)
            .into_bytes(),
        ),
        (
            "gemini whole",
            "application/json",
            serde_json::to_vec(&json!({"candidates": [{"index": 0, "content": {"parts": [{"text": format!("at {EMAIL}")}]}}]}))
                .expect("json"),
        ),
        (
            "gemini stream",
            "text/event-stream",
            sse(&[
                json!({"candidates": [{"index": 0, "content": {"parts": [{"text": "at maria.lopez@"}]}}]}),
                json!({"candidates": [{"index": 0, "content": {"parts": [{"text": "example.org"}]}}]}),
            ], false)
            .into_bytes(),
        ),
        ("plain text", "text/plain; charset=utf-8", format!("Mail {EMAIL} now").into_bytes()),
    ];
    for (name, content_type, body) in cases {
        let headers: Headers = vec![(b"content-type".to_vec(), content_type.as_bytes().to_vec())];
        let (reply, _) = apisix.resp_call(token, 200, &entries(&headers), Some(&body));
        let resp = answer_of(reply);
        let text = String::from_utf8(resp.body.clone()).expect("UTF-8");
        assert!(text.contains("[EMAIL_1]"), "{name}: {text}");
        assert!(
            !text.contains("maria") && !text.contains("lopez@"),
            "{name}: {text}"
        );
        if content_type == "application/json" {
            serde_json::from_slice::<Value>(&resp.body).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if content_type == "text/event-stream" {
            for data in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
                serde_json::from_str::<Value>(data)
                    .unwrap_or_else(|e| panic!("{name}: {e}: {data}"));
            }
            assert_eq!(
                text.matches("event: ").count(),
                String::from_utf8_lossy(&body).matches("event: ").count(),
                "{name}: event lines kept"
            );
        }
    }
}
