//! HTTPReqCall: the request path. The conf token gives the route's policy;
//! the headers gate the body before anything is fetched; the body and the
//! configured variables come over ExtraInfo (`extra`); the pipeline decides
//! (on the scan pool for large bodies); [`Seen::finish`] observes and encodes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::super::connection::{ConnError, Connection};
use super::super::reply::{Scratch, encode_error};
use super::super::tokens::ConfEntry;
use super::super::{Direction, ScanJob, Shared, Shutdown};
use super::conf_entry;
use super::extra::{Wait, fetch_extra};
use super::finish::{Call, Seen};
use crate::detect::Layer;
use crate::pipeline::{Block, Decision, Pipeline, Pseudonyms, RoutePolicy, Verdict, too_large};
use crate::policy::Mode;
use crate::protocol::{ErrCode, decode_http_req_call, encode_req_call_continue};
use crate::runtime::Runtime;
use crate::telemetry::{self, InflightGuard};

/// Longest client-supplied request id echoed back; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// Answers an HTTPReqCall: the route's policy from its conf token, the body
/// (when the policy reads one and its length is within the limit) and the
/// configured variables from APISIX, the pipeline's decision, then [`Seen::finish`].
pub(super) async fn apply(
    conn: &mut Connection,
    shared: &Shared,
    payload: Bytes,
    scratch: &mut Scratch,
    shutdown: &mut Shutdown,
) -> Result<(), ConnError> {
    let started = Instant::now();
    let _inflight = InflightGuard::enter();
    let call = match decode_http_req_call(&payload) {
        Ok(call) => call,
        Err(error) => {
            tracing::warn!(%error, "malformed HTTPReqCall; answering bad request");
            telemetry::record_runner_error("bad_request");
            encode_error(scratch, ErrCode::BadRequest);
            return Ok(());
        }
    };
    let Some(entry) = conf_entry(shared, call.conf_token, scratch) else {
        return Ok(());
    };
    let request_id = request_id(call.header(b"x-request-id"));
    let mut seen = Seen {
        call_id: call.id,
        route_id: &entry.route_id,
        counters: &entry.counters,
        request_id: &request_id,
        consumer: None,
        mode: Mode::Enforce,
        call: Call::Request { compressed: false },
        started,
    };
    let runtime = shared.runtime.load();
    let policy = match policy_of(&entry, &runtime) {
        None => {
            let _ = encode_req_call_continue(&mut scratch.fbb, &mut scratch.out, call.id);
            return Ok(());
        }
        Some(Ok(policy)) => policy,
        Some(Err(unavailable)) => {
            seen.finish(&runtime, scratch, &unavailable);
            return Ok(());
        }
    };
    let content_encoding = call.header(b"content-encoding");
    seen.mode = policy.mode;
    seen.call = Call::Request {
        compressed: is_compressed(content_encoding),
    };
    let pipeline = &runtime.pipeline;
    let gate = body_gate(
        pipeline,
        &policy,
        call.header(b"content-length"),
        call.header(b"transfer-encoding"),
    );
    let want_body = match gate {
        BodyGate::Skip => false,
        BodyGate::Fetch => true,
        BodyGate::TooLarge => {
            seen.finish(&runtime, scratch, &too_large_decision(pipeline, &policy));
            return Ok(());
        }
    };
    let mut vars: Vec<&[u8]> = runtime
        .config
        .server
        .fetch_vars
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    // Reversible redaction keys the request's mapping by APISIX's request id.
    let reversible = policy.policy.config.pii.reversible && want_body;
    if reversible && !vars.contains(&REQUEST_ID_VAR) {
        vars.push(REQUEST_ID_VAR);
    }
    let (body, var_values) = if !want_body && vars.is_empty() {
        (None, Vec::new())
    } else {
        let wait = Wait {
            timeout: Duration::from_millis(runtime.config.server.extra_info_timeout_ms),
            shutdown,
        };
        fetch_extra(conn, scratch, want_body, &vars, wait).await?
    };
    for (name, value) in vars.iter().zip(&var_values) {
        tracing::debug!(
            request_id = %request_id,
            var = %String::from_utf8_lossy(name),
            present = value.is_some(),
            "fetched variable"
        );
    }
    let key = reversible
        .then(|| var_value(&vars, &var_values, REQUEST_ID_VAR))
        .flatten();
    let content_encoding = content_encoding.map(|v| payload.slice_ref(v));
    let decision = scan(shared, &runtime, &policy, body, content_encoding, key).await;
    seen.consumer = var_value(&vars, &var_values, CONSUMER_VAR);
    seen.finish(&runtime, scratch, &decision);
    Ok(())
}

/// Whether a `content-encoding` says the body is compressed (a rewrite
/// then drops the encoding).
pub(super) fn is_compressed(content_encoding: Option<&[u8]>) -> bool {
    content_encoding.is_some_and(|v| !v.eq_ignore_ascii_case(b"identity"))
}

/// The APISIX variable naming the authenticated consumer, audited when fetched.
const CONSUMER_VAR: &[u8] = b"consumer_name";

/// The nginx variable that names one request in both of its phases: the key
/// of a reversible redaction's mapping.
pub(super) const REQUEST_ID_VAR: &[u8] = b"request_id";

/// The UTF-8 value fetched for the variable `name`.
fn var_value<'v>(vars: &[&[u8]], values: &'v [Option<Bytes>], name: &[u8]) -> Option<&'v str> {
    vars.iter()
        .zip(values)
        .find(|(n, _)| **n == name)
        .and_then(|(_, value)| value.as_deref())
        .and_then(|v| std::str::from_utf8(v).ok())
}

/// The route's policy under `runtime`, shared by every request path: `None`
/// when the route's conf does not name promptgate (continue), `Err` with the
/// fail-closed 503 decision when the policy vanished in a reload.
pub(super) fn policy_of(
    entry: &ConfEntry,
    runtime: &Runtime,
) -> Option<Result<RoutePolicy, Decision>> {
    match entry.policy(runtime)? {
        Ok(policy) => Some(Ok(policy)),
        Err(error) => {
            tracing::error!(route = %entry.route_id, %error, "route policy unavailable after reload");
            let block = Block::new(
                503,
                "policy_unavailable",
                Layer::Gate,
                "route policy is not available",
            );
            telemetry::record_runner_error("policy_unavailable");
            Some(Err(Decision::block(block)))
        }
    }
}

/// The decision for a body over the route's limit (per its fail mode).
pub(super) fn too_large_decision(pipeline: &Pipeline, policy: &RoutePolicy) -> Decision {
    pipeline.early(policy, Decision::block(too_large(policy.max_body_bytes)))
}

/// Runs the request direction of the pipeline on `body` (on the scan pool
/// for large ones) and keeps a reversible redaction's mapping under `key`
/// (APISIX's request id) for the answer: the one decision step of every
/// request path.
pub(super) async fn scan(
    shared: &Shared,
    runtime: &Runtime,
    policy: &RoutePolicy,
    body: Option<Bytes>,
    content_encoding: Option<Bytes>,
    key: Option<&str>,
) -> Decision {
    let job = ScanJob {
        pipeline: Arc::clone(&runtime.pipeline),
        cache: Arc::clone(&shared.cache),
        policy: policy.clone(),
        body,
        content_encoding,
        direction: Direction::Request,
    };
    let decision = shared.scans.decide(job).await;
    if let Verdict::Redact(redaction) = &decision.verdict
        && !redaction.originals.0.is_empty()
    {
        match key {
            Some(key) => shared.pseudonyms.put(
                key,
                Pseudonyms::from_pairs(redaction.originals.0.iter().cloned()),
            ),
            None => tracing::warn!(
                "reversible redaction without an APISIX request_id; placeholders stay"
            ),
        }
    }
    decision
}

/// What the headers and the policy say about fetching the body.
pub(super) enum BodyGate {
    /// Do not ask for it: the policy reads no body, or the headers say there is none.
    Skip,
    /// Ask APISIX for it.
    Fetch,
    /// `content-length` is over the route's limit: refuse before fetching.
    TooLarge,
}

/// Body gating before anything is fetched (see [`BodyGate`]), from the
/// request's `content-length` and `transfer-encoding` headers.
pub(super) fn body_gate(
    pipeline: &Pipeline,
    policy: &RoutePolicy,
    content_length: Option<&[u8]>,
    transfer_encoding: Option<&[u8]>,
) -> BodyGate {
    if !pipeline.needs_body(policy) {
        return BodyGate::Skip;
    }
    match body_presence(content_length, transfer_encoding) {
        BodyPresence::None => BodyGate::Skip,
        BodyPresence::Length(len) if len > policy.max_body_bytes => BodyGate::TooLarge,
        BodyPresence::Length(_) | BodyPresence::Unknown => BodyGate::Fetch,
    }
}

/// What the headers say about a request body.
#[derive(Debug, PartialEq)]
enum BodyPresence {
    /// No body: `content-length: 0` without `transfer-encoding`.
    None,
    /// A body of this many bytes.
    Length(u64),
    /// A body of unknown length, or perhaps none: a chunked upload, an
    /// unreadable content-length, or no length header at all. HTTP/2 and
    /// HTTP/3 clients may send a body with neither header (the end of the
    /// stream marks it), on any method, so the body is asked for; an absent
    /// ReqBody answer then means there is none.
    Unknown,
}

fn body_presence(content_length: Option<&[u8]>, transfer_encoding: Option<&[u8]>) -> BodyPresence {
    let length = content_length.map(|v| {
        std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
    });
    match (length, transfer_encoding) {
        (Some(Some(0)), None) => BodyPresence::None,
        (Some(Some(len)), None) => BodyPresence::Length(len),
        _ => BodyPresence::Unknown,
    }
}

/// The client's `x-request-id` when it is short printable ASCII, else a fresh one.
pub(super) fn request_id(header: Option<&[u8]>) -> String {
    match header {
        Some(id)
            if !id.is_empty()
                && id.len() <= MAX_REQUEST_ID
                && id.iter().all(|b| b.is_ascii_graphic()) =>
        {
            String::from_utf8_lossy(id).into_owned()
        }
        _ => format!("{:016x}", rand::random::<u64>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_presence_follows_the_headers() {
        // No length header at all: an HTTP/2 or HTTP/3 body may still follow.
        assert_eq!(body_presence(None, None), BodyPresence::Unknown);
        assert_eq!(body_presence(Some(b"0"), None), BodyPresence::None);
        assert_eq!(body_presence(Some(b"12"), None), BodyPresence::Length(12));
        assert_eq!(body_presence(None, Some(b"chunked")), BodyPresence::Unknown);
        assert_eq!(body_presence(Some(b"x"), None), BodyPresence::Unknown);
        assert_eq!(
            body_presence(Some(b"12"), Some(b"chunked")),
            BodyPresence::Unknown
        );
    }

    #[test]
    fn request_ids_are_echoed_only_when_safe() {
        assert_eq!(request_id(Some(b"abc-123")), "abc-123");
        for bad in [&b""[..], b"a b", b"\xff", &[b'a'; 200]] {
            let id = request_id(Some(bad));
            assert_eq!(id.len(), 16, "{bad:?}");
        }
    }
}
