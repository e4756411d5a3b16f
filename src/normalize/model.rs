//! The model text: what L2 (the classifier) reads, both its n-gram featurizer and its
//! tokenizer. NFKC, invisible characters dropped, per-character lowercase, the common
//! Cyrillic and Greek look-alikes of Latin letters folded, whitespace runs collapsed to
//! one space, one space of padding on each side.
//!
//! Why not the folded view ([`super::ViewKind::Folded`]): the model was trained on this
//! text, and `models/train/featurize.py` is its specification, character for character.
//! The model's `model.toml` names the normalization it was trained with, and a model
//! that names another one is refused ([`MODEL_TEXT_ID`]); changing anything here means
//! a new id and a retrained model. It keeps diacritics and case-folds only per
//! character, as the training did, and has no offset map: L2 scores the whole text and
//! reports the whole segment.

use std::sync::LazyLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::BmpTable;

/// The normalization [`model_text_into`] implements, as `model.toml` names it
/// (`encoder.normalize`, `ngram.normalize`). Part of the model format: a model
/// trained on another normalization does not load.
pub const MODEL_TEXT_ID: &str = "nfkc-invisible-lowercase-confusables-whitespace-v1";

/// Invisible characters as `featurize.py` lists them: a shorter list than the folded
/// view's, and it must stay so, since the model was trained on it.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x180E | 0xFEFF | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F)
}

/// Whitespace as `featurize.py` reads it (Python's `str.isspace` over these ranges).
fn is_space(c: char) -> bool {
    matches!(c as u32,
        0x09..=0x0D | 0x20 | 0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000)
}

/// The look-alikes `featurize.py` folds (a fixed list, not the UTS #39 skeleton the
/// folded view's [`super::ViewKind::Skeleton`] uses). The skeleton view reads the
/// small letters of this list the same way where UTS #39 does not (`fold::small_lookalike`),
/// so the two layers share one list of look-alikes.
pub(super) fn fold_confusable(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'е' | 'ё' | 'ε' => 'e',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' | 'һ' => 'h',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'с' => 'c',
        'т' | 'τ' => 't',
        'у' | 'γ' => 'y',
        'х' | 'χ' => 'x',
        'ѕ' => 's',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ν' => 'v',
        'υ' => 'u',
        'η' => 'n',
        other => other,
    }
}

/// The model text of `text` as characters, padded with one space on each side
/// ([`model_text_into`] for tests that need no reusable buffer).
#[cfg(test)]
pub(crate) fn model_text(text: &str) -> Vec<char> {
    let mut joined = String::new();
    model_text_into(text, &mut joined);
    joined.chars().collect()
}

/// Writes the model text of `text`, padded with one space on each side, into `out`
/// (cleared first). The buffer is the caller's so that a scoring slot reuses it; both
/// the n-gram featurizer and the tokenizer read this one string.
pub fn model_text_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len() + 2);
    if text.is_ascii() {
        // NFKC is the identity on ASCII, and no ASCII character is invisible or a
        // look-alike: only whitespace and case remain, byte by byte.
        push_normalized_ascii(text.as_bytes(), out);
        return;
    }
    let mut writer = Writer::new(out);
    for_nfkc(text, &mut writer);
    writer.finish();
}

/// Writes the NFKC form of `text` into `writer` in one pass, running the normalizer
/// only over the spans that need it. A character that is a starter (combining class 0)
/// and NFKC quick-check Yes is a normalization boundary: nothing before it reorders past
/// it or composes with it (only quick-check Maybe characters compose backwards), so the
/// text can be cut before it and each piece normalized alone. A boundary character is
/// written as it is, and taken back ([`NfkcSink::rewind`]) when the character after it
/// opens a span: the span runs from that boundary to the next one and is written
/// normalized. A mostly normalized text (a few full-width commas in Chinese, a
/// decomposed accent) is read once and normalized only around such characters.
fn for_nfkc(text: &str, writer: &mut impl NfkcSink) {
    let bytes = text.as_bytes();
    // The last boundary seen, and the writer's state before it was written.
    let mut boundary = 0;
    let mut mark = writer.mark();
    // Where the span being normalized starts, while one is open.
    let mut open: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        let end = at + ascii_prefix(&bytes[at..]);
        if end > at {
            // Every ASCII character is a boundary: the run's last is the last one.
            if let Some(start) = open.take() {
                text[start..at].nfkc().for_each(|n| writer.push(n));
            }
            writer.push_ascii(&bytes[at..end - 1]);
            boundary = end - 1;
            mark = writer.mark();
            writer.push(char::from(bytes[end - 1]));
            at = end;
        }
        // Non-ASCII characters up to the next ASCII one.
        let mut next = bytes.len();
        for (offset, c) in text[at..].char_indices() {
            if c.is_ascii() {
                next = at + offset;
                break;
            }
            if is_boundary(c) {
                if let Some(start) = open.take() {
                    text[start..at + offset].nfkc().for_each(|n| writer.push(n));
                }
                boundary = at + offset;
                mark = writer.mark();
                writer.push(c);
            } else if open.is_none() {
                writer.rewind(mark);
                open = Some(boundary);
            }
        }
        at = next;
    }
    if let Some(start) = open {
        text[start..].nfkc().for_each(|n| writer.push(n));
    }
}

/// The length of the ASCII prefix of `bytes`, read eight bytes at a time.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut n = 0;
    for c in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        n += 8;
    }
    n + bytes[n..].iter().take_while(|b| b.is_ascii()).count()
}

/// Appends the NFKC form of `text` to `out` (the spans of [`for_nfkc`], as they come).
#[cfg(test)]
fn nfkc_into(text: &str, out: &mut String) {
    for_nfkc(text, out);
}

/// Where [`for_nfkc`] writes: characters, and a way to take the last ones back.
trait NfkcSink {
    /// A state of the sink to return to.
    type Mark: Copy;
    fn mark(&self) -> Self::Mark;
    /// Takes back what was written since `mark`.
    fn rewind(&mut self, mark: Self::Mark);
    fn push(&mut self, c: char);
    /// Writes ASCII characters (as [`NfkcSink::push`] does, one by one).
    fn push_ascii(&mut self, run: &[u8]) {
        run.iter().for_each(|&b| self.push(char::from(b)));
    }
}

/// The NFKC text itself (tests).
#[cfg(test)]
impl NfkcSink for String {
    type Mark = usize;
    fn mark(&self) -> usize {
        self.len()
    }
    fn rewind(&mut self, mark: usize) {
        self.truncate(mark);
    }
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
}

/// Whether NFKC may cut the text before `c` ([`for_nfkc`]).
#[inline]
fn is_boundary(c: char) -> bool {
    c.is_ascii()
        || NFKC_BOUNDARIES
            .get(c)
            .unwrap_or_else(|| is_boundary_slow(c))
}

/// [`is_boundary`] from the Unicode tables: a starter whose NFKC quick check
/// is Yes. Two table searches per call, so the BMP's answers are kept in
/// [`NFKC_BOUNDARIES`].
fn is_boundary_slow(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) == 0
        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// The Basic Multilingual Plane's NFKC boundaries ([`is_boundary_slow`]), built
/// when the model loads ([`warm_model_text`]).
static NFKC_BOUNDARIES: LazyLock<BmpTable> = LazyLock::new(|| BmpTable::build(is_boundary_slow));

/// Whether the model text keeps the non-ASCII character `c` as it is: neither
/// invisible nor whitespace, its lowercase is itself alone, and it is no look-alike.
fn is_kept_slow(c: char) -> bool {
    let mut lower = c.to_lowercase();
    !c.is_ascii()
        && !is_invisible(c)
        && !is_space(c)
        && lower.next() == Some(c)
        && lower.next().is_none()
        && fold_confusable(c) == c
}

/// The Basic Multilingual Plane's [`is_kept_slow`] characters (most letters of most
/// scripts: CJK, lowercase Cyrillic but its look-alikes, accented small Latin), so
/// that [`Writer::push`] skips the case tables for them; built with
/// [`NFKC_BOUNDARIES`].
static KEPT: LazyLock<BmpTable> = LazyLock::new(|| BmpTable::build(is_kept_slow));

/// Builds the model text's tables now, so that no request pays for them.
pub fn warm_model_text() {
    LazyLock::force(&NFKC_BOUNDARIES);
    LazyLock::force(&KEPT);
}

/// The model text of ASCII text, without the per-character Unicode tables.
fn push_normalized_ascii(text: &[u8], out: &mut String) {
    let mut writer = Writer::new(out);
    writer.push_ascii(text);
    writer.finish();
}

/// Writes NFKC text into the model text, character by character: invisibles
/// dropped, whitespace runs collapsed to one space, per-character lowercase and
/// look-alikes folded. Its state is the output's length and whether a space is
/// pending, so a [`Writer::mark`] can be returned to.
struct Writer<'a> {
    out: &'a mut String,
    pending_space: bool,
}

/// A state of a [`Writer`] to return to.
#[derive(Clone, Copy)]
struct Mark {
    len: usize,
    pending_space: bool,
}

impl<'a> Writer<'a> {
    /// A writer whose output starts with the padding space.
    fn new(out: &'a mut String) -> Self {
        out.push(' ');
        Writer {
            out,
            pending_space: false,
        }
    }

    /// Writes a character that is not whitespace.
    #[inline(always)]
    fn put(&mut self, c: char) {
        if self.pending_space && self.out.len() > 1 {
            self.out.push(' ');
        }
        self.pending_space = false;
        self.out.push(c);
    }

    /// Writes the padding space at the end.
    fn finish(self) {
        self.out.push(' ');
    }
}

impl NfkcSink for Writer<'_> {
    type Mark = Mark;

    #[inline(always)]
    fn mark(&self) -> Mark {
        Mark {
            len: self.out.len(),
            pending_space: self.pending_space,
        }
    }

    fn rewind(&mut self, mark: Mark) {
        self.out.truncate(mark.len);
        self.pending_space = mark.pending_space;
    }

    /// [`NfkcSink::push`] of every byte, in one tight loop.
    #[inline(always)]
    fn push_ascii(&mut self, run: &[u8]) {
        let out = &mut *self.out;
        let mut pending_space = self.pending_space;
        for &b in run {
            // `is_space` on ASCII: tab, newline, vertical tab, form feed, carriage
            // return, space.
            if matches!(b, 0x09..=0x0D | b' ') {
                pending_space = true;
                continue;
            }
            if pending_space && out.len() > 1 {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(b.to_ascii_lowercase()));
        }
        self.pending_space = pending_space;
    }

    /// Writes one character of NFKC text.
    #[inline(always)]
    fn push(&mut self, ch: char) {
        if ch.is_ascii() {
            // No ASCII character is invisible or a look-alike, and its lowercase is
            // one character.
            if matches!(ch, '\t'..='\r' | ' ') {
                self.pending_space = true;
            } else {
                self.put(ch.to_ascii_lowercase());
            }
        } else if KEPT.get(ch) == Some(true) {
            self.put(ch);
        } else {
            self.push_other(ch);
        }
    }
}

impl Writer<'_> {
    /// [`NfkcSink::push`] of a non-ASCII character that may change: through the
    /// Unicode tables.
    #[inline(never)]
    fn push_other(&mut self, ch: char) {
        // A look-alike (most often a lowercase Cyrillic letter) is its own lowercase,
        // neither invisible nor whitespace: folded without the case tables.
        let folded = fold_confusable(ch);
        if folded != ch {
            self.put(folded);
            return;
        }
        if is_invisible(ch) {
            return;
        }
        if is_space(ch) {
            self.pending_space = true;
            return;
        }
        for low in ch.to_lowercase() {
            self.put(fold_confusable(low));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::nfkc_into;

    /// Characters around which NFKC does something: combining marks (some reordered,
    /// some composing), precomposed letters, Hangul jamo and syllables, compatibility
    /// forms (full width, ligatures, circled digits, superscripts), a singleton
    /// decomposition, invisibles and plain ASCII.
    const PIECES: &[&str] = &[
        "a",
        "e",
        " ",
        ",",
        "Z",
        "\u{0301}",
        "\u{0308}",
        "\u{0323}",
        "\u{031B}",
        "\u{0345}",
        "é",
        "ê",
        "ệ",
        "Å",
        "ω",
        "ώ",
        "\u{1100}",
        "\u{1161}",
        "\u{11A8}",
        "가",
        "각",
        "，",
        "？",
        "Ａ",
        "ﬁ",
        "①",
        "²",
        "Ω",
        "\u{212B}",
        "ｶ",
        "\u{FF9E}",
        "\u{3099}",
        "か",
        "\u{200B}",
        "日本",
        "ñ",
        "n\u{0303}",
        "\u{0F73}",
        "\u{1E9B}",
        "ǆ",
        "ſ",
        "\u{00A0}",
        "\u{3000}",
        "\u{00AD}",
        "\u{FEFF}",
        "\n\t",
        "  ",
        "а",
        "Ѐ",
        "İ",
        "ẞ",
        "Σ",
        "\u{1D400}",
        "\u{1F600}",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|p| p.concat())
    }

    /// The model text as first written: the whole text's NFKC, then character by
    /// character through the Unicode tables (no boundary spans, no table of kept
    /// characters).
    fn model_text_reference(text: &str) -> String {
        let mut out = String::from(" ");
        let mut pending_space = false;
        for ch in text.nfkc() {
            if super::is_invisible(ch) {
                continue;
            }
            if super::is_space(ch) {
                pending_space = true;
                continue;
            }
            for low in ch.to_lowercase() {
                if pending_space && out.len() > 1 {
                    out.push(' ');
                }
                pending_space = false;
                out.push(super::fold_confusable(low));
            }
        }
        out.push(' ');
        out
    }

    proptest! {
        /// The one-pass model text is the reference's, around every NFKC boundary case.
        #[test]
        fn model_text_equals_the_reference(text in text()) {
            let mut out = String::new();
            super::model_text_into(&text, &mut out);
            prop_assert_eq!(out, model_text_reference(&text));
        }

        /// Normalizing only the spans between boundaries gives the whole text's NFKC.
        #[test]
        fn span_nfkc_equals_whole_nfkc(text in text()) {
            let mut spans = String::new();
            nfkc_into(&text, &mut spans);
            let whole: String = text.nfkc().collect();
            prop_assert_eq!(spans, whole);
        }
    }

    /// Every BMP character, alone and after a letter, reads as in the reference.
    #[test]
    fn every_bmp_character_reads_as_in_the_reference() {
        let mut out = String::new();
        for c in (0x80..0x1_0000u32).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("A{c}b {c}")] {
                super::model_text_into(&text, &mut out);
                assert_eq!(out, model_text_reference(&text), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn a_mostly_normalized_text_keeps_its_normalized_parts() {
        let mut out = String::new();
        nfkc_into("你好，世界？ cafe\u{0301} ﬁn", &mut out);
        assert_eq!(out, "你好,世界? café fin");
    }
}

#[cfg(test)]
mod boundary_tests {
    use super::*;

    /// The table answers as the Unicode tables do, on every character.
    #[test]
    fn the_boundary_table_agrees_with_the_unicode_tables() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                is_boundary(c),
                c.is_ascii() || is_boundary_slow(c),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
