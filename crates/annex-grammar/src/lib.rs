//! annex-grammar: normalized lines → typed records of 部门项目支出预算绩效目标表.
//!
//! STUB: being written.

pub mod checks;
pub mod model;
pub mod value;

pub use model::*;

use annex_normalize::{Line, Warning};

/// What the caller knows about the input that the grammar cannot see.
#[derive(Debug, Clone, Default)]
pub struct InputInfo {
    /// The input path as given by the user.
    pub path: String,
    /// Lowercase hex SHA-256 of the input bytes.
    pub sha256: String,
    /// True for inputs whose positions are pages (PDF): records then carry `pages`
    /// and no `lines`.
    pub paged: bool,
}

/// Every table found in one input, plus warnings about lines outside any table.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// One record per project table, in source order.
    pub records: Vec<Record>,
    /// Warnings that belong to no table (decoding trouble, lines outside tables).
    pub warnings: Vec<Warning>,
}

/// Parse normalized lines into records. Never fails: what it cannot read is a warning.
pub fn parse(lines: &[Line], info: &InputInfo) -> Parsed {
    let _ = (lines, info);
    Parsed::default()
}
