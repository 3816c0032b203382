//! Parsing of one 指标值 cell into a [`Value`](crate::Value).
//!
//! The cell arrives in canonical text form (half-width digits, no spaces next to CJK,
//! LaTeX already turned into `≥` …), but OCR leftovers such as `>=95%`, `≥ 95%`,
//! `100 %`, `14,500`, `1~12月` or a stray `)` in front of the number are read too.
//! Parsing never fails: what is not a quantity or a span keeps only its `text`.
//!
//! What a cell becomes, in the order it is tried:
//!
//! ```text
//! cell     = [mark] body                       mark: stray punctuation, left out of text
//! body     = span | quantity | words
//! span     = number [unit] dash number unit     1月—12月, 1—12月, 1~12月, 1月至12月
//! quantity = [comparator] number [unit] [qualifier]
//!                                               ≥96%, 不低于95%, 4670人, 3.43亿元, 95%以上
//! words    = anything else                      有效解决, 2024年底, 2024年12月31日前
//! ```
//!
//! Decisions the schema leaves open, made here:
//! - A bare number (`95`) is a quantity without a unit: `number` set, `unit` null.
//! - A comparator is reported only for a quantity; `不低于上年` keeps comparator null,
//!   because a comparator without a number says nothing a consumer can compare.
//! - Dates and deadlines keep `number` and `unit` null: a number followed by `月`, `日`,
//!   `号`, `月份`, `年底`, `年末`, `年内` …, a four-digit number followed by `年` (`2024年`),
//!   anything ending in `前`/`以前`/`之前`, and a time length followed by `内`/`以内`/`之内`
//!   (`30日内`, `5个工作日内`, `3年内`: a deadline stated as a duration). A number below
//!   1000 followed by `年` is a length of time (`≥3年` → 3, `年`); `12个月` and `30天` are
//!   lengths too.
//! - Qualifiers printed after the unit are comparators stated in words: `以上`/`及以上` →
//!   `≥` and `以下`/`及以下`/`以内`/`之内`/`内` → `≤` (in Chinese usage both include the
//!   number itself); a comparator printed in front wins. `左右` (about) and the neutral
//!   prefixes `约`, `达`, `达到`, `¥`, `￥` keep the quantity with comparator null.
//! - A span needs its unit printed after the second number; for the date units `月`, `日`,
//!   `号`, `年`, `月份` both ends must be whole numbers, so `2021.1—2021.8` is no span.
//!   A span of other units (`90—100分`) is a span too. A span has `number` and `unit` null.
//! - A unit is a suffix of at most 6 characters, letters (CJK included) and `%`, `‰`, `/`,
//!   `·`, `²`, `³`, `℃` only, no digits, without the function words of a sentence
//!   (`的`, `了`, `和`, `及` …); `%` must stand alone. Full-width `％` becomes `%`.
//! - `-`, `−` or `－` directly before a digit at the start is a minus sign.
//! - An unreadable mark is a run of punctuation right before the number (or between a
//!   comparator and the number) that is no comparator: `) 95%`, `》95%`, `|≥95%`. It is
//!   never read as a comparator; it is dropped from `text` together with the white space
//!   after it, and returned raw so that the caller can warn about it. Punctuation in front
//!   of words (`) 有效解决`) is left in `text`: nothing is lost by keeping it. An opening
//!   bracket closed later in the cell (`（95%）`) is printed text, not a mark.

use std::borrow::Cow;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::vocab::trim;
use crate::{Number, Range, Value};

/// One parsed 指标值 cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedValue<'a> {
    /// The value, ready for the record (its text borrowed from the cell when it is a
    /// slice of it).
    pub value: Value<'a>,
    /// The raw unreadable mark left out of `value.text` (e.g. `)` in `) 95%`), for the
    /// caller to report as a warning; `None` when there was none.
    pub unreadable: Option<String>,
}

impl ParsedValue<'_> {
    /// The same parse holding its own copy of the text.
    pub fn into_owned(self) -> ParsedValue<'static> {
        ParsedValue {
            value: self.value.into_owned(),
            unreadable: self.unreadable,
        }
    }
}

/// Parse one 指标值 cell (already in canonical text form) into a [`Value`].
///
/// Never fails: a cell that is neither a quantity nor a span keeps its text only.
///
/// ```
/// use annex_grammar::value::parse_value;
///
/// let parsed = parse_value(") 95%");
/// assert_eq!(parsed.value.text, "95%");
/// assert_eq!(parsed.value.comparator, None);
/// assert_eq!(parsed.unreadable.as_deref(), Some(")"));
///
/// let money = parse_value("3.43亿元").value;
/// assert_eq!(money.yuan.map(|n| n.to_string()).as_deref(), Some("343000000"));
/// ```
pub fn parse_value(cell: &str) -> ParsedValue<'_> {
    let printed = trim(cell);
    // Most cells start with an ASCII digit (`4670人`, `95%`, `1—12月`): they have no
    // comparator in front (no printed form starts with a digit) and no unreadable mark
    // (a digit is no mark character), so `split_unreadable` would keep `printed` as it
    // is; and the number they start with is read once, for the span and the quantity
    // alike (see `number_first`).
    if printed.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let (range, quantity) = number_first(printed);
        return assemble(Cow::Borrowed(printed), range, quantity, None);
    }
    // The comparator in front is looked for once: `split_unreadable` needs it, and so
    // does `quantity` when no mark was cut (the text is then `printed` itself).
    let front = comparator_prefix(printed);
    // A comparator, then an ASCII digit (`≥95%`, `不少于200人`): no mark to cut (neither
    // starts one), no span (a span starts with its number, and no comparator starts with
    // a digit or a comma), so the quantity after the comparator is all there is to read.
    if let Some((comparator, rest)) = front {
        if rest.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            let quantity = take_number(rest, true).and_then(|(number, integer, after)| {
                quantity_after(Some(comparator), number, integer, after)
            });
            return assemble(Cow::Borrowed(printed), None, quantity, None);
        }
    }
    let (text, unreadable) = split_unreadable(printed, front);
    let front = if unreadable.is_none() {
        front
    } else {
        comparator_prefix(&text)
    };
    let (range, quantity) = match span(&text) {
        Some(range) => (Some(range), None),
        None => (None, quantity(&text, front)),
    };
    assemble(text, range, quantity, unreadable)
}

/// `(span(text), quantity(text, None))` for a text that starts with an ASCII digit,
/// with the number read once (the span when there is one, else the quantity).
///
/// Exact: `comparator_prefix(text)` is `None` (no comparator starts with a digit), so
/// `quantity` is given no front; no neutral prefix starts with a digit either, so it
/// reads the number at the start of `text`, with `take_number(text, true)`. `span`
/// reads it with `take_number(text, false)`, the same for a text that starts with a
/// digit (the sign is only looked at for a text that starts with one). What a number
/// reads (digits, points, grouping commas) holds no dash, so the text holds one exactly
/// when the rest after the number does: `span`'s scan for a dash is `span_after`'s.
/// When no number can be read, `span` and `quantity` both give `None`.
fn number_first(text: &str) -> (Option<Range>, Option<Quantity>) {
    let Some((number, integer, rest)) = take_number(text, true) else {
        return (None, None);
    };
    match span_after(number, integer, rest) {
        Some(range) => (Some(range), None),
        None => (None, quantity_after(None, number, integer, rest)),
    }
}

/// The parsed cell printed as `text`, from its span or quantity: one struct written in
/// place (the fields a quantity does not set are `None`, as in `Value::default()`).
fn assemble(
    text: Cow<'_, str>,
    range: Option<Range>,
    quantity: Option<Quantity>,
    unreadable: Option<String>,
) -> ParsedValue<'_> {
    let (comparator, number, unit, yuan) = match quantity {
        Some(q) => {
            let yuan = q
                .unit
                .as_deref()
                .and_then(|unit| to_yuan(q.number, unit))
                .map(Number);
            (
                q.comparator.map(Cow::Borrowed),
                Some(Number(q.number)),
                q.unit,
                yuan,
            )
        }
        None => (None, None, None, None),
    };
    ParsedValue {
        value: Value {
            text,
            comparator,
            number,
            unit,
            yuan,
            range: range.map(Box::new),
        },
        unreadable,
    }
}

/// How many 元 one of `unit` is, for the money units of the forms (`元`, `万元`, `亿元`);
/// `None` for anything else, rates such as `元/亩` included.
pub fn yuan_factor(unit: &str) -> Option<Decimal> {
    match unit {
        "元" => Some(Decimal::ONE),
        "万元" => Some(Decimal::from(10_000)),
        "亿元" => Some(Decimal::from(100_000_000)),
        _ => None,
    }
}

fn to_yuan(number: Decimal, unit: &str) -> Option<Decimal> {
    number.checked_mul(yuan_factor(unit)?)
}

/// Comparators as printed → as recorded. The longest match wins (`大于等于` over `大于`).
const COMPARATORS: &[(&str, &str)] = &[
    (">=", "≥"),
    ("＞＝", "≥"),
    ("≥", "≥"),
    ("≧", "≥"),
    ("⩾", "≥"),
    ("<=", "≤"),
    ("＜＝", "≤"),
    ("≤", "≤"),
    ("≦", "≤"),
    ("⩽", "≤"),
    (">", ">"),
    ("＞", ">"),
    ("<", "<"),
    ("＜", "<"),
    ("=", "="),
    ("＝", "="),
    ("大于等于", "≥"),
    ("大于或等于", "≥"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("小于等于", "≤"),
    ("小于或等于", "≤"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不大于", "≤"),
    ("不多于", "≤"),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("等于", "="),
];

/// Characters that begin a symbolic comparator: never part of an unreadable mark.
#[cfg(test)]
const COMPARATOR_CHARS: &str = "≥≤><=＞＜＝≧≦⩾⩽";

/// Words in front of a number that state no comparator.
const NEUTRAL_PREFIXES: &[&str] = &["达到", "达", "约", "¥", "￥"];

/// The first character of every printed form in [`COMPARATORS`] (a test checks it
/// against the table); [`comparator_prefix`] dispatches on exactly these.
#[cfg(test)]
const COMPARATOR_STARTS: [char; 21] = [
    '>', '＞', '≥', '≧', '⩾', '<', '＜', '≤', '≦', '⩽', '=', '＝', '大', '不', '小', '高', '超',
    '多', '低', '少', '等',
];

/// The last characters of the printed forms of [`COMPARATORS`].
const COMPARATOR_ENDS: [char; 14] = [
    '=', '＝', '≥', '≧', '⩾', '≤', '≦', '⩽', '>', '＞', '<', '＜', '于', '过',
];

/// `s` without a comparator printed at its end (the longest printed form), if it ends in
/// one: `调查达到≥` → `调查达到`. For readers that find a name and its value in one cell.
pub fn strip_comparator_suffix(s: &str) -> Option<&str> {
    // Every printed form ends in one of `COMPARATOR_ENDS` (a test checks it): a string
    // that ends in none is not compared with each form.
    if !s.ends_with(COMPARATOR_ENDS) {
        return None;
    }
    COMPARATORS
        .iter()
        .filter(|(printed, _)| s.ends_with(printed))
        .max_by_key(|(printed, _)| printed.len())
        .map(|(printed, _)| &s[..s.len() - printed.len()])
}

/// The comparator at the start of `s`, and the rest after it and any white space: the
/// longest printed form of [`COMPARATORS`] that starts `s`.
///
/// Runs on every value cell (twice): the forms are found by the first character, each
/// group longest first, instead of a search of the whole table; a test checks this
/// against the search ([`comparator_prefix_by_table`]).
fn comparator_prefix(s: &str) -> Option<(&'static str, &str)> {
    let b = s.as_bytes();
    // The comparator's canonical form and its printed length in bytes. Each group is
    // tried longest form first; forms of one character are known from the character.
    let (canonical, len): (&'static str, usize) = match b {
        [b'>', b'=', ..] => ("≥", 2),
        [b'>', ..] => (">", 1),
        [b'<', b'=', ..] => ("≤", 2),
        [b'<', ..] => ("<", 1),
        [b'=', ..] => ("=", 1),
        // `＞＝` `＜＝` `＞` `＜` `＝`: EF BC 9E, EF BC 9C, EF BC 9D.
        [0xEF, 0xBC, 0x9E, 0xEF, 0xBC, 0x9D, ..] => ("≥", 6),
        [0xEF, 0xBC, 0x9E, ..] => (">", 3),
        [0xEF, 0xBC, 0x9C, 0xEF, 0xBC, 0x9D, ..] => ("≤", 6),
        [0xEF, 0xBC, 0x9C, ..] => ("<", 3),
        [0xEF, 0xBC, 0x9D, ..] => ("=", 3),
        // `≥` E2 89 A5, `≧` E2 89 A7, `⩾` E2 A9 BE; `≤` E2 89 A4, `≦` E2 89 A6, `⩽` E2 A9 BD.
        [0xE2, 0x89, 0xA5 | 0xA7, ..] | [0xE2, 0xA9, 0xBE, ..] => ("≥", 3),
        [0xE2, 0x89, 0xA4 | 0xA6, ..] | [0xE2, 0xA9, 0xBD, ..] => ("≤", 3),
        // Words: rare; found by the table's groups.
        [0xE4..=0xE9, ..] => return comparator_word(s),
        _ => return None,
    };
    Some((canonical, s[len..].trim_start()))
}

/// [`comparator_prefix`] of the comparators printed as words.
fn comparator_word(s: &str) -> Option<(&'static str, &str)> {
    let forms: &[(&str, &str)] = match s.chars().next()? {
        '大' => &[("大于或等于", "≥"), ("大于等于", "≥"), ("大于", ">")],
        '不' => &[
            ("不低于", "≥"),
            ("不少于", "≥"),
            ("不小于", "≥"),
            ("不高于", "≤"),
            ("不超过", "≤"),
            ("不大于", "≤"),
            ("不多于", "≤"),
        ],
        '小' => &[("小于或等于", "≤"), ("小于等于", "≤"), ("小于", "<")],
        '高' => &[("高于", ">")],
        '超' => &[("超过", ">")],
        '多' => &[("多于", ">")],
        '低' => &[("低于", "<")],
        '少' => &[("少于", "<")],
        '等' => &[("等于", "=")],
        _ => return None,
    };
    forms
        .iter()
        .find(|(printed, _)| s.starts_with(printed))
        .map(|(printed, canonical)| (*canonical, s[printed.len()..].trim_start()))
}

/// [`comparator_prefix`] as a search of the whole table (the reference).
#[cfg(test)]
fn comparator_prefix_by_table(s: &str) -> Option<(&'static str, &str)> {
    if !s.starts_with(COMPARATOR_STARTS) {
        return None;
    }
    COMPARATORS
        .iter()
        .filter(|(printed, _)| s.starts_with(printed))
        .max_by_key(|(printed, _)| printed.len())
        .map(|(printed, canonical)| (*canonical, s[printed.len()..].trim_start()))
}

/// Split an unreadable mark off the front of the cell (or off the front of what follows
/// a comparator). Returns the text without the mark, and the mark; without a mark the
/// text is `printed`. `front` is `comparator_prefix(printed)`.
fn split_unreadable<'a>(
    printed: &'a str,
    front: Option<(&'static str, &str)>,
) -> (Cow<'a, str>, Option<String>) {
    let mut at = 0;
    if !starts_with_mark(printed) {
        match front {
            Some((_, rest)) if starts_with_mark(rest) => at = printed.len() - rest.len(),
            _ => return (Cow::Borrowed(printed), None),
        }
    }
    let tail = &printed[at..];
    let mark_len = tail
        .char_indices()
        .find(|&(i, c)| !is_mark_char(c) || is_sign_before_digit(&tail[i..]))
        .map_or(tail.len(), |(i, _)| i);
    let mark = &tail[..mark_len];
    let after = tail[mark_len..].trim_start();
    let numeric = starts_with_number(after) || (at == 0 && comparator_prefix(after).is_some());
    if numeric && !opens_pair(mark, after) {
        let text = format!("{}{after}", &printed[..at]);
        (Cow::Owned(text), Some(mark.to_owned()))
    } else {
        (Cow::Borrowed(printed), None)
    }
}

/// Whether the mark ends in an opening bracket that `after` closes: `（2024年）` is printed
/// text, not a stray mark.
fn opens_pair(mark: &str, after: &str) -> bool {
    const PAIRS: &[(char, char)] = &[
        ('(', ')'),
        ('（', '）'),
        ('[', ']'),
        ('【', '】'),
        ('《', '》'),
        ('〈', '〉'),
        ('「', '」'),
        ('『', '』'),
        ('{', '}'),
        ('“', '”'),
        ('‘', '’'),
    ];
    mark.chars().next_back().is_some_and(|last| {
        PAIRS
            .iter()
            .any(|&(open, close)| open == last && after.contains(close))
    })
}

fn starts_with_mark(s: &str) -> bool {
    s.chars().next().is_some_and(is_mark_char) && !is_sign_before_digit(s)
}

/// Punctuation that may be an OCR leftover: not a letter or digit, not white space, not a
/// comparator, not a currency sign.
fn is_mark_char(c: char) -> bool {
    // Comparators, ASCII digits and letters, and the CJK ideographs (all letters; a test
    // checks it) are what most cells start with: no Unicode lookup for them.
    !is_comparator_char(c)
        && !c.is_ascii_alphanumeric()
        && !('\u{4E00}'..='\u{9FFF}').contains(&c)
        && !matches!(c, '¥' | '￥')
        && !c.is_alphanumeric()
        && !c.is_whitespace()
}

/// `COMPARATOR_CHARS.contains(c)`, as one `match` (a test checks the two agree).
fn is_comparator_char(c: char) -> bool {
    matches!(
        c,
        '≥' | '≤' | '>' | '<' | '=' | '＞' | '＜' | '＝' | '≧' | '≦' | '⩾' | '⩽'
    )
}

fn is_sign_before_digit(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('-' | '−' | '－' | '+' | '＋'))
        && chars.next().and_then(digit).is_some()
}

fn starts_with_number(s: &str) -> bool {
    s.chars().next().and_then(digit).is_some() || is_sign_before_digit(s)
}

/// An ASCII or full-width digit, as ASCII.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10),
        _ => None,
    }
}

/// A number at the start of `s`: the value, whether it was printed without a fraction,
/// and the rest of `s`.
///
/// `14,500` and `14，500` read as 14500 only when every group after the first has exactly
/// three digits; `1,2` stops at the comma.
fn take_number(s: &str, allow_sign: bool) -> Option<(Decimal, bool, &str)> {
    // Most numbers are ASCII digits with an optional ASCII fraction, followed by neither a
    // grouping comma nor anything starting with byte `EF` (full-width digits, `，`, `．`):
    // those are read by bytes, their mantissa added up on the way. Anything else, and a
    // sign, goes the general way (a test compares the two).
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return take_number_general(s, allow_sign);
    }
    let (int_end, int_mantissa) = ascii_digits(b, 0, 0);
    let read = |end: usize, mantissa: u64, scale: usize, integer: bool| {
        // `end` bytes were read: digits, and the point when there is a fraction.
        let digits = end - usize::from(!integer);
        plain_decimal(&s[..end], mantissa, digits, scale).map(|d| (d, integer, &s[end..]))
    };
    match b.get(int_end) {
        Some(b',' | 0xEF) => take_number_general(s, allow_sign),
        Some(b'.') => {
            let (frac_end, mantissa) = ascii_digits(b, int_end + 1, int_mantissa);
            if b.get(frac_end) == Some(&0xEF) {
                take_number_general(s, allow_sign)
            } else if frac_end == int_end + 1 {
                read(int_end, int_mantissa, 0, true)
            } else {
                read(frac_end, mantissa, frac_end - int_end - 1, false)
            }
        }
        _ => read(int_end, int_mantissa, 0, true),
    }
}

/// The end of the ASCII digits of `b` from `at`, and `mantissa` with them appended
/// (wrapping past 19 digits: [`plain_decimal`] then does not use it).
fn ascii_digits(b: &[u8], mut at: usize, mut mantissa: u64) -> (usize, u64) {
    while let Some(&c) = b.get(at) {
        if !c.is_ascii_digit() {
            break;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
        at += 1;
    }
    (at, mantissa)
}

/// `Decimal::from_str(printed)` for `printed` made of `digits` ASCII digits with at most
/// one `.` between them, `scale` of them after it, whose digits make `mantissa`.
///
/// Up to 18 digits the decimal is built from its mantissa and scale: `from_str` keeps
/// every digit printed, trailing zeros after the point included (`1.50` is 150 with
/// scale 2), and leading zeros add nothing, so the two are the same decimal, scale and
/// all (a proptest compares their representations). Longer numbers, which `from_str`
/// may round or refuse, go to it.
fn plain_decimal(printed: &str, mantissa: u64, digits: usize, scale: usize) -> Option<Decimal> {
    if digits > 18 {
        return Decimal::from_str(printed).ok();
    }
    // Below 10^18, so an `i64`; the scale is below 18 too.
    let mantissa = i64::try_from(mantissa).ok()?;
    let scale = u32::try_from(scale).ok()?;
    Some(Decimal::new(mantissa, scale))
}

/// `Decimal::from_str(s).ok()`, read in place when `s` is ASCII digits with at most one
/// `.` between digits (most amounts): then it is [`plain_decimal`], which is exact; any
/// other text goes to `from_str` itself. A proptest compares the two.
pub(crate) fn decimal_from_str(s: &str) -> Option<Decimal> {
    let b = s.as_bytes();
    let (int_end, mantissa) = ascii_digits(b, 0, 0);
    let (end, mantissa) = match b.get(int_end) {
        Some(b'.') => ascii_digits(b, int_end + 1, mantissa),
        _ => (int_end, mantissa),
    };
    let plain = int_end > 0 && end == b.len() && (end == int_end || end > int_end + 1);
    if !plain {
        return Decimal::from_str(s).ok();
    }
    let scale = end.saturating_sub(int_end + 1);
    plain_decimal(s, mantissa, end - usize::from(scale > 0), scale)
}

/// [`take_number`] for every form: signs, full-width digits and points, grouping commas.
fn take_number_general(s: &str, allow_sign: bool) -> Option<(Decimal, bool, &str)> {
    // Byte positions, decoding one character at a time: this runs on every value cell,
    // and collecting the cell's characters first cost an allocation per call.
    let char_at = |at: usize| s[at..].chars().next();
    let digit_at = |at: usize| char_at(at).and_then(digit);
    // A thousands group after a comma is exactly three digits (a fourth ends it).
    let group_after = |at: usize| {
        s[at..]
            .chars()
            .take(4)
            .take_while(|&c| digit(c).is_some())
            .count()
            == 3
    };
    // Whether the printed number is already its own ASCII form (`-12.5`), so that it is
    // parsed in place; else (`１２`, `14,500`, `−3`, `+3`) its ASCII form is built.
    let mut ascii = true;
    let mut at = 0;
    if allow_sign && is_sign_before_digit(s) {
        let sign = char_at(0)?;
        ascii = sign == '-';
        at = sign.len_utf8();
    }
    let start = at;
    let mut group = 0;
    let mut grouped = false;
    while let Some(c) = char_at(at) {
        if digit(c).is_some() {
            ascii &= c.is_ascii();
            group += 1;
            at += c.len_utf8();
        } else if matches!(c, ',' | '，')
            && (if grouped { group == 3 } else { group <= 3 })
            && group_after(at + c.len_utf8())
        {
            ascii = false;
            grouped = true;
            group = 0;
            at += c.len_utf8();
        } else {
            break;
        }
    }
    if at == start {
        return None;
    }
    let mut integer = true;
    if let Some(point @ ('.' | '．')) = char_at(at) {
        if digit_at(at + point.len_utf8()).is_some() {
            integer = false;
            ascii &= point == '.';
            at += point.len_utf8();
            while let Some(c) = char_at(at).filter(|&c| digit(c).is_some()) {
                ascii &= c.is_ascii();
                at += c.len_utf8();
            }
        }
    }
    let printed = &s[..at];
    let number = if ascii {
        Decimal::from_str(printed).ok()?
    } else {
        // Only the sign, digits, grouping commas and the point were read above.
        let repr: String = printed
            .chars()
            .enumerate()
            .filter_map(|(k, c)| match c {
                '-' | '−' | '－' if k == 0 => Some('-'),
                '+' | '＋' if k == 0 => None,
                ',' | '，' => None,
                '.' | '．' => Some('.'),
                c => digit(c),
            })
            .collect();
        Decimal::from_str(&repr).ok()?
    };
    Some((number, integer, &s[at..]))
}

/// A quantity's parts before they become a [`Value`].
struct Quantity {
    comparator: Option<&'static str>,
    number: Decimal,
    unit: Option<Cow<'static, str>>,
}

/// `front` is `comparator_prefix(body)` (its rest may borrow another copy of the text).
fn quantity(body: &str, front: Option<(&'static str, &str)>) -> Option<Quantity> {
    let (front, s) = if let Some((comparator, rest)) = front {
        (Some(comparator), rest)
    } else {
        let rest = NEUTRAL_PREFIXES
            .iter()
            .find_map(|p| body.strip_prefix(p))
            .map_or(body, str::trim_start);
        (None, rest)
    };
    let (number, integer, rest) = take_number(s, true)?;
    quantity_after(front, number, integer, rest)
}

/// [`quantity`] once its number is read: `rest` is what follows the number.
fn quantity_after(
    front: Option<&'static str>,
    number: Decimal,
    integer: bool,
    rest: &str,
) -> Option<Quantity> {
    // Most quantities end in a common unit and nothing else (`4670人`, `95%`). Such a
    // rest needs no trimming (no unit holds white space), ends in no deadline mark or
    // qualifier (no common unit ends in `前`, `上`, `下`, `内` or `右`), and is no date
    // unit unless it is `月` or `年`: `suffix` would return the unit itself, borrowed,
    // and no comparator (a test compares the two for every common unit).
    if let Some(unit) = common_unit(rest).filter(|u| !matches!(*u, "月" | "年")) {
        return Some(Quantity {
            comparator: front,
            number,
            unit: Some(Cow::Borrowed(unit)),
        });
    }
    quantity_after_general(front, number, integer, rest)
}

/// [`quantity_after`] without its shortcut for the common units.
fn quantity_after_general(
    front: Option<&'static str>,
    number: Decimal,
    integer: bool,
    rest: &str,
) -> Option<Quantity> {
    let (unit, qualifier) = suffix(trim(rest), number, integer)?;
    Some(Quantity {
        comparator: front.or(qualifier),
        number,
        unit,
    })
}

/// Words after the unit that bound the quantity, longer forms first.
const QUALIFIERS: &[(&str, Qualifier)] = &[
    ("及以上", Qualifier::Bound("≥")),
    ("以上", Qualifier::Bound("≥")),
    ("及以下", Qualifier::Bound("≤")),
    ("以下", Qualifier::Bound("≤")),
    ("以内", Qualifier::Within),
    ("之内", Qualifier::Within),
    ("内", Qualifier::Within),
    ("左右", Qualifier::About),
];

/// The last characters of the [`QUALIFIERS`].
const QUALIFIER_ENDS: [char; 4] = ['上', '下', '内', '右'];

#[derive(Clone, Copy, PartialEq)]
enum Qualifier {
    Bound(&'static str),
    /// `以内`: `≤` for amounts, a deadline for lengths of time.
    Within,
    About,
}

/// Suffixes that make the value a deadline.
const DEADLINE_MARKS: &[&str] = &["前"];

/// Lengths of time: with `内` they state a deadline (`30日内`).
const TIME_UNITS: &[&str] = &[
    "秒",
    "分",
    "分钟",
    "小时",
    "个小时",
    "天",
    "日",
    "工作日",
    "个工作日",
    "自然日",
    "周",
    "星期",
    "个星期",
    "月",
    "个月",
    "年",
];

/// Characters that mark a sentence, not a unit (`95%的群众`).
#[cfg(test)]
const SENTENCE_CHARS: &str = "的了和与或及是在为达到并且将对从由把被之";

/// Characters that mark a sentence, not a unit (`95%的群众`): `SENTENCE_CHARS`, as one
/// `match` (a test checks the two agree).
fn is_sentence_char(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '和'
            | '与'
            | '或'
            | '及'
            | '是'
            | '在'
            | '为'
            | '达'
            | '到'
            | '并'
            | '且'
            | '将'
            | '对'
            | '从'
            | '由'
            | '把'
            | '被'
            | '之'
    )
}

/// Read what follows the number: `Some((unit, comparator))` for a quantity, `None` when
/// the value is a date, a deadline or words.
fn suffix(
    suffix: &str,
    number: Decimal,
    integer: bool,
) -> Option<(Option<Cow<'static, str>>, Option<&'static str>)> {
    if DEADLINE_MARKS.iter().any(|m| suffix.ends_with(m)) {
        return None;
    }
    // Every qualifier ends in one of `QUALIFIER_ENDS` (a test checks it): most units end
    // in none, and are not compared with each qualifier.
    let (core, qualifier) = if suffix.ends_with(QUALIFIER_ENDS) {
        QUALIFIERS
            .iter()
            .find_map(|(word, q)| {
                suffix
                    .strip_suffix(word)
                    .map(|core| (core.trim_end(), Some(*q)))
            })
            .unwrap_or((suffix, None))
    } else {
        (suffix, None)
    };
    if is_date_unit(core, number, integer) {
        return None;
    }
    if qualifier == Some(Qualifier::Within) && TIME_UNITS.contains(&core) {
        return None;
    }
    let comparator = match qualifier {
        Some(Qualifier::Bound(c)) => Some(c),
        Some(Qualifier::Within) => Some("≤"),
        Some(Qualifier::About) | None => None,
    };
    if core.is_empty() {
        return Some((None, comparator));
    }
    // A common unit is a unit (a test checks each): no need to read it.
    if let Some(common) = common_unit(core) {
        return Some((Some(Cow::Borrowed(common)), comparator));
    }
    is_unit(core).then(|| (Some(with_ascii_percent(core)), comparator))
}

/// `月`, `日`, `号`, `月份`, `年底` …, and `年` after a four-digit whole number: the number
/// is part of a date.
fn is_date_unit(core: &str, number: Decimal, integer: bool) -> bool {
    match core {
        "日" | "号" => true,
        "年" => integer && number >= Decimal::from(1000) && number <= Decimal::from(9999),
        _ => core.starts_with('月') || (core.starts_with('年') && core.chars().count() > 1),
    }
}

fn is_unit(core: &str) -> bool {
    let mut chars = core.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '%' | '％' | '‰') {
        return chars.next().is_none();
    }
    core.chars().count() <= 6
        && core.chars().all(|c| {
            (c.is_alphabetic() && !is_sentence_char(c))
                || matches!(c, '%' | '％' | '‰' | '/' | '·' | '•' | '²' | '³' | '℃')
        })
}

/// `COMMON_UNITS`, the units the forms print most (most frequent first), borrowed by
/// [`with_ascii_percent`] rather than copied into every value, and `common_unit`, which
/// finds one as a `match` (literal patterns compare without a call).
macro_rules! common_units {
    ($($unit:literal),* $(,)?) => {
        #[cfg(test)]
        const COMMON_UNITS: &[&str] = &[$($unit),*];

        /// `unit` as one of the common units, if it is one.
        fn common_unit(unit: &str) -> Option<&'static str> {
            match unit {
                $($unit => Some($unit),)*
                _ => None,
            }
        }
    };
}

common_units!(
    "%",
    "万元",
    "人",
    "月",
    "份",
    "张",
    "元",
    "亿元",
    "次",
    "个",
    "户",
    "人次",
    "项",
    "家",
    "天",
    "年",
    "分",
    "所",
    "台",
    "件",
    "场",
    "期",
    "批",
    "篇",
    "条",
    "名",
    "处",
    "公里",
    "亩",
    "吨",
    "个月",
    "小时",
    "千元",
    "万人",
    "万人次",
    "平方米",
    "册",
    "套",
    "座",
    "辆",
);

/// `unit` with full-width `％` as `%`: `unit.replace('％', "%")`, without the search
/// machinery of `replace` for the units (nearly all) that hold none; borrowed when it is
/// one of [`COMMON_UNITS`] (the same text either way).
fn with_ascii_percent(unit: &str) -> Cow<'static, str> {
    if let Some(common) = common_unit(unit) {
        return Cow::Borrowed(common);
    }
    if unit.contains('％') {
        let ascii = unit.replace('％', "%");
        common_unit(&ascii).map_or(Cow::Owned(ascii), Cow::Borrowed)
    } else {
        Cow::Owned(unit.to_owned())
    }
}

/// Dashes between the ends of a span, as OCR prints them.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '—' | '–' | '―' | '-' | '－' | '−' | '~' | '～' | '〜' | '至' | '到'
    )
}

fn span(body: &str) -> Option<Range> {
    // A span starts with its number (`take_number` reads one only from a digit or a
    // grouping comma when there is no sign): other cells, most words, are none without
    // a scan. And it has a dash after its first number: a cell with no dash anywhere is
    // none, found by a scan cheaper than reading the number.
    if !may_start_number(body) || !body.contains(is_dash) {
        return None;
    }
    let (from, from_integer, rest) = take_number(body, false)?;
    span_after(from, from_integer, rest)
}

/// Whether `s` starts with what `take_number(s, false)` can read a number from: an
/// ASCII or a full-width digit (`０`…`９`: `EF BC 90`…`99`), or a grouping comma (`,`,
/// `，`: `EF BC 8C`; `,500` reads 500), by bytes. Anything else reads no number.
fn may_start_number(s: &str) -> bool {
    match s.as_bytes() {
        [b, ..] if b.is_ascii_digit() || *b == b',' => true,
        [0xEF, 0xBC, third, ..] => (0x90..=0x99).contains(third) || *third == 0x8C,
        _ => false,
    }
}

/// `s.find(is_dash)`, by bytes: the dashes are `-`, `~` and characters of three bytes
/// (lead byte `E0`…`EF`), matched whole, a character of three bytes skipped whole. Other
/// bytes are stepped over one at a time: continuation bytes (`80`…`BF`) are never a
/// lead byte or ASCII, so a match is always at the start of a character, the dash
/// there (a test compares the two on every character).
fn find_dash(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&lead) = b.get(i) {
        match lead {
            b'-' | b'~' => return Some(i),
            0xE0..=0xEF => {
                let dash = matches!(
                    b.get(i..i + 3),
                    // `—` `–` `―`: E2 80 94/93/95; `−`: E2 88 92; `〜`: E3 80 9C;
                    // `到`: E5 88 B0; `至`: E8 87 B3; `－`: EF BC 8D; `～`: EF BD 9E.
                    Some(
                        [0xE2, 0x80, 0x93..=0x95]
                            | [0xE2, 0x88, 0x92]
                            | [0xE3, 0x80, 0x9C]
                            | [0xE5, 0x88, 0xB0]
                            | [0xE8, 0x87, 0xB3]
                            | [0xEF, 0xBC, 0x8D]
                            | [0xEF, 0xBD, 0x9E]
                    )
                );
                if dash {
                    return Some(i);
                }
                // A character of three bytes: none of them starts another.
                i += 3;
            }
            _ => i += 1,
        }
    }
    None
}

/// [`span`] once its first number is read: `rest` is what follows it.
fn span_after(from: Decimal, from_integer: bool, rest: &str) -> Option<Range> {
    let dash = find_dash(rest)?;
    let first_unit = trim(&rest[..dash]);
    let rest = rest[dash..].trim_start_matches(|c: char| is_dash(c) || c.is_whitespace());
    let (to, to_integer, rest) = take_number(rest, false)?;
    let unit = trim(rest);
    if unit.is_empty() || (!first_unit.is_empty() && first_unit != unit) {
        return None;
    }
    let readable = if matches!(unit, "月" | "日" | "号" | "年" | "月份") {
        from_integer && to_integer
    } else {
        is_unit(unit)
    };
    if !readable {
        return None;
    }
    Some(Range {
        from: Number(from),
        to: Number(to),
        unit: Some(with_ascii_percent(unit)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparator_starts_are_the_first_characters_of_the_comparators() {
        let mut from_table: Vec<char> = COMPARATORS
            .iter()
            .filter_map(|(printed, _)| printed.chars().next())
            .collect();
        from_table.sort_unstable();
        from_table.dedup();
        let mut listed = COMPARATOR_STARTS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, from_table);
    }

    #[test]
    fn comparator_ends_are_the_last_characters_of_the_comparators() {
        let mut from_table: Vec<char> = COMPARATORS
            .iter()
            .filter_map(|(printed, _)| printed.chars().next_back())
            .collect();
        from_table.sort_unstable();
        from_table.dedup();
        let mut listed = COMPARATOR_ENDS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, from_table);
    }

    #[test]
    fn comparator_chars_match() {
        for c in COMPARATOR_CHARS.chars() {
            assert!(is_comparator_char(c), "{c}");
        }
        let listed = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_comparator_char(c))
            .count();
        assert_eq!(listed, COMPARATOR_CHARS.chars().count());
    }

    #[test]
    fn cjk_ideographs_are_alphanumeric() {
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(c.is_alphanumeric(), "{c:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// The byte-wise reading of plain numbers is the general one.
        #[test]
        fn take_number_fast_path_is_the_general_one(
            s in "[0-9.,，．１２−+\\-人% 年]{0,12}",
            allow_sign: bool,
        ) {
            proptest::prop_assert_eq!(take_number(&s, allow_sign), take_number_general(&s, allow_sign));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// `decimal_from_str` is `Decimal::from_str(..).ok()`, representation and all.
        #[test]
        fn decimal_from_str_is_from_str(s in "[0-9]{0,21}[.]?[0-9]{0,21}[.x元 ]?") {
            let want = Decimal::from_str(&s).ok();
            let got = decimal_from_str(&s);
            proptest::prop_assert_eq!(got, want, "{:?}", s);
            proptest::prop_assert_eq!(
                got.map(|d| (d.mantissa(), d.scale())),
                want.map(|d| (d.mantissa(), d.scale())),
                "{:?}", s
            );
        }

        /// The byte-wise reading of a number gives `Decimal::from_str`'s decimal, to the
        /// representation (scale too).
        #[test]
        fn take_number_reads_as_from_str(int in "[0-9]{1,22}", frac in proptest::option::of("[0-9]{0,22}"), tail in "[人%.]?") {
            let printed = match frac {
                Some(f) => format!("{int}.{f}"),
                None => int,
            };
            let s = format!("{printed}{tail}");
            let fast = take_number(&s, true).map(|(d, _, _)| d.serialize());
            let number = printed.strip_suffix('.').unwrap_or(&printed);
            let slow = Decimal::from_str(number).ok().map(|d| d.serialize());
            proptest::prop_assert_eq!(fast, slow, "{}", s);
        }

        /// The reading of cells that start with a digit is the general one.
        #[test]
        fn number_first_is_span_then_quantity(s in "[0-9][0-9.,，．１２−+\\-—~至人%万元月年日以上内 ]{0,10}") {
            let general = match span(&s) {
                Some(range) => (Some(range), None),
                None => (None, quantity(&s, comparator_prefix(&s))),
            };
            let (range, q) = number_first(&s);
            let fast = (range, q.map(|q| (q.comparator, q.number.serialize(), q.unit)));
            let general = (general.0, general.1.map(|q| (q.comparator, q.number.serialize(), q.unit)));
            proptest::prop_assert_eq!(fast, general);
        }

        /// Cells that start with a comparator and a digit read as the general way does.
        #[test]
        fn comparator_then_digit_is_the_general_reading(
            c in proptest::sample::select(COMPARATORS.iter().map(|(p, _)| *p).collect::<Vec<_>>()),
            s in "[ ]?[0-9][0-9.,，人%万元月年日以上内—~ )]{0,8}",
        ) {
            let printed = format!("{c}{s}");
            let fast = parse_value(&printed);
            let cell = trim(&printed);
            let front = comparator_prefix(cell);
            let (text, unreadable) = split_unreadable(cell, front);
            let front = if unreadable.is_none() { front } else { comparator_prefix(&text) };
            let (range, quantity) = match span(&text) {
                Some(range) => (Some(range), None),
                None => (None, quantity(&text, front)),
            };
            let general = assemble(text, range, quantity, unreadable);
            proptest::prop_assert_eq!(&fast, &general);
            proptest::prop_assert_eq!(
                fast.value.number.map(|n| n.0.serialize()),
                general.value.number.map(|n| n.0.serialize())
            );
        }

        /// The byte test before a span's scan reads no number only when `take_number`
        /// reads none.
        #[test]
        fn may_start_number_is_exact(s in "[0-9,，．１２−+\\-—~人%a ]{0,6}") {
            if !may_start_number(&s) {
                proptest::prop_assert!(take_number(&s, false).is_none(), "{:?}", s);
            }
        }
    }

    #[test]
    fn comparator_prefix_agrees_with_the_table_after_every_character() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("{c}=5"),
                format!("{c}＝ 5"),
                format!("{c}于或等于"),
            ] {
                assert_eq!(
                    comparator_prefix(&s),
                    comparator_prefix_by_table(&s),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn common_units_read_as_the_general_suffix() {
        let numbers = ["5", "1.5", "2024", "999", "10000"].map(|n| num(n).0);
        for unit in COMMON_UNITS {
            for rest in [unit.to_string(), format!(" {unit}"), format!("{unit}以上")] {
                for front in [None, Some("≥")] {
                    for &number in &numbers {
                        for integer in [true, false] {
                            let key = |q: Quantity| (q.comparator, q.number.serialize(), q.unit);
                            assert_eq!(
                                quantity_after(front, number, integer, &rest).map(key),
                                quantity_after_general(front, number, integer, &rest).map(key),
                                "{rest:?} {number}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn find_dash_is_find_is_dash() {
        let chars: Vec<char> = (0..=0x10_FFFF).filter_map(char::from_u32).collect();
        for &c in &chars {
            for s in [format!("{c}"), format!("1{c}"), format!("人{c}2")] {
                assert_eq!(find_dash(&s), s.find(is_dash), "{s:?}");
            }
        }
        for s in ["", "1月—12月", "万元", "-", "至到", "12~", "甲乙－"] {
            assert_eq!(find_dash(s), s.find(is_dash), "{s:?}");
        }
    }

    #[test]
    fn qualifier_ends_are_the_last_characters_of_the_qualifiers() {
        let mut ends: Vec<char> = QUALIFIERS
            .iter()
            .filter_map(|(word, _)| word.chars().next_back())
            .collect();
        ends.sort_unstable();
        ends.dedup();
        let mut listed = QUALIFIER_ENDS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, ends);
    }

    /// Interning changes no unit: every unit comes out as `replace('％', "%")` makes it,
    /// borrowed exactly when it is a common one.
    #[test]
    fn units_are_interned_without_change() {
        for u in COMMON_UNITS {
            assert!(is_unit(u), "{u}");
        }
        for u in COMMON_UNITS
            .iter()
            .copied()
            .chain(["％", "公顷", "元/亩", "万元％", ""])
        {
            let got = with_ascii_percent(u);
            assert_eq!(got, u.replace('％', "%"), "{u}");
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                COMMON_UNITS.contains(&&*got),
                "{u}"
            );
        }
    }

    #[test]
    fn sentence_chars_match() {
        for c in SENTENCE_CHARS.chars() {
            assert!(is_sentence_char(c), "{c}");
        }
        let listed = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_sentence_char(c))
            .count();
        assert_eq!(listed, SENTENCE_CHARS.chars().count());
    }

    #[test]
    fn comparator_prefix_agrees_with_a_search_of_the_table() {
        let tails = [
            "",
            "95%",
            " 95%",
            "\t3",
            "x",
            "等于",
            "或等于90",
            "于",
            "=",
            "＝5",
        ];
        for (printed, _) in COMPARATORS {
            for tail in tails {
                let cell = format!("{printed}{tail}");
                for (end, _) in cell
                    .char_indices()
                    .chain(std::iter::once((cell.len(), ' ')))
                {
                    let s = &cell[..end];
                    assert_eq!(comparator_prefix(s), comparator_prefix_by_table(s), "{s:?}");
                }
            }
        }
        for s in [
            "",
            "95%",
            "有效",
            "不",
            "大",
            "小于或",
            "不低",
            "≥≤",
            "＞＞",
        ] {
            assert_eq!(comparator_prefix(s), comparator_prefix_by_table(s), "{s:?}");
        }
    }

    /// `(input, text, comparator, number, unit, yuan, range (from, to, unit), unreadable)`
    type Case = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<(&'static str, &'static str, &'static str)>,
        Option<&'static str>,
    );

    #[rustfmt::skip]
    const CASES: &[Case] = &[
        // Canonical values from the samples.
        ("4670人",        "4670人",        None,      Some("4670"),  Some("人"),    None,              None, None),
        ("3.43亿元",      "3.43亿元",      None,      Some("3.43"),  Some("亿元"),  Some("343000000"), None, None),
        ("820万元",       "820万元",       None,      Some("820"),   Some("万元"),  Some("8200000"),   None, None),
        ("150000元",      "150000元",      None,      Some("150000"), Some("元"),   Some("150000"),    None, None),
        ("≥96%",          "≥96%",          Some("≥"), Some("96"),    Some("%"),     None,              None, None),
        ("96%",           "96%",           None,      Some("96"),    Some("%"),     None,              None, None),
        ("100%",          "100%",          None,      Some("100"),   Some("%"),     None,              None, None),
        ("60000份",       "60000份",       None,      Some("60000"), Some("份"),    None,              None, None),
        ("22000张",       "22000张",       None,      Some("22000"), Some("张"),    None,              None, None),
        ("1月—12月",      "1月—12月",      None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1—12月",        "1—12月",        None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("2024年底",      "2024年底",      None,      None,          None,          None,              None, None),
        ("有效解决",      "有效解决",      None,      None,          None,          None,              None, None),
        ("显著提升",      "显著提升",      None,      None,          None,          None,              None, None),
        // Unreadable marks: left out of text, never read as a comparator.
        (") 95%",         "95%",           None,      Some("95"),    Some("%"),     None,              None, Some(")")),
        ("]95%",          "95%",           None,      Some("95"),    Some("%"),     None,              None, Some("]")),
        ("》95%",         "95%",           None,      Some("95"),    Some("%"),     None,              None, Some("》")),
        ("|95%",          "95%",           None,      Some("95"),    Some("%"),     None,              None, Some("|")),
        ("?95%",          "95%",           None,      Some("95"),    Some("%"),     None,              None, Some("?")),
        ("、95%",         "95%",           None,      Some("95"),    Some("%"),     None,              None, Some("、")),
        (")) 200人",      "200人",         None,      Some("200"),   Some("人"),    None,              None, Some("))")),
        ("|≥95%",         "≥95%",          Some("≥"), Some("95"),    Some("%"),     None,              None, Some("|")),
        ("≥)95%",         "≥95%",          Some("≥"), Some("95"),    Some("%"),     None,              None, Some(")")),
        (") 1月—12月",    "1月—12月",      None,      None,          None,          None,              Some(("1", "12", "月")), Some(")")),
        ("（95%）",       "（95%）",       None,      None,          None,          None,              None, None),
        ("(2024年)",      "(2024年)",      None,      None,          None,          None,              None, None),
        (") 有效解决",    ") 有效解决",    None,      None,          None,          None,              None, None),
        // Comparators as symbols, OCR leftovers and words.
        (">=95%",         ">=95%",         Some("≥"), Some("95"),    Some("%"),     None,              None, None),
        ("<=5%",          "<=5%",          Some("≤"), Some("5"),     Some("%"),     None,              None, None),
        ("≥ 95%",         "≥ 95%",         Some("≥"), Some("95"),    Some("%"),     None,              None, None),
        ("＞90%",         "＞90%",         Some(">"), Some("90"),    Some("%"),     None,              None, None),
        ("<3次",          "<3次",          Some("<"), Some("3"),     Some("次"),    None,              None, None),
        ("=100%",         "=100%",         Some("="), Some("100"),   Some("%"),     None,              None, None),
        ("不低于95%",     "不低于95%",     Some("≥"), Some("95"),    Some("%"),     None,              None, None),
        ("不少于200人",   "不少于200人",   Some("≥"), Some("200"),   Some("人"),    None,              None, None),
        ("大于等于90%",   "大于等于90%",   Some("≥"), Some("90"),    Some("%"),     None,              None, None),
        ("不高于5%",      "不高于5%",      Some("≤"), Some("5"),     Some("%"),     None,              None, None),
        ("不超过50万元",  "不超过50万元",  Some("≤"), Some("50"),    Some("万元"),  Some("500000"),    None, None),
        ("小于等于3次",   "小于等于3次",   Some("≤"), Some("3"),     Some("次"),    None,              None, None),
        ("大于90%",       "大于90%",       Some(">"), Some("90"),    Some("%"),     None,              None, None),
        ("高于80分",      "高于80分",      Some(">"), Some("80"),    Some("分"),    None,              None, None),
        ("超过1000户",    "超过1000户",    Some(">"), Some("1000"),  Some("户"),    None,              None, None),
        ("小于1%",        "小于1%",        Some("<"), Some("1"),     Some("%"),     None,              None, None),
        ("低于3%",        "低于3%",        Some("<"), Some("3"),     Some("%"),     None,              None, None),
        ("等于100%",      "等于100%",      Some("="), Some("100"),   Some("%"),     None,              None, None),
        ("不低于上年",    "不低于上年",    None,      None,          None,          None,              None, None),
        // Qualifiers after the unit, and neutral prefixes.
        ("95%以上",       "95%以上",       Some("≥"), Some("95"),    Some("%"),     None,              None, None),
        ("200人及以上",   "200人及以上",   Some("≥"), Some("200"),   Some("人"),    None,              None, None),
        ("5%以下",        "5%以下",        Some("≤"), Some("5"),     Some("%"),     None,              None, None),
        ("5%以内",        "5%以内",        Some("≤"), Some("5"),     Some("%"),     None,              None, None),
        ("≥90%以上",      "≥90%以上",      Some("≥"), Some("90"),    Some("%"),     None,              None, None),
        ("200人左右",     "200人左右",     None,      Some("200"),   Some("人"),    None,              None, None),
        ("约200人",       "约200人",       None,      Some("200"),   Some("人"),    None,              None, None),
        ("达到95%",       "达到95%",       None,      Some("95"),    Some("%"),     None,              None, None),
        // Units: rates are no money; odd spacing, full width, separators.
        ("≤1500元/亩",    "≤1500元/亩",    Some("≤"), Some("1500"),  Some("元/亩"), None,              None, None),
        ("10元/人·天",    "10元/人·天",    None,      Some("10"),    Some("元/人·天"), None,           None, None),
        ("100 %",         "100 %",         None,      Some("100"),   Some("%"),     None,              None, None),
        ("98％",          "98％",          None,      Some("98"),    Some("%"),     None,              None, None),
        ("１２人",        "１２人",        None,      Some("12"),    Some("人"),    None,              None, None),
        ("14,500万元",    "14,500万元",    None,      Some("14500"), Some("万元"),  Some("145000000"), None, None),
        ("14，500万元",   "14，500万元",   None,      Some("14500"), Some("万元"),  Some("145000000"), None, None),
        ("1,234,567元",   "1,234,567元",   None,      Some("1234567"), Some("元"),  Some("1234567"),   None, None),
        ("1,23元",        "1,23元",        None,      None,          None,          None,              None, None),
        ("0.5亿元",       "0.5亿元",       None,      Some("0.5"),   Some("亿元"),  Some("50000000"),  None, None),
        ("12.5万元",      "12.5万元",      None,      Some("12.5"),  Some("万元"),  Some("125000"),    None, None),
        ("3.5千元",       "3.5千元",       None,      Some("3.5"),   Some("千元"),  None,              None, None),
        ("1.5万人",       "1.5万人",       None,      Some("1.5"),   Some("万人"),  None,              None, None),
        ("5000人次",      "5000人次",      None,      Some("5000"),  Some("人次"),  None,              None, None),
        ("12km",          "12km",          None,      Some("12"),    Some("km"),    None,              None, None),
        ("95",            "95",            None,      Some("95"),    None,          None,              None, None),
        ("≥95",           "≥95",           Some("≥"), Some("95"),    None,          None,              None, None),
        ("-5%",           "-5%",           None,      Some("-5"),    Some("%"),     None,              None, None),
        ("12个月",        "12个月",        None,      Some("12"),    Some("个月"),  None,              None, None),
        ("30天",          "30天",          None,      Some("30"),    Some("天"),    None,              None, None),
        ("≥3年",          "≥3年",          Some("≥"), Some("3"),     Some("年"),    None,              None, None),
        ("95%的群众满意", "95%的群众满意", None,      None,          None,          None,              None, None),
        ("100%覆盖",      "100%覆盖",      None,      None,          None,          None,              None, None),
        // Dates and deadlines.
        ("2024年",        "2024年",        None,      None,          None,          None,              None, None),
        ("2024年12月31日前", "2024年12月31日前", None, None,         None,          None,              None, None),
        ("12月底",        "12月底",        None,      None,          None,          None,              None, None),
        ("6月",           "6月",           None,      None,          None,          None,              None, None),
        ("30日",          "30日",          None,      None,          None,          None,              None, None),
        ("30日内",        "30日内",        None,      None,          None,          None,              None, None),
        ("5个工作日内",   "5个工作日内",   None,      None,          None,          None,              None, None),
        ("3年内",         "3年内",         None,      None,          None,          None,              None, None),
        ("2024年内",      "2024年内",      None,      None,          None,          None,              None, None),
        // Spans: every dash OCR prints.
        ("1-12月",        "1-12月",        None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1月-12月",      "1月-12月",      None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1月至12月",     "1月至12月",     None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1~12月",        "1~12月",        None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1～12月",       "1～12月",       None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1–12月",        "1–12月",        None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1－12月",       "1－12月",       None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1月——12月",     "1月——12月",     None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1月到12月",     "1月到12月",     None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1 月—12 月",    "1 月—12 月",    None,      None,          None,          None,              Some(("1", "12", "月")), None),
        ("1月份-12月份",  "1月份-12月份",  None,      None,          None,          None,              Some(("1", "12", "月份")), None),
        ("90—100分",      "90—100分",      None,      None,          None,          None,              Some(("90", "100", "分")), None),
        ("2021.1—2021.8", "2021.1—2021.8", None,      None,          None,          None,              None, None),
        ("2021.1—2021.8月", "2021.1—2021.8月", None,  None,          None,          None,              None, None),
        ("1月—12日",      "1月—12日",      None,      None,          None,          None,              None, None),
        ("1-12",          "1-12",          None,      None,          None,          None,              None, None),
        ("≥1—12月",       "≥1—12月",       None,      None,          None,          None,              None, None),
        // Blank and junk.
        ("",              "",              None,      None,          None,          None,              None, None),
        ("  96%  ",       "96%",           None,      Some("96"),    Some("%"),     None,              None, None),
        (")",             ")",             None,      None,          None,          None,              None, None),
        ("99999999999999999999999999999999人", "99999999999999999999999999999999人", None, None, None, None, None, None),
    ];

    fn num(s: &str) -> Number {
        Number(Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}")))
    }

    #[test]
    fn cells() {
        for &(input, text, comparator, number, unit, yuan, range, unreadable) in CASES {
            let parsed = parse_value(input);
            let expected = ParsedValue {
                value: Value {
                    text: text.into(),
                    comparator: comparator.map(Cow::Borrowed),
                    number: number.map(num),
                    unit: unit.map(Cow::Borrowed),
                    yuan: yuan.map(num),
                    range: range.map(|(from, to, unit)| {
                        Box::new(Range {
                            from: num(from),
                            to: num(to),
                            unit: Some(Cow::Borrowed(unit)),
                        })
                    }),
                },
                unreadable: unreadable.map(str::to_owned),
            };
            assert_eq!(parsed, expected, "input {input:?}");
        }
    }

    #[test]
    fn yuan_is_exact_decimal() {
        // 3.43 × 10⁸ in floats is 342999999.99999994; the record must say 343000000.
        let yuan = parse_value("3.43亿元").value.yuan;
        assert_eq!(yuan, Some(Number(Decimal::from(343_000_000))));
    }
}
