//! Which request shape a JSON body is: guessed from its keys for `auto`,
//! checked against the named API otherwise. Kept apart from the walk so the
//! guessing rules (which keys mean which API) read as one table.

use crate::extract::node::{Members, Node, get, get_str};
use crate::extract::{ApiFormat, ExtractError, Shape};

/// The shape a body's keys suggest, `None` when they suggest none.
pub(super) fn detect(doc: &Node<'_>) -> Option<Shape> {
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

/// The shape of a body sent to the named API, or why it is not one.
pub(super) fn detect_named(doc: &Node<'_>, api: ApiFormat) -> Result<Shape, ExtractError> {
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
