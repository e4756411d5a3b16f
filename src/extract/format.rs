//! Which request shape a body turned out to be.

use std::fmt;

/// The request shape a body was read as.
///
/// Exists for audit events and the `scan` CLI: it says how the text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// OpenAI chat completions, or any body with a `messages` array (Anthropic
    /// messages too when the API was not named; both are read the same way).
    OpenAiChat,
    /// OpenAI responses (`input` items, `instructions`).
    OpenAiResponses,
    /// OpenAI legacy completions (`prompt`).
    OpenAiCompletions,
    /// OpenAI embeddings (`input` string or array of strings).
    OpenAiEmbeddings,
    /// Anthropic messages (named API, or a top-level `system` beside `messages`).
    AnthropicMessages,
    /// Gemini `contents` / `systemInstruction`.
    Gemini,
    /// JSON of no known shape: every string value.
    GenericJson,
    /// Not JSON: the body as text.
    PlainText,
}

impl Shape {
    /// A fixed label for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::OpenAiChat => "openai_chat",
            Shape::OpenAiResponses => "openai_responses",
            Shape::OpenAiCompletions => "openai_completions",
            Shape::OpenAiEmbeddings => "openai_embeddings",
            Shape::AnthropicMessages => "anthropic_messages",
            Shape::Gemini => "gemini",
            Shape::GenericJson => "generic_json",
            Shape::PlainText => "plain_text",
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
