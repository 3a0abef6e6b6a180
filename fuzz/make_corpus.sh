#!/usr/bin/env bash
# Builds the seed corpora of every fuzz target: OUT_DIR/<target>/ from tests/data (through
# cogr's own parser, see make_seeds.cpp), plus the target's regression inputs from
# fuzz/regressions/*/<target>-* so the fuzzer starts from every bug found so far.
#   fuzz/make_corpus.sh BUILD_DIR OUT_DIR     (BUILD_DIR: the `fuzz` preset's, e.g. build/fuzz)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:?usage: make_corpus.sh BUILD_DIR OUT_DIR}"
out="${2:?usage: make_corpus.sh BUILD_DIR OUT_DIR}"
rm -rf "$out"
mkdir -p "$out"
"$build/fuzz/cogr_fuzz_seeds" "$root/tests/data" "$out"
shopt -s nullglob
for f in "$root"/fuzz/regressions/*/*; do
  name="$(basename "$f")"
  case "$name" in *.expected|*.md) continue ;; esac
  target="${name%%-*}"
  mkdir -p "$out/$target"
  cp "$f" "$out/$target/regression-$(basename "$(dirname "$f")")-$name"
done
for d in "$out"/*/; do
  printf '  %-16s %4d seeds\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
