//! The configuration as written: serde structs that mirror the TOML file.
//!
//! Every key has a default (so no file is needed), unknown keys are rejected, and
//! nothing here is compiled or cross-checked: that happens once in
//! [`super::compile`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    pub classifier: ModelConfig,
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
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            enabled: true,
            listen: "127.0.0.1:9464".to_owned(),
            path: "/metrics".to_owned(),
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
    pub custom: Vec<crate::detect::keywords::RuleSpec>,
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
pub struct ModelConfig {
    /// Model directory (`model.onnx`, `tokenizer.json`, `model.toml`); relative
    /// paths are tried from the working directory, then from the source tree
    /// the binary was built from.
    pub model_dir: String,
    /// The ONNX Runtime shared library; empty: `ORT_DYLIB_PATH`, then the path
    /// `scripts/setup-onnxruntime.sh` wrote.
    pub runtime_library: String,
    /// Concurrent inferences; 0 means one per core.
    pub pool_size: usize,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            model_dir: "models/minilm-guard-v1".to_owned(),
            runtime_library: String::new(),
            pool_size: 0,
        }
    }
}

/// `[policy]` and `[policies.<name>]`: what a route is protected with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// `enforce` blocks and redacts; `shadow` scans fully, lets everything
    /// through and adds a header saying what would have happened.
    pub mode: Mode,
    /// The API the route fronts: `auto`, `openai`, `anthropic` or `gemini`. With a
    /// named API a body that is not that shape is refused with 400.
    pub api: String,
    /// Largest request body scanned, checked against content-length before the
    /// body is fetched and again after decompression; bigger bodies get 413.
    pub max_body_bytes: u64,
    /// What to do with gzip/deflate/br bodies: `decode` (within the body limit)
    /// or `refuse` (415).
    pub compressed_bodies: CompressedBodies,
    /// When a layer errors or runs out of time: `true` lets the request through
    /// (and counts it), `false` blocks it with 503.
    pub fail_open: bool,
    /// Roles whose text gets injection detection (L1, L2). System and developer
    /// messages belong to the operator.
    pub injection_roles: Vec<String>,
    /// Roles whose text gets PII detection (L1.5).
    pub pii_roles: Vec<String>,
    /// Limits on the JSON a body may contain.
    pub extract: ExtractConfig,
    /// L1 keyword guard.
    pub l1: KeywordConfig,
    /// L1.5 PII shield.
    pub pii: PiiConfig,
    /// L2 neural classifier.
    pub l2: ClassifierConfig,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            mode: Mode::Enforce,
            api: "auto".to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            compressed_bodies: CompressedBodies::Decode,
            fail_open: false,
            injection_roles: ["user", "tool", "unknown"].map(str::to_owned).to_vec(),
            pii_roles: [
                "system",
                "developer",
                "user",
                "assistant",
                "tool",
                "unknown",
            ]
            .map(str::to_owned)
            .to_vec(),
            extract: ExtractConfig::default(),
            l1: KeywordConfig::default(),
            pii: PiiConfig::default(),
            l2: ClassifierConfig::default(),
        }
    }
}

/// Enforce or observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Block and redact.
    Enforce,
    /// Scan, let through, say what would have happened.
    Shadow,
}

impl Mode {
    /// The name used in config, route conf and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Shadow => "shadow",
        }
    }
}

/// Handling of `content-encoding: gzip | deflate | br` bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompressedBodies {
    /// Decompress within the body limit, then scan.
    Decode,
    /// Answer 415: the route does not accept compressed prompts.
    Refuse,
}

/// `extract`: bounds on the JSON structure of a body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    /// Deepest JSON nesting accepted.
    pub max_depth: usize,
    /// Most JSON values (objects, arrays, scalars) accepted.
    pub max_elements: usize,
    /// Most text bytes extracted for scanning.
    pub max_text_bytes: usize,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            max_depth: 64,
            max_elements: 100_000,
            max_text_bytes: 4 << 20,
        }
    }
}

/// `l1`: the keyword guard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeywordConfig {
    /// Run L1 at all.
    pub enabled: bool,
    /// Findings at or above this severity (`low`, `medium`, `high`, `critical`) block.
    pub min_severity: String,
    /// Rule ids switched off for this policy (false positives on your traffic).
    pub disabled_rules: Vec<String>,
}

impl Default for KeywordConfig {
    fn default() -> Self {
        KeywordConfig {
            enabled: true,
            min_severity: "medium".to_owned(),
            disabled_rules: Vec::new(),
        }
    }
}

/// `pii`: the PII shield.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PiiConfig {
    /// Run L1.5 at all.
    pub enabled: bool,
    /// Per-type action overriding the built-in default: `TYPE = "block" | "redact" | "log"`.
    pub actions: BTreeMap<String, String>,
    /// Types not detected at all under this policy.
    pub disabled_types: Vec<String>,
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            enabled: true,
            actions: BTreeMap::new(),
            disabled_types: Vec::new(),
        }
    }
}

/// `l2`: the neural classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Run L2 when the model and the ONNX Runtime are present.
    pub enabled: bool,
    /// Refuse to start when L2 cannot be loaded.
    pub required: bool,
    /// Score at or above which L2 blocks; 0 keeps the model card's calibrated value.
    pub threshold: f32,
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        ClassifierConfig {
            enabled: true,
            required: false,
            threshold: 0.0,
        }
    }
}
