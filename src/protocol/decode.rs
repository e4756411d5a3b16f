//! Decoding what APISIX sends the runner: PrepareConf.Req, HTTPReqCall.Req,
//! ExtraInfo.Resp and HTTPRespCall.Req.
//!
//! Every payload is verified before it is read, through the decode-side bindings
//! (`string` read as `[ubyte]`), so strings that are not UTF-8 decode fine (spec 3.1)
//! and no input can panic. The results borrow from the payload.

use flatbuffers::{ForwardsUOffset, InvalidFlatbuffer, Vector, VerifierOptions};
use thiserror::Error;

use super::generated::wire_bytes::a6 as fb;

/// Verifier limits for inbound payloads. Our schema nests at most four tables deep;
/// the table count allows a 16 MiB frame full of small entries; the apparent size
/// is far above the largest (16 MiB) ExtraInfo result.
pub(crate) const VERIFIER_OPTIONS: VerifierOptions = VerifierOptions {
    max_depth: 16,
    max_tables: 4_000_000,
    max_apparent_size: 1 << 31,
    ignore_missing_null_terminator: false,
};

/// Why an inbound payload could not be decoded. Carries no payload bytes (they may
/// be prompt text or PII).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DecodeError {
    /// The payload has zero bytes; APISIX never sends one, so the peer is broken.
    #[error("empty {message} payload")]
    EmptyPayload {
        /// The message that was expected, e.g. `HTTPReqCall.Req`.
        message: &'static str,
    },
    /// The payload is not a valid flatbuffer of the expected root table.
    #[error("malformed {message} payload: {source}")]
    Malformed {
        /// The message that was expected.
        message: &'static str,
        /// What the flatbuffers verifier found.
        source: InvalidFlatbuffer,
    },
    /// A field the message cannot do without is absent.
    #[error("{message} has no {field}")]
    MissingField {
        /// The message being decoded.
        message: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// An enum or union tag outside the values this schema version knows.
    #[error("{message}.{field} has unknown value {value}")]
    UnknownValue {
        /// The message being decoded.
        message: &'static str,
        /// The field holding the value.
        field: &'static str,
        /// The value found.
        value: u8,
    },
}

/// A name with an optional value: a request header, query arg, or conf entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEntry<'a> {
    /// Header / arg / plugin name as APISIX sent it (bytes, maybe not UTF-8).
    /// An absent name reads as empty.
    pub name: &'a [u8],
    /// The value; `None` when absent ("no value", e.g. `?z`), distinct from
    /// `Some(b"")` (a real empty value, e.g. `?y=`).
    pub value: Option<&'a [u8]>,
}

/// A PrepareConf conf entry: plugin name and its configuration string.
pub type ConfEntry<'a> = TextEntry<'a>;

/// `A6.PrepareConf.Req`: a route's ext-plugin configuration, to be turned into a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrepareConfReq<'a> {
    /// Entries in execution order; empty when the route configured `{}` (conf absent).
    pub conf: Vec<ConfEntry<'a>>,
    /// APISIX's idempotency key, e.g. `route#1#ext-plugin-pre-req#20`; opaque.
    pub key: Option<&'a [u8]>,
}

/// `A6.HTTPReqCall.Req`: one client request, headers and args but no body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpReqCall<'a> {
    /// APISIX's debug id, echoed in the reply; 0 is valid.
    pub id: u32,
    /// Client address: 4 bytes (IPv4) or 16 (IPv6); empty if absent.
    pub src_ip: &'a [u8],
    /// `A6.Method` value (GET 0 … TRACE 14); see [`method_name`].
    pub method: u8,
    /// Request path without query, percent-decoded by nginx (maybe not UTF-8).
    pub path: Option<&'a [u8]>,
    /// Query args; repeated names are separate entries.
    pub args: Vec<TextEntry<'a>>,
    /// Request headers, names lower-cased by APISIX; repeated headers are separate entries.
    pub headers: Vec<TextEntry<'a>>,
    /// The token from PrepareConf naming the route's configuration.
    pub conf_token: u32,
}

impl HttpReqCall<'_> {
    /// Value of the first header named `name` (ASCII case-insensitive); `None` when
    /// the header is missing or has no value.
    pub fn header(&self, name: &[u8]) -> Option<&[u8]> {
        find_header(&self.headers, name).and_then(|e| e.value)
    }
}

/// `A6.ExtraInfo.Resp`: APISIX's answer to a variable or body question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraInfoResp<'a> {
    /// The value; `None` when APISIX had nothing (unknown variable, no body),
    /// distinct from `Some(b"")` (an empty value).
    pub result: Option<&'a [u8]>,
}

/// `A6.HTTPRespCall.Req`: the upstream response status and headers (post-resp).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRespCall<'a> {
    /// APISIX's debug id, echoed in the reply.
    pub id: u32,
    /// Upstream status.
    pub status: u16,
    /// Upstream headers in their original case, one entry per value.
    pub headers: Vec<TextEntry<'a>>,
    /// The token from PrepareConf.
    pub conf_token: u32,
}

impl HttpRespCall<'_> {
    /// Value of the first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&[u8]> {
        find_header(&self.headers, name).and_then(|e| e.value)
    }
}

/// Finds the first entry whose name equals `name` ignoring ASCII case, as HTTP
/// header names compare.
pub fn find_header<'e, 'a>(entries: &'e [TextEntry<'a>], name: &[u8]) -> Option<&'e TextEntry<'a>> {
    entries.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

/// The HTTP method name for an `A6.Method` value, `None` outside the enum.
pub fn method_name(method: u8) -> Option<&'static str> {
    const NAMES: [&str; 15] = [
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "DELETE",
        "MKCOL",
        "COPY",
        "MOVE",
        "OPTIONS",
        "PROPFIND",
        "PROPPATCH",
        "LOCK",
        "UNLOCK",
        "PATCH",
        "TRACE",
    ];
    NAMES.get(usize::from(method)).copied()
}

/// Decodes `A6.PrepareConf.Req`.
///
/// # Errors
/// [`DecodeError::EmptyPayload`] or [`DecodeError::Malformed`].
pub fn decode_prepare_conf(payload: &[u8]) -> Result<PrepareConfReq<'_>, DecodeError> {
    const MESSAGE: &str = "PrepareConf.Req";
    let req = verify::<fb::prepare_conf::Req>(payload, MESSAGE)?;
    Ok(PrepareConfReq {
        conf: text_entries(req.conf()),
        key: req.key().map(|k| k.bytes()),
    })
}

/// Decodes `A6.HTTPReqCall.Req`.
///
/// # Errors
/// [`DecodeError::EmptyPayload`] or [`DecodeError::Malformed`].
pub fn decode_http_req_call(payload: &[u8]) -> Result<HttpReqCall<'_>, DecodeError> {
    const MESSAGE: &str = "HTTPReqCall.Req";
    let req = verify::<fb::httpreq_call::Req>(payload, MESSAGE)?;
    Ok(HttpReqCall {
        id: req.id(),
        src_ip: req.src_ip().map_or(&[][..], |v| v.bytes()),
        method: req.method().0,
        path: req.path().map(|p| p.bytes()),
        args: text_entries(req.args()),
        headers: text_entries(req.headers()),
        conf_token: req.conf_token(),
    })
}

/// Decodes `A6.ExtraInfo.Resp`.
///
/// # Errors
/// [`DecodeError::EmptyPayload`] or [`DecodeError::Malformed`].
pub fn decode_extra_info_resp(payload: &[u8]) -> Result<ExtraInfoResp<'_>, DecodeError> {
    const MESSAGE: &str = "ExtraInfo.Resp";
    let resp = verify::<fb::extra_info::Resp>(payload, MESSAGE)?;
    Ok(ExtraInfoResp {
        result: resp.result().map(|r| r.bytes()),
    })
}

/// Decodes `A6.HTTPRespCall.Req`.
///
/// # Errors
/// [`DecodeError::EmptyPayload`] or [`DecodeError::Malformed`].
pub fn decode_http_resp_call(payload: &[u8]) -> Result<HttpRespCall<'_>, DecodeError> {
    const MESSAGE: &str = "HTTPRespCall.Req";
    let req = verify::<fb::httpresp_call::Req>(payload, MESSAGE)?;
    Ok(HttpRespCall {
        id: req.id(),
        status: req.status(),
        headers: text_entries(req.headers()),
        conf_token: req.conf_token(),
    })
}

/// Verifies `payload` as root table `T` of the decode-side bindings.
pub(crate) fn verify<'a, T>(
    payload: &'a [u8],
    message: &'static str,
) -> Result<T::Inner, DecodeError>
where
    T: 'a + flatbuffers::Follow<'a> + flatbuffers::Verifiable,
{
    if payload.is_empty() {
        return Err(DecodeError::EmptyPayload { message });
    }
    flatbuffers::root_with_opts::<T>(&VERIFIER_OPTIONS, payload)
        .map_err(|source| DecodeError::Malformed { message, source })
}

/// Borrows a verified `[TextEntry]` vector; absent reads as empty.
pub(crate) fn text_entries<'a>(
    entries: Option<Vector<'a, ForwardsUOffset<fb::TextEntry<'a>>>>,
) -> Vec<TextEntry<'a>> {
    let Some(entries) = entries else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|e| TextEntry {
            name: e.name().map_or(&[][..], |n| n.bytes()),
            value: e.value().map(|v| v.bytes()),
        })
        .collect()
}

/// Any message APISIX sends the runner, decoded according to its frame type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inbound<'a> {
    /// Type 1.
    PrepareConf(PrepareConfReq<'a>),
    /// Type 2.
    HttpReqCall(HttpReqCall<'a>),
    /// Type 3, only expected while the runner waits for an ExtraInfo answer.
    ExtraInfo(ExtraInfoResp<'a>),
    /// Type 4.
    HttpRespCall(HttpRespCall<'a>),
}

/// Decodes an inbound payload by its frame type byte.
///
/// # Errors
/// As the per-message decoders; type 0 (APISIX never sends Err) and unknown types
/// are [`DecodeError::UnknownValue`] with field `type` (answer Err BAD_REQUEST,
/// checklist item 8).
pub fn decode_inbound(ty: u8, payload: &[u8]) -> Result<Inbound<'_>, DecodeError> {
    use super::frame::RpcType;
    match RpcType::from_u8(ty) {
        Some(RpcType::PrepareConf) => decode_prepare_conf(payload).map(Inbound::PrepareConf),
        Some(RpcType::HttpReqCall) => decode_http_req_call(payload).map(Inbound::HttpReqCall),
        Some(RpcType::ExtraInfo) => decode_extra_info_resp(payload).map(Inbound::ExtraInfo),
        Some(RpcType::HttpRespCall) => decode_http_resp_call(payload).map(Inbound::HttpRespCall),
        // StreamChunk is the Lua plugin's, not APISIX's: `decode_stream_chunk`.
        Some(RpcType::Error) | Some(RpcType::StreamChunk) | Some(RpcType::RequestCall) | None => {
            Err(DecodeError::UnknownValue {
                message: "frame",
                field: "type",
                value: ty,
            })
        }
    }
}
