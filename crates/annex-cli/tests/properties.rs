//! The fuzz targets' properties (issue 6) as proptest tests, so every CI run checks them:
//! decoding keeps valid UTF-8 and reports every replacement; normalization is idempotent;
//! every non-blank line of a table is consumed or reported; every record is canonical JSON
//! that parses back and validates against the schema.
//!
//! The properties themselves are in `properties/check.rs`, shared with `fuzz/`. The inputs
//! here are form-like: the form's labels, taxonomy, header fields and values, in cells and
//! lines damaged the way OCR and hostile files damage them (cut labels, markup, full-width
//! forms, stray bytes, lost cells, odd line ends), so the grammar's branches are reached,
//! which random bytes alone rarely do.

// In tests a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "properties/check.rs"]
mod check;

use proptest::prelude::*;
use proptest::sample::select;

const TITLES: &[&str] = &[
    "部门项目支出预算绩效目标表",
    "<h2>部门项目支出预算绩效目标表</h2>",
    "部门项目支出预算绩效目标 表",
    "附件2：某单位项目支出预算绩效目标表",
];
const YEARS: &[&str] = &["（2024年度）", "(2024 年度)", "2023年度", "（20２4年度"];
const HEADER_LABELS: &[&str] = &[
    "项目名称",
    "主管部门及代码",
    "主管部门",
    "实施单位",
    "项目属性",
    "项目期",
    "项目资金 (万元)",
    "项目资金（万元）",
    "年度资金总额:",
    "其中: 财政拨款",
    "其他资金",
    "年度总体目标",
];
const LEVEL1: &[&str] = &["产出指标", "效益指标", "满意度指标", "成本指标", "绩效指标"];
const LEVEL2: &[&str] = &[
    "数量指标",
    "数量指标 (必填硬性指标)",
    "质量指标（必填）",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会效益指标",
    "可持续影响指标（必",
    "服务对象满意度指标（必填）",
    "效益指",
    "标",
    "填）",
];
const COLUMN_HEADERS: &[&str] = &["名称", "一级指标", "二级指标", "三级指标", "指标值"];
const NAMES: &[&str] = &[
    "全县机关事业单位退休人员",
    "社会保险手机 APP 使用率",
    "确保各项补贴政策落实到位，",
    "保障民生。",
    "开通网上申报单位覆盖率，调查达到≥98%",
    "城乡居民养老保险参保缴费补贴",
    "人数2018年",
    "",
];
const VALUES: &[&str] = &[
    "4670 人",
    "≥95%",
    "$\\geq 98\\%$",
    "≤ 3.43 亿元",
    "1月—12月",
    "14500",
    "达) 95%",
    "不低于 90%",
    "22000张",
    "<5%",
    "100 万元",
    "１２",
    "9999999999999999999999999999999",
    "0.0000000000000000000000000001亿元",
    "",
];
const NOISE: &[&str] = &[
    "— 3 —",
    "第3页 共12页",
    "<p>",
    "</p>",
    "<td>",
    "&nbsp;",
    "&#12288;",
    "$\\text{",
    "$",
    "（",
    "）",
    "1. 保证工作平稳运行。 2. 全力推进",
    "①",
    "\u{FFFD}",
    "\u{FEFF}",
];

/// One cell: mostly form vocabulary, sometimes wrapped in markup or noise.
fn cell() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        select(HEADER_LABELS),
        select(LEVEL1),
        select(LEVEL2),
        select(COLUMN_HEADERS),
        select(NAMES),
        select(VALUES),
        select(NOISE),
    ]
    .prop_map(str::to_owned);
    (word, 0..6u8).prop_map(|(w, wrap)| match wrap {
        0 => format!("<p>{w}</p>"),
        1 => format!(" {w} "),
        _ => w,
    })
}

/// One line: a form line (title, 年度, header field, column headers, indicator row) or
/// free cells, joined by tabs.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => select(TITLES).prop_map(str::to_owned),
        1 => select(YEARS).prop_map(str::to_owned),
        3 => (select(HEADER_LABELS), select(NAMES), select(VALUES))
            .prop_map(|(l, n, v)| format!("{l}\t{n}{v}\t\t")),
        1 => Just(COLUMN_HEADERS.join("\t")),
        6 => (
            select(LEVEL1),
            select(LEVEL2),
            select(NAMES),
            select(VALUES),
            0..8u8
        )
            .prop_map(|(l1, l2, n, v, drop)| match drop {
                // Lost leading cells, as OCR loses them.
                0 => format!("\t\t{n}\t{v}"),
                1 => format!("\t{l2}\t{n}"),
                2 => v.to_owned(),
                _ => format!("{l1}\t{l2}\t{n}\t{v}"),
            }),
        4 => prop::collection::vec(cell(), 0..6).prop_map(|cs| cs.join("\t")),
        1 => Just(String::new()),
    ]
}

/// A form-like document with line ends of every kind and a few damaged bytes.
fn document() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((line(), select(&["\n", "\r\n", "\r", "\n\x0C"][..])), 0..40),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
    )
        .prop_map(|(lines, damage)| {
            let mut bytes: Vec<u8> = lines
                .iter()
                .flat_map(|(l, end)| [l.as_bytes(), end.as_bytes()].concat())
                .collect();
            for (at, b) in damage {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = b;
                }
            }
            bytes
        })
}

/// Every table of a document always starts with a title, so the grammar reads a table.
fn table() -> impl Strategy<Value = Vec<u8>> {
    document().prop_map(|body| {
        let mut bytes = "部门项目支出预算绩效目标表\n（2024年度）\n"
            .as_bytes()
            .to_vec();
        bytes.extend(body);
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn decode_keeps_utf8_and_reports_replacements(bytes in prop_oneof![
        document(),
        prop::collection::vec(any::<u8>(), 0..200),
    ]) {
        check::decode(&bytes);
    }

    #[test]
    fn normalize_is_idempotent(bytes in prop_oneof![
        document(),
        prop::collection::vec(any::<u8>(), 0..200),
    ]) {
        check::normalize(&bytes);
    }

}

proptest! {
    // The grammar and the schema validation cost more per case: fewer cases keep the
    // suite under a few seconds in a debug build.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_table_line_is_consumed_or_reported(bytes in table()) {
        check::grammar(&bytes);
    }

    #[test]
    fn records_are_canonical_json_that_validates(bytes in table()) {
        let parsed = check::pipeline_with(&bytes, annex_cli::extract_bytes);
        for r in &parsed.records {
            let json: serde_json::Value =
                serde_json::from_str(&annex_emit::to_canonical(r).unwrap()).unwrap();
            if let Err(errors) = annex_emit::testing::validate(&json) {
                panic!("record {} violates the schema:\n{}", r.source.table, errors.join("\n"));
            }
        }
    }
}

/// The reference sample and the shape samples satisfy every property (the fuzzers' seeds).
#[test]
fn samples_satisfy_every_property() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let mut paths = vec![root.join("pingluo-2024-annex2.txt")];
    let shapes = std::fs::read_dir(root.join("shapes")).unwrap();
    paths.extend(shapes.map(|e| e.unwrap().path()));
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        check::decode(&bytes);
        check::normalize(&bytes);
        check::grammar(&bytes);
        check::pipeline_with(&bytes, annex_cli::extract_bytes);
    }
}
