//! What a layer reports: a finding, and the layer that made it.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Which layer of the waterfall produced a finding or a decision.
///
/// Exists so that metrics, audit events and block replies can name the layer with a
/// fixed, low-cardinality label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Checks the runner itself makes before any detector (body size, encoding, format).
    Gate,
    /// L0: the verdict cache.
    L0,
    /// L1: keyword and phrase rules over hardened text.
    L1,
    /// L1.5: PII and secrets confirmed by validation.
    L15,
    /// L2: the neural classifier.
    L2,
    /// Checks only the model's answer has: canary strings, exfiltration links,
    /// the system prompt echoed back (`detect::output`).
    Output,
}

impl Layer {
    /// The label used in replies, metrics and audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Gate => "gate",
            Layer::L0 => "L0",
            Layer::L1 => "L1",
            Layer::L15 => "L1.5",
            Layer::L2 => "L2",
            Layer::Output => "output",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a layer found. It names what matched, never the matched text.
///
/// Exists to keep layers testable alone: they report, the policy decides.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The layer that produced this finding.
    pub layer: Layer,
    /// What kind of threat: an attack category (`instruction_override`, …) for
    /// L1/L2, a PII type (`EMAIL`, `CREDIT_CARD`, …) for L1.5.
    pub category: Arc<str>,
    /// The rule, validator or model that fired (e.g. `en.override.ignore_previous`).
    pub rule_id: Arc<str>,
    /// Index of the segment (see segment (`extract::Segment`)) the finding is in.
    pub segment: usize,
    /// Byte range in the segment's original text.
    pub span: Range<usize>,
    /// Confidence or severity in `0.0..=1.0` (1.0 for deterministic matches).
    pub score: f32,
}
