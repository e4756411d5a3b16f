//! Real Redis servers for the cache tests: `redis-server` and
//! `redis-server --sentinel` processes on free loopback ports, each in its own
//! temporary directory, killed by the pid the test started (never by name).
//! With [`TlsFiles`] they listen with TLS only, on certificates made for the test.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer PING.
const START_TIMEOUT: Duration = Duration::from_secs(60);

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

/// A test PKI in a temporary directory, as PEM files: `ca.pem` (a CA),
/// `server.pem`/`server.key` (signed by it, for 127.0.0.1 and localhost),
/// `client.pem`/`client.key` (signed by it) and `other-ca.pem` (a CA that
/// signed nothing here).
pub struct TlsFiles {
    dir: tempfile::TempDir,
}

impl TlsFiles {
    /// Generates every file (ECDSA P-256 keys).
    pub fn generate() -> TlsFiles {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, text: String| {
            std::fs::write(dir.path().join(name), text).expect("write PEM");
        };
        let ca = |name: &str| {
            let key = KeyPair::generate().expect("CA key");
            let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params
                .distinguished_name
                .push(DnType::CommonName, format!("promptgate test {name}"));
            let cert = params.self_signed(&key).expect("CA certificate");
            (cert, Issuer::new(params, key))
        };
        let (ca_cert, issuer) = ca("CA");
        let (other_cert, _) = ca("other CA");
        write("ca.pem", ca_cert.pem());
        write("other-ca.pem", other_cert.pem());
        for (name, sans) in [
            (
                "server",
                vec!["127.0.0.1".to_owned(), "localhost".to_owned()],
            ),
            ("client", vec!["promptgate-client".to_owned()]),
        ] {
            let key = KeyPair::generate().expect("leaf key");
            let mut params = CertificateParams::new(sans).expect("leaf params");
            params.distinguished_name.push(DnType::CommonName, name);
            let cert = params.signed_by(&key, &issuer).expect("leaf certificate");
            write(&format!("{name}.pem"), cert.pem());
            write(&format!("{name}.key"), key.serialize_pem());
        }
        TlsFiles { dir }
    }

    /// The path of one of the files.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `path` as a TOML string value.
    pub fn toml_path(&self, name: &str) -> String {
        format!("{:?}", self.path(name).display().to_string())
    }

    fn server_conf(&self, port: u16, auth_clients: &str) -> Vec<String> {
        vec![
            "port 0".to_owned(),
            format!("tls-port {port}"),
            format!("tls-cert-file {}", self.path("server.pem").display()),
            format!("tls-key-file {}", self.path("server.key").display()),
            format!("tls-ca-cert-file {}", self.path("ca.pem").display()),
            format!("tls-auth-clients {auth_clients}"),
            "tls-replication yes".to_owned(),
        ]
    }

    /// What the test's own client presents: the CA and the client identity.
    fn client(&self) -> redis::TlsCertificates {
        let read = |name: &str| std::fs::read(self.path(name)).expect("read PEM");
        redis::TlsCertificates {
            client_tls: Some(redis::ClientTlsConfig {
                client_cert: read("client.pem"),
                client_key: read("client.key"),
            }),
            root_cert: Some(read("ca.pem")),
        }
    }
}

/// Whether clients must present a certificate (`tls-auth-clients`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// A certificate is checked when sent, not required.
    Optional,
    /// No connection without a certificate signed by the CA.
    Required,
}

impl ClientAuth {
    fn as_conf(self) -> &'static str {
        match self {
            ClientAuth::Optional => "optional",
            ClientAuth::Required => "yes",
        }
    }
}

/// One `redis-server` process (plain or sentinel).
pub struct RedisProcess {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its working directory (config, logs).
    pub dir: tempfile::TempDir,
    /// The test client's TLS material when the server listens with TLS only.
    tls: Option<redis::TlsCertificates>,
}

impl RedisProcess {
    /// A standalone server (no persistence).
    pub fn server() -> RedisProcess {
        RedisProcess::start(&[], false, None)
    }

    /// A standalone server listening with TLS only, on `files`' server certificate.
    pub fn server_tls(files: &TlsFiles, auth: ClientAuth) -> RedisProcess {
        RedisProcess::start(&[], false, Some((files, auth)))
    }

    /// A replica of the server on `master_port`.
    pub fn replica_of(master_port: u16) -> RedisProcess {
        RedisProcess::start(&[format!("replicaof 127.0.0.1 {master_port}")], false, None)
    }

    /// A TLS-only replica of the TLS-only server on `master_port`.
    pub fn replica_of_tls(master_port: u16, files: &TlsFiles, auth: ClientAuth) -> RedisProcess {
        RedisProcess::start(
            &[format!("replicaof 127.0.0.1 {master_port}")],
            false,
            Some((files, auth)),
        )
    }

    /// A sentinel monitoring `master_name` at `master_port` with quorum 1 and
    /// fast failure detection.
    pub fn sentinel(master_name: &str, master_port: u16) -> RedisProcess {
        RedisProcess::start(&sentinel_conf(master_name, master_port), true, None)
    }

    /// A TLS-only sentinel that also reaches the servers with TLS.
    pub fn sentinel_tls(
        master_name: &str,
        master_port: u16,
        files: &TlsFiles,
        auth: ClientAuth,
    ) -> RedisProcess {
        RedisProcess::start(
            &sentinel_conf(master_name, master_port),
            true,
            Some((files, auth)),
        )
    }

    fn start(
        extra: &[String],
        sentinel: bool,
        tls: Option<(&TlsFiles, ClientAuth)>,
    ) -> RedisProcess {
        require();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let listen = match tls {
            None => vec![format!("port {port}")],
            Some((files, auth)) => files.server_conf(port, auth.as_conf()),
        };
        let mut conf = format!(
            "{}\nbind 127.0.0.1\nprotected-mode no\nsave \"\"\nappendonly no\ndir {}\nlogfile {}\n",
            listen.join("\n"),
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
            tls: tls.map(|(files, _)| files.client()),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if process.ping() {
                return process;
            }
            if let Some(child) = process.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("redis-server exited ({status}): {}", process.log());
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer: {}",
                process.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `redis://127.0.0.1:<port>/0` (`rediss://` for a TLS server).
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        };
        format!("{scheme}://127.0.0.1:{}/0", self.port)
    }

    /// A client for this server (with the CA and client certificate for TLS).
    fn open(&self) -> redis::RedisResult<redis::Client> {
        match &self.tls {
            None => redis::Client::open(self.url()),
            Some(certs) => redis::Client::build_with_tls(self.url(), certs.clone()),
        }
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
        let client = self.open().expect("redis url");
        let conn = client
            .get_connection_with_timeout(Duration::from_secs(2))
            .expect("connect to redis");
        conn.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        conn
    }

    /// Whether it answers PING.
    pub fn ping(&self) -> bool {
        let Ok(client) = self.open() else {
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

fn sentinel_conf(master_name: &str, master_port: u16) -> Vec<String> {
    vec![
        format!("sentinel monitor {master_name} 127.0.0.1 {master_port} 1"),
        format!("sentinel down-after-milliseconds {master_name} 400"),
        format!("sentinel failover-timeout {master_name} 2000"),
        format!("sentinel parallel-syncs {master_name} 1"),
    ]
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `check` every 20 ms until it holds or three times `timeout` passes:
/// the slack covers a machine busy with other builds (a wait that ends when
/// the condition holds costs nothing more when things work).
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout * 3;
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
