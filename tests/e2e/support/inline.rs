//! The `ai-promptgate` plugin's request mode as the runner sees it:
//! RequestCall frames (type 17, `apisix/plugins/RPC.md`) and their replies.

use promptgate::protocol::{
    HeaderOp, REQUEST_FLAG_BODY, RequestCallReq, RequestReason, RequestVerdict, RpcType,
    decode_request_call_reply, encode_frame, encode_request_call_req,
};

use super::Apisix;

/// A RequestCall reply, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineReply {
    /// CONTINUE, STOP, REWRITE or ERROR.
    pub verdict: RequestVerdict,
    /// Why (STOP, ERROR).
    pub reason: RequestReason,
    /// STOP's status.
    pub status: u16,
    /// Header operations, in order.
    pub headers: Vec<(HeaderOp, Vec<u8>, Vec<u8>)>,
    /// STOP's response body or REWRITE's request body.
    pub body: Option<Vec<u8>>,
}

impl InlineReply {
    /// The value of the header operation `op` on `name`.
    pub fn header(&self, op: HeaderOp, name: &[u8]) -> Option<String> {
        self.headers
            .iter()
            .find(|(o, n, _)| *o == op && n.as_slice() == name)
            .map(|(_, _, v)| String::from_utf8_lossy(v).into_owned())
    }

    /// STOP's status and JSON body.
    pub fn stop(&self) -> Option<(u16, serde_json::Value)> {
        (self.verdict == RequestVerdict::Stop).then(|| {
            let body = self.body.as_deref().unwrap_or_default();
            (
                self.status,
                serde_json::from_slice(body).expect("JSON error body"),
            )
        })
    }
}

impl Apisix {
    /// A POST of `body` to `/v1/chat/completions` as the plugin's request mode
    /// sends it (conf inline, content-type and content-length headers plus
    /// `extra_headers`), and the decoded reply.
    pub fn request_call(
        &mut self,
        conf: &str,
        body: &[u8],
        extra_headers: &[(&[u8], &[u8])],
    ) -> InlineReply {
        let len = body.len().to_string();
        let mut headers: Vec<(&[u8], &[u8])> = vec![
            (b"content-type", b"application/json"),
            (b"content-length", len.as_bytes()),
        ];
        headers.extend_from_slice(extra_headers);
        let req = RequestCallReq {
            flags: REQUEST_FLAG_BODY,
            id: b"apisix-req-1",
            conf: conf.as_bytes(),
            route: b"1",
            consumer: b"",
            method: b"POST",
            path: b"/v1/chat/completions",
            headers: &[],
            body,
        };
        let mut payload = Vec::new();
        encode_request_call_req(&req, &headers, &mut payload);
        self.request_payload(&payload)
    }

    /// Sends `payload` as a RequestCall frame and decodes the reply, which
    /// must be a RequestCall reply.
    pub fn request_payload(&mut self, payload: &[u8]) -> InlineReply {
        let mut frame = Vec::new();
        encode_frame(RpcType::RequestCall, payload, &mut frame).expect("frame");
        self.send(&frame);
        let (ty, reply) = self.recv();
        assert_eq!(ty, RpcType::RequestCall.as_u8(), "reply type");
        let r = decode_request_call_reply(&reply)
            .unwrap_or_else(|e| panic!("undecodable RequestCall reply: {e}"));
        InlineReply {
            verdict: r.verdict,
            reason: r.reason,
            status: r.status,
            headers: r
                .headers
                .iter()
                .map(|(op, n, v)| (*op, n.to_vec(), v.to_vec()))
                .collect(),
            body: r.body.map(<[u8]>::to_vec),
        }
    }
}
