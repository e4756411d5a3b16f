//! Logs, metrics and audit events. Nothing here ever receives prompt text or a
//! PII value: callers pass identifiers, counts and hashes only.
//!
//! Takes decisions and timings from the server and pipeline; hands them to
//! the log (stderr) and the Prometheus endpoint. Never blocks a request: every
//! recording function is a few atomic operations, and a no-op until the
//! recorder is installed.
//!
//! * [`init_logging`] — tracing to stderr, JSON (default) or text.
//! * [`serve_metrics`] and the `record_*` functions — Prometheus metrics.
//! * [`audit`] — one event per decision on the `promptgate::audit` target.

mod audit;
mod json;
mod log_queue;
mod logging;
mod metrics;

pub use audit::{AUDIT_TARGET, AuditEvent, audit};
pub use logging::{LogGuard, dropped_log_lines, init_logging};
pub use metrics::{
    BLOCKED_TOTAL, CACHE_HITS_TOTAL, CACHE_MISSES_TOTAL, CONF_TOKENS_EVICTED_TOTAL,
    CONFIG_RELOADS_TOTAL, INFLIGHT, InflightGuard, LOG_LINES_DROPPED_TOTAL, MetricsError,
    OVERFLOW_ROUTE_LABEL, REDACTED_TOTAL, REDIS_UP, REQUESTS_TOTAL, ROUTE_LABELS_OVERFLOW_TOTAL,
    RUNNER_ERRORS_TOTAL, RouteCounters, RouteLabels, SCAN_DURATION, SCAN_QUEUED,
    SCAN_REJECTED_TOTAL, record_answer_decision, record_cache_hit, record_cache_miss,
    record_conf_tokens_evicted, record_decision, record_layer, record_reload, record_runner_error,
    record_scan_rejected, serve_metrics, set_redis_up, set_scan_queued,
};
