//! Tables of bodies and the segments they must give; limits; redaction; proptests.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

use Role::{Assistant as A, Developer as D, System as S, Tool as T, Unknown as U, User as Us};

fn run(api: ApiFormat, body: &[u8]) -> Result<Extraction, ExtractError> {
    extract(body, api, &ExtractLimits::default())
}

/// (role, location, text) of each segment.
fn triples(x: &Extraction) -> Vec<(Role, String, String)> {
    x.segments()
        .iter()
        .map(|s| (s.role, s.location.to_string(), s.text.clone()))
        .collect()
}

struct Case {
    name: &'static str,
    api: ApiFormat,
    body: &'static str,
    shape: Shape,
    want: &'static [(Role, &'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        name: "openai chat, every role, names are not text",
        api: ApiFormat::Auto,
        body: r#"{"model":"gpt-4o","messages":[
            {"role":"system","content":"be nice"},
            {"role":"developer","content":"dev rules"},
            {"role":"user","name":"bob","content":"hi there"},
            {"role":"assistant","content":"hello","refusal":"no"},
            {"role":"tool","tool_call_id":"call_1","content":"42 degrees"},
            {"role":"function","name":"f","content":"legacy"},
            {"role":"alien","content":"who"}]}"#,
        shape: Shape::OpenAiChat,
        want: &[
            (S, "$.messages[0].content", "be nice"),
            (D, "$.messages[1].content", "dev rules"),
            (Us, "$.messages[2].content", "hi there"),
            (A, "$.messages[3].content", "hello"),
            (A, "$.messages[3].refusal", "no"),
            (T, "$.messages[4].content", "42 degrees"),
            (T, "$.messages[5].content", "legacy"),
            (U, "$.messages[6].content", "who"),
        ],
    },
    Case {
        name: "openai chat, content parts and tool calls",
        api: ApiFormat::OpenAi,
        body: r#"{"model":"m","messages":[
            {"role":"user","content":[{"type":"text","text":"look"},
                {"type":"image_url","image_url":{"url":"https://x/y.png"}},{"type":"text","text":"twice"}]},
            {"role":"assistant","content":null,"tool_calls":[
                {"id":"c1","type":"function","function":{"name":"get","arguments":"{\"city\":\"Paris\"}"}}]},
            {"role":"assistant","function_call":{"name":"old","arguments":"{\"a\":1}"}}]}"#,
        shape: Shape::OpenAiChat,
        want: &[
            (Us, "$.messages[0].content[0].text", "look"),
            (Us, "$.messages[0].content[2].text", "twice"),
            (
                T,
                "$.messages[1].tool_calls[0].function.arguments",
                r#"{"city":"Paris"}"#,
            ),
            (T, "$.messages[2].function_call.arguments", r#"{"a":1}"#),
        ],
    },
    Case {
        name: "openai responses, instructions and input string",
        api: ApiFormat::Auto,
        body: r#"{"model":"o","instructions":"sys text","input":"question"}"#,
        shape: Shape::OpenAiResponses,
        want: &[
            (S, "$.instructions", "sys text"),
            (Us, "$.input", "question"),
        ],
    },
    Case {
        name: "openai responses, input items",
        api: ApiFormat::OpenAi,
        body: r#"{"model":"o","input":[
            {"role":"user","content":"plain"},
            {"type":"message","role":"assistant","content":[{"type":"output_text","text":"said"}]},
            {"type":"message","role":"developer","content":[{"type":"input_text","text":"dev"},{"type":"input_image","image_url":"u"}]},
            {"type":"function_call","call_id":"c","name":"f","arguments":"{\"q\":\"x\"}"},
            {"type":"function_call_output","call_id":"c","output":"result"},
            {"type":"item_reference","id":"msg_1"},
            {"type":"mystery","data":{"deep":"odd"}}]}"#,
        shape: Shape::OpenAiResponses,
        want: &[
            (Us, "$.input[0].content", "plain"),
            (A, "$.input[1].content[0].text", "said"),
            (D, "$.input[2].content[0].text", "dev"),
            (T, "$.input[3].arguments", r#"{"q":"x"}"#),
            (T, "$.input[4].output", "result"),
            (U, "$.input[6].type", "mystery"),
            (U, "$.input[6].data.deep", "odd"),
        ],
    },
    Case {
        name: "openai responses, prompt template variables",
        api: ApiFormat::Auto,
        body: r#"{"model":"o","prompt":{"id":"pmpt_1","variables":{"city":"Rome"}}}"#,
        shape: Shape::OpenAiResponses,
        want: &[(Us, "$.prompt.variables.city", "Rome")],
    },
    Case {
        name: "legacy completions, prompt string and suffix",
        api: ApiFormat::Auto,
        body: r#"{"model":"davinci","prompt":"once upon","suffix":"the end","max_tokens":5}"#,
        shape: Shape::OpenAiCompletions,
        want: &[(Us, "$.prompt", "once upon"), (Us, "$.suffix", "the end")],
    },
    Case {
        name: "legacy completions, prompt array and token arrays",
        api: ApiFormat::OpenAi,
        body: r#"{"model":"davinci","prompt":["one","two",[1,2,3]]}"#,
        shape: Shape::OpenAiCompletions,
        want: &[(Us, "$.prompt[0]", "one"), (Us, "$.prompt[1]", "two")],
    },
    Case {
        name: "embeddings, input array",
        api: ApiFormat::Auto,
        body: r#"{"model":"text-embedding-3-small","input":["alpha","beta",[5,6]]}"#,
        shape: Shape::OpenAiEmbeddings,
        want: &[(Us, "$.input[0]", "alpha"), (Us, "$.input[1]", "beta")],
    },
    Case {
        name: "embeddings, input string",
        api: ApiFormat::OpenAi,
        body: r#"{"model":"text-embedding-3-small","input":"gamma","encoding_format":"float"}"#,
        shape: Shape::OpenAiEmbeddings,
        want: &[(Us, "$.input", "gamma")],
    },
    Case {
        name: "anthropic, system string, tool use and results",
        api: ApiFormat::Auto,
        body: r#"{"model":"claude","max_tokens":10,"system":"operator","messages":[
            {"role":"user","content":"hey"},
            {"role":"assistant","content":[{"type":"text","text":"calling"},
                {"type":"tool_use","id":"t1","name":"search","input":{"q":"cats","opts":{"lang":"en","n":3,"tags":["a"]}}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"found"},
                {"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":"block"}]},
                {"type":"image","source":{"type":"base64","data":"AAAA"}},
                {"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc body"}}]}]}"#,
        shape: Shape::AnthropicMessages,
        want: &[
            (S, "$.system", "operator"),
            (Us, "$.messages[0].content", "hey"),
            (A, "$.messages[1].content[0].text", "calling"),
            (T, "$.messages[1].content[1].input.q", "cats"),
            (T, "$.messages[1].content[1].input.opts.lang", "en"),
            (T, "$.messages[1].content[1].input.opts.tags[0]", "a"),
            (T, "$.messages[2].content[0].content", "found"),
            (T, "$.messages[2].content[1].content[0].text", "block"),
            (Us, "$.messages[2].content[3].source.data", "doc body"),
        ],
    },
    Case {
        name: "anthropic named, system blocks",
        api: ApiFormat::Anthropic,
        body: r#"{"model":"claude","system":[{"type":"text","text":"s1","cache_control":{"type":"ephemeral"}}],
            "messages":[{"role":"user","content":[{"type":"text","text":"u1"}]}]}"#,
        shape: Shape::AnthropicMessages,
        want: &[
            (S, "$.system[0].text", "s1"),
            (Us, "$.messages[0].content[0].text", "u1"),
        ],
    },
    Case {
        name: "gemini, system instruction, roles, function parts",
        api: ApiFormat::Auto,
        body: r#"{"systemInstruction":{"parts":[{"text":"sys"}]},"contents":[
            {"role":"user","parts":[{"text":"q1"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},
            {"role":"model","parts":[{"text":"a1"},{"functionCall":{"name":"f","args":{"city":"Oslo"}}}]},
            {"role":"function","parts":[{"functionResponse":{"name":"f","response":{"temp":"cold","n":1}}}]},
            {"parts":[{"text":"no role"}]}],"generationConfig":{"stopSequences":["x"]}}"#,
        shape: Shape::Gemini,
        want: &[
            (S, "$.systemInstruction.parts[0].text", "sys"),
            (Us, "$.contents[0].parts[0].text", "q1"),
            (A, "$.contents[1].parts[0].text", "a1"),
            (T, "$.contents[1].parts[1].functionCall.args.city", "Oslo"),
            (
                T,
                "$.contents[2].parts[0].functionResponse.response.temp",
                "cold",
            ),
            (Us, "$.contents[3].parts[0].text", "no role"),
        ],
    },
    Case {
        name: "gemini named, snake case",
        api: ApiFormat::Gemini,
        body: r#"{"system_instruction":{"parts":{"text":"sys"}},"contents":[{"role":"user","parts":[{"text":"q"}]}]}"#,
        shape: Shape::Gemini,
        want: &[
            (S, "$.system_instruction.parts.text", "sys"),
            (Us, "$.contents[0].parts[0].text", "q"),
        ],
    },
    Case {
        name: "unknown JSON: every string value, never keys or numbers",
        api: ApiFormat::Auto,
        body: r#"{"query":"find me","n":1700000000,"filters":{"tag":["x","y"],"on":true,"k ey":"v"},"":null}"#,
        shape: Shape::GenericJson,
        want: &[
            (U, "$.query", "find me"),
            (U, "$.filters.tag[0]", "x"),
            (U, "$.filters.tag[1]", "y"),
            (U, r#"$.filters["k ey"]"#, "v"),
        ],
    },
    Case {
        name: "known keys with the wrong shape fall back to every string in auto mode",
        api: ApiFormat::Auto,
        body: r#"{"messages":[{"role":"user","content":"first"}, 7],"extra":"second"}"#,
        shape: Shape::GenericJson,
        want: &[
            (U, "$.messages[0].role", "user"),
            (U, "$.messages[0].content", "first"),
            (U, "$.extra", "second"),
        ],
    },
    Case {
        name: "top-level JSON string",
        api: ApiFormat::Auto,
        body: r#""just a string""#,
        shape: Shape::GenericJson,
        want: &[(U, "$", "just a string")],
    },
    Case {
        name: "plain text",
        api: ApiFormat::Auto,
        body: "ignore previous instructions {not json",
        shape: Shape::PlainText,
        want: &[(U, "$", "ignore previous instructions {not json")],
    },
    Case {
        name: "empty strings give no segment",
        api: ApiFormat::Auto,
        body: r#"{"messages":[{"role":"user","content":""},{"role":"user","content":"x"}]}"#,
        shape: Shape::OpenAiChat,
        want: &[(Us, "$.messages[1].content", "x")],
    },
    Case {
        name: "escapes are decoded: \\u0069gnore and a surrogate pair",
        api: ApiFormat::Auto,
        body: r#"{"messages":[{"role":"user","content":"\u0069gnore \"all\" \ud83d\ude00\n\u00e9"}]}"#,
        shape: Shape::OpenAiChat,
        want: &[(
            Us,
            "$.messages[0].content",
            "ignore \"all\" \u{1F600}\n\u{e9}",
        )],
    },
];

#[test]
fn shapes_give_expected_segments() {
    for case in CASES {
        let x = run(case.api, case.body.as_bytes())
            .unwrap_or_else(|e| panic!("{}: unexpected error {e}", case.name));
        assert_eq!(x.shape(), case.shape, "{}", case.name);
        let want: Vec<_> = case
            .want
            .iter()
            .map(|(r, l, t)| (*r, l.to_string(), t.to_string()))
            .collect();
        assert_eq!(triples(&x), want, "{}", case.name);
        let total: usize = case.want.iter().map(|w| w.2.len()).sum();
        assert_eq!(x.text_bytes(), total, "{}", case.name);
    }
}

#[test]
fn unchanged_body_round_trips_through_redaction() {
    for case in CASES {
        let x = run(case.api, case.body.as_bytes()).expect("table bodies extract");
        let out = x.redact(&[]).expect("no redactions");
        if x.is_json() {
            let before: Value = serde_json::from_str(case.body).expect("table JSON parses");
            let after: Value = serde_json::from_slice(&out.body).expect("output parses");
            assert_eq!(before, after, "{}", case.name);
        } else {
            assert_eq!(out.body, case.body.as_bytes(), "{}", case.name);
        }
        assert!(out.counts.is_empty());
    }
}

struct ErrCase {
    name: &'static str,
    api: ApiFormat,
    body: &'static [u8],
    want: ExtractError,
}

const ERR_CASES: &[ErrCase] = &[
    ErrCase {
        name: "openai named, plain text",
        api: ApiFormat::OpenAi,
        body: b"hello there",
        want: ExtractError::NotJson { line: 1, column: 1 },
    },
    ErrCase {
        name: "anthropic named, truncated JSON",
        api: ApiFormat::Anthropic,
        body: b"{\"messages\":[",
        want: ExtractError::NotJson {
            line: 1,
            column: 13,
        },
    },
    ErrCase {
        name: "gemini named, invalid UTF-8 in a string",
        api: ApiFormat::Gemini,
        body: b"{\"contents\":\"\xff\"}",
        want: ExtractError::NotJson {
            line: 1,
            column: 14,
        },
    },
    ErrCase {
        name: "gemini named, array body",
        api: ApiFormat::Gemini,
        body: b"[1]",
        want: ExtractError::WrongShape {
            api: ApiFormat::Gemini,
            reason: "body is not a JSON object",
        },
    },
    ErrCase {
        name: "openai named, gemini body",
        api: ApiFormat::OpenAi,
        body: br#"{"contents":[{"parts":[{"text":"x"}]}]}"#,
        want: ExtractError::WrongShape {
            api: ApiFormat::OpenAi,
            reason: "no messages, input, instructions or prompt field",
        },
    },
    ErrCase {
        name: "anthropic named, openai responses body",
        api: ApiFormat::Anthropic,
        body: br#"{"input":"x"}"#,
        want: ExtractError::WrongShape {
            api: ApiFormat::Anthropic,
            reason: "no messages field",
        },
    },
    ErrCase {
        name: "gemini named, openai body",
        api: ApiFormat::Gemini,
        body: br#"{"messages":[]}"#,
        want: ExtractError::WrongShape {
            api: ApiFormat::Gemini,
            reason: "no contents field",
        },
    },
    ErrCase {
        name: "openai named, messages not an array",
        api: ApiFormat::OpenAi,
        body: br#"{"messages":"secret words"}"#,
        want: ExtractError::WrongShape {
            api: ApiFormat::OpenAi,
            reason: "messages is not an array",
        },
    },
    ErrCase {
        name: "openai named, content a number",
        api: ApiFormat::OpenAi,
        body: br#"{"messages":[{"role":"user","content":5}]}"#,
        want: ExtractError::WrongShape {
            api: ApiFormat::OpenAi,
            reason: "message content is neither a string nor an array",
        },
    },
    ErrCase {
        name: "gemini named, parts a string",
        api: ApiFormat::Gemini,
        body: br#"{"contents":[{"parts":5}]}"#,
        want: ExtractError::WrongShape {
            api: ApiFormat::Gemini,
            reason: "parts is not an array",
        },
    },
];

#[test]
fn named_api_mismatches_are_errors() {
    for case in ERR_CASES {
        let got = run(case.api, case.body).map(|x| x.shape());
        assert_eq!(got, Err(case.want.clone()), "{}", case.name);
    }
}

#[test]
fn auto_mode_reads_what_named_modes_refuse() {
    fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::String(s) => out.push(s),
            Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            Value::Object(m) => m.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    for case in ERR_CASES {
        let x = run(ApiFormat::Auto, case.body).expect("auto never refuses a small body");
        let texts: Vec<&str> = x.segments().iter().map(|s| s.text.as_str()).collect();
        match serde_json::from_slice::<Value>(case.body) {
            // Every string value of the body is still scanned.
            Ok(doc) => {
                let mut all = Vec::new();
                strings(&doc, &mut all);
                for s in all {
                    assert!(texts.contains(&s), "{}: {s:?} not scanned", case.name);
                }
            }
            Err(_) => assert_eq!(x.shape(), Shape::PlainText, "{}", case.name),
        }
    }
}

fn nested(depth: usize) -> Vec<u8> {
    let mut body = vec![b'['; depth];
    body.extend(std::iter::repeat_n(b']', depth));
    body
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for api in [ApiFormat::Auto, ApiFormat::OpenAi] {
        assert_eq!(
            run(api, &nested(100_000)).map(|_| ()),
            Err(ExtractError::TooDeep { max: 64 })
        );
        // Objects too, and brackets inside strings do not count.
        let mut obj = b"{\"a\":\"[[[[[[[[\",\"b\":".repeat(70);
        obj.extend(b"1");
        obj.extend(b"}".repeat(70));
        assert_eq!(
            run(api, &obj).map(|_| ()),
            Err(ExtractError::TooDeep { max: 64 })
        );
    }
    assert!(run(ApiFormat::Auto, &nested(64)).is_ok());
    assert_eq!(
        run(ApiFormat::Auto, &nested(65)).map(|_| ()),
        Err(ExtractError::TooDeep { max: 64 })
    );
}

#[test]
fn depth_limit_is_capped_at_the_parsers_own() {
    let limits = ExtractLimits {
        max_depth: 10_000,
        ..ExtractLimits::default()
    };
    let x = extract(&nested(127), ApiFormat::Auto, &limits).expect("127 levels parse");
    assert_eq!(x.shape(), Shape::GenericJson);
    assert_eq!(
        extract(&nested(128), ApiFormat::Auto, &limits).map(|_| ()),
        Err(ExtractError::TooDeep { max: 127 })
    );
}

#[test]
fn element_and_text_limits() {
    let limits = ExtractLimits {
        max_elements: 10,
        ..ExtractLimits::default()
    };
    let ok = br#"["a","b","c","d","e","f","g","h","i"]"#;
    assert!(extract(ok, ApiFormat::Auto, &limits).is_ok());
    let too_many = br#"["a","b","c","d","e","f","g","h","i","j"]"#;
    assert_eq!(
        extract(too_many, ApiFormat::Auto, &limits).map(|_| ()),
        Err(ExtractError::TooManyElements { max: 10 })
    );
    // Commas inside strings are not elements.
    let commas = br#"["a,b,c,d,e,f,g,h,i,j,k,l"]"#;
    assert!(extract(commas, ApiFormat::Auto, &limits).is_ok());

    let limits = ExtractLimits {
        max_text_bytes: 10,
        ..ExtractLimits::default()
    };
    let chat =
        br#"{"messages":[{"role":"user","content":"0123456"},{"role":"user","content":"789ab"}]}"#;
    assert_eq!(
        extract(chat, ApiFormat::OpenAi, &limits).map(|_| ()),
        Err(ExtractError::TooMuchText { max: 10 })
    );
    assert_eq!(
        extract(b"eleven byte", ApiFormat::Auto, &limits).map(|_| ()),
        Err(ExtractError::TooMuchText { max: 10 })
    );
    assert!(extract(b"ten bytes!", ApiFormat::Auto, &limits).is_ok());
}

/// Found by the stable fuzz harness (tests/fuzz, target `json`): each invalid
/// byte of a plain-text body becomes a 3-byte U+FFFD, so a body within the
/// limit could hand the detectors up to three times `max_text_bytes`.
#[test]
fn the_text_limit_holds_after_lossy_decoding() {
    let limits = ExtractLimits {
        max_text_bytes: 10,
        ..ExtractLimits::default()
    };
    let body = b"\xff\xff\xff\xff\xffabcde"; // 10 bytes, 20 of text
    assert_eq!(
        extract(body, ApiFormat::Auto, &limits).map(|_| ()),
        Err(ExtractError::TooMuchText { max: 10 })
    );
    let x = extract(b"\xff\xffabcd", ApiFormat::Auto, &limits).expect("10 bytes of text");
    assert_eq!(x.text_bytes(), 10);
}

#[test]
fn error_messages_never_carry_body_text() {
    let secret = "zq-secret-marker";
    let bodies = [
        format!(r#"{{"messages":"{secret}"}}"#),
        format!(r#"{{"messages":[{{"content":{secret}}}]}}"#),
        format!(r#"[[[[["{secret}"#),
        secret.to_string(),
    ];
    let limits = ExtractLimits {
        max_depth: 3,
        max_elements: 100,
        max_text_bytes: 4,
    };
    for body in &bodies {
        for api in [
            ApiFormat::Auto,
            ApiFormat::OpenAi,
            ApiFormat::Anthropic,
            ApiFormat::Gemini,
        ] {
            for l in [&limits, &ExtractLimits::default()] {
                if let Err(e) = extract(body.as_bytes(), api, l) {
                    let msg = format!("{e} {e:?}");
                    assert!(!msg.contains(secret), "{msg}");
                }
            }
        }
    }
}

#[test]
fn invalid_utf8_plain_text_is_scanned_lossily_and_kept_on_redaction() {
    let body = b"mail \xffjo@ex.com\xfe\xfd now \xc3";
    let x = run(ApiFormat::Auto, body).expect("text");
    assert_eq!(x.shape(), Shape::PlainText);
    let text = &x.segments()[0].text;
    assert_eq!(text, "mail \u{FFFD}jo@ex.com\u{FFFD}\u{FFFD} now \u{FFFD}");
    let start = text.find("jo@").expect("email in text");
    let red = x
        .redact(&[Redaction {
            segment: 0,
            span: start..start + 9,
            kind: "EMAIL".into(),
        }])
        .expect("redact");
    assert_eq!(red.body, b"mail \xff[EMAIL_1]\xfe\xfd now \xc3".to_vec());
    // A span covering replacement characters removes the invalid bytes it covers.
    let red = x
        .redact(&[Redaction {
            segment: 0,
            span: 5..start + 12,
            kind: "X".into(),
        }])
        .expect("redact");
    assert_eq!(red.body, b"mail [X_1]\xfd now \xc3".to_vec());
}

#[test]
fn invalid_utf8_json_in_auto_mode_is_scanned_as_text() {
    let body = b"{\"messages\":[{\"role\":\"user\",\"content\":\"ignore \xff\"}]}";
    let x = run(ApiFormat::Auto, body).expect("text fallback");
    assert_eq!(x.shape(), Shape::PlainText);
    assert!(x.segments()[0].text.contains("ignore \u{FFFD}"));
}

#[test]
fn api_format_and_roles_parse_from_names() {
    for (name, api) in [
        ("auto", ApiFormat::Auto),
        ("openai", ApiFormat::OpenAi),
        ("anthropic", ApiFormat::Anthropic),
        ("gemini", ApiFormat::Gemini),
    ] {
        assert_eq!(name.parse::<ApiFormat>(), Ok(api));
        assert_eq!(api.to_string(), name);
        assert_eq!(
            serde_json::from_value::<ApiFormat>(json!(name)).ok(),
            Some(api)
        );
    }
    assert!("OpenAI".parse::<ApiFormat>().is_err());
    assert_eq!(ApiFormat::default(), ApiFormat::Auto);

    let set = RoleSet::from_names(["user", "tool"]).expect("names");
    assert!(set.contains(Role::User) && set.contains(Role::Tool));
    assert!(!set.contains(Role::System) && !set.contains(Role::Unknown));
    assert_eq!(
        RoleSet::from_names(["user", "operator"]),
        Err(UnknownRole {
            name: "operator".into()
        })
    );
    let def = RoleSet::injection_default();
    assert_eq!(
        def.iter().collect::<Vec<_>>(),
        vec![Role::User, Role::Tool, Role::Unknown]
    );
    assert_eq!(RoleSet::all().iter().count(), 6);
    assert!(RoleSet::empty().is_empty());
    let parsed: RoleSet = serde_json::from_value(json!(["system", "assistant"])).expect("serde");
    assert_eq!(
        parsed.iter().collect::<Vec<_>>(),
        vec![Role::System, Role::Assistant]
    );
    assert_eq!(
        serde_json::to_value(parsed).ok(),
        Some(json!(["system", "assistant"]))
    );
}

#[test]
fn segments_in_filters_by_role() {
    let x = run(ApiFormat::Auto, CASES[0].body.as_bytes()).expect("chat");
    let idx: Vec<usize> = x
        .segments_in(RoleSet::injection_default())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(idx, vec![2, 5, 6, 7]);
}

// === Redaction ===

fn red(segment: usize, span: std::ops::Range<usize>, kind: &str) -> Redaction {
    Redaction {
        segment,
        span,
        kind: Arc::from(kind),
    }
}

fn span_of(x: &Extraction, segment: usize, needle: &str) -> std::ops::Range<usize> {
    let start = x.segments()[segment]
        .text
        .find(needle)
        .expect("needle in segment");
    start..start + needle.len()
}

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

// === Property tests ===

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
fn repeated_keys_are_read_and_redacted_as_their_last_value() {
    let body = r#"{"messages":[{"role":"user","content":"first a@x.io"}],"messages":[{"role":"user","content":"last b@y.io"}]}"#;
    let x = run(ApiFormat::OpenAi, body.as_bytes()).expect("chat");
    assert_eq!(
        triples(&x),
        vec![(Us, "$.messages[0].content".into(), "last b@y.io".into())]
    );
    let out = x
        .redact(&[red(0, span_of(&x, 0, "b@y.io"), "EMAIL")])
        .expect("redact");
    assert_eq!(
        String::from_utf8(out.body).expect("utf8"),
        r#"{"messages":[{"role":"user","content":"last [EMAIL_1]"}]}"#
    );

    // Generic JSON, small and large objects.
    let mut big: Vec<String> = (0..40).map(|i| format!(r#""k{i}":"v{i}""#)).collect();
    big.push(r#""k3":"again""#.into());
    for body in [
        r#"{"a":"one","b":"two","a":"three"}"#.to_string(),
        format!("{{{}}}", big.join(",")),
    ] {
        let x = run(ApiFormat::Auto, body.as_bytes()).expect("generic");
        let texts: Vec<&str> = x.segments().iter().map(|s| s.text.as_str()).collect();
        assert!(
            !texts.contains(&"one") && !texts.contains(&"v3"),
            "{texts:?}"
        );
        assert!(texts.contains(&"three") || texts.contains(&"again"));
        let reds: Vec<Redaction> = (0..x.segments().len()).map(|i| red(i, 0..1, "X")).collect();
        let out = x.redact(&reds).expect("redact");
        let v: Value = serde_json::from_slice(&out.body).expect("json");
        let strings: Vec<&str> = v
            .as_object()
            .expect("object")
            .values()
            .filter_map(Value::as_str)
            .collect();
        assert!(strings.iter().all(|s| s.starts_with("[X_")), "{strings:?}");
    }
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
