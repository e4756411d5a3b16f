//! Helpers shared by the test crates, one per concept: each crate says
//! `mod support;` (`tests/e2e/` includes this file from its own `support`,
//! which adds the APISIX simulator; the case harness in `src/pipeline/cases/`
//! includes `redis.rs`).
//!
//! * `corpus` — where the labelled test corpus is and how its files are read;
//! * `redis` — real `redis-server` and Sentinel processes on free ports.

#![allow(dead_code)]

pub mod corpus;
pub mod redis;
