//! Route confs sent inline (RequestCall carries the route's conf JSON in
//! every frame instead of a PrepareConf token): each distinct conf is parsed
//! and resolved once, stored in the conf-token store like a PrepareConf, and
//! found again by its bytes here. The map is bounded: when full it is
//! emptied (a conf then costs one parse again), and a token the store has
//! expired or evicted is prepared again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::sessions::route_label;
use super::tokens::{ConfEntry, ConfStore};
use crate::runtime::Runtime;

use super::cmd::{ConfRefused, route_policy};

/// Most distinct (conf, route) pairs remembered.
pub const MAX_INLINE_CONFS: usize = 1024;

/// Route id, then conf bytes, to conf token (nested so a lookup borrows the
/// frame's bytes and allocates nothing).
#[derive(Debug, Default)]
pub struct InlineConfs {
    tokens: Mutex<Tokens>,
}

/// One route's confs: conf bytes to conf token.
type RouteConfs = HashMap<Box<[u8]>, u32>;

#[derive(Debug, Default)]
struct Tokens {
    by_route: HashMap<Box<[u8]>, RouteConfs>,
    len: usize,
}

impl InlineConfs {
    /// The entry for `conf` on `route`, parsing and resolving it against
    /// `runtime` the first time (as PrepareConf does).
    ///
    /// # Errors
    ///
    /// [`ConfRefused`] for a conf PrepareConf would refuse (never cached).
    pub(super) fn entry(
        &self,
        store: &ConfStore,
        runtime: &Runtime,
        conf: &[u8],
        route: &[u8],
    ) -> Result<Arc<ConfEntry>, ConfRefused> {
        let known = self
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_route
            .get(route)
            .and_then(|confs| confs.get(conf))
            .copied();
        if let Some(entry) = known.and_then(|token| store.get(token)) {
            return Ok(entry);
        }
        let (parsed, policy) = route_policy(runtime, Some(conf))?;
        let token = store.insert(
            Some(parsed),
            route_label(route),
            Some((runtime.generation, policy)),
        );
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if tokens.len >= MAX_INLINE_CONFS {
            tokens.by_route.clear();
            tokens.len = 0;
        }
        let confs = tokens.by_route.entry(route.into()).or_default();
        if confs.insert(conf.into(), token).is_none() {
            tokens.len += 1;
        }
        drop(tokens);
        // Just inserted; only a store bounded below one entry loses it.
        store.get(token).ok_or(ConfRefused::Evicted)
    }
}
