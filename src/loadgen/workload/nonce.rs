//! The nonce: a fixed-width marker (`[ref bcdf…]`) at the start of a body's
//! last message. A fresh body carries the placeholder; rewriting it in place
//! inside an encoded frame makes every request unique to the L0 cache
//! without encoding or allocating, and keeps the body's length.

/// The nonce alphabet: 16 consonants, 4 bits per character.
const NONCE_ALPHABET: &[u8; 16] = b"bcdfghjklmnpqrst";
/// Characters in a nonce: 48 bits, unique for any realistic run.
pub const NONCE_LEN: usize = 12;
/// The nonce as written in a fresh body, before any request rewrites it.
pub(super) const NONCE_PLACEHOLDER: &[u8; NONCE_LEN] = b"bbbbbbbbbbbb";

/// Writes the low 48 bits of `nonce` as [`NONCE_LEN`] alphabet characters at
/// `at` in an encoded body frame.
pub fn write_nonce_at(frame: &mut [u8], at: usize, nonce: u64) {
    let Some(slot) = frame.get_mut(at..at + NONCE_LEN) else {
        return;
    };
    for (i, byte) in slot.iter_mut().enumerate() {
        let shift = 4 * (NONCE_LEN - 1 - i);
        *byte = NONCE_ALPHABET[((nonce >> shift) & 0xF) as usize];
    }
}
