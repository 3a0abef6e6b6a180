#!/usr/bin/env bash
# Builds cogr and runs the whole test suite twice: a Release build with warnings as errors
# (preset `ci`, build/ci) and a Debug ASan+UBSan build (preset `asan-ubsan`, build/asan-ubsan).
# Installs missing Debian packages first (scripts/install_deps.sh). Idempotent; rerunning only
# rebuilds what changed. Exits non-zero if any build or test fails (both stages always run).
#
# Usage: ./scripts/test.sh [PRESET...]    default: ci asan-ubsan
#   COGR_SKIP_DEPS=1 skips the package check.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

if [[ "${COGR_SKIP_DEPS:-0}" != 1 ]]; then
  ./scripts/install_deps.sh || exit 1
fi

presets=("$@")
if [[ ${#presets[@]} -eq 0 ]]; then
  presets=(ci asan-ubsan)
fi
jobs=$(nproc)

failed=()
for preset in "${presets[@]}"; do
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
