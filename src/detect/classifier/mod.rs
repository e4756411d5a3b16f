//! L2: the neural prompt-injection classifier.
//!
//! Takes the text of a segment that L0, L1 and L1.5 did not decide, and hands back a
//! [`Score`] (and a [`Finding`] when the score reaches the model's threshold). It never
//! decides what happens to the request, never logs prompt text, and never runs inference
//! on the caller's task: [`Classifier::score`] hops to a bounded blocking pool sized to
//! the cores.
//!
//! A model directory (`models/<name>/`) holds `model.toml` (labels, thresholds, window
//! sizes, combination, the sha256 of every file), `model.onnx` (token ids -> score per
//! window, output `score`), `tokenizer.json` and `ngram.bin`. Both signals read the
//! model text ([`crate::normalize::model_text_into`]: NFKC, invisible characters
//! dropped, lowercase, look-alikes folded) and cover the *whole* prompt:
//!
//! - the ONNX model scores overlapping token windows, all in one batched run, and keeps
//!   the maximum (above a cap, head, tail and evenly spaced windows), so padding an
//!   attack with filler does not push it out of view; short prompts are not padded. The
//!   default model is a static token-embedding table distilled from a sentence encoder,
//!   pooled per window into an MLP head (see its model card): a lookup per token, no
//!   transformer at run time;
//! - a hashed character n-gram logistic regression runs natively over character windows.
//!
//! They are combined as `model.toml` says (the model card justifies the choice).
//!
//! The ONNX Runtime library is loaded at run time (see [`LoadOptions::runtime_path`]);
//! without it [`Classifier::load`] fails with [`ClassifierError::RuntimeMissing`] and the
//! caller runs without L2 (or refuses to start when the policy requires it).

mod native;
mod ngram;
mod onnx;
mod runtime;
mod spec;
mod windows;
mod wordpiece;

#[cfg(test)]
mod tests;

pub use runtime::{SYSTEM_DATA_DIR, resolve_model_dir};

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use ort::session::Session;
use ort::session::SessionInputValue;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::TensorRef;
use tokenizers::Tokenizer;
use tokio::sync::Semaphore;

use super::{Finding, Layer};
use native::{HeadScratch, StaticHead};
use ngram::{NgramModel, NgramScratch};
use spec::{Combination, ModelSpec};
use wordpiece::{EncodeScratch, FastWordPiece};

/// Errors from loading or running the classifier. Never carries prompt text.
#[derive(Debug, thiserror::Error)]
pub enum ClassifierError {
    /// No ONNX Runtime library was found; L2 is unavailable on this machine.
    #[error(
        "ONNX Runtime library not found (tried {}); run scripts/setup-onnxruntime.sh or set ORT_DYLIB_PATH",
        display_paths(tried)
    )]
    RuntimeMissing {
        /// Every path that was looked at.
        tried: Vec<PathBuf>,
    },
    /// The library exists but could not be loaded (wrong version, not a library, ...).
    #[error("ONNX Runtime library {path} could not be loaded: {reason}")]
    RuntimeLoad {
        /// The library file.
        path: PathBuf,
        /// What ONNX Runtime or the loader said.
        reason: String,
    },
    /// A file of the model directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A model file differs from the sha256 listed in `model.toml`.
    #[error("{path}: sha256 {actual} does not match {expected} in model.toml")]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// The hash `model.toml` lists.
        expected: String,
        /// The hash of the file on disk.
        actual: String,
    },
    /// `model.toml` is malformed or describes something this build cannot run.
    #[error("invalid model description: {reason}")]
    BadSpec {
        /// What is wrong, naming the key and value.
        reason: String,
    },
    /// The tokenizer could not be built or failed on a text.
    #[error("tokenizer: {reason}")]
    Tokenizer {
        /// The tokenizer's message (no text).
        reason: String,
    },
    /// ONNX Runtime failed to build a session or to run.
    #[error("ONNX Runtime: {reason}")]
    Inference {
        /// ONNX Runtime's message.
        reason: String,
    },
    /// The model returned a different number of scores than windows sent.
    #[error("model returned {got} scores for {expected} windows")]
    BadOutput {
        /// Windows sent.
        expected: usize,
        /// Scores received.
        got: usize,
    },
    /// The blocking pool is gone (the runtime is shutting down).
    #[error("inference pool closed")]
    PoolClosed,
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nothing".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

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

/// The result of scoring one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// ONNX model signal: the maximum over the scored windows, in `0..=1`.
    pub model: f32,
    /// Character n-gram signal, in `0..=1`.
    pub ngram: f32,
    /// The two combined as `model.toml` says; compared with [`Classifier::threshold`].
    pub combined: f32,
    /// How many token windows the ONNX model scored.
    pub windows: usize,
    /// The model that produced the score (see [`Classifier::model_version`]).
    pub model_version: Arc<str>,
}

/// The loaded L2 model: tokenizer, sessions and n-gram weights, built once and shared.
///
/// Cheap to clone (one `Arc`); `Send + Sync`.
#[derive(Clone)]
pub struct Classifier {
    inner: Arc<Inner>,
}

struct Inner {
    name: Arc<str>,
    version: Arc<str>,
    rule_id: Arc<str>,
    category: Arc<str>,
    threshold: f32,
    /// The reference tokenizer: the fallback for what `fast` does not handle.
    tokenizer: Tokenizer,
    /// Exact fast path for lowercase ASCII words (`None` for a tokenizer it cannot mirror).
    fast: Option<FastWordPiece>,
    cls: i64,
    sep: i64,
    body: usize,
    stride: usize,
    max_windows: usize,
    output: String,
    /// The graph takes `token_type_ids` too (transformer encoders); zeros are passed.
    type_ids: bool,
    /// Native evaluator of the graph, when recognised and checked against ONNX Runtime.
    head: Option<StaticHead>,
    slots: Vec<Mutex<Slot>>,
    /// One permit per slot. A permit is moved into the blocking work it
    /// admits and released only when that work ends, so a caller that stops
    /// waiting (an L2 budget firing) cannot free a slot still in use.
    permits: Arc<Semaphore>,
    /// Inferences running now, and the most that ever ran at once.
    busy: AtomicUsize,
    busy_peak: AtomicUsize,
    ngram: NgramModel,
    combination: Combination,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("version", &self.inner.version)
            .field("threshold", &self.inner.threshold)
            .field("pool", &self.inner.slots.len())
            .finish_non_exhaustive()
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
                slots,
                ngram,
                combination,
            }),
        })
    }

    /// The model's name and content hash; part of the policy fingerprint so cache keys
    /// change when the model does.
    pub fn model_version(&self) -> &str {
        &self.inner.version
    }

    /// The model's name (`models/<name>/`), used in the rule id `l2.<name>`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The combined-score threshold, calibrated for the whole waterfall (L1 + L1.5 + L2)
    /// on the dev corpus (see the model card).
    pub fn threshold(&self) -> f32 {
        self.inner.threshold
    }

    /// Scores a text on the bounded inference pool; the calling task only awaits.
    ///
    /// # Errors
    /// [`ClassifierError::PoolClosed`] when the runtime is shutting down; tokenizer or
    /// ONNX Runtime failures otherwise.
    pub async fn score(&self, text: &str) -> Result<Score, ClassifierError> {
        let permit = Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .map_err(|_| ClassifierError::PoolClosed)?;
        let inner = Arc::clone(&self.inner);
        let text = text.to_owned();
        tokio::task::spawn_blocking(move || {
            // The permit lives as long as the inference, not as long as the
            // caller waits for it.
            let _permit = permit;
            inner.score_counted(&text)
        })
        .await
        .map_err(|_| ClassifierError::PoolClosed)?
    }

    /// The most inferences that ever ran at once on the pool since load: never
    /// more than the pool size (diagnostics and tests).
    pub fn busy_peak(&self) -> usize {
        self.inner.busy_peak.load(Ordering::Relaxed)
    }

    /// Scores a text on the calling thread (CLI, tests, benches).
    ///
    /// # Errors
    /// Tokenizer or ONNX Runtime failures.
    pub fn score_blocking(&self, text: &str) -> Result<Score, ClassifierError> {
        self.inner.score(text)
    }

    /// The L2 finding for `score` when it reaches the threshold, else `None`.
    /// `segment` and `span` locate the scored text (the whole segment, usually).
    pub fn finding(&self, score: &Score, segment: usize, span: Range<usize>) -> Option<Finding> {
        (score.combined >= self.inner.threshold).then(|| Finding {
            layer: Layer::L2,
            category: Arc::clone(&self.inner.category),
            rule_id: Arc::clone(&self.inner.rule_id),
            segment,
            span,
            score: score.combined,
        })
    }
}

/// The `tokenizers` crate's tokenizer for `tokenizer.json`, without truncation or
/// padding (windows are cut here).
fn reference_tokenizer(bytes: &[u8]) -> Result<Tokenizer, ClassifierError> {
    let tok_err = |e: tokenizers::Error| ClassifierError::Tokenizer {
        reason: e.to_string(),
    };
    let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(tok_err)?;
    tokenizer.with_truncation(None).map_err(tok_err)?;
    tokenizer.with_padding(None);
    Ok(tokenizer)
}

/// One inference slot: a session and the buffers a scoring reuses, so a warm slot
/// scores without allocating (beyond what ONNX Runtime does inside a run).
#[derive(Default)]
struct Slot {
    /// `None` when the graph is evaluated natively.
    session: Option<Session>,
    scratch: Scratch,
}

#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    joined: String,
    encode: EncodeScratch,
    ids: Vec<u32>,
    input_ids: Vec<i64>,
    /// Ones (attention mask) and zeros (token type ids), grown to the largest batch seen.
    ones: Vec<i64>,
    zeros: Vec<i64>,
    scores: Vec<f32>,
    ngram: NgramScratch,
    head: HeadScratch,
}

/// Characters of text whose buffers a slot keeps between scorings; a longer prompt's
/// buffers are freed after it (a slot would otherwise hold the largest prompt ever seen).
const RETAINED_CHARS: usize = 16 * 1024;

impl Scratch {
    fn trim(&mut self) {
        if self.chars.capacity() > RETAINED_CHARS {
            *self = Scratch::default();
        }
    }
}

impl Inner {
    /// [`Inner::score`], counted in `busy` and `busy_peak`.
    fn score_counted(&self, text: &str) -> Result<Score, ClassifierError> {
        let now = self.busy.fetch_add(1, Ordering::SeqCst) + 1;
        self.busy_peak.fetch_max(now, Ordering::SeqCst);
        let result = self.score(text);
        self.busy.fetch_sub(1, Ordering::SeqCst);
        result
    }

    fn score(&self, text: &str) -> Result<Score, ClassifierError> {
        let mut slot = self.slot();
        let Slot { session, scratch } = &mut *slot;
        // Both signals read the model text (NFKC, invisibles dropped, lowercase,
        // look-alikes folded: `normalize/model.rs`), computed once.
        crate::normalize::model_text_into(text, &mut scratch.chars, &mut scratch.joined);
        let ngram = self
            .ngram
            .score_normalized(&scratch.chars, &mut scratch.ngram);
        scratch.ids.clear();
        match &self.fast {
            Some(fast) => fast.encode(
                &self.tokenizer,
                &scratch.joined,
                &mut scratch.encode,
                &mut scratch.ids,
            )?,
            None => {
                wordpiece::encode_reference(&self.tokenizer, &scratch.joined, &mut scratch.ids)?
            }
        }
        let encoded = self.encoder_score(session.as_mut(), scratch);
        scratch.trim();
        let (model, windows) = encoded?;
        Ok(Score {
            model,
            ngram,
            combined: self.combination.combine(model, ngram),
            windows,
            model_version: Arc::clone(&self.version),
        })
    }

    /// Scores the token windows of `scratch.ids` in one batched run.
    fn encoder_score(
        &self,
        session: Option<&mut Session>,
        scratch: &mut Scratch,
    ) -> Result<(f32, usize), ClassifierError> {
        let ids = &scratch.ids;
        let starts = windows::window_starts(ids.len(), self.body, self.stride, self.max_windows);
        // Every window but a lone short one holds exactly `body` tokens, so the windows of
        // a prompt form one rectangular batch: one run, no padding.
        let width = ids.len().min(self.body) + 2;
        scratch.scores.clear();
        match (&self.head, session) {
            (Some(head), _) => {
                let windows = native::Windows {
                    ids,
                    starts: &starts,
                    width,
                    // Ids of the vocabulary, which has fewer than 2^32 entries.
                    cls: self.cls as u32,
                    sep: self.sep as u32,
                };
                head.score_windows(&windows, &mut scratch.head, &mut scratch.scores)
                    .ok_or_else(|| ClassifierError::Inference {
                        reason: format!(
                            "token id outside the embedding table ({} rows)",
                            head.vocab()
                        ),
                    })?;
            }
            (None, Some(session)) => {
                let input_ids = &mut scratch.input_ids;
                input_ids.clear();
                for &start in &starts {
                    input_ids.push(self.cls);
                    input_ids.extend(
                        ids[start..start + width - 2]
                            .iter()
                            .map(|&id| i64::from(id)),
                    );
                    input_ids.push(self.sep);
                }
                let runner = OrtRunner {
                    output: self.output.as_str(),
                    type_ids: self.type_ids,
                };
                runner.run(
                    session,
                    [starts.len(), width],
                    input_ids,
                    &mut scratch.ones,
                    &mut scratch.zeros,
                    &mut scratch.scores,
                )?;
            }
            (None, None) => {
                return Err(ClassifierError::Inference {
                    reason: "no session in this inference slot".to_owned(),
                });
            }
        }
        if scratch.scores.len() != starts.len() {
            return Err(ClassifierError::BadOutput {
                expected: starts.len(),
                got: scratch.scores.len(),
            });
        }
        let best = scratch
            .scores
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        Ok((best, starts.len()))
    }

    /// A free slot; the semaphore keeps async callers within the pool, so one is
    /// usually free at once. Blocking callers wait on the first one otherwise.
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        for slot in &self.slots {
            match slot.try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        self.slots[0].lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How the graph is run in ONNX Runtime: its output name and whether it takes
/// `token_type_ids`.
struct OrtRunner<'a> {
    output: &'a str,
    type_ids: bool,
}

impl OrtRunner<'_> {
    /// Runs one batch of `shape` windows (`ids` row-major, attention mask all ones) and
    /// appends one score per window to `scores`. `ones` and `zeros` grow as needed.
    fn run(
        &self,
        session: &mut Session,
        shape: [usize; 2],
        ids: &[i64],
        ones: &mut Vec<i64>,
        zeros: &mut Vec<i64>,
        scores: &mut Vec<f32>,
    ) -> Result<(), ClassifierError> {
        fn tensor(shape: [usize; 2], data: &[i64]) -> ort::Result<SessionInputValue<'_>> {
            TensorRef::from_array_view((shape, data)).map(SessionInputValue::from)
        }
        let ort_err = |e: ort::Error| ClassifierError::Inference {
            reason: e.to_string(),
        };
        let len = shape[0] * shape[1];
        if ones.len() < len {
            ones.resize(len, 1);
            zeros.resize(len, 0);
        }
        let mut inputs = vec![
            ("input_ids", tensor(shape, &ids[..len]).map_err(ort_err)?),
            (
                "attention_mask",
                tensor(shape, &ones[..len]).map_err(ort_err)?,
            ),
        ];
        if self.type_ids {
            inputs.push((
                "token_type_ids",
                tensor(shape, &zeros[..len]).map_err(ort_err)?,
            ));
        }
        let outputs = session.run(inputs).map_err(ort_err)?;
        let (_, out) = outputs[self.output]
            .try_extract_tensor::<f32>()
            .map_err(ort_err)?;
        scores.extend_from_slice(out);
        Ok(())
    }
}
