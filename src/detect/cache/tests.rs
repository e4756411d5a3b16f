use super::*;
use crate::detect::cache::CacheOptions;

fn verdict(blocked: bool) -> CachedVerdict {
    CachedVerdict {
        blocked,
        layer: Layer::L1,
        categories: vec!["instruction_override".into()],
        rule_ids: vec!["en.override.ignore_previous".into(), "x.y".into()],
        l2_score: Some(0.75),
        roles: [crate::types::Role::User, crate::types::Role::Tool]
            .into_iter()
            .collect(),
    }
}

/// An entry written before the roles byte (format 1) still reads, with no
/// roles, so a rolling upgrade keeps the shared tier's entries.
#[test]
fn format_1_entries_read_with_no_roles() {
    let v = verdict(true);
    let mut old = codec::encode(&v).expect("encodes");
    old[0] = 1;
    old.remove(3);
    let read = codec::decode(&old).expect("a format 1 entry reads");
    assert_eq!(read.roles, crate::types::RoleSet::empty());
    assert_eq!(
        CachedVerdict {
            roles: v.roles,
            ..read
        },
        v
    );
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
            roles: crate::types::RoleSet::empty(),
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
    // A roles byte with a bit no role has.
    let mut bad_roles = good.clone();
    bad_roles[3] = 0x80;
    assert_eq!(codec::decode(&bad_roles), None);
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
    let config = CacheOptions {
        max_entries: 50,
        ..CacheOptions::default()
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
async fn a_disabled_cache_never_hits() {
    let cache = VerdictCache::new(&CacheOptions {
        enabled: false,
        ..CacheOptions::default()
    })
    .expect("builds");
    let key = VerdictCache::key(&[0; 32], "a");
    cache.put(key, verdict(true));
    assert_eq!(cache.get(&key).await, None);
}

/// A CA, a leaf it signed (with its key) and a key of nobody's, as PEM files.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let dir = tempfile::tempdir().expect("temp dir");
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).expect("CA cert");
        let issuer = Issuer::new(ca, ca_key);
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf = CertificateParams::new(vec!["client".to_owned()])
            .expect("leaf params")
            .signed_by(&leaf_key, &issuer)
            .expect("leaf cert");
        let stray = KeyPair::generate().expect("stray key");
        let write = |name: &str, text: String| {
            std::fs::write(dir.path().join(name), text).expect("write PEM");
        };
        write("ca.pem", ca_cert.pem());
        write("client.pem", leaf.pem());
        write("client.key", leaf_key.serialize_pem());
        write("stray.key", stray.serialize_pem());
        write("garbage.pem", "not a certificate\n".to_owned());
        Pki { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

fn tls_config(pki: &Pki, ca: &str, cert: &str, key: &str) -> super::RedisOptions {
    let path = |n: &str| {
        if n.is_empty() {
            String::new()
        } else {
            pki.path(n)
        }
    };
    super::RedisOptions {
        enabled: true,
        url: "rediss://127.0.0.1:1/0".into(),
        tls_ca_file: path(ca),
        tls_cert_file: path(cert),
        tls_key_file: path(key),
        ..super::RedisOptions::default()
    }
}

#[test]
fn tls_settings_are_checked_key_by_key() {
    let pki = Pki::new();
    let problem = |config: &super::RedisOptions| {
        VerdictCache::check_tls(config)
            .err()
            .map(|e| (e.key, e.problem))
    };
    // (ca, cert, key) -> the key blamed, or None when accepted.
    let table: &[(&str, &str, &str, Option<&str>)] = &[
        ("", "", "", None),
        ("ca.pem", "", "", None),
        ("ca.pem", "client.pem", "client.key", None),
        ("missing.pem", "", "", Some("cache.redis.tls_ca_file")),
        ("garbage.pem", "", "", Some("cache.redis.tls_ca_file")),
        ("client.key", "", "", Some("cache.redis.tls_ca_file")),
        ("ca.pem", "client.pem", "", Some("cache.redis.tls_key_file")),
        (
            "ca.pem",
            "",
            "client.key",
            Some("cache.redis.tls_cert_file"),
        ),
        (
            "ca.pem",
            "missing.pem",
            "client.key",
            Some("cache.redis.tls_cert_file"),
        ),
        (
            "ca.pem",
            "client.pem",
            "missing.key",
            Some("cache.redis.tls_key_file"),
        ),
        (
            "ca.pem",
            "client.pem",
            "garbage.pem",
            Some("cache.redis.tls_key_file"),
        ),
        (
            "ca.pem",
            "client.pem",
            "stray.key",
            Some("cache.redis.tls_key_file"),
        ),
    ];
    for &(ca, cert, key, blamed) in table {
        let got = problem(&tls_config(&pki, ca, cert, key));
        assert_eq!(
            got.as_ref().map(|(k, _)| *k),
            blamed,
            "ca={ca} cert={cert} key={key}: {got:?}"
        );
    }
    // Messages name the file, never its contents.
    let (_, text) = problem(&tls_config(&pki, "missing.pem", "", "")).expect("fails");
    assert!(
        text.contains("missing.pem") && text.contains("cannot read"),
        "{text}"
    );
    let (_, text) =
        problem(&tls_config(&pki, "ca.pem", "client.pem", "garbage.pem")).expect("fails");
    assert!(
        text.contains("garbage.pem") && !text.contains("not a certificate"),
        "{text}"
    );
}

#[test]
fn tls_is_switched_on_by_the_flag_or_the_scheme_and_files_need_it() {
    let pki = Pki::new();
    let mut config = tls_config(&pki, "ca.pem", "", "");
    config.url = "redis://127.0.0.1:1/0".into();
    let err = VerdictCache::check_tls(&config).expect_err("CA without TLS");
    assert_eq!(err.key, "cache.redis.tls_ca_file");
    config.tls = true;
    VerdictCache::check_tls(&config).expect("tls = true");
    let plain = super::RedisOptions {
        tls_insecure: true,
        ..super::RedisOptions::default()
    };
    assert_eq!(
        VerdictCache::check_tls(&plain).map_err(|e| e.key),
        Err("cache.redis.tls_insecure")
    );
    // Sentinel cannot keep a client identity with verification off.
    let mut sentinel = tls_config(&pki, "", "client.pem", "client.key");
    sentinel.tls = true;
    sentinel.tls_insecure = true;
    sentinel.sentinels = vec!["127.0.0.1:26379".into()];
    assert_eq!(
        VerdictCache::check_tls(&sentinel).map_err(|e| e.key),
        Err("cache.redis.tls_insecure")
    );
    sentinel.tls_insecure = false;
    VerdictCache::check_tls(&sentinel).expect("verified sentinel TLS with a client identity");
}

#[tokio::test]
async fn a_tls_cache_builds_without_io_and_misses_when_nothing_listens() {
    let pki = Pki::new();
    for (url, sentinels) in [
        ("rediss://127.0.0.1:1/0", vec![]),
        ("rediss://127.0.0.1:1/0#insecure", vec![]),
        ("redis://unused", vec!["127.0.0.1:1".to_owned()]),
    ] {
        let mut config = CacheOptions {
            redis: tls_config(&pki, "ca.pem", "client.pem", "client.key"),
            ..CacheOptions::default()
        };
        config.redis.tls = true;
        config.redis.url = url.into();
        config.redis.sentinels = sentinels;
        let cache = VerdictCache::new(&config).expect("TLS builds without I/O");
        let key = VerdictCache::key(&[0; 32], "a");
        assert_eq!(cache.get(&key).await, None, "{url}");
    }
    let broken = CacheOptions {
        redis: tls_config(&pki, "missing.pem", "", ""),
        ..CacheOptions::default()
    };
    assert!(matches!(
        VerdictCache::new(&broken),
        Err(CacheError::Tls(_))
    ));
}

#[tokio::test]
async fn an_unreachable_redis_costs_a_miss_not_an_error() {
    let mut config = CacheOptions::default();
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
