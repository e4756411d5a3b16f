//! The promptgate command line. Thin: parses flags, sets up logging, loads the
//! configuration and hands over to the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use promptgate::pipeline::Engines;
use promptgate::policy::{Config, Runtime, load_config};
use promptgate::server::{self, ServeOptions, Shared};

/// Exit code for an unusable configuration (sysexits EX_CONFIG).
const EXIT_CONFIG: u8 = 78;

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
        /// Corpus files (schema: ../shared/corpus/README.md).
        #[arg(required = true)]
        corpus: Vec<PathBuf>,
        /// The named policy to apply.
        #[arg(long, default_value = "default")]
        policy: String,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
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
        } => eval(cli.config.as_deref(), &corpus, &policy, json),
        Command::Scan {
            file,
            policy,
            api,
            show_redacted,
        } => scan(
            cli.config.as_deref(),
            file.as_deref(),
            policy,
            api,
            show_redacted,
        ),
    }
}

fn load(path: Option<&Path>) -> Result<Config, ExitCode> {
    load_config(path, std::env::vars()).map_err(|errors| {
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
            print_out(&format!("{}: ok (policies: {})\n", file.display(), names.join(", ")));
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

fn scan(
    config_path: Option<&Path>,
    file: Option<&Path>,
    policy: String,
    api: Option<String>,
    show_redacted: bool,
) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    match run_scan(config, file, policy, api, show_redacted) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("promptgate scan: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Exit codes of `scan`: 0 allowed, 1 blocked, 3 redacted.
fn run_scan(
    config: Config,
    file: Option<&Path>,
    policy: String,
    api: Option<String>,
    show_redacted: bool,
) -> anyhow::Result<ExitCode> {
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
        policy: Some(policy),
        api,
        ..Default::default()
    };
    let route = runtime.resolve(&route)?;
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let request = promptgate::pipeline::ScanRequest {
        body: Some(&input),
        content_encoding: None,
    };
    let decision = tokio.block_on(runtime.pipeline.decide(&route, request));
    let mut report = decision.report();
    if let (true, promptgate::pipeline::Verdict::Redact(redaction)) =
        (show_redacted, &decision.verdict)
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

fn eval(config_path: Option<&Path>, corpus: &[PathBuf], policy: &str, json: bool) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    match run_eval(config, corpus, policy, json) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("promptgate eval: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run_eval(config: Config, corpus: &[PathBuf], policy: &str, json: bool) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let paths: Vec<&Path> = corpus.iter().map(PathBuf::as_path).collect();
    let records = promptgate::eval::read_records(&paths)?;
    let engines = Engines::load(&config)?;
    let runtime = Runtime::build(config, 0, &engines).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tty = std::io::stderr().is_terminal();
    let report = tokio.block_on(promptgate::eval::evaluate(
        &runtime,
        policy,
        &records,
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
    if json {
        print_out(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    } else {
        print_out(&report.render());
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`promptgate scan | head`) is not an error.
fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn serve(config_path: Option<&Path>) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    promptgate::telemetry::init_logging(&config.log);
    match run_server(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "promptgate cannot start");
            eprintln!("promptgate: {error:#}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

fn run_server(config: Config) -> anyhow::Result<()> {
    let listen = std::env::var(server::LISTEN_ENV).unwrap_or_else(|_| config.server.listen.clone());
    let path = server::parse_listen_address(&listen)?;
    let expire = server::parse_expire_time(
        std::env::var(server::CONF_EXPIRE_ENV).ok().as_deref(),
        config.server.conf_expire_secs,
    )?;
    let mode = u32::from_str_radix(config.server.socket_mode.trim_start_matches("0o"), 8)
        .context("server.socket_mode")?;
    let options = ServeOptions {
        max_connections: config.server.max_connections,
        grace: Duration::from_millis(config.server.shutdown_grace_ms),
    };
    // Bind before the slow part (loading L2): APISIX's connections then wait
    // in the backlog instead of failing with "connection refused".
    let socket = server::bind(&path, mode)?;
    let engines = Engines::load(&config)?;
    let runtime = Runtime::build(config, 1, &engines).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("promptgate")
        .build()
        .context("starting the async runtime")?;
    tokio.block_on(async move {
        let listener = tokio::net::UnixListener::from_std(socket.listener.try_clone()?)
            .context("registering the socket")?;
        tracing::info!(socket = %path.display(), conf_expire_secs = expire, "promptgate listening");
        let shared = Arc::new(Shared::new(runtime, expire));
        server::run(listener, shared, shutdown_signal(), options).await;
        if socket.remove_if_ours() {
            tracing::info!("socket removed");
        }
        tracing::info!("promptgate stopped");
        Ok(())
    })
}

/// Resolves on SIGTERM (APISIX stopping or reloading) or SIGINT.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot install signal handlers; only a kill will stop the runner");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
        _ = int.recv() => tracing::info!("SIGINT: shutting down"),
    }
}
