//! [`ExtractLimits`] and the flat pre-scan that enforces depth and element count
//! before any recursive parse runs.

use super::ExtractError;

/// serde_json refuses nesting of 128 levels or more (its recursion guard); the
/// depth limit is capped below it so that a deep body always gets our
/// [`ExtractError::TooDeep`], never a syntax error or a plain-text fallback.
pub(crate) const PARSER_MAX_DEPTH: usize = 127;

/// Bounds on what one body may cost to extract.
///
/// Exists so that a hostile body gets a clear error (and a 413) instead of
/// exhausting memory, time or stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractLimits {
    /// Deepest nesting of JSON arrays and objects (capped at 127, the parser's own
    /// guard).
    pub max_depth: usize,
    /// Most JSON values in a body (each array item and object member counts once).
    pub max_elements: usize,
    /// Most bytes of text handed to the detectors, summed over all segments.
    pub max_text_bytes: usize,
}

impl ExtractLimits {
    /// Default depth: real LLM requests nest less than 10 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    /// Default element count: a long conversation with tools stays far below it.
    pub const DEFAULT_MAX_ELEMENTS: usize = 100_000;
    /// Default text size: 4 MiB, more than any model's context window in bytes.
    pub const DEFAULT_MAX_TEXT_BYTES: usize = 4 << 20;

    pub(crate) fn effective_depth(&self) -> usize {
        self.max_depth.min(PARSER_MAX_DEPTH)
    }

    /// [`ExtractError::TooMuchText`] when `bytes` of text are over the limit.
    pub(crate) fn check_text(&self, bytes: usize) -> Result<(), ExtractError> {
        if bytes > self.max_text_bytes {
            return Err(ExtractError::TooMuchText {
                max: self.max_text_bytes,
            });
        }
        Ok(())
    }
}

/// A body that is read as plain text: the text the detectors get, and the
/// original bytes when they were not UTF-8 (the text is then a lossy decoding,
/// each invalid sequence a U+FFFD, and rewriting maps spans back to them).
/// The limit applies to the body and to the decoded text (a lossy decoding
/// is longer than its body).
pub(crate) fn decode_text(
    body: &[u8],
    limits: &ExtractLimits,
) -> Result<(String, Option<Vec<u8>>), ExtractError> {
    limits.check_text(body.len())?;
    let (text, original) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (
            String::from_utf8_lossy(body).into_owned(),
            Some(body.to_vec()),
        ),
    };
    limits.check_text(text.len())?;
    Ok((text, original))
}

impl Default for ExtractLimits {
    fn default() -> Self {
        ExtractLimits {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_elements: Self::DEFAULT_MAX_ELEMENTS,
            max_text_bytes: Self::DEFAULT_MAX_TEXT_BYTES,
        }
    }
}

/// Walks the bytes of a body that looks like JSON once, without recursion,
/// and checks nesting depth and element count.
///
/// It only tracks strings (so brackets inside them do not count) and brackets;
/// it does not validate syntax: the parser does that afterwards, knowing that
/// it cannot recurse deeper than the limit. Elements are counted as opening
/// brackets plus commas plus one, which is the number of values with each
/// object member counted once.
pub(crate) fn prescan(body: &[u8], limits: &ExtractLimits) -> Result<(), ExtractError> {
    let max_depth = limits.effective_depth();
    let mut depth = 0usize;
    let mut elements = 1usize;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                // Skip the string: jump to the next quote or backslash.
                i += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &body[i..]) {
                        None => return Ok(()), // unterminated: the parser reports it
                        Some(off) => {
                            i += off;
                            if body[i] == b'\\' {
                                i += 2;
                                if i >= body.len() {
                                    return Ok(());
                                }
                            } else {
                                break;
                            }
                        }
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ExtractError::TooDeep { max: max_depth });
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(ExtractError::TooManyElements {
                        max: limits.max_elements,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' => {
                elements += 1;
                if elements > limits.max_elements {
                    return Err(ExtractError::TooManyElements {
                        max: limits.max_elements,
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}
