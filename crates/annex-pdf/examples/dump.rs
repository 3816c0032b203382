//! Print the lines a PDF gives, one per row: `page:ordinal | cells` (for development).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        let t = std::time::Instant::now();
        let pdf = annex_pdf::extract(&bytes)?;
        let el = t.elapsed();
        for l in &pdf.lines {
            println!("{}:{}\t{}", l.page.unwrap_or(0), l.first, l.text);
        }
        for w in &pdf.warnings {
            eprintln!("warning: {}", w.message);
        }
        eprintln!(
            "{path}: {} pages, {} lines, {:?} ({:?}/page)",
            pdf.pages,
            pdf.lines.len(),
            el,
            el / pdf.pages.max(1)
        );
    }
    Ok(())
}
