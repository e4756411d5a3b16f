//! Byte classes and the keyword look-behind shared by every family.

pub(in crate::detect::pii) fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether the character that ends just before `i` is a letter, digit or `_`
/// (non-ASCII letters count: a digit run glued to "ą" or "№" is not a lone number).
pub(in crate::detect::pii) fn word_before(b: &[u8], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let c = b[i - 1];
    if c < 0x80 {
        return is_word(c);
    }
    let mut s = i - 1;
    while s > 0 && (b[s] & 0xC0) == 0x80 {
        s -= 1;
    }
    std::str::from_utf8(&b[s..i])
        .ok()
        .and_then(|t| t.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// Whether the character starting at `i` is a letter, digit or `_`.
pub(in crate::detect::pii) fn word_at(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        None => false,
        Some(&c) if c < 0x80 => is_word(c),
        Some(_) => {
            let end = (i + 4).min(b.len());
            let chunk = &b[i..end];
            let valid = match std::str::from_utf8(chunk) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or(""),
            };
            valid.chars().next().is_some_and(char::is_alphanumeric)
        }
    }
}

pub(in crate::detect::pii) fn skip_word(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_word(b[i]) || b[i] >= 0x80) {
        i += 1;
    }
    i
}

/// Whether one of `keywords` (lower-case) starts a word in the `window` bytes before `at`.
///
/// Called for a few candidates per text, so it is written to touch each word start
/// once and to compare whole keywords only after their first byte matched.
pub(in crate::detect::pii) fn keyword_before(
    b: &[u8],
    at: usize,
    window: usize,
    keywords: &[&str],
) -> bool {
    let from = at.saturating_sub(window.min(64));
    let hay = &b[from..at];
    (0..hay.len()).any(|i| {
        let first = hay[i].to_ascii_lowercase();
        (i == 0 || !hay[i - 1].is_ascii_alphabetic())
            && keywords.iter().any(|k| {
                let k = k.as_bytes();
                k[0] == first
                    && hay.len() - i >= k.len()
                    && hay[i..i + k.len()]
                        .iter()
                        .zip(k)
                        .all(|(a, b)| a.to_ascii_lowercase() == *b)
            })
    })
}

/// Whether `needle` (lower-case) occurs in `hay` (already lower-case).
pub(in crate::detect::pii) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && (0..=hay.len() - needle.len())
            .any(|i| hay[i] == needle[0] && hay[i..i + needle.len()] == *needle)
}
