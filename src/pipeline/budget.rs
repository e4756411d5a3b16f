//! Per-layer time budgets and fail modes: what happens when a layer errors or
//! runs out of time. `fail_open = true` lets the request through and counts
//! it; `false` blocks it with 503 `scanner_unavailable`. Both are counted in
//! `promptgate_runner_errors_total{kind}`. Only L2 can be cut off at its
//! budget; L1 and L1.5 finish, and a late finish is an alarm
//! (`kind="layer_slow"`), not a failure (see `BudgetConfig`).

use std::future::Future;
use std::time::Duration;

use super::RoutePolicy;
use crate::detect::Layer;
use crate::policy::BudgetConfig;
use crate::telemetry;
use crate::types::{Block, Decision};

/// Error code of the 503 reply when a layer fails closed.
pub const SCANNER_UNAVAILABLE: &str = "scanner_unavailable";

/// A layer ran past its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{layer} exceeded its {budget:?} budget")]
pub struct LayerTimeout {
    /// The layer.
    pub layer: Layer,
    /// Its budget.
    pub budget: Duration,
}

/// Why a layer produced no findings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayerFailure {
    /// It ran out of time.
    #[error(transparent)]
    Timeout(#[from] LayerTimeout),
    /// It failed; `kind` is a fixed label such as `model_error` (never data).
    #[error("{layer} failed: {kind}")]
    Error {
        /// The layer.
        layer: Layer,
        /// What failed, as a fixed label.
        kind: &'static str,
    },
}

impl LayerFailure {
    /// The layer that failed.
    pub fn layer(&self) -> Layer {
        match self {
            LayerFailure::Timeout(t) => t.layer,
            LayerFailure::Error { layer, .. } => *layer,
        }
    }
}

/// The budget `budgets` gives `layer`; layers without one get no limit.
pub fn budget_for(budgets: &BudgetConfig, layer: Layer) -> Option<Duration> {
    match layer {
        Layer::L1 => Some(budgets.l1_ms),
        Layer::L15 => Some(budgets.pii_ms),
        Layer::L2 => Some(budgets.l2_ms),
        Layer::Gate | Layer::L0 | Layer::Output => None,
    }
    .map(Duration::from_millis)
}

/// Runs `fut` for at most `budget`. A zero budget fails at once (a fault
/// drill: the fail mode of a route can be checked end to end). Only awaits
/// yield to the timer: CPU-bound layers must run on a blocking thread (or check
/// [`over_budget`] themselves) for the budget to bite.
pub async fn within_budget<T>(
    layer: Layer,
    budget: Duration,
    fut: impl Future<Output = T>,
) -> Result<T, LayerTimeout> {
    if budget.is_zero() {
        return Err(LayerTimeout { layer, budget });
    }
    tokio::time::timeout(budget, fut)
        .await
        .map_err(|_| LayerTimeout { layer, budget })
}

/// For synchronous layers: whether `elapsed` is past `budget` (a zero budget
/// always is).
pub fn over_budget(layer: Layer, budget: Duration, elapsed: Duration) -> Result<(), LayerTimeout> {
    if budget.is_zero() || elapsed > budget {
        Err(LayerTimeout { layer, budget })
    } else {
        Ok(())
    }
}

/// Applies the route's fail mode to a failed layer: `None` means carry on
/// without that layer (fail open), `Some` is the 503 to answer (fail closed).
/// Counts `runner_errors_total{kind="layer_timeout"|"layer_error"}` and logs
/// the layer (never request data).
pub fn on_layer_failure(policy: &RoutePolicy, failure: &LayerFailure) -> Option<Decision> {
    let kind = match failure {
        LayerFailure::Timeout(_) => "layer_timeout",
        LayerFailure::Error { .. } => "layer_error",
    };
    telemetry::record_runner_error(kind);
    let layer = failure.layer();
    tracing::warn!(
        layer = layer.as_str(),
        failure = %failure,
        fail_open = policy.fail_open,
        "detection layer failed"
    );
    if policy.fail_open {
        return None;
    }
    Some(Decision::block(scanner_unavailable(layer)))
}

/// The 503 block of a fail-closed layer.
pub fn scanner_unavailable(layer: Layer) -> Block {
    Block::new(
        503,
        SCANNER_UNAVAILABLE,
        layer,
        "a detection layer is unavailable and this route fails closed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn budgets_cut_slow_layers_and_zero_is_a_drill() {
        let slow = tokio::time::sleep(Duration::from_secs(5));
        let err = within_budget(Layer::L2, Duration::from_millis(5), slow)
            .await
            .expect_err("too slow");
        assert_eq!(err.layer, Layer::L2);
        assert_eq!(
            within_budget(Layer::L1, Duration::from_secs(1), async { 7 }).await,
            Ok(7)
        );
        assert!(
            within_budget(Layer::L1, Duration::ZERO, async { 7 })
                .await
                .is_err()
        );
        assert!(over_budget(Layer::L1, Duration::ZERO, Duration::ZERO).is_err());
        assert!(
            over_budget(
                Layer::L1,
                Duration::from_millis(2),
                Duration::from_millis(1)
            )
            .is_ok()
        );
    }

    #[test]
    fn fail_modes_allow_or_answer_503() {
        let (_, mut policy) = crate::pipeline::testing::default_policy("");
        let failure = LayerFailure::Error {
            layer: Layer::L2,
            kind: "model_error",
        };
        policy.fail_open = true;
        assert!(on_layer_failure(&policy, &failure).is_none());
        policy.fail_open = false;
        let decision = on_layer_failure(&policy, &failure).expect("fails closed");
        let crate::pipeline::Verdict::Block(block) = decision.verdict else {
            panic!("must block");
        };
        assert_eq!((block.status, block.code), (503, SCANNER_UNAVAILABLE));
        let json: serde_json::Value =
            serde_json::from_slice(&block.to_json("r")).expect("JSON reply");
        assert_eq!(json["error"]["code"], "scanner_unavailable");
        assert_eq!(json["error"]["layer"], "L2");
    }
}
