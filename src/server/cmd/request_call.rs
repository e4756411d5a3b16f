//! RequestCall (promptgate's own RPC, type 17, `apisix/plugins/RPC.md`): a
//! whole request from the `ai-promptgate` plugin's access phase in one
//! frame, its verdict in one reply; no ExtraInfo round trips.
//!
//! The route's conf comes inline: parsed and resolved once per distinct conf
//! ([`super::super::conf_cache`]) and validated as PrepareConf validates it.
//! From there the call takes the HTTPReqCall steps shared in `req_call`
//! (policy lookup, header body gate, the body limit per fail mode, the scan,
//! reversible-redaction keys) and ends in the same [`Seen::finish`] (metrics,
//! audit), answered in RequestCall's reply format.

use std::time::Instant;

use bytes::Bytes;

use super::super::Shared;
use super::super::reply::{Scratch, encode_inline_continue, encode_inline_error};
use super::finish::{Call, Seen};
use super::req_call::{
    BodyGate, body_gate, is_compressed, policy_of, request_id, scan, too_large_decision,
};
use crate::policy::Mode;
use crate::protocol::{RequestReason, decode_request_call};
use crate::telemetry::{self, InflightGuard};

/// Answers a RequestCall.
pub(super) async fn apply(shared: &Shared, payload: Bytes, scratch: &mut Scratch) {
    let started = Instant::now();
    let _inflight = InflightGuard::enter();
    let req = match decode_request_call(&payload) {
        Ok(req) => req,
        Err(error) => {
            tracing::warn!(%error, "malformed RequestCall; answering ERROR malformed");
            telemetry::record_runner_error("bad_request");
            return encode_inline_error(scratch, RequestReason::PolicyOrMalformed);
        }
    };
    let runtime = shared.runtime.load();
    let entry = match shared
        .inline_confs
        .entry(&shared.tokens, &runtime, req.conf, req.route)
    {
        Ok(entry) => entry,
        Err(error) => {
            tracing::error!(%error, "RequestCall with a conf promptgate refuses");
            telemetry::record_runner_error("request_bad_conf");
            return encode_inline_error(scratch, RequestReason::BadConf);
        }
    };
    let request_id = request_id(req.header(b"x-request-id"));
    let consumer = std::str::from_utf8(req.consumer)
        .ok()
        .filter(|c| !c.is_empty());
    let mut seen = Seen {
        call_id: 0,
        route_id: &entry.route_id,
        counters: &entry.counters,
        request_id: &request_id,
        consumer,
        mode: Mode::Enforce,
        call: Call::Inline { compressed: false },
        started,
    };
    let policy = match policy_of(&entry, &runtime) {
        None => return encode_inline_continue(scratch),
        Some(Ok(policy)) => policy,
        Some(Err(unavailable)) => return seen.finish(&runtime, scratch, &unavailable),
    };
    let content_encoding = req.header(b"content-encoding");
    seen.mode = policy.mode;
    seen.call = Call::Inline {
        compressed: is_compressed(content_encoding),
    };
    let pipeline = &runtime.pipeline;
    // The plugin checked the size before sending; a body over the limit is
    // refused here too, whatever its headers said.
    let over = u64::try_from(req.body.len()).unwrap_or(u64::MAX) > policy.max_body_bytes;
    let gate = body_gate(
        pipeline,
        &policy,
        req.header(b"content-length"),
        req.header(b"transfer-encoding"),
    );
    let body = match gate {
        BodyGate::Skip => None,
        BodyGate::TooLarge => {
            return seen.finish(&runtime, scratch, &too_large_decision(pipeline, &policy));
        }
        BodyGate::Fetch if over => {
            return seen.finish(&runtime, scratch, &too_large_decision(pipeline, &policy));
        }
        BodyGate::Fetch => req.has_body().then(|| payload.slice_ref(req.body)),
    };
    let reversible = policy.policy.config.pii.reversible && body.is_some();
    let key = reversible
        .then(|| std::str::from_utf8(req.id).ok())
        .flatten()
        .filter(|id| !id.is_empty());
    let content_encoding = content_encoding.map(|v| payload.slice_ref(v));
    let decision = scan(shared, &runtime, &policy, body, content_encoding, key).await;
    seen.finish(&runtime, scratch, &decision);
}
