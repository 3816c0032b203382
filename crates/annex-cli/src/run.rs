//! The batch driver: every input through the pipeline, records to their sink, warnings and
//! errors to standard error, and the exit status.
//!
//! Everything here writes to the `Write`rs it is given, so tests drive it in memory.

use std::fmt;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use annex_grammar::Record;
use annex_normalize::Warning;

use crate::args::{Cli, Command, ExtractArgs};
use crate::input::{self, Input};
use crate::output::{self, Stems};

/// How a run ended, when it could run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input was read and every record written (some inputs may hold no table).
    Success,
    /// Some input could not be read, or some record could not be written; the others were.
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
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            ErrorKind::OutputDir { source, .. } | ErrorKind::Stdout(source) => Some(source),
            ErrorKind::StdinTwice => None,
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
    match &cli.command {
        Command::Extract(args) => extract(args, stdin, stdout, stderr),
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

/// Where the records of a run go.
enum Sink<'a> {
    /// JSON Lines (or pretty records, one after another) on standard output.
    Stream(&'a mut dyn Write),
    /// One file per table in a directory.
    Dir { dir: &'a Path, stems: Stems },
}

/// Why writing stopped.
enum Stop {
    /// The reader of standard output went away: not an error.
    Closed,
    /// Standard output failed otherwise.
    Fatal(Error),
}

fn stream_error(err: io::Error) -> Stop {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Stop::Closed
    } else {
        Stop::Fatal(ErrorKind::Stdout(err).into())
    }
}

fn extract(
    args: &ExtractArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Status, Error> {
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(ErrorKind::StdinTwice.into());
    }
    let mut sink = match &args.output {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| ErrorKind::OutputDir {
                path: dir.clone(),
                source,
            })?;
            Sink::Dir {
                dir,
                stems: Stems::default(),
            }
        }
        None => Sink::Stream(stdout),
    };
    let mut status = Status::Success;
    for arg in &args.inputs {
        for input in input::expand(arg) {
            let outcome = match input {
                Ok(input) => extract_one(args, &input, stdin, &mut sink, stderr),
                Err(err) => {
                    report_error(stderr, &err.label, &err.reason);
                    Ok(Status::SomeFailed)
                }
            };
            match outcome {
                Ok(Status::Success) => {}
                Ok(Status::SomeFailed) => status = Status::SomeFailed,
                Err(Stop::Closed) => return Ok(status),
                Err(Stop::Fatal(err)) => return Err(err),
            }
        }
    }
    Ok(status)
}

/// One input: read, run the pipeline, report warnings, write records.
fn extract_one(
    args: &ExtractArgs,
    input: &Input,
    stdin: &mut dyn Read,
    sink: &mut Sink<'_>,
    stderr: &mut dyn Write,
) -> Result<Status, Stop> {
    let label = input.label();
    // Claimed before reading, so that an input's file names do not depend on whether
    // an earlier input happened to be readable this time.
    let stem = match sink {
        Sink::Dir { stems, .. } => stems.claim(&input.raw_stem()),
        Sink::Stream(_) => String::new(),
    };
    let bytes = match input::read(input, stdin, args.max_bytes) {
        Ok(bytes) => bytes,
        Err(reason) => {
            report_error(stderr, &label, &reason);
            return Ok(Status::SomeFailed);
        }
    };
    let parsed = crate::extract_bytes(&label, &bytes);
    if !args.quiet {
        for warning in warnings_in_source_order(&parsed.records, &parsed.warnings) {
            let _ = writeln!(stderr, "{}", format_warning(&label, warning));
        }
        if parsed.records.is_empty() {
            let _ = writeln!(
                stderr,
                "{label}: warning[no_tables]: no 部门项目支出预算绩效目标表 found"
            );
        }
    }

    let mut status = Status::Success;
    let tables = parsed.records.len();
    for (index, record) in parsed.records.iter().enumerate() {
        let ordinal = index + 1;
        let text = match render(record, args.pretty) {
            Ok(text) => text,
            Err(message) => {
                report_error(stderr, &label, &format!("table {ordinal}: {message}"));
                status = Status::SomeFailed;
                continue;
            }
        };
        match sink {
            Sink::Stream(out) => {
                out.write_all(text.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(stream_error)?;
            }
            Sink::Dir { dir, .. } => {
                // Canonical files hold exactly the canonical bytes (no final newline), so
                // that a file's SHA-256 is the record's; pretty files end in a newline.
                let mut bytes = text.into_bytes();
                if args.pretty {
                    bytes.push(b'\n');
                }
                let name = output::table_file_name(&stem, ordinal, tables);
                if let Err(err) = output::write_atomic(dir, &name, &bytes) {
                    let path = dir.join(&name);
                    report_error(stderr, &path.to_string_lossy(), &input::describe_io(&err));
                    status = Status::SomeFailed;
                }
            }
        }
    }
    if let Sink::Stream(out) = sink {
        // Flushed per input so that a long batch streams, and so that a closed pipe is
        // noticed before the next input is read.
        out.flush().map_err(stream_error)?;
    }
    Ok(status)
}

/// One record as text, without a final newline.
fn render(record: &Record, pretty: bool) -> Result<String, String> {
    let text = if pretty {
        annex_emit::to_pretty(record)
    } else {
        annex_emit::to_canonical(record)
    };
    text.map(|t| t.trim_end_matches('\n').to_owned())
        .map_err(|e| error_chain(&e))
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

fn report_error(stderr: &mut dyn Write, label: &str, reason: &str) {
    let _ = writeln!(stderr, "annex: error: {label}: {reason}");
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
    fn stdin_without_tables_is_a_warning_not_an_error() {
        let mut stdin: &[u8] = b"nothing to see\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(&cli(&["extract", "-"]), &mut stdin, &mut out, &mut err);
        assert!(matches!(status, Ok(Status::Success)));
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
        assert!(matches!(status, Ok(Status::Success)));
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
