//! The answer direction: an upstream answer (ext-plugin-post-resp) in, a
//! [`Decision`] out.
//!
//! gate (decoding and the answer's size limit) ▸ extraction of what the user
//! will read (`extract::extract_response`, whole or streamed) ▸ L1.5 with the
//! policy's PII actions ▸ the output checks (canaries, exfiltration links,
//! the system prompt echoed) and, when asked, L1 for injected instructions,
//! with the policy's `response.output_action` ▸ block, rewrite or pass. No
//! cache and no classifier: answers are unique, and what must not come out is
//! found by exact checks. A blocked answer is a 502 (the gateway withholds
//! what the upstream said); an answer that cannot be read follows the route's
//! fail mode.

use std::sync::Arc;
use std::time::Instant;

use super::{Pipeline, RoutePolicy, apply_mode, open_body};
use crate::detect::output::{EchoIndex, OutputGuard};
use crate::detect::pii::PiiAction;
use crate::detect::{Finding, Layer};
use crate::extract::{self, Pseudonyms, ResponseExtraction, Role, extract_response};
use crate::policy::CompressedBodies;
use crate::types::{Block, Decision, Redaction, Verdict};

/// One upstream answer as APISIX hands it over.
#[derive(Debug, Clone, Copy)]
pub struct AnswerScan<'a> {
    /// The body, as fetched with ExtraInfo RespBody.
    pub body: &'a [u8],
    /// The upstream `Content-Type`.
    pub content_type: Option<&'a [u8]>,
    /// The upstream `Content-Encoding`.
    pub content_encoding: Option<&'a [u8]>,
    /// Under reversible redaction, the request's placeholders and values, to
    /// be put back into the answer.
    pub originals: Option<&'a Pseudonyms>,
    /// The request body, when the policy's echo check asked for it.
    pub request: Option<&'a [u8]>,
}

/// Error code of an answer that could not be read under fail-closed.
pub const RESPONSE_UNREADABLE: &str = "response_unreadable";

impl Pipeline {
    /// Decides what happens to one answer under the route's policy (its mode
    /// applied); an answer of a policy that does not inspect answers passes.
    pub fn decide_response(&self, policy: &RoutePolicy, answer: AnswerScan<'_>) -> Decision {
        apply_mode(policy.mode, self.inspect_response(policy, answer))
    }

    fn inspect_response(&self, policy: &RoutePolicy, answer: AnswerScan<'_>) -> Decision {
        let detection = &policy.policy.detection;
        let restoring = answer.originals.filter(|p| !p.is_empty());
        if detection.output.is_none() && restoring.is_none() {
            return Decision::allow();
        }
        let config = &policy.policy.config;
        let started = Instant::now();
        let body = match open_body(
            answer.body,
            answer.content_encoding,
            config.response.max_body_bytes,
            CompressedBodies::Decode,
        ) {
            Ok(body) => body,
            Err(block) => return unreadable(policy, &block.message),
        };
        let content_type = answer
            .content_type
            .and_then(|v| std::str::from_utf8(v).ok());
        let extraction = match extract_response(&body, content_type, &detection.limits) {
            Ok(extraction) => extraction,
            Err(error) => return unreadable(policy, &error.to_string()),
        };
        let mut outcome = Outcome {
            timings: vec![(Layer::Gate, started.elapsed())],
            ..Outcome::default()
        };
        if let Some(guard) = &detection.output {
            let echo = answer
                .request
                .and_then(|body| system_prompt(body, policy))
                .and_then(|prompt| guard.echo_index(&prompt));
            self.check_answer(policy, guard, &extraction, echo.as_ref(), &mut outcome);
        }
        let decision = outcome.decide(&extraction, policy);
        match restoring {
            None => decision,
            Some(originals) => {
                let read = |body: &[u8]| extract_response(body, content_type, &detection.limits);
                restore(decision, &extraction, originals, read)
            }
        }
    }

    /// L1.5 and the output checks over an answer's segments.
    fn check_answer(
        &self,
        policy: &RoutePolicy,
        guard: &OutputGuard,
        extraction: &ResponseExtraction,
        echo: Option<&EchoIndex>,
        outcome: &mut Outcome,
    ) {
        let detection = &policy.policy.detection;
        let config = &policy.policy.config;
        if config.response.pii && config.pii.enabled {
            let t = Instant::now();
            let mut found = Vec::new();
            for (i, segment) in extraction.segments().iter().enumerate() {
                self.pii.scan(&segment.text, i, &mut found);
            }
            outcome.timings.push((Layer::L15, t.elapsed()));
            for finding in found {
                if let Some((_, action)) = detection.pii_action(&finding) {
                    outcome.apply(finding, action, "pii_in_answer");
                }
            }
        }

        let t = Instant::now();
        let mut found = Vec::new();
        for (i, segment) in extraction.segments().iter().enumerate() {
            guard.scan(i, &segment.text, echo, &mut found);
        }
        outcome.timings.push((Layer::Output, t.elapsed()));
        for finding in found {
            let code = output_code(&finding.category);
            outcome.apply(finding, detection.output_action, code);
        }

        if config.response.scan_injection && config.l1.enabled {
            let t = Instant::now();
            let mut found = Vec::new();
            for (i, segment) in extraction.segments().iter().enumerate() {
                self.keywords
                    .scan(&self.normalizer.views(&segment.text), i, &mut found);
            }
            outcome.timings.push((Layer::L1, t.elapsed()));
            for finding in found {
                if detection.l1_decides(&finding) {
                    outcome.apply(finding, detection.output_action, "injection_in_answer");
                }
            }
        }
    }
}

/// The operator's instructions in a request body (system and developer
/// messages, joined), read as the request path reads it; `None` when the body
/// does not parse or has none.
fn system_prompt(body: &[u8], policy: &RoutePolicy) -> Option<String> {
    let request = extract::extract(body, policy.api, &policy.policy.detection.limits).ok()?;
    let prompt: Vec<&str> = request
        .segments()
        .iter()
        .filter(|s| matches!(s.role, Role::System | Role::Developer))
        .map(|s| s.text.as_str())
        .collect();
    (!prompt.is_empty()).then(|| prompt.join("\n"))
}

/// `decision` with the request's placeholders put back into the answer it
/// passes or rewrites (`read` parses a rewritten body again). A withheld
/// answer stays withheld; a restore that fails leaves the placeholders, which
/// leak nothing.
fn restore(
    mut decision: Decision,
    extraction: &ResponseExtraction,
    originals: &Pseudonyms,
    read: impl Fn(&[u8]) -> Result<ResponseExtraction, extract::ExtractError>,
) -> Decision {
    let restored = match &decision.verdict {
        Verdict::Allow => extraction.restore(originals).ok().flatten(),
        Verdict::Redact(redaction) => read(&redaction.body)
            .ok()
            .and_then(|again| again.restore(originals).ok().flatten()),
        _ => None,
    };
    if let Some(body) = restored {
        decision.verdict = match decision.verdict {
            Verdict::Redact(redaction) => Verdict::Redact(Redaction { body, ..redaction }),
            _ => Verdict::Redact(Redaction {
                body,
                counts: Vec::new(),
                originals: Default::default(),
            }),
        };
    }
    decision
}

/// What the checks of one answer found, on the way to a decision.
#[derive(Default)]
struct Outcome {
    timings: Vec<(Layer, std::time::Duration)>,
    findings: Vec<Finding>,
    block: Option<Block>,
    redactions: Vec<extract::Redaction>,
}

impl Outcome {
    /// One finding under `action`; `code` names a block it causes.
    fn apply(&mut self, finding: Finding, action: PiiAction, code: &'static str) {
        match action {
            PiiAction::Block if self.block.is_none() => {
                self.block = Some(answer_block(&finding, code, "withheld"));
            }
            PiiAction::Redact => self.redactions.push(extract::Redaction {
                segment: finding.segment,
                span: finding.span.clone(),
                kind: placeholder_kind(&finding),
            }),
            PiiAction::Block | PiiAction::Log => {}
        }
        self.findings.push(finding);
    }

    fn decide(self, extraction: &ResponseExtraction, policy: &RoutePolicy) -> Decision {
        let verdict = match self.block {
            Some(block) => Verdict::Block(block),
            None if self.redactions.is_empty() => Verdict::Allow,
            None => match extraction.redact(&self.redactions) {
                Ok(redacted) => Verdict::Redact(Redaction {
                    body: redacted.body,
                    counts: redacted.counts,
                    originals: Default::default(),
                }),
                Err(error) => {
                    // A broken invariant of the rewrite, reported and answered
                    // by the fail mode rather than passing the values on.
                    tracing::error!(%error, "answer redaction failed");
                    return unreadable(policy, "the answer could not be rewritten");
                }
            },
        };
        Decision {
            roles: super::waterfall::finding_roles(&self.findings, extraction.segments()),
            findings: self.findings,
            timings: self.timings,
            ..Decision::new(verdict)
        }
    }
}

/// The block code of an output finding's category.
pub(super) fn output_code(category: &str) -> &'static str {
    match category {
        crate::detect::output::CANARY_LEAK => "canary_leak",
        crate::detect::output::EXFILTRATION_LINK => "exfiltration_link",
        _ => "system_prompt_leak",
    }
}

/// The 502 a finding under a block action causes in an answer, with its
/// category; `fate` says what became of the answer ("withheld" whole by the
/// answer path, "cut" mid-stream).
pub(super) fn answer_block(finding: &Finding, code: &'static str, fate: &str) -> Block {
    let mut block = Block::new(
        502,
        code,
        finding.layer,
        format!(
            "the model's answer was {fate}: it contains {}",
            describe(&finding.category)
        ),
    );
    block.category = Some(finding.category.clone());
    block
}

/// What a block message says was found (a type, never the value).
fn describe(category: &str) -> String {
    match category {
        crate::detect::output::CANARY_LEAK => "a canary string".to_owned(),
        crate::detect::output::EXFILTRATION_LINK => {
            "a link that sends data to a host not allowed".to_owned()
        }
        crate::detect::output::SYSTEM_PROMPT_LEAK => "the system prompt".to_owned(),
        other if other.chars().any(|c| c.is_ascii_lowercase()) => {
            format!("injected instructions ({other})")
        }
        pii => format!("a {pii} value"),
    }
}

/// The placeholder type of a redacted finding: the PII type (`[EMAIL_1]`),
/// or the output or injection category in capitals (`[EXFILTRATION_LINK_1]`).
pub(super) fn placeholder_kind(finding: &Finding) -> Arc<str> {
    if matches!(finding.layer, Layer::Output | Layer::L1) {
        Arc::from(finding.category.to_ascii_uppercase())
    } else {
        finding.category.clone()
    }
}

/// An answer that could not be decoded, parsed or rewritten: passed on
/// uninspected when the route fails open, else withheld with a 502.
pub(super) fn unreadable(policy: &RoutePolicy, reason: &str) -> Decision {
    crate::telemetry::record_runner_error(RESPONSE_UNREADABLE);
    tracing::warn!(reason, "answer could not be inspected");
    if policy.fail_open {
        Decision::allow()
    } else {
        Decision::block(Block::new(
            502,
            RESPONSE_UNREADABLE,
            Layer::Gate,
            "the model's answer could not be inspected",
        ))
    }
}
