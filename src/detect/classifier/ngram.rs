//! The hashed character n-gram signal, computed natively over the whole text.
//!
//! Mirrors `models/train/featurize.py` exactly (that file is the specification): over
//! the model text ([`crate::normalize::model_text_into`]: NFKC, invisible characters
//! dropped, per-character lowercase, Cyrillic/Greek look-alikes folded, whitespace runs
//! collapsed, one space of padding on each side), char n-grams hashed with FNV-1a 32
//! into 2^bits buckets; L2-normalized counts; logistic regression; windows of
//! `window_chars` (stride `window_stride`) with the maximum taken.
//!
//! The weights are 16-bit fixed point (`weight = q * scale`, format `i16-le`, what
//! `train.py` writes and calibrates with), so a window's weight sum is an exact integer
//! prefix-sum difference and the table is half the size of f32 weights. Older `f32-le`
//! tables are quantized the same way at load (a logit moves by under 1e-3).

use std::ops::Range;

use super::ClassifierError;
use super::spec::{NgramSpec, sigmoid};

const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

/// The trained weights and featurizer parameters.
#[derive(Debug)]
pub(crate) struct NgramModel {
    /// Fixed-point weights, one per bucket: the weight is `q * scale`.
    weights: Vec<i16>,
    scale: f64,
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
        let (weights, scale) = match spec.format.as_str() {
            "i16-le" => {
                let scale = spec
                    .scale
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| ClassifierError::BadSpec {
                        reason: format!(
                            "ngram format i16-le needs a finite scale > 0 (got {:?})",
                            spec.scale
                        ),
                    })?;
                expect_len(spec, bytes, buckets, 2)?;
                let q = bytes
                    .chunks_exact(2)
                    .map(|c| i16::from_le_bytes([c[0], c[1]]))
                    .collect();
                (q, scale)
            }
            "f32-le" => {
                expect_len(spec, bytes, buckets, 4)?;
                let w: Vec<f32> = bytes
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                quantize(&w).ok_or_else(|| ClassifierError::BadSpec {
                    reason: format!("{} holds a weight that is not finite", spec.file),
                })?
            }
            other => {
                return Err(ClassifierError::BadSpec {
                    reason: format!("ngram format `{other}` (expected i16-le or f32-le)"),
                });
            }
        };
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
        Ok(NgramModel {
            weights,
            scale,
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
    /// N-grams and windows count characters; an n-gram is hashed over its UTF-8 bytes.
    ///
    /// Windows overlap, so every n-gram is hashed and weighed once for the whole text, and
    /// the windows slide over it: an n-gram is counted in when a window's end passes its
    /// end and counted out when a window's start passes its start, each step updating the
    /// sum of squared counts exactly (`(c + 1)^2 - c^2 = 2c + 1`). A window's weight sum
    /// is a difference of integer prefix sums of the fixed-point weights, exact, scaled
    /// once per window. Linear in the text; no allocation once the scratch has grown.
    pub(crate) fn score_normalized(&self, norm: &str, scratch: &mut NgramScratch) -> f32 {
        self.score_windows(norm, scratch, None)
    }

    /// [`NgramModel::score_normalized`], and the gray regions of the text left in
    /// `scratch` ([`NgramScratch::gray_regions`]): the byte ranges of `norm` covered by
    /// windows whose logit reaches `gray_logit`, overlapping or touching windows merged.
    /// The cascade scores the token windows of those regions only.
    pub(crate) fn score_gated(
        &self,
        norm: &str,
        scratch: &mut NgramScratch,
        gray_logit: f64,
    ) -> f32 {
        self.score_windows(norm, scratch, Some(gray_logit))
    }

    fn score_windows(
        &self,
        norm: &str,
        scratch: &mut NgramScratch,
        gray_logit: Option<f64>,
    ) -> f32 {
        // The shipped lengths as constants, so the counting loops unroll by start.
        match (self.n_min, self.n_max) {
            (3, 5) => self.score_windows_of(norm, scratch, gray_logit, (3, 5)),
            lengths => self.score_windows_of(norm, scratch, gray_logit, lengths),
        }
    }

    /// [`NgramModel::score_windows`] for n-grams of `lengths.0..=lengths.1` characters
    /// (the model's).
    #[inline(always)]
    fn score_windows_of(
        &self,
        norm: &str,
        scratch: &mut NgramScratch,
        gray_logit: Option<f64>,
        (n_min, n_max): (usize, usize),
    ) -> f32 {
        let per_pos = n_max - n_min + 1;
        let chars = self.hash_all(norm, per_pos, scratch);
        let NgramScratch {
            bucket,
            prefix,
            counts,
            offsets,
            gray,
            ..
        } = scratch;
        gray.clear();
        if counts.len() != self.weights.len() {
            *counts = vec![0; self.weights.len()];
        }
        // Slices, so the loops below keep their pointers in registers. Every bucket is
        // already masked: masking again changes no index and keeps it visibly within
        // the `mask + 1` counts.
        let mask = self.mask as usize;
        let counts = &mut counts[..=mask];
        let weights = &self.weights[..=mask];
        let bucket = &bucket[..];
        let lengths = (n_min, n_max);
        // The n-grams counted now: those starting at or after `cs` and ending at or
        // before `ce`.
        let (mut cs, mut ce) = (0usize, 0usize);
        let mut sumsq: u64 = 0;
        let mut best = f64::NEG_INFINITY;
        for (start, end) in window_spans(chars, self.window_chars, self.window_stride) {
            // Out: n-grams starting before the new start (counted if they ended by `ce`).
            for_grams(bucket, lengths, cs..start.min(ce), 0, ce, |b| {
                let count = &mut counts[b as usize & mask];
                // (c - 1)^2 = c^2 - (2c - 1), and c >= 1 for a counted n-gram.
                sumsq -= 2 * u64::from(*count) - 1;
                *count -= 1;
            });
            cs = cs.max(start);
            ce = ce.max(cs);
            // In: n-grams ending after the old end, by the new end, starting at or after
            // the new start.
            for_grams(bucket, lengths, cs..end, ce, end, |b| {
                let count = &mut counts[b as usize & mask];
                sumsq += 2 * u64::from(*count) + 1;
                *count += 1;
            });
            ce = end;
            let logit = if sumsq == 0 {
                self.bias
            } else {
                // Weights of the n-grams inside [start, end): whole positions up to the
                // last one whose longest n-gram fits, then the tail's shorter ones.
                let full = end.saturating_sub(n_max - 1).max(start);
                let mut dot = prefix[full] - prefix[start];
                for i in full..end {
                    for n in n_min..=n_max.min(end - i) {
                        let slot = i * per_pos + n - n_min;
                        dot += i64::from(weights[bucket[slot] as usize & mask]);
                    }
                }
                self.bias + dot as f64 * self.scale / (sumsq as f64).sqrt()
            };
            best = best.max(logit);
            if gray_logit.is_some_and(|floor| logit >= floor) {
                match gray.last_mut() {
                    Some(last) if start <= last.end => last.end = last.end.max(end),
                    _ => gray.push(start..end),
                }
            }
        }
        // Character spans to byte ranges (the same in ASCII text, which has no offsets).
        if chars != norm.len() {
            for region in gray.iter_mut() {
                *region = offsets[region.start]..offsets[region.end];
            }
        }
        // Leave the counts all zero for the next text.
        for_grams(bucket, lengths, cs..ce, 0, ce, |b| {
            counts[b as usize & mask] = 0;
        });
        sigmoid(best) as f32
    }

    /// Fills, for the n-gram of length `n` starting at char `i` (slot
    /// `i * per_pos + n - n_min`), its bucket, and `prefix[i + 1]`, the sum of the
    /// fixed-point weights of every slot of the starts up to `i` (slots past the end
    /// weigh 0). Returns the number of characters.
    fn hash_all(&self, text: &str, per_pos: usize, scratch: &mut NgramScratch) -> usize {
        let NgramScratch {
            bucket,
            prefix,
            offsets,
            words,
            wide,
            ..
        } = scratch;
        let bytes = text.as_bytes();
        // Characters are bytes in ASCII text (most prompts): no offset table.
        let ascii = text.is_ascii();
        let chars = if ascii {
            bytes.len()
        } else {
            char_words(text, offsets, words, wide)
        };
        let slots = chars * per_pos;
        // Grown, never cleared: `hash` writes every slot it covers.
        if bucket.len() < slots {
            bucket.resize(slots, 0);
        }
        if prefix.len() < chars + 1 {
            prefix.resize(chars + 1, 0);
        }
        let (bucket, prefix) = (&mut bucket[..slots], &mut prefix[..=chars]);
        let table = Table {
            weights: &self.weights[..=self.mask as usize],
            mask: self.mask,
        };
        let chars_of = (!ascii).then(|| Chars {
            offsets: &offsets[..=chars],
            words: &words[..chars],
            wide,
        });
        // The shipped lengths as constants, so the per-start loop unrolls.
        match (self.n_min, self.n_max) {
            (3, 5) => table.hash(bytes, chars_of, (3, 5), bucket, prefix),
            (lo, hi) => table.hash(bytes, chars_of, (lo, hi), bucket, prefix),
        }
        chars
    }
}

/// Writes the byte offset of every character of `text`, then `text.len()`, to the
/// front of `offsets`, and every character's UTF-8 bytes packed little-endian into one
/// `u32` ([`fnv_word`]: the bytes past the character are zero) to the front of `words`
/// (both grown, never shrunk: only those fronts are read); `wide` gets the indices of
/// the multi-byte characters. Returns the number of characters. ASCII runs are found
/// eight bytes at a time and written in one loop, so the per-character work of a text
/// in a Latin script is a store or two.
fn char_words(
    text: &str,
    offsets: &mut Vec<usize>,
    words: &mut Vec<u32>,
    wide: &mut Vec<usize>,
) -> usize {
    let bytes = text.as_bytes();
    wide.clear();
    if offsets.len() < bytes.len() + 1 {
        offsets.resize(bytes.len() + 1, 0);
    }
    if words.len() < bytes.len() {
        words.resize(bytes.len(), 0);
    }
    // A character has at least one byte: character `n` of byte `at` has `n <= at`.
    let (offsets, words) = (&mut offsets[..=bytes.len()], &mut words[..bytes.len()]);
    let (mut at, mut n) = (0, 0);
    while at < bytes.len() {
        // A run of ASCII bytes is as many characters, written in one simple loop.
        let run = ascii_run(&bytes[at..]);
        let ascii = bytes[at..at + run].iter().zip(at..);
        for ((offset, word), (&b, k)) in offsets[n..n + run]
            .iter_mut()
            .zip(&mut words[n..n + run])
            .zip(ascii)
        {
            *offset = k;
            *word = u32::from(b);
        }
        at += run;
        n += run;
        if at < bytes.len() {
            let (word, len) = char_word(bytes, at);
            offsets[n] = at;
            words[n] = word;
            wide.push(n);
            at += len;
            n += 1;
        }
    }
    offsets[n] = bytes.len();
    n
}

/// The number of ASCII bytes `bytes` starts with, read eight at a time.
#[inline(always)]
fn ascii_run(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut run = 0;
    for chunk in &mut chunks {
        let word = chunk
            .first_chunk::<8>()
            .map_or(HIGH, |c| u64::from_le_bytes(*c));
        let high = word & HIGH;
        if high != 0 {
            // Little-endian: the first non-ASCII byte is the lowest high bit's.
            return run + (high.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    run + chunks
        .remainder()
        .iter()
        .take_while(|b| b.is_ascii())
        .count()
}

/// The word ([`char_words`]) and the length of the character starting at byte `at` of
/// `bytes` (valid UTF-8, `at` on a character boundary).
#[inline(always)]
fn char_word(bytes: &[u8], at: usize) -> (u32, usize) {
    let lead = bytes[at];
    if lead < 0x80 {
        return (u32::from(lead), 1);
    }
    let len = utf8_len(lead);
    let word = match bytes.get(at..).and_then(<[u8]>::first_chunk::<4>) {
        // Four bytes read at once, those past the character masked off.
        Some(four) => u32::from_le_bytes(*four) & (u32::MAX >> (8 * (4 - len))),
        None => bytes[at..(at + len).min(bytes.len())]
            .iter()
            .rev()
            .fold(0, |w, &b| w << 8 | u32::from(b)),
    };
    (word, len)
}

/// The length of the UTF-8 character whose first byte is `lead`.
#[inline(always)]
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The UTF-8 bytes of `c` packed little-endian into a `u32`, zero past the character:
/// what [`char_words`] writes per character (its plain definition, for the tests).
#[cfg(test)]
pub(crate) fn utf8_word(c: char) -> u32 {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf);
    u32::from_le_bytes(buf)
}

#[cfg(test)]
impl NgramModel {
    /// Every bucket's weight as the scores use it (`q * scale`), for plain recounts.
    pub(crate) fn dequantized(&self) -> Vec<f64> {
        self.weights
            .iter()
            .map(|&q| f64::from(q) * self.scale)
            .collect()
    }

    /// The bucket of every n-gram slot of `norm` (start by start, then length; slots past
    /// the end 0) and the prefix sums of their weights, as the scoring hashes them.
    pub(crate) fn slots(&self, norm: &str) -> (Vec<u32>, Vec<i64>) {
        let mut scratch = NgramScratch::default();
        let chars = self.hash_all(norm, self.n_max - self.n_min + 1, &mut scratch);
        let slots = chars * (self.n_max - self.n_min + 1);
        (
            scratch.bucket[..slots].to_vec(),
            scratch.prefix[..=chars].to_vec(),
        )
    }

    /// The fixed-point weight of a bucket.
    pub(crate) fn quantized(&self, bucket: u32) -> i16 {
        self.weights[(bucket & self.mask) as usize]
    }
}

/// [`char_words`] of `text`: every character's byte offset (and the end), its word and
/// the indices of the multi-byte characters.
#[cfg(test)]
pub(crate) fn char_words_of(text: &str) -> (Vec<usize>, Vec<u32>, Vec<usize>) {
    let (mut offsets, mut words, mut wide) = (Vec::new(), Vec::new(), Vec::new());
    let chars = char_words(text, &mut offsets, &mut words, &mut wide);
    offsets.truncate(chars + 1);
    words.truncate(chars);
    (offsets, words, wide)
}

/// The weight table as [`Table::hash`] reads it.
struct Table<'a> {
    /// Exactly `mask + 1` weights: a masked bucket indexes them unchecked.
    weights: &'a [i16],
    mask: u32,
}

/// One FNV-1a 32 step: the byte `b` (or a character's word of one byte) into state `h`.
#[inline(always)]
fn fnv_byte(h: u32, b: u32) -> u32 {
    (h ^ b).wrapping_mul(FNV_PRIME)
}

/// One FNV-1a 32 step per byte of `bytes`, from state `h`.
#[inline(always)]
fn fnv(h: u32, bytes: &[u8]) -> u32 {
    bytes.iter().fold(h, |h, &b| fnv_byte(h, u32::from(b)))
}

/// [`fnv`] over the bytes of one UTF-8 character packed little-endian in `word`
/// ([`char_words`]). Its length needs no table: every byte of a character after the first
/// is a continuation byte (at least 0x80), and the bytes past it are zero.
#[inline(always)]
fn fnv_word(mut h: u32, word: u32) -> u32 {
    if word <= 0xFF {
        return fnv_byte(h, word);
    }
    h = (h ^ (word & 0xFF)).wrapping_mul(FNV_PRIME);
    h = (h ^ ((word >> 8) & 0xFF)).wrapping_mul(FNV_PRIME);
    if word > 0xFFFF {
        h = (h ^ ((word >> 16) & 0xFF)).wrapping_mul(FNV_PRIME);
        if word > 0xFF_FFFF {
            h = (h ^ (word >> 24)).wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// The characters of a non-ASCII text as [`Table::hash`] reads them ([`char_words`]).
#[derive(Clone, Copy)]
struct Chars<'a> {
    /// Byte offset of every character, then the text's length.
    offsets: &'a [usize],
    /// Every character's bytes as one word ([`char_words`]).
    words: &'a [u32],
    /// The indices of the multi-byte characters, in order.
    wide: &'a [usize],
}

impl Table<'_> {
    /// [`NgramModel::hash_all`] over `bucket.len() / per_pos` characters, character `i`
    /// being `chars.words[i]` (`bytes[i]` without `chars`: ASCII), for n-grams of
    /// `lengths.0..=lengths.1` characters.
    ///
    /// The starts whose every n-gram fits in the text walk `bytes` (or the character
    /// words) as windows of `n_max` characters, so no start pays a bounds check per
    /// character; each character is hashed byte by byte, in order (same hashes as the
    /// text's bytes).
    #[inline(always)]
    fn hash(
        &self,
        bytes: &[u8],
        chars_of: Option<Chars<'_>>,
        (n_min, n_max): (usize, usize),
        bucket: &mut [u32],
        prefix: &mut [i64],
    ) {
        let per_pos = n_max - n_min + 1;
        let chars = bucket.len() / per_pos;
        // Starts whose every n-gram fits in the text.
        let whole = chars.saturating_sub(n_max - 1);
        let (bucket_whole, bucket_tail) = bucket.split_at_mut(whole * per_pos);
        prefix[0] = 0;
        let (prefix_whole, prefix_tail) = prefix[1..].split_at_mut(whole);
        let starts = bucket_whole
            .chunks_exact_mut(per_pos)
            .zip(prefix_whole.iter_mut());
        let mut total = 0i64;
        match chars_of {
            None => {
                for (gram, (slots, sum)) in bytes.windows(n_max).zip(starts) {
                    total += self.start_slots(gram, n_min, slots, |h, b| fnv_byte(h, u32::from(b)));
                    *sum = total;
                }
            }
            Some(Chars { words, wide, .. }) => {
                // Starts in order: the ones before a multi-byte character's reach (most
                // starts of most texts) hashed without a length test per character,
                // then those whose n-grams hold it.
                let mut grams = words.windows(n_max).zip(starts);
                let mut next = 0;
                for &w in wide.iter().chain([&usize::MAX]) {
                    let narrow_end = w.saturating_sub(n_max - 1).clamp(next, whole);
                    for (gram, (slots, sum)) in grams.by_ref().take(narrow_end - next) {
                        total += self.start_slots(gram, n_min, slots, fnv_byte);
                        *sum = total;
                    }
                    let wide_end = w.saturating_add(1).clamp(narrow_end, whole);
                    for (gram, (slots, sum)) in grams.by_ref().take(wide_end - narrow_end) {
                        total += self.start_slots(gram, n_min, slots, fnv_word);
                        *sum = total;
                    }
                    next = wide_end;
                    if next == whole {
                        break;
                    }
                }
            }
        }
        let at = |i: usize| chars_of.map_or(i, |c| c.offsets[i]);
        let tail = bucket_tail
            .chunks_exact_mut(per_pos)
            .zip(prefix_tail.iter_mut());
        for (i, (slots, sum)) in (whole..chars).zip(tail) {
            // Characters before the shortest n-gram's last one: no slot.
            let shortest = (i + n_min - 1).min(chars);
            let mut h = fnv(FNV_OFFSET, &bytes[at(i)..at(shortest)]);
            let fitting = chars - shortest;
            for (j, slot) in slots.iter_mut().enumerate() {
                if j < fitting {
                    let c = shortest + j;
                    h = fnv(h, &bytes[at(c)..at(c + 1)]);
                    *slot = h & self.mask;
                    total += i64::from(self.weight(*slot));
                } else {
                    // Slots past the end: bucket 0, no weight.
                    *slot = 0;
                }
            }
            *sum = total;
        }
    }

    /// Fills the slots of a start whose `n_max` characters are `gram`, each hashed into
    /// the running FNV-1a by `step`; returns their weight sum. Inlined into
    /// [`Table::hash`] with each kind of start's `step`: a byte ([`fnv_byte`]), a
    /// character's word known to be one byte (the same), or any character's word
    /// ([`fnv_word`]: no offsets, no slice and no loop per character). The shipped
    /// lengths are constants there: `gram` then has a known length and the loops unroll.
    #[inline(always)]
    fn start_slots<T: Copy>(
        &self,
        gram: &[T],
        n_min: usize,
        slots: &mut [u32],
        step: impl Fn(u32, T) -> u32,
    ) -> i64 {
        let mut h = gram[..n_min - 1]
            .iter()
            .fold(FNV_OFFSET, |h, &c| step(h, c));
        let mut sum = 0i64;
        for (slot, &c) in slots.iter_mut().zip(&gram[n_min - 1..]) {
            h = step(h, c);
            *slot = h & self.mask;
            sum += i64::from(self.weight(*slot));
        }
        sum
    }

    /// The weight of a masked bucket.
    #[inline(always)]
    fn weight(&self, bucket: u32) -> i16 {
        self.weights[(bucket & self.mask) as usize]
    }
}

/// Calls `f` with the bucket of every n-gram that starts in `starts` and ends
/// (start + length) after `end_after` and by `end_by`, by start, then length. The
/// starts whose every n-gram qualifies form one run of slots, walked as such.
#[inline(always)]
fn for_grams(
    bucket: &[u32],
    (n_min, n_max): (usize, usize),
    starts: Range<usize>,
    end_after: usize,
    end_by: usize,
    mut f: impl FnMut(u32),
) {
    let per_pos = n_max - n_min + 1;
    // The n-grams of start `i` that qualify, by length.
    let partial = |i: usize| {
        let shortest = n_min.max((end_after + 1).saturating_sub(i));
        let longest = n_max.min(end_by.saturating_sub(i));
        if shortest > longest {
            return &bucket[..0];
        }
        let slot = i * per_pos;
        &bucket[slot + (shortest - n_min)..=slot + (longest - n_min)]
    };
    // Every n-gram qualifies from `i + n_min > end_after` to `i + n_max <= end_by`.
    let full_lo = starts
        .start
        .max((end_after + 1).saturating_sub(n_min))
        .min(starts.end);
    let full_hi = full_lo
        .max((end_by + 1).saturating_sub(n_max))
        .min(starts.end);
    // Starts before `end_after + 1 - n_max` have no n-gram ending after `end_after`.
    let first = starts.start.max((end_after + 1).saturating_sub(n_max));
    for i in first..full_lo {
        partial(i).iter().for_each(|&b| f(b));
    }
    // By start, so that the shipped model's constant `per_pos` unrolls the loop.
    for slots in bucket[full_lo * per_pos..full_hi * per_pos].chunks_exact(per_pos) {
        slots.iter().for_each(|&b| f(b));
    }
    for i in full_hi..starts.end {
        partial(i).iter().for_each(|&b| f(b));
    }
}

/// `bytes` must hold `buckets` weights of `width` bytes.
fn expect_len(
    spec: &NgramSpec,
    bytes: &[u8],
    buckets: usize,
    width: usize,
) -> Result<(), ClassifierError> {
    if bytes.len() == buckets * width {
        return Ok(());
    }
    Err(ClassifierError::BadSpec {
        reason: format!(
            "{} has {} bytes, expected {} (2^{} {} weights)",
            spec.file,
            bytes.len(),
            buckets * width,
            spec.bits,
            spec.format
        ),
    })
}

/// 16-bit fixed point of f32 weights, as `train.py` quantizes them: the largest
/// magnitude maps to `i16::MAX`. `None` when a weight is not finite.
fn quantize(weights: &[f32]) -> Option<(Vec<i16>, f64)> {
    let mut largest = 0.0f64;
    for &w in weights {
        if !w.is_finite() {
            return None;
        }
        largest = largest.max(f64::from(w).abs());
    }
    let scale = if largest > 0.0 {
        largest / f64::from(i16::MAX)
    } else {
        1.0
    };
    let q = weights
        .iter()
        .map(|&w| (f64::from(w) / scale).round() as i16)
        .collect();
    Some((q, scale))
}

/// Reusable buffers for [`NgramModel::score_normalized`] (one per inference slot).
#[derive(Debug, Default)]
pub(crate) struct NgramScratch {
    /// Bucket of every n-gram slot (of the current text; longer from an earlier one).
    bucket: Vec<u32>,
    /// Prefix sums of the fixed-point weights of every start's slots, by start
    /// (likewise).
    prefix: Vec<i64>,
    /// Count of each bucket in the current window; all zero between texts.
    counts: Vec<u16>,
    /// Byte offset of every character and the end (non-ASCII text only).
    offsets: Vec<usize>,
    /// Every character's UTF-8 bytes as one little-endian `u32` (non-ASCII text only,
    /// [`utf8_word`]).
    words: Vec<u32>,
    /// The indices of the multi-byte characters (non-ASCII text only).
    wide: Vec<usize>,
    /// Gray regions of the last [`NgramModel::score_gated`] text (byte ranges).
    gray: Vec<Range<usize>>,
}

impl NgramScratch {
    /// The gray regions [`NgramModel::score_gated`] found in its last text: byte ranges
    /// of that text, in order, disjoint.
    pub(crate) fn gray_regions(&self) -> &[Range<usize>] {
        &self.gray
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
