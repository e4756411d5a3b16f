//! Target `json`: request-body extraction (`extract::extract`) and redaction.
//!
//! Bodies are generated as JSON trees shaped like OpenAI, Anthropic and Gemini
//! requests (and anything else), written out by a serializer of our own so
//! that they carry what serde_json never writes: `\u` escapes of plain
//! letters, surrogate pairs, lone surrogates, odd whitespace, repeated keys,
//! numbers beyond 64 bits, deep nesting. Corpus bodies are replayed and
//! mutated, and arbitrary bytes are tried too. Each body goes through every
//! [`ApiFormat`] under default and tiny limits. Properties:
//!
//! * extraction never panics; with `auto` only a limit can make it fail;
//! * text sizes add up and stay within the limit;
//! * a JSON body parses as a `serde_json::Value` too, and every segment's
//!   location holds exactly the segment's text there;
//! * redacting every segment (whole, or a piece of one) gives valid JSON with
//!   the placeholder at each location; a plain-text body comes back byte for
//!   byte when nothing is redacted.
//!
//! The properties are listed here, each named after the target; what they
//! need lives beside this file: `checks.rs` (what must hold for one body),
//! `writer.rs` (the JSON tree and its serializer), `vocabulary.rs` (keys,
//! words, texts and JSON of any shape built from them), `shapes.rs` (each
//! API's request shapes), `bodies.rs` (the request bodies the properties
//! draw) and `seeds.rs`.

mod bodies;
mod checks;
mod seeds;
mod shapes;
mod vocabulary;
mod writer;

pub use bodies::body;
pub use seeds::seeds;

use proptest::prelude::*;

use crate::support::{self, Hex, Seed};

use checks::check_body;

/// The corpus folder name.
pub const TARGET: &str = "json";

fn all_seeds() -> Vec<Seed> {
    support::corpus_with(TARGET, seeds())
}

// === the properties ===

#[test]
fn json_corpus_replays() {
    for seed in all_seeds() {
        check_body(&seed.bytes);
    }
}

/// Cases per property in plain `cargo test`.
const CASES: u32 = 256;

#[test]
fn json_generated_bodies() {
    support::fuzz("json_generated_bodies", CASES, body(), |body| {
        check_body(&body.0);
        Ok(())
    });
}

#[test]
fn json_mutated_corpus() {
    support::fuzz(
        "json_mutated_corpus",
        CASES,
        support::mutated(all_seeds()),
        |(_, body)| {
            check_body(&body.0);
            Ok(())
        },
    );
}

#[test]
fn json_arbitrary_bytes() {
    let inputs = proptest::collection::vec(any::<u8>(), 0..256).prop_map(Hex);
    support::fuzz("json_arbitrary_bytes", CASES, inputs, |body| {
        check_body(&body.0);
        Ok(())
    });
}
