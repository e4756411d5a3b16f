//! `char::is_alphanumeric` for the Basic Multilingual Plane as a bit table.
//!
//! The standard library searches a table on every non-ASCII call; the
//! spaced-letter check ([`super::derive::looks_spaced`]) asks it of every
//! non-ASCII character of every text, which on a chat body of non-English
//! prompts was about a twentieth of L1's instructions. Built once from the
//! standard library's own answer, so the same answer by construction (a test
//! compares every character).

use std::sync::LazyLock;

use super::BmpTable;

/// The alphanumeric characters of the BMP.
static BMP_ALNUM: LazyLock<BmpTable> = LazyLock::new(|| BmpTable::build(char::is_alphanumeric));

/// `c.is_alphanumeric()`, read from [`BMP_ALNUM`] for BMP characters.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        BMP_ALNUM.get(c).unwrap_or_else(|| c.is_alphanumeric())
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
