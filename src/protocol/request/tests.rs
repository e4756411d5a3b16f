//! RequestCall's codec: round trips, the spec's example byte for byte, and
//! refusals of every truncation, bad value and bound.

use super::super::frame::MAX_PAYLOAD;
use super::*;

const HEADERS: [(&[u8], &[u8]); 2] = [
    (b"Content-Type", b"application/json"),
    (b"x-request-id", b"abc"),
];

fn req(body: &[u8]) -> RequestCallReq<'_> {
    RequestCallReq {
        flags: REQUEST_FLAG_BODY,
        id: b"req-1",
        conf: br#"{"policy":"default"}"#,
        route: b"1",
        consumer: b"",
        method: b"POST",
        path: b"/v1/chat/completions",
        headers: &[],
        body,
    }
}

#[test]
fn requests_round_trip_and_headers_are_found_case_insensitively() {
    let mut buf = Vec::new();
    encode_request_call_req(&req(b"{}"), &HEADERS, &mut buf);
    let got = decode_request_call(&buf).expect("valid");
    assert_eq!(
        (got.id, got.body, got.method),
        (&b"req-1"[..], &b"{}"[..], &b"POST"[..])
    );
    assert_eq!(got.header(b"content-type"), Some(&b"application/json"[..]));
    assert_eq!(got.header(b"X-Request-Id"), Some(&b"abc"[..]));
    assert_eq!(got.header(b"content-length"), None);
    assert_eq!(got.header_pairs().count(), 2);
    assert!(got.has_body());
}

#[test]
fn the_spec_example_decodes_byte_for_byte() {
    // version 1, BODY, id "a", conf "{}", route "", consumer "", method "POST",
    // path "/", one header "a: b", body "x".
    let payload = [
        1, 1, 0, 1, b'a', 0, 0, 0, 2, b'{', b'}', 0, 0, 0, 0, 0, 4, b'P', b'O', b'S', b'T', 0, 1,
        b'/', 0, 1, 0, 1, b'a', 0, 1, b'b', 0, 0, 0, 1, b'x',
    ];
    let r = decode_request_call(&payload).expect("valid");
    assert_eq!((r.id, r.conf, r.body), (&b"a"[..], &b"{}"[..], &b"x"[..]));
    assert_eq!(r.header(b"A"), Some(&b"b"[..]));
}

#[test]
fn every_truncation_and_trailing_byte_is_refused() {
    let mut buf = Vec::new();
    encode_request_call_req(&req(b"body"), &HEADERS, &mut buf);
    for cut in 0..buf.len() {
        assert!(
            matches!(
                decode_request_call(&buf[..cut]),
                Err(RequestDecodeError::Truncated { .. })
            ),
            "cut at {cut}"
        );
    }
    buf.push(0);
    assert_eq!(
        decode_request_call(&buf),
        Err(RequestDecodeError::Trailing(1))
    );
}

#[test]
fn bad_values_and_bounds_are_refused() {
    let mut buf = Vec::new();
    encode_request_call_req(&req(b""), &[], &mut buf);
    let mut bad = buf.clone();
    bad[0] = 2;
    assert_eq!(
        decode_request_call(&bad),
        Err(RequestDecodeError::Version(2))
    );
    bad = buf.clone();
    bad[1] = 0x02;
    assert!(matches!(
        decode_request_call(&bad),
        Err(RequestDecodeError::BadValue { field: "flags", .. })
    ));
    encode_request_call_req(
        &RequestCallReq {
            id: b"a b",
            ..req(b"")
        },
        &[],
        &mut buf,
    );
    assert_eq!(decode_request_call(&buf), Err(RequestDecodeError::BadId));
    encode_request_call_req(
        &RequestCallReq {
            flags: 0,
            ..req(b"x")
        },
        &[],
        &mut buf,
    );
    assert_eq!(
        decode_request_call(&buf),
        Err(RequestDecodeError::UnflaggedBody)
    );
    let many = vec![(&b"a"[..], &b"b"[..]); MAX_REQUEST_CALL_HEADERS + 1];
    encode_request_call_req(&req(b""), &many, &mut buf);
    assert!(matches!(
        decode_request_call(&buf),
        Err(RequestDecodeError::TooLong {
            field: "headers",
            ..
        })
    ));
    let conf = vec![b' '; MAX_REQUEST_CALL_CONF + 1];
    encode_request_call_req(
        &RequestCallReq {
            conf: &conf,
            ..req(b"")
        },
        &[],
        &mut buf,
    );
    assert!(matches!(
        decode_request_call(&buf),
        Err(RequestDecodeError::TooLong { field: "conf", .. })
    ));
}

#[test]
fn replies_round_trip_through_a_frame() {
    let mut out = Vec::new();
    let reply = RequestCallReply {
        verdict: RequestVerdict::Rewrite,
        reason: RequestReason::None,
        status: 0,
        headers: vec![
            (HeaderOp::SetRequest, b"x-promptgate-redacted", b"EMAIL=1"),
            (HeaderOp::RemoveRequest, b"content-encoding", b""),
        ],
        body: Some(b"{}"),
    };
    encode_request_call_reply(&reply, &mut out).expect("fits");
    assert_eq!(out[0], 17);
    let frame = super::super::parse_frame(&out).expect("whole frame");
    assert_eq!(decode_request_call_reply(frame.payload), Ok(reply.clone()));
    let no_body = RequestCallReply {
        verdict: RequestVerdict::Continue,
        headers: Vec::new(),
        body: None,
        ..reply.clone()
    };
    encode_request_call_reply(&no_body, &mut out).expect("fits");
    let frame = super::super::parse_frame(&out).expect("whole frame");
    assert_eq!(decode_request_call_reply(frame.payload), Ok(no_body));
    let big = vec![0u8; MAX_PAYLOAD];
    let too_big = RequestCallReply {
        body: Some(&big),
        ..reply
    };
    assert!(encode_request_call_reply(&too_big, &mut out).is_err());
    assert!(out.is_empty());
}
