//! Normalization throughput on 1 KB, 8 KB and 64 KB bodies of corpus text.
//!
//! `cargo bench --bench normalize`; criterion reports MB/s (bytes of original text).

use cpu_time::CpuTime;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use promptgate::normalize::Normalizer;

#[path = "common/corpus_text.rs"]
mod corpus_text;
#[path = "common/cpu_time.rs"]
mod cpu_time;

fn bench(c: &mut Criterion<CpuTime>) {
    let benign = corpus_text::texts("benign.jsonl");
    let attacks = corpus_text::texts("attacks.jsonl");
    let n = Normalizer::new();
    let mut g = c.benchmark_group("normalize");
    for (label, texts) in [("benign", &benign), ("attacks", &attacks)] {
        for (size, name) in corpus_text::SIZES {
            let body = corpus_text::body_of(texts, size);
            // Verdict before timing: the folded view always exists.
            assert!(!n.views(&body).folded().text.is_empty());
            g.throughput(Throughput::Bytes(body.len() as u64));
            g.bench_with_input(
                BenchmarkId::new(format!("views/{label}"), name),
                &body,
                |b, body| b.iter(|| n.views(body)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("canonical/{label}"), name),
                &body,
                |b, body| b.iter(|| n.canonical(body)),
            );
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench
}
criterion_main!(benches);
