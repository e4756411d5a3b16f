//! The waterfall: runs the layers in order under a route's policy, stops at
//! the first decisive finding, times each layer and returns a [`Decision`].
//!
//! Takes the raw request body (as fetched from APISIX) and the route's
//! [`RoutePolicy`]; hands the server a [`Decision`]. The gate (body size,
//! content encoding, shape) runs before any detector. Shadow mode and fail
//! modes are applied here, in one place, so layers stay simple reporters.
//! Never does I/O with APISIX and never logs prompt text.

mod body;
mod budget;
mod decision;
// L0 (temporary wiring, replaced by the lead's waterfall): delete with l0_temp.rs.
mod l0_temp;

pub use body::{Coding, open_body, too_large};
pub use budget::{
    LayerFailure, LayerTimeout, SCANNER_UNAVAILABLE, budget_for, on_layer_failure, over_budget,
    scanner_unavailable, within_budget,
};
pub use decision::{Block, Decision, Redaction, ShadowOutcome, Verdict, counts_header};

use crate::detect::Layer;
use crate::policy::{Config, Mode, RoutePolicy};

/// The request as the pipeline sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanRequest<'a> {
    /// The body as APISIX sent it (possibly compressed); `None` when there is none.
    pub body: Option<&'a [u8]>,
    /// The `content-encoding` request header.
    pub content_encoding: Option<&'a [u8]>,
}

/// Why the detectors could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A layer failed to compile.
    #[error("{layer}: {message}")]
    Layer {
        /// The layer.
        layer: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl BuildError {
    /// The layer that failed.
    pub fn layer(&self) -> &'static str {
        match self {
            BuildError::Layer { layer, .. } => layer,
        }
    }
}

/// The compiled detectors, shared by every policy of one configuration version.
#[derive(Debug)]
pub struct Pipeline {
    fingerprint: [u8; 32],
}

impl Pipeline {
    /// Builds every layer the configuration enables.
    pub fn build(_config: &Config) -> Result<Pipeline, BuildError> {
        Ok(Pipeline {
            fingerprint: [0; 32],
        })
    }

    /// SHA-256 over the compiled detectors (rules, models), for cache keys.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// Whether this route's policy needs to see request bodies at all.
    pub fn needs_body(&self, policy: &RoutePolicy) -> bool {
        let p = &policy.policy.config;
        &*policy.api != "auto" || p.l1.enabled || p.pii.enabled || p.l2.enabled
    }

    /// Decides what happens to one request.
    pub async fn decide(&self, policy: &RoutePolicy, request: ScanRequest<'_>) -> Decision {
        let decision = self.enforce(policy, request).await;
        apply_mode(policy.mode, decision)
    }

    /// A decision reached before the pipeline ran (e.g. a content-length over
    /// the limit), with the route's mode applied like any other.
    pub fn early(&self, policy: &RoutePolicy, decision: Decision) -> Decision {
        apply_mode(policy.mode, decision)
    }

    async fn enforce(&self, policy: &RoutePolicy, request: ScanRequest<'_>) -> Decision {
        let Some(raw) = request.body else {
            return Decision::allow();
        };
        let body = match open_body(
            raw,
            request.content_encoding,
            policy.max_body_bytes,
            policy.policy.config.compressed_bodies,
        ) {
            Ok(body) => body,
            Err(block) => return Decision::block(block),
        };
        if &*policy.api != "auto" && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err()
        {
            return Decision::block(Block::new(
                400,
                "malformed_body",
                Layer::Gate,
                format!("request body is not valid JSON for the {} API", policy.api),
            ));
        }
        Decision::allow()
    }
}

/// Shadow mode turns blocks and redactions into notes; enforce keeps them.
fn apply_mode(mode: Mode, mut decision: Decision) -> Decision {
    if mode == Mode::Enforce {
        return decision;
    }
    decision.verdict = match decision.verdict {
        Verdict::Block(block) => Verdict::Shadow(ShadowOutcome::WouldBlock(block)),
        Verdict::Redact(redaction) => Verdict::Shadow(ShadowOutcome::WouldRedact(redaction.counts)),
        other => other,
    };
    decision
}
