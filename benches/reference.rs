//! Placeholder bench; replaced with the reference bench.
fn main() {}
