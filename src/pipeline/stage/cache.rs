//! L0 as a stage: the verdict of L1 and L2 for exactly this injection-scoped
//! input under this policy fingerprint. A hit builds no view at all.

use super::{Budget, Report, Scan, Stage, StageFuture};
use crate::detect::Layer;

/// The L0 stage; the cache itself outlives reloads and comes with the request.
pub(super) struct L0;

impl Stage for L0 {
    fn layer(&self) -> Layer {
        Layer::L0
    }

    fn budget(&self) -> Budget {
        Budget::None
    }

    fn wanted(&self, scan: &Scan<'_>, _cached: bool) -> bool {
        scan.key.is_some()
    }

    fn run<'a>(&'a self, scan: &'a Scan<'a>) -> StageFuture<'a> {
        Box::pin(async move {
            let Some(key) = scan.key else {
                return Ok(Report::Nothing);
            };
            Ok(match scan.cache.get(key).await {
                Some(hit) => Report::Cached(hit),
                None => Report::Nothing,
            })
        })
    }
}
