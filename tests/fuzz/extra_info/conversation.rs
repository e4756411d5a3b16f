//! One case played against a runner: PrepareConf, the HTTPReqCall, its
//! ExtraInfo questions answered as the case says, the checks on every reply,
//! and the same connection used again; or any byte stream as the whole
//! conversation.

use std::time::Duration;

use tokio::io::AsyncWriteExt;

use promptgate::protocol::Entry;
use promptgate::protocol::peer::{InfoReq, Reply, ReqCall, encode_http_req_call_req};

use crate::support::runner::InProcessRunner;

use super::apisix::{Apisix, extra_info_frame};
use super::case::{Answer, Case, Length, ROUTES};
use super::runners::{VARS, runner};

const CALL_ID: u32 = 0x5eed;

/// The body sent when the generated answer answers a variable question.
const PLAIN_BODY: &[u8] = br#"{"messages":[{"role":"user","content":"hello"}]}"#;

/// The bytes of `answer` as sent, and whether they are one well-formed
/// ExtraInfo.Resp frame.
fn answer_bytes(answer: &Answer) -> (Vec<u8>, bool) {
    match answer {
        Answer::Body(body) => (extra_info_frame(body.as_ref().map(|b| &b.0[..])), true),
        Answer::Frame { ty, payload } => {
            let [_, b1, b2, b3] = (payload.0.len() as u32).to_be_bytes();
            let mut bytes = vec![*ty, b1, b2, b3];
            bytes.extend_from_slice(&payload.0);
            (bytes, false)
        }
        Answer::Raw(bytes) => (bytes.0.clone(), false),
    }
}

pub(super) async fn run_case(case: &Case) -> Result<(), String> {
    let mut apisix = Apisix::connect(runner(case.vars)).await?;
    let token = apisix.prepare_conf(ROUTES[case.route]).await?;

    let at_var = case.at_var.filter(|_| case.vars);
    let body_len = match &case.answer {
        _ if at_var.is_some() => PLAIN_BODY.len(),
        Answer::Body(Some(b)) => b.0.len(),
        Answer::Frame { payload, .. } => payload.0.len(),
        Answer::Raw(b) => b.0.len(),
        Answer::Body(None) => 0,
    };
    let length = match case.length {
        Length::Exact => body_len.to_string().into_bytes(),
        Length::Claimed(n) => n.to_string().into_bytes(),
        Length::Odd(value) => value.to_vec(),
        Length::Chunked => Vec::new(),
    };
    let mut headers: Vec<Entry<'_>> = vec![
        (b"host", Some(b"gateway")),
        (b"content-type", Some(b"application/json")),
        (b"x-request-id", Some(b"fuzz-1")),
    ];
    match case.length {
        Length::Chunked => headers.push((b"transfer-encoding", Some(b"chunked"))),
        _ => headers.push((b"content-length", Some(&length))),
    }
    if let Some(encoding) = &case.encoding {
        headers.push((b"content-encoding", Some(&encoding.0)));
    }
    let call = ReqCall {
        id: CALL_ID,
        src_ip: &[127, 0, 0, 1],
        method: 2,
        path: Some(b"/v1/chat/completions"),
        args: &[],
        headers: &headers,
        conf_token: token,
    };
    encode_http_req_call_req(&mut apisix.fbb, &mut apisix.out, &call).expect("encode call");
    apisix.send_out().await?;

    // The questions come in one write, variables first, the body question
    // last (when the runner wants the body).
    let mut vars = Vec::new();
    let body_asked = loop {
        let next = if case.vars && vars.len() == VARS {
            // The batch is one small write: a body question would already be
            // here. The wait only covers a loaded machine.
            match tokio::time::timeout(Duration::from_millis(250), apisix.recv()).await {
                Ok(next) => next?,
                Err(_) => break false,
            }
        } else {
            apisix.recv().await?
        };
        match next {
            Some(Reply::ExtraInfo(InfoReq::ReqBody)) => break true,
            Some(Reply::ExtraInfo(InfoReq::Var(name))) => vars.push(name),
            Some(Reply::ReqCall(resp)) if resp.id == CALL_ID && vars.is_empty() => {
                // Decided without asking (no policy, or too large by header).
                return same_connection_still_serves(&mut apisix).await;
            }
            Some(Reply::Err(_)) if vars.is_empty() => {
                return same_connection_still_serves(&mut apisix).await;
            }
            other => return Err(format!("unexpected reply to the call: {other:?}")),
        }
    };

    let mut answer = Vec::new();
    let mut well_formed = true;
    let at_var = at_var.filter(|&i| body_asked && i < vars.len());
    for (i, name) in vars.iter().enumerate() {
        if at_var == Some(i) {
            let (bytes, whole) = answer_bytes(&case.answer);
            answer.extend_from_slice(&bytes);
            well_formed = whole;
            continue;
        }
        let value = (name == b"consumer_name").then_some(&b"fuzz-consumer"[..]);
        answer.extend_from_slice(&extra_info_frame(value));
    }
    if !body_asked {
        // Nothing to answer with the generated input: finish the call.
        apisix.send(&answer).await?;
        match apisix.recv().await? {
            Some(Reply::ReqCall(resp)) if resp.id == CALL_ID => {}
            other => return Err(format!("the variables' answers got {other:?}")),
        }
        return same_connection_still_serves(&mut apisix).await;
    }
    if at_var.is_some() {
        // After a malformed variable answer the stream is out of step anyway;
        // the body answer follows as APISIX would send it.
        answer.extend_from_slice(&extra_info_frame(Some(PLAIN_BODY)));
    } else {
        let (bytes, whole) = answer_bytes(&case.answer);
        answer.extend_from_slice(&bytes);
        well_formed = whole;
    }
    apisix.send(&answer).await?;

    if well_formed && !case.close {
        match apisix.recv().await? {
            Some(Reply::ReqCall(resp)) if resp.id == CALL_ID => {}
            Some(Reply::Err(_)) => {}
            other => return Err(format!("a well-formed answer got {other:?}")),
        }
        return same_connection_still_serves(&mut apisix).await;
    }
    // Malformed (or half-closed) answers: whatever the runner writes must be
    // whole, decodable frames, up to a clean close.
    apisix
        .stream
        .shutdown()
        .await
        .map_err(|e| format!("half-close: {e}"))?;
    let mut replies = Vec::new();
    while let Some(reply) = apisix.recv().await? {
        replies.push(reply);
    }
    if well_formed {
        match replies.first() {
            Some(Reply::ReqCall(resp)) if resp.id == CALL_ID => {}
            Some(Reply::Err(_)) => {}
            other => {
                return Err(format!(
                    "a well-formed answer got {other:?} before the close"
                ));
            }
        }
    }
    Ok(())
}

/// After a call, the same connection takes another PrepareConf.
async fn same_connection_still_serves(apisix: &mut Apisix) -> Result<(), String> {
    apisix.prepare_conf(Some("{}")).await.map(|_| ())
}

/// Any byte stream as the whole conversation (no ExtraInfo protocol kept):
/// the frame target's streams, sent to the runner, then a half-close.
pub(super) async fn run_stream(runner: &InProcessRunner, stream: &[u8]) -> Result<(), String> {
    let mut apisix = Apisix::connect(runner).await?;
    apisix.send(stream).await?;
    apisix
        .stream
        .shutdown()
        .await
        .map_err(|e| format!("half-close: {e}"))?;
    while apisix.recv_any().await? {}
    Ok(())
}
