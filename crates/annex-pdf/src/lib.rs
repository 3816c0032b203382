//! annex-pdf: PDF bytes → the normalized lines the annex grammar reads.
//!
//! # Where it sits
//! `annex-pdf` is the PDF front end, beside `annex-normalize` (the text front end): both
//! produce [`annex_normalize::Line`]s, cells separated by `\t`, and the grammar turns
//! either into records. It is the only crate that knows PDFs.
//!
//! # Phases
//! 1. **Load** (lopdf): objects, streams, page tree.
//! 2. **Interpret** (`interp`): each page's content stream, with annex's own text-state
//!    interpreter (`Tf Tm Td TD T* TJ Tj ' " TL Tc Tw Tz Ts`, `cm q Q`, form `XObject`s),
//!    gives positioned glyphs; straight stroked path segments and thin filled
//!    rectangles give ruling lines. Coordinates are in display space (page `/Rotate`
//!    applied, y down).
//! 3. **Decode** (`font`): simple fonts through `/ToUnicode` or `/Encoding` +
//!    `/Differences`; Type 0 fonts through `/ToUnicode` or the predefined Chinese `CMap`s
//!    (`UniGB-UCS2-H`, `UniGB-UTF16-H`, `GBK-EUC-H`, `GB-EUC-H`); widths from `/Widths`,
//!    `/W` (both forms) and `/DW`. Radical code points (`⽬`, `⻔`) fold to ideographs.
//! 4. **Lay out** (`grid`): touching rulings form a table whose grid lines are their
//!    distinct positions; each glyph goes to the merged cell around its centre; one
//!    [`Line`] per grid row, cells in column order, empty cells kept. Text outside every
//!    table (the `附件2` heading, the form title, `（2024年度）`) and pages without
//!    rulings are laid out by alignment: one line per baseline, cells at wide gaps.
//! 5. **Across pages** (here): only where the drawing shows a cut. A row whose borders are
//!    missing at both sides of the break (Chromium) is joined cell by cell; a rowspan
//!    cell open at both sides gets the text found at the top of the next page (joined if
//!    split, dropped if repeated, moved up if the label fell wholly on the next page).
//!    A row cut with its borders drawn on both pages (`LibreOffice`) looks like two rows
//!    and stays two lines: the grammar joins a cut 二级 note and continues the name.
//!
//! # What it does not do
//! - No OCR: a PDF without a text layer is [`PdfError::NoTextLayer`].
//! - No grammar: it does not know what a 三级指标 is; it keeps every row, in page order,
//!   and a table continued on the next page simply continues (a repeated header row is
//!   left for the grammar).
//! - No process isolation: a malformed file gives a [`PdfError`] and a loop or deep
//!   nesting is cut by a limit, but the CLI still runs each PDF in a worker process
//!   with a timeout and a memory cap.
//! - Lines are not canonicalized here; the caller applies
//!   [`annex_normalize::canonical_line`] as it does for text.
//!
//! # Main types
//! [`extract`] → [`PdfLines`] (lines, page count, warnings) or [`PdfError`].
//! For debugging and tests, [`glyphs`] → [`PageGlyphs`] exposes phase 2's positioned
//! glyphs ([`GlyphBox`]).
//!
//! ```no_run
//! let bytes = std::fs::read("samples/pdf/seed-libreoffice.pdf")?;
//! let pdf = annex_pdf::extract(&bytes)?;
//! // `名称  一级指标  二级指标  三级指标  指标值` is one row of five cells.
//! assert!(pdf.lines.iter().any(|l| l.text == "名称\t一级指标\t二级指标\t三级指标\t指标值"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod font;
mod grid;
mod interp;
mod radicals;

use annex_normalize::{Line, Warning, WarningCode};

/// Most pages read from one document; the rest are skipped with a warning.
const MAX_PAGES: usize = 20_000;

/// The lines of a PDF, ready for the grammar.
#[derive(Debug, Clone, Default)]
pub struct PdfLines {
    /// One line per table row or free-standing text line, in reading order. `first` and
    /// `last` are the line's 1-based ordinal in the document, `page` its 1-based page.
    pub lines: Vec<Line>,
    /// Number of pages in the document.
    pub pages: u32,
    /// What could not be read well (a font without a Unicode map, an unparsable content
    /// stream, a limit reached), with the page.
    pub warnings: Vec<Warning>,
}

/// Why a PDF gave no lines at all.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The file does not parse as a PDF (or is encrypted with a password).
    #[error("not a readable pdf: {0}")]
    Unreadable(String),
    /// The document has no pages.
    #[error("pdf has no pages")]
    NoPages,
    /// Pages exist but no text is drawn on any (a scan): OCR it first.
    #[error("pdf has no text layer ({pages} pages, images only?): run OCR on it first")]
    NoTextLayer {
        /// Number of pages in the document.
        pages: u32,
    },
    /// The PDF library panicked on this input (a bug there, caught here).
    #[error("pdf reader panicked: {0}")]
    Panic(String),
}

/// Read a PDF and return its lines: table rows as `\t`-separated cells, other text as
/// lines of their own, in page order.
pub fn extract(bytes: &[u8]) -> Result<PdfLines, PdfError> {
    guarded(|| extract_inner(bytes))
}

/// One page's glyphs, as [`glyphs`] gives them.
#[derive(Debug, Clone, Default)]
pub struct PageGlyphs {
    /// 1-based page number.
    pub page: u32,
    /// The glyphs in drawing order.
    pub glyphs: Vec<GlyphBox>,
}

/// One shown glyph in display space: points, origin at the top-left corner of the page's
/// crop box, y growing down, page `/Rotate` applied (what a viewer shows).
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphBox {
    /// The text the glyph stands for, radicals folded (`⽬` → `目`); a ligature may be
    /// several characters. Blank glyphs (spaces) are not listed.
    pub text: String,
    /// Left edge of the glyph's advance box.
    pub x0: f32,
    /// Right edge of the advance box: `x1 - x0` is the advance (`/W`, `/Widths`, Type 3
    /// `/FontMatrix`, `Tc`, `Tz` applied).
    pub x1: f32,
    /// The vertical position layout uses to assign the glyph to a row: 0.3 em above the
    /// baseline.
    pub y: f32,
    /// The baseline's y at the glyph's origin.
    pub baseline: f32,
    /// Effective font size (em height) in points.
    pub size: f32,
}

/// The positioned glyphs of every page, as the layout sees them before building cells.
///
/// A debugging and testing API: it exposes the interpreter's output so that positions
/// can be checked against an independent reader (`tests/bbox.rs` compares them with
/// poppler's `pdftotext -bbox-layout`). [`extract`] is what the pipeline uses. Problems
/// met on a page are not reported here; [`extract`] turns them into warnings.
pub fn glyphs(bytes: &[u8]) -> Result<Vec<PageGlyphs>, PdfError> {
    guarded(|| {
        let (doc, page_ids) = load(bytes)?;
        let mut fonts = interp::FontCache::default();
        Ok(page_ids
            .iter()
            .take(MAX_PAGES)
            .map(|(&page, &id)| PageGlyphs {
                page,
                glyphs: interp::read_page(&doc, id, &mut fonts)
                    .glyphs
                    .into_iter()
                    .map(|g| GlyphBox {
                        text: g.text,
                        x0: g.x0,
                        x1: g.x1,
                        y: g.y,
                        baseline: g.baseline,
                        size: g.size,
                    })
                    .collect(),
            })
            .collect())
    })
}

/// Run `f`, turning a panic into [`PdfError::Panic`]. annex's own code returns errors
/// instead of panicking; this guard is for the PDF library underneath, whose parser has
/// panicked on hostile files before.
fn guarded<T>(f: impl FnOnce() -> Result<T, PdfError>) -> Result<T, PdfError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(PdfError::Panic(msg))
    })
}

type PageIds = std::collections::BTreeMap<u32, lopdf::ObjectId>;

fn load(bytes: &[u8]) -> Result<(lopdf::Document, PageIds), PdfError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| PdfError::Unreadable(e.to_string()))?;
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(PdfError::NoPages);
    }
    Ok((doc, page_ids))
}

fn extract_inner(bytes: &[u8]) -> Result<PdfLines, PdfError> {
    let (doc, page_ids) = load(bytes)?;
    let pages = u32::try_from(page_ids.len()).unwrap_or(u32::MAX);
    let mut out = PdfLines {
        pages,
        ..PdfLines::default()
    };
    let mut fonts = interp::FontCache::default();
    let mut glyph_count = 0usize;
    let mut ordinal = 0u32;
    // Index in `out.lines` of the last row of a ruled table, for rows cut by a page break.
    let mut last_table_row: Option<usize> = None;
    let mut last_cut = false;
    // The cells left open at the bottom of the last table so far: its columns and, per
    // column, the line holding the open cell's text.
    let mut open_below: Option<(grid::Cut, Vec<Option<usize>>)> = None;
    for (&page_no, &page_id) in page_ids.iter().take(MAX_PAGES) {
        let content = interp::read_page(&doc, page_id, &mut fonts);
        for p in content.problems {
            out.warnings.push(Warning {
                code: WarningCode::UndecodableBytes,
                message: format!("page {page_no}: {p}"),
                line: None,
                page: Some(page_no),
            });
        }
        glyph_count += content.glyphs.len();
        let mut first_table_row = true;
        // Only the previous page's last table continues at the top of this one.
        let from_previous_page = open_below.take();
        // Table rows of this page: (top, index in `out.lines`).
        let mut page_rows: Vec<(f32, usize)> = Vec::new();
        for mut row in grid::layout(&content.glyphs, &content.rules) {
            if row.in_table && std::mem::take(&mut first_table_row) {
                // Text at the top of the page in a cell left open at the bottom of the
                // previous page belongs to that cell: to its first row, which for a
                // rowspan cell is above the row the break cut.
                if let (Some((below, lines)), Some(above)) = (&from_previous_page, &row.open_above)
                {
                    if below.same_columns(above) {
                        remerge_cut_cells(&mut out.lines, lines, above, &mut row.cells);
                        if row.cells.iter().all(String::is_empty) {
                            continue;
                        }
                    }
                }
                // Chromium leaves out the border at both sides of a page break that cuts
                // a row; a row whose own borders are drawn on both pages stays two rows.
                if row.continued && last_cut {
                    if let Some(prev) = last_table_row.and_then(|i| out.lines.get_mut(i)) {
                        if join_continued(&mut prev.text, &row.cells) {
                            continue;
                        }
                    }
                }
            }
            if row.in_table {
                last_table_row = Some(out.lines.len());
                last_cut = row.cut_below;
                page_rows.push((row.top, out.lines.len()));
                open_below = row.open_below.take().map(|cut| {
                    let lines = cut
                        .open
                        .iter()
                        .map(|top| {
                            let top = (*top)?;
                            page_rows
                                .iter()
                                .rev()
                                .find(|(t, _)| (t - top).abs() < 0.01)
                                .map(|&(_, i)| i)
                        })
                        .collect();
                    (cut, lines)
                });
            }
            ordinal = ordinal.saturating_add(1);
            out.lines.push(Line {
                text: row.cells.join("\t"),
                first: ordinal,
                last: ordinal,
                page: Some(page_no),
            });
        }
    }
    if page_ids.len() > MAX_PAGES {
        out.warnings.push(Warning {
            code: WarningCode::UndecodableBytes,
            message: format!(
                "only the first {MAX_PAGES} of {} pages were read",
                page_ids.len()
            ),
            line: None,
            page: None,
        });
    }
    if glyph_count == 0 {
        return Err(PdfError::NoTextLayer { pages });
    }
    Ok(out)
}

/// Re-merge the cells a page break cut out of rowspan cells: for each column open at
/// both sides of the break, the text at the top of the new page belongs to the cell
/// whose first row is `lines[c]` on the previous page. A cell split in two is joined; a
/// label repeated after the break is dropped; a label that fell wholly on the new page
/// (a vertically centred cell) moves up to the cell's first row, where the grammar
/// expects it.
fn remerge_cut_cells(
    out: &mut [Line],
    lines: &[Option<usize>],
    above: &grid::Cut,
    cells: &mut [String],
) {
    for (c, cell) in cells.iter_mut().enumerate() {
        let (Some(Some(i)), Some(Some(_))) = (lines.get(c), above.open.get(c)) else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        let Some(prev) = out.get_mut(*i) else {
            continue;
        };
        let mut prev_cells: Vec<String> = prev.text.split('\t').map(str::to_string).collect();
        let Some(target) = prev_cells.get_mut(c) else {
            continue;
        };
        if target != cell {
            if !target.is_empty() && !grid::joins_without_space(target, cell) {
                target.push(' ');
            }
            target.push_str(cell);
        }
        cell.clear();
        prev.text = prev_cells.join("\t");
    }
}

/// Join the rest of a row cut by a page break to its first part, cell by cell. Only when
/// both parts have the same columns; otherwise the rest stays a line of its own.
fn join_continued(prev: &mut String, rest: &[String]) -> bool {
    let mut cells: Vec<String> = prev.split('\t').map(str::to_string).collect();
    if cells.len() != rest.len() {
        return false;
    }
    for (cell, more) in cells.iter_mut().zip(rest) {
        if !cell.is_empty() && !more.is_empty() && !grid::joins_without_space(cell, more) {
            cell.push(' ');
        }
        cell.push_str(more);
    }
    *prev = cells.join("\t");
    true
}
