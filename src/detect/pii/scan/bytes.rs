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

/// A keyword list indexed by first byte, so that a look-behind compares a position
/// only with the few entries that can start there (the lists run to 150 words; a
/// plain scan of every entry at every position was most of L1.5's time on text with
/// many numbers).
///
/// Entries are lower-case; a trailing `*` allows any word ending, otherwise an entry
/// ending in a letter must end a word ("tel" is not "tell").
pub(in crate::detect::pii) struct Keywords {
    /// (stem bytes, prefix allowed), sorted by first byte.
    entries: Vec<(&'static [u8], bool)>,
    /// `entries[start[c]..start[c + 1]]` begin with byte `c`.
    start: [u16; 257],
    longest: usize,
}

impl Keywords {
    pub(in crate::detect::pii) fn new(list: &[&'static str]) -> Keywords {
        let mut entries: Vec<(&'static [u8], bool)> = list
            .iter()
            .filter(|k| !k.is_empty())
            .map(|k| match k.strip_suffix('*') {
                Some(stem) => (stem.as_bytes(), true),
                None => (k.as_bytes(), false),
            })
            .collect();
        entries.sort_by_key(|(k, _)| k[0]);
        let mut start = [0u16; 257];
        for c in 0..256 {
            start[c + 1] = start[c]
                + u16::try_from(
                    entries
                        .iter()
                        .filter(|(k, _)| usize::from(k[0]) == c)
                        .count(),
                )
                .expect("keyword lists are short");
        }
        let longest = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        Keywords {
            entries,
            start,
            longest,
        }
    }

    /// Whether `word` is exactly one of the entries (ASCII case ignored; a `*` stem
    /// matches any word it starts).
    pub(in crate::detect::pii) fn whole(&self, word: &[u8]) -> bool {
        let Some(&c) = word.first() else {
            return false;
        };
        let c = usize::from(c.to_ascii_lowercase());
        let range = usize::from(self.start[c])..usize::from(self.start[c + 1]);
        self.entries[range].iter().any(|&(k, prefix)| {
            let n = if prefix { k.len() } else { word.len() };
            n == k.len()
                && word.len() >= k.len()
                && word[..n]
                    .iter()
                    .zip(k)
                    .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
    }

    /// The end of an entry matching `hay` at `i`, at a word start.
    pub(in crate::detect::pii) fn at(&self, hay: &[u8], i: usize) -> Option<usize> {
        // A word start: no letter before it. A non-ASCII character before it is a
        // letter unless it decodes to something else ("„Ruf mich", "«llámame"); that
        // is read only once an entry matched.
        if i > 0 && hay[i - 1].is_ascii_alphabetic() {
            return None;
        }
        let c = usize::from(hay[i].to_ascii_lowercase());
        let range = usize::from(self.start[c])..usize::from(self.start[c + 1]);
        self.entries[range]
            .iter()
            .find_map(|&(k, prefix)| {
                let end = i + k.len();
                if end > hay.len()
                    || !hay[i + 1..end]
                        .iter()
                        .zip(&k[1..])
                        .all(|(a, b)| a.to_ascii_lowercase() == *b)
                {
                    return None;
                }
                let whole = hay.get(end).is_none_or(|&c| {
                    !(c.is_ascii_alphabetic() || (c >= 0x80 && word_at(hay, end)))
                });
                (prefix || whole || !k.last().is_some_and(u8::is_ascii_alphabetic)).then_some(end)
            })
            .filter(|_| !(i > 0 && hay[i - 1] >= 0x80 && word_before(hay, i)))
    }
}

/// Distance in bytes from the end of the nearest of `keywords` to `at`, looking back
/// at most `window` bytes (the keyword itself may start before the window).
pub(in crate::detect::pii) fn keyword_distance_before(
    b: &[u8],
    at: usize,
    window: usize,
    keywords: &Keywords,
) -> Option<usize> {
    let from = at.saturating_sub(window + keywords.longest);
    let hay = &b[from..at];
    (0..hay.len())
        .rev()
        .filter_map(|i| keywords.at(hay, i))
        .map(|end| hay.len() - end)
        .find(|&d| d <= window)
}

/// Whether one of `keywords` starts within `window` bytes after `at`.
pub(in crate::detect::pii) fn keyword_after(
    b: &[u8],
    at: usize,
    window: usize,
    keywords: &Keywords,
) -> bool {
    let to = (at + window).min(b.len());
    let hay = &b[..(to + keywords.longest).min(b.len())];
    (at..to).any(|i| keywords.at(hay, i).is_some())
}
