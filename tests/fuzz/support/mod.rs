//! What every fuzz target shares: the bounded, seeded driver ([`fuzz`]), the
//! seed corpus on disk, byte-level mutation of seeds, and hex display of
//! failing inputs.

#![allow(dead_code)]

pub mod runner;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{
    Config as ProptestConfig, RngSeed, TestCaseResult, TestError, TestRunner,
};

/// Environment variable: the most cases each property runs (default: each
/// property's own, small enough for `cargo test`).
pub const CASES_ENV: &str = "PROMPTGATE_FUZZ_CASES";

/// Environment variable: the wall-clock budget of each property, in seconds
/// (default [`DEFAULT_SECS`]). A property stops at whichever comes first, its
/// case count or its budget; the budget is checked between cases.
pub const SECS_ENV: &str = "PROMPTGATE_FUZZ_SECS";

/// Environment variable: the generator seed (a `u64`). Unset, every property
/// draws its own and prints it, so any run can be repeated.
pub const SEED_ENV: &str = "PROMPTGATE_FUZZ_SEED";

/// Environment variable: seconds one case may run before the run is declared
/// hung and the test process aborted (default [`DEFAULT_HANG_SECS`]).
pub const HANG_ENV: &str = "PROMPTGATE_FUZZ_HANG_SECS";

/// Per-property budget when [`SECS_ENV`] is unset: keeps plain `cargo test`
/// short on a loaded machine even when a property's cases are slow.
pub const DEFAULT_SECS: u64 = 10;

/// Longer than any per-case timeout of the targets themselves (the
/// `extra_info` hang detector waits up to 60 s for the case, then 60 s for a
/// fresh connection), so those report first with their own message; this one
/// catches what has none (a loop in `extract`).
pub const DEFAULT_HANG_SECS: u64 = 180;

/// Prefix of corpus files written by the seed generators; hand-made seeds use
/// any other name.
pub const GENERATED_PREFIX: &str = "gen-";

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
    )
}

/// Cases per property: `PROMPTGATE_FUZZ_CASES` when set, else `default`.
pub fn cases(default: u32) -> u32 {
    env_u64(CASES_ENV).map_or(default, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// A seed nobody chose: std's per-process random hash keys.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// Writes a line straight to the process's stderr. libtest captures `eprintln!`
/// and drops it when the process dies (a stack overflow, the hang watchdog), and
/// shows it only for failing tests; the seed must survive both.
fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Runs the property `test` over inputs from `strategy`: up to `default_cases`
/// cases (or `PROMPTGATE_FUZZ_CASES`), within `PROMPTGATE_FUZZ_SECS` seconds,
/// generated from a printed seed (or `PROMPTGATE_FUZZ_SEED`). A failing or
/// panicking case is shrunk and the test panics with the smallest input and the
/// command that repeats the run; a case running past `PROMPTGATE_FUZZ_HANG_SECS`
/// aborts the process with the same command. No regression files: a failing
/// input is kept by adding it to the target's corpus folder (see the README).
pub fn fuzz<S>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> TestCaseResult,
) where
    S: Strategy,
    S::Value: fmt::Debug,
{
    let seed = env_u64(SEED_ENV).unwrap_or_else(random_seed);
    let cases = cases(default_cases);
    let budget = Duration::from_secs(env_u64(SECS_ENV).unwrap_or(DEFAULT_SECS));
    let hang = Duration::from_secs(env_u64(HANG_ENV).unwrap_or(DEFAULT_HANG_SECS).max(1));
    let path = test_path(name);
    let repeat = move |case: u32| {
        format!(
            "{SEED_ENV}={seed} {CASES_ENV}={} {SECS_ENV}=100000 cargo test --test fuzz -- --exact {path}",
            case + 1,
        )
    };
    log(&format!(
        "fuzz {name}: seed {seed}, up to {cases} cases in {}s (repeat: {})",
        budget.as_secs(),
        repeat(cases.saturating_sub(1)),
    ));

    let config = ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        // Shrinking replays the property; keep a failing CI run short.
        max_shrink_iters: 2_000,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let watchdog = Watchdog::start(name.to_owned(), hang, repeat.clone());
    let started = Instant::now();
    let mut ran = 0u32;
    for case in 0..cases {
        if started.elapsed() >= budget {
            break;
        }
        let tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("fuzz {name}: the generator gave up: {e}"));
        let outcome = runner.run_one(tree, |value| {
            watchdog.begin(case);
            let result = test(value);
            watchdog.end();
            result
        });
        match outcome {
            Ok(_) => ran += 1,
            Err(TestError::Fail(why, input)) => panic!(
                "fuzz {name}: case {case} of seed {seed} fails: {why}\n\
                 smallest failing input: {input:#?}\n\
                 repeat: {}",
                repeat(case)
            ),
            Err(TestError::Abort(why)) => {
                panic!("fuzz {name}: aborted at case {case} of seed {seed}: {why}")
            }
        }
    }
    log(&format!(
        "fuzz {name}: seed {seed}: {ran} cases passed in {:.1}s",
        started.elapsed().as_secs_f64()
    ));
}

/// The path `cargo test -- --exact` takes for the running property
/// (`target::test_name`). libtest runs each test on a thread named after that
/// path, so it is right whatever module the property sits in; a list of
/// targets here missed `request_call`, whose repeat command then matched no
/// test. Outside a test thread, the name alone.
pub fn test_path(name: &str) -> String {
    match std::thread::current().name() {
        Some(path) if path == name || path.ends_with(&format!("::{name}")) => path.to_owned(),
        _ => name.to_owned(),
    }
}

/// Aborts the process when one case (with its shrinking steps) runs too long:
/// a synchronous loop cannot be timed out from inside the test, and a test that
/// never ends must still fail CI, with the seed that repeats it.
struct Watchdog {
    /// Milliseconds since `epoch` when the running case began, plus one; 0 when
    /// no case runs.
    began: Arc<AtomicU64>,
    case: Arc<AtomicU32>,
    epoch: Instant,
    /// Dropping it ends the watchdog thread.
    _stop: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    fn start(
        name: String,
        hang: Duration,
        repeat: impl Fn(u32) -> String + Send + 'static,
    ) -> Self {
        let began = Arc::new(AtomicU64::new(0));
        let case = Arc::new(AtomicU32::new(0));
        let epoch = Instant::now();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (b, c) = (Arc::clone(&began), Arc::clone(&case));
        std::thread::Builder::new()
            .name(format!("fuzz-watchdog-{name}"))
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(Duration::from_millis(500))
                {
                    let at = b.load(Ordering::SeqCst);
                    if at == 0 {
                        continue;
                    }
                    let running = epoch
                        .elapsed()
                        .saturating_sub(Duration::from_millis(at - 1));
                    if running > hang {
                        let case = c.load(Ordering::SeqCst);
                        log(&format!(
                            "fuzz {name}: case {case} has run for {}s: a hang. Aborting.\n\
                             repeat: {}",
                            running.as_secs(),
                            repeat(case)
                        ));
                        std::process::abort();
                    }
                }
            })
            .expect("spawn the fuzz watchdog");
        Watchdog {
            began,
            case,
            epoch,
            _stop: stop,
        }
    }

    fn begin(&self, case: u32) {
        self.case.store(case, Ordering::SeqCst);
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        self.began.store(now + 1, Ordering::SeqCst);
    }

    fn end(&self) {
        self.began.store(0, Ordering::SeqCst);
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
