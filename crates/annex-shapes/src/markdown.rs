//! Markdown pipe tables: `| 名称 | 一级指标 | … |`, a `|---|` rule, `<br>` inside cells,
//! empty cells where a merged cell was, `\|` for a literal pipe.
//!
//! Lines outside tables (`# 部门项目支出预算绩效目标表`, `**（2024年度）**`) become one-cell
//! rows with their Markdown markers removed.

use crate::Row;
use crate::source::SrcLine;

/// Split a pipe-table line into cells; `\|` is a literal pipe. The outer pipes do not make
/// cells.
pub(crate) fn split_pipes(line: &str) -> Vec<String> {
    let t = line.trim();
    let mut cells = vec![String::new()];
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(cell) = cells.last_mut() {
                    cell.push('|');
                }
            }
            '|' => cells.push(String::new()),
            _ => {
                if let Some(cell) = cells.last_mut() {
                    cell.push(c);
                }
            }
        }
    }
    if t.starts_with('|') && !cells.is_empty() {
        cells.remove(0);
    }
    if t.ends_with('|') && !t.ends_with("\\|") {
        cells.pop();
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn is_rule(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim();
            c.contains('-') && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
        })
}

/// Markdown markers around a loose line: heading `#`s, emphasis `**`, a quote `>`.
fn strip_markers(line: &str) -> String {
    let t = line.trim().trim_start_matches('>').trim_start();
    let t = t.trim_start_matches('#').trim();
    t.replace("**", "").replace("__", "")
}

pub(crate) fn read(lines: &[SrcLine<'_>]) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in lines {
        if line.is_blank() {
            continue;
        }
        let t = line.text.trim();
        if t.starts_with('|') || (t.ends_with('|') && t.matches('|').count() >= 2) {
            let cells = split_pipes(t);
            if !is_rule(&cells) {
                rows.push(Row::one(line, cells));
            }
        } else {
            rows.push(Row::one(line, vec![strip_markers(t)]));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes() {
        let cases: &[(&str, &[&str])] = &[
            ("| a | b |", &["a", "b"]),
            ("| | | c |", &["", "", "c"]),
            ("| 达 \\| 95% | x |", &["达 | 95%", "x"]),
            ("a | b", &["a", "b"]),
            ("| 有效<br>解决 |", &["有效<br>解决"]),
        ];
        for &(line, want) in cases {
            assert_eq!(split_pipes(line), want, "{line}");
        }
        assert!(is_rule(&split_pipes("|---|:---:|--|")));
    }
}
