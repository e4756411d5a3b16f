//! [`extract`]: parse once, detect or check the shape, walk it into segments.
//!
//! The body is parsed into a borrowed [`Node`] tree (no per-key or per-string
//! allocation, see `node.rs`); only segment texts are copied out. Redaction,
//! the rare path, parses the kept body again into a `serde_json::Value`.
//!
//! This file is the entry point and its result ([`Extraction`]); the steps
//! live beside it, one job each: `detect.rs` names the shape a body has,
//! `walker.rs` collects segments and keeps the path, `openai.rs` and
//! `gemini.rs` know where each API keeps its text, `file_data.rs` which
//! inline files hold text and `base64_data.rs` how their base64 is decoded.

mod base64_data;
mod detect;
mod file_data;
mod gemini;
mod openai;
mod walker;

use std::borrow::Cow;

use super::encoding::json_as_utf8;
use super::limits::{decode_text, prescan};
use super::node::Node;
use super::{ApiFormat, ExtractError, ExtractLimits, Location, Role, RoleSet, Segment, Shape};
use detect::{detect, detect_named};
use gemini::gemini;
use openai::openai_or_anthropic;
use walker::Walker;

/// A body turned into segments, with what redaction needs to write back.
///
/// Exists so the pipeline can scan `segments()` and, when PII must be redacted,
/// ask the same value for the new body.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub(super) segments: Vec<Segment>,
    pub(super) shape: Shape,
    pub(super) source: Source,
    pub(super) text_bytes: usize,
}

/// What the segments were taken from.
#[derive(Debug, Clone)]
pub(super) enum Source {
    /// A JSON body, kept for redaction to parse into a full tree.
    Json(Vec<u8>),
    /// A plain-text body. `original` is kept only when the body was not valid
    /// UTF-8 (the segment text is then a lossy decoding of it).
    Text { original: Option<Vec<u8>> },
}

impl Extraction {
    /// The segments, in document order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segments a layer scoped to `roles` reads, with their indexes (the
    /// index is what a [`crate::detect::Finding`] and a [`super::Redaction`]
    /// refer to): those whose role is in `roles`, or every one of a body
    /// without roles ([`Extraction::has_roles`]).
    pub fn segments_in(&self, roles: RoleSet) -> impl Iterator<Item = (usize, &Segment)> {
        let every = !self.has_roles();
        self.segments
            .iter()
            .enumerate()
            .filter(move |(_, s)| every || roles.contains(s.role))
    }

    /// The shape the body was read as.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Total bytes of text over all segments.
    pub fn text_bytes(&self) -> usize {
        self.text_bytes
    }

    /// Whether the body's text is told apart by role: false for a body read
    /// as plain text, whose one segment has no role of its own
    /// ([`Role::Unknown`]). Role lists cannot scope such a body: a JSON body
    /// an upstream reads but promptgate cannot (a `NaN`, trailing data, a
    /// comment) is plain text here, and must not pass unread under a list
    /// without `unknown`.
    pub fn has_roles(&self) -> bool {
        !matches!(self.source, Source::Text { .. })
    }

    /// Whether the body was read as JSON (redaction re-serializes it) rather
    /// than plain text (redaction splices it).
    pub fn is_json(&self) -> bool {
        matches!(self.source, Source::Json(_))
    }
}

/// Turns a request body into segments.
///
/// With [`ApiFormat::Auto`] a body that parses as JSON is read as the known shape
/// its keys suggest (falling back to every string value when it does not fit that
/// shape), and any other body as plain text. With a named API the body must be
/// JSON of that API's shape.
///
/// # Errors
///
/// [`ExtractError::TooDeep`], [`ExtractError::TooManyElements`] and
/// [`ExtractError::TooMuchText`] when a limit is exceeded (in every mode);
/// [`ExtractError::DuplicateKey`] for a JSON object that names a member twice
/// (in every mode); [`ExtractError::NotJson`] and [`ExtractError::WrongShape`]
/// only with a named API.
pub fn extract(
    body: &[u8],
    api: ApiFormat,
    limits: &ExtractLimits,
) -> Result<Extraction, ExtractError> {
    let sent = body;
    let json = json_text(sent);
    let body = json.as_ref();
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        // Depth is checked flat before the recursive parser sees the body.
        prescan(body, limits)?;
    }
    match serde_json::from_slice::<Node<'_>>(body) {
        Ok(doc) => from_json(body, &doc, api, limits),
        // The node reader's only data error: a repeated member name, refused in
        // every mode (read as plain text, JSON escapes would hide text), when
        // the rest of the body is JSON too.
        Err(e)
            if e.classify() == serde_json::error::Category::Data
                && serde_json::from_slice::<serde_json::Value>(body).is_ok() =>
        {
            Err(ExtractError::DuplicateKey)
        }
        // Plain text is the body as sent: nothing to read past.
        Err(_) if api == ApiFormat::Auto => plain_text(sent, limits),
        Err(e) => Err(ExtractError::NotJson {
            line: e.line(),
            column: e.column(),
        }),
    }
}

/// The UTF-8 byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes of a request body that [`extract`] parses as JSON: JSON in UTF-16
/// or UTF-32 as UTF-8 text (Python's reader takes it), and past a UTF-8
/// byte-order mark (RFC 8259 lets a reader ignore one, and some upstreams do);
/// any other body as it is. Without this, such a body would be plain text
/// without its roles. Public so checks of extraction parse what it parsed.
pub fn json_text(body: &[u8]) -> Cow<'_, [u8]> {
    match json_as_utf8(body) {
        Some(text) => Cow::Owned(text),
        None => Cow::Borrowed(body.strip_prefix(UTF8_BOM).unwrap_or(body)),
    }
}

fn plain_text(body: &[u8], limits: &ExtractLimits) -> Result<Extraction, ExtractError> {
    let (text, original) = decode_text(body, limits)?;
    let text_bytes = text.len();
    let segments = if text.is_empty() {
        Vec::new()
    } else {
        vec![Segment {
            role: Role::Unknown,
            text,
            location: Location::root(),
        }]
    };
    Ok(Extraction {
        segments,
        shape: Shape::PlainText,
        source: Source::Text { original },
        text_bytes,
    })
}

fn from_json(
    body: &[u8],
    doc: &Node<'_>,
    api: ApiFormat,
    limits: &ExtractLimits,
) -> Result<Extraction, ExtractError> {
    let mut w = Walker::new(api, limits);
    let shape = match api {
        ApiFormat::Auto => match detect(doc) {
            None => {
                w.all_strings(doc, Role::Unknown)?;
                Shape::GenericJson
            }
            Some(shape) => match walk_shape(&mut w, doc, shape) {
                Ok(()) => shape,
                Err(ExtractError::WrongShape { .. }) => {
                    // Looked like a known API but is not one: read every
                    // string instead, so nothing slips by.
                    w = Walker::new(api, limits);
                    w.all_strings(doc, Role::Unknown)?;
                    Shape::GenericJson
                }
                Err(e) => return Err(e),
            },
        },
        named => {
            let shape = detect_named(doc, named)?;
            walk_shape(&mut w, doc, shape)?;
            shape
        }
    };
    Ok(Extraction {
        segments: w.segments,
        shape,
        source: Source::Json(body.to_vec()),
        text_bytes: w.text_bytes,
    })
}

fn walk_shape(w: &mut Walker, doc: &Node<'_>, shape: Shape) -> Result<(), ExtractError> {
    let Node::Obj(root) = doc else {
        return Err(w.wrong("body is not a JSON object"));
    };
    match shape {
        Shape::Gemini => gemini(w, root),
        Shape::GenericJson | Shape::PlainText => w.all_strings(doc, Role::Unknown),
        // OpenAI and Anthropic bodies share one reader: every field either API
        // defines for model input is read when present, so a body mixing them
        // (or a proxy that accepts both) is still read in full.
        _ => openai_or_anthropic(w, root),
    }
}
