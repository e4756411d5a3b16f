//! What the pipeline answers: a verdict with its reasons.

use std::sync::Arc;
use std::time::Duration;

use super::{Finding, Layer, RoleSet};

/// The outcome for one request, with the findings that led to it.
///
/// Exists so that the server (reply), telemetry (metrics, audit) and the CLI
/// (`scan`) all read the same thing.
#[derive(Debug, Clone)]
pub struct Decision {
    /// What happens to the request.
    pub verdict: Verdict,
    /// Everything the layers reported, decisive or not.
    pub findings: Vec<Finding>,
    /// Time spent per layer, in the order the layers ran.
    pub timings: Vec<(Layer, Duration)>,
    /// L2 score, when L2 ran.
    pub l2_score: Option<f32>,
    /// SHA-256 of the scanned (extracted) text, for audit correlation without text.
    pub text_sha256: Option<[u8; 32]>,
    /// True when the verdict came from the L0 cache.
    pub cached: bool,
    /// The roles of the segments the findings are in (`user`, `tool`,
    /// `tool_definition`...), set by the pipeline while the segments are at
    /// hand, so audit events can say where a finding came from without any
    /// text. Empty with no finding; an L0 hit brings no findings (L0 keeps no
    /// roles), so only the layers that ran for this request count.
    pub roles: RoleSet,
}

impl Decision {
    /// A decision with no findings.
    pub fn new(verdict: Verdict) -> Decision {
        Decision {
            verdict,
            findings: Vec::new(),
            timings: Vec::new(),
            l2_score: None,
            text_sha256: None,
            cached: false,
            roles: RoleSet::empty(),
        }
    }

    /// Lets the request through unchanged.
    pub fn allow() -> Decision {
        Decision::new(Verdict::Allow)
    }

    /// Blocks with the given reply.
    pub fn block(block: Block) -> Decision {
        Decision::new(Verdict::Block(block))
    }

    /// The decision as JSON for people and tools (`promptgate scan`): verdict,
    /// deciding layer and code, every finding with its span, timings. Spans and
    /// ids only; never the text.
    pub fn report(&self) -> serde_json::Value {
        let block = match &self.verdict {
            Verdict::Block(block) | Verdict::Shadow(ShadowOutcome::WouldBlock(block)) => {
                Some(block)
            }
            _ => None,
        };
        let redacted = match &self.verdict {
            Verdict::Redact(r) => Some(r.counts.clone()),
            Verdict::Shadow(ShadowOutcome::WouldRedact(counts)) => Some(counts.clone()),
            _ => None,
        };
        serde_json::json!({
            "verdict": self.verdict_label(),
            "status": block.map(|b| b.status),
            "layer": block.map(|b| b.layer.as_str()),
            "code": block.map(|b| b.code),
            "category": block.and_then(|b| b.category.as_deref()),
            "redacted": redacted.map(|counts| counts.iter().map(|(k, n)| (k.to_string(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>()),
            "l2_score": self.l2_score,
            "cached": self.cached,
            "roles": self.roles,
            "findings": self.findings.iter().map(|f| serde_json::json!({
                "layer": f.layer.as_str(),
                "category": &*f.category,
                "rule_id": &*f.rule_id,
                "segment": f.segment,
                "span": [f.span.start, f.span.end],
                "score": f.score,
            })).collect::<Vec<_>>(),
            "timings_us": self.timings.iter().map(|(l, d)| (l.as_str().to_owned(), serde_json::json!(d.as_micros() as u64))).collect::<serde_json::Map<_, _>>(),
            "text_sha256": self.text_sha256.map(hex::encode),
        })
    }

    /// A short label for metrics and audit: `allow`, `block`, `redact`, `shadow_block`, `shadow_redact`.
    pub fn verdict_label(&self) -> &'static str {
        match &self.verdict {
            Verdict::Allow => "allow",
            Verdict::Block(_) => "block",
            Verdict::Redact(_) => "redact",
            Verdict::Shadow(ShadowOutcome::WouldBlock(_)) => "shadow_block",
            Verdict::Shadow(ShadowOutcome::WouldRedact(_)) => "shadow_redact",
        }
    }
}

/// What happens to the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Continue unchanged.
    Allow,
    /// Stop with an error reply.
    Block(Block),
    /// Continue with a rewritten body.
    Redact(Redaction),
    /// Shadow mode: continue unchanged, say what enforce mode would have done.
    Shadow(ShadowOutcome),
}

/// What enforce mode would have done to a request that shadow mode let through.
#[derive(Debug, Clone, PartialEq)]
pub enum ShadowOutcome {
    /// It would have been blocked.
    WouldBlock(Block),
    /// It would have been redacted (the summary, not the new body).
    WouldRedact(Vec<(Arc<str>, usize)>),
}

/// A refusal, shaped as an OpenAI-style error so LLM client libraries surface it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// HTTP status: 403 for detections, 413 too large, 415 encoding, 400 malformed, 503 internal.
    pub status: u16,
    /// Machine-readable code, e.g. `prompt_injection`, `pii_detected`, `body_too_large`.
    pub code: &'static str,
    /// Human-readable reason; never echoes prompt text or PII.
    pub message: String,
    /// The layer that decided.
    pub layer: Layer,
    /// The category of the decisive finding, when there is one.
    pub category: Option<Arc<str>>,
}

impl Block {
    /// A block with no category.
    pub fn new(status: u16, code: &'static str, layer: Layer, message: impl Into<String>) -> Block {
        Block {
            status,
            code,
            message: message.into(),
            layer,
            category: None,
        }
    }

    /// The reply body: `{"error":{"type":"prompt_blocked","code":…,"message":…,"layer":…,"request_id":…}}`.
    pub fn to_json(&self, request_id: &str) -> Vec<u8> {
        self.to_json_as("prompt_blocked", request_id)
    }

    /// [`Block::to_json`] with another error type (`response_blocked` for a
    /// withheld answer).
    pub fn to_json_as(&self, kind: &str, request_id: &str) -> Vec<u8> {
        let mut error = serde_json::Map::new();
        error.insert("type".into(), kind.into());
        error.insert("code".into(), self.code.into());
        error.insert("message".into(), self.message.clone().into());
        error.insert("layer".into(), self.layer.as_str().into());
        if let Some(category) = &self.category {
            error.insert("category".into(), category.as_ref().into());
        }
        error.insert("request_id".into(), request_id.into());
        let body = serde_json::json!({ "error": error });
        // Serializing a Value of strings cannot fail.
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

/// A rewritten request body and what was replaced (types and counts only).
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    /// The new body, always uncompressed.
    pub body: Vec<u8>,
    /// Replaced PII types and how many values of each.
    pub counts: Vec<(Arc<str>, usize)>,
    /// Under reversible redaction, which placeholder stands for which value
    /// (kept until the answer comes back); empty otherwise.
    pub originals: Originals,
}

/// Placeholder -> original value pairs of a reversible redaction.
///
/// Exists so the values can travel from the request path to the answer path
/// inside a [`Decision`] without ever being printed: `Debug` shows a count.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Originals(pub Vec<(String, String)>);

impl std::fmt::Debug for Originals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Originals({} values)", self.0.len())
    }
}

/// Formats redaction counts for a header: `EMAIL=1, CREDIT_CARD=2`.
pub fn counts_header(counts: &[(Arc<str>, usize)]) -> String {
    counts
        .iter()
        .map(|(kind, n)| format!("{kind}={n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_body_is_openai_shaped_and_carries_no_prompt() {
        let mut block = Block::new(
            403,
            "prompt_injection",
            Layer::L1,
            "request blocked by policy",
        );
        block.category = Some("instruction_override".into());
        let body: serde_json::Value =
            serde_json::from_slice(&block.to_json("req-1")).expect("valid JSON");
        assert_eq!(body["error"]["type"], "prompt_blocked");
        assert_eq!(body["error"]["code"], "prompt_injection");
        assert_eq!(body["error"]["layer"], "L1");
        assert_eq!(body["error"]["category"], "instruction_override");
        assert_eq!(body["error"]["request_id"], "req-1");
    }

    #[test]
    fn counts_header_lists_types_and_counts() {
        assert_eq!(
            counts_header(&[("EMAIL".into(), 1), ("IBAN".into(), 2)]),
            "EMAIL=1, IBAN=2"
        );
    }
}
