//! One APISIX connection: the stream plus a read buffer, reading whole frames
//! and writing whole replies.
//!
//! Reads loop over short reads (large frames arrive in pieces; spec §2), several
//! frames already buffered are served one by one, and a clean close between
//! frames is `Ok(None)` while a close inside a frame is an error.
//!
//! A peer is trusted with neither time nor memory: once a frame has begun, the
//! rest must arrive within the frame timeout, and the buffer grows with what
//! has arrived (at most [`RESERVE_STEP`] ahead), never by the length a header
//! announces, so 8,192 connections announcing 16 MiB each reserve nothing.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::time::Instant;

use crate::protocol::{FrameError, HEADER_LEN, check_frame};

/// Initial read buffer: enough for a typical call and a 2 KB body in one read.
const READ_BUFFER: usize = 16 * 1024;

/// Most the read buffer grows ahead of the bytes that have arrived.
pub const RESERVE_STEP: usize = 64 * 1024;

/// How long the rest of a begun frame may take unless configured.
pub const DEFAULT_FRAME_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// The rest of a begun frame did not arrive in time.
    #[error("the rest of a frame did not arrive within {0:?}")]
    FrameTimeout(Duration),
    /// APISIX did not answer an ExtraInfo question in time.
    #[error("no ExtraInfo answer within {0:?}")]
    ExtraInfoTimeout(Duration),
    /// The runner is shutting down and its grace period is over.
    #[error("shutting down")]
    ShuttingDown,
    /// A socket error.
    #[error("socket error: {0}")]
    Io(#[from] std::io::Error),
}

/// An APISIX connection.
#[derive(Debug)]
pub struct Connection {
    stream: UnixStream,
    buffer: BytesMut,
    frame_timeout: Duration,
    /// When the bytes of the frame being read started to arrive.
    frame_began: Option<Instant>,
}

impl Connection {
    /// Wraps an accepted stream.
    pub fn new(stream: UnixStream) -> Connection {
        Connection::with_frame_timeout(stream, DEFAULT_FRAME_TIMEOUT)
    }

    /// Wraps an accepted stream whose begun frames must complete within
    /// `frame_timeout`.
    pub fn with_frame_timeout(stream: UnixStream, frame_timeout: Duration) -> Connection {
        Connection {
            stream,
            buffer: BytesMut::with_capacity(READ_BUFFER),
            frame_timeout,
            frame_began: None,
        }
    }

    /// Reads the next whole frame; `Ok(None)` on a clean close between frames.
    /// Waiting for a frame to begin has no limit (APISIX keeps idle
    /// connections open); once it has begun, [`ConnError::FrameTimeout`]
    /// ends a frame whose rest does not come.
    ///
    /// Cancel-safe: bytes read so far stay in the buffer.
    pub async fn read_frame(&mut self) -> Result<Option<OwnedFrame>, ConnError> {
        loop {
            match check_frame(&self.buffer) {
                Ok(header) => {
                    let mut frame = self.buffer.split_to(header.frame_len());
                    let payload = frame.split_off(HEADER_LEN).freeze();
                    // Bytes of a pipelined next frame start its clock now.
                    self.frame_began = (!self.buffer.is_empty()).then(Instant::now);
                    return Ok(Some(OwnedFrame {
                        ty: header.ty,
                        payload,
                    }));
                }
                Err(FrameError::Incomplete) => {
                    if let Some(needed) = self.missing_bytes() {
                        self.buffer.reserve(needed.min(RESERVE_STEP));
                    } else if self.buffer.capacity() == self.buffer.len() {
                        self.buffer.reserve(HEADER_LEN);
                    }
                }
                // check_frame reports nothing but Incomplete; keep reading.
                Err(_) => {}
            }
            let read = match self.frame_began {
                None => self.stream.read_buf(&mut self.buffer).await?,
                Some(began) => {
                    let deadline = began + self.frame_timeout;
                    match tokio::time::timeout_at(deadline, self.stream.read_buf(&mut self.buffer))
                        .await
                    {
                        Ok(read) => read?,
                        Err(_) => return Err(ConnError::FrameTimeout(self.frame_timeout)),
                    }
                }
            };
            if read == 0 {
                return if self.buffer.is_empty() {
                    Ok(None)
                } else {
                    Err(ConnError::ClosedMidFrame {
                        buffered: self.buffer.len(),
                    })
                };
            }
            if self.frame_began.is_none() {
                self.frame_began = Some(Instant::now());
            }
        }
    }

    /// The capacity of the read buffer (tests: it follows what arrived, not
    /// what a header announced).
    pub fn buffer_capacity(&self) -> usize {
        self.buffer.capacity()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MAX_PAYLOAD;

    /// A header announcing 16 MiB followed by a trickle reserves what arrived,
    /// not what was announced, and the frame ends at the frame timeout.
    #[tokio::test]
    async fn an_announced_length_is_neither_reserved_nor_awaited_forever() {
        let (ours, mut theirs) = UnixStream::pair().expect("socket pair");
        let mut conn = Connection::with_frame_timeout(ours, Duration::from_millis(100));
        let [_, len @ ..] = u32::try_from(MAX_PAYLOAD).expect("24 bits").to_be_bytes();
        theirs
            .write_all(&[2, len[0], len[1], len[2], 1, 2, 3, 4])
            .await
            .expect("write");
        let outcome = conn.read_frame().await;
        assert!(
            matches!(outcome, Err(ConnError::FrameTimeout(_))),
            "{outcome:?}"
        );
        assert!(
            conn.buffer_capacity() <= READ_BUFFER + RESERVE_STEP,
            "reserved {} bytes for 8 that arrived",
            conn.buffer_capacity()
        );
    }

    /// An idle connection waits for its next frame as long as it likes.
    #[tokio::test]
    async fn waiting_for_a_frame_to_begin_has_no_limit() {
        let (ours, _theirs) = UnixStream::pair().expect("socket pair");
        let mut conn = Connection::with_frame_timeout(ours, Duration::from_millis(20));
        let waited = tokio::time::timeout(Duration::from_millis(200), conn.read_frame()).await;
        assert!(waited.is_err(), "still waiting: {waited:?}");
    }
}
