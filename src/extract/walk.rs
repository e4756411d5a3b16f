//! [`extract`]: parse once, detect or check the shape, walk it into segments.
//!
//! The walk moves each string out of the parsed document into its segment
//! (leaving an empty string behind) instead of copying it; redaction puts every
//! segment's text back before re-serializing.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::limits::prescan;
use super::{
    ApiFormat, ExtractError, ExtractLimits, Location, PathStep, Role, RoleSet, Segment, Shape,
};

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
    /// The parsed document, with every segment's string moved out (left empty).
    Json(Value),
    /// A plain-text body. `original` is kept only when the body was not valid
    /// UTF-8 (the segment text is then a lossy decoding of it).
    Text { original: Option<Vec<u8>> },
}

impl Extraction {
    /// The segments, in document order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segments whose role is in `roles`, with their indexes (the index is
    /// what a [`crate::detect::Finding`] and a [`super::Redaction`] refer to).
    pub fn segments_in(&self, roles: RoleSet) -> impl Iterator<Item = (usize, &Segment)> {
        self.segments
            .iter()
            .enumerate()
            .filter(move |(_, s)| roles.contains(s.role))
    }

    /// The shape the body was read as.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Total bytes of text over all segments.
    pub fn text_bytes(&self) -> usize {
        self.text_bytes
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
/// [`ExtractError::NotJson`] and [`ExtractError::WrongShape`] only with a named API.
pub fn extract(
    body: &[u8],
    api: ApiFormat,
    limits: &ExtractLimits,
) -> Result<Extraction, ExtractError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        // Depth is checked flat before the recursive parser sees the body.
        prescan(body, limits)?;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(doc) => from_json(doc, api, limits),
        Err(_) if api == ApiFormat::Auto => plain_text(body, limits),
        Err(e) => Err(ExtractError::NotJson {
            line: e.line(),
            column: e.column(),
        }),
    }
}

fn plain_text(body: &[u8], limits: &ExtractLimits) -> Result<Extraction, ExtractError> {
    if body.len() > limits.max_text_bytes {
        return Err(ExtractError::TooMuchText {
            max: limits.max_text_bytes,
        });
    }
    let (text, original) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (
            String::from_utf8_lossy(body).into_owned(),
            Some(body.to_vec()),
        ),
    };
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
    mut doc: Value,
    api: ApiFormat,
    limits: &ExtractLimits,
) -> Result<Extraction, ExtractError> {
    let mut w = Walker::new(api, limits);
    let shape = match api {
        ApiFormat::Auto => match detect(&doc) {
            None => {
                w.all_strings(&mut doc, Role::Unknown)?;
                Shape::GenericJson
            }
            Some(shape) => match walk_shape(&mut w, &mut doc, shape) {
                Ok(()) => shape,
                Err(ExtractError::WrongShape { .. }) => {
                    // Looked like a known API but is not one: put back what was
                    // taken and read every string instead, so nothing slips by.
                    for seg in w.segments.drain(..) {
                        put_back(&mut doc, &seg.location, seg.text);
                    }
                    w = Walker::new(api, limits);
                    w.all_strings(&mut doc, Role::Unknown)?;
                    Shape::GenericJson
                }
                Err(e) => return Err(e),
            },
        },
        named => {
            let shape = detect_named(&doc, named)?;
            walk_shape(&mut w, &mut doc, shape)?;
            shape
        }
    };
    Ok(Extraction {
        segments: w.segments,
        shape,
        source: Source::Json(doc),
        text_bytes: w.text_bytes,
    })
}

/// Writes `text` at `location`; false when the document has no string there.
pub(super) fn put_back(doc: &mut Value, location: &Location, text: String) -> bool {
    match location.get_mut(doc) {
        Some(slot @ Value::String(_)) => {
            *slot = Value::String(text);
            true
        }
        _ => false,
    }
}

fn detect(doc: &Value) -> Option<Shape> {
    let Value::Object(root) = doc else {
        return None;
    };
    if root.contains_key("contents")
        || root.contains_key("systemInstruction")
        || root.contains_key("system_instruction")
    {
        Some(Shape::Gemini)
    } else if root.contains_key("messages") {
        if root.contains_key("system") || root.contains_key("anthropic_version") {
            Some(Shape::AnthropicMessages)
        } else {
            Some(Shape::OpenAiChat)
        }
    } else {
        openai_other(root)
    }
}

/// The OpenAI shapes without `messages`.
fn openai_other(root: &Map<String, Value>) -> Option<Shape> {
    if root.contains_key("instructions") {
        return Some(Shape::OpenAiResponses);
    }
    if let Some(input) = root.get("input") {
        let items_are_objects = input
            .as_array()
            .is_some_and(|items| items.iter().any(Value::is_object));
        let embedding_model = root
            .get("model")
            .and_then(Value::as_str)
            .is_some_and(|m| m.contains("embed"));
        let embedding_keys =
            root.contains_key("encoding_format") || root.contains_key("dimensions");
        return Some(
            if !items_are_objects && (embedding_model || embedding_keys) {
                Shape::OpenAiEmbeddings
            } else {
                Shape::OpenAiResponses
            },
        );
    }
    match root.get("prompt") {
        Some(Value::Object(_)) => Some(Shape::OpenAiResponses),
        Some(_) => Some(Shape::OpenAiCompletions),
        None => None,
    }
}

fn detect_named(doc: &Value, api: ApiFormat) -> Result<Shape, ExtractError> {
    let wrong = |reason| ExtractError::WrongShape { api, reason };
    let Value::Object(root) = doc else {
        return Err(wrong("body is not a JSON object"));
    };
    match api {
        ApiFormat::OpenAi if root.contains_key("messages") => Ok(Shape::OpenAiChat),
        ApiFormat::OpenAi => {
            openai_other(root).ok_or(wrong("no messages, input, instructions or prompt field"))
        }
        ApiFormat::Anthropic if root.contains_key("messages") => Ok(Shape::AnthropicMessages),
        ApiFormat::Anthropic => Err(wrong("no messages field")),
        ApiFormat::Gemini if root.contains_key("contents") => Ok(Shape::Gemini),
        ApiFormat::Gemini => Err(wrong("no contents field")),
        ApiFormat::Auto => detect(doc).ok_or(wrong("no known request shape")),
    }
}

fn walk_shape(w: &mut Walker, doc: &mut Value, shape: Shape) -> Result<(), ExtractError> {
    let Value::Object(root) = doc else {
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

const fn key(k: &'static str) -> PathStep {
    PathStep::Key(Cow::Borrowed(k))
}

/// Collects segments while walking a document; keeps the current path.
struct Walker {
    api: ApiFormat,
    path: Vec<PathStep>,
    segments: Vec<Segment>,
    text_bytes: usize,
    max_text_bytes: usize,
}

impl Walker {
    fn new(api: ApiFormat, limits: &ExtractLimits) -> Self {
        Walker {
            api,
            path: Vec::with_capacity(8),
            segments: Vec::new(),
            text_bytes: 0,
            max_text_bytes: limits.max_text_bytes,
        }
    }

    fn wrong(&self, reason: &'static str) -> ExtractError {
        ExtractError::WrongShape {
            api: self.api,
            reason,
        }
    }

    /// Runs `f` with `step` pushed on the path.
    fn at<T>(
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
    fn text(&mut self, v: &mut Value, role: Role) -> Result<bool, ExtractError> {
        let Value::String(s) = v else {
            return Ok(false);
        };
        if s.is_empty() {
            return Ok(true);
        }
        self.text_bytes += s.len();
        if self.text_bytes > self.max_text_bytes {
            return Err(ExtractError::TooMuchText {
                max: self.max_text_bytes,
            });
        }
        self.segments.push(Segment {
            role,
            text: std::mem::take(s),
            location: Location::from_steps(self.path.clone()),
        });
        Ok(true)
    }

    /// Takes `map[k]` as a segment if it is a string.
    fn field_text(
        &mut self,
        map: &mut Map<String, Value>,
        k: &'static str,
        role: Role,
    ) -> Result<(), ExtractError> {
        if let Some(v) = map.get_mut(k) {
            self.at(key(k), |w| w.text(v, role))?;
        }
        Ok(())
    }

    /// Every string value under `v` (never keys). Recursion is bounded by the
    /// pre-scan's depth limit.
    fn all_strings(&mut self, v: &mut Value, role: Role) -> Result<(), ExtractError> {
        match v {
            Value::String(_) => {
                self.text(v, role)?;
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.at(PathStep::Index(i), |w| w.all_strings(item, role))?;
                }
            }
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    if matches!(item, Value::Null | Value::Bool(_) | Value::Number(_)) {
                        continue;
                    }
                    let step = PathStep::Key(Cow::Owned(k.clone()));
                    self.at(step, |w| w.all_strings(item, role))?;
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
        Ok(())
    }
}

fn role_of(name: &str) -> Role {
    match name {
        "system" => Role::System,
        "developer" => Role::Developer,
        "user" => Role::User,
        "assistant" | "model" => Role::Assistant,
        "tool" | "function" => Role::Tool,
        _ => Role::Unknown,
    }
}

// === OpenAI (chat, responses, completions, embeddings) and Anthropic ===

fn openai_or_anthropic(w: &mut Walker, root: &mut Map<String, Value>) -> Result<(), ExtractError> {
    if let Some(v) = root.get_mut("system") {
        w.at(key("system"), |w| content(w, v, Role::System))?;
    }
    if let Some(v) = root.get_mut("instructions") {
        w.at(key("instructions"), |w| content(w, v, Role::System))?;
    }
    if let Some(v) = root.get_mut("messages") {
        w.at(key("messages"), |w| messages(w, v))?;
    }
    if let Some(v) = root.get_mut("input") {
        w.at(key("input"), |w| input(w, v))?;
    }
    if let Some(v) = root.get_mut("prompt") {
        w.at(key("prompt"), |w| prompt(w, v))?;
    }
    w.field_text(root, "suffix", Role::User)
}

fn messages(w: &mut Walker, v: &mut Value) -> Result<(), ExtractError> {
    let Value::Array(msgs) = v else {
        return Err(w.wrong("messages is not an array"));
    };
    for (i, m) in msgs.iter_mut().enumerate() {
        w.at(PathStep::Index(i), |w| message(w, m))?;
    }
    Ok(())
}

/// A chat message or a responses `message` item.
fn message(w: &mut Walker, m: &mut Value) -> Result<(), ExtractError> {
    let Value::Object(map) = m else {
        return Err(w.wrong("a message is not an object"));
    };
    let role = map
        .get("role")
        .and_then(Value::as_str)
        .map_or(Role::Unknown, role_of);
    if let Some(c) = map.get_mut("content") {
        w.at(key("content"), |w| content(w, c, role))?;
    }
    w.field_text(map, "refusal", role)?;
    if let Some(calls) = map.get_mut("tool_calls") {
        let Value::Array(calls) = calls else {
            return Err(w.wrong("tool_calls is not an array"));
        };
        w.at(key("tool_calls"), |w| {
            for (i, call) in calls.iter_mut().enumerate() {
                if let Some(Value::Object(f)) = call.get_mut("function") {
                    w.at(PathStep::Index(i), |w| {
                        w.at(key("function"), |w| {
                            w.field_text(f, "arguments", Role::Tool)
                        })
                    })?;
                }
            }
            Ok(())
        })?;
    }
    if let Some(Value::Object(f)) = map.get_mut("function_call") {
        w.at(key("function_call"), |w| {
            w.field_text(f, "arguments", Role::Tool)
        })?;
    }
    Ok(())
}

/// Message content: a string, an array of parts or blocks, or a single part.
fn content(w: &mut Walker, c: &mut Value, role: Role) -> Result<(), ExtractError> {
    match c {
        Value::String(_) => {
            w.text(c, role)?;
        }
        Value::Array(parts) => {
            for (i, p) in parts.iter_mut().enumerate() {
                w.at(PathStep::Index(i), |w| part(w, p, role))?;
            }
        }
        Value::Object(_) => part(w, c, role)?,
        Value::Null => {}
        Value::Bool(_) | Value::Number(_) => {
            return Err(w.wrong("message content is neither a string nor an array"));
        }
    }
    Ok(())
}

/// One content part (OpenAI) or block (Anthropic).
fn part(w: &mut Walker, p: &mut Value, role: Role) -> Result<(), ExtractError> {
    let map = match p {
        Value::String(_) => {
            w.text(p, role)?;
            return Ok(());
        }
        Value::Object(map) => map,
        _ => return Ok(()),
    };
    match map.get("type").and_then(Value::as_str) {
        Some("tool_use" | "server_tool_use") => {
            if let Some(input) = map.get_mut("input") {
                w.at(key("input"), |w| w.all_strings(input, Role::Tool))?;
            }
        }
        Some("tool_result") => {
            if let Some(c) = map.get_mut("content") {
                w.at(key("content"), |w| content(w, c, Role::Tool))?;
            }
        }
        Some("document") => {
            // Anthropic plain-text documents: `source: {type: text, data}` or
            // `source: {type: content, content: [blocks]}`.
            if let Some(Value::Object(src)) = map.get_mut("source") {
                w.at(key("source"), |w| {
                    w.field_text(src, "data", role)?;
                    if let Some(c) = src.get_mut("content") {
                        w.at(key("content"), |w| content(w, c, role))?;
                    }
                    Ok(())
                })?;
            }
        }
        _ => {
            w.field_text(map, "text", role)?;
            w.field_text(map, "refusal", role)?;
        }
    }
    Ok(())
}

/// Responses `input` or embeddings `input`.
fn input(w: &mut Walker, v: &mut Value) -> Result<(), ExtractError> {
    match v {
        Value::String(_) => {
            w.text(v, Role::User)?;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                w.at(PathStep::Index(i), |w| match item {
                    Value::Object(_) => response_item(w, item),
                    // Strings (embeddings) or token arrays (numbers, nothing to read).
                    _ => w.all_strings(item, Role::User),
                })?;
            }
        }
        Value::Object(_) => response_item(w, v)?,
        Value::Null => {}
        Value::Bool(_) | Value::Number(_) => {
            return Err(w.wrong("input is neither a string nor an array"));
        }
    }
    Ok(())
}

fn response_item(w: &mut Walker, item: &mut Value) -> Result<(), ExtractError> {
    let Value::Object(map) = item else {
        return Ok(());
    };
    let ty = map.get("type").and_then(Value::as_str);
    match ty {
        Some("message") => message(w, item),
        None if map.contains_key("role") => message(w, item),
        Some("function_call" | "custom_tool_call") => {
            w.field_text(map, "arguments", Role::Tool)?;
            w.field_text(map, "input", Role::Tool)
        }
        Some("function_call_output" | "custom_tool_call_output") => {
            if let Some(out) = map.get_mut("output") {
                w.at(key("output"), |w| content(w, out, Role::Tool))?;
            }
            Ok(())
        }
        Some("input_text" | "output_text" | "text") => w.field_text(map, "text", Role::User),
        Some("reasoning") => {
            if let Some(Value::Array(summary)) = map.get_mut("summary") {
                w.at(key("summary"), |w| {
                    for (i, s) in summary.iter_mut().enumerate() {
                        w.at(PathStep::Index(i), |w| part(w, s, Role::Assistant))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        }
        Some("item_reference" | "image_generation_call" | "input_image" | "input_file") => Ok(()),
        // An item type this reader does not know: read every string in it.
        _ => w.all_strings(item, Role::Unknown),
    }
}

/// Legacy completions `prompt` (string or array), or a responses prompt template
/// (`{id, variables}`, whose variables are user input).
fn prompt(w: &mut Walker, v: &mut Value) -> Result<(), ExtractError> {
    match v {
        Value::Object(map) => {
            if let Some(vars) = map.get_mut("variables") {
                w.at(key("variables"), |w| w.all_strings(vars, Role::User))?;
            }
            Ok(())
        }
        _ => w.all_strings(v, Role::User),
    }
}

// === Gemini ===

fn gemini(w: &mut Walker, root: &mut Map<String, Value>) -> Result<(), ExtractError> {
    for k in ["systemInstruction", "system_instruction"] {
        if let Some(v) = root.get_mut(k) {
            w.at(key(k), |w| gemini_content(w, v, Some(Role::System)))?;
        }
    }
    if let Some(c) = root.get_mut("contents") {
        w.at(key("contents"), |w| match c {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    w.at(PathStep::Index(i), |w| gemini_content(w, item, None))?;
                }
                Ok(())
            }
            Value::Object(_) | Value::String(_) => gemini_content(w, c, None),
            _ => Err(w.wrong("contents is not an array")),
        })?;
    }
    Ok(())
}

/// A Gemini `Content`: `{role, parts: [...]}`. A missing role means user.
fn gemini_content(w: &mut Walker, v: &mut Value, forced: Option<Role>) -> Result<(), ExtractError> {
    let map = match v {
        Value::String(_) => {
            w.text(v, forced.unwrap_or(Role::User))?;
            return Ok(());
        }
        Value::Object(map) => map,
        _ => return Err(w.wrong("a content is not an object")),
    };
    let role = forced.unwrap_or_else(|| match map.get("role").and_then(Value::as_str) {
        None => Role::User,
        Some(r) => role_of(r),
    });
    let Some(parts) = map.get_mut("parts") else {
        return Ok(());
    };
    w.at(key("parts"), |w| match parts {
        Value::Array(items) => {
            for (i, p) in items.iter_mut().enumerate() {
                w.at(PathStep::Index(i), |w| gemini_part(w, p, role))?;
            }
            Ok(())
        }
        Value::Object(_) => gemini_part(w, parts, role),
        _ => Err(w.wrong("parts is not an array")),
    })
}

fn gemini_part(w: &mut Walker, p: &mut Value, role: Role) -> Result<(), ExtractError> {
    let map = match p {
        Value::String(_) => {
            w.text(p, role)?;
            return Ok(());
        }
        Value::Object(map) => map,
        _ => return Ok(()),
    };
    w.field_text(map, "text", role)?;
    let nested: [(&'static str, &'static str, Role); 8] = [
        ("functionCall", "args", Role::Tool),
        ("function_call", "args", Role::Tool),
        ("functionResponse", "response", Role::Tool),
        ("function_response", "response", Role::Tool),
        ("executableCode", "code", role),
        ("executable_code", "code", role),
        ("codeExecutionResult", "output", Role::Tool),
        ("code_execution_result", "output", Role::Tool),
    ];
    for (outer, inner, inner_role) in nested {
        if let Some(Value::Object(obj)) = map.get_mut(outer) {
            if let Some(v) = obj.get_mut(inner) {
                w.at(key(outer), |w| {
                    w.at(key(inner), |w| w.all_strings(v, inner_role))
                })?;
            }
        }
    }
    Ok(())
}
