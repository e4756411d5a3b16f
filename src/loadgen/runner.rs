//! The runner under test: a child `promptgate serve` of this same executable
//! on a temporary socket with a generated configuration, and what `/proc`
//! says about its CPU time and peak memory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::error::LoadgenError;

/// How long a child runner may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Linux reports CPU times in `/proc/<pid>/stat` in USER_HZ ticks, 100 per
/// second on every mainstream architecture.
const TICKS_PER_SECOND: u64 = 100;

/// A baseline: which configuration the runner gets and which bodies it sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Every layer and the cache off: the runner answers continue without
    /// fetching the body. The protocol floor: one HTTPReqCall round trip.
    Noop,
    /// The default waterfall (L0, L1, L1.5) and every body unique (a nonce
    /// in the last user message), so L0 always misses.
    Miss,
    /// The default waterfall with the same bodies over and over: L0 hits
    /// after the warm-up (PII is still scanned on every request, by design).
    Hit,
}

impl Scenario {
    /// Parses `noop`, `miss` or `hit`.
    pub fn parse(name: &str) -> Result<Scenario, LoadgenError> {
        match name.trim() {
            "noop" => Ok(Scenario::Noop),
            "miss" => Ok(Scenario::Miss),
            "hit" => Ok(Scenario::Hit),
            other => Err(LoadgenError::Usage(format!(
                "unknown scenario {other:?}; expected noop, miss or hit"
            ))),
        }
    }

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Noop => "noop",
            Scenario::Miss => "miss",
            Scenario::Hit => "hit",
        }
    }

    /// Whether every request gets a fresh nonce.
    pub fn unique_bodies(self) -> bool {
        self == Scenario::Miss
    }

    /// The runner configuration: `base` (the file given to `bench --config`, else
    /// empty: the shipped defaults, metrics and audit on) with metrics on an
    /// ephemeral port, plus what the scenario switches off.
    pub fn config(self, base: &toml::Table) -> Result<String, LoadgenError> {
        let mut config = base.clone();
        set(&mut config, &["metrics", "listen"], "127.0.0.1:0".into());
        if self == Scenario::Noop {
            for path in [
                &["cache", "enabled"][..],
                &["policy", "l1", "enabled"],
                &["policy", "pii", "enabled"],
                &["policy", "l2", "enabled"],
            ] {
                set(&mut config, path, false.into());
            }
        }
        toml::to_string(&config)
            .map_err(|e| LoadgenError::Usage(format!("the runner configuration: {e}")))
    }
}

/// Sets `path` (tables, then a key) in `table`, creating the tables on the way and
/// replacing a value that stands where a table must be.
fn set(table: &mut toml::Table, path: &[&str], value: toml::Value) {
    let Some((key, tables)) = path.split_last() else {
        return;
    };
    let mut at = table;
    for name in tables {
        let entry = at
            .entry(name.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        let toml::Value::Table(inner) = entry else {
            return;
        };
        at = inner;
    }
    at.insert(key.to_string(), value);
}

/// A child runner, killed and cleaned up on drop.
#[derive(Debug)]
pub struct ChildRunner {
    child: Child,
    dir: PathBuf,
    /// The socket it listens on.
    pub socket: PathBuf,
}

impl ChildRunner {
    /// Starts `promptgate serve` (this executable) with `config`, stderr to
    /// `log` (or nowhere), and waits until its socket accepts connections.
    pub fn start(config: &str, log: Option<&Path>) -> Result<ChildRunner, LoadgenError> {
        static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("promptgate-bench-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(LoadgenError::io(format!("creating {}", dir.display())))?;
        let config_path = dir.join("promptgate.toml");
        std::fs::write(&config_path, config).map_err(LoadgenError::io(format!(
            "writing {}",
            config_path.display()
        )))?;
        let socket = dir.join("runner.sock");
        let exe = std::env::current_exe().map_err(LoadgenError::io("finding this executable"))?;
        let stderr = match log {
            Some(path) => Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(LoadgenError::io(format!("opening {}", path.display())))?,
            ),
            None => Stdio::null(),
        };
        let child = Command::new(exe)
            .arg("serve")
            .arg("--config")
            .arg(&config_path)
            .env(
                "APISIX_LISTEN_ADDRESS",
                format!("unix:{}", socket.display()),
            )
            .env_remove("APISIX_CONF_EXPIRE_TIME")
            .env_remove("PROMPTGATE_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(LoadgenError::io("starting the runner"))?;
        let mut runner = ChildRunner { child, dir, socket };
        runner.wait_ready()?;
        Ok(runner)
    }

    fn wait_ready(&mut self) -> Result<(), LoadgenError> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(LoadgenError::RunnerStart(format!(
                    "it exited with {status} (use --runner-log to see why)"
                )));
            }
            if std::os::unix::net::UnixStream::connect(&self.socket).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(LoadgenError::RunnerStart(format!(
            "no socket within {START_TIMEOUT:?}"
        )))
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ChildRunner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// User plus system CPU time of a process (all its threads) so far.
pub fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_cpu_ticks(&stat).map(ticks_to_duration)
}

/// `utime + stime` from a `/proc/<pid>/stat` line. The command name may hold
/// spaces and parentheses, so fields are counted from the last `)`.
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_ascii_whitespace().skip(11); // fields 14 and 15
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_micros(ticks * (1_000_000 / TICKS_PER_SECOND))
}

/// Peak resident memory (`VmHWM`) of a process, in bytes.
pub fn peak_rss(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_hwm(&status)
}

/// The `VmHWM:` line of `/proc/<pid>/status`, in bytes.
pub fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line["VmHWM:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_after_the_command_name() {
        let stat = "4242 (promptgate (x) y) S 1 4242 4242 0 -1 4194560 2150 0 0 0 \
                    731 129 0 0 20 0 3 0 123 1000 200 18446744073709551615";
        assert_eq!(parse_cpu_ticks(stat), Some(860));
        assert_eq!(ticks_to_duration(860), Duration::from_millis(8600));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn peak_rss_is_vm_hwm() {
        let status =
            "Name:\tpromptgate\nVmPeak:\t  900 kB\nVmHWM:\t   24576 kB\nVmRSS:\t 20000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(24576 * 1024));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }

    #[test]
    fn this_process_has_stats() {
        let me = std::process::id().to_string();
        assert!(cpu_time(&me).is_some());
        assert!(peak_rss(&me).is_some_and(|b| b > 0));
    }

    #[test]
    fn scenarios_parse_and_configure() {
        for name in ["noop", "miss", "hit"] {
            let s = Scenario::parse(name).expect("known");
            assert_eq!(s.as_str(), name);
            let text = s.config(&toml::Table::new()).expect("serializes");
            let config: crate::policy::Config = toml::from_str(&text).expect("a valid config");
            let off = s == Scenario::Noop;
            assert_eq!(config.policy.l1.enabled, !off);
            assert_eq!(config.policy.pii.enabled, !off);
            assert_eq!(config.cache.enabled, !off);
        }
        assert!(Scenario::parse("fast").is_err());
    }

    #[test]
    fn the_bench_config_reaches_the_runner_under_the_scenario() {
        // `bench --config` with L2 off, a shared runtime and its own metrics address.
        let base: toml::Table = toml::from_str(
            "[server]\nruntime = \"shared\"\n[metrics]\nlisten = \"0.0.0.0:9100\"\n\
             [policy.l2]\nenabled = false\n",
        )
        .expect("toml");
        let miss: crate::policy::Config =
            toml::from_str(&Scenario::Miss.config(&base).expect("serializes")).expect("valid");
        assert!(!miss.policy.l2.enabled, "the file's choice is kept");
        assert!(miss.policy.l1.enabled);
        assert_eq!(miss.server.runtime, crate::policy::RuntimeFlavor::Shared);
        let noop: crate::policy::Config =
            toml::from_str(&Scenario::Noop.config(&base).expect("serializes")).expect("valid");
        assert!(!noop.policy.l1.enabled && !noop.cache.enabled);
        // The metrics address is the bench's, so children never collide.
        let text = Scenario::Hit.config(&base).expect("serializes");
        assert!(
            text.contains("127.0.0.1:0") && !text.contains("9100"),
            "{text}"
        );
        // A value where a table must be is replaced, not an error.
        let odd: toml::Table = toml::from_str("metrics = 3\n").expect("toml");
        let text = Scenario::Noop.config(&odd).expect("serializes");
        let _: crate::policy::Config = toml::from_str(&text).expect("valid");
        assert!(Scenario::Miss.unique_bodies() && !Scenario::Hit.unique_bodies());
    }
}
