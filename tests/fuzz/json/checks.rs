//! What must hold for one body, under every API format and every limit set:
//! extraction never panics, only a limit or a repeated member name makes
//! `auto` fail, sizes add up,
//! every location holds its text, and redaction gives valid JSON (or the
//! same plain text).

use serde_json::Value;

use promptgate::extract::{
    ApiFormat, ExtractError, ExtractLimits, Extraction, Location, PathStep, Redaction, Shape,
    extract, json_text,
};

const APIS: [ApiFormat; 4] = [
    ApiFormat::Auto,
    ApiFormat::OpenAi,
    ApiFormat::Anthropic,
    ApiFormat::Gemini,
];

fn limits() -> [ExtractLimits; 3] {
    [
        ExtractLimits::default(),
        ExtractLimits {
            max_depth: 3,
            max_elements: 24,
            max_text_bytes: 64,
        },
        ExtractLimits {
            max_depth: 1000,
            max_elements: usize::MAX,
            max_text_bytes: usize::MAX,
        },
    ]
}

/// Every API format and every limit set over `body`.
pub fn check_body(body: &[u8]) {
    for api in APIS {
        for limits in limits() {
            check_one(body, api, &limits);
        }
    }
}

fn check_one(body: &[u8], api: ApiFormat, limits: &ExtractLimits) {
    let x = match extract(body, api, limits) {
        Ok(x) => x,
        Err(ExtractError::NotJson { .. } | ExtractError::WrongShape { .. }) => {
            assert_ne!(
                api,
                ApiFormat::Auto,
                "auto mode refused a body by syntax or shape"
            );
            return;
        }
        Err(ExtractError::DuplicateKey) => {
            // Only JSON can name a member twice. The extractor reads JSON
            // behind a byte-order mark or in UTF-16, so ask serde_json about
            // the same text it read.
            assert!(
                serde_json::from_slice::<Value>(&json_text(body)).is_ok(),
                "a body refused for a repeated name is not JSON"
            );
            return;
        }
        Err(_) => return, // a limit
    };
    let total: usize = x.segments().iter().map(|s| s.text.len()).sum();
    assert_eq!(
        total,
        x.text_bytes(),
        "text_bytes is the sum of the segments"
    );
    assert!(
        x.text_bytes() <= limits.max_text_bytes,
        "text over the limit"
    );
    assert!(
        x.segments().iter().all(|s| !s.text.is_empty()),
        "an empty segment"
    );
    if x.is_json() {
        check_json(body, &x);
    } else {
        check_plain(body, &x);
    }
}

fn check_json(body: &[u8], x: &Extraction) {
    assert_ne!(x.shape(), Shape::PlainText);
    let doc: Value = serde_json::from_slice(&json_text(body))
        .unwrap_or_else(|e| panic!("extraction read JSON that serde_json refuses: {e}"));
    for (i, seg) in x.segments().iter().enumerate() {
        match value_at(&doc, &seg.location) {
            Some(Value::String(s)) => {
                assert_eq!(
                    s, &seg.text,
                    "segment {i} text differs from {}",
                    seg.location
                )
            }
            other => panic!("segment {i} location {} holds {other:?}", seg.location),
        }
    }
    if x.segments().is_empty() {
        return;
    }
    // Every segment, whole.
    let all: Vec<Redaction> = (0..x.segments().len())
        .map(|segment| Redaction {
            segment,
            span: 0..x.segments()[segment].text.len(),
            kind: "FUZZ".into(),
        })
        .collect();
    let out = x.redact(&all).expect("whole-segment redaction");
    let redacted: Value = serde_json::from_slice(&out.body).expect("redacted body is JSON");
    for seg in x.segments() {
        match value_at(&redacted, &seg.location) {
            Some(Value::String(s)) => assert!(
                s.starts_with("[FUZZ_") && s.ends_with(']'),
                "{} holds {s:?} after redaction",
                seg.location
            ),
            other => panic!("{} holds {other:?} after redaction", seg.location),
        }
    }
    // A piece of the longest segment, on character boundaries.
    let (segment, seg) = x
        .segments()
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| s.text.len())
        .expect("a segment");
    let bounds: Vec<usize> = (0..=seg.text.len())
        .filter(|&o| seg.text.is_char_boundary(o))
        .collect();
    let span = bounds[bounds.len() / 3]..bounds[bounds.len() * 2 / 3];
    let piece = Redaction {
        segment,
        span: span.clone(),
        kind: "PART".into(),
    };
    let out = x.redact(&[piece]).expect("partial redaction");
    let redacted: Value = serde_json::from_slice(&out.body).expect("redacted body is JSON");
    let expected = if span.is_empty() {
        seg.text.clone()
    } else {
        format!(
            "{}[PART_1]{}",
            &seg.text[..span.start],
            &seg.text[span.end..]
        )
    };
    assert_eq!(
        value_at(&redacted, &seg.location),
        Some(&Value::String(expected)),
        "partial redaction at {}",
        seg.location
    );
}

fn check_plain(body: &[u8], x: &Extraction) {
    assert_eq!(x.shape(), Shape::PlainText);
    assert!(x.segments().len() <= 1);
    assert!(x.segments().iter().all(|s| s.location.is_root()));
    let out = x.redact(&[]).expect("empty redaction");
    assert_eq!(out.body, body, "plain text changed without a redaction");
    if let Some(seg) = x.segments().first() {
        let whole = Redaction {
            segment: 0,
            span: 0..seg.text.len(),
            kind: "FUZZ".into(),
        };
        assert_eq!(
            x.redact(&[whole]).expect("whole redaction").body,
            b"[FUZZ_1]"
        );
    }
}

/// The value a location names, read independently of the crate. A key step
/// names a member spelt exactly so or, when there is none, one spelt so to a
/// case-insensitive reader (Go's `encoding/json` also folds `ſ` to `s`, .NET
/// `ı` to `i`).
fn value_at<'v>(doc: &'v Value, location: &Location) -> Option<&'v Value> {
    let fold = |k: &str| {
        k.replace('\u{17F}', "s")
            .replace('\u{131}', "i")
            .to_lowercase()
    };
    location
        .steps()
        .iter()
        .try_fold(doc, |v, step| match (step, v) {
            (PathStep::Key(k), Value::Object(map)) => map
                .get(k.as_ref())
                .or_else(|| map.iter().find(|(m, _)| fold(m) == fold(k)).map(|(_, v)| v)),
            (PathStep::Index(i), Value::Array(items)) => items.get(*i),
            _ => None,
        })
}
