//! L2 as a stage: the classifier over the whole injection-scoped prompt,
//! within the bounded inference pool (a short prompt in place, a long one on
//! the blocking pool: `Classifier::score`), cut off at its budget.

use super::{Budget, Report, Scan, Stage, StageFuture};
use crate::detect::Layer;
use crate::detect::classifier::Classifier;
use crate::pipeline::budget::LayerFailure;

/// Separates segments in the joined text L2 reads.
const L2_SEGMENT_SEPARATOR: &str = "\n\n";

/// The L2 stage (present only when the model is loaded).
pub(super) struct L2(pub(super) Classifier);

impl Stage for L2 {
    fn layer(&self) -> Layer {
        Layer::L2
    }

    fn budget(&self) -> Budget {
        Budget::CutOff
    }

    fn cached_by_l0(&self) -> bool {
        true
    }

    fn wanted(&self, scan: &Scan<'_>, cached: bool) -> bool {
        !cached && scan.policy.policy.config.l2.enabled && !scan.injection.is_empty()
    }

    fn run<'a>(&'a self, scan: &'a Scan<'a>) -> StageFuture<'a> {
        Box::pin(async move {
            let classifier = &self.0;
            let text = join_segments(scan);
            let score = classifier.score(&text).await.map_err(|error| {
                tracing::warn!(%error, "L2 failed");
                LayerFailure::Error {
                    layer: Layer::L2,
                    kind: "inference",
                }
            })?;
            let threshold = scan
                .policy
                .policy
                .detection
                .l2_threshold
                .unwrap_or_else(|| classifier.threshold());
            let mut findings = Vec::new();
            if score.combined >= threshold {
                let first = scan.injection[0];
                findings.extend(classifier.finding(
                    &score,
                    first,
                    0..scan.segments[first].text.len(),
                ));
            }
            let decisive = findings.first().map(|f| f.category.clone());
            Ok(Report::Injection {
                findings,
                decisive,
                score: Some(score.combined),
            })
        })
    }
}

/// The injection-scoped segments joined as the model reads them.
fn join_segments(scan: &Scan<'_>) -> String {
    let mut text = String::new();
    for (n, &i) in scan.injection.iter().enumerate() {
        if n > 0 {
            text.push_str(L2_SEGMENT_SEPARATOR);
        }
        text.push_str(&scan.segments[i].text);
    }
    text
}
