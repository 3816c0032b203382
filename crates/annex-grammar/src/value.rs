//! Parsing of one 指标值 cell into a [`Value`](crate::Value). STUB.
