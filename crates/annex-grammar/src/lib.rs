//! annex-grammar: normalized lines → typed records of 部门项目支出预算绩效目标表.
//!
//! STUB: being written.

pub mod model;
pub mod value;

pub use model::*;
