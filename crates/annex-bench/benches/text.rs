//! Criterion benches of the text pipeline, per stage and end to end, on a synthetic corpus.
//!
//! `cargo bench -p annex-bench --bench text`. Every stage reports input MB/s (criterion's
//! `Throughput::Bytes` of the corpus text), so the stages add up; the end-to-end group
//! also reports tables/s, and the `threads` group runs a batch of inputs on 1 and 2
//! threads (rayon, one input per task).

use std::hint::black_box;
use std::time::Duration;

use annex_bench::corpus::{Config, generate, generate_inputs};
use annex_bench::pipeline::{emit_jsonl, text_to_jsonl};
use annex_grammar::InputInfo;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

/// 1,000 tables, about 1.6 MB: big enough that per-call overhead does not count, small
/// enough to stay in memory many times over.
const TABLES: usize = 1000;
const SEED: u64 = 2024;

fn stages(c: &mut Criterion) {
    let corpus = generate(&Config {
        seed: SEED,
        tables: TABLES,
        ..Config::default()
    });
    let bytes = corpus.text.as_bytes();
    let shaped = annex_shapes::read(bytes, None);
    let info = InputInfo {
        path: "synthetic.txt".into(),
        sha256: "0".repeat(64),
        paged: false,
    };
    let parsed = annex_grammar::parse_with_warnings(&shaped.lines, Vec::new(), &info);
    assert_eq!(parsed.records.len(), TABLES);

    let mut g = c.benchmark_group("text_stage");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("decode", |b| {
        b.iter(|| annex_normalize::decode(black_box(bytes)));
    });
    g.bench_function("normalize", |b| {
        b.iter(|| annex_normalize::normalize(black_box(bytes)));
    });
    // What the CLI runs on text: decode, shape detection per region, the shape's reader,
    // normalization, page furniture.
    g.bench_function("read_shapes", |b| {
        b.iter(|| annex_shapes::read(black_box(bytes), None));
    });
    g.bench_function("segment_grammar", |b| {
        b.iter(|| {
            annex_grammar::parse_with_warnings(
                black_box(&shaped.lines),
                shaped.warnings.clone(),
                &info,
            )
        });
    });
    g.bench_function("emit", |b| {
        let mut out = Vec::with_capacity(bytes.len() * 3);
        b.iter(|| {
            out.clear();
            emit_jsonl(black_box(&parsed.records), &mut out)
        });
    });
    // The generic serde path (`serde_json_canonicalizer`), which `to_canonical` used
    // before the direct writer: same bytes, kept as the before figure.
    g.bench_function("emit_serde_canonicalizer", |b| {
        let mut out = Vec::with_capacity(bytes.len() * 3);
        b.iter(|| {
            out.clear();
            for r in black_box(&parsed.records) {
                if let Ok(json) = annex_emit::to_canonical_value(r) {
                    out.extend_from_slice(json.as_bytes());
                    out.push(b'\n');
                }
            }
        });
    });
    g.finish();

    let mut out = Vec::with_capacity(bytes.len() * 3);
    let mut g = c.benchmark_group("text_end_to_end");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("bytes", |b| {
        b.iter(|| {
            out.clear();
            text_to_jsonl("synthetic.txt", black_box(bytes), &mut out)
        });
    });
    g.throughput(Throughput::Elements(TABLES as u64));
    g.bench_function("tables", |b| {
        b.iter(|| {
            out.clear();
            text_to_jsonl("synthetic.txt", black_box(bytes), &mut out)
        });
    });
    g.finish();

    // The reference sample, for comparison with the synthetic corpus.
    let sample = include_bytes!("../../../samples/pingluo-2024-annex2.txt");
    let mut g = c.benchmark_group("text_sample");
    g.throughput(Throughput::Bytes(sample.len() as u64));
    g.bench_function("pingluo_end_to_end", |b| {
        b.iter(|| {
            out.clear();
            text_to_jsonl("sample.txt", black_box(sample), &mut out)
        });
    });
    g.finish();
}

fn threads(c: &mut Criterion) {
    // A batch: 100 inputs of 10 tables each (about 1.6 MB in all).
    let inputs = generate_inputs(SEED, 100, 10);
    let total: usize = inputs.iter().map(|c| c.text.len()).sum();
    let mut g = c.benchmark_group("text_threads");
    g.throughput(Throughput::Bytes(total as u64));
    for n in [1, 2] {
        #[allow(clippy::expect_used)]
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("thread pool");
        g.bench_function(format!("{n}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    inputs
                        .par_iter()
                        .map(|c| {
                            let mut out = Vec::with_capacity(c.text.len() * 3);
                            text_to_jsonl("synthetic.txt", c.text.as_bytes(), &mut out);
                            out.len()
                        })
                        .sum::<usize>()
                })
            });
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = stages, threads
}
criterion_main!(benches);
