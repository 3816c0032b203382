//! Write the shape fixtures of `samples/shapes/` from the reference sample, deterministically.
//!
//! `cargo run -p annex-shapes --example make-fixtures` (from the workspace root), or
//! `… -- SOURCE OUT_DIR` to make the same shapes from another tab-separated text (a
//! generated corpus, to compare two builds on every shape at scale). Each shape
//! is made from the tab-separated reference `samples/pingluo-2024-annex2.txt`, keeping its
//! OCR damage wherever the shape can carry it. The `reference-layout-*.txt` fixtures are
//! not made here: they are real `pdftotext -layout` outputs (see samples/shapes/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fmt::Write as _;
use std::fs;

const SOURCE: &str = "samples/pingluo-2024-annex2.txt";
const OUT: &str = "samples/shapes";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = args.first().map_or(SOURCE, String::as_str);
    let out = args.get(1).map_or(OUT, String::as_str);
    let text = fs::read_to_string(source).expect("run from the workspace root");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    fs::create_dir_all(out).unwrap();
    let write = |name: &str, bytes: &[u8]| write(out, name, bytes);
    write("reference.html", html(&rows).as_bytes());
    write("reference.md", markdown(&rows).as_bytes());
    let fw = fullwidth(&rows);
    let (gb, _, _) = encoding_rs::GB18030.encode(&fw);
    write("reference-fullwidth-gb18030.txt", &gb);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in fw.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write("reference-fullwidth-utf16le.txt", &utf16);
    write("reference-pagebreaks.txt", pagebreaks(&rows).as_bytes());
    write(
        "reference-cell-per-line.txt",
        cell_per_line(&rows).as_bytes(),
    );
    write("reference-glued.txt", glued(&rows).as_bytes());
}

fn write(out: &str, name: &str, bytes: &[u8]) {
    let path = format!("{out}/{name}");
    fs::write(&path, bytes).unwrap();
    eprintln!("wrote {path} ({} bytes)", bytes.len());
}

fn is_title(row: &[&str]) -> bool {
    let j: String = row.concat();
    j.contains("部门项目支出预算绩效目标表") && !j.contains("附件")
}

fn is_blank(row: &[&str]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

/// Rows from a 项目名称 row up to the next title: one HTML/Markdown table each.
fn table_ranges(rows: &[Vec<&str>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if rows[i].first().is_some_and(|c| c.starts_with("项目名称")) {
            let start = i;
            let mut end = i + 1;
            while end < rows.len() && !is_title(&rows[end]) && !rows[end].concat().contains("<h2") {
                end += 1;
            }
            out.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn trimmed<'a>(row: &[&'a str]) -> Vec<&'a str> {
    let mut r = row.to_vec();
    while r.last().is_some_and(|c| c.trim().is_empty()) {
        r.pop();
    }
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
}

/// `MinerU` writes `≥96%` in cells as LaTeX: `$\geq$ 96\%`.
fn latexify(cell: &str) -> String {
    match cell.trim().strip_prefix('≥') {
        Some(rest) if !cell.contains('$') => format!("$\\geq$ {}", rest.replace('%', "\\%")),
        _ => cell.to_owned(),
    }
}

fn html(rows: &[Vec<&str>]) -> String {
    let tables = table_ranges(rows);
    let mut out = String::new();
    let mut i = 0;
    while i < rows.len() {
        if let Some(&(start, end)) = tables.iter().find(|t| t.0 == i) {
            out.push_str(&html_table(&rows[start..end]));
            out.push('\n');
            i = end;
            continue;
        }
        let row = trimmed(&rows[i]);
        if !is_blank(&row) {
            let text = row.join(" ");
            if is_title(&row) && !text.contains('<') {
                let _ = writeln!(out, "<h2>{}</h2>", escape(text.trim()));
            } else if text.contains('<') {
                let _ = writeln!(out, "{}", text.trim());
            } else {
                let _ = writeln!(out, "<p>{}</p>", escape(text.trim()));
            }
        }
        i += 1;
    }
    out
}

/// One table on one line, as `MinerU` prints it; a label cell followed by empty cells in its
/// column (columns 0–2) gets a rowspan, the last cell of a row a colspan to the width.
fn html_table(rows: &[Vec<&str>]) -> String {
    let body: Vec<Vec<&str>> = rows
        .iter()
        .filter(|r| !is_blank(r))
        .map(|r| trimmed(r))
        .collect();
    let width = body.iter().map(Vec::len).max().unwrap_or(1);
    let cell = |r: usize, c: usize| body[r].get(c).copied().unwrap_or("").trim();
    let mut covered = vec![vec![false; width]; body.len()];
    let mut out = String::from("<table>");
    for r in 0..body.len() {
        out.push_str("<tr>");
        let n = body[r].len();
        for c in 0..n {
            if covered[r][c] {
                continue;
            }
            let text = cell(r, c);
            let mut attrs = String::new();
            if !text.is_empty() && c <= 2 {
                let mut span = 1;
                while r + span < body.len()
                    && cell(r + span, c).is_empty()
                    && body[r + span].len() > c + 1
                    && (0..=c)
                        .all(|k| !covered[r + span][k] && (k == c || cell(r + span, k).is_empty()))
                {
                    span += 1;
                }
                if span > 1 {
                    for k in 1..span {
                        covered[r + k][c] = true;
                    }
                    let _ = write!(attrs, " rowspan=\"{span}\"");
                }
            }
            if c + 1 == n && n < width {
                let _ = write!(attrs, " colspan=\"{}\"", width - c);
            }
            let _ = write!(out, "<td{attrs}>{}</td>", escape(&latexify(text)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

/// Insert `<br>` in the middle of a long cell, between two CJK characters, as Markdown
/// exporters do for a wrapped cell.
fn with_br(cell: &str) -> String {
    let chars: Vec<char> = cell.chars().collect();
    let cjk = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    if chars.len() > 24 && !cell.contains('<') {
        let mid = chars.len() / 2;
        if cjk(chars[mid - 1]) && cjk(chars[mid]) {
            let (a, b) = chars.split_at(mid);
            return format!(
                "{}<br>{}",
                a.iter().collect::<String>(),
                b.iter().collect::<String>()
            );
        }
    }
    cell.to_owned()
}

fn markdown(rows: &[Vec<&str>]) -> String {
    let tables = table_ranges(rows);
    let mut out = String::new();
    let mut i = 0;
    while i < rows.len() {
        if let Some(&(start, end)) = tables.iter().find(|t| t.0 == i) {
            let body: Vec<Vec<&str>> = rows[start..end]
                .iter()
                .filter(|r| !is_blank(r))
                .map(|r| trimmed(r))
                .collect();
            let width = body.iter().map(Vec::len).max().unwrap_or(1);
            for (k, row) in body.iter().enumerate() {
                out.push('|');
                for c in 0..width {
                    let cell = row.get(c).copied().unwrap_or("").trim();
                    let _ = write!(out, " {} |", with_br(&cell.replace('|', "\\|")));
                }
                out.push('\n');
                if k == 0 {
                    out.push('|');
                    out.push_str(&"---|".repeat(width));
                    out.push('\n');
                }
            }
            out.push('\n');
            i = end;
            continue;
        }
        let row = trimmed(&rows[i]);
        if !is_blank(&row) {
            let text = row.join(" ");
            if is_title(&row) && !text.contains('<') {
                let _ = writeln!(out, "## {}\n", text.trim());
            } else {
                let _ = writeln!(out, "{}\n", text.trim());
            }
        }
        i += 1;
    }
    out
}

/// Full-width digits, letters and punctuation, ideographic spaces, CRLF. Cells with markup
/// are left alone (`$\geq 98\%$` is not text), and so is `.` (`．` is only a decimal point
/// between digits in the canonical form, and `1. ` numbers goals).
fn fullwidth(rows: &[Vec<&str>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.contains(['<', '$']) {
                    return (*cell).to_owned();
                }
                cell.chars()
                    .map(|c| match c {
                        '0'..='9' | 'A'..='Z' | 'a'..='z' | '%' | ':' | '(' | ')' | ',' | '-' => {
                            char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
                        }
                        ' ' => '\u{3000}',
                        _ => c,
                    })
                    .collect()
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push_str("\r\n");
    }
    out
}

/// Page breaks inside tables: after the third indicator row of every table, a page foot
/// (page number in one of three styles), a form feed, a running header, and the column
/// headers again (every other break also the title and 年度 again).
fn pagebreaks(rows: &[Vec<&str>]) -> String {
    let mut out = String::new();
    let mut page = 1;
    let mut indicator_rows = 0;
    let mut header: Option<String> = None;
    for row in rows {
        let line = row.join("\t");
        out.push_str(&line);
        out.push('\n');
        let first = row.first().copied().unwrap_or("");
        if first == "名称" {
            header = Some(line.clone());
            indicator_rows = 0;
            continue;
        }
        if header.is_some() && row.len() >= 4 && !is_blank(row) {
            indicator_rows += 1;
            if indicator_rows == 3 {
                let foot = match page % 3 {
                    0 => format!("— {page} —"),
                    1 => format!("第{page}页 共24页"),
                    _ => format!("-{page}-"),
                };
                page += 1;
                let _ = write!(
                    out,
                    "\n{foot}\n\x0C平罗县社会保险事业管理中心 2024年项目支出绩效目标公开\n"
                );
                if page % 2 == 0 {
                    out.push_str("部门项目支出预算绩效目标表\n（2024年度）\n");
                }
                let _ = writeln!(out, "{}", header.as_deref().unwrap_or(""));
            }
        }
    }
    out
}

fn cell_per_line(rows: &[Vec<&str>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<&str> = row
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if cells.is_empty() {
            continue;
        }
        for c in cells {
            let _ = writeln!(out, "{c} |");
        }
        out.push('\n');
    }
    out
}

fn glued(rows: &[Vec<&str>]) -> String {
    let mut out = String::new();
    for row in rows {
        out.push_str(&row.iter().map(|c| c.trim()).collect::<String>());
        out.push('\n');
    }
    out
}
