//! Shared helpers: run text through normalize + grammar as the CLI does.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use annex_grammar::{InputInfo, Parsed, Record};

pub fn parse_text(text: &str) -> Parsed<'static> {
    let n = annex_normalize::normalize(text.as_bytes());
    let info = InputInfo {
        path: "test.txt".into(),
        ..InputInfo::default()
    };
    annex_grammar::parse_with_warnings(&n.lines, n.warnings, &info).into_owned()
}

pub fn sample() -> Parsed<'static> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/pingluo-2024-annex2.txt"
    );
    let text = std::fs::read_to_string(path).expect("sample is in the repo");
    parse_text(&text)
}

/// Codes of a record's warnings with their lines, for compact assertions.
pub fn codes(r: &Record) -> Vec<(String, Option<u32>)> {
    r.warnings
        .iter()
        .map(|w| (w.code.as_str().to_owned(), w.line))
        .collect()
}

/// A minimal table around some indicator rows (lines 1–9 are header; rows start at 10).
pub fn table_with_rows(rows: &str) -> String {
    format!(
        "部门项目支出预算绩效目标表\n（2024年度）\n项目名称\t测试项目\n\
         主管部门及代码\t平罗县人力资源和社会保障局\t实施单位\t平罗县社会保险事业管理中心\n\
         项目属性\t0101-一年期项目\t项目期\t1年\n\
         项目资金（万元）\t年度资金总额：\t25\n\t其中：财政拨款\t25\n\t其他资金\t\n\
         年度总体目标\t1. 目标一。 2. 目标二。\n\
         名称\t一级指标\t二级指标\t三级指标\t指标值\n{rows}"
    )
}
