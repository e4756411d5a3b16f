//! Compiling configurations into runtimes: shared layers, named policies,
//! fingerprints, and the layers' own checks.

use super::*;
use crate::pipeline::Engines;
use crate::policy::{Mode, RouteConf, load_config_str};
use crate::runtime::read_config_str;

fn runtime(src: &str) -> Runtime {
    let config = load_config_str(src, "t", Vec::new()).expect("valid config");
    Runtime::build(config, 1, &Engines::none()).expect("compiles")
}

/// A reload that changes only a policy keeps the compiled L1 and L1.5
/// (one copy in memory); one that changes the rules or the PII settings
/// compiles them again.
#[test]
fn a_rebuild_keeps_the_layers_whose_inputs_did_not_change() {
    let first = runtime("");
    let rebuilt = |src: &str| {
        let config = load_config_str(src, "t", Vec::new()).expect("valid config");
        Runtime::rebuild(config, 2, &Engines::none(), Some(&first)).expect("compiles")
    };
    let policy_only = rebuilt("[policy]\nmode = \"shadow\"\n");
    assert!(policy_only.pipeline.shares_layers_with(&first.pipeline));
    assert_eq!(
        policy_only.pipeline.fingerprint(),
        first.pipeline.fingerprint()
    );
    let new_rule = rebuilt(
        "[[rules.custom]]\nid = \"custom.x.y\"\ncategory = \"data_exfiltration\"\n\
         severity = \"high\"\nphrases = [\"purple elephant protocol\"]\n",
    );
    assert!(!new_rule.pipeline.shares_layers_with(&first.pipeline));
    assert_ne!(
        new_rule.pipeline.fingerprint(),
        first.pipeline.fingerprint()
    );
    let strict_phones = rebuilt("[pii]\nphone_strict = true\n");
    assert!(!strict_phones.pipeline.shares_layers_with(&first.pipeline));
}

#[test]
fn routes_select_named_policies_and_override_keys() {
    let rt = runtime("[policies.strict]\nmax_body_bytes = 100\n");
    let route = RouteConf {
        policy: Some("strict".into()),
        mode: Some(Mode::Shadow),
        ..RouteConf::default()
    };
    let resolved = rt.resolve(&route).expect("known policy");
    assert_eq!(&*resolved.policy.name, "strict");
    assert_eq!(resolved.max_body_bytes, 100);
    assert_eq!(resolved.mode, Mode::Shadow);
    assert_eq!(
        rt.resolve(&RouteConf {
            policy: Some("nope".into()),
            ..RouteConf::default()
        })
        .expect_err("unknown"),
        ResolveError::UnknownPolicy("nope".into())
    );
    assert!(
        rt.resolve(&RouteConf {
            api: Some("cohere".into()),
            ..RouteConf::default()
        })
        .is_err()
    );
}

#[test]
fn fingerprints_change_with_verdict_settings_but_not_mode() {
    let a = runtime("");
    let b = runtime("[policy]\nmode = \"shadow\"\n");
    let c = runtime("[policy.l1]\nmin_severity = \"high\"\n");
    let fp = |rt: &Runtime| {
        rt.resolve(&RouteConf::default())
            .expect("default")
            .fingerprint
    };
    assert_eq!(fp(&a), fp(&b));
    assert_ne!(fp(&a), fp(&c));
    let openai = a
        .resolve(&RouteConf {
            api: Some("openai".into()),
            ..RouteConf::default()
        })
        .expect("valid api");
    assert_ne!(openai.fingerprint, fp(&a));
}

#[test]
fn tls_keys_have_environment_overrides_and_bad_files_are_config_errors() {
    let env = [
        ("PROMPTGATE_CACHE_REDIS_ENABLED", "true"),
        ("PROMPTGATE_CACHE_REDIS_TLS", "true"),
        ("PROMPTGATE_CACHE_REDIS_TLS_INSECURE", "true"),
        ("PROMPTGATE_CACHE_REDIS_TLS_CA_FILE", "/nonexistent/ca.pem"),
        ("PROMPTGATE_CACHE_REDIS_TLS_CERT_FILE", "/nonexistent/c.pem"),
        ("PROMPTGATE_CACHE_REDIS_TLS_KEY_FILE", "/nonexistent/c.key"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let text = read_config_str("", "t", env)
        .expect_err("the files do not exist")
        .to_string();
    assert!(
        text.contains("cache.redis.tls_ca_file: cannot read /nonexistent/ca.pem"),
        "{text}"
    );
    let env = [
        ("PROMPTGATE_CACHE_REDIS_ENABLED", "true"),
        ("PROMPTGATE_CACHE_REDIS_TLS", "true"),
        ("PROMPTGATE_CACHE_REDIS_TLS_INSECURE", "true"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let config = read_config_str("", "t", env).expect("TLS without files is valid");
    assert!(config.cache.redis.tls && config.cache.redis.tls_insecure);
    // Disabled Redis is not checked, files or not.
    read_config_str(
        "[cache.redis]\ntls_ca_file = \"/nonexistent\"\n",
        "t",
        Vec::new(),
    )
    .expect("disabled Redis is not checked");
}

#[test]
fn phone_regions_are_checked_overridable_and_part_of_the_fingerprint() {
    let text = read_config_str("[pii]\nphone_regions = [\"DE\", \"XX\"]\n", "t", Vec::new())
        .expect_err("XX is no region")
        .to_string();
    assert!(
        text.contains("pii.phone_regions") && text.contains("\"XX\""),
        "{text}"
    );
    let env =
        [("PROMPTGATE_PII_PHONE_REGIONS", "pl, de")].map(|(k, v)| (k.to_owned(), v.to_owned()));
    let config = read_config_str("", "t", env).expect("valid override");
    assert_eq!(config.pii.phone_regions, ["pl", "de"]);
    assert_ne!(
        default_route_fingerprint(""),
        default_route_fingerprint("[pii]\nphone_regions = [\"PL\"]\n")
    );
    assert_ne!(
        default_route_fingerprint(""),
        default_route_fingerprint("[pii]\nphone_strict = true\n")
    );
}

/// The fingerprint of the default route's policy under the config `src`.
fn default_route_fingerprint(src: &str) -> [u8; 32] {
    let config = read_config_str(src, "t", Vec::new()).expect("valid");
    let runtime = Runtime::build(config, 1, &Engines::none()).expect("compiles");
    runtime
        .resolve(&RouteConf::default())
        .expect("default")
        .fingerprint
}

#[test]
fn budgets_do_not_change_the_fingerprint() {
    assert_eq!(
        default_route_fingerprint(""),
        default_route_fingerprint("[policy.budgets]\nl1_ms = 0\n")
    );
    assert_ne!(
        default_route_fingerprint(""),
        default_route_fingerprint("[policy]\nmax_body_bytes = 7\n")
    );
}

/// The start-up order (rules first, then L2) serves exactly what a direct
/// build with the loaded engines serves: the same detectors, L2 included.
#[test]
fn the_first_runtime_equals_a_direct_build_with_its_engines() {
    let config = load_config_str("", "t", Vec::new()).expect("valid config");
    let engines = Engines::load(&config).expect("L2 is not required by default");
    let direct = Runtime::build(config.clone(), 1, &engines).expect("compiles");
    let started = Runtime::start(config).expect("starts");
    assert_eq!(
        started.pipeline.fingerprint(),
        direct.pipeline.fingerprint()
    );
    assert_eq!(
        started.engines.classifier.is_some(),
        engines.classifier.is_some()
    );
    assert_eq!(
        started.pipeline.l2_threshold().is_some(),
        engines.classifier.is_some()
    );
    assert_eq!(started.generation, 1);
}
