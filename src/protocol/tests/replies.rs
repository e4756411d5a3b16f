//! Runner replies round-trip through the APISIX-side decoders, and replies APISIX could not
//! use are refused.

use super::*;

#[test]
fn err_codes_round_trip() {
    let (mut fbb, mut out) = bufs();
    for code in [
        ErrCode::BadRequest,
        ErrCode::ServiceUnavailable,
        ErrCode::ConfTokenNotFound,
    ] {
        encode_err(&mut fbb, &mut out, code).unwrap();
        assert_eq!(ErrCode::from_u8(code as u8), Some(code));
        assert_eq!(
            peer::decode_reply(out[0], &out[HEADER_LEN..]),
            Ok(Reply::Err(code))
        );
    }
    assert_eq!(ErrCode::from_u8(3), None);
}

#[test]
fn prepare_conf_resp_round_trips() {
    let (mut fbb, mut out) = bufs();
    for token in [1u32, 0xdead_beef, u32::MAX] {
        encode_prepare_conf_resp(&mut fbb, &mut out, token).unwrap();
        assert_eq!(
            peer::decode_reply(out[0], &out[HEADER_LEN..]),
            Ok(Reply::PrepareConf(token))
        );
    }
}

#[test]
fn continue_has_no_action_type_and_echoes_id() {
    // Checklist 35: never an action_type without an action.
    let (mut fbb, mut out) = bufs();
    for id in [0u32, 7, u32::MAX] {
        encode_req_call_continue(&mut fbb, &mut out, id).unwrap();
        let payload = payload_of(&out, RpcType::HttpReqCall);
        let raw = flatbuffers::root::<wire::a6::httpreq_call::Resp>(payload).unwrap();
        assert_eq!(raw.action_type(), wire::a6::httpreq_call::Action::NONE);
        assert!(raw.action().is_none());
        assert_eq!(
            raw._tab
                .vtable()
                .get(wire::a6::httpreq_call::Resp::VT_ACTION_TYPE),
            0
        );
        assert_eq!(
            peer::decode_http_req_call_resp(payload),
            Ok(peer::ReqCallResp {
                id,
                action: Action::Continue
            })
        );
    }
}

#[test]
fn stop_round_trips_with_repeated_headers() {
    // Checklist 27.
    let (mut fbb, mut out) = bufs();
    let headers: &[Entry<'_>] = &[
        (b"X-Resp", Some(b"foo")),
        (b"X-Req", Some(b"bar")),
        (b"X-Same", Some(b"one")),
        (b"X-Same", Some(b"two")),
        (b"X-Gone", None),
    ];
    encode_req_call_stop(
        &mut fbb,
        &mut out,
        42,
        &Stop {
            status: 405,
            headers,
            body: b"cat",
        },
    )
    .unwrap();
    let resp = peer::decode_http_req_call_resp(payload_of(&out, RpcType::HttpReqCall)).unwrap();
    assert_eq!(resp.id, 42);
    assert_eq!(
        resp.action,
        Action::Stop {
            status: 405,
            headers: vec![
                OwnedEntry::new("X-Resp", "foo"),
                OwnedEntry::new("X-Req", "bar"),
                OwnedEntry::new("X-Same", "one"),
                OwnedEntry::new("X-Same", "two"),
                OwnedEntry::no_value("X-Gone"),
            ],
            body: b"cat".to_vec(),
        }
    );
    // Checklist 28: no status means APISIX uses 200; the field is simply absent.
    encode_req_call_stop(&mut fbb, &mut out, 1, &Stop::default()).unwrap();
    let resp = peer::decode_http_req_call_resp(payload_of(&out, RpcType::HttpReqCall)).unwrap();
    assert_eq!(
        resp.action,
        Action::Stop {
            status: 0,
            headers: vec![],
            body: vec![]
        }
    );
}

#[test]
fn rewrite_round_trips_every_field() {
    // Checklist 29-34.
    let (mut fbb, mut out) = bufs();
    let rewrite = Rewrite {
        path: Some(b"/uri"),
        headers: &[
            (b"X-Delete", None),
            (b"X-Change", Some(b"bar")),
            (b"host", Some(b"127.0.0.1")),
        ],
        args: &[
            (b"a", Some(b"foo")),
            (b"d", None),
            (b"c", Some(b"bar")),
            (b"a", Some(b"bar")),
        ],
        resp_headers: &[(b"X-Resp", Some(b"foo")), (b"X-Resp", Some(b"again"))],
        body: Some(b"abc\n"),
    };
    encode_req_call_rewrite(&mut fbb, &mut out, 9, &rewrite).unwrap();
    let resp = peer::decode_http_req_call_resp(payload_of(&out, RpcType::HttpReqCall)).unwrap();
    assert_eq!(resp.id, 9);
    assert_eq!(
        resp.action,
        Action::Rewrite {
            path: Some(b"/uri".to_vec()),
            headers: vec![
                OwnedEntry::no_value("X-Delete"),
                OwnedEntry::new("X-Change", "bar"),
                OwnedEntry::new("host", "127.0.0.1"),
            ],
            args: vec![
                OwnedEntry::new("a", "foo"),
                OwnedEntry::no_value("d"),
                OwnedEntry::new("c", "bar"),
                OwnedEntry::new("a", "bar"),
            ],
            resp_headers: vec![
                OwnedEntry::new("X-Resp", "foo"),
                OwnedEntry::new("X-Resp", "again")
            ],
            body: Some(b"abc\n".to_vec()),
        }
    );
    // Only args: path, headers and body stay absent.
    let args_only = Rewrite {
        args: &[(b"k", Some(b""))],
        ..Rewrite::default()
    };
    encode_req_call_rewrite(&mut fbb, &mut out, 1, &args_only).unwrap();
    let resp = peer::decode_http_req_call_resp(payload_of(&out, RpcType::HttpReqCall)).unwrap();
    assert_eq!(
        resp.action,
        Action::Rewrite {
            path: None,
            headers: vec![],
            args: vec![OwnedEntry::new("k", "")],
            resp_headers: vec![],
            body: None,
        }
    );
}

#[test]
fn rewrite_refuses_paths_apisix_would_mangle() {
    // Checklist 35: never a `?` in Rewrite.path; spec 4.5: never an empty path.
    let (mut fbb, mut out) = bufs();
    let with_query = Rewrite {
        path: Some(b"/a?b=c"),
        ..Rewrite::default()
    };
    assert_eq!(
        encode_req_call_rewrite(&mut fbb, &mut out, 1, &with_query),
        Err(FrameError::QueryInRewritePath { at: 2 })
    );
    assert!(out.is_empty());
    let empty = Rewrite {
        path: Some(b""),
        ..Rewrite::default()
    };
    assert_eq!(
        encode_req_call_rewrite(&mut fbb, &mut out, 1, &empty),
        Err(FrameError::EmptyRewritePath)
    );
}

#[test]
fn extra_info_questions_round_trip() {
    let (mut fbb, mut out) = bufs();
    for name in [
        &b"route_id"[..],
        b"consumer_name",
        b"remote_addr",
        b"arg_\xff",
    ] {
        encode_extra_info_var(&mut fbb, &mut out, name).unwrap();
        assert_eq!(
            peer::decode_reply(out[0], payload_of(&out, RpcType::ExtraInfo)),
            Ok(Reply::ExtraInfo(InfoReq::Var(name.to_vec())))
        );
    }
    encode_extra_info_req_body(&mut fbb, &mut out).unwrap();
    assert_eq!(
        peer::decode_reply(3, &out[HEADER_LEN..]),
        Ok(Reply::ExtraInfo(InfoReq::ReqBody))
    );
    encode_extra_info_resp_body(&mut fbb, &mut out).unwrap();
    assert_eq!(
        peer::decode_reply(3, &out[HEADER_LEN..]),
        Ok(Reply::ExtraInfo(InfoReq::RespBody))
    );
}

#[test]
fn resp_call_resp_round_trips() {
    let (mut fbb, mut out) = bufs();
    let headers: &[Entry<'_>] = &[
        (b"X-Runner", Some(b"Test-Runner")),
        (b"Content-Type", Some(b"application/json")),
    ];
    encode_resp_call_resp(&mut fbb, &mut out, 3, 304, headers, b"cat").unwrap();
    assert_eq!(
        peer::decode_reply(out[0], payload_of(&out, RpcType::HttpRespCall)),
        Ok(Reply::RespCall(peer::RespCallResp {
            id: 3,
            status: 304,
            headers: vec![
                OwnedEntry::new("X-Runner", "Test-Runner"),
                OwnedEntry::new("Content-Type", "application/json"),
            ],
            body: b"cat".to_vec(),
        }))
    );
    encode_resp_call_resp(&mut fbb, &mut out, 4, 0, &[], b"").unwrap();
    let raw = flatbuffers::root::<wire::a6::httpresp_call::Resp>(&out[HEADER_LEN..]).unwrap();
    assert!(
        raw.headers().is_none() && raw.body().is_none(),
        "empty means absent"
    );
}

#[test]
fn replies_verify_with_the_strict_bindings() {
    // Checklist 10: every reply is non-empty and decodes as its root table, also
    // under the UTF-8-checking bindings (strings we emit from UTF-8 stay valid).
    let (mut fbb, mut out) = bufs();
    let h: &[Entry<'_>] = &[(b"content-type", Some(b"application/json"))];
    encode_req_call_stop(
        &mut fbb,
        &mut out,
        1,
        &Stop {
            status: 403,
            headers: h,
            body: b"{}",
        },
    )
    .unwrap();
    assert!(out.len() > HEADER_LEN);
    let stop = flatbuffers::root::<wire::a6::httpreq_call::Resp>(&out[HEADER_LEN..]).unwrap();
    let headers = stop.action_as_stop().unwrap().headers().unwrap();
    assert_eq!(headers.get(0).name(), Some("content-type"));
    encode_req_call_rewrite(
        &mut fbb,
        &mut out,
        1,
        &Rewrite {
            path: Some(b"/x"),
            headers: h,
            resp_headers: h,
            args: h,
            body: Some(b"b"),
        },
    )
    .unwrap();
    let rw = flatbuffers::root::<wire::a6::httpreq_call::Resp>(&out[HEADER_LEN..]).unwrap();
    assert_eq!(rw.action_as_rewrite().unwrap().path(), Some("/x"));
    encode_extra_info_var(&mut fbb, &mut out, b"route_id").unwrap();
    let var = flatbuffers::root::<wire::a6::extra_info::Req>(&out[HEADER_LEN..]).unwrap();
    assert_eq!(var.info_as_var().unwrap().name(), Some("route_id"));
}

#[test]
fn builder_reuse_gives_the_same_bytes_as_a_fresh_builder() {
    let (mut fbb, mut out) = bufs();
    let big = vec![b'x'; 100_000];
    encode_req_call_stop(
        &mut fbb,
        &mut out,
        1,
        &Stop {
            status: 403,
            headers: &[],
            body: &big,
        },
    )
    .unwrap();
    encode_req_call_continue(&mut fbb, &mut out, 7).unwrap();
    assert_eq!(out, hex(CONTINUE_7));
    // Over 32 entries takes the heap path for staging offsets.
    let many: Vec<(Vec<u8>, Vec<u8>)> = (0..100)
        .map(|i| (format!("h{i}").into_bytes(), format!("v{i}").into_bytes()))
        .collect();
    let entries: Vec<Entry<'_>> = many.iter().map(|(n, v)| (&n[..], Some(&v[..]))).collect();
    encode_resp_call_resp(&mut fbb, &mut out, 1, 200, &entries, b"").unwrap();
    let resp = peer::decode_http_resp_call_resp(&out[HEADER_LEN..]).unwrap();
    assert_eq!(resp.headers.len(), 100);
    assert_eq!(resp.headers[99], OwnedEntry::new("h99", "v99"));
}

#[test]
fn oversize_replies_are_refused_not_truncated() {
    // Checklist 9: the server turns this error into Err SERVICE_UNAVAILABLE.
    let (mut fbb, mut out) = bufs();
    let body = vec![0u8; MAX_PAYLOAD + 1];
    assert!(matches!(
        encode_req_call_stop(
            &mut fbb,
            &mut out,
            1,
            &Stop {
                status: 200,
                headers: &[],
                body: &body
            }
        ),
        Err(FrameError::TooLarge {
            max: MAX_PAYLOAD,
            ..
        })
    ));
    // Headers count too: refused before anything is built.
    let half = vec![b'h'; MAX_PAYLOAD / 2 + 1];
    assert_eq!(
        encode_resp_call_resp(&mut fbb, &mut out, 1, 200, &[(&half, Some(&half))], b""),
        Err(FrameError::TooLarge {
            len: 2 * (MAX_PAYLOAD / 2 + 1),
            max: MAX_PAYLOAD
        })
    );
    // Content just under the limit whose message overhead pushes it over.
    let body = vec![0u8; MAX_PAYLOAD - 8];
    assert!(matches!(
        encode_req_call_rewrite(
            &mut fbb,
            &mut out,
            1,
            &Rewrite { body: Some(&body), ..Rewrite::default() }
        ),
        Err(FrameError::TooLarge { len, max: MAX_PAYLOAD }) if len > MAX_PAYLOAD
    ));
    assert!(out.is_empty());
    // The same builder still works afterwards, and a near-limit body fits.
    let body = vec![0u8; MAX_PAYLOAD - 100];
    encode_resp_call_resp(&mut fbb, &mut out, 1, 200, &[], &body).unwrap();
    assert!(out.len() <= HEADER_LEN + MAX_PAYLOAD);
    assert_eq!(
        peer::decode_http_resp_call_resp(&out[HEADER_LEN..])
            .unwrap()
            .body
            .len(),
        body.len()
    );
}
