//! Measuring the detectors on a labelled corpus (`promptgate eval`).
//!
//! Takes JSON Lines records in the corpus schema of `tests/corpus/README.md`
//! (`text`, `label` attack|benign, `category`, `lang`, optional `pii` spans in
//! code points) and
//! a compiled [`Runtime`]; hands back an [`EvalReport`]: attack recall per
//! layer, category and language, the benign false-positive rate, PII precision
//! and recall per type, and throughput. Each text is sent through the real
//! pipeline as the user message of an OpenAI chat body, exactly as a request
//! through the socket would be. Never prints corpus text: reports carry ids.

mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;

pub use report::{EvalReport, Rate};

use crate::detect::Layer;
use crate::pipeline::{ScanRequest, Verdict};
use crate::policy::{RouteConf, RoutePolicy, Runtime};

/// One corpus record.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// Record id (reported for misses, never the text).
    pub id: String,
    /// The prompt.
    pub text: String,
    /// `attack` or `benign`.
    pub label: String,
    /// Attack or benign category.
    #[serde(default)]
    pub category: String,
    /// ISO 639-1 language.
    #[serde(default)]
    pub lang: String,
    /// Annotated PII spans; present (maybe empty) on PII records.
    #[serde(default)]
    pub pii: Option<Vec<PiiSpan>>,
}

/// An annotated PII value: type and code-point range.
#[derive(Debug, Clone, Deserialize)]
pub struct PiiSpan {
    /// PII type name (`EMAIL`, `IBAN`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Start, in Unicode code points.
    pub start: usize,
    /// End (exclusive), in Unicode code points.
    pub end: usize,
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
    /// The policy named for the run does not exist.
    #[error("policy: {0}")]
    Policy(#[from] crate::policy::ResolveError),
}

/// Where the corpus is when nothing else is said: the repository's test corpus,
/// relative to the working directory (cargo runs tests and benches from the
/// package root). See `tests/corpus/README.md`.
pub const DEFAULT_CORPUS_DIR: &str = "tests/corpus";

/// The files of a corpus folder, in the order `promptgate eval` reads them.
pub const CORPUS_FILES: [&str; 3] = ["attacks.jsonl", "benign.jsonl", "pii.jsonl"];

/// The labelled corpus the tests, benches, `promptgate bench` and `promptgate
/// eval` read: `PROMPTGATE_CORPUS_DIR` when set, else [`DEFAULT_CORPUS_DIR`]
/// when it holds `attacks.jsonl`. One place for tests, benches and tools; no
/// other path is searched. The path is made absolute, so it can be handed to a
/// child process with another working directory.
pub fn corpus_dir() -> Option<PathBuf> {
    let absolute = |dir: PathBuf| std::path::absolute(&dir).unwrap_or(dir);
    if let Some(dir) = std::env::var_os("PROMPTGATE_CORPUS_DIR").filter(|v| !v.is_empty()) {
        return Some(absolute(PathBuf::from(dir)));
    }
    let dir = PathBuf::from(DEFAULT_CORPUS_DIR);
    dir.join("attacks.jsonl").is_file().then(|| absolute(dir))
}

/// Reads records from JSON Lines files.
pub fn read_records(paths: &[&Path]) -> Result<Vec<Record>, EvalError> {
    let mut records = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
            path: name.clone(),
            source,
        })?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record = serde_json::from_str(line).map_err(|e| EvalError::Record {
                path: name.clone(),
                line: n + 1,
                message: e.to_string(),
            })?;
            records.push(record);
        }
    }
    Ok(records)
}

/// Runs every record through the pipeline under `policy` and measures.
///
/// `progress` is called after each record with (done, total).
pub async fn evaluate(
    runtime: &Runtime,
    policy: &str,
    records: &[Record],
    mut progress: impl FnMut(usize, usize),
) -> Result<EvalReport, EvalError> {
    let route = runtime.resolve(&RouteConf {
        policy: Some(policy.to_owned()),
        ..RouteConf::default()
    })?;
    let pii_route = pii_only(&route);
    let mut report = EvalReport::default();
    let mut scan_time = Duration::ZERO;
    for (n, record) in records.iter().enumerate() {
        let body = chat_body(&record.text);
        let started = Instant::now();
        let decision = runtime
            .pipeline
            .decide(
                &route,
                ScanRequest {
                    body: Some(&body),
                    content_encoding: None,
                },
            )
            .await;
        scan_time += started.elapsed();
        report.bytes += record.text.len() as u64;
        let blocked_by = match &decision.verdict {
            Verdict::Block(block) if block.layer != Layer::L15 => Some(block.layer),
            _ => None,
        };
        match record.label.as_str() {
            "attack" => report.count_attack(record, blocked_by),
            _ => report.count_benign(record, blocked_by),
        }
        if let Some(expected) = &record.pii {
            // PII is measured with L1 and L2 off and every type logged, so an
            // injection verdict or a blocking type cannot hide a finding.
            let decision = runtime
                .pipeline
                .decide(
                    &pii_route,
                    ScanRequest {
                        body: Some(&body),
                        content_encoding: None,
                    },
                )
                .await;
            let found: Vec<(String, std::ops::Range<usize>)> = decision
                .findings
                .iter()
                .filter(|f| f.layer == Layer::L15)
                .map(|f| (f.category.to_string(), f.span.clone()))
                .collect();
            report.count_pii(record, expected, &found);
        }
        progress(n + 1, records.len());
    }
    report.records = records.len();
    report.scan_seconds = scan_time.as_secs_f64();
    Ok(report)
}

/// The same route with L1 and L2 off and every PII type only logged.
fn pii_only(route: &RoutePolicy) -> RoutePolicy {
    let mut policy = (*route.policy).clone();
    policy.config.l1.enabled = false;
    policy.config.l2.enabled = false;
    for action in policy.detection.pii_actions.values_mut() {
        *action = crate::detect::pii::PiiAction::Log;
    }
    policy.detection.pii_disabled.clear();
    RoutePolicy {
        policy: std::sync::Arc::new(policy),
        ..route.clone()
    }
}

/// The record's text as the user message of an OpenAI chat request.
fn chat_body(text: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "model": "eval",
        "messages": [{"role": "user", "content": text}]
    }))
    .unwrap_or_default()
}

/// Byte range of a code-point range in `text` (corpus spans are code points).
pub fn byte_range(text: &str, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
    let mut indices = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let s = indices.nth(start)?;
    let e = if end == start {
        s
    } else {
        indices.nth(end - start - 1)?
    };
    Some(s..e)
}

/// Sorted, deduplicated label → value map helper for reports.
pub(crate) type Table = BTreeMap<String, Rate>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_point_spans_map_to_byte_ranges() {
        let text = "żółw ma IBAN";
        assert_eq!(byte_range(text, 0, 4), Some(0..7));
        assert_eq!(&text[byte_range(text, 8, 12).expect("in range")], "IBAN");
        assert_eq!(byte_range(text, 12, 12), Some(text.len()..text.len()));
        assert_eq!(byte_range(text, 10, 20), None);
    }
}
