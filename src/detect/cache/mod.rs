//! L0: the verdict cache. A repeated prompt under an unchanged policy gets the
//! verdict it got before without running L1, L1.5 or L2 again.
//!
//! Takes a key built by [`VerdictCache::key_bytes`] from the route's policy
//! fingerprint and exactly what the cached layers (L1, L2) read: the
//! injection-scoped segments as extracted (the pipeline builds it, `l0.rs`);
//! hands the pipeline a [`CachedVerdict`] (allow or block, the deciding layer,
//! category and rule ids, the L2 score). Redactions are never cached: the
//! pipeline recomputes them, since the rewritten body is text.
//!
//! Two tiers: in process (always on when the cache is, bounded in entries and
//! bytes, with a TTL) and an optional Redis (standalone or Sentinel) shared by
//! every runner, with a per-operation timeout and a circuit breaker. Never
//! stores text or PII (values are identifiers only, checked on write and on
//! read), and never makes a request fail or wait for a connection.
//!
//! The same Redis connection also carries the reversible-redaction vault's
//! mappings between runners ([`PseudonymStore`]), sealed with
//! [`PseudonymKey`] (XChaCha20-Poly1305) so no PII reaches Redis in clear.
//!
//! The cache lives outside the runtime (`runtime::Runtime`) so it survives hot
//! reloads; a changed rule or policy changes the fingerprint, hence the key,
//! so a stale verdict is never served.

mod codec;
mod memory;
mod remote;
mod seal;
mod tls;
mod vault;

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::detect::Layer;
use crate::types::RoleSet;
mod options;

use crate::telemetry;
pub use options::{CacheOptions, RedisOptions};

use memory::Memory;
use remote::Remote;
pub use seal::{PSEUDONYM_KEY_SETTING, PseudonymKey, PseudonymKeyError, Unsealable};
pub use tls::TlsError;
pub use vault::{MAX_SEALED_MAPPING, PseudonymStore};

/// A cache key: SHA-256 over the policy fingerprint and the cached layers' input
/// (built by the pipeline: the injection-scoped segments exactly as extracted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey(pub [u8; 32]);

/// A verdict as cached: identifiers and a score, never text.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedVerdict {
    /// Whether the request was blocked.
    pub blocked: bool,
    /// The layer that decided (for an allow: the last layer that ran).
    pub layer: Layer,
    /// Categories of the decisive findings (attack categories or PII types).
    pub categories: Vec<Arc<str>>,
    /// Rule ids of the decisive findings.
    pub rule_ids: Vec<Arc<str>>,
    /// The L2 score, when L2 ran.
    pub l2_score: Option<f32>,
    /// The roles of the messages the decisive findings were in (empty for an
    /// allow), so an audit event of a cached block still says where the
    /// injection was (`tool`, `user`...).
    pub roles: RoleSet,
}

impl CachedVerdict {
    fn approx_bytes(&self) -> usize {
        let list = |l: &[Arc<str>]| l.iter().map(|s| s.len() + 16).sum::<usize>();
        std::mem::size_of::<Self>() + list(&self.categories) + list(&self.rule_ids)
    }
}

/// Why the cache could not be built as configured.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The Redis URL or Sentinel settings do not parse.
    #[error("invalid redis settings: {0}")]
    Url(String),
    /// The TLS settings are unusable (a missing CA file, a key without its
    /// certificate...).
    #[error("invalid redis TLS settings: {0}")]
    Tls(#[from] TlsError),
}

/// The L0 cache: in-process tier, then Redis.
#[derive(Debug)]
pub struct VerdictCache {
    memory: Option<Memory>,
    remote: Option<Arc<Remote>>,
}

impl VerdictCache {
    /// Builds the cache from `config`. Does no I/O: with Redis configured, the
    /// first connection is started in the background when this runs inside a
    /// tokio runtime, otherwise on first use (which is always inside one).
    pub fn new(config: &CacheOptions) -> Result<VerdictCache, CacheError> {
        if !config.enabled {
            return Ok(VerdictCache::disabled());
        }
        let memory = Memory::new(
            config.max_entries,
            config.max_bytes,
            Duration::from_secs(config.ttl_secs),
        );
        let remote = if config.redis.enabled {
            telemetry::set_redis_up(false);
            let remote = Arc::new(Remote::new(&config.redis)?);
            remote.start_connect();
            Some(remote)
        } else {
            None
        };
        Ok(VerdictCache {
            memory: Some(memory),
            remote,
        })
    }

    /// A cache that never hits (for `cache.enabled = false` and tools).
    pub fn disabled() -> VerdictCache {
        VerdictCache {
            memory: None,
            remote: None,
        }
    }

    /// Whether lookups can ever hit.
    pub fn is_enabled(&self) -> bool {
        self.memory.is_some()
    }

    /// The key for `input` (what the cached layers read, as text) under the
    /// policy with `policy_fingerprint`.
    pub fn key(policy_fingerprint: &[u8; 32], input: &str) -> CacheKey {
        VerdictCache::key_bytes(policy_fingerprint, input.as_bytes())
    }

    /// Like [`VerdictCache::key`] for an input serialized as bytes (the
    /// pipeline's: every injection-scoped segment's role, position, length
    /// and SHA-256).
    /// The cache never sees or keeps the input, only this hash.
    pub fn key_bytes(policy_fingerprint: &[u8; 32], input: &[u8]) -> CacheKey {
        let mut hasher = Sha256::new();
        hasher.update(b"promptgate-l0-v3\0");
        hasher.update(policy_fingerprint);
        hasher.update(input);
        CacheKey(hasher.finalize().into())
    }

    /// Looks `key` up: in process first, then Redis (within its timeout,
    /// unless the breaker is open). A Redis hit is copied into the in-process
    /// tier. Counts hits by tier and misses.
    pub async fn get(&self, key: &CacheKey) -> Option<CachedVerdict> {
        let memory = self.memory.as_ref()?;
        if let Some(verdict) = memory.get(key) {
            telemetry::record_cache_hit("memory");
            return Some(verdict);
        }
        if let Some(remote) = &self.remote
            && let Some(verdict) = remote.get(key).await
        {
            telemetry::record_cache_hit("redis");
            memory.put(*key, verdict.clone());
            return Some(verdict);
        }
        telemetry::record_cache_miss();
        None
    }

    /// Stores `verdict` in process now and in Redis in the background (never
    /// awaited; dropped when Redis is unavailable).
    pub fn put(&self, key: CacheKey, verdict: CachedVerdict) {
        let Some(memory) = &self.memory else {
            return;
        };
        if let Some(remote) = &self.remote {
            remote.put(&key, &verdict);
        }
        memory.put(key, verdict);
    }

    /// Checks the Redis TLS settings of `config` (reading the files they name)
    /// without building anything; the loader reports a failure as a
    /// configuration error.
    ///
    /// # Errors
    ///
    /// The first problem found, named by its configuration key.
    pub fn check_tls(config: &RedisOptions) -> Result<(), TlsError> {
        tls::RedisTls::load(config).map(|_| ())
    }

    /// Verdicts held in process (for tests and diagnostics).
    pub fn memory_len(&self) -> usize {
        self.memory.as_ref().map_or(0, Memory::len)
    }
}

#[cfg(test)]
mod tests;
