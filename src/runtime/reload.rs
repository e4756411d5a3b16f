//! Hot reload: SIGHUP or a change of the config file (or of any watched rule
//! file or directory) rebuilds the [`Runtime`] off the hot path and swaps it
//! in atomically. A configuration that does not load or compile is rejected
//! with a log line naming every error, and the last good one keeps serving.
//!
//! Requests in flight keep the `Arc<Runtime>` they loaded; new requests see the
//! new one. Conf tokens notice the bumped [`Runtime::generation`] and
//! re-resolve their route policy lazily. The L0 cache is not part of the
//! runtime: it survives reloads, and the changed policy fingerprint keeps a
//! stale verdict from ever being served.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::signal::unix::Signal;

use super::Runtime;
use super::check::read_config;
use crate::pipeline::Engines;
use crate::policy::{Config, ConfigError, ConfigErrors, DEFAULT_POLL, Watch};

/// What one reload attempt did.
#[derive(Debug)]
pub enum ReloadOutcome {
    /// The new configuration serves from now on.
    Applied {
        /// Its generation.
        generation: u64,
    },
    /// The new configuration was refused; the previous one keeps serving.
    Rejected(ConfigErrors),
}

/// Loads and compiles the configuration at `config_path` (with the process
/// environment) on a blocking thread, and swaps it into `target` when it is
/// good. Counts `promptgate_config_reloads_total{result}` and logs the outcome.
pub async fn reload_once(target: &ArcSwap<Runtime>, config_path: Option<&Path>) -> ReloadOutcome {
    let current = target.load_full();
    let generation = current.generation + 1;
    let path = config_path.map(Path::to_path_buf);
    // Heavy engines (the L2 model) are reused while the new configuration
    // wants the same ones, and loaded again when it turns L2 on or changes
    // `[classifier]`.
    let previous = Arc::clone(&current);
    let built = tokio::task::spawn_blocking(move || {
        let config = read_config(path.as_deref(), std::env::vars())?;
        let engines = engines_for(&previous.config, &config, previous.engines.clone())?;
        // Layers whose inputs did not change are kept, not compiled again.
        Runtime::rebuild(config, generation, &engines, Some(&previous))
    })
    .await
    .unwrap_or_else(|join| {
        Err(ConfigErrors(vec![ConfigError::Internal(format!(
            "reload task failed: {join}"
        ))]))
    });
    match built {
        Ok(runtime) => {
            for section in restart_only_changes(&current.config, &runtime.config) {
                tracing::warn!(
                    section,
                    "configuration section changed but only takes effect after a restart"
                );
            }
            target.store(Arc::new(runtime));
            release_when_unused(current);
            crate::telemetry::record_reload(true);
            tracing::info!(generation, "configuration reloaded");
            ReloadOutcome::Applied { generation }
        }
        Err(errors) => {
            crate::telemetry::record_reload(false);
            tracing::error!(
                errors = %errors,
                generation = current.generation,
                "new configuration rejected; the last good one keeps serving"
            );
            ReloadOutcome::Rejected(errors)
        }
    }
}

/// How often a replaced runtime is checked for in-flight requests.
const RELEASE_POLL: Duration = Duration::from_millis(100);

/// Waits until the requests still holding the replaced runtime `old` finish,
/// then returns the memory it used to the operating system. Without this,
/// glibc keeps the freed pages in the arena of whichever thread built or
/// scanned with it, and each reload under load raised the resident size
/// (about 90 MiB at rest to 280 MiB after 20 reloads).
fn release_when_unused(old: Arc<Runtime>) {
    let old = Arc::downgrade(&old);
    tokio::spawn(async move {
        while old.strong_count() > 0 {
            tokio::time::sleep(RELEASE_POLL).await;
        }
        let _ = tokio::task::spawn_blocking(return_free_memory).await;
    });
}

/// Hands the allocator's free pages back to the operating system: after a
/// replaced runtime is gone, and after the first build at start, whose
/// transient work (the rule automata's intermediate tries, the parsed packs)
/// would otherwise stay resident for the life of the process.
pub fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; it takes their locks
    // and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The engines `new` needs, given those `current` serves with under `old`:
/// the same when they fit, none when no policy wants L2 (its memory goes with
/// the last runtime that used it), and a fresh load when L2 is turned on,
/// was not loaded before, or `[classifier]` changed. A load that fails where
/// a policy requires L2 rejects the reload with the key that requires it; where
/// none does, the reload applies with L2 off and one warning, as at start.
fn engines_for(old: &Config, new: &Config, current: Engines) -> Result<Engines, ConfigErrors> {
    let policies = || {
        std::iter::once(("policy".to_owned(), &new.policy)).chain(
            new.policies
                .iter()
                .map(|(name, p)| (format!("policies.{name}"), p)),
        )
    };
    if !policies().any(|(_, p)| p.l2.enabled) {
        return Ok(Engines::none());
    }
    if current.classifier.is_some() && old.classifier == new.classifier {
        return Ok(current);
    }
    tracing::info!("configuration wants L2 with a model not loaded yet: loading it");
    Engines::load(new).map_err(|error| {
        let key = policies()
            .find(|(_, p)| p.l2.enabled && p.l2.required)
            .map_or_else(
                || "policy.l2.required".to_owned(),
                |(name, _)| format!("{name}.l2.required"),
            );
        ConfigErrors(vec![ConfigError::Invalid {
            origin: "reload".into(),
            key,
            problem: error.to_string(),
        }])
    })
}

/// Sections read once at start (socket, logging, metrics endpoint, cache).
fn restart_only_changes(old: &Config, new: &Config) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let server = |c: &Config| {
        (
            c.server.listen.clone(),
            c.server.socket_mode.clone(),
            c.server.max_connections,
            c.server.conf_expire_secs,
            c.server.max_conf_tokens,
            (
                c.server.scan_workers,
                c.server.scan_queue,
                c.server.inline_scan_max_bytes,
            ),
            c.server.shutdown_grace_ms,
            (
                c.server.max_streams,
                c.server.stream_idle_timeout_ms,
                c.server.max_buffered_answer_bytes,
                c.server.runtime,
            ),
        )
    };
    if server(old) != server(new) {
        changed.push("server");
    }
    if old.log != new.log {
        changed.push("log");
    }
    if old.metrics != new.metrics {
        changed.push("metrics");
    }
    if old.cache != new.cache {
        changed.push("cache");
    }
    changed
}

/// Watches for reload triggers and applies them; one per process.
#[derive(Debug, Clone)]
pub struct Reloader {
    config_path: Option<PathBuf>,
    watched: Vec<PathBuf>,
    poll: Duration,
}

impl Reloader {
    /// A reloader for the configuration at `config_path` (none: defaults and
    /// environment only, so only SIGHUP triggers).
    pub fn new(config_path: Option<PathBuf>) -> Reloader {
        let watched = config_path.iter().cloned().collect();
        Reloader {
            config_path,
            watched,
            poll: DEFAULT_POLL,
        }
    }

    /// Also reloads when this file, or any file under this directory, changes
    /// (rule files).
    pub fn watch_path(mut self, path: PathBuf) -> Reloader {
        self.watched.push(path);
        self
    }

    /// Checks the watched files this often.
    pub fn poll_every(mut self, poll: Duration) -> Reloader {
        self.poll = poll;
        self
    }

    /// Spawns the task that reloads into `target` on SIGHUP (from `hangup`,
    /// installed with [`crate::policy::install_hangup`] as early as possible) and on changes
    /// of the watched files. Must be called inside the tokio runtime; abort
    /// the handle to stop it.
    pub fn spawn<S>(self, target: Arc<S>, hangup: Option<Signal>) -> tokio::task::JoinHandle<()>
    where
        S: AsRef<ArcSwap<Runtime>> + Send + Sync + 'static,
    {
        tokio::spawn(async move {
            let mut watch = Watch::new(self.watched.clone(), self.poll, hangup);
            loop {
                watch.changed().await;
                reload_once((*target).as_ref(), self.config_path.as_deref()).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load_config;

    #[tokio::test]
    async fn a_broken_config_is_rejected_and_the_last_good_one_stays() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.toml");
        std::fs::write(&path, "[policy]\nmax_body_bytes = 100\n").expect("write");
        let config = load_config(Some(&path), Vec::new()).expect("valid");
        let target =
            ArcSwap::from_pointee(Runtime::build(config, 1, &Engines::none()).expect("compiles"));
        std::fs::write(&path, "[policy]\nmax_body_bytes = 200\n").expect("write");
        assert!(matches!(
            reload_once(&target, Some(&path)).await,
            ReloadOutcome::Applied { generation: 2 }
        ));
        assert_eq!(target.load().config.policy.max_body_bytes, 200);
        std::fs::write(&path, "[policy]\nmax_body_bytes = \"lots\"\n").expect("write");
        let ReloadOutcome::Rejected(errors) = reload_once(&target, Some(&path)).await else {
            panic!("a broken config must be rejected");
        };
        assert!(errors.to_string().contains("line 2"), "{errors}");
        assert_eq!(target.load().generation, 2);
        assert_eq!(target.load().config.policy.max_body_bytes, 200);
    }
}
