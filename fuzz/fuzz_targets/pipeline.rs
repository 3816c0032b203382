//! Fuzz target `pipeline`: see fuzz/README.md and the properties in
//! crates/annex-cli/tests/properties/check.rs.
#![no_main]

#[path = "../../crates/annex-cli/tests/properties/check.rs"]
mod check;

use annex_grammar::{InputInfo, Parsed};
use sha2::{Digest, Sha256};

/// `annex_cli::extract_bytes`, call for call (hash, normalize, parse with the earlier
/// warnings). annex-cli itself is not linked: it pulls in the PDF reader (lopdf), whose
/// instrumented build takes longer than a fuzzing session; the PDF side is exercised by
/// the bad-PDF corpus test through the isolated worker instead.
fn extract(path: &str, bytes: &[u8]) -> Parsed {
    let sha256: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let normalized = annex_normalize::normalize(bytes);
    let info = InputInfo {
        path: path.to_owned(),
        sha256,
        paged: false,
    };
    annex_grammar::parse_with_warnings(&normalized.lines, normalized.warnings, &info)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = check::pipeline_with(data, extract);
});
