//! promptgate's own `RequestCall` RPC (frame type 17, version 1): a whole
//! request from the `ai-promptgate` Lua plugin's access phase (route conf,
//! method, path, the headers the policy reads, the body) and the verdict, in
//! one round trip. Specified in `apisix/plugins/RPC.md`.
//!
//! Plain binary like `StreamChunk`: big-endian unsigned integers and
//! length-prefixed byte strings in a fixed order after a version byte.
//! Decoding checks every length against what is left and against its bound,
//! refuses unknown versions, flags and values and trailing bytes; it never
//! panics and allocates nothing (headers stay a validated raw section read
//! by [`RequestCallReq::header`]).
//!
//! One room per part of the contract; this file holds the version and the
//! bounds both directions are checked against:
//!
//! * `req` — the request the plugin sends: its view, decoder and the
//!   plugin-side encoder.
//! * `reply` — the verdict the runner answers with: its vocabulary, the
//!   runner-side frame encoder and the plugin-side decoder.
//! * `wire` — the field encoding both share (the reader, the length-prefixed
//!   writers, the version and flag checks).
//! * `error` — why a payload was refused.

mod error;
mod reply;
mod req;
mod wire;

#[cfg(test)]
mod tests;

pub use error::RequestDecodeError;
pub use reply::{
    HeaderOp, REPLY_FLAG_BODY, RequestCallReply, RequestReason, RequestVerdict,
    decode_request_call_reply, encode_request_call_reply,
};
pub use req::{REQUEST_FLAG_BODY, RequestCallReq, decode_request_call, encode_request_call_req};

/// The only version of the `RequestCall` payloads this runner speaks.
pub const REQUEST_CALL_VERSION: u8 = 1;
/// Longest request id (`ctx.var.request_id`), in bytes.
pub const MAX_REQUEST_CALL_ID: usize = 128;
/// Longest route conf, in bytes.
pub const MAX_REQUEST_CALL_CONF: usize = 64 * 1024;
/// Longest route id, in bytes.
pub const MAX_REQUEST_CALL_ROUTE: usize = 256;
/// Longest consumer name, in bytes.
pub const MAX_REQUEST_CALL_CONSUMER: usize = 256;
/// Longest method, in bytes.
pub const MAX_REQUEST_CALL_METHOD: usize = 16;
/// Longest path, in bytes.
pub const MAX_REQUEST_CALL_PATH: usize = 8192;
/// Most headers in one request.
pub const MAX_REQUEST_CALL_HEADERS: usize = 64;
/// Longest header name or value, in bytes.
pub const MAX_REQUEST_CALL_HEADER: usize = 8192;
