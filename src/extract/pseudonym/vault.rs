//! [`PseudonymVault`]: each request's placeholder mapping, from the request
//! phase to the response phase, in process.

use std::sync::Arc;
use std::time::{Duration, Instant};

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::Pseudonyms;

#[derive(Clone)]
struct Entry {
    pseudonyms: Arc<Pseudonyms>,
    expires: Instant,
    weight: u64,
}

/// Weighs an entry by its bytes, never below `floor` (= max_bytes /
/// max_entries), so one weight bounds both totals.
#[derive(Clone)]
struct ByBytes {
    floor: u64,
}

impl Weighter<String, Entry> for ByBytes {
    fn weight(&self, _key: &String, value: &Entry) -> u64 {
        value.weight.max(self.floor)
    }
}

/// Request id -> the request's [`Pseudonyms`], bounded in entries, bytes and
/// time: an answer that never comes (a timeout, a client gone) costs memory
/// only until the TTL or until newer requests push it out.
pub struct PseudonymVault {
    cache: Cache<String, Entry, ByBytes>,
    ttl: Duration,
}

impl std::fmt::Debug for PseudonymVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PseudonymVault")
            .field("entries", &self.cache.len())
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl PseudonymVault {
    /// A vault of at most `max_entries` mappings and `max_bytes` bytes, each
    /// kept at most `ttl`.
    pub fn new(max_entries: u64, max_bytes: u64, ttl: Duration) -> Self {
        let max_entries = max_entries.max(1);
        let max_bytes = max_bytes.max(1);
        let floor = (max_bytes / max_entries).max(1);
        let estimated = usize::try_from(max_entries.min(1 << 20)).unwrap_or(1 << 20);
        PseudonymVault {
            cache: Cache::with_weighter(estimated, max_bytes, ByBytes { floor }),
            ttl,
        }
    }

    /// Keeps `pseudonyms` for request `request_id` (an empty mapping is not kept).
    pub fn put(&self, request_id: &str, pseudonyms: Pseudonyms) {
        if pseudonyms.is_empty() || request_id.is_empty() {
            return;
        }
        let weight = pseudonyms.approx_bytes() as u64 + request_id.len() as u64 + 64;
        self.cache.insert(
            request_id.to_owned(),
            Entry {
                pseudonyms: Arc::new(pseudonyms),
                expires: Instant::now() + self.ttl,
                weight,
            },
        );
    }

    /// Takes the mapping of `request_id` out of the vault (one answer per request).
    pub fn take(&self, request_id: &str) -> Option<Arc<Pseudonyms>> {
        let (_, entry) = self.cache.remove(request_id)?;
        (entry.expires > Instant::now()).then_some(entry.pseudonyms)
    }

    /// How many mappings are held.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}
