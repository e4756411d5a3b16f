//! Checklist items 26–35, "HTTPReqCall output", as far as the runner's own
//! replies show them: Continue echoes the id with no action, and a Stop
//! carries its status, JSON body and request id.

use promptgate::protocol::peer::{Action, Reply, ReqCall};

use crate::support::{Answers, Runner};

use super::{continue_reply, get_call};

#[test]
fn item_26_and_35_continue_echoes_the_id_with_no_action() {
    let runner = Runner::start("");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    for id in [0, 1, u32::MAX] {
        let call = ReqCall {
            id,
            ..get_call(token)
        };
        continue_reply(&apisix.call(&call, &mut Answers::body(None)), id);
    }
}

#[test]
fn item_27_stop_replies_carry_status_json_and_request_id() {
    let runner = Runner::start("[policy]\nmax_body_bytes = 100\n");
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let body = vec![b'a'; 101];
    let (reply, asked) = apisix.post(token, &body, &[(b"x-request-id", Some(b"abc-1"))]);
    assert!(
        asked.is_empty(),
        "an over-limit content-length is refused before fetching"
    );
    let Reply::ReqCall(resp) = reply else {
        panic!("{reply:?}")
    };
    let Action::Stop {
        status,
        headers,
        body,
    } = resp.action
    else {
        panic!("not a stop")
    };
    assert_eq!(status, 413);
    assert!(
        headers
            .iter()
            .any(|h| h.name == b"content-type" && h.value.as_deref() == Some(b"application/json"))
    );
    assert!(
        headers
            .iter()
            .any(|h| h.name == b"x-promptgate-request-id" && h.value.as_deref() == Some(b"abc-1"))
    );
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
    assert_eq!(json["error"]["code"], "body_too_large");
    assert_eq!(json["error"]["request_id"], "abc-1");
}
