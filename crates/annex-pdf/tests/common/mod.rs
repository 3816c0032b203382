//! Helpers shared by the integration tests: the seed list, poppler's text of each page as an oracle
//! for the pages records claim.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::Path;

use annex_grammar::Record;

/// Each page's text as poppler reads it, canonical and without whitespace: an independent
/// check of the pages a record and its indicators claim.
pub fn poppler_pages(path: &Path) -> Option<Vec<String>> {
    // `-raw` keeps content-stream order, in which every producer here writes a cell's
    // text together; the reading order interleaves wrapped neighbouring cells.
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.split('\u{c}')
            .map(|page| {
                page.lines()
                    .map(annex_normalize::canonical_line)
                    .collect::<String>()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    // annex-pdf folds U+2015 (a Type 3 `ToUnicode` quirk) to U+2014.
                    .map(|c| if c == '―' { '—' } else { c })
                    .collect()
            })
            .collect(),
    )
}

/// Whether `needle` (whitespace removed) is on pages `start..=end` of `pages`: on the
/// page when it claims one, in order across them when it claims several.
fn on_pages(pages: &[String], start: u32, end: u32, needle: &str) -> bool {
    let needle: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
    let text: String = pages
        .iter()
        .skip(start as usize - 1)
        .take((end - start + 1) as usize)
        .map(String::as_str)
        .collect();
    if start == end {
        return text.contains(&needle);
    }
    // A row cut by the break: the other cells' text on both pages comes between its
    // two parts, so the parts are only in order.
    let mut rest = text.chars();
    needle.chars().all(|c| rest.any(|t| t == c))
}

/// Every record whose form title is not on its first page or project name not on its
/// pages, and every indicator whose
/// 三级 name is not on the pages it claims (or claims more than two), by poppler's text.
pub fn page_differences(records: &[Record], poppler: &[String]) -> Vec<String> {
    let mut diffs = Vec::new();
    for (k, r) in records.iter().enumerate() {
        let Some(p) = r.source.pages else {
            diffs.push(format!("table {}: no pages", k + 1));
            continue;
        };
        // The form title starts the table (it may end a page whose next page holds the
        // rest, so the project name is only looked for within the span).
        if !on_pages(poppler, p.start, p.start, &r.form) {
            diffs.push(format!(
                "table {}: {:?} not on page {}",
                k + 1,
                r.form,
                p.start
            ));
        }
        let project = r.project.name.as_deref().unwrap_or_default();
        if !on_pages(poppler, p.start, p.end, project) {
            diffs.push(format!(
                "table {}: {project:?} not on pages {}-{}",
                k + 1,
                p.start,
                p.end
            ));
        }
        for i in &r.indicators {
            let Some(ip) = i.pages else {
                diffs.push(format!("table {}: {:?} has no pages", k + 1, i.name));
                continue;
            };
            if ip.end > ip.start + 1 || !on_pages(poppler, ip.start, ip.end, &i.name) {
                diffs.push(format!(
                    "table {}: {:?} not on pages {}-{}",
                    k + 1,
                    i.name,
                    ip.start,
                    ip.end
                ));
            }
        }
    }
    diffs
}

/// The fields that describe the table itself (not `source`, spans or warnings).
pub fn table_fields(r: &Record) -> Vec<(String, String)> {
    let mut out = vec![
        ("document".into(), format!("{:?}", r.document)),
        ("form".into(), r.form.to_string()),
        ("fiscal_year".into(), format!("{:?}", r.fiscal_year)),
        ("project".into(), format!("{:?}", r.project)),
        ("funds".into(), format!("{:?}", r.funds)),
        ("goals".into(), format!("{:?}", r.goals)),
        ("checks".into(), format!("{:?}", r.checks)),
        ("indicators.len".into(), r.indicators.len().to_string()),
    ];
    for (k, i) in r.indicators.iter().enumerate() {
        out.push((
            format!("indicator {}", k + 1),
            format!(
                "{} / {} / {:?} / {} / {:?}",
                i.level1, i.level2, i.level2_note, i.name, i.value
            ),
        ));
    }
    out
}

/// The seed PDFs of `samples/pdf/`: the reference tables from six producers.
pub const SEEDS: [&str; 6] = [
    "seed-chromium.pdf",
    "seed-chromium-type3.pdf",
    "seed-libreoffice.pdf",
    "seed-reportlab.pdf",
    "seed-reportlab-cid.pdf",
    "seed-fpdf2.pdf",
];
