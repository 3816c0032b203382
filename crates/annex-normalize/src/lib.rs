//! annex-normalize: bytes → decoded text → normalized lines with a map back to the source.
//!
//! STUB: being written. Interface is fixed; see ARCHITECTURE.md.

mod warning;

pub use warning::{Warning, WarningCode};

/// A normalized line: cells separated by `\t`, each cell in canonical text form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Normalized text; cells separated by a single `\t`.
    pub text: String,
    /// First 1-based source line this line came from.
    pub first: u32,
    /// Last 1-based source line this line came from (equal to `first` for most lines).
    pub last: u32,
    /// 1-based page, when the input has pages (PDF, or text with form feeds).
    pub page: Option<u32>,
}

/// The result of [`normalize`]: lines plus what was changed or could not be read.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Every source line, normalized (blank lines kept as empty text).
    pub lines: Vec<Line>,
    /// Decoding and normalization warnings, in source order.
    pub warnings: Vec<Warning>,
    /// Name of the encoding the bytes were decoded from (`UTF-8`, `GB18030`, …).
    pub encoding: &'static str,
}

/// Decode and normalize raw input bytes. Never fails.
pub fn normalize(bytes: &[u8]) -> Normalized {
    let text = String::from_utf8_lossy(bytes);
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            Line { text: canonical_line(l), first: n, last: n, page: None }
        })
        .collect();
    Normalized { lines, warnings: Vec::new(), encoding: "UTF-8" }
}

/// Canonical text form of a line: each `\t`-separated cell through [`canonical_text`].
pub fn canonical_line(line: &str) -> String {
    line.split('\t').map(canonical_text).collect::<Vec<_>>().join("\t")
}

/// Canonical text form (SCHEMA.md) of one cell.
pub fn canonical_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
