//! What can stop a benchmark.

use crate::protocol::{DecodeError, ErrCode, FrameError};

/// Why a benchmark could not run (or a connection stopped).
#[derive(Debug, thiserror::Error)]
pub enum LoadgenError {
    /// A flag value is unusable.
    #[error("{0}")]
    Usage(String),
    /// The corpus is missing or incomplete.
    #[error("corpus: {0}")]
    Corpus(String),
    /// A frame could not be built (a body over the 16 MiB frame limit).
    #[error("frame: {0}")]
    Frame(#[from] FrameError),
    /// The runner sent something APISIX could not use.
    #[error("runner reply: {0}")]
    Decode(#[from] DecodeError),
    /// The runner answered a call with an Err frame.
    #[error("runner answered Err {0:?}")]
    RunnerErr(ErrCode),
    /// The runner answered a RequestCall with ERROR (this reason byte).
    #[error("runner answered RequestCall ERROR reason {0}")]
    RequestError(u8),
    /// The runner answered with a frame type that does not fit the call.
    #[error("runner answered RPC type {got} where {expected} was expected")]
    UnexpectedType {
        /// The type received.
        got: u8,
        /// What the call allows.
        expected: &'static str,
    },
    /// A socket or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The child runner did not come up.
    #[error("runner did not start: {0}")]
    RunnerStart(String),
}

impl LoadgenError {
    /// Wraps an I/O error with what was being done.
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> LoadgenError {
        let what = what.into();
        move |source| LoadgenError::Io { what, source }
    }
}
