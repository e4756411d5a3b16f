//! L1.5 throughput: `PiiShield::scan` over corpus-derived texts of 1 KB, 8 KB and
//! 64 KB, with PII (sentences from `pii.jsonl`) and without (prompts from
//! `benign.jsonl`). Inputs are built once; the finding count is checked before timing
//! so that a fast wrong answer cannot pass.
//!
//! Run: `cargo bench --bench pii` (criterion reports throughput in MiB/s).

use std::hint::black_box;
#[path = "common/corpus_text.rs"]
#[allow(dead_code)] // `texts` (unfiltered) is not used here: this bench reads by category
mod corpus_text;
#[path = "common/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use promptgate::detect::pii::{PiiConfig, PiiShield};

fn bench_pii(c: &mut Criterion<CpuTime>) {
    let shield = PiiShield::new(&PiiConfig::default()).expect("built-in anchors compile");
    let clean = corpus_text::texts_in("benign.jsonl", None);
    let pii = corpus_text::texts_in("pii.jsonl", Some("pii"));
    let mut group = c.benchmark_group("l15_pii");
    for (size, _) in corpus_text::SIZES {
        for (name, pool) in [("benign", &clean), ("with_pii", &pii)] {
            let text = corpus_text::body_of(pool, size);
            let mut out = Vec::new();
            shield.scan(&text, 0, &mut out);
            // pii.jsonl sentences carry about one finding per 50 bytes.
            if name == "with_pii" {
                assert!(
                    out.len() * 200 >= text.len(),
                    "with_pii text must carry findings ({})",
                    out.len()
                );
            }
            eprintln!("l15_pii/{name}/{size}: {} findings", out.len());
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_function(format!("{name}/{size}"), |b| {
                let mut out = Vec::with_capacity(4096);
                b.iter(|| {
                    out.clear();
                    shield.scan(black_box(&text), 0, &mut out);
                    black_box(out.len())
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench_pii
}
criterion_main!(benches);
