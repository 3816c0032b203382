//! Write a synthetic corpus to standard output: `gen [TABLES] [SEED] [DAMAGE_PERCENT]`.
use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let tables = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(2024);
    let defaults = annex_bench::corpus::Config::default();
    let damage_percent = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(defaults.damage_percent);
    let corpus = annex_bench::corpus::generate(&annex_bench::corpus::Config {
        seed,
        tables,
        damage_percent,
    });
    let _ = std::io::stdout().write_all(corpus.text.as_bytes());
}
