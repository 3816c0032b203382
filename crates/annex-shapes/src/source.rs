//! Decoded text → source lines (number, page), and the page-break noise filter.

use std::collections::BTreeMap;

use annex_normalize::{Warning, WarningCode, canonical_text};

/// One source line of the decoded text, as printed (spacing kept: layout needs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SrcLine<'a> {
    pub text: &'a str,
    /// 1-based source line number.
    pub number: u32,
    /// 1-based page when the text holds a form feed.
    pub page: Option<u32>,
    /// Whether `text` holds a `<` (can hold a tag): found while the line ends are, so
    /// the detection asks no line again. Most lines hold none.
    pub angle: bool,
    /// What the page-noise filter, the region split and the shape evidence ask of every
    /// line, told once when the line is split off ([`BLANK`], [`PAGE_CANDIDATE`],
    /// [`TITLE_CANDIDATE`], [`PIPED`]): each of them looks at the line's first or last
    /// bytes, which are at hand then.
    pub flags: u8,
}

/// In [`SrcLine::flags`]: the line is white space only (`trim_start` leaves nothing).
pub(crate) const BLANK: u8 = 1;
/// In [`SrcLine::flags`]: the line may be a page number ([`is_page_number`] without its
/// canonicalizing tail: short enough, and not turned away by [`surely_not_page_number`]).
pub(crate) const PAGE_CANDIDATE: u8 = 2;
/// In [`SrcLine::flags`]: the line may be a form title (`detect::may_be_title`).
pub(crate) const TITLE_CANDIDATE: u8 = 4;
/// In [`SrcLine::flags`]: the line starts with `|`, leading white space aside.
pub(crate) const PIPED: u8 = 8;
/// In [`SrcLine::flags`], set by [`drop_page_noise`] on the lines it drops: a page number.
const NUMBERED: u8 = 16;
/// In [`SrcLine::flags`], set by [`drop_page_noise`] on the lines it drops: a running page
/// header or footer.
const DROPPED: u8 = 32;

impl<'a> SrcLine<'a> {
    /// A line and what its [`flags`](SrcLine::flags) say of it.
    #[inline]
    pub fn new(text: &'a str, number: u32, page: Option<u32>, angle: bool) -> Self {
        SrcLine {
            text,
            number,
            page,
            angle,
            flags: line_flags(text, angle),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.flags & BLANK != 0
    }
}

/// [`SrcLine::flags`] of a line: each flag is the general test it stands for (tests hold
/// them to each other).
#[allow(clippy::inline_always)]
#[inline(always)]
fn line_flags(text: &str, angle: bool) -> u8 {
    let b = text.as_bytes();
    let skip = b
        .iter()
        .position(|c| !matches!(c, 0x09..=0x0D | b' '))
        .unwrap_or(b.len());
    // Most lines (every table row) start with an ideograph other than `第页共`, after
    // tabs or spaces at most: then the line is not blank, not piped, and surely no page
    // number (that ideograph comes before any byte that can start markup, the bytes
    // before it being ASCII white space: see [`surely_not_page_number`]).
    let ideograph_first = matches!(b.get(skip), Some(0xE4..=0xE9))
        && !matches!(
            b.get(skip..skip + 3),
            Some(b"\xE7\xAC\xAC" | b"\xE9\xA1\xB5" | b"\xE5\x85\xB1")
        );
    let mut flags = 0;
    if !ideograph_first {
        // `skip` follows ASCII bytes only: a character boundary.
        let t = trim_start(text.get(skip..).unwrap_or_default());
        match t.as_bytes().first() {
            None => flags |= BLANK,
            Some(b'|') => flags |= PIPED,
            Some(_) => {}
        }
        if text.len() <= MAX_EDGE_LINE && !surely_not_page_number(text) {
            flags |= PAGE_CANDIDATE;
        }
    }
    if crate::detect::may_be_title(text, angle) {
        flags |= TITLE_CANDIDATE;
    }
    flags
}

/// Whether `hay` holds the three bytes `n` in a row (in UTF-8 text and for the encoding
/// of a three-byte character: whether the text holds that character). Sixteen starting
/// positions a step, tested with no branch per byte, which the compiler makes a vector
/// test; lines are short, and this is what turns most of them away.
pub(crate) fn contains3(hay: &[u8], n: [u8; 3]) -> bool {
    let len = hay.len();
    if len < 18 {
        return hay.windows(3).any(|w| w == n);
    }
    // Windows of 18 bytes test the 16 starts `i..i + 16`; the last one is moved back to
    // end at the end (starts tested twice do no harm), so no byte is left to a slow tail.
    let mut i = 0;
    loop {
        let Some(w) = hay.get(i..).and_then(|r| r.first_chunk::<18>()) else {
            return false;
        };
        let mut hit = 0u8;
        for k in 0..16 {
            hit |= u8::from(w[k] == n[0]) & u8::from(w[k + 1] == n[1]) & u8::from(w[k + 2] == n[2]);
        }
        if hit != 0 {
            return true;
        }
        if i + 18 >= len {
            return false;
        }
        i = (i + 16).min(len - 18);
    }
}

/// `text.trim_start()`, with the usual bytes decided without decoding a character: the
/// ASCII white space (`09..=0D` and the space, each a whole character) is skipped byte by
/// byte, and then an ASCII byte, or the lead byte of an ideograph (`E4..=E9`,
/// U+4000..=U+9FFF, none of them white space), starts no white space. Most lines start
/// so, or with tabs (the continuation rows of a tab-separated table) and then so.
pub(crate) fn trim_start(text: &str) -> &str {
    let b = text.as_bytes();
    let skip = b
        .iter()
        .position(|c| !matches!(c, 0x09..=0x0D | b' '))
        .unwrap_or(b.len());
    // `skip` follows ASCII bytes only: a character boundary.
    let rest = text.get(skip..).unwrap_or_default();
    match rest.as_bytes().first() {
        None => rest,
        Some(&c) if c.is_ascii() || (0xE4..=0xE9).contains(&c) => rest,
        _ => rest.trim_start(),
    }
}

/// Split decoded text into source lines exactly as `annex_normalize::normalize` numbers
/// them (LF, CRLF or lone CR end a line; a form feed starts a page and, inside a line,
/// ends it), so that line numbers in warnings agree whichever reader ran.
pub(crate) fn source_lines(text: &str) -> Vec<SrcLine<'_>> {
    // One vectorized pass tells whether anything but LF ends a line.
    if memchr::memchr2(b'\r', 0x0C, text.as_bytes()).is_none() {
        return lf_lines(text);
    }
    any_lines(text, text.contains('\x0C'))
}

/// [`source_lines`] in general: LF, CRLF, CR and form feeds.
fn any_lines(text: &str, paged: bool) -> Vec<SrcLine<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut pos, mut number, mut page) = (0usize, 1u32, 1u32);
    loop {
        while bytes.get(pos) == Some(&0x0C) {
            page = page.saturating_add(1);
            pos += 1;
        }
        if pos >= bytes.len() {
            break;
        }
        let rest = &bytes[pos..];
        let (end, next) = match rest.iter().position(|&b| matches!(b, b'\n' | b'\r' | 0x0C)) {
            None => (bytes.len(), bytes.len()),
            Some(k) => {
                let end = pos + k;
                let crlf = rest.get(k) == Some(&b'\r') && rest.get(k + 1) == Some(&b'\n');
                (end, end + if crlf { 2 } else { 1 })
            }
        };
        let line = text.get(pos..end).unwrap_or_default();
        out.push(SrcLine::new(
            line,
            number,
            paged.then_some(page),
            memchr::memchr(b'<', line.as_bytes()).is_some(),
        ));
        if bytes.get(end) == Some(&0x0C) {
            page = page.saturating_add(1);
        }
        number = number.saturating_add(1);
        pos = next;
    }
    out
}

/// [`source_lines`] of text with no CR and no form feed: only LF ends a line, and one
/// `memchr2` pass over the text finds them all, and the `<` of each line on the way. With
/// AVX2 its searcher is made once here rather than looked up and made again at each of
/// the tens of thousands of calls that its iterator makes (one per line end).
fn lf_lines(text: &str) -> Vec<SrcLine<'_>> {
    #[cfg(target_arch = "x86_64")]
    if let Some(two) = memchr::arch::x86_64::avx2::memchr::Two::new(b'\n', b'<') {
        return lf_lines_at(text, two.iter(text.as_bytes()));
    }
    lf_lines_at(text, memchr::memchr2_iter(b'\n', b'<', text.as_bytes()))
}

/// [`lf_lines`], given the positions of every `\n` and `<` of the text, in order.
fn lf_lines_at(text: &str, stops: impl Iterator<Item = usize>) -> Vec<SrcLine<'_>> {
    let mut out = Vec::with_capacity(text.len() / 48 + 1);
    let (mut start, mut number, mut angle) = (0, 1u32, false);
    for end in stops {
        if text.as_bytes().get(end) == Some(&b'<') {
            angle = true;
            continue;
        }
        out.push(SrcLine::new(
            text.get(start..end).unwrap_or_default(),
            number,
            None,
            angle,
        ));
        number = number.saturating_add(1);
        start = end + 1;
        angle = false;
    }
    if start < text.len() {
        out.push(SrcLine::new(
            text.get(start..).unwrap_or_default(),
            number,
            None,
            angle,
        ));
    }
    out
}

/// Longest line (in bytes) that can be page-edge noise: a page number, a running header or
/// footer. Longer lines are never canonicalized to be compared, which keeps a hostile
/// single line cheap.
const MAX_EDGE_LINE: usize = 512;

/// A page number as printed at a page's foot or head: `— 3 —`, `-3-`, `第3页 共12页`,
/// `第 3 页`, `3/12`, `Page 3 of 12`. Judged on the canonical text of the whole line.
pub(crate) fn is_page_number(line: &str) -> bool {
    // However spaced, a page number is a short line: a long one is not worth canonicalizing.
    if line.len() > MAX_EDGE_LINE || surely_not_page_number(line) {
        return false;
    }
    canonical_is_page_number(line)
}

/// [`is_page_number`] of a source line, whose quick "no" is in its flags (what
/// [`drop_page_noise`] asks, remembering the verdicts).
#[cfg(test)]
fn is_page_line(line: &SrcLine<'_>) -> bool {
    line.flags & PAGE_CANDIDATE != 0 && canonical_is_page_number(line.text)
}

/// The rest of [`is_page_number`], for the few lines the quick "no" lets through: kept
/// apart so that the per-line check sets up no frame for the strings made here.
#[inline(never)]
fn canonical_is_page_number(line: &str) -> bool {
    // Canonical first: full-width digits and spaces become the grammar's forms.
    let canon = if line.contains('\t') {
        canonical_text(&line.replace('\t', " "))
    } else {
        canonical_text(line)
    };
    annex_grammar::vocab::is_page_number(&canon)
}

/// A quick and exact "no" for [`is_page_number`], without canonicalizing: the line is
/// ASCII white space only (its canonical text is empty), or it holds an ideograph
/// (`U+4000..=U+9FFF`, UTF-8 lead byte `E4..=E9`) other than `第页共` before any byte that
/// can start markup (`<&$\\`) and any full-width form the canonical form maps to one
/// (`＜＆＄＼`).
///
/// Why that is exact: markup is removed only from a byte that can start it onwards, so
/// the text before the first such byte is kept by the markup pass; the character mapping
/// changes no ideograph (not a space, not invisible, not full-width) and makes markup
/// only from those four full-width forms, so the ideograph is still in the canonical
/// text, before any markup, round after round. `vocab::is_page_number` accepts no
/// ideograph but `第页共`. Most lines (every table row) are rejected at their first
/// ideograph. The same holds for `%`, `≥` and `≤` (the mapping makes them no other
/// character, and no page number holds them), which turn away rows of a value alone.
fn surely_not_page_number(line: &str) -> bool {
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'<' | b'&' | b'$' | b'\\' => return false,
            // `%`, `≥` (E2 89 A5) and `≤` (E2 89 A4): kept as they are, like an ideograph,
            // and in no page number (`-3%`, `≥90%` rows of values).
            b'%' => return true,
            0xE2 if matches!(b.get(i + 1..i + 3), Some([0x89, 0xA4 | 0xA5])) => return true,
            // ＄ U+FF04, ＆ U+FF06, ＜ U+FF1C, ＼ U+FF3C.
            0xEF if matches!(b.get(i + 1..i + 3), Some([0xBC, 0x84 | 0x86 | 0x9C | 0xBC])) => {
                return false;
            }
            0xE4..=0xE9 => {
                // 第 U+7B2C, 页 U+9875, 共 U+5171.
                let ch = b.get(i..i + 3);
                if !matches!(
                    ch,
                    Some(b"\xE7\xAC\xAC" | b"\xE9\xA1\xB5" | b"\xE5\x85\xB1")
                ) {
                    return true;
                }
                i += 3;
            }
            _ => i += 1,
        }
    }
    // No ideograph: only a line of ASCII white space is surely none.
    b.iter().all(u8::is_ascii_whitespace)
}

/// Is this line something the grammar reads as a page header by itself (a form title, a
/// 年度 line, the indicator column-header row)? Those are left to it.
fn grammar_page_header(canon: &str) -> bool {
    let joined: String = canon.split('\t').map(str::trim).collect();
    annex_grammar::vocab::is_form_title(&joined)
        || annex_grammar::vocab::fiscal_year(&joined).is_some()
        || (!joined.is_empty()
            && canon
                .split(['\t', ' ', '|'])
                .filter(|c| !c.trim().is_empty())
                .all(|c| annex_grammar::vocab::is_column_header(c.trim())))
}

/// Drop page-break noise from source lines: page numbers anywhere, and running headers
/// and footers (the same text at the edge of two or more pages, where a page edge is the
/// start of the text, a form feed or a page number). The first printing of a running
/// header at the very start of the text is kept: on page 1 it is the document's heading
/// (`附件2：…`), which the grammar wants once and would read as a new document if it came
/// back inside a table.
///
/// Repeated form titles, 年度 lines and column-header rows are left for the grammar, which
/// already reads them as page headers inside a table.
pub(crate) fn drop_page_noise<'a>(
    mut lines: Vec<SrcLine<'a>>,
    warnings: &mut Vec<Warning>,
) -> Vec<SrcLine<'a>> {
    // Page heads (the first non-blank line of the text and every one after a boundary)
    // and page feet (every one before a boundary), kept apart: a running header repeats
    // among heads. A boundary between two non-blank lines that are no page numbers is a
    // page change or a page number between them. One pass, which also marks the page
    // numbers ([`NUMBERED`]): `prev` is the last such line, `numbered_since` whether a
    // page number stood after it.
    let mut heads: Vec<(usize, bool)> = Vec::new(); // (line index, after a boundary)
    let mut feet: Vec<usize> = Vec::new();
    let fits = |l: &SrcLine<'_>| l.text.len() <= MAX_EDGE_LINE;
    let (mut prev, mut numbered_since): (Option<usize>, bool) = (None, false);
    let mut dropped = false;
    // The verdict of each page-number candidate's text, remembered: it depends on the
    // text alone, and the few texts that get this far repeat (`— 3 —`, a heading in
    // markup on every page), each costing a canonical text.
    let mut verdicts: BTreeMap<&str, bool> = BTreeMap::new();
    for i in 0..lines.len() {
        let line = lines[i];
        let numbered = line.flags & PAGE_CANDIDATE != 0
            && *verdicts
                .entry(line.text)
                .or_insert_with(|| canonical_is_page_number(line.text));
        if numbered {
            lines[i].flags |= NUMBERED;
            dropped = true;
            numbered_since = true;
            continue;
        }
        if line.is_blank() {
            continue;
        }
        match prev {
            None if fits(&line) => heads.push((i, false)),
            Some(p) if lines[p].page != line.page || numbered_since => {
                if fits(&lines[p]) {
                    feet.push(p);
                }
                if fits(&line) {
                    heads.push((i, true));
                }
            }
            _ => {}
        }
        prev = Some(i);
        numbered_since = false;
    }
    // Each edge's key, made once per distinct text (a running header repeats as is).
    let mut made: BTreeMap<&str, String> = BTreeMap::new();
    let mut key = |i: usize| {
        let t = lines[i].text;
        made.entry(t)
            .or_insert_with(|| {
                if t.contains('\t') {
                    canonical_text(&t.replace('\t', " "))
                } else {
                    canonical_text(t)
                }
            })
            .clone()
    };
    let mut drop: Vec<usize> = Vec::new();
    // Repeated on at least two pages and on at least half of them: a table row that
    // happens to end two pages (the same row in two tables) is not a running footer.
    // Each edge's key is made once, and whether the grammar reads it as a page header is
    // asked once per distinct key (it depends on the key alone).
    let mut mark = |edges: &[(usize, bool)]| {
        let keys: Vec<String> = edges.iter().map(|&(i, _)| key(i)).collect();
        let mut counts: BTreeMap<&str, (usize, Option<bool>)> = BTreeMap::new();
        for k in &keys {
            counts.entry(k.as_str()).or_default().0 += 1;
        }
        for (&(i, after_boundary), k) in edges.iter().zip(&keys) {
            let Some((n, header)) = counts.get_mut(k.as_str()) else {
                continue;
            };
            if after_boundary
                && *n >= 2
                && *n * 2 >= edges.len()
                && !*header.get_or_insert_with(|| grammar_page_header(k))
            {
                drop.push(i);
            }
        }
    };
    mark(&heads);
    mark(&feet.iter().map(|&i| (i, true)).collect::<Vec<_>>());
    for i in drop {
        if let Some(l) = lines.get_mut(i) {
            l.flags |= DROPPED;
            dropped = true;
        }
    }
    // Most texts have page numbers, but when nothing goes, the lines stay as they are.
    if dropped {
        lines.retain(|line| {
            if line.flags & (NUMBERED | DROPPED) == 0 {
                return true;
            }
            warnings.push(furniture_warning(line, line.flags & NUMBERED != 0));
            false
        });
    }
    lines
}

/// The `page_furniture` warning for a line [`drop_page_noise`] drops: a page number, or a
/// running page header or footer.
#[cold]
#[inline(never)]
fn furniture_warning(line: &SrcLine<'_>, page_number: bool) -> Warning {
    let what = if page_number {
        "page number"
    } else {
        "running page header or footer"
    };
    Warning {
        code: WarningCode::PageFurniture,
        message: format!("{what} `{}` dropped (a page break)", line.text.trim()),
        line: Some(line.number),
        page: line.page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `angle` as found on the way (LF-only text, one `memchr2` pass; CR and form feeds,
    /// per line) is whether the line's text holds a `<`.
    #[test]
    fn angle_is_a_lt_in_the_line() {
        for text in [
            "",
            "<",
            "a<b\n\n<td>x\ny<\n<",
            "<<\n<\nno\n",
            "a<\r\nb\r<c\x0C<d\n\x0Ce",
            "x\ny\n<p>\r",
        ] {
            let lines = source_lines(text);
            assert!(!lines.is_empty() || text.is_empty());
            for l in &lines {
                assert_eq!(l.angle, l.text.contains('<'), "{text:?}: {:?}", l.text);
            }
        }
    }

    /// Each flag of a source line is the general test it stands for.
    #[test]
    fn flags_as_general_tests() {
        let pieces = [
            "a", "中", "\n", "\n", "\t", " ", "\r", "\x0C", "\u{3000}", "|", "表", "绩", "<", "第",
            "3", "页", "—", "\x0B", "%", "\u{85}", "#",
        ];
        let mut seen = [0usize; 4];
        let pages = ["第", "3", "页", "共", "—", " ", "\n", "-", "中"];
        let texts = crate::random_texts(&pieces, 40_000, 10)
            .into_iter()
            .chain(crate::random_texts(&pages, 20_000, 6));
        for t in texts {
            for l in source_lines(&t) {
                let blank = l.text.trim_start().is_empty();
                assert_eq!(l.is_blank(), blank, "{:?}", l.text);
                assert_eq!(l.flags & BLANK != 0, blank, "{:?}", l.text);
                let piped = l.text.trim_start().starts_with('|');
                assert_eq!(l.flags & PIPED != 0, piped, "{:?}", l.text);
                let page = is_page_number(l.text);
                assert_eq!(is_page_line(&l), page, "{:?}", l.text);
                let title = crate::detect::may_be_title(l.text, l.text.contains('<'));
                assert_eq!(l.flags & TITLE_CANDIDATE != 0, title, "{:?}", l.text);
                for (k, yes) in [blank, piped, page, title].into_iter().enumerate() {
                    seen[k] += usize::from(yes);
                }
            }
        }
        assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
    }

    /// The forms themselves are tested with `annex_grammar::vocab::is_page_number`; this
    /// wrapper adds canonicalization (full-width digits, tabs) and the length guard.
    #[test]
    fn page_numbers() {
        for yes in ["－３－", "第\t3\t页", "第３页　共１２页"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["３．４３亿元", &"—".repeat(MAX_EDGE_LINE)] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    /// The quick "no" never says no to a line the general test accepts, whatever markup,
    /// full-width forms, entities and ideographs it holds; and it says it to most lines.
    #[test]
    fn quick_no_agrees_with_canonical_test() {
        let pieces = [
            "第",
            "页",
            "共",
            "项",
            "中",
            "3",
            "12",
            "１",
            "/",
            "-",
            "—",
            "－",
            " ",
            "\t",
            "\u{3000}",
            "Page",
            "of",
            "，",
            ",",
            "<p>",
            "</p>",
            "<br>",
            "<",
            ">",
            "&#31532;",
            "&#x4E2D;",
            "&lt;",
            "&nbsp;",
            "&",
            ";",
            "＜",
            "ｐ",
            "＞",
            "＆",
            "$",
            "\\text{",
            "\\geq",
            "}",
            "<!--中-->",
            "<span title=\"中\">",
            "\u{200B}",
            "%",
            "＄",
            "＼",
            "（",
            "：",
            "ｌｔ；",
            "＆ｌｔ；",
            "　",
            "&#36;",
            "x",
            "P",
            "%",
            ".",
            "Ｘ",
            "≥",
            "≤",
            "％",
            "≧",
            "&ge;",
            "9%",
        ];
        let slow =
            |l: &str| annex_grammar::vocab::is_page_number(&canonical_text(&l.replace('\t', " ")));
        let plain = [
            "第", "页", "共", "项", "3", "12", "１", "/", "-", "—", " ", "\t", "Page", "of",
        ];
        let (mut quick, mut pages) = (0, 0);
        let texts = crate::random_texts(&pieces, 40_000, 6)
            .into_iter()
            .chain(crate::random_texts(&plain, 40_000, 5));
        for t in texts {
            let page = slow(&t);
            pages += usize::from(page);
            if surely_not_page_number(&t) {
                quick += 1;
                assert!(!page, "{t:?}");
            }
            assert_eq!(is_page_number(&t), page, "{t:?}");
        }
        for t in [
            "第3页",
            "－３－",
            "第\t3\t页",
            "<p>第3页</p>",
            "&#31532;3页",
            "第3页<br>共4页",
        ] {
            assert!(!surely_not_page_number(t) && is_page_number(t), "{t}");
        }
        assert!(pages > 300 && quick > 5_000, "{pages} {quick}");
    }

    #[test]
    fn trim_start_as_std() {
        for c in (0..=0x3_0000).filter_map(char::from_u32) {
            for t in [
                format!("{c}"),
                format!("{c}x"),
                format!("{c} \u{3000}y"),
                format!("\t\t{c}"),
                format!(" \t\r\n\x0B\x0C{c}\u{3000}z"),
                format!("\t{c}\t"),
            ] {
                assert_eq!(trim_start(&t), t.trim_start(), "{:04X}", u32::from(c));
            }
        }
        for t in ["", " ", "\t\t", "\t \u{3000}", "\u{85}\t", " \u{A0}\ta"] {
            assert_eq!(trim_start(t), t.trim_start(), "{t:?}");
        }
    }

    #[test]
    fn lf_lines_as_any_lines() {
        let pieces = ["a", "中", "\n", "\n", "\t", " ", "\r", "\x0C", "\r\n", "<"];
        let long = [
            "a",
            "中",
            "\n",
            "\t",
            "<",
            "abcdefghijklmn",
            "中中中中中",
            "\n\n",
            "\r",
        ];
        let mut fast = 0;
        let texts = crate::random_texts(&pieces, 20_000, 8)
            .into_iter()
            .chain(crate::random_texts(&long, 20_000, 40));
        for t in texts {
            let general = any_lines(&t, t.contains('\x0C'));
            assert_eq!(source_lines(&t), general, "{t:?}");
            if !t.contains(['\r', '\x0C']) {
                fast += 1;
                assert_eq!(lf_lines(&t), general, "{t:?}");
                let portable = memchr::memchr2_iter(b'\n', b'<', t.as_bytes());
                assert_eq!(lf_lines_at(&t, portable), general, "{t:?}");
            }
        }
        assert!(fast > 1000, "{fast}");
    }

    /// `drop_page_noise` as it was (edges found from a list of non-blank lines, a new
    /// vector out), to hold the one-pass version to.
    fn old_drop_page_noise<'a>(
        lines: Vec<SrcLine<'a>>,
        warnings: &mut Vec<Warning>,
    ) -> Vec<SrcLine<'a>> {
        let numbered: Vec<bool> = lines.iter().map(|l| is_page_number(l.text)).collect();
        // Page boundary *before* line i: a page change, or a page number line just above.
        let nonblank: Vec<usize> = (0..lines.len())
            .filter(|&i| !lines[i].is_blank() && !numbered[i])
            .collect();
        // Page heads (the first line of the text and every line after a boundary) and page
        // feet (every line before one), kept apart: a running header repeats among heads.
        let mut heads: Vec<(usize, bool)> = Vec::new(); // (line index, after a boundary)
        let mut feet: Vec<usize> = Vec::new();
        for (k, &i) in nonblank.iter().enumerate() {
            let prev = k.checked_sub(1).map(|p| nonblank[p]);
            let boundary_before = prev.is_some_and(|p| {
                lines[p].page != lines[i].page || numbered[p + 1..i].iter().any(|&b| b)
            });
            let boundary_after = nonblank.get(k + 1).is_some_and(|&n| {
                lines[n].page != lines[i].page || numbered[i + 1..n].iter().any(|&b| b)
            });
            if lines[i].text.len() > MAX_EDGE_LINE {
                continue;
            }
            if prev.is_none() || boundary_before {
                heads.push((i, boundary_before));
            }
            if boundary_after {
                feet.push(i);
            }
        }
        let key = |i: usize| canonical_text(&lines[i].text.replace('\t', " "));
        let mut drop = vec![false; lines.len()];
        // Repeated on at least two pages and on at least half of them: a table row that
        // happens to end two pages (the same row in two tables) is not a running footer.
        let mut mark = |edges: &[(usize, bool)]| {
            let mut counts: std::collections::BTreeMap<String, usize> =
                std::collections::BTreeMap::new();
            for &(i, _) in edges {
                *counts.entry(key(i)).or_default() += 1;
            }
            for &(i, after_boundary) in edges {
                let k = key(i);
                let n = counts.get(&k).copied().unwrap_or(0);
                if after_boundary && n >= 2 && n * 2 >= edges.len() && !grammar_page_header(&k) {
                    drop[i] = true;
                }
            }
        };
        mark(&heads);
        mark(&feet.iter().map(|&i| (i, true)).collect::<Vec<_>>());
        let mut out = Vec::with_capacity(lines.len());
        for (i, line) in lines.into_iter().enumerate() {
            if numbered[i] || drop[i] {
                warnings.push(furniture_warning(&line, numbered[i]));
                continue;
            }
            out.push(line);
        }
        out
    }

    #[test]
    fn page_noise_in_one_pass() {
        let pieces = [
            "附件2：某某表\n",
            "部门项目支出预算绩效目标表\n",
            "（2024年度）\n",
            "a\t1\n",
            "b\t2\n",
            "— 1 —\n",
            "第3页\n",
            "\n",
            " \n",
            "\x0C",
            "页脚\n",
            "名称\t一级指标\n",
            "x\r\n",
        ];
        let mut running = 0;
        for t in crate::random_texts(&pieces, 20_000, 14) {
            let (mut w1, mut w2) = (Vec::new(), Vec::new());
            let new = drop_page_noise(source_lines(&t), &mut w1);
            let old = old_drop_page_noise(source_lines(&t), &mut w2);
            assert_eq!(new, old, "{t:?}");
            assert_eq!(w1, w2, "{t:?}");
            running += usize::from(w1.iter().any(|w| w.message.starts_with("running")));
        }
        assert!(running > 500, "{running}");
    }

    #[test]
    fn running_header_dropped_after_breaks_only() {
        let text = "附件2：某某表\n部门项目支出预算绩效目标表\na\t1\n— 1 —\n附件2：某某表\nb\t2\n\x0C附件2：某某表\nc\t3\n";
        let mut w = Vec::new();
        let kept: Vec<&str> = drop_page_noise(source_lines(text), &mut w)
            .iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            kept,
            [
                "附件2：某某表",
                "部门项目支出预算绩效目标表",
                "a\t1",
                "b\t2",
                "c\t3"
            ]
        );
        assert_eq!(w.len(), 3);
    }
}
