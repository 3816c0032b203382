//! annex-grammar: normalized lines → typed records of 部门项目支出预算绩效目标表.
//!
//! Where it sits: `annex-normalize` gives lines in canonical text form (cells separated
//! by `\t`, each line mapped to its source lines); this crate finds the tables in them and
//! reads each into a [`Record`]; `annex-emit` writes records as canonical JSON.
//!
//! Phases, in order:
//! 1. **Segmentation** ([`parse`]): a table starts at the form title; a title (and 年度
//!    line) printed again before any body, or before rows that continue the indicator
//!    section, is a page header, not a new table. The annex heading `附件2：…` becomes
//!    the `document` of every record below it.
//! 2. **Header** (`table`): fields are found by their labels (`vocab::header_label`),
//!    wherever they sit on a line; a line without a label continues the last text field.
//! 3. **Indicators** (`table`): rows are read by the taxonomy (`vocab::classify_label`),
//!    never by counting cells: labels set the 一级/二级 context, the cells after them are
//!    the 三级指标 and its 指标值. Damaged rows are repaired *and reported*.
//! 4. **Values** ([`value`]) and **checks** ([`checks`]).
//!
//! The grammar, informally (one row of the indicator section):
//! ```text
//! row      = [ "绩效指标" ] [ level1 ] [ level2 [ note ] ] [ name ] [ value ]
//! level1   = "产出指标" | "效益指标" | "满意度指标" | "成本指标"
//! level2   = stem "指标"          ; stem = 数量 | 质量 | 时效 | 成本 | 社会效益 | …
//! note     = ( "（" | "(" ) text ( "）" | ")" )
//! goals    = { marker text }      ; marker = n "." | n "、" | "（" n "）" | ①…⑳
//! ```
//!
//! What it does not do: I/O, decoding, or normalization (lines arrive canonical); it never
//! fails: whatever it cannot read becomes a [`Warning`] with its source line.
//!
//! ```
//! use annex_grammar::{parse, InputInfo};
//! let text = "部门项目支出预算绩效目标表\n（2024年度）\n项目名称\t社保卡制卡工作经费\n\
//!             名称\t一级指标\t二级指标\t三级指标\t指标值\n\
//!             绩效指标\t产出指标\t数量指标（必填硬性指标）\t全年印制社保卡\t22000张";
//! let lines = annex_normalize::normalize(text.as_bytes()).lines;
//! let info = InputInfo::default();
//! let parsed = parse(&lines, &info);
//! let record = &parsed.records[0];
//! assert_eq!(record.fiscal_year, Some(2024));
//! assert_eq!(record.indicators[0].level2_note.as_deref(), Some("必填硬性指标"));
//! assert_eq!(record.indicators[0].value.unit.as_deref(), Some("张"));
//! ```

pub mod checks;
pub mod model;
mod table;
pub mod value;
pub mod vocab;

pub use model::*;

use std::borrow::Cow;

use annex_normalize::{Line, Warning, WarningCode};

/// What the caller knows about the input that the grammar cannot see.
#[derive(Debug, Clone, Default)]
pub struct InputInfo {
    /// The input path as given by the user.
    pub path: String,
    /// Lowercase hex SHA-256 of the input bytes.
    pub sha256: String,
    /// True for inputs whose positions are pages (PDF): records then carry `pages`
    /// and no `lines`.
    pub paged: bool,
}

/// Every table found in one input, plus warnings about lines outside any table.
///
/// `'a` is the lifetime of the lines parsed: records borrow texts from them (see
/// [`model`]); [`Parsed::into_owned`] gives records that borrow nothing.
#[derive(Debug, Clone, Default)]
pub struct Parsed<'a> {
    /// One record per project table, in source order.
    pub records: Vec<Record<'a>>,
    /// Warnings that belong to no table (decoding trouble, lines outside tables).
    pub warnings: Vec<Warning>,
}

impl Parsed<'_> {
    /// The same tables holding their own copies of every text borrowed from the lines.
    pub fn into_owned(self) -> Parsed<'static> {
        Parsed {
            records: self.records.into_iter().map(Record::into_owned).collect(),
            warnings: self.warnings,
        }
    }
}

/// Parse normalized lines into records. Never fails: what it cannot read is a warning.
pub fn parse<'a>(lines: &'a [Line], info: &'a InputInfo) -> Parsed<'a> {
    parse_with_warnings(lines, Vec::new(), info)
}

/// Like [`parse`], with earlier warnings (decoding, normalization) to file under the table
/// whose lines they point into; the rest stay file-level.
pub fn parse_with_warnings<'a>(
    lines: &'a [Line],
    earlier: Vec<Warning>,
    info: &'a InputInfo,
) -> Parsed<'a> {
    let mut parsed = Parsed::default();
    let prepared = Prepared::new(lines);
    let segments = segment(lines, &prepared, &mut parsed.warnings);
    let mut per_table: Vec<Vec<Warning>> = vec![Vec::new(); segments.len()];
    parsed.records.reserve_exact(segments.len());
    // Segments are disjoint and in source order, and so are their source-line ranges
    // (`first..=last` of their first and last line): a binary search finds a warning's
    // table, where a scan over every table made hostile input (a warning on every line)
    // quadratic.
    let ranges: Vec<(u32, u32)> = segments
        .iter()
        .map(|s| (lines[s.start].first, lines[s.end - 1].last))
        .collect();
    let ordered = ranges.iter().all(|&(a, b)| a <= b) && ranges.windows(2).all(|w| w[0].1 < w[1].0);
    for w in earlier {
        let home = w.line.and_then(|l| table_of_line(&ranges, ordered, l));
        match home {
            Some(k) => per_table[k].push(w),
            None => parsed.warnings.push(w),
        }
    }
    let mut scratch = table::Scratch::default();
    for (k, (seg, stray)) in segments.into_iter().zip(per_table).enumerate() {
        let ctx = table::TableContext {
            path: &info.path,
            sha256: &info.sha256,
            ordinal: u32::try_from(k + 1).unwrap_or(u32::MAX),
            document: seg.document,
            paged: info.paged,
        };
        let view = prepared.view(seg.start, seg.end);
        parsed.records.push(table::parse_table(
            &lines[seg.start..seg.end],
            &view,
            stray,
            ctx,
            &mut scratch,
        ));
    }
    table::sort_by_position(&mut parsed.warnings);
    if info.paged {
        for w in &mut parsed.warnings {
            w.line = None;
        }
    }
    parsed
}

/// The first table whose source-line range `first..=last` holds `line`, as a linear
/// `position` over the tables would find it. `ordered`: every range is non-empty and
/// ends before the next one starts, which makes the ends sorted and at most one range
/// hold a line; should a front end ever number lines otherwise, the scan answers, so the
/// result never depends on the search.
fn table_of_line(ranges: &[(u32, u32)], ordered: bool, line: u32) -> Option<usize> {
    if !ordered {
        return ranges.iter().position(|&(a, b)| (a..=b).contains(&line));
    }
    let k = ranges.partition_point(|&(_, b)| b < line);
    ranges.get(k).filter(|&&(a, _)| a <= line).map(|_| k)
}

/// Every line split once into its non-empty, trimmed cells, and their concatenation
/// where it can matter.
///
/// Segmentation and the table parser read every line, and the look-ahead after a
/// repeated title reads up to [`LOOKAHEAD`] lines again: each used to split the line and
/// join its cells into a fresh `String`. Here all cells share one `Vec` and the joined
/// texts that are kept one `String`, so a line costs no allocation of its own.
///
/// The joined text of a line is its cell when it has one. Of a line of several cells it
/// is kept only when the line can be page furniture or an annex heading by the first
/// tests of those readers ([`may_be_furniture`]); the other lines (most rows) are never
/// matched against it, and the few uses that quote one (a warning, a header
/// continuation) join it when asked ([`Prepared::joined`]).
pub(crate) struct Prepared<'a> {
    cells: Vec<table::Cell<'a>>,
    /// Per line: its cells are `cells[c.0..c.1]`, its kept joined text
    /// `joined[j.0..j.1]` when `j` is `Some`.
    spans: Vec<(Span2, Option<Span2>)>,
    joined: String,
    /// Per line: what page furniture its joined text is (segmentation and the table
    /// parser both ask, for every line).
    furniture: Vec<Furniture>,
    /// Per line: what its first cell is (segmentation and the table parser both ask).
    leads: Vec<Lead<'a>>,
}

/// `vocab::header_label_ref(cell)` in a `Copy` form: the label's kind, the unit printed
/// in a `Funds` label, and the rest of the cell after the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeaderLead<'a> {
    pub kind: std::mem::Discriminant<vocab::HeaderLabel>,
    pub unit: Option<&'a str>,
    pub rest: &'a str,
}

impl<'a> HeaderLead<'a> {
    fn of(cell: &'a str) -> Option<Self> {
        vocab::header_label_ref(cell).map(|(label, unit, rest)| HeaderLead {
            kind: std::mem::discriminant(&label),
            unit,
            rest,
        })
    }

    /// Whether the cell holds the label and nothing else.
    pub(crate) fn alone(self) -> bool {
        self.rest.is_empty()
    }

    /// What `vocab::header_label_ref` returned for the cell.
    pub(crate) fn read(self) -> (vocab::HeaderLabel, Option<&'a str>, &'a str) {
        (vocab::header_label_of(self.kind), self.unit, self.rest)
    }
}

/// What a line's first cell is in the vocabulary: `vocab::is_column_header`,
/// `vocab::classify` and `vocab::header_label`, asked once per line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lead<'a> {
    pub column_header: bool,
    pub label: Option<vocab::LabelRef<'a>>,
    /// The header label the cell starts with, as `vocab::header_label_ref` reads it
    /// (the header line's reader takes it from here rather than reading it again).
    pub header: Option<HeaderLead<'a>>,
}

impl<'a> Lead<'a> {
    fn of(cells: &[table::Cell<'a>]) -> Self {
        let Some(first) = cells.first() else {
            return Lead::default();
        };
        let c = first.text;
        // The three readers answer only for cells starting with their own first
        // characters, and those sets are disjoint (a test checks both): the first
        // character picks the one reader that can answer.
        match vocab::start_of(c) {
            vocab::Start::ColumnHeader => Lead {
                column_header: vocab::is_column_header(c),
                ..Lead::default()
            },
            vocab::Start::Label => Lead {
                label: vocab::classify(c),
                ..Lead::default()
            },
            vocab::Start::Header => Lead {
                header: HeaderLead::of(c),
                ..Lead::default()
            },
            vocab::Start::Other => Lead::default(),
        }
    }

    /// [`Lead::of`] asking all three readers (the reference of its test).
    #[cfg(test)]
    fn of_all(cells: &[table::Cell<'a>]) -> Self {
        let Some(first) = cells.first() else {
            return Lead::default();
        };
        let c = first.text;
        Lead {
            column_header: vocab::is_column_header(c),
            label: vocab::classify(c),
            header: HeaderLead::of(c),
        }
    }
}

/// What a line's joined text is as page furniture: `vocab::is_form_title`,
/// `vocab::is_page_number` and `vocab::fiscal_year`, asked once per line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Furniture {
    pub title: bool,
    pub page_number: bool,
    pub year: Option<i32>,
}

impl Furniture {
    fn of(joined: &str) -> Self {
        Furniture {
            title: vocab::is_form_title(joined),
            page_number: vocab::is_page_number(joined),
            year: vocab::fiscal_year(joined),
        }
    }
}

/// A `from..to` range of indices, as a pair.
type Span2 = (usize, usize);

/// What none of the furniture and heading readers matches: the joined text of a line
/// for which [`may_be_furniture`] is false.
const NO_FURNITURE: Furniture = Furniture {
    title: false,
    page_number: false,
    year: None,
};

/// Whether the joined text of `cells` (non-empty, trimmed; one cell or several) can be a title, a page
/// number, a 年度 line or an annex heading, by the first test each of those makes; when
/// false, none is (a test compares with the readers themselves). The joined text starts
/// with the first cell's first character and ends with the last cell's last one, and
/// neither is white space (the cells are trimmed):
/// - `is_form_title` needs it to end in `表`;
/// - `is_page_number` rejects a first character with lead byte `E4`…`E9` other than
///   `第`, `页`, `共`; `fiscal_year` one with lead byte `E4`…`EE`;
/// - `annex_heading` needs it to start with `附件`, so with `附`.
fn may_be_furniture(cells: &[table::Cell<'_>]) -> bool {
    let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
        return true;
    };
    let lead = first.text.as_bytes().first().copied().unwrap_or(0);
    !(0xE4..=0xE9).contains(&lead)
        || first.text.starts_with(['第', '页', '共', '附'])
        || last.text.ends_with('表')
}

impl<'a> Prepared<'a> {
    fn new(lines: &'a [Line]) -> Self {
        let mut cells = Vec::with_capacity(lines.len() * 4);
        let mut spans = Vec::with_capacity(lines.len());
        let mut joined = String::new();
        let mut furniture = Vec::with_capacity(lines.len());
        let mut leads = Vec::with_capacity(lines.len());
        for line in lines {
            let c0 = cells.len();
            split_tabs(line.text.as_str(), |col, raw| {
                let cell = vocab::trim(raw);
                if !cell.is_empty() {
                    cells.push(table::Cell { col, text: cell });
                }
            });
            let cs = &cells[c0..];
            let (kept, f) = match cs {
                [one] if may_be_furniture(cs) => (None, Furniture::of(one.text)),
                // An empty text is none of them (a test checks it), nor is a cell that
                // `may_be_furniture` rules out.
                [] | [_] => (None, NO_FURNITURE),
                many if may_be_furniture(many) => {
                    let j0 = joined.len();
                    for c in many {
                        joined.push_str(c.text);
                    }
                    (Some((j0, joined.len())), Furniture::of(&joined[j0..]))
                }
                _ => (None, NO_FURNITURE),
            };
            spans.push(((c0, cells.len()), kept));
            furniture.push(f);
            leads.push(Lead::of(cs));
        }
        Prepared {
            cells,
            spans,
            joined,
            furniture,
            leads,
        }
    }

    fn cells(&self, i: usize) -> &[table::Cell<'a>] {
        let (from, to) = self.spans[i].0;
        &self.cells[from..to]
    }

    /// The line's cells joined without separators (what segmentation matches titles,
    /// years and page numbers against), when kept or one cell: `None` for a line of
    /// several cells that [`may_be_furniture`] rules out.
    fn kept_joined(&self, i: usize) -> Option<&str> {
        match self.spans[i] {
            (_, Some((from, to))) => Some(&self.joined[from..to]),
            _ => match self.cells(i) {
                [] => Some(""),
                [one] => Some(one.text),
                _ => None,
            },
        }
    }

    /// The line's cells joined without separators: borrowed when kept or one cell, else
    /// joined now (only warnings and header continuations ask for such a line).
    fn joined(&self, i: usize) -> Cow<'_, str> {
        match self.kept_joined(i) {
            Some(j) => Cow::Borrowed(j),
            None => Cow::Owned(self.cells(i).iter().map(|c| c.text).collect()),
        }
    }

    /// The lines `start..end`, indexed from 0 as the table parser indexes its lines.
    fn view(&self, start: usize, end: usize) -> View<'_, 'a> {
        debug_assert!(start <= end && end <= self.spans.len());
        View {
            prepared: self,
            start,
        }
    }
}

/// `f(column, cell)` for each non-empty piece of `text.split('\t')`, in order.
///
/// The tabs are found in one pass, eight bytes at a time as a `u64`: bytes equal to a
/// tab become zero, and `!(((x & 0x7F…) + 0x7F…) | x | 0x7F…)` flags exactly the zero
/// bytes (the sum stays inside each byte, so no borrow or carry crosses bytes), so every
/// flag is a tab and each is visited once. The last, partial word is read zero-padded
/// (a zero byte is no tab), or, in a line of eight bytes or more, as its last eight
/// bytes with the flags of those already read shifted out. A tab is ASCII, so every
/// cut is a character boundary. A proptest compares it with `split('\t')`.
fn split_tabs<'t>(text: &'t str, mut f: impl FnMut(usize, &'t str)) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const TABS: u64 = 0x0101_0101_0101_0101 * b'\t' as u64;
    let tabs_in = |word: u64| {
        let x = word ^ TABS;
        !(((x & LOW7) + LOW7) | x | LOW7)
    };
    let bytes = text.as_bytes();
    let (mut from, mut col) = (0usize, 0usize);
    // Visits the tabs flagged in one word that starts at byte `base`.
    let mut cut_at = |mut flags: u64, base: usize, from: &mut usize, col: &mut usize| {
        while flags != 0 {
            let at = base + (flags.trailing_zeros() / 8) as usize;
            // An empty piece (two tabs in a row: most rows have several) is only counted.
            if at > *from {
                f(*col, &text[*from..at]);
            }
            *from = at + 1;
            *col += 1;
            flags &= flags - 1;
        }
    };
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in words.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        cut_at(tabs_in(u64::from_le_bytes(word)), base, &mut from, &mut col);
        base += 8;
    }
    let tail = words.remainder();
    if bytes.len() >= 8 && !tail.is_empty() {
        // The last eight bytes, whose first `8 - tail.len()` were read already: their
        // flags are shifted out (a fixed-size read, where padding took a copy call).
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[bytes.len() - 8..]);
        let flags = tabs_in(u64::from_le_bytes(word)) >> (8 * (8 - tail.len()));
        cut_at(flags, base, &mut from, &mut col);
    } else if !tail.is_empty() {
        let mut word = [0u8; 8];
        word[..tail.len()].copy_from_slice(tail);
        cut_at(tabs_in(u64::from_le_bytes(word)), base, &mut from, &mut col);
    }
    if from < bytes.len() {
        f(col, &text[from..]);
    }
}

/// The first tab in `bytes` at or after `from` (`from <= bytes.len()`): the search the
/// splitting used before [`split_tabs`], kept as a second reference for its test.
#[cfg(test)]
///
/// Cells are a few dozen bytes: eight bytes are tested at once, as a `u64` (bytes equal
/// to a tab become zero; `(x - 0x01…) & !x & 0x80…` flags zero bytes, and its lowest flag
/// is always a true one, since a borrow only runs upwards from a zero byte), cheaper
/// than a byte loop and than a `memchr` call for such short runs. A proptest compares it
/// with the byte loop.
fn find_tab(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const TABS: u64 = ONES * b'\t' as u64;
    let rest = &bytes[from..];
    let mut words = rest.chunks_exact(8);
    for (k, chunk) in words.by_ref().enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ TABS;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(from + k * 8 + (zeros.trailing_zeros() / 8) as usize);
        }
    }
    let tail = words.remainder();
    tail.iter()
        .position(|&b| b == b'\t')
        .map(|p| bytes.len() - tail.len() + p)
}

/// One table's lines of a [`Prepared`]: index 0 is the table's title line.
pub(crate) struct View<'p, 'a> {
    prepared: &'p Prepared<'a>,
    start: usize,
}

impl<'a> View<'_, 'a> {
    /// The line's non-empty cells, trimmed, with their printed column.
    pub(crate) fn cells(&self, idx: usize) -> &[table::Cell<'a>] {
        self.prepared.cells(self.start + idx)
    }

    /// The line's cells joined without separators.
    pub(crate) fn joined(&self, idx: usize) -> Cow<'_, str> {
        self.prepared.joined(self.start + idx)
    }

    /// [`View::joined`] for a text kept in a record: borrowed from the line (for `'a`)
    /// when the line has at most one cell, else owned.
    pub(crate) fn joined_for_record(&self, idx: usize) -> Cow<'a, str> {
        match self.cells(idx) {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(one.text),
            _ => Cow::Owned(self.joined(idx).into_owned()),
        }
    }

    /// What page furniture the line is.
    pub(crate) fn furniture(&self, idx: usize) -> Furniture {
        self.prepared.furniture[self.start + idx]
    }

    /// What the line's first cell is.
    pub(crate) fn lead(&self, idx: usize) -> Lead<'a> {
        self.prepared.leads[self.start + idx]
    }
}

/// Longest text a warning quotes whole; a longer line is quoted by its start and its size.
const QUOTE_CHARS: usize = 500;

/// The text a warning quotes: whole up to [`QUOTE_CHARS`], else its start and how much was
/// left out (a 50 MB line of garbage must not be copied into every report about it; the
/// line number still points at all of it).
pub(crate) fn quote(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            std::borrow::Cow::Owned(format!("{}… ({rest} more characters)", &text[..cut]))
        }
    }
}

/// The `Document` of line `i` when it is an annex heading: borrowed from the line when
/// it is one cell (every table below the heading shares it without a copy), else owned.
fn annex_document<'a>(prepared: &Prepared<'a>, i: usize) -> Option<Document<'a>> {
    if let [one] = prepared.cells(i) {
        // `kept_joined` of a line of one cell is that cell.
        let text = one.text;
        let (annex, title) = vocab::annex_heading_ref(text)?;
        let trimmed = text.trim();
        let annex = match trimmed.get(..annex.len()) {
            Some(printed) if printed == annex => Cow::Borrowed(printed),
            _ => Cow::Owned(annex),
        };
        return Some(Document {
            annex: Some(annex),
            title: title.map(Cow::Borrowed),
        });
    }
    let (annex, title) = vocab::annex_heading_ref(prepared.kept_joined(i)?)?;
    Some(Document {
        annex: Some(Cow::Owned(annex)),
        title: title.map(|t| Cow::Owned(t.to_owned())),
    })
}

/// A table's lines: `start` is its title line, `end` is exclusive.
struct Segment<'a> {
    start: usize,
    end: usize,
    document: Document<'a>,
}

/// Lines that belong to a table's printed header (title, 年度) or are blank.
fn is_header_or_blank(prepared: &Prepared<'_>, k: usize) -> bool {
    let f = prepared.furniture[k];
    prepared.cells(k).is_empty() || f.title || f.year.is_some() || f.page_number
}

/// How far past a repeated title to look for what follows it.
const LOOKAHEAD: usize = 40;

/// What a content line opens: indicator rows, or a header field (by kind).
enum Opens {
    Indicators,
    Header(std::mem::Discriminant<vocab::HeaderLabel>),
}

fn opens(lead: Lead<'_>) -> Option<Opens> {
    if lead.column_header
        || matches!(
            lead.label,
            Some(vocab::LabelRef::Level1(_) | vocab::LabelRef::Level2 { .. })
        )
    {
        return Some(Opens::Indicators);
    }
    lead.header.map(|h| Opens::Header(h.kind))
}

/// After a title at `i` inside a table that already has a body: is it a page header of
/// the same table (the text goes on with indicator rows, or with header fields this table
/// has not had yet) rather than the start of a new table?
fn continues_table(
    prepared: &Prepared<'_>,
    i: usize,
    seen: &[std::mem::Discriminant<vocab::HeaderLabel>],
) -> bool {
    let next = (i + 1..prepared.spans.len())
        .take(LOOKAHEAD)
        .filter(|&k| !is_header_or_blank(prepared, k))
        .find_map(|k| opens(prepared.leads[k]));
    match next {
        Some(Opens::Indicators) => true,
        Some(Opens::Header(d)) => !seen.contains(&d),
        None => false,
    }
}

fn segment<'a>(
    lines: &[Line],
    prepared: &Prepared<'a>,
    outside: &mut Vec<Warning>,
) -> Vec<Segment<'a>> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut document = Document::default();
    let mut open: Option<(usize, bool)> = None; // (start, has body)
    let mut seen = Vec::new(); // header fields of the open table
    for (i, line) in lines.iter().enumerate() {
        if prepared.cells(i).is_empty() {
            continue;
        }
        // An annex heading starts with `附件`, so its first cell (trimmed) with `附`; and a
        // line whose joined text is not kept is none (`may_be_furniture`).
        let heading = prepared
            .cells(i)
            .first()
            .is_some_and(|c| c.text.starts_with('附'))
            .then(|| annex_document(prepared, i))
            .flatten();
        if let Some(heading) = heading {
            if let Some((start, _)) = open.take() {
                segments.push(Segment {
                    start,
                    end: i,
                    document: document.clone(),
                });
            }
            document = heading;
            continue;
        }
        if prepared.furniture[i].title {
            match open {
                Some((_, false)) => continue,
                Some((_, true)) if continues_table(prepared, i, &seen) => continue,
                Some((start, true)) => {
                    segments.push(Segment {
                        start,
                        end: i,
                        document: document.clone(),
                    });
                    open = Some((i, false));
                }
                None => open = Some((i, false)),
            }
            seen.clear();
            continue;
        }
        if let Some(Opens::Header(d)) = opens(prepared.leads[i]) {
            seen.push(d);
        }
        match &mut open {
            Some((_, body)) => {
                let f = prepared.furniture[i];
                if f.year.is_none() && !f.page_number {
                    *body = true;
                }
            }
            None => outside.push(Warning {
                code: WarningCode::UnparsedLine,
                message: format!("text outside any table: `{}`", quote(&prepared.joined(i))),
                line: Some(line.first),
                page: line.page,
            }),
        }
    }
    if let Some((start, _)) = open {
        // Trailing blank lines are not part of the table.
        let end = (0..lines.len())
            .rposition(|k| !prepared.cells(k).is_empty())
            .map_or(start + 1, |e| e + 1);
        segments.push(Segment {
            start,
            end: end.max(start + 1),
            document,
        });
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::{Lead, find_tab, may_be_furniture, split_tabs, table, vocab};

    /// An empty line is no furniture: what `Prepared::new` records for it without asking.
    #[test]
    fn empty_text_is_no_furniture() {
        let f = super::Furniture::of("");
        assert!(!f.title && !f.page_number && f.year.is_none());
        let n = super::NO_FURNITURE;
        assert!(!n.title && !n.page_number && n.year.is_none());
    }

    /// Every character: the readers of a line's first cell answer only for their own
    /// first characters, which `Lead::of` dispatches on.
    #[test]
    fn lead_readers_answer_only_for_their_first_characters() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let words = [
                format!("{c}"),
                format!("{c}称"),
                format!("{c}级指标"),
                format!("{c}标值"),
                format!("{c}标名称"),
                format!("{c}出指标"),
                format!("{c}效指标"),
                format!("{c}目名称"),
            ];
            let column = matches!(c, '名' | '一' | '二' | '三' | '指');
            let label = super::vocab::LABEL_STARTS.contains(&c);
            let header = super::vocab::HEADER_LABEL_STARTS.contains(&c);
            assert!(
                u8::from(column) + u8::from(label) + u8::from(header) <= 1,
                "{c:?}"
            );
            for w in &words {
                if !column {
                    assert!(!vocab::is_column_header(w), "{w}");
                }
                if !label {
                    assert!(vocab::classify(w).is_none(), "{w}");
                }
                if !header {
                    assert!(vocab::header_label_ref(w).is_none(), "{w}");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// The word-wise tab search is the byte loop.
        #[test]
        fn find_tab_is_the_byte_loop(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::Just(b'\t'),
                    proptest::prelude::Just(0x09 ^ 0x80),
                    proptest::prelude::Just(0x08),
                    proptest::prelude::Just(0x0A),
                    proptest::prelude::any::<u8>(),
                ],
                0..40,
            ),
            from in 0usize..41,
        ) {
            let from = from.min(bytes.len());
            let slow = bytes[from..].iter().position(|&b| b == b'\t').map(|p| from + p);
            proptest::prop_assert_eq!(find_tab(&bytes, from), slow);
        }

        /// Asking only the reader the first character picks is asking all three.
        #[test]
        fn lead_by_first_character_is_all_readers(
            cell in "[名一二三指级标值称产出效益满意度成本数量质时经济社会生态可持续影响服务对象绩项目主管部门实施单位年度资金总额其中财政拨款他体属性期（）()：x1 ]{1,10}"
        ) {
            let cells = [table::Cell { col: 0, text: &cell }];
            let (a, b) = (Lead::of(&cells), Lead::of_all(&cells));
            proptest::prop_assert_eq!(a.column_header, b.column_header);
            proptest::prop_assert_eq!(a.label, b.label);
            proptest::prop_assert_eq!(a.header, b.header);
        }

        /// A line of one cell or several that `may_be_furniture` rules out is none of
        /// what its joined text is matched against.
        #[test]
        fn ruled_out_lines_are_no_furniture(
            raw in proptest::collection::vec(
                "[部门项目支出预算绩效目标表附件第页共2：年度（）() \t\u{3000}x0-9—]{0,8}",
                1..5,
            )
        ) {
            let cells: Vec<table::Cell<'_>> = raw
                .iter()
                .map(|r| vocab::trim(r))
                .filter(|t| !t.is_empty())
                .enumerate()
                .map(|(col, text)| table::Cell { col, text })
                .collect();
            let joined: String = cells.iter().map(|c| c.text).collect();
            if !cells.is_empty() && !may_be_furniture(&cells) {
                proptest::prop_assert!(!vocab::is_form_title(&joined), "{joined:?}");
                proptest::prop_assert!(!vocab::is_page_number(&joined), "{joined:?}");
                proptest::prop_assert!(vocab::fiscal_year(&joined).is_none(), "{joined:?}");
                proptest::prop_assert!(vocab::annex_heading(&joined).is_none(), "{joined:?}");
            }
        }

        /// The one-pass split is `split('\t')` without its empty pieces, with the column
        /// of each piece; the cuts are where the tab search finds them.
        #[test]
        fn split_tabs_is_split_at_tabs(text in "[\t\u{8}\n a表\u{89}\u{3000}1]{0,90}") {
            let mut got: Vec<(usize, &str)> = Vec::new();
            split_tabs(&text, |col, cell| got.push((col, cell)));
            let pieces: Vec<(usize, &str)> = text.split('\t').enumerate().collect();
            let want: Vec<(usize, &str)> =
                pieces.iter().copied().filter(|(_, p)| !p.is_empty()).collect();
            proptest::prop_assert_eq!(&got, &want);
            let bytes = text.as_bytes();
            let mut from = 0;
            for (_, piece) in &pieces[..pieces.len() - 1] {
                let at = find_tab(bytes, from);
                proptest::prop_assert_eq!(at, Some(from + piece.len()));
                from += piece.len() + 1;
            }
            proptest::prop_assert_eq!(find_tab(bytes, from), None);
        }
    }
}
