//! The end of every call that reached a decision (HTTPReqCall, RequestCall, and an
//! HTTPRespCall whose answer was inspected): count it, audit it, encode the
//! reply. One place, so every path observes the same way.

use std::time::{Duration, Instant};

use super::super::reply::{
    Scratch, encode_answer_decision, encode_decision, encode_inline_decision,
};
use crate::pipeline::{Decision, Verdict};
use crate::policy::Mode;
use crate::protocol::TextEntry;
use crate::runtime::Runtime;
use crate::telemetry::{self, AuditEvent, RouteCounters};

/// Which call a decision answers, and what its reply needs.
pub(super) enum Call<'a> {
    /// An HTTPReqCall; `compressed` says whether the body APISIX holds is
    /// compressed (a rewrite drops the encoding).
    Request {
        /// The request's body is compressed.
        compressed: bool,
    },
    /// A RequestCall (promptgate's own one-round-trip request RPC); as
    /// `Request`, answered in its own reply format.
    Inline {
        /// The request's body is compressed.
        compressed: bool,
    },
    /// An HTTPRespCall; a rewritten answer echoes these upstream headers.
    Answer {
        /// The upstream response headers.
        upstream_headers: &'a [TextEntry<'a>],
    },
}

/// Who and what a call is about, for metrics, audit and the reply; built once
/// per call and filled in as the call learns more.
pub(super) struct Seen<'a> {
    /// The call's id, echoed in the reply.
    pub(super) call_id: u32,
    /// The route (from the conf token).
    pub(super) route_id: &'a str,
    /// The route's decision counters.
    pub(super) counters: &'a RouteCounters,
    /// The request id echoed to the client and audited.
    pub(super) request_id: &'a str,
    /// The authenticated consumer, when APISIX said.
    pub(super) consumer: Option<&'a str>,
    /// The route's mode (enforce until the policy is known).
    pub(super) mode: Mode,
    /// The call being answered.
    pub(super) call: Call<'a>,
    /// When the call arrived.
    pub(super) started: Instant,
}

impl Seen<'_> {
    /// Counts `decision`, emits its audit event (identifiers only) and encodes
    /// the reply into `scratch.out`.
    pub(super) fn finish(&self, runtime: &Runtime, scratch: &mut Scratch, decision: &Decision) {
        self.observe(runtime, decision, self.started.elapsed());
        match self.call {
            Call::Request { compressed } => {
                encode_decision(scratch, self.call_id, self.request_id, decision, compressed)
            }
            Call::Inline { compressed } => {
                encode_inline_decision(scratch, self.request_id, decision, compressed)
            }
            Call::Answer { upstream_headers } => encode_answer_decision(
                scratch,
                self.call_id,
                self.request_id,
                decision,
                upstream_headers,
            ),
        }
    }

    /// Counts `decision` (taking `latency`) and emits its audit event
    /// (identifiers only); the reply is the caller's.
    pub(super) fn observe(&self, runtime: &Runtime, decision: &Decision, latency: Duration) {
        let (direction, model_version) = match self.call {
            Call::Request { .. } | Call::Inline { .. } => {
                telemetry::record_decision(self.counters, decision, self.mode, latency);
                ("request", runtime.pipeline.model_version())
            }
            Call::Answer { .. } => {
                telemetry::record_answer_decision(self.counters, decision, self.mode, latency);
                // Answers run no classifier.
                ("response", None)
            }
        };
        let audit = &runtime.config.audit;
        if audit.enabled && (audit.include_allowed || !matches!(decision.verdict, Verdict::Allow)) {
            telemetry::audit(&AuditEvent {
                direction,
                request_id: self.request_id,
                route_id: self.route_id,
                consumer: self.consumer,
                mode: self.mode,
                decision,
                latency,
                model_version,
            });
        }
    }
}
