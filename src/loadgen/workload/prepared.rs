//! A body encoded once as the frames of a call (HTTPReqCall + the ExtraInfo
//! answer, or one RequestCall), with where its nonce sits, so the drivers
//! send bytes they never encode; and the one re-encoding per connection that
//! sets the conf token PrepareConf handed out.

use crate::protocol::peer::{ReqCall, encode_extra_info_resp, encode_http_req_call_req};
use crate::protocol::{Entry, FlatBufferBuilder, RpcType};

use super::super::error::LoadgenError;
use super::mix::Kind;
use super::nonce::{NONCE_PLACEHOLDER, write_nonce_at};

/// One body, encoded once as the frames of a call.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// What the body's last message is.
    pub kind: Kind,
    /// Length of the JSON body in bytes.
    pub body_len: usize,
    /// The HTTPReqCall frame (headers carry the content-length).
    pub call_frame: Vec<u8>,
    /// The ExtraInfo answer frame carrying the body.
    pub body_frame: Vec<u8>,
    /// Where the nonce sits in `body_frame`.
    nonce_at: usize,
}

impl Prepared {
    /// Rewrites the nonce inside the encoded body frame: no encoding, no
    /// allocation; the body keeps its length.
    pub fn set_nonce(&mut self, nonce: u64) {
        write_nonce_at(&mut self.body_frame, self.nonce_at, nonce);
    }

    /// The same request as one RequestCall frame (promptgate's own request
    /// RPC, `route_conf` inline, the same headers the policy reads) and
    /// where its nonce sits.
    ///
    /// # Errors
    ///
    /// A body frame that is not an ExtraInfo answer, or a frame over the limit.
    pub fn request_frame(&self, route_conf: &str) -> Result<(Vec<u8>, usize), LoadgenError> {
        let frame = crate::protocol::parse_frame(&self.body_frame)?;
        let body = crate::protocol::decode_extra_info_resp(frame.payload)?
            .result
            .unwrap_or_default();
        let len = body.len().to_string();
        let headers: [(&[u8], &[u8]); 2] = [
            (b"content-type", b"application/json"),
            (b"content-length", len.as_bytes()),
        ];
        let req = crate::protocol::RequestCallReq {
            flags: crate::protocol::REQUEST_FLAG_BODY,
            id: b"",
            conf: route_conf.as_bytes(),
            route: b"bench",
            consumer: b"",
            method: b"POST",
            path: b"/v1/chat/completions",
            headers: &[],
            body,
        };
        let mut payload = Vec::new();
        crate::protocol::encode_request_call_req(&req, &headers, &mut payload);
        let mut out = Vec::new();
        crate::protocol::encode_frame(RpcType::RequestCall, &payload, &mut out)?;
        let at = memchr::memmem::find(&out, NONCE_PLACEHOLDER).ok_or_else(|| {
            LoadgenError::Corpus("request frame lost its nonce placeholder".into())
        })?;
        Ok((out, at))
    }

    /// Where the nonce sits in [`Prepared::body_frame`], for drivers that keep
    /// their own copy of the frame.
    pub fn nonce_at(&self) -> usize {
        self.nonce_at
    }
}

/// Encodes the two frames of a call for `json`.
pub(super) fn prepare(
    fbb: &mut FlatBufferBuilder<'_>,
    kind: Kind,
    json: &[u8],
) -> Result<Prepared, LoadgenError> {
    let len = json.len().to_string();
    let headers: [Entry<'_>; 7] = [
        (b"host", Some(b"llm-gateway.internal")),
        (b"content-type", Some(b"application/json")),
        (b"content-length", Some(len.as_bytes())),
        (b"accept", Some(b"application/json")),
        (b"user-agent", Some(b"OpenAI/Python 1.54.0")),
        (b"authorization", Some(b"Bearer sk-loadgen")),
        (b"x-forwarded-for", Some(b"10.0.0.7")),
    ];
    let call = ReqCall {
        id: 1,
        src_ip: &[10, 0, 0, 7],
        method: 2, // POST
        path: Some(b"/v1/chat/completions"),
        args: &[],
        headers: &headers,
        conf_token: 0,
    };
    let mut call_frame = Vec::new();
    encode_http_req_call_req(fbb, &mut call_frame, &call)?;
    let mut body_frame = Vec::new();
    encode_extra_info_resp(fbb, &mut body_frame, Some(json))?;
    let nonce_at = memchr::memmem::find(&body_frame, NONCE_PLACEHOLDER)
        .ok_or_else(|| LoadgenError::Corpus("body frame lost its nonce placeholder".into()))?;
    Ok(Prepared {
        kind,
        body_len: json.len(),
        call_frame,
        body_frame,
        nonce_at,
    })
}

/// Sets the conf token of an encoded HTTPReqCall frame by re-encoding it
/// once per connection (the token is only known after PrepareConf).
pub fn with_token(prepared: &Prepared, token: u32) -> Result<Vec<u8>, LoadgenError> {
    use crate::protocol::{decode_http_req_call, parse_frame};
    let frame = parse_frame(&prepared.call_frame)?;
    let call = decode_http_req_call(frame.payload)?;
    let headers: Vec<Entry<'_>> = call.headers.iter().map(|h| (h.name, h.value)).collect();
    let req = ReqCall {
        id: call.id,
        src_ip: call.src_ip,
        method: 2,
        path: call.path,
        args: &[],
        headers: &headers,
        conf_token: token,
    };
    let mut fbb = FlatBufferBuilder::with_capacity(1024);
    let mut out = Vec::new();
    encode_http_req_call_req(&mut fbb, &mut out, &req)?;
    Ok(out)
}
