//! The `annex` binary as a user meets it: spawned as a process, with real files, pipes and
//! exit codes.
//!
//! Most run the reference sample (`samples/pingluo-2024-annex2.txt`, 12 tables); the
//! driver's own behaviour (errors, exit codes, file names) is also tested in memory in
//! `src/run.rs` and `src/output.rs`.

// In tests a panic is the failure report; `expect` says what was being done.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, run_with_stdin, sample};

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Indicator rows per table of the sample, in table order (issue 2, point 11).
const SAMPLE_INDICATORS: [usize; 12] = [9, 9, 9, 7, 8, 7, 10, 11, 10, 7, 8, 7];

fn annex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_annex"))
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("annex-cli", name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read output dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["extract"][..],
        &["frobnicate"],
        &["extract", "--no-such-flag", "x.txt"],
        &[],
    ] {
        let out = run(annex().args(args));
        assert_eq!(
            out.status.code(),
            Some(2),
            "annex {args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = run(annex().args(["extract", "--max-bytes", "lots", "x.txt"]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn version_names_the_binary() {
    let out = run(annex().arg("--version"));
    assert!(out.status.success());
    assert!(
        text(&out.stdout).starts_with("annex "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn missing_file_exits_1_and_the_other_inputs_still_run() {
    let dir = scratch("missing");
    let other = dir.join("other.txt");
    fs::write(&other, "no table here\n").unwrap();
    let missing = dir.join("missing.txt");
    let out = run(annex().arg("extract").arg(&missing).arg(&other));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "annex: error: {}: no such file or directory",
            missing.display()
        )),
        "{err}"
    );
    // The input after the missing one was read and reported on.
    assert!(
        err.contains(&format!("{}: warning[no_tables]", other.display())),
        "{err}"
    );
}

#[test]
fn missing_file_does_not_stop_the_sample() {
    let out = run(annex()
        .arg("extract")
        .arg("does-not-exist.txt")
        .arg(sample()));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("annex: error: does-not-exist.txt: "));
    assert_eq!(text(&out.stdout).lines().count(), 12);
}

#[test]
fn input_with_no_table_is_a_warning_and_exit_1() {
    let dir = scratch("no-tables");
    let file = dir.join("empty.txt");
    fs::write(&file, "附件 2：没有表格\n").unwrap();
    let out = run(annex().arg("extract").arg(&file));
    // Outcome `no_tables`: not an error, but not `ok` either.
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // Lines outside any table may be reported too; the last word is the missing table.
    let expected = format!(
        "{}: warning[no_tables]: no 部门项目支出预算绩效目标表 found\n",
        file.display()
    );
    assert!(
        text(&out.stderr).ends_with(&expected),
        "{}",
        text(&out.stderr)
    );
    let quiet = run(annex().arg("extract").arg("--quiet").arg(&file));
    assert_eq!(quiet.status.code(), Some(1));
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));
}

#[test]
fn over_max_bytes_is_a_clear_error() {
    let out = run(annex().args(["extract", "--max-bytes", "1K"]).arg(sample()));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("pingluo-2024-annex2.txt: larger than --max-bytes (1024 bytes)"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn directory_inputs_expand_to_sorted_txt_files() {
    let dir = scratch("dir-walk");
    let root = dir.join("in");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::create_dir_all(root.join("a-dir")).unwrap();
    for name in [
        "b.txt",
        "a.txt",
        "sub/c.TXT",
        "a-dir/d.txt",
        "notes.json",
        "sub/e.txt.bak",
    ] {
        fs::write(root.join(name), "no table\n").unwrap();
    }
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();

    let out = run(annex().arg("extract").arg(&root).arg(&empty));
    assert_eq!(
        out.status.code(),
        Some(1),
        "an input directory without .txt is an error"
    );
    let err = text(&out.stderr);
    let reported: Vec<String> = err
        .lines()
        .filter_map(|l| l.strip_suffix(": warning[no_tables]: no 部门项目支出预算绩效目标表 found"))
        .map(|p| {
            p.strip_prefix(&format!("{}/", root.display()))
                .unwrap_or(p)
                .to_owned()
        })
        .collect();
    // Sorted by path bytes: `-` (0x2d) < `.` (0x2e) < `/` (0x2f).
    assert_eq!(
        reported,
        ["a-dir/d.txt", "a.txt", "b.txt", "sub/c.TXT"],
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "annex: error: {}: directory holds no input file (.txt, .md, .html, .htm, .pdf)",
            empty.display()
        )),
        "{err}"
    );
}

#[test]
fn stdin_dash_is_an_input() {
    let out = run_with_stdin(annex().args(["extract", "-"]), "没有表格\n".as_bytes());
    assert_eq!(out.status.code(), Some(1));
    let expected = "-: warning[no_tables]: no 部门项目支出预算绩效目标表 found\n";
    assert!(
        text(&out.stderr).ends_with(expected),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stdin_gives_the_same_records_labelled_dash() {
    let out = run_with_stdin(annex().args(["extract", "-"]), &fs::read(sample()).unwrap());
    assert_eq!(out.status.code(), Some(0));
    let records: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 12);
    for record in &records {
        assert_eq!(record["source"]["path"], "-");
    }
}

#[test]
fn schema_prints_valid_json() {
    let out = run(annex().arg("schema"));
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    assert!(schema.is_object());
    assert!(text(&out.stdout).contains("annex/perf-target-table/v1"));
    assert!(out.stderr.is_empty());
}

#[test]
fn sample_gives_12_canonical_records_in_order() {
    let out = run(annex().arg("extract").arg(sample()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.ends_with('\n'));
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let indicators: Vec<usize> = records
        .iter()
        .map(|r| r["indicators"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(indicators, SAMPLE_INDICATORS);
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record["schema"], "annex/perf-target-table/v1");
        assert_eq!(record["source"]["table"], i + 1);
    }
    // Canonical: no insignificant white space between tokens.
    assert!(
        stdout
            .lines()
            .all(|l| !l.starts_with("{ ") && !l.contains("\": "))
    );
}

#[test]
fn two_runs_are_byte_identical() {
    let a = run(annex().arg("extract").arg(sample()));
    let b = run(annex().arg("extract").arg(sample()));
    assert_eq!(a.status.code(), b.status.code());
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stderr, b.stderr);
}

#[test]
fn pretty_records_are_json_separated_by_newlines() {
    let out = run(annex().arg("extract").arg("--pretty").arg(sample()));
    assert_eq!(out.status.code(), Some(0));
    let stream = serde_json::Deserializer::from_slice(&out.stdout).into_iter::<serde_json::Value>();
    let records: Vec<serde_json::Value> = stream.map(Result::unwrap).collect();
    assert_eq!(records.len(), 12);
    assert!(
        text(&out.stdout).lines().count() > 12,
        "pretty output spans lines"
    );
}

#[test]
fn broken_pipe_is_a_clean_exit() {
    // Enough records to overflow any pipe buffer, so annex is still writing when the
    // reader goes away.
    let dir = scratch("broken-pipe");
    let big = dir.join("big.txt");
    let one = fs::read(sample()).unwrap();
    fs::write(&big, one.repeat(40)).unwrap();

    let mut child = annex()
        .arg("extract")
        .arg(&big)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained on a thread: the sample's warnings, 40 times, can fill the stderr pipe.
    let mut stderr = child.stderr.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut all = String::new();
        stderr.read_to_string(&mut all).unwrap();
        all
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader has been dropped here: the pipe is closed like `| head -1` does.
    let status = child.wait().unwrap();
    let err = drain.join().unwrap();
    assert!(first.starts_with('{'), "first line: {first:?}");
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn output_dir_is_created_even_without_tables() {
    let dir = scratch("out-empty");
    let input = dir.join("none.txt");
    fs::write(&input, "no table\n").unwrap();
    let out_dir = dir.join("deep/out");
    let out = run(annex().arg("extract").arg("-o").arg(&out_dir).arg(&input));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(files_in(&out_dir), ["manifest.jsonl", "report.json"]);
}

#[test]
fn output_dir_that_cannot_be_created_is_fatal() {
    let dir = scratch("out-blocked");
    let blocker = dir.join("file");
    fs::write(&blocker, "").unwrap();
    let out = run(annex()
        .arg("extract")
        .arg("-o")
        .arg(blocker.join("out"))
        .arg(sample()));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot create output directory"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn output_dir_gets_one_canonical_file_per_table() {
    let dir = scratch("out-sample");
    let out_dir = dir.join("out");
    let out = run(annex().arg("extract").arg("-o").arg(&out_dir).arg(sample()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "records go to files, not stdout");
    let expected: Vec<String> = (1..=12)
        .map(|n| format!("pingluo-2024-annex2.{n:02}.json"))
        .collect();
    let mut listing = vec!["manifest.jsonl".to_owned()];
    listing.extend(expected.iter().cloned());
    listing.push("report.json".to_owned());
    assert_eq!(
        files_in(&out_dir),
        listing,
        "no temporary file is left behind"
    );

    // Each file holds exactly the JSON Lines record, without the newline.
    let lines = run(annex().arg("extract").arg(sample()));
    for (name, line) in expected.iter().zip(text(&lines.stdout).lines()) {
        assert_eq!(
            fs::read_to_string(out_dir.join(name)).unwrap(),
            line,
            "{name}"
        );
    }

    // A second run replaces the files, byte for byte the same.
    let before: Vec<Vec<u8>> = expected
        .iter()
        .map(|n| fs::read(out_dir.join(n)).unwrap())
        .collect();
    let again = run(annex()
        .args(["extract", "--force", "-o"])
        .arg(&out_dir)
        .arg(sample()));
    assert_eq!(again.status.code(), Some(0));
    let after: Vec<Vec<u8>> = expected
        .iter()
        .map(|n| fs::read(out_dir.join(n)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn output_names_cannot_escape_the_dir_and_same_stems_do_not_clash() {
    let dir = scratch("out-escape");
    let work = dir.join("work");
    fs::create_dir_all(work.join("other")).unwrap();
    let one = fs::read(sample()).unwrap();
    fs::write(dir.join("evil.txt"), &one).unwrap(); // reached as `../evil.txt`
    fs::write(work.join("..evil.txt"), &one).unwrap();
    fs::write(work.join("other/evil.txt"), &one).unwrap();

    let out = run(annex().current_dir(&work).args([
        "extract",
        "--quiet",
        "-o",
        "out",
        "../evil.txt",
        "..evil.txt",
        "other/evil.txt",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let names = files_in(&work.join("out"));
    assert_eq!(names.len(), 36 + 2, "{names:?}"); // and manifest.jsonl, report.json
    for stem in ["evil", "evil-2", "evil-3"] {
        for n in 1..=12 {
            assert!(
                names.contains(&format!("{stem}.{n:02}.json")),
                "{stem}.{n:02}.json in {names:?}"
            );
        }
    }
    // Nothing was written beside the inputs or above the output directory.
    assert_eq!(files_in(&work), ["..evil.txt", "other", "out"]);
    assert_eq!(files_in(&dir), ["evil.txt", "work"]);
}
