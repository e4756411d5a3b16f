//! L1 throughput: normalization views plus the keyword scan, as the pipeline runs
//! them, on 1 KB, 8 KB and 64 KB bodies of corpus text.
//!
//! Rules: `PROMPTGATE_RULES_DIR` if set, else the packs embedded at build time,
//! else the engine's test packs. `cargo bench --bench keywords`.

use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use promptgate::detect::keywords::KeywordGuard;
use promptgate::normalize::Normalizer;

#[path = "common/corpus_text.rs"]
mod corpus_text;

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

fn bench(c: &mut Criterion) {
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
