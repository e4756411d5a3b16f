//! The answer path as an operator sees it: the scan-response CLI and the metrics with
//! direction response.

use super::*;

/// [`config`] with L2 off (a CLI run loads the detectors itself).
fn config_text_l2_off() -> String {
    config("") + "[policy.l2]\nenabled = false\n"
}

#[test]
fn scan_response_reads_an_answer_file_like_the_answer_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("promptgate.toml");
    std::fs::write(&config, config_text_l2_off()).expect("write config");
    let answer = dir.path().join("answer.sse");
    std::fs::write(
        &answer,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"mail maria.lo\"}}]}\n\n\
         data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"pez@example.org\"}}]}\n\n",
    )
    .expect("write answer");
    let out = crate::support::base_command(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["scan", "--response", "--show-redacted"])
        .arg(&answer)
        .stdout(std::process::Stdio::piped())
        .output()
        .expect("run promptgate scan");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["verdict"], "redact");
    assert_eq!(report["roles"], serde_json::json!(["assistant"]));
    assert_eq!(report["findings"][0]["role"], "assistant");
    let body = report["redacted_body"]
        .as_str()
        .expect("the rewritten answer");
    assert!(
        body.contains("[EMAIL_1]") && !body.contains("maria"),
        "{body}"
    );

    // A canary in a JSON answer: blocked, exit 1.
    let canary = dir.path().join("answer.json");
    std::fs::write(&canary, completion(&format!("it is {CANARY}"))).expect("write");
    let out = crate::support::base_command(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["scan", "--response", "--content-type", "application/json"])
        .arg(&canary)
        .stdout(std::process::Stdio::piped())
        .output()
        .expect("run promptgate scan");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["code"], "canary_leak");
}

#[test]
fn answers_are_counted_with_direction_response() {
    use crate::ops_common::{runner_with_metrics, sample, scrape};
    let (runner, port) = runner_with_metrics(&config(""), &[]);
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let leak = completion(&format!("it is {CANARY}"));
    let (reply, _) = apisix.resp_call(token, 200, &entries(&json_headers(leak.len())), Some(&leak));
    assert_eq!(answer_of(reply).status, 502);
    let pii = completion(EMAIL);
    let (reply, _) = apisix.resp_call(token, 200, &entries(&json_headers(pii.len())), Some(&pii));
    assert!(!answer_of(reply).body.is_empty());

    let text = scrape(port);
    let response = "direction=\"response\"";
    assert_eq!(
        sample(
            &text,
            "promptgate_requests_total",
            &[response, "verdict=\"block\""]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "promptgate_blocked_total",
            &[response, "layer=\"output\"", "category=\"canary_leak\""]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "promptgate_redacted_total",
            &[response, "type=\"EMAIL\""]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "promptgate_requests_total",
            &["direction=\"request\""]
        ),
        None,
        "no request was decided"
    );
    // Audited as answers, by identifiers only.
    let logs = runner.logs();
    let audit = crate::ops_common::audit_lines(&logs);
    assert!(
        audit
            .iter()
            .any(|a| a["direction"] == "response" && a["code"] == "canary_leak"),
        "{audit:?}"
    );
    assert!(!logs.contains(CANARY) && !logs.contains(EMAIL), "{logs}");
}
