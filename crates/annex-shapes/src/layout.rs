//! Column-aligned text as `pdftotext -layout` prints a ruled table.
//!
//! Columns are aligned with spaces (a CJK character is two columns wide), but the x of a
//! run is only roughly kept: pdftotext pushes a run right when the run to its left
//! overflows its cell (`数量指标（必填硬性指 人员`, one space apart) and pulls a lone run
//! left. So this reader trusts the vocabulary first and geometry second:
//!
//! 1. **Runs**: text separated by two or more spaces; a run that starts with a label (or a
//!    label's cut-off start) and goes on after one space is two runs.
//! 2. **Header section** (above the `名称 一级指标 …` row): header labels, joined over the
//!    lines they wrap onto (`年度资金总` / `额：`); every other run is the value of the
//!    label whose lines it sits on (the nearest such label to its left), else of the
//!    nearby label whose value column it lines up with. Labels whose lines overlap make one
//!    row: `主管部门及代码 ⇥ … ⇥ 实施单位 ⇥ …`.
//! 3. **Indicator section**: 一级/二级 labels, joined over their wrapped lines
//!    (`数量指标（必填硬性指` / `标）`); the other runs are 三级 name pieces or a 指标值 (the
//!    rightmost run of a line, a lone short run right of the name column, or a measured
//!    last word one space after a name that fills its cell). The name column is found per
//!    page (pdftotext lays each page out on its own grid). Each value anchors one row; the
//!    name lines between two values are shared out where it costs least over the table:
//!    a value sits at the vertical middle of its row, a wrapped cell fills its width on
//!    every line but its last, a blank line is a cell border, and a row never has lines
//!    level with two 一级 or two 二级 labels (a row lies inside one merged cell of each).
//! 4. **Spans**: a merged label is printed near the vertical middle of the rows it spans
//!    (or, when a page break cuts the cell, at its top or the middle of its part on the
//!    label's page); labels are given contiguous groups of rows so that each label sits as
//!    near that place as possible, a row level with a label's line always under that label,
//!    and each is emitted on the first row of its group, as the tab-separated text prints
//!    it.

use annex_grammar::vocab;
use annex_normalize::{Warning, canonical_text};

use crate::Row;
use crate::source::SrcLine;

/// Display width of a character in a pdftotext layout: CJK and full-width forms take two.
fn width(c: char) -> usize {
    let u = c as u32;
    let wide = (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x2_0000..=0x3_FFFD).contains(&u);
    if wide { 2 } else { 1 }
}

#[derive(Debug, Clone)]
struct Run {
    /// Index of the line in the region.
    line: usize,
    x0: usize,
    x1: usize,
    text: String,
    /// Split off a label by a single space: pdftotext pushed it right of its column.
    after_label: bool,
}

fn bare(s: &str) -> String {
    canonical_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// How far a text goes towards a taxonomy label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// A whole label; `open` when it has no note yet and a `（…）` may follow.
    Full { level1: bool, open: bool },
    /// The start of a label (or of its note).
    Partial,
}

fn level2_names() -> impl Iterator<Item = String> {
    vocab::LEVEL2_STEMS.iter().map(|s| format!("{s}指标"))
}

fn progress(text: &str) -> Option<Progress> {
    let s = bare(text);
    if s.is_empty() {
        return None;
    }
    if vocab::LEVEL1.contains(&s.as_str()) && s != "成本指标" {
        return Some(Progress::Full {
            level1: true,
            open: false,
        });
    }
    if s == "绩效指标" {
        return Some(Progress::Full {
            level1: true,
            open: false,
        });
    }
    if let Some(vocab::Label::Level2 { note, .. }) = vocab::classify_label(&s) {
        return Some(Progress::Full {
            level1: false,
            open: note.is_none(),
        });
    }
    let partial_of = |full: &str| full.starts_with(s.as_str()) && full.len() > s.len();
    if s.chars().count() >= 2
        && (vocab::LEVEL1.iter().any(|l| partial_of(l))
            || partial_of("绩效指标")
            || level2_names().any(|l| partial_of(&l)))
    {
        return Some(Progress::Partial);
    }
    // `数量指标（必填硬性指`: a 二级 label whose note is still open.
    for name in level2_names() {
        if let Some(rest) = s.strip_prefix(name.as_str()) {
            if let Some(note) = rest.strip_prefix(['（', '(']) {
                if !note.contains(['）', ')']) && note.chars().count() <= 12 {
                    return Some(Progress::Partial);
                }
            }
        }
    }
    None
}

/// Is `text` the start of a label's name (not of its note)?
fn name_prefix(text: &str) -> bool {
    let s = bare(text);
    vocab::LEVEL1.iter().any(|l| l.starts_with(s.as_str()))
        || "绩效指标".starts_with(s.as_str())
        || level2_names().any(|l| l.starts_with(s.as_str()))
}

/// Header labels of the form as printed, for joining labels wrapped in their cell.
const HEADER_LABELS: [&str; 14] = [
    "项目名称",
    "主管部门及代码",
    "主管部门（代码）",
    "实施单位",
    "项目属性",
    "项目周期",
    "项目期",
    "项目资金（万元）",
    "项目资金（元）",
    "年度资金总额：",
    "其中：财政拨款",
    "财政拨款",
    "其他资金",
    "年度总体目标",
];

/// Is `s` a header label (`Some(true)`), the cut-off start of one (`Some(false)`)?
fn header_progress(s: &str) -> Option<bool> {
    let b = bare(s);
    if b.is_empty() {
        return None;
    }
    let unify = |t: &str| t.replace(':', "：").replace('(', "（").replace(')', "）");
    let b = unify(&b);
    for l in HEADER_LABELS {
        if b == l || b == l.trim_end_matches('：') {
            return Some(true);
        }
    }
    for l in HEADER_LABELS {
        if l.starts_with(b.as_str()) && b.chars().count() >= 2 {
            return Some(false);
        }
    }
    None
}

/// Is `s` a whole header label that is also the start of a longer one?
fn header_extendable(s: &str) -> bool {
    let b = unify_marks(&bare(s));
    !b.is_empty()
        && HEADER_LABELS
            .iter()
            .any(|l| l.len() > b.len() && l.starts_with(b.as_str()))
}

fn unify_marks(t: &str) -> String {
    t.replace(':', "：").replace('(', "（").replace(')', "）")
}

fn runs_of(line: &str, index: usize) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let (mut x, mut spaces) = (0usize, 0usize);
    let mut current: Option<Run> = None;
    for c in line.chars() {
        if c == ' ' || c == '\u{3000}' || c == '\t' {
            spaces += if c == ' ' { 1 } else { 2 };
            x += if c == '\u{3000}' { 2 } else { 1 };
            continue;
        }
        if current.is_none() || spaces >= 2 {
            runs.extend(current.take());
            current = Some(Run {
                line: index,
                x0: x,
                x1: x,
                text: String::new(),
                after_label: false,
            });
        } else if spaces == 1 {
            if let Some(r) = current.as_mut() {
                r.text.push(' ');
            }
        }
        spaces = 0;
        x += width(c);
        if let Some(r) = current.as_mut() {
            r.text.push(c);
            r.x1 = x;
        }
    }
    runs.extend(current);
    // A label (or its cut-off start) followed by one space and more text is two cells
    // that pdftotext set one space apart; the rest may again start with a label
    // (`满意度指标 服务对象满意度指标（必填） 退休人员…`: 一级, 二级 and name on one line).
    let label_like = |t: &str| progress(t).is_some() || header_progress(t).is_some();
    let mut out = Vec::with_capacity(runs.len());
    for r in runs {
        let mut rest = r;
        while let Some((head, tail)) = rest.text.split_once(' ') {
            if !label_like(head) || tail.trim().is_empty() || head.is_ascii() {
                break;
            }
            let head_w: usize = head.chars().map(width).sum::<usize>() + 1;
            let (head, tail) = (head.to_owned(), tail.to_owned());
            out.push(Run {
                x1: rest.x0 + head_w - 1,
                text: head,
                after_label: false,
                ..rest.clone()
            });
            rest = Run {
                x0: rest.x0 + head_w,
                // A label set one space after a label is a label in its own column; other
                // text there was pushed right by the label's overflow.
                after_label: !label_like(&tail),
                text: tail,
                ..rest
            };
        }
        out.push(rest);
    }
    out
}

fn is_column_header_line(runs: &[Run]) -> bool {
    let words: Vec<&str> = runs.iter().flat_map(|r| r.text.split(' ')).collect();
    words.len() >= 3 && words.iter().all(|w| vocab::is_column_header(&bare(w)))
}

fn is_passthrough(text: &str) -> bool {
    let b = bare(text);
    vocab::is_form_title(&b)
        || vocab::fiscal_year(&b).is_some()
        || vocab::annex_heading(&b).is_some()
}

/// A line longer than this (in bytes) is no table row of this shape: pdftotext prints a
/// page at most a few hundred columns wide. It is passed on as one unparsed cell without
/// per-run work, so that a hostile single line costs time linear in its length.
const MAX_LINE: usize = 1024;

pub(crate) fn read(lines: &[SrcLine<'_>], warnings: &mut Vec<Warning>) -> Vec<Row> {
    let _ = warnings;
    let long = |l: &SrcLine<'_>| l.text.len() > MAX_LINE;
    let runs: Vec<Vec<Run>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if long(l) {
                Vec::new()
            } else {
                runs_of(l.text, i)
            }
        })
        .collect();
    let header_at = runs.iter().position(|r| is_column_header_line(r));
    let mut rows = Vec::new();
    let split = header_at.unwrap_or(lines.len());
    rows.extend(header_section(lines, &runs[..split]));
    if let Some(h) = header_at {
        let cells: Vec<String> = runs[h]
            .iter()
            .flat_map(|r| r.text.split(' '))
            .map(str::to_owned)
            .collect();
        rows.push(Row::one(&lines[h], cells));
        rows.extend(indicator_section(lines, &runs, h + 1));
    }
    // Long lines go back where they were, in one linear merge.
    let mut long_rows = lines
        .iter()
        .filter(|l| long(l))
        .map(|l| Row::one(l, vec![l.text.trim().to_owned()]))
        .peekable();
    if long_rows.peek().is_none() {
        return rows;
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        while let Some(l) = long_rows.next_if(|l| l.first < row.first) {
            out.push(l);
        }
        out.push(row);
    }
    out.extend(long_rows);
    out
}

fn span_rows(lines: &[SrcLine<'_>], first: usize, last: usize, cells: Vec<String>) -> Row {
    Row {
        cells,
        first: lines[first].number,
        last: lines[last.max(first)].number,
        page: lines[first].page,
    }
}

/// A label joined from the runs it wraps over.
#[derive(Debug, Clone)]
struct Label {
    text: String,
    top: usize,
    bottom: usize,
    x0: usize,
    x1: usize,
}

impl Label {
    fn center2(&self) -> usize {
        self.top + self.bottom
    }
}

/// Join runs that continue a label on the lines below: the nearest run in x on each of the
/// next few lines, while the joined text stays a label or a label's start.
fn join_down(
    runs: &[Vec<Run>],
    used: &mut [Vec<bool>],
    start: (usize, usize),
    wants_more: &dyn Fn(&str) -> bool,
    extends: &dyn Fn(&str) -> bool,
) -> Label {
    let (li, ri) = start;
    let r = &runs[li][ri];
    let mut label = Label {
        text: r.text.clone(),
        top: li,
        bottom: li,
        x0: r.x0,
        x1: r.x1,
    };
    used[li][ri] = true;
    let mut l = li + 1;
    while wants_more(&label.text) && l < runs.len() && l <= label.bottom + 3 {
        let mut best: Option<(usize, usize)> = None;
        for (k, cand) in runs[l].iter().enumerate() {
            if used[l][k] {
                continue;
            }
            let joined = format!("{}{}", label.text, cand.text.trim());
            if !extends(&joined) {
                continue;
            }
            let d = cand.x0.abs_diff(label.x0).min(cand.x1.abs_diff(label.x1));
            if d <= 12 && best.is_none_or(|(_, bd)| d < bd) {
                best = Some((k, d));
            }
        }
        if let Some((k, _)) = best {
            used[l][k] = true;
            label.text = format!("{}{}", label.text, runs[l][k].text.trim());
            label.bottom = l;
            label.x0 = label.x0.min(runs[l][k].x0);
            label.x1 = label.x1.max(runs[l][k].x1);
        }
        l += 1;
    }
    label
}

fn header_section(lines: &[SrcLine<'_>], runs: &[Vec<Run>]) -> Vec<Row> {
    let mut used: Vec<Vec<bool>> = runs.iter().map(|r| vec![false; r.len()]).collect();
    let mut rows: Vec<(usize, Row)> = Vec::new();
    // Titles, 年度 and annex headings pass through as one-cell rows.
    for (li, line_runs) in runs.iter().enumerate() {
        let joined: String = line_runs
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if !line_runs.is_empty() && is_passthrough(&joined) {
            used[li].iter_mut().for_each(|u| *u = true);
            rows.push((li, Row::one(&lines[li], vec![joined])));
        }
    }
    let mut labels: Vec<Label> = Vec::new();
    for li in 0..runs.len() {
        for ri in 0..runs[li].len() {
            if used[li][ri] || header_progress(&runs[li][ri].text).is_none() {
                continue;
            }
            let label = join_down(
                runs,
                &mut used,
                (li, ri),
                // `年度资金总额` is a label, and so is `年度资金总额：`: a label that starts a
                // longer one still takes a `：` wrapped onto the next line.
                &|t| header_progress(t) == Some(false) || header_extendable(t),
                &|t| header_progress(t).is_some(),
            );
            labels.push(label);
        }
    }
    // Labels by the lines they cover: every lookup below looks at a few lines only, so the
    // work per run is bounded and the section stays linear.
    let mut by_line: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    for (k, l) in labels.iter().enumerate() {
        for slot in &mut by_line[l.top..=l.bottom] {
            slot.push(k);
        }
    }
    // Values: first those on a label's lines (nearest label to their left), then the
    // wrapped lines above and below, by the value column they line up with.
    let mut values: Vec<Vec<(usize, usize, String)>> = vec![Vec::new(); labels.len()];
    let mut later: Vec<&Run> = Vec::new();
    for (li, line_runs) in runs.iter().enumerate() {
        for (ri, r) in line_runs.iter().enumerate() {
            if used[li][ri] {
                continue;
            }
            // A label of the same printed row on the line above or below counts too, if it
            // stands in a column of its own (`主管部门及代` / `码` beside `实施单位` one line
            // lower: `平罗县社会保`, printed level with the former, is the latter's value).
            let here = &by_line[li];
            let beside = |k: usize| {
                let l = &labels[k];
                here.iter().all(|&h| {
                    let m = &labels[h];
                    h != k && (l.x1 <= m.x0 || m.x1 <= l.x0)
                }) && here.iter().any(|&h| {
                    let m = &labels[h];
                    l.top <= m.bottom && m.top <= l.bottom
                })
            };
            let near = [li.checked_sub(1), Some(li + 1)]
                .into_iter()
                .flatten()
                .filter(|&l| l < by_line.len())
                .flat_map(|l| by_line[l].iter().copied())
                .filter(|&k| !here.contains(&k) && beside(k));
            let owner = here
                .iter()
                .copied()
                .chain(near)
                .filter(|&k| labels[k].x0 < r.x0)
                .max_by_key(|&k| labels[k].x0);
            match owner {
                Some(k) => values[k].push((li, r.x0, r.text.clone())),
                None => later.push(r),
            }
        }
    }
    // Blank lines before each line, to count those between two lines in O(1).
    let mut blank_before = vec![0usize; runs.len() + 1];
    for (li, line_runs) in runs.iter().enumerate() {
        blank_before[li + 1] = blank_before[li] + usize::from(line_runs.is_empty());
    }
    let blanks_between = |a: usize, b: usize| {
        let (lo, hi) = (a.min(b), a.max(b));
        blank_before[hi] - blank_before[(lo + 1).min(hi)]
    };
    let mut orphans: Vec<&Run> = Vec::new();
    for r in later {
        let near = r.line.saturating_sub(3)..=(r.line + 3).min(runs.len().saturating_sub(1));
        let mut candidates: Vec<usize> = near.flat_map(|l| by_line[l].iter().copied()).collect();
        candidates.sort_unstable();
        candidates.dedup();
        let owner = candidates
            .into_iter()
            .filter_map(|k| {
                let l = &labels[k];
                let dist = if r.line < l.top {
                    l.top - r.line
                } else {
                    r.line.saturating_sub(l.bottom)
                };
                if dist > 3 {
                    return None;
                }
                // A wrapped value goes on right under (or over) the pieces it continues:
                // count lines from the nearest of them, and a blank line between is a
                // cell border (`心`, the wrapped end of 实施单位's value, sits as near the
                // 项目期 label below as its own, but a blank line parts it from 项目期).
                let from = values[k]
                    .iter()
                    .map(|v| v.0)
                    .chain([l.top, l.bottom])
                    .min_by_key(|&x| x.abs_diff(r.line))
                    .unwrap_or(l.top);
                let dist = dist.min(from.abs_diff(r.line)) + 2 * blanks_between(from, r.line);
                // A label sits at the vertical middle of its cell: taking the piece should
                // not move the middle of label and value away from the label's own.
                let (top, bottom) = values[k]
                    .iter()
                    .fold((l.top, l.bottom), |(t, b), v| (t.min(v.0), b.max(v.0)));
                let off = |t: usize, b: usize| (t + b).abs_diff(l.center2());
                let skew =
                    (off(top.min(r.line), bottom.max(r.line)) + 2).saturating_sub(off(top, bottom));
                // Lined up with the label's end or with any piece of its value so far.
                let across = values[k]
                    .iter()
                    .map(|v| r.x0.abs_diff(v.1))
                    .chain(std::iter::once(r.x0.abs_diff(l.x1)))
                    .min()
                    .unwrap_or(usize::MAX / 8);
                Some((across + 4 * dist + 3 * skew, k))
            })
            .min();
        match owner {
            Some((_, k)) => values[k].push((r.line, r.x0, r.text.clone())),
            None => orphans.push(r),
        }
    }
    for r in orphans {
        rows.push((r.line, Row::one(&lines[r.line], vec![r.text.clone()])));
    }
    // Labels whose lines overlap make one printed row.
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&k| (labels[k].top, labels[k].x0));
    // Sorted by top, a label overlaps some label of the last group exactly when it starts
    // above that group's lowest bottom.
    let mut groups: Vec<(Vec<usize>, usize)> = Vec::new();
    for k in order {
        match groups.last_mut() {
            Some((g, bottom)) if labels[k].top <= *bottom => {
                g.push(k);
                *bottom = (*bottom).max(labels[k].bottom);
            }
            _ => groups.push((vec![k], labels[k].bottom)),
        }
    }
    for (mut g, _) in groups {
        g.sort_by_key(|&k| labels[k].x0);
        let mut cells = Vec::new();
        let (mut top, mut bottom) = (usize::MAX, 0);
        for &k in &g {
            cells.push(labels[k].text.clone());
            let mut v = values[k].clone();
            v.sort_by_key(|&(l, x, _)| (l, x));
            let mut texts: Vec<String> = v.iter().map(|(_, _, t)| t.clone()).collect();
            spread_glued_numbers(&mut texts);
            cells.push(texts.concat());
            top = top
                .min(labels[k].top)
                .min(v.first().map_or(usize::MAX, |x| x.0));
            bottom = bottom
                .max(labels[k].bottom)
                .max(v.last().map_or(0, |x| x.0));
        }
        rows.push((top, span_rows(lines, top, bottom, cells)));
    }
    rows.sort_by_key(|(l, _)| *l);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The leading item numbers of a line (`1.2.` of `1.2. 确保…`), as (number text, its end).
fn leading_numbers(t: &str) -> (Vec<&str>, usize) {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let rest = &t[at..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 2 {
            break;
        }
        let Some(mark) = rest[digits..]
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | '．' | '、'))
        else {
            break;
        };
        let end = at + digits + mark.len_utf8();
        out.push(&t[at..end]);
        at = end;
    }
    (out, at)
}

/// pdftotext sets the item numbers of a list of goals by their own baseline, and with
/// some fonts two of them land on one line (`1.2. 确保…` over `全力推进…`, which lost its
/// `2.`). When the glued numbers count up by one and as many unnumbered lines follow, each
/// goes back to its line.
fn spread_glued_numbers(texts: &mut [String]) {
    let mut i = 0;
    while i < texts.len() {
        let (nums, end) = leading_numbers(texts[i].trim_start());
        let values: Vec<u32> = nums
            .iter()
            .filter_map(|n| {
                n[..n.len() - n.chars().last().map_or(0, char::len_utf8)]
                    .parse()
                    .ok()
            })
            .collect();
        let counts_up = values.len() == nums.len() && values.windows(2).all(|w| w[1] == w[0] + 1);
        let extra = nums.len().saturating_sub(1);
        let bare_after = texts[i + 1..]
            .iter()
            .take(extra)
            .filter(|t| leading_numbers(t.trim_start()).0.is_empty())
            .count();
        if extra == 0 || !counts_up || bare_after < extra {
            i += 1;
            continue;
        }
        let nums: Vec<String> = nums.iter().map(|n| (*n).to_owned()).collect();
        let lead = texts[i].len() - texts[i].trim_start().len();
        let body = texts[i][lead + end..].trim_start().to_owned();
        texts[i] = format!("{}{body}", nums[0]);
        for (k, n) in nums.iter().enumerate().skip(1) {
            let t = texts[i + k].trim_start().to_owned();
            texts[i + k] = format!("{n}{t}");
        }
        i += nums.len();
    }
}

/// Widest gap (columns) after a label cell at which the next run counts as pushed right by
/// the label's overflow rather than placed in its own column.
const PUSHED_GAP: usize = 8;

/// A 三级 name piece or a 指标值, on one line.
#[derive(Debug, Clone)]
struct Piece {
    line: usize,
    x0: usize,
    text: String,
}

fn strong_value(text: &str) -> bool {
    let t = canonical_text(text);
    let p = annex_grammar::value::parse_value(&t);
    p.value.number.is_some()
        || p.value.range.is_some()
        || p.value.comparator.is_some()
        || p.unreadable.is_some()
}

/// Open labels looked at per line when splitting label ends off runs (bounds the work on
/// hostile input).
const MAX_OPEN_LABELS: usize = 8;

/// The wrapped end of a label set one space before a name (`服务对象满意度指` over
/// `标（必填） 退休人员对社保工作总体满意度达`) is a run of its own: the first word of a run
/// is split off when it completes an open label on one of the three lines above, near it
/// in x.
fn split_label_ends(runs: &[Vec<Run>], from: usize) -> Vec<Vec<Run>> {
    let mut out: Vec<Vec<Run>> = runs.to_vec();
    let open = |t: &str| {
        matches!(
            progress(t),
            Some(Progress::Partial | Progress::Full { open: true, .. })
        )
    };
    let mut open_at: Vec<Vec<(usize, usize, String)>> = vec![Vec::new(); runs.len()];
    for li in from..runs.len() {
        open_at[li] = runs[li]
            .iter()
            .filter(|r| open(&r.text))
            .take(MAX_OPEN_LABELS)
            .map(|r| (r.x0, r.x1, r.text.clone()))
            .collect();
    }
    for (li, slot) in out.iter_mut().enumerate().skip(from) {
        let mut line: Vec<Run> = Vec::with_capacity(slot.len());
        for r in std::mem::take(slot) {
            let split = r.text.split_once(' ').and_then(|(head, tail)| {
                if tail.trim().is_empty() || progress(head).is_some() {
                    return None;
                }
                let completes = (li.saturating_sub(3).max(from)..li).any(|l| {
                    open_at[l].iter().any(|(x0, x1, text)| {
                        let near = r.x0.abs_diff(*x0).min(r.x0.abs_diff(*x1)) <= 12;
                        let joined = format!("{text}{head}");
                        near && match progress(&joined) {
                            Some(Progress::Full { .. }) => true,
                            Some(Progress::Partial) => name_prefix(&joined),
                            None => false,
                        }
                    })
                });
                completes.then(|| (head.to_owned(), tail.to_owned()))
            });
            match split {
                Some((head, tail)) => {
                    let head_w: usize = head.chars().map(width).sum::<usize>() + 1;
                    line.push(Run {
                        x1: r.x0 + head_w - 1,
                        text: head,
                        after_label: false,
                        ..r.clone()
                    });
                    line.push(Run {
                        x0: r.x0 + head_w,
                        text: tail,
                        after_label: true,
                        ..r
                    });
                }
                None => line.push(r),
            }
        }
        *slot = line;
    }
    out
}

/// A word that is a measured value by itself (`1525人`, `9670万元`, `≥95%`): a number with a
/// unit, a comparator or a range. A bare number is not (`12` of `人数（2021 年 12`).
fn measured_value(text: &str) -> bool {
    let t = canonical_text(text);
    let v = annex_grammar::value::parse_value(&t).value;
    v.comparator.is_some()
        || v.range.is_some()
        || (v.number.is_some() && (v.unit.is_some() || t.ends_with('%')))
}

/// Width of the first unbreakable unit of a line: a CJK character, or an ASCII word, with
/// the opening marks before it and the closing marks after it (line breaking never parts
/// `册，` or `（2018`).
fn first_unit_width(text: &str) -> usize {
    let opening = |c: char| matches!(c, '（' | '(' | '“' | '《' | '【' | '「' | '‘');
    let closing = |c: char| {
        matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '）'
                | ')'
                | '”'
                | '》'
                | '】'
                | '」'
                | '’'
                | '%'
                | '！'
                | '？'
                | ','
                | '.'
                | ';'
                | ':'
        )
    };
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | '%');
    let mut chars = text.trim_start().chars().peekable();
    let mut w = 0;
    while let Some(c) = chars.next_if(|&c| opening(c)) {
        w += width(c);
    }
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {
            w += 1;
            while let Some(c) = chars.next_if(|&c| word(c)) {
                w += width(c);
            }
        }
        Some(c) => w += width(c),
        None => {}
    }
    while let Some(c) = chars.next_if(|&c| closing(c)) {
        w += width(c);
    }
    w
}

/// Columns of slack when asking whether a word would have fit on the line above: pdftotext
/// maps proportional glyphs (digits, Latin) onto its grid only roughly.
const WRAP_SLACK: usize = 2;

/// Cost of a row whose value sits `half_lines` half lines off the middle of its name.
/// Half a line is the rule for a cell of an even number of lines, so it costs little (it
/// only breaks ties); each further half line costs more than moving a short line
/// ([`COST_SHORT_MOVED`]).
fn off_middle_cost(half_lines: usize) -> usize {
    if half_lines == 0 {
        0
    } else {
        3 * half_lines - 2
    }
}
/// Cost of a name line that ends short and is yet followed by another line of the row.
const COST_SHORT_INSIDE: usize = 6;
/// Cost of a row whose one short line is printed above a full one and is moved to its end:
/// more than three rows each half a line off their middle, less than one row a line and a
/// half off.
const COST_SHORT_MOVED: usize = 4;
/// Cost of a blank line inside a row (a blank line is a cell border).
const COST_BLANK_INSIDE: usize = 10;
/// Gaps between two values longer than this many name lines try a few splits only, so that
/// the split stays linear on hostile input.
const MAX_EXACT_GAP: usize = 24;

/// One line's 三级 name pieces, for the row split.
#[derive(Debug, Clone, Copy)]
struct NameLine {
    line: usize,
    /// The pieces of the line: `pieces[from..to]`.
    from: usize,
    to: usize,
    width: usize,
    unit: usize,
}

/// Share the name lines out to the rows, one row per value (pieces and values sorted by
/// line). Lines on a value's line go to its row; a run of name lines between two values is
/// split where the split costs least over the whole table, by three rules that hold for
/// any table set in a ruled grid:
/// - a value is printed at the vertical middle of its row (within half a line);
/// - a wrapped cell fills its width on every line but the last: a line the next line's
///   first word would have fit on ends its cell;
/// - a blank line is a cell border.
///
/// A row with one short line that is not its last gets that line moved to its end: with
/// some fonts (Type3) pdftotext prints a cell's last line above the others (`达` over
/// `全县企业退休人员对社保工作总体满意度`).
fn rows_of_pieces<'p>(
    pieces: &'p [Piece],
    values: &[Piece],
    blank: &[bool],
    columns: &[Column],
) -> Vec<Vec<&'p Piece>> {
    let mut name_lines: Vec<NameLine> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        let w: usize = p.text.trim().chars().map(width).sum();
        match name_lines.last_mut() {
            Some(l) if l.line == p.line => {
                l.to = i + 1;
                l.width += w;
            }
            _ => name_lines.push(NameLine {
                line: p.line,
                from: i,
                to: i + 1,
                width: w,
                unit: first_unit_width(&p.text),
            }),
        }
    }
    // The cell width: the widest line of one piece (two pieces on a line may be a pushed
    // run beside another cell's).
    let cell_width = name_lines
        .iter()
        .filter(|l| l.to - l.from == 1)
        .map(|l| l.width)
        .max()
        .or_else(|| name_lines.iter().map(|l| l.width).max())
        .unwrap_or(0);
    let ends_cell = |a: &NameLine, b: &NameLine| a.width + b.unit + WRAP_SLACK <= cell_width;
    let mut blank_before = vec![0usize; blank.len() + 1];
    for (i, &b) in blank.iter().enumerate() {
        blank_before[i + 1] = blank_before[i] + usize::from(b);
    }
    let blanks_inside = |a: usize, b: usize| {
        if b > a + 1 {
            blank_before[b] - blank_before[a + 1]
        } else {
            0
        }
    };
    let n = values.len();
    // Lines fixed to a row (before the first value, on a value's line, after the last), and
    // the lines of each gap between two values.
    let mut fixed: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut gaps: Vec<Vec<usize>> = vec![Vec::new(); n.saturating_sub(1)];
    let mut k = 0;
    for (i, l) in name_lines.iter().enumerate() {
        while k + 1 < n && values[k + 1].line <= l.line {
            k += 1;
        }
        if l.line <= values[k].line || k + 1 == n {
            fixed[k].push(i);
        } else {
            gaps[k].push(i);
        }
    }
    // The splits each gap may take: every one, or for a long gap a few (the ends, the
    // middle, and the blank lines nearest the middle).
    let choices: Vec<Vec<usize>> = gaps
        .iter()
        .map(|g| {
            if g.len() <= MAX_EXACT_GAP {
                return (0..=g.len()).collect();
            }
            let mid = g.len() / 2;
            let mut borders: Vec<usize> = (1..g.len())
                .filter(|&t| blanks_inside(name_lines[g[t - 1]].line, name_lines[g[t]].line) > 0)
                .collect();
            borders.sort_by_key(|&t| t.abs_diff(mid));
            borders.truncate(6);
            borders.extend([0, mid, g.len()]);
            borders.sort_unstable();
            borders.dedup();
            borders
        })
        .collect();
    let row_lines = |k: usize, top: Option<usize>, bottom: Option<usize>| {
        let above = top.map_or(&[][..], |t| &gaps[k - 1][t..]);
        let below = bottom.map_or(&[][..], |b| &gaps[k][..b]);
        above.iter().chain(&fixed[k]).chain(below).copied()
    };
    // The order a row's lines are joined in, and what its wrapping costs: nothing when
    // every line but the last fills the cell; a little when the one short line is printed
    // above the others and fits at the end; much for any other short line inside.
    let wrapped = |ls: &mut Vec<usize>| {
        let short: Vec<usize> = (0..ls.len().saturating_sub(1))
            .filter(|&i| ends_cell(&name_lines[ls[i]], &name_lines[ls[i + 1]]))
            .collect();
        if let [i] = short[..] {
            let end = ls[ls.len() - 1];
            let closes = i == 0 || !ends_cell(&name_lines[ls[i - 1]], &name_lines[ls[i + 1]]);
            if closes && !ends_cell(&name_lines[end], &name_lines[ls[i]]) {
                let moved = ls.remove(i);
                ls.push(moved);
                return COST_SHORT_MOVED;
            }
        }
        COST_SHORT_INSIDE * short.len()
    };
    let cost = |k: usize, top: Option<usize>, bottom: Option<usize>| {
        let anchor = values[k].line;
        let mut ls: Vec<usize> = row_lines(k, top, bottom).collect();
        let first = ls
            .first()
            .map_or(anchor, |&i| name_lines[i].line.min(anchor));
        let last = ls
            .last()
            .map_or(anchor, |&i| name_lines[i].line.max(anchor));
        // A row lies inside one merged cell of each label column: a row level with two
        // 二级 labels (`高。社会保险手机APP使用率不断上升。` between the last line of one
        // and the first of the next) is impossible, however well it fills its cell.
        let across_cells = columns
            .iter()
            .any(|c| c.meeting(first, last).nth(1).is_some());
        wrapped(&mut ls)
            + off_middle_cost((2 * anchor).abs_diff(first + last))
            + COST_BLANK_INSIDE * blanks_inside(first, last)
            + if across_cells { IMPOSSIBLE } else { 0 }
    };
    // best[k][c]: least cost of rows 0..=k when gap k takes split choices[k][c].
    let mut best: Vec<Vec<(usize, usize)>> = Vec::with_capacity(n);
    for k in 0..n.saturating_sub(1) {
        let row: Vec<(usize, usize)> = choices[k]
            .iter()
            .map(|&b| {
                if k == 0 {
                    return (cost(0, None, Some(b)), 0);
                }
                choices[k - 1]
                    .iter()
                    .enumerate()
                    .map(|(pc, &t)| (best[k - 1][pc].0 + cost(k, Some(t), Some(b)), pc))
                    .min_by_key(|&(c, _)| c)
                    .unwrap_or((0, 0))
            })
            .collect();
        best.push(row);
    }
    let mut split: Vec<usize> = vec![0; n.saturating_sub(1)];
    if n >= 2 {
        let last = n - 1;
        let (_, mut pc) = choices[last - 1]
            .iter()
            .enumerate()
            .map(|(pc, &t)| (best[last - 1][pc].0 + cost(last, Some(t), None), pc))
            .min_by_key(|&(c, _)| c)
            .unwrap_or((0, 0));
        for k in (0..last).rev() {
            split[k] = choices[k][pc];
            pc = best[k][pc].1;
        }
    }
    (0..n)
        .map(|k| {
            let top = (k > 0).then(|| split[k - 1]);
            let bottom = (k + 1 < n).then(|| split[k]);
            let mut ls: Vec<usize> = row_lines(k, top, bottom).collect();
            wrapped(&mut ls);
            ls.iter()
                .flat_map(|&i| &pieces[name_lines[i].from..name_lines[i].to])
                .collect()
        })
        .collect()
}

#[allow(clippy::many_single_char_names)] // i/j/k/p/v: indices and items of the row walk
fn indicator_section(lines: &[SrcLine<'_>], runs: &[Vec<Run>], from: usize) -> Vec<Row> {
    let runs = &split_label_ends(runs, from)[..];
    let mut used: Vec<Vec<bool>> = runs.iter().map(|r| vec![false; r.len()]).collect();
    for line_used in used.iter_mut().take(from) {
        line_used.fill(true);
    }
    // Page headers inside the table: the title, 年度, the column headers again.
    for li in from..runs.len() {
        let joined: String = runs[li]
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if is_passthrough(&joined) || is_column_header_line(&runs[li]) {
            used[li].iter_mut().for_each(|u| *u = true);
        }
    }
    // Newer templates: 成本指标 is a 一级 when the 二级 below it are 经济成本指标 and the like.
    let cost_is_level1 = runs[from..].iter().flatten().any(|r| {
        let b = bare(&r.text);
        b.starts_with("经济成本") || b.starts_with("社会成本") || b.starts_with("生态环境成本")
    });
    let mut section = false;
    let mut level1: Vec<Label> = Vec::new();
    let mut level2: Vec<Label> = Vec::new();
    for li in from..runs.len() {
        for ri in 0..runs[li].len() {
            if used[li][ri] {
                continue;
            }
            let text = runs[li][ri].text.clone();
            let Some(p) = progress(&text) else { continue };
            if runs[li][ri].after_label {
                continue;
            }
            if bare(&text) == "绩效指标" {
                used[li][ri] = true;
                section = true;
                continue;
            }
            let label = join_down(
                runs,
                &mut used,
                (li, ri),
                &|t| {
                    matches!(
                        progress(t),
                        Some(Progress::Partial | Progress::Full { open: true, .. })
                    )
                },
                // A joined label must close its note or stay the start of a label's name:
                // `数量指标（必填硬性指` takes `标）`, never a name piece such as `助金`.
                &|t| match progress(t) {
                    Some(Progress::Full { .. }) => true,
                    Some(Progress::Partial) => name_prefix(t),
                    None => false,
                },
            );
            let b = bare(&label.text);
            let is_l1 = matches!(
                progress(&label.text),
                Some(Progress::Full { level1: true, .. })
            ) || (cost_is_level1 && b == "成本指标");
            let _ = p;
            if is_l1 {
                level1.push(Label { text: b, ..label });
            } else {
                level2.push(Label { text: b, ..label });
            }
        }
    }
    // Name pieces and values.
    let mut pieces: Vec<Piece> = Vec::new();
    let mut values: Vec<Piece> = Vec::new();
    let mut lone: Vec<(Piece, bool)> = Vec::new();
    for li in from..runs.len() {
        let data: Vec<&Run> = runs[li]
            .iter()
            .enumerate()
            .filter(|(ri, _)| !used[li][*ri])
            .map(|(_, r)| r)
            .collect();
        match data.as_slice() {
            [] => {}
            [one] => {
                // pdftotext pushes the run after an overflowing label right: a short gap
                // after a label cell (`数量指标（必填硬性指      全县本年度领取待`) says the
                // run was pushed, and its x says nothing about its column.
                let pushed = runs[li]
                    .iter()
                    .enumerate()
                    .filter(|&(ri, r)| used[li][ri] && r.x1 <= one.x0)
                    .map(|(_, r)| r.x1)
                    .max()
                    .is_some_and(|x1| one.x0 - x1 <= PUSHED_GAP);
                lone.push((
                    Piece {
                        line: li,
                        x0: one.x0,
                        text: one.text.clone(),
                    },
                    one.after_label || pushed,
                ));
            }
            [names @ .., last] => {
                for n in names {
                    pieces.push(Piece {
                        line: li,
                        x0: n.x0,
                        text: n.text.clone(),
                    });
                }
                values.push(Piece {
                    line: li,
                    x0: last.x0,
                    text: last.text.clone(),
                });
            }
        }
    }
    // Where the name column ends and the value column starts, per page: pdftotext lays
    // each page out on its own grid, so a table that runs over a page break has its
    // columns at other x on the next page.
    let page_of = |li: usize| lines[li].page;
    let page_threshold = |page: Option<Option<u32>>| {
        let on = |li: usize| page.is_none_or(|pg| page_of(li) == pg);
        let mut name_x: Vec<usize> = pieces.iter().filter(|p| on(p.line)).map(|p| p.x0).collect();
        name_x.extend(
            lone.iter()
                .filter(|(p, _)| on(p.line) && p.text.chars().count() >= 6)
                .map(|(p, _)| p.x0),
        );
        name_x.sort_unstable();
        let name_left = name_x.get(name_x.len() / 4).copied();
        // The median, not the least: a name piece that reads as a number
        // (`、2021.1-2021.8）`, the wrapped end of a name) must not pull the value column
        // over the names.
        let mut value_x: Vec<usize> = values
            .iter()
            .filter(|p| on(p.line))
            .map(|p| p.x0)
            .chain(
                lone.iter()
                    .filter(|(p, _)| on(p.line) && strong_value(&p.text))
                    .map(|(p, _)| p.x0),
            )
            .collect();
        value_x.sort_unstable();
        // On one page of a few rows the lower median: one value pushed right by a long
        // name must not carry the column with it.
        let mid = if page.is_some() {
            value_x.len().saturating_sub(1) / 2
        } else {
            value_x.len() / 2
        };
        let value_left = value_x.get(mid).copied();
        match (name_left, value_left) {
            (Some(n), Some(v)) if v > n => Some(n + (v - n) / 2),
            _ => None,
        }
    };
    let whole = page_threshold(None).unwrap_or_else(|| {
        let first = |xs: &mut dyn Iterator<Item = usize>| xs.min();
        let n = first(&mut pieces.iter().map(|p| p.x0));
        let v = first(&mut values.iter().map(|p| p.x0));
        match (n, v) {
            (Some(n), _) => n + 12,
            (None, Some(v)) => v.saturating_sub(4),
            (None, None) => 0,
        }
    });
    let mut pages: Vec<Option<u32>> = (from..runs.len()).map(page_of).collect();
    pages.dedup();
    let thresholds: Vec<(Option<u32>, usize)> = if pages.len() > 1 {
        pages
            .iter()
            .map(|&pg| (pg, page_threshold(Some(pg)).unwrap_or(whole)))
            .collect()
    } else {
        Vec::new()
    };
    let threshold_at = |li: usize| {
        thresholds
            .iter()
            .find(|(pg, _)| *pg == page_of(li))
            .map_or(whole, |&(_, t)| t)
    };
    for (p, after_label) in lone {
        let threshold = threshold_at(p.line);
        let t = canonical_text(&p.text);
        let short_word = t.chars().count() <= 8
            && !t.contains(['，', '。', '；', '、', '（', '）'])
            && !t.ends_with(['，', '。']);
        // A pushed run is a value only by its shape (`100%` right after `质量指标（必填）`).
        let is_value = (strong_value(&t) && p.x0 + 4 >= threshold)
            || (!after_label && short_word && p.x0 >= threshold);
        if is_value {
            values.push(p);
            continue;
        }
        // A name line that fills its cell leaves one space before the value
        // (`全县企业职工退休人数（2022年2023新退 1525人`): a last word in the value column
        // that reads as a measured value is the value.
        if let Some((name, last)) = p.text.rsplit_once(' ') {
            let last_x = p.x0 + name.chars().map(width).sum::<usize>() + 1;
            if last_x + 4 >= threshold && measured_value(last) && !name.trim().is_empty() {
                pieces.push(Piece {
                    line: p.line,
                    x0: p.x0,
                    text: name.to_owned(),
                });
                values.push(Piece {
                    line: p.line,
                    x0: last_x,
                    text: last.to_owned(),
                });
                continue;
            }
        }
        pieces.push(p);
    }
    values.sort_by_key(|p| p.line);
    pieces.sort_by_key(|p| (p.line, p.x0));
    if values.is_empty() {
        return pieces
            .iter()
            .map(|p| {
                Row::one(
                    &lines[p.line],
                    vec![String::new(), String::new(), String::new(), p.text.clone()],
                )
            })
            .collect();
    }
    let blank: Vec<bool> = lines.iter().map(SrcLine::is_blank).collect();
    let columns = [Column::new(&level1), Column::new(&level2)];
    let row_pieces = rows_of_pieces(&pieces, &values, &blank, &columns);
    // Row spans (in line indices).
    let spans: Vec<(usize, usize)> = values
        .iter()
        .zip(&row_pieces)
        .map(|(v, ps)| {
            let top = ps
                .iter()
                .map(|p| p.line)
                .min()
                .unwrap_or(v.line)
                .min(v.line);
            let bottom = ps
                .iter()
                .map(|p| p.line)
                .max()
                .unwrap_or(v.line)
                .max(v.line);
            (top, bottom)
        })
        .collect();
    // A merged label's cell spans whole rows, and its printed lines lie inside the cell: a
    // row with a line level with a label's line is under that label, never another one.
    let l2_meets = meetings(&level2, &spans);
    let pages = Pages::new(lines);
    let l2_groups = assign(&level2, &spans, &pages, &|l, u| {
        IMPOSSIBLE * l2_meets[u].iter().filter(|&&k| k != l).count()
    });
    let group_spans: Vec<(usize, usize)> = if level2.is_empty() {
        spans.clone()
    } else {
        group_extents(&l2_groups, &spans)
    };
    // A 二级 under a 一级 the taxonomy does not put it under costs as much as being three
    // lines off the middle: geometry decides, the vocabulary breaks its near-ties (pdftotext
    // spaces lines unevenly, so two groupings can sit equally near the printed labels).
    let l1_meets = meetings(&level1, &group_spans);
    let mismatch = |l1: usize, g: usize| {
        let parent = level2.get(g).and_then(|l| taxonomy_parent(&l.text));
        let off_taxonomy = match parent {
            Some(p) if p != level1[l1].text => 6,
            _ => 0,
        };
        off_taxonomy + IMPOSSIBLE * l1_meets[g].iter().filter(|&&k| k != l1).count()
    };
    let l1_of_group = assign(&level1, &group_spans, &pages, &mismatch);
    let mut first_row_of_group: Vec<Option<usize>> = vec![None; group_spans.len()];
    if level2.is_empty() {
        first_row_of_group = (0..group_spans.len()).map(Some).collect();
    } else {
        for (r, g) in l2_groups.iter().enumerate() {
            if let Some(slot) = g.and_then(|g| first_row_of_group.get_mut(g)) {
                slot.get_or_insert(r);
            }
        }
    }
    // The row each 一级 label is printed on: the first row of its first group.
    let mut l1_seen: Vec<bool> = vec![false; level1.len()];
    let mut l1_at_row: Vec<Option<usize>> = vec![None; values.len()];
    for (g, l1) in l1_of_group.iter().enumerate() {
        let Some(l1) = *l1 else { continue };
        if let Some(r) = first_row_of_group.get(g).copied().flatten() {
            if !l1_seen[l1] && l1_at_row[r].is_none() {
                l1_seen[l1] = true;
                l1_at_row[r] = Some(l1);
            }
        }
    }
    let mut out = Vec::with_capacity(values.len());
    let mut seen_l2: Vec<bool> = vec![false; level2.len()];
    for (r, v) in values.iter().enumerate() {
        let mut cells = vec![String::new(); 5];
        if r == 0 && section {
            "绩效指标".clone_into(&mut cells[0]);
        }
        if let Some(l1) = l1_at_row[r] {
            cells[1].clone_from(&level1[l1].text);
        }
        if let Some(Some(g)) = l2_groups.get(r) {
            if !seen_l2[*g] {
                seen_l2[*g] = true;
                cells[2].clone_from(&level2[*g].text);
            }
        }
        let mut name = String::new();
        for p in &row_pieces[r] {
            let t = p.text.trim();
            if name.ends_with(|c: char| c.is_ascii_alphanumeric())
                && t.starts_with(|c: char| c.is_ascii_alphanumeric())
            {
                name.push(' ');
            }
            name.push_str(t);
        }
        cells[3] = name;
        cells[4].clone_from(&v.text);
        let (top, bottom) = spans[r];
        out.push(span_rows(lines, top, bottom, cells));
    }
    out
}

/// Give each label a contiguous, non-empty group of units (rows, or groups of rows), in
/// order, so that each label sits as near the middle of its group as possible. Returns,
/// per unit, the label it falls under.
/// The 一级 a 二级 label belongs under in the standard taxonomy of the form.
fn taxonomy_parent(level2: &str) -> Option<&'static str> {
    const PARENTS: [(&str, &str); 12] = [
        ("经济成本", "成本指标"),
        ("社会成本", "成本指标"),
        ("生态环境成本", "成本指标"),
        ("数量", "产出指标"),
        ("质量", "产出指标"),
        ("时效", "产出指标"),
        ("成本", "产出指标"),
        ("经济效益", "效益指标"),
        ("社会效益", "效益指标"),
        ("生态效益", "效益指标"),
        ("可持续影响", "效益指标"),
        ("服务对象满意度", "满意度指标"),
    ];
    PARENTS
        .iter()
        .find(|(stem, _)| level2.starts_with(stem))
        .map(|&(_, p)| p)
}

fn assign(
    labels: &[Label],
    units: &[(usize, usize)],
    pages: &Pages,
    penalty: &dyn Fn(usize, usize) -> usize,
) -> Vec<Option<usize>> {
    let (m, n) = (labels.len(), units.len());
    if m == 0 || n == 0 {
        return vec![None; n];
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&k| labels[k].center2());
    if m > n || m.saturating_mul(n).saturating_mul(n) > 4_000_000 {
        // Too many to share out exactly: each unit takes the label nearest its middle
        // (a binary search among the labels sorted by middle).
        let centers: Vec<usize> = order.iter().map(|&k| labels[k].center2()).collect();
        return units
            .iter()
            .map(|&(t, b)| {
                let c = t + b;
                let at = centers.partition_point(|&x| x < c);
                [at.checked_sub(1), (at < m).then_some(at)]
                    .into_iter()
                    .flatten()
                    .min_by_key(|&i| centers[i].abs_diff(c))
                    .map(|i| order[i])
            })
            .collect();
    }
    // Penalties summed over a group in O(1): prefix sums per label.
    let prefix: Vec<Vec<usize>> = order
        .iter()
        .map(|&l| {
            let mut acc = vec![0usize; n + 1];
            for u in 0..n {
                acc[u + 1] = acc[u] + penalty(l, u);
            }
            acc
        })
        .collect();
    let cost = |k: usize, s: usize, e: usize| {
        let label = &labels[order[k]];
        pages
            .off_place(label, (units[s].0, units[e].1))
            .saturating_add(prefix[k][e + 1] - prefix[k][s])
    };
    // best[j][e]: least cost of labels 0..=j over units 0..=e; from[j][e]: start of group j.
    let inf = usize::MAX / 4;
    let mut best = vec![vec![inf; n]; m];
    let mut from = vec![vec![0usize; n]; m];
    for (e, slot) in best[0].iter_mut().enumerate() {
        *slot = cost(0, 0, e);
    }
    for j in 1..m {
        for e in j..n {
            for s in j..=e {
                let c = best[j - 1][s - 1].saturating_add(cost(j, s, e));
                if c < best[j][e] {
                    best[j][e] = c;
                    from[j][e] = s;
                }
            }
        }
    }
    let mut out = vec![None; n];
    let mut e = n - 1;
    for j in (0..m).rev() {
        let s = if j == 0 { 0 } else { from[j][e] };
        for slot in out.iter_mut().take(e + 1).skip(s) {
            *slot = Some(order[j]);
        }
        if s == 0 {
            break;
        }
        e = s - 1;
    }
    out
}

/// The page each line is on, as the line extent of that page (to tell a merged cell that a
/// page break cuts).
struct Pages {
    /// Per line: the first and last line of its page.
    extent: Vec<(usize, usize)>,
}

impl Pages {
    fn new(lines: &[SrcLine<'_>]) -> Pages {
        let mut extent = vec![(0, 0); lines.len()];
        let mut start = 0;
        for i in 0..lines.len() {
            if i + 1 == lines.len() || lines[i + 1].page != lines[i].page {
                extent[start..=i].fill((start, i));
                start = i + 1;
            }
        }
        Pages { extent }
    }

    /// How far, in half lines, `label` is printed from where its cell, the rows of line
    /// extent `rows`, puts it. A cell is printed in the middle of its rows; but a cell cut by
    /// a page break has no one middle, and renderers print it either at its top (Chromium:
    /// `成本指标（必填硬` level with the first of its rows, the last on the next page) or
    /// at the middle of its part on the label's page (`LibreOffice`).
    fn off_place(&self, label: &Label, (top, bottom): (usize, usize)) -> usize {
        // A group left without rows has extent (usize::MAX, 0): saturate, never overflow.
        let middle = label.center2().abs_diff(top.saturating_add(bottom));
        let (Some(&first), Some(&last)) = (self.extent.get(top), self.extent.get(bottom)) else {
            return middle;
        };
        if first == last {
            return middle;
        }
        let at_top = 2 * label.top.abs_diff(top);
        let (page_top, page_bottom) = self.extent[label.top];
        let (lo, hi) = (top.max(page_top), bottom.min(page_bottom));
        let part = if lo <= hi {
            label.center2().abs_diff(lo + hi)
        } else {
            middle
        };
        at_top.min(part)
    }
}

/// Cost of a grouping that geometry rules out (a row level with one label's line put under
/// another label): larger than any sum of the other costs of a table.
const IMPOSSIBLE: usize = 1 << 20;

/// Per unit (row or group of rows, as a line extent), the labels that have a line inside it.
/// A unit of no rows has the extent `(usize::MAX, 0)` and meets none.
fn meetings(labels: &[Label], units: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let column = Column::new(labels);
    units
        .iter()
        .map(|&(t, b)| column.meeting(t, b).collect())
        .collect()
}

/// The line extents of one column's labels, sorted by top, to find those level with a run of
/// lines quickly.
struct Column {
    /// (top, bottom, label index).
    extents: Vec<(usize, usize, usize)>,
}

impl Column {
    fn new(labels: &[Label]) -> Column {
        let mut extents: Vec<(usize, usize, usize)> = labels
            .iter()
            .enumerate()
            .map(|(k, l)| (l.top, l.bottom, k))
            .collect();
        extents.sort_unstable();
        Column { extents }
    }

    /// The labels with a line in `top..=bottom`. Labels of one column do not overlap, so
    /// they are the last few that start at or above `bottom`; a few are looked at, to bound
    /// the work on hostile input.
    fn meeting(&self, top: usize, bottom: usize) -> impl Iterator<Item = usize> + '_ {
        let upto = self.extents.partition_point(|e| e.0 <= bottom);
        self.extents[..upto]
            .iter()
            .rev()
            .take(MAX_MEETINGS)
            .filter(move |e| e.1 >= top)
            .map(|e| e.2)
    }
}

/// Labels looked at per unit by [`meetings`].
const MAX_MEETINGS: usize = 4;

/// Line extents of each label's group of rows (groups in label order of first row).
fn group_extents(groups: &[Option<usize>], spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let max = groups.iter().flatten().max().map_or(0, |m| m + 1);
    let mut out = vec![(usize::MAX, 0usize); max];
    for (g, &(t, b)) in groups.iter().zip(spans) {
        if let Some(g) = g {
            out[*g].0 = out[*g].0.min(t);
            out[*g].1 = out[*g].1.max(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(top: usize, bottom: usize) -> Label {
        Label {
            text: String::new(),
            top,
            bottom,
            x0: 0,
            x1: 0,
        }
    }

    /// Lines 0-3 on page 1, 4-7 on page 2.
    fn two_pages() -> Vec<SrcLine<'static>> {
        (0..8u32)
            .map(|i| SrcLine::new("x", i + 1, Some(1 + i / 4), false))
            .collect()
    }

    #[test]
    fn a_cell_on_one_page_is_placed_at_its_middle() {
        let lines = two_pages();
        let pages = Pages::new(&lines);
        assert_eq!(pages.off_place(&label(1, 1), (0, 2)), 0);
        assert_eq!(pages.off_place(&label(0, 1), (0, 2)), 1);
    }

    /// `成本指标（必填硬` / `性指标）` on the first two of its rows, its last row on the next
    /// page: Chromium prints a cut cell at its top.
    #[test]
    fn a_cell_cut_by_a_page_break_may_be_printed_at_its_top() {
        let lines = two_pages();
        let pages = Pages::new(&lines);
        assert_eq!(pages.off_place(&label(1, 2), (1, 4)), 0);
        // ... or at the middle of its part on the label's page (LibreOffice).
        assert_eq!(pages.off_place(&label(5, 5), (2, 6)), 0);
        assert_eq!(pages.off_place(&label(6, 6), (2, 6)), 2);
    }

    #[test]
    fn a_run_of_lines_meets_the_labels_level_with_it() {
        let column = Column::new(&[label(0, 1), label(3, 4), label(6, 6)]);
        let meeting = |t, b| column.meeting(t, b).collect::<Vec<_>>();
        assert_eq!(meeting(1, 2), vec![0]);
        assert_eq!(meeting(2, 2), Vec::<usize>::new());
        // `高。社会保险手机APP使用率不断上升。` between two 二级 labels joins neither row.
        assert_eq!(meeting(1, 3).len(), 2);
    }
}
