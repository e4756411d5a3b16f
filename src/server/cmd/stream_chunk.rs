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
//! A whole answer that is not an event stream, sent as one OPEN|END chunk
//! (the plugin does so for ai-proxy's buffered `ai_chat` answers, which
//! ext-plugin-post-resp never sees), is inspected like an HTTPRespCall body:
//! on the scan pool, under the route's answer size limit, with the same
//! decision (CONTINUE with the body or its redaction, STOP with the JSON
//! error body).

use std::sync::{Arc, PoisonError};
use std::time::Instant;

use super::super::reply::Scratch;
use super::super::sessions::{StreamSession, route_label};
use super::super::{Direction, ScanJob, Shared};
use super::finish::{Call, Seen};
use super::prepare_conf::route_policy;
use super::resp_call::over_limit;
use crate::detect::Layer;
use crate::pipeline::{
    AnswerStream, Decision, RoutePolicy, StreamFormat, StreamOutcome, Verdict, error_event,
};
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
            observe(
                &shared.runtime.load(),
                &req,
                &session.lock().unwrap_or_else(PoisonError::into_inner),
            );
        }
        return reply(scratch, StreamVerdict::Continue, StreamReason::None, 0, &[]);
    }
    let session = if req.flags.open() {
        match open(shared, &req) {
            Ok(Opened::Stream(session)) => session,
            Ok(Opened::Whole(policy)) => return whole_answer(shared, &req, policy, scratch).await,
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
    let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
    let step = session.stream.push(req.chunk, req.flags.end());
    session.busy += started.elapsed();
    let (verdict, reason) = match step.outcome {
        StreamOutcome::Continue => (StreamVerdict::Continue, StreamReason::None),
        StreamOutcome::Stop => (StreamVerdict::Stop, StreamReason::PolicyOrMalformed),
        StreamOutcome::Pass => (StreamVerdict::Pass, StreamReason::None),
    };
    if verdict != StreamVerdict::Continue || req.flags.end() {
        shared.streams.close(req.id);
        observe(&shared.runtime.load(), &req, &session);
    }
    let held = u32::try_from(step.held).unwrap_or(u32::MAX);
    reply(scratch, verdict, reason, held, &step.release);
}

/// What an OPEN chunk starts.
enum Opened {
    /// A session for an event stream.
    Stream(Arc<std::sync::Mutex<StreamSession>>),
    /// A whole answer in this one chunk (OPEN|END, not an event stream),
    /// inspected at once under the route's policy.
    Whole(RoutePolicy),
    /// Nothing to inspect (no promptgate policy on answers, or a body that is
    /// neither an event stream nor whole in one chunk): the stream passes.
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
    if !is_event_stream(req.content_type, req.chunk) {
        return Ok(if req.flags.end() {
            Opened::Whole(policy)
        } else {
            Opened::Pass
        });
    }
    let format = format_of(req.api).or_else(|| StreamFormat::of_api(policy.api));
    let label = shared.tokens.route_label(&route_label(req.route));
    let session = StreamSession {
        stream: AnswerStream::new(Arc::clone(&runtime.pipeline), policy, format),
        counters: shared.streams.counters(Arc::clone(&label)),
        route_id: label,
        busy: std::time::Duration::ZERO,
    };
    match shared.streams.open(req.id, session) {
        Ok(session) => Ok(Opened::Stream(session)),
        Err(error) => {
            tracing::warn!(%error, "StreamChunk OPEN refused");
            telemetry::record_runner_error("stream_sessions_full");
            Err(StreamReason::TooManySessions)
        }
    }
}

/// Inspects a whole answer sent in one OPEN|END chunk as the answer path
/// (HTTPRespCall) does, and answers CONTINUE with what the client gets, or
/// STOP with the JSON error body.
async fn whole_answer(
    shared: &Shared,
    req: &StreamChunkReq<'_>,
    policy: RoutePolicy,
    scratch: &mut Scratch,
) {
    let started = Instant::now();
    let runtime = shared.runtime.load();
    let max = usize::try_from(policy.policy.config.response.max_body_bytes).unwrap_or(usize::MAX);
    let decision = if req.chunk.len() > max {
        over_limit(&policy)
    } else {
        let content_type =
            (!req.content_type.is_empty()).then(|| bytes::Bytes::copy_from_slice(req.content_type));
        let job = ScanJob {
            pipeline: Arc::clone(&runtime.pipeline),
            cache: Arc::clone(&shared.cache),
            policy: policy.clone(),
            body: Some(bytes::Bytes::copy_from_slice(req.chunk)),
            content_encoding: None,
            direction: Direction::Response {
                content_type,
                originals: None,
                request: None,
            },
        };
        shared.scans.decide(job).await
    };
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
    seen.observe(&runtime, &decision, started.elapsed());
    let (verdict, body) = whole_reply(&decision, req.chunk, &request_id);
    let reason = match verdict {
        StreamVerdict::Stop => StreamReason::PolicyOrMalformed,
        _ => StreamReason::None,
    };
    reply(scratch, verdict, reason, 0, &body);
}

/// The verdict and release for a whole answer's `decision`: the body as it
/// came (allowed, or shadow mode), its redaction, or the error body of a
/// block (the same JSON the answer path sends).
fn whole_reply(decision: &Decision, body: &[u8], request_id: &str) -> (StreamVerdict, Vec<u8>) {
    match &decision.verdict {
        Verdict::Allow | Verdict::Shadow(_) => (StreamVerdict::Continue, body.to_vec()),
        Verdict::Redact(redaction) => (StreamVerdict::Continue, redaction.body.clone()),
        Verdict::Block(block) => (
            StreamVerdict::Stop,
            block.to_json_as("response_blocked", request_id),
        ),
    }
}

/// Whether the answer is an event stream: its content type says so, or,
/// without one, its first bytes do not look like a JSON document.
fn is_event_stream(content_type: &[u8], first: &[u8]) -> bool {
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

/// Counts and audits a closed stream's decision.
fn observe(runtime: &Runtime, req: &StreamChunkReq<'_>, session: &StreamSession) {
    let decision = session.stream.decision();
    // The id was checked to be printable ASCII.
    let request_id = String::from_utf8_lossy(req.id);
    let seen = Seen {
        call_id: 0,
        route_id: &session.route_id,
        counters: &session.counters,
        request_id: &request_id,
        consumer: None,
        mode: session.stream.mode(),
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
    held: u32,
    release: &[u8],
) {
    let reply = StreamChunkReply {
        verdict,
        reason,
        held,
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
