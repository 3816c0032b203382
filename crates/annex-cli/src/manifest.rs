//! Accountability for a batch: `OUT/manifest.jsonl` (one line per input, what happened to
//! it) and `OUT/report.json` (the totals).
//!
//! The manifest is also what makes a batch resumable. Its life in one run:
//!
//! 1. [`Manifest::open`] reads the manifest of earlier runs, drops a torn or unreadable
//!    line (a run killed mid-write), keeps the last line per path, and rewrites the file
//!    compacted (temporary file + rename) so new lines never glue onto a torn one.
//! 2. [`Manifest::append`] adds one line per input of this run, in input order, flushed
//!    at once: a run killed now loses at most the input being written.
//! 3. [`Manifest::finish`] keeps only the lines of this run (exactly one per input, in
//!    input order) and writes `report.json`.
//!
//! Every field but `elapsed_ms` is a function of the input bytes, the options and the
//! annex version, so two manifests of the same batch differ only there.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output;

/// The version written into every manifest line and compared when resuming.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// File name of the manifest inside the output directory.
pub(crate) const MANIFEST: &str = "manifest.jsonl";
/// File name of the report inside the output directory.
pub(crate) const REPORT: &str = "report.json";

/// What happened to one input. Exactly one per input; the exit code is 0 only when all
/// are `Ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Tables found and read without a [`Outcome::Partial`] warning.
    Ok,
    /// Tables found, but something in them could not be read: a warning whose code is in
    /// [`PARTIAL_CODES`] (a line no rule consumed, a missing header field or value, a bad
    /// number, undecodable bytes). Repairs alone (a joined label, a value from the next
    /// line) do not make an input partial: the record holds everything the input said.
    Partial,
    /// The input was read but holds no 部门项目支出预算绩效目标表.
    NoTables,
    /// The input could not be read (missing, unreadable, too large, not a PDF) or its
    /// output could not be written.
    Error,
    /// A PDF with pages but no text (a scan): it needs OCR first.
    NoTextLayer,
    /// The PDF reader panicked; the message says where.
    Panic,
    /// The PDF worker ran past `--pdf-timeout` (or its CPU backstop) and was killed.
    Timeout,
    /// The PDF worker died of a signal (stack overflow, abort) or gave unreadable output.
    Crash,
    /// The PDF worker ran out of memory under `--pdf-memory`.
    Oom,
}

impl Outcome {
    /// Every outcome, in the order summaries list them.
    pub(crate) const ALL: [Self; 9] = [
        Self::Ok,
        Self::Partial,
        Self::NoTables,
        Self::Error,
        Self::NoTextLayer,
        Self::Panic,
        Self::Timeout,
        Self::Crash,
        Self::Oom,
    ];

    /// The name used in the manifest, the report and the summary.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Partial => "partial",
            Self::NoTables => "no_tables",
            Self::Error => "error",
            Self::NoTextLayer => "no_text_layer",
            Self::Panic => "panic",
            Self::Timeout => "timeout",
            Self::Crash => "crash",
            Self::Oom => "oom",
        }
    }

    /// Outcomes that depend on the limits given (`--pdf-timeout`, `--pdf-memory`) or on
    /// the machine's load more than on the input: a resumed run tries them again.
    pub(crate) fn retried_on_resume(self) -> bool {
        matches!(self, Self::Timeout | Self::Oom | Self::Crash)
    }
}

/// Warning codes that make an input with tables [`Outcome::Partial`].
pub(crate) const PARTIAL_CODES: [&str; 5] = [
    "unparsed_line",
    "missing_field",
    "missing_value",
    "bad_number",
    "undecodable_bytes",
];

/// One line of `manifest.jsonl`. Field order is the key order of the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Line {
    /// The input path as given (or found below a directory); `-` for stdin.
    pub(crate) path: String,
    /// Lowercase hex SHA-256 of the input bytes; null when they could not be read.
    pub(crate) sha256: Option<String>,
    /// Size in bytes; null when the input could not be read.
    pub(crate) size: Option<u64>,
    /// What happened.
    pub(crate) outcome: Outcome,
    /// Records written.
    pub(crate) tables: u64,
    /// Indicator rows in those records.
    pub(crate) indicators: u64,
    /// Warnings, the records' and the file's.
    pub(crate) warnings: u64,
    /// Warnings by code.
    pub(crate) warning_codes: BTreeMap<String, u64>,
    /// Why the outcome is not `ok`, `partial` or `no_tables`: lowercase, one line.
    pub(crate) error: Option<String>,
    /// The annex version that wrote the line.
    pub(crate) annex_version: String,
    /// Wall-clock time spent on the input, in milliseconds: the one field that differs
    /// between two runs of the same batch.
    pub(crate) elapsed_ms: u64,
}

impl Line {
    /// The line as written: compact JSON, keys in field order, no newline.
    pub(crate) fn to_json(&self) -> String {
        // A struct of strings, integers and string-keyed maps always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The manifest of an output directory, open for appending.
pub(crate) struct Manifest {
    path: PathBuf,
    file: fs::File,
    /// Byte offset where this run's lines start.
    run_start: u64,
    /// The last line per path from earlier runs (for skipping inputs already done).
    earlier: BTreeMap<String, Line>,
    /// Lines of earlier runs that could not be read (torn by a kill, or edited).
    pub(crate) dropped: usize,
}

impl Manifest {
    /// Open (and compact) the manifest in `dir`, creating it when missing.
    pub(crate) fn open(dir: &Path) -> io::Result<Self> {
        let path = dir.join(MANIFEST);
        let mut earlier: BTreeMap<String, Line> = BTreeMap::new();
        // Paths in the order of their last line, so compaction keeps the file's order.
        let mut order: Vec<(u64, String)> = Vec::new();
        let mut dropped = 0;
        match fs::File::open(&path) {
            Ok(file) => {
                let mut reader = BufReader::new(file);
                let mut raw = Vec::new();
                let mut n = 0u64;
                loop {
                    raw.clear();
                    if reader.read_until(b'\n', &mut raw)? == 0 {
                        break;
                    }
                    n += 1;
                    // A line without its newline was cut by a kill, even when it parses.
                    let complete = raw.last() == Some(&b'\n');
                    match serde_json::from_slice::<Line>(&raw) {
                        Ok(line) if complete => {
                            order.push((n, line.path.clone()));
                            earlier.insert(line.path.clone(), line);
                        }
                        _ if raw.iter().all(u8::is_ascii_whitespace) => {}
                        _ => dropped += 1,
                    }
                }
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        // Keep a path's last line only, at the position of that line.
        let mut last_at: BTreeMap<&str, u64> = BTreeMap::new();
        for (n, p) in &order {
            last_at.insert(p, *n);
        }
        let mut compact = String::new();
        for (n, p) in &order {
            if last_at.get(p.as_str()) == Some(n) {
                if let Some(line) = earlier.get(p) {
                    compact.push_str(&line.to_json());
                    compact.push('\n');
                }
            }
        }
        output::write_atomic(dir, MANIFEST, compact.as_bytes())?;
        let mut file = fs::OpenOptions::new().append(true).open(&path)?;
        let run_start = file.seek(io::SeekFrom::End(0))?;
        Ok(Self {
            path,
            file,
            run_start,
            earlier,
            dropped,
        })
    }

    /// The lines earlier runs wrote, by path.
    #[cfg(test)]
    pub(crate) fn earlier(&self) -> &BTreeMap<String, Line> {
        &self.earlier
    }

    /// Take the earlier lines out (to share them with the workers).
    pub(crate) fn take_earlier(&mut self) -> BTreeMap<String, Line> {
        std::mem::take(&mut self.earlier)
    }

    /// Append one line and hand it to the operating system at once (a `write`, not an
    /// `fsync`: a killed process loses nothing written, a power cut may lose the tail).
    pub(crate) fn append(&mut self, line: &Line) -> io::Result<()> {
        let mut text = line.to_json();
        text.push('\n');
        self.file.write_all(text.as_bytes())?;
        self.file.flush()
    }

    /// End the run: the manifest keeps this run's lines only (one per input, in input
    /// order), synced to disk.
    pub(crate) fn finish(self) -> io::Result<()> {
        self.file.sync_all()?;
        drop(self.file);
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut file = fs::File::open(&self.path)?;
        file.seek(io::SeekFrom::Start(self.run_start))?;
        // Streamed: the manifest grows with the inputs, memory must not.
        let mut out = output::AtomicFile::create(dir, MANIFEST)?;
        io::copy(&mut file, &mut out)?;
        out.commit()
    }
}

/// `report.json`: the totals of a batch. No clock and no count of skipped inputs, so that
/// a resumed batch ends with the same report as an uninterrupted one.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Report {
    /// `annex/report/v1`.
    pub(crate) schema: &'static str,
    /// The annex version.
    pub(crate) annex_version: &'static str,
    /// Number of inputs; always the sum of `outcomes`.
    pub(crate) inputs: u64,
    /// Inputs per outcome, every outcome listed.
    pub(crate) outcomes: BTreeMap<&'static str, u64>,
    /// Records written.
    pub(crate) tables: u64,
    /// Indicator rows.
    pub(crate) indicators: u64,
    /// Warnings.
    pub(crate) warnings: u64,
    /// Warnings by code.
    pub(crate) warnings_by_code: BTreeMap<String, u64>,
}

impl Report {
    /// An empty report.
    pub(crate) fn new() -> Self {
        Self {
            schema: "annex/report/v1",
            annex_version: VERSION,
            outcomes: Outcome::ALL.iter().map(|o| (o.as_str(), 0)).collect(),
            ..Self::default()
        }
    }

    /// Count one input.
    pub(crate) fn add(&mut self, line: &Line) {
        self.inputs += 1;
        *self.outcomes.entry(line.outcome.as_str()).or_default() += 1;
        self.tables += line.tables;
        self.indicators += line.indicators;
        self.warnings += line.warnings;
        for (code, n) in &line.warning_codes {
            *self.warnings_by_code.entry(code.clone()).or_default() += n;
        }
    }

    /// Inputs whose outcome is not ok.
    pub(crate) fn not_ok(&self) -> u64 {
        self.inputs - self.outcomes.get("ok").copied().unwrap_or(0)
    }

    /// `120 inputs: 110 ok, 5 partial, 3 no_tables, 2 error` (outcomes with no input left
    /// out, except `ok`).
    pub(crate) fn summary(&self) -> String {
        let parts: Vec<String> = Outcome::ALL
            .iter()
            .filter_map(|o| {
                let n = self.outcomes.get(o.as_str()).copied().unwrap_or(0);
                (n > 0 || *o == Outcome::Ok).then(|| format!("{n} {}", o.as_str()))
            })
            .collect();
        let s = if self.inputs == 1 { "" } else { "s" };
        format!("{} input{s}: {}", self.inputs, parts.join(", "))
    }

    /// Pretty JSON with a final newline; keys in a fixed order.
    pub(crate) fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(path: &str, outcome: Outcome) -> Line {
        Line {
            path: path.to_owned(),
            sha256: Some("ab".to_owned()),
            size: Some(2),
            outcome,
            tables: 1,
            indicators: 3,
            warnings: 1,
            warning_codes: [("split_cell".to_owned(), 1)].into_iter().collect(),
            error: None,
            annex_version: VERSION.to_owned(),
            elapsed_ms: 7,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("annex-manifest-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    #[test]
    fn keys_in_field_order() {
        let text = line("a.txt", Outcome::Ok).to_json();
        assert_eq!(
            text,
            r#"{"path":"a.txt","sha256":"ab","size":2,"outcome":"ok","tables":1,"indicators":3,"warnings":1,"warning_codes":{"split_cell":1},"error":null,"annex_version":""#
                .to_owned()
                + VERSION
                + r#"","elapsed_ms":7}"#
        );
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_the_rest_compacted() -> io::Result<()> {
        let dir = scratch("torn");
        let a1 = line("a", Outcome::Error).to_json();
        let b = line("b", Outcome::Ok).to_json();
        let a2 = line("a", Outcome::Ok).to_json();
        let torn = &line("c", Outcome::Ok).to_json()[..20];
        fs::write(dir.join(MANIFEST), format!("{a1}\n{b}\n{a2}\n{torn}"))?;
        let mut m = Manifest::open(&dir)?;
        assert_eq!(m.dropped, 1);
        assert_eq!(m.earlier().len(), 2);
        assert_eq!(m.earlier()["a"].outcome, Outcome::Ok);
        assert_eq!(
            fs::read_to_string(dir.join(MANIFEST))?,
            format!("{b}\n{a2}\n")
        );
        m.append(&line("c", Outcome::Partial))?;
        m.finish()?;
        let c = line("c", Outcome::Partial).to_json();
        assert_eq!(fs::read_to_string(dir.join(MANIFEST))?, format!("{c}\n"));
        let _ = fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn summary_lists_what_happened() {
        let mut r = Report::new();
        r.add(&line("a", Outcome::Ok));
        r.add(&line("b", Outcome::Partial));
        r.add(&line("c", Outcome::Timeout));
        assert_eq!(r.summary(), "3 inputs: 1 ok, 1 partial, 1 timeout");
        assert_eq!(r.not_ok(), 2);
        assert_eq!(r.warnings_by_code["split_cell"], 3);
    }
}
