//! The shipped deployment files work with this build: every promptgate conf value
//! in `apisix/apisix.yaml`, `apisix/admin-api.sh` and the Kubernetes ConfigMap is
//! accepted by the runner's own validation (parse + resolve against the config they
//! ship with), the standalone file and the Admin API script declare the same routes,
//! `apisix/promptgate.toml` explains every config key and passes
//! `promptgate check-config`, compose and Kubernetes share the socket directory
//! between APISIX and promptgate, the Grafana dashboard charts every documented
//! metric, and the mock upstream of `compose/` answers chat completions (plain and
//! streamed). One file per concept; the helpers they share live here.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use promptgate::pipeline::Engines;
use promptgate::policy::RouteConf;
use promptgate::runtime::{Runtime, read_config as load_config};
use serde::Deserialize;

use crate::support::{Runner, RunnerOptions, base_command, chat_body, stop_of};

pub(super) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(super) fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// `(route uri, promptgate value)` of every guarded route of apisix.yaml.
pub(super) fn yaml_route_values() -> Vec<(String, String)> {
    standalone_route_values(&read("apisix/apisix.yaml"))
}

/// `(route uri, promptgate value)` of every guarded route of a standalone APISIX
/// routes file.
pub(super) fn standalone_route_values(text: &str) -> Vec<(String, String)> {
    assert!(
        text.trim_end().ends_with("#END"),
        "standalone APISIX only loads apisix.yaml when it ends with #END"
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(text).expect("apisix.yaml is YAML");
    let routes = doc["routes"].as_sequence().expect("apisix.yaml has routes");
    let mut values = Vec::new();
    for route in routes {
        let uri = route["uri"].as_str().expect("every route has a uri");
        for name in ["ext-plugin-pre-req", "ext-plugin-post-resp"] {
            let plugin = &route["plugins"][name];
            if plugin.is_null() {
                continue;
            }
            for entry in plugin["conf"].as_sequence().expect("conf is a list") {
                assert_eq!(entry["name"].as_str(), Some("promptgate"), "route {uri}");
                let value = entry["value"].as_str().expect("value is a string");
                values.push((uri.to_owned(), value.to_owned()));
            }
        }
    }
    values
}

/// `(route uri, promptgate value)` of every guarded route the Admin API script PUTs.
pub(super) fn admin_route_values() -> Vec<(String, String)> {
    let text = read("apisix/admin-api.sh");
    let mut values = Vec::new();
    let mut rest = text.as_str();
    // Each call is `put <path> '<json>'`; the JSON ends at the first `}'`.
    while let Some(start) = rest.find("\nput ") {
        rest = &rest[start + 5..];
        let open = rest.find('\'').expect("put has a quoted body");
        let path = rest[..open].trim().to_owned();
        let body_end = rest[open + 1..].find("}'").expect("body ends with }'") + open + 2;
        let body = rest[open + 1..body_end].replace(r#""'"${upstream}"'""#, r#""host:1""#);
        rest = &rest[body_end..];
        let json: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("admin-api.sh body of {path} is not JSON: {e}"));
        for name in ["ext-plugin-pre-req", "ext-plugin-post-resp"] {
            let Some(conf) = json["plugins"][name]["conf"].as_array() else {
                continue;
            };
            let uri = json["uri"].as_str().expect("a guarded route has a uri");
            for entry in conf {
                assert_eq!(entry["name"], "promptgate", "{path}");
                let value = entry["value"].as_str().expect("value is a string");
                values.push((uri.to_owned(), value.to_owned()));
            }
        }
    }
    values
}

mod documented;
mod routes;
mod sample;
mod upstream;
