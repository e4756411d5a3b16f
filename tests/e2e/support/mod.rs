//! An APISIX simulator for end-to-end tests: starts the real `promptgate`
//! binary on a temporary socket and plays APISIX against it with real
//! flatbuffers frames (built by `promptgate::protocol::peer`, the mirror image
//! of the runner's codec).
//!
//! Every socket read has a timeout, so a runner that hangs fails the test
//! instead of hanging it.

#![allow(dead_code)]

/// The helpers every test crate shares (`tests/support/`): the corpus and
/// real Redis servers.
#[path = "../../support/mod.rs"]
mod shared;

pub mod inline;

pub use inline::InlineReply;

pub use shared::{corpus, redis};

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use promptgate::protocol::peer::{
    self, InfoReq, Reply, ReqCall, encode_extra_info_resp, encode_http_req_call_req,
    encode_http_resp_call_req, encode_prepare_conf_req,
};
use promptgate::protocol::{
    Entry, FlatBufferBuilder, HEADER_LEN, MAX_PAYLOAD, RpcType, StreamApi, StreamChunkReq,
    StreamFlags, StreamReason, StreamVerdict, decode_stream_chunk_reply, encode_frame,
    encode_stream_chunk_req, parse_header,
};

/// How long any single read from the runner may take before the test fails.
pub const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a runner may take to create its socket.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Path of the binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_promptgate"))
}

/// A running `promptgate serve` process.
pub struct Runner {
    child: Child,
    /// The socket path it listens on.
    pub socket: PathBuf,
    /// Its temporary directory (socket, config, logs).
    pub dir: tempfile::TempDir,
    log: PathBuf,
}

/// Options for starting a runner.
#[derive(Default)]
pub struct RunnerOptions {
    /// Contents of the config file (none when empty).
    pub config: String,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Use this socket path instead of one in the temp dir.
    pub socket: Option<PathBuf>,
}

impl Runner {
    /// Starts a runner with `config` as its config file (empty: no file).
    pub fn start(config: &str) -> Runner {
        Runner::start_with(RunnerOptions {
            config: config.to_owned(),
            ..RunnerOptions::default()
        })
    }

    /// Starts a runner with full options and waits until its socket accepts.
    pub fn start_with(options: RunnerOptions) -> Runner {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = options
            .socket
            .clone()
            .unwrap_or_else(|| dir.path().join("runner.sock"));
        let log = dir.path().join("runner.log");
        let mut cmd = base_command(dir.path());
        cmd.arg("serve").env(
            "APISIX_LISTEN_ADDRESS",
            format!("unix:{}", socket.display()),
        );
        if !options.config.is_empty() {
            let path = dir.path().join("promptgate.toml");
            std::fs::write(&path, &options.config).expect("write config");
            cmd.arg("--config").arg(path);
        }
        for (k, v) in &options.env {
            cmd.env(k, v);
        }
        cmd.stderr(Stdio::from(File::create(&log).expect("log file")));
        let child = cmd.spawn().expect("spawn promptgate");
        let mut runner = Runner {
            child,
            socket,
            dir,
            log,
        };
        runner.wait_ready();
        runner
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("runner exited early ({status}): {}", self.logs());
            }
            // The log line first: with a shared path, a connect alone could
            // reach an older runner still bound there.
            if self.logs().contains("promptgate listening")
                && UnixStream::connect(&self.socket).is_ok()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "runner did not listen within {START_TIMEOUT:?}: {}",
            self.logs()
        );
    }

    /// A new APISIX connection.
    pub fn connect(&self) -> Apisix {
        Apisix::connect(&self.socket)
    }

    /// The runner's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (`TERM`, `HUP`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything the runner logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with a clean environment for tests: no inherited
/// `PROMPTGATE_*` settings, metrics off (parallel runners would fight over
/// the port), JSON logs, and the L2 model and ONNX Runtime library of this
/// checkout named explicitly (the runner's working directory is a temporary
/// folder, and the binary may be built outside the checkout).
pub fn base_command(dir: &Path) -> Command {
    let mut cmd = Command::new(binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("PROMPTGATE_") || key.starts_with("APISIX_") {
            cmd.env_remove(key);
        }
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    cmd.env(
        "PROMPTGATE_CLASSIFIER_MODEL_DIR",
        checkout.join("models/minilm-static-v1"),
    );
    if std::env::var_os("ORT_DYLIB_PATH").is_none()
        && let Ok(path) = std::fs::read_to_string(checkout.join(".runtime/onnxruntime/path"))
    {
        cmd.env("ORT_DYLIB_PATH", path.trim());
    }
    cmd.current_dir(dir)
        .env("PROMPTGATE_METRICS_ENABLED", "false")
        .env("PROMPTGATE_LOG_LEVEL", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}

/// One APISIX worker connection.
pub struct Apisix {
    /// The socket.
    pub stream: UnixStream,
    fbb: FlatBufferBuilder<'static>,
    out: Vec<u8>,
}

/// A StreamChunk reply, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamReply {
    /// CONTINUE, STOP, PASS or ERROR.
    pub verdict: StreamVerdict,
    /// Why (STOP, ERROR).
    pub reason: StreamReason,
    /// Bytes the runner holds back.
    pub held: u32,
    /// Bytes to send to the client now.
    pub release: Vec<u8>,
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

    /// Sends a StreamChunk (the `ai-promptgate` plugin's RPC) and returns
    /// the decoded reply.
    pub fn stream_chunk(&mut self, req: &StreamChunkReq<'_>) -> StreamReply {
        let mut payload = Vec::new();
        encode_stream_chunk_req(req, &mut payload);
        self.stream_payload(&payload)
    }

    /// Sends `payload` as a StreamChunk frame and decodes the reply, which
    /// must be a StreamChunk reply.
    pub fn stream_payload(&mut self, payload: &[u8]) -> StreamReply {
        let mut frame = Vec::new();
        encode_frame(RpcType::StreamChunk, payload, &mut frame).expect("frame");
        self.send(&frame);
        let (ty, reply) = self.recv();
        assert_eq!(ty, RpcType::StreamChunk.as_u8(), "reply type");
        let r = decode_stream_chunk_reply(&reply)
            .unwrap_or_else(|e| panic!("undecodable StreamChunk reply: {e}"));
        StreamReply {
            verdict: r.verdict,
            reason: r.reason,
            held: r.held,
            release: r.release.to_vec(),
        }
    }

    /// Plays a whole stream as the plugin does: OPEN with `conf` on the first
    /// piece, END on the last, stopping at the first verdict that is not
    /// CONTINUE. Returns every reply.
    pub fn stream_all(
        &mut self,
        id: &str,
        conf: &str,
        api: StreamApi,
        pieces: &[&[u8]],
    ) -> Vec<StreamReply> {
        let mut replies = Vec::new();
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.iter().enumerate() {
            let mut flags = 0;
            if i == 0 {
                flags |= StreamFlags::OPEN;
            }
            if i == last {
                flags |= StreamFlags::END;
            }
            let open = i == 0;
            let reply = self.stream_chunk(&StreamChunkReq {
                flags: StreamFlags::from_bits(flags),
                api,
                id: id.as_bytes(),
                conf: if open { conf.as_bytes() } else { b"" },
                route: if open { b"7" } else { b"" },
                content_type: if open { b"text/event-stream" } else { b"" },
                chunk: piece,
            });
            let go_on = reply.verdict == StreamVerdict::Continue;
            replies.push(reply);
            if !go_on {
                break;
            }
        }
        replies
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

/// An OpenAI chat body with one user message.
pub fn chat_body(user_text: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": user_text}
        ]
    }))
    .expect("serialize chat body")
}

/// The status and JSON body of a Stop reply; `None` for any other action.
pub fn stop_of(reply: &Reply) -> Option<(u16, serde_json::Value)> {
    match reply {
        Reply::ReqCall(resp) => match &resp.action {
            peer::Action::Stop { status, body, .. } => Some((
                *status,
                serde_json::from_slice(body).expect("JSON error body"),
            )),
            _ => None,
        },
        other => panic!("unexpected reply {other:?}"),
    }
}

/// Whether the reply lets the request continue (unchanged or rewritten).
pub fn continues(reply: &Reply) -> bool {
    matches!(reply, Reply::ReqCall(resp) if !matches!(resp.action, peer::Action::Stop { .. }))
}
