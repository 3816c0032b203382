//! Debug aid: print the records of a text file as pretty JSON (not canonical).
#![allow(clippy::unwrap_used, missing_docs)]
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let n = annex_normalize::normalize(&bytes);
    let info = annex_grammar::InputInfo {
        path: path.clone(),
        ..Default::default()
    };
    let parsed = annex_grammar::parse_with_warnings(&n.lines, n.warnings, &info);
    for r in &parsed.records {
        println!("{}", serde_json::to_string_pretty(r).unwrap());
    }
    for w in &parsed.warnings {
        eprintln!("{path}:{:?}: {} {}", w.line, w.code, w.message);
    }
}
