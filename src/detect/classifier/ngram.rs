//! The hashed character n-gram signal, computed natively over the whole text.
//!
//! Mirrors `models/train/featurize.py` exactly (that file is the specification): NFKC,
//! invisible characters dropped, per-character lowercase, Cyrillic/Greek look-alikes
//! folded, whitespace runs collapsed, one space of padding on each side; char n-grams
//! hashed with FNV-1a 32 into 2^bits buckets; L2-normalized counts; logistic regression;
//! windows of `window_chars` (stride `window_stride`) with the maximum taken.

use unicode_normalization::UnicodeNormalization;

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

    /// The n-gram probability of a whole text, already passed through [`normalize`]
    /// (maximum over its character windows).
    pub(crate) fn score_normalized(&self, norm: &[char]) -> f32 {
        let mut buckets =
            Vec::with_capacity(norm.len().min(self.window_chars) * (self.n_max - self.n_min + 1));
        let mut best = f64::NEG_INFINITY;
        for (start, end) in window_spans(norm.len(), self.window_chars, self.window_stride) {
            best = best.max(self.logit(&norm[start..end], &mut buckets));
        }
        sigmoid(best) as f32
    }

    fn logit(&self, chars: &[char], buckets: &mut Vec<u32>) -> f64 {
        buckets.clear();
        let mut utf8 = [0u8; 4];
        for i in 0..chars.len() {
            let mut h = FNV_OFFSET;
            for (k, ch) in chars[i..].iter().take(self.n_max).enumerate() {
                for &b in ch.encode_utf8(&mut utf8).as_bytes() {
                    h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
                }
                if k + 1 >= self.n_min {
                    buckets.push(h & self.mask);
                }
            }
        }
        if buckets.is_empty() {
            return self.bias;
        }
        buckets.sort_unstable();
        let (mut dot, mut sumsq) = (0.0f64, 0.0f64);
        let mut run_start = 0;
        for i in 1..=buckets.len() {
            if i == buckets.len() || buckets[i] != buckets[run_start] {
                let count = (i - run_start) as f64;
                dot += f64::from(self.weights[buckets[run_start] as usize]) * count;
                sumsq += count * count;
                run_start = i;
            }
        }
        self.bias + dot / sumsq.sqrt()
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
pub(crate) fn normalize(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(' ');
    let mut pending_space = false;
    for ch in text.nfkc() {
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
    out
}
