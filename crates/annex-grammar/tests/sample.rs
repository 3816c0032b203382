//! The reference annex, asserted field by field where it is hard (the snapshot in
//! annex-cli shows everything; these say what must be).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use annex_grammar::CheckStatus;
use common::{codes, sample};

#[test]
fn twelve_tables_with_their_indicator_counts() {
    let parsed = sample();
    let counts: Vec<usize> = parsed.records.iter().map(|r| r.indicators.len()).collect();
    assert_eq!(counts, vec![9, 9, 9, 7, 8, 7, 10, 11, 10, 7, 8, 7]);
    assert_eq!(counts.iter().sum::<usize>(), 102);
    assert!(
        parsed.warnings.is_empty(),
        "nothing outside the tables: {:?}",
        parsed.warnings
    );
}

#[test]
fn header_fields_of_every_table() {
    let parsed = sample();
    let want: [(&str, i32, i64, (u32, u32)); 12] = [
        (
            "行政事业单位退休人员养老金支出差额财政兜底资金",
            2024,
            14500,
            (5, 24),
        ),
        (
            "机关事业单位养老保险制度改革中央财政补助经费",
            2023,
            3612,
            (26, 45),
        ),
        ("城乡居民参加养老保险县配资金", 2024, 3193, (47, 68)),
        ("2024年企业离退休人员民族团结奖", 2024, 3450, (70, 89)),
        (
            "2023年村干部参加养老保险个人缴纳部分补助",
            2024,
            216,
            (91, 112),
        ),
        (
            "2024年机关事业单位职业年金做实预算资金支出",
            2024,
            5941,
            (114, 131),
        ),
        (
            "对企业职工养老保险基金的补助（取暖费）",
            2024,
            5744,
            (133, 157),
        ),
        ("社保经办机构管理服务能力提升工作经费", 2024, 25, (159, 183)),
        ("2024年社保卡制卡工作经费", 2024, 18, (185, 205)),
        ("被征地农民参加养老保险县配资金", 2024, 600, (207, 226)),
        (
            "城乡居民参加养老保险自治区财政补助资金",
            2024,
            3216,
            (228, 246),
        ),
        ("城乡居民参加养老保险中央补贴部分", 2024, 3099, (248, 267)),
    ];
    for (k, (r, (name, year, total, lines))) in parsed.records.iter().zip(want).enumerate() {
        let ctx = format!("table {}", k + 1);
        assert_eq!(r.source.table as usize, k + 1);
        assert_eq!(r.form, "部门项目支出预算绩效目标表", "{ctx}");
        assert_eq!(r.project.name.as_deref(), Some(name), "{ctx}");
        assert_eq!(r.fiscal_year, Some(year), "{ctx}");
        assert_eq!(
            r.project.department.as_deref(),
            Some("平罗县人力资源和社会保障局"),
            "{ctx}"
        );
        assert_eq!(r.project.department_code, None, "{ctx}");
        assert_eq!(
            r.project.implementing_unit.as_deref(),
            Some("平罗县社会保险事业管理中心"),
            "{ctx}"
        );
        let attr = r.project.attribute.as_ref().unwrap();
        assert_eq!(
            (attr.code.as_deref(), &*attr.name),
            (Some("0101"), "一年期项目"),
            "{ctx}"
        );
        assert_eq!(r.project.period.as_deref(), Some("1年"), "{ctx}");
        assert_eq!(r.funds.unit.as_deref(), Some("万元"), "{ctx}");
        assert_eq!(
            r.funds.total.map(|n| n.to_string()),
            Some(total.to_string()),
            "{ctx}"
        );
        assert_eq!(r.funds.fiscal, r.funds.total, "{ctx}");
        assert_eq!(r.funds.other, None, "{ctx}");
        let span = r.source.lines.unwrap();
        assert_eq!((span.start, span.end), lines, "{ctx}");
        assert_eq!(r.source.pages, None);
        assert_eq!(r.document.annex.as_deref(), Some("附件2"));
        assert_eq!(
            r.document.title.as_deref(),
            Some("平罗县社会保险事业管理中心项目支出预算绩效目标表")
        );
    }
}

#[test]
fn goals_numbering_removed_text_and_final_punctuation_kept() {
    let parsed = sample();
    assert_eq!(
        parsed.records[1].goals,
        vec![
            "保证机关事业单位退休人员养老金支付工作平稳运行。",
            "全力推进社会维稳工作，保障民生。",
            "社会公众对全县社保工作满意度逐年提升。"
        ]
    );
    assert_eq!(parsed.records[7].goals.len(), 4);
    assert_eq!(
        parsed.records[7].goals[0],
        "开展网络安全政策宣传、社保政策宣传，制作宣传条幅；"
    );
    assert_eq!(
        parsed.records[6].goals[1],
        "全力推进社会维稳工作，保障民生，广大群众对全县社保工作满意度逐年提升。"
    );
}

#[test]
fn checks_report_the_real_failures_of_the_sample() {
    let parsed = sample();
    let r = &parsed.records;
    let heating = &r[6].checks["cost_sum"];
    assert_eq!(heating.status, CheckStatus::Fail);
    assert_eq!(heating.detail, "9670+695+548 = 10913 万元 ≠ 5744 万元");
    let office = &r[7].checks["cost_sum"];
    assert_eq!(office.status, CheckStatus::Fail);
    assert_eq!(office.detail, "150000+60000+50000 元 = 26 万元 ≠ 25 万元");
    let numbering = &r[1].checks["goal_numbering"];
    assert_eq!(numbering.status, CheckStatus::Fail);
    assert_eq!(numbering.detail, "numbered 3, 4, 3; expected 1, 2, 3");
    assert!(codes(&r[1]).contains(&("goal_numbering".into(), Some(35))));
    let county = &r[2].checks["cost_sum"];
    assert_eq!(
        (county.status, &*county.detail),
        (CheckStatus::Pass, "2053+320+820 = 3193 万元")
    );
    for rec in r {
        assert_eq!(rec.checks.len(), 4);
        assert_eq!(rec.checks["funds_sum"].status, CheckStatus::Pass);
        assert_eq!(rec.checks["required_indicators"].status, CheckStatus::Pass);
    }
}

#[test]
fn hard_rows_of_the_sample() {
    let parsed = sample();
    let r = &parsed.records;
    // 3.43亿元 → 343000000 exactly.
    let v = &r[0].indicators[1].value;
    assert_eq!(v.yuan.map(|n| n.to_string()).as_deref(), Some("343000000"));
    // 1月—12月 → range.
    let rg = r[0].indicators[3].value.range.as_ref().unwrap();
    assert_eq!(
        (rg.from.to_string(), rg.to.to_string(), rg.unit.as_deref()),
        ("1".into(), "12".into(), Some("月"))
    );
    // 2024年底 is a deadline: no number, no unit.
    let d = &r[3].indicators[2].value;
    assert_eq!(
        (&*d.text, d.number, d.unit.as_deref()),
        ("2024年底", None, None)
    );
    // The split label 效益指 … 标, with the name continued below.
    let i = &r[2].indicators[6];
    assert_eq!(i.level1, "效益指标");
    assert_eq!(
        i.name,
        "有效地解决了城乡居民养老保险县配补贴部分，确保各项补贴政策落实到位，保障民生。"
    );
    assert_eq!((i.lines.unwrap().start, i.lines.unwrap().end), (64, 66));
    // Value alone on the next line.
    let i = &r[4].indicators[7];
    assert_eq!(
        (&*i.name, &*i.value.text),
        ("广大参保者对社保工作总体满意度评价持续提高", "≥95%")
    );
    // Name and value in one cell (LaTeX).
    let i = &r[7].indicators[10];
    assert_eq!(
        (&*i.name, &*i.value.text),
        ("开通网上申报单位覆盖率，调查达到", "≥98%")
    );
    // Unreadable comparator.
    let i = &r[9].indicators[2];
    assert_eq!(
        (&*i.name, &*i.value.text, i.value.comparator.as_deref()),
        ("被征地农民参保及缴费时效性达", "95%", None)
    );
    assert!(codes(&r[9]).contains(&("unreadable_mark".into(), Some(221))));
    // Rows that lost their leading cells.
    assert_eq!(r[2].indicators[5].name, "城乡居民养老保险参保缴费补贴");
    assert_eq!(r[2].indicators[5].level2, "成本指标");
    assert_eq!(r[7].indicators[7].name, "电子签章费");
    assert_eq!(
        r[7].indicators[7]
            .value
            .yuan
            .map(|n| n.to_string())
            .as_deref(),
        Some("50000")
    );
    // The 取暖费 table's title printed twice is one table, the duplicate reported.
    assert!(codes(&r[6]).contains(&("duplicate_header".into(), Some(137))));
    // Canonical text: spaces next to CJK gone, punctuation full-width, brackets as a pair.
    assert_eq!(
        r[6].indicators[1].name,
        "全县企业职工退休人数（2022年2023新退休）"
    );
    assert_eq!(
        r[7].indicators[9].name,
        "开展12333、我的宁夏手机APP及网上人社系统宣传等，不断提升运行效能。"
    );
}

#[test]
fn same_input_same_records() {
    let a = sample();
    let b = sample();
    assert_eq!(a.records, b.records);
}
