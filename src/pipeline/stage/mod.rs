//! The layers as the waterfall walks them: each one a [`Stage`] that takes the
//! prepared input ([`Scan`]: the segments, the scopes the policy gives each
//! layer, the views) and reports what it found ([`Report`]). Stages never
//! decide; the pipeline turns reports into a verdict under the route's policy
//! (`waterfall.rs`), times each stage and applies its budget.
//!
//! Adding a layer is a file here and one line in [`stages`].

mod cache;
mod classifier;
mod keywords;
mod pii;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use super::RoutePolicy;
use super::budget::LayerFailure;
use crate::detect::Layer;
use crate::detect::cache::{CacheKey, CachedVerdict, VerdictCache};
use crate::detect::classifier::Classifier;
use crate::detect::keywords::KeywordGuard;
use crate::detect::pii::PiiShield;
use crate::extract::Segment;
use crate::normalize::{Normalizer, Views};
use crate::types::Finding;

/// The future a stage's run returns (boxed: the stages sit in one list).
pub(super) type StageFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Report, LayerFailure>> + Send + 'a>>;

/// One layer of the waterfall.
pub(super) trait Stage: Send + Sync {
    /// The layer, for timings, budgets, metrics and replies.
    fn layer(&self) -> Layer;

    /// How the budget applies (see [`Budget`]).
    fn budget(&self) -> Budget;

    /// Whether what the stage finds is part of the verdict L0 caches (the
    /// injection layers): a failure of such a stage keeps the verdict out of
    /// the cache.
    fn cached_by_l0(&self) -> bool {
        false
    }

    /// Whether the stage runs on this request; `cached` says an L0 verdict
    /// was found for it.
    fn wanted(&self, scan: &Scan<'_>, cached: bool) -> bool;

    /// Runs the layer over `scan`.
    fn run<'a>(&'a self, scan: &'a Scan<'a>) -> StageFuture<'a>;
}

/// How a stage's time budget is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Budget {
    /// No budget (L0: bounded by its own timeouts).
    None,
    /// The stage runs to completion on the calling thread; a late finish is
    /// counted and logged (`layer_slow`), and only a zero budget (the fault
    /// drill) fails it. A decisive report is used whatever the time.
    Alarm,
    /// The stage is cut off at its budget (it runs off the calling task).
    CutOff,
}

/// What a stage reports.
#[derive(Debug)]
pub(super) enum Report {
    /// Nothing to add (an L0 miss).
    Nothing,
    /// An earlier verdict for exactly this input (an L0 hit).
    Cached(CachedVerdict),
    /// Injection findings, with the category of the one that decides under
    /// the route's policy, if any, and the classifier's score when it ran.
    Injection {
        /// Every finding the policy keeps.
        findings: Vec<Finding>,
        /// The category of the decisive finding.
        decisive: Option<Arc<str>>,
        /// The L2 score.
        score: Option<f32>,
    },
    /// PII findings; the policy's action for each type decides.
    Pii(Vec<Finding>),
}

/// The prepared input every stage reads.
pub(super) struct Scan<'a> {
    /// The route's policy.
    pub(super) policy: &'a RoutePolicy,
    /// Every extracted segment.
    pub(super) segments: &'a [Segment],
    /// Indices of the segments the injection layers read (their roles).
    pub(super) injection: &'a [usize],
    /// Indices of the segments the PII shield reads (their roles).
    pub(super) pii: &'a [usize],
    /// The L0 verdict cache.
    pub(super) cache: &'a VerdictCache,
    /// The L0 key of this input, when an injection layer will read it.
    pub(super) key: Option<&'a CacheKey>,
    normalizer: &'a Normalizer,
    views: OnceLock<Vec<Views>>,
}

impl<'a> Scan<'a> {
    /// The input for one request.
    pub(super) fn new(
        policy: &'a RoutePolicy,
        segments: &'a [Segment],
        injection: &'a [usize],
        pii: &'a [usize],
        cache: &'a VerdictCache,
        key: Option<&'a CacheKey>,
        normalizer: &'a Normalizer,
    ) -> Scan<'a> {
        Scan {
            policy,
            segments,
            injection,
            pii,
            cache,
            key,
            normalizer,
            views: OnceLock::new(),
        }
    }

    /// The normalized views of each injection-scoped segment, built on first
    /// use (only L1 reads them, so an L0 hit builds none).
    pub(super) fn views(&self) -> &[Views] {
        self.views.get_or_init(|| {
            self.injection
                .iter()
                .map(|&i| self.normalizer.views(&self.segments[i].text))
                .collect()
        })
    }

    /// The normalizer, for layers that build views of joined text.
    pub(super) fn normalizer(&self) -> &Normalizer {
        self.normalizer
    }
}

/// The waterfall's stages, cheapest first: L0 ▸ L1 ▸ L1.5 ▸ L2.
pub(super) fn stages(
    keywords: &Arc<KeywordGuard>,
    pii: &Arc<PiiShield>,
    classifier: Option<&Classifier>,
) -> Vec<Box<dyn Stage>> {
    let mut stages: Vec<Box<dyn Stage>> = vec![
        Box::new(cache::L0),
        Box::new(keywords::L1(Arc::clone(keywords))),
        Box::new(pii::L15(Arc::clone(pii))),
    ];
    if let Some(classifier) = classifier {
        stages.push(Box::new(classifier::L2(classifier.clone())));
    }
    stages
}
