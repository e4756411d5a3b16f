//! The settings the L0 cache is built from. The runtime fills them from the
//! configuration's `[cache]` section; the defaults match that section's.

/// What the L0 cache is built from (the runtime fills it from `[cache]`).
/// Exists so that the cache owns the settings it reads and depends on no
/// configuration format. The L0 verdict cache: Keys are SHA-256 over the policy
/// fingerprint and the normalized scanned text; values are verdicts made of
/// identifiers (never text or PII).
#[derive(Debug, Clone, PartialEq)]
pub struct CacheOptions {
    /// Use the cache at all.
    pub enabled: bool,
    /// Most verdicts kept in process.
    pub max_entries: u64,
    /// Most bytes the in-process verdicts may take.
    pub max_bytes: u64,
    /// How long an in-process verdict stays valid, in seconds.
    pub ttl_secs: u64,
    /// The optional shared tier.
    pub redis: RedisOptions,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            enabled: true,
            max_entries: 100_000,
            max_bytes: 16 << 20,
            ttl_secs: 600,
            redis: RedisOptions::default(),
        }
    }
}

/// The shared tier (from `[cache.redis]`): a Redis shared by every runner, standalone or behind Sentinel.
#[derive(Debug, Clone, PartialEq)]
pub struct RedisOptions {
    /// Use Redis at all.
    pub enabled: bool,
    /// Standalone server: `redis://host:port/db` (or `rediss://` for TLS).
    /// Ignored when `sentinels` is set.
    pub url: String,
    /// Sentinel addresses (`host:port`); when set, the master is found through them.
    pub sentinels: Vec<String>,
    /// The Sentinel master name (the service).
    pub master_name: String,
    /// Username for the Redis servers (ACL); empty for none.
    pub username: String,
    /// Password for the Redis servers; empty for none.
    pub password: String,
    /// Database number on the Redis servers found through Sentinel.
    pub db: i64,
    /// Connect with TLS (also implied by a `rediss://` URL); with Sentinel, both
    /// the sentinels and the servers they name are reached over TLS.
    pub tls: bool,
    /// PEM file of the certificate authorities trusted for the servers' certificates;
    /// empty: the system trust store. Read once at start.
    pub tls_ca_file: String,
    /// PEM client certificate (chain) for servers that require mutual TLS; set
    /// together with `tls_key_file`, or neither.
    pub tls_cert_file: String,
    /// PEM private key of `tls_cert_file`.
    pub tls_key_file: String,
    /// Skip verification of the servers' certificates (and host names). Only for
    /// testing: anyone on the path can then read and forge verdicts.
    pub tls_insecure: bool,
    /// Per-operation timeout in milliseconds; a slower Redis counts as failed.
    pub timeout_ms: u64,
    /// How long a verdict lives in Redis, in seconds.
    pub ttl_secs: u64,
    /// Prefix of every key promptgate writes.
    pub key_prefix: String,
    /// Consecutive failures that open the circuit breaker.
    pub breaker_failures: u32,
    /// How long an open breaker keeps Redis out of the request path before a probe.
    pub breaker_cooldown_ms: u64,
    /// File holding the 32-byte key (hex or base64) that seals reversible-redaction
    /// mappings in Redis; every runner sharing the Redis reads the same key. Empty:
    /// mappings stay in process.
    pub pseudonym_key_file: String,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            enabled: false,
            url: "redis://127.0.0.1:6379/0".to_owned(),
            sentinels: Vec::new(),
            master_name: "mymaster".to_owned(),
            username: String::new(),
            password: String::new(),
            db: 0,
            tls: false,
            tls_ca_file: String::new(),
            tls_cert_file: String::new(),
            tls_key_file: String::new(),
            tls_insecure: false,
            timeout_ms: 50,
            ttl_secs: 3600,
            key_prefix: "promptgate:v1:".to_owned(),
            breaker_failures: 3,
            breaker_cooldown_ms: 2000,
            pseudonym_key_file: String::new(),
        }
    }
}
