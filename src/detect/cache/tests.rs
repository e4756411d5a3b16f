use super::*;
use crate::policy::CacheConfig;

fn verdict(blocked: bool) -> CachedVerdict {
    CachedVerdict {
        blocked,
        layer: Layer::L1,
        categories: vec!["instruction_override".into()],
        rule_ids: vec!["en.override.ignore_previous".into(), "x.y".into()],
        l2_score: Some(0.75),
    }
}

#[test]
fn codec_round_trips_and_refuses_anything_else() {
    for v in [
        verdict(true),
        CachedVerdict {
            blocked: false,
            layer: Layer::L2,
            categories: vec![],
            rule_ids: vec![],
            l2_score: None,
        },
    ] {
        let bytes = codec::encode(&v).expect("identifiers encode");
        assert_eq!(codec::decode(&bytes), Some(v));
    }
    let good = codec::encode(&verdict(true)).expect("encodes");
    for cut in 0..good.len() {
        assert_eq!(codec::decode(&good[..cut]), None, "truncated at {cut}");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(codec::decode(&trailing), None);
    let mut bad_version = good.clone();
    bad_version[0] = 9;
    assert_eq!(codec::decode(&bad_version), None);
    let mut texty = verdict(true);
    texty.categories = vec!["my email is a@b.c".into()];
    assert_eq!(codec::encode(&texty), None, "text never goes to Redis");
}

#[test]
fn keys_depend_on_fingerprint_and_text() {
    let a = VerdictCache::key(&[1; 32], "hello");
    assert_eq!(a, VerdictCache::key(&[1; 32], "hello"));
    assert_ne!(a, VerdictCache::key(&[2; 32], "hello"));
    assert_ne!(a, VerdictCache::key(&[1; 32], "hello!"));
}

#[tokio::test]
async fn memory_tier_hits_and_respects_the_entry_bound() {
    let config = CacheConfig {
        max_entries: 50,
        ..CacheConfig::default()
    };
    let cache = VerdictCache::new(&config).expect("memory only");
    let key = VerdictCache::key(&[0; 32], "a");
    assert_eq!(cache.get(&key).await, None);
    cache.put(key, verdict(true));
    assert_eq!(cache.get(&key).await, Some(verdict(true)));
    for i in 0..1000 {
        cache.put(VerdictCache::key(&[0; 32], &i.to_string()), verdict(false));
    }
    assert!(cache.memory_len() <= 50, "{}", cache.memory_len());
}

#[tokio::test]
async fn entries_expire_after_the_ttl() {
    let memory = memory::Memory::new(10, 1 << 20, Duration::from_millis(20));
    let key = VerdictCache::key(&[0; 32], "a");
    memory.put(key, verdict(false));
    assert!(memory.get(&key).is_some());
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert!(memory.get(&key).is_none());
}

#[tokio::test]
async fn a_disabled_cache_never_hits_and_redis_tls_is_refused_clearly() {
    let cache = VerdictCache::new(&CacheConfig {
        enabled: false,
        ..CacheConfig::default()
    })
    .expect("builds");
    let key = VerdictCache::key(&[0; 32], "a");
    cache.put(key, verdict(true));
    assert_eq!(cache.get(&key).await, None);
    let mut config = CacheConfig::default();
    config.redis.enabled = true;
    config.redis.url = "rediss://127.0.0.1:1/0".into();
    assert!(matches!(
        VerdictCache::new(&config),
        Err(CacheError::TlsUnavailable)
    ));
}

#[tokio::test]
async fn an_unreachable_redis_costs_a_miss_not_an_error() {
    let mut config = CacheConfig::default();
    config.redis.enabled = true;
    // Port 1 on loopback: connection refused at once.
    config.redis.url = "redis://127.0.0.1:1/0".into();
    let cache = VerdictCache::new(&config).expect("builds without I/O");
    let key = VerdictCache::key(&[0; 32], "a");
    for _ in 0..20 {
        assert_eq!(cache.get(&key).await, None);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cache.put(key, verdict(true));
    assert_eq!(
        cache.get(&key).await,
        Some(verdict(true)),
        "memory tier still works"
    );
}
