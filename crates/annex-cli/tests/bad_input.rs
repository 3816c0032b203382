//! Hostile and malformed text (issue 6): every bad text fixture, and generated worst
//! cases for each linear-time promise, through the whole pipeline in bounded time, without
//! a panic, with every property of `properties/check.rs` holding.
//!
//! The bound is generous (debug build, a loaded CI machine): a quadratic path on these
//! sizes takes minutes, not seconds, so the bound still catches one.

// In tests a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "properties/check.rs"]
mod check;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Per input, in a debug build.
const BOUND: Duration = Duration::from_secs(5);

fn bad_text_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../annex-normalize/tests/fixtures/bad-text")
}

fn bad_text() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(bad_text_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 15, "bad-text fixtures missing: {paths:?}");
    paths
}

/// Run `f` on `bytes`, failing with `name` in the message on a panic or a slow run.
fn bounded<T>(name: &str, bytes: &[u8], f: impl FnOnce(&[u8]) -> T) -> T {
    let start = Instant::now();
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(bytes)))
        .unwrap_or_else(|_| panic!("{name}: the pipeline panicked (see above)"));
    let took = start.elapsed();
    assert!(
        took < BOUND,
        "{name}: {} bytes took {took:?} (bound {BOUND:?})",
        bytes.len()
    );
    out
}

#[test]
fn every_bad_text_fixture_gives_records_or_a_no_tables_warning_in_bounded_time() {
    for path in bad_text() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let parsed = bounded(&name, &bytes, |b| annex_cli::extract_bytes(&name, b));
        for r in &parsed.records {
            assert_eq!(r.source.path, name);
        }
        // The properties hold on every fixture too (each check runs the stage again).
        bounded(&name, &bytes, check::decode);
        bounded(&name, &bytes, check::normalize);
        bounded(&name, &bytes, check::grammar);
        bounded(&name, &bytes, |b| {
            check::pipeline_with(b, annex_cli::extract_bytes)
        });
    }
}

/// The seeds in other encodings and line ends are the same tables: each damage costs
/// nothing but warnings.
#[test]
fn seed_variants_give_the_seeds_tables() {
    let dir = bad_text_dir();
    let count = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        annex_cli::extract_bytes(name, &bytes).records.len()
    };
    let want = count("seed_crlf.txt");
    assert!(want > 0);
    for name in [
        "seed_gb18030.txt",
        "seed_gbk.txt",
        "seed_invalid_utf8.txt",
        "seed_lone_cr.txt",
        "seed_nul_bytes.txt",
        "seed_utf16le_bom.txt",
        "seed_utf8_bom.txt",
    ] {
        assert_eq!(count(name), want, "{name}");
    }
}

/// Inputs with no table are named in a clear warning on standard error, by the binary.
#[test]
fn no_table_inputs_are_named_on_stderr() {
    for name in ["empty.txt", "binary_garbage.bin"] {
        let path = bad_text_dir().join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_annex"))
            .env_remove(annex_cli::TEST_HOOK)
            .arg("extract")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code().is_some(), "{name}: killed by a signal");
        assert!(
            err.contains(&format!("{name}: warning[no_tables]")),
            "{name}: {err}"
        );
        assert!(out.stdout.is_empty(), "{name}");
    }
}

/// How much slower an input eight times as large may be: 8 when linear, 64 when
/// quadratic; the margin absorbs a loaded machine (CI, or fuzzers on the same cores).
const GROWTH_BOUND: f64 = 24.0;

/// One worst case per construct, each at 4 KiB and at 32 KiB: deep nesting (bounded by
/// the markup depth limit, no recursion), dangling openers that make a naive scanner look
/// ahead from each, many cells, many rows that join the one before. Linear time is checked
/// by growth (the best of two runs at 32 KiB against the best of two at 4 KiB), which does
/// not depend on how fast the machine is; the absolute bound catches anything else.
#[test]
fn generated_worst_cases_are_linear() {
    let cases: &[(&str, &str, &str)] = &[
        // (name, prefix, unit repeated to the size)
        ("deep latex groups", "$\\text{", "\\text{"),
        ("deep braces", "$", "{"),
        ("deep html", "", "<div><span>"),
        ("dangling tags", "", "<td "),
        ("dangling lt", "", "<"),
        ("dangling entities", "", "&nbsp"),
        ("dangling dollars", "", "$\\geq "),
        ("many cells", "", "项目\t"),
        ("many empty cells", "", "\t"),
        ("one huge cell", "", "一般公共预算支出"),
        ("brackets", "", "（("),
        ("label cells", "部门项目支出预算绩效目标表\n", "产出指标\t"),
        (
            "label soup",
            "部门项目支出预算绩效目标表\n",
            "效益指\n标\n（必\n",
        ),
        (
            "value lines",
            "部门项目支出预算绩效目标表\n产出指标\t数量指标\t名，\n",
            "≥95%\n",
        ),
        (
            "continued names",
            "部门项目支出预算绩效目标表\n产出指标\t数量指标\t名，\n",
            "续，\n",
        ),
        (
            "continued header",
            "部门项目支出预算绩效目标表\n项目名称\t名\n",
            "续\n",
        ),
        (
            "goals",
            "部门项目支出预算绩效目标表\n年度总体目标\t",
            "1.目标。",
        ),
        ("titles", "", "部门项目支出预算绩效目标表\n"),
        (
            "titles with bodies",
            "",
            "部门项目支出预算绩效目标表\n项目名称\t名\n",
        ),
        ("page numbers", "", "\x0C— 3 —\n"),
    ];
    let timed = |name: &str, prefix: &str, unit: &str, size: usize| {
        let text = format!("{prefix}{}", unit.repeat(size / unit.len()));
        let start = Instant::now();
        let parsed = bounded(name, text.as_bytes(), |b| annex_cli::extract_bytes(name, b));
        for r in &parsed.records {
            annex_emit::to_canonical(r).unwrap();
        }
        start.elapsed()
    };
    for &(name, prefix, unit) in cases {
        let best = |size| timed(name, prefix, unit, size).min(timed(name, prefix, unit, size));
        let small = best(4 << 10);
        let large = best(32 << 10);
        // Below a few milliseconds the clock measures noise, not growth.
        let base = small.max(Duration::from_millis(20));
        let growth = large.as_secs_f64() / base.as_secs_f64();
        assert!(
            growth < GROWTH_BOUND,
            "{name}: 4 KiB in {small:?}, 32 KiB in {large:?}: grows faster than linear"
        );
    }
}
