//! The form's fixed vocabulary, as small nom parsers over one normalized cell.
//!
//! Rows are recognised by these words (labels, the indicator taxonomy), never by counting
//! cells: OCR shifts, drops and splits cells, but it rarely invents a label.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n, take_while1},
    character::complete::{char, digit1, space0},
    combinator::{all_consuming, map, map_res, opt, recognize, value},
    sequence::{delimited, preceded, terminated},
};

/// 一级指标 of the form. `成本指标` is also a 二级指标 in older templates; see
/// [`classify_label`] for how the two are told apart.
pub const LEVEL1: [&str; 4] = ["产出指标", "效益指标", "满意度指标", "成本指标"];

/// Stems of 二级指标 (each is followed by `指标` in the form).
pub const LEVEL2_STEMS: [&str; 12] = [
    "数量",
    "质量",
    "时效",
    "成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "服务对象满意度",
    "经济成本",
    "社会成本",
    "生态环境成本",
];

/// A header label of the form, as recognised at the start of a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderLabel {
    /// 项目名称
    Name,
    /// 主管部门及代码 (or 主管部门)
    Department,
    /// 实施单位
    ImplementingUnit,
    /// 项目属性
    Attribute,
    /// 项目期
    Period,
    /// 项目资金（万元）: the unit printed in the label, if any.
    Funds(Option<String>),
    /// 年度资金总额
    Total,
    /// 其中：财政拨款
    Fiscal,
    /// 其他资金
    Other,
    /// 年度总体目标
    Goals,
}

/// A cell of the indicator section that is part of the form's taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// The 名称 column's only content, `绩效指标`.
    Section,
    /// A 一级指标.
    Level1(&'static str),
    /// A 二级指标 (with `指标`), and its bracketed note.
    Level2 {
        /// E.g. `数量指标`.
        name: String,
        /// E.g. `必填硬性指标`.
        note: Option<String>,
    },
}

fn colon(i: &str) -> IResult<&str, Option<char>> {
    opt(alt((char('：'), char(':')))).parse(i)
}

/// `（必填）` or `(必填)`, either bracket in either width: OCR mixes them.
fn bracketed(i: &str) -> IResult<&str, &str> {
    delimited(
        open_paren,
        take_while1(|c| c != '）' && c != ')'),
        close_paren,
    )
    .parse(i)
}

/// The first characters of the labels of [`header_label_inner`]: a label added there
/// must add its first character here (the `header_labels` test fails until it does).
const HEADER_LABEL_STARTS: [char; 8] = ['项', '主', '实', '年', '资', '其', '财', '总'];

fn header_label_inner(i: &str) -> IResult<&str, HeaderLabel> {
    alt((
        value(HeaderLabel::Name, tag("项目名称")),
        value(
            HeaderLabel::Department,
            alt((
                tag("主管部门及代码"),
                tag("主管部门（代码）"),
                tag("主管部门"),
            )),
        ),
        value(HeaderLabel::ImplementingUnit, tag("实施单位")),
        value(HeaderLabel::Attribute, tag("项目属性")),
        value(HeaderLabel::Period, alt((tag("项目周期"), tag("项目期")))),
        map(
            preceded(tag("项目资金"), opt(bracketed)),
            |u: Option<&str>| HeaderLabel::Funds(u.map(str::to_owned)),
        ),
        value(
            HeaderLabel::Total,
            alt((tag("年度资金总额"), tag("资金总额"))),
        ),
        value(
            HeaderLabel::Fiscal,
            preceded(opt(terminated(tag("其中"), colon)), tag("财政拨款")),
        ),
        value(HeaderLabel::Other, tag("其他资金")),
        value(
            HeaderLabel::Goals,
            alt((tag("年度总体目标"), tag("年度目标"), tag("总体目标"))),
        ),
    ))
    .parse(i)
}

/// A header label at the start of `cell`, and the rest of the cell after the label and an
/// optional colon (a label and its value are sometimes printed in one cell).
pub fn header_label(cell: &str) -> Option<(HeaderLabel, &str)> {
    // Runs on every cell of the header and the first cell of every line: most cells are
    // rejected by their first character before nom tries a dozen tags.
    if !cell.starts_with(HEADER_LABEL_STARTS) {
        return None;
    }
    let (rest, label) = terminated(header_label_inner, colon).parse(cell).ok()?;
    Some((label, rest.trim_start()))
}

/// Is this cell part of the indicator column-header row (`名称 一级指标 二级指标 三级指标 指标值`)?
pub fn is_column_header(cell: &str) -> bool {
    matches!(
        cell,
        "名称" | "一级指标" | "二级指标" | "三级指标" | "指标值" | "指标名称"
    )
}

/// [`LEVEL2_STEMS`] longest first (stable), so that `社会成本` is never read as `社会` +
/// rest. Written out rather than sorted on every call: this runs for every cell.
const LEVEL2_STEMS_LONGEST_FIRST: [&str; 12] = [
    "服务对象满意度",
    "生态环境成本",
    "可持续影响",
    "经济效益",
    "社会效益",
    "生态效益",
    "经济成本",
    "社会成本",
    "数量",
    "质量",
    "时效",
    "成本",
];

fn level2_stem(i: &str) -> IResult<&str, &'static str> {
    for stem in LEVEL2_STEMS_LONGEST_FIRST {
        if let Some(rest) = i.strip_prefix(stem) {
            return Ok((rest, stem));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Tag,
    )))
}

fn level2(i: &str) -> IResult<&str, (String, Option<String>)> {
    map(
        (terminated(level2_stem, tag("指标")), space0, opt(bracketed)),
        |(stem, _, note): (&str, &str, Option<&str>)| {
            (format!("{stem}指标"), note.map(|n| n.trim().to_owned()))
        },
    )
    .parse(i)
}

/// Classify a whole cell as a taxonomy label, if it is one.
///
/// `成本指标` alone is ambiguous (一级 in newer templates, 二级 under 产出指标 in older
/// ones); it is returned as a 二级 label here and the row logic promotes it when a 二级
/// label follows it on the same row.
pub fn classify_label(cell: &str) -> Option<Label> {
    // Every label starts as one of `ALL_LABELS` does; most cells are names and values.
    let first = cell.chars().next()?;
    if !ALL_LABELS.iter().any(|l| l.starts_with(first)) {
        return None;
    }
    if cell == "绩效指标" {
        return Some(Label::Section);
    }
    if let Ok((_, (name, note))) = all_consuming(level2).parse(cell) {
        return Some(Label::Level2 { name, note });
    }
    LEVEL1
        .iter()
        .find(|l| **l == cell)
        .map(|l| Label::Level1(l))
}

/// A 二级 label whose bracketed note was cut off by a line or page break
/// (`可持续影响指标（必` … `填）`): returns the label and the start of the note.
pub fn level2_open_note(cell: &str) -> Option<(String, String)> {
    let (rest, stem) = terminated(level2_stem, tag("指标")).parse(cell).ok()?;
    let (note, _) = (space0::<&str, nom::error::Error<&str>>, open_paren)
        .parse(rest)
        .ok()?;
    if note.contains(['）', ')']) {
        return None;
    }
    Some((format!("{stem}指标"), note.trim().to_owned()))
}

/// Every full label a partial OCR fragment could be the start of:
///
/// [`LEVEL1`], then each of [`LEVEL2_STEMS`] with `指标`, then `绩效指标`, written out
/// (a test checks it against those lists). `成本指标` is in it twice, as 一级 and as 二级,
/// so `成本指` is the start of two labels: ambiguous, never completed.
const ALL_LABELS: [&str; 17] = [
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "绩效指标",
];

/// Byte length of the longest label: a cell this long or longer is no cut-off label.
const LONGEST_LABEL: usize = "服务对象满意度指标".len();

/// A cell that is the cut-off start of exactly one label (`效益指` → `效益指标`), as OCR
/// leaves it when a label wraps inside its cell. At least two characters, never a full label.
pub fn label_prefix(cell: &str) -> Option<String> {
    // Runs on the first cell of every indicator line: reject without allocating first.
    if cell.len() >= LONGEST_LABEL || cell.chars().nth(1).is_none() {
        return None;
    }
    let mut found = ALL_LABELS
        .iter()
        .filter(|l| l.starts_with(cell) && l.len() > cell.len());
    let first = found.next()?;
    if found.next().is_some() || classify_label(cell).is_some() {
        return None;
    }
    Some((*first).to_owned())
}

fn open_paren(i: &str) -> IResult<&str, char> {
    alt((char('（'), char('('))).parse(i)
}

fn close_paren(i: &str) -> IResult<&str, char> {
    alt((char('）'), char(')'))).parse(i)
}

fn year_line(i: &str) -> IResult<&str, i32> {
    let year = map_res(
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
        str::parse::<i32>,
    );
    all_consuming(delimited(
        (opt(open_paren), space0),
        terminated(year, (space0, tag("年"), opt(tag("度")))),
        (space0, opt(close_paren)),
    ))
    .parse(i)
}

/// The 年度 line: `（2024年度）`, `(2024 年度)`, `2024年度`. Returns the year.
pub fn fiscal_year(line: &str) -> Option<i32> {
    year_line(line.trim()).ok().map(|(_, y)| y)
}

/// Is this line the form's title (`部门项目支出预算绩效目标表` and its close spellings)?
///
/// The annex heading (`附件2：…项目支出预算绩效目标表`) is not a title.
pub fn is_form_title(line: &str) -> bool {
    // A title holds `绩效目标` and ends in `表` (white space aside): cheap test first, as
    // this runs on every line.
    if !line.contains('绩') || !line.contains('表') {
        return false;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let n = t.chars().count();
    !t.starts_with("附件")
        && (8..=20).contains(&n)
        && t.contains("绩效目标")
        && t.ends_with('表')
        && (t.contains("项目支出") || t.contains("项目"))
}

fn heading_number(i: &str) -> IResult<&str, &str> {
    let number = alt((
        digit1,
        take_while1(|c: char| "一二三四五六七八九十".contains(c)),
    ));
    delimited((tag("附件"), space0), number, (space0, colon, space0)).parse(i)
}

/// A page number printed by the page layout: `— 3 —`, `-3-`, `第3页 共12页`, `共12页 第3页`,
/// `3/12`, `Page 3 of 12`. The one definition: the shape readers call it too.
pub fn is_page_number(line: &str) -> bool {
    // Every form below is made of digits, dashes, `第页共`, separators, `/`, spaces and the
    // letters of `Page … of …`; this runs on every line, so reject anything else before
    // allocating.
    if line.len() > 96
        || !line.chars().all(|c| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || matches!(
                    c,
                    '—' | '–'
                        | '-'
                        | '－'
                        | '―'
                        | '─'
                        | '第'
                        | '页'
                        | '共'
                        | '，'
                        | ','
                        | '/'
                        | '、'
                        | 'P'
                        | 'p'
                        | 'A'
                        | 'a'
                        | 'G'
                        | 'g'
                        | 'E'
                        | 'e'
                        | 'O'
                        | 'o'
                        | 'F'
                        | 'f'
                )
        })
    {
        return false;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.chars().count() > 24 {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 5 && s.chars().all(|c| c.is_ascii_digit());
    // `— 3 —`, `-3-`, `–3–`, `- 3 -`
    let dashes: &[char] = &['—', '-', '–', '－', '―', '─'];
    let inner = t.trim_matches(dashes);
    if inner.len() < t.len() && t.starts_with(dashes) && t.ends_with(dashes) && digits(inner) {
        return true;
    }
    // `第3页`, `第3页共12页`, `共12页第3页`, `第3页/共12页`
    let stripped: String = t
        .chars()
        .filter(|c| !matches!(c, '，' | ',' | '/' | '、'))
        .collect();
    let mut rest = stripped.as_str();
    let mut parts = 0;
    while let Some(after) = rest.strip_prefix('第').or_else(|| rest.strip_prefix('共')) {
        let n = after.chars().take_while(char::is_ascii_digit).count();
        let Some(tail) = after[n..].strip_prefix('页').filter(|_| n > 0) else {
            return false;
        };
        rest = tail;
        parts += 1;
    }
    if parts > 0 && rest.is_empty() {
        return true;
    }
    // `3/12`
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b) && a.len() <= 4 && b.len() <= 4;
    }
    // `Page 3 of 12`, `Page 3`
    let lower = t.to_ascii_lowercase();
    if let Some(r) = lower.strip_prefix("page") {
        let (a, b) = r.split_once("of").unwrap_or((r, "0"));
        return digits(a) && digits(b);
    }
    false
}

/// The annex heading `附件 2：title`: returns (`附件2`, title).
pub fn annex_heading(line: &str) -> Option<(String, Option<String>)> {
    let (rest, n) = heading_number(line.trim()).ok()?;
    let title = rest.trim();
    Some((
        format!("附件{n}"),
        (!title.is_empty()).then(|| title.to_owned()),
    ))
}

/// Goal numbering at the start of `i`: `1.` `1、` `1．` `（1）` `(1)` `①`. Returns the number.
pub fn goal_marker(i: &str) -> IResult<&str, u32> {
    let num = || {
        map_res(
            take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
            str::parse::<u32>,
        )
    };
    alt((
        terminated(num(), alt((char('.'), char('、'), char('．')))),
        delimited(open_paren, num(), close_paren),
        map_res(
            recognize(take_while_m_n(1, 1, |c| ('①'..='⑳').contains(&c))),
            |s: &str| {
                s.chars()
                    .next()
                    .map(|c| u32::from(c) - u32::from('①') + 1)
                    .ok_or("empty")
            },
        ),
    ))
    .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_labels() {
        let cases: &[(&str, HeaderLabel, &str)] = &[
            ("项目名称", HeaderLabel::Name, ""),
            ("主管部门及代码", HeaderLabel::Department, ""),
            (
                "项目资金（万元）",
                HeaderLabel::Funds(Some("万元".into())),
                "",
            ),
            (
                "项目资金(万元)",
                HeaderLabel::Funds(Some("万元".into())),
                "",
            ),
            ("年度资金总额：", HeaderLabel::Total, ""),
            ("年度资金总额：14500", HeaderLabel::Total, "14500"),
            ("其中：财政拨款", HeaderLabel::Fiscal, ""),
            ("其中:财政拨款", HeaderLabel::Fiscal, ""),
            ("财政拨款", HeaderLabel::Fiscal, ""),
            ("其他资金", HeaderLabel::Other, ""),
            ("年度总体目标", HeaderLabel::Goals, ""),
            ("项目名称：社保卡", HeaderLabel::Name, "社保卡"),
            ("主管部门（代码）", HeaderLabel::Department, ""),
            ("主管部门", HeaderLabel::Department, ""),
            ("实施单位", HeaderLabel::ImplementingUnit, ""),
            ("项目属性", HeaderLabel::Attribute, ""),
            ("项目周期", HeaderLabel::Period, ""),
            ("项目期", HeaderLabel::Period, ""),
            ("项目资金", HeaderLabel::Funds(None), ""),
            ("资金总额", HeaderLabel::Total, ""),
            ("年度目标", HeaderLabel::Goals, ""),
            ("总体目标", HeaderLabel::Goals, ""),
        ];
        for (cell, label, rest) in cases {
            assert_eq!(header_label(cell), Some((label.clone(), *rest)), "{cell}");
        }
        assert_eq!(header_label("平罗县人力资源和社会保障局"), None);
    }

    #[test]
    fn taxonomy_labels() {
        assert_eq!(classify_label("产出指标"), Some(Label::Level1("产出指标")));
        assert_eq!(
            classify_label("数量指标（必填硬性指标）"),
            Some(Label::Level2 {
                name: "数量指标".into(),
                note: Some("必填硬性指标".into())
            })
        );
        assert_eq!(
            classify_label("社会效益指标 (必填)"),
            Some(Label::Level2 {
                name: "社会效益指标".into(),
                note: Some("必填".into())
            })
        );
        assert_eq!(
            classify_label("服务对象满意度指标"),
            Some(Label::Level2 {
                name: "服务对象满意度指标".into(),
                note: None
            })
        );
        assert_eq!(classify_label("绩效指标"), Some(Label::Section));
        assert_eq!(classify_label("全县机关事业单位退休人员"), None);
        assert_eq!(classify_label("数量指标很多"), None);
    }

    #[test]
    fn cut_notes() {
        assert_eq!(
            level2_open_note("可持续影响指标（必"),
            Some(("可持续影响指标".into(), "必".into()))
        );
        assert_eq!(level2_open_note("可持续影响指标（必填）"), None);
        assert_eq!(level2_open_note("可持续影响指标"), None);
    }

    #[test]
    fn written_out_label_lists_match_the_vocabulary() {
        let all: Vec<String> = LEVEL1
            .iter()
            .map(|s| (*s).to_owned())
            .chain(LEVEL2_STEMS.iter().map(|s| format!("{s}指标")))
            .chain(std::iter::once("绩效指标".to_owned()))
            .collect();
        assert_eq!(ALL_LABELS.to_vec(), all);
        assert_eq!(
            LONGEST_LABEL,
            all.iter().map(String::len).max().unwrap_or(0)
        );
        let mut stems = LEVEL2_STEMS;
        stems.sort_by_key(|s| std::cmp::Reverse(s.len()));
        assert_eq!(LEVEL2_STEMS_LONGEST_FIRST, stems);
    }

    #[test]
    fn label_prefixes() {
        assert_eq!(label_prefix("成本指"), None, "一级 and 二级 成本指标");
        assert_eq!(
            label_prefix("服务对象满意度指").as_deref(),
            Some("服务对象满意度指标")
        );
        assert_eq!(label_prefix("服务对象满意度指标很长"), None);
        assert_eq!(label_prefix("效益指").as_deref(), Some("效益指标"));
        assert_eq!(label_prefix("满意度指").as_deref(), Some("满意度指标"));
        assert_eq!(label_prefix("效益指标"), None);
        assert_eq!(label_prefix("社会"), None, "社会效益指标 and 社会成本指标");
        assert_eq!(label_prefix("电子签章费"), None);
    }

    #[test]
    fn years_titles_headings() {
        assert_eq!(fiscal_year("（2024年度）"), Some(2024));
        assert_eq!(fiscal_year("(2024 年度)"), Some(2024));
        assert_eq!(fiscal_year("2023年度"), Some(2023));
        assert_eq!(fiscal_year("（2024年度）项目"), None);
        assert!(is_form_title("部门项目支出预算绩效目标表"));
        assert!(is_form_title("项目支出绩效目标表"));
        assert!(!is_form_title(
            "附件2：平罗县社会保险事业管理中心项目支出预算绩效目标表"
        ));
        assert_eq!(
            annex_heading("附件2：平罗县社会保险事业管理中心项目支出预算绩效目标表"),
            Some((
                "附件2".into(),
                Some("平罗县社会保险事业管理中心项目支出预算绩效目标表".into())
            ))
        );
        assert_eq!(annex_heading("附件二"), Some(("附件二".into(), None)));
    }

    #[test]
    fn page_numbers() {
        for yes in [
            "— 3 —",
            "-3-",
            "- 12 -",
            "第3页 共12页",
            "第3页",
            "第 3 页，共 12 页",
            "共12页 第3页",
            "Page 3 of 12",
            "3/12",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["3", "2024", "1—12月", "-", "第三页", "3.43亿元"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn goal_markers() {
        assert_eq!(goal_marker("1.保证"), Ok(("保证", 1)));
        assert_eq!(goal_marker("12、保证"), Ok(("保证", 12)));
        assert_eq!(goal_marker("（3）保证"), Ok(("保证", 3)));
        assert_eq!(goal_marker("③保证"), Ok(("保证", 3)));
        assert!(goal_marker("保证").is_err());
    }
}
