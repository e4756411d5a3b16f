//! [`Apisix`]: one APISIX worker connection speaking the ext-plugin
//! protocol: PrepareConf, HTTPReqCall and HTTPRespCall with their ExtraInfo
//! questions answered as [`Answers`] say, and raw frames. Every read has a
//! timeout ([`READ_TIMEOUT`]).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use promptgate::protocol::peer::{
    self, InfoReq, Reply, ReqCall, encode_extra_info_resp, encode_http_req_call_req,
    encode_http_resp_call_req, encode_prepare_conf_req,
};
use promptgate::protocol::{Entry, FlatBufferBuilder, HEADER_LEN, MAX_PAYLOAD, parse_header};

/// How long any single read from the runner may take before the test fails.
pub const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// One APISIX worker connection.
pub struct Apisix {
    /// The socket.
    pub stream: UnixStream,
    fbb: FlatBufferBuilder<'static>,
    out: Vec<u8>,
}

/// The body-answer policy of a call: what the fake APISIX answers to ExtraInfo.
pub struct Answers<'a> {
    /// The request body, `None` = absent.
    pub body: Option<&'a [u8]>,
    /// Variable values by name; missing = absent.
    pub vars: Vec<(&'a str, &'a str)>,
    /// Every ExtraInfo question the runner asked, in order.
    pub asked: Vec<InfoReq>,
}

impl<'a> Answers<'a> {
    /// Answers the body question with `body`.
    pub fn body(body: Option<&'a [u8]>) -> Answers<'a> {
        Answers {
            body,
            vars: Vec::new(),
            asked: Vec::new(),
        }
    }

    fn answer(&mut self, info: &InfoReq) -> Option<Vec<u8>> {
        self.asked.push(info.clone());
        match info {
            InfoReq::ReqBody => self.body.map(<[u8]>::to_vec),
            InfoReq::RespBody => None,
            InfoReq::Var(name) => self
                .vars
                .iter()
                .find(|(n, _)| n.as_bytes() == name.as_slice())
                .map(|(_, v)| v.as_bytes().to_vec()),
        }
    }
}

impl Apisix {
    /// Connects to a runner socket.
    pub fn connect(path: &Path) -> Apisix {
        let stream = UnixStream::connect(path).expect("connect to runner");
        stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .expect("set timeout");
        Apisix {
            stream,
            fbb: FlatBufferBuilder::with_capacity(1024),
            out: Vec::new(),
        }
    }

    /// Writes raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to runner");
    }

    /// Reads one frame; fails the test on timeout, EOF or an empty payload
    /// (checklist 10: every reply has a non-empty payload).
    pub fn recv(&mut self) -> (u8, Vec<u8>) {
        self.try_recv().expect("read a frame from the runner")
    }

    /// Reads one frame, or the I/O error (EOF, timeout).
    pub fn try_recv(&mut self) -> std::io::Result<(u8, Vec<u8>)> {
        let mut header = [0u8; HEADER_LEN];
        self.stream.read_exact(&mut header)?;
        let header = parse_header(&header);
        assert!(
            header.len > 0,
            "runner sent an empty payload (type {})",
            header.ty
        );
        assert!(header.len <= MAX_PAYLOAD);
        let mut payload = vec![0u8; header.len];
        self.stream.read_exact(&mut payload)?;
        Ok((header.ty, payload))
    }

    /// Reads and decodes one reply (checklist 10: it decodes as its root table).
    pub fn recv_reply(&mut self) -> Reply {
        let (ty, payload) = self.recv();
        peer::decode_reply(ty, &payload)
            .unwrap_or_else(|e| panic!("undecodable reply type {ty}: {e}"))
    }

    /// Sends a PrepareConf and returns the reply.
    pub fn prepare_conf(&mut self, conf: Option<&[Entry<'_>]>, key: Option<&[u8]>) -> Reply {
        encode_prepare_conf_req(&mut self.fbb, &mut self.out, conf, key)
            .expect("encode PrepareConf");
        let frame = std::mem::take(&mut self.out);
        self.send(&frame);
        self.out = frame;
        self.recv_reply()
    }

    /// PrepareConf with one `promptgate` entry; returns the token.
    pub fn token(&mut self, value: &str) -> u32 {
        let conf: [Entry<'_>; 1] = [(b"promptgate", Some(value.as_bytes()))];
        match self.prepare_conf(Some(&conf), Some(b"route#1#ext-plugin-pre-req#1")) {
            Reply::PrepareConf(token) => {
                assert_ne!(token, 0);
                token
            }
            other => panic!("expected a token, got {other:?}"),
        }
    }

    /// Sends an HTTPReqCall and nothing more.
    pub fn send_call(&mut self, call: &ReqCall<'_>) {
        encode_http_req_call_req(&mut self.fbb, &mut self.out, call).expect("encode HTTPReqCall");
        let frame = std::mem::take(&mut self.out);
        self.send(&frame);
        self.out = frame;
    }

    /// Sends one ExtraInfo answer.
    pub fn answer_extra_info(&mut self, result: Option<&[u8]>) {
        encode_extra_info_resp(&mut self.fbb, &mut self.out, result)
            .expect("encode ExtraInfo answer");
        let frame = std::mem::take(&mut self.out);
        self.send(&frame);
        self.out = frame;
    }

    /// Whether the runner has sent anything not read yet (does not wait).
    pub fn has_data(&mut self) -> bool {
        use std::os::fd::AsRawFd;
        let mut byte = 0u8;
        // SAFETY: a one-byte buffer we own, on a socket we own; MSG_PEEK
        // leaves the byte in the socket.
        let peeked = unsafe {
            libc::recv(
                self.stream.as_raw_fd(),
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        peeked > 0
    }

    /// Sends an HTTPReqCall, answers the runner's ExtraInfo questions from
    /// `answers`, and returns the final reply.
    pub fn call(&mut self, call: &ReqCall<'_>, answers: &mut Answers<'_>) -> Reply {
        encode_http_req_call_req(&mut self.fbb, &mut self.out, call).expect("encode HTTPReqCall");
        let frame = std::mem::take(&mut self.out);
        self.send(&frame);
        self.out = frame;
        loop {
            match self.recv_reply() {
                Reply::ExtraInfo(info) => {
                    let result = answers.answer(&info);
                    encode_extra_info_resp(&mut self.fbb, &mut self.out, result.as_deref())
                        .expect("encode ExtraInfo answer");
                    let frame = std::mem::take(&mut self.out);
                    self.send(&frame);
                    self.out = frame;
                }
                other => return other,
            }
        }
    }

    /// Sends an HTTPRespCall as ext-plugin-post-resp does (upstream `status` and
    /// `headers`), answers ExtraInfo RespBody with `body` (anything else with
    /// an absent result), and returns the final reply and what was asked.
    pub fn resp_call(
        &mut self,
        token: u32,
        status: u16,
        headers: &[Entry<'_>],
        body: Option<&[u8]>,
    ) -> (Reply, Vec<InfoReq>) {
        self.resp_call_with(token, status, headers, body, &[], None)
    }

    /// [`Apisix::resp_call`], answering variable questions from `vars` and the
    /// request-body question with `request`.
    pub fn resp_call_with(
        &mut self,
        token: u32,
        status: u16,
        headers: &[Entry<'_>],
        body: Option<&[u8]>,
        vars: &[(&str, &str)],
        request: Option<&[u8]>,
    ) -> (Reply, Vec<InfoReq>) {
        encode_http_resp_call_req(&mut self.fbb, &mut self.out, 9, status, headers, token)
            .expect("encode HTTPRespCall");
        let frame = std::mem::take(&mut self.out);
        self.send(&frame);
        self.out = frame;
        let mut asked = Vec::new();
        loop {
            match self.recv_reply() {
                Reply::ExtraInfo(info) => {
                    let result = match &info {
                        InfoReq::RespBody => body,
                        InfoReq::Var(name) => vars
                            .iter()
                            .find(|(n, _)| n.as_bytes() == name.as_slice())
                            .map(|(_, v)| v.as_bytes()),
                        InfoReq::ReqBody => request,
                    };
                    asked.push(info);
                    self.answer_extra_info(result);
                }
                other => return (other, asked),
            }
        }
    }

    /// A POST of `body` with a content-length, as APISIX forwards a chat request.
    pub fn post(
        &mut self,
        token: u32,
        body: &[u8],
        extra_headers: &[Entry<'_>],
    ) -> (Reply, Vec<InfoReq>) {
        self.post_with_vars(token, body, extra_headers, &[])
    }

    /// [`Apisix::post`], answering variable questions from `vars`.
    pub fn post_with_vars(
        &mut self,
        token: u32,
        body: &[u8],
        extra_headers: &[Entry<'_>],
        vars: &[(&str, &str)],
    ) -> (Reply, Vec<InfoReq>) {
        let len = body.len().to_string();
        let mut headers: Vec<Entry<'_>> = vec![
            (b"host", Some(b"gateway")),
            (b"content-type", Some(b"application/json")),
            (b"content-length", Some(len.as_bytes())),
        ];
        headers.extend_from_slice(extra_headers);
        let call = ReqCall {
            id: 7,
            src_ip: &[127, 0, 0, 1],
            method: 2,
            path: Some(b"/v1/chat/completions"),
            args: &[],
            headers: &headers,
            conf_token: token,
        };
        let mut answers = Answers::body(Some(body));
        answers.vars = vars.to_vec();
        let reply = self.call(&call, &mut answers);
        (reply, answers.asked)
    }
}
