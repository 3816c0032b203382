//! The text pipeline on one file, canonical JSON Lines on standard output, through
//! `annex_bench::pipeline` (no shape detection, no CLI): `jsonl FILE`. Used to check that
//! an optimisation leaves the output byte-identical (`docs/performance.md`).
use std::io::Write;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: jsonl FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("jsonl: {path}: {e}");
        std::process::exit(2);
    });
    let mut out = Vec::new();
    let parsed = annex_bench::pipeline::extract_text(&path, &bytes);
    annex_bench::pipeline::emit_jsonl(&parsed.records, &mut out);
    for w in &parsed.warnings {
        let _ = writeln!(out, "# {:?} {:?} {}", w.code, w.line, w.message);
    }
    let _ = std::io::stdout().write_all(&out);
}
