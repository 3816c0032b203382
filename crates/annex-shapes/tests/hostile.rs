//! Hostile input: a 5 MB single line must be read quickly whatever the shape (forced or
//! detected). Every reader is linear or n·log n in its input; a line too long to be a
//! table row of its shape is passed on as unparsed text without per-run work.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use annex_shapes::{Shape, read};

const SIZE: usize = 5 * 1024 * 1024;

/// `unit` repeated to at least `SIZE` bytes, on one line.
fn repeat(unit: &str) -> Vec<u8> {
    unit.repeat(SIZE.div_ceil(unit.len())).into_bytes()
}

fn timed(unit: &str, shape: Option<Shape>) {
    let bytes = repeat(unit);
    let t = Instant::now();
    let shaped = read(&bytes, shape);
    let took = t.elapsed();
    eprintln!(
        "{:<28} {took:>8.2?}  {} lines",
        shape.map_or_else(|| format!("{} (detected)", shaped.shape), |s| s.to_string()),
        shaped.lines.len()
    );
    assert!(took < Duration::from_secs(10), "{shape:?} took {took:?}");
}

// One test per shape, each a unit repeated on one line with the shape's own separator, so
// that its reader does its work (the tests run in parallel).

/// `corpus/bad/make_big.sh`'s unit, shape detected (tab-separated).
#[test]
fn tsv() {
    timed("一般公共预算支出\t12345.67\t", None);
}

#[test]
fn layout() {
    timed(
        "数量指标（必填硬性指标）  全县本年度领取待遇  29000人  项目名称  ",
        Some(Shape::Layout),
    );
}

#[test]
fn html() {
    timed(
        "<td rowspan=\"9\">产出指标</td><tr><td colspan=\"99\">22000张",
        Some(Shape::Html),
    );
}

#[test]
fn markdown() {
    timed(
        "| 产出指标 | 数量指标 | 全年印制社保卡 | 22000 张 ",
        Some(Shape::Markdown),
    );
}

#[test]
fn cell_per_line() {
    timed("三级指标 | ", Some(Shape::CellPerLine));
}

#[test]
fn glued() {
    timed(
        "产出指标数量指标（必填）全县本年度领取待遇城乡居民人数29000人",
        Some(Shape::Glued),
    );
}
