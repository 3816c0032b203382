//! The `annex` binary. STUB.
fn main() {}
