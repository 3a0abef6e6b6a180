#!/usr/bin/env bash
# Builds cogr and runs the whole test suite twice: a Release build with warnings as errors
# (preset `ci`, build/ci) and a Debug ASan+UBSan build (preset `asan-ubsan`, build/asan-ubsan);
# then builds the libFuzzer targets (preset `fuzz`, clang) and runs each of them for
# COGR_FUZZ_SECONDS (default 20) on its seed corpus, two at a time (scripts/fuzz.sh), failing on
# any crash, leak, timeout or OOM; then builds and installs the Python package into a venv and
# runs its pytest suite (stage `python`, scripts/test_python.sh).
# Installs missing Debian packages first (scripts/install_deps.sh). Idempotent; rerunning only
# rebuilds what changed. Exits non-zero if any build or test fails (every stage always runs); a
# test that fails and then passes when rerun alone is named as flaky at the end instead.
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
failed_tests=()
flaky_tests=()
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
    # Failed tests run once more, alone: one that passes then is named as flaky at the end (and
    # in every run's summary) instead of sinking the run; one that fails again fails the stage.
    first=$(tr '\n' ' ' < "build/${preset}/Testing/Temporary/LastTestsFailed.log" 2>/dev/null)
    echo "=== ${preset}: rerunning the failed tests alone: ${first}"
    if ctest --preset "$preset" --rerun-failed --output-on-failure -j1; then
      flaky_tests+=("${preset}: ${first}")
    else
      failed+=("${preset}:test")
      # The failing tests' names again at the very end: later stages print a lot after them.
      failed_tests+=("${preset}: $(tr '\n' ' ' < "build/${preset}/Testing/Temporary/LastTestsFailed.log" 2>/dev/null)")
    fi
  fi
done

for line in "${flaky_tests[@]}"; do echo "=== flaky (failed, then passed alone) in ${line}" >&2; done
if [[ ${#failed[@]} -ne 0 ]]; then
  for line in "${failed_tests[@]}"; do echo "=== failed tests in ${line}" >&2; done
  echo "=== FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "=== all passed: ${presets[*]}"
