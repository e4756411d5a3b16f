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

use thiserror::Error;

use super::frame::{FrameError, HEADER_LEN, MAX_PAYLOAD, RpcType, encode_header};

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

/// Request flag: the request has a body (APISIX read one, possibly empty).
pub const REQUEST_FLAG_BODY: u8 = 0x01;
/// Reply flag: `body` replaces the request body (REWRITE).
pub const REPLY_FLAG_BODY: u8 = 0x01;

/// `RequestCall` request, borrowed from its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestCallReq<'a> {
    /// [`REQUEST_FLAG_BODY`] or 0.
    pub flags: u8,
    /// `ctx.var.request_id` (0–128 printable ASCII bytes): the key of a
    /// reversible redaction's mapping.
    pub id: &'a [u8],
    /// The route's promptgate conf (JSON), as the ext-plugin conf value.
    pub conf: &'a [u8],
    /// The APISIX route id, for metric labels.
    pub route: &'a [u8],
    /// The authenticated consumer (`ctx.consumer_name`), audited; may be empty.
    pub consumer: &'a [u8],
    /// The HTTP method.
    pub method: &'a [u8],
    /// The request path.
    pub path: &'a [u8],
    /// The raw header section (count, then name/value pairs), validated.
    pub headers: &'a [u8],
    /// The request body as APISIX read it.
    pub body: &'a [u8],
}

impl<'a> RequestCallReq<'a> {
    /// The request has a body.
    pub fn has_body(&self) -> bool {
        self.flags & REQUEST_FLAG_BODY != 0
    }

    /// The first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.header_pairs()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Every header, in order.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let mut r = Reader { rest: self.headers };
        let count = r.u16("headers").unwrap_or(0);
        (0..count).map_while(move |_| {
            let name = r.short(MAX_REQUEST_CALL_HEADER, "header name").ok()?;
            let value = r.short(MAX_REQUEST_CALL_HEADER, "header value").ok()?;
            Some((name, value))
        })
    }
}

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

/// Why a `RequestCall` payload was refused. Carries no payload bytes.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RequestDecodeError {
    /// The payload ends before the field.
    #[error("RequestCall payload ends inside {field}")]
    Truncated {
        /// The field being read.
        field: &'static str,
    },
    /// A version this runner does not speak.
    #[error("RequestCall version {0} is not supported (this runner speaks {REQUEST_CALL_VERSION})")]
    Version(u8),
    /// A field holding a value outside its range.
    #[error("RequestCall {field} has invalid value {value}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// The value found.
        value: u32,
    },
    /// A length or count over its field's bound.
    #[error("RequestCall {field} of {len} is over the limit of {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its announced length or count.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The request id is not printable ASCII.
    #[error("RequestCall id is not printable ASCII")]
    BadId,
    /// A body without the BODY flag.
    #[error("RequestCall carries a body without the BODY flag")]
    UnflaggedBody,
    /// Bytes after the last field.
    #[error("RequestCall payload has {0} bytes after its last field")]
    Trailing(usize),
}

/// Reads fields off the front of a payload.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], RequestDecodeError> {
        if self.rest.len() < n {
            return Err(RequestDecodeError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, RequestDecodeError> {
        Ok(self.take(1, field)?[0])
    }

    fn u16(&mut self, field: &'static str) -> Result<usize, RequestDecodeError> {
        let b = self.take(2, field)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn u32(&mut self, field: &'static str) -> Result<usize, RequestDecodeError> {
        let b = self.take(4, field)?;
        Ok(usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(usize::MAX))
    }

    fn checked(
        &mut self,
        len: usize,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], RequestDecodeError> {
        if len > max {
            return Err(RequestDecodeError::TooLong { field, len, max });
        }
        self.take(len, field)
    }

    fn short(&mut self, max: usize, field: &'static str) -> Result<&'a [u8], RequestDecodeError> {
        let len = self.u16(field)?;
        self.checked(len, max, field)
    }

    fn wide(&mut self, max: usize, field: &'static str) -> Result<&'a [u8], RequestDecodeError> {
        let len = self.u32(field)?;
        self.checked(len, max, field)
    }

    fn end(&self) -> Result<(), RequestDecodeError> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(RequestDecodeError::Trailing(n)),
        }
    }
}

fn version(r: &mut Reader<'_>) -> Result<(), RequestDecodeError> {
    match r.u8("version")? {
        REQUEST_CALL_VERSION => Ok(()),
        v => Err(RequestDecodeError::Version(v)),
    }
}

fn known(field: &'static str, value: u8, allowed: u8) -> Result<u8, RequestDecodeError> {
    if value & !allowed != 0 {
        return Err(RequestDecodeError::BadValue {
            field,
            value: u32::from(value),
        });
    }
    Ok(value)
}

/// Decodes a `RequestCall` request payload.
///
/// # Errors
///
/// [`RequestDecodeError`] for a short payload, an unknown version or flag, a
/// length or header count over its bound, a bad id, a body without the BODY
/// flag, or trailing bytes.
pub fn decode_request_call(payload: &[u8]) -> Result<RequestCallReq<'_>, RequestDecodeError> {
    let mut r = Reader { rest: payload };
    version(&mut r)?;
    let flags = known("flags", r.u8("flags")?, REQUEST_FLAG_BODY)?;
    let id = r.short(MAX_REQUEST_CALL_ID, "id")?;
    if !id.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(RequestDecodeError::BadId);
    }
    let conf = r.wide(MAX_REQUEST_CALL_CONF, "conf")?;
    let route = r.short(MAX_REQUEST_CALL_ROUTE, "route")?;
    let consumer = r.short(MAX_REQUEST_CALL_CONSUMER, "consumer")?;
    let method = r.short(MAX_REQUEST_CALL_METHOD, "method")?;
    let path = r.short(MAX_REQUEST_CALL_PATH, "path")?;
    let start = r.rest;
    let count = r.u16("headers")?;
    if count > MAX_REQUEST_CALL_HEADERS {
        return Err(RequestDecodeError::TooLong {
            field: "headers",
            len: count,
            max: MAX_REQUEST_CALL_HEADERS,
        });
    }
    for _ in 0..count {
        r.short(MAX_REQUEST_CALL_HEADER, "header name")?;
        r.short(MAX_REQUEST_CALL_HEADER, "header value")?;
    }
    let headers = &start[..start.len() - r.rest.len()];
    let body = r.wide(MAX_PAYLOAD, "body")?;
    if flags & REQUEST_FLAG_BODY == 0 && !body.is_empty() {
        return Err(RequestDecodeError::UnflaggedBody);
    }
    r.end()?;
    Ok(RequestCallReq {
        flags,
        id,
        conf,
        route,
        consumer,
        method,
        path,
        headers,
        body,
    })
}

/// The plugin's side, for tests and the load generator: a request payload
/// (no frame header) from its parts and a header list. Bounds are not
/// checked, so tests can build refused payloads; a field longer than its
/// length prefix holds is cut to fit.
pub fn encode_request_call_req(
    req: &RequestCallReq<'_>,
    headers: &[(&[u8], &[u8])],
    out: &mut Vec<u8>,
) {
    out.clear();
    out.extend_from_slice(&[REQUEST_CALL_VERSION, req.flags]);
    short(out, req.id);
    wide(out, req.conf);
    short(out, req.route);
    short(out, req.consumer);
    short(out, req.method);
    short(out, req.path);
    let count = headers.len().min(usize::from(u16::MAX));
    out.extend_from_slice(&(count as u16).to_be_bytes());
    for (name, value) in &headers[..count] {
        short(out, name);
        short(out, value);
    }
    wide(out, req.body);
}

fn short(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn wide(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(u32::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEADERS: [(&[u8], &[u8]); 2] = [
        (b"Content-Type", b"application/json"),
        (b"x-request-id", b"abc"),
    ];

    fn req(body: &[u8]) -> RequestCallReq<'_> {
        RequestCallReq {
            flags: REQUEST_FLAG_BODY,
            id: b"req-1",
            conf: br#"{"policy":"default"}"#,
            route: b"1",
            consumer: b"",
            method: b"POST",
            path: b"/v1/chat/completions",
            headers: &[],
            body,
        }
    }

    #[test]
    fn requests_round_trip_and_headers_are_found_case_insensitively() {
        let mut buf = Vec::new();
        encode_request_call_req(&req(b"{}"), &HEADERS, &mut buf);
        let got = decode_request_call(&buf).expect("valid");
        assert_eq!(
            (got.id, got.body, got.method),
            (&b"req-1"[..], &b"{}"[..], &b"POST"[..])
        );
        assert_eq!(got.header(b"content-type"), Some(&b"application/json"[..]));
        assert_eq!(got.header(b"X-Request-Id"), Some(&b"abc"[..]));
        assert_eq!(got.header(b"content-length"), None);
        assert_eq!(got.header_pairs().count(), 2);
        assert!(got.has_body());
    }

    #[test]
    fn the_spec_example_decodes_byte_for_byte() {
        // version 1, BODY, id "a", conf "{}", route "", consumer "", method "POST",
        // path "/", one header "a: b", body "x".
        let payload = [
            1, 1, 0, 1, b'a', 0, 0, 0, 2, b'{', b'}', 0, 0, 0, 0, 0, 4, b'P', b'O', b'S', b'T', 0,
            1, b'/', 0, 1, 0, 1, b'a', 0, 1, b'b', 0, 0, 0, 1, b'x',
        ];
        let r = decode_request_call(&payload).expect("valid");
        assert_eq!((r.id, r.conf, r.body), (&b"a"[..], &b"{}"[..], &b"x"[..]));
        assert_eq!(r.header(b"A"), Some(&b"b"[..]));
    }

    #[test]
    fn every_truncation_and_trailing_byte_is_refused() {
        let mut buf = Vec::new();
        encode_request_call_req(&req(b"body"), &HEADERS, &mut buf);
        for cut in 0..buf.len() {
            assert!(
                matches!(
                    decode_request_call(&buf[..cut]),
                    Err(RequestDecodeError::Truncated { .. })
                ),
                "cut at {cut}"
            );
        }
        buf.push(0);
        assert_eq!(
            decode_request_call(&buf),
            Err(RequestDecodeError::Trailing(1))
        );
    }

    #[test]
    fn bad_values_and_bounds_are_refused() {
        let mut buf = Vec::new();
        encode_request_call_req(&req(b""), &[], &mut buf);
        let mut bad = buf.clone();
        bad[0] = 2;
        assert_eq!(
            decode_request_call(&bad),
            Err(RequestDecodeError::Version(2))
        );
        bad = buf.clone();
        bad[1] = 0x02;
        assert!(matches!(
            decode_request_call(&bad),
            Err(RequestDecodeError::BadValue { field: "flags", .. })
        ));
        encode_request_call_req(
            &RequestCallReq {
                id: b"a b",
                ..req(b"")
            },
            &[],
            &mut buf,
        );
        assert_eq!(decode_request_call(&buf), Err(RequestDecodeError::BadId));
        encode_request_call_req(
            &RequestCallReq {
                flags: 0,
                ..req(b"x")
            },
            &[],
            &mut buf,
        );
        assert_eq!(
            decode_request_call(&buf),
            Err(RequestDecodeError::UnflaggedBody)
        );
        let many = vec![(&b"a"[..], &b"b"[..]); MAX_REQUEST_CALL_HEADERS + 1];
        encode_request_call_req(&req(b""), &many, &mut buf);
        assert!(matches!(
            decode_request_call(&buf),
            Err(RequestDecodeError::TooLong {
                field: "headers",
                ..
            })
        ));
        let conf = vec![b' '; MAX_REQUEST_CALL_CONF + 1];
        encode_request_call_req(
            &RequestCallReq {
                conf: &conf,
                ..req(b"")
            },
            &[],
            &mut buf,
        );
        assert!(matches!(
            decode_request_call(&buf),
            Err(RequestDecodeError::TooLong { field: "conf", .. })
        ));
    }

    #[test]
    fn replies_round_trip_through_a_frame() {
        let mut out = Vec::new();
        let reply = RequestCallReply {
            verdict: RequestVerdict::Rewrite,
            reason: RequestReason::None,
            status: 0,
            headers: vec![
                (HeaderOp::SetRequest, b"x-promptgate-redacted", b"EMAIL=1"),
                (HeaderOp::RemoveRequest, b"content-encoding", b""),
            ],
            body: Some(b"{}"),
        };
        encode_request_call_reply(&reply, &mut out).expect("fits");
        assert_eq!(out[0], 17);
        let frame = super::super::parse_frame(&out).expect("whole frame");
        assert_eq!(decode_request_call_reply(frame.payload), Ok(reply.clone()));
        let no_body = RequestCallReply {
            verdict: RequestVerdict::Continue,
            headers: Vec::new(),
            body: None,
            ..reply.clone()
        };
        encode_request_call_reply(&no_body, &mut out).expect("fits");
        let frame = super::super::parse_frame(&out).expect("whole frame");
        assert_eq!(decode_request_call_reply(frame.payload), Ok(no_body));
        let big = vec![0u8; MAX_PAYLOAD];
        let too_big = RequestCallReply {
            body: Some(&big),
            ..reply
        };
        assert!(encode_request_call_reply(&too_big, &mut out).is_err());
        assert!(out.is_empty());
    }
}
