#!/usr/bin/env bash
# Builds the Python package cogr (python/) with the project's CMake, installs it with pip into a
# venv that sees Debian's packages (build/python-venv, --system-site-packages: numpy, affine,
# pyproj, xarray, dask, distributed, pytest), offline (--no-index --no-build-isolation), and runs
# its pytest suite (python/tests). Warnings are errors in the extension's build. Idempotent:
# the CMake build (build/python) is kept, so a rerun rebuilds only what changed.
#
# Usage: scripts/test_python.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
venv=build/python-venv
if [[ ! -x "$venv/bin/python" ]]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
export COGR_PYTHON_CMAKE_ARGS="${COGR_PYTHON_CMAKE_ARGS:--DCOGR_WARNINGS_AS_ERRORS=ON}"
"$venv/bin/python" -m pip install --quiet --no-index --no-build-isolation --force-reinstall --no-deps ./python
# pyproj in a venv looks for PROJ's data under the venv's prefix; Debian's is here.
export PROJ_DATA="${PROJ_DATA:-/usr/share/proj}"
# From outside python/, so that `import cogr` is the installed package, not the source tree.
cd "$repo/build"
exec "$repo/$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" "$repo/python/tests"
