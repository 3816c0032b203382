//! annex-normalize: bytes → decoded text → normalized lines with a map back to the source.
//!
//! The first stage of the pipeline (`normalize` → `grammar` → `emit`). It takes the raw
//! bytes of an OCR text of a 部门项目支出预算绩效目标表 and hands the grammar lines whose
//! cells are in the canonical text form of SCHEMA.md, each line knowing the source line(s)
//! and page it came from. Normalization never fails: what it could not read or had to
//! change is reported as [`Warning`]s pointing at source lines.
//!
//! # Phases
//! 1. **Decode** ([`decode()`]): byte order mark, else strict UTF-8, else GB18030 (a superset
//!    of GBK), whichever needs fewer replacements. Undecodable bytes become U+FFFD and a
//!    [`WarningCode::UndecodableBytes`] warning, never a silent loss.
//! 2. **Split** into source lines at LF, CRLF or lone CR. A form feed starts a new page
//!    (and ends the line if it stands inside one). Control characters other than tab are
//!    removed ([`WarningCode::ControlChars`]).
//! 3. **Canonicalize** each `\t`-separated cell ([`canonical_line`], [`canonical_text`]):
//!    OCR markup (HTML tags and entities, LaTeX math) removed, full-width letters and
//!    digits made ASCII, spaces next to CJK text removed, punctuation next to CJK text made
//!    full-width. Markup that is broken is kept as text ([`WarningCode::UnclosedMarkup`]).
//!
//! # What it does not do
//! It knows nothing of the form: it does not join labels split over lines, find tables
//! or read numbers (that is annex-grammar). It never joins source lines, so `first ==
//! last` for every line it makes today; a tag left open at a line end is text plus a
//! warning. It reads no files and knows no PDFs.
//!
//! # Main types
//! [`normalize`] returns [`Normalized`]: the [`Line`]s (one per source line, blank ones
//! kept as empty text so that `lines[n - 1]` is source line `n` when no form feed stands
//! at a line start), the [`Warning`]s and the name of the encoding.
//!
//! ```
//! let src = "项目资金 (万元)\t年度资金总额:\t14500\t\t\n\t其中: 财政拨款\t14500\t\t\n\
//!            满意度指标\t服务对象满意度指标（必填）\t调查达到 $\\geq 98\\%$\n";
//! let n = annex_normalize::normalize(src.as_bytes());
//! assert_eq!(n.encoding, "UTF-8");
//! let texts: Vec<&str> = n.lines.iter().map(|l| l.text.as_str()).collect();
//! assert_eq!(texts, [
//!     "项目资金（万元）\t年度资金总额：\t14500",
//!     "\t其中：财政拨款\t14500",
//!     "满意度指标\t服务对象满意度指标（必填）\t调查达到≥98%",
//! ]);
//! assert_eq!((n.lines[1].first, n.lines[1].last, n.lines[1].page), (2, 2, None));
//! assert!(n.warnings.is_empty());
//! ```

mod canon;
mod decode;
mod markup;
mod warning;

use std::borrow::Cow;

pub use decode::{Decoded, Replacement, decode, decode_borrowed};
pub use warning::{Warning, WarningCode};

use canon::{Scratch, SourceLine};
use markup::Notes;

/// A normalized line: cells separated by `\t`, each cell in canonical text form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Normalized text; cells separated by a single `\t`.
    pub text: String,
    /// First 1-based source line this line came from.
    pub first: u32,
    /// Last 1-based source line this line came from (equal to `first` for most lines).
    pub last: u32,
    /// 1-based page, when the input has pages (PDF, or text with form feeds).
    pub page: Option<u32>,
}

/// The result of [`normalize`]: lines plus what was changed or could not be read.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Every source line, normalized (blank lines kept as empty text).
    pub lines: Vec<Line>,
    /// Decoding and normalization warnings, in source order.
    pub warnings: Vec<Warning>,
    /// Name of the encoding the bytes were decoded from (`UTF-8`, `GB18030`, …).
    pub encoding: &'static str,
}

/// Decode and normalize raw input bytes. Never fails, never panics, linear in the input.
///
/// Source lines end at LF, CRLF or a lone CR. A form feed starts a new page: inside a line
/// it also ends the line; right after a line end (as `pdftotext` writes it) it ends
/// nothing, so it adds no blank line. When the text holds any form feed every line (and
/// warning) gets `page: Some(n)`, else `None`.
///
/// Warnings, at most one of each code per source line, in this order: undecodable bytes,
/// control characters removed, markup kept as text.
pub fn normalize(bytes: &[u8]) -> Normalized {
    normalize_decoded(&decode(bytes))
}

/// [`normalize`] for text already decoded with [`decode`] (a caller that needs the text
/// itself, such as a shape reader, decodes once).
pub fn normalize_decoded(decoded: &Decoded) -> Normalized {
    normalize_text(&decoded.text, decoded.encoding, &decoded.replaced)
}

/// [`normalize_decoded`] for decoded text held elsewhere, such as the input itself when
/// [`decode_borrowed`] takes it: `encoding` and `replaced` as in [`Decoded`].
///
/// ```
/// let bytes = "项目名称\t 养老 (保险)\n".as_bytes();
/// let text = annex_normalize::decode_borrowed(bytes).unwrap_or_default();
/// let n = annex_normalize::normalize_text(text, "UTF-8", &[]);
/// assert_eq!(n.lines[0].text, annex_normalize::normalize(bytes).lines[0].text);
/// ```
pub fn normalize_text(text: &str, encoding: &'static str, replaced: &[Replacement]) -> Normalized {
    normalize_inner(text, encoding, replaced, &mut LinePool::default(), true)
}

/// [`normalize_text`] with the lines' strings (and the vector of lines) taken from `pool`,
/// where a caller that reads many inputs one after another gives them back
/// ([`LinePool::give`]) once it is done with the lines: no allocation per line once the
/// pool holds enough. The result is the same as [`normalize_text`]'s.
///
/// ```
/// let mut pool = annex_normalize::LinePool::default();
/// for _ in 0..2 {
///     let n = annex_normalize::normalize_text_with("a: b\n项目 (1)\n", "UTF-8", &[], &mut pool);
///     assert_eq!(n.lines, annex_normalize::normalize_text("a: b\n项目 (1)\n", "UTF-8", &[]).lines);
///     pool.give(n.lines);
/// }
/// ```
pub fn normalize_text_with(
    text: &str,
    encoding: &'static str,
    replaced: &[Replacement],
    pool: &mut LinePool,
) -> Normalized {
    normalize_inner(text, encoding, replaced, pool, false)
}

/// Strings and vectors of [`Line`]s kept from one input to the next, so that reading many
/// inputs in a row does not allocate (and free) a string per line of each
/// ([`normalize_text_with`]). What it keeps is bounded: very long strings and vectors, and
/// more strings than a large input has lines, are freed rather than kept.
#[derive(Debug, Default)]
pub struct LinePool {
    strings: Vec<String>,
    vectors: Vec<Vec<Line>>,
}

impl LinePool {
    /// At most this many strings are kept (an input of ~600 lines, the usual annex, needs
    /// that many; a larger input reuses what there is and allocates the rest).
    const MAX_STRINGS: usize = 1 << 12;
    /// A string with more room than this (bytes) is freed rather than kept: with
    /// [`Self::MAX_STRINGS`], a pool holds at most 4 MiB of strings.
    const MAX_STRING: usize = 1 << 10;
    /// At most this many vectors of lines are kept.
    const MAX_VECTORS: usize = 4;
    /// A vector with room for more lines than this is freed rather than kept.
    const MAX_VECTOR: usize = 1 << 16;

    /// An empty pool (as `default`, usable in a `const` context such as a thread local).
    pub const fn new() -> Self {
        LinePool {
            strings: Vec::new(),
            vectors: Vec::new(),
        }
    }

    /// An empty string, with room when one was given back.
    pub fn string(&mut self) -> String {
        self.strings.pop().unwrap_or_default()
    }

    /// Room a string of the pool is made with at least: most lines then fit in any string
    /// given back, which a string of exactly its first line's size would not (and growing
    /// it would copy it whole).
    const MIN_STRING: usize = 96;

    /// `text` in a string of the pool when one has room for it, else in a new one: of
    /// [`Self::MIN_STRING`] bytes at least unless `exact` (a pooled reader's), else of the
    /// exact size. A string of the pool too small for `text` is freed.
    fn string_for(&mut self, text: &str, exact: bool) -> String {
        if text.is_empty() {
            return String::new();
        }
        let mut s = match self.strings.pop() {
            Some(s) if s.capacity() >= text.len() => s,
            // Too small: freed, not kept for a shorter line. Kept, it would stay on top
            // while a new string is made for each longer line, and the pool would grow
            // with every input read (up to its bound) instead of staying at the size of
            // the longest input's lines.
            _ => Self::new_string(text.len(), exact),
        };
        s.push_str(text);
        s
    }

    fn new_string(len: usize, exact: bool) -> String {
        String::with_capacity(if exact {
            len
        } else {
            len.max(Self::MIN_STRING)
        })
    }

    /// An empty vector of lines with room for at least `capacity` lines.
    pub fn lines(&mut self, capacity: usize) -> Vec<Line> {
        let mut v = self.vectors.pop().unwrap_or_default();
        v.reserve(capacity);
        v
    }

    /// Give back a string (its text is dropped).
    pub fn give_string(&mut self, mut s: String) {
        if s.capacity() > 0
            && s.capacity() <= Self::MAX_STRING
            && self.strings.len() < Self::MAX_STRINGS
        {
            s.clear();
            self.strings.push(s);
        }
    }

    /// Give back lines once done with them: their strings and the vector are kept.
    pub fn give(&mut self, mut lines: Vec<Line>) {
        for line in lines.drain(..) {
            self.give_string(line.text);
        }
        if lines.capacity() > 0
            && lines.capacity() <= Self::MAX_VECTOR
            && self.vectors.len() < Self::MAX_VECTORS
        {
            self.vectors.push(lines);
        }
    }
}

fn normalize_inner(
    text: &str,
    encoding: &'static str,
    replaced: &[Replacement],
    pool: &mut LinePool,
    shrink: bool,
) -> Normalized {
    let bytes = text.as_bytes();
    // Sized for lines of 48 bytes on average, without a pass to count them (budget tables
    // average nearer 60): most texts fit without growing, and one of much longer lines
    // gives the room back at the end (unless the vector goes back to a pool).
    let mut lines = pool.lines(bytes.len() / 48 + 1);
    let mut warnings = Vec::new();
    let mut scratch = Scratch::default();
    let mut notes = Notes::default();
    let mut replaced = replaced.iter().peekable();
    // A line that needs work is built here, then copied once into a string of its exact size.
    let mut out = String::new();

    // Pages are noted as they come; whether the text has any is known at its end (every
    // form feed turns the page, so there is one exactly when the last page is not 1).
    // Until then the lines of page 1 are given no page, and get it at the end if the text
    // turns out to have pages, so that text without (most) needs no second pass.
    let (mut pos, mut number, mut page) = (0usize, 1u32, 1u32);
    loop {
        // Form feeds at a line start change the page and end no line.
        while bytes.get(pos) == Some(&0x0C) {
            page = page.saturating_add(1);
            pos += 1;
        }
        if pos >= bytes.len() {
            break;
        }
        let start = pos;
        out.clear();
        let page_of_line = (page > 1).then_some(page);
        // One scan finds the line end and canonicalizes the line, unless it holds a
        // control character: then the line is found, cleaned and canonicalized apart.
        let fast = canon::source_line_into(text, start, &mut scratch, &mut notes, &mut out);
        // A line no cell of which needed work is taken from `text` as it stands.
        let (end, line_text) = match fast {
            Some(SourceLine::Verbatim { end, keep }) => {
                (end, text.get(start..keep).unwrap_or_default())
            }
            Some(SourceLine::Built { end }) => (end, out.as_str()),
            None => {
                let end = bytes
                    .get(start..)
                    .and_then(|rest| memchr::memchr3(b'\n', b'\r', 0x0C, rest))
                    .map_or(bytes.len(), |k| start + k);
                let (clean, removed) = remove_controls(text.get(start..end).unwrap_or_default());
                out.clear();
                notes = Notes::default();
                canon::line_into(&clean, &mut scratch, &mut notes, &mut out);
                // Warnings in order: undecodable bytes, control characters, markup.
                line_warnings(
                    &mut warnings,
                    &mut replaced,
                    end,
                    encoding,
                    number,
                    page_of_line,
                );
                if let Some((count, first)) = removed {
                    warnings.push(Warning {
                        code: WarningCode::ControlChars,
                        message: format!(
                            "removed {count} control character{} (first U+{:04X})",
                            plural(count),
                            u32::from(first)
                        ),
                        line: Some(number),
                        page: page_of_line,
                    });
                }
                (end, out.as_str())
            }
        };
        if fast.is_some() && replaced.peek().is_some_and(|r| r.offset < end) {
            line_warnings(
                &mut warnings,
                &mut replaced,
                end,
                encoding,
                number,
                page_of_line,
            );
        }
        if notes.unclosed > 0 {
            warnings.push(Warning {
                code: WarningCode::UnclosedMarkup,
                message: format!(
                    "{} unclosed markup construct{} kept as text, first at `{}`",
                    notes.unclosed,
                    plural(notes.unclosed as usize),
                    notes.first.as_deref().unwrap_or_default()
                ),
                line: Some(number),
                page: page_of_line,
            });
            notes = Notes::default();
        }

        let line_string = pool.string_for(line_text, shrink);
        lines.push(Line {
            text: line_string,
            first: number,
            last: number,
            page: page_of_line,
        });

        let crlf = bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n');
        if bytes.get(end) == Some(&0x0C) {
            page = page.saturating_add(1);
        }
        number = number.saturating_add(1);
        pos = end + if crlf { 2 } else { 1 };
    }
    if shrink && lines.capacity() > 2 * lines.len() + 16 {
        lines.shrink_to_fit();
    }
    if page > 1 {
        // The text has pages: what was left without one is on page 1.
        for line in &mut lines {
            line.page.get_or_insert(1);
        }
        for warning in &mut warnings {
            warning.page.get_or_insert(1);
        }
    }
    Normalized {
        lines,
        warnings,
        encoding,
    }
}

/// The [`WarningCode::UndecodableBytes`] warning of the source line `number` that ends at
/// byte `end`, if replacements were made in it (`replaced` holds those not yet reported).
fn line_warnings(
    warnings: &mut Vec<Warning>,
    replaced: &mut std::iter::Peekable<std::slice::Iter<'_, Replacement>>,
    end: usize,
    encoding: &str,
    number: u32,
    page: Option<u32>,
) {
    let (mut runs, mut bad_bytes) = (0usize, 0usize);
    while let Some(r) = replaced.next_if(|r| r.offset < end) {
        runs += 1;
        bad_bytes += r.len;
    }
    if runs > 0 {
        warnings.push(Warning {
            code: WarningCode::UndecodableBytes,
            message: format!(
                "{bad_bytes} byte{} not valid {} replaced by {runs} U+FFFD",
                plural(bad_bytes),
                encoding
            ),
            line: Some(number),
            page,
        });
    }
}

/// Canonical text form of a line: each `\t`-separated cell through [`canonical_text`],
/// joined with a single `\t`. Trailing empty cells are dropped; leading and inner empty
/// cells are kept, because they are cell positions.
///
/// ```
/// use annex_normalize::canonical_line;
/// assert_eq!(canonical_line("\t其中: 财政拨款\t14500\t\t"), "\t其中：财政拨款\t14500");
/// assert_eq!(canonical_line("<p>(2024 年度)</p>\t\t\t\t"), "（2024年度）");
/// ```
pub fn canonical_line(line: &str) -> String {
    line_with(line, &mut Scratch::default(), &mut Notes::default())
}

/// Canonical text form (SCHEMA.md) of one cell. Idempotent.
///
/// - markup removed: HTML tags (block tags and `<br>` become a space, inline tags vanish),
///   entities (`&nbsp;` `&amp;` `&#12288;` …), LaTeX (`$\geq 98\%$` → `≥98%`, `\text{…}`
///   unwrapped); a `<` that starts no known tag (`<5%`) and a `$` with no closing `$` are
///   text, as is broken markup;
/// - full-width ASCII → ASCII (`１２` → `12`, `ＡＰＰ` → `APP`, `％` → `%`), except
///   `．` (→ `.` only between digits) and the punctuation below; every Unicode space → a
///   space; control and zero-width characters removed;
/// - `，：；（）？！` when the nearest character on either side (spaces and these marks
///   aside) is CJK, else `,:;()?!`, whatever the input width; a matched bracket pair
///   switches together, an unmatched bracket stays as printed;
/// - no space next to a CJK character (ideographs, `。、` and the like, full-width forms);
///   other runs of white space one space; trimmed.
///
/// ```
/// use annex_normalize::canonical_text;
/// assert_eq!(canonical_text("全县企业职工退休人数 (2021 年 12 月以前)"), "全县企业职工退休人数（2021年12月以前）");
/// assert_eq!(canonical_text("1. 保证工作平稳运行。 2. 全力推进社会维稳工作, 保障民生。"),
///            "1.保证工作平稳运行。2.全力推进社会维稳工作，保障民生。");
/// assert_eq!(canonical_text("社会保险手机 APP 使用率"), "社会保险手机APP使用率");
/// assert_eq!(canonical_text("< 96%"), "< 96%");
/// ```
pub fn canonical_text(s: &str) -> String {
    // A little room for marks that widen (`:` → `：`), so that a name does not reallocate.
    let mut out = String::with_capacity(s.len() + 8);
    canonical_text_into(s, &mut out);
    out
}

/// [`canonical_text`] of `s` appended to `out`: a caller that canonicalizes many strings
/// can reuse one buffer.
///
/// ```
/// let mut out = String::from("x=");
/// annex_normalize::canonical_text_into("其中: 财政拨款", &mut out);
/// assert_eq!(out, "x=其中：财政拨款");
/// ```
pub fn canonical_text_into(s: &str, out: &mut String) {
    canon::canonical_text_into(s, out);
}

/// Whether `s` is known to be in canonical form already, from one scan of its bytes
/// (nothing to map, no space or switchable mark, no byte that may start markup): then
/// [`canonical_text`] of `s` is `s`, and a caller can keep `s` without a copy. `false` says
/// only that the scan could not tell (the text may still be canonical).
///
/// ```
/// assert!(annex_normalize::is_canonical("社会保险手机APP使用率"));
/// assert!(!annex_normalize::is_canonical("社会保险手机 APP 使用率"));
/// ```
#[must_use]
pub fn is_canonical(s: &str) -> bool {
    canon::is_canonical(s)
}

fn line_with(line: &str, scratch: &mut Scratch, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    canon::line_into(line, scratch, notes, &mut out);
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Control characters a line may not keep: C0 other than tab, DEL, and C1 (which only
/// appear in text decoded with the wrong table). Line ends never reach here.
fn is_line_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// `source` without control characters, plus how many were removed and the first one.
fn remove_controls(source: &str) -> (Cow<'_, str>, Option<(usize, char)>) {
    let mut count = 0;
    let mut first = None;
    let clean: String = source
        .chars()
        .filter(|&c| {
            if is_line_control(c) {
                count += 1;
                first.get_or_insert(c);
                false
            } else {
                true
            }
        })
        .collect();
    match first {
        Some(f) => (Cow::Owned(clean), Some((count, f))),
        None => (Cow::Borrowed(source), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Normalized) -> Vec<&str> {
        n.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn line_ends() {
        let cases: &[(&[u8], &[&str])] = &[
            (b"", &[]),
            (b"\n", &[""]),
            (b"a", &["a"]),
            (b"a\nb\n", &["a", "b"]),
            (b"a\r\nb\r\n", &["a", "b"]),
            (b"a\rb\r", &["a", "b"]),
            (b"a\n\nb", &["a", "", "b"]),
            (b"a\n\rb", &["a", "", "b"]),
            (b"a\r\n\r\nb", &["a", "", "b"]),
        ];
        for &(input, want) in cases {
            let n = normalize(input);
            assert_eq!(texts(&n), want, "input {input:?}");
            assert!(n.lines.iter().all(|l| l.page.is_none()));
            let numbers: Vec<u32> = n.lines.iter().map(|l| l.first).collect();
            let expected: Vec<u32> = (1..=u32::try_from(want.len()).unwrap_or(0)).collect();
            assert_eq!(numbers, expected);
        }
    }

    #[test]
    fn form_feeds_make_pages() {
        let n = normalize(b"a\n\x0Cb\nc\x0Cd\n\x0C");
        let got: Vec<(&str, u32, Option<u32>)> = n
            .lines
            .iter()
            .map(|l| (l.text.as_str(), l.first, l.page))
            .collect();
        assert_eq!(
            got,
            [
                ("a", 1, Some(1)),
                ("b", 2, Some(2)),
                ("c", 3, Some(2)),
                ("d", 4, Some(3))
            ]
        );
    }

    #[test]
    fn control_chars_removed_with_one_warning_per_line() {
        let n = normalize(b"a\0\tb\0\x07\nok\n\x1B[0m");
        assert_eq!(texts(&n), ["a\tb", "ok", "[0m"]);
        let got: Vec<(WarningCode, Option<u32>)> =
            n.warnings.iter().map(|w| (w.code, w.line)).collect();
        assert_eq!(
            got,
            [
                (WarningCode::ControlChars, Some(1)),
                (WarningCode::ControlChars, Some(3))
            ]
        );
        assert_eq!(
            n.warnings[0].message,
            "removed 3 control characters (first U+0000)"
        );
    }

    #[test]
    fn undecodable_bytes_warn_at_their_line() {
        let n = normalize(b"\xE5\xB9\xB4\n\xE5\xBA\xA6\x80\x80\n"); // 年 度
        assert_eq!(n.encoding, "UTF-8");
        assert_eq!(texts(&n), ["年", "度\u{FFFD}\u{FFFD}"]);
        assert_eq!(n.warnings.len(), 1);
        assert_eq!(n.warnings[0].code, WarningCode::UndecodableBytes);
        assert_eq!(n.warnings[0].line, Some(2));
        assert_eq!(
            n.warnings[0].message,
            "2 bytes not valid UTF-8 replaced by 2 U+FFFD"
        );
    }

    #[test]
    fn unclosed_markup_warns() {
        let n = normalize(b"ok\n<td \xE9\xA1\xB9\xE7\x9B\xAE\t$\\frac{1}{\n");
        assert_eq!(texts(&n), ["ok", "<td项目\t$\\frac{1}{"]);
        assert_eq!(n.warnings.len(), 1);
        assert_eq!(n.warnings[0].code, WarningCode::UnclosedMarkup);
        assert_eq!(n.warnings[0].line, Some(2));
        assert!(
            n.warnings[0]
                .message
                .starts_with("3 unclosed markup constructs"),
            "{}",
            n.warnings[0].message
        );
    }

    /// Pieces for [`one_scan_matches_line_by_line`]: controls (C0, DEL, C1), characters
    /// that share the C1 lead byte, tabs, spaces, marks and markup.
    const LINE_PIECES: &[&str] = &[
        "a",
        "1",
        "年度",
        " ",
        "  ",
        "\t",
        "\t\t",
        "\0",
        "\x07",
        "\x1B",
        "\x7F",
        "\u{85}",
        "\u{90}",
        "\u{9F}",
        "\u{A0}",
        "\u{AD}",
        "°",
        "·",
        "，",
        ":",
        "(",
        "）",
        "．",
        "\u{3000}",
        "<p>",
        "&amp;",
        "$\\geq 9$",
        "$",
        "<td ",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The scan that finds line ends and canonicalizes in the same pass gives what
        /// removing the controls of each line and then [`canonical_line`] give.
        #[test]
        fn one_scan_matches_line_by_line(
            lines in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(LINE_PIECES), 0..12),
                1..5,
            ),
            crlf in proptest::bool::ANY,
        ) {
            let lines: Vec<String> = lines.iter().map(|p| p.concat()).collect();
            let end = if crlf { "\r\n" } else { "\n" };
            let text: String = lines.iter().flat_map(|l| [l.as_str(), end]).collect();
            let n = normalize(text.as_bytes());
            proptest::prop_assert_eq!(n.lines.len(), lines.len());
            for (k, (got, line)) in n.lines.iter().zip(&lines).enumerate() {
                let (clean, removed) = remove_controls(line);
                proptest::prop_assert_eq!(&got.text, &canonical_line(&clean), "line {:?}", line);
                let number = u32::try_from(k + 1).unwrap_or(0);
                let warned = n
                    .warnings
                    .iter()
                    .any(|w| w.code == WarningCode::ControlChars && w.line == Some(number));
                proptest::prop_assert_eq!(warned, removed.is_some());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Lines made with strings of a pool (given back after each text, so that later
        /// texts reuse them) are those [`normalize_text`] makes.
        #[test]
        fn pooled_lines_match_fresh(
            texts in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(&["a", "年度", " ", "\t", "\n", "\r\n", "\x0C", "(", "\0", "<p>", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"][..]),
                    0..40,
                ),
                1..6,
            ),
        ) {
            let mut pool = LinePool::new();
            for pieces in &texts {
                let text = pieces.concat();
                let fresh = normalize_text(&text, "UTF-8", &[]);
                let pooled = normalize_text_with(&text, "UTF-8", &[], &mut pool);
                proptest::prop_assert_eq!(&pooled.lines, &fresh.lines);
                proptest::prop_assert_eq!(&pooled.warnings, &fresh.warnings);
                pool.give(pooled.lines);
            }
        }
    }

    /// Reading the same inputs again and again through one pool keeps it at the size of
    /// their lines: strings too small for a later line are freed, not piled up (a pool
    /// that grew with every input made a batch's peak RSS grow with the corpus).
    #[test]
    fn pool_does_not_grow_with_inputs() {
        let short = "a\nb\nc\n";
        let long = format!("{}\n{}\n", "x".repeat(200), "y".repeat(300));
        let mut pool = LinePool::new();
        let mut sizes = Vec::new();
        for round in 0..50 {
            let text = if round % 2 == 0 {
                short.to_owned()
            } else {
                long.clone()
            };
            let lines = normalize_text_with(&text, "UTF-8", &[], &mut pool).lines;
            pool.give(lines);
            sizes.push(pool.strings.len());
        }
        assert!(sizes.iter().all(|&n| n <= 4), "pool sizes: {sizes:?}");
    }

    #[test]
    fn cells() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("\t\t\t", ""),
            ("a\t\t\t", "a"),
            ("\t\ta", "\t\ta"),
            ("a\t\tb\t", "a\t\tb"),
            ("a\t <br> \tb", "a\t\tb"),
            (
                "<h2 style=\"margin: 0;\">部门项目支出预算绩效目标表</h2>\t\t\t\t",
                "部门项目支出预算绩效目标表",
            ),
            (
                "绩效指标\t产出指标\t数量指标 (必填硬性指标)\t全县机关事业单位退休人员\t4670 人",
                "绩效指标\t产出指标\t数量指标（必填硬性指标）\t全县机关事业单位退休人员\t4670人",
            ),
            (
                "项目属性\t0101-一年期项目\t项目期\t1 年\t",
                "项目属性\t0101-一年期项目\t项目期\t1年",
            ),
        ];
        for &(input, want) in cases {
            assert_eq!(canonical_line(input), want, "input {input:?}");
        }
    }
}
