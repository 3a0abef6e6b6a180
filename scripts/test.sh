#!/usr/bin/env bash
# Builds cogr and runs the whole test suite twice: a Release build with warnings as errors
# (preset `ci`, build/ci) and a Debug ASan+UBSan build (preset `asan-ubsan`, build/asan-ubsan);
# then builds the libFuzzer targets (preset `fuzz`, clang) and runs each of them for
# COGR_FUZZ_SECONDS (default 20) on its seed corpus, two at a time (scripts/fuzz.sh), failing on
# any crash, leak, timeout or OOM; then builds and installs the Python package into a venv and
# runs its pytest suite (stage `python`, scripts/test_python.sh).
# Installs missing Debian packages first (scripts/install_deps.sh). Idempotent; rerunning only
# rebuilds what changed. Exits non-zero if any build or test fails (every stage always runs).
#
# Usage: ./scripts/test.sh [PRESET...]    default: ci asan-ubsan fuzz python
#   COGR_SKIP_DEPS=1 skips the package check.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

if [[ "${COGR_SKIP_DEPS:-0}" != 1 ]]; then
  ./scripts/install_deps.sh || exit 1
fi

presets=("$@")
if [[ ${#presets[@]} -eq 0 ]]; then
  presets=(ci asan-ubsan fuzz python)
fi
jobs=$(nproc)

failed=()
for preset in "${presets[@]}"; do
  if [[ "$preset" == python ]]; then
    echo "=== python: build + install the package (build/python-venv), pytest"
    if ! ./scripts/test_python.sh; then
      failed+=("python")
    fi
    continue
  fi
  echo "=== ${preset}: configure"
  if ! cmake --preset "$preset"; then
    failed+=("${preset}:configure")
    continue
  fi
  echo "=== ${preset}: build (-j${jobs})"
  if ! cmake --build --preset "$preset" -j "$jobs"; then
    failed+=("${preset}:build")
    continue
  fi
  if [[ "$preset" == fuzz ]]; then
    echo "=== fuzz: every target for ${COGR_FUZZ_SECONDS:-20} s"
    if ! FUZZ_SKIP_BUILD=1 FUZZ_JOBS="${FUZZ_JOBS:-2}" ./scripts/fuzz.sh "${COGR_FUZZ_SECONDS:-20}"; then
      failed+=("fuzz:run")
    fi
    continue
  fi
  echo "=== ${preset}: test"
  if ! ctest --preset "$preset" --output-on-failure -j2; then
    failed+=("${preset}:test")
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "=== FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "=== all passed: ${presets[*]}"
