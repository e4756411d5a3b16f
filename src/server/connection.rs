//! One APISIX connection: the stream plus a read buffer, reading whole frames
//! and writing whole replies.
//!
//! Reads loop over short reads (large frames arrive in pieces; spec §2), several
//! frames already buffered are served one by one, and a clean close between
//! frames is `Ok(None)` while a close inside a frame is an error.

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::protocol::{FrameError, HEADER_LEN, check_frame};

/// Initial read buffer: enough for a typical call and a 2 KB body in one read.
const READ_BUFFER: usize = 16 * 1024;

/// A whole frame taken out of the read buffer.
#[derive(Debug)]
pub struct OwnedFrame {
    /// RPC type byte.
    pub ty: u8,
    /// The payload, owned (no copy: split off the read buffer).
    pub payload: Bytes,
}

/// Why a connection stopped being usable.
#[derive(Debug, thiserror::Error)]
pub enum ConnError {
    /// The peer closed the connection in the middle of a frame.
    #[error("peer closed the connection mid-frame ({buffered} bytes buffered)")]
    ClosedMidFrame {
        /// Bytes of the partial frame.
        buffered: usize,
    },
    /// The peer closed while the runner waited for an ExtraInfo answer.
    #[error("peer closed the connection while an ExtraInfo answer was awaited")]
    ClosedInCall,
    /// A frame of an unexpected type arrived while an ExtraInfo answer was awaited.
    #[error("expected an ExtraInfo answer, got RPC type {0}")]
    UnexpectedInCall(u8),
    /// A socket error.
    #[error("socket error: {0}")]
    Io(#[from] std::io::Error),
}

/// An APISIX connection.
#[derive(Debug)]
pub struct Connection {
    stream: UnixStream,
    buffer: BytesMut,
}

impl Connection {
    /// Wraps an accepted stream.
    pub fn new(stream: UnixStream) -> Connection {
        Connection {
            stream,
            buffer: BytesMut::with_capacity(READ_BUFFER),
        }
    }

    /// Reads the next whole frame; `Ok(None)` on a clean close between frames.
    ///
    /// Cancel-safe: bytes read so far stay in the buffer.
    pub async fn read_frame(&mut self) -> Result<Option<OwnedFrame>, ConnError> {
        loop {
            match check_frame(&self.buffer) {
                Ok(header) => {
                    let mut frame = self.buffer.split_to(header.frame_len());
                    let payload = frame.split_off(HEADER_LEN).freeze();
                    return Ok(Some(OwnedFrame {
                        ty: header.ty,
                        payload,
                    }));
                }
                Err(FrameError::Incomplete) => {
                    if let Some(needed) = self.missing_bytes() {
                        self.buffer.reserve(needed);
                    }
                }
                // check_frame reports nothing but Incomplete; keep reading.
                Err(_) => {}
            }
            if self.stream.read_buf(&mut self.buffer).await? == 0 {
                return if self.buffer.is_empty() {
                    Ok(None)
                } else {
                    Err(ConnError::ClosedMidFrame {
                        buffered: self.buffer.len(),
                    })
                };
            }
        }
    }

    /// Bytes still missing for the frame whose header is buffered.
    fn missing_bytes(&self) -> Option<usize> {
        let header = self.buffer.first_chunk::<HEADER_LEN>()?;
        let len = crate::protocol::parse_header(header).frame_len();
        len.checked_sub(self.buffer.len())
    }

    /// Writes bytes (one or several whole frames) in full.
    pub async fn write_all(&mut self, bytes: &[u8]) -> Result<(), ConnError> {
        self.stream.write_all(bytes).await?;
        Ok(())
    }
}
