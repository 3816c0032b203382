//! The `annex` binary: parse the command line, run, map the outcome to an exit code.
//!
//! Exit codes: 0 every input's outcome is `ok`, 1 some input's is not (the others were
//! processed), 2 usage error (clap's own) or a fatal error such as an output directory
//! that cannot be created.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

/// jemalloc, not the system allocator: a text input makes about a hundred short-lived
/// allocations per table (lines, cells, record fields), and glibc's malloc spent about a
/// fifth of the one-core time on them (fast-bin consolidation and chunk unlinking among
/// them). With jemalloc the same batch takes about 17 % less CPU time, peak RSS of a batch
/// stays flat (about 9 MiB instead of 7 MiB), and the PDF worker needs less address space
/// under `--pdf-memory` than before. mimalloc was measured and not kept: it reserves its
/// arenas up front, so every PDF failed under `--pdf-memory 1GiB`. Numbers and the way
/// they were taken: docs/performance.md.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use annex_cli::args::Cli;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match try_main(&cli) {
        Ok(code) => code,
        Err(err) => {
            // `{:#}` prints the whole cause chain on one line.
            let _ = writeln!(io::stderr().lock(), "annex: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn try_main(cli: &Cli) -> anyhow::Result<ExitCode> {
    // Rust ignores SIGPIPE, so a closed stdout shows up as a BrokenPipe error, which `run`
    // treats as the end of the output. Buffered: stdout alone flushes at every newline.
    let mut stdout = BufWriter::new(io::stdout().lock());
    let progress = io::stderr().is_terminal();
    let mut stderr = io::stderr().lock();
    let status = annex_cli::run_with_progress(
        cli,
        &mut io::stdin().lock(),
        &mut stdout,
        &mut stderr,
        progress,
    )?;
    Ok(ExitCode::from(status.code()))
}
