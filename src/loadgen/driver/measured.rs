//! What the connections measured: an HDR histogram of latencies and the
//! count of each outcome, one per connection, merged at the end so the
//! connections never share a lock while they send.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::protocol::peer::ActionKind;

use super::super::error::LoadgenError;

/// Highest latency the histograms track: one minute, in nanoseconds.
const MAX_TRACKED_NS: u64 = 60_000_000_000;

/// What the connections measured in the window.
#[derive(Debug)]
pub struct Measured {
    /// Latencies in nanoseconds (from the due time in open loop).
    pub latencies: Histogram<u64>,
    /// Decisions completed in the window.
    pub decisions: u64,
    /// Calls that failed (Err frames, broken connections).
    pub errors: u64,
    /// Continue answers.
    pub allowed: u64,
    /// Stop answers.
    pub blocked: u64,
    /// Rewrite answers (redactions).
    pub rewritten: u64,
    /// The first error seen, for the report.
    pub first_error: Option<String>,
}

impl Measured {
    pub(super) fn new() -> Measured {
        Measured {
            latencies: Histogram::new_with_bounds(1, MAX_TRACKED_NS, 3)
                .expect("invariant: constant histogram bounds are valid"),
            decisions: 0,
            errors: 0,
            allowed: 0,
            blocked: 0,
            rewritten: 0,
            first_error: None,
        }
    }

    pub(super) fn merge(&mut self, other: Measured) {
        // Same bounds on both sides: adding cannot fail.
        let _ = self.latencies.add(&other.latencies);
        self.decisions += other.decisions;
        self.errors += other.errors;
        self.allowed += other.allowed;
        self.blocked += other.blocked;
        self.rewritten += other.rewritten;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    pub(super) fn record(&mut self, outcome: Result<ActionKind, LoadgenError>, latency: Duration) {
        match outcome {
            Ok(action) => {
                self.decisions += 1;
                self.latencies.saturating_record(
                    u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX).max(1),
                );
                match action {
                    ActionKind::Continue => self.allowed += 1,
                    ActionKind::Stop(_) => self.blocked += 1,
                    ActionKind::Rewrite => self.rewritten += 1,
                }
            }
            Err(error) => self.fail(error),
        }
    }

    fn fail(&mut self, error: LoadgenError) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(error.to_string());
        }
    }
}
