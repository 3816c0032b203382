//! annex-shapes: every text shape that OCR engines and PDF-text tools emit, read into the
//! one cell grid the grammar reads.
//!
//! Where it sits: between decoding and the grammar. `annex-normalize` decodes bytes and
//! gives the canonical text form; `annex-grammar` reads lines whose cells are separated by
//! `\t`, with a rowspan'd 一级/二级 label only on the first row it covers. Users, though,
//! feed annex whatever their tool produced. A *shape reader* turns each shape into that
//! grid: rows of cells, each row knowing the source lines it came from, emitted as
//! [`annex_normalize::Line`]s (cells `\t`-joined, each in canonical text form).
//!
//! Phases:
//! 1. **Decode** (`annex_normalize::decode`): BOM, UTF-8, GB18030, UTF-16; full-width
//!    forms and ideographic spaces are the canonical form's job, for every shape.
//! 2. **Source lines** and **page noise**: page numbers (`— 3 —`, `第3页 共12页`, `-3-`) and
//!    running headers/footers at page edges are dropped with a warning; a form feed is a
//!    page. A repeated title, 年度 line or column-header row is left for the grammar,
//!    which reads it as a page header inside a table.
//! 3. **Detect** ([`detect`]) the [`Shape`] per table region (a file can mix shapes), unless
//!    the caller forces one.
//! 4. **Read** each region with its shape reader into rows of cells.
//!
//! | shape | what it looks like | reader |
//! |---|---|---|
//! | [`Shape::Tsv`] | tab-separated OCR text | `annex_normalize::normalize` as is |
//! | [`Shape::Layout`] | `pdftotext -layout`: columns of spaces, wrapped cells | geometry + vocabulary |
//! | [`Shape::Html`] | `MinerU` / PP-Structure `<table>` with rowspan/colspan | tokenizer + span grid |
//! | [`Shape::Markdown`] | pipe tables, `<br>` in cells, `\|` | pipe splitter |
//! | [`Shape::CellPerLine`] | one cell per line, blank line between rows | block reader |
//! | [`Shape::Glued`] | cells run together with no separator | vocabulary + value shapes |
//!
//! What it does not do: it does not find tables or read fields (the grammar does), and it
//! never guesses silently: a split it is not sure of is a warning. No I/O.
//!
//! ```
//! use annex_shapes::{read, Shape};
//! let md = "部门项目支出预算绩效目标表\n\n| 名称 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
//!           |---|---|---|---|---|\n\
//!           | 绩效指标 | 产出指标 | 数量指标（必填硬性指标） | 全年印制社保卡 | 22000 张 |\n\
//!           | | | | 全年更换社保卡人数 | 18000 人 |\n";
//! let shaped = read(md.as_bytes(), None);
//! assert_eq!(shaped.shape, Shape::Markdown);
//! let texts: Vec<&str> = shaped.lines.iter().map(|l| l.text.as_str()).collect();
//! assert_eq!(texts[2], "绩效指标\t产出指标\t数量指标（必填硬性指标）\t全年印制社保卡\t22000张");
//! assert_eq!(texts[3], "\t\t\t全年更换社保卡人数\t18000人");
//! assert_eq!((shaped.lines[3].first, shaped.lines[3].last), (6, 6));
//! ```

mod cells;
mod detect;
mod glued;
mod html;
mod layout;
mod markdown;
mod source;

use annex_normalize::{Line, LinePool, Warning, WarningCode, canonical_text};

pub use detect::detect;
use source::SrcLine;

/// The text shapes annex reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// Tab-separated OCR text: one table row per line, cells separated by `\t`.
    Tsv,
    /// Column-aligned text as `pdftotext -layout` prints a ruled table.
    Layout,
    /// HTML tables (`<table><tr><td rowspan="6">…`), as `MinerU` and PP-Structure emit.
    Html,
    /// Markdown pipe tables (`| 名称 | 一级指标 | … |`).
    Markdown,
    /// One cell per line, rows separated by blank lines (cells may end in ` |`).
    CellPerLine,
    /// Cells run together with no separator.
    Glued,
}

impl Shape {
    /// Every shape, in the order detection prefers them.
    pub const ALL: [Shape; 6] = [
        Shape::Html,
        Shape::Markdown,
        Shape::Tsv,
        Shape::Layout,
        Shape::CellPerLine,
        Shape::Glued,
    ];

    /// The name used by `--shape` and `--explain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Tsv => "tsv",
            Shape::Layout => "layout",
            Shape::Html => "html",
            Shape::Markdown => "markdown",
            Shape::CellPerLine => "cell-per-line",
            Shape::Glued => "glued",
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Shape {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Shape::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Shape::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown shape `{s}`, expected one of {}", names.join(", "))
            })
    }
}

/// A stretch of the input read with one shape (one per table region when detection runs
/// per region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// First 1-based source line of the region.
    pub first: u32,
    /// Last 1-based source line of the region.
    pub last: u32,
    /// The shape it was read as.
    pub shape: Shape,
}

/// The result of [`read`]: lines for the grammar, and how they were read.
#[derive(Debug, Clone)]
pub struct Shaped {
    /// The shape of the input: the forced one, else the shape of most of its regions.
    pub shape: Shape,
    /// Each region and the shape it was read as, in source order (what `--explain` prints).
    pub regions: Vec<Region>,
    /// Name of the encoding the bytes were decoded from.
    pub encoding: &'static str,
    /// Lines in the grammar's form: cells `\t`-separated and canonical, `first`/`last` the
    /// source lines each row came from.
    pub lines: Vec<Line>,
    /// Decoding warnings, page noise dropped, splits that were guesses; in source order.
    pub warnings: Vec<Warning>,
}

/// One row of the intermediate grid: raw cells (not yet canonical) and the source lines
/// it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub first: u32,
    pub last: u32,
    pub page: Option<u32>,
}

impl Row {
    fn one(line: &SrcLine<'_>, cells: Vec<String>) -> Self {
        Row {
            cells,
            first: line.number,
            last: line.number,
            page: line.page,
        }
    }
}

/// Detect the shape of `bytes` (unless `shape` forces one) and read them into lines.
/// Never fails; linear in the input (n·log n at worst): the bytes are decoded once, and
/// `annex_normalize::normalize` runs only when a region is tab-separated or the text holds
/// something only it reports (undecodable bytes, control characters).
pub fn read(bytes: &[u8], shape: Option<Shape>) -> Shaped {
    read_with(bytes, shape, &mut LinePool::default())
}

/// [`read`] with the lines' strings taken from `pool`, for a caller that reads many inputs
/// one after another and gives the lines back ([`LinePool::give`]) once done with them.
/// The result is the same as [`read`]'s.
///
/// ```
/// let mut pool = annex_normalize::LinePool::default();
/// for _ in 0..2 {
///     let shaped = annex_shapes::read_with("项目名称\t养老 (保险)\n".as_bytes(), None, &mut pool);
///     assert_eq!(shaped.lines[0].text, "项目名称\t养老（保险）");
///     pool.give(shaped.lines);
/// }
/// ```
pub fn read_with(bytes: &[u8], shape: Option<Shape>, pool: &mut LinePool) -> Shaped {
    // Valid UTF-8 (nearly every input) is read in place; anything else is decoded.
    let decoded;
    let (text, encoding, replaced) = if let Some(text) = annex_normalize::decode_borrowed(bytes) {
        (text, "UTF-8", &[][..])
    } else {
        decoded = annex_normalize::decode(bytes);
        (
            decoded.text.as_str(),
            decoded.encoding,
            decoded.replaced.as_slice(),
        )
    };
    let mut warnings: Vec<Warning> = Vec::new();
    let all = source::source_lines(text);
    // The normalizer's decoding warnings hold for every shape; it is run (once) when they
    // can exist, and for tab-separated regions, whose grid it already is. Whether they can
    // exist is only asked when it has not run anyway.
    let needs_normalize = || !replaced.is_empty() || has_line_controls(text);
    let mut normalized: Option<annex_normalize::Normalized> = None;
    let normalize = |slot: &mut Option<annex_normalize::Normalized>, pool: &mut LinePool| {
        if slot.is_none() {
            *slot = Some(annex_normalize::normalize_text_with(
                text, encoding, replaced, pool,
            ));
        }
    };
    let decoding_only = |w: &Warning| {
        matches!(
            w.code,
            WarningCode::UndecodableBytes | WarningCode::ControlChars
        )
    };

    // Fewer than two cell tags in the whole text: no region is HTML either.
    let any_html = detect::has_cell_markup(text);
    let html = match shape {
        Some(k) => k == Shape::Html,
        None => detect::is_all_html(&all, any_html),
    };
    if html {
        // HTML keeps its own structure across lines: one region, its own tokenizer.
        if needs_normalize() {
            normalize(&mut normalized, pool);
        }
        if let Some(n) = normalized {
            warnings.extend(n.warnings.into_iter().filter(decoding_only));
            pool.give(n.lines);
        }
        let rows = html::read(text, &all);
        let last = all.last().map_or(1, |l| l.number);
        let mut lines = pool.lines(rows.len());
        emit(rows, &mut lines, &mut warnings, true, pool);
        return finish(
            Shape::Html,
            vec![region(1, last, Shape::Html)],
            encoding,
            lines,
            warnings,
        );
    }

    let kept = source::drop_page_noise(all, &mut warnings);
    let mut regions = Vec::new();
    // Each region's rows become lines as soon as it is read: rows never cross regions,
    // and emitting adds no warning outside HTML, so the order of lines and warnings is
    // the same as emitting all rows at the end.
    let mut lines: Vec<Line> = pool.lines(kept.len());
    let chunks = detect::regions(&kept);
    let found: Vec<Option<Shape>> = chunks
        .iter()
        .map(|c| detect::evidence(c, any_html))
        .collect();
    // Nearest shape with evidence at or after each region (the annex heading belongs with
    // the table below it), else the last one before: one pass each way, not one per region.
    let mut next_found: Vec<Option<Shape>> = vec![None; found.len()];
    let mut seen = None;
    for (n, f) in found.iter().enumerate().rev() {
        seen = f.or(seen);
        next_found[n] = seen;
    }
    let mut previous = None;
    for (n, chunk) in chunks.iter().copied().enumerate() {
        let Some((head, tail)) = chunk.first().zip(chunk.last()) else {
            continue;
        };
        let k = shape.unwrap_or_else(|| next_found[n].or(previous).unwrap_or(Shape::Tsv));
        previous = found[n].or(previous);
        regions.push(region(head.number, tail.number, k));
        let rows = match k {
            Shape::Tsv => {
                // The normalizer's own lines: tabs are already the grid, and the cells are
                // canonical. It keeps every source line, blank ones too, so line n is at
                // index n - 1; each source line is in one region, so its text is moved.
                normalize(&mut normalized, pool);
                let Some(n) = normalized.as_mut() else {
                    continue;
                };
                for src in chunk {
                    let Some(l) = n.lines.get_mut(src.number as usize - 1) else {
                        continue;
                    };
                    debug_assert_eq!(l.first, src.number);
                    let mut text = std::mem::take(&mut l.text);
                    // Trailing empty cells dropped, a row left empty dropped (as `emit`):
                    // `trim_end_matches('\t')` on bytes, a tab being one byte that is in
                    // no other character.
                    let kept = text.bytes().rposition(|b| b != b'\t').map_or(0, |p| p + 1);
                    text.truncate(kept);
                    if text.is_empty() {
                        pool.give_string(text);
                        continue;
                    }
                    lines.push(Line {
                        text,
                        first: l.first,
                        last: l.last.max(l.first),
                        page: l.page,
                    });
                }
                continue;
            }
            Shape::Layout => layout::read(chunk, &mut warnings),
            Shape::Markdown => markdown::read(chunk),
            Shape::CellPerLine => cells::read(chunk),
            Shape::Glued => glued::read(chunk, &mut warnings),
            Shape::Html => html::read_lines(chunk),
        };
        emit(rows, &mut lines, &mut warnings, false, pool);
    }
    let tsv_only = regions.iter().all(|r| r.shape == Shape::Tsv);
    if normalized.is_none() && needs_normalize() {
        normalize(&mut normalized, pool);
    }
    // The normalizer's markup warnings are about tab-separated lines; other shapes hold
    // markup that spans lines or cells, and only the decoding warnings apply.
    if let Some(n) = normalized {
        warnings.extend(
            n.warnings
                .into_iter()
                .filter(|w| tsv_only || decoding_only(w)),
        );
        // Lines not moved out (blank ones, other shapes' regions) go back to the pool.
        pool.give(n.lines);
    }
    let main = shape.unwrap_or_else(|| majority(&regions));
    finish(main, regions, encoding, lines, warnings)
}

/// Does the text hold a control character the normalizer removes (and warns about): C0
/// other than tab, LF, CR and form feed, DEL, or C1 (`U+0080..=U+009F`, in UTF-8 `C2 80`
/// to `C2 9F`)? Exactly `char::is_control` minus those four, tested on bytes: in UTF-8 a
/// `C2` byte is always the lead of a two-byte character.
fn has_line_controls(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\t' | b'\n' | b'\r' | 0x0C => false,
        0x00..=0x1F | 0x7F => true,
        0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        _ => false,
    })
}

fn region(first: u32, last: u32, shape: Shape) -> Region {
    Region { first, last, shape }
}

fn finish(
    shape: Shape,
    regions: Vec<Region>,
    encoding: &'static str,
    lines: Vec<Line>,
    mut warnings: Vec<Warning>,
) -> Shaped {
    warnings.sort_by_key(|w| (w.line, w.page));
    Shaped {
        shape,
        regions,
        encoding,
        lines,
        warnings,
    }
}

/// The shape most source lines were read as (ties: the earlier in [`Shape::ALL`]).
fn majority(regions: &[Region]) -> Shape {
    let mut best = (0u64, Shape::Tsv);
    for k in Shape::ALL {
        let n: u64 = regions
            .iter()
            .filter(|r| r.shape == k)
            .map(|r| u64::from(r.last - r.first + 1))
            .sum();
        if n > best.0 {
            best = (n, k);
        }
    }
    best.1
}

/// Rows → grammar lines, appended to `out`: every cell through the canonical text form,
/// trailing empty cells dropped, rows left empty dropped. For HTML, page noise is judged
/// here, on whole rows.
fn emit(
    rows: Vec<Row>,
    out: &mut Vec<Line>,
    warnings: &mut Vec<Warning>,
    page_noise: bool,
    pool: &mut LinePool,
) {
    out.reserve(rows.len());
    for row in rows {
        // The cells `\t`-joined as they are made; `kept` is the end of the last non-empty
        // one, so cutting there drops the trailing empty cells.
        let mut text = pool.string();
        let mut kept = 0;
        for (i, c) in row.cells.iter().enumerate() {
            if i > 0 {
                text.push('\t');
            }
            let cell = if c.contains('\t') {
                canonical_text(&c.replace('\t', " "))
            } else {
                canonical_text(c)
            };
            text.push_str(&cell);
            if !cell.is_empty() {
                kept = text.len();
            }
        }
        text.truncate(kept);
        if text.is_empty() {
            pool.give_string(text);
            continue;
        }
        if page_noise && source::is_page_number(&text) {
            warnings.push(Warning {
                code: WarningCode::PageFurniture,
                message: format!("page number `{text}` dropped (a page break)"),
                line: Some(row.first),
                page: row.page,
            });
            continue;
        }
        out.push(Line {
            text,
            first: row.first,
            last: row.last.max(row.first),
            page: row.page,
        });
    }
}

/// Random text made of given pieces, to hold a fast path to the general one it replaces.
#[cfg(test)]
pub(crate) fn random_texts(pieces: &[&str], count: usize, max_pieces: u64) -> Vec<String> {
    // xorshift64*: deterministic, no dependency.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let n = pieces.len() as u64;
    (0..count)
        .map(|_| {
            let len = next() % (max_pieces + 1);
            (0..len)
                .map(|_| pieces[usize::try_from(next() % n).unwrap_or(0)])
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_controls_as_chars() {
        let pieces = [
            "a", "中", "\t", "\n", "\r", "\x0C", "\0", "\x1F", "\x7F", "\u{80}", "\u{9F}",
            "\u{A0}", "\u{C2}", "\u{100}", "\u{85}", " ",
        ];
        let texts = random_texts(&pieces, 20_000, 6);
        let mut yes = 0;
        for t in &texts {
            let slow = t
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'));
            assert_eq!(has_line_controls(t), slow, "{t:?}");
            yes += usize::from(slow);
        }
        assert!(yes > 1000 && yes < texts.len() - 1000, "{yes}");
    }

    /// Tab-separated rows come from the normalizer's lines as they are (trailing tabs
    /// cut); other rows through `emit`: both give the same line.
    #[test]
    fn emit_drops_trailing_empty_cells() {
        let row = |cells: &[&str]| Row {
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            first: 3,
            last: 2,
            page: None,
        };
        let mut out = Vec::new();
        let mut w = Vec::new();
        let rows = vec![
            row(&["", "a ( 1 )", "", " ", "\t"]),
            row(&["", " "]),
            row(&[]),
            row(&["x\ty", "", "z"]),
        ];
        // What `emit` did before it built the line as it went.
        let old: Vec<String> = rows
            .iter()
            .filter_map(|row| {
                let mut cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| canonical_text(&c.replace('\t', " ")))
                    .collect();
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                (!cells.is_empty()).then(|| cells.join("\t"))
            })
            .collect();
        emit(rows, &mut out, &mut w, false, &mut LinePool::default());
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, old);
        assert_eq!(texts, ["\ta ( 1 )", "x y\t\tz"]);
        assert_eq!((out[0].first, out[0].last), (3, 3));
        assert!(w.is_empty());
    }
}
