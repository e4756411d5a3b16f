//! Hot reload (issue 4, item 3): SIGHUP and file changes swap the policy
//! under load with no request dropped; a broken config is rejected and the
//! last good one keeps serving.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::ops_common::{continues, runner_with_metrics, sample, scrape, stop};
use crate::support::redis::wait_until;
use crate::support::{Runner, chat_body};

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
                match stop(&reply) {
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
            stop(&reply).map(|s| s.0) == Some(413)
        }),
        "{}",
        runner.logs()
    );
}
