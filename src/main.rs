//! The promptgate command line. Thin: parses flags, sets up logging, loads the
//! configuration and hands over to the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use promptgate::detect::cache::VerdictCache;
use promptgate::policy::{Config, Reloader, Runtime, load_config};
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
    match Runtime::build(config, 0) {
        Ok(runtime) => {
            let mut names: Vec<&str> = runtime.policy_names().collect();
            names.sort_unstable();
            println!("{}: ok (policies: {})", file.display(), names.join(", "));
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

fn serve(config_path: Option<&Path>) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    promptgate::telemetry::init_logging(&config.log);
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
    let metrics = config.metrics.clone();
    let cache_config = config.cache.clone();
    let reloader = Reloader::new(config_path.map(Path::to_path_buf));
    let runtime = Runtime::build(config, 1).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("promptgate")
        .build()
        .context("starting the async runtime")?;
    tokio.block_on(async move {
        let socket = server::bind(&path, mode)?;
        let listener = tokio::net::UnixListener::from_std(socket.listener.try_clone()?)
            .context("registering the socket")?;
        if metrics.enabled {
            // The security path must not depend on the scrape port: log and carry on.
            match telemetry::serve_metrics(&metrics).await {
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
        let shared = Arc::new(Shared::with_cache(runtime, expire, cache));
        let reloads = reloader.spawn(shared.clone());
        tracing::info!(socket = %path.display(), conf_expire_secs = expire, "promptgate listening");
        server::run(listener, shared, shutdown_signal(), options).await;
        reloads.abort();
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
