//! Where the configuration's sections become the settings each layer owns.
//!
//! The layers below the configuration (the L0 cache, telemetry) do not read
//! its structs: each takes its own settings, filled here, at the top.

use crate::detect::cache::{CacheOptions, RedisOptions};
use crate::policy::{CacheConfig, RedisConfig};

/// The L0 cache's settings from `[cache]`.
pub fn cache_options(config: &CacheConfig) -> CacheOptions {
    CacheOptions {
        enabled: config.enabled,
        max_entries: config.max_entries,
        max_bytes: config.max_bytes,
        ttl_secs: config.ttl_secs,
        redis: redis_options(&config.redis),
    }
}

/// The shared tier's settings from `[cache.redis]`.
pub(super) fn redis_options(config: &RedisConfig) -> RedisOptions {
    RedisOptions {
        enabled: config.enabled,
        url: config.url.clone(),
        sentinels: config.sentinels.clone(),
        master_name: config.master_name.clone(),
        username: config.username.clone(),
        password: config.password.clone(),
        db: config.db,
        tls: config.tls,
        tls_ca_file: config.tls_ca_file.clone(),
        tls_cert_file: config.tls_cert_file.clone(),
        tls_key_file: config.tls_key_file.clone(),
        tls_insecure: config.tls_insecure,
        timeout_ms: config.timeout_ms,
        ttl_secs: config.ttl_secs,
        key_prefix: config.key_prefix.clone(),
        breaker_failures: config.breaker_failures,
        breaker_cooldown_ms: config.breaker_cooldown_ms,
        pseudonym_key_file: config.pseudonym_key_file.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache's own defaults (used by its tests) are the file's defaults.
    #[test]
    fn the_layer_defaults_are_the_configuration_defaults() {
        assert_eq!(
            cache_options(&CacheConfig::default()),
            CacheOptions::default()
        );
    }
}
