//! The runner's own log output.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;

use super::json::JsonLines;

/// Libraries that see prompt text and log pieces of it at debug or trace level
/// (the tokenizer logs every normalization step with the characters it
/// replaces). They are held at `warn` whatever the configured level, so
/// `level = "trace"` never puts a prompt into the logs.
const TEXT_SEEING_LIBRARIES: [&str; 2] = ["tokenizers", "ort"];

/// Installs the global tracing subscriber: `level` as the filter (`RUST_LOG`
/// wins when set), JSON lines on stderr when `json`, else text lines. Calling it
/// twice is harmless (the second call keeps the first subscriber). Takes plain
/// values so that telemetry depends on no configuration format.
pub fn init_logging(level: &str, json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(quiet_text_seeing_libraries(filter))
        .with_writer(std::io::stderr);
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
