//! Test helpers: the detectors and the default route's policy from
//! configuration text, without the runtime above the pipeline.

use std::sync::Arc;

use super::{CompiledPolicy, EngineError, Engines, Pipeline, RoutePolicy};
use crate::detect::classifier::ClassifierError;
use crate::policy::{Config, DEFAULT_POLICY_NAME, RouteConf, load_config_str};

/// The detectors built from `src` (L0-L1.5, no L2) and the default route's policy.
pub(crate) fn default_policy(src: &str) -> (Pipeline, RoutePolicy) {
    let config = load_config_str(src, "t", Vec::new()).expect("valid config");
    policy_with(config, &Engines::none())
}

/// The detectors built from `src` with L2 loaded as `promptgate serve` loads
/// it (the shipped model, its native graph), and the default route's policy.
/// L2 is required: without the ONNX Runtime library this fails, as the
/// classifier tests do, unless `PROMPTGATE_SKIP_L2=1` (then `None`).
pub(crate) fn default_policy_with_l2(src: &str) -> Option<(Pipeline, RoutePolicy)> {
    let src = format!("{src}\n[policy.l2]\nenabled = true\nrequired = true\n");
    let config = load_config_str(&src, "t", Vec::new()).expect("valid config");
    match Engines::load(&config) {
        Ok(engines) => {
            assert!(engines.classifier.is_some(), "L2 is required");
            Some(policy_with(config, &engines))
        }
        Err(EngineError::L2Required(ClassifierError::RuntimeMissing { .. }))
            if std::env::var("PROMPTGATE_SKIP_L2").is_ok_and(|v| v == "1") =>
        {
            None
        }
        Err(e) => panic!("{e} (run scripts/setup-onnxruntime.sh, or set PROMPTGATE_SKIP_L2=1)"),
    }
}

fn policy_with(config: Config, engines: &Engines) -> (Pipeline, RoutePolicy) {
    let pipeline = Pipeline::build(&config, engines).expect("compiles");
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
