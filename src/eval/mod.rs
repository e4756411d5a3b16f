//! Measuring the detectors on a labelled corpus (`promptgate eval`).
//!
//! Takes JSON Lines records in the corpus schema of `tests/corpus/README.md`
//! (`text`, `label` attack|benign, `category`, `lang`, optional `pii` spans in
//! code points) and
//! a compiled [`Runtime`](crate::runtime::Runtime); hands back an [`EvalReport`]: attack recall per
//! layer, category and language, the benign false-positive rate, PII precision
//! and recall per type, and throughput. Never prints corpus text: reports
//! carry record ids and rule ids.
//!
//! Each text is wrapped as a request body and decided by
//! [`Pipeline::decide`](crate::pipeline::Pipeline::decide), the function the
//! socket handler's scan job calls (without L0, which only replays verdicts):
//! the same gate, extraction, segments, roles, layers and policy. Two
//! wrappings ([`Wrap`]): `serving` (the default of the CLI) is what APISIX
//! sends for a chat application, an OpenAI chat body with a system message and
//! the text as the user message, and a block by any layer counts, as the
//! client sees it; `user` is the bare user message, counting only injection
//! blocks (L1, L2), as this module measured before.
//!
//! Out-of-sample numbers: [`split`] puts every record into a fixed
//! calibration or held-out part, grouped so near-duplicates and variants of
//! one item stay on one side; [`EvalOptions::part`] keeps one part. Every rate
//! carries its Wilson 95 % interval. [`EvalOptions::leave_out`] adds a
//! leave-one-language-out or leave-one-source-out report, in which the L2
//! threshold is recalibrated without the group before the group is measured.
//!
//! Files: `record.rs` reads the corpus, `wrap.rs` turns a text into the
//! request (or answer) the run decides, `run.rs` decides every record and
//! counts, `report.rs` is what the counts come to, `split.rs` the fixed
//! calibration/held-out split and `leave_out.rs` the leave-one-out report.

mod leave_out;
mod record;
mod report;
mod run;
pub mod split;
mod wrap;

use std::collections::BTreeMap;

pub use crate::corpus::{DEFAULT_CORPUS_DIR, corpus_dir};
pub use leave_out::{Dimension, LeaveOutRow, source_family};
pub use record::{CORPUS_FILES, Parent, PiiSpan, Record, byte_range, read_records};
pub use report::{EvalReport, L2_DID_NOT_RUN, PiiError, Rate};
pub use run::{evaluate, evaluate_with};
pub use split::{Part, assign_parts, wilson95};
pub use wrap::{SERVING_SYSTEM_PROMPT, STREAM_DELTA_CHARS, Wrap, request_body};

use run::Outcome;

/// What to measure and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    /// How each text becomes a request.
    pub wrap: Wrap,
    /// Only records of this part of the fixed split; `None`: all.
    pub part: Option<Part>,
    /// Add a leave-one-out report along this dimension.
    pub leave_out: Option<Dimension>,
    /// Benign false-positive target the leave-out report recalibrates the L2
    /// threshold to (whole waterfall, outside the left-out group).
    pub fp_target: Option<f64>,
}

/// Why a corpus could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is not a record.
    #[error("{path}:{line}: not a corpus record: {message}")]
    Record {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// The policy's `[response]` settings do not compile (an answer run).
    #[error("the policy's [response] settings: {0}")]
    Answer(String),
    /// The policy named for the run does not exist.
    #[error("policy: {0}")]
    Policy(#[from] crate::pipeline::ResolveError),
}

/// Sorted, deduplicated label → value map helper for reports.
pub(crate) type Table = BTreeMap<String, Rate>;
