//! Hot reload (issue 4, item 3): SIGHUP and file changes swap the policy
//! under load with no request dropped; a broken config is rejected and the
//! last good one keeps serving.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::ops_common::{runner_with_metrics, sample, scrape};
use crate::support::redis::wait_until;
use crate::support::{Runner, RunnerOptions, chat_body, continues, stop_of};

fn config_path(runner: &Runner) -> std::path::PathBuf {
    runner.dir.path().join("promptgate.toml")
}

#[test]
fn sighup_under_load_applies_the_new_limit_without_dropping_a_request() {
    let (runner, port) = runner_with_metrics("[policy]\nmax_body_bytes = 100000\n", &[]);
    let body = Arc::new(chat_body(&"x".repeat(2000)));
    let stop_flag = Arc::new(AtomicBool::new(false));
    let too_large = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let mut apisix = runner.connect();
        let (body, stop_flag, too_large, answered) = (
            body.clone(),
            stop_flag.clone(),
            too_large.clone(),
            answered.clone(),
        );
        workers.push(std::thread::spawn(move || {
            let token = apisix.token("{}");
            while !stop_flag.load(Ordering::Relaxed) {
                // Every request gets an answer: continue before the reload, 413 after.
                let (reply, _) = apisix.post(token, &body, &[]);
                match stop_of(&reply) {
                    None => {}
                    Some((413, _)) => {
                        too_large.fetch_add(1, Ordering::Relaxed);
                    }
                    Some(other) => panic!("unexpected block {other:?}"),
                }
                answered.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    assert!(wait_until(Duration::from_secs(10), || answered
        .load(Ordering::Relaxed)
        > 50));
    assert_eq!(too_large.load(Ordering::Relaxed), 0);
    std::fs::write(config_path(&runner), "[policy]\nmax_body_bytes = 1000\n").expect("write");
    runner.signal("HUP");
    assert!(
        wait_until(Duration::from_secs(10), || too_large
            .load(Ordering::Relaxed)
            > 20),
        "the new limit never took effect: {}",
        runner.logs()
    );
    stop_flag.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("no request failed");
    }
    let metrics = scrape(port);
    assert!(
        sample(
            &metrics,
            "promptgate_config_reloads_total",
            &["result=\"ok\""]
        ) >= Some(1.0),
        "{metrics}"
    );
    assert!(runner.logs().contains("configuration reloaded"));
}

#[test]
fn a_broken_config_is_rejected_and_an_edit_reloads_without_a_signal() {
    let (runner, port) = runner_with_metrics("[policy]\nmode = \"enforce\"\n", &[]);
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    std::fs::write(config_path(&runner), "[policy]\nmode = \"sometimes\"\n").expect("write");
    runner.signal("HUP");
    assert!(
        wait_until(Duration::from_secs(10), || runner
            .logs()
            .contains("new configuration rejected")),
        "{}",
        runner.logs()
    );
    let logs = runner.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("new configuration rejected"))
        .expect("rejection line");
    assert!(
        line.contains("sometimes") || line.contains("mode"),
        "{line}"
    );
    assert!(
        sample(
            &scrape(port),
            "promptgate_config_reloads_total",
            &["result=\"error\""]
        ) >= Some(1.0)
    );
    // The last good config keeps serving.
    let (reply, _) = apisix.post(token, &chat_body("hi"), &[]);
    assert!(continues(&reply));
    // An edit alone (no signal) is picked up by the file watcher.
    std::fs::write(
        config_path(&runner),
        "[policy]\nmode = \"enforce\"\nmax_body_bytes = 10\n",
    )
    .expect("write");
    assert!(
        wait_until(Duration::from_secs(10), || {
            let (reply, _) = apisix.post(token, &chat_body("hello world"), &[]);
            stop_of(&reply).map(|s| s.0) == Some(413)
        }),
        "{}",
        runner.logs()
    );
}

/// The shipped model, by absolute path (the runner runs in a temp dir).
fn model_dir() -> String {
    format!("{}/models/minilm-static-v1", env!("CARGO_MANIFEST_DIR"))
}

/// The model version of the last audit line: `None` when L2 was not loaded.
fn last_model_version(runner: &Runner) -> Option<String> {
    crate::ops_common::audit_lines(&runner.logs())
        .last()
        .expect("an audit line")["model_version"]
        .as_str()
        .map(str::to_owned)
}

fn reload(runner: &Runner, config: &str, outcome: &str) {
    let before = runner.logs().matches(outcome).count();
    std::fs::write(config_path(runner), config).expect("write");
    runner.signal("HUP");
    assert!(
        wait_until(Duration::from_secs(20), || runner
            .logs()
            .matches(outcome)
            .count()
            > before),
        "{}",
        runner.logs()
    );
}

/// Turning L2 on by reload loads it; it used to be accepted and silently left
/// off, since the engines were loaded only at start.
#[test]
fn a_reload_that_turns_l2_on_loads_it() {
    if std::env::var("PROMPTGATE_SKIP_L2").is_ok_and(|v| v == "1") {
        return;
    }
    let classifier = format!("[classifier]\nmodel_dir = \"{}\"\n", model_dir());
    let runner = Runner::start(&format!("{classifier}[policy.l2]\nenabled = false\n"));
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    assert!(continues(&apisix.post(token, &chat_body("hello"), &[]).0));
    assert_eq!(last_model_version(&runner), None, "L2 is off");
    reload(
        &runner,
        &format!("{classifier}[policy.l2]\nenabled = true\nrequired = true\n"),
        "configuration reloaded",
    );
    assert!(continues(&apisix.post(token, &chat_body("hello"), &[]).0));
    assert!(
        last_model_version(&runner).is_some_and(|v| v.contains("minilm")),
        "L2 runs after the reload: {}",
        runner.logs()
    );
}

/// A reload that requires an L2 the runner cannot load is refused, naming the
/// key that requires it, and the last good configuration keeps serving.
#[test]
fn a_reload_requiring_an_l2_that_cannot_load_is_refused_by_key() {
    // The test harness points every runner at the shipped model through
    // PROMPTGATE_CLASSIFIER_MODEL_DIR, which outranks the file: a model_dir in
    // the reloaded file alone is overridden, and with an ONNX Runtime present
    // the model loads and the reload is (rightly) accepted. Point the
    // environment at a missing model instead; L2 is off until the reload.
    let runner = Runner::start_with(RunnerOptions {
        config: "[policy.l2]\nenabled = false\n".to_owned(),
        env: vec![(
            "PROMPTGATE_CLASSIFIER_MODEL_DIR".to_owned(),
            "/nonexistent/model".to_owned(),
        )],
        ..RunnerOptions::default()
    });
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    reload(
        &runner,
        "[policy.l2]\nenabled = false\n\
         [policies.strict.l2]\nenabled = true\nrequired = true\n",
        "new configuration rejected",
    );
    let logs = runner.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("new configuration rejected"))
        .expect("rejection line");
    assert!(line.contains("policies.strict.l2.required"), "{line}");
    assert!(continues(&apisix.post(token, &chat_body("hello"), &[]).0));
}

/// The runner's resident memory in KiB.
fn rss_kib(runner: &Runner) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", runner.pid())).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Repeated reloads do not pile up memory: unchanged layers are kept, and a
/// replaced runtime's memory is returned once its requests end. Each reload
/// used to add a compiled rule set to the resident size (78 to 123 MiB after
/// five idle reloads of a release build).
#[test]
fn repeated_reloads_do_not_grow_memory() {
    let runner = Runner::start("[policy.l2]\nenabled = false\n");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    assert!(continues(&apisix.post(token, &chat_body("hello"), &[]).0));
    let mut after_first = 0;
    for n in 0..6 {
        reload(
            &runner,
            &format!(
                "[policy.l2]\nenabled = false\n[policy]\nmax_body_bytes = {}\n",
                100_000 + n
            ),
            "configuration reloaded",
        );
        assert!(continues(&apisix.post(token, &chat_body("hello"), &[]).0));
        if n == 0 {
            std::thread::sleep(Duration::from_millis(300));
            after_first = rss_kib(&runner);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let after_all = rss_kib(&runner);
    assert!(
        after_all <= after_first + 8 * 1024,
        "resident size grew from {after_first} KiB to {after_all} KiB over five reloads"
    );
}
