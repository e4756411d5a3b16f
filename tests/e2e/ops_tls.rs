//! The Redis tier over TLS with real `redis-server` processes listening with
//! TLS only, on certificates generated for each test: verdicts shared between
//! two runners, a CA that does not vouch for the server (the tier goes down,
//! requests are still answered), mutual TLS, Sentinel over TLS, and TLS
//! settings checked by `promptgate check-config`.

use std::time::Duration;

use crate::ops_common::{runner_with_metrics, sample, scrape, share_a_verdict_through_redis};
use crate::support::redis::{ClientAuth, RedisProcess, TlsFiles, wait_until};
use crate::support::{Runner, RunnerOptions, chat_body, continues};

/// `[cache.redis]` for the server at `url` with extra `tls_*` lines.
fn tls_config(url: &str, tls_lines: &str) -> String {
    format!(
        "[cache.redis]\nenabled = true\nurl = \"{url}\"\ntimeout_ms = 500\nbreaker_failures = 2\nbreaker_cooldown_ms = 300\n{tls_lines}"
    )
}

fn wait_log(runner: &Runner, line: &str) {
    assert!(
        wait_until(Duration::from_secs(15), || runner.logs().contains(line)),
        "no {line:?} in the runner log: {}",
        runner.logs()
    );
}

#[test]
fn a_verdict_stored_over_tls_by_one_runner_is_a_redis_hit_for_another() {
    let files = TlsFiles::generate();
    let redis = RedisProcess::server_tls(&files, ClientAuth::Optional);
    let ca = format!("tls_ca_file = {}\n", files.toml_path("ca.pem"));
    // One runner asks for TLS by the URL scheme, the other by the switch.
    let first = Runner::start(&tls_config(&redis.url(), &ca));
    let plain_scheme = redis.url().replacen("rediss://", "redis://", 1);
    let (second, port) = runner_with_metrics(
        &tls_config(&plain_scheme, &format!("tls = true\n{ca}")),
        &[],
    );
    wait_log(&first, "redis cache tier up");
    wait_log(&second, "redis cache tier up");
    share_a_verdict_through_redis(
        &first,
        &second,
        port,
        &redis,
        "Which river flows through Vienna?",
    );
}

#[test]
fn a_server_the_ca_does_not_vouch_for_takes_the_tier_down_not_the_requests() {
    let files = TlsFiles::generate();
    let redis = RedisProcess::server_tls(&files, ClientAuth::Optional);
    let (runner, port) = runner_with_metrics(
        &tls_config(
            &redis.url(),
            &format!("tls_ca_file = {}\n", files.toml_path("other-ca.pem")),
        ),
        &[],
    );
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let started = std::time::Instant::now();
    for i in 0..20 {
        let (reply, _) = apisix.post(token, &chat_body(&format!("untrusted {i}")), &[]);
        assert!(continues(&reply), "request {i}: {reply:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    wait_log(&runner, "redis cache tier down");
    let metrics = scrape(port);
    assert_eq!(
        sample(&metrics, "promptgate_redis_up", &[]),
        Some(0.0),
        "{metrics}"
    );
    assert!(
        sample(
            &metrics,
            "promptgate_runner_errors_total",
            &["kind=\"redis_connect\""]
        ) >= Some(1.0),
        "{metrics}"
    );
    assert!(
        !runner.logs().contains("redis cache tier up"),
        "{}",
        runner.logs()
    );
    assert_eq!(
        redis.key_count(),
        0,
        "nothing may reach an unverified server"
    );
}

#[test]
fn a_server_that_requires_client_certificates_gets_them() {
    let files = TlsFiles::generate();
    let redis = RedisProcess::server_tls(&files, ClientAuth::Required);
    let ca = format!("tls_ca_file = {}\n", files.toml_path("ca.pem"));
    let without = Runner::start(&tls_config(&redis.url(), &ca));
    let with = Runner::start(&tls_config(
        &redis.url(),
        &format!(
            "{ca}tls_cert_file = {}\ntls_key_file = {}\n",
            files.toml_path("client.pem"),
            files.toml_path("client.key")
        ),
    ));
    wait_log(&with, "redis cache tier up");
    let mut apisix = with.connect();
    let token = apisix.token("{}");
    let (reply, _) = apisix.post(token, &chat_body("identified"), &[]);
    assert!(continues(&reply));
    let mut apisix = without.connect();
    let token = apisix.token("{}");
    for i in 0..10 {
        let (reply, _) = apisix.post(token, &chat_body(&format!("anonymous {i}")), &[]);
        assert!(continues(&reply));
        std::thread::sleep(Duration::from_millis(30));
    }
    wait_log(&without, "redis cache tier down");
    assert!(
        wait_until(Duration::from_secs(5), || redis.key_count() == 1),
        "only the runner with a client certificate may write"
    );
    assert!(!without.logs().contains("redis cache tier up"));
}

#[test]
fn the_runner_finds_the_master_through_sentinels_over_tls() {
    let files = TlsFiles::generate();
    let master = RedisProcess::server_tls(&files, ClientAuth::Required);
    let sentinel = RedisProcess::sentinel_tls("pgtls", master.port, &files, ClientAuth::Required);
    let config = format!(
        "[cache.redis]\nenabled = true\ntls = true\nsentinels = [\"{}\"]\nmaster_name = \"pgtls\"\ntimeout_ms = 500\nbreaker_failures = 2\nbreaker_cooldown_ms = 300\ntls_ca_file = {}\ntls_cert_file = {}\ntls_key_file = {}\n",
        sentinel.address(),
        files.toml_path("ca.pem"),
        files.toml_path("client.pem"),
        files.toml_path("client.key"),
    );
    let runner = Runner::start_with(RunnerOptions {
        config,
        ..RunnerOptions::default()
    });
    wait_log(&runner, "redis cache tier up");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let (reply, _) = apisix.post(token, &chat_body("through a TLS sentinel"), &[]);
    assert!(continues(&reply));
    assert!(
        wait_until(Duration::from_secs(5), || master.key_count() == 1),
        "the verdict never reached the master: {}",
        runner.logs()
    );
}

#[test]
fn check_config_names_unusable_tls_files() {
    let files = TlsFiles::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "tls = true\ntls_ca_file = \"/nonexistent/ca.pem\"\n".to_owned(),
            "cache.redis.tls_ca_file",
        ),
        (
            format!(
                "tls = true\ntls_ca_file = {}\n",
                files.toml_path("client.key")
            ),
            "cache.redis.tls_ca_file",
        ),
        (
            format!(
                "tls = true\ntls_cert_file = {}\n",
                files.toml_path("client.pem")
            ),
            "cache.redis.tls_key_file",
        ),
        (
            format!(
                "tls = true\ntls_cert_file = {}\ntls_key_file = {}\n",
                files.toml_path("client.pem"),
                files.toml_path("server.key")
            ),
            "cache.redis.tls_key_file",
        ),
        (
            format!("tls_ca_file = {}\n", files.toml_path("ca.pem")),
            "cache.redis.tls_ca_file",
        ),
    ];
    for (k, (lines, key)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{k}.toml"));
        std::fs::write(
            &path,
            format!("[cache.redis]\nenabled = true\nurl = \"redis://127.0.0.1:6379/0\"\n{lines}"),
        )
        .expect("write");
        let out = crate::support::base_command(dir.path())
            .arg("check-config")
            .arg(&path)
            .output()
            .expect("run check-config");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "case {k} accepted: {lines}");
        assert!(stderr.contains(key), "case {k}: {stderr}");
        assert!(!stderr.contains("panicked"), "case {k}: {stderr}");
    }
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        format!(
            "[cache.redis]\nenabled = true\nurl = \"rediss://127.0.0.1:6379/0\"\ntls_ca_file = {}\ntls_cert_file = {}\ntls_key_file = {}\n",
            files.toml_path("ca.pem"),
            files.toml_path("client.pem"),
            files.toml_path("client.key")
        ),
    )
    .expect("write");
    let out = crate::support::base_command(dir.path())
        .arg("check-config")
        .arg(&good)
        .output()
        .expect("run check-config");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
