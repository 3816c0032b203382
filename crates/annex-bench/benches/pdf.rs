//! Criterion benches of the PDF pipeline on the three 12 × 20-table PDFs in `data/`
//! (copies of `shared/samples/pdf/*-x20.pdf`), in pages/s.
//!
//! `cargo bench -p annex-bench --bench pdf`. `extract` is `annex_pdf::extract` alone;
//! `to_json` is the whole PDF → canonical JSON Lines path (extract, canonical lines,
//! grammar, emit).

use std::hint::black_box;
use std::time::Duration;

use annex_bench::pipeline::{emit_jsonl, extract_pdf};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PDFS: [&str; 3] = [
    "seed-fpdf2-x20.pdf",
    "seed-libreoffice-x20.pdf",
    "seed-reportlab-x20.pdf",
];

fn pdf(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut g = c.benchmark_group("pdf");
    for name in PDFS {
        #[allow(clippy::expect_used)]
        let bytes = std::fs::read(dir.join(name)).expect("data/*.pdf");
        #[allow(clippy::expect_used)]
        let pages = annex_pdf::extract(&bytes).expect("readable pdf").pages;
        let short = name.trim_start_matches("seed-").trim_end_matches(".pdf");
        g.throughput(Throughput::Elements(u64::from(pages)));
        g.bench_function(format!("extract/{short}"), |b| {
            b.iter(|| annex_pdf::extract(black_box(&bytes)));
        });
        let mut out = Vec::new();
        g.bench_function(format!("to_json/{short}"), |b| {
            b.iter(|| {
                out.clear();
                extract_pdf(name, black_box(&bytes)).map(|p| emit_jsonl(&p.records, &mut out))
            });
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = pdf
}
criterion_main!(benches);
