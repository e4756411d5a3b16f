//! `promptgate bench` end to end: the load generator starts child runners of
//! the same binary, loads them for a short window and reports JSON whose
//! numbers must be sane.

use std::time::Duration;

use crate::support::base_command;

#[test]
fn bench_reports_sane_numbers_for_every_baseline() {
    let report = bench_json(&[
        "--scenarios",
        "noop,miss,hit",
        "--sizes",
        "1k",
        "--duration",
        "1s",
        "--warmup",
        "300ms",
        "--connections",
        "2",
        "--rate",
        "50%",
    ]);
    let rows = report["rows"].as_array().expect("rows");
    // Closed loop and open loop at half of it, for each of three baselines.
    assert_eq!(rows.len(), 6, "{report:#}");
    for row in rows {
        let name = format!("{} {}", row["scenario"], row["mode"]);
        let decisions = row["decisions"].as_u64().expect("decisions");
        assert!(decisions > 0, "{name}: no decisions");
        assert_eq!(row["errors"], 0, "{name}: {}", row["first_error"]);
        let dps = row["decisions_per_sec"].as_f64().expect("rate");
        assert!(dps > 0.0, "{name}");
        let lat = &row["latency_us"];
        let p = |q: &str| lat[q].as_f64().expect("percentile");
        assert!(p("p50") > 0.0, "{name}: {lat}");
        assert!(
            p("p50") <= p("p90")
                && p("p90") <= p("p99")
                && p("p99") <= p("p999")
                && p("p999") <= p("max"),
            "{name}: percentiles out of order: {lat}"
        );
        // No decision takes a second on an idle runner.
        assert!(
            p("p50") < Duration::from_secs(1).as_micros() as f64,
            "{name}: {lat}"
        );
        let rss = row["runner_peak_rss_mib"].as_f64().expect("runner RSS");
        assert!(rss > 1.0 && rss < 1024.0, "{name}: RSS {rss} MiB");
        assert!(
            row["runner_cpu_us_per_decision"].as_f64().is_some(),
            "{name}"
        );
        let outcomes = ["allowed", "blocked", "rewritten"]
            .iter()
            .map(|k| row[k].as_u64().expect("count"))
            .sum::<u64>();
        assert_eq!(outcomes, decisions, "{name}");
    }
    let scenario = |s: &str, mode: &str| {
        rows.iter()
            .find(|r| r["scenario"] == s && r["mode"] == mode)
            .unwrap_or_else(|| panic!("no {s} {mode} row"))
    };
    // The floor is the floor: continue only, compared with itself at 1.0.
    let noop = scenario("noop", "closed");
    assert_eq!(noop["blocked"], 0);
    assert_eq!(noop["rewritten"], 0);
    assert_eq!(noop["ratio_to_floor"], 1.0);
    // The waterfall does see the attacks and PII of the default mix.
    let miss = scenario("miss", "closed");
    assert!(miss["blocked"].as_u64().expect("blocked") > 0, "{miss}");
    assert!(miss["ratio_to_floor"].as_f64().is_some_and(|r| r > 0.0));
    let open = scenario("miss", "open");
    let target = open["target_rate"].as_f64().expect("open loop has a rate");
    let closed = miss["decisions_per_sec"].as_f64().expect("rate");
    assert!((target - closed / 2.0).abs() < 1.0, "{target} vs {closed}");
}

#[test]
fn bench_loads_both_request_rpcs_with_the_same_bodies() {
    let report = bench_json(&[
        "--scenarios",
        "miss",
        "--rpc",
        "ext,request",
        "--sizes",
        "1k",
        "--duration",
        "1s",
        "--warmup",
        "300ms",
        "--connections",
        "2",
        "--mix",
        "benign=50,attack=25,pii=25",
    ]);
    let rows = report["rows"].as_array().expect("rows");
    let names: Vec<&str> = rows.iter().filter_map(|r| r["scenario"].as_str()).collect();
    assert_eq!(names, ["miss", "miss+request"], "{report:#}");
    for row in rows {
        let name = &row["scenario"];
        assert_eq!(row["errors"], 0, "{name}: {}", row["first_error"]);
        // Every kind of decision came back and was read, on both RPCs.
        for kind in ["allowed", "blocked", "rewritten"] {
            assert!(
                row[kind].as_u64().expect(kind) > 0,
                "{name}: no {kind}: {row}"
            );
        }
        assert!(
            row["runner_cpu_us_per_decision"].as_f64().is_some(),
            "{name}: runner CPU per decision"
        );
    }
}

/// Runs `promptgate bench` with `args` and `--json` in a temporary directory
/// (the corpus from the environment or the repository) and returns its report;
/// a failed run fails the test with its stderr.
fn bench_json(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = base_command(dir.path());
    if let Some(corpus) = promptgate::eval::corpus_dir() {
        cmd.env("PROMPTGATE_CORPUS_DIR", corpus);
    }
    let output = cmd
        .arg("bench")
        .args(args)
        .arg("--json")
        .stdout(std::process::Stdio::piped())
        .output()
        .expect("run promptgate bench");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bench failed: {stderr}");
    serde_json::from_slice(&output.stdout).expect("bench prints JSON")
}
