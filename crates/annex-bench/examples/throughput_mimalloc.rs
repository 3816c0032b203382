//! `throughput` with mimalloc as the global allocator instead of the system's: how much
//! of the pipeline's time is the allocator (`docs/performance.md`). Same arguments.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "throughput.rs"]
mod throughput;

fn main() {
    throughput::main();
}
