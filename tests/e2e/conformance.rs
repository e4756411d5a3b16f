//! The spec's conformance checklist (schema/ext-plugin-protocol.md §7),
//! items 1–35 that a runner can show without a gateway, each test named after
//! its item. Items 27–34 (what APISIX does with a Stop/Rewrite) are encoder
//! properties and are covered by the protocol unit tests; the runner's own
//! Stop/Rewrite replies are checked here as they leave the socket.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use promptgate::protocol::peer::{Action, InfoReq, Reply, ReqCall};
use promptgate::protocol::{Entry, ErrCode, MAX_PAYLOAD};

use crate::support::{Answers, Apisix, Runner, RunnerOptions, base_command, chat_body};

fn get_call(token: u32) -> ReqCall<'static> {
    ReqCall {
        id: 1,
        src_ip: &[127, 0, 0, 1],
        method: 0,
        path: Some(b"/hello"),
        args: &[],
        headers: &[],
        conf_token: token,
    }
}

fn continue_reply(reply: &Reply, id: u32) {
    match reply {
        Reply::ReqCall(resp) => {
            assert_eq!(resp.id, id);
            assert_eq!(resp.action, Action::Continue);
        }
        other => panic!("expected continue, got {other:?}"),
    }
}

#[test]
fn item_01_listens_on_apisix_listen_address_and_rejects_other_forms() {
    let runner = Runner::start("");
    assert!(runner.socket.exists());
    assert!(
        runner.logs().contains("\"conf_expire_secs\":3600"),
        "{}",
        runner.logs()
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let output = base_command(dir.path())
        .arg("serve")
        .env("APISIX_LISTEN_ADDRESS", dir.path().join("x.sock"))
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unix:"), "{stderr}");
}

#[test]
fn item_02_stale_socket_replaced_and_mode_0766() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).expect("stale socket"));
    let runner = Runner::start_with(RunnerOptions {
        socket: Some(path.clone()),
        ..Default::default()
    });
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o766);
    let mut apisix = runner.connect();
    apisix.token("{}");
}

#[test]
fn item_03_sigterm_exits_quickly_and_spares_a_newer_runners_socket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shared.sock");
    let mut old = Runner::start_with(RunnerOptions {
        socket: Some(path.clone()),
        ..Default::default()
    });
    // An idle kept-alive connection must not hold the exit back.
    let _idle = old.connect();
    let new = Runner::start_with(RunnerOptions {
        socket: Some(path.clone()),
        ..Default::default()
    });
    let started = Instant::now();
    old.signal("TERM");
    let status = old
        .wait_exit(Duration::from_secs(1))
        .expect("exited within 1 s of SIGTERM");
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        path.exists(),
        "old runner removed the newer runner's socket: {}",
        old.logs()
    );
    new.connect().token("{}");
}

#[test]
fn item_03_sigterm_removes_its_own_socket() {
    let mut runner = Runner::start("");
    runner.signal("TERM");
    runner.wait_exit(Duration::from_secs(1)).expect("exited");
    assert!(!runner.socket.exists());
}

#[test]
fn item_04_many_connections_and_prepare_conf_while_another_waits() {
    let runner = Runner::start("");
    let mut conns: Vec<Apisix> = (0..64).map(|_| runner.connect()).collect();
    // Connection A sends half a frame and waits; B must still be served.
    conns[0].send(&[2, 0, 0]);
    let token = conns[1].token("{}");
    for conn in conns.iter_mut().skip(2) {
        continue_reply(&conn.call(&get_call(token), &mut Answers::body(None)), 1);
    }
}

#[test]
fn item_05_a_thousand_rpcs_on_one_connection_and_idle_is_kept() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    for _ in 0..1000 {
        continue_reply(&apisix.call(&get_call(token), &mut Answers::body(None)), 1);
    }
    std::thread::sleep(Duration::from_secs(2));
    continue_reply(&apisix.call(&get_call(token), &mut Answers::body(None)), 1);
}

#[test]
fn item_06_byte_by_byte_frames_and_a_maximum_size_payload() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let mut fbb = promptgate::protocol::FlatBufferBuilder::new();
    let mut frame = Vec::new();
    let conf: [Entry<'_>; 1] = [(b"promptgate", Some(b"{}"))];
    promptgate::protocol::peer::encode_prepare_conf_req(
        &mut fbb,
        &mut frame,
        Some(&conf),
        Some(b"k"),
    )
    .expect("encode");
    for byte in &frame {
        apisix.send(std::slice::from_ref(byte));
        apisix.stream.flush().expect("flush");
    }
    assert!(matches!(apisix.recv_reply(), Reply::PrepareConf(t) if t != 0));

    // A PrepareConf whose payload is exactly 16,777,215 bytes: an ignored entry
    // carries the filler; grow it until the frame is full.
    let encode = |filler_len: usize,
                  frame: &mut Vec<u8>,
                  fbb: &mut promptgate::protocol::FlatBufferBuilder| {
        let filler = vec![b'x'; filler_len];
        let conf: [Entry<'_>; 1] = [(b"other-plugin", Some(&filler))];
        promptgate::protocol::peer::encode_prepare_conf_req(fbb, frame, Some(&conf), None)
            .map(|()| frame.len() - 4)
    };
    let overhead = encode(0, &mut frame, &mut fbb).expect("encode");
    // Flatbuffers sizes are multiples of the alignment and 16,777,215 is odd:
    // fill as close as the builder allows, then pad with trailing bytes, which
    // a flatbuffers reader ignores, as a foreign encoder might.
    let len = (MAX_PAYLOAD - overhead - 16..=MAX_PAYLOAD - overhead)
        .rev()
        .find_map(|n| encode(n, &mut frame, &mut fbb).ok())
        .expect("a filler length fits the frame");
    frame.resize(4 + MAX_PAYLOAD, 0);
    frame[1..4].copy_from_slice(&[0xff, 0xff, 0xff]);
    assert!(len <= MAX_PAYLOAD && frame.len() == 4 + MAX_PAYLOAD);
    apisix.send(&frame);
    assert!(matches!(apisix.recv_reply(), Reply::PrepareConf(t) if t != 0));
}

#[test]
fn item_07_eof_between_and_inside_frames_leaves_others_unaffected() {
    let runner = Runner::start("");
    let mut steady = runner.connect();
    let token = steady.token("{}");
    drop(runner.connect()); // EOF between frames
    let mut partial = runner.connect();
    partial.send(&[1, 0, 0, 50, 1, 2, 3]); // EOF mid-frame
    drop(partial);
    // EOF while the runner waits for an ExtraInfo answer.
    let mut mid_call = runner.connect();
    let body = chat_body("hello");
    let len = body.len().to_string();
    let headers: [Entry<'_>; 1] = [(b"content-length", Some(len.as_bytes()))];
    let call = ReqCall {
        headers: &headers,
        method: 2,
        ..get_call(token)
    };
    let mut fbb = promptgate::protocol::FlatBufferBuilder::new();
    let mut frame = Vec::new();
    promptgate::protocol::peer::encode_http_req_call_req(&mut fbb, &mut frame, &call)
        .expect("encode");
    mid_call.send(&frame);
    assert!(matches!(
        mid_call.recv_reply(),
        Reply::ExtraInfo(InfoReq::ReqBody)
    ));
    drop(mid_call);
    continue_reply(&steady.call(&get_call(token), &mut Answers::body(None)), 1);
}

#[test]
fn item_08_unknown_rpc_type_answers_bad_request_and_keeps_the_connection() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    apisix.send(&[9, 0, 0, 4, 0, 0, 0, 0]);
    assert_eq!(apisix.recv_reply(), Reply::Err(ErrCode::BadRequest));
    apisix.send(&[3, 0, 0, 4, 0, 0, 0, 0]); // ExtraInfo outside a call
    assert_eq!(apisix.recv_reply(), Reply::Err(ErrCode::BadRequest));
    apisix.send(&[2, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]); // garbage HTTPReqCall
    assert_eq!(apisix.recv_reply(), Reply::Err(ErrCode::BadRequest));
    apisix.send(&[1, 0, 0, 0]); // empty PrepareConf payload
    assert_eq!(apisix.recv_reply(), Reply::Err(ErrCode::BadRequest));
    apisix.token("{}");
}

#[test]
fn item_11_to_13_prepare_conf_variants_get_tokens() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let conf: [Entry<'_>; 2] = [(b"foo", Some(b"bar")), (b"cat", Some(b"dog"))];
    let a = match apisix.prepare_conf(Some(&conf), Some(b"route#1#ext-plugin-pre-req#1")) {
        Reply::PrepareConf(t) => t,
        other => panic!("{other:?}"),
    };
    assert_ne!(a, 0);
    // Item 12: no conf at all; the call with that token continues.
    let b = match apisix.prepare_conf(None, Some(b"global_rule#1#ext-plugin-post-req#x")) {
        Reply::PrepareConf(t) => t,
        other => panic!("{other:?}"),
    };
    assert_ne!(b, 0);
    continue_reply(&apisix.call(&get_call(b), &mut Answers::body(None)), 1);
    // Item 13: odd keys, and no key.
    for key in [&b"route#1#ext-plugin-pre-req#\xff"[..], b"", b"###"] {
        assert!(
            matches!(apisix.prepare_conf(Some(&conf), Some(key)), Reply::PrepareConf(t) if t != 0)
        );
    }
    assert!(matches!(apisix.prepare_conf(Some(&conf), None), Reply::PrepareConf(t) if t != 0));
    assert!(runner.logs().contains("ignoring ext-plugin conf entry"));
}

#[test]
fn item_14_tokens_distinct_nonzero_and_differ_across_starts() {
    let first = |runner: &Runner| runner.connect().token("{}");
    let a = Runner::start("");
    let b = Runner::start("");
    assert_ne!(first(&a), first(&b));
    let mut apisix = a.connect();
    let tokens: Vec<u32> = (0..50)
        .map(|i| apisix.token(&format!("{{\"max_body_bytes\":{}}}", i + 1)))
        .collect();
    let mut unique = tokens.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), tokens.len());
}

#[test]
fn item_15_prepare_conf_answers_200_concurrent_calls() {
    let runner = Runner::start("");
    let started = Instant::now();
    let threads: Vec<_> = (0..200)
        .map(|_| {
            let socket = runner.socket.clone();
            std::thread::spawn(move || Apisix::connect(&socket).token(r#"{"mode":"shadow"}"#))
        })
        .collect();
    for t in threads {
        assert_ne!(t.join().expect("thread"), 0);
    }
    // APISIX gives up on its conf lock after 5 s; latency itself is measured by the bench.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn item_16_tokens_slide_past_their_hint_and_then_expire() {
    let runner = Runner::start_with(RunnerOptions {
        env: vec![("APISIX_CONF_EXPIRE_TIME".into(), "1".into())],
        ..Default::default()
    });
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    // Used every 0.6 s for 2.4 s (> 1.2 × 1 s): still valid.
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(600));
        continue_reply(&apisix.call(&get_call(token), &mut Answers::body(None)), 1);
    }
    // Idle for 1.2 × 1 s and more: gone.
    std::thread::sleep(Duration::from_millis(1600));
    assert_eq!(
        apisix.call(&get_call(token), &mut Answers::body(None)),
        Reply::Err(ErrCode::ConfTokenNotFound)
    );
}

#[test]
fn item_17_to_19_the_check_input_request_ipv6_and_non_utf8_bytes() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let args: [Entry<'_>; 4] = [
        (b"xx", Some(b"y")),
        (b"xx", Some(b"z")),
        (b"y", Some(b"")),
        (b"z", None),
    ];
    let headers: [Entry<'_>; 5] = [
        (b"connection", Some(b"close")),
        (b"host", Some(b"localhost")),
        (b"x-req", Some(b"foo")),
        (b"x-req", Some(b"bar")),
        (b"x-resp", Some(b"cat")),
    ];
    let call = ReqCall {
        id: 0,
        src_ip: &[127, 0, 0, 1],
        method: 3,
        path: Some(b"/hello"),
        args: &args,
        headers: &headers,
        conf_token: token,
    };
    continue_reply(&apisix.call(&call, &mut Answers::body(None)), 0);
    let mut v6 = [0u8; 16];
    v6[15] = 1;
    let call = ReqCall {
        src_ip: &v6,
        ..call
    };
    continue_reply(&apisix.call(&call, &mut Answers::body(None)), 0);
    let bad_headers: [Entry<'_>; 1] = [(b"x-\xff", Some(b"\xfe\xff"))];
    let bad_args: [Entry<'_>; 1] = [(b"\xff", Some(b"\xff"))];
    let call = ReqCall {
        path: Some(b"/\xff"),
        headers: &bad_headers,
        args: &bad_args,
        ..call
    };
    continue_reply(&apisix.call(&call, &mut Answers::body(None)), 0);
}

#[test]
fn item_20_unknown_token_then_retry_after_prepare_conf() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    assert_eq!(
        apisix.call(&get_call(12345), &mut Answers::body(None)),
        Reply::Err(ErrCode::ConfTokenNotFound)
    );
    let token = apisix.token("{}");
    continue_reply(&apisix.call(&get_call(token), &mut Answers::body(None)), 1);
    assert_eq!(
        apisix.call(&get_call(0), &mut Answers::body(None)),
        Reply::Err(ErrCode::ConfTokenNotFound)
    );
}

#[test]
fn item_21_and_24_variables_and_body_fetched_pipelined_in_order() {
    let runner = Runner::start(
        "[server]\nfetch_vars = [\"route_id\", \"consumer_name\", \"no_such_var\"]\n",
    );
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let body = chat_body("hello there");
    let len = body.len().to_string();
    let headers: [Entry<'_>; 1] = [(b"content-length", Some(len.as_bytes()))];
    let call = ReqCall {
        headers: &headers,
        method: 2,
        ..get_call(token)
    };
    let mut answers = Answers::body(Some(&body));
    answers.vars = vec![("route_id", "1"), ("consumer_name", "")];
    continue_reply(&apisix.call(&call, &mut answers), 1);
    assert_eq!(
        answers.asked,
        vec![
            InfoReq::Var(b"route_id".to_vec()),
            InfoReq::Var(b"consumer_name".to_vec()),
            InfoReq::Var(b"no_such_var".to_vec()),
            InfoReq::ReqBody
        ]
    );
}

#[test]
fn item_22_and_23_bodies_are_fetched_only_when_present_and_absent_means_none() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    // A call that says it has no body (content-length: 0): no question asked.
    let zero: [Entry<'_>; 1] = [(b"content-length", Some(b"0"))];
    let call = ReqCall {
        headers: &zero,
        ..get_call(token)
    };
    let mut answers = Answers::body(None);
    continue_reply(&apisix.call(&call, &mut answers), 1);
    assert!(answers.asked.is_empty());
    // A GET with no length header at all: an HTTP/2 or HTTP/3 client may
    // still send a body (issue 12, item 2), so the body is asked for; the
    // absent answer means none, and the call continues.
    let mut answers = Answers::body(None);
    continue_reply(&apisix.call(&get_call(token), &mut answers), 1);
    assert_eq!(answers.asked, vec![InfoReq::ReqBody]);
    // POST with content-length but APISIX says "absent": treated as no body.
    let headers: [Entry<'_>; 1] = [(b"content-length", Some(b"3"))];
    let call = ReqCall {
        headers: &headers,
        method: 2,
        ..get_call(token)
    };
    let mut answers = Answers::body(None);
    continue_reply(&apisix.call(&call, &mut answers), 1);
    assert_eq!(
        answers.asked,
        vec![InfoReq::ReqBody],
        "never asks RespBody in a request call"
    );
    // Verbatim bodies of every kind are accepted on an auto route.
    for body in [&b"123"[..], b"foo=bar", br#"{"foo":"bar"}"#] {
        let (reply, asked) = apisix.post(token, body, &[]);
        assert_eq!(asked, vec![InfoReq::ReqBody]);
        continue_reply(&reply, 7);
    }
    // Chunked upload (no content-length): asked as well.
    let headers: [Entry<'_>; 1] = [(b"transfer-encoding", Some(b"chunked"))];
    let call = ReqCall {
        headers: &headers,
        method: 2,
        ..get_call(token)
    };
    let mut answers = Answers::body(Some(b"{}"));
    continue_reply(&apisix.call(&call, &mut answers), 1);
    assert_eq!(answers.asked, vec![InfoReq::ReqBody]);
}

#[test]
fn item_25_a_16_777_100_byte_body_arrives_intact_and_oversize_is_eof() {
    let runner = Runner::start("[policy]\nmax_body_bytes = 16777100\n");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let mut body = vec![b' '; 16_777_100];
    body[0] = b'{';
    body[16_777_099] = b'}';
    let (reply, _) = apisix.post(token, &body, &[]);
    continue_reply(&reply, 7);
    // Oversize: APISIX refuses to send the answer and closes the connection.
    let mut doomed = runner.connect();
    let token = doomed.token("{}");
    let headers: [Entry<'_>; 1] = [(b"transfer-encoding", Some(b"chunked"))];
    let call = ReqCall {
        headers: &headers,
        method: 2,
        ..get_call(token)
    };
    let mut fbb = promptgate::protocol::FlatBufferBuilder::new();
    let mut frame = Vec::new();
    promptgate::protocol::peer::encode_http_req_call_req(&mut fbb, &mut frame, &call)
        .expect("encode");
    doomed.send(&frame);
    assert!(matches!(
        doomed.recv_reply(),
        Reply::ExtraInfo(InfoReq::ReqBody)
    ));
    drop(doomed);
    let (reply, _) = apisix.post(token, b"{}", &[]);
    continue_reply(&reply, 7);
}

#[test]
fn item_26_and_35_continue_echoes_the_id_with_no_action() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    for id in [0, 1, u32::MAX] {
        let call = ReqCall {
            id,
            ..get_call(token)
        };
        continue_reply(&apisix.call(&call, &mut Answers::body(None)), id);
    }
}

#[test]
fn item_27_stop_replies_carry_status_json_and_request_id() {
    let runner = Runner::start("[policy]\nmax_body_bytes = 100\n");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let body = vec![b'a'; 101];
    let (reply, asked) = apisix.post(token, &body, &[(b"x-request-id", Some(b"abc-1"))]);
    assert!(
        asked.is_empty(),
        "an over-limit content-length is refused before fetching"
    );
    let Reply::ReqCall(resp) = reply else {
        panic!("{reply:?}")
    };
    let Action::Stop {
        status,
        headers,
        body,
    } = resp.action
    else {
        panic!("not a stop")
    };
    assert_eq!(status, 413);
    assert!(
        headers
            .iter()
            .any(|h| h.name == b"content-type" && h.value.as_deref() == Some(b"application/json"))
    );
    assert!(
        headers
            .iter()
            .any(|h| h.name == b"x-promptgate-request-id" && h.value.as_deref() == Some(b"abc-1"))
    );
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
    assert_eq!(json["error"]["code"], "body_too_large");
    assert_eq!(json["error"]["request_id"], "abc-1");
}
