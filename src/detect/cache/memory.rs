//! The in-process tier: a bounded (entries and bytes), TTL-checked map.

use std::sync::Arc;
use std::time::{Duration, Instant};

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::{CacheKey, CachedVerdict};

#[derive(Debug, Clone)]
struct Entry {
    verdict: Arc<CachedVerdict>,
    expires: Instant,
    weight: u64,
}

/// Bytes an entry costs beyond its verdict's own: the 32-byte key, the map's
/// slot and hash, the entry, the `Arc`'s header and the allocator's rounding.
/// Measured: 100,000 cached allow verdicts grew a runner's RSS by ≈43 MiB
/// (≈430 bytes each), so `max_bytes` bounds real memory, not a fraction of it.
const ENTRY_OVERHEAD: u64 = 360;

/// Weighs an entry by its bytes but never below `floor`
/// (= max_bytes / max_entries), which bounds both totals with one weight.
#[derive(Debug, Clone)]
struct ByBytes {
    floor: u64,
}

impl Weighter<CacheKey, Entry> for ByBytes {
    fn weight(&self, _key: &CacheKey, value: &Entry) -> u64 {
        value.weight.max(self.floor)
    }
}

/// The in-process tier.
pub(super) struct Memory {
    cache: Cache<CacheKey, Entry, ByBytes>,
    ttl: Duration,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("entries", &self.cache.len())
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl Memory {
    pub(super) fn new(max_entries: u64, max_bytes: u64, ttl: Duration) -> Memory {
        let max_entries = max_entries.max(1);
        let max_bytes = max_bytes.max(1);
        let floor = (max_bytes / max_entries).max(1);
        let estimated = usize::try_from(max_entries.min(1 << 24)).unwrap_or(1 << 24);
        Memory {
            cache: Cache::with_weighter(estimated, max_bytes, ByBytes { floor }),
            ttl,
        }
    }

    pub(super) fn get(&self, key: &CacheKey) -> Option<CachedVerdict> {
        let entry = self.cache.get(key)?;
        if entry.expires <= Instant::now() {
            self.cache.remove(key);
            return None;
        }
        Some((*entry.verdict).clone())
    }

    pub(super) fn put(&self, key: CacheKey, verdict: CachedVerdict) {
        let weight = verdict.approx_bytes() as u64 + ENTRY_OVERHEAD;
        self.cache.insert(
            key,
            Entry {
                verdict: Arc::new(verdict),
                expires: Instant::now() + self.ttl,
                weight,
            },
        );
    }

    pub(super) fn len(&self) -> usize {
        self.cache.len()
    }
}
