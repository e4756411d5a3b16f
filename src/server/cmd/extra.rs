//! The ExtraInfo round trips inside an HTTPReqCall: the request body and the
//! configured variables, asked for in one write and answered in order.

use std::time::Duration;

use bytes::Bytes;

use super::super::Shutdown;
use super::super::connection::{ConnError, Connection};
use super::super::reply::Scratch;
use crate::protocol::{
    RpcType, decode_extra_info_resp, encode_extra_info_req_body, encode_extra_info_resp_body,
    encode_extra_info_var,
};

/// Asks APISIX, in one write, for the request body (ExtraInfo ReqBody) when
/// `want_body`, and for each variable in `vars`; answers come back in order
/// (spec checklist 24). An absent body result means the request has none.
pub(super) async fn fetch_extra(
    conn: &mut Connection,
    scratch: &mut Scratch,
    want_body: bool,
    vars: &[&[u8]],
    mut wait: Wait<'_>,
) -> Result<(Option<Bytes>, Vec<Option<Bytes>>), ConnError> {
    if vars.is_empty() {
        // The common case: one question, written straight from the scratch buffer.
        if want_body {
            let _ = encode_extra_info_req_body(&mut scratch.fbb, &mut scratch.out);
            conn.write_all(&scratch.out).await?;
        }
    } else {
        scratch.batch.clear();
        for name in vars {
            let _ = encode_extra_info_var(&mut scratch.fbb, &mut scratch.out, name);
            scratch.batch.extend_from_slice(&scratch.out);
        }
        if want_body {
            let _ = encode_extra_info_req_body(&mut scratch.fbb, &mut scratch.out);
            scratch.batch.extend_from_slice(&scratch.out);
        }
        conn.write_all(&scratch.batch).await?;
    }
    let mut values = Vec::with_capacity(vars.len());
    for _ in vars {
        values.push(extra_info_answer(conn, &mut wait).await?);
    }
    let body = if want_body {
        extra_info_answer(conn, &mut wait).await?
    } else {
        None
    };
    Ok((body, values))
}

/// Asks APISIX for the upstream answer's body (ExtraInfo RespBody, inside an
/// HTTPRespCall; asked once: a second read would find the upstream reader
/// exhausted). An absent result means there is none.
/// Each variable of `vars` is asked first, then the request body when
/// `want_request` (the echo check reads its system prompt), in the same write.
pub(super) async fn fetch_resp_body(
    conn: &mut Connection,
    scratch: &mut Scratch,
    vars: &[&[u8]],
    want_request: bool,
    mut wait: Wait<'_>,
) -> Result<AnswerFetch, ConnError> {
    scratch.batch.clear();
    for name in vars {
        let _ = encode_extra_info_var(&mut scratch.fbb, &mut scratch.out, name);
        scratch.batch.extend_from_slice(&scratch.out);
    }
    if want_request {
        let _ = encode_extra_info_req_body(&mut scratch.fbb, &mut scratch.out);
        scratch.batch.extend_from_slice(&scratch.out);
    }
    let _ = encode_extra_info_resp_body(&mut scratch.fbb, &mut scratch.out);
    scratch.batch.extend_from_slice(&scratch.out);
    conn.write_all(&scratch.batch).await?;
    let mut vars_values = Vec::with_capacity(vars.len());
    for _ in vars {
        vars_values.push(extra_info_answer(conn, &mut wait).await?);
    }
    let request = if want_request {
        extra_info_answer(conn, &mut wait).await?
    } else {
        None
    };
    let body = extra_info_answer(conn, &mut wait).await?;
    Ok(AnswerFetch {
        body,
        request,
        vars: vars_values,
    })
}

/// What an HTTPRespCall fetched from APISIX.
pub(super) struct AnswerFetch {
    /// The upstream answer's body.
    pub(super) body: Option<Bytes>,
    /// The request body, when asked for.
    pub(super) request: Option<Bytes>,
    /// The asked variables' values, in order.
    pub(super) vars: Vec<Option<Bytes>>,
}

/// How long the runner waits for APISIX inside a call.
pub(super) struct Wait<'a> {
    /// For each ExtraInfo answer.
    pub(super) timeout: Duration,
    /// A shutdown ends the wait once its grace period is over.
    pub(super) shutdown: &'a mut Shutdown,
}

async fn extra_info_answer(
    conn: &mut Connection,
    wait: &mut Wait<'_>,
) -> Result<Option<Bytes>, ConnError> {
    let frame = tokio::select! {
        frame = tokio::time::timeout(wait.timeout, conn.read_frame()) => match frame {
            Ok(frame) => frame?,
            Err(_) => return Err(ConnError::ExtraInfoTimeout(wait.timeout)),
        },
        () = wait.shutdown.grace_over() => return Err(ConnError::ShuttingDown),
    };
    let frame = frame.ok_or(ConnError::ClosedInCall)?;
    if frame.ty != RpcType::ExtraInfo.as_u8() {
        return Err(ConnError::UnexpectedInCall(frame.ty));
    }
    match decode_extra_info_resp(&frame.payload) {
        Ok(resp) => Ok(resp.result.map(|r| frame.payload.slice_ref(r))),
        Err(error) => {
            tracing::warn!(%error, "malformed ExtraInfo answer");
            Err(ConnError::UnexpectedInCall(frame.ty))
        }
    }
}
