//! Tests of extraction, one file per concept: the shapes table (bodies and the
//! segments they must give), errors and limits, redaction, and proptests.
//! The helpers they share live here.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

use Role::{
    Assistant as A, Developer as D, System as S, Tool as T, ToolDefinition as TD, Unknown as U,
    User as Us,
};

fn run(api: ApiFormat, body: &[u8]) -> Result<Extraction, ExtractError> {
    extract(body, api, &ExtractLimits::default())
}

/// (role, location, text) of each segment.
fn triples(x: &Extraction) -> Vec<(Role, String, String)> {
    x.segments()
        .iter()
        .map(|s| (s.role, s.location.to_string(), s.text.clone()))
        .collect()
}

fn red(segment: usize, span: std::ops::Range<usize>, kind: &str) -> Redaction {
    Redaction {
        segment,
        span,
        kind: Arc::from(kind),
    }
}

fn span_of(x: &Extraction, segment: usize, needle: &str) -> std::ops::Range<usize> {
    let start = x.segments()[segment]
        .text
        .find(needle)
        .expect("needle in segment");
    start..start + needle.len()
}

mod errors;
mod properties;
mod redaction;
mod shapes;
