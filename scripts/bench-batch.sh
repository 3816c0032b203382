#!/usr/bin/env bash
# Batch benchmark (issue 5): N small inputs through `annex extract DIR -o OUT`, reporting
# files/s and peak RSS. Not a test and not part of CI.
#
#   scripts/bench-batch.sh                 # 1,000 and 10,000 inputs, --format jsonl
#   SIZES="1000 10000 50000" FORMAT=json JOBS=2 scripts/bench-batch.sh
#
# Inputs are hard links to samples/pingluo-2024-annex2.txt (19 KB, 12 tables, 102
# indicators): the run reads, hashes, parses and writes every one of them. Peak RSS comes
# from GNU time (`apt-get install time`), which must be /usr/bin/time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/annex-bench-batch}
SIZES=${SIZES:-"1000 10000"}
FORMAT=${FORMAT:-jsonl}
JOBS=${JOBS:-$(nproc)}
ANNEX=${ANNEX:-$ROOT/target/release/annex}

if [ ! -x "$ANNEX" ]; then
    cargo build --release -p annex-cli --manifest-path "$ROOT/Cargo.toml"
fi
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

printf '%8s %6s %5s %9s %10s %12s %s\n' inputs format jobs seconds files/s "peak RSS" exit
for n in $SIZES; do
    in="$WORK/in-$n"
    if [ ! -d "$in" ] || [ "$(find "$in" -type f | wc -l)" -ne "$n" ]; then
        rm -rf "$in"
        mkdir -p "$in"
        cp "$ROOT/samples/pingluo-2024-annex2.txt" "$in/a-000000.txt"
        for i in $(seq 1 $((n - 1))); do
            ln "$in/a-000000.txt" "$in/$(printf 'a-%06d.txt' "$i")"
        done
    fi
    out="$WORK/out-$n-$FORMAT"
    rm -rf "$out"
    status=0
    /usr/bin/time -v -o "$WORK/time-$n.txt" \
        "$ANNEX" extract -q -j "$JOBS" --format "$FORMAT" -o "$out" "$in" || status=$?
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$WORK/time-$n.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$n.txt")
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN {printf "%.0f", n / s}')
    printf '%8s %6s %5s %9s %10s %9s KiB %s\n' "$n" "$FORMAT" "$JOBS" "$secs" "$rate" "$rss" "$status"
done
