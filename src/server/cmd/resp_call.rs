//! HTTPRespCall (`ext-plugin-post-resp`): acknowledged for a known conf token.
//! Responses are not inspected yet; response inspection is built here.

use super::super::Shared;
use super::super::reply::{Scratch, encode_error};
use crate::protocol::{ErrCode, decode_http_resp_call, encode_resp_call_resp};

/// Answers an HTTPRespCall: the response passes unchanged.
pub(super) fn apply(shared: &Shared, payload: &[u8], scratch: &mut Scratch) {
    let call = match decode_http_resp_call(payload) {
        Ok(call) => call,
        Err(error) => {
            tracing::warn!(%error, "malformed HTTPRespCall; answering bad request");
            return encode_error(scratch, ErrCode::BadRequest);
        }
    };
    if shared.tokens.get(call.conf_token).is_none() {
        return encode_error(scratch, ErrCode::ConfTokenNotFound);
    }
    // Responses pass unchanged: response scanning is not part of any policy yet.
    let _ = encode_resp_call_resp(&mut scratch.fbb, &mut scratch.out, call.id, 0, &[], &[]);
}
