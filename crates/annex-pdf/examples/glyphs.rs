//! Print every glyph of a PDF: `page x0 x1 y baseline size text` (for development).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        for page in annex_pdf::glyphs(&bytes)? {
            for g in &page.glyphs {
                println!(
                    "{} {:.2} {:.2} {:.2} {:.2} {:.2} {}",
                    page.page, g.x0, g.x1, g.y, g.baseline, g.size, g.text
                );
            }
        }
    }
    Ok(())
}
