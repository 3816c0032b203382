//! Write a synthetic corpus to standard output: `gen [TABLES] [SEED]`.
use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let tables = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(2024);
    let corpus = annex_bench::corpus::generate(&annex_bench::corpus::Config {
        seed,
        tables,
        ..Default::default()
    });
    let _ = std::io::stdout().write_all(corpus.text.as_bytes());
}
