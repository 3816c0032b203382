//! The canonical text form of one cell (SCHEMA.md, "Canonical text form").
//!
//! Two stages: [`crate::markup`] removes OCR markup, then [`spacing_into`] maps characters and
//! fixes spaces and punctuation. The second stage can, in odd cases, create markup the
//! first would remove (full-width `＜ｐ＞` becomes `<p>`, a decoded `&lt;p&gt;` is a tag),
//! so [`canonical_cell_into`] repeats both until nothing changes. That costs nothing on normal
//! text: a second round runs only when the output still holds `<`, `&`, `$` or `\`.

use crate::markup::{self, Notes};

/// Rounds of markup + spacing before giving up on a fixed point. Every round after the
/// first needs markup that the previous round created; real text never gets past two.
const MAX_ROUNDS: usize = 8;

/// Reusable buffers, so a file's cells do not each allocate their own.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    chars: Vec<char>,
    /// Per position: the nearest non-space, non-switchable neighbour on either side is CJK.
    near_cjk: Vec<bool>,
    opens: Vec<usize>,
    matched: Vec<bool>,
    /// CJK characters before each position, to ask whether a bracket pair encloses any.
    cjk_before: Vec<u32>,
}

/// Canonical form of one cell; markup that could not be removed is counted in `notes`.
#[cfg(test)]
pub(crate) fn canonical_cell(s: &str, scratch: &mut Scratch, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(s.len());
    canonical_cell_into(s, scratch, notes, &mut out);
    out
}

/// The canonical form of one cell appended to `out`, so a line's cells share one buffer.
pub(crate) fn canonical_cell_into(
    s: &str,
    scratch: &mut Scratch,
    notes: &mut Notes,
    out: &mut String,
) {
    let start = out.len();
    let stripped = markup::strip(s, notes);
    spacing_into(stripped.as_deref().unwrap_or(s), scratch, out);
    let first = out.get(start..).unwrap_or_default();
    if !markup::may_have_markup(first) {
        return;
    }
    let mut cur = first.to_owned();
    for _ in 1..MAX_ROUNDS {
        // Notes only from the first round: later rounds see the same leftovers again.
        let Some(again) = markup::strip(&cur, &mut Notes::default()) else {
            break;
        };
        cur.clear();
        spacing_into(&again, scratch, &mut cur);
        if !markup::may_have_markup(&cur) {
            break;
        }
    }
    out.truncate(start);
    out.push_str(&cur);
}

/// Whether `c` makes [`spacing_into`] change anything: most cells (`绩效指标`, `14500`,
/// `100%`) hold none of these and are copied as they are.
fn needs_spacing(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace() || c.is_ascii_control() || switchable(c).is_some();
    }
    c.is_whitespace() || ('\u{FF01}'..='\u{FF5E}').contains(&c) || is_dropped(c)
}

/// Punctuation whose width follows its neighbours: `，：；（）？！` next to CJK text,
/// `,:;()?!` elsewhere. Returns the ASCII form.
fn switchable(c: char) -> Option<char> {
    match c {
        ',' | '，' => Some(','),
        ':' | '：' => Some(':'),
        ';' | '；' => Some(';'),
        '(' | '（' => Some('('),
        ')' | '）' => Some(')'),
        '?' | '？' => Some('?'),
        '!' | '！' => Some('!'),
        _ => None,
    }
}

fn full_width(ascii: char) -> char {
    match ascii {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '(' => '（',
        ')' => '）',
        '?' => '？',
        '!' => '！',
        c => c,
    }
}

/// "CJK" for the spacing and punctuation rules: ideographs and their extensions, CJK
/// radicals and punctuation (`。、《》【】`), kana, hangul, enclosed CJK and squared units
/// (`㎡`), and every full-width form left after mapping (`，（％`→ only `，（` remain).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3001}'..='\u{303F}'
        | '\u{3040}'..='\u{312F}'
        | '\u{3190}'..='\u{31FF}'
        | '\u{3200}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Characters that carry nothing and only break matching: control characters (C0 other
/// than white space, DEL, C1), zero-width spaces and joiners, a stray byte order mark.
fn is_dropped(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Character mapping, spacing and punctuation width: one pass to map and fold spaces,
/// one each way to find CJK neighbours, one to pair brackets, one to emit.
fn spacing_into(s: &str, scratch: &mut Scratch, out: &mut String) {
    if !s.chars().any(needs_spacing) {
        out.push_str(s);
        return;
    }
    let buf = &mut scratch.chars;
    buf.clear();
    for c in s.chars() {
        let c = match c {
            // Full-width ASCII → ASCII, except what keeps its own rule: the switchable
            // punctuation and `．` (a full stop in Chinese text, a decimal point between digits).
            '\u{FF01}'..='\u{FF5E}' if switchable(c).is_none() && c != '．' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            c if c.is_whitespace() => ' ',
            c if is_dropped(c) => continue,
            c => c,
        };
        if c == ' ' && matches!(buf.last(), None | Some(' ')) {
            continue;
        }
        buf.push(c);
    }
    if buf.last() == Some(&' ') {
        buf.pop();
    }
    let n = buf.len();

    // `．` between digits (spaces aside) is a decimal point: `3．43` → `3.43`.
    for i in 0..n {
        if buf[i] == '．' {
            let prev = prev_non_space(buf, i);
            let next = next_non_space(buf, i);
            if prev.is_some_and(|c| c.is_ascii_digit()) && next.is_some_and(|c| c.is_ascii_digit())
            {
                buf[i] = '.';
            }
        }
    }

    // Width of switchable punctuation depends on the nearest neighbour that is neither a
    // space nor switchable itself, so the decision does not depend on the widths it is
    // deciding: `工作, (必填)` has `作` next to both. That keeps the form a fixed point.
    let near = &mut scratch.near_cjk;
    near.clear();
    near.resize(n, false);
    let mut last: Option<bool> = None;
    for i in 0..n {
        let c = buf[i];
        if c == ' ' {
            continue;
        }
        if switchable(c).is_some() {
            near[i] = last == Some(true);
        } else {
            last = Some(is_cjk(c));
        }
    }
    last = None;
    for i in (0..n).rev() {
        let c = buf[i];
        if c == ' ' {
            continue;
        }
        if switchable(c).is_some() {
            near[i] |= last == Some(true);
        } else {
            last = Some(is_cjk(c));
        }
    }

    let cjk_before = &mut scratch.cjk_before;
    cjk_before.clear();
    let mut count = 0u32;
    for &c in buf.iter() {
        cjk_before.push(count);
        count += u32::from(is_cjk(c) && switchable(c).is_none());
    }
    cjk_before.push(count);

    // Brackets switch as a pair, either side deciding for both: `人数 (2021 年 12 月以前)`;
    // a pair that encloses CJK text is full-width too (`(a 中 b)`), one that does not and
    // stands among non-CJK text is ASCII, whatever it was: `（2024）` → `(2024)`.
    // An unmatched bracket stays as printed: it is often an OCR misreading (`达) 95%`)
    // that the grammar reports, and changing it would hide what was printed.
    let opens = &mut scratch.opens;
    opens.clear();
    let matched = &mut scratch.matched;
    matched.clear();
    matched.resize(n, false);
    for i in 0..n {
        match switchable(buf[i]) {
            Some('(') => opens.push(i),
            Some(')') => {
                if let Some(o) = opens.pop() {
                    let encloses = cjk_before.get(i) != cjk_before.get(o);
                    let full = near[o] || near[i] || encloses;
                    near[o] = full;
                    near[i] = full;
                    matched[o] = true;
                    matched[i] = true;
                }
            }
            _ => {}
        }
    }
    for i in 0..n {
        if let Some(ascii) = switchable(buf[i]) {
            let is_bracket = matches!(ascii, '(' | ')');
            if !is_bracket || matched[i] {
                buf[i] = if near[i] { full_width(ascii) } else { ascii };
            }
        }
    }

    // A space survives only between two non-CJK characters: `4670 人` → `4670人`,
    // `手机 APP` → `手机APP`, `运行。 2.` → `运行。2.`; `3.43 亿元` → `3.43亿元`.
    out.reserve(s.len() + 8);
    for i in 0..n {
        let c = buf[i];
        if c == ' ' {
            let prev = i.checked_sub(1).and_then(|p| buf.get(p)).copied();
            let next = buf.get(i + 1).copied();
            if prev.is_some_and(is_cjk) || next.is_some_and(is_cjk) {
                continue;
            }
            // A comparator sign binds to its number and a number to its percent sign:
            // `$\geq$ 96\%` → `≥ 96%` → `≥96%`; `100 %` → `100%`.
            if (matches!(prev, Some('≥' | '≤')) && next.is_some_and(|c| c.is_ascii_digit()))
                || (prev.is_some_and(|c| c.is_ascii_digit()) && next == Some('%'))
            {
                continue;
            }
        }
        out.push(c);
    }
}

fn prev_non_space(buf: &[char], i: usize) -> Option<char> {
    buf.get(..i)?.iter().rev().find(|&&c| c != ' ').copied()
}

fn next_non_space(buf: &[char], i: usize) -> Option<char> {
    buf.get(i + 1..)?.iter().find(|&&c| c != ' ').copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_cell(s, &mut Scratch::default(), &mut Notes::default())
    }

    #[test]
    fn spacing_table() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("   ", ""),
            ("  a   b  ", "a b"),
            ("a\u{3000}\u{A0}b", "a b"),
            ("４６７０ 人", "4670人"),
            ("ＡＰＰ", "APP"),
            ("３．４３", "3.43"),
            ("运行．", "运行．"),
            ("１００％", "100%"),
            ("１－１２", "1-12"),
            ("4670 人", "4670人"),
            ("≥ 96%", "≥96%"),
            ("不低于 ≥ 95 %", "不低于≥95%"),
            ("a ≤ b", "a ≤ b"),
            ("手机 APP", "手机APP"),
            ("2021 年 12 月以前", "2021年12月以前"),
            ("运行。 2. 全力", "运行。2.全力"),
            ("1. 保证", "1.保证"),
            (
                "全力推进社会维稳工作, 保障民生",
                "全力推进社会维稳工作，保障民生",
            ),
            ("年度资金总额:", "年度资金总额："),
            ("其中: 财政拨款", "其中：财政拨款"),
            ("人数 (2021 年 12 月以前)", "人数（2021年12月以前）"),
            (
                "缴费人数(2018年、2021.1-2021.8)",
                "缴费人数（2018年、2021.1-2021.8）",
            ),
            ("数量指标 (必填硬性指标)", "数量指标（必填硬性指标）"),
            ("(2024 年度)", "（2024年度）"),
            ("（2024）", "(2024)"),
            ("(a 中 b)", "（a中b）"),
            ("U+2123D，GB18030", "U+2123D,GB18030"),
            ("12:30, ok?", "12:30, ok?"),
            ("a，b", "a,b"),
            ("14,500万元", "14,500万元"),
            ("宣传条幅; 2.开展", "宣传条幅；2.开展"),
            ("工作, (必填)", "工作，（必填）"),
            ("时效性达) 95%", "时效性达) 95%"),
            ("1 月—12 月", "1月—12月"),
            ("x\u{200B}y\u{0}z", "xyz"),
            ("好吗?", "好吗？"),
        ];
        for &(input, want) in cases {
            assert_eq!(canon(input), want, "input {input:?}");
        }
    }

    #[test]
    fn markup_then_spacing() {
        let cases: &[(&str, &str)] = &[
            (
                "开通网上申报单位覆盖率，调查达到 $\\geq 98\\%$",
                "开通网上申报单位覆盖率，调查达到≥98%",
            ),
            (
                "<p>1. 确保到位。</p> <p>2. 全力推进, 保障民生。</p>",
                "1.确保到位。2.全力推进，保障民生。",
            ),
            (
                "<h2 style=\"margin: 0;\">部门项目支出预算绩效目标表</h2>",
                "部门项目支出预算绩效目标表",
            ),
            ("满意度 &lt;5%", "满意度<5%"),
            ("&lt;p&gt;x", "x"),
            ("＜ｐ＞x", "x"),
        ];
        for &(input, want) in cases {
            assert_eq!(canon(input), want, "input {input:?}");
        }
    }

    #[test]
    fn idempotent_on_examples() {
        for s in [
            "a (b) c",
            "（2024）年",
            "x ． 5",
            "1 ．5",
            "a ．5",
            "$\\text{{a}$",
            "&amp;lt;",
        ] {
            let once = canon(s);
            assert_eq!(canon(&once), once, "input {s:?}");
        }
    }
}
