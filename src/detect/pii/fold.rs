//! A folded view of a segment for the validators: every Unicode decimal digit becomes
//! its ASCII digit, full-width ASCII forms become ASCII, exotic spaces and dashes become
//! ' ' and '-', and zero-width characters and soft hyphens disappear. Offsets map back
//! to the original text so that a span covers the whole obfuscated value.
//!
//! Plain ASCII or text without any foldable character is borrowed as it is: the common
//! case costs one pass of `is_ascii` and no allocation.

use std::borrow::Cow;

/// The folded text and, when it differs from the original, a byte-offset map.
pub(super) struct Folded<'a> {
    text: Cow<'a, str>,
    /// For each folded byte, the original byte offset of the start of its character.
    starts: Vec<usize>,
    /// For each folded byte, the original byte offset just past its character.
    ends: Vec<usize>,
}

impl<'a> Folded<'a> {
    /// Folds `text`, borrowing it when nothing needs folding.
    pub(super) fn new(text: &'a str) -> Self {
        if text.is_ascii() || !text.chars().any(|c| fold_char(c).is_some()) {
            return Folded { text: Cow::Borrowed(text), starts: Vec::new(), ends: Vec::new() };
        }
        let mut out = String::with_capacity(text.len());
        let mut starts = Vec::with_capacity(text.len());
        let mut ends = Vec::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            match fold_char(c) {
                None => {
                    let before = out.len();
                    out.push(c);
                    for k in 0..(out.len() - before) {
                        // Kept characters map byte for byte.
                        starts.push(i + k);
                        ends.push(i + k + 1);
                    }
                }
                Some(Some(a)) => {
                    out.push(a);
                    starts.push(i);
                    ends.push(end);
                }
                Some(None) => {}
            }
        }
        Folded { text: Cow::Owned(out), starts, ends }
    }

    /// The folded text.
    pub(super) fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the folded text back to the original text.
    pub(super) fn original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.starts.is_empty() {
            return (start, end);
        }
        let s = self.starts.get(start).copied().unwrap_or_else(|| self.ends.last().copied().unwrap_or(0));
        let e = if end == 0 { s } else { self.ends.get(end - 1).copied().unwrap_or(s) };
        (s, e.max(s))
    }
}

/// `None`: keep as is; `Some(Some(a))`: replace by ASCII `a`; `Some(None)`: drop.
fn fold_char(c: char) -> Option<Option<char>> {
    let u = c as u32;
    if u < 0x80 {
        return None;
    }
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).map(Some),
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Some(Some(' ')),
        0x2010..=0x2015 | 0x2212 | 0xFE63 => Some(Some('-')),
        0x200B..=0x200D | 0x2060 | 0xFEFF | 0x00AD => Some(None),
        _ => unicode_digit(u).map(|d| Some((b'0' + d) as char)),
    }
}

/// The value of a Unicode decimal digit (general category Nd) outside ASCII.
fn unicode_digit(u: u32) -> Option<u8> {
    // Code points of DIGIT ZERO for the Nd blocks of the BMP and the common
    // supplementary ones; each block holds the ten digits in order.
    const ZEROS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
        0x1E950, 0x1FBF0,
    ];
    // Most non-ASCII text (Latin, Cyrillic, Greek, CJK) never reaches the search.
    if u < ZEROS[0] || (0x1C5A..0xA620).contains(&u) || (0xAC00..0xFF10).contains(&u) {
        return None;
    }
    // ZEROS is sorted: the only block that can hold `u` starts at the last zero <= u.
    // Circled and other "No" digits are not decimal digits; only Nd is folded.
    let idx = ZEROS.partition_point(|&z| z <= u);
    let z = ZEROS[idx.checked_sub(1)?];
    (u < z + 10).then(|| (u - z) as u8)
}
