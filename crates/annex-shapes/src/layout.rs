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
//!    rightmost run of a line, or a lone short run right of the name column). Each value
//!    anchors one row; the name lines between two values are split so that each value sits
//!    at the vertical middle of its row (a blank line, when there is one, is the border).
//! 4. **Spans**: a merged label is printed near the vertical middle of the rows it spans;
//!    labels are given contiguous groups of rows so that each label sits as near the middle
//!    of its group as possible, and each is emitted on the first row of its group, as the
//!    tab-separated text prints it.

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
    // that pdftotext set one space apart.
    let mut out = Vec::with_capacity(runs.len());
    for r in runs {
        match r.text.split_once(' ') {
            Some((head, tail))
                if (progress(head).is_some() || header_progress(head).is_some())
                    && !tail.trim().is_empty()
                    && !head.is_ascii() =>
            {
                let head_w: usize = head.chars().map(width).sum::<usize>() + 1;
                out.push(Run {
                    x1: r.x0 + head_w - 1,
                    text: head.to_owned(),
                    ..r.clone()
                });
                out.push(Run {
                    x0: r.x0 + head_w,
                    text: tail.to_owned(),
                    after_label: true,
                    ..r
                });
            }
            _ => out.push(r),
        }
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
        canonical: false,
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
            let owner = by_line[li]
                .iter()
                .copied()
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
            cells.push(
                v.iter()
                    .map(|(_, _, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(""),
            );
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

#[allow(clippy::many_single_char_names)] // i/j/k/p/v: indices and items of the row walk
fn indicator_section(lines: &[SrcLine<'_>], runs: &[Vec<Run>], from: usize) -> Vec<Row> {
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
    // Where the name column ends and the value column starts, from the runs that say so.
    let mut name_x: Vec<usize> = pieces.iter().map(|p| p.x0).collect();
    name_x.extend(
        lone.iter()
            .filter(|(p, _)| p.text.chars().count() >= 6)
            .map(|(p, _)| p.x0),
    );
    name_x.sort_unstable();
    let name_left = name_x.get(name_x.len() / 4).copied();
    let value_left = values
        .iter()
        .map(|p| p.x0)
        .chain(
            lone.iter()
                .filter(|(p, _)| strong_value(&p.text))
                .map(|(p, _)| p.x0),
        )
        .collect::<Vec<usize>>();
    // The median, not the least: a name piece that reads as a number (`、2021.1-2021.8）`,
    // the wrapped end of a name) must not pull the value column over the names.
    let value_left = {
        let mut xs = value_left;
        xs.sort_unstable();
        xs.get(xs.len() / 2).copied()
    };
    let threshold = match (name_left, value_left) {
        (Some(n), Some(v)) if v > n => n + (v - n) / 2,
        (Some(n), _) => n + 12,
        (None, Some(v)) => v.saturating_sub(4),
        (None, None) => 0,
    };
    for (p, after_label) in lone {
        let t = canonical_text(&p.text);
        let short_word = t.chars().count() <= 8
            && !t.contains(['，', '。', '；', '、', '（', '）'])
            && !t.ends_with(['，', '。']);
        // A pushed run is a value only by its shape (`100%` right after `质量指标（必填）`).
        let is_value = (strong_value(&t) && p.x0 + 4 >= threshold)
            || (!after_label && short_word && p.x0 >= threshold);
        if is_value {
            values.push(p);
        } else {
            pieces.push(p);
        }
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
    // Each value anchors a row; name lines between two values are shared out so that each
    // value sits at the middle of its row, or at a blank line between them.
    let blank = |l: usize| lines[l].is_blank();
    let mut row_pieces: Vec<Vec<&Piece>> = vec![Vec::new(); values.len()];
    let mut k = 0;
    let mut i = 0;
    while i < pieces.len() {
        let p = &pieces[i];
        while k + 1 < values.len() && values[k + 1].line <= p.line {
            k += 1;
        }
        if p.line <= values[k].line || k + 1 == values.len() {
            row_pieces[k].push(p);
            i += 1;
            continue;
        }
        // Pieces strictly between value k and value k+1.
        let next = values[k + 1].line;
        let mut j = i;
        while j < pieces.len() && pieces[j].line < next {
            j += 1;
        }
        let between: Vec<usize> = {
            let mut ls: Vec<usize> = pieces[i..j].iter().map(|p| p.line).collect();
            ls.dedup();
            ls
        };
        let above = {
            let mut ls: Vec<usize> = row_pieces[k]
                .iter()
                .filter(|p| p.line < values[k].line)
                .map(|p| p.line)
                .collect();
            ls.dedup();
            ls.len()
        };
        let mut take = above.min(between.len());
        // Name lines above each blank line (both sorted: one walk).
        let mut best: Option<usize> = None;
        let mut n_above = 0;
        for b in (values[k].line + 1..next).filter(|&l| blank(l)) {
            while n_above < between.len() && between[n_above] < b {
                n_above += 1;
            }
            if best.is_none_or(|x: usize| n_above.abs_diff(take) < x.abs_diff(take)) {
                best = Some(n_above);
            }
        }
        if let Some(best) = best {
            take = best;
        }
        // Pieces are sorted by line: their line's rank among `between` only grows.
        let mut n = 0;
        for p in &pieces[i..j] {
            while n + 1 < between.len() && between[n] < p.line {
                n += 1;
            }
            if n < take {
                row_pieces[k].push(p);
            } else {
                row_pieces[k + 1].push(p);
            }
        }
        i = j;
    }
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
    let l2_groups = assign(&level2, &spans, &|_, _| 0);
    let group_spans: Vec<(usize, usize)> = if level2.is_empty() {
        spans.clone()
    } else {
        group_extents(&l2_groups, &spans)
    };
    // A 二级 under a 一级 the taxonomy does not put it under costs as much as being three
    // lines off the middle: geometry decides, the vocabulary breaks its near-ties (pdftotext
    // spaces lines unevenly, so two groupings can sit equally near the printed labels).
    let mismatch = |l1: usize, g: usize| {
        let parent = level2.get(g).and_then(|l| taxonomy_parent(&l.text));
        match parent {
            Some(p) if p != level1[l1].text => 6,
            _ => 0,
        }
    };
    let l1_of_group = assign(&level1, &group_spans, &mismatch);
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
        labels[order[k]].center2().abs_diff(units[s].0 + units[e].1) + prefix[k][e + 1]
            - prefix[k][s]
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
