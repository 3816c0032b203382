//! Debug aid: `shape-dump FILE [--lines|--read-only] [SHAPE]` prints the detected (or
//! forced) shape, its regions, the grid lines (with `--lines`), and each record's indicator
//! count and warnings; `--read-only` stops after the shape reader (for timing it).
#![allow(clippy::unwrap_used, missing_docs)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).unwrap();
    let shaped = annex_shapes::read(&bytes, args.get(3).and_then(|s| s.parse().ok()));
    println!("shape {} ({})", shaped.shape, shaped.encoding);
    if args.get(2).is_some_and(|a| a == "--read-only") {
        println!(
            "{} lines, {} warnings",
            shaped.lines.len(),
            shaped.warnings.len()
        );
        return;
    }
    for r in &shaped.regions {
        println!("  lines {}-{}: {}", r.first, r.last, r.shape);
    }
    if args.get(2).is_some_and(|a| a == "--lines") {
        for l in &shaped.lines {
            println!(
                "{:>4}-{:<4} {}",
                l.first,
                l.last,
                l.text.replace('\t', " ⇥ ")
            );
        }
    }
    let info = annex_grammar::InputInfo::default();
    let parsed = annex_grammar::parse_with_warnings(&shaped.lines, shaped.warnings, &info);
    for r in &parsed.records {
        println!(
            "table {}: {} indicators, {:?}",
            r.source.table,
            r.indicators.len(),
            r.project.name
        );
        for w in &r.warnings {
            println!("    {:?} {} {}", w.line, w.code, w.message);
        }
    }
}
