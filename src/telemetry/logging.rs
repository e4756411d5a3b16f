//! The runner's own log output.
//!
//! Lines go to stderr through a bounded queue and a thread of their own
//! ([`super::log_queue`]), never from the threads that answer APISIX. When APISIX starts the runner (`ext-plugin.cmd`), stderr
//! is a pipe that APISIX drains into its error log; a pipe nobody drains fast enough
//! fills after 64 KiB, and a direct write would then block the I/O thread that logged,
//! and with it every connection that thread serves (audit events make one line per
//! decision). The same holds for journald's stream socket under systemd and a
//! container runtime's pipe. A full queue drops the line and counts it instead
//! ([`dropped_log_lines`], exported as `promptgate_log_lines_dropped_total`).
//!
//! When stderr is a regular file (`2>>runner.log`), lines are written directly, in
//! order with the answers: a file never fills the way a pipe does.

use std::fs::File;
use std::os::fd::AsFd;
use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;
use tracing_subscriber::fmt::writer::EitherWriter;

use super::json::JsonLines;
use super::log_queue::{LogQueue, QueueGuard, QueueOptions};

/// Bytes queued before lines are dropped: most of a second of audit events (about 500
/// bytes each) at full load, within the runner's 100 MiB memory budget.
const QUEUED_BYTES: usize = 4 << 20;

/// The installed queue, for its count of dropped lines.
static QUEUE: OnceLock<LogQueue> = OnceLock::new();

/// Keeps the log writer's thread alive: dropping it (when `serve` returns) writes out
/// the lines still queued, waiting at most about a second for a stalled stderr.
#[derive(Debug)]
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _writer: Option<QueueGuard>,
}

/// Libraries that see prompt text and log pieces of it at debug or trace level
/// (the tokenizer logs every normalization step with the characters it
/// replaces). They are held at `warn` whatever the configured level, so
/// `level = "trace"` never puts a prompt into the logs.
const TEXT_SEEING_LIBRARIES: [&str; 2] = ["tokenizers", "ort"];

/// Installs the global tracing subscriber: `level` as the filter (`RUST_LOG`
/// wins when set), JSON lines on stderr when `json`, else text lines, written by a
/// thread of their own (see the module doc); keep the returned guard for as long as
/// the runner logs. Calling it twice is harmless (the second call keeps the first
/// subscriber). Takes plain values so that telemetry depends on no configuration
/// format.
pub fn init_logging(level: &str, json: bool) -> LogGuard {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let (queue, guard) = if stderr_is_a_file() {
        (None, None)
    } else {
        let options = QueueOptions {
            max_bytes: QUEUED_BYTES,
        };
        let (queue, guard) = LogQueue::start(std::io::stderr(), options);
        let _ = QUEUE.set(queue.clone());
        (Some(queue), Some(guard))
    };
    let writer = move || -> EitherWriter<LogQueue, std::io::Stderr> {
        match &queue {
            Some(queue) => EitherWriter::A(queue.clone()),
            None => EitherWriter::B(std::io::stderr()),
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(quiet_text_seeing_libraries(filter))
        .with_writer(writer);
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .event_format(JsonLines::new())
            .try_init()
    } else {
        builder.try_init()
    };
    LogGuard { _writer: guard }
}

/// Whether stderr is a regular file (not a pipe, socket or terminal).
fn stderr_is_a_file() -> bool {
    std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .and_then(|file| file.metadata())
        .is_ok_and(|meta| meta.file_type().is_file())
}

/// Log lines dropped because stderr did not keep up (0 before logging starts).
pub fn dropped_log_lines() -> u64 {
    QUEUE.get().map_or(0, LogQueue::dropped)
}

/// `filter` with every library of [`TEXT_SEEING_LIBRARIES`] capped at `warn`.
fn quiet_text_seeing_libraries(filter: EnvFilter) -> EnvFilter {
    TEXT_SEEING_LIBRARIES
        .iter()
        .filter_map(|library| format!("{library}=warn").parse::<Directive>().ok())
        .fold(filter, EnvFilter::add_directive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_seeing_libraries_stay_at_warn_under_a_trace_filter() {
        let filter = quiet_text_seeing_libraries(EnvFilter::new("trace,tokenizers=trace"));
        let shown = filter.to_string();
        for library in TEXT_SEEING_LIBRARIES {
            assert!(shown.contains(&format!("{library}=warn")), "{shown}");
        }
        assert!(!shown.contains("tokenizers=trace"), "{shown}");
    }
}
