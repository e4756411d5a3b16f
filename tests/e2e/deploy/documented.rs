//! What operators read matches the code: the Grafana dashboard charts every documented
//! metric, and every metric and error kind in the code is documented.

use super::*;

#[test]
fn grafana_dashboard_charts_every_documented_metric() {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("apisix/grafana/promptgate.json")).expect("dashboard is JSON");
    let exprs: Vec<&str> = dashboard["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .filter_map(|t| t["expr"].as_str())
        .collect();
    let readme = read("apisix/README.md");
    for metric in [
        "promptgate_requests_total",
        "promptgate_blocked_total",
        "promptgate_redacted_total",
        "promptgate_scan_duration_seconds",
        "promptgate_cache_hits_total",
        "promptgate_cache_misses_total",
        "promptgate_redis_up",
        "promptgate_runner_errors_total",
        "promptgate_config_reloads_total",
        "promptgate_inflight",
    ] {
        assert!(
            exprs.iter().any(|e| e.contains(metric)),
            "no panel charts {metric}"
        );
        assert!(
            readme.contains(metric),
            "apisix/README.md documents {metric}"
        );
    }
}

/// Every string in `src/` that `pattern` captures (group 1).
fn source_strings(pattern: &str) -> std::collections::BTreeSet<String> {
    let pattern = regex::Regex::new(pattern).expect("pattern");
    let mut found = std::collections::BTreeSet::new();
    let mut dirs = vec![repo().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                for caps in pattern.captures_iter(&text) {
                    found.insert(caps[1].to_owned());
                }
            }
        }
    }
    found
}

/// The metrics reference names every metric the code records, the dashboard
/// charts each one, and every `kind` of `promptgate_runner_errors_total` has
/// a row saying what happened and what became of the request.
#[test]
fn every_metric_and_error_kind_in_the_code_is_documented() {
    let readme = read("apisix/README.md");
    let dashboard = read("apisix/grafana/promptgate.json");
    let metrics = source_strings(r#""(promptgate_[a-z0-9_]+)""#);
    assert!(metrics.len() >= 15, "{metrics:?}");
    for metric in &metrics {
        assert!(
            readme.contains(&format!("| `{metric}` |")),
            "apisix/README.md has no row for {metric}"
        );
        assert!(
            dashboard.contains(metric.as_str()),
            "no panel charts {metric}"
        );
    }
    let kinds = source_strings(r#"(?:record_runner_error|\.failure|\.failed)\("([a-z_]{3,})""#);
    assert!(
        kinds.contains("layer_slow") && kinds.contains("redis_timeout"),
        "{kinds:?}"
    );
    for kind in kinds
        .iter()
        .chain(["layer_timeout", "layer_error"].map(String::from).iter())
    {
        assert!(
            readme.contains(&format!("`{kind}`")),
            "apisix/README.md does not explain runner error kind {kind}"
        );
    }
}
