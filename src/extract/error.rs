//! Errors of extraction and redaction. None of them carries body text.

use super::ApiFormat;

/// Why a body could not be turned into segments.
///
/// The server answers these with 400 (shape and syntax) or 413 (limits); the
/// messages carry the limit that was hit, never any text of the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The body nests arrays and objects deeper than allowed.
    #[error("body nests JSON deeper than {max} levels")]
    TooDeep {
        /// The depth limit in force.
        max: usize,
    },
    /// The body holds more JSON values than allowed.
    #[error("body holds more than {max} JSON elements")]
    TooManyElements {
        /// The element limit in force.
        max: usize,
    },
    /// The text to scan is larger than allowed.
    #[error("body holds more than {max} bytes of text to scan")]
    TooMuchText {
        /// The text limit in force, in bytes.
        max: usize,
    },
    /// The policy names an API but the body is not valid JSON.
    #[error("body is not valid JSON (line {line}, column {column})")]
    NotJson {
        /// Line of the first syntax error (1-based; 0 when unknown).
        line: usize,
        /// Column of the first syntax error (1-based; 0 when unknown).
        column: usize,
    },
    /// An object of the JSON body names a member twice, counting the
    /// spellings a case-insensitive reader takes for a read key (`"content"`
    /// and `"Content"`): upstream readers disagree on which one counts, so
    /// the body cannot be scanned as the model would read it.
    #[error("body names a member of one JSON object twice (readers disagree on which counts)")]
    DuplicateKey,
    /// The body is JSON but not of the shape the named API expects.
    #[error("body is not a valid {api} request: {reason}")]
    WrongShape {
        /// The API the policy names.
        api: ApiFormat,
        /// What is wrong, in words fixed at compile time.
        reason: &'static str,
    },
}

/// Why a redaction could not be applied. Each is a bug in the caller (a finding
/// that does not fit its segment), reported instead of panicking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedactError {
    /// The redaction names a segment that does not exist.
    #[error("redaction names segment {segment} but there are {count} segments")]
    NoSuchSegment {
        /// The segment index asked for.
        segment: usize,
        /// How many segments there are.
        count: usize,
    },
    /// The span reaches outside the segment's text or is reversed.
    #[error("redaction span {start}..{end} does not fit segment {segment} of {len} bytes")]
    SpanOutOfRange {
        /// The segment index.
        segment: usize,
        /// Span start.
        start: usize,
        /// Span end.
        end: usize,
        /// Length of the segment's text in bytes.
        len: usize,
    },
    /// A span end falls inside a UTF-8 character.
    #[error("redaction offset {offset} in segment {segment} is not on a character boundary")]
    NotCharBoundary {
        /// The segment index.
        segment: usize,
        /// The offending byte offset.
        offset: usize,
    },
    /// Two edits of one segment overlap (only [`super::ResponseExtraction::replace`]
    /// takes arbitrary edits; redactions are merged instead).
    #[error("edits overlap at offset {offset} of segment {segment}")]
    Overlap {
        /// The segment index.
        segment: usize,
        /// Where the second edit starts.
        offset: usize,
    },
    /// A segment's location no longer names a string in the document (a broken
    /// invariant of this module, reported instead of panicking).
    #[error("segment {segment} has no string at its location")]
    LostLocation {
        /// The segment index.
        segment: usize,
    },
    /// The new body could not be serialized (should not happen for a parsed body).
    #[error("redacted body could not be serialized")]
    Serialize,
}
