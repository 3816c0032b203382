//! Corpus snapshots: every text sample in `samples/` through the whole pipeline, the
//! records pretty-printed (the canonical bytes are asserted elsewhere) and the warnings
//! rendered below them as the CLI prints them. Review every change with `cargo insta review`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;

fn render(label: &str, bytes: &[u8]) -> String {
    let parsed = annex_cli::extract_bytes(label, bytes);
    let mut out = String::new();
    for r in &parsed.records {
        out.push_str(&annex_emit::to_pretty(r).unwrap());
        out.push('\n');
    }
    out.push_str("--- warnings ---\n");
    let mut all: Vec<_> = parsed
        .records
        .iter()
        .flat_map(|r| r.warnings.iter())
        .collect();
    all.extend(parsed.warnings.iter());
    all.sort_by_key(|w| (w.page, w.line));
    for w in all {
        let at = w.line.map_or_else(String::new, |l| format!(":{l}"));
        writeln!(out, "{label}{at}: warning[{}]: {}", w.code, w.message).unwrap();
    }
    out
}

#[test]
fn text_samples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::glob!("../../../samples", "*.txt", |path| {
            let bytes = std::fs::read(path).unwrap();
            let label = path
                .strip_prefix(&root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            insta::assert_snapshot!(render(&label, &bytes));
        });
    });
}

#[test]
fn every_sample_record_validates_against_the_committed_schema() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/pingluo-2024-annex2.txt"
    );
    let parsed = annex_cli::extract_bytes(
        "samples/pingluo-2024-annex2.txt",
        &std::fs::read(path).unwrap(),
    );
    assert_eq!(parsed.records.len(), 12);
    for r in &parsed.records {
        let canonical = annex_emit::to_canonical(r).unwrap();
        let value: serde_json::Value = serde_json::from_str(&canonical).unwrap();
        if let Err(errors) = annex_emit::testing::validate(&value) {
            panic!(
                "table {} does not validate:\n{}",
                r.source.table,
                errors.join("\n")
            );
        }
    }
}
