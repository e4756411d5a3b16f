//! The L0 cache with real Redis processes (issue 4, item 6): verdicts shared
//! between two runners, Redis killed mid-run, and Sentinel failover.

use std::time::Duration;

use crate::ops_common::{
    audit_lines, runner_with_metrics, sample, scrape, share_a_verdict_through_redis,
};
use crate::support::redis::{RedisProcess, wait_until};
use crate::support::{Runner, RunnerOptions, chat_body, continues};

fn redis_config(url: &str) -> String {
    format!(
        "[cache.redis]\nenabled = true\nurl = \"{url}\"\ntimeout_ms = 200\nbreaker_failures = 2\nbreaker_cooldown_ms = 300\n"
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

#[test]
fn a_verdict_stored_by_one_runner_is_a_redis_hit_for_another() {
    let redis = RedisProcess::server();
    let config = redis_config(&redis.url());
    let first = Runner::start(&config);
    let (second, port) = runner_with_metrics(&config, &[]);
    wait_redis_up(&first);
    wait_redis_up(&second);
    let (mut b, token) = share_a_verdict_through_redis(
        &first,
        &second,
        port,
        &redis,
        "What is the capital of France?",
    );
    let body = chat_body("What is the capital of France?");
    // The copy in process answers the repeat.
    let (reply, _) = b.post(token, &body, &[]);
    assert!(continues(&reply));
    let metrics = scrape(port);
    assert_eq!(
        sample(
            &metrics,
            "promptgate_cache_hits_total",
            &["tier=\"memory\""]
        ),
        Some(1.0),
        "{metrics}"
    );
    let cached: Vec<bool> = audit_lines(&second.logs())
        .iter()
        .map(|e| e["cached"] == true)
        .collect();
    assert_eq!(cached, vec![true, true]);
    // Keys are hashes under the prefix; a new policy fingerprint is a new key.
    let dump = redis.dump();
    assert!(
        dump.iter()
            .all(|(k, _)| k.starts_with(b"promptgate:v1:") && k.len() == 14 + 64),
        "{dump:?}"
    );
    let strict = b.token(r#"{"api":"openai"}"#);
    let (reply, _) = b.post(strict, &body, &[]);
    assert!(continues(&reply));
    assert!(wait_until(Duration::from_secs(5), || redis.key_count() == 2));
}

#[test]
fn requests_keep_being_answered_when_redis_dies() {
    let mut redis = RedisProcess::server();
    let (runner, port) = runner_with_metrics(&redis_config(&redis.url()), &[]);
    wait_redis_up(&runner);
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    for i in 0..5 {
        let (reply, _) = apisix.post(token, &chat_body(&format!("before {i}")), &[]);
        assert!(continues(&reply));
    }
    assert!(wait_until(Duration::from_secs(5), || redis.key_count() == 5));
    redis.kill();
    let started = std::time::Instant::now();
    for i in 0..50 {
        let (reply, _) = apisix.post(token, &chat_body(&format!("after {i}")), &[]);
        assert!(continues(&reply), "request {i} after the kill: {reply:?}");
    }
    // Each call is bounded by the 200 ms operation timeout at worst; with the
    // breaker open most skip Redis entirely.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        wait_until(Duration::from_secs(5), || sample(
            &scrape(port),
            "promptgate_redis_up",
            &[]
        ) == Some(0.0)),
        "{}",
        scrape(port)
    );
    let metrics = scrape(port);
    let errors: f64 = ["redis_error", "redis_connect", "redis_timeout"]
        .iter()
        .filter_map(|k| {
            sample(
                &metrics,
                "promptgate_runner_errors_total",
                &[&format!("kind=\"{k}\"")],
            )
        })
        .sum();
    assert!(errors >= 1.0, "{metrics}");
    let logs = runner.logs();
    assert_eq!(
        logs.matches("redis cache tier down").count(),
        1,
        "state changes are logged once: {logs}"
    );
    // Verdicts held in process still hit.
    let (reply, _) = apisix.post(token, &chat_body("before 0"), &[]);
    assert!(continues(&reply));
    let metrics = scrape(port);
    assert!(
        sample(
            &metrics,
            "promptgate_cache_hits_total",
            &["tier=\"memory\""]
        ) >= Some(1.0)
    );
}

#[test]
fn the_runner_follows_a_sentinel_failover() {
    let mut master = RedisProcess::server();
    let replica = RedisProcess::replica_of(master.port);
    assert!(
        wait_until(Duration::from_secs(10), || {
            let info: String = redis::cmd("INFO")
                .arg("replication")
                .query(&mut master.client())
                .unwrap_or_default();
            info.contains("connected_slaves:1") && info.contains("state=online")
        }),
        "replica never synced"
    );
    let sentinel = RedisProcess::sentinel("pgmaster", master.port);
    let master_port = |s: &RedisProcess| -> Option<u16> {
        let mut conn = s.client();
        let addr: Option<(String, String)> = redis::cmd("SENTINEL")
            .arg("get-master-addr-by-name")
            .arg("pgmaster")
            .query(&mut conn)
            .ok()?;
        addr?.1.parse().ok()
    };
    assert_eq!(master_port(&sentinel), Some(master.port));
    // The sentinel must know the replica before the master dies.
    assert!(
        wait_until(Duration::from_secs(15), || {
            let replicas: redis::Value = redis::cmd("SENTINEL")
                .arg("replicas")
                .arg("pgmaster")
                .query(&mut sentinel.client())
                .unwrap_or(redis::Value::Nil);
            matches!(replicas, redis::Value::Array(ref r) if !r.is_empty())
        }),
        "sentinel did not discover the replica"
    );
    let config = format!(
        "[cache.redis]\nenabled = true\nsentinels = [\"{}\"]\nmaster_name = \"pgmaster\"\ntimeout_ms = 200\nbreaker_failures = 2\nbreaker_cooldown_ms = 200\n",
        sentinel.address()
    );
    let runner = Runner::start_with(RunnerOptions {
        config,
        ..RunnerOptions::default()
    });
    wait_redis_up(&runner);
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let (reply, _) = apisix.post(token, &chat_body("to the first master"), &[]);
    assert!(continues(&reply));
    assert!(wait_until(Duration::from_secs(5), || master.key_count() == 1));
    master.kill();
    assert!(
        wait_until(Duration::from_secs(30), || master_port(&sentinel)
            == Some(replica.port)),
        "sentinel did not promote the replica: {}",
        sentinel.log()
    );
    // The runner keeps answering, and its writes reach the promoted replica.
    let mut i = 0;
    let followed = wait_until(Duration::from_secs(20), || {
        i += 1;
        let (reply, _) = apisix.post(token, &chat_body(&format!("after failover {i}")), &[]);
        assert!(continues(&reply));
        std::thread::sleep(Duration::from_millis(50));
        let mut conn = replica.client();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("promptgate:*")
            .query(&mut conn)
            .unwrap_or_default();
        keys.len() >= 2
    });
    assert!(
        followed,
        "runner never wrote to the new master: {}",
        runner.logs()
    );
}
