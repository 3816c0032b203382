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
use annex_normalize::Warning;

use crate::canonical::cmp_utf16;

/// A value that has no JSON form (a decimal out of the range of a double): the caller
/// falls back to the serde path, which reports it with its usual error.
pub(crate) struct NoJson;

type Out<'a> = &'a mut String;
type Res = Result<(), NoJson>;

/// Canonical JSON text of `record`, or `NoJson` when some number has no JSON form.
pub(crate) fn record(record: &Record) -> Result<String, NoJson> {
    let mut out = String::with_capacity(1024 + 512 * record.indicators.len());
    write_record(&mut out, record)?;
    Ok(out)
}

fn write_record(o: Out<'_>, r: &Record) -> Res {
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
    // Keys are sorted by UTF-16 code units; a BTreeMap sorts by bytes, which differs only
    // for keys with characters above U+FFFF, so sort again (there are four checks).
    let mut entries: Vec<(&String, &Check)> = checks.iter().collect();
    entries.sort_by(|a, b| cmp_utf16(a.0, b.0));
    for (k, (key, check)) in entries.into_iter().enumerate() {
        if k > 0 {
            o.push(',');
        }
        string(o, key);
        o.push(':');
        write_check(o, check);
    }
    o.push_str("},\"document\":");
    write_document(o, document);
    o.push_str(",\"fiscal_year\":");
    match fiscal_year {
        Some(y) => float(o, f64::from(*y))?,
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
        write_indicator(o, i)?;
    }
    o.push_str("],\"project\":");
    write_project(o, project);
    o.push_str(",\"schema\":");
    string(o, schema);
    o.push_str(",\"source\":");
    write_source(o, source)?;
    o.push_str(",\"warnings\":[");
    for (k, w) in warnings.iter().enumerate() {
        if k > 0 {
            o.push(',');
        }
        write_warning(o, w)?;
    }
    o.push_str("]}");
    Ok(())
}

fn write_check(o: Out<'_>, c: &Check) {
    let Check { status, detail } = c;
    o.push_str("{\"detail\":");
    string(o, detail);
    o.push_str(",\"status\":");
    // As `#[serde(rename_all = "lowercase")]` spells them.
    o.push_str(match status {
        CheckStatus::Pass => "\"pass\"}",
        CheckStatus::Fail => "\"fail\"}",
        CheckStatus::Skip => "\"skip\"}",
    });
}

fn write_document(o: Out<'_>, d: &Document) {
    let Document { annex, title } = d;
    o.push_str("{\"annex\":");
    opt_string(o, annex.as_deref());
    o.push_str(",\"title\":");
    opt_string(o, title.as_deref());
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
    o.push_str(",\"unit\":");
    opt_string(o, unit.as_deref());
    o.push('}');
    Ok(())
}

fn write_indicator(o: Out<'_>, i: &Indicator) -> Res {
    let Indicator {
        level1,
        level2,
        level2_note,
        name,
        value,
        lines,
        pages,
    } = i;
    o.push_str("{\"level1\":");
    string(o, level1);
    o.push_str(",\"level2\":");
    string(o, level2);
    o.push_str(",\"level2_note\":");
    opt_string(o, level2_note.as_deref());
    o.push_str(",\"lines\":");
    opt_span(o, lines.as_ref())?;
    o.push_str(",\"name\":");
    string(o, name);
    o.push_str(",\"pages\":");
    opt_span(o, pages.as_ref())?;
    o.push_str(",\"value\":");
    write_value(o, value)?;
    o.push('}');
    Ok(())
}

fn write_value(o: Out<'_>, v: &Value) -> Res {
    let Value {
        text,
        comparator,
        number: n,
        unit,
        yuan,
        range,
    } = v;
    o.push_str("{\"comparator\":");
    opt_string(o, comparator.as_deref());
    o.push_str(",\"number\":");
    opt_number(o, n.as_ref())?;
    o.push_str(",\"range\":");
    match range {
        Some(r) => write_range(o, r)?,
        None => o.push_str("null"),
    }
    o.push_str(",\"text\":");
    string(o, text);
    o.push_str(",\"unit\":");
    opt_string(o, unit.as_deref());
    o.push_str(",\"yuan\":");
    opt_number(o, yuan.as_ref())?;
    o.push('}');
    Ok(())
}

fn write_range(o: Out<'_>, r: &Range) -> Res {
    let Range { from, to, unit } = r;
    o.push_str("{\"from\":");
    number(o, *from)?;
    o.push_str(",\"to\":");
    number(o, *to)?;
    o.push_str(",\"unit\":");
    opt_string(o, unit.as_deref());
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
            o.push_str("{\"code\":");
            opt_string(o, code.as_deref());
            o.push_str(",\"name\":");
            string(o, name);
            o.push('}');
        }
        None => o.push_str("null"),
    }
    o.push_str(",\"department\":");
    opt_string(o, department.as_deref());
    o.push_str(",\"department_code\":");
    opt_string(o, department_code.as_deref());
    o.push_str(",\"implementing_unit\":");
    opt_string(o, implementing_unit.as_deref());
    o.push_str(",\"name\":");
    opt_string(o, name.as_deref());
    o.push_str(",\"period\":");
    opt_string(o, period.as_deref());
    o.push('}');
}

fn write_source(o: Out<'_>, s: &Source) -> Res {
    let Source {
        path,
        sha256,
        table,
        lines,
        pages,
    } = s;
    o.push_str("{\"lines\":");
    opt_span(o, lines.as_ref())?;
    o.push_str(",\"pages\":");
    opt_span(o, pages.as_ref())?;
    o.push_str(",\"path\":");
    string(o, path);
    o.push_str(",\"sha256\":");
    string(o, sha256);
    o.push_str(",\"table\":");
    float(o, f64::from(*table))?;
    o.push('}');
    Ok(())
}

fn write_warning(o: Out<'_>, w: &Warning) -> Res {
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
    opt_u32(o, *line)?;
    o.push_str(",\"message\":");
    string(o, message);
    o.push_str(",\"page\":");
    opt_u32(o, *page)?;
    o.push('}');
    Ok(())
}

fn opt_span(o: Out<'_>, s: Option<&Span>) -> Res {
    match s {
        Some(Span { start, end }) => {
            o.push_str("{\"end\":");
            float(o, f64::from(*end))?;
            o.push_str(",\"start\":");
            float(o, f64::from(*start))?;
            o.push('}');
        }
        None => o.push_str("null"),
    }
    Ok(())
}

fn opt_u32(o: Out<'_>, n: Option<u32>) -> Res {
    if let Some(n) = n {
        return float(o, f64::from(n));
    }
    o.push_str("null");
    Ok(())
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
fn number(o: Out<'_>, n: Number) -> Res {
    let d = n.0.normalize();
    if d.scale() == 0 {
        if let Ok(i) = i64::try_from(d) {
            // The canonicalizer's own conversion (`write_i64`: `value as f64`).
            #[allow(clippy::cast_precision_loss)]
            return float(o, i as f64);
        }
    }
    match f64::try_from(d) {
        Ok(f) => float(o, f),
        Err(_) => Err(NoJson),
    }
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

fn integer(o: Out<'_>, i: i64) {
    let mut digits = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        // `n % 10` is below 10.
        #[allow(clippy::cast_possible_truncation)]
        let d = (n % 10) as u8;
        digits[at] = b'0' + d;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        o.push('-');
    }
    for &d in &digits[at..] {
        o.push(char::from(d));
    }
}

fn opt_string(o: Out<'_>, s: Option<&str>) {
    match s {
        Some(s) => string(o, s),
        None => o.push_str("null"),
    }
}

/// A JSON string as RFC 8785 (and `serde_json`) escape it: `"`, `\` and the C0 controls
/// only, the usual two-character forms where JSON has one, else `\u00xx` in lowercase.
fn string(o: Out<'_>, s: &str) {
    o.push('"');
    let bytes = s.as_bytes();
    // Nearly every string needs no escape: one tight scan, one copy.
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        o.push_str(s);
        o.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1F => "",
            _ => continue,
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
    o.push('"');
}
