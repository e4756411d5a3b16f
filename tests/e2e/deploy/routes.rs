//! The shipped route confs (standalone file, Admin API script, Kubernetes ConfigMap,
//! the documented ai-promptgate route) are accepted by the runner's own validation, and
//! the checks used on them refuse a typo.

use super::*;

#[test]
fn every_shipped_route_conf_is_accepted_by_the_runner() {
    let config = load_config(Some(&repo().join("apisix/promptgate.toml")), Vec::new())
        .unwrap_or_else(|e| panic!("apisix/promptgate.toml: {e}"));
    let runtime = Runtime::build(config, 0, &Engines::none())
        .unwrap_or_else(|e| panic!("apisix/promptgate.toml does not compile: {e}"));
    let yaml = yaml_route_values();
    let admin = admin_route_values();
    let uris: Vec<&str> = yaml.iter().map(|(u, _)| u.as_str()).collect();
    for wanted in [
        "/v1/chat/completions",
        "/v1/responses",
        "/v1/messages",
        "/v1/embeddings",
    ] {
        assert!(uris.contains(&wanted), "apisix.yaml guards {wanted}");
    }
    assert_eq!(yaml, admin, "apisix.yaml and admin-api.sh declare the same");
    for (uri, value) in yaml.iter().chain(&admin) {
        let route = RouteConf::parse(Some(value.as_bytes()))
            .unwrap_or_else(|e| panic!("{uri}: {value}: {e}"));
        runtime
            .resolve(&route)
            .unwrap_or_else(|e| panic!("{uri}: {value}: {e}"));
    }
}

/// Resolves every value against a runtime built from `config` (TOML text).
fn assert_all_resolve(config: &str, origin: &str, values: &[(String, String)]) {
    let config = promptgate::runtime::read_config_str(config, origin, Vec::new())
        .unwrap_or_else(|e| panic!("{origin}: {e}"));
    let runtime = Runtime::build(config, 0, &Engines::none())
        .unwrap_or_else(|e| panic!("{origin} does not compile: {e}"));
    assert!(!values.is_empty(), "{origin}: no promptgate route values");
    for (uri, value) in values {
        let route = RouteConf::parse(Some(value.as_bytes()))
            .unwrap_or_else(|e| panic!("{origin}: {uri}: {value}: {e}"));
        runtime
            .resolve(&route)
            .unwrap_or_else(|e| panic!("{origin}: {uri}: {value}: {e}"));
    }
}

#[test]
fn kubernetes_example_shares_the_socket_and_its_configs_are_accepted() {
    let text = read("apisix/kubernetes/promptgate-apisix.yaml");
    let mut config_map = None;
    let mut deployment = None;
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let doc = serde_yaml::Value::deserialize(doc).expect("manifest is YAML");
        match doc["kind"].as_str() {
            Some("ConfigMap") => config_map = Some(doc),
            Some("Deployment") => deployment = Some(doc),
            _ => {}
        }
    }
    let config_map = config_map.expect("the manifest has a ConfigMap");
    let pod = &deployment.expect("the manifest has a Deployment")["spec"]["template"]["spec"];
    let sidecar = &pod["initContainers"][0];
    assert_eq!(
        sidecar["restartPolicy"].as_str(),
        Some("Always"),
        "native sidecar"
    );
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
        let command = &sidecar[probe]["exec"]["command"];
        assert_eq!(
            command[1].as_str(),
            Some("health"),
            "{probe} runs promptgate health"
        );
    }
    assert!(
        !sidecar["resources"]["limits"]["memory"].is_null(),
        "memory limit"
    );
    let socket_volume = pod["volumes"]
        .as_sequence()
        .expect("volumes")
        .iter()
        .find(|v| !v["emptyDir"].is_null())
        .and_then(|v| v["name"].as_str())
        .expect("an emptyDir socket volume");
    for container in [sidecar, &pod["containers"][0]] {
        let mounted = container["volumeMounts"]
            .as_sequence()
            .expect("volume mounts")
            .iter()
            .any(|m| {
                m["name"].as_str() == Some(socket_volume)
                    && m["mountPath"].as_str() == Some("/run/promptgate")
            });
        assert!(
            mounted,
            "{} mounts the socket volume",
            container["name"].as_str().unwrap_or("?")
        );
    }
    let data = &config_map["data"];
    let routes = standalone_route_values(data["apisix.yaml"].as_str().expect("apisix.yaml"));
    let toml = data["promptgate.toml"].as_str().expect("promptgate.toml");
    assert_all_resolve(toml, "kubernetes promptgate.toml", &routes);
    let apisix: serde_yaml::Value =
        serde_yaml::from_str(data["config.yaml"].as_str().expect("config.yaml")).expect("YAML");
    assert_eq!(
        apisix["ext-plugin"]["path_for_test"].as_str(),
        Some("/run/promptgate/promptgate.sock")
    );
}

#[test]
fn the_checks_used_on_shipped_values_refuse_a_typo() {
    // The test above would pass vacuously if parsing accepted anything.
    let config = load_config(Some(&repo().join("apisix/promptgate.toml")), Vec::new())
        .expect("sample config loads");
    let runtime = Runtime::build(config, 0, &Engines::none()).expect("sample config compiles");
    assert!(RouteConf::parse(Some(br#"{"polcy":"strict"}"#)).is_err());
    let unknown = RouteConf::parse(Some(br#"{"policy":"strikt"}"#)).expect("valid shape");
    assert!(runtime.resolve(&unknown).is_err());
}

/// The ai-promptgate route of apisix/README.md ("Streamed answers"): its plugin
/// `conf` object and its ext-plugin value are accepted by the runner's validation
/// with the sample config, as the OPEN of a StreamChunk would check them.
#[test]
fn the_documented_ai_promptgate_route_conf_is_accepted() {
    let readme = read("apisix/README.md");
    let start = readme
        .find("```yaml\n  - id: chat-streamed\n")
        .expect("apisix/README.md shows the chat-streamed route")
        + "```yaml\n".len();
    let block = &readme[start..];
    let block = &block[..block.find("```").expect("the block ends")];
    let routes: serde_yaml::Value = serde_yaml::from_str(block).expect("the route is YAML");
    let plugins = &routes[0]["plugins"];
    assert!(!plugins["ai-proxy"].is_null(), "the route uses ai-proxy");
    let conf: serde_json::Value =
        serde_yaml::from_value(plugins["ai-promptgate"]["conf"].clone()).expect("conf object");
    assert!(conf.is_object(), "ai-promptgate conf is an object: {conf}");
    let pre_req = plugins["ext-plugin-pre-req"]["conf"][0]["value"]
        .as_str()
        .expect("ext-plugin-pre-req value");
    let config = load_config(Some(&repo().join("apisix/promptgate.toml")), Vec::new())
        .unwrap_or_else(|e| panic!("apisix/promptgate.toml: {e}"));
    let runtime = Runtime::build(config, 0, &Engines::none())
        .unwrap_or_else(|e| panic!("apisix/promptgate.toml does not compile: {e}"));
    for (plugin, value) in [
        ("ai-promptgate", conf.to_string()),
        ("ext-plugin-pre-req", pre_req.to_owned()),
    ] {
        let route = RouteConf::parse(Some(value.as_bytes()))
            .unwrap_or_else(|e| panic!("{plugin}: {value}: {e}"));
        let policy = runtime
            .resolve(&route)
            .unwrap_or_else(|e| panic!("{plugin}: {value}: {e}"));
        assert!(
            policy.policy.config.response.enabled,
            "{plugin}: {value}: the documented policy inspects answers"
        );
    }
}
