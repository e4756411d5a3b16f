//! Spaced letters: single letters separated by blanks or punctuation
//! (`i.g.n.o.r.e`, `\忽\略\之\前`) detected cheaply, then joined.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::normalize::alnum::is_alphanumeric;
use crate::normalize::map::{MapBuilder, OffsetMap};

mod lexicon {
    include!(concat!(env!("OUT_DIR"), "/lexicon.rs"));
}

/// The words a run of spaced letters may be cut into: every ASCII word of the
/// shipped English and language-neutral rule packs (`build.rs`). A run is cut
/// only where it reads wholly as these words; other languages' runs are left
/// whole (with every language's short words, almost any run reads as words).
static LEXICON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::LEXICON_WORDS.iter().copied().collect());

/// The lexicon's words (see [`LEXICON`]), for the view that mends words
/// split into fragments (`super::mend`), which reads them into its own table.
pub(super) fn lexicon_words() -> &'static [&'static str] {
    lexicon::LEXICON_WORDS
}

/// Builds [`LEXICON`] now (see `normalize::warm_tables`).
pub(super) fn warm() {
    LazyLock::force(&LEXICON);
}

/// Longest lexicon word a cut tries, in letters.
const LONGEST_WORD: usize = 24;

/// Where to cut `letters` (lowercase ASCII) into words: the cut points
/// (letter counts before each cut) of the reading made only of lexicon
/// words whose squared lengths sum highest (so `yourcompleteprompt` reads
/// `your complete prompt`, and a long word is not cut into the short ones it
/// holds: `without`, not `with out`). Empty when there is no such reading
/// (`conducting`, `help`: a word no rule holds is left whole) or when it is
/// the run whole. At most [`LONGEST_WORD`] lexicon lookups per letter, from
/// the readable positions only.
fn cuts(letters: &[u8]) -> Vec<usize> {
    let n = letters.len();
    // best[i]: the score of the best reading of letters[..i] and where its
    // last word starts; None when letters[..i] has no reading.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for i in 1..=n {
        for j in i.saturating_sub(LONGEST_WORD)..i {
            let Some((before, _)) = best[j] else {
                continue;
            };
            let piece = std::str::from_utf8(&letters[j..i]).unwrap_or("");
            if !LEXICON.contains(piece) {
                continue;
            }
            let score = before + (i - j) * (i - j);
            if best[i].is_none_or(|(s, _)| score > s) {
                best[i] = Some((score, j));
            }
        }
    }
    let mut out = Vec::new();
    let mut i = n;
    while let Some((_, j)) = best[i].filter(|_| i > 0) {
        if j > 0 {
            out.push(j);
        }
        i = j;
    }
    if i > 0 {
        return Vec::new();
    }
    out.reverse();
    out
}

/// Separators used to space out letters: "i g n o r e", "i.g.n.o.r.e", "i-g-n",
/// `\忽\略\之\前`, "i:g:n", "i;g;n", "i=g=n", "i#g#n", "i^g^n".
#[inline]
const fn is_letter_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.'
            | '-'
            | '_'
            | '*'
            | '/'
            | '|'
            | '+'
            | '~'
            | ','
            | '·'
            | '•'
            | '\\'
            | ':'
            | ';'
            | '='
            | '#'
            | '^'
    )
}

#[inline]
fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || c == '@' || c == '$'
}

/// Character classes [`looks_spaced`] reads ASCII bytes with.
const SPACED_WORD: u8 = 1;
const SPACED_SEPARATOR: u8 = 2;

const SPACED_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        // `is_word_char` on ASCII (its Unicode test is not const).
        if c.is_ascii_alphanumeric() || c == b'@' || c == b'$' {
            t[b] = SPACED_WORD;
        } else if is_letter_separator(c as char) {
            t[b] = SPACED_SEPARATOR;
        }
        b += 1;
    }
    t
};

/// The [`looks_spaced`] class of the character at byte `i`, and its length.
#[inline(always)]
fn spaced_class(text: &str, i: usize) -> (u8, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (SPACED_CLASS[usize::from(b)], 1);
    }
    match text[i..].chars().next() {
        Some(c) if is_word_char(c) => (SPACED_WORD, c.len_utf8()),
        Some(c) if is_letter_separator(c) => (SPACED_SEPARATOR, c.len_utf8()),
        Some(c) => (0, c.len_utf8()),
        None => (0, 1),
    }
}

/// [`looks_spaced`]'s states: `NW(k)`, the last character is not a word
/// character and `k` spaced pairs (a single word character and one separator)
/// end just before; `W(k)`, the last character is a word character after a
/// non-word one, with `k` pairs before it; `IN`, inside a word of two or more
/// word characters; `FOUND`, a third pair completed.
const NW0: u8 = 0;
const NW1: u8 = 1;
const NW2: u8 = 2;
const W0: u8 = 3;
const W1: u8 = 4;
const W2: u8 = 5;
const IN: u8 = 6;
const FOUND: u8 = 7;

/// `SPACED_NEXT[state][class]`: the state after one more character of a class
/// (0: other, [`SPACED_WORD`], [`SPACED_SEPARATOR`]).
const SPACED_NEXT: [[u8; 3]; 7] = [
    [NW0, W0, NW0],   // NW0
    [NW0, W1, NW0],   // NW1
    [NW0, W2, NW0],   // NW2
    [NW0, IN, NW1],   // W0
    [NW0, IN, NW2],   // W1
    [NW0, IN, FOUND], // W2
    [NW0, IN, NW0],   // IN
];

/// Marks a non-ASCII byte in [`SPACED_BYTE_NEXT`]: its character is classified
/// whole, off the table.
const NON_ASCII: u8 = 8;

/// [`SPACED_NEXT`] composed with [`SPACED_CLASS`]: the state after one more
/// ASCII byte, `state * 256 + byte`, so the common case is one lookup.
static SPACED_BYTE_NEXT: [u8; 7 * 256] = {
    let mut t = [NON_ASCII; 7 * 256];
    let mut state = 0;
    while state < 7 {
        let mut b = 0;
        while b < 128 {
            t[state * 256 + b] = SPACED_NEXT[state][SPACED_CLASS[b] as usize];
            b += 1;
        }
        state += 1;
    }
    t
};

/// Cheap test on the original text: is there a run of at least three single
/// letters (word characters) separated by one separator each? That is three
/// times a word character, not preceded by one, followed by a separator, each
/// pair right after the last. One pass of a seven-state automaton, a table
/// lookup per ASCII byte, no allocation.
pub(crate) fn looks_spaced(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut state = NW0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = SPACED_BYTE_NEXT[usize::from(state) * 256 + usize::from(b)];
        if next < FOUND {
            state = next;
            i += 1;
            if state == IN {
                // Inside a word every ASCII word character leaves the state
                // as it is: skip the run without the table's chain of loads
                // (most bytes of prose are here).
                while bytes
                    .get(i)
                    .is_some_and(|&b| b < 0x80 && SPACED_CLASS[usize::from(b)] == SPACED_WORD)
                {
                    i += 1;
                }
            }
            continue;
        }
        if next == FOUND {
            return true;
        }
        let (class, len) = spaced_class(text, i);
        state = SPACED_NEXT[usize::from(state)][usize::from(class)];
        if state == FOUND {
            return true;
        }
        i += len;
    }
    false
}

/// Joins spaced or dotted single letters ("i g n o r e" -> "ignore") in an
/// uncollapsed folded text, collapsing whitespace on the way. Words of spaced
/// letters are told apart by a wider gap or a different separator
/// ("i g n o r e   a l l", "a_c_t a_s"), or, in a run with one separator
/// throughout, by the words of the rule packs ([`cuts`]: "y o u r p r o m p t"
/// -> "your prompt"). Returns `None` when no run was joined.
pub(crate) fn join_spaced(text: &str, map: &OffsetMap) -> Option<(String, OffsetMap)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    // keep[k] == false: the char is a separator inside a spaced-letter run.
    let mut keep = vec![true; n];
    // space[k]: the separator at k is kept, as a space (a cut between words).
    let mut space = vec![false; n];
    let mut joined_any = false;
    let single = |k: usize| -> bool {
        is_word_char(chars[k].1)
            && (k == 0 || !is_word_char(chars[k - 1].1))
            && (k + 1 == n || !is_word_char(chars[k + 1].1))
    };
    // Runs of single letters: (first char, last char, letters, separator).
    let mut runs: Vec<(usize, usize, usize, Option<char>)> = Vec::new();
    let mut k = 0;
    while k < n {
        if !single(k) {
            k += 1;
            continue;
        }
        let start = k;
        let mut letters = 1;
        let mut j = k;
        let mut sep: Option<char> = None;
        while j + 2 < n {
            let s = chars[j + 1].1;
            if !is_letter_separator(s) || sep.is_some_and(|p| p != s) || !single(j + 2) {
                break;
            }
            // The next letter opens a run with another separator ("i h.a.v.e"):
            // it belongs to that run.
            if s == ' '
                && j + 4 < n
                && chars[j + 3].1 != s
                && is_letter_separator(chars[j + 3].1)
                && single(j + 4)
            {
                break;
            }
            sep = Some(s);
            letters += 1;
            j += 2;
        }
        if letters >= 2 {
            runs.push((start, j, letters, sep));
        }
        k = j + 1;
    }
    // Three letters make a run; two are enough with separators nobody writes
    // inside normal words, or next to a strong run with only separators between
    // ("y o u   c a n   d o   a n y"), so short words of a spaced sentence join.
    let strong = |r: &(usize, usize, usize, Option<char>)| {
        r.2 >= 3 || matches!(r.3, Some('_' | '*' | '|' | '~' | '+' | '·' | '•' | '\\'))
    };
    let only_separators = |a: usize, b: usize| (a..b).all(|m| is_letter_separator(chars[m].1));
    for (ri, r) in runs.iter().enumerate() {
        let join = strong(r)
            || (ri > 0 && strong(&runs[ri - 1]) && only_separators(runs[ri - 1].1 + 1, r.0))
            || (ri + 1 < runs.len()
                && strong(&runs[ri + 1])
                && only_separators(r.1 + 1, runs[ri + 1].0));
        if !join {
            continue;
        }
        joined_any = true;
        let mut m = r.0 + 1;
        while m < r.1 {
            keep[m] = false;
            m += 2;
        }
        // Spaced words one after another with the same separator make one run
        // (`y o u r p r o m p t`): cut it into the pack's words, the separator
        // before each cut becoming a space.
        if r.2 >= 4 {
            let letters: Vec<u8> = (r.0..=r.1)
                .step_by(2)
                .map(|k| chars[k].1)
                .filter(char::is_ascii_alphabetic)
                .map(|c| c.to_ascii_lowercase() as u8)
                .collect();
            if letters.len() == r.2 {
                for cut in cuts(&letters) {
                    space[r.0 + 2 * cut - 1] = true;
                }
            }
        }
        // A separator that is not a space also fences the word in
        // (`\c\a\ \y\o\u`): dropped at both ends, so the space between two
        // words stays the only break.
        if let Some(sep) = r.3.filter(|&s| s != ' ') {
            if r.0 > 0 && chars[r.0 - 1].1 == sep {
                keep[r.0 - 1] = false;
            }
            if r.1 + 1 < n && chars[r.1 + 1].1 == sep {
                keep[r.1 + 1] = false;
            }
        }
    }
    if !joined_any {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut b = MapBuilder::with_capacity(16);
    let mut prev_space = true;
    for (k, &(pos, c)) in chars.iter().enumerate() {
        if space[k] {
            if !prev_space {
                let r = map.original_range(pos..pos + c.len_utf8());
                out.push(' ');
                b.atomic(r, 1);
                prev_space = true;
            }
            continue;
        }
        if !keep[k] {
            continue;
        }
        if c == ' ' {
            if prev_space {
                continue;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
        let len = c.len_utf8();
        let r = map.original_range(pos..pos + len);
        out.push(c);
        if r.len() == len {
            b.linear(r.start, len);
        } else {
            b.atomic(r, len);
        }
    }
    Some((out, b.finish()))
}
