//! One project table: header fields, goals, and the indicator section, read by vocabulary.

use std::borrow::Cow;

use annex_normalize::{Line, Warning, WarningCode, canonical_text, is_canonical};
use rust_decimal::Decimal;

use crate::View;
use crate::checks::{self, LabelSeen};
use crate::model::{
    Attribute, Document, Funds, Indicator, Number, Project, Record, SCHEMA_ID, Source, Span, owned,
};
use crate::value::{ParsedValue, parse_value};
use crate::vocab::{self, HeaderLabel, LabelRef};

/// What a table parse needs besides its lines.
pub(crate) struct TableContext<'a> {
    /// The input's path and hash, borrowed by every record of the input.
    pub path: &'a str,
    pub sha256: &'a str,
    pub ordinal: u32,
    pub document: Document<'a>,
    pub paged: bool,
}

/// A non-empty cell of a line, with its column index as printed (a hint for warnings only).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell<'a> {
    pub col: usize,
    pub text: &'a str,
}

/// An indicator row being assembled; it may still grow (a continued name, a late value).
#[derive(Debug)]
struct Row<'a> {
    level1: &'static str,
    level2: &'static str,
    note: Option<Cow<'static, str>>,
    /// Borrowed from the line when the name is one cell; owned exactly when it was
    /// joined from several cells or lines (until `finish` splits a value off it). A name
    /// from one cell is in canonical form already (every front end hands the grammar
    /// canonical cells, and the canonical form is idempotent); a joined one must be
    /// canonicalized again, since the join can put a bracket or a space next to new
    /// neighbours. (No flag says so: the row stays at 128 bytes, moved without a call
    /// to `memcpy`.)
    name: Cow<'a, str>,
    /// The 指标值 cell, borrowed from the line (owned only when split off a name).
    value: Option<Cow<'a, str>>,
    /// `parse_value(value)`, when it was parsed already (to see whether a cell alone on
    /// its line is a value): `finish` does not parse it again.
    parsed: Option<Box<ParsedValue<'a>>>,
    first: usize,
    last: usize,
}

/// The text fields whose pieces are tracked (`State::whole_cell`), by index.
#[derive(Debug, Clone, Copy)]
enum Piece {
    Name = 0,
    Unit = 1,
    Period = 2,
    Goals = 3,
}

/// The text field a header line without a label continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextField {
    Name,
    Department,
    Unit,
    Goals,
}

#[derive(Debug, Default)]
struct State<'a> {
    warnings: Vec<Warning>,
    project: Project<'a>,
    funds: Funds<'a>,
    /// The 年度总体目标 text: borrowed while it is one piece of a line, owned once joined.
    goals_text: Cow<'a, str>,
    goals_line: Option<usize>,
    fiscal_year: Option<i32>,
    in_indicators: bool,
    seen_column_header: bool,
    last_text_field: Option<TextField>,
    level1: Option<&'static str>,
    level2: Option<&'static str>,
    /// The current 二级 label's note: borrowed when it is one of [`COMMON_NOTES`], so
    /// that the rows under it share it without a copy each.
    note: Option<Cow<'static, str>>,
    /// A cut label waiting for its tail (`效益指` … `标`): full label, fragment, line index.
    pending_fragment: Option<(&'static str, String, usize)>,
    /// A 二级 note cut by a break (`（必` … `填）`): its start, and the line index.
    pending_note: Option<(String, usize)>,
    labels: Vec<LabelSeen<'static>>,
    /// How each text field (name, implementing unit, period, goals; see `Piece`) was
    /// filled: `Some(true)` from exactly one whole cell, which is in canonical form
    /// already (every front end hands the grammar canonical cells, and the canonical
    /// form is idempotent), so `finish` need not canonicalize it again; `Some(false)`
    /// from part of a cell or from several pieces; `None` not at all.
    whole_cell: [Option<bool>; 4],
    rows: Vec<Row<'a>>,
}

/// Parse one table. `lines[0]` is its title line; the slice ends where the next table (or
/// the input) does. Never fails.
///
/// `view` holds the same lines split into cells (shared with segmentation).
/// `scratch` lends the vectors of rows and labels, emptied, and gets them back emptied
/// (an input's tables reuse their room rather than allocating and freeing it per table).
pub(crate) fn parse_table<'a>(
    lines: &[Line],
    view: &View<'_, 'a>,
    stray: Vec<Warning>,
    ctx: TableContext<'a>,
    scratch: &mut Scratch<'a>,
) -> Record<'a> {
    // Room for what a table usually holds, so that the vectors do not grow step by step:
    // at most one row per line, a few labels and warnings.
    let warnings = if stray.is_empty() {
        Vec::with_capacity(8)
    } else {
        let mut w = stray;
        w.reserve(8);
        w
    };
    let mut rows = std::mem::take(&mut scratch.rows);
    rows.clear();
    rows.reserve(lines.len());
    let mut labels = std::mem::take(&mut scratch.labels);
    labels.clear();
    labels.reserve(16);
    let mut st = State {
        warnings,
        labels,
        rows,
        ..State::default()
    };
    let form = if lines.is_empty() {
        Cow::Borrowed("")
    } else {
        view.joined_for_record(0)
    };
    let mut titles_seen = 1usize;
    let mut last_nonblank = 0usize;

    for (idx, line) in lines.iter().enumerate().skip(1) {
        let cs = view.cells(idx);
        if cs.is_empty() {
            continue;
        }
        last_nonblank = idx;
        // The joined text is asked for only where it is quoted or read: furniture
        // (kept, so borrowed) and header continuations.
        let furniture = view.furniture(idx);
        if furniture.page_number {
            st.warn(
                WarningCode::PageFurniture,
                line,
                concat(&["page number `", &view.joined(idx), "` dropped"]),
            );
            continue;
        }
        if furniture.title {
            titles_seen += 1;
            st.warn(
                WarningCode::DuplicateHeader,
                line,
                concat(&[
                    "form title `",
                    &view.joined(idx),
                    "` printed again (a page header): dropped",
                ]),
            );
            continue;
        }
        if let Some(year) = furniture.year {
            if st.fiscal_year.is_some() || titles_seen > 1 {
                st.warn(
                    WarningCode::DuplicateHeader,
                    line,
                    concat(&[
                        "年度 line `",
                        &view.joined(idx),
                        "` printed again (a page header): dropped",
                    ]),
                );
                if st.fiscal_year.is_none() {
                    st.fiscal_year = Some(year);
                }
            } else {
                st.fiscal_year = Some(year);
            }
            continue;
        }
        let first = cs[0].text;
        let lead = view.lead(idx);
        let starts_indicators =
            lead.column_header || lead.label.is_some() || vocab::label_prefix_ref(first).is_some();
        if !st.in_indicators && starts_indicators {
            st.in_indicators = true;
        }
        // Inside the indicator section a header label counts only as a whole cell: a
        // 三级指标 such as `财政拨款到位率` merely starts like one.
        let is_header = lead.header.is_some_and(|h| !st.in_indicators || h.alone());
        if is_header && !starts_indicators {
            st.header_line(idx, line, cs, lead.header);
        } else if st.in_indicators {
            st.indicator_line(idx, lines, cs, lead.label, lead.column_header);
        } else {
            st.header_continuation(line, cs, &view.joined(idx));
        }
    }
    st.finish(lines, form, last_nonblank, ctx, scratch)
}

/// The vectors a table parse fills and empties, kept from one table of an input to the
/// next ([`parse_table`]).
#[derive(Debug, Default)]
pub(crate) struct Scratch<'a> {
    rows: Vec<Row<'a>>,
    labels: Vec<LabelSeen<'static>>,
}

/// `parts` joined into a `String` of exactly their length: what `format!` writes for
/// literal and `{}` pieces, without its machinery (warnings are made for many lines).
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 10);
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `parts`, then `n` in decimal, then `tail`.
/// `parts`, then `n` in decimal, then `tail`, in one allocation (a `u64` has at most
/// 20 digits).
fn with_number(parts: &[&str], n: impl Into<u64>, tail: &[&str]) -> String {
    let len = |ps: &[&str]| ps.iter().map(|p| p.len()).sum::<usize>();
    let mut s = String::with_capacity(len(parts) + 20 + len(tail));
    for p in parts {
        s.push_str(p);
    }
    checks::push_int(&mut s, n.into());
    for p in tail {
        s.push_str(p);
    }
    s
}

fn parse_amount(cell: &str) -> Option<Decimal> {
    // `t.trim_end_matches("万元")` as a loop of `strip_suffix`: the same, without a
    // substring searcher set up for each amount.
    let unit = |mut t: &str| -> Option<Decimal> {
        while let Some(rest) = t.strip_suffix("万元") {
            t = rest;
        }
        crate::value::decimal_from_str(t.trim_end_matches('元'))
    };
    // Most amounts print no separator: read in place, without a copy.
    if !cell.contains([',', '，', ' ']) {
        return unit(cell);
    }
    let t: String = cell
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    unit(&t)
}

fn span(lines: &[Line], first: usize, last: usize) -> (Span, Option<Span>) {
    let top = lines.len().saturating_sub(1);
    let (head, tail) = (&lines[first.min(top)], &lines[last.min(top)]);
    let by_line = Span {
        start: head.first,
        end: tail.last.max(head.first),
    };
    let by_page = match (head.page, tail.page) {
        (Some(start), Some(end)) => Some(Span {
            start,
            end: end.max(start),
        }),
        _ => None,
    };
    (by_line, by_page)
}

/// The notes the forms print after a 二级指标, borrowed by the labels that print one.
const COMMON_NOTES: &[&str] = &["必填", "必填硬性指标", "必填指标", "选填", "硬性指标"];

/// Whether each of [`COMMON_NOTES`] holds `必填` (a test checks it).
const COMMON_NOTES_REQUIRED: [bool; 5] = [true, true, true, false, false];

/// A 二级 note as the record holds it: borrowed when it is one of [`COMMON_NOTES`]
/// (the same text either way), else copied.
#[cfg(test)]
fn note_text(note: &str) -> Cow<'static, str> {
    common_note(note).map_or_else(|| Cow::Owned(note.to_owned()), Cow::Borrowed)
}

/// `note` as one of [`COMMON_NOTES`], if it is one.
fn common_note(note: &str) -> Option<&'static str> {
    common_note_index(note).map(|k| COMMON_NOTES[k])
}

/// The index of `note` in [`COMMON_NOTES`], if it is one.
fn common_note_index(note: &str) -> Option<usize> {
    COMMON_NOTES.iter().position(|n| *n == note)
}

/// `read(cs[k])` where a cut label can be: not in a row's last cell, and only in a cell
/// that starts like a label (what both cut-label readers ask first; a test checks it).
fn cut_reading<'c, T>(cs: &[Cell<'c>], k: usize, read: impl Fn(&'c str) -> Option<T>) -> Option<T> {
    let cell = cs.get(k)?.text;
    (k + 1 < cs.len() && vocab::starts_like_label(cell))
        .then(|| read(cell))
        .flatten()
}

/// Whether every cell is a column header. Not inlined: the caller asks only when the
/// first cell is one (rare), and inlined the test of the next cell was run for every
/// row whatever the guard said.
#[inline(never)]
fn all_column_headers(cs: &[Cell<'_>]) -> bool {
    cs.iter().all(|c| vocab::is_column_header(c.text))
}

/// Does this name stop mid-sentence, so that text on the next line continues it?
fn ends_mid_sentence(name: &str) -> bool {
    name.ends_with(['，', '、', '；', '：', '（', ',', '(', '—', '-'])
}

/// A cell short and shaped like a 指标值 (a quantity, a range, a date, or a short word).
/// `parsed` is `parse_value(cell)`.
fn is_value_like(cell: &str, parsed: &ParsedValue) -> bool {
    let v = &parsed.value;
    v.number.is_some()
        || v.comparator.is_some()
        || v.range.is_some()
        || parsed.unreadable.is_some()
        || (cell.chars().count() <= 8
            && !cell.contains(['，', '。', '；', '、', '：'])
            && !cell.is_ascii())
        || is_date_like(cell)
}

/// A date or deadline (`2024年12月31日前`, `2024年底`): a value with no number to parse.
fn is_date_like(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_digit())
        && cell.chars().count() <= 16
        && !cell.contains(['，', '。', '；', '、'])
        && (cell.contains(['年', '月', '日']) || cell.ends_with(['前', '底', '内']))
}

/// Split `开通网上申报单位覆盖率，调查达到≥98%` into name and value, where a cell holds both.
///
/// Only a suffix that is unmistakably a value splits: a number with a comparator before it,
/// a percent sign after it, or an unmatched closing bracket before it (an unreadable
/// comparator, `达) 95%`). A name that merely ends in digits (`人数2018年`) never splits.
pub(crate) fn split_trailing_value(cell: &str) -> Option<(String, String)> {
    // Read in place: an ASCII digit or dot is one byte, and no byte of a longer
    // character is one, so the number's bounds are found by bytes (a proptest compares
    // this with the first version, which collected the characters).
    let bytes = cell.as_bytes();
    let last_digit = bytes.iter().rposition(u8::is_ascii_digit)?;
    let unit = &cell[last_digit + 1..];
    if !unit_may_follow_value(unit) {
        return None;
    }
    let mut start = last_digit;
    while start > 0 && matches!(bytes[start - 1], b'0'..=b'9' | b'.') {
        start -= 1;
    }
    split_before_number(cell, unit, start)
}

/// Can `unit` (what follows the last digit of a cell) end a value: `%`, or up to three
/// characters with no sentence punctuation, closing bracket or 年?
fn unit_may_follow_value(unit: &str) -> bool {
    unit.trim() == "%"
        || (unit.chars().count() <= 3
            && !unit
                .chars()
                .any(|c| matches!(c, '，' | '。' | '；' | '、' | '）' | ')' | '年')))
}

/// The split of [`split_trailing_value`] once the number is found: it starts at byte
/// `start` of `cell` and `unit` follows it. The split holds only when the number has a
/// comparator before it, a percent sign after it, or an unmatched closing bracket before it.
fn split_before_number(cell: &str, unit: &str, start: usize) -> Option<(String, String)> {
    let before = cell[..start].trim_end();
    let mut has_cmp = false;
    let mut prefix = before;
    if let Some(p) = crate::value::strip_comparator_suffix(before) {
        prefix = p.trim_end();
        has_cmp = true;
    }
    let mut has_mark = false;
    if !has_cmp {
        if let Some(c) = before.chars().last() {
            let unmatched = match c {
                ')' => !before.contains('('),
                '）' => !before.contains('（'),
                ']' | '】' | '》' | '|' => true,
                _ => false,
            };
            if unmatched {
                prefix = &before[..before.len() - c.len_utf8()];
                has_mark = true;
            }
        }
    }
    if !(has_cmp || has_mark || unit.trim() == "%") {
        return None;
    }
    let name = prefix.trim_end();
    if name.is_empty() {
        return None;
    }
    let value = cell[name.len()..].trim();
    Some((name.to_owned(), value.to_owned()))
}

impl<'a> State<'a> {
    fn warn(&mut self, code: WarningCode, line: &Line, message: String) {
        self.warnings.push(Warning {
            code,
            message,
            line: Some(line.first),
            page: line.page,
        });
    }

    /// `first`: the first cell's header label, as the line's `Lead` read it.
    fn header_line(
        &mut self,
        idx: usize,
        line: &Line,
        cs: &[Cell<'a>],
        first: Option<crate::HeaderLead<'a>>,
    ) {
        // Labels are read without their `Funds` unit (`assign` does not look at it): the
        // unit goes straight to `funds.unit`, and the label is neither copied nor cloned.
        let mut current: Option<HeaderLabel> = None;
        for (k, cell) in cs.iter().enumerate() {
            // The first cell was read by the line's `Lead` (the same reader).
            let read = match first {
                Some(h) if k == 0 => Some(h.read()),
                _ => vocab::header_label_ref(cell.text),
            };
            if let Some((label, unit, rest)) = read {
                if let HeaderLabel::Funds(_) = &label {
                    self.funds.unit = unit.map(Cow::Borrowed);
                }
                if label == HeaderLabel::Goals {
                    self.goals_line.get_or_insert(idx);
                }
                self.last_text_field = match label {
                    HeaderLabel::Name => Some(TextField::Name),
                    HeaderLabel::Department => Some(TextField::Department),
                    HeaderLabel::ImplementingUnit => Some(TextField::Unit),
                    HeaderLabel::Goals => Some(TextField::Goals),
                    _ => None,
                };
                if !rest.is_empty() {
                    self.assign(&label, rest, line, false);
                }
                current = Some(label);
            } else if let Some(label) = &current {
                self.assign(label, cell.text, line, true);
            } else {
                self.unparsed(line, cell.text);
            }
        }
    }

    /// Note that text field `field` got a piece (`whole`: a whole cell).
    fn piece(&mut self, field: Piece, whole: bool) {
        let slot = &mut self.whole_cell[field as usize];
        *slot = Some(slot.is_none() && whole);
    }

    /// `whole`: `text` is a whole cell (not the rest of a label's cell).
    fn assign(&mut self, label: &HeaderLabel, text: &'a str, line: &Line, whole: bool) {
        // Joined raw; canonicalized once in `finish` (re-canonicalizing on every
        // continuation would be quadratic on hostile input).
        fn append<'a>(field: &mut Option<Cow<'a, str>>, text: &'a str) {
            match field {
                Some(f) => f.to_mut().push_str(text),
                // The first piece: borrowed (most fields have one).
                None => *field = Some(Cow::Borrowed(text)),
            }
        }
        match label {
            HeaderLabel::Name => {
                append(&mut self.project.name, text);
                self.piece(Piece::Name, whole);
            }
            HeaderLabel::Department => self.department(text),
            HeaderLabel::ImplementingUnit => {
                append(&mut self.project.implementing_unit, text);
                self.piece(Piece::Unit, whole);
            }
            HeaderLabel::Period => {
                append(&mut self.project.period, text);
                self.piece(Piece::Period, whole);
            }
            // A second 项目属性 cell must not silently replace the first: keep the first,
            // report the other with its text.
            HeaderLabel::Attribute if self.project.attribute.is_some() => self.warn(
                WarningCode::UnparsedLine,
                line,
                format!("second 项目属性 `{text}` not read: the first one is kept"),
            ),
            HeaderLabel::Attribute => self.project.attribute = Some(attribute(text)),
            HeaderLabel::Goals => {
                if self.goals_text.is_empty() {
                    self.goals_text = Cow::Borrowed(text);
                } else {
                    self.goals_text.to_mut().push_str(text);
                }
                self.piece(Piece::Goals, whole);
            }
            HeaderLabel::Funds(_) => {
                // `项目资金（万元）	14500`: a number straight after the funds label is the total.
                if let (Some(d), None) = (parse_amount(text), self.funds.total) {
                    self.funds.total = Some(Number(d));
                } else {
                    self.unparsed(line, text);
                }
            }
            HeaderLabel::Total | HeaderLabel::Fiscal | HeaderLabel::Other => {
                let slot = match label {
                    HeaderLabel::Total => &mut self.funds.total,
                    HeaderLabel::Fiscal => &mut self.funds.fiscal,
                    _ => &mut self.funds.other,
                };
                if let Some(d) = parse_amount(text) {
                    if slot.is_none() {
                        *slot = Some(Number(d));
                        return;
                    }
                }
                self.warn(
                    WarningCode::BadNumber,
                    line,
                    concat(&["`", text, "` is not an amount; the field is left null"]),
                );
            }
        }
    }

    /// 主管部门及代码: the department, and a code when one is printed (`123001` in its own
    /// cell, or before/after the name). `text` is a slice of a line's cell, so the code and
    /// a name the scan finds canonical are kept as slices of it.
    fn department(&mut self, text: &'a str) {
        self.department_with(text, Cow::Borrowed);
    }

    /// [`Self::department`] of a text that lives less long than the lines (a continuation
    /// line's cells joined): what is kept of it is copied.
    fn department_owned(&mut self, text: &str) {
        self.department_with(text, |s| Cow::Owned(s.to_owned()));
    }

    /// [`Self::department`], `keep` making the record's text of a slice of `text`.
    fn department_with<'t>(&mut self, text: &'t str, keep: impl Fn(&'t str) -> Cow<'a, str>) {
        let is_code = |s: &str| s.len() >= 3 && s.chars().all(|c| c.is_ascii_digit());
        let t = text.trim_matches(|c| matches!(c, '[' | ']' | '【' | '】'));
        if is_code(t) {
            self.project.department_code = Some(keep(t));
            return;
        }
        // The leading and trailing runs of ASCII digits, as slices: a digit is one byte,
        // and no byte of a longer character is an ASCII digit.
        let digits =
            |bytes: &mut dyn Iterator<Item = &u8>| bytes.take_while(|b| b.is_ascii_digit()).count();
        let lead = &t[..digits(&mut t.as_bytes().iter())];
        let trail = &t[t.len() - digits(&mut t.as_bytes().iter().rev())..];
        let (code, name) = if is_code(lead) {
            (
                Some(lead),
                t[lead.len()..].trim_matches(|c| "-—_ ［］[]【】".contains(c)),
            )
        } else if is_code(trail) {
            let base = &t[..t.len() - trail.len()];
            (
                Some(trail),
                base.trim_matches(|c| "-—_ （）()［］[]【】".contains(c)),
            )
        } else {
            (None, t)
        };
        if let Some(code) = code {
            self.project.department_code = Some(keep(code));
        }
        if !name.is_empty() {
            // The first piece is canonicalized as it is, without a joined copy, and kept
            // as it is when the scan finds it canonical (exact: then it is its canonical
            // form).
            let joined = match self.project.department.as_deref() {
                None if is_canonical(name) => keep(name),
                None => Cow::Owned(canonical_text(name)),
                Some(before) => {
                    let mut joined = String::with_capacity(before.len() + name.len());
                    joined.push_str(before);
                    joined.push_str(name);
                    Cow::Owned(canonical_text(&joined))
                }
            };
            self.project.department = Some(joined);
        }
    }

    fn header_continuation(&mut self, line: &Line, cs: &[Cell<'_>], text: &str) {
        // `text` is the line's cells joined: a whole cell when there is one.
        let whole = cs.len() == 1;
        match self.last_text_field {
            Some(field) => {
                let what = match field {
                    TextField::Name => {
                        self.project
                            .name
                            .get_or_insert_with(Cow::default)
                            .to_mut()
                            .push_str(text);
                        self.piece(Piece::Name, whole);
                        "项目名称"
                    }
                    TextField::Department => {
                        self.department_owned(text);
                        "主管部门"
                    }
                    TextField::Unit => {
                        let unit = self
                            .project
                            .implementing_unit
                            .get_or_insert_with(Cow::default);
                        unit.to_mut().push_str(text);
                        self.piece(Piece::Unit, whole);
                        "实施单位"
                    }
                    TextField::Goals => {
                        self.goals_text.to_mut().push_str(text);
                        self.piece(Piece::Goals, whole);
                        "年度总体目标"
                    }
                };
                self.warn(
                    WarningCode::ContinuedName,
                    line,
                    concat(&["line without a label read as the continuation of ", what]),
                );
            }
            None => {
                for c in cs {
                    self.unparsed(line, c.text);
                }
            }
        }
    }

    fn unparsed(&mut self, line: &Line, text: &str) {
        self.warn(
            WarningCode::UnparsedLine,
            line,
            concat(&["unparsed text: `", &crate::quote(text), "`"]),
        );
    }

    /// `first_label`, `first_header`: the first cell's label (`vocab::classify`) and
    /// whether it is a column header, known from segmentation.
    fn indicator_line(
        &mut self,
        idx: usize,
        lines: &[Line],
        cs: &[Cell<'a>],
        first_label: Option<LabelRef<'a>>,
        first_header: bool,
    ) {
        let line = &lines[idx];
        // `first_header`: whether the first cell is a column header (segmentation asked);
        // when it is not, not every cell is one, and when it is, the others are asked.
        if first_header && cs.get(1..).is_some_and(all_column_headers) {
            if self.seen_column_header {
                self.warn(
                    WarningCode::DuplicateHeader,
                    line,
                    "indicator column headers printed again (a page break): dropped".into(),
                );
            }
            self.seen_column_header = true;
            return;
        }
        // The data of a row is every cell from the first one that is no label on: an index
        // into `cs` rather than a copy of its cells.
        let mut data_from: Option<usize> = None;
        let mut saw_label = false;
        let mut joined_fragment = false;
        // Each cell is classified once: the label of the next cell, needed to read this
        // one, is the current label of the next round.
        let mut current = first_label;
        for (k, cell) in cs.iter().enumerate() {
            if data_from.is_some() {
                break;
            }
            let next = cs.get(k + 1).and_then(|c| vocab::classify(c.text));
            let next_is_level2 = matches!(next, Some(LabelRef::Level2 { .. }));
            let next_is_label = next.is_some();
            if let Some(label) = std::mem::replace(&mut current, next) {
                self.apply_label(label, next_is_level2, line);
                saw_label = true;
            } else if let Some(full) = cut_reading(cs, k, vocab::label_prefix_ref).filter(|_| {
                // A cut label is followed by another label (`效益指	社会效益指标`) or is
                // cut right before its last character; a name that merely starts like a
                // label (`满意度	≥98%`) is not one.
                next_is_label || cell.text.ends_with('指')
            }) {
                if let Some(label) = vocab::classify(full) {
                    self.apply_label(label, next_is_level2, line);
                }
                self.pending_fragment = Some((full, cell.text.to_owned(), idx));
                saw_label = true;
            } else if let Some((name, head)) = cut_reading(cs, k, vocab::level2_open_note_ref) {
                let note = Some(head).filter(|h| !h.is_empty());
                self.apply_label(LabelRef::Level2 { name, note }, false, line);
                self.pending_note = Some((head.to_owned(), idx));
                saw_label = true;
            } else if let Some((head, at)) = self
                .pending_note
                .clone()
                .filter(|_| cell.text.chars().count() <= 8 && cell.text.ends_with(['）', ')']))
            {
                self.pending_note = None;
                joined_fragment = true;
                let tail = cell.text.trim_end_matches(['）', ')']);
                let note = format!("{head}{tail}");
                let first_line = lines[at].first;
                self.warn(
                    WarningCode::JoinedLabel,
                    line,
                    format!(
                        "note `（{head}` (line {first_line}) and `{}` joined into `（{note}）`",
                        cell.text
                    ),
                );
                self.complete_note(&head, note);
            } else if let Some((full, head, at)) = self
                .pending_fragment
                .clone()
                .filter(|(full, head, _)| full.strip_prefix(head.as_str()) == Some(cell.text))
            {
                self.pending_fragment = None;
                joined_fragment = true;
                let first_line = lines[at].first;
                self.warn(
                    WarningCode::JoinedLabel,
                    line,
                    format!(
                        "label `{head}` (line {first_line}) and `{}` joined into `{full}`",
                        cell.text
                    ),
                );
            } else {
                data_from = Some(k);
            }
        }
        let data = data_from.map_or(&[][..], |k| &cs[k..]);
        self.place_data(idx, lines, data, saw_label, joined_fragment);
    }

    /// A cut note is whole again: the label, and the rows read under it, get the full note.
    fn complete_note(&mut self, head: &str, note: String) {
        let note = common_note(&note).map_or(Cow::Owned(note), Cow::Borrowed);
        let head = Some(head.to_owned()).filter(|h| !h.is_empty());
        if let Some(label) = self.labels.last_mut() {
            label.required = note.contains("必填");
        }
        for row in self.rows.iter_mut().rev() {
            if row.note.as_deref() != head.as_deref() || self.level2 != Some(row.level2) {
                break;
            }
            row.note = Some(note.clone());
        }
        self.note = Some(note);
    }

    fn apply_label(&mut self, label: LabelRef<'_>, next_is_level2: bool, line: &Line) {
        match label {
            LabelRef::Section => {}
            LabelRef::Level1(l1) => {
                self.level1 = Some(l1);
                self.level2 = None;
                self.note = None;
            }
            // `成本指标` followed by a 二级 label on its row is the newer templates' 一级.
            LabelRef::Level2 { name, note }
                if name == "成本指标" && note.is_none() && next_is_level2 =>
            {
                self.level1 = Some(name);
                self.level2 = None;
                self.note = None;
            }
            LabelRef::Level2 { name, note } => {
                // A common note is looked up once, for its text and whether it holds
                // `必填` (known per common note, a test checks it).
                let (text, required) = match note.map(|n| (n, common_note_index(n))) {
                    None => (None, false),
                    Some((_, Some(k))) => (
                        Some(Cow::Borrowed(COMMON_NOTES[k])),
                        COMMON_NOTES_REQUIRED[k],
                    ),
                    Some((n, None)) => (Some(Cow::Owned(n.to_owned())), n.contains("必填")),
                };
                self.labels.push(LabelSeen {
                    level1: self.level1.unwrap_or_default(),
                    level2: name,
                    required,
                    line: Some(line.first),
                });
                self.level2 = Some(name);
                self.note = text;
            }
        }
    }

    fn new_row(&mut self, idx: usize, name: Cow<'a, str>, value: Option<Cow<'a, str>>) {
        self.rows.push(Row {
            level1: self.level1.unwrap_or_default(),
            level2: self.level2.unwrap_or_default(),
            note: self.note.clone(),
            name,
            value,
            parsed: None,
            first: idx,
            last: idx,
        });
    }

    fn place_data(
        &mut self,
        idx: usize,
        lines: &[Line],
        data: &[Cell<'a>],
        saw_label: bool,
        joined_fragment: bool,
    ) {
        let line = &lines[idx];
        match data {
            [] => {}
            [only] => {
                let cell = only.text;
                let last = self.rows.last();
                let awaiting_value = last.is_some_and(|r| r.value.is_none());
                let continues = last.is_some_and(|r| ends_mid_sentence(&r.name)) || joined_fragment;
                let parsed = (!saw_label && awaiting_value)
                    .then(|| Box::new(parse_value(cell)))
                    .filter(|p| is_value_like(cell, p));
                if let Some(parsed) = parsed {
                    if let Some(row) = self.rows.last_mut() {
                        row.value = Some(Cow::Borrowed(cell));
                        row.parsed = Some(parsed);
                        row.last = idx;
                        let from = lines[row.first].first;
                        self.warn(
                            WarningCode::ValueFromNextLine,
                            line,
                            with_number(
                                &[
                                    "value `",
                                    cell,
                                    "` alone on its line, joined to the row of line ",
                                ],
                                from,
                                &[],
                            ),
                        );
                    }
                } else if !saw_label && continues && self.rows.last().is_some() {
                    if let Some(row) = self.rows.last_mut() {
                        row.name.to_mut().push_str(cell);
                        row.last = idx;
                        let from = lines[row.first].first;
                        self.warn(
                            WarningCode::ContinuedName,
                            line,
                            with_number(
                                &["`", cell, "` continues the 三级指标 of line "],
                                from,
                                &[],
                            ),
                        );
                    }
                } else {
                    self.shifted(saw_label, only, line, cell);
                    self.new_row(idx, Cow::Borrowed(cell), None);
                }
            }
            [names @ .., value] => {
                let name = if let [one] = names {
                    Cow::Borrowed(one.text)
                } else {
                    // Sized once, rather than grown cell by cell by `collect`.
                    let mut name = String::with_capacity(names.iter().map(|c| c.text.len()).sum());
                    for c in names {
                        name.push_str(c.text);
                    }
                    Cow::Owned(name)
                };
                if names.len() > 1 {
                    self.warn(
                        WarningCode::SplitCell,
                        line,
                        with_number(
                            &["三级指标 spread over "],
                            // A `usize` fits a `u64` on every target Rust supports.
                            u64::try_from(names.len()).unwrap_or(u64::MAX),
                            &[" cells, joined: `", &name, "`"],
                        ),
                    );
                }
                self.shifted(saw_label, &names[0], line, &name);
                // `name` is owned exactly when it was joined from several cells.
                self.new_row(idx, name, Some(Cow::Borrowed(value.text)));
            }
        }
    }

    /// A row with no labels whose name sits in the 名称 or 一级 column lost its leading
    /// cells: its levels are inherited, which a person may want to review.
    fn shifted(&mut self, saw_label: bool, first: &Cell<'_>, line: &Line, name: &str) {
        if !saw_label && first.col <= 1 && !self.rows.is_empty() {
            let (l1, l2) = (
                self.level1.unwrap_or_default(),
                self.level2.unwrap_or_default(),
            );
            self.warn(
                WarningCode::ShiftedRow,
                line,
                concat(&[
                    "row `",
                    name,
                    "` lost its leading cells; levels inherited: ",
                    l1,
                    " / ",
                    l2,
                ]),
            );
        }
    }

    fn finish(
        mut self,
        lines: &[Line],
        form: Cow<'a, str>,
        last: usize,
        ctx: TableContext<'a>,
        scratch: &mut Scratch<'a>,
    ) -> Record<'a> {
        if let Some((head, at)) = self.pending_note.take() {
            self.warn(
                WarningCode::JoinedLabel,
                &lines[at],
                format!("note `（{head}` is not closed (its tail was not found)"),
            );
        }
        if let Some((full, head, at)) = self.pending_fragment.take() {
            self.warn(
                WarningCode::JoinedLabel,
                &lines[at],
                format!("label `{head}` completed to `{full}` (its tail was not found)"),
            );
        }
        let mut rows = std::mem::take(&mut self.rows);
        let mut indicators = Vec::with_capacity(rows.len());
        for mut row in rows.drain(..) {
            // Owned: joined (see `Row::name`).
            if let Cow::Owned(name) = &row.name {
                row.name = Cow::Owned(canonical_text(name));
            }
            let line = &lines[row.first];
            if row.level1.is_empty() || row.level2.is_empty() {
                self.warn(
                    WarningCode::MissingField,
                    line,
                    concat(&["row `", &row.name, "` has no 一级/二级指标 above it"]),
                );
            }
            if row.value.is_none() {
                if let Some((name, value)) = split_trailing_value(&row.name) {
                    self.warn(
                        WarningCode::SplitCell,
                        line,
                        concat(&[
                            "name and value in one cell, split into `",
                            &name,
                            "` and `",
                            &value,
                            "`",
                        ]),
                    );
                    row.name = Cow::Owned(name);
                    row.value = Some(Cow::Owned(value));
                } else {
                    self.warn(
                        WarningCode::MissingValue,
                        line,
                        concat(&["no 指标值 found for `", &row.name, "`"]),
                    );
                }
            }
            // The value is set once (never replaced), so a parse made when it was set is
            // its parse.
            let parsed = match row.parsed.take() {
                Some(parsed) => *parsed,
                None => match &row.value {
                    Some(Cow::Borrowed(cell)) => parse_value(cell),
                    // Split off a name: owned here, so its parse owns its text too.
                    Some(Cow::Owned(cell)) => parse_value(cell).into_owned(),
                    None => parse_value(""),
                },
            };
            if let Some(mark) = &parsed.unreadable {
                self.warn(
                    WarningCode::UnreadableMark,
                    &lines[row.last],
                    concat(&[
                        "unreadable mark `",
                        mark,
                        "` before `",
                        &parsed.value.text,
                        "` in `",
                        row.value.as_deref().unwrap_or(""),
                        "`: comparator left null",
                    ]),
                );
            }
            let (l, p) = span(lines, row.first, row.last);
            indicators.push(Indicator {
                level1: Cow::Borrowed(row.level1),
                level2: Cow::Borrowed(row.level2),
                level2_note: row.note,
                name: row.name,
                value: parsed.value,
                lines: (!ctx.paged).then_some(l),
                pages: if ctx.paged { p } else { None },
            });
        }

        let canonical = self.whole_cell[Piece::Goals as usize] == Some(true);
        let (goals, goal_numbers) = match &self.goals_text {
            // Borrowed from the line: so are the goals cut from it.
            &Cow::Borrowed(text) => split_goals(text, canonical),
            Cow::Owned(text) => {
                let (goals, numbers) = split_goals(text, canonical);
                (goals.into_iter().map(owned).collect(), numbers)
            }
        };
        // Numbered, but not 1, 2, 3 … (compared without building the expected list).
        if goal_numbers.iter().any(Option::is_some)
            && !goal_numbers
                .iter()
                .copied()
                .eq((1..=goal_numbers.len() as u32).map(Some))
        {
            let shown: Vec<String> = goal_numbers
                .iter()
                .map(|n| n.map_or_else(|| "none".to_owned(), |n| n.to_string()))
                .collect();
            let at = self.goals_line.unwrap_or(0);
            self.warn(
                WarningCode::GoalNumbering,
                &lines[at.min(lines.len().saturating_sub(1))],
                format!("goals numbered {}", shown.join(", ")),
            );
        }
        self.missing_fields(lines);
        // The department is canonical already (`department` canonicalizes what it
        // joins); a field from one whole cell is too.
        let whole = self.whole_cell;
        for (field, piece) in [
            (&mut self.project.name, Piece::Name),
            (&mut self.project.implementing_unit, Piece::Unit),
            (&mut self.project.period, Piece::Period),
        ] {
            if let Some(field) = field
                .as_mut()
                .filter(|_| whole[piece as usize] != Some(true))
            {
                *field = Cow::Owned(canonical_text(field));
            }
        }

        let checks = checks::run_with(
            &self.funds,
            &indicators,
            &goal_numbers,
            self.labels.iter().copied(),
        );
        scratch.rows = rows;
        scratch.labels = std::mem::take(&mut self.labels);
        let (l, p) = span(lines, 0, last);
        let mut warnings = self.warnings;
        sort_by_position(&mut warnings);
        if ctx.paged {
            for w in &mut warnings {
                w.line = None;
            }
        }
        Record {
            schema: Cow::Borrowed(SCHEMA_ID),
            source: Source {
                path: Cow::Borrowed(ctx.path),
                sha256: Cow::Borrowed(ctx.sha256),
                table: ctx.ordinal,
                lines: (!ctx.paged).then_some(l),
                pages: if ctx.paged { p } else { None },
            },
            document: ctx.document,
            form,
            fiscal_year: self.fiscal_year,
            project: self.project,
            funds: self.funds,
            goals,
            indicators,
            checks,
            warnings,
        }
    }

    fn missing_fields(&mut self, lines: &[Line]) {
        let title = &lines[0];
        let mut missing = Vec::new();
        if self.project.name.is_none() {
            missing.push("项目名称");
        }
        if self.project.department.is_none() {
            missing.push("主管部门");
        }
        if self.project.implementing_unit.is_none() {
            missing.push("实施单位");
        }
        if self.funds.total.is_none() {
            missing.push("年度资金总额");
        }
        if vocab::trim(&self.goals_text).is_empty() {
            missing.push("年度总体目标");
        }
        if self.fiscal_year.is_none() {
            missing.push("年度");
        }
        for m in missing {
            self.warn(
                WarningCode::MissingField,
                title,
                concat(&[m, " not found in this table"]),
            );
        }
    }
}

/// `warnings.sort_by_key(|w| (w.page, w.line))`: a stable sort, so its result is that
/// one's. A table has a handful of warnings, mostly in order already: they are sorted
/// by insertion, in place (the library's stable sort allocates a buffer per call);
/// many (hostile input) go to the library's sort. A test compares the two.
pub(crate) fn sort_by_position(warnings: &mut [Warning]) {
    let key = |w: &Warning| (w.page, w.line);
    if warnings.len() > 32 {
        warnings.sort_by_key(key);
        return;
    }
    for i in 1..warnings.len() {
        let mut j = i;
        // Strictly less: an equal key stays after the one before it (stable).
        while j > 0 && key(&warnings[j]) < key(&warnings[j - 1]) {
            warnings.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// 项目属性 `0101-一年期项目` → code `0101`, name `一年期项目`.
fn attribute(text: &str) -> Attribute<'_> {
    // ASCII digits are one byte each: the code is the text's first bytes.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Attribute {
            code: None,
            name: Cow::Borrowed(text),
        };
    }
    let (code, rest) = text.split_at(digits);
    let rest = rest.trim_start_matches(['-', '—', '–', '－', ' ', '_', '：', ':']);
    Attribute {
        code: Some(Cow::Borrowed(code)),
        name: Cow::Borrowed(rest),
    }
}

/// The byte positions of `text` where a goal marker can start, in order: every byte
/// below `40` (ASCII: the digits, `(`, and what else is below `@`) and every `E2` and
/// `EF` (the lead bytes of `①`…`⑳` and `（`). Every character [`may_start_goal_marker`]
/// accepts starts with such a byte, and each such byte starts a character (ASCII or a
/// lead byte), so a loop over these positions that asks `may_start_goal_marker` of the
/// character there sees the same markers as a loop over every character.
///
/// Eight bytes are looked at at once (a `u64`): `!(((y & 0x7F…) + 0x7F…) | y | 0x7F…)`
/// flags exactly the zero bytes of `y` (no carry crosses a byte), here of
/// `x & 0xC0…` (bytes below `40`), `x ^ 0xE2…` and `x ^ 0xEF…`; a word of CJK text
/// without such bytes is passed over whole.
fn goal_marker_candidates(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let zeros = |y: u64| !(((y & LOW7) + LOW7) | y | LOW7);
    text.chunks(8).enumerate().flat_map(move |(k, chunk)| {
        // A whole chunk is read as it is; only the last, short one is padded (with `FF`,
        // which no flag matches), so no copy of variable length is made per chunk.
        let word = <[u8; 8]>::try_from(chunk).unwrap_or_else(|_| {
            let mut word = [0xFFu8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            word
        });
        let x = u64::from_le_bytes(word);
        let mut flags =
            zeros(x & (ONES * 0xC0)) | zeros(x ^ (ONES * 0xE2)) | zeros(x ^ (ONES * 0xEF));
        std::iter::from_fn(move || {
            (flags != 0).then(|| {
                let at = k * 8 + (flags.trailing_zeros() / 8) as usize;
                flags &= flags - 1;
                at
            })
        })
    })
}

/// Whether `vocab::goal_marker` can read anything at a `c` (a test checks every
/// character).
fn may_start_goal_marker(c: char) -> bool {
    matches!(c, '0'..='9' | '（' | '(' | '①'..='⑳')
}

/// Split 年度总体目标 on its numbering. Returns goals (numbering removed, text and final
/// punctuation kept) and the number each goal carried.
///
/// A number starts a goal only at the start of the text or after sentence punctuation or
/// a space, so `2021.1-2021.8` and `3.43亿元` inside a goal never split it.
///
/// `canonical`: `text` is in canonical form already (else it is canonicalized first).
///
/// The goals are slices of `text` when it is canonical already, else owned.
pub(crate) fn split_goals(text: &str, canonical: bool) -> (Vec<Cow<'_, str>>, Vec<Option<u32>>) {
    if canonical {
        split_canonical_goals(text)
    } else {
        let text = canonical_text(text);
        let (goals, numbers) = split_canonical_goals(&text);
        (goals.into_iter().map(owned).collect(), numbers)
    }
}

/// [`split_goals`] of a canonical text: its goals are slices of it.
fn split_canonical_goals<'t>(text: &'t str) -> (Vec<Cow<'t, str>>, Vec<Option<u32>>) {
    // Each goal is cut when the next marker is found (markers never overlap: none
    // starts inside another), so the markers are not collected first.
    // Room for the usual few goals, allocated at once rather than grown from empty.
    let mut goals = Vec::with_capacity(4);
    let mut numbers = Vec::with_capacity(4);
    let mut keep = |g: &'t str, n: Option<u32>| {
        let g = vocab::trim(g);
        if !g.is_empty() {
            goals.push(Cow::Borrowed(g));
            numbers.push(n);
        }
    };
    // The goal being read: where its text starts, and its number.
    let mut open: Option<(usize, u32)> = None;
    for i in goal_marker_candidates(text.as_bytes()) {
        // `i` starts a character (see `goal_marker_candidates`); the characters that
        // start no marker are passed over as the loop over every character did.
        let (Some(rest), Some(before)) = (text.get(i..), text.get(..i)) else {
            continue;
        };
        let Some(c) = rest.chars().next() else {
            continue;
        };
        let prev = before.chars().next_back();
        // No white space lies past U+3000 (a test checks it): the CJK characters of
        // the text are not looked up. And only where a marker can start (what
        // `goal_marker` reads first: a digit, an opening bracket, or ①…⑳) is the
        // character before it looked at (a test checks the first characters).
        let boundary = || {
            prev.is_none_or(|p| {
                (p <= '\u{3000}' && p.is_whitespace())
                    || matches!(p, '。' | '；' | ';' | '！' | '？' | '!' | '?')
            })
        };
        if may_start_goal_marker(c) && boundary() {
            if let Ok((rest, n)) = vocab::goal_marker(&text[i..]) {
                let after = text.len() - rest.len();
                // `1.5万人` is a number, not a marker.
                if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                    match open {
                        // The text before the first marker, if any, is a goal of its own.
                        None => keep(&text[..i], None),
                        Some((from, m)) => keep(&text[from..i], Some(m)),
                    }
                    open = Some((after, n));
                }
            }
        }
    }
    let Some((from, m)) = open else {
        let t = vocab::trim(text);
        return if t.is_empty() {
            (vec![], vec![])
        } else {
            (vec![Cow::Borrowed(t)], vec![None])
        };
    };
    keep(&text[from..], Some(m));
    (goals, numbers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn common_notes_required_says_which_hold_bi_tian() {
        assert_eq!(COMMON_NOTES.len(), COMMON_NOTES_REQUIRED.len());
        for (note, required) in COMMON_NOTES.iter().zip(COMMON_NOTES_REQUIRED) {
            assert_eq!(note.contains("必填"), required, "{note}");
            assert_eq!(note_text(note), Cow::Borrowed(*note));
        }
        assert_eq!(note_text("其他"), Cow::<str>::Owned("其他".to_owned()));
    }

    #[test]
    fn department_codes_before_or_after_the_name() {
        for (cell, code, name) in [
            ("123001社会保险局", Some("123001"), Some("社会保险局")),
            ("123001-社会保险局", Some("123001"), Some("社会保险局")),
            ("社会保险局-123001", Some("123001"), Some("社会保险局")),
            ("社会保险局（123001）", None, Some("社会保险局（123001）")),
            ("社会保险局12", None, Some("社会保险局12")),
            ("12社会保险局", None, Some("12社会保险局")),
            ("【123001】", Some("123001"), None),
            ("12", None, Some("12")),
        ] {
            let mut st = State::default();
            st.department(cell);
            assert_eq!(st.project.department_code.as_deref(), code, "{cell}");
            assert_eq!(st.project.department.as_deref(), name, "{cell}");
        }
        let mut st = State::default();
        st.department("社会保险");
        st.department("事业管理中心");
        assert_eq!(
            st.project.department.as_deref(),
            Some("社会保险事业管理中心")
        );
    }

    #[test]
    fn amounts_with_units_and_separators() {
        for (cell, amount) in [
            ("14500", Some("14500")),
            ("14500万元", Some("14500")),
            ("14500万元万元", Some("14500")),
            ("150000元", Some("150000")),
            ("14,500 万元", Some("14500")),
            ("万元", None),
        ] {
            let want = amount.map(|a| Decimal::from_str(a).unwrap_or_default());
            assert_eq!(parse_amount(cell), want, "{cell}");
        }
    }

    /// `split_trailing_value` as first written (characters collected) for the number's
    /// bounds, the part the proptest checks; the split itself is shared.
    fn split_trailing_value_reference(cell: &str) -> Option<(String, String)> {
        let chars: Vec<(usize, char)> = cell.char_indices().collect();
        let last_digit = chars.iter().rposition(|(_, c)| c.is_ascii_digit())?;
        let unit: String = chars[last_digit + 1..].iter().map(|(_, c)| *c).collect();
        if !unit_may_follow_value(&unit) {
            return None;
        }
        let mut start = last_digit;
        while start > 0 && matches!(chars[start - 1].1, '0'..='9' | '.') {
            start -= 1;
        }
        split_before_number(cell, &unit, chars[start].0)
    }

    /// `split_goals` as first written (markers collected, then cut): the reference.
    fn split_goals_reference(text: &str) -> (Vec<String>, Vec<Option<u32>>) {
        let text = canonical_text(text);
        let mut starts: Vec<(usize, usize, u32)> = Vec::new();
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            let boundary = prev.is_none_or(|p| {
                p.is_whitespace() || matches!(p, '。' | '；' | ';' | '！' | '？' | '!' | '?')
            });
            if boundary {
                if let Ok((rest, n)) = vocab::goal_marker(&text[i..]) {
                    let after = text.len() - rest.len();
                    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                        starts.push((i, after, n));
                    }
                }
            }
            prev = Some(c);
        }
        if starts.is_empty() {
            let t = text.trim();
            return if t.is_empty() {
                (vec![], vec![])
            } else {
                (vec![t.to_owned()], vec![None])
            };
        }
        let mut goals = Vec::new();
        let mut numbers = Vec::new();
        let head = text[..starts[0].0].trim();
        if !head.is_empty() {
            goals.push(head.to_owned());
            numbers.push(None);
        }
        for (k, &(_, from, n)) in starts.iter().enumerate() {
            let to = starts.get(k + 1).map_or(text.len(), |s| s.0);
            let g = text[from..to].trim();
            if !g.is_empty() {
                goals.push(g.to_owned());
                numbers.push(Some(n));
            }
        }
        (goals, numbers)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// Goals cut as markers are found are the goals of the collect-then-cut reading.
        #[test]
        fn split_goals_is_the_reference(
            text in "[1-3.、．（）()①⑳。；;！？!? \t\u{3000}目标x]{0,24}"
        ) {
            let (goals, numbers) = split_goals(&text, false);
            let goals: Vec<String> = goals.into_iter().map(Cow::into_owned).collect();
            proptest::prop_assert_eq!((goals, numbers), split_goals_reference(&text));
            let want: Vec<usize> = text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b < 0x40 || b == 0xE2 || b == 0xEF)
                .map(|(i, _)| i)
                .collect();
            let got: Vec<usize> = goal_marker_candidates(text.as_bytes()).collect();
            proptest::prop_assert_eq!(got, want);
        }

        /// Name and value split in place as the character-collecting version splits them.
        #[test]
        fn split_trailing_value_is_the_reference(
            cell in "[率达到≥≤<>=%％)）(（】|年月人 .,，0-9x]{0,16}"
        ) {
            proptest::prop_assert_eq!(
                split_trailing_value(&cell),
                split_trailing_value_reference(&cell)
            );
        }

        /// The in-place insertion sort is the library's stable sort by position.
        #[test]
        fn sort_by_position_is_the_stable_sort(
            keys in proptest::collection::vec((0u32..3, 0u32..4, proptest::prelude::any::<bool>()), 0..40)
        ) {
            let mut got: Vec<Warning> = keys
                .iter()
                .enumerate()
                .map(|(k, &(page, line, paged))| Warning {
                    code: WarningCode::UnparsedLine,
                    message: k.to_string(),
                    line: (line > 0).then_some(line),
                    page: paged.then_some(page),
                })
                .collect();
            let mut want = got.clone();
            want.sort_by_key(|w| (w.page, w.line));
            sort_by_position(&mut got);
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn goal_markers_start_only_where_said() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let text = format!("{c}1.2、3）x");
            if !may_start_goal_marker(c) {
                assert!(vocab::goal_marker(&text).is_err(), "{c:?}");
            }
        }
    }

    #[test]
    fn no_white_space_past_u3000() {
        let last = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .max();
        assert_eq!(last, Some('\u{3000}'));
    }

    #[test]
    fn notes_are_interned_without_change() {
        for n in COMMON_NOTES
            .iter()
            .copied()
            .chain(["必", "必填（", "其他说明"])
        {
            let got = note_text(n);
            assert_eq!(got, n);
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                COMMON_NOTES.contains(&n),
                "{n}"
            );
        }
    }
}
