//! Batch conversion at scale (issue 5) and the PDF worker (issue 4, point 3), through the
//! real binary: the same bytes whatever `-j`, a manifest that accounts for every input,
//! resumption after a kill, CSV, cluster mode, and every way a PDF worker can end.
//!
//! Inputs are copies of the reference sample plus small bad files from
//! `../shared/corpus/bad/` kept in `tests/fixtures/` (see `SOURCES.md` there).

// In tests a panic is the failure report; `expect` says what was being done.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, sample};

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// Indicator rows in the reference sample.
const SAMPLE_INDICATORS: usize = 102;
/// Copies of the sample in the batch.
const COPIES: usize = 24;

fn annex() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_annex"));
    cmd.env_remove(annex_cli::TEST_HOOK);
    cmd
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("annex-batch", name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A batch folder: `COPIES` copies of the sample and the bad text files, 30 inputs.
fn make_batch(dir: &Path) -> usize {
    let one = fs::read(sample()).unwrap();
    for i in 0..COPIES {
        fs::write(dir.join(format!("annex-{i:03}.txt")), &one).unwrap();
    }
    for (from, to) in [
        ("bad/empty.txt", "empty.txt"),
        ("bad/binary_garbage.bin", "garbage.txt"),
        ("bad/seed_gbk.txt", "seed_gbk.txt"),
        ("bad/seed_invalid_utf8.txt", "seed_invalid_utf8.txt"),
        ("bad/unclosed_tags.html", "unclosed_tags.html"),
        ("bad/latex_unclosed.tex", "latex_unclosed.md"),
    ] {
        fs::copy(fixture(from), dir.join(to)).unwrap();
    }
    COPIES + 6
}

fn manifest(out: &Path) -> Vec<Value> {
    fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("manifest line is JSON"))
        .collect()
}

/// The manifest without the one field that differs between runs.
fn manifest_without_elapsed(out: &Path) -> Vec<Value> {
    let mut lines = manifest(out);
    for line in &mut lines {
        line.as_object_mut().unwrap().remove("elapsed_ms").unwrap();
    }
    lines
}

fn outcomes(lines: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for line in lines {
        *counts
            .entry(line["outcome"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

#[test]
fn same_bytes_whatever_the_number_of_jobs() {
    let dir = scratch("jobs");
    let input = dir.join("in");
    fs::create_dir_all(&input).unwrap();
    let n = make_batch(&input);
    let missing = dir.join("missing.txt");

    let mut outs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.join(format!("out-j{jobs}"));
        let res = run(annex()
            .args(["extract", "-q", "--format", "jsonl", "-j", jobs, "-o"])
            .arg(&out)
            .arg(&input)
            .arg(&missing));
        assert_eq!(res.status.code(), Some(1), "{}", text(&res.stderr));
        outs.push(out);
    }
    for name in ["records.jsonl", "report.json"] {
        assert_eq!(
            fs::read(outs[0].join(name)).unwrap(),
            fs::read(outs[1].join(name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        manifest_without_elapsed(&outs[0]),
        manifest_without_elapsed(&outs[1])
    );

    // One manifest line per input, in input order; the outcomes add up.
    let lines = manifest(&outs[0]);
    assert_eq!(lines.len(), n + 1);
    let paths: Vec<&str> = lines.iter().map(|l| l["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted, "sorted by path bytes");
    let counts = outcomes(&lines);
    assert_eq!(counts.values().sum::<usize>(), n + 1);
    assert_eq!(counts["error"], 1, "{counts:?}"); // missing.txt
    assert!(counts["no_tables"] >= 2, "{counts:?}"); // empty, garbage
    assert!(counts["ok"] >= COPIES, "{counts:?}");
    let report: Value =
        serde_json::from_slice(&fs::read(outs[0].join("report.json")).unwrap()).unwrap();
    assert_eq!(report["inputs"], n + 1);
    let total: u64 = report["outcomes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, (n + 1) as u64);
    let records = fs::read_to_string(outs[0].join("records.jsonl")).unwrap();
    assert_eq!(
        records.lines().count() as u64,
        report["tables"].as_u64().unwrap()
    );

    // Standard output too, and the summary says how the inputs ended.
    let mut streams = Vec::new();
    for jobs in ["1", "2"] {
        let res = run(annex().args(["extract", "-j", jobs]).arg(&input));
        let err = text(&res.stderr);
        assert!(
            err.ends_with(&format!(
                "annex: {n} inputs: {} ok, {} partial, {} no_tables\n",
                counts["ok"],
                counts.get("partial").copied().unwrap_or(0),
                counts["no_tables"]
            )) || err.contains(&format!("annex: {n} inputs: ")),
            "{err}"
        );
        streams.push((res.stdout, res.stderr));
    }
    assert_eq!(streams[0], streams[1]);
    assert_eq!(text(&streams[0].0), records);
}

#[test]
fn a_killed_run_resumes_without_duplicates_or_losses() {
    let dir = scratch("resume");
    let input = dir.join("in");
    fs::create_dir_all(&input).unwrap();
    let n = make_batch(&input);
    let full = dir.join("full");
    let out = dir.join("out");
    let batch = |out: &Path, extra: &[&str]| {
        run(annex()
            .args(["extract", "-q", "--format", "csv", "-o"])
            .arg(out)
            .args(extra)
            .arg(&input))
    };
    batch(&full, &[]);

    // Interrupted: the manifest holds 10 lines and a torn eleventh, no combined file.
    batch(&out, &[]);
    let text_manifest = fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let mut kept: String = text_manifest
        .split_inclusive('\n')
        .take(10)
        .collect::<String>();
    let eleventh = text_manifest.split_inclusive('\n').nth(10).unwrap();
    kept.push_str(&eleventh[..eleventh.len() / 2]);
    fs::write(out.join("manifest.jsonl"), kept).unwrap();
    fs::remove_file(out.join("indicators.csv")).unwrap();
    fs::remove_file(out.join("report.json")).unwrap();

    let res = run(annex()
        .args(["extract", "--format", "csv", "-o"])
        .arg(&out)
        .arg(&input));
    let err = text(&res.stderr);
    assert!(err.contains("1 unreadable line(s) dropped"), "{err}");
    assert!(err.contains("(10 already done, skipped)"), "{err}");

    // Every input once, as if the run had never stopped.
    assert_eq!(manifest(&out).len(), n);
    assert_eq!(
        manifest_without_elapsed(&out),
        manifest_without_elapsed(&full)
    );
    for name in ["indicators.csv", "report.json"] {
        assert_eq!(
            fs::read(out.join(name)).unwrap(),
            fs::read(full.join(name)).unwrap(),
            "{name}"
        );
    }

    // A third run redoes nothing; --force redoes everything; same bytes either way.
    let again = batch(&out, &[]);
    assert!(
        text(&again.stderr).is_empty(),
        "quiet: {}",
        text(&again.stderr)
    );
    let res = run(annex()
        .args(["extract", "--format", "csv", "-o"])
        .arg(&out)
        .arg(&input));
    assert!(
        text(&res.stderr).contains(&format!("({n} already done, skipped)")),
        "{}",
        text(&res.stderr)
    );
    let forced = run(annex()
        .args(["extract", "--force", "--format", "csv", "-o"])
        .arg(&out)
        .arg(&input));
    assert!(
        !text(&forced.stderr).contains("already done"),
        "{}",
        text(&forced.stderr)
    );
    assert_eq!(
        fs::read(out.join("indicators.csv")).unwrap(),
        fs::read(full.join("indicators.csv")).unwrap()
    );
}

#[test]
fn csv_has_one_row_per_indicator_and_parses_back() {
    let dir = scratch("csv");
    let out = dir.join("out");
    let res = run(annex()
        .args(["extract", "-q", "--format", "csv", "--excel", "-o"])
        .arg(&out)
        .arg(sample()));
    assert_eq!(res.status.code(), Some(0), "{}", text(&res.stderr));
    let bytes = fs::read(out.join("indicators.csv")).unwrap();
    assert_eq!(&bytes[..3], b"\xef\xbb\xbf", "--excel starts with a BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "path");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), SAMPLE_INDICATORS);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("table")], "1");
    assert_eq!(&rows[0][col("fiscal_year")], "2024");
    assert!(!rows[0][col("project_name")].is_empty());
    assert!(rows.iter().all(|r| !r[col("line_start")].is_empty()));

    // The same rows on standard output, without a BOM unless asked.
    let res = run(annex()
        .args(["extract", "-q", "--format", "csv"])
        .arg(sample()));
    assert_eq!(res.stdout, &bytes[3..]);
}

#[test]
fn every_pdf_ends_in_one_outcome_and_the_batch_goes_on() {
    let dir = scratch("pdf");
    let input = dir.join("in");
    fs::create_dir_all(&input).unwrap();
    for entry in fs::read_dir(fixture("pdf")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, input.join(path.file_name().unwrap())).unwrap();
    }
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/pdf/seed-reportlab-cid.pdf"),
        input.join("seed-reportlab-cid.pdf"),
    )
    .unwrap();
    fs::copy(sample(), input.join("sample.txt")).unwrap();
    let out = dir.join("out");
    let res = run(annex()
        .args(["extract", "-q", "-j", "2", "--pdf-timeout", "2s", "-o"])
        .arg(&out)
        .arg(&input));
    assert_eq!(res.status.code(), Some(1), "{}", text(&res.stderr));
    let lines = manifest(&out);
    assert_eq!(lines.len(), 10, "{lines:#?}");
    let by_name: BTreeMap<String, &Value> = lines
        .iter()
        .map(|l| {
            let p = Path::new(l["path"].as_str().unwrap());
            (p.file_name().unwrap().to_string_lossy().into_owned(), l)
        })
        .collect();
    let outcome = |name: &str| by_name[name]["outcome"].as_str().unwrap();
    assert_eq!(outcome("sample.txt"), "ok");
    assert_eq!(outcome("seed-reportlab-cid.pdf"), "ok");
    assert_eq!(by_name["seed-reportlab-cid.pdf"]["tables"], 12);
    assert_eq!(outcome("self_valid_hello.pdf"), "no_tables");
    assert_eq!(outcome("qpdf__issue-141a.pdf"), "error");
    assert_eq!(outcome("self_html_named_pdf.pdf"), "error");
    assert_eq!(outcome("self_xrefstm_w000_huge_index.pdf"), "timeout");
    assert!(
        ["timeout", "oom"].contains(&outcome("self_flate_bomb_2GiB.pdf")),
        "{}",
        outcome("self_flate_bomb_2GiB.pdf")
    );
    for line in &lines {
        let o = line["outcome"].as_str().unwrap();
        let failed = !["ok", "partial", "no_tables"].contains(&o);
        assert_eq!(failed, line["error"].is_string(), "{line}");
    }
    // The records of a PDF carry pages.
    let record: Value =
        serde_json::from_slice(&fs::read(out.join("seed-reportlab-cid.01.json")).unwrap()).unwrap();
    assert_eq!(record["source"]["pages"]["start"], 1);
    assert!(record["source"]["lines"].is_null());
}

/// Ask the worker to misbehave (`ANNEX_WORKER_TEST`, honoured only by `__worker-pdf`) and
/// read the error record cluster mode writes for it.
fn forced(hook: &str) -> Value {
    // Short for `sleep`; generous for the others, which end on their own (filling a
    // 256 MiB stack takes a while on a loaded machine).
    let timeout = if hook == "sleep" { "1s" } else { "20s" };
    let mut child = annex()
        .args(["extract", "--from-stdin", "--pdf-timeout", timeout])
        .env(annex_cli::TEST_HOOK, hook)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let hello = fixture("pdf/self_valid_hello.pdf");
    writeln!(
        child.stdin.take().unwrap(),
        "{{\"id\":\"{hook}\",\"path\":{}}}",
        serde_json::to_string(&hello).unwrap()
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let record: Value = serde_json::from_slice(&out.stdout).expect("one error record");
    assert_eq!(record["schema"], "annex/error/v1");
    assert_eq!(record["id"], hook);
    record
}

#[test]
fn worker_deaths_are_classified() {
    let panic = forced("panic");
    assert_eq!(panic["outcome"], "panic");
    let message = panic["error"].as_str().unwrap();
    assert!(
        message.contains("forced by ANNEX_WORKER_TEST=panic"),
        "{message}"
    );
    assert!(message.contains("worker.rs:"), "where: {message}");

    assert_eq!(forced("sleep")["outcome"], "timeout");
    assert_eq!(forced("alloc")["outcome"], "oom");
    assert_eq!(forced("abort")["outcome"], "crash");
    let overflow = forced("overflow");
    assert_eq!(overflow["outcome"], "crash");
    assert!(
        overflow["error"]
            .as_str()
            .unwrap()
            .contains("stack overflow"),
        "{overflow}"
    );

    // The hook is for the worker only: text inputs never see it.
    let res = run(annex()
        .args(["extract", "-q"])
        .env(annex_cli::TEST_HOOK, "panic")
        .arg(sample()));
    assert_eq!(res.status.code(), Some(0));
}

#[test]
fn cluster_mode_answers_every_line() {
    let dir = scratch("cluster");
    let empty = dir.join("empty.txt");
    fs::write(&empty, "").unwrap();
    let mut child = annex()
        .args(["extract", "--from-stdin", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", sample().display()).unwrap();
    writeln!(stdin, "{}", dir.join("missing.txt").display()).unwrap();
    writeln!(stdin).unwrap();
    writeln!(
        stdin,
        "{{\"id\":7,\"path\":{}}}",
        serde_json::to_string(&empty).unwrap()
    )
    .unwrap();
    writeln!(stdin, "{{not json").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "failed inputs are records, not an exit code"
    );
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12 + 3);
    assert!(
        lines[..12]
            .iter()
            .all(|r| r["schema"] == "annex/perf-target-table/v1")
    );
    assert_eq!(lines[12]["outcome"], "error");
    assert_eq!(lines[12]["id"], Value::Null);
    assert_eq!(lines[13]["outcome"], "no_tables");
    assert_eq!(lines[13]["id"], 7);
    assert_eq!(lines[14]["outcome"], "error");
    assert_eq!(lines[14]["path"], "{not json");
}

#[test]
fn cluster_mode_ends_cleanly_when_stdout_closes() {
    let mut child = annex()
        .args(["extract", "--from-stdin", "-q", "-j", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for _ in 0..400 {
            if writeln!(stdin, "{}", sample().display()).is_err() {
                break;
            }
        }
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(first.starts_with('{'));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("panicked"));
}
