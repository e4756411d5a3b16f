//! L0 cache and telemetry costs on the request path: the cache key over a
//! typical prompt, an in-process hit, a miss with no Redis, a put, and
//! recording a decision's metrics with the Prometheus recorder installed.
//!
//! Run: `cargo bench --bench ops`. Results are checked once before timing.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use promptgate::detect::Layer;
use promptgate::detect::cache::CacheOptions;
use promptgate::detect::cache::{CachedVerdict, VerdictCache};
use promptgate::pipeline::Decision;
use promptgate::policy::Mode;

fn verdict() -> CachedVerdict {
    CachedVerdict {
        blocked: true,
        layer: Layer::L1,
        categories: vec!["instruction_override".into()],
        rule_ids: vec!["en.override.ignore_previous".into()],
        l2_score: None,
        roles: promptgate::types::RoleSet::empty(),
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let text = "Summarize the following meeting notes for the team. ".repeat(40);
    let fingerprint = [7u8; 32];
    let mut group = c.benchmark_group("l0");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("key_2k_text", |b| {
        b.iter(|| VerdictCache::key(black_box(&fingerprint), black_box(&text)))
    });
    group.finish();

    let cache = VerdictCache::new(&CacheOptions::default()).expect("memory cache");
    let key = VerdictCache::key(&fingerprint, &text);
    cache.put(key, verdict());
    let absent = VerdictCache::key(&fingerprint, "not cached");
    assert_eq!(runtime.block_on(cache.get(&key)), Some(verdict()));
    assert_eq!(runtime.block_on(cache.get(&absent)), None);
    let mut group = c.benchmark_group("l0_memory");
    group.bench_function("get_hit", |b| {
        b.iter(|| runtime.block_on(cache.get(black_box(&key))))
    });
    group.bench_function("get_miss", |b| {
        b.iter(|| runtime.block_on(cache.get(black_box(&absent))))
    });
    let mut i = 0u64;
    group.bench_function("put", |b| {
        b.iter(|| {
            i += 1;
            cache.put(
                VerdictCache::key_bytes(&fingerprint, &i.to_le_bytes()),
                verdict(),
            )
        })
    });
    group.finish();

    runtime
        .block_on(promptgate::telemetry::serve_metrics(
            "127.0.0.1:0",
            "/metrics",
        ))
        .expect("metrics recorder");
    let decision = Decision::allow();
    let route = promptgate::telemetry::RouteCounters::new("42".into());
    c.bench_function("telemetry/record_decision", |b| {
        b.iter(|| {
            promptgate::telemetry::record_decision(
                black_box(&route),
                black_box(&decision),
                Mode::Enforce,
                Duration::from_micros(80),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
