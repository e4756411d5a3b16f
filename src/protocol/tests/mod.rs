//! Unit tests for the protocol module: spec 3.9 vectors, round trips through both
//! sides, frame limits, non-UTF-8 input, absent-vs-empty values, and a proptest
//! that no input makes a decoder or the frame checker panic. One file per
//! concept; the helpers and spec vectors shared by them live here.

use flatbuffers::FlatBufferBuilder;
use proptest::prelude::*;

use super::generated::{wire, wire_bytes};
use super::peer::{self, Action, InfoReq, OwnedEntry, Reply};
use super::*;

/// Parses spec-style hex (spaces and `|` ignored) into bytes.
fn hex(s: &str) -> Vec<u8> {
    let digits: String = s.chars().filter(char::is_ascii_hexdigit).collect();
    assert_eq!(digits.len() % 2, 0, "odd hex digit count in test vector");
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("test vector is hex"))
        .collect()
}

/// Splits a whole frame, asserting it is exactly one frame of type `ty`.
fn payload_of(frame: &[u8], ty: RpcType) -> &[u8] {
    let f = parse_frame(frame).expect("a whole frame");
    assert_eq!(f.ty, ty.as_u8(), "frame type");
    assert_eq!(f.frame_len(), frame.len(), "exactly one frame");
    f.payload
}

fn bufs() -> (FlatBufferBuilder<'static>, Vec<u8>) {
    (FlatBufferBuilder::new(), Vec::new())
}

// Spec section 3.9 vectors, whole frames.
const ERR_TOKEN_NOT_FOUND: &str =
    "00 00 00 14 | 0c 00 00 00 00 00 06 00 08 00 07 00 06 00 00 00 00 00 00 02";
const ERR_BAD_REQUEST: &str = "00 00 00 0c 08 00 00 00 04 00 04 00 04 00 00 00";
const PREPARE_CONF_RESP_1: &str = "01000014 0c000000000006000800040006000000 01000000";
const CONTINUE_7: &str = "02000014 0c000000000006000800040006000000 07000000";
const STOP_403_NO: &str = "02000040 10000000 00000a00 12000c00 0b000400 0a000000 18000000 00000001 07000000 00000a00 0c000a00 00000400 0a000000 08000000 00009301 02000000 6e6f0000";
const EXTRA_REQ_BODY: &str =
    "03000020 0c000000 08000c00 0b000400 08000000 0c000000 00000002 04000400 04000000";
const EXTRA_VAR_ROUTE_ID: &str = "03000034 0c000000 08000a00 09000400 08000000 0c000000 00010600 08000400 06000000 04000000 08000000 726f7574 655f6964 00000000";
const PREPARE_CONF_REQ: &str = "01000084 0c000000 08000c00 04000800 08000000 08000000 4c000000 01000000 0c000000 08000c00 08000400 08000000 08000000 1c000000 10000000 7b226d6f 6465223a 22626c6f 636b227d 00000000 0c000000 70726f6d 70742d67 75617264 00000000 1c000000 726f7574 65233123 6578742d 706c7567 696e2d70 72652d72 65712331 00000000";
const REQ_CALL_5: &str = "020000bc 18000000 00001200 20001c00 14000700 10000c00 08001800 12000000 00000002 18000000 5c000000 84000000 78000000 e9000000 05000000 01000000 0c000000 08000c00 08000400 08000000 08000000 1c000000 10000000 6170706c 69636174 696f6e2f 6a736f6e 00000000 0c000000 636f6e74 656e742d 74797065 00000000 01000000 0c000000 00000600 08000400 06000000 04000000 05000000 64656275 67000000 04000000 7f000001 08000000 2f76312f 63686174 00000000";

mod frame;
mod inbound;
mod panics;
mod replies;
mod spec_vectors;
