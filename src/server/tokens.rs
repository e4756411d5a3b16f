//! The conf-token store: PrepareConf results, keyed by the token APISIX
//! sends back with every call.
//!
//! Tokens are random non-zero u32s (so two runner starts never issue the same
//! first token and a restarted runner answers CONF_TOKEN_NOT_FOUND for old ones),
//! with a sliding lifetime of at least 1.2 × `APISIX_CONF_EXPIRE_TIME` after the
//! last use: APISIX caches tokens for that time, and a shorter runner-side
//! lifetime causes retry storms (spec §8). The store is process-global, so a
//! PrepareConf on one connection serves calls on every other.
//!
//! A `std::sync::RwLock` guards the map: lookups are short, never held across an
//! `.await`, and take the read side; the last-use time is an atomic so a
//! lookup never needs the write side.
//!
//! The store is bounded (`server.max_conf_tokens`): when it is full, the least
//! recently used tokens go (a sixty-fourth of the store at once, so a burst of
//! PrepareConfs does not scan the map for each), counted in
//! `promptgate_conf_tokens_evicted_total` and logged. APISIX answers an evicted
//! token's CONF_TOKEN_NOT_FOUND by preparing the conf again. Route labels are
//! bounded too ([`RouteLabels`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;

use crate::pipeline::{ResolveError, RoutePolicy};
use crate::policy::RouteConf;
use crate::runtime::Runtime;
use crate::telemetry::{self, RouteCounters, RouteLabels};

/// What a token stands for.
#[derive(Debug)]
pub struct ConfEntry {
    /// The route's promptgate conf; `None` when the route's conf does not name
    /// promptgate (calls are then answered "continue").
    pub route: Option<RouteConf>,
    /// Route label derived from the PrepareConf key, e.g. `1` for `route#1#…`.
    pub route_id: Arc<str>,
    /// The route's request counters (labelled with `route_id`).
    pub counters: RouteCounters,
    /// The route's policy resolved against a runtime generation; re-resolved
    /// when a reload bumps the generation.
    resolved: ArcSwapOption<(u64, RoutePolicy)>,
    last_used_ms: AtomicU64,
}

impl ConfEntry {
    /// The route policy under `runtime`, resolving again after a reload.
    pub fn policy(&self, runtime: &Runtime) -> Option<Result<RoutePolicy, ResolveError>> {
        let route = self.route.as_ref()?;
        if let Some(cached) = self.resolved.load().as_ref()
            && cached.0 == runtime.generation
        {
            return Some(Ok(cached.1.clone()));
        }
        let resolved = runtime.resolve(route);
        if let Ok(policy) = &resolved {
            self.resolved
                .store(Some(Arc::new((runtime.generation, policy.clone()))));
        }
        Some(resolved)
    }
}

/// The process-global token map.
#[derive(Debug)]
pub struct ConfStore {
    entries: RwLock<HashMap<u32, Arc<ConfEntry>>>,
    ttl: Duration,
    epoch: Instant,
    max_tokens: usize,
    labels: RouteLabels,
}

/// Default bound of the store, `server.max_conf_tokens`.
pub const DEFAULT_MAX_CONF_TOKENS: usize = 65_536;

/// Default bound of the route labels, `metrics.max_route_labels`.
pub const DEFAULT_MAX_ROUTE_LABELS: usize = 1000;

impl ConfStore {
    /// A store whose tokens live `1.2 × expire_secs` after their last use,
    /// with the default bounds.
    pub fn new(expire_secs: u64) -> ConfStore {
        ConfStore::bounded(
            expire_secs,
            DEFAULT_MAX_CONF_TOKENS,
            DEFAULT_MAX_ROUTE_LABELS,
        )
    }

    /// A store of at most `max_tokens` tokens whose route counters use at
    /// most `max_route_labels` distinct route labels.
    pub fn bounded(expire_secs: u64, max_tokens: usize, max_route_labels: usize) -> ConfStore {
        let ttl = Duration::from_millis(expire_secs.saturating_mul(1200));
        ConfStore {
            entries: RwLock::new(HashMap::new()),
            ttl,
            epoch: Instant::now(),
            max_tokens: max_tokens.max(1),
            labels: RouteLabels::new(max_route_labels),
        }
    }

    /// Stores a route conf and returns its fresh token.
    pub fn insert(
        &self,
        route: Option<RouteConf>,
        route_id: Arc<str>,
        resolved: Option<(u64, RoutePolicy)>,
    ) -> u32 {
        let entry = Arc::new(ConfEntry {
            route,
            counters: RouteCounters::new(self.labels.label(&route_id)),
            route_id,
            resolved: ArcSwapOption::new(resolved.map(Arc::new)),
            last_used_ms: AtomicU64::new(self.now_ms()),
        });
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.max_tokens {
            self.evict_least_recently_used(&mut entries);
        }
        loop {
            let token: u32 = rand::random();
            if token != 0 && !entries.contains_key(&token) {
                entries.insert(token, entry);
                return token;
            }
        }
    }

    /// The entry for `token`, if it exists and has not expired; refreshes its
    /// lifetime.
    pub fn get(&self, token: u32) -> Option<Arc<ConfEntry>> {
        let now = self.now_ms();
        let entry = {
            let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
            entries.get(&token)?.clone()
        };
        let last = entry.last_used_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) > self.ttl_ms() {
            self.entries
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&token);
            return None;
        }
        entry.last_used_ms.fetch_max(now, Ordering::Relaxed);
        Some(entry)
    }

    /// Drops the least recently used sixty-fourth of a full store (at least
    /// one entry).
    fn evict_least_recently_used(&self, entries: &mut HashMap<u32, Arc<ConfEntry>>) {
        let count = (self.max_tokens / 64).max(1).min(entries.len());
        let mut by_age: Vec<(u64, u32)> = entries
            .iter()
            .map(|(&token, e)| (e.last_used_ms.load(Ordering::Relaxed), token))
            .collect();
        by_age.select_nth_unstable(count - 1);
        for &(_, token) in &by_age[..count] {
            entries.remove(&token);
        }
        telemetry::record_conf_tokens_evicted(count);
        tracing::warn!(
            evicted = count,
            max_conf_tokens = self.max_tokens,
            "conf-token store full: least recently used tokens dropped (APISIX prepares them again)"
        );
    }

    /// Drops every expired entry; run periodically so abandoned routes do not
    /// accumulate.
    pub fn purge_expired(&self) -> usize {
        let now = self.now_ms();
        let ttl = self.ttl_ms();
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        let before = entries.len();
        entries.retain(|_, e| now.saturating_sub(e.last_used_ms.load(Ordering::Relaxed)) <= ttl);
        before - entries.len()
    }

    /// The bounded route label of `route_id` (shared with the tokens', so
    /// streamed answers count under the same labels).
    pub fn route_label(&self, route_id: &Arc<str>) -> Arc<str> {
        self.labels.label(route_id)
    }

    /// Number of live tokens.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// True when no token is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How long a token lives after its last use.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// Derives a low-cardinality route label from APISIX's PrepareConf key
/// (`route#1#ext-plugin-pre-req#…` → `1`, `global_rule#2#…` → `global_rule:2`).
pub fn route_id_from_key(key: Option<&[u8]>) -> Arc<str> {
    let Some(key) = key.and_then(|k| std::str::from_utf8(k).ok()) else {
        return "unknown".into();
    };
    let mut parts = key.split('#');
    let (kind, id) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .take(64)
        .collect();
    match (kind, id.is_empty()) {
        (_, true) => "unknown".into(),
        ("route", false) => id.into(),
        (kind, false) => {
            let kind: String = kind
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(32)
                .collect();
            format!("{kind}:{id}").into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_nonzero_and_distinct() {
        let store = ConfStore::new(3600);
        let tokens: Vec<u32> = (0..1000)
            .map(|_| store.insert(None, "1".into(), None))
            .collect();
        assert!(tokens.iter().all(|&t| t != 0));
        let mut unique = tokens.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), tokens.len());
        assert!(store.get(tokens[0]).is_some());
        assert!(store.get(0).is_none());
    }

    #[test]
    fn tokens_slide_and_then_expire() {
        // 0.1 s hint → 120 ms lifetime after the last use.
        let store = ConfStore {
            ttl: Duration::from_millis(120),
            ..ConfStore::new(1)
        };
        let token = store.insert(None, "1".into(), None);
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(60));
            assert!(
                store.get(token).is_some(),
                "use within the lifetime keeps it alive"
            );
        }
        std::thread::sleep(Duration::from_millis(200));
        assert!(store.get(token).is_none());
        let other = store.insert(None, "1".into(), None);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(store.purge_expired(), 1);
        assert!(store.get(other).is_none());
    }

    #[test]
    fn a_full_store_drops_its_least_recently_used_tokens() {
        // A store of 4 evicts one token at a time.
        let store = ConfStore::bounded(3600, 4, 1000);
        let first: Vec<u32> = (0..4)
            .map(|n| {
                std::thread::sleep(Duration::from_millis(3));
                store.insert(None, n.to_string().into(), None)
            })
            .collect();
        // Token 0 is used again (most recent); token 1 is now the oldest.
        std::thread::sleep(Duration::from_millis(3));
        assert!(store.get(first[0]).is_some());
        let newer = store.insert(None, "x".into(), None);
        assert_eq!(store.len(), 4, "bounded");
        assert!(store.get(newer).is_some());
        assert!(store.get(first[0]).is_some(), "recently used: kept");
        assert!(
            store.get(first[1]).is_none(),
            "least recently used: dropped"
        );
        for _ in 0..1000 {
            store.insert(None, "y".into(), None);
        }
        assert!(store.len() <= 4);
    }

    #[test]
    fn route_ids_come_from_prepare_conf_keys() {
        assert_eq!(
            &*route_id_from_key(Some(b"route#1#ext-plugin-pre-req#20")),
            "1"
        );
        assert_eq!(
            &*route_id_from_key(Some(b"global_rule#7#ext-plugin-post-req#x")),
            "global_rule:7"
        );
        assert_eq!(&*route_id_from_key(Some(b"\xff")), "unknown");
        assert_eq!(&*route_id_from_key(None), "unknown");
        assert_eq!(&*route_id_from_key(Some(b"route#a{b}\"#x")), "ab");
    }
}
