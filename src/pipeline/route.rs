//! A policy in the form the pipeline reads: each named policy compiled once per
//! configuration version ([`CompiledPolicy`]), and a route's view of one with
//! its overrides applied ([`RoutePolicy`]).
//!
//! The pipeline owns these because it is what reads them; the runtime builds
//! them from the configuration, off the hot path.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::detect::Finding;
use crate::detect::output::{OutputConfig, OutputGuard};
use crate::extract::ExtractLimits;
use crate::policy::{MAX_BODY_BYTES_LIMIT, Mode, PolicyConfig, ResponsePolicy, RouteConf};
use crate::types::{ApiFormat, PiiAction, PiiType, RoleSet, default_action};

/// One named policy, ready to use.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    /// Its name (`default` for `[policy]`).
    pub name: Arc<str>,
    /// Its effective settings.
    pub config: PolicyConfig,
    /// SHA-256 over the settings that change verdicts and the detectors'
    /// own fingerprints; part of every L0 cache key, so a rule, model or
    /// policy change never serves a stale verdict.
    pub fingerprint: [u8; 32],
    /// What the detectors need from the settings, parsed once.
    pub detection: Detection,
}

impl CompiledPolicy {
    /// Compiles the policy `name` from its settings, under the detectors'
    /// fingerprint `detectors` (see [`super::Pipeline::fingerprint`]).
    pub fn compile(name: &str, config: PolicyConfig, detectors: &[u8; 32]) -> CompiledPolicy {
        CompiledPolicy {
            name: name.into(),
            fingerprint: fingerprint_of(&config, detectors),
            detection: Detection::compile(&config),
            config,
        }
    }

    /// This policy as the route `route` uses it, with the route's overrides.
    pub fn for_route(self: &Arc<Self>, route: &RouteConf) -> Result<RoutePolicy, ResolveError> {
        let policy = Arc::clone(self);
        let api_name = route.api.as_deref().unwrap_or(&policy.config.api);
        let api: ApiFormat = api_name
            .parse()
            .map_err(|_| ResolveError::UnknownApi(api_name.to_owned()))?;
        let max_body_bytes = route.max_body_bytes.unwrap_or(policy.config.max_body_bytes);
        if max_body_bytes == 0 || max_body_bytes > MAX_BODY_BYTES_LIMIT {
            return Err(ResolveError::BodyLimit(max_body_bytes));
        }
        let mut hasher = Sha256::new();
        hasher.update(policy.fingerprint);
        hasher.update(api.as_str().as_bytes());
        let fingerprint = hasher.finalize().into();
        Ok(RoutePolicy {
            mode: route.mode.unwrap_or(policy.config.mode),
            fail_open: route.fail_open.unwrap_or(policy.config.fail_open),
            api,
            max_body_bytes,
            fingerprint,
            policy,
        })
    }
}

/// A policy's detection settings in the form the pipeline reads per request.
#[derive(Debug, Clone)]
pub struct Detection {
    /// Roles whose text gets L1 and L2.
    pub injection_roles: RoleSet,
    /// Roles whose text gets L1.5.
    pub pii_roles: RoleSet,
    /// JSON bounds for extraction.
    pub limits: ExtractLimits,
    /// L1 findings with a score at or above this block.
    pub min_severity_score: f32,
    /// L1 rule ids switched off.
    pub disabled_rules: HashSet<String>,
    /// The action for each PII type, defaults overridden by the policy.
    pub pii_actions: HashMap<PiiType, PiiAction>,
    /// PII types not reported under this policy.
    pub pii_disabled: HashSet<PiiType>,
    /// L2 threshold override (`None`: the model card's).
    pub l2_threshold: Option<f32>,
    /// The answer checks, when the policy inspects answers (`None`: answers
    /// pass unchanged).
    pub output: Option<Arc<OutputGuard>>,
    /// What an output finding does.
    pub output_action: PiiAction,
}

impl Detection {
    /// The PII type of an L1.5 finding and the action this policy takes on it;
    /// `None` when the type is switched off (or the category names no type).
    /// One answer for requests, whole answers and streams.
    pub fn pii_action(&self, finding: &Finding) -> Option<(PiiType, PiiAction)> {
        let pii_type = finding.category.parse::<PiiType>().ok()?;
        if self.pii_disabled.contains(&pii_type) {
            return None;
        }
        let action = self
            .pii_actions
            .get(&pii_type)
            .copied()
            .unwrap_or(PiiAction::Redact);
        Some((pii_type, action))
    }

    /// Whether an L1 finding counts under this policy: its rule is not switched
    /// off and its severity reaches the policy's minimum.
    pub fn l1_decides(&self, finding: &Finding) -> bool {
        !self.disabled_rules.contains(&*finding.rule_id) && finding.score >= self.min_severity_score
    }

    fn compile(config: &PolicyConfig) -> Detection {
        // Names were validated by `load_config`; anything unparsable is skipped.
        let roles =
            |names: &[String]| RoleSet::from_names(names).unwrap_or_else(|_| RoleSet::all());
        let mut pii_actions: HashMap<PiiType, PiiAction> = PiiType::ALL
            .iter()
            .map(|&t| (t, default_action(t)))
            .collect();
        for (name, action) in &config.pii.actions {
            let action = match action.as_str() {
                "block" => PiiAction::Block,
                "log" => PiiAction::Log,
                _ => PiiAction::Redact,
            };
            if let Ok(pii_type) = name.parse::<PiiType>() {
                pii_actions.insert(pii_type, action);
            }
        }
        Detection {
            injection_roles: roles(&config.injection_roles),
            pii_roles: roles(&config.pii_roles),
            limits: ExtractLimits {
                max_depth: config.extract.max_depth,
                max_elements: config.extract.max_elements,
                max_text_bytes: config.extract.max_text_bytes,
            },
            min_severity_score: match config.l1.min_severity.as_str() {
                "low" => 0.25,
                "high" => 0.8,
                "critical" => 1.0,
                _ => 0.5,
            },
            disabled_rules: config.l1.disabled_rules.iter().cloned().collect(),
            pii_actions,
            pii_disabled: config
                .pii
                .disabled_types
                .iter()
                .filter_map(|t| t.parse().ok())
                .collect(),
            l2_threshold: (config.l2.threshold > 0.0).then_some(config.l2.threshold),
            // Validated by the runtime's layer checks; a guard that does not
            // compile leaves answers uninspected rather than panicking.
            output: config
                .response
                .enabled
                .then(|| OutputGuard::new(&output_config(&config.response)).ok())
                .flatten()
                .map(Arc::new),
            output_action: match config.response.output_action.as_str() {
                "redact" => PiiAction::Redact,
                "log" => PiiAction::Log,
                _ => PiiAction::Block,
            },
        }
    }
}

/// The output layer's own config from a policy's `[response]` section.
pub fn output_config(response: &ResponsePolicy) -> OutputConfig {
    OutputConfig {
        canaries: response.canaries.clone(),
        allowed_link_hosts: response.allowed_link_hosts.clone(),
        check_links: response.check_links,
        echo_min_words: response.echo_min_words,
    }
}

/// A policy as one route uses it: the named policy plus the route's overrides.
#[derive(Debug, Clone)]
pub struct RoutePolicy {
    /// The named policy.
    pub policy: Arc<CompiledPolicy>,
    /// Enforce or shadow for this route.
    pub mode: Mode,
    /// The API this route fronts.
    pub api: ApiFormat,
    /// This route's body limit.
    pub max_body_bytes: u64,
    /// This route's fail mode.
    pub fail_open: bool,
    /// Fingerprint of the policy with this route's verdict-changing overrides.
    pub fingerprint: [u8; 32],
}

/// Why a route's conf cannot be served.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ResolveError {
    /// The route names a policy the configuration does not have.
    #[error("unknown policy {0:?}")]
    UnknownPolicy(String),
    /// The route names an API promptgate does not know.
    #[error("unknown api {0:?}; known: auto, openai, anthropic, gemini")]
    UnknownApi(String),
    /// The route's body limit is outside what the protocol can carry.
    #[error("max_body_bytes {0} is outside 1..=16777100")]
    BodyLimit(u64),
}

/// Hashes the verdict-relevant settings in a stable form (serde_json of the
/// struct; field order is declaration order) with the detectors' fingerprint.
fn fingerprint_of(policy: &PolicyConfig, detectors: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"promptgate-policy-v1\0");
    hasher.update(detectors);
    // Mode is left out on purpose: shadow and enforce share one verdict.
    let mut relevant = policy.clone();
    relevant.mode = Mode::Enforce;
    // Time budgets change when a layer gives up, never what a verdict is.
    relevant.budgets = Default::default();
    hasher.update(serde_json::to_vec(&relevant).unwrap_or_default());
    hasher.finalize().into()
}
