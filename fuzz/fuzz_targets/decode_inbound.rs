//! Frame and flatbuffers decoding of every message type the runner reads.
//!
//! The first input byte picks the RPC type, the rest is the payload handed to that
//! type's decoder (runner side for 1..=4, the APISIX-side reply decoders for 0..=4
//! as well). The whole input also goes through the frame checker. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promptgate::protocol::{self, peer};

fuzz_target!(|data: &[u8]| {
    let _ = protocol::check_frame(data);
    if let Ok(frame) = protocol::parse_frame(data) {
        let _ = protocol::decode_inbound(frame.ty, frame.payload);
    }
    let Some((&ty, payload)) = data.split_first() else {
        return;
    };
    match protocol::decode_inbound(ty, payload) {
        Ok(protocol::Inbound::HttpReqCall(call)) => {
            let _ = call.header(b"content-length");
            let _ = protocol::method_name(call.method);
        }
        Ok(protocol::Inbound::HttpRespCall(call)) => {
            let _ = call.header(b"content-type");
        }
        Ok(_) | Err(_) => {}
    }
    let _ = peer::decode_reply(ty, payload);
});
