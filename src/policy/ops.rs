//! Checks of the operations sections (`[cache]`, `[cache.redis]`) that types
//! alone cannot express.

use super::config::Config;

/// Checks of the operations sections (`[cache]`, `[cache.redis]`, budgets)
/// that types alone cannot express; called from the loader's validation.
/// The TLS files are the cache's own check (`runtime::read_config`).
pub(super) fn validate_ops(config: &Config, invalid: &mut impl FnMut(String, String)) {
    let cache = &config.cache;
    if cache.enabled && (cache.max_entries == 0 || cache.max_bytes == 0 || cache.ttl_secs == 0) {
        invalid(
            "cache".into(),
            "max_entries, max_bytes and ttl_secs must be positive (or set enabled = false)".into(),
        );
    }
    let redis = &cache.redis;
    if !redis.enabled {
        return;
    }
    if redis.timeout_ms == 0 {
        invalid("cache.redis.timeout_ms".into(), "must be positive".into());
    }
    if redis.ttl_secs == 0 {
        invalid("cache.redis.ttl_secs".into(), "must be positive".into());
    }
    if redis.breaker_failures == 0 {
        invalid(
            "cache.redis.breaker_failures".into(),
            "must be positive".into(),
        );
    }
    if redis.sentinels.is_empty() {
        if !(redis.url.starts_with("redis://") || redis.url.starts_with("rediss://")) {
            invalid(
                "cache.redis.url".into(),
                "must be a redis:// or rediss:// URL".into(),
            );
        }
    } else {
        if redis.master_name.is_empty() {
            invalid(
                "cache.redis.master_name".into(),
                "must name the Sentinel master when sentinels are set".into(),
            );
        }
        for address in &redis.sentinels {
            let ok = address
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !ok {
                invalid(
                    "cache.redis.sentinels".into(),
                    format!("{address:?} is not host:port"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::load_config_str;

    #[test]
    fn redis_settings_are_checked_only_when_enabled() {
        let bad = "[cache.redis]\nenabled = true\nurl = \"http://x\"\ntimeout_ms = 0\n";
        let text = load_config_str(bad, "t", Vec::new())
            .expect_err("must fail")
            .to_string();
        assert!(text.contains("cache.redis.url"), "{text}");
        assert!(text.contains("cache.redis.timeout_ms"), "{text}");
        let sentinel = "[cache.redis]\nenabled = true\nsentinels = [\"127.0.0.1\"]\n";
        let text = load_config_str(sentinel, "t", Vec::new())
            .expect_err("must fail")
            .to_string();
        assert!(text.contains("not host:port"), "{text}");
        load_config_str("[cache.redis]\nurl = \"nonsense\"\n", "t", Vec::new())
            .expect("disabled Redis is not checked");
    }

    #[test]
    fn cache_and_budget_keys_have_environment_overrides() {
        let env = [
            ("PROMPTGATE_CACHE_REDIS_ENABLED", "true"),
            (
                "PROMPTGATE_CACHE_REDIS_SENTINELS",
                "127.0.0.1:26379, 127.0.0.1:26380",
            ),
            ("PROMPTGATE_CACHE_MAX_ENTRIES", "10"),
            ("PROMPTGATE_POLICY_BUDGETS_L2_MS", "7"),
            ("PROMPTGATE_AUDIT_INCLUDE_ALLOWED", "false"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let config = load_config_str("", "t", env).expect("valid overrides");
        assert!(config.cache.redis.enabled);
        assert_eq!(config.cache.redis.sentinels.len(), 2);
        assert_eq!(config.cache.max_entries, 10);
        assert_eq!(config.policy.budgets.l2_ms, 7);
        assert!(!config.audit.include_allowed);
    }
}
