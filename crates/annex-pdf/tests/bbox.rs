//! Glyph positions against an independent reader: every word poppler's
//! `pdftotext -bbox-layout` finds must be made of annex-pdf glyphs lying inside the word's
//! box, the first starting at its left edge and the last ending at its right edge. Wrong
//! advances (`/W` ranges, Type 3 `/FontMatrix`, CID widths) make glyphs drift and end
//! words at the wrong x, which this catches; `tests/poppler.rs` only compares characters.
//! Skipped, with a note, when `pdftotext` is not installed (CI installs it).

mod common;

use common::SEEDS;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use annex_pdf::GlyphBox;

/// How far (pt) a glyph may lie outside poppler's word box.
const TOL: f32 = 1.5;
/// Share of poppler's words that must match on every page.
const MIN_MATCHED: f64 = 0.99;

/// A word of `pdftotext -bbox-layout`: its text and box (display space, points).
#[derive(Debug)]
struct Word {
    text: String,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
}

fn attr(tag: &str, name: &str) -> Option<f32> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = &tag[at..];
    rest[..rest.find('"')?].parse().ok()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Words per page (1-based) from poppler's XHTML.
fn parse_bbox(xhtml: &str) -> Vec<Vec<Word>> {
    let mut pages: Vec<Vec<Word>> = Vec::new();
    let mut rest = xhtml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        if tag.starts_with("<page ") {
            pages.push(Vec::new());
        } else if tag.starts_with("<word ") {
            let close = rest.find("</word>").unwrap_or(rest.len());
            let word = Word {
                text: unescape(&rest[..close]),
                x_min: attr(tag, "xMin").unwrap_or(f32::NAN),
                y_min: attr(tag, "yMin").unwrap_or(f32::NAN),
                x_max: attr(tag, "xMax").unwrap_or(f32::NAN),
                y_max: attr(tag, "yMax").unwrap_or(f32::NAN),
            };
            if let Some(page) = pages.last_mut() {
                page.push(word);
            }
            rest = &rest[close..];
        }
    }
    pages
}

/// annex-pdf folds U+2015 (a Type 3 `ToUnicode` quirk) to U+2014; poppler does not.
fn same_char(c: char) -> char {
    if c == '―' { '—' } else { c }
}

/// How far the point interval `lo..hi` lies outside `min..max` (0 inside).
fn outside(lo: f32, hi: f32, min: f32, max: f32) -> f32 {
    (min - lo).max(hi - max).max(0.0)
}

/// Our glyphs on one page, one entry per character, by character.
fn index(glyphs: &[GlyphBox]) -> BTreeMap<char, Vec<usize>> {
    let mut by_char: BTreeMap<char, Vec<usize>> = BTreeMap::new();
    for (i, g) in glyphs.iter().enumerate() {
        for c in g.text.chars() {
            by_char.entry(same_char(c)).or_default().push(i);
        }
    }
    by_char
}

/// Match one poppler word to unused glyphs, left to right. Returns the worst distance
/// (pt) of a glyph outside the box or of the word's ends from the box's edges; `None`
/// when a character has no glyph at all near the box.
fn match_word(
    word: &Word,
    glyphs: &[GlyphBox],
    by_char: &BTreeMap<char, Vec<usize>>,
    used: &mut [bool],
) -> Option<f32> {
    let chars: Vec<char> = word
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(same_char)
        .collect();
    let mut worst = 0.0f32;
    let mut prev_x = f32::MIN;
    let mut taken = Vec::new();
    let (mut first_x0, mut last_x1) = (f32::NAN, f32::NAN);
    for (k, c) in chars.iter().enumerate() {
        // An unused glyph of this character that is not left of the previous one;
        // distance measured as how far its box lies outside the word's box.
        let best = by_char
            .get(c)?
            .iter()
            .filter(|&&i| !used[i] && glyphs[i].x0 >= prev_x - TOL)
            .map(|&i| {
                let g = &glyphs[i];
                let d = outside(g.x0, g.x1, word.x_min, word.x_max)
                    .max(outside(g.y, g.y, word.y_min, word.y_max));
                (d, g.x0, i)
            })
            // Inside the box (within the tolerance), the leftmost wins: the next
            // character's glyph must stay free.
            .min_by(|a, b| {
                let key = |d: f32| if d > TOL { d } else { 0.0 };
                key(a.0).total_cmp(&key(b.0)).then(a.1.total_cmp(&b.1))
            })?;
        let (d, _, i) = best;
        // A glyph tens of points away is not this word's: no match at all.
        if d > 50.0 {
            for i in taken {
                used[i] = false;
            }
            return None;
        }
        used[i] = true;
        taken.push(i);
        worst = worst.max(d);
        prev_x = glyphs[i].x0;
        if k == 0 {
            first_x0 = glyphs[i].x0;
        }
        last_x1 = glyphs[i].x1;
    }
    if !chars.is_empty() {
        worst = worst
            .max((first_x0 - word.x_min).abs())
            .max((last_x1 - word.x_max).abs());
    }
    if worst > TOL {
        // Leave the glyphs to a better-placed word with the same characters.
        for i in taken {
            used[i] = false;
        }
    }
    Some(worst)
}

/// Words matched, words, glyphs inside a matched word, glyphs, worst matched offset.
#[derive(Default)]
struct Tally {
    matched: usize,
    words: usize,
    glyphs_used: usize,
    glyphs: usize,
    worst: f32,
}

/// Compare one PDF's glyphs with poppler's words; page failures go to `failures`, the
/// worst misses are printed.
fn compare(name: &str, path: &Path, failures: &mut Vec<String>) -> Tally {
    let out = Command::new("pdftotext")
        .args(["-bbox-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext: {e}"));
    let theirs = parse_bbox(&String::from_utf8_lossy(&out.stdout));
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let ours = annex_pdf::glyphs(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(ours.len(), theirs.len(), "{name}: page count");
    let mut t = Tally::default();
    let mut misses: Vec<(f32, String)> = Vec::new();
    for (page, words) in ours.iter().zip(&theirs) {
        let by_char = index(&page.glyphs);
        let mut used = vec![false; page.glyphs.len()];
        let mut page_matched = 0usize;
        for w in words {
            match match_word(w, &page.glyphs, &by_char, &mut used) {
                Some(d) if d <= TOL => {
                    page_matched += 1;
                    t.worst = t.worst.max(d);
                }
                d => misses.push((
                    d.unwrap_or(f32::INFINITY),
                    format!(
                        "page {} {:?} at ({:.1}, {:.1})–({:.1}, {:.1}): off by {}",
                        page.page,
                        w.text,
                        w.x_min,
                        w.y_min,
                        w.x_max,
                        w.y_max,
                        d.map_or("no glyph".to_string(), |d| format!("{d:.2} pt"))
                    ),
                )),
            }
        }
        t.matched += page_matched;
        t.words += words.len();
        #[allow(clippy::cast_precision_loss)]
        let share = page_matched as f64 / words.len().max(1) as f64;
        if share < MIN_MATCHED {
            failures.push(format!(
                "{name} page {}: {page_matched}/{} words",
                page.page,
                words.len()
            ));
        }
        // The other way round: a glyph poppler does not see (drawn twice, clipped
        // away, invisible text) would be read into a cell by annex-pdf.
        let page_used = used.iter().filter(|u| **u).count();
        t.glyphs_used += page_used;
        t.glyphs += used.len();
        #[allow(clippy::cast_precision_loss)]
        let glyph_share = page_used as f64 / used.len().max(1) as f64;
        if glyph_share < MIN_MATCHED {
            failures.push(format!(
                "{name} page {}: only {page_used}/{} glyphs in a poppler word",
                page.page,
                used.len()
            ));
        }
    }
    misses.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "{name}: {}/{} words within {TOL} pt (worst matched {:.4} pt), {}/{} glyphs in a word",
        t.matched, t.words, t.worst, t.glyphs_used, t.glyphs
    );
    for (_, m) in misses.iter().take(5) {
        println!("  {m}");
    }
    t
}

fn have_pdftotext() -> bool {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok();
    if !ok {
        println!("note: pdftotext not installed, bbox oracle test skipped");
    }
    ok
}

#[test]
fn glyphs_lie_in_pdftotext_word_boxes() {
    if !have_pdftotext() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/pdf");
    let mut failures = Vec::new();
    for name in SEEDS {
        compare(name, &dir.join(name), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Four pages with `/Rotate` 0, 90, 180 and 270, each showing upright text to the
/// reader (the text matrix turned against the page), at several sizes and with `Tc`,
/// `Tw`, `Tz` and `TJ` kerning: positions must agree in display space.
fn rotated_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let widths: Vec<Object> = (32..127)
        .map(|c| Object::Integer(400 + (c % 7) * 50))
        .collect();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "FirstChar" => 32, "LastChar" => 126, "Widths" => widths,
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    // Text matrices that cancel each rotation, and a start point inside the page.
    for (rotate, m) in [
        (0, "1 0 0 1 72 700"),
        (90, "0 1 -1 0 100 72"),
        (180, "-1 0 0 -1 520 100"),
        (270, "0 -1 1 0 500 770"),
    ] {
        let content = format!(
            "BT /F1 12 Tf {m} Tm (Budget 2024 table) Tj 0 -20 Td 2 Tc (spaced out) Tj \
             0 Tc 0 -20 Td 6 Tw (word spacing here) Tj 0 Tw 0 -20 Td 80 Tz (narrow 123) Tj \
             100 Tz /F1 9 Tf 0 -20 Td [(Ke) 120 (rned) -300 (text)] TJ ET"
        );
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Rotate" => rotate,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 4 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut buf = Vec::new();
    doc.save_to(&mut buf)
        .unwrap_or_else(|e| panic!("write test pdf: {e}"));
    buf
}

#[test]
fn rotated_pages_agree_with_pdftotext() {
    if !have_pdftotext() {
        return;
    }
    let path = std::env::temp_dir().join(format!("annex-pdf-bbox-{}.pdf", std::process::id()));
    std::fs::write(&path, rotated_pdf()).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let t = compare("rotated", &path, &mut failures);
    let _ = std::fs::remove_file(&path);
    assert!(t.words >= 4 * 10, "poppler saw {} words", t.words);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bbox_parser_reads_words_and_entities() {
    let x = r#"<page width="595" height="842"><word xMin="1.5" yMin="2" xMax="3" yMax="4">A&amp;B</word></page><page width="1" height="1"></page>"#;
    let pages = parse_bbox(x);
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0][0].text, "A&B");
    assert!((pages[0][0].x_min - 1.5).abs() < 1e-6 && (pages[0][0].y_max - 4.0).abs() < 1e-6);
    assert!(pages[1].is_empty());
}
