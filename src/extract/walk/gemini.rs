//! Where Gemini request bodies (`contents`, `systemInstruction`, parts with
//! text, function calls and code) keep model input.

use super::file_data::is_text_media;
use super::walker::{Walker, key, role_of};
use crate::extract::node::{Members, Node, get, get_str};
use crate::extract::{ExtractError, PathStep, Role};

/// Reads a Gemini request body's model input.
pub(super) fn gemini(w: &mut Walker, root: &Members<'_>) -> Result<(), ExtractError> {
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
    // Function declarations' descriptions, as for OpenAI and Anthropic tools.
    if let Some(v) = get(root, "tools") {
        w.at(key("tools"), |w| w.descriptions(v, Role::ToolDefinition))?;
    }
    // Structured-output schemas: their descriptions, as for tools.
    for outer in ["generationConfig", "generation_config"] {
        let Some(Node::Obj(config)) = get(root, outer) else {
            continue;
        };
        for inner in [
            "responseSchema",
            "response_schema",
            "responseJsonSchema",
            "response_json_schema",
        ] {
            if let Some(v) = get(config, inner) {
                w.at(key(outer), |w| {
                    w.at(key(inner), |w| w.descriptions(v, Role::ToolDefinition))
                })?;
            }
        }
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
    // Inline plain-text files (`inlineData: {mimeType: text/..., data}`, base64):
    // the model reads their decoding.
    for (outer, mime) in [("inlineData", "mimeType"), ("inline_data", "mime_type")] {
        if let Some(Node::Obj(blob)) = get(map, outer)
            && get_str(blob, mime).is_some_and(is_text_media)
            && let Some(data) = get(blob, "data")
        {
            w.at(key(outer), |w| {
                w.at(key("data"), |w| w.base64_text(data, role))
            })?;
        }
    }
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
        if let Some(Node::Obj(obj)) = get(map, outer)
            && let Some(v) = get(obj, inner)
        {
            w.at(key(outer), |w| {
                w.at(key(inner), |w| w.all_strings(v, inner_role))
            })?;
        }
    }
    Ok(())
}
