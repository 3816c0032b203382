//! The pipeline stages as the benches run them.
//!
//! The text path is `annex_shapes::read` (decode, shape detection, normalization) →
//! `annex_grammar::parse_with_warnings` → `annex_emit::to_canonical`: the same calls as
//! `annex_cli::extract_bytes`, which also hashes the input ([`extract_text`] does too, so
//! that end-to-end figures include it).

use annex_grammar::{InputInfo, Parsed, Record};
use sha2::{Digest, Sha256};

/// The whole text pipeline up to records, as `annex_cli::extract_bytes` runs it (the
/// records own their texts, as its do).
pub fn extract_text(path: &str, bytes: &[u8]) -> Parsed<'static> {
    let shaped = annex_shapes::read(bytes, None);
    let info = InputInfo {
        path: path.to_owned(),
        sha256: hex(&Sha256::digest(bytes)),
        paged: false,
    };
    annex_grammar::parse_with_warnings(&shaped.lines, shaped.warnings, &info).into_owned()
}

/// Canonical JSON Lines of records appended to `out`; returns the number of records.
///
/// # Panics
/// When a record has no JSON form, which `annex_emit` documents as a bug.
pub fn emit_jsonl(records: &[Record], out: &mut Vec<u8>) -> usize {
    for r in records {
        #[allow(clippy::expect_used)] // a record always has a JSON form
        let json = annex_emit::to_canonical(r).expect("record to json");
        out.extend_from_slice(json.as_bytes());
        out.push(b'\n');
    }
    records.len()
}

/// Text bytes → canonical JSON Lines appended to `out`; returns the number of records.
pub fn text_to_jsonl(path: &str, bytes: &[u8], out: &mut Vec<u8>) -> usize {
    emit_jsonl(&extract_text(path, bytes).records, out)
}

/// PDF bytes → records: `annex_pdf::extract`, each line canonicalized as for text, then
/// the grammar with pages as positions. `None` when the PDF cannot be read.
pub fn extract_pdf(path: &str, bytes: &[u8]) -> Option<Parsed<'static>> {
    let mut pdf = annex_pdf::extract(bytes).ok()?;
    for line in &mut pdf.lines {
        line.text = annex_normalize::canonical_line(&line.text);
    }
    let info = InputInfo {
        path: path.to_owned(),
        sha256: hex(&Sha256::digest(bytes)),
        paged: true,
    };
    Some(annex_grammar::parse_with_warnings(&pdf.lines, pdf.warnings, &info).into_owned())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}
