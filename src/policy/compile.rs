//! From a validated [`Config`] to the compiled [`Runtime`] the hot path reads.
//!
//! Compilation happens once per configuration version (start and reload), off
//! the hot path; the result is shared behind `Arc` and swapped atomically.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::config::{Config, Mode, PolicyConfig};
use super::error::{ConfigError, ConfigErrors};
use super::load::{API_NAMES, DEFAULT_POLICY_NAME};
use super::route::RouteConf;
use crate::pipeline::Pipeline;

/// One named policy, ready to use.
#[derive(Debug)]
pub struct CompiledPolicy {
    /// Its name (`default` for `[policy]`).
    pub name: Arc<str>,
    /// Its effective settings.
    pub config: PolicyConfig,
    /// SHA-256 over the settings that change verdicts and the detectors'
    /// own fingerprints; part of every L0 cache key, so a rule, model or
    /// policy change never serves a stale verdict.
    pub fingerprint: [u8; 32],
}

/// A policy as one route uses it: the named policy plus the route's overrides.
#[derive(Debug, Clone)]
pub struct RoutePolicy {
    /// The named policy.
    pub policy: Arc<CompiledPolicy>,
    /// Enforce or shadow for this route.
    pub mode: Mode,
    /// The API this route fronts.
    pub api: Arc<str>,
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
    pub fn build(config: Config, generation: u64) -> Result<Runtime, ConfigErrors> {
        let pipeline = Pipeline::build(&config).map_err(|e| {
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
            policies.insert(
                name.clone(),
                Arc::new(CompiledPolicy {
                    name: name.into(),
                    config: policy,
                    fingerprint,
                }),
            );
        }
        Ok(Runtime {
            config,
            generation,
            pipeline: Arc::new(pipeline),
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
        let api = route
            .api
            .clone()
            .unwrap_or_else(|| policy.config.api.clone());
        if !API_NAMES.contains(&api.as_str()) {
            return Err(ResolveError::UnknownApi(api));
        }
        let max_body_bytes = route.max_body_bytes.unwrap_or(policy.config.max_body_bytes);
        if max_body_bytes == 0 || max_body_bytes > super::config::MAX_BODY_BYTES_LIMIT {
            return Err(ResolveError::BodyLimit(max_body_bytes));
        }
        let mut hasher = Sha256::new();
        hasher.update(policy.fingerprint);
        hasher.update(api.as_bytes());
        let fingerprint = hasher.finalize().into();
        Ok(RoutePolicy {
            mode: route.mode.unwrap_or(policy.config.mode),
            fail_open: route.fail_open.unwrap_or(policy.config.fail_open),
            api: api.into(),
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
        Runtime::build(config, 1).expect("compiles")
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
