//! Canonical (RFC 8785) and pretty JSON text of a record.

use std::cmp::Ordering;

use annex_grammar::Record;
use serde::Serialize;
use serde_json::Value as Json;

use crate::EmitError;

/// The canonical JSON text (RFC 8785, JSON Canonicalization Scheme) of a record.
///
/// Object keys are sorted by their UTF-16 code units, there is no insignificant white
/// space, numbers are written as ECMAScript writes a double (`343000000`, `3.43`,
/// `1e+30`), strings escape only `"`, `\` and control characters, and everything else is
/// raw UTF-8. The same record always gives the same bytes, so the SHA-256 of this text
/// identifies the record. No trailing newline: JSON Lines writers add their own.
pub fn to_canonical(record: &Record) -> Result<String, EmitError> {
    let mut out = String::new();
    write_canonical(&mut out, record)?;
    Ok(out)
}

/// About the length in bytes of [`to_canonical`]'s text of `record`, cheaply (without
/// writing it): for sizing a buffer that will hold many records.
pub fn canonical_size_hint(record: &Record) -> usize {
    crate::direct::size_hint(record)
}

/// Appends the canonical JSON text of `record` (exactly [`to_canonical`]'s) to `out`:
/// for writers of many records into one buffer (JSON Lines), without a copy per record.
///
/// On error `out` is left as it was.
pub fn write_canonical(out: &mut String, record: &Record) -> Result<(), EmitError> {
    let start = out.len();
    // The direct writer gives the same bytes several times faster; a number without a
    // JSON form goes through serde so that the error is the one it always was.
    if crate::direct::record(out, record).is_ok() {
        return Ok(());
    }
    out.truncate(start);
    out.push_str(&to_canonical_value(record)?);
    Ok(())
}

/// The canonical JSON text (RFC 8785) of any serializable value, e.g. a
/// `serde_json::Value` or a part of a record.
///
/// Fails when the value cannot be written as JSON at all: a map with non-string keys,
/// a NaN or infinite float, or a `Serialize` impl that reports an error.
pub fn to_canonical_value<T: Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    serde_json_canonicalizer::to_string(&value).map_err(EmitError::Json)
}

/// Pretty JSON for people: the canonical form laid out with a 2-space indent.
///
/// Keys come in the same (UTF-16 sorted) order as in [`to_canonical`] and numbers and
/// strings are written exactly as there, so the two differ only in white space: parsing
/// either gives the same value. Empty arrays and objects stay on one line (`[]`, `{}`).
/// No trailing newline.
pub fn to_pretty(record: &Record) -> Result<String, EmitError> {
    to_pretty_value(record)
}

/// Pretty JSON (as [`to_pretty`]) of any serializable value. Fails exactly when
/// [`to_canonical_value`] fails.
pub fn to_pretty_value<T: Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    // Through the canonical text, not `serde_json::to_value`: that one turns NaN into
    // `null` where the canonical form refuses it, and the two forms must agree.
    let canonical = to_canonical_value(value)?;
    let json: Json = serde_json::from_str(&canonical).map_err(EmitError::Json)?;
    let mut out = String::new();
    write_pretty(&mut out, &json, 0)?;
    Ok(out)
}

/// Orders object keys as RFC 8785 §3.2.3 does: by UTF-16 code units, not by UTF-8 bytes
/// or chars (they differ above U+FFFF: `\u{1F600}` sorts before `\u{FB33}` in UTF-16).
pub(crate) fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn write_pretty(out: &mut String, json: &Json, depth: usize) -> Result<(), EmitError> {
    match json {
        Json::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_pretty(out, item, depth + 1)?;
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        Json::Object(map) if !map.is_empty() => {
            // Sorted here rather than trusting the map's order: serde_json's
            // `preserve_order` feature, if any crate in the build turns it on, makes
            // `Map` keep insertion (field) order.
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| cmp_utf16(a, b));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                out.push_str(&to_canonical_value(key.as_str())?);
                out.push_str(": ");
                write_pretty(out, value, depth + 1)?;
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        // Scalars (and empty containers) go through the canonicalizer so that numbers
        // read `1e+30`, not serde_json's `1e30`, and escapes match the canonical form.
        scalar => out.push_str(&to_canonical_value(scalar)?),
    }
    Ok(())
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth * 2));
}
