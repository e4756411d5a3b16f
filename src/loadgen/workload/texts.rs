//! The corpus texts bodies are made of: benign prompts for filler and benign
//! bodies, attacks and PII prompts for the last message, read once from the
//! labelled corpus so the load looks like what the detectors are tuned on.

use std::path::Path;

use crate::eval::{Record, read_records};

use super::super::error::LoadgenError;

/// The corpus texts bodies are made of.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// Benign prompts without attack vocabulary (filler and benign bodies).
    pub benign: Vec<String>,
    /// Attack prompts.
    pub attack: Vec<String>,
    /// Prompts with annotated PII.
    pub pii: Vec<String>,
}

impl Texts {
    /// Reads `benign.jsonl`, `attacks.jsonl` and `pii.jsonl` from `dir`.
    pub fn from_corpus(dir: &Path) -> Result<Texts, LoadgenError> {
        let read = |name: &str| -> Result<Vec<Record>, LoadgenError> {
            let path = dir.join(name);
            read_records(&[path.as_path()]).map_err(|e| LoadgenError::Corpus(e.to_string()))
        };
        let texts = Texts {
            benign: read("benign.jsonl")?
                .into_iter()
                .filter(|r| r.category == "benign_general")
                .map(|r| r.text)
                .collect(),
            attack: read("attacks.jsonl")?
                .into_iter()
                .filter(|r| r.label == "attack")
                .map(|r| r.text)
                .collect(),
            pii: read("pii.jsonl")?
                .into_iter()
                .filter(|r| r.pii.as_ref().is_some_and(|spans| !spans.is_empty()))
                .map(|r| r.text)
                .collect(),
        };
        if texts.benign.is_empty() || texts.attack.is_empty() || texts.pii.is_empty() {
            return Err(LoadgenError::Corpus(format!(
                "{} lacks benign, attack or PII records",
                dir.display()
            )));
        }
        Ok(texts)
    }
}
