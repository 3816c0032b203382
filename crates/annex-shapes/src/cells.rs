//! One cell per line, rows separated by blank lines, as HTML-to-text converters and some
//! document-site exports print a table. A cell may end in ` |`; a line holding only `|`
//! is an empty cell (a merged cell's place).

use crate::Row;
use crate::source::SrcLine;

pub(crate) fn read(lines: &[SrcLine<'_>]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut current: Option<Row> = None;
    for line in lines {
        if line.is_blank() {
            if let Some(row) = current.take() {
                rows.push(row);
            }
            continue;
        }
        let t = line.text.trim();
        let cell = t.strip_suffix('|').unwrap_or(t).trim_end().to_owned();
        match current.as_mut() {
            Some(row) => {
                row.cells.push(cell);
                row.last = line.number;
            }
            None => current = Some(Row::one(line, vec![cell])),
        }
    }
    rows.extend(current);
    rows
}
