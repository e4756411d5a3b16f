//! A route's promptgate entry in its ext-plugin conf.
//!
//! APISIX sends, in PrepareConf, the route's `conf` list: entries named
//! `promptgate` carry a JSON object choosing a named policy and overriding a
//! few of its keys, e.g. `{"policy":"strict","mode":"shadow"}`. Parsing happens
//! here, at PrepareConf time, so a bad value is refused once and loudly (fail
//! closed) instead of on every request.

use serde::Deserialize;

use crate::types::Mode;

/// The plugin name APISIX routes use for promptgate's conf entry.
pub const CONF_ENTRY_NAME: &[u8] = b"promptgate";

/// Largest conf value accepted; route confs are a few dozen bytes.
const MAX_ROUTE_CONF_BYTES: usize = 64 * 1024;

/// What one route asked for. Every field is optional; unset ones come from
/// the named policy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConf {
    /// Named policy (`[policies.<name>]`); `default` or unset means `[policy]`.
    pub policy: Option<String>,
    /// `enforce` or `shadow` for this route.
    pub mode: Option<Mode>,
    /// The API this route fronts (`auto`, `openai`, `anthropic`, `gemini`).
    pub api: Option<String>,
    /// Body limit for this route.
    pub max_body_bytes: Option<u64>,
    /// Fail mode for this route.
    pub fail_open: Option<bool>,
}

/// Why a route's promptgate value was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RouteConfError {
    /// The value is not UTF-8.
    #[error("value is not UTF-8")]
    NotUtf8,
    /// The value is larger than any sensible route conf.
    #[error("value is {len} bytes, more than the {max} accepted")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not a JSON object of the known keys.
    #[error("value is not a valid promptgate route conf: {0}")]
    Json(String),
}

impl RouteConf {
    /// Parses a conf entry value. An absent or blank value selects the defaults.
    pub fn parse(value: Option<&[u8]>) -> Result<RouteConf, RouteConfError> {
        let Some(value) = value else {
            return Ok(RouteConf::default());
        };
        if value.len() > MAX_ROUTE_CONF_BYTES {
            return Err(RouteConfError::TooLarge {
                len: value.len(),
                max: MAX_ROUTE_CONF_BYTES,
            });
        }
        let text = std::str::from_utf8(value).map_err(|_| RouteConfError::NotUtf8)?;
        if text.trim().is_empty() {
            return Ok(RouteConf::default());
        }
        // serde_json's messages name the key and position, never echo values.
        serde_json::from_str(text).map_err(|e| RouteConfError::Json(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_keys() {
        let conf = RouteConf::parse(Some(
            br#"{"policy":"strict","mode":"shadow","max_body_bytes":10}"#,
        ))
        .expect("valid");
        assert_eq!(conf.policy.as_deref(), Some("strict"));
        assert_eq!(conf.mode, Some(Mode::Shadow));
        assert_eq!(conf.max_body_bytes, Some(10));
    }

    #[test]
    fn blank_and_absent_values_select_defaults() {
        assert_eq!(RouteConf::parse(None), Ok(RouteConf::default()));
        assert_eq!(RouteConf::parse(Some(b"  ")), Ok(RouteConf::default()));
        assert_eq!(RouteConf::parse(Some(b"{}")), Ok(RouteConf::default()));
    }

    #[test]
    fn refuses_unknown_keys_bad_values_and_bytes() {
        for bad in [
            &br#"{"polcy":"strict"}"#[..],
            br#"{"mode":"block"}"#,
            br#"["strict"]"#,
            br#"{"max_body_bytes":-1}"#,
            b"\xff\xfe",
            b"{",
        ] {
            assert!(
                RouteConf::parse(Some(bad)).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let huge = vec![b' '; MAX_ROUTE_CONF_BYTES + 1];
        assert!(matches!(
            RouteConf::parse(Some(&huge)),
            Err(RouteConfError::TooLarge { .. })
        ));
    }
}
