//! The spec's conformance checklist (schema/ext-plugin-protocol.md §7),
//! items 1–35 that a runner can show without a gateway, each test named after
//! its item. Items 27–34 (what APISIX does with a Stop/Rewrite) are encoder
//! properties and are covered by the protocol unit tests; the runner's own
//! Stop/Rewrite replies are checked here as they leave the socket.
//!
//! One module per section of the checklist: `transport` (items 1–8),
//! `prepare_conf` (11–16), `call_input` (17–20), `extra_info` (21–25) and
//! `call_output` (26–35). This file holds the call and the check they share.

mod call_input;
mod call_output;
mod extra_info;
mod prepare_conf;
mod transport;

use promptgate::protocol::peer::{Action, Reply, ReqCall};

fn get_call(token: u32) -> ReqCall<'static> {
    ReqCall {
        id: 1,
        src_ip: &[127, 0, 0, 1],
        method: 0,
        path: Some(b"/hello"),
        args: &[],
        headers: &[],
        conf_token: token,
    }
}

fn continue_reply(reply: &Reply, id: u32) {
    match reply {
        Reply::ReqCall(resp) => {
            assert_eq!(resp.id, id);
            assert_eq!(resp.action, Action::Continue);
        }
        other => panic!("expected continue, got {other:?}"),
    }
}
