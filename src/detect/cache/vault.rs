//! [`PseudonymStore`]: where a reversible redaction's mapping waits for the
//! answer. In process always (the [`PseudonymVault`]); also in the L0 cache's
//! Redis when that tier is on and a key to seal mappings with is configured,
//! so that an answer reaching another runner than the one that saw the
//! request still gets its values back.
//!
//! In Redis a mapping is stored under `<key_prefix>pseudonym:<hex SHA-256 of
//! a domain tag and the request id>` (the id itself never appears), sealed
//! with [`PseudonymKey`] (the Redis key is part of the associated data), for
//! the vault's TTL, and only when it is at most [`MAX_SEALED_MAPPING`] bytes.
//! It is read once (GETDEL), and deleted when the in-process tier answered.
//!
//! # Must never
//!
//! Put a value in Redis in clear text, log a value or a request id, or make a
//! request fail because of Redis: a failure is counted
//! (`pseudonym_redis_error`), logged without values and ids, and the
//! in-process tier carries on. Writes are never awaited by a request.

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::VerdictCache;
use super::remote::{Remote, RemoteError};
use super::seal::PseudonymKey;
use crate::extract::{PseudonymVault, Pseudonyms};
use crate::telemetry;

/// Largest serialized mapping written to Redis (before sealing); a larger
/// one stays in process only.
pub const MAX_SEALED_MAPPING: usize = 64 << 10;

/// The runner error kind of a failed or timed-out Redis operation of the vault.
const REDIS_ERROR: &str = "pseudonym_redis_error";

/// The domain tag hashed with the request id into the Redis key.
const KEY_DOMAIN: &[u8] = b"promptgate-pseudonym-key-v1\0";

/// The shared tier: the L0 cache's Redis connection and the sealing key.
struct SharedTier {
    remote: Arc<Remote>,
    key: PseudonymKey,
    ttl_secs: u64,
}

impl SharedTier {
    fn redis_key(&self, request_id: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(KEY_DOMAIN);
        hasher.update(request_id.as_bytes());
        format!(
            "{}pseudonym:{}",
            self.remote.prefix(),
            hex::encode(hasher.finalize())
        )
    }
}

/// Each request's placeholder mapping between its two phases: in process,
/// and sealed in Redis when the cache tier is shared (see the module docs).
pub struct PseudonymStore {
    memory: PseudonymVault,
    shared: Option<SharedTier>,
}

impl std::fmt::Debug for PseudonymStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PseudonymStore")
            .field("memory", &self.memory)
            .field("shared", &self.shared.is_some())
            .finish()
    }
}

impl PseudonymStore {
    /// Mappings kept in this process only.
    pub fn in_process(memory: PseudonymVault) -> PseudonymStore {
        PseudonymStore {
            memory,
            shared: None,
        }
    }

    /// Mappings kept in `memory` and, when `cache` has a Redis tier and `key`
    /// is given, also sealed in that Redis for `ttl`.
    pub fn new(
        memory: PseudonymVault,
        ttl: Duration,
        cache: &VerdictCache,
        key: Option<PseudonymKey>,
    ) -> PseudonymStore {
        let shared = match (&cache.remote, key) {
            (Some(remote), Some(key)) => Some(SharedTier {
                remote: Arc::clone(remote),
                key,
                ttl_secs: ttl.as_secs().max(1),
            }),
            _ => None,
        };
        PseudonymStore { memory, shared }
    }

    /// Whether mappings are also kept in Redis.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Keeps `pseudonyms` for request `request_id` (an empty mapping or id is
    /// not kept). The Redis write runs in the background.
    pub fn put(&self, request_id: &str, pseudonyms: Pseudonyms) {
        if pseudonyms.is_empty() || request_id.is_empty() {
            return;
        }
        if let Some(shared) = &self.shared {
            store_sealed(shared, request_id, &pseudonyms);
        }
        self.memory.put(request_id, pseudonyms);
    }

    /// Takes the mapping of `request_id` (one answer per request): from this
    /// process, else from Redis (atomically read and deleted, within the
    /// Redis timeout). `None` when neither holds it or Redis is unavailable.
    pub async fn take(&self, request_id: &str) -> Option<Arc<Pseudonyms>> {
        if let Some(found) = self.memory.take(request_id) {
            if let Some(shared) = &self.shared {
                // Handed out here: the sealed copy must not serve another answer.
                shared
                    .remote
                    .del_background(shared.redis_key(request_id), REDIS_ERROR);
            }
            return Some(found);
        }
        let shared = self.shared.as_ref()?;
        let redis_key = shared.redis_key(request_id);
        let sealed = match shared.remote.get_del(&redis_key, REDIS_ERROR).await {
            Ok(sealed) => sealed?,
            Err(RemoteError::Unavailable) => return None,
            Err(RemoteError::Failed) => {
                tracing::warn!(
                    "reversible redaction: reading the shared vault in redis failed; \
                     the answer keeps its placeholders"
                );
                return None;
            }
        };
        match open_mapping(&shared.key, &redis_key, &sealed) {
            Some(pseudonyms) => Some(Arc::new(pseudonyms)),
            None => {
                telemetry::record_runner_error("pseudonym_unreadable");
                tracing::warn!(
                    "reversible redaction: a mapping in redis does not open with this runner's \
                     pseudonym key (another key, or altered); the answer keeps its placeholders"
                );
                None
            }
        }
    }

    /// How many mappings this process holds.
    pub fn len(&self) -> usize {
        self.memory.len()
    }

    /// Whether this process holds none.
    pub fn is_empty(&self) -> bool {
        self.memory.is_empty()
    }
}

/// Seals and writes one mapping in the background, unless it is too large.
fn store_sealed(shared: &SharedTier, request_id: &str, pseudonyms: &Pseudonyms) {
    let redis_key = shared.redis_key(request_id);
    match seal_mapping(&shared.key, &redis_key, pseudonyms) {
        Ok(sealed) => {
            shared
                .remote
                .set_ex_background(redis_key, sealed, shared.ttl_secs, REDIS_ERROR);
        }
        Err(Unstored::TooLarge(bytes)) => {
            telemetry::record_runner_error("pseudonym_too_large");
            tracing::warn!(
                bytes,
                limit = MAX_SEALED_MAPPING,
                "reversible redaction: mapping too large for the shared vault; kept in process only"
            );
        }
        Err(Unstored::Unserializable) => {}
    }
}

/// Why a mapping is not written to Redis.
#[derive(Debug, PartialEq, Eq)]
enum Unstored {
    /// Its serialized form is this many bytes, over [`MAX_SEALED_MAPPING`].
    TooLarge(usize),
    /// It could not be serialized or sealed (not expected).
    Unserializable,
}

/// The sealed form of `pseudonyms` for `redis_key`: its pairs as JSON,
/// sealed with the Redis key as context.
fn seal_mapping(
    key: &PseudonymKey,
    redis_key: &str,
    pseudonyms: &Pseudonyms,
) -> Result<Vec<u8>, Unstored> {
    let plain = serde_json::to_vec(pseudonyms.pairs()).map_err(|_| Unstored::Unserializable)?;
    if plain.len() > MAX_SEALED_MAPPING {
        return Err(Unstored::TooLarge(plain.len()));
    }
    key.seal(redis_key.as_bytes(), &plain)
        .ok_or(Unstored::Unserializable)
}

/// What [`seal_mapping`] wrote for `redis_key`, opened; `None` for a value
/// that does not open or does not hold pairs.
fn open_mapping(key: &PseudonymKey, redis_key: &str, sealed: &[u8]) -> Option<Pseudonyms> {
    let plain = key.open(redis_key.as_bytes(), sealed).ok()?;
    let pairs = serde_json::from_slice::<Vec<(String, String)>>(&plain).ok()?;
    Some(Pseudonyms::from_pairs(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::cache::{CacheOptions, RedisOptions};

    fn pseudonyms() -> Pseudonyms {
        Pseudonyms::from_pairs([("[EMAIL_1]".to_owned(), "a@example.org".to_owned())])
    }

    fn vault() -> PseudonymVault {
        PseudonymVault::new(10, 1 << 20, Duration::from_secs(60))
    }

    #[tokio::test]
    async fn without_a_redis_tier_or_a_key_mappings_stay_in_process() {
        let key = PseudonymKey::from_bytes(&[1u8; 32]);
        let memory_only = VerdictCache::new(&CacheOptions::default()).expect("cache");
        let store = PseudonymStore::new(
            vault(),
            Duration::from_secs(60),
            &memory_only,
            Some(key.clone()),
        );
        assert!(!store.is_shared());
        store.put("r1", pseudonyms());
        assert_eq!(store.take("r1").await.as_deref(), Some(&pseudonyms()));
        assert_eq!(store.take("r1").await, None, "handed out once");

        let options = CacheOptions {
            redis: RedisOptions {
                enabled: true,
                ..RedisOptions::default()
            },
            ..CacheOptions::default()
        };
        let with_redis = VerdictCache::new(&options).expect("cache");
        let no_key = PseudonymStore::new(vault(), Duration::from_secs(60), &with_redis, None);
        assert!(!no_key.is_shared());
        let shared = PseudonymStore::new(vault(), Duration::from_secs(60), &with_redis, Some(key));
        assert!(shared.is_shared());
    }

    #[test]
    fn a_sealed_mapping_round_trips_and_a_flipped_byte_or_oversized_one_is_refused() {
        let key = PseudonymKey::from_bytes(&[3u8; 32]);
        let rk = "promptgate:v1:pseudonym:00";
        let sealed = seal_mapping(&key, rk, &pseudonyms()).expect("sealed");
        assert!(!String::from_utf8_lossy(&sealed).contains("a@example.org"));
        assert_eq!(open_mapping(&key, rk, &sealed), Some(pseudonyms()));
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x80;
        assert_eq!(open_mapping(&key, rk, &flipped), None);
        assert_eq!(
            open_mapping(&key, "promptgate:v1:pseudonym:01", &sealed),
            None
        );
        let big = Pseudonyms::from_pairs(
            (0..2000).map(|i| (format!("[EMAIL_{i}]"), format!("user{i}@example.org"))),
        );
        assert!(matches!(
            seal_mapping(&key, rk, &big),
            Err(Unstored::TooLarge(n)) if n > MAX_SEALED_MAPPING
        ));
    }

    #[tokio::test]
    async fn redis_keys_are_uniform_hashes_under_the_prefix() {
        let options = CacheOptions {
            redis: RedisOptions {
                enabled: true,
                ..RedisOptions::default()
            },
            ..CacheOptions::default()
        };
        let cache = VerdictCache::new(&options).expect("cache");
        let store = PseudonymStore::new(
            vault(),
            Duration::from_secs(60),
            &cache,
            Some(PseudonymKey::from_bytes(&[1u8; 32])),
        );
        let shared = store.shared.as_ref().expect("shared");
        let key = shared.redis_key("9f1c0de4a7b2");
        assert!(key.starts_with("promptgate:v1:pseudonym:"), "{key}");
        assert_eq!(key.len(), "promptgate:v1:pseudonym:".len() + 64);
        assert!(!key.contains("9f1c0de4a7b2"));
        assert_ne!(key, shared.redis_key("9f1c0de4a7b3"));
    }
}
