//! Checklist items 21–25, "ExtraInfo": variables and the body fetched
//! pipelined and in order, only when present, absent results handled, and a
//! maximum-size body received intact.

use promptgate::protocol::Entry;
use promptgate::protocol::peer::{InfoReq, Reply, ReqCall};

use crate::support::{Answers, Runner, chat_body};

use super::{continue_reply, get_call};

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
