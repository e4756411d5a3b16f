//! Privacy (issue 4, item 6): the corpus PII values and attack texts go
//! through a runner with debug logs, audit, metrics and a Redis tier, and none
//! of them may appear in the logs, the metrics or Redis.

use std::time::Duration;

use crate::ops_common::{runner_with_metrics, scrape};
use crate::support::redis::{RedisProcess, wait_until};
use crate::support::{chat_body, corpus};

/// The annotated PII values of a record (code-point spans).
fn pii_values(record: &serde_json::Value) -> Vec<String> {
    let text = record["text"].as_str().unwrap_or_default();
    let chars: Vec<char> = text.chars().collect();
    record["pii"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|span| {
            let start = usize::try_from(span["start"].as_u64()?).ok()?;
            let end = usize::try_from(span["end"].as_u64()?).ok()?;
            chars.get(start..end).map(|c| c.iter().collect())
        })
        .collect()
}

/// The needles a leak would show: every PII value of 6+ characters, and for
/// attacks the full text and a 24-character slice of it, each also in its
/// JSON-escaped form (logs are JSON).
fn needles() -> Vec<String> {
    let mut out = Vec::new();
    for record in corpus::lines("pii.jsonl") {
        out.extend(
            pii_values(&record)
                .into_iter()
                .filter(|v| v.chars().count() >= 6),
        );
    }
    for record in corpus::lines("attacks.jsonl") {
        let text = record["text"].as_str().unwrap_or_default();
        if text.chars().count() >= 24 {
            out.push(text.chars().take(24).collect());
            out.push(text.to_owned());
        }
    }
    let escaped: Vec<String> = out
        .iter()
        .filter_map(|n| {
            let json = serde_json::to_string(n).ok()?;
            Some(json[1..json.len() - 1].to_owned())
        })
        .filter(|e| !out.contains(e))
        .collect();
    out.extend(escaped);
    out.sort();
    out.dedup();
    out
}

fn leaks<'a>(haystack: &str, needles: &'a [String]) -> Vec<&'a str> {
    needles
        .iter()
        .filter(|n| haystack.contains(n.as_str()))
        .map(String::as_str)
        .collect()
}

#[test]
fn no_pii_value_or_attack_text_reaches_logs_metrics_or_redis() {
    let needles = needles();
    assert!(needles.len() > 1000, "too few needles: {}", needles.len());
    // The detector works: a planted value is found.
    assert_eq!(leaks(&format!("x{}y", needles[0]), &needles).len(), 1);

    let redis = RedisProcess::server();
    let config = format!(
        "[server]\nfetch_vars = [\"consumer_name\"]\n[cache.redis]\nenabled = true\nurl = \"{}\"\n[policies.shadow]\nmode = \"shadow\"\n",
        redis.url()
    );
    let (runner, port) = runner_with_metrics(&config, &[("PROMPTGATE_LOG_LEVEL", "trace")]);
    assert!(wait_until(Duration::from_secs(10), || runner
        .logs()
        .contains("redis cache tier up")));
    let mut apisix = runner.connect();
    let enforce = apisix.token("{}");
    let shadow = apisix.token(r#"{"policy":"shadow"}"#);
    let openai = apisix.token(r#"{"api":"openai"}"#);
    let mut sent = 0;
    for record in corpus::lines("pii.jsonl")
        .iter()
        .chain(&corpus::lines("attacks.jsonl"))
    {
        let text = record["text"].as_str().unwrap_or_default();
        let token = [enforce, shadow][sent % 2];
        apisix.post(token, &chat_body(text), &[]);
        sent += 1;
    }
    // Raw (non-JSON) bodies on a named-API route take the malformed-body path.
    for record in corpus::lines("pii.jsonl").iter().take(50) {
        let text = record["text"].as_str().unwrap_or_default();
        apisix.post(openai, text.as_bytes(), &[]);
    }
    assert!(sent > 1000);
    assert!(wait_until(Duration::from_secs(10), || redis.key_count() > 0));

    let logs = runner.logs();
    assert!(logs.contains("promptgate::audit"), "audit events expected");
    let found = leaks(&logs, &needles);
    assert!(
        found.is_empty(),
        "logs leak {} values, e.g. {:?}",
        found.len(),
        &found[..found.len().min(3)]
    );
    let metrics = scrape(port);
    let found = leaks(&metrics, &needles);
    assert!(
        found.is_empty(),
        "metrics leak {:?}",
        &found[..found.len().min(3)]
    );
    let mut stored = String::new();
    for (key, value) in redis.dump() {
        stored.push_str(&String::from_utf8_lossy(&key));
        stored.push('\n');
        stored.push_str(&String::from_utf8_lossy(&value));
        stored.push('\n');
    }
    let found = leaks(&stored, &needles);
    assert!(
        found.is_empty(),
        "redis leaks {:?}",
        &found[..found.len().min(3)]
    );
}
