//! The RPCs, one command per file (as mini-redis's `cmd/`): the connection
//! loop reads a frame and calls [`apply`], which hands it to its command.
//!
//! * `prepare_conf` — a route conf in, a conf token out.
//! * `req_call` — HTTPReqCall: the token's policy, body gating, the ExtraInfo
//!   round trips (`extra`), the pipeline, and one `finish` (`finish`) that
//!   observes the decision and encodes the reply.
//! * `resp_call` — HTTPRespCall: the answer's status and headers gate the
//!   body, which comes over ExtraInfo RespBody; the pipeline's answer
//!   direction decides; the reply passes, rewrites or withholds the answer.
//! * `stream_chunk` — StreamChunk (promptgate's own, type 16): one chunk of
//!   a streamed answer through its session, the safe bytes released.
//! * `whole_answer` — StreamChunk answers that are not event streams,
//!   inspected whole (in one chunk, or held to their END).
//! * `request_call` — RequestCall (promptgate's own, type 17): a whole
//!   request in one frame (inline conf, headers, body) through the same
//!   steps as `req_call`, its verdict in one reply.

mod extra;
mod finish;
mod prepare_conf;
mod req_call;
mod request_call;
mod resp_call;
mod stream_chunk;
mod whole_answer;

use bytes::Bytes;

pub(super) use prepare_conf::{ConfRefused, route_policy};

use super::Shared;
use super::Shutdown;
use super::connection::{ConnError, Connection};
use super::reply::{Scratch, encode_error};
use crate::protocol::{ErrCode, RpcType};

/// Puts the reply to the frame of type `ty` in `scratch.out`. Errors are
/// connection-level (the peer went away mid-call); everything else is answered.
pub(super) async fn apply(
    conn: &mut Connection,
    shared: &Shared,
    ty: u8,
    payload: Bytes,
    scratch: &mut Scratch,
    shutdown: &mut Shutdown,
) -> Result<(), ConnError> {
    match RpcType::from_u8(ty) {
        Some(RpcType::PrepareConf) => prepare_conf::apply(shared, &payload, scratch),
        Some(RpcType::HttpReqCall) => {
            return req_call::apply(conn, shared, payload, scratch, shutdown).await;
        }
        Some(RpcType::HttpRespCall) => {
            return resp_call::apply(conn, shared, payload, scratch, shutdown).await;
        }
        Some(RpcType::StreamChunk) => stream_chunk::apply(shared, &payload, scratch).await,
        Some(RpcType::RequestCall) => request_call::apply(shared, payload, scratch).await,
        Some(RpcType::ExtraInfo) | Some(RpcType::Error) | None => {
            tracing::warn!(rpc_type = ty, "unexpected RPC type; answering bad request");
            encode_error(scratch, ErrCode::BadRequest);
        }
    }
    Ok(())
}

/// The route conf behind `token`; for an unknown or expired token, the
/// `Err CONF_TOKEN_NOT_FOUND` reply (APISIX then prepares the conf again) is
/// put in `scratch.out`, counted, and `None` returned.
fn conf_entry(
    shared: &Shared,
    token: u32,
    scratch: &mut Scratch,
) -> Option<std::sync::Arc<super::tokens::ConfEntry>> {
    let entry = shared.tokens.get(token);
    if entry.is_none() {
        crate::telemetry::record_runner_error("conf_token_not_found");
        encode_error(scratch, ErrCode::ConfTokenNotFound);
    }
    entry
}
