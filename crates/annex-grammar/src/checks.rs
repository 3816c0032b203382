//! Consistency checks of SCHEMA.md. STUB.
