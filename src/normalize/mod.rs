//! Hardened views of a text with offset maps back to the original.
