#!/usr/bin/env bash
# Check that an optimisation changed no output byte: runs two `annex` binaries on every
# input and compares stdout, stderr and exit code of `annex extract --explain FILE`.
#
#   scripts/same-output.sh OLD_ANNEX NEW_ANNEX [INPUT ...]
#
# Without inputs it uses the reference sample, every file of samples/shapes/, the bad-text
# fixtures, and four generated corpora of 2,000 tables at 0, 30, 60 and 100 % OCR damage
# (written to a temporary folder with annex-bench's `gen` example). Build OLD from the
# commit before the change, e.g.
#   git worktree add /tmp/old HEAD~1 && cargo build --release -p annex-cli --manifest-path /tmp/old/Cargo.toml
# Exit 0 when every input gives identical output.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
old=${1:?usage: same-output.sh OLD_ANNEX NEW_ANNEX [INPUT ...]}
new=${2:?usage: same-output.sh OLD_ANNEX NEW_ANNEX [INPUT ...]}
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
    cargo build -q --release -p annex-bench --example gen --manifest-path "$ROOT/Cargo.toml" || exit 2
    for spec in "1 30" "2 0" "3 60" "4 100"; do
        set -- $spec
        "$ROOT/target/release/examples/gen" 2000 "$1" "$2" >"$tmp/gen-2000-s$1-d$2.txt"
        inputs+=("$tmp/gen-2000-s$1-d$2.txt")
    done
    inputs+=("$ROOT/samples/pingluo-2024-annex2.txt")
    for f in "$ROOT"/samples/shapes/* "$ROOT"/crates/annex-normalize/tests/fixtures/bad-text/*; do
        [ "$(basename "$f")" = README.md ] || inputs+=("$f")
    done
fi

differ=0
for f in "${inputs[@]}"; do
    "$old" extract --explain "$f" >"$tmp/o1" 2>"$tmp/e1"
    r1=$?
    "$new" extract --explain "$f" >"$tmp/o2" 2>"$tmp/e2"
    r2=$?
    if ! cmp -s "$tmp/o1" "$tmp/o2" || ! cmp -s "$tmp/e1" "$tmp/e2" || [ "$r1" != "$r2" ]; then
        echo "DIFFERS: $f (exit $r1 vs $r2)"
        differ=1
    fi
done
[ "$differ" = 0 ] && echo "identical on ${#inputs[@]} inputs"
exit "$differ"
