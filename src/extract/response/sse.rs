//! Server-Sent Events framing: split a buffered `text/event-stream` body into
//! events, read each event's `data`, and write an event back with new data.
//!
//! Follows the WHATWG event-stream rules that matter for reading a model's
//! answer: lines end in CRLF, LF or CR; a blank line ends an event; a line
//! starting with `:` is a comment; `data:` values (one leading space removed)
//! are joined with `\n`. Every byte is kept: an event that is not edited is
//! copied as it was, and an edited one keeps its other lines (`event:`, `id:`,
//! comments) and line endings.

use std::ops::Range;

/// One `data:` line of an event.
#[derive(Debug, Clone)]
pub(super) struct DataLine {
    /// The whole line, its terminator included (absolute offsets in the body).
    pub(super) line: Range<usize>,
    /// The value, after `data:` and the optional space, without the terminator.
    pub(super) value: Range<usize>,
}

/// One event of the stream, as byte ranges of the body.
#[derive(Debug, Clone)]
pub(super) struct Event {
    /// The event's lines, from its first line to its terminating blank line
    /// (included when there is one).
    pub(super) bytes: Range<usize>,
    /// Its `data:` lines, in order.
    pub(super) data: Vec<DataLine>,
}

impl Event {
    /// The event's data: the values of its data lines joined with `\n`; invalid
    /// UTF-8 is decoded lossily (as a browser's EventSource would).
    pub(super) fn data(&self, body: &[u8]) -> String {
        let mut out = String::new();
        for (i, d) in self.data.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&String::from_utf8_lossy(&body[d.value.clone()]));
        }
        out
    }
}

/// The lines of `body`: (line with terminator, line without terminator).
fn lines(body: &[u8]) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= body.len() {
            return None;
        }
        let start = pos;
        let (end, next) = match memchr::memchr2(b'\n', b'\r', &body[pos..]) {
            None => (body.len(), body.len()),
            Some(off) => {
                let at = pos + off;
                if body[at] == b'\r' && body.get(at + 1) == Some(&b'\n') {
                    (at, at + 2)
                } else {
                    (at, at + 1)
                }
            }
        };
        pos = next;
        Some((start..next, start..end))
    })
}

/// Splits `body` into events. Events without data lines (comments, `retry:`)
/// are returned too, so the caller can copy every byte back.
pub(super) fn events(body: &[u8]) -> Vec<Event> {
    let mut out = Vec::new();
    let mut current: Option<Event> = None;
    for (line, content) in lines(body) {
        let event = current.get_or_insert_with(|| Event {
            bytes: line.start..line.start,
            data: Vec::new(),
        });
        event.bytes.end = line.end;
        if content.is_empty() {
            out.extend(current.take());
            continue;
        }
        let text = &body[content.clone()];
        if let Some(rest) = text.strip_prefix(b"data") {
            let value_start = match rest.first() {
                None => content.end,
                Some(b':') if rest.get(1) == Some(&b' ') => content.start + 6,
                Some(b':') => content.start + 5,
                // `database: x` is a field named `database`, not data.
                Some(_) => continue,
            };
            event.data.push(DataLine {
                line,
                value: value_start..content.end,
            });
        }
    }
    out.extend(current);
    out
}

/// Writes `event` back with `data` as its data: the first data line becomes
/// `data: ` and the new value (one line per `\n` of it), with that line's
/// terminator; the other data lines are dropped; every other byte is copied.
pub(super) fn write_event(body: &[u8], event: &Event, data: &str, out: &mut Vec<u8>) {
    let Some(first) = event.data.first() else {
        out.extend_from_slice(&body[event.bytes.clone()]);
        return;
    };
    let terminator = &body[first.value.end..first.line.end];
    let terminator: &[u8] = if terminator.is_empty() {
        b"\n"
    } else {
        terminator
    };
    let mut pos = event.bytes.start;
    for (i, d) in event.data.iter().enumerate() {
        out.extend_from_slice(&body[pos..d.line.start]);
        if i == 0 {
            for value in data.split('\n') {
                out.extend_from_slice(b"data: ");
                out.extend_from_slice(value.as_bytes());
                out.extend_from_slice(terminator);
            }
        }
        pos = d.line.end;
    }
    out.extend_from_slice(&body[pos..event.bytes.end]);
}
