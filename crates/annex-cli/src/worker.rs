//! PDFs are read in a child process: the same binary, hidden subcommand `__worker-pdf`.
//!
//! `catch_unwind` is not enough against hostile PDFs: a stack overflow or an allocation
//! failure aborts the whole process, and some files make a reader loop forever (see
//! `../shared/corpus/bad/SOURCES.md`). So the parent ([`read_pdf`]) pipes the bytes to a
//! child, which ([`worker_main`]):
//!
//! - lowers its address-space limit (`RLIMIT_AS`, `--pdf-memory`) so a decompression bomb
//!   fails an allocation instead of taking the machine, and its CPU limit (`RLIMIT_CPU`)
//!   as a backstop should the parent die and no longer enforce the timeout;
//! - reads the PDF on a thread with a 256 MiB stack (deeply nested documents), under
//!   `catch_unwind`;
//! - writes one JSON object to its stdout: the lines and warnings, or the error.
//!
//! The parent kills the child after `--pdf-timeout` and maps how it ended to exactly one
//! [`Outcome`]: its reply (`ok`, `no_text_layer`, `error`, `panic`), `timeout`, `oom`
//! (an abort after `memory allocation of N bytes failed` on its stderr), or `crash` (any
//! other signal, an unreadable reply). The grammar runs in the parent on the lines.
//!
//! For tests, the child honours `ANNEX_WORKER_TEST` (and nothing else does): `panic`,
//! `sleep` (an hour), `abort`, `alloc` (allocate 64 GiB), `overflow` (endless recursion).

use std::io::{self, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use annex_normalize::{Line, Warning, WarningCode};
use serde::{Deserialize, Serialize};

use crate::args::WorkerArgs;
use crate::manifest::Outcome;

/// Stack of the thread that reads the PDF in the child.
const WORKER_STACK: usize = 256 << 20;
/// The environment variable that makes the worker misbehave, for tests.
pub const TEST_HOOK: &str = "ANNEX_WORKER_TEST";
/// How much of the child's stderr the parent keeps (its end: where an abort says why).
const STDERR_KEEP: usize = 16 << 10;

/// What the child writes on its stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    /// The PDF's lines.
    Lines {
        pages: u32,
        lines: Vec<WireLine>,
        warnings: Vec<WireWarning>,
    },
    /// No lines: why.
    Failed { outcome: Outcome, message: String },
}

#[derive(Debug, Serialize, Deserialize)]
struct WireLine(String, u32, u32, Option<u32>);

#[derive(Debug, Serialize, Deserialize)]
struct WireWarning {
    code: String,
    message: String,
    line: Option<u32>,
    page: Option<u32>,
}

/// A PDF read by the worker: lines ready for the grammar.
#[derive(Debug)]
pub(crate) struct PdfRead {
    /// Canonicalized lines, with pages.
    pub(crate) lines: Vec<Line>,
    /// The reader's warnings.
    pub(crate) warnings: Vec<Warning>,
}

/// Limits for one PDF.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Wall clock.
    pub(crate) timeout: Duration,
    /// Address space in bytes; 0 for none.
    pub(crate) memory: u64,
}

/// Read one PDF in a worker process. `Err` carries the outcome and a message.
pub(crate) fn read_pdf(bytes: &[u8], limits: Limits) -> Result<PdfRead, (Outcome, String)> {
    let exe = std::env::current_exe()
        .map_err(|e| (Outcome::Error, format!("cannot find the annex binary: {e}")))?;
    // CPU seconds can only fall behind wall-clock ones (one thread), so this never fires
    // before the parent's timeout; it is there for a child whose parent has died.
    let cpu = limits.timeout.as_secs() + 5;
    let mut child = Command::new(exe)
        .args(["__worker-pdf", "-", "--memory"])
        .arg(limits.memory.to_string())
        .arg("--cpu")
        .arg(cpu.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| (Outcome::Error, format!("cannot start the pdf worker: {e}")))?;

    let start = Instant::now();
    let (status, stdout, stderr) = thread::scope(|scope| {
        let stdin = child.stdin.take();
        scope.spawn(move || {
            // A child that dies early closes the pipe: its exit status tells why.
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(bytes);
            }
        });
        let mut out_pipe = child.stdout.take();
        let stdout = scope.spawn(move || {
            let mut out = Vec::new();
            if let Some(pipe) = out_pipe.as_mut() {
                let _ = pipe.read_to_end(&mut out);
            }
            out
        });
        let mut err_pipe = child.stderr.take();
        let stderr = scope.spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 8192];
            while let Some(Ok(n @ 1..)) = err_pipe.as_mut().map(|p| p.read(&mut buf)) {
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > 2 * STDERR_KEEP {
                    kept.drain(..kept.len() - STDERR_KEEP);
                }
            }
            kept
        });
        let status = wait_until(&mut child, start + limits.timeout);
        (
            status,
            stdout.join().unwrap_or_default(),
            stderr.join().unwrap_or_default(),
        )
    });
    let stderr = String::from_utf8_lossy(&stderr);
    match status {
        Waited::TimedOut => Err((
            Outcome::Timeout,
            format!(
                "no result after {} (--pdf-timeout); the pdf worker was killed",
                human_duration(limits.timeout)
            ),
        )),
        Waited::Failed(err) => Err((Outcome::Error, format!("pdf worker: {err}"))),
        Waited::Exited(status) => classify(status, &stdout, &stderr, limits),
    }
}

enum Waited {
    Exited(ExitStatus),
    TimedOut,
    Failed(io::Error),
}

/// Wait for the child until `deadline`, then kill it. Polls, backing off to 20 ms: no
/// timer thread, no signal handler, and a fast PDF costs a millisecond at most.
fn wait_until(child: &mut std::process::Child, deadline: Instant) -> Waited {
    let mut nap = Duration::from_micros(500);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Waited::Exited(status),
            Ok(None) => {}
            Err(err) => return Waited::Failed(err),
        }
        let now = Instant::now();
        if now >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Waited::TimedOut;
        }
        thread::sleep(nap.min(deadline - now));
        nap = (nap * 2).min(Duration::from_millis(20));
    }
}

fn classify(
    status: ExitStatus,
    stdout: &[u8],
    stderr: &str,
    limits: Limits,
) -> Result<PdfRead, (Outcome, String)> {
    if status.success() {
        return match serde_json::from_slice::<Reply>(stdout) {
            Ok(Reply::Lines {
                lines, warnings, ..
            }) => Ok(PdfRead {
                lines: lines
                    .into_iter()
                    .map(|WireLine(text, first, last, page)| Line {
                        text: annex_normalize::canonical_line(&text),
                        first,
                        last,
                        page,
                    })
                    .collect(),
                warnings: warnings.into_iter().map(from_wire).collect(),
            }),
            Ok(Reply::Failed { outcome, message }) => Err((outcome, message)),
            Err(err) => Err((
                Outcome::Crash,
                format!("pdf worker gave an unreadable reply: {err}"),
            )),
        };
    }
    // An allocation failure under RLIMIT_AS prints this, then aborts.
    if let Some(at) = stderr.find("memory allocation of ") {
        let what = stderr[at..].lines().next().unwrap_or_default();
        return Err((
            Outcome::Oom,
            format!(
                "{what} (--pdf-memory {} MiB)",
                limits.memory.div_ceil(1 << 20)
            ),
        ));
    }
    if stderr.contains("has overflowed its stack") {
        return Err((
            Outcome::Crash,
            "stack overflow in the pdf reader (document nested too deeply)".to_owned(),
        ));
    }
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    let cause = match signal_of(status) {
        Some(24) => {
            return Err((
                Outcome::Timeout,
                "pdf worker ran past its cpu limit and was killed".to_owned(),
            ));
        }
        Some(signal) => format!(
            "pdf worker killed by signal {signal} ({})",
            signal_name(signal)
        ),
        None => format!(
            "pdf worker exited with status {}",
            status.code().unwrap_or(-1)
        ),
    };
    let message = if last.is_empty() {
        cause
    } else {
        format!("{cause}: {last}")
    };
    Err((Outcome::Crash, message))
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(&status)
}

#[cfg(not(unix))]
fn signal_of(_: ExitStatus) -> Option<i32> {
    None
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal",
    }
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The warning codes a worker may send, by name. Codes are only ever added (their names
/// are part of the output contract); one this list does not know yet is kept as
/// `undecodable_bytes` with its name in the message rather than lost.
fn from_wire(w: WireWarning) -> Warning {
    const CODES: [WarningCode; 16] = [
        WarningCode::UndecodableBytes,
        WarningCode::ControlChars,
        WarningCode::UnclosedMarkup,
        WarningCode::PageFurniture,
        WarningCode::DuplicateHeader,
        WarningCode::JoinedLabel,
        WarningCode::ContinuedName,
        WarningCode::ValueFromNextLine,
        WarningCode::SplitCell,
        WarningCode::ShiftedRow,
        WarningCode::UnreadableMark,
        WarningCode::GoalNumbering,
        WarningCode::MissingField,
        WarningCode::MissingValue,
        WarningCode::BadNumber,
        WarningCode::UnparsedLine,
    ];
    let (code, message) = match CODES.iter().find(|c| c.as_str() == w.code) {
        Some(code) => (*code, w.message),
        None => (
            WarningCode::UndecodableBytes,
            format!("[{}] {}", w.code, w.message),
        ),
    };
    Warning {
        code,
        message,
        line: w.line,
        page: w.page,
    }
}

/// The location of the last panic in this process, set by the hook [`worker_main`]
/// installs: the payload alone (`index out of bounds`) does not say where.
static PANIC_AT: Mutex<Option<String>> = Mutex::new(None);

/// The child: read the PDF at `args.path` (`-`: stdin) and write a [`Reply`] to `stdout`.
/// Returns the exit code; only a reply that cannot be written is not 0.
pub fn worker_main(args: &WorkerArgs, stdin: &mut dyn Read, stdout: &mut dyn Write) -> u8 {
    set_limits(args.memory, args.cpu);
    let bytes = if args.path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        stdin.read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(&args.path)
    };
    let reply = match bytes {
        Err(err) => Reply::Failed {
            outcome: Outcome::Error,
            message: crate::input::describe_io(&err),
        },
        Ok(bytes) => read_in_big_thread(bytes),
    };
    let text = serde_json::to_string(&reply).unwrap_or_default();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

fn read_in_big_thread(bytes: Vec<u8>) -> Reply {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut at) = PANIC_AT.lock() {
            *at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()));
        }
    }));
    let reader = thread::Builder::new()
        .name("pdf".to_owned())
        .stack_size(WORKER_STACK)
        .spawn(move || std::panic::catch_unwind(|| extract(&bytes)));
    let joined = match reader {
        Ok(handle) => handle.join(),
        Err(err) => {
            return Reply::Failed {
                outcome: Outcome::Oom,
                message: format!("cannot start the pdf reader thread: {err}"),
            };
        }
    };
    match joined {
        Ok(Ok(reply)) => reply,
        Ok(Err(payload)) | Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let at = PANIC_AT.lock().ok().and_then(|mut a| a.take());
            Reply::Failed {
                outcome: Outcome::Panic,
                message: match at {
                    Some(at) => format!("pdf reader panicked at {at}: {what}"),
                    None => format!("pdf reader panicked: {what}"),
                },
            }
        }
    }
}

fn extract(bytes: &[u8]) -> Reply {
    test_hook();
    match annex_pdf::extract(bytes) {
        Ok(pdf) => Reply::Lines {
            pages: pdf.pages,
            lines: pdf
                .lines
                .into_iter()
                .map(|l| WireLine(l.text, l.first, l.last, l.page))
                .collect(),
            warnings: pdf
                .warnings
                .into_iter()
                .map(|w| WireWarning {
                    code: w.code.as_str().to_owned(),
                    message: w.message,
                    line: w.line,
                    page: w.page,
                })
                .collect(),
        },
        Err(err) => Reply::Failed {
            outcome: match err {
                annex_pdf::PdfError::NoTextLayer { .. } => Outcome::NoTextLayer,
                annex_pdf::PdfError::Panic(_) => Outcome::Panic,
                _ => Outcome::Error,
            },
            message: err.to_string(),
        },
    }
}

/// Misbehave on request, to test that the parent classifies each way of dying.
fn test_hook() {
    let Ok(what) = std::env::var(TEST_HOOK) else {
        return;
    };
    match what.as_str() {
        "panic" => panic!("forced by {TEST_HOOK}=panic"),
        "sleep" => thread::sleep(Duration::from_secs(3600)),
        "abort" => std::process::abort(),
        "alloc" => {
            let big = std::hint::black_box(vec![0u8; 64 << 30]);
            std::hint::black_box(&big);
        }
        "overflow" => {
            std::hint::black_box(recurse(u64::MAX));
        }
        _ => {}
    }
}

fn recurse(n: u64) -> u64 {
    let frame = std::hint::black_box([n as u8; 1024]);
    if n == 0 {
        0
    } else {
        recurse(n - 1).wrapping_add(u64::from(frame[7]))
    }
}

#[cfg(unix)]
fn set_limits(memory: u64, cpu: u64) {
    // Best effort: a limit the system refuses leaves the timeout as the guard.
    if memory > 0 {
        let _ = rlimit::Resource::AS.set(memory, memory);
    }
    if cpu > 0 {
        let _ = rlimit::Resource::CPU.set(cpu, cpu.saturating_add(5));
    }
}

#[cfg(not(unix))]
fn set_limits(_: u64, _: u64) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_comes_back_as_itself() {
        for name in [
            "undecodable_bytes",
            "unparsed_line",
            "page_furniture",
            "bad_number",
        ] {
            let w = from_wire(WireWarning {
                code: name.to_owned(),
                message: "m".to_owned(),
                line: None,
                page: Some(2),
            });
            assert_eq!(w.code.as_str(), name);
            assert_eq!(w.message, "m");
        }
        let w = from_wire(WireWarning {
            code: "brand_new".to_owned(),
            message: "m".to_owned(),
            line: None,
            page: None,
        });
        assert_eq!(w.message, "[brand_new] m");
    }

    #[test]
    fn replies_round_trip() {
        let reply = Reply::Failed {
            outcome: Outcome::NoTextLayer,
            message: "x".to_owned(),
        };
        let text = serde_json::to_string(&reply).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"failed":{"outcome":"no_text_layer","message":"x"}}"#
        );
    }
}
