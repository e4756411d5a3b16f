//! Scoring one text in an inference slot: the model text, the n-gram signal, the
//! token windows through the native evaluator or ONNX Runtime, and their combination.

use std::sync::atomic::Ordering;
use std::sync::{Arc, MutexGuard, TryLockError};

use ort::session::Session;
use ort::session::SessionInputValue;
use ort::value::TensorRef;

use super::native::{self, HeadScratch};
use super::ngram::NgramScratch;
use super::wordpiece::{self, EncodeScratch};
use super::{ClassifierError, Inner, Score, windows};

/// One inference slot: a session and the buffers a scoring reuses, so a warm slot
/// scores without allocating (beyond what ONNX Runtime does inside a run).
#[derive(Default)]
pub(super) struct Slot {
    /// `None` when the graph is evaluated natively.
    pub(super) session: Option<Session>,
    pub(super) scratch: Scratch,
}

/// The buffers one scoring reuses.
#[derive(Default)]
pub(super) struct Scratch {
    joined: String,
    encode: EncodeScratch,
    ids: Vec<u32>,
    input_ids: Vec<i64>,
    /// Ones (attention mask) and zeros (token type ids), grown to the largest batch seen.
    ones: Vec<i64>,
    zeros: Vec<i64>,
    scores: Vec<f32>,
    ngram: NgramScratch,
    /// The gray regions of the text being scored (byte ranges of `joined`).
    regions: Vec<std::ops::Range<usize>>,
    head: HeadScratch,
}

/// Bytes of model text whose buffers a slot keeps between scorings; a longer prompt's
/// buffers are freed after it (a slot would otherwise hold the largest prompt ever seen).
const RETAINED_BYTES: usize = 16 * 1024;

impl Scratch {
    fn trim(&mut self) {
        if self.joined.capacity() > RETAINED_BYTES {
            *self = Scratch::default();
        }
    }
}

impl Inner {
    /// [`Inner::score`], counted in `busy` and `busy_peak`.
    pub(super) fn score_counted(
        &self,
        slot: &mut Slot,
        text: &str,
    ) -> Result<Score, ClassifierError> {
        let now = self.busy.fetch_add(1, Ordering::SeqCst) + 1;
        self.busy_peak.fetch_max(now, Ordering::SeqCst);
        let result = self.score(slot, text);
        self.busy.fetch_sub(1, Ordering::SeqCst);
        result
    }

    /// Scores `text` with the buffers (and session) of `slot`.
    pub(super) fn score(&self, slot: &mut Slot, text: &str) -> Result<Score, ClassifierError> {
        let Slot { session, scratch } = slot;
        // Both signals read the model text (NFKC, invisibles dropped, lowercase,
        // look-alikes folded: `normalize/model.rs`), computed once.
        crate::normalize::model_text_into(text, &mut scratch.joined);
        let result = match self.combination.gray_logit() {
            Some(gray_logit) => self.score_cascade(session, scratch, gray_logit),
            None => self.score_whole(session, scratch),
        };
        scratch.trim();
        result
    }

    /// Both signals over the whole model text.
    fn score_whole(
        &self,
        session: &mut Option<Session>,
        scratch: &mut Scratch,
    ) -> Result<Score, ClassifierError> {
        let ngram = self
            .ngram
            .score_normalized(&scratch.joined, &mut scratch.ngram);
        scratch.ids.clear();
        self.encode(&scratch.joined, &mut scratch.encode, &mut scratch.ids)?;
        let (model, windows) = self.encoder_score(session.as_mut(), scratch)?;
        Ok(self.scored(model, ngram, windows))
    }

    /// The cascade: the n-gram signal over the whole model text, then the token windows
    /// of its gray regions only, region by region; none when it has no gray region.
    fn score_cascade(
        &self,
        session: &mut Option<Session>,
        scratch: &mut Scratch,
        gray_logit: f64,
    ) -> Result<Score, ClassifierError> {
        let ngram = self
            .ngram
            .score_gated(&scratch.joined, &mut scratch.ngram, gray_logit);
        scratch.regions.clear();
        scratch
            .regions
            .extend_from_slice(scratch.ngram.gray_regions());
        if scratch.regions.is_empty() {
            // No model signal: 0 rescales to 0, so the n-gram score alone decides.
            return Ok(self.scored(0.0, ngram, 0));
        }
        let (mut model, mut windows) = (f32::NEG_INFINITY, 0);
        for r in 0..scratch.regions.len() {
            let region = scratch.regions[r].clone();
            scratch.ids.clear();
            self.encode(
                &scratch.joined[region],
                &mut scratch.encode,
                &mut scratch.ids,
            )?;
            let (best, n) = self.encoder_score(session.as_mut(), scratch)?;
            model = model.max(best);
            windows += n;
        }
        Ok(self.scored(model, ngram, windows))
    }

    /// WordPiece ids of `text` appended to `ids` (the fast path when it applies).
    fn encode(
        &self,
        text: &str,
        encode: &mut EncodeScratch,
        ids: &mut Vec<u32>,
    ) -> Result<(), ClassifierError> {
        match &self.fast {
            Some(fast) => fast.encode(&self.tokenizer, text, encode, ids),
            None => wordpiece::encode_reference(&self.tokenizer, text, ids),
        }
    }

    /// The [`Score`] of both signals, combined.
    fn scored(&self, model: f32, ngram: f32, windows: usize) -> Score {
        Score {
            model,
            ngram,
            combined: self.combination.combine(model, ngram),
            windows,
            model_version: Arc::clone(&self.version),
        }
    }

    /// Scores the token windows of `scratch.ids` in one batched run.
    fn encoder_score(
        &self,
        session: Option<&mut Session>,
        scratch: &mut Scratch,
    ) -> Result<(f32, usize), ClassifierError> {
        let ids = &scratch.ids;
        let starts = windows::window_starts(ids.len(), self.body, self.stride, self.max_windows);
        // Every window but a lone short one holds exactly `body` tokens, so the windows of
        // a prompt form one rectangular batch: one run, no padding.
        let width = ids.len().min(self.body) + 2;
        scratch.scores.clear();
        match (&self.head, session) {
            (Some(head), _) => {
                let windows = native::Windows {
                    ids,
                    starts: &starts,
                    width,
                    // Ids of the vocabulary, which has fewer than 2^32 entries.
                    cls: self.cls as u32,
                    sep: self.sep as u32,
                };
                head.score_windows(&windows, &mut scratch.head, &mut scratch.scores)
                    .ok_or_else(|| ClassifierError::Inference {
                        reason: format!(
                            "token id outside the embedding table ({} rows)",
                            head.vocab()
                        ),
                    })?;
            }
            (None, Some(session)) => {
                let input_ids = &mut scratch.input_ids;
                input_ids.clear();
                for &start in &starts {
                    input_ids.push(self.cls);
                    input_ids.extend(
                        ids[start..start + width - 2]
                            .iter()
                            .map(|&id| i64::from(id)),
                    );
                    input_ids.push(self.sep);
                }
                let runner = OrtRunner {
                    output: self.output.as_str(),
                    type_ids: self.type_ids,
                };
                runner.run(
                    session,
                    [starts.len(), width],
                    input_ids,
                    &mut scratch.ones,
                    &mut scratch.zeros,
                    &mut scratch.scores,
                )?;
            }
            (None, None) => {
                return Err(ClassifierError::Inference {
                    reason: "no session in this inference slot".to_owned(),
                });
            }
        }
        if scratch.scores.len() != starts.len() {
            return Err(ClassifierError::BadOutput {
                expected: starts.len(),
                got: scratch.scores.len(),
            });
        }
        let best = scratch
            .scores
            .iter()
            .copied()
            .fold(f32::NEG_INFINITY, f32::max);
        Ok((best, starts.len()))
    }

    /// A free slot, or `None` when every slot is in use.
    pub(super) fn free_slot(&self) -> Option<MutexGuard<'_, Slot>> {
        self.slots.iter().find_map(|slot| match slot.try_lock() {
            Ok(guard) => Some(guard),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        })
    }

    /// A free slot; the semaphore keeps async callers within the pool, so one is
    /// usually free at once. Blocking callers wait on the first one otherwise.
    pub(super) fn slot(&self) -> MutexGuard<'_, Slot> {
        self.free_slot()
            .unwrap_or_else(|| self.slots[0].lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// How the graph is run in ONNX Runtime: its output name and whether it takes
/// `token_type_ids`.
struct OrtRunner<'a> {
    output: &'a str,
    type_ids: bool,
}

impl OrtRunner<'_> {
    /// Runs one batch of `shape` windows (`ids` row-major, attention mask all ones) and
    /// appends one score per window to `scores`. `ones` and `zeros` grow as needed.
    fn run(
        &self,
        session: &mut Session,
        shape: [usize; 2],
        ids: &[i64],
        ones: &mut Vec<i64>,
        zeros: &mut Vec<i64>,
        scores: &mut Vec<f32>,
    ) -> Result<(), ClassifierError> {
        fn tensor(shape: [usize; 2], data: &[i64]) -> ort::Result<SessionInputValue<'_>> {
            TensorRef::from_array_view((shape, data)).map(SessionInputValue::from)
        }
        let ort_err = |e: ort::Error| ClassifierError::Inference {
            reason: e.to_string(),
        };
        let len = shape[0] * shape[1];
        if ones.len() < len {
            ones.resize(len, 1);
            zeros.resize(len, 0);
        }
        let mut inputs = vec![
            ("input_ids", tensor(shape, &ids[..len]).map_err(ort_err)?),
            (
                "attention_mask",
                tensor(shape, &ones[..len]).map_err(ort_err)?,
            ),
        ];
        if self.type_ids {
            inputs.push((
                "token_type_ids",
                tensor(shape, &zeros[..len]).map_err(ort_err)?,
            ));
        }
        let outputs = session.run(inputs).map_err(ort_err)?;
        let (_, out) = outputs[self.output]
            .try_extract_tensor::<f32>()
            .map_err(ort_err)?;
        scores.extend_from_slice(out);
        Ok(())
    }
}
