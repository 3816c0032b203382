//! annex-cli: the pipeline driver behind the `annex` binary.
//!
//! It sits at the end of the pipeline and is the only layer that does I/O:
//!
//! 1. [`args`]: the command line (clap derive); `main.rs` only parses it and calls [`run`].
//! 2. inputs: files, directories (every `.txt` below, sorted by path bytes) and `-`
//!    (stdin), each read whole up to `--max-bytes`.
//! 3. [`extract_bytes`]: one input's bytes through `annex_normalize` → `annex_grammar`.
//! 4. output: canonical JSON (`annex_emit`) as JSON Lines on stdout, or one file per table
//!    with `-o DIR`, written atomically; warnings and errors on stderr.
//!
//! It deliberately does not parse or format anything itself: what a record holds and how
//! it is spelled belong to the grammar and the emitter. [`run`] writes to the `Write`rs it
//! is given, so the whole command can be tested in memory.

pub mod args;
mod engine;
mod export;
mod input;
mod job;
mod manifest;
mod output;
mod run;
mod worker;

pub use manifest::Outcome;
pub use run::{Error, ErrorKind, Status, run, run_with_progress};
pub use worker::TEST_HOOK;

use annex_grammar::{InputInfo, Parsed};
use sha2::{Digest, Sha256};

/// Run the whole text pipeline on one input's bytes: decode, detect the text shape,
/// read it into lines, parse, check.
///
/// `path` is the path as the user gave it; it only labels the records. The records own
/// their texts (the lines they were read from are gone when this returns).
pub fn extract_bytes(path: &str, bytes: &[u8]) -> Parsed<'static> {
    extract_text(
        path,
        job::hex(&Sha256::digest(bytes)),
        bytes,
        None,
        |parsed, _| parsed.into_owned(),
    )
}

/// [`extract_bytes`] with the SHA-256 already known (a batch hashes every input once) and
/// the shape forced or not; `use_parsed` gets the records (borrowing from the lines) and
/// the regions and their shapes (for `--explain`), and its result is returned.
///
/// The records are handed to `use_parsed` rather than returned so that they can borrow
/// from the lines, which go back to this thread's pool once it returns.
pub(crate) fn extract_text<R>(
    path: &str,
    sha256: String,
    bytes: &[u8],
    shape: Option<annex_shapes::Shape>,
    use_parsed: impl FnOnce(Parsed<'_>, &[annex_shapes::Region]) -> R,
) -> R {
    // The lines' strings come from this thread's pool and go back to it once parsed: a
    // worker reading input after input allocates no string per line.
    let mut pool = LINE_POOL.take();
    let shaped = annex_shapes::read_with(bytes, shape, &mut pool);
    let info = InputInfo {
        path: path.to_owned(),
        sha256,
        paged: false,
    };
    // Decoding warnings inside a table belong to its record; the rest stay file-level.
    let parsed = annex_grammar::parse_with_warnings(&shaped.lines, shaped.warnings, &info);
    let result = use_parsed(parsed, &shaped.regions);
    pool.give(shaped.lines);
    LINE_POOL.set(pool);
    result
}

thread_local! {
    /// The strings of the lines [`extract_text`] reads, kept by each thread from one input
    /// to the next (bounded: see [`annex_normalize::LinePool`]).
    static LINE_POOL: std::cell::Cell<annex_normalize::LinePool> =
        const { std::cell::Cell::new(annex_normalize::LinePool::new()) };
}
