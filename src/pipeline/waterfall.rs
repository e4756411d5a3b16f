//! The layers in order, for one request.
//!
//! gate ▸ extract ▸ views ▸ L0 ▸ L1 ▸ L1.5 ▸ L2 ▸ redaction. Each layer is
//! timed; the first decisive finding ends the scan. Role scopes come from the
//! policy: injection detection (L1, L2) reads the roles the outside world
//! writes, PII detection (L1.5) every role by default.

use std::sync::Arc;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::decision::{Block, Decision, Redaction, Verdict};
use super::{Pipeline, ScanRequest, open_body};
use crate::detect::Layer;
use crate::detect::pii::{PiiAction, PiiType};
use crate::extract::{self, ExtractError, Extraction, Role};
use crate::normalize::Views;
use crate::policy::RoutePolicy;

/// Separates segments in the joined text L2 reads.
const L2_SEGMENT_SEPARATOR: &str = "\n\n";

impl Pipeline {
    pub(super) async fn enforce(&self, policy: &RoutePolicy, request: ScanRequest<'_>) -> Decision {
        let Some(raw) = request.body else {
            return Decision::allow();
        };
        let settings = &policy.policy.config;
        let detection = &policy.policy.detection;
        let started = Instant::now();
        let body = match open_body(
            raw,
            request.content_encoding,
            policy.max_body_bytes,
            settings.compressed_bodies,
        ) {
            Ok(body) => body,
            Err(block) => return Decision::block(block),
        };
        let extraction = match extract::extract(&body, policy.api, &detection.limits) {
            Ok(extraction) => extraction,
            Err(error) => return Decision::block(extraction_block(&error, policy)),
        };
        let mut timings = vec![(Layer::Gate, started.elapsed())];
        let segments = extraction.segments();
        let injection: Vec<usize> = (0..segments.len())
            .filter(|&i| detection.injection_roles.contains(segments[i].role))
            .collect();

        // Normalized views of every segment injection detection reads; L0 keys
        // on their folded text and L1 scans them all.
        let views: Vec<Views> = if settings.l1.enabled {
            injection
                .iter()
                .map(|&i| self.normalizer.views(&segments[i].text))
                .collect()
        } else {
            Vec::new()
        };
        let mut findings = Vec::new();

        // L1: keyword rules, per segment and across adjacent same-role segments.
        let mut verdict = Verdict::Allow;
        if settings.l1.enabled && !injection.is_empty() {
            let t = Instant::now();
            for (&i, v) in injection.iter().zip(&views) {
                self.keywords.scan(v, i, &mut findings);
            }
            for run in same_role_runs(&injection, segments) {
                let texts: Vec<(usize, &str)> = run
                    .iter()
                    .map(|&i| (i, segments[i].text.as_str()))
                    .collect();
                self.keywords
                    .scan_joined(&self.normalizer, &texts, &mut findings);
            }
            findings.retain(|f| !detection.disabled_rules.contains(&*f.rule_id));
            timings.push((Layer::L1, t.elapsed()));
            if let Some(decisive) = findings
                .iter()
                .filter(|f| f.score >= detection.min_severity_score)
                .max_by(|a, b| a.score.total_cmp(&b.score))
            {
                verdict = Verdict::Block(injection_block(Layer::L1, &decisive.category));
            }
        }

        // L1.5: PII and secrets, every time (redactions are never cached).
        let mut redactions = Vec::new();
        if settings.pii.enabled && matches!(verdict, Verdict::Allow) {
            let t = Instant::now();
            let mut pii = Vec::new();
            for (i, segment) in segments.iter().enumerate() {
                if detection.pii_roles.contains(segment.role) {
                    self.pii.scan(&segment.text, i, &mut pii);
                }
            }
            timings.push((Layer::L15, t.elapsed()));
            for finding in pii {
                let Ok(pii_type) = finding.category.parse::<PiiType>() else {
                    continue;
                };
                if detection.pii_disabled.contains(&pii_type) {
                    continue;
                }
                match detection
                    .pii_actions
                    .get(&pii_type)
                    .copied()
                    .unwrap_or(PiiAction::Redact)
                {
                    PiiAction::Block if matches!(verdict, Verdict::Allow) => {
                        let mut block = Block::new(
                            403,
                            "pii_detected",
                            Layer::L15,
                            format!("request blocked: it contains a {} value", pii_type.as_str()),
                        );
                        block.category = Some(finding.category.clone());
                        verdict = Verdict::Block(block);
                    }
                    PiiAction::Redact => redactions.push(extract::Redaction {
                        segment: finding.segment,
                        span: finding.span.clone(),
                        kind: finding.category.clone(),
                    }),
                    PiiAction::Block | PiiAction::Log => {}
                }
                findings.push(finding);
            }
        }

        // L2: the classifier over the whole injection-scoped prompt.
        let mut l2_score = None;
        if let (Some(classifier), true, true) = (
            &self.classifier,
            settings.l2.enabled && matches!(verdict, Verdict::Allow),
            !injection.is_empty(),
        ) {
            let t = Instant::now();
            let text = join_segments(&injection, segments);
            match classifier.score(&text).await {
                Ok(score) => {
                    l2_score = Some(score.combined);
                    let threshold = detection
                        .l2_threshold
                        .unwrap_or_else(|| classifier.threshold());
                    if score.combined >= threshold {
                        let first = injection[0];
                        if let Some(finding) =
                            classifier.finding(&score, first, 0..segments[first].text.len())
                        {
                            verdict = Verdict::Block(injection_block(Layer::L2, &finding.category));
                            findings.push(finding);
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "L2 failed");
                    if !policy.fail_open {
                        verdict = Verdict::Block(unavailable(Layer::L2));
                    }
                }
            }
            timings.push((Layer::L2, t.elapsed()));
        }

        if matches!(verdict, Verdict::Allow) && !redactions.is_empty() {
            verdict = match extraction.redact(&redactions) {
                Ok(redacted) => Verdict::Redact(Redaction {
                    body: redacted.body,
                    counts: redacted.counts,
                }),
                Err(error) => {
                    tracing::error!(%error, "redaction failed");
                    // Failing open here would forward the PII: only an explicit
                    // fail_open lets the request through unredacted.
                    if policy.fail_open {
                        Verdict::Allow
                    } else {
                        Verdict::Block(unavailable(Layer::L15))
                    }
                }
            };
        }
        Decision {
            verdict,
            findings,
            timings,
            l2_score,
            text_sha256: Some(text_digest(&extraction)),
            cached: false,
        }
    }
}

/// Consecutive injection-scoped segments of one role, as the model reads them
/// one after the other (an attack split across two user messages).
fn same_role_runs<'a>(
    injection: &'a [usize],
    segments: &'a [extract::Segment],
) -> Vec<&'a [usize]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for k in 1..=injection.len() {
        let boundary = k == injection.len()
            || injection[k] != injection[k - 1] + 1
            || segments[injection[k]].role != segments[injection[k - 1]].role;
        if boundary {
            if k - start > 1 {
                runs.push(&injection[start..k]);
            }
            start = k;
        }
    }
    runs
}

fn join_segments(indices: &[usize], segments: &[extract::Segment]) -> String {
    let mut text = String::new();
    for (n, &i) in indices.iter().enumerate() {
        if n > 0 {
            text.push_str(L2_SEGMENT_SEPARATOR);
        }
        text.push_str(&segments[i].text);
    }
    text
}

/// SHA-256 over every extracted segment, role-tagged: lets audit events be
/// correlated without the text.
fn text_digest(extraction: &Extraction) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for segment in extraction.segments() {
        hasher.update([role_tag(segment.role)]);
        hasher.update((segment.text.len() as u64).to_le_bytes());
        hasher.update(segment.text.as_bytes());
    }
    hasher.finalize().into()
}

fn role_tag(role: Role) -> u8 {
    match role {
        Role::System => b's',
        Role::Developer => b'd',
        Role::User => b'u',
        Role::Assistant => b'a',
        Role::Tool => b't',
        Role::Unknown => b'?',
    }
}

fn injection_block(layer: Layer, category: &Arc<str>) -> Block {
    let mut block = Block::new(
        403,
        "prompt_injection",
        layer,
        format!("request blocked by policy: prompt injection detected ({category})"),
    );
    block.category = Some(category.clone());
    block
}

/// The fail-closed reply when a layer cannot give an answer.
fn unavailable(layer: Layer) -> Block {
    Block::new(
        503,
        "scanner_unavailable",
        layer,
        "the request could not be scanned; try again later",
    )
}

fn extraction_block(error: &ExtractError, policy: &RoutePolicy) -> Block {
    match error {
        ExtractError::NotJson { .. } | ExtractError::WrongShape { .. } => Block::new(
            400,
            "malformed_body",
            Layer::Gate,
            format!(
                "request body is not valid JSON for the {} API: {error}",
                policy.api
            ),
        ),
        _ => Block::new(
            413,
            "body_too_complex",
            Layer::Gate,
            format!("request body refused: {error}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(role: Role) -> extract::Segment {
        extract::Segment {
            role,
            text: String::new(),
            location: extract::Location::root(),
        }
    }

    #[test]
    fn runs_group_adjacent_segments_of_one_role() {
        let segments = vec![
            segment(Role::User),
            segment(Role::User),
            segment(Role::Assistant),
            segment(Role::User),
            segment(Role::Tool),
            segment(Role::Tool),
        ];
        let injection = [0, 1, 3, 4, 5];
        let runs = same_role_runs(&injection, &segments);
        assert_eq!(runs, vec![&[0, 1][..], &[4, 5][..]]);
    }
}
