//! Which API a route fronts: named in the configuration and in a route's conf,
//! read by extraction.

use std::fmt;
use std::str::FromStr;

/// The API a route's policy says it fronts.
///
/// Exists because a named API turns a malformed body into a 400 instead of a
/// plain-text scan: a body the upstream will read as JSON must be scanned as JSON.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ApiFormat {
    /// Detect the shape from the body's keys; fall back to every JSON string,
    /// then to plain text.
    #[default]
    Auto,
    /// OpenAI: chat completions, responses, legacy completions, embeddings.
    OpenAi,
    /// Anthropic messages.
    Anthropic,
    /// Google Gemini `generateContent`.
    Gemini,
}

impl ApiFormat {
    /// The lowercase name used in configuration (`auto`, `openai`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ApiFormat::Auto => "auto",
            ApiFormat::OpenAi => "openai",
            ApiFormat::Anthropic => "anthropic",
            ApiFormat::Gemini => "gemini",
        }
    }
}

impl fmt::Display for ApiFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of `auto`, `openai`, `anthropic`, `gemini`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown API format {name:?} (expected auto, openai, anthropic or gemini)")]
pub struct UnknownApiFormat {
    /// The name given (from configuration, never from a body).
    pub name: String,
}

impl FromStr for ApiFormat {
    type Err = UnknownApiFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(ApiFormat::Auto),
            "openai" => Ok(ApiFormat::OpenAi),
            "anthropic" => Ok(ApiFormat::Anthropic),
            "gemini" => Ok(ApiFormat::Gemini),
            _ => Err(UnknownApiFormat { name: s.to_owned() }),
        }
    }
}
