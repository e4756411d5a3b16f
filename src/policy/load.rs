//! Reading the configuration: file, then environment overrides, then named
//! policies merged over `[policy]`, then every value checked. All problems come
//! back together; `promptgate check-config` prints exactly this list.

use std::path::Path;

use serde::Deserialize;
use toml::{Table, Value};

use super::config::{Config, MAX_BODY_BYTES_LIMIT};
use super::env::apply_env_overrides;
use super::error::{ConfigError, ConfigErrors};
use super::tables::PolicyConfig;
use crate::types::{ApiFormat, PiiType, Role};

/// Policy name that selects `[policy]` itself.
pub const DEFAULT_POLICY_NAME: &str = "default";

/// Severity names accepted in `l1.min_severity`.
pub const SEVERITY_NAMES: &[&str] = &["low", "medium", "high", "critical"];

/// Checks a layer makes of its own section of a parsed configuration (a
/// phone region it knows, a TLS file it can read): called with the
/// configuration and a sink for `(key, problem)`. The runtime supplies them,
/// so that this module checks every value without depending on the layers.
pub type LayerChecks<'a> = &'a dyn Fn(&Config, &mut dyn FnMut(String, String));

/// No checks beyond the configuration's own.
fn no_layer_checks(_: &Config, _: &mut dyn FnMut(String, String)) {}

/// Reads `path` (when given) and applies `env`; without a file the embedded
/// defaults are used. Checks values, not what only the layers know (see
/// [`load_config_checked`]).
pub fn load_config(
    path: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Config, ConfigErrors> {
    load_config_checked(path, env, &no_layer_checks)
}

/// Like [`load_config`], adding the layers' own `checks` to the list of
/// problems (every problem comes back together).
pub fn load_config_checked(
    path: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
    checks: LayerChecks<'_>,
) -> Result<Config, ConfigErrors> {
    match path {
        None => load_config_str_checked("", "defaults", env, checks),
        Some(path) => {
            let src = std::fs::read_to_string(path).map_err(|source| {
                ConfigErrors(vec![ConfigError::Read {
                    path: path.to_owned(),
                    source,
                }])
            })?;
            load_config_str_checked(&src, &path.display().to_string(), env, checks)
        }
    }
}

/// Like [`load_config`] for configuration text; `origin` names it in errors.
pub fn load_config_str(
    src: &str,
    origin: &str,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Config, ConfigErrors> {
    load_config_str_checked(src, origin, env, &no_layer_checks)
}

/// Like [`load_config_checked`] for configuration text.
pub fn load_config_str_checked(
    src: &str,
    origin: &str,
    env: impl IntoIterator<Item = (String, String)>,
    checks: LayerChecks<'_>,
) -> Result<Config, ConfigErrors> {
    // Pass 1: typed parse of the file alone, for exact line/column errors on
    // every section, named policies included.
    if let Err(e) = toml::from_str::<Config>(src) {
        return Err(ConfigErrors(vec![ConfigError::Parse {
            origin: origin.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        }]));
    }
    // Pass 2: the same document as a table, so environment overrides and the
    // inheritance of named policies work on "keys that were set".
    let mut table: Table = toml::from_str(src).map_err(|e| {
        ConfigErrors(vec![ConfigError::Parse {
            origin: origin.to_owned(),
            message: e.to_string(),
        }])
    })?;
    apply_env_overrides(&mut table, env).map_err(ConfigErrors)?;
    let named = match table.remove("policies") {
        Some(Value::Table(t)) => t,
        _ => Table::new(),
    };
    let mut config = Config::deserialize(Value::Table(table.clone())).map_err(|e| {
        ConfigErrors(vec![ConfigError::Parse {
            origin: format!("{origin} with environment overrides"),
            message: e.to_string(),
        }])
    })?;
    let base = match table.get("policy") {
        Some(Value::Table(t)) => t.clone(),
        _ => Table::new(),
    };
    let mut errors = Vec::new();
    for (name, overrides) in named {
        let Value::Table(overrides) = overrides else {
            continue;
        };
        let mut merged = base.clone();
        deep_merge(&mut merged, overrides);
        match PolicyConfig::deserialize(Value::Table(merged)) {
            Ok(policy) => {
                config.policies.insert(name, policy);
            }
            Err(e) => errors.push(ConfigError::Parse {
                origin: format!("{origin}: policies.{name}"),
                message: e.to_string(),
            }),
        }
    }
    validate(&config, origin, &mut errors);
    checks(&config, &mut |key, problem| {
        errors.push(ConfigError::Invalid {
            origin: origin.to_owned(),
            key,
            problem,
        });
    });
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Overlays `top` on `base`, recursing into sub-tables so `[policies.x.l1]`
/// can change one key of `[policy.l1]`.
fn deep_merge(base: &mut Table, top: Table) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(t)) if key != "actions" => deep_merge(b, t),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Checks what types alone cannot: names from closed sets, ranges, and rules
/// that tie keys together.
fn validate(config: &Config, origin: &str, errors: &mut Vec<ConfigError>) {
    let mut invalid = |key: String, problem: String| {
        errors.push(ConfigError::Invalid {
            origin: origin.to_owned(),
            key,
            problem,
        });
    };
    if config.policies.contains_key(DEFAULT_POLICY_NAME) {
        invalid(
            format!("policies.{DEFAULT_POLICY_NAME}"),
            "the name `default` is reserved for [policy]".into(),
        );
    }
    if u32::from_str_radix(config.server.socket_mode.trim_start_matches("0o"), 8)
        .map_or(true, |m| m > 0o777)
    {
        invalid(
            "server.socket_mode".into(),
            "must be an octal file mode such as \"0766\"".into(),
        );
    }
    if config.server.conf_expire_secs == 0 {
        invalid("server.conf_expire_secs".into(), "must be positive".into());
    }
    if config.server.max_connections == 0 {
        invalid("server.max_connections".into(), "must be positive".into());
    }
    for (key, value) in [
        ("server.frame_timeout_ms", config.server.frame_timeout_ms),
        (
            "server.extra_info_timeout_ms",
            config.server.extra_info_timeout_ms,
        ),
    ] {
        if value == 0 {
            invalid(key.into(), "must be positive".into());
        }
    }
    if config.server.max_streams == 0 {
        invalid("server.max_streams".into(), "must be positive".into());
    }
    if config.server.stream_idle_timeout_ms == 0 {
        invalid(
            "server.stream_idle_timeout_ms".into(),
            "must be positive".into(),
        );
    }
    if config.server.max_conf_tokens == 0 {
        invalid("server.max_conf_tokens".into(), "must be positive".into());
    }
    if config.metrics.max_route_labels == 0 {
        invalid("metrics.max_route_labels".into(), "must be positive".into());
    }
    super::ops::validate_ops(config, &mut invalid);
    if !config.metrics.path.starts_with('/') {
        invalid("metrics.path".into(), "must start with '/'".into());
    }
    if config.metrics.enabled
        && config
            .metrics
            .listen
            .parse::<std::net::SocketAddr>()
            .is_err()
    {
        invalid(
            "metrics.listen".into(),
            "must be an address such as 127.0.0.1:9464".into(),
        );
    }
    let policies = std::iter::once(("policy".to_owned(), &config.policy)).chain(
        config
            .policies
            .iter()
            .map(|(n, p)| (format!("policies.{n}"), p)),
    );
    for (prefix, policy) in policies {
        if let Err(error) = policy.api.parse::<ApiFormat>() {
            invalid(format!("{prefix}.api"), error.to_string());
        }
        if policy.max_body_bytes == 0 || policy.max_body_bytes > MAX_BODY_BYTES_LIMIT {
            invalid(
                format!("{prefix}.max_body_bytes"),
                format!(
                    "must be between 1 and {} (the protocol limit)",
                    MAX_BODY_BYTES_LIMIT
                ),
            );
        }
        for (key, roles) in [
            ("injection_roles", &policy.injection_roles),
            ("pii_roles", &policy.pii_roles),
        ] {
            for role in roles {
                if let Err(error) = role.parse::<Role>() {
                    invalid(format!("{prefix}.{key}"), error.to_string());
                }
            }
        }
        for pii_type in policy.pii.actions.keys() {
            if pii_type.parse::<PiiType>().is_err() {
                invalid(
                    format!("{prefix}.pii.actions.{pii_type}"),
                    "unknown PII type".into(),
                );
            }
        }
        let response = &policy.response;
        if !matches!(response.output_action.as_str(), "block" | "redact" | "log") {
            invalid(
                format!("{prefix}.response.output_action"),
                "must be \"block\", \"redact\" or \"log\"".into(),
            );
        }
        if response.max_body_bytes == 0 || response.max_body_bytes > MAX_BODY_BYTES_LIMIT {
            invalid(
                format!("{prefix}.response.max_body_bytes"),
                format!("must be between 1 and {MAX_BODY_BYTES_LIMIT} (the protocol limit)"),
            );
        }
        if !super::tables::STREAM_HOLDBACK_CHARS_RANGE.contains(&response.stream_holdback_chars) {
            let range = super::tables::STREAM_HOLDBACK_CHARS_RANGE;
            invalid(
                format!("{prefix}.response.stream_holdback_chars"),
                format!("must be between {} and {}", range.start(), range.end()),
            );
        }
        for pii_type in &policy.pii.disabled_types {
            if pii_type.parse::<PiiType>().is_err() {
                invalid(
                    format!("{prefix}.pii.disabled_types"),
                    format!("unknown PII type {pii_type:?}"),
                );
            }
        }
        if !SEVERITY_NAMES.contains(&policy.l1.min_severity.as_str()) {
            invalid(
                format!("{prefix}.l1.min_severity"),
                format!("must be one of {SEVERITY_NAMES:?}"),
            );
        }
        for (pii_type, action) in &policy.pii.actions {
            if !["block", "redact", "log"].contains(&action.as_str()) {
                invalid(
                    format!("{prefix}.pii.actions.{pii_type}"),
                    "must be \"block\", \"redact\" or \"log\"".into(),
                );
            }
        }
        if !(0.0..=1.0).contains(&policy.l2.threshold) {
            invalid(
                format!("{prefix}.l2.threshold"),
                "must be between 0 and 1".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Mode;

    fn no_env() -> Vec<(String, String)> {
        Vec::new()
    }

    #[test]
    fn no_file_gives_the_embedded_defaults() {
        let config = load_config(None, no_env()).expect("defaults are valid");
        assert_eq!(config, Config::default());
    }

    #[test]
    fn named_policies_inherit_unset_keys_from_policy() {
        let src = r#"
[policy]
max_body_bytes = 5000
[policy.l1]
min_severity = "high"
[policies.strict]
mode = "shadow"
[policies.strict.l1]
disabled_rules = ["x"]
"#;
        let config = load_config_str(src, "test.toml", no_env()).expect("valid");
        let strict = &config.policies["strict"];
        assert_eq!(strict.mode, Mode::Shadow);
        assert_eq!(strict.max_body_bytes, 5000);
        assert_eq!(strict.l1.min_severity, "high");
        assert_eq!(strict.l1.disabled_rules, vec!["x".to_owned()]);
        assert_eq!(config.policy.mode, Mode::Enforce);
    }

    #[test]
    fn environment_overrides_reach_named_policies_through_inheritance() {
        let src = "[policies.strict]\nfail_open = false\n";
        let env = vec![("PROMPTGATE_POLICY_MODE".to_owned(), "shadow".to_owned())];
        let config = load_config_str(src, "t", env).expect("valid");
        assert_eq!(config.policy.mode, Mode::Shadow);
        assert_eq!(config.policies["strict"].mode, Mode::Shadow);
    }

    /// Tool definitions are a role of their own: in the default injection and
    /// PII scopes, and a named policy can leave them out of injection while
    /// still reading tool results.
    #[test]
    fn tool_definitions_are_in_the_default_scopes_and_can_be_left_out_per_policy() {
        use crate::types::{Role, RoleSet};
        let src = "[policies.notools]\ninjection_roles = [\"user\", \"tool\", \"unknown\"]\n";
        let config = load_config_str(src, "t.toml", no_env()).expect("valid");
        let scope = |names: &[String]| RoleSet::from_names(names).expect("role names");
        assert_eq!(
            scope(&config.policy.injection_roles),
            RoleSet::injection_default()
        );
        assert!(scope(&config.policy.injection_roles).contains(Role::ToolDefinition));
        assert_eq!(scope(&config.policy.pii_roles), RoleSet::all());
        let notools = &config.policies["notools"];
        assert!(!scope(&notools.injection_roles).contains(Role::ToolDefinition));
        assert!(scope(&notools.injection_roles).contains(Role::Tool));
        assert!(scope(&notools.pii_roles).contains(Role::ToolDefinition));

        let typo = "[policies.typo]\ninjection_roles = [\"user\", \"tool_definitions\"]\n";
        let err = load_config_str(typo, "t.toml", no_env())
            .expect_err("an unknown role is refused")
            .to_string();
        assert!(
            err.contains("policies.typo.injection_roles")
                && err.contains("\"tool_definitions\"")
                && err.contains("tool_definition or unknown"),
            "{err}"
        );
    }

    #[test]
    fn type_errors_carry_line_and_column() {
        let src = "[policy]\nmode = \"enforce\"\nmax_body_bytes = \"big\"\n";
        let err = load_config_str(src, "bad.toml", no_env())
            .expect_err("must fail")
            .to_string();
        assert!(err.contains("bad.toml") && err.contains("line 3"), "{err}");
    }

    #[test]
    fn unknown_keys_in_named_policies_are_refused_with_position() {
        let src = "[policies.strict]\nmood = \"shadow\"\n";
        let err = load_config_str(src, "bad.toml", no_env())
            .expect_err("must fail")
            .to_string();
        assert!(err.contains("line 2") && err.contains("mood"), "{err}");
    }

    #[test]
    fn semantic_errors_are_collected_with_key_paths() {
        let src = r#"
[policy]
api = "cohere"
injection_roles = ["user", "robot"]
[policy.l1]
min_severity = "extreme"
[policies.default]
mode = "shadow"
"#;
        let errs = load_config_str(src, "bad.toml", no_env()).expect_err("must fail");
        let text = errs.to_string();
        for needle in [
            "policy.api",
            "robot",
            "policy.l1.min_severity",
            "policies.default",
        ] {
            assert!(text.contains(needle), "missing {needle} in {text}");
        }
        assert!(errs.0.len() >= 4);
    }
}
