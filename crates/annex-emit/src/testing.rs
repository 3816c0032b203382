//! Checking JSON against the record schema, for tests (and any caller that wants it).
//!
//! The validator is `jsonschema` built without its default features: no HTTP or file
//! resolution, so validation never touches the network. The schema has no external
//! `$ref`s; its `$id` is only a name.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value as Json;

use crate::schema::record_schema;

/// Checks a JSON value (typically `serde_json::from_str` of a canonical record) against
/// [`record_schema`].
///
/// Returns every violation, one line each, as `<instance path>: <message>` (the path is
/// a JSON pointer, empty for the root).
pub fn validate(value: &Json) -> Result<(), Vec<String>> {
    let validator = validator().map_err(|e| vec![e.clone()])?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The compiled schema, built once: compiling is far slower than validating a record.
fn validator() -> Result<&'static Validator, &'static String> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            jsonschema::validator_for(&record_schema())
                .map_err(|e| format!("record schema does not compile: {e}"))
        })
        .as_ref()
}
