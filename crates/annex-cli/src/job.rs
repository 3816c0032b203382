//! One input, start to end, on a worker thread: read, hash, skip when already done, run
//! the pipeline (PDFs in a worker process), classify the [`Outcome`], write or render the
//! output, and describe it all in a manifest [`manifest::Line`].
//!
//! Nothing here touches standard output, standard error or the manifest: the
//! [`Done`] goes back to the single writer thread, which emits them in input order.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::Instant;

use annex_grammar::{InputInfo, Parsed, Record};
use sha2::{Digest, Sha256};

use crate::args::Format;
use crate::input;
use crate::manifest::{self, Outcome, PARTIAL_CODES};
use crate::output;
use crate::run::{format_warning, warnings_in_source_order};
use crate::worker::{self, Limits};

/// Where the records of a run go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Standard output, JSON Lines (or pretty, or CSV rows).
    Stream,
    /// An output directory with a manifest.
    Batch,
    /// `--from-stdin`: canonical records and error records on standard output.
    Cluster,
}

/// What every job of a run shares.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches, one each
pub(crate) struct Settings {
    pub(crate) mode: Mode,
    pub(crate) format: Format,
    pub(crate) pretty: bool,
    pub(crate) quiet: bool,
    pub(crate) force: bool,
    pub(crate) max_bytes: u64,
    pub(crate) limits: Limits,
    /// `--shape`: read text inputs as this shape instead of detecting it.
    pub(crate) shape: Option<annex_shapes::Shape>,
    /// `--explain`: say which shape each region of a text input was read as.
    pub(crate) explain: bool,
    /// The output directory (batch mode).
    pub(crate) dir: Option<PathBuf>,
    /// Manifest lines of earlier runs, by path (batch mode).
    pub(crate) earlier: BTreeMap<String, manifest::Line>,
    /// Output buffers written and handed back, for the next inputs' records.
    pub(crate) spare: Spare,
}

/// Output buffers the writer thread hands back once it has written them, which the
/// workers write the next inputs' JSON Lines into.
///
/// An input's JSON Lines are tens of KiB. Made afresh on a worker and freed on the writer
/// thread, each such buffer was a large allocation (which makes glibc consolidate the
/// worker's small free chunks first) and a large free on the writer thread, consolidating
/// the worker's heap again from there, under its lock. Handed back, the same few buffers
/// go round: as many as are in flight at once, which the engine's window bounds.
#[derive(Debug, Default)]
pub(crate) struct Spare(std::sync::Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// More buffers than this are freed (the window keeps far fewer in flight).
    const KEEP: usize = 64;
    /// A buffer larger than this (a huge input's records) is freed rather than kept.
    const MAX_CAPACITY: usize = 4 << 20;

    fn list(&self) -> std::sync::MutexGuard<'_, Vec<Vec<u8>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An empty buffer, with room when one was handed back.
    pub(crate) fn take(&self) -> Vec<u8> {
        self.list().pop().unwrap_or_default()
    }

    /// Hand a buffer back (its bytes are dropped).
    pub(crate) fn give(&self, mut buf: Vec<u8>) {
        if buf.capacity() == 0 || buf.capacity() > Self::MAX_CAPACITY {
            return;
        }
        buf.clear();
        let mut list = self.list();
        if list.len() < Self::KEEP {
            list.push(buf);
        }
    }
}

/// Where an input's bytes come from.
#[derive(Debug)]
pub(crate) enum Source {
    /// A file, read by the job.
    File(PathBuf),
    /// Bytes already read (standard input, read on the writer thread), or why not.
    Read(Result<Vec<u8>, String>),
    /// An argument that could not be expanded (a missing file, an empty directory).
    Failed(String),
}

/// One input to process.
#[derive(Debug)]
pub(crate) struct Job {
    /// The path as given: labels records, messages and the manifest.
    pub(crate) label: String,
    pub(crate) source: Source,
    /// Start of the output file names (`--format json` in batch mode).
    pub(crate) stem: String,
    /// The `id` of a `{"id","path"}` line in cluster mode.
    pub(crate) id: Option<serde_json::Value>,
}

/// What a job did, for the writer thread.
#[derive(Debug)]
pub(crate) struct Done {
    pub(crate) line: manifest::Line,
    /// The manifest already had this input (same bytes, same version): nothing was redone.
    pub(crate) skipped: bool,
    /// Lines for standard error, in order (warnings unless `--quiet`, errors always).
    pub(crate) stderr: Vec<String>,
    /// Bytes for standard output (stream and cluster modes).
    pub(crate) stdout: Vec<u8>,
}

/// Run one job. Never panics: a panic in the pipeline becomes outcome `panic`.
pub(crate) fn process(job: Job, settings: &Settings) -> Done {
    let start = Instant::now();
    let label = job.label.clone();
    let id = job.id.clone();
    let mut done =
        catch_unwind(AssertUnwindSafe(|| process_inner(job, settings))).unwrap_or_else(|payload| {
            let what = payload
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            failed(
                settings,
                &label,
                id.as_ref(),
                None,
                Outcome::Panic,
                &format!("annex panicked: {what}"),
            )
        });
    if !done.skipped {
        done.line.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    }
    done
}

fn process_inner(job: Job, settings: &Settings) -> Done {
    let Job {
        label,
        source,
        stem,
        id,
    } = job;
    // A file is read into this worker thread's scratch buffer, which goes back for the
    // next input when this one is done (unless it grew very large).
    let mut scratch = READ_BUFFER.take();
    let owned;
    let bytes: &[u8] = match source {
        Source::File(path) => match input::read_file(&path, settings.max_bytes, &mut scratch) {
            Ok(n) => &scratch[..n],
            Err(reason) => {
                return failed(settings, &label, id.as_ref(), None, Outcome::Error, &reason);
            }
        },
        Source::Read(Ok(read)) => {
            owned = read;
            &owned
        }
        Source::Read(Err(reason)) | Source::Failed(reason) => {
            return failed(settings, &label, id.as_ref(), None, Outcome::Error, &reason);
        }
    };
    let done = process_bytes(settings, &label, &stem, id.as_ref(), bytes);
    if scratch.len() <= KEPT_READ_BUFFER {
        READ_BUFFER.set(scratch);
    }
    done
}

thread_local! {
    /// The buffer [`process_inner`] reads files into, kept by each worker thread from one
    /// input to the next: no allocation, zeroing or freeing of the whole file per input.
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Largest read buffer a worker thread keeps for the next input: real annexes are far
/// smaller; a huge input's buffer is freed with it.
const KEPT_READ_BUFFER: usize = 8 << 20;

/// [`process_inner`] once the input's bytes are read.
fn process_bytes(
    settings: &Settings,
    label: &str,
    stem: &str,
    id: Option<&serde_json::Value>,
    bytes: &[u8],
) -> Done {
    let sha256 = hex(&Sha256::digest(bytes));
    let size = bytes.len() as u64;

    if let Some(earlier) = already_done(settings, label, &sha256) {
        return Done {
            line: earlier,
            skipped: true,
            stderr: Vec::new(),
            stdout: Vec::new(),
        };
    }

    let is_pdf = input::is_pdf_name(label.as_ref()) || input::looks_like_pdf(bytes);
    if is_pdf {
        match worker::read_pdf(bytes, settings.limits) {
            Ok(pdf) => {
                let info = InputInfo {
                    path: label.to_owned(),
                    sha256: sha256.clone(),
                    paged: true,
                };
                let parsed = annex_grammar::parse_with_warnings(&pdf.lines, pdf.warnings, &info);
                finish(settings, label, id, stem, sha256, size, &parsed)
            }
            Err((outcome, message)) => {
                failed(settings, label, id, Some((sha256, size)), outcome, &message)
            }
        }
    } else {
        // The records borrow from the lines: they are written (`finish`) and dropped
        // before the lines go back to the pool.
        crate::extract_text(
            label,
            sha256.clone(),
            bytes,
            settings.shape,
            |parsed, regions| {
                let mut done = finish(settings, label, id, stem, sha256, size, &parsed);
                if settings.explain {
                    let forced = if settings.shape.is_some() {
                        "forced by --shape"
                    } else {
                        "detected"
                    };
                    let mut explained: Vec<String> = regions
                        .iter()
                        .map(|r| {
                            format!(
                                "{label}:{}-{}: note[shape]: read as {} ({forced})",
                                r.first, r.last, r.shape
                            )
                        })
                        .collect();
                    explained.append(&mut done.stderr);
                    done.stderr = explained;
                }
                done
            },
        )
    }
}

/// The earlier manifest line of this input when it need not be redone.
fn already_done(settings: &Settings, label: &str, sha256: &str) -> Option<manifest::Line> {
    if settings.mode != Mode::Batch || settings.force {
        return None;
    }
    let earlier = settings.earlier.get(label)?;
    let same = earlier.sha256.as_deref() == Some(sha256)
        && earlier.annex_version == manifest::VERSION
        && !earlier.outcome.retried_on_resume();
    // The combined files are rebuilt from the parts: a missing part means redo.
    let part_ok = earlier.tables == 0
        || match (settings.format, &settings.dir) {
            (Format::Jsonl | Format::Csv, Some(dir)) => {
                dir.join(part_name(label, settings.format)).is_file()
            }
            _ => true,
        };
    (same && part_ok).then(|| earlier.clone())
}

/// Classify a parsed input, write or render its records, describe it.
fn finish(
    settings: &Settings,
    label: &str,
    id: Option<&serde_json::Value>,
    stem: &str,
    sha256: String,
    size: u64,
    parsed: &Parsed,
) -> Done {
    // Counted by code (no string compared or allocated per warning), with whether a
    // record holds one; each code's name is owned once, and sorts the manifest's map.
    let mut counts: BTreeMap<annex_normalize::WarningCode, (u64, bool)> = BTreeMap::new();
    for w in parsed.records.iter().flat_map(|r| &r.warnings) {
        let count = counts.entry(w.code).or_default();
        *count = (count.0 + 1, true);
    }
    // Warnings outside every table count, but do not make an input partial: text around
    // the tables (notes, signatures) is expected to go unread.
    for w in &parsed.warnings {
        counts.entry(w.code).or_default().0 += 1;
    }
    let partial = counts
        .iter()
        .any(|(code, &(_, in_record))| in_record && PARTIAL_CODES.contains(&code.as_str()));
    let codes: BTreeMap<String, u64> = counts
        .into_iter()
        .map(|(code, (n, _))| (code.as_str().to_owned(), n))
        .collect();
    let tables = parsed.records.len() as u64;
    let outcome = match (tables, partial) {
        (0, _) => Outcome::NoTables,
        (_, true) => Outcome::Partial,
        _ => Outcome::Ok,
    };
    let mut done = Done {
        line: manifest::Line {
            path: label.to_owned(),
            sha256: Some(sha256),
            size: Some(size),
            outcome,
            tables,
            indicators: parsed
                .records
                .iter()
                .map(|r| r.indicators.len() as u64)
                .sum(),
            warnings: codes.values().sum(),
            warning_codes: codes,
            error: None,
            annex_version: manifest::VERSION.to_owned(),
            elapsed_ms: 0,
        },
        skipped: false,
        stderr: Vec::new(),
        stdout: Vec::new(),
    };
    if !settings.quiet {
        for warning in warnings_in_source_order(&parsed.records, &parsed.warnings) {
            done.stderr.push(format_warning(label, warning));
        }
        if tables == 0 {
            done.stderr.push(format!(
                "{label}: warning[no_tables]: no 部门项目支出预算绩效目标表 found"
            ));
        }
    }
    if let Err(message) = write_records(settings, label, id, stem, &parsed.records, &mut done) {
        done.line.outcome = Outcome::Error;
        done.stderr.push(error_line(label, &message));
        done.line.error = Some(message);
    }
    done
}

fn write_records(
    settings: &Settings,
    label: &str,
    id: Option<&serde_json::Value>,
    stem: &str,
    records: &[Record],
    done: &mut Done,
) -> Result<(), String> {
    match (settings.mode, settings.format, &settings.dir) {
        (Mode::Cluster, ..) => {
            if records.is_empty() {
                done.stdout = error_record(
                    id,
                    label,
                    Outcome::NoTables,
                    "no 部门项目支出预算绩效目标表 found",
                );
                return Ok(());
            }
            let (bytes, result) = canonical_lines(records, settings.spare.take());
            done.stdout = bytes;
            result
        }
        (Mode::Stream, Format::Csv, _) => {
            done.stdout = crate::export::rows(records);
            Ok(())
        }
        (Mode::Stream, ..) if !settings.pretty => {
            let (bytes, result) = canonical_lines(records, settings.spare.take());
            done.stdout = bytes;
            result
        }
        (Mode::Stream, ..) => {
            for record in records {
                done.stdout
                    .extend(render(record, settings.pretty)?.into_bytes());
                done.stdout.push(b'\n');
            }
            Ok(())
        }
        (Mode::Batch, Format::Json, Some(dir)) => {
            let tables = records.len();
            let mut failures = Vec::new();
            for (index, record) in records.iter().enumerate() {
                let ordinal = index + 1;
                // Canonical files hold exactly the canonical bytes (no final newline), so
                // that a file's SHA-256 is the record's; pretty files end in a newline.
                let mut bytes = render(record, settings.pretty)
                    .map_err(|m| format!("table {ordinal}: {m}"))?
                    .into_bytes();
                if settings.pretty {
                    bytes.push(b'\n');
                }
                let name = output::table_file_name(stem, ordinal, tables);
                if let Err(err) = output::write_atomic(dir, &name, &bytes) {
                    failures.push(format!(
                        "{}: {}",
                        dir.join(&name).display(),
                        input::describe_io(&err)
                    ));
                }
            }
            if failures.is_empty() {
                Ok(())
            } else {
                Err(format!("cannot write {}", failures.join("; ")))
            }
        }
        (Mode::Batch, format, Some(dir)) => {
            if records.is_empty() {
                return Ok(());
            }
            let bytes = if format == Format::Csv {
                crate::export::rows(records)
            } else {
                let (bytes, result) = canonical_lines(records, settings.spare.take());
                result?;
                bytes
            };
            let parts = dir.join(PARTS);
            let written = std::fs::create_dir_all(&parts)
                .and_then(|()| output::write_atomic(&parts, &part_file(label, format), &bytes))
                .map(|_| ())
                .map_err(|e| format!("cannot write its part file: {}", input::describe_io(&e)));
            settings.spare.give(bytes);
            written
        }
        (Mode::Batch, _, None) => Ok(()),
    }
}

/// The folder of per-input parts of `records.jsonl` and `indicators.csv`.
pub(crate) const PARTS: &str = ".parts";

/// The part of one input, named by the hash of its label: stable whatever else the batch
/// holds, and safe whatever the input is called.
fn part_file(label: &str, format: Format) -> String {
    let ext = if format == Format::Csv {
        "csv"
    } else {
        "jsonl"
    };
    format!("{}.{ext}", &hex(&Sha256::digest(label.as_bytes()))[..32])
}

/// `.parts/<hash>.<ext>`, relative to the output directory.
pub(crate) fn part_name(label: &str, format: Format) -> PathBuf {
    PathBuf::from(PARTS).join(part_file(label, format))
}

/// A failed input: the manifest line, the error on stderr, the error record in cluster
/// mode.
pub(crate) fn failed(
    settings: &Settings,
    label: &str,
    id: Option<&serde_json::Value>,
    read: Option<(String, u64)>,
    outcome: Outcome,
    message: &str,
) -> Done {
    let (sha256, size) = read.map_or((None, None), |(s, n)| (Some(s), Some(n)));
    let stdout = if settings.mode == Mode::Cluster {
        error_record(id, label, outcome, message)
    } else {
        Vec::new()
    };
    Done {
        line: manifest::Line {
            path: label.to_owned(),
            sha256,
            size,
            outcome,
            tables: 0,
            indicators: 0,
            warnings: 0,
            warning_codes: BTreeMap::new(),
            error: Some(message.to_owned()),
            annex_version: manifest::VERSION.to_owned(),
            elapsed_ms: 0,
        },
        skipped: false,
        stderr: vec![if outcome == Outcome::Error {
            error_line(label, message)
        } else {
            error_line(label, &format!("{message} [{}]", outcome.as_str()))
        }],
        stdout,
    }
}

fn error_line(label: &str, message: &str) -> String {
    format!("annex: error: {label}: {message}")
}

/// `{"error":…,"id":…,"outcome":…,"path":…,"schema":"annex/error/v1"}` and a newline:
/// canonical like the records (keys sorted, no spaces).
pub(crate) fn error_record(
    id: Option<&serde_json::Value>,
    label: &str,
    outcome: Outcome,
    message: &str,
) -> Vec<u8> {
    let value = serde_json::json!({
        "schema": "annex/error/v1",
        "id": id.cloned().unwrap_or(serde_json::Value::Null),
        "path": label,
        "outcome": outcome.as_str(),
        "error": message,
    });
    let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One record as text, without a final newline.
fn render(record: &Record, pretty: bool) -> Result<String, String> {
    let text = if pretty {
        annex_emit::to_pretty(record)
    } else {
        annex_emit::to_canonical(record)
    };
    text.map(|mut t| {
        // In place: no copy of the text.
        t.truncate(t.trim_end_matches('\n').len());
        t
    })
    .map_err(|e| error_chain(&e))
}

/// The canonical records as JSON Lines (each `render(record, false)` and a newline),
/// written into one buffer rather than a string per record, and whether all were
/// written. On an error the bytes are the lines of the records before the failing one,
/// as when each was appended after rendering it.
///
/// `buf` is an empty buffer to write them into (one handed back: see [`Spare`]).
fn canonical_lines(records: &[Record], mut buf: Vec<u8>) -> (Vec<u8>, Result<(), String>) {
    buf.clear();
    // An empty vector is valid UTF-8.
    let mut text = String::from_utf8(buf).unwrap_or_default();
    text.reserve(records.iter().map(annex_emit::canonical_size_hint).sum());
    let result = records.iter().try_for_each(|record| {
        annex_emit::write_canonical(&mut text, record).map_err(|e| error_chain(&e))?;
        // Canonical text never ends in a newline (it ends in `}`), so this is exactly
        // `render`'s text: its trim has nothing to take off.
        text.push('\n');
        Ok(())
    });
    (text.into_bytes(), result)
}

/// An error and its causes on one line: `cannot write canonical json: number out of range`.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Lowercase hex: two digits a byte from a table (`write!` with `{:02x}` went through the
/// formatting machinery, some 250 instructions a byte, for every input's SHA-256).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As `hex` was written before: `{:02x}` per byte.
    #[test]
    fn hex_as_format() {
        use std::fmt::Write as _;
        let all: Vec<u8> = (0..=255).collect();
        let slow = all.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        assert_eq!(hex(&all), slow);
        assert_eq!(hex(&[]), "");
    }
}
