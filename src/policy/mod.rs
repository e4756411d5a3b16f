//! Configuration: the TOML file, `PROMPTGATE_*` environment overrides, named
//! policies, per-route overrides from the route's ext-plugin conf, validation
//! with clear messages, the policy fingerprint used in cache keys, and the
//! compiled [`Runtime`] the hot path reads.
//!
//! Takes a file path (or nothing: every key has a default); hands the server a
//! [`Runtime`] and, per route, a [`RoutePolicy`]. Reading and checking
//! ([`load_config`]) is separate from compiling ([`Runtime::build`]), so
//! `promptgate check-config` and reloads run exactly the same checks.
//! Never touches request data.

mod compile;
mod config;
mod env;
mod error;
mod load;
mod reload;
mod route;

pub use compile::{CompiledPolicy, ResolveError, RoutePolicy, Runtime};
pub use config::{
    AuditConfig, BudgetConfig, CacheConfig, ClassifierConfig, CompressedBodies, Config,
    ExtractConfig, KeywordConfig, LogConfig, LogFormat, MAX_BODY_BYTES_LIMIT, MetricsConfig, Mode,
    ModelConfig, PiiConfig, PiiValidationConfig, PolicyConfig, RedisConfig, RulesConfig,
    ServerConfig,
};
pub use env::ENV_PREFIX;
pub use error::{ConfigError, ConfigErrors};
pub use load::{DEFAULT_POLICY_NAME, load_config, load_config_str};
pub use reload::{ReloadOutcome, Reloader, install_hangup, reload_once};
pub use route::{CONF_ENTRY_NAME, RouteConf, RouteConfError};
