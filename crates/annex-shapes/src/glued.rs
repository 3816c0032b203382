//! Glued cells: a row's cells run together with no separator, as some OCR engines print a
//! ruled table (`产出指标数量指标（必填硬性指标）全县本年度领取待遇城乡居民人数29000人`).
//!
//! Cells are cut where the form's vocabulary makes it certain: the taxonomy labels at the
//! start of an indicator row (`vocab`), the header labels that share a line in the form
//! (`主管部门及代码 … 实施单位 …`), and a 指标值 at the end whose shape is unmistakable (a
//! number with a unit or comparator, a month span, a date, a short word after the name's
//! closing `。`). A value that is only a word with no `。` before it (`…平稳运行提高`) is cut
//! at a known value word and the cut is reported; anything else stays one cell and is
//! reported, for the grammar to read as best it can.

use annex_grammar::vocab;
use annex_normalize::{Warning, WarningCode, canonical_text};

use crate::Row;
use crate::source::SrcLine;

/// Header labels that can follow another label on the same printed line, and the labels
/// they follow.
const PAIRS: [(&str, &[&str]); 3] = [
    ("主管部门", &["实施单位"]),
    ("项目属性", &["项目周期", "项目期"]),
    (
        "项目资金",
        &[
            "年度资金总额",
            "资金总额",
            "其中：财政拨款",
            "财政拨款",
            "其他资金",
        ],
    ),
];

/// Adverbs and verbs a word-valued 指标值 is made of (`显著提升`, `有效解决`, `提高`).
const VALUE_ADVERBS: [&str; 16] = [
    "有效",
    "显著",
    "不断",
    "全力",
    "明显",
    "逐步",
    "持续",
    "稳步",
    "大幅",
    "进一步",
    "基本",
    "全面",
    "得到",
    "较好",
    "逐年",
    "及时",
];
const VALUE_VERBS: [&str; 22] = [
    "提升", "提高", "解决", "推进", "增强", "推广", "发挥", "增高", "上升", "改善", "到位", "达标",
    "完成", "降低", "减少", "增加", "缓解", "保障", "落实", "稳定", "良好", "合格",
];

/// Longest line (in bytes, canonical) read as a row of glued cells. A row of this form has
/// five short cells; a longer line is passed on whole, so a hostile line costs one pass.
const MAX_LINE: usize = 4096;

pub(crate) fn read(lines: &[SrcLine<'_>], warnings: &mut Vec<Warning>) -> Vec<Row> {
    let canon: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank())
        .map(|(i, l)| (i, canonical_text(&l.text.replace('\t', " "))))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let mut rows = Vec::with_capacity(canon.len());
    let mut pending: Option<String> = None; // a label fragment waiting for its tail
    for (k, (i, text)) in canon.iter().enumerate() {
        let line = &lines[*i];
        if text.len() > MAX_LINE {
            // No table row of this form is this long: one unparsed cell, no splitting work.
            rows.push(crate::Row::one(line, vec![text.clone()]));
            continue;
        }
        let next_is_value = canon
            .get(k + 1)
            .is_some_and(|(_, n)| lone_value(n).is_some());
        let mut warn = |message: String| {
            warnings.push(Warning {
                code: WarningCode::SplitCell,
                message,
                line: Some(line.number),
                page: line.page,
            });
        };
        let cells = split_line(text, &mut pending, next_is_value, &mut warn);
        rows.push(crate::Row::one(line, cells));
    }
    rows
}

/// A whole line that is a value by its shape alone (`≥95%`, `1月—12月`, `4670人`).
fn lone_value(text: &str) -> Option<()> {
    let (name, value, _) = trailing_value(text)?;
    name.is_empty().then_some(()).filter(|()| !value.is_empty())
}

fn split_line(
    text: &str,
    pending: &mut Option<String>,
    next_is_value: bool,
    warn: &mut impl FnMut(String),
) -> Vec<String> {
    let bare: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if vocab::is_form_title(&bare)
        || vocab::fiscal_year(&bare).is_some()
        || vocab::annex_heading(&bare).is_some()
    {
        *pending = None;
        return vec![text.to_owned()];
    }
    if let Some(cells) = column_header(&bare) {
        return cells;
    }
    if let Some(cells) = header_row(text) {
        *pending = None;
        return cells;
    }
    let mut cells: Vec<String> = Vec::new();
    let mut rest = text;
    // The tail of a label cut at the end of the line above (`效益指` … `标`).
    if let Some(head) = pending.take() {
        if let Some(full) = vocab::label_prefix(&head) {
            let tail = full.strip_prefix(head.as_str()).unwrap_or_default();
            if !tail.is_empty() {
                if let Some(r) = rest.strip_prefix(tail) {
                    cells.push(tail.to_owned());
                    rest = r;
                }
            }
        }
    }
    let mut labelled = false;
    loop {
        let r = rest.trim_start();
        if let Some((label, after)) = leading_label(r) {
            cells.push(label.to_owned());
            rest = after;
            labelled = true;
            continue;
        }
        if let Some((fragment, after)) = leading_fragment(r) {
            cells.push(fragment.to_owned());
            *pending = Some(fragment.to_owned());
            rest = after;
            labelled = true;
            continue;
        }
        break;
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return cells;
    }
    if !labelled && lone_value(rest).is_some() {
        cells.push(rest.to_owned());
        return cells;
    }
    match trailing_value(rest) {
        Some((name, value, _)) if !name.is_empty() => {
            cells.push(name.to_owned());
            cells.push(value.to_owned());
        }
        _ => {
            if let Some((name, value)) = word_value(rest).filter(|_| !next_is_value) {
                warn(format!(
                    "glued cells `{rest}` cut at the value word: `{name}` | `{value}`"
                ));
                cells.push(name.to_owned());
                cells.push(value.to_owned());
            } else {
                if labelled {
                    warn(format!(
                        "glued cells `{rest}`: no value shape at the end, kept as one cell"
                    ));
                }
                cells.push(rest.to_owned());
            }
        }
    }
    cells
}

/// `名称一级指标二级指标三级指标指标值`, glued, into its headers.
fn column_header(bare: &str) -> Option<Vec<String>> {
    const WORDS: [&str; 6] = [
        "指标名称",
        "名称",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
    ];
    let mut rest = bare;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let w = WORDS.iter().find(|w| rest.starts_with(**w))?;
        out.push((*w).to_owned());
        rest = &rest[w.len()..];
    }
    (out.len() >= 3).then_some(out)
}

/// A header line: its labels and values cut apart, labels only where the form prints them
/// on one line (`主管部门及代码…实施单位…`). Everything after 年度总体目标 is its value.
fn header_row(text: &str) -> Option<Vec<String>> {
    let (_, first_rest) = vocab::header_label(text)?;
    let first_label = &text[..text.len() - first_rest.len()];
    let mut cells = vec![first_label.trim().to_owned()];
    let mut rest = first_rest;
    let followers: &[&str] = PAIRS
        .iter()
        .find(|(lead, _)| first_label.starts_with(lead))
        .map_or(&[], |(_, f)| *f);
    loop {
        // The earliest follower label in the rest; the longest spelling at that place.
        let mut best: Option<(usize, usize)> = None;
        for f in followers {
            if let Some(at) = rest.find(f) {
                if best.is_none_or(|(b, len)| at < b || (at == b && f.len() > len)) {
                    best = Some((at, f.len()));
                }
            }
        }
        let Some((at, _)) = best else { break };
        let value = rest[..at].trim();
        if !value.is_empty() {
            cells.push(value.to_owned());
        }
        let (_, after) = vocab::header_label(&rest[at..])?;
        let label = &rest[at..rest.len() - after.len()];
        cells.push(label.trim().to_owned());
        rest = after;
    }
    let value = rest.trim();
    if !value.is_empty() {
        cells.push(value.to_owned());
    }
    Some(cells)
}

/// A whole taxonomy label at the start of `s` (`绩效指标`, a 一级, a 二级 with its note),
/// and what follows it.
fn leading_label(s: &str) -> Option<(&str, &str)> {
    // 二级 first: `服务对象满意度指标` must not be read as text + `满意度指标`; the longest
    // label wins, a bracketed note included when it closes.
    let mut best: Option<usize> = None;
    let mut candidates: Vec<String> = vec!["绩效指标".to_owned()];
    candidates.extend(vocab::LEVEL1.iter().map(|s| (*s).to_owned()));
    candidates.extend(vocab::LEVEL2_STEMS.iter().map(|s| format!("{s}指标")));
    for c in &candidates {
        if s.starts_with(c.as_str()) && best.is_none_or(|b| c.len() > b) {
            best = Some(c.len());
        }
    }
    let mut end = best?;
    let after = &s[end..];
    if after.starts_with(['（', '(']) {
        // A note closes within a few characters: `（必填硬性指标）`.
        if let Some(close) = after
            .char_indices()
            .take(16)
            .find(|(_, c)| matches!(c, '）' | ')'))
        {
            let candidate = &s[..end + close.0 + close.1.len_utf8()];
            if vocab::classify_label(candidate).is_some() {
                end = candidate.len();
            }
        }
    }
    Some((&s[..end], &s[end..]))
}

/// A cut-off label start followed by a whole label (`效益指社会效益指标…`): the fragment
/// OCR leaves when a merged label wraps inside its cell.
fn leading_fragment(s: &str) -> Option<(&str, &str)> {
    for (k, (at, _)) in s.char_indices().enumerate().skip(2).take(8) {
        let head = &s[..at];
        if vocab::label_prefix(head).is_some() && leading_label(&s[at..]).is_some() {
            return Some((head, &s[at..]));
        }
        let _ = k;
    }
    None
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// A 指标值 at the end of `s` that its shape makes certain: `[comparator] number unit`,
/// `1月—12月`, `2024年底`, `) 95%`. Returns (name, value, had a comparator or mark).
/// Looks at the last 64 characters only: a value is short.
fn trailing_value(s: &str) -> Option<(&str, &str, bool)> {
    let s = s.trim_end();
    let tail_start = s.char_indices().rev().nth(63).map_or(0, |(i, _)| i);
    let chars: Vec<(usize, char)> = s[tail_start..]
        .char_indices()
        .map(|(i, c)| (i + tail_start, c))
        .collect();
    let last_digit = chars.iter().rposition(|&(_, c)| is_digit(c))?;
    let unit: String = chars[last_digit + 1..].iter().map(|&(_, c)| c).collect();
    let unit_ok = unit.chars().count() <= 5
        && !unit.chars().any(|c| {
            matches!(
                c,
                '，' | '。' | '；' | '、' | '）' | ')' | '（' | '(' | '：'
            ) || is_digit(c)
        });
    if !unit_ok {
        return None;
    }
    // Back over the number, and over a span or a date made of numbers (`1月—12月`,
    // `2024年12月31日`): a connector counts only when a number stands before it.
    let mut k = last_digit;
    loop {
        while k > 0
            && (is_digit(chars[k - 1].1)
                || (chars[k - 1].1 == '.' && k >= 2 && is_digit(chars[k - 2].1)))
        {
            k -= 1;
        }
        let c = if k > 0 { chars[k - 1].1 } else { break };
        let before = |n: usize| k.checked_sub(n).map(|j| chars[j].1);
        let joins = matches!(
            c,
            '年' | '月' | '—' | '-' | '–' | '~' | '～' | '至' | '/' | ','
        ) && (before(2).is_some_and(is_digit)
            || (matches!(before(2), Some('年' | '月')) && before(3).is_some_and(is_digit)));
        if joins && k >= 2 {
            k -= 1;
            if !is_digit(chars[k - 1].1) {
                k -= 1; // the 月 of `1月—`
            }
        } else {
            break;
        }
    }
    let mut start = chars[k].0;
    let mut marked = false;
    let before = s[..start].trim_end();
    if let Some(p) = annex_grammar::value::strip_comparator_suffix(before) {
        start = p.trim_end().len();
        marked = true;
    }
    if !marked {
        // An unreadable comparator printed as a stray bracket (`达) 95%`): keep it in the
        // value, where the grammar reports it.
        if let Some(c) = before.chars().last() {
            let unmatched = match c {
                ')' => !before.contains('('),
                '）' => !before.contains('（'),
                ']' | '】' | '|' => true,
                _ => false,
            };
            if unmatched {
                start = before.len() - c.len_utf8();
                marked = true;
            }
        }
    }
    // A bare number with no unit, no comparator: a name may end in digits (`12333`).
    if unit.is_empty() && !marked {
        return None;
    }
    let (name, value) = s.split_at(start);
    Some((name.trim_end(), value.trim(), marked))
}

/// A word value at the end: after the name's last `。` when short, else a known value
/// word (`显著提升`, `提高`). The second kind is a guess and is reported by the caller.
fn word_value(s: &str) -> Option<(&str, &str)> {
    if let Some(at) = s.rfind('。') {
        let tail = s[at + '。'.len_utf8()..].trim();
        let n = tail.chars().count();
        if (1..=8).contains(&n) && !tail.contains(['，', '；', '、']) {
            return Some((s[..at + '。'.len_utf8()].trim(), tail));
        }
    }
    for v in VALUE_VERBS {
        if let Some(head) = s.strip_suffix(v) {
            let mut start = head.len();
            for a in VALUE_ADVERBS {
                if let Some(h) = head.strip_suffix(a) {
                    start = h.len();
                    break;
                }
            }
            let (name, value) = s.split_at(start);
            if name.chars().count() >= 4 {
                return Some((name.trim_end(), value));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Vec<String> {
        let mut pending = None;
        split_line(&canonical_text(line), &mut pending, false, &mut |_| {})
    }

    #[test]
    fn cuts() {
        let cases: &[(&str, &[&str])] = &[
            (
                "产出指标数量指标（必填硬性指标）全县本年度领取待遇城乡居民人数29000人",
                &[
                    "产出指标",
                    "数量指标（必填硬性指标）",
                    "全县本年度领取待遇城乡居民人数",
                    "29000人",
                ],
            ),
            (
                "全县机关事业单位退休人员养老金支出3.43 亿元",
                &["全县机关事业单位退休人员养老金支出", "3.43亿元"],
            ),
            (
                "及时足额支付城乡居民养老金等1 月—12 月",
                &["及时足额支付城乡居民养老金等", "1月—12月"],
            ),
            (
                "冬季取暖费及时足额发放到位1—12月",
                &["冬季取暖费及时足额发放到位", "1—12月"],
            ),
            (
                "及时足额支付企业职工退休人员团结奖2024 年底",
                &["及时足额支付企业职工退休人员团结奖", "2024年底"],
            ),
            (
                "退休人员对社保工作总体满意度达≥96%",
                &["退休人员对社保工作总体满意度达", "≥96%"],
            ),
            (
                "被征地农民参保及缴费时效性达) 95%",
                &["被征地农民参保及缴费时效性达", ") 95%"],
            ),
            (
                "全县机关事业单位职业年金缴费人数(2018年、2021.1-2021.8)10412人",
                &[
                    "全县机关事业单位职业年金缴费人数（2018年、2021.1-2021.8）",
                    "10412人",
                ],
            ),
            (
                "不断提升退休人员对全县社保工作的满意度。显著提升",
                &["不断提升退休人员对全县社保工作的满意度。", "显著提升"],
            ),
            (
                "效益指社会效益指标（必填）有效地解决了部分，有效解决",
                &[
                    "效益指",
                    "社会效益指标（必填）",
                    "有效地解决了部分，",
                    "有效解决",
                ],
            ),
            (
                "主管部门及代码平罗县人力资源和社会保障局实施单位平罗县社会保险事业管理中心",
                &[
                    "主管部门及代码",
                    "平罗县人力资源和社会保障局",
                    "实施单位",
                    "平罗县社会保险事业管理中心",
                ],
            ),
            (
                "项目属性0101-一年期项目项目期1 年",
                &["项目属性", "0101-一年期项目", "项目期", "1年"],
            ),
            (
                "项目资金（万元）年度资金总额：14500",
                &["项目资金（万元）", "年度资金总额：", "14500"],
            ),
            (
                "名称一级指标二级指标三级指标指标值",
                &["名称", "一级指标", "二级指标", "三级指标", "指标值"],
            ),
            ("≥95%", &["≥95%"]),
        ];
        for &(line, want) in cases {
            assert_eq!(split(line), want, "{line}");
        }
    }

    #[test]
    fn label_tail_on_next_line() {
        let mut pending = None;
        let _ = split_line(
            "效益指社会效益指标（必填）有效地解决了部分，有效解决",
            &mut pending,
            false,
            &mut |_| {},
        );
        let got = split_line(
            "标确保各项补贴政策落实到位，保障民生。",
            &mut pending,
            false,
            &mut |_| {},
        );
        assert_eq!(got, ["标", "确保各项补贴政策落实到位，保障民生。"]);
    }

    #[test]
    fn hostile_long_line_is_fast() {
        let line = "数".repeat(2_000_000) + "100%";
        let start = std::time::Instant::now();
        let got = split(&line);
        assert_eq!(got.last().map(String::as_str), Some("100%"));
        assert!(start.elapsed().as_secs() < 5);
    }
}
