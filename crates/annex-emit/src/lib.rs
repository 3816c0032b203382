//! annex-emit: typed records → canonical JSON (RFC 8785), pretty JSON, and the JSON
//! Schema of a record.
//!
//! # Where it sits
//!
//! ```text
//! bytes ─ annex-normalize ─▶ lines ─ annex-grammar ─▶ Record ─ annex-emit ─▶ JSON text
//! ```
//!
//! The grammar builds an [`annex_grammar::Record`] per project table; this crate turns it
//! into text. The canonical form ([`to_canonical`]) is the contract of `SCHEMA.md`: keys
//! sorted by UTF-16 code units, no insignificant white space, numbers as ECMAScript
//! prints a double, minimal string escaping, raw UTF-8. The same record always gives
//! the same bytes, so files, JSON Lines and snapshots hold this form and its SHA-256
//! names a record. [`to_pretty`] is the same text indented for people.
//!
//! # What it does not do
//!
//! - No I/O: it returns strings; the CLI writes files, stdout and JSON Lines (one
//!   canonical record plus `\n` per line).
//! - No decisions about content: what a record holds, and how a decimal becomes a JSON
//!   number, belongs to the model (`annex_grammar::Number` writes integral decimals as
//!   integers and others through `f64`). Numbers beyond ±2^53 cannot be exact in JSON
//!   that any reader parses as doubles (RFC 8785 and I-JSON alike); budgets in 元 stay
//!   far below that.
//!
//! # Main items
//!
//! - [`to_canonical`] / [`to_canonical_value`]: RFC 8785 text of a record / any value;
//!   [`write_canonical`] appends a record's to a buffer, [`canonical_size_hint`] sizes it.
//! - [`to_pretty`] / [`to_pretty_value`]: 2-space indented, keys in canonical order.
//! - [`record_schema`] / [`record_schema_json`]: the JSON Schema (draft 2020-12) of a
//!   record, `$id` [`SCHEMA_URL`]; the text is committed as
//!   `crates/annex-emit/schema/perf-target-table-v1.json`.
//! - [`testing::validate`]: check a JSON value against that schema.
//! - [`EmitError`]: why a value could not be written.
//!
//! # Example
//!
//! ```
//! use serde_json::json;
//!
//! // One indicator row: 820万元 of 成本指标. Keys come out sorted, and an integral
//! // double prints as an integer (`8200000.0` → `8200000`), as in ECMAScript.
//! let row = json!({
//!     "name": "城乡居民养老保险参保缴费补贴",
//!     "value": {"text": "820万元", "number": 820, "unit": "万元", "yuan": 8200000.0,
//!               "comparator": null, "range": null},
//!     "level2": "成本指标",
//!     "level1": "产出指标",
//! });
//! assert_eq!(
//!     annex_emit::to_canonical_value(&row)?,
//!     r#"{"level1":"产出指标","level2":"成本指标","name":"城乡居民养老保险参保缴费补贴","#.to_owned()
//!         + r#""value":{"comparator":null,"number":820,"range":null,"text":"820万元","#
//!         + r#""unit":"万元","yuan":8200000}}"#,
//! );
//! # Ok::<(), annex_emit::EmitError>(())
//! ```

mod canonical;
mod direct;
mod schema;
pub mod testing;

pub use canonical::{
    canonical_size_hint, to_canonical, to_canonical_value, to_pretty, to_pretty_value,
    write_canonical,
};
pub use schema::{SCHEMA_DIALECT, SCHEMA_URL, record_schema, record_schema_json};

/// Why a value could not be written as JSON.
///
/// A [`Record`](annex_grammar::Record) always has one (its numbers are decimals, all
/// within the range of a double), so for records this is a bug report, not an input
/// problem. The message is short; the underlying serde error is the
/// [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The value has no JSON form: a NaN or infinite float, a map with non-string keys,
    /// or a `Serialize` impl that reported an error.
    #[error("cannot write json")]
    Json(#[source] serde_json::Error),
}

#[cfg(test)]
mod tests;
