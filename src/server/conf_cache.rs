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

/// Conf bytes and route id to conf token.
#[derive(Debug, Default)]
pub struct InlineConfs {
    tokens: Mutex<HashMap<Box<[u8]>, u32>>,
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
        let key = key(conf, route);
        let known = self
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
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
        if tokens.len() >= MAX_INLINE_CONFS {
            tokens.clear();
        }
        tokens.insert(key, token);
        drop(tokens);
        // Just inserted; only a store bounded below one entry loses it.
        store.get(token).ok_or(ConfRefused::Evicted)
    }
}

/// The map key: the route id's length, the route id, then the conf.
fn key(conf: &[u8], route: &[u8]) -> Box<[u8]> {
    let mut key = Vec::with_capacity(2 + route.len() + conf.len());
    key.extend_from_slice(&(route.len() as u16).to_be_bytes());
    key.extend_from_slice(route);
    key.extend_from_slice(conf);
    key.into_boxed_slice()
}
