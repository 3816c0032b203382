//! One test per OCR quirk of the form, each shown literally as the OCR engine printed it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{codes, parse_text, table_with_rows};

fn rows_of(text: &str) -> Vec<(String, String, Option<String>, String, String)> {
    let parsed = parse_text(&table_with_rows(text));
    assert_eq!(parsed.records.len(), 1, "one table");
    parsed.records[0]
        .indicators
        .iter()
        .map(|i| {
            (
                i.level1.to_string(),
                i.level2.to_string(),
                i.level2_note.as_deref().map(str::to_owned),
                i.name.to_string(),
                i.value.text.to_string(),
            )
        })
        .collect()
}

fn row(
    l1: &str,
    l2: &str,
    note: Option<&str>,
    name: &str,
    value: &str,
) -> (String, String, Option<String>, String, String) {
    (
        l1.into(),
        l2.into(),
        note.map(Into::into),
        name.into(),
        value.into(),
    )
}

#[test]
fn row_that_lost_its_leading_cells_inherits_its_levels() {
    let text = "绩效指标\t产出指标\t成本指标 (必填硬性指标)\t城乡居民基础养老金县级补贴\t2053 万元\n\
                \t城乡居民养老保险参保缴费补贴\t\t820 万元\t\n\
                电子签章费\t50000元\t\t\t\t\n";
    let rows = rows_of(text);
    assert_eq!(
        rows,
        vec![
            row(
                "产出指标",
                "成本指标",
                Some("必填硬性指标"),
                "城乡居民基础养老金县级补贴",
                "2053万元"
            ),
            row(
                "产出指标",
                "成本指标",
                Some("必填硬性指标"),
                "城乡居民养老保险参保缴费补贴",
                "820万元"
            ),
            row(
                "产出指标",
                "成本指标",
                Some("必填硬性指标"),
                "电子签章费",
                "50000元"
            ),
        ]
    );
    let r = &parse_text(&table_with_rows(text)).records[0];
    let shifted: Vec<_> = codes(r)
        .into_iter()
        .filter(|(c, _)| c == "shifted_row")
        .collect();
    assert_eq!(
        shifted,
        vec![
            ("shifted_row".into(), Some(12)),
            ("shifted_row".into(), Some(13))
        ]
    );
}

#[test]
fn label_split_across_lines_with_the_name_continuing_below() {
    let text = "绩效指标\t产出指标\t数量指标\t人数\t5人\n\
                效益指\t社会效益指标 (必填)\t有效地解决了城乡居民养老保险县配补贴部分,\t有效解决\t\n\
                \n\
                \t标\t\t确保各项补贴政策落实到位，保障民生。\t\n\
                \t\t可持续影响指标（必填）\t补贴及时到位。\t提高\n";
    let rows = rows_of(text);
    assert_eq!(
        rows[1],
        row(
            "效益指标",
            "社会效益指标",
            Some("必填"),
            "有效地解决了城乡居民养老保险县配补贴部分，确保各项补贴政策落实到位，保障民生。",
            "有效解决"
        )
    );
    assert_eq!(
        rows[2],
        row(
            "效益指标",
            "可持续影响指标",
            Some("必填"),
            "补贴及时到位。",
            "提高"
        )
    );
    let r = &parse_text(&table_with_rows(text)).records[0];
    let c = codes(r);
    assert!(c.contains(&("joined_label".into(), Some(14))), "{c:?}");
    assert!(c.contains(&("continued_name".into(), Some(14))), "{c:?}");
    let span = r.indicators[1].lines.unwrap();
    assert_eq!((span.start, span.end), (12, 14), "the row spans both lines");
}

#[test]
fn value_alone_on_the_next_line() {
    let text = "绩效指标\t满意度指标\t服务对象满意度指标（必填）\t广大参保者对社保工作总体满意度评价持续提高\n\
                \t\t\t≥95%\n";
    let rows = rows_of(text);
    assert_eq!(
        rows,
        vec![row(
            "满意度指标",
            "服务对象满意度指标",
            Some("必填"),
            "广大参保者对社保工作总体满意度评价持续提高",
            "≥95%"
        )]
    );
    let r = &parse_text(&table_with_rows(text)).records[0];
    assert_eq!(r.indicators[0].value.comparator.as_deref(), Some("≥"));
    assert!(codes(r).contains(&("value_from_next_line".into(), Some(12))));
}

#[test]
fn name_and_value_in_one_cell_with_latex() {
    let text = "\t满意度指标\t服务对象满意度指标（必填）\t开通网上申报单位覆盖率，调查达到 $\\geq 98\\%$\n";
    let r = &parse_text(&table_with_rows(text)).records[0];
    let i = &r.indicators[0];
    assert_eq!(i.name, "开通网上申报单位覆盖率，调查达到");
    assert_eq!(i.value.text, "≥98%");
    assert_eq!(i.value.comparator.as_deref(), Some("≥"));
    assert_eq!(i.value.number.map(|n| n.to_string()).as_deref(), Some("98"));
    assert_eq!(i.value.unit.as_deref(), Some("%"));
    assert!(codes(r).contains(&("split_cell".into(), Some(11))));
}

#[test]
fn unreadable_comparator_is_null_and_reported_never_guessed() {
    let text = "绩效指标\t产出指标\t时效指标 (必填)\t被征地农民参保及缴费时效性达) 95%\t\t\t\n";
    let r = &parse_text(&table_with_rows(text)).records[0];
    let i = &r.indicators[0];
    assert_eq!(i.name, "被征地农民参保及缴费时效性达");
    assert_eq!(i.value.text, "95%");
    assert_eq!(i.value.comparator, None);
    assert_eq!(i.value.number.map(|n| n.to_string()).as_deref(), Some("95"));
    let w = r
        .warnings
        .iter()
        .find(|w| w.code.as_str() == "unreadable_mark")
        .expect("warned");
    assert_eq!(w.line, Some(11));
    assert!(
        w.message.contains("`)`"),
        "the raw mark is kept: {}",
        w.message
    );
}

#[test]
fn rows_starting_in_the_name_column_and_the_header_row() {
    let text = "绩效指标\t产出指标\t数量指标（必填硬性指标）\t全县企业职工退休人数\t28200 人\n\
                效益指标\t社会效益指标 (必填)\t村干部参保积极性明显提高。\t有效提高\t\n\
                满意度指标\t服务对象满意度指标（必填）\t退休人员对社保工作总体满意度达\t≥95%\t\n";
    let rows = rows_of(text);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        row(
            "效益指标",
            "社会效益指标",
            Some("必填"),
            "村干部参保积极性明显提高。",
            "有效提高"
        )
    );
    assert_eq!(rows[2].0, "满意度指标");
    let r = &parse_text(&table_with_rows(text)).records[0];
    assert!(r.warnings.is_empty(), "nothing to report: {:?}", r.warnings);
}

#[test]
fn repeated_title_and_year_is_one_table() {
    let text = "部门项目支出预算绩效目标表\n\n(2024 年度)\n\n\
                <h2 style=\"margin: 0;\">部门项目支出预算绩效目标表</h2>\t\t\t\t\n\
                <p>(2024 年度)</p>\t\t\t\t\n项目名称\t\t对企业职工养老保险基金的补助(取暖费)\t\t\n";
    let parsed = parse_text(text);
    assert_eq!(parsed.records.len(), 1);
    let r = &parsed.records[0];
    assert_eq!(
        r.project.name.as_deref(),
        Some("对企业职工养老保险基金的补助（取暖费）")
    );
    let c = codes(r);
    assert!(c.contains(&("duplicate_header".into(), Some(5))), "{c:?}");
    assert!(c.contains(&("duplicate_header".into(), Some(6))), "{c:?}");
}

#[test]
fn page_break_inside_the_indicator_section_continues_the_table() {
    let text = "绩效指标\t产出指标\t数量指标\t人数\t5人\n\
                \x0c部门项目支出预算绩效目标表\n（2024年度）\n\
                名称\t一级指标\t二级指标\t三级指标\t指标值\n\
                \t效益指标\t社会效益指标\t效果\t明显\n";
    let parsed = parse_text(&table_with_rows(text));
    assert_eq!(parsed.records.len(), 1);
    let r = &parsed.records[0];
    assert_eq!(r.indicators.len(), 2);
    assert_eq!(r.indicators[1].level1, "效益指标");
}

#[test]
fn every_nonblank_line_is_consumed_or_reported() {
    let text = "绩效指标\t产出指标\t数量指标\t人数\t5人\n\
                填报说明：本表由项目单位填写。\n";
    let r = &parse_text(&table_with_rows(text)).records[0];
    // The footnote is a single text cell after a complete row: a new row without a value,
    // reported, never dropped.
    assert!(
        r.warnings
            .iter()
            .any(|w| w.line == Some(12) && w.message.contains("填报说明")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn goals_split_on_every_numbering_style() {
    for (goals, want) in [
        ("1. 目标一。 2. 目标二。", vec!["目标一。", "目标二。"]),
        ("1、目标一；2、目标二", vec!["目标一；", "目标二"]),
        ("（1）目标一。（2）目标二。", vec!["目标一。", "目标二。"]),
        ("①目标一。②目标二。", vec!["目标一。", "目标二。"]),
        (
            "做实2021.1-2021.8月缴费。",
            vec!["做实2021.1-2021.8月缴费。"],
        ),
    ] {
        let text = format!("部门项目支出预算绩效目标表\n（2024年度）\n年度总体目标\t{goals}\n");
        let r = &parse_text(&text).records[0];
        assert_eq!(r.goals, want, "{goals}");
    }
}

#[test]
fn header_fields_with_a_department_code_and_glued_label() {
    let text = "部门项目支出预算绩效目标表\n（2024年度）\n项目名称：社保卡制卡\n\
                主管部门及代码\t[123001]平罗县人力资源和社会保障局\t实施单位\t平罗县社会保险事业管理中心\n\
                项目属性\t0101—一年期项目\t项目期\t1 年\n\
                项目资金（万元）\t年度资金总额：\t1,200.5\n\t其中：财政拨款\t1200\n\t其他资金\t0.5\n";
    let r = &parse_text(text).records[0];
    assert_eq!(r.project.name.as_deref(), Some("社保卡制卡"));
    assert_eq!(
        r.project.department.as_deref(),
        Some("平罗县人力资源和社会保障局")
    );
    assert_eq!(r.project.department_code.as_deref(), Some("123001"));
    let attr = r.project.attribute.as_ref().unwrap();
    assert_eq!(
        (attr.code.as_deref(), &*attr.name),
        (Some("0101"), "一年期项目")
    );
    assert_eq!(r.project.period.as_deref(), Some("1年"));
    assert_eq!(
        r.funds.total.map(|n| n.to_string()).as_deref(),
        Some("1200.5")
    );
    assert_eq!(r.funds.other.map(|n| n.to_string()).as_deref(), Some("0.5"));
    assert_eq!(
        r.checks["funds_sum"].status,
        annex_grammar::CheckStatus::Pass
    );
}

#[test]
fn text_without_any_table_gives_no_records_and_reports_its_lines() {
    let parsed = parse_text("hello\nworld\n");
    assert!(parsed.records.is_empty());
    assert_eq!(parsed.warnings.len(), 2);
    assert_eq!(parsed.warnings[0].line, Some(1));
}

#[test]
fn page_break_inside_the_header_fields_continues_the_table() {
    let text = "部门项目支出预算绩效目标表\n（2024年度）\n项目名称\t测试项目\n\
                — 1 —\n\x0c部门项目支出预算绩效目标表\n（2024年度）\n\
                主管部门及代码\t平罗县人力资源和社会保障局\t实施单位\t平罗县社会保险事业管理中心\n\
                部门项目支出预算绩效目标表\n（2024年度）\n项目名称\t第二个项目\n";
    let parsed = parse_text(text);
    let names: Vec<_> = parsed
        .records
        .iter()
        .map(|r| r.project.name.clone())
        .collect();
    assert_eq!(
        names,
        vec![Some("测试项目".into()), Some("第二个项目".into())]
    );
    assert_eq!(
        parsed.records[0].project.implementing_unit.as_deref(),
        Some("平罗县社会保险事业管理中心")
    );
    // The page number is reported, not dropped silently.
    assert!(
        parsed.records[0].warnings.iter().any(|w| w.line == Some(4)),
        "{:?}",
        parsed.records[0].warnings
    );
}

#[test]
fn note_cut_by_a_page_break_is_joined_and_the_name_continues() {
    // LibreOffice cuts this row across two pages and draws its borders on both.
    let text = "\t效益指标\t社会效益指标（必填）\t参保企业网上申报时效性明显增强。\t有效增强\n\
                \t\t可持续影响指标（必\t开展12333、我的宁夏\t不断提升\n\
                \t\t填）\t手机APP及网上人社系统宣传等，不断提升运行效能。\t\n\
                \t满意度指标\t服务对象满意度指标（必填）\t满意度\t≥98%\n";
    let r = &parse_text(&table_with_rows(text)).records[0];
    let i = &r.indicators[1];
    assert_eq!(i.level2, "可持续影响指标");
    assert_eq!(i.level2_note.as_deref(), Some("必填"));
    assert_eq!(
        i.name,
        "开展12333、我的宁夏手机APP及网上人社系统宣传等，不断提升运行效能。"
    );
    assert_eq!(i.value.text, "不断提升");
    assert_eq!(r.indicators.len(), 3);
    assert!(
        codes(r).contains(&("joined_label".into(), Some(13))),
        "{:?}",
        r.warnings
    );
    let req = &r.checks["required_indicators"];
    assert_eq!(
        req.status,
        annex_grammar::CheckStatus::Pass,
        "{}",
        req.detail
    );
}

#[test]
fn a_row_without_levels_is_kept_and_reported() {
    let r = &parse_text(&table_with_rows("\t\t\t孤立的指标\t5人\n")).records[0];
    assert_eq!(r.indicators.len(), 1);
    assert_eq!(
        (&*r.indicators[0].level1, &*r.indicators[0].level2),
        ("", "")
    );
    assert!(
        codes(r).contains(&("missing_field".into(), Some(11))),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_long_deadline_alone_on_the_next_line_is_the_value() {
    let r = &parse_text(&table_with_rows(
        "绩效指标\t产出指标\t时效指标（必填）\t补贴资金发放时间\n\t\t\t\t2024年12月31日前\n",
    ))
    .records[0];
    assert_eq!(r.indicators.len(), 1, "{:?}", r.indicators);
    assert_eq!(r.indicators[0].value.text, "2024年12月31日前");
}

#[test]
fn an_indicator_name_that_starts_like_a_header_label_is_an_indicator() {
    let r = &parse_text(&table_with_rows(
        "绩效指标\t产出指标\t质量指标（必填）\t参保率\t100%\n\t\t\t财政拨款到位率\t100%\n",
    ))
    .records[0];
    assert_eq!(r.indicators.len(), 2);
    assert_eq!(r.indicators[1].name, "财政拨款到位率");
    assert_eq!(r.funds.fiscal.map(|n| n.to_string()).as_deref(), Some("25"));
}

#[test]
fn a_huge_unparsed_line_is_quoted_by_its_start_and_size() {
    let junk = "垃".repeat(100_000);
    let parsed = parse_text(&format!("{junk}\n"));
    let w = &parsed.warnings[0];
    assert_eq!(w.line, Some(1));
    assert!(w.message.len() < 2_000, "{}", w.message.len());
    assert!(
        w.message.ends_with("… (99500 more characters)`"),
        "{}",
        &w.message[w.message.len() - 40..]
    );
}
