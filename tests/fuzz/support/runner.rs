//! An in-process runner on a real Unix socket in a temporary folder: the same
//! `server::run` the binary starts, on its own tokio runtime whose threads are
//! named, so a panic on any of them (which tokio would turn into a silently
//! dropped connection) is recorded and fails the case.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use promptgate::detect::cache::VerdictCache;
use promptgate::pipeline::Engines;
use promptgate::policy::load_config_str;
use promptgate::runtime::Runtime;
use promptgate::server::{self, ServeOptions, Shared};

/// Name prefix of every thread the runner's tokio runtime starts (workers and
/// blocking threads alike).
const THREAD_PREFIX: &str = "fuzz-runner";

/// Panics seen on runner threads since the last [`take_panics`].
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A runner serving on a socket until the test process exits.
pub struct InProcessRunner {
    socket: PathBuf,
    _dir: tempfile::TempDir,
    _tokio: tokio::runtime::Runtime,
}

impl InProcessRunner {
    /// Compiles `config` (TOML, as a config file) and starts serving it.
    pub fn start(config: &str) -> InProcessRunner {
        record_runner_panics();
        let config = load_config_str(
            config,
            "fuzz runner config",
            std::iter::empty::<(String, String)>(),
        )
        .unwrap_or_else(|e| panic!("fuzz runner config: {e}"));
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(THREAD_PREFIX)
            .enable_all()
            .build()
            .expect("runner tokio runtime");
        let cache = {
            let _guard = tokio.enter();
            VerdictCache::new(&promptgate::runtime::cache_options(&config.cache))
                .expect("in-process verdict cache")
        };
        let runtime = Runtime::build(config, 1, &Engines::none())
            .unwrap_or_else(|e| panic!("fuzz runner config does not compile: {e}"));
        let shared = Arc::new(Shared::with_cache(runtime, 3600, cache));
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("runner.sock");
        let listener = {
            let _guard = tokio.enter();
            tokio::net::UnixListener::bind(&socket).expect("bind runner socket")
        };
        let options = ServeOptions {
            max_connections: 64,
            grace: Duration::from_secs(1),
            // The default (`server.runtime = "per_core"`), on two runtimes.
            per_core_runtimes: 2,
        };
        tokio.spawn(server::run(
            listener,
            shared,
            std::future::pending::<()>(),
            options,
        ));
        InProcessRunner {
            socket,
            _dir: dir,
            _tokio: tokio,
        }
    }

    /// The socket APISIX would connect to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }
}

/// Installs (once) a panic hook that records panics on runner threads, then
/// calls the previous hook so the message and backtrace are still printed.
fn record_runner_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            if thread.name().is_some_and(|n| n.starts_with(THREAD_PREFIX)) {
                let backtrace = std::backtrace::Backtrace::force_capture();
                PANICS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("{info}\n{backtrace}"));
            }
            previous(info);
        }));
    });
}

/// Panics on runner threads since the last call (any runner in this process).
pub fn take_panics() -> Vec<String> {
    std::mem::take(&mut *PANICS.lock().unwrap_or_else(|e| e.into_inner()))
}
