//! How a cut stream ends: the API's own error event, so client libraries
//! report an error instead of an answer that merely stops.
//!
//! * OpenAI: `data: {"error":{...}}`, then `data: [DONE]`.
//! * Anthropic: `event: error` with `{"type":"error","error":{...}}`.
//! * Gemini: a `data:` event holding `{"error":{"code","message","status"}}`.
//!
//! The message says what kind of thing was found, never the text.

use serde_json::json;

use crate::extract::ResponseShape;
use crate::types::{ApiFormat, Block};

/// The stream format a cut stream is closed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// OpenAI chat completions (and what has no format of its own).
    OpenAi,
    /// Anthropic messages.
    Anthropic,
    /// Gemini `streamGenerateContent?alt=sse`.
    Gemini,
}

impl StreamFormat {
    /// The format an API names; `None` for `auto`.
    pub fn of_api(api: ApiFormat) -> Option<Self> {
        match api {
            ApiFormat::Auto => None,
            ApiFormat::OpenAi => Some(StreamFormat::OpenAi),
            ApiFormat::Anthropic => Some(StreamFormat::Anthropic),
            ApiFormat::Gemini => Some(StreamFormat::Gemini),
        }
    }

    /// The format of a stream read as `shape` (OpenAI when unknown).
    pub fn of_shape(shape: Option<ResponseShape>) -> Self {
        match shape {
            Some(ResponseShape::AnthropicMessages) => StreamFormat::Anthropic,
            Some(ResponseShape::Gemini) => StreamFormat::Gemini,
            _ => StreamFormat::OpenAi,
        }
    }
}

/// The error event that ends a stream cut by `block`. Starts with a blank
/// line's worth of nothing: callers release whole events only, so it
/// always begins a new event.
pub fn error_event(format: StreamFormat, block: &Block) -> Vec<u8> {
    let kind = if block.status >= 500 && block.code == super::super::RESPONSE_UNREADABLE {
        "output_unreadable"
    } else {
        "output_blocked"
    };
    let mut out = Vec::with_capacity(256);
    match format {
        StreamFormat::OpenAi => {
            let body = json!({"error": {
                "type": kind,
                "code": block.code,
                "message": block.message,
                "layer": block.layer.as_str(),
            }});
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(body.to_string().as_bytes());
            out.extend_from_slice(b"\n\ndata: [DONE]\n\n");
        }
        StreamFormat::Anthropic => {
            let body = json!({"type": "error", "error": {
                "type": kind,
                "message": block.message,
            }});
            out.extend_from_slice(b"event: error\ndata: ");
            out.extend_from_slice(body.to_string().as_bytes());
            out.extend_from_slice(b"\n\n");
        }
        StreamFormat::Gemini => {
            let body = json!({"error": {
                "code": block.status,
                "message": block.message,
                "status": if kind == "output_blocked" { "PERMISSION_DENIED" } else { "UNAVAILABLE" },
            }});
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(body.to_string().as_bytes());
            out.extend_from_slice(b"\n\n");
        }
    }
    out
}
