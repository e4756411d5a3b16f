//! PrepareConf: a route's conf in, a conf token out. The route's promptgate
//! value is parsed (`policy::RouteConf`) and resolved against the running
//! configuration now, so a conf naming what the configuration lacks is refused
//! at once instead of failing every call.

use super::super::Shared;
use super::super::reply::{Scratch, encode_error};
use super::super::tokens::route_id_from_key;
use crate::policy::{CONF_ENTRY_NAME, RouteConf};
use crate::protocol::{ErrCode, decode_prepare_conf, encode_prepare_conf_resp};

/// Answers a PrepareConf: parses and resolves the route's promptgate conf and
/// answers its conf token (a broken or unknown conf is refused with `BadRequest`).
pub(super) fn apply(shared: &Shared, payload: &[u8], scratch: &mut Scratch) {
    let req = match decode_prepare_conf(payload) {
        Ok(req) => req,
        Err(error) => {
            tracing::warn!(%error, "malformed PrepareConf; answering bad request");
            return encode_error(scratch, ErrCode::BadRequest);
        }
    };
    let key = String::from_utf8_lossy(req.key.unwrap_or_default()).into_owned();
    let mut route = None;
    for entry in &req.conf {
        if entry.name != CONF_ENTRY_NAME {
            tracing::info!(
                key = %key,
                plugin = %String::from_utf8_lossy(entry.name),
                "ignoring ext-plugin conf entry that is not promptgate"
            );
            continue;
        }
        if route.is_some() {
            tracing::error!(key = %key, "route conf names promptgate twice; refusing it");
            return encode_error(scratch, ErrCode::BadRequest);
        }
        match RouteConf::parse(entry.value) {
            Ok(conf) => route = Some(conf),
            Err(error) => {
                tracing::error!(key = %key, %error, "invalid promptgate route conf; refusing it");
                return encode_error(scratch, ErrCode::BadRequest);
            }
        }
    }
    let runtime = shared.runtime.load();
    let resolved = match route.as_ref().map(|r| runtime.resolve(r)) {
        None => None,
        Some(Ok(policy)) => Some((runtime.generation, policy)),
        Some(Err(error)) => {
            tracing::error!(key = %key, %error, "promptgate route conf names what the config lacks; refusing it");
            return encode_error(scratch, ErrCode::BadRequest);
        }
    };
    if route.is_some() {
        log_phase(&key);
    }
    let token = shared
        .tokens
        .insert(route, route_id_from_key(req.key), resolved);
    let _ = encode_prepare_conf_resp(&mut scratch.fbb, &mut scratch.out, token);
}

/// Says at PrepareConf what promptgate does on the phase a route put it on
/// (the key's third part names the APISIX plugin): a conf on the response
/// phase would otherwise get a token and silently guard nothing.
fn log_phase(key: &str) {
    match key.split('#').nth(2) {
        Some("ext-plugin-post-resp") => tracing::warn!(
            key = %key,
            phase = "ext-plugin-post-resp",
            "promptgate conf on the response phase: responses are not inspected yet, so \
             this conf guards nothing; put promptgate on ext-plugin-pre-req to scan requests"
        ),
        Some("ext-plugin-post-req") => tracing::info!(
            key = %key,
            phase = "ext-plugin-post-req",
            "promptgate conf on ext-plugin-post-req: requests are scanned after the other \
             access plugins (ext-plugin-pre-req scans before them)"
        ),
        _ => {}
    }
}
