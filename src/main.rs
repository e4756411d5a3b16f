//! The promptgate command line; thin: all behaviour lives in the library.
fn main() {}
