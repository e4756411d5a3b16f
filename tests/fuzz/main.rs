//! Stable-toolchain fuzzing: bounded, structure-aware property runs (proptest)
//! plus replay and mutation of a seed corpus kept in `tests/fuzz/corpus/`.
//!
//! One module per target, one corpus folder per target (named after the
//! module's `TARGET`). Every target runs in plain `cargo test` with a small case
//! count; `PROMPTGATE_FUZZ_CASES=N` runs each property N times instead. See
//! `tests/fuzz/README.md`.

mod support;

mod extra_info;
mod frame;
mod json;

mod harness;
