//! Frame codec benchmarks: decoding APISIX's HTTPReqCall and building the three
//! replies a decision turns into, on the hot path's reusable buffers.
//!
//! Run: `cargo bench --bench protocol`. Every input is checked once before timing,
//! so a fast wrong answer fails instead of reporting a number.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use promptgate::protocol::{
    self, Entry, FlatBufferBuilder, HEADER_LEN, Rewrite, RpcType, Stop, peer,
};

/// A typical LLM API request as APISIX forwards it: 20 lower-cased headers.
fn req_call_frame() -> Vec<u8> {
    let names: Vec<String> = (0..14).map(|i| format!("x-custom-header-{i}")).collect();
    let mut headers: Vec<Entry<'_>> = vec![
        (b"host", Some(b"api.example.com")),
        (b"content-type", Some(b"application/json")),
        (b"content-length", Some(b"2048")),
        (
            b"authorization",
            Some(b"Bearer sk-0123456789abcdef0123456789abcdef"),
        ),
        (b"user-agent", Some(b"OpenAI/Python 1.40.0")),
        (b"accept", Some(b"application/json")),
    ];
    headers.extend(
        names
            .iter()
            .map(|n| (n.as_bytes(), Some(&b"some header value"[..]))),
    );
    assert_eq!(headers.len(), 20);
    let mut fbb = FlatBufferBuilder::new();
    let mut out = Vec::new();
    peer::encode_http_req_call_req(
        &mut fbb,
        &mut out,
        &peer::ReqCall {
            id: 12345,
            src_ip: &[10, 1, 2, 3],
            method: 2,
            path: Some(b"/v1/chat/completions"),
            args: &[(b"api-version", Some(b"2024-06-01"))],
            headers: &headers,
            conf_token: 0x5eed_cafe,
        },
    )
    .expect("a 20-header request fits a frame");
    out
}

fn bench_decode(c: &mut Criterion) {
    let frame = req_call_frame();
    let payload = &frame[HEADER_LEN..];
    let call = protocol::decode_http_req_call(payload).expect("valid request");
    assert_eq!((call.headers.len(), call.conf_token), (20, 0x5eed_cafe));
    assert_eq!(call.header(b"Content-Length"), Some(&b"2048"[..]));

    let mut group = c.benchmark_group("protocol/decode");
    group.throughput(Throughput::Bytes(frame.len() as u64));
    group.bench_function("http_req_call_20_headers", |b| {
        b.iter(|| {
            let frame = protocol::parse_frame(black_box(&frame)).expect("whole frame");
            let call = protocol::decode_http_req_call(frame.payload).expect("valid request");
            black_box(call.header(b"content-length"));
        })
    });
    group.finish();
}

fn bench_encode(c: &mut Criterion) {
    let body = vec![b'x'; 2048];
    let headers: &[Entry<'_>] = &[
        (b"content-type", Some(b"application/json")),
        (b"x-promptgate-verdict", Some(b"block")),
    ];
    let stop = Stop {
        status: 403,
        headers,
        body: &body,
    };
    let rewrite = Rewrite {
        path: None,
        headers: &[(b"content-type", Some(b"application/json"))],
        args: &[],
        resp_headers: &[(b"x-promptgate-redacted", Some(b"email=2,phone=1"))],
        body: Some(&body),
    };

    let mut fbb = FlatBufferBuilder::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    protocol::encode_req_call_stop(&mut fbb, &mut out, 1, &stop).expect("fits");
    assert!(matches!(
        peer::decode_http_req_call_resp(&out[HEADER_LEN..]).expect("decodes").action,
        peer::Action::Stop { status: 403, ref body, .. } if body.len() == 2048
    ));
    protocol::encode_req_call_rewrite(&mut fbb, &mut out, 1, &rewrite).expect("fits");
    assert!(matches!(
        peer::decode_http_req_call_resp(&out[HEADER_LEN..]).expect("decodes").action,
        peer::Action::Rewrite { body: Some(ref b), .. } if b.len() == 2048
    ));
    protocol::encode_req_call_continue(&mut fbb, &mut out, 1).expect("fits");
    assert_eq!(out[0], RpcType::HttpReqCall.as_u8());

    let mut group = c.benchmark_group("protocol/encode");
    group.bench_function("continue", |b| {
        b.iter(|| {
            protocol::encode_req_call_continue(&mut fbb, &mut out, black_box(7)).expect("fits");
            black_box(out.len());
        })
    });
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("stop_2k_body", |b| {
        b.iter(|| {
            protocol::encode_req_call_stop(&mut fbb, &mut out, 7, black_box(&stop)).expect("fits");
            black_box(out.len());
        })
    });
    group.bench_function("rewrite_2k_body", |b| {
        b.iter(|| {
            protocol::encode_req_call_rewrite(&mut fbb, &mut out, 7, black_box(&rewrite))
                .expect("fits");
            black_box(out.len());
        })
    });
    group.finish();
}

criterion_group!(benches, bench_decode, bench_encode);
criterion_main!(benches);
