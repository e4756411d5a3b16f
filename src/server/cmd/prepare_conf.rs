//! PrepareConf: a route's conf in, a conf token out. The route's promptgate
//! value is parsed (`policy::RouteConf`) and resolved against the running
//! configuration now, so a conf naming what the configuration lacks is refused
//! at once instead of failing every call.

use super::super::Shared;
use super::super::reply::{Scratch, encode_error};
use super::super::tokens::route_id_from_key;
use crate::pipeline::{ResolveError, RoutePolicy};
use crate::policy::{CONF_ENTRY_NAME, RouteConf, RouteConfError};
use crate::protocol::{ErrCode, decode_prepare_conf, encode_prepare_conf_resp};
use crate::runtime::Runtime;

/// Why a route's promptgate conf was refused.
#[derive(Debug, thiserror::Error)]
pub(in crate::server) enum ConfRefused {
    /// It does not parse.
    #[error("invalid promptgate route conf: {0}")]
    Invalid(#[from] RouteConfError),
    /// It names what the configuration lacks.
    #[error("promptgate route conf names what the config lacks: {0}")]
    Unresolved(#[from] ResolveError),
    /// Its entry left the conf-token store before it could be used (a store
    /// bounded below one entry).
    #[error("promptgate route conf was evicted from the token store at once")]
    Evicted,
}

/// A route's promptgate conf value, parsed and resolved against `runtime`:
/// the one way both PrepareConf and a stream's OPEN read a route conf.
pub(in crate::server) fn route_policy(
    runtime: &Runtime,
    value: Option<&[u8]>,
) -> Result<(RouteConf, RoutePolicy), ConfRefused> {
    let route = RouteConf::parse(value)?;
    let policy = runtime.resolve(&route)?;
    Ok((route, policy))
}

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
    let mut value = None;
    for entry in &req.conf {
        if entry.name != CONF_ENTRY_NAME {
            tracing::info!(
                key = %key,
                plugin = %String::from_utf8_lossy(entry.name),
                "ignoring ext-plugin conf entry that is not promptgate"
            );
            continue;
        }
        if value.is_some() {
            tracing::error!(key = %key, "route conf names promptgate twice; refusing it");
            return encode_error(scratch, ErrCode::BadRequest);
        }
        value = Some(entry.value);
    }
    let runtime = shared.runtime.load();
    let (route, resolved) = match value.map(|v| route_policy(&runtime, v)) {
        None => (None, None),
        Some(Ok((route, policy))) => (Some(route), Some((runtime.generation, policy))),
        Some(Err(error)) => {
            tracing::error!(key = %key, %error, "refusing the promptgate route conf");
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
