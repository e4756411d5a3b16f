//! The runs that need no socket: `scan` (one body or answer), `eval` (the
//! labelled corpus), `bench` (the load generator).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use promptgate::pipeline::Engines;
use promptgate::policy::Config;
use promptgate::runtime::Runtime;

use crate::{load, print_out};

/// What `scan` was asked to do.
pub(crate) struct ScanOptions {
    pub(crate) policy: String,
    pub(crate) api: Option<String>,
    pub(crate) show_redacted: bool,
    /// `Some(content type)`: the input is a model's answer.
    pub(crate) response: Option<Option<String>>,
}

/// `promptgate scan`: one request body (or, with `--response`, one answer)
/// through the waterfall, the decision printed as JSON; the exit code says it.
pub(crate) fn scan(
    config_path: Option<&Path>,
    file: Option<&Path>,
    options: ScanOptions,
) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    match run_scan(config, file, options) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("promptgate scan: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Exit codes of `scan`: 0 allowed, 1 blocked, 3 redacted.
fn run_scan(config: Config, file: Option<&Path>, options: ScanOptions) -> anyhow::Result<ExitCode> {
    use std::io::Read;
    let mut input = Vec::new();
    match file {
        None => std::io::stdin()
            .read_to_end(&mut input)
            .context("reading standard input")?,
        Some(p) if p == Path::new("-") => std::io::stdin()
            .read_to_end(&mut input)
            .context("reading standard input")?,
        Some(p) => {
            input = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            input.len()
        }
    };
    let engines = Engines::load(&config)?;
    let runtime = Runtime::build(config, 0, &engines).map_err(|e| anyhow::anyhow!("{e}"))?;
    let route = promptgate::policy::RouteConf {
        policy: Some(options.policy),
        api: options.api,
        ..Default::default()
    };
    let route = runtime.resolve(&route)?;
    let decision = match &options.response {
        Some(content_type) => {
            if route.policy.detection.output.is_none() {
                anyhow::bail!(
                    "the policy does not inspect answers: set [policy.response] enabled = true"
                );
            }
            let answer = promptgate::pipeline::AnswerScan {
                body: &input,
                content_type: content_type.as_deref().map(str::as_bytes),
                content_encoding: None,
                originals: None,
                request: None,
            };
            runtime.pipeline.decide_response(&route, answer)
        }
        None => {
            let tokio = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let request = promptgate::pipeline::ScanRequest {
                body: Some(&input),
                content_encoding: None,
            };
            tokio.block_on(runtime.pipeline.decide(&route, request))
        }
    };
    let mut report = decision.report();
    // The role of each finding's segment: the input extracted again as the
    // pipeline did (scan reads an uncompressed body), offline so the serving
    // path keeps no per-finding roles.
    let limits = &route.policy.detection.limits;
    let roles: Option<Vec<promptgate::extract::Role>> = match &options.response {
        Some(content_type) => {
            promptgate::extract::extract_response(&input, content_type.as_deref(), limits)
                .ok()
                .map(|e| e.segments().iter().map(|s| s.role).collect())
        }
        None => promptgate::extract::extract(&input, route.api, limits)
            .ok()
            .map(|e| e.segments().iter().map(|s| s.role).collect()),
    };
    if let (Some(roles), Some(findings)) = (roles, report["findings"].as_array_mut()) {
        for (finding, segment) in findings.iter_mut().zip(&decision.findings) {
            if let Some(role) = roles.get(segment.segment) {
                finding["role"] = role.as_str().into();
            }
        }
    }
    if let (true, promptgate::pipeline::Verdict::Redact(redaction)) =
        (options.show_redacted, &decision.verdict)
    {
        report["redacted_body"] = String::from_utf8_lossy(&redaction.body).into_owned().into();
    }
    print_out(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    Ok(match decision.verdict {
        promptgate::pipeline::Verdict::Block(_) => ExitCode::from(1),
        promptgate::pipeline::Verdict::Redact(_) => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    })
}

/// How `promptgate eval` prints its report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EvalOutput {
    /// JSON instead of tables.
    pub(crate) json: bool,
    /// The PII errors with their records' text after the tables.
    pub(crate) show_pii_errors: bool,
}

/// `promptgate eval`: the labelled corpus through the serving path, recall and
/// false positives by layer, category and language.
pub(crate) fn eval(
    config_path: Option<&Path>,
    corpus: &[PathBuf],
    policy: &str,
    options: &promptgate::eval::EvalOptions,
    output: EvalOutput,
) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    match run_eval(config, corpus, policy, options, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("promptgate eval: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run_eval(
    config: Config,
    corpus: &[PathBuf],
    policy: &str,
    options: &promptgate::eval::EvalOptions,
    output: EvalOutput,
) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let defaults: Vec<PathBuf>;
    let corpus = if corpus.is_empty() {
        let dir = promptgate::eval::corpus_dir().with_context(|| {
            format!(
                "no corpus files given and no corpus in $PROMPTGATE_CORPUS_DIR or {}",
                promptgate::eval::DEFAULT_CORPUS_DIR
            )
        })?;
        defaults = promptgate::eval::CORPUS_FILES
            .iter()
            .map(|f| dir.join(f))
            .collect();
        &defaults[..]
    } else {
        corpus
    };
    let paths: Vec<&Path> = corpus.iter().map(PathBuf::as_path).collect();
    let records = promptgate::eval::read_records(&paths)?;
    let engines = Engines::load(&config)?;
    let runtime = Runtime::build(config, 0, &engines).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tty = std::io::stderr().is_terminal();
    let report = tokio.block_on(promptgate::eval::evaluate_with(
        &runtime,
        policy,
        &records,
        options,
        |done, total| {
            if tty && (done % 50 == 0 || done == total) {
                let width = 40;
                let filled = done * width / total.max(1);
                eprint!(
                    "\r[{}{}] {done}/{total}",
                    "#".repeat(filled),
                    ".".repeat(width - filled)
                );
                let _ = std::io::stderr().flush();
                if done == total {
                    eprintln!();
                }
            }
        },
    ))?;
    if output.json {
        if report.l2_model.is_none() {
            // The rendered report says so in its header; JSON readers see `l2_model: null`.
            eprintln!("promptgate eval: L2 {}", promptgate::eval::L2_DID_NOT_RUN);
        }
        print_out(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    } else {
        print_out(&report.render());
        if output.show_pii_errors {
            print_out(&format!(
                "\nPII errors (missed / spurious):\n{}",
                report.render_pii_errors(&records)
            ));
        }
    }
    Ok(())
}

/// `promptgate bench`: the load generator against a runner it starts.
pub(crate) fn bench(args: &promptgate::loadgen::BenchArgs) -> ExitCode {
    match promptgate::loadgen::run(args) {
        Ok(report) if args.json => match serde_json::to_string_pretty(&report) {
            Ok(json) => {
                print_out(&format!("{json}\n"));
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("promptgate bench: {error}");
                ExitCode::from(2)
            }
        },
        Ok(report) => {
            print_out(&report.render());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("promptgate bench: {error}");
            ExitCode::from(2)
        }
    }
}
