#!/usr/bin/env bash
# Quick start: installs missing Debian packages, builds the `cogr` tool (Release, build/release)
# and runs it on tests/data/sample.tif (a 64x64 RGBA zstd COG): `info`, `info --json` and a
# windowed `read` into a .npy file; then installs the Python package and reads the sample from
# Python. Idempotent.
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

# The Python package (python/): built by the project's CMake and installed offline from Debian's
# packages into Debian's Python (/usr/bin/python3; PEP 668 needs --break-system-packages).
/usr/bin/python3 -m pip install --quiet --no-index --no-build-isolation --break-system-packages ./python
# A `python3` earlier on PATH that is not Debian's (e.g. pyenv's 3.11) sees neither numpy nor
# cogr: when it is the same Python version, point it at Debian's package folders with a .pth.
py=$(command -v python3 || true)
if [[ -n "$py" && "$py" != /usr/bin/python3 ]] && ! "$py" -c 'import cogr' 2>/dev/null; then
  same=$("$py" -c 'import sys; print(sys.version_info[:2])')
  debian=$(/usr/bin/python3 -c 'import sys; print(sys.version_info[:2])')
  if [[ "$same" == "$debian" ]]; then
    site=$("$py" -c 'import site; print(site.getsitepackages()[0])')
    {
      /usr/bin/python3 -c 'import site; print("\n".join(site.getsitepackages()))'
      # pyproj looks for PROJ's data under the interpreter's prefix; Debian's is here.
      echo "import os; os.environ.setdefault('PROJ_DATA', '/usr/share/proj')"
    } > "$site/debian-dist-packages.pth"
    echo "quickstart: $py now also sees Debian's Python packages ($site/debian-dist-packages.pth)"
  fi
fi
run python3 -c "import cogr; print(cogr.open('tests/data/sample.tif').read(1).shape)"
