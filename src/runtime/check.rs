//! The checks only a layer can make of its section (a phone region its tables
//! know, a TLS file it can read), added to the configuration's own checks so
//! that start-up, `check-config` and reloads report every problem together.

use std::path::Path;

use super::settings::redis_options;
use crate::detect::cache::{PSEUDONYM_KEY_SETTING, PseudonymKey, VerdictCache};
use crate::detect::output::OutputGuard;
use crate::detect::pii::{UnknownRegion, is_known_region};
use crate::pipeline::output_config;
use crate::policy::{Config, ConfigErrors, load_config_checked, load_config_str_checked};

/// Reads the configuration like [`crate::policy::load_config`], with every
/// layer's own checks: what start-up, `check-config` and reloads use.
pub fn read_config(
    path: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Config, ConfigErrors> {
    load_config_checked(path, env, &layer_checks)
}

/// Like [`read_config`] for configuration text; `origin` names it in errors.
pub fn read_config_str(
    src: &str,
    origin: &str,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Config, ConfigErrors> {
    load_config_str_checked(src, origin, env, &layer_checks)
}

/// The layers' checks of `config`, each problem as `(key, problem)`.
pub fn layer_checks(config: &Config, invalid: &mut dyn FnMut(String, String)) {
    for region in &config.pii.phone_regions {
        if !is_known_region(region) {
            invalid(
                "pii.phone_regions".into(),
                UnknownRegion(region.clone()).to_string(),
            );
        }
    }
    let policies = std::iter::once(("policy".to_owned(), &config.policy)).chain(
        config
            .policies
            .iter()
            .map(|(n, p)| (format!("policies.{n}"), p)),
    );
    for (prefix, policy) in policies {
        if let Err(error) = OutputGuard::new(&output_config(&policy.response)) {
            invalid(format!("{prefix}.response"), error.to_string());
        }
    }
    let redis = &config.cache.redis;
    if redis.enabled
        && let Err(error) = VerdictCache::check_tls(&redis_options(redis))
    {
        invalid(error.key.into(), error.problem);
    }
    if !redis.pseudonym_key_file.is_empty()
        && let Err(error) = PseudonymKey::load(&redis.pseudonym_key_file)
    {
        invalid(PSEUDONYM_KEY_SETTING.into(), error.problem);
    }
}
