//! Where the text a user reads sits in each API's answer: whole answers
//! (non-streamed bodies) and the events of streamed ones.
//!
//! Walks a parsed `serde_json::Value` and reports every string of model output
//! with its [`Location`] and [`Role`]. Streamed events report a [`StreamKey`]
//! too: strings with the same key are consecutive deltas of one text (a choice's
//! content, a content block) and are joined before scanning.

use std::borrow::Cow;

use serde_json::Value;

use super::ResponseShape;
use crate::extract::{Location, PathStep, Role};

/// Which joined text a streamed delta belongs to. `Own` texts are not joined
/// with any other (the `n`-th string of event `event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum StreamKey {
    /// An OpenAI chat choice's content (`1`: its refusal), by choice index.
    Choice(u64, u8),
    /// An OpenAI chat choice's tool call arguments: (choice, tool call).
    ToolCall(u64, u64),
    /// A Responses API output text: (output index, content index, kind).
    Output(u64, u64, u8),
    /// An Anthropic content block: (index, kind: text, tool input, thinking).
    Block(u64, u8),
    /// A Gemini candidate's text parts, by candidate index.
    Candidate(u64),
    /// Data of events that are not JSON, joined in order.
    Raw,
    /// A string that stands alone: (event, n).
    Own(usize, usize),
}

/// One string of model output found in a document.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) location: Location,
    pub(super) role: Role,
    pub(super) text: String,
    /// For streamed events: which text it continues (`None` in whole answers).
    pub(super) key: Option<StreamKey>,
}

/// Steps from the root, with helpers to report strings under them.
struct Walker {
    steps: Vec<PathStep>,
    found: Vec<Found>,
}

fn step(k: &'static str) -> PathStep {
    PathStep::Key(Cow::Borrowed(k))
}

impl Walker {
    fn new() -> Self {
        Walker {
            steps: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Runs `f` with `step` pushed.
    fn at<R>(&mut self, step: PathStep, f: impl FnOnce(&mut Self) -> R) -> R {
        self.steps.push(step);
        let r = f(self);
        self.steps.pop();
        r
    }

    /// Reports `value` under `name` when it is a string.
    fn string(&mut self, value: &Value, name: &'static str, role: Role, key: Option<StreamKey>) {
        if let Some(Value::String(s)) = value.get(name) {
            self.steps.push(step(name));
            self.found.push(Found {
                location: Location::from_steps(self.steps.clone()),
                role,
                text: s.clone(),
                key,
            });
            self.steps.pop();
        }
    }

    /// Reports every string value under `value` (never keys).
    fn all_strings(&mut self, value: &Value, role: Role) {
        match value {
            Value::String(s) => self.found.push(Found {
                location: Location::from_steps(self.steps.clone()),
                role,
                text: s.clone(),
                key: None,
            }),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.at(PathStep::Index(i), |w| w.all_strings(v, role));
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.at(PathStep::Key(Cow::Owned(k.clone())), |w| {
                        w.all_strings(v, role)
                    });
                }
            }
            _ => {}
        }
    }

    /// Calls `f(walker, index, item)` for each item of the array under `name`.
    fn each(
        &mut self,
        value: &Value,
        name: &'static str,
        mut f: impl FnMut(&mut Self, usize, &Value),
    ) {
        if let Some(Value::Array(items)) = value.get(name) {
            self.at(step(name), |w| {
                for (i, item) in items.iter().enumerate() {
                    w.at(PathStep::Index(i), |w| f(w, i, item));
                }
            });
        }
    }

    /// Runs `f` on the object under `name`, if there is one.
    fn child(&mut self, value: &Value, name: &'static str, f: impl FnOnce(&mut Self, &Value)) {
        if let Some(child @ Value::Object(_)) = value.get(name) {
            self.at(step(name), |w| f(w, child));
        }
    }
}

/// An index field (`index`, `output_index`), or `fallback`.
fn index_of(value: &Value, name: &str, fallback: usize) -> u64 {
    value
        .get(name)
        .and_then(Value::as_u64)
        .unwrap_or(fallback as u64)
}

/// The shape of a whole (non-streamed) answer, read from its keys.
pub(super) fn shape_of(doc: &Value) -> ResponseShape {
    let has_array = |k: &str| doc.get(k).is_some_and(Value::is_array);
    if has_array("choices") {
        ResponseShape::OpenAiChat
    } else if has_array("candidates") {
        ResponseShape::Gemini
    } else if has_array("output") || doc.get("object").and_then(Value::as_str) == Some("response") {
        ResponseShape::OpenAiResponses
    } else if doc.get("type").and_then(Value::as_str) == Some("message") && has_array("content") {
        ResponseShape::AnthropicMessages
    } else {
        ResponseShape::OtherJson
    }
}

/// Every string of model output in a whole answer of `shape`.
pub(super) fn whole_answer(doc: &Value, shape: ResponseShape) -> Vec<Found> {
    let mut w = Walker::new();
    match shape {
        ResponseShape::OpenAiChat => openai_choices(&mut w, doc),
        ResponseShape::OpenAiResponses => responses_object(&mut w, doc),
        ResponseShape::AnthropicMessages => anthropic_content(&mut w, doc),
        ResponseShape::Gemini => gemini_candidates(&mut w, doc, false),
        ResponseShape::OtherJson | ResponseShape::PlainText => w.all_strings(doc, Role::Unknown),
    }
    w.found
}

fn openai_choices(w: &mut Walker, doc: &Value) {
    w.each(doc, "choices", |w, _, choice| {
        w.child(choice, "message", |w, message| {
            openai_content(w, message, None);
            w.string(message, "refusal", Role::Assistant, None);
            w.each(message, "tool_calls", |w, _, call| {
                w.child(call, "function", |w, f| {
                    w.string(f, "arguments", Role::Tool, None)
                });
            });
            w.child(message, "function_call", |w, f| {
                w.string(f, "arguments", Role::Tool, None)
            });
        });
        // Legacy completions.
        w.string(choice, "text", Role::Assistant, None);
    });
}

/// `content` as a string or as an array of `{type: text, text}` parts.
fn openai_content(w: &mut Walker, message: &Value, key: Option<StreamKey>) {
    match message.get("content") {
        Some(Value::String(_)) => w.string(message, "content", Role::Assistant, key),
        Some(Value::Array(_)) => w.each(message, "content", |w, _, part| {
            w.string(part, "text", Role::Assistant, None);
            w.string(part, "refusal", Role::Assistant, None);
        }),
        _ => {}
    }
}

fn responses_object(w: &mut Walker, doc: &Value) {
    w.string(doc, "output_text", Role::Assistant, None);
    w.each(doc, "output", |w, _, item| responses_item(w, item));
}

/// One Responses API output item: a message, a function call or reasoning.
fn responses_item(w: &mut Walker, item: &Value) {
    match item.get("type").and_then(Value::as_str) {
        Some("function_call") | Some("custom_tool_call") => {
            w.string(item, "arguments", Role::Tool, None);
            w.string(item, "input", Role::Tool, None);
        }
        Some("reasoning") => w.each(item, "summary", |w, _, part| {
            w.string(part, "text", Role::Assistant, None)
        }),
        _ => w.each(item, "content", |w, _, part| responses_part(w, part)),
    }
}

fn responses_part(w: &mut Walker, part: &Value) {
    w.string(part, "text", Role::Assistant, None);
    w.string(part, "refusal", Role::Assistant, None);
}

fn anthropic_content(w: &mut Walker, doc: &Value) {
    w.each(doc, "content", |w, _, block| {
        anthropic_block(w, block, None)
    });
}

fn anthropic_block(w: &mut Walker, block: &Value, index: Option<u64>) {
    match block.get("type").and_then(Value::as_str) {
        Some("tool_use") | Some("server_tool_use") => {
            if let Some(input) = block.get("input") {
                w.at(step("input"), |w| w.all_strings(input, Role::Tool));
            }
        }
        Some("thinking") => w.string(
            block,
            "thinking",
            Role::Assistant,
            index.map(|i| StreamKey::Block(i, 2)),
        ),
        _ => w.string(
            block,
            "text",
            Role::Assistant,
            index.map(|i| StreamKey::Block(i, 0)),
        ),
    }
}

/// Gemini candidates; in a streamed chunk (`streamed`) text parts are keyed by
/// candidate so chunks join.
fn gemini_candidates(w: &mut Walker, doc: &Value, streamed: bool) {
    w.each(doc, "candidates", |w, i, cand| {
        let index = index_of(cand, "index", i);
        w.child(cand, "content", |w, content| {
            w.each(content, "parts", |w, _, part| {
                let key = streamed.then_some(StreamKey::Candidate(index));
                w.string(part, "text", Role::Assistant, key);
                if let Some(call) = part.get("functionCall") {
                    w.at(step("functionCall"), |w| {
                        if let Some(args) = call.get("args") {
                            w.at(step("args"), |w| w.all_strings(args, Role::Tool));
                        }
                    });
                }
            });
        });
    });
}

/// Every string of model output in one streamed event's JSON, keyed so deltas
/// of one text join. Strings that continue nothing get [`StreamKey::Own`]
/// (numbered from `own_from`).
pub(super) fn stream_event(doc: &Value, event: usize) -> Vec<Found> {
    let mut w = Walker::new();
    let kind = doc.get("type").and_then(Value::as_str).unwrap_or_default();
    if let Some(rest) = kind.strip_prefix("response.") {
        responses_event(&mut w, doc, rest);
    } else if is_anthropic_event(kind) {
        anthropic_event(&mut w, doc, kind);
    } else if doc.get("choices").is_some_and(Value::is_array) {
        openai_chunk(&mut w, doc);
    } else if doc.get("candidates").is_some_and(Value::is_array) {
        gemini_candidates(&mut w, doc, true);
    } else if kind == "error" || doc.get("error").is_some() {
        // An error event: its message is text the user may read.
        w.child(doc, "error", |w, e| {
            w.string(e, "message", Role::Unknown, None)
        });
    } else {
        w.all_strings(doc, Role::Unknown);
    }
    let mut own = 0;
    for f in &mut w.found {
        if f.key.is_none() {
            f.key = Some(StreamKey::Own(event, own));
            own += 1;
        }
    }
    w.found
}

fn is_anthropic_event(kind: &str) -> bool {
    matches!(
        kind,
        "message_start"
            | "message_delta"
            | "message_stop"
            | "content_block_start"
            | "content_block_delta"
            | "content_block_stop"
            | "ping"
    )
}

fn openai_chunk(w: &mut Walker, doc: &Value) {
    w.each(doc, "choices", |w, i, choice| {
        let index = index_of(choice, "index", i);
        match choice.get("delta") {
            Some(delta @ Value::Object(_)) => w.at(step("delta"), |w| {
                openai_content(w, delta, Some(StreamKey::Choice(index, 0)));
                w.string(
                    delta,
                    "refusal",
                    Role::Assistant,
                    Some(StreamKey::Choice(index, 1)),
                );
                w.each(delta, "tool_calls", |w, j, call| {
                    let call_index = index_of(call, "index", j);
                    w.child(call, "function", |w, f| {
                        let key = StreamKey::ToolCall(index, call_index);
                        w.string(f, "arguments", Role::Tool, Some(key))
                    });
                });
            }),
            _ => {
                // A whole message inside a chunk, or streamed legacy completions.
                w.child(choice, "message", |w, message| {
                    openai_content(w, message, None)
                });
                w.string(
                    choice,
                    "text",
                    Role::Assistant,
                    Some(StreamKey::Choice(index, 0)),
                );
            }
        }
    });
}

fn responses_event(w: &mut Walker, doc: &Value, kind: &str) {
    let output = index_of(doc, "output_index", 0);
    let content = index_of(doc, "content_index", 0);
    match kind {
        "output_text.delta" => w.string(
            doc,
            "delta",
            Role::Assistant,
            Some(StreamKey::Output(output, content, 0)),
        ),
        "refusal.delta" => w.string(
            doc,
            "delta",
            Role::Assistant,
            Some(StreamKey::Output(output, content, 1)),
        ),
        "function_call_arguments.delta" | "custom_tool_call_input.delta" => w.string(
            doc,
            "delta",
            Role::Tool,
            Some(StreamKey::Output(output, 0, 2)),
        ),
        "reasoning_summary_text.delta" => {
            let summary = index_of(doc, "summary_index", 0);
            w.string(
                doc,
                "delta",
                Role::Assistant,
                Some(StreamKey::Output(output, summary, 3)),
            )
        }
        "output_text.done" | "reasoning_summary_text.done" => {
            w.string(doc, "text", Role::Assistant, None)
        }
        "refusal.done" => w.string(doc, "refusal", Role::Assistant, None),
        "function_call_arguments.done" => w.string(doc, "arguments", Role::Tool, None),
        "content_part.added" | "content_part.done" => w.child(doc, "part", responses_part),
        "output_item.added" | "output_item.done" => w.child(doc, "item", responses_item),
        _ => w.child(doc, "response", responses_object),
    }
}

fn anthropic_event(w: &mut Walker, doc: &Value, kind: &str) {
    let index = doc.get("index").and_then(Value::as_u64).unwrap_or(0);
    match kind {
        "message_start" => w.child(doc, "message", anthropic_content),
        "content_block_start" => w.child(doc, "content_block", |w, block| {
            anthropic_block(w, block, Some(index))
        }),
        "content_block_delta" => w.child(doc, "delta", |w, delta| {
            match delta.get("type").and_then(Value::as_str) {
                Some("input_json_delta") => w.string(
                    delta,
                    "partial_json",
                    Role::Tool,
                    Some(StreamKey::Block(index, 1)),
                ),
                Some("thinking_delta") => w.string(
                    delta,
                    "thinking",
                    Role::Assistant,
                    Some(StreamKey::Block(index, 2)),
                ),
                _ => w.string(
                    delta,
                    "text",
                    Role::Assistant,
                    Some(StreamKey::Block(index, 0)),
                ),
            }
        }),
        _ => {}
    }
}
