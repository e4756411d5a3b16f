//! A fast path for the BERT-uncased tokenizer, exact to the `tokenizers` crate, which
//! stays the reference and the fallback.
//!
//! The crate builds a `NormalizedString` with an offset map per character, a
//! `PreTokenizedString` of owned splits and a `String` per token: about a third of L2's
//! time on a 2 KB English prompt and most of it on other scripts. Every step of the BERT
//! pipeline is local to a space-separated chunk (the ASCII space survives `clean_text`
//! and splits words; NFD reordering never crosses it), so a text is cut at ASCII spaces
//! and:
//!
//! - a chunk of ASCII without uppercase letters goes through [`FastWordPiece::encode_chunk`]:
//!   control characters dropped and `\t\n\r` treated as spaces (`clean_text`), ASCII
//!   punctuation isolated (`BertPreTokenizer`), greedy longest-match-first WordPiece over
//!   the same vocabulary (the `[UNK]` rules of the crate: a word over
//!   `max_input_chars_per_word` characters, or one with an unmatched rest, is one `[UNK]`);
//! - any other chunk without ASCII uppercase goes through [`FastWordPiece::encode_unicode_chunk`]:
//!   the `BertNormalizer` steps in the crate's order (`clean_text`, CJK characters spaced,
//!   NFD with nonspacing marks stripped, per-character lowercase), then the same splitting
//!   and WordPiece. Character classes come from the crates the reference itself uses
//!   (`unicode_categories`, `unicode-normalization-alignments`, std's `char` tables), looked
//!   up once per character of the Basic Multilingual Plane into [`CharClasses`], so they are
//!   the reference's classes by construction;
//! - a run of chunks with ASCII uppercase (which could spell an added token such as
//!   `[CLS]`, matched by the crate before normalization) goes to the crate, which gives the
//!   ids of that run. L2 lowercases before tokenizing, so this never happens there.
//!
//! The path is only enabled for the exact configuration it reproduces (checked in
//! [`FastWordPiece::from_json`]); the tests compare it with the crate over the whole dev
//! corpus, adversarial Unicode, random mixtures and every character of the BMP.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use serde::Deserialize;
use tokenizers::Tokenizer;
use unicode_categories::UnicodeCategories;
use unicode_normalization_alignments::UnicodeNormalization;
use unicode_normalization_alignments::char::canonical_combining_class;

use super::ClassifierError;
use super::pieces::PieceTrie;

/// A small multiplicative hasher for vocabulary lookups (keys are short, trusted
/// vocabulary strings; `SipHash` costs more than the lookup it protects).
#[derive(Default, Clone, Copy)]
pub(crate) struct PieceHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for PieceHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ word).wrapping_mul(SEED);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(SEED);
        }
        self.0 = h;
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(SEED);
    }

    fn finish(&self) -> u64 {
        // Fold the high bits (which the multiply mixes best) into the low ones the table
        // indexes with.
        self.0 ^ (self.0 >> 29)
    }
}

/// The subset of `tokenizer.json` the fast path depends on.
#[derive(Deserialize)]
struct TokenizerJson {
    normalizer: Option<serde_json::Value>,
    pre_tokenizer: Option<serde_json::Value>,
    #[serde(default)]
    added_tokens: Vec<AddedTokenJson>,
    model: ModelJson,
}

#[derive(Deserialize)]
struct AddedTokenJson {
    content: String,
    #[serde(default)]
    normalized: bool,
}

#[derive(Deserialize)]
struct ModelJson {
    #[serde(rename = "type")]
    kind: String,
    unk_token: String,
    continuing_subword_prefix: String,
    max_input_chars_per_word: usize,
    vocab: HashMap<String, u32>,
}

/// WordPiece over the model's vocabulary for lowercase ASCII chunks.
#[derive(Debug)]
pub(crate) struct FastWordPiece {
    /// Every vocabulary entry (as the crate looks a word's first piece up) and the
    /// continuation entries (`##x` as `x`, so no prefix is formatted per lookup).
    pieces: PieceTrie,
    unk: u32,
    max_word_chars: usize,
    /// Character classes for non-ASCII chunks; `None` sends them to the crate.
    classes: Option<&'static CharClasses>,
}

/// Reusable buffers of [`FastWordPiece::encode`].
#[derive(Debug, Default)]
pub(crate) struct EncodeScratch {
    /// The current word (ASCII path).
    word: Vec<u8>,
    /// A chunk after `clean_text` and CJK spacing (non-ASCII path).
    stage: Vec<char>,
    /// A chunk fully normalized (non-ASCII path).
    normalized: Vec<char>,
    /// The current word as UTF-8 (non-ASCII path).
    text: String,
}

impl FastWordPiece {
    /// The fast path for `tokenizer.json`, or `None` when the file is not the BERT
    /// uncased configuration it reproduces exactly (the crate then does all the work).
    pub(crate) fn from_json(bytes: &[u8]) -> Option<FastWordPiece> {
        let json: TokenizerJson = serde_json::from_slice(bytes).ok()?;
        let normalizer = json.normalizer?;
        let bert_normalizer = normalizer.get("type")?.as_str()? == "BertNormalizer"
            && normalizer.get("clean_text")?.as_bool()?
            && normalizer.get("lowercase")?.as_bool()?;
        // The non-ASCII path also spaces CJK characters and strips accents (a null
        // strip_accents follows lowercase, as in the crate); the ASCII path meets neither.
        let unicode = normalizer.get("handle_chinese_chars")?.as_bool()?
            && normalizer
                .get("strip_accents")
                .is_none_or(|v| v.is_null() || v.as_bool() == Some(true));
        let pre = json.pre_tokenizer?;
        let bert_pre = pre.get("type")?.as_str()? == "BertPreTokenizer";
        // Added tokens are matched on the raw text before normalization; one the fast path
        // could meet (all lowercase ASCII, or normalized) would need the crate's matching.
        let added_out_of_reach = json.added_tokens.iter().all(|t| {
            !t.normalized
                && t.content
                    .chars()
                    .any(|c| c.is_ascii_uppercase() || !c.is_ascii())
        });
        let m = json.model;
        if !(bert_normalizer
            && bert_pre
            && added_out_of_reach
            && m.kind == "WordPiece"
            && !m.continuing_subword_prefix.is_empty())
        {
            return None;
        }
        let unk = *m.vocab.get(&m.unk_token)?;
        let words = m.vocab.iter().map(|(piece, &id)| (piece.as_str(), id));
        let prefix = m.continuing_subword_prefix.as_str();
        let cont = m
            .vocab
            .iter()
            .filter_map(|(piece, &id)| Some((piece.strip_prefix(prefix)?, id)));
        Some(FastWordPiece {
            pieces: PieceTrie::new(words, cont)?,
            unk,
            max_word_chars: m.max_input_chars_per_word,
            classes: unicode.then(CharClasses::get),
        })
    }

    /// Appends the ids of `text` (no special tokens) to `out`: fast chunks here, the rest
    /// through `reference`.
    pub(crate) fn encode(
        &self,
        reference: &Tokenizer,
        text: &str,
        scratch: &mut EncodeScratch,
        out: &mut Vec<u32>,
    ) -> Result<(), ClassifierError> {
        let bytes = text.as_bytes();
        // Start of the pending run of chunks the crate must tokenize, and its end.
        let mut slow: Option<(usize, usize)> = None;
        let mut pos = 0;
        while pos < bytes.len() {
            if bytes[pos] == b' ' {
                pos += 1;
                continue;
            }
            let start = pos;
            let end = memchr::memchr(b' ', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            pos = end;
            let chunk = &bytes[start..end];
            let Shape {
                upper,
                ascii,
                control,
            } = Shape::of(chunk);
            match self.classes {
                _ if upper => {
                    slow = Some((slow.map_or(start, |(s, _)| s), end));
                    continue;
                }
                None if !ascii => {
                    slow = Some((slow.map_or(start, |(s, _)| s), end));
                    continue;
                }
                _ => {}
            }
            if let Some((s, e)) = slow.take() {
                encode_reference(reference, &text[s..e], out)?;
            }
            match self.classes {
                Some(classes) if !ascii => {
                    // Cut at ASCII spaces, which are char boundaries.
                    self.encode_unicode_chunk(classes, &text[start..end], scratch, out);
                }
                // ASCII without control characters: words are slices between
                // punctuation, read in place.
                _ if !control => self.encode_plain_chunk(&text[start..end], out),
                _ => self.encode_chunk(chunk, &mut scratch.word, out),
            }
        }
        if let Some((s, e)) = slow {
            encode_reference(reference, &text[s..e], out)?;
        }
        Ok(())
    }

    /// [`FastWordPiece::encode_chunk`] of a chunk without control characters, whose
    /// cleaning changes nothing: the words between punctuation marks are passed on as
    /// slices of the chunk, not copied byte by byte.
    fn encode_plain_chunk(&self, chunk: &str, out: &mut Vec<u32>) {
        let mut from = 0;
        for (at, b) in chunk.bytes().enumerate() {
            if b.is_ascii_punctuation() {
                if from < at {
                    self.word_ids(&chunk[from..at], out);
                }
                self.word_ids(&chunk[at..=at], out);
                from = at + 1;
            }
        }
        if from < chunk.len() {
            self.word_ids(&chunk[from..], out);
        }
    }

    /// A space-free chunk of lowercase ASCII: BERT cleaning and splitting, then WordPiece.
    fn encode_chunk(&self, chunk: &[u8], word: &mut Vec<u8>, out: &mut Vec<u32>) {
        word.clear();
        for &b in chunk {
            match b {
                // clean_text: \t \n \r become spaces, which split words.
                b'\t' | b'\n' | b'\r' => self.flush(word, out),
                // clean_text: every other control character (Cc) is dropped.
                0x00..=0x1F | 0x7F => {}
                _ if b.is_ascii_punctuation() => {
                    self.flush(word, out);
                    let mut buf = [0u8; 4];
                    self.word_ids(char::from(b).encode_utf8(&mut buf), out);
                }
                _ => word.push(b),
            }
        }
        self.flush(word, out);
    }

    /// A space-free chunk with non-ASCII characters and no ASCII uppercase: the
    /// `BertNormalizer` steps in the crate's order, then `BertPreTokenizer`'s splitting
    /// and WordPiece.
    fn encode_unicode_chunk(
        &self,
        classes: &CharClasses,
        chunk: &str,
        scratch: &mut EncodeScratch,
        out: &mut Vec<u32>,
    ) {
        let EncodeScratch {
            stage,
            normalized,
            text,
            ..
        } = scratch;
        // clean_text, then CJK characters spaced. `plain` stays true while NFD, the
        // nonspacing-mark filter and lowercase are all the identity on the chunk.
        stage.clear();
        let mut plain = true;
        // While true, every character is PLAIN or SIMPLE.
        let mut simple = true;
        for c in chunk.chars() {
            let class = classes.of(c);
            if class & DROP != 0 {
                continue;
            }
            if class & SPACE != 0 {
                stage.push(' ');
                continue;
            }
            plain &= class & PLAIN != 0;
            simple &= class & (PLAIN | SIMPLE) != 0;
            if class & CJK != 0 {
                stage.extend([' ', c, ' ']);
            } else {
                stage.push(c);
            }
        }
        let chars: &[char] = if plain {
            stage
        } else if simple {
            // Every decomposition starts with a starter, so NFD reorders nothing across
            // characters: the chunk's normalization is each character's.
            normalized.clear();
            normalized.extend(stage.iter().map(|&c| classes.simple(c)));
            normalized
        } else {
            normalized.clear();
            normalized.extend(
                stage
                    .iter()
                    .copied()
                    .nfd()
                    .map(|(c, _)| c)
                    .filter(|c| !c.is_mark_nonspacing())
                    .flat_map(char::to_lowercase),
            );
            normalized
        };
        // BertPreTokenizer: whitespace removed, punctuation isolated.
        text.clear();
        for &c in chars {
            let class = classes.of(c);
            if class & (SPACE | PUNCT) != 0 {
                if !text.is_empty() {
                    self.word_ids(text, out);
                    text.clear();
                }
                if class & PUNCT != 0 {
                    let mut buf = [0u8; 4];
                    self.word_ids(c.encode_utf8(&mut buf), out);
                }
            } else {
                text.push(c);
            }
        }
        if !text.is_empty() {
            self.word_ids(text, out);
        }
    }

    fn flush(&self, word: &mut Vec<u8>, out: &mut Vec<u32>) {
        if !word.is_empty() {
            // ASCII bytes only (the ASCII path pushes nothing else): always UTF-8.
            match std::str::from_utf8(word) {
                Ok(w) => self.word_ids(w, out),
                Err(_) => out.push(self.unk),
            }
            word.clear();
        }
    }

    /// Greedy longest-match-first WordPiece, as `tokenizers::models::wordpiece` (whose
    /// candidate pieces end on char boundaries and shrink by one character): the longest
    /// vocabulary entry the rest of the word starts with, found in one walk of the trie.
    fn word_ids(&self, word: &str, out: &mut Vec<u32>) {
        let too_long = if word.is_ascii() {
            word.len() > self.max_word_chars
        } else {
            word.chars().count() > self.max_word_chars
        };
        if too_long {
            out.push(self.unk);
            return;
        }
        let first = out.len();
        let mut rest = word.as_bytes();
        let mut root = PieceTrie::WORDS;
        while !rest.is_empty() {
            match self.pieces.longest(root, rest) {
                Some((id, len)) => {
                    out.push(id);
                    rest = &rest[len..];
                    root = PieceTrie::CONT;
                }
                None => {
                    out.truncate(first);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }
}

/// What [`FastWordPiece::encode`] needs to know of a space-free chunk to pick its path.
struct Shape {
    /// It holds an ASCII uppercase letter (the crate's path).
    upper: bool,
    /// It is all ASCII.
    ascii: bool,
    /// It holds an ASCII control character (`clean_text` drops or splits at it).
    control: bool,
}

impl Shape {
    /// The shape of `chunk`, in one pass without early exit (so that it vectorizes).
    #[inline]
    fn of(chunk: &[u8]) -> Shape {
        let (mut upper, mut high, mut control) = (false, 0u8, false);
        for &b in chunk {
            upper |= b.wrapping_sub(b'A') < 26;
            high |= b;
            control |= b < 0x20 || b == 0x7F;
        }
        Shape {
            upper,
            ascii: high < 0x80,
            control,
        }
    }
}

/// `clean_text` drops the character (NUL, U+FFFD, `Cc`/`Cf`/`Co` but `\t\n\r`).
const DROP: u8 = 1;
/// Whitespace: `clean_text` turns it into a space, `BertPreTokenizer` splits on it.
const SPACE: u8 = 2;
/// A CJK ideograph the normalizer surrounds with spaces.
const CJK: u8 = 4;
/// Punctuation `BertPreTokenizer` isolates (ASCII punctuation or `P*`).
const PUNCT: u8 = 8;
/// NFD, the nonspacing-mark filter and lowercase leave the character as it is, and it
/// never reorders with a neighbour (combining class 0).
const PLAIN: u8 = 16;

/// A BMP character that is not PLAIN but whose normalization (NFD, nonspacing marks
/// stripped, lowercase) is one character and starts with a starter, so that it
/// normalizes alone, whatever its neighbours ([`CharClasses::simple`]): most accented
/// letters (`é` -> `e`, `ś` -> `s`, `ü` -> `u`).
const SIMPLE: u8 = 32;

/// The BERT normalizer's and pre-tokenizer's classes of every BMP character, computed
/// once per process with the functions the `tokenizers` crate calls; characters above
/// the BMP are classified on the fly with the same functions.
#[derive(Debug)]
pub(crate) struct CharClasses {
    bmp: Box<[u8]>,
    /// The normalization of every [`SIMPLE`] character.
    simple: HashMap<char, char, BuildHasherDefault<PieceHasher>>,
}

impl CharClasses {
    /// The process-wide table (64 KiB, built on first use).
    fn get() -> &'static CharClasses {
        static CLASSES: OnceLock<CharClasses> = OnceLock::new();
        CLASSES.get_or_init(|| {
            let mut bmp: Box<[u8]> = (0..=0xFFFFu32)
                .map(|u| char::from_u32(u).map_or(0, classify))
                .collect();
            let mut simple = HashMap::default();
            for (u, class) in (0..=0xFFFFu32).zip(bmp.iter_mut()) {
                let Some(c) = char::from_u32(u) else { continue };
                if *class & (PLAIN | DROP | SPACE) != 0 {
                    continue;
                }
                if let Some(n) = normalize_alone(c) {
                    *class |= SIMPLE;
                    simple.insert(c, n);
                }
            }
            CharClasses { bmp, simple }
        })
    }

    /// The normalization of a PLAIN (itself) or SIMPLE character.
    #[inline]
    fn simple(&self, c: char) -> char {
        self.simple.get(&c).copied().unwrap_or(c)
    }

    #[inline]
    fn of(&self, c: char) -> u8 {
        match self.bmp.get(c as usize) {
            Some(&class) => class,
            None => classify(c),
        }
    }
}

/// The normalization of `c` alone (NFD, nonspacing marks stripped, lowercase) when it
/// is one character and `c`'s decomposition starts with a starter (no mark of a
/// neighbour reorders with it), else `None`.
fn normalize_alone(c: char) -> Option<char> {
    let mut nfd = std::iter::once(c).nfd().map(|(d, _)| d);
    let first = nfd.next()?;
    if canonical_combining_class(first) != 0 || canonical_combining_class(c) != 0 {
        return None;
    }
    let mut out = std::iter::once(first)
        .chain(nfd)
        .filter(|d| !d.is_mark_nonspacing())
        .flat_map(char::to_lowercase);
    let n = out.next()?;
    out.next().is_none().then_some(n)
}

/// One character's classes, from the same functions as `tokenizers`' `BertNormalizer`
/// and `BertPreTokenizer`.
fn classify(c: char) -> u8 {
    let mut class = 0;
    let whitespace = matches!(c, '\t' | '\n' | '\r') || c.is_whitespace();
    let control = !matches!(c, '\t' | '\n' | '\r') && c.is_other();
    if c == '\0' || c == '\u{fffd}' || control {
        class |= DROP;
    }
    if whitespace {
        class |= SPACE;
    }
    if matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
    {
        class |= CJK;
    }
    if c.is_ascii_punctuation() || c.is_punctuation() {
        class |= PUNCT;
    }
    let mut nfd = std::iter::once(c).nfd().map(|(d, _)| d);
    let nfd_same = nfd.next() == Some(c) && nfd.next().is_none();
    let mut lower = c.to_lowercase();
    let lower_same = lower.next() == Some(c) && lower.next().is_none();
    if nfd_same && lower_same && canonical_combining_class(c) == 0 && !c.is_mark_nonspacing() {
        class |= PLAIN;
    }
    class
}

/// The crate's ids for `text` (no special tokens), appended to `out`.
pub(crate) fn encode_reference(
    reference: &Tokenizer,
    text: &str,
    out: &mut Vec<u32>,
) -> Result<(), ClassifierError> {
    let encoding = reference
        .encode(text, false)
        .map_err(|e| ClassifierError::Tokenizer {
            reason: e.to_string(),
        })?;
    out.extend_from_slice(encoding.get_ids());
    Ok(())
}
