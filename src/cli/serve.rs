//! `promptgate serve`: the runner itself, its signals, reloads and the
//! reversible-redaction key.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use promptgate::detect::cache::VerdictCache;
use promptgate::policy::{Config, RuntimeFlavor, install_hangup};
use promptgate::runtime::{Reloader, Runtime};
use promptgate::server::{self, ServeOptions, Shared};
use promptgate::telemetry;

use crate::{EXIT_CONFIG, load};

/// `promptgate serve` (the default): loads the configuration, sets up logging
/// and runs the runner until SIGTERM.
pub(crate) fn serve(config_path: Option<&Path>) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let _log = promptgate::telemetry::init_logging(
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
        per_core_runtimes: match config.server.runtime {
            RuntimeFlavor::PerCore => std::thread::available_parallelism().map_or(1, |n| n.get()),
            RuntimeFlavor::Shared => 0,
        },
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
    let runtime = Runtime::start(config)?;
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
