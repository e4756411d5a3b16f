//! Canary strings: planted in the system prompt, never to be seen in an answer.
//!
//! A leaking model may not copy a canary verbatim (`Z3-QX 9 MK`, `z3qx9mk`,
//! full-width letters, zero-width spaces between characters), so canaries are
//! matched on a compact view of the answer: NFKC, lowercase, letters and digits
//! only. Every match maps back to a byte range of the original text.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use unicode_normalization::UnicodeNormalization;

use super::OutputConfigError;

/// Letters and digits a canary needs, so it cannot match ordinary words.
pub const MIN_CANARY_CHARS: usize = 8;

/// The compiled canaries of a policy.
#[derive(Debug, Clone, Default)]
pub struct Canaries {
    automaton: Option<AhoCorasick>,
}

/// Text reduced to lowercase letters and digits, with where each came from.
struct Compact {
    text: String,
    /// Per byte offset of a character in `text` (ascending): its source range.
    origin: Vec<(usize, Range<usize>)>,
}

fn compact(text: &str) -> Compact {
    let mut out = Compact {
        text: String::with_capacity(text.len()),
        origin: Vec::new(),
    };
    for (start, c) in text.char_indices() {
        let source = start..start + c.len_utf8();
        for n in std::iter::once(c).nfkc() {
            if !n.is_alphanumeric() {
                continue;
            }
            for l in n.to_lowercase() {
                out.origin.push((out.text.len(), source.clone()));
                out.text.push(l);
            }
        }
    }
    out
}

impl Canaries {
    /// Compiles the canaries.
    ///
    /// # Errors
    ///
    /// [`OutputConfigError::CanaryTooShort`] for a canary with fewer than
    /// [`MIN_CANARY_CHARS`] letters or digits.
    pub fn new(canaries: &[String]) -> Result<Self, OutputConfigError> {
        let mut patterns = Vec::with_capacity(canaries.len());
        for (index, canary) in canaries.iter().enumerate() {
            let c = compact(canary).text;
            if c.chars().count() < MIN_CANARY_CHARS {
                return Err(OutputConfigError::CanaryTooShort {
                    index,
                    min: MIN_CANARY_CHARS,
                });
            }
            patterns.push(c);
        }
        if patterns.is_empty() {
            return Ok(Canaries::default());
        }
        // Building fails only past the automaton's size limits.
        let automaton = AhoCorasick::new(&patterns)
            .map_err(|_| OutputConfigError::TooManyCanaries(patterns.len()))?;
        Ok(Canaries {
            automaton: Some(automaton),
        })
    }

    /// The byte ranges of `text` where a canary appears.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let c = compact(text);
        // The source range of the compact character holding byte `offset`.
        let source = |offset: usize| {
            let i = c.origin.partition_point(|(o, _)| *o <= offset);
            c.origin.get(i.checked_sub(1)?).map(|(_, r)| r.clone())
        };
        automaton
            .find_iter(&c.text)
            .filter_map(|m| {
                let first = source(m.start())?;
                let last = source(m.end() - 1)?;
                Some(first.start..last.end.max(first.end))
            })
            .collect()
    }
}
