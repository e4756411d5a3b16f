//! L2 latency by prompt length on one core (one slot, intra-op threads = 1).
//!
//! Run: `scripts/setup-onnxruntime.sh && cargo bench --bench classifier`.
//! Targets (ARCHITECTURE.md): L2 on 2 KB of text in any language <= 40 µs of CPU
//! (`corpus_bytes/2048`).

use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use promptgate::detect::classifier::{Classifier, LoadOptions};

#[path = "common/corpus_text.rs"]
#[allow(dead_code)]
mod corpus_text;

/// A benign text of about `tokens` WordPiece tokens (each sentence is ~16 tokens).
fn text_of(tokens: usize) -> String {
    let sentence = "Please summarise the meeting notes about the garden budget for next week.";
    let n = tokens.div_ceil(16).max(1);
    vec![sentence; n].join(" ")
}

fn bench(c: &mut Criterion) {
    // `l2_score`: the defaults (the shipped graph evaluated natively, tested equal to
    // ONNX Runtime); `l2_score_onnxruntime`: every window run in ONNX Runtime.
    // `tokens/N`: one repeated English sentence of about N tokens;
    // `corpus_bytes/N`: N bytes of the multilingual benign test corpus, as
    // prompts arrive (non-ASCII text takes the tokenizer's slow path).
    let benign = corpus_text::texts("benign.jsonl");
    for (group_name, native_graph) in [("l2_score", true), ("l2_score_onnxruntime", false)] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/minilm-static-v1");
        let config = LoadOptions {
            pool_size: 1,
            intra_op_threads: 1,
            native_graph,
            ..LoadOptions::default()
        };
        let classifier = match Classifier::load(&dir, &config) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("classifier bench skipped: {e}");
                return;
            }
        };
        let mut group = c.benchmark_group(group_name);
        group.sample_size(20);
        for tokens in [32usize, 128, 512, 2048] {
            let text = text_of(tokens);
            group.bench_with_input(BenchmarkId::new("tokens", tokens), &text, |b, t| {
                b.iter(|| classifier.score_blocking(t).expect("scoring"))
            });
        }
        for bytes in [512usize, 2048, 8192] {
            let text = corpus_text::body_of(&benign, bytes);
            group.bench_with_input(BenchmarkId::new("corpus_bytes", bytes), &text, |b, t| {
                b.iter(|| classifier.score_blocking(t).expect("scoring"))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
