//! Removal of the markup OCR engines leave in text: HTML tags and entities, LaTeX math.
//!
//! One left-to-right pass over the bytes of a cell; no recursion. Nesting (`\text{…}`,
//! math braces) lives on an explicit stack capped at [`MAX_DEPTH`]. Every look-ahead is
//! either bounded ([`MAX_TAG_LEN`], entity length) or cached so that repeated failures do
//! not rescan the rest of the cell, keeping the pass linear even on 10,000 dangling tags.
//!
//! What is not markup stays as text: a `<` not followed by a known tag name (`<5%`,
//! `< 96%`), a `$` with no closing `$`, an unknown `\command`, an unknown `&entity;`.
//! What looks like markup but is broken (a known tag with no `>`, `$\…` never closed,
//! `\text{` with no `}`, nesting deeper than the limit) also stays as text, and is
//! reported through [`Notes`] so the caller can warn.

/// The longest HTML tag we look for a `>` in: attributes in OCR output are short, and a
/// bound keeps a `<td` with no `>` from scanning the rest of a 500 KB cell.
pub(crate) const MAX_TAG_LEN: usize = 1024;
/// Deepest nesting of LaTeX groups we unwrap; deeper groups are kept as text.
pub(crate) const MAX_DEPTH: usize = 256;
/// Longest entity name (`&thinsp;`, `&#x1F600;`) we look for a `;` in.
const MAX_ENTITY_LEN: usize = 12;

/// What the markup pass could not take apart.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Notes {
    /// How many markup constructs were left unclosed (or too deep) and kept as text.
    pub unclosed: u32,
    /// The start of the first of them, for the warning message.
    pub first: Option<String>,
}

impl Notes {
    fn unclosed(&mut self, s: &str, at: usize) {
        self.unclosed = self.unclosed.saturating_add(1);
        if self.first.is_none() {
            let tail = s.get(at..).unwrap_or_default();
            self.first = Some(tail.chars().take(24).collect());
        }
    }
}

/// Whether `s` holds a byte that can start markup; when not, the markup pass is a no-op.
pub(crate) fn may_have_markup(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b'<' | b'&' | b'$' | b'\\'))
}

/// Remove markup from one cell. `None` when nothing was removed or replaced.
pub(crate) fn strip(s: &str, notes: &mut Notes) -> Option<String> {
    if !may_have_markup(s) {
        return None;
    }
    let mut p = Pass::new(s, notes);
    p.run();
    p.changed.then_some(p.out)
}

/// What a `}` does when it closes a group we opened.
#[derive(Debug, Clone, Copy)]
enum Close {
    /// The group only groups (`{…}` in math): the brace vanishes.
    Drop,
    /// The argument of `\text{…}` and kin: the brace vanishes; spaces inside are text.
    Text,
    /// The numerator of `\frac{a}{b}`: becomes `/`, and the `{` of the denominator vanishes.
    Numerator,
}

struct Pass<'a, 'n> {
    s: &'a str,
    b: &'a [u8],
    out: String,
    notes: &'n mut Notes,
    changed: bool,
    stack: Vec<Close>,
    /// How many [`Close::Text`] entries `stack` holds.
    text_groups: usize,
    /// Byte position of the `$` that closes the math span we are in.
    math_close: Option<usize>,
    /// Stack height when the math span opened: its braces may not close outer groups.
    math_base: usize,
    /// Cached next `$` at or after some position; `usize::MAX` when there is none.
    next_dollar: Option<usize>,
    /// Cached next `>`, same idea.
    next_gt: Option<usize>,
    /// Cached next `-->`, same idea.
    next_comment_end: Option<usize>,
    /// Matching brace pairs `(open, close)` sorted by `open`, computed on first need.
    braces: Option<Vec<(usize, usize)>>,
}

impl<'a, 'n> Pass<'a, 'n> {
    fn new(s: &'a str, notes: &'n mut Notes) -> Self {
        Self {
            s,
            b: s.as_bytes(),
            out: String::with_capacity(s.len()),
            notes,
            changed: false,
            stack: Vec::new(),
            text_groups: 0,
            math_close: None,
            math_base: 0,
            next_dollar: None,
            next_gt: None,
            next_comment_end: None,
            braces: None,
        }
    }

    fn run(&mut self) {
        let mut i = 0;
        let mut copied = 0;
        while let Some(&c) = self.b.get(i) {
            let in_math = self.math_close.is_some();
            let special = match c {
                b'<' | b'&' | b'$' | b'\\' => true,
                b'}' => self.stack.len() > self.math_base,
                b'{' => in_math || !self.stack.is_empty(),
                b'^' => in_math,
                // TeX ignores spaces in math (`$3 \times 4$` is `3×4`), not inside `\text{}`.
                b' ' => in_math && self.text_groups == 0,
                _ => false,
            };
            if !special {
                i += 1;
                continue;
            }
            self.out.push_str(self.s.get(copied..i).unwrap_or_default());
            copied = i;
            let consumed = match c {
                b'<' => self.tag(i),
                b'&' => self.entity(i),
                b'$' => self.dollar(i),
                b'\\' => self.command(i),
                b'{' => self.open_brace(i),
                b'}' => self.close_brace(i),
                b'^' => self.caret(i),
                _ => Some(i + 1),
            };
            match consumed {
                Some(end) => {
                    self.changed = true;
                    i = end;
                    copied = end;
                }
                // Kept as text: it is copied with the next run of plain bytes.
                None => i += 1,
            }
        }
        self.out.push_str(self.s.get(copied..).unwrap_or_default());
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn find_cached(
        cache: &mut Option<usize>,
        hay: &[u8],
        from: usize,
        needle: &[u8],
    ) -> Option<usize> {
        if let Some(pos) = *cache {
            if pos == usize::MAX {
                return None;
            }
            if pos >= from {
                return Some(pos);
            }
        }
        let found = hay
            .get(from..)
            .unwrap_or_default()
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from);
        *cache = Some(found.unwrap_or(usize::MAX));
        found
    }

    // ---- HTML ----

    fn tag(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        if b.get(i + 1..i + 4) == Some(b"!--") {
            let end = Self::find_cached(&mut self.next_comment_end, b, i + 4, b"-->");
            if end.is_none() {
                self.notes.unclosed(self.s, i);
            }
            return end.map(|e| e + 3);
        }
        let mut j = i + 1;
        let declaration = matches!(self.at(j), b'!' | b'?');
        if declaration || self.at(j) == b'/' {
            j += 1;
        }
        let name_start = j;
        if !self.at(j).is_ascii_alphabetic() {
            return None;
        }
        while self.at(j).is_ascii_alphanumeric() {
            j += 1;
        }
        let name = self.s.get(name_start..j).unwrap_or_default();
        let kind = if declaration {
            Some(TagKind::Block)
        } else {
            tag_kind(name.as_bytes())
        };
        let kind = kind?;
        // `<p>`, `<br/>`, `<td class=…>`: anything else after the name (`<b中`) is not a tag.
        let next = self.at(j);
        if !(next == b'>' || next == b'/' || next.is_ascii_whitespace() || next == 0) {
            return None;
        }
        match Self::find_cached(&mut self.next_gt, b, j, b">") {
            Some(gt) if gt - i <= MAX_TAG_LEN => {
                if kind == TagKind::Block {
                    self.out.push(' ');
                }
                Some(gt + 1)
            }
            _ => {
                self.notes.unclosed(self.s, i);
                None
            }
        }
    }

    fn entity(&mut self, i: usize) -> Option<usize> {
        let rest = self.b.get(i + 1..).unwrap_or_default();
        let limit = rest.len().min(MAX_ENTITY_LEN + 1);
        let semi = rest.get(..limit)?.iter().position(|&c| c == b';')?;
        let name = std::str::from_utf8(rest.get(..semi)?).ok()?;
        let ch = if let Some(num) = name.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        } else {
            named_entity(name)?
        };
        self.out.push(ch);
        Some(i + 1 + semi + 1)
    }

    // ---- LaTeX ----

    fn dollar(&mut self, i: usize) -> Option<usize> {
        if let Some(close) = self.math_close {
            if close == i {
                // Groups opened inside the span end with it, closed or not.
                self.stack.truncate(self.math_base);
                self.text_groups = self
                    .stack
                    .iter()
                    .filter(|c| matches!(c, Close::Text))
                    .count();
                self.math_close = None;
                self.math_base = 0;
                return Some(i + 1);
            }
            return None;
        }
        if let Some(close) = Self::find_cached(&mut self.next_dollar, self.b, i + 1, b"$") {
            self.math_close = Some(close);
            self.math_base = self.stack.len();
            return Some(i + 1);
        }
        // A lone `$` is text (a price, a typo); one followed by a command was math.
        if self.at(i + 1) == b'\\' {
            self.notes.unclosed(self.s, i);
        }
        None
    }

    fn command(&mut self, i: usize) -> Option<usize> {
        let j = i + 1;
        let c = self.at(j);
        if !c.is_ascii_alphabetic() {
            let rep = match c {
                b'%' => "%",
                b'{' => "{",
                b'}' => "}",
                b'_' => "_",
                b'#' => "#",
                // `\\` ends a tabular row, `\ ` `\,` `\;` `\:` `\!` are spacing.
                b'\\' | b' ' | b',' | b';' | b':' | b'!' => " ",
                _ => return None,
            };
            self.out.push_str(rep);
            return Some(j + 1);
        }
        let mut k = j;
        while self.at(k).is_ascii_alphabetic() {
            k += 1;
        }
        let name = self.s.get(j..k).unwrap_or_default();
        // TeX ignores spaces after a control word: `\geq 98` is `≥98`.
        let mut after = k;
        while self.at(after) == b' ' {
            after += 1;
        }
        if let Some(sym) = latex_symbol(name) {
            self.out.push_str(sym);
            return Some(after);
        }
        match name {
            "text" | "mathrm" | "textrm" | "textbf" | "mathbf" | "mbox" | "textit" | "mathit"
            | "operatorname" | "emph" | "mathsf" | "textsf" => {
                if self.open_group(after, Close::Text) {
                    return Some(after + 1);
                }
                self.notes.unclosed(self.s, i);
                None
            }
            "frac" | "dfrac" | "tfrac" => {
                let num_close = self.group_close(after);
                let ok = num_close.is_some_and(|c| self.group_close(c + 1).is_some());
                if ok && self.open_group(after, Close::Numerator) {
                    return Some(after + 1);
                }
                self.notes.unclosed(self.s, i);
                None
            }
            "left" | "right" | "displaystyle" | "limits" | "nolimits" | "big" | "Big" | "bigl"
            | "bigr" | "Bigl" | "Bigr" => Some(after),
            _ => None,
        }
    }

    /// In math, `{…}` only groups: the braces vanish.
    fn open_brace(&mut self, i: usize) -> Option<usize> {
        if self.open_group(i, Close::Drop) {
            return Some(i + 1);
        }
        self.notes.unclosed(self.s, i);
        None
    }

    fn close_brace(&mut self, i: usize) -> Option<usize> {
        match self.stack.pop()? {
            Close::Drop => Some(i + 1),
            Close::Text => {
                self.text_groups = self.text_groups.saturating_sub(1);
                Some(i + 1)
            }
            Close::Numerator => {
                self.out.push('/');
                // The denominator's `{` is there: `open_group` checked both groups.
                if self.at(i + 1) == b'{' && self.stack.len() < MAX_DEPTH {
                    self.stack.push(Close::Drop);
                    Some(i + 2)
                } else {
                    Some(i + 1)
                }
            }
        }
    }

    /// `^{\circ}` and `^\circ` are a degree sign; other superscripts stay as printed.
    fn caret(&mut self, i: usize) -> Option<usize> {
        let rest = self.b.get(i + 1..).unwrap_or_default();
        for pat in [&b"{\\circ}"[..], b"\\circ"] {
            if rest.starts_with(pat) {
                self.out.push('°');
                return Some(i + 1 + pat.len());
            }
        }
        None
    }

    /// Push a group opened by the `{` at `open`, if it closes (inside the math span, if
    /// in one) and the stack has room.
    fn open_group(&mut self, open: usize, close: Close) -> bool {
        if self.at(open) != b'{' || self.stack.len() >= MAX_DEPTH {
            return false;
        }
        let Some(end) = self.group_close(open) else {
            return false;
        };
        if self.math_close.is_some_and(|m| end > m) {
            return false;
        }
        if matches!(close, Close::Text) {
            self.text_groups += 1;
        }
        self.stack.push(close);
        true
    }

    /// Position of the `}` matching the `{` at `open`.
    fn group_close(&mut self, open: usize) -> Option<usize> {
        if self.at(open) != b'{' {
            return None;
        }
        let b = self.b;
        let pairs = self.braces.get_or_insert_with(|| match_braces(b));
        let k = pairs.binary_search_by_key(&open, |&(o, _)| o).ok()?;
        pairs.get(k).map(|&(_, c)| c)
    }
}

/// All matching `{`/`}` pairs of a cell in one pass (an explicit stack, no recursion),
/// skipping TeX escapes `\{` `\}`.
fn match_braces(b: &[u8]) -> Vec<(usize, usize)> {
    let mut open = Vec::new();
    let mut pairs = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'{' => open.push(i),
            b'}' => {
                if let Some(o) = open.pop() {
                    pairs.push((o, i));
                }
            }
            _ => {}
        }
        i += 1;
    }
    pairs.sort_unstable();
    pairs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// Ends a block of text: becomes a space so words on either side stay apart.
    Block,
    /// Styling inside a run of text: vanishes.
    Inline,
}

fn tag_kind(name: &[u8]) -> Option<TagKind> {
    const BLOCK: &[&str] = &[
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "meta",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    ];
    const INLINE: &[&str] = &[
        "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "img", "ins", "kbd",
        "label", "mark", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "u",
    ];
    if name.len() > 10 {
        return None;
    }
    // The lists are lowercase: compared without a lowercase copy of the name.
    let is = |list: &[&str]| list.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(name));
    if is(BLOCK) {
        Some(TagKind::Block)
    } else if is(INLINE) {
        Some(TagKind::Inline)
    } else {
        None
    }
}

/// The tag that starts with the `<` at byte `i` of `b`, when [`strip`] removes it as
/// `Pass::tag` does (a known tag name, a `>` within [`MAX_TAG_LEN`]) and it is no
/// comment: the byte after its `>`, and whether it is a block tag (which becomes a
/// space; an inline one vanishes). Its `>` is looked for only up to the cell's end: the
/// first tab, line end or form feed after `i` (the caller's cell ends there), and no
/// further than a control character.
pub(crate) fn simple_tag(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    if at(i) != b'<' || b.get(i + 1..i + 4) == Some(b"!--") {
        return None;
    }
    let mut j = i + 1;
    let declaration = matches!(at(j), b'!' | b'?');
    if declaration || at(j) == b'/' {
        j += 1;
    }
    let name_start = j;
    if !at(j).is_ascii_alphabetic() {
        return None;
    }
    while at(j).is_ascii_alphanumeric() {
        j += 1;
    }
    let kind = if declaration {
        TagKind::Block
    } else {
        tag_kind(b.get(name_start..j)?)?
    };
    // (The markup pass also takes a name at the cell's end, whose `>` is then missing.)
    let next = at(j);
    if !(next == b'>' || next == b'/' || next.is_ascii_whitespace()) {
        return None;
    }
    // Not across a control character either: the caller's line is not cleaned of them
    // (`C2` may start a C1 control; giving up on `°` too is only slower).
    let rest = b.get(j..)?;
    let gt = j + rest
        .iter()
        .position(|&c| c == b'>' || c < 0x20 || c == 0x7F || c == 0xC2)?;
    (at(gt) == b'>' && gt - i <= MAX_TAG_LEN).then_some((gt + 1, kind == TagKind::Block))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "ge" => '≥',
        "le" => '≤',
        "times" => '×',
        "divide" => '÷',
        "plusmn" => '±',
        "middot" => '·',
        "deg" => '°',
        "yen" => '¥',
        "percnt" => '%',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "laquo" => '«',
        "raquo" => '»',
        "sim" => '~',
        _ => return None,
    })
}

fn latex_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "geq" | "ge" | "geqslant" => "≥",
        "leq" | "le" | "leqslant" => "≤",
        "times" => "×",
        "div" => "÷",
        "sim" => "~",
        "approx" => "≈",
        "neq" | "ne" => "≠",
        "pm" => "±",
        "cdot" => "·",
        "circ" | "degree" => "°",
        "infty" => "∞",
        "ldots" | "cdots" | "dots" => "…",
        "to" | "rightarrow" => "→",
        "percent" => "%",
        "quad" | "qquad" | "hline" => " ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (String, u32) {
        let mut notes = Notes::default();
        let out = strip(s, &mut notes).unwrap_or_else(|| s.to_owned());
        (out, notes.unclosed)
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str, u32)] = &[
            // HTML: block tags become a space, inline tags vanish.
            (r#"<h2 style="margin: 0;">部门</h2>"#, " 部门 ", 0),
            ("<p>(2024 年度)</p>", " (2024 年度) ", 0),
            ("a<br>b<br/>c<BR />d", "a b c d", 0),
            ("<td colspan=2>x", " x", 0),
            ("满意<b>度</b>", "满意度", 0),
            ("<!-- ocr -->x", "x", 0),
            // Not tags: text.
            ("<5%", "<5%", 0),
            ("< 96%", "< 96%", 0),
            ("a<b中", "a<b中", 0),
            ("x <y> z", "x <y> z", 0),
            // Broken tags: text, reported.
            ("<td 项目", "<td 项目", 1),
            ("<!-- open", "<!-- open", 1),
            // Entities.
            ("a&nbsp;b&amp;c&lt;d&gt;", "a b&c<d>", 0),
            ("&#12288;&#x4E00;", "\u{3000}一", 0),
            ("&bogus; & &#0; &#xZZ;", "&bogus; & &#0; &#xZZ;", 0),
            // LaTeX.
            (r"$\geq 98\%$", "≥98%", 0),
            (r"\geq 95\%", "≥95%", 0),
            (r"$\leq 5$", "≤5", 0),
            (r"$3 \times 4$", "3×4", 0),
            (r"$1 \sim 12$ 月", "1~12 月", 0),
            (r"$\text{达到 a} \geq 90$", "达到 a≥90", 0),
            (r"\text{a{b}c}", "abc", 0),
            (r"$25^{\circ}C$ $25^\circ$", "25°C 25°", 0),
            (r"$\frac{1}{2}$", "1/2", 0),
            (r"$\mathrm{m}^{2}$", "m^2", 0),
            (r"\left( x \right)", "( x )", 0),
            (r"price $5", "price $5", 0),
            (r"$\frac{1}{", r"$\frac{1}{", 2),
            (r"\text{abc", r"\text{abc", 1),
            (r"\unknown{x}", r"\unknown{x}", 0),
        ];
        for &(input, want, unclosed) in cases {
            assert_eq!(run(input), (want.to_owned(), unclosed), "input {input:?}");
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!("${}x{}$", "{".repeat(10_000), "}".repeat(10_000));
        let (out, unclosed) = run(&deep);
        assert!(out.contains('x'));
        assert!(unclosed > 0);
        let tags = "<div>".repeat(10_000) + "x" + &"</div>".repeat(10_000);
        assert_eq!(run(&tags).0.trim(), "x");
    }

    #[test]
    fn many_dangling_tags_are_linear() {
        // Each `<td` has no `>`: without the cached search this is quadratic.
        let s = "<td ".repeat(100_000);
        let (out, unclosed) = run(&s);
        assert_eq!(out, s);
        assert_eq!(unclosed, 100_000);
    }
}
