//! Turns a model's answer (an upstream response body) into the [`Segment`]s the
//! user will read, and writes edited text back into the same body.
//!
//! The response direction mirrors the request side ([`crate::extract::extract`]):
//! [`extract_response`] reads a whole answer of each API (OpenAI chat
//! completions and legacy completions, the Responses API, Anthropic messages,
//! Gemini), any other JSON (every string value), plain text, or a streamed
//! answer (`text/event-stream`, which ext-plugin-post-resp hands over whole).
//! For a stream, the deltas of one text (a choice's content, a content block, a
//! tool call's arguments) are joined into one segment, so a card number split
//! over three events is one finding; each segment remembers which bytes of
//! which event each part came from, so [`ResponseExtraction::redact`] and
//! [`ResponseExtraction::replace`] rewrite the stream in place: untouched
//! events are copied byte for byte, and an edited event stays one valid SSE
//! event whose data is still valid JSON.
//!
//! A stream read as it flows (the `ai-promptgate` plugin's chunks) goes
//! through [`StreamReader`] (`stream.rs`) instead: the same events and deltas,
//! one complete event at a time, whatever the chunks.
//!
//! # Must never
//!
//! Panic or hang on hostile bodies (nesting and element counts are checked
//! before any recursive parse, as on the request side), drop bytes of events it
//! does not edit, or put body text into an error.

mod json;
mod sse;
mod stream;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_json::Value;

use super::limits::{decode_text, prescan};
use super::redact::{Edit, by_segment, check, placeholders, put_back, splice_plain, spliced_text};
use super::{ExtractError, ExtractLimits, Location, RedactError, Redacted, Redaction, Segment};
use json::{Found, StreamKey};
pub use stream::{StreamEvent, StreamPart, StreamReadError, StreamReader};

/// The API shape an answer was read as (for metrics and audit events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseShape {
    /// OpenAI chat completions (and legacy completions): `choices`.
    OpenAiChat,
    /// The OpenAI Responses API: `output` items, `response.*` events.
    OpenAiResponses,
    /// Anthropic messages: `content` blocks, `content_block_*` events.
    AnthropicMessages,
    /// Gemini `candidates`.
    Gemini,
    /// JSON of no known shape: every string value is scanned.
    OtherJson,
    /// Not JSON: the body (or the events' data) is scanned as text.
    PlainText,
}

impl ResponseShape {
    /// A stable name for metric labels and audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseShape::OpenAiChat => "openai_chat",
            ResponseShape::OpenAiResponses => "openai_responses",
            ResponseShape::AnthropicMessages => "anthropic_messages",
            ResponseShape::Gemini => "gemini",
            ResponseShape::OtherJson => "json",
            ResponseShape::PlainText => "text",
        }
    }
}

/// How the body is framed, from its content type (sniffed when there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFraming {
    /// A JSON document.
    Json,
    /// `text/event-stream`.
    EventStream,
    /// Anything else: one text.
    Text,
}

impl ResponseFraming {
    /// The framing a `Content-Type` names; without one, the body's first bytes
    /// decide (`{`/`[`: JSON; `data:`/`event:`: a stream; else text).
    pub fn of(content_type: Option<&str>, body: &[u8]) -> Self {
        if let Some(ct) = content_type {
            let essence = ct
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if essence == "text/event-stream" {
                return ResponseFraming::EventStream;
            }
            if essence == "application/json" || essence.ends_with("+json") {
                return ResponseFraming::Json;
            }
            if !essence.is_empty() {
                return ResponseFraming::Text;
            }
        }
        let start = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(body.len());
        let head = &body[start..];
        if matches!(head.first(), Some(b'{' | b'[')) {
            ResponseFraming::Json
        } else if head.starts_with(b"data:") || head.starts_with(b"event:") {
            ResponseFraming::EventStream
        } else {
            ResponseFraming::Text
        }
    }
}

/// An answer turned into segments, with what rewriting needs.
///
/// Exists so the response pipeline can scan `segments()` and ask the same value
/// for the rewritten body (placeholders, or restored originals).
#[derive(Debug, Clone)]
pub struct ResponseExtraction {
    segments: Vec<Segment>,
    shape: ResponseShape,
    source: Source,
    text_bytes: usize,
}

/// What the segments were taken from.
#[derive(Debug, Clone)]
enum Source {
    /// A whole JSON answer, parsed again to rewrite.
    Json(Vec<u8>),
    /// A text answer; `original` is kept when it was not UTF-8.
    Text { original: Option<Vec<u8>> },
    /// A stream: its events and, per segment, the parts it was joined from.
    Stream {
        body: Vec<u8>,
        events: Vec<sse::Event>,
        parts: Vec<Vec<Part>>,
    },
}

/// One delta of a streamed segment: where it sits and which bytes of the
/// segment's text it holds.
#[derive(Debug, Clone)]
struct Part {
    event: usize,
    /// Path in the event's JSON data; `None` when the data is not JSON (the data
    /// itself is the text).
    location: Option<Location>,
    range: Range<usize>,
}

impl ResponseExtraction {
    /// The segments, in order of first appearance.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The shape the answer was read as.
    pub fn shape(&self) -> ResponseShape {
        self.shape
    }

    /// Whether the answer was a stream of events.
    pub fn is_stream(&self) -> bool {
        matches!(self.source, Source::Stream { .. })
    }

    /// Total bytes of text over all segments.
    pub fn text_bytes(&self) -> usize {
        self.text_bytes
    }

    /// Replaces the spans with numbered placeholders (`[EMAIL_1]`, as on the
    /// request side) and returns the new body.
    ///
    /// # Errors
    ///
    /// [`RedactError`] when a redaction does not fit its segment.
    pub fn redact(&self, redactions: &[Redaction]) -> Result<Redacted, RedactError> {
        let (edits, counts) = placeholders(&self.segments, redactions)?;
        Ok(Redacted {
            body: self.apply(&edits)?,
            counts,
        })
    }

    /// Replaces each edit's span with its text (restoring pseudonymized values,
    /// for one) and returns the new body. A span split over several events is
    /// written into the first of them and removed from the others.
    ///
    /// # Errors
    ///
    /// [`RedactError`] when an edit does not fit its segment or two overlap.
    pub fn replace(&self, edits: &[Edit]) -> Result<Vec<u8>, RedactError> {
        for e in edits {
            check(&self.segments, e.segment, &e.span)?;
        }
        let mut sorted: Vec<Edit> = edits.to_vec();
        sorted.sort_by_key(|e| (e.segment, e.span.start, e.span.end));
        for pair in sorted.windows(2) {
            if pair[0].segment == pair[1].segment && pair[1].span.start < pair[0].span.end {
                return Err(RedactError::Overlap {
                    segment: pair[1].segment,
                    offset: pair[1].span.start,
                });
            }
        }
        self.apply(&sorted)
    }

    /// Applies checked, sorted, disjoint edits.
    fn apply(&self, edits: &[Edit]) -> Result<Vec<u8>, RedactError> {
        match &self.source {
            Source::Json(body) => {
                let mut doc: Value =
                    serde_json::from_slice(body).map_err(|_| RedactError::Serialize)?;
                for (segment, run) in by_segment(edits) {
                    let seg = &self.segments[segment];
                    let text = spliced_text(&seg.text, run)?;
                    if !put_back(&mut doc, &seg.location, text) {
                        return Err(RedactError::LostLocation { segment });
                    }
                }
                serde_json::to_vec(&doc).map_err(|_| RedactError::Serialize)
            }
            Source::Text { original } => Ok(match self.segments.first() {
                Some(seg) => splice_plain(&seg.text, original.as_deref(), edits),
                None => Vec::new(),
            }),
            Source::Stream {
                body,
                events,
                parts,
            } => self.apply_stream(body, events, parts, edits),
        }
    }

    fn apply_stream(
        &self,
        body: &[u8],
        events: &[sse::Event],
        parts: &[Vec<Part>],
        edits: &[Edit],
    ) -> Result<Vec<u8>, RedactError> {
        // Per event, the new text of each part it holds.
        let mut changed: BTreeMap<usize, Vec<(&Part, String)>> = BTreeMap::new();
        for (segment, run) in by_segment(edits) {
            let text = &self.segments[segment].text;
            for part in &parts[segment] {
                let local = part_edits(part, run);
                if local.is_empty() {
                    continue;
                }
                let new = spliced_text(&text[part.range.clone()], &local)?;
                changed.entry(part.event).or_default().push((part, new));
            }
        }
        let mut out = Vec::with_capacity(body.len() + 64);
        let mut pos = 0;
        for (index, changes) in changed {
            let event = &events[index];
            out.extend_from_slice(&body[pos..event.bytes.start]);
            let data = new_event_data(body, event, &changes)?;
            sse::write_event(body, event, &data, &mut out);
            pos = event.bytes.end;
        }
        out.extend_from_slice(&body[pos..]);
        Ok(out)
    }
}

/// The edits of `run` (one segment's) that touch `part`, in the part's own
/// offsets. An edit spanning several parts writes its text into the part where
/// it starts and removes its bytes from the others.
fn part_edits(part: &Part, run: &[Edit]) -> Vec<Edit> {
    let (start, end) = (part.range.start, part.range.end);
    run.iter()
        .filter(|e| e.span.start < end && e.span.end > start)
        .map(|e| Edit {
            segment: e.segment,
            span: e.span.start.max(start) - start..e.span.end.min(end) - start,
            text: if e.span.start >= start {
                e.text.clone()
            } else {
                String::new()
            },
        })
        .collect()
}

/// An event's data with its changed parts written in.
fn new_event_data(
    body: &[u8],
    event: &sse::Event,
    changes: &[(&Part, String)],
) -> Result<String, RedactError> {
    let data = event.data(body);
    if let [(Part { location: None, .. }, text)] = changes {
        return Ok(text.clone());
    }
    let mut doc: Value = serde_json::from_str(&data).map_err(|_| RedactError::Serialize)?;
    for (part, text) in changes {
        let Some(location) = &part.location else {
            return Err(RedactError::Serialize);
        };
        if !put_back(&mut doc, location, text.clone()) {
            return Err(RedactError::Serialize);
        }
    }
    serde_json::to_string(&doc).map_err(|_| RedactError::Serialize)
}

/// Reads a model's answer.
///
/// `content_type` is the upstream `Content-Type` header, if any (see
/// [`ResponseFraming::of`]). A body announced as JSON that does not parse is
/// scanned as text rather than refused: the answer is not ours to validate,
/// only to inspect.
///
/// # Errors
///
/// [`ExtractError::TooDeep`], [`ExtractError::TooManyElements`] and
/// [`ExtractError::TooMuchText`] when a limit is exceeded.
pub fn extract_response(
    body: &[u8],
    content_type: Option<&str>,
    limits: &ExtractLimits,
) -> Result<ResponseExtraction, ExtractError> {
    match ResponseFraming::of(content_type, body) {
        ResponseFraming::EventStream => stream(body, limits),
        ResponseFraming::Json => {
            prescan(body, limits)?;
            match serde_json::from_slice::<Value>(body) {
                Ok(doc) => whole(body, &doc, limits),
                Err(_) => text(body, limits),
            }
        }
        ResponseFraming::Text => text(body, limits),
    }
}

fn text(body: &[u8], limits: &ExtractLimits) -> Result<ResponseExtraction, ExtractError> {
    let (text, original) = decode_text(body, limits)?;
    let text_bytes = text.len();
    Ok(ResponseExtraction {
        segments: vec![Segment {
            role: super::Role::Assistant,
            text,
            location: Location::root(),
        }],
        shape: ResponseShape::PlainText,
        source: Source::Text { original },
        text_bytes,
    })
}

fn whole(
    body: &[u8],
    doc: &Value,
    limits: &ExtractLimits,
) -> Result<ResponseExtraction, ExtractError> {
    let shape = json::shape_of(doc);
    let mut text_bytes = 0;
    let mut segments = Vec::new();
    for f in json::whole_answer(doc, shape) {
        text_bytes += f.text.len();
        limits.check_text(text_bytes)?;
        segments.push(Segment {
            role: f.role,
            text: f.text,
            location: f.location,
        });
    }
    Ok(ResponseExtraction {
        segments,
        shape,
        source: Source::Json(body.to_vec()),
        text_bytes,
    })
}

fn stream(body: &[u8], limits: &ExtractLimits) -> Result<ResponseExtraction, ExtractError> {
    let events = sse::events(body);
    if events.len() > limits.max_elements {
        return Err(ExtractError::TooManyElements {
            max: limits.max_elements,
        });
    }
    let mut joined = Joined::default();
    let mut shape = None;
    for (index, event) in events.iter().enumerate() {
        if event.data.is_empty() {
            continue;
        }
        let data = event.data(body);
        let trimmed = data.trim();
        if trimmed.is_empty() || trimmed == "[DONE]" {
            continue;
        }
        let doc = if trimmed.starts_with(['{', '[']) {
            prescan(trimmed.as_bytes(), limits)?;
            serde_json::from_str::<Value>(trimmed).ok()
        } else {
            None
        };
        match doc {
            Some(doc) => {
                shape.get_or_insert_with(|| stream_shape(&doc));
                for found in json::stream_event(&doc, index) {
                    joined.push(index, found);
                }
            }
            None => {
                shape.get_or_insert(ResponseShape::PlainText);
                joined.push(
                    index,
                    Found {
                        location: Location::root(),
                        role: super::Role::Unknown,
                        text: data,
                        key: Some(StreamKey::Raw),
                    },
                );
            }
        }
        limits.check_text(joined.text_bytes)?;
    }
    let text_bytes = joined.text_bytes;
    Ok(ResponseExtraction {
        segments: joined.segments,
        shape: shape.unwrap_or(ResponseShape::PlainText),
        source: Source::Stream {
            body: body.to_vec(),
            events,
            parts: joined.parts,
        },
        text_bytes,
    })
}

/// The shape of a stream, from its first JSON event.
fn stream_shape(doc: &Value) -> ResponseShape {
    let kind = doc.get("type").and_then(Value::as_str).unwrap_or_default();
    if kind.starts_with("response.") {
        ResponseShape::OpenAiResponses
    } else if kind.starts_with("message_") || kind.starts_with("content_block_") || kind == "ping" {
        ResponseShape::AnthropicMessages
    } else {
        json::shape_of(doc)
    }
}

/// Streamed strings joined by key into segments.
#[derive(Default)]
struct Joined {
    segments: Vec<Segment>,
    parts: Vec<Vec<Part>>,
    by_key: HashMap<StreamKey, usize>,
    text_bytes: usize,
}

impl Joined {
    fn push(&mut self, event: usize, found: Found) {
        let key = found.key.unwrap_or(StreamKey::Own(event, usize::MAX));
        let raw = matches!(key, StreamKey::Raw);
        let segment = *self.by_key.entry(key).or_insert_with(|| {
            self.segments.push(Segment {
                role: found.role,
                text: String::new(),
                location: found.location.clone(),
            });
            self.parts.push(Vec::new());
            self.segments.len() - 1
        });
        let text = &mut self.segments[segment].text;
        let start = text.len();
        text.push_str(&found.text);
        self.text_bytes += found.text.len();
        self.parts[segment].push(Part {
            event,
            location: (!raw).then_some(found.location),
            range: start..text.len(),
        });
    }
}
