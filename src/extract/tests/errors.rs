//! Bodies extraction refuses and the limits it holds: named-API mismatches, nesting depth,
//! element and text limits, invalid UTF-8, and error messages that never carry body text.

use super::*;

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
    // Tool definitions are a role of their own, read for injection by default
    // (tool poisoning), and can be named apart from tool results.
    let def = RoleSet::injection_default();
    assert_eq!(
        def.iter().collect::<Vec<_>>(),
        vec![Role::User, Role::Tool, Role::ToolDefinition, Role::Unknown]
    );
    assert_eq!(RoleSet::all().iter().count(), 7);
    assert_eq!("tool_definition".parse::<Role>(), Ok(Role::ToolDefinition));
    assert_eq!(Role::ToolDefinition.to_string(), "tool_definition");
    let tools_only = RoleSet::from_names(["tool"]).expect("names");
    assert!(!tools_only.contains(Role::ToolDefinition));
    assert_eq!(
        serde_json::from_value::<Role>(json!("tool_definition")).ok(),
        Some(Role::ToolDefinition)
    );
    let unknown = "tooldefinition".parse::<Role>().expect_err("not a role");
    assert!(
        unknown.to_string().contains("tool_definition"),
        "the error lists the role names: {unknown}"
    );
    for role in Role::ALL {
        assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        assert_eq!(serde_json::to_value(role).ok(), Some(json!(role.as_str())));
    }
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
    let x = run(ApiFormat::Auto, super::shapes::CASES[0].body.as_bytes()).expect("chat");
    let idx: Vec<usize> = x
        .segments_in(RoleSet::injection_default())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(idx, vec![2, 3, 6, 7, 8, 9]);
}

#[test]
fn a_byte_order_mark_before_json_is_read_past() {
    let chat = br#"{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}]}"#;
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), chat].concat();
    for api in [ApiFormat::Auto, ApiFormat::OpenAi] {
        let x = run(api, &with_bom).expect("JSON after a BOM");
        assert_eq!(x.shape(), Shape::OpenAiChat, "{api:?}");
        let roles: Vec<Role> = x.segments().iter().map(|s| s.role).collect();
        assert_eq!(roles, vec![Role::System, Role::User], "{api:?}");
        assert!(x.has_roles());
    }
    // Plain text is the body as sent, BOM and all (the views drop it), so a
    // body left unredacted is left byte for byte.
    let body = b"\xEF\xBB\xBFhello";
    let x = run(ApiFormat::Auto, body).expect("text");
    assert_eq!(x.segments()[0].text, "\u{feff}hello");
    assert_eq!(x.redact(&[]).expect("no redaction").body, body);
}

#[test]
fn role_lists_cannot_scope_a_body_without_roles() {
    // JSON an upstream may read (Python's reader takes NaN; Go's streaming
    // decoder stops after the first value) but promptgate cannot: plain text,
    // read whatever the role list.
    for body in [
        &br#"{"temperature":NaN,"messages":[{"role":"user","content":"hi"}]}"#[..],
        br#"{"messages":[{"role":"user","content":"hi"}]} trailing"#,
        b"just a prompt",
    ] {
        let x = run(ApiFormat::Auto, body).expect("plain text");
        assert_eq!(x.shape(), Shape::PlainText);
        assert!(!x.has_roles());
        let mut only_system = RoleSet::empty();
        only_system.insert(Role::System);
        assert_eq!(x.segments_in(only_system).count(), 1);
        assert_eq!(x.segments_in(RoleSet::empty()).count(), 1);
    }
    let chat = run(ApiFormat::Auto, super::shapes::CASES[0].body.as_bytes()).expect("chat");
    assert!(chat.has_roles());
    assert_eq!(chat.segments_in(RoleSet::empty()).count(), 0);
}
