//! Configuration errors: each says where (file position, key path or
//! variable) and what was expected, never what a prompt contained.

use std::path::PathBuf;

/// One problem found while loading or compiling the configuration.
///
/// Loading collects all of them instead of stopping at the first, so an
/// operator fixes a file in one pass.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// TOML syntax or a key of the wrong type; the message has line and column.
    #[error("{origin}: {message}")]
    Parse {
        /// The file name, or `environment` for overrides.
        origin: String,
        /// The parser's message, which starts with the line and column.
        message: String,
    },
    /// A value of the right type that makes no sense (an unknown role, a bad mode…).
    #[error("{origin}: {key}: {problem}")]
    Invalid {
        /// The file name (with line and column when known).
        origin: String,
        /// The dotted key path, e.g. `policies.strict.l1.min_severity`.
        key: String,
        /// What is wrong and what is accepted.
        problem: String,
    },
    /// A `PROMPTGATE_*` variable that names no configuration key.
    #[error("environment variable {var} names no configuration key")]
    UnknownEnv {
        /// The variable name.
        var: String,
    },
    /// A `PROMPTGATE_*` variable whose value has the wrong type.
    #[error("environment variable {var} must be {expected}")]
    BadEnv {
        /// The variable name.
        var: String,
        /// The expected kind of value.
        expected: &'static str,
    },
    /// `APISIX_LISTEN_ADDRESS` or `server.listen` is not of the `unix:/path` form.
    #[error(
        "listen address {value:?} must have the form unix:/absolute/path (set by APISIX in APISIX_LISTEN_ADDRESS)"
    )]
    ListenAddress {
        /// The offending value.
        value: String,
    },
    /// A detector failed to build (a rule pack, a model…).
    #[error("{layer}: {message}")]
    Detector {
        /// The layer that failed.
        layer: &'static str,
        /// Its error message.
        message: String,
    },
    /// A bug: something that cannot fail did.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A list of [`ConfigError`]s that reads as one error.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ConfigErrors(pub Vec<ConfigError>);
