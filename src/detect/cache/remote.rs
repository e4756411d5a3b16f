//! The Redis tier: standalone or through Sentinel, every operation under a
//! timeout, behind a circuit breaker. Connecting happens in the background;
//! a request never waits for it and never fails because of Redis.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use redis::aio::MultiplexedConnection;
use redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use redis::{AsyncCommands, ConnectionAddr, RedisConnectionInfo, TlsMode};

use super::RedisOptions;
use super::tls::RedisTls;
use super::{CacheError, CacheKey, CachedVerdict, codec};
use crate::telemetry;

/// Longest a background connect may take (Sentinel lookup and server handshake).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

enum Source {
    Standalone(redis::Client),
    Sentinel(tokio::sync::Mutex<SentinelClient>),
}

/// The Redis tier.
pub(super) struct Remote {
    source: Source,
    conn: ArcSwapOption<MultiplexedConnection>,
    connecting: AtomicBool,
    breaker: Breaker,
    timeout: Duration,
    ttl_secs: u64,
    prefix: String,
    /// Where the servers are, for logs (no password).
    describe: String,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("servers", &self.describe)
            .finish()
    }
}

impl Remote {
    pub(super) fn new(config: &RedisOptions) -> Result<Remote, CacheError> {
        let tls = RedisTls::load(config)?;
        let credentials = RedisConnectionInfo {
            db: config.db,
            username: (!config.username.is_empty()).then(|| config.username.clone()),
            password: (!config.password.is_empty()).then(|| config.password.clone()),
            ..RedisConnectionInfo::default()
        };
        let (source, describe) = if config.sentinels.is_empty() {
            let mut info: redis::ConnectionInfo = config
                .url
                .as_str()
                .parse()
                .map_err(|e: redis::RedisError| CacheError::Url(e.to_string()))?;
            if credentials.username.is_some() {
                info.redis.username = credentials.username.clone();
            }
            if credentials.password.is_some() {
                info.redis.password = credentials.password.clone();
            }
            let describe = info.addr.to_string();
            let client = match tls {
                None => redis::Client::open(info),
                Some(tls) => {
                    info.addr = tls_addr(info.addr, tls.insecure)?;
                    redis::Client::build_with_tls(info, tls.certificates)
                }
            }
            .map_err(|e| CacheError::Url(e.to_string()))?;
            (Source::Standalone(client), describe)
        } else {
            let mut nodes = Vec::with_capacity(config.sentinels.len());
            for address in &config.sentinels {
                let (host, port) = address
                    .rsplit_once(':')
                    .and_then(|(h, p)| Some((h, p.parse::<u16>().ok()?)))
                    .ok_or_else(|| {
                        CacheError::Url(format!("sentinel {address:?} is not host:port"))
                    })?;
                let host = host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned();
                nodes.push(match &tls {
                    None => ConnectionAddr::Tcp(host, port),
                    Some(_) => ConnectionAddr::TcpTls {
                        host,
                        port,
                        insecure: false,
                        tls_params: None,
                    },
                });
            }
            let mut builder = SentinelClientBuilder::new(
                nodes,
                config.master_name.clone(),
                SentinelServerType::Master,
            )
            .map_err(|e| CacheError::Url(e.to_string()))?
            .set_client_to_redis_db(config.db);
            if let Some(username) = &credentials.username {
                builder = builder.set_client_to_redis_username(username.clone());
            }
            if let Some(password) = &credentials.password {
                builder = builder.set_client_to_redis_password(password.clone());
            }
            if let Some(tls) = &tls {
                let mode = if tls.insecure {
                    TlsMode::Insecure
                } else {
                    TlsMode::Secure
                };
                builder = builder
                    .set_client_to_sentinel_tls_mode(mode)
                    .set_client_to_redis_tls_mode(mode)
                    .set_client_to_sentinel_certificates(tls.certificates.clone())
                    .set_client_to_redis_certificates(tls.certificates.clone());
            }
            let client = builder
                .build()
                .map_err(|e| CacheError::Url(e.to_string()))?;
            let describe = format!(
                "sentinel master {:?} via {}",
                config.master_name,
                config.sentinels.join(",")
            );
            (Source::Sentinel(tokio::sync::Mutex::new(client)), describe)
        };
        Ok(Remote {
            source,
            conn: ArcSwapOption::empty(),
            connecting: AtomicBool::new(false),
            breaker: Breaker::new(
                config.breaker_failures,
                Duration::from_millis(config.breaker_cooldown_ms),
            ),
            timeout: Duration::from_millis(config.timeout_ms),
            ttl_secs: config.ttl_secs,
            prefix: config.key_prefix.clone(),
            describe,
        })
    }

    fn redis_key(&self, key: &CacheKey) -> String {
        format!("{}{}", self.prefix, hex::encode(key.0))
    }

    /// The current connection, or `None` (and a background connect started)
    /// when there is none or the breaker keeps Redis out.
    fn connection(self: &Arc<Self>) -> Option<MultiplexedConnection> {
        if !self.breaker.allow() {
            return None;
        }
        if let Some(conn) = self.conn.load_full() {
            return Some((*conn).clone());
        }
        self.start_connect();
        None
    }

    /// Starts connecting in the background unless a connect is running or
    /// there is no tokio runtime to run it on.
    pub(super) fn start_connect(self: &Arc<Self>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.connecting.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        runtime.spawn(async move {
            let result = tokio::time::timeout(CONNECT_TIMEOUT, this.connect()).await;
            match result {
                Ok(Ok(conn)) => {
                    this.conn.store(Some(Arc::new(conn)));
                    this.breaker.success(&this.describe);
                }
                Ok(Err(error)) => {
                    tracing::debug!(%error, servers = %this.describe, "redis connect failed");
                    this.breaker.failure("redis_connect", &this.describe);
                }
                Err(_) => this.breaker.failure("redis_connect", &this.describe),
            }
            this.connecting.store(false, Ordering::Release);
        });
    }

    async fn connect(&self) -> redis::RedisResult<MultiplexedConnection> {
        match &self.source {
            Source::Standalone(client) => client.get_multiplexed_async_connection().await,
            Source::Sentinel(client) => client.lock().await.get_async_connection().await,
        }
    }

    /// A failed operation: counts it, and drops the connection so the next
    /// use reconnects (through Sentinel: to whatever is master now).
    fn failed(&self, kind: &'static str) {
        self.conn.store(None);
        self.breaker.failure(kind, &self.describe);
    }

    pub(super) async fn get(self: &Arc<Self>, key: &CacheKey) -> Option<CachedVerdict> {
        let mut conn = self.connection()?;
        let redis_key = self.redis_key(key);
        let reply: Result<redis::RedisResult<Option<Vec<u8>>>, _> =
            tokio::time::timeout(self.timeout, conn.get(redis_key)).await;
        match reply {
            Ok(Ok(value)) => {
                self.breaker.success(&self.describe);
                let verdict = codec::decode(&value?);
                if verdict.is_none() {
                    telemetry::record_runner_error("cache_decode");
                }
                verdict
            }
            Ok(Err(_)) => {
                self.failed("redis_error");
                None
            }
            Err(_) => {
                self.failed("redis_timeout");
                None
            }
        }
    }

    /// Writes in the background; never awaited by a request.
    pub(super) fn put(self: &Arc<Self>, key: &CacheKey, verdict: &CachedVerdict) {
        let Some(value) = codec::encode(verdict) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Some(mut conn) = self.connection() else {
            return;
        };
        let this = self.clone();
        let redis_key = self.redis_key(key);
        runtime.spawn(async move {
            let write = conn.set_ex::<_, _, ()>(redis_key, value, this.ttl_secs);
            match tokio::time::timeout(this.timeout, write).await {
                Ok(Ok(())) => this.breaker.success(&this.describe),
                Ok(Err(_)) => this.failed("redis_error"),
                Err(_) => this.failed("redis_timeout"),
            }
        });
    }
}

/// Why a raw operation returned nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RemoteError {
    /// Not tried: no connection yet, or the breaker keeps Redis out.
    Unavailable,
    /// Tried, and it failed or timed out (counted under the caller's kind).
    Failed,
}

/// Raw operations for the other users of this connection (the
/// reversible-redaction vault): same connection, timeout and breaker, with
/// failures counted under the caller's `kind`.
impl Remote {
    /// The configured key prefix.
    pub(super) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// GETDEL `key` within the timeout: `Ok(None)` for a miss.
    pub(super) async fn get_del(
        self: &Arc<Self>,
        key: &str,
        kind: &'static str,
    ) -> Result<Option<Vec<u8>>, RemoteError> {
        let mut conn = self.connection().ok_or(RemoteError::Unavailable)?;
        let reply: Result<redis::RedisResult<Option<Vec<u8>>>, _> =
            tokio::time::timeout(self.timeout, conn.get_del(key)).await;
        match reply {
            Ok(Ok(value)) => {
                self.breaker.success(&self.describe);
                Ok(value)
            }
            Ok(Err(_)) | Err(_) => {
                self.failed(kind);
                Err(RemoteError::Failed)
            }
        }
    }

    /// SET `key` `value` EX `ttl_secs` in the background; `false` when Redis
    /// is unavailable now (nothing is written).
    pub(super) fn set_ex_background(
        self: &Arc<Self>,
        key: String,
        value: Vec<u8>,
        ttl_secs: u64,
        kind: &'static str,
    ) -> bool {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let Some(mut conn) = self.connection() else {
            return false;
        };
        let this = self.clone();
        runtime.spawn(async move {
            let write = conn.set_ex::<_, _, ()>(key, value, ttl_secs.max(1));
            match tokio::time::timeout(this.timeout, write).await {
                Ok(Ok(())) => this.breaker.success(&this.describe),
                Ok(Err(_)) | Err(_) => {
                    tracing::warn!(kind, "redis write failed; the value stays in process only");
                    this.failed(kind);
                }
            }
        });
        true
    }

    /// DEL `key` in the background (best effort).
    pub(super) fn del_background(self: &Arc<Self>, key: String, kind: &'static str) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Some(mut conn) = self.connection() else {
            return;
        };
        let this = self.clone();
        runtime.spawn(async move {
            let delete = conn.del::<_, ()>(key);
            match tokio::time::timeout(this.timeout, delete).await {
                Ok(Ok(())) => this.breaker.success(&this.describe),
                Ok(Err(_)) | Err(_) => this.failed(kind),
            }
        });
    }
}

/// `addr` (from a `redis://` or `rediss://` URL) as a TLS address; `insecure`
/// (or the URL's `#insecure`) skips certificate verification.
fn tls_addr(addr: ConnectionAddr, insecure: bool) -> Result<ConnectionAddr, CacheError> {
    match addr {
        ConnectionAddr::Tcp(host, port) => Ok(ConnectionAddr::TcpTls {
            host,
            port,
            insecure,
            tls_params: None,
        }),
        ConnectionAddr::TcpTls {
            host,
            port,
            insecure: from_url,
            tls_params,
        } => Ok(ConnectionAddr::TcpTls {
            host,
            port,
            insecure: insecure || from_url,
            tls_params,
        }),
        ConnectionAddr::Unix(_) => Err(CacheError::Url(
            "TLS needs a TCP address (redis:// or rediss://), not a Unix socket".into(),
        )),
    }
}

/// Consecutive failures open the breaker for a cool-down; after it, one
/// caller at a time probes. State changes are logged once and mirrored in
/// `promptgate_redis_up`.
const STATE_UNKNOWN: u8 = 0;
const STATE_UP: u8 = 1;
const STATE_DOWN: u8 = 2;

struct Breaker {
    threshold: u32,
    cooldown: Duration,
    epoch: Instant,
    failures: AtomicU32,
    /// Milliseconds since `epoch` until which Redis is skipped; 0 = closed.
    open_until: AtomicU64,
    state: AtomicU8,
}

impl Breaker {
    fn new(threshold: u32, cooldown: Duration) -> Breaker {
        Breaker {
            threshold: threshold.max(1),
            cooldown,
            epoch: Instant::now(),
            failures: AtomicU32::new(0),
            open_until: AtomicU64::new(0),
            state: AtomicU8::new(STATE_UNKNOWN),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Whether Redis may be called now. After the cool-down exactly one caller
    /// gets through (it pushes the window forward) to probe.
    fn allow(&self) -> bool {
        let until = self.open_until.load(Ordering::Acquire);
        if until == 0 {
            return true;
        }
        let now = self.now_ms();
        if now < until {
            return false;
        }
        let next = now + self.cooldown_ms();
        self.open_until
            .compare_exchange(until, next, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    fn cooldown_ms(&self) -> u64 {
        u64::try_from(self.cooldown.as_millis())
            .unwrap_or(u64::MAX / 2)
            .max(1)
    }

    fn success(&self, servers: &str) {
        self.failures.store(0, Ordering::Release);
        self.open_until.store(0, Ordering::Release);
        if self.state.swap(STATE_UP, Ordering::AcqRel) != STATE_UP {
            telemetry::set_redis_up(true);
            tracing::info!(servers, "redis cache tier up");
        }
    }

    fn failure(&self, kind: &'static str, servers: &str) {
        telemetry::record_runner_error(kind);
        let failures = self
            .failures
            .fetch_add(1, Ordering::AcqRel)
            .saturating_add(1);
        if failures < self.threshold {
            return;
        }
        let until = self.now_ms() + self.cooldown_ms();
        self.open_until.store(until, Ordering::Release);
        if self.state.swap(STATE_DOWN, Ordering::AcqRel) != STATE_DOWN {
            telemetry::set_redis_up(false);
            tracing::warn!(
                servers,
                kind,
                consecutive_failures = failures,
                cooldown_ms = self.cooldown.as_millis() as u64,
                "redis cache tier down; serving without it"
            );
        }
    }

    #[cfg(test)]
    fn is_open(&self) -> bool {
        self.open_until.load(Ordering::Acquire) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaker_opens_after_consecutive_failures_and_probes_once_after_cooldown() {
        let b = Breaker::new(3, Duration::from_millis(30));
        assert!(b.allow());
        b.failure("t", "s");
        b.failure("t", "s");
        assert!(b.allow(), "two failures keep it closed");
        b.success("s");
        b.failure("t", "s");
        b.failure("t", "s");
        assert!(!b.is_open(), "success resets the count");
        b.failure("t", "s");
        assert!(b.is_open());
        assert!(!b.allow(), "open during the cool-down");
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.allow(), "one probe after the cool-down");
        assert!(!b.allow(), "only one probe");
        b.success("s");
        assert!(b.allow() && b.allow());
    }
}
