//! L1.5 throughput: `PiiShield::scan` over corpus-derived texts of 1 KB, 8 KB and
//! 64 KB, with PII (sentences from `pii.jsonl`) and without (prompts from
//! `benign.jsonl`). Inputs are built once; the finding count is checked before timing
//! so that a fast wrong answer cannot pass.
//!
//! Run: `cargo bench --bench pii` (criterion reports throughput in MiB/s).

use std::hint::black_box;
use std::path::PathBuf;

#[path = "common/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use promptgate::detect::pii::{PiiConfig, PiiShield};

fn corpus_dir() -> PathBuf {
    promptgate::eval::corpus_dir().expect("shared corpus not found: set PROMPTGATE_CORPUS_DIR")
}

fn texts(file: &str, category: Option<&str>) -> Vec<String> {
    let data = std::fs::read_to_string(corpus_dir().join(file)).expect("corpus file is readable");
    data.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| category.is_none_or(|c| v["category"] == c))
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect()
}

/// Concatenates `pool` (cycling) into a text of about `size` bytes.
fn build(pool: &[String], size: usize) -> String {
    let mut out = String::with_capacity(size + 4096);
    for t in pool.iter().cycle() {
        if out.len() >= size {
            break;
        }
        out.push_str(t);
        out.push('\n');
    }
    let mut end = size.min(out.len());
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

fn bench_pii(c: &mut Criterion<CpuTime>) {
    let shield = PiiShield::new(&PiiConfig::default()).expect("built-in anchors compile");
    let clean = texts("benign.jsonl", None);
    let pii = texts("pii.jsonl", Some("pii"));
    let mut group = c.benchmark_group("l15_pii");
    for size in [1024, 8 * 1024, 64 * 1024] {
        for (name, pool) in [("benign", &clean), ("with_pii", &pii)] {
            let text = build(pool, size);
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
