//! Fuzz target `decode`: see fuzz/README.md and the properties in
//! crates/annex-cli/tests/properties/check.rs.
#![no_main]

#[path = "../../crates/annex-cli/tests/properties/check.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    check::decode(data);
});
