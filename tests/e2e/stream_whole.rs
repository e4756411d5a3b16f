//! StreamChunk answers that are not event streams (`apisix/plugins/RPC.md`):
//! inspected whole, in one OPEN|END chunk or held to their END when they come
//! in pieces, so that cutting an answer never gets it through unread.

use promptgate::protocol::{StreamChunkReq, StreamFlags, StreamReason, StreamVerdict};
use serde_json::{Value, json};

use crate::stream::{CANARY, EMAIL, chunk, config};
use crate::support::{Apisix, Runner, StreamReply};

fn completion(text: &str) -> Vec<u8> {
    json!({"choices":[{"message":{"role":"assistant","content":text}}]})
        .to_string()
        .into_bytes()
}

/// Sends `body` in pieces of `size` bytes as one answer with `content_type`
/// under `conf`, stopping at the first reply that is not CONTINUE.
fn send_in_pieces(
    plugin: &mut Apisix,
    id: &[u8],
    conf: &[u8],
    content_type: &[u8],
    body: &[u8],
    size: usize,
) -> Vec<StreamReply> {
    let pieces: Vec<&[u8]> = body.chunks(size).collect();
    let mut replies = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let mut flags = 0;
        if i == 0 {
            flags |= StreamFlags::OPEN;
        }
        if i + 1 == pieces.len() {
            flags |= StreamFlags::END;
        }
        let open = i == 0;
        let reply = plugin.stream_chunk(&StreamChunkReq {
            conf: if open { conf } else { b"" },
            content_type: if open { content_type } else { b"" },
            ..chunk(id, flags, piece)
        });
        let go_on = reply.verdict == StreamVerdict::Continue;
        replies.push(reply);
        if !go_on {
            break;
        }
    }
    replies
}

/// `answer` is the completion of "Write to <EMAIL> today", whole JSON, with
/// the address redacted.
fn assert_email_redacted(answer: &[u8]) {
    let doc: Value = serde_json::from_slice(answer).expect("the redaction is whole JSON");
    let text = doc["choices"][0]["message"]["content"]
        .as_str()
        .expect("content");
    assert!(
        !text.contains(EMAIL) && text.starts_with("Write to "),
        "{text}"
    );
}

fn released(replies: &[StreamReply]) -> Vec<u8> {
    replies.iter().flat_map(|r| r.release.clone()).collect()
}

/// A whole JSON answer in one OPEN|END chunk (how the plugin sends ai-proxy's
/// buffered answers) gets the answer path's decision: PII redacted, a clean
/// answer unchanged, a canary stopped with the JSON error body, an answer over
/// the route's limit refused when fail-closed.
#[test]
fn a_whole_json_answer_in_one_chunk_is_inspected_like_the_answer_path() {
    let runner = Runner::start(&(config("") + "max_body_bytes = 4096\n"));
    let mut plugin = runner.connect();
    let whole = |id: &'static [u8], body: &'static [u8]| StreamChunkReq {
        content_type: b"application/json",
        ..chunk(id, StreamFlags::OPEN | StreamFlags::END, body)
    };

    let pii: &'static [u8] = completion(&format!("Write to {EMAIL} today")).leak();
    let r = plugin.stream_chunk(&whole(b"w-pii", pii));
    assert_eq!(r.verdict, StreamVerdict::Continue);
    assert_email_redacted(&r.release);

    let clean: &'static [u8] = completion("Nothing to hide.").leak();
    let r = plugin.stream_chunk(&whole(b"w-clean", clean));
    assert_eq!(
        (r.verdict, r.release.as_slice()),
        (StreamVerdict::Continue, clean)
    );

    let leak: &'static [u8] = completion(&format!("The key is {CANARY}")).leak();
    let r = plugin.stream_chunk(&whole(b"w-canary", leak));
    assert_eq!(r.verdict, StreamVerdict::Stop);
    let error: Value = serde_json::from_slice(&r.release).expect("a JSON error body");
    assert_eq!(error["error"]["type"], "response_blocked");
    assert!(!String::from_utf8_lossy(&r.release).contains(CANARY));

    let big: &'static [u8] = completion(&"word ".repeat(2000)).leak();
    let r = plugin.stream_chunk(&whole(b"w-big", big));
    assert_eq!(
        r.verdict,
        StreamVerdict::Stop,
        "over max_body_bytes, fail-closed"
    );
}

/// The same answers cut into pieces, down to single bytes, with and without a
/// content type: nothing is released before END, and END gets the decision
/// the whole answer gets in one chunk.
#[test]
fn a_json_answer_in_pieces_is_held_to_its_end_and_judged_whole() {
    let runner = Runner::start(&(config("") + "max_body_bytes = 4096\n"));
    let mut plugin = runner.connect();
    let leak = completion(&format!("The key is {CANARY}, keep it"));
    let pii = completion(&format!("Write to {EMAIL} today"));
    let clean = completion("Nothing to hide here at all.");
    let mut n = 0;
    for content_type in [&b"application/json"[..], b""] {
        for size in [1, 7, 40] {
            n += 1;
            let id = format!("leak-{n}");
            let r = send_in_pieces(&mut plugin, id.as_bytes(), b"{}", content_type, &leak, size);
            let (last, before) = r.split_last().expect("replies");
            assert_eq!(
                before.len() + 1,
                leak.len().div_ceil(size),
                "one reply per piece"
            );
            for (i, reply) in before.iter().enumerate() {
                assert_eq!(
                    (reply.verdict, reply.release.len(), reply.held as usize),
                    (StreamVerdict::Continue, 0, (i + 1) * size),
                    "piece {i} of {size} bytes is held"
                );
            }
            assert_eq!(
                (last.verdict, last.reason),
                (StreamVerdict::Stop, StreamReason::PolicyOrMalformed)
            );
            let error: Value = serde_json::from_slice(&last.release).expect("JSON error body");
            assert_eq!(error["error"]["type"], "response_blocked");
            assert!(!String::from_utf8_lossy(&released(&r)).contains(CANARY));

            let id = format!("pii-{n}");
            let r = send_in_pieces(&mut plugin, id.as_bytes(), b"{}", content_type, &pii, size);
            assert!(r.iter().all(|r| r.verdict == StreamVerdict::Continue));
            assert_email_redacted(&released(&r));

            let id = format!("clean-{n}");
            let r = send_in_pieces(
                &mut plugin,
                id.as_bytes(),
                b"{}",
                content_type,
                &clean,
                size,
            );
            assert_eq!(released(&r), clean, "a clean answer comes out unchanged");
            assert_eq!(r.last().map(|r| r.held), Some(0));
        }
    }
}

/// Past the route's limit in pieces: withheld when fail-closed; when failing
/// open, what was held is released with the rest passing unread. Shadow mode
/// releases every piece as it came.
#[test]
fn a_json_answer_in_pieces_over_its_limit_follows_the_fail_mode_and_shadow_never_holds() {
    let runner = Runner::start(&(config("") + "max_body_bytes = 256\n"));
    let mut plugin = runner.connect();
    let big = completion(&format!("{} {CANARY}", "word ".repeat(100)));
    let r = send_in_pieces(
        &mut plugin,
        b"big-closed",
        b"{}",
        b"application/json",
        &big,
        64,
    );
    assert_eq!(r.len(), 5, "the fifth piece crosses 256 bytes");
    let last = r.last().expect("replies");
    assert_eq!(last.verdict, StreamVerdict::Stop);
    assert!(released(&r).starts_with(b"{\"error\""));

    let open = br#"{"fail_open":true}"#;
    let r = send_in_pieces(
        &mut plugin,
        b"big-open",
        open,
        b"application/json",
        &big,
        64,
    );
    assert_eq!(r.len(), 5);
    assert_eq!(r[4].verdict, StreamVerdict::Pass);
    assert_eq!(
        released(&r),
        big[..320].to_vec(),
        "held bytes and the piece, in order"
    );

    let shadow = br#"{"mode":"shadow"}"#;
    let leak = completion(&format!("The key is {CANARY}"));
    let r = send_in_pieces(
        &mut plugin,
        b"shadow",
        shadow,
        b"application/json",
        &leak,
        9,
    );
    for (reply, piece) in r.iter().zip(leak.chunks(9)) {
        assert_eq!(
            (reply.verdict, reply.release.as_slice(), reply.held),
            (StreamVerdict::Continue, piece, 0)
        );
    }
    assert_eq!(released(&r), leak);
}

/// All buffered answers together stay under `server.max_buffered_answer_bytes`:
/// an answer that would cross it is judged over its limit, and the bytes of
/// an answer that ends, or is aborted, are given back.
#[test]
fn buffered_answers_share_a_bounded_budget_that_end_and_abort_give_back() {
    let runner = Runner::start(&config("max_buffered_answer_bytes = 100"));
    let mut plugin = runner.connect();
    let open = |id: &'static [u8], piece: &'static [u8]| StreamChunkReq {
        content_type: b"application/json",
        ..chunk(id, StreamFlags::OPEN, piece)
    };
    let piece: &'static [u8] = &[b' '; 60];
    // First answer holds 60 bytes; a second cannot hold 60 more.
    let r = plugin.stream_chunk(&open(b"a", piece));
    assert_eq!((r.verdict, r.held), (StreamVerdict::Continue, 60));
    let r = plugin.stream_chunk(&open(b"b", piece));
    assert_eq!(
        r.verdict,
        StreamVerdict::Stop,
        "over the shared budget, fail-closed"
    );
    // Aborting the first gives its bytes back: a new answer fits.
    let r = plugin.stream_chunk(&chunk(b"a", StreamFlags::ABORT, b""));
    assert_eq!(r.verdict, StreamVerdict::Continue);
    let r = plugin.stream_chunk(&open(b"c", piece));
    assert_eq!((r.verdict, r.held), (StreamVerdict::Continue, 60));
    // Ending it gives them back too.
    let body: &'static [u8] = br#"{"choices":[]}"#;
    let r = plugin.stream_chunk(&chunk(b"c", StreamFlags::END, body));
    assert_eq!(r.verdict, StreamVerdict::Continue);
    assert_eq!(r.release.len(), 60 + body.len());
    let r = plugin.stream_chunk(&open(b"d", piece));
    assert_eq!((r.verdict, r.held), (StreamVerdict::Continue, 60));
}
