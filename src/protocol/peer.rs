//! The APISIX side of the protocol, used by the load generator and the tests to
//! play APISIX: encoders for what APISIX sends, decoders for every runner reply.
//!
//! Decoders are as strict as a careful gateway: a reply that APISIX could not use
//! (a union tag without its value, an unknown action or info type) is an error, not
//! a guess. Like the runner-side decoders they verify first and never panic, and
//! they read strings as bytes.

use flatbuffers::{FlatBufferBuilder, ForwardsUOffset, Vector};

use super::decode::{DecodeError, verify};
use super::encode::{
    Entry, ErrCode, byte_string, byte_vector, check_lower_bound, entries_len, finish, text_entries,
};
use super::frame::{FrameError, RpcType};
use super::generated::wire::a6 as fb;
use super::generated::wire_bytes::a6 as fbr;

/// An owned name with an optional value, as decoded from a runner reply.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OwnedEntry {
    /// Header or arg name.
    pub name: Vec<u8>,
    /// Value; `None` when absent (delete / no value), distinct from empty.
    pub value: Option<Vec<u8>>,
}

impl OwnedEntry {
    /// An entry with a value, for building expectations in tests.
    pub fn new(name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
        }
    }

    /// An entry without value (delete, or valueless arg).
    pub fn no_value(name: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            value: None,
        }
    }
}

/// What the runner asked APISIX to do with a request (`A6.HTTPReqCall.Resp.action`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// No action: the request continues unchanged.
    Continue,
    /// APISIX answers the client directly.
    Stop {
        /// Status (0 means APISIX uses 200).
        status: u16,
        /// Response headers (absent reads as empty).
        headers: Vec<OwnedEntry>,
        /// Response body (absent reads as empty).
        body: Vec<u8>,
    },
    /// The request goes upstream changed.
    Rewrite {
        /// New path, if any.
        path: Option<Vec<u8>>,
        /// Request header changes.
        headers: Vec<OwnedEntry>,
        /// Query arg changes.
        args: Vec<OwnedEntry>,
        /// Headers added to the client response.
        resp_headers: Vec<OwnedEntry>,
        /// Replacement body, if any (absent distinct from empty).
        body: Option<Vec<u8>>,
    },
}

/// A decoded `A6.HTTPReqCall.Resp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReqCallResp {
    /// The echoed request id.
    pub id: u32,
    /// What to do with the request.
    pub action: Action,
}

/// A decoded `A6.ExtraInfo.Req`: what the runner wants to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InfoReq {
    /// The value of an nginx/APISIX variable.
    Var(Vec<u8>),
    /// The whole request body.
    ReqBody,
    /// The whole upstream response body.
    RespBody,
}

/// A decoded `A6.HTTPRespCall.Resp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RespCallResp {
    /// The echoed request id.
    pub id: u32,
    /// New status, 0 = keep the upstream one.
    pub status: u16,
    /// The complete client header set when non-empty.
    pub headers: Vec<OwnedEntry>,
    /// Replacement body when non-empty (absent reads as empty).
    pub body: Vec<u8>,
}

/// Any runner reply, decoded according to its frame type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Type 0: `A6.Err.Resp`.
    Err(ErrCode),
    /// Type 1: `A6.PrepareConf.Resp` with its token.
    PrepareConf(u32),
    /// Type 2: `A6.HTTPReqCall.Resp`.
    ReqCall(ReqCallResp),
    /// Type 3: `A6.ExtraInfo.Req`, a question inside a call.
    ExtraInfo(InfoReq),
    /// Type 4: `A6.HTTPRespCall.Resp`.
    RespCall(RespCallResp),
}

/// The contents of an `A6.HTTPReqCall.Req` to send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReqCall<'a> {
    /// Debug id.
    pub id: u32,
    /// Client address bytes (4 or 16).
    pub src_ip: &'a [u8],
    /// `A6.Method` value.
    pub method: u8,
    /// Path without query; `None` leaves the field absent.
    pub path: Option<&'a [u8]>,
    /// Query args (always written, possibly empty, as APISIX does).
    pub args: &'a [Entry<'a>],
    /// Request headers (always written, possibly empty).
    pub headers: &'a [Entry<'a>],
    /// Conf token.
    pub conf_token: u32,
}

/// Writes an `A6.PrepareConf.Req` frame. `conf: None` leaves the vector absent, as
/// APISIX does for a route configured with `{}`.
///
/// # Errors
/// [`FrameError::TooLarge`] over the frame limit.
pub fn encode_prepare_conf_req(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    conf: Option<&[Entry<'_>]>,
    key: Option<&[u8]>,
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[conf.map_or(0, entries_len), key.map_or(0, <[u8]>::len)])?;
    fbb.reset();
    let conf = conf.map(|c| text_entries(fbb, c));
    let key = key.map(|k| byte_string(fbb, k));
    let req = fb::prepare_conf::Req::create(fbb, &fb::prepare_conf::ReqArgs { conf, key });
    finish(fbb, req, RpcType::PrepareConf, out)
}

/// Writes an `A6.HTTPReqCall.Req` frame.
///
/// # Errors
/// [`FrameError::TooLarge`] over the frame limit.
pub fn encode_http_req_call_req(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    call: &ReqCall<'_>,
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[
        call.src_ip.len(),
        call.path.map_or(0, <[u8]>::len),
        entries_len(call.args),
        entries_len(call.headers),
    ])?;
    fbb.reset();
    let src_ip = byte_vector(fbb, call.src_ip);
    let path = call.path.map(|p| byte_string(fbb, p));
    let args = text_entries(fbb, call.args);
    let headers = text_entries(fbb, call.headers);
    let req = fb::httpreq_call::Req::create(
        fbb,
        &fb::httpreq_call::ReqArgs {
            id: call.id,
            src_ip: Some(src_ip),
            method: fb::Method(call.method),
            path,
            args: Some(args),
            headers: Some(headers),
            conf_token: call.conf_token,
        },
    );
    finish(fbb, req, RpcType::HttpReqCall, out)
}

/// Writes an `A6.ExtraInfo.Resp` frame: `None` leaves `result` absent (unknown
/// variable, no body), `Some(b"")` sends an empty value.
///
/// # Errors
/// [`FrameError::TooLarge`] when the result does not fit a frame (APISIX then
/// closes the connection; a simulator should do the same).
pub fn encode_extra_info_resp(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    result: Option<&[u8]>,
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[result.map_or(0, <[u8]>::len)])?;
    fbb.reset();
    let result = result.map(|r| byte_vector(fbb, r));
    let resp = fb::extra_info::Resp::create(fbb, &fb::extra_info::RespArgs { result });
    finish(fbb, resp, RpcType::ExtraInfo, out)
}

/// Writes an `A6.HTTPRespCall.Req` frame.
///
/// # Errors
/// [`FrameError::TooLarge`] over the frame limit.
pub fn encode_http_resp_call_req(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    id: u32,
    status: u16,
    headers: &[Entry<'_>],
    conf_token: u32,
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[entries_len(headers)])?;
    fbb.reset();
    let headers = text_entries(fbb, headers);
    let req = fb::httpresp_call::Req::create(
        fbb,
        &fb::httpresp_call::ReqArgs {
            id,
            status,
            headers: Some(headers),
            conf_token,
        },
    );
    finish(fbb, req, RpcType::HttpRespCall, out)
}

/// Decodes an `A6.Err.Resp` payload.
///
/// # Errors
/// Malformed payloads, and codes outside `A6.Err.Code` ([`DecodeError::UnknownValue`]).
pub fn decode_err(payload: &[u8]) -> Result<ErrCode, DecodeError> {
    const MESSAGE: &str = "Err.Resp";
    let resp = verify::<fbr::err::Resp>(payload, MESSAGE)?;
    let code = resp.code().0;
    ErrCode::from_u8(code).ok_or(DecodeError::UnknownValue {
        message: MESSAGE,
        field: "code",
        value: code,
    })
}

/// Decodes an `A6.PrepareConf.Resp` payload into its token.
///
/// # Errors
/// Malformed payloads.
pub fn decode_prepare_conf_resp(payload: &[u8]) -> Result<u32, DecodeError> {
    Ok(verify::<fbr::prepare_conf::Resp>(payload, "PrepareConf.Resp")?.conf_token())
}

/// Decodes an `A6.HTTPReqCall.Resp` payload.
///
/// # Errors
/// Malformed payloads; an action tag without its table or a table without its tag
/// ([`DecodeError::MissingField`]), an unknown tag ([`DecodeError::UnknownValue`]).
pub fn decode_http_req_call_resp(payload: &[u8]) -> Result<ReqCallResp, DecodeError> {
    use fbr::httpreq_call::Action as Tag;
    const MESSAGE: &str = "HTTPReqCall.Resp";
    let resp = verify::<fbr::httpreq_call::Resp>(payload, MESSAGE)?;
    let missing = |field| DecodeError::MissingField {
        message: MESSAGE,
        field,
    };
    // Only follow the union value through the tag-checked accessors: the verifier
    // skips values under an unknown tag (or an explicit NONE), so reading those
    // could index out of bounds.
    let action = match resp.action_type() {
        Tag::NONE if has_field(&resp._tab, fbr::httpreq_call::Resp::VT_ACTION) => {
            return Err(missing("action_type"));
        }
        Tag::NONE => Action::Continue,
        Tag::Stop => {
            let stop = resp.action_as_stop().ok_or(missing("action"))?;
            Action::Stop {
                status: stop.status(),
                headers: owned_entries(stop.headers()),
                body: stop.body().map(|b| b.bytes().to_vec()).unwrap_or_default(),
            }
        }
        Tag::Rewrite => {
            let rw = resp.action_as_rewrite().ok_or(missing("action"))?;
            Action::Rewrite {
                path: rw.path().map(|p| p.bytes().to_vec()),
                headers: owned_entries(rw.headers()),
                args: owned_entries(rw.args()),
                resp_headers: owned_entries(rw.resp_headers()),
                body: rw.body().map(|b| b.bytes().to_vec()),
            }
        }
        other => {
            return Err(DecodeError::UnknownValue {
                message: MESSAGE,
                field: "action_type",
                value: other.0,
            });
        }
    };
    Ok(ReqCallResp {
        id: resp.id(),
        action,
    })
}

/// What a runner's answer to a call was, without copying anything out of it:
/// the load generator's per-request check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// No action: the request continues.
    Continue,
    /// A Stop with this status (0 reads as 200).
    Stop(u16),
    /// A Rewrite (a redaction, or a shadow note in headers).
    Rewrite,
}

/// Classifies an `A6.HTTPReqCall.Resp` payload with the same checks as
/// [`decode_http_req_call_resp`], but allocates nothing.
///
/// # Errors
/// As [`decode_http_req_call_resp`].
pub fn peek_req_call_action(payload: &[u8]) -> Result<ActionKind, DecodeError> {
    use fbr::httpreq_call::Action as Tag;
    const MESSAGE: &str = "HTTPReqCall.Resp";
    let resp = verify::<fbr::httpreq_call::Resp>(payload, MESSAGE)?;
    let missing = |field| DecodeError::MissingField {
        message: MESSAGE,
        field,
    };
    match resp.action_type() {
        Tag::NONE if has_field(&resp._tab, fbr::httpreq_call::Resp::VT_ACTION) => {
            Err(missing("action_type"))
        }
        Tag::NONE => Ok(ActionKind::Continue),
        Tag::Stop => {
            let stop = resp.action_as_stop().ok_or(missing("action"))?;
            Ok(ActionKind::Stop(stop.status()))
        }
        Tag::Rewrite => resp
            .action_as_rewrite()
            .map(|_| ActionKind::Rewrite)
            .ok_or(missing("action")),
        other => Err(DecodeError::UnknownValue {
            message: MESSAGE,
            field: "action_type",
            value: other.0,
        }),
    }
}

/// Decodes an `A6.ExtraInfo.Req` payload.
///
/// # Errors
/// Malformed payloads; a missing info table or Var name; an unknown info type
/// (APISIX closes the connection for those).
pub fn decode_extra_info_req(payload: &[u8]) -> Result<InfoReq, DecodeError> {
    use fbr::extra_info::Info;
    const MESSAGE: &str = "ExtraInfo.Req";
    let req = verify::<fbr::extra_info::Req>(payload, MESSAGE)?;
    let missing = |field| DecodeError::MissingField {
        message: MESSAGE,
        field,
    };
    // As for actions: never follow a union value the verifier did not check.
    match req.info_type() {
        Info::NONE if has_field(&req._tab, fbr::extra_info::Req::VT_INFO) => {
            Err(missing("info_type"))
        }
        Info::NONE => Err(missing("info")),
        Info::Var => {
            let var = req.info_as_var().ok_or(missing("info"))?;
            let name = var.name().ok_or(missing("info.name"))?;
            Ok(InfoReq::Var(name.bytes().to_vec()))
        }
        Info::ReqBody => req
            .info_as_req_body()
            .map(|_| InfoReq::ReqBody)
            .ok_or(missing("info")),
        Info::RespBody => req
            .info_as_resp_body()
            .map(|_| InfoReq::RespBody)
            .ok_or(missing("info")),
        other => Err(DecodeError::UnknownValue {
            message: MESSAGE,
            field: "info_type",
            value: other.0,
        }),
    }
}

/// Decodes an `A6.HTTPRespCall.Resp` payload.
///
/// # Errors
/// Malformed payloads.
pub fn decode_http_resp_call_resp(payload: &[u8]) -> Result<RespCallResp, DecodeError> {
    let resp = verify::<fbr::httpresp_call::Resp>(payload, "HTTPRespCall.Resp")?;
    Ok(RespCallResp {
        id: resp.id(),
        status: resp.status(),
        headers: owned_entries(resp.headers()),
        body: resp.body().map(|b| b.bytes().to_vec()).unwrap_or_default(),
    })
}

/// Decodes any runner reply by its frame type byte.
///
/// # Errors
/// As the per-message decoders; a type byte outside 0..=4 is
/// [`DecodeError::UnknownValue`].
pub fn decode_reply(ty: u8, payload: &[u8]) -> Result<Reply, DecodeError> {
    match RpcType::from_u8(ty) {
        Some(RpcType::Error) => decode_err(payload).map(Reply::Err),
        Some(RpcType::PrepareConf) => decode_prepare_conf_resp(payload).map(Reply::PrepareConf),
        Some(RpcType::HttpReqCall) => decode_http_req_call_resp(payload).map(Reply::ReqCall),
        Some(RpcType::ExtraInfo) => decode_extra_info_req(payload).map(Reply::ExtraInfo),
        Some(RpcType::HttpRespCall) => decode_http_resp_call_resp(payload).map(Reply::RespCall),
        // Answered to the Lua plugin, not APISIX: `decode_stream_chunk_reply`.
        Some(RpcType::StreamChunk) | Some(RpcType::RequestCall) | None => {
            Err(DecodeError::UnknownValue {
                message: "frame",
                field: "type",
                value: ty,
            })
        }
    }
}

/// Whether a (verified) table has `field` in its vtable, without following it.
fn has_field(table: &flatbuffers::Table<'_>, field: flatbuffers::VOffsetT) -> bool {
    table.vtable().get(field) != 0
}

fn owned_entries<'a>(
    entries: Option<Vector<'a, ForwardsUOffset<fbr::TextEntry<'a>>>>,
) -> Vec<OwnedEntry> {
    let Some(entries) = entries else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|e| OwnedEntry {
            name: e.name().map(|n| n.bytes().to_vec()).unwrap_or_default(),
            value: e.value().map(|v| v.bytes().to_vec()),
        })
        .collect()
}
