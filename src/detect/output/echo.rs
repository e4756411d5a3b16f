//! The system prompt echoed back: an answer that repeats a long run of the
//! route's system prompt word for word has leaked it.
//!
//! Words are runs of letters and digits, compared lowercased; the prompt's
//! runs of [`SHINGLE_WORDS`] words are hashed into a set, and the answer's
//! consecutive matching runs are chained. One pass over each text.

use std::collections::HashSet;
use std::ops::Range;

/// Words per hashed run (the smallest echo the index can see).
pub const SHINGLE_WORDS: usize = 6;
/// Default words in order that make an echo: about two sentences, longer than
/// the stock phrases an assistant repeats from its instructions.
pub const DEFAULT_MIN_WORDS: usize = 20;

/// The words of `text`: (hash of the lowercased word, byte range).
fn words(text: &str) -> Vec<(u64, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut hash = FNV_OFFSET;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
                hash = FNV_OFFSET;
            }
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                for b in l.encode_utf8(&mut buf).bytes() {
                    hash = (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
                }
            }
        } else if let Some(s) = start.take() {
            out.push((hash, s..i));
        }
    }
    if let Some(s) = start {
        out.push((hash, s..text.len()));
    }
    out
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// The hash of the run of words starting at each position.
fn shingles(words: &[(u64, Range<usize>)]) -> impl Iterator<Item = u64> + '_ {
    words.windows(SHINGLE_WORDS).map(|w| {
        w.iter().fold(FNV_OFFSET, |h, (word, _)| {
            (h ^ word).wrapping_mul(FNV_PRIME).rotate_left(17)
        })
    })
}

/// A system prompt indexed for [`EchoIndex::find`].
#[derive(Debug, Clone)]
pub struct EchoIndex {
    runs: HashSet<u64>,
    min_words: usize,
}

impl EchoIndex {
    /// Indexes `system_prompt`; `None` when it has fewer than `min_words` words
    /// (it cannot be echoed at that length).
    pub fn new(system_prompt: &str, min_words: usize) -> Option<Self> {
        let words = words(system_prompt);
        let min_words = min_words.max(SHINGLE_WORDS);
        if words.len() < min_words {
            return None;
        }
        Some(EchoIndex {
            runs: shingles(&words).collect(),
            min_words,
        })
    }

    /// Byte ranges of `text` that repeat at least `min_words` consecutive words
    /// of the prompt.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let words = words(text);
        let mut out = Vec::new();
        let mut run: Option<usize> = None;
        let hits: Vec<bool> = shingles(&words).map(|h| self.runs.contains(&h)).collect();
        for i in 0..=hits.len() {
            match (hits.get(i).copied().unwrap_or(false), run) {
                (true, None) => run = Some(i),
                (false, Some(first)) => {
                    let last_word = i - 1 + SHINGLE_WORDS - 1;
                    if last_word + 1 - first >= self.min_words {
                        out.push(words[first].1.start..words[last_word].1.end);
                    }
                    run = None;
                }
                _ => {}
            }
        }
        out
    }
}
