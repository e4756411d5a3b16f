//! Limits and arbitrary input: a limit is an error, never a crash, and any
//! body or any cutting of a stream extracts and redacts without panicking.

use proptest::prelude::*;

use super::*;

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
