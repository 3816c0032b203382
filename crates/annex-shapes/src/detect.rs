//! Shape detection, per table region, by evidence each shape cannot help leaving.

use annex_grammar::vocab;

use crate::Shape;
use crate::source::{self, SrcLine, source_lines};

/// Detect the shape of decoded text: HTML when it holds table markup, else the shape most
/// of its table regions show (see [`Shape`] for what each looks like).
///
/// ```
/// use annex_shapes::{detect, Shape};
/// assert_eq!(detect("名称\t一级指标\t二级指标\n绩效指标\t产出指标\t数量指标"), Shape::Tsv);
/// assert_eq!(detect("<table><tr><td rowspan=\"2\">产出指标</td><td>x</td></tr></table>"), Shape::Html);
/// assert_eq!(detect("名称一级指标二级指标三级指标指标值\n产出指标数量指标全年印制社保卡22000张"), Shape::Glued);
/// ```
pub fn detect(text: &str) -> Shape {
    let lines = source_lines(text);
    let html = has_cell_markup(text);
    if is_all_html(&lines, html) {
        return Shape::Html;
    }
    let mut votes: Vec<(usize, Shape)> = Vec::new();
    for chunk in regions(&lines) {
        let Some(k) = evidence(chunk, html) else {
            continue;
        };
        match votes.iter_mut().find(|(_, s)| *s == k) {
            Some(v) => v.0 += chunk.len(),
            None => votes.push((chunk.len(), k)),
        }
    }
    votes
        .into_iter()
        .max_by_key(|&(n, k)| (n, std::cmp::Reverse(k)))
        .map_or(Shape::Tsv, |(_, k)| k)
}

/// Do the lines hold table cell markup: at least two `<td` or `<th`, in any case?
pub(crate) fn is_html(lines: &[SrcLine<'_>]) -> bool {
    let mut tags = 0usize;
    for l in lines {
        tags += cell_tags(l.text, 2 - tags);
        if tags >= 2 {
            return true;
        }
    }
    false
}

/// [`is_html`] of all the source lines of `text`, on the text itself: neither pattern
/// holds a line end or a form feed, so none spans two lines, and every other byte of the
/// text is in a line. One `memchr` pass over the text, which most text ends with no `<`.
pub(crate) fn has_cell_markup(text: &str) -> bool {
    cell_tags(text, 2) >= 2
}

/// How many `<td` and `<th` (ASCII case aside) `text` holds, counting no further than
/// `limit`, without lowering a copy of it: the scan jumps from `<` to `<` (`memchr`).
/// Neither pattern can overlap itself, so counting positions counts what `str::matches`
/// would.
fn cell_tags(text: &str, limit: usize) -> usize {
    let b = text.as_bytes();
    let (mut n, mut from) = (0, 0);
    while n < limit {
        let Some(at) = b
            .get(from..)
            .and_then(|r| memchr::memchr(b'<', r))
            .map(|k| from + k)
        else {
            break;
        };
        let t = b.get(at + 1).is_some_and(|c| c.eq_ignore_ascii_case(&b't'));
        if t && b
            .get(at + 2)
            .is_some_and(|c| matches!(c.to_ascii_lowercase(), b'd' | b'h'))
        {
            n += 1;
        }
        from = at + 1;
    }
    n
}

/// Text of a line with table punctuation, markup markers, HTML tags and spaces removed,
/// for vocabulary tests that must not care about the shape (`<h2>部门项目…</h2>` is a
/// title as much as `## 部门项目…` is).
fn bare(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag || c.is_whitespace() || matches!(c, '|' | '#' | '*' | '\u{3000}') => {}
            _ => out.push(c),
        }
    }
    // A `<` that opened no tag (`<5%`) hid the rest of the line: keep it as text.
    if in_tag {
        return line
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '|' | '#' | '*' | '\u{3000}'))
            .collect();
    }
    out
}

/// Is the whole text HTML, to be read by one tokenizer across all its lines? Yes when it
/// holds table markup and no table region shows another shape's evidence; a file that
/// mixes shapes (tab-separated tables, then an HTML table) is read region by region.
/// `html` is [`is_html`] of `lines` (or [`has_cell_markup`] of their text), which the
/// caller has at hand.
pub(crate) fn is_all_html(lines: &[SrcLine<'_>], html: bool) -> bool {
    html && regions(lines)
        .iter()
        .all(|c| matches!(evidence(c, true), None | Some(Shape::Html)))
}

/// Does a new table start at line `i` (a form title followed by a 项目名称 label soon)?
fn starts_table<'a>(lines: &[SrcLine<'a>], i: usize, titles: &mut Titles<'a>) -> bool {
    let line = lines[i];
    if line.flags & source::TITLE_CANDIDATE == 0 || !titles.is_title(line.text) {
        return false;
    }
    lines[i + 1..]
        .iter()
        .filter(|l| !l.is_blank())
        .take(8)
        .any(|l| bare_contains(l.text, l.angle, "项目名称"))
}

/// `vocab::is_form_title(&bare(text))`, remembered for the last few lines asked: a
/// document prints the same title (or page-header title) a thousand times. The key is the
/// line without its trailing white space, which [`bare`] drops anyway.
#[derive(Default)]
struct Titles<'a> {
    seen: Vec<(&'a str, bool)>,
}

impl<'a> Titles<'a> {
    const KEEP: usize = 4;

    fn is_title(&mut self, text: &'a str) -> bool {
        let key = text.trim_end();
        if let Some(&(_, yes)) = self.seen.iter().find(|(k, _)| *k == key) {
            return yes;
        }
        let yes = vocab::is_form_title(&bare(key));
        if self.seen.len() == Self::KEEP {
            self.seen.remove(0);
        }
        self.seen.push((key, yes));
        yes
    }
}

/// A quick and exact "no" for `vocab::is_form_title(&bare(text))`. A form title holds `绩`
/// and ends in `表`, white space aside. [`bare`] only removes characters, so the line
/// holds both; and a line without `<` opens no tag, so its bare text is the line without
/// white space and `|#*`, whose last such character must be `表`: for most lines that is
/// one look at their end.
///
/// `angle` is whether `text` holds a `<` ([`SrcLine::angle`]).
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn may_be_title(text: &str, angle: bool) -> bool {
    if ends_in_table(text) {
        return has_char(text, '绩');
    }
    angle && has_char(text, '绩') && has_char(text, '表')
}

/// Does the line end in `表`, white space and `|#*` aside? The ASCII ones are stripped as
/// bytes; then the last character decides: `表` yes, ASCII or an ideograph (lead byte
/// `E4..=E9`, as most lines end) no, and anything else unless it is white space beyond
/// ASCII (`U+3000` and kin), when the general test runs.
#[allow(clippy::inline_always)]
#[inline(always)]
fn ends_in_table(text: &str) -> bool {
    let b = text.as_bytes();
    let mut end = b.len();
    while end > 0
        && matches!(
            b[end - 1],
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b'|' | b'#' | b'*'
        )
    {
        end -= 1;
    }
    let rest = &b[..end];
    if rest.ends_with("表".as_bytes()) {
        return true;
    }
    let ideograph = end >= 3 && (0xE4..=0xE9).contains(&b[end - 3]);
    if rest.last().is_none_or(u8::is_ascii) || ideograph {
        return false;
    }
    ends_in_table_slow(text.get(..end).unwrap_or_default())
}

/// The rest of [`ends_in_table`], for a line whose last character (trimmed as bytes) is
/// neither ASCII nor an ideograph: out of line, as few lines get here.
#[inline(never)]
fn ends_in_table_slow(rest: &str) -> bool {
    rest.chars().next_back().is_some_and(char::is_whitespace)
        && rest
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '#' | '*'))
            .ends_with('表')
}

/// `bare(text).contains(needle)` for a needle of characters [`bare`] keeps, copying the
/// line only when it must: [`bare`] only removes characters, so each of them must be in
/// the line; a line without `<` opens no tag, and a run of kept characters in it is still
/// a run once the others are removed. `angle` is whether `text` holds a `<`
/// ([`SrcLine::angle`]).
fn bare_contains(text: &str, angle: bool, needle: &str) -> bool {
    // The first character alone turns most lines away.
    if needle.chars().next().is_some_and(|c| !has_char(text, c)) {
        return false;
    }
    if !angle && text.contains(needle) {
        return true;
    }
    needle.chars().all(|c| has_char(text, c)) && bare(text).contains(needle)
}

/// `text.contains(c)`, a three-byte character (every ideograph asked here) looked for by
/// [`source::contains3`]: in UTF-8 no character's encoding starts inside another's, so
/// the bytes in a row are the character.
fn has_char(text: &str, c: char) -> bool {
    let mut buf = [0u8; 4];
    match *c.encode_utf8(&mut buf).as_bytes() {
        [a, b, d] => source::contains3(text.as_bytes(), [a, b, d]),
        _ => text.contains(c),
    }
}

/// Split source lines into table regions: a region starts at each form title that opens a
/// new table (a title repeated as a page header does not start one).
pub(crate) fn regions<'s, 'a>(lines: &'s [SrcLine<'a>]) -> Vec<&'s [SrcLine<'a>]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut titles = Titles::default();
    for i in 0..lines.len() {
        if i > start && starts_table(lines, i, &mut titles) {
            out.push(&lines[start..i]);
            start = i;
        }
    }
    if start < lines.len() {
        out.push(&lines[start..]);
    }
    out
}

fn has_gap(text: &str) -> bool {
    let t = text.trim();
    t.contains("  ") || t.contains('\u{3000}')
}

/// The shape a region shows evidence of, if any. A region of a line or two (the annex
/// heading above the first table) shows none and takes its neighbour's shape.
///
/// `html_possible` is false when the caller knows the whole text holds fewer than two cell
/// tags (so no region does).
pub(crate) fn evidence(lines: &[SrcLine<'_>], html_possible: bool) -> Option<Shape> {
    if html_possible && is_html(lines) {
        return Some(Shape::Html);
    }
    // The counts the Markdown and tab-separated rules need, in one pass over the lines;
    // the other rules, which most regions never reach, read `nonblank`. Every line is
    // looked at for blankness and a leading `|`, but tabs are counted only until the
    // tab-separated rule holds whatever the rest is: two tabbed lines and a fifth of all
    // lines (so of the non-blank ones).
    let (mut n, mut piped, mut separator, mut tabbed) = (0usize, 0usize, false, 0usize);
    let mut tabs_enough = false;
    for l in lines {
        if l.flags & source::BLANK != 0 {
            continue;
        }
        n += 1;
        if l.flags & source::PIPED != 0 {
            let t = source::trim_start(l.text).trim_end();
            if t.bytes().filter(|&b| b == b'|').count() >= 3 {
                piped += 1;
            }
            separator = separator
                || (t.contains("---") && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')));
        }
        if !tabs_enough && holds_inner_tab(l.text) {
            tabbed += 1;
            tabs_enough = tabbed >= 2 && tabbed * 5 >= lines.len();
        }
    }
    let n = n.max(1);
    let share = |k: usize| k * 5 >= n; // at least a fifth of the lines
    if piped >= 2 && (separator || share(piped)) {
        return Some(Shape::Markdown);
    }
    if tabbed >= 2 && share(tabbed) {
        return Some(Shape::Tsv);
    }
    let nonblank: Vec<&str> = lines
        .iter()
        .filter(|l| !l.is_blank())
        .map(|l| l.text.trim_end())
        .collect();
    evidence_rest(&nonblank)
}

/// Whether the line holds a tab once trimmed at both ends (`memchr(b'\t',
/// trim_start(line).trim_end())`), without trimming its end: the trimmed line holds a tab
/// exactly when something other than white space follows the first tab after its start
/// (a tab after the last such character is trimmed, and one before it is not).
fn holds_inner_tab(line: &str) -> bool {
    let t = source::trim_start(line);
    memchr::memchr(b'\t', t.as_bytes())
        .is_some_and(|p| !source::trim_start(t.get(p + 1..).unwrap_or_default()).is_empty())
}

/// The rules after the tab-separated one, on the region's non-blank lines (end-trimmed).
fn evidence_rest(nonblank: &[&str]) -> Option<Shape> {
    let n = nonblank.len().max(1);
    let share = |k: usize| k * 5 >= n; // at least a fifth of the lines
    // The indicator column-header row says the most about how cells are separated. Each
    // line's bare text is kept for the last rule.
    let mut bares = Vec::with_capacity(nonblank.len());
    for l in nonblank {
        let b = bare(l);
        if b.contains("一级指标二级指标") || b.contains("三级指标指标值") {
            return Some(if l.trim().contains("  ") {
                Shape::Layout
            } else if b.len() == l.trim().len() {
                Shape::Glued
            } else {
                // `名称 一级指标 二级指标 …` with single spaces: a layout with tight columns.
                Shape::Layout
            });
        }
        bares.push(b);
    }
    let alone_header = nonblank.iter().any(|l| {
        let t = l.trim().trim_end_matches('|').trim();
        matches!(t, "一级指标" | "二级指标" | "三级指标" | "指标值")
    });
    let pipe_ended = nonblank
        .iter()
        .filter(|l| l.trim_end().ends_with(" |"))
        .count();
    if alone_header || (pipe_ended >= 2 && share(pipe_ended)) {
        return Some(Shape::CellPerLine);
    }
    let gapped = nonblank.iter().filter(|l| has_gap(l)).count();
    if gapped >= 2 && share(gapped) {
        return Some(Shape::Layout);
    }
    let glued = bares.iter().any(|b| {
        vocab::LEVEL1.iter().any(|l1| {
            b.strip_prefix(l1)
                .is_some_and(|r| r.chars().count() > 4 && vocab::classify_label(r).is_none())
        })
    });
    glued.then_some(Shape::Glued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_tags_as_lowercase_matches() {
        let pieces = [
            "<", "t", "T", "d", "D", "h", "H", "<td", "<TH", "<tD", "x", "中", " ",
        ];
        for t in crate::random_texts(&pieces, 20_000, 8) {
            let lower = t.to_ascii_lowercase();
            let slow = lower.matches("<td").count() + lower.matches("<th").count();
            assert_eq!(cell_tags(&t, usize::MAX), slow, "{t:?}");
            assert_eq!(cell_tags(&t, 2), slow.min(2), "{t:?}");
        }
    }

    /// What `is_html` was: the early return only ever fired once two tags were counted.
    #[test]
    fn is_html_counts_two_tags() {
        let old = |lines: &[SrcLine<'_>]| {
            let mut tags = 0usize;
            for l in lines {
                let lower = l.text.to_ascii_lowercase();
                tags += lower.matches("<td").count() + lower.matches("<th").count();
                if tags >= 2 && lower.contains("<t") {
                    return true;
                }
            }
            tags >= 2
        };
        let pieces = ["<td>", "<TH ", "<tr>", "<t", "\n", "x", "中", "\t"];
        for t in crate::random_texts(&pieces, 20_000, 10) {
            let lines = source_lines(&t);
            assert_eq!(is_html(&lines), old(&lines), "{t:?}");
            assert_eq!(has_cell_markup(&t), old(&lines), "{t:?}");
        }
    }

    /// What `evidence` was, rule by rule, to hold the one-pass version to.
    fn old_evidence(lines: &[SrcLine<'_>]) -> Option<Shape> {
        if is_html(lines) {
            return Some(Shape::Html);
        }
        let nonblank: Vec<&str> = lines
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| l.text.trim_end())
            .collect();
        let n = nonblank.len().max(1);
        let share = |k: usize| k * 5 >= n;
        let piped = nonblank
            .iter()
            .filter(|l| l.trim_start().starts_with('|') && l.matches('|').count() >= 3)
            .count();
        let separator = nonblank.iter().any(|l| {
            let t = l.trim();
            t.starts_with('|')
                && t.contains("---")
                && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        });
        if piped >= 2 && (separator || share(piped)) {
            return Some(Shape::Markdown);
        }
        let tabbed = nonblank.iter().filter(|l| l.trim().contains('\t')).count();
        if tabbed >= 2 && share(tabbed) {
            return Some(Shape::Tsv);
        }
        // The rest is the same code in both.
        evidence_rest(&nonblank)
    }

    #[test]
    fn evidence_in_one_pass() {
        let pieces = [
            "|",
            " | ",
            "|---|",
            "|:--|",
            "---",
            "\t",
            " \t",
            "a",
            "中",
            "一级指标",
            "二级指标",
            "三级指标指标值",
            "  ",
            "\u{3000}",
            "\n",
            "\n",
            "\n",
            "<td>",
            " |",
            "产出指标",
            "数量指标全年印制",
            "指标值",
        ];
        for t in crate::random_texts(&pieces, 40_000, 24) {
            let lines = source_lines(&t);
            let old = old_evidence(&lines);
            assert_eq!(evidence(&lines, true), old, "{t:?}");
            assert_eq!(evidence(&lines, has_cell_markup(&t)), old, "{t:?}");
        }
    }

    #[test]
    fn inner_tab_as_trimmed() {
        let pieces = [
            "\t", " ", "a", "中", "\u{3000}", "\u{85}", "\n", "\x0B", "|",
        ];
        for t in crate::random_texts(&pieces, 40_000, 8) {
            let general = t.trim_start().trim_end().contains('\t');
            assert_eq!(holds_inner_tab(&t), general, "{t:?}");
        }
    }

    #[test]
    fn has_char_as_contains() {
        let pieces = [
            "绩",
            "表",
            "项",
            "中",
            "a",
            "\u{7EE9}",
            "\u{E7}",
            "\u{20000}",
            "é",
            " ",
        ];
        for t in crate::random_texts(&pieces, 20_000, 40) {
            for c in ['绩', '表', '项', 'a', 'é', '\u{20000}'] {
                assert_eq!(has_char(&t, c), t.contains(c), "{t:?} {c}");
            }
        }
    }

    #[test]
    fn ends_in_table_as_trimmed() {
        let pieces = [
            "表",
            "中",
            "a",
            " ",
            "\t",
            "\x0B",
            "\x0C",
            "|",
            "#",
            "*",
            "\u{3000}",
            "\u{A0}",
            "\u{85}",
            "\u{2028}",
            "\u{1C}",
            "\r",
            "\u{20000}",
            "é",
            "。",
        ];
        for t in crate::random_texts(&pieces, 20_000, 6) {
            let general = t
                .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '#' | '*'))
                .ends_with('表');
            assert_eq!(ends_in_table(&t), general, "{t:?}");
        }
    }

    /// The `绩`/`表` test before `bare` changes no region split.
    #[test]
    fn title_prefilter_keeps_regions() {
        let old = |lines: &[SrcLine<'_>], i: usize| {
            vocab::is_form_title(&bare(lines[i].text))
                && lines[i + 1..]
                    .iter()
                    .filter(|l| !l.is_blank())
                    .take(8)
                    .any(|l| bare(l.text).contains("项目名称"))
        };
        let pieces = [
            "部门项目支出预算绩效目标表",
            "<h2>部门项目支出预算绩效目标表</h2>",
            "## 部门",
            "项目支出预算绩效目标表",
            "绩",
            "表",
            "附件2：",
            "\n",
            "\n项目名称\tx",
            "| 项目名称 |",
            "<b>项目</b>名称",
            "<i title=\"项目名称\">",
            "<5%项目名称",
            "部门项目支出预算绩效目标表 |",
            "**部门项目支出预算绩效目标表**",
            "\u{3000}",
            " ",
            "\t",
        ];
        for t in crate::random_texts(&pieces, 20_000, 8) {
            let lines = source_lines(&t);
            let mut titles = Titles::default();
            for (i, l) in lines.iter().enumerate() {
                assert_eq!(bare(l.text), bare(l.text.trim_end()), "{t:?}");
                assert_eq!(
                    starts_table(&lines, i, &mut titles),
                    old(&lines, i),
                    "{t:?}"
                );
            }
        }
    }
}
