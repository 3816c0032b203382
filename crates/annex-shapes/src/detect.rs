//! Shape detection, per table region, by evidence each shape cannot help leaving.

use annex_grammar::vocab;

use crate::Shape;
use crate::source::{SrcLine, source_lines};

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
    if is_all_html(&lines) {
        return Shape::Html;
    }
    let mut votes: Vec<(usize, Shape)> = Vec::new();
    for chunk in regions(&lines) {
        let Some(k) = evidence(chunk) else { continue };
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

/// Does the text hold table cell markup: at least two `<td` or `<th`, in any case?
pub(crate) fn is_html(lines: &[SrcLine<'_>]) -> bool {
    let mut tags = 0usize;
    for l in lines {
        tags += cell_tags(l.text);
        if tags >= 2 {
            return true;
        }
    }
    false
}

/// How many `<td` and `<th` (ASCII case aside) a line holds, without lowering a copy of
/// it: a line without `<` (most) is one `memchr`. Neither pattern can overlap itself, so
/// counting positions counts what `str::matches` would.
fn cell_tags(text: &str) -> usize {
    let b = text.as_bytes();
    if !b.contains(&b'<') {
        return 0;
    }
    b.windows(3)
        .filter(|w| {
            w[0] == b'<'
                && w[1].eq_ignore_ascii_case(&b't')
                && matches!(w[2].to_ascii_lowercase(), b'd' | b'h')
        })
        .count()
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
pub(crate) fn is_all_html(lines: &[SrcLine<'_>]) -> bool {
    is_html(lines)
        && regions(lines)
            .iter()
            .all(|c| matches!(evidence(c), None | Some(Shape::Html)))
}

/// Does a new table start at line `i` (a form title followed by a 项目名称 label soon)?
fn starts_table(lines: &[SrcLine<'_>], i: usize) -> bool {
    // A form title holds `绩` and `表`; `bare` only removes characters, so a line without
    // them is no title and need not be copied.
    let text = lines[i].text;
    if !text.contains('绩') || !text.contains('表') || !vocab::is_form_title(&bare(text)) {
        return false;
    }
    lines[i + 1..]
        .iter()
        .filter(|l| !l.is_blank())
        .take(8)
        .any(|l| bare(l.text).contains("项目名称"))
}

/// Split source lines into table regions: a region starts at each form title that opens a
/// new table (a title repeated as a page header does not start one).
pub(crate) fn regions<'s, 'a>(lines: &'s [SrcLine<'a>]) -> Vec<&'s [SrcLine<'a>]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..lines.len() {
        if i > start && starts_table(lines, i) {
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
pub(crate) fn evidence(lines: &[SrcLine<'_>]) -> Option<Shape> {
    if is_html(lines) {
        return Some(Shape::Html);
    }
    let nonblank: Vec<&str> = lines
        .iter()
        .filter(|l| !l.is_blank())
        .map(|l| l.text.trim_end())
        .collect();
    let n = nonblank.len().max(1);
    let share = |k: usize| k * 5 >= n; // at least a fifth of the lines

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
    // The indicator column-header row says the most about how cells are separated.
    for l in &nonblank {
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
    let glued = nonblank.iter().any(|l| {
        let b = bare(l);
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
            assert_eq!(cell_tags(&t), slow, "{t:?}");
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
            " ",
            "\t",
        ];
        for t in crate::random_texts(&pieces, 20_000, 8) {
            let lines = source_lines(&t);
            for i in 0..lines.len() {
                assert_eq!(starts_table(&lines, i), old(&lines, i), "{t:?}");
            }
        }
    }
}
