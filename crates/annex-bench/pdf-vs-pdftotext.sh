#!/usr/bin/env bash
# PDF → JSON (annex) against `pdftotext -layout` (poppler) on the same files, in one
# hyperfine run each. Needs poppler-utils and hyperfine (apt-get install -y poppler-utils
# hyperfine). Usage: crates/annex-bench/pdf-vs-pdftotext.sh [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs="${1:-10}"
cargo build -q --release -p annex-bench --example pdf2json
bin=target/release/examples/pdf2json
for pdf in crates/annex-bench/data/*-x20.pdf; do
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    echo "== $pdf ($pages pages)"
    hyperfine --warmup 2 --runs "$runs" -N --export-json "/tmp/hf-$(basename "$pdf" .pdf).json" \
        "$bin $pdf" "pdftotext -layout $pdf /dev/null"
done
