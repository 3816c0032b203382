//! Layout: glyphs + ruling lines of one page → rows of cells, top to bottom.
//!
//! *Lattice*: rulings that touch each other form a table. Its grid lines are the distinct
//! x of its vertical rulings and y of its horizontal rulings; two neighbouring grid cells
//! belong to one (merged) cell when no ruling separates them. A glyph goes to the grid
//! cell containing its centre, and so to the merged cell's top-left grid cell: a rowspan
//! label appears in the first row it covers, a colspan value in its first column, the
//! other grid cells stay empty strings (the shape the OCR text has).
//!
//! *Alignment* (no rulings, or text outside every table): glyphs sharing a baseline are a
//! text line; a gap wider than two ems splits it into cells.

use crate::interp::{Glyph, Rule};

/// Rulings closer than this (pt) along their axis are one grid line.
const SNAP: f32 = 2.0;
/// How far (pt) a ruling may fall short of another and still touch it.
const TOUCH: f32 = 3.0;
/// A gap in a text line wider than this many ems starts a new cell (alignment mode).
const CELL_GAP_EM: f32 = 2.0;

/// One output row: its cells and its vertical position (for ordering within the page).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) top: f32,
    pub(crate) cells: Vec<String>,
    /// The top row of a table whose top border is missing: the rest of a row that the
    /// page break cut, to be joined to the last table row of the previous page.
    pub(crate) continued: bool,
    /// The bottom row of a table whose bottom border is missing: a row the page break
    /// cut, continued on the next page.
    pub(crate) cut_below: bool,
    /// Comes from a ruled table (not free text).
    pub(crate) in_table: bool,
    /// On the last row of a table: the columns whose cell has no border at the table's
    /// bottom edge (a rowspan cell cut by the page break).
    pub(crate) open_below: Option<Cut>,
    /// On the first row of a table: the columns whose cell has no border at the table's
    /// top edge (the rest of a cell cut by the page break).
    pub(crate) open_above: Option<Cut>,
}

/// The cells of a table left open at its top or bottom edge.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cut {
    /// The table's column edges, to tell that two parts belong to one table.
    pub(crate) xs: Vec<f32>,
    /// Per column: `Some(top)` when the cell is open at the edge, `top` being the y of
    /// the row that holds the cell's text (its first row).
    pub(crate) open: Vec<Option<f32>>,
}

impl Cut {
    /// Whether `other` has the same columns (within [`SNAP`] at every edge).
    pub(crate) fn same_columns(&self, other: &Cut) -> bool {
        self.xs.len() == other.xs.len()
            && self
                .xs
                .iter()
                .zip(&other.xs)
                .all(|(a, b)| (a - b).abs() <= SNAP)
    }
}

/// Lay out one page.
pub(crate) fn layout(glyphs: &[Glyph], rules: &[Rule]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut used = vec![false; glyphs.len()];
    for table in tables(rules) {
        rows.extend(table.rows(glyphs, &mut used));
    }
    let rest: Vec<&Glyph> = glyphs
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(g, _)| g)
        .collect();
    for line in text_lines(&rest) {
        let top = line
            .iter()
            .map(|g| g.y - g.size / 2.0)
            .fold(f32::MAX, f32::min);
        let cells = split_cells(&line);
        rows.push(Row {
            top,
            cells,
            continued: false,
            cut_below: false,
            in_table: false,
            open_below: None,
            open_above: None,
        });
    }
    rows.sort_by(|a, b| a.top.total_cmp(&b.top));
    rows
}

/// A ruled table: grid lines and, for every grid cell, the grid cell it merges into.
struct Table {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// `owner[r * ncols + c]`: the top-left grid cell of the merged cell holding (r, c).
    owner: Vec<usize>,
    /// The first grid line is not drawn: the table was cut by a page break above.
    cut_top: bool,
    /// The last grid line is not drawn: the table goes on on the next page.
    cut_bottom: bool,
    /// Per column: no border drawn at the table's top (bottom) edge.
    open_top: Vec<bool>,
    open_bottom: Vec<bool>,
}

/// Positions closer than [`SNAP`] to their neighbour become one: the middle of the run.
fn snap(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    let mut run: Option<(f32, f32)> = None;
    for x in v {
        run = match run {
            Some((lo, hi)) if x - hi <= SNAP => Some((lo, x)),
            Some((lo, hi)) => {
                out.push(f32::midpoint(lo, hi));
                Some((x, x))
            }
            None => Some((x, x)),
        };
    }
    if let Some((lo, hi)) = run {
        out.push(f32::midpoint(lo, hi));
    }
    out
}

fn find(p: &mut [usize], mut i: usize) -> usize {
    while p[i] != i {
        p[i] = p[p[i]];
        i = p[i];
    }
    i
}

/// Group rulings into tables: connected components of touching rulings that have at
/// least two lines each way.
fn tables(rules: &[Rule]) -> Vec<Table> {
    let n = rules.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let touches = |a: &Rule, b: &Rule| {
        if a.horizontal == b.horizontal {
            (a.pos - b.pos).abs() <= SNAP && a.lo <= b.hi + TOUCH && b.lo <= a.hi + TOUCH
        } else {
            let (h, v) = if a.horizontal { (a, b) } else { (b, a) };
            v.pos >= h.lo - TOUCH
                && v.pos <= h.hi + TOUCH
                && h.pos >= v.lo - TOUCH
                && h.pos <= v.hi + TOUCH
        }
    };
    // Sweep by the lower y extent so only rulings that can overlap vertically are paired.
    let span = |r: &Rule| {
        if r.horizontal {
            (r.pos, r.pos)
        } else {
            (r.lo, r.hi)
        }
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| span(&rules[a]).0.total_cmp(&span(&rules[b]).0));
    for (k, &i) in order.iter().enumerate() {
        let (_, hi_i) = span(&rules[i]);
        for &j in &order[k + 1..] {
            if span(&rules[j]).0 > hi_i + TOUCH {
                break;
            }
            if touches(&rules[i], &rules[j]) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Rule>> =
        std::collections::BTreeMap::new();
    for (i, rule) in rules.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(*rule);
    }
    groups
        .into_values()
        .filter_map(|g| Table::new(&g))
        .collect()
}

impl Table {
    fn new(rules: &[Rule]) -> Option<Table> {
        let mut xs = snap(
            rules
                .iter()
                .filter(|r| !r.horizontal)
                .map(|r| r.pos)
                .collect(),
        );
        let mut ys = snap(
            rules
                .iter()
                .filter(|r| r.horizontal)
                .map(|r| r.pos)
                .collect(),
        );
        // A table cut by a page break may lack its top (or bottom) border: the vertical
        // rulings reach past the last horizontal one. Their ends are the missing edge.
        let (mut cut_top, mut cut_bottom) = (false, false);
        let (vtop, vbot) = rules
            .iter()
            .filter(|r| !r.horizontal)
            .fold((f32::MAX, f32::MIN), |(a, b), r| (a.min(r.lo), b.max(r.hi)));
        if let (Some(&first), Some(&last)) = (ys.first(), ys.last()) {
            if first - vtop > 2.0 * SNAP {
                ys.insert(0, vtop);
                cut_top = true;
            }
            if vbot - last > 2.0 * SNAP {
                ys.push(vbot);
                cut_bottom = true;
            }
        }
        let (hleft, hright) = rules
            .iter()
            .filter(|r| r.horizontal)
            .fold((f32::MAX, f32::MIN), |(a, b), r| (a.min(r.lo), b.max(r.hi)));
        if let (Some(&first), Some(&last)) = (xs.first(), xs.last()) {
            if first - hleft > 2.0 * SNAP {
                xs.insert(0, hleft);
            }
            if hright - last > 2.0 * SNAP {
                xs.push(hright);
            }
        }
        if xs.len() < 2 || ys.len() < 2 {
            return None;
        }
        let (nr, nc) = (ys.len() - 1, xs.len() - 1);
        // Is the boundary between two grid cells drawn? Checked at its midpoint.
        let drawn = |horizontal: bool, pos: f32, mid: f32| {
            rules.iter().any(|r| {
                r.horizontal == horizontal
                    && (r.pos - pos).abs() <= SNAP
                    && r.lo - TOUCH <= mid
                    && mid <= r.hi + TOUCH
            })
        };
        let mut owner: Vec<usize> = (0..nr * nc).collect();
        for r in 0..nr {
            let ymid = f32::midpoint(ys[r], ys[r + 1]);
            for c in 0..nc {
                let xmid = f32::midpoint(xs[c], xs[c + 1]);
                let idx = r * nc + c;
                // Merge leftwards first, then upwards: the owner is the top-left cell.
                if c > 0 && !drawn(false, xs[c], ymid) {
                    owner[idx] = owner[idx - 1];
                }
                if r > 0 && !drawn(true, ys[r], xmid) {
                    let up = owner[idx - nc];
                    if owner[idx] == idx || up < owner[idx] {
                        owner[idx] = up;
                    }
                }
            }
        }
        // Chromium draws no border where a page break cuts a cell, but does draw the
        // bottom border of cells that end at the break: an open column at the table's
        // edge is a rowspan cell that the break cut.
        let edge_open = |y: f32| -> Vec<bool> {
            (0..nc)
                .map(|c| !drawn(true, y, f32::midpoint(xs[c], xs[c + 1])))
                .collect()
        };
        let open_top = edge_open(ys[0]);
        let open_bottom = edge_open(ys[nr]);
        Some(Table {
            xs,
            ys,
            owner,
            cut_top,
            cut_bottom,
            open_top,
            open_bottom,
        })
    }

    fn locate(&self, x: f32, y: f32) -> Option<usize> {
        let (x0, x1) = (*self.xs.first()?, *self.xs.last()?);
        let (y0, y1) = (*self.ys.first()?, *self.ys.last()?);
        if x < x0 || x > x1 || y < y0 || y > y1 {
            return None;
        }
        let c = self
            .xs
            .partition_point(|&v| v <= x)
            .saturating_sub(1)
            .min(self.xs.len() - 2);
        let r = self
            .ys
            .partition_point(|&v| v <= y)
            .saturating_sub(1)
            .min(self.ys.len() - 2);
        Some(self.owner[r * (self.xs.len() - 1) + c])
    }

    fn rows(&self, glyphs: &[Glyph], used: &mut [bool]) -> Vec<Row> {
        let nc = self.xs.len() - 1;
        let mut cells: Vec<Vec<&Glyph>> = vec![Vec::new(); self.owner.len()];
        for (g, u) in glyphs.iter().zip(used.iter_mut()) {
            if let Some(i) = self.locate(g.cx(), g.y) {
                cells[i].push(g);
                *u = true;
            }
        }
        let mut rows = Vec::new();
        for r in 0..self.ys.len() - 1 {
            let texts: Vec<String> = (0..nc).map(|c| cell_text(&cells[r * nc + c])).collect();
            if texts.iter().all(String::is_empty) {
                continue;
            }
            let open_above = (r == 0 && self.open_top.iter().any(|&o| o)).then(|| Cut {
                xs: self.xs.clone(),
                open: self
                    .open_top
                    .iter()
                    .map(|&o| o.then_some(self.ys[0]))
                    .collect(),
            });
            rows.push(Row {
                top: self.ys[r],
                cells: texts,
                continued: r == 0 && self.cut_top,
                cut_below: r + 2 == self.ys.len() && self.cut_bottom,
                in_table: true,
                open_below: None,
                open_above,
            });
        }
        // On the last row shown (a wholly empty last grid row is not shown): the first
        // row of each open cell, where its text went.
        if let Some(last) = rows.last_mut() {
            if self.open_bottom.iter().any(|&o| o) {
                let r = self.ys.len() - 2;
                last.open_below = Some(Cut {
                    xs: self.xs.clone(),
                    open: (0..nc)
                        .map(|c| self.open_bottom[c].then(|| self.ys[self.owner[r * nc + c] / nc]))
                        .collect(),
                });
            }
        }
        rows
    }
}

/// Glyphs grouped into text lines (by vertical centre), each sorted left to right; lines
/// top to bottom.
fn text_lines<'a>(glyphs: &[&'a Glyph]) -> Vec<Vec<&'a Glyph>> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    let mut line_y = f32::MIN;
    for g in sorted {
        let tol = g.size.max(1.0) * 0.4;
        match lines.last_mut() {
            Some(line) if (g.y - line_y).abs() <= tol => line.push(g),
            _ => {
                line_y = g.y;
                lines.push(vec![g]);
            }
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    lines
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Join glyphs of one line: a space where the gap is wider than a quarter em, except
/// between CJK characters (canonical text has no space next to CJK anyway).
fn join_line(line: &[&Glyph], out: &mut String) {
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev {
            let gap = g.x0 - p.x1;
            let cjk = p.text.chars().last().is_some_and(is_cjk)
                || g.text.chars().next().is_some_and(is_cjk);
            let spaced = g.space_before && gap > -0.5 * g.size;
            if (spaced || gap > 0.25 * g.size.max(p.size)) && !cjk {
                out.push(' ');
            }
        }
        out.push_str(&g.text);
        prev = Some(g);
    }
}

/// Whether wrapped text `b` continues `a` without a space: a line break next to a CJK
/// character or a dash is no word break (`（2021` + `年12月以前）`, `2021.1—` + `2021.8`).
/// Canonical text has no space next to CJK anyway; this keeps Latin words apart.
pub(crate) fn joins_without_space(a: &str, b: &str) -> bool {
    let tight = |c: char| is_cjk(c) || matches!(c, '—' | '–' | '-' | '/');
    a.chars().last().is_some_and(tight) || b.chars().next().is_some_and(tight)
}

/// The text of one cell: its lines joined, wrapped CJK text without a space.
fn cell_text(glyphs: &[&Glyph]) -> String {
    let mut out = String::new();
    for line in text_lines(glyphs) {
        let mut s = String::new();
        join_line(&line, &mut s);
        // A wrapped cell: CJK text continues without a space; a line starting a new
        // numbered goal (`。` then `2.`) or a Latin word gets one, as in the OCR text.
        if !out.is_empty() && !joins_without_space(&out, &s) {
            out.push(' ');
        }
        out.push_str(&s);
    }
    out
}

/// Alignment mode: split a text line into cells at wide gaps.
fn split_cells(line: &[&Glyph]) -> Vec<String> {
    let mut cells = Vec::new();
    let mut start = 0;
    for i in 1..=line.len() {
        let split = i == line.len() || {
            let (p, g) = (line[i - 1], line[i]);
            g.x0 - p.x1 > CELL_GAP_EM * g.size.max(p.size).max(1.0)
        };
        if split {
            let mut s = String::new();
            join_line(&line[start..i], &mut s);
            cells.push(s);
            start = i;
        }
    }
    cells
}
