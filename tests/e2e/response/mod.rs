//! The answer path (ext-plugin-post-resp) through the socket: HTTPRespCall
//! frames, the body fetched with ExtraInfo RespBody, and the reply applied as
//! APISIX would (status, the complete header set, the replacement body). One
//! file per concept; the helpers they share live here.

use std::io::Write;

use promptgate::protocol::Entry;
use promptgate::protocol::peer::{InfoReq, Reply, RespCallResp};
use serde_json::{Value, json};

use crate::support::Runner;

pub(super) const EMAIL: &str = "maria.lopez@example.org";

pub(super) const CANARY: &str = "PG-CANARY-5d2e9a71";

/// Answers inspected with the defaults plus a canary and one allowed host.
pub(super) fn config(extra: &str) -> String {
    format!(
        "[policy.response]\nenabled = true\ncanaries = [\"{CANARY}\"]\n\
         allowed_link_hosts = [\"*.trusted.example\"]\n{extra}"
    )
}

pub(super) fn answer_of(reply: Reply) -> RespCallResp {
    match reply {
        Reply::RespCall(resp) => resp,
        other => panic!("expected an HTTPRespCall reply, got {other:?}"),
    }
}

pub(super) fn header<'r>(resp: &'r RespCallResp, name: &str) -> Option<&'r [u8]> {
    resp.headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name.as_bytes()))
        .and_then(|h| h.value.as_deref())
}

/// Upstream headers as (name, value) pairs.
type Headers = Vec<(Vec<u8>, Vec<u8>)>;

pub(super) fn json_headers(len: usize) -> Headers {
    vec![
        (b"Content-Type".to_vec(), b"application/json".to_vec()),
        (b"Content-Length".to_vec(), len.to_string().into_bytes()),
        (b"X-Upstream-Trace".to_vec(), b"abc".to_vec()),
        (b"Set-Cookie".to_vec(), b"a=1".to_vec()),
        (b"Set-Cookie".to_vec(), b"b=2".to_vec()),
    ]
}

pub(super) fn entries(headers: &[(Vec<u8>, Vec<u8>)]) -> Vec<Entry<'_>> {
    headers
        .iter()
        .map(|(n, v)| (n.as_slice(), Some(v.as_slice())))
        .collect()
}

pub(super) fn completion(content: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "chatcmpl-1", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"total_tokens": 12}
    }))
    .expect("serialize")
}

mod gating;
mod observed;
mod output;
mod redaction;
