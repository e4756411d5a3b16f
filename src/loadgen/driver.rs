//! The drivers: N connections, one thread each, sending for a warm-up and a
//! measured window.
//!
//! * Closed loop: each connection sends its next request as soon as the
//!   previous answer arrives: the maximum throughput.
//! * Open loop: requests are due at a fixed total rate, spread evenly over
//!   the connections; latency is measured from the time a request was *due*,
//!   not from when a busy connection got round to sending it, so a stall
//!   shows up in every request it delayed (coordinated omission corrected).

use std::path::Path;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::protocol::peer::ActionKind;

use super::client::Client;
use super::error::LoadgenError;
use super::workload::{Workload, with_token, write_nonce_at};

/// Highest latency the histograms track: one minute, in nanoseconds.
const MAX_TRACKED_NS: u64 = 60_000_000_000;

/// How one measurement runs.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Kept-alive connections (one thread each).
    pub connections: usize,
    /// Time before measuring starts.
    pub warmup: Duration,
    /// The measured window.
    pub duration: Duration,
    /// Total requests per second (open loop); `None` for closed loop.
    pub rate: Option<f64>,
    /// Give every request a fresh nonce (L0 misses).
    pub unique: bool,
    /// The route's promptgate conf value sent with PrepareConf (or inline).
    pub route_conf: String,
    /// Speak promptgate's own RequestCall (one frame per request, the conf
    /// inline) instead of HTTPReqCall + ExtraInfo.
    pub inline: bool,
}

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
    fn new() -> Measured {
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

    fn merge(&mut self, other: Measured) {
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

    fn record(&mut self, outcome: Result<ActionKind, LoadgenError>, latency: Duration) {
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

/// The measured window's edges, for sampling the runner around it.
pub trait Window {
    /// Called when the warm-up ends and again when the window closes.
    fn mark(&mut self, closing: bool);
}

/// Runs `plan` against the runner at `socket` and merges what every
/// connection measured. `window` is told when measuring starts and stops.
///
/// Closed loop runs every connection on one thread's event loop (the
/// generator then costs a fraction of the runner); open loop gives each
/// connection a thread so requests leave at their due time to the
/// microsecond, which an event loop's millisecond timer cannot do.
pub fn drive(
    socket: &Path,
    workload: &Workload,
    plan: &Plan,
    window: &mut dyn Window,
) -> Result<Measured, LoadgenError> {
    let n = plan.connections.max(1);
    let conns = (0..n)
        .map(|c| Connection::open(socket, workload, plan, c, n))
        .collect::<Result<Vec<_>, _>>()?;
    let start = Instant::now();
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = if plan.rate.is_some() {
            conns
                .into_iter()
                .map(|mut conn| scope.spawn(move || vec![Ok(conn.run_paced(start, plan))]))
                .collect()
        } else {
            vec![scope.spawn(move || run_event_loop(conns, start, plan))]
        };
        sleep_until(start + plan.warmup);
        window.mark(false);
        sleep_until(start + plan.warmup + plan.duration);
        window.mark(true);
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(LoadgenError::Usage(
                        "a connection thread panicked".into(),
                    ))]
                })
            })
            .collect::<Vec<_>>()
    });
    let mut total = Measured::new();
    for result in results {
        total.merge(result?);
    }
    Ok(total)
}

/// Closed loop: every connection as a task of one current-thread runtime.
fn run_event_loop(
    conns: Vec<Connection>,
    start: Instant,
    plan: &Plan,
) -> Vec<Result<Measured, LoadgenError>> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return vec![Err(LoadgenError::io("starting the event loop")(e))],
    };
    let measure_from = start + plan.warmup;
    let end = measure_from + plan.duration;
    runtime.block_on(async move {
        let mut tasks = tokio::task::JoinSet::new();
        for conn in conns {
            tasks.spawn(conn.run_closed(measure_from, end));
        }
        let mut results = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            results.push(
                joined
                    .map_err(|_| LoadgenError::Usage("a connection task failed".into()))
                    .and_then(|r| r),
            );
        }
        results
    })
}

/// Where a new connection's nonces start: the 16 bits above a 32-bit request
/// counter, different for every connection this process opens (the closed and
/// the open run of a scenario share one runner, and an earlier run's bodies
/// would be L0 hits) and, from a clock-and-pid start, most likely for other
/// processes loading the same runner (`--socket`).
fn nonce_base() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        u64::from(nanos ^ std::process::id().rotate_left(16)).wrapping_mul(0x9E37_79B9)
    });
    let k = START.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed));
    (k & 0xFFFF) << 32
}

/// One connection's state: the client and its own copy of the frames
/// (nonces are rewritten in place) and of the schedule.
struct Connection {
    client: Client,
    calls: Vec<Vec<u8>>,
    bodies: Vec<Vec<u8>>,
    nonce_at: Vec<usize>,
    schedule: Vec<usize>,
    slot: usize,
    nonce: u64,
    unique: bool,
    pace: Option<Pace>,
}

impl Connection {
    fn open(
        socket: &Path,
        workload: &Workload,
        plan: &Plan,
        c: usize,
        n: usize,
    ) -> Result<Connection, LoadgenError> {
        let mut client = Client::connect(socket)?;
        // RequestCall: the whole call is one frame, kept where the nonce goes
        // (`bodies`), with an empty call frame (see [`Client::call`]).
        let (calls, bodies, nonce_at) = if plan.inline {
            let frames = workload
                .bodies
                .iter()
                .map(|p| p.request_frame(&plan.route_conf))
                .collect::<Result<Vec<_>, _>>()?;
            let nonce_at = frames.iter().map(|(_, at)| *at).collect();
            let bodies: Vec<Vec<u8>> = frames.into_iter().map(|(frame, _)| frame).collect();
            // One call before the window, as PrepareConf is for ext: the
            // runner is serving (not just bound) and has parsed the conf.
            if let Some(first) = bodies.first() {
                client.call(&[], first)?;
            }
            (vec![Vec::new(); workload.bodies.len()], bodies, nonce_at)
        } else {
            let token =
                client.prepare_conf(&plan.route_conf, "route#bench#ext-plugin-pre-req#1")?;
            let calls = workload
                .bodies
                .iter()
                .map(|p| with_token(p, token))
                .collect::<Result<Vec<_>, _>>()?;
            let bodies = workload
                .bodies
                .iter()
                .map(|p| p.body_frame.clone())
                .collect();
            (
                calls,
                bodies,
                workload.bodies.iter().map(|p| p.nonce_at()).collect(),
            )
        };
        Ok(Connection {
            client,
            calls,
            bodies,
            nonce_at,
            schedule: workload.schedule.clone(),
            // Connections start at different places in the schedule.
            slot: c * workload.schedule.len() / n,
            nonce: nonce_base(),
            unique: plan.unique,
            pace: plan.rate.map(|rate| Pace::new(rate, n, c)),
        })
    }

    /// The body index of the next request, its nonce set.
    fn next_body(&mut self) -> usize {
        let i = self.schedule[self.slot % self.schedule.len()];
        self.slot += 1;
        if self.unique {
            self.nonce += 1;
            write_nonce_at(&mut self.bodies[i], self.nonce_at[i], self.nonce);
        }
        i
    }

    async fn run_closed(
        self,
        measure_from: Instant,
        end: Instant,
    ) -> Result<Measured, LoadgenError> {
        let Connection {
            client,
            calls,
            mut bodies,
            nonce_at,
            schedule,
            mut slot,
            mut nonce,
            unique,
            ..
        } = self;
        let mut client = client.into_async()?;
        let mut measured = Measured::new();
        loop {
            let sent = Instant::now();
            if sent >= end {
                break;
            }
            let i = schedule[slot % schedule.len()];
            slot += 1;
            if unique {
                nonce += 1;
                write_nonce_at(&mut bodies[i], nonce_at[i], nonce);
            }
            let outcome = match tokio::time::timeout(
                CALL_TIMEOUT,
                client.call(&calls[i], &bodies[i]),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(_) => Err(LoadgenError::Io {
                    what: "waiting for the runner".into(),
                    source: std::io::ErrorKind::TimedOut.into(),
                }),
            };
            let done = Instant::now();
            let broken = is_broken(&outcome);
            if sent >= measure_from {
                measured.record(outcome, done - sent);
            }
            if broken {
                break;
            }
        }
        Ok(measured)
    }

    fn run_paced(&mut self, start: Instant, plan: &Plan) -> Measured {
        let measure_from = start + plan.warmup;
        let end = measure_from + plan.duration;
        let mut measured = Measured::new();
        let Some(pace) = self.pace else {
            return measured;
        };
        precise_sleeps();
        for k in 0.. {
            let due = start + pace.due(k);
            if due >= end {
                break;
            }
            sleep_until(due);
            let i = self.next_body();
            let outcome = self.client.call(&self.calls[i], &self.bodies[i]);
            let done = Instant::now();
            let broken = is_broken(&outcome);
            if due >= measure_from {
                measured.record(outcome, corrected_latency(due, done));
            }
            if broken {
                break;
            }
        }
        measured
    }
}

/// How long one call may take before its connection is given up.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a failed call leaves the connection unusable (an Err frame does not).
fn is_broken(outcome: &Result<ActionKind, LoadgenError>) -> bool {
    matches!(
        outcome,
        Err(LoadgenError::Io { .. }
            | LoadgenError::Decode(_)
            | LoadgenError::UnexpectedType { .. }
            | LoadgenError::Corpus(_)
            | LoadgenError::Frame(_))
    )
}

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

fn sleep_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        std::thread::sleep(at - now);
    }
}

/// Asks the kernel to wake this thread on time (the default timer slack of
/// 50 µs would show up in open-loop latencies). Best effort.
fn precise_sleeps() {
    let _ = std::fs::write("/proc/thread-self/timerslack_ns", "1");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connection_starts_its_nonces_elsewhere() {
        let bases: std::collections::HashSet<u64> = (0..1000).map(|_| nonce_base()).collect();
        assert_eq!(bases.len(), 1000, "nonce bases repeat");
        assert!(bases.iter().all(|b| b >> 48 == 0), "nonces fit in 48 bits");
    }

    #[test]
    fn pace_spreads_connections_evenly() {
        let rate = 1000.0;
        let pace: Vec<Pace> = (0..4).map(|c| Pace::new(rate, 4, c)).collect();
        // Each connection at 250/s: every 4 ms, shifted by 1 ms from the previous.
        assert_eq!(pace[0].due(0), Duration::ZERO);
        assert_eq!(pace[0].due(1), Duration::from_millis(4));
        assert_eq!(pace[1].due(0), Duration::from_millis(1));
        assert_eq!(pace[3].due(2), Duration::from_millis(11));
        let mut all: Vec<Duration> = pace
            .iter()
            .flat_map(|p| (0..10).map(|k| p.due(k)))
            .collect();
        all.sort();
        for pair in all.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_millis(1));
        }
    }

    /// One connection, requests due every `interval`, answered after the
    /// given service times: the latencies the driver's arithmetic reports.
    fn simulate(interval: Duration, service: &[Duration]) -> Vec<Duration> {
        let start = Instant::now();
        let pace = Pace::new(1.0 / interval.as_secs_f64(), 1, 0);
        let mut free_at = start;
        service
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let due = start + pace.due(k as u64);
                let sent = due.max(free_at);
                let done = sent + *s;
                free_at = done;
                corrected_latency(due, done)
            })
            .collect()
    }

    #[test]
    fn a_stall_counts_in_every_request_it_delayed() {
        let ms = Duration::from_millis;
        let us = Duration::from_micros;
        // 1 ms apart, 100 µs each, but the 3rd takes 10 ms.
        let mut service = vec![us(100); 20];
        service[2] = ms(10);
        let lat = simulate(ms(1), &service);
        assert_eq!(lat[1], us(100));
        assert_eq!(lat[2], ms(10));
        // The next ones were due while the stall lasted: they waited for it.
        assert!(lat[3] > ms(9), "{:?}", lat[3]);
        assert!(lat[8] > ms(4), "{:?}", lat[8]);
        // The backlog drains 0.9 ms per request and is gone by the 14th.
        assert_eq!(lat[14], us(100));
        let slow = lat.iter().filter(|l| **l > ms(1)).count();
        assert_eq!(slow, 10, "{lat:?}");
        // A closed-loop (uncorrected) view would show one slow request only.
        assert_eq!(service.iter().filter(|s| **s > ms(1)).count(), 1);
    }

    #[test]
    fn measurements_merge_and_count_outcomes() {
        let mut a = Measured::new();
        a.record(Ok(ActionKind::Continue), Duration::from_micros(50));
        a.record(Ok(ActionKind::Stop(403)), Duration::from_micros(70));
        let mut b = Measured::new();
        b.record(Ok(ActionKind::Rewrite), Duration::from_micros(90));
        b.record(Err(LoadgenError::Usage("boom".into())), Duration::ZERO);
        a.merge(b);
        assert_eq!((a.decisions, a.errors), (3, 1));
        assert_eq!((a.allowed, a.blocked, a.rewritten), (1, 1, 1));
        assert_eq!(a.first_error.as_deref(), Some("boom"));
        assert_eq!(a.latencies.len(), 3);
        let p50 = a.latencies.value_at_quantile(0.5);
        assert!((69_000..=71_000).contains(&p50), "{p50}");
    }
}
