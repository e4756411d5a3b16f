//! The fold of every non-ASCII character of the Basic Multilingual Plane,
//! computed once, so folding non-English text reads one table entry per
//! character instead of deciding it again each time.
//!
//! Folding a non-ASCII character ([`super::fold`]) asks whether it is
//! invisible or whitespace, then decomposes it, drops combining marks, case
//! folds what is left (a search in the standard library's case tables) and,
//! for the skeleton, looks each result up in the UTS #39 confusables. None of
//! it depends on the text around the character, and prose in Cyrillic, Greek
//! or CJK repeats a few hundred characters: on a chat body of such prose the
//! per-character work was about two fifths of L1's instructions. The table is
//! built from the very functions it replaces ([`classify`]), so it gives the
//! same bytes by construction; a test compares every character both ways.
//! Characters outside the BMP (emoji, rare CJK) keep the direct path.

use std::sync::LazyLock;

use super::fold::{Class, classify};

/// Entry tags above any packed entry (a packed entry's top bit is clear).
const INVISIBLE: u32 = u32::MAX;
const WHITESPACE: u32 = u32::MAX - 1;
/// The fold is longer than [`MAX_LEN`] bytes: computed directly.
const DIRECT: u32 = u32::MAX - 2;
/// The fold is the character itself (most CJK, Arabic, Indic...): no bytes stored.
const SAME: u32 = 1 << 30;
/// The fold holds a letter of a script with Latin look-alikes.
const CONFUSABLE: u32 = 1 << 29;
/// Bits of the stored fold's length (after its offset's 22 bits).
const LEN_SHIFT: u32 = 22;
const MAX_LEN: usize = 0x7F;
const OFFSET_MASK: u32 = (1 << LEN_SHIFT) - 1;

/// The folds of one mode (plain or skeleton): one entry per BMP character,
/// the folded bytes in `pool`.
struct Folds {
    entries: Vec<u32>,
    pool: String,
}

/// How one character folds, as the table hands it out.
pub(super) enum Entry<'a> {
    /// Removed (zero-width, bidi controls, tags...).
    Invisible,
    /// Reads as one space.
    Whitespace,
    /// Its fold (possibly empty) and whether that holds look-alike letters.
    Folded(&'a str, bool),
    /// Not in the table: fold it directly.
    Direct,
}

impl Folds {
    fn build(skeleton: bool) -> Folds {
        let mut entries = vec![DIRECT; 0x1_0000];
        let mut pool = String::new();
        let mut buf = [0u8; 4];
        for cp in 0x80u32..0x1_0000 {
            let Some(c) = char::from_u32(cp) else {
                continue; // surrogates are no chars
            };
            entries[cp as usize] = match classify(c, skeleton) {
                Class::Invisible => INVISIBLE,
                Class::Whitespace => WHITESPACE,
                Class::Folded(s, confusable) => {
                    let flag = if confusable { CONFUSABLE } else { 0 };
                    if s.as_str() == &*c.encode_utf8(&mut buf) {
                        SAME | flag
                    } else if s.len() > MAX_LEN || pool.len() + s.len() > OFFSET_MASK as usize {
                        DIRECT
                    } else {
                        let at = pool.len() as u32;
                        pool.push_str(&s);
                        at | (s.len() as u32) << LEN_SHIFT | flag
                    }
                }
            };
        }
        Folds { entries, pool }
    }

    #[inline]
    fn get<'a>(&'a self, c: char, own: &'a str) -> Entry<'a> {
        let Some(&e) = self.entries.get(c as usize) else {
            return Entry::Direct;
        };
        match e {
            INVISIBLE => Entry::Invisible,
            WHITESPACE => Entry::Whitespace,
            DIRECT => Entry::Direct,
            e if e & SAME != 0 => Entry::Folded(own, e & CONFUSABLE != 0),
            e => {
                let at = (e & OFFSET_MASK) as usize;
                let len = (e >> LEN_SHIFT) as usize & MAX_LEN;
                // The pool holds whole folds end to end: the range is on
                // char boundaries (checked at two bytes, not validated again).
                match self.pool.get(at..at + len) {
                    Some(s) => Entry::Folded(s, e & CONFUSABLE != 0),
                    None => Entry::Direct,
                }
            }
        }
    }
}

static PLAIN: LazyLock<Folds> = LazyLock::new(|| Folds::build(false));
static SKELETON: LazyLock<Folds> = LazyLock::new(|| Folds::build(true));

/// How the non-ASCII character `c` folds (`own` is its UTF-8 text), in the
/// skeleton mode or not: what [`classify`] says, read from the table.
#[inline]
pub(super) fn lookup<'a>(c: char, own: &'a str, skeleton: bool) -> Entry<'a> {
    if skeleton {
        SKELETON.get(c, own)
    } else {
        PLAIN.get(c, own)
    }
}

/// Builds both tables now ([`super::warm_tables`]).
pub(super) fn warm() {
    LazyLock::force(&PLAIN);
    LazyLock::force(&SKELETON);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every BMP character reads from the table exactly what folding it
    /// directly gives, in both modes.
    #[test]
    fn the_table_is_the_direct_fold_of_every_bmp_character() {
        let mut buf = [0u8; 4];
        for skeleton in [false, true] {
            for cp in 0x80u32..0x1_0000 {
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                let own = c.encode_utf8(&mut buf);
                let direct = classify(c, skeleton);
                match (lookup(c, own, skeleton), direct) {
                    (Entry::Invisible, Class::Invisible) => {}
                    (Entry::Whitespace, Class::Whitespace) => {}
                    (Entry::Folded(s, k), Class::Folded(d, dk)) => {
                        assert_eq!((s, k), (d.as_str(), dk), "U+{cp:04X} skeleton {skeleton}");
                    }
                    (Entry::Direct, Class::Folded(d, _)) => {
                        assert!(d.len() > MAX_LEN, "U+{cp:04X} skeleton {skeleton}");
                    }
                    _ => panic!("U+{cp:04X} skeleton {skeleton}: the class differs"),
                }
            }
        }
    }

    #[test]
    fn characters_outside_the_bmp_fold_directly() {
        let c = '😀';
        let mut buf = [0u8; 4];
        assert!(matches!(
            lookup(c, c.encode_utf8(&mut buf), false),
            Entry::Direct
        ));
    }
}
