//! What every fuzz target shares: case counts, the seed corpus on disk,
//! byte-level mutation of seeds, and hex display of failing inputs.

#![allow(dead_code)]

pub mod runner;

use std::fmt;
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

/// Environment variable: cases per property (default: each target's own,
/// small enough for `cargo test`).
pub const CASES_ENV: &str = "PROMPTGATE_FUZZ_CASES";

/// Prefix of corpus files written by the seed generators; hand-made seeds use
/// any other name.
pub const GENERATED_PREFIX: &str = "gen-";

/// Cases per property: `PROMPTGATE_FUZZ_CASES` when set, else `default`.
pub fn cases(default: u32) -> u32 {
    match std::env::var(CASES_ENV) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{CASES_ENV}={v:?} is not a whole number")),
        Err(_) => default,
    }
}

/// The proptest configuration of a fuzz property. No regression files: a
/// failing input is kept by adding it to the target's corpus folder (the
/// failure message prints it as hex, see the README). `PROPTEST_RNG_SEED`
/// still fixes the generator when a run must be repeated exactly.
pub fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default_cases),
        failure_persistence: None,
        // Shrinking replays the property; keep a failing CI run short.
        max_shrink_iters: 2_000,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

/// The corpus folder of `target`.
pub fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(target)
}

/// One input: a corpus file or a generated seed.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed {
    /// File name (or generator name) for messages.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} bytes)", self.name, self.bytes.len())
    }
}

/// Every file of `target`'s corpus folder, sorted by name. Fails the test when
/// the folder is missing or empty: a target without seeds is a mistake.
pub fn corpus(target: &str) -> Vec<Seed> {
    let dir = corpus_dir(target);
    let mut seeds: Vec<Seed> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus folder {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .map(|path| Seed {
            name: path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned(),
            bytes: std::fs::read(&path).expect("read corpus file"),
        })
        .collect();
    seeds.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(
        !seeds.is_empty(),
        "corpus folder {} has no seeds",
        dir.display()
    );
    seeds
}

/// The on-disk corpus plus the seeds a generator builds in memory that are
/// not on disk byte for byte (so a seed never goes stale when an encoder
/// changes, and large ones need not be stored).
pub fn corpus_with(target: &str, generated: Vec<(&'static str, Vec<u8>)>) -> Vec<Seed> {
    let mut seeds = corpus(target);
    for (name, bytes) in generated {
        if !seeds.iter().any(|s| s.bytes == bytes) {
            seeds.push(Seed {
                name: format!("{GENERATED_PREFIX}{name} (in memory)"),
                bytes,
            });
        }
    }
    seeds
}

/// Generated seeds larger than this stay in memory only.
pub const MAX_STORED_SEED: usize = 64 * 1024;

/// Writes generated seeds as `gen-<name>` (`.bin` unless named) into `target`'s corpus folder.
pub fn write_seeds(target: &str, seeds: &[(&'static str, Vec<u8>)]) {
    let dir = corpus_dir(target);
    std::fs::create_dir_all(&dir).expect("create corpus folder");
    for (name, bytes) in seeds.iter().filter(|(_, b)| b.len() <= MAX_STORED_SEED) {
        let ext = if name.contains('.') { "" } else { ".bin" };
        let path = dir.join(format!("{GENERATED_PREFIX}{name}{ext}"));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

/// Bytes that print as hex, so a failing input can be pasted back into a
/// corpus file (`xxd -r -p`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Hex(pub Vec<u8>);

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hex({} bytes: ", self.0.len())?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// One byte-level edit of a seed. Positions are taken modulo the length, so
/// every mutation applies to every seed (and shrinks towards the start).
#[derive(Clone, Debug)]
pub enum Mutation {
    /// XOR one byte.
    Flip { at: usize, xor: u8 },
    /// Overwrite one byte with a value that often sits on a boundary.
    Interesting { at: usize, pick: usize },
    /// Cut the input here.
    Truncate { at: usize },
    /// Insert one byte.
    Insert { at: usize, byte: u8 },
    /// Remove `len` bytes.
    Remove { at: usize, len: usize },
    /// Repeat a range in place (lengths and offsets start pointing elsewhere).
    Duplicate { at: usize, len: usize },
    /// Write a 24-bit big-endian length (as in a frame header) at `at`.
    Length { at: usize, pick: usize },
    /// Write a little-endian u32 (a flatbuffers offset) at `at`.
    Offset { at: usize, value: u32 },
}

const INTERESTING_BYTES: [u8; 8] = [0x00, 0x01, 0x03, 0x04, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_LENGTHS: [u32; 8] = [0, 1, 3, 4, 0xff, 0x1_0000, 0xff_fffe, 0xff_ffff];

/// A byte-level edit.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, 1..=255u8).prop_map(|(at, xor)| Mutation::Flip { at, xor }),
        2 => (at, 0..INTERESTING_BYTES.len())
            .prop_map(|(at, pick)| Mutation::Interesting { at, pick }),
        2 => at.prop_map(|at| Mutation::Truncate { at }),
        2 => (at, any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        1 => (at, 1..64usize).prop_map(|(at, len)| Mutation::Remove { at, len }),
        1 => (at, 1..64usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        1 => (at, 0..INTERESTING_LENGTHS.len() + 1)
            .prop_map(|(at, pick)| Mutation::Length { at, pick }),
        1 => (at, any::<u32>()).prop_map(|(at, value)| Mutation::Offset { at, value }),
    ]
}

/// One to eight edits.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(), 1..8)
}

/// Applies `edits` in order.
pub fn mutate(mut bytes: Vec<u8>, edits: &[Mutation]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        let pos = |at: usize| if len == 0 { 0 } else { at % len };
        match *edit {
            Mutation::Flip { at, xor } => {
                if len > 0 {
                    bytes[pos(at)] ^= xor;
                }
            }
            Mutation::Interesting { at, pick } => {
                if len > 0 {
                    bytes[pos(at)] = INTERESTING_BYTES[pick];
                }
            }
            Mutation::Truncate { at } => bytes.truncate(pos(at)),
            Mutation::Insert { at, byte } => bytes.insert(pos(at), byte),
            Mutation::Remove { at, len: n } => {
                let start = pos(at);
                let end = (start + n).min(len);
                bytes.drain(start..end);
            }
            Mutation::Duplicate { at, len: n } => {
                let start = pos(at);
                let end = (start + n).min(len);
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Length { at, pick } => {
                // The last pick is "the length of what follows", a plausible header.
                let start = pos(at);
                let value = INTERESTING_LENGTHS
                    .get(pick)
                    .copied()
                    .unwrap_or_else(|| (len.saturating_sub(start + 3)).min(0xff_ffff) as u32);
                let [_, b1, b2, b3] = value.to_be_bytes();
                overwrite(&mut bytes, start, &[b1, b2, b3]);
            }
            Mutation::Offset { at, value } => {
                let start = pos(at);
                overwrite(&mut bytes, start, &value.to_le_bytes());
            }
        }
    }
    bytes
}

/// Overwrites from `start`, as far as the input reaches.
fn overwrite(bytes: &mut [u8], start: usize, with: &[u8]) {
    for (slot, b) in bytes.iter_mut().skip(start).zip(with) {
        *slot = *b;
    }
}

/// A corpus seed with edits applied, shown as hex when a case fails.
pub fn mutated(seeds: Vec<Seed>) -> impl Strategy<Value = (String, Hex)> {
    (proptest::sample::select(seeds), mutations())
        .prop_map(|(seed, edits)| (seed.name, Hex(mutate(seed.bytes, &edits))))
}
