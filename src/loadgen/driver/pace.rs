//! Open-loop timing: when each request of a connection is due, the latency
//! counted from that due time (coordinated omission corrected), and sleeps
//! that wake on time.

use std::time::{Duration, Instant};

/// When each request of one open-loop connection is due: `n` connections
/// share `rate`, each at `rate / n`, phase-shifted so the total is even.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    interval_ns: f64,
    phase_ns: f64,
}

impl Pace {
    /// The pace of connection `c` out of `n` at `rate` requests per second in total.
    pub fn new(rate: f64, n: usize, c: usize) -> Pace {
        let interval_ns = 1e9 * n as f64 / rate.max(1e-9);
        Pace {
            interval_ns,
            phase_ns: interval_ns * c as f64 / n as f64,
        }
    }

    /// Offset from the start at which request `k` of this connection is due.
    pub fn due(&self, k: u64) -> Duration {
        Duration::from_nanos((self.phase_ns + self.interval_ns * k as f64) as u64)
    }
}

/// Latency of a request due at `due` and answered at `done`: measured from
/// the due time, so time spent waiting behind a slow answer counts.
pub fn corrected_latency(due: Instant, done: Instant) -> Duration {
    done.saturating_duration_since(due)
}

pub(super) fn sleep_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
}

/// Asks the kernel to wake this thread on time (the default timer slack of
/// 50 µs would show up in open-loop latencies). Best effort.
pub(super) fn precise_sleeps() {
    let _ = std::fs::write("/proc/thread-self/timerslack_ns", "1");
}
