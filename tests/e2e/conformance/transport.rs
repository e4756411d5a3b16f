//! Checklist items 1–8, "Process and transport": the listen address, the
//! socket file, SIGTERM, many connections, long-lived connections, frame
//! reassembly, EOF anywhere, and unknown RPC types.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use promptgate::protocol::peer::{InfoReq, Reply, ReqCall};
use promptgate::protocol::{Entry, ErrCode, MAX_PAYLOAD};

use crate::support::{Answers, Apisix, Runner, RunnerOptions, base_command, chat_body};

use super::{continue_reply, get_call};

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
