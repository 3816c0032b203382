//! Every seed PDF gives the same records as the OCR text sample, field for field
//! (except `source`, spans, and warnings, which describe the input rather than the table).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use annex_grammar::{InputInfo, Record};
use common::{SEEDS, page_differences, poppler_pages, table_fields};

mod common;

fn text_records() -> Vec<Record<'static>> {
    let bytes = include_bytes!("../../../samples/pingluo-2024-annex2.txt");
    let n = annex_normalize::normalize(bytes);
    annex_grammar::parse_with_warnings(&n.lines, n.warnings, &InputInfo::default())
        .into_owned()
        .records
}

/// Every seed's records, read once for all tests (in parallel: debug builds are slow).
fn pdf_records(name: &str) -> Vec<Record<'static>> {
    static ALL: OnceLock<BTreeMap<&'static str, Vec<Record<'static>>>> = OnceLock::new();
    ALL.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = SEEDS
                .iter()
                .map(|&name| (name, s.spawn(move || read_pdf_records(name))))
                .collect();
            handles
                .into_iter()
                .map(|(name, h)| (name, h.join().unwrap()))
                .collect()
        })
    })[name]
        .clone()
}

fn read_pdf_records(name: &str) -> Vec<Record<'static>> {
    let path = format!("{}/../../samples/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let mut out = annex_pdf::extract(&bytes).unwrap();
    for l in &mut out.lines {
        l.text = annex_normalize::canonical_line(&l.text);
    }
    let info = InputInfo {
        paged: true,
        ..InputInfo::default()
    };
    annex_grammar::parse_with_warnings(&out.lines, out.warnings, &info)
        .into_owned()
        .records
}

fn compare(name: &str) -> Vec<String> {
    let want = text_records();
    let got = pdf_records(name);
    let mut diffs = Vec::new();
    if want.len() != got.len() {
        diffs.push(format!("{name}: {} tables, want {}", got.len(), want.len()));
    }
    for (t, (w, g)) in want.iter().zip(&got).enumerate() {
        for ((field, wv), (_, gv)) in table_fields(w).iter().zip(table_fields(g).iter()) {
            if wv != gv {
                diffs.push(format!(
                    "{name} table {} {field}:\n  want {wv}\n  got  {gv}",
                    t + 1
                ));
            }
        }
    }
    diffs
}

/// The OCR text carries two damages that the PDFs (rendered from the clean tables) do not:
/// table 2's goals are numbered 3, 4, 3 in the OCR, and table 10's `≥95%` lost its
/// comparator to an unreadable `)`. Everything else must be equal.
#[test]
fn every_seed_pdf_gives_the_text_sample_records() {
    for name in SEEDS {
        let diffs = compare(name);
        let unexpected: Vec<&String> = diffs
            .iter()
            .filter(|d| {
                !(d.starts_with(&format!("{name} table 2 checks"))
                    || d.starts_with(&format!("{name} table 10 indicator 3:")))
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "{name}:\n{}",
            unexpected
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let got = pdf_records(name);
        assert_eq!(
            got[1].checks["goal_numbering"].detail, "numbered 1, 2, 3",
            "{name}"
        );
        let v = &got[9].indicators[2].value;
        assert_eq!(
            (&*v.text, v.comparator.as_deref()),
            ("≥95%", Some("≥")),
            "{name}"
        );
    }
}

#[test]
fn records_from_pdfs_carry_pages_not_lines() {
    for name in SEEDS {
        let got = pdf_records(name);
        let mut last_end = 1;
        for r in &got {
            assert_eq!(r.source.lines, None, "{name}");
            let p = r.source.pages.expect("pages");
            assert!(p.start >= last_end && p.end >= p.start, "{name}: {p:?}");
            last_end = p.start;
            for i in &r.indicators {
                assert_eq!(i.lines, None);
                let ip = i.pages.expect("indicator pages");
                assert!(
                    ip.start >= p.start && ip.end <= p.end,
                    "{name}: {ip:?} in {p:?}"
                );
            }
            assert!(
                r.warnings.iter().all(|w| w.line.is_none()),
                "{name}: warnings point at pages"
            );
        }
    }
}

/// The pages each record and indicator claims, checked against poppler's text of those
/// pages (skipped, with a note, when `pdftotext` is not installed).
#[test]
fn pages_agree_with_pdftotext() {
    for name in SEEDS {
        let path = format!("{}/../../samples/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
        let Some(poppler) = poppler_pages(std::path::Path::new(&path)) else {
            println!("note: pdftotext not installed, page oracle skipped");
            return;
        };
        let diffs = page_differences(&pdf_records(name), &poppler);
        assert!(diffs.is_empty(), "{name}:\n{}", diffs.join("\n"));
    }
}

/// Rows and rowspan cells cut by page breaks, as each producer draws them, still give one
/// indicator each: `LibreOffice`'s two-part row (`可持续影响指标（必` on page 9, `填）` and the
/// rest of the 三级 name on page 10) is one indicator spanning both pages; fpdf2's
/// rowspan labels repeated after a break and Chromium's rows without borders at the break
/// give no extra indicator (the counts are checked field by field above).
#[test]
fn row_cut_by_page_break_is_one_indicator_on_both_pages() {
    let got = pdf_records("seed-libreoffice.pdf");
    let i = got
        .iter()
        .flat_map(|r| &r.indicators)
        .find(|i| i.name.starts_with("开展12333"))
        .expect("indicator");
    assert_eq!(
        (
            &*i.level2,
            i.level2_note.as_deref(),
            &*i.name,
            &*i.value.text
        ),
        (
            "可持续影响指标",
            Some("必填"),
            "开展12333、我的宁夏手机APP及网上人社系统宣传等，不断提升运行效能。",
            "不断提升"
        )
    );
    let p = i.pages.expect("pages");
    assert_eq!((p.start, p.end), (9, 10));
}

#[test]
#[ignore = "report: run with --ignored --nocapture to see every difference"]
fn report_differences() {
    for name in SEEDS {
        let d = compare(name);
        println!("== {name}: {} differences", d.len());
        for x in d.iter().take(40) {
            println!("{x}");
        }
    }
}

#[test]
#[ignore = "report: page spans per table"]
fn report_pages() {
    for name in SEEDS {
        let spans: Vec<String> = pdf_records(name)
            .iter()
            .map(|r| {
                r.source
                    .pages
                    .map_or("-".into(), |p| format!("{}-{}", p.start, p.end))
            })
            .collect();
        println!("{name}: {}", spans.join(" "));
    }
}
