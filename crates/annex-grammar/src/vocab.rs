//! The form's fixed vocabulary, as small nom parsers over one normalized cell.
//!
//! Rows are recognised by these words (labels, the indicator taxonomy), never by counting
//! cells: OCR shifts, drops and splits cells, but it rarely invents a label.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n, take_while1},
    character::complete::{char, digit1, space0},
    combinator::{map_res, opt, recognize},
    sequence::{delimited, terminated},
};
#[cfg(test)]
use nom::{
    combinator::{all_consuming, map, value},
    sequence::preceded,
};

/// 一级指标 of the form. `成本指标` is also a 二级指标 in older templates; see
/// [`classify_label`] for how the two are told apart.
pub const LEVEL1: [&str; 4] = ["产出指标", "效益指标", "满意度指标", "成本指标"];

/// Stems of 二级指标 (each is followed by `指标` in the form).
pub const LEVEL2_STEMS: [&str; 12] = [
    "数量",
    "质量",
    "时效",
    "成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "服务对象满意度",
    "经济成本",
    "社会成本",
    "生态环境成本",
];

/// A header label of the form, as recognised at the start of a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderLabel {
    /// 项目名称
    Name,
    /// 主管部门及代码 (or 主管部门)
    Department,
    /// 实施单位
    ImplementingUnit,
    /// 项目属性
    Attribute,
    /// 项目期
    Period,
    /// 项目资金（万元）: the unit printed in the label, if any.
    Funds(Option<String>),
    /// 年度资金总额
    Total,
    /// 其中：财政拨款
    Fiscal,
    /// 其他资金
    Other,
    /// 年度总体目标
    Goals,
}

/// A cell of the indicator section that is part of the form's taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// The 名称 column's only content, `绩效指标`.
    Section,
    /// A 一级指标.
    Level1(&'static str),
    /// A 二级指标 (with `指标`), and its bracketed note.
    Level2 {
        /// E.g. `数量指标`.
        name: String,
        /// E.g. `必填硬性指标`.
        note: Option<String>,
    },
}

fn colon(i: &str) -> IResult<&str, Option<char>> {
    opt(alt((char('：'), char(':')))).parse(i)
}

/// `（必填）` or `(必填)`, either bracket in either width: OCR mixes them.
#[cfg(test)]
fn bracketed(i: &str) -> IResult<&str, &str> {
    delimited(
        open_paren,
        take_while1(|c| c != '）' && c != ')'),
        close_paren,
    )
    .parse(i)
}

/// The header labels as nom parsers: the definition of the vocabulary. [`header_label`]
/// reads the same words by hand (it runs on most cells); the tests check that the two
/// agree on every word of the vocabulary, its prefixes and extensions, and on random
/// strings over its alphabet.
#[cfg(test)]
fn header_label_inner(i: &str) -> IResult<&str, HeaderLabel> {
    alt((
        value(HeaderLabel::Name, tag("项目名称")),
        value(
            HeaderLabel::Department,
            alt((
                tag("主管部门及代码"),
                tag("主管部门（代码）"),
                tag("主管部门"),
            )),
        ),
        value(HeaderLabel::ImplementingUnit, tag("实施单位")),
        value(HeaderLabel::Attribute, tag("项目属性")),
        value(HeaderLabel::Period, alt((tag("项目周期"), tag("项目期")))),
        map(
            preceded(tag("项目资金"), opt(bracketed)),
            |u: Option<&str>| HeaderLabel::Funds(u.map(str::to_owned)),
        ),
        value(
            HeaderLabel::Total,
            alt((tag("年度资金总额"), tag("资金总额"))),
        ),
        value(
            HeaderLabel::Fiscal,
            preceded(opt(terminated(tag("其中"), colon)), tag("财政拨款")),
        ),
        value(HeaderLabel::Other, tag("其他资金")),
        value(
            HeaderLabel::Goals,
            alt((tag("年度总体目标"), tag("年度目标"), tag("总体目标"))),
        ),
    ))
    .parse(i)
}

/// [`header_label`] as the nom grammar reads it (the reference of the hand-written one).
#[cfg(test)]
fn header_label_nom(cell: &str) -> Option<(HeaderLabel, &str)> {
    let (rest, label) = terminated(header_label_inner, colon).parse(cell).ok()?;
    Some((label, rest.trim_start()))
}

/// `（必填）` or `(必填)` at the start of `i`, as [`bracketed`] reads it: the text between
/// the brackets (at least one character, up to the first closing bracket) and the rest.
fn bracketed_fast(i: &str) -> Option<(&str, &str)> {
    let inner = i.strip_prefix(['（', '('])?;
    // The first closing bracket, by its bytes: `)` is ASCII, and `）` is `EF BC 89`,
    // whose lead byte is never inside another character, so both hits are boundaries.
    let b = inner.as_bytes();
    let (end, close) = (0..b.len()).find_map(|k| match b[k] {
        b')' => Some((k, 1)),
        0xEF if b.get(k + 1..k + 3) == Some(&[0xBC, 0x89]) => Some((k, 3)),
        _ => None,
    })?;
    if end == 0 {
        return None;
    }
    Some((inner.get(..end)?, inner.get(end + close..)?))
}

/// The first characters of the header labels (the vocabulary tests fail if one is
/// missing: a label would no longer be read).
pub(crate) const HEADER_LABEL_STARTS: [char; 8] = ['项', '主', '实', '年', '资', '其', '财', '总'];

/// The rest of `cell` after the first of `words` it starts with.
fn first_of<'a>(cell: &'a str, words: &[&str]) -> Option<&'a str> {
    words.iter().find_map(|w| cell.strip_prefix(w))
}

/// The label at the start of `cell` and the rest after it, in the order of the nom
/// grammar's `alt` (the first alternative that matches wins, longer spellings first).
///
/// A `Funds` label comes back as `Funds(None)`, with its unit (if printed) beside it.
fn header_label_start(cell: &str) -> Option<(HeaderLabel, Option<&str>, &str)> {
    if let Some(r) = cell.strip_prefix("项目") {
        if let Some(r) = r.strip_prefix("名称") {
            return Some((HeaderLabel::Name, None, r));
        }
        if let Some(r) = r.strip_prefix("属性") {
            return Some((HeaderLabel::Attribute, None, r));
        }
        if let Some(r) = first_of(r, &["周期", "期"]) {
            return Some((HeaderLabel::Period, None, r));
        }
        let r = r.strip_prefix("资金")?;
        return Some(match bracketed_fast(r) {
            Some((unit, rest)) => (HeaderLabel::Funds(None), Some(unit), rest),
            None => (HeaderLabel::Funds(None), None, r),
        });
    }
    if let Some(r) = first_of(cell, &["主管部门及代码", "主管部门（代码）", "主管部门"])
    {
        return Some((HeaderLabel::Department, None, r));
    }
    if let Some(r) = cell.strip_prefix("实施单位") {
        return Some((HeaderLabel::ImplementingUnit, None, r));
    }
    if let Some(r) = first_of(cell, &["年度资金总额", "资金总额"]) {
        return Some((HeaderLabel::Total, None, r));
    }
    // `其中` and an optional colon, then `财政拨款`; `其中` without it fails this
    // alternative (nom's `opt` does not give `其中` back), so `其他资金` is tried next.
    let fiscal = match cell.strip_prefix("其中") {
        Some(r) => r.strip_prefix(['：', ':']).unwrap_or(r),
        None => cell,
    };
    if let Some(r) = fiscal.strip_prefix("财政拨款") {
        return Some((HeaderLabel::Fiscal, None, r));
    }
    if let Some(r) = cell.strip_prefix("其他资金") {
        return Some((HeaderLabel::Other, None, r));
    }
    first_of(cell, &["年度总体目标", "年度目标", "总体目标"]).map(|r| (HeaderLabel::Goals, None, r))
}

/// A header label at the start of `cell`, and the rest of the cell after the label and an
/// optional colon (a label and its value are sometimes printed in one cell).
///
/// Read by hand rather than by nom: it runs on every cell of the header and the first
/// cell of every line. The nom grammar (`header_label_inner`) stays the definition; a
/// test checks the two agree.
pub fn header_label(cell: &str) -> Option<(HeaderLabel, &str)> {
    let (label, unit, rest) = header_label_ref(cell)?;
    let label = match label {
        HeaderLabel::Funds(_) => HeaderLabel::Funds(unit.map(str::to_owned)),
        other => other,
    };
    Some((label, rest))
}

/// The header label of kind `kind`, as [`header_label_ref`] returns it (a `Funds`
/// label without its unit). A test checks every kind.
pub(crate) fn header_label_of(kind: std::mem::Discriminant<HeaderLabel>) -> HeaderLabel {
    use std::mem::discriminant;
    const UNIT_LABELS: [HeaderLabel; 9] = [
        HeaderLabel::Name,
        HeaderLabel::Department,
        HeaderLabel::ImplementingUnit,
        HeaderLabel::Attribute,
        HeaderLabel::Period,
        HeaderLabel::Total,
        HeaderLabel::Fiscal,
        HeaderLabel::Other,
        HeaderLabel::Goals,
    ];
    UNIT_LABELS
        .into_iter()
        .find(|l| discriminant(l) == kind)
        .unwrap_or(HeaderLabel::Funds(None))
}

/// [`header_label`] without allocating: a `Funds` label comes back as `Funds(None)`,
/// with the unit printed in it (borrowed) beside it.
pub(crate) fn header_label_ref(cell: &str) -> Option<(HeaderLabel, Option<&str>, &str)> {
    // Most cells start with none of the labels' first characters.
    if !starts_like_header_label(cell) {
        return None;
    }
    let (label, unit, rest) = header_label_start(cell)?;
    let rest = rest.strip_prefix(['：', ':']).unwrap_or(rest);
    Some((label, unit, rest.trim_start()))
}

/// `cell.starts_with(HEADER_LABEL_STARTS)`, by one lookup of the first character
/// ([`start_of`]; a test checks it against [`HEADER_LABEL_STARTS`] for every character).
#[inline]
fn starts_like_header_label(cell: &str) -> bool {
    start_of(cell) == Start::Header
}

/// Which of the first-cell readers a cell's first character lets answer: the column
/// header (`is_column_header`), the taxonomy (`classify`, `label_prefix_ref`) or the
/// header labels (`header_label_ref`). Their first characters are disjoint (a test
/// checks it), so one lookup picks the one reader that can match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// None of the readers matches the cell.
    Other,
    /// `名`, `一`, `二`, `三`, `指`: maybe a column header.
    ColumnHeader,
    /// One of [`LABEL_STARTS`]: maybe a taxonomy label or the cut start of one.
    Label,
    /// One of the header labels' first characters: maybe a header label.
    Header,
}

/// The first characters of the column headers (`名称`, `一级指标`, …, `指标名称`).
const COLUMN_HEADER_STARTS: [char; 5] = ['名', '一', '二', '三', '指'];

/// The three UTF-8 bytes of `c` (U+0800…U+FFFF) as the low bytes of a `u32`, first
/// byte highest.
const fn utf8_key3(c: char) -> u32 {
    let c = c as u32;
    ((0xE0 | (c >> 12)) << 16) | ((0x80 | ((c >> 6) & 0x3F)) << 8) | (0x80 | (c & 0x3F))
}

/// The slot of [`START_TABLE`] for a character whose second and third bytes are `b1`, `b2`.
#[inline]
const fn start_slot(b1: u8, b2: u8) -> usize {
    (b1 as usize * 4 + b2 as usize) & 127
}

/// Every first character of [`Start`] other than `Other`, at the slot its second and
/// third bytes hash to, with its three bytes (to tell it from the characters that share
/// the slot). All are three-byte characters, and no two share a slot: building the table
/// fails to compile otherwise.
static START_TABLE: [(u32, Start); 128] = {
    let mut t = [(0u32, Start::Other); 128];
    let groups: [(&[char], Start); 3] = [
        (&COLUMN_HEADER_STARTS, Start::ColumnHeader),
        (&LABEL_STARTS, Start::Label),
        (&HEADER_LABEL_STARTS, Start::Header),
    ];
    let mut g = 0;
    while g < groups.len() {
        let (chars, kind) = groups[g];
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            assert!(c as u32 >= 0x800 && c as u32 <= 0xFFFF);
            let key = utf8_key3(c);
            #[allow(clippy::cast_possible_truncation)]
            let slot = start_slot((key >> 8) as u8, key as u8);
            assert!(t[slot].0 == 0, "two first characters share a slot");
            t[slot] = (key, kind);
            k += 1;
        }
        g += 1;
    }
    t
};

/// What the first character of `cell` lets it be ([`Start`]): one table lookup on its
/// first three bytes, where a `match` on the decoded character is a chain of compares.
///
/// Exact: every listed character is three bytes long, so a cell starting with one has
/// at least three bytes and its first three are that character's; and three bytes equal
/// to a listed character's encoding start the cell with that character (a `str` is valid
/// UTF-8, whose encodings are prefix-free).
#[inline]
pub(crate) fn start_of(cell: &str) -> Start {
    let [b0, b1, b2, ..] = *cell.as_bytes() else {
        return Start::Other;
    };
    let (key, kind) = START_TABLE[start_slot(b1, b2)];
    if key == (u32::from(b0) << 16 | u32::from(b1) << 8 | u32::from(b2)) {
        kind
    } else {
        Start::Other
    }
}

/// Is this cell part of the indicator column-header row (`名称 一级指标 二级指标 三级指标 指标值`)?
pub fn is_column_header(cell: &str) -> bool {
    matches!(
        cell,
        "名称" | "一级指标" | "二级指标" | "三级指标" | "指标值" | "指标名称"
    )
}

/// [`LEVEL2_STEMS`] longest first (stable), so that `社会成本` is never read as `社会` +
/// rest. Written out rather than sorted on every call: this runs for every cell.
#[cfg(test)]
const LEVEL2_STEMS_LONGEST_FIRST: [&str; 12] = [
    "服务对象满意度",
    "生态环境成本",
    "可持续影响",
    "经济效益",
    "社会效益",
    "生态效益",
    "经济成本",
    "社会成本",
    "数量",
    "质量",
    "时效",
    "成本",
];

/// The nom reading of a 二级 stem (the definition; see [`level2_label_start`]).
#[cfg(test)]
fn level2_stem(i: &str) -> IResult<&str, &'static str> {
    for stem in LEVEL2_STEMS_LONGEST_FIRST {
        if let Some(rest) = i.strip_prefix(stem) {
            return Ok((rest, stem));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Tag,
    )))
}

/// The nom grammar of a 二级 label cell (the definition; see [`classify`]).
#[cfg(test)]
fn level2(i: &str) -> IResult<&str, (String, Option<String>)> {
    map(
        (terminated(level2_stem, tag("指标")), space0, opt(bracketed)),
        |(stem, _, note): (&str, &str, Option<&str>)| {
            (format!("{stem}指标"), note.map(|n| n.trim().to_owned()))
        },
    )
    .parse(i)
}

/// [`classify_label`] as the nom grammar reads it: the reference of [`classify`].
#[cfg(test)]
fn classify_label_nom(cell: &str) -> Option<Label> {
    if cell == "绩效指标" {
        return Some(Label::Section);
    }
    if let Ok((_, (name, note))) = all_consuming(level2).parse(cell) {
        return Some(Label::Level2 { name, note });
    }
    LEVEL1
        .iter()
        .find(|l| **l == cell)
        .map(|l| Label::Level1(l))
}

/// [`LEVEL2_STEMS_LONGEST_FIRST`], each with `指标`: the 二级 labels, longest first.
#[cfg(test)]
const LEVEL2_LABELS_LONGEST_FIRST: [&str; 12] = [
    "服务对象满意度指标",
    "生态环境成本指标",
    "可持续影响指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "经济成本指标",
    "社会成本指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
];

/// The first characters of [`ALL_LABELS`] (a test checks it against the list).
pub(crate) const LABEL_STARTS: [char; 13] = [
    '产', '效', '满', '成', '数', '质', '时', '经', '社', '生', '可', '服', '绩',
];

/// `cell.starts_with(LABEL_STARTS)`, by one lookup of the first character ([`start_of`]:
/// it runs on most cells). A test checks it against [`LABEL_STARTS`] for every character.
#[inline]
pub(crate) fn starts_like_label(cell: &str) -> bool {
    start_of(cell) == Start::Label
}

/// Byte length of the shortest label (four CJK characters): a shorter cell is no label.
const SHORTEST_LABEL: usize = "产出指标".len();

/// The 二级 label (stem and `指标`) at the start of `i`, and the rest: what the nom
/// grammar's `terminated(level2_stem, tag("指标"))` reads. That parser takes the first
/// stem (longest first) and then needs `指标`; no stem is a shorter stem followed by
/// `指`, so the first label in longest-first order that starts `i` is the same match.
///
/// The labels are looked up by the first character (those of a character keep the
/// longest-first order; the vocabulary tests compare the result with the nom grammar).
fn level2_label_start(i: &str) -> Option<(&'static str, &str)> {
    let labels: &[&'static str] = match i.chars().next()? {
        '服' => &["服务对象满意度指标"],
        '生' => &["生态环境成本指标", "生态效益指标"],
        '可' => &["可持续影响指标"],
        '经' => &["经济效益指标", "经济成本指标"],
        '社' => &["社会效益指标", "社会成本指标"],
        '数' => &["数量指标"],
        '质' => &["质量指标"],
        '时' => &["时效指标"],
        '成' => &["成本指标"],
        _ => return None,
    };
    labels
        .iter()
        .find_map(|l| i.strip_prefix(l).map(|rest| (*l, rest)))
}

/// A taxonomy label read from a cell without allocating: [`Label`] with the 二级 name
/// from the vocabulary and the note borrowed from the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelRef<'a> {
    /// `绩效指标`.
    Section,
    /// A 一级指标.
    Level1(&'static str),
    /// A 二级指标 and its bracketed note (trimmed).
    Level2 {
        name: &'static str,
        note: Option<&'a str>,
    },
}

impl LabelRef<'_> {
    /// The public, owned form.
    pub(crate) fn to_label(self) -> Label {
        match self {
            LabelRef::Section => Label::Section,
            LabelRef::Level1(l) => Label::Level1(l),
            LabelRef::Level2 { name, note } => Label::Level2 {
                name: name.to_owned(),
                note: note.map(str::to_owned),
            },
        }
    }
}

/// [`classify_label`] without allocating; read by hand where the nom grammar
/// (`classify_label_nom`, the definition) would try a dozen parsers on every cell. A
/// test checks the two agree on the vocabulary, its prefixes and extensions, and on
/// random strings over its alphabet.
///
/// After the label: white space (spaces and tabs, as nom's `space0`), then either the
/// end, or one bracketed note that ends the cell: an opening bracket, at least one
/// character that is no closing bracket, and a closing bracket.
pub(crate) fn classify(cell: &str) -> Option<LabelRef<'_>> {
    // Most cells are names and values: rejected by their length or first character.
    // The first character also says which of the readings below can match: `绩效指标`
    // starts with `绩`, the 一级 labels with `产`, `效`, `满` and `成`, the 二级 labels
    // with `成` and the other starts (`level2_label_start`). `成本指标` is both: the 二级
    // reading comes first, as in the nom grammar (a test compares the two).
    if cell.len() < SHORTEST_LABEL || start_of(cell) != Start::Label {
        return None;
    }
    match cell.chars().next()? {
        '绩' => (cell == "绩效指标").then_some(LabelRef::Section),
        '产' | '效' | '满' => LEVEL1
            .iter()
            .find(|l| **l == cell)
            .map(|l| LabelRef::Level1(l)),
        '成' | '数' | '质' | '时' | '经' | '社' | '生' | '可' | '服' => {
            if let Some((name, rest)) = level2_label_start(cell) {
                let rest = trim_spaces_tabs(rest);
                if rest.is_empty() {
                    return Some(LabelRef::Level2 { name, note: None });
                }
                if let Some((note, "")) = bracketed_fast(rest) {
                    return Some(LabelRef::Level2 {
                        name,
                        note: Some(trim(note)),
                    });
                }
            }
            LEVEL1
                .iter()
                .find(|l| **l == cell)
                .map(|l| LabelRef::Level1(l))
        }
        _ => None,
    }
}

/// `s.trim_start_matches([' ', '\t'])`, by bytes (both are ASCII).
fn trim_spaces_tabs(s: &str) -> &str {
    let n = s.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count();
    &s[n..]
}

/// Classify a whole cell as a taxonomy label, if it is one.
///
/// `成本指标` alone is ambiguous (一级 in newer templates, 二级 under 产出指标 in older
/// ones); it is returned as a 二级 label here and the row logic promotes it when a 二级
/// label follows it on the same row.
pub fn classify_label(cell: &str) -> Option<Label> {
    classify(cell).map(LabelRef::to_label)
}

/// [`level2_open_note`] without allocating: the label and the note's start, borrowed.
pub(crate) fn level2_open_note_ref(cell: &str) -> Option<(&'static str, &str)> {
    let (name, rest) = level2_label_start(cell)?;
    let note = trim_spaces_tabs(rest).strip_prefix(['（', '('])?;
    if note.contains(['）', ')']) {
        return None;
    }
    Some((name, trim(note)))
}

/// A 二级 label whose bracketed note was cut off by a line or page break
/// (`可持续影响指标（必` … `填）`): returns the label and the start of the note.
pub fn level2_open_note(cell: &str) -> Option<(String, String)> {
    level2_open_note_ref(cell).map(|(name, note)| (name.to_owned(), note.to_owned()))
}

/// [`level2_open_note`] as the nom grammar reads it (the reference).
#[cfg(test)]
fn level2_open_note_nom(cell: &str) -> Option<(String, String)> {
    let (rest, stem) = terminated(level2_stem, tag("指标")).parse(cell).ok()?;
    let (note, _) = (space0::<&str, nom::error::Error<&str>>, open_paren)
        .parse(rest)
        .ok()?;
    if note.contains(['）', ')']) {
        return None;
    }
    Some((format!("{stem}指标"), note.trim().to_owned()))
}

/// Every full label a partial OCR fragment could be the start of:
///
/// [`LEVEL1`], then each of [`LEVEL2_STEMS`] with `指标`, then `绩效指标`, written out
/// (a test checks it against those lists). `成本指标` is in it twice, as 一级 and as 二级,
/// so `成本指` is the start of two labels: ambiguous, never completed.
const ALL_LABELS: [&str; 17] = [
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "绩效指标",
];

/// Byte length of the longest label: a cell this long or longer is no cut-off label.
const LONGEST_LABEL: usize = "服务对象满意度指标".len();

/// A cell that is the cut-off start of exactly one label (`效益指` → `效益指标`), as OCR
/// leaves it when a label wraps inside its cell. At least two characters, never a full label.
pub fn label_prefix(cell: &str) -> Option<String> {
    label_prefix_ref(cell).map(str::to_owned)
}

/// [`label_prefix`] without allocating.
pub(crate) fn label_prefix_ref(cell: &str) -> Option<&'static str> {
    // Runs on the first cell of every indicator line: reject without allocating first.
    // A prefix of a label starts with a label's first character.
    if cell.len() >= LONGEST_LABEL || !starts_like_label(cell) || cell.chars().nth(1).is_none() {
        return None;
    }
    let mut found = ALL_LABELS
        .iter()
        .filter(|l| l.starts_with(cell) && l.len() > cell.len());
    let first = found.next()?;
    if found.next().is_some() || classify(cell).is_some() {
        return None;
    }
    Some(first)
}

fn open_paren(i: &str) -> IResult<&str, char> {
    alt((char('（'), char('('))).parse(i)
}

fn close_paren(i: &str) -> IResult<&str, char> {
    alt((char('）'), char(')'))).parse(i)
}

/// The 年度 line as a nom parser: the definition [`year_line_fast`] is tested against.
#[cfg(test)]
fn year_line(i: &str) -> IResult<&str, i32> {
    let year = map_res(
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
        str::parse::<i32>,
    );
    all_consuming(delimited(
        (opt(open_paren), space0),
        terminated(year, (space0, tag("年"), opt(tag("度")))),
        (space0, opt(close_paren)),
    ))
    .parse(i)
}

/// Whether a character starting with byte `b` (UTF-8) can be white space
/// (`char::is_whitespace`): ASCII white space, or U+0085/U+00A0 (`C2`), U+1680 (`E1`),
/// U+2000…U+205F (`E2`), U+3000 (`E3`). A test checks every character.
#[inline]
pub(crate) fn may_be_whitespace(b: u8) -> bool {
    BYTE_CLASS[b as usize] & MAY_START_WS != 0
}

/// [`may_be_whitespace`] as its defining pattern (what [`BYTE_CLASS`] is built from).
const fn may_be_whitespace_def(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3)
}

/// [`may_end_whitespace`] as its defining pattern (what [`BYTE_CLASS`] is built from).
const fn may_end_whitespace_def(b: u8) -> bool {
    matches!(
        b,
        b'\t'..=b'\r' | b' ' | 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF
    )
}

const MAY_START_WS: u8 = 1;
const MAY_END_WS: u8 = 2;

/// Per byte value: [`MAY_START_WS`] when `may_be_whitespace_def`, [`MAY_END_WS`] when
/// `may_end_whitespace_def`. One load per test instead of a chain of range compares:
/// `trim` and the line tests ask for every cell and line. Built by the defining
/// patterns themselves, so the table cannot disagree with them.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)]
        let byte = b as u8;
        if may_be_whitespace_def(byte) {
            t[b] |= MAY_START_WS;
        }
        if may_end_whitespace_def(byte) {
            t[b] |= MAY_END_WS;
        }
        b += 1;
    }
    t
};

/// Whether a character ending with byte `b` (UTF-8) can be white space: ASCII white
/// space, or the last byte of U+0085 (`85`), U+00A0 (`A0`), U+1680 (`80`), U+2000…U+200A
/// (`80`…`8A`), U+2028, U+2029, U+202F (`A8`, `A9`, `AF`), U+205F (`9F`), U+3000 (`80`).
/// A test checks every character.
#[inline]
pub(crate) fn may_end_whitespace(b: u8) -> bool {
    BYTE_CLASS[b as usize] & MAY_END_WS != 0
}

/// Whether the last character of `b` (UTF-8) can be white space: its last byte can end
/// one ([`may_end_whitespace`]) and its lead byte can start one ([`may_be_whitespace`]).
/// The last byte alone passes many CJK characters (`元` ends in `83`, `月` in `88`, `张`
/// in `A0`); their lead bytes `E4`…`E9` start no white space.
#[inline]
pub(crate) fn ends_maybe_whitespace(b: &[u8]) -> bool {
    let Some(&last) = b.last() else {
        return false;
    };
    if !may_end_whitespace(last) {
        return false;
    }
    if last < 0x80 {
        return true;
    }
    // The lead byte: the last byte that is no continuation byte (`10xxxxxx`), one to
    // three bytes before the last (a `str` is valid UTF-8, and `last` is a continuation
    // byte: it can end white space and is not ASCII).
    let n = b.len();
    let lead = [n.wrapping_sub(2), n.wrapping_sub(3), n.wrapping_sub(4)]
        .into_iter()
        .map(|i| b.get(i).copied().unwrap_or(0))
        .find(|&x| x & 0xC0 != 0x80);
    lead.is_some_and(may_be_whitespace)
}

/// `s.trim()`, without decoding a character at either end that cannot be white space
/// (most cells): the first byte says whether the first character can be, the last
/// character's first and last bytes whether the last one can.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.first().is_some_and(|&f| may_be_whitespace(f));
    let end = ends_maybe_whitespace(b);
    match (start, end) {
        (false, false) => s,
        (false, true) => s.trim_end(),
        (true, false) => s.trim_start(),
        (true, true) => s.trim(),
    }
}

/// The 年度 line: `（2024年度）`, `(2024 年度)`, `2024年度`. Returns the year.
pub fn fiscal_year(line: &str) -> Option<i32> {
    // Most lines start with a CJK character (lead byte `E4`…`EE`): no white space, no
    // bracket, no digit, so no 年度 line; rejected before the line is trimmed.
    if line
        .as_bytes()
        .first()
        .is_some_and(|b| (0xE4..=0xEE).contains(b))
    {
        return None;
    }
    let t = trim(line);
    // Runs on every line. What `year_line` reads starts with a bracket or a digit and,
    // trimmed, ends with `年`, `度` or a bracket (its white space can only sit inside):
    // anything else is rejected without nom.
    if !t.starts_with(['（', '(', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        || !t.ends_with(['年', '度', '）', ')'])
    {
        return None;
    }
    year_line_fast(t)
}

/// `year_line(t)`'s year, read by hand (the nom parser took about a thousand
/// instructions a line): an optional opening bracket, spaces or tabs (`space0`), exactly
/// four ASCII digits, `space0`, `年`, an optional `度`, `space0`, an optional closing
/// bracket, and nothing after. Each step is what the parser's step takes: `opt` and
/// `space0` take what they can and never give it back, and `take_while_m_n(4, 4, …)`
/// takes four digits (a fifth digit then fails the `年`). A proptest compares the two.
fn year_line_fast(t: &str) -> Option<i32> {
    let spaces = |s: &str| s.trim_start_matches([' ', '\t']).len();
    let r = t.strip_prefix(['（', '(']).unwrap_or(t);
    let r = &r[r.len() - spaces(r)..];
    let (digits, r) = (r.get(..4)?, &r[4..]);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = digits
        .bytes()
        .fold(0i32, |y, b| y * 10 + i32::from(b - b'0'));
    let r = &r[r.len() - spaces(r)..];
    let r = r.strip_prefix('年')?;
    let r = r.strip_prefix('度').unwrap_or(r);
    let r = &r[r.len() - spaces(r)..];
    let r = r.strip_prefix(['）', ')']).unwrap_or(r);
    r.is_empty().then_some(year)
}

/// Is this line the form's title (`部门项目支出预算绩效目标表` and its close spellings)?
///
/// The annex heading (`附件2：…项目支出预算绩效目标表`) is not a title.
pub fn is_form_title(line: &str) -> bool {
    // A title ends in `表` (white space aside: `trim_end` drops what `is_whitespace`
    // does) and holds `绩效目标`: cheap tests first, as this runs on every line, and the
    // last character is looked at without a scan of the line.
    let end = if ends_maybe_whitespace(line.as_bytes()) {
        line.trim_end()
    } else {
        line
    };
    if !end.ends_with('表') || !line.contains('绩') {
        return false;
    }
    // The printed title itself (most titles): no white space, 13 characters, holds
    // `绩效目标` and `项目`, ends in `表`, no `附件`: a title by every test below.
    if line == "部门项目支出预算绩效目标表" {
        return true;
    }
    // The line without white space, at most 20 characters (a longer one is no title):
    // the line itself when no byte can start white space, else built in a buffer on the
    // stack rather than a `String`.
    if !line.bytes().any(may_be_whitespace) {
        let n = line.chars().count();
        // (`contains("项目支出") || contains("项目")` is `contains("项目")`.)
        return !line.starts_with("附件")
            && (8..=20).contains(&n)
            && line.contains("绩效目标")
            && line.contains("项目");
    }
    let mut buf = [0u8; 80];
    let (mut len, mut n) = (0, 0);
    for c in line.chars().filter(|c| !c.is_whitespace()) {
        n += 1;
        if n > 20 {
            return false;
        }
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    let Ok(t) = std::str::from_utf8(&buf[..len]) else {
        return false;
    };
    !t.starts_with("附件")
        && (8..=20).contains(&n)
        && t.contains("绩效目标")
        && t.ends_with('表')
        && t.contains("项目")
}

fn heading_number(i: &str) -> IResult<&str, &str> {
    let number = alt((
        digit1,
        take_while1(|c: char| "一二三四五六七八九十".contains(c)),
    ));
    delimited((tag("附件"), space0), number, (space0, colon, space0)).parse(i)
}

/// A page number printed by the page layout: `— 3 —`, `-3-`, `第3页 共12页`, `共12页 第3页`,
/// `3/12`, `Page 3 of 12`. The one definition: the shape readers call it too.
pub fn is_page_number(line: &str) -> bool {
    // Every form below is made of digits, dashes, `第页共`, separators, `/`, spaces and the
    // letters of `Page … of …`; this runs on every line, so reject anything else before
    // allocating.
    // A line starting with a CJK character (lead byte `E4`…`E9`: U+4000…U+9FFF, where
    // no character is white space) is rejected by its first character below unless that
    // is `第`, `页` or `共`: said by its first bytes, without decoding the line.
    if line
        .as_bytes()
        .first()
        .is_some_and(|b| (0xE4..=0xE9).contains(b))
        && !line.starts_with(['第', '页', '共'])
    {
        return false;
    }
    if line.len() > 96 || !line.chars().all(page_number_char) {
        return false;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.chars().count() > 24 {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 5 && s.chars().all(|c| c.is_ascii_digit());
    // `— 3 —`, `-3-`, `–3–`, `- 3 -`
    let dashes: &[char] = &['—', '-', '–', '－', '―', '─'];
    let inner = t.trim_matches(dashes);
    if inner.len() < t.len() && t.starts_with(dashes) && t.ends_with(dashes) && digits(inner) {
        return true;
    }
    // `第3页`, `第3页共12页`, `共12页第3页`, `第3页/共12页`
    let stripped: String = t
        .chars()
        .filter(|c| !matches!(c, '，' | ',' | '/' | '、'))
        .collect();
    let mut rest = stripped.as_str();
    let mut parts = 0;
    while let Some(after) = rest.strip_prefix('第').or_else(|| rest.strip_prefix('共')) {
        let n = after.chars().take_while(char::is_ascii_digit).count();
        let Some(tail) = after[n..].strip_prefix('页').filter(|_| n > 0) else {
            return false;
        };
        rest = tail;
        parts += 1;
    }
    if parts > 0 && rest.is_empty() {
        return true;
    }
    // `3/12`
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b) && a.len() <= 4 && b.len() <= 4;
    }
    // `Page 3 of 12`, `Page 3`
    let lower = t.to_ascii_lowercase();
    if let Some(r) = lower.strip_prefix("page") {
        let (a, b) = r.split_once("of").unwrap_or((r, "0"));
        return digits(a) && digits(b);
    }
    false
}

/// A character a page number can be made of (see [`is_page_number`]).
fn page_number_char(c: char) -> bool {
    // `is_whitespace` last: it looks a CJK character up in a table.
    c.is_ascii_digit()
        || matches!(
            c,
            '—' | '–'
                | '-'
                | '－'
                | '―'
                | '─'
                | '第'
                | '页'
                | '共'
                | '，'
                | ','
                | '/'
                | '、'
                | 'P'
                | 'p'
                | 'A'
                | 'a'
                | 'G'
                | 'g'
                | 'E'
                | 'e'
                | 'O'
                | 'o'
                | 'F'
                | 'f'
        )
        || c.is_whitespace()
}

/// The annex heading `附件 2：title`: returns (`附件2`, title).
pub fn annex_heading(line: &str) -> Option<(String, Option<String>)> {
    annex_heading_ref(line).map(|(annex, title)| (annex, title.map(str::to_owned)))
}

/// [`annex_heading`] with the title borrowed from `line`.
pub(crate) fn annex_heading_ref(line: &str) -> Option<(String, Option<&str>)> {
    // Runs on every line: most do not start with `附件` (what `heading_number` reads
    // first), and are rejected without nom.
    let &first = line.as_bytes().first()?;
    // A line that starts with no white space is trimmed to itself.
    let starts = if may_be_whitespace(first) {
        line.trim_start().starts_with("附件")
    } else {
        line.starts_with("附件")
    };
    if !starts {
        return None;
    }
    let (rest, n) = heading_number(line.trim()).ok()?;
    let title = rest.trim();
    Some((format!("附件{n}"), (!title.is_empty()).then_some(title)))
}

/// Goal numbering at the start of `i`: `1.` `1、` `1．` `（1）` `(1)` `①`. Returns the number.
pub fn goal_marker(i: &str) -> IResult<&str, u32> {
    let num = || {
        map_res(
            take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
            str::parse::<u32>,
        )
    };
    alt((
        terminated(num(), alt((char('.'), char('、'), char('．')))),
        delimited(open_paren, num(), close_paren),
        map_res(
            recognize(take_while_m_n(1, 1, |c| ('①'..='⑳').contains(&c))),
            |s: &str| {
                s.chars()
                    .next()
                    .map(|c| u32::from(c) - u32::from('①') + 1)
                    .ok_or("empty")
            },
        ),
    ))
    .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of the vocabulary, odd neighbours and pieces of them: what the hand-written
    /// readers are compared with the nom grammar on.
    fn vocabulary_cells() -> Vec<String> {
        let words: Vec<String> = [
            "项目名称",
            "主管部门及代码",
            "主管部门（代码）",
            "主管部门",
            "实施单位",
            "项目属性",
            "项目周期",
            "项目期",
            "项目资金",
            "年度资金总额",
            "资金总额",
            "其中",
            "财政拨款",
            "其他资金",
            "年度总体目标",
            "年度目标",
            "总体目标",
            "绩效指标",
            "指标",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(ALL_LABELS.iter().map(|s| (*s).to_owned()))
        .chain(LEVEL2_STEMS.iter().map(|s| (*s).to_owned()))
        .collect();
        let tails = [
            "",
            "：",
            ":",
            " ",
            "\t",
            "  ",
            "（万元）",
            "(万元)",
            "（万元",
            "（",
            "(",
            "）",
            ")",
            "（）",
            "()",
            "（必填）",
            "(必填)",
            " (必填)",
            "\t（必填硬性指标）",
            "（ 必填 ）",
            "（必填）x",
            "（必填））",
            "（必(填)",
            "（必填",
            "（（必填）",
            "：14500",
            ": 社保卡",
            "：财政拨款",
            "财政拨款",
            "指标",
            "很多",
            "x",
            "1",
            "（ ）",
            "（)",
        ];
        let mut cells = Vec::new();
        for w in &words {
            for t in &tails {
                let cell = format!("{w}{t}");
                // Every prefix, by characters, of every word with every tail.
                let ends: Vec<usize> = cell
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(cell.len()))
                    .collect();
                for e in ends {
                    cells.push(cell[..e].to_owned());
                }
            }
            for v in &words {
                cells.push(format!("{w}{v}"));
                cells.push(format!("{w}：{v}"));
                cells.push(format!("{w} {v}"));
            }
        }
        cells.sort();
        cells.dedup();
        cells
    }

    #[test]
    fn hand_written_readers_agree_with_the_nom_grammar_on_the_vocabulary() {
        let cells = vocabulary_cells();
        assert!(cells.len() > 5_000, "{}", cells.len());
        for cell in &cells {
            assert_eq!(header_label(cell), header_label_nom(cell), "{cell:?}");
            assert_eq!(classify_label(cell), classify_label_nom(cell), "{cell:?}");
            assert_eq!(
                level2_open_note(cell),
                level2_open_note_nom(cell),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn level2_labels_by_first_character_are_the_longest_first_search() {
        fn search(i: &str) -> Option<(&'static str, &str)> {
            LEVEL2_LABELS_LONGEST_FIRST
                .iter()
                .find_map(|l| i.strip_prefix(l).map(|rest| (*l, rest)))
        }
        for cell in vocabulary_cells() {
            assert_eq!(level2_label_start(&cell), search(&cell), "{cell:?}");
        }
    }

    #[test]
    fn header_label_of_gives_back_the_label_of_its_kind() {
        let cells = [
            "项目名称",
            "主管部门",
            "实施单位",
            "项目属性",
            "项目期",
            "项目资金（万元）",
            "年度资金总额",
            "财政拨款",
            "其他资金",
            "年度总体目标",
        ];
        for cell in cells {
            let label = header_label_ref(cell).map(|(l, _, _)| l);
            assert!(label.is_some(), "{cell}");
            assert_eq!(
                label
                    .as_ref()
                    .map(|l| header_label_of(std::mem::discriminant(l))),
                label,
                "{cell}"
            );
        }
    }

    #[test]
    fn start_of_is_the_listed_first_characters() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut b = [0u8; 4];
            let s = c.encode_utf8(&mut b);
            let want = if COLUMN_HEADER_STARTS.contains(&c) {
                Start::ColumnHeader
            } else if LABEL_STARTS.contains(&c) {
                Start::Label
            } else if HEADER_LABEL_STARTS.contains(&c) {
                Start::Header
            } else {
                Start::Other
            };
            assert_eq!(start_of(s), want, "{c:?}");
            assert_eq!(start_of(&format!("{s}x")), want, "{c:?}");
            assert_eq!(start_of(&format!("{s}级指标")), want, "{c:?}");
        }
        assert_eq!(start_of(""), Start::Other);
        assert_eq!(start_of("a"), Start::Other);
        assert_eq!(start_of("ab"), Start::Other);
    }

    #[test]
    fn first_character_matches_are_the_listed_starts() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut b = [0u8; 4];
            let s = c.encode_utf8(&mut b);
            let cell = format!("{s}x");
            assert_eq!(starts_like_label(s), s.starts_with(LABEL_STARTS), "{c:?}");
            assert_eq!(starts_like_label(&cell), cell.starts_with(LABEL_STARTS));
            assert_eq!(
                starts_like_header_label(s),
                s.starts_with(HEADER_LABEL_STARTS),
                "{c:?}"
            );
        }
        assert!(!starts_like_label("") && !starts_like_header_label(""));
    }

    #[test]
    fn no_page_number_character_leads_with_e4_to_e9_but_three() {
        for c in (0x4000..=0x9FFF).filter_map(char::from_u32) {
            assert_eq!(
                page_number_char(c),
                matches!(c, '第' | '页' | '共'),
                "{c:?}"
            );
            let mut b = [0u8; 4];
            assert!((0xE4..=0xE9).contains(&c.encode_utf8(&mut b).as_bytes()[0]));
        }
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut b = [0u8; 4];
            let lead = c.encode_utf8(&mut b).as_bytes()[0];
            if (0xE4..=0xE9).contains(&lead) {
                assert!((0x4000..=0x9FFF).contains(&u32::from(c)), "{c:?}");
            }
        }
    }

    #[test]
    fn cut_label_readers_need_a_label_start() {
        for cell in vocabulary_cells() {
            if !starts_like_label(&cell) {
                assert_eq!(label_prefix_ref(&cell), None, "{cell:?}");
                assert_eq!(level2_open_note_ref(&cell), None, "{cell:?}");
            }
        }
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            if !starts_like_label(&c.to_string()) {
                for tail in ["指", "量指标（必", "益指", "指标（", "度指"] {
                    let cell = format!("{c}{tail}");
                    assert_eq!(label_prefix_ref(&cell), None, "{cell:?}");
                    assert_eq!(level2_open_note_ref(&cell), None, "{cell:?}");
                }
            }
        }
    }

    #[test]
    fn byte_class_table_is_the_defining_patterns() {
        for b in 0..=255u8 {
            assert_eq!(may_be_whitespace(b), may_be_whitespace_def(b), "{b:#x}");
            assert_eq!(may_end_whitespace(b), may_end_whitespace_def(b), "{b:#x}");
        }
    }

    #[test]
    fn label_starts_are_the_first_characters_of_the_labels() {
        let mut from_list: Vec<char> = ALL_LABELS.iter().filter_map(|l| l.chars().next()).collect();
        from_list.sort_unstable();
        from_list.dedup();
        let mut listed = LABEL_STARTS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, from_list);
        assert_eq!(
            SHORTEST_LABEL,
            ALL_LABELS.iter().map(|l| l.len()).min().unwrap_or(0)
        );
        let with_suffix: Vec<String> = LEVEL2_STEMS_LONGEST_FIRST
            .iter()
            .map(|s| format!("{s}指标"))
            .collect();
        assert_eq!(LEVEL2_LABELS_LONGEST_FIRST.to_vec(), with_suffix);
    }

    /// The title test as first written (a `String` without white space): the reference.
    fn is_form_title_reference(line: &str) -> bool {
        if !line.contains('绩') || !line.contains('表') {
            return false;
        }
        let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let n = t.chars().count();
        !t.starts_with("附件")
            && (8..=20).contains(&n)
            && t.contains("绩效目标")
            && t.ends_with('表')
            && (t.contains("项目支出") || t.contains("项目"))
    }

    #[test]
    fn may_be_whitespace_covers_every_white_space_character() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let mut b = [0u8; 4];
                let lead = c.encode_utf8(&mut b).as_bytes()[0];
                assert!(may_be_whitespace(lead), "{c:?}");
            }
        }
    }

    #[test]
    fn may_end_whitespace_covers_every_white_space_character() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let mut b = [0u8; 4];
                let bytes = c.encode_utf8(&mut b).as_bytes();
                assert!(may_end_whitespace(bytes[bytes.len() - 1]), "{c:?}");
                for prefix in ["", "a", "表", "\u{3000}"] {
                    let s = format!("{prefix}{c}");
                    assert!(ends_maybe_whitespace(s.as_bytes()), "{s:?}");
                }
            }
        }
        for s in [
            "",
            " ",
            "\u{3000}",
            " a ",
            "a",
            "表\u{3000}",
            "\u{2028}x",
            "x\t",
            "\t\t",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn title_and_year_fast_paths_agree_with_their_references() {
        let cases = [
            "部门项目支出预算绩效目标表",
            " 部门项目支出预算绩效目标表 ",
            "部门 项目支出 预算绩效目标表\u{3000}",
            "项目支出绩效目标表",
            "附件2：平罗县社会保险事业管理中心项目支出预算绩效目标表",
            "附 件项目支出绩效目标表",
            "部门项目支出预算绩效目标表部门项目支出预算绩效目标表",
            "部门项目支出预算绩效目标表x",
            "绩效目标表",
            "（2024年度）",
            "(2024 年度)",
            "2023年度",
            " 2023 年 ",
            "（ 2024 年度 ）",
            "（2024年度）项目",
            "2024",
            "（2024）",
            "12024年",
            "",
        ];
        for line in cases {
            assert_eq!(
                is_form_title(line),
                is_form_title_reference(line),
                "{line:?}"
            );
            assert_eq!(
                fiscal_year(line),
                year_line(line.trim()).ok().map(|(_, y)| y),
                "{line:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// Random cells over the alphabet of the vocabulary (and brackets, colons, space).
        #[test]
        fn hand_written_readers_agree_with_the_nom_grammar_on_random_cells(
            cell in "[项目名称主管部门及代码实施单位属性周期资金年度总额其中财政拨款他体标指数量质时效成本经济社会生态环境可持续影响服务对象满意产出绩（）()：: \t万元必填x1]{0,14}"
        ) {
            proptest::prop_assert_eq!(header_label(&cell), header_label_nom(&cell));
            proptest::prop_assert_eq!(classify_label(&cell), classify_label_nom(&cell));
            proptest::prop_assert_eq!(level2_open_note(&cell), level2_open_note_nom(&cell));
        }

        /// The hand-written 年度 reader is the nom parser, on strings shaped like 年度
        /// lines and on any string.
        #[test]
        fn year_line_fast_is_year_line(
            shaped in "[（(]?[ \t]{0,2}[0-9x]{3,5}[ \t]{0,2}年?度?[ \t]{0,2}[）)]?[x ]?",
            any in "\\PC{0,12}",
        ) {
            for t in [&shaped, &any] {
                proptest::prop_assert_eq!(
                    year_line_fast(t),
                    year_line(t).ok().map(|(_, y)| y),
                    "{:?}", t
                );
            }
        }

        /// `trim` is `str::trim`.
        #[test]
        fn trim_is_str_trim(s in "[ \t\u{3000}\u{00A0}\u{2028}\u{0085}a表（）80\u{1680}元月张\u{2000}\u{205F}\u{180E}]{0,6}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }

        /// Random lines over the alphabet of titles and 年度 lines.
        #[test]
        fn title_and_year_fast_paths_agree_on_random_lines(
            line in "[部门项目支出预算绩效目标表附件2：年度（）() \t\u{3000}x0-9]{0,26}"
        ) {
            proptest::prop_assert_eq!(is_form_title(&line), is_form_title_reference(&line));
            proptest::prop_assert_eq!(
                fiscal_year(&line),
                year_line(line.trim()).ok().map(|(_, y)| y)
            );
        }
    }

    #[test]
    fn header_labels() {
        let cases: &[(&str, HeaderLabel, &str)] = &[
            ("项目名称", HeaderLabel::Name, ""),
            ("主管部门及代码", HeaderLabel::Department, ""),
            (
                "项目资金（万元）",
                HeaderLabel::Funds(Some("万元".into())),
                "",
            ),
            (
                "项目资金(万元)",
                HeaderLabel::Funds(Some("万元".into())),
                "",
            ),
            ("年度资金总额：", HeaderLabel::Total, ""),
            ("年度资金总额：14500", HeaderLabel::Total, "14500"),
            ("其中：财政拨款", HeaderLabel::Fiscal, ""),
            ("其中:财政拨款", HeaderLabel::Fiscal, ""),
            ("财政拨款", HeaderLabel::Fiscal, ""),
            ("其他资金", HeaderLabel::Other, ""),
            ("年度总体目标", HeaderLabel::Goals, ""),
            ("项目名称：社保卡", HeaderLabel::Name, "社保卡"),
            ("主管部门（代码）", HeaderLabel::Department, ""),
            ("主管部门", HeaderLabel::Department, ""),
            ("实施单位", HeaderLabel::ImplementingUnit, ""),
            ("项目属性", HeaderLabel::Attribute, ""),
            ("项目周期", HeaderLabel::Period, ""),
            ("项目期", HeaderLabel::Period, ""),
            ("项目资金", HeaderLabel::Funds(None), ""),
            ("资金总额", HeaderLabel::Total, ""),
            ("年度目标", HeaderLabel::Goals, ""),
            ("总体目标", HeaderLabel::Goals, ""),
        ];
        for (cell, label, rest) in cases {
            assert_eq!(header_label(cell), Some((label.clone(), *rest)), "{cell}");
        }
        assert_eq!(header_label("平罗县人力资源和社会保障局"), None);
    }

    #[test]
    fn taxonomy_labels() {
        assert_eq!(classify_label("产出指标"), Some(Label::Level1("产出指标")));
        assert_eq!(
            classify_label("数量指标（必填硬性指标）"),
            Some(Label::Level2 {
                name: "数量指标".into(),
                note: Some("必填硬性指标".into())
            })
        );
        assert_eq!(
            classify_label("社会效益指标 (必填)"),
            Some(Label::Level2 {
                name: "社会效益指标".into(),
                note: Some("必填".into())
            })
        );
        assert_eq!(
            classify_label("服务对象满意度指标"),
            Some(Label::Level2 {
                name: "服务对象满意度指标".into(),
                note: None
            })
        );
        assert_eq!(classify_label("绩效指标"), Some(Label::Section));
        assert_eq!(classify_label("全县机关事业单位退休人员"), None);
        assert_eq!(classify_label("数量指标很多"), None);
    }

    #[test]
    fn cut_notes() {
        assert_eq!(
            level2_open_note("可持续影响指标（必"),
            Some(("可持续影响指标".into(), "必".into()))
        );
        assert_eq!(level2_open_note("可持续影响指标（必填）"), None);
        assert_eq!(level2_open_note("可持续影响指标"), None);
    }

    #[test]
    fn written_out_label_lists_match_the_vocabulary() {
        let all: Vec<String> = LEVEL1
            .iter()
            .map(|s| (*s).to_owned())
            .chain(LEVEL2_STEMS.iter().map(|s| format!("{s}指标")))
            .chain(std::iter::once("绩效指标".to_owned()))
            .collect();
        assert_eq!(ALL_LABELS.to_vec(), all);
        assert_eq!(
            LONGEST_LABEL,
            all.iter().map(String::len).max().unwrap_or(0)
        );
        let mut stems = LEVEL2_STEMS;
        stems.sort_by_key(|s| std::cmp::Reverse(s.len()));
        assert_eq!(LEVEL2_STEMS_LONGEST_FIRST, stems);
    }

    #[test]
    fn label_prefixes() {
        assert_eq!(label_prefix("成本指"), None, "一级 and 二级 成本指标");
        assert_eq!(
            label_prefix("服务对象满意度指").as_deref(),
            Some("服务对象满意度指标")
        );
        assert_eq!(label_prefix("服务对象满意度指标很长"), None);
        assert_eq!(label_prefix("效益指").as_deref(), Some("效益指标"));
        assert_eq!(label_prefix("满意度指").as_deref(), Some("满意度指标"));
        assert_eq!(label_prefix("效益指标"), None);
        assert_eq!(label_prefix("社会"), None, "社会效益指标 and 社会成本指标");
        assert_eq!(label_prefix("电子签章费"), None);
    }

    #[test]
    fn years_titles_headings() {
        assert_eq!(fiscal_year("（2024年度）"), Some(2024));
        assert_eq!(fiscal_year("(2024 年度)"), Some(2024));
        assert_eq!(fiscal_year("2023年度"), Some(2023));
        assert_eq!(fiscal_year("（2024年度）项目"), None);
        assert!(is_form_title("部门项目支出预算绩效目标表"));
        assert!(is_form_title("项目支出绩效目标表"));
        assert!(!is_form_title(
            "附件2：平罗县社会保险事业管理中心项目支出预算绩效目标表"
        ));
        assert_eq!(
            annex_heading("附件2：平罗县社会保险事业管理中心项目支出预算绩效目标表"),
            Some((
                "附件2".into(),
                Some("平罗县社会保险事业管理中心项目支出预算绩效目标表".into())
            ))
        );
        assert_eq!(annex_heading("附件二"), Some(("附件二".into(), None)));
    }

    #[test]
    fn page_numbers() {
        for yes in [
            "— 3 —",
            "-3-",
            "- 12 -",
            "第3页 共12页",
            "第3页",
            "第 3 页，共 12 页",
            "共12页 第3页",
            "Page 3 of 12",
            "3/12",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["3", "2024", "1—12月", "-", "第三页", "3.43亿元"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn goal_markers() {
        assert_eq!(goal_marker("1.保证"), Ok(("保证", 1)));
        assert_eq!(goal_marker("12、保证"), Ok(("保证", 12)));
        assert_eq!(goal_marker("（3）保证"), Ok(("保证", 3)));
        assert_eq!(goal_marker("③保证"), Ok(("保证", 3)));
        assert!(goal_marker("保证").is_err());
    }
}
