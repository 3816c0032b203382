//! The whole bad corpus (issue 6, "done when"): every bad text input and every bad PDF of
//! `../shared/corpus/bad/` (copied into `crates/annex-normalize/tests/fixtures/bad-text/`
//! and `tests/fixtures/bad-pdf/`), plus copies of the sample under hostile names, through
//! ONE `annex extract … -o DIR` batch of the real binary.
//!
//! Asserted: the process exits normally (0 or 1, never a signal); the manifest has exactly
//! one outcome per input; every file the run wrote is inside `DIR`, none is a leftover
//! temporary; and time and peak memory stay within the bounds below.
//!
//! Peak memory is the high-water mark (`VmHWM` in `/proc/<pid>/status`) of the batch
//! process and of every PDF worker it starts, sampled every few milliseconds while they
//! run: `VmHWM` only grows, so a sample taken before a process exits holds its peak so far.
//! A worker that starts and exits between two samples can be missed; those are the quick
//! ones, and the memory cap (`--pdf-memory`, `RLIMIT_AS`) bounds every worker anyway. The
//! test measures on Linux only (it needs `/proc`); elsewhere it checks everything else.

// In tests a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Wall-clock bound for the whole batch (debug build, two jobs). The slowest inputs are
/// the PDFs that hang a reader (an xref stream with a 2^63 index): each costs the
/// `--pdf-timeout` below.
const TIME_BOUND: Duration = Duration::from_secs(90);
/// Per-PDF timeout given to the batch.
const PDF_TIMEOUT: &str = "5s";
/// Address-space cap of each PDF worker given to the batch (the 2 GiB flate bomb must hit
/// it, or the timeout, never the machine).
const PDF_MEMORY: &str = "1GiB";
/// Peak resident memory of the batch process itself.
const PARENT_RSS_BOUND_KIB: u64 = 512 * 1024;
/// Peak resident memory of any PDF worker (below its address-space cap).
const WORKER_RSS_BOUND_KIB: u64 = 1024 * 1024;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Names a careless output naming would turn into a path outside `-o DIR` or into a
/// hidden, reserved or unprintable file.
const HOSTILE_NAMES: &[&str] = &[
    "..txt",
    "...txt",
    ".hidden.txt",
    "..\\..\\escape.txt",
    "CON.txt",
    "a\u{1}b\u{7f}c.txt",
    "tab\tnew\nline.txt",
    " .txt",
];

fn copy_inputs(into: &Path) -> Vec<PathBuf> {
    fs::create_dir_all(into).unwrap();
    let mut inputs = Vec::new();
    for dir in [
        repo().join("crates/annex-normalize/tests/fixtures/bad-text"),
        repo().join("tests/fixtures/bad-pdf"),
    ] {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                !name.starts_with('.') && name != "SOURCES.md"
            })
            .collect();
        entries.sort();
        for from in entries {
            let to = into.join(from.file_name().unwrap());
            fs::copy(&from, &to).unwrap();
            inputs.push(to);
        }
    }
    let sample = repo().join("samples/pingluo-2024-annex2.txt");
    for name in HOSTILE_NAMES {
        let to = into.join(name);
        fs::copy(&sample, &to).unwrap();
        inputs.push(to);
    }
    // A good PDF among the bad ones: the worker's limits must not stop it.
    let to = into.join(GOOD_PDF);
    fs::copy(repo().join("samples/pdf/seed-fpdf2.pdf"), &to).unwrap();
    inputs.push(to);
    inputs
}

/// The name of the good PDF in the batch (a copy of a seed PDF).
const GOOD_PDF: &str = "good-seed-fpdf2.pdf";

/// Every file below `dir`, relative to it.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// `VmHWM` of a process in KiB, if it still exists.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| {
            fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| {
                // `pid (comm) state ppid …`: comm may hold spaces, so split after `)`.
                s.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(pid)
            })
        })
        .collect()
}

#[test]
fn the_whole_bad_corpus_in_one_batch_ends_with_one_outcome_each_in_bounds() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-corpus");
    let _ = fs::remove_dir_all(&root);
    let (input_dir, out) = (root.join("in"), root.join("out"));
    let inputs = copy_inputs(&input_dir);
    assert!(
        inputs.len() >= 15 + 52,
        "corpus incomplete: {}",
        inputs.len()
    );

    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_annex"))
        .env_remove(annex_cli::TEST_HOOK)
        .args(["extract", "-q", "-j", "2", "--pdf-timeout", PDF_TIMEOUT])
        .args(["--pdf-memory", PDF_MEMORY, "-o"])
        .arg(&out)
        .args(&inputs)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut parent_peak = 0u64;
    let mut worker_peaks: BTreeMap<u32, u64> = BTreeMap::new();
    let stderr = std::thread::spawn({
        let mut pipe = child.stderr.take().unwrap();
        move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut pipe, &mut s).unwrap();
            s
        }
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Some(kib) = peak_rss_kib(pid) {
            parent_peak = parent_peak.max(kib);
        }
        for w in children_of(pid) {
            if let Some(kib) = peak_rss_kib(w) {
                let peak = worker_peaks.entry(w).or_default();
                *peak = (*peak).max(kib);
            }
        }
        if start.elapsed() > TIME_BOUND * 2 {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let stderr = stderr.join().unwrap();
    let worst_worker = worker_peaks.values().copied().max().unwrap_or(0);
    eprintln!(
        "bad corpus: {} inputs in {took:?}, exit {status}; peak RSS: batch {parent_peak} KiB, \
         {} workers seen, largest {worst_worker} KiB",
        inputs.len(),
        worker_peaks.len()
    );

    // The process ended by itself, with "some inputs failed".
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "exit {status}\n{stderr}"
    );
    assert!(
        took < TIME_BOUND,
        "the batch took {took:?} (bound {TIME_BOUND:?})"
    );

    // Exactly one outcome per input.
    let manifest: Vec<Value> = fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("manifest line is JSON"))
        .collect();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in &manifest {
        seen.entry(line["path"].as_str().unwrap().to_owned())
            .or_default()
            .push(line["outcome"].as_str().unwrap().to_owned());
    }
    for input in &inputs {
        let key = input.to_string_lossy().into_owned();
        let got = seen.remove(&key).unwrap_or_default();
        assert_eq!(got.len(), 1, "{key}: outcomes {got:?}\n{stderr}");
    }
    assert!(seen.is_empty(), "outcomes for inputs never given: {seen:?}");
    assert_eq!(manifest.len(), inputs.len());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &manifest {
        *counts.entry(line["outcome"].as_str().unwrap()).or_default() += 1;
    }
    eprintln!("bad corpus outcomes: {counts:?}");
    for line in &manifest {
        let o = line["outcome"].as_str().unwrap();
        let failed = !["ok", "partial", "no_tables"].contains(&o);
        assert_eq!(failed, line["error"].is_string(), "{line}");
    }
    // The hostile names are the sample: 12 tables each; so is the good PDF, read under
    // the same memory and time limits as the hostile ones.
    let good = manifest
        .iter()
        .find(|l| l["path"].as_str().unwrap().ends_with(GOOD_PDF))
        .unwrap();
    assert_eq!(good["outcome"], "ok", "{good}\n{stderr}");
    assert_eq!(good["tables"], 12, "{good}");
    for line in &manifest {
        let path = line["path"].as_str().unwrap();
        if HOSTILE_NAMES.iter().any(|n| path.ends_with(n)) {
            assert_eq!(line["tables"], 12, "{line}");
        }
    }

    // Nothing written outside `out` (the only other thing under `root` is the input
    // folder, unchanged), and no temporary left behind.
    let mut top: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["in", "out"]);
    assert_eq!(files_below(&input_dir).len(), inputs.len());
    let written = files_below(&out);
    for f in &written {
        let name = f.to_string_lossy();
        assert_eq!(f.components().count(), 1, "output in a subfolder: {name:?}");
        assert!(
            !name.starts_with('.'),
            "hidden or temporary file left: {name:?}"
        );
        assert!(
            !name
                .chars()
                .any(|c| c.is_control() || "\\/:*?\"<>|".contains(c)),
            "unsafe output name {name:?}"
        );
    }
    let records = written
        .iter()
        .filter(|f| {
            f.extension().is_some_and(|e| e == "json") && f.to_string_lossy() != "report.json"
        })
        .count();
    let tables: u64 = manifest.iter().filter_map(|l| l["tables"].as_u64()).sum();
    assert_eq!(records as u64, tables, "one file per table: {written:?}");

    if Path::new("/proc/self/status").exists() {
        assert!(parent_peak > 0, "no memory sample of the batch process");
        assert!(
            parent_peak < PARENT_RSS_BOUND_KIB,
            "batch peak RSS {parent_peak} KiB (bound {PARENT_RSS_BOUND_KIB} KiB)"
        );
        assert!(
            worst_worker < WORKER_RSS_BOUND_KIB,
            "worker peak RSS {worst_worker} KiB (bound {WORKER_RSS_BOUND_KIB} KiB): {worker_peaks:?}"
        );
    }
}

/// An output that cannot be written (its name is taken by a folder) is an error outcome of
/// that input; no temporary file is left behind and the other input is still written.
#[test]
fn a_failed_write_leaves_no_temporary_and_the_batch_goes_on() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-write");
    let _ = fs::remove_dir_all(&root);
    let (input_dir, out) = (root.join("in"), root.join("out"));
    fs::create_dir_all(&input_dir).unwrap();
    let sample = repo().join("samples/pingluo-2024-annex2.txt");
    fs::copy(&sample, input_dir.join("a.txt")).unwrap();
    fs::copy(&sample, input_dir.join("b.txt")).unwrap();
    fs::create_dir_all(out.join("a.03.json")).unwrap();
    let res = Command::new(env!("CARGO_BIN_EXE_annex"))
        .env_remove(annex_cli::TEST_HOOK)
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(input_dir.join("a.txt"))
        .arg(input_dir.join("b.txt"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a.txt"),
        "the error names the input: {stderr}"
    );
    let written = files_below(&out);
    assert!(
        written
            .iter()
            .all(|f| !f.to_string_lossy().starts_with('.')),
        "temporary left: {written:?}"
    );
    let b_files = written
        .iter()
        .filter(|f| f.to_string_lossy().starts_with("b."))
        .count();
    assert_eq!(b_files, 12, "{written:?}");
    let manifest = fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let outcomes: Vec<(String, String)> = manifest
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let path = v["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            (path, v["outcome"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("a.txt".into(), "error".into()),
            ("b.txt".into(), "ok".into())
        ]
    );
}

/// `--max-bytes` in a batch: the input over it is one error outcome naming the limit, the
/// others are read.
#[test]
fn max_bytes_in_a_batch_is_one_error_outcome() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-max-bytes");
    let _ = fs::remove_dir_all(&root);
    let out = root.join("out");
    let bad = repo().join("crates/annex-normalize/tests/fixtures/bad-text");
    let res = Command::new(env!("CARGO_BIN_EXE_annex"))
        .env_remove(annex_cli::TEST_HOOK)
        .args(["extract", "-q", "--max-bytes", "100K", "-o"])
        .arg(&out)
        .arg(bad.join("long_cell.tsv"))
        .arg(bad.join("seed_crlf.txt"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("long_cell.tsv: larger than --max-bytes (102400 bytes)"),
        "{stderr}"
    );
    let manifest: Vec<Value> = fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(manifest.len(), 2);
    assert_eq!(manifest[0]["outcome"], "error");
    assert_eq!(manifest[1]["outcome"], "ok");
}
