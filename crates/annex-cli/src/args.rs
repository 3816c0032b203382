//! Command-line arguments of the `annex` binary (clap derive).
//!
//! Parsing lives in the library so that tests can build a [`Cli`] from a list of strings
//! (`Cli::try_parse_from`) and drive [`crate::run`] without spawning a process.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Default for `--max-bytes`: 256 MiB. The largest real annex seen is far below 1 MiB; the
/// cap only stops a mistaken argument (a disk image, a log) from being read into memory.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// annex: OCR text of Chinese budget annexes → canonical JSON records.
#[derive(Debug, Parser)]
#[command(name = "annex", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract every 部门项目支出预算绩效目标表 of the inputs as canonical JSON records.
    Extract(ExtractArgs),
    /// Print the JSON Schema of a record (`annex/perf-target-table/v1`).
    Schema,
    /// Internal: read one PDF in an isolated process (see `worker.rs`). Not for people.
    #[command(name = "__worker-pdf", hide = true)]
    WorkerPdf(WorkerArgs),
}

/// What a batch writes, and in what shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One canonical record per line (`OUT/records.jsonl` with `-o`).
    Jsonl,
    /// One file per table with `-o` (`OUT/<stem>.<NN>.json`); on standard output the
    /// same as `jsonl`.
    Json,
    /// One row per indicator, table fields repeated (`OUT/indicators.csv` with `-o`).
    Csv,
}

/// Arguments of `annex extract`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 when every input's outcome is `ok`, 1 when some input is not (no tables, \
partly read, unreadable, a PDF that failed; every other input is still processed), 2 for \
usage or fatal errors. With --from-stdin, failed inputs are error records and the status \
is 0.")]
#[allow(clippy::struct_excessive_bools)] // independent on/off switches, as on the command line
pub struct ExtractArgs {
    /// Files (text or PDF), directories (every `.txt`, `.md`, `.html`, `.htm` and `.pdf`
    /// below them, recursively, sorted by path) or `-` for standard input.
    #[arg(required_unless_present = "from_stdin", value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Batch mode: write the records below DIR (see --format) with `DIR/manifest.jsonl`
    /// and `DIR/report.json`, instead of JSON Lines on standard output. DIR is created
    /// when missing; a second run into the same DIR skips inputs already done.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Output shape: `jsonl`, `json` (one file per table; the default with -o) or `csv`
    /// (one row per indicator). Without -o the default is `jsonl`.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// With --format csv: start with a UTF-8 byte order mark so Excel reads Chinese text.
    #[arg(long)]
    pub excel: bool,

    /// Pretty-print the records (for people); the default is canonical JSON (RFC 8785).
    /// Applies to standard output and to `--format json` files.
    #[arg(long)]
    pub pretty: bool,

    /// Do not print warnings, the progress bar or the summary on standard error (errors
    /// are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// Inputs processed at once; default: every core (1 with --from-stdin). The output is
    /// the same bytes whatever N is.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// In directory arguments, take the files matching PATTERN (`*` crosses `/`; matched
    /// against the path below the directory) instead of the default extensions. Repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub glob: Vec<String>,

    /// Read text inputs as this shape instead of detecting it: `tsv`, `layout`
    /// (pdftotext -layout), `html`, `markdown`, `cell-per-line` or `glued`.
    #[arg(long, value_name = "SHAPE", value_parser = parse_shape)]
    pub shape: Option<annex_shapes::Shape>,

    /// Say on standard error which shape each region of a text input was read as.
    #[arg(long)]
    pub explain: bool,

    /// With -o: redo every input, even those the manifest says are done.
    #[arg(long)]
    pub force: bool,

    /// Cluster mode: read input paths (or `{"id","path"}` JSON objects) from standard
    /// input, one per line; write one JSON line per record or per failed input.
    #[arg(long, conflicts_with_all = ["inputs", "output"])]
    pub from_stdin: bool,

    /// Refuse inputs larger than this many bytes; accepts suffixes K, M, G (powers of 1024,
    /// also written KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_bytes: u64,

    /// Wall-clock limit for reading one PDF (its worker process is killed after it):
    /// seconds, or with a unit `500ms`, `90s`, `2m`.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub pdf_timeout: Duration,

    /// Address-space limit of the process reading one PDF (`RLIMIT_AS`); `0` for none.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub pdf_memory: u64,
}

/// Arguments of the hidden `__worker-pdf` subcommand (set by the parent process).
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The PDF, or `-` for standard input.
    pub path: PathBuf,
    /// `RLIMIT_AS` in bytes; 0 for none.
    #[arg(long, default_value_t = 0)]
    pub memory: u64,
    /// `RLIMIT_CPU` in seconds, a backstop should the parent die; 0 for none.
    #[arg(long, default_value_t = 0)]
    pub cpu: u64,
}

/// Parse a `--shape` name.
pub fn parse_shape(s: &str) -> Result<annex_shapes::Shape, String> {
    s.parse()
}

/// Parse a duration: `60` (seconds), `1.5s`, `500ms`, `2m`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: expected e.g. 60, 90s, 500ms or 2m"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        other => return Err(format!("unknown duration unit `{other}`: use ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{s}` is not a positive duration"))
}

/// Parse a byte size such as `4096`, `64K`, `256MiB` or `1g` (binary units).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, suffix) = s.split_at(split);
    if digits.is_empty() {
        return Err(format!(
            "`{s}` is not a size: expected a number such as 4096, 64K or 256MiB"
        ));
    }
    let number: u64 = digits.parse().map_err(|_| format!("`{s}` is too large"))?;
    let shift = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => return Err(format!("unknown size suffix `{other}`: use K, M or G")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        for (text, bytes) in [
            ("0", Some(0)),
            ("4096", Some(4096)),
            ("64K", Some(64 * 1024)),
            ("256MiB", Some(DEFAULT_MAX_BYTES)),
            ("1g", Some(1 << 30)),
            ("10 MB", Some(10 << 20)),
            ("", None),
            ("MiB", None),
            ("12X", None),
            ("-1", None),
            ("99999999999999999999", None),
            ("99999999999G", None),
        ] {
            assert_eq!(parse_size(text).ok(), bytes, "{text:?}");
        }
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn default_max_bytes_matches_the_documented_default() {
        let cli =
            Cli::try_parse_from(["annex", "extract", "a.txt"]).unwrap_or_else(|e| panic!("{e}"));
        let Command::Extract(args) = cli.command else {
            panic!("not extract")
        };
        assert_eq!(args.max_bytes, DEFAULT_MAX_BYTES);
        assert_eq!(args.pdf_timeout, Duration::from_secs(60));
        assert_eq!(args.pdf_memory, 2 << 30);
    }

    #[test]
    fn durations() {
        for (text, ms) in [
            ("60", Some(60_000)),
            ("90s", Some(90_000)),
            ("500ms", Some(500)),
            ("2m", Some(120_000)),
            ("1.5s", Some(1500)),
            ("0", None),
            ("", None),
            ("5h", None),
            ("-1", None),
        ] {
            assert_eq!(
                parse_duration(text).ok().map(|d| d.as_millis()),
                ms,
                "{text:?}"
            );
        }
    }
}
