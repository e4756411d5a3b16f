//! Shadow mode and both fail modes end to end through the socket (issue 4,
//! item 2). A layer failure is forced deterministically with a zero budget
//! (`policy.budgets.l1_ms = 0`, the documented fault drill).

use crate::ops_common::{audit_lines, rewrite_header};
use crate::support::{Runner, chat_body, continues, stop_of};

const DRILL: &str = r#"
[policy.budgets]
l1_ms = 0
[policies.open]
fail_open = true
[policies.open.budgets]
l1_ms = 0
[policies.healthy]
fail_open = false
[policies.healthy.budgets]
l1_ms = 1000
"#;

#[test]
fn a_failing_layer_blocks_with_503_when_closed_and_passes_when_open() {
    let runner = Runner::start(DRILL);
    let mut apisix = runner.connect();
    let closed = apisix.token("{}");
    let open = apisix.token(r#"{"policy":"open"}"#);
    let healthy = apisix.token(r#"{"policy":"healthy"}"#);
    let body = chat_body("hello there");
    let (reply, _) = apisix.post(closed, &body, &[]);
    let (status, json) = stop_of(&reply).expect("fail closed blocks");
    assert_eq!(status, 503);
    assert_eq!(json["error"]["code"], "scanner_unavailable");
    assert_eq!(json["error"]["layer"], "L1");
    assert!(!json.to_string().contains("hello"));
    let (reply, _) = apisix.post(open, &body, &[]);
    assert!(continues(&reply), "fail open lets it through: {reply:?}");
    assert_eq!(rewrite_header(&reply, b"x-promptgate-shadow"), None);
    let (reply, _) = apisix.post(healthy, &body, &[]);
    assert!(continues(&reply));
    // A fail-open allow is never cached: the next call fails open again.
    let (reply, _) = apisix.post(open, &body, &[]);
    assert!(continues(&reply));
    let logs = runner.logs();
    assert_eq!(logs.matches("detection layer failed").count(), 3, "{logs}");
    let verdicts: Vec<String> = audit_lines(&logs)
        .iter()
        .map(|e| format!("{}:{}", e["verdict"], e["cached"]))
        .collect();
    assert_eq!(
        verdicts,
        [
            "\"block\":false",
            "\"allow\":false",
            "\"allow\":false",
            "\"allow\":false"
        ]
    );
}

#[test]
fn shadow_mode_reports_a_fail_closed_block_and_lets_the_request_through() {
    let runner = Runner::start(DRILL);
    let mut apisix = runner.connect();
    let shadow = apisix.token(r#"{"mode":"shadow"}"#);
    let (reply, _) = apisix.post(shadow, &chat_body("hello"), &[]);
    assert!(continues(&reply), "{reply:?}");
    let note = rewrite_header(&reply, b"x-promptgate-shadow").expect("shadow note");
    assert!(
        note.starts_with("would-block; layer=L1") && note.contains("scanner_unavailable"),
        "{note}"
    );
    let audit = audit_lines(&runner.logs());
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["verdict"], "shadow_block");
    assert_eq!(audit[0]["mode"], "shadow");
    assert_eq!(audit[0]["layer"], "L1");
}

#[test]
fn the_global_mode_can_be_shadow_and_a_route_can_enforce() {
    let runner = Runner::start("[policy]\nmode = \"shadow\"\nmax_body_bytes = 10\n");
    let mut apisix = runner.connect();
    let global = apisix.token("{}");
    let enforce = apisix.token(r#"{"mode":"enforce"}"#);
    let body = chat_body("a body longer than ten bytes");
    let (reply, _) = apisix.post(global, &body, &[]);
    let note = rewrite_header(&reply, b"x-promptgate-shadow").expect("shadow note");
    assert!(note.starts_with("would-block; layer=gate"), "{note}");
    let (reply, _) = apisix.post(enforce, &body, &[]);
    assert_eq!(stop_of(&reply).map(|s| s.0), Some(413));
}
