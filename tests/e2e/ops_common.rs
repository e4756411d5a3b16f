//! Helpers shared by the operations tests: runners with a metrics port,
//! scraping and reading Prometheus text, and reading replies.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::time::Duration;

use promptgate::protocol::peer::{Action, Reply};

use crate::support::redis::{RedisProcess, free_port, wait_until};
use crate::support::{Apisix, Runner, RunnerOptions, chat_body, continues};

/// A runner with `config`, metrics served on a free loopback port, and `env`.
pub fn runner_with_metrics(config: &str, env: &[(&str, &str)]) -> (Runner, u16) {
    let port = free_port();
    let mut all = vec![
        ("PROMPTGATE_METRICS_ENABLED".to_owned(), "true".to_owned()),
        (
            "PROMPTGATE_METRICS_LISTEN".to_owned(),
            format!("127.0.0.1:{port}"),
        ),
    ];
    all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let runner = Runner::start_with(RunnerOptions {
        config: config.to_owned(),
        env: all,
        socket: None,
    });
    (runner, port)
}

/// GETs `path` on 127.0.0.1:`port`; returns (status line, body).
pub fn http_get(port: u16, path: &str) -> (String, String) {
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to metrics endpoint");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, body.to_owned())
}

/// The Prometheus exposition of the runner.
pub fn scrape(port: u16) -> String {
    let (status, body) = http_get(port, "/metrics");
    assert!(status.contains("200"), "scrape failed: {status}");
    body
}

/// The value of the first sample of `name` whose labels contain every one of
/// `labels` (each as `key="value"`).
pub fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .find(|(series, _)| {
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            metric == name && labels.iter().all(|label| rest.contains(label))
        })
        .and_then(|(_, value)| value.parse().ok())
}

/// The value of an upstream request header a Rewrite sets.
pub fn rewrite_header(reply: &Reply, name: &[u8]) -> Option<String> {
    let Reply::ReqCall(resp) = reply else {
        return None;
    };
    let Action::Rewrite { headers, .. } = &resp.action else {
        return None;
    };
    headers
        .iter()
        .find(|h| h.name == name)
        .map(|h| String::from_utf8_lossy(h.value.as_deref().unwrap_or_default()).into_owned())
}

/// Audit lines of a runner log (JSON objects on the `promptgate::audit` target).
pub fn audit_lines(logs: &str) -> Vec<serde_json::Value> {
    logs.lines()
        .filter(|l| l.contains("promptgate::audit"))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Asks `first` and then `second` (whose metrics are on `port`) the same
/// `question`: the first runner's verdict must land in `redis` and be the
/// second's Redis hit. Returns the second runner's connection and token so a
/// test can go on asking it.
pub fn share_a_verdict_through_redis(
    first: &Runner,
    second: &Runner,
    port: u16,
    redis: &RedisProcess,
    question: &str,
) -> (Apisix, u32) {
    let body = chat_body(question);
    let mut a = first.connect();
    let token = a.token("{}");
    let (reply, _) = a.post(token, &body, &[]);
    assert!(continues(&reply));
    assert!(
        wait_until(Duration::from_secs(5), || redis.key_count() == 1),
        "the first runner did not write its verdict to redis"
    );
    let mut b = second.connect();
    let token = b.token("{}");
    let (reply, _) = b.post(token, &body, &[]);
    assert!(continues(&reply));
    let metrics = scrape(port);
    assert_eq!(
        sample(&metrics, "promptgate_cache_hits_total", &["tier=\"redis\""]),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(sample(&metrics, "promptgate_redis_up", &[]), Some(1.0));
    (b, token)
}
