//! Turns a request body into the [`Segment`]s a model will read.
//!
//! Takes the raw (already decompressed) body bytes from the server; hands the
//! pipeline a list of segments, each with the role of its message and its JSON
//! location so redaction can write back. JSON escapes are decoded before
//! scanning. Never panics or recurses without bound on hostile input.

/// Who wrote a piece of text, as the model will see it.
///
/// Exists because the policy scans roles differently: system and developer
/// messages belong to the operator, user and tool text to the outside world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Operator instructions (`system`, Anthropic `system`, Gemini `systemInstruction`).
    System,
    /// OpenAI `developer` messages.
    Developer,
    /// End-user input.
    User,
    /// Model output replayed in the conversation.
    Assistant,
    /// Tool results and tool-call arguments.
    Tool,
    /// Text whose role the format does not say (plain text, unknown JSON).
    Unknown,
}

/// One piece of text the model will read, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The role of the message this text belongs to.
    pub role: Role,
    /// The text, with JSON escapes decoded.
    pub text: String,
}
