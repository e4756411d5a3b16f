//! What one policy says, as written: `[policy]` and each `[policies.<name>]`,
//! with their tables (`extract`, `l1`, `pii`, `l2`, `budgets`). Part of the
//! file's mirror (`config.rs` holds the top-level sections).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::DEFAULT_MAX_BODY_BYTES;
pub use crate::types::Mode;

/// `[policy]` and `[policies.<name>]`: what a route is protected with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// `enforce` blocks and redacts; `shadow` scans fully, lets everything
    /// through and adds a header saying what would have happened.
    pub mode: Mode,
    /// The API the route fronts: `auto`, `openai`, `anthropic` or `gemini`. With a
    /// named API a body that is not that shape is refused with 400.
    pub api: String,
    /// Largest request body scanned, checked against content-length before the
    /// body is fetched and again after decompression; bigger bodies get 413.
    pub max_body_bytes: u64,
    /// What to do with gzip/deflate/br bodies: `decode` (within the body limit)
    /// or `refuse` (415).
    pub compressed_bodies: CompressedBodies,
    /// When a layer errors or runs out of time: `true` lets the request through
    /// (and counts it), `false` blocks it with 503.
    pub fail_open: bool,
    /// Roles whose text gets injection detection (L1, L2). System and developer
    /// messages belong to the operator; `tool_definition` (tool descriptions,
    /// often from third-party tool servers) is in by default and can be left
    /// out apart from `tool` (tool results).
    pub injection_roles: Vec<String>,
    /// Roles whose text gets PII detection (L1.5): all by default, tool
    /// definitions included (a description can carry a pasted key or contact).
    pub pii_roles: Vec<String>,
    /// Limits on the JSON a body may contain.
    pub extract: ExtractConfig,
    /// L1 keyword guard.
    pub l1: L1Policy,
    /// L1.5 PII shield.
    pub pii: PiiPolicy,
    /// L2 neural classifier.
    pub l2: L2Policy,
    /// Per-layer time budgets: L2 is cut off (then `fail_open` decides), L1
    /// and L1.5 over budget raise an alarm (see [`BudgetConfig`]).
    pub budgets: BudgetConfig,
    /// Inspection of the model's answers (routes with `ext-plugin-post-resp`).
    pub response: ResponsePolicy,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            mode: Mode::Enforce,
            api: "auto".to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            compressed_bodies: CompressedBodies::Decode,
            fail_open: false,
            injection_roles: ["user", "tool", "tool_definition", "unknown"]
                .map(str::to_owned)
                .to_vec(),
            pii_roles: [
                "system",
                "developer",
                "user",
                "assistant",
                "tool",
                "tool_definition",
                "unknown",
            ]
            .map(str::to_owned)
            .to_vec(),
            extract: ExtractConfig::default(),
            l1: L1Policy::default(),
            pii: PiiPolicy::default(),
            l2: L2Policy::default(),
            budgets: BudgetConfig::default(),
            response: ResponsePolicy::default(),
        }
    }
}

/// `response`: what the answer of a route with `ext-plugin-post-resp` is
/// checked for. Off by default: post-resp makes APISIX buffer the whole
/// answer, which a route opts into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponsePolicy {
    /// Inspect answers at all (HTTPRespCall is acknowledged unchanged otherwise).
    pub enabled: bool,
    /// Largest answer inspected (after decompression); a larger one is passed
    /// on uninspected when `fail_open`, else replaced by a 502.
    pub max_body_bytes: u64,
    /// Run L1.5 on answers, with this policy's PII actions.
    pub pii: bool,
    /// What a canary, exfiltration link or system-prompt echo does: `block`
    /// (the answer is replaced by an error), `redact` (the span becomes a
    /// placeholder) or `log`.
    pub output_action: String,
    /// Strings that must never appear in an answer (planted in the system
    /// prompt); at least 8 letters or digits each.
    pub canaries: Vec<String>,
    /// Hosts that links and images in answers may carry data to:
    /// `example.com` or `*.example.com`.
    pub allowed_link_hosts: Vec<String>,
    /// Also report links the user must click, not only images and other
    /// tags the client fetches by itself.
    pub check_links: bool,
    /// Words of the request's system prompt repeated in order that make an
    /// answer a system-prompt leak; 0 turns the check off. On, the request
    /// body is fetched again in the answer phase (one more ExtraInfo round
    /// trip carrying the whole request).
    pub echo_min_words: usize,
    /// Also run L1 (the keyword rules) over answers: an answer that carries
    /// injected instructions (a tool result or a retrieved page the model
    /// repeats, aimed at the client or the next agent) is treated by
    /// `output_action`. Off by default: answers quote attack text more often
    /// than prompts do.
    pub scan_injection: bool,
    /// Streamed answers (the `ai-promptgate` plugin): characters of each
    /// text the runner holds back until no finding can still reach them, so
    /// the longest canary, PII value or link it must catch (a finding longer
    /// than this may be released in part). Text is judged in steps of an
    /// eighth of it, so the client is between this and 9/8 of it behind the
    /// model (the first token waits as long). 32 to 4096.
    pub stream_holdback_chars: usize,
}

/// Bounds of `[policy.response] stream_holdback_chars`.
pub const STREAM_HOLDBACK_CHARS_RANGE: std::ops::RangeInclusive<usize> = 32..=4096;

impl Default for ResponsePolicy {
    fn default() -> Self {
        ResponsePolicy {
            enabled: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES * 4,
            pii: true,
            output_action: "block".to_owned(),
            canaries: Vec::new(),
            allowed_link_hosts: Vec::new(),
            check_links: true,
            echo_min_words: 0,
            scan_injection: false,
            stream_holdback_chars: 256,
        }
    }
}

/// Handling of `content-encoding: gzip | deflate | br` bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompressedBodies {
    /// Decompress within the body limit, then scan.
    Decode,
    /// Answer 415: the route does not accept compressed prompts.
    Refuse,
}

/// `extract`: bounds on the JSON structure of a body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    /// Deepest JSON nesting accepted.
    pub max_depth: usize,
    /// Most JSON values (objects, arrays, scalars) accepted.
    pub max_elements: usize,
    /// Most text bytes extracted for scanning.
    pub max_text_bytes: usize,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            max_depth: 64,
            max_elements: 100_000,
            max_text_bytes: 4 << 20,
        }
    }
}

/// `l1`: the keyword guard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct L1Policy {
    /// Run L1 at all.
    pub enabled: bool,
    /// Findings at or above this severity (`low`, `medium`, `high`, `critical`) block.
    pub min_severity: String,
    /// Rule ids switched off for this policy (false positives on your traffic).
    pub disabled_rules: Vec<String>,
}

impl Default for L1Policy {
    fn default() -> Self {
        L1Policy {
            enabled: true,
            min_severity: "medium".to_owned(),
            disabled_rules: Vec::new(),
        }
    }
}

/// `pii`: the PII shield.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PiiPolicy {
    /// Run L1.5 at all.
    pub enabled: bool,
    /// Per-type action overriding the built-in default: `TYPE = "block" | "redact" | "log"`.
    pub actions: BTreeMap<String, String>,
    /// Types not detected at all under this policy.
    pub disabled_types: Vec<String>,
    /// Reversible redaction: redacted values become placeholders in the
    /// request (`[EMAIL_1]`) and are put back into the model's answer on
    /// routes that also carry ext-plugin-post-resp. The mapping lives in the
    /// runner's memory for that request only.
    pub reversible: bool,
}

impl Default for PiiPolicy {
    fn default() -> Self {
        PiiPolicy {
            enabled: true,
            actions: BTreeMap::new(),
            disabled_types: Vec::new(),
            reversible: false,
        }
    }
}

/// `l2`: the neural classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct L2Policy {
    /// Run L2 (needs the model and the ONNX Runtime). On by default: the shipped
    /// model costs well under a millisecond per 512-token prompt; without the
    /// runtime L2 is disabled with one warning (see `required`).
    pub enabled: bool,
    /// Refuse to start when L2 cannot be loaded.
    pub required: bool,
    /// Score at or above which L2 blocks; 0 keeps the model card's calibrated value.
    pub threshold: f32,
}

impl Default for L2Policy {
    fn default() -> Self {
        L2Policy {
            enabled: true,
            required: false,
            threshold: 0.0,
        }
    }
}

/// `budgets`: how long each layer may take for one request, in milliseconds.
///
/// L2 runs on its inference pool and is cut off at its budget: a layer
/// failure, where `fail_open = true` lets the request through (counted) and
/// `false` blocks it with 503. L1 and L1.5 run to completion on the scanning
/// thread and their result is complete, so it is used: a run past their
/// budget is an alarm (`promptgate_runner_errors_total{kind="layer_slow"}`
/// and a warning), not a failure. A budget of 0 gives any layer no time at
/// all, so it always fails: a fault drill for checking the fail mode of a
/// route end to end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetConfig {
    /// L1 keyword guard.
    pub l1_ms: u64,
    /// L1.5 PII shield.
    pub pii_ms: u64,
    /// L2 neural classifier.
    pub l2_ms: u64,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            l1_ms: 50,
            pii_ms: 50,
            l2_ms: 250,
        }
    }
}
