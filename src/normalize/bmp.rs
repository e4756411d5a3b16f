//! A set of Basic Multilingual Plane characters as a bit table, for the
//! per-character Unicode properties the hot paths ask on every non-ASCII
//! character (the standard library and `unicode-normalization` search a table
//! on each call).

/// One bit per code point below U+10000 (8 KiB).
///
/// Exists so a property that is slow to compute is computed once per code point,
/// when the table is built, and read with a shift and a mask on each call.
pub struct BmpTable {
    bits: Box<[u64; 1024]>,
}

impl BmpTable {
    /// The table of the BMP characters for which `holds` is true.
    pub fn build(holds: impl Fn(char) -> bool) -> BmpTable {
        let mut bits = Box::new([0u64; 1024]);
        for cp in 0..0x1_0000u32 {
            if char::from_u32(cp).is_some_and(&holds) {
                bits[(cp >> 6) as usize] |= 1 << (cp & 63);
            }
        }
        BmpTable { bits }
    }

    /// Whether `c` is in the set; `None` outside the BMP (the caller asks the
    /// property itself there).
    #[inline]
    pub fn get(&self, c: char) -> Option<bool> {
        let cp = c as u32;
        (cp < 0x1_0000).then(|| (self.bits[(cp >> 6) as usize] >> (cp & 63)) & 1 == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_exactly_the_characters_the_property_holds_for() {
        let odd = BmpTable::build(|c| (c as u32) % 3 == 1);
        for cp in (0..0x1_0000u32).filter_map(char::from_u32) {
            assert_eq!(odd.get(cp), Some((cp as u32) % 3 == 1), "{cp:?}");
        }
        assert_eq!(odd.get('\u{10000}'), None);
        assert_eq!(odd.get(char::MAX), None);
    }
}
