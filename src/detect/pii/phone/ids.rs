//! Shapes that make a digit run something other than a phone whatever word stands
//! near it: an HTTP status line's status and byte count ("… HTTP/1.1" 200 82894", where
//! "phones" in the request path before it is no phone word), and a code glued to its
//! letters by a hyphen ("CN-808-041-4682", "RMA-2024-…").
//!
//! Both are a few byte comparisons right before the run, made only for digit runs
//! that reach the phone rules.

use super::words::WORDS;

/// Whether the digits at `start` follow an HTTP version (`HTTP/1.1`, `HTTP/2`, a
/// closing quote and spaces between): a status code and what follows it (a byte
/// count, a latency) in an access-log or status line.
pub(super) fn http_status(b: &[u8], start: usize) -> bool {
    let mut j = start;
    while j > 0 && start - j < 2 && b[j - 1] == b' ' {
        j -= 1;
    }
    if j == start {
        return false;
    }
    if j > 0 && b[j - 1] == b'"' {
        j -= 1;
    }
    // The version: digits and at most one dot.
    let v = j;
    while j > 0 && v - j < 3 && (b[j - 1].is_ascii_digit() || b[j - 1] == b'.') {
        j -= 1;
    }
    j < v && j >= 5 && b[j - 5..j].eq_ignore_ascii_case(b"HTTP/")
}

/// Whether the digits at `start` are glued by a hyphen to a word of letters before
/// them ("CN-808-041-4682", "RMA-2024-118840"): a code's prefix, unless that word is
/// a phone word or label ("Tel-0612…").
pub(super) fn letter_prefixed(b: &[u8], start: usize) -> bool {
    if start < 2 || b[start - 1] != b'-' || !b[start - 2].is_ascii_alphabetic() {
        return false;
    }
    let end = start - 1;
    let from = b[..end]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(0, |p| p + 1);
    // A letter other than ASCII before the word: part of a longer word, read as one.
    if from > 0 && b[from - 1] >= 0x80 {
        return false;
    }
    let word = &b[from..end];
    !(WORDS.phone.whole(word) || WORDS.label.whole(word))
}
