//! promptgate: an Apache APISIX external plugin runner that guards LLM traffic.
//!
//! APISIX hands each request to promptgate over a Unix socket (the ext-plugin RPC:
//! framed flatbuffers); promptgate extracts the text a model will read, runs a
//! waterfall of detectors in-process and answers stop (block), rewrite (redact) or
//! continue.
//!
//! # Brief overview
//!
//! One request flows one way, and each module is one stage of that flow:
//!
//! ```text
//! APISIX ──frame──▶ protocol ──▶ server ──▶ extract ──▶ pipeline ──▶ Decision ──frame──▶ APISIX
//!                                                          │
//!                            L0 cache ▸ L1 keywords ▸ L1.5 PII ▸ L2 classifier (detect)
//! ```
//!
//! * [`protocol`] — frame codec and flatbuffers bindings; knows nothing of detection.
//! * [`server`] — the Unix socket, connections, conf tokens, ExtraInfo round trips;
//!   turns a [`pipeline::Decision`] into Stop / Rewrite / continue.
//! * [`extract`] — request bodies become [`extract::Segment`]s with role and JSON location.
//! * [`normalize`] — hardened views of a text with offset maps back to the original.
//! * [`detect`] — the layers; each reports [`detect::Finding`]s and never decides.
//! * [`pipeline`] — the waterfall that turns findings into a [`pipeline::Decision`].
//! * [`policy`] — configuration as plain typed structs, checked; reload triggers.
//! * [`runtime`] — composes the configuration and the detectors at the top; reloads.
//! * [`types`] — the vocabulary several layers share (findings, decisions, roles).
//! * [`eval`] — measures the detectors on a labelled corpus (`promptgate eval`).
//! * [`loadgen`] — loads the runner over its socket like APISIX (`promptgate bench`).
//! * [`telemetry`] — logs, metrics and audit events that never carry prompt text.
//! * [`corpus`] — where the labelled test corpus is.
//!
//! Imports run one way (ARCHITECTURE.md, "Module graph"; `scripts/check-layers.sh`).
#![deny(missing_docs)]

pub mod corpus;
pub mod detect;
pub mod eval;
pub mod extract;
pub mod loadgen;
pub mod normalize;
pub mod pipeline;
pub mod policy;
pub mod protocol;
pub mod runtime;
pub mod server;
pub mod telemetry;
pub mod types;
