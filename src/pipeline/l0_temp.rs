//! L0 (temporary wiring, replaced by the lead's waterfall).
//!
//! Until the detection waterfall lands, this puts the L0 cache and a layer
//! budget around the gate so the operations features can be tested end to
//! end: the key is over the raw body and its content-encoding (the waterfall
//! keys on the normalized extracted text), only allows are cached (gate blocks
//! are cheap), and the gate runs under the L1 budget as a stand-in layer.
//! Delete this file and its `mod` line when the waterfall calls
//! [`VerdictCache`] itself.

use std::time::Instant;

use sha2::{Digest, Sha256};

use super::budget::{LayerFailure, budget_for, on_layer_failure, within_budget};
use super::{Decision, Pipeline, ScanRequest, Verdict};
use crate::detect::Layer;
use crate::detect::cache::{CachedVerdict, VerdictCache};
use crate::policy::RoutePolicy;
use crate::telemetry;

impl Pipeline {
    /// [`Pipeline::decide`] with the L0 cache in front and the L1 budget
    /// around the scan. L0 (temporary wiring, replaced by the lead's waterfall).
    pub async fn decide_cached(
        &self,
        cache: &VerdictCache,
        policy: &RoutePolicy,
        request: ScanRequest<'_>,
    ) -> Decision {
        let Some(body) = request.body else {
            return self.decide(policy, request).await;
        };
        let text_sha256: [u8; 32] = Sha256::digest(body).into();
        let mut canonical = request.content_encoding.unwrap_or_default().to_vec();
        canonical.push(0);
        canonical.extend_from_slice(body);
        let key = VerdictCache::key_bytes(&policy.fingerprint, &canonical);
        let started = Instant::now();
        let hit = cache.get(&key).await;
        telemetry::record_layer(Layer::L0, started.elapsed());
        if let Some(hit) = hit.filter(|h| !h.blocked) {
            let mut decision = Decision::allow();
            decision.cached = true;
            decision.text_sha256 = Some(text_sha256);
            decision.l2_score = hit.l2_score;
            return self.early(policy, decision);
        }
        let budgets = &policy.policy.config.budgets;
        let budget = budget_for(budgets, Layer::L1).unwrap_or_default();
        let started = Instant::now();
        let scanned = within_budget(Layer::L1, budget, self.enforce(policy, request)).await;
        telemetry::record_layer(Layer::L1, started.elapsed());
        // A fail-open allow is not a verdict: never cache it.
        let scan_ok = scanned.is_ok();
        let mut decision = match scanned {
            Ok(decision) => decision,
            Err(timeout) => match on_layer_failure(policy, &LayerFailure::Timeout(timeout)) {
                Some(block) => block,
                None => Decision::allow(),
            },
        };
        if scan_ok && matches!(decision.verdict, Verdict::Allow) {
            cache.put(
                key,
                CachedVerdict {
                    blocked: false,
                    layer: Layer::Gate,
                    categories: Vec::new(),
                    rule_ids: Vec::new(),
                    l2_score: None,
                },
            );
        }
        decision.text_sha256 = Some(text_sha256);
        self.early(policy, decision)
    }
}
