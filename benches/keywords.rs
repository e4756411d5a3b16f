//! L1 throughput: normalization views plus the keyword scan, as the pipeline runs
//! them, on 1 KB, 8 KB and 64 KB bodies of corpus text.
//!
//! Also `l1_l15`: L1 and L1.5 together on benign text up to 1 MB (the cost-growth
//! target of ARCHITECTURE.md). Times are thread CPU time (`common/cpu_time.rs`).
//!
//! Rules: `PROMPTGATE_RULES_DIR` if set, else the packs embedded at build time,
//! else the engine's test packs. `cargo bench --bench keywords`.

use std::path::{Path, PathBuf};

use cpu_time::CpuTime;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use promptgate::detect::keywords::KeywordGuard;
use promptgate::detect::pii::{PiiConfig, PiiShield};
use promptgate::normalize::Normalizer;

#[path = "common/corpus_text.rs"]
mod corpus_text;
#[path = "common/cpu_time.rs"]
mod cpu_time;

fn guard() -> KeywordGuard {
    if let Ok(d) = std::env::var("PROMPTGATE_RULES_DIR") {
        return KeywordGuard::from_dir(Path::new(&d)).expect("rules dir compiles");
    }
    let g = KeywordGuard::embedded().expect("embedded packs compile");
    if g.rule_count() > 0 {
        return g;
    }
    let test_packs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/detect/keywords/testdata");
    KeywordGuard::from_dir(&test_packs).expect("test packs compile")
}

fn bench(c: &mut Criterion<CpuTime>) {
    let benign = corpus_text::texts("benign.jsonl");
    let attacks = corpus_text::texts("attacks.jsonl");
    let n = Normalizer::new();
    let g = guard();
    eprintln!("keywords bench: {} rules", g.rule_count());
    let mut grp = c.benchmark_group("keywords");
    for (label, texts) in [("benign", &benign), ("attacks", &attacks)] {
        for (size, name) in corpus_text::SIZES {
            let body = corpus_text::body_of(texts, size);
            let views = n.views(&body);
            let mut out = Vec::new();
            g.scan(&views, 0, &mut out);
            eprintln!(
                "{label}/{name}: {} views, {} findings",
                views.len(),
                out.len()
            );
            grp.throughput(Throughput::Bytes(body.len() as u64));
            grp.bench_with_input(
                BenchmarkId::new(format!("views+scan/{label}"), name),
                &body,
                |b, body| {
                    let mut out = Vec::new();
                    b.iter(|| {
                        out.clear();
                        g.scan(&n.views(body), 0, &mut out);
                        out.len()
                    })
                },
            );
            grp.bench_with_input(
                BenchmarkId::new(format!("scan_only/{label}"), name),
                &views,
                |b, views| {
                    let mut out = Vec::new();
                    b.iter(|| {
                        out.clear();
                        g.scan(views, 0, &mut out);
                        out.len()
                    })
                },
            );
        }
    }
    grp.finish();

    // The ARCHITECTURE.md targets: L1 (views + keyword scan) and L1.5 (PII) together
    // on benign text, per core, up to a 1 MB prompt.
    let shield = PiiShield::new(&PiiConfig::default()).expect("built-in PII anchors compile");
    let mut grp = c.benchmark_group("l1_l15");
    for (size, name) in corpus_text::SIZES.into_iter().chain([(1024 * 1024, "1MB")]) {
        let body = corpus_text::body_of(&benign, size);
        grp.throughput(Throughput::Bytes(body.len() as u64));
        if size > 64 * 1024 {
            grp.sample_size(10);
        }
        grp.bench_with_input(BenchmarkId::new("benign", name), &body, |b, body| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                g.scan(&n.views(body), 0, &mut out);
                shield.scan(body, 0, &mut out);
                out.len()
            })
        });
    }
    grp.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench
}
criterion_main!(benches);
