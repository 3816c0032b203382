//! Regression tests found by fuzzing and the hostile-input work (issue 6), each named
//! after the bug it guards: nothing a table says may be lost without a warning.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use annex_grammar::{InputInfo, parse};
use annex_normalize::WarningCode;

fn parse_text(text: &str) -> annex_grammar::Parsed<'static> {
    parse(
        &annex_normalize::normalize(text.as_bytes()).lines,
        &InputInfo::default(),
    )
    .into_owned()
}

/// `项目属性 ⇥ 0101-一年期项目 ⇥ 0202-多年期项目`: the second cell used to replace the first
/// without a word.
#[test]
fn second_attribute_cell_is_reported_not_lost() {
    let parsed = parse_text(
        "部门项目支出预算绩效目标表\n（2024年度）\n项目属性\t0101-一年期项目\t0202-多年期项目\n",
    );
    let record = &parsed.records[0];
    let attribute = record.project.attribute.as_ref().unwrap();
    assert_eq!(attribute.code.as_deref(), Some("0101"));
    assert_eq!(attribute.name, "一年期项目");
    let lost: Vec<&str> = record
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::UnparsedLine && w.line == Some(3))
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        lost,
        ["second 项目属性 `0202-多年期项目` not read: the first one is kept"]
    );
}
