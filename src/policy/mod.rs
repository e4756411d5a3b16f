//! Configuration: the TOML file as plain typed structs, `PROMPTGATE_*`
//! environment overrides, named policies, per-route overrides from the route's
//! ext-plugin conf, validation with clear messages, and what triggers a
//! reload.
//!
//! A leaf: it depends on nothing in the crate but the shared vocabulary
//! ([`crate::types`]), and every layer that reads configuration depends on it,
//! never the other way round. The stages:
//!
//! * `config` and `tables` — the raw mirror of the file: serde structs with
//!   defaults, the top-level sections and then what one policy says. A `[x]`
//!   section is `XConfig`; a `[policy.x]` table is `XPolicy`.
//! * `env` — `PROMPTGATE_<SECTION>_<KEY>` overrides.
//! * `load` and `ops` — reading and checking ([`load_config`]); the layers add
//!   their own checks through [`load_config_checked`] (the runtime does).
//! * `route` — a route's conf ([`RouteConf`]).
//! * `watch` — SIGHUP and file changes ([`Watch`]); reloading itself is the
//!   runtime's.
//!
//! Compiling a configuration into detectors and per-route policies happens
//! at the top, in `runtime`. Never touches request data.

mod config;
mod env;
mod error;
mod load;
mod ops;
mod route;
mod tables;
mod watch;

pub use config::{
    AuditConfig, CacheConfig, ClassifierConfig, Config, LogConfig, LogFormat, MAX_BODY_BYTES_LIMIT,
    MetricsConfig, PiiValidationConfig, RedisConfig, RulesConfig, RuntimeFlavor, ServerConfig,
};
pub use env::ENV_PREFIX;
pub use error::{ConfigError, ConfigErrors};
pub use load::{
    DEFAULT_POLICY_NAME, LayerChecks, load_config, load_config_checked, load_config_str,
    load_config_str_checked,
};
pub use route::{CONF_ENTRY_NAME, RouteConf, RouteConfError};
pub use tables::{
    BudgetConfig, CompressedBodies, ExtractConfig, L1Policy, L2Policy, Mode, PiiPolicy,
    PolicyConfig, ResponsePolicy,
};
pub use watch::{DEFAULT_POLL, Watch, install_hangup};
