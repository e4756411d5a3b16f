//! Views derived from a folded text: leetspeak folded, spaced letters joined,
//! rot13 and reversed, strings joined as an expression adds them, words split
//! into fragments mended. Each one keeps an offset map to the original text.
//!
//! One room per rewriting: `leet`, `spaced`, `readings` (rot13 and
//! reversal, with the common-word count of `common_words` that decides
//! whether they are worth a view), `concat`, `mend`.

mod common_words;
mod concat;
mod leet;
mod mend;
mod readings;
mod spaced;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use common_words::COMMON_WORDS;
pub(crate) use concat::joined_strings;
pub(crate) use leet::{LeetScan, dense_in_spelled_words, leet};
pub(crate) use mend::{
    SEAM_REACH, junction_near_changes, junction_near_non_ascii, junctions, junctions_after_changes,
    mend_at, mend_split_words, mends_within,
};
#[cfg(test)]
pub(crate) use readings::readings;
pub(crate) use readings::{
    LONG_WORD, Reading, ReadingBlock, Readings, reading_windows, readings_and_junctions, reversed,
    rot13,
};
pub(crate) use spaced::{join_spaced, looks_spaced};

/// Builds the lexicon spaced words are cut with, the table split words are
/// mended with, and compiles the patterns of the concatenation view, so the
/// first request that needs them does not.
pub(crate) fn warm() {
    spaced::warm();
    mend::warm();
    concat::warm();
}
