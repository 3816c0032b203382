//! Every file of the bad-input corpus (copied to `tests/fixtures/bad-text/`) and the
//! reference annex `samples/pingluo-2024-annex2.txt` through `normalize`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use annex_normalize::{Normalized, WarningCode, normalize};

const SAMPLE: &[u8] = include_bytes!("../../../samples/pingluo-2024-annex2.txt");

fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-text")
}

fn texts(n: &Normalized) -> Vec<&str> {
    n.lines.iter().map(|l| l.text.as_str()).collect()
}

fn sample() -> Normalized {
    normalize(SAMPLE)
}

fn codes(n: &Normalized) -> Vec<(WarningCode, Option<u32>)> {
    n.warnings.iter().map(|w| (w.code, w.line)).collect()
}

#[test]
fn every_corpus_file_normalizes_quickly_and_bounded() {
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(fixtures_dir())
        .unwrap_or_else(|e| panic!("list fixtures: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let start = Instant::now();
        let n = normalize(&bytes);
        // Generous for a debug build on a busy machine; quadratic behaviour blows far past it.
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
        let out: usize = n.lines.iter().map(|l| l.text.len() + 1).sum();
        // Worst growth: every byte an undecodable U+FFFD (3 bytes); markup only shrinks.
        assert!(
            out <= bytes.len() * 3 + 1,
            "{}: {out} bytes out of {}",
            path.display(),
            bytes.len()
        );
        assert!(n.warnings.len() <= n.lines.len() * 3, "{}", path.display());
        for (i, line) in n.lines.iter().enumerate() {
            assert_eq!(line.first as usize, i + 1, "{}: numbering", path.display());
            assert_eq!(line.first, line.last);
            assert!(
                !line.text.chars().any(|c| c.is_control() && c != '\t'),
                "{}",
                path.display()
            );
            assert!(
                !line.text.ends_with('\t'),
                "{}: trailing empty cell",
                path.display()
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 15, "all corpus files present");
}

#[test]
fn sample_content() {
    let n = sample();
    assert_eq!(n.encoding, "UTF-8");
    assert_eq!(n.lines.len(), 267);
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
    let line = |k: usize| n.lines[k - 1].text.as_str();
    assert_eq!(line(5), "部门项目支出预算绩效目标表");
    assert_eq!(line(6), "（2024年度）");
    assert_eq!(line(10), "项目资金（万元）\t年度资金总额：\t14500");
    assert_eq!(line(11), "\t其中：财政拨款\t14500");
    assert_eq!(
        line(13),
        "年度总体目标\t1.保证机关事业单位退休人员养老金支付工作平稳运行。2.全力推进社会维稳工作，保障民生。3.社会公众对全县社保工作满意度逐年提升。"
    );
    assert_eq!(
        line(15),
        "绩效指标\t产出指标\t数量指标（必填硬性指标）\t全县机关事业单位退休人员\t4670人"
    );
    assert_eq!(
        line(16),
        "\t\t\t全县机关事业单位退休人员养老金支出\t3.43亿元"
    );
    assert_eq!(line(18), "");
    assert_eq!(
        line(19),
        "\t\t时效指标（必填）\t及时足额支付机关事业单位退休人员养老金\t1月—12月"
    );
    assert_eq!(
        line(125).rsplit('\t').nth(1),
        Some("全县机关事业单位职业年金缴费人数（2018年、2021.1-2021.8）")
    );
    assert_eq!(line(137), "部门项目支出预算绩效目标表");
    assert_eq!(line(138), "（2024年度）");
    assert_eq!(
        line(145),
        "年度总体目标\t1.确保全县企业职工退休人员冬季取暖费足额及时发放到位。2.全力推进社会维稳工作，保障民生，广大群众对全县社保工作满意度逐年提升。"
    );
    assert_eq!(
        line(147).rsplit('\t').nth(1),
        Some("全县企业职工退休人数（2021年12月以前）")
    );
    assert_eq!(
        line(148).rsplit('\t').nth(1),
        Some("全县企业职工退休人数（2022年2023新退休）")
    );
    assert!(
        line(170).contains("社保政策宣传，制作宣传条幅；2.开展"),
        "{}",
        line(170)
    );
    assert!(
        line(181).contains("社会保险手机APP使用率不断上升"),
        "{}",
        line(181)
    );
    assert!(
        line(182).contains("开展12333、我的宁夏手机APP及网上人社系统宣传等，"),
        "{}",
        line(182)
    );
    assert!(
        line(183).ends_with("开通网上申报单位覆盖率，调查达到≥98%"),
        "{}",
        line(183)
    );
    // The stray `)` OCR made of a `≥` stays as printed for the grammar to report.
    assert!(
        line(221).ends_with("被征地农民参保及缴费时效性达) 95%"),
        "{}",
        line(221)
    );
    assert_eq!(line(220).split('\t').nth(3), Some("被征地农民，参保率达"));
}

#[test]
fn normalizing_normalized_text_changes_nothing() {
    let n = sample();
    let joined = texts(&n).join("\n");
    let again = normalize(joined.as_bytes());
    assert_eq!(texts(&again), texts(&n));
    assert!(again.warnings.is_empty());
}

#[test]
fn other_encodings_and_line_ends_give_the_sample() {
    let want = sample();
    for (file, encoding) in [
        ("seed_utf8_bom.txt", "UTF-8"),
        ("seed_crlf.txt", "UTF-8"),
        ("seed_lone_cr.txt", "UTF-8"),
        ("seed_utf16le_bom.txt", "UTF-16LE"),
        ("seed_gbk.txt", "GB18030"),
    ] {
        let n = normalize(&fixture(file));
        assert_eq!(n.encoding, encoding, "{file}");
        assert_eq!(texts(&n), texts(&want), "{file}");
        assert!(n.warnings.is_empty(), "{file}: {:?}", n.warnings);
        assert!(n.lines.iter().all(|l| l.page.is_none()), "{file}");
    }
}

#[test]
fn gb18030_four_byte_character() {
    let want = sample();
    let n = normalize(&fixture("seed_gb18030.txt"));
    assert_eq!(n.encoding, "GB18030");
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
    // The seed, then a blank line and one line only GB18030 (not GBK) can encode.
    assert_eq!(texts(&n)[..267], texts(&want)[..]);
    // `，` between two non-CJK characters is ASCII in the canonical form.
    assert_eq!(
        n.lines[267].text,
        "备注：单位负责人王𡈽（U+2123D,GB18030四字节，GBK无此字）"
    );
}

#[test]
fn nul_bytes_are_removed_with_warnings() {
    let want = sample();
    let n = normalize(&fixture("seed_nul_bytes.txt"));
    assert_eq!(n.encoding, "UTF-8");
    // A NUL after every tab, plus a line of 64 NULs inserted as line 141.
    let got = texts(&n);
    assert_eq!(got.len(), 268);
    assert_eq!(got[140], "");
    let without: Vec<&str> = got[..140].iter().chain(&got[141..]).copied().collect();
    assert_eq!(without, texts(&want));
    assert!(
        n.warnings
            .iter()
            .all(|w| w.code == WarningCode::ControlChars)
    );
    let nul_line = n.warnings.iter().find(|w| w.line == Some(141));
    assert_eq!(
        nul_line.map(|w| w.message.as_str()),
        Some("removed 64 control characters (first U+0000)")
    );
    // One warning per line that had a tab (and so a NUL).
    let with_tabs = SAMPLE
        .split(|&b| b == b'\n')
        .filter(|l| l.contains(&b'\t'))
        .count();
    assert_eq!(n.warnings.len(), with_tabs + 1);
}

#[test]
fn invalid_utf8_warns_at_its_lines() {
    let want = sample();
    let n = normalize(&fixture("seed_invalid_utf8.txt"));
    assert_eq!(n.encoding, "UTF-8");
    let lines: Vec<Option<u32>> = n.warnings.iter().map(|w| w.line).collect();
    assert_eq!(
        lines,
        [
            Some(45),
            Some(90),
            Some(134),
            Some(179),
            Some(223),
            Some(267)
        ]
    );
    assert!(
        n.warnings
            .iter()
            .all(|w| w.code == WarningCode::UndecodableBytes)
    );
    // Only those lines differ from the sample, each by U+FFFD at its end.
    for (k, (got, want)) in n.lines.iter().zip(&want.lines).enumerate() {
        if lines.contains(&Some(k as u32 + 1)) {
            assert!(
                got.text.contains('\u{FFFD}'),
                "line {}: {}",
                k + 1,
                got.text
            );
        } else {
            assert_eq!(got.text, want.text, "line {}", k + 1);
        }
    }
}

#[test]
fn markup_torture() {
    let n = normalize(&fixture("nested_div_10k.html"));
    assert_eq!(n.lines.len(), 1);
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);

    let n = normalize(&fixture("nested_table_10k.html"));
    assert!(n.lines.iter().any(|l| l.text.contains("14500")));

    let n = normalize(&fixture("unclosed_tags.html"));
    assert!(
        n.lines
            .iter()
            .any(|l| l.text.contains("项目") && l.text.contains("14500"))
    );

    // Math that never closes is kept as text, and said so.
    let n = normalize(&fixture("latex_unclosed.tex"));
    assert_eq!(codes(&n), [(WarningCode::UnclosedMarkup, Some(1))]);
    let text = &n.lines[0].text;
    assert!(
        text.contains("一般公共预算") && text.contains("$\\frac{14500}"),
        "{}",
        text.chars().take(80).collect::<String>()
    );
    assert_eq!(
        text.matches('{').count(),
        String::from_utf8_lossy(&fixture("latex_unclosed.tex"))
            .matches('{')
            .count()
    );

    let n = normalize(&fixture("long_cell.tsv"));
    assert!(n.lines.iter().any(|l| l.text.len() > 500_000));
}

#[test]
fn garbage_and_empty() {
    let n = normalize(&fixture("empty.txt"));
    assert!(n.lines.is_empty() && n.warnings.is_empty());
    assert_eq!(n.encoding, "UTF-8");

    let n = normalize(&fixture("binary_garbage.bin"));
    assert!(!n.lines.is_empty());
    assert!(
        n.warnings
            .iter()
            .any(|w| w.code == WarningCode::UndecodableBytes)
    );
}
