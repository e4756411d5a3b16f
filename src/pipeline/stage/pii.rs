//! L1.5 as a stage: PII and secrets in every segment of the roles the policy
//! names, every time (redactions are never cached). The policy's action for
//! each type (block, redact, log) is the pipeline's decision.

use std::sync::Arc;

use super::{Budget, Report, Scan, Stage, StageFuture};
use crate::detect::Layer;
use crate::detect::pii::PiiShield;

/// The L1.5 stage.
pub(super) struct L15(pub(super) Arc<PiiShield>);

impl Stage for L15 {
    fn layer(&self) -> Layer {
        Layer::L15
    }

    fn budget(&self) -> Budget {
        Budget::Alarm
    }

    fn wanted(&self, scan: &Scan<'_>, _cached: bool) -> bool {
        scan.policy.policy.config.pii.enabled
    }

    fn run<'a>(&'a self, scan: &'a Scan<'a>) -> StageFuture<'a> {
        let mut findings = Vec::new();
        for &i in scan.pii {
            self.0.scan(&scan.segments[i].text, i, &mut findings);
        }
        Box::pin(std::future::ready(Ok(Report::Pii(findings))))
    }
}
