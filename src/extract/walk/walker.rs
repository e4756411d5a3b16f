//! [`Walker`]: collects segments while a shape reader walks a document, keeps
//! the path of the value being read and enforces the text limit. The shape
//! readers (`openai.rs`, `gemini.rs`) say where text is; this says how it is
//! taken.

use std::borrow::Cow;

use super::base64_data;
use crate::extract::node::{Members, Node, get};
use crate::extract::{ApiFormat, ExtractError, ExtractLimits, Location, PathStep, Role, Segment};

/// A borrowed key step of a path.
pub(super) const fn key(k: &'static str) -> PathStep {
    PathStep::Key(Cow::Borrowed(k))
}

/// The key step of a member the body names (a key no reader looks up).
pub(super) fn owned_key(k: &str) -> PathStep {
    PathStep::Key(Cow::Owned(k.to_owned()))
}

/// Collects segments while walking a document; keeps the current path.
pub(super) struct Walker {
    api: ApiFormat,
    path: Vec<PathStep>,
    pub(super) segments: Vec<Segment>,
    pub(super) text_bytes: usize,
    max_text_bytes: usize,
}

impl Walker {
    /// An empty walker reading a body sent as `api` under `limits`.
    pub(super) fn new(api: ApiFormat, limits: &ExtractLimits) -> Self {
        Walker {
            api,
            path: Vec::with_capacity(8),
            segments: Vec::new(),
            text_bytes: 0,
            max_text_bytes: limits.max_text_bytes,
        }
    }

    /// The error for a body that is not of the API's shape.
    pub(super) fn wrong(&self, reason: &'static str) -> ExtractError {
        ExtractError::WrongShape {
            api: self.api,
            reason,
        }
    }

    /// Runs `f` with `step` pushed on the path.
    pub(super) fn at<T>(
        &mut self,
        step: PathStep,
        f: impl FnOnce(&mut Self) -> Result<T, ExtractError>,
    ) -> Result<T, ExtractError> {
        self.path.push(step);
        let out = f(self)?;
        self.path.pop();
        Ok(out)
    }

    /// Takes `v` as a segment if it is a string; reports whether it was one.
    pub(super) fn text(&mut self, v: &Node<'_>, role: Role) -> Result<bool, ExtractError> {
        let Node::Str(s) = v else {
            return Ok(false);
        };
        if !s.is_empty() {
            self.admit(s.len())?;
            self.segments.push(Segment {
                role,
                text: s.as_ref().to_owned(),
                location: Location::from_steps(self.path.clone()),
            });
        }
        Ok(true)
    }

    /// Counts `len` more bytes of segment text, refused beyond the limit
    /// (before the text is copied).
    fn admit(&mut self, len: usize) -> Result<(), ExtractError> {
        self.text_bytes += len;
        if self.text_bytes > self.max_text_bytes {
            return Err(ExtractError::TooMuchText {
                max: self.max_text_bytes,
            });
        }
        Ok(())
    }

    /// Takes a base64 string holding a plain-text document as a segment of its
    /// decoded text (the text the model reads), located so that redaction
    /// encodes again. The base64 is read as the APIs read it (lines, spaces,
    /// URL-safe letters and missing padding allowed, see `base64_data.rs`); a
    /// string that is not base64 of UTF-8 text even so is taken as it is,
    /// like any other string.
    pub(super) fn base64_text(&mut self, v: &Node<'_>, role: Role) -> Result<bool, ExtractError> {
        self.base64_text_after(v, 0, role)
    }

    /// [`Walker::base64_text`] for a string whose base64 text follows its
    /// first `prefix` bytes (a data URL's `data:<type>;base64,`), which
    /// redaction keeps as they are.
    pub(super) fn base64_text_after(
        &mut self,
        v: &Node<'_>,
        prefix: usize,
        role: Role,
    ) -> Result<bool, ExtractError> {
        let Node::Str(s) = v else {
            return Ok(false);
        };
        let (Some(head), Some(data)) = (s.get(..prefix), s.get(prefix..)) else {
            return self.text(v, role);
        };
        let decoded = base64_data::decode(data).and_then(|bytes| String::from_utf8(bytes).ok());
        let Some(text) = decoded else {
            return self.text(v, role);
        };
        if !text.is_empty() {
            self.admit(text.len())?;
            self.segments.push(Segment {
                role,
                text,
                location: Location::base64_at(self.path.clone(), head),
            });
        }
        Ok(true)
    }

    /// Takes `map[k]` as a segment if it is a string.
    pub(super) fn field_text(
        &mut self,
        map: &Members<'_>,
        k: &'static str,
        role: Role,
    ) -> Result<(), ExtractError> {
        if let Some(v) = get(map, k) {
            self.at(key(k), |w| w.text(v, role))?;
        }
        Ok(())
    }

    /// Every string value under `v` (never keys). Recursion is bounded by the
    /// pre-scan's depth limit.
    pub(super) fn all_strings(&mut self, v: &Node<'_>, role: Role) -> Result<(), ExtractError> {
        self.strings_where(v, role, None, &|_| true)
    }

    /// The string values under `v` whose key ends in `description` (any
    /// case: `description`, an MCP tool's `server_description`), at any
    /// depth: what a model reads of tool definitions (function, parameter and
    /// server descriptions) besides names and types.
    pub(super) fn descriptions(&mut self, v: &Node<'_>, role: Role) -> Result<(), ExtractError> {
        self.strings_where(v, role, None, &|k| k.is_some_and(names_a_description))
    }

    /// The string values under `v` for whose key (`None` in an array or at
    /// the top) `keep` holds.
    fn strings_where(
        &mut self,
        v: &Node<'_>,
        role: Role,
        at_key: Option<&str>,
        keep: &dyn Fn(Option<&str>) -> bool,
    ) -> Result<(), ExtractError> {
        match v {
            Node::Str(_) => {
                if keep(at_key) {
                    self.text(v, role)?;
                }
            }
            Node::Arr(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.at(PathStep::Index(i), |w| {
                        w.strings_where(item, role, None, keep)
                    })?;
                }
            }
            Node::Obj(members) => {
                // A parsed object names each member once (`node.rs`).
                for (k, item) in members {
                    if matches!(item, Node::Null | Node::Scalar) {
                        continue;
                    }
                    self.at(owned_key(k), |w| {
                        w.strings_where(item, role, Some(k.as_ref()), keep)
                    })?;
                }
            }
            Node::Null | Node::Scalar => {}
        }
        Ok(())
    }
}

/// Does a key name a description (`description`, `server_description`,
/// `serverDescription`, whatever its case)?
fn names_a_description(key: &str) -> bool {
    const SUFFIX: &[u8] = b"description";
    let key = key.as_bytes();
    key.len() >= SUFFIX.len() && key[key.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX)
}

/// The segment role an API's role name stands for.
pub(super) fn role_of(name: &str) -> Role {
    match name {
        "system" => Role::System,
        "developer" => Role::Developer,
        "user" => Role::User,
        "assistant" | "model" => Role::Assistant,
        "tool" | "function" => Role::Tool,
        _ => Role::Unknown,
    }
}
