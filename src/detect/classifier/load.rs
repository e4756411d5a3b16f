//! Loading a model directory: checking its files, building the tokenizer, the
//! n-gram weights, the native evaluator or ONNX Runtime sessions, and the pool slots.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use tokenizers::Tokenizer;
use tokio::sync::Semaphore;

use super::native::StaticHead;
use super::ngram::NgramModel;
use super::score::{Scratch, Slot};
use super::spec::{Combination, ModelSpec};
use super::wordpiece::FastWordPiece;
use super::{Classifier, ClassifierError, Inner, runtime};

/// How to load a classifier; every field has a working default.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The ONNX Runtime library. `None`: `ORT_DYLIB_PATH`, then the path the setup script
    /// wrote to `.runtime/onnxruntime/path`. A value that does not exist is an error
    /// (no silent fallback).
    pub runtime_path: Option<PathBuf>,
    /// Concurrent inferences (sessions); defaults to the number of cores.
    pub pool_size: usize,
    /// Threads ONNX Runtime uses inside one inference; 1 keeps latency predictable when
    /// the pool already uses every core.
    pub intra_op_threads: usize,
    /// Evaluate the static-embedding graph natively when `model.onnx` is exactly that graph
    /// (ONNX Runtime is still required and loaded, but builds no session); `false` runs
    /// every window in ONNX Runtime.
    pub native_graph: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            runtime_path: None,
            pool_size: std::thread::available_parallelism().map_or(1, usize::from),
            intra_op_threads: 1,
            native_graph: true,
        }
    }
}

impl Classifier {
    /// Loads `dir` (a `models/<name>/` folder): reads `model.toml`, checks every file's
    /// sha256, loads the ONNX Runtime library and builds one session per pool slot.
    ///
    /// # Errors
    /// [`ClassifierError::RuntimeMissing`] when no runtime library is found (the caller
    /// disables L2 with a warning, or refuses to start when L2 is required); the other
    /// variants for a bad model directory or a runtime that will not load it.
    pub fn load(dir: &Path, config: &LoadOptions) -> Result<Classifier, ClassifierError> {
        let spec = ModelSpec::read(dir)?;
        crate::normalize::warm_model_text();
        let onnx = spec.read_checked(dir, &spec.encoder.file)?;
        let tok_bytes = spec.read_checked(dir, &spec.encoder.tokenizer)?;
        let ngram_bytes = spec.read_checked(dir, &spec.ngram.file)?;

        let tokenizer = reference_tokenizer(&tok_bytes)?;
        let special = |t: &str| {
            tokenizer
                .token_to_id(t)
                .map(i64::from)
                .ok_or_else(|| ClassifierError::Tokenizer {
                    reason: format!("no {t} token in the vocabulary"),
                })
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        let ngram = NgramModel::from_bytes(&spec.ngram, &ngram_bytes)?;
        let combination = Combination::from_spec(&spec.combination)?;

        // The library must be there either way (L2's contract, and what the
        // equality of the two evaluations is tested against); it is loaded
        // only when a session will run, below.
        let library = runtime::locate(config.runtime_path.as_deref())?;
        let pool = config.pool_size.max(1);
        let ort_err = |e: ort::Error| ClassifierError::Inference {
            reason: e.to_string(),
        };
        // No CPU arena and no memory pattern: a batch of windows is small and its size
        // varies with the prompt, so a retained arena only holds the largest batch ever
        // seen (the batched graph runs no slower without them).
        let build_session = |env: &ort::environment::Environment| {
            Session::builder(env)
                .map_err(ort_err)?
                .with_execution_providers([ort::ep::CPU::default()
                    .with_arena_allocator(false)
                    .build()])
                .map_err(|e| ort_err(e.into()))?
                .with_memory_pattern(false)
                .map_err(|e| ort_err(e.into()))?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(|e| ort_err(e.into()))?
                .with_intra_threads(config.intra_op_threads.max(1))
                .map_err(|e| ort_err(e.into()))?
                .with_inter_threads(1)
                .map_err(|e| ort_err(e.into()))?
                .with_intra_op_spinning(false)
                .map_err(|e| ort_err(e.into()))?
                .commit_from_memory(&onnx)
                .map_err(ort_err)
        };
        let head = if config.native_graph {
            StaticHead::from_onnx(&onnx, &spec.encoder.output)
                .inspect_err(
                    |reason| tracing::debug!(%reason, "L2 runs model.onnx in ONNX Runtime"),
                )
                .ok()
        } else {
            None
        };
        let mut slots = Vec::with_capacity(pool);
        let mut type_ids = false;
        if head.is_some() {
            // Evaluated natively: the ONNX Runtime library is not even loaded, so
            // none of its code, graph, kernels or allocations are held. The evaluator's equality with
            // ONNX Runtime is tested on the test corpus (classifier tests, `native_graph`).
            for _ in 0..pool {
                slots.push(Mutex::new(Slot::default()));
            }
        } else {
            let env = runtime::environment(&library)?;
            for _ in 0..pool {
                let session = build_session(&env)?;
                type_ids = session
                    .inputs()
                    .iter()
                    .any(|i| i.name() == "token_type_ids");
                slots.push(Mutex::new(Slot {
                    session: Some(session),
                    scratch: Scratch::default(),
                }));
            }
        }

        let name: Arc<str> = Arc::from(spec.name.as_str());
        Ok(Classifier {
            inner: Arc::new(Inner {
                rule_id: Arc::from(format!("l2.{}", spec.name)),
                version: Arc::from(spec.version.as_str()),
                category: Arc::from(spec.category.as_str()),
                name,
                threshold: spec.threshold as f32,
                fast: FastWordPiece::from_json(&tok_bytes),
                tokenizer,
                cls,
                sep,
                body: spec.encoder.max_tokens - 2,
                stride: spec.encoder.stride,
                max_windows: spec.encoder.max_windows,
                output: spec.encoder.output.clone(),
                type_ids,
                head,
                permits: Arc::new(Semaphore::new(pool)),
                busy: AtomicUsize::new(0),
                busy_peak: AtomicUsize::new(0),
                pooled: AtomicUsize::new(0),
                slots,
                ngram,
                combination,
            }),
        })
    }
}

/// The `tokenizers` crate's tokenizer for `tokenizer.json`, without truncation or
/// padding (windows are cut here).
pub(super) fn reference_tokenizer(bytes: &[u8]) -> Result<Tokenizer, ClassifierError> {
    let tok_err = |e: tokenizers::Error| ClassifierError::Tokenizer {
        reason: e.to_string(),
    };
    let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(tok_err)?;
    tokenizer.with_truncation(None).map_err(tok_err)?;
    tokenizer.with_padding(None);
    Ok(tokenizer)
}
