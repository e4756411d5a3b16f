//! What can go wrong loading or running the classifier, as types.

use std::path::PathBuf;

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
