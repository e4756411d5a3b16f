//! Sealing reversible-redaction mappings before they leave the process:
//! XChaCha20-Poly1305 under a key every runner sharing the Redis reads from
//! the same file, a random 24-byte nonce per write, and the domain, the key's
//! id and the (hashed) Redis key as associated data, so a value copied to
//! another key, sealed under another key or altered by one byte is refused.
//!
//! # Must never
//!
//! Show the key or a value: [`PseudonymKey`]'s `Debug` prints its id only,
//! and errors name the file and the problem, never its contents.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// The configuration key that names the key file (for errors).
pub const PSEUDONYM_KEY_SETTING: &str = "cache.redis.pseudonym_key_file";

/// Format version of a sealed value; a reader refuses any other.
const VERSION: u8 = 1;
/// The domain every associated data starts with.
const DOMAIN: &[u8] = b"promptgate-pseudonym-v1\0";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Why a key file is unusable. Names the file, never its contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{PSEUDONYM_KEY_SETTING}: {problem}")]
pub struct PseudonymKeyError {
    /// What is wrong and what would fix it.
    pub problem: String,
}

/// A value read back that does not open: altered, truncated, sealed under
/// another key or for another request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed mapping refused (altered, or sealed under another key)")]
pub struct Unsealable;

/// The 32-byte key sealing mappings in Redis.
#[derive(Clone)]
pub struct PseudonymKey {
    cipher: XChaCha20Poly1305,
    /// The first 8 bytes of SHA-256 over the key: tells keys apart in the
    /// associated data without revealing them.
    id: [u8; 8],
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PseudonymKey")
            .field("id", &hex::encode(self.id))
            .finish()
    }
}

impl PseudonymKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> PseudonymKey {
        let digest = Sha256::digest(bytes);
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        PseudonymKey {
            cipher: XChaCha20Poly1305::new(bytes.into()),
            id,
        }
    }

    /// Parses a key file's text: 32 bytes as 64 hex digits or as base64
    /// (surrounding whitespace ignored).
    ///
    /// # Errors
    ///
    /// [`PseudonymKeyError`] when the text is neither, or not 32 bytes.
    pub fn parse(text: &str) -> Result<PseudonymKey, PseudonymKeyError> {
        use base64::Engine as _;
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            base64::engine::general_purpose::STANDARD.decode(text).ok()
        };
        let bytes: [u8; 32] =
            bytes
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| PseudonymKeyError {
                    problem: "must hold 32 random bytes as 64 hex digits or base64 \
                          (e.g. `openssl rand -hex 32`)"
                        .into(),
                })?;
        Ok(PseudonymKey::from_bytes(&bytes))
    }

    /// Reads and parses the key file at `path`.
    ///
    /// # Errors
    ///
    /// [`PseudonymKeyError`] naming the path when it cannot be read or does
    /// not hold a key.
    pub fn load(path: &str) -> Result<PseudonymKey, PseudonymKeyError> {
        let text = std::fs::read_to_string(path).map_err(|e| PseudonymKeyError {
            problem: format!("cannot read {path}: {e}"),
        })?;
        PseudonymKey::parse(&text).map_err(|e| PseudonymKeyError {
            problem: format!("{path} {}", e.problem),
        })
    }

    fn aad(&self, context: &[u8]) -> Vec<u8> {
        let mut aad = Vec::with_capacity(DOMAIN.len() + self.id.len() + context.len());
        aad.extend_from_slice(DOMAIN);
        aad.extend_from_slice(&self.id);
        aad.extend_from_slice(context);
        aad
    }

    /// Seals `plaintext` for `context` (the Redis key it is stored under):
    /// version byte, random nonce, ciphertext and tag. `None` only for inputs
    /// the cipher cannot take (over 256 GiB; callers bound mappings to kilobytes).
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = XNonce::from(nonce_bytes);
        let aad = self.aad(context);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    /// Opens what [`PseudonymKey::seal`] wrote for the same `context`.
    ///
    /// # Errors
    ///
    /// [`Unsealable`] for anything else: another version, a short value, a
    /// flipped byte, another key or another context.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unsealable> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
            return Err(Unsealable);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        let nonce = XNonce::from_slice(nonce);
        let aad = self.aad(context);
        self.cipher
            .decrypt(
                nonce,
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn a_sealed_mapping_opens_and_hides_its_text() {
        let key = PseudonymKey::parse(HEX).expect("key");
        let plain = br#"[["[EMAIL_1]","maria.lopez@example.org"]]"#;
        let sealed = key.seal(b"ctx", plain).expect("seals");
        assert!(
            !sealed.windows(5).any(|w| w == b"maria"),
            "the value is not in clear"
        );
        assert_eq!(key.open(b"ctx", &sealed).expect("opens"), plain);
        // A fresh nonce per write.
        assert_ne!(key.seal(b"ctx", plain), Some(sealed));
    }

    #[test]
    fn a_flipped_byte_another_key_or_another_context_is_refused() {
        let key = PseudonymKey::parse(HEX).expect("key");
        let sealed = key.seal(b"ctx", b"secret value").expect("seals");
        for i in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assert_eq!(key.open(b"ctx", &tampered), Err(Unsealable), "byte {i}");
        }
        assert_eq!(key.open(b"other", &sealed), Err(Unsealable));
        assert_eq!(key.open(b"ctx", &sealed[..20]), Err(Unsealable));
        let other = PseudonymKey::from_bytes(&[7u8; 32]);
        assert_eq!(other.open(b"ctx", &sealed), Err(Unsealable));
    }

    #[test]
    fn key_files_hold_hex_or_base64_of_32_bytes() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
        assert!(PseudonymKey::parse(&format!("  {HEX}\n")).is_ok());
        assert!(PseudonymKey::parse(&b64).is_ok());
        for bad in ["", "abc", &HEX[..62], "not base64 at all!!"] {
            let error = PseudonymKey::parse(bad).expect_err(bad);
            assert!(!error.to_string().contains(bad) || bad.is_empty());
        }
        let debug = format!("{:?}", PseudonymKey::parse(HEX).expect("key"));
        assert!(!debug.contains(HEX), "{debug}");
        let missing = PseudonymKey::load("/nonexistent/pg.key").expect_err("missing");
        assert!(missing.to_string().starts_with(PSEUDONYM_KEY_SETTING));
    }
}
