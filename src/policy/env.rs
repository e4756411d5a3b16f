//! `PROMPTGATE_<SECTION>_<KEY>` environment overrides.
//!
//! The key path is found by walking the default configuration, so every key
//! that exists in the file has an override without a hand-kept list, and a
//! misspelled variable is an error rather than a silent no-op. Values are
//! parsed as the type of the default: booleans, numbers, strings, lists
//! (comma-separated) and maps (`KEY=value,KEY=value`).

use toml::{Table, Value};

use super::config::Config;
use super::error::ConfigError;

/// Prefix of every override.
pub const ENV_PREFIX: &str = "PROMPTGATE_";

/// Variables that share the prefix but are not config keys: the config file's
/// path and the labelled corpus's folder (read by `eval`, the benches and the
/// tests). Test switches are not here: the test harness strips every
/// `PROMPTGATE_*` variable from the runners it starts.
const NOT_CONFIG_KEYS: &[&str] = &["PROMPTGATE_CONFIG", "PROMPTGATE_CORPUS_DIR"];

/// Applies every `PROMPTGATE_*` variable in `vars` to `table` (the parsed file).
///
/// Named policies (`[policies.*]`) have no overrides of their own: they inherit
/// the overridden `[policy]` keys they do not set themselves.
pub fn apply_env_overrides(
    table: &mut Table,
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<(), Vec<ConfigError>> {
    let defaults = match Value::try_from(Config::default()) {
        Ok(Value::Table(t)) => t,
        // Serializing plain structs of strings, numbers and maps cannot fail.
        _ => {
            return Err(vec![ConfigError::Internal(
                "default config does not serialize".into(),
            )]);
        }
    };
    let mut errors = Vec::new();
    let mut vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(k, _)| k.starts_with(ENV_PREFIX) && !NOT_CONFIG_KEYS.contains(&k.as_str()))
        .collect();
    vars.sort();
    for (name, raw) in vars {
        let suffix = name[ENV_PREFIX.len()..].to_ascii_lowercase();
        let Some((path, default)) = find_key(&defaults, &suffix) else {
            errors.push(ConfigError::UnknownEnv { var: name });
            continue;
        };
        match parse_like(default, &raw) {
            Ok(value) => set_path(table, &path, value),
            Err(expected) => errors.push(ConfigError::BadEnv {
                var: name,
                expected,
            }),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Finds the key path whose underscore-joined form is `flat`.
fn find_key<'a>(table: &'a Table, flat: &str) -> Option<(Vec<String>, &'a Value)> {
    for (key, value) in table {
        if key == "policies" {
            continue;
        }
        if flat == key {
            if value.is_table() && !is_map_value(key) {
                continue;
            }
            return Some((vec![key.clone()], value));
        }
        if let (Some(rest), Value::Table(inner)) = (
            flat.strip_prefix(key.as_str())
                .and_then(|r| r.strip_prefix('_')),
            value,
        ) && let Some((mut path, found)) = find_key(inner, rest)
        {
            path.insert(0, key.clone());
            return Some((path, found));
        }
    }
    None
}

/// Tables that are values (maps) rather than sections.
fn is_map_value(key: &str) -> bool {
    key == "actions"
}

/// Parses `raw` as the same kind of value as `default`, or says what was expected.
fn parse_like(default: &Value, raw: &str) -> Result<Value, &'static str> {
    let raw = raw.trim();
    match default {
        Value::Boolean(_) => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err("a boolean (true/false)"),
        },
        Value::Integer(_) => raw
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| "an integer"),
        Value::Float(_) => raw.parse::<f64>().map(Value::Float).map_err(|_| "a number"),
        Value::String(_) => Ok(Value::String(raw.to_owned())),
        Value::Array(_) => Ok(Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        )),
        Value::Table(_) => {
            let mut map = Table::new();
            for pair in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (k, v) = pair.split_once('=').ok_or("a list of KEY=value pairs")?;
                map.insert(k.trim().to_owned(), Value::String(v.trim().to_owned()));
            }
            Ok(Value::Table(map))
        }
        Value::Datetime(_) => Err("a datetime"),
    }
}

fn set_path(table: &mut Table, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = table;
    for key in parents {
        let entry = current
            .entry(key.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        if !entry.is_table() {
            *entry = Value::Table(Table::new());
        }
        let Value::Table(inner) = entry else { return };
        current = inner;
    }
    current.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(vars: &[(&str, &str)]) -> Result<Table, Vec<ConfigError>> {
        let mut table = Table::new();
        apply_env_overrides(
            &mut table,
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )?;
        Ok(table)
    }

    #[test]
    fn sets_nested_keys_with_the_default_type() {
        let t = apply(&[
            ("PROMPTGATE_LOG_FORMAT", "text"),
            ("PROMPTGATE_POLICY_MAX_BODY_BYTES", "2048"),
            ("PROMPTGATE_POLICY_L1_MIN_SEVERITY", "high"),
            ("PROMPTGATE_POLICY_FAIL_OPEN", "yes"),
            ("PROMPTGATE_POLICY_INJECTION_ROLES", "user, tool"),
            ("PROMPTGATE_POLICY_PII_ACTIONS", "EMAIL=block,PHONE=log"),
            ("PROMPTGATE_CLASSIFIER_NATIVE_GRAPH", "false"),
            ("PROMPTGATE_CONFIG", "/ignored.toml"),
        ])
        .expect("valid overrides");
        assert_eq!(t["classifier"]["native_graph"].as_bool(), Some(false));
        assert_eq!(t["log"]["format"].as_str(), Some("text"));
        assert_eq!(t["policy"]["max_body_bytes"].as_integer(), Some(2048));
        assert_eq!(t["policy"]["l1"]["min_severity"].as_str(), Some("high"));
        assert_eq!(t["policy"]["fail_open"].as_bool(), Some(true));
        assert_eq!(
            t["policy"]["injection_roles"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(t["policy"]["pii"]["actions"]["PHONE"].as_str(), Some("log"));
    }

    #[test]
    fn unknown_and_malformed_variables_are_errors() {
        let errs = apply(&[
            ("PROMPTGATE_SERVER_NOPE", "1"),
            ("PROMPTGATE_POLICY_MAX_BODY_BYTES", "lots"),
            ("PROMPTGATE_POLICY_L1", "x"),
        ])
        .expect_err("must fail");
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text.iter().any(|e| e.contains("PROMPTGATE_SERVER_NOPE")));
        assert!(
            text.iter()
                .any(|e| e.contains("PROMPTGATE_POLICY_MAX_BODY_BYTES") && e.contains("integer"))
        );
    }
}
