//! HTML tables as `MinerU` and PP-Structure emit them: `<table><tr><td rowspan="6">…`.
//!
//! A rowspan'd cell is placed in the first row it covers and the rows below get an empty
//! cell in its column, which is exactly how the tab-separated OCR text prints a merged
//! 一级/二级 label; a colspan'd cell is followed by empty cells. Cell text keeps its
//! entities, LaTeX and inline tags: the canonical text form removes them. Text outside
//! tables (`<h2>` titles, `<p>` lines) becomes one-cell rows, split at block tags and
//! line ends.

use crate::Row;
use crate::source::SrcLine;

/// Cap on rowspan/colspan and on columns: a hostile `colspan="99999999"` must not
/// allocate.
const MAX_SPAN: usize = 200;

/// Read the whole decoded text; `lines` are its source lines (sub-slices of `text`).
pub(crate) fn read(text: &str, lines: &[SrcLine<'_>]) -> Vec<Row> {
    let base = text.as_ptr() as usize;
    let starts: Vec<(usize, u32, Option<u32>)> = lines
        .iter()
        .map(|l| {
            (
                (l.text.as_ptr() as usize).saturating_sub(base),
                l.number,
                l.page,
            )
        })
        .collect();
    parse(text, &starts)
}

/// Read a region of source lines as HTML (lines joined by `\n`).
pub(crate) fn read_lines(lines: &[SrcLine<'_>]) -> Vec<Row> {
    let mut text = String::new();
    let mut starts = Vec::with_capacity(lines.len());
    for l in lines {
        starts.push((text.len(), l.number, l.page));
        text.push_str(l.text);
        text.push('\n');
    }
    parse(&text, &starts)
}

#[derive(Debug, Default)]
struct Cell {
    text: String,
    rowspan: usize,
    colspan: usize,
}

#[derive(Debug, Default)]
struct State {
    rows: Vec<Row>,
    depth: usize,
    /// Cells of the open `<tr>`, and its first line.
    row: Option<(Vec<Cell>, u32, Option<u32>)>,
    cell: Option<Cell>,
    /// Columns still covered by a rowspan from above: rows left.
    covered: Vec<usize>,
    /// Text outside any table, and the line it started on.
    loose: String,
    loose_at: Option<(u32, Option<u32>)>,
}

fn attr(tag: &str, name: &str) -> Option<usize> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(name)?;
    let rest = lower[at + name.len()..].trim_start().strip_prefix('=')?;
    let digits: String = rest
        .trim_start()
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse().ok()
}

impl State {
    fn flush_loose(&mut self, line: u32) {
        let text = std::mem::take(&mut self.loose);
        if let Some((first, page)) = self.loose_at.take() {
            if !text.trim().is_empty() {
                self.rows.push(Row {
                    cells: vec![text],
                    first,
                    last: line.max(first),
                    page,
                });
            }
        }
    }

    fn close_cell(&mut self) {
        if let (Some(cell), Some((cells, _, _))) = (self.cell.take(), self.row.as_mut()) {
            cells.push(cell);
        }
    }

    fn close_row(&mut self, line: u32) {
        self.close_cell();
        let Some((cells, first, page)) = self.row.take() else {
            return;
        };
        let mut out: Vec<String> = Vec::new();
        let mut col = 0;
        for cell in cells {
            while self.covered.get(col).is_some_and(|&n| n > 0) {
                self.covered[col] -= 1;
                out.push(String::new());
                col += 1;
            }
            if col >= MAX_SPAN {
                // Past the cap the table is not a form; keep the text, lose the position.
                if let Some(last) = out.last_mut() {
                    last.push(' ');
                    last.push_str(&cell.text);
                }
                continue;
            }
            out.push(cell.text);
            let span = cell.colspan.clamp(1, MAX_SPAN - col);
            if self.covered.len() < col + span {
                self.covered.resize(col + span, 0);
            }
            for k in 0..span {
                self.covered[col + k] = cell.rowspan.clamp(1, MAX_SPAN) - 1;
                if k > 0 {
                    out.push(String::new());
                }
            }
            col += span;
        }
        for n in self.covered.iter_mut().skip(col) {
            *n = n.saturating_sub(1);
        }
        self.rows.push(Row {
            cells: out,
            first,
            last: line.max(first),
            page,
        });
    }

    fn text(&mut self, s: &str, at: (u32, Option<u32>)) {
        if let Some(cell) = self.cell.as_mut() {
            cell.text.push_str(s);
        } else if self.depth == 0 {
            if self.loose_at.is_none() && !s.trim().is_empty() {
                self.loose_at = Some(at);
            }
            if self.loose_at.is_some() {
                self.loose.push_str(s);
            }
        }
        // Text between cells of a table (whitespace, stray words) is dropped.
    }

    fn tag(&mut self, raw: &str, at: (u32, Option<u32>)) {
        let closing = raw.starts_with('/');
        let name: String = raw
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let (line, page) = at;
        match (name.as_str(), closing) {
            ("table", false) => {
                self.flush_loose(line);
                self.depth += 1;
                if self.depth == 1 {
                    self.covered.clear();
                }
            }
            ("table", true) => {
                if self.depth == 1 {
                    self.close_row(line);
                }
                self.depth = self.depth.saturating_sub(1);
            }
            ("tr", false) if self.depth == 1 => {
                self.close_row(line);
                self.row = Some((Vec::new(), line, page));
            }
            ("tr", true) if self.depth == 1 => self.close_row(line),
            ("td" | "th", false) if self.depth == 1 => {
                self.close_cell();
                if self.row.is_none() {
                    self.row = Some((Vec::new(), line, page));
                }
                self.cell = Some(Cell {
                    text: String::new(),
                    rowspan: attr(raw, "rowspan").unwrap_or(1),
                    colspan: attr(raw, "colspan").unwrap_or(1),
                });
            }
            ("td" | "th", true) if self.depth == 1 => self.close_cell(),
            ("br" | "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => {
                if self.cell.is_some() || self.depth > 0 {
                    self.text(" ", at);
                } else {
                    self.flush_loose(line);
                }
            }
            _ => {
                if self.depth > 1 {
                    self.text(" ", at);
                }
            }
        }
    }
}

fn parse(text: &str, starts: &[(usize, u32, Option<u32>)]) -> Vec<Row> {
    let mut st = State::default();
    let at = |offset: usize| -> (u32, Option<u32>) {
        let k = starts.partition_point(|s| s.0 <= offset).saturating_sub(1);
        starts.get(k).map_or((1, None), |s| (s.1, s.2))
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut text_from = 0;
    let mut no_more_gt = false;
    let mut last_line = 1;
    let flush_text = |st: &mut State, from: usize, to: usize| {
        if from < to {
            let chunk = text.get(from..to).unwrap_or_default();
            // A line end inside a cell is a space; outside tables it ends a loose line.
            for (k, piece) in chunk.split(['\n', '\r', '\x0C']).enumerate() {
                if k > 0 {
                    if st.cell.is_some() {
                        st.text(" ", at(from));
                    } else if st.depth == 0 {
                        let (line, _) = at(from + 1);
                        st.flush_loose(line);
                    }
                }
                let offset = piece.as_ptr() as usize - text.as_ptr() as usize;
                st.text(piece, at(offset));
            }
        }
    };
    while i < bytes.len() {
        if bytes[i] == b'<' && !no_more_gt {
            let starts_tag = bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!'));
            if starts_tag {
                match bytes[i + 1..].iter().position(|&b| b == b'>') {
                    Some(k) => {
                        flush_text(&mut st, text_from, i);
                        let raw = text.get(i + 1..i + 1 + k).unwrap_or_default();
                        let here = at(i);
                        last_line = here.0;
                        st.tag(raw, here);
                        i += k + 2;
                        text_from = i;
                        continue;
                    }
                    None => no_more_gt = true,
                }
            }
        }
        i += 1;
    }
    flush_text(&mut st, text_from, bytes.len());
    let end = starts.last().map_or(last_line, |s| s.1);
    st.close_row(end);
    st.flush_loose(end);
    st.rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::source_lines;

    fn cells(html: &str) -> Vec<Vec<String>> {
        read(html, &source_lines(html))
            .into_iter()
            .map(|r| r.cells)
            .collect()
    }

    #[test]
    fn rowspan_leaves_empty_cells_below() {
        let got = cells(
            "<table><tr><td rowspan=\"2\">产出指标</td><td>a</td><td>1</td></tr>\
             <tr><td>b</td><td>2</td></tr><tr><td colspan=2>c</td><td>3</td></tr></table>",
        );
        assert_eq!(
            got,
            [
                vec!["产出指标", "a", "1"],
                vec!["", "b", "2"],
                vec!["c", "", "3"]
            ]
        );
    }

    #[test]
    fn loose_text_and_unclosed_tags() {
        let got = cells("<h2>部门项目支出预算绩效目标表</h2>\n<p>(2024 年度)</p>\n<5% <td");
        assert_eq!(got[0], ["部门项目支出预算绩效目标表"]);
        assert_eq!(got[1], ["(2024 年度)"]);
        assert_eq!(got[2], ["<5% <td"]);
    }

    #[test]
    fn hostile_spans_are_capped() {
        let got = cells(
            "<table><tr><td colspan=\"99999999\" rowspan=\"99999999\">x</td></tr><tr><td>y</td></tr></table>",
        );
        assert_eq!(got.len(), 2);
        assert!(got[0].len() <= MAX_SPAN);
    }
}
