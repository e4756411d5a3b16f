//! The labelled test corpus (`tests/corpus`, or `PROMPTGATE_CORPUS_DIR`) for
//! the test crates: the one place that finds it and reads its files. A
//! missing corpus fails the test with a clear message; it never skips.

use std::path::{Path, PathBuf};

use promptgate::eval::{Record, read_records};

/// The corpus folder ([`promptgate::corpus::corpus_dir`]), or a failed test.
pub fn dir() -> PathBuf {
    promptgate::corpus::corpus_dir().expect(
        "tests/corpus not found (run from the repository root or set PROMPTGATE_CORPUS_DIR)",
    )
}

/// Every line of a JSON Lines file (the corpus format; the model's reference
/// scores use it too), blank lines skipped.
pub fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// The lines of one corpus file, as JSON.
pub fn lines(file: &str) -> Vec<serde_json::Value> {
    json_lines(&dir().join(file))
}

/// The records of `files` as `promptgate eval` reads them.
pub fn records(files: &[&str]) -> Vec<Record> {
    let dir = dir();
    let paths: Vec<PathBuf> = files.iter().map(|f| dir.join(f)).collect();
    let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    read_records(&paths).expect("corpus records read")
}
