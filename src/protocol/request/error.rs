//! Why a `RequestCall` payload was refused, in either direction: one error
//! type the request decoder, the reply decoder and the field reader share,
//! so the server can answer ERROR and a test can name the exact refusal.

use thiserror::Error;

use super::REQUEST_CALL_VERSION;

/// Why a `RequestCall` payload was refused. Carries no payload bytes.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RequestDecodeError {
    /// The payload ends before the field.
    #[error("RequestCall payload ends inside {field}")]
    Truncated {
        /// The field being read.
        field: &'static str,
    },
    /// A version this runner does not speak.
    #[error("RequestCall version {0} is not supported (this runner speaks {REQUEST_CALL_VERSION})")]
    Version(u8),
    /// A field holding a value outside its range.
    #[error("RequestCall {field} has invalid value {value}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// The value found.
        value: u32,
    },
    /// A length or count over its field's bound.
    #[error("RequestCall {field} of {len} is over the limit of {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its announced length or count.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The request id is not printable ASCII.
    #[error("RequestCall id is not printable ASCII")]
    BadId,
    /// A body without the BODY flag.
    #[error("RequestCall carries a body without the BODY flag")]
    UnflaggedBody,
    /// Bytes after the last field.
    #[error("RequestCall payload has {0} bytes after its last field")]
    Trailing(usize),
}
