//! The static-embedding graph evaluated natively, for the graph `models/train/train.py`
//! writes (`build_graph`): int8 token table with a per-row scale -> mean- and max-pooling
//! over each window -> Gemm/Relu/Gemm -> capped logit -> sigmoid.
//!
//! ONNX Runtime spends ≈0.4 ms on a 2 KB prompt running that graph's 25 nodes (each a
//! pass over a batch-by-window-by-128 tensor); the same arithmetic done here in one pass
//! per window costs a few tens of microseconds. The graph is recognised node by node
//! (operators, wiring, attributes, constants, shapes); any difference and
//! [`StaticHead::from_onnx`] says why ([`NotNative`]), and ONNX Runtime runs the model.
//! The arithmetic follows the graph in f32, in the graph's order; only the summation
//! order of the pooling and the Gemms may differ from ONNX Runtime (≈1e-7). The tests
//! compare both on the whole test corpus (within 1e-5).

use super::onnx::{self, Graph, INT8, OnnxError};

/// Why the native evaluator does not take a model: ONNX Runtime runs it instead.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotNative {
    /// The reader does not take the file (see [`OnnxError`]).
    #[error(transparent)]
    Read(#[from] OnnxError),
    /// The graph is well formed but not the static-embedding graph (what differs).
    #[error("not the static-embedding graph: {0}")]
    OtherGraph(&'static str),
}

/// `(op, inputs, outputs, integer attributes)` of one node.
type NodeShape = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [(&'static str, &'static [i64])],
);

/// `(op, inputs, outputs, integer attributes)` of every node, in order, as written by
/// `build_graph` in `models/train/train.py`. Attribute lists are `(name, value)`, with
/// lists for `axes`.
const NODES: &[NodeShape] = &[
    (
        "Gather",
        &["table_q", "input_ids"],
        &["emb_q"],
        &[("axis", &[0])],
    ),
    ("Cast", &["emb_q"], &["emb_i"], &[("to", &[onnx::FLOAT])]),
    (
        "Gather",
        &["table_scale", "input_ids"],
        &["emb_s"],
        &[("axis", &[0])],
    ),
    ("Unsqueeze", &["emb_s", "axis2"], &["emb_s3"], &[]),
    ("Mul", &["emb_i", "emb_s3"], &["emb"], &[]),
    (
        "Cast",
        &["attention_mask"],
        &["mask_f"],
        &[("to", &[onnx::FLOAT])],
    ),
    ("Unsqueeze", &["mask_f", "axis2"], &["mask3"], &[]),
    ("Mul", &["emb", "mask3"], &["masked"], &[]),
    (
        "ReduceSum",
        &["masked", "axis1"],
        &["sum"],
        &[("keepdims", &[0])],
    ),
    (
        "ReduceSum",
        &["mask3", "axis1"],
        &["count"],
        &[("keepdims", &[0])],
    ),
    ("Max", &["count", "eps"], &["count_c"], &[]),
    ("Div", &["sum", "count_c"], &["mean"], &[]),
    ("Sub", &["mask3", "one"], &["mask_off"], &[]),
    ("Mul", &["mask_off", "big"], &["mask_pen"], &[]),
    ("Add", &["emb", "mask_pen"], &["emb_for_max"], &[]),
    (
        "ReduceMax",
        &["emb_for_max"],
        &["max"],
        &[("axes", &[1]), ("keepdims", &[0])],
    ),
    ("Concat", &["mean", "max"], &["features"], &[("axis", &[1])]),
    ("Gemm", &["features", "head_w1", "head_b1"], &["h1"], &[]),
    ("Relu", &["h1"], &["h1r"], &[]),
    ("Gemm", &["h1r", "head_w2", "head_b2"], &["logit_raw"], &[]),
    ("Div", &["logit_raw", "logit_cap"], &["logit_scaled"], &[]),
    ("Tanh", &["logit_scaled"], &["logit_tanh"], &[]),
    ("Mul", &["logit_tanh", "logit_cap"], &["logit"], &[]),
    ("Sigmoid", &["logit"], &["prob"], &[]),
    ("Squeeze", &["prob", "axis1"], &["score"], &[]),
];

/// The weights of the recognised graph.
#[derive(Debug)]
pub(crate) struct StaticHead {
    /// `vocab x dims` int8 rows.
    table: Vec<i8>,
    /// Per-row scale.
    scale: Vec<f32>,
    dims: usize,
    /// `2*dims x hidden`, row-major (Gemm without transposes).
    w1: Vec<f32>,
    b1: Vec<f32>,
    /// `hidden` weights of the single output.
    w2: Vec<f32>,
    b2: f32,
    hidden: usize,
    eps: f32,
    one: f32,
    big: f32,
    cap: f32,
    /// The max-pooling penalty of an unmasked token, `(1 - one) * big`, adds nothing:
    /// it is 0 and every scale is above 0, so no embedding is -0 (the one value that
    /// adding +0 would change). The shipped graph's case; pooling then skips the add.
    no_penalty: bool,
}

/// Reusable buffers of one inference slot.
#[derive(Debug, Default)]
pub(crate) struct HeadScratch {
    features: Vec<f32>,
    hidden: Vec<f32>,
    /// The current window's tokens, `[CLS]` and `[SEP]` included, as their row's
    /// first index in the table and their scale.
    window: Vec<(usize, f32)>,
}

impl StaticHead {
    /// The evaluator for `model` (ONNX bytes) whose output is `output`.
    ///
    /// # Errors
    /// [`NotNative`] when the bytes are not a graph the reader takes, or not exactly
    /// the static-embedding graph with the output `score`.
    pub(crate) fn from_onnx(model: &[u8], output: &str) -> Result<StaticHead, NotNative> {
        let graph = onnx::read_graph(model)?;
        if output != "score"
            || graph.outputs != ["score"]
            || graph
                .inputs
                .iter()
                .any(|i| i != "input_ids" && i != "attention_mask")
            || graph.nodes.len() != NODES.len()
        {
            return Err(NotNative::OtherGraph("its inputs, outputs or node count"));
        }
        for (node, &(op, inputs, outputs, attrs)) in graph.nodes.iter().zip(NODES) {
            let same_attrs = node.attrs.len() == attrs.len()
                && node.attrs.iter().zip(attrs).all(|(a, &(name, value))| {
                    !a.other
                        && a.name == name
                        && if name == "axes" {
                            a.i.is_none() && a.ints == value
                        } else {
                            a.ints.is_empty() && a.i == value.first().copied()
                        }
                });
            if node.op != op
                || !(node.domain.is_empty() || node.domain == "ai.onnx")
                || node.inputs != inputs
                || node.outputs != outputs
                || !same_attrs
            {
                return Err(NotNative::OtherGraph(
                    "a node's operator, wiring or attributes",
                ));
            }
        }
        // Graph-level names must not be shadowed by a graph input of the same name.
        if graph.inputs.len() != 2 {
            return Err(NotNative::OtherGraph("its inputs"));
        }
        Self::weights(graph).ok_or(NotNative::OtherGraph("a constant's name, type or shape"))
    }

    fn weights(mut graph: Graph) -> Option<StaticHead> {
        // The table is the bulk of the model: moved out of the graph, not copied.
        let table = graph.initializers.remove("table_q")?;
        let init = |name: &str| graph.initializers.get(name);
        let scalar = |name: &str| -> Option<f32> {
            let t = init(name)?;
            let v = t.f32s()?;
            (t.dims.is_empty() && v.len() == 1).then(|| v[0])
        };
        let axis = |name: &str, want: i64| {
            init(name)
                .and_then(|t| t.i64s())
                .is_some_and(|v| v == [want])
        };
        if !(axis("axis1", 1) && axis("axis2", 2)) {
            return None;
        }
        let [vocab, dims] = table.dims[..] else {
            return None;
        };
        let (vocab, dims) = (usize::try_from(vocab).ok()?, usize::try_from(dims).ok()?);
        if table.data_type != INT8 || table.raw.len() != vocab.checked_mul(dims)? || dims == 0 {
            return None;
        }
        let scale_t = init("table_scale")?;
        let scale = scale_t.f32s()?;
        if scale_t.dims != [vocab as i64] || scale.len() != vocab {
            return None;
        }
        let w1_t = init("head_w1")?;
        let [k, hidden] = w1_t.dims[..] else {
            return None;
        };
        let hidden = usize::try_from(hidden).ok()?;
        let w1 = w1_t.f32s()?;
        if k != 2 * dims as i64 || w1.len() != w1_t.len()? || hidden == 0 {
            return None;
        }
        let b1_t = init("head_b1")?;
        let b1 = b1_t.f32s()?;
        let w2_t = init("head_w2")?;
        let w2 = w2_t.f32s()?;
        let b2_t = init("head_b2")?;
        let b2 = b2_t.f32s()?;
        if b1_t.dims != [hidden as i64]
            || b1.len() != hidden
            || w2_t.dims != [hidden as i64, 1]
            || w2.len() != hidden
            || b2_t.dims != [1]
            || b2.len() != 1
        {
            return None;
        }
        let (one, big) = (scalar("one")?, scalar("big")?);
        let no_penalty = (1.0 - one) * big == 0.0 && scale.iter().all(|&s| s > 0.0);
        Some(StaticHead {
            // Same size and alignment: collected in place.
            table: table.raw.into_iter().map(|b| b as i8).collect(),
            scale,
            dims,
            w1,
            b1,
            w2,
            b2: b2[0],
            hidden,
            eps: scalar("eps")?,
            one,
            big,
            cap: scalar("logit_cap")?,
            no_penalty,
        })
    }

    /// Vocabulary size: ids at or above it are out of range (the graph's Gather fails).
    pub(crate) fn vocab(&self) -> usize {
        self.scale.len()
    }

    /// The score of every window of a prompt: window `k` is `[CLS]`, `ids[start..start +
    /// body]` (`body = width - 2`) for the `k`-th of `starts`, `[SEP]` (attention mask all
    /// ones), as the graph computes it. Appends one score per window to `scores`; `None`
    /// for an id outside the table.
    ///
    /// Each feature and hidden unit is summed in the same order as a plain loop over the
    /// window (token by token, then feature by feature), so the scores do not depend on
    /// the instruction set: the AVX2 build of the same code only widens the lanes.
    pub(crate) fn score_windows(
        &self,
        windows: &Windows<'_>,
        scratch: &mut HeadScratch,
        scores: &mut Vec<f32>,
    ) -> Option<()> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above), the only requirement
            // of a `target_feature` function.
            return unsafe { self.score_windows_avx2(windows, scratch, scores) };
        }
        self.score_windows_generic(windows, scratch, scores)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn score_windows_avx2(
        &self,
        windows: &Windows<'_>,
        scratch: &mut HeadScratch,
        scores: &mut Vec<f32>,
    ) -> Option<()> {
        self.score_windows_generic(windows, scratch, scores)
    }

    /// [`StaticHead::score_windows`] in plain Rust (the AVX2 build inlines it).
    #[inline(always)]
    fn score_windows_generic(
        &self,
        windows: &Windows<'_>,
        scratch: &mut HeadScratch,
        scores: &mut Vec<f32>,
    ) -> Option<()> {
        if self.no_penalty {
            self.score_windows_with::<false>(windows, scratch, scores)
        } else {
            self.score_windows_with::<true>(windows, scratch, scores)
        }
    }

    /// [`StaticHead::score_windows`], the max-pooling penalty added when `PENALTY`.
    #[inline(always)]
    fn score_windows_with<const PENALTY: bool>(
        &self,
        windows: &Windows<'_>,
        scratch: &mut HeadScratch,
        scores: &mut Vec<f32>,
    ) -> Option<()> {
        let d = self.dims;
        // Every id once: out-of-range ids fail the whole prompt, as the graph's Gather.
        if windows
            .ids
            .iter()
            .chain([&windows.cls, &windows.sep])
            .any(|&id| id as usize >= self.vocab())
        {
            return None;
        }
        let features = &mut scratch.features;
        features.clear();
        features.resize(2 * d, 0.0);
        let hidden = &mut scratch.hidden;
        let window = &mut scratch.window;
        for &start in windows.starts {
            let body = &windows.ids[start..start + windows.width - 2];
            let (sum, max) = features.split_at_mut(d);
            // One slice per window: each block walks it again.
            window.clear();
            window.extend(
                std::iter::once(windows.cls)
                    .chain(body.iter().copied())
                    .chain([windows.sep])
                    .map(|id| (id as usize * d, self.scale[id as usize])),
            );
            let tokens = || window.iter().copied();
            let (mut sum_blocks, mut max_blocks) = (
                sum.chunks_exact_mut(POOL_BLOCK),
                max.chunks_exact_mut(POOL_BLOCK),
            );
            for (at, (sum, max)) in (0..d)
                .step_by(POOL_BLOCK)
                .zip((&mut sum_blocks).zip(&mut max_blocks))
            {
                self.pool_block::<PENALTY>(tokens(), at, sum, max);
            }
            // Dimensions after the last whole block, one token at a time.
            let at = d - sum_blocks.into_remainder().len();
            let (rest_sum, rest_max) = (&mut sum[at..], &mut max[at..]);
            rest_sum.fill(0.0);
            rest_max.fill(f32::NEG_INFINITY);
            for token in tokens() {
                self.pool::<PENALTY>(token, at, rest_sum, rest_max);
            }
            let count = (windows.width as f32).max(self.eps);
            for acc in sum.iter_mut() {
                *acc /= count;
            }
            scores.push(self.head(features, hidden));
        }
        Some(())
    }

    /// Pools dimensions `at..at + POOL_BLOCK` of every token of a window, in order, into
    /// `sum` and `max` (`POOL_BLOCK` long; overwritten): the same additions per dimension
    /// as [`StaticHead::pool`] token after token from a zero sum and a `-inf` maximum,
    /// with the block's sums and maxima held in registers across the tokens instead of
    /// loaded and stored per token.
    #[inline(always)]
    fn pool_block<const PENALTY: bool>(
        &self,
        tokens: impl Iterator<Item = (usize, f32)>,
        at: usize,
        sum: &mut [f32],
        max: &mut [f32],
    ) {
        let mut acc = [0.0f32; POOL_BLOCK];
        let mut top = [f32::NEG_INFINITY; POOL_BLOCK];
        for token in tokens {
            self.pool::<PENALTY>(token, at, &mut acc, &mut top);
        }
        sum.copy_from_slice(&acc);
        max.copy_from_slice(&top);
    }

    /// Adds dimensions `at..at + sum.len()` of a token's dequantized row (`(first
    /// index of the row, scale)`) to the window's running sum and maximum (mask = 1:
    /// masked = emb * 1, emb_for_max = emb + (1 - one) * big, the addition skipped
    /// unless `PENALTY`, see [`StaticHead::no_penalty`]).
    #[inline(always)]
    fn pool<const PENALTY: bool>(
        &self,
        (row, s): (usize, f32),
        at: usize,
        sum: &mut [f32],
        max: &mut [f32],
    ) {
        // `at + sum.len() <= d`: a constant length in `pool_block`, so the loop unrolls.
        let from = row + at;
        let q = &self.table[from..from + sum.len()];
        let pen = (1.0 - self.one) * self.big;
        for ((acc, top), &v) in sum.iter_mut().zip(max.iter_mut()).zip(q) {
            let emb = f32::from(v) * s;
            *acc += emb;
            // A select, not a conditional store, so it vectorizes (no NaN can occur:
            // int8 times a finite scale).
            let candidate = if PENALTY { emb + pen } else { emb };
            *top = if candidate > *top { candidate } else { *top };
        }
    }

    /// Gemm/Relu/Gemm, capped logit and sigmoid of one window's features.
    #[inline(always)]
    fn head(&self, features: &[f32], hidden: &mut Vec<f32>) -> f32 {
        hidden.clear();
        hidden.extend_from_slice(&self.b1);
        // Hidden units in register-sized blocks, each summed over every feature in
        // order: the same additions as feature-major order, without a store per step.
        // 64 units are eight AVX2 registers: each feature's weight row is read in two
        // blocks rather than four, halving the per-feature broadcast and loop steps.
        const BLOCK: usize = 64;
        let n = self.hidden;
        let mut j = 0;
        while j + BLOCK <= n {
            let mut acc = [0.0f32; BLOCK];
            acc.copy_from_slice(&hidden[j..j + BLOCK]);
            for (&x, row) in features.iter().zip(self.w1.chunks_exact(n)) {
                let w = &row[j..j + BLOCK];
                for (h, &w) in acc.iter_mut().zip(w) {
                    *h += x * w;
                }
            }
            hidden[j..j + BLOCK].copy_from_slice(&acc);
            j += BLOCK;
        }
        if j < n {
            for (&x, row) in features.iter().zip(self.w1.chunks_exact(n)) {
                for (h, &w) in hidden[j..].iter_mut().zip(&row[j..]) {
                    *h += x * w;
                }
            }
        }
        let mut logit_raw = self.b2;
        for (&h, &w) in hidden.iter().zip(&self.w2) {
            logit_raw += h.max(0.0) * w;
        }
        let logit = (logit_raw / self.cap).tanh() * self.cap;
        1.0 / (1.0 + (-logit).exp())
    }
}

/// Dimensions pooled at once: four AVX2 registers of sums and four of maxima.
const POOL_BLOCK: usize = 32;

/// The token windows of one prompt, as [`StaticHead::score_windows`] reads them.
pub(crate) struct Windows<'a> {
    /// The prompt's ids without special tokens.
    pub ids: &'a [u32],
    /// Where each window's body starts in `ids`.
    pub starts: &'a [usize],
    /// Tokens per window, `[CLS]` and `[SEP]` included.
    pub width: usize,
    pub cls: u32,
    pub sep: u32,
}
