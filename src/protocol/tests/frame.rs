//! The frame codec: type and length header, limits, incomplete prefixes.

use super::*;

#[test]
fn rpc_type_round_trips_and_rejects_unknown() {
    for ty in 0..=4u8 {
        assert_eq!(RpcType::from_u8(ty).map(RpcType::as_u8), Some(ty));
    }
    for ty in [5u8, 9, 0x80, 0xff] {
        assert_eq!(RpcType::from_u8(ty), None);
    }
}

#[test]
fn header_is_type_then_24_bit_big_endian_length() {
    assert_eq!(
        parse_header(&[2, 0x01, 0x02, 0x03]),
        FrameHeader {
            ty: 2,
            len: 0x01_0203
        }
    );
    assert_eq!(
        parse_header(&[9, 0xff, 0xff, 0xff]),
        FrameHeader {
            ty: 9,
            len: MAX_PAYLOAD
        }
    );
    assert_eq!(
        encode_header(RpcType::ExtraInfo, 0x01_0203),
        Ok([3, 1, 2, 3])
    );
    assert_eq!(
        encode_header(RpcType::HttpReqCall, MAX_PAYLOAD),
        Ok([2, 0xff, 0xff, 0xff])
    );
}

#[test]
fn frame_limits_are_exact() {
    // 16,777,215 is accepted, 16,777,216 refused: never a truncated length.
    assert_eq!(
        encode_header(RpcType::HttpReqCall, MAX_PAYLOAD + 1),
        Err(FrameError::TooLarge {
            len: 16_777_216,
            max: 16_777_215
        })
    );
    assert_eq!(
        encode_header(RpcType::Error, 0),
        Err(FrameError::EmptyPayload)
    );
    let mut out = vec![1, 2, 3];
    let payload = vec![0xa5u8; MAX_PAYLOAD];
    encode_frame(RpcType::ExtraInfo, &payload, &mut out).unwrap();
    assert_eq!(out.len(), HEADER_LEN + MAX_PAYLOAD);
    assert_eq!(&out[..4], &[3, 0xff, 0xff, 0xff]);
    assert_eq!(check_frame(&out).map(|h| h.len), Ok(MAX_PAYLOAD));
    let too_big = vec![0u8; MAX_PAYLOAD + 1];
    assert_eq!(
        encode_frame(RpcType::ExtraInfo, &too_big, &mut out),
        Err(FrameError::TooLarge {
            len: MAX_PAYLOAD + 1,
            max: MAX_PAYLOAD
        })
    );
    assert!(out.is_empty(), "a refused frame leaves nothing to send");
}

#[test]
fn check_frame_reports_incomplete_for_every_prefix() {
    let frame = hex(CONTINUE_7);
    for cut in 0..frame.len() {
        assert_eq!(
            check_frame(&frame[..cut]),
            Err(FrameError::Incomplete),
            "prefix {cut}"
        );
    }
    assert_eq!(check_frame(&frame), Ok(FrameHeader { ty: 2, len: 20 }));
    // Trailing bytes (the next frame) are left alone.
    let mut two = frame.clone();
    two.extend_from_slice(&hex(PREPARE_CONF_RESP_1));
    let first = parse_frame(&two).unwrap();
    assert_eq!(first.frame_len(), frame.len());
    let second = parse_frame(&two[first.frame_len()..]).unwrap();
    assert_eq!(second.ty, 1);
    // A header announcing 16 MiB with few bytes behind it is just incomplete.
    assert_eq!(
        check_frame(&[2, 0xff, 0xff, 0xff, 0, 0]),
        Err(FrameError::Incomplete)
    );
    // Zero length is framed (4 bytes) and left to the decoder to refuse.
    assert_eq!(
        check_frame(&[1, 0, 0, 0]),
        Ok(FrameHeader { ty: 1, len: 0 })
    );
    assert!(matches!(
        decode_prepare_conf(&[]),
        Err(DecodeError::EmptyPayload { .. })
    ));
}
