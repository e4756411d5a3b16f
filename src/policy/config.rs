//! The configuration as written: serde structs that mirror the TOML file's
//! top-level sections (what one policy says is in `tables.rs`).
//!
//! Every key has a default (so no file is needed), unknown keys are rejected, and
//! nothing here is cross-checked (`load.rs` does that) or compiled (the
//! runtime does, `runtime::Runtime`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::tables::PolicyConfig;

/// Default request-body limit: 1 MiB, far above any chat prompt and far below
/// the 16 MiB protocol ceiling.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1 << 20;

/// Largest body the protocol can carry in one ExtraInfo answer (16 MiB − 1
/// minus the flatbuffers envelope APISIX wraps it in).
pub const MAX_BODY_BYTES_LIMIT: u64 = 16_777_100;

/// Default conf-token lifetime hint, as APISIX sets `APISIX_CONF_EXPIRE_TIME`.
pub const DEFAULT_CONF_EXPIRE_SECS: u64 = 3600;

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The Unix socket and connection handling.
    pub server: ServerConfig,
    /// Log output.
    pub log: LogConfig,
    /// The Prometheus endpoint.
    pub metrics: MetricsConfig,
    /// Where L1 rules come from.
    pub rules: RulesConfig,
    /// The L2 model and the ONNX Runtime library.
    pub classifier: ClassifierConfig,
    /// Settings of the L1.5 validators that every policy shares.
    pub pii: PiiValidationConfig,
    /// The L0 verdict cache (in-process, optional Redis).
    pub cache: CacheConfig,
    /// Audit events (one JSON line per decision).
    pub audit: AuditConfig,
    /// The default policy; named policies start from it.
    pub policy: PolicyConfig,
    /// Named policies, selected per route with `{"policy":"<name>"}`. Each one
    /// overrides only the keys it sets; the rest come from `[policy]`.
    pub policies: BTreeMap<String, PolicyConfig>,
}

/// `[server]`: where and how the runner listens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// `unix:/path` to listen on when `APISIX_LISTEN_ADDRESS` is not set (the
    /// environment variable APISIX sets always wins).
    pub listen: String,
    /// Octal file mode of the socket; 0766 lets the APISIX worker user connect.
    pub socket_mode: String,
    /// Conf-token lifetime hint in seconds when `APISIX_CONF_EXPIRE_TIME` is unset;
    /// tokens live 1.2 times this after their last use.
    pub conf_expire_secs: u64,
    /// Most connections served at once; further ones wait in the accept queue.
    pub max_connections: usize,
    /// How long in-flight calls may run after SIGTERM before the runner exits.
    pub shutdown_grace_ms: u64,
    /// APISIX variables fetched with each scanned request (e.g. `consumer_name`,
    /// `remote_addr`) for audit events; each costs a little payload, no round trip.
    pub fetch_vars: Vec<String>,
    /// Once a frame's first bytes have arrived, how long the rest may take
    /// before the connection is closed (a stalled or dying peer).
    pub frame_timeout_ms: u64,
    /// How long the runner waits for each ExtraInfo answer (APISIX may read a
    /// slow client's body first) before abandoning the call and closing the
    /// connection.
    pub extra_info_timeout_ms: u64,
    /// Most conf tokens kept; past it the least recently used are dropped
    /// (APISIX then gets CONF_TOKEN_NOT_FOUND and prepares the conf again).
    pub max_conf_tokens: usize,
    /// Threads that scan request bodies larger than `inline_scan_max_bytes`,
    /// off the socket tasks; 0 = one per core.
    pub scan_workers: usize,
    /// Large scans that may wait for a scan thread; past it a request is
    /// answered by the route's fail mode (503 `scanner_busy`, or continue
    /// with `fail_open`).
    pub scan_queue: usize,
    /// Bodies up to this size are scanned on the socket task that received
    /// them (a thread hop costs more than their scan); larger ones go to the
    /// scan threads. 0 sends every body to the scan threads.
    pub inline_scan_max_bytes: usize,
    /// Streamed answers (the `ai-promptgate` plugin) inspected at once; an
    /// OPEN past it is answered ERROR `too many sessions` (the plugin's
    /// `fail_open` decides).
    pub max_streams: usize,
    /// How long a streamed answer's session lives without a chunk before it
    /// is dropped (a plugin that never sent END or ABORT).
    pub stream_idle_timeout_ms: u64,
    /// Bytes that whole answers sent in several StreamChunks (not event
    /// streams, so readable only at their END) may hold together while they
    /// are buffered; past it an answer is judged as over its size limit (the
    /// route's fail mode), so open answers cannot exhaust memory.
    pub max_buffered_answer_bytes: usize,
    /// How connections are served: `per_core` pins each to one of a
    /// current-thread runtime per core (a frame is read, decided and answered
    /// on one thread), `shared` serves them all on tokio's work-stealing
    /// runtime.
    pub runtime: RuntimeFlavor,
}

/// `server.runtime`: how connections are scheduled on threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuntimeFlavor {
    /// One current-thread runtime per core; connections pinned to the least busy.
    #[default]
    PerCore,
    /// One work-stealing runtime for every connection.
    Shared,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "unix:/tmp/promptgate.sock".to_owned(),
            socket_mode: "0766".to_owned(),
            conf_expire_secs: DEFAULT_CONF_EXPIRE_SECS,
            max_connections: 8192,
            shutdown_grace_ms: 800,
            fetch_vars: Vec::new(),
            frame_timeout_ms: 10_000,
            extra_info_timeout_ms: 60_000,
            max_conf_tokens: 65_536,
            scan_workers: 0,
            scan_queue: 256,
            inline_scan_max_bytes: 16 * 1024,
            max_streams: 4096,
            stream_idle_timeout_ms: 60_000,
            max_buffered_answer_bytes: 64 * 1024 * 1024,
            runtime: RuntimeFlavor::default(),
        }
    }
}

/// `[log]`: format and verbosity of the runner's own logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `json` (one object per line, for log pipelines) or `text` (for humans).
    pub format: LogFormat,
    /// A tracing filter such as `info` or `promptgate=debug`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Json,
            level: "info".to_owned(),
        }
    }
}

/// The log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

/// `[metrics]`: the Prometheus scrape endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve metrics at all.
    pub enabled: bool,
    /// TCP address of the endpoint; loopback by default.
    pub listen: String,
    /// HTTP path of the endpoint.
    pub path: String,
    /// Most distinct `route` label values; further routes are counted under
    /// `route="other"`, so label cardinality stays bounded.
    pub max_route_labels: usize,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            enabled: true,
            listen: "127.0.0.1:9464".to_owned(),
            path: "/metrics".to_owned(),
            max_route_labels: 1000,
        }
    }
}

/// `[rules]`: the L1 rule packs every policy shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    /// Use the packs built into the binary (the repository's `rules/`).
    pub embedded: bool,
    /// A directory of extra `*.toml` packs (empty: none); watched for reloads.
    pub dir: String,
    /// Rules written inline, with the same fields as a pack's `[[rule]]`.
    pub custom: Vec<crate::types::RuleSpec>,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            embedded: true,
            dir: String::new(),
            custom: Vec::new(),
        }
    }
}

/// `[classifier]`: the L2 model, loaded once at start (policies say whether
/// they use it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Model directory (`model.onnx`, `tokenizer.json`, `model.toml`); a relative
    /// path is tried under the working directory, then beside the executable (its
    /// folder and three ancestors), then under `/usr/share/promptgate`.
    pub model_dir: String,
    /// The ONNX Runtime shared library; empty: `ORT_DYLIB_PATH`, then the path
    /// `scripts/setup-onnxruntime.sh` wrote.
    pub runtime_library: String,
    /// Concurrent inferences; 0 means one per core.
    pub pool_size: usize,
    /// Evaluate the model in Rust when `model.onnx` is exactly the static-embedding
    /// graph the training pipeline writes (tested equal to ONNX Runtime on the dev
    /// corpus, about four times faster); `false` runs every window in ONNX Runtime.
    /// Either way the runtime is required and loaded.
    pub native_graph: bool,
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        ClassifierConfig {
            model_dir: "models/minilm-static-v1".to_owned(),
            runtime_library: String::new(),
            pool_size: 0,
            native_graph: true,
        }
    }
}

/// `[pii]`: how the L1.5 validators judge candidates, for every policy (which
/// types a policy detects and what it does with them is `[policy.pii]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PiiValidationConfig {
    /// Regions (ISO 3166 codes) whose national phone formats count, checked
    /// against libphonenumber's numbering plans; numbers written with a calling
    /// code (`+CC`, `00CC`) are checked against every country's plan.
    pub phone_regions: Vec<String>,
    /// Numbers with a calling code must be fully valid in their country (a
    /// fixed-line, mobile… pattern), as libphonenumber's `isValidNumber`, rather
    /// than fit the country's general pattern and lengths. Stricter: also refuses
    /// ranges reserved for fiction and tests and ranges issued after the metadata.
    pub phone_strict: bool,
}

impl Default for PiiValidationConfig {
    fn default() -> Self {
        PiiValidationConfig {
            phone_regions: crate::types::DEFAULT_PHONE_REGIONS
                .iter()
                .map(|&r| r.to_owned())
                .collect(),
            phone_strict: false,
        }
    }
}

/// `[cache]`: the L0 verdict cache. Keys are SHA-256 over the policy
/// fingerprint and the normalized scanned text; values are verdicts made of
/// identifiers (never text or PII).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Use the cache at all.
    pub enabled: bool,
    /// Most verdicts kept in process.
    pub max_entries: u64,
    /// Most bytes the in-process verdicts may take.
    pub max_bytes: u64,
    /// How long an in-process verdict stays valid, in seconds.
    pub ttl_secs: u64,
    /// The optional shared tier.
    pub redis: RedisConfig,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            max_entries: 100_000,
            max_bytes: 16 << 20,
            ttl_secs: 600,
            redis: RedisConfig::default(),
        }
    }
}

/// `[cache.redis]`: a Redis shared by every runner, standalone or behind Sentinel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisConfig {
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
    /// File holding 32 random bytes (64 hex digits or base64) that seal
    /// reversible-redaction mappings stored in Redis (XChaCha20-Poly1305);
    /// every runner sharing the Redis reads the same key. Empty: mappings stay
    /// in the process that saw the request. Read once at start.
    pub pseudonym_key_file: String,
}

impl Default for RedisConfig {
    fn default() -> Self {
        RedisConfig {
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

/// `[audit]`: one JSON event per decision on the `promptgate::audit` log target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// Emit audit events.
    pub enabled: bool,
    /// Also audit requests that were allowed with no finding (the bulk of traffic).
    pub include_allowed: bool,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            enabled: true,
            include_allowed: true,
        }
    }
}
