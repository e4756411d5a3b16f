//! Releasing held events: an event goes out once every delta it carries is
//! judged, with the redactions of its texts written in, in arrival order.

use super::{AnswerStream, Held, StreamStep};

impl AnswerStream {
    /// Releases every held event whose deltas are all judged (`all`: every
    /// held event); `Some` ends the chunk (a block).
    pub(super) fn release(&mut self, out: &mut Vec<u8>, all: bool) -> Option<StreamStep> {
        if let Some(block) = &self.block {
            let block = block.clone();
            return Some(self.stop(out, &block));
        }
        while let Some(held) = self.held.front() {
            let ready = all
                || held.spans.iter().all(|(segment, span)| {
                    self.texts
                        .get(segment)
                        .is_some_and(|t| span.end <= t.judged_upto())
                });
            if !ready {
                break;
            }
            let Some(held) = self.held.pop_front() else {
                break;
            };
            match self.write(&held) {
                Ok(bytes) => {
                    self.held_bytes -= held.event.bytes.len();
                    out.extend_from_slice(&bytes);
                }
                Err(()) => {
                    // A broken invariant of the rewrite: the fail mode decides
                    // (fail-open passes this event as it came, then the rest).
                    tracing::error!("streamed event could not be rewritten");
                    self.held.push_front(held);
                    let rest = self.reader.take_buffered();
                    let taken = std::mem::take(out);
                    return Some(self.fail("an event could not be rewritten", taken, &rest, &[]));
                }
            }
            for (part, (segment, _)) in held.event.parts.iter().zip(&held.spans) {
                if part.complete {
                    self.texts.remove(segment);
                }
            }
        }
        None
    }

    /// A held event with the redactions of its texts written in.
    pub(super) fn write(&mut self, held: &Held) -> Result<Vec<u8>, ()> {
        let mut changes = Vec::new();
        for (i, (part, (segment, span))) in held.event.parts.iter().zip(&held.spans).enumerate() {
            if let Some(text) = self.texts.get_mut(segment)
                && let Some(new) = text.rewrite(&part.text, span.clone())
            {
                changes.push((i, new));
            }
        }
        held.event.rewrite(&changes).map_err(|_| ())
    }
}
