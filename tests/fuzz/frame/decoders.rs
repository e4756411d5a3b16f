//! Every decoder of both sides over one payload, for every type byte; what
//! decodes must encode again to the same values.

use promptgate::protocol::peer;
use promptgate::protocol::{self, FlatBufferBuilder, Inbound, parse_frame};

use super::inbound::{apisix_msg_matches, apisix_msg_of, encode_apisix_msg};
use super::replies::{encode_runner_msg, expected_reply, runner_msg_of};

/// Every decoder of both sides, for every type byte, over `payload`. Whatever
/// decodes was a valid encoding: encoded again with our encoders it must
/// decode to the same values.
pub fn decode_everything(ty: u8, payload: &[u8]) {
    let mut fbb = FlatBufferBuilder::new();
    for t in [ty, 0, 1, 2, 3, 4, 5, 0xff] {
        if let Ok(decoded) = protocol::decode_inbound(t, payload) {
            if let Inbound::HttpReqCall(call) = &decoded {
                let _ = call.header(b"content-length");
                let _ = protocol::method_name(call.method);
            }
            let msg = apisix_msg_of(&decoded);
            let frame = encode_apisix_msg(&mut fbb, &msg);
            let again = parse_frame(&frame).expect("a whole frame");
            let again = protocol::decode_inbound(again.ty, again.payload)
                .unwrap_or_else(|e| panic!("re-encoded {msg:?} does not decode: {e}"));
            assert!(
                apisix_msg_matches(&msg, &again),
                "{decoded:?} re-decoded as {again:?}"
            );
        }
        if let Ok(reply) = peer::decode_reply(t, payload)
            && let Some(msg) = runner_msg_of(&reply)
        {
            let frame = encode_runner_msg(&mut fbb, &msg).expect("checked encodable");
            let again = parse_frame(&frame).expect("a whole frame");
            let again = peer::decode_reply(again.ty, again.payload)
                .unwrap_or_else(|e| panic!("re-encoded {msg:?} does not decode: {e}"));
            assert_eq!(again, expected_reply(&msg), "{reply:?} re-encoded");
        }
    }
    let _ = peer::peek_req_call_action(payload);
}
