//! [`extract`]: parse once, detect or check the shape, walk it into segments.
//!
//! The body is parsed into a borrowed [`Node`] tree (no per-key or per-string
//! allocation, see `node.rs`); only segment texts are copied out. Redaction,
//! the rare path, parses the kept body again into a `serde_json::Value`.

use std::borrow::Cow;

use super::limits::{decode_text, prescan};
use super::node::{Members, Node, get, get_str};
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
    match serde_json::from_slice::<Node<'_>>(body) {
        Ok(doc) => from_json(body, &doc, api, limits),
        Err(_) if api == ApiFormat::Auto => plain_text(body, limits),
        Err(e) => Err(ExtractError::NotJson {
            line: e.line(),
            column: e.column(),
        }),
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

fn detect(doc: &Node<'_>) -> Option<Shape> {
    let Node::Obj(root) = doc else {
        return None;
    };
    if get(root, "contents").is_some()
        || get(root, "systemInstruction").is_some()
        || get(root, "system_instruction").is_some()
    {
        Some(Shape::Gemini)
    } else if get(root, "messages").is_some() {
        if get(root, "system").is_some() || get(root, "anthropic_version").is_some() {
            Some(Shape::AnthropicMessages)
        } else {
            Some(Shape::OpenAiChat)
        }
    } else {
        openai_other(root)
    }
}

/// The OpenAI shapes without `messages`.
fn openai_other(root: &Members<'_>) -> Option<Shape> {
    if get(root, "instructions").is_some() {
        return Some(Shape::OpenAiResponses);
    }
    if let Some(input) = get(root, "input") {
        let items_are_objects =
            matches!(input, Node::Arr(items) if items.iter().any(|i| matches!(i, Node::Obj(_))));
        let embedding_model = get_str(root, "model").is_some_and(|m| m.contains("embed"));
        let embedding_keys =
            get(root, "encoding_format").is_some() || get(root, "dimensions").is_some();
        return Some(
            if !items_are_objects && (embedding_model || embedding_keys) {
                Shape::OpenAiEmbeddings
            } else {
                Shape::OpenAiResponses
            },
        );
    }
    match get(root, "prompt") {
        Some(Node::Obj(_)) => Some(Shape::OpenAiResponses),
        Some(_) => Some(Shape::OpenAiCompletions),
        None => None,
    }
}

fn detect_named(doc: &Node<'_>, api: ApiFormat) -> Result<Shape, ExtractError> {
    let wrong = |reason| ExtractError::WrongShape { api, reason };
    let Node::Obj(root) = doc else {
        return Err(wrong("body is not a JSON object"));
    };
    match api {
        ApiFormat::OpenAi if get(root, "messages").is_some() => Ok(Shape::OpenAiChat),
        ApiFormat::OpenAi => {
            openai_other(root).ok_or(wrong("no messages, input, instructions or prompt field"))
        }
        ApiFormat::Anthropic if get(root, "messages").is_some() => Ok(Shape::AnthropicMessages),
        ApiFormat::Anthropic => Err(wrong("no messages field")),
        ApiFormat::Gemini if get(root, "contents").is_some() => Ok(Shape::Gemini),
        ApiFormat::Gemini => Err(wrong("no contents field")),
        ApiFormat::Auto => detect(doc).ok_or(wrong("no known request shape")),
    }
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

/// Objects up to this many members look for repeated keys by a linear scan;
/// larger ones build a map so a hostile object cannot make the walk quadratic.
const SMALL_OBJECT: usize = 16;

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
    fn text(&mut self, v: &Node<'_>, role: Role) -> Result<bool, ExtractError> {
        let Node::Str(s) = v else {
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
            text: s.as_ref().to_owned(),
            location: Location::from_steps(self.path.clone()),
        });
        Ok(true)
    }

    /// Takes `map[k]` as a segment if it is a string.
    fn field_text(
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
    fn all_strings(&mut self, v: &Node<'_>, role: Role) -> Result<(), ExtractError> {
        match v {
            Node::Str(_) => {
                self.text(v, role)?;
            }
            Node::Arr(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.at(PathStep::Index(i), |w| w.all_strings(item, role))?;
                }
            }
            Node::Obj(members) => {
                // A repeated key is read (and written back) as its last value,
                // like serde_json and the upstream APIs' JSON readers do.
                let last = (members.len() > SMALL_OBJECT).then(|| {
                    members
                        .iter()
                        .enumerate()
                        .map(|(i, (k, _))| (k.as_ref(), i))
                        .collect::<std::collections::HashMap<&str, usize>>()
                });
                for (i, (k, item)) in members.iter().enumerate() {
                    if matches!(item, Node::Null | Node::Scalar) {
                        continue;
                    }
                    let shadowed = match &last {
                        Some(last) => last.get(k.as_ref()) != Some(&i),
                        None => members[i + 1..].iter().any(|(later, _)| later == k),
                    };
                    if shadowed {
                        continue;
                    }
                    let step = PathStep::Key(Cow::Owned(k.as_ref().to_owned()));
                    self.at(step, |w| w.all_strings(item, role))?;
                }
            }
            Node::Null | Node::Scalar => {}
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

fn openai_or_anthropic(w: &mut Walker, root: &Members<'_>) -> Result<(), ExtractError> {
    if let Some(v) = get(root, "system") {
        w.at(key("system"), |w| content(w, v, Role::System))?;
    }
    if let Some(v) = get(root, "instructions") {
        w.at(key("instructions"), |w| content(w, v, Role::System))?;
    }
    if let Some(v) = get(root, "messages") {
        w.at(key("messages"), |w| messages(w, v))?;
    }
    if let Some(v) = get(root, "input") {
        w.at(key("input"), |w| input(w, v))?;
    }
    if let Some(v) = get(root, "prompt") {
        w.at(key("prompt"), |w| prompt(w, v))?;
    }
    w.field_text(root, "suffix", Role::User)
}

fn messages(w: &mut Walker, v: &Node<'_>) -> Result<(), ExtractError> {
    let Node::Arr(msgs) = v else {
        return Err(w.wrong("messages is not an array"));
    };
    for (i, m) in msgs.iter().enumerate() {
        w.at(PathStep::Index(i), |w| message(w, m))?;
    }
    Ok(())
}

/// A chat message or a responses `message` item.
fn message(w: &mut Walker, m: &Node<'_>) -> Result<(), ExtractError> {
    let Node::Obj(map) = m else {
        return Err(w.wrong("a message is not an object"));
    };
    let role = get_str(map, "role").map_or(Role::Unknown, role_of);
    if let Some(c) = get(map, "content") {
        w.at(key("content"), |w| content(w, c, role))?;
    }
    w.field_text(map, "refusal", role)?;
    if let Some(calls) = get(map, "tool_calls") {
        let Node::Arr(calls) = calls else {
            return Err(w.wrong("tool_calls is not an array"));
        };
        w.at(key("tool_calls"), |w| {
            for (i, call) in calls.iter().enumerate() {
                let function = match call {
                    Node::Obj(call) => get(call, "function"),
                    _ => None,
                };
                if let Some(Node::Obj(f)) = function {
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
    if let Some(Node::Obj(f)) = get(map, "function_call") {
        w.at(key("function_call"), |w| {
            w.field_text(f, "arguments", Role::Tool)
        })?;
    }
    Ok(())
}

/// Message content: a string, an array of parts or blocks, or a single part.
fn content(w: &mut Walker, c: &Node<'_>, role: Role) -> Result<(), ExtractError> {
    match c {
        Node::Str(_) => {
            w.text(c, role)?;
        }
        Node::Arr(parts) => {
            for (i, p) in parts.iter().enumerate() {
                w.at(PathStep::Index(i), |w| part(w, p, role))?;
            }
        }
        Node::Obj(_) => part(w, c, role)?,
        Node::Null => {}
        Node::Scalar => {
            return Err(w.wrong("message content is neither a string nor an array"));
        }
    }
    Ok(())
}

/// One content part (OpenAI) or block (Anthropic).
fn part(w: &mut Walker, p: &Node<'_>, role: Role) -> Result<(), ExtractError> {
    let map = match p {
        Node::Str(_) => {
            w.text(p, role)?;
            return Ok(());
        }
        Node::Obj(map) => map,
        _ => return Ok(()),
    };
    match get_str(map, "type") {
        Some("tool_use" | "server_tool_use") => {
            if let Some(input) = get(map, "input") {
                w.at(key("input"), |w| w.all_strings(input, Role::Tool))?;
            }
        }
        Some("tool_result") => {
            if let Some(c) = get(map, "content") {
                w.at(key("content"), |w| content(w, c, Role::Tool))?;
            }
        }
        Some("document") => {
            // Anthropic plain-text documents: `source: {type: text, data}` or
            // `source: {type: content, content: [blocks]}`.
            if let Some(Node::Obj(src)) = get(map, "source") {
                w.at(key("source"), |w| {
                    w.field_text(src, "data", role)?;
                    if let Some(c) = get(src, "content") {
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
fn input(w: &mut Walker, v: &Node<'_>) -> Result<(), ExtractError> {
    match v {
        Node::Str(_) => {
            w.text(v, Role::User)?;
        }
        Node::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                w.at(PathStep::Index(i), |w| match item {
                    Node::Obj(_) => response_item(w, item),
                    // Strings (embeddings) or token arrays (numbers, nothing to read).
                    _ => w.all_strings(item, Role::User),
                })?;
            }
        }
        Node::Obj(_) => response_item(w, v)?,
        Node::Null => {}
        Node::Scalar => {
            return Err(w.wrong("input is neither a string nor an array"));
        }
    }
    Ok(())
}

fn response_item(w: &mut Walker, item: &Node<'_>) -> Result<(), ExtractError> {
    let Node::Obj(map) = item else {
        return Ok(());
    };
    let ty = get_str(map, "type");
    match ty {
        Some("message") => message(w, item),
        None if get(map, "role").is_some() => message(w, item),
        Some("function_call" | "custom_tool_call") => {
            w.field_text(map, "arguments", Role::Tool)?;
            w.field_text(map, "input", Role::Tool)
        }
        Some("function_call_output" | "custom_tool_call_output") => {
            if let Some(out) = get(map, "output") {
                w.at(key("output"), |w| content(w, out, Role::Tool))?;
            }
            Ok(())
        }
        Some("input_text" | "output_text" | "text") => w.field_text(map, "text", Role::User),
        Some("reasoning") => {
            if let Some(Node::Arr(summary)) = get(map, "summary") {
                w.at(key("summary"), |w| {
                    for (i, s) in summary.iter().enumerate() {
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
fn prompt(w: &mut Walker, v: &Node<'_>) -> Result<(), ExtractError> {
    match v {
        Node::Obj(map) => {
            if let Some(vars) = get(map, "variables") {
                w.at(key("variables"), |w| w.all_strings(vars, Role::User))?;
            }
            Ok(())
        }
        _ => w.all_strings(v, Role::User),
    }
}

// === Gemini ===

fn gemini(w: &mut Walker, root: &Members<'_>) -> Result<(), ExtractError> {
    for k in ["systemInstruction", "system_instruction"] {
        if let Some(v) = get(root, k) {
            w.at(key(k), |w| gemini_content(w, v, Some(Role::System)))?;
        }
    }
    if let Some(c) = get(root, "contents") {
        w.at(key("contents"), |w| match c {
            Node::Arr(items) => {
                for (i, item) in items.iter().enumerate() {
                    w.at(PathStep::Index(i), |w| gemini_content(w, item, None))?;
                }
                Ok(())
            }
            Node::Obj(_) | Node::Str(_) => gemini_content(w, c, None),
            _ => Err(w.wrong("contents is not an array")),
        })?;
    }
    Ok(())
}

/// A Gemini `Content`: `{role, parts: [...]}`. A missing role means user.
fn gemini_content(w: &mut Walker, v: &Node<'_>, forced: Option<Role>) -> Result<(), ExtractError> {
    let map = match v {
        Node::Str(_) => {
            w.text(v, forced.unwrap_or(Role::User))?;
            return Ok(());
        }
        Node::Obj(map) => map,
        _ => return Err(w.wrong("a content is not an object")),
    };
    let role = forced.unwrap_or_else(|| match get_str(map, "role") {
        None => Role::User,
        Some(r) => role_of(r),
    });
    let Some(parts) = get(map, "parts") else {
        return Ok(());
    };
    w.at(key("parts"), |w| match parts {
        Node::Arr(items) => {
            for (i, p) in items.iter().enumerate() {
                w.at(PathStep::Index(i), |w| gemini_part(w, p, role))?;
            }
            Ok(())
        }
        Node::Obj(_) => gemini_part(w, parts, role),
        _ => Err(w.wrong("parts is not an array")),
    })
}

fn gemini_part(w: &mut Walker, p: &Node<'_>, role: Role) -> Result<(), ExtractError> {
    let map = match p {
        Node::Str(_) => {
            w.text(p, role)?;
            return Ok(());
        }
        Node::Obj(map) => map,
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
        if let Some(Node::Obj(obj)) = get(map, outer) {
            if let Some(v) = get(obj, inner) {
                w.at(key(outer), |w| {
                    w.at(key(inner), |w| w.all_strings(v, inner_role))
                })?;
            }
        }
    }
    Ok(())
}
