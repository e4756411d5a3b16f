//! [`Location`]: where a segment's text sits in the JSON document.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use super::keys::canonical;

/// One step from a JSON value to a child: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// A member of an object. Keys of known shapes are static and cost nothing.
    Key(Cow<'static, str>),
    /// An item of an array.
    Index(usize),
}

/// The path of keys and indexes from the JSON root to a string.
///
/// Exists so redaction can write a new string back exactly where the old one was.
/// The root path (no steps) is a top-level JSON string, or the whole body when it
/// is plain text.
///
/// Privacy: for JSON of no known shape the keys come from the body, so the
/// [`Display`](fmt::Display) form may carry client data; log it only for known
/// shapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Location {
    steps: Vec<PathStep>,
    /// The string holds the text base64-encoded (a plain-text document sent as
    /// base64, leniently decoded): the segment is its decoding, and redaction
    /// encodes again as standard padded base64, after this prefix kept as it
    /// was (a data URL's `data:<type>;base64,`, or empty).
    base64: Option<Box<str>>,
}

impl Location {
    /// The root: no steps.
    pub fn root() -> Self {
        Location::default()
    }

    pub(crate) fn from_steps(steps: Vec<PathStep>) -> Self {
        Location {
            steps,
            base64: None,
        }
    }

    /// The location of a base64-encoded plain-text document's string, whose
    /// base64 text follows `prefix` (a data URL's `data:<type>;base64,`, or
    /// empty), which redaction keeps.
    pub(crate) fn base64_at(steps: Vec<PathStep>, prefix: &str) -> Self {
        Location {
            steps,
            base64: Some(prefix.into()),
        }
    }

    /// Whether the string at this location holds the segment base64-encoded.
    pub fn is_base64(&self) -> bool {
        self.base64.is_some()
    }

    /// What precedes the base64 text in the string (a data URL's
    /// `data:<type>;base64,`, or empty); `None` when the string holds the
    /// segment as it is.
    pub fn base64_prefix(&self) -> Option<&str> {
        self.base64.as_deref()
    }

    /// The steps from the root, outermost first.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// Whether this is the root (a top-level string or a plain-text body).
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// The value at this location, if the document has one.
    pub(crate) fn get_mut<'a>(&self, root: &'a mut Value) -> Option<&'a mut Value> {
        let mut value = root;
        for step in &self.steps {
            value = match (step, value) {
                (PathStep::Key(k), Value::Object(map)) => {
                    // The walk read a key's other spellings as the key (`keys.rs`).
                    let spelt = match map.contains_key(k.as_ref()) {
                        true => None,
                        false => map
                            .keys()
                            .find(|m| canonical(m) == Some(k.as_ref()))
                            .cloned(),
                    };
                    map.get_mut(spelt.as_deref().unwrap_or(k.as_ref()))?
                }
                (PathStep::Index(i), Value::Array(items)) => items.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(value)
    }
}

/// Renders as `$.messages[0].content`, with keys that are not plain identifiers
/// quoted: `$["odd key"]`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.steps {
            match step {
                PathStep::Index(i) => write!(f, "[{i}]")?,
                PathStep::Key(k) => {
                    let plain = !k.is_empty()
                        && !k.starts_with(|c: char| c.is_ascii_digit())
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if plain {
                        write!(f, ".{k}")?;
                    } else {
                        write!(f, "[{k:?}]")?;
                    }
                }
            }
        }
        Ok(())
    }
}
