//! Extraction and redaction throughput on OpenAI chat bodies of 1, 8 and 64 KB.
//!
//! Bodies are built once from the corpus's benign texts (user and assistant turns,
//! every fourth user turn carrying an e-mail address) before anything is timed;
//! the segment and redaction counts are checked first, so a fast wrong answer
//! fails. Run: `cargo bench --bench extract`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use promptgate::extract::{ApiFormat, ExtractLimits, Redaction, extract};
use serde_json::{Value, json};

#[path = "common/corpus_text.rs"]
#[allow(dead_code)] // only `texts` is used here
mod corpus_text;

fn benign_texts() -> Vec<String> {
    corpus_text::texts("benign.jsonl")
}

/// A chat body of at least `size` bytes; returns it with its message count and
/// how many e-mail addresses it holds.
fn chat_body(texts: &[String], size: usize) -> (Vec<u8>, usize, usize) {
    let mut messages = vec![json!({"role": "system", "content": "You are a helpful assistant."})];
    let mut bytes = 120;
    let mut emails = 0;
    let mut i = 0;
    while bytes < size {
        let text = &texts[i % texts.len()];
        let (role, content) = if i % 2 == 0 {
            if i % 8 == 0 {
                emails += 1;
                (
                    "user",
                    format!("{text} Reach me at user{i}@example.com please."),
                )
            } else {
                ("user", text.clone())
            }
        } else {
            ("assistant", text.clone())
        };
        bytes += content.len() + 40;
        messages.push(json!({"role": role, "content": content}));
        i += 1;
    }
    let n = messages.len();
    let body = json!({"model": "gpt-4o-mini", "temperature": 0.2, "messages": messages});
    (
        serde_json::to_vec(&body).expect("bench body serializes"),
        n,
        emails,
    )
}

fn bench(c: &mut Criterion) {
    let texts = benign_texts();
    assert!(texts.len() > 100, "corpus has benign texts");
    let limits = ExtractLimits::default();
    let email = Arc::<str>::from("EMAIL");
    for (label, size) in [("1KB", 1 << 10), ("8KB", 8 << 10), ("64KB", 64 << 10)] {
        let (body, messages, emails) = chat_body(&texts, size);
        let x = extract(&body, ApiFormat::OpenAi, &limits).expect("bench body extracts");
        assert_eq!(x.segments().len(), messages, "one segment per message");
        let reds: Vec<Redaction> = x
            .segments()
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let at = s.text.find("@example.com")?;
                let start = s.text[..at].rfind(' ')? + 1;
                Some(Redaction {
                    segment: i,
                    span: start..at + 12,
                    kind: email.clone(),
                })
            })
            .collect();
        assert_eq!(reds.len(), emails, "every e-mail found");
        let redacted = x.redact(&reds).expect("bench redaction");
        assert_eq!(redacted.counts, vec![(email.clone(), emails)]);

        let mut g = c.benchmark_group("extract");
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(format!("openai_chat/{label}"), |b| {
            b.iter(|| {
                extract(black_box(&body), ApiFormat::OpenAi, &limits).map(|x| x.segments().len())
            })
        });
        g.bench_function(format!("auto_chat/{label}"), |b| {
            b.iter(|| {
                extract(black_box(&body), ApiFormat::Auto, &limits).map(|x| x.segments().len())
            })
        });
        // Reference points: the parse alone, into a tree and into nothing.
        g.bench_function(format!("serde_value_only/{label}"), |b| {
            b.iter(|| serde_json::from_slice::<Value>(black_box(&body)).map(|v| v.is_object()))
        });
        g.bench_function(format!("serde_validate_only/{label}"), |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&body)).is_ok())
        });
        g.finish();

        let mut g = c.benchmark_group("redact");
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(format!("openai_chat/{label}"), |b| {
            b.iter(|| x.redact(black_box(&reds)).map(|r| r.body.len()))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
