//! Word boundaries and word positions over folded text.

/// Scripts written without spaces between words: no boundary checks, and every
/// character counts as one word for near-rule gaps.
#[inline]
pub(crate) fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF        // Thai, Lao
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F      // halfwidth katakana
        | 0x20000..=0x2FFFF)
}

/// A character that belongs to a word of a spaced script.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() && !is_unspaced(c)
    }
}

/// Does a match starting at `start` begin on a word boundary?
#[cfg(test)]
pub(crate) fn starts_word(text: &str, start: usize) -> bool {
    match text[..start].chars().next_back() {
        None => true,
        Some(c) => !is_word_char(c),
    }
}

/// Does a match ending at `end` end on a word boundary?
#[inline]
pub(crate) fn ends_word(text: &str, end: usize) -> bool {
    match text.as_bytes().get(end) {
        None => return true,
        Some(&b) if b < 0x80 => return !b.is_ascii_alphanumeric(),
        Some(_) => {}
    }
    match text[end..].chars().next() {
        None => true,
        Some(c) => !is_word_char(c),
    }
}

/// Counts word starts in `text[from..to]`, given whether the char before `from`
/// was a word char; returns the count and that flag at `to`.
pub(crate) fn count_word_starts(
    text: &str,
    from: usize,
    to: usize,
    mut in_word: bool,
) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut n = 0;
    let mut i = from;
    while i < to {
        let b = bytes[i];
        if b < 0x80 {
            let w = b.is_ascii_alphanumeric();
            if w && !in_word {
                n += 1;
            }
            in_word = w;
            i += 1;
            continue;
        }
        let c = text[i..]
            .chars()
            .next()
            .expect("invariant: i is a char boundary below to");
        if is_unspaced(c) {
            n += 1;
            in_word = false;
        } else {
            let w = c.is_alphanumeric();
            if w && !in_word {
                n += 1;
            }
            in_word = w;
        }
        i += c.len_utf8();
    }
    (n, in_word)
}

/// Number of words in a folded term (at least 1).
pub(crate) fn word_count(term: &str) -> usize {
    count_word_starts(term, 0, term.len(), false).0.max(1)
}
