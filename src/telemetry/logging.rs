//! The runner's own log output.

use tracing_subscriber::EnvFilter;

use crate::policy::{LogConfig, LogFormat};

/// Installs the global tracing subscriber: `config.level` as the filter
/// (`RUST_LOG` wins when set), JSON or text lines on stderr. Calling it twice is
/// harmless (the second call keeps the first subscriber).
pub fn init_logging(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
