//! Audit events: one structured log line per decision on the tracing target
//! [`AUDIT_TARGET`], so a log pipeline can route them apart from diagnostics.
//!
//! An event carries identifiers, counts and a hash of the scanned text; it is
//! built from the [`Decision`], which never holds prompt text or PII values.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::types::Layer;
use crate::types::Mode;
use crate::types::{Decision, ShadowOutcome, Verdict};

/// The tracing target of audit events.
pub const AUDIT_TARGET: &str = "promptgate::audit";

/// Everything known about one decision that may be audited.
#[derive(Debug, Clone, Copy)]
pub struct AuditEvent<'a> {
    /// The request id (echoed to the client in `x-promptgate-request-id`).
    pub request_id: &'a str,
    /// The APISIX route id.
    pub route_id: &'a str,
    /// The APISIX consumer, when fetched (`server.fetch_vars = ["consumer_name"]`).
    pub consumer: Option<&'a str>,
    /// `request`, or `response` for an inspected answer.
    pub direction: &'static str,
    /// The route's mode.
    pub mode: Mode,
    /// The decision.
    pub decision: &'a Decision,
    /// Time from the call to the answer.
    pub latency: Duration,
    /// The L2 model version, when L2 ran.
    pub model_version: Option<&'a str>,
}

/// The decisive layer of a decision, when one decided.
fn decisive_layer(decision: &Decision) -> Option<Layer> {
    match &decision.verdict {
        Verdict::Block(b) | Verdict::Shadow(ShadowOutcome::WouldBlock(b)) => Some(b.layer),
        Verdict::Redact(_) | Verdict::Shadow(ShadowOutcome::WouldRedact(_)) => Some(Layer::L15),
        Verdict::Allow => None,
    }
}

/// Emits `event` as one line on [`AUDIT_TARGET`] (JSON with the default log format).
pub fn audit(event: &AuditEvent<'_>) {
    let decision = event.decision;
    let mut categories = Vec::new();
    let mut rule_ids = Vec::new();
    let mut pii: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &decision.findings {
        if finding.layer == Layer::L15 {
            *pii.entry(&finding.category).or_default() += 1;
        } else if !categories.contains(&&*finding.category) {
            categories.push(&*finding.category);
        }
        if !rule_ids.contains(&&*finding.rule_id) {
            rule_ids.push(&*finding.rule_id);
        }
    }
    if let Verdict::Block(b) | Verdict::Shadow(ShadowOutcome::WouldBlock(b)) = &decision.verdict
        && let Some(category) = b.category.as_deref()
        && !categories.contains(&category)
        && !pii.contains_key(category)
    {
        categories.push(category);
    }
    if let Verdict::Redact(r) = &decision.verdict {
        for (kind, n) in &r.counts {
            let entry = pii.entry(kind).or_default();
            *entry = (*entry).max(*n);
        }
    }
    let mut pii_text = String::new();
    for (kind, n) in &pii {
        if !pii_text.is_empty() {
            pii_text.push(',');
        }
        let _ = write!(pii_text, "{kind}={n}");
    }
    // The digest in hex on the stack: one allocation less per audited decision.
    let mut sha_hex = [0u8; 64];
    let text_sha256 = match decision.text_sha256 {
        Some(digest) if hex::encode_to_slice(digest, &mut sha_hex).is_ok() => {
            std::str::from_utf8(&sha_hex).ok()
        }
        _ => None,
    };
    let code = match &decision.verdict {
        Verdict::Block(b) | Verdict::Shadow(ShadowOutcome::WouldBlock(b)) => Some(b.code),
        _ => None,
    };
    tracing::info!(
        target: AUDIT_TARGET,
        audit = true,
        request_id = event.request_id,
        route_id = event.route_id,
        consumer = event.consumer,
        mode = event.mode.as_str(),
        direction = event.direction,
        verdict = decision.verdict_label(),
        layer = decisive_layer(decision).map(Layer::as_str),
        code,
        categories = categories.join(","),
        rule_ids = rule_ids.join(","),
        roles = %decision.roles,
        pii = pii_text,
        text_sha256,
        cached = decision.cached,
        latency_us = event.latency.as_micros() as u64,
        l2_score = decision.l2_score,
        model_version = event.model_version,
        "decision"
    );
}
