//! The frame codec: 1 type byte, a 3-byte big-endian payload length, the payload.
//!
//! Pure functions over byte slices. [`check_frame`] answers "is a whole frame
//! buffered?" without copying (an incomplete frame is a normal outcome, not a
//! failure); [`encode_frame`] writes header and payload into one buffer so a reply
//! is a single write.

use thiserror::Error;

/// Bytes in a frame header: the RPC type, then the 24-bit payload length.
pub const HEADER_LEN: usize = 4;

/// Largest payload a frame can describe (and the largest APISIX accepts), in bytes:
/// the 24-bit length field's maximum, 16 777 215.
pub const MAX_PAYLOAD: usize = 0xFF_FFFF;

/// The RPC type carried in the first header byte; the reply to type N is type N or
/// [`RpcType::Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RpcType {
    /// `A6.Err.Resp`, runner to APISIX only, in place of any reply.
    Error = 0,
    /// `A6.PrepareConf.Req` / `.Resp`: a route's plugin config becomes a token.
    PrepareConf = 1,
    /// `A6.HTTPReqCall.Req` / `.Resp`: the request phase call.
    HttpReqCall = 2,
    /// `A6.ExtraInfo.Req` (runner asks) / `.Resp` (APISIX answers), inside a call.
    ExtraInfo = 3,
    /// `A6.HTTPRespCall.Req` / `.Resp`: the response phase call (post-resp).
    HttpRespCall = 4,
    /// promptgate's own, not APISIX's: one chunk of a streamed answer from the
    /// `ai-promptgate` Lua plugin and what to release (`apisix/plugins/RPC.md`;
    /// payload in [`crate::protocol::decode_stream_chunk`]). APISIX never
    /// sends this type.
    StreamChunk = 16,
    /// promptgate's own: a whole request (conf, method, path, headers, body)
    /// from the `ai-promptgate` plugin's access phase, answered in one round
    /// trip (`apisix/plugins/RPC.md`; payload in
    /// [`crate::protocol::decode_request_call`]).
    RequestCall = 17,
}

impl RpcType {
    /// Maps a header type byte to a known RPC type; `None` for anything else, which
    /// the runner answers with Err BAD_REQUEST (checklist item 8).
    pub fn from_u8(ty: u8) -> Option<Self> {
        match ty {
            0 => Some(Self::Error),
            1 => Some(Self::PrepareConf),
            2 => Some(Self::HttpReqCall),
            3 => Some(Self::ExtraInfo),
            4 => Some(Self::HttpRespCall),
            16 => Some(Self::StreamChunk),
            17 => Some(Self::RequestCall),
            _ => None,
        }
    }

    /// The byte written in a frame header for this type.
    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

/// A decoded frame header: what kind of message follows and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The raw RPC type byte; see [`RpcType::from_u8`]. Kept raw so an unknown type
    /// can still be skipped and answered.
    pub ty: u8,
    /// Payload length in bytes, at most [`MAX_PAYLOAD`] by construction.
    pub len: usize,
}

impl FrameHeader {
    /// Total bytes of the frame, header included: what a reader must buffer.
    pub fn frame_len(&self) -> usize {
        HEADER_LEN + self.len
    }
}

/// A whole frame borrowed from a read buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The raw RPC type byte.
    pub ty: u8,
    /// The flatbuffers payload (no size prefix, no file identifier).
    pub payload: &'a [u8],
}

impl Frame<'_> {
    /// Bytes this frame occupies in the buffer it was parsed from, so the caller
    /// can advance past it.
    pub fn frame_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }
}

/// What can go wrong while framing, and while building a reply frame.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Not enough bytes are buffered for a whole frame yet. A normal outcome for a
    /// reader: read more and check again.
    #[error("incomplete frame: more bytes are needed")]
    Incomplete,
    /// A payload longer than the 24-bit length field allows. The runner must not
    /// send it (nor a truncated length); it answers Err SERVICE_UNAVAILABLE instead.
    #[error("frame payload of {len} bytes exceeds the maximum of {max} bytes")]
    TooLarge {
        /// The payload length that was refused (a lower bound when refused before
        /// building).
        len: usize,
        /// The limit, [`MAX_PAYLOAD`].
        max: usize,
    },
    /// An empty payload: APISIX fails to parse a zero-length frame, so none is sent.
    #[error("refusing to write a frame with an empty payload")]
    EmptyPayload,
    /// A Rewrite path containing `?`: APISIX would percent-encode it to `%3F` and the
    /// upstream would see a wrong path (checklist item 35).
    #[error("rewrite path contains '?' at byte {at}; query changes go in args")]
    QueryInRewritePath {
        /// Byte offset of the first `?` in the path.
        at: usize,
    },
    /// A Rewrite path of zero bytes: to keep the path, the field must be omitted.
    #[error("rewrite path is empty; omit it to keep the original path")]
    EmptyRewritePath,
}

/// Decodes the 4-byte header: type byte and 24-bit big-endian length.
pub fn parse_header(header: &[u8; HEADER_LEN]) -> FrameHeader {
    let len =
        (usize::from(header[1]) << 16) | (usize::from(header[2]) << 8) | usize::from(header[3]);
    FrameHeader { ty: header[0], len }
}

/// Tells whether `buf` starts with a whole frame, without copying anything.
///
/// Returns the header when `buf[..header.frame_len()]` is a complete frame, and
/// [`FrameError::Incomplete`] when more bytes are needed (including for the header
/// itself). Bytes after the frame are left alone. A zero-length payload is framed
/// like any other; the payload decoders reject it.
pub fn check_frame(buf: &[u8]) -> Result<FrameHeader, FrameError> {
    let Some(header) = buf.first_chunk::<HEADER_LEN>() else {
        return Err(FrameError::Incomplete);
    };
    let header = parse_header(header);
    if buf.len() < header.frame_len() {
        return Err(FrameError::Incomplete);
    }
    Ok(header)
}

/// Like [`check_frame`], but returns the frame itself, borrowed from `buf`.
pub fn parse_frame(buf: &[u8]) -> Result<Frame<'_>, FrameError> {
    let header = check_frame(buf)?;
    Ok(Frame {
        ty: header.ty,
        payload: &buf[HEADER_LEN..header.frame_len()],
    })
}

/// Encodes a 4-byte header for a payload of `len` bytes.
///
/// # Errors
/// [`FrameError::TooLarge`] above [`MAX_PAYLOAD`] (the length is never truncated),
/// [`FrameError::EmptyPayload`] for zero.
pub fn encode_header(ty: RpcType, len: usize) -> Result<[u8; HEADER_LEN], FrameError> {
    if len == 0 {
        return Err(FrameError::EmptyPayload);
    }
    if len > MAX_PAYLOAD {
        return Err(FrameError::TooLarge {
            len,
            max: MAX_PAYLOAD,
        });
    }
    let [_, b1, b2, b3] = (len as u32).to_be_bytes();
    Ok([ty.as_u8(), b1, b2, b3])
}

/// Writes a whole frame (header, then `payload`) into `out`, replacing its contents,
/// so the caller sends it with one write. `out` keeps its capacity across calls.
///
/// # Errors
/// As [`encode_header`]; `out` is left empty on error.
pub fn encode_frame(ty: RpcType, payload: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
    out.clear();
    let header = encode_header(ty, payload.len())?;
    out.reserve(HEADER_LEN + payload.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(payload);
    Ok(())
}
