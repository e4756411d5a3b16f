//! A fast path for the BERT-uncased tokenizer on ASCII words, exact to the `tokenizers`
//! crate, which stays the reference and the fallback.
//!
//! The crate builds a `NormalizedString` with an offset map per character, a
//! `PreTokenizedString` of owned splits and a `String` per token: about a third of L2's
//! time on a 2 KB prompt. Every step of the BERT pipeline is local to a space-separated
//! chunk (the ASCII space survives `clean_text` and splits words; NFD reordering never
//! crosses it), so a text is cut at ASCII spaces and:
//!
//! - a chunk of ASCII without uppercase letters goes through this file: control
//!   characters dropped and `\t\n\r` treated as spaces (`clean_text`), ASCII punctuation
//!   isolated (`BertPreTokenizer`), greedy longest-match-first WordPiece over the same
//!   vocabulary (the `[UNK]` rules of the crate: a word over `max_input_chars_per_word`,
//!   or one with an unmatched rest, is one `[UNK]`);
//! - every other run of chunks (non-ASCII, or uppercase that could spell an added token
//!   such as `[CLS]`) goes to the crate, which gives the ids of that run.
//!
//! The path is only enabled for the exact configuration it reproduces (checked in
//! [`FastWordPiece::from_json`]); the tests compare it with the crate over the whole dev
//! corpus and adversarial Unicode.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Deserialize;
use tokenizers::Tokenizer;

use super::ClassifierError;

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

type PieceMap = HashMap<Box<str>, u32, BuildHasherDefault<PieceHasher>>;

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
    /// Every vocabulary entry, as the crate looks a word's first piece up.
    words: PieceMap,
    /// Continuation entries (`##x`) keyed by `x`, so no prefix is formatted per lookup.
    cont: PieceMap,
    unk: u32,
    max_word_chars: usize,
    /// Longest key of `words` / `cont` in bytes: longer substrings cannot match.
    max_word_piece: usize,
    max_cont_piece: usize,
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
        let mut words = PieceMap::default();
        let mut cont = PieceMap::default();
        words.reserve(m.vocab.len());
        for (piece, id) in m.vocab {
            if let Some(rest) = piece.strip_prefix(m.continuing_subword_prefix.as_str()) {
                cont.insert(rest.into(), id);
            }
            words.insert(piece.into_boxed_str(), id);
        }
        let longest = |map: &PieceMap| map.keys().map(|k| k.len()).max().unwrap_or(0);
        Some(FastWordPiece {
            max_word_piece: longest(&words),
            max_cont_piece: longest(&cont),
            words,
            cont,
            unk,
            max_word_chars: m.max_input_chars_per_word,
        })
    }

    /// Appends the ids of `text` (no special tokens) to `out`: fast chunks here, the rest
    /// through `reference`. `word` is scratch space.
    pub(crate) fn encode(
        &self,
        reference: &Tokenizer,
        text: &str,
        word: &mut Vec<u8>,
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
            if chunk
                .iter()
                .all(|&b| b.is_ascii() && !b.is_ascii_uppercase())
            {
                if let Some((s, e)) = slow.take() {
                    encode_reference(reference, &text[s..e], out)?;
                }
                self.encode_chunk(chunk, word, out);
            } else {
                slow = Some((slow.map_or(start, |(s, _)| s), end));
            }
        }
        if let Some((s, e)) = slow {
            encode_reference(reference, &text[s..e], out)?;
        }
        Ok(())
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
                    self.word_ids(std::slice::from_ref(&b), out);
                }
                _ => word.push(b),
            }
        }
        self.flush(word, out);
    }

    fn flush(&self, word: &mut Vec<u8>, out: &mut Vec<u32>) {
        if !word.is_empty() {
            self.word_ids(word, out);
            word.clear();
        }
    }

    /// Greedy longest-match-first WordPiece, as `tokenizers::models::wordpiece`.
    fn word_ids(&self, word: &[u8], out: &mut Vec<u32>) {
        if word.len() > self.max_word_chars {
            out.push(self.unk);
            return;
        }
        // ASCII: every byte offset is a char boundary.
        let Ok(word) = std::str::from_utf8(word) else {
            out.push(self.unk);
            return;
        };
        let first = out.len();
        let mut start = 0;
        while start < word.len() {
            let (map, longest) = if start == 0 {
                (&self.words, self.max_word_piece)
            } else {
                (&self.cont, self.max_cont_piece)
            };
            let mut end = word.len().min(start + longest);
            let mut found = None;
            while start < end {
                if let Some(&id) = map.get(&word[start..end]) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
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
