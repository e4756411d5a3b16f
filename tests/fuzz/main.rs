//! Stable-toolchain fuzzing: bounded, structure-aware property runs (proptest)
//! plus replay and mutation of a seed corpus kept in `tests/fuzz/corpus/`.
//!
//! One module per target, one corpus folder per target (named after the
//! module's `TARGET`). Every property runs through [`support::fuzz`]: a printed
//! (or given) seed, at most `PROMPTGATE_FUZZ_CASES` cases and
//! `PROMPTGATE_FUZZ_SECS` seconds, a watchdog for hangs. Plain `cargo test` runs
//! a few hundred cases per property, CI a time budget. See
//! `tests/fuzz/README.md`.

mod support;

mod extra_info;
mod frame;
mod json;
mod request_call;
mod stream;

mod harness;
