//! Target `frame`: the frame reader and every RPC decoder.
//!
//! * Any byte stream, written to a real socket in arbitrary chunks, comes out of
//!   the server's frame reader ([`Connection::read_frame`]) as exactly the frames
//!   the pure splitter ([`parse_frame`]) finds, then a clean end or
//!   `ClosedMidFrame` with the leftover byte count. Truncated headers and
//!   announced lengths up to 16 MiB with short payloads included.
//! * Every frame and every raw payload goes through every decoder of both
//!   sides (runner: `decode_inbound`; APISIX: `peer::decode_reply`) for every
//!   type byte: errors are fine, panics are not.
//! * Messages generated from their parts, encoded with the project's encoders,
//!   decode back to those parts (round trip), in both directions.

use proptest::prelude::*;

use promptgate::protocol::peer::{
    self, Action, InfoReq, OwnedEntry, Reply, ReqCall, encode_extra_info_resp,
    encode_http_req_call_req, encode_http_resp_call_req, encode_prepare_conf_req,
};
use promptgate::protocol::{
    self, Entry, ErrCode, FlatBufferBuilder, HEADER_LEN, Inbound, MAX_PAYLOAD, Rewrite, RpcType,
    Stop, encode_err, encode_extra_info_req_body, encode_extra_info_resp_body,
    encode_extra_info_var, encode_prepare_conf_resp, encode_req_call_continue,
    encode_req_call_rewrite, encode_req_call_stop, encode_resp_call_resp, parse_frame,
};
use promptgate::server::{ConnError, Connection};

use crate::support::{self, Hex, Seed};

/// The corpus folder name.
pub const TARGET: &str = "frame";

/// An owned header, arg or conf entry: name and optional value.
type Pair = (Vec<u8>, Option<Vec<u8>>);
type Pairs = Vec<Pair>;

// === the checks ===

/// Feeds `stream` through the server's frame reader, written in pieces of the
/// given sizes (cycled), and compares with the pure splitter. Then decodes
/// every frame.
fn check_stream(stream: &[u8], pieces: &[usize]) {
    let (frames, rest) = split(stream);
    let (read, end) = read_through_socket(stream, pieces);
    assert_eq!(read.len(), frames.len(), "frame count");
    for (i, ((ty, payload), frame)) in read.iter().zip(&frames).enumerate() {
        assert_eq!(*ty, frame.ty, "type of frame {i}");
        assert_eq!(&payload[..], frame.payload, "payload of frame {i}");
    }
    match end {
        Ok(None) => assert!(rest.is_empty(), "clean end with {} bytes left", rest.len()),
        Err(ConnError::ClosedMidFrame { buffered }) => {
            assert_eq!(buffered, rest.len(), "bytes of the partial frame")
        }
        Err(other) => panic!("unexpected reader error: {other}"),
        Ok(Some(_)) => unreachable!("read_through_socket reads to the end"),
    }
    for frame in &frames {
        decode_everything(frame.ty, frame.payload);
    }
}

/// The pure splitter: whole frames from the front, and what is left.
fn split(mut stream: &[u8]) -> (Vec<protocol::Frame<'_>>, &[u8]) {
    let mut frames = Vec::new();
    while let Ok(frame) = parse_frame(stream) {
        assert!(frame.payload.len() <= MAX_PAYLOAD);
        stream = &stream[frame.frame_len()..];
        frames.push(frame);
    }
    (frames, stream)
}

type ReadEnd = Result<Option<()>, ConnError>;

/// Writes `stream` into one end of a socket pair in `pieces`-sized writes, then
/// closes it; reads frames from the other end with the server's reader.
fn read_through_socket(stream: &[u8], pieces: &[usize]) -> (Vec<(u8, Vec<u8>)>, ReadEnd) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        use tokio::io::AsyncWriteExt;
        let (mut writer, reader) = tokio::net::UnixStream::pair().expect("socket pair");
        let bytes = stream.to_vec();
        let pieces = if pieces.is_empty() {
            vec![usize::MAX]
        } else {
            pieces.to_vec()
        };
        let write = tokio::spawn(async move {
            let mut at = 0;
            for size in pieces.iter().cycle() {
                if at >= bytes.len() {
                    break;
                }
                let end = at.saturating_add((*size).max(1)).min(bytes.len());
                writer
                    .write_all(&bytes[at..end])
                    .await
                    .expect("write piece");
                at = end;
                tokio::task::yield_now().await;
            }
            // Dropping the writer is the peer's close.
        });
        let mut conn = Connection::new(reader);
        let mut frames = Vec::new();
        let read = async {
            loop {
                match conn.read_frame().await {
                    Ok(Some(frame)) => frames.push((frame.ty, frame.payload.to_vec())),
                    Ok(None) => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
        };
        let end = tokio::time::timeout(std::time::Duration::from_secs(30), read)
            .await
            .expect("the frame reader hung on a closed stream");
        write.await.expect("writer task");
        (frames, end)
    })
}

/// Every decoder of both sides, for every type byte, over `payload`. Whatever
/// decodes was a valid encoding: encoded again with our encoders it must
/// decode to the same values.
pub fn decode_everything(ty: u8, payload: &[u8]) {
    let mut fbb = FlatBufferBuilder::new();
    for t in [ty, 0, 1, 2, 3, 4, 5, 0xff] {
        if let Ok(decoded) = protocol::decode_inbound(t, payload) {
            if let Inbound::HttpReqCall(call) = &decoded {
                let _ = call.header(b"content-length");
                let _ = protocol::method_name(call.method);
            }
            let msg = apisix_msg_of(&decoded);
            let frame = encode_apisix_msg(&mut fbb, &msg);
            let again = parse_frame(&frame).expect("a whole frame");
            let again = protocol::decode_inbound(again.ty, again.payload)
                .unwrap_or_else(|e| panic!("re-encoded {msg:?} does not decode: {e}"));
            assert!(
                apisix_msg_matches(&msg, &again),
                "{decoded:?} re-decoded as {again:?}"
            );
        }
        if let Ok(reply) = peer::decode_reply(t, payload) {
            if let Some(msg) = runner_msg_of(&reply) {
                let frame = encode_runner_msg(&mut fbb, &msg).expect("checked encodable");
                let again = parse_frame(&frame).expect("a whole frame");
                let again = peer::decode_reply(again.ty, again.payload)
                    .unwrap_or_else(|e| panic!("re-encoded {msg:?} does not decode: {e}"));
                assert_eq!(again, expected_reply(&msg), "{reply:?} re-encoded");
            }
        }
    }
    let _ = peer::peek_req_call_action(payload);
}

fn owned_pairs(entries: &[protocol::TextEntry<'_>]) -> Pairs {
    entries
        .iter()
        .map(|e| (e.name.to_vec(), e.value.map(<[u8]>::to_vec)))
        .collect()
}

fn pairs(entries: &[OwnedEntry]) -> Pairs {
    entries
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect()
}

/// The parts of a decoded message, to encode again. A PrepareConf whose conf
/// vector was present but empty reads like an absent one (the decoder does
/// not tell them apart); the parts say absent.
fn apisix_msg_of(decoded: &Inbound<'_>) -> ApisixMsg {
    match decoded {
        Inbound::PrepareConf(d) => ApisixMsg::PrepareConf {
            conf: (!d.conf.is_empty()).then(|| owned_pairs(&d.conf)),
            key: d.key.map(<[u8]>::to_vec),
        },
        Inbound::HttpReqCall(d) => ApisixMsg::ReqCall {
            id: d.id,
            src_ip: d.src_ip.to_vec(),
            method: d.method,
            path: d.path.map(<[u8]>::to_vec),
            args: owned_pairs(&d.args),
            headers: owned_pairs(&d.headers),
            conf_token: d.conf_token,
        },
        Inbound::ExtraInfo(d) => ApisixMsg::ExtraInfo(d.result.map(<[u8]>::to_vec)),
        Inbound::HttpRespCall(d) => ApisixMsg::RespCall {
            id: d.id,
            status: d.status,
            headers: owned_pairs(&d.headers),
            conf_token: d.conf_token,
        },
    }
}

/// The parts of a decoded reply, to encode again; `None` when our encoders
/// refuse them by design (a Rewrite path that is empty or holds `?`, which
/// the runner never sends but a peer decoder reads).
fn runner_msg_of(reply: &Reply) -> Option<RunnerMsg> {
    Some(match reply.clone() {
        Reply::Err(code) => RunnerMsg::Err(code as u8),
        Reply::PrepareConf(token) => RunnerMsg::Token(token),
        Reply::ReqCall(peer::ReqCallResp { id, action }) => match action {
            Action::Continue => RunnerMsg::Continue(id),
            Action::Stop {
                status,
                headers,
                body,
            } => RunnerMsg::Stop {
                id,
                status,
                headers: pairs(&headers),
                body,
            },
            Action::Rewrite {
                path,
                headers,
                args,
                resp_headers,
                body,
            } => {
                if path
                    .as_ref()
                    .is_some_and(|p| p.is_empty() || p.contains(&b'?'))
                {
                    return None;
                }
                RunnerMsg::Rewrite {
                    id,
                    path,
                    headers: pairs(&headers),
                    args: pairs(&args),
                    resp_headers: pairs(&resp_headers),
                    body,
                }
            }
        },
        Reply::ExtraInfo(InfoReq::Var(name)) => RunnerMsg::Var(name),
        Reply::ExtraInfo(InfoReq::ReqBody) => RunnerMsg::ReqBody,
        Reply::ExtraInfo(InfoReq::RespBody) => RunnerMsg::RespBody,
        Reply::RespCall(r) => RunnerMsg::RespCall {
            id: r.id,
            status: r.status,
            headers: pairs(&r.headers),
            body: r.body,
        },
    })
}

// === structure-aware generation ===

/// Bytes that are often not UTF-8, sometimes empty.
fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => "[ -~]{0,24}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..max),
    ]
}

/// Owned name/value pairs (the value may be absent or empty).
fn entries() -> impl Strategy<Value = Pairs> {
    proptest::collection::vec((bytes(32), proptest::option::of(bytes(64))), 0..12)
}

fn borrow(entries: &[Pair]) -> Vec<Entry<'_>> {
    entries
        .iter()
        .map(|(n, v)| (&n[..], v.as_deref()))
        .collect()
}

fn owned(entries: &[Pair]) -> Vec<OwnedEntry> {
    entries
        .iter()
        .map(|(n, v)| OwnedEntry {
            name: n.clone(),
            value: v.clone(),
        })
        .collect()
}

fn same_entries(decoded: &[protocol::TextEntry<'_>], sent: &[Pair]) -> bool {
    decoded.len() == sent.len()
        && decoded
            .iter()
            .zip(sent)
            .all(|(d, (n, v))| d.name == &n[..] && d.value == v.as_deref())
}

/// One message APISIX sends, as parts.
#[derive(Clone, Debug)]
enum ApisixMsg {
    PrepareConf {
        conf: Option<Pairs>,
        key: Option<Vec<u8>>,
    },
    ReqCall {
        id: u32,
        src_ip: Vec<u8>,
        method: u8,
        path: Option<Vec<u8>>,
        args: Pairs,
        headers: Pairs,
        conf_token: u32,
    },
    ExtraInfo(Option<Vec<u8>>),
    RespCall {
        id: u32,
        status: u16,
        headers: Pairs,
        conf_token: u32,
    },
}

fn apisix_msg() -> impl Strategy<Value = ApisixMsg> {
    prop_oneof![
        (
            proptest::option::of(entries()),
            proptest::option::of(bytes(64))
        )
            .prop_map(|(conf, key)| ApisixMsg::PrepareConf { conf, key }),
        (
            any::<u32>(),
            prop_oneof![Just(vec![]), Just(vec![127, 0, 0, 1]), bytes(17)],
            any::<u8>(),
            proptest::option::of(bytes(64)),
            entries(),
            entries(),
            any::<u32>(),
        )
            .prop_map(|(id, src_ip, method, path, args, headers, conf_token)| {
                ApisixMsg::ReqCall {
                    id,
                    src_ip,
                    method,
                    path,
                    args,
                    headers,
                    conf_token,
                }
            }),
        proptest::option::of(bytes(4096)).prop_map(ApisixMsg::ExtraInfo),
        (any::<u32>(), any::<u16>(), entries(), any::<u32>()).prop_map(
            |(id, status, headers, conf_token)| ApisixMsg::RespCall {
                id,
                status,
                headers,
                conf_token
            }
        ),
    ]
}

/// Encodes with the APISIX-side encoders.
fn encode_apisix_msg(fbb: &mut FlatBufferBuilder<'static>, msg: &ApisixMsg) -> Vec<u8> {
    let mut out = Vec::new();
    match msg {
        ApisixMsg::PrepareConf { conf, key } => {
            let conf = conf.as_deref().map(borrow);
            encode_prepare_conf_req(fbb, &mut out, conf.as_deref(), key.as_deref())
        }
        ApisixMsg::ReqCall {
            id,
            src_ip,
            method,
            path,
            args,
            headers,
            conf_token,
        } => {
            let (args, headers) = (borrow(args), borrow(headers));
            let call = ReqCall {
                id: *id,
                src_ip,
                method: *method,
                path: path.as_deref(),
                args: &args,
                headers: &headers,
                conf_token: *conf_token,
            };
            encode_http_req_call_req(fbb, &mut out, &call)
        }
        ApisixMsg::ExtraInfo(result) => encode_extra_info_resp(fbb, &mut out, result.as_deref()),
        ApisixMsg::RespCall {
            id,
            status,
            headers,
            conf_token,
        } => encode_http_resp_call_req(fbb, &mut out, *id, *status, &borrow(headers), *conf_token),
    }
    .expect("small messages encode");
    out
}

/// Whether the runner's decoder gave back exactly the parts.
fn apisix_msg_matches(msg: &ApisixMsg, decoded: &Inbound<'_>) -> bool {
    match (msg, decoded) {
        (ApisixMsg::PrepareConf { conf, key }, Inbound::PrepareConf(d)) => {
            same_entries(&d.conf, conf.as_deref().unwrap_or_default()) && d.key == key.as_deref()
        }
        (
            ApisixMsg::ReqCall {
                id,
                src_ip,
                method,
                path,
                args,
                headers,
                conf_token,
            },
            Inbound::HttpReqCall(d),
        ) => {
            d.id == *id
                && d.src_ip == &src_ip[..]
                && d.method == *method
                && d.path == path.as_deref()
                && same_entries(&d.args, args)
                && same_entries(&d.headers, headers)
                && d.conf_token == *conf_token
        }
        (ApisixMsg::ExtraInfo(result), Inbound::ExtraInfo(d)) => d.result == result.as_deref(),
        (
            ApisixMsg::RespCall {
                id,
                status,
                headers,
                conf_token,
            },
            Inbound::HttpRespCall(d),
        ) => {
            d.id == *id
                && d.status == *status
                && same_entries(&d.headers, headers)
                && d.conf_token == *conf_token
        }
        _ => false,
    }
}

/// One reply the runner sends, as parts.
#[derive(Clone, Debug)]
enum RunnerMsg {
    Err(u8),
    Token(u32),
    Continue(u32),
    Stop {
        id: u32,
        status: u16,
        headers: Pairs,
        body: Vec<u8>,
    },
    Rewrite {
        id: u32,
        path: Option<Vec<u8>>,
        headers: Pairs,
        args: Pairs,
        resp_headers: Pairs,
        body: Option<Vec<u8>>,
    },
    Var(Vec<u8>),
    ReqBody,
    RespBody,
    RespCall {
        id: u32,
        status: u16,
        headers: Pairs,
        body: Vec<u8>,
    },
}

fn runner_msg() -> impl Strategy<Value = RunnerMsg> {
    prop_oneof![
        (0..3u8).prop_map(RunnerMsg::Err),
        any::<u32>().prop_map(RunnerMsg::Token),
        any::<u32>().prop_map(RunnerMsg::Continue),
        (any::<u32>(), any::<u16>(), entries(), bytes(256)).prop_map(
            |(id, status, headers, body)| RunnerMsg::Stop {
                id,
                status,
                headers,
                body
            }
        ),
        (
            any::<u32>(),
            proptest::option::of(bytes(64)),
            entries(),
            entries(),
            entries(),
            proptest::option::of(bytes(256)),
        )
            .prop_map(|(id, path, headers, args, resp_headers, body)| {
                RunnerMsg::Rewrite {
                    id,
                    path,
                    headers,
                    args,
                    resp_headers,
                    body,
                }
            }),
        bytes(64).prop_map(RunnerMsg::Var),
        Just(RunnerMsg::ReqBody),
        Just(RunnerMsg::RespBody),
        (any::<u32>(), any::<u16>(), entries(), bytes(256)).prop_map(
            |(id, status, headers, body)| RunnerMsg::RespCall {
                id,
                status,
                headers,
                body
            }
        ),
    ]
}

/// Encodes with the runner's encoders; `None` when the encoder refuses the
/// parts by design (a Rewrite path that is empty or holds `?`).
fn encode_runner_msg(fbb: &mut FlatBufferBuilder<'static>, msg: &RunnerMsg) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let result = match msg {
        RunnerMsg::Err(code) => encode_err(fbb, &mut out, ErrCode::from_u8(*code).expect("0..3")),
        RunnerMsg::Token(token) => encode_prepare_conf_resp(fbb, &mut out, *token),
        RunnerMsg::Continue(id) => encode_req_call_continue(fbb, &mut out, *id),
        RunnerMsg::Stop {
            id,
            status,
            headers,
            body,
        } => {
            let headers = borrow(headers);
            let stop = Stop {
                status: *status,
                headers: &headers,
                body,
            };
            encode_req_call_stop(fbb, &mut out, *id, &stop)
        }
        RunnerMsg::Rewrite {
            id,
            path,
            headers,
            args,
            resp_headers,
            body,
        } => {
            let (headers, args, resp_headers) =
                (borrow(headers), borrow(args), borrow(resp_headers));
            let rewrite = Rewrite {
                path: path.as_deref(),
                headers: &headers,
                args: &args,
                resp_headers: &resp_headers,
                body: body.as_deref(),
            };
            let refused = path
                .as_ref()
                .is_some_and(|p| p.is_empty() || p.contains(&b'?'));
            let result = encode_req_call_rewrite(fbb, &mut out, *id, &rewrite);
            if refused {
                assert!(result.is_err(), "a path APISIX would mangle was encoded");
                return None;
            }
            result
        }
        RunnerMsg::Var(name) => encode_extra_info_var(fbb, &mut out, name),
        RunnerMsg::ReqBody => encode_extra_info_req_body(fbb, &mut out),
        RunnerMsg::RespBody => encode_extra_info_resp_body(fbb, &mut out),
        RunnerMsg::RespCall {
            id,
            status,
            headers,
            body,
        } => encode_resp_call_resp(fbb, &mut out, *id, *status, &borrow(headers), body),
    };
    result.expect("small replies encode");
    Some(out)
}

/// The reply APISIX should decode from the parts (absent and empty collapse
/// where the encoder documents it).
fn expected_reply(msg: &RunnerMsg) -> Reply {
    match msg.clone() {
        RunnerMsg::Err(code) => Reply::Err(ErrCode::from_u8(code).expect("0..3")),
        RunnerMsg::Token(token) => Reply::PrepareConf(token),
        RunnerMsg::Continue(id) => Reply::ReqCall(peer::ReqCallResp {
            id,
            action: Action::Continue,
        }),
        RunnerMsg::Stop {
            id,
            status,
            headers,
            body,
        } => Reply::ReqCall(peer::ReqCallResp {
            id,
            action: Action::Stop {
                status,
                headers: owned(&headers),
                body,
            },
        }),
        RunnerMsg::Rewrite {
            id,
            path,
            headers,
            args,
            resp_headers,
            body,
        } => Reply::ReqCall(peer::ReqCallResp {
            id,
            action: Action::Rewrite {
                path,
                headers: owned(&headers),
                args: owned(&args),
                resp_headers: owned(&resp_headers),
                body: body.filter(|b| !b.is_empty()),
            },
        }),
        RunnerMsg::Var(name) => Reply::ExtraInfo(InfoReq::Var(name)),
        RunnerMsg::ReqBody => Reply::ExtraInfo(InfoReq::ReqBody),
        RunnerMsg::RespBody => Reply::ExtraInfo(InfoReq::RespBody),
        RunnerMsg::RespCall {
            id,
            status,
            headers,
            body,
        } => Reply::RespCall(peer::RespCallResp {
            id,
            status,
            headers: owned(&headers),
            body,
        }),
    }
}

/// A piece of a generated byte stream.
#[derive(Clone, Debug)]
enum Piece {
    /// A whole valid frame (either direction).
    Frame(Hex),
    /// A valid frame cut short.
    Cut(Hex, usize),
    /// A header announcing `len` bytes (up to 16 MiB), then fewer or more.
    Header { ty: u8, len: u32, then: Hex },
    /// A right header around a payload that is not a valid flatbuffer.
    Garbage { ty: u8, payload: Hex },
    /// Raw bytes.
    Raw(Hex),
}

fn valid_frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        apisix_msg().prop_map(|m| encode_apisix_msg(&mut FlatBufferBuilder::new(), &m)),
        runner_msg().prop_map(|m| encode_runner_msg(&mut FlatBufferBuilder::new(), &m)
            .unwrap_or_else(|| vec![2, 0, 0, 1, 0])),
    ]
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => valid_frame().prop_map(|f| Piece::Frame(Hex(f))),
        1 => (valid_frame(), any::<usize>()).prop_map(|(f, at)| {
            let at = at % f.len();
            Piece::Cut(Hex(f), at)
        }),
        1 => (
            any::<u8>(),
            prop_oneof![0..16u32, Just(0xff_ffff), (0..=0xff_ffffu32)],
            proptest::collection::vec(any::<u8>(), 0..64),
        )
            .prop_map(|(ty, len, then)| Piece::Header { ty, len, then: Hex(then) }),
        1 => (0..6u8, proptest::collection::vec(any::<u8>(), 1..96))
            .prop_map(|(ty, payload)| Piece::Garbage { ty, payload: Hex(payload) }),
        1 => proptest::collection::vec(any::<u8>(), 0..16).prop_map(|b| Piece::Raw(Hex(b))),
    ]
}

fn assemble(pieces: &[Piece]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Frame(f) => out.extend_from_slice(&f.0),
            Piece::Cut(f, at) => out.extend_from_slice(&f.0[..*at]),
            Piece::Header { ty, len, then } => {
                let [_, b1, b2, b3] = len.to_be_bytes();
                out.extend_from_slice(&[*ty, b1, b2, b3]);
                out.extend_from_slice(&then.0);
            }
            Piece::Garbage { ty, payload } => {
                let [_, b1, b2, b3] = (payload.0.len() as u32).to_be_bytes();
                out.extend_from_slice(&[*ty, b1, b2, b3]);
                out.extend_from_slice(&payload.0);
            }
            Piece::Raw(b) => out.extend_from_slice(&b.0),
        }
    }
    out
}

/// A byte stream as a peer might send it: corpus seeds mutated, or pieces
/// (valid frames of both sides, cut frames, long announced lengths, garbage
/// payloads, raw bytes) put together. For other targets that read streams.
pub fn stream() -> BoxedStrategy<Hex> {
    prop_oneof![
        support::mutated(all_seeds()).prop_map(|(_, bytes)| bytes),
        proptest::collection::vec(piece(), 0..6).prop_map(|p| Hex(assemble(&p))),
    ]
    .boxed()
}

/// Write sizes for the socket: whole, byte by byte, or uneven pieces.
fn pieces() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        Just(vec![]),
        Just(vec![1]),
        proptest::collection::vec(1..64usize, 1..6),
    ]
}

// === seeds ===

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

fn all_seeds() -> Vec<Seed> {
    support::corpus_with(TARGET, seeds())
}

// === the properties ===

#[test]
fn frame_corpus_replays() {
    for seed in all_seeds() {
        for pieces in [&[][..], &[1], &[3, 7]] {
            check_stream(&seed.bytes, pieces);
        }
        decode_everything(seed.bytes.first().copied().unwrap_or(0), &seed.bytes);
        if seed.bytes.len() > HEADER_LEN {
            decode_everything(seed.bytes[0], &seed.bytes[HEADER_LEN..]);
        }
    }
}

/// Cases per property in plain `cargo test`.
const CASES: u32 = 256;

#[test]
fn frame_mutated_corpus() {
    let inputs = (support::mutated(all_seeds()), pieces());
    support::fuzz(
        "frame_mutated_corpus",
        CASES,
        inputs,
        |((_, bytes), pieces)| {
            check_stream(&bytes.0, &pieces);
            if bytes.0.len() > HEADER_LEN {
                decode_everything(bytes.0[0], &bytes.0[HEADER_LEN..]);
            }
            Ok(())
        },
    );
}

#[test]
fn frame_generated_streams() {
    let inputs = (proptest::collection::vec(piece(), 0..6), pieces());
    support::fuzz(
        "frame_generated_streams",
        CASES,
        inputs,
        |(stream, pieces)| {
            check_stream(&assemble(&stream), &pieces);
            Ok(())
        },
    );
}

#[test]
fn frame_arbitrary_bytes() {
    let inputs = proptest::collection::vec(any::<u8>(), 0..512).prop_map(Hex);
    support::fuzz("frame_arbitrary_bytes", CASES, inputs, |bytes| {
        check_stream(&bytes.0, &[]);
        decode_everything(bytes.0.first().copied().unwrap_or(0), &bytes.0);
        Ok(())
    });
}

#[test]
fn frame_inbound_round_trips() {
    support::fuzz("frame_inbound_round_trips", CASES, apisix_msg(), |msg| {
        let frame = encode_apisix_msg(&mut FlatBufferBuilder::new(), &msg);
        let parsed = parse_frame(&frame).expect("a whole frame");
        prop_assert_eq!(parsed.frame_len(), frame.len());
        let decoded = protocol::decode_inbound(parsed.ty, parsed.payload)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert!(apisix_msg_matches(&msg, &decoded), "decoded {:?}", decoded);
        Ok(())
    });
}

#[test]
fn frame_replies_round_trip() {
    support::fuzz("frame_replies_round_trip", CASES, runner_msg(), |msg| {
        let Some(frame) = encode_runner_msg(&mut FlatBufferBuilder::new(), &msg) else {
            return Ok(());
        };
        let parsed = parse_frame(&frame).expect("a whole frame");
        prop_assert_eq!(parsed.frame_len(), frame.len());
        prop_assert!(RpcType::from_u8(parsed.ty).is_some());
        let decoded = peer::decode_reply(parsed.ty, parsed.payload)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(decoded, expected_reply(&msg));
        Ok(())
    });
}
