//! Target `frame`: the frame reader and every RPC decoder.
//!
//! * Any byte stream, written to a real socket in arbitrary chunks, comes out of
//!   the server's frame reader ([`Connection::read_frame`]) as exactly the frames
//!   the pure splitter ([`parse_frame`]) finds, then a clean end or
//!   `ClosedMidFrame` with the leftover byte count. Truncated headers and
//!   announced lengths up to 16 MiB with short payloads included.
//! * Every frame and every raw payload goes through every decoder of both
//!   sides (runner: `decode_inbound`; APISIX: `peer::decode_reply`) for every
//!   type byte: errors are fine, panics are not.
//! * Messages generated from their parts, encoded with the project's encoders,
//!   decode back to those parts (round trip), in both directions.
//!
//! The properties are listed here, each named after the target; what they
//! need lives beside this file by family: `reading.rs` (byte streams through
//! the server's reader), `decoders.rs` (every decoder over one payload),
//! `inbound.rs` and `replies.rs` (the messages of each side as parts:
//! generated, encoded, compared), `entries.rs` (the name/value pairs both
//! use) and `seeds.rs` (the corpus seeds).

mod decoders;
mod entries;
mod inbound;
mod reading;
mod replies;
mod seeds;

pub use seeds::seeds;

use proptest::prelude::*;
pub use reading::stream;

use promptgate::protocol::peer;
use promptgate::protocol::{self, FlatBufferBuilder, HEADER_LEN, RpcType, parse_frame};

use crate::support::{self, Hex, Seed};

use decoders::decode_everything;
use inbound::{apisix_msg, apisix_msg_matches, encode_apisix_msg};
use reading::{assemble, check_stream, piece, pieces};
use replies::{encode_runner_msg, expected_reply, runner_msg};

/// The corpus folder name.
pub const TARGET: &str = "frame";

fn all_seeds() -> Vec<Seed> {
    support::corpus_with(TARGET, seeds())
}

// === the properties ===

#[test]
fn frame_corpus_replays() {
    for seed in all_seeds() {
        for pieces in [&[][..], &[1], &[3, 7]] {
            check_stream(&seed.bytes, pieces);
        }
        decode_everything(seed.bytes.first().copied().unwrap_or(0), &seed.bytes);
        if seed.bytes.len() > HEADER_LEN {
            decode_everything(seed.bytes[0], &seed.bytes[HEADER_LEN..]);
        }
    }
}

/// Cases per property in plain `cargo test`.
const CASES: u32 = 256;

#[test]
fn frame_mutated_corpus() {
    let inputs = (support::mutated(all_seeds()), pieces());
    support::fuzz(
        "frame_mutated_corpus",
        CASES,
        inputs,
        |((_, bytes), pieces)| {
            check_stream(&bytes.0, &pieces);
            if bytes.0.len() > HEADER_LEN {
                decode_everything(bytes.0[0], &bytes.0[HEADER_LEN..]);
            }
            Ok(())
        },
    );
}

#[test]
fn frame_generated_streams() {
    let inputs = (proptest::collection::vec(piece(), 0..6), pieces());
    support::fuzz(
        "frame_generated_streams",
        CASES,
        inputs,
        |(stream, pieces)| {
            check_stream(&assemble(&stream), &pieces);
            Ok(())
        },
    );
}

#[test]
fn frame_arbitrary_bytes() {
    let inputs = proptest::collection::vec(any::<u8>(), 0..512).prop_map(Hex);
    support::fuzz("frame_arbitrary_bytes", CASES, inputs, |bytes| {
        check_stream(&bytes.0, &[]);
        decode_everything(bytes.0.first().copied().unwrap_or(0), &bytes.0);
        Ok(())
    });
}

#[test]
fn frame_inbound_round_trips() {
    support::fuzz("frame_inbound_round_trips", CASES, apisix_msg(), |msg| {
        let frame = encode_apisix_msg(&mut FlatBufferBuilder::new(), &msg);
        let parsed = parse_frame(&frame).expect("a whole frame");
        prop_assert_eq!(parsed.frame_len(), frame.len());
        let decoded = protocol::decode_inbound(parsed.ty, parsed.payload)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert!(apisix_msg_matches(&msg, &decoded), "decoded {:?}", decoded);
        Ok(())
    });
}

#[test]
fn frame_replies_round_trip() {
    support::fuzz("frame_replies_round_trip", CASES, runner_msg(), |msg| {
        let Some(frame) = encode_runner_msg(&mut FlatBufferBuilder::new(), &msg) else {
            return Ok(());
        };
        let parsed = parse_frame(&frame).expect("a whole frame");
        prop_assert_eq!(parsed.frame_len(), frame.len());
        prop_assert!(RpcType::from_u8(parsed.ty).is_some());
        let decoded = peer::decode_reply(parsed.ty, parsed.payload)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(decoded, expected_reply(&msg));
        Ok(())
    });
}
