//! One PDF to canonical JSON Lines on standard output, through `annex_bench::pipeline`
//! (`annex_pdf::extract`, canonical lines, grammar, emit): `pdf2json FILE.pdf`. The PDF path
//! in one process, without the CLI's worker, for profiling (`perf record`, callgrind);
//! `scripts/perf-report.sh` times the real binary against `pdftotext -layout`.
use std::io::Write;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdf2json FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("pdf2json: {path}: {e}");
        std::process::exit(2);
    });
    let Some(parsed) = annex_bench::pipeline::extract_pdf(&path, &bytes) else {
        eprintln!("pdf2json: {path}: not a readable pdf");
        std::process::exit(1);
    };
    let mut out = Vec::new();
    annex_bench::pipeline::emit_jsonl(&parsed.records, &mut out);
    let _ = std::io::stdout().write_all(&out);
}
