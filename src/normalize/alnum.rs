//! `char::is_alphanumeric` for the Basic Multilingual Plane as a bit table.
//!
//! The standard library searches a table on every non-ASCII call; the
//! spaced-letter check ([`super::derive::looks_spaced`]) asks it of every
//! non-ASCII character of every text, which on a chat body of non-English
//! prompts was about a twentieth of L1's instructions. One bit per code point
//! (8 KiB), built once from the standard library's own answer, so the same
//! answer by construction (a test compares every character).

use std::sync::LazyLock;

/// Bit `cp` set: the BMP character `cp` is alphanumeric.
static BMP_ALNUM: LazyLock<Box<[u64; 1024]>> = LazyLock::new(|| {
    let mut bits = Box::new([0u64; 1024]);
    for cp in 0..0x1_0000u32 {
        if char::from_u32(cp).is_some_and(char::is_alphanumeric) {
            bits[(cp >> 6) as usize] |= 1 << (cp & 63);
        }
    }
    bits
});

/// `c.is_alphanumeric()`, read from [`BMP_ALNUM`] for BMP characters.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    let cp = c as u32;
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if cp < 0x1_0000 {
        (BMP_ALNUM[(cp >> 6) as usize] >> (cp & 63)) & 1 == 1
    } else {
        c.is_alphanumeric()
    }
}

/// Builds the table now ([`super::warm_tables`]).
pub(super) fn warm() {
    LazyLock::force(&BMP_ALNUM);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_agrees_with_the_standard_library_on_every_char() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                super::is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
