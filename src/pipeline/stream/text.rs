//! One joined text of a streamed answer (a choice's content, a content
//! block) as far as it has come: the tail still needed to judge it, how far
//! it has been judged and released, and the redactions decided in it.
//!
//! Offsets are absolute byte offsets in the whole text; only a tail of it is
//! kept (the judging window's left context, `holdback` characters before the
//! judged point, and what follows), so memory stays bounded however long the
//! answer.

use std::ops::Range;
use std::sync::Arc;

/// See the module doc.
#[derive(Debug, Default)]
pub(super) struct TextState {
    /// The kept tail: the text from `base` on.
    buf: String,
    base: usize,
    /// Findings starting before this were judged.
    judged: usize,
    /// Text before this was released.
    released: usize,
    /// The point the window being judged may decide up to.
    upto: usize,
    holdback: usize,
    /// Decided redactions: sorted, disjoint (absolute), with their placeholder.
    redactions: Vec<(Range<usize>, String)>,
    /// Findings judged that start in the kept tail: (start, rule id).
    seen: Vec<(usize, Arc<str>)>,
}

/// The text to scan and where it starts.
pub(super) struct Window<'a> {
    pub(super) text: &'a str,
    pub(super) base: usize,
}

/// What to do with a finding of the window.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Judged {
    /// Judge it now.
    New,
    /// It starts too close to the end of what has come: judged later.
    Later,
    /// Already judged (or wholly released: nothing to do).
    Seen,
}

impl TextState {
    /// Appends a delta; returns its range.
    pub(super) fn append(&mut self, delta: &str) -> Range<usize> {
        let start = self.len();
        self.buf.push_str(delta);
        start..self.len()
    }

    fn len(&self) -> usize {
        self.base + self.buf.len()
    }

    /// Where judging has come to.
    pub(super) fn judged_upto(&self) -> usize {
        self.judged
    }

    /// The window to scan when findings can be judged up to a new point:
    /// `holdback` characters before the end (`all`: the end). `None` when
    /// that point has not moved.
    pub(super) fn window(&mut self, holdback: usize, all: bool) -> Option<Window<'_>> {
        self.holdback = holdback.max(1);
        let upto = if all {
            self.len()
        } else {
            match self.buf.char_indices().rev().nth(self.holdback - 1) {
                Some((i, _)) => self.base + i,
                None => self.base,
            }
        };
        if upto <= self.judged {
            return None;
        }
        self.upto = upto;
        Some(Window {
            text: &self.buf,
            base: self.base,
        })
    }

    /// Sorts out a finding `start..end` (absolute) of rule `rule` of the
    /// current window; a `New` one is remembered.
    pub(super) fn judged(&mut self, start: usize, end: usize, rule: &Arc<str>) -> Judged {
        if start >= self.upto {
            return Judged::Later;
        }
        if self.seen.iter().any(|(s, r)| *s == start && r == rule) {
            return Judged::Seen;
        }
        // A finding starting before the judged point that was not seen there:
        // one that needed more text than the holdback. What is still held of
        // it is judged; a finding wholly released is past helping.
        if start < self.judged && end <= self.released {
            return Judged::Seen;
        }
        self.seen.push((start, rule.clone()));
        Judged::New
    }

    /// The text of `start..end` (absolute), empty when not kept.
    pub(super) fn slice(&self, start: usize, end: usize) -> &str {
        let (Some(s), Some(e)) = (start.checked_sub(self.base), end.checked_sub(self.base)) else {
            return "";
        };
        self.buf.get(s..e).unwrap_or("")
    }

    /// Moves the judged point to the window's end and drops the text no
    /// later window needs.
    pub(super) fn advance(&mut self) {
        self.judged = self.judged.max(self.upto);
        let keep_from = self.judged - self.base;
        let cut = self.buf.get(..keep_from).and_then(|before| {
            before
                .char_indices()
                .rev()
                .nth(self.holdback - 1)
                .map(|(i, _)| i)
        });
        if let Some(cut) = cut.filter(|c| *c > 0) {
            self.buf.drain(..cut);
            self.base += cut;
            let base = self.base;
            self.seen.retain(|(s, _)| *s >= base);
        }
    }

    /// Records a redaction of `span` (absolute) with `placeholder`; bytes
    /// already released are out of reach. Overlapping redactions merge (the
    /// first placeholder stays). Returns whether a new redaction was added.
    pub(super) fn redact(&mut self, span: Range<usize>, placeholder: String) -> bool {
        let start = span.start.max(self.released);
        let end = span.end;
        if start >= end {
            return false;
        }
        let at = self.redactions.partition_point(|(r, _)| r.end <= start);
        match self.redactions.get_mut(at) {
            Some((r, _)) if r.start < end => {
                r.start = r.start.min(start);
                r.end = r.end.max(end);
                // The grown span may now reach the next ones.
                while at + 1 < self.redactions.len()
                    && self.redactions[at + 1].0.start < self.redactions[at].0.end
                {
                    let (next, _) = self.redactions.remove(at + 1);
                    self.redactions[at].0.end = self.redactions[at].0.end.max(next.end);
                }
                false
            }
            _ => {
                self.redactions.insert(at, (start..end, placeholder));
                true
            }
        }
    }

    /// The delta `text` at `span` (absolute) as it is released: `None` when
    /// no redaction touches it, else with each redaction's placeholder where
    /// the redaction starts and its other bytes removed. Marks the span
    /// released.
    pub(super) fn rewrite(&mut self, text: &str, span: Range<usize>) -> Option<String> {
        self.released = self.released.max(span.end);
        let first = self
            .redactions
            .partition_point(|(r, _)| r.end <= span.start);
        let touching = self.redactions[first..]
            .iter()
            .take_while(|(r, _)| r.start < span.end);
        let mut out: Option<String> = None;
        let mut pos = span.start;
        for (r, placeholder) in touching {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            let cut = r.start.max(span.start);
            o.push_str(text.get(pos - span.start..cut - span.start).unwrap_or(""));
            if r.start >= span.start {
                o.push_str(placeholder);
            }
            pos = r.end.min(span.end);
        }
        let mut out = out?;
        out.push_str(text.get(pos - span.start..).unwrap_or(""));
        // Redactions wholly released are no longer needed.
        let released = self.released;
        self.redactions.retain(|(r, _)| r.end > released);
        Some(out)
    }
}
