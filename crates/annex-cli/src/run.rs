//! The batch driver: every input through the pipeline, records to their sink, warnings and
//! errors to standard error, and the exit status.
//!
//! Everything here writes to the `Write`rs it is given, so tests drive it in memory.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annex_grammar::Record;
use annex_normalize::Warning;

use crate::args::{Cli, Command, ExtractArgs, Format};
use crate::engine;
use crate::export;
use crate::input::{self, Input};
use crate::job::{self, Done, Job, Mode, Settings, Source};
use crate::manifest::{self, Manifest, Report};
use crate::output::{self, Stems};
use crate::worker::{self, Limits};

/// How a run ended, when it could run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input's outcome is `ok` (with `--from-stdin`: the run reached the end).
    Success,
    /// Some input's outcome is not `ok` (no tables, partly read, unreadable, a PDF that
    /// failed, a record that could not be written); the others were processed.
    SomeFailed,
}

impl Status {
    /// The process exit code: 0 or 1 (2 is for usage and fatal errors).
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::SomeFailed => 1,
        }
    }
}

/// A failure that stops the whole run (exit code 2): nothing more can be written.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What stopped the run.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The output directory could not be created.
    OutputDir {
        /// The directory given with `-o`.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Standard output failed for a reason other than a closed pipe.
    Stdout(io::Error),
    /// `-` was given more than once: standard input can only be read once.
    StdinTwice,
    /// An option's value is unusable (a bad `--glob`).
    Usage(String),
    /// The manifest (or report, or combined file) of the output directory failed.
    Manifest {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl Error {
    /// What stopped the run.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            ErrorKind::OutputDir { path, source } => write!(
                f,
                "{}: cannot create output directory: {}",
                path.display(),
                input::describe_io(source)
            ),
            ErrorKind::Stdout(source) => {
                write!(
                    f,
                    "cannot write to standard output: {}",
                    input::describe_io(source)
                )
            }
            ErrorKind::StdinTwice => f.write_str("`-` (standard input) given more than once"),
            ErrorKind::Usage(message) => f.write_str(message),
            ErrorKind::Manifest { path, source } => {
                write!(f, "{}: {}", path.display(), input::describe_io(source))
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            ErrorKind::OutputDir { source, .. }
            | ErrorKind::Stdout(source)
            | ErrorKind::Manifest { source, .. } => Some(source),
            ErrorKind::StdinTwice | ErrorKind::Usage(_) => None,
        }
    }
}

/// Run a parsed command line. `stdin` feeds the `-` input; records go to `stdout` (unless
/// `-o`); warnings and per-input errors go to `stderr`.
///
/// A closed `stdout` (broken pipe) ends the run quietly with the status so far. Errors
/// writing to `stderr` are ignored: there is nowhere left to report them.
pub fn run(
    cli: &Cli,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Status, Error> {
    run_with_progress(cli, stdin, stdout, stderr, false)
}

/// [`run`], with a progress bar on the process's standard error when `progress` (the
/// binary passes whether standard error is a terminal). Warnings go through `stderr` as
/// usual, drawn above the bar.
pub fn run_with_progress(
    cli: &Cli,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    progress: bool,
) -> Result<Status, Error> {
    match &cli.command {
        Command::Extract(args) => extract(args, stdin, stdout, stderr, progress),
        Command::WorkerPdf(args) => Ok(match worker::worker_main(args, stdin, stdout) {
            0 => Status::Success,
            _ => Status::SomeFailed,
        }),
        Command::Schema => {
            let mut schema = annex_emit::record_schema_json();
            if !schema.ends_with('\n') {
                schema.push('\n');
            }
            match stdout
                .write_all(schema.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => Ok(Status::Success),
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(Status::Success),
                Err(err) => Err(ErrorKind::Stdout(err).into()),
            }
        }
    }
}

/// A run that could stop early: why.
enum Stop {
    /// The reader of standard output went away: not an error.
    Closed,
    /// Something that ends the run (exit code 2).
    Fatal(Error),
}

fn extract(
    args: &ExtractArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    progress: bool,
) -> Result<Status, Error> {
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(ErrorKind::StdinTwice.into());
    }
    let select = input::Select::new(&args.glob).map_err(ErrorKind::Usage)?;
    let mode = match (&args.output, args.from_stdin) {
        (_, true) => Mode::Cluster,
        (Some(_), false) => Mode::Batch,
        (None, false) => Mode::Stream,
    };
    let format = args.format.unwrap_or(if mode == Mode::Batch {
        Format::Json
    } else {
        Format::Jsonl
    });
    let jobs = args.jobs.map_or_else(
        || {
            if mode == Mode::Cluster {
                1
            } else {
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
            }
        },
        usize::from,
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // The text pipeline is linear and iterative; the headroom is for the grammar on
        // a pathological input, which must not take the whole batch down.
        .stack_size(32 << 20)
        .thread_name(|i| format!("annex-{i}"))
        .build()
        .map_err(|e| ErrorKind::Usage(format!("cannot start {jobs} threads: {e}")))?;

    let mut manifest = None;
    let mut earlier = BTreeMap::new();
    if let Some(dir) = &args.output {
        std::fs::create_dir_all(dir).map_err(|source| ErrorKind::OutputDir {
            path: dir.clone(),
            source,
        })?;
        let mut m = Manifest::open(dir).map_err(|source| ErrorKind::Manifest {
            path: dir.join(manifest::MANIFEST),
            source,
        })?;
        if m.dropped > 0 && !args.quiet {
            let _ = writeln!(
                stderr,
                "annex: note: {}: {} unreadable line(s) dropped (an interrupted run); those inputs are redone",
                dir.join(manifest::MANIFEST).display(),
                m.dropped
            );
        }
        earlier = m.take_earlier();
        manifest = Some(m);
    }
    let settings = Arc::new(Settings {
        mode,
        format,
        pretty: args.pretty,
        quiet: args.quiet,
        force: args.force,
        max_bytes: args.max_bytes,
        limits: Limits {
            timeout: args.pdf_timeout,
            memory: args.pdf_memory,
        },
        shape: args.shape,
        explain: args.explain,
        dir: args.output.clone(),
        earlier,
        spare: job::Spare::default(),
    });

    let mut state = Emitter {
        settings: Arc::clone(&settings),
        stdout,
        stderr,
        manifest,
        report: Report::new(),
        skipped: 0,
        stop: None,
        bar: None,
    };
    if mode == Mode::Stream && format == Format::Csv {
        let header = export::header(args.excel);
        if let Err(stop) = state.write_stdout(&header) {
            return finish_stopped(stop, Status::Success);
        }
    }
    let work = {
        let settings = Arc::clone(&settings);
        Arc::new(move |job: Job| job::process(job, &settings))
    };
    // How many inputs may be in flight or waiting to be written, and how many the writer
    // waits for at a time. With one worker, four at a time while four more are queued: a
    // wake-up of this thread per four inputs rather than per input (2.5 % less CPU time
    // on the 500-file corpus). With N workers, 2N at a time while 2N more are queued: with
    // two workers on two cores, each wake-up of this thread takes a core from a worker
    // (two context switches); woken per input, that was about 1,000 context switches on
    // the 500-file corpus, now about 270, and 6 % less CPU time (task-clock medians of 25
    // interleaved runs, 235.7 -> 222.2 ms).
    let (window, batch) = if jobs == 1 {
        (8, 4)
    } else {
        (jobs * 4, jobs * 2)
    };
    if mode == Mode::Cluster {
        let mut lines = io::BufReader::new(stdin);
        let jobs = std::iter::from_fn(move || cluster_job(&mut lines));
        engine::ordered(&pool, window, batch, jobs, &work, |done| {
            state.emit_and_recycle(done)
        });
    } else {
        let inputs: Vec<_> = args
            .inputs
            .iter()
            .flat_map(|arg| input::expand(arg, &select))
            .collect();
        if progress && !args.quiet {
            state.bar = Some(progress_bar(inputs.len() as u64));
        }
        let mut stems = Stems::default();
        let max_bytes = args.max_bytes;
        let jobs = inputs.into_iter().map(|input| match input {
            Err(err) => Job {
                label: err.label,
                source: Source::Failed(err.reason),
                stem: String::new(),
                id: None,
            },
            Ok(input) => Job {
                label: input.label(),
                // Claimed in input order, whether or not the input turns out readable,
                // so that its file names never depend on another input.
                stem: if mode == Mode::Batch && format == Format::Json {
                    stems.claim(&input.raw_stem())
                } else {
                    String::new()
                },
                source: match input {
                    Input::Stdin => Source::Read(input::read(&Input::Stdin, stdin, max_bytes)),
                    Input::File(path) => Source::File(path),
                },
                id: None,
            },
        });
        engine::ordered(&pool, window, batch, jobs, &work, |done| {
            state.emit_and_recycle(done)
        });
    }
    if let Some(bar) = state.bar.take() {
        bar.finish_and_clear();
    }
    let status = if mode == Mode::Cluster || state.report.not_ok() == 0 {
        Status::Success
    } else {
        Status::SomeFailed
    };
    if let Some(stop) = state.stop.take() {
        return finish_stopped(stop, status);
    }
    if let (Some(m), Some(dir)) = (state.manifest.take(), &args.output) {
        let fail = |source: io::Error| -> Error {
            ErrorKind::Manifest {
                path: dir.clone(),
                source,
            }
            .into()
        };
        m.finish().map_err(fail)?;
        if format != Format::Json {
            combine(dir, format, args.excel).map_err(fail)?;
        }
        output::write_atomic(dir, manifest::REPORT, state.report.to_json().as_bytes())
            .map_err(fail)?;
    }
    if !args.quiet && (mode != Mode::Stream || state.report.inputs > 1) {
        let skipped = match state.skipped {
            0 => String::new(),
            n => format!(" ({n} already done, skipped)"),
        };
        let _ = writeln!(state.stderr, "annex: {}{skipped}", state.report.summary());
    }
    Ok(status)
}

fn finish_stopped(stop: Stop, status: Status) -> Result<Status, Error> {
    match stop {
        Stop::Closed => Ok(status),
        Stop::Fatal(err) => Err(err),
    }
}

/// The writer side of a run: everything that must happen once per input, in input order.
struct Emitter<'a> {
    settings: Arc<Settings>,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
    manifest: Option<Manifest>,
    report: Report,
    skipped: u64,
    stop: Option<Stop>,
    bar: Option<indicatif::ProgressBar>,
}

impl Emitter<'_> {
    /// [`Self::emit`], then hand the input's output buffer back to the workers (see
    /// [`job::Spare`]).
    fn emit_and_recycle(&mut self, done: Done) -> ControlFlow<()> {
        let flow = self.emit(&done);
        self.settings.spare.give(done.stdout);
        flow
    }

    fn emit(&mut self, done: &Done) -> ControlFlow<()> {
        if !done.stderr.is_empty() {
            let stderr = &mut *self.stderr;
            let mut print = || {
                for line in &done.stderr {
                    let _ = writeln!(stderr, "{line}");
                }
            };
            match &self.bar {
                Some(bar) => bar.suspend(print),
                None => print(),
            }
        }
        if self.settings.mode != Mode::Batch {
            if let Err(stop) = self.write_stdout(&done.stdout) {
                self.stop = Some(stop);
                return ControlFlow::Break(());
            }
        }
        let appended = match &mut self.manifest {
            Some(m) => m.append(&done.line),
            None => Ok(()),
        };
        if let Err(source) = appended {
            let path = self
                .settings
                .dir
                .clone()
                .unwrap_or_default()
                .join(manifest::MANIFEST);
            self.stop = Some(Stop::Fatal(ErrorKind::Manifest { path, source }.into()));
            return ControlFlow::Break(());
        }
        self.report.add(&done.line);
        self.skipped += u64::from(done.skipped);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("{} tables", self.report.tables));
        }
        ControlFlow::Continue(())
    }

    /// Write and flush: per input, so that a long batch streams and a closed pipe is
    /// noticed before the next input.
    fn write_stdout(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        self.stdout
            .write_all(bytes)
            .and_then(|()| self.stdout.flush())
            .map_err(|err| {
                if err.kind() == io::ErrorKind::BrokenPipe {
                    Stop::Closed
                } else {
                    Stop::Fatal(ErrorKind::Stdout(err).into())
                }
            })
    }
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{wide_bar} {pos}/{len} files, {msg}, {per_sec}, ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message("0 tables");
    bar
}

/// The next job of cluster mode: one line of standard input, a path or
/// `{"id": …, "path": "…"}`. Blank lines are skipped; `None` at the end of input.
fn cluster_job(lines: &mut dyn BufRead) -> Option<Job> {
    let mut raw = String::new();
    loop {
        raw.clear();
        match lines.read_line(&mut raw) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if !line.trim_start().starts_with('{') {
            return Some(Job {
                label: line.to_owned(),
                source: Source::File(PathBuf::from(line)),
                stem: String::new(),
                id: None,
            });
        }
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        let (id, path) = match &parsed {
            Ok(v) => (v.get("id").cloned(), v.get("path").and_then(|p| p.as_str())),
            Err(_) => (None, None),
        };
        return Some(match path {
            Some(path) => Job {
                label: path.to_owned(),
                source: Source::File(PathBuf::from(path)),
                stem: String::new(),
                id,
            },
            None => Job {
                label: line.to_owned(),
                source: Source::Failed("not a path nor a {\"id\",\"path\"} json object".to_owned()),
                stem: String::new(),
                id,
            },
        });
    }
}

/// Build `records.jsonl` or `indicators.csv` from the parts of this run's inputs, in the
/// manifest's (input) order, streaming, then rename it into place.
fn combine(dir: &Path, format: Format, excel: bool) -> io::Result<()> {
    let name = if format == Format::Csv {
        "indicators.csv"
    } else {
        "records.jsonl"
    };
    let mut out = output::AtomicFile::create(dir, name)?;
    if format == Format::Csv {
        out.write_all(&export::header(excel))?;
    }
    let manifest = io::BufReader::new(std::fs::File::open(dir.join(manifest::MANIFEST))?);
    for line in manifest.lines() {
        let line: manifest::Line = serde_json::from_str(&line?)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        if line.tables > 0 && line.outcome != manifest::Outcome::Error {
            let mut part = std::fs::File::open(dir.join(job::part_name(&line.path, format)))?;
            io::copy(&mut part, &mut out)?;
        }
    }
    out.commit()
}

/// Every warning of an input, the records' and the file's, merged in source order.
///
/// The sort is stable and keyed on the source position only, so warnings at one line keep
/// the order the pipeline gave them; warnings without a position come first (they are
/// about the whole file, e.g. its encoding).
pub(crate) fn warnings_in_source_order<'a>(
    records: &'a [Record],
    file: &'a [Warning],
) -> Vec<&'a Warning> {
    let mut all: Vec<&Warning> = records
        .iter()
        .flat_map(|r| r.warnings.iter())
        .chain(file.iter())
        .collect();
    all.sort_by_key(|w| (w.line.is_some() || w.page.is_some(), w.line, w.page));
    all
}

/// `path:line: warning[code]: message`, or `path:page N: …` when only the page is known,
/// or `path: …` when nothing is.
pub(crate) fn format_warning(label: &str, warning: &Warning) -> String {
    let position = match (warning.line, warning.page) {
        (Some(line), _) => format!(":{line}"),
        (None, Some(page)) => format!(":page {page}"),
        (None, None) => String::new(),
    };
    // A message quotes source text; a stray control character must not break the
    // one-warning-per-line format that tools grep.
    let message: String = warning
        .message
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() && c != '\t' {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    format!("{label}{position}: warning[{}]: {message}", warning.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use annex_normalize::WarningCode;
    use clap::Parser;

    fn warning(line: Option<u32>, page: Option<u32>, message: &str) -> Warning {
        Warning {
            code: WarningCode::UnparsedLine,
            message: message.to_owned(),
            line,
            page,
        }
    }

    #[test]
    fn warning_positions() {
        let w = warning(Some(12), None, "line 12 not read: `x`");
        assert_eq!(
            format_warning("a.txt", &w),
            "a.txt:12: warning[unparsed_line]: line 12 not read: `x`"
        );
        let w = warning(Some(12), Some(2), "m");
        assert_eq!(
            format_warning("a.txt", &w),
            "a.txt:12: warning[unparsed_line]: m"
        );
        let w = warning(None, Some(3), "m");
        assert_eq!(
            format_warning("a.pdf", &w),
            "a.pdf:page 3: warning[unparsed_line]: m"
        );
        let w = warning(None, None, "m");
        assert_eq!(format_warning("-", &w), "-: warning[unparsed_line]: m");
        let w = warning(Some(1), None, "a\nb\tc");
        assert_eq!(
            format_warning("x", &w),
            "x:1: warning[unparsed_line]: a\\nb\tc"
        );
    }

    #[test]
    fn warnings_sort_by_source_position_stably() {
        let file = [
            warning(Some(5), None, "file 5"),
            warning(None, None, "file none"),
        ];
        let order: Vec<&str> = warnings_in_source_order(&[], &file)
            .into_iter()
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(order, ["file none", "file 5"]);
    }

    /// A writer whose reader has gone away.
    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("annex").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn schema_to_a_closed_pipe_is_success() {
        let mut err = Vec::new();
        let status = run(
            &cli(&["schema"]),
            &mut io::empty(),
            &mut ClosedPipe,
            &mut err,
        );
        assert!(matches!(status, Ok(Status::Success)));
        assert!(err.is_empty());
    }

    #[test]
    fn extract_to_a_closed_pipe_is_success() {
        let mut stdin: &[u8] = include_bytes!("../../../samples/pingluo-2024-annex2.txt");
        let mut err = Vec::new();
        let status = run(
            &cli(&["extract", "-q", "-"]),
            &mut stdin,
            &mut ClosedPipe,
            &mut err,
        );
        assert!(matches!(status, Ok(Status::Success)));
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    }

    #[test]
    fn stdin_without_tables_is_a_warning_and_not_ok() {
        let mut stdin: &[u8] = b"nothing to see\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(&cli(&["extract", "-"]), &mut stdin, &mut out, &mut err);
        // Outcome `no_tables`: not an error, but not `ok` either (exit 1).
        assert!(matches!(status, Ok(Status::SomeFailed)));
        assert!(out.is_empty());
        let err = String::from_utf8_lossy(&err);
        assert!(
            err.contains("-: warning[no_tables]: no 部门项目支出预算绩效目标表 found"),
            "{err}"
        );
    }

    #[test]
    fn quiet_hides_warnings() {
        let mut stdin: &[u8] = b"nothing to see\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(
            &cli(&["extract", "--quiet", "-"]),
            &mut stdin,
            &mut out,
            &mut err,
        );
        assert!(matches!(status, Ok(Status::SomeFailed)));
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    }

    #[test]
    fn stdin_twice_is_refused() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(
            &cli(&["extract", "-", "-"]),
            &mut io::empty(),
            &mut out,
            &mut err,
        );
        assert!(matches!(status, Err(e) if matches!(e.kind(), ErrorKind::StdinTwice)));
    }

    #[test]
    fn missing_input_fails_but_others_run() {
        let mut stdin: &[u8] = b"x\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(
            &cli(&["extract", "/nonexistent/annex-missing.txt", "-"]),
            &mut stdin,
            &mut out,
            &mut err,
        );
        assert!(matches!(status, Ok(Status::SomeFailed)));
        let err = String::from_utf8_lossy(&err);
        assert!(
            err.contains("annex: error: /nonexistent/annex-missing.txt: no such file or directory"),
            "{err}"
        );
        assert!(err.contains("-: warning[no_tables]"), "{err}");
    }
}
