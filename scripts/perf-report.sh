#!/usr/bin/env bash
# Every figure of the performance issue, measured side by side in one run, printed as a
# Markdown table (docs/performance.md quotes its output):
#
#   - text → canonical JSON: MB/s and tables/s on one core and on two threads, through the
#     library pipeline (`examples/throughput`, the path `annex extract` runs on text) and
#     through the real binary on a directory of files;
#   - PDF → canonical JSON: the real binary against `pdftotext -layout` on the same file
#     (the three 240-page x20 PDFs), ratio and pages/s;
#   - peak RSS for a small and a 100× larger corpus.
#
#   scripts/perf-report.sh            # about 3 minutes on 2 cores
#   RUNS=3 scripts/perf-report.sh     # fewer repetitions
#   PGO=1 scripts/perf-report.sh      # and the PGO build against the release build
#                                     # (scripts/build-pgo.sh first: 8-10 more minutes)
#   PGO_BIN=target/pgo/release/annex scripts/perf-report.sh   # an existing PGO build
#
# Needs hyperfine, poppler-utils (pdftotext, pdfinfo) and GNU time; installs them with
# apt-get when they are missing and it runs as root. Not a test and not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/annex-perf-report}
RUNS=${RUNS:-7}
FILES=500   # inputs of the text corpus
TABLES=20   # tables per input: 10,000 tables, about 18 MB

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "perf-report: needs ${need[*]}" >&2
        exit 2
    fi
fi

cargo build -q --release -p annex-cli -p annex-bench --examples --manifest-path "$ROOT/Cargo.toml"
BIN=$ROOT/target/release
ANNEX=$BIN/annex

mkdir -p "$WORK"
corpus=$WORK/corpus-$FILES-$TABLES
if [ ! -d "$corpus" ] || [ "$(find "$corpus" -type f | wc -l)" -ne "$FILES" ]; then
    rm -rf "$corpus"
    mkdir -p "$corpus"
    for k in $(seq 0 $((FILES - 1))); do
        "$BIN/examples/gen" "$TABLES" $((2024 + k)) >"$corpus/$(printf 'annex-%05d.txt' "$k")"
    done
fi
bytes=$(cat "$corpus"/* | wc -c)
small=$WORK/rss-small   # 50 inputs
large=$WORK/rss-large   # 5,000 inputs (hard links to the 500, ten times over)
if [ ! -d "$large" ]; then
    rm -rf "$small" "$large"
    mkdir -p "$small" "$large"
    for f in "$corpus"/*; do
        b=$(basename "$f" .txt)
        for r in 0 1 2 3 4 5 6 7 8 9; do ln "$f" "$large/$b-$r.txt"; done
    done
    for f in $(find "$corpus" -type f | sort | sed -n 1,50p); do ln "$f" "$small/"; done
fi

echo "# annex performance report"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores," \
    "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Text corpus: $FILES generated inputs x $TABLES tables = $((FILES * TABLES)) tables, $bytes bytes."
echo

# The library pipeline, in memory (no file reads, no output writes).
lib() { "$BIN/examples/throughput" "$FILES" "$TABLES" "$1" memory "$RUNS"; }
l1=$(lib 1)
l2=$(lib 2)
field() { sed -E "s|.*$1.*|\\1|" <<<"$2"; }
l1_mbs=$(field ' ([0-9.]+) MB/s,' "$l1")
l2_mbs=$(field ' ([0-9.]+) MB/s,' "$l2")
l1_tps=$(field ' ([0-9]+) tables/s' "$l1")
l2_tps=$(field ' ([0-9]+) tables/s' "$l2")
l1_cpu=$(field '= ([0-9.]+) MB per CPU-second' "$l1")

# The real binary on the directory, JSON Lines to /dev/null.
hyperfine -N --warmup 1 --runs "$RUNS" --export-csv "$WORK/text.csv" \
    "$ANNEX extract -q -j 1 $corpus" "$ANNEX extract -q -j 2 $corpus" >"$WORK/text.log" 2>&1 || true
row() { awk -F, -v n="$2" 'NR == n + 1 {print $'"$3"'}' "$1"; }
b1=$(row "$WORK/text.csv" 1 2)   # mean seconds, -j 1
b2=$(row "$WORK/text.csv" 2 2)
b1min=$(row "$WORK/text.csv" 1 7)
b2min=$(row "$WORK/text.csv" 2 7)

calc() { awk "BEGIN {printf \"$1\", $2}"; }
echo "| text → canonical JSON | one core | two threads | two / one |"
echo "|---|---|---|---|"
echo "| library pipeline, MB/s (best of $RUNS) | $l1_mbs | $l2_mbs | $(calc %.2f× "$l2_mbs / $l1_mbs") |"
echo "| library pipeline, tables/s | $l1_tps | $l2_tps | |"
echo "| library pipeline, MB per CPU-second (median) | $l1_cpu | | |"
echo "| \`annex extract -q -j N DIR\`, MB/s (mean of $RUNS) | $(calc %.1f "$bytes / 1e6 / $b1") | $(calc %.1f "$bytes / 1e6 / $b2") | $(calc %.2f× "$b1 / $b2") |"
echo "| \`annex extract -q -j N DIR\`, MB/s (fastest run) | $(calc %.1f "$bytes / 1e6 / $b1min") | $(calc %.1f "$bytes / 1e6 / $b2min") | $(calc %.2f× "$b1min / $b2min") |"
echo "| \`annex extract -q -j N DIR\`, tables/s (mean) | $(calc %.0f "$FILES * $TABLES / $b1") | $(calc %.0f "$FILES * $TABLES / $b2") | |"
echo

echo "| PDF → canonical JSON | pages | \`annex extract\` | \`pdftotext -layout\` | annex is | annex pages/s |"
echo "|---|---|---|---|---|---|"
for pdf in "$ROOT"/crates/annex-bench/data/*-x20.pdf; do
    name=$(basename "$pdf" .pdf)
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    hyperfine -N --warmup 2 --runs "$RUNS" --export-csv "$WORK/$name.csv" \
        "$ANNEX extract -q $pdf" "pdftotext -layout $pdf /dev/null" >"$WORK/$name.log" 2>&1 || true
    a=$(row "$WORK/$name.csv" 1 2)
    p=$(row "$WORK/$name.csv" 2 2)
    echo "| $name | $pages | $(calc '%.1f ms' "$a * 1000") | $(calc '%.1f ms' "$p * 1000") |" \
        "$(calc '%.2f× faster' "$p / $a") | $(calc %.0f "$pages / $a") |"
done
echo

rss() { /usr/bin/time -f %M -o "$WORK/rss" "$@" >/dev/null 2>&1 || true; cat "$WORK/rss"; }
small_bytes=$(cat "$small"/* | wc -c)
large_bytes=$(find "$large" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
echo "| peak RSS | $(find "$small" -type f | wc -l) inputs ($(calc %.1f "$small_bytes / 1e6") MB) | $(find "$large" -type f | wc -l) inputs ($(calc %.0f "$large_bytes / 1e6") MB) |"
echo "|---|---|---|"
echo "| \`annex extract -q -j 2 DIR\` | $(rss "$ANNEX" extract -q -j 2 "$small") KiB | $(rss "$ANNEX" extract -q -j 2 "$large") KiB |"
echo "| \`annex extract -q -j 2 -o OUT DIR\` (batch, manifest, resume) | $(rm -rf "$WORK/o"; rss "$ANNEX" extract -q -j 2 -o "$WORK/o" "$small") KiB | $(rm -rf "$WORK/o"; rss "$ANNEX" extract -q -j 2 -o "$WORK/o" "$large") KiB |"
s1=$("$BIN/examples/throughput" 50 "$TABLES" 2 stream 1 | sed -E 's/.*peak RSS ([0-9]+) KiB.*/\1/')
s2=$("$BIN/examples/throughput" 5000 "$TABLES" 2 stream 1 | sed -E 's/.*peak RSS ([0-9]+) KiB.*/\1/')
echo "| library pipeline, streaming (50 vs 5,000 generated inputs) | $s1 KiB | $s2 KiB |"
rm -rf "$WORK/o"
echo

# The PGO build against the release build: the two binaries alternating run by run
# (scripts/ab-time.sh), which a neighbour's load hits alike; judged on the median.
pgo=${PGO_BIN:-}
if [ -z "$pgo" ] && [ "${PGO:-0}" = 1 ]; then
    pgo=$("$ROOT/scripts/build-pgo.sh" | tail -n 1)
fi
if [ -n "$pgo" ]; then
    echo "Release build (1) against the PGO build (2, \`scripts/build-pgo.sh\`), \`annex extract -q -j N DIR\`," \
        "alternating run by run, $((RUNS * 3)) runs each:"
    echo
    echo '```'
    echo "-j 1"
    "$ROOT/scripts/ab-time.sh" -r $((RUNS * 3)) -j 1 "$corpus" "$ANNEX" "$pgo" | sed -n '1,3p'
    echo "-j 2"
    "$ROOT/scripts/ab-time.sh" -r $((RUNS * 3)) -j 2 "$corpus" "$ANNEX" "$pgo" | sed -n '1,3p'
    echo '```'
    echo
fi
echo "Raw outputs: $WORK (hyperfine logs and CSV)."
