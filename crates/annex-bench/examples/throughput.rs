//! Text → canonical JSON throughput over a synthetic batch, on N threads, and peak RSS.
//!
//! ```text
//! cargo run --release -p annex-bench --example throughput -- [FILES] [TABLES_PER_FILE] [THREADS] [memory|stream] [REPEATS]
//! ```
//!
//! Default: 500 inputs of 20 tables (10,000 tables, about 18 MB), all threads of the
//! machine. The inputs are generated first, then timed through the whole text pipeline
//! (decode, normalize, parse, checks, canonical JSON), one input per rayon task, the
//! output bytes counted and dropped; the best of REPEATS (default 5) runs is reported,
//! with the median. `THREADS` 0 means all. With `stream`, each task generates its own input
//! just before processing it and nothing is kept, as a batch run reads one file at a time:
//! the peak RSS printed then should not grow with `FILES`.

use std::time::Instant;

use annex_bench::corpus::{Config, generate};
use annex_bench::pipeline::text_to_jsonl;
use rayon::prelude::*;

pub(crate) fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn input(k: usize, tables: usize) -> String {
    generate(&Config {
        seed: 2024 + k as u64,
        tables,
        ..Config::default()
    })
    .text
}

/// CPU time (user + system) this process has used, in seconds, from `/proc/self/stat`
/// (clock ticks of 10 ms): on a shared machine it measures our work, not the neighbours'.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the `(comm)`, which may hold spaces: utime and stime are the
            // 14th and 15th fields of the line, the 12th and 13th after `)`.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// Peak resident set size of this process, in KiB (`VmHWM`), 0 where unknown.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[allow(clippy::cast_precision_loss)] // byte counts far below 2^52
/// Run the measurement (also the entry point of `throughput_mimalloc`).
pub fn main() {
    let files = arg(1, 500);
    let tables = arg(2, 20);
    let threads = arg(3, 0);
    let stream = std::env::args().nth(4).is_some_and(|a| a == "stream");
    let repeats = arg(5, 5).max(1);
    #[allow(clippy::expect_used)]
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .expect("thread pool");
    let threads = rayon::current_num_threads();
    let run = |text: &str| {
        let mut out = Vec::with_capacity(text.len() * 3);
        let records = text_to_jsonl("synthetic.txt", text.as_bytes(), &mut out);
        (text.len(), out.len(), records)
    };
    let add =
        |a: (usize, usize, usize), b: (usize, usize, usize)| (a.0 + b.0, a.1 + b.1, a.2 + b.2);
    let mut times = Vec::with_capacity(repeats);
    let mut cpu = Vec::with_capacity(repeats);
    let mut sums = (0, 0, 0);
    if stream {
        for _ in 0..repeats {
            let (start, c0) = (Instant::now(), cpu_seconds());
            sums = (0..files)
                .into_par_iter()
                .map(|k| run(&input(k, tables)))
                .reduce(|| (0, 0, 0), add);
            times.push(start.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - c0);
        }
    } else {
        let inputs: Vec<String> = (0..files)
            .into_par_iter()
            .map(|k| input(k, tables))
            .collect();
        for _ in 0..repeats {
            let (start, c0) = (Instant::now(), cpu_seconds());
            sums = inputs.par_iter().map(|t| run(t)).reduce(|| (0, 0, 0), add);
            times.push(start.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - c0);
        }
    }
    let (bytes_in, bytes_out, records) = sums;
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let cpu_median = cpu[cpu.len() / 2];
    // The best of the runs: on a shared machine the others measure the neighbours.
    let secs = times[0];
    let median = times[times.len() / 2];
    let (mb, tables_s) = (bytes_in as f64 / 1e6, records as f64 / secs);
    println!(
        "{} {files} inputs x {tables} tables = {records} records, {mb:.1} MB in, {:.1} MB out, \
         {threads} thread(s): best of {repeats} {secs:.3} s (median {median:.3} s), {:.1} MB/s, \
         {tables_s:.0} tables/s; CPU {cpu_median:.2} s per run = {:.1} MB per CPU-second; \
         peak RSS {} KiB",
        if stream { "stream" } else { "memory" },
        bytes_out as f64 / 1e6,
        mb / secs,
        mb / cpu_median,
        peak_rss_kib()
    );
}
