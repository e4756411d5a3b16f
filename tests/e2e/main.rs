//! End-to-end tests: the real `promptgate` binary driven over a real Unix
//! socket by an APISIX simulator (`support`), with real flatbuffers frames.

mod attachments;
mod cases;
mod conformance;
mod deploy;
mod detection;
mod gate;
mod interop;
mod loadgen;
mod lua_plugin;
mod ops_cache;
mod ops_common;
mod ops_metrics;
mod ops_modes;
mod ops_privacy;
mod ops_reload;
mod ops_tls;
mod ops_vault;
mod request_call;
mod request_call_same;
mod response;
mod role_scopes;
mod security;
mod stream;
mod stream_whole;
mod support;
mod tool_definitions;
