//! annex-cli: the pipeline driver behind the `annex` binary. STUB.
