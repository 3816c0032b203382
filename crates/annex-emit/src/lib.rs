//! annex-emit: typed records → canonical JSON (RFC 8785). STUB.
