#!/usr/bin/env bash
# Runs one fuzz target for SECONDS on its corpus and prints one summary line:
#   TARGET SECONDS CPU_S EXECS EXECS_PER_S COV FT CORPUS STATUS
# STATUS is ok, or crash/leak/timeout/oom/error with the artifact kept in ARTIFACTS/<target>/.
#   fuzz/run.sh TARGET SECONDS BUILD_DIR SEEDS_DIR WORK_DIR
# The fuzzer's own log goes to WORK_DIR/logs/<target>.log. Exit status: 0 only for `ok`.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$1" seconds="$2" build="$3" seeds="$4" work="$5"
bin="$build/fuzz/${target}_fuzz"
# The read path (tiff_open, read_window) runs under tight bounds: an input that makes cogr
# allocate hundreds of MiB or work for seconds is a finding (oom-*/timeout-*), not a slow run.
# Other targets (PROJ, codec libraries) keep 2048 MiB / 10 s. FUZZ_RSS_MB / FUZZ_TIMEOUT override.
rss_mb=2048 timeout_s=10
case "$target" in
  tiff_open|read_window) dict="$root/fuzz/tiff.dict" rss_mb=512 timeout_s=5 ;;
  geokeys_crs) dict="$root/fuzz/geokeys.dict" ;;
  geojson) dict="$root/fuzz/geojson.dict" ;;
  catalog_header) dict="$root/fuzz/catalog.dict" ;;
  decode_*) dict="$root/fuzz/codec.dict" ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
corpus="$work/corpus/$target" artifacts="$work/artifacts/$target" log="$work/logs/$target.log"
mkdir -p "$corpus" "$artifacts" "$work/logs" "$seeds/$target"
before=$(find "$artifacts" -type f | wc -l)

# libFuzzer: the first directory is the working corpus (new inputs are written there), the
# second the seeds. Leaks are checked (ASan's LSan), UB aborts (-fno-sanitize-recover).
# ASan's quarantine (256 MB by default) and freed memory the allocator keeps count towards the
# RSS limit: with them, read_window passed 512 MB while replaying its corpus and geokeys_crs
# 2 GB after 94 k inputs, though no input needs more than 60 / 300 MB. A 64 MB quarantine and
# free pages returned to the system keep the limit about the input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:abort_on_error=0:quarantine_size_mb=64:allocator_release_to_os_interval_ms=500}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
TIMEFORMAT='%U %S'
{ time "$bin" "$corpus" "$seeds/$target" -dict="$dict" -max_total_time="$seconds" \
    -rss_limit_mb="${FUZZ_RSS_MB:-$rss_mb}" -timeout="${FUZZ_TIMEOUT:-$timeout_s}" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    >"$log" 2>&1; echo "rc=$?" >>"$log"; } 2>"$work/logs/$target.time"
rc=$(sed -n 's/^rc=//p' "$log" | tail -1)
read -r user sys <"$work/logs/$target.time"
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
after=$(find "$artifacts" -type f | wc -l)
status=ok
if [[ "$rc" != 0 || "$after" != "$before" ]]; then
  status=error
  newest=$(ls -t "$artifacts" 2>/dev/null | head -1)
  case "$newest" in
    crash-*) status=crash ;; leak-*) status=leak ;; timeout-*) status=timeout ;;
    oom-*) status=oom ;; slow-unit-*) status=slow ;;
  esac
  [[ -n "$newest" ]] && status="$status:$artifacts/$newest"
fi
echo "$target $seconds $cpu ${execs:-0} ${rate:-0} ${cov:-0} ${ft:-0} ${corp:-0} $status"
[[ "$status" == ok ]]
