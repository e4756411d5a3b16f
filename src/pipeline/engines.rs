//! Detectors too heavy to rebuild on every reload: loaded once at start and
//! handed to each [`super::Pipeline`] build.
//!
//! Today that is the L2 classifier (an ONNX session pool). Without the ONNX
//! Runtime library or the model, L2 is disabled with one warning, unless a
//! policy sets `l2.required = true`, in which case start-up is refused.

use std::path::PathBuf;

use crate::detect::classifier::{Classifier, ClassifierError, LoadOptions, resolve_model_dir};
use crate::policy::Config;

/// Loaded once per process.
#[derive(Clone, Default)]
pub struct Engines {
    /// The L2 classifier, when loaded.
    pub classifier: Option<Classifier>,
}

/// Why start-up must stop.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A policy requires L2 and it could not be loaded.
    #[error("a policy sets l2.required = true but L2 cannot be loaded: {0}")]
    L2Required(ClassifierError),
}

impl Engines {
    /// No heavy detectors: L0–L1.5 only.
    pub fn none() -> Engines {
        Engines::default()
    }

    /// Loads what the configuration uses. A missing runtime or model disables
    /// L2 with one warning unless a policy requires it.
    pub fn load(config: &Config) -> Result<Engines, EngineError> {
        let policies = || std::iter::once(&config.policy).chain(config.policies.values());
        let wanted = policies().any(|p| p.l2.enabled);
        let required = policies().any(|p| p.l2.enabled && p.l2.required);
        if !wanted {
            return Ok(Engines::none());
        }
        let dir = resolve_model_dir(&config.classifier.model_dir);
        let mut classifier_config = LoadOptions::default();
        if !config.classifier.runtime_library.is_empty() {
            classifier_config.runtime_path =
                Some(PathBuf::from(&config.classifier.runtime_library));
        }
        if config.classifier.pool_size > 0 {
            classifier_config.pool_size = config.classifier.pool_size;
        }
        classifier_config.native_graph = config.classifier.native_graph;
        match Classifier::load(&dir, &classifier_config) {
            Ok(classifier) => {
                tracing::info!(model = classifier.model_version(), "L2 classifier loaded");
                Ok(Engines {
                    classifier: Some(classifier),
                })
            }
            Err(error) if required => Err(EngineError::L2Required(error)),
            Err(error) => {
                tracing::warn!(%error, "L2 classifier disabled; running L0-L1.5 only");
                metrics::gauge!("promptgate_l2_enabled").set(0.0);
                Ok(Engines::none())
            }
        }
    }
}
