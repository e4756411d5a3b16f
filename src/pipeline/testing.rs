//! Test helpers: the detectors and the default route's policy from
//! configuration text, without the runtime above the pipeline.

use std::sync::Arc;

use super::{CompiledPolicy, Engines, Pipeline, RoutePolicy};
use crate::policy::{DEFAULT_POLICY_NAME, RouteConf, load_config_str};

/// The detectors built from `src` (L0-L1.5, no L2) and the default route's policy.
pub(crate) fn default_policy(src: &str) -> (Pipeline, RoutePolicy) {
    let config = load_config_str(src, "t", Vec::new()).expect("valid config");
    let pipeline = Pipeline::build(&config, &Engines::none()).expect("compiles");
    let policy = Arc::new(CompiledPolicy::compile(
        DEFAULT_POLICY_NAME,
        config.policy,
        &pipeline.fingerprint(),
    ));
    let route = policy
        .for_route(&RouteConf::default())
        .expect("default policy");
    (pipeline, route)
}
