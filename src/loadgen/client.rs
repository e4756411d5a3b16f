//! One kept-alive connection playing an APISIX worker: PrepareConf once,
//! then per request an HTTPReqCall and the ExtraInfo answers the runner asks
//! for; or, for promptgate's own RequestCall, one frame and one reply per
//! request (no PrepareConf). Frames are sent pre-encoded and replies are read into one reused
//! buffer and classified without copying, so a request costs the generator
//! a few syscalls and no allocation.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use crate::protocol::peer::{
    ActionKind, InfoReq, Reply, decode_err, decode_extra_info_req, decode_reply,
    encode_extra_info_resp, encode_prepare_conf_req, peek_req_call_action,
};
use crate::protocol::{
    Entry, FlatBufferBuilder, FrameError, HEADER_LEN, REQUEST_CALL_VERSION, RequestVerdict,
    RpcType, check_frame,
};

use super::error::LoadgenError;

/// Initial read buffer; grows for larger replies (a redacted 64 KB body).
const READ_BUFFER: usize = 64 * 1024;
/// How long a reply may take before the connection is given up.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A read buffer that hands out whole frames.
#[derive(Debug)]
struct FrameBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl FrameBuf {
    fn new() -> FrameBuf {
        FrameBuf {
            buf: vec![0; READ_BUFFER],
            start: 0,
            end: 0,
        }
    }

    /// The next whole buffered frame as (type, payload range), consumed.
    fn next(&mut self) -> Result<Option<(u8, std::ops::Range<usize>)>, LoadgenError> {
        match check_frame(&self.buf[self.start..self.end]) {
            Ok(header) => {
                let at = self.start;
                self.start += header.frame_len();
                if self.start == self.end {
                    self.start = 0;
                    self.end = 0;
                }
                Ok(Some((header.ty, at + HEADER_LEN..at + header.frame_len())))
            }
            Err(FrameError::Incomplete) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    /// Room to read into: buffered bytes moved to the front, the buffer
    /// grown so the frame being read fits.
    fn spare(&mut self) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let needed = self.buf[..self.end]
            .first_chunk::<HEADER_LEN>()
            .map_or(HEADER_LEN, |h| crate::protocol::parse_header(h).frame_len());
        if needed > self.buf.len() || self.end == self.buf.len() {
            let len = needed.max(self.buf.len() * 2);
            self.buf.resize(len, 0);
        }
        &mut self.buf[self.end..]
    }

    fn filled(&mut self, n: usize) -> Result<(), LoadgenError> {
        if n == 0 {
            return Err(LoadgenError::Io {
                what: "reading from the runner".into(),
                source: std::io::ErrorKind::UnexpectedEof.into(),
            });
        }
        self.end += n;
        Ok(())
    }
}

/// What to do with one reply frame of a call.
enum Step<'a> {
    Done(ActionKind),
    Send(&'a [u8]),
}

/// Handles one reply frame of a call: the decision, or the frame to answer
/// an ExtraInfo question with.
fn step<'a>(
    ty: u8,
    payload: &[u8],
    body_frame: &'a [u8],
    absent: &'a [u8],
) -> Result<Step<'a>, LoadgenError> {
    match RpcType::from_u8(ty) {
        Some(RpcType::HttpReqCall) => Ok(Step::Done(peek_req_call_action(payload)?)),
        Some(RpcType::ExtraInfo) => Ok(Step::Send(match decode_extra_info_req(payload)? {
            InfoReq::ReqBody => body_frame,
            InfoReq::Var(_) | InfoReq::RespBody => absent,
        })),
        Some(RpcType::RequestCall) => Ok(Step::Done(peek_request_call_verdict(payload)?)),
        Some(RpcType::Error) => Err(LoadgenError::RunnerErr(decode_err(payload)?)),
        _ => Err(LoadgenError::UnexpectedType {
            got: ty,
            expected: "HTTPReqCall, ExtraInfo or RequestCall",
        }),
    }
}

/// Classifies a RequestCall reply by its fixed part (version, verdict,
/// status), allocating nothing; ERROR is the runner refusing the call.
fn peek_request_call_verdict(payload: &[u8]) -> Result<ActionKind, LoadgenError> {
    let bad = || LoadgenError::UnexpectedType {
        got: RpcType::RequestCall.as_u8(),
        expected: "a version-1 RequestCall reply",
    };
    let fixed: &[u8; 8] = payload.first_chunk().ok_or_else(bad)?;
    if fixed[0] != REQUEST_CALL_VERSION {
        return Err(bad());
    }
    match RequestVerdict::from_u8(fixed[1]) {
        Some(RequestVerdict::Continue) => Ok(ActionKind::Continue),
        Some(RequestVerdict::Stop) => {
            Ok(ActionKind::Stop(u16::from_be_bytes([fixed[4], fixed[5]])))
        }
        Some(RequestVerdict::Rewrite) => Ok(ActionKind::Rewrite),
        Some(RequestVerdict::Error) => Err(LoadgenError::RequestError(fixed[2])),
        None => Err(bad()),
    }
}

/// An APISIX worker connection with blocking I/O (set-up, open loop).
#[derive(Debug)]
pub struct Client {
    stream: UnixStream,
    rbuf: FrameBuf,
    /// The answer to a variable question: an absent result.
    absent: Vec<u8>,
}

impl Client {
    /// Connects to the runner socket.
    pub fn connect(path: &Path) -> Result<Client, LoadgenError> {
        let stream = UnixStream::connect(path).map_err(LoadgenError::io(format!(
            "connecting to {}",
            path.display()
        )))?;
        stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .map_err(LoadgenError::io("setting the read timeout"))?;
        let mut fbb = FlatBufferBuilder::with_capacity(64);
        let mut absent = Vec::new();
        encode_extra_info_resp(&mut fbb, &mut absent, None)?;
        Ok(Client {
            stream,
            rbuf: FrameBuf::new(),
            absent,
        })
    }

    /// Sends a PrepareConf with one `promptgate` entry and returns the token.
    pub fn prepare_conf(&mut self, route_conf: &str, key: &str) -> Result<u32, LoadgenError> {
        let mut fbb = FlatBufferBuilder::with_capacity(256);
        let mut frame = Vec::new();
        let conf: [Entry<'_>; 1] = [(b"promptgate", Some(route_conf.as_bytes()))];
        encode_prepare_conf_req(&mut fbb, &mut frame, Some(&conf), Some(key.as_bytes()))?;
        write_all(&self.stream, &frame)?;
        let (ty, range) = self.read_frame()?;
        match decode_reply(ty, &self.rbuf.buf[range])? {
            Reply::PrepareConf(token) => Ok(token),
            Reply::Err(code) => Err(LoadgenError::RunnerErr(code)),
            _ => Err(LoadgenError::UnexpectedType {
                got: ty,
                expected: "PrepareConf",
            }),
        }
    }

    /// One request: the call frame, then the body frame when the runner
    /// asks for the body; returns what the runner decided. An empty
    /// `call_frame` means `body_frame` is a whole RequestCall (one frame,
    /// one reply).
    pub fn call(
        &mut self,
        call_frame: &[u8],
        body_frame: &[u8],
    ) -> Result<ActionKind, LoadgenError> {
        let first = if call_frame.is_empty() {
            body_frame
        } else {
            call_frame
        };
        write_all(&self.stream, first)?;
        loop {
            let (ty, range) = self.read_frame()?;
            match step(ty, &self.rbuf.buf[range], body_frame, &self.absent)? {
                Step::Done(action) => return Ok(action),
                Step::Send(frame) => write_all(&self.stream, frame)?,
            }
        }
    }

    fn read_frame(&mut self) -> Result<(u8, std::ops::Range<usize>), LoadgenError> {
        loop {
            if let Some(frame) = self.rbuf.next()? {
                return Ok(frame);
            }
            let n = (&self.stream)
                .read(self.rbuf.spare())
                .map_err(LoadgenError::io("reading from the runner"))?;
            self.rbuf.filled(n)?;
        }
    }

    /// The same connection for an event loop (call inside a tokio runtime): non-blocking, registered for
    /// readability only. A blocking reader sleeping on the socket is woken
    /// each time the runner drains what it sent (write-space wake-ups);
    /// epoll filters those out when nobody asked to hear about writability,
    /// which halves the generator's context switches.
    pub fn into_async(self) -> Result<AsyncClient, LoadgenError> {
        self.stream
            .set_nonblocking(true)
            .map_err(LoadgenError::io("making the socket non-blocking"))?;
        // SAFETY: the `UnixStream` owns its descriptor and keeps the same one
        // open until the `AsyncFd` drops it; nothing else closes it.
        let fd = unsafe {
            tokio::io::unix::AsyncFd::register_with_interest(
                self.stream,
                tokio::io::Interest::READABLE,
            )
        }
        .map_err(|e| LoadgenError::io("registering the socket")(e.into_parts().1))?;
        Ok(AsyncClient {
            fd,
            rbuf: self.rbuf,
            absent: self.absent,
        })
    }
}

fn write_all(mut stream: &UnixStream, frame: &[u8]) -> Result<(), LoadgenError> {
    stream
        .write_all(frame)
        .map_err(LoadgenError::io("writing to the runner"))
}

/// An APISIX worker connection on a single-threaded event loop (closed loop).
#[derive(Debug)]
pub struct AsyncClient {
    fd: tokio::io::unix::AsyncFd<UnixStream>,
    rbuf: FrameBuf,
    absent: Vec<u8>,
}

impl AsyncClient {
    /// As [`Client::call`].
    pub async fn call(
        &mut self,
        call_frame: &[u8],
        body_frame: &[u8],
    ) -> Result<ActionKind, LoadgenError> {
        let first = if call_frame.is_empty() {
            body_frame
        } else {
            call_frame
        };
        send(self.fd.get_ref(), first).await?;
        loop {
            let (ty, range) = self.read_frame().await?;
            match step(ty, &self.rbuf.buf[range], body_frame, &self.absent)? {
                Step::Done(action) => return Ok(action),
                Step::Send(frame) => send(self.fd.get_ref(), frame).await?,
            }
        }
    }

    async fn read_frame(&mut self) -> Result<(u8, std::ops::Range<usize>), LoadgenError> {
        loop {
            if let Some(frame) = self.rbuf.next()? {
                return Ok(frame);
            }
            let spare = self.rbuf.spare();
            let read = loop {
                let mut guard = self
                    .fd
                    .readable()
                    .await
                    .map_err(LoadgenError::io("waiting for the runner"))?;
                match guard.try_io(|fd| fd.get_ref().read(spare)) {
                    Ok(result) => break result,
                    Err(_would_block) => continue,
                }
            };
            let n = read.map_err(LoadgenError::io("reading from the runner"))?;
            self.rbuf.filled(n)?;
        }
    }
}

/// Writes a whole frame to a non-blocking socket. The socket buffer holds
/// any frame of this generator, so a short write is rare; then it waits a
/// little and goes on (no writability interest is registered, on purpose).
async fn send(mut stream: &UnixStream, frame: &[u8]) -> Result<(), LoadgenError> {
    let mut sent = 0;
    while sent < frame.len() {
        match stream.write(&frame[sent..]) {
            Ok(0) => {
                return Err(LoadgenError::Io {
                    what: "writing to the runner".into(),
                    source: std::io::ErrorKind::WriteZero.into(),
                });
            }
            Ok(n) => sent += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                tokio::time::sleep(Duration::from_micros(50)).await;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(LoadgenError::Io {
                    what: "writing to the runner".into(),
                    source,
                });
            }
        }
    }
    Ok(())
}
