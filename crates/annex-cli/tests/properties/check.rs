//! The properties every input must satisfy, shared by the proptest suite
//! (`tests/properties.rs`) and the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, which
//! include this file by path). Each function panics with a message saying which property
//! failed and on what, so a fuzzer crash or a proptest failure reads the same.
//!
//! Dependencies: annex-normalize, annex-grammar, annex-emit, `serde_json` (not annex-cli:
//! the fuzz crate does not link it, see `pipeline_with`).

#![allow(dead_code, clippy::missing_panics_doc)]

use std::collections::BTreeMap;

use annex_grammar::{InputInfo, Parsed, Record, vocab};
use annex_normalize::{Line, Normalized};

/// `decode` never panics, keeps valid UTF-8 as it is, and reports every U+FFFD it inserted.
pub fn decode(bytes: &[u8]) {
    let d = annex_normalize::decode(bytes);
    if !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        && !bytes.starts_with(&[0xFF, 0xFE])
        && !bytes.starts_with(&[0xFE, 0xFF])
    {
        if let Ok(s) = std::str::from_utf8(bytes) {
            assert_eq!(d.text, s, "valid UTF-8 must decode to itself");
            assert!(d.replaced.is_empty(), "valid UTF-8 with replacements");
        }
    }
    let mut last = None;
    for r in &d.replaced {
        assert!(r.len > 0, "a replacement of no bytes: {r:?}");
        assert_eq!(
            d.text.get(r.offset..r.offset + 3),
            Some("\u{FFFD}"),
            "replacement offset {} does not point at a U+FFFD",
            r.offset
        );
        assert!(last < Some(r.offset), "replacements out of order");
        last = Some(r.offset);
    }
}

/// `normalize` never panics; its lines are canonical (normalizing them again changes
/// nothing, line for line), map to increasing source lines, and `canonical_text` is
/// idempotent on every cell and on the raw text.
pub fn normalize(bytes: &[u8]) -> Normalized {
    let n = annex_normalize::normalize(bytes);
    let mut prev = 0;
    for l in &n.lines {
        assert!(
            l.first > prev && l.first == l.last,
            "line numbers not increasing or not single: {l:?} after {prev}"
        );
        prev = l.first;
        assert!(
            !l.text.contains(['\n', '\r', '\x0C']),
            "a line end inside {l:?}"
        );
        let again = annex_normalize::canonical_line(&l.text);
        assert_eq!(again, l.text, "canonical_line is not idempotent");
    }
    // The whole output normalized again gives the same lines (a final newline keeps a
    // trailing blank line a line).
    let mut text = String::new();
    for l in &n.lines {
        text.push_str(&l.text);
        text.push('\n');
    }
    let twice = annex_normalize::normalize(text.as_bytes());
    let a: Vec<&str> = n.lines.iter().map(|l| l.text.as_str()).collect();
    let b: Vec<&str> = twice.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(a, b, "normalize is not idempotent on its own output");

    let raw = String::from_utf8_lossy(bytes);
    for cell in raw.split(['\t', '\n', '\r']).take(64) {
        let once = annex_normalize::canonical_text(cell);
        assert_eq!(
            annex_normalize::canonical_text(&once),
            once,
            "canonical_text is not idempotent on {cell:?}"
        );
    }
    n
}

/// Normalize and parse, checking [`every_line_accounted_for`].
pub fn grammar(bytes: &[u8]) -> Parsed<'static> {
    let n = annex_normalize::normalize(bytes);
    let info = InputInfo {
        path: "fuzz.txt".into(),
        sha256: "0".repeat(64),
        paged: false,
    };
    let parsed = annex_grammar::parse_with_warnings(&n.lines, n.warnings.clone(), &info);
    every_line_accounted_for(&n.lines, &parsed);
    parsed.into_owned()
}

/// The whole pipeline, `extract` being `annex_cli::extract_bytes` (or, in the fuzz
/// targets, the same three calls without the PDF reader annex-cli links): every record
/// serializes to canonical JSON that parses back and is its own canonical form.
pub fn pipeline_with(bytes: &[u8], extract: fn(&str, &[u8]) -> Parsed<'static>) -> Parsed<'static> {
    let parsed = extract("fuzz.txt", bytes);
    for r in &parsed.records {
        let canonical = annex_emit::to_canonical(r)
            .unwrap_or_else(|e| panic!("record {} does not serialize: {e}", r.source.table));
        let value: serde_json::Value = serde_json::from_str(&canonical)
            .unwrap_or_else(|e| panic!("canonical JSON does not parse back: {e}\n{canonical}"));
        let again = annex_emit::to_canonical_value(&value)
            .unwrap_or_else(|e| panic!("parsed JSON does not serialize: {e}"));
        assert_eq!(again, canonical, "canonical JSON is not canonical");
    }
    parsed
}

/// "Every non-blank line of a table is consumed or reported", as far as a record shows it.
///
/// For each record and each source line `n` in its `source.lines` span whose normalized
/// text is not blank, one of these holds:
/// - an indicator's `lines` span covers `n` (the line became, or joined, a row);
/// - a warning of the record points at `n` (repaired, dropped or unparsed: reported);
/// - the line is printed furniture: the title, a 年度 line, a page number, or a row of
///   indicator column headers;
/// - its first cell is a header label (`项目名称`, `项目资金（万元）`, …): a header field;
/// - every cell is a taxonomy label (whole, cut, or with a cut note): it sets the 一级/二级
///   context of the rows below.
///
/// What this cannot check, because a record does not carry it: header fields and
/// label-only lines have no source line in the record (`Project`, `Funds` and the goals
/// have no span, and 二级 labels are kept only inside the checks), so the last two rules
/// trust the line's shape, not the record; and cells are not tracked, so a cell dropped
/// from a line that is otherwise consumed would pass.
pub fn every_line_accounted_for(lines: &[Line], parsed: &Parsed) {
    let by_number: BTreeMap<u32, &Line> = lines.iter().map(|l| (l.first, l)).collect();
    for r in &parsed.records {
        let Some(span) = r.source.lines else {
            panic!("text record {} without source.lines", r.source.table);
        };
        assert!(span.start <= span.end, "table span reversed: {span:?}");
        for ind in &r.indicators {
            let s = ind
                .lines
                .unwrap_or_else(|| panic!("indicator without lines"));
            assert!(
                span.start <= s.start && s.start <= s.end && s.end <= span.end,
                "indicator span {s:?} outside table span {span:?}"
            );
        }
        for (&n, line) in by_number.range(span.start..=span.end) {
            assert!(
                accounted_for(n, line, r),
                "line {n} of table {} neither consumed nor reported: {:?}",
                r.source.table,
                line.text
            );
        }
    }
}

fn accounted_for(n: u32, line: &Line, r: &Record) -> bool {
    let cells: Vec<&str> = line
        .text
        .split('\t')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let Some(first) = cells.first() else {
        return true;
    };
    let joined: String = cells.concat();
    let in_row = r
        .indicators
        .iter()
        .filter_map(|i| i.lines)
        .any(|s| (s.start..=s.end).contains(&n));
    let warned = r.warnings.iter().any(|w| w.line == Some(n));
    let furniture = vocab::is_form_title(&joined)
        || vocab::fiscal_year(&joined).is_some()
        || vocab::is_page_number(&joined)
        || cells.iter().all(|c| vocab::is_column_header(c));
    let header = vocab::header_label(first).is_some();
    let labels = cells.iter().all(|c| {
        vocab::classify_label(c).is_some()
            || vocab::label_prefix(c).is_some()
            || vocab::level2_open_note(c).is_some()
    });
    in_row || warned || furniture || header || labels
}
