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
//! let parsed = parse(&lines, &InputInfo::default());
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
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// One record per project table, in source order.
    pub records: Vec<Record>,
    /// Warnings that belong to no table (decoding trouble, lines outside tables).
    pub warnings: Vec<Warning>,
}

/// Parse normalized lines into records. Never fails: what it cannot read is a warning.
pub fn parse(lines: &[Line], info: &InputInfo) -> Parsed {
    parse_with_warnings(lines, Vec::new(), info)
}

/// Like [`parse`], with earlier warnings (decoding, normalization) to file under the table
/// whose lines they point into; the rest stay file-level.
pub fn parse_with_warnings(lines: &[Line], earlier: Vec<Warning>, info: &InputInfo) -> Parsed {
    let mut parsed = Parsed::default();
    let segments = segment(lines, &mut parsed.warnings);
    let mut per_table: Vec<Vec<Warning>> = vec![Vec::new(); segments.len()];
    for w in earlier {
        let home = w.line.and_then(|l| {
            segments.iter().position(|s| {
                let (a, b) = (&lines[s.start], &lines[s.end - 1]);
                (a.first..=b.last).contains(&l)
            })
        });
        match home {
            Some(k) => per_table[k].push(w),
            None => parsed.warnings.push(w),
        }
    }
    for (k, (seg, stray)) in segments.into_iter().zip(per_table).enumerate() {
        let ctx = table::TableContext {
            path: &info.path,
            sha256: &info.sha256,
            ordinal: u32::try_from(k + 1).unwrap_or(u32::MAX),
            document: seg.document,
            paged: info.paged,
        };
        parsed
            .records
            .push(table::parse_table(&lines[seg.start..seg.end], stray, &ctx));
    }
    parsed.warnings.sort_by_key(|w| (w.page, w.line));
    if info.paged {
        for w in &mut parsed.warnings {
            w.line = None;
        }
    }
    parsed
}

/// A table's lines: `start` is its title line, `end` is exclusive.
struct Segment {
    start: usize,
    end: usize,
    document: Document,
}

fn joined(line: &Line) -> String {
    line.text.split('\t').map(str::trim).collect()
}

fn first_cell(line: &Line) -> Option<&str> {
    line.text.split('\t').map(str::trim).find(|c| !c.is_empty())
}

/// Lines that belong to a table's printed header (title, 年度) or are blank.
fn is_header_or_blank(line: &Line) -> bool {
    let j = joined(line);
    j.is_empty()
        || vocab::is_form_title(&j)
        || vocab::fiscal_year(&j).is_some()
        || vocab::is_page_number(&j)
}

/// How far past a repeated title to look for what follows it.
const LOOKAHEAD: usize = 40;

/// What a content line opens: indicator rows, or a header field (by kind).
enum Opens {
    Indicators,
    Header(std::mem::Discriminant<vocab::HeaderLabel>),
}

fn opens(line: &Line) -> Option<Opens> {
    let c = first_cell(line)?;
    if vocab::is_column_header(c)
        || matches!(
            vocab::classify_label(c),
            Some(vocab::Label::Level1(_) | vocab::Label::Level2 { .. })
        )
    {
        return Some(Opens::Indicators);
    }
    vocab::header_label(c).map(|(l, _)| Opens::Header(std::mem::discriminant(&l)))
}

/// After a title at `i` inside a table that already has a body: is it a page header of
/// the same table (the text goes on with indicator rows, or with header fields this table
/// has not had yet) rather than the start of a new table?
fn continues_table(
    lines: &[Line],
    i: usize,
    seen: &[std::mem::Discriminant<vocab::HeaderLabel>],
) -> bool {
    let next = lines[i + 1..]
        .iter()
        .take(LOOKAHEAD)
        .filter(|l| !is_header_or_blank(l))
        .find_map(opens);
    match next {
        Some(Opens::Indicators) => true,
        Some(Opens::Header(d)) => !seen.contains(&d),
        None => false,
    }
}

fn segment(lines: &[Line], outside: &mut Vec<Warning>) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut document = Document::default();
    let mut open: Option<(usize, bool)> = None; // (start, has body)
    let mut seen = Vec::new(); // header fields of the open table
    for (i, line) in lines.iter().enumerate() {
        let j = joined(line);
        if j.is_empty() {
            continue;
        }
        if let Some((annex, title)) = vocab::annex_heading(&j) {
            if let Some((start, _)) = open.take() {
                segments.push(Segment {
                    start,
                    end: i,
                    document: document.clone(),
                });
            }
            document = Document {
                annex: Some(annex),
                title,
            };
            continue;
        }
        if vocab::is_form_title(&j) {
            match open {
                Some((_, false)) => continue,
                Some((_, true)) if continues_table(lines, i, &seen) => continue,
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
        if let Some(Opens::Header(d)) = opens(line) {
            seen.push(d);
        }
        match &mut open {
            Some((_, body)) => {
                if vocab::fiscal_year(&j).is_none() && !vocab::is_page_number(&j) {
                    *body = true;
                }
            }
            None => outside.push(Warning {
                code: WarningCode::UnparsedLine,
                message: format!("text outside any table: `{j}`"),
                line: Some(line.first),
                page: line.page,
            }),
        }
    }
    if let Some((start, _)) = open {
        // Trailing blank lines are not part of the table.
        let end = lines
            .iter()
            .rposition(|l| !joined(l).is_empty())
            .map_or(start + 1, |e| e + 1);
        segments.push(Segment {
            start,
            end: end.max(start + 1),
            document,
        });
    }
    segments
}
