//! The object keys the shape readers look up, and every spelling an upstream
//! JSON reader takes for one of them.
//!
//! Go's `encoding/json` (Ollama, LocalAI and most Go gateways) and ASP.NET
//! Core's web defaults match a member name to a field whatever its case (Go
//! also folds `ſ` to `s` and the Kelvin sign to `k`, .NET `ı` to `i`): there `"CONTENT"` is a
//! message's content, while Python and Node readers ignore it. Looking up only
//! `"content"` would let such a body carry text past every layer, so a key that
//! folds to a read key is read as that key ([`canonical`], applied when the
//! body is parsed). Two members that then share a name are refused: readers
//! disagree on which one counts (the last in Go, Python and serde_json, the
//! first in simdjson's lookups), so no one reading of them is safe.

use std::borrow::Cow;

/// Every key a shape reader looks up (`walk/*.rs`), in the spelling the APIs
/// document. A test checks that no two of them fold to each other.
pub(crate) const READ_KEYS: &[&str] = &[
    "anthropic_version",
    "args",
    "arguments",
    "code",
    "codeExecutionResult",
    "code_execution_result",
    "content",
    "contents",
    "context",
    "data",
    "description",
    "dimensions",
    "encoding_format",
    "executableCode",
    "executable_code",
    "file",
    "file_data",
    "filename",
    "function",
    "functionCall",
    "functionResponse",
    "function_call",
    "function_response",
    "functions",
    "generationConfig",
    "generation_config",
    "inlineData",
    "inline_data",
    "input",
    "instructions",
    "media_type",
    "messages",
    "mimeType",
    "mime_type",
    "model",
    "name",
    "output",
    "parts",
    "prompt",
    "refusal",
    "response",
    "responseJsonSchema",
    "responseSchema",
    "response_format",
    "response_json_schema",
    "response_schema",
    "role",
    "source",
    "suffix",
    "summary",
    "system",
    "systemInstruction",
    "system_instruction",
    "text",
    "thinking",
    "title",
    "tool_calls",
    "tools",
    "type",
    "variables",
];

/// The read keys with an upper-case letter, the only ones a lower-case key can
/// spell another way (a test checks the list against [`READ_KEYS`]).
const CAMEL_CASE_KEYS: &[&str] = &[
    "codeExecutionResult",
    "executableCode",
    "functionCall",
    "functionResponse",
    "generationConfig",
    "inlineData",
    "mimeType",
    "responseJsonSchema",
    "responseSchema",
    "systemInstruction",
];

/// The read key `key` stands for in a case-insensitive reader, when it is not
/// spelt exactly as that key (`"Content"`, `"CONTENT"`, `"meſſages"`).
pub(crate) fn canonical(key: &str) -> Option<&'static str> {
    let ascii = key.is_ascii();
    let folded = if ascii {
        Cow::Borrowed(key)
    } else {
        // The only non-ASCII letters that Go's EqualFold or .NET's
        // OrdinalIgnoreCase match to ASCII ones.
        let folded: String = key
            .chars()
            .map(|c| match c {
                '\u{17F}' => 's',  // ſ, long s (Go and .NET)
                '\u{212A}' => 'k', // Kelvin sign (Go)
                '\u{131}' => 'i',  // ı, dotless i (.NET's OrdinalIgnoreCase upper-cases it to I)
                c => c,
            })
            .collect();
        if !folded.is_ascii() {
            return None;
        }
        Cow::Owned(folded)
    };
    // The common case, on every key of every body: a lower-case key is another
    // spelling only of a camelCase read key.
    let lower_case = ascii && !key.bytes().any(|b| b.is_ascii_uppercase());
    let candidates = if lower_case {
        CAMEL_CASE_KEYS
    } else {
        READ_KEYS
    };
    candidates
        .iter()
        .find(|read| {
            read.len() == folded.len() && read.eq_ignore_ascii_case(&folded) && **read != key
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_go_folds_name_the_read_key() {
        assert_eq!(canonical("CONTENT"), Some("content"));
        assert_eq!(canonical("Content"), Some("content"));
        assert_eq!(canonical("meſſages"), Some("messages"));
        assert_eq!(canonical("tooL_calls"), Some("tool_calls"));
        assert_eq!(canonical("\u{212A}"), None);
        assert_eq!(canonical("\u{212A}ey"), None);
        assert_eq!(canonical("des\u{212A}ription"), None);
        assert_eq!(canonical("\u{17F}y\u{17F}tem"), Some("system"));
        assert_eq!(canonical("tool_call\u{17F}"), Some("tool_calls"));
        assert_eq!(canonical("\u{131}nput"), Some("input"));
        assert_eq!(canonical("\u{131}nstruct\u{131}ons"), Some("instructions"));
        assert_eq!(canonical("MIMETYPE"), Some("mimeType"));
    }

    #[test]
    fn exact_and_other_keys_stay() {
        assert_eq!(canonical("content"), None);
        assert_eq!(canonical("systemInstruction"), None);
        assert_eq!(canonical("contentx"), None);
        assert_eq!(canonical("contént"), None);
        assert_eq!(canonical("tool-calls"), None);
    }

    #[test]
    fn camel_case_keys_are_the_read_keys_with_a_capital() {
        let capitals: Vec<&str> = READ_KEYS
            .iter()
            .copied()
            .filter(|k| k.bytes().any(|b| b.is_ascii_uppercase()))
            .collect();
        assert_eq!(capitals, CAMEL_CASE_KEYS);
        assert_eq!(canonical("systeminstruction"), Some("systemInstruction"));
        assert_eq!(canonical("mimetype"), Some("mimeType"));
    }

    /// Every key the shape readers look up, read from their source: by
    /// `key(..)`, `get(.., ..)`, `get_str(.., ..)`, `field_text(.., ..)`, and
    /// the key lists they loop over.
    fn looked_up_keys() -> Vec<String> {
        let sources = [
            include_str!("walk/detect.rs"),
            include_str!("walk/gemini.rs"),
            include_str!("walk/openai.rs"),
            include_str!("walk/file_data.rs"),
            include_str!("walk/mod.rs"),
            include_str!("walk/walker.rs"),
        ];
        let calls = regex::Regex::new(
            r#"(?:\bkey\(|\bget(?:_str)?\([^,()]+,\s*|\bfield_text\([^,()]+,\s*)"([A-Za-z_]+)""#,
        )
        .expect("a valid regex");
        let lists =
            regex::Regex::new(r"(?s)(?:\bfor [^{;]*? in \[|let nested[^=]*=\s*\[)(.*?)\]\s*[{;]")
                .expect("a valid regex");
        let literal = regex::Regex::new(r#""([A-Za-z_]+)""#).expect("a valid regex");
        let mut keys = Vec::new();
        for src in sources {
            // The readers, not their tests.
            let src = src.split("#[cfg(test)]").next().unwrap_or(src);
            keys.extend(calls.captures_iter(src).map(|c| c[1].to_owned()));
            for list in lists.captures_iter(src) {
                keys.extend(literal.captures_iter(&list[1]).map(|c| c[1].to_owned()));
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn every_key_the_readers_look_up_is_a_read_key() {
        let keys = looked_up_keys();
        // The scan of the sources must find the lookups it is meant to.
        for k in ["content", "responseSchema", "title", "mimeType", "args"] {
            assert!(keys.iter().any(|x| x == k), "{k} not found in the readers");
        }
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| !READ_KEYS.contains(&k.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "looked up but not in READ_KEYS: {missing:?}"
        );
    }

    #[test]
    fn no_two_read_keys_fold_together() {
        for (i, a) in READ_KEYS.iter().enumerate() {
            for b in &READ_KEYS[i + 1..] {
                assert!(!a.eq_ignore_ascii_case(b), "{a} and {b}");
            }
        }
    }
}
