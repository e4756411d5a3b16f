//! Checklist items 11–16, "PrepareConf": confs get distinct, non-zero
//! tokens, fast under concurrency, that slide past their expiry hint while
//! used and expire after.

use std::time::{Duration, Instant};

use promptgate::protocol::peer::Reply;
use promptgate::protocol::{Entry, ErrCode};

use crate::support::{Answers, Apisix, Runner, RunnerOptions};

use super::{continue_reply, get_call};

#[test]
fn item_11_to_13_prepare_conf_variants_get_tokens() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let conf: [Entry<'_>; 2] = [(b"foo", Some(b"bar")), (b"cat", Some(b"dog"))];
    let a = match apisix.prepare_conf(Some(&conf), Some(b"route#1#ext-plugin-pre-req#1")) {
        Reply::PrepareConf(t) => t,
        other => panic!("{other:?}"),
    };
    assert_ne!(a, 0);
    // Item 12: no conf at all; the call with that token continues.
    let b = match apisix.prepare_conf(None, Some(b"global_rule#1#ext-plugin-post-req#x")) {
        Reply::PrepareConf(t) => t,
        other => panic!("{other:?}"),
    };
    assert_ne!(b, 0);
    continue_reply(&apisix.call(&get_call(b), &mut Answers::body(None)), 1);
    // Item 13: odd keys, and no key.
    for key in [&b"route#1#ext-plugin-pre-req#\xff"[..], b"", b"###"] {
        assert!(
            matches!(apisix.prepare_conf(Some(&conf), Some(key)), Reply::PrepareConf(t) if t != 0)
        );
    }
    assert!(matches!(apisix.prepare_conf(Some(&conf), None), Reply::PrepareConf(t) if t != 0));
    assert!(runner.logs().contains("ignoring ext-plugin conf entry"));
}

#[test]
fn item_14_tokens_distinct_nonzero_and_differ_across_starts() {
    let first = |runner: &Runner| runner.connect().token("{}");
    let a = Runner::start("");
    let b = Runner::start("");
    assert_ne!(first(&a), first(&b));
    let mut apisix = a.connect();
    let tokens: Vec<u32> = (0..50)
        .map(|i| apisix.token(&format!("{{\"max_body_bytes\":{}}}", i + 1)))
        .collect();
    let mut unique = tokens.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), tokens.len());
}

#[test]
fn item_15_prepare_conf_answers_200_concurrent_calls() {
    let runner = Runner::start("");
    let started = Instant::now();
    let threads: Vec<_> = (0..200)
        .map(|_| {
            let socket = runner.socket.clone();
            std::thread::spawn(move || Apisix::connect(&socket).token(r#"{"mode":"shadow"}"#))
        })
        .collect();
    for t in threads {
        assert_ne!(t.join().expect("thread"), 0);
    }
    // APISIX gives up on its conf lock after 5 s; latency itself is measured by the bench.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn item_16_tokens_slide_past_their_hint_and_then_expire() {
    let runner = Runner::start_with(RunnerOptions {
        env: vec![("APISIX_CONF_EXPIRE_TIME".into(), "1".into())],
        ..Default::default()
    });
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    // Used every 0.6 s for 2.4 s (> 1.2 × 1 s): still valid.
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(600));
        continue_reply(&apisix.call(&get_call(token), &mut Answers::body(None)), 1);
    }
    // Idle for 1.2 × 1 s and more: gone.
    std::thread::sleep(Duration::from_millis(1600));
    assert_eq!(
        apisix.call(&get_call(token), &mut Answers::body(None)),
        Reply::Err(ErrCode::ConfTokenNotFound)
    );
}
