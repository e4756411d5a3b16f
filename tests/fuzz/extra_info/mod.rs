//! Target `extra_info`: the runner's ExtraInfo answer path, end to end.
//!
//! A real runner (in process, real Unix socket) gets a PrepareConf and an
//! HTTPReqCall as APISIX sends them; one of its ExtraInfo questions (the body,
//! or one of the variables asked before it) is answered with generated and
//! mutated input, the others as APISIX would: well-formed
//! answers carrying any body (JSON of every shape, invalid JSON and UTF-8,
//! compressed bodies and compressed garbage under each `content-encoding`,
//! bombs), frames of the wrong type, malformed flatbuffers, truncated frames,
//! raw bytes. Properties:
//!
//! * the runner answers with well-formed frames (each decodes with
//!   `peer::decode_reply`; a final HTTPReqCall reply echoes the call's id) or
//!   closes the connection cleanly between frames, never mid-frame;
//! * after a well-formed answer the connection stays usable;
//! * no runner thread panics, nothing hangs (a generous timeout fails the
//!   case), and a fresh connection is still served after every case.
//!
//! The properties are listed here, each named after the target; what they
//! need lives beside this file: `case.rs` (what a case is and how it is
//! generated), `apisix.rs` (the fake APISIX connection), `conversation.rs`
//! (one case played against the runner), `runners.rs` (the two in-process
//! runners and the watch around every case) and `seeds.rs`.

mod apisix;
mod case;
mod conversation;
mod runners;
mod seeds;

pub use seeds::seeds;

use proptest::prelude::*;

use crate::support::{self, Hex, Seed};

use case::{Answer, Case, Length, case};
use conversation::run_stream;
use runners::{check, runner, start_runners, watch};

/// The corpus folder name.
pub const TARGET: &str = "extra_info";

fn all_seeds() -> Vec<Seed> {
    support::corpus_with(TARGET, seeds())
}

// === the properties ===

/// Every seed as a body under each supported coding, as a raw answer, as a
/// variable's value and as the raw answer to a variable question.
#[test]
fn extra_info_corpus_replays() {
    for seed in all_seeds() {
        let bodies = [None, Some("gzip"), Some("deflate"), Some("br")].map(|encoding| Case {
            vars: false,
            route: 0,
            encoding: encoding.map(|e| Hex(e.as_bytes().to_vec())),
            length: Length::Exact,
            answer: Answer::Body(Some(Hex(seed.bytes.clone()))),
            at_var: None,
            close: false,
        });
        let raw = Case {
            vars: true,
            route: 0,
            encoding: None,
            length: Length::Exact,
            answer: Answer::Raw(Hex(seed.bytes.clone())),
            at_var: None,
            close: true,
        };
        // The seed as a variable's value, then as the raw answer to it.
        let var_value = Case {
            vars: true,
            answer: Answer::Body(Some(Hex(seed.bytes.clone()))),
            at_var: Some(0),
            close: false,
            ..raw.clone()
        };
        let var_raw = Case {
            at_var: Some(1),
            ..raw.clone()
        };
        for case in bodies.iter().chain([&raw, &var_value, &var_raw]) {
            if let Err(e) = check(case) {
                panic!("seed {}: {e}\n{case:?}", seed.name);
            }
        }
    }
}

/// Cases per property in plain `cargo test` (each case is a conversation
/// with the runner over a socket).
const CASES: u32 = 96;

#[test]
fn extra_info_answers() {
    start_runners();
    support::fuzz("extra_info_answers", CASES, case(), |case| check(&case));
}

/// The runner's side of the frame target: whatever stream it reads, it
/// writes whole frames or closes, and keeps serving.
#[test]
fn extra_info_runner_reads_any_stream() {
    start_runners();
    let inputs = (crate::frame::stream(), any::<bool>());
    support::fuzz(
        "extra_info_runner_reads_any_stream",
        CASES,
        inputs,
        |(stream, vars)| {
            let runner = runner(vars);
            watch(runner, run_stream(runner, &stream.0))
        },
    );
}
