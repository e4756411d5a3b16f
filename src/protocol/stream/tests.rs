//! StreamChunk's codec: round trips, and refusals of every malformed field.

use super::*;

fn req<'a>(flags: u8, chunk: &'a [u8]) -> StreamChunkReq<'a> {
    StreamChunkReq {
        flags: StreamFlags::from_bits(flags),
        api: StreamApi::OpenAi,
        id: b"req-1",
        conf: if flags & StreamFlags::OPEN != 0 {
            br#"{"policy":"answers"}"#
        } else {
            b""
        },
        route: if flags & StreamFlags::OPEN != 0 {
            b"1"
        } else {
            b""
        },
        content_type: if flags & StreamFlags::OPEN != 0 {
            b"text/event-stream"
        } else {
            b""
        },
        chunk,
    }
}

#[test]
fn requests_round_trip() {
    let mut buf = Vec::new();
    for flags in [0, 1, 2, 3, 4] {
        let r = req(flags, b"data: {\"x\":1}\n\n");
        encode_stream_chunk_req(&r, &mut buf);
        assert_eq!(decode_stream_chunk(&buf), Ok(r));
    }
}

#[test]
fn the_spec_example_decodes_byte_for_byte() {
    // version 1, OPEN|END, openai, id "a", conf "{}", route "", ctype "", chunk "x".
    let payload = [
        1, 3, 1, 0, 0, 1, b'a', 0, 0, 0, 2, b'{', b'}', 0, 0, 0, 0, 0, 0, 0, 1, b'x',
    ];
    let r = decode_stream_chunk(&payload).expect("valid");
    assert!(r.flags.open() && r.flags.end() && !r.flags.abort());
    assert_eq!((r.id, r.conf, r.chunk), (&b"a"[..], &b"{}"[..], &b"x"[..]));
}

#[test]
fn every_truncation_and_trailing_byte_is_refused() {
    let mut buf = Vec::new();
    encode_stream_chunk_req(&req(1, b"chunk"), &mut buf);
    for cut in 0..buf.len() {
        assert!(
            matches!(
                decode_stream_chunk(&buf[..cut]),
                Err(StreamDecodeError::Truncated { .. })
            ),
            "cut at {cut}"
        );
    }
    buf.push(0);
    assert_eq!(
        decode_stream_chunk(&buf),
        Err(StreamDecodeError::Trailing(1))
    );
}

#[test]
fn bad_header_values_are_refused() {
    let mut buf = Vec::new();
    encode_stream_chunk_req(&req(0, b""), &mut buf);
    let cases: [(usize, u8, StreamDecodeError); 4] = [
        (0, 2, StreamDecodeError::Version(2)),
        (
            1,
            0x08,
            StreamDecodeError::BadValue {
                field: "flags",
                value: 8,
            },
        ),
        (
            2,
            4,
            StreamDecodeError::BadValue {
                field: "api",
                value: 4,
            },
        ),
        (
            3,
            1,
            StreamDecodeError::BadValue {
                field: "reserved",
                value: 1,
            },
        ),
    ];
    for (at, value, want) in cases {
        let mut bad = buf.clone();
        bad[at] = value;
        assert_eq!(decode_stream_chunk(&bad), Err(want));
    }
}

#[test]
fn ids_bounds_and_open_only_fields_are_checked() {
    let mut buf = Vec::new();
    for id in [&b""[..], b"a\nb", &[0xff]] {
        encode_stream_chunk_req(&StreamChunkReq { id, ..req(0, b"") }, &mut buf);
        assert_eq!(decode_stream_chunk(&buf), Err(StreamDecodeError::BadId));
    }
    let long = vec![b'a'; MAX_STREAM_ID + 1];
    encode_stream_chunk_req(
        &StreamChunkReq {
            id: &long,
            ..req(0, b"")
        },
        &mut buf,
    );
    assert!(matches!(
        decode_stream_chunk(&buf),
        Err(StreamDecodeError::TooLong { field: "id", .. })
    ));
    let conf = vec![b' '; MAX_STREAM_CONF + 1];
    encode_stream_chunk_req(
        &StreamChunkReq {
            conf: &conf,
            ..req(1, b"")
        },
        &mut buf,
    );
    assert!(matches!(
        decode_stream_chunk(&buf),
        Err(StreamDecodeError::TooLong { field: "conf", .. })
    ));
    encode_stream_chunk_req(
        &StreamChunkReq {
            route: b"1",
            ..req(0, b"")
        },
        &mut buf,
    );
    assert_eq!(
        decode_stream_chunk(&buf),
        Err(StreamDecodeError::NotOpen { field: "route" })
    );
    // A chunk length announcing more than is there.
    encode_stream_chunk_req(&req(0, b"abc"), &mut buf);
    let n = buf.len();
    buf[n - 4] = 0xff;
    assert!(decode_stream_chunk(&buf).is_err());
}

#[test]
fn replies_round_trip_through_a_frame() {
    let mut out = Vec::new();
    let reply = StreamChunkReply {
        verdict: StreamVerdict::Stop,
        reason: StreamReason::PolicyOrMalformed,
        held: 42,
        release: b"data: [DONE]\n\n",
    };
    encode_stream_chunk_reply(&reply, &mut out).expect("fits");
    assert_eq!(out[0], 16);
    let frame = super::super::parse_frame(&out).expect("whole frame");
    assert_eq!(decode_stream_chunk_reply(frame.payload), Ok(reply));
    let big = vec![0u8; MAX_STREAM_RELEASE + 1];
    let too_big = StreamChunkReply {
        release: &big,
        ..reply
    };
    assert!(encode_stream_chunk_reply(&too_big, &mut out).is_err());
    assert!(out.is_empty());
}
