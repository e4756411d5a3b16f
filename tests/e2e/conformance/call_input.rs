//! Checklist items 17–20, "HTTPReqCall input": the APISIX check-input
//! request decodes, IPv6 and non-UTF-8 bytes are accepted, and an unknown
//! token is answered with CONF_TOKEN_NOT_FOUND until a new PrepareConf.

use promptgate::protocol::peer::{Reply, ReqCall};
use promptgate::protocol::{Entry, ErrCode};

use crate::support::{Answers, Runner};

use super::{continue_reply, get_call};

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
