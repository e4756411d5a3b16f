//! Inbound decoding of APISIX messages: absent vs empty values, non-UTF-8, truncated and
//! garbage payloads.

use super::*;

#[test]
fn check_input_request_decodes() {
    // Checklist 17: PUT /hello?xx=y&xx=z&&y=&&z, X-Req ×2, X-Resp.
    let (mut fbb, mut out) = bufs();
    let args: &[Entry<'_>] = &[
        (b"xx", Some(b"y")),
        (b"xx", Some(b"z")),
        (b"y", Some(b"")),
        (b"z", None),
    ];
    let headers: &[Entry<'_>] = &[
        (b"connection", Some(b"close")),
        (b"host", Some(b"localhost")),
        (b"x-req", Some(b"foo")),
        (b"x-req", Some(b"bar")),
        (b"x-resp", Some(b"cat")),
    ];
    let call = peer::ReqCall {
        id: 0,
        src_ip: &[127, 0, 0, 1],
        method: 3,
        path: Some(b"/hello"),
        args,
        headers,
        conf_token: 233,
    };
    peer::encode_http_req_call_req(&mut fbb, &mut out, &call).unwrap();
    let got = decode_http_req_call(payload_of(&out, RpcType::HttpReqCall)).unwrap();
    assert_eq!((got.id, got.conf_token, got.method), (0, 233, 3));
    assert_eq!(method_name(got.method), Some("PUT"));
    assert_eq!(got.src_ip, &[127, 0, 0, 1]);
    assert_eq!(got.path, Some(&b"/hello"[..]));
    assert_eq!(got.args.len(), 4);
    assert_eq!(
        got.args[2],
        TextEntry {
            name: b"y",
            value: Some(b"")
        },
        "present but empty"
    );
    assert_eq!(
        got.args[3],
        TextEntry {
            name: b"z",
            value: None
        },
        "absent value"
    );
    assert_eq!(got.headers.len(), 5);
    assert_eq!(
        got.header(b"X-REQ"),
        Some(&b"foo"[..]),
        "first of repeated, any case"
    );
    assert_eq!(got.header(b"x-missing"), None);
    assert_eq!(
        find_header(&got.headers, b"X-Resp").map(|e| e.value),
        Some(Some(&b"cat"[..]))
    );
}

#[test]
fn ipv6_source_address_is_16_bytes() {
    // Checklist 18.
    let (mut fbb, mut out) = bufs();
    let mut v6 = [0u8; 16];
    v6[15] = 1;
    let call = peer::ReqCall {
        src_ip: &v6,
        ..peer::ReqCall::default()
    };
    peer::encode_http_req_call_req(&mut fbb, &mut out, &call).unwrap();
    assert_eq!(
        decode_http_req_call(&out[HEADER_LEN..]).unwrap().src_ip,
        &v6
    );
}

#[test]
fn non_utf8_strings_decode_as_bytes() {
    // Checklist 19 / spec 3.1: a path from %FF must not fail the call.
    let (mut fbb, mut out) = bufs();
    let call = peer::ReqCall {
        id: 1,
        src_ip: &[10, 0, 0, 1],
        method: 2,
        path: Some(b"/v1/\xff\xfe"),
        args: &[(b"q\xc3", Some(b"\x80\xff"))],
        headers: &[(b"x-bin", Some(b"\xff\x00\xfe")), (b"x-\xff", None)],
        conf_token: 7,
    };
    peer::encode_http_req_call_req(&mut fbb, &mut out, &call).unwrap();
    let payload = payload_of(&out, RpcType::HttpReqCall);
    // The strict bindings would refuse this message: that is why decoding uses the
    // `[ubyte]` copy of the schema.
    assert!(flatbuffers::root::<wire::a6::httpreq_call::Req>(payload).is_err());
    let got = decode_http_req_call(payload).unwrap();
    assert_eq!(got.path, Some(&b"/v1/\xff\xfe"[..]));
    assert_eq!(
        got.args,
        vec![TextEntry {
            name: b"q\xc3",
            value: Some(b"\x80\xff")
        }]
    );
    assert_eq!(got.header(b"X-BIN"), Some(&b"\xff\x00\xfe"[..]));
    assert_eq!(
        got.headers[1],
        TextEntry {
            name: b"x-\xff",
            value: None
        }
    );

    peer::encode_prepare_conf_req(
        &mut fbb,
        &mut out,
        Some(&[(b"n\xff", Some(b"v\xff"))]),
        Some(b"k\xff"),
    )
    .unwrap();
    let conf = decode_prepare_conf(&out[HEADER_LEN..]).unwrap();
    assert_eq!(
        conf.conf,
        vec![ConfEntry {
            name: b"n\xff",
            value: Some(b"v\xff")
        }]
    );
    assert_eq!(conf.key, Some(&b"k\xff"[..]));

    peer::encode_http_resp_call_req(&mut fbb, &mut out, 2, 200, &[(b"X-\xff", Some(b"\xfe"))], 9)
        .unwrap();
    let resp = decode_http_resp_call(&out[HEADER_LEN..]).unwrap();
    assert_eq!(
        resp.headers,
        vec![TextEntry {
            name: b"X-\xff",
            value: Some(b"\xfe")
        }]
    );

    // And our replies may echo such bytes back (APISIX reads strings by length).
    encode_req_call_stop(
        &mut fbb,
        &mut out,
        1,
        &Stop {
            status: 403,
            headers: &[(b"x-echo", Some(b"\xff"))],
            body: b"",
        },
    )
    .unwrap();
    let stop = peer::decode_http_req_call_resp(&out[HEADER_LEN..]).unwrap();
    assert_eq!(
        stop.action,
        Action::Stop {
            status: 403,
            headers: vec![OwnedEntry::new("x-echo", b"\xff".to_vec())],
            body: vec![]
        }
    );
}

#[test]
fn prepare_conf_absent_and_present_conf() {
    // Checklists 11-13.
    let (mut fbb, mut out) = bufs();
    peer::encode_prepare_conf_req(
        &mut fbb,
        &mut out,
        None,
        Some(b"route#1#ext-plugin-pre-req#1"),
    )
    .unwrap();
    let req = decode_prepare_conf(&out[HEADER_LEN..]).unwrap();
    assert!(req.conf.is_empty(), "absent conf reads as empty");
    assert_eq!(req.key, Some(&b"route#1#ext-plugin-pre-req#1"[..]));

    let conf: &[Entry<'_>] = &[(b"foo", Some(b"bar")), (b"cat", Some(b"dog"))];
    peer::encode_prepare_conf_req(&mut fbb, &mut out, Some(conf), None).unwrap();
    let req = decode_prepare_conf(&out[HEADER_LEN..]).unwrap();
    assert_eq!(
        req.conf,
        vec![
            ConfEntry {
                name: b"foo",
                value: Some(b"bar")
            },
            ConfEntry {
                name: b"cat",
                value: Some(b"dog")
            }
        ],
        "order kept"
    );
    assert_eq!(req.key, None);
}

#[test]
fn extra_info_result_absent_empty_and_16_mib() {
    // Checklists 21, 22, 25.
    let (mut fbb, mut out) = bufs();
    peer::encode_extra_info_resp(&mut fbb, &mut out, None).unwrap();
    assert_eq!(
        decode_extra_info_resp(&out[HEADER_LEN..]).unwrap().result,
        None
    );
    peer::encode_extra_info_resp(&mut fbb, &mut out, Some(b"")).unwrap();
    assert_eq!(
        decode_extra_info_resp(&out[HEADER_LEN..]).unwrap().result,
        Some(&b""[..])
    );
    let body: Vec<u8> = (0..16_777_100u32).map(|i| (i % 251) as u8).collect();
    peer::encode_extra_info_resp(&mut fbb, &mut out, Some(&body)).unwrap();
    let payload = payload_of(&out, RpcType::ExtraInfo);
    assert!(payload.len() <= MAX_PAYLOAD);
    assert_eq!(
        decode_extra_info_resp(payload).unwrap().result,
        Some(&body[..])
    );
    // One byte more than fits: APISIX itself refuses to send it.
    let too_big = vec![0u8; MAX_PAYLOAD];
    assert!(matches!(
        peer::encode_extra_info_resp(&mut fbb, &mut out, Some(&too_big)),
        Err(FrameError::TooLarge { .. })
    ));
}

#[test]
fn http_resp_call_req_decodes() {
    // Checklist 36.
    let (mut fbb, mut out) = bufs();
    let headers: &[Entry<'_>] = &[
        (b"Content-Type", Some(b"text/plain")),
        (b"Set-Cookie", Some(b"a")),
        (b"Set-Cookie", Some(b"b")),
    ];
    peer::encode_http_resp_call_req(&mut fbb, &mut out, 11, 200, headers, 99).unwrap();
    let got = decode_http_resp_call(payload_of(&out, RpcType::HttpRespCall)).unwrap();
    assert_eq!((got.id, got.status, got.conf_token), (11, 200, 99));
    assert_eq!(got.header(b"content-type"), Some(&b"text/plain"[..]));
    assert_eq!(got.headers[0].name, b"Content-Type", "original case kept");
    assert_eq!(got.headers.len(), 3);
}

#[test]
fn truncated_and_garbage_payloads_are_errors() {
    let (mut fbb, mut out) = bufs();
    let call = peer::ReqCall {
        id: 1,
        src_ip: &[127, 0, 0, 1],
        method: 2,
        path: Some(b"/p"),
        args: &[(b"a", Some(b"b"))],
        headers: &[(b"h", Some(b"v"))],
        conf_token: 5,
    };
    peer::encode_http_req_call_req(&mut fbb, &mut out, &call).unwrap();
    let payload = out[HEADER_LEN..].to_vec();
    // The first object built sits at the end: src_ip's 4 bytes, then a NUL and
    // alignment padding no reader needs. Every cut into real content must fail.
    let padding = 4;
    assert_eq!(
        decode_http_req_call(&payload[..payload.len() - padding]).map(|c| c.id),
        Ok(1)
    );
    for cut in 0..payload.len() - padding {
        assert!(
            decode_http_req_call(&payload[..cut]).is_err(),
            "truncated to {cut} bytes"
        );
    }
    let garbage: &[&[u8]] = &[
        b"\xff\xff\xff\xff",
        b"\x00",
        b"\x04\x00\x00\x00",
        &[0xff; 64],
    ];
    for g in garbage {
        assert!(decode_http_req_call(g).is_err());
        assert!(decode_prepare_conf(g).is_err());
        assert!(decode_http_resp_call(g).is_err());
        assert!(decode_extra_info_resp(g).is_err());
    }
    for decode in [
        decode_prepare_conf_is_err,
        decode_extra_info_is_err,
        decode_resp_call_is_err,
    ] {
        assert!(decode(&[]));
    }
    let err = decode_http_req_call(&[0xff; 8]).unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::Malformed {
                message: "HTTPReqCall.Req",
                ..
            }
        ),
        "{err}"
    );
}

fn decode_prepare_conf_is_err(p: &[u8]) -> bool {
    matches!(
        decode_prepare_conf(p),
        Err(DecodeError::EmptyPayload { .. })
    )
}
fn decode_extra_info_is_err(p: &[u8]) -> bool {
    matches!(
        decode_extra_info_resp(p),
        Err(DecodeError::EmptyPayload { .. })
    )
}
fn decode_resp_call_is_err(p: &[u8]) -> bool {
    matches!(
        decode_http_resp_call(p),
        Err(DecodeError::EmptyPayload { .. })
    )
}

#[test]
fn peer_rejects_replies_apisix_could_not_use() {
    // An action_type without its action (checklist 35), built by hand.
    let mut fbb = FlatBufferBuilder::new();
    let resp = wire::a6::httpreq_call::Resp::create(
        &mut fbb,
        &wire::a6::httpreq_call::RespArgs {
            id: 1,
            action_type: wire::a6::httpreq_call::Action::Stop,
            action: None,
        },
    );
    fbb.finish_minimal(resp);
    // The verifier itself calls this an inconsistent union.
    assert!(matches!(
        peer::decode_http_req_call_resp(fbb.finished_data()),
        Err(DecodeError::Malformed {
            message: "HTTPReqCall.Resp",
            ..
        })
    ));
    // An unknown action tag (with a value, else the verifier already refuses it).
    let mut fbb = FlatBufferBuilder::new();
    let stop = wire::a6::httpreq_call::Stop::create(&mut fbb, &Default::default());
    let resp = wire::a6::httpreq_call::Resp::create(
        &mut fbb,
        &wire::a6::httpreq_call::RespArgs {
            id: 1,
            action_type: wire::a6::httpreq_call::Action(7),
            action: Some(stop.as_union_value()),
        },
    );
    fbb.finish_minimal(resp);
    assert!(matches!(
        peer::decode_http_req_call_resp(fbb.finished_data()),
        Err(DecodeError::UnknownValue {
            field: "action_type",
            value: 7,
            ..
        })
    ));
    // An explicit NONE tag with a value behind it: the verifier skips the value.
    let mut fbb = FlatBufferBuilder::new();
    fbb.force_defaults(true);
    let stop = wire::a6::httpreq_call::Stop::create(&mut fbb, &Default::default());
    let resp = wire::a6::httpreq_call::Resp::create(
        &mut fbb,
        &wire::a6::httpreq_call::RespArgs {
            id: 1,
            action_type: wire::a6::httpreq_call::Action::NONE,
            action: Some(stop.as_union_value()),
        },
    );
    fbb.finish_minimal(resp);
    assert_eq!(
        peer::decode_http_req_call_resp(fbb.finished_data()),
        Err(DecodeError::MissingField {
            message: "HTTPReqCall.Resp",
            field: "action_type"
        })
    );
    // An unknown info type and an unknown frame type.
    let mut fbb = FlatBufferBuilder::new();
    let body = wire_bytes::a6::extra_info::ReqBody::create(&mut fbb, &Default::default());
    let req = wire_bytes::a6::extra_info::Req::create(
        &mut fbb,
        &wire_bytes::a6::extra_info::ReqArgs {
            info_type: wire_bytes::a6::extra_info::Info(9),
            info: Some(body.as_union_value()),
        },
    );
    fbb.finish_minimal(req);
    assert!(matches!(
        peer::decode_extra_info_req(fbb.finished_data()),
        Err(DecodeError::UnknownValue {
            field: "info_type",
            value: 9,
            ..
        })
    ));
    assert!(matches!(
        peer::decode_reply(9, &hex(CONTINUE_7)[HEADER_LEN..]),
        Err(DecodeError::UnknownValue {
            field: "type",
            value: 9,
            ..
        })
    ));
    // An Err code outside the enum.
    let mut fbb = FlatBufferBuilder::new();
    let resp = wire::a6::err::Resp::create(
        &mut fbb,
        &wire::a6::err::RespArgs {
            code: wire::a6::err::Code(5),
        },
    );
    fbb.finish_minimal(resp);
    assert!(matches!(
        peer::decode_err(fbb.finished_data()),
        Err(DecodeError::UnknownValue { value: 5, .. })
    ));
}

#[test]
fn decode_inbound_dispatches_on_type() {
    let frame = hex(REQ_CALL_5);
    let f = parse_frame(&frame).unwrap();
    assert!(matches!(decode_inbound(f.ty, f.payload), Ok(Inbound::HttpReqCall(c)) if c.id == 5));
    let frame = hex(PREPARE_CONF_REQ);
    let f = parse_frame(&frame).unwrap();
    assert!(matches!(
        decode_inbound(f.ty, f.payload),
        Ok(Inbound::PrepareConf(_))
    ));
    for ty in [0u8, 5, 9] {
        assert_eq!(
            decode_inbound(ty, f.payload),
            Err(DecodeError::UnknownValue {
                message: "frame",
                field: "type",
                value: ty
            })
        );
    }
}

#[test]
fn method_names_cover_the_enum() {
    assert_eq!(method_name(0), Some("GET"));
    assert_eq!(method_name(13), Some("PATCH"));
    assert_eq!(method_name(14), Some("TRACE"));
    assert_eq!(method_name(15), None);
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<HttpReqCall<'static>>();
    check::<PrepareConfReq<'static>>();
    check::<DecodeError>();
    check::<FrameError>();
    check::<peer::Reply>();
}
