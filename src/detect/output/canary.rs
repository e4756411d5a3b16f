//! Canary strings: planted in the system prompt, never to be seen in an answer.
//!
//! A leaking model may not copy a canary verbatim (`Z3-QX 9 MK`, `z3qx9mk`,
//! full-width letters, zero-width spaces between characters), so canaries are
//! matched on the compact view of the answer ([`CompactView`]: NFKC, lowercase,
//! letters and digits only). Every match maps back to a byte range of the
//! original text.

use std::ops::Range;

use aho_corasick::AhoCorasick;

use super::OutputConfigError;
use crate::normalize::CompactView;

/// Letters and digits a canary needs, so it cannot match ordinary words.
pub const MIN_CANARY_CHARS: usize = 8;

/// The compiled canaries of a policy.
#[derive(Debug, Clone, Default)]
pub struct Canaries {
    automaton: Option<AhoCorasick>,
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
            let c = CompactView::new(canary).as_str().to_owned();
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
        let c = CompactView::new(text);
        automaton
            .find_iter(c.as_str())
            .filter_map(|m| c.original_range(m.start()..m.end()))
            .collect()
    }
}
