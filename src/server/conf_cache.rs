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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Engines;
    use crate::policy::load_config_str;

    fn runtime() -> Runtime {
        let config =
            load_config_str("[policy.l2]\nenabled = false\n", "test", Vec::new()).expect("config");
        let engines = Engines::load(&config).expect("engines");
        Runtime::build(config, 0, &engines).expect("runtime")
    }

    /// A conf is parsed once per route and found again by its bytes; a refused
    /// conf is never remembered.
    #[test]
    fn a_conf_is_prepared_once_per_route_and_refusals_are_not_kept() {
        let (runtime, store, confs) = (runtime(), ConfStore::new(60), InlineConfs::default());
        let first = confs.entry(&store, &runtime, b"{}", b"r1").expect("entry");
        let again = confs.entry(&store, &runtime, b"{}", b"r1").expect("entry");
        assert!(
            Arc::ptr_eq(&first, &again),
            "found again, not prepared again"
        );
        assert_eq!(store.len(), 1);
        let other_route = confs.entry(&store, &runtime, b"{}", b"r2").expect("entry");
        assert!(!Arc::ptr_eq(&first, &other_route));
        assert_eq!(store.len(), 2);
        let refused = confs.entry(&store, &runtime, br#"{"policy":"nope"}"#, b"r1");
        assert!(refused.is_err());
        assert!(
            confs
                .entry(&store, &runtime, br#"{"policy":"nope"}"#, b"r1")
                .is_err()
        );
        assert_eq!(store.len(), 2, "a refused conf takes no token");
    }

    /// Past `MAX_INLINE_CONFS` the map starts over (a known conf then costs one
    /// parse again), and a token the store evicted is prepared again rather
    /// than answered as lost.
    #[test]
    fn the_map_is_bounded_and_evicted_tokens_are_prepared_again() {
        let runtime = runtime();
        let (store, confs) = (ConfStore::new(60), InlineConfs::default());
        let first = confs.entry(&store, &runtime, b"{}", b"r0").expect("entry");
        for i in 1..MAX_INLINE_CONFS {
            confs
                .entry(&store, &runtime, b"{}", format!("r{i}").as_bytes())
                .expect("entry");
        }
        let before = store.len();
        let kept = confs.entry(&store, &runtime, b"{}", b"r0").expect("entry");
        assert!(Arc::ptr_eq(&first, &kept), "still within the bound");
        assert_eq!(store.len(), before);
        // One more distinct pair fills the map past its bound: it starts over.
        confs
            .entry(&store, &runtime, b"{}", b"one-more")
            .expect("entry");
        let reparsed = confs.entry(&store, &runtime, b"{}", b"r0").expect("entry");
        assert!(
            !Arc::ptr_eq(&first, &reparsed),
            "forgotten, so prepared again"
        );
        assert_eq!(store.len(), before + 2);

        // A store that keeps two tokens evicts one when a third comes (the
        // least recently used; ties within a millisecond either way): the
        // evicted conf is prepared again, never answered as lost.
        let (small, confs) = (ConfStore::bounded(60, 2, 100), InlineConfs::default());
        let a = confs.entry(&small, &runtime, b"{}", b"a").expect("entry");
        let b = confs.entry(&small, &runtime, b"{}", b"b").expect("entry");
        confs.entry(&small, &runtime, b"{}", b"c").expect("entry");
        assert_eq!(small.len(), 2);
        let a_again = confs
            .entry(&small, &runtime, b"{}", b"a")
            .expect("prepared again");
        let b_again = confs
            .entry(&small, &runtime, b"{}", b"b")
            .expect("prepared again");
        assert!(
            !Arc::ptr_eq(&a, &a_again) || !Arc::ptr_eq(&b, &b_again),
            "one of the first two was evicted and prepared again"
        );
        assert!(small.len() <= 2);
    }
}
