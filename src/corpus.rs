//! Where the labelled test corpus is: one place for the tests, the benches,
//! `promptgate eval` and `promptgate bench`.
//!
//! A leaf: the detectors' own tests read the corpus without depending on the
//! evaluation tool built on top of them.

use std::path::PathBuf;

/// Where the corpus is when nothing else is said: the repository's test corpus,
/// relative to the working directory (cargo runs tests and benches from the
/// package root). See `tests/corpus/README.md`.
pub const DEFAULT_CORPUS_DIR: &str = "tests/corpus";

/// The labelled corpus the tests, benches, `promptgate bench` and `promptgate
/// eval` read: `PROMPTGATE_CORPUS_DIR` when set, else [`DEFAULT_CORPUS_DIR`]
/// when it holds `attacks.jsonl`. One place for tests, benches and tools; no
/// other path is searched. The path is made absolute, so it can be handed to a
/// child process with another working directory.
pub fn corpus_dir() -> Option<PathBuf> {
    let absolute = |dir: PathBuf| std::path::absolute(&dir).unwrap_or(dir);
    if let Some(dir) = std::env::var_os("PROMPTGATE_CORPUS_DIR").filter(|v| !v.is_empty()) {
        return Some(absolute(PathBuf::from(dir)));
    }
    let dir = PathBuf::from(DEFAULT_CORPUS_DIR);
    dir.join("attacks.jsonl").is_file().then(|| absolute(dir))
}
