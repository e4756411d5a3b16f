//! Reversible redaction (pseudonymization): PII in the request becomes stable
//! placeholders (`[EMAIL_1]`, `[PERSON_2]`), the model answers in terms of
//! them, and the originals are put back into the answer the user reads.
//!
//! * [`crate::extract::Extraction::pseudonymize`] redacts a request as
//!   [`crate::extract::Extraction::redact`] does and also returns the
//!   [`Pseudonyms`]: which placeholder stands for which value.
//! * [`crate::extract::ResponseExtraction::restore`] finds those placeholders in
//!   the answer (also split over streamed events) and writes the values back. A
//!   placeholder the model invents (`[EMAIL_9]`) or mangles (`[EMAIL 1]`) is
//!   left as it is.
//! * [`PseudonymVault`] keeps each request's mapping between the two phases,
//!   keyed by the request id, bounded in entries, bytes and time.
//!
//! # Must never
//!
//! Show a value: [`Pseudonyms`]' `Debug` prints counts only, and nothing here
//! logs.

mod vault;

use std::collections::HashMap;
use std::fmt;

use aho_corasick::{AhoCorasick, MatchKind};

use super::redact::{Edit, placeholders};
use super::{Extraction, RedactError, Redacted, Redaction, ResponseExtraction};

pub use vault::PseudonymVault;

/// Which placeholder stands for which original value, for one request.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pseudonyms {
    /// (placeholder, original), each placeholder once.
    pairs: Vec<(String, String)>,
}

impl fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pseudonyms")
            .field("count", &self.pairs.len())
            .finish()
    }
}

impl Pseudonyms {
    /// How many placeholders there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Bytes held (for the vault's bound).
    pub fn approx_bytes(&self) -> usize {
        self.pairs.iter().map(|(p, o)| p.len() + o.len() + 48).sum()
    }

    /// The mapping as (placeholder, original) pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Builds a mapping from pairs (a placeholder listed twice keeps its first value).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for (placeholder, original) in pairs {
            if seen.insert(placeholder.clone(), ()).is_none() {
                out.push((placeholder, original));
            }
        }
        Pseudonyms { pairs: out }
    }
}

impl Extraction {
    /// [`Extraction::redact`], and the mapping that undoes it.
    ///
    /// # Errors
    ///
    /// [`RedactError`] when a redaction does not fit its segment.
    pub fn pseudonymize(
        &self,
        redactions: &[Redaction],
    ) -> Result<(Redacted, Pseudonyms), RedactError> {
        let (edits, _) = placeholders(&self.segments, redactions)?;
        let pairs = edits.iter().map(|e| {
            let original = self.segments[e.segment].text[e.span.clone()].to_owned();
            (e.text.clone(), original)
        });
        let pseudonyms = Pseudonyms::from_pairs(pairs);
        Ok((self.redact(redactions)?, pseudonyms))
    }
}

impl ResponseExtraction {
    /// The answer with every placeholder of `pseudonyms` replaced by its value,
    /// or `None` when the answer holds none of them (the body is then passed on
    /// as it is).
    ///
    /// # Errors
    ///
    /// [`RedactError`] when the body cannot be rewritten (a broken invariant,
    /// reported instead of panicking).
    pub fn restore(&self, pseudonyms: &Pseudonyms) -> Result<Option<Vec<u8>>, RedactError> {
        if pseudonyms.is_empty() {
            return Ok(None);
        }
        let patterns: Vec<&str> = pseudonyms.pairs.iter().map(|(p, _)| p.as_str()).collect();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|_| RedactError::Serialize)?;
        let mut edits = Vec::new();
        for (segment, seg) in self.segments().iter().enumerate() {
            for m in matcher.find_iter(&seg.text) {
                edits.push(Edit {
                    segment,
                    span: m.range(),
                    text: pseudonyms.pairs[m.pattern().as_usize()].1.clone(),
                });
            }
        }
        if edits.is_empty() {
            return Ok(None);
        }
        self.replace(&edits).map(Some)
    }
}

#[cfg(test)]
mod tests;
