//! The seeds of the `frame` corpus: frames of every message both sides send,
//! and streams around them.

use promptgate::protocol::{FlatBufferBuilder, HEADER_LEN};

use super::entries::Pairs;
use super::inbound::{ApisixMsg, encode_apisix_msg};
use super::replies::{RunnerMsg, encode_runner_msg};

/// Frames of every message both sides send, and streams around them; written
/// to the corpus by the ignored test `harness::write_seeds`, and used in memory always.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let mut fbb = FlatBufferBuilder::new();
    let headers: Pairs = vec![
        (b"content-type".to_vec(), Some(b"application/json".to_vec())),
        (b"content-length".to_vec(), Some(b"42".to_vec())),
        (b"x-empty".to_vec(), Some(Vec::new())),
        (b"x-none".to_vec(), None),
        (b"x-\xff\xfe".to_vec(), Some(b"\xc3\x28 not utf-8".to_vec())),
    ];
    let inbound = [
        (
            "prepare-conf",
            ApisixMsg::PrepareConf {
                conf: Some(vec![(
                    b"promptgate".to_vec(),
                    Some(br#"{"policy":"default","api":"openai"}"#.to_vec()),
                )]),
                key: Some(b"route#1#ext-plugin-pre-req#1".to_vec()),
            },
        ),
        (
            "prepare-conf-absent",
            ApisixMsg::PrepareConf {
                conf: None,
                key: None,
            },
        ),
        (
            "req-call",
            ApisixMsg::ReqCall {
                id: 7,
                src_ip: vec![127, 0, 0, 1],
                method: 2,
                path: Some(b"/v1/chat/completions".to_vec()),
                args: vec![(b"a".to_vec(), Some(b"1".to_vec())), (b"z".to_vec(), None)],
                headers: headers.clone(),
                conf_token: 1,
            },
        ),
        (
            "req-call-ipv6-bad-method",
            ApisixMsg::ReqCall {
                id: u32::MAX,
                src_ip: vec![0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                method: 200,
                path: None,
                args: Vec::new(),
                headers: Vec::new(),
                conf_token: 0,
            },
        ),
        (
            "extra-info-resp",
            ApisixMsg::ExtraInfo(Some(
                br#"{"messages":[{"role":"user","content":"hi"}]}"#.to_vec(),
            )),
        ),
        ("extra-info-resp-absent", ApisixMsg::ExtraInfo(None)),
        (
            "extra-info-resp-empty",
            ApisixMsg::ExtraInfo(Some(Vec::new())),
        ),
        (
            "resp-call",
            ApisixMsg::RespCall {
                id: 9,
                status: 200,
                headers: headers.clone(),
                conf_token: 1,
            },
        ),
    ];
    let outbound = [
        ("reply-err", RunnerMsg::Err(2)),
        ("reply-token", RunnerMsg::Token(1)),
        ("reply-continue", RunnerMsg::Continue(7)),
        (
            "reply-stop",
            RunnerMsg::Stop {
                id: 7,
                status: 403,
                headers: headers.clone(),
                body: br#"{"error":"blocked"}"#.to_vec(),
            },
        ),
        (
            "reply-rewrite",
            RunnerMsg::Rewrite {
                id: 7,
                path: Some(b"/p".to_vec()),
                headers: headers.clone(),
                args: headers.clone(),
                resp_headers: headers.clone(),
                body: Some(br#"{"messages":[]}"#.to_vec()),
            },
        ),
        ("reply-var", RunnerMsg::Var(b"route_id".to_vec())),
        ("reply-req-body", RunnerMsg::ReqBody),
        ("reply-resp-body", RunnerMsg::RespBody),
        (
            "reply-resp-call",
            RunnerMsg::RespCall {
                id: 9,
                status: 201,
                headers,
                body: b"x".to_vec(),
            },
        ),
    ];
    let mut seeds: Vec<(&'static str, Vec<u8>)> = inbound
        .iter()
        .map(|(name, m)| (*name, encode_apisix_msg(&mut fbb, m)))
        .collect();
    seeds.extend(
        outbound
            .iter()
            .map(|(name, m)| (*name, encode_runner_msg(&mut fbb, m).expect("seed encodes"))),
    );
    let frame = |name: &str| -> Vec<u8> {
        seeds
            .iter()
            .find(|(n, _)| *n == name)
            .expect("seed")
            .1
            .clone()
    };
    // A whole call as APISIX sends it on one connection, then one cut mid-frame.
    let call = [
        frame("prepare-conf"),
        frame("req-call"),
        frame("extra-info-resp"),
    ]
    .concat();
    let cut = call[..call.len() - 5].to_vec();
    let mut huge = vec![2, 0xff, 0xff, 0xff];
    huge.extend_from_slice(&frame("req-call")[HEADER_LEN..]);
    let mut zero = vec![1, 0, 0, 0];
    zero.extend_from_slice(&frame("prepare-conf"));
    let mut unknown = frame("req-call");
    unknown[0] = 9;
    // A right header around a flatbuffer whose root offset points past the end.
    let garbage = vec![2, 0, 0, 8, 0xf0, 0xff, 0xff, 0x7f, 0, 0, 0, 0];
    seeds.extend([
        ("stream-call", call),
        ("stream-cut", cut),
        ("header-announces-16mib", huge),
        ("header-only-partial", vec![2, 0, 0]),
        ("zero-length-then-frame", zero),
        ("unknown-type", unknown),
        ("garbage-root-offset", garbage),
    ]);
    seeds
}
