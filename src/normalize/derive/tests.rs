//! The table-driven pre-checks against the plain readings they replaced, on
//! random text built from the characters evasions use (invisibles, look-alike
//! letters, full-width forms, marks, CJK, every separator, leetspeak symbols)
//! and on arbitrary Unicode: a pre-check that said "no" wrongly would drop a
//! hardened view.

use proptest::prelude::*;

use super::leet::{LEET_FOLD_MAX_WORD, LeetWord, any_mixed_word, leet_words};
use super::mend::{MendWork, dropped_separators, is_split_separator, junctions};
use super::readings::readings_and_junctions;
use super::spaced::looks_spaced;

/// The spaced-letters test as it was written before the automaton: a walk
/// over characters counting single word characters each followed by a
/// separator.
fn looks_spaced_reference(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '@' || c == '$';
    let sep = |c: char| " .-_*/|+~,·•\\:;=#^".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let (mut run, mut prev_word, mut i) = (0, false, 0);
    while i + 1 < chars.len() {
        let cur = chars[i];
        if word(cur) && !prev_word && sep(chars[i + 1]) {
            run += 1;
            if run >= 3 {
                return true;
            }
            prev_word = false;
            i += 2;
            continue;
        }
        run = 0;
        prev_word = word(cur);
        i += 1;
    }
    false
}

/// The mixed-word pre-check as it was written before the table: one branch
/// per byte class.
fn any_mixed_word_reference(bytes: &[u8]) -> bool {
    let leet = |b: u8| b"0123456789@$!|+".contains(&b);
    let (mut letter, mut leet_char) = (false, false);
    for &b in bytes {
        if b.is_ascii_alphabetic() || b >= 0x80 {
            letter = true;
        } else if b != b'!' && leet(b) {
            leet_char = true;
        } else if b == b'!' {
            leet_char |= letter;
        } else {
            if letter && leet_char {
                return true;
            }
            letter = false;
            leet_char = false;
        }
    }
    letter && leet_char
}

/// Pieces evasions are made of.
const PIECES: &[&str] = &[
    "a",
    "b",
    "i",
    "Z",
    "7",
    "1",
    "0",
    "2",
    "3",
    "@",
    "$",
    "!",
    "|",
    "+",
    " ",
    "  ",
    ".",
    "-",
    "_",
    "*",
    "/",
    "~",
    ",",
    "·",
    "•",
    "\\",
    ":",
    ";",
    "=",
    "#",
    "^",
    "'",
    "\n",
    "\t",
    "\u{200b}",
    "\u{2060}",
    "\u{feff}",
    "\u{00ad}",
    "\u{e0041}",
    "\u{202e}",
    "\u{fe0f}",
    "а",
    "о",
    "е",
    "ο",
    "і",
    "ａ",
    "１",
    "！",
    "é",
    "e\u{301}",
    "ß",
    "ﬁ",
    "忽",
    "略",
    "の",
    "ข",
    "\u{3000}",
    "\u{00a0}",
    "😀",
    "word",
    "ignore",
    "1gn0r3",
    "h4x",
    "!",
    "!!",
    "411",
    "2024",
    "stop!",
];

/// The words leetspeak folding may fold, found as they were before the
/// table: every word listed with its kind, trailing `!`s cut, then the mixed
/// and lone ones kept with their place among all words.
fn leet_words_reference(bytes: &[u8]) -> Vec<LeetWord> {
    let leet = |b: u8| b"0123456789@$!|+".contains(&b);
    let token = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80 || leet(b);
    let (mut out, mut ordinal, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        if !token(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && token(bytes[i]) {
            i += 1;
        }
        let mut end = i;
        while end > start + 1 && bytes[end - 1] == b'!' {
            end -= 1;
        }
        let word = &bytes[start..end];
        let letter = word.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80);
        let has_leet = word.iter().any(|&b| !b.is_ascii_alphabetic() && leet(b));
        let mixed = letter && has_leet && word.len() <= LEET_FOLD_MAX_WORD;
        let lone = has_leet && !letter && word.len() <= 3 && word.iter().all(|&b| leet(b));
        if mixed || lone {
            out.push(LeetWord {
                ordinal,
                start,
                end,
                mixed,
            });
        }
        ordinal += 1;
    }
    out
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(PIECES), 0..40).prop_map(|p| p.concat()),
        "\\PC{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]
    #[test]
    fn looks_spaced_equals_the_character_walk(t in text()) {
        prop_assert_eq!(looks_spaced(&t), looks_spaced_reference(&t), "{:?}", t);
    }

    #[test]
    fn leet_words_equal_the_plain_tokenizer(t in text()) {
        prop_assert_eq!(leet_words(t.as_bytes()), leet_words_reference(t.as_bytes()), "{:?}", t);
    }

    #[test]
    fn any_mixed_word_equals_the_branching_scan(t in text()) {
        prop_assert_eq!(
            any_mixed_word(t.as_bytes()),
            any_mixed_word_reference(t.as_bytes()),
            "{:?}", t
        );
    }
}

#[test]
fn the_pre_checks_see_the_evasions() {
    for t in ["i g n o r e", "x i.g.n", "\\忽\\略\\之\\前", "a·b·c·"] {
        assert!(looks_spaced(t), "{t:?}");
    }
    for t in ["ab c d e", "a b", "i g", "a\u{200b}b c d"] {
        assert!(!looks_spaced(t), "{t:?}");
    }
    for t in ["1gn0r3", "h4x", "stop!now", "pr3v", "é1", "s3n2a"] {
        assert!(any_mixed_word(t.as_bytes()), "{t:?}");
    }
    for t in ["2024", "3.14", "hello world", "a 1 b", "x-y"] {
        assert!(!any_mixed_word(t.as_bytes()), "{t:?}");
    }
}

/// Pieces of texts for the split-word tests: fragments of attack words, real
/// words, one-letter words, separators and what fences a fragment.
const SPLIT_PIECES: &[&str] = &[
    "ig", "nore", "ignore", "pre", "vious", "in", "struc", "tions", "sys", "tem", "dis", "regard",
    "jail", "break", "over", "ride", "re", "veal", "a", "i", "s", "the", "any", "one", "can",
    "not", " ", " ", " ", "-", ".", "_", "*", "/", "  ", "1", "'", "ж", "\n",
];

fn split_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(SPLIT_PIECES), 0..24)
        .prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]
    /// The common-word walk collects exactly the junctions the plain walk
    /// finds, and the long words the split view's own scan finds.
    #[test]
    fn the_word_walk_collects_every_junction(text in split_text()) {
        let (mut walked, mut long, mut blocks) = (Vec::new(), Vec::new(), Vec::new());
        let counts = readings_and_junctions(&text, &mut walked, &mut long, &mut blocks);
        prop_assert_eq!(walked, junctions(text.as_bytes()));
        prop_assert_eq!(long, crate::normalize::split::long_words(&text));
        // The blocks add up to the whole text's counts, in order.
        let sum = blocks
            .iter()
            .fold(super::Readings::default(), |sum: super::Readings, b| sum.add(b.counts));
        prop_assert_eq!(sum, counts);
        prop_assert!(blocks.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        prop_assert!(blocks.iter().all(|b| b.counts.words <= super::readings::BLOCK_WORDS));
    }

    /// A junction the letter-quadruple test turns away lies inside no mend:
    /// mending from every separator between two letters drops the same
    /// separators as mending from the junctions the test passes.
    #[test]
    fn the_junction_test_turns_away_no_mend(text in split_text()) {
        let b = text.as_bytes();
        let every: Vec<usize> = (1..b.len().saturating_sub(1))
            .filter(|&i| {
                is_split_separator(b[i])
                    && b[i - 1].is_ascii_lowercase()
                    && b[i + 1].is_ascii_lowercase()
            })
            .collect();
        let mut work = MendWork::default();
        prop_assert_eq!(
            dropped_separators(b, &every, &mut work),
            dropped_separators(b, &junctions(b), &mut work)
        );
    }
}
