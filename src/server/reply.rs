//! Turns a [`Decision`] into the HTTPReqCall reply frame: Stop for a block,
//! Rewrite for a redaction or a shadow note, an empty reply to continue; and
//! into the same verdicts in RequestCall's own reply format.

use crate::pipeline::{Decision, ShadowOutcome, Verdict, counts_header};
use crate::protocol::{
    Entry, ErrCode, FlatBufferBuilder, HeaderOp, RequestCallReply, RequestReason, RequestVerdict,
    Rewrite, Stop, TextEntry, encode_err, encode_req_call_continue, encode_req_call_rewrite,
    encode_req_call_stop, encode_request_call_reply, encode_resp_call_resp,
};

/// Header naming the request in replies and upstream requests.
pub const REQUEST_ID_HEADER: &[u8] = b"x-promptgate-request-id";
/// Header listing redacted types and counts (request to upstream, and response to client).
pub const REDACTED_HEADER: &[u8] = b"x-promptgate-redacted";
/// Header added upstream in shadow mode saying what enforce mode would have done.
pub const SHADOW_HEADER: &[u8] = b"x-promptgate-shadow";

/// Reusable encoding buffers, one set per connection.
pub struct Scratch {
    /// The flatbuffers builder.
    pub fbb: FlatBufferBuilder<'static>,
    /// The encoded frame.
    pub out: Vec<u8>,
    /// Several frames sent in one write (ExtraInfo questions).
    pub batch: Vec<u8>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            fbb: FlatBufferBuilder::with_capacity(4096),
            out: Vec::with_capacity(4096),
            batch: Vec::new(),
        }
    }
}

/// Encodes the reply for `decision` into `scratch.out`. A reply that does not
/// fit in a frame becomes Err SERVICE_UNAVAILABLE (spec §2).
///
/// `was_compressed` says whether the body APISIX holds is compressed: a
/// rewritten body is plain, so the content-encoding header must go.
pub fn encode_decision(
    scratch: &mut Scratch,
    call_id: u32,
    request_id: &str,
    decision: &Decision,
    was_compressed: bool,
) {
    let Scratch { fbb, out, .. } = scratch;
    let result = match &decision.verdict {
        Verdict::Allow => encode_req_call_continue(fbb, out, call_id),
        Verdict::Block(block) => {
            let body = block.to_json(request_id);
            let headers: [Entry<'_>; 2] = [
                (b"content-type", Some(b"application/json")),
                (REQUEST_ID_HEADER, Some(request_id.as_bytes())),
            ];
            let stop = Stop {
                status: block.status,
                headers: &headers,
                body: &body,
            };
            encode_req_call_stop(fbb, out, call_id, &stop)
        }
        Verdict::Redact(redaction) => {
            let summary = counts_header(&redaction.counts);
            let mut headers: Vec<Entry<'_>> = vec![(REDACTED_HEADER, Some(summary.as_bytes()))];
            if was_compressed {
                headers.push((b"content-encoding", None));
            }
            let resp_headers: [Entry<'_>; 1] = [(REDACTED_HEADER, Some(summary.as_bytes()))];
            let rewrite = Rewrite {
                headers: &headers,
                resp_headers: &resp_headers,
                body: Some(&redaction.body),
                ..Rewrite::default()
            };
            encode_req_call_rewrite(fbb, out, call_id, &rewrite)
        }
        Verdict::Shadow(outcome) => {
            let note = shadow_note(outcome);
            let headers: [Entry<'_>; 1] = [(SHADOW_HEADER, Some(note.as_bytes()))];
            let rewrite = Rewrite {
                headers: &headers,
                ..Rewrite::default()
            };
            encode_req_call_rewrite(fbb, out, call_id, &rewrite)
        }
    };
    if let Err(error) = result {
        tracing::warn!(call_id, request_id, %error, "reply cannot be framed; answering service unavailable");
        encode_error(scratch, ErrCode::ServiceUnavailable);
    }
}

/// Encodes the RequestCall reply (promptgate's own request RPC) for
/// `decision` into `scratch.out`, with the same semantics as
/// [`encode_decision`]: a block is STOP with the same JSON error body and
/// headers, a redaction REWRITE with the same `x-promptgate-redacted` headers
/// (and the content-encoding removed from a compressed request), a shadow
/// note CONTINUE with the same `x-promptgate-shadow` request header. A reply
/// that does not fit a frame becomes ERROR `busy`.
pub fn encode_inline_decision(
    scratch: &mut Scratch,
    request_id: &str,
    decision: &Decision,
    was_compressed: bool,
) {
    let summary;
    let note;
    let json;
    let reply = match &decision.verdict {
        Verdict::Allow => inline(RequestVerdict::Continue, 0, Vec::new(), None),
        Verdict::Block(block) => {
            json = block.to_json(request_id);
            let headers = vec![
                (
                    HeaderOp::SetResponse,
                    &b"content-type"[..],
                    &b"application/json"[..],
                ),
                (
                    HeaderOp::SetResponse,
                    REQUEST_ID_HEADER,
                    request_id.as_bytes(),
                ),
            ];
            RequestCallReply {
                reason: RequestReason::PolicyOrMalformed,
                ..inline(RequestVerdict::Stop, block.status, headers, Some(&json))
            }
        }
        Verdict::Redact(redaction) => {
            summary = counts_header(&redaction.counts);
            let mut headers = vec![(HeaderOp::SetRequest, REDACTED_HEADER, summary.as_bytes())];
            if was_compressed {
                headers.push((HeaderOp::RemoveRequest, &b"content-encoding"[..], &b""[..]));
            }
            headers.push((HeaderOp::SetResponse, REDACTED_HEADER, summary.as_bytes()));
            inline(RequestVerdict::Rewrite, 0, headers, Some(&redaction.body))
        }
        Verdict::Shadow(outcome) => {
            note = shadow_note(outcome);
            let headers = vec![(HeaderOp::SetRequest, SHADOW_HEADER, note.as_bytes())];
            inline(RequestVerdict::Continue, 0, headers, None)
        }
    };
    if encode_request_call_reply(&reply, &mut scratch.out).is_err() {
        tracing::warn!(
            request_id,
            "RequestCall reply cannot be framed; answering ERROR busy"
        );
        encode_inline_error(scratch, RequestReason::Busy);
    }
}

fn inline<'a>(
    verdict: RequestVerdict,
    status: u16,
    headers: Vec<(HeaderOp, &'a [u8], &'a [u8])>,
    body: Option<&'a [u8]>,
) -> RequestCallReply<'a> {
    RequestCallReply {
        verdict,
        reason: RequestReason::None,
        status,
        headers,
        body,
    }
}

/// Encodes a RequestCall ERROR reply with `reason` into `scratch.out`.
pub fn encode_inline_error(scratch: &mut Scratch, reason: RequestReason) {
    let reply = RequestCallReply {
        reason,
        ..inline(RequestVerdict::Error, 0, Vec::new(), None)
    };
    // An empty ERROR always fits.
    let _ = encode_request_call_reply(&reply, &mut scratch.out);
}

/// Encodes a plain RequestCall CONTINUE into `scratch.out`.
pub fn encode_inline_continue(scratch: &mut Scratch) {
    let reply = inline(RequestVerdict::Continue, 0, Vec::new(), None);
    // An empty CONTINUE always fits.
    let _ = encode_request_call_reply(&reply, &mut scratch.out);
}

/// Encodes an Err frame into `scratch.out`.
pub fn encode_error(scratch: &mut Scratch, code: ErrCode) {
    // An Err.Resp is a few bytes; it always fits.
    let _ = encode_err(&mut scratch.fbb, &mut scratch.out, code);
}

/// `would-block; layer=L1; category=instruction_override` or
/// `would-redact; EMAIL=1`.
pub fn shadow_note(outcome: &ShadowOutcome) -> String {
    match outcome {
        ShadowOutcome::WouldBlock(block) => {
            let mut note = format!("would-block; layer={}; code={}", block.layer, block.code);
            if let Some(category) = &block.category {
                note.push_str("; category=");
                note.push_str(category);
            }
            note
        }
        ShadowOutcome::WouldRedact(counts) => format!("would-redact; {}", counts_header(counts)),
    }
}

/// Upstream headers a rewritten answer must not carry: its length and framing
/// change, and it is sent uncompressed.
const DROPPED_ON_REWRITE: [&[u8]; 4] = [
    b"content-length",
    b"transfer-encoding",
    b"connection",
    b"content-encoding",
];

/// Encodes the HTTPRespCall reply for an answer's `decision` into
/// `scratch.out`: unchanged (empty reply) to pass or in shadow mode; a block
/// as its status with a JSON error body; a redaction as the new body with the
/// upstream headers echoed (APISIX sets exactly the headers of a reply that
/// names any), less those that describe the old body.
pub fn encode_answer_decision(
    scratch: &mut Scratch,
    call_id: u32,
    request_id: &str,
    decision: &Decision,
    upstream_headers: &[TextEntry<'_>],
) {
    let Scratch { fbb, out, .. } = scratch;
    let result = match &decision.verdict {
        Verdict::Allow | Verdict::Shadow(_) => {
            encode_resp_call_resp(fbb, out, call_id, 0, &[], &[])
        }
        Verdict::Block(block) => {
            let body = block.to_json_as("response_blocked", request_id);
            let headers: [Entry<'_>; 2] = [
                (b"content-type", Some(b"application/json")),
                (REQUEST_ID_HEADER, Some(request_id.as_bytes())),
            ];
            encode_resp_call_resp(fbb, out, call_id, block.status, &headers, &body)
        }
        Verdict::Redact(redaction) => {
            let summary = counts_header(&redaction.counts);
            let mut headers: Vec<Entry<'_>> = upstream_headers
                .iter()
                .filter(|h| {
                    !DROPPED_ON_REWRITE
                        .iter()
                        .any(|d| h.name.eq_ignore_ascii_case(d))
                        && !h.name.eq_ignore_ascii_case(REDACTED_HEADER)
                })
                .filter_map(|h| h.value.map(|v| (h.name, Some(v))))
                .collect();
            if !redaction.counts.is_empty() {
                headers.push((REDACTED_HEADER, Some(summary.as_bytes())));
            }
            encode_resp_call_resp(fbb, out, call_id, 0, &headers, &redaction.body)
        }
    };
    if result.is_err() {
        encode_error(scratch, ErrCode::ServiceUnavailable);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Redaction;
    use crate::protocol::peer::{Action, Reply, decode_reply};
    use crate::protocol::{ErrCode, MAX_PAYLOAD};

    fn reply_of(scratch: &Scratch) -> Reply {
        let (header, payload) = scratch.out.split_at(4);
        decode_reply(header[0], payload).expect("decodable reply")
    }

    /// Checklist item 9: a reply over 16,777,215 bytes becomes Err SERVICE_UNAVAILABLE.
    #[test]
    fn item_09_oversized_reply_becomes_service_unavailable() {
        let mut scratch = Scratch::default();
        let decision = Decision::new(Verdict::Redact(Redaction {
            body: vec![b'a'; MAX_PAYLOAD],
            counts: vec![("EMAIL".into(), 1)],
            originals: Default::default(),
        }));
        encode_decision(&mut scratch, 5, "r", &decision, false);
        assert_eq!(reply_of(&scratch), Reply::Err(ErrCode::ServiceUnavailable));
    }

    #[test]
    fn redaction_rewrites_body_and_drops_content_encoding_of_compressed_requests() {
        let mut scratch = Scratch::default();
        let decision = Decision::new(Verdict::Redact(Redaction {
            body: b"{\"x\":\"[EMAIL_1]\"}".to_vec(),
            counts: vec![("EMAIL".into(), 1)],
            originals: Default::default(),
        }));
        encode_decision(&mut scratch, 5, "r", &decision, true);
        let Reply::ReqCall(resp) = reply_of(&scratch) else {
            panic!("not a call reply")
        };
        let Action::Rewrite {
            headers,
            resp_headers,
            body,
            path,
            ..
        } = resp.action
        else {
            panic!("not a rewrite")
        };
        assert_eq!(path, None);
        assert_eq!(body.as_deref(), Some(&b"{\"x\":\"[EMAIL_1]\"}"[..]));
        assert!(
            headers
                .iter()
                .any(|h| h.name == b"content-encoding" && h.value.is_none())
        );
        assert!(
            resp_headers
                .iter()
                .any(|h| h.name == REDACTED_HEADER && h.value.as_deref() == Some(b"EMAIL=1"))
        );
    }
}
