//! The canonical text of a [`Record`], written field by field without going through serde.
//!
//! Why: `serde_json_canonicalizer` serializes every object's members into separate
//! buffers and sorts them at the end of the object; on a record that is most of the cost
//! of the whole text pipeline (see `docs/performance.md`). The members of a record are
//! known, so their canonical order is too: it is written out here once, and each value is
//! written straight into one output buffer.
//!
//! Invariant: the bytes are exactly those of `to_canonical_value(record)`. Every struct is
//! destructured without `..`, so a field added to the model does not compile here until
//! it is written; `tests.rs` compares the two paths on records with every kind of value,
//! and annex-bench compares them on thousands of generated tables.

use annex_grammar::{
    Attribute, Check, CheckStatus, Document, Funds, Indicator, Number, Project, Range, Record,
    Source, Span, Value,
};
use std::borrow::Cow;
use std::cell::RefCell;

use annex_normalize::Warning;

use crate::canonical::cmp_utf16;

/// The member `$key` (its text from the `,` or `{` before it up to its `:`) with an
/// optional string value: one push of the key with the value's opening quote, or of the
/// key with `null`.
macro_rules! opt_member {
    ($o:expr, $key:literal, $value:expr) => {
        match $value {
            Some(s) => {
                $o.push_str(concat!($key, "\""));
                body($o, s);
                $o.push('"');
            }
            None => $o.push_str(concat!($key, "null")),
        }
    };
}

/// A value that has no JSON form (a decimal out of the range of a double): the caller
/// falls back to the serde path, which reports it with its usual error.
pub(crate) struct NoJson;

type Out<'a> = &'a mut String;
type Res = Result<(), NoJson>;

/// Appends the canonical JSON text of `record` to `out`, or fails with `NoJson` (leaving
/// a partial text behind) when some number has no JSON form.
pub(crate) fn record(out: &mut String, record: &Record) -> Res {
    // A writer of JSON Lines reserves the sum of the records' size hints up front; the
    // hint is a walk over the indicators, so it is not taken again while the spare room
    // is at least its fixed part (at worst the buffer then grows once midway).
    if out.capacity() - out.len() < size_floor(record) {
        out.reserve(size_hint(record));
    }
    VOCABULARY.with_borrow_mut(|vocabulary| write_record(out, record, vocabulary))
}

thread_local! {
    /// What this thread's writer learned about the vocabulary's strings: see [`Vocabulary`].
    static VOCABULARY: RefCell<Vocabulary> = const { RefCell::new(Vocabulary::new()) };
}

/// The vocabulary strings of records (`Cow::Borrowed`, so `&'static str`) found clean,
/// and the text written for a (一级, 二级, note) triple of them, kept from one record to
/// the next: most records use the same few dozen such strings.
///
/// Exact: a `&'static str` is immutable and never freed, so its address and length name
/// its bytes for the rest of the run; the same address and length are the same string,
/// and the same text is written for it. An entry that another key's takes the place of
/// is simply learned again.
struct Vocabulary {
    /// `(address, length)` of static strings that need no escape; `(0, 0)` for none
    /// (no string is at address 0).
    clean: [(usize, usize); CLEAN_SLOTS],
    /// Per triple, `{"level1":"…","level2":"…","level2_note":…,"lines":`.
    levels: [Levels; LEVEL_SLOTS],
}

const CLEAN_SLOTS: usize = 64;
const LEVEL_SLOTS: usize = 32;

/// One remembered level triple: the addresses and lengths of its 一级, 二级 and note
/// (`(0, 0)` for no note), and its text.
struct Levels {
    key: LevelKey,
    text: String,
}

/// The addresses and lengths of a triple's 一级, 二级 and note, as [`Levels`] holds them
/// (compared member by member, not through `memcmp` as an array is).
#[derive(Clone, Copy, PartialEq, Eq)]
struct LevelKey(usize, usize, usize, usize, usize, usize);

impl Vocabulary {
    const fn new() -> Self {
        Self {
            clean: [(0, 0); CLEAN_SLOTS],
            levels: [const {
                Levels {
                    key: LevelKey(0, 0, 0, 0, 0, 0),
                    text: String::new(),
                }
            }; LEVEL_SLOTS],
        }
    }

    /// [`body`] of a string of the vocabulary: a static string is tested for escapes
    /// once, then copied.
    // The `Cow` itself is what tells a static string (borrowed) from another.
    #[allow(clippy::ptr_arg, clippy::inline_always)]
    #[inline(always)]
    fn body(&mut self, o: Out<'_>, s: &Cow<'static, str>) {
        match s {
            Cow::Borrowed(s) => {
                let key = (s.as_ptr() as usize, s.len());
                let slot = &mut self.clean[(key.0 >> 2 ^ key.0 >> 8) % CLEAN_SLOTS];
                if *slot == key {
                    o.push_str(s);
                } else if has_escape(s.as_bytes()) {
                    escaped_body(o, s);
                } else {
                    o.push_str(s);
                    *slot = key;
                }
            }
            Cow::Owned(s) => body(o, s),
        }
    }

    /// An indicator's text from `{"level1":"` up to `"lines":`, copied whole when its
    /// three strings are static ones written before.
    fn levels(&mut self, o: Out<'_>, i: &Indicator) {
        let note = match &i.level2_note {
            None => Some((0, 0)),
            Some(Cow::Borrowed(n)) => Some((n.as_ptr() as usize, n.len())),
            Some(Cow::Owned(_)) => None,
        };
        let (Cow::Borrowed(l1), Cow::Borrowed(l2), Some(note)) = (&i.level1, &i.level2, note)
        else {
            write_levels(o, i, self);
            return;
        };
        let key = LevelKey(
            l1.as_ptr() as usize,
            l1.len(),
            l2.as_ptr() as usize,
            l2.len(),
            note.0,
            note.1,
        );
        let at = (key.2 >> 2 ^ key.2 >> 8 ^ key.4 >> 3) % LEVEL_SLOTS;
        if self.levels[at].key != key {
            let mut text = std::mem::take(&mut self.levels[at].text);
            text.clear();
            write_levels(&mut text, i, self);
            self.levels[at] = Levels { key, text };
        }
        o.push_str(&self.levels[at].text);
    }
}

/// [`Vocabulary::levels`] written out: `{"level1":"…","level2":"…","level2_note":…,"lines":`.
fn write_levels(o: Out<'_>, i: &Indicator, v: &mut Vocabulary) {
    o.push_str("{\"level1\":\"");
    v.body(o, &i.level1);
    o.push_str("\",\"level2\":\"");
    v.body(o, &i.level2);
    match &i.level2_note {
        Some(note) => {
            o.push_str("\",\"level2_note\":\"");
            v.body(o, note);
            o.push_str("\",\"lines\":");
        }
        None => o.push_str("\",\"level2_note\":null,\"lines\":"),
    }
}

/// About the length of the canonical text of `record`, a little more for most records:
/// the fixed members, per indicator its keys, numbers and short strings plus its longest
/// strings, the goals, and the warnings with their messages. Only sizes a buffer, but
/// one that holds many records is then written without growing midway (on the
/// generated corpora and every test input this is 5 % to 18 % above the length).
pub(crate) fn size_hint(record: &Record) -> usize {
    let indicators: usize = record
        .indicators
        .iter()
        .map(|i| 240 + i.name.len() + i.level1.len() + i.level2.len() + i.value.text.len())
        .sum();
    let goals: usize = record.goals.iter().map(|g| g.len() + 3).sum();
    let warnings: usize = record.warnings.iter().map(|w| w.message.len() + 96).sum();
    1024 + indicators + goals + warnings
}

/// The part of [`size_hint`] that needs no walk over the indicators (their strings left
/// out): at most the hint.
fn size_floor(record: &Record) -> usize {
    1024 + 240 * record.indicators.len() + 96 * record.warnings.len() + 3 * record.goals.len()
}

fn write_record(o: Out<'_>, r: &Record, v: &mut Vocabulary) -> Res {
    let Record {
        schema,
        source,
        document,
        form,
        fiscal_year,
        project,
        funds,
        goals,
        indicators,
        checks,
        warnings,
    } = r;
    o.push_str("{\"checks\":{");
    let mut member = |o: Out<'_>, k: usize, key: &Cow<'static, str>, check: &Check| {
        o.push_str(if k > 0 { ",\"" } else { "\"" });
        v.body(o, key);
        o.push_str("\":{\"detail\":\"");
        write_check(o, check, v);
    };
    // Keys are sorted by UTF-16 code units; a BTreeMap sorts by bytes. The two orders
    // differ only for keys with characters above U+FFFF (four UTF-8 bytes, the lead one
    // 0xF0 or above): for characters up to U+FFFF the order of UTF-8 bytes, of code
    // points and of UTF-16 code units is the same. Only such keys need sorting again.
    if checks.keys().any(|key| key.bytes().any(|b| b >= 0xF0)) {
        let mut entries: Vec<(&Cow<'static, str>, &Check)> = checks.iter().collect();
        entries.sort_by(|a, b| cmp_utf16(a.0, b.0));
        for (k, (key, check)) in entries.into_iter().enumerate() {
            member(o, k, key, check);
        }
    } else {
        for (k, (key, check)) in checks.iter().enumerate() {
            member(o, k, key, check);
        }
    }
    o.push_str("},\"document\":");
    write_document(o, document);
    o.push_str(",\"fiscal_year\":");
    match fiscal_year {
        // `f64::from(y)` is exact and whole, so `float` would print these digits.
        Some(y) => integer(o, i64::from(*y)),
        None => o.push_str("null"),
    }
    o.push_str(",\"form\":");
    string(o, form);
    o.push_str(",\"funds\":");
    write_funds(o, funds)?;
    o.push_str(",\"goals\":[");
    for (k, g) in goals.iter().enumerate() {
        if k > 0 {
            o.push(',');
        }
        string(o, g);
    }
    o.push_str("],\"indicators\":[");
    for (k, i) in indicators.iter().enumerate() {
        if k > 0 {
            o.push(',');
        }
        write_indicator(o, i, v)?;
    }
    o.push_str("],\"project\":");
    write_project(o, project);
    o.push_str(",\"schema\":\"");
    v.body(o, schema);
    o.push('"');
    o.push_str(",\"source\":");
    write_source(o, source);
    o.push_str(",\"warnings\":[");
    for (k, w) in warnings.iter().enumerate() {
        if k > 0 {
            o.push(',');
        }
        write_warning(o, w);
    }
    o.push_str("]}");
    Ok(())
}

/// A check from just after its `{"detail":"`.
fn write_check(o: Out<'_>, c: &Check, v: &mut Vocabulary) {
    let Check { status, detail } = c;
    v.body(o, detail);
    // As `#[serde(rename_all = "lowercase")]` spells them.
    o.push_str(match status {
        CheckStatus::Pass => "\",\"status\":\"pass\"}",
        CheckStatus::Fail => "\",\"status\":\"fail\"}",
        CheckStatus::Skip => "\",\"status\":\"skip\"}",
    });
}

fn write_document(o: Out<'_>, d: &Document) {
    let Document { annex, title } = d;
    opt_member!(o, "{\"annex\":", annex.as_deref());
    opt_member!(o, ",\"title\":", title.as_deref());
    o.push('}');
}

fn write_funds(o: Out<'_>, f: &Funds) -> Res {
    let Funds {
        unit,
        total,
        fiscal,
        other,
    } = f;
    o.push_str("{\"fiscal\":");
    opt_number(o, fiscal.as_ref())?;
    o.push_str(",\"other\":");
    opt_number(o, other.as_ref())?;
    o.push_str(",\"total\":");
    opt_number(o, total.as_ref())?;
    opt_member!(o, ",\"unit\":", unit.as_deref());
    o.push('}');
    Ok(())
}

/// An indicator.
///
/// Every fixed piece between two values is one push, the keys and punctuation of a
/// member that is `null` included (`","pages":null,"value":{"comparator":null,"number":`
/// is two pushes): the members are in their canonical order, each written once.
fn write_indicator(o: Out<'_>, i: &Indicator, v: &mut Vocabulary) -> Res {
    let Indicator {
        // Written by `Vocabulary::levels`.
        level1: _,
        level2: _,
        level2_note: _,
        name,
        value,
        lines,
        pages,
    } = i;
    v.levels(o, i);
    match lines {
        Some(span) => {
            span_open(o, *span);
            o.push_str("},\"name\":\"");
        }
        None => o.push_str("null,\"name\":\""),
    }
    body(o, name);
    match pages {
        Some(span) => {
            o.push_str("\",\"pages\":");
            span_open(o, *span);
            o.push_str("},\"value\":");
        }
        None => o.push_str("\",\"pages\":null,\"value\":"),
    }
    write_value(o, value, v)?;
    // The value's `}`, then the indicator's.
    o.push_str("}}");
    Ok(())
}

/// A value without its closing `}`, which [`write_indicator`] writes with its own.
fn write_value(o: Out<'_>, value: &Value, v: &mut Vocabulary) -> Res {
    let Value {
        text,
        comparator,
        number: n,
        unit,
        yuan,
        range,
    } = value;
    match comparator {
        Some(c) => {
            o.push_str("{\"comparator\":\"");
            v.body(o, c);
            o.push_str("\",\"number\":");
        }
        None => o.push_str("{\"comparator\":null,\"number\":"),
    }
    opt_number(o, n.as_ref())?;
    match range {
        Some(r) => {
            o.push_str(",\"range\":");
            write_range(o, r)?;
            o.push_str(",\"text\":\"");
        }
        None => o.push_str(",\"range\":null,\"text\":\""),
    }
    body(o, text);
    match unit {
        Some(u) => {
            o.push_str("\",\"unit\":\"");
            v.body(o, u);
            o.push_str("\",\"yuan\":");
        }
        None => o.push_str("\",\"unit\":null,\"yuan\":"),
    }
    opt_number(o, yuan.as_ref())?;
    Ok(())
}

fn write_range(o: Out<'_>, r: &Range) -> Res {
    let Range { from, to, unit } = r;
    o.push_str("{\"from\":");
    number(o, *from)?;
    o.push_str(",\"to\":");
    number(o, *to)?;
    opt_member!(o, ",\"unit\":", unit.as_deref());
    o.push('}');
    Ok(())
}

fn write_project(o: Out<'_>, p: &Project) {
    let Project {
        name,
        department,
        department_code,
        implementing_unit,
        attribute,
        period,
    } = p;
    o.push_str("{\"attribute\":");
    match attribute {
        Some(Attribute { code, name }) => {
            opt_member!(o, "{\"code\":", code.as_deref());
            o.push_str(",\"name\":");
            string(o, name);
            o.push('}');
        }
        None => o.push_str("null"),
    }
    opt_member!(o, ",\"department\":", department.as_deref());
    opt_member!(o, ",\"department_code\":", department_code.as_deref());
    opt_member!(o, ",\"implementing_unit\":", implementing_unit.as_deref());
    opt_member!(o, ",\"name\":", name.as_deref());
    opt_member!(o, ",\"period\":", period.as_deref());
    o.push('}');
}

fn write_source(o: Out<'_>, s: &Source) {
    let Source {
        path,
        sha256,
        table,
        lines,
        pages,
    } = s;
    o.push_str("{\"lines\":");
    opt_span(o, lines.as_ref());
    o.push_str(",\"pages\":");
    opt_span(o, pages.as_ref());
    o.push_str(",\"path\":\"");
    body(o, path);
    o.push_str("\",\"sha256\":\"");
    body(o, sha256);
    o.push_str("\",\"table\":");
    unsigned(o, *table);
    o.push('}');
}

fn write_warning(o: Out<'_>, w: &Warning) {
    let Warning {
        code,
        message,
        line,
        page,
    } = w;
    o.push_str("{\"code\":\"");
    // `as_str` is documented as the JSON spelling (serde's snake_case of the variant).
    o.push_str(code.as_str());
    o.push_str("\",\"line\":");
    opt_u32(o, *line);
    o.push_str(",\"message\":\"");
    body(o, message);
    o.push_str("\",\"page\":");
    opt_u32(o, *page);
    o.push('}');
}

fn opt_span(o: Out<'_>, s: Option<&Span>) {
    match s {
        Some(span) => {
            span_open(o, *span);
            o.push('}');
        }
        None => o.push_str("null"),
    }
}

/// A span without its closing `}`, for callers that write it with the text after it.
fn span_open(o: Out<'_>, span: Span) {
    let Span { start, end } = span;
    o.push_str("{\"end\":");
    unsigned(o, end);
    o.push_str(",\"start\":");
    unsigned(o, start);
}

fn opt_u32(o: Out<'_>, n: Option<u32>) {
    match n {
        Some(n) => unsigned(o, n),
        None => o.push_str("null"),
    }
}

fn opt_number(o: Out<'_>, n: Option<&Number>) -> Res {
    if let Some(n) = n {
        return number(o, *n);
    }
    o.push_str("null");
    Ok(())
}

/// As `Number`'s `Serialize`: integral decimals through `i64`, others through `f64`; the
/// canonicalizer then writes every number as the double ECMAScript would print.
pub(crate) fn number(o: Out<'_>, n: Number) -> Res {
    if let Some(i) = whole(n) {
        integer(o, i);
        return Ok(());
    }
    if let Some((negative, whole_part, padded_fraction)) = short_fraction(n) {
        if negative {
            o.push('-');
        }
        digits(o, whole_part);
        o.push('.');
        // `10^scale + fraction`: a `1`, then the fraction with its leading zeros.
        let (buf, at) = decimal_digits(padded_fraction);
        push_ascii(o, buf.get(at + 1..).unwrap_or_default());
        return Ok(());
    }
    number_via_double(o, n)
}

/// [`number`] the general way: whole numbers through `i64`, fractions through the double
/// nearest the decimal, then the shortest form of that double, as `Number`'s `Serialize`.
///
/// The double comes from parsing the decimal's text, which is correctly rounded, not from
/// `f64::try_from` (`rust_decimal`'s `as_f64`), which is not for large mantissas or scales
/// (it gave `-9.706399999999999e-21` for `-9.7064e-21`).
pub(crate) fn number_via_double(o: Out<'_>, n: Number) -> Res {
    let d = n.0.normalize();
    if d.scale() == 0 {
        if let Ok(i) = i64::try_from(d) {
            // The canonicalizer's own conversion (`write_i64`: `value as f64`).
            #[allow(clippy::cast_precision_loss)]
            return float(o, i as f64);
        }
    }
    match d.to_string().parse::<f64>() {
        Ok(f) => float(o, f),
        Err(_) => Err(NoJson),
    }
}

/// Powers of ten that fit an `i64`.
const POW10: [i64; 19] = {
    let mut p = [1i64; 19];
    let mut k = 1;
    while k < p.len() {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// The value of `n` when it is a whole number of magnitude below 2^53, without
/// `Decimal::normalize` and the `f64` round trip.
///
/// Exact: `n` is `mantissa / 10^scale`; when `10^scale` divides the mantissa the value is
/// the whole number `q`, which is what `normalize` leaves with scale 0 and `i64::try_from`
/// returns; `q as f64` is then exact (|q| < 2^53) and [`float`] prints its digits, as
/// [`integer`] does (`-0` included: a zero mantissa gives `0`).
fn whole(n: Number) -> Option<i64> {
    let mantissa = i64::try_from(n.0.mantissa()).ok()?;
    // Most numbers have no scale: no division for them.
    let q = if n.0.scale() == 0 {
        mantissa
    } else {
        let scale = *POW10.get(usize::try_from(n.0.scale()).ok()?)?;
        if mantissa % scale != 0 {
            return None;
        }
        mantissa / scale
    };
    (q.unsigned_abs() < 1 << 53).then_some(q)
}

/// A decimal with a short fraction as sign, whole part and `10^scale + fraction`, when
/// it prints as just that (`-0.05`, `95.5`, `123.45`) through [`number_via_double`].
///
/// Which is when, normalized, its scale is 1 to 6 and its mantissa below 10^12:
/// - `as_f64` is then the double nearest the decimal `D = m / 10^s`: it adds the whole
///   part and `frac / 10^s` (each exact or rounded once), multiplies back by `10^s`
///   (exact for `s` ≤ 6) and rounds, which gives `m` exactly (the error is below
///   `m · 2^-50`, far under 1/2), then divides `m` by `10^s`: one correct rounding.
/// - That double is not whole (`D` is at least `10^-6` from any integer, far more than
///   its ulp), so [`float`] prints its shortest round-trip form. `D` has at most 12
///   significant digits, and two decimals of at most 15 digits differ by far more than
///   the double's rounding interval, so `D` is the only shortest candidate.
/// - ECMAScript writes numbers from `10^-6` to `10^21` without exponent: the digits of
///   `D` with its point (`0.05`, not `5e-2`).
///
/// `tests.rs` compares the two paths exhaustively on small mantissas and by proptest on
/// the whole range.
fn short_fraction(n: Number) -> Option<(bool, u64, u64)> {
    let mut m = i64::try_from(n.0.mantissa()).ok()?;
    let mut scale = n.0.scale();
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    let power = u64::try_from(*POW10.get(usize::try_from(scale).ok()?)?).ok()?;
    let a = m.unsigned_abs();
    if !(1..=6).contains(&scale) || a >= 1_000_000_000_000 {
        return None;
    }
    Some((m < 0, a / power, power + a % power))
}

fn float(o: Out<'_>, f: f64) -> Res {
    if !f.is_finite() {
        return Err(NoJson);
    }
    // Whole numbers below 2^53 (line numbers, years, most amounts) print as ECMAScript
    // prints them, plain digits, `-0` as `0`: skip the shortest-float search for them.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)] // whole and below 2^53: exact
        let i = f as i64;
        integer(o, i);
        return Ok(());
    }
    let mut buffer = ryu_js::Buffer::new();
    o.push_str(buffer.format_finite(f));
    Ok(())
}

/// A `u32` (line, page, table number) as the canonicalizer prints it, `f64::from(n)`
/// through [`float`]: that double is exact and whole, so it prints as its digits.
fn unsigned(o: Out<'_>, n: u32) {
    digits(o, u64::from(n));
}

/// An `i64` of magnitude below 2^53 in decimal digits, `-` first when negative (`0` for
/// zero: there is no `-0` in an `i64`).
fn integer(o: Out<'_>, i: i64) {
    if i < 0 {
        o.push('-');
    }
    digits(o, i.unsigned_abs());
}

/// `"00" "01" … "99"`: two digits per division.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// [`PAIRS`] as text: each two-digit piece is a slice of it.
const PAIRS_TEXT: &str = match std::str::from_utf8(PAIRS) {
    Ok(text) => text,
    Err(_) => panic!("ASCII digits"),
};

/// The decimal digits of `n` (no leading zeros; `0` for zero), two at a time as slices
/// of [`PAIRS_TEXT`]. Inlined for the numbers below 10^8 that nearly all are (no call
/// per number, none per piece).
///
/// The pieces come from the 200 bytes of [`PAIRS`], which stay in the first-level
/// cache: a table of every four-digit group (40 KB) needs fewer pushes but missed the
/// cache on most numbers of a run (amounts are spread over it), and that load was the
/// hottest instruction of the writer's number code natively.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn digits(o: Out<'_>, n: u64) {
    if n < E4 {
        leading_quad(o, n);
    } else if n < E8 {
        leading_quad(o, n / E4);
        full_quad(o, n % E4);
    } else {
        long_digits(o, n);
    }
}

const E4: u64 = 10_000;
const E8: u64 = E4 * E4;

/// [`digits`] of `n` from 10^8 on (at most 20 digits): the digits above 10^8, then two
/// full groups of four.
#[inline(never)]
fn long_digits(o: Out<'_>, n: u64) {
    digits(o, n / E8);
    let low = n % E8;
    full_quad(o, low / E4);
    full_quad(o, low % E4);
}

/// The digits of `n` (below 10^4) without leading zeros: those above the last two
/// (one or two), then the last two.
#[allow(clippy::inline_always)]
#[inline(always)]
fn leading_quad(o: Out<'_>, n: u64) {
    if n >= 100 {
        leading_pair(o, n / 100);
        pair(o, n % 100);
    } else {
        leading_pair(o, n);
    }
}

/// The digits of `n` (below 100) without a leading zero.
#[allow(clippy::inline_always)]
#[inline(always)]
fn leading_pair(o: Out<'_>, n: u64) {
    if n >= 10 {
        pair(o, n);
    } else {
        // Below 10: one digit.
        #[allow(clippy::cast_possible_truncation)]
        o.push(char::from(b'0' + n as u8));
    }
}

/// The four digits of `n` (below 10^4), leading zeros included.
#[allow(clippy::inline_always)]
#[inline(always)]
fn full_quad(o: Out<'_>, n: u64) {
    pair(o, n / 100);
    pair(o, n % 100);
}

/// The two digits of `n` (below 100), `0` first when below 10: one push of two bytes.
#[allow(clippy::inline_always)]
#[inline(always)]
fn pair(o: Out<'_>, n: u64) {
    // Below 100, so `at + 2` is within the 200 bytes.
    #[allow(clippy::cast_possible_truncation)]
    let at = 2 * n as usize;
    o.push_str(&PAIRS_TEXT[at..at + 2]);
}

/// Appends ASCII bytes (digits) to `o`.
fn push_ascii(o: Out<'_>, ascii: &[u8]) {
    for &d in ascii {
        // ASCII; the mask says so to the compiler, which then pushes one byte.
        o.push(char::from(d & 0x7F));
    }
}

/// The decimal digits of `n`: `buf[at..]`.
fn decimal_digits(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    while n >= 100 {
        // Below 100, so a valid pair index.
        #[allow(clippy::cast_possible_truncation)]
        let pair = 2 * (n % 100) as usize;
        n /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    #[allow(clippy::cast_possible_truncation)] // below 100
    let last = n as usize;
    if last >= 10 {
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[2 * last..2 * last + 2]);
    } else {
        at -= 1;
        // `last` is below 10.
        #[allow(clippy::cast_possible_truncation)]
        let d = last as u8;
        buf[at] = b'0' + d;
    }
    (buf, at)
}

/// Whether JSON (RFC 8785, `serde_json`) escapes this byte in a string: `"`, `\` and the
/// C0 controls. Bytes of multi-byte UTF-8 characters are all 0x80 or above, never escaped.
pub(crate) const fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of (at least) one byte of the result is set iff some byte of `w`
/// [`needs_escape`]. Two masks, no branches:
///
/// - `w ^ 0x02…` swaps 0x00–0x1F among themselves and sends only `"` (0x22) to 0x20, so
///   a byte of it is below 0x21 iff the byte of `w` is a control character or `"`;
/// - `w ^ 0x5C…` has a zero byte (one below 1) iff `w` has a `\`.
///
/// "Some byte of `x` below `n`" (`n` ≤ 128) is the classic `(x - n·0x01…) & !x & 0x80…`,
/// which is exact, not a heuristic: if every byte is at least `n`, the per-byte
/// subtractions borrow nothing and a byte's result can have its high bit only if the byte
/// itself had it, which `!x` masks out. If some byte is below `n`, the lowest such byte
/// receives no borrow (the bytes under it are at least `n`), wraps to at least
/// `256 - n >= 128`, and its own high bit is clear, so its high bit survives the mask.
/// High bits above that byte may be spurious, so a hit only says which word to search
/// byte by byte.
const fn escape_mask(w: u64) -> u64 {
    let quote_or_control = w ^ (ONES * 0x02);
    let backslash = w ^ (ONES * b'\\' as u64);
    ((quote_or_control.wrapping_sub(ONES * 0x21) & !quote_or_control)
        | (backslash.wrapping_sub(ONES) & !backslash))
        & HIGHS
}

/// Whether any of the 8 bytes of `w` (little-endian) [`needs_escape`] (exactly: see
/// [`escape_mask`]).
pub(crate) const fn word_needs_escape(w: u64) -> bool {
    escape_mask(w) != 0
}

/// The 8 bytes of `bytes` from `at`, as a little-endian word, when there are 8.
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at.checked_add(8)?)?;
    <[u8; 8]>::try_from(chunk).ok().map(u64::from_le_bytes)
}

/// The 4 bytes of `bytes` from `at`, when there are 4.
fn half_at(bytes: &[u8], at: usize) -> Option<u32> {
    let chunk = bytes.get(at..at.checked_add(4)?)?;
    <[u8; 4]>::try_from(chunk).ok().map(u32::from_le_bytes)
}

/// Whether some byte of `bytes` [`needs_escape`].
///
/// Every byte is in some block tested: 16 bytes per step, then the last 16 bytes
/// (overlapping bytes already found clean, which changes nothing); 8 to 16 bytes are two
/// words, their first and last 8 (exact: see [`escape_mask`]). Shorter strings test one
/// word made of their first and last 4 bytes (4 to 7 bytes), or of their
/// bytes 0, `n / 2` and `n - 1` (1 to 3 bytes: that is all of them) with clean spaces
/// around.
pub(crate) fn has_escape(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 8 {
        let word = if n >= 4 {
            let first = half_at(bytes, 0);
            let last = half_at(bytes, n - 4);
            first
                .zip(last)
                .map(|(a, b)| u64::from(a) | u64::from(b) << 32)
        } else {
            let byte = |k: usize| bytes.get(k).copied().map(u64::from);
            byte(0)
                .zip(byte(n / 2))
                .zip(byte(n.wrapping_sub(1)))
                .map(|((a, b), c)| a | b << 8 | c << 16 | (ONES * 0x20) << 24)
        };
        return word.is_some_and(word_needs_escape);
    }
    if n <= 16 {
        // Two words, overlapping when `n` is below 16, hold every byte. Tested in
        // registers: made into one block they would go through memory, and the 16-byte
        // load of two 8-byte stores stalls.
        return word_at(bytes, 0)
            .zip(word_at(bytes, n - 8))
            .is_some_and(|(a, b)| escape_mask(a) | escape_mask(b) != 0);
    }
    let mut at = 0;
    while at + 16 < n {
        if block_at(bytes, at).is_some_and(block_needs_escape) {
            return true;
        }
        at += 16;
    }
    // The last 16 bytes (overlapping bytes already found clean changes nothing).
    block_at(bytes, n - 16).is_some_and(block_needs_escape)
}

/// The 16 bytes of `bytes` from `at`, when there are 16.
fn block_at(bytes: &[u8], at: usize) -> Option<&[u8; 16]> {
    let chunk = bytes.get(at..at.checked_add(16)?)?;
    <&[u8; 16]>::try_from(chunk).ok()
}

/// Whether some byte of `block` [`needs_escape`]: written byte by byte without a branch,
/// which the compiler turns into a few vector compares over the 16 bytes (`b ^ 2 <= 0x20`
/// is one unsigned minimum and compare for the controls and `"`). Written this way it
/// stays vectorized inlined into [`has_escape`]'s loop (`b < 0x20 | b == '"' | …` was
/// compiled byte by byte there, so it used to be a call per block).
#[allow(clippy::inline_always)]
#[inline(always)]
fn block_needs_escape(block: &[u8; 16]) -> bool {
    let mut any = 0u8;
    for &b in block {
        // `b ^ 2` swaps the controls among themselves and sends only `"` to 0x20.
        any |= u8::from(b ^ 2 <= 0x20) | u8::from(b == b'\\');
    }
    any != 0
}

/// A JSON string as RFC 8785 (and `serde_json`) escape it: `"`, `\` and the C0 controls
/// only, the usual two-character forms where JSON has one, else `\u00xx` in lowercase.
///
/// Nearly every string needs no escape: one word-wise scan ([`has_escape`]), one copy.
pub(crate) fn string(o: Out<'_>, s: &str) {
    o.push('"');
    body(o, s);
    o.push('"');
}

/// [`string`] without its quotes, for callers that write them with the fixed text around.
// Called a dozen times per indicator on short strings: inlined, the word test and the
// copy run without a call around them (the escaping itself stays out of line).
#[allow(clippy::inline_always)]
#[inline(always)]
fn body(o: Out<'_>, s: &str) {
    if has_escape(s.as_bytes()) {
        escaped_body(o, s);
    } else {
        o.push_str(s);
    }
}

/// [`string`] of a string with something to escape: the runs between escapes are copied
/// whole.
#[cold]
#[inline(never)]
fn escaped_body(o: Out<'_>, s: &str) {
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            _ => "", // the other C0 controls: `\u00xx`
        };
        // Escapes are all ASCII, so `i` is on a char boundary.
        o.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            o.push_str("\\u00");
            o.push(char::from(HEX[usize::from(b >> 4)]));
            o.push(char::from(HEX[usize::from(b & 0xF)]));
        } else {
            o.push_str(escape);
        }
        start = i + 1;
    }
    o.push_str(&s[start..]);
}
