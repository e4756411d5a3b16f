//! Bench inputs built once from the test corpus (shared by the bench files).

use std::path::PathBuf;

/// Corpus folder: `PROMPTGATE_CORPUS_DIR`, else the repository's `tests/corpus`
/// (cargo runs benches from the package root).
pub fn corpus_dir() -> PathBuf {
    promptgate::eval::corpus_dir().expect("tests/corpus not found (or set PROMPTGATE_CORPUS_DIR)")
}

/// Texts of one corpus file, in file order.
pub fn texts(file: &str) -> Vec<String> {
    texts_in(file, None)
}

/// Texts of one corpus file, in file order, only of `category` when one is given.
pub fn texts_in(file: &str, category: Option<&str>) -> Vec<String> {
    let raw = std::fs::read_to_string(corpus_dir().join(file)).expect("corpus file readable");
    raw.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| category.is_none_or(|c| v["category"] == c))
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect()
}

/// Concatenates texts (separated by blank lines) up to `size` bytes, cut on a
/// char boundary: a body of realistic prompt text of that size.
pub fn body_of(texts: &[String], size: usize) -> String {
    let mut out = String::with_capacity(size + 64);
    for t in texts.iter().cycle() {
        if out.len() >= size {
            break;
        }
        out.push_str(t);
        out.push_str("\n\n");
    }
    let mut cut = size.min(out.len());
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

/// Sizes every layer is benchmarked at.
pub const SIZES: [(usize, &str); 3] = [(1024, "1KB"), (8 * 1024, "8KB"), (64 * 1024, "64KB")];
