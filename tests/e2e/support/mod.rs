//! An APISIX simulator for end-to-end tests: starts the real `promptgate`
//! binary on a temporary socket and plays APISIX against it with real
//! flatbuffers frames (built by `promptgate::protocol::peer`, the mirror image
//! of the runner's codec).
//!
//! Every socket read has a timeout, so a runner that hangs fails the test
//! instead of hanging it.
//!
//! `runner.rs` starts the binary, `apisix.rs` is one APISIX worker
//! connection speaking ext-plugin, `stream.rs` and `inline.rs` add the
//! `ai-promptgate` plugin's stream and request modes to it; this file holds
//! the request body and the reply checks the tests share.

#![allow(dead_code)]

/// The helpers every test crate shares (`tests/support/`): the corpus and
/// real Redis servers.
#[path = "../../support/mod.rs"]
mod shared;

mod apisix;
pub mod inline;
mod runner;
mod stream;

pub use apisix::{Answers, Apisix};
pub use inline::InlineReply;
pub use runner::{Runner, RunnerOptions, base_command};
pub use shared::{corpus, redis};
pub use stream::StreamReply;

use promptgate::protocol::peer::{self, Reply};

/// An OpenAI chat body with one user message.
pub fn chat_body(user_text: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": user_text}
        ]
    }))
    .expect("serialize chat body")
}

/// The status and JSON body of a Stop reply; `None` for any other action.
pub fn stop_of(reply: &Reply) -> Option<(u16, serde_json::Value)> {
    match reply {
        Reply::ReqCall(resp) => match &resp.action {
            peer::Action::Stop { status, body, .. } => Some((
                *status,
                serde_json::from_slice(body).expect("JSON error body"),
            )),
            _ => None,
        },
        other => panic!("unexpected reply {other:?}"),
    }
}

/// Whether the reply lets the request continue (unchanged or rewritten).
pub fn continues(reply: &Reply) -> bool {
    matches!(reply, Reply::ReqCall(resp) if !matches!(resp.action, peer::Action::Stop { .. }))
}
