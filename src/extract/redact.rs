//! [`Extraction::redact`]: replace spans of segments with numbered placeholders
//! and rebuild the body.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use super::Location;
use super::RedactError;
use super::walk::{Extraction, Source};

/// One span of a segment to hide, as the PII layer found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// Index of the segment in [`Extraction::segments`].
    pub segment: usize,
    /// Byte range in the segment's text (on character boundaries).
    pub span: Range<usize>,
    /// The type name used in the placeholder, e.g. `EMAIL` gives `[EMAIL_1]`.
    pub kind: Arc<str>,
}

/// The rewritten body and what was hidden in it (types and counts only, for the
/// reply header; never the values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The new body: JSON re-serialized (key order kept), or the spliced text.
    pub body: Vec<u8>,
    /// Per type, in order of first appearance, how many spans were replaced.
    pub counts: Vec<(Arc<str>, usize)>,
}

/// A span after overlapping ones were merged.
struct Merged<'a> {
    segment: usize,
    span: Range<usize>,
    kind: &'a Arc<str>,
    /// Length of the longest original span merged in; its kind names the result.
    kind_len: usize,
}

impl Extraction {
    /// Replaces exactly the given spans with placeholders such as `[EMAIL_1]` and
    /// returns the new body.
    ///
    /// Placeholders are numbered per type in order of appearance; the same value
    /// of the same type gets the same placeholder everywhere in the request.
    /// Overlapping spans are merged into one, named after the longest of them.
    /// Empty spans are ignored. For JSON the body is parsed again (the hot path
    /// keeps no tree), each redacted string is written at its location and the
    /// document re-serialized compactly (key order kept; serde_json normalizes
    /// number spelling, e.g. integers beyond 64 bits become floats, and keeps
    /// only the last of repeated keys, the one extraction read); for plain
    /// text the body is spliced, and bytes outside the spans (including invalid
    /// UTF-8) are kept as they were.
    ///
    /// # Errors
    ///
    /// [`RedactError`] when a redaction names a missing segment, a span outside
    /// its text or off a character boundary.
    pub fn redact(&self, redactions: &[Redaction]) -> Result<Redacted, RedactError> {
        for r in redactions {
            self.check(r)?;
        }
        let mut order: Vec<&Redaction> = redactions.iter().filter(|r| !r.span.is_empty()).collect();
        order.sort_by_key(|r| (r.segment, r.span.start, Reverse(r.span.end)));

        let mut merged: Vec<Merged<'_>> = Vec::with_capacity(order.len());
        for r in order {
            if let Some(last) = merged.last_mut() {
                if last.segment == r.segment && r.span.start < last.span.end {
                    last.span.end = last.span.end.max(r.span.end);
                    if r.span.len() > last.kind_len {
                        last.kind = &r.kind;
                        last.kind_len = r.span.len();
                    }
                    continue;
                }
            }
            merged.push(Merged {
                segment: r.segment,
                span: r.span.clone(),
                kind: &r.kind,
                kind_len: r.span.len(),
            });
        }

        // Per type: (type, distinct values so far, replacements).
        let mut kinds: Vec<(Arc<str>, usize, usize)> = Vec::new();
        let mut numbers: HashMap<(&str, &str), usize> = HashMap::new();
        let mut placeholders: Vec<String> = Vec::with_capacity(merged.len());
        for m in &merged {
            let value = &self.segments[m.segment].text[m.span.clone()];
            let k = match kinds.iter().position(|(k, ..)| **k == **m.kind) {
                Some(k) => k,
                None => {
                    kinds.push((m.kind.clone(), 0, 0));
                    kinds.len() - 1
                }
            };
            kinds[k].2 += 1;
            let n = *numbers.entry((m.kind.as_ref(), value)).or_insert_with(|| {
                kinds[k].1 += 1;
                kinds[k].1
            });
            placeholders.push(format!("[{}_{n}]", m.kind));
        }
        let counts = kinds.into_iter().map(|(k, _, c)| (k, c)).collect();

        let body = match &self.source {
            Source::Json(doc) => self.rebuild_json(doc, &merged, &placeholders)?,
            Source::Text { original: None } => match self.segments.first() {
                Some(seg) => splice(seg.text.as_bytes(), &merged, &placeholders, |o| o),
                None => Vec::new(),
            },
            Source::Text {
                original: Some(original),
            } => {
                // The segment text is a lossy decoding: map each span back to the
                // original bytes and splice there, so that bytes outside the
                // spans (invalid ones included) survive unchanged.
                let map = LossyMap::new(original);
                splice(original, &merged, &placeholders, |o| map.to_original(o))
            }
        };
        Ok(Redacted { body, counts })
    }

    fn check(&self, r: &Redaction) -> Result<(), RedactError> {
        let seg = self
            .segments
            .get(r.segment)
            .ok_or(RedactError::NoSuchSegment {
                segment: r.segment,
                count: self.segments.len(),
            })?;
        let len = seg.text.len();
        if r.span.start > r.span.end || r.span.end > len {
            return Err(RedactError::SpanOutOfRange {
                segment: r.segment,
                start: r.span.start,
                end: r.span.end,
                len,
            });
        }
        for offset in [r.span.start, r.span.end] {
            if !seg.text.is_char_boundary(offset) {
                return Err(RedactError::NotCharBoundary {
                    segment: r.segment,
                    offset,
                });
            }
        }
        Ok(())
    }

    fn rebuild_json(
        &self,
        body: &[u8],
        merged: &[Merged<'_>],
        placeholders: &[String],
    ) -> Result<Vec<u8>, RedactError> {
        // The hot path kept no tree; parse the body again (it parsed before,
        // within the limits) and write the redacted strings at their locations.
        let mut doc: Value = serde_json::from_slice(body).map_err(|_| RedactError::Serialize)?;
        let mut first = 0;
        while first < merged.len() {
            let segment = merged[first].segment;
            let mut next = first;
            while next < merged.len() && merged[next].segment == segment {
                next += 1;
            }
            let seg = &self.segments[segment];
            let bytes = splice(
                seg.text.as_bytes(),
                &merged[first..next],
                &placeholders[first..next],
                |o| o,
            );
            // Checked spans are on char boundaries and placeholders are UTF-8,
            // so the splice is UTF-8; a failure is reported, not unwrapped.
            let text = String::from_utf8(bytes).map_err(|_| RedactError::Serialize)?;
            if !put_back(&mut doc, &seg.location, text) {
                return Err(RedactError::LostLocation { segment });
            }
            first = next;
        }
        serde_json::to_vec(&doc).map_err(|_| RedactError::Serialize)
    }
}

/// Writes `text` at `location`; false when the document has no string there.
fn put_back(doc: &mut Value, location: &Location, text: String) -> bool {
    match location.get_mut(doc) {
        Some(slot @ Value::String(_)) => {
            *slot = Value::String(text);
            true
        }
        _ => false,
    }
}

/// Copies `bytes`, replacing each span (sorted, disjoint, offsets mapped by
/// `to_bytes`) with its placeholder.
fn splice(
    bytes: &[u8],
    spans: &[Merged<'_>],
    placeholders: &[String],
    to_bytes: impl Fn(usize) -> usize,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16 * spans.len());
    let mut pos = 0;
    for (m, p) in spans.iter().zip(placeholders) {
        let (start, end) = (to_bytes(m.span.start), to_bytes(m.span.end));
        out.extend_from_slice(&bytes[pos..start]);
        out.extend_from_slice(p.as_bytes());
        pos = end;
    }
    out.extend_from_slice(&bytes[pos..]);
    out
}

/// Maps offsets in `String::from_utf8_lossy(original)` back to `original`.
struct LossyMap {
    /// Pieces in order: (lossy start, lossy end, original start, valid).
    pieces: Vec<(usize, usize, usize, bool)>,
    original_len: usize,
}

impl LossyMap {
    fn new(original: &[u8]) -> Self {
        let mut pieces = Vec::new();
        let (mut lossy, mut orig) = (0, 0);
        for chunk in original.utf8_chunks() {
            let valid = chunk.valid().len();
            if valid > 0 {
                pieces.push((lossy, lossy + valid, orig, true));
                lossy += valid;
                orig += valid;
            }
            let invalid = chunk.invalid().len();
            if invalid > 0 {
                pieces.push((
                    lossy,
                    lossy + char::REPLACEMENT_CHARACTER.len_utf8(),
                    orig,
                    false,
                ));
                lossy += char::REPLACEMENT_CHARACTER.len_utf8();
                orig += invalid;
            }
        }
        LossyMap {
            pieces,
            original_len: original.len(),
        }
    }

    /// `offset` is on a character boundary of the lossy text, so it never falls
    /// inside a replacement character.
    fn to_original(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.1 <= offset);
        match self.pieces.get(i) {
            None => self.original_len,
            Some(&(lossy_start, _, orig_start, true)) => orig_start + (offset - lossy_start),
            Some(&(_, _, orig_start, false)) => orig_start,
        }
    }
}
