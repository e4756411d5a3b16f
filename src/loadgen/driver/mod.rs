//! The drivers: N connections, one thread each, sending for a warm-up and a
//! measured window.
//!
//! * Closed loop: each connection sends its next request as soon as the
//!   previous answer arrives: the maximum throughput.
//! * Open loop: requests are due at a fixed total rate, spread evenly over
//!   the connections; latency is measured from the time a request was *due*,
//!   not from when a busy connection got round to sending it, so a stall
//!   shows up in every request it delayed (coordinated omission corrected).
//!
//! One room per part of a run; this file plans it and runs the connections:
//!
//! * `connection` — one connection's frames, schedule and nonces, and its
//!   closed-loop and paced send loops.
//! * `measured` — what the connections measured, merged.
//! * `pace` — when each open-loop request is due, and the latency counted
//!   from that time.

mod connection;
mod measured;
mod pace;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::time::{Duration, Instant};

use super::error::LoadgenError;
use super::workload::Workload;
use connection::Connection;
use pace::sleep_until;

pub use measured::Measured;
pub use pace::{Pace, corrected_latency};

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
