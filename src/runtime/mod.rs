//! The running configuration, composed at the top: the configuration
//! ([`crate::policy`]) compiled into the detectors ([`crate::pipeline::Pipeline`])
//! and one [`CompiledPolicy`] per named policy, read by the server through an
//! atomic pointer and swapped whole on reload.
//!
//! Each layer owns the settings it reads; this module is where the
//! configuration's sections become those settings (`settings`), where the
//! layers add their own checks to the configuration's (`check`), and where a
//! reload builds and swaps a new [`Runtime`] (`reload`). Compilation happens
//! once per configuration version, off the hot path.

mod check;
mod reload;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

pub use check::{layer_checks, read_config, read_config_str};
pub use reload::{ReloadOutcome, Reloader, reload_once, return_free_memory};
pub use settings::cache_options;

pub use crate::pipeline::{CompiledPolicy, ResolveError, RoutePolicy};
use crate::pipeline::{EngineError, Engines, Pipeline};
use crate::policy::{Config, ConfigError, ConfigErrors, DEFAULT_POLICY_NAME, RouteConf};

/// Why the first runtime of a process could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration does not compile.
    #[error("{0}")]
    Config(#[from] ConfigErrors),
    /// A policy requires L2 and it cannot be loaded.
    #[error(transparent)]
    Engines(#[from] EngineError),
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

    /// The first runtime of a process, with its engines loaded: [`Runtime::build`]
    /// in the order that keeps the resident peak low. The rule automata are
    /// compiled first, with no L2: their build briefly holds an intermediate trie
    /// larger than the searched automaton. L2 is loaded next, into the memory that
    /// build handed back, and the served runtime keeps the first build's L1 and
    /// L1.5 ([`Runtime::rebuild`]). Loaded first, L2's tables were live through the
    /// trie's build and set the process's peak (about 20 MiB of the 100 MiB target).
    ///
    /// # Errors
    /// [`StartError::Config`] when the configuration does not compile,
    /// [`StartError::Engines`] when a policy requires L2 and it cannot be loaded.
    pub fn start(config: Config) -> Result<Runtime, StartError> {
        let rules_only = Runtime::build(config.clone(), 1, &Engines::none())?;
        return_free_memory();
        let engines = Engines::load(&config)?;
        let runtime = Runtime::rebuild(config, 1, &engines, Some(&rules_only))?;
        drop(rules_only);
        return_free_memory();
        Ok(runtime)
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
        let named = std::iter::once((DEFAULT_POLICY_NAME.to_owned(), config.policy.clone()))
            .chain(config.policies.iter().map(|(n, p)| (n.clone(), p.clone())));
        let policies = named
            .map(|(name, policy)| {
                let compiled = CompiledPolicy::compile(&name, policy, &detectors_fingerprint);
                (name, Arc::new(compiled))
            })
            .collect();
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
            .ok_or_else(|| ResolveError::UnknownPolicy(name.to_owned()))?;
        policy.for_route(route)
    }

    /// Names of every policy, `default` included.
    pub fn policy_names(&self) -> impl Iterator<Item = &str> {
        self.policies.keys().map(String::as_str)
    }
}
