//! promptgate's own `StreamChunk` RPC (frame type 16, version 1): a streamed
//! answer's chunk from the `ai-promptgate` Lua plugin, and what the runner
//! says to release. Specified in `apisix/plugins/RPC.md`.
//!
//! The payloads are plain binary (the Lua side needs no flatbuffers library):
//! big-endian unsigned integers and length-prefixed byte strings in a fixed
//! order, starting with a version byte. Decoding checks every length against
//! what is left and against its bound, refuses unknown versions, flags and
//! values, and refuses trailing bytes; it never panics and allocates nothing.

use thiserror::Error;

use super::frame::{FrameError, HEADER_LEN, MAX_PAYLOAD, RpcType, encode_header};

/// The only version of the `StreamChunk` payloads this runner speaks.
pub const STREAM_VERSION: u8 = 1;
/// Longest request id (`ctx.var.request_id`), in bytes.
pub const MAX_STREAM_ID: usize = 128;
/// Longest route conf sent with OPEN, in bytes.
pub const MAX_STREAM_CONF: usize = 64 * 1024;
/// Longest route id sent with OPEN, in bytes.
pub const MAX_STREAM_ROUTE: usize = 256;
/// Longest content type sent with OPEN, in bytes.
pub const MAX_STREAM_CONTENT_TYPE: usize = 256;
/// Bytes of a reply before its `release` bytes.
pub const STREAM_REPLY_HEADER: usize = 12;
/// Most `release` bytes one reply frame can carry.
pub const MAX_STREAM_RELEASE: usize = MAX_PAYLOAD - STREAM_REPLY_HEADER;

/// The request's flag bits (`flags` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamFlags(u8);

impl StreamFlags {
    /// The first chunk of a stream: it carries the conf, route and content type.
    pub const OPEN: u8 = 0x01;
    /// The last chunk of a stream.
    pub const END: u8 = 0x02;
    /// The client went away: drop the session.
    pub const ABORT: u8 = 0x04;
    const KNOWN: u8 = Self::OPEN | Self::END | Self::ABORT;

    /// Flags from their bits (unknown bits are kept; the decoder refuses them).
    pub fn from_bits(bits: u8) -> Self {
        StreamFlags(bits)
    }

    /// The raw bits.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// OPEN is set.
    pub fn open(self) -> bool {
        self.0 & Self::OPEN != 0
    }

    /// END is set.
    pub fn end(self) -> bool {
        self.0 & Self::END != 0
    }

    /// ABORT is set.
    pub fn abort(self) -> bool {
        self.0 & Self::ABORT != 0
    }
}

/// The stream format the plugin names (`api` field); sent on every chunk so
/// even an answer about a lost session can close the stream in its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreamApi {
    /// Read from the events (the route's conf may still name one).
    #[default]
    Auto = 0,
    /// OpenAI chat completions chunks.
    OpenAi = 1,
    /// Anthropic messages events.
    Anthropic = 2,
    /// Gemini `streamGenerateContent?alt=sse`.
    Gemini = 3,
}

impl StreamApi {
    /// The value for a wire byte; `None` outside 0–3.
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(StreamApi::Auto),
            1 => Some(StreamApi::OpenAi),
            2 => Some(StreamApi::Anthropic),
            3 => Some(StreamApi::Gemini),
            _ => None,
        }
    }
}

/// `StreamChunk` request, borrowed from its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamChunkReq<'a> {
    /// OPEN / END / ABORT.
    pub flags: StreamFlags,
    /// The stream format.
    pub api: StreamApi,
    /// The request id: 1–128 printable ASCII bytes, the session key.
    pub id: &'a [u8],
    /// OPEN only: the route's promptgate conf (JSON); else empty.
    pub conf: &'a [u8],
    /// OPEN only: the APISIX route id; else empty.
    pub route: &'a [u8],
    /// OPEN only: the upstream `Content-Type`; else empty.
    pub content_type: &'a [u8],
    /// The upstream bytes of this chunk, exactly as received.
    pub chunk: &'a [u8],
}

/// What the runner tells the plugin to do (`verdict` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamVerdict {
    /// Send `release` and keep streaming.
    Continue = 0,
    /// Send `release` (ending in the API's error event) and end the stream.
    Stop = 1,
    /// Send `release` and stop calling the runner for this request.
    Pass = 2,
    /// The plugin's `fail_open` decides.
    Error = 3,
}

/// The `reason` byte of a STOP or ERROR reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamReason {
    /// CONTINUE and PASS carry no reason.
    None = 0,
    /// STOP: the policy blocked the answer. ERROR: the request was malformed.
    PolicyOrMalformed = 1,
    /// ERROR: no session for this id (never opened, expired or closed).
    UnknownSession = 2,
    /// ERROR: OPEN beyond the bound of open sessions.
    TooManySessions = 3,
    /// ERROR: the conf in OPEN does not parse or names what the config lacks.
    BadConf = 4,
    /// ERROR: the runner cannot take the stream now.
    Busy = 5,
}

/// `StreamChunk` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamChunkReply<'a> {
    /// What the plugin does.
    pub verdict: StreamVerdict,
    /// Why, for STOP and ERROR.
    pub reason: StreamReason,
    /// Upstream bytes the runner holds back after this chunk.
    pub held: u32,
    /// Bytes to send to the client now.
    pub release: &'a [u8],
}

/// Why a `StreamChunk` payload was refused. Carries no payload bytes.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StreamDecodeError {
    /// The payload ends before the field.
    #[error("StreamChunk payload ends inside {field}")]
    Truncated {
        /// The field being read.
        field: &'static str,
    },
    /// A version this runner does not speak.
    #[error("StreamChunk version {0} is not supported (this runner speaks {STREAM_VERSION})")]
    Version(u8),
    /// A field holding a value outside its range.
    #[error("StreamChunk {field} has invalid value {value}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// The value found.
        value: u32,
    },
    /// A length over its field's bound.
    #[error("StreamChunk {field} of {len} bytes is over the limit of {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its announced length.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// A field only OPEN may carry, in a chunk without OPEN.
    #[error("StreamChunk {field} is set on a chunk without OPEN")]
    NotOpen {
        /// The field.
        field: &'static str,
    },
    /// The request id is empty or not printable ASCII.
    #[error("StreamChunk id is empty or not printable ASCII")]
    BadId,
    /// Bytes after the last field.
    #[error("StreamChunk payload has {0} bytes after its last field")]
    Trailing(usize),
}

/// Reads fields off the front of a payload.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], StreamDecodeError> {
        if self.rest.len() < n {
            return Err(StreamDecodeError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, StreamDecodeError> {
        Ok(self.take(1, field)?[0])
    }

    fn u16(&mut self, field: &'static str) -> Result<usize, StreamDecodeError> {
        let b = self.take(2, field)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, StreamDecodeError> {
        let b = self.take(4, field)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length (u16 or u32, `wide`) checked against `max`, then its bytes.
    fn bytes(
        &mut self,
        wide: bool,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], StreamDecodeError> {
        let len = if wide {
            usize::try_from(self.u32(field)?).unwrap_or(usize::MAX)
        } else {
            self.u16(field)?
        };
        if len > max {
            return Err(StreamDecodeError::TooLong { field, len, max });
        }
        self.take(len, field)
    }
}

/// Decodes a `StreamChunk` request payload.
///
/// # Errors
///
/// [`StreamDecodeError`] for a short payload, an unknown version, flag or
/// api, a nonzero reserved byte, a length over its bound, an OPEN field on a
/// chunk without OPEN, a bad id, or trailing bytes.
pub fn decode_stream_chunk(payload: &[u8]) -> Result<StreamChunkReq<'_>, StreamDecodeError> {
    let mut r = Reader { rest: payload };
    let version = r.u8("version")?;
    if version != STREAM_VERSION {
        return Err(StreamDecodeError::Version(version));
    }
    let flags = r.u8("flags")?;
    if flags & !StreamFlags::KNOWN != 0 {
        return Err(StreamDecodeError::BadValue {
            field: "flags",
            value: u32::from(flags),
        });
    }
    let flags = StreamFlags(flags);
    let api = r.u8("api")?;
    let api = StreamApi::from_u8(api).ok_or(StreamDecodeError::BadValue {
        field: "api",
        value: u32::from(api),
    })?;
    let reserved = r.u8("reserved")?;
    if reserved != 0 {
        return Err(StreamDecodeError::BadValue {
            field: "reserved",
            value: u32::from(reserved),
        });
    }
    let id = r.bytes(false, MAX_STREAM_ID, "id")?;
    if id.is_empty() || !id.iter().all(|b| (0x20..=0x7e).contains(b)) {
        return Err(StreamDecodeError::BadId);
    }
    let conf = r.bytes(true, MAX_STREAM_CONF, "conf")?;
    let route = r.bytes(false, MAX_STREAM_ROUTE, "route")?;
    let content_type = r.bytes(false, MAX_STREAM_CONTENT_TYPE, "ctype")?;
    if !flags.open() {
        for (field, value) in [("conf", conf), ("route", route), ("ctype", content_type)] {
            if !value.is_empty() {
                return Err(StreamDecodeError::NotOpen { field });
            }
        }
    }
    let chunk = r.bytes(true, MAX_PAYLOAD, "chunk")?;
    if !r.rest.is_empty() {
        return Err(StreamDecodeError::Trailing(r.rest.len()));
    }
    Ok(StreamChunkReq {
        flags,
        api,
        id,
        conf,
        route,
        content_type,
        chunk,
    })
}

/// Writes a whole `StreamChunk` reply frame (header and payload) into `out`,
/// replacing its contents.
///
/// # Errors
///
/// [`FrameError::TooLarge`] when `release` does not fit one frame; `out` is
/// then empty.
pub fn encode_stream_chunk_reply(
    reply: &StreamChunkReply<'_>,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    out.clear();
    let len = STREAM_REPLY_HEADER + reply.release.len();
    let header = encode_header(RpcType::StreamChunk, len)?;
    out.reserve(HEADER_LEN + len);
    out.extend_from_slice(&header);
    out.extend_from_slice(&[STREAM_VERSION, reply.verdict as u8, reply.reason as u8, 0]);
    out.extend_from_slice(&reply.held.to_be_bytes());
    // Fits: `len` passed the frame limit above.
    out.extend_from_slice(&(reply.release.len() as u32).to_be_bytes());
    out.extend_from_slice(reply.release);
    Ok(())
}

/// The plugin's side, for tests and the load generator: a request payload
/// (no frame header) from its parts. Lengths are not checked against the
/// bounds, so tests can build refused payloads too; a field longer than its
/// length prefix holds is cut to fit.
pub fn encode_stream_chunk_req(req: &StreamChunkReq<'_>, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[STREAM_VERSION, req.flags.bits(), req.api as u8, 0]);
    let short = |out: &mut Vec<u8>, bytes: &[u8]| {
        let bytes = &bytes[..bytes.len().min(usize::from(u16::MAX))];
        out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        out.extend_from_slice(bytes);
    };
    let wide = |out: &mut Vec<u8>, bytes: &[u8]| {
        let bytes = &bytes[..bytes.len().min(u32::MAX as usize)];
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    };
    short(out, req.id);
    wide(out, req.conf);
    short(out, req.route);
    short(out, req.content_type);
    wide(out, req.chunk);
}

/// The plugin's side: decodes a reply payload (no frame header).
///
/// # Errors
///
/// [`StreamDecodeError`] as for requests: short, unknown version or value,
/// trailing bytes.
pub fn decode_stream_chunk_reply(
    payload: &[u8],
) -> Result<StreamChunkReply<'_>, StreamDecodeError> {
    let mut r = Reader { rest: payload };
    let version = r.u8("version")?;
    if version != STREAM_VERSION {
        return Err(StreamDecodeError::Version(version));
    }
    let verdict = match r.u8("verdict")? {
        0 => StreamVerdict::Continue,
        1 => StreamVerdict::Stop,
        2 => StreamVerdict::Pass,
        3 => StreamVerdict::Error,
        v => {
            return Err(StreamDecodeError::BadValue {
                field: "verdict",
                value: u32::from(v),
            });
        }
    };
    let reason = match r.u8("reason")? {
        0 => StreamReason::None,
        1 => StreamReason::PolicyOrMalformed,
        2 => StreamReason::UnknownSession,
        3 => StreamReason::TooManySessions,
        4 => StreamReason::BadConf,
        5 => StreamReason::Busy,
        v => {
            return Err(StreamDecodeError::BadValue {
                field: "reason",
                value: u32::from(v),
            });
        }
    };
    let reserved = r.u8("reserved")?;
    if reserved != 0 {
        return Err(StreamDecodeError::BadValue {
            field: "reserved",
            value: u32::from(reserved),
        });
    }
    let held = r.u32("held")?;
    let release = r.bytes(true, MAX_STREAM_RELEASE, "release")?;
    if !r.rest.is_empty() {
        return Err(StreamDecodeError::Trailing(r.rest.len()));
    }
    Ok(StreamChunkReply {
        verdict,
        reason,
        held,
        release,
    })
}

#[cfg(test)]
mod tests;
