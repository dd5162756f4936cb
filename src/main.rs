//! The `allot` binary (being built).
fn main() {}
