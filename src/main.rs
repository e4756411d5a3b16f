//! The promptgate command line. Thin: parses flags, sets up logging, loads the
//! configuration and hands over to the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config.as_deref()),
        Command::CheckConfig { file } => check_config(&file),
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
