//! One connection's loop: read a frame, answer it, repeat. RPCs are sequential
//! per connection (APISIX never pipelines them), and a failing call answers an
//! Err frame instead of dropping the connection: a dropped connection is a 503
//! for the client with no retry (spec §8).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::connection::{ConnError, Connection, OwnedFrame};
use super::reply::{Scratch, encode_decision, encode_error};
use super::tokens::route_id_from_key;
use super::{ScanJob, Shared, Shutdown};
use crate::detect::Layer;
use crate::pipeline::{Block, Decision, Verdict, too_large};
use crate::policy::{CONF_ENTRY_NAME, Mode, RouteConf};
use crate::protocol::{
    ErrCode, RpcType, decode_extra_info_resp, decode_http_req_call, decode_http_resp_call,
    decode_prepare_conf, encode_extra_info_req_body, encode_extra_info_var,
    encode_prepare_conf_resp, encode_resp_call_resp,
};
use crate::runtime::Runtime;
use crate::telemetry::{self, AuditEvent, InflightGuard, RouteCounters};

/// Longest client-supplied request id echoed back; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// Serves one connection until the peer closes it or the runner shuts down.
pub async fn serve(stream: tokio::net::UnixStream, shared: Arc<Shared>, mut shutdown: Shutdown) {
    let frame_timeout = Duration::from_millis(shared.runtime.load().config.server.frame_timeout_ms);
    let mut conn = Connection::with_frame_timeout(stream, frame_timeout);
    let mut scratch = Scratch::default();
    loop {
        let frame = tokio::select! {
            frame = conn.read_frame() => frame,
            () = shutdown.wait() => return,
        };
        let frame = match frame {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(error) => {
                tracing::debug!(%error, "connection ended");
                return;
            }
        };
        if let Err(error) = answer(&mut conn, &shared, frame, &mut scratch, &mut shutdown).await {
            if matches!(
                error,
                ConnError::ExtraInfoTimeout(_) | ConnError::FrameTimeout(_)
            ) {
                telemetry::record_runner_error("peer_timeout");
                tracing::warn!(%error, "call abandoned; closing connection");
            } else {
                tracing::debug!(%error, "call abandoned; closing connection");
            }
            return;
        }
        if let Err(error) = conn.write_all(&scratch.out).await {
            tracing::debug!(%error, "reply not delivered; closing connection");
            return;
        }
    }
}

/// Puts the reply to `frame` in `scratch.out`. Errors are connection-level
/// (the peer went away mid-call); everything else is answered.
async fn answer(
    conn: &mut Connection,
    shared: &Shared,
    frame: OwnedFrame,
    scratch: &mut Scratch,
    shutdown: &mut Shutdown,
) -> Result<(), ConnError> {
    match RpcType::from_u8(frame.ty) {
        Some(RpcType::PrepareConf) => prepare_conf(shared, &frame.payload, scratch),
        Some(RpcType::HttpReqCall) => {
            return http_req_call(conn, shared, frame.payload, scratch, shutdown).await;
        }
        Some(RpcType::HttpRespCall) => http_resp_call(shared, &frame.payload, scratch),
        Some(RpcType::ExtraInfo) | Some(RpcType::Error) | None => {
            tracing::warn!(
                rpc_type = frame.ty,
                "unexpected RPC type; answering bad request"
            );
            encode_error(scratch, ErrCode::BadRequest);
        }
    }
    Ok(())
}

fn prepare_conf(shared: &Shared, payload: &[u8], scratch: &mut Scratch) {
    let req = match decode_prepare_conf(payload) {
        Ok(req) => req,
        Err(error) => {
            tracing::warn!(%error, "malformed PrepareConf; answering bad request");
            return encode_error(scratch, ErrCode::BadRequest);
        }
    };
    let key = String::from_utf8_lossy(req.key.unwrap_or_default()).into_owned();
    let mut route = None;
    for entry in &req.conf {
        if entry.name != CONF_ENTRY_NAME {
            tracing::info!(
                key = %key,
                plugin = %String::from_utf8_lossy(entry.name),
                "ignoring ext-plugin conf entry that is not promptgate"
            );
            continue;
        }
        if route.is_some() {
            tracing::error!(key = %key, "route conf names promptgate twice; refusing it");
            return encode_error(scratch, ErrCode::BadRequest);
        }
        match RouteConf::parse(entry.value) {
            Ok(conf) => route = Some(conf),
            Err(error) => {
                tracing::error!(key = %key, %error, "invalid promptgate route conf; refusing it");
                return encode_error(scratch, ErrCode::BadRequest);
            }
        }
    }
    let runtime = shared.runtime.load();
    let resolved = match route.as_ref().map(|r| runtime.resolve(r)) {
        None => None,
        Some(Ok(policy)) => Some((runtime.generation, policy)),
        Some(Err(error)) => {
            tracing::error!(key = %key, %error, "promptgate route conf names what the config lacks; refusing it");
            return encode_error(scratch, ErrCode::BadRequest);
        }
    };
    if route.is_some() {
        log_phase(&key);
    }
    let token = shared
        .tokens
        .insert(route, route_id_from_key(req.key), resolved);
    let _ = encode_prepare_conf_resp(&mut scratch.fbb, &mut scratch.out, token);
}

/// Says at PrepareConf what promptgate does on the phase a route put it on
/// (the key's third part names the APISIX plugin): a conf on the response
/// phase would otherwise get a token and silently guard nothing.
fn log_phase(key: &str) {
    match key.split('#').nth(2) {
        Some("ext-plugin-post-resp") => tracing::warn!(
            key = %key,
            phase = "ext-plugin-post-resp",
            "promptgate conf on the response phase: responses are not inspected yet, so \
             this conf guards nothing; put promptgate on ext-plugin-pre-req to scan requests"
        ),
        Some("ext-plugin-post-req") => tracing::info!(
            key = %key,
            phase = "ext-plugin-post-req",
            "promptgate conf on ext-plugin-post-req: requests are scanned after the other \
             access plugins (ext-plugin-pre-req scans before them)"
        ),
        _ => {}
    }
}

async fn http_req_call(
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
    let Some(entry) = shared.tokens.get(call.conf_token) else {
        telemetry::record_runner_error("conf_token_not_found");
        encode_error(scratch, ErrCode::ConfTokenNotFound);
        return Ok(());
    };
    let request_id = request_id(call.header(b"x-request-id"));
    let runtime = shared.runtime.load();
    let policy = match entry.policy(&runtime) {
        None => {
            let _ = crate::protocol::encode_req_call_continue(
                &mut scratch.fbb,
                &mut scratch.out,
                call.id,
            );
            return Ok(());
        }
        Some(Ok(policy)) => policy,
        Some(Err(error)) => {
            // The route's policy vanished in a reload: fail closed, visibly.
            tracing::error!(route = %entry.route_id, %error, "route policy unavailable after reload");
            let block = Block::new(
                503,
                "policy_unavailable",
                Layer::Gate,
                "route policy is not available",
            );
            let decision = Decision::block(block);
            telemetry::record_runner_error("policy_unavailable");
            let seen = Seen {
                route_id: &entry.route_id,
                counters: &entry.counters,
                request_id: &request_id,
                consumer: None,
                mode: Mode::Enforce,
                started,
            };
            observe(&runtime, &seen, &decision);
            encode_decision(scratch, call.id, &request_id, &decision, false);
            return Ok(());
        }
    };
    let content_encoding = call.header(b"content-encoding");
    let was_compressed = content_encoding.is_some_and(|v| !v.eq_ignore_ascii_case(b"identity"));
    let pipeline = &runtime.pipeline;
    let body = if pipeline.needs_body(&policy) {
        match body_presence(
            call.header(b"content-length"),
            call.header(b"transfer-encoding"),
        ) {
            BodyPresence::None => None,
            BodyPresence::Length(len) if len > policy.max_body_bytes => {
                let decision =
                    pipeline.early(&policy, Decision::block(too_large(policy.max_body_bytes)));
                let seen = Seen {
                    route_id: &entry.route_id,
                    counters: &entry.counters,
                    request_id: &request_id,
                    consumer: None,
                    mode: policy.mode,
                    started,
                };
                observe(&runtime, &seen, &decision);
                encode_decision(scratch, call.id, &request_id, &decision, was_compressed);
                return Ok(());
            }
            BodyPresence::Length(_) | BodyPresence::Unknown => Some(()),
        }
    } else {
        None
    };
    let vars: Vec<&[u8]> = runtime
        .config
        .server
        .fetch_vars
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    let (body, var_values) = match (body, vars.is_empty()) {
        (None, true) => (None, Vec::new()),
        (want_body, _) => {
            let wait = Wait {
                timeout: Duration::from_millis(runtime.config.server.extra_info_timeout_ms),
                shutdown,
            };
            fetch_extra(conn, scratch, want_body.is_some(), &vars, wait).await?
        }
    };
    for (name, value) in vars.iter().zip(&var_values) {
        tracing::debug!(
            request_id = %request_id,
            var = %String::from_utf8_lossy(name),
            present = value.is_some(),
            "fetched variable"
        );
    }
    let job = ScanJob {
        pipeline: Arc::clone(&runtime.pipeline),
        cache: Arc::clone(&shared.cache),
        policy: policy.clone(),
        body,
        content_encoding: content_encoding.map(|v| payload.slice_ref(v)),
    };
    let decision = shared.scans.decide(job).await;
    let consumer = vars
        .iter()
        .zip(&var_values)
        .find(|(name, _)| **name == CONSUMER_VAR)
        .and_then(|(_, value)| value.as_deref())
        .and_then(|v| std::str::from_utf8(v).ok());
    let seen = Seen {
        route_id: &entry.route_id,
        counters: &entry.counters,
        request_id: &request_id,
        consumer,
        mode: policy.mode,
        started,
    };
    observe(&runtime, &seen, &decision);
    encode_decision(scratch, call.id, &request_id, &decision, was_compressed);
    Ok(())
}

/// The APISIX variable naming the authenticated consumer, audited when fetched.
const CONSUMER_VAR: &[u8] = b"consumer_name";

/// Who and what a decision was about, for metrics and audit.
struct Seen<'a> {
    route_id: &'a str,
    counters: &'a RouteCounters,
    request_id: &'a str,
    consumer: Option<&'a str>,
    mode: Mode,
    started: Instant,
}

/// Counts one decision and emits its audit event (identifiers only).
fn observe(runtime: &Runtime, seen: &Seen<'_>, decision: &Decision) {
    let latency = seen.started.elapsed();
    telemetry::record_decision(seen.counters, decision, seen.mode, latency);
    let audit = &runtime.config.audit;
    if audit.enabled && (audit.include_allowed || !matches!(decision.verdict, Verdict::Allow)) {
        telemetry::audit(&AuditEvent {
            request_id: seen.request_id,
            route_id: seen.route_id,
            consumer: seen.consumer,
            mode: seen.mode,
            decision,
            latency,
            model_version: runtime.pipeline.model_version(),
        });
    }
}

fn http_resp_call(shared: &Shared, payload: &[u8], scratch: &mut Scratch) {
    let call = match decode_http_resp_call(payload) {
        Ok(call) => call,
        Err(error) => {
            tracing::warn!(%error, "malformed HTTPRespCall; answering bad request");
            return encode_error(scratch, ErrCode::BadRequest);
        }
    };
    if shared.tokens.get(call.conf_token).is_none() {
        return encode_error(scratch, ErrCode::ConfTokenNotFound);
    }
    // Responses pass unchanged: response scanning is not part of any policy yet.
    let _ = encode_resp_call_resp(&mut scratch.fbb, &mut scratch.out, call.id, 0, &[], &[]);
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

/// Asks APISIX, in one write, for the request body (ExtraInfo ReqBody) when
/// `want_body`, and for each variable in `vars`; answers come back in order
/// (spec checklist 24). An absent body result means the request has none.
async fn fetch_extra(
    conn: &mut Connection,
    scratch: &mut Scratch,
    want_body: bool,
    vars: &[&[u8]],
    mut wait: Wait<'_>,
) -> Result<(Option<Bytes>, Vec<Option<Bytes>>), ConnError> {
    if vars.is_empty() {
        // The common case: one question, written straight from the scratch buffer.
        if want_body {
            let _ = encode_extra_info_req_body(&mut scratch.fbb, &mut scratch.out);
            conn.write_all(&scratch.out).await?;
        }
    } else {
        scratch.batch.clear();
        for name in vars {
            let _ = encode_extra_info_var(&mut scratch.fbb, &mut scratch.out, name);
            scratch.batch.extend_from_slice(&scratch.out);
        }
        if want_body {
            let _ = encode_extra_info_req_body(&mut scratch.fbb, &mut scratch.out);
            scratch.batch.extend_from_slice(&scratch.out);
        }
        conn.write_all(&scratch.batch).await?;
    }
    let mut values = Vec::with_capacity(vars.len());
    for _ in vars {
        values.push(extra_info_answer(conn, &mut wait).await?);
    }
    let body = if want_body {
        extra_info_answer(conn, &mut wait).await?
    } else {
        None
    };
    Ok((body, values))
}

/// How long the runner waits for APISIX inside a call.
struct Wait<'a> {
    /// For each ExtraInfo answer.
    timeout: Duration,
    /// A shutdown ends the wait once its grace period is over.
    shutdown: &'a mut Shutdown,
}

async fn extra_info_answer(
    conn: &mut Connection,
    wait: &mut Wait<'_>,
) -> Result<Option<Bytes>, ConnError> {
    let frame = tokio::select! {
        frame = tokio::time::timeout(wait.timeout, conn.read_frame()) => match frame {
            Ok(frame) => frame?,
            Err(_) => return Err(ConnError::ExtraInfoTimeout(wait.timeout)),
        },
        () = wait.shutdown.grace_over() => return Err(ConnError::ShuttingDown),
    };
    let frame = frame.ok_or(ConnError::ClosedInCall)?;
    if frame.ty != RpcType::ExtraInfo.as_u8() {
        return Err(ConnError::UnexpectedInCall(frame.ty));
    }
    match decode_extra_info_resp(&frame.payload) {
        Ok(resp) => Ok(resp.result.map(|r| frame.payload.slice_ref(r))),
        Err(error) => {
            tracing::warn!(%error, "malformed ExtraInfo answer");
            Err(ConnError::UnexpectedInCall(frame.ty))
        }
    }
}

/// The client's `x-request-id` when it is short printable ASCII, else a fresh one.
fn request_id(header: Option<&[u8]>) -> String {
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
