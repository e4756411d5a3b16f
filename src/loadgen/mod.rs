//! The load generator behind `promptgate bench`: measures the runner the way
//! APISIX loads it, next to the floor of the protocol itself.
//!
//! Takes a runner (a child `promptgate serve` per baseline, or `--socket`
//! for one already running) and the test corpus (`tests/corpus`); hands back a
//! [`BenchReport`]: decisions per second, latency percentiles from HDR
//! histograms, the ratio to the no-op floor, the runner's CPU time per
//! decision and peak RSS. Must never be costly itself: frames are encoded
//! once, every request reuses them, and the generator reports its own CPU
//! time so a reader can see it was not the bottleneck.
//!
//! * `workload` — chat bodies of a size and mix, pre-encoded as frames.
//! * `client` — one kept-alive connection speaking APISIX's side.
//! * `driver` — closed-loop and open-loop (coordinated-omission corrected)
//!   drivers over N connections.
//! * `runner` — the child runner per baseline and its `/proc` figures.
//! * `report` — the table and JSON.

mod client;
mod driver;
mod error;
mod report;
mod runner;
mod workload;

use std::path::PathBuf;
use std::time::Duration;

pub use client::Client;
pub use driver::{Measured, Pace, Plan, Window, corrected_latency, drive};
pub use error::LoadgenError;
pub use report::{BenchReport, Percentiles, Row, size_label};
pub use runner::{ChildRunner, Scenario, cpu_time, peak_rss};
pub use workload::{Kind, Mix, Texts, Workload};

/// `promptgate bench` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The configuration file the child runners start from (the global `--config`;
    /// the scenario's switches and an ephemeral metrics port are laid over it).
    #[arg(skip)]
    pub config: Option<std::path::PathBuf>,
    /// Baselines to run, each against a fresh child runner: noop (protocol
    /// floor), miss (full waterfall, unique bodies), hit (repeated bodies).
    #[arg(long, default_value = "noop,miss,hit", value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// Body sizes (OpenAI chat JSON): e.g. 1k,2k,8k,64k.
    #[arg(long, default_value = "1k,2k,8k,64k", value_delimiter = ',')]
    pub sizes: Vec<String>,
    /// Kept-alive connections (default: 2 per core).
    #[arg(long)]
    pub connections: Option<usize>,
    /// Measured window per run, e.g. 5s or 500ms.
    #[arg(long, default_value = "5s")]
    pub duration: String,
    /// Warm-up before each window.
    #[arg(long, default_value = "1s")]
    pub warmup: String,
    /// Open loop: a total rate per second (`15000`), or a share of the
    /// closed-loop throughput just measured (`50%`, which runs both).
    #[arg(long)]
    pub rate: Option<String>,
    /// Body mix by weight.
    #[arg(long, default_value = "benign=90,attack=5,pii=5")]
    pub mix: String,
    /// Seed of the workload (which corpus texts, in which order).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Load a runner already listening here instead of starting children.
    #[arg(long)]
    pub socket: Option<PathBuf>,
    /// With --socket: the runner's pid, for its CPU time and peak RSS.
    #[arg(long)]
    pub pid: Option<u32>,
    /// The route's promptgate conf value sent with PrepareConf (or inline).
    #[arg(long, default_value = "{}")]
    pub route_conf: String,
    /// Request RPCs to load, each scenario once per RPC on the same bodies:
    /// ext (APISIX's HTTPReqCall + ExtraInfo), request (promptgate's own
    /// one-round-trip RequestCall, rows labelled `+request`).
    #[arg(long, default_value = "ext", value_delimiter = ',')]
    pub rpc: Vec<String>,
    /// Corpus directory (default: $PROMPTGATE_CORPUS_DIR, else tests/corpus).
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Append the child runners' logs to this file (default: discarded).
    #[arg(long)]
    pub runner_log: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Open-loop rate as asked on the command line.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rate {
    Fixed(f64),
    ShareOfClosed(f64),
}

fn parse_rate(text: &str) -> Result<Rate, LoadgenError> {
    let bad = || LoadgenError::Usage(format!("--rate {text:?}: expected e.g. 15000 or 50%"));
    let text = text.trim();
    if let Some(share) = text.strip_suffix('%') {
        let share: f64 = share.trim().parse().map_err(|_| bad())?;
        return (share > 0.0 && share <= 1000.0)
            .then_some(Rate::ShareOfClosed(share / 100.0))
            .ok_or_else(bad);
    }
    let rate: f64 = text.parse().map_err(|_| bad())?;
    (rate > 0.0 && rate.is_finite())
        .then_some(Rate::Fixed(rate))
        .ok_or_else(bad)
}

/// Parses `5s`, `500ms`, `2m` or plain seconds.
pub fn parse_duration(text: &str) -> Result<Duration, LoadgenError> {
    let bad = || LoadgenError::Usage(format!("duration {text:?}: expected e.g. 5s, 500ms, 1m"));
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    if !(value.is_finite() && value >= 0.0 && value * scale < 86_400.0) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(value * scale))
}

/// Parses `2k`, `64K`, `1m` or plain bytes.
pub fn parse_size(text: &str) -> Result<usize, LoadgenError> {
    let bad = || LoadgenError::Usage(format!("size {text:?}: expected e.g. 1k, 2k, 64k"));
    let lower = text.trim().to_ascii_lowercase();
    let (number, scale) = if let Some(n) = lower.strip_suffix('k') {
        (n, 1024)
    } else if let Some(n) = lower.strip_suffix('m') {
        (n, 1024 * 1024)
    } else {
        (lower.as_str(), 1)
    };
    let value: usize = number.trim().parse().map_err(|_| bad())?;
    let bytes = value.checked_mul(scale).ok_or_else(bad)?;
    if !(256..=8 << 20).contains(&bytes) {
        return Err(bad());
    }
    Ok(bytes)
}

/// The `--config` file the child runners start from (empty: the shipped defaults).
fn base_config(path: Option<&std::path::Path>) -> Result<toml::Table, LoadgenError> {
    let Some(path) = path else {
        return Ok(toml::Table::new());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadgenError::Usage(format!("--config {}: {e}", path.display())))?;
    toml::from_str(&text)
        .map_err(|e| LoadgenError::Usage(format!("--config {}: {e}", path.display())))
}

/// Runs every requested measurement and returns the report.
pub fn run(args: &BenchArgs) -> Result<BenchReport, LoadgenError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let connections = args.connections.unwrap_or(2 * cores).max(1);
    let warmup = parse_duration(&args.warmup)?;
    let duration = parse_duration(&args.duration)?;
    if duration.is_zero() {
        return Err(LoadgenError::Usage("--duration must be above zero".into()));
    }
    let rate = args.rate.as_deref().map(parse_rate).transpose()?;
    let mix = Mix::parse(&args.mix)?;
    let sizes = args
        .sizes
        .iter()
        .map(|s| parse_size(s))
        .collect::<Result<Vec<_>, _>>()?;
    let scenarios = args
        .scenarios
        .iter()
        .map(|s| Scenario::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let corpus = args
        .corpus
        .clone()
        .or_else(crate::eval::corpus_dir)
        .ok_or_else(|| {
            LoadgenError::Corpus("not found; pass --corpus or set PROMPTGATE_CORPUS_DIR".into())
        })?;
    let rpcs = args
        .rpc
        .iter()
        .map(|r| match r.trim() {
            "ext" => Ok(false),
            "request" => Ok(true),
            other => Err(LoadgenError::Usage(format!(
                "unknown rpc {other:?}; expected ext or request"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let base = base_config(args.config.as_deref())?;
    let texts = Texts::from_corpus(&corpus)?;
    let mut report = BenchReport {
        cores,
        connections,
        warmup_secs: warmup.as_secs_f64(),
        duration_secs: duration.as_secs_f64(),
        mix: args.mix.clone(),
        rows: Vec::new(),
    };
    for &size in &sizes {
        let workload = Workload::build(&texts, size, mix, args.seed)?;
        for (&scenario, &inline) in scenarios
            .iter()
            .flat_map(|s| rpcs.iter().map(move |r| (s, r)))
        {
            let child = match &args.socket {
                Some(_) => None,
                None => Some(ChildRunner::start(
                    &scenario.config(&base)?,
                    args.runner_log.as_deref(),
                )?),
            };
            let (socket, pid) = match (&child, &args.socket) {
                (Some(child), _) => (child.socket.clone(), Some(child.pid())),
                (None, Some(socket)) => (socket.clone(), args.pid),
                (None, None) => unreachable!("either a child or --socket"),
            };
            let mut plan = Plan {
                connections,
                warmup,
                duration,
                rate: None,
                unique: scenario.unique_bodies(),
                route_conf: args.route_conf.clone(),
                inline,
            };
            let mut label = if args.socket.is_some() {
                format!("{}@ext", scenario.as_str())
            } else {
                scenario.as_str().to_owned()
            };
            if inline {
                label.push_str("+request");
            }
            let mut closed_rate = None;
            if !matches!(rate, Some(Rate::Fixed(_))) {
                let row = measure(&socket, pid, &workload, &plan, &label)?;
                closed_rate = Some(row.decisions_per_sec);
                report.rows.push(row);
            }
            let open = match (rate, closed_rate) {
                (Some(Rate::Fixed(r)), _) => Some(r),
                (Some(Rate::ShareOfClosed(share)), Some(closed)) if closed > 0.0 => {
                    Some(closed * share)
                }
                _ => None,
            };
            if let Some(open) = open {
                plan.rate = Some(open);
                report
                    .rows
                    .push(measure(&socket, pid, &workload, &plan, &label)?);
            }
            drop(child);
        }
    }
    report.link_floor();
    Ok(report)
}

/// Samples CPU times at the window's edges.
struct CpuWindow {
    runner: Option<String>,
    runner_cpu: [Option<Duration>; 2],
    own_cpu: [Option<Duration>; 2],
}

impl Window for CpuWindow {
    fn mark(&mut self, closing: bool) {
        let i = usize::from(closing);
        self.runner_cpu[i] = self.runner.as_deref().and_then(cpu_time);
        self.own_cpu[i] = cpu_time("self");
    }
}

fn measure(
    socket: &std::path::Path,
    pid: Option<u32>,
    workload: &Workload,
    plan: &Plan,
    label: &str,
) -> Result<Row, LoadgenError> {
    let mut window = CpuWindow {
        runner: pid.map(|p| p.to_string()),
        runner_cpu: [None; 2],
        own_cpu: [None; 2],
    };
    let measured = drive(socket, workload, plan, &mut window)?;
    let per_decision = |cpu: [Option<Duration>; 2]| match cpu {
        [Some(a), Some(b)] if measured.decisions > 0 => {
            Some(b.saturating_sub(a).as_secs_f64() * 1e6 / measured.decisions as f64)
        }
        _ => None,
    };
    let mean_body_bytes = workload
        .schedule
        .iter()
        .map(|&i| workload.bodies[i].body_len)
        .sum::<usize>()
        / workload.schedule.len().max(1);
    Ok(Row {
        scenario: label.to_owned(),
        body_bytes: workload.size,
        mean_body_bytes,
        mode: if plan.rate.is_some() {
            "open"
        } else {
            "closed"
        },
        target_rate: plan.rate,
        decisions: measured.decisions,
        errors: measured.errors,
        first_error: measured.first_error.clone(),
        decisions_per_sec: measured.decisions as f64 / plan.duration.as_secs_f64(),
        latency_us: Percentiles::of(&measured),
        ratio_to_floor: None,
        runner_cpu_us_per_decision: per_decision(window.runner_cpu),
        runner_peak_rss_mib: window
            .runner
            .as_deref()
            .and_then(peak_rss)
            .map(|b| b as f64 / (1024.0 * 1024.0)),
        loadgen_cpu_us_per_decision: per_decision(window.own_cpu),
        allowed: measured.allowed,
        blocked: measured.blocked,
        rewritten: measured.rewritten,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_or_explain() {
        assert_eq!(parse_duration("5s").expect("ok"), Duration::from_secs(5));
        assert_eq!(
            parse_duration("250ms").expect("ok"),
            Duration::from_millis(250)
        );
        assert_eq!(parse_duration("2m").expect("ok"), Duration::from_secs(120));
        assert_eq!(
            parse_duration("1.5").expect("ok"),
            Duration::from_millis(1500)
        );
        for bad in ["", "s", "-1s", "fast", "1e9s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_size("2k").expect("ok"), 2048);
        assert_eq!(parse_size("64K").expect("ok"), 65536);
        assert_eq!(parse_size("1000").expect("ok"), 1000);
        for bad in ["", "k", "10", "99m", "2kb"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_rate("15000").expect("ok"), Rate::Fixed(15000.0));
        assert_eq!(parse_rate("50%").expect("ok"), Rate::ShareOfClosed(0.5));
        for bad in ["0", "-5", "x%", "0%"] {
            assert!(parse_rate(bad).is_err(), "{bad:?}");
        }
    }
}
