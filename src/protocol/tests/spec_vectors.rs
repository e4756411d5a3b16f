//! Spec section 3.9 vectors: decoding them, and encoders reproducing them.

use super::*;

#[test]
fn spec_vector_err_frames_decode() {
    let frame = hex(ERR_TOKEN_NOT_FOUND);
    assert_eq!(
        peer::decode_err(payload_of(&frame, RpcType::Error)),
        Ok(ErrCode::ConfTokenNotFound)
    );
    let frame = hex(ERR_BAD_REQUEST);
    assert_eq!(
        peer::decode_err(payload_of(&frame, RpcType::Error)),
        Ok(ErrCode::BadRequest)
    );
}

#[test]
fn spec_vector_prepare_conf_resp_and_continue_decode() {
    let frame = hex(PREPARE_CONF_RESP_1);
    assert_eq!(
        peer::decode_prepare_conf_resp(payload_of(&frame, RpcType::PrepareConf)),
        Ok(1)
    );
    let frame = hex(CONTINUE_7);
    let resp = peer::decode_http_req_call_resp(payload_of(&frame, RpcType::HttpReqCall)).unwrap();
    assert_eq!(
        resp,
        peer::ReqCallResp {
            id: 7,
            action: Action::Continue
        }
    );
}

#[test]
fn spec_vector_stop_decodes() {
    let frame = hex(STOP_403_NO);
    let resp = peer::decode_http_req_call_resp(payload_of(&frame, RpcType::HttpReqCall)).unwrap();
    assert_eq!(
        resp,
        peer::ReqCallResp {
            id: 7,
            action: Action::Stop {
                status: 403,
                headers: vec![],
                body: b"no".to_vec()
            }
        }
    );
}

#[test]
fn spec_vector_extra_info_reqs_decode() {
    let frame = hex(EXTRA_REQ_BODY);
    assert_eq!(
        peer::decode_extra_info_req(payload_of(&frame, RpcType::ExtraInfo)),
        Ok(InfoReq::ReqBody)
    );
    let frame = hex(EXTRA_VAR_ROUTE_ID);
    assert_eq!(
        peer::decode_extra_info_req(payload_of(&frame, RpcType::ExtraInfo)),
        Ok(InfoReq::Var(b"route_id".to_vec()))
    );
}

#[test]
fn spec_vector_prepare_conf_req_decodes() {
    let frame = hex(PREPARE_CONF_REQ);
    let req = decode_prepare_conf(payload_of(&frame, RpcType::PrepareConf)).unwrap();
    assert_eq!(req.key, Some(&b"route#1#ext-plugin-pre-req#1"[..]));
    assert_eq!(
        req.conf,
        vec![ConfEntry {
            name: b"prompt-guard",
            value: Some(br#"{"mode":"block"}"#)
        }]
    );
}

#[test]
fn spec_vector_http_req_call_decodes() {
    let frame = hex(REQ_CALL_5);
    let call = decode_http_req_call(payload_of(&frame, RpcType::HttpReqCall)).unwrap();
    assert_eq!(call.id, 5);
    assert_eq!(call.conf_token, 233);
    assert_eq!(call.src_ip, &[127, 0, 0, 1]);
    assert_eq!(call.method, 2);
    assert_eq!(method_name(call.method), Some("POST"));
    assert_eq!(call.path, Some(&b"/v1/chat"[..]));
    assert_eq!(
        call.args,
        vec![TextEntry {
            name: b"debug",
            value: None
        }]
    );
    assert_eq!(
        call.headers,
        vec![TextEntry {
            name: b"content-type",
            value: Some(b"application/json")
        }]
    );
    assert_eq!(call.header(b"Content-Type"), Some(&b"application/json"[..]));
}

// === spec vectors: encoding (exact bytes where our builder lays them out the same) ===

#[test]
fn encoders_reproduce_spec_bytes() {
    let (mut fbb, mut out) = bufs();
    encode_err(&mut fbb, &mut out, ErrCode::ConfTokenNotFound).unwrap();
    assert_eq!(out, hex(ERR_TOKEN_NOT_FOUND));
    encode_err(&mut fbb, &mut out, ErrCode::BadRequest).unwrap();
    assert_eq!(out, hex(ERR_BAD_REQUEST));
    encode_prepare_conf_resp(&mut fbb, &mut out, 1).unwrap();
    assert_eq!(out, hex(PREPARE_CONF_RESP_1));
    encode_req_call_continue(&mut fbb, &mut out, 7).unwrap();
    assert_eq!(out, hex(CONTINUE_7));
}

#[test]
fn encoders_match_spec_values_where_layout_differs() {
    // Builders may order bytes differently; compare decoded values.
    let (mut fbb, mut out) = bufs();
    encode_req_call_stop(
        &mut fbb,
        &mut out,
        7,
        &Stop {
            status: 403,
            headers: &[],
            body: b"no",
        },
    )
    .unwrap();
    let ours = peer::decode_http_req_call_resp(payload_of(&out, RpcType::HttpReqCall)).unwrap();
    let spec = peer::decode_http_req_call_resp(payload_of(&hex(STOP_403_NO), RpcType::HttpReqCall))
        .unwrap();
    assert_eq!(ours, spec);

    encode_extra_info_req_body(&mut fbb, &mut out).unwrap();
    assert_eq!(
        peer::decode_reply(out[0], payload_of(&out, RpcType::ExtraInfo)),
        peer::decode_reply(3, payload_of(&hex(EXTRA_REQ_BODY), RpcType::ExtraInfo))
    );
    encode_extra_info_var(&mut fbb, &mut out, b"route_id").unwrap();
    assert_eq!(
        peer::decode_reply(out[0], payload_of(&out, RpcType::ExtraInfo)),
        peer::decode_reply(3, payload_of(&hex(EXTRA_VAR_ROUTE_ID), RpcType::ExtraInfo))
    );

    peer::encode_prepare_conf_req(
        &mut fbb,
        &mut out,
        Some(&[(b"prompt-guard", Some(br#"{"mode":"block"}"#))]),
        Some(b"route#1#ext-plugin-pre-req#1"),
    )
    .unwrap();
    assert_eq!(
        decode_prepare_conf(payload_of(&out, RpcType::PrepareConf)).unwrap(),
        decode_prepare_conf(payload_of(&hex(PREPARE_CONF_REQ), RpcType::PrepareConf)).unwrap()
    );

    peer::encode_http_req_call_req(
        &mut fbb,
        &mut out,
        &peer::ReqCall {
            id: 5,
            src_ip: &[127, 0, 0, 1],
            method: 2,
            path: Some(b"/v1/chat"),
            args: &[(b"debug", None)],
            headers: &[(b"content-type", Some(b"application/json"))],
            conf_token: 233,
        },
    )
    .unwrap();
    let spec_frame = hex(REQ_CALL_5);
    assert_eq!(
        decode_http_req_call(payload_of(&out, RpcType::HttpReqCall)).unwrap(),
        decode_http_req_call(payload_of(&spec_frame, RpcType::HttpReqCall)).unwrap()
    );
}
