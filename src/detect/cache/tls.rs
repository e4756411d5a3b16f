//! TLS material for the Redis tier: the trusted CA, the optional client
//! certificate and key, and the `insecure` switch, read from the configured
//! files and checked once, when the configuration is loaded. Connecting later
//! can then only fail for reasons on the wire (a server certificate the CA does
//! not vouch for, a server that refuses the client certificate), which the
//! breaker handles like any other Redis failure.

use std::sync::Arc;

use redis::{ClientTlsConfig, TlsCertificates};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::RedisOptions;

/// One problem with the TLS settings, named by its configuration key. Carries
/// file paths and parser messages, never file contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {problem}")]
pub struct TlsError {
    /// The dotted configuration key, e.g. `cache.redis.tls_ca_file`.
    pub key: &'static str,
    /// What is wrong and what would fix it.
    pub problem: String,
}

impl TlsError {
    fn new(key: &'static str, problem: impl Into<String>) -> TlsError {
        TlsError {
            key,
            problem: problem.into(),
        }
    }
}

const CA_KEY: &str = "cache.redis.tls_ca_file";
const CERT_KEY: &str = "cache.redis.tls_cert_file";
const KEY_KEY: &str = "cache.redis.tls_key_file";

/// The checked TLS settings of the Redis tier.
#[derive(Clone)]
pub(crate) struct RedisTls {
    /// PEM bytes handed to the redis client (CA and client identity).
    pub(crate) certificates: TlsCertificates,
    /// Skip verification of server certificates.
    pub(crate) insecure: bool,
}

impl std::fmt::Debug for RedisTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTls")
            .field("custom_ca", &self.certificates.root_cert.is_some())
            .field(
                "client_certificate",
                &self.certificates.client_tls.is_some(),
            )
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// Whether `config` asks for TLS (the `tls` switch or a `rediss://` URL for a
/// standalone server).
pub(crate) fn wanted(config: &RedisOptions) -> bool {
    config.tls || (config.sentinels.is_empty() && config.url.starts_with("rediss://"))
}

impl RedisTls {
    /// Reads and checks the TLS files of `config`: `Ok(None)` when TLS is off
    /// (and no TLS file is set), the material when it is on.
    ///
    /// # Errors
    ///
    /// A [`TlsError`] naming the key: an unreadable file, a file without a PEM
    /// certificate or key, a certificate without its key (or the reverse), a
    /// key that does not belong to its certificate, TLS files set while TLS is
    /// off, or a combination the Sentinel client cannot honour.
    pub(crate) fn load(config: &RedisOptions) -> Result<Option<RedisTls>, TlsError> {
        if !wanted(config) {
            for (key, value) in [
                (CA_KEY, &config.tls_ca_file),
                (CERT_KEY, &config.tls_cert_file),
                (KEY_KEY, &config.tls_key_file),
            ] {
                if !value.is_empty() {
                    return Err(TlsError::new(
                        key,
                        "is set but TLS is off: set cache.redis.tls = true or use a rediss:// URL",
                    ));
                }
            }
            if config.tls_insecure {
                return Err(TlsError::new(
                    "cache.redis.tls_insecure",
                    "is set but TLS is off: set cache.redis.tls = true or use a rediss:// URL",
                ));
            }
            return Ok(None);
        }
        install_crypto_provider();
        let root_cert = if config.tls_ca_file.is_empty() {
            None
        } else {
            let pem = read(CA_KEY, &config.tls_ca_file)?;
            let certs = certificates(CA_KEY, &config.tls_ca_file, &pem)?;
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    TlsError::new(
                        CA_KEY,
                        format!("{}: not a usable CA certificate: {e}", config.tls_ca_file),
                    )
                })?;
            }
            Some(pem)
        };
        let client_tls = match (
            config.tls_cert_file.is_empty(),
            config.tls_key_file.is_empty(),
        ) {
            (true, true) => None,
            (false, true) => {
                return Err(TlsError::new(
                    KEY_KEY,
                    "must be set with tls_cert_file (the client certificate's private key)",
                ));
            }
            (true, false) => {
                return Err(TlsError::new(
                    CERT_KEY,
                    "must be set with tls_key_file (the certificate of that private key)",
                ));
            }
            (false, false) => {
                let cert_pem = read(CERT_KEY, &config.tls_cert_file)?;
                let chain = certificates(CERT_KEY, &config.tls_cert_file, &cert_pem)?;
                let key_pem = read(KEY_KEY, &config.tls_key_file)?;
                let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
                    TlsError::new(
                        KEY_KEY,
                        format!(
                            "{}: no PEM private key (PKCS#8, PKCS#1 or SEC1): {e}",
                            config.tls_key_file
                        ),
                    )
                })?;
                check_pair(chain, key, &config.tls_cert_file)?;
                Some(ClientTlsConfig {
                    client_cert: cert_pem,
                    client_key: key_pem,
                })
            }
        };
        if config.tls_insecure && client_tls.is_some() && !config.sentinels.is_empty() {
            // The redis client drops the client identity of servers found through
            // Sentinel when verification is off; refuse rather than fail at connect.
            return Err(TlsError::new(
                "cache.redis.tls_insecure",
                "cannot be combined with a client certificate (tls_cert_file) when Sentinel is used",
            ));
        }
        Ok(Some(RedisTls {
            certificates: TlsCertificates {
                client_tls,
                root_cert,
            },
            insecure: config.tls_insecure,
        }))
    }
}

/// Makes ring the process's rustls provider (the only one compiled in); a
/// provider installed earlier is kept.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn read(key: &'static str, path: &str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|e| TlsError::new(key, format!("cannot read {path}: {e}")))
}

fn certificates(
    key: &'static str,
    path: &str,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::new(key, format!("{path}: unreadable PEM: {e}")))?;
    if certs.is_empty() {
        return Err(TlsError::new(
            key,
            format!("{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
        ));
    }
    Ok(certs)
}

/// Builds a rustls client identity from the pair, which checks that the key
/// parses for a supported algorithm and belongs to the certificate.
fn check_pair(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_path: &str,
) -> Result<(), TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::new(CERT_KEY, format!("TLS setup failed: {e}")))?
        .with_root_certificates(rustls::RootCertStore::empty());
    builder
        .with_client_auth_cert(chain, key)
        .map(|_| ())
        .map_err(|e| {
            TlsError::new(
                KEY_KEY,
                format!("does not fit the client certificate {cert_path}: {e}"),
            )
        })
}
