//! Run `annex_pdf::extract` on each file and print pages, lines and pages/s to stderr,
//! nothing else: the process to time beside `pdftotext -layout` (see `samples/pdf/README.md`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        let t = std::time::Instant::now();
        let pdf = annex_pdf::extract(&bytes)?;
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "{path}: {} pages, {} lines, {:.1} ms, {:.0} pages/s",
            pdf.pages,
            pdf.lines.len(),
            s * 1e3,
            f64::from(pdf.pages) / s
        );
    }
    Ok(())
}
