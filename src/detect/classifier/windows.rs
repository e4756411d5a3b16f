//! Which token windows of a prompt the encoder scores.

/// Start offsets (into the ids without special tokens) of the windows to score.
///
/// `body` is the window length without [CLS]/[SEP]. Windows start every `stride` tokens and
/// the last one ends at the last token, so every token is in some window. Above `cap`
/// windows, the head, the tail and evenly spaced windows in between are scored: an attack
/// is never skipped just because it comes late. Mirrors `window_starts` in
/// `models/train/train.py`.
pub(crate) fn window_starts(n_ids: usize, body: usize, stride: usize, cap: usize) -> Vec<usize> {
    if n_ids <= body {
        return vec![0];
    }
    let last = n_ids - body;
    let mut starts: Vec<usize> = (0..last).step_by(stride).collect();
    starts.push(last);
    if starts.len() <= cap {
        return starts;
    }
    let k = cap;
    let mut capped: Vec<usize> = (0..k).map(|i| i * last / (k - 1)).collect();
    capped.dedup();
    capped
}
