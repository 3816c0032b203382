//! Command-line arguments of the `annex` binary (clap derive).
//!
//! Parsing lives in the library so that tests can build a [`Cli`] from a list of strings
//! (`Cli::try_parse_from`) and drive [`crate::run`] without spawning a process.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}

/// Arguments of `annex extract`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 when every input was read (even if some held no table), 1 when some input \
could not be read or written (the others are still processed), 2 for usage or fatal errors.")]
pub struct ExtractArgs {
    /// Text files, directories (every `.txt` below them, recursively, sorted by path) or
    /// `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Write one file per table, `DIR/<input-stem>.<NN>.json`, instead of JSON Lines on
    /// standard output. DIR is created when missing.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Pretty-print the records (for people); the default is canonical JSON (RFC 8785).
    #[arg(long)]
    pub pretty: bool,

    /// Do not print warnings on standard error (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// Refuse inputs larger than this many bytes; accepts suffixes K, M, G (powers of 1024,
    /// also written KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_bytes: u64,
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
    }
}
