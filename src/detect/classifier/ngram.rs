//! The hashed character n-gram signal, computed natively over the whole text.
//!
//! Mirrors `models/train/featurize.py` exactly (that file is the specification): over
//! the model text ([`crate::normalize::model_text_into`]: NFKC, invisible characters
//! dropped, per-character lowercase, Cyrillic/Greek look-alikes folded, whitespace runs
//! collapsed, one space of padding on each side), char n-grams hashed with FNV-1a 32
//! into 2^bits buckets; L2-normalized counts; logistic regression; windows of
//! `window_chars` (stride `window_stride`) with the maximum taken.

use super::ClassifierError;
use super::spec::{NgramSpec, sigmoid};

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
        // Bucket counts inside one window are u16 (see `NgramScratch::counts`).
        let grams_per_window = spec.window_chars * (spec.n_max + 1 - spec.n_min.min(spec.n_max));
        if grams_per_window > usize::from(u16::MAX) {
            return Err(ClassifierError::BadSpec {
                reason: format!(
                    "ngram window_chars = {} has {grams_per_window} n-grams per window (at most {})",
                    spec.window_chars,
                    u16::MAX
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

    /// The n-gram probability of a whole text, already turned into the model text
    /// ([`crate::normalize::model_text_into`]; maximum over its character windows).
    ///
    /// Windows overlap, so every n-gram is hashed and weighed once for the whole text, and
    /// the windows slide over it: an n-gram is counted in when a window's end passes its
    /// end and counted out when a window's start passes its start, each step updating the
    /// sum of squared counts exactly (`(c + 1)^2 - c^2 = 2c + 1`). A window's weight sum
    /// is a difference of prefix sums (in f64, so it differs from a plain sum by rounding
    /// far below the f32 result). Linear in the text; no allocation once the scratch has
    /// grown.
    pub(crate) fn score_normalized(&self, norm: &[char], scratch: &mut NgramScratch) -> f32 {
        let per_pos = self.n_max - self.n_min + 1;
        self.hash_all(norm, per_pos, scratch);
        let NgramScratch {
            bucket,
            prefix,
            counts,
        } = scratch;
        if counts.len() != self.weights.len() {
            *counts = vec![0; self.weights.len()];
        }
        let (n_min, n_max) = (self.n_min, self.n_max);
        // The n-grams counted now: those starting at or after `cs` and ending at or
        // before `ce`.
        let (mut cs, mut ce) = (0usize, 0usize);
        let mut sumsq: u64 = 0;
        let mut best = f64::NEG_INFINITY;
        for (start, end) in window_spans(norm.len(), self.window_chars, self.window_stride) {
            // Out: n-grams starting before the new start (counted if they ended by `ce`).
            for i in cs..start.min(ce) {
                for n in n_min..=n_max.min(ce - i) {
                    let b = bucket[i * per_pos + n - n_min] as usize;
                    counts[b] -= 1;
                    sumsq -= 2 * u64::from(counts[b]) + 1;
                }
            }
            cs = cs.max(start);
            ce = ce.max(cs);
            // In: n-grams ending after the old end, by the new end, starting at or after
            // the new start.
            for p in ce + 1..=end {
                for n in n_min..=n_max {
                    let Some(i) = p.checked_sub(n).filter(|&i| i >= cs) else {
                        break;
                    };
                    let b = bucket[i * per_pos + n - n_min] as usize;
                    sumsq += 2 * u64::from(counts[b]) + 1;
                    counts[b] += 1;
                }
            }
            ce = end;
            let logit = if sumsq == 0 {
                self.bias
            } else {
                // Weights of the n-grams inside [start, end): whole positions up to the
                // last one whose longest n-gram fits, then the tail's shorter ones.
                let full = end.saturating_sub(n_max - 1).max(start);
                let mut dot = prefix[full * per_pos] - prefix[start * per_pos];
                for i in full..end {
                    for n in n_min..=n_max.min(end - i) {
                        let slot = i * per_pos + n - n_min;
                        dot += prefix[slot + 1] - prefix[slot];
                    }
                }
                self.bias + dot / (sumsq as f64).sqrt()
            };
            best = best.max(logit);
        }
        // Leave the counts all zero for the next text.
        for i in cs..ce {
            for n in n_min..=n_max.min(ce - i) {
                counts[bucket[i * per_pos + n - n_min] as usize] = 0;
            }
        }
        sigmoid(best) as f32
    }

    /// Fills, for the n-gram of length `n` starting at char `i` (slot
    /// `i * per_pos + n - n_min`), its bucket, and `prefix[slot + 1]`, the sum of the
    /// weights of every slot before it and itself (slots past the end weigh 0).
    fn hash_all(&self, chars: &[char], per_pos: usize, scratch: &mut NgramScratch) {
        let slots = chars.len() * per_pos;
        scratch.bucket.clear();
        scratch.bucket.resize(slots, 0);
        scratch.prefix.clear();
        scratch.prefix.reserve(slots + 1);
        scratch.prefix.push(0.0);
        let mut total = 0.0f64;
        let mut utf8 = [0u8; 4];
        for i in 0..chars.len() {
            let mut h = FNV_OFFSET;
            let grams = &chars[i..(i + self.n_max).min(chars.len())];
            for (k, &ch) in grams.iter().enumerate() {
                if ch.is_ascii() {
                    h = (h ^ ch as u32).wrapping_mul(FNV_PRIME);
                } else {
                    for &b in ch.encode_utf8(&mut utf8).as_bytes() {
                        h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
                    }
                }
                if k + 1 >= self.n_min {
                    let bucket = h & self.mask;
                    scratch.bucket[i * per_pos + k + 1 - self.n_min] = bucket;
                    total += f64::from(self.weights[bucket as usize]);
                    scratch.prefix.push(total);
                }
            }
            // Slots of n-grams that would run past the end weigh nothing.
            let filled = (grams.len() + 1).saturating_sub(self.n_min);
            for _ in filled..per_pos {
                scratch.prefix.push(total);
            }
        }
    }
}

/// Reusable buffers for [`NgramModel::score_normalized`] (one per inference slot).
#[derive(Debug, Default)]
pub(crate) struct NgramScratch {
    /// Bucket of every n-gram slot.
    bucket: Vec<u32>,
    /// Prefix sums of the slots' weights.
    prefix: Vec<f64>,
    /// Count of each bucket in the current window; all zero between texts.
    counts: Vec<u16>,
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
