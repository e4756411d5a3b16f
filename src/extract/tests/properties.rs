//! Properties over generated JSON documents and texts, and the public types crossing tasks.

use super::*;

/// Values the generated documents hide in their strings, and their types.
const EMAIL_RE: &str = r"[a-z0-9]+@[a-z]+\.(?:com|org)";
const CARD_RE: &str = r"\b4[0-9]{15}\b";

fn text_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        "[a-z]{1,8}@[a-z]{1,8}\\.(com|org)",
        "4[0-9]{15}",
        "[\"\\\\/é😀\u{200b}\n\t<>]{1,3}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(text_piece(), 0..6).prop_map(|p| p.join(" "))
}

fn json_doc() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1.0e6f64..1.0e6).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,6}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Detects the hidden values like a PII layer would and redacts them; checks the
/// output against the document with the same replacements made directly.
fn check_redaction(body: &[u8], api: ApiFormat, original: &Value) -> Result<(), TestCaseError> {
    let email = regex::Regex::new(EMAIL_RE).expect("test regex");
    let card = regex::Regex::new(CARD_RE).expect("test regex");
    let x = extract(body, api, &ExtractLimits::default())
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut reds = Vec::new();
    let mut placeholder = std::collections::HashMap::new();
    let mut per_kind = std::collections::HashMap::new();
    let mut values = Vec::new();
    for (i, seg) in x.segments().iter().enumerate() {
        let mut found: Vec<(std::ops::Range<usize>, &str)> = email
            .find_iter(&seg.text)
            .map(|m| (m.range(), "EMAIL"))
            .chain(
                card.find_iter(&seg.text)
                    .map(|m| (m.range(), "CREDIT_CARD")),
            )
            .collect();
        found.sort_by_key(|f| f.0.start);
        for (span, kind) in found {
            let value = seg.text[span.clone()].to_string();
            placeholder.entry((kind, value.clone())).or_insert_with(|| {
                let n = per_kind.entry(kind).or_insert(0);
                *n += 1;
                format!("[{kind}_{n}]")
            });
            values.push(value);
            reds.push(red(i, span, kind));
        }
    }
    let out = x
        .redact(&reds)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let parsed: Value =
        serde_json::from_slice(&out.body).map_err(|e| TestCaseError::fail(e.to_string()))?;

    fn replace(v: &Value, f: &dyn Fn(&str) -> String) -> Value {
        match v {
            Value::String(s) => Value::String(f(s)),
            Value::Array(a) => Value::Array(a.iter().map(|v| replace(v, f)).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), replace(v, f))).collect())
            }
            other => other.clone(),
        }
    }
    let both = regex::Regex::new(&format!("{EMAIL_RE}|{CARD_RE}")).expect("test regex");
    let expected = replace(original, &|s: &str| {
        both.replace_all(s, |c: &regex::Captures<'_>| {
            let v = &c[0];
            let kind = if v.contains('@') {
                "EMAIL"
            } else {
                "CREDIT_CARD"
            };
            placeholder[&(kind, v.to_string())].clone()
        })
        .into_owned()
    });
    prop_assert_eq!(&parsed, &expected);
    let body = String::from_utf8(out.body).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for v in &values {
        prop_assert!(!body.contains(v.as_str()), "a redacted value remains");
    }
    let total: usize = out.counts.iter().map(|c| c.1).sum();
    prop_assert_eq!(total, reds.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn redaction_of_generic_json_is_valid_and_complete(doc in json_doc()) {
        let body = serde_json::to_vec(&doc).expect("serialize generated doc");
        check_redaction(&body, ApiFormat::Auto, &doc)?;
    }

    #[test]
    fn redaction_of_chat_bodies_is_valid_and_complete(
        user in text(),
        system in text(),
        args in json_doc(),
        result in text(),
    ) {
        let args = serde_json::to_string(&args).expect("serialize args");
        let doc = json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": [{"type": "text", "text": user}]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": args}}]},
                {"role": "tool", "tool_call_id": "c1", "content": result},
            ],
            "temperature": 0.5,
        });
        let body = serde_json::to_vec_pretty(&doc).expect("serialize");
        check_redaction(&body, ApiFormat::OpenAi, &doc)?;
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..200)) {
        for api in [ApiFormat::Auto, ApiFormat::OpenAi] {
            if let Ok(x) = extract(&body, api, &ExtractLimits::default()) {
                prop_assert!(x.redact(&[]).is_ok());
            }
        }
    }

    #[test]
    fn arbitrary_spans_never_panic(
        text in "\\PC{0,30}",
        spans in prop::collection::vec((0usize..40, 0usize..40, 0usize..2), 0..5),
    ) {
        let x = extract(text.as_bytes(), ApiFormat::Auto, &ExtractLimits::default()).expect("text");
        let reds: Vec<Redaction> = spans
            .into_iter()
            .map(|(a, b, s)| red(s, a..b, "T"))
            .collect();
        if let Ok(out) = x.redact(&reds) {
            prop_assert!(String::from_utf8(out.body).is_ok());
        }
    }
}

#[test]
fn a_repeated_member_name_is_refused_in_every_mode() {
    // Readers disagree on which of two equal names counts (last in Go, Python and
    // serde_json, first in simdjson's lookups), so no one reading is safe.
    let mut big: Vec<String> = (0..40).map(|i| format!(r#""k{i}":"v{i}""#)).collect();
    big.push(r#""k3":"again""#.into());
    let cases = [
        r#"{"messages":[{"role":"user","content":"a"}],"messages":[{"role":"user","content":"b"}]}"#
            .to_string(),
        // A read key's other spelling is the same member to a case-insensitive reader.
        r#"{"messages":[{"role":"user","content":"hi","CONTENT":"b"}]}"#.to_string(),
        r#"{"messages":[{"role":"user","Role":"system","content":"b"}]}"#.to_string(),
        r#"{"a":"one","b":"two","a":"three"}"#.to_string(),
        r#"{"a":"one","\u0061":"two"}"#.to_string(),
        format!("{{{}}}", big.join(",")),
    ];
    for body in &cases {
        for api in [ApiFormat::Auto, ApiFormat::OpenAi, ApiFormat::Anthropic] {
            assert_eq!(
                run(api, body.as_bytes()).map(|_| ()),
                Err(ExtractError::DuplicateKey),
                "{api:?} {body}"
            );
        }
    }
    // Names that differ in case but are no read key are two members.
    let x = run(ApiFormat::Auto, br#"{"Label":"one","label":"two"}"#).expect("generic");
    assert_eq!(x.segments().len(), 2);
}

#[test]
fn a_repeated_member_name_is_refused_behind_a_bom_and_in_utf16() {
    // The extractor reads JSON behind a byte-order mark and in UTF-16, so the
    // refusal must hold there too (a fuzz finding: the oracle asked about the
    // raw bytes and took the refusal for a refusal of text that is not JSON).
    let body = r#"{"messages":[{"role":"user","content":"a","content":"b"}]}"#;
    let bom = [b"\xEF\xBB\xBF".as_slice(), body.as_bytes()].concat();
    let utf16: Vec<u8> = [0xFF_u8, 0xFE]
        .into_iter()
        .chain(body.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for bytes in [&bom, &utf16] {
        for api in [ApiFormat::Auto, ApiFormat::OpenAi] {
            assert_eq!(
                run(api, bytes).map(|_| ()),
                Err(ExtractError::DuplicateKey),
                "{api:?} {bytes:?}"
            );
        }
    }
}

#[test]
fn other_spellings_of_read_keys_are_read_and_redacted_in_place() {
    // Go's encoding/json (Ollama, LocalAI) reads "CONTENT" and "meſſages" as the
    // content and the messages.
    let body = "{\"me\u{17F}\u{17F}ages\":[{\"ROLE\":\"user\",\"Content\":\"mail b@y.io\"}]}";
    let x = run(ApiFormat::OpenAi, body.as_bytes()).expect("chat");
    assert_eq!(
        triples(&x),
        vec![(Us, "$.messages[0].content".into(), "mail b@y.io".into())]
    );
    let out = x
        .redact(&[red(0, span_of(&x, 0, "b@y.io"), "EMAIL")])
        .expect("redact");
    assert_eq!(
        String::from_utf8(out.body).expect("utf8"),
        "{\"me\u{17F}\u{17F}ages\":[{\"ROLE\":\"user\",\"Content\":\"mail [EMAIL_1]\"}]}"
    );
    let gemini = r#"{"contents":[{"role":"user","Parts":[{"TEXT":"hello"}]}]}"#;
    let x = run(ApiFormat::Gemini, gemini.as_bytes()).expect("gemini");
    assert_eq!(
        triples(&x),
        vec![(Us, "$.contents[0].parts[0].text".into(), "hello".into())]
    );
}

#[test]
fn public_types_can_cross_tasks() {
    fn assert_send_sync<T: Send + Sync + std::panic::UnwindSafe + 'static>() {}
    assert_send_sync::<Extraction>();
    assert_send_sync::<ExtractError>();
    assert_send_sync::<RedactError>();
    assert_send_sync::<Redacted>();
    assert_send_sync::<RoleSet>();
}
