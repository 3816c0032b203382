//! Small PDFs built in the test: rotation, fill-only rulings, no rulings, no text,
//! malformed input.

// Tests may fail loudly on their own fixtures.
#![allow(clippy::expect_used)]

use annex_pdf::{PdfError, extract};
use lopdf::{Document, Object, Stream, dictionary};

/// A one-page A4 PDF with Helvetica as `/F1` and the given content stream.
fn pdf(content: &str, rotate: i64) -> Vec<u8> {
    pdf_pages(&[content], rotate)
}

/// An A4 PDF with one page per content stream, Helvetica as `/F1` on every page.
fn pdf_pages(contents: &[&str], rotate: i64) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids: Vec<Object> = Vec::new();
    for content in contents {
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        kids.push(
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Rotate" => rotate,
            })
            .into(),
        );
    }
    let count = i64::try_from(kids.len()).unwrap_or(0);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).expect("write test pdf");
    buf
}

fn texts(bytes: &[u8]) -> Vec<String> {
    extract(bytes)
        .expect("extract")
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect()
}

/// A 2×2 table drawn only with thin filled rectangles (no stroke), a title above it.
#[test]
fn fill_only_rulings_make_a_grid() {
    let content = "\
        100 741.75 200 0.5 re 100 721.75 200 0.5 re 100 701.75 200 0.5 re f\n\
        99.75 702 0.5 40 re 199.75 702 0.5 40 re 299.75 702 0.5 40 re f*\n\
        BT /F1 12 Tf 1 0 0 1 100 780 Tm (Title line) Tj ET\n\
        BT /F1 10 Tf 1 0 0 1 105 727 Tm (a1) Tj 1 0 0 1 205 727 Tm (b1) Tj ET\n\
        BT /F1 10 Tf 1 0 0 1 105 707 Tm (a2) Tj ET\n";
    assert_eq!(texts(&pdf(content, 0)), ["Title line", "a1\tb1", "a2\t"]);
}

/// The same table on a page with `/Rotate 90`, drawn in unrotated user space (text
/// running up the page): rows and columns are those the reader sees.
#[test]
fn rotated_page_is_read_as_displayed() {
    let content = "\
        99.75 100 0.5 200 re 119.75 100 0.5 200 re 139.75 100 0.5 200 re f\n\
        100 99.75 40 0.5 re 100 199.75 40 0.5 re 100 299.75 40 0.5 re f\n\
        BT /F1 10 Tf 0 1 -1 0 115 105 Tm (a1) Tj 0 1 -1 0 115 205 Tm (b1) Tj ET\n\
        BT /F1 10 Tf 0 1 -1 0 135 105 Tm (a2) Tj 0 1 -1 0 135 205 Tm (b2) Tj ET\n";
    assert_eq!(texts(&pdf(content, 90)), ["a1\tb1", "a2\tb2"]);
}

/// No rulings at all: cells are split at wide gaps, words kept together.
#[test]
fn no_rulings_falls_back_to_alignment() {
    let content = "BT /F1 10 Tf 1 0 0 1 100 700 Tm (Name of it) Tj 1 0 0 1 300 700 Tm (42) Tj ET\n\
        BT /F1 10 Tf 1 0 0 1 100 680 Tm (Next) Tj ET\n";
    assert_eq!(texts(&pdf(content, 0)), ["Name of it\t42", "Next"]);
}

#[test]
fn page_without_text_is_no_text_layer() {
    let content = "q 100 0 0 100 0 0 cm 0 0 1 1 re f Q\n";
    assert!(matches!(
        extract(&pdf(content, 0)),
        Err(PdfError::NoTextLayer { pages: 1 })
    ));
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(matches!(
        extract(b"not a pdf at all"),
        Err(PdfError::Unreadable(_))
    ));
    assert!(extract(b"").is_err());
}

/// Every prefix of a real PDF (cut at 64 places) gives a result or an error, no panic.
#[test]
fn truncated_seed_never_panics() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/pdf/seed-fpdf2.pdf");
    let bytes = std::fs::read(path).expect("seed");
    for k in 1..64 {
        let cut = bytes.len() * k / 64;
        let r = extract(&bytes[..cut]);
        assert!(!matches!(r, Err(PdfError::Panic(_))), "cut at {cut}: {r:?}");
    }
}

/// Content that shows text with a font the page does not define, and operators with
/// missing or wrong operands: read what can be read, warn, never fail.
#[test]
fn broken_operators_are_skipped() {
    let content = "BT /F9 10 Tf 1 0 0 1 100 700 Tm (x) Tj ET BT Tf Tm (y) Tj /F1 (z) Tf ET \
        q q Q Q Q cm 1 2 re S f\n";
    let r = extract(&pdf(content, 0)).expect("extract");
    assert!(
        r.warnings.iter().any(|w| w.message.contains("/F9")),
        "{:?}",
        r.warnings
    );
}

/// A two-column table whose second row is cut by the page break. `borders`: whether the
/// producer draws a border at both sides of the break (`LibreOffice`) or leaves it out
/// (Chromium: the vertical rulings simply end at the cut).
fn cut_row_pdf(borders: bool) -> Vec<u8> {
    let bottom = if borders { "100 600 m 300 600 l " } else { "" };
    let top = if borders { "100 800 m 300 800 l " } else { "" };
    let page1 = format!(
        "100 700 m 300 700 l 100 680 m 300 680 l {bottom}\
         100 700 m 100 600 l 200 700 m 200 600 l 300 700 m 300 600 l S\n\
         BT /F1 10 Tf 1 0 0 1 105 687 Tm (a1) Tj 1 0 0 1 205 687 Tm (b1) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 105 667 Tm (first part) Tj 1 0 0 1 205 667 Tm (42) Tj ET\n"
    );
    let page2 = format!(
        "{top}100 760 m 300 760 l 100 740 m 300 740 l \
         100 800 m 100 740 l 200 800 m 200 740 l 300 800 m 300 740 l S\n\
         BT /F1 10 Tf 1 0 0 1 105 787 Tm (second part) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 105 747 Tm (a3) Tj 1 0 0 1 205 747 Tm (b3) Tj ET\n"
    );
    pdf_pages(&[&page1, &page2], 0)
}

/// Chromium's cut row: no border at either side of the break, so the two parts are one
/// row, joined cell by cell, on the page where the row starts.
#[test]
fn row_cut_by_page_break_without_borders_is_joined() {
    let r = extract(&cut_row_pdf(false)).expect("extract");
    let got: Vec<(String, Option<u32>)> = r.lines.into_iter().map(|l| (l.text, l.page)).collect();
    assert_eq!(
        got,
        [
            ("a1\tb1".to_string(), Some(1)),
            ("first part second part\t42".to_string(), Some(1)),
            ("a3\tb3".to_string(), Some(2)),
        ]
    );
}

/// `LibreOffice`'s cut row: borders on both sides of the break, which a new row would
/// have too; the parts stay two lines (the grammar joins a cut 二级 note and continues a
/// 三级 name: see `records.rs`).
#[test]
fn row_cut_by_page_break_with_borders_keeps_its_parts() {
    assert_eq!(
        texts(&cut_row_pdf(true)),
        ["a1\tb1", "first part\t42", "second part\t", "a3\tb3"]
    );
}

/// A three-column table whose first column has a rowspan cell over its last two rows on
/// page 1 and the first row on page 2, drawn as Chromium does: no border where the break
/// cuts the cell, borders under the cells that end at the break, no top border on page 2.
/// `first`: the part of the cell's text on page 1; `rest`: the part on page 2.
/// `closed`: draw the first column's bottom border too (the cell ends at the break).
fn cut_rowspan_pdf(first: &str, rest: &str, closed: bool) -> Vec<u8> {
    let left = if closed { 100 } else { 200 };
    let page1 = format!(
        "100 700 m 400 700 l 100 680 m 400 680 l 200 660 m 400 660 l {left} 640 m 400 640 l \
         100 700 m 100 640 l 200 700 m 200 640 l 300 700 m 300 640 l 400 700 m 400 640 l S\n\
         BT /F1 10 Tf 1 0 0 1 105 687 Tm (Top) Tj 1 0 0 1 205 687 Tm (a) Tj \
         1 0 0 1 305 687 Tm (1) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 105 657 Tm ({first}) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 205 667 Tm (b) Tj 1 0 0 1 305 667 Tm (2) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 205 647 Tm (c) Tj 1 0 0 1 305 647 Tm (3) Tj ET\n"
    );
    let page2 = format!(
        "100 780 m 400 780 l 100 760 m 400 760 l \
         100 800 m 100 760 l 200 800 m 200 760 l 300 800 m 300 760 l 400 800 m 400 760 l S\n\
         BT /F1 10 Tf 1 0 0 1 105 787 Tm ({rest}) Tj 1 0 0 1 205 787 Tm (d) Tj \
         1 0 0 1 305 787 Tm (4) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 105 767 Tm (Next) Tj 1 0 0 1 205 767 Tm (e) Tj \
         1 0 0 1 305 767 Tm (5) Tj ET\n"
    );
    // An empty string shows nothing: `()` draws no glyph.
    pdf_pages(&[&page1, &page2], 0)
}

/// A rowspan label that fell wholly on the next page (a vertically centred cell) moves
/// up to the cell's first row, where the grammar reads a label.
#[test]
fn rowspan_label_after_page_break_moves_to_the_cell_first_row() {
    assert_eq!(
        texts(&cut_rowspan_pdf("", "Label", false)),
        ["Top\ta\t1", "Label\tb\t2", "\tc\t3", "\td\t4", "Next\te\t5"]
    );
}

/// A rowspan label wrapped across the break is joined; one repeated after the break
/// (as fpdf2 repeats them) is kept once.
#[test]
fn rowspan_label_cut_or_repeated_by_page_break_is_kept_once() {
    assert_eq!(
        texts(&cut_rowspan_pdf("Long", "label", false)),
        [
            "Top\ta\t1",
            "Long label\tb\t2",
            "\tc\t3",
            "\td\t4",
            "Next\te\t5"
        ]
    );
    assert_eq!(
        texts(&cut_rowspan_pdf("Label", "Label", false)),
        ["Top\ta\t1", "Label\tb\t2", "\tc\t3", "\td\t4", "Next\te\t5"]
    );
}

/// A cell whose bottom border is drawn ends at the break: the text at the top of the
/// next page is a new cell and stays there.
#[test]
fn cell_closed_at_page_break_is_not_merged() {
    assert_eq!(
        texts(&cut_rowspan_pdf("", "Label", true)),
        ["Top\ta\t1", "\tb\t2", "\tc\t3", "Label\td\t4", "Next\te\t5"]
    );
}

/// Chromium cutting a whole row (no border at either side of the break) inside a rowspan
/// cell: the rest of the rowspan label goes to the cell's first row, the rest of the
/// row's own cells to the row.
#[test]
fn row_cut_inside_a_rowspan_cell_joins_each_part_to_its_cell() {
    let page1 = "100 700 m 400 700 l 100 680 m 400 680 l 200 660 m 400 660 l \
         100 700 m 100 620 l 200 700 m 200 620 l 300 700 m 300 620 l 400 700 m 400 620 l S\n\
         BT /F1 10 Tf 1 0 0 1 105 687 Tm (Top) Tj 1 0 0 1 205 687 Tm (a) Tj \
         1 0 0 1 305 687 Tm (1) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 105 667 Tm (Group) Tj 1 0 0 1 205 667 Tm (b) Tj \
         1 0 0 1 305 667 Tm (2) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 205 647 Tm (c first) Tj 1 0 0 1 305 647 Tm (3) Tj ET\n";
    let page2 = "100 780 m 400 780 l 100 760 m 400 760 l \
         100 800 m 100 760 l 200 800 m 200 760 l 300 800 m 300 760 l 400 800 m 400 760 l S\n\
         BT /F1 10 Tf 1 0 0 1 105 787 Tm (label) Tj 1 0 0 1 205 787 Tm (c rest) Tj ET\n\
         BT /F1 10 Tf 1 0 0 1 105 767 Tm (Next) Tj 1 0 0 1 205 767 Tm (e) Tj \
         1 0 0 1 305 767 Tm (5) Tj ET\n";
    assert_eq!(
        texts(&pdf_pages(&[page1, page2], 0)),
        [
            "Top\ta\t1",
            "Group label\tb\t2",
            "\tc first c rest\t3",
            "Next\te\t5"
        ]
    );
}
