//! The `*-x20.pdf` benchmark files (the 12 tables of a seed repeated 20 times, 167–280
//! pages) must give 240 records, each equal field for field to the seed PDF's record
//! in the same position. The files are not in the repository: this test reads them from
//! `crates/annex-bench/data/` (or `../shared/samples/pdf/`) and is ignored by default.
//!
//! The pages each record and indicator claims are checked against poppler's text of
//! those pages when `pdftotext` is installed.
//!
//! `cargo test --release -p annex-pdf --test x20 -- --ignored --nocapture`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use annex_grammar::{InputInfo, Record};
use common::{page_differences, poppler_pages, table_fields};

mod common;

fn records(bytes: &[u8]) -> (Vec<Record<'static>>, u32) {
    let mut out = annex_pdf::extract(bytes).unwrap();
    for l in &mut out.lines {
        l.text = annex_normalize::canonical_line(&l.text);
    }
    let info = InputInfo {
        paged: true,
        ..InputInfo::default()
    };
    let pages = out.pages;
    (
        annex_grammar::parse_with_warnings(&out.lines, out.warnings, &info)
            .into_owned()
            .records,
        pages,
    )
}

fn data_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("../annex-bench/data"),
        root.join("../../../shared/samples/pdf"),
    ]
    .into_iter()
    .find(|d| d.join("seed-fpdf2-x20.pdf").is_file())
}

#[test]
#[ignore = "needs the x20 benchmark PDFs (crates/annex-bench/data); slow in debug"]
fn every_x20_pdf_gives_twenty_times_the_seed_records() {
    let Some(dir) = data_dir() else {
        println!("note: no *-x20.pdf found, test skipped");
        return;
    };
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/pdf");
    let mut failures = Vec::new();
    for producer in ["fpdf2", "libreoffice", "reportlab"] {
        let (want, _) =
            records(&std::fs::read(seeds.join(format!("seed-{producer}.pdf"))).unwrap());
        let name = format!("seed-{producer}-x20.pdf");
        let t = std::time::Instant::now();
        let (got, pages) = records(&std::fs::read(dir.join(&name)).unwrap());
        let elapsed = t.elapsed();
        let poppler = poppler_pages(&dir.join(&name));
        let mut diffs = Vec::new();
        for (k, g) in got.iter().enumerate() {
            let w = &want[k % want.len()];
            for ((field, wv), (_, gv)) in table_fields(w).iter().zip(&table_fields(g)) {
                if wv != gv {
                    diffs.push(format!(
                        "table {} {field}:\n  want {wv}\n  got  {gv}",
                        k + 1
                    ));
                }
            }
            let p = g.source.pages.expect("pages");
            assert!(
                p.start >= 1 && p.end <= pages,
                "{name} table {}: {p:?}",
                k + 1
            );
        }
        if let Some(poppler) = &poppler {
            diffs.extend(page_differences(&got, poppler));
        }
        println!(
            "{name}: {pages} pages, {} records (want {}), {} field or page differences, {:?}",
            got.len(),
            20 * want.len(),
            diffs.len(),
            elapsed
        );
        for d in diffs.iter().take(10) {
            println!("  {d}");
        }
        if got.len() != 20 * want.len() || !diffs.is_empty() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
