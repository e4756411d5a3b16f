//! A streamed answer read as it flows: chunks in (cut anywhere, even inside
//! a line or a UTF-8 sequence), complete Server-Sent Events out, each with
//! the text deltas it carries and the joined text each delta continues.
//!
//! [`StreamReader::push`] buffers the bytes of the event in progress and
//! hands back every event that a blank line completed; [`StreamReader::finish`]
//! hands back what is left at the end of the stream as a last event. The
//! events, and so everything computed from them, depend only on the bytes of
//! the stream, never on where the chunks were cut: a `\r` at the end of a
//! chunk waits for the next byte (it may be the first half of `\r\n`), and
//! text is decoded only from whole events. Events are read exactly as the
//! buffered path reads a whole stream (`super::stream`, `json::stream_event`):
//! OpenAI chat chunks, Anthropic messages events, Gemini candidates, the
//! Responses API, and the data of non-JSON events joined as text.
//!
//! [`StreamEvent::rewrite`] writes an event back with new text for some of
//! its deltas; the event stays one valid SSE event whose data is still
//! valid JSON.
//!
//! # Must never
//!
//! Panic or buffer without bound on hostile input (an event longer than the
//! reader's bound is an error), or put answer text into an error.

use std::collections::HashMap;

use serde_json::Value;

use super::json::{self, StreamKey};
use super::{ResponseShape, sse, stream_shape};
use crate::extract::limits::prescan;
use crate::extract::redact::put_back;
use crate::extract::{ExtractError, ExtractLimits, Location, RedactError, Role};

/// Why a stream, or one of its events, could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamReadError {
    /// An event (or the bytes before its end) is longer than the bound; the
    /// last `unconsumed` bytes of the chunk were not taken (the reader keeps
    /// the bytes before them, see [`StreamReader::take_buffered`]).
    #[error("a streamed event is longer than {max} bytes")]
    EventTooLarge {
        /// The bound, in bytes.
        max: usize,
        /// Bytes at the end of the chunk that were not taken.
        unconsumed: usize,
    },
    /// An event's JSON is over the extraction limits.
    #[error(transparent)]
    Limits(#[from] ExtractError),
    /// More joined texts than the extraction limits allow elements.
    #[error("a stream with more than {max} separate texts")]
    TooManyTexts {
        /// The bound.
        max: usize,
    },
}

/// One text delta of an event.
#[derive(Debug, Clone)]
pub struct StreamPart {
    /// Which joined text of the stream it continues (numbered from 0 in order
    /// of first appearance).
    pub segment: usize,
    /// Who wrote it.
    pub role: Role,
    /// The delta.
    pub text: String,
    /// Nothing continues this text and it continues nothing (a string that
    /// stands alone, such as an error event's message): it can be judged at
    /// once.
    pub complete: bool,
    /// Where it sits in the event's JSON data; `None` when the data is not
    /// JSON (the data itself is the text).
    location: Option<Location>,
}

/// One complete event of the stream.
#[derive(Debug, Clone)]
pub struct StreamEvent {
    /// Its bytes, exactly as they came, its terminating blank line included.
    pub bytes: Vec<u8>,
    /// Its text deltas, in order.
    pub parts: Vec<StreamPart>,
    /// Why its text could not be read (its JSON over the limits, too many
    /// texts): `parts` is then empty and the event must be judged by the
    /// route's fail mode.
    pub unreadable: Option<StreamReadError>,
    event: Option<sse::Event>,
}

impl StreamEvent {
    /// The event written back with `changes` (part index, new text): the
    /// bytes as they came when nothing changes, else the event with its data
    /// re-serialised.
    ///
    /// # Errors
    ///
    /// [`RedactError::Serialize`] when a change does not fit the event (an
    /// index out of range, or data that no longer parses).
    pub fn rewrite(&self, changes: &[(usize, String)]) -> Result<Vec<u8>, RedactError> {
        let Some(event) = &self.event else {
            return Ok(self.bytes.clone());
        };
        if changes.is_empty() {
            return Ok(self.bytes.clone());
        }
        let raw = match changes {
            [(i, text)] if self.parts.get(*i).is_some_and(|p| p.location.is_none()) => Some(text),
            _ => None,
        };
        let data = if let Some(text) = raw {
            text.clone()
        } else {
            let mut doc: Value = serde_json::from_str(&event.data(&self.bytes))
                .map_err(|_| RedactError::Serialize)?;
            for (i, text) in changes {
                let location = self
                    .parts
                    .get(*i)
                    .and_then(|p| p.location.as_ref())
                    .ok_or(RedactError::Serialize)?;
                if !put_back(&mut doc, location, text.clone()) {
                    return Err(RedactError::Serialize);
                }
            }
            serde_json::to_string(&doc).map_err(|_| RedactError::Serialize)?
        };
        let mut out = Vec::with_capacity(self.bytes.len() + 32);
        sse::write_event(&self.bytes, event, &data, &mut out);
        Ok(out)
    }
}

/// Reads a stream chunk by chunk.
#[derive(Debug)]
pub struct StreamReader {
    limits: ExtractLimits,
    max_event: usize,
    /// Bytes of the event in progress.
    buf: Vec<u8>,
    /// Where the line in progress starts in `buf`.
    line_start: usize,
    /// `buf` ends in a `\r` whose line end waits for the next byte.
    pending_cr: bool,
    /// Events read so far (an event's index names its standalone strings).
    events_seen: usize,
    keys: HashMap<StreamKey, usize>,
    segments: usize,
    shape: Option<ResponseShape>,
}

impl StreamReader {
    /// A reader whose events may hold at most `max_event` bytes, each read
    /// under `limits`.
    pub fn new(limits: ExtractLimits, max_event: usize) -> Self {
        StreamReader {
            limits,
            max_event: max_event.max(1),
            buf: Vec::new(),
            line_start: 0,
            pending_cr: false,
            events_seen: 0,
            keys: HashMap::new(),
            segments: 0,
            shape: None,
        }
    }

    /// Bytes received and not yet part of a complete event.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The shape of the stream, from its first JSON event (`None` before).
    pub fn shape(&self) -> Option<ResponseShape> {
        self.shape
    }

    /// Takes `chunk` and appends every event it completes to `out`.
    ///
    /// # Errors
    ///
    /// [`StreamReadError::EventTooLarge`] when an event grows over the bound;
    /// the reader should not be used after that. (An event whose JSON is over
    /// the limits is returned with [`StreamEvent::unreadable`] set.)
    pub fn push(
        &mut self,
        chunk: &[u8],
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamReadError> {
        let mut rest = chunk;
        if self.pending_cr {
            // The `\r` that ended the last chunk: `\r\n` or a lone `\r`.
            let Some(&first) = rest.first() else {
                return Ok(());
            };
            if first == b'\n' {
                self.extend(b"\n", rest.len())?;
                rest = &rest[1..];
            }
            self.pending_cr = false;
            self.end_line(out);
        }
        while !rest.is_empty() {
            let Some(at) = memchr::memchr2(b'\n', b'\r', rest) else {
                return self.extend(rest, rest.len());
            };
            self.extend(&rest[..=at], rest.len())?;
            let cr = rest[at] == b'\r';
            rest = &rest[at + 1..];
            if cr {
                match rest.first() {
                    None => {
                        // Decided by the next chunk's first byte.
                        self.pending_cr = true;
                        return Ok(());
                    }
                    Some(b'\n') => {
                        self.extend(b"\n", rest.len())?;
                        rest = &rest[1..];
                    }
                    Some(_) => {}
                }
            }
            self.end_line(out);
        }
        Ok(())
    }

    /// Ends the stream: a line left waiting on a `\r` ends there, and the
    /// bytes of an unterminated last event become one event.
    ///
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if std::mem::take(&mut self.pending_cr) {
            self.end_line(out);
        }
        if !self.buf.is_empty() {
            let bytes = self.take_buffered();
            out.push(self.read(bytes));
        }
    }

    /// Takes the bytes of the event in progress (after an error, to pass
    /// them on unread).
    pub fn take_buffered(&mut self) -> Vec<u8> {
        self.line_start = 0;
        self.pending_cr = false;
        std::mem::take(&mut self.buf)
    }

    fn extend(&mut self, bytes: &[u8], unconsumed: usize) -> Result<(), StreamReadError> {
        if self.buf.len() + bytes.len() > self.max_event {
            return Err(StreamReadError::EventTooLarge {
                max: self.max_event,
                unconsumed,
            });
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// A whole line (terminator included) ends at the end of `buf`: a blank
    /// one completes the event.
    fn end_line(&mut self, out: &mut Vec<StreamEvent>) {
        let line = &self.buf[self.line_start..];
        let blank = matches!(line, b"\n" | b"\r" | b"\r\n");
        if blank {
            let bytes = self.take_buffered();
            out.push(self.read(bytes));
        } else {
            self.line_start = self.buf.len();
        }
    }

    /// Reads one complete event's text deltas, as the buffered path does.
    fn read(&mut self, bytes: Vec<u8>) -> StreamEvent {
        let event = sse::events(&bytes).into_iter().next();
        let (parts, unreadable) = match self.parts(&bytes, event.as_ref()) {
            Ok(parts) => (parts, None),
            Err(error) => (Vec::new(), Some(error)),
        };
        StreamEvent {
            bytes,
            parts,
            unreadable,
            event,
        }
    }

    fn parts(
        &mut self,
        bytes: &[u8],
        event: Option<&sse::Event>,
    ) -> Result<Vec<StreamPart>, StreamReadError> {
        let index = self.events_seen;
        self.events_seen += 1;
        let mut parts = Vec::new();
        if let Some(event) = event.filter(|e| !e.data.is_empty()) {
            let data = event.data(bytes);
            let trimmed = data.trim();
            if !trimmed.is_empty() && trimmed != "[DONE]" {
                let doc = if trimmed.starts_with(['{', '[']) {
                    prescan(trimmed.as_bytes(), &self.limits)?;
                    serde_json::from_str::<Value>(trimmed).ok()
                } else {
                    None
                };
                match doc {
                    Some(doc) => {
                        self.shape.get_or_insert_with(|| stream_shape(&doc));
                        for found in json::stream_event(&doc, index) {
                            let key = found.key.unwrap_or(StreamKey::Own(index, usize::MAX));
                            parts.push(StreamPart {
                                segment: self.segment(key)?,
                                role: found.role,
                                text: found.text,
                                complete: matches!(key, StreamKey::Own(..)),
                                location: Some(found.location),
                            });
                        }
                    }
                    None => {
                        self.shape.get_or_insert(ResponseShape::PlainText);
                        parts.push(StreamPart {
                            segment: self.segment(StreamKey::Raw)?,
                            role: Role::Unknown,
                            text: data,
                            complete: false,
                            location: None,
                        });
                    }
                }
            }
        }
        Ok(parts)
    }

    /// The segment number of `key`, a new one for a new key.
    fn segment(&mut self, key: StreamKey) -> Result<usize, StreamReadError> {
        if let Some(&n) = self.keys.get(&key) {
            return Ok(n);
        }
        let n = self.segments;
        if n >= self.limits.max_elements {
            return Err(StreamReadError::TooManyTexts {
                max: self.limits.max_elements,
            });
        }
        self.segments += 1;
        // A string that stands alone is never seen again: no need to keep it.
        if !matches!(key, StreamKey::Own(..)) {
            self.keys.insert(key, n);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event's bytes and its texts (segment, delta).
    type Read = (Vec<u8>, Vec<(usize, String)>);

    /// Each event's bytes and texts, for `body` fed in pieces of `size`.
    fn read(body: &[u8], size: usize) -> Vec<Read> {
        let mut reader = StreamReader::new(ExtractLimits::default(), 1 << 20);
        let mut events = Vec::new();
        for piece in body.chunks(size.max(1)) {
            reader.push(piece, &mut events).expect("within bounds");
        }
        reader.finish(&mut events);
        events
            .into_iter()
            .map(|e| {
                let parts = e
                    .parts
                    .iter()
                    .map(|p| (p.segment, p.text.clone()))
                    .collect();
                (e.bytes, parts)
            })
            .collect()
    }

    #[test]
    fn events_do_not_depend_on_the_cutting_whatever_the_line_endings() {
        // A `\r` at the end of a chunk waits for the next byte: with a lone
        // `\r`, `\r\r` ends the event; with `\r\n`, it is one line end.
        for eol in ["\n", "\r\n", "\r"] {
            let body = format!(
                "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"hé\"}}}}]}}{eol}{eol}\
                 : comment{eol}{eol}data: [DONE]{eol}{eol}data: tail"
            );
            let whole = read(body.as_bytes(), body.len());
            assert_eq!(whole.len(), 4, "{eol:?}");
            assert_eq!(whole[0].1, vec![(0, "hé".to_owned())]);
            assert_eq!(whole[3].1, vec![(1, "tail".to_owned())]);
            let joined: Vec<u8> = whole.iter().flat_map(|e| e.0.clone()).collect();
            assert_eq!(joined, body.as_bytes(), "every byte kept");
            for size in 1..8 {
                assert_eq!(
                    read(body.as_bytes(), size),
                    whole,
                    "{eol:?} in pieces of {size}"
                );
            }
        }
    }

    #[test]
    fn an_event_over_the_bound_is_refused_and_its_bytes_kept() {
        let mut reader = StreamReader::new(ExtractLimits::default(), 16);
        let mut events = Vec::new();
        reader.push(b"data: 01", &mut events).expect("fits");
        let err = reader.push(b"23456789abcdef\n\n", &mut events);
        // What was buffered and what was not taken make up the stream.
        assert_eq!(
            err,
            Err(StreamReadError::EventTooLarge {
                max: 16,
                unconsumed: 16
            })
        );
        assert_eq!(reader.take_buffered(), b"data: 01");
    }

    #[test]
    fn a_rewritten_event_keeps_its_other_lines_and_valid_json() {
        let body = b"event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"mail a@b.co\"}}\r\n\r\n";
        let mut reader = StreamReader::new(ExtractLimits::default(), 1 << 20);
        let mut events = Vec::new();
        reader.push(body, &mut events).expect("fits");
        let out = events[0]
            .rewrite(&[(0, "mail [EMAIL_1]".to_owned())])
            .expect("rewrites");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            text.starts_with("event: content_block_delta\r\ndata: {"),
            "{text}"
        );
        assert!(text.ends_with("}\r\n\r\n"), "{text}");
        let data = text
            .lines()
            .nth(1)
            .and_then(|l| l.strip_prefix("data: "))
            .expect("data");
        let doc: Value = serde_json::from_str(data).expect("JSON");
        assert_eq!(doc["delta"]["text"], "mail [EMAIL_1]");
        assert_eq!(events[0].rewrite(&[]).expect("copy"), body);
    }
}
