//! CSV for analysts: one row per indicator, the table's fields repeated on every row.
//!
//! RFC 4180 through the `csv` crate (fields quoted when they hold a comma, a quote or a
//! line break; CRLF is not used, rows end in `\n`, which every reader accepts). Numbers
//! are the exact decimals of the record (`3.43`, `343000000`), never floats. Absent values
//! are empty fields. With `--excel` the file starts with a UTF-8 byte order mark, without
//! which Excel reads the Chinese text as the local code page.

use annex_grammar::{Number, Record, Span};

/// The header row, in column order.
pub(crate) const COLUMNS: [&str; 24] = [
    "path",
    "table",
    "project_name",
    "fiscal_year",
    "department",
    "implementing_unit",
    "funds_unit",
    "funds_total",
    "funds_fiscal",
    "funds_other",
    "level1",
    "level2",
    "level2_note",
    "name",
    "value_text",
    "value_comparator",
    "value_number",
    "value_unit",
    "value_yuan",
    "line_start",
    "line_end",
    "page_start",
    "page_end",
    "sha256",
];

/// The header (after a byte order mark with `excel`).
pub(crate) fn header(excel: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if excel {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::Writer::from_writer(out);
    // Writing to a Vec cannot fail.
    let _ = w.write_record(COLUMNS);
    w.into_inner().unwrap_or_default()
}

/// The rows of some records, without a header.
pub(crate) fn rows(records: &[Record]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for record in records {
        let table = record.source.table.to_string();
        let year = record.fiscal_year.map(|y| y.to_string());
        let p = &record.project;
        let f = &record.funds;
        for ind in &record.indicators {
            let v = &ind.value;
            let (line_start, line_end) = span(ind.lines);
            let (page_start, page_end) = span(ind.pages);
            let row: [&str; 24] = [
                &record.source.path,
                &table,
                opt(p.name.as_ref()),
                opt(year.as_ref()),
                opt(p.department.as_ref()),
                opt(p.implementing_unit.as_ref()),
                opt(f.unit.as_ref()),
                &num(f.total),
                &num(f.fiscal),
                &num(f.other),
                &ind.level1,
                &ind.level2,
                opt(ind.level2_note.as_ref()),
                &ind.name,
                &v.text,
                opt(v.comparator.as_ref()),
                &num(v.number),
                opt(v.unit.as_ref()),
                &num(v.yuan),
                &line_start,
                &line_end,
                &page_start,
                &page_end,
                &record.source.sha256,
            ];
            let _ = w.write_record(row);
        }
    }
    w.into_inner().unwrap_or_default()
}

fn opt<S: AsRef<str>>(s: Option<&S>) -> &str {
    s.map_or("", AsRef::as_ref)
}

fn num(n: Option<Number>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn span(s: Option<Span>) -> (String, String) {
    s.map(|s| (s.start.to_string(), s.end.to_string()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_with_and_without_bom() {
        let plain = String::from_utf8(header(false)).unwrap_or_default();
        assert!(plain.starts_with("path,table,project_name,"));
        assert!(plain.ends_with("sha256\n"));
        let excel = header(true);
        assert_eq!(&excel[..3], b"\xef\xbb\xbf");
        assert_eq!(&excel[3..], plain.as_bytes());
    }

    #[test]
    fn sample_rows_parse_back() {
        let bytes = include_bytes!("../../../samples/pingluo-2024-annex2.txt");
        let parsed = crate::extract_bytes("a,\"b\".txt", bytes);
        let text = rows(&parsed.records);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&text[..]);
        let rows: Vec<csv::StringRecord> =
            reader.records().map(Result::unwrap_or_default).collect();
        assert_eq!(rows.len(), 102);
        assert!(rows.iter().all(|r| r.len() == COLUMNS.len()));
        assert_eq!(&rows[0][0], "a,\"b\".txt");
        assert_eq!(&rows[0][1], "1");
    }
}
