//! The canonical text form of one cell (SCHEMA.md, "Canonical text form").
//!
//! Two stages: [`crate::markup`] removes OCR markup, then [`spacing_into`] maps characters and
//! fixes spaces and punctuation. The second stage can, in odd cases, create markup the
//! first would remove (full-width `＜ｐ＞` becomes `<p>`, a decoded `&lt;p&gt;` is a tag),
//! so [`cell_with_flags`] repeats both until nothing changes. That costs nothing on normal
//! text: a second round runs only when the output still holds `<`, `&`, `$` or `\`.

use std::cell::RefCell;

use crate::markup::{self, Notes};

/// Rounds of markup + spacing before giving up on a fixed point. Every round after the
/// first needs markup that the previous round created; real text never gets past two.
const MAX_ROUNDS: usize = 8;

/// Reusable buffers, so a file's cells do not each allocate their own.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The cell with characters mapped and white space folded, before any decision.
    mapped: String,
    /// Everything in `mapped` whose fate depends on its neighbours, in order.
    events: Vec<Event>,
    /// Indices into `events` of the opening brackets not matched yet.
    opens: Vec<usize>,
    /// The opening brackets [`fast_line`] has not matched yet in the cell it is in.
    fast_opens: [Open; FAST_DEPTH],
}

/// A character of [`Scratch::mapped`] that [`spacing_into`] decides on: a space, a
/// switchable punctuation mark or a `．`. Everything between two events is copied as is,
/// so the decisions cost nothing per plain CJK or ASCII character.
#[derive(Debug, Clone, Copy)]
struct Event {
    /// Byte offset in `mapped`.
    at: usize,
    /// What kind of event, worked out once: `b' '` for a space, `b'.'` for a `．`, else
    /// the ASCII form of the switchable mark ([`switchable`]).
    mark: u8,
    /// Length in bytes of the character in `mapped`.
    len: u8,
    /// What it becomes (for a space: a space; whether it is kept is decided last). Until
    /// decided, the character as mapped (a switchable mark still in its printed width).
    out: char,
    /// The nearest neighbour that is neither a space nor switchable is CJK, on either side.
    near: bool,
    /// CJK characters (switchable ones aside) before `at`; filled only when a bracket pair
    /// needs it ([`count_cjk_before`]).
    cjk_before: u32,
}

impl Event {
    fn end(&self) -> usize {
        self.at + usize::from(self.len)
    }

    fn is_space(&self) -> bool {
        self.mark == b' '
    }

    /// Spaces and switchable marks take their neighbours from beyond each other.
    fn is_transparent(&self) -> bool {
        self.mark != b'.'
    }
}

/// [`Event::mark`] of a mapped character, `None` when it is no event.
fn mark_of(c: char) -> Option<u8> {
    match c {
        ' ' => Some(b' '),
        '．' => Some(b'.'),
        // Every switchable form is ASCII or full-width, so the cast is exact.
        c => switchable(c).map(|a| a as u8),
    }
}

/// What [`map_and_fold`] saw, so that [`spacing_into`] skips the passes with nothing to do.
const HAS_DOT: u8 = 1;
/// A switchable mark (brackets included).
const HAS_MARK: u8 = 2;
/// A bracket, `(` `)` in either width.
const HAS_BRACKET: u8 = 4;

/// Canonical form of one cell; markup that could not be removed is counted in `notes`.
#[cfg(test)]
pub(crate) fn canonical_cell(s: &str, scratch: &mut Scratch, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(s.len());
    cell_with_flags(s, scan(s), scratch, notes, &mut out);
    out
}

/// The canonical form of one cell appended to `out`, for a caller with no [`Scratch`] of its own
/// ([`crate::canonical_text`], called by the grammar and the shape readers on names and
/// whole lines): [`spacing_fast`] takes most strings (its output is then canonical: it
/// gives up on markup), the others use a scratch kept per thread, so that its buffers are
/// not allocated and grown per call.
pub(crate) fn canonical_text_into(s: &str, out: &mut String) {
    thread_local! {
        static SCRATCH: RefCell<Scratch> = RefCell::default();
    }
    // Most strings need nothing, or only spaces and marks fixed: one pass, no scratch.
    if spacing_fast(s, out) {
        return;
    }
    let flags = scan(s);
    let mut notes = Notes::default();
    let done = SCRATCH
        .try_with(|scratch| {
            // Not re-entered today; a nested call would simply use a fresh scratch.
            let Ok(mut scratch) = scratch.try_borrow_mut() else {
                return false;
            };
            cell_with_flags(s, flags, &mut scratch, &mut notes, out);
            true
        })
        .unwrap_or(false);
    if !done {
        cell_with_flags(s, flags, &mut Scratch::default(), &mut notes, out);
    }
}

/// The canonical form of one cell appended to `out`, with the cell's [`scan`] already
/// done; a line's cells share one buffer.
fn cell_with_flags(s: &str, flags: u8, scratch: &mut Scratch, notes: &mut Notes, out: &mut String) {
    if flags == 0 {
        // Already canonical: nothing to map, no space or switchable mark, no markup.
        out.push_str(s);
        return;
    }
    let start = out.len();
    let stripped = if flags & MARKUP == 0 {
        None
    } else {
        markup::strip(s, notes)
    };
    let made_markup = match stripped.as_deref() {
        Some(text) => spacing_into(text, scratch, out),
        None if flags & SPACING != 0 => spacing_into(s, scratch, out),
        None => {
            out.push_str(s);
            false
        }
    };
    // Markup can only be left over from the input or made by mapping `＜` and kin.
    let first = out.get(start..).unwrap_or_default();
    if (flags & MARKUP == 0 && !made_markup) || !markup::may_have_markup(first) {
        return;
    }
    let mut cur = first.to_owned();
    for _ in 1..MAX_ROUNDS {
        // Notes only from the first round: later rounds see the same leftovers again.
        let Some(again) = markup::strip(&cur, &mut Notes::default()) else {
            break;
        };
        cur.clear();
        spacing_into(&again, scratch, &mut cur);
        if !markup::may_have_markup(&cur) {
            break;
        }
    }
    out.truncate(start);
    out.push_str(&cur);
}

/// Whether `c` makes [`spacing_into`] change anything: most cells (`绩效指标`, `14500`,
/// `100%`) hold none of these and are copied as they are. The rule as characters; the
/// code applies it through the byte tables ([`CLASS`], [`lead_needs_spacing`]), and a test
/// holds those to it for every character.
#[cfg(test)]
fn needs_spacing(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace() || c.is_ascii_control() || switchable(c).is_some();
    }
    c.is_whitespace() || ('\u{FF01}'..='\u{FF5E}').contains(&c) || is_dropped(c)
}

/// Byte classes, so that deciding whether a cell needs any work is one table look-up per
/// byte instead of decoding characters. An ASCII byte [`needs_spacing`] accepts (tab aside):
const SPACING: u8 = 1;
/// `<`, `&`, `$`, `\`: the bytes that can start markup ([`markup::may_have_markup`]).
const MARKUP: u8 = 2;
/// Lead byte of a UTF-8 sequence whose block holds a character [`needs_spacing`] accepts;
/// [`lead_needs_spacing`] looks at the sequence. Ideographs (leads `E4`–`E9`) never are,
/// so a CJK cell is scanned without decoding a character.
const LEAD: u8 = 4;
/// The cell separator of a line; inside a cell, white space like any other.
const TAB: u8 = 8;

static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b: u8 = 0;
    while b < 0x80 {
        if b.is_ascii_whitespace()
            || b.is_ascii_control()
            || matches!(b, b',' | b':' | b';' | b'(' | b')' | b'?' | b'!')
        {
            t[b as usize] = SPACING;
        }
        if matches!(b, b'<' | b'&' | b'$' | b'\\') {
            t[b as usize] = MARKUP;
        }
        b += 1;
    }
    t[b'\t' as usize] = TAB;
    t[0xC2] = LEAD;
    t[0xE1] = LEAD;
    t[0xE2] = LEAD;
    t[0xE3] = LEAD;
    t[0xEF] = LEAD;
    t
}

/// Whether the character whose lead byte is at `i` is one [`needs_spacing`] accepts,
/// from its UTF-8 bytes (the exhaustive test `byte_scan_matches_needs_spacing` holds
/// this to the character rule). Common CJK punctuation shares these lead bytes
/// (`。` is `E3 80 82`, `—` is `E2 80 94`), hence the look at the bytes that follow.
fn lead_needs_spacing(bytes: &[u8], i: usize) -> bool {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    let (b1, b2) = (at(1), at(2));
    match at(0) {
        // U+0080–U+00A0: C1 controls, U+0085, no-break space; U+00AD soft hyphen.
        0xC2 => matches!(b1, 0x80..=0xA0 | 0xAD),
        // U+1680 ogham space mark.
        0xE1 => b1 == 0x9A && b2 == 0x80,
        // U+2000–U+200D spaces and zero-width characters, U+2028, U+2029, U+202F;
        // U+205F, U+2060.
        0xE2 => match b1 {
            0x80 => matches!(b2, 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF),
            0x81 => matches!(b2, 0x9F | 0xA0),
            _ => false,
        },
        // U+3000 ideographic space.
        0xE3 => b1 == 0x80 && b2 == 0x80,
        // U+FEFF byte order mark; U+FF01–U+FF3F, U+FF40–U+FF5E full-width ASCII.
        0xEF => match b1 {
            0xBB => b2 == 0xBF,
            0xBC => b2 >= 0x81,
            0xBD => b2 <= 0x9E,
            _ => false,
        },
        _ => false,
    }
}

/// [`SPACING`] when some character of `s` [`needs_spacing`], [`MARKUP`] when some byte
/// can start markup. Exact, so a cell with neither is already canonical.
fn scan(s: &str) -> u8 {
    // No early exit and no branch per byte: the loop unrolls, and cells are short.
    let flags = s.bytes().fold(0, |acc, b| acc | CLASS[usize::from(b)]);
    resolve(s, flags)
}

/// [`crate::is_canonical`]: [`scan`] finds nothing to do, which is exact (see there).
pub(crate) fn is_canonical(s: &str) -> bool {
    scan(s) == 0
}

/// [`SPACING`] and [`MARKUP`] of cell `s` from the union of its byte classes.
fn resolve(s: &str, mut flags: u8) -> u8 {
    if flags & TAB != 0 {
        flags |= SPACING;
    }
    // Lead bytes only say "look closer", and only matter when nothing else needs spacing:
    // `。`, `—`, `“` share them with the characters that do.
    if flags & (LEAD | SPACING) == LEAD {
        let bytes = s.as_bytes();
        let mut leads = bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| CLASS[usize::from(b)] == LEAD);
        if leads.any(|(i, _)| lead_needs_spacing(bytes, i)) {
            flags |= SPACING;
        }
    }
    flags & (SPACING | MARKUP)
}

/// The canonical form of a line appended to `out`: each `\t`-separated cell canonical,
/// trailing empty cells dropped (see [`crate::canonical_line`]). One scan of the line
/// finds the cells that need work; the others (most: `绩效指标`, `14500`, `100%`) are
/// copied in runs together with the tabs between them.
pub(crate) fn line_into(line: &str, scratch: &mut Scratch, notes: &mut Notes, out: &mut String) {
    cells_into(line, scratch, notes, out);
}

/// How [`source_line_into`] left a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceLine {
    /// No cell needed work: the canonical line is `text[start..keep]` as it stands (trailing
    /// tabs cut), and nothing was written to `out`.
    Verbatim { end: usize, keep: usize },
    /// The canonical line was appended to `out`.
    Built { end: usize },
}

/// [`line_into`] of the source line of `text` that starts at byte `start`, found in the
/// same scan: the line ends at the first LF, CR or form feed (or the end of `text`), and
/// its end is returned. `None` when the line holds a control character that
/// [`crate::normalize`] removes first (C0 other than tab, DEL, C1): then `out` and
/// `notes` are partly written, and the caller starts over on the cleaned line.
///
/// Most lines need nothing but spaces and switchable marks fixed (full-width forms made
/// ASCII, plain HTML tags removed): [`fast_line`] does those in one scan. Any other line is left to [`source_line_cells`], which looks at
/// each cell that needs work alone.
pub(crate) fn source_line_into(
    text: &str,
    start: usize,
    scratch: &mut Scratch,
    notes: &mut Notes,
    out: &mut String,
) -> Option<SourceLine> {
    let before = out.len();
    if let Some(line) = fast_line(text, start, &mut scratch.fast_opens, out) {
        return Some(line);
    }
    out.truncate(before);
    source_line_cells(text, start, scratch, notes, out)
}

/// [`source_line_into`] for every line, a cell at a time.
///
/// The line is scanned for [`is_special`] bytes only, sixteen at a time, without looking
/// at tabs: a cell with no such byte is canonical as it stands ([`scan`] gives it no
/// flag) and is never looked at alone. At a special byte that needs work (a lead byte
/// only when [`lead_needs_spacing`]) the cell around it is found (the last tab before it,
/// the first tab or line end after it) and canonicalized as [`line_into`] does; the text
/// between such cells, tabs included, is copied as is. Trailing empty cells are dropped by
/// cutting the trailing tabs of the result: no canonical cell holds a tab (every white
/// space becomes a space or goes), so those tabs are exactly the separators after the last
/// non-empty cell. A proptest holds this to [`line_into`] on the cleaned line.
fn source_line_cells(
    text: &str,
    start: usize,
    scratch: &mut Scratch,
    notes: &mut Notes,
    out: &mut String,
) -> Option<SourceLine> {
    let bytes = text.as_bytes();
    // `text[copied..]` up to the next cell that needs work is canonical and not copied yet.
    let mut copied = start;
    // The start of the cell the scan is in.
    let mut cell_from = start;
    let mut i = start;
    let end = loop {
        i = next_special(bytes, i);
        let Some(&b) = bytes.get(i) else {
            break i;
        };
        let class = SOURCE_CLASS[usize::from(b)];
        if class & END != 0 {
            break i;
        }
        let mut flags = class & !CONTROL;
        if class & CONTROL != 0 && (b != 0xC2 || matches!(bytes.get(i + 1), Some(0x80..=0x9F))) {
            return None;
        }
        if flags == LEAD {
            if !lead_needs_spacing(bytes, i) {
                i += 1;
                continue;
            }
            flags = SPACING;
        }
        // The cell around `i` needs work. Before `i` it holds no special byte but lead
        // bytes that need nothing, which give it no flag.
        let cell_start = memchr::memrchr(b'\t', bytes.get(cell_from..i).unwrap_or_default())
            .map_or(cell_from, |k| cell_from + k + 1);
        let first = i - cell_start;
        i += 1;
        // The rest of the cell: eight bytes a step while no tab, line end or control is
        // among them (the look-ups are independent), then byte by byte.
        while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
            let classes = chunk
                .iter()
                .fold(0, |acc, &b| acc | SOURCE_CLASS[usize::from(b)]);
            if classes & (TAB | END | CONTROL) != 0 {
                break;
            }
            flags |= classes;
            i += 8;
        }
        let mut at_tab = false;
        while let Some(&b) = bytes.get(i) {
            let class = SOURCE_CLASS[usize::from(b)];
            if class & (TAB | END | CONTROL) != 0 {
                if class & TAB != 0 {
                    at_tab = true;
                    break;
                }
                if class & END != 0 {
                    break;
                }
                // `C2 A0`..`C2 BF` are no control characters; `C2 80`..`C2 9F` are.
                if b != 0xC2 || matches!(bytes.get(i + 1), Some(0x80..=0x9F)) {
                    return None;
                }
            }
            flags |= class & !CONTROL;
            i += 1;
        }
        let cell = text.get(cell_start..i).unwrap_or_default();
        let flags = resolve(cell, flags);
        if flags != 0 {
            out.push_str(text.get(copied..cell_start).unwrap_or_default());
            // Spaces and marks alone (most cells here): one pass, no scratch, and none over
            // the bytes before `first`.
            if flags != SPACING || !spacing_fast_from(cell, first, out) {
                cell_with_flags(cell, flags, scratch, notes, out);
            }
            copied = i;
        }
        if !at_tab {
            break i;
        }
        i += 1;
        cell_from = i;
    };
    if copied == start {
        let line = bytes.get(start..end).unwrap_or_default();
        let kept = line.iter().rposition(|&b| b != b'\t').map_or(0, |k| k + 1);
        return Some(SourceLine::Verbatim {
            end,
            keep: start + kept,
        });
    }
    out.push_str(text.get(copied..end).unwrap_or_default());
    let kept = out.trim_end_matches('\t').len();
    out.truncate(kept);
    Some(SourceLine::Built { end })
}

/// [`source_line_into`] in one scan for a line whose cells need nothing but ASCII spaces
/// and switchable marks fixed, full-width forms made ASCII and plain HTML tags removed,
/// the lines most often met. `None`, with `out` partly written, at the first byte that
/// needs more: other markup (entities, LaTeX, a comment, a tag the markup pass would not
/// take or warn about), a control character, other white space, `．`, a full-width `＜`
/// `＆` `＄` `＼`, a bracket [`spacing_fast`] gives up on; the caller then starts the
/// line over a cell at a time.
///
/// Exact: a line this path takes has only plain text, tabs, ASCII spaces, switchable
/// marks, full-width forms that map to ASCII and tags that [`markup::simple_tag`] reads
/// as the markup pass does, none of which makes markup. So [`source_line_cells`] would
/// copy each cell with none of these as it stands, and hand each other one to
/// [`cell_with_flags`]: its markup pass only removes those tags (a block tag becomes a
/// space, an inline one nothing; with no `$` or `\` it is in no math and no group), and
/// what is left goes to [`spacing_fast_from`] or, with a full-width form, to
/// [`spacing_general`], which maps it first and then decides on the mapped text exactly
/// as [`spacing_fast_from`] does on text with nothing to map: each run of spaces and
/// marks from the characters just outside it within its cell (as mapped), brackets
/// within the cell, a pair with neither run near CJK by the CJK between (left to the
/// cell path here unless only ASCII stands between); its output holds no markup, so
/// there is no second round. The same code runs here on the run where the scan finds it,
/// a tag taken into its run as the space or nothing it becomes, with the cell's ends read
/// off the bytes beside the run (a tab, a line end or the line start mean none) and its
/// neighbours mapped; the scan stops at tabs while a bracket is open, so that the cell's
/// open brackets are checked at its end. The text between runs is copied as it stands (a
/// full-width form mapped), tabs included, and trailing tabs are cut as there. A
/// proptest holds the two paths equal.
fn fast_line(
    text: &str,
    start: usize,
    opens: &mut [Open; FAST_DEPTH],
    out: &mut String,
) -> Option<SourceLine> {
    let bytes = text.as_bytes();
    // Where this line starts in `out`: a bracket widened at it has no space before it.
    let out_start = out.len();
    // `text[copied..]` up to the next run that changes is canonical and not copied yet.
    let mut copied = start;
    let mut depth = 0usize;
    let mut i = start;
    let end = loop {
        i = if depth == 0 {
            next_fast_stop::<false>(bytes, i)
        } else {
            next_fast_stop::<true>(bytes, i)
        };
        let Some(&b) = bytes.get(i) else {
            break i;
        };
        if matches!(b, b'\n' | b'\r' | 0x0C) {
            break i;
        }
        if b == b'\t' {
            // Only met with a bracket open: the cell ends here.
            if !opens_keep_width(opens, depth) {
                return None;
            }
            depth = 0;
            i += 1;
            continue;
        }
        // The most common run: one space before an ideograph. It goes (see below).
        if b == b' ' && ideograph_at(bytes, i + 1) {
            out.push_str(text.get(copied..i).unwrap_or_default());
            i += 1;
            copied = i;
            continue;
        }
        // The next most common: a switchable mark after an ideograph, spaces before it
        // allowed (`项目 (`, `元)`, `：`). It is printed full-width (see below).
        if let Some((pos, mark, len)) = mark_after_ideograph(bytes, start, i) {
            let ok = match mark {
                b'(' => depth < FAST_DEPTH,
                b')' => depth > 0 || len == 3,
                _ => true,
            };
            if ok {
                out.push_str(text.get(copied..i).unwrap_or_default());
                if mark == b'(' {
                    push_open(
                        opens,
                        &mut depth,
                        Open {
                            at: pos,
                            out_at: out.len(),
                            near: true,
                            printed_full: len == 3,
                        },
                    );
                } else if mark == b')' && depth > 0 {
                    depth -= 1;
                    let open = opens[depth];
                    if !open.near {
                        widen_open(out, out_start, open.out_at);
                    }
                }
                out.push(full_width(mark));
                i = pos + len;
                copied = i;
                continue;
            }
        }
        // A run of spaces, switchable marks and tags (a block tag is a space, an inline
        // one nothing).
        let run_start = i;
        let mut marks = false;
        let mut spaces = false;
        while let Some(&b) = bytes.get(i) {
            if b == b' ' {
                spaces = true;
                i += 1;
            } else if let Some((_, len)) = mark_at(bytes, i) {
                marks = true;
                i += len;
            } else if let Some((end, block)) =
                (b == b'<').then(|| markup::simple_tag(bytes, i)).flatten()
            {
                spaces |= block;
                i = end;
            } else {
                break;
            }
        }
        if i == run_start {
            // A byte [`is_fast_stop`] takes in for a cheaper test, or a lead byte that
            // needs nothing, is stepped over; anything else needs the cell path.
            let class = CLASS[usize::from(b)];
            if class == 0 || (class == LEAD && !lead_needs_spacing(bytes, i)) {
                i += 1;
                continue;
            }
            // A full-width form that becomes ASCII (`１` → `1`).
            if let Some(ascii) = full_width_form(bytes, i) {
                out.push_str(text.get(copied..i).unwrap_or_default());
                out.push(char::from(ascii));
                i += 3;
                copied = i;
                continue;
            }
            return None;
        }
        // The run's neighbours within its cell, as mapped.
        let left = match run_start.checked_sub(1).map(|k| bytes.get(k)) {
            Some(Some(&b)) if b != b'\t' && run_start > start => {
                char_before(text, run_start).map(mapped_form)
            }
            _ => None,
        };
        let right = match bytes.get(i) {
            None | Some(b'\t' | b'\n' | b'\r' | 0x0C) => None,
            Some(_) => char_after(text, i).map(mapped_form),
        };
        if !marks {
            // Only spaces: they fold into one space, kept between two non-CJK
            // characters. A lone space that stays is the input itself.
            let keep = spaces && keep_space(left, right);
            if keep && i == run_start + 1 {
                continue;
            }
            out.push_str(text.get(copied..run_start).unwrap_or_default());
            copied = i;
            if keep {
                out.push(' ');
            }
            continue;
        }
        let near = left.is_some_and(is_cjk) || right.is_some_and(is_cjk);
        out.push_str(text.get(copied..run_start).unwrap_or_default());
        copied = i;
        // As in `spacing_fast_from`: spaces fold, each mark takes the run's width, a
        // bracket pair switches together.
        let mut prev = left;
        let mut space = false;
        let mut pos = run_start;
        while pos < i {
            let Some((mark, len)) = mark_at(bytes, pos) else {
                // A space, or a tag: the run holds nothing else.
                if let Some((end, block)) = (bytes.get(pos) == Some(&b'<'))
                    .then(|| markup::simple_tag(bytes, pos))
                    .flatten()
                {
                    space |= block;
                    pos = end;
                } else {
                    space = true;
                    pos += 1;
                }
                continue;
            };
            let printed_full = len == 3;
            let full = mark_width(
                mark,
                near,
                printed_full,
                opens,
                &mut depth,
                text,
                pos,
                out,
                out_start,
            )?;
            prev = Some(write_mark(
                out,
                mark,
                full,
                space,
                prev,
                opens,
                &mut depth,
                Open {
                    at: pos,
                    out_at: 0,
                    near,
                    printed_full,
                },
            ));
            space = false;
            pos += len;
        }
        if space && keep_space(prev, right) {
            out.push(' ');
        }
    };
    if depth != 0 && !opens_keep_width(opens, depth) {
        return None;
    }
    if copied == start {
        let line = bytes.get(start..end).unwrap_or_default();
        let kept = line.iter().rposition(|&b| b != b'\t').map_or(0, |k| k + 1);
        return Some(SourceLine::Verbatim {
            end,
            keep: start + kept,
        });
    }
    out.push_str(text.get(copied..end).unwrap_or_default());
    let kept = out.trim_end_matches('\t').len();
    out.truncate(kept);
    Some(SourceLine::Built { end })
}

/// Whether the character at byte `i` of `bytes` (a character boundary) is an ideograph
/// that [`is_cjk`]: its UTF-8 lead `E5`..`E9` (U+5000..U+9FFF), or `E4` but for `E4 B7`
/// (U+4DC0..U+4DFF, hexagram symbols). A space before one is a run of one space (an
/// ideograph is no space, mark or tag) with a CJK neighbour, which [`fast_line`] drops:
/// the general handling of the run reaches the same, `keep_space` being false.
#[allow(clippy::inline_always)]
#[inline(always)]
fn ideograph_at(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(0xE5..=0xE9) => true,
        Some(0xE4) => bytes.get(i + 1).is_some_and(|&b| b != 0xB7),
        _ => false,
    }
}

/// For a stop at byte `i` of `bytes` in the line from `start`: when the run there is
/// spaces (maybe none) and then one switchable mark, with an ideograph that [`is_cjk`]
/// just before it, the mark's position, ASCII form and length in bytes.
///
/// Exact: the character before the run is that ideograph (a three-byte lead at `i - 3`,
/// not before `start`, is the character ending at `i`, `i` being a character boundary),
/// so the run is near CJK. The byte after the mark is no space, no `<` and no byte a
/// mark starts with, so the run ends there. [`fast_line`]'s run handling then drops the
/// spaces (`keep_space` is false after CJK), prints the mark full-width and, for a
/// bracket, does what [`fast_line`] does here: a `(` opens near CJK, a `)` closes the
/// last open bracket, widening it if it was not near, or with none open is kept only
/// if printed full-width.
#[allow(clippy::inline_always)]
#[inline(always)]
fn mark_after_ideograph(bytes: &[u8], start: usize, i: usize) -> Option<(usize, u8, usize)> {
    // Only a space or a byte a mark starts with begins such a run: other stops (lead
    // bytes, `<`) are not looked at further.
    if !matches!(
        bytes.get(i),
        Some(b' ' | b',' | b':' | b';' | b'?' | b'!' | b'(' | b')' | 0xEF)
    ) {
        return None;
    }
    let lead = i.checked_sub(3).filter(|&k| k >= start)?;
    if !ideograph_at(bytes, lead) {
        return None;
    }
    let mut pos = i;
    while bytes.get(pos) == Some(&b' ') {
        pos += 1;
    }
    let (mark, len) = mark_at(bytes, pos)?;
    match bytes.get(pos + len) {
        Some(b' ' | b'<' | b',' | b':' | b';' | b'?' | b'!' | b'(' | b')' | 0xEF) => None,
        _ => Some((pos, mark, len)),
    }
}

/// The ASCII form of the full-width form at byte `i` of `bytes` (`EF BC 81`..`EF BD 9E`,
/// U+FF01..U+FF5E) when [`fast_line`] maps it in place: not a switchable mark (a run),
/// not `．` (decided by its neighbours), and not `＜` `＆` `＄` `＼`, which make bytes
/// that may start markup and need the markup pass again.
fn full_width_form(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&0xEF) {
        return None;
    }
    let low = match (bytes.get(i + 1)?, bytes.get(i + 2)?) {
        // U+FF01..U+FF3F: `!`..`?` plus 0x20.
        (0xBC, &b @ 0x81..=0xBF) => 0x20 + (b & 0x3F),
        // U+FF40..U+FF5E: `` ` ``..`~`.
        (0xBD, &b @ 0x80..=0x9E) => 0x60 + (b & 0x3F),
        _ => return None,
    };
    let keeps_own_rule = matches!(
        low,
        b',' | b':' | b';' | b'(' | b')' | b'?' | b'!' | b'.' | b'<' | b'&' | b'$' | b'\\'
    );
    (!keeps_own_rule).then_some(low)
}

/// A neighbour as [`spacing_general`] sees it, after mapping: a full-width form that
/// becomes ASCII is that ASCII character.
fn mapped_form(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' if switchable(c).is_none() && c != '．' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

/// Whether the brackets a cell leaves open (the first `depth` of `opens`) were each
/// printed in the width of their run, which is what they keep.
fn opens_keep_width(opens: &[Open; FAST_DEPTH], depth: usize) -> bool {
    opens
        .iter()
        .take(depth)
        .all(|open| open.printed_full == open.near)
}

/// The switchable mark at byte `i` of `bytes`: its ASCII form and its length in bytes
/// (1, or 3 when printed full-width).
#[allow(clippy::inline_always)]
#[inline(always)]
fn mark_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    match bytes.get(i)? {
        &b @ (b',' | b':' | b';' | b'?' | b'!' | b'(' | b')') => Some((b, 1)),
        // `，：；？！（）` are U+FF0C, U+FF1A, U+FF1B, U+FF1F, U+FF01, U+FF08, U+FF09.
        0xEF if bytes.get(i + 1) == Some(&0xBC) => {
            let ascii = match bytes.get(i + 2)? {
                0x8C => b',',
                0x9A => b':',
                0x9B => b';',
                0x9F => b'?',
                0x81 => b'!',
                0x88 => b'(',
                0x89 => b')',
                _ => return None,
            };
            Some((ascii, 3))
        }
        _ => None,
    }
}

/// Whether byte `b` of a source line has a class in [`SOURCE_CLASS`] other than [`TAB`]:
/// it ends the line, is or may start a character that needs work, or is a control. The
/// same set as the table, written as comparisons so that [`next_special`] tests sixteen
/// bytes at once; a test holds the two to each other for every byte.
// Bitwise, not lazy: no branch per byte, so that sixteen of them make one vector test.
#[allow(clippy::inline_always, clippy::needless_bitwise_bool)]
#[inline(always)]
fn is_special(b: u8) -> bool {
    // C0 controls, line ends, the space and `!`, but not the tab; DEL.
    let low = (b <= b'!') & (b != b'\t') | (b == 0x7F);
    // The other switchable marks and the bytes that may start markup: `$` `&`, `(` `)`,
    // `,`, `:` `;` `<`, `?`, `\`.
    let marks = ((b & 0xFD) == b'$')
        | ((b & 0xFE) == b'(')
        | (b == b',')
        | (b.wrapping_sub(b':') <= 2)
        | (b == b'?')
        | (b == b'\\');
    // Lead bytes that need a closer look: `C2`, `E1`..`E3`, `EF`.
    let leads = (b == 0xC2) | (b.wrapping_sub(0xE1) <= 2) | (b == 0xEF);
    low | marks | leads
}

/// The first index at or after `i` whose byte [`is_special`], or `bytes.len()`.
fn next_special(bytes: &[u8], i: usize) -> usize {
    next_stop::<false>(bytes, i)
}

/// The first index at or after `i` whose byte [`is_special`] or, when `TABS`, is a tab;
/// else `bytes.len()`.
#[allow(clippy::inline_always)]
#[inline(always)]
fn next_stop<const TABS: bool>(bytes: &[u8], mut i: usize) -> usize {
    // Sixteen bytes a step, tested with no branch and no table look-up, which the compiler
    // turns into one vector test; most bytes of a line (ideographs, digits, tabs) are not
    // special. The position of a hit comes from the same vector, with no branch per byte.
    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
        let hits = special_bytes::<TABS>(chunk);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    while let Some(&b) = bytes.get(i) {
        if is_special(b) || (TABS && b == b'\t') {
            break;
        }
        i += 1;
    }
    i
}

/// The sixteen bytes of `chunk` as one number whose byte `k` is 1 when `chunk[k]`
/// [`is_special`] (or, when `TABS`, is a tab), else 0: the first such byte is the lowest
/// set byte, found with no branch per byte.
// Bitwise, not lazy: no branch per byte.
#[allow(clippy::inline_always, clippy::needless_bitwise_bool)]
#[inline(always)]
fn special_bytes<const TABS: bool>(chunk: &[u8; 16]) -> u128 {
    let mut hits = [0u8; 16];
    for (hit, &b) in hits.iter_mut().zip(chunk) {
        *hit = u8::from(is_special(b) | (TABS & (b == b'\t')));
    }
    u128::from_le_bytes(hits)
}

/// Whether [`fast_line`] stops at byte `b`: every byte that [`is_special`], and a few more
/// that make a cheaper vector test and are rare in the text (`"` `#` `'` `*` `+` `=` `>`,
/// the lead bytes `C3`..`E0`), all of class 0 in [`CLASS`], which [`fast_line`] steps
/// over. A test holds this to [`is_special`] for every byte.
// Bitwise, not lazy: no branch per byte, so that sixteen of them make one vector test.
#[allow(clippy::inline_always, clippy::needless_bitwise_bool)]
#[inline(always)]
fn is_fast_stop(b: u8) -> bool {
    // C0 controls, line ends, the space, `!` `$` `&` `(` `)` `,`, but not the tab nor `%`.
    let low = (b <= b',') & (b != b'\t') & (b != b'%');
    // `:` `;` `<` `?`, `\`, DEL.
    let marks = in_range(b, b':', b'?') | (b == b'\\') | (b == 0x7F);
    // Lead bytes that need a closer look: `C2`, `E1`..`E3`, `EF`.
    let leads = in_range(b, 0xC2, 0xE3) | (b == 0xEF);
    low | marks | leads
}

/// `lo <= b <= hi`, written as one signed comparison after one addition (SSE2 has a
/// signed byte comparison but no unsigned one).
#[allow(clippy::inline_always, clippy::cast_possible_wrap)]
#[inline(always)]
fn in_range(b: u8, lo: u8, hi: u8) -> bool {
    (b.wrapping_sub(lo).wrapping_add(0x80) as i8) <= (hi.wrapping_sub(lo).wrapping_add(0x80) as i8)
}

/// The first index at or after `i` whose byte [`is_fast_stop`] or, when `TABS`, is a
/// tab; else `bytes.len()`. As [`next_stop`], sixteen bytes a step.
#[allow(clippy::inline_always)]
#[inline(always)]
fn next_fast_stop<const TABS: bool>(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
        let mut hits = [0u8; 16];
        for (hit, &b) in hits.iter_mut().zip(chunk) {
            *hit = u8::from(is_fast_stop(b) || (TABS && b == b'\t'));
        }
        let hits = u128::from_le_bytes(hits);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    while let Some(&b) = bytes.get(i) {
        if is_fast_stop(b) || (TABS && b == b'\t') {
            break;
        }
        i += 1;
    }
    i
}

/// In [`SOURCE_CLASS`]: a byte that ends a source line (LF, CR, form feed).
const END: u8 = 16;
/// In [`SOURCE_CLASS`]: a control character a line may not keep (C0 other than tab, DEL),
/// or the lead byte `C2` of a C1 control (a false alarm for `°` or `·`, told apart by the
/// next byte).
const CONTROL: u8 = 32;

/// [`CLASS`] plus the bits that end a source line or stop it for control characters.
static SOURCE_CLASS: [u8; 256] = source_classes();

const fn source_classes() -> [u8; 256] {
    let mut t = classes();
    let mut b = 0;
    while b < 0x20 {
        t[b] |= CONTROL;
        b += 1;
    }
    t[b'\t' as usize] = TAB;
    t[b'\n' as usize] = SPACING | END;
    t[b'\r' as usize] = SPACING | END;
    t[0x0C] = SPACING | END;
    t[0x7F] |= CONTROL;
    t[0xC2] |= CONTROL;
    t
}

/// [`line_into`]: the cells of `line`, each looked at alone (the reference that
/// [`source_line_into`] is held to).
fn cells_into(line: &str, scratch: &mut Scratch, notes: &mut Notes, out: &mut String) {
    let bytes = line.as_bytes();
    // `line[copied..cell_start]` is canonical already and waits to be copied.
    let mut copied = 0;
    let mut cell_start = 0;
    // Where `out` ends after the last non-empty cell: trailing empty cells are dropped.
    let mut keep = out.len();
    let mut i = 0;
    loop {
        // The union of the byte classes of the cell: eight bytes a step while no tab is
        // among them (the look-ups are independent), then byte by byte to the tab.
        let mut flags = 0;
        while let Some(chunk) = bytes.get(i..i + 8) {
            let classes = chunk.iter().fold(0, |acc, &b| acc | CLASS[usize::from(b)]);
            if classes & TAB != 0 {
                break;
            }
            flags |= classes;
            i += 8;
        }
        let mut at_tab = false;
        while let Some(&b) = bytes.get(i) {
            let class = CLASS[usize::from(b)];
            if class & TAB != 0 {
                at_tab = true;
                break;
            }
            flags |= class;
            i += 1;
        }
        let cell = line.get(cell_start..i).unwrap_or_default();
        let flags = resolve(cell, flags);
        if flags == 0 {
            if !cell.is_empty() {
                keep = out.len() + (i - copied);
            }
        } else {
            out.push_str(line.get(copied..cell_start).unwrap_or_default());
            let before = out.len();
            // Spaces and marks alone (most cells here): one pass, no scratch.
            if flags != SPACING || !spacing_fast(cell, out) {
                cell_with_flags(cell, flags, scratch, notes, out);
            }
            if out.len() > before {
                keep = out.len();
            }
            copied = i;
        }
        if !at_tab {
            break;
        }
        i += 1;
        cell_start = i;
    }
    out.push_str(line.get(copied..i).unwrap_or_default());
    out.truncate(keep);
}

/// The first index at or after `i` whose byte has a non-zero class in `table`.
pub(crate) fn skip_plain(table: &[u8; 256], bytes: &[u8], mut i: usize) -> usize {
    // Eight bytes a step: the look-ups do not depend on each other, and most bytes of a
    // line (ideographs, digits) are plain.
    while let Some(chunk) = bytes.get(i..i + 8) {
        if chunk.iter().fold(0, |acc, &b| acc | table[usize::from(b)]) != 0 {
            break;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if table[usize::from(b)] != 0 {
            break;
        }
        i += 1;
    }
    i
}

/// Punctuation whose width follows its neighbours: `，：；（）？！` next to CJK text,
/// `,:;()?!` elsewhere. Returns the ASCII form.
fn switchable(c: char) -> Option<char> {
    match c {
        ',' | '，' => Some(','),
        ':' | '：' => Some(':'),
        ';' | '；' => Some(';'),
        '(' | '（' => Some('('),
        ')' | '）' => Some(')'),
        '?' | '？' => Some('?'),
        '!' | '！' => Some('!'),
        _ => None,
    }
}

fn full_width(ascii: u8) -> char {
    match ascii {
        b',' => '，',
        b':' => '：',
        b';' => '；',
        b'(' => '（',
        b')' => '）',
        b'?' => '？',
        b'!' => '！',
        c => char::from(c),
    }
}

/// "CJK" for the spacing and punctuation rules: ideographs and their extensions, CJK
/// radicals and punctuation (`。、《》【】`), kana, hangul, enclosed CJK and squared units
/// (`㎡`), and every full-width form left after mapping (`，（％`→ only `，（` remain).
pub(crate) fn is_cjk(c: char) -> bool {
    // Most neighbours are ASCII or ideographs: decide those first.
    if c < '\u{2E80}' {
        return false;
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return true;
    }
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3001}'..='\u{303F}'
        | '\u{3040}'..='\u{312F}'
        | '\u{3190}'..='\u{31FF}'
        | '\u{3200}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Characters that carry nothing and only break matching: control characters (C0 other
/// than white space, DEL, C1), zero-width spaces and joiners, a stray byte order mark.
fn is_dropped(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Character mapping, spacing and punctuation width. One pass over the cell maps
/// characters and folds white space into `scratch.mapped`, noting the few characters whose
/// fate depends on their neighbours (spaces, switchable punctuation, `．`) as [`Event`]s;
/// the decisions then look only at the events and the characters right next to them, and
/// a last pass copies the text between events into `out`.
///
/// Returns whether mapping made a byte that can start markup (`＜` → `<`).
fn spacing_into(s: &str, scratch: &mut Scratch, out: &mut String) -> bool {
    if spacing_fast(s, out) {
        // Nothing was mapped, so no markup was made.
        return false;
    }
    spacing_general(s, scratch, out)
}

/// What [`spacing_fast`] finds at a byte where [`skip_plain`] stopped.
#[derive(Debug, Clone, Copy)]
enum Token {
    /// Text copied as is (a character the lead byte only hinted at).
    Plain,
    /// An ASCII space or tab.
    Space,
    /// A switchable mark: its ASCII form and its length in bytes (1, or 3 when printed
    /// full-width).
    Mark(u8, usize),
    /// Something only the general path of [`spacing_into`] handles.
    Other,
}

/// The [`Token`] at byte `i` of `bytes`, which [`skip_plain`] stopped at.
// Called per byte of every run in both loops of `spacing_fast`; left to itself the compiler
// keeps it a call (callgrind c1000: 1.9M instructions of calls and moves).
#[allow(clippy::inline_always)]
#[inline(always)]
fn token_at(bytes: &[u8], i: usize) -> Token {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    let b = at(0);
    if b.is_ascii() {
        return match b {
            // A tab inside a cell is white space like any other: it maps to a space, and
            // the general path then treats it exactly as one.
            b' ' | b'\t' => Token::Space,
            b',' | b':' | b';' | b'?' | b'!' | b'(' | b')' => Token::Mark(b, 1),
            // Other white space and control characters, and the bytes that may start
            // markup: a caller that did not strip markup can try this path first.
            _ if CLASS[usize::from(b)] != 0 => Token::Other,
            _ => Token::Plain,
        };
    }
    // `，：；？！（）` are U+FF0C, U+FF1A, U+FF1B, U+FF1F, U+FF01, U+FF08, U+FF09.
    if b == 0xEF && at(1) == 0xBC {
        let ascii = match at(2) {
            0x8C => b',',
            0x9A => b':',
            0x9B => b';',
            0x9F => b'?',
            0x81 => b'!',
            0x88 => b'(',
            0x89 => b')',
            // Every other character of `EF BC 81..=BF` is a full-width form to map.
            0x82..=0xBF => return Token::Other,
            _ => return Token::Plain,
        };
        return Token::Mark(ascii, 3);
    }
    if CLASS[usize::from(b)] == LEAD && lead_needs_spacing(bytes, i) {
        Token::Other
    } else {
        Token::Plain
    }
}

/// Whether a space between `prev` and `next` (what they are in the output) stays: not at
/// either end of the cell, not next to CJK, not between a comparator sign and its number
/// or a number and its percent sign (see [`spacing_general`]).
fn keep_space(prev: Option<char>, next: Option<char>) -> bool {
    let (Some(p), Some(n)) = (prev, next) else {
        return false;
    };
    !(is_cjk(p)
        || is_cjk(n)
        || (matches!(p, '≥' | '≤') && n.is_ascii_digit())
        || (p.is_ascii_digit() && n == '%'))
}

/// How deep [`spacing_fast`] follows brackets; deeper nesting takes the general path.
const FAST_DEPTH: usize = 8;

/// An opening bracket [`spacing_fast`] wrote: where it stood in the cell, the width of its
/// run, and the width it was printed in.
#[derive(Debug, Clone, Copy, Default)]
struct Open {
    at: usize,
    /// Where it was written in `out`.
    out_at: usize,
    near: bool,
    printed_full: bool,
}

/// The width a switchable `mark` at `pos` is printed in by the fast paths, `None` when
/// they cannot decide it (the general path must): a mark takes its run's width (`near`:
/// CJK on either side); a `)` closes the innermost open bracket, and the pair is
/// full-width when either side is near CJK (an ASCII `(` written before is widened), ASCII
/// when neither is and no CJK stands between them; a `)` with none open is left to the
/// general path unless it is printed in the width its run gives it. Shared by
/// [`fast_line`] and [`spacing_fast_from`], which must decide alike.
// Inlined into both scans, as the code it replaces was (as a call: +1 M instructions on c1000).
#[allow(clippy::too_many_arguments, clippy::inline_always)]
#[inline(always)]
fn mark_width(
    mark: u8,
    near: bool,
    printed_full: bool,
    opens: &[Open; FAST_DEPTH],
    depth: &mut usize,
    text: &str,
    pos: usize,
    out: &mut String,
    out_start: usize,
) -> Option<bool> {
    match mark {
        b'(' => (*depth < FAST_DEPTH).then_some(near),
        b')' => match depth.checked_sub(1) {
            Some(d) => {
                *depth = d;
                let open = opens[d];
                if open.near || near {
                    if !open.near {
                        widen_open(out, out_start, open.out_at);
                    }
                    Some(true)
                } else {
                    text.get(open.at..pos)
                        .is_some_and(str::is_ascii)
                        .then_some(false)
                }
            }
            None => (printed_full == near).then_some(near),
        },
        _ => Some(near),
    }
}

/// Write a switchable `mark` in the width decided for it (`full`), after the run's folded
/// space when one stands before it (`space`) and stays between `prev` and the mark; an
/// opening bracket is noted as `open`, whose `out_at` is set here (where the mark goes:
/// callers pass 0). Returns the character written. Shared by [`fast_line`] and [`spacing_fast_from`].
#[allow(clippy::inline_always, clippy::too_many_arguments)]
#[inline(always)]
fn write_mark(
    out: &mut String,
    mark: u8,
    full: bool,
    space: bool,
    prev: Option<char>,
    opens: &mut [Open; FAST_DEPTH],
    depth: &mut usize,
    open: Open,
) -> char {
    let ch = if full {
        full_width(mark)
    } else {
        char::from(mark)
    };
    if space && keep_space(prev, Some(ch)) {
        out.push(' ');
    }
    if mark == b'(' {
        push_open(
            opens,
            depth,
            Open {
                out_at: out.len(),
                ..open
            },
        );
    }
    out.push(ch);
    ch
}

/// Note an opening bracket written at `open.out_at` (one nested deeper than
/// [`FAST_DEPTH`] is counted but not kept: the fast paths give up on its partner).
#[allow(clippy::inline_always)]
#[inline(always)]
fn push_open(opens: &mut [Open; FAST_DEPTH], depth: &mut usize, open: Open) {
    if let Some(slot) = opens.get_mut(*depth) {
        *slot = open;
    }
    *depth += 1;
}

/// An opening bracket written ASCII at `out[at]` (the cell starting at `out[start]`)
/// whose partner turned out near CJK: it becomes `（`, and the spaces written next to it
/// go, as they were kept only because the bracket was not CJK. Nothing else depended on
/// its width: other runs take their neighbours from plain text.
fn widen_open(out: &mut String, start: usize, at: usize) {
    let bytes = out.as_bytes();
    let from = if at > start && bytes.get(at - 1) == Some(&b' ') {
        at - 1
    } else {
        at
    };
    let to = if bytes.get(at + 1) == Some(&b' ') {
        at + 2
    } else {
        at + 1
    };
    out.replace_range(from..to, "（");
}

/// [`spacing_general`] in one pass for the cells most often met (`4670 人`,
/// `其中: 财政拨款`, `数量指标(必填)`): the only characters that need work are ASCII spaces
/// (and tabs, which become spaces) and switchable marks. Nothing is mapped or dropped
/// then, so the text between runs of spaces and marks is the mapped text itself and is
/// copied as is, and a run decides alone: its two neighbours are the characters just
/// outside it.
///
/// An opening bracket is written in the width of its run, and widened ([`widen_open`])
/// when its partner's run is near CJK; a pair with neither run near CJK stays ASCII when
/// nothing but ASCII stands between (else the general path counts the CJK between); a
/// bracket with no partner keeps its printed width, which must be its run's. Any other
/// bracket, nesting deeper than [`FAST_DEPTH`], every character that needs more (`．`,
/// other white space, a full-width form, an invisible character) and every byte that may
/// start markup give up: `false`, with `out` as it was. So a cell this path takes holds no
/// markup, and what it writes is the cell's canonical form. A test holds the two paths to
/// the same output.
fn spacing_fast(s: &str, out: &mut String) -> bool {
    spacing_fast_from(s, 0, out)
}

/// [`spacing_fast`] for a cell whose bytes before `from` are known to need nothing: each
/// has no class in [`CLASS`] or is a lead byte that [`lead_needs_spacing`] turns down
/// (the cells [`source_line_into`] hands on). Exact: on such bytes the loop below only
/// steps over plain bytes ([`token_at`] gives [`Token::Plain`] for a lead byte that needs
/// nothing: `EF BC 80` is the only one with `EF BC`), so starting past them changes nothing.
fn spacing_fast_from(s: &str, from: usize, out: &mut String) -> bool {
    let bytes = s.as_bytes();
    let start = out.len();
    let mut opens = [Open::default(); FAST_DEPTH];
    let mut depth = 0;
    let mut copied = 0;
    let mut i = from;
    loop {
        i = skip_plain(&CLASS, bytes, i);
        let run_start = i;
        let mut marks = false;
        while i < bytes.len() {
            match token_at(bytes, i) {
                Token::Space => i += 1,
                Token::Mark(_, len) => {
                    marks = true;
                    i += len;
                }
                Token::Plain => break,
                Token::Other => {
                    out.truncate(start);
                    return false;
                }
            }
        }
        if i == run_start {
            if i >= bytes.len() {
                break;
            }
            // A plain byte the class table stopped at.
            i += 1;
            continue;
        }
        let left = char_before(s, run_start);
        let right = char_after(s, i);
        if !marks {
            // Only spaces and tabs: they fold into one space, kept between two non-CJK
            // characters, as the loop below would decide with no mark in the run. A lone
            // ASCII space that stays is the input itself: it is left to the next copy.
            let keep = keep_space(left, right);
            if keep && i == run_start + 1 && bytes.get(run_start) == Some(&b' ') {
                continue;
            }
            out.push_str(s.get(copied..run_start).unwrap_or_default());
            copied = i;
            if keep {
                out.push(' ');
            }
            continue;
        }
        let near = left.is_some_and(is_cjk) || right.is_some_and(is_cjk);
        out.push_str(s.get(copied..run_start).unwrap_or_default());
        copied = i;
        // Runs of spaces fold into one, decided between what stands on either side of it.
        let mut prev = left;
        let mut space = false;
        let mut pos = run_start;
        while pos < i {
            let token = if bytes.get(pos) == Some(&b' ') {
                Token::Space
            } else {
                token_at(bytes, pos)
            };
            let Token::Mark(mark, len) = token else {
                space = true;
                pos += 1;
                continue;
            };
            let printed_full = len == 3;
            let Some(full) = mark_width(
                mark,
                near,
                printed_full,
                &opens,
                &mut depth,
                s,
                pos,
                out,
                start,
            ) else {
                out.truncate(start);
                return false;
            };
            prev = Some(write_mark(
                out,
                mark,
                full,
                space,
                prev,
                &mut opens,
                &mut depth,
                Open {
                    at: pos,
                    out_at: 0,
                    near,
                    printed_full,
                },
            ));
            space = false;
            pos += len;
        }
        if space && keep_space(prev, right) {
            out.push(' ');
        }
    }
    // Brackets left open keep their printed width.
    if opens
        .iter()
        .take(depth)
        .any(|open| open.printed_full != open.near)
    {
        out.truncate(start);
        return false;
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    true
}

/// [`spacing_into`] for every cell: see there.
fn spacing_general(s: &str, scratch: &mut Scratch, out: &mut String) -> bool {
    let Scratch {
        mapped,
        events,
        opens,
        ..
    } = scratch;
    let Mapped {
        text: mapped,
        made_markup,
        kinds,
    } = map_and_fold(s, mapped, events);
    if events.is_empty() {
        out.push_str(mapped);
        return made_markup;
    }

    // `．` between digits (spaces aside) is a decimal point: `3．43` → `3.43`. Spaces are
    // folded, so the nearest non-space neighbour is at most one space away.
    if kinds & HAS_DOT != 0 {
        for ev in events.iter_mut().filter(|ev| ev.mark == b'.') {
            let mut prev = char_before(mapped, ev.at);
            if prev == Some(' ') {
                prev = char_before(mapped, ev.at - 1);
            }
            let mut next = char_after(mapped, ev.end());
            if next == Some(' ') {
                next = char_after(mapped, ev.end() + 1);
            }
            if prev.is_some_and(|c| c.is_ascii_digit()) && next.is_some_and(|c| c.is_ascii_digit())
            {
                ev.out = '.';
            }
        }
    }

    if kinds & HAS_MARK != 0 {
        decide_marks(mapped, events, opens, kinds);
    }

    // A space survives only between two non-CJK characters: `4670 人` → `4670人`,
    // `手机 APP` → `手机APP`, `运行。 2.` → `运行。2.`; `3.43 亿元` → `3.43亿元`.
    // Spaces are folded and trimmed, so both neighbours exist and are not spaces.
    // Spaces mostly go and few marks widen: callers size `out` for the input, and
    // reserving room for every event to widen would reallocate nearly every cell.
    out.reserve(mapped.len());
    let mut copied = 0;
    for k in 0..events.len() {
        let ev = events[k];
        out.push_str(mapped.get(copied..ev.at).unwrap_or_default());
        copied = ev.end();
        if ev.is_space() {
            let prev = match k.checked_sub(1).map(|p| events[p]) {
                Some(p) if p.end() == ev.at => Some(p.out),
                _ => char_before(mapped, ev.at),
            };
            let next = match events.get(k + 1) {
                Some(n) if n.at == copied => Some(n.out),
                _ => char_after(mapped, copied),
            };
            if prev.is_some_and(is_cjk) || next.is_some_and(is_cjk) {
                continue;
            }
            // A comparator sign binds to its number and a number to its percent sign:
            // `$\geq$ 96\%` → `≥ 96%` → `≥96%`; `100 %` → `100%`.
            if (matches!(prev, Some('≥' | '≤')) && next.is_some_and(|c| c.is_ascii_digit()))
                || (prev.is_some_and(|c| c.is_ascii_digit()) && next == Some('%'))
            {
                continue;
            }
            out.push(' ');
        } else {
            out.push(ev.out);
        }
    }
    out.push_str(mapped.get(copied..).unwrap_or_default());
    made_markup
}

/// The width of every switchable mark ([`Event::out`]), once the `．` are decided.
fn decide_marks(mapped: &str, events: &mut [Event], opens: &mut Vec<usize>, kinds: u8) {
    // Width of switchable punctuation depends on the nearest neighbour that is neither a
    // space nor switchable itself, so the decision does not depend on the widths it is
    // deciding: `工作, (必填)` has `作` next to both. That keeps the form a fixed point.
    // Such a run of spaces and marks shares its two neighbours.
    let mut k = 0;
    while k < events.len() {
        if !events[k].is_transparent() {
            k += 1;
            continue;
        }
        let first = k;
        let mut end = events[k].end();
        let mut marks = !events[k].is_space();
        k += 1;
        while k < events.len() && events[k].at == end && events[k].is_transparent() {
            end = events[k].end();
            marks |= !events[k].is_space();
            k += 1;
        }
        // Most runs are one space (`4670 人`): spaces take no width, nothing to decide.
        if !marks {
            continue;
        }
        // A neighbour that is itself an event is a `．`: what it became decides.
        let start = events[first].at;
        let left = match first.checked_sub(1).map(|p| events[p]) {
            Some(ev) if ev.end() == start => Some(ev.out),
            _ => char_before(mapped, start),
        };
        let right = match events.get(k) {
            Some(ev) if ev.at == end => Some(ev.out),
            _ => char_after(mapped, end),
        };
        let near = left.is_some_and(is_cjk) || right.is_some_and(is_cjk);
        for ev in &mut events[first..k] {
            match ev.mark {
                b' ' => {}
                // Brackets wait for their partner (below).
                b'(' | b')' => ev.near = near,
                m => ev.out = if near { full_width(m) } else { char::from(m) },
            }
        }
    }
    if kinds & HAS_BRACKET == 0 {
        return;
    }

    // Brackets switch as a pair, either side deciding for both: `人数 (2021 年 12 月以前)`;
    // a pair that encloses CJK text is full-width too (`(a 中 b)`), one that does not and
    // stands among non-CJK text is ASCII, whatever it was: `（2024）` → `(2024)`.
    // An unmatched bracket stays as printed: it is often an OCR misreading (`达) 95%`)
    // that the grammar reports, and changing it would hide what was printed.
    opens.clear();
    let mut counted = false;
    for i in 0..events.len() {
        match events[i].mark {
            b'(' => opens.push(i),
            b')' => {
                if let Some(o) = opens.pop() {
                    let mut full = events[o].near || events[i].near;
                    if !full {
                        if !counted {
                            count_cjk_before(mapped, events);
                            counted = true;
                        }
                        full = events[i].cjk_before != events[o].cjk_before;
                    }
                    for p in [o, i] {
                        let m = events[p].mark;
                        events[p].out = if full { full_width(m) } else { char::from(m) };
                    }
                }
            }
            _ => {}
        }
    }
}

/// The first pass of [`spacing_into`]: full-width ASCII → ASCII, every white space → one
/// space (runs folded, ends trimmed), invisible characters dropped; the spaces,
/// switchable marks and `．` noted in `events`. Runs of characters that need none of this
/// are not touched. Most cells that reach here only hold single spaces and punctuation
/// (`4670 人`, `其中: 财政拨款`), so the text is borrowed from `s` until the first character
/// that actually changes, and copied to `mapped` only from then on.
fn map_and_fold<'a>(s: &'a str, mapped: &'a mut String, events: &mut Vec<Event>) -> Mapped<'a> {
    mapped.clear();
    events.clear();
    let mut made_markup = false;
    let mut kinds = 0;
    let bytes = s.as_bytes();
    // Once `owned`, the text is `mapped` + `s[copied..i]`; before, it is `s[..i]`.
    let mut owned = false;
    let mut copied = 0;
    let mut i = 0;
    loop {
        i = skip_plain(&CLASS, bytes, i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let c = if b.is_ascii() {
            if CLASS[usize::from(b)] & (SPACING | TAB) == 0 {
                i += 1;
                continue;
            }
            char::from(b)
        } else {
            // The class table says which lead bytes to look at; continuation bytes are plain.
            if !lead_needs_spacing(bytes, i) {
                i += 1;
                continue;
            }
            let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            c
        };
        let to = match c {
            // Full-width ASCII → ASCII, except what keeps its own rule: the switchable
            // punctuation and `．` (a full stop in Chinese text, a decimal point between digits).
            '\u{FF01}'..='\u{FF5E}' if switchable(c).is_none() && c != '．' => {
                let ascii = char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c);
                made_markup |= matches!(ascii, '<' | '&' | '$' | '\\');
                Some(ascii)
            }
            c if c.is_whitespace() => Some(' '),
            c if is_dropped(c) => None,
            c => Some(c),
        };
        let at = if owned {
            mapped.len() + (i - copied)
        } else {
            i
        };
        // A space at the start, or right after a space (dropped characters aside), folds.
        // Untouched runs hold no space, so a space just before `at` is the last event.
        let fold = to == Some(' ')
            && (at == 0
                || events
                    .last()
                    .is_some_and(|ev| ev.is_space() && ev.end() == at));
        let to = to.filter(|_| !fold);
        let len = c.len_utf8();
        if to != Some(c) {
            // The first change: from here on the text is built in `mapped`.
            let from = if owned { copied } else { 0 };
            mapped.push_str(s.get(from..i).unwrap_or_default());
            owned = true;
            copied = i + len;
        }
        i += len;
        let Some(to) = to else {
            continue;
        };
        if let Some(mark) = mark_of(to) {
            kinds |= match mark {
                b' ' => 0,
                b'.' => HAS_DOT,
                b'(' | b')' => HAS_MARK | HAS_BRACKET,
                _ => HAS_MARK,
            };
            events.push(Event {
                at,
                mark,
                // Spaces, switchable marks and `．` are one or three bytes.
                len: if mark == b' ' || to.is_ascii() { 1 } else { 3 },
                out: to,
                near: false,
                cjk_before: 0,
            });
        }
        if to != c {
            mapped.push(to);
        }
    }
    // A trailing space (at most one: runs are folded) is trimmed.
    let trailing = events.last().is_some_and(Event::is_space);
    let text = if owned {
        mapped.push_str(s.get(copied..).unwrap_or_default());
        if trailing && mapped.ends_with(' ') {
            mapped.pop();
            events.pop();
        }
        mapped.as_str()
    } else if trailing && s.ends_with(' ') {
        events.pop();
        s.get(..s.len() - 1).unwrap_or_default()
    } else {
        s
    };
    Mapped {
        text,
        made_markup,
        kinds,
    }
}

/// What [`map_and_fold`] made of a cell.
struct Mapped<'a> {
    /// The cell mapped, folded and trimmed: `s` itself or part of it when nothing changed.
    text: &'a str,
    /// A full-width form became `<`, `&`, `$` or `\`.
    made_markup: bool,
    /// [`HAS_DOT`], [`HAS_MARK`], [`HAS_BRACKET`]: which events there are.
    kinds: u8,
}

/// Fill [`Event::cjk_before`]: one pass over the characters of `mapped`, with each `．`
/// counted as what it became.
fn count_cjk_before(mapped: &str, events: &mut [Event]) {
    let mut count = 0u32;
    let mut next = 0;
    for (at, mut c) in mapped.char_indices() {
        if let Some(ev) = events.get_mut(next).filter(|ev| ev.at == at) {
            ev.cjk_before = count;
            c = ev.out;
            next += 1;
        }
        count += u32::from(is_cjk(c) && switchable(c).is_none());
    }
}

/// The character that ends at byte `at` of `s`; an ASCII one without decoding.
fn char_before(s: &str, at: usize) -> Option<char> {
    match at.checked_sub(1).and_then(|k| s.as_bytes().get(k)) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        _ => s.get(..at)?.chars().next_back(),
    }
}

/// The character that starts at byte `at` of `s`; an ASCII one without decoding.
fn char_after(s: &str, at: usize) -> Option<char> {
    match s.as_bytes().get(at) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        _ => s.get(at..)?.chars().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_cell(s, &mut Scratch::default(), &mut Notes::default())
    }

    #[test]
    fn spacing_table() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("   ", ""),
            ("  a   b  ", "a b"),
            ("a\u{3000}\u{A0}b", "a b"),
            ("４６７０ 人", "4670人"),
            ("ＡＰＰ", "APP"),
            ("３．４３", "3.43"),
            ("运行．", "运行．"),
            ("１００％", "100%"),
            ("１－１２", "1-12"),
            ("4670 人", "4670人"),
            ("≥ 96%", "≥96%"),
            ("不低于 ≥ 95 %", "不低于≥95%"),
            ("a ≤ b", "a ≤ b"),
            ("手机 APP", "手机APP"),
            ("2021 年 12 月以前", "2021年12月以前"),
            ("运行。 2. 全力", "运行。2.全力"),
            ("1. 保证", "1.保证"),
            (
                "全力推进社会维稳工作, 保障民生",
                "全力推进社会维稳工作，保障民生",
            ),
            ("年度资金总额:", "年度资金总额："),
            ("其中: 财政拨款", "其中：财政拨款"),
            ("人数 (2021 年 12 月以前)", "人数（2021年12月以前）"),
            (
                "缴费人数(2018年、2021.1-2021.8)",
                "缴费人数（2018年、2021.1-2021.8）",
            ),
            ("数量指标 (必填硬性指标)", "数量指标（必填硬性指标）"),
            ("(2024 年度)", "（2024年度）"),
            ("（2024）", "(2024)"),
            ("(a 中 b)", "（a中b）"),
            ("U+2123D，GB18030", "U+2123D,GB18030"),
            ("12:30, ok?", "12:30, ok?"),
            ("a，b", "a,b"),
            ("14,500万元", "14,500万元"),
            ("宣传条幅; 2.开展", "宣传条幅；2.开展"),
            ("工作, (必填)", "工作，（必填）"),
            ("时效性达) 95%", "时效性达) 95%"),
            ("1 月—12 月", "1月—12月"),
            ("x\u{200B}y\u{0}z", "xyz"),
            ("好吗?", "好吗？"),
        ];
        for &(input, want) in cases {
            assert_eq!(canon(input), want, "input {input:?}");
        }
    }

    #[test]
    fn markup_then_spacing() {
        let cases: &[(&str, &str)] = &[
            (
                "开通网上申报单位覆盖率，调查达到 $\\geq 98\\%$",
                "开通网上申报单位覆盖率，调查达到≥98%",
            ),
            (
                "<p>1. 确保到位。</p> <p>2. 全力推进, 保障民生。</p>",
                "1.确保到位。2.全力推进，保障民生。",
            ),
            (
                "<h2 style=\"margin: 0;\">部门项目支出预算绩效目标表</h2>",
                "部门项目支出预算绩效目标表",
            ),
            ("满意度 &lt;5%", "满意度<5%"),
            ("&lt;p&gt;x", "x"),
            ("＜ｐ＞x", "x"),
        ];
        for &(input, want) in cases {
            assert_eq!(canon(input), want, "input {input:?}");
        }
    }

    /// Pieces for [`fast_path_matches_general`]: everything the fast path handles, and
    /// some of what makes it give up.
    const FAST_PIECES: &[&str] = &[
        " ", "  ", ",", ":", ";", "?", "!", "(", ")", "，", "：", "；", "？", "！", "（", "）",
        "a", "1", "9", "%", "≥", "≤", "中", "文", "。", "—", "“", "é", "<", "&", "．", "\u{3000}",
        "Ａ", "\t", "\u{200B}", "\u{FF00}", "ｚ", "\u{FF5F}",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// When the one-pass path takes a cell, it writes what the general path writes;
        /// when it gives up, it leaves `out` as it was.
        #[test]
        fn fast_path_matches_general(
            pieces in proptest::collection::vec(proptest::sample::select(FAST_PIECES), 0..24)
        ) {
            let s = pieces.concat();
            let mut fast = String::from("x");
            // Starting past the bytes that need nothing changes nothing.
            let bytes = s.as_bytes();
            let from = (0..bytes.len())
                .find(|&k| {
                    let class = CLASS[usize::from(bytes[k])];
                    class != 0 && (class != LEAD || lead_needs_spacing(bytes, k))
                })
                .unwrap_or(bytes.len());
            let mut from_fast = String::from("x");
            let took = spacing_fast_from(&s, from, &mut from_fast);
            if spacing_fast(&s, &mut fast) != took || fast != from_fast {
                proptest::prop_assert!(false, "from {} differs on {:?}", from, s);
            }
            let mut fast = String::from("x");
            if spacing_fast(&s, &mut fast) {
                let mut general = String::from("x");
                spacing_general(&s, &mut Scratch::default(), &mut general);
                proptest::prop_assert_eq!(fast, general, "input {:?}", s);
            } else {
                proptest::prop_assert_eq!(fast, "x");
            }
        }
    }

    #[test]
    fn fast_path_takes_the_common_cells() {
        for s in [
            "4670 人",
            "其中: 财政拨款",
            "数量指标(必填)",
            "（2024年度）",
            "a (b) c",
            "工作, (必填)",
        ] {
            let mut fast = String::new();
            assert!(spacing_fast(s, &mut fast), "input {s:?}");
            assert_eq!(fast, canon(s), "input {s:?}");
        }
    }

    /// The byte scan is the character rule: every character, alone and between ideographs.
    #[test]
    fn byte_scan_matches_needs_spacing() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let want = needs_spacing(c);
            for s in [c.to_string(), format!("中{c}文")] {
                assert_eq!(scan(&s) & SPACING != 0, want, "U+{:04X}", u32::from(c));
                let mut mapped = String::new();
                let mut events = Vec::new();
                let text = map_and_fold(&s, &mut mapped, &mut events).text;
                assert_eq!(
                    text != s || !events.is_empty(),
                    want,
                    "U+{:04X}",
                    u32::from(c)
                );
            }
            let markup = matches!(c, '<' | '&' | '$' | '\\');
            assert_eq!(
                scan(&c.to_string()) & MARKUP != 0,
                markup,
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    /// [`is_special`] is the source table with the tab left out, for every byte.
    #[test]
    fn special_bytes_are_the_source_table() {
        for b in 0..=255u8 {
            let class = SOURCE_CLASS[usize::from(b)];
            assert_eq!(is_special(b), class & !TAB != 0, "byte {b:#04X}");
        }
    }

    /// [`is_fast_stop`] holds every special byte, and every other byte it holds is one
    /// [`fast_line`] steps over (class 0).
    #[test]
    fn fast_stops_are_special_bytes_and_plain_ones() {
        for b in 0..=255u8 {
            if is_special(b) {
                assert!(is_fast_stop(b), "byte {b:#04X}");
            } else if is_fast_stop(b) {
                assert_eq!(CLASS[usize::from(b)], 0, "byte {b:#04X}");
            }
            for lo in [0u8, 0x3A, 0x7F, 0x80, 0xC2, 0xFE] {
                for hi in [lo, lo.saturating_add(5), 0xFF] {
                    assert_eq!(in_range(b, lo, hi), (lo..=hi).contains(&b), "{b} {lo} {hi}");
                }
            }
        }
    }

    /// [`next_fast_stop`] finds the first stop wherever it stands in a chunk.
    #[test]
    fn next_fast_stop_finds_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for at in 0..40 {
                let mut bytes: Vec<u8> = b"12\t\xE5\xB9\xB4a"
                    .iter()
                    .copied()
                    .cycle()
                    .take(48)
                    .collect();
                bytes[at] = b;
                for from in [0, 1, 7, 16, 17] {
                    let want = (from..bytes.len())
                        .find(|&k| is_fast_stop(bytes[k]))
                        .unwrap_or(bytes.len());
                    assert_eq!(
                        next_fast_stop::<false>(&bytes, from),
                        want,
                        "{b:#04X} {at} {from}"
                    );
                    let want = (from..bytes.len())
                        .find(|&k| is_fast_stop(bytes[k]) || bytes[k] == b'\t')
                        .unwrap_or(bytes.len());
                    assert_eq!(
                        next_fast_stop::<true>(&bytes, from),
                        want,
                        "{b:#04X} {at} {from}"
                    );
                }
            }
        }
    }

    /// [`next_special`] finds the first special byte wherever it stands in a chunk.
    #[test]
    fn next_special_finds_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for at in 0..40 {
                // Plain bytes around: digits, an ideograph's bytes and tabs.
                let mut bytes: Vec<u8> = b"12\t\xE5\xB9\xB4a"
                    .iter()
                    .copied()
                    .cycle()
                    .take(48)
                    .collect();
                bytes[at] = b;
                for from in [0, 1, 7, 16, 17] {
                    let want = (from..bytes.len())
                        .find(|&k| is_special(bytes[k]))
                        .unwrap_or(bytes.len());
                    assert_eq!(
                        next_special(&bytes, from),
                        want,
                        "byte {b:#04X} at {at} from {from}"
                    );
                }
            }
        }
    }

    /// Pieces for [`source_line_matches_line_into`]: plain runs long enough for the vector
    /// scan, tabs, characters whose lead byte needs a look, marks, spaces, markup, controls
    /// and line ends.
    const SOURCE_PIECES: &[&str] = &[
        "部门项目支出预算绩效目标表",
        "14500",
        "100%",
        "7.01亿元",
        "年度",
        "\t",
        "\t\t",
        " ",
        "  ",
        "。",
        "、",
        "—",
        "≥",
        "“",
        "°",
        "\u{A0}",
        "\u{3000}",
        "\u{200B}",
        "\u{FEFF}",
        "１",
        "：",
        "（",
        "）",
        ",",
        ":",
        "(",
        ")",
        "．",
        "<p>",
        "<br>",
        "&#9;",
        "&amp;",
        "$\\geq 9$",
        "$",
        "\\",
        "\0",
        "\x7F",
        "\u{85}",
        "\n",
        "\r",
        "\x0C",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8192))]
        /// The scan of a source line gives what [`line_into`] gives on the line (up to its
        /// end), and gives up exactly when the line holds a control character.
        #[test]
        fn source_line_matches_line_into(
            pieces in proptest::collection::vec(proptest::sample::select(SOURCE_PIECES), 0..24),
            prefix in proptest::sample::select(&["", "x\n", "\t年\r\n"][..]),
        ) {
            let text = format!("{prefix}{}", pieces.concat());
            let start = prefix.len();
            let mut out = String::from("x");
            let mut notes = Notes::default();
            let got = source_line_into(&text, start, &mut Scratch::default(), &mut notes, &mut out);
            let end = text[start..]
                .find(['\n', '\r', '\x0C'])
                .map_or(text.len(), |k| start + k);
            let line = &text[start..end];
            let mut want = String::from("x");
            let mut want_notes = Notes::default();
            line_into(line, &mut Scratch::default(), &mut want_notes, &mut want);
            let control = line.chars().any(|c| c.is_control() && c != '\t');
            match got {
                None => proptest::prop_assert!(control, "line {:?}", line),
                Some(SourceLine::Verbatim { end: e, keep }) => {
                    proptest::prop_assert!(!control);
                    proptest::prop_assert_eq!(e, end);
                    proptest::prop_assert_eq!(&out, "x");
                    proptest::prop_assert_eq!(format!("x{}", &text[start..keep]), want);
                    proptest::prop_assert_eq!(notes, want_notes);
                }
                Some(SourceLine::Built { end: e }) => {
                    proptest::prop_assert!(!control);
                    proptest::prop_assert_eq!(e, end);
                    proptest::prop_assert_eq!(out, want);
                    proptest::prop_assert_eq!(notes, want_notes);
                }
            }
        }
    }

    /// Pieces for [`fast_line_matches_cells`]: what the one-scan path takes (plain text,
    /// tabs, spaces, marks of both widths, characters whose lead byte needs a look but
    /// nothing else), brackets to nest and leave open across cells, and a few bytes that
    /// make it give up.
    const FAST_LINE_PIECES: &[&str] = &[
        "年度",
        "中",
        "14500",
        "a",
        "%",
        "≥",
        "≤",
        "\t",
        "\t\t",
        " ",
        "  ",
        "(",
        ")",
        "（",
        "）",
        ",",
        "，",
        ":",
        "：",
        ";",
        "；",
        "?",
        "？",
        "!",
        "！",
        "。",
        "、",
        "—",
        "“",
        "°",
        "·",
        "\"",
        "=",
        ">",
        "×",
        "\u{800}",
        "\u{3000}",
        "\u{4000}",
        "\u{4DBF}",
        "\u{4DC0}",
        "\u{4DFF}",
        "\u{4E00}",
        "\u{9FFF}",
        "．",
        "Ａ",
        "<p>",
        "\0",
        "\n",
        "\r\n",
        "１",
        "２",
        "％",
        "ｚ",
        "～",
        "＂",
        "＝",
        "＜",
        "＆",
        "＄",
        "＼",
        "\u{FF5F}",
        "\u{FF00}",
        "｀",
        "１ ",
        "</p>",
        "<p> ",
        "<b>",
        "</b>",
        "<h2 style=\"margin: 0;\">",
        "<br/>",
        "<BR>",
        "<p",
        "<x>",
        "<!-- c -->",
        "<1>",
        "<span\t>",
        "&amp;",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16384))]
        /// When the one-scan path takes a line, it gives what the cell-at-a-time path
        /// gives: the same end, the same text, nothing else written.
        #[test]
        fn fast_line_matches_cells(
            pieces in proptest::collection::vec(proptest::sample::select(FAST_LINE_PIECES), 0..32),
            prefix in proptest::sample::select(&["", "x\n", "（\t", "a(\t"][..]),
        ) {
            let text = format!("{prefix}{}", pieces.concat());
            // Start at a line start, or inside a line after a tab (a cell start).
            let start = prefix.len();
            let mut fast = String::from("x");
            let mut opens = [Open::default(); FAST_DEPTH];
            let got = fast_line(&text, start, &mut opens, &mut fast);
            let mut cells = String::from("x");
            let mut notes = Notes::default();
            let want =
                source_line_cells(&text, start, &mut Scratch::default(), &mut notes, &mut cells);
            // The line as either path leaves it: in place, or written after the `x`.
            let line = |got: SourceLine, out: &str| match got {
                SourceLine::Verbatim { end, keep } => (end, format!("x{}", &text[start..keep]), out == "x"),
                SourceLine::Built { end } => (end, out.to_owned(), true),
            };
            if let (Some(got), Some(want)) = (got, want) {
                proptest::prop_assert_eq!(line(got, &fast), line(want, &cells), "text {:?}", text);
                proptest::prop_assert_eq!(notes, Notes::default());
            } else {
                proptest::prop_assert!(got.is_none(), "text {:?}", text);
            }
        }
    }

    /// `ideograph_at` says yes exactly for the characters of its leads that `is_cjk`
    /// takes, and for no other character.
    #[test]
    fn ideograph_at_is_cjk() {
        for c in (0x80..=0x10_FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if ideograph_at(bytes, 0) {
                assert!(is_cjk(c), "{c:?}");
            } else if (0xE4..=0xE9).contains(&bytes[0]) {
                assert!(!is_cjk(c), "{c:?}");
            }
        }
    }

    /// The one-scan path takes the lines most often met, and what it gives is right.
    #[test]
    fn fast_line_takes_the_common_lines() {
        let cases: &[(&str, &str)] = &[
            ("项目名称\t养老 (保险)\t\t", "项目名称\t养老（保险）"),
            ("\t其中: 财政拨款\t14500\t\t", "\t其中：财政拨款\t14500"),
            (
                "数量指标(必填硬性指标)\t 4670 人 \t",
                "数量指标（必填硬性指标）\t4670人",
            ),
            ("a (b) c\t(2024)年\t(x\t", "a (b) c\t（2024）年\t(x"),
            (
                "1. 确保到位。 2. 推进, 保障。",
                "1.确保到位。2.推进，保障。",
            ),
        ];
        for &(line, want) in cases {
            let mut out = String::new();
            let got = fast_line(line, 0, &mut [Open::default(); FAST_DEPTH], &mut out);
            assert_eq!(got, Some(SourceLine::Built { end: line.len() }), "{line:?}");
            assert_eq!(out, want, "{line:?}");
        }
    }

    #[test]
    fn lines_keep_inner_and_drop_trailing_empty_cells() {
        let cases: &[(&str, &str)] = &[
            ("a\t\t", "a"),
            ("a\t \t", "a"),
            ("\t a \t\tb\t\u{3000}", "\ta\t\tb"),
            ("<br>\t1\t<br>", "\t1"),
            ("项目 (a)\t14500\t年度\t\t", "项目（a）\t14500\t年度"),
            (" ", ""),
        ];
        for &(input, want) in cases {
            let mut out = String::new();
            line_into(
                input,
                &mut Scratch::default(),
                &mut Notes::default(),
                &mut out,
            );
            assert_eq!(out, want, "input {input:?}");
        }
    }

    #[test]
    fn idempotent_on_examples() {
        for s in [
            "a (b) c",
            "（2024）年",
            "x ． 5",
            "1 ．5",
            "a ．5",
            "$\\text{{a}$",
            "&amp;lt;",
        ] {
            let once = canon(s);
            assert_eq!(canon(&once), once, "input {s:?}");
        }
    }
}
