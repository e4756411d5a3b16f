//! A streamed answer inspected as it flows (the `ai-promptgate` plugin):
//! chunks in, the bytes that are safe to release out, with a bounded tail
//! held back.
//!
//! [`AnswerStream`] reads complete events ([`crate::extract::StreamReader`]),
//! appends each text delta to its joined text (a choice's content, a content
//! block), and judges each text with L1.5 and the output checks (and L1 when
//! `scan_injection` asks) over a window that ends at the text received so
//! far. A finding is judged once the text runs `stream_holdback_chars`
//! characters past its start (the longest match the checks are meant to
//! catch), so the verdict on it can no longer change; an event is released
//! once every delta it carries lies before that point in its text. Texts are
//! judged in steps of an eighth of the holdback over a window with a short
//! left context (`text`), so each character is scanned a few times, not once
//! per token. Redacted
//! findings are written into the events in place (the placeholder in the
//! event where the finding starts, its other bytes removed from the later
//! events), so every released event is still valid SSE with valid JSON.
//!
//! Everything is decided per complete event, in order, so what is released
//! depends only on the stream's bytes, never on where its chunks were cut:
//! the concatenation of the releases is the same for any cutting, the whole
//! stream in one chunk included.
//!
//! A block (the policy's `output_action`, a PII action `block`) ends the
//! stream: nothing held is released, the API's own error event follows
//! (`close`). In shadow mode every chunk is released as it came and the
//! inspection only reports. A stream that cannot be read (an event over the
//! bound, JSON over the limits) follows the route's fail mode.

mod checks;
mod close;
mod release;
#[cfg(test)]
mod tests;
mod text;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

pub use close::{StreamFormat, error_event};

use super::response::{answer_block, placeholder_kind, unreadable};
use super::{Pipeline, RoutePolicy, apply_mode};
use crate::detect::pii::PiiAction;
use crate::detect::{Finding, Layer};
use crate::extract::{StreamEvent, StreamReader};
use crate::policy::Mode;
use crate::types::{Block, Decision, Redaction, Role, Verdict};
use checks::Checks;
use text::{Judged, TextState};

/// Longest event the reader buffers (and bound on the bytes held back):
/// a streamed event carries a few tokens, a Gemini chunk a few sentences.
pub const MAX_STREAM_EVENT_BYTES: usize = 1 << 20;

/// What the caller does after a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamOutcome {
    /// Send the release and keep streaming.
    Continue,
    /// Send the release (ending in the API's error event) and end the stream.
    Stop,
    /// Send the release and pass the rest of the stream unread.
    Pass,
}

/// The answer to one chunk.
#[derive(Debug, Clone)]
pub struct StreamStep {
    /// Bytes to send to the client now.
    pub release: Vec<u8>,
    /// Upstream bytes held back after this chunk.
    pub held: usize,
    /// What to do next.
    pub outcome: StreamOutcome,
}

/// One held event and where its deltas sit in their texts.
#[derive(Debug)]
struct Held {
    event: StreamEvent,
    /// Per part: its text's number and its byte range in that text.
    spans: Vec<(usize, std::ops::Range<usize>)>,
}

/// Where a stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    /// Blocked (enforced): nothing more is released.
    Stopped,
    /// Unreadable under fail-open, or shadow mode after a would-block: the
    /// rest passes unread.
    Passing,
    /// END was seen.
    Ended,
}

/// One streamed answer's inspection; see the module doc.
#[derive(Debug)]
pub struct AnswerStream {
    pipeline: Arc<Pipeline>,
    policy: RoutePolicy,
    format: Option<StreamFormat>,
    reader: StreamReader,
    holdback: usize,
    texts: HashMap<usize, TextState>,
    /// Who wrote each joined text (its first delta's role), so the audit can
    /// name the roles of the texts a finding came from.
    writers: HashMap<usize, Role>,
    held: VecDeque<Held>,
    held_bytes: usize,
    /// Placeholder numbers: per kind, per value.
    numbers: HashMap<(Arc<str>, String), usize>,
    /// Per kind: distinct values, replacements.
    kinds: Vec<(Arc<str>, usize, usize)>,
    findings: Vec<Finding>,
    block: Option<Block>,
    /// The route's fail mode decided on an unreadable stream.
    unreadable: Option<Decision>,
    timings: [Duration; 3],
    state: State,
}

/// Findings kept for the audit event; past it they are only counted.
const MAX_KEPT_FINDINGS: usize = 256;

impl AnswerStream {
    /// Whether `policy` inspects answers at all (else the stream passes).
    pub fn inspects(policy: &RoutePolicy) -> bool {
        policy.policy.detection.output.is_some()
    }

    /// A stream under `policy`, closed in `format` when it is blocked
    /// (`None`: read from the events; OpenAI when they say nothing).
    pub fn new(pipeline: Arc<Pipeline>, policy: RoutePolicy, format: Option<StreamFormat>) -> Self {
        let config = &policy.policy.config.response;
        let max_event = MAX_STREAM_EVENT_BYTES.min(config.max_body_bytes as usize);
        let holdback = config.stream_holdback_chars;
        let reader = StreamReader::new(policy.policy.detection.limits.clone(), max_event);
        AnswerStream {
            pipeline,
            policy,
            format,
            reader,
            holdback,
            texts: HashMap::new(),
            writers: HashMap::new(),
            held: VecDeque::new(),
            held_bytes: 0,
            numbers: HashMap::new(),
            kinds: Vec::new(),
            findings: Vec::new(),
            block: None,
            unreadable: None,
            timings: [Duration::ZERO; 3],
            state: State::Open,
        }
    }

    /// The format the stream is closed in: the one named, else the events'.
    pub fn format(&self) -> StreamFormat {
        self.format
            .unwrap_or_else(|| StreamFormat::of_shape(self.reader.shape()))
    }

    /// Takes one chunk (`end`: the last one) and says what to release.
    pub fn push(&mut self, chunk: &[u8], end: bool) -> StreamStep {
        if self.policy.mode == Mode::Shadow {
            // Released as it came; the inspection only reports.
            if self.state == State::Open {
                let _ = self.inspect(chunk, end);
            }
            if end {
                self.state = State::Ended;
            }
            return StreamStep {
                release: chunk.to_vec(),
                held: 0,
                outcome: StreamOutcome::Continue,
            };
        }
        match self.state {
            State::Open => {}
            State::Passing => {
                return StreamStep {
                    release: chunk.to_vec(),
                    held: 0,
                    outcome: StreamOutcome::Pass,
                };
            }
            State::Stopped | State::Ended => {
                return StreamStep {
                    release: Vec::new(),
                    held: 0,
                    outcome: StreamOutcome::Stop,
                };
            }
        }
        let mut step = self.inspect(chunk, end);
        if end && step.outcome == StreamOutcome::Continue {
            self.state = State::Ended;
        }
        step.held = self.held_bytes + self.reader.buffered();
        step
    }

    /// The decision for metrics and audit (the route's mode applied): a
    /// block, the redactions made, or allow.
    pub fn decision(&self) -> Decision {
        if let Some(decision) = &self.unreadable {
            return apply_mode(self.policy.mode, decision.clone());
        }
        let verdict = match &self.block {
            Some(block) => Verdict::Block(block.clone()),
            None if self.kinds.is_empty() => Verdict::Allow,
            None => Verdict::Redact(Redaction {
                body: Vec::new(),
                counts: self.kinds.iter().map(|(k, _, n)| (k.clone(), *n)).collect(),
                originals: Default::default(),
            }),
        };
        let layers = [Layer::L15, Layer::Output, Layer::L1];
        let decision = Decision {
            roles: self
                .findings
                .iter()
                .filter_map(|f| self.writers.get(&f.segment).copied())
                .collect(),
            findings: self.findings.clone(),
            timings: layers
                .into_iter()
                .zip(self.timings)
                .filter(|(_, t)| !t.is_zero())
                .collect(),
            ..Decision::new(verdict)
        };
        apply_mode(self.policy.mode, decision)
    }

    /// The route's mode.
    pub fn mode(&self) -> Mode {
        self.policy.mode
    }

    /// Reads `chunk`, judges and releases.
    fn inspect(&mut self, chunk: &[u8], end: bool) -> StreamStep {
        let mut events = Vec::new();
        let pushed = self.reader.push(chunk, &mut events);
        let mut out = Vec::new();
        let mut events = events.into_iter();
        while let Some(event) = events.next() {
            if let Some(error) = &event.unreadable {
                let reason = error.to_string();
                // This event, the ones after it, what is buffered: in order.
                let mut rest = event.bytes;
                for later in events {
                    rest.extend(later.bytes);
                }
                rest.extend(self.reader.take_buffered());
                return self.fail(&reason, out, &rest, chunk_rest(chunk, &pushed));
            }
            self.take(event);
            if let Some(step) = self.release(&mut out, false) {
                return step;
            }
        }
        if let Err(error) = pushed {
            let rest = self.reader.take_buffered();
            return self.fail(
                &error.to_string(),
                out,
                &rest,
                chunk_rest(chunk, &Err(error.clone())),
            );
        }
        if end {
            let mut last = Vec::new();
            self.reader.finish(&mut last);
            for event in last {
                if let Some(error) = &event.unreadable {
                    return self.fail(&error.to_string(), out, &event.bytes, &[]);
                }
                self.take(event);
            }
            // In a fixed order, so numbering and the first block do not
            // depend on the map's.
            let mut segments: Vec<usize> = self.texts.keys().copied().collect();
            segments.sort_unstable();
            for segment in segments {
                self.judge(segment, true);
            }
            if let Some(step) = self.release(&mut out, true) {
                return step;
            }
        }
        StreamStep {
            release: out,
            held: 0,
            outcome: StreamOutcome::Continue,
        }
    }

    /// Appends an event's deltas to their texts and holds it.
    fn take(&mut self, event: StreamEvent) {
        let mut spans = Vec::with_capacity(event.parts.len());
        for part in &event.parts {
            self.writers.entry(part.segment).or_insert(part.role);
            let text = self.texts.entry(part.segment).or_default();
            spans.push((part.segment, text.append(&part.text)));
        }
        self.held_bytes += event.bytes.len();
        self.held.push_back(Held { event, spans });
        // Standalone strings are whole: judge them at once.
        let complete: Vec<usize> = self
            .held
            .back()
            .map(|h| {
                h.event
                    .parts
                    .iter()
                    .filter(|p| p.complete)
                    .map(|p| p.segment)
                    .collect()
            })
            .unwrap_or_default();
        for segment in complete {
            self.judge(segment, true);
        }
        let touched: Vec<usize> = self
            .held
            .back()
            .map(|h| h.spans.iter().map(|(s, _)| *s).collect())
            .unwrap_or_default();
        for segment in touched {
            self.judge(segment, false);
        }
    }

    /// Judges what text `segment` lets be judged (`all`: everything).
    fn judge(&mut self, segment: usize, all: bool) {
        if self.block.is_some() {
            return;
        }
        let Some(text) = self.texts.get_mut(&segment) else {
            return;
        };
        let Some(window) = text.window(self.holdback, all) else {
            return;
        };
        let base = window.base;
        let mut found = Vec::new();
        let checks = Checks {
            pipeline: &self.pipeline,
            policy: &self.policy,
        };
        checks.scan(segment, window.text, &mut self.timings, &mut found);
        found.sort_by_key(|(f, _)| (f.span.start, std::cmp::Reverse(f.span.end)));
        let mut judged = Vec::new();
        for (mut f, (action, code)) in found {
            let (start, end) = (base + f.span.start, base + f.span.end);
            if text.judged(start, end, &f.rule_id) != Judged::New {
                continue;
            }
            let value = text.slice(start, end).to_owned();
            f.span = start..end;
            judged.push((f, action, code, value));
        }
        text.advance();
        for (finding, action, code, value) in judged {
            self.act(segment, finding, action, code, value);
        }
    }

    /// One judged finding under its action.
    fn act(
        &mut self,
        segment: usize,
        finding: Finding,
        action: PiiAction,
        code: &'static str,
        value: String,
    ) {
        match action {
            PiiAction::Block if self.block.is_none() => {
                self.block = Some(answer_block(&finding, code, "cut"));
            }
            PiiAction::Redact => {
                let kind = placeholder_kind(&finding);
                let k = match self.kinds.iter().position(|(k, ..)| *k == kind) {
                    Some(k) => k,
                    None => {
                        self.kinds.push((kind.clone(), 0, 0));
                        self.kinds.len() - 1
                    }
                };
                let next = self.kinds[k].1 + 1;
                let n = *self.numbers.entry((kind.clone(), value)).or_insert(next);
                if n == next {
                    self.kinds[k].1 = next;
                }
                if let Some(text) = self.texts.get_mut(&segment)
                    && text.redact(finding.span.clone(), format!("[{kind}_{n}]"))
                {
                    self.kinds[k].2 += 1;
                }
            }
            PiiAction::Block | PiiAction::Log => {}
        }
        if self.findings.len() < MAX_KEPT_FINDINGS {
            self.findings.push(finding);
        }
    }

    /// Ends the stream on `block`: what `out` holds, then the error event.
    fn stop(&mut self, out: &mut Vec<u8>, block: &Block) -> StreamStep {
        self.state = State::Stopped;
        if self.policy.mode == Mode::Shadow {
            self.state = State::Passing;
        }
        self.held.clear();
        self.held_bytes = 0;
        let _ = self.reader.take_buffered();
        out.extend_from_slice(&error_event(self.format(), block));
        StreamStep {
            release: std::mem::take(out),
            held: 0,
            outcome: StreamOutcome::Stop,
        }
    }

    /// A stream that cannot be read on: under fail-open, what was released,
    /// the held events (with the redactions decided), `unread` and `rest`
    /// pass and the stream passes unread; else it ends in an error event.
    fn fail(&mut self, reason: &str, mut out: Vec<u8>, unread: &[u8], rest: &[u8]) -> StreamStep {
        let decision = unreadable(&self.policy, reason);
        let block = match &decision.verdict {
            Verdict::Block(block) => Some(block.clone()),
            _ => None,
        };
        self.unreadable = Some(decision);
        if let Some(block) = block {
            return self.stop(&mut out, &block);
        }
        self.state = State::Passing;
        while let Some(held) = self.held.pop_front() {
            let bytes = self
                .write(&held)
                .unwrap_or_else(|()| held.event.bytes.clone());
            out.extend_from_slice(&bytes);
        }
        self.held_bytes = 0;
        out.extend_from_slice(unread);
        out.extend_from_slice(rest);
        StreamStep {
            release: out,
            held: 0,
            outcome: StreamOutcome::Pass,
        }
    }
}

/// The bytes of `chunk` a failed push did not take.
fn chunk_rest<'c>(
    chunk: &'c [u8],
    pushed: &Result<(), crate::extract::StreamReadError>,
) -> &'c [u8] {
    match pushed {
        Err(crate::extract::StreamReadError::EventTooLarge { unconsumed, .. }) => {
            &chunk[chunk.len().saturating_sub(*unconsumed)..]
        }
        _ => &[],
    }
}
