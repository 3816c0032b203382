#!/bin/sh
# Run every fuzz target in turn, each for SECONDS (default 600), politely (nice 10), with
# the seed corpus and the dictionary; logs in LOGDIR (default /tmp/annex-fuzz-logs).
# Usage: fuzz/run-all.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")"
SECONDS_EACH=${1:-600}
[ $# -gt 0 ] && shift
TARGETS=${*:-decode normalize grammar pipeline}
LOGDIR=${LOGDIR:-/tmp/annex-fuzz-logs}
mkdir -p "$LOGDIR"
for t in $TARGETS; do
    mkdir -p "corpus/$t"
    RUSTC_BOOTSTRAP=1 nice -n 10 cargo fuzz run -O "$t" "corpus/$t" \
        ../samples ../crates/annex-normalize/tests/fixtures/bad-text -- \
        -dict="$PWD/annex.dict" -max_len=32768 -timeout=10 \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
        > "$LOGDIR/$t.log" 2>&1 || echo "$t: failed, see $LOGDIR/$t.log"
    tail -n 25 "$LOGDIR/$t.log" | grep -E '^(#[0-9]+|Done|stat::)' | tail -n 8
done
