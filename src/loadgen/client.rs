//! One kept-alive connection playing an APISIX worker: PrepareConf once,
//! then per request an HTTPReqCall and the ExtraInfo answers the runner asks
//! for. Frames are sent pre-encoded and replies are read into one reused
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
use crate::protocol::{Entry, FlatBufferBuilder, FrameError, HEADER_LEN, RpcType, check_frame};

use super::error::LoadgenError;

/// Initial read buffer; grows for larger replies (a redacted 64 KB body).
const READ_BUFFER: usize = 64 * 1024;
/// How long a reply may take before the connection is given up.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// An APISIX worker connection.
#[derive(Debug)]
pub struct Client {
    stream: UnixStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
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
            buf: vec![0; READ_BUFFER],
            start: 0,
            end: 0,
            absent,
        })
    }

    /// Sends a PrepareConf with one `promptgate` entry and returns the token.
    pub fn prepare_conf(&mut self, route_conf: &str, key: &str) -> Result<u32, LoadgenError> {
        let mut fbb = FlatBufferBuilder::with_capacity(256);
        let mut frame = Vec::new();
        let conf: [Entry<'_>; 1] = [(b"promptgate", Some(route_conf.as_bytes()))];
        encode_prepare_conf_req(&mut fbb, &mut frame, Some(&conf), Some(key.as_bytes()))?;
        self.send(&frame)?;
        let (ty, payload) = self.read_frame()?;
        match decode_reply(ty, payload)? {
            Reply::PrepareConf(token) => Ok(token),
            Reply::Err(code) => Err(LoadgenError::RunnerErr(code)),
            _ => Err(LoadgenError::UnexpectedType {
                got: ty,
                expected: "PrepareConf",
            }),
        }
    }

    /// One request: the call frame, then the body frame when the runner
    /// asks for the body; returns what the runner decided.
    pub fn call(
        &mut self,
        call_frame: &[u8],
        body_frame: &[u8],
    ) -> Result<ActionKind, LoadgenError> {
        self.send(call_frame)?;
        loop {
            let (ty, payload) = self.read_frame()?;
            match RpcType::from_u8(ty) {
                Some(RpcType::HttpReqCall) => return Ok(peek_req_call_action(payload)?),
                Some(RpcType::ExtraInfo) => {
                    let frame = match decode_extra_info_req(payload)? {
                        InfoReq::ReqBody => body_frame,
                        InfoReq::Var(_) | InfoReq::RespBody => &self.absent,
                    };
                    self.stream
                        .write_all(frame)
                        .map_err(LoadgenError::io("writing to the runner"))?;
                }
                Some(RpcType::Error) => return Err(LoadgenError::RunnerErr(decode_err(payload)?)),
                _ => {
                    return Err(LoadgenError::UnexpectedType {
                        got: ty,
                        expected: "HTTPReqCall or ExtraInfo",
                    });
                }
            }
        }
    }

    fn send(&mut self, frame: &[u8]) -> Result<(), LoadgenError> {
        self.stream
            .write_all(frame)
            .map_err(LoadgenError::io("writing to the runner"))
    }

    /// Reads the next whole frame into the buffer (one read usually brings
    /// header and payload together) and returns its type and payload.
    fn read_frame(&mut self) -> Result<(u8, &[u8]), LoadgenError> {
        loop {
            match check_frame(&self.buf[self.start..self.end]) {
                Ok(header) => {
                    let at = self.start;
                    self.start += header.frame_len();
                    if self.start == self.end {
                        self.start = 0;
                        self.end = 0;
                    }
                    return Ok((
                        header.ty,
                        &self.buf[at + HEADER_LEN..at + header.frame_len()],
                    ));
                }
                Err(FrameError::Incomplete) => {}
                Err(other) => return Err(other.into()),
            }
            self.make_room();
            let n = self
                .stream
                .read(&mut self.buf[self.end..])
                .map_err(LoadgenError::io("reading from the runner"))?;
            if n == 0 {
                return Err(LoadgenError::Io {
                    what: "reading from the runner".into(),
                    source: std::io::ErrorKind::UnexpectedEof.into(),
                });
            }
            self.end += n;
        }
    }

    /// Moves buffered bytes to the front and grows the buffer so the frame
    /// being read fits.
    fn make_room(&mut self) {
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
    }
}
