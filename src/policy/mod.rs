//! Configuration, named policies and per-route overrides.
