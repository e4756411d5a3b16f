//! StreamChunk (promptgate's own RPC, `apisix/plugins/RPC.md`): one chunk of
//! a streamed answer from the `ai-promptgate` Lua plugin in, the bytes safe
//! to release out.
//!
//! OPEN parses and resolves the route's conf as PrepareConf does and opens a
//! session ([`super::super::sessions`]); every chunk goes through the
//! session's [`AnswerStream`]; END, ABORT and a STOP or PASS close it, and
//! the stream's decision is counted and audited (direction `response`) once,
//! at close. The work per chunk is a scan of a bounded window, done here on
//! the socket task.
//!
//! An answer that is not an event stream is inspected whole
//! ([`super::whole_answer`]): at once when it comes as one OPEN|END chunk,
//! else held to its END in a buffered session. It never passes unread just
//! because it came in pieces.

use std::sync::{Arc, PoisonError};
use std::time::Instant;

use super::super::Shared;
use super::super::reply::Scratch;
use super::super::sessions::{Inspection, StreamSession, route_label};
use super::finish::{Call, Seen};
use super::prepare_conf::route_policy;
use super::whole_answer::{self, ChunkReply};
use crate::detect::Layer;
use crate::pipeline::{AnswerStream, RoutePolicy, StreamFormat, StreamOutcome, error_event};
use crate::protocol::{
    StreamApi, StreamChunkReply, StreamChunkReq, StreamReason, StreamVerdict, decode_stream_chunk,
    encode_stream_chunk_reply,
};
use crate::runtime::Runtime;
use crate::telemetry;
use crate::types::ApiFormat;
use crate::types::Block;

/// Answers a StreamChunk.
pub(super) async fn apply(shared: &Shared, payload: &[u8], scratch: &mut Scratch) {
    let started = Instant::now();
    let req = match decode_stream_chunk(payload) {
        Ok(req) => req,
        Err(error) => {
            tracing::warn!(%error, "malformed StreamChunk; answering ERROR malformed");
            telemetry::record_runner_error("bad_request");
            return reply(
                scratch,
                StreamVerdict::Error,
                StreamReason::PolicyOrMalformed,
                0,
                &[],
            );
        }
    };
    if req.flags.abort() {
        if let Some(session) = shared.streams.close(req.id) {
            let session = session.lock().unwrap_or_else(PoisonError::into_inner);
            observe(&shared.runtime.load(), &req, &session);
        }
        return reply(scratch, StreamVerdict::Continue, StreamReason::None, 0, &[]);
    }
    let session = if req.flags.open() {
        match open(shared, &req) {
            Ok(Opened::Session(session)) => session,
            Ok(Opened::Whole(policy)) => {
                let (verdict, reason, held, release) =
                    whole_answer::one_chunk(shared, &req, policy).await;
                return reply(scratch, verdict, reason, held, &release);
            }
            Ok(Opened::Pass) => {
                // Nothing to inspect: the stream passes.
                return reply(
                    scratch,
                    StreamVerdict::Pass,
                    StreamReason::None,
                    0,
                    req.chunk,
                );
            }
            Err(reason) => {
                let closing = closing_event(req.api);
                return reply(scratch, StreamVerdict::Error, reason, 0, &closing);
            }
        }
    } else {
        match shared.streams.get(req.id) {
            Some(session) => session,
            None => {
                telemetry::record_runner_error("stream_unknown_session");
                let closing = closing_event(req.api);
                return reply(
                    scratch,
                    StreamVerdict::Error,
                    StreamReason::UnknownSession,
                    0,
                    &closing,
                );
            }
        }
    };
    // The session's lock is held only by `event_chunk`: a buffered answer's
    // scan awaits, and a std lock never crosses an await.
    let judged = event_chunk(
        shared,
        &req,
        &mut session.lock().unwrap_or_else(PoisonError::into_inner),
        started,
    );
    let (verdict, reason, held, release) = match judged {
        Some(answer) => answer,
        None => whole_answer::buffered_chunk(shared, &req, &session).await,
    };
    reply(scratch, verdict, reason, held, &release);
}

/// One chunk of an event stream through its session, closing and counting
/// it when the stream ends; `None` for a buffered answer's session (held to
/// its END by [`whole_answer::buffered_chunk`]).
fn event_chunk(
    shared: &Shared,
    req: &StreamChunkReq<'_>,
    session: &mut StreamSession,
    started: Instant,
) -> Option<ChunkReply> {
    let Inspection::Events(stream) = &mut session.inspection else {
        return None;
    };
    let step = stream.push(req.chunk, req.flags.end());
    session.busy += started.elapsed();
    let (verdict, reason) = match step.outcome {
        StreamOutcome::Continue => (StreamVerdict::Continue, StreamReason::None),
        StreamOutcome::Stop => (StreamVerdict::Stop, StreamReason::PolicyOrMalformed),
        StreamOutcome::Pass => (StreamVerdict::Pass, StreamReason::None),
    };
    if verdict != StreamVerdict::Continue || req.flags.end() {
        shared.streams.close(req.id);
        observe(&shared.runtime.load(), req, session);
    }
    Some((verdict, reason, step.held, step.release))
}

/// What an OPEN chunk starts.
enum Opened {
    /// A session: an event stream's, or a whole answer's held to its END.
    Session(Arc<std::sync::Mutex<StreamSession>>),
    /// A whole answer in this one chunk (OPEN|END, not an event stream),
    /// inspected at once under the route's policy.
    Whole(RoutePolicy),
    /// Nothing to inspect (no promptgate policy on answers): the stream
    /// passes.
    Pass,
}

/// Opens the session of an OPEN chunk (see [`Opened`]).
fn open(shared: &Shared, req: &StreamChunkReq<'_>) -> Result<Opened, StreamReason> {
    let runtime = shared.runtime.load();
    let policy = match route_policy(&runtime, Some(req.conf)) {
        Ok((_, policy)) => policy,
        Err(error) => {
            tracing::error!(%error, "StreamChunk OPEN with a conf promptgate refuses");
            telemetry::record_runner_error("stream_bad_conf");
            return Err(StreamReason::BadConf);
        }
    };
    if !AnswerStream::inspects(&policy) {
        return Ok(Opened::Pass);
    }
    let session = if whole_answer::is_event_stream(req.content_type, req.chunk) {
        let format = format_of(req.api).or_else(|| StreamFormat::of_api(policy.api));
        let label = shared.tokens.route_label(&route_label(req.route));
        StreamSession {
            inspection: Inspection::Events(Box::new(AnswerStream::new(
                Arc::clone(&runtime.pipeline),
                policy,
                format,
            ))),
            counters: shared.streams.counters(Arc::clone(&label)),
            route_id: label,
            busy: std::time::Duration::ZERO,
        }
    } else if req.flags.end() {
        return Ok(Opened::Whole(policy));
    } else {
        whole_answer::buffered_session(shared, req, policy)
    };
    match shared.streams.open(req.id, session) {
        Ok(session) => Ok(Opened::Session(session)),
        Err(error) => {
            tracing::warn!(%error, "StreamChunk OPEN refused");
            telemetry::record_runner_error("stream_sessions_full");
            Err(StreamReason::TooManySessions)
        }
    }
}

/// The stream format the plugin named.
fn format_of(api: StreamApi) -> Option<StreamFormat> {
    match api {
        StreamApi::Auto => None,
        StreamApi::OpenAi => StreamFormat::of_api(ApiFormat::OpenAi),
        StreamApi::Anthropic => StreamFormat::of_api(ApiFormat::Anthropic),
        StreamApi::Gemini => StreamFormat::of_api(ApiFormat::Gemini),
    }
}

/// The error event that closes a stream the runner cannot serve (sent by a
/// fail-closed plugin); OpenAI's format when the plugin names none.
fn closing_event(api: StreamApi) -> Vec<u8> {
    let block = Block::new(
        502,
        "stream_unavailable",
        Layer::Gate,
        "the model's answer could not be inspected",
    );
    error_event(format_of(api).unwrap_or(StreamFormat::OpenAi), &block)
}

/// Counts and audits a closed stream's decision. A buffered answer closed
/// before its END (ABORT) was never judged: nothing to count.
fn observe(runtime: &Runtime, req: &StreamChunkReq<'_>, session: &StreamSession) {
    let Inspection::Events(stream) = &session.inspection else {
        return;
    };
    let decision = stream.decision();
    // The id was checked to be printable ASCII.
    let request_id = String::from_utf8_lossy(req.id);
    let seen = Seen {
        call_id: 0,
        route_id: &session.route_id,
        counters: &session.counters,
        request_id: &request_id,
        consumer: None,
        mode: stream.mode(),
        call: Call::Answer {
            upstream_headers: &[],
        },
        started: Instant::now(),
    };
    seen.observe(runtime, &decision, session.busy);
}

/// Puts a reply frame in `scratch.out`; a release too large for one frame
/// becomes ERROR `busy` (never a truncated frame).
fn reply(
    scratch: &mut Scratch,
    verdict: StreamVerdict,
    reason: StreamReason,
    held: usize,
    release: &[u8],
) {
    let reply = StreamChunkReply {
        verdict,
        reason,
        held: u32::try_from(held).unwrap_or(u32::MAX),
        release,
    };
    if encode_stream_chunk_reply(&reply, &mut scratch.out).is_err() {
        telemetry::record_runner_error("stream_reply_too_large");
        let busy = StreamChunkReply {
            verdict: StreamVerdict::Error,
            reason: StreamReason::Busy,
            held: 0,
            release: &[],
        };
        // An empty release always fits.
        let _ = encode_stream_chunk_reply(&busy, &mut scratch.out);
    }
}
