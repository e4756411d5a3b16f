//! The hashed character n-gram signal, computed natively over the whole text.
//!
//! Mirrors `models/train/featurize.py` exactly (that file is the specification): NFKC,
//! invisible characters dropped, per-character lowercase, Cyrillic/Greek look-alikes
//! folded, whitespace runs collapsed, one space of padding on each side; char n-grams
//! hashed with FNV-1a 32 into 2^bits buckets; L2-normalized counts; logistic regression;
//! windows of `window_chars` (stride `window_stride`) with the maximum taken.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::ClassifierError;
use super::spec::{NgramSpec, sigmoid};

/// The normalization this build implements; `model.toml` must name the same.
pub(crate) const NORMALIZE_ID: &str = "nfkc-invisible-lowercase-confusables-whitespace-v1";

const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

/// The trained weights and featurizer parameters.
#[derive(Debug)]
pub(crate) struct NgramModel {
    weights: Vec<f32>,
    bias: f64,
    mask: u32,
    n_min: usize,
    n_max: usize,
    window_chars: usize,
    window_stride: usize,
}

impl NgramModel {
    pub(crate) fn from_bytes(spec: &NgramSpec, bytes: &[u8]) -> Result<Self, ClassifierError> {
        let buckets = 1usize << spec.bits;
        if bytes.len() != buckets * 4 {
            return Err(ClassifierError::BadSpec {
                reason: format!(
                    "{} has {} bytes, expected {} (2^{} f32)",
                    spec.file,
                    bytes.len(),
                    buckets * 4,
                    spec.bits
                ),
            });
        }
        let weights = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(NgramModel {
            weights,
            bias: spec.bias,
            mask: (buckets - 1) as u32,
            n_min: spec.n_min,
            n_max: spec.n_max,
            window_chars: spec.window_chars,
            window_stride: spec.window_stride,
        })
    }

    /// The n-gram probability of a whole text, already passed through [`normalize_into`]
    /// (maximum over its character windows).
    ///
    /// Windows overlap, so every n-gram is hashed, weighed and linked to the previous
    /// occurrence of its bucket once for the whole text; a window then sums the weights
    /// of its n-grams and counts repeats by walking those links back to its start. No
    /// sort, no allocation once the scratch has grown.
    pub(crate) fn score_normalized(&self, norm: &[char], scratch: &mut NgramScratch) -> f32 {
        let per_pos = self.n_max - self.n_min + 1;
        self.link_all(norm, per_pos, scratch);
        let mut best = f64::NEG_INFINITY;
        for (start, end) in window_spans(norm.len(), self.window_chars, self.window_stride) {
            best = best.max(self.window_logit(start, end, per_pos, scratch));
        }
        sigmoid(best) as f32
    }

    /// Fills, for the n-gram of length `n` starting at char `i` (slot
    /// `i * per_pos + n - n_min`; unused where it would run past the end), its weight and
    /// the slot of the previous n-gram with the same bucket (`NONE` for the first).
    fn link_all(&self, chars: &[char], per_pos: usize, scratch: &mut NgramScratch) {
        let slots = chars.len() * per_pos;
        scratch.weight.clear();
        scratch.weight.resize(slots, 0.0);
        scratch.prev.clear();
        scratch.prev.resize(slots, NONE);
        scratch.prepare_table(slots);
        let table_mask = scratch.keys.len() - 1;
        let mut utf8 = [0u8; 4];
        for i in 0..chars.len() {
            let mut h = FNV_OFFSET;
            for (k, ch) in chars[i..].iter().take(self.n_max).enumerate() {
                for &b in ch.encode_utf8(&mut utf8).as_bytes() {
                    h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
                }
                if k + 1 < self.n_min {
                    continue;
                }
                let bucket = h & self.mask;
                let slot = i * per_pos + k + 1 - self.n_min;
                scratch.weight[slot] = self.weights[bucket as usize];
                // Last slot seen with this bucket: open addressing over the text's buckets.
                let mut t = (bucket.wrapping_mul(0x9E37_79B1) >> 8) as usize & table_mask;
                loop {
                    let key = scratch.keys[t];
                    if key == bucket {
                        scratch.prev[slot] = scratch.last[t];
                        scratch.last[t] = slot as u32;
                        break;
                    }
                    if key == EMPTY {
                        scratch.keys[t] = bucket;
                        scratch.last[t] = slot as u32;
                        scratch.used.push(t as u32);
                        break;
                    }
                    t = (t + 1) & table_mask;
                }
            }
        }
        for &t in &scratch.used {
            scratch.keys[t as usize] = EMPTY;
        }
        scratch.used.clear();
    }

    /// The logit of the chars `start..end`: bias + (weights . counts) / ||counts||.
    fn window_logit(
        &self,
        start: usize,
        end: usize,
        per_pos: usize,
        scratch: &NgramScratch,
    ) -> f64 {
        let mut dot = 0.0f64;
        // Sum of squared counts: each occurrence adds (c + 1)^2 - c^2 = 2c + 1, where c
        // counts the earlier occurrences of its bucket inside the window.
        let mut sumsq: u64 = 0;
        for i in start..end {
            let room = (end - i).min(self.n_max);
            if room < self.n_min {
                break;
            }
            let first = i * per_pos;
            for slot in first..first + room + 1 - self.n_min {
                dot += f64::from(scratch.weight[slot]);
                let mut earlier = 0u64;
                let mut p = scratch.prev[slot];
                while p != NONE {
                    let p_slot = p as usize;
                    let p_pos = p_slot / per_pos;
                    if p_pos < start {
                        break;
                    }
                    // An earlier n-gram can start inside the window yet end past it.
                    if p_pos + p_slot % per_pos + self.n_min <= end {
                        earlier += 1;
                    }
                    p = scratch.prev[p_slot];
                }
                sumsq += 2 * earlier + 1;
            }
        }
        if sumsq == 0 {
            return self.bias;
        }
        self.bias + dot / (sumsq as f64).sqrt()
    }
}

/// No bucket: buckets are below 2^24 (`bits` is at most 24).
const EMPTY: u32 = u32::MAX;
/// No previous occurrence.
const NONE: u32 = u32::MAX;

/// Reusable buffers for [`NgramModel::score_normalized`] (one per inference slot).
#[derive(Debug, Default)]
pub(crate) struct NgramScratch {
    weight: Vec<f32>,
    prev: Vec<u32>,
    keys: Vec<u32>,
    last: Vec<u32>,
    used: Vec<u32>,
}

impl NgramScratch {
    /// A table at most half full for `grams` distinct buckets.
    fn prepare_table(&mut self, grams: usize) {
        let size = (grams * 2).next_power_of_two().max(16);
        if self.keys.len() < size {
            self.keys = vec![EMPTY; size];
            self.last = vec![NONE; size];
        }
    }
}

/// `[start, end)` character windows; one window when the text fits.
pub(crate) fn window_spans(
    n: usize,
    window: usize,
    stride: usize,
) -> impl Iterator<Item = (usize, usize)> {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = (start + window).min(n);
        let span = (start, end);
        if end == n {
            done = true;
        } else {
            start += stride;
        }
        Some(span)
    })
}

fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x180E | 0xFEFF | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F)
}

fn is_space(c: char) -> bool {
    matches!(c as u32,
        0x09..=0x0D | 0x20 | 0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000)
}

fn fold_confusable(c: char) -> char {
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

/// The normalized text as characters, padded with one space on each side.
#[cfg(test)]
pub(crate) fn normalize(text: &str) -> Vec<char> {
    let (mut chars, mut joined) = (Vec::new(), String::new());
    normalize_into(text, &mut chars, &mut joined);
    chars
}

/// Writes the normalized text, padded with one space on each side, both as characters
/// (for the n-gram windows) and as a string (for the tokenizer); both are cleared first.
pub(crate) fn normalize_into(text: &str, chars: &mut Vec<char>, joined: &mut String) {
    chars.clear();
    joined.clear();
    chars.reserve(text.len() + 2);
    joined.reserve(text.len() + 2);
    if text.is_ascii() {
        // NFKC is the identity on ASCII, and no ASCII character is invisible or a
        // look-alike: only whitespace and case remain.
        push_normalized(
            text.bytes().map(|b| char::from(b.to_ascii_lowercase())),
            chars,
        );
    } else if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        // Already NFKC (the quick check only says Yes when it is certain).
        push_normalized(text.chars(), chars);
    } else {
        push_normalized(text.nfkc(), chars);
    }
    joined.extend(chars.iter());
}

fn push_normalized(text: impl Iterator<Item = char>, out: &mut Vec<char>) {
    out.push(' ');
    let mut pending_space = false;
    for ch in text {
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
