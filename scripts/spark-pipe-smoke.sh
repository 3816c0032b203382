#!/usr/bin/env bash
# Smoke test of cluster mode under Spark: a local-mode Spark job pipes N input paths
# through `annex extract --from-stdin` with RDD.pipe and counts what comes back.
# Not part of CI (it downloads pyspark, ~300 MB). Needs python3 and a JDK 17.
#
#   scripts/spark-pipe-smoke.sh            # 2,000 inputs, 4 partitions
#   N=10000 PARTITIONS=8 scripts/spark-pipe-smoke.sh
#
# Inputs: copies of samples/pingluo-2024-annex2.txt (12 tables, 102 indicators each) plus
# a few bad ones: empty files, binary garbage, a text without tables, a non-PDF named
# .pdf, and paths that do not exist. Every input must come back as records or as one
# `annex/error/v1` line; the script checks that and prints records/s.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/annex-spark-smoke}
N=${N:-2000}
PARTITIONS=${PARTITIONS:-4}
ANNEX=${ANNEX:-$ROOT/target/release/annex}

if [ ! -x "$ANNEX" ]; then
    cargo build --release -p annex-cli --manifest-path "$ROOT/Cargo.toml"
fi
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi

mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/python" ]; then
    python3 -m venv "$WORK/venv"
fi
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check pyspark

# N paths: N - 10 good copies, 10 bad ones.
rm -rf "$WORK/inputs"
mkdir -p "$WORK/inputs"
bad=10
good=$((N - bad))
for i in $(seq 1 "$good"); do
    printf '%s\n' "$WORK/inputs/annex-$i.txt"
done > "$WORK/paths.txt"
# One copy on disk, hard links for the rest: the job reads N files all the same.
cp "$ROOT/samples/pingluo-2024-annex2.txt" "$WORK/inputs/annex-1.txt"
for i in $(seq 2 "$good"); do ln "$WORK/inputs/annex-1.txt" "$WORK/inputs/annex-$i.txt"; done
: > "$WORK/inputs/empty-1.txt"
: > "$WORK/inputs/empty-2.txt"
head -c 4096 /dev/urandom > "$WORK/inputs/garbage.txt"
printf '附件2：没有表格\n' > "$WORK/inputs/no-tables.txt"
printf '<html>not a pdf</html>\n' > "$WORK/inputs/fake.pdf"
{
    for f in empty-1.txt empty-2.txt garbage.txt no-tables.txt fake.pdf; do
        printf '%s\n' "$WORK/inputs/$f"
    done
    for i in 1 2 3 4; do printf '%s\n' "$WORK/inputs/missing-$i.txt"; done
    # And one as a {"id","path"} object.
    printf '{"id":"k-1","path":"%s"}\n' "$WORK/inputs/missing-5.txt"
} >> "$WORK/paths.txt"

cat > "$WORK/job.py" <<'PY'
import json, os, sys, time
from collections import Counter
from pyspark.sql import SparkSession

paths, annex, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
spark = (SparkSession.builder.master("local[*]").appName("annex-pipe-smoke")
         .config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
sc = spark.sparkContext
inputs = sc.textFile(paths).repartition(partitions).cache()
n_inputs = inputs.count()

# Exactly the command a cluster would run: one annex per partition, stdin → stdout.
out = inputs.pipe(f"{annex} extract --from-stdin --quiet").map(json.loads).cache()
start = time.monotonic()
summary = out.map(lambda r: (r["schema"], r.get("outcome", "record"))).countByValue()
elapsed = time.monotonic() - start
paths_seen = out.map(lambda r: r.get("path") or r["source"]["path"]).distinct().count()

records = summary.get(("annex/perf-target-table/v1", "record"), 0)
errors = Counter({k[1]: v for k, v in summary.items() if k[0] == "annex/error/v1"})
print(f"inputs: {n_inputs} in {partitions} partitions; every input accounted for: {paths_seen == n_inputs}")
print(f"records: {records}, error records: {sum(errors.values())} {dict(sorted(errors.items()))}")
print(f"wall time of the piped stage (local[*], {os.cpu_count()} cores): {elapsed:.1f} s")
print(f"records/s: {records / elapsed:.0f}, inputs/s: {n_inputs / elapsed:.0f}")
spark.stop()
assert paths_seen == n_inputs, "some input produced neither a record nor an error record"
PY

"$WORK/venv/bin/python" "$WORK/job.py" "$WORK/paths.txt" "$ANNEX" "$PARTITIONS"
