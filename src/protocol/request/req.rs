//! The `RequestCall` request: what the plugin sends from the access phase,
//! borrowed from its payload. The runner only decodes it; the encoder is the
//! plugin's side, for tests and the load generator.

use super::super::frame::MAX_PAYLOAD;
use super::error::RequestDecodeError;
use super::wire::{Reader, known, short, version, wide};
use super::{
    MAX_REQUEST_CALL_CONF, MAX_REQUEST_CALL_CONSUMER, MAX_REQUEST_CALL_HEADER,
    MAX_REQUEST_CALL_HEADERS, MAX_REQUEST_CALL_ID, MAX_REQUEST_CALL_METHOD, MAX_REQUEST_CALL_PATH,
    MAX_REQUEST_CALL_ROUTE, REQUEST_CALL_VERSION,
};

/// Request flag: the request has a body (APISIX read one, possibly empty).
pub const REQUEST_FLAG_BODY: u8 = 0x01;

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
