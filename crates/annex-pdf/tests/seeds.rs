//! The seed PDFs in `samples/pdf/`: the 12 tables of `samples/pingluo-2024-annex2.txt`,
//! rendered by six producers. Every producer must give the same rows.

use std::path::PathBuf;

use annex_pdf::{PdfLines, extract};

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> PdfLines {
    extract(&sample(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Cells with white space removed: producers differ in the spaces they draw (`4670 人`),
/// canonical text drops those next to CJK anyway.
fn cells(text: &str) -> Vec<String> {
    text.split('\t')
        .map(|c| c.chars().filter(|ch| !ch.is_whitespace()).collect())
        .collect()
}

/// `(三级指标, 指标值)` of every indicator row: five cells, the first empty or `绩效指标`.
fn indicators(pdf: &PdfLines) -> Vec<(String, String)> {
    pdf.lines
        .iter()
        .map(|l| cells(&l.text))
        .filter(|c| c.len() == 5 && (c[0].is_empty() || c[0] == "绩效指标"))
        .filter(|c| !c[3].is_empty() && !c[4].is_empty() && c[4] != "指标值")
        .map(|c| (c[3].clone(), c[4].clone()))
        .collect()
}

const PROJECTS: [&str; 12] = [
    "行政事业单位退休人员养老金支出差额财政兜底资金",
    "机关事业单位养老保险制度改革中央财政补助经费",
    "城乡居民参加养老保险县配资金",
    "2024年企业离退休人员民族团结奖",
    "2023年村干部参加养老保险个人缴纳部分补助",
    "2024年机关事业单位职业年金做实预算资金支出",
    "对企业职工养老保险基金的补助（取暖费）",
    "社保经办机构管理服务能力提升工作经费",
    "2024年社保卡制卡工作经费",
    "被征地农民参加养老保险县配资金",
    "城乡居民参加养老保险自治区财政补助资金",
    "城乡居民参加养老保险中央补贴部分",
];

/// What every producer's output must contain.
fn check_common(name: &str, pdf: &PdfLines) {
    // Headings outside the table are lines of their own, on page 1.
    let first: Vec<String> = pdf
        .lines
        .iter()
        .take(3)
        .map(|l| cells(&l.text).concat())
        .collect();
    assert_eq!(
        first,
        [
            "附件2：平罗县社会保险事业管理中心项目支出预算绩效目标表",
            "部门项目支出预算绩效目标表",
            "（2024年度）"
        ],
        "{name}"
    );
    assert!(
        pdf.lines.iter().take(3).all(|l| l.page == Some(1)),
        "{name}"
    );

    // The first indicator row, cell by cell, on page 1.
    let row = pdf
        .lines
        .iter()
        .find(|l| l.text.contains("全县机关事业单位退休人员\t"))
        .unwrap_or_else(|| panic!("{name}: no 4670 row"));
    assert_eq!(
        cells(&row.text),
        [
            "绩效指标",
            "产出指标",
            "数量指标（必填硬性指标）",
            "全县机关事业单位退休人员",
            "4670人"
        ],
        "{name}"
    );
    assert_eq!(row.page, Some(1), "{name}");
    // Its rowspan labels appear only there: the next row has empty level cells.
    let next = &pdf.lines[pdf.lines.iter().position(|l| l == row).unwrap_or(0) + 1];
    assert_eq!(
        cells(&next.text),
        ["", "", "", "全县机关事业单位退休人员养老金支出", "3.43亿元"],
        "{name}"
    );

    // All 12 projects, in order.
    let names: Vec<String> = pdf
        .lines
        .iter()
        .map(|l| cells(&l.text))
        .filter(|c| c[0] == "项目名称")
        .filter_map(|c| c.into_iter().skip(1).find(|x| !x.is_empty()))
        .collect();
    assert_eq!(names, PROJECTS, "{name}");

    // The wrapped goals cell is one cell.
    assert!(
        pdf.lines.iter().any(|l| cells(&l.text).get(..2).unwrap_or_default()
            == ["年度总体目标", "1.保证机关事业单位退休人员养老金支付工作平稳运行。2.全力推进社会维稳工作，保障民生。3.社会公众对全县社保工作满意度逐年提升。"]),
        "{name}"
    );

    // Ordinals run 1, 2, 3 … and pages never go back.
    for (i, l) in pdf.lines.iter().enumerate() {
        assert_eq!((l.first, l.last), (i as u32 + 1, i as u32 + 1), "{name}");
    }
    assert!(
        pdf.lines.windows(2).all(|w| w[0].page <= w[1].page),
        "{name}"
    );

    // No radical code points, no undecodable glyphs.
    let all: String = pdf.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(
        !all.chars().any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)),
        "{name}: radicals left"
    );
    assert!(!all.contains('\u{FFFD}'), "{name}: undecodable glyphs");
    assert!(pdf.warnings.is_empty(), "{name}: {:?}", pdf.warnings);
}

/// The indicator rows all producers agree on (reportlab's, checked by hand against the
/// text sample: its differences there are the sample's OCR damage).
fn reference_indicators() -> Vec<(String, String)> {
    indicators(&read("seed-reportlab.pdf"))
}

/// Every indicator row equal to the reference, except those whose name starts with one
/// of `known` (each such difference is asserted by its own test).
fn check_indicators(name: &str, pdf: &PdfLines, known: &[&str]) {
    let got = indicators(pdf);
    let want = reference_indicators();
    assert_eq!(got.len(), want.len(), "{name}: indicator rows");
    for (g, w) in got.iter().zip(&want) {
        if !known.iter().any(|k| g.0.starts_with(k)) {
            assert_eq!(g, w, "{name}");
        }
    }
}

#[test]
fn libreoffice_type1_subsets() {
    let pdf = read("seed-libreoffice.pdf");
    assert_eq!(pdf.pages, 14);
    check_common("libreoffice", &pdf);
    check_indicators("libreoffice", &pdf, &["开展12333"]);
}

/// `LibreOffice` draws the borders of a row cut by a page break on both pages, so nothing
/// in the drawing says the two parts are one row: the rest stays a line of its own,
/// for the grammar to join (`continued_name`).
#[test]
fn libreoffice_row_cut_by_page_break_keeps_its_parts() {
    let pdf = read("seed-libreoffice.pdf");
    let at = pdf
        .lines
        .iter()
        .position(|l| l.text.contains("开展12333"))
        .unwrap_or(0);
    assert_eq!(
        cells(&pdf.lines[at].text),
        [
            "",
            "",
            "可持续影响指标（必",
            "开展12333、我的宁夏",
            "不断提升"
        ]
    );
    assert_eq!(
        cells(&pdf.lines[at + 1].text),
        [
            "",
            "",
            "填）",
            "手机APP及网上人社系统宣传等，不断提升运行效能。",
            ""
        ]
    );
    assert_eq!(
        (pdf.lines[at].page, pdf.lines[at + 1].page),
        (Some(9), Some(10))
    );
}

#[test]
fn reportlab_truetype_line_segment_grid() {
    let pdf = read("seed-reportlab.pdf");
    assert_eq!(pdf.pages, 12);
    check_common("reportlab", &pdf);
    assert_eq!(indicators(&pdf).len(), 102);
}

#[test]
fn reportlab_cid_unigb_ucs2_without_tounicode() {
    let pdf = read("seed-reportlab-cid.pdf");
    assert_eq!(pdf.pages, 12);
    check_common("reportlab-cid", &pdf);
    check_indicators("reportlab-cid", &pdf, &[]);
}

#[test]
fn fpdf2_cid_w_ranges() {
    let pdf = read("seed-fpdf2.pdf");
    assert_eq!(pdf.pages, 9);
    check_common("fpdf2", &pdf);
    check_indicators("fpdf2", &pdf, &[]);
}

#[test]
fn chromium_identity_h_fill_rulings() {
    let pdf = read("seed-chromium.pdf");
    assert_eq!(pdf.pages, 9);
    check_common("chromium", &pdf);
    check_indicators("chromium", &pdf, &[]);
}

#[test]
fn chromium_type3_radicals_folded() {
    let pdf = read("seed-chromium-type3.pdf");
    assert_eq!(pdf.pages, 10);
    check_common("chromium-type3", &pdf);
    check_indicators("chromium-type3", &pdf, &[]);
    assert!(pdf.lines.iter().any(|l| l.text.ends_with("\t1月—12月")));
}

/// Chromium leaves out the top border of a table continued on a new page: the first row
/// there is still one row of five cells (the vertical rulings' ends stand in for the
/// missing border), not free text.
#[test]
fn chromium_first_row_after_page_break_without_top_border() {
    let pdf = read("seed-chromium.pdf");
    let row = pdf
        .lines
        .iter()
        .find(|l| l.text.contains("开展12333"))
        .map(|l| cells(&l.text))
        .unwrap_or_default();
    assert_eq!(
        row,
        [
            "",
            "",
            "可持续影响指标（必填）",
            "开展12333、我的宁夏手机APP及网上人社系统宣传等，不断提升运行效能。",
            "不断提升"
        ]
    );
}
