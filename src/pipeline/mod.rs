//! The waterfall: runs the layers in order under a route's policy, stops at
//! the first decisive finding, times each layer and returns a [`Decision`].
//!
//! Takes the raw request body (as fetched from APISIX) and the route's
//! [`RoutePolicy`]; hands the server a [`Decision`]. The gate (body size,
//! content encoding, shape) runs before any detector; then extraction and
//! the layers L0 ▸ L1 ▸ L1.5 ▸ L2 (L0 keys on the exact injection-scoped
//! segments; the normalized views are built only when L1 runs). Shadow mode and fail
//! modes are applied here, in one place, so layers stay simple reporters.
//! Never does I/O with APISIX and never logs prompt text.
//!
//! * `stage/` — each layer behind one small trait (`Stage`): prepared input
//!   in, a report out; the list of stages in order.
//! * `waterfall` — the walk over the stages (timing, budgets, the first
//!   decisive one ends it) and the policy's decision.
//! * `response` — the answer direction (post-resp): extraction of what the
//!   user reads, L1.5 and the output checks, the policy's decision.
//! * `stream` — a streamed answer inspected as it flows (the `ai-promptgate`
//!   plugin): per complete event, a bounded holdback, redaction in place,
//!   the API's own error event when the policy cuts it.
//! * `l0` — the L0 key and what L0 keeps; `budget` — budgets and fail modes;
//!   `body` — the gate; `route` — a policy as the pipeline reads it;
//!   `engines` — what is loaded once per process.

mod body;
mod budget;

mod engines;
mod l0;
mod response;
mod route;
mod stage;
mod stream;
#[cfg(test)]
pub(crate) mod testing;
mod waterfall;

use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use crate::detect::cache::{PseudonymKey, PseudonymStore};
pub use crate::extract::{PseudonymVault, Pseudonyms};
pub use crate::types::{
    Block, Decision, Originals, Redaction, ShadowOutcome, Verdict, counts_header,
};
pub use body::{Coding, open_body, too_large};
pub use budget::{
    LayerFailure, LayerTimeout, SCANNER_UNAVAILABLE, budget_for, on_layer_failure, over_budget,
    scanner_unavailable, within_budget,
};
pub use engines::{EngineError, Engines};
pub use response::{AnswerScan, RESPONSE_UNREADABLE};
pub use route::{CompiledPolicy, Detection, ResolveError, RoutePolicy, output_config};
pub use stream::{
    AnswerStream, MAX_STREAM_EVENT_BYTES, StreamFormat, StreamOutcome, StreamStep, error_event,
};

use crate::detect::cache::VerdictCache;
use crate::detect::classifier::Classifier;
use crate::detect::keywords::{KeywordGuard, KeywordGuardBuilder};
use crate::detect::pii::{PiiConfig as PiiShieldConfig, PiiShield};
use crate::normalize::Normalizer;
use crate::policy::{Config, Mode};

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
///
/// Layers are behind `Arc` so that a reload which leaves a layer's inputs
/// unchanged keeps the compiled layer instead of compiling (and holding) a
/// second copy: most reloads change a policy, not the rules.
pub struct Pipeline {
    normalizer: Normalizer,
    keywords: Arc<KeywordGuard>,
    /// What the keyword guard was compiled from ([`KeywordGuardBuilder::inputs_fingerprint`]).
    keywords_inputs: Option<[u8; 32]>,
    pii: Arc<PiiShield>,
    pii_config: PiiShieldConfig,
    classifier: Option<Classifier>,
    /// The waterfall's stages, in order (see `stage::stages`).
    stages: Vec<Box<dyn stage::Stage>>,
    fingerprint: [u8; 32],
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("rules", &self.keywords.rule_count())
            .field(
                "l2",
                &self.classifier.as_ref().map(Classifier::model_version),
            )
            .finish()
    }
}

/// Version of the L1.5 validators, part of the detectors' fingerprint: bump it when
/// what L1.5 finds changes, so that shared caches do not serve the old findings.
const PII_VERSION: &str = "pii-v3";

impl Pipeline {
    /// Builds every layer: the rule packs the configuration names, the PII
    /// shield, and the classifier already loaded in `engines`.
    pub fn build(config: &Config, engines: &Engines) -> Result<Pipeline, BuildError> {
        Pipeline::rebuild(config, engines, None)
    }

    /// Like [`Pipeline::build`], keeping each layer of `previous` whose inputs
    /// are unchanged (the same rule packs and custom rules, the same PII
    /// settings).
    pub fn rebuild(
        config: &Config,
        engines: &Engines,
        previous: Option<&Pipeline>,
    ) -> Result<Pipeline, BuildError> {
        let mut rules = KeywordGuardBuilder::new();
        if config.rules.embedded {
            rules.add_embedded();
        }
        if !config.rules.dir.is_empty() {
            rules.add_dir(std::path::Path::new(&config.rules.dir));
        }
        if !config.rules.custom.is_empty() {
            rules.add_rules("[rules.custom]", config.rules.custom.clone());
        }
        let keywords_inputs = rules.inputs_fingerprint();
        let keywords = match previous {
            Some(p) if keywords_inputs.is_some() && p.keywords_inputs == keywords_inputs => {
                Arc::clone(&p.keywords)
            }
            _ => Arc::new(rules.build().map_err(|e| BuildError::Layer {
                layer: "L1",
                message: e.to_string(),
            })?),
        };
        let pii_config = PiiShieldConfig {
            phone_regions: config.pii.phone_regions.clone(),
            phone_strict: config.pii.phone_strict,
            ..PiiShieldConfig::default()
        };
        let pii = match previous {
            Some(p) if p.pii_config == pii_config => Arc::clone(&p.pii),
            _ => Arc::new(PiiShield::new(&pii_config).map_err(|e| BuildError::Layer {
                layer: "L1.5",
                message: e.to_string(),
            })?),
        };
        let classifier = engines.classifier.clone();
        let mut hasher = Sha256::new();
        hasher.update(keywords.fingerprint());
        hasher.update(PII_VERSION.as_bytes());
        hasher.update([u8::from(config.pii.phone_strict)]);
        for region in &config.pii.phone_regions {
            hasher.update(region.trim().to_ascii_uppercase().as_bytes());
            hasher.update(b"\0");
        }
        if let Some(classifier) = &classifier {
            hasher.update(classifier.model_version().as_bytes());
        }
        let stages = stage::stages(&keywords, &pii, classifier.as_ref());
        Ok(Pipeline {
            normalizer: Normalizer::new(),
            stages,
            keywords,
            keywords_inputs,
            pii,
            pii_config,
            classifier,
            fingerprint: hasher.finalize().into(),
        })
    }

    /// Whether `self` shares its compiled L1 and L1.5 with `other` (a reload
    /// that kept them).
    pub fn shares_layers_with(&self, other: &Pipeline) -> bool {
        Arc::ptr_eq(&self.keywords, &other.keywords) && Arc::ptr_eq(&self.pii, &other.pii)
    }

    /// SHA-256 over the compiled detectors (rules, validators, model), for cache keys.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// Number of L1 rules compiled in.
    pub fn rule_count(&self) -> usize {
        self.keywords.rule_count()
    }

    /// The L2 model version, when L2 is loaded.
    pub fn model_version(&self) -> Option<&str> {
        self.classifier.as_ref().map(Classifier::model_version)
    }

    /// The L2 model's own threshold, when L2 is loaded (a policy may override
    /// it with `l2.threshold`).
    pub fn l2_threshold(&self) -> Option<f32> {
        self.classifier.as_ref().map(Classifier::threshold)
    }

    /// Whether this route's policy needs to see request bodies at all.
    pub fn needs_body(&self, policy: &RoutePolicy) -> bool {
        let p = &policy.policy.config;
        policy.api != crate::extract::ApiFormat::Auto
            || p.l1.enabled
            || p.pii.enabled
            || p.l2.enabled
    }

    /// Decides what happens to one request, without a verdict cache (the CLI
    /// and tools).
    pub async fn decide(&self, policy: &RoutePolicy, request: ScanRequest<'_>) -> Decision {
        self.decide_cached(&VerdictCache::disabled(), policy, request)
            .await
    }

    /// Decides what happens to one request, with `cache` as L0.
    pub async fn decide_cached(
        &self,
        cache: &VerdictCache,
        policy: &RoutePolicy,
        request: ScanRequest<'_>,
    ) -> Decision {
        let decision = self.enforce(policy, request, cache).await;
        apply_mode(policy.mode, decision)
    }

    /// A decision reached before the pipeline ran (e.g. a content-length over
    /// the limit), with the route's mode applied like any other.
    pub fn early(&self, policy: &RoutePolicy, decision: Decision) -> Decision {
        apply_mode(policy.mode, decision)
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
