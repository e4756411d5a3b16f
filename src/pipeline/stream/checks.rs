//! The checks a route's policy runs over a window of streamed answer text:
//! L1.5 with the policy's PII actions, the output guard (canaries,
//! exfiltration links), and L1 when `scan_injection` asks. Each finding comes
//! with the action and block code the stream applies to it.

use std::time::{Duration, Instant};

use super::super::response::output_code;
use super::super::{Pipeline, RoutePolicy};
use crate::detect::Finding;
use crate::detect::pii::PiiAction;

/// The checks a policy runs over a window of streamed text.
pub(super) struct Checks<'a> {
    pub(super) pipeline: &'a Pipeline,
    pub(super) policy: &'a RoutePolicy,
}

impl Checks<'_> {
    /// The checks the policy asks for over `window`, each finding with its
    /// action and block code.
    pub(super) fn scan(
        &self,
        segment: usize,
        window: &str,
        timings: &mut [Duration; 3],
        out: &mut Vec<(Finding, (PiiAction, &'static str))>,
    ) {
        let pipeline = self.pipeline;
        let detection = &self.policy.policy.detection;
        let config = &self.policy.policy.config;
        let mut found = Vec::new();
        if config.response.pii && config.pii.enabled {
            let t = Instant::now();
            pipeline.pii.scan(window, segment, &mut found);
            timings[0] += t.elapsed();
            for f in found.drain(..) {
                if let Some((_, action)) = detection.pii_action(&f) {
                    out.push((f, (action, "pii_in_answer")));
                }
            }
        }
        if let Some(guard) = &detection.output {
            let t = Instant::now();
            guard.scan(segment, window, None, &mut found);
            timings[1] += t.elapsed();
            for f in found.drain(..) {
                let code = output_code(&f.category);
                out.push((f, (detection.output_action, code)));
            }
        }
        if config.response.scan_injection && config.l1.enabled {
            let t = Instant::now();
            pipeline
                .keywords
                .scan(&pipeline.normalizer.views(window), segment, &mut found);
            timings[2] += t.elapsed();
            for f in found.drain(..) {
                if detection.l1_decides(&f) {
                    out.push((f, (detection.output_action, "injection_in_answer")));
                }
            }
        }
    }
}
