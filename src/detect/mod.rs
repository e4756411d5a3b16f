//! The detection layers. Each layer looks at the extracted, normalized text and
//! reports [`Finding`]s; it never decides what happens to the request. The
//! [`crate::pipeline`] turns findings into a decision under the route's policy.
//!
//! Layers, cheapest first: `cache` (L0), `keywords` (L1), `pii` (L1.5),
//! `classifier` (L2).
//!
//! A finding carries identifiers (rule id, category, span) and never the matched
//! text: whatever leaves this module may end up in logs or metrics.

pub mod cache;
pub mod classifier;
pub mod keywords;
pub mod output;
pub mod pii;

pub use crate::types::{Finding, Layer};
