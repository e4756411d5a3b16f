//! Building the runner's replies: each builder writes a complete frame (header and
//! payload) into a caller-owned `Vec<u8>`, reusing a caller-owned
//! [`FlatBufferBuilder`], so the hot path allocates nothing per call once both
//! buffers have grown to their working size.
//!
//! Replies are built with the schema-as-written bindings; strings are written from
//! bytes (with the NUL terminator) so header values that are not UTF-8 can be echoed.

use flatbuffers::{FlatBufferBuilder, ForwardsUOffset, Vector, WIPOffset};

use super::frame::{FrameError, MAX_PAYLOAD, RpcType, encode_frame};
use super::generated::wire::a6 as fb;

/// A header, arg or conf entry to write: name and optional value (`None` deletes
/// the header or arg, or marks a valueless query arg).
pub type Entry<'a> = (&'a [u8], Option<&'a [u8]>);

/// `A6.Err.Code`: why the runner could not answer a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrCode {
    /// The request was malformed or unsupported (e.g. an unknown RPC type, a bad conf).
    BadRequest = 0,
    /// The runner cannot serve it now (e.g. a reply over the frame limit).
    ServiceUnavailable = 1,
    /// The conf token is unknown or expired: APISIX re-sends PrepareConf and retries.
    ConfTokenNotFound = 2,
}

impl ErrCode {
    /// Maps a wire value to a known code; `None` outside the enum.
    pub fn from_u8(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::BadRequest),
            1 => Some(Self::ServiceUnavailable),
            2 => Some(Self::ConfTokenNotFound),
            _ => None,
        }
    }
}

/// An `A6.HTTPReqCall.Stop` action: APISIX answers the client itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stop<'a> {
    /// Response status; 0 makes APISIX use 200.
    pub status: u16,
    /// Response headers; the first per name replaces, later ones add lines.
    pub headers: &'a [Entry<'a>],
    /// Response body; an empty body is omitted from the message.
    pub body: &'a [u8],
}

/// An `A6.HTTPReqCall.Rewrite` action: the request goes upstream changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rewrite<'a> {
    /// New upstream path, without query (a `?` is refused); `None` keeps the path.
    pub path: Option<&'a [u8]>,
    /// Request header changes; `None` value deletes; name `host` sets the upstream Host.
    pub headers: &'a [Entry<'a>],
    /// Query arg changes; `None` value deletes.
    pub args: &'a [Entry<'a>],
    /// Headers added to the eventual client response (APISIX 2.13+).
    pub resp_headers: &'a [Entry<'a>],
    /// Replacement request body (APISIX 3.6+); `None` or empty keeps the body.
    pub body: Option<&'a [u8]>,
}

/// Writes `A6.Err.Resp{code}` as a type 0 frame.
///
/// # Errors
/// None in practice (the message is 16–20 bytes); the `Result` keeps all builders alike.
pub fn encode_err(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    code: ErrCode,
) -> Result<(), FrameError> {
    fbb.reset();
    let resp = fb::err::Resp::create(
        fbb,
        &fb::err::RespArgs {
            code: fb::err::Code(code as u8),
        },
    );
    finish(fbb, resp, RpcType::Error, out)
}

/// Writes `A6.PrepareConf.Resp{conf_token}` as a type 1 frame.
///
/// # Errors
/// None in practice; see [`encode_err`].
pub fn encode_prepare_conf_resp(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    conf_token: u32,
) -> Result<(), FrameError> {
    fbb.reset();
    let resp = fb::prepare_conf::Resp::create(fbb, &fb::prepare_conf::RespArgs { conf_token });
    finish(fbb, resp, RpcType::PrepareConf, out)
}

/// Writes the "continue unchanged" reply: an `A6.HTTPReqCall.Resp` echoing `id`
/// with no action and no `action_type` (checklist items 26 and 35).
///
/// # Errors
/// None in practice; see [`encode_err`].
pub fn encode_req_call_continue(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    id: u32,
) -> Result<(), FrameError> {
    fbb.reset();
    let resp = fb::httpreq_call::Resp::create(
        fbb,
        &fb::httpreq_call::RespArgs {
            id,
            action_type: fb::httpreq_call::Action::NONE,
            action: None,
        },
    );
    finish(fbb, resp, RpcType::HttpReqCall, out)
}

/// Writes an `A6.HTTPReqCall.Resp` with a Stop action.
///
/// # Errors
/// [`FrameError::TooLarge`] when the reply would exceed [`MAX_PAYLOAD`]; the caller
/// then answers Err SERVICE_UNAVAILABLE.
pub fn encode_req_call_stop(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    id: u32,
    stop: &Stop<'_>,
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[entries_len(stop.headers), stop.body.len()])?;
    fbb.reset();
    let headers = (!stop.headers.is_empty()).then(|| text_entries(fbb, stop.headers));
    let body = (!stop.body.is_empty()).then(|| byte_vector(fbb, stop.body));
    let action = fb::httpreq_call::Stop::create(
        fbb,
        &fb::httpreq_call::StopArgs {
            status: stop.status,
            headers,
            body,
        },
    );
    let resp = fb::httpreq_call::Resp::create(
        fbb,
        &fb::httpreq_call::RespArgs {
            id,
            action_type: fb::httpreq_call::Action::Stop,
            action: Some(action.as_union_value()),
        },
    );
    finish(fbb, resp, RpcType::HttpReqCall, out)
}

/// Writes an `A6.HTTPReqCall.Resp` with a Rewrite action. Empty lists and an empty
/// body are omitted from the message.
///
/// # Errors
/// [`FrameError::QueryInRewritePath`] / [`FrameError::EmptyRewritePath`] for a path
/// APISIX would mangle, [`FrameError::TooLarge`] over [`MAX_PAYLOAD`].
pub fn encode_req_call_rewrite(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    id: u32,
    rewrite: &Rewrite<'_>,
) -> Result<(), FrameError> {
    out.clear();
    if let Some(path) = rewrite.path {
        if path.is_empty() {
            return Err(FrameError::EmptyRewritePath);
        }
        if let Some(at) = path.iter().position(|&b| b == b'?') {
            return Err(FrameError::QueryInRewritePath { at });
        }
    }
    let body = rewrite.body.filter(|b| !b.is_empty());
    check_lower_bound(&[
        rewrite.path.map_or(0, <[u8]>::len),
        entries_len(rewrite.headers),
        entries_len(rewrite.args),
        entries_len(rewrite.resp_headers),
        body.map_or(0, <[u8]>::len),
    ])?;
    fbb.reset();
    let path = rewrite.path.map(|p| byte_string(fbb, p));
    let headers = (!rewrite.headers.is_empty()).then(|| text_entries(fbb, rewrite.headers));
    let args = (!rewrite.args.is_empty()).then(|| text_entries(fbb, rewrite.args));
    let resp_headers =
        (!rewrite.resp_headers.is_empty()).then(|| text_entries(fbb, rewrite.resp_headers));
    let body = body.map(|b| byte_vector(fbb, b));
    let action = fb::httpreq_call::Rewrite::create(
        fbb,
        &fb::httpreq_call::RewriteArgs {
            path,
            headers,
            args,
            resp_headers,
            body,
        },
    );
    let resp = fb::httpreq_call::Resp::create(
        fbb,
        &fb::httpreq_call::RespArgs {
            id,
            action_type: fb::httpreq_call::Action::Rewrite,
            action: Some(action.as_union_value()),
        },
    );
    finish(fbb, resp, RpcType::HttpReqCall, out)
}

/// Writes an `A6.ExtraInfo.Req` asking APISIX for the variable `name`
/// (e.g. `route_id`, `remote_addr`).
///
/// # Errors
/// [`FrameError::TooLarge`] for an absurdly long name.
pub fn encode_extra_info_var(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    name: &[u8],
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[name.len()])?;
    fbb.reset();
    let name = byte_string(fbb, name);
    let var = fb::extra_info::Var::create(fbb, &fb::extra_info::VarArgs { name: Some(name) });
    extra_info_req(fbb, out, fb::extra_info::Info::Var, var.as_union_value())
}

/// Writes an `A6.ExtraInfo.Req` asking APISIX for the whole request body.
///
/// # Errors
/// None in practice; see [`encode_err`].
pub fn encode_extra_info_req_body(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    fbb.reset();
    let info = fb::extra_info::ReqBody::create(fbb, &fb::extra_info::ReqBodyArgs {});
    extra_info_req(
        fbb,
        out,
        fb::extra_info::Info::ReqBody,
        info.as_union_value(),
    )
}

/// Writes an `A6.ExtraInfo.Req` asking APISIX for the whole upstream response body
/// (only meaningful inside HTTPRespCall; ask at most once per call).
///
/// # Errors
/// None in practice; see [`encode_err`].
pub fn encode_extra_info_resp_body(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    fbb.reset();
    let info = fb::extra_info::RespBody::create(fbb, &fb::extra_info::RespBodyArgs {});
    extra_info_req(
        fbb,
        out,
        fb::extra_info::Info::RespBody,
        info.as_union_value(),
    )
}

/// Writes an `A6.HTTPRespCall.Resp`. `status` 0 keeps the upstream status; non-empty
/// `headers` become the complete client header set; a non-empty `body` replaces the
/// upstream body. Empty lists and bodies are omitted.
///
/// # Errors
/// [`FrameError::TooLarge`] over [`MAX_PAYLOAD`].
pub fn encode_resp_call_resp(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    id: u32,
    status: u16,
    headers: &[Entry<'_>],
    body: &[u8],
) -> Result<(), FrameError> {
    out.clear();
    check_lower_bound(&[entries_len(headers), body.len()])?;
    fbb.reset();
    let headers = (!headers.is_empty()).then(|| text_entries(fbb, headers));
    let body = (!body.is_empty()).then(|| byte_vector(fbb, body));
    let resp = fb::httpresp_call::Resp::create(
        fbb,
        &fb::httpresp_call::RespArgs {
            id,
            status,
            headers,
            body,
        },
    );
    finish(fbb, resp, RpcType::HttpRespCall, out)
}

fn extra_info_req(
    fbb: &mut FlatBufferBuilder<'_>,
    out: &mut Vec<u8>,
    info_type: fb::extra_info::Info,
    info: WIPOffset<flatbuffers::UnionWIPOffset>,
) -> Result<(), FrameError> {
    let req = fb::extra_info::Req::create(
        fbb,
        &fb::extra_info::ReqArgs {
            info_type,
            info: Some(info),
        },
    );
    finish(fbb, req, RpcType::ExtraInfo, out)
}

/// Finishes the buffer (no file identifier, no size prefix) and frames it.
pub(crate) fn finish<T>(
    fbb: &mut FlatBufferBuilder<'_>,
    root: WIPOffset<T>,
    ty: RpcType,
    out: &mut Vec<u8>,
) -> Result<(), FrameError> {
    fbb.finish_minimal(root);
    encode_frame(ty, fbb.finished_data(), out)
}

/// Refuses, before building anything, a message whose variable-length content (the
/// sum of `parts`, saturating) alone
/// exceeds [`MAX_PAYLOAD`]. Also keeps the builder far from its 2 GiB limit, where
/// flatbuffers would panic.
pub(crate) fn check_lower_bound(parts: &[usize]) -> Result<(), FrameError> {
    let len = parts.iter().fold(0usize, |acc, &n| acc.saturating_add(n));
    if len > MAX_PAYLOAD {
        return Err(FrameError::TooLarge {
            len,
            max: MAX_PAYLOAD,
        });
    }
    Ok(())
}

/// Bytes of names and values in `entries`: a lower bound of their encoded size.
pub(crate) fn entries_len(entries: &[Entry<'_>]) -> usize {
    entries.iter().fold(0usize, |acc, (name, value)| {
        acc.saturating_add(name.len())
            .saturating_add(value.map_or(0, <[u8]>::len))
    })
}

/// Writes `bytes` as a flatbuffers `string` (length, bytes, NUL), whether or not
/// they are UTF-8: readers (APISIX's Lua, our decode bindings) take strings by length.
pub(crate) fn byte_string<'f>(fbb: &mut FlatBufferBuilder<'f>, bytes: &[u8]) -> WIPOffset<&'f str> {
    WIPOffset::new(fbb.create_byte_string(bytes).value())
}

/// Writes a `[ubyte]` vector with one memcpy. `create_vector` copies byte by byte;
/// `create_byte_string` lays out the same length-prefixed bytes plus a trailing NUL
/// that lies outside the counted length (padding to every reader).
pub(crate) fn byte_vector<'f>(
    fbb: &mut FlatBufferBuilder<'f>,
    bytes: &[u8],
) -> WIPOffset<Vector<'f, u8>> {
    WIPOffset::new(fbb.create_byte_string(bytes).value())
}

/// Writes a `[TextEntry]` vector. Entry offsets are staged on the stack for up to
/// `INLINE` entries, so typical header lists do not allocate.
pub(crate) fn text_entries<'f>(
    fbb: &mut FlatBufferBuilder<'f>,
    entries: &[Entry<'_>],
) -> WIPOffset<Vector<'f, ForwardsUOffset<fb::TextEntry<'f>>>> {
    const INLINE: usize = 32;
    let mut inline = [0u32; INLINE];
    let mut heap = Vec::new();
    let offsets: &mut [u32] = if entries.len() <= INLINE {
        &mut inline[..entries.len()]
    } else {
        heap.resize(entries.len(), 0);
        &mut heap
    };
    for (slot, &(name, value)) in offsets.iter_mut().zip(entries) {
        let name = byte_string(fbb, name);
        let value = value.map(|v| byte_string(fbb, v));
        let entry = fb::TextEntry::create(
            fbb,
            &fb::TextEntryArgs {
                name: Some(name),
                value,
            },
        );
        *slot = entry.value();
    }
    fbb.create_vector_from_iter(
        offsets
            .iter()
            .map(|&o| WIPOffset::<fb::TextEntry<'f>>::new(o)),
    )
}
