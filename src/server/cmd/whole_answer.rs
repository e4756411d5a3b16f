//! StreamChunk answers that are not event streams: a whole answer sent as
//! one OPEN|END chunk (ai-proxy's buffered `ai_chat` answers, which
//! ext-plugin-post-resp never sees), or sent in several chunks and held to
//! its END ([`BufferedAnswer`]). Either is inspected like an HTTPRespCall
//! body: on the scan pool, under the route's answer size limit, with the same
//! decision (CONTINUE with the body or its redaction, STOP with the JSON
//! error body).
//!
//! Nothing of a buffered answer is released before its END (its text is
//! readable only as one document), except in shadow mode, where every chunk
//! is released as it came and the decision only reports.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use super::super::buffered::BufferedAnswer;
use super::super::sessions::{Inspection, StreamSession, route_label};
use super::super::{Direction, ScanJob, Shared};
use super::finish::{Call, Seen};
use super::resp_call::over_limit;
use crate::pipeline::{Decision, RoutePolicy, Verdict};
use crate::policy::Mode;
use crate::protocol::{StreamChunkReq, StreamReason, StreamVerdict};

/// A reply to one StreamChunk: verdict, reason, bytes held, release.
pub(super) type ChunkReply = (StreamVerdict, StreamReason, usize, Vec<u8>);

/// Whether the answer is an event stream: its content type says so, or,
/// without one, its first bytes do not look like a JSON document.
pub(super) fn is_event_stream(content_type: &[u8], first: &[u8]) -> bool {
    if content_type.is_empty() {
        let start = first.iter().position(|b| !b.is_ascii_whitespace());
        return !matches!(start.map(|i| first[i]), Some(b'{' | b'['));
    }
    let essence = String::from_utf8_lossy(content_type);
    essence
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("text/event-stream")
}

/// Inspects a whole answer sent in one OPEN|END chunk.
pub(super) async fn one_chunk(
    shared: &Shared,
    req: &StreamChunkReq<'_>,
    policy: RoutePolicy,
) -> ChunkReply {
    let started = Instant::now();
    let max = usize::try_from(policy.policy.config.response.max_body_bytes).unwrap_or(usize::MAX);
    let decision = if req.chunk.len() > max {
        over_limit(&policy)
    } else {
        scan(shared, &policy, req.chunk, req.content_type).await
    };
    observe(shared, req, &policy, &decision, started);
    whole_reply(&decision, req.chunk, req)
}

/// Adds one chunk to a buffered answer's session; at END (or past a bound)
/// closes the session and answers its decision.
pub(super) async fn buffered_chunk(
    shared: &Shared,
    req: &StreamChunkReq<'_>,
    session: &Arc<Mutex<StreamSession>>,
) -> ChunkReply {
    let started = Instant::now();
    // The session's lock is never held across the scan's await: the body is
    // taken out first.
    let (policy, content_type, body, pushed) = {
        let mut guard = session.lock().unwrap_or_else(PoisonError::into_inner);
        let Inspection::Buffered(buffer) = &mut guard.inspection else {
            // Only buffered sessions are handed here; answer as for a lost one.
            return (
                StreamVerdict::Error,
                StreamReason::UnknownSession,
                0,
                Vec::new(),
            );
        };
        let pushed = buffer.push(req.chunk);
        let shadow = buffer.policy.mode == Mode::Shadow;
        if pushed.is_ok() && !req.flags.end() {
            let release = if shadow {
                req.chunk.to_vec()
            } else {
                Vec::new()
            };
            let held = if shadow { 0 } else { buffer.body().len() };
            return (StreamVerdict::Continue, StreamReason::None, held, release);
        }
        (
            buffer.policy.clone(),
            std::mem::take(&mut buffer.content_type),
            buffer.take_body(),
            pushed,
        )
    };
    shared.streams.close(req.id);
    let shadow = policy.mode == Mode::Shadow;
    match pushed {
        Ok(()) => {
            let decision = scan(shared, &policy, &body, &content_type).await;
            observe(shared, req, &policy, &decision, started);
            if shadow {
                return (
                    StreamVerdict::Continue,
                    StreamReason::None,
                    0,
                    req.chunk.to_vec(),
                );
            }
            whole_reply(&decision, &body, req)
        }
        Err(error) => {
            tracing::warn!(%error, "a buffered answer could not be held to its end");
            if shadow {
                // Everything so far was released as it came; nothing more is read.
                return (
                    StreamVerdict::Pass,
                    StreamReason::None,
                    0,
                    req.chunk.to_vec(),
                );
            }
            let decision = over_limit(&policy);
            observe(shared, req, &policy, &decision, started);
            match decision.verdict {
                Verdict::Block(_) => whole_reply(&decision, &body, req),
                // Failing open: what was held, then the rest unread.
                _ => {
                    let mut release = body;
                    release.extend_from_slice(req.chunk);
                    (StreamVerdict::Pass, StreamReason::None, 0, release)
                }
            }
        }
    }
}

/// A session for an answer that is not an event stream and did not end with
/// its first chunk (the first chunk is added by [`buffered_chunk`]).
pub(super) fn buffered_session(
    shared: &Shared,
    req: &StreamChunkReq<'_>,
    policy: RoutePolicy,
) -> StreamSession {
    let label = shared.tokens.route_label(&route_label(req.route));
    StreamSession {
        inspection: Inspection::Buffered(BufferedAnswer::new(
            policy,
            req.content_type,
            shared.streams.budget(),
        )),
        counters: shared.streams.counters(Arc::clone(&label)),
        route_id: label,
        busy: std::time::Duration::ZERO,
    }
}

/// The answer's decision from the pipeline's answer direction.
async fn scan(shared: &Shared, policy: &RoutePolicy, body: &[u8], content_type: &[u8]) -> Decision {
    let runtime = shared.runtime.load();
    let content_type =
        (!content_type.is_empty()).then(|| bytes::Bytes::copy_from_slice(content_type));
    let job = ScanJob {
        pipeline: Arc::clone(&runtime.pipeline),
        cache: Arc::clone(&shared.cache),
        policy: policy.clone(),
        body: Some(bytes::Bytes::copy_from_slice(body)),
        content_encoding: None,
        direction: Direction::Response {
            content_type,
            originals: None,
            request: None,
        },
    };
    shared.scans.decide(job).await
}

/// Counts and audits a whole answer's decision.
fn observe(
    shared: &Shared,
    req: &StreamChunkReq<'_>,
    policy: &RoutePolicy,
    decision: &Decision,
    started: Instant,
) {
    // The id was checked to be printable ASCII.
    let request_id = String::from_utf8_lossy(req.id);
    let label = shared.tokens.route_label(&route_label(req.route));
    let counters = shared.streams.counters(Arc::clone(&label));
    let seen = Seen {
        call_id: 0,
        route_id: &label,
        counters: &counters,
        request_id: &request_id,
        consumer: None,
        mode: policy.mode,
        call: Call::Answer {
            upstream_headers: &[],
        },
        started,
    };
    seen.observe(&shared.runtime.load(), decision, started.elapsed());
}

/// The reply for a whole answer's `decision`: the body as it came (allowed,
/// or shadow mode), its redaction, or STOP with the error body of a block
/// (the same JSON the answer path sends).
fn whole_reply(decision: &Decision, body: &[u8], req: &StreamChunkReq<'_>) -> ChunkReply {
    match &decision.verdict {
        Verdict::Allow | Verdict::Shadow(_) => (
            StreamVerdict::Continue,
            StreamReason::None,
            0,
            body.to_vec(),
        ),
        Verdict::Redact(redaction) => (
            StreamVerdict::Continue,
            StreamReason::None,
            0,
            redaction.body.clone(),
        ),
        Verdict::Block(block) => (
            StreamVerdict::Stop,
            StreamReason::PolicyOrMalformed,
            0,
            block.to_json_as("response_blocked", &String::from_utf8_lossy(req.id)),
        ),
    }
}
