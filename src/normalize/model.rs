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
    } else if text.chars().all(is_boundary) {
        // Already NFKC: every character is a starter that NFKC keeps as it is.
        push_normalized(text.chars(), out);
    } else {
        let mut nfkc = String::with_capacity(text.len());
        nfkc_into(text, &mut nfkc);
        push_normalized(nfkc.chars(), out);
    }
}

/// Appends the NFKC form of `text` to `out`, running the normalizer only over the
/// spans that need it. A character that is a starter (combining class 0) and NFKC
/// quick-check Yes is a normalization boundary: nothing before it reorders past it or
/// composes with it (only quick-check Maybe characters compose backwards), so the text
/// can be cut before it and each piece normalized alone. A mostly normalized text (a
/// few full-width commas in Chinese, a decomposed accent) is copied as is but for the
/// spans from the boundary before each such character to the boundary after it.
fn nfkc_into(text: &str, out: &mut String) {
    // Text before this byte is written.
    let mut written = 0;
    // The last boundary seen.
    let mut boundary = 0;
    // Where the span being normalized starts, while one is open.
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        if is_boundary(c) {
            if let Some(start) = open.take() {
                out.extend(text[start..at].nfkc());
                written = at;
            }
            boundary = at;
        } else if open.is_none() {
            out.push_str(&text[written..boundary]);
            open = Some(boundary);
        }
    }
    match open {
        Some(start) => out.extend(text[start..].nfkc()),
        None => out.push_str(&text[written..]),
    }
}

/// Whether NFKC may cut the text before `c` ([`nfkc_into`]).
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

/// Builds the model text's tables now, so that no request pays for them.
pub fn warm_model_text() {
    LazyLock::force(&NFKC_BOUNDARIES);
}

/// [`push_normalized`] for ASCII text, without the per-character Unicode tables.
fn push_normalized_ascii(text: &[u8], out: &mut String) {
    out.push(' ');
    let mut pending_space = false;
    for &b in text {
        // `is_space` on ASCII: tab, newline, vertical tab, form feed, carriage return, space.
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
    out.push(' ');
}

fn push_normalized(text: impl Iterator<Item = char>, out: &mut String) {
    out.push(' ');
    let mut pending_space = false;
    for ch in text {
        if ch.is_ascii() {
            // As below, without the tables: no ASCII character is invisible or a
            // look-alike, and its lowercase is one character.
            if matches!(ch, '\t'..='\r' | ' ') {
                pending_space = true;
                continue;
            }
            if pending_space && out.len() > 1 {
                out.push(' ');
            }
            pending_space = false;
            out.push(ch.to_ascii_lowercase());
            continue;
        }
        if is_invisible(ch) {
            continue;
        }
        if is_space(ch) {
            pending_space = true;
            continue;
        }
        for low in ch.to_lowercase() {
            if pending_space && out.len() > 1 {
                out.push(' ');
            }
            pending_space = false;
            out.push(fold_confusable(low));
        }
    }
    out.push(' ');
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
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        /// Normalizing only the spans between boundaries gives the whole text's NFKC.
        #[test]
        fn span_nfkc_equals_whole_nfkc(text in text()) {
            let mut spans = String::new();
            nfkc_into(&text, &mut spans);
            let whole: String = text.nfkc().collect();
            prop_assert_eq!(spans, whole);
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
