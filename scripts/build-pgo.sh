#!/usr/bin/env bash
# Build the `annex` binary for batch work: profile-guided optimisation (PGO) and fat LTO
# with one codegen unit, on top of the release profile. Same source, same output bytes
# (scripts/same-output.sh checks it); about 7-10 % less time per input on text than
# `cargo build --release` (docs/performance.md gives the figures).
#
#   scripts/build-pgo.sh            # prints the binary's path: target/pgo/release/annex
#
# Steps: an instrumented build; a training run on 100 generated inputs (seeds disjoint
# from the corpus scripts/perf-report.sh measures), the reference sample, every text-shape
# fixture and the sample PDFs; the profile merged with the toolchain's own
# `llvm-profdata` (the profile format follows rustc's LLVM version, so no other copy will
# do); the optimised build. 8–10 minutes on 2 cores (10 from a fresh clone). Needs the rustup component
# `llvm-tools`, which it installs when missing (a download). Not a test and not part of CI:
# `cargo build --release` stays the plain, portable way to build.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/pgo-train
OUT=$TARGET/pgo

sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
profdata=$sysroot/lib/rustlib/$host/bin/llvm-profdata
if [ ! -x "$profdata" ]; then
    echo "build-pgo: installing the rustup component llvm-tools (for llvm-profdata)" >&2
    rustup component add llvm-tools
fi

# The whole-program settings of a shipped binary, for both builds (a profile is read by
# function, and the instrumented build must have the same functions as the optimised one).
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1

echo "build-pgo: 1/5 instrumented build" >&2
rm -rf "$WORK"
mkdir -p "$WORK/raw" "$WORK/corpus"
RUSTFLAGS="-Cprofile-generate=$WORK/raw" cargo build -q --release -p annex-cli \
    --manifest-path "$ROOT/Cargo.toml" --target-dir "$TARGET/pgo-instrumented"
cargo build -q --release -p annex-cli -p annex-bench --bin annex --example gen --manifest-path "$ROOT/Cargo.toml"

echo "build-pgo: 2/5 training run" >&2
for k in $(seq 0 99); do
    "$TARGET/release/examples/gen" 20 $((90000 + k)) >"$WORK/corpus/train-$(printf %03d "$k").txt"
done
trained=$TARGET/pgo-instrumented/release/annex
"$trained" extract -q -j 1 "$WORK/corpus" >/dev/null
"$trained" extract -q "$ROOT/samples/pingluo-2024-annex2.txt" "$ROOT"/samples/shapes/*.txt >/dev/null
"$trained" extract -q "$ROOT"/samples/pdf/*.pdf >/dev/null

echo "build-pgo: 3/5 merging the profile" >&2
"$profdata" merge -o "$WORK/annex.profdata" "$WORK/raw"

echo "build-pgo: 4/5 optimised build" >&2
RUSTFLAGS="-Cprofile-use=$WORK/annex.profdata" cargo build -q --release -p annex-cli \
    --manifest-path "$ROOT/Cargo.toml" --target-dir "$OUT"

# The same bytes as the release build, or no binary: stdout, stderr and exit status on the
# samples and a tenth of the training corpus.
echo "build-pgo: 5/5 comparing with the release build" >&2
same() {
    local a b
    a=$("$TARGET/release/annex" extract --explain "$@" 2>&1; echo "exit $?")
    b=$("$OUT/release/annex" extract --explain "$@" 2>&1; echo "exit $?")
    [ "$a" = "$b" ]
}
if ! same "$ROOT/samples/pingluo-2024-annex2.txt" "$ROOT"/samples/shapes/*.txt "$ROOT"/samples/pdf/*.pdf ||
    ! same "$WORK"/corpus/train-00*.txt; then
    echo "build-pgo: the PGO build's output differs from the release build's; not using it" >&2
    rm -f "$OUT/release/annex"
    exit 1
fi
echo "$OUT/release/annex"
