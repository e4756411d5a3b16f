//! The promptgate command line. Thin: parses flags, sets up logging, loads the
//! configuration and hands over to the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use promptgate::detect::cache::VerdictCache;
use promptgate::pipeline::Engines;
use promptgate::policy::{Config, install_hangup};
use promptgate::runtime::{Reloader, Runtime, read_config};
use promptgate::server::{self, ServeOptions, Shared};
use promptgate::telemetry;

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
        Command::Bench(args) => bench(&args),
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

fn load(path: Option<&Path>) -> Result<Config, ExitCode> {
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

/// What `scan` was asked to do.
struct ScanOptions {
    policy: String,
    api: Option<String>,
    show_redacted: bool,
    /// `Some(content type)`: the input is a model's answer.
    response: Option<Option<String>>,
}

fn scan(config_path: Option<&Path>, file: Option<&Path>, options: ScanOptions) -> ExitCode {
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
struct EvalOutput {
    /// JSON instead of tables.
    json: bool,
    /// The PII errors with their records' text after the tables.
    show_pii_errors: bool,
}

fn eval(
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

fn bench(args: &promptgate::loadgen::BenchArgs) -> ExitCode {
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
    promptgate::telemetry::init_logging(
        &config.log.level,
        config.log.format == promptgate::policy::LogFormat::Json,
    );
    match run_server(config, config_path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "promptgate cannot start");
            eprintln!("promptgate: {error:#}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

fn run_server(config: Config, config_path: Option<&Path>) -> anyhow::Result<()> {
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
    // Signal handlers first: a SIGHUP (systemd reload, a log rotator) or a
    // SIGTERM that arrives while the socket is bound and L2 loads must be
    // handled, not take the default action that kills the runner.
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("promptgate")
        .build()
        .context("starting the async runtime")?;
    let (hangup, stop) = {
        let _entered = tokio.enter();
        (install_hangup(), ShutdownSignals::install())
    };
    // Bind before the slow part (loading L2): APISIX's connections then wait
    // in the backlog instead of failing with "connection refused".
    let socket = server::bind(&path, mode)?;
    let metrics = config.metrics.clone();
    let cache_config = promptgate::runtime::cache_options(&config.cache);
    let pseudonym_key = pseudonym_key(&config)?;
    let mut reloader = Reloader::new(config_path.map(Path::to_path_buf));
    if !config.rules.dir.is_empty() {
        reloader = reloader.watch_path(PathBuf::from(&config.rules.dir));
    }
    let engines = Engines::load(&config)?;
    let runtime = Runtime::build(config, 1, &engines).map_err(|e| anyhow::anyhow!("{e}"))?;
    tokio.block_on(async move {
        let listener = tokio::net::UnixListener::from_std(socket.listener.try_clone()?)
            .context("registering the socket")?;
        if metrics.enabled {
            // The security path must not depend on the scrape port: log and carry on.
            match telemetry::serve_metrics(&metrics.listen, &metrics.path).await {
                Ok(address) => {
                    tracing::info!(%address, path = %metrics.path, "metrics endpoint up")
                }
                Err(error) => tracing::error!(%error, "metrics endpoint unavailable"),
            }
        }
        let cache = VerdictCache::new(&cache_config).unwrap_or_else(|error| {
            tracing::error!(%error, "redis cache tier disabled; using the in-process tier only");
            let mut memory_only = cache_config.clone();
            memory_only.redis.enabled = false;
            VerdictCache::new(&memory_only).unwrap_or_else(|_| VerdictCache::disabled())
        });
        let shared = Arc::new(Shared::with_stores(runtime, expire, cache, pseudonym_key));
        if shared.pseudonyms.is_shared() {
            tracing::info!("reversible redaction: mappings are also kept, sealed, in redis");
        }
        let reloads = reloader.spawn(shared.clone(), hangup);
        tracing::info!(socket = %path.display(), conf_expire_secs = expire, "promptgate listening");
        server::run(listener, shared, stop.wait(), options).await;
        reloads.abort();
        if socket.remove_if_ours() {
            tracing::info!("socket removed");
        }
        tracing::info!("promptgate stopped");
        Ok(())
    })
}

/// The key sealing reversible-redaction mappings in Redis, when the Redis
/// tier is on and `cache.redis.pseudonym_key_file` names one (checked with the
/// configuration already; read again here). Without it, mappings stay in the
/// process that saw the request, said once when a policy uses them.
fn pseudonym_key(config: &Config) -> anyhow::Result<Option<promptgate::pipeline::PseudonymKey>> {
    let redis = &config.cache.redis;
    if !config.cache.enabled && redis.enabled && !redis.pseudonym_key_file.is_empty() {
        tracing::warn!(
            "cache.enabled = false turns the Redis tier off, for reversible-redaction \
             mappings too: they stay in process"
        );
    }
    if !config.cache.enabled || !redis.enabled {
        return Ok(None);
    }
    if redis.pseudonym_key_file.is_empty() {
        let reversible =
            config.policy.pii.reversible || config.policies.values().any(|p| p.pii.reversible);
        if reversible {
            tracing::warn!(
                "cache.redis.pseudonym_key_file is not set: reversible-redaction mappings \
                 stay in process, so an answer reaching another runner keeps its placeholders"
            );
        }
        return Ok(None);
    }
    let key = promptgate::pipeline::PseudonymKey::load(&redis.pseudonym_key_file)?;
    Ok(Some(key))
}

/// SIGTERM (APISIX stopping or reloading) and SIGINT, installed at start so
/// that one arriving before the server runs is kept, not fatal.
struct ShutdownSignals {
    term: Option<tokio::signal::unix::Signal>,
    int: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignals {
    /// Installs both handlers; must run inside the tokio runtime.
    fn install() -> ShutdownSignals {
        use tokio::signal::unix::{SignalKind, signal};
        let (term, int) = (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        );
        if term.is_none() || int.is_none() {
            tracing::error!("cannot install signal handlers; only a kill will stop the runner");
        }
        ShutdownSignals { term, int }
    }

    /// Resolves on the first SIGTERM or SIGINT.
    async fn wait(self) {
        let (Some(mut term), Some(mut int)) = (self.term, self.int) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
            _ = int.recv() => tracing::info!("SIGINT: shutting down"),
        }
    }
}

/// `promptgate health`: a PrepareConf with no conf must get a token back.
fn health(config_path: Option<&Path>, check_metrics: bool, timeout: Duration) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let listen = std::env::var(server::LISTEN_ENV).unwrap_or_else(|_| config.server.listen.clone());
    let mut result = server::parse_listen_address(&listen)
        .map_err(anyhow::Error::from)
        .and_then(|path| probe_socket(&path, timeout));
    if result.is_ok() && check_metrics && config.metrics.enabled {
        result = probe_metrics(&config.metrics.listen, &config.metrics.path, timeout);
    }
    match result {
        Ok(()) => {
            println!("promptgate: healthy");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("promptgate: unhealthy: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn probe_socket(path: &Path, timeout: Duration) -> anyhow::Result<()> {
    use promptgate::protocol::peer::{Reply, decode_reply, encode_prepare_conf_req};
    use promptgate::protocol::{FlatBufferBuilder, HEADER_LEN, parse_header};
    use std::io::{Read, Write};
    let mut stream = std::os::unix::net::UnixStream::connect(path)
        .with_context(|| format!("connecting to {}", path.display()))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut fbb = FlatBufferBuilder::with_capacity(256);
    let mut frame = Vec::new();
    encode_prepare_conf_req(&mut fbb, &mut frame, None, Some(b"promptgate#health"))
        .map_err(|e| anyhow::anyhow!("encoding the probe: {e}"))?;
    stream.write_all(&frame).context("sending PrepareConf")?;
    let mut header = [0u8; HEADER_LEN];
    stream
        .read_exact(&mut header)
        .context("reading the reply header")?;
    let header = parse_header(&header);
    let mut payload = vec![0u8; header.len];
    stream
        .read_exact(&mut payload)
        .context("reading the reply")?;
    match decode_reply(header.ty, &payload) {
        Ok(Reply::PrepareConf(token)) if token != 0 => Ok(()),
        Ok(other) => anyhow::bail!("unexpected reply to PrepareConf: {other:?}"),
        Err(error) => anyhow::bail!("undecodable reply: {error}"),
    }
}

fn probe_metrics(listen: &str, path: &str, timeout: Duration) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let address: std::net::SocketAddr = listen.parse().context("metrics.listen")?;
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("connecting to the metrics endpoint {address}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes(),
    )?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .context("reading the metrics reply")?;
    anyhow::ensure!(
        head.starts_with(b"HTTP/1.1 200"),
        "metrics endpoint answered {:?}",
        String::from_utf8_lossy(&head)
    );
    Ok(())
}
