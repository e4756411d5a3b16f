//! The corpus as records: the JSON Lines schema of `tests/corpus/README.md`
//! read into [`Record`]s, and the code-point spans of its PII annotations
//! mapped to byte ranges. Kept apart from the run so other readers of the
//! corpus (the load generator, the corpus tests) share one parser.

use std::path::Path;

use serde::Deserialize;

use super::EvalError;

/// One corpus record.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// Record id (reported for misses, never the text).
    pub id: String,
    /// The prompt.
    pub text: String,
    /// `attack` or `benign`.
    pub label: String,
    /// Attack or benign category.
    #[serde(default)]
    pub category: String,
    /// ISO 639-1 language.
    #[serde(default)]
    pub lang: String,
    /// Upstream source (`s-labs`, `generated:ml-attack-bank:de:f4p0`…).
    #[serde(default)]
    pub source: String,
    /// The upstream item the record comes from.
    #[serde(default)]
    pub source_item: Option<String>,
    /// The item an obfuscated variant was made from.
    #[serde(default)]
    pub parent: Option<Parent>,
    /// Annotated PII spans; present (maybe empty) on PII records.
    #[serde(default)]
    pub pii: Option<Vec<PiiSpan>>,
}

/// The item an obfuscated variant was derived from.
#[derive(Debug, Clone, Deserialize)]
pub struct Parent {
    /// Its upstream item.
    #[serde(default)]
    pub source_item: Option<String>,
}

/// An annotated PII value: type and code-point range.
#[derive(Debug, Clone, Deserialize)]
pub struct PiiSpan {
    /// PII type name (`EMAIL`, `IBAN`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Start, in Unicode code points.
    pub start: usize,
    /// End (exclusive), in Unicode code points.
    pub end: usize,
}
/// The files of a corpus folder, in the order `promptgate eval` reads them.
pub const CORPUS_FILES: [&str; 3] = ["attacks.jsonl", "benign.jsonl", "pii.jsonl"];

/// Reads records from JSON Lines files.
pub fn read_records(paths: &[&Path]) -> Result<Vec<Record>, EvalError> {
    let mut records = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
            path: name.clone(),
            source,
        })?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record = serde_json::from_str(line).map_err(|e| EvalError::Record {
                path: name.clone(),
                line: n + 1,
                message: e.to_string(),
            })?;
            records.push(record);
        }
    }
    Ok(records)
}

/// Byte range of a code-point range in `text` (corpus spans are code points).
pub fn byte_range(text: &str, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
    let mut indices = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let s = indices.nth(start)?;
    let e = if end == start {
        s
    } else {
        indices.nth(end - start - 1)?
    };
    Some(s..e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_point_spans_map_to_byte_ranges() {
        let text = "żółw ma IBAN";
        assert_eq!(byte_range(text, 0, 4), Some(0..7));
        assert_eq!(&text[byte_range(text, 8, 12).expect("in range")], "IBAN");
        assert_eq!(byte_range(text, 12, 12), Some(text.len()..text.len()));
        assert_eq!(byte_range(text, 10, 20), None);
    }
}
