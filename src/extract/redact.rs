//! [`Extraction::redact`]: replace spans of segments with numbered placeholders
//! and rebuild the body.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use super::RedactError;
use super::walk::{Extraction, Source};
use super::{Location, Segment};

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

/// One replacement of a segment's text: `span` becomes `text`.
///
/// Exists so redaction (placeholders) and, in the response direction, restoring
/// pseudonymized values share one way of writing new text back into a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Index of the segment.
    pub segment: usize,
    /// Byte range in the segment's text (on character boundaries).
    pub span: Range<usize>,
    /// The text written in its place.
    pub text: String,
}

/// Replacements per type, in order of first appearance (what [`Redacted::counts`] holds).
pub(crate) type Counts = Vec<(Arc<str>, usize)>;

/// The edits that replace `redactions` with numbered placeholders, sorted by
/// segment and start and disjoint, with the counts per type (see
/// [`Extraction::redact`] for the numbering).
///
/// # Errors
///
/// [`RedactError`] when a redaction names a missing segment, a span outside its
/// text or off a character boundary.
pub(crate) fn placeholders(
    segments: &[Segment],
    redactions: &[Redaction],
) -> Result<(Vec<Edit>, Counts), RedactError> {
    for r in redactions {
        check(segments, r.segment, &r.span)?;
    }
    let mut order: Vec<&Redaction> = redactions.iter().filter(|r| !r.span.is_empty()).collect();
    order.sort_by_key(|r| (r.segment, r.span.start, Reverse(r.span.end)));

    // Overlapping spans merge into one, named after the longest original span.
    let mut merged: Vec<(usize, Range<usize>, &Arc<str>, usize)> = Vec::with_capacity(order.len());
    for r in order {
        if let Some(last) = merged.last_mut()
            && last.0 == r.segment
            && r.span.start < last.1.end
        {
            last.1.end = last.1.end.max(r.span.end);
            if r.span.len() > last.3 {
                last.2 = &r.kind;
                last.3 = r.span.len();
            }
            continue;
        }
        merged.push((r.segment, r.span.clone(), &r.kind, r.span.len()));
    }

    // Per type: (type, distinct values so far, replacements).
    let mut kinds: Vec<(Arc<str>, usize, usize)> = Vec::new();
    let mut numbers: HashMap<(&str, &str), usize> = HashMap::new();
    let mut edits: Vec<Edit> = Vec::with_capacity(merged.len());
    for (segment, span, kind, _) in merged {
        let value = &segments[segment].text[span.clone()];
        let k = match kinds.iter().position(|(k, ..)| **k == **kind) {
            Some(k) => k,
            None => {
                kinds.push((kind.clone(), 0, 0));
                kinds.len() - 1
            }
        };
        kinds[k].2 += 1;
        let n = *numbers.entry((kind.as_ref(), value)).or_insert_with(|| {
            kinds[k].1 += 1;
            kinds[k].1
        });
        edits.push(Edit {
            segment,
            span,
            text: format!("[{kind}_{n}]"),
        });
    }
    let counts = kinds.into_iter().map(|(k, _, c)| (k, c)).collect();
    Ok((edits, counts))
}

/// Checks that `span` is a range of segment `segment` on character boundaries.
pub(crate) fn check(
    segments: &[Segment],
    segment: usize,
    span: &Range<usize>,
) -> Result<(), RedactError> {
    let seg = segments.get(segment).ok_or(RedactError::NoSuchSegment {
        segment,
        count: segments.len(),
    })?;
    let len = seg.text.len();
    if span.start > span.end || span.end > len {
        return Err(RedactError::SpanOutOfRange {
            segment,
            start: span.start,
            end: span.end,
            len,
        });
    }
    for offset in [span.start, span.end] {
        if !seg.text.is_char_boundary(offset) {
            return Err(RedactError::NotCharBoundary { segment, offset });
        }
    }
    Ok(())
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
    /// number spelling, e.g. integers beyond 64 bits become floats; a key spelt
    /// another way than the API documents keeps its spelling); for plain
    /// text the body is spliced, and bytes outside the spans (including invalid
    /// UTF-8) are kept as they were.
    ///
    /// # Errors
    ///
    /// [`RedactError`] when a redaction names a missing segment, a span outside
    /// its text or off a character boundary.
    pub fn redact(&self, redactions: &[Redaction]) -> Result<Redacted, RedactError> {
        let (edits, counts) = placeholders(&self.segments, redactions)?;
        let body = match &self.source {
            Source::Json(doc) => self.rebuild_json(doc, &edits)?,
            Source::Text { original } => match self.segments.first() {
                Some(seg) => splice_plain(&seg.text, original.as_deref(), &edits),
                None => Vec::new(),
            },
        };
        Ok(Redacted { body, counts })
    }

    fn rebuild_json(&self, body: &[u8], edits: &[Edit]) -> Result<Vec<u8>, RedactError> {
        // The hot path kept no tree; parse the body again (it parsed before,
        // within the limits) and write the redacted strings at their locations.
        let mut doc: Value = serde_json::from_slice(body).map_err(|_| RedactError::Serialize)?;
        for (segment, edits) in by_segment(edits) {
            let seg = &self.segments[segment];
            let text = spliced_text(&seg.text, edits)?;
            if !put_back(&mut doc, &seg.location, text) {
                return Err(RedactError::LostLocation { segment });
            }
        }
        serde_json::to_vec(&doc).map_err(|_| RedactError::Serialize)
    }
}

/// Runs of `edits` (sorted by segment) that share a segment.
pub(crate) fn by_segment(edits: &[Edit]) -> impl Iterator<Item = (usize, &[Edit])> {
    edits
        .chunk_by(|a, b| a.segment == b.segment)
        .map(|run| (run[0].segment, run))
}

/// `text` with `edits` (checked, sorted, disjoint) applied.
pub(crate) fn spliced_text(text: &str, edits: &[Edit]) -> Result<String, RedactError> {
    // Checked spans are on char boundaries and edits are UTF-8, so the splice is
    // UTF-8; a failure is reported, not unwrapped.
    String::from_utf8(splice(text.as_bytes(), edits, |o| o)).map_err(|_| RedactError::Serialize)
}

/// Writes `text` at `location`; false when the document has no string there.
///
/// A base64 location gets `text` as standard, padded base64 in one line after
/// its prefix, whatever form the client sent (lines, spaces, URL-safe letters,
/// no padding; see `walk/base64_data.rs`): every API that takes base64 files
/// accepts standard base64, and the data URL or media type the prefix and the
/// document keep still say what the file is.
pub(crate) fn put_back(doc: &mut Value, location: &Location, text: String) -> bool {
    use base64::Engine as _;
    let text = match location.base64_prefix() {
        Some(prefix) => {
            let mut out = String::with_capacity(prefix.len() + text.len().div_ceil(3) * 4);
            out.push_str(prefix);
            base64::engine::general_purpose::STANDARD.encode_string(text, &mut out);
            out
        }
        None => text,
    };
    match location.get_mut(doc) {
        Some(slot @ Value::String(_)) => {
            *slot = Value::String(text);
            true
        }
        _ => false,
    }
}

/// A plain-text body with `edits` applied to its one segment, `text`. When
/// `text` is a lossy decoding of `original` (not UTF-8), spans are mapped back
/// and the original is spliced, so bytes outside them (invalid ones included)
/// survive unchanged.
pub(crate) fn splice_plain(text: &str, original: Option<&[u8]>, edits: &[Edit]) -> Vec<u8> {
    match original {
        None => splice(text.as_bytes(), edits, |o| o),
        Some(original) => {
            let map = LossyMap::new(original);
            splice(original, edits, |o| map.to_original(o))
        }
    }
}

/// Copies `bytes`, replacing each edit's span (sorted, disjoint, offsets mapped by
/// `to_bytes`) with its text.
fn splice(bytes: &[u8], edits: &[Edit], to_bytes: impl Fn(usize) -> usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16 * edits.len());
    let mut pos = 0;
    for e in edits {
        let (start, end) = (to_bytes(e.span.start), to_bytes(e.span.end));
        out.extend_from_slice(&bytes[pos..start]);
        out.extend_from_slice(e.text.as_bytes());
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
