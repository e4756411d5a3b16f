//! `model.toml`: what a model directory contains and how its signals are combined.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::ClassifierError;
use crate::normalize::MODEL_TEXT_ID;

/// The parsed `model.toml` (unknown keys rejected so a typo cannot silently change scoring).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelSpec {
    pub name: String,
    pub version: String,
    pub labels: Vec<String>,
    pub category: String,
    pub threshold: f64,
    pub encoder: EncoderSpec,
    pub ngram: NgramSpec,
    pub combination: CombinationSpec,
    pub sha256: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EncoderSpec {
    pub file: String,
    pub tokenizer: String,
    pub output: String,
    /// The normalization applied before tokenizing; must be the n-gram featurizer's.
    pub normalize: String,
    pub max_tokens: usize,
    pub stride: usize,
    pub max_windows: usize,
    pub threshold: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NgramSpec {
    pub file: String,
    /// `i16-le` (fixed point, with `scale`) or `f32-le` (older models).
    pub format: String,
    /// The weight of one fixed-point unit (`i16-le` only).
    #[serde(default)]
    pub scale: Option<f64>,
    pub bits: u32,
    pub n_min: usize,
    pub n_max: usize,
    pub hash: String,
    pub normalize: String,
    pub window_chars: usize,
    pub window_stride: usize,
    pub bias: f64,
    pub threshold: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CombinationSpec {
    pub kind: String,
    pub model_weight: f64,
    pub ngram_weight: f64,
    pub bias: f64,
    pub model_threshold: f64,
    pub ngram_threshold: f64,
    /// `cascade` only: the n-gram score from which the model signal is computed.
    #[serde(default)]
    pub gray_floor: Option<f64>,
}

/// How the two signals become one score, checked at load.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Combination {
    /// `sigmoid(a*logit(model) + b*logit(ngram) + c)`.
    Blend { a: f64, b: f64, c: f64 },
    /// Each signal rescaled so its threshold maps to 0.5; the larger wins.
    Max { model_t: f64, ngram_t: f64 },
    /// [`Combination::Max`], the model signal computed only over the gray regions (the
    /// n-gram windows whose score reaches `gray_floor`); a text without one combines a
    /// model signal of 0, so the rescaled n-gram score stands alone. The cheap signal
    /// screens, the costlier one judges only its gray zone.
    Cascade {
        model_t: f64,
        ngram_t: f64,
        /// `ln(gray_floor / (1 - gray_floor))`: n-gram windows at or above it are gray.
        gray_logit: f64,
    },
}

impl Combination {
    pub(crate) fn from_spec(spec: &CombinationSpec) -> Result<Self, ClassifierError> {
        match spec.kind.as_str() {
            "blend" => Ok(Combination::Blend {
                a: spec.model_weight,
                b: spec.ngram_weight,
                c: spec.bias,
            }),
            "max" => Ok(Combination::Max {
                model_t: spec.model_threshold,
                ngram_t: spec.ngram_threshold,
            }),
            "cascade" => match spec.gray_floor {
                Some(floor) if floor > 0.0 && floor < 1.0 => Ok(Combination::Cascade {
                    model_t: spec.model_threshold,
                    ngram_t: spec.ngram_threshold,
                    gray_logit: (floor / (1.0 - floor)).ln(),
                }),
                other => Err(ClassifierError::BadSpec {
                    reason: format!(
                        "combination kind `cascade` needs gray_floor strictly between 0 and 1 (got {other:?})"
                    ),
                }),
            },
            other => Err(ClassifierError::BadSpec {
                reason: format!(
                    "unknown combination kind `{other}` (expected blend, max or cascade)"
                ),
            }),
        }
    }

    /// The cascade's gray logit; `None` when both signals always run.
    pub(crate) fn gray_logit(self) -> Option<f64> {
        match self {
            Combination::Cascade { gray_logit, .. } => Some(gray_logit),
            Combination::Blend { .. } | Combination::Max { .. } => None,
        }
    }

    pub(crate) fn combine(self, model: f32, ngram: f32) -> f32 {
        let (m, g) = (f64::from(model), f64::from(ngram));
        let out = match self {
            Combination::Blend { a, b, c } => sigmoid(a * logit(m) + b * logit(g) + c),
            Combination::Max { model_t, ngram_t }
            | Combination::Cascade {
                model_t, ngram_t, ..
            } => rescale(m, model_t).max(rescale(g, ngram_t)),
        };
        out as f32
    }
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-7, 1.0 - 1e-7);
    (p / (1.0 - p)).ln()
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn rescale(s: f64, t: f64) -> f64 {
    if s < t {
        0.5 * s / t.max(1e-9)
    } else {
        0.5 + 0.5 * (s - t) / (1.0 - t).max(1e-9)
    }
}

impl ModelSpec {
    /// Reads and validates `dir/model.toml`.
    pub(crate) fn read(dir: &Path) -> Result<Self, ClassifierError> {
        let path = dir.join("model.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| ClassifierError::Io {
            path: path.clone(),
            source,
        })?;
        let spec: ModelSpec = toml::from_str(&text).map_err(|e| ClassifierError::BadSpec {
            reason: format!("{}: {e}", path.display()),
        })?;
        spec.validate()?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), ClassifierError> {
        let bad = |reason: String| Err(ClassifierError::BadSpec { reason });
        let e = &self.encoder;
        if e.max_tokens < 8 || e.max_tokens > 512 {
            return bad(format!(
                "encoder.max_tokens = {} (allowed 8..=512)",
                e.max_tokens
            ));
        }
        if e.stride == 0 || e.stride > e.max_tokens - 2 {
            return bad(format!(
                "encoder.stride = {} (allowed 1..={})",
                e.stride,
                e.max_tokens - 2
            ));
        }
        if e.max_windows < 2 || e.max_windows > 1024 {
            return bad(format!(
                "encoder.max_windows = {} (allowed 2..=1024)",
                e.max_windows
            ));
        }
        if e.normalize != MODEL_TEXT_ID {
            return bad(format!(
                "encoder.normalize `{}` is not the one this build implements ({})",
                e.normalize, MODEL_TEXT_ID
            ));
        }
        let n = &self.ngram;
        let formats = ["i16-le", "f32-le"];
        if !formats.contains(&n.format.as_str())
            || n.hash != "fnv1a32"
            || n.normalize != MODEL_TEXT_ID
        {
            return bad(format!(
                "ngram featurizer `{}`/`{}`/`{}` is not the one this build implements (i16-le or f32-le/fnv1a32/{})",
                n.format, n.hash, n.normalize, MODEL_TEXT_ID
            ));
        }
        if !(8..=24).contains(&n.bits) || n.n_min == 0 || n.n_min > n.n_max || n.n_max > 8 {
            return bad(format!(
                "ngram bits = {}, n = {}..={} out of range",
                n.bits, n.n_min, n.n_max
            ));
        }
        if n.window_chars < n.n_max || n.window_stride == 0 || n.window_stride > n.window_chars {
            return bad(format!(
                "ngram window {} / stride {} invalid",
                n.window_chars, n.window_stride
            ));
        }
        for (key, t) in [
            ("threshold", self.threshold),
            ("encoder.threshold", e.threshold),
            ("ngram.threshold", n.threshold),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return bad(format!("{key} = {t} (allowed 0..=1)"));
            }
        }
        if self.labels.len() != 2 {
            return bad(format!(
                "labels has {} entries (expected [benign, attack])",
                self.labels.len()
            ));
        }
        for file in [&e.file, &e.tokenizer, &n.file] {
            if !self.sha256.contains_key(file.as_str()) {
                return bad(format!("no sha256 listed for `{file}`"));
            }
            if file.contains('/') || file.contains("..") {
                return bad(format!(
                    "file `{file}` must be a plain name inside the model directory"
                ));
            }
        }
        Combination::from_spec(&self.combination)?;
        Ok(())
    }

    /// Reads a file of the model directory and checks its sha256 against `model.toml`.
    pub(crate) fn read_checked(&self, dir: &Path, file: &str) -> Result<Vec<u8>, ClassifierError> {
        let path: PathBuf = dir.join(file);
        let bytes = std::fs::read(&path).map_err(|source| ClassifierError::Io {
            path: path.clone(),
            source,
        })?;
        let actual = hex::encode(Sha256::digest(&bytes));
        let expected = self.sha256.get(file).cloned().unwrap_or_default();
        if !actual.eq_ignore_ascii_case(&expected) {
            return Err(ClassifierError::ChecksumMismatch {
                path,
                expected,
                actual,
            });
        }
        Ok(bytes)
    }
}
