#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan + UBSan), rebuilds the seed corpora from
# tests/data, runs every fuzz target for SECONDS (default 25) on its corpus, and prints per target
# the CPU time, executions, execs/s, edges covered (libFuzzer's cov:) and the outcome.
# Exits non-zero if any target found a crash, leak, timeout or OOM; the read-path targets
# (tiff_open, read_window) run with -rss_limit_mb=512 -timeout=5, so an input that allocates
# hundreds of MiB or works for seconds fails them; the others with 2048 MiB / 10 s (fuzz/run.sh;
# FUZZ_RSS_MB and FUZZ_TIMEOUT override both). The input is then in
# build/fuzz/work/artifacts/<target>/. Minimize it
# (TARGET -minimize_crash=1 -runs=10000 FILE), fix the bug, and commit the input as
# fuzz/regressions/<bug-class>/<target>-<what> so tests/fuzz_regressions_test.cpp replays it.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# FUZZ_SKIP_BUILD=1 skips the configure/build step; FUZZ_JOBS=N runs N targets at once.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-25}"
shift || true
all=(tiff_open read_window geokeys_crs geojson catalog_header decode_none decode_lzw decode_deflate decode_packbits
     decode_zstd decode_lzma decode_jpeg decode_webp decode_lerc decode_ccittrle decode_ccittfax3
     decode_ccittfax4 decode_ojpeg decode_sgilog decode_sgilog24)
if [[ $# -gt 0 ]]; then targets=("$@"); else targets=("${all[@]}"); fi
build="$root/build/fuzz"
work="$build/work"

cd "$root"
if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
  cmake --preset fuzz >/dev/null || exit 1
  cmake --build --preset fuzz -j "${FUZZ_BUILD_JOBS:-2}" || exit 1
fi
echo "== seed corpora"
fuzz/make_corpus.sh "$build" "$build/seeds" || exit 1

echo "== fuzzing ${#targets[@]} targets for ${seconds} s each"
# FUZZ_JOBS targets run at once (default 1; each fuzzer is one process on one core).
jobs="${FUZZ_JOBS:-1}"
mkdir -p "$work/results"
running=0
for t in "${targets[@]}"; do
  rm -f "$work/results/$t"
  ( fuzz/run.sh "$t" "$seconds" "$build" "$build/seeds" "$work" >"$work/results/$t"
    echo "  $(cat "$work/results/$t")" ) &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then wait -n; running=$((running - 1)); fi
done
wait
results=()
failed=0
for t in "${targets[@]}"; do
  line=$(cat "$work/results/$t")
  results+=("$line")
  [[ "$line" == *" ok" ]] || failed=1
done

echo
echo "== summary (cov = edges covered, ft = features; log: $work/logs/<target>.log)"
printf '%-16s %7s %7s %11s %9s %7s %7s %7s  %s\n' target wall_s cpu_s execs execs/s cov ft corpus result
total_cpu=0
for line in "${results[@]}"; do
  read -r t s cpu execs rate cov ft corp status <<<"$line"
  printf '%-16s %7s %7s %11s %9s %7s %7s %7s  %s\n' "$t" "$s" "$cpu" "$execs" "$rate" "$cov" "$ft" "$corp" "$status"
  total_cpu=$((total_cpu + cpu))
done
echo "total CPU time: ${total_cpu} s"
if [[ $failed != 0 ]]; then
  echo "FAILED: see the artifacts above" >&2
  exit 1
fi
echo "no crash, leak, timeout or OOM"
