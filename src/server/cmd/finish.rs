//! The end of every HTTPReqCall that reached a decision: count it, audit it,
//! encode the reply. One place, so every path observes the same way.

use std::time::Instant;

use super::super::reply::{Scratch, encode_decision};
use crate::pipeline::{Decision, Verdict};
use crate::policy::Mode;
use crate::runtime::Runtime;
use crate::telemetry::{self, AuditEvent, RouteCounters};

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
    /// Whether the body APISIX holds is compressed (a rewrite drops the encoding).
    pub(super) compressed: bool,
    /// When the call arrived.
    pub(super) started: Instant,
}

impl Seen<'_> {
    /// Counts `decision`, emits its audit event (identifiers only) and encodes
    /// the reply into `scratch.out`.
    pub(super) fn finish(&self, runtime: &Runtime, scratch: &mut Scratch, decision: &Decision) {
        let latency = self.started.elapsed();
        telemetry::record_decision(self.counters, decision, self.mode, latency);
        let audit = &runtime.config.audit;
        if audit.enabled && (audit.include_allowed || !matches!(decision.verdict, Verdict::Allow)) {
            telemetry::audit(&AuditEvent {
                direction: "request",
                request_id: self.request_id,
                route_id: self.route_id,
                consumer: self.consumer,
                mode: self.mode,
                decision,
                latency,
                model_version: runtime.pipeline.model_version(),
            });
        }
        encode_decision(
            scratch,
            self.call_id,
            self.request_id,
            decision,
            self.compressed,
        );
    }
}
