//! From a validated [`Config`] to the compiled [`Runtime`] the hot path reads.
//!
//! Compilation happens once per configuration version (start and reload), off
//! the hot path; the result is shared behind `Arc` and swapped atomically.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::config::{Config, Mode, PolicyConfig};
use super::error::{ConfigError, ConfigErrors};
use super::load::DEFAULT_POLICY_NAME;
use super::route::RouteConf;
use crate::detect::pii::{PiiAction, PiiType, default_action};
use crate::extract::{ApiFormat, ExtractLimits, RoleSet};
use crate::pipeline::{Engines, Pipeline};

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
}

impl Detection {
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
        }
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

/// Everything compiled from one configuration version.
pub struct Runtime {
    /// The configuration it was built from.
    pub config: Config,
    /// Increases with every successful reload; token entries use it to notice
    /// that their resolved policy is stale.
    pub generation: u64,
    /// The detectors, shared by every policy.
    pub pipeline: Arc<Pipeline>,
    /// Engines loaded once per process (the L2 model), reused by reloads.
    pub engines: Engines,
    policies: HashMap<String, Arc<CompiledPolicy>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("generation", &self.generation)
            .field("policies", &self.policies.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Runtime {
    /// Compiles `config`: builds the detectors and every named policy.
    pub fn build(
        config: Config,
        generation: u64,
        engines: &Engines,
    ) -> Result<Runtime, ConfigErrors> {
        Runtime::rebuild(config, generation, engines, None)
    }

    /// Like [`Runtime::build`], keeping the detectors of `previous` whose
    /// inputs did not change (see [`Pipeline::rebuild`]).
    pub fn rebuild(
        config: Config,
        generation: u64,
        engines: &Engines,
        previous: Option<&Runtime>,
    ) -> Result<Runtime, ConfigErrors> {
        let pipeline = Pipeline::rebuild(&config, engines, previous.map(|r| &*r.pipeline))
            .map_err(|e| {
                ConfigErrors(vec![ConfigError::Detector {
                    layer: e.layer(),
                    message: e.to_string(),
                }])
            })?;
        let detectors_fingerprint = pipeline.fingerprint();
        let mut policies = HashMap::new();
        let named = std::iter::once((DEFAULT_POLICY_NAME.to_owned(), config.policy.clone()))
            .chain(config.policies.iter().map(|(n, p)| (n.clone(), p.clone())));
        for (name, policy) in named {
            let fingerprint = fingerprint_of(&policy, &detectors_fingerprint);
            let detection = Detection::compile(&policy);
            policies.insert(
                name.clone(),
                Arc::new(CompiledPolicy {
                    name: name.into(),
                    config: policy,
                    fingerprint,
                    detection,
                }),
            );
        }
        Ok(Runtime {
            config,
            generation,
            pipeline: Arc::new(pipeline),
            engines: engines.clone(),
            policies,
        })
    }

    /// The policy a route's conf selects, with the route's overrides applied.
    pub fn resolve(&self, route: &RouteConf) -> Result<RoutePolicy, ResolveError> {
        let name = route.policy.as_deref().unwrap_or(DEFAULT_POLICY_NAME);
        let policy = self
            .policies
            .get(name)
            .ok_or_else(|| ResolveError::UnknownPolicy(name.to_owned()))?
            .clone();
        let api_name = route.api.as_deref().unwrap_or(&policy.config.api);
        let api: ApiFormat = api_name
            .parse()
            .map_err(|_| ResolveError::UnknownApi(api_name.to_owned()))?;
        let max_body_bytes = route.max_body_bytes.unwrap_or(policy.config.max_body_bytes);
        if max_body_bytes == 0 || max_body_bytes > super::config::MAX_BODY_BYTES_LIMIT {
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

    /// Names of every policy, `default` included.
    pub fn policy_names(&self) -> impl Iterator<Item = &str> {
        self.policies.keys().map(String::as_str)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::load_config_str;

    fn runtime(src: &str) -> Runtime {
        let config = load_config_str(src, "t", Vec::new()).expect("valid config");
        Runtime::build(config, 1, &Engines::none()).expect("compiles")
    }

    /// A reload that changes only a policy keeps the compiled L1 and L1.5
    /// (one copy in memory); one that changes the rules or the PII settings
    /// compiles them again.
    #[test]
    fn a_rebuild_keeps_the_layers_whose_inputs_did_not_change() {
        let first = runtime("");
        let rebuilt = |src: &str| {
            let config = load_config_str(src, "t", Vec::new()).expect("valid config");
            Runtime::rebuild(config, 2, &Engines::none(), Some(&first)).expect("compiles")
        };
        let policy_only = rebuilt("[policy]\nmode = \"shadow\"\n");
        assert!(policy_only.pipeline.shares_layers_with(&first.pipeline));
        assert_eq!(
            policy_only.pipeline.fingerprint(),
            first.pipeline.fingerprint()
        );
        let new_rule = rebuilt(
            "[[rules.custom]]\nid = \"custom.x.y\"\ncategory = \"data_exfiltration\"\n\
             severity = \"high\"\nphrases = [\"purple elephant protocol\"]\n",
        );
        assert!(!new_rule.pipeline.shares_layers_with(&first.pipeline));
        assert_ne!(
            new_rule.pipeline.fingerprint(),
            first.pipeline.fingerprint()
        );
        let strict_phones = rebuilt("[pii]\nphone_strict = true\n");
        assert!(!strict_phones.pipeline.shares_layers_with(&first.pipeline));
    }

    #[test]
    fn routes_select_named_policies_and_override_keys() {
        let rt = runtime("[policies.strict]\nmax_body_bytes = 100\n");
        let route = RouteConf {
            policy: Some("strict".into()),
            mode: Some(Mode::Shadow),
            ..RouteConf::default()
        };
        let resolved = rt.resolve(&route).expect("known policy");
        assert_eq!(&*resolved.policy.name, "strict");
        assert_eq!(resolved.max_body_bytes, 100);
        assert_eq!(resolved.mode, Mode::Shadow);
        assert_eq!(
            rt.resolve(&RouteConf {
                policy: Some("nope".into()),
                ..RouteConf::default()
            })
            .expect_err("unknown"),
            ResolveError::UnknownPolicy("nope".into())
        );
        assert!(
            rt.resolve(&RouteConf {
                api: Some("cohere".into()),
                ..RouteConf::default()
            })
            .is_err()
        );
    }

    #[test]
    fn fingerprints_change_with_verdict_settings_but_not_mode() {
        let a = runtime("");
        let b = runtime("[policy]\nmode = \"shadow\"\n");
        let c = runtime("[policy.l1]\nmin_severity = \"high\"\n");
        let fp = |rt: &Runtime| {
            rt.resolve(&RouteConf::default())
                .expect("default")
                .fingerprint
        };
        assert_eq!(fp(&a), fp(&b));
        assert_ne!(fp(&a), fp(&c));
        let openai = a
            .resolve(&RouteConf {
                api: Some("openai".into()),
                ..RouteConf::default()
            })
            .expect("valid api");
        assert_ne!(openai.fingerprint, fp(&a));
    }
}
