//! RequestCall payloads (promptgate's own request RPC, type 17,
//! `apisix/plugins/RPC.md`): the request and reply decoders never panic on
//! any bytes, generated requests and replies round trip, every truncation of
//! a valid payload is refused, and edits of valid payloads (bit flips,
//! inserted and removed bytes) are decoded or refused, never a panic.

use proptest::prelude::*;

use promptgate::protocol::{
    HeaderOp, RequestCallReply, RequestCallReq, RequestReason, RequestVerdict, decode_request_call,
    decode_request_call_reply, encode_request_call_reply, encode_request_call_req, parse_frame,
};

use crate::support::{self, Hex};

const CASES: u32 = 256;

fn check_payload(bytes: &[u8]) {
    if let Ok(req) = decode_request_call(bytes) {
        // A decoded request's headers are all readable.
        let _ = req.header(b"content-length");
        assert!(req.header_pairs().count() <= 64);
    }
    let _ = decode_request_call_reply(bytes);
}

type Parts = (
    bool,
    Vec<u8>,
    Vec<u8>,
    Vec<u8>,
    Vec<(Vec<u8>, Vec<u8>)>,
    Vec<u8>,
);

fn parts() -> impl Strategy<Value = Parts> {
    (
        any::<bool>(),
        "[!-~]{0,128}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..64),
        "[A-Z]{0,16}".prop_map(String::into_bytes),
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<u8>(), 0..16),
                proptest::collection::vec(any::<u8>(), 0..32),
            ),
            0..8,
        ),
        proptest::collection::vec(any::<u8>(), 0..256),
    )
}

fn encode(parts: &Parts) -> Vec<u8> {
    let (has_body, id, conf, method, headers, body) = parts;
    let headers: Vec<(&[u8], &[u8])> = headers.iter().map(|(n, v)| (&n[..], &v[..])).collect();
    let req = RequestCallReq {
        flags: u8::from(*has_body),
        id,
        conf,
        route: b"r1",
        consumer: b"",
        method,
        path: b"/v1/chat/completions",
        headers: &[],
        body: if *has_body { body } else { b"" },
    };
    let mut payload = Vec::new();
    encode_request_call_req(&req, &headers, &mut payload);
    payload
}

#[test]
fn request_call_arbitrary_bytes_never_panic() {
    let inputs = proptest::collection::vec(any::<u8>(), 0..512).prop_map(Hex);
    support::fuzz(
        "request_call_arbitrary_bytes_never_panic",
        CASES,
        inputs,
        |bytes| {
            check_payload(&bytes.0);
            Ok(())
        },
    );
}

#[test]
fn request_call_mutated_payloads_never_panic() {
    let inputs = (parts(), support::mutations());
    support::fuzz(
        "request_call_mutated_payloads_never_panic",
        CASES,
        inputs,
        |(parts, edits)| {
            check_payload(&support::mutate(encode(&parts), &edits));
            Ok(())
        },
    );
}

#[test]
fn request_call_payloads_round_trip_and_truncations_are_refused() {
    support::fuzz(
        "request_call_payloads_round_trip_and_truncations_are_refused",
        CASES,
        parts(),
        |parts| {
            let payload = encode(&parts);
            let req = decode_request_call(&payload)
                .map_err(|e| TestCaseError::fail(format!("valid payload refused: {e}")))?;
            let (has_body, id, conf, method, headers, body) = &parts;
            prop_assert_eq!(req.has_body(), *has_body);
            prop_assert_eq!(
                (req.id, req.conf, req.method),
                (&id[..], &conf[..], &method[..])
            );
            prop_assert_eq!(req.body, if *has_body { &body[..] } else { b"" });
            let got: Vec<(Vec<u8>, Vec<u8>)> = req
                .header_pairs()
                .map(|(n, v)| (n.to_vec(), v.to_vec()))
                .collect();
            prop_assert_eq!(&got, headers);
            for cut in 0..payload.len() {
                prop_assert!(decode_request_call(&payload[..cut]).is_err());
            }
            Ok(())
        },
    );
}

#[test]
fn request_call_replies_round_trip() {
    let inputs = (
        0u8..4,
        any::<u16>(),
        proptest::collection::vec(
            (
                0u8..3,
                proptest::collection::vec(any::<u8>(), 0..16),
                proptest::collection::vec(any::<u8>(), 0..32),
            ),
            0..6,
        ),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..256)),
    );
    support::fuzz(
        "request_call_replies_round_trip",
        CASES,
        inputs,
        |(verdict, status, headers, body)| {
            let verdict = [
                RequestVerdict::Continue,
                RequestVerdict::Stop,
                RequestVerdict::Rewrite,
                RequestVerdict::Error,
            ][usize::from(verdict)];
            let op = |o: u8| {
                [
                    HeaderOp::SetRequest,
                    HeaderOp::RemoveRequest,
                    HeaderOp::SetResponse,
                ][usize::from(o)]
            };
            let reply = RequestCallReply {
                verdict,
                reason: RequestReason::None,
                status,
                headers: headers
                    .iter()
                    .map(|(o, n, v)| (op(*o), &n[..], &v[..]))
                    .collect(),
                body: body.as_deref(),
            };
            let mut out = Vec::new();
            encode_request_call_reply(&reply, &mut out)
                .map_err(|e| TestCaseError::fail(format!("small reply refused: {e}")))?;
            let frame =
                parse_frame(&out).map_err(|e| TestCaseError::fail(format!("reply frame: {e}")))?;
            prop_assert_eq!(frame.ty, 17);
            prop_assert_eq!(decode_request_call_reply(frame.payload), Ok(reply));
            for cut in 0..frame.payload.len() {
                prop_assert!(decode_request_call_reply(&frame.payload[..cut]).is_err());
            }
            Ok(())
        },
    );
}
