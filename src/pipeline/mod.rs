//! The waterfall that turns findings into a decision.
