//! Streamed answers (issue 18): runner CPU per chunk of an OpenAI stream
//! through `AnswerStream` (the work of one StreamChunk, without the socket),
//! over a 2 KB and a 16 KB answer sent one token-sized event per chunk, as
//! ai-proxy forwards them; with the defaults plus a canary (L1.5 and the
//! output checks; holdback 256 characters).
//!
//! Before timing, each answer is fed once and checked (nothing found, every
//! byte released by the end) and what the client waits for is printed: how
//! many characters of text had come before the first release, and the bytes
//! held back after each chunk (mean and largest).
//!
//! Run: `cargo bench --bench stream`. Time is thread CPU time; the reported
//! time is per answer and `elem/s` counts chunks.

#[path = "common/cpu_time.rs"]
mod cpu_time;

use std::hint::black_box;
use std::sync::Arc;

use cpu_time::CpuTime;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use promptgate::pipeline::{AnswerStream, Engines, RoutePolicy, StreamOutcome};
use promptgate::policy::{RouteConf, load_config_str};
use promptgate::runtime::Runtime;

const CONFIG: &str = "[policy.l2]\nenabled = false\n[policy.response]\nenabled = true\n\
                      canaries = [\"PG-CANARY-5d2e9a71\"]\n";

const PROSE: &str = "The quarterly report shows steady growth in the northern region, \
    driven by new contracts and lower churn. Costs rose slightly because of hiring, \
    but margins held. Next quarter the team plans to expand the support desk, review \
    supplier terms and publish the updated roadmap for customers. ";

/// An OpenAI stream of about `bytes` bytes of text, one event per ~4 characters.
fn chunks(bytes: usize) -> (Vec<Vec<u8>>, usize) {
    let text: String = PROSE.chars().cycle().take(bytes).collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for token in chars.chunks(4) {
        let delta: String = token.iter().collect();
        let event = serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": {"content": delta}, "finish_reason": null}]
        });
        out.push(format!("data: {event}\n\n").into_bytes());
    }
    out.push(b"data: [DONE]\n\n".to_vec());
    (out, chars.len())
}

fn feed(runtime: &Runtime, policy: &RoutePolicy, chunks: &[Vec<u8>]) -> (usize, Vec<usize>) {
    let mut s = AnswerStream::new(Arc::clone(&runtime.pipeline), policy.clone(), None);
    let mut released = 0;
    let mut held = Vec::with_capacity(chunks.len());
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.iter().enumerate() {
        let step = s.push(black_box(chunk), i == last);
        assert_eq!(step.outcome, StreamOutcome::Continue);
        released += step.release.len();
        held.push(step.held);
    }
    (released, held)
}

fn bench(c: &mut Criterion<CpuTime>) {
    let config = load_config_str(CONFIG, "bench", std::iter::empty()).expect("config");
    let runtime = Runtime::build(config, 1, &Engines::none()).expect("runtime");
    let policy = runtime.resolve(&RouteConf::default()).expect("policy");
    let mut group = c.benchmark_group("stream");
    for size in [2048usize, 16384] {
        let (chunks, chars) = chunks(size);
        let total: usize = chunks.iter().map(Vec::len).sum();
        // Checked once: every byte released, nothing changed.
        let (released, held) = feed(&runtime, &policy, &chunks);
        assert_eq!(released, total);
        let first = {
            let mut s = AnswerStream::new(Arc::clone(&runtime.pipeline), policy.clone(), None);
            chunks
                .iter()
                .position(|c| !s.push(c, false).release.is_empty())
                .map_or(chars, |i| (i + 1) * 4)
        };
        eprintln!(
            "stream_{size}: {} chunks, {total} bytes; first release after {first} characters \
             of text; held after each chunk: mean {} bytes, largest {} bytes",
            chunks.len(),
            held.iter().sum::<usize>() / held.len(),
            held.iter().max().copied().unwrap_or(0),
        );
        group.throughput(Throughput::Elements(chunks.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("openai_chunks", size),
            &chunks,
            |b, chunks| b.iter(|| feed(&runtime, &policy, chunks)),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench
}
criterion_main!(benches);
