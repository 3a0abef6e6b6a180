#!/usr/bin/env bash
# Quick start: installs missing Debian packages, builds the `cogr` tool (Release, build/release)
# and runs it on tests/data/sample.tif (a 64x64 RGBA zstd COG): `info`, `info --json` and a
# windowed `read` into a .npy file. Idempotent.
set -euo pipefail

cd "$(dirname "$0")/.."

./scripts/install_deps.sh
cmake --preset release
cmake --build --preset release --target cogr_cli -j "$(nproc)"

cogr=build/release/cogr
out=/tmp/cogr_sample_window.npy
run() {
  echo "+ $*"
  "$@"
}
run "$cogr" info tests/data/sample.tif
run "$cogr" info tests/data/sample.tif --json
run "$cogr" read tests/data/sample.tif --bands 1 --window 0,0,64,64 -o "$out"
echo "wrote $out: $(stat -c %s "$out") bytes (.npy, shape (1, 64, 64), uint8)"
