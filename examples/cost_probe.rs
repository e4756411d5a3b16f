//! Runs one hot path a fixed number of times, for instruction counting under valgrind
//! (`scripts/cost-check.sh`; issue 16, item 6). Prints nothing timed: the count is the
//! measurement, and it is taken as the difference between two runs with different
//! iteration counts, so loading (model, rules, runtime library) cancels out.
//!
//! ```text
//! cost_probe decide <body.json> <iterations>   # Pipeline::decide, default policy, L2 on
//! cost_probe decide-l1 <body.json> <iterations> # the same with L2 off (L1 + L1.5 only)
//! cost_probe l2 <text file> <iterations>       # Classifier::score_blocking alone
//! cost_probe decide-varied <bodies.jsonl> <iterations>    # decide, cycling through distinct bodies
//!                       # (scripts/cost-inputs.py --varied bodies.jsonl writes them)
//! cost_probe decide-varied-l1 <bodies.jsonl> <iterations> # the same with L2 off
//! ```
//!
//! One body decided over and over is read from warm caches and trained branch
//! predictors; the `-varied` modes cycle through many distinct bodies (one
//! OpenAI chat body per line, each holding `NONCE000`) as serving does, and
//! measure about twice the cost per decision. They are for `/usr/bin/time`
//! comparisons, not for the instruction-count budget.
//!
//! Run from the repository root (the default `classifier.model_dir` is relative).

use std::path::Path;
use std::process::ExitCode;

use promptgate::detect::classifier::{Classifier, LoadOptions};
use promptgate::pipeline::{Decision, Engines, RoutePolicy, ScanRequest};
use promptgate::policy::{RouteConf, load_config_str};
use promptgate::runtime::Runtime;
use promptgate::types::Verdict;

/// The default configuration with L2 required (a probe without L2 would measure the
/// wrong thing) and a budget valgrind's slowdown cannot exhaust (a cut-off L2 would
/// count less work).
const CONFIG: &str = "\
[policy.l2]
required = true
[policy.budgets]
l1_ms = 600000
pii_ms = 600000
l2_ms = 600000
";

/// The default configuration with L2 off, for the L1 + L1.5 cost (and the same budgets).
const CONFIG_L2_OFF: &str = "\
[policy.l2]
enabled = false
[policy.budgets]
l1_ms = 600000
pii_ms = 600000
l2_ms = 600000
";

/// The per-iteration nonce's placeholder in a `decide` body (8 bytes).
const NONCE: &[u8] = b"NONCE000";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, file, iterations] = &args[..] else {
        eprintln!("usage: cost_probe decide|decide-l1|l2 <file> <iterations>");
        return ExitCode::from(2);
    };
    let Ok(iterations) = iterations.parse::<usize>() else {
        eprintln!("iterations must be a number");
        return ExitCode::from(2);
    };
    let input = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match mode.as_str() {
        "decide" => decide(&input, iterations, Waterfall::Default),
        "decide-l1" => decide(&input, iterations, Waterfall::L2Off),
        "l2" => l2(&input, iterations),
        "decide-varied" => decide_varied(&input, iterations, Waterfall::Default),
        "decide-varied-l1" => decide_varied(&input, iterations, Waterfall::L2Off),
        other => Err(format!("unknown mode {other}")),
    };
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cost_probe: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Which waterfall a `decide` probe runs.
#[derive(Clone, Copy, PartialEq)]
enum Waterfall {
    /// The default policy: L1, L1.5 and L2.
    Default,
    /// L2 off: L1 and L1.5 only.
    L2Off,
}

/// A pipeline built like the runner's for one waterfall, and a runtime to
/// drive its decisions on the calling thread.
struct Probe {
    runtime: Runtime,
    route: RoutePolicy,
    tokio: tokio::runtime::Runtime,
}

impl Probe {
    fn new(waterfall: Waterfall) -> Result<Probe, String> {
        let mut text = match waterfall {
            Waterfall::Default => CONFIG,
            Waterfall::L2Off => CONFIG_L2_OFF,
        }
        .to_owned();
        // Rule packs from a folder instead of the embedded ones: what a rule
        // change costs, measured without rebuilding.
        if let Ok(dir) = std::env::var("COST_PROBE_RULES_DIR") {
            text.push_str(&format!("[rules]\nembedded = false\ndir = {dir:?}\n"));
        }
        let config = load_config_str(&text, "cost_probe", Vec::new()).map_err(|e| e.to_string())?;
        let engines = Engines::load(&config).map_err(|e| e.to_string())?;
        let runtime = Runtime::build(config, 0, &engines).map_err(|e| e.to_string())?;
        let route = runtime
            .resolve(&RouteConf::default())
            .map_err(|e| e.to_string())?;
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Probe {
            runtime,
            route,
            tokio,
        })
    }

    /// One decision on `body`, as `Pipeline::decide` makes it.
    fn decide(&self, body: &[u8]) -> Decision {
        let request = ScanRequest {
            body: Some(body),
            content_encoding: None,
        };
        self.tokio
            .block_on(self.runtime.pipeline.decide(&self.route, request))
    }
}

/// Where the nonce placeholder sits in `body`.
fn nonce_at(body: &[u8]) -> Result<usize, String> {
    body.windows(NONCE.len())
        .position(|w| w == NONCE)
        .ok_or_else(|| "a probe body holds no NONCE000 placeholder".into())
}

/// Writes iteration `i`'s nonce at `at`.
fn set_nonce(body: &mut [u8], at: usize, i: usize) {
    body[at..at + NONCE.len()].copy_from_slice(format!("{i:08}").as_bytes());
}

/// `iterations` decisions on `body` (an OpenAI chat body holding the placeholder
/// `NONCE000`, overwritten per iteration so the L0 cache never answers); every one
/// must be an L0 miss, and with the default waterfall one that ran L2.
fn decide(body: &[u8], iterations: usize, waterfall: Waterfall) -> Result<String, String> {
    let at = nonce_at(body)?;
    let mut body = body.to_vec();
    let probe = Probe::new(waterfall)?;
    let mut last = None;
    for i in 0..iterations {
        set_nonce(&mut body, at, i);
        let decision = probe.decide(&body);
        let ran_l2 = decision.l2_score.is_some();
        if decision.cached || ran_l2 != (waterfall == Waterfall::Default) {
            return Err(format!(
                "the probe body must be an L0 miss that runs L2 only with the default waterfall, got {}",
                decision.report()
            ));
        }
        last = Some(decision);
    }
    Ok(last.map_or_else(String::new, |d| d.report().to_string()))
}

/// `iterations` decisions cycling through the bodies of a JSON Lines file (see
/// the module doc), the nonce of each rewritten per iteration so L0 never answers.
fn decide_varied(lines: &[u8], iterations: usize, waterfall: Waterfall) -> Result<String, String> {
    let mut bodies: Vec<(Vec<u8>, usize)> = Vec::new();
    for line in lines.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        bodies.push((line.to_vec(), nonce_at(line)?));
    }
    if bodies.is_empty() {
        return Err("no bodies".into());
    }
    let probe = Probe::new(waterfall)?;
    let (mut blocked, n) = (0usize, bodies.len());
    for i in 0..iterations {
        let (body, at) = &mut bodies[i % n];
        set_nonce(body, *at, i);
        let decision = probe.decide(body);
        if decision.cached {
            return Err("a varied probe body was answered by L0".into());
        }
        blocked += usize::from(matches!(decision.verdict, Verdict::Block(_)));
    }
    Ok(format!(
        "{iterations} decisions over {n} bodies, {blocked} blocked"
    ))
}

/// `iterations` L2 scorings of `text` on the calling thread (the native graph).
fn l2(text: &[u8], iterations: usize) -> Result<String, String> {
    let text = std::str::from_utf8(text).map_err(|e| e.to_string())?;
    let dir = Path::new("models/minilm-static-v1");
    let config = LoadOptions {
        pool_size: 1,
        ..LoadOptions::default()
    };
    let classifier = Classifier::load(dir, &config).map_err(|e| e.to_string())?;
    let mut last = None;
    for _ in 0..iterations {
        last = Some(
            classifier
                .score_blocking(std::hint::black_box(text))
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(format!("{last:?}"))
}
