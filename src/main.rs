//! The promptgate command line. Thin: parses flags, sets up logging, loads the
//! configuration and hands over to the library. Each subcommand's body is in
//! `cli/`: `serve` (the runner), `health` (the probe), `offline` (scan, eval,
//! bench).

mod cli;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use promptgate::pipeline::Engines;
use promptgate::policy::Config;
use promptgate::runtime::{Runtime, read_config};

use cli::health::health;
use cli::offline::{EvalOutput, ScanOptions, bench, eval, scan};
use cli::serve::serve;

/// Exit code for an unusable configuration (sysexits EX_CONFIG).
pub(crate) const EXIT_CONFIG: u8 = 78;

#[derive(Parser)]
#[command(
    name = "promptgate",
    version,
    about = "APISIX ext-plugin runner guarding LLM traffic"
)]
struct Cli {
    /// Configuration file (TOML). Every key has a default, so none is needed.
    #[arg(long, global = true, env = "PROMPTGATE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve APISIX on the socket from APISIX_LISTEN_ADDRESS (the default command).
    Serve,
    /// Check a configuration file; print every problem with its position.
    CheckConfig {
        /// The file to check.
        file: PathBuf,
    },
    /// Measure the detectors on labelled JSON Lines corpora.
    Eval {
        /// Corpus files (schema: tests/corpus/README.md). None: attacks.jsonl,
        /// benign.jsonl and pii.jsonl of $PROMPTGATE_CORPUS_DIR, else of
        /// tests/corpus under the working directory.
        corpus: Vec<PathBuf>,
        /// The named policy to apply.
        #[arg(long, default_value = "default")]
        policy: String,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// How each text is sent: `serving` (an OpenAI chat body with a system
        /// message and the text as the user message, as APISIX hands it over;
        /// a block by any layer counts), `user` (the text alone as the user
        /// message; only injection blocks count), or `answer` / `answer-stream`
        /// (the text as a model's answer, whole or as SSE deltas, through the
        /// answer path; attack records are skipped).
        #[arg(long, default_value = "serving")]
        wrap: promptgate::eval::Wrap,
        /// Only one part of the fixed grouped split: `holdout` (the part whose
        /// numbers are quoted, never tuned on), `calibration`, or `all`.
        #[arg(long, default_value = "all")]
        part: String,
        /// Add a leave-one-out report: `lang` or `source` (the L2 threshold is
        /// recalibrated without each group before the group is measured).
        #[arg(long)]
        leave_out: Option<promptgate::eval::Dimension>,
        /// Benign false-positive target of that recalibration.
        #[arg(long, default_value_t = 0.005)]
        fp_target: f64,
        /// After the tables, print each PII value missed and each finding no
        /// annotation backs, with its record's text (for tuning on the files
        /// given; the only place eval prints corpus text).
        #[arg(long, conflicts_with = "json")]
        show_pii_errors: bool,
    },
    /// Scan a request body or plain text and print the decision as JSON.
    Scan {
        /// The input file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// The named policy to apply (`default` is `[policy]`).
        #[arg(long, default_value = "default")]
        policy: String,
        /// The API the body is for: auto, openai, anthropic, gemini.
        #[arg(long)]
        api: Option<String>,
        /// Print the rewritten body too when the decision is a redaction.
        #[arg(long)]
        show_redacted: bool,
        /// Read the input as a model's answer (the ext-plugin-post-resp path:
        /// the policy's [response] checks) rather than a request.
        #[arg(long)]
        response: bool,
        /// The answer's content type (`application/json`, `text/event-stream`,
        /// `text/plain`); sniffed from the input when not given.
        #[arg(long, requires = "response")]
        content_type: Option<String>,
    },
    /// Load the runner over its socket like APISIX workers do and report
    /// throughput and latency next to the protocol's floor.
    Bench(Box<promptgate::loadgen::BenchArgs>),
    /// Health check for containers and systemd: connects to the runner socket
    /// (APISIX_LISTEN_ADDRESS or server.listen), asks for a conf token, and
    /// exits 0 when one comes back, 1 otherwise with the reason on stderr.
    Health {
        /// Also require the metrics endpoint to answer (when metrics are enabled).
        #[arg(long)]
        metrics: bool,
        /// How long each check may take, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        timeout_ms: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config.as_deref()),
        Command::CheckConfig { file } => check_config(&file),
        Command::Eval {
            corpus,
            policy,
            json,
            wrap,
            part,
            leave_out,
            fp_target,
            show_pii_errors,
        } => {
            let part = match part.as_str() {
                "all" => None,
                "holdout" => Some(promptgate::eval::Part::Holdout),
                "calibration" => Some(promptgate::eval::Part::Calibration),
                other => {
                    eprintln!(
                        "promptgate eval: unknown part {other:?} (all, holdout, calibration)"
                    );
                    return ExitCode::from(2);
                }
            };
            let options = promptgate::eval::EvalOptions {
                wrap,
                part,
                leave_out,
                fp_target: Some(fp_target),
            };
            let output = EvalOutput {
                json,
                show_pii_errors,
            };
            eval(cli.config.as_deref(), &corpus, &policy, &options, output)
        }
        Command::Scan {
            file,
            policy,
            api,
            show_redacted,
            response,
            content_type,
        } => scan(
            cli.config.as_deref(),
            file.as_deref(),
            ScanOptions {
                policy,
                api,
                show_redacted,
                response: response.then_some(content_type),
            },
        ),
        Command::Bench(mut args) => {
            args.config = cli.config.clone();
            bench(&args)
        }
        Command::Health {
            metrics,
            timeout_ms,
        } => health(
            cli.config.as_deref(),
            metrics,
            Duration::from_millis(timeout_ms),
        ),
    }
}

/// The configuration at `path` (or the defaults) with the environment's
/// overrides; every error printed, and the exit code for an unusable one.
pub(crate) fn load(path: Option<&Path>) -> Result<Config, ExitCode> {
    read_config(path, std::env::vars()).map_err(|errors| {
        for error in &errors.0 {
            eprintln!("promptgate: config error: {error}");
        }
        ExitCode::from(EXIT_CONFIG)
    })
}

fn check_config(file: &Path) -> ExitCode {
    let config = match load(Some(file)) {
        Ok(config) => config,
        Err(code) => return code,
    };
    match Runtime::build(config, 0, &Engines::none()) {
        Ok(runtime) => {
            let mut names: Vec<&str> = runtime.policy_names().collect();
            names.sort_unstable();
            print_out(&format!(
                "{}: ok (policies: {})\n",
                file.display(),
                names.join(", ")
            ));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for error in &errors.0 {
                eprintln!("promptgate: config error: {error}");
            }
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

/// Writes to stdout; a closed pipe (`promptgate scan | head`) is not an error.
pub(crate) fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
