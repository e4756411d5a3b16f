//! One connection of a run: the client, its own copy of the frames (nonces
//! are rewritten in place, so connections share nothing) and its place in
//! the schedule, and the two send loops: closed loop as a task of the shared
//! event loop, open loop paced on its own thread.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::protocol::peer::ActionKind;

use super::super::client::Client;
use super::super::error::LoadgenError;
use super::super::workload::{Workload, with_token, write_nonce_at};
use super::Plan;
use super::measured::Measured;
use super::pace::{Pace, corrected_latency, precise_sleeps, sleep_until};

/// Where a new connection's nonces start: the 16 bits above a 32-bit request
/// counter, different for every connection this process opens (the closed and
/// the open run of a scenario share one runner, and an earlier run's bodies
/// would be L0 hits) and, from a clock-and-pid start, most likely for other
/// processes loading the same runner (`--socket`).
pub(super) fn nonce_base() -> u64 {
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
pub(super) struct Connection {
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
    pub(super) fn open(
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

    pub(super) async fn run_closed(
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

    pub(super) fn run_paced(&mut self, start: Instant, plan: &Plan) -> Measured {
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
