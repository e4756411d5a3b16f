//! [`Runner`]: the real `promptgate serve` process on a temporary socket,
//! started with a clean environment ([`base_command`]), waited for until it
//! listens, and killed when the test drops it.

use std::fs::File;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::Apisix;

/// How long a runner may take to create its socket.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Path of the binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_promptgate"))
}

/// A running `promptgate serve` process.
pub struct Runner {
    child: Child,
    /// The socket path it listens on.
    pub socket: PathBuf,
    /// Its temporary directory (socket, config, logs).
    pub dir: tempfile::TempDir,
    log: PathBuf,
}

/// Options for starting a runner.
#[derive(Default)]
pub struct RunnerOptions {
    /// Contents of the config file (none when empty).
    pub config: String,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Use this socket path instead of one in the temp dir.
    pub socket: Option<PathBuf>,
}

impl Runner {
    /// Starts a runner with `config` as its config file (empty: no file).
    pub fn start(config: &str) -> Runner {
        Runner::start_with(RunnerOptions {
            config: config.to_owned(),
            ..RunnerOptions::default()
        })
    }

    /// Starts a runner with full options and waits until its socket accepts.
    pub fn start_with(options: RunnerOptions) -> Runner {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = options
            .socket
            .clone()
            .unwrap_or_else(|| dir.path().join("runner.sock"));
        let log = dir.path().join("runner.log");
        let mut cmd = base_command(dir.path());
        cmd.arg("serve").env(
            "APISIX_LISTEN_ADDRESS",
            format!("unix:{}", socket.display()),
        );
        if !options.config.is_empty() {
            let path = dir.path().join("promptgate.toml");
            std::fs::write(&path, &options.config).expect("write config");
            cmd.arg("--config").arg(path);
        }
        for (k, v) in &options.env {
            cmd.env(k, v);
        }
        cmd.stderr(Stdio::from(File::create(&log).expect("log file")));
        let child = cmd.spawn().expect("spawn promptgate");
        let mut runner = Runner {
            child,
            socket,
            dir,
            log,
        };
        runner.wait_ready();
        runner
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("runner exited early ({status}): {}", self.logs());
            }
            // The log line first: with a shared path, a connect alone could
            // reach an older runner still bound there.
            if self.logs().contains("promptgate listening")
                && UnixStream::connect(&self.socket).is_ok()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "runner did not listen within {START_TIMEOUT:?}: {}",
            self.logs()
        );
    }

    /// A new APISIX connection.
    pub fn connect(&self) -> Apisix {
        Apisix::connect(&self.socket)
    }

    /// The runner's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (`TERM`, `HUP`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything the runner logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with a clean environment for tests: no inherited
/// `PROMPTGATE_*` settings, metrics off (parallel runners would fight over
/// the port), JSON logs, and the L2 model and ONNX Runtime library of this
/// checkout named explicitly (the runner's working directory is a temporary
/// folder, and the binary may be built outside the checkout).
pub fn base_command(dir: &Path) -> Command {
    let mut cmd = Command::new(binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("PROMPTGATE_") || key.starts_with("APISIX_") {
            cmd.env_remove(key);
        }
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    cmd.env(
        "PROMPTGATE_CLASSIFIER_MODEL_DIR",
        checkout.join("models/minilm-static-v1"),
    );
    if std::env::var_os("ORT_DYLIB_PATH").is_none()
        && let Ok(path) = std::fs::read_to_string(checkout.join(".runtime/onnxruntime/path"))
    {
        cmd.env("ORT_DYLIB_PATH", path.trim());
    }
    cmd.current_dir(dir)
        .env("PROMPTGATE_METRICS_ENABLED", "false")
        .env("PROMPTGATE_LOG_LEVEL", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}
