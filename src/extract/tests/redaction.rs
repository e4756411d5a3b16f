//! Redaction: numbered placeholders, tool-call arguments, escaped text, overlapping spans,
//! and bad redactions as errors.

use super::*;

#[test]
fn redaction_numbers_per_type_and_reuses_placeholders_for_the_same_value() {
    let body = r#"{"model":"m","messages":[{"role":"user","content":"mail a@x.io or b@y.io, card 4111111111111111"},{"role":"assistant","content":"ok a@x.io"}],"zeta":1,"alpha":2}"#;
    let x = run(ApiFormat::OpenAi, body.as_bytes()).expect("chat");
    let reds = [
        red(1, span_of(&x, 1, "a@x.io"), "EMAIL"),
        red(0, span_of(&x, 0, "4111111111111111"), "CREDIT_CARD"),
        red(0, span_of(&x, 0, "b@y.io"), "EMAIL"),
        red(0, span_of(&x, 0, "a@x.io"), "EMAIL"),
    ];
    let out = x.redact(&reds).expect("redact");
    assert_eq!(
        String::from_utf8(out.body).expect("utf8"),
        r#"{"model":"m","messages":[{"role":"user","content":"mail [EMAIL_1] or [EMAIL_2], card [CREDIT_CARD_1]"},{"role":"assistant","content":"ok [EMAIL_1]"}],"zeta":1,"alpha":2}"#
    );
    assert_eq!(
        out.counts,
        vec![(Arc::from("EMAIL"), 3), (Arc::from("CREDIT_CARD"), 1)]
    );
}

#[test]
fn redaction_keeps_tool_call_arguments_a_string() {
    let body = r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"send","arguments":"{\"to\":\"jo@ex.com\"}"}}]}]}"#;
    let x = run(ApiFormat::OpenAi, body.as_bytes()).expect("chat");
    let out = x
        .redact(&[red(0, span_of(&x, 0, "jo@ex.com"), "EMAIL")])
        .expect("redact");
    let v: Value = serde_json::from_slice(&out.body).expect("json");
    assert_eq!(
        v["messages"][0]["tool_calls"][0]["function"]["arguments"],
        json!(r#"{"to":"[EMAIL_1]"}"#)
    );
}

#[test]
fn redaction_inside_anthropic_tool_input_and_escaped_text() {
    let body = r#"{"system":"s","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":{"who":{"mail":"jo\u0040ex.com"},"n":1}}]}]}"#;
    let x = run(ApiFormat::Anthropic, body.as_bytes()).expect("anthropic");
    let out = x
        .redact(&[red(1, span_of(&x, 1, "jo@ex.com"), "EMAIL")])
        .expect("redact");
    assert_eq!(
        String::from_utf8(out.body).expect("utf8"),
        r#"{"system":"s","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":{"who":{"mail":"[EMAIL_1]"},"n":1}}]}]}"#
    );
}

#[test]
fn base64_text_documents_are_read_decoded_and_redacted_encoded_again() {
    use base64::Engine as _;
    let b64 = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
    let doc = "Minutes. Write to jo@ex.com by Friday.";
    let body = format!(
        r#"{{"system":"s","messages":[{{"role":"user","content":[{{"type":"document","source":{{"type":"base64","media_type":"text/plain","data":"{}"}}}},{{"type":"document","source":{{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}}}},{{"type":"text","text":"Summarize"}}]}}]}}"#,
        b64(doc)
    );
    let x = run(ApiFormat::Anthropic, body.as_bytes()).expect("anthropic");
    let texts: Vec<&str> = x.segments().iter().map(|s| s.text.as_str()).collect();
    // The text document is read decoded; a PDF stays the base64 string it is.
    assert_eq!(texts, vec!["s", doc, "JVBERi0=", "Summarize"]);
    assert!(x.segments()[1].location.is_base64());
    assert!(!x.segments()[2].location.is_base64());
    let out = x
        .redact(&[red(1, span_of(&x, 1, "jo@ex.com"), "EMAIL")])
        .expect("redact");
    let v: Value = serde_json::from_slice(&out.body).expect("json");
    assert_eq!(
        v["messages"][0]["content"][0]["source"]["data"],
        json!(b64("Minutes. Write to [EMAIL_1] by Friday."))
    );
    // Gemini inline plain-text files likewise; a string that is not base64
    // is read as it is.
    let body = format!(
        r#"{{"contents":[{{"parts":[{{"inlineData":{{"mimeType":"text/markdown","data":"{}"}}}},{{"inline_data":{{"mime_type":"text/plain","data":"not base64!"}}}}]}}]}}"#,
        b64(doc)
    );
    let x = run(ApiFormat::Gemini, body.as_bytes()).expect("gemini");
    let texts: Vec<&str> = x.segments().iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, vec![doc, "not base64!"]);
}

/// OpenAI inline files (chat `file` parts and responses `input_file`): a
/// text file is read decoded, as the model reads it, and a redaction is
/// encoded again after the data URL's prefix; a PDF and a file given by id
/// are left alone, and a text file whose data is not base64 is read as the
/// string it is.
#[test]
fn openai_text_files_are_read_decoded_and_redacted_encoded_again() {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let b64 = |t: &str| engine.encode(t);
    let doc = "Minutes. Write to jo@ex.com by Friday.";
    let redacted = "Minutes. Write to [EMAIL_1] by Friday.";
    let pdf = "data:application/pdf;base64,JVBERi0xLjQK";
    let bad = "data:text/plain;base64,not base64!";
    let body = json!({"model": "m", "messages": [
        {"role": "system", "content": "s"},
        {"role": "user", "content": [
            {"type": "file", "file": {"filename": "notes.txt",
                "file_data": format!("data:text/plain;base64,{}", b64(doc))}},
            {"type": "file", "file": {"filename": "report.pdf", "file_data": pdf}},
            {"type": "file", "file": {"file_id": "file-abc"}},
            {"type": "file", "file": {"filename": "bad.txt", "file_data": bad}},
            {"type": "text", "text": "Summarize"}
        ]}
    ]});
    let x = run(ApiFormat::OpenAi, body.to_string().as_bytes()).expect("chat");
    let file = "$.messages[1].content[0].file.file_data";
    let bad_at = "$.messages[1].content[3].file.file_data";
    assert_eq!(
        triples(&x),
        vec![
            (S, "$.messages[0].content".into(), "s".into()),
            (Us, file.into(), doc.into()),
            (Us, bad_at.into(), bad.into()),
            (
                Us,
                "$.messages[1].content[4].text".into(),
                "Summarize".into()
            ),
        ]
    );
    assert!(x.segments()[1].location.is_base64());
    assert!(!x.segments()[2].location.is_base64());
    let out = x
        .redact(&[red(1, span_of(&x, 1, "jo@ex.com"), "EMAIL")])
        .expect("redact");
    let v: Value = serde_json::from_slice(&out.body).expect("json");
    let parts = &v["messages"][1]["content"];
    let data = parts[0]["file"]["file_data"].as_str().expect("a string");
    let encoded = data
        .strip_prefix("data:text/plain;base64,")
        .expect("the data URL prefix is kept");
    assert_eq!(
        engine.decode(encoded).expect("valid base64"),
        redacted.as_bytes()
    );
    assert_eq!(parts[1]["file"]["file_data"], json!(pdf));
    assert_eq!(parts[3]["file"]["file_data"], json!(bad));

    // Responses: `input_file` parts of a message and `input_file` items,
    // with a data URL of a textual application type or bare base64 named
    // by a text file name.
    let csv = "name,mail\nJo,jo@ex.com\n";
    let body = json!({"model": "m", "input": [
        {"role": "user", "content": [
            {"type": "input_file", "filename": "notes.json",
                "file_data": format!("data:application/json;base64,{}", b64(doc))},
            {"type": "input_text", "text": "Summarize"}
        ]},
        {"type": "input_file", "filename": "people.csv", "file_data": b64(csv)},
        {"type": "input_file", "filename": "report.pdf", "file_data": pdf},
        {"type": "input_file", "filename": "scan.pdf", "file_data": b64(doc)}
    ]});
    let x = run(ApiFormat::OpenAi, body.to_string().as_bytes()).expect("responses");
    assert_eq!(
        triples(&x),
        vec![
            (Us, "$.input[0].content[0].file_data".into(), doc.into()),
            (Us, "$.input[0].content[1].text".into(), "Summarize".into()),
            (Us, "$.input[1].file_data".into(), csv.into()),
        ]
    );
    let out = x
        .redact(&[
            red(0, span_of(&x, 0, "jo@ex.com"), "EMAIL"),
            red(2, span_of(&x, 2, "jo@ex.com"), "EMAIL"),
        ])
        .expect("redact");
    let v: Value = serde_json::from_slice(&out.body).expect("json");
    let data = v["input"][0]["content"][0]["file_data"]
        .as_str()
        .expect("a string");
    let encoded = data
        .strip_prefix("data:application/json;base64,")
        .expect("the data URL prefix is kept");
    assert_eq!(
        engine.decode(encoded).expect("valid base64"),
        redacted.as_bytes()
    );
    let bare = v["input"][1]["file_data"].as_str().expect("a string");
    assert_eq!(
        engine.decode(bare).expect("valid base64"),
        "name,mail\nJo,[EMAIL_1]\n".as_bytes()
    );
    assert_eq!(v["input"][2]["file_data"], json!(pdf));
    assert_eq!(v["input"][3]["file_data"], json!(b64(doc)));
}

/// Base64 a strict decoder refuses but the APIs read (lines, URL-safe
/// letters, no padding) is read decoded too, and a redaction in it is written
/// back as standard padded base64; data that is not base64 even leniently, or
/// whose bytes are not UTF-8, is read as the string it is.
#[test]
fn lenient_base64_files_are_read_decoded_and_redacted_as_standard_base64() {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let doc = "Minutes??? Write to jo@ex.com by Friday.";
    let url_safe = URL_SAFE_NO_PAD.encode(doc);
    assert!(url_safe.contains(['-', '_']) && !doc.len().is_multiple_of(3));
    let crlf: String = url_safe
        .as_bytes()
        .chunks(16)
        .map(|c| String::from_utf8_lossy(c) + "\r\n")
        .collect();
    let not_text = URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0xfd, 0x41]);
    let body = json!({"contents": [{"parts": [
        {"inlineData": {"mimeType": "text/plain", "data": crlf}},
        {"inlineData": {"mimeType": "text/plain", "data": not_text}},
        {"inline_data": {"mime_type": "text/plain", "data": "not base64!"}}
    ]}]});
    let x = run(ApiFormat::Gemini, body.to_string().as_bytes()).expect("gemini");
    let texts: Vec<&str> = x.segments().iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, vec![doc, not_text.as_str(), "not base64!"]);
    assert!(x.segments()[0].location.is_base64());
    assert!(!x.segments()[1].location.is_base64());
    let out = x
        .redact(&[red(0, span_of(&x, 0, "jo@ex.com"), "EMAIL")])
        .expect("redact");
    let v: Value = serde_json::from_slice(&out.body).expect("json");
    assert_eq!(
        v["contents"][0]["parts"][0]["inlineData"]["data"],
        json!(STANDARD.encode("Minutes??? Write to [EMAIL_1] by Friday."))
    );
    assert_eq!(
        v["contents"][0]["parts"][1]["inlineData"]["data"],
        json!(not_text)
    );
}

#[test]
fn overlapping_spans_merge_under_the_longest() {
    let x = run(ApiFormat::Auto, b"call +48 600 700 800 now").expect("text");
    let out = x
        .redact(&[
            red(0, 5..20, "PHONE"),
            red(0, 9..12, "PL_NIP"),
            red(0, 15..23, "X"),
            red(0, 0..0, "EMPTY"),
        ])
        .expect("redact");
    assert_eq!(out.body, b"call [PHONE_1]w".to_vec());
    assert_eq!(out.counts, vec![(Arc::from("PHONE"), 1)]);
}

#[test]
fn bad_redactions_are_errors_not_panics() {
    let x = run(ApiFormat::Auto, "héllo".as_bytes()).expect("text");
    let cases = [
        (
            red(1, 0..1, "X"),
            RedactError::NoSuchSegment {
                segment: 1,
                count: 1,
            },
        ),
        (
            red(0, 2..9, "X"),
            RedactError::SpanOutOfRange {
                segment: 0,
                start: 2,
                end: 9,
                len: 6,
            },
        ),
        #[allow(clippy::reversed_empty_ranges)]
        (
            red(0, 4..2, "X"),
            RedactError::SpanOutOfRange {
                segment: 0,
                start: 4,
                end: 2,
                len: 6,
            },
        ),
        (
            red(0, 2..3, "X"),
            RedactError::NotCharBoundary {
                segment: 0,
                offset: 2,
            },
        ),
    ];
    for (r, want) in cases {
        assert_eq!(x.redact(&[r]), Err(want));
    }
}
