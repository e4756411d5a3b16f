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
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use tokio::signal::unix::Signal;

use super::compile::Runtime;
use super::config::Config;
use super::error::{ConfigError, ConfigErrors};
use super::load::load_config;
use crate::pipeline::Engines;

/// How often watched files are checked for changes.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// How long a change must hold still before it is loaded (editors write in steps).
const DEBOUNCE: Duration = Duration::from_millis(150);

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
        let config = load_config(path.as_deref(), std::env::vars())?;
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

/// Hands the allocator's free pages back to the operating system.
fn return_free_memory() {
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
    /// installed with [`install_hangup`] as early as possible) and on changes
    /// of the watched files. Must be called inside the tokio runtime; abort
    /// the handle to stop it.
    pub fn spawn<S>(self, target: Arc<S>, mut hangup: Option<Signal>) -> tokio::task::JoinHandle<()>
    where
        S: AsRef<ArcSwap<Runtime>> + Send + Sync + 'static,
    {
        tokio::spawn(async move {
            let mut stamp = stamp_of(&self.watched);
            let mut tick = tokio::time::interval(self.poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                let hup = async {
                    match hangup.as_mut() {
                        Some(s) => s.recv().await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    _ = hup => {
                        tracing::info!("SIGHUP: reloading configuration");
                        stamp = stamp_of(&self.watched);
                    }
                    _ = tick.tick() => {
                        if stamp_of(&self.watched) == stamp {
                            continue;
                        }
                        // Let a multi-step write settle before reading it.
                        tokio::time::sleep(DEBOUNCE).await;
                        stamp = stamp_of(&self.watched);
                        tracing::info!("watched configuration changed: reloading");
                    }
                }
                reload_once((*target).as_ref(), self.config_path.as_deref()).await;
            }
        })
    }
}

/// Installs the SIGHUP handler now, so that a SIGHUP from then on (a
/// `systemctl reload` or a log rotator right after start) is queued for the
/// reloader instead of taking the default action, which kills the process.
/// Call it before binding the socket and loading the engines. Must be called
/// inside the tokio runtime.
pub fn install_hangup() -> Option<Signal> {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(signal) => Some(signal),
        Err(error) => {
            tracing::error!(%error, "cannot install the SIGHUP handler; reload by file change only");
            None
        }
    }
}

/// One file's identity at a moment: path, inode, length, mtime.
type FileStamp = (PathBuf, u64, u64, Option<SystemTime>);

/// The state of every watched path (files directly, directories recursively,
/// bounded), so any edit, replacement or removal changes it.
fn stamp_of(paths: &[PathBuf]) -> Vec<FileStamp> {
    use std::os::unix::fs::MetadataExt;
    const MAX_FILES: usize = 10_000;
    let mut out = Vec::new();
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        if out.len() >= MAX_FILES {
            break;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    pending.extend(entries.flatten().map(|e| e.path()));
                }
                out.push((path, meta.ino(), 0, meta.modified().ok()));
            }
            Ok(meta) => out.push((path, meta.ino(), meta.len(), meta.modified().ok())),
            Err(_) => out.push((path, 0, 0, None)),
        }
    }
    out.sort();
    out
}

/// Checks of the operations sections (`[cache]`, `[cache.redis]`, budgets)
/// that types alone cannot express; called from the loader's validation.
pub(super) fn validate_ops(config: &Config, invalid: &mut impl FnMut(String, String)) {
    let cache = &config.cache;
    if cache.enabled && (cache.max_entries == 0 || cache.max_bytes == 0 || cache.ttl_secs == 0) {
        invalid(
            "cache".into(),
            "max_entries, max_bytes and ttl_secs must be positive (or set enabled = false)".into(),
        );
    }
    let redis = &cache.redis;
    if !redis.enabled {
        return;
    }
    if redis.timeout_ms == 0 {
        invalid("cache.redis.timeout_ms".into(), "must be positive".into());
    }
    if redis.ttl_secs == 0 {
        invalid("cache.redis.ttl_secs".into(), "must be positive".into());
    }
    if redis.breaker_failures == 0 {
        invalid(
            "cache.redis.breaker_failures".into(),
            "must be positive".into(),
        );
    }
    if let Err(error) = crate::detect::cache::VerdictCache::check_tls(redis) {
        invalid(error.key.into(), error.problem);
    }
    if redis.sentinels.is_empty() {
        if !(redis.url.starts_with("redis://") || redis.url.starts_with("rediss://")) {
            invalid(
                "cache.redis.url".into(),
                "must be a redis:// or rediss:// URL".into(),
            );
        }
    } else {
        if redis.master_name.is_empty() {
            invalid(
                "cache.redis.master_name".into(),
                "must name the Sentinel master when sentinels are set".into(),
            );
        }
        for address in &redis.sentinels {
            let ok = address
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !ok {
                invalid(
                    "cache.redis.sentinels".into(),
                    format!("{address:?} is not host:port"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::load_config_str;

    #[test]
    fn stamps_change_on_edit_replace_and_removal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x").expect("write");
        let rules = dir.path().join("rules");
        std::fs::create_dir(&rules).expect("mkdir");
        let watched = vec![file.clone(), rules.clone()];
        let first = stamp_of(&watched);
        assert_eq!(first, stamp_of(&watched));
        std::fs::write(&file, "xy").expect("write");
        let second = stamp_of(&watched);
        assert_ne!(first, second);
        std::fs::write(rules.join("r.toml"), "1").expect("write");
        let third = stamp_of(&watched);
        assert_ne!(second, third);
        std::fs::remove_file(&file).expect("rm");
        assert_ne!(third, stamp_of(&watched));
    }

    #[test]
    fn redis_settings_are_checked_only_when_enabled() {
        let bad = "[cache.redis]\nenabled = true\nurl = \"http://x\"\ntimeout_ms = 0\n";
        let text = load_config_str(bad, "t", Vec::new())
            .expect_err("must fail")
            .to_string();
        assert!(text.contains("cache.redis.url"), "{text}");
        assert!(text.contains("cache.redis.timeout_ms"), "{text}");
        let sentinel = "[cache.redis]\nenabled = true\nsentinels = [\"127.0.0.1\"]\n";
        let text = load_config_str(sentinel, "t", Vec::new())
            .expect_err("must fail")
            .to_string();
        assert!(text.contains("not host:port"), "{text}");
        load_config_str("[cache.redis]\nurl = \"nonsense\"\n", "t", Vec::new())
            .expect("disabled Redis is not checked");
    }

    #[test]
    fn cache_and_budget_keys_have_environment_overrides() {
        let env = [
            ("PROMPTGATE_CACHE_REDIS_ENABLED", "true"),
            (
                "PROMPTGATE_CACHE_REDIS_SENTINELS",
                "127.0.0.1:26379, 127.0.0.1:26380",
            ),
            ("PROMPTGATE_CACHE_MAX_ENTRIES", "10"),
            ("PROMPTGATE_POLICY_BUDGETS_L2_MS", "7"),
            ("PROMPTGATE_AUDIT_INCLUDE_ALLOWED", "false"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let config = load_config_str("", "t", env).expect("valid overrides");
        assert!(config.cache.redis.enabled);
        assert_eq!(config.cache.redis.sentinels.len(), 2);
        assert_eq!(config.cache.max_entries, 10);
        assert_eq!(config.policy.budgets.l2_ms, 7);
        assert!(!config.audit.include_allowed);
    }

    #[test]
    fn tls_keys_have_environment_overrides_and_bad_files_are_config_errors() {
        let env = [
            ("PROMPTGATE_CACHE_REDIS_ENABLED", "true"),
            ("PROMPTGATE_CACHE_REDIS_TLS", "true"),
            ("PROMPTGATE_CACHE_REDIS_TLS_INSECURE", "true"),
            ("PROMPTGATE_CACHE_REDIS_TLS_CA_FILE", "/nonexistent/ca.pem"),
            ("PROMPTGATE_CACHE_REDIS_TLS_CERT_FILE", "/nonexistent/c.pem"),
            ("PROMPTGATE_CACHE_REDIS_TLS_KEY_FILE", "/nonexistent/c.key"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let text = load_config_str("", "t", env)
            .expect_err("the files do not exist")
            .to_string();
        assert!(
            text.contains("cache.redis.tls_ca_file: cannot read /nonexistent/ca.pem"),
            "{text}"
        );
        let env = [
            ("PROMPTGATE_CACHE_REDIS_ENABLED", "true"),
            ("PROMPTGATE_CACHE_REDIS_TLS", "true"),
            ("PROMPTGATE_CACHE_REDIS_TLS_INSECURE", "true"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let config = load_config_str("", "t", env).expect("TLS without files is valid");
        assert!(config.cache.redis.tls && config.cache.redis.tls_insecure);
        // Disabled Redis is not checked, files or not.
        load_config_str(
            "[cache.redis]\ntls_ca_file = \"/nonexistent\"\n",
            "t",
            Vec::new(),
        )
        .expect("disabled Redis is not checked");
    }

    #[test]
    fn phone_regions_are_checked_overridable_and_part_of_the_fingerprint() {
        let text = load_config_str("[pii]\nphone_regions = [\"DE\", \"XX\"]\n", "t", Vec::new())
            .expect_err("XX is no region")
            .to_string();
        assert!(
            text.contains("pii.phone_regions") && text.contains("\"XX\""),
            "{text}"
        );
        let env =
            [("PROMPTGATE_PII_PHONE_REGIONS", "pl, de")].map(|(k, v)| (k.to_owned(), v.to_owned()));
        let config = load_config_str("", "t", env).expect("valid override");
        assert_eq!(config.pii.phone_regions, ["pl", "de"]);
        assert_ne!(
            default_route_fingerprint(""),
            default_route_fingerprint("[pii]\nphone_regions = [\"PL\"]\n")
        );
        assert_ne!(
            default_route_fingerprint(""),
            default_route_fingerprint("[pii]\nphone_strict = true\n")
        );
    }

    /// The fingerprint of the default route's policy under the config `src`.
    fn default_route_fingerprint(src: &str) -> [u8; 32] {
        let config = load_config_str(src, "t", Vec::new()).expect("valid");
        let runtime =
            Runtime::build(config, 1, &crate::pipeline::Engines::none()).expect("compiles");
        runtime
            .resolve(&crate::policy::RouteConf::default())
            .expect("default")
            .fingerprint
    }

    #[test]
    fn budgets_do_not_change_the_fingerprint() {
        assert_eq!(
            default_route_fingerprint(""),
            default_route_fingerprint("[policy.budgets]\nl1_ms = 0\n")
        );
        assert_ne!(
            default_route_fingerprint(""),
            default_route_fingerprint("[policy]\nmax_body_bytes = 7\n")
        );
    }

    #[tokio::test]
    async fn a_broken_config_is_rejected_and_the_last_good_one_stays() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.toml");
        std::fs::write(&path, "[policy]\nmax_body_bytes = 100\n").expect("write");
        let config = load_config(Some(&path), Vec::new()).expect("valid");
        let target = ArcSwap::from_pointee(
            Runtime::build(config, 1, &crate::pipeline::Engines::none()).expect("compiles"),
        );
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
