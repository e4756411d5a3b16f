//! What the runner sends (tokens, errors, Continue/Stop/Rewrite, ExtraInfo
//! questions, HTTPRespCall answers) as parts: generated, encoded with the
//! runner's encoders, and the reply APISIX's decoder must read back.

use proptest::prelude::*;

use promptgate::protocol::peer::{self, Action, InfoReq, Reply};
use promptgate::protocol::{
    ErrCode, FlatBufferBuilder, Rewrite, Stop, encode_err, encode_extra_info_req_body,
    encode_extra_info_resp_body, encode_extra_info_var, encode_prepare_conf_resp,
    encode_req_call_continue, encode_req_call_rewrite, encode_req_call_stop, encode_resp_call_resp,
};

use super::entries::{Pairs, borrow, bytes, entries, owned, pairs};

/// The parts of a decoded reply, to encode again; `None` when our encoders
/// refuse them by design (a Rewrite path that is empty or holds `?`, which
/// the runner never sends but a peer decoder reads).
pub(super) fn runner_msg_of(reply: &Reply) -> Option<RunnerMsg> {
    Some(match reply.clone() {
        Reply::Err(code) => RunnerMsg::Err(code as u8),
        Reply::PrepareConf(token) => RunnerMsg::Token(token),
        Reply::ReqCall(peer::ReqCallResp { id, action }) => match action {
            Action::Continue => RunnerMsg::Continue(id),
            Action::Stop {
                status,
                headers,
                body,
            } => RunnerMsg::Stop {
                id,
                status,
                headers: pairs(&headers),
                body,
            },
            Action::Rewrite {
                path,
                headers,
                args,
                resp_headers,
                body,
            } => {
                if path
                    .as_ref()
                    .is_some_and(|p| p.is_empty() || p.contains(&b'?'))
                {
                    return None;
                }
                RunnerMsg::Rewrite {
                    id,
                    path,
                    headers: pairs(&headers),
                    args: pairs(&args),
                    resp_headers: pairs(&resp_headers),
                    body,
                }
            }
        },
        Reply::ExtraInfo(InfoReq::Var(name)) => RunnerMsg::Var(name),
        Reply::ExtraInfo(InfoReq::ReqBody) => RunnerMsg::ReqBody,
        Reply::ExtraInfo(InfoReq::RespBody) => RunnerMsg::RespBody,
        Reply::RespCall(r) => RunnerMsg::RespCall {
            id: r.id,
            status: r.status,
            headers: pairs(&r.headers),
            body: r.body,
        },
    })
}

/// One reply the runner sends, as parts.
#[derive(Clone, Debug)]
pub(super) enum RunnerMsg {
    Err(u8),
    Token(u32),
    Continue(u32),
    Stop {
        id: u32,
        status: u16,
        headers: Pairs,
        body: Vec<u8>,
    },
    Rewrite {
        id: u32,
        path: Option<Vec<u8>>,
        headers: Pairs,
        args: Pairs,
        resp_headers: Pairs,
        body: Option<Vec<u8>>,
    },
    Var(Vec<u8>),
    ReqBody,
    RespBody,
    RespCall {
        id: u32,
        status: u16,
        headers: Pairs,
        body: Vec<u8>,
    },
}

pub(super) fn runner_msg() -> impl Strategy<Value = RunnerMsg> {
    prop_oneof![
        (0..3u8).prop_map(RunnerMsg::Err),
        any::<u32>().prop_map(RunnerMsg::Token),
        any::<u32>().prop_map(RunnerMsg::Continue),
        (any::<u32>(), any::<u16>(), entries(), bytes(256)).prop_map(
            |(id, status, headers, body)| RunnerMsg::Stop {
                id,
                status,
                headers,
                body
            }
        ),
        (
            any::<u32>(),
            proptest::option::of(bytes(64)),
            entries(),
            entries(),
            entries(),
            proptest::option::of(bytes(256)),
        )
            .prop_map(|(id, path, headers, args, resp_headers, body)| {
                RunnerMsg::Rewrite {
                    id,
                    path,
                    headers,
                    args,
                    resp_headers,
                    body,
                }
            }),
        bytes(64).prop_map(RunnerMsg::Var),
        Just(RunnerMsg::ReqBody),
        Just(RunnerMsg::RespBody),
        (any::<u32>(), any::<u16>(), entries(), bytes(256)).prop_map(
            |(id, status, headers, body)| RunnerMsg::RespCall {
                id,
                status,
                headers,
                body
            }
        ),
    ]
}

/// Encodes with the runner's encoders; `None` when the encoder refuses the
/// parts by design (a Rewrite path that is empty or holds `?`).
pub(super) fn encode_runner_msg(
    fbb: &mut FlatBufferBuilder<'static>,
    msg: &RunnerMsg,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let result = match msg {
        RunnerMsg::Err(code) => encode_err(fbb, &mut out, ErrCode::from_u8(*code).expect("0..3")),
        RunnerMsg::Token(token) => encode_prepare_conf_resp(fbb, &mut out, *token),
        RunnerMsg::Continue(id) => encode_req_call_continue(fbb, &mut out, *id),
        RunnerMsg::Stop {
            id,
            status,
            headers,
            body,
        } => {
            let headers = borrow(headers);
            let stop = Stop {
                status: *status,
                headers: &headers,
                body,
            };
            encode_req_call_stop(fbb, &mut out, *id, &stop)
        }
        RunnerMsg::Rewrite {
            id,
            path,
            headers,
            args,
            resp_headers,
            body,
        } => {
            let (headers, args, resp_headers) =
                (borrow(headers), borrow(args), borrow(resp_headers));
            let rewrite = Rewrite {
                path: path.as_deref(),
                headers: &headers,
                args: &args,
                resp_headers: &resp_headers,
                body: body.as_deref(),
            };
            let refused = path
                .as_ref()
                .is_some_and(|p| p.is_empty() || p.contains(&b'?'));
            let result = encode_req_call_rewrite(fbb, &mut out, *id, &rewrite);
            if refused {
                assert!(result.is_err(), "a path APISIX would mangle was encoded");
                return None;
            }
            result
        }
        RunnerMsg::Var(name) => encode_extra_info_var(fbb, &mut out, name),
        RunnerMsg::ReqBody => encode_extra_info_req_body(fbb, &mut out),
        RunnerMsg::RespBody => encode_extra_info_resp_body(fbb, &mut out),
        RunnerMsg::RespCall {
            id,
            status,
            headers,
            body,
        } => encode_resp_call_resp(fbb, &mut out, *id, *status, &borrow(headers), body),
    };
    result.expect("small replies encode");
    Some(out)
}

/// The reply APISIX should decode from the parts (absent and empty collapse
/// where the encoder documents it).
pub(super) fn expected_reply(msg: &RunnerMsg) -> Reply {
    match msg.clone() {
        RunnerMsg::Err(code) => Reply::Err(ErrCode::from_u8(code).expect("0..3")),
        RunnerMsg::Token(token) => Reply::PrepareConf(token),
        RunnerMsg::Continue(id) => Reply::ReqCall(peer::ReqCallResp {
            id,
            action: Action::Continue,
        }),
        RunnerMsg::Stop {
            id,
            status,
            headers,
            body,
        } => Reply::ReqCall(peer::ReqCallResp {
            id,
            action: Action::Stop {
                status,
                headers: owned(&headers),
                body,
            },
        }),
        RunnerMsg::Rewrite {
            id,
            path,
            headers,
            args,
            resp_headers,
            body,
        } => Reply::ReqCall(peer::ReqCallResp {
            id,
            action: Action::Rewrite {
                path,
                headers: owned(&headers),
                args: owned(&args),
                resp_headers: owned(&resp_headers),
                body: body.filter(|b| !b.is_empty()),
            },
        }),
        RunnerMsg::Var(name) => Reply::ExtraInfo(InfoReq::Var(name)),
        RunnerMsg::ReqBody => Reply::ExtraInfo(InfoReq::ReqBody),
        RunnerMsg::RespBody => Reply::ExtraInfo(InfoReq::RespBody),
        RunnerMsg::RespCall {
            id,
            status,
            headers,
            body,
        } => Reply::RespCall(peer::RespCallResp {
            id,
            status,
            headers: owned(&headers),
            body,
        }),
    }
}
