//! Where OpenAI (chat, responses, completions, embeddings) and Anthropic
//! request bodies keep model input. The two APIs share one reader: every field
//! either defines for model input is read when present, so a body mixing them
//! (or a proxy that accepts both) is still read in full.

use super::file_data::{FileText, is_text_media, openai_file_text};
use super::walker::{Walker, key, owned_key, role_of};
use crate::extract::node::{Members, Node, get, get_str};
use crate::extract::{ExtractError, PathStep, Role};

/// Reads an OpenAI or Anthropic request body's model input.
pub(super) fn openai_or_anthropic(w: &mut Walker, root: &Members<'_>) -> Result<(), ExtractError> {
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
    w.field_text(root, "suffix", Role::User)?;
    // Tool definitions (chat `tools[].function`, responses and Anthropic
    // `tools[]`): the model reads their descriptions, which often come from
    // third-party tool servers (MCP); a role of their own so a policy can
    // scope them apart from tool results.
    // Chat's deprecated `functions` are definitions too, and so are
    // structured-output schemas (chat `response_format.json_schema`, responses
    // `text.format`): the model reads their descriptions like a tool's, and the
    // client writes them. (A string under one of these keys gives nothing:
    // only a member named like a description is read.)
    for k in ["tools", "functions", "response_format", "text"] {
        if let Some(v) = get(root, k) {
            w.at(key(k), |w| w.descriptions(v, Role::ToolDefinition))?;
        }
    }
    Ok(())
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
    // The participant's name is shown to the model beside the message (that
    // is what it is for): up to 64 characters of the sender's choosing.
    w.field_text(map, "name", role)?;
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
        // Client tools' calls, and Anthropic's server and MCP tools'
        // (`server_tool_use`, `mcp_tool_use`).
        Some(t) if t == "tool_use" || t.ends_with("_tool_use") => {
            if let Some(input) = get(map, "input") {
                w.at(key("input"), |w| w.all_strings(input, Role::Tool))?;
            }
        }
        Some("tool_result") => {
            if let Some(c) = get(map, "content") {
                w.at(key("content"), |w| content(w, c, Role::Tool))?;
            }
        }
        // What Anthropic's server and MCP tools returned (`mcp_tool_result`,
        // `web_search_tool_result`, `web_fetch_tool_result`,
        // `code_execution_tool_result`, ...): tool output the model reads.
        Some(t) if t.ends_with("_tool_result") => {
            if let Some(c) = get(map, "content") {
                w.at(key("content"), |w| tool_output(w, c))?;
            }
        }
        // Anthropic search results (RAG): a title, a source and text blocks.
        Some("search_result") => {
            w.field_text(map, "title", role)?;
            w.field_text(map, "source", role)?;
            if let Some(c) = get(map, "content") {
                w.at(key("content"), |w| content(w, c, role))?;
            }
        }
        // An earlier turn's visible reasoning (Anthropic `thinking` blocks).
        Some("thinking") => w.field_text(map, "thinking", role)?,
        Some("document") => {
            // The model reads a document's title and context with it.
            w.field_text(map, "title", role)?;
            w.field_text(map, "context", role)?;
            // Anthropic documents: `source: {type: text, data}`, `{type:
            // base64, media_type: text/..., data}` or `{type: content,
            // content: [blocks]}`.
            if let Some(Node::Obj(src)) = get(map, "source") {
                w.at(key("source"), |w| {
                    // A plain-text document may come base64-encoded: the model
                    // reads its decoding.
                    let text_base64 = get_str(src, "type") == Some("base64")
                        && get_str(src, "media_type").is_some_and(is_text_media);
                    match get(src, "data") {
                        Some(data) if text_base64 => {
                            w.at(key("data"), |w| w.base64_text(data, role))?;
                        }
                        // A PDF or another binary stays the base64 string it
                        // is: L1's decoded view still reads an uncompressed
                        // PDF's text.
                        _ => w.field_text(src, "data", role)?,
                    }
                    if let Some(c) = get(src, "content") {
                        w.at(key("content"), |w| content(w, c, role))?;
                    }
                    Ok(())
                })?;
            }
        }
        Some("file") => {
            // Chat Completions files: `file: {filename, file_data}`.
            if let Some(Node::Obj(file)) = get(map, "file") {
                w.at(key("file"), |w| inline_file(w, file, role))?;
            }
        }
        // Responses files: `{type: input_file, filename, file_data}`.
        Some("input_file") => inline_file(w, map, role)?,
        _ => {
            w.field_text(map, "text", role)?;
            w.field_text(map, "refusal", role)?;
        }
    }
    Ok(())
}

/// Keys of a server tool's output that hold no text the model reads as such:
/// block types, ids, encrypted search content, base64 data outside a
/// document.
const OPAQUE_OUTPUT_KEYS: &[&str] = &[
    "type",
    "tool_use_id",
    "file_id",
    "encrypted_content",
    "encrypted_index",
    "data",
    "media_type",
];

/// A server or MCP tool's output, read as tool text: documents as in any
/// content ([`part`]), every other string value except [`OPAQUE_OUTPUT_KEYS`]'
/// (search results' titles and URLs, fetched pages, stdout and stderr, text
/// blocks).
fn tool_output(w: &mut Walker, v: &Node<'_>) -> Result<(), ExtractError> {
    match v {
        Node::Str(_) => {
            w.text(v, Role::Tool)?;
        }
        Node::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                w.at(PathStep::Index(i), |w| tool_output(w, item))?;
            }
        }
        Node::Obj(map) if get_str(map, "type") == Some("document") => part(w, v, Role::Tool)?,
        Node::Obj(map) => {
            for (k, item) in map {
                if OPAQUE_OUTPUT_KEYS.contains(&k.as_ref()) {
                    continue;
                }
                w.at(owned_key(k), |w| tool_output(w, item))?;
            }
        }
        Node::Null | Node::Scalar => {}
    }
    Ok(())
}

/// An OpenAI inline file (`filename`, `file_data`): a text file is read as
/// the model reads it, its base64 decoded (redaction encodes again, keeping
/// a data URL's `data:<type>;base64,`); PDFs and other binaries are left as
/// they are, and so is a file given by `file_id` or `file_url`.
fn inline_file(w: &mut Walker, file: &Members<'_>, role: Role) -> Result<(), ExtractError> {
    let Some(data @ Node::Str(s)) = get(file, "file_data") else {
        return Ok(());
    };
    match openai_file_text(s, get_str(file, "filename")) {
        Some(FileText::Base64 { prefix }) => {
            w.at(key("file_data"), |w| {
                w.base64_text_after(data, prefix, role)
            })?;
        }
        Some(FileText::Plain) => w.field_text(file, "file_data", role)?,
        None => {}
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
        Some("input_file") => inline_file(w, map, Role::User),
        // Images (a computer-use step's screenshot, as a data URL) and
        // references: no text the model reads.
        Some(
            "item_reference" | "image_generation_call" | "input_image" | "computer_call_output",
        ) => Ok(()),
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
