//! Text shapes through the binary: detection is automatic and visible, `--shape` forces one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn annex(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_annex"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_shape_fixture_gives_the_twelve_tables_and_explains_its_shape() {
    for (file, shape) in [
        ("samples/shapes/reference.html", "html"),
        ("samples/shapes/reference.md", "markdown"),
        (
            "samples/shapes/reference-cell-per-line.txt",
            "cell-per-line",
        ),
        ("samples/shapes/reference-glued.txt", "glued"),
        ("samples/shapes/reference-layout-reportlab.txt", "layout"),
        ("samples/shapes/reference-fullwidth-gb18030.txt", "tsv"),
    ] {
        let (code, out, err) = annex(&["extract", "--explain", "-q", file]);
        assert!(code == 0 || code == 1, "{file}: exit {code}: {err}");
        assert_eq!(out.lines().count(), 12, "{file}");
        assert!(
            err.contains(&format!("note[shape]: read as {shape} (detected)")),
            "{file}: {err}"
        );
    }
}

#[test]
fn shape_can_be_forced_and_a_bad_name_is_a_usage_error() {
    let (_, out, err) = annex(&[
        "extract",
        "--explain",
        "--shape",
        "markdown",
        "samples/shapes/reference.md",
    ]);
    assert_eq!(out.lines().count(), 12);
    assert!(
        err.contains("read as markdown (forced by --shape)"),
        "{err}"
    );
    let (code, _, err) = annex(&[
        "extract",
        "--shape",
        "pdf",
        "samples/pingluo-2024-annex2.txt",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown shape `pdf`"), "{err}");
}
