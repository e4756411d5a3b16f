//! Logs, metrics and audit events. Nothing here ever receives prompt text or a
//! PII value: callers pass identifiers, counts and hashes only.
//!
//! * [`init_logging`] — tracing to stderr, JSON (default) or text.

mod logging;

pub use logging::init_logging;
