//! HTTPRespCall (`ext-plugin-post-resp`): the answer path. The conf token
//! gives the route's policy; a policy that inspects answers has the upstream
//! status, content type and length gate the body before it is fetched
//! (ExtraInfo RespBody, once); the pipeline decides (on the scan pool for
//! large bodies); the reply passes the answer, rewrites it or withholds it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::super::connection::{ConnError, Connection};
use super::super::reply::{Scratch, encode_error};
use super::super::{Direction, ScanJob, Shared, Shutdown};
use super::conf_entry;
use super::extra::{Wait, fetch_resp_body};
use super::finish::{Call, Seen};
use super::req_call::{REQUEST_ID_VAR, request_id};
use crate::detect::Layer;
use crate::pipeline::{Block, Decision, RESPONSE_UNREADABLE, RoutePolicy};
use crate::protocol::{ErrCode, HttpRespCall, decode_http_resp_call, encode_resp_call_resp};
use crate::telemetry::{self, InflightGuard};

/// Answers an HTTPRespCall.
pub(super) async fn apply(
    conn: &mut Connection,
    shared: &Shared,
    payload: Bytes,
    scratch: &mut Scratch,
    shutdown: &mut Shutdown,
) -> Result<(), ConnError> {
    let started = Instant::now();
    let call = match decode_http_resp_call(&payload) {
        Ok(call) => call,
        Err(error) => {
            tracing::warn!(%error, "malformed HTTPRespCall; answering bad request");
            telemetry::record_runner_error("bad_request");
            encode_error(scratch, ErrCode::BadRequest);
            return Ok(());
        }
    };
    let Some(entry) = conf_entry(shared, call.conf_token, scratch) else {
        return Ok(());
    };
    let runtime = shared.runtime.load();
    let policy = match entry.policy(&runtime) {
        Some(Ok(policy))
            if policy.policy.detection.output.is_some() || policy.policy.config.pii.reversible =>
        {
            policy
        }
        // No policy, or one that does not inspect answers: pass unchanged. A
        // policy lost in a reload was already refused on the request path.
        _ => {
            let _ = encode_resp_call_resp(&mut scratch.fbb, &mut scratch.out, call.id, 0, &[], &[]);
            return Ok(());
        }
    };
    let _inflight = InflightGuard::enter();
    let request_id = request_id(call.header(b"x-request-id"));
    let decision = match answer_gate(&call, &policy) {
        AnswerGate::Pass => Decision::allow(),
        AnswerGate::TooLarge => over_limit(&policy),
        AnswerGate::Fetch => {
            let wait = Wait {
                timeout: Duration::from_millis(runtime.config.server.extra_info_timeout_ms),
                shutdown,
            };
            // Reversible redaction keys the request's mapping by APISIX's
            // request id, asked for with the body.
            let reversible = policy.policy.config.pii.reversible;
            let vars: &[&[u8]] = if reversible { &[REQUEST_ID_VAR] } else { &[] };
            let want_request = policy.policy.config.response.enabled
                && policy.policy.config.response.echo_min_words > 0;
            let fetched = fetch_resp_body(conn, scratch, vars, want_request, wait).await?;
            let id = fetched
                .vars
                .first()
                .and_then(|v| v.as_deref())
                .and_then(|id| std::str::from_utf8(id).ok());
            let originals = match id {
                Some(id) => shared.pseudonyms.take(id).await,
                None => None,
            };
            match fetched.body {
                None => Decision::allow(),
                Some(body) => {
                    let job = ScanJob {
                        pipeline: Arc::clone(&runtime.pipeline),
                        cache: Arc::clone(&shared.cache),
                        policy: policy.clone(),
                        body: Some(body),
                        content_encoding: call
                            .header(b"content-encoding")
                            .map(|v| payload.slice_ref(v)),
                        direction: Direction::Response {
                            content_type: call
                                .header(b"content-type")
                                .map(|v| payload.slice_ref(v)),
                            originals,
                            request: fetched.request,
                        },
                    };
                    shared.scans.decide(job).await
                }
            }
        }
    };
    let seen = Seen {
        call_id: call.id,
        route_id: &entry.route_id,
        counters: &entry.counters,
        request_id: &request_id,
        consumer: None,
        mode: policy.mode,
        call: Call::Answer {
            upstream_headers: &call.headers,
        },
        started,
    };
    seen.finish(&runtime, scratch, &decision);
    Ok(())
}

/// What the upstream status and headers say about fetching the answer.
#[derive(Debug, PartialEq)]
enum AnswerGate {
    /// Nothing to read: not a success, no content, or a type that carries no
    /// text (images, archives).
    Pass,
    /// Ask APISIX for the body.
    Fetch,
    /// `content-length` is over the route's answer limit.
    TooLarge,
}

/// Answer gating before anything is fetched (see [`AnswerGate`]).
fn answer_gate(call: &HttpRespCall<'_>, policy: &RoutePolicy) -> AnswerGate {
    if !(200..300).contains(&call.status) || call.status == 204 {
        return AnswerGate::Pass;
    }
    if !inspected_type(call.header(b"content-type")) {
        return AnswerGate::Pass;
    }
    let length = call
        .header(b"content-length")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        Some(0) => AnswerGate::Pass,
        Some(n) if n > policy.policy.config.response.max_body_bytes => AnswerGate::TooLarge,
        _ => AnswerGate::Fetch,
    }
}

/// Whether a content type is one whose text a user reads: JSON, an event
/// stream or any text type; an absent type is read too (it is sniffed).
fn inspected_type(content_type: Option<&[u8]>) -> bool {
    let Some(value) = content_type else {
        return true;
    };
    let essence = String::from_utf8_lossy(value)
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence == "application/json"
        || essence.ends_with("+json")
        || essence == "application/x-ndjson"
}

/// An answer whose declared length is over the limit: passed uninspected
/// when the route fails open, else withheld.
pub(super) fn over_limit(policy: &RoutePolicy) -> Decision {
    telemetry::record_runner_error(RESPONSE_UNREADABLE);
    if policy.fail_open {
        Decision::allow()
    } else {
        Decision::block(Block::new(
            502,
            RESPONSE_UNREADABLE,
            Layer::Gate,
            "the model's answer is larger than this route inspects",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_json_and_streams_are_inspected_and_binary_types_are_not() {
        for t in [
            None,
            Some(&b"application/json; charset=utf-8"[..]),
            Some(b"text/event-stream"),
            Some(b"Text/Plain"),
            Some(b"application/problem+json"),
        ] {
            assert!(inspected_type(t), "{t:?}");
        }
        for t in [
            &b"image/png"[..],
            b"application/octet-stream",
            b"application/zip",
        ] {
            assert!(!inspected_type(Some(t)), "{t:?}");
        }
    }
}
