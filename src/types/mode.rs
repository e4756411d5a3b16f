//! Enforce or observe: the route's mode, read by the pipeline, the server and telemetry.

use serde::{Deserialize, Serialize};

/// Enforce or observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Block and redact.
    Enforce,
    /// Scan, let through, say what would have happened.
    Shadow,
}

impl Mode {
    /// The name used in config, route conf and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Shadow => "shadow",
        }
    }
}
