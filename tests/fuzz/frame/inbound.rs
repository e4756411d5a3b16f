//! What APISIX sends (PrepareConf, HTTPReqCall, ExtraInfo answers,
//! HTTPRespCall) as parts: generated, encoded with the APISIX-side
//! encoders, and compared with what the runner's decoder reads.

use proptest::prelude::*;

use promptgate::protocol::peer::{
    ReqCall, encode_extra_info_resp, encode_http_req_call_req, encode_http_resp_call_req,
    encode_prepare_conf_req,
};
use promptgate::protocol::{FlatBufferBuilder, Inbound};

use super::entries::{Pairs, borrow, bytes, entries, owned_pairs, same_entries};

/// The parts of a decoded message, to encode again. A PrepareConf whose conf
/// vector was present but empty reads like an absent one (the decoder does
/// not tell them apart); the parts say absent.
pub(super) fn apisix_msg_of(decoded: &Inbound<'_>) -> ApisixMsg {
    match decoded {
        Inbound::PrepareConf(d) => ApisixMsg::PrepareConf {
            conf: (!d.conf.is_empty()).then(|| owned_pairs(&d.conf)),
            key: d.key.map(<[u8]>::to_vec),
        },
        Inbound::HttpReqCall(d) => ApisixMsg::ReqCall {
            id: d.id,
            src_ip: d.src_ip.to_vec(),
            method: d.method,
            path: d.path.map(<[u8]>::to_vec),
            args: owned_pairs(&d.args),
            headers: owned_pairs(&d.headers),
            conf_token: d.conf_token,
        },
        Inbound::ExtraInfo(d) => ApisixMsg::ExtraInfo(d.result.map(<[u8]>::to_vec)),
        Inbound::HttpRespCall(d) => ApisixMsg::RespCall {
            id: d.id,
            status: d.status,
            headers: owned_pairs(&d.headers),
            conf_token: d.conf_token,
        },
    }
}

/// One message APISIX sends, as parts.
#[derive(Clone, Debug)]
pub(super) enum ApisixMsg {
    PrepareConf {
        conf: Option<Pairs>,
        key: Option<Vec<u8>>,
    },
    ReqCall {
        id: u32,
        src_ip: Vec<u8>,
        method: u8,
        path: Option<Vec<u8>>,
        args: Pairs,
        headers: Pairs,
        conf_token: u32,
    },
    ExtraInfo(Option<Vec<u8>>),
    RespCall {
        id: u32,
        status: u16,
        headers: Pairs,
        conf_token: u32,
    },
}

pub(super) fn apisix_msg() -> impl Strategy<Value = ApisixMsg> {
    prop_oneof![
        (
            proptest::option::of(entries()),
            proptest::option::of(bytes(64))
        )
            .prop_map(|(conf, key)| ApisixMsg::PrepareConf { conf, key }),
        (
            any::<u32>(),
            prop_oneof![Just(vec![]), Just(vec![127, 0, 0, 1]), bytes(17)],
            any::<u8>(),
            proptest::option::of(bytes(64)),
            entries(),
            entries(),
            any::<u32>(),
        )
            .prop_map(|(id, src_ip, method, path, args, headers, conf_token)| {
                ApisixMsg::ReqCall {
                    id,
                    src_ip,
                    method,
                    path,
                    args,
                    headers,
                    conf_token,
                }
            }),
        proptest::option::of(bytes(4096)).prop_map(ApisixMsg::ExtraInfo),
        (any::<u32>(), any::<u16>(), entries(), any::<u32>()).prop_map(
            |(id, status, headers, conf_token)| ApisixMsg::RespCall {
                id,
                status,
                headers,
                conf_token
            }
        ),
    ]
}

/// Encodes with the APISIX-side encoders.
pub(super) fn encode_apisix_msg(fbb: &mut FlatBufferBuilder<'static>, msg: &ApisixMsg) -> Vec<u8> {
    let mut out = Vec::new();
    match msg {
        ApisixMsg::PrepareConf { conf, key } => {
            let conf = conf.as_deref().map(borrow);
            encode_prepare_conf_req(fbb, &mut out, conf.as_deref(), key.as_deref())
        }
        ApisixMsg::ReqCall {
            id,
            src_ip,
            method,
            path,
            args,
            headers,
            conf_token,
        } => {
            let (args, headers) = (borrow(args), borrow(headers));
            let call = ReqCall {
                id: *id,
                src_ip,
                method: *method,
                path: path.as_deref(),
                args: &args,
                headers: &headers,
                conf_token: *conf_token,
            };
            encode_http_req_call_req(fbb, &mut out, &call)
        }
        ApisixMsg::ExtraInfo(result) => encode_extra_info_resp(fbb, &mut out, result.as_deref()),
        ApisixMsg::RespCall {
            id,
            status,
            headers,
            conf_token,
        } => encode_http_resp_call_req(fbb, &mut out, *id, *status, &borrow(headers), *conf_token),
    }
    .expect("small messages encode");
    out
}

/// Whether the runner's decoder gave back exactly the parts.
pub(super) fn apisix_msg_matches(msg: &ApisixMsg, decoded: &Inbound<'_>) -> bool {
    match (msg, decoded) {
        (ApisixMsg::PrepareConf { conf, key }, Inbound::PrepareConf(d)) => {
            same_entries(&d.conf, conf.as_deref().unwrap_or_default()) && d.key == key.as_deref()
        }
        (
            ApisixMsg::ReqCall {
                id,
                src_ip,
                method,
                path,
                args,
                headers,
                conf_token,
            },
            Inbound::HttpReqCall(d),
        ) => {
            d.id == *id
                && d.src_ip == &src_ip[..]
                && d.method == *method
                && d.path == path.as_deref()
                && same_entries(&d.args, args)
                && same_entries(&d.headers, headers)
                && d.conf_token == *conf_token
        }
        (ApisixMsg::ExtraInfo(result), Inbound::ExtraInfo(d)) => d.result == result.as_deref(),
        (
            ApisixMsg::RespCall {
                id,
                status,
                headers,
                conf_token,
            },
            Inbound::HttpRespCall(d),
        ) => {
            d.id == *id
                && d.status == *status
                && same_entries(&d.headers, headers)
                && d.conf_token == *conf_token
        }
        _ => false,
    }
}
