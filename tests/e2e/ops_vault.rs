//! Reversible redaction across runners (issue 17, item 4): two runners share
//! one real Redis and one pseudonym key file; the runner that sees the
//! request seals its mapping into Redis and the one that gets the answer
//! restores the values, also over the cache tier's mutual TLS. Redis never
//! holds a value in clear, a runner without the key leaves the placeholders,
//! and a Redis that is down fails nothing.

use std::time::{Duration, Instant};

use promptgate::protocol::Entry;
use promptgate::protocol::peer::{Action, Reply};
use serde_json::{Value, json};

use crate::ops_common::{runner_with_metrics, sample, scrape};
use crate::support::redis::{ClientAuth, RedisProcess, TlsFiles, wait_until};
use crate::support::{Apisix, Runner, chat_body};

const EMAIL: &str = "maria.lopez@example.org";
const KEY_HEX: &str = "8f2c4b1e9a7d3c5b0e6f1a2d4c8b7e9f3a5d1c0b2e4f6a8d9c7b5e3f1a0d2c4b";

/// A key file in `dir` holding `hex`.
fn key_file(dir: &tempfile::TempDir, hex: &str) -> String {
    let path = dir.path().join("pseudonym.key");
    std::fs::write(&path, format!("{hex}\n")).expect("write key");
    path.display().to_string()
}

/// Reversible redaction on, answers inspected, the cache's Redis at `url`,
/// and the pseudonym key file when given.
fn config(url: &str, key_file: Option<&str>) -> String {
    config_with(url, key_file, "")
}

/// [`config`] with more `[cache.redis]` lines (TLS settings).
fn config_with(url: &str, key_file: Option<&str>, more: &str) -> String {
    let key = key_file
        .map(|k| format!("pseudonym_key_file = {k:?}\n"))
        .unwrap_or_default()
        + more;
    format!(
        "[policy.pii]\nreversible = true\n\
         [cache.redis]\nenabled = true\nurl = \"{url}\"\ntimeout_ms = 200\n\
         breaker_failures = 2\nbreaker_cooldown_ms = 300\n{key}"
    )
}

fn wait_redis_up(runner: &Runner) {
    assert!(
        wait_until(Duration::from_secs(10), || runner
            .logs()
            .contains("redis cache tier up")),
        "runner never connected to redis: {}",
        runner.logs()
    );
}

/// Sends a chat request naming [`EMAIL`] with APISIX's `request_id`, and
/// returns the body that would go upstream (placeholders in place).
fn request(apisix: &mut Apisix, token: u32, request_id: &str) -> String {
    let body = chat_body(&format!("Draft a reply to {EMAIL}, please."));
    let (reply, _) = apisix.post_with_vars(token, &body, &[], &[("request_id", request_id)]);
    let Reply::ReqCall(resp) = reply else {
        panic!("expected a call reply, got {reply:?}");
    };
    let Action::Rewrite {
        body: Some(upstream),
        ..
    } = &resp.action
    else {
        panic!("expected a rewrite, got {:?}", resp.action);
    };
    let upstream = String::from_utf8_lossy(upstream).into_owned();
    assert!(
        upstream.contains("[EMAIL_1]") && !upstream.contains(EMAIL),
        "{upstream}"
    );
    upstream
}

/// Sends the model's answer (a whole chat completion using `[EMAIL_1]`) for
/// `request_id`; returns the content the user reads.
fn answer(apisix: &mut Apisix, token: u32, request_id: &str) -> String {
    let upstream = serde_json::to_vec(&json!({
        "id": "chatcmpl-1", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant",
            "content": "Dear [EMAIL_1], thank you."}, "finish_reason": "stop"}]
    }))
    .expect("serialize");
    let len = upstream.len().to_string();
    let headers: Vec<Entry<'_>> = vec![
        (b"content-type", Some(b"application/json")),
        (b"content-length", Some(len.as_bytes())),
    ];
    let (reply, _) = apisix.resp_call_with(
        token,
        200,
        &headers,
        Some(&upstream),
        &[("request_id", request_id)],
        None,
    );
    let Reply::RespCall(resp) = reply else {
        panic!("expected an HTTPRespCall reply, got {reply:?}");
    };
    let body = if resp.body.is_empty() {
        upstream
    } else {
        resp.body
    };
    let doc: Value = serde_json::from_slice(&body).expect("JSON answer");
    doc["choices"][0]["message"]["content"]
        .as_str()
        .expect("content")
        .to_owned()
}

/// The vault's keys in Redis with their values.
fn sealed_mappings(redis: &RedisProcess) -> Vec<(Vec<u8>, Vec<u8>)> {
    redis
        .dump()
        .into_iter()
        .filter(|(k, _)| k.starts_with(b"promptgate:v1:pseudonym:"))
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[test]
fn an_answer_on_another_runner_gets_its_values_back_and_redis_holds_none_in_clear() {
    let redis = RedisProcess::server();
    let keys = tempfile::tempdir().expect("temp dir");
    let key = key_file(&keys, KEY_HEX);
    let config = config(&redis.url(), Some(&key));
    let first = Runner::start(&config);
    let second = Runner::start(&config);
    wait_redis_up(&first);
    wait_redis_up(&second);
    assert!(
        first
            .logs()
            .contains("mappings are also kept, sealed, in redis")
    );

    let request_id = "9f1c0de4a7b2c3d4";
    let mut a = first.connect();
    let token_a = a.token("{}");
    request(&mut a, token_a, request_id);
    assert!(
        wait_until(Duration::from_secs(5), || sealed_mappings(&redis).len()
            == 1),
        "{:?}",
        redis.dump()
    );
    // Nothing in Redis shows the value or the request id, in keys or values.
    for (k, v) in redis.dump() {
        for secret in [EMAIL, "maria.lopez", "example.org", request_id] {
            assert!(
                !contains(&k, secret) && !contains(&v, secret),
                "{secret} in {}",
                String::from_utf8_lossy(&k)
            );
        }
    }
    let (k, _) = &sealed_mappings(&redis)[0];
    assert_eq!(k.len(), "promptgate:v1:pseudonym:".len() + 64);

    // The answer reaches the other runner, which never saw the request.
    let mut b = second.connect();
    let token_b = b.token("{}");
    assert_eq!(
        answer(&mut b, token_b, request_id),
        format!("Dear {EMAIL}, thank you.")
    );
    // Handed out once: read and deleted.
    assert!(sealed_mappings(&redis).is_empty());
    assert_eq!(
        answer(&mut b, token_b, request_id),
        "Dear [EMAIL_1], thank you."
    );
    for runner in [&first, &second] {
        let logs = runner.logs();
        assert!(
            !logs.contains(EMAIL) && !logs.contains(KEY_HEX) && !logs.contains(request_id),
            "{logs}"
        );
    }

    // The runner that saw a request answers from its own copy and drops the
    // sealed one, so no other runner can restore the same answer again.
    let again = "0a1b2c3d4e5f6a7b";
    request(&mut a, token_a, again);
    assert!(wait_until(Duration::from_secs(5), || sealed_mappings(
        &redis
    )
    .len()
        == 1));
    assert_eq!(
        answer(&mut a, token_a, again),
        format!("Dear {EMAIL}, thank you.")
    );
    assert!(wait_until(Duration::from_secs(5), || sealed_mappings(
        &redis
    )
    .is_empty()));
    assert_eq!(answer(&mut b, token_b, again), "Dear [EMAIL_1], thank you.");
}

#[test]
fn mappings_travel_over_the_cache_tiers_mutual_tls_connection() {
    let files = TlsFiles::generate();
    let redis = RedisProcess::server_tls(&files, ClientAuth::Required);
    let keys = tempfile::tempdir().expect("temp dir");
    let key = key_file(&keys, KEY_HEX);
    let tls = format!(
        "tls_ca_file = {}\ntls_cert_file = {}\ntls_key_file = {}\n",
        files.toml_path("ca.pem"),
        files.toml_path("client.pem"),
        files.toml_path("client.key")
    );
    let config = config_with(&redis.url(), Some(&key), &tls);
    let first = Runner::start(&config);
    let second = Runner::start(&config);
    wait_redis_up(&first);
    wait_redis_up(&second);
    let mut a = first.connect();
    let token_a = a.token("{}");
    request(&mut a, token_a, "tls-request-1");
    assert!(wait_until(Duration::from_secs(5), || sealed_mappings(
        &redis
    )
    .len()
        == 1));
    let mut b = second.connect();
    let token_b = b.token("{}");
    assert_eq!(
        answer(&mut b, token_b, "tls-request-1"),
        format!("Dear {EMAIL}, thank you.")
    );
}

#[test]
fn without_the_key_file_or_with_another_key_the_placeholders_stay() {
    let redis = RedisProcess::server();
    let keys = tempfile::tempdir().expect("temp dir");
    let key = key_file(&keys, KEY_HEX);
    let first = Runner::start(&config(&redis.url(), Some(&key)));
    let keyless = Runner::start(&config(&redis.url(), None));
    let other_keys = tempfile::tempdir().expect("temp dir");
    let other_key = key_file(&other_keys, &KEY_HEX.replace('8', "7"));
    let (other, port) = runner_with_metrics(&config(&redis.url(), Some(&other_key)), &[]);
    for runner in [&first, &keyless, &other] {
        wait_redis_up(runner);
    }
    assert!(
        keyless
            .logs()
            .contains("cache.redis.pseudonym_key_file is not set"),
        "{}",
        keyless.logs()
    );

    // A runner without the key neither writes nor reads mappings in Redis.
    let mut k = keyless.connect();
    let token_k = k.token("{}");
    request(&mut k, token_k, "keyless-request-1");
    std::thread::sleep(Duration::from_millis(300));
    assert!(sealed_mappings(&redis).is_empty(), "{:?}", redis.dump());

    let mut a = first.connect();
    let token_a = a.token("{}");
    request(&mut a, token_a, "shared-request-1");
    request(&mut a, token_a, "shared-request-2");
    assert!(wait_until(Duration::from_secs(5), || sealed_mappings(
        &redis
    )
    .len()
        == 2));
    assert_eq!(
        answer(&mut k, token_k, "shared-request-1"),
        "Dear [EMAIL_1], thank you."
    );
    // Another key: the sealed mapping does not open (and is counted).
    let mut o = other.connect();
    let token_o = o.token("{}");
    assert_eq!(
        answer(&mut o, token_o, "shared-request-2"),
        "Dear [EMAIL_1], thank you."
    );
    assert_eq!(
        sample(
            &scrape(port),
            "promptgate_runner_errors_total",
            &["kind=\"pseudonym_unreadable\""]
        ),
        Some(1.0)
    );
}

#[test]
fn a_redis_that_is_down_fails_neither_call() {
    let mut redis = RedisProcess::server();
    let keys = tempfile::tempdir().expect("temp dir");
    let key = key_file(&keys, KEY_HEX);
    let config = config(&redis.url(), Some(&key));
    let first = Runner::start(&config);
    let (second, port) = runner_with_metrics(&config, &[]);
    wait_redis_up(&first);
    wait_redis_up(&second);
    redis.kill();

    let mut a = first.connect();
    let token_a = a.token("{}");
    let mut b = second.connect();
    let token_b = b.token("{}");
    let started = Instant::now();
    for i in 0..5 {
        let id = format!("down-{i}");
        request(&mut a, token_a, &id);
        // The runner that saw the request still restores from its own copy.
        assert_eq!(
            answer(&mut a, token_a, &id),
            format!("Dear {EMAIL}, thank you.")
        );
        // Another runner cannot, and its answer passes with the placeholders.
        request(&mut a, token_a, &format!("{id}-elsewhere"));
        assert_eq!(
            answer(&mut b, token_b, &format!("{id}-elsewhere")),
            "Dear [EMAIL_1], thank you."
        );
    }
    // Each Redis operation is bounded by its 200 ms timeout, and the breaker
    // keeps most out.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // The runner that tried to read the mapping counted the failure.
    let metrics = scrape(port);
    assert!(
        sample(
            &metrics,
            "promptgate_runner_errors_total",
            &["kind=\"pseudonym_redis_error\""]
        )
        .is_some_and(|n| n >= 1.0),
        "{metrics}"
    );
}

#[test]
fn a_key_file_that_holds_no_key_is_a_configuration_error() {
    let keys = tempfile::tempdir().expect("temp dir");
    let bad = key_file(&keys, "not a key");
    for (file, what) in [
        (bad.as_str(), "32 random bytes"),
        ("/nonexistent/pg.key", "cannot read"),
    ] {
        let text = format!("[cache.redis]\nenabled = true\npseudonym_key_file = {file:?}\n");
        let errors = promptgate::runtime::read_config_str(&text, "test.toml", Vec::new())
            .expect_err("a bad key file is refused");
        let message = errors.to_string();
        assert!(
            message.contains("cache.redis.pseudonym_key_file") && message.contains(what),
            "{message}"
        );
        assert!(!message.contains("not a key"), "{message}");
    }
    let good = key_file(&keys, KEY_HEX);
    let text = format!("[cache.redis]\nenabled = true\npseudonym_key_file = {good:?}\n");
    promptgate::runtime::read_config_str(&text, "test.toml", Vec::new()).expect("a good key");
}
