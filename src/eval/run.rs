//! The run itself: every selected record decided by the real pipeline under
//! the named policy, each verdict counted into an [`EvalReport`], and the
//! per-record outcomes kept for the leave-out report.

use std::time::{Duration, Instant};

use super::leave_out::{self, source_family};
use super::record::Record;
use super::split::assign_parts;
use super::wrap::{Wrap, request_body, user_segment};
use super::{EvalError, EvalOptions, EvalReport};
use crate::detect::Layer;
use crate::detect::output::OutputGuard;
use crate::pipeline::RoutePolicy;
use crate::pipeline::{AnswerScan, Decision, ScanRequest, Verdict, output_config};
use crate::policy::RouteConf;
use crate::runtime::Runtime;

/// Runs every record through the pipeline under `policy` and measures, as
/// the bare user message ([`Wrap::User`]) over every record: the measure the
/// test floors were set with.
///
/// `progress` is called after each record with (done, total).
pub async fn evaluate(
    runtime: &Runtime,
    policy: &str,
    records: &[Record],
    progress: impl FnMut(usize, usize),
) -> Result<EvalReport, EvalError> {
    let options = EvalOptions {
        wrap: Wrap::User,
        ..EvalOptions::default()
    };
    evaluate_with(runtime, policy, records, &options, progress).await
}

/// What one record's request came to, kept for the leave-out report.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) attack: bool,
    /// Blocked by a layer whose verdict does not depend on the L2 threshold.
    pub(crate) fixed_block: bool,
    /// The L2 score, when L2 ran.
    pub(crate) l2_score: Option<f32>,
    pub(crate) lang: String,
    pub(crate) source: String,
}

/// Runs the records under `policy` as `options` say and measures.
///
/// `progress` is called after each record with (done, total).
pub async fn evaluate_with(
    runtime: &Runtime,
    policy: &str,
    records: &[Record],
    options: &EvalOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<EvalReport, EvalError> {
    let route = runtime.resolve(&RouteConf {
        policy: Some(policy.to_owned()),
        ..RouteConf::default()
    })?;
    let route = if options.wrap.is_answer() {
        answer_route(&route)?
    } else {
        route
    };
    let pii_route = pii_only(&route);
    let parts = assign_parts(records);
    let selected: Vec<&Record> = records
        .iter()
        .zip(&parts)
        .filter(|(_, part)| options.part.is_none_or(|p| p == **part))
        .map(|(r, _)| r)
        .collect();
    // Answers are read by L1.5 and the output checks only, never by L2.
    let l2_model = runtime
        .engines
        .classifier
        .as_ref()
        .filter(|_| route.policy.config.l2.enabled && !options.wrap.is_answer())
        .map(|classifier| classifier.model_version().to_owned());
    let mut report = EvalReport {
        wrap: options.wrap,
        part: options.part,
        l2_model,
        ..EvalReport::default()
    };
    let mut outcomes = Vec::with_capacity(selected.len());
    let mut scan_time = Duration::ZERO;
    for (n, record) in selected.iter().enumerate() {
        if options.wrap.is_answer() && record.label == "attack" {
            progress(n + 1, selected.len());
            continue;
        }
        let body = request_body(options.wrap, &record.text);
        let started = Instant::now();
        let decision = decide(runtime, &route, options.wrap, &body).await;
        scan_time += started.elapsed();
        report.bytes += record.text.len() as u64;
        let block = match &decision.verdict {
            Verdict::Block(block) => Some(block),
            _ => None,
        };
        let blocked_by = block
            .map(|b| b.layer)
            .filter(|&layer| options.wrap == Wrap::Serving || layer != Layer::L15);
        // The rules behind the verdict: the blocking layer's findings.
        let rules: Vec<String> = match blocked_by {
            Some(layer) => decision
                .findings
                .iter()
                .filter(|f| f.layer == layer)
                .filter(|f| {
                    layer != Layer::L1 || f.score >= route.policy.detection.min_severity_score
                })
                .map(|f| f.rule_id.to_string())
                .collect(),
            None => Vec::new(),
        };
        let attack = record.label == "attack";
        if attack {
            report.count_attack(record, blocked_by, &rules);
        } else {
            report.count_benign(record, blocked_by, &rules);
            if matches!(decision.verdict, Verdict::Redact(_)) {
                report.benign_redacted.add(true);
            } else {
                report.benign_redacted.add(false);
            }
        }
        outcomes.push(Outcome {
            attack,
            fixed_block: blocked_by.is_some_and(|l| l != Layer::L2),
            l2_score: decision.l2_score,
            lang: record.lang.clone(),
            source: source_family(&record.source).to_owned(),
        });
        if let Some(expected) = &record.pii {
            // PII is measured with L1 and L2 off and every type logged, so an
            // injection verdict or a blocking type cannot hide a finding.
            let decision = decide(runtime, &pii_route, options.wrap, &body).await;
            let found: Vec<(String, std::ops::Range<usize>)> = decision
                .findings
                .iter()
                .filter(|f| f.layer == Layer::L15 && f.segment == user_segment(options.wrap))
                .map(|f| (f.category.to_string(), f.span.clone()))
                .collect();
            report.count_pii(record, expected, &found);
        }
        progress(n + 1, selected.len());
    }
    report.records = selected.len();
    report.record_ids = selected.iter().map(|r| r.id.clone()).collect();
    report.scan_seconds = scan_time.as_secs_f64();
    if let Some(dimension) = options.leave_out {
        // No threshold to recalibrate when the policy runs no L2.
        let threshold = route
            .policy
            .config
            .l2
            .enabled
            .then(|| {
                route
                    .policy
                    .detection
                    .l2_threshold
                    .or_else(|| runtime.pipeline.l2_threshold())
            })
            .flatten();
        report.leave_out = leave_out::report(
            &outcomes,
            dimension,
            threshold,
            options.fp_target.unwrap_or(leave_out::DEFAULT_FP_TARGET),
        );
        report.leave_out_dimension = Some(dimension);
    }
    Ok(report)
}
/// Decides `body` on the path `wrap` names: a request, or a model's answer.
async fn decide(runtime: &Runtime, route: &RoutePolicy, wrap: Wrap, body: &[u8]) -> Decision {
    if !wrap.is_answer() {
        let request = ScanRequest {
            body: Some(body),
            content_encoding: None,
        };
        return runtime.pipeline.decide(route, request).await;
    }
    let content_type: &[u8] = match wrap {
        Wrap::AnswerStream => b"text/event-stream",
        _ => b"application/json",
    };
    let answer = AnswerScan {
        body,
        content_type: Some(content_type),
        content_encoding: None,
        originals: None,
        request: None,
    };
    runtime.pipeline.decide_response(route, answer)
}

/// The route with answer inspection on (the run is about answers), with the
/// policy's own `[response]` settings otherwise.
fn answer_route(route: &RoutePolicy) -> Result<RoutePolicy, EvalError> {
    let mut policy = (*route.policy).clone();
    policy.config.response.enabled = true;
    let guard = OutputGuard::new(&output_config(&policy.config.response))
        .map_err(|e| EvalError::Answer(e.to_string()))?;
    policy.detection.output = Some(std::sync::Arc::new(guard));
    Ok(RoutePolicy {
        policy: std::sync::Arc::new(policy),
        ..route.clone()
    })
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
