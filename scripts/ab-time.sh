#!/usr/bin/env bash
# Compare the speed of two or more `annex` binaries on a shared, noisy machine: single
# runs of `annex extract -q -j N DIR`, the binaries alternating run by run (so that a
# neighbour's load hits them alike), wall clock; prints min, first quartile and median
# per binary, and MB/s at the min and the median. docs/performance.md's start-against-end
# figures are taken this way: a hyperfine run of one binary after the other can differ by
# ±20 % on this machine from the load alone.
#
#   scripts/ab-time.sh [-r RUNS] [-j JOBS] DIR ANNEX_A ANNEX_B [ANNEX ...]
#
# DIR is e.g. the corpus scripts/perf-report.sh writes (/tmp/annex-perf-report/corpus-500-20).
# Not a test and not part of CI.
set -euo pipefail

runs=15
jobs=1
while getopts "r:j:" opt; do
    case $opt in
    r) runs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
dir=${1:?usage: ab-time.sh [-r RUNS] [-j JOBS] DIR ANNEX_A ANNEX_B [ANNEX ...]}
shift
[ $# -ge 2 ] || { echo "ab-time: give two binaries or more" >&2; exit 2; }
bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

for _ in $(seq "$runs"); do
    for i in $(seq $#); do
        bin=${!i}
        start=$(date +%s%N)
        "$bin" extract -q -j "$jobs" "$dir" >/dev/null
        end=$(date +%s%N)
        echo "$i $(((end - start) / 1000))"
    done
done | sort -k1,1n -k2,2n | awk -v bytes="$bytes" -v runs="$runs" '
    { t[$1, ++n[$1]] = $2 / 1000 }
    END {
        printf "%-3s %10s %10s %10s %12s %12s\n", "bin", "min ms", "q1 ms", "median ms", "MB/s (min)", "MB/s (med)"
        for (b = 1; b in n; b++) {
            min = t[b, 1]; q1 = t[b, int((runs + 3) / 4)]; med = t[b, int((runs + 1) / 2)]
            printf "%-3s %10.1f %10.1f %10.1f %12.1f %12.1f\n", b, min, q1, med, bytes / 1e3 / min, bytes / 1e3 / med
        }
    }'
for i in $(seq $#); do echo "$i = ${!i}"; done
