//! annex-cli: the pipeline driver behind the `annex` binary.
//!
//! STUB: `extract_bytes` is the whole text pipeline for one input.

use annex_grammar::{InputInfo, Parsed};
use sha2::{Digest, Sha256};

/// Run the whole text pipeline on one input's bytes: decode, normalize, parse, check.
///
/// `path` is the path as the user gave it; it only labels the records.
pub fn extract_bytes(path: &str, bytes: &[u8]) -> Parsed {
    let normalized = annex_normalize::normalize(bytes);
    let sha256 = hex(&Sha256::digest(bytes));
    let info = InputInfo { path: path.to_owned(), sha256, paged: false };
    let mut parsed = annex_grammar::parse(&normalized.lines, &info);
    let mut warnings = normalized.warnings;
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    parsed
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
