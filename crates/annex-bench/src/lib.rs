//! annex-bench: a synthetic corpus of 部门项目支出预算绩效目标表 and the benchmarks of the
//! annex pipeline.
//!
//! # Where it sits
//! Beside the pipeline, not in it: it depends on every stage (`annex-normalize`,
//! `annex-grammar`, `annex-emit`, `annex-pdf`) and nothing depends on it. It is
//! `publish = false`.
//!
//! # What it holds
//! - [`corpus`]: a generator of many varied tables in the reference form, deterministic
//!   from a seed, printed with the OCR damage of `samples/pingluo-2024-annex2.txt`
//!   (rows that lost their leading cells, `效益指`/`标` split labels, a value alone on the
//!   next line, `…调查达到 $\geq 98\%$`, `…达) 95%`, HTML-wrapped repeated titles, page
//!   breaks, half-width punctuation and stray spaces), together with what every table must
//!   parse into. `tests/corpus.rs` checks the pipeline gives exactly that back.
//! - [`pipeline`]: the text and PDF pipelines as the benches and the throughput tool
//!   run them, one function per stage.
//! - `benches/`: criterion benches per stage and end to end (`cargo bench -p annex-bench`);
//!   `examples/throughput.rs`: MB/s with N threads and peak RSS over a large corpus,
//!   streamed; `examples/pdf2json.rs`: one PDF to JSON Lines, to time against
//!   `pdftotext -layout`. `docs/performance.md` has the figures and how to reproduce them.
//!
//! # What it does not do
//! It never writes a corpus to disk (each bench generates its own in memory) and it is
//! not part of any output contract: a change of the generator changes only the figures.
//!
//! ```
//! use annex_bench::corpus::{Config, generate};
//! let corpus = generate(&Config { seed: 7, tables: 3, ..Config::default() });
//! let parsed = annex_bench::pipeline::extract_text("synthetic.txt", corpus.text.as_bytes());
//! assert_eq!(parsed.records.len(), 3);
//! assert_eq!(parsed.records[0].indicators.len(), corpus.tables[0].indicators.len());
//! ```

pub mod corpus;
pub mod pipeline;
pub mod rng;
