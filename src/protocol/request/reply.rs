//! The `RequestCall` reply: what the plugin does with the request (the
//! verdict, its reason, header operations and a body), written by the
//! runner as one whole frame. The decoder is the plugin's side, for tests
//! and the load generator.

use super::super::frame::{FrameError, HEADER_LEN, MAX_PAYLOAD, RpcType, encode_header};
use super::error::RequestDecodeError;
use super::wire::{Reader, known, short, version, wide};
use super::{MAX_REQUEST_CALL_HEADERS, REQUEST_CALL_VERSION};

/// Reply flag: `body` replaces the request body (REWRITE).
pub const REPLY_FLAG_BODY: u8 = 0x01;

/// What the plugin does with the request (`verdict` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestVerdict {
    /// Pass the request on, after the header operations.
    Continue = 0,
    /// Answer the client with `status`, the response headers and `body`.
    Stop = 1,
    /// Replace the body with `body` and apply the header operations.
    Rewrite = 2,
    /// The plugin's `fail_open` decides.
    Error = 3,
}

impl RequestVerdict {
    /// The verdict for a wire byte; `None` outside 0–3.
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(RequestVerdict::Continue),
            1 => Some(RequestVerdict::Stop),
            2 => Some(RequestVerdict::Rewrite),
            3 => Some(RequestVerdict::Error),
            _ => None,
        }
    }
}

/// The `reason` byte of a STOP or ERROR reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestReason {
    /// CONTINUE and REWRITE carry no reason.
    None = 0,
    /// STOP: the policy blocked the request. ERROR: the payload was malformed.
    PolicyOrMalformed = 1,
    /// ERROR: the conf does not parse or names what the config lacks.
    BadConf = 4,
    /// ERROR: the reply does not fit a frame.
    Busy = 5,
}

/// Where a reply's header operation applies (`op` byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderOp {
    /// Set on the request sent upstream.
    SetRequest = 0,
    /// Remove from the request sent upstream.
    RemoveRequest = 1,
    /// Set on the response to the client.
    SetResponse = 2,
}

/// `RequestCall` reply, borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCallReply<'a> {
    /// What the plugin does.
    pub verdict: RequestVerdict,
    /// Why, for STOP and ERROR.
    pub reason: RequestReason,
    /// STOP's status; else 0.
    pub status: u16,
    /// Header operations, in order.
    pub headers: Vec<(HeaderOp, &'a [u8], &'a [u8])>,
    /// STOP: the response body; REWRITE: the new request body.
    pub body: Option<&'a [u8]>,
}

/// Writes a whole `RequestCall` reply frame (header and payload) into `out`,
/// replacing its contents.
///
/// # Errors
///
/// [`FrameError::TooLarge`] when the reply does not fit one frame; `out` is
/// then empty.
pub fn encode_request_call_reply(
    reply: &RequestCallReply<'_>,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    out.clear();
    let headers: usize = reply
        .headers
        .iter()
        .map(|(_, n, v)| {
            5 + n.len().min(usize::from(u16::MAX)) + v.len().min(usize::from(u16::MAX))
        })
        .sum();
    let body = reply.body.unwrap_or_default();
    let len = 8 + headers + 4 + body.len();
    let header = encode_header(RpcType::RequestCall, len)?;
    out.reserve(HEADER_LEN + len);
    out.extend_from_slice(&header);
    let flags = if reply.body.is_some() {
        REPLY_FLAG_BODY
    } else {
        0
    };
    out.extend_from_slice(&[
        REQUEST_CALL_VERSION,
        reply.verdict as u8,
        reply.reason as u8,
        flags,
    ]);
    out.extend_from_slice(&reply.status.to_be_bytes());
    let count = reply.headers.len().min(usize::from(u16::MAX));
    out.extend_from_slice(&(count as u16).to_be_bytes());
    for (op, name, value) in &reply.headers[..count] {
        out.push(*op as u8);
        short(out, name);
        short(out, value);
    }
    // Fits: `len` passed the frame limit above.
    wide(out, body);
    Ok(())
}

/// The plugin's side: decodes a reply payload (no frame header).
///
/// # Errors
///
/// [`RequestDecodeError`] as for requests.
pub fn decode_request_call_reply(
    payload: &[u8],
) -> Result<RequestCallReply<'_>, RequestDecodeError> {
    let mut r = Reader { rest: payload };
    version(&mut r)?;
    let verdict = r.u8("verdict")?;
    let verdict = RequestVerdict::from_u8(verdict).ok_or(RequestDecodeError::BadValue {
        field: "verdict",
        value: u32::from(verdict),
    })?;
    let reason = match r.u8("reason")? {
        0 => RequestReason::None,
        1 => RequestReason::PolicyOrMalformed,
        4 => RequestReason::BadConf,
        5 => RequestReason::Busy,
        v => {
            return Err(RequestDecodeError::BadValue {
                field: "reason",
                value: u32::from(v),
            });
        }
    };
    let flags = known("flags", r.u8("flags")?, REPLY_FLAG_BODY)?;
    let status = u16::try_from(r.u16("status")?).unwrap_or(u16::MAX);
    let count = r.u16("headers")?;
    let mut headers = Vec::with_capacity(count.min(MAX_REQUEST_CALL_HEADERS));
    for _ in 0..count {
        let op = match r.u8("header op")? {
            0 => HeaderOp::SetRequest,
            1 => HeaderOp::RemoveRequest,
            2 => HeaderOp::SetResponse,
            v => {
                return Err(RequestDecodeError::BadValue {
                    field: "header op",
                    value: u32::from(v),
                });
            }
        };
        let name = r.short(usize::from(u16::MAX), "header name")?;
        let value = r.short(usize::from(u16::MAX), "header value")?;
        headers.push((op, name, value));
    }
    let body = r.wide(MAX_PAYLOAD, "body")?;
    r.end()?;
    Ok(RequestCallReply {
        verdict,
        reason,
        status,
        headers,
        body: (flags & REPLY_FLAG_BODY != 0).then_some(body),
    })
}
