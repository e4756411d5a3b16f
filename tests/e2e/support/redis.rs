//! Real Redis servers for the cache tests: `redis-server` and
//! `redis-server --sentinel` processes on free loopback ports, each in its own
//! temporary directory, killed by the pid the test started (never by name).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer PING.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A free loopback TCP port (bound, read, released).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// Whether `redis-server` is installed (scripts/setup-system.sh installs it).
pub fn available() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Fails the test with a clear message when Redis is missing.
pub fn require() {
    assert!(
        available(),
        "redis-server is not installed: run scripts/setup-system.sh (apt-get install redis-server redis-sentinel)"
    );
}

/// One `redis-server` process (plain or sentinel).
pub struct RedisProcess {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its working directory (config, logs).
    pub dir: tempfile::TempDir,
}

impl RedisProcess {
    /// A standalone server (no persistence).
    pub fn server() -> RedisProcess {
        RedisProcess::start(&[], false)
    }

    /// A replica of the server on `master_port`.
    pub fn replica_of(master_port: u16) -> RedisProcess {
        RedisProcess::start(&[format!("replicaof 127.0.0.1 {master_port}")], false)
    }

    /// A sentinel monitoring `master_name` at `master_port` with quorum 1 and
    /// fast failure detection.
    pub fn sentinel(master_name: &str, master_port: u16) -> RedisProcess {
        RedisProcess::start(
            &[
                format!("sentinel monitor {master_name} 127.0.0.1 {master_port} 1"),
                format!("sentinel down-after-milliseconds {master_name} 400"),
                format!("sentinel failover-timeout {master_name} 2000"),
                format!("sentinel parallel-syncs {master_name} 1"),
            ],
            true,
        )
    }

    fn start(extra: &[String], sentinel: bool) -> RedisProcess {
        require();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut conf = format!(
            "port {port}\nbind 127.0.0.1\nprotected-mode no\nsave \"\"\nappendonly no\ndir {}\nlogfile {}\n",
            dir.path().display(),
            dir.path().join("redis.log").display()
        );
        for line in extra {
            conf.push_str(line);
            conf.push('\n');
        }
        let conf_path = dir.path().join("redis.conf");
        std::fs::write(&conf_path, conf).expect("write redis.conf");
        let mut cmd = Command::new("redis-server");
        cmd.arg(&conf_path);
        if sentinel {
            cmd.arg("--sentinel");
        }
        let child = cmd
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        let mut process = RedisProcess {
            child: Some(child),
            port,
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if process.ping() {
                return process;
            }
            if let Some(child) = process.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("redis-server exited ({status}): {}", process.log());
                }
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer: {}",
                process.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `redis://127.0.0.1:<port>/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// `127.0.0.1:<port>`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A synchronous client connection.
    pub fn client(&self) -> redis::Connection {
        let client = redis::Client::open(self.url()).expect("redis url");
        let conn = client
            .get_connection_with_timeout(Duration::from_secs(2))
            .expect("connect to redis");
        conn.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        conn
    }

    /// Whether it answers PING.
    pub fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
            return false;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_millis(200)) else {
            return false;
        };
        redis::cmd("PING")
            .query::<String>(&mut conn)
            .is_ok_and(|r| r == "PONG")
    }

    /// Every key and its value (KEYS * then GET), for privacy checks.
    pub fn dump(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut conn = self.client();
        let keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(&mut conn).expect("KEYS");
        keys.into_iter()
            .map(|k| {
                let v: Option<Vec<u8>> = redis::cmd("GET").arg(&k).query(&mut conn).expect("GET");
                (k, v.unwrap_or_default())
            })
            .collect()
    }

    /// Number of keys.
    pub fn key_count(&self) -> usize {
        let mut conn = self.client();
        redis::cmd("DBSIZE").query(&mut conn).expect("DBSIZE")
    }

    /// Kills the process by its pid (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The server's own log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("redis.log")).unwrap_or_default()
    }

    /// The config file path (sentinels rewrite it).
    pub fn conf_path(&self) -> PathBuf {
        self.dir.path().join("redis.conf")
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `check` every 20 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
