//! Embeds the rule packs (`rules/*.toml`) into the binary so `promptgate serve`
//! works without the rules folder, and the words of their phrases as the
//! normalizer's lexicon for cutting spaced letters into words. Tolerates a
//! missing or empty folder.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules = manifest.join("rules");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&rules)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// `(file name, TOML text)` of every embedded rule pack.\npub(super) static EMBEDDED_PACKS: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("pack.toml");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("embedded_packs.rs"), out).expect("OUT_DIR is writable");
    let lexicon = lexicon(&files);
    std::fs::write(out_dir.join("lexicon.rs"), lexicon).expect("OUT_DIR is writable");
}

/// The ASCII words of the English and language-neutral packs' phrases and
/// near terms, lower-cased, as a
/// sorted Rust slice: the words the normalizer may cut a run of spaced letters
/// into ("y o u r p r o m p t" -> "your prompt"). Read line by line (a
/// `phrases = [...]` or `terms = [...]` line, its quoted strings), so the
/// build needs no TOML parser; a word it misses only leaves a run uncut.
fn lexicon(files: &[PathBuf]) -> String {
    let mut words = std::collections::BTreeSet::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        // English and language-neutral packs only: the short words of every
        // language together read almost any run as words ("or i gi na le").
        let english = text.lines().any(|l| {
            let l = l.replace(' ', "");
            l == "language=\"en\"" || l == "language=\"any\""
        });
        if !english {
            continue;
        }
        for line in text.lines() {
            let line = line.trim_start();
            if !(line.starts_with("phrases") || line.starts_with("terms")) {
                continue;
            }
            // Every other piece between double quotes is a string.
            for quoted in line.split('"').skip(1).step_by(2) {
                // Words with letters outside ASCII are left out (the joined text
                // is folded; a fragment of such a word would be a false word).
                // A word with an apostrophe is left out too: its pieces (`ll`,
                // `re`) are no words.
                for word in quoted.split(|c: char| !c.is_alphabetic() && c != '\'') {
                    let word = word.to_ascii_lowercase();
                    // One-letter words are left out: "secret" + "a" would read a
                    // Portuguese `secreta` as two words.
                    if word.len() >= 2 && word.bytes().all(|b| b.is_ascii_alphabetic()) {
                        words.insert(word);
                    }
                }
            }
        }
    }
    let mut out = String::from(
        "/// Words of the shipped rule packs (build.rs), sorted.\npub(super) static LEXICON_WORDS: &[&str] = &[\n",
    );
    for w in &words {
        writeln!(out, "    {w:?},").expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    out
}
