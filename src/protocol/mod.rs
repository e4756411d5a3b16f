//! APISIX ext-plugin wire protocol: frame codec, flatbuffers bindings and reply
//! builders. Knows nothing about detection.
//!
//! * Takes: bytes read from the APISIX socket (the server owns the socket and the
//!   read buffer). [`check_frame`] says whether a whole frame is buffered; the
//!   `decode_*` functions turn a payload into borrowed views ([`HttpReqCall`], …)
//!   whose strings are byte slices, because nginx hands over bytes that need not be
//!   UTF-8 (spec 3.1).
//! * Hands on: those views to the server, and complete reply frames (header and
//!   payload in one `Vec<u8>`, one write) built by the `encode_*` functions, which
//!   reuse the caller's buffers.
//! * Never: does I/O, uses tokio, panics or allocates per byte on any input, writes
//!   a truncated length (a reply over [`MAX_PAYLOAD`] is [`FrameError::TooLarge`]
//!   so the server can answer Err SERVICE_UNAVAILABLE instead), or logs payload
//!   bytes (they are prompt text).
//!
//! The flatbuffers bindings in `generated/` come from `schema/ext-plugin.fbs`
//! (ext-plugin-proto v0.6.1) via `scripts/regen-bindings.sh`; do not edit them.
//! [`peer`] is the mirror image, APISIX's side, for tests and the load generator.

mod decode;
mod encode;
mod frame;
#[allow(
    warnings,
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::all,
    clippy::pedantic,
    clippy::nursery,
    clippy::restriction
)]
mod generated;
pub mod peer;

#[cfg(test)]
mod tests;

pub use decode::{
    ConfEntry, DecodeError, ExtraInfoResp, HttpReqCall, HttpRespCall, PrepareConfReq, TextEntry,
    decode_extra_info_resp, decode_http_req_call, decode_http_resp_call, decode_prepare_conf,
    find_header, method_name,
};
pub use encode::{
    Entry, ErrCode, Rewrite, Stop, encode_err, encode_extra_info_req_body,
    encode_extra_info_resp_body, encode_extra_info_var, encode_prepare_conf_resp,
    encode_req_call_continue, encode_req_call_rewrite, encode_req_call_stop, encode_resp_call_resp,
};
pub use flatbuffers::FlatBufferBuilder;
pub use frame::{
    Frame, FrameError, FrameHeader, HEADER_LEN, MAX_PAYLOAD, RpcType, check_frame, encode_frame,
    encode_header, parse_frame, parse_header,
};
