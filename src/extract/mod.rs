//! Turns a request body into the [`Segment`]s a model will read.
//!
//! Takes the raw (already decompressed) body bytes from the server; hands the
//! pipeline an [`Extraction`]: a list of segments, each with the [`Role`] of its
//! message and its JSON [`Location`], plus what redaction needs to write new text
//! back ([`Extraction::redact`]). JSON escapes (`\u0069`, surrogate pairs) are
//! decoded before scanning, so `\u0069gnore` is scanned as `ignore`.
//!
//! # Brief overview
//!
//! * [`extract`] parses the body once, under [`ExtractLimits`] (depth, element
//!   count, total text), and walks the shape named by [`ApiFormat`] (OpenAI chat,
//!   responses, completions and embeddings; Anthropic messages; Gemini contents),
//!   or detects it in [`ApiFormat::Auto`] mode. JSON of no known shape gives every
//!   string value (never keys) with [`Role::Unknown`]; a body that is not JSON is
//!   scanned as one plain-text segment.
//! * [`RoleSet`] is how the policy says which roles each layer scans.
//! * [`Extraction::redact`] replaces byte spans of segments with placeholders such
//!   as `[EMAIL_1]` and re-serializes the body.
//! * [`extract_response`] is the same for the model's answer: whole answers of
//!   each API and streamed ones (`text/event-stream`), whose deltas are joined
//!   into one text per choice or content block and rewritten in place
//!   ([`ResponseExtraction`]).
//!
//! # Must never
//!
//! Panic, hang or recurse without bound on hostile input (nesting is checked by a
//! flat pre-scan before any recursive parse), lose bytes of a body it hands back,
//! or put body text into an error message.
//!
//! # Plain text that is not UTF-8
//!
//! A non-JSON body with invalid UTF-8 is decoded lossily for scanning (each
//! invalid sequence becomes U+FFFD), so detectors always see valid text. The
//! original bytes are kept: redaction maps spans back and copies every byte
//! outside a redacted span unchanged, including the invalid ones.

mod encoding;
mod error;
mod format;
mod keys;
mod limits;
mod location;
mod node;
mod pseudonym;
mod redact;
mod response;
mod walk;

#[cfg(test)]
mod tests;

pub use crate::types::{ApiFormat, Role, RoleSet, UnknownApiFormat, UnknownRole};
pub use error::{ExtractError, RedactError};
pub use format::Shape;
pub use limits::ExtractLimits;
pub use location::{Location, PathStep};
pub use pseudonym::{PseudonymVault, Pseudonyms};
pub use redact::{Edit, Redacted, Redaction};
pub use response::{
    ResponseExtraction, ResponseFraming, ResponseShape, StreamEvent, StreamPart, StreamReadError,
    StreamReader, extract_response,
};
pub use walk::{Extraction, extract, json_text};

/// One piece of text the model will read, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The role of the message this text belongs to.
    pub role: Role,
    /// The text, with JSON escapes decoded.
    pub text: String,
    /// Where the text sits in the body: the path of keys and indexes from the JSON
    /// root to the string, or the root path for a plain-text body. Redaction
    /// writes the new text back here.
    pub location: Location,
}
